"""``Upsample``, ``UpsamplingNearest2d``, ``UpsamplingBilinear2d``."""
from ...ops.interpolate import interpolate
from .module import Module


class Upsample(Module):
    r"""Resamples the spatial dims of ``(N, C, L)``, ``(N, C, H, W)`` or ``(N, C, D, H, W)`` data to
    ``size`` or by ``scale_factor``.

    Output position o of an axis maps back to the source coordinate :math:`s = o\,r` with
    ``align_corners=True`` (:math:`r = (I-1)/(O-1)`: the corner pixels' centres line up) or
    :math:`s = (o + \tfrac12) r - \tfrac12` otherwise (:math:`r = 1/\text{scale\_factor}`, or I/O
    when ``size`` is given or ``recompute_scale_factor=True``). 'nearest' takes pixel :math:`\lfloor o\,r \rfloor`
    (torch's legacy rule), 'nearest-exact' :math:`\lfloor (o + \tfrac12) r \rfloor`; 'linear' / 'bilinear' /
    'trilinear' interpolate linearly between the two neighbours along each axis, 'bicubic' uses
    Keys' cubic convolution (a = −0.75) over four (edge-clamped) neighbours.

    Args:
        size: output spatial size (int or tuple).
        scale_factor: multiplier of the spatial size (float or tuple); the output size is
            :math:`\lfloor I \cdot \text{scale\_factor} \rfloor`.
        mode: 'nearest' (default), 'nearest-exact', 'linear', 'bilinear', 'bicubic', 'trilinear'.
        align_corners: see above; only for the interpolating modes (default False).
        recompute_scale_factor: use I/O instead of the given scale_factor in the mapping.

    Example::

        >>> up = nn.Upsample(scale_factor=2, mode="bilinear", align_corners=False)
        >>> up(minigrad.randn(1, 3, 8, 8)).shape
        minigrad.Size([1, 3, 16, 16])
    """

    def __init__(self, size=None, scale_factor=None, mode="nearest", align_corners=None, recompute_scale_factor=None):
        super().__init__()
        self.name = type(self).__name__
        self.size = size
        if isinstance(scale_factor, tuple):
            self.scale_factor = tuple(float(f) for f in scale_factor)
        else:
            self.scale_factor = float(scale_factor) if scale_factor else None
        self.mode, self.align_corners, self.recompute_scale_factor = mode, align_corners, recompute_scale_factor

    def forward(self, input):  # noqa: A002
        return interpolate(input, self.size, self.scale_factor, self.mode, self.align_corners,
                           recompute_scale_factor=self.recompute_scale_factor)

    def extra_repr(self):
        info = f"scale_factor={self.scale_factor!r}" if self.scale_factor is not None else f"size={self.size!r}"
        return info + f", mode={self.mode!r}"


class UpsamplingNearest2d(Upsample):
    """``Upsample(size, scale_factor, mode='nearest')`` for 4-D input."""

    def __init__(self, size=None, scale_factor=None):
        super().__init__(size, scale_factor, mode="nearest")


class UpsamplingBilinear2d(Upsample):
    """``Upsample(size, scale_factor, mode='bilinear', align_corners=True)`` for 4-D input."""

    def __init__(self, size=None, scale_factor=None):
        super().__init__(size, scale_factor, mode="bilinear", align_corners=True)
