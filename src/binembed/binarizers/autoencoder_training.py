"""The autoencoder's training epoch as one compiled loop: hand-written gradients and an in-place
Adam, for the CPU (the models and symbols of :mod:`binembed.binarizers.autoencoder`).

Per mini-batch B (rows x_i of X taken in the epoch's order), with z = x W^T, b = H(z),
u = b W + c, y = tanh(u) and n = |B| d:

    L_rec = (1/n) sum (y - x)^2,                 g_u = (2/n) (y - x) (1 - y^2)
    L_reg = 1/2 ||R||_F^2, R = W^T W - I_d,      dL_reg/dW = 2 W R
    dL/dc = sum_i g_u[i]
    dL/dW = b^T g_u                               (decoder; both estimators)
          + (g_u W^T * 1{|z| <= 1})^T x           (encoder; STE only: the hardtanh gate;
                                                   = W g_u^T x less the entries it closes)
          + lambda_reg 2 W R

These are the gradients that torch's autograd takes of ``autoencoder_losses`` (the tests compare
them), and the update is torch's Adam (Kingma & Ba 2015) step for step:
m <- beta1 m + (1 - beta1) g, v <- beta2 v + (1 - beta2) g^2,
p <- p - lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps). Everything is float32 as
in torch, so the two trainers agree up to float rounding (tanh here is a rational approximation
within 3.5e-7, :func:`tanh32`); the products are single BLAS calls on preallocated arrays, the
loops between them vectorise (numpy's error model: no division check), and nothing is Python.
"""

from __future__ import annotations

import numba
import numpy as np

from .blas import sgemm, sgemm_scratch

#: torch.optim.Adam's defaults
ADAM_BETAS = (0.9, 0.999)
ADAM_EPS = 1e-8


class AdamState:
    """Adam's moments (float32, like the parameters) and its step count for W (m x d) and c (d)."""

    def __init__(self, n_bits: int, dims: int):
        self.m_W = np.zeros((n_bits, dims), dtype=np.float32)
        self.v_W = np.zeros((n_bits, dims), dtype=np.float32)
        self.m_c = np.zeros(dims, dtype=np.float32)
        self.v_c = np.zeros(dims, dtype=np.float32)
        self.step = 0


# tanh on float32 as the odd rational minimax approximation x p(x^2) / q(x^2), degrees 13 and 6, on
# |x| <= 7.998811721801758 (beyond it tanh is +-1 in float32); the coefficients are those of Eigen's
# float tanh. Within 3.5e-7 of tanh (6 ulp; libm's tanhf: 1.4 ulp), and branch-free, so the loop
# that calls it vectorises where libm's scalar tanhf took a quarter of each batch.
_TANH_CLAMP = np.float32(7.998811721801758)
_TANH_P = tuple(np.float32(a) for a in (4.89352455891786e-03, 6.37261928875436e-04, 1.48572235717979e-05,
                                         5.12229709037114e-08, -8.60467152213735e-11, 2.00018790482477e-13,
                                         -2.76076847742355e-16))  # fmt: skip
_TANH_Q = tuple(np.float32(b) for b in (4.89352518554385e-03, 2.26843463243900e-03, 1.18534705686654e-04,
                                         1.19825839466702e-06))  # fmt: skip


@numba.njit(cache=True, inline="always", error_model="numpy")
def tanh32(x):
    """tanh of a float32 by the rational approximation above (x itself below |x| = 4e-4)."""
    a1, a3, a5, a7, a9, a11, a13 = _TANH_P
    b0, b2, b4, b6 = _TANH_Q
    clamped = min(max(x, -_TANH_CLAMP), _TANH_CLAMP)
    x2 = clamped * clamped
    p = clamped * (a1 + x2 * (a3 + x2 * (a5 + x2 * (a7 + x2 * (a9 + x2 * (a11 + x2 * a13))))))
    q = b0 + x2 * (b2 + x2 * (b4 + x2 * b6))
    return x if abs(x) < np.float32(4e-4) else p / q


@numba.njit(cache=True, inline="always", error_model="numpy")
def _adam_update(param, grad, m, v, step_size, bias_root, beta1, beta2, eps):
    """Torch's Adam on a flat float32 parameter, in place, in float32 arithmetic (as torch's).
    sqrt(v) / sqrt(1 - beta2^t) is taken as sqrt(v) times its reciprocal, computed once: one
    division an element fewer than torch (a rounding apart), where sqrt and division bound the
    loop."""
    beta1, beta2, eps = np.float32(beta1), np.float32(beta2), np.float32(eps)
    step_size, inverse_root = np.float32(step_size), np.float32(1.0 / bias_root)
    one = np.float32(1.0)
    for j in range(param.size):
        m[j] = beta1 * m[j] + (one - beta1) * grad[j]
        v[j] = beta2 * v[j] + (one - beta2) * grad[j] * grad[j]
        param[j] -= step_size * m[j] / (np.sqrt(v[j]) * inverse_root + eps)


