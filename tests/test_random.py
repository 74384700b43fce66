"""minigrad's CPU random streams against torch 2.13: the same seed and calls give the same bits.

Every draw is compared exactly (values, dtype, shape), and so is the generator state afterwards
(torch's 5056-byte ``get_rng_state``), so a function that draws the right numbers but too many or too
few words fails here."""
import numpy as np
import pytest
import torch

import minigrad
from tests.compare import assert_close

SIZES = (0, 1, 15, 16, 17, 1000, 100003)
DTYPES = ("float32", "float64")
SEEDS = (0, 2024)


def assert_same(got, want):
    assert_close(got, want, rtol=0, atol=0)


def assert_same_state(g=None, tg=None):
    got = (g or minigrad.default_generator).get_state()
    want = (tg or torch.default_generator).get_state()
    np.testing.assert_array_equal(got.numpy(), want.numpy(), err_msg="generator state")


def seed_both(seed):
    minigrad.manual_seed(seed)
    torch.manual_seed(seed)


def both(draw, seed):
    """``draw(lib)`` under ``seed`` in both libraries; compares the results and the states after."""
    seed_both(seed)
    got = draw(minigrad)
    want = draw(torch)
    assert_same(got, want)
    assert_same_state()
    return got


# ---- the generator ---------------------------------------------------------------------------
@pytest.mark.parametrize("seed", [0, 1, 42, 2 ** 32 + 5, 2 ** 63 + 11, 2 ** 64 - 1, -1, -(2 ** 63)])
def test_manual_seed_sets_torchs_state(seed):
    seed_both(seed)
    assert_same_state()
    assert minigrad.initial_seed() == torch.initial_seed()


@pytest.mark.parametrize("seed", [2 ** 64, -(2 ** 63) - 1])
def test_manual_seed_out_of_range(seed):
    with pytest.raises(ValueError, match="Overflow"):
        minigrad.manual_seed(seed)
    with pytest.raises(ValueError, match="Overflow"):
        torch.manual_seed(seed)


def test_manual_seed_takes_int_of_its_argument():
    for s in (3.7, "12", np.int64(5)):
        seed_both(s)
        assert minigrad.initial_seed() == torch.initial_seed()
        assert_same_state()


def test_new_generator_starts_from_torchs_default_seed():
    g, tg = minigrad.Generator(), torch.Generator()
    assert g.initial_seed() == tg.initial_seed() == 67280421310721
    assert_same_state(g, tg)
    assert str(g.device) == "cpu"


def test_seed_draws_a_fresh_seed_and_reports_it():
    s = minigrad.seed()
    assert minigrad.initial_seed() == s
    assert minigrad.seed() != s
    g = minigrad.Generator()
    assert g.seed() == g.initial_seed()


def test_generator_argument_leaves_the_default_generator_alone():
    seed_both(5)
    g, tg = minigrad.Generator().manual_seed(9), torch.Generator().manual_seed(9)
    for draw in (lambda lib, gen: lib.rand(20, generator=gen), lambda lib, gen: lib.randn(7, generator=gen),
                 lambda lib, gen: lib.randint(3, 90, (11,), generator=gen), lambda lib, gen: lib.randperm(30, generator=gen),
                 lambda lib, gen: lib.empty(40).normal_(2, 3, generator=gen),
                 lambda lib, gen: lib.empty(6).bernoulli_(0.4, generator=gen),
                 lambda lib, gen: lib.normal(1.0, 2.0, (5,), generator=gen)):
        assert_same(draw(minigrad, g), draw(torch, tg))
    assert_same_state(g, tg)
    assert_same_state()
    assert minigrad.initial_seed() == 5


@pytest.mark.parametrize("after", ["fresh", "rand", "randn1", "wrap"])
def test_state_round_trips_between_the_libraries(after):
    draws = {"fresh": lambda lib: None, "rand": lambda lib: lib.rand(5),
             "randn1": lambda lib: lib.randn(1),  # leaves a cached spare normal in the state
             "wrap": lambda lib: lib.rand(700, dtype=lib.float64)}  # past one twist of the key
    seed_both(77)
    draws[after](minigrad)
    draws[after](torch)
    assert_same_state()
    # torch's state into minigrad, minigrad's into torch
    mg_state, th_state = minigrad.get_rng_state(), torch.get_rng_state()
    torch.manual_seed(1)
    minigrad.manual_seed(1)
    minigrad.set_rng_state(minigrad.tensor(th_state.numpy()))
    torch.set_rng_state(torch.from_numpy(mg_state.numpy()))
    assert_same(minigrad.randn(3), torch.randn(3))
    assert_same(minigrad.rand(20), torch.rand(20))
    assert_same_state()


