"""Train a small neural network on the handwritten digits bundled with scikit-learn.

1,797 grayscale 8x8 images of the digits 0-9, read offline through
``neurarust.data.datasets.Digits`` (a fixed, stratified 80/20 train/test split)
and batched by a ``DataLoader``. The model is a two-layer perceptron built from
``neurarust.nn`` layers, exactly as in PyTorch:

    Sequential(Linear(64, 64), Tanh(), Linear(64, 10)),   loss = cross-entropy

trained with ``nn.CrossEntropyLoss`` and ``optim.SGD`` on mini-batches. It
prints the test accuracy (about 97%) after a few seconds on a laptop CPU.

Run:  pip install -e ".[examples]" && python examples/train_digits.py
"""

from __future__ import annotations

from classification import accuracy

import neurarust as nr
from neurarust import nn
from neurarust.data import DataLoader
from neurarust.data import transforms as T
from neurarust.data.datasets import Digits

# uint8 image (8, 8) -> float32 pixels in [0, 1], flattened to (64,)
TRANSFORM = T.Compose([T.ToTensor(), T.Reshape((64,))])


def build_model() -> nn.Module:
    """A perceptron with one hidden layer of 64 tanh units: (batch, 64) -> (batch, 10)."""
    return nn.Sequential(nn.Linear(64, 64), nn.Tanh(), nn.Linear(64, 10))


def main(epochs: int = 30, batch_size: int = 64, lr: float = 0.5) -> float:
    nr.manual_seed(0)
    train_loader = DataLoader(
        Digits(split="train", transform=TRANSFORM), batch_size=batch_size, shuffle=True
    )
    test_loader = DataLoader(Digits(split="test", transform=TRANSFORM), batch_size=256)
    model = build_model()
    loss_fn = nn.CrossEntropyLoss()
    optimizer = nr.optim.SGD(model.parameters(), lr=lr)
    for epoch in range(epochs):
        model.train()
        for images, labels in train_loader:
            loss = loss_fn(model(images), labels)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        if epoch % 10 == 9:
            print(f"epoch {epoch + 1:2d}  loss {loss.item():.4f}")
    test_accuracy = accuracy(model, test_loader)
    print(f"test accuracy: {test_accuracy:.1%}")
    return test_accuracy


if __name__ == "__main__":
    main()
