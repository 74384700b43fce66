"""minigrad.optim.NAdam against torch: parameters and state after 50 steps of the MLP for each option set
(float32; the richest set in float64 too), a checkpoint round trip, argument errors."""
import pytest

from tests.optim.optim_helpers import against_torch, case_id, dtype_cases, round_trip, same_error

OPTIONS = [dict(lr=0.01), dict(lr=0.01, weight_decay=0.1, momentum_decay=0.01, maximize=True),
           dict(lr=0.01, betas=(0.3, 0.99), weight_decay=0.1, decoupled_weight_decay=True)]


@pytest.mark.parametrize("options, dtype", dtype_cases(OPTIONS, float64=2), ids=case_id)
def test_nadam_matches_torch(options, dtype):
    against_torch("NAdam", options, dtype)


def test_nadam_checkpoint_round_trip():
    round_trip("NAdam", OPTIONS[-1])


@pytest.mark.parametrize("kwargs", [dict(lr=-1.0), dict(eps=-1.0), dict(betas=(1.0, 0.9)), dict(weight_decay=-1.0),
                                    dict(momentum_decay=-1.0)])
def test_nadam_argument_errors_like_torch(kwargs):
    same_error("NAdam", kwargs)