def test_generator_state_round_trip_and_clone():
    g = minigrad.Generator().manual_seed(3)
    s = g.get_state()
    a = minigrad.rand(5, generator=g)
    g.set_state(s)
    assert_same(minigrad.rand(5, generator=g), a)
    assert_same(minigrad.rand(5, generator=g.clone_state()), minigrad.rand(5, generator=g))


def test_set_rng_state_refuses_what_torch_refuses():
    with pytest.raises(TypeError, match="ByteTensor"):
        minigrad.set_rng_state(minigrad.zeros(5056))
    with pytest.raises(RuntimeError, match="size 5056 but found the input RNG state size to be 10"):
        minigrad.set_rng_state(minigrad.zeros(10, dtype=minigrad.uint8))
    state = minigrad.get_rng_state().numpy().copy()
    for lo, hi, value in ((8, 12, 0), (8, 12, 625), (12, 16, 0), (16, 24, 625)):
        bad = state.copy()
        bad[lo:hi] = np.frombuffer(np.array(value, bad[lo:hi].view(np.int32 if hi - lo == 4 else np.uint64).dtype)
                                   .tobytes(), np.uint8)
        with pytest.raises(RuntimeError, match="Invalid mt19937 state"):
            minigrad.set_rng_state(minigrad.tensor(bad))
        with pytest.raises(RuntimeError, match="Invalid mt19937 state"):
            torch.set_rng_state(torch.from_numpy(bad))


def test_fork_rng_restores_the_default_generator():
    minigrad.manual_seed(4)
    with minigrad.random.fork_rng():
        minigrad.randn(50)
    after = minigrad.rand(3)
    minigrad.manual_seed(4)
    assert_same(after, minigrad.rand(3))
    minigrad.manual_seed(4)
    with minigrad.random.fork_rng(enabled=False):
        first = minigrad.rand(1)
    rest = minigrad.rand(2)
    minigrad.manual_seed(4)
    assert_same(minigrad.cat([first, rest]), minigrad.rand(3))


# ---- distributions ---------------------------------------------------------------------------
FILLS = {
    "rand": lambda lib, n, dt: lib.rand(n, dtype=dt),
    "randn": lambda lib, n, dt: lib.randn(n, dtype=dt),
    "uniform_": lambda lib, n, dt: lib.empty(n, dtype=dt).uniform_(-2.5, 3.25),
    "normal_": lambda lib, n, dt: lib.empty(n, dtype=dt).normal_(0.3, 2.5),
    "normal": lambda lib, n, dt: lib.normal(-1.5, 0.25, (n,), dtype=dt),
    "exponential_": lambda lib, n, dt: lib.empty(n, dtype=dt).exponential_(1.5),
    "geometric_": lambda lib, n, dt: lib.empty(n, dtype=dt).geometric_(0.3),
    "log_normal_": lambda lib, n, dt: lib.empty(n, dtype=dt).log_normal_(0.5, 0.75),
    "cauchy_": lambda lib, n, dt: lib.empty(n, dtype=dt).cauchy_(0.5, 2.0),
    "bernoulli_": lambda lib, n, dt: lib.empty(n, dtype=dt).bernoulli_(0.3),
    "bernoulli": lambda lib, n, dt: lib.bernoulli(lib.tensor(np.linspace(0, 1, n)).to(dt)),
    "random_": lambda lib, n, dt: lib.empty(n, dtype=dt).random_(),
    "random_to": lambda lib, n, dt: lib.empty(n, dtype=dt).random_(-7, 300),
    "poisson": lambda lib, n, dt: lib.poisson(lib.tensor(np.linspace(0, 40, n)).to(dt)),
    "rand_like": lambda lib, n, dt: lib.rand_like(lib.zeros(n, dtype=dt)),
    "randn_like": lambda lib, n, dt: lib.randn_like(lib.zeros(n, dtype=dt)),
}


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("name", list(FILLS))
def test_distribution_matches_torch(name, n, dtype, seed):
    both(lambda lib: FILLS[name](lib, n, getattr(lib, dtype)), seed)


