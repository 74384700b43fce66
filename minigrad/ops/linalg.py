"""Matrix products.

    C = A·B:      dA = G·Bᵀ,  dB = Aᵀ·G     (batched: over leading dims, summed back by the engine)
    y = x·Wᵀ + b: dx = G·W,   dW = Gᵀ·x,  db = Σ_rows G
"""
import math

import numpy as np

from .. import dtypes
from ..autograd.op import GraphNode, Op
from .elementwise import MaskedFill
from .functions import check_tensor, same_dtype, write_out
from .functions import dim as _dim
from .indexing import Index, IndexPut

# torch's node for each (a.ndim, b.ndim); batched products end in a reshape (UnsafeViewBackward0),
# except a matrix times a batch, which ends in a copy (CloneBackward0)
_NAMES = {(1, 1): "DotBackward0", (2, 1): "MvBackward0", (1, 2): "SqueezeBackward4", (2, 2): "MmBackward0"}


class Matmul(Op):
    saves = (0, 1)

    def forward(self, a, b):
        self.name = _NAMES.get((a.ndim, b.ndim), "CloneBackward0" if a.ndim == 2 else "UnsafeViewBackward0")
        self.a, self.b = a, b
        return self.backend.matmul(a, b)

    def backward(self, g):
        a, b, k = self.a, self.b, self.backend
        if a.ndim == 1 and b.ndim == 1:  # dot: g is 0-d
            return (k.multiply(g, b) if self.needs_input_grad[0] else None), \
                (k.multiply(g, a) if self.needs_input_grad[1] else None)
        # 1-D operands as a (1, n) row and an (n, 1) column; g gets those unit dims back
        a2 = a.reshape((1,) + tuple(a.shape)) if a.ndim == 1 else a
        b2 = b.reshape(tuple(b.shape) + (1,)) if b.ndim == 1 else b
        g2 = g.reshape(tuple(g.shape) + (1,)) if b.ndim == 1 else g
        g2 = g2.reshape(tuple(g2.shape[:g2.ndim - 1]) + (1, g2.shape[g2.ndim - 1])) if a.ndim == 1 else g2
        ga = gb = None
        if self.needs_input_grad[0]:
            ga = k.matmul(g2, b2, transpose_b=True)
            if ga.ndim > a2.ndim:  # batch dims a lacks
                ga = k.sum(ga, axis=tuple(range(ga.ndim - a2.ndim)))
            ga = ga.reshape(tuple(a.shape)) if a.ndim == 1 else ga
        if self.needs_input_grad[1]:
            gb = k.matmul(a2, g2, transpose_a=True)
            if gb.ndim > b2.ndim:  # batch dims b lacks; the engine sums the ones it broadcast
                gb = k.sum(gb, axis=tuple(range(gb.ndim - b2.ndim)))
            gb = gb.reshape(tuple(b.shape)) if b.ndim == 1 else gb
        return ga, gb


