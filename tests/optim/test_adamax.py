"""minigrad.optim.Adamax against torch: parameters and state after 50 steps of the MLP for each option set
(float32; the richest set in float64 too), a checkpoint round trip, argument errors."""
import pytest

from tests.optim.optim_helpers import against_torch, case_id, dtype_cases, round_trip, same_error

OPTIONS = [dict(lr=0.01), dict(lr=0.01, betas=(0.3, 0.9), eps=1e-3, weight_decay=0.1, maximize=True)]


@pytest.mark.parametrize("options, dtype", dtype_cases(OPTIONS), ids=case_id)
def test_adamax_matches_torch(options, dtype):
    against_torch("Adamax", options, dtype)


def test_adamax_checkpoint_round_trip():
    round_trip("Adamax", OPTIONS[-1])


@pytest.mark.parametrize("kwargs", [dict(lr=-1.0), dict(eps=-1.0), dict(betas=(1.0, 0.9)), dict(betas=(0.9, 1.0)),
                                    dict(weight_decay=-1.0)])
def test_adamax_argument_errors_like_torch(kwargs):
    same_error("Adamax", kwargs)
