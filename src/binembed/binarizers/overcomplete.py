"""Binary sparse overcomplete vectors, Overcomplete-B (Faruqui, Tsvetkov, Yogatama, Dyer & Smith,
ACL 2015, "Sparse overcomplete word vector representations", Sec. 2, method B): non-negative sparse
coding into ``factor`` times as many dimensions, then bit = 1 where the code is positive.
"""

from __future__ import annotations

import functools
import time

import numba
import numpy as np
from scipy import linalg
from threadpoolctl import threadpool_limits

from ..codes import pack_bits
from ..errors import InputError
from ..progress import Progress
from .base import ROW_BLOCK, BaseBinarizer, blockwise_bits

#: Row chunks of the sparse code statistics of the overcomplete D-step; fixed (not the thread
#: count) so that the float64 sums, hence the fit, do not depend on the number of threads.
_STAT_CHUNKS = 8
#: Above this many atoms the D-step statistics use dense BLAS instead of the sparse kernel (whose
#: K x K accumulators then leave the cache): measured 2x slower than sparse at K = 500 with 16%
#: non-zeros, 18x faster at K = 3000.
_SPARSE_GRAM_MAX_ATOMS = 1024
_GRAM_BLOCK_ROWS = 4096


def _serial_blas(method):
    """Run ``method`` with BLAS and LAPACK on one thread: numba's threads split the words into
    fixed tiles, so the bits do not depend on the thread count, whereas a threaded BLAS splits a
    product differently for each count (measured: 300-d vectors, K = 3000 atoms, 1 and 2 threads
    gave different codes)."""

    @functools.wraps(method)
    def serial(*args, **kwargs):
        with threadpool_limits(1, user_api="blas"):
            return method(*args, **kwargs)

    return serial


