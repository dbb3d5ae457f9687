"""Devices: where a tensor's data lives, and which backend computes on it.

``neurarust.device("cpu")``, ``neurarust.device("cuda")`` (= ``"cuda:0"``) and
``neurarust.device("cuda", 1)`` return interned :class:`Device` objects, so two
tensors are on the same device exactly when ``a.device is b.device``.
"""

from __future__ import annotations

from typing import Any

from .backend import Backend, numpy_backend
from .backend import cupy_backend as _cupy


class Device:
    """A device type (``"cpu"`` or ``"cuda"``) and, for CUDA, an index.

    The backend is created on first use, so naming ``"cuda"`` on a machine
    without a GPU is fine until a tensor is put there.

    Example:
        >>> import neurarust as nr
        >>> nr.device("cpu")
        device(type='cpu')
        >>> str(nr.device("cuda", 1))
        'cuda:1'
    """

    __slots__ = ("type", "index", "_backend")

    def __init__(self, type: str, index: int | None) -> None:  # noqa: A002
        self.type = type
        self.index = index
        self._backend: Backend | None = numpy_backend if type == "cpu" else None

    @property
    def backend(self) -> Backend:
        """The backend computing on this device (RuntimeError if CUDA is unavailable)."""
        if self._backend is None:
            self._backend = _cupy.CupyBackend(self.index or 0)
        return self._backend

    def __repr__(self) -> str:
        if self.index is None:
            return f"device(type='{self.type}')"
        return f"device(type='{self.type}', index={self.index})"

    def __str__(self) -> str:
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __reduce__(self) -> tuple[Any, ...]:
        return (device, (str(self),))


DeviceLike = str | Device | int

_interned: dict[tuple[str, int | None], Device] = {}


def device(spec: DeviceLike, index: int | None = None) -> Device:
    """The :class:`Device` named by ``spec``.

    Args:
        spec: ``"cpu"``, ``"cuda"``, ``"cuda:N"``, a Device, or an int N (``cuda:N``).
        index: the CUDA device index when ``spec`` is ``"cuda"``.

    Raises:
        ValueError: for an unknown device string.
    """
    if isinstance(spec, Device):
        return spec
    if isinstance(spec, int):
        spec, index = "cuda", spec
    if not isinstance(spec, str):
        raise TypeError(f"device: expected a string, int or device, got {type(spec).__name__}")
    kind, _, idx = spec.partition(":")
    if idx:
        if index is not None:
            raise ValueError(f"device: index given twice in device({spec!r}, {index})")
        if not idx.isdigit():
            raise ValueError(f"device: invalid device string {spec!r}")
        index = int(idx)
    if kind == "cpu":
        if index not in (None, 0):
            raise ValueError(f"device: cpu has no index {index}")
        index = None
    elif kind == "cuda":
        index = 0 if index is None else index
    else:
        raise ValueError(f"device: expected a device type of 'cpu' or 'cuda', got {spec!r}")
    key = (kind, index)
    found = _interned.get(key)
    if found is None:
        found = _interned[key] = Device(kind, index)
    return found


cpu = device("cpu")
