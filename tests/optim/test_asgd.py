"""minigrad.optim.ASGD against torch: parameters and state after 50 steps of the MLP for each option set
(float32, float64), a checkpoint round trip, argument errors."""
import numpy as np
import pytest

from tests.optim.optim_helpers import against_torch, round_trip, same_error

OPTIONS = [dict(), dict(lr=0.05, lambd=0.01, alpha=0.5, t0=10, weight_decay=0.1, maximize=True)]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("options", OPTIONS, ids=str)
def test_asgd_matches_torch(options, dtype):
    against_torch("ASGD", options, dtype)


def test_asgd_checkpoint_round_trip():
    round_trip("ASGD", OPTIONS[-1])


@pytest.mark.parametrize("kwargs", [dict(lr=-1.0), dict(weight_decay=-1.0)])
def test_asgd_argument_errors_like_torch(kwargs):
    same_error("ASGD", kwargs)
