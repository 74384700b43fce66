"""Devices and the kernel backend that serves each.

A backend is a module with the same flat functions on every device (``kernels.cpu``,
``kernels.cuda``); ops call ``ctx.backend.<name>`` and never branch on the device.
"""
import importlib


class device:
    __slots__ = ("type", "index")

    def __init__(self, type, index=None):  # noqa: A002 - torch's argument name
        if isinstance(type, device):
            type, index = type.type, type.index
        elif isinstance(type, str) and ":" in type:
            type, _, idx = type.partition(":")
            if index is not None:
                raise RuntimeError(f"type (string) must not include an index because index was passed "
                                   f"explicitly: {type}:{idx}")
            if not idx.isdigit():
                raise RuntimeError(f"Invalid device string: '{type}:{idx}'")
            index = int(idx)
        if type not in ("cpu", "cuda"):
            raise RuntimeError(f"Expected one of cpu, cuda device type at start of device string: {type}")
        self.type = type
        self.index = index

    def __eq__(self, other):
        if isinstance(other, str):
            other = device(other)
        return isinstance(other, device) and (self.type, self.index) == (other.type, other.index)

    def __hash__(self):
        return hash((self.type, self.index))

    def __str__(self):
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __repr__(self):
        idx = "" if self.index is None else f", index={self.index}"
        return f"device(type='{self.type}'{idx})"


CPU = device("cpu")
CUDA0 = device("cuda", 0)  # one object per device, so Op.apply's identity check usually suffices
_backends = {}


def get(d):
    """Normalise a device argument (None → CPU); CUDA is checked for availability here."""
    if d is None:
        return CPU
    d = d if isinstance(d, device) else device(d if not isinstance(d, int) else f"cuda:{d}")
    if d.type == "cuda":
        from . import cuda
        cuda.require(d.index)
        if d.index is None:
            d = CUDA0
    return CPU if d == CPU else CUDA0 if d == CUDA0 else d


def backend(d):
    """The kernel module serving device ``d`` (imported on first use, so CUDA loads lazily)."""
    b = _backends.get(d.type)
    if b is None:
        try:
            b = _backends[d.type] = importlib.import_module(f"minigrad.kernels.{d.type}")
        except ModuleNotFoundError as exc:
            if not (exc.name or "").startswith("minigrad.kernels"):
                raise
            raise ModuleNotFoundError(  # e.g. a source checkout on sys.path, never installed
                f"minigrad's kernels are not installed ({exc}): install minigrad with pip (`pip install -e .` in "
                "its checkout), which builds them and installs numba", name=exc.name) from exc
    return b
