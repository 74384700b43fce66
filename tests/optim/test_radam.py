"""minigrad.optim.RAdam against torch: parameters and state after 50 steps of the MLP for each option set
(float32, float64), a checkpoint round trip, argument errors."""
import numpy as np
import pytest

from tests.optim.optim_helpers import against_torch, round_trip, same_error

OPTIONS = [dict(lr=0.01), dict(lr=0.01, weight_decay=0.1, maximize=True),
           dict(lr=0.01, betas=(0.3, 0.8), eps=1e-3, weight_decay=0.1, decoupled_weight_decay=True)]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("options", OPTIONS, ids=str)
def test_radam_matches_torch(options, dtype):
    against_torch("RAdam", options, dtype)


def test_radam_checkpoint_round_trip():
    round_trip("RAdam", OPTIONS[-1])


@pytest.mark.parametrize("kwargs", [dict(lr=-1.0), dict(eps=-1.0), dict(betas=(0.9, -0.1)), dict(weight_decay=-1.0)])
def test_radam_argument_errors_like_torch(kwargs):
    same_error("RAdam", kwargs)