@pytest.mark.parametrize("shape", [(4, 5), (2, 3, 8), (16, 3), ()])
@pytest.mark.parametrize("fn", ["randn", "rand"])
def test_shapes_draw_in_order(fn, shape):
    both(lambda lib: getattr(lib, fn)(shape), 11)


@pytest.mark.parametrize("n", [20, 5])
def test_normal_fills_a_strided_tensor_in_memory_order(n):
    """A non-contiguous tensor takes the scalar path, its elements in memory order."""
    both(lambda lib: lib.zeros(n, 6).t().normal_(1.0, 2.0).contiguous(), 8)
    both(lambda lib: lib.zeros(n, 6)[:, 1:4].uniform_(1.0, 2.0).contiguous(), 8)


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("bounds", [(0, 10), (-5, 1000), (0, 2 ** 33), (-2 ** 40, 2 ** 40), (3, 2 ** 32 + 3)])
def test_randint(bounds, n):
    lo, hi = bounds
    both(lambda lib: lib.randint(lo, hi, (n,)), 3)


@pytest.mark.parametrize("dtype", ["int32", "int16", "float32", "float64", "uint8"])
def test_randint_dtype_and_forms(dtype):
    both(lambda lib: lib.randint(0, 100, (30,), dtype=getattr(lib, dtype)), 6)
    both(lambda lib: lib.randint(100, (3, 4)), 6)
    both(lambda lib: lib.randint_like(lib.zeros(2, 3), 5, 9), 6)


@pytest.mark.parametrize("dtype", ["int64", "int32", "int16", "int8", "uint8", "bool"])
def test_random_full_range_of_integer_dtypes(dtype):
    both(lambda lib: lib.empty(1000, dtype=getattr(lib, dtype)).random_(), 12)
    both(lambda lib: lib.empty(1000, dtype=getattr(lib, dtype)).random_(2), 12)


@pytest.mark.parametrize("n", SIZES)
def test_randperm(n):
    both(lambda lib: lib.randperm(n), 5)
    both(lambda lib: lib.randperm(n, dtype=lib.float64), 5)


def test_randperm_inside_out_algorithm():
    """torch switches to this shuffle from 2³²/20 elements (too large to compare here): check the
    kernel against the algorithm written out over numpy's MT19937 words (the same twister)."""
    from kernels.cpu import _random as K
    g = minigrad.Generator().manual_seed(13)
    out = np.empty(500, np.int64)
    K.randperm_inside_out(g._key, g._pos, out)
    bits = np.random.MT19937()
    bits._legacy_seeding(13)
    words = bits.random_raw(1000).tolist()
    want = []
    for i in range(500):
        z = ((words[2 * i] << 32) | words[2 * i + 1]) % (i + 1)
        want.append(i)
        want[i], want[z] = want[z], i
    assert out.tolist() == want
    assert sorted(want) == list(range(500))


@pytest.mark.parametrize("args", ["tensor_tensor", "tensor_float", "float_tensor", "broadcast", "small"])
@pytest.mark.parametrize("dtype", DTYPES)
def test_normal_overloads(args, dtype):
    def draw(lib):
        mean = lib.tensor(np.arange(40, dtype=dtype) / 10)
        std = lib.tensor(np.linspace(0.5, 2, 40, dtype=dtype))
        return {"tensor_tensor": lambda: lib.normal(mean, std),
                "tensor_float": lambda: lib.normal(mean, 2.5),
                "float_tensor": lambda: lib.normal(0.7, std),
                "broadcast": lambda: lib.normal(mean.reshape(40, 1), std[:3]),
                "small": lambda: lib.normal(mean[:5], std[:5])}[args]()
    both(draw, 21)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("replacement", [False, True])
@pytest.mark.parametrize("shape,samples", [((6,), 1), ((6,), 4), ((3, 50), 20), ((2, 1000), 7)])
def test_multinomial(shape, samples, replacement, dtype):
    def draw(lib):
        w = lib.rand(*shape, dtype=getattr(lib, dtype))
        w[..., 0] = 0  # a category that is never drawn
        return lib.multinomial(w, samples, replacement)
    got = both(draw, 31)
    assert not (got == 0).any().item()


