"""Core workloads: M3 (matmul throughput), M4 (per-op overhead), import time.

Every function takes the library (``neurarust`` or ``torch``) and ``quick``
(smaller sizes, for the smoke test that keeps the benchmarks running in CI).
"""

from __future__ import annotations

import subprocess
import sys
from types import ModuleType

from .harness import Measurement, median_seconds


def m3_matmul(lib: ModuleType, quick: bool) -> Measurement:
    """M3: float32 ``(n, n) @ (n, n)`` forward, n = 1024, in GFLOP/s."""
    n = 128 if quick else 1024
    lib.manual_seed(0)
    a, b = lib.randn(n, n), lib.randn(n, n)
    seconds = median_seconds(lambda: a @ b, repeats=5 if quick else 20)
    return Measurement(2 * n**3 / seconds / 1e9, "GFLOP/s", higher_is_better=True)


def _pair(lib: ModuleType, requires_grad: bool) -> tuple[object, object]:
    lib.manual_seed(0)
    return (lib.randn(16, requires_grad=requires_grad), lib.randn(16, requires_grad=requires_grad))


def _m4_add(lib: ModuleType, quick: bool, recording: bool) -> Measurement:
    """``a + b`` on 16-element tensors that require grad, µs per op; under
    ``no_grad`` unless ``recording``."""
    a, b = _pair(lib, True)
    inner = 100 if quick else 1000

    def step() -> None:
        with lib.set_grad_enabled(recording):
            for _ in range(inner):
                a + b

    return Measurement(median_seconds(step, inner=inner) * 1e6, "µs/op")


def m4_add_with_grad(lib: ModuleType, quick: bool) -> Measurement:
    """M4a: ``a + b`` with the graph recorded."""
    return _m4_add(lib, quick, recording=True)


def m4_add_no_grad(lib: ModuleType, quick: bool) -> Measurement:
    """M4b: the same ``a + b`` under ``no_grad``."""
    return _m4_add(lib, quick, recording=False)


def m4_chain_backward(lib: ModuleType, quick: bool) -> Measurement:
    """M4c: a chain of 1000 adds then ``backward()``, µs per op (forward + backward)."""
    a, b = _pair(lib, True)
    length = 100 if quick else 1000

    def step() -> None:
        y = a
        for _ in range(length):
            y = y + b
        y.sum().backward()

    return Measurement(median_seconds(step, inner=length) * 1e6, "µs/op")


def import_time(lib: ModuleType, quick: bool) -> Measurement:
    """Whole-process time of ``python -c "import <lib>"``, in ms."""

    def step() -> None:
        subprocess.run([sys.executable, "-c", f"import {lib.__name__}"], check=True)

    repeats = 1 if quick else 5
    return Measurement(median_seconds(step, repeats=repeats, warmup=1) * 1e3, "ms")


WORKLOADS = {
    "M3": m3_matmul,
    "M4-grad": m4_add_with_grad,
    "M4-nograd": m4_add_no_grad,
    "M4-chain": m4_chain_backward,
    "import": import_time,
}
