"""``Parameter``: a leaf tensor that a Module registers as trainable."""
from ..tensor import Tensor


class Parameter(Tensor):
    def __new__(cls, data=None, requires_grad=True):
        from .. import creation
        data = creation.empty(0) if data is None else data
        p = Tensor._make(data._data, data.device, subclass=cls)
        p._version = data._version
        if requires_grad:
            p.requires_grad = True
        return p

    def __repr__(self):
        return "Parameter containing:\n" + super().__repr__()

    __str__ = __repr__

    def __reduce_ex__(self, proto):
        return (_rebuild_parameter, (self.detach(), self.requires_grad))


def _rebuild_parameter(data, requires_grad):
    return Parameter(data, requires_grad)
