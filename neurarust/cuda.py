"""``neurarust.cuda``: is a GPU usable, and how many are there.

A GPU is usable when CuPy is installed (``pip install 'neurarust[gpu]'``) and a
CUDA device is visible.
"""

from __future__ import annotations

from .backend import cupy_backend as _cupy


def is_available() -> bool:
    """True when CuPy is installed and at least one CUDA device is visible."""
    return _cupy.device_count() > 0


def device_count() -> int:
    """The number of visible CUDA devices (0 without CuPy)."""
    return _cupy.device_count()


def synchronize() -> None:
    """Wait for all queued GPU work on the current device (no-op without a GPU)."""
    if is_available():
        from .device import device

        device("cuda").backend.synchronize()
