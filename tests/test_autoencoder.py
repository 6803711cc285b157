import numpy as np
import pytest
import torch
from conftest import estimators_in

from binembed.binarizers.autoencoder import (
    AutoencoderNSTEBinarizer,
    AutoencoderSTEBinarizer,
    OrthogonalityPenalty,
    StraightThroughHeaviside,
    autoencoder_losses,
    heaviside,
)
from binembed.binarizers.autoencoder_training import (
    _CLOSED_GATE_SHARE,
    batch_buffers,
    batch_gradients,
    tanh32,
)
from binembed.binarizers.base import NotFittedError
from binembed.codes import unpack_bits
from binembed.methods import binarizer_class

BINARIZER_CLASSES = estimators_in("binembed.binarizers.autoencoder")
QUICK = {"n_epochs": 2, "progress": False, "n_threads": 1}


def structured_vectors(n_words=1200, dims=50, seed=0):
    """Embedding-like synthetic vectors: a rank-10 signal plus a little noise."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n_words, 10)) @ rng.normal(scale=0.2, size=(10, dims))
    return (X + rng.normal(scale=0.05, size=(n_words, dims))).astype(np.float32)


def heavy_tailed_vectors(n_words=1500, dims=50, seed=1):
    """Vectors shaped like GloVe 6B 50d's (the same on every machine): a rank-20 signal whose
    coordinates have heavy tails (Student's t, 3 degrees of freedom): standard deviation about 0.75,
    the largest values near 12."""
    rng = np.random.default_rng(seed)
    X = rng.standard_t(3, size=(n_words, 20)) @ rng.normal(scale=0.1, size=(20, dims))
    return (X + rng.normal(scale=0.1, size=(n_words, dims))).astype(np.float32)


@pytest.fixture(scope="module")
def X():
    return structured_vectors()


@pytest.fixture(scope="module")
def real_like():
    return heavy_tailed_vectors()


def orthogonality_error(W):
    W = np.asarray(W, dtype=np.float64)
    return np.linalg.norm(W.T @ W - np.eye(W.shape[1]))


def analytic_gradient(W, c, X, lambda_reg, straight_through):
    """dL/dW by hand: decoder b^T g_u, regularizer 2 W (W^T W - I), and with the STE the encoder
    term (g_u W^T * 1{|z| <= 1})^T X."""
    z = X @ W.T
    b = (z > 0).to(W.dtype)
    y = torch.tanh(b @ W + c)
    g_u = 2 * (y - X) * (1 - y**2) / X.numel()
    grad = b.T @ g_u + lambda_reg * 2 * W @ (W.T @ W - torch.eye(W.shape[1], dtype=W.dtype))
    if straight_through:
        grad += ((g_u @ W.T) * (z.abs() <= 1)).T @ X
    return grad


def test_registered_methods():
    assert [cls.method_name for cls in BINARIZER_CLASSES] == ["ae_nste", "ae_ste"]
    assert binarizer_class("ae_ste") is AutoencoderSTEBinarizer
    assert all(cls.stochastic for cls in BINARIZER_CLASSES)
    from binembed.stated_settings import stated_parameters

    for cls in BINARIZER_CLASSES:  # the defaults are Entjes' settings (published_settings.csv)
        params, stated = cls().get_params(), stated_parameters(cls.method_name)
        assert params["n_bits"] in stated.pop("n_bits") and len(stated) == 4
        assert {name: params[name] for name in stated} == stated


@pytest.mark.parametrize("cls", BINARIZER_CLASSES)
def test_shapes_and_bit_order(cls, X):
    model = cls(n_bits=20, **QUICK).fit(X)
    packed = model.transform(X)
    assert packed.shape == (len(X), 3) and packed.dtype == np.uint8
    assert (model.n_bits_, model.n_features_in_) == (20, X.shape[1])
    assert model.weights_.shape == (20, X.shape[1]) and model.bias_.shape == (X.shape[1],)
    z = X.astype(np.float64) @ model.weights_.astype(np.float64).T
    clear = np.abs(z) > 1e-5  # float32 rounding may flip a bit whose pre-activation is ~0
    assert (unpack_bits(packed, 20)[clear] == (z > 0)[clear]).all()
    assert {key: len(values) for key, values in model.loss_history_.items()} == {
        "loss": 2,
        "reconstruction": 2,
        "regularizer": 2,
    }
    codes = model.encode([f"w{i}" for i in range(len(X))], X)
    assert codes.metadata["method"] == cls.method_name and codes.n_bits == 20


def test_straight_through_backward_is_the_gate():
    z = torch.tensor([-3.0, -1.0, -0.999, -0.25, 0.0, 0.5, 1.0, 1.001, 7.0], requires_grad=True)
    incoming = torch.tensor([5.0, -4.0, 3.0, -2.0, 1.5, -6.0, 2.5, 8.0, -9.0])
    b = StraightThroughHeaviside.apply(z)
    assert torch.equal(b, (z > 0).float())
    b.backward(incoming)
    assert torch.equal(z.grad, incoming * (z.abs() <= 1))
    # gated, not clipped: full incoming gradient inside [-1, 1], exactly zero outside
    assert z.grad.tolist() == [0.0, -4.0, 3.0, -2.0, 1.5, -6.0, 2.5, 0.0, 0.0]


def test_nste_step_is_a_constant_of_the_graph():
    W = torch.randn(8, 5, requires_grad=True)
    b = heaviside(torch.randn(4, 5) @ W.T)
    assert b.grad_fn is None and not b.requires_grad
    assert set(b.unique().tolist()) <= {0.0, 1.0}


@pytest.mark.parametrize("straight_through", [False, True])
def test_gradients_match_the_analytic_ones(straight_through):
    rng = torch.Generator().manual_seed(1)
    W = (torch.randn(16, 6, generator=rng, dtype=torch.float64) * 0.6).requires_grad_()
    c = (torch.randn(6, generator=rng, dtype=torch.float64) * 0.1).requires_grad_()
    X = torch.randn(30, 6, generator=rng, dtype=torch.float64) * 0.5
    step = StraightThroughHeaviside.apply if straight_through else heaviside
    reconstruction, regularizer = autoencoder_losses(W, c, X, step)
    (reconstruction + 0.7 * regularizer).backward()
    expected = analytic_gradient(W.detach(), c.detach(), X, 0.7, straight_through)
    torch.testing.assert_close(W.grad, expected, rtol=1e-12, atol=1e-12)
    if straight_through:  # the encoder term is really there
        assert not torch.allclose(W.grad, analytic_gradient(W.detach(), c.detach(), X, 0.7, False))


def test_regularizer_has_a_real_gradient():
    W = (torch.randn(12, 5, dtype=torch.float64) * 0.5).requires_grad_()
    penalty = OrthogonalityPenalty.apply(W)
    (grad,) = torch.autograd.grad(penalty, W)
    V = W.detach().requires_grad_()
    plain = 0.5 * (V.T @ V - torch.eye(5, dtype=V.dtype)).square().sum()
    plain.backward()
    torch.testing.assert_close(penalty, plain, rtol=1e-12, atol=1e-12)
    torch.testing.assert_close(grad, V.grad, rtol=1e-12, atol=1e-12)
    assert grad.abs().max() > 0.1


@pytest.mark.parametrize("cls", BINARIZER_CLASSES)
def test_regularizer_pulls_towards_orthogonality(cls, X):
    settings = {**QUICK, "n_bits": 64, "n_epochs": 8}
    with_reg = cls(lambda_reg=1.0, **settings).fit(X)
    without = cls(lambda_reg=0.0, **settings).fit(X)
    assert orthogonality_error(with_reg.weights_) < 0.5 * orthogonality_error(without.weights_)
    assert with_reg.loss_history_["regularizer"][-1] < without.loss_history_["regularizer"][-1]


@pytest.mark.parametrize("cls", BINARIZER_CLASSES)
def test_loss_decreases_over_an_epoch(cls, real_like):
    def total_loss(model):
        W = model.weights_.astype(np.float64)
        return model.reconstruction_loss(real_like) + 0.5 * orthogonality_error(W) ** 2

    untrained = cls(n_epochs=0, progress=False, n_threads=1).fit(real_like)
    trained = cls(n_epochs=1, progress=False, n_threads=1).fit(real_like)
    assert total_loss(trained) < 0.5 * total_loss(untrained)
    assert trained.reconstruction_loss(real_like) < untrained.reconstruction_loss(real_like)
    history = cls(n_epochs=3, progress=False, n_threads=1).fit(real_like).loss_history_
    assert np.all(np.diff(history["loss"]) < 0) and np.all(np.diff(history["reconstruction"]) < 0)
    np.testing.assert_allclose(
        history["loss"], np.add(history["reconstruction"], history["regularizer"]), rtol=1e-6
    )


@pytest.mark.parametrize("cls", BINARIZER_CLASSES)
def test_same_seed_same_bits(cls, X):
    first = cls(n_bits=32, random_state=3, **QUICK).fit(X)
    second = cls(n_bits=32, random_state=3, **QUICK).fit(X)
    other = cls(n_bits=32, random_state=4, **QUICK).fit(X)
    assert np.array_equal(first.transform(X), second.transform(X))
    assert np.array_equal(first.weights_, second.weights_)
    assert first.loss_history_ == second.loss_history_
    assert not np.array_equal(first.weights_, other.weights_)


def test_losses_of_a_model_with_known_weights():
    # W = I (2 bits, 2 dims), c = 0, x = (0.5, -0.5): z = x, b = (1, 0), y = (tanh 1, 0).
    # By hand: MSE = ((0.761594 - 0.5)^2 + 0.5^2) / 2 = 0.159216; quantization error =
    # (|sigmoid(0.5) - 1| + |sigmoid(-0.5) - 0|) / 2 = 1 - 0.622459 = 0.377541.
    model = AutoencoderSTEBinarizer(n_bits=2, **QUICK).fit(np.ones((3, 2), np.float32))
    model.weights_, model.bias_ = np.eye(2, dtype=np.float32), np.zeros(2, np.float32)
    x = np.array([[0.5, -0.5]], np.float32)
    assert unpack_bits(model.transform(x), 2).tolist() == [[1, 0]]
    assert model.reconstruction_loss(x) == pytest.approx(0.159216, abs=1e-6)
    assert model.quantization_error(x) == pytest.approx(0.377541, abs=1e-6)
    # far from the threshold the error vanishes; at z = 0 it is the bound 0.5, reached
    assert model.quantization_error(np.array([[40.0, -40.0]], np.float32)) == pytest.approx(0.0, abs=1e-12)
    assert model.quantization_error(np.zeros((1, 2), np.float32)) == 0.5


def test_clip_input_clips_everywhere(X):
    loud = 6 * X
    clipped = AutoencoderNSTEBinarizer(n_bits=16, clip_input=True, **QUICK).fit(loud)
    reference = AutoencoderNSTEBinarizer(n_bits=16, **QUICK).fit(np.clip(loud, -1, 1))
    np.testing.assert_array_equal(clipped.weights_, reference.weights_)
    np.testing.assert_array_equal(clipped.transform(loud), reference.transform(np.clip(loud, -1, 1)))
    assert clipped.reconstruction_loss(loud) == reference.reconstruction_loss(np.clip(loud, -1, 1))


def test_threads_restored_and_errors(X):
    before = torch.get_num_threads()
    model = AutoencoderNSTEBinarizer(n_bits=8, n_epochs=1, n_threads=1, progress=False).fit(X)
    assert torch.get_num_threads() == before
    with pytest.raises(ValueError, match="fitted on 50"):
        model.transform(X[:, :10])
    with pytest.raises(NotFittedError):
        AutoencoderSTEBinarizer().transform(X)
    with pytest.raises(NotFittedError):
        AutoencoderSTEBinarizer().quantization_error(X)
    with pytest.raises(ValueError, match="n_bits"):
        AutoencoderSTEBinarizer(n_bits=0).fit(X)


@pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA device")
def test_cuda_agrees_with_cpu(X):
    cpu = AutoencoderSTEBinarizer(n_bits=32, device="cpu", **QUICK).fit(X)
    cuda = AutoencoderSTEBinarizer(n_bits=32, device="cuda", **QUICK).fit(X)
    np.testing.assert_allclose(cuda.weights_, cpu.weights_, atol=1e-4)
    assert np.mean(unpack_bits(cuda.transform(X), 32) != unpack_bits(cpu.transform(X), 32)) < 1e-3


@pytest.mark.parametrize("straight_through", [False, True])
@pytest.mark.parametrize(
    ("x_scale", "closed_least", "closed_most"),
    [
        (0.8, 0.1, 0.9),  # the STE's encoder gradient as g_b^T x
        (0.35, 0.01, _CLOSED_GATE_SHARE),  # as W (g_u^T x) less the closed entries
    ],
)
def test_compiled_batch_gradients_are_autograds(straight_through, x_scale, closed_least, closed_most):
    """The compiled loop's hand-written gradients (float32) are torch autograd's of
    autoencoder_losses, with the step of each estimator, by either route the STE takes."""
    rng = np.random.default_rng(2)
    W = (rng.normal(size=(40, 12)) * 0.4).astype(np.float32)
    c = (rng.normal(size=12) * 0.1).astype(np.float32)
    x = (rng.normal(size=(9, 12)) * x_scale).astype(np.float32)
    # both sides of the STE gate are exercised
    assert closed_least < np.mean(np.abs(x @ W.T) > 1) <= closed_most
    buffers = batch_buffers(9, 40, 12)
    rec, reg = batch_gradients(x, W, c, 0.7, straight_through, *buffers)
    g_W, g_c = buffers[-2], buffers[-1]
    W_t, c_t = torch.tensor(W, requires_grad=True), torch.tensor(c, requires_grad=True)
    step = StraightThroughHeaviside.apply if straight_through else heaviside
    reconstruction, regularizer = autoencoder_losses(W_t, c_t, torch.tensor(x), step)
    (reconstruction + 0.7 * regularizer).backward()
    assert (rec, reg) == pytest.approx((reconstruction.item(), regularizer.item()), rel=1e-5)
    np.testing.assert_allclose(g_W, W_t.grad.numpy(), rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(g_c, c_t.grad.numpy(), rtol=1e-4, atol=1e-7)


@pytest.mark.parametrize("cls", BINARIZER_CLASSES)
def test_compiled_training_is_torch_autograd_and_adam(cls, X, monkeypatch):
    """On the CPU the compiled loop trains; torch autograd with torch.optim.Adam (the GPU path)
    from the same generator ends at the same model, up to float rounding."""
    compiled = cls(n_bits=48, **QUICK).fit(X)
    reference = cls(n_bits=48, **QUICK)
    monkeypatch.setattr(reference, "_compiled_epochs", reference._autograd_epochs)
    reference.fit(X)
    np.testing.assert_allclose(compiled.weights_, reference.weights_, atol=2e-5)
    np.testing.assert_allclose(compiled.bias_, reference.bias_, atol=2e-5)
    for key, values in compiled.loss_history_.items():
        np.testing.assert_allclose(values, reference.loss_history_[key], rtol=1e-5)
    differing = unpack_bits(compiled.transform(X), 48) != unpack_bits(reference.transform(X), 48)
    assert differing.mean() < 1e-3


def test_tanh32_is_tanh_within_its_stated_error():
    grid = np.linspace(-12, 12, 400_001)
    tiny = 10.0 ** np.linspace(-9, 0, 20_001)
    x = np.concatenate([grid, tiny, -tiny]).astype(np.float32)
    approx = np.array([tanh32(v) for v in x[::7]], dtype=np.float64)
    exact = np.tanh(x[::7].astype(np.float64))
    assert np.abs(approx - exact).max() <= 3.5e-7
    assert np.all(np.abs(approx) <= 1.0)
    assert tanh32(np.float32(-50.0)) == -tanh32(np.float32(50.0))  # odd
    assert tanh32(np.float32(50.0)) >= 1.0 - 3.5e-7  # saturates
    assert tanh32(np.float32(1e-5)) == np.float32(1e-5)  # tiny values are their own tanh
