"""Autograd semantics against torch: backward arguments, retained and freed graphs, accumulation,
grad modes, version counters, in-place ops, custom Functions, ``autograd.grad``, gradcheck,
``Variable``, ``retain_grad``, ``detach`` and ``.data``."""
import numpy as np
import pytest
import torch

import minigrad
from tests.core_helpers import check, node_name, rand

LIBS = [minigrad, torch]
FREED = "Trying to backward through the graph a second time"
INPLACE = "one of the variables needed for gradient computation has been modified by an inplace operation"


def leaf(lib, values=(1.0, 2.0, 3.0), dtype=None):
    return lib.tensor(list(values), dtype=dtype, requires_grad=True)


@pytest.mark.parametrize("lib", LIBS)
def test_backward_with_gradient_argument(lib):
    x = leaf(lib)
    y = x * x
    y.backward(gradient=lib.tensor([1.0, 0.5, 2.0]))
    assert x.grad.tolist() == [2.0, 2.0, 12.0]


@pytest.mark.parametrize("lib", LIBS)
def test_backward_gradient_as_list_and_shape_mismatch(lib):
    x = leaf(lib)
    with pytest.raises(RuntimeError, match="Mismatch in shape"):
        (x * 2).backward(lib.ones(2))


@pytest.mark.parametrize("lib", LIBS)
def test_backward_twice_raises_after_free(lib):
    x = leaf(lib)
    y = (x * x).sum()
    y.backward()
    with pytest.raises(RuntimeError, match=FREED):
        y.backward()


@pytest.mark.parametrize("lib", LIBS)
@pytest.mark.parametrize("expr", ["x + 1", "x.sum()", "x.view(3)", "x[0]", "x.expand(2, 3)", "-x", "x.t()",
                                  "x.clone()", "x.mean()", "lib.cat([x, x])"])
def test_backward_twice_through_nodes_without_saved_tensors(lib, expr):
    """torch only complains when a freed node needed saved tensors; these save none."""
    x = leaf(lib)
    y = eval(expr).sum()
    y.backward()
    once = x.grad.clone()
    y.backward()
    assert x.grad.tolist() == (once * 2).tolist()


@pytest.mark.parametrize("lib", LIBS)
@pytest.mark.parametrize("expr", ["x[[0, 1]]", "lib.where(x > 1, x, x)", "x.masked_fill(x > 1, 0.0)", "x * x",
                                  "x.exp()", "x.max()"])
def test_backward_twice_through_nodes_with_saved_tensors_raises(lib, expr):
    x = leaf(lib)
    y = eval(expr).sum()
    y.backward()
    with pytest.raises(RuntimeError, match=FREED):
        y.backward()


@pytest.mark.parametrize("lib", LIBS)
def test_retain_graph_and_accumulation(lib):
    x = leaf(lib)
    y = (x.exp() * x).sum()
    y.backward(retain_graph=True)
    first = x.grad.clone()
    y.backward()
    np.testing.assert_allclose(x.grad.numpy(), 2 * first.numpy(), rtol=1e-6)


def test_accumulation_matches_torch_across_graphs():
    def run(lib):
        x = leaf(lib)
        (x * 3).sum().backward()
        (x ** 2).sum().backward()
        g1 = x.grad.tolist()
        x.grad = None
        (x * 3).sum().backward()
        g2 = x.grad.tolist()
        x.grad.zero_()
        (x * 2).sum().backward()
        return g1, g2, x.grad.tolist()
    assert run(minigrad) == run(torch)


def test_grad_is_a_private_buffer_per_leaf():
    x, y = leaf(minigrad), leaf(minigrad)
    (x + y).sum().backward()
    x.grad.add_(1.0)
    assert y.grad.tolist() == [1.0, 1.0, 1.0]


def test_diamond_graph_matches_torch():
    def f(x):
        a = x * 2
        return (a.exp() + a.tanh()) * a + a.sigmoid().sum()
    check(f, f, [rand((3,), np.float64)])


@pytest.mark.parametrize("lib", LIBS)
def test_backward_errors(lib):
    x = leaf(lib)
    with pytest.raises(RuntimeError, match="grad can be implicitly created only for scalar outputs"):
        (x * 2).backward()
    with pytest.raises(RuntimeError, match="element 0 of tensors does not require grad and does not have a grad_fn"):
        lib.ones(3).sum().backward()


