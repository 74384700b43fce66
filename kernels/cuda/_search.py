"""Binary search and counting on the device: searchsorted, histc, bincount.

    searchsorted  one thread per value: the first k in its row with  row[k] ≥ x  (side 'left') or
                  row[k] > x ('right'), NaN ordered last as numpy's sort (through ``sorter`` when given)
    histc         one thread per element, numpy's uniform-bin rule in the bin edges' dtype
                  (k = ⌊(x − lo)/(hi − lo)·bins⌋, the last edge in the last bin, corrected by a bin
                  where k disagrees with the edges), NaN and values outside [lo, hi] skipped;
                  counts added with int64 atomics (exact in any order)
    bincount      one thread per element, atomic adds of 1 (int64) or of its weight (float64, whose
                  rounding follows the order the atomics land in, as torch's CUDA bincount)
"""
import numpy as np

from . import _launch
from ._elementwise import astype
from ._launch import cuda
from ._reduce import amax
from ._shape import zeros
from ._strided import flat
from ._transfer import from_host


@cuda.jit(device=True)
def _before(x, y):
    """x sorts strictly before y (NaN last)."""
    return x < y or (y != y and x == x)


@cuda.jit
def _searchsorted_kernel(seq, n, values, m, sorter, right, out):
    for i in range(cuda.grid(1), values.size, cuda.gridsize(1)):
        row = (i // m) * n if seq.size > n else 0
        x = values[i]
        lo, hi = 0, n
        while lo < hi:
            mid = (lo + hi) // 2
            y = seq[row + (sorter[row + mid] if sorter.size else mid)]
            if _before(x, y) if right else not _before(y, x):
                hi = mid
            else:
                lo = mid + 1
        out[i] = lo


def searchsorted(a, v, side="left", sorter=None):
    """For each value in ``v``, its insertion index in ``a`` (1-D, or rows: a.shape[:-1] == v.shape[:-1]
    searched row by row), int64, ``v``'s shape."""
    v = v if hasattr(v, "copy_to_host") else from_host(np.asarray(v))
    out = cuda.device_array(tuple(v.shape), np.int64)
    n = a.shape[-1] if a.ndim else 1
    if out.size:
        order = astype(sorter, np.int64) if sorter is not None else cuda.device_array(0, np.int64)
        m = v.shape[-1] if v.ndim else 1
        _launch.launch(_searchsorted_kernel, out.size, False, flat(a), n, flat(v), m, flat(order), side == "right",
                       flat(out))
    return out


@cuda.jit
def _histc_kernel(a, lo, hi, width, edges, counts):
    bins = counts.size
    for i in range(cuda.grid(1), a.size, cuda.gridsize(1)):
        x = a[i]
        if x >= lo and x <= hi:
            k = int((x - lo) / width * bins)  # (x − lo in the edges' dtype, the rest in float64, as numpy)
            if k == bins:
                k -= 1
            if x < edges[k]:
                k -= 1
            if x >= edges[k + 1] and k != bins - 1:
                k += 1
            cuda.atomic.add(counts, k, 1)


def histc(a, bins, lo, hi):
    """Counts of ``a``'s elements in ``bins`` equal bins over [lo, hi] (NaN ignored), in ``a``'s dtype."""
    edges = np.histogram_bin_edges(np.empty(0, a.dtype), bins, range=(lo, hi))
    t = edges.dtype.type
    counts = zeros((bins,), np.int64)
    if a.size:
        _launch.launch(_histc_kernel, a.size, False, flat(astype(a, edges.dtype)), t(lo), t(hi), np.float64(hi - lo),
                       from_host(edges), counts)
    return astype(counts, a.dtype)


@cuda.jit
def _bincount_kernel(x, weights, one, counts):
    for i in range(cuda.grid(1), x.size, cuda.gridsize(1)):
        cuda.atomic.add(counts, x[i], weights[i] if weights.size else one)


def bincount(x, weights=None, minlength=0):
    """numpy's bincount of the non-negative 1-D ``x`` (int64 counts, float64 sums of ``weights``); one
    int64, the largest value, is read back to size the result."""
    n = max(int(amax(x).copy_to_host()) + 1 if x.size else 0, minlength)
    dtype = np.dtype(np.int64 if weights is None else np.float64)
    counts = zeros((n,), dtype)
    if x.size:
        w = cuda.device_array(0, dtype) if weights is None else astype(weights, dtype)
        _launch.launch(_bincount_kernel, x.size, False, flat(x), flat(w), dtype.type(1), counts)
    return counts
