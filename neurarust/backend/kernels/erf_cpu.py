"""The error function on the CPU: a Numba ufunc, or ``math.erf`` per element without Numba."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from .numba_support import build_on_first_call, numba_enabled


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
