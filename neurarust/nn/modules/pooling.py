"""Pooling layers: max, average, adaptive and power-average pooling, and max unpooling,
each calling its function in :mod:`neurarust.nn.functional`.

Attribute names, defaults and ``repr`` are PyTorch's, down to which classes store
``kernel_size`` as given (``MaxPool2d(2)``: ``2``) and which as a tuple
(``AvgPool1d(2)`` and ``MaxUnpool2d(2)``: ``(2,)`` and ``(2, 2)``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, ClassVar

from ...ops import pooling as ops
from ...ops.pooling import OptionalSize, Size
from ...tensor import Tensor
from .module import Module

__all__ = [
    "MaxPool1d",
    "MaxPool2d",
    "MaxPool3d",
    "AvgPool1d",
    "AvgPool2d",
    "AvgPool3d",
    "AdaptiveAvgPool1d",
    "AdaptiveAvgPool2d",
    "AdaptiveAvgPool3d",
    "AdaptiveMaxPool1d",
    "AdaptiveMaxPool2d",
    "AdaptiveMaxPool3d",
    "LPPool1d",
    "LPPool2d",
    "LPPool3d",
    "MaxUnpool1d",
    "MaxUnpool2d",
    "MaxUnpool3d",
]


def _tuple(value: Size, dims: int) -> tuple[int, ...]:
    """``value`` as a tuple: a sequence's items, or an int repeated ``dims`` times
    (PyTorch's ``_single``, ``_pair`` and ``_triple``)."""
    return tuple(value) if isinstance(value, Sequence) else (value,) * dims


# -- max pooling --------------------------------------------------------------------------


class _MaxPoolNd(Module):
    _pool: ClassVar[Callable[..., Any]]

    def __init__(
        self,
        kernel_size: Size,
        stride: Size | None = None,
        padding: Size = 0,
        dilation: Size = 1,
        return_indices: bool = False,
        ceil_mode: bool = False,
    ) -> None:
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride if stride is not None else kernel_size
        self.padding = padding
        self.dilation = dilation
        self.return_indices = return_indices
        self.ceil_mode = ceil_mode

    def forward(self, input: Tensor) -> Any:
        return self._pool(
            input,
            self.kernel_size,
            self.stride,
            self.padding,
            self.dilation,
            self.ceil_mode,
            self.return_indices,
        )

    def extra_repr(self) -> str:
        return (
            f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}, "
            f"dilation={self.dilation}, ceil_mode={self.ceil_mode}"
        )


class MaxPool1d(_MaxPoolNd):
    """The maximum of every window: :func:`~neurarust.nn.functional.max_pool1d`.

    ``return_indices=True`` makes ``forward`` return ``(values, indices)``, the
    indices :class:`MaxUnpool1d` takes.

    Shapes: ``(N, C, L)`` or ``(C, L)`` -> ``(N, C, L_out)`` or ``(C, L_out)``, with
    ``L_out = floor((L + 2 * padding - dilation * (kernel_size - 1) - 1) / stride) + 1``.

    Examples:
        >>> import neurarust as nr
        >>> nr.nn.MaxPool1d(3, stride=2)(nr.ones(4, 16, 50)).shape
        neurarust.Size([4, 16, 24])
    """

    _pool = staticmethod(ops.max_pool1d)


class MaxPool2d(_MaxPoolNd):
    """The maximum of every window: :func:`~neurarust.nn.functional.max_pool2d`.

    Shapes: ``(N, C, H, W)`` or ``(C, H, W)`` -> ``(N, C, H_out, W_out)`` or
    ``(C, H_out, W_out)``, each size as in :class:`MaxPool1d`.

    Examples:
        >>> import neurarust as nr
        >>> m = nr.nn.MaxPool2d(2)
        >>> m
        MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)
        >>> m(nr.ones(8, 3, 32, 32)).shape
        neurarust.Size([8, 3, 16, 16])
    """

    _pool = staticmethod(ops.max_pool2d)


