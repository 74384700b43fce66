"""``import minigrad`` leaves numpy's error state and the warnings filters as the user set them, and
minigrad's own math still gives inf/NaN silently, as torch does (numpy's error state is scoped to
minigrad's calls), in the main thread and in a new one."""
from tests.hardening.childproc import result, run

CHILD = """
    import json, threading, warnings
    import numpy as np

    np.seterr(divide="raise", over="warn", invalid="call", under="print")
    warnings.simplefilter("error", RuntimeWarning)
    before = (np.geterr(), [str(f) for f in warnings.filters])
    import minigrad
    after = (np.geterr(), [str(f) for f in warnings.filters])

    def minigrad_math(out):
        x = minigrad.tensor([0.0, -1.0, 1e300], requires_grad=True)  # 1e300 overflows float32
        y = (x.log() + 1 / x + x * 1e38).sum()
        y.backward()
        out.append([str(y.item()), x.grad.tolist()])

    quiet = []
    minigrad_math(quiet)
    thread = threading.Thread(target=minigrad_math, args=(quiet,))
    thread.start()
    thread.join()
    try:
        np.float64(1.0) / np.float64(0.0)
        users_own = "no error"
    except FloatingPointError:
        users_own = "FloatingPointError"
    print(json.dumps({"same": before == after, "quiet": quiet, "users_own": users_own,
                      "geterr": np.geterr()}))
"""


def test_import_keeps_numpy_error_state_and_warning_filters_and_minigrad_math_stays_silent():
    out = result(run(CHILD))
    assert out["same"]
    assert out["geterr"] == {"divide": "raise", "over": "warn", "under": "print", "invalid": "call"}
    assert out["users_own"] == "FloatingPointError"  # the user's setting still applies to the user's code
    # minigrad's math raised no FloatingPointError nor RuntimeWarning (an error here), in either thread
    main, thread = out["quiet"]
    assert main == thread and main[0] == "nan"
