"""BLAS's sgemm, C = alpha op(A) op(B) + beta C, callable from numba-compiled code.

numba's ``np.dot(A, B, out)`` is sgemm with alpha = 1 and beta = 0. Accumulating a product into
an array that already holds a sum (beta = 1), or scaling it on the way (alpha), saves a pass over
the result; :mod:`binembed.binarizers.autoencoder_training` sums the terms of dL/dW this way. The routine is
the one numba's ``np.dot`` calls too, scipy's ``cython_blas`` (its OpenBLAS), so both run with the
threads set by :func:`binembed.threads.use_threads`.

BLAS is column-major; a row-major C = op(A) op(B) is the column-major C^T = op(B)^T op(A)^T, so
the call passes B before A with the dimensions swapped (the standard row-major mapping).
"""

from __future__ import annotations

import llvmlite.binding as llvm
import numba
import numpy as np
from numba.core import types
from numba.extending import get_cython_function_address

# sgemm(transa, transb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc): every argument a pointer,
# declared as an address so that compiled code passes ``array.ctypes.data`` (plus an offset). It is
# bound by a symbol name that LLVM resolves when a function is loaded, not by an address in the
# code, so the functions calling it stay in numba's on-disk cache.
_SYMBOL = "binembed_scipy_sgemm"
llvm.add_symbol(_SYMBOL, get_cython_function_address("scipy.linalg.cython_blas", "sgemm"))
_fortran_sgemm = types.ExternalFunction(_SYMBOL, types.void(*([types.uintp] * 13)))

_NO_TRANSPOSE, _TRANSPOSE = 78, 84  # "N", "T"

# scratch slots (4 bytes each): the two transpose flags (chars, read from their low byte), the
# column-major m, n, k, the leading dimensions of B and A, then alpha and beta as float32
_SCRATCH_SLOTS = 9
_ALPHA, _BETA = 7, 8


@numba.njit(cache=True)
def sgemm_scratch():
    """The bytes :func:`sgemm` writes its by-reference scalars into; one per caller (not to be
    shared between threads)."""
    return np.zeros(_SCRATCH_SLOTS, dtype=np.int32)


@numba.njit(cache=True, inline="always")
def sgemm(alpha, A, transpose_a, B, transpose_b, beta, C, scratch):
    """C = alpha op(A) op(B) + beta C for C-contiguous float32 arrays, op(M) = M^T where
    ``transpose_*`` is set; C is (m x n), op(A) (m x k), op(B) (k x n). ``scratch`` comes from
    :func:`sgemm_scratch`. The shapes are the caller's to get right, as with BLAS itself."""
    m, n = C.shape
    scratch[0] = _TRANSPOSE if transpose_b else _NO_TRANSPOSE
    scratch[1] = _TRANSPOSE if transpose_a else _NO_TRANSPOSE
    scratch[2], scratch[3] = n, m
    scratch[4] = A.shape[0] if transpose_a else A.shape[1]
    scratch[5], scratch[6] = B.shape[1], A.shape[1]
    scalars = scratch.view(np.float32)
    scalars[_ALPHA], scalars[_BETA] = alpha, beta
    at = scratch.ctypes.data
    _fortran_sgemm(
        at, at + 4, at + 8, at + 12, at + 16, at + 4 * _ALPHA, B.ctypes.data, at + 20,
        A.ctypes.data, at + 24, at + 4 * _BETA, C.ctypes.data, at + 8,  # ldc = n, slot 2
    )  # fmt: skip
