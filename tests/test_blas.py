import numba
import numpy as np
import pytest

from binembed.binarizers.blas import sgemm, sgemm_scratch


@numba.njit
def _sgemm_compiled(alpha, A, transpose_a, B, transpose_b, beta, C, scratch):
    sgemm(alpha, A, transpose_a, B, transpose_b, beta, C, scratch)


@pytest.mark.parametrize("transpose_a", [False, True])
@pytest.mark.parametrize("transpose_b", [False, True])
def test_sgemm_is_alpha_op_a_op_b_plus_beta_c(transpose_a, transpose_b):
    rng = np.random.default_rng(0)
    m, n, k = 7, 5, 3  # all different, so a swapped dimension or leading dimension shows
    A = rng.normal(size=(k, m) if transpose_a else (m, k)).astype(np.float32)
    B = rng.normal(size=(n, k) if transpose_b else (k, n)).astype(np.float32)
    C = rng.normal(size=(m, n)).astype(np.float32)
    expected = 0.5 * (A.T if transpose_a else A) @ (B.T if transpose_b else B) + 2.0 * C
    _sgemm_compiled(np.float32(0.5), A, transpose_a, B, transpose_b, np.float32(2.0), C, sgemm_scratch())
    np.testing.assert_allclose(C, expected, rtol=1e-6, atol=1e-6)


def test_sgemm_with_beta_zero_ignores_what_c_held():
    A = np.arange(6, dtype=np.float32).reshape(2, 3)
    B = np.ones((3, 4), dtype=np.float32)
    C = np.full((2, 4), np.nan, dtype=np.float32)
    _sgemm_compiled(np.float32(1.0), A, False, B, False, np.float32(0.0), C, sgemm_scratch())
    assert C.tolist() == [[3.0] * 4, [12.0] * 4]
