"""The documents' MLP example trains through the torch alias: ``python -m minigrad run minigrad/examples/train_mlp.py``."""
from tests.examples.example_run import percent, run_example


def test_train_mlp_example_trains():
    losses, lines = run_example("train_mlp", epochs=10)
    assert losses[-1] < 0.6 * losses[0] and percent("Test acc", lines[-1]) > 75.0  # a 3-class problem: chance is 33%