def test_multinomial_with_replacement_beyond_the_categories():
    both(lambda lib: lib.multinomial(lib.tensor([0.1, 0.2, 0.3, 0.4, 0.0, 1.3]), 500, True), 0)


def test_bernoulli_with_tensor_p_broadcast_and_scalar_forms():
    both(lambda lib: lib.zeros(4, 5).bernoulli_(lib.rand(5)), 2)
    both(lambda lib: lib.zeros(30, dtype=lib.float64).bernoulli_(lib.rand(30, dtype=lib.float64)), 2)
    both(lambda lib: lib.rand(30).bernoulli(0.25), 2)
    both(lambda lib: lib.bernoulli(lib.rand(30, dtype=lib.float64), 0.75), 2)
    both(lambda lib: lib.zeros(40, dtype=lib.int64).bernoulli_(0.5), 2)


@pytest.mark.parametrize("p", [0.0, 0.1, 0.5, 1 / 3, 0.9, 1.0])
@pytest.mark.parametrize("dtype", DTYPES)
def test_dropout_masks(p, dtype):
    both(lambda lib: lib.nn.functional.dropout(lib.randn(8, 33, dtype=getattr(lib, dtype)), p), 17)
    both(lambda lib: lib.nn.Dropout(p)(lib.randn(50, dtype=getattr(lib, dtype)) * 3), 17)


def test_dropout_inplace_and_eval():
    both(lambda lib: lib.nn.functional.dropout(lib.randn(64), 0.2, inplace=True), 1)
    both(lambda lib: lib.nn.Dropout(0.4).eval()(lib.randn(64)), 1)


def test_interleaved_sequence_stays_in_step():
    """randn, a Linear, randperm, dropout, a Conv2d, randint, rand: every draw and the final state
    (the layers' outputs are left out: matmul rounding is BLAS's, not the generator's)."""
    def run(lib):
        x = lib.randn(32, 10)
        lin = lib.nn.Linear(10, 7)
        order = lib.randperm(32)
        kept = lib.nn.functional.dropout(lib.ones(32, 7), 0.3)
        conv = lib.nn.Conv2d(3, 4, 3)
        return [x, lin.weight, lin.bias, order, kept, conv.weight, conv.bias, lib.randn(2, 3, 6, 6),
                lib.randint(0, 9, (5,)), lib.rand(3)]
    seed_both(1234)
    for got, want in zip(run(minigrad), run(torch)):
        assert_same(got.detach(), want.detach())
    assert_same_state()


@pytest.mark.parametrize("call,error,match", [
    (lambda lib: lib.empty(3).uniform_(2, 1), RuntimeError, "from=2 > to=1"),
    (lambda lib: lib.empty(3).normal_(0, -1), RuntimeError, "std >= 0.0, but found std -1"),
    (lambda lib: lib.normal(lib.zeros(3), -1.0), RuntimeError, "std >= 0.0"),
    (lambda lib: lib.normal(lib.zeros(3), lib.tensor([1.0, -1.0, 1.0])), RuntimeError, "all elements of std >= 0.0"),
    (lambda lib: lib.empty(3, dtype=lib.int64).uniform_(), NotImplementedError, "check_uniform_bounds"),
    (lambda lib: lib.rand(3, dtype=lib.int64), NotImplementedError, "check_uniform_bounds"),
    (lambda lib: lib.randn(3, dtype=lib.int32), NotImplementedError, "normal_kernel_cpu"),
    (lambda lib: lib.empty(3).bernoulli_(1.5), RuntimeError, "p to be in \\[0, 1\\], but got p=1.5"),
    (lambda lib: lib.bernoulli(lib.tensor([1.5])), RuntimeError, "p_in >= 0 && p_in <= 1"),
    (lambda lib: lib.empty(3).exponential_(-1), RuntimeError, "lambda > 0.0, but found lambda=-1"),
    (lambda lib: lib.empty(3).geometric_(0), RuntimeError, "p to be in \\(0, 1\\), but got p=0"),
    (lambda lib: lib.empty(3).cauchy_(0, -1), RuntimeError, "sigma > 0.0, but found sigma=-1"),
    (lambda lib: lib.empty(3).log_normal_(0, -1), RuntimeError, "std > 0.0, but found std=-1"),
    (lambda lib: lib.poisson(lib.tensor([-1.0])), RuntimeError, "rate to be non-negative"),
    (lambda lib: lib.randperm(-1), RuntimeError, "negative dimension -1"),
    (lambda lib: lib.empty(3).random_(5, 2), RuntimeError, "from=5 >= to=2"),
    (lambda lib: lib.randint(5, 5, (2,)), RuntimeError, "from=5 >= to=5"),
    (lambda lib: lib.multinomial(lib.tensor([1.0, 2.0]), 3), RuntimeError, "n_sample > prob_dist.size"),
    (lambda lib: lib.multinomial(lib.tensor([1, 2]), 1), RuntimeError, "floating-point dtypes"),
    (lambda lib: lib.multinomial(lib.ones(1, 1, 2), 1), RuntimeError, "1 or 2 dim"),
    (lambda lib: lib.multinomial(lib.ones(2), 0), RuntimeError, "n_sample <= 0"),
    (lambda lib: lib.multinomial(lib.tensor([1.0, -2.0]), 1), RuntimeError, "contains either `inf`, `nan` or element < 0"),
    (lambda lib: lib.multinomial(lib.zeros(3), 1), RuntimeError, "sum of probabilities <= 0"),
])
def test_bad_arguments_raise_torchs_errors(call, error, match):
    for lib in (torch, minigrad):
        with pytest.raises(error, match=match):
            call(lib)


