"""The loss-case registry: every function ``minigrad.losses`` exports, with how to build valid inputs
at given sizes, the options it takes, the ways to make an input bad, its family, its benchmark size
and its tolerance against torch. Its naive reference is ``naive.<name>`` (tests/losses/naive.py).
Read by the registry's differential test (test_loss_cases.py), the CUDA loss tests, the hardening
fuzz and determinism tests, and the loss benchmarks; test_loss_cases.py fails when a loss is missing.

``build(g, dt, n, c, sp, o)`` gets a numpy Generator, the float dtype, the batch ``n``, the classes
or features ``c``, extra (spatial) dims ``sp`` and the options ``o`` (one value per entry of
``options``; the first value of each list is the default) and returns (args, kwargs): numpy arrays
and plain values. ``grads`` are the positions of the args torch differentiates, ``trained`` those a
network produces (the benchmarks time them requiring grad, the rest as data). ``bad`` names the
ways to break an input that apply (see ``spoil``). ``family`` names the test and benchmark files
that hold the loss's hand-written cases (test_<family>*.py, bench_losses_<family>.py). ``bench`` is
the medium benchmark's (n, c); ``tol`` maps a dtype name to torch-comparison tolerances where the
defaults of tests/compare.py are too tight.
"""
import math
from dataclasses import dataclass, field

import numpy as np

REDUCTIONS = ["mean", "sum", "none"]
GENERIC_BAD = ("reduction", "shape", "int_input", "not_tensor")


@dataclass
class Case:
    build: object
    grads: tuple
    options: dict = field(default_factory=dict)
    bad: tuple = GENERIC_BAD
    family: str = "elementwise"
    bench: tuple = (2048, 2048)
    trained: tuple = (0,)
    tol: dict = field(default_factory=dict)


def normal(g, dt, shape, scale=1.0):
    return (g.standard_normal(shape) * scale).astype(dt)


def uniform(g, dt, shape, lo, hi):
    return g.uniform(lo, hi, shape).astype(dt)


def signs(g, dt, shape):
    return np.where(g.random(shape) < 0.5, -1.0, 1.0).astype(dt)


def classes(g, shape, c, ignore_index=None):
    """int64 class targets in [0, c); about one in five is ``ignore_index`` when given."""
    t = g.integers(0, c, shape)
    if ignore_index is not None:
        t = np.where(g.random(shape) < 0.2, ignore_index, t)
    return t.astype(np.int64)


def _pointwise(target, grads, bad=GENERIC_BAD, family="elementwise", **options):
    """The Case of a loss over (input, target) of one shape, with ``reduction`` (and maybe a
    per-element ``weight``) among its ``options``."""
    def build(g, dt, n, c, sp, o):
        shape = (n, c) + sp
        kw = {k: v for k, v in o.items() if k != "weight"}
        if o.get("weight"):
            kw["weight"] = uniform(g, dt, shape, 0.0, 2.0)
        return [normal(g, dt, shape), target(g, dt, shape)], kw
    return Case(build, grads, {"reduction": REDUCTIONS, **options}, bad, family)


def _bce(g, dt, n, c, sp, o):
    shape = (n, c) + sp
    kw = {"reduction": o["reduction"]}
    if o["weight"]:
        kw["weight"] = uniform(g, dt, shape[-1:], 0.0, 2.0)
    return [uniform(g, dt, shape, 0.02, 0.98), uniform(g, dt, shape, 0.0, 1.0)], kw


def _bce_logits(g, dt, n, c, sp, o):
    shape = (n, c) + sp
    kw = {"reduction": o["reduction"]}
    for name in ("weight", "pos_weight"):
        if o[name]:
            kw[name] = uniform(g, dt, shape[-1:], 0.0, 2.0)
    return [normal(g, dt, shape, 2.0), uniform(g, dt, shape, 0.0, 1.0)], kw


def _kl_div(g, dt, n, c, sp, o):
    shape = (n, c) + sp
    target = normal(g, dt, shape) if o["log_target"] else uniform(g, dt, shape, 0.0, 1.0)
    return [normal(g, dt, shape), target], dict(o)


def _poisson(g, dt, n, c, sp, o):
    shape = (n, c) + sp
    x = normal(g, dt, shape) if o["log_input"] else uniform(g, dt, shape, 0.1, 3.0)
    return [x, g.integers(0, 6, shape).astype(dt)], dict(o)


def _gaussian(g, dt, n, c, sp, o):
    shape = (n, c) + sp
    var_shape = {"same": shape, "last1": shape[:-1] + (1,), "drop": shape[:-1]}[o["var_shape"]]
    kw = {k: v for k, v in o.items() if k != "var_shape"}
    return [normal(g, dt, shape), normal(g, dt, shape), uniform(g, dt, var_shape, 0.2, 2.0)], kw


