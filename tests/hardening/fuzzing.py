"""Differential fuzzing against torch: hypothesis draws shapes, dtypes, options and bad inputs for every
loss in ``minigrad.nn.functional`` and for the core ops, runs both libraries, and checks that valid
inputs give the same values, dtypes and gradients and that bad inputs raise torch's exception class.

Run by ``test_fuzz.py`` in a child process (a crash then fails one target instead of the run):
``python -m tests.hardening.fuzzing TARGET...`` prints, for each target, a ``@@fuzz`` JSON line when it starts and
one with the number of examples and the error (None when it held) when it ends. Derandomized, with
no example database: the same examples every run.
"""
import json
import sys
import traceback
import warnings

import numpy as np
import torch
from hypothesis import HealthCheck, Phase, assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import BroadcastableShapes, mutually_broadcastable_shapes

from tests.losses import cases as loss_cases
import minigrad
from tests.compare import assert_close

EXAMPLES = 20  # per target: 27 targets, 540 examples
# no shrinking and stop at the first failure: the time stays bounded, and the failing example shows
SETTINGS = settings(max_examples=EXAMPLES, derandomize=True, database=None, deadline=None, print_blob=False,
                    suppress_health_check=list(HealthCheck), phases=(Phase.explicit, Phase.generate),
                    report_multiple_bugs=False)
FLOATS = [np.float32, np.float64]
examples = 0


# ------------------------------------------------------------------------------------ the comparison

def _builtin_class(exc):
    """The first builtin class of ``exc`` (torch's errors subclass RuntimeError, IndexError, ...)."""
    return next(c for c in type(exc).__mro__ if c.__module__ == "builtins")


def _run(lib, fn, args, kwargs, grads):
    """``fn(lib, *args, **kwargs)`` on ``lib``'s tensors made from the numpy arrays (float ones at
    the ``grads`` positions requiring grad), then backward from a fixed random upstream gradient.
    Returns ("ok", value, grads) or ("raise", exception)."""
    def convert(a, grad=False):
        if not isinstance(a, np.ndarray):
            return a
        return lib.tensor(a.copy(), requires_grad=grad and a.dtype.kind == "f")

    tensors = [convert(a, i in grads) for i, a in enumerate(args)]
    kw = {k: convert(v) for k, v in kwargs.items()}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out = fn(lib, *tensors, **kw)
            if isinstance(out, tuple):  # (values, indices)
                out = out[0]
            got = []
            if out.requires_grad:
                up = np.random.default_rng(0).standard_normal(tuple(out.shape)).astype(str(out.dtype).split(".")[-1])
                out.backward(lib.tensor(up))
                got = [getattr(tensors[i], "grad", None) for i in grads]
            return "ok", out.detach().numpy(), [None if g is None else g.numpy() for g in got]
    except Exception as exc:  # noqa: BLE001 - whatever torch raises, minigrad must raise its class
        return "raise", exc


def check(fn, args, kwargs=None, grads=()):
    """minigrad and torch agree on ``fn`` over these inputs (see the module docstring)."""
    global examples
    examples += 1
    kwargs = kwargs or {}
    want, got = _run(torch, fn, args, kwargs, grads), _run(minigrad, fn, args, kwargs, grads)
    if want[0] == "raise":
        cls = _builtin_class(want[1])
        detail = "returned a value" if got[0] == "ok" else f"raised {type(got[1]).__name__}: {got[1]}"
        assert got[0] == "raise" and isinstance(got[1], cls), \
            f"torch raised {cls.__name__}: {want[1]}; minigrad {detail}"
        return
    if got[0] == "raise":
        raise AssertionError(f"torch returned a value; minigrad raised {type(got[1]).__name__}") from got[1]
    dt = want[1].dtype
    assert_close(got[1], want[1], dtype=dt, what="value")
    assert len(got[2]) == len(want[2]), "minigrad's result does not require grad"
    for i, (g, w) in enumerate(zip(got[2], want[2])):
        if w is None:
            assert g is None or not np.any(g), f"grad {i}: torch has none"
        else:
            assert g is not None, f"grad {i}: minigrad has none"
            assert_close(g, w, dtype=dt, what=f"grad of input {grads[i]}")


# ------------------------------------------------------------------------------- known differences

