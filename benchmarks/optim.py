"""Optimizer workloads: one ``step()`` over 1M float32 parameters in 10 tensors.

The gradients are set once; each timed call is one full update (the state is
created by the warm-up steps). PyTorch runs its single-tensor implementation
(``foreach=False``), the same algorithm neurarust runs, so the ratio measures
the implementation, not the algorithm.

- ``O1-adam-1M``: Adam (lr 1e-3, default betas).
- ``O2-sgd-momentum-1M``: SGD with momentum 0.9 and weight decay 1e-4.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

from .harness import Measurement, median_seconds


def _parameters(lib: ModuleType, quick: bool) -> list[Any]:
    """10 parameters of 100k elements (1k in quick mode), each with a gradient."""
    size = 1_000 if quick else 100_000
    lib.manual_seed(0)
    params = [lib.randn(size, requires_grad=True) for _ in range(10)]
    for p in params:
        p.grad = lib.randn(size)
    return params


def _time_step(optimizer: Any, quick: bool) -> Measurement:
    seconds = median_seconds(optimizer.step, repeats=5 if quick else 50, warmup=3)
    return Measurement(seconds * 1e3, "ms/step")


def adam(lib: ModuleType, quick: bool) -> Measurement:
    """One Adam step over 1M parameters in 10 tensors."""
    return _time_step(lib.optim.Adam(_parameters(lib, quick), lr=1e-3, foreach=False), quick)


def sgd_momentum(lib: ModuleType, quick: bool) -> Measurement:
    """One SGD step (momentum 0.9, weight decay 1e-4) over 1M parameters in 10 tensors."""
    params = _parameters(lib, quick)
    optimizer = lib.optim.SGD(params, lr=0.01, momentum=0.9, weight_decay=1e-4, foreach=False)
    return _time_step(optimizer, quick)


WORKLOADS = {
    "O1-adam-1M": adam,
    "O2-sgd-momentum-1M": sgd_momentum,
}
