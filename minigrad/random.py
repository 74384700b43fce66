"""torch's CPU random number generator, bit for bit: the same seed and the same calls give torch 2.13's numbers.

``Generator`` is a Mersenne Twister seeded as torch seeds it (the low 32 bits of the seed through
mt19937's ``init_genrand``); its state travels as torch's 5056-byte ``ByteTensor`` (``get_state``/
``set_state``), so a state taken in torch restores here and the other way. The draws and their
transforms live in ``kernels/cpu/_random.py`` (its docstring has the formulas). The functions below
return numpy arrays for the tensor factories and in-place fills built on them.

CUDA tensors draw on the host from ``cuda_generator`` (the same twister, seeded with the CPU one by
``manual_seed``) and are copied over: torch's CUDA generators (Philox) are not reproduced, but as in
torch, GPU draws leave the CPU stream alone.
"""
import contextlib
import os
import threading

import numpy as np

_STATE_BYTES = 5056  # torch's CPUGeneratorImplState
_DEFAULT_SEED = 67280421310721  # what a new torch.Generator() starts from


def _kernels():
    from .kernels.cpu import _random
    return _random


class Generator:
    """A CPU random number generator (``torch.Generator``): ``manual_seed``, ``seed``, ``initial_seed``,
    ``get_state``/``set_state``. A new one starts from seed 67280421310721, as torch's."""

    def __init__(self, device="cpu"):
        from .device import device as _device
        self.device = device if isinstance(device, _device) else _device(device)
        self._key = np.zeros(624, np.uint32)
        self._pos = np.zeros(2, np.int64)  # [left, next]
        self._normal = np.zeros(2, np.float64)  # the spare Box-Muller value, and whether it is valid
        self._float_normal = (0.0, False)  # torch's float spare: carried through get/set_state only
        self._lock = threading.Lock()  # kernels release the GIL: one draw at a time, as torch's mutex
        self.manual_seed(_DEFAULT_SEED)

    def _draw(self, kernel, *args):
        """Run a ``kernels/cpu/_random.py`` kernel on this generator's state."""
        with self._lock:
            kernel(self._key, self._pos, *args)

    def manual_seed(self, seed):
        """Seed the twister with the low 32 bits of ``seed`` (a negative seed counts modulo 2⁶⁴)."""
        seed = int(seed)
        if not -(1 << 63) <= seed < (1 << 64):
            raise ValueError("Overflow when unpacking long long")
        self._seed = seed % (1 << 64)
        x = self._seed & 0xFFFFFFFF
        key = [x]
        for i in range(1, 624):  # init_genrand
            x = (1812433253 * (x ^ (x >> 30)) + i) & 0xFFFFFFFF
            key.append(x)
        with self._lock:
            self._key[:] = key
            self._pos[:] = (1, 0)
            self._normal[:] = 0.0
            self._float_normal = (0.0, False)
        return self

    def seed(self):
        """Seed from the operating system's entropy; returns the seed."""
        s = int.from_bytes(os.urandom(8), "little")
        self.manual_seed(s)
        return s

    def initial_seed(self):
        return self._seed

    def get_state(self):
        """The state as torch's uint8 tensor of 5056 bytes."""
        from .tensor import Tensor
        return Tensor._make(self._state_bytes())

    def _state_bytes(self):
        with self._lock:
            return self._pack()

    def _pack(self):
        b = np.zeros(_STATE_BYTES, np.uint8)
        b[0:8] = np.frombuffer(np.uint64(self._seed).tobytes(), np.uint8)
        b[8:16] = np.frombuffer(np.array([self._pos[0], 1], np.int32).tobytes(), np.uint8)  # left, seeded
        b[16:24] = np.frombuffer(np.uint64(self._pos[1]).tobytes(), np.uint8)
        b[24:5016] = np.frombuffer(self._key.astype(np.uint64).tobytes(), np.uint8)
        valid = self._normal[1] != 0
        b[5024:5032] = np.frombuffer(np.float64(self._normal[0] if valid else 0.0).tobytes(), np.uint8)
        b[5040] = valid
        value, fvalid = self._float_normal
        b[5048:5052] = np.frombuffer(np.float32(value).tobytes(), np.uint8)
        b[5052] = fvalid
        return b

    def set_state(self, new_state):
        """Restore a state from ``get_state`` (minigrad's or torch's)."""
        from . import dtypes
        from .tensor import Tensor
        if not isinstance(new_state, Tensor) or new_state.dtype != dtypes.uint8:
            raise TypeError("RNG state must be a torch.ByteTensor")
        b = np.ascontiguousarray(new_state.detach().cpu().numpy()).reshape(-1)
        if b.size != _STATE_BYTES:
            raise RuntimeError(f"Expected a CPUGeneratorImplState of size {_STATE_BYTES} but found the input RNG "
                               f"state size to be {b.size}")
        left, seeded = b[8:16].view(np.int32)
        nxt = int(b[16:24].view(np.uint64)[0])
        if seeded != 1 or not 1 <= left <= 624 or nxt > 624:
            raise RuntimeError("Invalid mt19937 state")
        valid = b[5040:5044].view(np.int32)[0] != 0
        with self._lock:
            self._seed = int(b[0:8].view(np.uint64)[0])
            self._key[:] = b[24:5016].view(np.uint64)
            self._pos[:] = (left, nxt)
            self._normal[:] = (b[5024:5032].view(np.float64)[0] if valid else 0.0, valid)
            self._float_normal = (float(b[5048:5052].view(np.float32)[0]), bool(b[5052]))
        return self

    def __getstate__(self):  # pickling and deepcopy carry the state, as torch's Generator
        return {"device": str(self.device), "state": self._state_bytes()}

    def __setstate__(self, saved):
        self.__init__(saved["device"])
        from .tensor import Tensor
        self.set_state(Tensor._make(saved["state"]))

    def clone_state(self):
        return Generator(self.device).set_state(self.get_state())

    def __repr__(self):
        return f"<minigrad.Generator object at {hex(id(self))}>"


