"""Convolution layers: Conv1d/2d/3d, ConvTranspose1d/2d/3d and their lazy forms, as in
``torch.nn``.

Each layer holds ``weight`` and ``bias`` and calls the functional op of
:mod:`neurarust.ops.conv`. Attribute names, ``state_dict`` layouts and default
initializations are PyTorch's, so PyTorch checkpoints load:

- ``Conv*d.weight``: ``(out_channels, in_channels / groups, *kernel_size)``;
- ``ConvTranspose*d.weight``: ``(in_channels, out_channels / groups, *kernel_size)``;
- ``bias``: ``(out_channels,)``.

The weight is drawn with ``kaiming_uniform_(a=sqrt(5))``, that is uniformly in
``±1/sqrt(fan_in)``, and the bias in the same range, where ``fan_in`` is
``weight.shape[1] * prod(kernel_size)`` (for a transposed convolution this is
``out_channels / groups * prod(kernel_size)``, as in PyTorch).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

from ...autograd.grad_mode import no_grad
from ...ops._spatial import spatial_tuple
from ...ops.creation import empty
from ...tensor import Tensor
from .. import functional as F
from .. import init
from ..parameter import Parameter, UninitializedParameter
from .lazy import LazyModuleMixin
from .module import Module

__all__ = [
    "Conv1d",
    "Conv2d",
    "Conv3d",
    "ConvTranspose1d",
    "ConvTranspose2d",
    "ConvTranspose3d",
    "LazyConv1d",
    "LazyConv2d",
    "LazyConv3d",
    "LazyConvTranspose1d",
    "LazyConvTranspose2d",
    "LazyConvTranspose3d",
]

_Size = int | tuple[int, ...]
_PADDING_STRINGS = ("same", "valid")
_PADDING_MODES = ("zeros", "reflect", "replicate", "circular")


class _ConvNd(Module):
    """What convolutions and transposed convolutions share: the checked arguments,
    ``weight`` and ``bias``, their default initialization and the repr.

    ``kernel_size``, ``stride``, ``padding``, ``dilation`` and ``output_padding``
    may be ints or tuples of ``_dims`` ints; they are stored as tuples (``padding``
    may also be ``'same'`` or ``'valid'``, stored as it is).
    """

    _dims: int  # the number of spatial dims, set by each final class

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: _Size,
        stride: _Size,
        padding: str | _Size,
        dilation: _Size,
        transposed: bool,
        output_padding: _Size,
        groups: int,
        bias: bool,
        padding_mode: str,
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        super().__init__()
        name = type(self).__name__
        _check_groups(name, in_channels, out_channels, groups)
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.kernel_size = spatial_tuple(name, "kernel_size", kernel_size, self._dims)
        self.stride = spatial_tuple(name, "stride", stride, self._dims)
        self.padding = _padding(name, padding, self.stride, self._dims, transposed)
        self.dilation = spatial_tuple(name, "dilation", dilation, self._dims)
        self.transposed = transposed
        self.output_padding = spatial_tuple(
            name, "output_padding", output_padding, self._dims, minimum=0
        )
        self.groups = groups
        if padding_mode not in _PADDING_MODES:
            raise ValueError(
                f"{name}: padding_mode must be one of {_PADDING_MODES}, but got "
                f"padding_mode={padding_mode!r}"
            )
        self.padding_mode = padding_mode
        # The padding in F.pad's order (last dim first, before and after each dim),
        # for the padding modes that pad the input before a convolution without padding.
        self._reversed_padding_repeated_twice = _reversed_padding(
            self.padding, self.kernel_size, self.dilation
        )
        factory = {"device": device, "dtype": dtype}
        self.weight = Parameter(empty(self._weight_shape(), **factory))
        if bias:
            self.bias = Parameter(empty(out_channels, **factory))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    @staticmethod
    def _function() -> Callable[..., Tensor]:
        """The layer's functional op (``F.conv2d``, ``F.conv_transpose2d``...)."""
        raise NotImplementedError

    def _weight_shape(self) -> tuple[int, ...]:
        if self.transposed:
            return (self.in_channels, self.out_channels // self.groups, *self.kernel_size)
        return (self.out_channels, self.in_channels // self.groups, *self.kernel_size)

    def reset_parameters(self) -> None:
        """Draw the parameters again from PyTorch's default distributions."""
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in, _ = init._calculate_fan_in_and_fan_out(self.weight)
            bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0.0
            init.uniform_(self.bias, -bound, bound)

    def extra_repr(self) -> str:
        s = (
            f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
            f"stride={self.stride}"
        )
        if self.padding != (0,) * self._dims:
            s += f", padding={self.padding}"
        if self.dilation != (1,) * self._dims:
            s += f", dilation={self.dilation}"
        if self.output_padding != (0,) * self._dims:
            s += f", output_padding={self.output_padding}"
        if self.groups != 1:
            s += f", groups={self.groups}"
        if self.bias is None:
            s += ", bias=False"
        if self.padding_mode != "zeros":
            s += f", padding_mode={self.padding_mode}"
        return s


def _check_groups(name: str, in_channels: int, out_channels: int, groups: int) -> None:
    if groups <= 0:
        raise ValueError(f"{name}: groups must be a positive integer, but got groups={groups}")
    for what, channels in (("in_channels", in_channels), ("out_channels", out_channels)):
        if channels % groups != 0:
            raise ValueError(
                f"{name}: {what} must be divisible by groups, but got {what}={channels} "
                f"and groups={groups}"
            )


def _padding(
    name: str, padding: str | _Size, stride: tuple[int, ...], dims: int, transposed: bool
) -> Any:
    """``padding`` as a tuple of ``dims`` ints, or (not transposed) ``'same'`` or ``'valid'``."""
    if not isinstance(padding, str) or transposed:
        return spatial_tuple(name, "padding", padding, dims, minimum=0)
    if padding not in _PADDING_STRINGS:
        raise ValueError(
            f"{name}: Invalid padding string {padding!r}, should be one of {_PADDING_STRINGS}"
        )
    if padding == "same" and any(s != 1 for s in stride):
        raise ValueError(
            f"{name}: padding='same' is not supported for strided convolutions "
            f"(got stride={stride})"
        )
    return padding


def _reversed_padding(
    padding: str | tuple[int, ...], kernel_size: tuple[int, ...], dilation: tuple[int, ...]
) -> tuple[int, ...]:
    """``(before, after)`` of each spatial dim, last dim first (F.pad's order).

    ``'same'`` pads ``dilation * (kernel_size - 1)`` in all, the odd one after.
    """
    if isinstance(padding, tuple):
        pairs = [(p, p) for p in padding]
    elif padding == "same":
        totals = [d * (k - 1) for k, d in zip(kernel_size, dilation)]
        pairs = [(total // 2, total - total // 2) for total in totals]
    else:  # 'valid'
        pairs = [(0, 0)] * len(kernel_size)
    return tuple(p for pair in reversed(pairs) for p in pair)


class _Conv(_ConvNd):
    """A convolution: the constructor and forward of Conv1d, Conv2d and Conv3d."""

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: _Size,
        stride: _Size = 1,
        padding: str | _Size = 0,
        dilation: _Size = 1,
        groups: int = 1,
        bias: bool = True,
        padding_mode: str = "zeros",
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        super().__init__(
            in_channels,
            out_channels,
            kernel_size,
            stride,
            padding,
            dilation,
            False,
            0,
            groups,
            bias,
            padding_mode,
            device,
            dtype,
        )

    def _conv_forward(self, input: Tensor, weight: Tensor, bias: Tensor | None) -> Tensor:
        """The convolution of ``input`` with the given ``weight`` and ``bias``."""
        conv = self._function()
        if self.padding_mode == "zeros":
            padding: Any = self.padding
        else:
            input = F.pad(input, self._reversed_padding_repeated_twice, mode=self.padding_mode)
            padding = 0
        return conv(input, weight, bias, self.stride, padding, self.dilation, self.groups)

    def forward(self, input: Tensor) -> Tensor:
        return self._conv_forward(input, self.weight, self.bias)


_CONV_DOC = """{dims}-D convolution (a cross-correlation, as in every DL framework):
    each output channel sums, over its group's input channels, the input windows
    multiplied by its kernel, plus its bias.

    Args:
        in_channels: channels of the input.
        out_channels: channels of the output.
        kernel_size: size of the kernel (an int or a tuple of {dims} ints).
        stride: step between windows. Default: 1.
        padding: added before and after each spatial dim (an int or a tuple of
            {dims} ints); ``'valid'`` for none; ``'same'`` for an output of the input's
            size (stride 1 only; an odd total puts the extra element after).
            Default: 0.
        dilation: spacing between kernel elements. Default: 1.
        groups: input and output channels are split into ``groups`` groups
            convolved separately (both must be divisible by it);
            ``groups == in_channels`` is a depthwise convolution. Default: 1.
        bias: if False, the layer learns no additive bias. Default: True.
        padding_mode: what the padding holds: ``'zeros'``, ``'reflect'``,
            ``'replicate'`` or ``'circular'`` (see :func:`neurarust.nn.functional.pad`).
            Default: ``'zeros'``.
        device: where the parameters are created.
        dtype: the dtype they are created with.

    Attributes:
        weight: ``(out_channels, in_channels / groups, {kernel})``, uniform in
            ``±1/sqrt(fan_in)`` with ``fan_in = in_channels / groups * {kernel_product}``.
        bias: ``(out_channels,)``, uniform in the same range.

    Shapes: ``(N, C_in, {spatial})`` or unbatched ``(C_in, {spatial})`` ->
    ``(N, C_out, {spatial_out})`` (or ``(C_out, {spatial_out})``), where along each
    spatial dim ``out = (in + 2 * padding - dilation * (kernel_size - 1) - 1) // stride + 1``.

    Examples:
        >>> import neurarust as nr
        >>> conv = nr.nn.{name}(4, 6, kernel_size=3, padding=1, padding_mode="reflect")
        >>> conv(nr.randn(2, 4, {example})).shape
        neurarust.Size([2, 6, {example}])
    """


class Conv1d(_Conv):
    __doc__ = _CONV_DOC.format(
        dims=1,
        kernel="kL",
        kernel_product="kL",
        spatial="L",
        spatial_out="L_out",
        name="Conv1d",
        example="5",
    )
    _dims = 1

    @staticmethod
    def _function() -> Callable[..., Tensor]:
        return F.conv1d


class Conv2d(_Conv):
    __doc__ = _CONV_DOC.format(
        dims=2,
        kernel="kH, kW",
        kernel_product="kH * kW",
        spatial="H, W",
        spatial_out="H_out, W_out",
        name="Conv2d",
        example="5, 5",
    )
    _dims = 2

    @staticmethod
    def _function() -> Callable[..., Tensor]:
        return F.conv2d


class Conv3d(_Conv):
    __doc__ = _CONV_DOC.format(
        dims=3,
        kernel="kD, kH, kW",
        kernel_product="kD * kH * kW",
        spatial="D, H, W",
        spatial_out="D_out, H_out, W_out",
        name="Conv3d",
        example="3, 4, 5",
    )
    _dims = 3

    @staticmethod
    def _function() -> Callable[..., Tensor]:
        return F.conv3d


class _ConvTransposeNd(_ConvNd):
    """A transposed convolution: the constructor and forward of ConvTranspose1d/2d/3d."""

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: _Size,
        stride: _Size = 1,
        padding: _Size = 0,
        output_padding: _Size = 0,
        groups: int = 1,
        bias: bool = True,
        dilation: _Size = 1,
        padding_mode: str = "zeros",
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        self._check_padding_mode(padding_mode)
        super().__init__(
            in_channels,
            out_channels,
            kernel_size,
            stride,
            padding,
            dilation,
            True,
            output_padding,
            groups,
            bias,
            padding_mode,
            device,
            dtype,
        )

    def _check_padding_mode(self, padding_mode: str) -> None:
        if padding_mode != "zeros":
            raise ValueError(
                f'Only "zeros" padding mode is supported for {type(self).__name__} '
                f"(got padding_mode={padding_mode!r})"
            )

    def _output_padding(
        self,
        input: Tensor,
        output_size: Sequence[int] | None,
        stride: Sequence[int],
        padding: Sequence[int],
        kernel_size: Sequence[int],
        num_spatial_dims: int,
        dilation: Sequence[int] | None = None,
    ) -> Sequence[int]:
        """The output padding that gives the output ``output_size`` (the spatial sizes,
        or the whole shape); ``self.output_padding`` when ``output_size`` is None.

        ValueError when no output padding in ``[0, stride)`` gives that size.
        """
        if output_size is None:
            return self.output_padding
        leading = input.ndim - num_spatial_dims  # batch and channel dims
        sizes = [int(s) for s in output_size]
        if len(sizes) == leading + num_spatial_dims:
            sizes = sizes[leading:]
        if len(sizes) != num_spatial_dims:
            raise ValueError(
                f"{type(self).__name__}: for {input.ndim}D input, output_size must have "
                f"{num_spatial_dims} or {leading + num_spatial_dims} elements "
                f"(got {len(sizes)})"
            )
        spatial = tuple(input.shape[leading:])
        dilation = dilation if dilation is not None else (1,) * num_spatial_dims
        smallest = [
            (n - 1) * s - 2 * p + d * (k - 1) + 1
            for n, s, p, d, k in zip(spatial, stride, padding, dilation, kernel_size)
        ]
        largest = [low + s - 1 for low, s in zip(smallest, stride)]
        if any(not low <= size <= high for size, low, high in zip(sizes, smallest, largest)):
            raise ValueError(
                f"{type(self).__name__}: requested an output size of {sizes}, but valid sizes "
                f"range from {smallest} to {largest} (for an input of spatial size {spatial})"
            )
        return [size - low for size, low in zip(sizes, smallest)]

    def forward(self, input: Tensor, output_size: Sequence[int] | None = None) -> Tensor:
        """The transposed convolution of ``input``; ``output_size`` (the spatial sizes, or
        the whole output shape) picks among the sizes a stride above 1 makes possible."""
        self._check_padding_mode(self.padding_mode)
        output_padding = self._output_padding(
            input,
            output_size,
            self.stride,
            self.padding,
            self.kernel_size,
            self._dims,
            self.dilation,
        )
        return self._function()(
            input,
            self.weight,
            self.bias,
            self.stride,
            self.padding,
            output_padding,
            self.groups,
            self.dilation,
        )


_CONV_TRANSPOSE_DOC = """{dims}-D transposed convolution: the gradient of a
    convolution with respect to its input (sometimes called a deconvolution); each
    input element adds its kernel, scaled by it, to the output window it maps to.

    Args:
        in_channels: channels of the input.
        out_channels: channels of the output.
        kernel_size: size of the kernel (an int or a tuple of {dims} ints).
        stride: step between the windows in the output. Default: 1.
        padding: ``dilation * (kernel_size - 1) - padding`` zeros are implicitly added
            on both sides of the input: the output loses ``padding`` elements on each
            side. Default: 0.
        output_padding: elements added after the last window of each spatial dim
            (below ``stride`` or ``dilation``), to pick among the output sizes that a
            convolution of the same stride maps to one input size. Default: 0.
        groups: input and output channels are split into ``groups`` groups (both must
            be divisible by it). Default: 1.
        bias: if False, the layer learns no additive bias. Default: True.
        dilation: spacing between kernel elements. Default: 1.
        padding_mode: only ``'zeros'`` is supported.
        device: where the parameters are created.
        dtype: the dtype they are created with.

    Attributes:
        weight: ``(in_channels, out_channels / groups, {kernel})``, uniform in
            ``±1/sqrt(fan_in)`` with ``fan_in = out_channels / groups * {kernel_product}``
            (PyTorch's rule).
        bias: ``(out_channels,)``, uniform in the same range.

    Shapes: ``(N, C_in, {spatial})`` or unbatched ``(C_in, {spatial})`` ->
    ``(N, C_out, {spatial_out})`` (or ``(C_out, {spatial_out})``), where along each
    spatial dim ``out = (in - 1) * stride - 2 * padding + dilation * (kernel_size - 1)
    + output_padding + 1``. ``forward(input, output_size)`` computes the output padding
    that gives ``output_size`` instead.

    Examples:
        >>> import neurarust as nr
        >>> up = nr.nn.{name}(4, 2, kernel_size=3, stride=2, padding=1)
        >>> x = nr.randn(1, 4, {example})
        >>> up(x).shape
        neurarust.Size([1, 2, {example_out}])
        >>> up(x, output_size=[{example_size}]).shape
        neurarust.Size([1, 2, {example_size}])
    """


class ConvTranspose1d(_ConvTransposeNd):
    __doc__ = _CONV_TRANSPOSE_DOC.format(
        dims=1,
        kernel="kL",
        kernel_product="kL",
        spatial="L",
        spatial_out="L_out",
        name="ConvTranspose1d",
        example="5",
        example_out="9",
        example_size="10",
    )
    _dims = 1

    @staticmethod
    def _function() -> Callable[..., Tensor]:
        return F.conv_transpose1d


class ConvTranspose2d(_ConvTransposeNd):
    __doc__ = _CONV_TRANSPOSE_DOC.format(
        dims=2,
        kernel="kH, kW",
        kernel_product="kH * kW",
        spatial="H, W",
        spatial_out="H_out, W_out",
        name="ConvTranspose2d",
        example="5, 4",
        example_out="9, 7",
        example_size="10, 8",
    )
    _dims = 2

    @staticmethod
    def _function() -> Callable[..., Tensor]:
        return F.conv_transpose2d


class ConvTranspose3d(_ConvTransposeNd):
    __doc__ = _CONV_TRANSPOSE_DOC.format(
        dims=3,
        kernel="kD, kH, kW",
        kernel_product="kD * kH * kW",
        spatial="D, H, W",
        spatial_out="D_out, H_out, W_out",
        name="ConvTranspose3d",
        example="2, 3, 4",
        example_out="3, 5, 7",
        example_size="4, 6, 8",
    )
    _dims = 3

    @staticmethod
    def _function() -> Callable[..., Tensor]:
        return F.conv_transpose3d


class _LazyConvXdMixin(LazyModuleMixin):
    """What the lazy convolutions share: ``in_channels`` is 0 and ``weight`` and
    ``bias`` are placeholders until the first input gives ``in_channels``."""

    in_channels: int
    out_channels: int
    groups: int
    weight: Any
    bias: Any
    _weight_shape: Callable[[], tuple[int, ...]]

    def _make_lazy(self, out_channels: int, bias: bool, device: Any, dtype: Any) -> None:
        """Replace the parameters of the ``in_channels = 0`` layer by placeholders."""
        self.weight = UninitializedParameter(device=device, dtype=dtype)
        self.out_channels = out_channels
        if bias:
            self.bias = UninitializedParameter(device=device, dtype=dtype)

    def reset_parameters(self) -> None:
        if not self.has_uninitialized_params() and self.in_channels != 0:
            super().reset_parameters()  # type: ignore[misc]

    def initialize_parameters(self, input: Tensor, *args: Any, **kwargs: Any) -> None:
        """Set ``in_channels`` from ``input``'s channel dim and create the parameters."""
        if not self.has_uninitialized_params():
            return
        self.in_channels = self._get_in_channels(input)
        _check_groups(type(self).__name__, self.in_channels, self.out_channels, self.groups)
        with no_grad():
            self.weight.materialize(self._weight_shape())
            if self.bias is not None:
                self.bias.materialize((self.out_channels,))
            self.reset_parameters()

    def _get_in_channels(self, input: Tensor) -> int:
        dims = self._get_num_spatial_dims()
        if input.ndim not in (dims + 1, dims + 2):
            raise RuntimeError(
                f"Expected {dims + 1}D (unbatched) or {dims + 2}D (batched) input to "
                f"{type(self).__name__}, but got input of size: {tuple(input.shape)}"
            )
        return int(input.shape[input.ndim - dims - 1])

    def _get_num_spatial_dims(self) -> int:
        return self._dims


class _LazyConv(_LazyConvXdMixin):
    """The constructor of LazyConv1d, LazyConv2d and LazyConv3d."""

    def __init__(
        self,
        out_channels: int,
        kernel_size: _Size,
        stride: _Size = 1,
        padding: str | _Size = 0,
        dilation: _Size = 1,
        groups: int = 1,
        bias: bool = True,
        padding_mode: str = "zeros",
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        # An in_channels = 0 layer without bias: its weight is replaced right away.
        super().__init__(
            0, 0, kernel_size, stride, padding, dilation, groups, False, padding_mode, device, dtype
        )
        self._make_lazy(out_channels, bias, device, dtype)


class _LazyConvTranspose(_LazyConvXdMixin):
    """The constructor of LazyConvTranspose1d, LazyConvTranspose2d and LazyConvTranspose3d."""

    def __init__(
        self,
        out_channels: int,
        kernel_size: _Size,
        stride: _Size = 1,
        padding: _Size = 0,
        output_padding: _Size = 0,
        groups: int = 1,
        bias: bool = True,
        dilation: _Size = 1,
        padding_mode: str = "zeros",
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        # An in_channels = 0 layer without bias: its weight is replaced right away.
        super().__init__(
            0,
            0,
            kernel_size,
            stride,
            padding,
            output_padding,
            groups,
            False,
            dilation,
            padding_mode,
            device,
            dtype,
        )
        self._make_lazy(out_channels, bias, device, dtype)


_LAZY_DOC = """A :class:`{base}` whose ``in_channels`` is taken from its first input.

    Until the first call, ``weight`` and ``bias`` are
    :class:`~neurarust.nn.UninitializedParameter` and ``in_channels`` is 0; the first
    ``forward`` reads ``in_channels`` from the input's channel dim, creates and
    initializes the parameters as :class:`{base}` does, and the module becomes a
    plain :class:`{base}` (its class changes). The arguments are :class:`{base}`'s
    without ``in_channels``.

    Examples:
        >>> import neurarust as nr
        >>> layer = nr.nn.Lazy{base}(6, kernel_size=3)
        >>> layer(nr.randn(2, 4, {example})).shape[:2]
        neurarust.Size([2, 6])
        >>> type(layer).__name__, layer.in_channels
        ('{base}', 4)
    """


class LazyConv1d(_LazyConv, Conv1d):
    __doc__ = _LAZY_DOC.format(base="Conv1d", example="5")
    cls_to_become = Conv1d


class LazyConv2d(_LazyConv, Conv2d):
    __doc__ = _LAZY_DOC.format(base="Conv2d", example="5, 5")
    cls_to_become = Conv2d


class LazyConv3d(_LazyConv, Conv3d):
    __doc__ = _LAZY_DOC.format(base="Conv3d", example="3, 4, 5")
    cls_to_become = Conv3d


class LazyConvTranspose1d(_LazyConvTranspose, ConvTranspose1d):
    __doc__ = _LAZY_DOC.format(base="ConvTranspose1d", example="5")
    cls_to_become = ConvTranspose1d


class LazyConvTranspose2d(_LazyConvTranspose, ConvTranspose2d):
    __doc__ = _LAZY_DOC.format(base="ConvTranspose2d", example="5, 5")
    cls_to_become = ConvTranspose2d


class LazyConvTranspose3d(_LazyConvTranspose, ConvTranspose3d):
    __doc__ = _LAZY_DOC.format(base="ConvTranspose3d", example="3, 4, 5")
    cls_to_become = ConvTranspose3d