class MaxPool3d(_MaxPoolNd):
    """The maximum of every window: :func:`~neurarust.nn.functional.max_pool3d`.

    Shapes: ``(N, C, D, H, W)`` or ``(C, D, H, W)`` -> ``(N, C, D_out, H_out, W_out)`` or
    ``(C, D_out, H_out, W_out)``, each size as in :class:`MaxPool1d`.

    Examples:
        >>> import neurarust as nr
        >>> nr.nn.MaxPool3d((1, 2, 2))(nr.ones(2, 3, 4, 8, 8)).shape
        neurarust.Size([2, 3, 4, 4, 4])
    """

    _pool = staticmethod(ops.max_pool3d)


# -- average pooling ----------------------------------------------------------------------


class _AvgPoolNd(Module):
    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class AvgPool1d(_AvgPoolNd):
    """The average of every window: :func:`~neurarust.nn.functional.avg_pool1d`.

    ``kernel_size``, ``stride`` and ``padding`` are stored as 1-tuples, as in PyTorch.

    Shapes: ``(N, C, L)`` or ``(C, L)`` -> ``(N, C, L_out)`` or ``(C, L_out)``, with
    ``L_out = floor((L + 2 * padding - kernel_size) / stride) + 1``.

    Examples:
        >>> import neurarust as nr
        >>> nr.nn.AvgPool1d(3, stride=2)
        AvgPool1d(kernel_size=(3,), stride=(2,), padding=(0,))
        >>> nr.nn.AvgPool1d(3, stride=2)(nr.ones(1, 1, 7))
        tensor([[[1., 1., 1.]]])
    """

    def __init__(
        self,
        kernel_size: Size,
        stride: Size | None = None,
        padding: Size = 0,
        ceil_mode: bool = False,
        count_include_pad: bool = True,
    ) -> None:
        super().__init__()
        self.kernel_size = _tuple(kernel_size, 1)
        self.stride = _tuple(stride if stride is not None else kernel_size, 1)
        self.padding = _tuple(padding, 1)
        self.ceil_mode = ceil_mode
        self.count_include_pad = count_include_pad

    def forward(self, input: Tensor) -> Tensor:
        return ops.avg_pool1d(
            input,
            self.kernel_size,
            self.stride,
            self.padding,
            self.ceil_mode,
            self.count_include_pad,
        )


class _AvgPoolWithDivisor(_AvgPoolNd):
    _pool: ClassVar[Callable[..., Tensor]]

    def __init__(
        self,
        kernel_size: Size,
        stride: Size | None = None,
        padding: Size = 0,
        ceil_mode: bool = False,
        count_include_pad: bool = True,
        divisor_override: int | None = None,
    ) -> None:
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride if stride is not None else kernel_size
        self.padding = padding
        self.ceil_mode = ceil_mode
        self.count_include_pad = count_include_pad
        self.divisor_override = divisor_override

    def forward(self, input: Tensor) -> Tensor:
        return self._pool(
            input,
            self.kernel_size,
            self.stride,
            self.padding,
            self.ceil_mode,
            self.count_include_pad,
            self.divisor_override,
        )


class AvgPool2d(_AvgPoolWithDivisor):
    """The average of every window: :func:`~neurarust.nn.functional.avg_pool2d`.

    Shapes: ``(N, C, H, W)`` or ``(C, H, W)`` -> ``(N, C, H_out, W_out)`` or
    ``(C, H_out, W_out)``, each size as in :class:`AvgPool1d`.

    Examples:
        >>> import neurarust as nr
        >>> nr.nn.AvgPool2d(2, count_include_pad=False)(nr.ones(8, 3, 32, 32)).shape
        neurarust.Size([8, 3, 16, 16])
    """

    _pool = staticmethod(ops.avg_pool2d)


class AvgPool3d(_AvgPoolWithDivisor):
    """The average of every window: :func:`~neurarust.nn.functional.avg_pool3d`.

    Shapes: ``(N, C, D, H, W)`` or ``(C, D, H, W)`` -> ``(N, C, D_out, H_out, W_out)`` or
    ``(C, D_out, H_out, W_out)``, each size as in :class:`AvgPool1d`.

    Examples:
        >>> import neurarust as nr
        >>> nr.nn.AvgPool3d(2, stride=1)(nr.ones(2, 3, 4, 4, 4)).shape
        neurarust.Size([2, 3, 3, 3, 3])
    """

    _pool = staticmethod(ops.avg_pool3d)


