"""CUDA is optional and lazy: ``import minigrad`` and CPU work import neither numba.cuda nor the CUDA
backend; without a GPU, asking for one raises a clear RuntimeError (test_creation checks the
messages)."""
import subprocess
import sys
import textwrap


def test_cpu_work_never_imports_numba_cuda():
    code = textwrap.dedent("""
        import sys
        import minigrad
        import minigrad.nn as nn
        import minigrad.optim as optim

        net = nn.Linear(4, 3)
        opt = optim.SGD(net.parameters(), lr=0.1, momentum=0.9)
        loss = nn.CrossEntropyLoss()(net(minigrad.randn(5, 4)), minigrad.tensor([0, 1, 2, 0, 1]))
        loss.backward()
        opt.step()
        print(minigrad.ones(2, device="cpu"), net.to("cpu").weight.device)
        loaded = [m for m in sys.modules if m.startswith(("numba.cuda", "minigrad.kernels.cuda"))]
        assert not loaded, loaded
    """)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
