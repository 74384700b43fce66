"""minigrad.optim.Adagrad against torch: parameters and state after 50 steps of the MLP for each option set
(float32; the richest set in float64 too), a checkpoint round trip, argument errors."""
import pytest

from tests.optim.optim_helpers import against_torch, case_id, dtype_cases, round_trip, same_error

OPTIONS = [dict(), dict(lr=0.05, lr_decay=0.01, weight_decay=0.1, initial_accumulator_value=0.5),
           dict(lr=0.05, eps=1e-3, maximize=True, fused=True)]


@pytest.mark.parametrize("options, dtype", dtype_cases(OPTIONS), ids=case_id)
def test_adagrad_matches_torch(options, dtype):
    against_torch("Adagrad", options, dtype)


def test_adagrad_checkpoint_round_trip():
    round_trip("Adagrad", OPTIONS[1])


@pytest.mark.parametrize("kwargs", [dict(lr=-1.0), dict(lr_decay=-1.0), dict(weight_decay=-1.0),
                                    dict(initial_accumulator_value=-1.0), dict(eps=-1.0),
                                    dict(fused=True, foreach=True)])
def test_adagrad_argument_errors_like_torch(kwargs):
    same_error("Adagrad", kwargs)
