"""Padding layers (as ``torch.nn``): each one calls :func:`neurarust.nn.functional.pad`.

``padding`` is an int (the same amount on every side) or a tuple of
(before, after) amounts starting from the last dim: ``(left, right)`` for
the 1d layers, ``(left, right, top, bottom)`` for 2d, ``(left, right, top,
bottom, front, back)`` for 3d. Negative amounts crop.
"""

from __future__ import annotations

from collections.abc import Iterable

from ...ops.padding import pad
from ...tensor import Tensor
from .module import Module

__all__ = [
    "CircularPad1d",
    "CircularPad2d",
    "CircularPad3d",
    "ConstantPad1d",
    "ConstantPad2d",
    "ConstantPad3d",
    "ReflectionPad1d",
    "ReflectionPad2d",
    "ReflectionPad3d",
    "ReplicationPad1d",
    "ReplicationPad2d",
    "ReplicationPad3d",
    "ZeroPad1d",
    "ZeroPad2d",
    "ZeroPad3d",
]


class _PadNd(Module):
    """Pads the last ``_dims`` dims of its input in ``_mode``."""

    _mode = "constant"
    _dims = 1

    def __init__(self, padding: int | tuple[int, ...]) -> None:
        super().__init__()
        # As PyTorch: an iterable is taken as given (F.pad checks it), an int is repeated.
        count = 2 * self._dims
        self.padding = tuple(padding) if isinstance(padding, Iterable) else (padding,) * count

    def forward(self, input: Tensor) -> Tensor:
        return pad(input, self.padding, self._mode)

    def extra_repr(self) -> str:
        return f"{self.padding}"


class _ReflectionPadNd(_PadNd):
    _mode = "reflect"


class _ReplicationPadNd(_PadNd):
    _mode = "replicate"


class _CircularPadNd(_PadNd):
    _mode = "circular"

    def forward(self, input: Tensor) -> Tensor:
        if input.ndim not in (self._dims + 1, self._dims + 2):
            raise ValueError(
                f"expected {self._dims + 1}D or {self._dims + 2}D input (got {input.ndim}D input)"
            )
        return super().forward(input)


class _ConstantPadNd(_PadNd):
    def __init__(self, padding: int | tuple[int, ...], value: float) -> None:
        super().__init__(padding)
        self.value = value

    def forward(self, input: Tensor) -> Tensor:
        return pad(input, self.padding, "constant", self.value)

    def extra_repr(self) -> str:
        return f"padding={self.padding}, value={self.value}"


class _ZeroPadNd(_ConstantPadNd):
    def __init__(self, padding: int | tuple[int, ...]) -> None:
        super().__init__(padding, 0.0)

    extra_repr = _PadNd.extra_repr


class ReflectionPad1d(_ReflectionPadNd):
    """Pads the last dim with its reflection at the edges (edges not repeated); each
    amount must be smaller than the dim.

    Shapes: ``(N, C, W)`` or ``(C, W)`` -> ``W + left + right``.

    Examples:
        >>> import neurarust as nr
        >>> nr.nn.ReflectionPad1d(2)(nr.tensor([[1.0, 2.0, 3.0]]))
        tensor([[3., 2., 1., 2., 3., 2., 1.]])
    """

    _dims = 1


class ReflectionPad2d(_ReflectionPadNd):
    """Pads the last 2 dims with their reflection at the edges.

    Shapes: ``(N, C, H, W)`` or ``(C, H, W)`` -> ``H + top + bottom``, ``W + left + right``.

    Examples:
        >>> import neurarust as nr
        >>> nr.nn.ReflectionPad2d((1, 1, 0, 0))(nr.ones(1, 2, 3)).shape
        neurarust.Size([1, 2, 5])
    """

    _dims = 2


class ReflectionPad3d(_ReflectionPadNd):
    """Pads the last 3 dims with their reflection at the edges.

    Shapes: ``(N, C, D, H, W)`` or ``(C, D, H, W)`` -> each dim grows by its amounts.

    Examples:
        >>> import neurarust as nr
        >>> nr.nn.ReflectionPad3d(1)(nr.ones(1, 2, 2, 2)).shape
        neurarust.Size([1, 4, 4, 4])
    """

    _dims = 3


class ReplicationPad1d(_ReplicationPadNd):
    """Pads the last dim by repeating its edge values.

    Shapes: ``(N, C, W)`` or ``(C, W)`` -> ``W + left + right``.

    Examples:
        >>> import neurarust as nr
        >>> nr.nn.ReplicationPad1d((1, 2))(nr.tensor([[1.0, 2.0]]))
        tensor([[1., 1., 2., 2., 2.]])
    """

    _dims = 1