class Linear(Op):
    """``x·Wᵀ (+ b)`` in one node (torch's AddmmBackward0 for 2-D input with bias)."""
    fresh_grads = True
    saves = (0, 1)

    def forward(self, x, w, b=None):
        self.x, self.w = x, w
        out = self.backend.matmul(x, w, transpose_b=True)
        if b is not None:
            self.backend.iadd(out, b)
            self.name = "AddmmBackward0" if x.ndim == 2 else "ViewBackward0"
        else:
            self.name = {1: "SqueezeBackward4", 2: "MmBackward0"}.get(x.ndim, "UnsafeViewBackward0")
        return out

    @property
    def next_functions(self):
        """torch's graph: (bias, input, Wᵀ) into addmm (mm without bias), the input viewed as 2-D and
        the result viewed back when it is not 2-D."""
        x, w, *b = Op.next_functions.fget(self)
        wt = (GraphNode("TBackward0", w), 0)
        ndim = len(self.inputs[0].shape)
        if ndim != 2 and x[0] is not None:
            x = (GraphNode("UnsqueezeBackward0" if ndim == 1 and not b else "ViewBackward0", x), 0)
        if ndim == 2:
            return tuple(b) + (x, wt)
        return ((GraphNode("AddmmBackward0" if b else "MmBackward0", *b, x, wt), 0),)

    def backward(self, g):
        k = self.backend
        need_x, need_w = self.needs_input_grad[:2]
        gx = k.matmul(g, self.w) if need_x else None
        gw = gb = None
        if need_w or len(self.needs_input_grad) > 2:
            g2, x = g, self.x
            if g.ndim != 2:  # leading dims as rows
                cols = g.shape[g.ndim - 1]
                g2 = g.reshape((g.size // cols if cols else 0, cols))
                x = x.reshape((g2.shape[0], x.shape[x.ndim - 1]))
            if need_w:
                gw = k.matmul(g2, x, transpose_a=True)
            if len(self.needs_input_grad) > 2 and self.needs_input_grad[2]:
                gb = k.matmul(_ones(self.device, k, g2), g2)
        return gx, gw, gb


_ONES = {}  # (backend, device index, rows, dtype) -> a vector of ones: Σ_rows G as one BLAS product


def _ones(device, k, g):
    """ones(rows of ``g``) on ``device`` (backend ``k``): db = 1ᵀ·G, quicker than a column sum at
    small sizes (64×3 float32: 1.0 against 2.0 µs)."""
    key = (k, device.index, g.shape[0], g.dtype)
    ones = _ONES.get(key)
    if ones is None:
        if len(_ONES) > 64:  # batch sizes a program uses are few; never grow without bound
            _ONES.clear()
        ones = _ONES[key] = k.full_like(g[:, 0], 1)
    return ones


# ---- public functions (torch.<name>, Tensor.<name>) ---------------------------------------------
_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def _einsum_error(msg):
    return RuntimeError(f"einsum(): {msg}")


def _parse_einsum(equation, shapes):
    """Subscripts per operand and for the output, with each ``...`` spelled out in unused letters
    (right-aligned across operands, as broadcasting), validated with torch's errors."""
    eq = equation.replace(" ", "")
    lhs, arrow, rhs = eq.partition("->")
    terms = lhs.split(",")
    if len(terms) < len(shapes):
        raise _einsum_error("more operands were provided than specified in the equation")
    if len(terms) > len(shapes):
        raise _einsum_error("fewer operands were provided than specified in the equation")
    pos = 0
    for term in terms + ([rhs] if arrow else []):
        for k, c in enumerate(term):
            if c == "." and "..." not in term[max(0, k - 2):k + 3]:
                raise _einsum_error(f"found '.' for operand {terms.index(term) if term in terms else 'output'} "
                                    "that is not part of any ellipsis")
            if c not in _LETTERS and c != ".":
                raise _einsum_error(f"invalid subscript given at index {pos + k} in the equation string, subscripts "
                                    "must be in [a-zA-Z]")
        pos += len(term) + 1
    used = set(eq) & set(_LETTERS)
    spare = [c for c in _LETTERS if c not in used]
    n_ell = 0
    for i, (term, shape) in enumerate(zip(terms, shapes)):
        named = len(term.replace("...", ""))
        if "..." not in term and named != len(shape):
            raise _einsum_error(f"the number of subscripts in the equation ({named}) does not match the number of "
                                f"dimensions ({len(shape)}) for operand {i} and no ellipsis was given")
        if "..." in term and named > len(shape):
            raise _einsum_error(f"the number of subscripts in the equation ({named}) is more than the number of "
                                f"dimensions ({len(shape)}) for operand {i}")
        if "..." in term:
            n_ell = max(n_ell, len(shape) - named)
    ell = "".join(spare[:n_ell])
    subs = [t.replace("...", ell[n_ell - (len(s) - len(t.replace("...", ""))):] if n_ell else "")
            for t, s in zip(terms, shapes)]
    if arrow:
        out = rhs.replace("...", ell)
        for c in out:
            if out.count(c) > 1:
                raise _einsum_error(f"output subscript {c} appears more than once in the output")
            if not any(c in s for s in subs):
                raise _einsum_error(f"output subscript {c} does not appear in the equation for any input operand")
    else:  # implicit: the ellipsis dims, then the subscripts used once, in alphabetical order
        counts = "".join(t.replace("...", "") for t in terms)
        out = ell + "".join(sorted(c for c in set(counts) if counts.count(c) == 1))
    return subs, out


def _sublist_equation(args):
    """``einsum(a, [0, 1], b, [1, 2], [0, 2])``: the equation and operands of the sublist form."""
    def letters(sub):
        out = ""
        for s in sub:
            if s is Ellipsis:
                out += "..."
            elif not 0 <= s < 52:
                raise RuntimeError("einsum(): subscript in subscript list is not within the valid range [0, 52)")
            else:
                out += _LETTERS[s]
        return out
    operands, terms = args[0::2], [letters(s) for s in args[1::2]]
    if len(args) % 2:  # a trailing output sublist
        operands, out = operands[:-1], "->" + letters(args[-1])
    else:
        out = ""
    return ",".join(terms[:len(operands)]) + out, operands


def einsum(equation, *operands):
    """Einstein summation over any number of operands (``torch.einsum``), given an equation or
    as operands each followed by its subscripts as a list of ints (the sublist form)."""
    if hasattr(equation, "_data"):
        equation, operands = _sublist_equation((equation,) + operands)
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    if not isinstance(equation, str) or not operands:
        raise RuntimeError("einsum(): must specify the equation string and at least one operand, or at least one "
                           "operand and its subscripts list")
    for t in operands:
        check_tensor("einsum", "tensors", t, 2)
    subs, out = _parse_einsum(equation, [t.shape for t in operands])
    for t in operands:
        same_dtype(operands[0], t)
    sizes = {}
    ops = []
    for i, (t, sub) in enumerate(zip(operands, subs)):
        # repeated subscripts within an operand: take that diagonal first
        while len(set(sub)) != len(sub):
            c = next(c for c in sub if sub.count(c) > 1)
            d1, d2 = sub.index(c), sub.index(c, sub.index(c) + 1)
            t = diagonal(t, 0, d1, d2)
            sub = "".join(x for j, x in enumerate(sub) if j not in (d1, d2)) + c
        for c, n in zip(sub, t.shape):
            if sizes.get(c, 1) != n and n != 1 and sizes.get(c, 1) != 1:
                raise _einsum_error(f"subscript {c} has size {n} for operand {i} which does not broadcast with "
                                    f"previously seen size {sizes[c]}")
            sizes[c] = max(sizes.get(c, 1), n) if n else 0 if sizes.get(c, 1) == 1 else sizes[c]
        ops.append((t, sub))
    # subscripts of size 1 in one operand and n in another broadcast
    ops = [(t.expand([sizes[c] for c in sub]) if any(n != sizes[c] for c, n in zip(sub, t.shape)) else t, sub)
           for t, sub in ops]
    t, sub = ops[0]
    for k in range(1, len(ops)):  # contract left to right, keeping what the output or a later operand needs
        keep = set(out).union(*[s for _, s in ops[k + 1:]])
        t, sub = _contract(t, sub, *ops[k], keep)
    t, sub = _sum_out(t, sub, set(out))
    return t.permute([sub.index(c) for c in out]) if sub != out else t


def _sum_out(t, sub, keep):
    """``t`` summed over its subscripts not in ``keep``."""
    gone = [i for i, c in enumerate(sub) if c not in keep]
    return (t.sum(gone) if gone else t), "".join(c for c in sub if c in keep)


def _contract(a, sa, b, sb, keep):
    """The product of ``a`` and ``b`` summed over the subscripts they share that ``keep`` lacks, as one
    batched matrix product (batch: shared and kept; rows: a's own; inner: shared, not kept; columns:
    b's own), as torch computes einsum. Returns the result and its subscripts."""
    a, sa = _sum_out(a, sa, keep | set(sb))
    b, sb = _sum_out(b, sb, keep | set(sa))
    batch = [c for c in sa if c in sb and c in keep]
    inner = [c for c in sa if c in sb and c not in keep]
    rows, cols = [c for c in sa if c not in sb], [c for c in sb if c not in sa]
    size = dict(zip(sa, a.shape)) | dict(zip(sb, b.shape))
    n = [math.prod(size[c] for c in group) for group in (batch, rows, inner, cols)]
    a3 = a.permute([sa.index(c) for c in batch + rows + inner]).reshape(n[0], n[1], n[2])
    b3 = b.permute([sb.index(c) for c in batch + inner + cols]).reshape(n[0], n[2], n[3])
    letters = batch + rows + cols
    return Matmul.apply(a3, b3).reshape([size[c] for c in letters]), "".join(letters)


def _check_matrix_product(name, a, b, second, ndims, errors):
    """Tensors of one dtype, ``a`` and ``b`` of ``ndims`` dims (else torch's error in ``errors``, a
    format string of ``a`` and ``b``)."""
    check_tensor(name, "input", a, 1)
    check_tensor(name, second, b, 2)
    same_dtype(a, b)
    for t, ndim, error in zip((a, b), ndims, errors):
        if t.ndim != ndim:
            raise RuntimeError(error.format(a=a, b=b))


def mv(input, vec, *, out=None):  # noqa: A002 - torch's argument names throughout
    """Matrix × vector."""
    error = "vector + matrix @ vector expected, got 1, {a.ndim}, {b.ndim}"
    _check_matrix_product("mv", input, vec, "vec", (2, 1), (error, error))
    if input.shape[1] != vec.shape[0]:
        raise RuntimeError(f"size mismatch, got input ({input.shape[0]}), mat ({input.shape[0]}x{input.shape[1]}), "
                           f"vec ({vec.shape[0]})")
    return write_out("mv", Matmul.apply(input, vec), out)


def mm(input, mat2, *, out=None):
    """Matrix × matrix (both 2-D)."""
    _check_matrix_product("mm", input, mat2, "mat2", (2, 2), ("self must be a matrix", "mat2 must be a matrix"))
    if input.shape[1] != mat2.shape[0]:
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({input.shape[0]}x{input.shape[1]} and "
                           f"{mat2.shape[0]}x{mat2.shape[1]})")
    return write_out("mm", Matmul.apply(input, mat2), out)


def bmm(input, mat2, *, out=None):
    """Batched matrix product of two 3-D tensors with the same batch size."""
    _check_matrix_product("bmm", input, mat2, "mat2", (3, 3), ("batch1 must be a 3D tensor",
                                                              "batch2 must be a 3D tensor"))
    n, _, k = input.shape
    if mat2.shape[:2] != (n, k):
        raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: [{n}, {k}] but got: "
                           f"[{mat2.shape[0]}, {mat2.shape[1]}].")
    result = Matmul.apply(input, mat2)
    if result._grad_fn is not None:
        result._grad_fn.name = "BmmBackward0"
    return write_out("bmm", result, out)


def _scaled_sum(name, input, product, beta, alpha):
    """``beta·input + alpha·product`` (input broadcast to the product; beta = 0 ignores input's NaN/inf)."""
    input.expand(product.shape)  # torch's error when input does not broadcast to the product
    result = product if alpha == 1 else product * alpha
    if beta != 0:
        result = (input if beta == 1 else input * beta) + result
    elif input._requires_grad:  # a zero gradient for input, and none of its NaN/inf in the value
        everywhere = input._backend().from_host(np.ones(tuple(input.shape), bool))
        result = result + MaskedFill.apply(input, mask=everywhere, value=0)
    if result._grad_fn is not None:
        result._grad_fn.name = name
    return result


def addmm(input, mat1, mat2, *, beta=1, alpha=1, out=None):
    """``beta·input + alpha·(mat1 @ mat2)``."""
    for name, m in (("mat1", mat1), ("mat2", mat2)):
        check_tensor("addmm", name, m, 2)
        if m.ndim != 2:
            raise RuntimeError(f"{name} must be a matrix, got {m.ndim}-D tensor")
    return write_out("addmm", _scaled_sum("AddmmBackward0", input, mm(mat1, mat2), beta, alpha), out)


def addmv(input, mat, vec, *, beta=1, alpha=1, out=None):
    """``beta·input + alpha·(mat @ vec)``."""
    return write_out("addmv", _scaled_sum("AddmvBackward0", input, mv(mat, vec), beta, alpha), out)


def baddbmm(input, batch1, batch2, *, beta=1, alpha=1, out=None):
    """``beta·input + alpha·(batch1 @ batch2)`` per batch."""
    return write_out("baddbmm", _scaled_sum("BaddbmmBackward0", input, bmm(batch1, batch2), beta, alpha), out)


def outer(input, vec2, *, out=None):
    """``input[i]·vec2[j]`` (both 1-D)."""
    check_tensor("outer", "input", input, 1)
    check_tensor("outer", "vec2", vec2, 2)
    if input.ndim != 1 or vec2.ndim != 1:
        raise RuntimeError(f"outer: Expected 1-D argument self, but got {input.ndim}-D" if input.ndim != 1 else
                           f"outer: Expected 1-D argument vec2, but got {vec2.ndim}-D")
    return write_out("outer", input.reshape(-1, 1) * vec2, out, rule="cast")


def tensordot(a, b, dims=2, out=None):
    """Sum of products over ``dims`` (a count: a's last and b's first dims; or two lists of dims)."""
    check_tensor("tensordot", "a", a, 1)
    check_tensor("tensordot", "b", b, 2)
    if isinstance(dims, int) or hasattr(dims, "_data"):
        n = int(dims)
        if n < 0:
            raise RuntimeError(f"tensordot expects dims >= 0, but got dims={n}")
        if n > min(a.ndim, b.ndim):
            raise RuntimeError(f"tensordot expects dims < ndim_a or ndim_b, but got dims={n}")
        da, db = list(range(a.ndim - n, a.ndim)), list(range(n))
    else:
        da, db = ([d] if isinstance(d, int) else list(d) for d in dims)
        if len(da) != len(db):
            raise RuntimeError("both dimension lists should have same length")
        da, db = [_dim(d, a.ndim) for d in da], [_dim(d, b.ndim) for d in db]
    for x, y in zip(da, db):
        if a.shape[x] != b.shape[y] and a.shape[x] != 1 and b.shape[y] != 1:
            raise RuntimeError(f"contracted dimensions need to match, but first has size {a.shape[x]} in dim {x} "
                               f"and second has size {b.shape[y]} in dim {y}")
    sa = [_LETTERS[i] for i in range(a.ndim)]
    sb = [_LETTERS[a.ndim + i] for i in range(b.ndim)]
    for x, y in zip(da, db):
        sb[y] = sa[x]
    result = einsum(f"{''.join(sa)},{''.join(sb)}->" + "".join(c for i, c in enumerate(sa) if i not in da)
                    + "".join(c for i, c in enumerate(sb) if i not in db), a, b)
    return write_out("tensordot", result, out)


def kron(input, other, *, out=None):
    """Kronecker product: block (i, j) of the result is ``input[i, j]·other`` (over every dim)."""
    check_tensor("kron", "input", input, 1)
    check_tensor("kron", "other", other, 2)
    n = max(input.ndim, other.ndim)
    a = input.reshape((1,) * (n - input.ndim) + tuple(input.shape))
    b = other.reshape((1,) * (n - other.ndim) + tuple(other.shape))
    # a[..., i, 1, ...] * b[..., 1, k, ...] interleaved, then merged pairwise
    ea = a.reshape([s for d in a.shape for s in (d, 1)])
    eb = b.reshape([s for d in b.shape for s in (1, d)])
    result = (ea * eb).reshape([x * y for x, y in zip(a.shape, b.shape)])
    return write_out("kron", result, out, rule="cast")


def cross(input, other, dim=None, *, out=None):
    """Cross product of 3-vectors along ``dim`` (None: the first dim of size 3, with torch's warning)."""
    check_tensor("cross", "input", input, 1)
    check_tensor("cross", "other", other, 2)
    if dim is None:
        import warnings
        warnings.warn("Using torch.cross without specifying the dim arg is deprecated.\nPlease either pass the dim "
                      "explicitly or simply use torch.linalg.cross.\nThe default value of dim will change to agree "
                      "with that of linalg.cross in a future release.", UserWarning, stacklevel=2)
        dim = next((i for i, s in enumerate(input.shape) if s == 3), -1)
    return write_out("cross", linalg_cross(input, other, dim=dim), out)


def linalg_cross(input, other, *, dim=-1, out=None):
    """``torch.linalg.cross``: a × b along ``dim`` (inputs broadcast)."""
    if input.ndim != other.ndim:
        raise RuntimeError("linalg.cross: inputs must have the same number of dimensions.")
    d = _dim(dim, input.ndim)
    if input.shape[d] != 3 or other.shape[d] != 3:
        raise RuntimeError(f"linalg.cross: inputs dimension {dim} must have length 3. Got {input.shape[d]} and "
                           f"{other.shape[d]}")
    a = [input.select(d, i) for i in range(3)]
    b = [other.select(d, i) for i in range(3)]
    from ..creation import stack
    result = stack([a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]], d)
    if result._grad_fn is not None:
        result._grad_fn.name = "LinalgCrossBackward0"
    return write_out("linalg_cross", result, out)


