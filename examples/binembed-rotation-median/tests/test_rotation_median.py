import numpy as np
from binembed_rotation_median.estimator import RotationMedianBinarizer, haar_rotation

from binembed.codes import unpack_bits
from binembed.testing import check_binarizer, check_matrix


def test_it_keeps_binembeds_promises():
    check_binarizer(RotationMedianBinarizer)
    check_binarizer(RotationMedianBinarizer(n_bits=30))  # more bits than the 13 dimensions


def test_each_bit_is_one_for_half_of_the_words():
    X = check_matrix() + 1.0  # not centred: a threshold of 0 would give unbalanced bits
    bits = unpack_bits(RotationMedianBinarizer(n_bits=20).fit_transform(X), 20)
    assert np.allclose(bits.mean(axis=0), 0.5, atol=1e-3)


def test_the_rotation_is_orthogonal():
    q = haar_rotation(7, np.random.default_rng(0))
    assert np.allclose(q @ q.T, np.eye(7))
