"""``torch.backends.cudnn``: minigrad does not use cuDNN (its GPU kernels are numba.cuda), so it is
never available and its flags have no effect."""
enabled = True
benchmark = False
deterministic = False
allow_tf32 = True


def is_available():
    return False


def version():
    return None