def cdist(x1, x2, p=2.0, compute_mode="use_mm_for_euclid_dist_if_necessary"):
    """Pairwise p-norm distances between the rows of ``x1`` (…, P, M) and ``x2`` (…, R, M)."""
    check_tensor("cdist", "x1", x1, 1)
    check_tensor("cdist", "x2", x2, 2)
    if x1.ndim < 2 or x2.ndim < 2:
        raise RuntimeError(f"cdist only supports at least 2D tensors, X1 got: {x1.ndim}D" if x1.ndim < 2 else
                           f"cdist only supports at least 2D tensors, X2 got: {x2.ndim}D")
    if x1.shape[-1] != x2.shape[-1]:
        raise RuntimeError(f"X1 and X2 must have the same number of columns. X1: {x1.shape[-1]} X2: {x2.shape[-1]}")
    if not x1.is_floating_point():
        raise RuntimeError(f"cdist only supports floating-point dtypes, X1 got: {dtypes.scalar_name(x1)}")
    if p < 0:
        raise RuntimeError("cdist only supports non-negative p values")
    diff = x1.unsqueeze(-2) - x2.unsqueeze(-3)
    result = diff.norm(p, dim=-1)
    if result._grad_fn is not None:
        result._grad_fn.name = "CdistBackward0"
    return result


