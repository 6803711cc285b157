import math

import numba
import numpy as np
import pytest

from binembed.binarizers import overcomplete as overcomplete_module
from binembed.binarizers.base import NotFittedError
from binembed.binarizers.classic import ITQBinarizer, LSHBinarizer
from binembed.binarizers.overcomplete import OvercompleteBinarizer, nonneg_sparse_codes

BINARIZER_CLASSES = (LSHBinarizer, ITQBinarizer, OvercompleteBinarizer)
from binembed.codes import pack_bits, unpack_bits
from binembed.methods import binarizer_class
from binembed.threads import use_threads

SMALL = {
    LSHBinarizer: {"n_bits": 20},
    ITQBinarizer: {"n_bits": 8, "n_iter": 10},
    OvercompleteBinarizer: {"factor": 3, "n_iter": 3, "n_steps": 5},
}


def gaussian(n, dims, seed=0):
    return np.random.default_rng(seed).standard_normal((n, dims)).astype(np.float32)


def sparse_mixtures(n_words: int) -> np.ndarray:
    """Words that are sparse non-negative mixtures of 40 hidden atoms in 10 dims, plus noise."""
    rng = np.random.default_rng(1)
    atoms = rng.standard_normal((40, 10))
    weights = rng.random((n_words, 40)) * (rng.random((n_words, 40)) < 0.1)
    return (weights @ atoms + 0.01 * rng.standard_normal((n_words, 10))).astype(np.float32)


@pytest.fixture(scope="module")
def mixtures():
    return sparse_mixtures(600)


@pytest.fixture(scope="module")
def overcomplete(mixtures):
    return OvercompleteBinarizer(factor=4, l1=0.1, n_iter=20, random_state=0).fit(mixtures)


def test_the_three_methods():
    assert {cls.method_name for cls in BINARIZER_CLASSES} == {"lsh", "itq", "overcomplete"}
    assert {binarizer_class(cls.method_name) for cls in BINARIZER_CLASSES} == set(BINARIZER_CLASSES)
    assert all(cls.stochastic for cls in BINARIZER_CLASSES)


@pytest.mark.parametrize(
    "cls, params, n_bits",
    [
        (LSHBinarizer, {"n_bits": 20}, 20),
        (ITQBinarizer, {"n_bits": 8}, 8),
        (ITQBinarizer, {}, 12),
        (OvercompleteBinarizer, {"factor": 3, "n_iter": 2}, 36),
    ],
)
def test_shapes_and_n_bits(cls, params, n_bits):
    X = gaussian(50, 12)
    binarizer = cls(**params).fit(X)
    assert binarizer.n_bits_ == n_bits and binarizer.n_features_in_ == 12
    packed = binarizer.transform(X)
    assert packed.dtype == np.uint8 and packed.shape == (50, math.ceil(n_bits / 8))
    assert unpack_bits(packed, n_bits).shape == (50, n_bits)
    assert binarizer.transform(gaussian(7, 12, seed=1)).shape == (7, packed.shape[1])


@pytest.mark.parametrize("cls", BINARIZER_CLASSES)
def test_transform_before_fit_raises(cls):
    with pytest.raises(NotFittedError):
        cls().transform(gaussian(3, 4))


@pytest.mark.parametrize("cls", BINARIZER_CLASSES)
def test_deterministic_per_seed(cls):
    X = gaussian(80, 12)
    first = cls(**SMALL[cls], random_state=3).fit_transform(X)
    assert np.array_equal(first, cls(**SMALL[cls], random_state=3).fit_transform(X))
    assert not np.array_equal(first, cls(**SMALL[cls], random_state=4).fit_transform(X))


def test_lsh_hamming_distance_estimates_angle_over_pi():
    """Charikar (2002): Pr[bit differs] = theta / pi; with 4096 bits the normalized Hamming
    distance of each pair is within 4 binomial standard deviations of theta / pi."""
    n_bits = 4096
    rng = np.random.default_rng(0)
    u, w = np.linalg.qr(rng.standard_normal((32, 2)))[0].T
    thetas = np.array([0.1, 0.5, 1.0, math.pi / 2, 2.2, 3.0])
    X = np.vstack([u, *(np.cos(t) * u + np.sin(t) * w for t in thetas)])
    bits = unpack_bits(LSHBinarizer(n_bits=n_bits, random_state=7).fit_transform(X), n_bits)
    distance = (bits[1:] != bits[0]).mean(axis=1)
    p = thetas / math.pi
    assert (np.abs(distance - p) <= 4 * np.sqrt(p * (1 - p) / n_bits)).all()