# -- adaptive pooling -------------------------------------------------------------------


class _AdaptiveAvgPoolNd(Module):
    _pool: ClassVar[Callable[..., Tensor]]

    def __init__(self, output_size: OptionalSize) -> None:
        super().__init__()
        self.output_size = output_size

    def forward(self, input: Tensor) -> Tensor:
        return self._pool(input, self.output_size)

    def extra_repr(self) -> str:
        return f"output_size={self.output_size}"


class AdaptiveAvgPool1d(_AdaptiveAvgPoolNd):
    """Average pooling to a fixed ``output_size``, whatever the input size:
    :func:`~neurarust.nn.functional.adaptive_avg_pool1d`.

    Shapes: ``(N, C, L)`` or ``(C, L)`` -> ``(N, C, output_size)`` or ``(C, output_size)``.

    Examples:
        >>> import neurarust as nr
        >>> nr.nn.AdaptiveAvgPool1d(5)(nr.ones(1, 64, 8)).shape
        neurarust.Size([1, 64, 5])
    """

    _pool = staticmethod(ops.adaptive_avg_pool1d)


class AdaptiveAvgPool2d(_AdaptiveAvgPoolNd):
    """Average pooling to a fixed ``output_size`` (an int or a pair; ``None`` keeps that
    input size): :func:`~neurarust.nn.functional.adaptive_avg_pool2d`.

    Shapes: ``(N, C, H, W)`` or ``(C, H, W)`` -> ``(N, C, H_out, W_out)`` or
    ``(C, H_out, W_out)``.

    Examples:
        >>> import neurarust as nr
        >>> m = nr.nn.AdaptiveAvgPool2d((1, 1))
        >>> m
        AdaptiveAvgPool2d(output_size=(1, 1))
        >>> m(nr.ones(8, 512, 7, 7)).shape
        neurarust.Size([8, 512, 1, 1])
    """

    _pool = staticmethod(ops.adaptive_avg_pool2d)


class AdaptiveAvgPool3d(_AdaptiveAvgPoolNd):
    """Average pooling to a fixed ``output_size`` (an int or a triple; ``None`` keeps that
    input size): :func:`~neurarust.nn.functional.adaptive_avg_pool3d`.

    Shapes: ``(N, C, D, H, W)`` or ``(C, D, H, W)`` -> ``(N, C, D_out, H_out, W_out)`` or
    ``(C, D_out, H_out, W_out)``.

    Examples:
        >>> import neurarust as nr
        >>> nr.nn.AdaptiveAvgPool3d((None, 2, 2))(nr.ones(1, 4, 3, 5, 5)).shape
        neurarust.Size([1, 4, 3, 2, 2])
    """

    _pool = staticmethod(ops.adaptive_avg_pool3d)


class _AdaptiveMaxPoolNd(Module):
    _pool: ClassVar[Callable[..., Any]]

    def __init__(self, output_size: OptionalSize, return_indices: bool = False) -> None:
        super().__init__()
        self.output_size = output_size
        self.return_indices = return_indices

    def forward(self, input: Tensor) -> Any:
        return self._pool(input, self.output_size, self.return_indices)

    def extra_repr(self) -> str:
        return f"output_size={self.output_size}"


class AdaptiveMaxPool1d(_AdaptiveMaxPoolNd):
    """Max pooling to a fixed ``output_size``, whatever the input size:
    :func:`~neurarust.nn.functional.adaptive_max_pool1d` (``return_indices=True``:
    ``forward`` returns ``(values, indices)``).

    Shapes: ``(N, C, L)`` or ``(C, L)`` -> ``(N, C, output_size)`` or ``(C, output_size)``.

    Examples:
        >>> import neurarust as nr
        >>> nr.nn.AdaptiveMaxPool1d(5)(nr.ones(1, 64, 8)).shape
        neurarust.Size([1, 64, 5])
    """

    _pool = staticmethod(ops.adaptive_max_pool1d)