# ---- diagonals and triangles (gathers and puts through ``indexing``) --------------------------------
def _diag_slice(n1, n2, offset):
    """The ``offset`` diagonal of a row-major (n1, n2) matrix as a slice of its n1·n2 elements (one
    step of n2 + 1 per diagonal element): a basic index, so a view, on every backend."""
    length = max(0, min(n1, n2 - offset) if offset >= 0 else min(n1 + offset, n2))
    start = offset if offset >= 0 else -offset * n2
    return slice(start, start + (length - 1) * (n2 + 1) + 1, n2 + 1) if length else slice(0, 0)


def diagonal(input, offset=0, dim1=0, dim2=1):
    """The ``offset`` diagonal of the (dim1, dim2) planes, as a new last dim."""
    check_tensor("diagonal", "input", input, 1)
    d1, d2 = _dim(dim1, input.ndim), _dim(dim2, input.ndim)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    rest = [i for i in range(input.ndim) if i not in (d1, d2)]
    x = input if rest + [d1, d2] == list(range(input.ndim)) else input.permute(rest + [d1, d2])
    n1, n2 = input.shape[d1], input.shape[d2]
    flat = x.reshape(tuple(x.shape[:-2]) + (n1 * n2,))
    return Index.apply(flat, index=(Ellipsis, _diag_slice(n1, n2, offset)), name="DiagonalBackward0")