def test_failed_calls_draw_nothing():
    minigrad.manual_seed(3)
    with pytest.raises(RuntimeError):
        minigrad.empty(3).bernoulli_(2.0)
    assert_same(minigrad.rand(2), (minigrad.manual_seed(3), minigrad.rand(2))[1])


def test_float16_is_refused_clearly():
    with pytest.raises(NotImplementedError, match="float32 and float64 only"):
        minigrad.rand(3, dtype=minigrad.float16)
    with pytest.raises(NotImplementedError, match="float32 and float64 only"):
        minigrad.empty(3, dtype=minigrad.float16).normal_()


def test_threads_share_a_generator_one_draw_at_a_time():
    """Kernels release the GIL; the generator's lock makes concurrent draws whole draws, so after
    them the state is where the same draws made one after the other leave it."""
    import threading
    g = minigrad.Generator().manual_seed(8)
    threads = [threading.Thread(target=lambda: [minigrad.randn(5000, generator=g) for _ in range(10)])
               for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    one = minigrad.Generator().manual_seed(8)
    for _ in range(40):
        minigrad.randn(5000, generator=one)
    np.testing.assert_array_equal(g.get_state().numpy(), one.get_state().numpy())


def test_train_mlp_example_prints_torchs_losses():
    """The README's main example, run through the alias and on torch itself: the same lines (data,
    initial weights and shuffles all come from the generator)."""
    import os
    import subprocess
    import sys
    script = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "minigrad", "examples",
                          "train_mlp.py")
    runs = [subprocess.run(cmd + [script, "--epochs", "3"], capture_output=True, text=True, timeout=300)
            for cmd in ([sys.executable, "-m", "minigrad", "run"], [sys.executable])]
    for run in runs:
        assert run.returncode == 0, run.stderr
    assert runs[0].stdout == runs[1].stdout
    assert runs[0].stdout.count("Loss:") == 3


@pytest.mark.parametrize("call,out_dtype", [
    (lambda lib, out: lib.rand(3, 4, out=out), None), (lambda lib, out: lib.randn(20, out=out), None),
    (lambda lib, out: lib.normal(1.0, 2.0, (5,), out=out), None),
    (lambda lib, out: lib.randint(0, 9, (6,), out=out), "int64"), (lambda lib, out: lib.randperm(7, out=out), "int64"),
])
@pytest.mark.parametrize("dtype", DTYPES)
def test_out_argument_draws_in_outs_dtype(call, out_dtype, dtype):
    def draw(lib):
        out = lib.zeros(0, dtype=getattr(lib, out_dtype or dtype))
        assert call(lib, out) is out
        return out
    both(draw, 10)


