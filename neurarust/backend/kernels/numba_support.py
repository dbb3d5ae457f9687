"""Numba support shared by the CPU kernels: is Numba usable, and lazy building.

Importing Numba takes about half a second and compiling a kernel longer, so
neither happens when neurarust is imported: a kernel is built the first time it
runs (and Numba caches the machine code on disk, ``cache=True``). Without Numba,
or with ``NEURARUST_DISABLE_NUMBA=1`` set before the kernel's first use, the
NumPy fallback runs instead: same results, only slower.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any


def numba_enabled() -> bool:
    """True when Numba is installed and ``NEURARUST_DISABLE_NUMBA`` is unset (or 0)."""
    if os.environ.get("NEURARUST_DISABLE_NUMBA", "0") not in ("", "0"):
        return False
    try:
        import numba  # noqa: F401
    except ImportError:
        return False
    return True


def build_on_first_call(build: Callable[[], Callable[..., Any]]) -> Callable[..., Any]:
    """A function that calls ``build()`` once, on its first call, then runs what it built."""
    built: Callable[..., Any] | None = None

    def run(*args: Any) -> Any:
        nonlocal built
        if built is None:
            built = build()
        return built(*args)

    return run
