import numpy as np
import pytest
from scipy.stats import rankdata, spearmanr

from binembed.evaluation.correlation import average_ranks, spearman


@pytest.mark.parametrize("seed", range(5))
def test_spearman_is_scipys_with_and_without_ties(seed):
    rng = np.random.default_rng(seed)
    a = rng.normal(size=300)
    b = a + rng.normal(size=300)
    tied_a, tied_b = np.round(a), rng.integers(0, 4, size=300).astype(float)  # heavy ties
    for x, y in ((a, b), (tied_a, b), (tied_a, tied_b), (b, -b)):
        assert spearman(x, y) == pytest.approx(spearmanr(x, y).statistic, abs=1e-12)
        np.testing.assert_array_equal(average_ranks(x), rankdata(x))


def test_spearman_of_a_constant_is_nan():
    assert np.isnan(spearman([1.0, 1.0, 1.0], [1.0, 2.0, 3.0]))
    assert spearman([1, 2, 3], [10, 20, 30]) == pytest.approx(1.0)
