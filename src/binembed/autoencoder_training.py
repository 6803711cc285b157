"""The autoencoder's training epoch as one compiled loop: hand-written gradients and an in-place
Adam, for the CPU (the models and symbols of :mod:`binembed.autoencoder`).

Per mini-batch B (rows x_i of X taken in the epoch's order), with z = x W^T, b = H(z),
u = b W + c, y = tanh(u) and n = |B| d:

    L_rec = (1/n) sum (y - x)^2,                 g_u = (2/n) (y - x) (1 - y^2)
    L_reg = 1/2 ||R||_F^2, R = W^T W - I_d,      dL_reg/dW = 2 W R
    dL/dc = sum_i g_u[i]
    dL/dW = b^T g_u                               (decoder; both estimators)
          + (g_u W^T * 1{|z| <= 1})^T x           (encoder; STE only: the hardtanh gate)
          + lambda_reg 2 W R

These are the gradients that torch's autograd takes of ``autoencoder_losses`` (the tests compare
them), and the update is torch's Adam (Kingma & Ba 2015) step for step:
m <- beta1 m + (1 - beta1) g, v <- beta2 v + (1 - beta2) g^2,
p <- p - lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps). Everything is float32 as
in torch, so the two trainers agree up to float rounding; the products are single BLAS calls on
preallocated arrays, and nothing between them is Python.
"""

from __future__ import annotations

import numba
import numpy as np

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


@numba.njit(cache=True, inline="always")
def _adam_update(param, grad, m, v, step_size, bias_root, beta1, beta2, eps):
    """Torch's Adam on a flat float32 parameter, in place, in float32 arithmetic (as torch's)."""
    beta1, beta2, eps = np.float32(beta1), np.float32(beta2), np.float32(eps)
    step_size, bias_root = np.float32(step_size), np.float32(bias_root)
    one = np.float32(1.0)
    for j in range(param.size):
        m[j] = beta1 * m[j] + (one - beta1) * grad[j]
        v[j] = beta2 * v[j] + (one - beta2) * grad[j] * grad[j]
        param[j] -= step_size * m[j] / (np.sqrt(v[j]) / bias_root + eps)


@numba.njit(cache=True, inline="always")
def _add_scaled(target, term, factor):
    """target += factor * term, elementwise on float32 matrices of one shape."""
    factor = np.float32(factor)
    for i in range(target.shape[0]):
        for j in range(target.shape[1]):
            target[i, j] += factor * term[i, j]


@numba.njit(cache=True)
def batch_gradients(x, W, c, lambda_reg, straight_through, z, bits, y, g_u, g_W, g_c, square, product):
    """Fill g_W (m x d) and g_c (d) with the batch's gradients (module docstring); return
    (L_rec, L_reg). The other arguments are scratch arrays: z, bits (rows x m), y, g_u (rows x d),
    square (d x d), product (m x d)."""
    rows, dims = x.shape
    np.dot(x, W.T, z)
    for i in range(rows):
        for j in range(W.shape[0]):
            bits[i, j] = 1.0 if z[i, j] > 0 else 0.0
    np.dot(bits, W, y)
    scale, one = np.float32(2.0 / (rows * dims)), np.float32(1.0)
    reconstruction = 0.0
    g_c[:] = 0.0
    for i in range(rows):
        for k in range(dims):
            out = np.tanh(y[i, k] + c[k])
            error = out - x[i, k]
            reconstruction += error * error
            g_u[i, k] = scale * error * (one - out * out)
            g_c[k] += g_u[i, k]
    np.dot(bits.T, g_u, g_W)
    if straight_through:
        g_b = bits  # the bits are used: their buffer takes g_b = g_u W^T, then the gate
        np.dot(g_u, W.T, g_b)
        for i in range(rows):
            for j in range(W.shape[0]):
                if abs(z[i, j]) > 1.0:
                    g_b[i, j] = 0.0
        np.dot(g_b.T, x, product)
        _add_scaled(g_W, product, 1.0)
    np.dot(W.T, W, square)
    regularizer = 0.0
    for k in range(dims):
        square[k, k] -= 1.0
    for k in range(dims):
        for q in range(dims):
            regularizer += square[k, q] * square[k, q]
    np.dot(W, square, product)
    _add_scaled(g_W, product, 2.0 * lambda_reg)
    return reconstruction / (rows * dims), 0.5 * regularizer


@numba.njit(cache=True)
def _train_epoch(X, order, W, c, m_W, v_W, m_c, v_c, step, lr, lambda_reg, batch_size, straight_through):
    """One epoch of Adam steps over the batches of ``order``, counting on from ``step``; W, c and
    the moments in place. Returns the sums over the epoch's words of L_rec and L_reg (each
    batch's loss times its rows) and the step count reached."""
    n_bits, dims = W.shape
    beta1, beta2 = ADAM_BETAS
    x = np.empty((batch_size, dims), dtype=np.float32)
    z = np.empty((batch_size, n_bits), dtype=np.float32)
    bits = np.empty((batch_size, n_bits), dtype=np.float32)
    y = np.empty((batch_size, dims), dtype=np.float32)
    g_u = np.empty((batch_size, dims), dtype=np.float32)
    g_W = np.empty((n_bits, dims), dtype=np.float32)
    g_c = np.empty(dims, dtype=np.float32)
    square = np.empty((dims, dims), dtype=np.float32)
    product = np.empty((n_bits, dims), dtype=np.float32)
    reconstruction_sum = 0.0
    regularizer_sum = 0.0
    for start in range(0, order.size, batch_size):
        rows = min(batch_size, order.size - start)
        for i in range(rows):
            x[i] = X[order[start + i]]
        reconstruction, regularizer = batch_gradients(
            x[:rows], W, c, lambda_reg, straight_through,
            z[:rows], bits[:rows], y[:rows], g_u[:rows], g_W, g_c, square, product,
        )  # fmt: skip
        reconstruction_sum += reconstruction * rows
        regularizer_sum += regularizer * rows
        step += 1
        step_size = lr / (1.0 - beta1**step)
        bias_root = np.sqrt(1.0 - beta2**step)
        _adam_update(
            W.reshape(-1),
            g_W.reshape(-1),
            m_W.reshape(-1),
            v_W.reshape(-1),
            step_size,
            bias_root,
            beta1,
            beta2,
            ADAM_EPS,
        )
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
