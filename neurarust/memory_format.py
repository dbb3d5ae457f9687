"""Memory-layout tags: ``neurarust.contiguous_format`` and friends.

PyTorch lets ops choose how a tensor's elements are laid out in memory.
neurarust arrays are laid out by NumPy/CuPy; these tags exist so code written
for PyTorch (``x.contiguous(memory_format=torch.contiguous_format)``,
``x.clone(memory_format=torch.preserve_format)``) runs unchanged. A layout tag
never changes any value.

Two layouts exist: row-major (``contiguous_format``, NumPy's C order) and, for
4-D NCHW tensors, ``channels_last``: the elements laid out as N, H, W, C, so
the channels of one pixel are adjacent, while the shape stays NCHW.
"""

from __future__ import annotations

from typing import Any

__all__ = ["memory_format", "contiguous_format", "preserve_format", "channels_last"]


class memory_format:  # noqa: N801  (PyTorch's name)
    """A named memory layout (``neurarust.contiguous_format``, ...)."""

    def __init__(self, name: str) -> None:
        self._name = name

    def __repr__(self) -> str:
        return f"neurarust.{self._name}"


contiguous_format = memory_format("contiguous_format")
preserve_format = memory_format("preserve_format")
channels_last = memory_format("channels_last")


def is_channels_last(data: Any) -> bool:
    """True if the 4-D array ``data`` (N, C, H, W) is laid out densely as N, H, W, C."""
    if data.ndim != 4:
        return False
    n, c, h, w = data.shape
    dense = (h * w * c, 1, w * c, c)  # the NCHW strides of an NHWC block, in elements
    strides = (s // data.itemsize for s in data.strides)
    return all(size == 1 or got == want for size, got, want in zip(data.shape, strides, dense))


def to_channels_last(data: Any, xp: Any) -> Any:
    """A copy of the 4-D array ``data`` laid out as N, H, W, C (shape unchanged)."""
    return xp.ascontiguousarray(data.transpose(0, 2, 3, 1)).transpose(0, 3, 1, 2)
