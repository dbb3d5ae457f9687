"""Timing helpers shared by every workload: medians after warm-up, library loading.

A workload is a function ``workload(lib, quick) -> Measurement`` that receives
the library module (``neurarust`` or ``torch``) so the same body runs on both.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType


@dataclass
class Measurement:
    """One number a workload reports, e.g. 12.3 µs/op or 45.6 GFLOP/s."""

    value: float
    unit: str
    higher_is_better: bool = False


def median_seconds(
    step: Callable[[], object], repeats: int = 20, warmup: int = 5, inner: int = 1
) -> float:
    """The median wall time of ``step()`` over ``repeats`` runs (after ``warmup`` runs),
    divided by ``inner`` when one run performs ``inner`` operations."""
    for _ in range(warmup):
        step()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    return statistics.median(times) / inner


def load_torch() -> ModuleType | None:
    """PyTorch if installed (the comparison side), else None."""
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(max(1, torch.get_num_threads()))
    return torch
