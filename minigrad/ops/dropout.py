"""Channel-wise and alpha dropout: ``dropout1d``/``2d``/``3d``, ``alpha_dropout``,
``feature_alpha_dropout``. The noise is drawn as torch draws it, ``empty(shape).bernoulli_(1 − p)``
through minigrad's generator, then

    dropout:        y = x · noise / (1 − p)                 (a channel's noise shape (N, C, 1, ...))
    alpha dropout:  y = x · a·noise + α·a·(p − (1 − noise)),   α = 1.7580993408473766 (SELU's
                    saturation −λα), a = 1/√((α²p + 1)(1 − p)): keeps zero mean and unit variance
"""
import math
import warnings

from .. import creation
from ..tensor import Tensor

ALPHA = 1.7580993408473766


def _check(fn, input, p):  # noqa: A002
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if not isinstance(input, Tensor):
        raise TypeError(f"{fn}(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")


def _dropout(input, p, inplace, feature, alpha):  # noqa: A002
    """torch's dropout scheme: ``feature`` draws one number per (N, C) channel."""
    if p == 1:
        zero = creation.zeros((), dtype=input.dtype, device=input.device)
        return input.mul_(zero) if inplace else input * zero
    shape = tuple(input.shape[:2]) + (1,) * (input.ndim - 2) if feature else tuple(input.shape)
    noise = creation.empty(shape, dtype=input.dtype, device=input.device).bernoulli_(1 - p)
    if alpha:
        a = 1.0 / math.sqrt((ALPHA * ALPHA * p + 1) * (1 - p))
        shift = (noise - 1) * (ALPHA * a) + ALPHA * a * p
        noise = noise * a
        return input.mul_(noise).add_(shift) if inplace else input * noise + shift
    noise = noise / (1 - p)
    return input.mul_(noise) if inplace else input * noise


def _warn_dims(fn, input, spatial):  # noqa: A002
    """torch's deprecation warning for an input that is neither batched nor unbatched channels."""
    if input.ndim not in (spatial + 1, spatial + 2):
        warnings.warn(f"{fn}: Received a {input.ndim}-D input to {fn}, which is deprecated and will result in an "
                      "error in a future release. To retain the behavior and silence this warning, please use "
                      f"dropout instead. Note that {fn} exists to provide channel-wise dropout on inputs with "
                      f"{spatial} spatial dimensions, a channel dimension, and an optional batch dimension (i.e. "
                      f"{spatial + 1}D or {spatial + 2}D inputs).", UserWarning, stacklevel=3)


def _feature_dropout(input, p, training, inplace, batched_dims):  # noqa: A002
    if not training or p == 0 or input.numel() == 0:
        return input
    if input.ndim != batched_dims:  # unbatched: a batch of one
        out = _dropout(input.unsqueeze(0), p, False, True, False).squeeze(0)
        return input.copy_(out) if inplace else out
    return _dropout(input, p, inplace, True, False)


def dropout1d(input, p=0.5, training=True, inplace=False):  # noqa: A002
    """Zero whole channels of ``(N, C, L)`` or ``(C, L)``; see :class:`minigrad.nn.Dropout1d`."""
    _check("dropout1d", input, p)
    if input.ndim not in (2, 3):
        raise RuntimeError(f"dropout1d: Expected 2D or 3D input, but received a {input.ndim}D input. Note that "
                           "dropout1d exists to provide channel-wise dropout on inputs with 1 spatial dimension, a "
                           "channel dimension, and an optional batch dimension (i.e. 2D or 3D inputs).")
    return _feature_dropout(input, p, training, inplace, 3)


def dropout2d(input, p=0.5, training=True, inplace=False):  # noqa: A002
    """Zero whole channels of ``(N, C, H, W)``; see :class:`minigrad.nn.Dropout2d`."""
    _check("dropout2d", input, p)
    _warn_dims("dropout2d", input, 2)
    if input.ndim == 3:
        warnings.warn("dropout2d: Received a 3D input to dropout2d and assuming that channel-wise 1D dropout behavior "
                      "is desired - input is interpreted as shape (N, C, L), where C is the channel dim. This behavior "
                      "will change in a future release to interpret the input as one without a batch dimension, i.e. "
                      "shape (C, H, W). To maintain the 1D channel-wise dropout behavior, please switch to using "
                      "dropout1d instead.", UserWarning, stacklevel=2)
    return _feature_dropout(input, p, training, inplace, input.ndim)


def dropout3d(input, p=0.5, training=True, inplace=False):  # noqa: A002
    """Zero whole channels of ``(N, C, D, H, W)`` or ``(C, D, H, W)``; see :class:`minigrad.nn.Dropout3d`."""
    _check("dropout3d", input, p)
    _warn_dims("dropout3d", input, 3)
    return _feature_dropout(input, p, training, inplace, 5)


def alpha_dropout(input, p=0.5, training=False, inplace=False):  # noqa: A002
    """Dropout that keeps SELU's zero mean and unit variance; see :class:`minigrad.nn.AlphaDropout`."""
    _check("alpha_dropout", input, p)
    if not training or p == 0 or input.numel() == 0:
        return input
    return _dropout(input, p, inplace, False, True)


def feature_alpha_dropout(input, p=0.5, training=False, inplace=False):  # noqa: A002
    """Alpha dropout of whole channels; see :class:`minigrad.nn.FeatureAlphaDropout`."""
    _check("feature_alpha_dropout", input, p)
    if not training or p == 0 or input.numel() == 0:
        return input
    return _dropout(input, p, inplace, True, True)