def test_itq_rotation_is_orthogonal_and_beats_pca_signs():
    rng = np.random.default_rng(0)
    X = (rng.standard_normal((2000, 16)) * np.linspace(3, 0.5, 16)) @ np.linalg.qr(
        rng.standard_normal((16, 16))
    )[0]
    itq = ITQBinarizer(n_bits=8).fit(X)
    R = itq.rotation_
    assert np.abs(R.T @ R - np.eye(8)).max() < 1e-6
    assert itq.quantization_error_ < itq.pca_quantization_error_
    V = (X - itq.mean_) @ itq.components_.T
    B = np.where(V @ R > 0, 1.0, -1.0)
    assert itq.quantization_error_ == pytest.approx(((B - V @ R) ** 2).sum() / len(X), rel=1e-4)
    assert itq.pca_quantization_error_ == pytest.approx(((np.sign(V) - V) ** 2).sum() / len(X), rel=1e-4)
    assert np.array_equal(unpack_bits(itq.transform(X), 8), B > 0)


def test_itq_refuses_more_bits_than_dims():
    with pytest.raises(ValueError, match="between 1 and the 5 input dims, got 6"):
        ITQBinarizer(n_bits=6).fit(gaussian(100, 5))


def test_overcomplete_codes_are_nonnegative_and_beat_a_random_dictionary(overcomplete, mixtures):
    """Each dictionary with its own non-negative codes (same l1, same FISTA steps); the random
    dictionary has the learned atoms' norms and random directions."""
    learned = overcomplete.dictionary_
    rng = np.random.default_rng(0)
    random = rng.standard_normal(learned.shape)
    random *= np.linalg.norm(learned, axis=1, keepdims=True) / np.linalg.norm(random, axis=1, keepdims=True)
    errors = {}
    for name, D in (("learned", learned), ("random", random)):
        A = nonneg_sparse_codes(mixtures, D, overcomplete.l1, 300)
        assert A.min() >= 0
        errors[name] = ((mixtures - A @ D) ** 2).sum()
    assert errors["learned"] < 0.5 * errors["random"]
    assert overcomplete.sparse_codes(mixtures).min() >= 0


def test_overcomplete_objective_does_not_increase(overcomplete):
    objective = np.array(overcomplete.objective_)
    assert len(objective) == 20 and overcomplete.objective_final_ == objective[-1]
    assert (np.diff(objective) <= 1e-6 * objective[:-1]).all()
    assert objective[-1] < 0.9 * objective[0]


def test_overcomplete_fit_transform_returns_the_codes_learned_with_the_dictionary(overcomplete, mixtures):
    bits = OvercompleteBinarizer(factor=4, l1=0.1, n_iter=20, random_state=0).fit_transform(mixtures)
    assert np.array_equal(bits, overcomplete.codes_)
    assert overcomplete.sparsity_ == pytest.approx(unpack_bits(bits, overcomplete.n_bits_).mean())
    assert 0 < overcomplete.sparsity_ < 0.5


def test_overcomplete_codes_new_rows_with_the_fitted_dictionary(overcomplete, mixtures):
    """Rows other than the training matrix are coded afresh: near, not equal to, the codes that
    the alternation left on the training words."""
    new = overcomplete.transform(mixtures[:100])
    assert np.array_equal(new, pack_bits(overcomplete.sparse_codes(mixtures[:100]) > 0))
    n_bits = overcomplete.n_bits_
    assert (unpack_bits(new, n_bits) == unpack_bits(overcomplete.codes_[:100], n_bits)).mean() > 0.8