def _margin_ranking(g, dt, n, c, sp, o):
    shape = (n * c * math.prod(sp),)  # 1-D: torch wants all three inputs of one number of dims
    return [normal(g, dt, shape), normal(g, dt, shape), signs(g, dt, shape)], dict(o)


def _pairs(g, dt, n, c, sp, o):
    return [normal(g, dt, (n, c)), normal(g, dt, (n, c))], dict(o)


def _cosine_similarity(g, dt, n, c, sp, o):
    shape = (n, c) + sp
    return [normal(g, dt, shape), normal(g, dt, shape)], dict(o)


def _cosine_embedding(g, dt, n, c, sp, o):
    return [normal(g, dt, (n, c)), normal(g, dt, (n, c)), signs(g, dt, (n,))], dict(o)


def _triplet(g, dt, n, c, sp, o):
    return [normal(g, dt, (n, c)) for _ in range(3)], dict(o)


def _multi_margin(g, dt, n, c, sp, o):
    kw = {k: v for k, v in o.items() if k != "weight"}
    if o["weight"]:
        kw["weight"] = uniform(g, dt, (c,), 0.0, 2.0)
    return [normal(g, dt, (n, c)), classes(g, (n,), c)], kw


def _multilabel_margin(g, dt, n, c, sp, o):
    """Each row: a few distinct labels, then -1 (the rest of the row is ignored)."""
    t = np.full((n, c), -1, np.int64)
    for row in t:
        k = g.integers(0, c + 1)
        row[:k] = g.permutation(c)[:k]
    return [normal(g, dt, (n, c)), t], dict(o)


def _multilabel_soft_margin(g, dt, n, c, sp, o):
    kw = {"reduction": o["reduction"]}
    if o["weight"]:
        kw["weight"] = uniform(g, dt, (c,), 0.0, 2.0)
    return [normal(g, dt, (n, c)), (g.random((n, c)) < 0.5).astype(dt)], kw


def _class_target(g, dt, n, c, sp, o):
    """nll_loss/cross_entropy: input (n, c, *sp), or (c,) unbatched; class targets (some ignored) or,
    for cross_entropy, class probabilities of the input's shape."""
    shape, tshape = ((c,), ()) if o["unbatched"] else ((n, c) + sp, (n,) + sp)
    kw = {k: v for k, v in o.items() if k not in ("weight", "unbatched", "target")}
    if o["weight"]:
        kw["weight"] = uniform(g, dt, (c,), 0.0, 2.0)
    if o.get("target") == "probabilities":
        kw.pop("ignore_index")
        return [normal(g, dt, shape, 2.0), uniform(g, dt, shape, 0.0, 1.0)], kw
    return [normal(g, dt, shape, 2.0), classes(g, tshape, c, o["ignore_index"])], kw


_CLASS_OPTIONS = {"reduction": REDUCTIONS, "weight": [False, True], "ignore_index": [-100, 0],
                  "unbatched": [False, True]}

