"""The interface every array backend implements.

A backend bundles the array module (``xp``: numpy or cupy, which share an API)
with the few primitives that differ between libraries. Code above
``neurarust/backend/`` reaches arrays only through a tensor's backend, so it
never branches on the device.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def below_one(values: Any, xp: Any) -> Any:
    """``values`` with every 1.0 lowered to the largest number below 1 of their dtype.

    Uniform samples cast from float64 to float16 can round up to 1.0; this keeps
    the interval half-open, ``[0, 1)``, as PyTorch's.
    """
    one = values.dtype.type(1)
    return xp.minimum(values, xp.nextafter(one, values.dtype.type(0)))


class RandomSource:
    """A seeded random stream producing arrays of one backend.

    Every method takes a ``shape`` tuple and a NumPy ``dtype``.
    """

    def uniform(self, shape: tuple[int, ...], dtype: Any) -> Any:
        """Samples from U[0, 1)."""
        raise NotImplementedError

    def normal(self, shape: tuple[int, ...], dtype: Any) -> Any:
        """Samples from N(0, 1)."""
        raise NotImplementedError

    def integers(self, low: int, high: int, shape: tuple[int, ...], dtype: Any) -> Any:
        """Integers drawn uniformly from [low, high)."""
        raise NotImplementedError

    def permutation(self, n: int) -> Any:
        """A random permutation of ``0 .. n-1`` as int64."""
        raise NotImplementedError

    def poisson(self, rates: Any, dtype: Any) -> Any:
        """Counts drawn from Poisson(``rates``), one per element of the array ``rates``."""
        raise NotImplementedError

    def get_state(self) -> Any:
        raise NotImplementedError

    def set_state(self, state: Any) -> None:
        raise NotImplementedError


class Backend:
    """Array module plus the primitives that differ between NumPy and CuPy.

    Attributes:
        name: ``"numpy"`` or ``"cupy"``.
        xp: the array module.
        kernels: name -> callable registry of hot-path kernels (im2col, pooling...),
            filled by ``register_kernel``.
    """

    name: str = ""
    xp: Any = None

    def __init__(self) -> None:
        self.kernels: dict[str, Callable[..., Any]] = {}

    def register_kernel(self, name: str, fn: Callable[..., Any]) -> None:
        """Make ``fn`` the implementation of kernel ``name`` on this backend."""
        self.kernels[name] = fn

    def kernel(self, name: str) -> Callable[..., Any]:
        """The kernel registered as ``name``; KeyError naming the backend if none is."""
        try:
            return self.kernels[name]
        except KeyError:
            raise KeyError(
                f"no kernel {name!r} is registered for the {self.name} backend"
            ) from None

    def asarray(self, data: Any, dtype: Any = None) -> Any:
        """Put ``data`` (host data or an array of this backend) into a backend array."""
        raise NotImplementedError

    def to_host(self, array: Any) -> Any:
        """A NumPy array with the contents of ``array``."""
        raise NotImplementedError

    def scatter_add(self, target: Any, indices: Any, values: Any) -> None:
        """``target[indices] += values`` in place, summing repeated indices."""
        raise NotImplementedError

    def scatter_reduce(self, target: Any, indices: Any, values: Any, reduce: str) -> None:
        """Combine ``values`` into ``target[indices]`` in place, repeated indices included.

        ``reduce`` is ``"sum"``, ``"prod"``, ``"amax"`` or ``"amin"``: NumPy's
        ``add.at``, ``multiply.at``, ``maximum.at`` and ``minimum.at``.
        """
        raise NotImplementedError

    def data_pointer(self, array: Any) -> int:
        """The address of ``array``'s first element (host or device memory)."""
        raise NotImplementedError

    def random_source(self, seed: int) -> RandomSource:
        """A new random stream seeded with ``seed``."""
        raise NotImplementedError

    def synchronize(self) -> None:
        """Wait for queued work to finish (a no-op on the CPU)."""
