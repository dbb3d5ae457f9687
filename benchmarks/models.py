"""Model workloads: whole training steps of small networks (W1).

A training step is zero_grad, forward, loss, backward and the optimizer step,
run by the same code on ``neurarust`` and on ``torch``. Until neurarust has its
losses and optimizers, the cross-entropy is written as the mean negative
log-softmax of the target class, and SGD with momentum as in-place updates
under ``no_grad`` (both as PyTorch computes them).
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

from .harness import Measurement, median_seconds


def _cross_entropy(lib: ModuleType, logits: Any, target: Any) -> Any:
    """The mean over the batch of ``-log softmax(logits)[target]``."""
    log_probs = lib.nn.functional.log_softmax(logits, 1)
    return -log_probs.gather(1, target[:, None]).mean()


def _sgd_momentum_step(
    lib: ModuleType, params: list[Any], buffers: list[Any], lr: float, momentum: float
) -> None:
    """``buf = momentum * buf + grad; param -= lr * buf`` for each parameter (PyTorch's
    SGD with momentum, no dampening; the buffers start at zero)."""
    with lib.no_grad():
        for param, buf in zip(params, buffers):
            buf.mul_(momentum).add_(param.grad)
            param.add_(buf, alpha=-lr)


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
    params = list(model.parameters())
    buffers = [lib.zeros_like(p) for p in params]

    def step() -> None:
        model.zero_grad()
        loss = _cross_entropy(lib, model(inputs), targets)
        loss.backward()
        _sgd_momentum_step(lib, params, buffers, lr=0.01, momentum=0.9)

    seconds = median_seconds(step, repeats=5 if quick else 20)
    return Measurement(seconds * 1e3, "ms/step")


WORKLOADS = {"W1": w1_mlp}
