"""Autoencoder binarizers: Tissier, Gravier & Habrard, "Near-lossless binarization of word
embeddings" (AAAI 2019), as compared by Entjes ("Binarizing word embeddings using straight-through
estimators", Groningen BSc thesis, 2021).

Model (Tissier et al., section 3). A word vector x in R^d (a row of X) and one matrix W in
R^{m x d}, m = ``n_bits``, shared by the encoder and the decoder:

    z = W x                      (pre-activation)
    b = H(z) in {0,1}^m          (Heaviside step: bit j is 1 where z_j > 0)
    y = tanh(W^T b + c)          (reconstruction, c in R^d)

trained on ``L = L_rec + lambda_reg * L_reg`` over mini-batches B with

    L_rec = 1/(|B| d) sum_{x in B} ||y - x||^2    (squared error averaged over the batch and the d dims)
    L_reg = 1/2 ||W^T W - I_d||_F^2               (I_d the d x d identity, since W^T W is d x d)

L_reg is 0 when the columns of W are orthonormal, possible when m >= d; when m < d, W^T W has rank
at most m and L_reg >= (d - m)/2, reached when the rows of W are orthonormal. The two estimators differ only in the backward pass of H:

* ``ae_nste`` (Tissier et al.): H is not differentiated through; b is a constant of the graph, so
  dL/dW = b^T dL/du + 2 lambda_reg W (W^T W - I_d) with u = W^T b + c: W learns through the decoder
  and the regularizer only.
* ``ae_ste`` (Entjes): the straight-through estimator of hardtanh (Hubara et al. 2016),
  dL/dz = dL/db * 1{|z| <= 1}, so the encoder learns as well.

On the CPU, training runs as one compiled loop per epoch with hand-written gradients and an
in-place Adam (:mod:`binembed.binarizers.autoencoder_training`); on a GPU, as torch autograd of
:func:`autoencoder_losses` with torch.optim.Adam. The tests hold the two to each other.

Training follows the thesis: 25 epochs over the whole vocabulary, reshuffled each epoch, batches of
75, learning rate 0.001. The optimizer is Adam (Kingma & Ba 2015) with torch's default betas and
eps; it is an assumption, the thesis text was not at hand to confirm it. Initialisation: W ~
U(-1/sqrt(d), 1/sqrt(d)) (the default of a torch ``Linear(d, m)`` layer), c = 0. Tissier et al. clip
the inputs to [-1, 1], the range of tanh; the thesis does not (``clip_input=False``).
"""

from __future__ import annotations

from contextlib import contextmanager

import numpy as np
import torch
import torch.nn.functional as F
from threadpoolctl import threadpool_limits

from ..codes import pack_bits
from ..progress import Progress
from .autoencoder_training import AdamState, train_epoch
from .base import ROW_BLOCK, BaseBinarizer


def heaviside(z: torch.Tensor) -> torch.Tensor:
    """b = H(z), 1.0 where z > 0 else 0.0, as a constant of the graph (no grad_fn): the nSTE step."""
    return (z.detach() > 0).to(z.dtype)


class StraightThroughHeaviside(torch.autograd.Function):
    """b = H(z) forward; backward the hardtanh straight-through estimator g_z = g_b * 1{|z| <= 1}."""

    @staticmethod
    def forward(ctx, z):
        ctx.save_for_backward(z)
        return (z > 0).to(z.dtype)

    @staticmethod
    def backward(ctx, grad_b):
        (z,) = ctx.saved_tensors
        return grad_b * (z.abs() <= 1).to(grad_b.dtype)


class OrthogonalityPenalty(torch.autograd.Function):
    """L_reg = 1/2 ||W^T W - I_d||_F^2 with its analytic gradient dL_reg/dW = 2 W (W^T W - I_d): one
    (m, d) x (d, d) product in the backward pass where autograd of the expression needs two."""

    @staticmethod
    def forward(ctx, W):
        residual = W.T @ W
        residual.diagonal().sub_(1)
        ctx.save_for_backward(W, residual)
        return 0.5 * residual.square().sum()

    @staticmethod
    def backward(ctx, grad_penalty):
        W, residual = ctx.saved_tensors
        return (W @ residual).mul_(2 * grad_penalty)


def autoencoder_losses(W, c, X, step=heaviside):
    """(L_rec, L_reg) of the module docstring for the batch ``X`` (rows are words); ``step`` is
    :func:`heaviside` (nSTE) or ``StraightThroughHeaviside.apply`` (STE)."""
    b = step(X @ W.T)
    reconstruction = torch.tanh(torch.addmm(c, b, W))
    return F.mse_loss(reconstruction, X), OrthogonalityPenalty.apply(W)