# ---- grad modes ---------------------------------------------------------------------------------
@pytest.mark.parametrize("lib", LIBS)
def test_no_grad_enable_grad_set_grad_enabled_contexts(lib):
    x = leaf(lib)
    with lib.no_grad():
        y = x * 2
        assert not lib.is_grad_enabled()
        with lib.enable_grad():
            z = x * 2
            assert lib.is_grad_enabled()
        with lib.set_grad_enabled(True):
            w = x * 2
    assert lib.is_grad_enabled()
    assert not y.requires_grad and y.grad_fn is None
    assert z.requires_grad and w.requires_grad
    with lib.set_grad_enabled(False):
        assert not (x * 2).requires_grad
    assert lib.is_grad_enabled()


@pytest.mark.parametrize("lib", LIBS)
def test_set_grad_enabled_as_function(lib):
    x = leaf(lib)
    lib.set_grad_enabled(False)
    try:
        assert not (x * 2).requires_grad
    finally:
        lib.set_grad_enabled(True)
    assert (x * 2).requires_grad


@pytest.mark.parametrize("lib", LIBS)
def test_grad_mode_decorators(lib):
    x = leaf(lib)

    @lib.no_grad()
    def f(t):
        return t * 2

    @lib.enable_grad()
    def g(t):
        return t * 2

    @lib.set_grad_enabled(False)
    def h(t):
        return t * 2

    @lib.no_grad
    def bare(t):
        return t * 2

    assert not f(x).requires_grad and not h(x).requires_grad and not bare(x).requires_grad
    with lib.no_grad():
        assert g(x).requires_grad
    assert lib.is_grad_enabled()
    assert f.__name__ == "f"


@pytest.mark.parametrize("lib", LIBS)
def test_grad_mode_restored_after_exception(lib):
    with pytest.raises(ValueError):
        with lib.no_grad():
            raise ValueError
    assert lib.is_grad_enabled()


@pytest.mark.parametrize("lib", LIBS)
def test_no_grad_inplace_on_leaf_allowed(lib):
    w = leaf(lib)
    (w * w).sum().backward()
    with lib.no_grad():
        w -= 0.1 * w.grad
        w.add_(1.0)
    assert w.is_leaf and w.requires_grad
    np.testing.assert_allclose(w.detach().numpy(), [1.8, 2.6, 3.4], rtol=1e-6)


# ---- version counter and in-place -------------------------------------------------------------
def _saved_input_modified(lib, x):
    y = x * 2
    z = y * y  # saves y
    y.add_(1)
    return z


def _saved_output_modified(lib, x):
    y = x.exp()  # saves its output
    y.mul_(2)
    return y


def _saved_leaf_modified_under_no_grad(lib, x):
    y = x * x
    with lib.no_grad():
        x.mul_(2)
    return y


@pytest.mark.parametrize("lib", LIBS)
@pytest.mark.parametrize("graph", [_saved_input_modified, _saved_output_modified, _saved_leaf_modified_under_no_grad])
def test_version_counter_error(lib, graph):
    """Backward through a tensor saved for it and modified in place since raises torch's error."""
    y = graph(lib, leaf(lib))
    with pytest.raises(RuntimeError, match=INPLACE):
        y.sum().backward()


@pytest.mark.parametrize("lib", LIBS)
def test_version_counter_output_saved_and_views(lib):
    x = leaf(lib)
    t = x.tanh()  # saves its output, not x: changing x is harmless
    with lib.no_grad():
        x.mul_(2)
    t.sum().backward()
    a = x * 1
    b = a * a
    a[0:2].zero_()  # a view shares its base's version counter
    with pytest.raises(RuntimeError, match=INPLACE):
        b.sum().backward()
    with pytest.raises(RuntimeError, match="a view of a leaf Variable that requires grad is being used in an in-place"):
        x[0:2].zero_()


@pytest.mark.parametrize("lib", LIBS)
def test_version_counts(lib):
    def version(t):  # torch exposes an int; minigrad's private counter is a list shared with views
        return t._version if lib is torch else t._version[0]
    t = lib.zeros(3)
    v0 = version(t)
    t.add_(1)
    t[0] = 2
    t.mul_(2)
    assert version(t) == v0 + 3
    view = t.view(3)
    view.add_(1)
    assert version(view) == version(t) == v0 + 4


@pytest.mark.parametrize("lib", LIBS)
def test_leaf_inplace_error(lib):
    x = leaf(lib)
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad is being used in an in-place operation"):
        x.add_(1)
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad"):
        x[0] = 1.0


