"""The encoder–decoder segmentation example: one training step matches torch's (the same weights
through state_dict, outputs, loss, every parameter's gradient, BatchNorm running statistics), and
the script trains through ``python -m minigrad run``."""
import numpy as np
import torch

import minigrad
from minigrad.examples.segmentation_unet import segmentation_unet
from tests.compare import assert_close
from tests.examples.example_run import percent, run_example


def test_training_step_matches_torch():
    minigrad.manual_seed(0)
    mg, th = segmentation_unet(minigrad), segmentation_unet(torch)
    th.load_state_dict({k: torch.tensor(v.numpy()) for k, v in mg.state_dict().items()})
    mg.drop.eval(), th.drop.eval()  # dropout masks are the generator's business (tested in tests/nn)
    rng = np.random.default_rng(0)
    x, y = rng.standard_normal((2, 3, 16, 16)).astype(np.float32), rng.integers(0, 2, (2, 16, 16))
    losses = []
    for lib, net in ((minigrad, mg), (torch, th)):
        out = net(lib.tensor(x))
        loss = lib.nn.functional.cross_entropy(out, lib.tensor(y))
        loss.backward()
        losses.append((out, loss))
    assert tuple(losses[0][0].shape) == (2, 2, 16, 16)
    assert_close(losses[0][0], losses[1][0], rtol=1e-4, atol=1e-5)
    assert_close(losses[0][1], losses[1][1], rtol=1e-5)
    for (name, p), q in zip(mg.named_parameters(), th.parameters()):
        assert_close(p.grad, q.grad, rtol=1e-3, atol=1e-5, what=f"grad of {name}")
    for (name, b), c in zip(mg.named_buffers(), th.buffers()):
        assert_close(b, c, rtol=1e-4, atol=1e-6, what=name)


def test_example_trains_through_the_alias():
    losses, lines = run_example("segmentation_unet", "--epochs", "3", "--size", "16", "--images", "32", epochs=3)
    assert losses[-1] < losses[0] and percent("Test pixel acc", lines[-1]) > 80.0  # shapes: about a fifth of the pixels
