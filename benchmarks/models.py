"""Model workloads: whole training steps of small networks (W1), and the pieces every
training workload shares (loss, optimizers, the timed step).

A training step is zero_grad, forward, loss, backward and the optimizer step,
run by the same code on ``neurarust`` and on ``torch``. Until neurarust has its
losses and optimizers, the cross-entropy is written as the mean negative
log-softmax of the target class, and SGD and Adam as in-place updates under
``no_grad`` (all as PyTorch computes them).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from types import ModuleType
from typing import Any

from .harness import Measurement, median_seconds


def cross_entropy(lib: ModuleType, logits: Any, target: Any) -> Any:
    """The mean over the batch of ``-log softmax(logits)[target]``."""
    log_probs = lib.nn.functional.log_softmax(logits, 1)
    return -log_probs.gather(1, target[:, None]).mean()


class SGD:
    """PyTorch's SGD with momentum (no dampening, no weight decay; the buffers start at
    zero): ``buf = momentum * buf + grad; param -= lr * buf``.

    Stands in for ``lib.optim.SGD`` until ``neurarust.optim`` exists.
    """

    def __init__(self, lib: ModuleType, params: Iterable[Any], lr: float, momentum: float):
        self.lib, self.lr, self.momentum = lib, lr, momentum
        self.params = list(params)
        self.buffers = [lib.zeros_like(p) for p in self.params]

    def step(self) -> None:
        with self.lib.no_grad():
            for param, buf in zip(self.params, self.buffers):
                buf.mul_(self.momentum).add_(param.grad)
                param.add_(buf, alpha=-self.lr)


class Adam:
    """PyTorch's Adam (no amsgrad): bias-corrected moments, ``eps`` added after the
    square root of the corrected second moment::

        param *= 1 - lr * weight_decay          (decoupled decay: AdamW)
        m = lerp(m, grad, 1 - beta1);  v = beta2 * v + (1 - beta2) * grad**2
        param -= lr / (1 - beta1**t) * m / (sqrt(v) / sqrt(1 - beta2**t) + eps)

    Stands in for ``lib.optim.Adam`` (``weight_decay=0``) and ``lib.optim.AdamW``
    until ``neurarust.optim`` exists.
    """

    def __init__(
        self,
        lib: ModuleType,
        params: Iterable[Any],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
    ):
        self.lib, self.lr, self.betas, self.eps = lib, lr, betas, eps
        self.weight_decay = weight_decay
        self.params = list(params)
        self.exp_avgs = [lib.zeros_like(p) for p in self.params]
        self.exp_avg_sqs = [lib.zeros_like(p) for p in self.params]
        self.steps = 0

    def step(self) -> None:
        self.steps += 1
        beta1, beta2 = self.betas
        step_size = self.lr / (1 - beta1**self.steps)
        second_moment_correction = math.sqrt(1 - beta2**self.steps)
        with self.lib.no_grad():
            for param, exp_avg, exp_avg_sq in zip(self.params, self.exp_avgs, self.exp_avg_sqs):
                if self.weight_decay:
                    param.mul_(1 - self.lr * self.weight_decay)
                exp_avg.lerp_(param.grad, 1 - beta1)
                exp_avg_sq.mul_(beta2).addcmul_(param.grad, param.grad, value=1 - beta2)
                denom = (exp_avg_sq.sqrt() / second_moment_correction).add_(self.eps)
                param.addcdiv_(exp_avg, denom, value=-step_size)


def train_step(lib: ModuleType, model: Any, optimizer: Any, inputs: Any, targets: Any) -> Any:
    """One training step (zero_grad, forward, cross-entropy, backward, update); the loss."""
    model.zero_grad()
    loss = cross_entropy(lib, model(inputs), targets)
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
    optimizer = SGD(lib, model.parameters(), lr=0.01, momentum=0.9)
    return time_training(lib, model, optimizer, inputs, targets, quick)


WORKLOADS = {"W1": w1_mlp}