INPLACE_OPS = {
    "add_": lambda y, o: y.add_(o), "add_alpha": lambda y, o: y.add_(o, alpha=2), "sub_": lambda y, o: y.sub_(o),
    "mul_": lambda y, o: y.mul_(o), "div_": lambda y, o: y.div_(o), "iadd": lambda y, o: y.__iadd__(o),
    "isub": lambda y, o: y.__isub__(o), "imul": lambda y, o: y.__imul__(o), "itruediv": lambda y, o: y.__itruediv__(o),
    "clamp_": lambda y, o: y.clamp_(-0.5, 0.5), "clamp_min": lambda y, o: y.clamp_(min=0.1),
    "masked_fill_": lambda y, o: y.masked_fill_(o > 1.0, 0.0), "exp_": lambda y, o: y.exp_(),
    "neg_": lambda y, o: y.neg_(), "relu_": lambda y, o: y.relu_(), "zero_": lambda y, o: y.zero_(),
    "fill_": lambda y, o: y.fill_(2.0), "copy_": lambda y, o: y.copy_(o),
    "copy_nograd_src": lambda y, o: y.copy_(o.detach()),
}


@pytest.mark.parametrize("name", sorted(INPLACE_OPS))
def test_inplace_on_non_leaf(name):
    """``y = x * 1.5; y.<op>(o)``: result, grad_fn and gradients of x and o match torch."""
    op = INPLACE_OPS[name]

    def f(x, o):
        y = x * 1.5
        r = op(y, o)
        assert r is y
        return y
    check(f, f, [rand((3, 4), np.float64, seed=1), rand((4,), np.float64, 0.5, 2, seed=2)])


@pytest.mark.parametrize("name", sorted(INPLACE_OPS))
def test_inplace_values_without_grad(name):
    op = INPLACE_OPS[name]
    x, o = rand((3, 4), np.float32, seed=1), rand((4,), np.float32, 0.5, 2, seed=2)
    mg, th = minigrad.tensor(x), torch.tensor(x)
    op(mg, minigrad.tensor(o))
    op(th, torch.tensor(o))
    np.testing.assert_allclose(mg.numpy(), th.numpy(), rtol=1e-6)


def test_inplace_into_leaf_without_grad_from_grad_source():
    def f(o):
        z = (torch if isinstance(o, torch.Tensor) else minigrad).zeros(4, dtype=o.dtype)
        z.add_(o * 2)
        return z
    check(f, f, [rand((4,), np.float64)])


def test_inplace_dtype_rules():
    for lib in LIBS:
        t = lib.zeros(3, dtype=lib.int64)
        with pytest.raises(RuntimeError, match="result type Float can't be cast to the desired output type Long"):
            t.add_(1.5)
        t.add_(2)
        f = lib.zeros(3)
        f.add_(lib.tensor([1, 2, 3]))
        assert f.dtype == lib.float32 and f.tolist() == [1.0, 2.0, 3.0]


@pytest.mark.parametrize("lib", LIBS)
def test_inplace_is_visible_through_views_without_grad(lib):
    base = lib.zeros(2, 3)
    row = base[1]
    row.add_(1.0)
    base.t()[0].fill_(5.0)
    assert base.tolist() == [[5.0, 0.0, 0.0], [5.0, 1.0, 1.0]]


# ---- custom Function, autograd.grad, gradcheck --------------------------------------------------
def _make_function(lib):
    class Cube(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x, scale):
            ctx.save_for_backward(x)
            ctx.scale = scale
            ctx.needs = ctx.needs_input_grad
            return x ** 3 * scale

        @staticmethod
        def backward(ctx, g):
            x, = ctx.saved_tensors
            return g * 3 * x ** 2 * ctx.scale, None
    return Cube


@pytest.mark.parametrize("lib", LIBS)
def test_custom_function(lib):
    cube = _make_function(lib)
    x = leaf(lib)
    y = cube.apply(x, 2.0)
    assert node_name(y) == "CubeBackward"
    assert not x.grad_fn and y.requires_grad
    y.sum().backward()
    assert x.grad.tolist() == [6.0, 24.0, 54.0]


def test_custom_function_matches_torch_and_needs_input_grad():
    check(lambda x: _make_function(minigrad).apply(x, 0.5), lambda x: _make_function(torch).apply(x, 0.5),
          [rand((2, 3), np.float64)])
    for lib in LIBS:
        cube = _make_function(lib)
        x = leaf(lib)
        ctx_holder = []

        class Spy(cube):
            @staticmethod
            def forward(ctx, a, b):
                ctx_holder.append(ctx.needs_input_grad)
                return a * b

            @staticmethod
            def backward(ctx, g):
                return g, g
        Spy.apply(x, lib.ones(3))
        assert tuple(ctx_holder[-1]) == (True, False)


