"""``import minigrad`` works where torch cannot be imported, and never imports torch itself."""
import subprocess
import sys
import textwrap

BLOCKER = textwrap.dedent("""
    import sys

    class BlockTorch:
        def find_spec(self, name, path=None, target=None):
            if name == "torch" or name.startswith("torch."):
                raise ImportError("torch is blocked for this test")
            return None

    sys.meta_path.insert(0, BlockTorch())
""")


def run_child(code):
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)


def test_import_and_use_with_torch_blocked():
    code = BLOCKER + textwrap.dedent("""
        try:
            import torch  # noqa: F401
            raise SystemExit("the blocker did not block torch")
        except ImportError:
            pass
        import minigrad
        x = minigrad.randn(3, 4, requires_grad=True)
        y = (x.relu() @ minigrad.ones(4, 2)).softmax(1).sum()
        y.backward()
        assert x.grad.shape == (3, 4)
        print(repr(minigrad.tensor([1.0, 2.0])))
    """)
    proc = run_child(code)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "tensor([1., 2.])"


def test_importing_minigrad_does_not_import_torch():
    code = textwrap.dedent("""
        import sys
        import minigrad
        import minigrad.nn, minigrad.autograd, minigrad.nn.functional
        minigrad.ones(2).sum()
        loaded = sorted(m for m in sys.modules if m == "torch" or m.startswith("torch."))
        print(loaded)
    """)
    proc = run_child(code)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"