def test_generators_pickle_and_deepcopy_with_their_state():
    import copy
    import pickle
    g = minigrad.Generator().manual_seed(5)
    minigrad.randn(3, generator=g)  # leaves a cached spare normal
    for twin in (pickle.loads(pickle.dumps(g)), copy.deepcopy(g)):
        np.testing.assert_array_equal(twin.get_state().numpy(), g.get_state().numpy())
        assert twin.initial_seed() == 5
        assert_same(minigrad.randn(5, generator=twin), minigrad.randn(5, generator=copy.deepcopy(g)))


def test_size_keyword():
    both(lambda lib: lib.cat([lib.rand(size=(2, 3)).flatten(), lib.randn(size=[4]), lib.randn(size=(20,))]), 9)


# ---- the two executors: numpy twins and compiled kernels (kernels/cpu/_random.py) -------------------
TWINNED = ("rand", "randn", "uniform_", "normal_", "normal", "bernoulli_", "bernoulli", "random_", "random_to",
           "log_normal_")


@pytest.fixture(params=["numpy", "compiled"])
def executor(request):
    from minigrad.kernels.cpu import _twins
    with _twins.executor(request.param):
        yield request.param


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("n", (1, 15, 17, 1000, 4099))
@pytest.mark.parametrize("name", TWINNED)
def test_executors_draw_torchs_bits(executor, name, n, dtype):
    both(lambda lib: FILLS[name](lib, n, getattr(lib, dtype)), 3)


@pytest.mark.parametrize("bounds", [(0, 10), (-2 ** 40, 2 ** 40)])
def test_executors_randint_and_the_interleaved_sequence(executor, bounds):
    both(lambda lib: lib.randint(*bounds, (700,)), 5)
    test_interleaved_sequence_stays_in_step()


def test_numpy_fma_rounds_once_as_the_hardware():
    """numpy's float32 fma against the compiled one: random operands, and sums whose float64 rounding
    lands on a float32 midpoint (1 + 2⁻²³ + 2⁻²⁴ − 2⁻⁷⁰ must round down, rounding twice goes up)."""
    from minigrad.kernels import jit
    from minigrad.kernels.cpu import _random

    @jit.njit(fastmath=False)
    def compiled(a, b, c, out):
        for i in range(out.size):
            out[i] = _random._fma(a[i], b[i], c[i])

    rng = np.random.default_rng(0)
    a, b, c = ((rng.standard_normal(20000) * 10.0 ** rng.integers(-8, 8, 20000)).astype(np.float32)
               for _ in range(3))
    one = np.float32(1)
    a[:4] = one + np.float32(2 ** -23)
    b[:4] = np.float32(2 ** -24) * (one - np.float32(2 ** -23)) * np.array([1, -1, 1, -1], np.float32)
    c[:4] = np.array([1 + 2 ** -23, -(1 + 2 ** -23), 1, -1], np.float32)
    want = np.empty_like(a)
    compiled(a, b, c, want)
    got = _random._fma(a, b, c)
    assert got.dtype == np.float32
    np.testing.assert_array_equal(got.view(np.int32), want.view(np.int32))
    assert got[0] == np.float32(1 + 2 ** -23)  # one rounding; float64 then float32 would give 1 + 2⁻²²


def test_a_first_run_compiles_no_random_kernel(tmp_path):
    """On an empty kernel cache, a tutorial's draws (randn, a Linear's init, randint, dropout, a shuffle's
    randperm below) compile no kernel of kernels/cpu/_random.py."""
    import os
    import subprocess
    import sys
    code = ("from numba.core import event\n"
            "compiled = []\n"
            "class L(event.Listener):\n"
            "    def on_start(self, ev): compiled.append(ev.data['dispatcher'].py_func.__module__)\n"
            "    def on_end(self, ev): pass\n"
            "event.register('numba:compile', L())\n"
            "import minigrad as torch\n"
            "torch.manual_seed(0)\n"
            "x = torch.randn(64, 10); net = torch.nn.Linear(10, 5); y = torch.randint(0, 3, (64,))\n"
            "torch.nn.functional.dropout(x, 0.5); torch.randn(3); torch.rand(2, 2)\n"
            "print(sum(m.endswith('_random') for m in compiled))\n")
    env = dict(os.environ, NUMBA_CACHE_DIR=str(tmp_path))
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "0", out.stderr