@pytest.mark.parametrize("lib", LIBS)
def test_custom_function_without_grad_inputs_and_saved_modified(lib):
    cube = _make_function(lib)
    y = cube.apply(lib.ones(3), 2.0)
    assert not y.requires_grad and y.grad_fn is None
    x = leaf(lib)
    h = x * 1
    y = cube.apply(h, 1.0)
    h.add_(1)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.sum().backward()


@pytest.mark.parametrize("lib", LIBS)
def test_custom_function_two_inputs(lib):
    class MulAdd(lib.autograd.Function):
        @staticmethod
        def forward(ctx, a, b):
            ctx.save_for_backward(a, b)
            return a * b + a

        @staticmethod
        def backward(ctx, g):
            a, b = ctx.saved_tensors
            return g * (b + 1), g * a
    a, b = leaf(lib), leaf(lib, (4.0, 5.0, 6.0))
    MulAdd.apply(a, b).sum().backward()
    assert a.grad.tolist() == [5.0, 6.0, 7.0] and b.grad.tolist() == [1.0, 2.0, 3.0]


@pytest.mark.parametrize("lib", LIBS)
def test_autograd_grad(lib):
    x, y = leaf(lib), leaf(lib, (4.0, 5.0, 6.0))
    z = (x * x * y).sum()
    gx, gy = lib.autograd.grad(z, (x, y), retain_graph=True)
    assert gx.tolist() == [8.0, 20.0, 36.0] and gy.tolist() == [1.0, 4.0, 9.0]
    assert x.grad is None and y.grad is None
    gx, = lib.autograd.grad([z], [x])
    assert gx.tolist() == [8.0, 20.0, 36.0]


@pytest.mark.parametrize("lib", LIBS)
def test_autograd_grad_allow_unused_and_grad_outputs(lib):
    x, unused = leaf(lib), leaf(lib)
    y = x * 2
    with pytest.raises(RuntimeError, match="appears to not have been used in the graph"):
        lib.autograd.grad(y.sum(), [x, unused], retain_graph=True)
    gx, gu = lib.autograd.grad(y.sum(), [x, unused], allow_unused=True, retain_graph=True)
    assert gx.tolist() == [2.0, 2.0, 2.0] and gu is None
    gx, = lib.autograd.grad(y, x, grad_outputs=lib.tensor([1.0, 2.0, 3.0]))
    assert gx.tolist() == [2.0, 4.0, 6.0]


@pytest.mark.parametrize("lib", LIBS)
def test_autograd_grad_of_intermediate(lib):
    x = leaf(lib)
    h = x * 3
    out = (h * h).sum()
    gh, = lib.autograd.grad(out, h)
    assert gh.tolist() == [6.0, 12.0, 18.0]


@pytest.mark.parametrize("lib", LIBS)
def test_autograd_backward_function(lib):
    x = leaf(lib)
    lib.autograd.backward([(x * 2).sum(), (x * x).sum()])
    assert x.grad.tolist() == [4.0, 6.0, 8.0]


@pytest.mark.parametrize("lib", LIBS)
def test_gradcheck_passes_and_detects_wrong_gradient(lib):
    x = lib.tensor([0.3, -1.2, 2.0], dtype=lib.float64, requires_grad=True)
    assert lib.autograd.gradcheck(lambda t: (t * t).tanh(), (x,))

    class Wrong(lib.autograd.Function):
        @staticmethod
        def forward(ctx, t):
            ctx.save_for_backward(t)
            return t * t

        @staticmethod
        def backward(ctx, g):
            t, = ctx.saved_tensors
            return g * t  # should be 2t
    with pytest.raises(Exception, match="Jacobian mismatch"):
        lib.autograd.gradcheck(Wrong.apply, (x,))
    assert lib.autograd.gradcheck(Wrong.apply, (x,), raise_exception=False) is False


# ---- Variable, retain_grad, detach, data, requires_grad -------------------------------------------
@pytest.mark.parametrize("lib", LIBS)
def test_variable(lib):
    v = lib.autograd.Variable(lib.ones(2), requires_grad=True)
    assert v.requires_grad and v.is_leaf
    (v * 3).sum().backward()
    assert v.grad.tolist() == [3.0, 3.0]
    assert not lib.autograd.Variable(lib.ones(2)).requires_grad


@pytest.mark.parametrize("lib", LIBS)
def test_retain_grad(lib):
    x = leaf(lib)
    h = x * 2
    h.retain_grad()
    k = x * 3
    (h * h + k).sum().backward()
    assert h.retains_grad and not k.retains_grad
    assert h.grad.tolist() == [4.0, 8.0, 12.0]
    with pytest.warns(UserWarning, match="not a leaf Tensor is being accessed"):
        assert k.grad is None
    assert not x.retains_grad