@numba.njit(cache=True)
def batch_buffers(rows, n_bits, dims):
    """The arrays batch_gradients works in for batches of ``rows`` words, in its order (float32
    but for the counts and sgemm's scratch): x^T (dims x rows), z, b and the gated g_b
    (rows x n_bits), y (then y's errors) and g_u (rows x dims), R (dims x dims), the STE gate's
    closed entries per word and block of bits, the scratch, and then dL/dW (n_bits x dims) and dL/dc
    (dims)."""
    return (
        np.zeros((dims, rows), dtype=np.float32),
        np.zeros((rows, n_bits), dtype=np.float32),
        np.zeros((rows, n_bits), dtype=np.float32),
        np.zeros((rows, n_bits), dtype=np.float32),
        np.zeros((rows, dims), dtype=np.float32),
        np.zeros((rows, dims), dtype=np.float32),
        np.zeros((dims, dims), dtype=np.float32),
        np.zeros((rows, (n_bits + _GATE_BLOCK - 1) // _GATE_BLOCK), dtype=np.int64),
        sgemm_scratch(),
        np.zeros((n_bits, dims), dtype=np.float32),
        np.zeros(dims, dtype=np.float32),
    )


#: The STE's encoder gradient goes through W (g_u^T x) less the gate's closed entries while at
#: most this share of them is closed (training on GloVe closes 0.15-1.4 %), else through the two
#: g_b products. Measured on 75 x 256 batches: the products take 41 us, the first route 6 us
#: plus 30-55 ns a closed entry (the search of its block included), so it is the faster below
#: about 4 %.
_CLOSED_GATE_SHARE = 1 / 32


#: The gate's closed entries are counted per block of this many bits of a word, and only blocks
#: with one are searched.
_GATE_BLOCK = 64


@numba.njit(cache=True, error_model="numpy", fastmath={"reassoc"})
def _closed_gate_counts(z, closed_in_block):
    """closed_in_block[i, k] gets how many entries of z[i, 64 k : 64 (k + 1)] the gate closes
    (|z| > 1); returns their sum. (Counting vectorises, in float32 sums of 0 and 1 that are
    exact in any order; finding the entries does not.)"""
    one, zero = np.float32(1.0), np.float32(0.0)
    closed = 0
    for i in range(z.shape[0]):
        for block in range(closed_in_block.shape[1]):
            z_block = z[i, block * _GATE_BLOCK : (block + 1) * _GATE_BLOCK]  # a slice: 4x faster
            in_block = zero  # than a range with a min() bound, which does not vectorise
            for j in range(z_block.size):
                in_block += one if abs(z_block[j]) > one else zero
            closed_in_block[i, block] = int(in_block)
            closed += int(in_block)
    return closed


@numba.njit(cache=True, error_model="numpy", fastmath={"reassoc"})
def _take_out_closed_gate(z, closed_in_block, x, W, g_u, g_W):
    """g_W[j] -= g_b[i, j] x[i], g_b[i, j] = g_u[i] . W[j], for each entry (i, j) of z that the
    gate closes (|z| > 1; ``closed_in_block`` from _closed_gate_counts): W (g_u^T x) less
    these is the gated (g_u W^T * 1{|z| <= 1})^T x. The dot products are summed in any order
    (reassoc), so they vectorise."""
    rows, n_bits = z.shape
    dims = x.shape[1]
    for i in range(rows):
        for block in range(closed_in_block.shape[1]):
            if closed_in_block[i, block] == 0:
                continue
            for j in range(block * _GATE_BLOCK, min((block + 1) * _GATE_BLOCK, n_bits)):
                if abs(z[i, j]) > 1.0:
                    g_b = np.float32(0.0)
                    for k in range(dims):
                        g_b += g_u[i, k] * W[j, k]
                    for k in range(dims):
                        g_W[j, k] -= g_b * x[i, k]


@numba.njit(cache=True, error_model="numpy")
def batch_gradients(
    x, W, c, lambda_reg, straight_through, xT, z, b, g_b, y, g_u, R, closed_in_block, scratch, g_W, g_c
):
    """Fill g_W (m x d) with the batch's dL/dW and g_c (d) with dL/dc (module docstring) for the
    rows x (n x d); return (L_rec, L_reg). The products are one BLAS call each, in the
    orientations OpenBLAS runs fastest here (all arrays row-major, W m x d as the model holds
    it; z from x^T's transpose, 5 us faster than from x; stacking products that share an
    operand, or ssyrk for S, measured slower), the later terms of dL/dW summed into it by
    sgemm's beta:

        z = x W^T,   S = W^T W,   y = b W,   dL/dW = b^T g_u + 2 lambda_reg W R
                                             [+ g_b^T x, g_b = (g_u W^T) * 1{|z| <= 1}: STE]

    While the STE's gate closes few entries (|z| > 1), its term is taken as W (g_u^T x), summed
    with the regularizer's as W (2 lambda_reg R + g_u^T x), less the closed entries one by one:
    a d x d product instead of two m x d x n ones.

    The arrays after ``straight_through`` come from batch_buffers(n, m, d)."""
    rows, dims = x.shape
    n_bits = W.shape[0]
    one, zero = np.float32(1.0), np.float32(0.0)
    for i in range(rows):
        for k in range(dims):
            xT[k, i] = x[i, k]
    sgemm(one, xT, True, W, True, zero, z, scratch)
    for i in range(rows):
        for j in range(n_bits):
            b[i, j] = 1.0 if z[i, j] > 0 else 0.0
    np.dot(W.T, W, R)
    for k in range(dims):
        R[k, k] -= 1.0  # R = S - I
    residuals = R.reshape(-1)
    squared_residual = np.dot(residuals, residuals)
    np.dot(b, W, y)
    scale = np.float32(2.0 / (rows * dims))
    for i in range(rows):
        for k in range(dims):
            out = tanh32(y[i, k] + c[k])
            error = out - x[i, k]
            y[i, k] = error
            g_u[i, k] = scale * error * (one - out * out)
    g_c[:] = 0.0
    for i in range(rows):
        for k in range(dims):
            g_c[k] += g_u[i, k]
    errors = y.reshape(-1)
    squared_error = np.dot(errors, errors)
    sgemm(one, b, True, g_u, False, zero, g_W, scratch)
    two_lambda = np.float32(2.0 * lambda_reg)
    if straight_through and _closed_gate_counts(z, closed_in_block) <= _CLOSED_GATE_SHARE * z.size:
        # were the gate all open, g_b^T x = W (g_u^T x): the d x d product g_u^T x joins
        # 2 lambda_reg R under the product with W, and the entries it closes are taken out
        sgemm(one, g_u, True, x, False, two_lambda, R, scratch)
        sgemm(one, W, False, R, False, one, g_W, scratch)
        _take_out_closed_gate(z, closed_in_block, x, W, g_u, g_W)
    else:
        sgemm(two_lambda, W, False, R, False, one, g_W, scratch)
        if straight_through:
            sgemm(one, g_u, False, W, True, zero, g_b, scratch)
            for i in range(rows):
                for j in range(n_bits):
                    if abs(z[i, j]) > 1.0:
                        g_b[i, j] = 0.0
            sgemm(one, g_b, True, x, False, one, g_W, scratch)
    return squared_error / (rows * dims), 0.5 * squared_residual


@numba.njit(cache=True, error_model="numpy")
def _train_epoch(X, order, W, c, m_W, v_W, m_c, v_c, step, lr, lambda_reg, batch_size, straight_through):
    """One epoch of Adam steps over the batches of ``order``, counting on from ``step``; W, c and
    the moments in place. Returns the sums over the epoch's words of L_rec and L_reg (each
    batch's loss times its rows) and the step count reached."""
    n_bits, dims = W.shape
    beta1, beta2 = ADAM_BETAS
    last = order.size % batch_size
    full_buffers = batch_buffers(batch_size, n_bits, dims)
    last_buffers = batch_buffers(max(last, 1), n_bits, dims)
    x = np.empty((batch_size, dims), dtype=np.float32)
    reconstruction_sum = 0.0
    regularizer_sum = 0.0
    for start in range(0, order.size, batch_size):
        rows = min(batch_size, order.size - start)
        buffers = full_buffers if rows == batch_size else last_buffers
        for i in range(rows):  # element by element: twice as fast as row copies here (cache misses overlap)
            row = order[start + i]
            for k in range(dims):
                x[i, k] = X[row, k]
        reconstruction, regularizer = batch_gradients(x[:rows], W, c, lambda_reg, straight_through, *buffers)
        g_W, g_c = buffers[-2], buffers[-1]
        reconstruction_sum += reconstruction * rows
        regularizer_sum += regularizer * rows
        step += 1
        step_size = lr / (1.0 - beta1**step)
        bias_root = np.sqrt(1.0 - beta2**step)
        _adam_update(
            W.reshape(-1), g_W.reshape(-1), m_W.reshape(-1), v_W.reshape(-1),
            step_size, bias_root, beta1, beta2, ADAM_EPS,
        )  # fmt: skip
        _adam_update(c, g_c, m_c, v_c, step_size, bias_root, beta1, beta2, ADAM_EPS)
    return reconstruction_sum, regularizer_sum, step


def train_epoch(X, order, W, c, adam: AdamState, learning_rate, lambda_reg, batch_size, straight_through):
    """One epoch over float32 ``X`` in the row order ``order`` (int64), updating the float32 W
    (n_bits x dims) and c (dims) and ``adam`` in place; returns the epoch's mean L_rec and L_reg
    over its words."""
    reconstruction_sum, regularizer_sum, adam.step = _train_epoch(
        X, order, W, c, adam.m_W, adam.v_W, adam.m_c, adam.v_c, adam.step,
        float(learning_rate), float(lambda_reg), int(batch_size), bool(straight_through),
    )  # fmt: skip
    return reconstruction_sum / len(order), regularizer_sum / len(order)
