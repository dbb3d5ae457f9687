"""Train a small neural network on the handwritten digits bundled with scikit-learn.

1,797 grayscale 8x8 images of the digits 0-9. The model is a two-layer
perceptron written with neurarust's core tensor ops and autograd (the
``neurarust.nn`` layers will make this shorter):

    logits = tanh(x @ W1 + b1) @ W2 + b2,   loss = cross-entropy(logits, labels)

trained with plain gradient descent on mini-batches. It prints the test
accuracy (about 96%) after a few seconds on a laptop CPU.

Run:  pip install -e ".[examples]" && python examples/train_digits.py
"""

from __future__ import annotations

import numpy as np
from sklearn.datasets import load_digits

import neurarust as nr


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


def init_params(n_in: int, n_hidden: int, n_out: int) -> list[nr.Tensor]:
    """Weights drawn with variance 1/fan_in; biases at zero."""
    w1 = (nr.randn(n_in, n_hidden) / n_in**0.5).requires_grad_()
    b1 = nr.zeros(n_hidden, requires_grad=True)
    w2 = (nr.randn(n_hidden, n_out) / n_hidden**0.5).requires_grad_()
    b2 = nr.zeros(n_out, requires_grad=True)
    return [w1, b1, w2, b2]


def forward(params: list[nr.Tensor], x: nr.Tensor) -> nr.Tensor:
    """Logits of shape (batch, 10) for images of shape (batch, 64)."""
    w1, b1, w2, b2 = params
    return (x @ w1 + b1).tanh() @ w2 + b2


def cross_entropy(logits: nr.Tensor, labels: nr.Tensor) -> nr.Tensor:
    """Mean negative log-likelihood of the true labels."""
    one_hot = labels.unsqueeze(1) == nr.arange(logits.shape[1])
    return -(logits.log_softmax(dim=1) * one_hot).sum(dim=1).mean()


def accuracy(params: list[nr.Tensor], x: nr.Tensor, y: nr.Tensor) -> float:
    with nr.no_grad():
        return (forward(params, x).argmax(dim=1) == y).float().mean().item()


def main(epochs: int = 30, batch_size: int = 64, lr: float = 0.5) -> float:
    nr.manual_seed(0)
    x_train, y_train, x_test, y_test = load_data()
    params = init_params(64, 32, 10)
    for epoch in range(epochs):
        order = nr.randperm(len(x_train))
        for start in range(0, len(x_train), batch_size):
            batch = order[start : start + batch_size]
            loss = cross_entropy(forward(params, x_train[batch]), y_train[batch])
            for p in params:
                p.grad = None
            loss.backward()
            with nr.no_grad():
                for p in params:
                    p -= lr * p.grad
        if epoch % 10 == 9:
            print(f"epoch {epoch + 1:2d}  loss {loss.item():.4f}")
    test_accuracy = accuracy(params, x_test, y_test)
    print(f"test accuracy: {test_accuracy:.1%}")
    return test_accuracy


if __name__ == "__main__":
    main()
