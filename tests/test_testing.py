"""binembed.testing.check_binarizer: every built-in method keeps its promises, and a class that
breaks one fails with the promise named."""

import numpy as np
import pytest

from binembed.binarizers.base import BaseBinarizer, SignBinarizer
from binembed.codes import pack_bits
from binembed.methods import METHODS, binarizer_class
from binembed.testing import BinarizerCheckFailed, check_binarizer, check_matrix

#: Smaller settings of the slow fits; the promises do not depend on them.
QUICK = {
    "ae_nste": {"n_bits": 20, "n_epochs": 2, "n_threads": 1, "progress": False},
    "ae_ste": {"n_bits": 20, "n_epochs": 2, "n_threads": 1, "progress": False},
    "overcomplete": {"factor": 2, "n_iter": 2, "n_steps": 3},
    "itq": {"n_bits": 10, "n_iter": 3},
}


@pytest.mark.parametrize("method", list(METHODS))
def test_every_method_keeps_its_promises(method):
    check_binarizer(binarizer_class(method)(**QUICK.get(method, {})))


def test_a_class_is_checked_with_its_defaults():
    check_binarizer(SignBinarizer)
    check_binarizer(binarizer_class("lsh"))


class LittleEndianSign(SignBinarizer):
    method_name = "little_endian_sign"

    def transform(self, X):
        X = self._validate(X)
        self._check_fitted(X)
        return np.packbits(X > self.threshold, axis=1, bitorder="little")


class BatchMedianSign(SignBinarizer):
    """Thresholds at the median of the rows it is given: codes depend on the chunking."""

    method_name = "batch_median_sign"

    def transform(self, X):
        X = self._validate(X)
        self._check_fitted(X)
        return pack_bits(X > np.median(X, axis=0))


class UnseededProjection(BaseBinarizer):
    method_name = "unseeded_projection"
    stochastic = True

    def __init__(self, n_bits: int = 16, random_state: int = 0):
        self.n_bits = n_bits
        self.random_state = random_state

    def _projection(self, dims):
        return np.random.default_rng().standard_normal((dims, self.n_bits))

    def fit(self, X, y=None):
        X = self._validate(X)
        self.n_features_in_, self.n_bits_ = X.shape[1], self.n_bits
        self.projection_ = self._projection(X.shape[1])
        return self

    def transform(self, X):
        X = self._validate(X)
        self._check_fitted(X)
        return pack_bits(X @ self.projection_ > 0)


class SeedIgnoringProjection(UnseededProjection):
    method_name = "seed_ignoring_projection"

    def _projection(self, dims):
        return np.random.default_rng(42).standard_normal((dims, self.n_bits))


class DoublingParameter(SignBinarizer):
    method_name = "doubling_parameter"

    def __init__(self, threshold: float = 0.0):
        self.threshold = 2 * threshold + 0.5


class LambdaHolder(SignBinarizer):
    method_name = "lambda_holder"

    def fit(self, X, y=None):
        super().fit(X)
        self.rule_ = lambda block: block > self.threshold
        return self


class ForgetfulMetadata(SignBinarizer):
    method_name = "forgetful_metadata"

    def codes_metadata(self, X, metadata=None):
        return {"method": self.method_name}


class NoInputCheck(SignBinarizer):
    method_name = "no_input_check"

    def transform(self, X):
        self._check_fitted(np.asarray(X))  # the dimensions are checked, NaN is not
        return pack_bits(np.asarray(X) > self.threshold)


class CentringInPlace(SignBinarizer):
    method_name = "centring_in_place"

    def fit(self, X, y=None):
        X -= X.mean(axis=0)
        return super().fit(X)


class ConstantCode(SignBinarizer):
    method_name = "constant_code"

    def transform(self, X):
        X = self._validate(X)
        self._check_fitted(X)
        return pack_bits(np.zeros_like(X, dtype=bool))


@pytest.mark.parametrize(
    ("broken", "promise", "says"),
    [
        (LittleEndianSign, "packed bits", "padding bits after bit 13 are not 0"),
        (ConstantCode, "packed bits", "every word gets the same code"),
        (BatchMedianSign, "row blocks", "differs from fit_transform(X)"),
        (UnseededProjection, "same seed, same codes", "give different codes"),
        (SeedIgnoringProjection, "seed changes codes", "random_state is not used"),
        (DoublingParameter, "parameters", "a copy built from get_params() has other parameters"),
        (LambdaHolder, "pickling", "raised"),
        (ForgetfulMetadata, "metadata", "does not record get_params()"),
        (NoInputCheck, "input checks", "a NaN gives codes instead of raising ValueError"),
        (CentringInPlace, "fit", "fit changed its input"),
    ],
)
def test_a_broken_class_fails_with_the_promise_it_broke(broken, promise, says):
    with pytest.raises(BinarizerCheckFailed) as failure:
        check_binarizer(broken)
    message = str(failure.value)
    assert message.startswith(f"{broken.__name__} ({broken.method_name}) breaks the promise '{promise}': ")
    assert says in message


def test_set_params_sets_and_refuses_unknown_names():
    sign = SignBinarizer()
    assert sign.set_params(threshold=0.5) is sign and sign.threshold == 0.5
    with pytest.raises(ValueError, match="SignBinarizer has no parameter 'thresh' \\(it has threshold\\)"):
        sign.set_params(thresh=1.0)


def test_the_check_matrix_spans_blocks_and_ends_inside_a_byte():
    X = check_matrix()
    assert X.dtype == np.float32 and len(X) > 2 * 4096 and X.shape[1] % 8


def test_readme_names_the_promises_as_check_binarizer_raises_them():
    from conftest import REPO

    from binembed.testing import _CHECKS

    readme = " ".join((REPO / "README.md").read_text().split())
    named = ", ".join(f"'{promise}'" for promise, _ in _CHECKS)
    assert f"by the name it raises: {named} (each" in readme
