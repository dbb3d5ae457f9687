"""The CPU backend: NumPy arrays (Numba kernels register themselves here)."""

from __future__ import annotations

from typing import Any

import numpy as np

from .base import Backend, RandomSource, below_one
from .kernels import conv_cpu, erf_cpu, pool_cpu

# The ufunc whose ``at`` method performs each reduction of ``scatter_reduce``.
_AT_UFUNCS = {"sum": np.add, "prod": np.multiply, "amax": np.maximum, "amin": np.minimum}


class NumpyRandom(RandomSource):
    """PCG64 stream from ``numpy.random.Generator``."""

    def __init__(self, seed: int) -> None:
        self._gen = np.random.Generator(np.random.PCG64(seed))

    def uniform(self, shape: tuple[int, ...], dtype: Any) -> Any:
        if dtype in (np.float32, np.float64):
            return self._gen.random(shape, dtype=dtype)
        return below_one(self._gen.random(shape).astype(dtype), np)

    def normal(self, shape: tuple[int, ...], dtype: Any) -> Any:
        if dtype in (np.float32, np.float64):
            return self._gen.standard_normal(shape, dtype=dtype)
        return self._gen.standard_normal(shape).astype(dtype)

    def integers(self, low: int, high: int, shape: tuple[int, ...], dtype: Any) -> Any:
        return self._gen.integers(low, high, size=shape, dtype=np.int64).astype(dtype, copy=False)

    def permutation(self, n: int) -> Any:
        return self._gen.permutation(n).astype(np.int64, copy=False)

    def poisson(self, rates: Any, dtype: Any) -> Any:
        return self._gen.poisson(rates).astype(dtype, copy=False)

    def get_state(self) -> Any:
        return self._gen.bit_generator.state

    def set_state(self, state: Any) -> None:
        self._gen.bit_generator.state = state


class NumpyBackend(Backend):
    name = "numpy"
    xp = np

    def asarray(self, data: Any, dtype: Any = None) -> Any:
        if hasattr(data, "__cuda_array_interface__"):
            data = data.get()  # a CuPy array coming to the host
        return np.asarray(data, dtype=dtype)

    def to_host(self, array: Any) -> Any:
        return array

    def scatter_add(self, target: Any, indices: Any, values: Any) -> None:
        np.add.at(target, indices, values)

    def scatter_reduce(self, target: Any, indices: Any, values: Any, reduce: str) -> None:
        _AT_UFUNCS[reduce].at(target, indices, values)

    def data_pointer(self, array: Any) -> int:
        return int(array.__array_interface__["data"][0])

    def random_source(self, seed: int) -> RandomSource:
        return NumpyRandom(seed)


numpy_backend = NumpyBackend()
numpy_backend.register_kernel("erf", erf_cpu.erf)
for _kernels in (conv_cpu.KERNELS, pool_cpu.KERNELS):
    for _name, _kernel in _kernels.items():
        numpy_backend.register_kernel(_name, _kernel)
