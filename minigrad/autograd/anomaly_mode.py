"""Anomaly detection for backward, as torch's ``torch.autograd.anomaly_mode``.

While it is on (with ``check_nan``), the engine looks at every gradient a node returns, after it is
summed back to its input's shape, and stops at the first NaN with torch's error
``Function 'XBackward0' returned nan values in its <i>th output.`` (i: the input's position).
The setting is process-wide, as in torch (grad mode, by contrast, is per thread).
"""
import warnings

import numpy as np

_enabled = False
_check_nan = True


def is_anomaly_enabled():
    return _enabled


def is_anomaly_check_nan_enabled():
    return _check_nan


def _set(mode, check_nan):
    global _enabled, _check_nan
    _enabled, _check_nan = bool(mode), bool(check_nan)


def checking_nan():
    """Whether backward must check gradients for NaN now."""
    return _enabled and _check_nan


def raise_on_nan(node, i, grad):
    """Raise torch's anomaly error when the gradient ``node`` returned for input ``i`` holds a NaN."""
    if grad.dtype.kind in "fc" and np.isnan(node.backend.to_host(grad)).any():
        raise RuntimeError(f"Function '{node.name}' returned nan values in its {i}th output.")


class detect_anomaly:  # noqa: N801 - torch's name
    """Context manager: anomaly detection on inside the block, the previous setting restored after.
    Warns on construction that it slows backward down, as torch does."""

    def __init__(self, check_nan=True):
        self.prev, self.prev_check_nan = _enabled, _check_nan
        self.check_nan = check_nan
        warnings.warn("Anomaly Detection has been enabled. This mode will increase the runtime and should only be "
                      "enabled for debugging.", UserWarning, stacklevel=2)

    def __enter__(self):
        _set(True, self.check_nan)

    def __exit__(self, *exc):
        _set(self.prev, self.prev_check_nan)


class set_detect_anomaly:  # noqa: N801 - torch's name
    """Turn anomaly detection on or off now; as a context manager, restore the previous setting on exit."""

    def __init__(self, mode, check_nan=True):
        self.prev, self.prev_check_nan = _enabled, _check_nan
        _set(mode, check_nan)

    def __enter__(self):
        pass

    def __exit__(self, *exc):
        _set(self.prev, self.prev_check_nan)