class AdaptiveMaxPool2d(_AdaptiveMaxPoolNd):
    """Max pooling to a fixed ``output_size`` (an int or a pair; ``None`` keeps that input
    size): :func:`~neurarust.nn.functional.adaptive_max_pool2d`.

    Shapes: ``(N, C, H, W)`` or ``(C, H, W)`` -> ``(N, C, H_out, W_out)`` or
    ``(C, H_out, W_out)``.

    Examples:
        >>> import neurarust as nr
        >>> nr.nn.AdaptiveMaxPool2d((5, 7))(nr.ones(1, 64, 8, 9)).shape
        neurarust.Size([1, 64, 5, 7])
    """

    _pool = staticmethod(ops.adaptive_max_pool2d)


class AdaptiveMaxPool3d(_AdaptiveMaxPoolNd):
    """Max pooling to a fixed ``output_size`` (an int or a triple; ``None`` keeps that
    input size): :func:`~neurarust.nn.functional.adaptive_max_pool3d`.

    Shapes: ``(N, C, D, H, W)`` or ``(C, D, H, W)`` -> ``(N, C, D_out, H_out, W_out)`` or
    ``(C, D_out, H_out, W_out)``.

    Examples:
        >>> import neurarust as nr
        >>> nr.nn.AdaptiveMaxPool3d(2)(nr.ones(1, 4, 3, 5, 5)).shape
        neurarust.Size([1, 4, 2, 2, 2])
    """

    _pool = staticmethod(ops.adaptive_max_pool3d)


# -- power-average pooling ----------------------------------------------------------------


class _LPPoolNd(Module):
    _pool: ClassVar[Callable[..., Tensor]]

    def __init__(
        self,
        norm_type: float,
        kernel_size: Size,
        stride: Size | None = None,
        ceil_mode: bool = False,
    ) -> None:
        super().__init__()
        self.norm_type = norm_type
        self.kernel_size = kernel_size
        self.stride = stride
        self.ceil_mode = ceil_mode

    def forward(self, input: Tensor) -> Tensor:
        return self._pool(
            input, float(self.norm_type), self.kernel_size, self.stride, self.ceil_mode
        )

    def extra_repr(self) -> str:
        return (
            f"norm_type={self.norm_type}, kernel_size={self.kernel_size}, "
            f"stride={self.stride}, ceil_mode={self.ceil_mode}"
        )


class LPPool1d(_LPPoolNd):
    """Power-average pooling, ``(sum of x ** p over the window) ** (1 / p)`` with
    ``p = norm_type``: :func:`~neurarust.nn.functional.lp_pool1d`.

    Shapes: ``(N, C, L)`` or ``(C, L)`` -> ``(N, C, L_out)`` or ``(C, L_out)``, with
    ``L_out = floor((L - kernel_size) / stride) + 1``.

    Examples:
        >>> import neurarust as nr
        >>> nr.nn.LPPool1d(2, 3, stride=2)(nr.ones(20, 16, 50)).shape
        neurarust.Size([20, 16, 24])
    """

    _pool = staticmethod(ops.lp_pool1d)


class LPPool2d(_LPPoolNd):
    """Power-average pooling over ``H`` and ``W`` windows:
    :func:`~neurarust.nn.functional.lp_pool2d`.

    Shapes: ``(N, C, H, W)`` or ``(C, H, W)`` -> ``(N, C, H_out, W_out)`` or
    ``(C, H_out, W_out)``, each size as in :class:`LPPool1d`.

    Examples:
        >>> import neurarust as nr
        >>> m = nr.nn.LPPool2d(1.2, (3, 2), stride=(2, 1))
        >>> m
        LPPool2d(norm_type=1.2, kernel_size=(3, 2), stride=(2, 1), ceil_mode=False)
        >>> m(nr.ones(20, 16, 50, 32)).shape
        neurarust.Size([20, 16, 24, 31])
    """

    _pool = staticmethod(ops.lp_pool2d)


