"""minigrad.optim.Rprop against torch: parameters and state after 50 steps of the MLP for each option set
(float32; the richest set in float64 too), a checkpoint round trip, argument errors."""
import pytest

from tests.optim.optim_helpers import against_torch, case_id, dtype_cases, round_trip, same_error

OPTIONS = [dict(), dict(lr=0.001, etas=(0.3, 1.5), step_sizes=(1e-4, 0.01), maximize=True)]


@pytest.mark.parametrize("options, dtype", dtype_cases(OPTIONS), ids=case_id)
def test_rprop_matches_torch(options, dtype):
    against_torch("Rprop", options, dtype)


def test_rprop_checkpoint_round_trip():
    round_trip("Rprop", OPTIONS[-1])


@pytest.mark.parametrize("kwargs", [dict(lr=-1.0), dict(etas=(1.5, 1.2)), dict(etas=(0.5, 0.9))])
def test_rprop_argument_errors_like_torch(kwargs):
    same_error("Rprop", kwargs)
