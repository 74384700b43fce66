"""Tensor, dtype and Size reprs that match torch 2.13's default printing character for character.

Only numpy and the standard library are used. The options below are torch's defaults
(``torch.set_printoptions(profile="default")``); ``EDGEITEMS`` must stay >= 1.
"""
import math

import numpy as np

NAMESPACE = "minigrad"  # the torch alias sets this to "torch"

PRECISION = 4
THRESHOLD = 1000
EDGEITEMS = 3
LINEWIDTH = 80
SCI_MODE = None  # None: choose per tensor; True/False: force

_DEFAULT_DTYPES = ("float32", "int64", "bool")  # no dtype= suffix for these (unless empty)


def namespace():
    """The module name printed in front of dtypes and ``Size``."""
    return NAMESPACE


def size_repr(shape):
    """``<namespace>.Size([2, 3])``."""
    return f"{NAMESPACE}.Size({[int(s) for s in shape]})"


class _Formatter:
    """Chooses one number style and column width for every element of a tensor."""

    def __init__(self, arr, floating):
        self.floating = floating
        self.int_mode, self.sci_mode, self.width = True, False, 1
        if not floating:
            self.width = max([len(str(v)) for v in arr.ravel().tolist()] + [1])
            return
        vals = arr[np.isfinite(arr) & (arr != 0)].astype(np.float64)
        if vals.size == 0:  # only zeros, nans and infs: integer style, width 1
            return
        mags = np.abs(vals)
        lo, hi = float(mags.min()), float(mags.max())
        self.int_mode = bool(np.all(vals == np.ceil(vals)))
        self.sci_mode = (hi / lo > 1000.0 or hi > 1.0e8 or lo < 1.0e-4) if SCI_MODE is None else SCI_MODE
        if self.sci_mode:
            spec, extra = f".{PRECISION}e", 0
        elif self.int_mode:
            spec, extra = ".0f", 1  # room for the trailing "."
        else:
            spec, extra = f".{PRECISION}f", 0
        self.width = max(len(format(v, spec)) for v in vals.tolist()) + extra

    def __call__(self, v):
        if not self.floating:
            s = str(v)
        elif self.sci_mode:
            s = f"{v:{self.width}.{PRECISION}e}"
        elif self.int_mode:
            s = f"{v:.0f}" + ("" if math.isinf(v) or math.isnan(v) else ".")
        else:
            s = f"{v:.{PRECISION}f}"
        return s.rjust(self.width)


def _edges(arr):
    """The elements a summarised print shows: the first and last EDGEITEMS along every long axis."""
    for axis, n in enumerate(arr.shape):
        if n > 2 * EDGEITEMS:
            arr = np.take(arr, list(range(EDGEITEMS)) + list(range(n - EDGEITEMS, n)), axis=axis)
    return arr


def _body(arr, indent, summarize, fmt):
    """The bracketed contents; ``indent`` is the column of the opening bracket."""
    if arr.ndim == 0:
        return fmt(arr.item())
    n = arr.shape[0]
    cut = summarize and n > 2 * EDGEITEMS
    if arr.ndim == 1:
        if cut:
            items = ([fmt(v) for v in arr[:EDGEITEMS].tolist()] + [" ..."]
                     + [fmt(v) for v in arr[n - EDGEITEMS:].tolist()])
        else:
            items = [fmt(v) for v in arr.tolist()]
        per_line = max(1, math.floor((LINEWIDTH - indent) / (fmt.width + 2)))
        lines = [", ".join(items[i:i + per_line]) for i in range(0, len(items), per_line)]
        return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"
    rows = [*range(EDGEITEMS), None, *range(n - EDGEITEMS, n)] if cut else range(n)
    parts = ["..." if i is None else _body(arr[i], indent + 1, summarize, fmt) for i in rows]
    return "[" + ("," + "\n" * (arr.ndim - 1) + " " * (indent + 1)).join(parts) + "]"


def _add_suffixes(text, suffixes, indent):
    """Append ``, key=value`` suffixes, breaking onto a new line when one would pass LINEWIDTH."""
    out = [text]
    # torch measures the last line from one character past the newline, plus one (so +2 with no newline)
    last = len(text) - text.rfind("\n") + 1
    for s in suffixes:
        if last + len(s) + 2 > LINEWIDTH:
            out.append(",\n" + " " * indent + s)
            last = indent + len(s)
        else:
            out.append(", " + s)
            last += len(s) + 2
    return "".join(out) + ")"


def tensor_repr(array, dtype_name, *, requires_grad=False, grad_fn_name=None, device=None, prefix="tensor("):
    """``repr`` of a tensor holding ``array`` (a numpy array) with dtype ``dtype_name``, as torch prints it."""
    arr = np.asarray(array)
    indent = len(prefix)
    suffixes = []
    if device is not None and str(device) != "cpu":
        suffixes.append(f"device='{device}'")
    dtype_suffix = f"dtype={NAMESPACE}.{dtype_name}"
    if arr.size == 0:
        if arr.ndim != 1:
            suffixes.append(f"size={tuple(int(s) for s in arr.shape)}")
        if dtype_name != "float32":  # nothing to infer the dtype from, so any non-default one is shown
            suffixes.append(dtype_suffix)
        body = "[]"
    else:
        if dtype_name not in _DEFAULT_DTYPES:
            suffixes.append(dtype_suffix)
        summarize = arr.size > THRESHOLD
        fmt = _Formatter(_edges(arr) if summarize else arr, arr.dtype.kind == "f")
        body = _body(arr, indent, summarize, fmt)
    if grad_fn_name is not None:
        suffixes.append(f"grad_fn=<{grad_fn_name}>")
    elif requires_grad:
        suffixes.append("requires_grad=True")
    return _add_suffixes(prefix + body, suffixes, indent)