class OvercompleteBinarizer(BaseBinarizer):
    """Binary sparse overcomplete vectors, Overcomplete-B (Faruqui et al. 2015, Sec. 2).

    Non-negative sparse coding of the V words X (V x L) into codes A (V x K), K = ``factor`` * L,
    with a dictionary D (K x L); bit k of a word is [a_k > 0], so n_bits_ = K. The objective is
    the paper's, per word as the authors' released tool (github.com/mfaruqui/sparse-coding,
    ``sparse-nonneg.cc``) optimizes it:

        F(A, D) = (1/V) sum_i (||x_i - a_i D||^2 + l1 ||a_i||_1) + l2 ||D||_F^2,   A >= 0.

    The tool applies the l2 (tau) gradient of D at every word update, so over a pass it minimizes
    ||X - A D||_F^2 + l1 ||A||_1 + V l2 ||D||_F^2, which is V * F. (With tau counted once, the
    only bound on the scale of D is tau ||D||^2 = 1e-5 ||D||^2: codes shrink, D grows and the
    l1 penalty vanishes, leaving dense codes that reconstruct X almost exactly.)

    Defaults ``factor`` = 10, ``l1`` = 0.5 (lambda), ``l2`` = 1e-5 (tau) are those of the usage
    example of the released tool (``./sparse.o vectors 10 0.5 1e-5 ...``); the paper uses
    K = 10 L and tau = 1e-5 and tunes lambda.

    The tool runs online AdaGrad, one word at a time; here the same objective is minimized by
    block coordinate descent, ``n_iter`` times (default 15) from unit-norm Gaussian
    atoms (``random_state``) and A = 0:

    1. A-step: ``n_steps`` (default 10) FISTA steps (Beck & Teboulle 2009) per word, warm-started
       from its code, with step 1 / Lip, Lip = 2 ||D D^T||_2, and the non-negative soft threshold
       prox(a) = max(a - l1 / Lip, 0); a word keeps the new code only if it lowers its objective;
    2. D-step: the exact ridge solution D = (A^T A + V l2 I)^-1 A^T X;
    3. scale step: (A, D) -> (c A, D / c) with the c that minimizes F, c^3 = 2 V l2 ||D||^2 /
       (l1 ||A||_1) (the reconstruction is unchanged).

    Every step lowers F, so F after each iteration is non-increasing. The budget is fixed, not
    run to convergence.

    A vocabulary of at least 2 ``sample_per_atom`` K words (default 50 per atom) is fitted sample
    first, since the dictionary is learned from far fewer words than it codes: the ``n_iter``
    iterations run on every s-th word, s = V // (``sample_per_atom`` K) (an evenly spaced sample
    of at least ``sample_per_atom`` K words), then the other words are coded with that
    dictionary from a = 0 by ``sample_code_steps`` FISTA steps, and one more iteration runs on
    all words. On the 400k x 50 GloVe 6B vectors (s = 16) this took 43 CPU-s against 160 for 15
    iterations over all words, at a lower F over the 5 seeds (1.206-1.221 against 1.227-1.235).
    The default of 48 steps is where the codes are as dense as those 15 iterations leave them
    (16.1 % ones against 16.0 %, mean of 5 seeds; 45 steps gave 16.5 %, 50 gave 15.8 % at
    F 1.203-1.218). Fewer steps cost objective: 40 gave F 1.228 (seed 0), 30 gave 1.257. The
    codes are not those of the fit on all words: OR-pooled over a text they fill fewer bits
    (SST-2: 76.7 % against 78.6 %; 76.1 % at 50 steps), while every score moved by less than
    1.4 standard errors of the seeds. A sample of the most frequent words instead of an evenly
    spaced one gave F 1.43.
    ``objective_`` lists F after each iteration, the first ``n_iter`` over the sample.
    ``sample_per_atom`` = None fits on all words.

    ``fit_words`` (default None: all) fits on the first ``fit_words`` rows only, the most frequent
    words of a frequency-sorted vocabulary, so that a large one (GoogleNews' 3M words: their
    codes alone would be 36 GB of floats) is fitted within a node's memory.

    ``fit_transform`` returns the codes learned with the dictionary for the rows it was fitted on
    (``codes_``, the workflow's codes: the objective was minimized over them) and the codes of
    any further rows by ``transform``. ``transform`` codes any rows afresh from a = 0 with the
    fitted dictionary by as many FISTA steps as a word outside the sample got
    (``sample_code_steps + n_steps``), or without a sample as each word got (``n_iter * n_steps``);
    ``fresh_code_steps_``. Those fresh codes are sparser than the training codes, which lag one dictionary behind
    and got only ``n_steps`` steps per dictionary (on 5k GloVe words: 9.6% vs 14% ones, 94% of the
    bits equal), so ``fit(X).transform(X)`` is not ``fit_transform(X)``.
    Words are coded in parallel (numba threads, BLAS on one thread: :func:`_serial_blas`); the
    result does not depend on the thread count, and ``transform`` works in blocks of ROW_BLOCK
    rows from row 0 (its memory does not grow with the rows).

    Fitted: ``dictionary_`` (K x L), ``codes_`` (packed bits of the training rows, the first
    ``fit_rows_``),
    ``objective_`` (list), ``objective_final_`` (F over all the fitted words), ``sparsity_``
    (fraction of ones in ``codes_``),
    ``fit_seconds_``.
    """

    method_name = "overcomplete"
    stochastic = True

    def __init__(
        self,
        factor: int = 10,
        l1: float = 0.5,
        l2: float = 1e-5,
        n_iter: int = 15,
        n_steps: int = 10,
        fit_words: int | None = None,
        sample_per_atom: int | None = 50,
        sample_code_steps: int = 48,
        random_state: int = 0,
    ):
        self.factor = factor
        self.l1 = l1
        self.l2 = l2
        self.n_iter = n_iter
        self.n_steps = n_steps
        self.fit_words = fit_words
        self.sample_per_atom = sample_per_atom
        self.sample_code_steps = sample_code_steps
        self.random_state = random_state

    @_serial_blas
    def fit(self, X, y=None):
        start = time.perf_counter()
        if self.factor < 1 or self.l1 <= 0 or self.l2 <= 0 or self.n_iter < 1 or self.n_steps < 1:
            raise ValueError("need factor, n_iter, n_steps >= 1 and l1, l2 > 0")
        if self.fit_words is not None and self.fit_words < 1:
            raise ValueError(f"fit_words must be at least 1 or None, got {self.fit_words}")
        if self.fit_words is not None and self.fit_words > len(X):
            # recorded in the codes' metadata, a fit_words beyond the vocabulary would claim a fit it
            # was not: refused, not clamped
            raise InputError(
                f"overcomplete: parameter fit_words = {self.fit_words} is more than the {len(X)} words "
                "it is given; null fits on all of them"
            )
        if self.sample_per_atom is not None and (self.sample_per_atom < 1 or self.sample_code_steps < 1):
            raise ValueError("need sample_per_atom (or None) and sample_code_steps >= 1")
        X = np.ascontiguousarray(self._validate(X[: self.fit_words]))
        n_words, dims = X.shape
        rng = np.random.default_rng(self.random_state)
        D = rng.standard_normal((self.factor * dims, dims))
        D /= np.linalg.norm(D, axis=1, keepdims=True)
        n_atoms = D.shape[0]
        stride, fresh_code_steps = self.schedule(n_words, n_atoms)
        self.objective_ = []
        with Progress(
            self.n_iter + (stride > 1), "overcomplete", "dictionary updates", step_percent=100 / self.n_iter
        ) as progress:
            A = np.zeros((n_words, n_atoms), dtype=np.float32)
            if stride > 1:
                # the sample's codes are rows of A itself (a view), so the fit holds one A
                D = self._alternate(np.ascontiguousarray(X[::stride]), D, A[::stride], self.n_iter, progress)
                solve = _SparseSolver(D, self.l1, self.sample_code_steps)
                others = np.flatnonzero(np.arange(n_words) % stride)
                for start in range(0, len(others), ROW_BLOCK):
                    rows = others[start : start + ROW_BLOCK]
                    A[rows] = solve(X[rows])
                D = self._alternate(X, D, A, 1, progress)
            else:
                D = self._alternate(X, D, A, self.n_iter, progress)
        self.dictionary_ = D.astype(np.float32)
        self.codes_ = pack_bits(A > 0)
        self.objective_final_ = self.objective_[-1]
        self.sparsity_ = float(np.count_nonzero(A) / A.size)
        self.fit_rows_ = n_words
        self.fresh_code_steps_ = fresh_code_steps
        self.n_features_in_ = dims
        self.n_bits_ = A.shape[1]
        self.fit_seconds_ = time.perf_counter() - start
        return self

    def schedule(self, n_words: int, n_atoms: int) -> tuple[int, int]:
        """The fit's sample stride s on ``n_words`` words and ``n_atoms`` atoms (1: no sample; the
        class docstring) and the FISTA steps of a word coded afresh (``fresh_code_steps_``)."""
        stride = n_words // (self.sample_per_atom * n_atoms) if self.sample_per_atom is not None else 1
        return stride, (self.sample_code_steps + self.n_steps if stride > 1 else self.n_iter * self.n_steps)

    def _alternate(self, X, D, A, n_updates, progress):
        """``n_updates`` rounds of the A-step (in place), the D-step and the scale step on the words
        X (class docstring), appending F after each to ``objective_``; returns the dictionary."""
        n_words = len(X)
        x_norm = np.einsum("ij,ij->", X, X, dtype=np.float64)
        ridge = n_words * self.l2 * np.eye(D.shape[0])
        for _ in range(n_updates):
            _nonneg_lasso(X, D, A, self.l1, self.n_steps)
            AtA, AtX, a_norm = _code_statistics(A, X)
            D = linalg.solve(AtA + ridge, AtX, assume_a="pos")
            d_norm = np.sum(D * D)
            # ||X - A D||^2 = ||X||^2 - <D, A^T X> - V l2 ||D||^2 at the ridge solution.
            residual = x_norm - np.sum(D * AtX) - n_words * self.l2 * d_norm
            scale = (2 * n_words * self.l2 * d_norm / (self.l1 * a_norm)) ** (1 / 3) if a_norm > 0 else 1.0
            A *= np.float32(scale)
            D /= scale
            self.objective_.append(
                float((residual + self.l1 * scale * a_norm) / n_words + self.l2 * d_norm / scale**2)
            )
            progress.update(note=f"objective {self.objective_[-1]:.6f}")
        return D

    def fit_transform(self, X, y=None) -> np.ndarray:
        """The codes learned with the dictionary (``codes_``), and for rows beyond the first
        ``fit_words`` their codes by ``transform``."""
        return self.fit(X).transform_rows(X, 0, len(X))

    def transform_rows(self, X, start: int, stop: int) -> np.ndarray:
        """Rows [start, stop) of ``fit_transform(X)``: learned codes for the rows the model was
        fitted on, fresh ones after them, solved in blocks that start where those of
        ``fit_transform`` do (at multiples of ROW_BLOCK), so the bits are the same."""
        out = np.empty((stop - start, self.codes_.shape[1]), dtype=np.uint8)
        learned = min(stop, self.fit_rows_)
        out[: max(0, learned - start)] = self.codes_[start:learned]
        if stop > self.fit_rows_:
            first = max(start, self.fit_rows_ // ROW_BLOCK * ROW_BLOCK)
            fresh = self.transform(X[first:stop])
            skip = max(start, self.fit_rows_)
            out[skip - start :] = fresh[skip - first :]
        return out

    @_serial_blas
    def transform(self, X) -> np.ndarray:
        """Codes of ``X`` solved afresh with the fitted dictionary (:meth:`sparse_codes`), one
        block of ROW_BLOCK rows at a time."""
        X = self._validate(X)
        self._check_fitted(X)
        solve = _SparseSolver(self.dictionary_, self.l1, self.fresh_code_steps_)
        return blockwise_bits(X, self.n_bits_, lambda block: solve(block) > 0)

    @_serial_blas
    def sparse_codes(self, X) -> np.ndarray:
        """Non-negative codes (words x K, float32) of X with the fitted dictionary, from a = 0 by
        ``fresh_code_steps_`` FISTA steps (see :func:`nonneg_sparse_codes`)."""
        X = self._validate(X)
        self._check_fitted(X)
        return nonneg_sparse_codes(X, self.dictionary_, self.l1, self.fresh_code_steps_)


@_serial_blas
def nonneg_sparse_codes(X, dictionary, l1: float, n_steps: int) -> np.ndarray:
    """argmin_{A >= 0} ||X - A D||_F^2 + l1 ||A||_1 for a fixed dictionary D (K x L), approximated
    by ``n_steps`` FISTA steps per row from A = 0. Returns float32 (words x K). BLAS runs on one
    thread, as in the estimator (:func:`_serial_blas`)."""
    return _SparseSolver(dictionary, l1, n_steps)(X)


class _SparseSolver:
    """:func:`nonneg_sparse_codes` for one dictionary, its step size computed once."""

    def __init__(self, dictionary, l1: float, n_steps: int):
        self.D = np.asarray(dictionary, dtype=np.float64)
        self.l1, self.n_steps = l1, n_steps
        self.lipschitz = _lipschitz(self.D)

    def __call__(self, X) -> np.ndarray:
        X = np.ascontiguousarray(X, dtype=np.float32)
        A = np.zeros((X.shape[0], self.D.shape[0]), dtype=np.float32)
        _nonneg_lasso(X, self.D, A, self.l1, self.n_steps, self.lipschitz)
        return A


def _lipschitz(D):
    """The Lipschitz constant 2 ||D D^T||_2 of the gradient of ||x - a D||^2 in a."""
    return 2 * np.linalg.eigvalsh(D.T @ D)[-1]


def _nonneg_lasso(X, D, A, l1, n_steps, lipschitz=None):
    """The A-step in place: FISTA on each row of A for the dictionary D (float64, K x L)."""
    lipschitz = _lipschitz(D) if lipschitz is None else lipschitz
    if lipschitz == 0:  # D = 0: every code is 0
        A[:] = 0
        return
    D32 = D.astype(np.float32)
    tile = _tile_rows(D.size)
    _fista_kernel(X, D32, np.ascontiguousarray(D32.T), A, np.float32(l1), 1.0 / lipschitz, n_steps, tile)


def _tile_rows(dictionary_size):
    """Rows per tile of the A-step, whose products are BLAS calls made from numba's threads. As
    measured on 2 shared cores, 16-row tiles ran at ~100 GFLOPS for K x L = 500 x 50 (BLAS stays
    serial) and 64-row tiles at ~25; for 3000 x 300, 16 rows ran at 6-19 GFLOPS and 64 at ~58
    (BLAS threads pay off). So: 16 rows while a call is under 2^19 multiply-adds, else calls of
    about 2^26, rounded down to a power of two so that tiles fall on the same rows in every
    block of ROW_BLOCK rows (whatever rows a chunk starts at)."""
    if 16 * dictionary_size <= 2**19:
        return 16
    return min(ROW_BLOCK, 1 << max(4, (2**26 // dictionary_size).bit_length() - 1))


@numba.njit(cache=True, inline="always")
def _residuals(z, D, x, r):
    """r = z D - x for a tile of rows."""
    np.dot(z, D, r)
    for i in range(r.shape[0]):
        for j in range(r.shape[1]):
            r[i, j] -= x[i, j]


@numba.njit(cache=True, inline="always")
def _objectives(r, z, l1):
    """Each row's ||z D - x||^2 + l1 sum(z), from its residual r."""
    loss = np.zeros(r.shape[0])
    for i in range(r.shape[0]):
        for j in range(r.shape[1]):
            loss[i] += r[i, j] * r[i, j]
        for k in range(z.shape[1]):
            loss[i] += l1 * z[i, k]
    return loss


@numba.njit(parallel=True, cache=True, error_model="numpy")
def _fista_kernel(X, D, DT, A, l1, step, n_steps, tile):
    """FISTA (Beck & Teboulle 2009, Sec. 4) on min_{a >= 0} ||x - a D||^2 + l1 sum(a) for each
    row, from a = A[i]: gradient 2 (y D - x) D^T, prox max(. - step l1, 0), momentum
    (t_k - 1) / t_{k+1}. A row keeps the result only if its objective is not higher. Rows go
    through in tiles of ``tile`` rows (whatever the thread count) whose products are BLAS calls."""
    n_words, n_atoms = A.shape
    descent = np.float32(2 * step)
    threshold = np.float32(step * l1)
    for b in numba.prange((n_words + tile - 1) // tile):
        lo = b * tile
        hi = min(n_words, lo + tile)
        x = X[lo:hi]
        z = A[lo:hi].copy()
        y = z.copy()
        r = np.empty((hi - lo, D.shape[1]), np.float32)
        g = np.empty((hi - lo, n_atoms), np.float32)
        _residuals(z, D, x, r)
        before = _objectives(r, z, l1)
        t = 1.0
        for step_index in range(n_steps):
            if step_index > 0:
                _residuals(y, D, x, r)
            np.dot(r, DT, g)
            t_next = (1 + np.sqrt(1 + 4 * t * t)) / 2
            momentum = np.float32((t - 1) / t_next)
            t = t_next
            for i in range(hi - lo):
                for k in range(n_atoms):
                    z_new = max(y[i, k] - descent * g[i, k] - threshold, np.float32(0))
                    y[i, k] = z_new + momentum * (z_new - z[i, k])
                    z[i, k] = z_new
        _residuals(z, D, x, r)
        after = _objectives(r, z, l1)
        for i in range(hi - lo):
            if after[i] <= before[i]:
                A[lo + i] = z[i]


def _code_statistics(A, X):
    """A^T A, A^T X and ||A||_1 in float64: summed over the non-zero entries of each row (numba)
    or, for more than ``_SPARSE_GRAM_MAX_ATOMS`` atoms, by float32 BLAS over blocks of rows."""
    n_atoms = A.shape[1]
    if n_atoms <= _SPARSE_GRAM_MAX_ATOMS:
        AtA, AtX, a_norm = (part.sum(axis=0) for part in _statistics_kernel(A, X, _STAT_CHUNKS))
    else:
        AtA, AtX, a_norm = np.zeros((n_atoms, n_atoms)), np.zeros((n_atoms, X.shape[1])), 0.0
        for start in range(0, len(A), _GRAM_BLOCK_ROWS):
            block = A[start : start + _GRAM_BLOCK_ROWS]
            AtA += linalg.blas.ssyrk(1.0, block.T)  # upper triangle of block^T block
            AtX += block.T @ X[start : start + _GRAM_BLOCK_ROWS]
            a_norm += block.sum(dtype=np.float64)
    return np.triu(AtA) + np.triu(AtA, 1).T, AtX, float(a_norm)


@numba.njit(parallel=True, cache=True)
def _statistics_kernel(A, X, n_chunks):
    """Per chunk of rows: the upper triangle of A^T A, A^T X and sum(A)."""
    n_words, n_atoms = A.shape
    AtA = np.zeros((n_chunks, n_atoms, n_atoms))
    AtX = np.zeros((n_chunks, n_atoms, X.shape[1]))
    a_norm = np.zeros(n_chunks)
    size = (n_words + n_chunks - 1) // n_chunks
    for c in numba.prange(n_chunks):
        support = np.empty(n_atoms, np.int64)
        values = np.empty(n_atoms)
        for i in range(c * size, min(n_words, (c + 1) * size)):
            m = 0
            for k in range(n_atoms):
                if A[i, k] != 0:
                    support[m] = k
                    values[m] = A[i, k]
                    m += 1
            for p in range(m):
                a_norm[c] += values[p]
                gram_row = AtA[c, support[p]]
                for q in range(p, m):
                    gram_row[support[q]] += values[p] * values[q]
                for j in range(X.shape[1]):
                    AtX[c, support[p], j] += values[p] * X[i, j]
    return AtA, AtX, a_norm
