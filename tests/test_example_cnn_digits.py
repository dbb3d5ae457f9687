"""examples/train_cnn_digits.py: a small CNN reaches >= 97% test accuracy on the 8x8 digits."""

import pytest

from tests.test_examples import load_example


@pytest.mark.slow
def test_train_cnn_digits_reaches_97_percent():
    pytest.importorskip("sklearn")
    pytest.importorskip("tqdm")
    example = load_example("train_cnn_digits")
    assert example.main(epochs=8) >= 0.97