class AutoencoderNSTEBinarizer(BaseBinarizer):
    """Tissier et al.'s binarizing autoencoder, the step not differentiated (module docstring).

    Parameters (defaults from the thesis unless said otherwise):

    n_bits: 256 (the thesis tries 128, 256, 512). n_epochs: 25. learning_rate: 0.001 (Adam).
    batch_size: 75. lambda_reg: 1.0, the weight of L_reg. clip_input: False; True clips X to
    [-1, 1] as Tissier et al. do, in ``fit`` and in every later use of the model. random_state: 0,
    seeds the initialisation and the shuffles (a torch.Generator: the global torch seed is left
    alone); same seed, same data and same device give identical bits. n_threads: None leaves
    the libraries' thread counts, an int sets torch's and OpenBLAS's while the estimator computes
    (the matrices are small: on a shared 2-core CPU, 1 thread trained several times faster than
    torch's default of 2). device: "auto" (CUDA when
    available, else CPU), or a torch device string; devices agree up to float rounding.
    progress: True reports progress on stderr during training (binembed.progress), with each
    epoch's loss as it ends.

    Fitted attributes: ``weights_`` W (n_bits, dims), ``bias_`` c (dims,), float32 arrays;
    ``loss_history_``, per epoch the means over the epoch's words of L_rec (``"reconstruction"``),
    L_reg (``"regularizer"``, unweighted) and L_rec + lambda_reg L_reg (``"loss"``).
    """

    method_name = "ae_nste"
    stochastic = True

    def __init__(
        self,
        n_bits: int = 256,
        n_epochs: int = 25,
        learning_rate: float = 0.001,
        batch_size: int = 75,
        lambda_reg: float = 1.0,
        clip_input: bool = False,
        random_state: int = 0,
        n_threads: int | None = None,
        device: str = "auto",
        progress: bool = True,
    ):
        self.n_bits = n_bits
        self.n_epochs = n_epochs
        self.learning_rate = learning_rate
        self.batch_size = batch_size
        self.lambda_reg = lambda_reg
        self.clip_input = clip_input
        self.random_state = random_state
        self.n_threads = n_threads
        self.device = device
        self.progress = progress

    _step = staticmethod(heaviside)

    def _torch_device(self) -> torch.device:
        if self.device == "auto":
            return torch.device("cuda" if torch.cuda.is_available() else "cpu")
        return torch.device(self.device)

    @contextmanager
    def _threads(self):
        """With ``n_threads``, run torch and OpenBLAS (which the compiled loop calls) with that
        many threads while the estimator computes, and restore them after."""
        if self.n_threads is None:
            yield
            return
        previous = torch.get_num_threads()
        torch.set_num_threads(self.n_threads)
        try:
            with threadpool_limits(self.n_threads):
                yield
        finally:
            torch.set_num_threads(previous)

    def _inputs(self, X) -> torch.Tensor:
        X = np.clip(X, -1.0, 1.0) if self.clip_input else X
        return torch.as_tensor(X, device=self._torch_device())

    def fit(self, X, y=None):
        X = self._validate(X)
        for name in ("n_bits", "batch_size"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1, got {getattr(self, name)}")
        if self.n_epochs < 0:
            raise ValueError(f"n_epochs must be >= 0, got {self.n_epochs}")
        with self._threads():
            self._train(self._inputs(X))
        self.n_features_in_ = X.shape[1]
        self.n_bits_ = int(self.n_bits)
        return self

    def _train(self, X: torch.Tensor):
        """Adam over ``n_epochs`` shuffled epochs from W ~ U(-1/sqrt(d), 1/sqrt(d)), c = 0: on the
        CPU by the compiled loop of :mod:`binembed.binarizers.autoencoder_training`, on another device by
        torch's autograd of :func:`autoencoder_losses`. Both draw W and the epochs' orders from
        the same torch.Generator, so they agree up to float rounding."""
        n_words, dims = X.shape
        generator = torch.Generator().manual_seed(int(self.random_state))
        bound = 1.0 / np.sqrt(dims)
        W = torch.rand(self.n_bits, dims, generator=generator) * (2 * bound) - bound
        epoch = self._compiled_epochs(X, W) if X.device.type == "cpu" else self._autograd_epochs(X, W)
        history = {"loss": [], "reconstruction": [], "regularizer": []}
        n_batches = -(-n_words // self.batch_size)
        with Progress(self.n_epochs * n_batches, self.method_name, "batches", enabled=self.progress) as bar:
            for number in range(self.n_epochs):
                rec, reg = epoch(torch.randperm(n_words, generator=generator))
                bar.update(n_batches)
                history["reconstruction"].append(rec)
                history["regularizer"].append(reg)
                history["loss"].append(rec + self.lambda_reg * reg)
                bar.say(
                    f"epoch {number + 1}/{self.n_epochs}: loss {history['loss'][-1]:.6f} "
                    f"(reconstruction {rec:.6f}, regularizer {reg:.6f})"
                )
            W, c = epoch(None)
        self.weights_, self.bias_ = W, c
        self.loss_history_ = history

    def _compiled_epochs(self, X: torch.Tensor, W: torch.Tensor):
        """The epoch function of :meth:`_train` on the CPU: given an order, train one epoch and
        return its mean (L_rec, L_reg); given None, return the float32 arrays (W, c)."""
        X, W = np.ascontiguousarray(X.numpy()), W.numpy()  # rows gathered by the batch: row-major
        c = np.zeros(X.shape[1], dtype=np.float32)
        adam = AdamState(*W.shape)
        straight_through = self._step is not heaviside

        def epoch(order):
            if order is None:
                return W, c
            return train_epoch(
                X, order.numpy(), W, c, adam, self.learning_rate, self.lambda_reg, self.batch_size,
                straight_through,
            )  # fmt: skip

        return epoch

    def _autograd_epochs(self, X: torch.Tensor, W: torch.Tensor):
        """The epoch function of :meth:`_train` by torch autograd and torch.optim.Adam, on
        X's device (a GPU; on the CPU it is the reference the compiled loop is tested against)."""
        W = W.to(X.device).requires_grad_()
        c = torch.zeros(X.shape[1], device=X.device, requires_grad=True)
        optimizer = torch.optim.Adam([W, c], lr=self.learning_rate, fused=True)

        def epoch(order):
            if order is None:
                return W.detach().cpu().numpy(), c.detach().cpu().numpy()
            sums = torch.zeros(2, device=X.device)
            for batch in order.to(X.device).split(self.batch_size):
                reconstruction, regularizer = autoencoder_losses(W, c, X[batch], self._step)
                optimizer.zero_grad(set_to_none=True)
                (reconstruction + self.lambda_reg * regularizer).backward()
                optimizer.step()
                sums += torch.stack((reconstruction.detach(), regularizer.detach())) * len(batch)
            return (sums / len(X)).tolist()

        return epoch

    def _chunks(self, X):
        """Validate X against the fitted model, then per chunk of rows yield the tensors x,
        z = W x, b = H(z), W and c."""
        X = self._validate(X)
        self._check_fitted(X)
        device = self._torch_device()
        W = torch.as_tensor(self.weights_, device=device)
        c = torch.as_tensor(self.bias_, device=device)
        with self._threads(), torch.no_grad():
            for start in range(0, len(X), ROW_BLOCK):
                x = self._inputs(X[start : start + ROW_BLOCK])
                z = x @ W.T
                yield x, z, heaviside(z), W, c

    def transform(self, X) -> np.ndarray:
        """Packed codes b = H(W x), n_bits_ bits per word."""
        return np.concatenate([pack_bits(b.bool().cpu().numpy()) for _, _, b, _, _ in self._chunks(X)])

    def fit_report(self, X) -> dict:
        """Final reconstruction MSE, quantization error and the per-epoch losses."""
        return {
            "reconstruction_loss": self.reconstruction_loss(X),
            "quantization_error": self.quantization_error(X),
            "loss_history": self.loss_history_,
        }

    def reconstruction_loss(self, X) -> float:
        """L_rec over all of X: mean over words and dims of (tanh(W^T b + c) - x)^2."""
        total = sum(
            float((torch.tanh(torch.addmm(c, b, W)) - x).square().sum()) for x, _, b, W, c in self._chunks(X)
        )
        return total / (len(X) * self.n_features_in_)

    def quantization_error(self, X) -> float:
        """Mean over words and bits of |sigmoid(z) - b|: how far each pre-activation z = W x,
        squashed to (0, 1) by the logistic sigmoid, is from its bit b = H(z). A bit whose z is far
        from the threshold 0 contributes nearly 0, one with z = 0 exactly 0.5 (sigmoid(0) = 0.5,
        b = 0), so the value lies in [0, 0.5] and reaches 0.5 only when every z is 0; it measures
        how decisively the codes are set, not how well they reconstruct (that is
        :meth:`reconstruction_loss`).

        Entjes (2021) reports quantization errors of about 0.50 and 0.57 without the definition at
        hand here; 0.57 exceeds this quantity's bound, so those values measure something else and
        are not compared with this one."""
        total = sum(float((torch.sigmoid(z) - b).abs().sum()) for _, z, b, _, _ in self._chunks(X))
        return total / (len(X) * self.n_bits_)


class AutoencoderSTEBinarizer(AutoencoderNSTEBinarizer):
    """The same autoencoder trained end to end with the hardtanh straight-through estimator
    (Entjes 2021): parameters and attributes as :class:`AutoencoderNSTEBinarizer`."""

    method_name = "ae_ste"

    _step = staticmethod(StraightThroughHeaviside.apply)