default_generator = Generator()
default_generator.seed()
# CUDA tensors draw from their own generator (the same twister, not torch's Philox), so GPU work
# leaves the CPU stream where torch leaves it; manual_seed seeds both, cuda.manual_seed this one only
cuda_generator = Generator("cuda")
_drawing = threading.local()


def _gen(generator):
    if generator is not None:
        return generator
    return cuda_generator if getattr(_drawing, "cuda", False) else default_generator


@contextlib.contextmanager
def drawing_for(device):
    """Inside, draws without a ``generator=`` come from ``device``'s default generator (a CUDA
    device's: ``cuda_generator``)."""
    before = getattr(_drawing, "cuda", False)
    _drawing.cuda = device is not None and device.type == "cuda"
    try:
        yield
    finally:
        _drawing.cuda = before


def manual_seed(seed):
    """Seed the default generator and the CUDA one (``torch.manual_seed``); returns the default."""
    cuda_generator.manual_seed(seed)
    return default_generator.manual_seed(seed)


def seed():
    s = default_generator.seed()
    cuda_generator.manual_seed(s)
    return s


def initial_seed():
    return default_generator.initial_seed()


def get_rng_state():
    return default_generator.get_state()


def set_rng_state(new_state):
    default_generator.set_state(new_state)


@contextlib.contextmanager
def fork_rng(devices=None, enabled=True, _caller="fork_rng", _devices_kw="devices", device_type="cuda"):
    """Run the block, then put the default generator (and the CUDA one) back as they were."""
    if not enabled:
        yield
        return
    states = [(g, g.get_state()) for g in (default_generator, cuda_generator)]
    try:
        yield
    finally:
        for g, state in states:
            g.set_state(state)


# ---- numpy draws for the factories and fills --------------------------------------------------------
def _flat(shape, dtype):
    return np.empty(int(np.prod(shape, dtype=np.int64)), dtype)


def _check_float(name, dtype):
    if np.dtype(dtype) not in (np.float32, np.float64):
        raise NotImplementedError(f"{name}: minigrad draws float32 and float64 only, not {np.dtype(dtype)} "
                                  "(torch also draws float16 and bfloat16)")


def uniform(shape, dtype, low=0.0, high=1.0, generator=None):
    """U[low, high) in ``dtype`` (``rand``, ``uniform_``): fma(unit, high − low, low), in ``dtype``."""
    _check_float("uniform", dtype)
    g, out, t = _gen(generator), _flat(shape, dtype), np.dtype(dtype).type
    lo = t(low)
    g._draw(_kernels().uniform, out, lo, t(t(high) - lo))
    return out.reshape(shape)


