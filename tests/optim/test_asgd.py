"""minigrad.optim.ASGD against torch: parameters and state after 50 steps of the MLP for each option set
(float32; the richest set in float64 too), a checkpoint round trip, argument errors."""
import pytest

from tests.optim.optim_helpers import against_torch, case_id, dtype_cases, round_trip, same_error

OPTIONS = [dict(), dict(lr=0.05, lambd=0.01, alpha=0.5, t0=10, weight_decay=0.1, maximize=True)]


@pytest.mark.parametrize("options, dtype", dtype_cases(OPTIONS), ids=case_id)
def test_asgd_matches_torch(options, dtype):
    against_torch("ASGD", options, dtype)


def test_asgd_checkpoint_round_trip():
    round_trip("ASGD", OPTIONS[-1])


@pytest.mark.parametrize("kwargs", [dict(lr=-1.0), dict(weight_decay=-1.0)])
def test_asgd_argument_errors_like_torch(kwargs):
    same_error("ASGD", kwargs)
