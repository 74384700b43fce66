"""Bad input raises torch's exception type with torch's message (both libraries run the same
expression). The few deliberate differences are tested on their own at the end."""
import numpy as np
import pytest
import torch

import minigrad

CASES = {
    "mm": lambda t: t.randn(64, 10) @ t.randn(5, 3),
    "mm_fn": lambda t: t.matmul(t.randn(64, 10), t.randn(5, 3)),
    "mv": lambda t: t.randn(3, 4) @ t.randn(5),
    "dot": lambda t: t.randn(3) @ t.randn(4),
    "bmm": lambda t: t.randn(2, 3, 4) @ t.randn(2, 5, 6),
    "bmm_batch": lambda t: t.randn(2, 3, 4) @ t.randn(3, 4, 6),
    "vec_mat": lambda t: t.randn(3) @ t.randn(4, 5),
    "mm_dtype": lambda t: t.randn(2, 2) @ t.randn(2, 2, dtype=t.float64),
    "mm_0d": lambda t: t.tensor(1.) @ t.randn(2),
    "bcast": lambda t: t.randn(2, 3) + t.randn(2, 4),
    "bcast3": lambda t: t.randn(2, 3, 4) * t.randn(5, 1),
    "view_noncontig": lambda t: t.randn(3, 4).t().view(12),
    "view_bad": lambda t: t.randn(3, 4).view(5),
    "view_two_neg": lambda t: t.randn(3, 4).view(-1, -1),
    "reshape_bad": lambda t: t.randn(3, 4).reshape(5, -1),
    "dim_sum": lambda t: t.randn(3, 4).sum(2),
    "dim_softmax": lambda t: t.randn(3, 4).softmax(-3),
    "dim_0d": lambda t: t.tensor(1.).sum(1),
    "dim_unsq": lambda t: t.randn(3).unsqueeze(3),
    "dim_transpose": lambda t: t.randn(3, 4).transpose(0, 2),
    "dim_size": lambda t: t.randn(3, 4).size(2),
    "dim_cat": lambda t: t.cat([t.randn(2), t.randn(2)], 1),
    "dim_max": lambda t: t.randn(3, 4).max(5),
    "dim_argmax": lambda t: t.randn(3, 4).argmax(5),
    "dim_flatten": lambda t: t.randn(3, 4).flatten(3),
    "dim_permute": lambda t: t.randn(3, 4).permute(0, 5),
    "dim_squeeze": lambda t: t.randn(3, 4).squeeze(4),
    "dim_norm": lambda t: t.randn(3, 4).norm(dim=4),
    "dim_logsumexp": lambda t: t.randn(3, 4).logsumexp(4),
    "dim_var": lambda t: t.randn(3, 4).var(4),
    "dim_cumsum": lambda t: t.randn(3, 4).cumsum(4),
    "dim_gather": lambda t: t.randn(3, 4).gather(4, t.zeros(3, 1, dtype=t.int64)),
    "dim_split": lambda t: t.randn(3, 4).split(2, 4),
    "dim_prod": lambda t: t.randn(3, 4).prod(4),
    "dim_all": lambda t: t.randn(3, 4).all(4),
    "dim_sort": lambda t: t.randn(3, 4).sort(4),
    "idx_oob": lambda t: t.randn(3, 4)[3],
    "idx_oob_neg": lambda t: t.randn(3, 4)[-4],
    "idx_oob_2": lambda t: t.randn(3, 4)[0, 4],
    "idx_too_many": lambda t: t.randn(3, 4)[0, 0, 0],
    "idx_float": lambda t: t.randn(3, 4)[t.tensor([0., 1.])],
    "idx_mask_shape": lambda t: t.randn(3, 4)[t.tensor([True, False])],
    "idx_0d": lambda t: t.tensor(1.)[0],
    "idx_float_scalar": lambda t: t.randn(3)[1.5],
    "setitem_oob": lambda t: t.randn(3).__setitem__(5, 1.),
    "setitem_shape": lambda t: t.randn(3, 4).__setitem__(0, t.ones(3)),
    "backward_nonscalar": lambda t: (t.randn(3, requires_grad=True)*2).backward(),
    "backward_nograd": lambda t: t.randn(3).sum().backward(),
    "item_many": lambda t: t.randn(3).item(),
    "bool_many": lambda t: bool(t.randn(3)),
    "numpy_grad": lambda t: t.randn(3, requires_grad=True).numpy(),
    "requires_grad_int": lambda t: t.ones(3, dtype=t.int64).requires_grad_(),
    "expand_bad": lambda t: t.randn(3, 4).expand(2, 4),
    "expand_fewer": lambda t: t.randn(3, 4).expand(4),
    "repeat_fewer": lambda t: t.randn(3, 4).repeat(2),
    "cat_shape": lambda t: t.cat([t.randn(2, 3), t.randn(2, 4)]),
    "cat_ndim": lambda t: t.cat([t.randn(2, 3), t.randn(3)]),
    "cat_empty_list": lambda t: t.cat([]),
    "cat_0d": lambda t: t.cat([t.tensor(1.), t.tensor(2.)]),
    "cat_not_list": lambda t: t.cat(t.randn(2)),
    "stack_shape": lambda t: t.stack([t.randn(2, 3), t.randn(3, 2)]),
    "stack_empty": lambda t: t.stack([]),
    "permute_len": lambda t: t.randn(3, 4).permute(0),
    "permute_dup": lambda t: t.randn(3, 4).permute(0, 0),
    "t_3d": lambda t: t.randn(2, 3, 4).t(),
    "neg_size_randn": lambda t: t.randn(2, -3),
    "arange_step0": lambda t: t.arange(0, 5, 0),
    "arange_sign": lambda t: t.arange(0, 5, -1),
    "linspace_neg": lambda t: t.linspace(0, 1, -1),
    "randint_bad": lambda t: t.randint(5, 2, (3, )),
    "tensor_bad": lambda t: t.tensor("abc"),
    "tensor_ragged": lambda t: t.tensor([[1, 2], [3]]),
    "sub_bool": lambda t: t.tensor([True]) - t.tensor([False]),
    "neg_bool": lambda t: -t.tensor([True]),
    "invert_float": lambda t: ~t.tensor([1.5]),
    "mean_int": lambda t: t.tensor([1, 2]).mean(),
    "masked_fill_float_mask": lambda t: t.randn(3).masked_fill(t.ones(3), 0.),
    "where_cond": lambda t: t.where(t.ones(3), t.ones(3), t.zeros(3)),
    "clamp_none": lambda t: t.randn(3).clamp(),
    "max_empty": lambda t: t.randn(0).max(),
    "max_empty_dim": lambda t: t.randn(0, 3).max(0),
    "argmax_empty": lambda t: t.randn(0).argmax(),
    "add_str": lambda t: t.randn(2) + "a",
    "add_none": lambda t: t.randn(2) + None,
    "len_0d": lambda t: len(t.tensor(1.)),
    "iter_0d": lambda t: iter(t.tensor(1.)),
    "index_float": lambda t: [1, 2][t.tensor(1.)],
    "grad_assign_shape": lambda t: setattr(t.ones(3, requires_grad=True), "grad", t.ones(2)),
    "grad_assign_type": lambda t: setattr(t.ones(3, requires_grad=True), "grad", [1.]),
    "requires_grad_nonleaf": lambda t: setattr(t.ones(3, requires_grad=True)*2, "requires_grad", False),
    "inplace_leaf": lambda t: t.ones(3, requires_grad=True).mul_(2),
    "inplace_cast": lambda t: t.ones(3, dtype=t.int64).mul_(1.5),
    "pow_int_neg": lambda t: t.tensor([2]) ** -1,
    "dot_dims": lambda t: t.randn(2, 2).dot(t.randn(2)),
    "squeeze_bad": lambda t: t.randn(2, 3).squeeze(2),
    "chunk_zero": lambda t: t.randn(4).chunk(0),
    "split_zero": lambda t: t.randn(4).split(0),
    "split_sizes_bad": lambda t: t.randn(4).split([1, 2]),
    "topk_big": lambda t: t.randn(4).topk(5),
    "gather_bad": lambda t: t.randn(3, 4).gather(1, t.tensor([[5]])),
    "gather_float": lambda t: t.randn(3, 4).gather(1, t.tensor([[0.]])),
    "unflatten_bad": lambda t: t.randn(3, 4).unflatten(1, (3, 2)),
    "from_numpy_list": lambda t: t.from_numpy([1, 2]),
    "where_shape": lambda t: t.where(t.ones(3) > 0, t.ones(4), t.ones(4)),
    "masked_fill_shape": lambda t: t.ones(3).masked_fill(t.ones(4) > 0, 0.),
    "clamp_t_shape": lambda t: t.ones(3).clamp(t.ones(4)),
    "maximum_shape": lambda t: t.maximum(t.ones(3), t.ones(4)),
    "eq_shape": lambda t: t.ones(3) == t.ones(4),
    "and_shape": lambda t: (t.ones(3) > 0) & (t.ones(4) > 0),
    "logical_and_shape": lambda t: t.logical_and(t.ones(3), t.ones(4)),
    "pow_shape": lambda t: t.ones(3) ** t.ones(4),
    "floordiv_shape": lambda t: t.ones(3) // t.ones(4),
    "mod_shape": lambda t: t.ones(3) % t.ones(4),
    "add_alpha_shape": lambda t: t.ones(3).add(t.ones(4), alpha=2),
    "iadd_shape": lambda t: t.ones(3).add_(t.ones(2, 3)),
    "copy_shape": lambda t: t.ones(3).copy_(t.ones(4)),
    "cat_dtype_dim": lambda t: t.cat([t.ones(2, 3), t.ones(2, 3)], dim=2),
    "stack_dim": lambda t: t.stack([t.ones(2), t.ones(2)], dim=3),
    "softmax_dim": lambda t: t.ones(2, 3).softmax(2),
    "log_softmax_dim": lambda t: t.ones(2, 3).log_softmax(-3),
    "gather_dims": lambda t: t.ones(2, 3).gather(1, t.zeros(2, dtype=t.int64)),
    "topk_dim": lambda t: t.ones(2, 3).topk(1, dim=2),
    "norm_dim_dup": lambda t: t.ones(2, 3).norm(dim=(0, 0)),
    "sum_dup": lambda t: t.ones(2, 3).sum((1, 1)),
    "reshape_neg": lambda t: t.ones(6).reshape(-2, 3),
    "view_neg": lambda t: t.ones(6).view(-1, -1),
    "expand_neg": lambda t: t.ones(3).expand(-1, 3),
    "repeat_neg": lambda t: t.ones(3).repeat(-1),
    "permute_oob": lambda t: t.ones(2, 3).permute(0, 2),
    "unsqueeze_oob": lambda t: t.ones(2, 3).unsqueeze(-4),
    "index_tensor_oob": lambda t: t.ones(3)[t.tensor([0, 5])],
    "setitem_adv_oob": lambda t: t.ones(3).__setitem__(t.tensor([5]), 1.),
    "setitem_mask_shape": lambda t: t.ones(3).__setitem__(t.tensor([True, False]), 1.),
    "mm_3d_shape": lambda t: t.ones(2, 3, 4) @ t.ones(5, 6),
    "mm_1d_3d": lambda t: t.ones(3) @ t.ones(2, 4, 5),
    "matmul_int_float": lambda t: t.ones(2, 2, dtype=t.int64) @ t.ones(2, 2),
    "item_empty": lambda t: t.ones(0).item(),
    "zeros_like_bad": lambda t: t.zeros_like([1, 2]),
    "full_bad": lambda t: t.full((2,), "a"),
    "arange_bad": lambda t: t.arange("a"),
    "eye_neg": lambda t: t.eye(-1),
    "randperm_neg": lambda t: t.randperm(-1),
    "copy_bigger": lambda t: t.ones(3).copy_(t.ones(2, 3)),
    "iadd_bigger": lambda t: t.ones(3).add_(t.ones(2, 3)),
    "uniform_bad": lambda t: t.ones(2).uniform_(3, 1),
    "random_bad": lambda t: t.ones(2).random_(5, 2),
    "var_dim_oob": lambda t: t.ones(2).var(3),
    "std_dim_oob": lambda t: t.ones(2).std(dim=(0, 3)),
    "chunk_dim_oob": lambda t: t.ones(2).chunk(2, 3),
    "unbind_dim": lambda t: t.ones(2).unbind(2),
    "squeeze_tuple_oob": lambda t: t.ones(2).squeeze((0, 4)),
    "transpose_0d": lambda t: t.tensor(1.).transpose(0, 1),
    "flatten_bad_order": lambda t: t.ones(2, 3, 4).flatten(2, 1),
    "expand_as_bad": lambda t: t.ones(3).expand_as(t.ones(4)),
    "view_as_bad": lambda t: t.ones(3).view_as(t.ones(4)),
    "argmax_dim_oob": lambda t: t.ones(3).argmax(2),
    "cumsum_dim_oob": lambda t: t.ones(3).cumsum(2),
    "masked_fill_value_1d": lambda t: t.ones(3).masked_fill(t.ones(3) > 0, t.ones(2)),
    "where_cond_float": lambda t: t.where(t.ones(3), 1., 0.),
    "type_bad": lambda t: t.ones(3).type("torch.Foo"),
    "grad_of_int": lambda t: t.autograd.grad(t.ones(3, requires_grad=True).sum(), t.ones(2)),
    "tensor_requires_grad_int": lambda t: t.tensor([1, 2], requires_grad=True),
    "zeros_requires_grad_int": lambda t: t.zeros(2, dtype=t.int64, requires_grad=True),
    "div_bad_mode": lambda t: t.ones(2).div(2, rounding_mode="round"),
    "sort_dim_oob": lambda t: t.ones(2).sort(3),
}