CLASSES, TRIPLET, ROWS = (8192, 1000), (8192, 128), (8192, 512)  # medium benchmark sizes
CASES = {
    "mse_loss": _pointwise(normal, (0, 1), weight=[False, True]),
    "l1_loss": _pointwise(normal, (0, 1), weight=[False, True]),
    "smooth_l1_loss": _pointwise(normal, (0, 1), GENERIC_BAD + ("beta",), beta=[1.0, 0.5, 0.0, 2.0]),
    "huber_loss": _pointwise(normal, (0, 1), GENERIC_BAD + ("delta",), delta=[1.0, 0.5, 2.0], weight=[False, True]),
    "soft_margin_loss": _pointwise(signs, (0,)),
    "binary_cross_entropy": Case(_bce, (0, 1), {"reduction": REDUCTIONS, "weight": [False, True]},
                                 GENERIC_BAD + ("domain",)),
    "binary_cross_entropy_with_logits": Case(_bce_logits, (0, 1), {"reduction": REDUCTIONS, "weight": [False, True],
                                                                   "pos_weight": [False, True]}),
    "kl_div": Case(_kl_div, (0, 1), {"reduction": REDUCTIONS + ["batchmean"], "log_target": [False, True]}),
    "poisson_nll_loss": Case(_poisson, (0, 1), {"reduction": REDUCTIONS, "log_input": [True, False],
                                                "full": [False, True]}),
    "gaussian_nll_loss": Case(_gaussian, (0, 1, 2), {"reduction": REDUCTIONS, "var_shape": ["same", "last1", "drop"],
                                                     "full": [False, True]}, GENERIC_BAD + ("domain",),
                              trained=(0, 2)),
    "hinge_embedding_loss": _pointwise(signs, (0,), family="margin", margin=[1.0, 0.5, 0.0, -1.0]),
    "margin_ranking_loss": Case(_margin_ranking, (0, 1, 2), {"reduction": REDUCTIONS, "margin": [0.0, 0.5, -0.5]},
                                family="margin", trained=(0, 1)),
    "cosine_embedding_loss": Case(_cosine_embedding, (0, 1), {"reduction": REDUCTIONS, "margin": [0.0, 0.5, -0.5]},
                                  family="margin", bench=ROWS, trained=(0, 1)),
    "cosine_similarity": Case(_cosine_similarity, (0, 1), {"dim": [1, 0, -1]}, ("shape", "int_input", "not_tensor"),
                              family="margin", bench=ROWS, trained=(0, 1)),
    "pairwise_distance": Case(_pairs, (0, 1), {"p": [2.0, 1.0, 3.0, 0.5], "keepdim": [False, True]},
                              ("shape", "int_input", "not_tensor"), family="margin", bench=ROWS, trained=(0, 1)),
    "triplet_margin_loss": Case(_triplet, (0, 1, 2), {"reduction": REDUCTIONS, "margin": [1.0, 0.5], "p": [2, 1],
                                                      "swap": [False, True]},
                                family="margin", bench=TRIPLET, trained=(0, 1, 2)),
    "triplet_margin_with_distance_loss": Case(_triplet, (0, 1, 2), {"reduction": REDUCTIONS, "margin": [1.0, 0.5],
                                                                    "swap": [False, True]},
                                              family="margin", bench=TRIPLET, trained=(0, 1, 2)),
    "multi_margin_loss": Case(_multi_margin, (0,), {"reduction": REDUCTIONS, "p": [1, 2], "margin": [1.0, 0.5],
                                                    "weight": [False, True]},
                              GENERIC_BAD + ("target_range", "p"), family="margin", bench=CLASSES),
    "multilabel_margin_loss": Case(_multilabel_margin, (0,), {"reduction": REDUCTIONS},
                                   GENERIC_BAD + ("target_range",), family="margin", bench=CLASSES),
    "multilabel_soft_margin_loss": Case(_multilabel_soft_margin, (0, 1), {"reduction": REDUCTIONS,
                                                                          "weight": [False, True]},
                                        family="margin", bench=CLASSES),
    "nll_loss": Case(_class_target, (0,), _CLASS_OPTIONS, GENERIC_BAD + ("target_range", "target_dtype"),
                     family="cross_entropy", bench=CLASSES),
    "cross_entropy": Case(_class_target, (0, 1), {**_CLASS_OPTIONS, "target": ["classes", "probabilities"],
                                                  "label_smoothing": [0.0, 0.1, 0.5]},
                          GENERIC_BAD + ("target_range", "target_dtype", "label_smoothing"),
                          family="cross_entropy", bench=CLASSES),
}
FAMILIES = ("elementwise", "margin", "cross_entropy")


def defaults(name):
    return {k: v[0] for k, v in CASES[name].options.items()}


def inputs(name, g, dt, n, c, sp=(), options=None):
    """(args, kwargs, grads) for loss ``name``; ``grads`` only lists float array args."""
    o = {**defaults(name), **(options or {})}
    args, kwargs = CASES[name].build(g, dt, n, c, tuple(sp), o)
    grads = tuple(i for i in CASES[name].grads if isinstance(args[i], np.ndarray) and args[i].dtype.kind == "f")
    return args, kwargs, grads


def spoil(kind, args, kwargs):
    """Make one input bad; returns (args, kwargs), or None when ``kind`` does not apply to them."""
    args, kwargs = list(args), dict(kwargs)
    if kind == "reduction":
        if "reduction" not in kwargs:
            return None
        kwargs["reduction"] = "avg"
    elif kind == "shape":  # the second input one longer in its last dim (or given one dim)
        b = args[1]
        args[1] = np.concatenate([b, b[..., :1]], axis=-1) if b.ndim else b.reshape(1)
    elif kind == "int_input":
        args[0] = np.round(args[0]).astype(np.int64)
    elif kind == "not_tensor":
        args[0] = args[0].tolist()
    elif kind == "target_range":  # one class target (or label) equal to the number of classes
        t = args[1]
        if t.size == 0 or args[0].ndim == 0:
            return None
        t = t.copy()
        t.reshape(-1)[0] = args[0].shape[1 if args[0].ndim > 1 else 0]
        args[1] = t
    elif kind == "target_dtype":
        if args[1].dtype.kind != "i":
            return None
        args[1] = args[1].astype(args[0].dtype)
    elif kind == "domain":  # BCE: an input outside [0, 1]; gaussian_nll: a negative variance
        i = 2 if len(args) == 3 else 0
        if args[i].size == 0:
            return None
        a = args[i].copy()
        a.reshape(-1)[0] = -0.5
        args[i] = a
    elif kind in ("beta", "delta"):
        kwargs[kind] = -1.0 if kind == "beta" else 0.0
    elif kind == "p":
        kwargs["p"] = 3
    elif kind == "label_smoothing":
        kwargs["label_smoothing"] = 1.5
    return args, kwargs