def trace(input):
    """Sum of the main diagonal of a matrix."""
    check_tensor("trace", "input", input, 1)
    if input.ndim != 2:
        raise RuntimeError(f"trace: expected a matrix, but got tensor with dim {input.ndim}")
    result = diagonal(input).sum()
    if result._grad_fn is not None:
        result._grad_fn.name = "TraceBackward0"
    return result


def diag_embed(input, offset=0, dim1=-2, dim2=-1):
    """A tensor whose (dim1, dim2) planes hold ``input``'s last dim on their ``offset`` diagonal."""
    check_tensor("diag_embed", "input", input, 1)
    nd = input.ndim + 1
    d1, d2 = _dim(dim1, nd), _dim(dim2, nd)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    x = input.reshape(1) if input.ndim == 0 else input
    n = x.shape[-1] + abs(offset)
    batch = tuple(x.shape[:-1])
    zeros = x._make(x._backend().zeros(batch + (n * n,), x._data.dtype), x._device)
    out = IndexPut.apply(zeros, x, index=(Ellipsis, _diag_slice(n, n, offset))).reshape(batch + (n, n))
    if out._grad_fn is not None:
        out._grad_fn.name = "DiagEmbedBackward0"
    if (d1, d2) == (nd - 2, nd - 1):
        return out
    batch = iter(range(nd - 2))
    order = [nd - 2 if i == d1 else nd - 1 if i == d2 else next(batch) for i in range(nd)]
    return out.permute(order)


