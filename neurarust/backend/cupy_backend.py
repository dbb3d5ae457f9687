"""The GPU backend: CuPy arrays on one CUDA device (RawKernels register here).

CuPy is optional: this module imports it under ``try`` and
:func:`cupy_available` reports whether a usable GPU is present.
"""

from __future__ import annotations

from typing import Any

from .base import Backend, RandomSource, below_one

try:  # pragma: no cover - exercised only where CuPy is installed
    import cupy
    import cupyx
except Exception:  # ImportError, or a CUDA library that fails to load
    cupy = None
    cupyx = None


def device_count() -> int:
    """Number of CUDA devices CuPy can see (0 without CuPy or a GPU)."""
    if cupy is None:
        return 0
    try:
        return int(cupy.cuda.runtime.getDeviceCount())
    except Exception:  # no driver, no device
        return 0


def _erf(data: Any) -> Any:  # pragma: no cover - needs a GPU
    """The erf kernel: cupyx's ufunc (it computes float16 wider), in ``data``'s dtype."""
    from cupyx.scipy.special import erf  # imported on first use, not with neurarust

    return erf(data).astype(data.dtype, copy=False)


def _multiply_at(target: Any, indices: Any, values: Any) -> None:  # pragma: no cover - GPU
    """``numpy.multiply.at`` for CuPy, which has no scatter-multiply.

    Repeated positions are multiplied in rounds: each round takes the first
    remaining value for every distinct position, so no round writes a
    position twice.
    """
    positions = cupy.arange(target.size).reshape(target.shape)[indices]
    values = cupy.broadcast_to(cupy.asarray(values), positions.shape).ravel()
    positions = positions.ravel()
    while positions.size:
        distinct, first = cupy.unique(positions, return_index=True)
        target[cupy.unravel_index(distinct, target.shape)] *= values[first]
        remaining = cupy.ones(positions.size, dtype=bool)
        remaining[first] = False
        positions, values = positions[remaining], values[remaining]


class CupyRandom(RandomSource):  # pragma: no cover - needs a GPU
    """CuPy's ``RandomState`` on one device."""

    def __init__(self, seed: int, index: int) -> None:
        self._index = index
        with cupy.cuda.Device(index):
            self._state = cupy.random.RandomState(seed)

    def uniform(self, shape: tuple[int, ...], dtype: Any) -> Any:
        with cupy.cuda.Device(self._index):
            if dtype in ("float32", "float64"):
                return self._state.random_sample(shape, dtype=dtype)
            return below_one(self._state.random_sample(shape).astype(dtype), cupy)

    def normal(self, shape: tuple[int, ...], dtype: Any) -> Any:
        with cupy.cuda.Device(self._index):
            return self._state.standard_normal(shape).astype(dtype, copy=False)

    def integers(self, low: int, high: int, shape: tuple[int, ...], dtype: Any) -> Any:
        with cupy.cuda.Device(self._index):
            values = self._state.randint(low, high, size=shape, dtype="int64")
            return values.astype(dtype, copy=False)

    def permutation(self, n: int) -> Any:
        with cupy.cuda.Device(self._index):
            return self._state.permutation(n).astype("int64", copy=False)

    def poisson(self, rates: Any, dtype: Any) -> Any:
        with cupy.cuda.Device(self._index):
            return self._state.poisson(rates, dtype="int64").astype(dtype, copy=False)

    def get_state(self) -> Any:
        raise NotImplementedError("CUDA generator state capture is not supported yet")

    def set_state(self, state: Any) -> None:
        raise NotImplementedError("CUDA generator state restore is not supported yet")


class CupyBackend(Backend):  # pragma: no cover - needs a GPU
    """Arrays on CUDA device ``index``."""

    name = "cupy"

    def __init__(self, index: int) -> None:
        super().__init__()
        if cupy is None:
            raise RuntimeError(
                "CUDA is not available: CuPy is not installed (pip install 'neurarust[gpu]')"
            )
        if index >= device_count():
            raise RuntimeError(
                f"CUDA device {index} is not available: {device_count()} device(s) visible"
            )
        self.xp = cupy
        self.index = index
        # cupy.linalg returns NaNs for singular or non-positive-definite input unless
        # told to raise LinAlgError as numpy.linalg does (neurarust's errors rely on it).
        cupyx.seterr(linalg="raise")
        self.register_kernel("erf", _erf)
        from .kernels import conv_cuda, pool_cuda  # they compile RawKernels on first use

        for kernels in (conv_cuda.KERNELS, pool_cuda.KERNELS):
            for name, kernel in kernels.items():
                self.register_kernel(name, kernel)

    def asarray(self, data: Any, dtype: Any = None) -> Any:
        with cupy.cuda.Device(self.index):
            return cupy.asarray(data, dtype=dtype)

    def to_host(self, array: Any) -> Any:
        return cupy.asnumpy(array)

    def scatter_add(self, target: Any, indices: Any, values: Any) -> None:
        with cupy.cuda.Device(self.index):
            cupyx.scatter_add(target, indices, values)

    def scatter_reduce(self, target: Any, indices: Any, values: Any, reduce: str) -> None:
        with cupy.cuda.Device(self.index):
            if reduce == "sum":
                cupyx.scatter_add(target, indices, values)
            elif reduce == "amax":
                cupyx.scatter_max(target, indices, values)
            elif reduce == "amin":
                cupyx.scatter_min(target, indices, values)
            else:
                _multiply_at(target, indices, values)

    def data_pointer(self, array: Any) -> int:
        return int(array.data.ptr)

    def random_source(self, seed: int) -> RandomSource:
        return CupyRandom(seed, self.index)

    def synchronize(self) -> None:
        with cupy.cuda.Device(self.index):
            cupy.cuda.get_current_stream().synchronize()
