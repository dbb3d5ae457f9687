"""Array backends. Only this package imports NumPy-alternatives (CuPy) or Numba."""

from .base import Backend, RandomSource
from .numpy_backend import numpy_backend

__all__ = ["Backend", "RandomSource", "numpy_backend"]
