"""Anomaly detection, as torch's: under ``detect_anomaly()`` / ``set_detect_anomaly(True)`` a NaN that
backward produces raises at once, naming the node that returned it and which of its outputs."""
import threading
import warnings

import pytest
import torch

import minigrad

LIBS = [minigrad, torch]


def _sqrt_at_zero(lib):
    x = lib.tensor([0.0, 1.0], requires_grad=True)
    return (x.sqrt() * 0).sum()


def _product(lib, inf_first):
    a, b = lib.tensor([1.0], requires_grad=True), lib.tensor([float("inf")], requires_grad=True)
    return ((b * a if inf_first else a * b) * 0).sum()


def _log_at_zero(lib):
    x = lib.tensor([0.0, 2.0], requires_grad=True)
    return (x.log() * 0).sum()


def _mse_of_infinities(lib):
    x = lib.tensor([float("inf"), 1.0], requires_grad=True)
    return lib.nn.functional.mse_loss(x, lib.tensor([float("inf"), 0.0]))


def _custom_function(lib):
    class Spoil(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, g):
            return g * float("nan")

    return Spoil.apply(lib.tensor([1.0, 2.0], requires_grad=True)).sum()


CASES = {
    "SqrtBackward0": _sqrt_at_zero,
    "MulBackward0, 0th": lambda lib: _product(lib, inf_first=False),
    "MulBackward0, 1th": lambda lib: _product(lib, inf_first=True),
    "LogBackward0": _log_at_zero,
    "MseLossBackward0": _mse_of_infinities,
    "a custom Function": _custom_function,
}


def _error(lib, build):
    """The message of the error backward raises under anomaly detection (None if it does not)."""
    with pytest.warns(UserWarning, match="Anomaly Detection has been enabled"):
        mode = lib.autograd.detect_anomaly()
    with mode, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch also warns, with the traceback of the forward call
        try:
            build(lib).backward()
        except RuntimeError as exc:
            return str(exc)
    return None


@pytest.mark.parametrize("case", CASES)
def test_error_names_the_node_like_torch(case):
    want = _error(torch, CASES[case])
    assert want is not None and want.startswith("Function '")
    assert _error(minigrad, CASES[case]) == want
    assert not minigrad.autograd.is_anomaly_enabled()


@pytest.mark.filterwarnings("ignore:Error detected in:UserWarning")  # torch's traceback of the forward call
@pytest.mark.parametrize("lib", LIBS, ids=["minigrad", "torch"])
def test_set_detect_anomaly_as_function_and_context_manager(lib):
    lib.autograd.set_detect_anomaly(True)
    try:
        assert lib.is_anomaly_enabled() if lib is torch else minigrad.autograd.is_anomaly_enabled()
        with pytest.raises(RuntimeError, match="Function 'SqrtBackward0' returned nan values in its 0th output"):
            _sqrt_at_zero(lib).backward()
        with lib.autograd.set_detect_anomaly(False):
            _sqrt_at_zero(lib).backward()  # off inside the block
        with pytest.raises(RuntimeError, match="returned nan values"):
            _sqrt_at_zero(lib).backward()  # and on again after it
    finally:
        lib.autograd.set_detect_anomaly(False)


@pytest.mark.parametrize("lib", LIBS, ids=["minigrad", "torch"])
def test_nan_gradients_pass_without_the_nan_check(lib):
    for on, check_nan in ((True, False), (False, True)):
        with lib.autograd.set_detect_anomaly(on, check_nan):
            x = lib.tensor([0.0, 1.0], requires_grad=True)
            (x.sqrt() * 0).sum().backward()
            assert x.grad[0].isnan().item() and x.grad[1].item() == 0


@pytest.mark.filterwarnings("ignore:invalid value encountered:RuntimeWarning")  # numpy in a thread: test_threads
def test_anomaly_mode_is_process_wide():
    """Unlike grad mode, the setting reaches other threads (torch keeps one global flag too)."""
    errors = []

    def backward():
        try:
            _sqrt_at_zero(minigrad).backward()
        except RuntimeError as exc:
            errors.append(str(exc))

    with minigrad.autograd.set_detect_anomaly(True):
        thread = threading.Thread(target=backward)
        thread.start()
        thread.join()
    assert errors == ["Function 'SqrtBackward0' returned nan values in its 0th output."]
    assert not minigrad.autograd.is_anomaly_enabled()
