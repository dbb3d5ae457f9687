"""Op-catalogue workloads: advanced-indexing gather, sort and topk on 1M elements.

Every function takes the library (``neurarust`` or ``torch``) and ``quick``
(smaller sizes, for the smoke test that keeps the benchmarks running in CI).
Times are in milliseconds per call.
"""

from __future__ import annotations

from types import ModuleType

from .harness import Measurement, median_seconds


def _elements(quick: bool) -> int:
    return 10_000 if quick else 1_000_000


def gather_backward(lib: ModuleType, quick: bool) -> Measurement:
    """``x[idx]`` picking 1M random elements of a 1M-element tensor, then backward.

    Repeated indices make the backward a scatter-add, the costly half.
    """
    n = _elements(quick)
    lib.manual_seed(0)
    x = lib.randn(n, requires_grad=True)
    idx = lib.randint(0, n, (n,))
    weights = lib.randn(n)

    def step() -> None:
        x.grad = None
        (x[idx] * weights).sum().backward()

    return Measurement(median_seconds(step, repeats=3 if quick else 10) * 1e3, "ms")


def sort(lib: ModuleType, quick: bool) -> Measurement:
    """``torch.sort`` of 1M random float32 values (values and indices)."""
    lib.manual_seed(0)
    x = lib.randn(_elements(quick))
    return Measurement(median_seconds(lambda: lib.sort(x), repeats=3 if quick else 10) * 1e3, "ms")


def topk(lib: ModuleType, quick: bool) -> Measurement:
    """``torch.topk(x, 100)`` of 1M random float32 values."""
    lib.manual_seed(0)
    x = lib.randn(_elements(quick))
    seconds = median_seconds(lambda: lib.topk(x, 100), repeats=3 if quick else 10)
    return Measurement(seconds * 1e3, "ms")


WORKLOADS = {
    "gather-1M": gather_backward,
    "sort-1M": sort,
    "topk-1M": topk,
}
