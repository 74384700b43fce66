"""``torch.backends``: the switches tutorials set for torch's vendor libraries. minigrad uses none of
cuDNN, MPS or TF32 matmuls, so the flags are kept (scripts read them back) and change nothing:
minigrad's kernels are deterministic whatever ``cudnn.deterministic`` says."""
from . import cuda, cudnn, mps

__all__ = ["cuda", "cudnn", "mps"]