def normal(shape, dtype, mean=0.0, std=1.0, generator=None, contiguous=True):
    """N(mean, std²) in ``dtype`` (``randn``, ``normal_``): torch's block transform from 16 elements
    of a contiguous tensor, its scalar float64 path (with the generator's cached spare) otherwise."""
    _check_float("normal", dtype)
    g, out, t = _gen(generator), _flat(shape, dtype), np.dtype(dtype).type
    k = _kernels()
    if out.size >= 16 and contiguous:
        g._draw(k.normal_blocks, out, t(mean), t(std))
        return out.reshape(shape)
    wide = np.empty(out.size, np.float64)
    g._draw(k.normal_scalar, g._normal, wide, float(mean), float(std), False)
    return wide.astype(dtype).reshape(shape)


def log_normal(shape, dtype, mean=1.0, std=2.0, generator=None):
    """exp(N(mean, std²)): the scalar float64 path for every size."""
    g, wide = _gen(generator), _flat(shape, np.float64)
    g._draw(_kernels().normal_scalar, g._normal, wide, float(mean), float(std), True)
    return wide.astype(dtype).reshape(shape)


def integers(low, high, shape, dtype=np.int64, generator=None):
    """Integers in [low, high) (``randint``, ``random_(from, to)``): low + draw mod (high − low)."""
    g, out = _gen(generator), _flat(shape, np.int64)
    span = int(high) - int(low)
    g._draw(_kernels().integers, out, int(low), np.uint64(span), span >= 1 << 32)
    return out.astype(dtype).reshape(shape)


_FULL_RANGE = {np.dtype(np.bool_): 2, np.dtype(np.uint8): 1 << 8, np.dtype(np.int8): 1 << 7,
               np.dtype(np.int16): 1 << 15, np.dtype(np.int32): 1 << 31, np.dtype(np.int64): 1 << 63,
               np.dtype(np.float16): (1 << 11) + 1, np.dtype(np.float32): (1 << 24) + 1,
               np.dtype(np.float64): (1 << 53) + 1}


def full_range(shape, dtype, generator=None):
    """``random_()``: draw mod (dtype max + 1) for integers, mod (2^mantissa + 1) for floats; 64-bit
    draws for int64 and float64, 32-bit ones otherwise."""
    dt = np.dtype(dtype)
    g, out = _gen(generator), _flat(shape, np.int64)
    g._draw(_kernels().integers, out, 0, np.uint64(_FULL_RANGE[dt]), dt in (np.int64, np.float64))
    return out.astype(dt).reshape(shape)


