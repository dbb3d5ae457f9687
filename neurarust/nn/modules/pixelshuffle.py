"""PixelShuffle and PixelUnshuffle: moving channels into space and back."""

from __future__ import annotations

from ...ops import resampling as ops
from ...tensor import Tensor
from .module import Module

__all__ = ["PixelShuffle", "PixelUnshuffle"]


class PixelShuffle(Module):
    """Rearranges ``(*, C * r**2, H, W)`` into ``(*, C, H * r, W * r)`` with ``r`` the
    ``upscale_factor`` (sub-pixel convolution). See
    :func:`neurarust.nn.functional.pixel_shuffle`.

    Examples:
        >>> import neurarust as nr
        >>> nr.nn.PixelShuffle(3)(nr.ones(1, 9, 4, 4)).shape
        neurarust.Size([1, 1, 12, 12])
    """

    def __init__(self, upscale_factor: int) -> None:
        super().__init__()
        self.upscale_factor = upscale_factor

    def forward(self, input: Tensor) -> Tensor:
        return ops.pixel_shuffle(input, self.upscale_factor)

    def extra_repr(self) -> str:
        return f"upscale_factor={self.upscale_factor}"


class PixelUnshuffle(Module):
    """Rearranges ``(*, C, H * r, W * r)`` into ``(*, C * r**2, H, W)`` with ``r`` the
    ``downscale_factor``: the inverse of :class:`PixelShuffle`. See
    :func:`neurarust.nn.functional.pixel_unshuffle`.

    Examples:
        >>> import neurarust as nr
        >>> nr.nn.PixelUnshuffle(3)(nr.ones(1, 1, 12, 12)).shape
        neurarust.Size([1, 9, 4, 4])
    """

    def __init__(self, downscale_factor: int) -> None:
        super().__init__()
        self.downscale_factor = downscale_factor

    def forward(self, input: Tensor) -> Tensor:
        return ops.pixel_unshuffle(input, self.downscale_factor)

    def extra_repr(self) -> str:
        return f"downscale_factor={self.downscale_factor}"
