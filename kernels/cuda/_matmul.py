"""Batched matrix product on the device: a tiled shared-memory kernel.

    C[z, i, j] = Σ_k A[z, i, k] · B[z, k, j]

Each block computes a TILE×TILE tile of C; it walks k in steps of TILE, staging a TILE×TILE tile of
A and one of B in shared memory (each thread loads one element of each), so every element of A and
B is read from global memory n/TILE times instead of n times. Operands are read through strides, so
a transposed operand (``transpose_a``/``transpose_b``: Aᵀ, Bᵀ of the last two dims) and a broadcast
batch dim (stride 0) cost no copy. Products accumulate in float64 and are stored in C's dtype.
"""
import math

import numpy as np
from numba import float64

from ._launch import cuda
from ._strided import contiguous_strides, flat, kernel_shape, offset
from ._shape import fill

TILE = 16


@cuda.jit
def _tiled(a, a_batch, a_rs, a_cs, b, b_batch, b_rs, b_cs, batch_shape, M, N, K, out):
    sa = cuda.shared.array((TILE, TILE), float64)
    sb = cuda.shared.array((TILE, TILE), float64)
    tx, ty = cuda.threadIdx.x, cuda.threadIdx.y
    i = cuda.blockIdx.y * TILE + ty
    j = cuda.blockIdx.x * TILE + tx
    z = cuda.blockIdx.z
    a0 = offset(z, batch_shape, a_batch)
    b0 = offset(z, batch_shape, b_batch)
    acc = 0.0
    for k0 in range(0, K, TILE):
        ka, kb = k0 + tx, k0 + ty
        sa[ty, tx] = a[a0 + i * a_rs + ka * a_cs] if i < M and ka < K else 0.0
        sb[ty, tx] = b[b0 + kb * b_rs + j * b_cs] if kb < K and j < N else 0.0
        cuda.syncthreads()
        for k in range(TILE):
            acc += sa[ty, k] * sb[k, tx]
        cuda.syncthreads()
    if i < M and j < N:
        out[(z * M + i) * N + j] = acc


def matmul(a, b, transpose_a=False, transpose_b=False):
    """numpy's ``matmul(a, b)`` (1-D operands promoted and squeezed back, batch dims broadcast), of
    ``a`` or its last-two-dims transpose times ``b`` or its transpose."""
    a_vec, b_vec = a.ndim == 1, b.ndim == 1
    a_shape = (1,) + tuple(a.shape) if a_vec else tuple(a.shape)
    b_shape = tuple(b.shape) + (1,) if b_vec else tuple(b.shape)
    a_str, b_str = contiguous_strides(a_shape), contiguous_strides(b_shape)
    M, Ka = (a_shape[-1], a_shape[-2]) if transpose_a else (a_shape[-2], a_shape[-1])
    Kb, N = (b_shape[-1], b_shape[-2]) if transpose_b else (b_shape[-2], b_shape[-1])
    if Ka != Kb:
        raise ValueError(f"matmul: mismatch in the contracted dimension ({Ka} != {Kb})")
    a_rs, a_cs = (a_str[-1], a_str[-2]) if transpose_a else (a_str[-2], a_str[-1])
    b_rs, b_cs = (b_str[-1], b_str[-2]) if transpose_b else (b_str[-2], b_str[-1])
    batch = tuple(np.broadcast_shapes(a_shape[:-2], b_shape[:-2]))
    strides = []
    for shape, own in ((a_shape, a_str), (b_shape, b_str)):
        lead = len(batch) - (len(shape) - 2)
        strides.append(kernel_shape(batch, [0 if d < lead or shape[d - lead] == 1 else own[d - lead]
                                            for d in range(len(batch))])[1])
    out = cuda.device_array(batch + (M, N), np.result_type(a.dtype, b.dtype))
    n_batch = math.prod(batch)
    if out.size:
        if Ka == 0:
            fill(out, 0)
        else:
            grid = (-(-N // TILE), -(-M // TILE), n_batch)
            _tiled[grid, (TILE, TILE)](flat(a), strides[0], a_rs, a_cs, flat(b), strides[1], b_rs, b_cs,
                                       kernel_shape(batch, ())[0], M, N, Ka, flat(out))
    shape = batch + ((M,) if not a_vec else ()) + ((N,) if not b_vec else ())
    return out.reshape(shape)
