"""Devices: where a tensor's data lives, and which backend computes on it.

``neurarust.device("cpu")``, ``neurarust.device("cuda")`` (= ``"cuda:0"``) and
``neurarust.device("cuda", 1)`` return interned :class:`device` objects, so two
tensors are on the same device exactly when ``a.device is b.device``. As in
PyTorch, ``neurarust.device`` is the class itself, so
``isinstance(x, neurarust.device)`` works.
"""

from __future__ import annotations

from typing import Any

from .backend import Backend, numpy_backend
from .backend import cupy_backend as _cupy


class device:  # noqa: N801  (named as PyTorch names it)
    """A device type (``"cpu"`` or ``"cuda"``) and, for CUDA, an index.

    ``device(type, index=None)``: ``type`` is ``"cpu"``, ``"cuda"``, ``"cuda:N"``, a
    device, or an int N (``cuda:N``); ``index`` is the CUDA device index when
    ``type`` is ``"cuda"``.

    Raises:
        ValueError: for an unknown or malformed device string.

    The backend is created on first use, so naming ``"cuda"`` on a machine
    without a GPU is fine until a tensor is put there.

    Examples:
        >>> import neurarust as nr
        >>> nr.device("cpu")
        device(type='cpu')
        >>> str(nr.device("cuda", 1))
        'cuda:1'
    """

    __slots__ = ("type", "index", "_backend")

    type: str
    index: int | None
    _backend: Backend | None

    def __new__(cls, type: DeviceLike, index: int | None = None) -> device:  # noqa: A002
        if isinstance(type, device):
            return type
        kind, index = _parse(type, index)
        found = _interned.get((kind, index))
        if found is None:
            found = object.__new__(cls)
            found.type = kind
            found.index = index
            found._backend = numpy_backend if kind == "cpu" else None
            _interned[(kind, index)] = found
        return found

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


Device = device  # the name neurarust's own code and annotations use
DeviceLike = str | device | int

_interned: dict[tuple[str, int | None], device] = {}


def _parse(spec: Any, index: int | None) -> tuple[str, int | None]:
    """``("cuda:1", None)`` or ``("cuda", 1)`` or ``(1, None)`` to ``("cuda", 1)``."""
    if isinstance(spec, int) and not isinstance(spec, bool):
        spec, index = "cuda", spec
    if not isinstance(spec, str):
        raise TypeError(f"device: expected a string, int or device, got {spec.__class__.__name__}")
    kind, colon, idx = spec.partition(":")
    if colon:
        if index is not None:
            raise ValueError(f"device: index given twice in device({spec!r}, {index})")
        if not idx.isdigit():
            raise ValueError(f"device: invalid device string {spec!r}")
        index = int(idx)
    if index is not None and index < 0:
        raise ValueError(f"device: expected a non-negative device index, got {index}")
    if kind == "cpu":
        if index not in (None, 0):
            raise ValueError(f"device: cpu has no index {index}")
        return kind, None
    if kind == "cuda":
        return kind, 0 if index is None else index
    raise ValueError(f"device: expected a device type of 'cpu' or 'cuda', got {spec!r}")


cpu = device("cpu")
