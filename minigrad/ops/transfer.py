"""Copies between devices: ``Tensor.to(device)``, ``.cuda()``, ``.cpu()``.

    y = x on another device:  dx = g copied back to x's device      (torch's ToCopyBackward0)

The copy goes through the two backends' ``to_host``/``from_host``, the only host↔device doors.
"""
from ..autograd.op import Op
from ..device import backend


class ToDevice(Op):
    name = "ToCopyBackward0"
    stateless = True

    @classmethod
    def apply(cls, t, device=None):
        out = super().apply(t, device=device)
        out._device = device  # Op.apply labels results with the input's device
        return out

    def forward(self, a, device=None):
        self.target = backend(device)
        return self.target.from_host(self.backend.to_host(a))

    def backward(self, g):
        return self.backend.from_host(self.target.to_host(g))
