"""Versions, as ``torch.version`` holds them.

``__version__`` is minigrad's own release. ``torch`` is the PyTorch release whose API and behaviour
minigrad follows: under the torch alias (``minigrad.compat``) ``torch.__version__`` reports it, so a
script's version checks (``torch.__version__ >= "1.8"``, ``packaging.version.parse(...)``) take the
branches written for that API. ``cuda`` is None, torch's value for a build without CUDA: minigrad's GPU
path is numba.cuda, not a CUDA build of torch (ask ``torch.cuda.is_available()`` instead)."""
__version__ = "0.1.0"
torch = "2.13.0+cpu"
cuda = None
