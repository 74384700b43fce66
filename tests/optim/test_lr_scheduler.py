"""minigrad.optim.lr_scheduler against torch's: the lr (and momentum/β₁) sequence of every scheduler over
hundreds of steps, equal to torch's float for float; state_dict round trips; the warning for stepping
the scheduler before the optimizer; argument errors."""
import math
import warnings

import numpy as np
import pytest
import torch

import minigrad

EPOCHS = 300


def make(lib, opt="SGD", groups=2, **kw):
    """An optimizer over ``groups`` one-element parameter groups (lrs 0.1, 0.05, ...)."""
    params = [{"params": [lib.nn.Parameter(lib.zeros(1))], "lr": 0.1 / (i + 1)} for i in range(groups)]
    return getattr(lib.optim, opt)(params, lr=0.1, **kw)


# name -> (optimizer name, optimizer kwargs, scheduler factory taking (lib, optimizer))
CASES = {
    "StepLR": ("SGD", {}, lambda s, o: s.StepLR(o, step_size=7, gamma=0.7)),
    "MultiStepLR": ("SGD", {}, lambda s, o: s.MultiStepLR(o, milestones=[10, 30, 30, 120], gamma=0.5)),
    "ExponentialLR": ("SGD", {}, lambda s, o: s.ExponentialLR(o, gamma=0.99)),
    "CosineAnnealingLR": ("SGD", {}, lambda s, o: s.CosineAnnealingLR(o, T_max=40, eta_min=0.001)),
    "CosineAnnealingWarmRestarts": ("SGD", {}, lambda s, o: s.CosineAnnealingWarmRestarts(o, T_0=10, T_mult=2,
                                                                                          eta_min=1e-4)),
    "LambdaLR": ("SGD", {}, lambda s, o: s.LambdaLR(o, [lambda e: 0.97 ** e, lambda e: 1 / (1 + e)])),
    "MultiplicativeLR": ("SGD", {}, lambda s, o: s.MultiplicativeLR(o, lambda e: 0.995)),
    "LinearLR": ("SGD", {}, lambda s, o: s.LinearLR(o, start_factor=0.25, end_factor=0.9, total_iters=50)),
    "ConstantLR": ("SGD", {}, lambda s, o: s.ConstantLR(o, factor=0.3, total_iters=20)),
    "PolynomialLR": ("SGD", {}, lambda s, o: s.PolynomialLR(o, total_iters=200, power=2.0)),
    "OneCycleLR-cos-sgd": ("SGD", {"momentum": 0.9},
                           lambda s, o: s.OneCycleLR(o, max_lr=[0.5, 0.2], total_steps=EPOCHS + 1)),
    "OneCycleLR-linear-three_phase-adam": ("Adam", {}, lambda s, o: s.OneCycleLR(
        o, max_lr=0.01, epochs=EPOCHS // 10 + 1, steps_per_epoch=10, anneal_strategy="linear", three_phase=True)),
    "CyclicLR-triangular": ("SGD", {"momentum": 0.9}, lambda s, o: s.CyclicLR(o, 0.01, 0.1, step_size_up=20)),
    "CyclicLR-triangular2-adam": ("Adam", {}, lambda s, o: s.CyclicLR(o, [0.001, 0.002], 0.01, step_size_up=15,
                                                                      step_size_down=25, mode="triangular2")),
    "CyclicLR-exp_range": ("SGD", {}, lambda s, o: s.CyclicLR(o, 0.01, 0.1, step_size_up=10, mode="exp_range",
                                                              gamma=0.99, cycle_momentum=False)),
    "SequentialLR": ("SGD", {}, lambda s, o: s.SequentialLR(o, [s.LinearLR(o, start_factor=0.1, total_iters=10),
                                                                s.ExponentialLR(o, gamma=0.98),
                                                                s.CosineAnnealingLR(o, T_max=30)],
                                                            milestones=[10, 100])),
    "ChainedScheduler": ("SGD", {}, lambda s, o: s.ChainedScheduler([s.ConstantLR(o, factor=0.5, total_iters=15),
                                                                     s.ExponentialLR(o, gamma=0.99),
                                                                     s.StepLR(o, step_size=40, gamma=0.5)])),
}


def sequence(lib, case, epochs=EPOCHS):
    opt_name, opt_kw, factory = CASES[case]
    opt = make(lib, opt_name, **opt_kw)
    scheduler = factory(lib.optim.lr_scheduler, opt)
    out = []
    for _ in range(epochs):
        opt.step()
        scheduler.step()
        momentum = [g["betas"][0] if "betas" in g else g["momentum"] for g in opt.param_groups]
        lrs = [g["lr"] for g in opt.param_groups]
        out.append((scheduler.get_last_lr(), lrs, momentum, getattr(scheduler, "last_epoch", None)))
    return out


@pytest.mark.parametrize("case", CASES)
def test_lr_sequence_equals_torch(case):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # optimizer.step() comes first: no warning on either side
        assert sequence(minigrad, case) == sequence(torch, case)


@pytest.mark.parametrize("case", ["StepLR", "MultiStepLR", "ExponentialLR", "CosineAnnealingLR", "LinearLR",
                                  "ConstantLR", "PolynomialLR"])
def test_closed_form_with_epoch_argument_equals_torch(case):
    """The deprecated ``step(epoch)`` takes torch's closed form (and warns as torch does)."""
    def run(lib):
        opt = make(lib)
        scheduler = CASES[case][2](lib.optim.lr_scheduler, opt)
        opt.step()
        with pytest.warns(UserWarning, match="epoch parameter"):
            return [(scheduler.step(epoch), scheduler.get_last_lr())[1] for epoch in (3, 17, 5, 80, 250)]
    assert run(minigrad) == run(torch)


def test_warm_restarts_fractional_epochs_equal_torch():
    def run(lib):
        opt = make(lib)
        scheduler = lib.optim.lr_scheduler.CosineAnnealingWarmRestarts(opt, T_0=10, T_mult=2)
        opt.step()
        out = []
        for epoch in np.linspace(0, 100, 37).tolist():
            scheduler.step(epoch)
            out.append((scheduler.get_last_lr(), scheduler.T_cur, scheduler.T_i, scheduler.last_epoch))
        return out
    assert run(minigrad) == run(torch)


@pytest.mark.parametrize("kwargs", [dict(), dict(mode="max", threshold_mode="abs", threshold=0.1, cooldown=3,
                                                 patience=2, min_lr=[0.02, 0.001], factor=0.5)])
def test_reduce_lr_on_plateau_equals_torch(kwargs):
    metrics = [1.0 / (1 + i) if i < 20 else 0.05 + 0.001 * math.sin(i) for i in range(200)]
    metrics = [m if kwargs.get("mode") != "max" else -m for m in metrics]

    def run(lib):
        opt = make(lib)
        scheduler = lib.optim.lr_scheduler.ReduceLROnPlateau(opt, **kwargs)
        out = []
        for m in metrics:
            opt.step()
            scheduler.step(m)
            out.append((scheduler.get_last_lr(), scheduler.num_bad_epochs, scheduler.cooldown_counter,
                        scheduler.best))
        return out
    assert run(minigrad) == run(torch)


@pytest.mark.parametrize("case", ["CosineAnnealingLR", "OneCycleLR-cos-sgd", "CyclicLR-triangular2-adam",
                                  "SequentialLR", "ChainedScheduler", "LambdaLR"])
def test_state_dict_round_trip_continues_identically(case):
    """k steps, then a fresh optimizer and scheduler loaded from the state dicts: k more steps give
    what 2k straight steps give."""
    opt_name, opt_kw, factory = CASES[case]
    opt = make(minigrad, opt_name, **opt_kw)
    scheduler = factory(minigrad.optim.lr_scheduler, opt)
    for _ in range(50):
        opt.step()
        scheduler.step()
    twin_opt = make(minigrad, opt_name, **opt_kw)
    twin = factory(minigrad.optim.lr_scheduler, twin_opt)
    twin_opt.load_state_dict(opt.state_dict())
    twin.load_state_dict(scheduler.state_dict())
    for _ in range(50):
        for o, s in ((opt, scheduler), (twin_opt, twin)):
            o.step()
            s.step()
        assert twin.get_last_lr() == scheduler.get_last_lr()
        assert twin_opt.param_groups[0]["lr"] == opt.param_groups[0]["lr"]


def test_scheduler_state_dict_keys_like_torch():
    for case in ("StepLR", "CyclicLR-triangular", "SequentialLR", "LambdaLR"):
        opt_name, opt_kw, factory = CASES[case]
        mg = factory(minigrad.optim.lr_scheduler, make(minigrad, opt_name, **opt_kw)).state_dict()
        th = factory(torch.optim.lr_scheduler, make(torch, opt_name, **opt_kw)).state_dict()
        assert set(mg) - {"_get_lr_called_within_step", "_is_initial"} <= set(th), case
        assert mg["last_epoch"] == th["last_epoch"] and mg["_last_lr"] == th["_last_lr"], case


def test_tensor_lr_is_updated_in_place():
    opt = minigrad.optim.SGD([minigrad.nn.Parameter(minigrad.zeros(1))], lr=minigrad.tensor(0.1))
    lr = opt.param_groups[0]["lr"]
    scheduler = minigrad.optim.lr_scheduler.ExponentialLR(opt, gamma=0.5)
    opt.step()
    scheduler.step()
    assert opt.param_groups[0]["lr"] is lr and lr.item() == pytest.approx(0.05)


def test_scheduler_before_optimizer_step_warns_like_torch():
    for lib in (minigrad, torch):
        opt = make(lib)
        scheduler = lib.optim.lr_scheduler.StepLR(opt, step_size=2)
        with pytest.warns(UserWarning, match=r"Detected call of `lr_scheduler.step\(\)` before `optimizer.step\(\)`"):
            scheduler.step()


def test_get_lr_outside_step_warns():
    scheduler = minigrad.optim.lr_scheduler.StepLR(make(minigrad), step_size=2)
    with pytest.warns(UserWarning, match="please use `get_last_lr\\(\\)`"):
        scheduler.get_lr()


@pytest.mark.parametrize("build", [
    lambda s, o: s.ConstantLR(o, factor=1.5),
    lambda s, o: s.LinearLR(o, start_factor=0),
    lambda s, o: s.LinearLR(o, end_factor=1.5),
    lambda s, o: s.CosineAnnealingWarmRestarts(o, T_0=0),
    lambda s, o: s.CosineAnnealingWarmRestarts(o, T_0=5, T_mult=0),
    lambda s, o: s.OneCycleLR(o, max_lr=0.1),
    lambda s, o: s.OneCycleLR(o, max_lr=0.1, total_steps=10, pct_start=1.5),
    lambda s, o: s.OneCycleLR(o, max_lr=0.1, total_steps=10, anneal_strategy="exp"),
    lambda s, o: s.OneCycleLR(o, max_lr=[0.1], total_steps=10),
    lambda s, o: s.CyclicLR(o, 0.01, 0.1, mode="square"),
    lambda s, o: s.CyclicLR(o, 0.01, 0.1),  # Adagrad has neither momentum nor betas
    lambda s, o: s.ReduceLROnPlateau(o, factor=1.0),
    lambda s, o: s.ReduceLROnPlateau(o, mode="mid"),
    lambda s, o: s.ReduceLROnPlateau(o, threshold_mode="log"),
    lambda s, o: s.ReduceLROnPlateau(o, min_lr=[0.1]),
    lambda s, o: s.LambdaLR(o, [lambda e: 1.0]),
    lambda s, o: s.MultiplicativeLR(o, 0.9),
    lambda s, o: s.StepLR(o, step_size=3, last_epoch=5),
    lambda s, o: s.SequentialLR(o, [s.StepLR(o, 3)], milestones=[4]),
    lambda s, o: s.SequentialLR(o, [], milestones=[]),
    lambda s, o: s.ChainedScheduler([s.StepLR(o, 3), s.ReduceLROnPlateau(o)]),
    lambda s, o: s.StepLR(None, 3),
])
def test_scheduler_errors_like_torch(build):
    with pytest.raises(Exception) as th_err:
        build(torch.optim.lr_scheduler, make(torch, "Adagrad"))
    with pytest.raises(type(th_err.value)) as mg_err:
        build(minigrad.optim.lr_scheduler, make(minigrad, "Adagrad"))
    assert str(mg_err.value).replace("minigrad", "torch") == str(th_err.value).replace("torch.optim.adagrad.", "")


def test_custom_scheduler_subclassing_the_old_base_like_torch():
    def run(lib):
        class Halving(lib.optim.lr_scheduler._LRScheduler):
            def get_lr(self):
                return [base * 0.5 ** self.last_epoch for base in self.base_lrs]
        opt = make(lib)
        scheduler = Halving(opt)
        out = []
        for _ in range(5):
            opt.step()
            scheduler.step()
            out.append(scheduler.get_last_lr())
        return out
    assert run(minigrad) == run(torch)