class Known:
    """Examples the fuzz leaves out: torch bugs (minigrad is right there)."""

    def __init__(self, targets, when, reason):
        self.targets, self.when, self.reason = targets, when, reason


# Minigrad bugs the fuzz found, fixed since: (target, the arguments of its check that found the bug,
# the bug), each kept as a regression test in test_fuzz.py.
REGRESSIONS = [
    ("binary_cross_entropy",
     dict(seed=23758, dt=np.float32, n=0, c=2, sp=(), o={"reduction": "mean", "weight": True}, bad=None,
          special=False),
     "a read-only broadcast weight (np.broadcast_to's view, contiguous for an empty batch or leading 1s) "
     "failed to compile in kernels/cpu/_pointwise.py (_loop)"),
    ("nll_loss",
     dict(seed=87925, dt=np.float64, n=1, c=2, sp=(), bad="shape", special=False,
          o={"ignore_index": -100, "weight": False, "reduction": "sum", "unbatched": True}),
     "an unbatched (C,) input with a (1,) target: torch's backward raises RuntimeError 'size mismatch (got "
     "input: [C], target: [1])'"),
    ("multilabel_soft_margin_loss",
     dict(seed=11707, dt=np.float64, n=3, c=3, sp=(1,), o={"reduction": "none", "weight": True}, bad=None,
          special=True),
     "x = +inf with t = 0 gave NaN (torch: inf): t·a + (1−t)·b re-associated under the fastmath flags"),
    ("triplet_margin_loss",
     dict(seed=1, dt=np.float64, n=3, c=1, sp=(), o={"reduction": "sum", "margin": 1.0, "swap": False, "p": 1},
          bad="shape", special=False),
     "anchor (N, 1), positive (N, 2), negative (N, 1): torch broadcasts each pair on its own"),
    ("poisson_nll_loss",
     dict(seed=4, dt=np.float64, n=4, c=4, sp=(), o={"log_input": False, "full": True, "reduction": "none"},
          bad="int_input", special=False),
     "an integer input: torch takes its log/exp in float32 before promoting"),
    ("reductions",
     dict(seed=1162, op="cumsum", shape=[], dt=np.float32, dim=2, keepdim=False),
     "cumsum of a 0-d tensor accepted any dim; torch raises IndexError"),
    ("binary ops",
     dict(seed=531, op="maximum", shapes=BroadcastableShapes(input_shapes=((), (3,)), result_shape=(3,)),
          clash=False, dts=(np.float64, np.int64), scalar=-1.5),
     "maximum accepted a Python number as `other`; torch raises TypeError"),
]

KNOWN = [
    # torch's bugs: minigrad is right there
    Known(list(loss_cases.CASES), lambda n, bad, **_: n == 0 and bad == "int_input",
          "torch skips its dtype check on an empty input"),
    Known(["multi_margin_loss", "multilabel_margin_loss"], lambda n, o, **_: n == 0 and o["reduction"] != "none",
          "torch returns uninitialised memory as the sum or mean over an empty batch (minigrad: 0 and NaN, as "
          "torch's other losses)"),
    Known(["cosine_embedding_loss"], lambda c, bad, **_: bad == "shape" and c == 1,
          "torch broadcasts input1 (N, 1) against input2 (N, 2) in the dot product but not in |input1|, so its "
          "cosine exceeds 1; minigrad broadcasts first"),
]


def excluded(target, **drawn):
    return any(target in k.targets and k.when(**drawn) for k in KNOWN)


# ------------------------------------------------------------------------------------- the targets

CASES = {}  # target -> the check of one example (the property's body, callable on a regression example)
PROPERTIES = {}  # target -> its hypothesis property


def target(name, **strategies):
    """Register ``f(**drawn)`` as target ``name``'s check of one example and the property that draws
    its arguments from ``strategies``."""
    def register(f):
        CASES[name] = f
        PROPERTIES[name] = SETTINGS(given(**strategies)(f))
        return f
    return register


def _require(condition):
    """``assume``, called only to reject (a regression example runs outside hypothesis, which warns)."""
    if not condition:
        assume(False)


def _skip_known(name, **drawn):
    _require(not excluded(name, **drawn))


