"""Train a small convolutional network on the 8x8 handwritten digits.

1,797 grayscale 8x8 images of the digits 0-9 that ship with scikit-learn, read
offline through ``neurarust.data.datasets.Digits`` (a fixed, stratified 80/20
split: 1,438 training and 359 test images) and batched by a ``DataLoader``
with a tqdm progress bar. The model is two 3x3 convolution blocks and a small
classifier head, written exactly as in PyTorch:

    Conv2d(1, 32, 3, padding=1) -> ReLU -> MaxPool2d(2)      (32, 4, 4)
    Conv2d(32, 64, 3, padding=1) -> ReLU -> MaxPool2d(2)     (64, 2, 2)
    Flatten -> Linear(256, 128) -> ReLU -> Linear(128, 10),  loss = cross-entropy

trained with ``nn.CrossEntropyLoss`` and ``optim.Adam``, its learning rate
annealed to zero along a cosine (``lr_scheduler.CosineAnnealingLR``, stepped
every batch). It prints the test accuracy: about 98% after 15 epochs, in
well under a minute on a laptop CPU.

Run:  pip install -e ".[examples]" && python examples/train_cnn_digits.py
"""

from __future__ import annotations

from classification import accuracy, train_epoch

import neurarust as nr
from neurarust import nn
from neurarust.data import DataLoader
from neurarust.data import transforms as T
from neurarust.data.datasets import Digits

# uint8 image (8, 8) -> float32 (1, 8, 8), pixels scaled from [0, 1] to [-1, 1]
TRANSFORM = T.Compose([T.ToTensor(), T.Normalize((0.5,), (0.5,))])


def build_model() -> nn.Module:
    """Two conv blocks and a two-layer head: (batch, 1, 8, 8) -> (batch, 10) logits."""
    return nn.Sequential(
        nn.Conv2d(1, 32, kernel_size=3, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Conv2d(32, 64, kernel_size=3, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(64 * 2 * 2, 128),
        nn.ReLU(),
        nn.Linear(128, 10),
    )


def main(
    epochs: int = 15, batch_size: int = 32, lr: float = 3e-3, progress: bool = True, seed: int = 0
) -> float:
    nr.manual_seed(seed)
    train_loader = DataLoader(
        Digits(split="train", transform=TRANSFORM),
        batch_size=batch_size,
        shuffle=True,
        progress=progress,
    )
    test_loader = DataLoader(Digits(split="test", transform=TRANSFORM), batch_size=256)
    model = build_model()
    optimizer = nr.optim.Adam(model.parameters(), lr=lr)
    scheduler = nr.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=epochs * len(train_loader))
    for epoch in range(epochs):
        loss = train_epoch(model, train_loader, optimizer, scheduler)
        print(f"epoch {epoch + 1:2d}  train loss {loss:.4f}")
    test_accuracy = accuracy(model, test_loader)
    print(f"test accuracy: {test_accuracy:.1%}")
    return test_accuracy


if __name__ == "__main__":
    main()
