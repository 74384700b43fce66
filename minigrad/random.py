"""minigrad's own deterministic generator (numpy's PCG64 underneath); ``manual_seed`` resets it.

Numbers differ from torch's generator: the same seed gives the same numbers across minigrad runs,
not the numbers torch would draw."""
import numpy as np


class Generator:
    def __init__(self, device="cpu"):
        self.device = device
        self.manual_seed(np.random.SeedSequence().entropy % (2 ** 63))

    def manual_seed(self, seed):
        self._seed = int(seed)
        self.rng = np.random.Generator(np.random.PCG64(self._seed & (2 ** 64 - 1)))
        return self

    def seed(self):
        s = int(np.random.SeedSequence().entropy % (2 ** 63))
        self.manual_seed(s)
        return s

    def initial_seed(self):
        return self._seed

    def get_state(self):
        return self.rng.bit_generator.state

    def set_state(self, state):
        self.rng.bit_generator.state = state


default_generator = Generator()


def _rng(generator):
    return (generator or default_generator).rng


def manual_seed(seed):
    return default_generator.manual_seed(seed)


def seed():
    return default_generator.seed()


def initial_seed():
    return default_generator.initial_seed()


def get_rng_state():
    return default_generator.get_state()


def set_rng_state(state):
    default_generator.set_state(state)


def uniform(low, high, shape, generator=None):
    return _rng(generator).uniform(low, high, shape)


def normal_array(mean, std, shape, generator=None):
    return _rng(generator).normal(mean, std, shape)


def integers(low, high, shape, generator=None):
    return _rng(generator).integers(low, high, shape)


def permutation(n, generator=None):
    return _rng(generator).permutation(n)


def multinomial(weights, num_samples, replacement=False, generator=None):
    """``num_samples`` category indices drawn with probability ``weights / weights.sum()`` (numpy in,
    int64 numpy out), torch's RuntimeErrors for a bad distribution."""
    w = np.asarray(weights, dtype=np.float64)
    if not np.all(np.isfinite(w)) or np.any(w < 0):
        raise RuntimeError("invalid multinomial distribution (encountering probability entry < 0)")
    if w.sum() <= 0:
        raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
    if not replacement and num_samples > w.size:
        raise RuntimeError("cannot sample n_sample > prob_dist.size(-1) samples without replacement")
    rng = _rng(generator)
    if replacement:
        return rng.choice(w.size, num_samples, p=w / w.sum()).astype(np.int64)
    # without replacement: the largest w_k / E_k for E_k ~ Exp(1) (an exponential race); zero weights last
    return np.argsort(-(w / rng.exponential(size=w.size)), kind="stable")[:num_samples].astype(np.int64)
