"""Sliding-block layers: Unfold (im2col) and Fold (col2im), as ``torch.nn``."""

from __future__ import annotations

from ...ops.conv import IntOrTuple, fold, unfold
from ...tensor import Tensor
from .module import Module

__all__ = ["Unfold", "Fold"]


class Unfold(Module):
    """Extracts sliding local blocks of a batched image: :func:`neurarust.nn.functional.unfold`.

    Shapes: ``(N, C, H, W)`` or ``(C, H, W)`` -> ``(N, C * kH * kW, L)`` (or
    ``(C * kH * kW, L)``), ``L`` the number of windows.

    Examples:
        >>> import neurarust as nr
        >>> nr.nn.Unfold(kernel_size=(2, 3))(nr.ones(2, 5, 3, 4)).shape
        neurarust.Size([2, 30, 4])
    """

    def __init__(
        self,
        kernel_size: IntOrTuple,
        dilation: IntOrTuple = 1,
        padding: IntOrTuple = 0,
        stride: IntOrTuple = 1,
    ) -> None:
        super().__init__()
        self.kernel_size = kernel_size
        self.dilation = dilation
        self.padding = padding
        self.stride = stride

    def forward(self, input: Tensor) -> Tensor:
        return unfold(input, self.kernel_size, self.dilation, self.padding, self.stride)

    def extra_repr(self) -> str:
        return (
            f"kernel_size={self.kernel_size}, dilation={self.dilation}, "
            f"padding={self.padding}, stride={self.stride}"
        )


class Fold(Module):
    """Combines sliding local blocks into an image, summing overlaps:
    :func:`neurarust.nn.functional.fold`, the adjoint of :class:`Unfold`.

    Shapes: ``(N, C * kH * kW, L)`` or ``(C * kH * kW, L)`` -> ``(N, C, *output_size)``
    (or ``(C, *output_size)``).

    Examples:
        >>> import neurarust as nr
        >>> nr.nn.Fold(output_size=(4, 5), kernel_size=(2, 2))(nr.ones(1, 12, 12)).shape
        neurarust.Size([1, 3, 4, 5])
    """

    def __init__(
        self,
        output_size: IntOrTuple,
        kernel_size: IntOrTuple,
        dilation: IntOrTuple = 1,
        padding: IntOrTuple = 0,
        stride: IntOrTuple = 1,
    ) -> None:
        super().__init__()
        self.output_size = output_size
        self.kernel_size = kernel_size
        self.dilation = dilation
        self.padding = padding
        self.stride = stride

    def forward(self, input: Tensor) -> Tensor:
        return fold(
            input, self.output_size, self.kernel_size, self.dilation, self.padding, self.stride
        )

    def extra_repr(self) -> str:
        return (
            f"output_size={self.output_size}, kernel_size={self.kernel_size}, "
            f"dilation={self.dilation}, padding={self.padding}, stride={self.stride}"
        )
