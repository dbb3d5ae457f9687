"""Model workloads: whole training steps of small networks (W1), and the pieces every
training workload shares (loss, optimizers, the timed step).

A training step is zero_grad, forward, cross-entropy, backward and the optimizer
step, run by the same code on ``neurarust`` and on ``torch`` (``lib.optim`` and
``lib.nn.functional`` on both sides).
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

from .harness import Measurement, median_seconds


def train_step(lib: ModuleType, model: Any, optimizer: Any, inputs: Any, targets: Any) -> Any:
    """One training step (zero_grad, forward, cross-entropy, backward, update); the loss."""
    model.zero_grad()
    loss = lib.nn.functional.cross_entropy(model(inputs), targets)
    loss.backward()
    optimizer.step()
    return loss


def time_training(
    lib: ModuleType, model: Any, optimizer: Any, inputs: Any, targets: Any, quick: bool
) -> Measurement:
    """The median time of :func:`train_step`, in ms per step."""
    seconds = median_seconds(
        lambda: train_step(lib, model, optimizer, inputs, targets), repeats=5 if quick else 20
    )
    return Measurement(seconds * 1e3, "ms/step")


def w1_mlp(lib: ModuleType, quick: bool) -> Measurement:
    """W1: MLP 784-512-256-10 with ReLU, batch 128, cross-entropy, SGD (lr 0.01,
    momentum 0.9); ms per training step."""
    nn = lib.nn
    lib.manual_seed(0)
    model = nn.Sequential(
        nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 256), nn.ReLU(), nn.Linear(256, 10)
    )
    batch = 16 if quick else 128
    inputs, targets = lib.randn(batch, 784), lib.randint(0, 10, (batch,))
    optimizer = lib.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    return time_training(lib, model, optimizer, inputs, targets, quick)


WORKLOADS = {"W1": w1_mlp}
