import numpy as np
import pytest

from binembed import SignBinarizer
from binembed.binarizers.base import NotFittedError
from binembed.codes import unpack_bits


def test_sign_sets_bits_of_positive_values():
    X = np.array([[0.5, -0.1, 0.0, 2.0], [-1.0, 0.3, -0.2, 0.0]])
    packed = SignBinarizer().fit_transform(X)
    assert unpack_bits(packed, 4).tolist() == [[1, 0, 0, 1], [0, 1, 0, 0]]


def test_threshold_and_fitted_attributes():
    X = np.random.default_rng(0).normal(size=(20, 9))
    binarizer = SignBinarizer(threshold=0.5).fit(X)
    assert binarizer.n_bits_ == 9 and binarizer.n_features_in_ == 9
    assert (unpack_bits(binarizer.transform(X), 9) == (X > 0.5)).all()
    assert binarizer.get_params() == {"threshold": 0.5}


def test_encode_records_method_and_parameters():
    X = np.random.default_rng(0).normal(size=(3, 16))
    codes = SignBinarizer().encode(["a", "b", "c"], X, metadata={"embedding": "toy", "seed": 0})
    assert codes.n_bits == 16
    assert codes.metadata["method"] == "sign"
    assert codes.metadata["params"] == {"threshold": 0.0}
    assert codes.metadata["embedding"] == "toy"


def test_errors():
    with pytest.raises(NotFittedError):
        SignBinarizer().transform(np.ones((2, 3)))
    with pytest.raises(ValueError, match="NaN"):
        SignBinarizer().fit(np.array([[np.nan, 1.0]]))
    with pytest.raises(ValueError, match="fitted on 3"):
        SignBinarizer().fit(np.ones((2, 3))).transform(np.ones((2, 4)))