_diagonal = diagonal  # (for the functions below whose ``diagonal`` argument hides it)


def diag(input, diagonal=0, *, out=None):  # noqa: F811 - torch's argument name
    """1-D input: the square matrix with it on the ``diagonal``; 2-D input: that diagonal."""
    check_tensor("diag", "input", input, 1)
    if input.ndim == 1:
        result = diag_embed(input, diagonal)
    elif input.ndim == 2:
        result = _diagonal(input, diagonal)
    else:
        raise RuntimeError(f"diag(): Supports 1D or 2D tensors. Got {input.ndim}D")
    return write_out("diag", result, out)


def _triangle(name, input, keep_below, k):
    check_tensor(name, "input", input, 1)
    if input.ndim < 2:
        raise RuntimeError(f"{name}: input tensor must have at least 2 dimensions")
    n, m = input.shape[-2:]
    below = np.tri(n, m, k if keep_below else k - 1, dtype=bool)
    mask = ~below if keep_below else below
    result = MaskedFill.apply(input, mask=input._backend().from_host(mask), value=0)
    if result._grad_fn is not None:
        result._grad_fn.name = name.capitalize() + "Backward0"
    return result


def tril(input, diagonal=0, *, out=None):  # noqa: F811
    """``input`` with the elements above the ``diagonal`` zeroed (over the last two dims)."""
    return write_out("tril", _triangle("tril", input, True, diagonal), out)