def outcome(lib, fn):
    try:
        fn(lib)
    except Exception as e:  # noqa: BLE001 - the type is what is compared
        return type(e).__name__, str(e).split("\n")[0].replace("minigrad.", "torch.")
    return "no error", ""


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("name", sorted(CASES))
def test_error_matches_torch(name):
    want = outcome(torch, CASES[name])
    assert want[0] != "no error", "the case must raise in torch"
    assert outcome(minigrad, CASES[name]) == want


def test_no_numpy_exception_reaches_the_user():
    for name, fn in CASES.items():
        try:
            fn(minigrad)
        except Exception as e:  # noqa: BLE001
            assert type(e).__module__ == "builtins" and not isinstance(e, np.exceptions.AxisError), (name, type(e))


def test_deliberate_differences():
    """Where minigrad's message differs from torch's; the exception type still matches torch's."""
    with pytest.raises(RuntimeError, match="Expected one of cpu, cuda device type at start of device string: tpu"):
        minigrad.device("tpu")  # torch lists its ~20 device types; minigrad knows cpu and cuda
    with pytest.raises(RuntimeError, match="negative dimension -1"):
        minigrad.zeros(-1)  # torch words this one per factory ("zeros: Dimension size must be non-negative.")
    with pytest.raises(TypeError, match="argument 'size' must be tuple of ints, but found element of type float"):
        minigrad.zeros(2.5)
    with pytest.raises(IndexError, match="valid indices \\(got str\\)"):
        minigrad.randn(3)["a"]  # torch raises a confusing TypeError from its tensor constructor
    with pytest.raises(RuntimeError, match="unsupported norm type 'nuc'"):
        minigrad.randn(3).norm(p="nuc")  # minigrad has vector norms only
    with pytest.raises(NotImplementedError, match="view\\(dtype\\)"):
        minigrad.randn(3).view(minigrad.int32)  # reinterpreting bytes is not supported
    with pytest.raises(TypeError, match="invalid data type 'complex'"):
        minigrad.tensor([1j])  # no complex dtypes
    with pytest.raises(TypeError, match="expected a dtype"):
        minigrad.ones(2).sum(dtype="float")  # torch: its argument parser's long "invalid combination" message


def test_cuda_request_is_a_clear_runtime_error():
    if minigrad.cuda.is_available():
        pytest.skip("a GPU is present")
    with pytest.raises(RuntimeError, match="CUDA"):
        minigrad.ones(2, device="cuda")
