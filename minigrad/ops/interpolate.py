"""``interpolate`` (``nn.Upsample``): nearest, nearest-exact, linear, bilinear, bicubic, trilinear and
area resampling, as one Op that resamples one spatial axis after another (last axis first) with
``kernels/<device>/interpolate.py``.

For output position o along an axis of input size I and output size O, with the scale

    r = (I − 1)/(O − 1) (align_corners; 0 when O = 1),  else 1/scale_factor when one is used, else I/O

the source coordinate and taps are

    nearest:        i = min(⌊o·r⌋, I − 1)                                     weight 1
    nearest-exact:  i = min(⌊(o + ½)·r⌋, I − 1)                               weight 1
    linear:         s = o·r (align_corners) or max((o + ½)·r − ½, 0);  i0 = ⌊s⌋, i1 = min(i0 + 1, I − 1),
                    weights (1 − λ, λ), λ = s − i0
    cubic:          s as linear without the clamp; taps ⌊s⌋ − 1 … ⌊s⌋ + 2 clamped to [0, I − 1], weights
                    of Keys' cubic convolution with A = −0.75 at t = s − ⌊s⌋

'area' is adaptive average pooling.
"""
import math

import numpy as np

from ..autograd.op import Op
from ..tensor import Tensor

CUBIC_A = -0.75
_NAMES = {"nearest": "UpsampleNearest{d}DBackward0", "nearest-exact": "UpsampleNearestExact{d}DBackward0",
          "linear": "UpsampleLinear1DBackward0", "bilinear": "UpsampleBilinear2DBackward0",
          "bicubic": "UpsampleBicubic2DBackward0", "trilinear": "UpsampleTrilinear3DBackward0"}
_DIMS = {"linear": 1, "bilinear": 2, "bicubic": 2, "trilinear": 3}


class Interpolate(Op):
    """Resample along each (axis, idx, w) of ``taps`` in turn."""
    fresh_grads = True
    stateless = True

    def forward(self, x, taps=(), name="UpsampleNearest2DBackward0"):
        self.name, self.taps = name, taps
        k = self.kernels = self.backend.load("interpolate")
        self.sizes = []
        for axis, idx, w in taps:
            self.sizes.append(x.shape[axis])
            x = k.resample_forward(x, axis, idx, w)
        return x

    def backward(self, g):
        for (axis, idx, w), size in zip(reversed(self.taps), reversed(self.sizes)):
            g = self.kernels.resample_backward(g, axis, size, idx, w)
        return (g,)


def _scale(in_size, out_size, align_corners, scale_factor):
    if align_corners:
        return (in_size - 1) / (out_size - 1) if out_size > 1 else 0.0
    if scale_factor is not None and scale_factor > 0:
        return 1.0 / scale_factor
    return in_size / out_size


def _cubic_weights(t):
    """Keys' cubic convolution weights for the taps at distances 1 + t, t, 1 − t, 2 − t."""
    a = CUBIC_A

    def near(d):  # |d| <= 1
        return ((a + 2) * d - (a + 3)) * d * d + 1

    def far(d):  # 1 < |d| < 2
        return ((a * d - 5 * a) * d + 8 * a) * d - 4 * a

    return np.stack([far(t + 1), near(t), near(1 - t), far(2 - t)])


def axis_taps(mode, in_size, out_size, align_corners, scale_factor):
    """(idx (T, O) int64, w (T, O) float64) of one axis (module docstring)."""
    r = _scale(in_size, out_size, align_corners, scale_factor)
    o = np.arange(out_size, dtype=np.float64)
    last = in_size - 1
    if mode in ("nearest", "nearest-exact"):
        src = o * r if mode == "nearest" else (o + 0.5) * r
        idx = np.minimum(np.floor(src).astype(np.int64), last)
        return idx[None], np.ones((1, out_size))
    src = o * r if align_corners else (o + 0.5) * r - 0.5
    if mode == "cubic":
        i = np.floor(src)
        taps = np.clip(i.astype(np.int64) + np.arange(-1, 3)[:, None], 0, last)
        return taps, _cubic_weights(src - i)
    src = np.maximum(src, 0)
    i0 = np.minimum(np.floor(src).astype(np.int64), last)
    i1 = np.minimum(i0 + 1, last)
    lam = src - i0
    return np.stack([i0, i1]), np.stack([1 - lam, lam])