@pytest.mark.parametrize("lib", LIBS)
def test_detach_and_data(lib):
    x = leaf(lib)
    d = x.detach()
    assert not d.requires_grad and d.is_leaf and d.grad_fn is None
    d[0] = 10.0
    assert x[0].item() == 10.0
    data = x.data
    assert not data.requires_grad
    data.mul_(2)
    assert x.tolist() == [20.0, 4.0, 6.0]
    y = (x * 2).detach()
    assert y.is_leaf
    x.data = lib.tensor([1.0, 1.0, 1.0])
    assert x.tolist() == [1.0, 1.0, 1.0] and x.requires_grad


@pytest.mark.parametrize("lib", LIBS)
def test_detach_(lib):
    x = leaf(lib)
    y = x * 2
    y.detach_()
    assert y.grad_fn is None and not y.requires_grad and y.is_leaf


@pytest.mark.parametrize("lib", LIBS)
def test_requires_grad_rules(lib):
    x = lib.ones(3)
    assert x.requires_grad_() is x and x.requires_grad
    x.requires_grad = False
    assert not x.requires_grad
    with pytest.raises(RuntimeError, match="only Tensors of floating point dtype can require gradients"):
        lib.ones(3, dtype=lib.int64).requires_grad_()
    y = leaf(lib) * 2
    with pytest.raises(RuntimeError, match="you can only change requires_grad flags of leaf variables"):
        y.requires_grad = False
    assert leaf(lib).is_leaf and not y.is_leaf and lib.ones(2).is_leaf


@pytest.mark.parametrize("lib", LIBS)
def test_grad_assignment(lib):
    x = leaf(lib)
    x.grad = lib.ones(3)
    (x * 2).sum().backward()
    assert x.grad.tolist() == [3.0, 3.0, 3.0]
    with pytest.raises(RuntimeError, match="attempting to assign a gradient of size '\\[2\\]' to a tensor of size"):
        x.grad = lib.ones(2)
    with pytest.raises(RuntimeError, match="attempting to assign a gradient with dtype 'double'"):
        x.grad = lib.ones(3, dtype=lib.float64)
    with pytest.raises(TypeError, match="assigned grad expected to be a Tensor or None but got grad of type list"):
        x.grad = [1.0]
    x.grad = None
    assert x.grad is None


def test_non_leaf_grad_is_none_and_next_functions():
    x = leaf(minigrad)
    y = x * 2
    z = y.exp()
    assert z.grad_fn.next_functions == ((y.grad_fn, 0),)
    z.sum().backward()
    with pytest.warns(UserWarning, match="not a leaf Tensor"):
        assert y.grad is None
    assert node_name(z) == "ExpBackward0"


def test_mixed_precision_graph_gradients_keep_leaf_dtypes():
    def f(a, b):
        return (a * b).sum() + a.double().sum()
    check(f, f, [rand((3,), np.float32, seed=1), rand((3,), np.float64, seed=2)])


def test_broadcast_gradients_summed_back():
    def f(a, b, c):
        return a * b + c
    check(f, f, [rand((4, 1, 3), np.float64, seed=1), rand((2, 1), np.float64, seed=2), rand((), np.float64, seed=3)])


def test_detect_anomaly_names_function():
    x = minigrad.tensor([0.0, 1.0], requires_grad=True)
    with minigrad.autograd.detect_anomaly():
        y = x.sqrt() * 0
        with pytest.raises(RuntimeError, match="returned nan values"):
            y.sum().backward()
    assert not minigrad.autograd.is_anomaly_enabled()


@pytest.mark.parametrize("lib", LIBS)
def test_backward_inputs_argument(lib):
    x, y = leaf(lib), leaf(lib, (4.0, 5.0, 6.0))
    h = x * y
    (h * h).sum().backward(inputs=[x, h])
    assert x.grad.tolist() == [32.0, 100.0, 216.0] and y.grad is None
    assert h.grad.tolist() == [8.0, 20.0, 36.0]


@pytest.mark.parametrize("lib", LIBS)
def test_backward_gradient_of_other_dtype_is_cast(lib):
    x = leaf(lib)
    (x * 2).backward(lib.ones(3, dtype=lib.float64))
    assert x.grad.dtype == lib.float32 and x.grad.tolist() == [2.0, 2.0, 2.0]


def test_create_graph_is_refused_clearly():
    x = leaf(minigrad)
    with pytest.raises(NotImplementedError, match="create_graph"):
        (x * x).sum().backward(create_graph=True)