class LPPool3d(_LPPoolNd):
    """Power-average pooling over ``D``, ``H`` and ``W`` windows:
    :func:`~neurarust.nn.functional.lp_pool3d`.

    Shapes: ``(N, C, D, H, W)`` or ``(C, D, H, W)`` -> ``(N, C, D_out, H_out, W_out)`` or
    ``(C, D_out, H_out, W_out)``, each size as in :class:`LPPool1d`.

    Examples:
        >>> import neurarust as nr
        >>> nr.nn.LPPool3d(2, 2)(nr.ones(2, 3, 4, 4, 4)).shape
        neurarust.Size([2, 3, 2, 2, 2])
    """

    _pool = staticmethod(ops.lp_pool3d)


# -- max unpooling ----------------------------------------------------------------------


class _MaxUnpoolNd(Module):
    _pool: ClassVar[Callable[..., Tensor]]
    _dims: ClassVar[int]

    def __init__(self, kernel_size: Size, stride: Size | None = None, padding: Size = 0) -> None:
        super().__init__()
        dims = type(self)._dims
        self.kernel_size = _tuple(kernel_size, dims)
        self.stride = _tuple(stride if stride is not None else kernel_size, dims)
        self.padding = _tuple(padding, dims)

    def forward(
        self, input: Tensor, indices: Tensor, output_size: Sequence[int] | None = None
    ) -> Tensor:
        return self._pool(input, indices, self.kernel_size, self.stride, self.padding, output_size)

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class MaxUnpool1d(_MaxUnpoolNd):
    """A partial inverse of :class:`MaxPool1d`: zeros, with each input value put back at
    its index (:func:`~neurarust.nn.functional.max_unpool1d`). ``forward`` takes the
    pooled values, the indices, and optionally the size to restore.

    Shapes: ``(N, C, L)`` or ``(C, L)`` -> ``(N, C, L_out)`` or ``(C, L_out)``, with
    ``L_out = (L - 1) * stride - 2 * padding + kernel_size`` unless ``output_size`` says.

    Examples:
        >>> import neurarust as nr
        >>> pool, unpool = nr.nn.MaxPool1d(2, return_indices=True), nr.nn.MaxUnpool1d(2)
        >>> unpool(*pool(nr.tensor([[[1.0, 3.0, 2.0, 0.0]]])))
        tensor([[[0., 3., 2., 0.]]])
    """

    _pool = staticmethod(ops.max_unpool1d)
    _dims = 1


class MaxUnpool2d(_MaxUnpoolNd):
    """A partial inverse of :class:`MaxPool2d`:
    :func:`~neurarust.nn.functional.max_unpool2d`.

    Shapes: ``(N, C, H, W)`` or ``(C, H, W)`` -> ``(N, C, H_out, W_out)`` or
    ``(C, H_out, W_out)``, each size as in :class:`MaxUnpool1d`.

    Examples:
        >>> import neurarust as nr
        >>> pool, unpool = nr.nn.MaxPool2d(2, return_indices=True), nr.nn.MaxUnpool2d(2)
        >>> unpool
        MaxUnpool2d(kernel_size=(2, 2), stride=(2, 2), padding=(0, 0))
        >>> values, indices = pool(nr.randn(1, 1, 5, 5))
        >>> unpool(values, indices, output_size=(5, 5)).shape
        neurarust.Size([1, 1, 5, 5])
    """

    _pool = staticmethod(ops.max_unpool2d)
    _dims = 2


class MaxUnpool3d(_MaxUnpoolNd):
    """A partial inverse of :class:`MaxPool3d`:
    :func:`~neurarust.nn.functional.max_unpool3d`.

    Shapes: ``(N, C, D, H, W)`` or ``(C, D, H, W)`` -> ``(N, C, D_out, H_out, W_out)`` or
    ``(C, D_out, H_out, W_out)``, each size as in :class:`MaxUnpool1d`.

    Examples:
        >>> import neurarust as nr
        >>> pool, unpool = nr.nn.MaxPool3d(2, return_indices=True), nr.nn.MaxUnpool3d(2)
        >>> unpool(*pool(nr.randn(1, 2, 4, 4, 4))).shape
        neurarust.Size([1, 2, 4, 4, 4])
    """

    _pool = staticmethod(ops.max_unpool3d)
    _dims = 3
