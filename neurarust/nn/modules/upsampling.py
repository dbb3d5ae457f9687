"""Upsampling layers: Upsample and the deprecated UpsamplingNearest2d and
UpsamplingBilinear2d, all calling :func:`neurarust.nn.functional.interpolate`."""

from __future__ import annotations

from ...ops import resampling as ops
from ...tensor import Tensor
from .module import Module

__all__ = ["Upsample", "UpsamplingNearest2d", "UpsamplingBilinear2d"]

Size = int | tuple[int, ...]
Ratio = float | tuple[float, ...]


class Upsample(Module):
    """Resizes ``(N, C, W)``, ``(N, C, H, W)`` or ``(N, C, D, H, W)`` inputs to ``size``
    or by ``scale_factor`` (give one of them), with :func:`~neurarust.nn.functional.interpolate`.

    ``mode`` is ``'nearest'`` (default), ``'nearest-exact'``, ``'linear'``
    (3-D), ``'bilinear'`` or ``'bicubic'`` (4-D) or ``'trilinear'`` (5-D);
    ``align_corners`` and ``recompute_scale_factor`` are passed on. Output sizes
    are ``floor(in_size * scale_factor)``.

    Examples:
        >>> import neurarust as nr
        >>> m = nr.nn.Upsample(scale_factor=2, mode="bilinear")
        >>> m
        Upsample(scale_factor=2.0, mode='bilinear')
        >>> m(nr.ones(1, 3, 4, 5)).shape
        neurarust.Size([1, 3, 8, 10])
    """

    def __init__(
        self,
        size: Size | None = None,
        scale_factor: Ratio | None = None,
        mode: str = "nearest",
        align_corners: bool | None = None,
        recompute_scale_factor: bool | None = None,
    ) -> None:
        super().__init__()
        self.name = type(self).__name__
        self.size = size
        # Stored as floats, as PyTorch (the repr shows ``scale_factor=2.0``).
        if isinstance(scale_factor, tuple):
            self.scale_factor: Ratio | None = tuple(float(factor) for factor in scale_factor)
        else:
            self.scale_factor = float(scale_factor) if scale_factor else None
        self.mode = mode
        self.align_corners = align_corners
        self.recompute_scale_factor = recompute_scale_factor

    def forward(self, input: Tensor) -> Tensor:
        return ops.interpolate(
            input,
            self.size,
            self.scale_factor,
            self.mode,
            self.align_corners,
            recompute_scale_factor=self.recompute_scale_factor,
        )

    def extra_repr(self) -> str:
        if self.scale_factor is not None:
            info = f"scale_factor={self.scale_factor!r}"
        else:
            info = f"size={self.size!r}"
        return f"{info}, mode={self.mode!r}"


class UpsamplingNearest2d(Upsample):
    """Nearest-neighbour upsampling of ``(N, C, H, W)`` inputs; deprecated in PyTorch in
    favour of :class:`Upsample` (``mode='nearest'``), kept for old code.

    Examples:
        >>> import neurarust as nr
        >>> nr.nn.UpsamplingNearest2d(scale_factor=2)(nr.ones(1, 1, 2, 3)).shape
        neurarust.Size([1, 1, 4, 6])
    """

    def __init__(self, size: Size | None = None, scale_factor: Ratio | None = None) -> None:
        super().__init__(size, scale_factor, mode="nearest")


class UpsamplingBilinear2d(Upsample):
    """Bilinear upsampling of ``(N, C, H, W)`` inputs with ``align_corners=True``;
    deprecated in PyTorch in favour of :class:`Upsample`, kept for old code.

    Examples:
        >>> import neurarust as nr
        >>> nr.nn.UpsamplingBilinear2d(size=3)
        UpsamplingBilinear2d(size=3, mode='bilinear')
    """

    def __init__(self, size: Size | None = None, scale_factor: Ratio | None = None) -> None:
        super().__init__(size, scale_factor, mode="bilinear", align_corners=True)
