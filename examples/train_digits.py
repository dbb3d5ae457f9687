"""Train a small neural network on the handwritten digits bundled with scikit-learn.

1,797 grayscale 8x8 images of the digits 0-9. The model is a two-layer
perceptron built from ``neurarust.nn`` layers, exactly as in PyTorch:

    Sequential(Linear(64, 32), Tanh(), Linear(32, 10)),   loss = cross-entropy

trained with ``nn.CrossEntropyLoss`` and ``optim.SGD`` on mini-batches. It
prints the test accuracy (about 99%) after a few seconds on a laptop CPU.

Run:  pip install -e ".[examples]" && python examples/train_digits.py
"""

from __future__ import annotations

import numpy as np
from sklearn.datasets import load_digits

import neurarust as nr
from neurarust import nn


def load_data(seed: int = 0) -> tuple[nr.Tensor, ...]:
    """Digits scaled to [0, 1], split 80/20 into train and test tensors."""
    digits = load_digits()
    x = (digits.data / 16.0).astype(np.float32)
    y = digits.target.astype(np.int64)
    order = np.random.default_rng(seed).permutation(len(x))
    split = int(0.8 * len(x))
    train, test = order[:split], order[split:]
    return (
        nr.from_numpy(x[train]),
        nr.from_numpy(y[train]),
        nr.from_numpy(x[test]),
        nr.from_numpy(y[test]),
    )


def build_model() -> nn.Module:
    """A perceptron with one hidden layer of 32 tanh units: (batch, 64) -> (batch, 10)."""
    return nn.Sequential(nn.Linear(64, 32), nn.Tanh(), nn.Linear(32, 10))


def accuracy(model: nn.Module, x: nr.Tensor, y: nr.Tensor) -> float:
    model.eval()
    with nr.no_grad():
        return (model(x).argmax(dim=1) == y).float().mean().item()


def main(epochs: int = 30, batch_size: int = 64, lr: float = 0.5) -> float:
    nr.manual_seed(0)
    x_train, y_train, x_test, y_test = load_data()
    model = build_model()
    loss_fn = nn.CrossEntropyLoss()
    optimizer = nr.optim.SGD(model.parameters(), lr=lr)
    for epoch in range(epochs):
        model.train()
        order = nr.randperm(len(x_train))
        for start in range(0, len(x_train), batch_size):
            batch = order[start : start + batch_size]
            loss = loss_fn(model(x_train[batch]), y_train[batch])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        if epoch % 10 == 9:
            print(f"epoch {epoch + 1:2d}  loss {loss.item():.4f}")
    test_accuracy = accuracy(model, x_test, y_test)
    print(f"test accuracy: {test_accuracy:.1%}")
    return test_accuracy


if __name__ == "__main__":
    main()