class ReplicationPad2d(_ReplicationPadNd):
    """Pads the last 2 dims by repeating their edge values.

    Shapes: ``(N, C, H, W)`` or ``(C, H, W)`` -> ``H + top + bottom``, ``W + left + right``.

    Examples:
        >>> import neurarust as nr
        >>> nr.nn.ReplicationPad2d(1)(nr.ones(1, 2, 3)).shape
        neurarust.Size([1, 4, 5])
    """

    _dims = 2


class ReplicationPad3d(_ReplicationPadNd):
    """Pads the last 3 dims by repeating their edge values.

    Shapes: ``(N, C, D, H, W)`` or ``(C, D, H, W)`` -> each dim grows by its amounts.

    Examples:
        >>> import neurarust as nr
        >>> nr.nn.ReplicationPad3d((1, 1, 0, 0, 2, 0))(nr.ones(1, 2, 2, 2)).shape
        neurarust.Size([1, 4, 2, 4])
    """

    _dims = 3


class CircularPad1d(_CircularPadNd):
    """Pads the last dim by wrapping it around (amounts at most the dim).

    Shapes: ``(N, C, W)`` or ``(C, W)`` -> ``W + left + right``.

    Examples:
        >>> import neurarust as nr
        >>> nr.nn.CircularPad1d((1, 2))(nr.tensor([[1.0, 2.0, 3.0]]))
        tensor([[3., 1., 2., 3., 1., 2.]])
    """

    _dims = 1


class CircularPad2d(_CircularPadNd):
    """Pads the last 2 dims by wrapping them around.

    Shapes: ``(N, C, H, W)`` or ``(C, H, W)`` -> ``H + top + bottom``, ``W + left + right``.

    Examples:
        >>> import neurarust as nr
        >>> nr.nn.CircularPad2d(1)(nr.ones(1, 2, 3)).shape
        neurarust.Size([1, 4, 5])
    """

    _dims = 2


class CircularPad3d(_CircularPadNd):
    """Pads the last 3 dims by wrapping them around.

    Shapes: ``(N, C, D, H, W)`` or ``(C, D, H, W)`` -> each dim grows by its amounts.

    Examples:
        >>> import neurarust as nr
        >>> nr.nn.CircularPad3d(1)(nr.ones(1, 2, 2, 2)).shape
        neurarust.Size([1, 4, 4, 4])
    """

    _dims = 3


class ConstantPad1d(_ConstantPadNd):
    """Pads the last dim with ``value``.

    Shapes: ``(*, W)`` -> ``(*, W + left + right)``.

    Examples:
        >>> import neurarust as nr
        >>> nr.nn.ConstantPad1d((1, 2), 3.5)(nr.tensor([[1.0, 2.0]]))
        tensor([[3.5000, 1.0000, 2.0000, 3.5000, 3.5000]])
    """

    _dims = 1


class ConstantPad2d(_ConstantPadNd):
    """Pads the last 2 dims with ``value``.

    Shapes: ``(*, H, W)`` -> ``(*, H + top + bottom, W + left + right)``.

    Examples:
        >>> import neurarust as nr
        >>> nr.nn.ConstantPad2d((1, 0, 2, 0), -1.0)(nr.ones(1, 2, 2)).shape
        neurarust.Size([1, 4, 3])
    """

    _dims = 2


class ConstantPad3d(_ConstantPadNd):
    """Pads the last 3 dims with ``value``.

    Shapes: ``(*, D, H, W)`` -> each of the last 3 dims grows by its amounts.

    Examples:
        >>> import neurarust as nr
        >>> nr.nn.ConstantPad3d(1, 0.5)(nr.ones(1, 2, 2, 2)).shape
        neurarust.Size([1, 4, 4, 4])
    """

    _dims = 3


class ZeroPad1d(_ZeroPadNd, ConstantPad1d):
    """Pads the last dim with zeros.

    Shapes: ``(*, W)`` -> ``(*, W + left + right)``.

    Examples:
        >>> import neurarust as nr
        >>> nr.nn.ZeroPad1d((0, 2))(nr.tensor([[1.0, 2.0]]))
        tensor([[1., 2., 0., 0.]])
    """


class ZeroPad2d(_ZeroPadNd, ConstantPad2d):
    """Pads the last 2 dims with zeros.

    Shapes: ``(*, H, W)`` -> ``(*, H + top + bottom, W + left + right)``.

    Examples:
        >>> import neurarust as nr
        >>> nr.nn.ZeroPad2d(1)(nr.ones(1, 2, 2)).shape
        neurarust.Size([1, 4, 4])
    """


class ZeroPad3d(_ZeroPadNd, ConstantPad3d):
    """Pads the last 3 dims with zeros.

    Shapes: ``(*, D, H, W)`` -> each of the last 3 dims grows by its amounts.

    Examples:
        >>> import neurarust as nr
        >>> nr.nn.ZeroPad3d((1, 1, 0, 0, 0, 0))(nr.ones(1, 2, 2, 2)).shape
        neurarust.Size([1, 2, 2, 4])
    """
