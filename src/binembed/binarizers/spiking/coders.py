"""The estimators of the spiking coders (Wang et al. 2019): their common ``fit`` / ``transform``,
and the Poisson, LIF and LIF-noise coders; each runs its kernel on chunks of words."""

from __future__ import annotations

import numpy as np

from ...progress import Progress
from ..base import BaseBinarizer
from ..random_streams import row_keys
from .lif_kernels import lif_kernel, lif_noise_kernel, lif_periodic_kernel
from .poisson_kernel import poisson_spike_kernel
from .rank_levels import rank_level_kernel
from .time_windows import DT_MS, N_STEPS


class SpikingBinarizer(BaseBinarizer):
    """Common ``fit`` / ``transform`` of the spiking coders. Subclasses store ``tol`` and
    ``chunk_size``, may resolve more in ``_fit_coder`` and run their kernel in ``_simulate``."""

    tol: int
    chunk_size: int

    def fit(self, X, y=None):
        X = self._validate(X)
        if not isinstance(self.tol, (int, np.integer)) or self.tol <= 0 or N_STEPS % self.tol:
            raise ValueError(f"tol={self.tol!r} must be a positive integer dividing the {N_STEPS} time steps")
        if not isinstance(self.chunk_size, (int, np.integer)) or self.chunk_size <= 0:
            raise ValueError(f"chunk_size={self.chunk_size!r} must be a positive integer")
        self._fit_coder(X)
        self.n_features_in_ = X.shape[1]
        self.n_windows_ = N_STEPS // self.tol
        self.n_bits_ = X.shape[1] * self.n_windows_
        return self

    def _fit_coder(self, X):
        pass

    def transform(self, X) -> np.ndarray:
        """Packed bits (words, ceil(n_bits_ / 8)), bit ``d * n_windows_ + k`` for dimension d and
        window k; the input is converted to float32 one chunk of ``chunk_size`` words at a time."""
        X = np.asarray(X)
        if X.ndim != 2 or X.shape[0] == 0:
            X = self._validate(X)
        self._check_fitted(X)
        out = np.zeros((X.shape[0], (self.n_bits_ + 7) // 8), dtype=np.uint8)
        several = X.shape[0] > self.chunk_size  # report progress only on work of several chunks
        with Progress(X.shape[0], self.method_name, "words", step_percent=10, enabled=several) as progress:
            for start in range(0, X.shape[0], self.chunk_size):
                chunk = np.ascontiguousarray(self._validate(X[start : start + self.chunk_size]))
                self._simulate(chunk, N_STEPS, out[start : start + chunk.shape[0]], None, None)
                progress.update(chunk.shape[0])
        return out

    def _simulate(self, X, n_steps, out, raster, potential):
        """Run the kernel on float32 ``X``: bits into ``out``; when ``raster`` is an array, also
        the (words, dims, n_steps) spikes and trace."""
        raise NotImplementedError


def _check_seed(random_state):
    if not isinstance(random_state, (int, np.integer)):
        raise TypeError(f"random_state must be an int seed, got {random_state!r}")
    return np.uint64(int(random_state) % 2**64)


def _check_negative(negative):
    if negative not in ("as_is", "abs"):
        raise ValueError(f"negative must be 'as_is' or 'abs', got {negative!r}")


NORMALIZATIONS = ("rank", "minmax")
#: Levels of the per-dimension quantile function that the rank normalization interpolates.
RANK_KNOTS = 1025


class PoissonBinarizer(SpikingBinarizer):
    """Poisson rate coding (Wang et al. 2019): each step, neuron d spikes where
    rate_d * dt > u, u ~ U[0, 1) (a homogeneous Poisson process in the limit dt -> 0, at most one
    spike a step), with rate_d = max_rate * level_d and level_d in [0, 1] the value w_d normalized
    per dimension by ``fit``:

    - ``"rank"`` (default): the empirical CDF of dimension d over the fitted vocabulary, the
      fraction of words whose value is below w_d, interpolated linearly between the quantiles at
      ``RANK_KNOTS`` = 1025 evenly spaced levels (``quantiles_``, exact to 1/1024). Robust to
      outliers: the levels of any dimension spread uniformly over [0, 1].
    - ``"minmax"``: (w_d - min_d) / (max_d - min_d) over the fitted vocabulary (``data_min_``,
      ``data_max_``). This is the paper's wording, "the normalized value as the firing rate,
      compared per step with a uniform draw" (max_rate = 1 / dt = 10 kHz makes rate * dt the
      normalized value itself). On real embeddings a few outliers set each dimension's range: on
      GloVe 6B 50d 90 % of the levels lie in [0.34, 0.64], every bit fires with about the same
      probability whatever the word, and the codes are close to noise (WS-353 Spearman -5 to 9
      over seeds).

    Both keep the order of the values within a dimension (a negative value fires less than a
    positive one). Values outside the fitted range are clipped to levels 0 and 1; a constant
    dimension gets level 0.

    ``max_rate`` (Hz, at most 1 / dt = 10 kHz). Default 10 kHz, the paper's reading (spike
    probability a step = the level); the workflow tunes it per embedding (4 kHz on GloVe 6B 50d
    and on the word2vec subset, held-out MTurk-771).
    """

    method_name = "poisson"
    stochastic = True

    def __init__(
        self,
        tol: int = 5,
        max_rate: float = 10000.0,
        normalization: str = "rank",
        random_state: int = 0,
        chunk_size: int = 65536,
    ):
        self.tol = tol
        self.max_rate = max_rate
        self.normalization = normalization
        self.random_state = random_state
        self.chunk_size = chunk_size

    def _fit_coder(self, X):
        if not 0.0 < self.max_rate * DT_MS * 1e-3 <= 1.0:
            raise ValueError(f"max_rate={self.max_rate!r} Hz must lie in (0, {1e3 / DT_MS:g}]")
        if self.normalization not in NORMALIZATIONS:
            raise ValueError(f"normalization must be one of {NORMALIZATIONS}, got {self.normalization!r}")
        _check_seed(self.random_state)
        if self.normalization == "rank":
            levels = np.linspace(0.0, 1.0, RANK_KNOTS)
            self.quantiles_ = np.stack([np.quantile(X[:, d], levels) for d in range(X.shape[1])], axis=1)
        else:
            self.data_min_ = X.min(axis=0).astype(np.float64)
            self.data_max_ = X.max(axis=0).astype(np.float64)

    def levels(self, X) -> np.ndarray:
        """The normalized values level_d in [0, 1] of the rows of ``X`` (float64)."""
        X = np.asarray(X, dtype=np.float32)
        if self.normalization == "rank":
            level = np.empty(X.shape, dtype=np.float64)  # the kernel writes every entry
            quantiles = np.ascontiguousarray(self.quantiles_.T, dtype=np.float64)
            rank_level_kernel(X, quantiles, np.linspace(0.0, 1.0, RANK_KNOTS), level)
            return level
        level = np.zeros(X.shape, dtype=np.float64)
        spread = self.data_max_ - self.data_min_
        varying = spread > 0
        level[:, varying] = np.clip((X[:, varying] - self.data_min_[varying]) / spread[varying], 0.0, 1.0)
        return level

    def _simulate(self, X, n_steps, out, raster, potential):
        p_max = self.max_rate * DT_MS * 1e-3
        keys = row_keys(X, _check_seed(self.random_state))
        poisson_spike_kernel(self.levels(X), p_max, keys, n_steps, self.tol, out, raster, potential)


class LIFBinarizer(SpikingBinarizer):
    """Leaky integrate-and-fire coding: tau_m dv/dt = -v + R I_boost w, forward Euler with dt
    (v_{n+1} = (1 - dt/tau_m) v_n + (dt/tau_m) R I_boost w), a spike when v > v_th, then
    v <- v_reset; v(0) = v_reset.

    Defaults: tau_m = 10 ms, v_th = 15, R = 1, v_reset = 0 (reset to the resting potential, the
    usual textbook LIF; with v(0) = v_reset a constant input fires periodically from t = 0).
    ``i_boost`` is 100 for GloVe 300d and 200 for word2vec in the paper. A neuron fires (in the
    long run) iff R I_boost w > v_th, at the interspike interval tau_m ln(R I / (R I - v_th)) in
    the continuum.

    ``negative``: the paper is silent on negative inputs. "as_is" (default) feeds w unchanged,
    so a negative value hyperpolarises the neuron, which never fires (its bits are 0, like a
    sub-threshold value); "abs" drives with |w|, coding magnitude but not sign.
    """

    method_name = "lif"

    def __init__(
        self,
        tol: int = 5,
        i_boost: float = 100.0,
        tau_m: float = 10.0,
        v_th: float = 15.0,
        v_reset: float = 0.0,
        resistance: float = 1.0,
        negative: str = "as_is",
        chunk_size: int = 65536,
    ):
        self.tol = tol
        self.i_boost = i_boost
        self.tau_m = tau_m
        self.v_th = v_th
        self.v_reset = v_reset
        self.resistance = resistance
        self.negative = negative
        self.chunk_size = chunk_size

    def _fit_coder(self, X):
        _check_negative(self.negative)
        if not self.tau_m > 0:
            raise ValueError(f"tau_m={self.tau_m!r} must be positive")

    def _euler_constants(self):
        """(decay, gain) = (1 - dt/tau_m, (dt/tau_m) R I_boost)."""
        return 1.0 - DT_MS / self.tau_m, DT_MS / self.tau_m * self.resistance * self.i_boost

    def _simulate(self, X, n_steps, out, raster, potential):
        decay, gain = self._euler_constants()
        absolute = self.negative == "abs"
        if raster is None:  # bits only: the periodic shortcut, bit for bit the stepped kernel's
            lif_periodic_kernel(
                X, gain, decay, float(self.v_th), float(self.v_reset), absolute, n_steps, self.tol, out
            )
            return
        lif_kernel(
            X,
            gain,
            decay,
            float(self.v_th),
            float(self.v_reset),
            absolute,
            n_steps,
            self.tol,
            out,
            raster,
            potential,
        )


class LIFNoiseBinarizer(LIFBinarizer):
    """LIF coding with white noise on the input current, Euler-Maruyama:
    v_{n+1} = v_n + (dt/tau_m)(-v_n + R I_boost w) + sigma sqrt(dt)/tau_m xi_n, xi_n ~ N(0, 1) drawn
    per (word, dimension, step), i.e. tau_m dv = (-v + R I_boost w) dt + sigma dW. The draws are
    float32 Box-Muller normals of 32-bit u1 and 24-bit u2 (:mod:`binembed.binarizers.random_streams`); the
    membrane is float64.

    ``sigma`` (mV ms^1/2): a free membrane fluctuates with standard deviation sigma / sqrt(2 tau_m)
    in the long run. The default 10 gives 2.2 mV, 15 % of v_th: a moderate perturbation that
    jitters spike times by about 0.7 ms (one or two windows of tol = 5) at a typical GloVe input
    (R I_boost w = 40) while keeping the code close to the LIF's; inputs just below threshold
    fire only rarely within 10 ms. Other parameters as in :class:`LIFBinarizer`."""

    method_name = "lif_noise"
    stochastic = True

    def __init__(
        self,
        tol: int = 5,
        i_boost: float = 100.0,
        tau_m: float = 10.0,
        v_th: float = 15.0,
        v_reset: float = 0.0,
        resistance: float = 1.0,
        negative: str = "as_is",
        sigma: float = 10.0,
        random_state: int = 0,
        chunk_size: int = 65536,
    ):
        super().__init__(tol, i_boost, tau_m, v_th, v_reset, resistance, negative, chunk_size)
        self.sigma = sigma
        self.random_state = random_state

    def _fit_coder(self, X):
        super()._fit_coder(X)
        if not self.sigma >= 0:
            raise ValueError(f"sigma={self.sigma!r} must be non-negative")
        _check_seed(self.random_state)

    def _simulate(self, X, n_steps, out, raster, potential):
        decay, gain = self._euler_constants()
        noise_gain = self.sigma * np.sqrt(DT_MS) / self.tau_m
        lif_noise_kernel(
            X,
            gain,
            decay,
            noise_gain,
            float(self.v_th),
            float(self.v_reset),
            self.negative == "abs",
            row_keys(X, _check_seed(self.random_state)),
            n_steps,
            self.tol,
            out,
            raster,
            potential,
        )