def _tuple(v, n):
    return tuple(v) if isinstance(v, (tuple, list)) else (v,) * n


def interpolate(input, size=None, scale_factor=None, mode="nearest", align_corners=None,  # noqa: A002
                recompute_scale_factor=None, antialias=False):
    """Resample the spatial dims of ``(N, C, *)``; see :class:`minigrad.nn.Upsample`."""
    if not isinstance(input, Tensor):
        raise TypeError(f"interpolate(): argument 'input' must be Tensor, not {type(input).__name__}")
    if mode in ("nearest", "area", "nearest-exact"):
        if align_corners is not None:
            raise ValueError("align_corners option can only be set with the interpolating modes: "
                             "linear | bilinear | bicubic | trilinear")
    elif align_corners is None:
        align_corners = False
    dim = input.ndim - 2
    if size is not None and scale_factor is not None:
        raise ValueError("only one of size or scale_factor should be defined")
    if size is None and scale_factor is None:
        raise ValueError("either size or scale_factor should be defined")
    if size is not None:
        if isinstance(size, (list, tuple)) and len(size) != dim:
            raise ValueError(f"Input and output must have the same number of spatial dimensions, but got input with "
                             f"spatial dimensions of {list(input.shape[2:])} and output size of {size}. Please provide "
                             "input tensor in (N, C, d1, d2, ...,dK) format and output size in (o1, o2, ...,oK) "
                             "format.")
        out_size, scales = _tuple(size, dim), (None,) * dim
    else:
        if isinstance(scale_factor, (list, tuple)) and len(scale_factor) != dim:
            raise ValueError(f"Input and scale_factor must have the same number of spatial dimensions, but got input "
                             f"with spatial dimensions of {list(input.shape[2:])} and scale_factor of shape "
                             f"{scale_factor}. Please provide input tensor in (N, C, d1, d2, ...,dK) format and "
                             "scale_factor in (s1, s2, ...,sK) format.")
        scales = tuple(float(s) for s in _tuple(scale_factor, dim))
        out_size = tuple(math.floor(float(input.shape[i + 2]) * s) for i, s in enumerate(scales))
        if recompute_scale_factor:
            scales = (None,) * dim
    if antialias:
        raise NotImplementedError("interpolate(antialias=True) is not supported by minigrad")
    modes = ("nearest", "nearest-exact", "linear", "bilinear", "bicubic", "trilinear", "area")
    if mode not in modes or dim not in (1, 2, 3):
        raise NotImplementedError(f"Input Error: Only 3D, 4D and 5D input Tensors supported (got {input.ndim}D) for "
                                  "the modes: nearest | linear | bilinear | bicubic | trilinear | area | "
                                  f"nearest-exact (got {mode})")
    if mode in _DIMS and _DIMS[mode] != dim:
        raise NotImplementedError(f"Got {input.ndim}D input, but {mode} mode needs {_DIMS[mode] + 2}D input")
    if any(s <= 0 for s in out_size) or 0 in input.shape[2:]:
        raise RuntimeError(f"Input and output sizes should be greater than 0, but got input "
                           f"({', '.join(map(str, input.shape[2:]))}) and output ({', '.join(map(str, out_size))})")
    if mode == "area":
        if dim != 2:
            raise NotImplementedError("interpolate(mode='area') is supported by minigrad for 4-D input only")
        from .conv import adaptive_avg_pool2d
        return adaptive_avg_pool2d(input, out_size)
    kind = mode if mode.startswith("nearest") else "cubic" if mode == "bicubic" else "linear"
    be = input._backend()
    taps = []
    for k in reversed(range(dim)):  # the last axis first, as torch's kernels combine them
        idx, w = axis_taps(kind, input.shape[k + 2], out_size[k], align_corners, scales[k])
        taps.append((k + 2, be.from_host(idx), be.from_host(w)))
    name = _NAMES[mode].format(d=dim)
    return Interpolate.apply(input, taps=tuple(taps), name=name)
