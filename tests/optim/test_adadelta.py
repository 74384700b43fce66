"""minigrad.optim.Adadelta against torch: parameters and state after 50 steps of the MLP for each option set
(float32; the richest set in float64 too), a checkpoint round trip, argument errors."""
import pytest

from tests.optim.optim_helpers import against_torch, case_id, dtype_cases, round_trip, same_error

OPTIONS = [dict(), dict(lr=0.5, rho=0.5, eps=1e-4, weight_decay=0.1, maximize=True)]


@pytest.mark.parametrize("options, dtype", dtype_cases(OPTIONS), ids=case_id)
def test_adadelta_matches_torch(options, dtype):
    against_torch("Adadelta", options, dtype)


def test_adadelta_checkpoint_round_trip():
    round_trip("Adadelta", OPTIONS[-1])


@pytest.mark.parametrize("kwargs", [dict(lr=-1.0), dict(rho=1.5), dict(eps=-1.0), dict(weight_decay=-1.0)])
def test_adadelta_argument_errors_like_torch(kwargs):
    same_error("Adadelta", kwargs)
