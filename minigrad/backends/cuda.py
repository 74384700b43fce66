"""``torch.backends.cuda``: TF32 switches for matrix products. minigrad's GPU products run in the
tensors' own precision, so ``matmul.allow_tf32`` is kept and changes nothing."""


class _MatmulFlags:
    allow_tf32 = False
    allow_fp16_reduced_precision_reduction = True


matmul = _MatmulFlags()

