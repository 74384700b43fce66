"""minigrad.optim.RMSprop against torch: parameters and state after 50 steps of the MLP for each option set
(float32; the richest set in float64 too), a checkpoint round trip, argument errors."""
import pytest

from tests.optim.optim_helpers import against_torch, case_id, dtype_cases, round_trip, same_error

OPTIONS = [dict(), dict(lr=0.003, momentum=0.9, centered=True), dict(alpha=0.3, weight_decay=0.1, maximize=True),
           dict(lr=0.003, alpha=0.9, eps=1e-3, momentum=0.5)]


@pytest.mark.parametrize("options, dtype", dtype_cases(OPTIONS), ids=case_id)
def test_rmsprop_matches_torch(options, dtype):
    against_torch("RMSprop", options, dtype)


def test_rmsprop_checkpoint_round_trip():
    round_trip("RMSprop", OPTIONS[1])


@pytest.mark.parametrize("kwargs", [dict(lr=-1.0), dict(eps=-1.0), dict(momentum=-0.1), dict(weight_decay=-1.0),
                                    dict(alpha=-0.5)])
def test_rmsprop_argument_errors_like_torch(kwargs):
    same_error("RMSprop", kwargs)