def triu(input, diagonal=0, *, out=None):  # noqa: F811
    """``input`` with the elements below the ``diagonal`` zeroed (over the last two dims)."""
    return write_out("triu", _triangle("triu", input, False, diagonal), out)


def block_diag(*tensors):
    """The tensors (0-, 1- or 2-D) as blocks along the diagonal of one zero matrix."""
    blocks = []
    for i, t in enumerate(tensors):
        check_tensor("block_diag", "tensors", t, i)
        if t.ndim > 2:
            raise RuntimeError(f"torch.block_diag: Input tensors must have 2 or fewer dimensions. Input {i} has "
                               f"{t.ndim} dimensions")
        blocks.append(t.reshape(1, -1) if t.ndim < 2 else t)
    if not blocks:
        from ..creation import empty
        return empty(1, 0)
    dt = dtypes.result_type(*blocks)
    blocks = [t._cast(dt) for t in blocks]
    rows, cols = sum(t.shape[0] for t in blocks), sum(t.shape[1] for t in blocks)
    b = blocks[0]._backend()
    out = blocks[0]._make(b.zeros((rows, cols), dt.np), blocks[0]._device)
    r = c = 0
    for t in blocks:
        out = IndexPut.apply(out, t, index=(slice(r, r + t.shape[0]), slice(c, c + t.shape[1])),
                             name="BlockDiagBackward0")
        r, c = r + t.shape[0], c + t.shape[1]
    return out


FUNCTIONS = {f.__name__: f for f in (
    addmm, addmv, baddbmm, bmm, block_diag, cdist, cross, diag, diag_embed, diagonal, einsum, kron, mm, mv, outer,
    tensordot, trace, tril, triu)}
FUNCTIONS["ger"] = outer
METHODS = ("addmm", "addmv", "baddbmm", "bmm", "cross", "diag", "diag_embed", "diagonal", "kron", "mm", "mv", "outer",
           "ger", "trace", "tril", "triu")
INPLACE = ("addmm", "addmv", "baddbmm", "tril", "triu")