def _with_specials(g, a):
    """``a`` with a few elements replaced by NaN, inf or -inf (float arrays with elements only)."""
    if a.dtype.kind != "f" or a.size == 0:
        return a
    a = a.copy()
    flat = a.reshape(-1)
    for i in g.integers(0, a.size, max(1, a.size // 4)):
        flat[i] = g.choice([np.nan, np.inf, -np.inf])
    return a


def _loss(name):
    """A loss's target: drawn sizes, dtype, options, maybe one bad input (about a third of the time)
    or else some NaN/inf elements (a quarter of the valid examples)."""
    case = loss_cases.CASES[name]

    @target(name, seed=st.integers(0, 2 ** 32 - 1), dt=st.sampled_from(FLOATS), n=st.integers(0, 4),
            c=st.integers(1, 5), sp=st.lists(st.integers(1, 3), max_size=2).map(tuple),
            o=st.fixed_dictionaries({k: st.sampled_from(v) for k, v in case.options.items()}),
            bad=st.one_of(st.none(), st.none(), st.sampled_from(case.bad)),
            special=st.sampled_from([False, False, False, True]))
    def check_loss(seed, dt, n, c, sp, o, bad, special):
        g = np.random.default_rng(seed)
        args, kwargs, grads = loss_cases.inputs(name, g, dt, n, c, sp, o)
        if bad is not None:
            spoiled = loss_cases.spoil(bad, args, kwargs)
            _require(spoiled is not None)
            args, kwargs = spoiled
        elif special:
            args[0] = _with_specials(g, args[0])
        _skip_known(name, dt=dt, n=n, c=c, sp=sp, o=o, bad=bad, special=special, args=args, kwargs=kwargs)
        check(lambda lib, *a, **k: getattr(lib.nn.functional, name)(*a, **k), args, kwargs, grads)


for _name in loss_cases.CASES:
    _loss(_name)


def _array(g, shape, dt):
    if dt == "bool":
        return np.asarray(g.random(shape) < 0.5)
    if np.dtype(dt).kind == "i":
        return np.asarray(g.integers(-5, 6, shape), dt)
    return np.asarray(g.standard_normal(shape), dt)


SEED = st.integers(0, 2 ** 32 - 1)
DTYPES = st.sampled_from([np.float32, np.float64, np.float64, np.int64, "bool"])
BINARY = {"add": lambda lib, a, b: a + b, "sub": lambda lib, a, b: a - b, "mul": lambda lib, a, b: a * b,
          "div": lambda lib, a, b: a / b, "pow": lambda lib, a, b: a ** b, "lt": lambda lib, a, b: a < b,
          "maximum": lambda lib, a, b: lib.maximum(a, b), "where": lambda lib, a, b: lib.where(a > 0, a, b)}


@target("binary ops", seed=SEED, op=st.sampled_from(sorted(BINARY)),
        shapes=mutually_broadcastable_shapes(num_shapes=2, max_dims=3, max_side=3), clash=st.booleans(),
        dts=st.tuples(DTYPES, DTYPES), scalar=st.sampled_from([None, None, None, 2, -1.5]))
def binary_ops(seed, op, shapes, clash, dts, scalar):
    """Operands of broadcastable shapes (or, with ``clash``, shapes that do not broadcast), of mixed
    dtypes, or a Python number as the second."""
    _skip_known("binary ops", op=op, scalar=scalar)
    g = np.random.default_rng(seed)
    sa, sb = shapes.input_shapes
    if clash:
        sa, sb = sa + (2,), sb + (3,)
    a = _array(g, sa, dts[0])
    b = _array(g, sb, dts[1]) if scalar is None else scalar
    _require(op != "pow" or a.dtype.kind == "f")  # integer powers: torch raises for negative exponents
    grads = tuple(i for i, x in enumerate((a, b)) if isinstance(x, np.ndarray) and x.dtype.kind == "f")
    check(BINARY[op], [a, b], grads=grads)


UNARY = ["exp", "log", "sqrt", "tanh", "sigmoid", "relu", "abs", "neg", "log1p", "expm1", "rsqrt", "sign"]


@target("unary ops", seed=SEED, op=st.sampled_from(UNARY), shape=st.lists(st.integers(0, 3), max_size=3),
        dt=st.sampled_from(FLOATS), special=st.booleans())
def unary_ops(seed, op, shape, dt, special):
    g = np.random.default_rng(seed)
    a = _array(g, tuple(shape), dt)
    if special:
        a = _with_specials(g, a)
    check(lambda lib, x: getattr(x, op)(), [a], grads=(0,))


REDUCTIONS = {"sum": True, "mean": True, "amax": True, "max": True, "logsumexp": True, "var": True, "std": True,
              "prod": True, "softmax": False, "log_softmax": False, "cumsum": False, "argmax": True, "norm": True}


@target("reductions", seed=SEED, op=st.sampled_from(sorted(REDUCTIONS)), shape=st.lists(st.integers(0, 3), max_size=3),
        dt=st.sampled_from(FLOATS), dim=st.integers(-4, 3), keepdim=st.booleans())
def reductions(seed, op, shape, dt, dim, keepdim):
    """Along a drawn dim (out of range: torch's IndexError), keeping it or not where the op can."""
    _skip_known("reductions", op=op, shape=shape, dim=dim)
    a = _array(np.random.default_rng(seed), tuple(shape), dt)
    kw = {"keepdim": keepdim} if REDUCTIONS[op] else {}
    if op == "norm":
        check(lambda lib, x: x.norm(dim=dim, **kw), [a], grads=(0,))
    else:
        check(lambda lib, x: getattr(x, op)(dim, **kw), [a], grads=(0,) if op != "argmax" else ())


@target("matmul", seed=SEED, lead=st.lists(st.integers(1, 2), max_size=2),
        ndims=st.tuples(st.integers(1, 3), st.integers(1, 3)),
        sizes=st.tuples(st.integers(1, 3), st.integers(1, 3), st.integers(1, 3)), clash=st.booleans(),
        dt=st.sampled_from(FLOATS))
def matmul(seed, lead, ndims, sizes, clash, dt):
    """1-D to 3-D operands (batched ones broadcast); with ``clash``, inner sizes that differ."""
    g = np.random.default_rng(seed)
    m, k, n = sizes
    sa = (tuple(lead) + (m,))[-(ndims[0] - 1):] + (k,) if ndims[0] > 1 else (k,)
    sb = ((tuple(lead) + (k + clash,))[-(ndims[1] - 1):] + (n,)) if ndims[1] > 1 else (k + clash,)
    check(lambda lib, a, b: a @ b, [_array(g, sa, dt), _array(g, sb, dt)], grads=(0, 1))


SHAPE_OPS = {
    "reshape": lambda lib, x, i, j: x.reshape(i, -1) if j % 2 else x.reshape(i, j),
    "transpose": lambda lib, x, i, j: x.transpose(i, j),
    "unsqueeze": lambda lib, x, i, j: x.unsqueeze(i),
    "squeeze": lambda lib, x, i, j: x.squeeze(i),
    "flatten": lambda lib, x, i, j: x.flatten(min(i, j), max(i, j)),
    "cat": lambda lib, x, i, j: lib.cat([x, x[:1]], i),
    "stack": lambda lib, x, i, j: lib.stack([x, x], i),
    "index": lambda lib, x, i, j: x[i],
    "slice": lambda lib, x, i, j: x[i:j],
}


@target("shape ops", seed=SEED, op=st.sampled_from(sorted(SHAPE_OPS)),
        shape=st.lists(st.integers(1, 3), min_size=1, max_size=3), i=st.integers(-4, 4), j=st.integers(-4, 4),
        dt=st.sampled_from(FLOATS))
def shape_ops(seed, op, shape, i, j, dt):
    """Views, joins and indexing with drawn dims and sizes (bad ones: torch's errors)."""
    x = _array(np.random.default_rng(seed), tuple(shape), dt)
    check(lambda lib, t: SHAPE_OPS[op](lib, t, i, j), [x], grads=(0,))


def _emit(**record):
    print("@@fuzz " + json.dumps(record), flush=True)


def main(targets):
    global examples
    for name in targets:
        _emit(event="start", target=name)
        examples, error = 0, None
        try:
            PROPERTIES[name]()
        except Exception as exc:  # noqa: BLE001 - reported to the parent test
            error = "".join(traceback.format_exception(exc))[-6000:]
        _emit(event="end", target=name, examples=examples, error=error)


if __name__ == "__main__":
    np.seterr(all="ignore")
    main(sys.argv[1:] or list(PROPERTIES))
