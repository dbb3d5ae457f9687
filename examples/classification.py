"""The training and evaluation loops the classification examples share.

Scripts in this folder import it as ``from classification import ...``
(Python puts a script's own folder on ``sys.path``).
"""

from __future__ import annotations

import neurarust as nr
from neurarust import nn
from neurarust.data import DataLoader


def train_epoch(
    model: nn.Module,
    loader: DataLoader,
    optimizer: nr.optim.Optimizer,
    scheduler: nr.optim.lr_scheduler.LRScheduler | None = None,
) -> float:
    """One pass over ``loader`` with cross-entropy; returns the mean training loss.

    ``scheduler`` (if any) steps after every batch.
    """
    model.train()
    loss_fn = nn.CrossEntropyLoss()
    total_loss = 0.0
    for inputs, labels in loader:
        loss = loss_fn(model(inputs), labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        if scheduler is not None:
            scheduler.step()
        total_loss += loss.item()
    return total_loss / len(loader)


def accuracy(model: nn.Module, loader: DataLoader) -> float:
    """The share of correctly classified samples over the whole loader."""
    model.eval()
    correct = total = 0
    with nr.no_grad():
        for inputs, labels in loader:
            correct += int((model(inputs).argmax(dim=1) == labels).sum().item())
            total += len(labels)
    return correct / total