@pytest.mark.parametrize("sparse_limit", [1024, 0])
def test_dstep_statistics_on_both_paths(monkeypatch, sparse_limit):
    """The sparse numba kernel and the dense BLAS blocks give A^T A, A^T X and sum(A)."""
    monkeypatch.setattr(overcomplete_module, "_SPARSE_GRAM_MAX_ATOMS", sparse_limit)
    monkeypatch.setattr(overcomplete_module, "_GRAM_BLOCK_ROWS", 64)
    rng = np.random.default_rng(0)
    A = (rng.random((300, 40)) * (rng.random((300, 40)) < 0.2)).astype(np.float32)
    X = gaussian(300, 6)
    AtA, AtX, a_norm = overcomplete_module._code_statistics(A, X)
    A64 = A.astype(np.float64)
    assert np.allclose(AtA, A64.T @ A64, rtol=1e-5) and np.allclose(AtX, A64.T @ X, rtol=1e-5, atol=1e-5)
    assert a_norm == pytest.approx(A64.sum())


def test_overcomplete_does_not_depend_on_the_thread_count(mixtures):
    results = []
    for threads in (1, numba.config.NUMBA_NUM_THREADS):
        numba.set_num_threads(threads)
        try:
            binarizer = OvercompleteBinarizer(factor=4, l1=0.1, n_iter=4, random_state=0)
            results.append((binarizer.fit_transform(mixtures), binarizer.objective_))
        finally:
            numba.set_num_threads(numba.config.NUMBA_NUM_THREADS)
    assert np.array_equal(results[0][0], results[1][0]) and results[0][1] == results[1][1]


def test_overcomplete_with_many_atoms_does_not_depend_on_the_thread_count():
    # above _SPARSE_GRAM_MAX_ATOMS the D-step and the A-step's tiles are BLAS products large enough
    # for OpenBLAS to split among its threads, each count summing in another order: on the word2vec
    # subset (K = 3000) one and two threads gave different codes until the fit kept BLAS serial
    rng = np.random.default_rng(2)
    X = (rng.standard_normal((3000, 120)) * 0.3).astype(np.float32)
    results = []
    try:
        for threads in (1, 2):
            use_threads(threads)
            binarizer = OvercompleteBinarizer(factor=10, n_iter=2, n_steps=3, random_state=0)
            results.append(
                (
                    binarizer.fit_transform(X),
                    binarizer.objective_,
                    binarizer.transform(X[:500]),
                    nonneg_sparse_codes(X[:500], binarizer.dictionary_, binarizer.l1, 20),
                )
            )
    finally:
        use_threads(numba.config.NUMBA_NUM_THREADS)
    assert binarizer.n_bits_ > overcomplete_module._SPARSE_GRAM_MAX_ATOMS
    assert results[0][1] == results[1][1]
    assert np.array_equal(results[0][0], results[1][0]) and np.array_equal(results[0][2], results[1][2])
    assert np.array_equal(results[0][3], results[1][3])  # the public solver keeps BLAS serial too


@pytest.fixture(scope="module")
def many_mixtures():
    """200 words per atom of a factor-4 dictionary."""
    return sparse_mixtures(8000)


def test_overcomplete_fitted_on_a_sample_first_reaches_a_lower_objective(many_mixtures):
    """With 25 words per atom (every 8th word), the 15 updates on the sample, the other words
    coded and one update on all: a lower F over all words than 15 updates on all words, with
    its first 15 values those of a fit on the sample alone."""
    kwargs = {"factor": 4, "l1": 0.1, "n_iter": 15, "random_state": 0}
    sampled = OvercompleteBinarizer(**kwargs, sample_per_atom=25).fit(many_mixtures)
    whole = OvercompleteBinarizer(**kwargs, sample_per_atom=None).fit(many_mixtures)
    alone = OvercompleteBinarizer(**kwargs, sample_per_atom=None).fit(many_mixtures[::8])
    assert len(sampled.objective_) == 16 and sampled.objective_[:15] == alone.objective_
    assert sampled.objective_final_ == sampled.objective_[-1] < whole.objective_final_
    assert sampled.fresh_code_steps_ == 48 + 10 and whole.fresh_code_steps_ == 15 * 10
    # a sample of fewer than 2 x 25 words an atom is no sample: all words, as without one
    small = OvercompleteBinarizer(**kwargs, sample_per_atom=25).fit(many_mixtures[:1999])
    assert len(small.objective_) == 15


