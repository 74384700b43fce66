"""The LSTM example trains through the torch alias: ``python -m minigrad run minigrad/examples/sequence_lstm.py``."""
from tests.examples.example_run import percent, run_example


def test_sequence_lstm_example_trains():
    losses, lines = run_example("sequence_lstm", "--epochs", "4", epochs=4)
    assert losses[-1] < 0.5 * losses[0] and percent("Test acc", lines[-1]) > 85.0  # two classes: chance is 50%
