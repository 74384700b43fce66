"""minigrad.autograd.quiet: numpy's floating-point errors ignored inside, the caller's settings (error
modes, buffer size) back outside, nested and per thread, as ``np.errstate(all="ignore")``."""
import threading
import warnings

import numpy as np
import pytest

from minigrad.autograd.quiet import quiet


def test_ignores_inside_and_restores_outside():
    old = np.seterr(divide="raise", invalid="warn")
    try:
        with quiet():
            assert np.isinf(np.ones(1) / np.zeros(1)).all()
            with quiet():
                assert np.isnan(np.zeros(1) / np.zeros(1)).all()
            assert np.geterr() == {"divide": "ignore", "over": "ignore", "under": "ignore", "invalid": "ignore"}
        with pytest.raises(FloatingPointError):
            np.ones(1) / np.zeros(1)
        with pytest.warns(RuntimeWarning):
            np.zeros(1) / np.zeros(1)
    finally:
        np.seterr(**old)


def test_keeps_the_buffer_size():
    old = np.getbufsize()
    try:
        np.setbufsize(16384)
        with quiet():
            assert np.getbufsize() == 16384
    finally:
        np.setbufsize(old)


def test_other_threads_keep_their_settings():
    seen = {}
    inside, done = threading.Event(), threading.Event()

    def other():
        inside.wait(10)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            np.ones(1) / np.zeros(1)
        seen["warned"] = bool(caught)
        done.set()

    thread = threading.Thread(target=other)
    thread.start()
    with quiet():
        inside.set()
        done.wait(10)
    thread.join()
    assert seen == {"warned": True}
