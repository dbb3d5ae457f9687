"""Memory-layout tags: ``neurarust.contiguous_format`` and friends.

PyTorch lets ops choose how a tensor's elements are laid out in memory.
neurarust arrays are laid out by NumPy/CuPy; these tags exist so code written
for PyTorch (``x.contiguous(memory_format=torch.contiguous_format)``,
``x.clone(memory_format=torch.preserve_format)``) runs unchanged. A layout tag
never changes any value.
"""

from __future__ import annotations

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
