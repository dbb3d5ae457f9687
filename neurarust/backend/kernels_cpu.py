"""CPU kernels compiled by Numba on first use, each with a NumPy fallback.

Importing Numba takes about half a second and compiling a kernel longer, so
neither happens when neurarust is imported: a kernel is built the first time it
runs (and Numba caches the machine code on disk, ``cache=True``). Without Numba,
or with ``NEURARUST_DISABLE_NUMBA=1`` set before the kernel's first use, the
NumPy fallback runs instead: same results, only slower.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable
from typing import Any

import numpy as np


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


# -- erf ---------------------------------------------------------------------------------


def _erf_scalar(x: float) -> float:
    return math.erf(x)


def _build_erf() -> Callable[..., Any]:
    if not numba_enabled():
        return np.frompyfunc(math.erf, 1, 1)  # an object array, cast by erf() below
    import numba

    return numba.vectorize(["float32(float32)", "float64(float64)"], cache=True)(_erf_scalar)


_erf_ufunc = build_on_first_call(_build_erf)


def erf(data: Any) -> Any:
    """The error function of each element of a float16, float32 or float64 array.

    Returns an array of ``data``'s dtype and shape; float16 is computed in
    float32 (the ufunc casts it up) and rounded back.
    """
    return np.asarray(_erf_ufunc(data), dtype=data.dtype)