def test_overcomplete_fitted_on_a_sample_does_not_depend_on_the_thread_count(many_mixtures):
    results = []
    try:
        for threads in (1, 2):
            use_threads(threads)
            binarizer = OvercompleteBinarizer(factor=4, l1=0.1, n_iter=3, sample_per_atom=25, random_state=0)
            results.append((binarizer.fit_transform(many_mixtures), binarizer.objective_))
    finally:
        use_threads(numba.config.NUMBA_NUM_THREADS)
    assert np.array_equal(results[0][0], results[1][0]) and results[0][1] == results[1][1]


def test_overcomplete_refuses_more_fit_words_than_it_is_given():
    """The codes record fit_words as the rows fitted on: beyond the vocabulary it would claim a fit
    that never was, so it is one error naming the parameter; all the rows is a fit on all."""
    from binembed.errors import InputError

    X = np.random.default_rng(0).normal(size=(30, 4)).astype(np.float32)
    with pytest.raises(
        InputError, match=r"^overcomplete: parameter fit_words = 31 is more than the 30 words"
    ):
        OvercompleteBinarizer(factor=2, n_iter=1, n_steps=2, fit_words=31).fit(X)
    whole = OvercompleteBinarizer(factor=2, n_iter=1, n_steps=2, fit_words=30).fit_transform(X)
    assert np.array_equal(whole, OvercompleteBinarizer(factor=2, n_iter=1, n_steps=2).fit_transform(X))


def test_overcomplete_codes_solve_the_non_negative_lasso_they_claim_to():
    """The codes of a fixed dictionary meet the optimality (KKT) conditions of
    min_{A >= 0} ||X - A D||^2 + l1 sum(A): with G = 2 (A D - X) D^T + l1, G = 0 where A > 0 and
    G >= 0 where A = 0; and their objective is L-BFGS-B's on the same bounded problem."""
    from scipy.optimize import minimize

    rng = np.random.default_rng(11)
    X = rng.normal(size=(12, 5)).astype(np.float32)
    D = rng.normal(size=(15, 5))
    l1 = 0.7
    A = nonneg_sparse_codes(X, D, l1, n_steps=3000).astype(np.float64)
    G = 2 * (A @ D - X) @ D.T + l1
    scale = np.abs(2 * X @ D.T).max()
    assert (A >= 0).all() and 0 < np.count_nonzero(A) < A.size
    assert np.abs(G[A > 0]).max() < 1e-3 * scale and G[A == 0].min() > -1e-3 * scale

    def objective(a):
        a = a.reshape(A.shape)
        return float(np.sum((X - a @ D) ** 2) + l1 * a.sum()), (2 * (a @ D - X) @ D.T + l1).ravel()

    best = minimize(objective, np.zeros(A.size), jac=True, method="L-BFGS-B", bounds=[(0, None)] * A.size,
                    options={"ftol": 1e-14, "gtol": 1e-10, "maxiter": 10000})  # fmt: skip
    assert objective(A)[0] == pytest.approx(best.fun, rel=1e-4)


def test_itq_components_span_the_top_principal_subspace():
    """components_ are the top n_bits eigenvectors of the covariance (an independent eigh of
    numpy's own covariance): the projector onto their span is the eigenvectors' projector."""
    rng = np.random.default_rng(4)
    X = (rng.normal(size=(600, 8)) * np.array([5, 4, 3, 2.5, 1, 0.5, 0.3, 0.1])) @ np.linalg.qr(
        rng.normal(size=(8, 8))
    )[0]
    model = ITQBinarizer(n_bits=3, n_iter=5, random_state=0).fit(X.astype(np.float32))
    _, vectors = np.linalg.eigh(np.cov(X, rowvar=False))
    top = vectors[:, -3:]
    components = np.asarray(model.components_, dtype=np.float64)
    span = components.T @ np.linalg.pinv(components.T)
    assert np.allclose(span, top @ top.T, atol=1e-4)
    assert np.allclose(model.mean_, X.mean(axis=0), atol=1e-4)
