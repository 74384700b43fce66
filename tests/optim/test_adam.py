"""minigrad.optim.Adam and AdamW against torch: parameters and state after 50 steps of the MLP for each
option set (float32, float64), checkpoint round trips, argument errors."""
import numpy as np
import pytest

from tests.optim.optim_helpers import against_torch, case_id, round_trip, same_error

OPTIONS = {
    "Adam": [dict(lr=0.01), dict(lr=0.01, amsgrad=True, weight_decay=0.1), dict(lr=0.02, maximize=True),
             dict(lr=0.01, betas=(0.5, 0.9), eps=1e-3, weight_decay=0.05, decoupled_weight_decay=True),
             dict(lr=0.01, foreach=False, fused=True)],
    "AdamW": [dict(lr=0.01), dict(lr=0.01, amsgrad=True, maximize=True, weight_decay=0.3)],
}
CASES = [(name, o) for name, options in OPTIONS.items() for o in options]


@pytest.mark.parametrize("case, dtype", [(c, np.float32) for c in CASES] + [(CASES[1], np.float64),
                                                                            (CASES[3], np.float64),
                                                                            (CASES[-1], np.float64)],
                         ids=case_id)
def test_adam_matches_torch(case, dtype):
    against_torch(*case, dtype)


@pytest.mark.parametrize("case", [CASES[1], CASES[-1]], ids=case_id)
def test_adam_checkpoint_round_trip(case):
    round_trip(*case)


@pytest.mark.parametrize("name", ["Adam", "AdamW"])
@pytest.mark.parametrize("kwargs", [dict(lr=-1.0), dict(eps=-1e-8), dict(betas=(1.0, 0.999)), dict(betas=(0.9, -0.1)),
                                    dict(weight_decay=-0.1), dict(betas=(0, 0.99)), dict(fused=True, foreach=True),
                                    dict(fused=True, differentiable=True)])
def test_adam_argument_errors_like_torch(name, kwargs):
    same_error(name, kwargs)