def permutation(n, generator=None):
    """``randperm(n)``: swaps with 32-bit draws below 2³²/20 elements, the inside-out shuffle with
    64-bit draws from there (torch's split)."""
    g, out = _gen(generator), np.empty(int(n), np.int64)
    k = _kernels()
    g._draw(k.randperm_swap if n < 0xFFFFFFFF // 20 else k.randperm_inside_out, out)
    return out


def _from_unit(kind, shape, dtype, a, b, generator):
    g, wide = _gen(generator), _flat(shape, np.float64)
    g._draw(_kernels().from_unit, wide, kind, float(a), float(b))
    return wide.astype(dtype).reshape(shape)


def exponential(shape, dtype, lambd=1.0, generator=None):
    """Exp(λ): −log1p(−u)/λ from a float64 unit u."""
    return _from_unit(_kernels().EXPONENTIAL, shape, dtype, lambd, 0.0, generator)


def geometric(shape, dtype, p, generator=None):
    """Geometric(p) on 1, 2, ...: ⌈ln u / ln(1 − p)⌉."""
    return _from_unit(_kernels().GEOMETRIC, shape, dtype, p, 0.0, generator)


def cauchy(shape, dtype, median=0.0, sigma=1.0, generator=None):
    """Cauchy(median, σ): median + σ·tan(π(u − ½))."""
    return _from_unit(_kernels().CAUCHY, shape, dtype, median, sigma, generator)


def bernoulli(shape, dtype, p, generator=None):
    """1 with probability ``p``: a float64 unit < p for a number ``p``; for an array ``p`` (already of
    ``shape``) a unit in ``p``'s float type < p[i]."""
    g, out = _gen(generator), _flat(shape, np.bool_)
    p = np.ascontiguousarray(p).reshape(-1) if isinstance(p, np.ndarray) else np.array([p], np.float64)
    g._draw(_kernels().bernoulli, out, p)
    return out.astype(dtype).reshape(shape)


def poisson(rate, generator=None):
    """Poisson counts for each rate (float64 draws), in the rates' dtype."""
    g = _gen(generator)
    out = np.empty(rate.size, np.float64)
    g._draw(_kernels().poisson, np.ascontiguousarray(rate, np.float64).reshape(-1), out)
    return out.astype(rate.dtype).reshape(rate.shape)


def multinomial(weights, num_samples, replacement=False, generator=None):
    """``num_samples`` category indices per row of ``weights`` (1-D or 2-D numpy, int64 numpy out),
    with probability ``weights / weights.sum()``, torch's RuntimeErrors for a bad distribution.

    Without replacement, or for one sample: the top ``num_samples`` of w / q, q ~ Exp(1) drawn in
    ``weights``' dtype. With replacement: a float64 unit per sample, row by row, located in the row's
    normalised cumulative sum (the first category whose cumulative weight reaches it)."""
    w = np.asarray(weights)
    if not np.all(np.isfinite(w)) or np.any(w < 0):  # torch words it by the path the draw takes
        raise RuntimeError("probability tensor contains either `inf`, `nan` or element < 0"
                           if not replacement or num_samples == 1 else
                           "invalid multinomial distribution (encountering probability entry < 0)")
    rows = w.reshape(-1, w.shape[-1]) if w.ndim else w.reshape(1, 1)
    if np.any(rows.sum(axis=1) <= 0):
        raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
    if not replacement and num_samples > rows.shape[1]:
        raise RuntimeError("cannot sample n_sample > prob_dist.size(-1) samples without replacement")
    if not replacement or num_samples == 1:
        keys = rows / exponential(rows.shape, rows.dtype, 1.0, generator)
        out = np.argsort(-keys, axis=1, kind="stable")[:, :num_samples]
    else:
        cum = np.cumsum(rows, axis=1, dtype=rows.dtype)
        cum /= cum[:, -1:]
        units = uniform((rows.shape[0], num_samples), np.float64, 0.0, 1.0, generator)
        out = np.stack([np.searchsorted(c, u, side="left") for c, u in zip(cum, units)])
        np.minimum(out, rows.shape[1] - 1, out=out)
    return out.astype(np.int64).reshape(w.shape[:-1] + (num_samples,))


# ---- in-place fills: Tensor.uniform_, normal_, ... ------------------------------------------------
def _memory_axes(t):
    """The axes of ``t`` from the largest stride down: torch fills a strided CPU tensor in that order
    (CUDA tensors draw in C order)."""
    a = t._data
    if t.device.type != "cpu":
        return tuple(range(a.ndim))
    return tuple(np.argsort([-abs(st) for st in a.strides], kind="stable"))


def _fill(t, draw):
    """Fill ``t`` in place with ``draw(shape, numpy dtype, contiguous)``; CUDA tensors draw on the host."""
    t._check_inplace()
    a = t._data
    if t.device.type != "cpu":
        b = t._backend()
        with drawing_for(t.device):
            b.copyto(a, b.from_host(draw(a.shape, np.dtype(a.dtype), True)))
    else:
        view = np.transpose(a, _memory_axes(t))
        view[...] = draw(view.shape, a.dtype, a.flags.c_contiguous)
    return t._bump()


def _float_tensor(t, kernel):
    if not t.is_floating_point():
        from .dtypes import scalar_name
        raise NotImplementedError(f'"{kernel}" not implemented for \'{scalar_name(t)}\'')
    _check_float(kernel, t._data.dtype)


def _uniform_(self, from_=0.0, to=1.0, *, generator=None):
    _float_tensor(self, "check_uniform_bounds")
    if from_ > to:
        raise RuntimeError(f"uniform_ expects to return a [from, to) range, but found from={from_} > to={to}")
    return _fill(self, lambda s, dt, c: uniform(s, dt, from_, to, generator))


def _normal_(self, mean=0.0, std=1.0, *, generator=None):
    _float_tensor(self, "normal_kernel_cpu")
    if std < 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {std}")
    return _fill(self, lambda s, dt, c: normal(s, dt, mean, std, generator, c))


def _random_(self, from_=None, to=None, *, generator=None):
    if from_ is None and to is None:
        return _fill(self, lambda s, dt, c: full_range(s, dt, generator))
    if to is None:
        from_, to = 0, from_
    if from_ >= to:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={from_} >= to={to}")
    return _fill(self, lambda s, dt, c: integers(from_, to, s, dt, generator))


def _bernoulli_(self, p=0.5, *, generator=None):
    from .tensor import Tensor
    if isinstance(p, Tensor):
        probs = p._data if p.device.type == "cpu" else p.cpu()._data
        if probs.dtype not in (np.float32, np.float64):
            probs = probs.astype(np.float32)
        if probs.size and not (np.all(probs >= 0) and np.all(probs <= 1)):
            raise RuntimeError("bernoulli_ expects all elements of p to be in [0, 1]")
        probs = np.ascontiguousarray(np.transpose(np.broadcast_to(probs, self.shape), _memory_axes(self)))
        return _fill(self, lambda s, dt, c: bernoulli(s, dt, probs, generator))
    if not 0 <= p <= 1:
        raise RuntimeError(f"bernoulli_ expects p to be in [0, 1], but got p={p}")
    return _fill(self, lambda s, dt, c: bernoulli(s, dt, p, generator))


def _bernoulli(self, p=None, *, generator=None):
    """``input.bernoulli()``: 1 with probability ``input[i]``; ``input.bernoulli(p)``: with probability ``p``."""
    from . import creation
    if p is None:
        if not self.is_floating_point():
            raise RuntimeError("bernoulli only supports floating-point dtypes for input")
        if self.numel() and not (bool((self >= 0).all()) and bool((self <= 1).all())):
            raise RuntimeError("Expected p_in >= 0 && p_in <= 1 to be true, but got false.")
        return _bernoulli_(creation.empty_like(self), self, generator=generator)
    return _bernoulli_(creation.empty_like(self), p, generator=generator)


def _exponential_(self, lambd=1.0, *, generator=None):
    _float_tensor(self, "exponential_cpu")
    if not lambd > 0:
        raise RuntimeError(f"exponential_ expects lambda > 0.0, but found lambda={lambd}")
    return _fill(self, lambda s, dt, c: exponential(s, dt, lambd, generator))


def _geometric_(self, p, *, generator=None):
    if not 0 < p < 1:
        raise RuntimeError(f"geometric_ expects p to be in (0, 1), but got p={p}")
    return _fill(self, lambda s, dt, c: geometric(s, dt, p, generator))


def _log_normal_(self, mean=1.0, std=2.0, *, generator=None):
    _float_tensor(self, "log_normal_cpu")
    if not std > 0:
        raise RuntimeError(f"log_normal_ expects std > 0.0, but found std={std}")
    return _fill(self, lambda s, dt, c: log_normal(s, dt, mean, std, generator))


def _cauchy_(self, median=0.0, sigma=1.0, *, generator=None):
    _float_tensor(self, "cauchy_cpu")
    if not sigma > 0:
        raise RuntimeError(f"cauchy_ expects sigma > 0.0, but found sigma={sigma}")
    return _fill(self, lambda s, dt, c: cauchy(s, dt, median, sigma, generator))


def _multinomial(self, num_samples, replacement=False, *, generator=None):
    from .tensor import Tensor
    if not self.is_floating_point():
        from .dtypes import scalar_name
        raise RuntimeError(f"multinomial only supports floating-point dtypes for input, got: "
                           f"{scalar_name(self)}")
    if self.ndim not in (1, 2):
        raise RuntimeError("prob_dist must be 1 or 2 dim")
    if num_samples <= 0:
        raise RuntimeError("cannot sample n_sample <= 0 samples")
    with drawing_for(self.device):
        out = multinomial(self.detach().cpu().numpy(), int(num_samples), replacement, generator)
    return Tensor._make(out).to(self.device)


_METHODS = {"uniform_": _uniform_, "normal_": _normal_, "random_": _random_, "bernoulli_": _bernoulli_,
            "bernoulli": _bernoulli, "exponential_": _exponential_, "geometric_": _geometric_,
            "log_normal_": _log_normal_, "cauchy_": _cauchy_, "multinomial": _multinomial}


def install(cls):
    """Give ``Tensor`` its random methods."""
    for name, fn in _METHODS.items():
        fn.__name__ = name
        setattr(cls, name, fn)
