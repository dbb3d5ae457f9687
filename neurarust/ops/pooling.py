"""Pooling: max, average, adaptive and power-average pooling, and max unpooling.

Every op takes ``(N, C, *spatial)`` input with 1, 2 or 3 spatial dims, or the
unbatched ``(C, *spatial)``, as PyTorch does. ``kernel_size``, ``stride``,
``padding`` and ``dilation`` are an int or one int per spatial dim; ``stride``
defaults to ``kernel_size``. The backend kernels (``max_pool``,
``max_pool_backward``, ``avg_pool``, ``avg_pool_backward``) see every input as
``(N, C, D, H, W)``.

Gradients of any order:

* Max pooling returns the maxima and their *plane indices* (the flat index
  ``d * H * W + h * W + w`` of each maximum in its input plane). Its gradient
  is :class:`MaxPoolBackward`, which adds each gradient at its index; the
  gradient of that is :class:`PlaneGather`, the gather at the same indices,
  whose gradient is :class:`MaxPoolBackward` again: the two maps are each
  other's transpose. Adaptive max pooling and max unpooling reuse them.
* Average pooling is linear: its gradient :class:`AvgPoolBackward` is the
  transposed map, whose gradient is :class:`AvgPool` again.
* Adaptive pooling whose windows all have one size (each input size a multiple
  of the output size) is plain pooling, done by the same kernels. Otherwise
  adaptive average pooling, linear and separable, applies one small averaging
  matrix per spatial dim with ``matmul`` (which differentiates itself), and
  adaptive max pooling finds the maxima one spatial dim at a time.
* Power-average (LP) pooling is composed of the ops above and elementwise ops.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np

from ..autograd.function import Function
from ..tensor import Tensor
from ._spatial import Triple, as_5d, functional_tuple, lift, output_size, with_batch
from ._util import int_arg, require_tensor
from .reduction import _zero_masks

__all__ = [
    "max_pool1d",
    "max_pool2d",
    "max_pool3d",
    "max_pool1d_with_indices",
    "max_pool2d_with_indices",
    "max_pool3d_with_indices",
    "avg_pool1d",
    "avg_pool2d",
    "avg_pool3d",
    "adaptive_avg_pool1d",
    "adaptive_avg_pool2d",
    "adaptive_avg_pool3d",
    "adaptive_max_pool1d",
    "adaptive_max_pool2d",
    "adaptive_max_pool3d",
    "adaptive_max_pool1d_with_indices",
    "adaptive_max_pool2d_with_indices",
    "adaptive_max_pool3d_with_indices",
    "lp_pool1d",
    "lp_pool2d",
    "lp_pool3d",
    "max_unpool1d",
    "max_unpool2d",
    "max_unpool3d",
]

# An int for every spatial dim, or one int per spatial dim.
Size = int | Sequence[int]
# The same, where None keeps the input's size along that dim (adaptive pooling).
OptionalSize = int | None | Sequence[int | None]


# -- arguments ----------------------------------------------------------------------------


class Windows(NamedTuple):
    """Where the pooling windows lie: one int per spatial dim in each field."""

    kernel_size: tuple[int, ...]
    stride: tuple[int, ...]
    padding: tuple[int, ...]
    dilation: tuple[int, ...]
    out_size: tuple[int, ...]

    def lifted(self) -> tuple[Triple, Triple, Triple, Triple, Triple]:
        """The fields as the kernels take them: triples, for 3 spatial dims."""
        return (
            lift(self.kernel_size, 1),
            lift(self.stride, 1),
            lift(self.padding, 0),
            lift(self.dilation, 1),
            lift(self.out_size, 1),
        )


def _windows(
    op: str,
    input: Tensor,
    kernel_size: Size,
    stride: Size | None,
    padding: Size,
    dilation: Size,
    ceil_mode: bool,
) -> Windows:
    """The checked window geometry of pooling the batched ``input``."""
    dims = input.ndim - 2
    kernel = functional_tuple(op, "kernel_size", kernel_size, dims)
    steps = kernel if stride is None else functional_tuple(op, "stride", stride, dims)
    pads = functional_tuple(op, "padding", padding, dims, minimum=0)
    dilations = functional_tuple(op, "dilation", dilation, dims)
    for pad, k in zip(pads, kernel):
        if pad > k // 2:  # dilated or not, as PyTorch's CPU kernels check
            raise RuntimeError(
                f"{op}: pad should be at most half of kernel size, but got pad={pad} and "
                f"kernel_size={k}"
            )
    out = output_size(op, tuple(input.shape[2:]), kernel, steps, pads, dilations, ceil_mode)
    return Windows(kernel, steps, pads, dilations, out)


def _batched(op: str, input: Tensor, dims: int, integers: bool = True) -> tuple[Tensor, bool]:
    """``input`` with a batch dim and whether one was added (see :func:`with_batch`), after
    PyTorch's dtype check: NotImplementedError for bool, and for integers unless allowed."""
    require_tensor(op, "input", input)
    dtype = input.dtype
    if dtype.name == "bool" or not (integers or dtype.is_floating_point):
        raise NotImplementedError(f"{op}: not implemented for {dtype.name} inputs")
    return with_batch(op, input, dims)


def _unbatched(outputs: tuple[Tensor, Tensor], added: bool) -> tuple[Tensor, Tensor]:
    """``outputs`` without the batch dim :func:`_batched` added, if it added one."""
    return (outputs[0].squeeze(0), outputs[1].squeeze(0)) if added else outputs


def _with_indices(outputs: tuple[Tensor, Tensor], return_indices: bool) -> Any:
    """``(values, indices)`` if ``return_indices``, else the values alone."""
    return outputs if return_indices else outputs[0]


# -- max pooling ----------------------------------------------------------------------


class _PoolMaxima(Function):
    """Base of the max pooling Functions, whose forward returns the maxima and their
    plane indices, keeping ``ctx.indices`` and the input's spatial ``ctx.size``: the
    gradient goes to the maxima."""

    @staticmethod
    def backward(ctx: Any, grad: Tensor, _grad_indices: None) -> tuple[Any, ...]:
        return MaxPoolBackward.apply(grad, ctx.indices, ctx.size), None


class MaxPool(_PoolMaxima):
    """The maximum of every window and its plane index."""

    @staticmethod
    def forward(ctx: Any, input: Tensor, windows: Windows) -> Any:
        values, indices = input.backend.kernel("max_pool")(
            as_5d(input._data, input.ndim - 2), *windows.lifted()
        )
        shape = input._data.shape[:2] + windows.out_size
        ctx.indices, ctx.size = indices.reshape(shape), input._data.shape[2:]
        ctx.set_materialize_grads(False)  # the indices never get a gradient
        return values.reshape(shape), ctx.indices


class MaxPoolBackward(Function):
    """Zeros of spatial ``size`` with each ``grad`` value added at its plane index in
    ``indices`` (a raw array shaped as ``grad``). Linear; its gradient is a gather."""

    @staticmethod
    def forward(ctx: Any, grad: Tensor, indices: Any, size: tuple[int, ...]) -> Any:
        ctx.indices = indices
        dims = len(size)
        grad_input = grad.backend.kernel("max_pool_backward")(
            as_5d(grad._data, dims), as_5d(indices, dims), lift(size, 1)
        )
        return grad_input.reshape(grad._data.shape[:2] + size)

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple[Any, ...]:
        return PlaneGather.apply(grad, ctx.indices), None, None


class PlaneGather(Function):
    """The elements of each ``(*spatial)`` plane of ``input`` at the plane indices
    ``indices`` (a raw ``(N, C, *out)`` array): the transpose of :class:`MaxPoolBackward`."""

    @staticmethod
    def forward(ctx: Any, input: Tensor, indices: Any) -> Any:
        data = input._data
        n, c = data.shape[:2]
        ctx.indices, ctx.size = indices, data.shape[2:]
        flat = input.backend.xp.take_along_axis(
            data.reshape(n, c, -1), indices.reshape(n, c, -1), axis=2
        )
        return flat.reshape(indices.shape)

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple[Any, ...]:
        return MaxPoolBackward.apply(grad, ctx.indices, ctx.size), None


def _max_pool(
    op: str,
    dims: int,
    input: Tensor,
    kernel_size: Size,
    stride: Size | None,
    padding: Size,
    dilation: Size,
    ceil_mode: bool,
) -> tuple[Tensor, Tensor]:
    x, added = _batched(op, input, dims)
    windows = _windows(op, x, kernel_size, stride, padding, dilation, ceil_mode)
    return _unbatched(MaxPool.apply(x, windows), added)


def max_pool1d_with_indices(
    input: Tensor,
    kernel_size: Size,
    stride: Size | None = None,
    padding: Size = 0,
    dilation: Size = 1,
    ceil_mode: bool = False,
    return_indices: bool = False,
) -> tuple[Tensor, Tensor]:
    """:func:`max_pool1d` returning ``(values, indices)`` whatever ``return_indices`` says.

    Examples:
        >>> import neurarust as nr
        >>> F = nr.nn.functional
        >>> F.max_pool1d_with_indices(nr.tensor([[[1.0, 3.0, 2.0, 0.0]]]), 2)[1]
        tensor([[[1, 2]]])
    """
    return _max_pool("max_pool1d", 1, input, kernel_size, stride, padding, dilation, ceil_mode)


def max_pool2d_with_indices(
    input: Tensor,
    kernel_size: Size,
    stride: Size | None = None,
    padding: Size = 0,
    dilation: Size = 1,
    ceil_mode: bool = False,
    return_indices: bool = False,
) -> tuple[Tensor, Tensor]:
    """:func:`max_pool2d` returning ``(values, indices)`` whatever ``return_indices`` says.

    Examples:
        >>> import neurarust as nr
        >>> x = nr.tensor([[[[1.0, 2.0], [4.0, 3.0]]]])
        >>> nr.nn.functional.max_pool2d_with_indices(x, 2)[1]
        tensor([[[[2]]]])
    """
    return _max_pool("max_pool2d", 2, input, kernel_size, stride, padding, dilation, ceil_mode)


def max_pool3d_with_indices(
    input: Tensor,
    kernel_size: Size,
    stride: Size | None = None,
    padding: Size = 0,
    dilation: Size = 1,
    ceil_mode: bool = False,
    return_indices: bool = False,
) -> tuple[Tensor, Tensor]:
    """:func:`max_pool3d` returning ``(values, indices)`` whatever ``return_indices`` says.

    Examples:
        >>> import neurarust as nr
        >>> x = nr.arange(8.0).reshape(1, 1, 2, 2, 2)
        >>> nr.nn.functional.max_pool3d_with_indices(x, 2)[1]
        tensor([[[[[7]]]]])
    """
    return _max_pool("max_pool3d", 3, input, kernel_size, stride, padding, dilation, ceil_mode)


def max_pool1d(
    input: Tensor,
    kernel_size: Size,
    stride: Size | None = None,
    padding: Size = 0,
    dilation: Size = 1,
    ceil_mode: bool = False,
    return_indices: bool = False,
) -> Any:
    """The maximum of every window of ``kernel_size`` elements, ``stride`` apart (default:
    ``kernel_size``), over the input padded with ``padding`` elements (-inf) on both sides;
    ``dilation`` spaces the elements of a window. ``ceil_mode`` counts a last partial window
    that starts inside the input or the left padding.

    With ``return_indices`` also returns the int64 index of each maximum along the
    (unpadded) input: the first maximum of its window, or the last NaN (NaN wins).
    The gradient goes to those elements.

    Shapes: ``(N, C, L)`` or ``(C, L)`` -> ``(N, C, L_out)`` or ``(C, L_out)``, with
    ``L_out = floor((L + 2 * padding - dilation * (kernel_size - 1) - 1) / stride) + 1``
    (``ceil`` with ``ceil_mode``).

    Examples:
        >>> import neurarust as nr
        >>> nr.nn.functional.max_pool1d(nr.tensor([[1.0, 3.0, 2.0, 0.0, 5.0]]), 2)
        tensor([[3., 2.]])
    """
    outputs = max_pool1d_with_indices(input, kernel_size, stride, padding, dilation, ceil_mode)
    return _with_indices(outputs, return_indices)


def max_pool2d(
    input: Tensor,
    kernel_size: Size,
    stride: Size | None = None,
    padding: Size = 0,
    dilation: Size = 1,
    ceil_mode: bool = False,
    return_indices: bool = False,
) -> Any:
    """2-D max pooling: :func:`max_pool1d` along ``H`` and ``W`` (each argument an int or a
    pair). The indices (``return_indices``) are ``h * W + w`` in the input plane.

    Shapes: ``(N, C, H, W)`` or ``(C, H, W)`` -> ``(N, C, H_out, W_out)`` or
    ``(C, H_out, W_out)``, each size as in :func:`max_pool1d`.

    Examples:
        >>> import neurarust as nr
        >>> x = nr.arange(16.0).reshape(1, 1, 4, 4)
        >>> nr.nn.functional.max_pool2d(x, 2)
        tensor([[[[ 5.,  7.],
                  [13., 15.]]]])
    """
    outputs = max_pool2d_with_indices(input, kernel_size, stride, padding, dilation, ceil_mode)
    return _with_indices(outputs, return_indices)


def max_pool3d(
    input: Tensor,
    kernel_size: Size,
    stride: Size | None = None,
    padding: Size = 0,
    dilation: Size = 1,
    ceil_mode: bool = False,
    return_indices: bool = False,
) -> Any:
    """3-D max pooling: :func:`max_pool1d` along ``D``, ``H`` and ``W`` (each argument an
    int or a triple). The indices are ``d * H * W + h * W + w`` in the input volume.

    Shapes: ``(N, C, D, H, W)`` or ``(C, D, H, W)`` -> ``(N, C, D_out, H_out, W_out)`` or
    ``(C, D_out, H_out, W_out)``, each size as in :func:`max_pool1d`.

    Examples:
        >>> import neurarust as nr
        >>> nr.nn.functional.max_pool3d(nr.ones(2, 4, 6, 8), (2, 3, 4)).shape
        neurarust.Size([2, 2, 2, 2])
    """
    outputs = max_pool3d_with_indices(input, kernel_size, stride, padding, dilation, ceil_mode)
    return _with_indices(outputs, return_indices)


# -- average pooling ----------------------------------------------------------------------


class AvgPool(Function):
    """The average of every window (PyTorch's divisor rules, see the ``avg_pool`` kernel).
    Linear; its gradient is :class:`AvgPoolBackward`, the transposed map."""

    @staticmethod
    def forward(
        ctx: Any,
        input: Tensor,
        windows: Windows,
        count_include_pad: bool,
        divisor_override: int | None,
    ) -> Any:
        ctx.size, ctx.rule = input._data.shape[2:], (windows, count_include_pad, divisor_override)
        kernel, stride, padding, _, out = windows.lifted()
        pooled = input.backend.kernel("avg_pool")(
            as_5d(input._data, input.ndim - 2),
            kernel,
            stride,
            padding,
            out,
            count_include_pad,
            divisor_override,
        )
        return pooled.reshape(input._data.shape[:2] + windows.out_size)

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple[Any, ...]:
        return AvgPoolBackward.apply(grad, ctx.size, *ctx.rule), None, None, None


class AvgPoolBackward(Function):
    """Each window's gradient shared among the input elements it averaged: an input of
    spatial ``size``. Linear; its gradient is :class:`AvgPool`."""

    @staticmethod
    def forward(
        ctx: Any,
        grad: Tensor,
        size: tuple[int, ...],
        windows: Windows,
        count_include_pad: bool,
        divisor_override: int | None,
    ) -> Any:
        ctx.rule = (windows, count_include_pad, divisor_override)
        kernel, stride, padding, _, _ = windows.lifted()
        grad_input = grad.backend.kernel("avg_pool_backward")(
            as_5d(grad._data, len(size)),
            lift(size, 1),
            kernel,
            stride,
            padding,
            count_include_pad,
            divisor_override,
        )
        return grad_input.reshape(grad._data.shape[:2] + size)

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple[Any, ...]:
        return AvgPool.apply(grad, *ctx.rule), None, None, None, None


def _avg_pool(
    op: str,
    dims: int,
    input: Tensor,
    kernel_size: Size,
    stride: Size | None,
    padding: Size,
    ceil_mode: bool,
    count_include_pad: bool,
    divisor_override: int | None,
) -> Tensor:
    x, added = _batched(op, input, dims)
    windows = _windows(op, x, kernel_size, stride, padding, 1, ceil_mode)
    if divisor_override is not None:
        divisor_override = int_arg(op, "divisor_override", divisor_override)
        if divisor_override == 0:
            raise RuntimeError(f"{op}: divisor must be not zero")
    out = AvgPool.apply(x, windows, bool(count_include_pad), divisor_override)
    return out.squeeze(0) if added else out


def avg_pool1d(
    input: Tensor,
    kernel_size: Size,
    stride: Size | None = None,
    padding: Size = 0,
    ceil_mode: bool = False,
    count_include_pad: bool = True,
) -> Tensor:
    """The average of every window of ``kernel_size`` elements, ``stride`` apart (default:
    ``kernel_size``), over the input padded with ``padding`` zeros on both sides.

    The divisor is the window's size, counting the padding zeros it covers
    (``count_include_pad``, the default) or not; with ``ceil_mode`` a last partial
    window counts (as in :func:`max_pool1d`) and is divided by the elements it covers.
    Integer inputs give integer averages, truncated toward zero.

    Shapes: ``(N, C, L)`` or ``(C, L)`` -> ``(N, C, L_out)`` or ``(C, L_out)``, with
    ``L_out = floor((L + 2 * padding - kernel_size) / stride) + 1`` (``ceil`` with
    ``ceil_mode``).

    Examples:
        >>> import neurarust as nr
        >>> nr.nn.functional.avg_pool1d(nr.tensor([[1.0, 3.0, 2.0, 6.0]]), 2)
        tensor([[2., 4.]])
    """
    return _avg_pool(
        "avg_pool1d", 1, input, kernel_size, stride, padding, ceil_mode, count_include_pad, None
    )


def avg_pool2d(
    input: Tensor,
    kernel_size: Size,
    stride: Size | None = None,
    padding: Size = 0,
    ceil_mode: bool = False,
    count_include_pad: bool = True,
    divisor_override: int | None = None,
) -> Tensor:
    """2-D average pooling: :func:`avg_pool1d` along ``H`` and ``W`` (each argument an int
    or a pair); ``divisor_override`` (a nonzero int) replaces every window's divisor.

    Shapes: ``(N, C, H, W)`` or ``(C, H, W)`` -> ``(N, C, H_out, W_out)`` or
    ``(C, H_out, W_out)``, each size as in :func:`avg_pool1d`.

    Examples:
        >>> import neurarust as nr
        >>> x = nr.arange(16.0).reshape(1, 1, 4, 4)
        >>> nr.nn.functional.avg_pool2d(x, 2)
        tensor([[[[ 2.5000,  4.5000],
                  [10.5000, 12.5000]]]])
    """
    return _avg_pool(
        "avg_pool2d",
        2,
        input,
        kernel_size,
        stride,
        padding,
        ceil_mode,
        count_include_pad,
        divisor_override,
    )


def avg_pool3d(
    input: Tensor,
    kernel_size: Size,
    stride: Size | None = None,
    padding: Size = 0,
    ceil_mode: bool = False,
    count_include_pad: bool = True,
    divisor_override: int | None = None,
) -> Tensor:
    """3-D average pooling: :func:`avg_pool2d` along ``D``, ``H`` and ``W`` (each argument an
    int or a triple).

    Shapes: ``(N, C, D, H, W)`` or ``(C, D, H, W)`` -> ``(N, C, D_out, H_out, W_out)`` or
    ``(C, D_out, H_out, W_out)``, each size as in :func:`avg_pool1d`.

    Examples:
        >>> import neurarust as nr
        >>> nr.nn.functional.avg_pool3d(nr.ones(1, 2, 4, 4, 4), 2, divisor_override=1)[0, 0, 0]
        tensor([[8., 8.],
                [8., 8.]])
    """
    return _avg_pool(
        "avg_pool3d",
        3,
        input,
        kernel_size,
        stride,
        padding,
        ceil_mode,
        count_include_pad,
        divisor_override,
    )


# -- adaptive pooling -------------------------------------------------------------------


def _adaptive_windows(in_size: int, out_size: int) -> list[tuple[int, int]]:
    """``[start, end)`` of the ``out_size`` windows covering ``in_size`` elements: window
    ``i`` spans ``floor(i * in / out)`` to ``ceil((i + 1) * in / out)``, as in PyTorch."""
    return [(i * in_size // out_size, -(-(i + 1) * in_size // out_size)) for i in range(out_size)]


def _adaptive_args(
    op: str, input: Tensor, dims: int, output_size: OptionalSize
) -> tuple[Tensor, bool, tuple[int, ...]]:
    """The batched input, whether a batch dim was added, and the checked output size
    (``None`` entries replaced by the input's sizes)."""
    x, added = _batched(op, input, dims, integers=False)
    size = tuple(x.shape[2:])
    if isinstance(output_size, (tuple, list)) and len(output_size) == dims:
        output_size = [n if o is None else o for o, n in zip(output_size, size)]
    out = functional_tuple(op, "output_size", output_size, dims, minimum=0)
    if 0 in size:
        raise RuntimeError(
            f"{op}: Expected input to have non-zero size for non-batch dimensions, but input "
            f"has sizes {list(input.shape)}"
        )
    return x, added, out


def _equal_windows(size: tuple[int, ...], out_size: tuple[int, ...]) -> Windows | None:
    """The adaptive windows as plain pooling windows (side by side, all of one size)
    when each input size is a multiple of the output size, else None. The pooling
    kernels are faster than the general adaptive paths (measured)."""
    if 0 in out_size or any(n % o for n, o in zip(size, out_size)):
        return None
    kernel = tuple(n // o for n, o in zip(size, out_size))
    dims = len(size)
    return Windows(kernel, kernel, (0,) * dims, (1,) * dims, out_size)


def _averaging_matrix(in_size: int, out_size: int, like: Tensor) -> Tensor:
    """The ``(out_size, in_size)`` matrix averaging each adaptive window, a constant in
    ``like``'s dtype and device."""
    matrix = np.zeros((out_size, in_size), dtype=like._data.dtype)
    for row, (start, end) in enumerate(_adaptive_windows(in_size, out_size)):
        matrix[row, start:end] = 1 / (end - start)
    return Tensor._make(like.backend.asarray(matrix), like.device)


def _average_along(x: Tensor, axis: int, matrix: Tensor) -> Tensor:
    """``x`` with dim ``axis`` mapped through ``matrix`` ``(out, in)``: element ``i`` of the
    result along ``axis`` is ``sum_j matrix[i, j] * x[..., j, ...]``."""
    shape = tuple(x.shape)
    before, after = math.prod(shape[:axis]), math.prod(shape[axis + 1 :])
    if after == 1:  # the last dim: one plain matrix product
        result = x.reshape(before, shape[axis]) @ matrix.t()
    else:
        result = matrix @ x.reshape(before, shape[axis], after)
    return result.reshape(shape[:axis] + (matrix.shape[0],) + shape[axis + 1 :])


def _adaptive_avg_pool(op: str, dims: int, input: Tensor, output_size: OptionalSize) -> Tensor:
    x, added, out = _adaptive_args(op, input, dims, output_size)
    windows = _equal_windows(tuple(x.shape[2:]), out)
    if all(o == 1 for o in out):  # global pooling: a mean is the fastest
        result = x.mean(dim=tuple(range(2, x.ndim)), keepdim=True)
    elif windows is not None:
        result = AvgPool.apply(x, windows, True, None)
    else:
        result = x
        for axis, (n, o) in enumerate(zip(x.shape[2:], out), start=2):
            if n != o:
                result = _average_along(result, axis, _averaging_matrix(n, o, x))
    return result.squeeze(0) if added else result


def adaptive_avg_pool1d(input: Tensor, output_size: OptionalSize) -> Tensor:
    """Average pooling to ``output_size`` elements: output ``i`` averages the input
    elements ``floor(i * L / output_size)`` to ``ceil((i + 1) * L / output_size) - 1``
    (windows of unequal sizes when ``L`` is not a multiple of ``output_size``).

    Shapes: ``(N, C, L)`` or ``(C, L)`` -> ``(N, C, output_size)`` or ``(C, output_size)``.

    Examples:
        >>> import neurarust as nr
        >>> nr.nn.functional.adaptive_avg_pool1d(nr.tensor([[1.0, 2.0, 3.0, 4.0, 5.0]]), 2)
        tensor([[2., 4.]])
    """
    return _adaptive_avg_pool("adaptive_avg_pool1d", 1, input, output_size)


def adaptive_avg_pool2d(input: Tensor, output_size: OptionalSize) -> Tensor:
    """:func:`adaptive_avg_pool1d` along ``H`` and ``W``: ``output_size`` is an int or a
    pair, whose ``None`` entries keep the input's size.

    Shapes: ``(N, C, H, W)`` or ``(C, H, W)`` -> ``(N, C, H_out, W_out)`` or
    ``(C, H_out, W_out)``.

    Examples:
        >>> import neurarust as nr
        >>> nr.nn.functional.adaptive_avg_pool2d(nr.ones(8, 3, 7, 9), (1, None)).shape
        neurarust.Size([8, 3, 1, 9])
    """
    return _adaptive_avg_pool("adaptive_avg_pool2d", 2, input, output_size)


def adaptive_avg_pool3d(input: Tensor, output_size: OptionalSize) -> Tensor:
    """:func:`adaptive_avg_pool1d` along ``D``, ``H`` and ``W``: ``output_size`` is an int
    or a triple, whose ``None`` entries keep the input's size.

    Shapes: ``(N, C, D, H, W)`` or ``(C, D, H, W)`` -> ``(N, C, D_out, H_out, W_out)`` or
    ``(C, D_out, H_out, W_out)``.

    Examples:
        >>> import neurarust as nr
        >>> nr.nn.functional.adaptive_avg_pool3d(nr.ones(3, 5, 6, 7), 2).shape
        neurarust.Size([3, 2, 2, 2])
    """
    return _adaptive_avg_pool("adaptive_avg_pool3d", 3, input, output_size)


def _adaptive_maxima(values: Any, axis: int, out_size: int, xp: Any) -> tuple[Any, Any]:
    """The maxima of the adaptive windows along ``axis`` of ``values`` and their positions
    along it, picked as PyTorch's kernels pick: the first maximum, or the last NaN.

    Windows differ in size, so the loop runs over offsets within a window, for all
    windows at once; a window shorter than the offset reads its last element again.
    """
    windows = np.array(_adaptive_windows(values.shape[axis], out_size), dtype=np.int64)
    starts, ends = windows.reshape(-1, 2).T
    along = (-1,) + (1,) * (values.ndim - axis - 1)  # a vector's shape to broadcast along axis
    position = xp.asarray(starts)
    best = xp.take(values, position, axis=axis)
    picks = xp.broadcast_to(position.reshape(along), best.shape).copy()
    for offset in range(1, int((ends - starts).max(initial=1))):
        position = xp.asarray(np.minimum(starts + offset, ends - 1))
        candidate = xp.take(values, position, axis=axis)
        better = candidate > best
        if values.dtype.kind == "f":
            better |= xp.isnan(candidate)
        xp.copyto(best, candidate, where=better)
        xp.copyto(picks, position.reshape(along), where=better)
    return best, picks


class AdaptiveMaxPool(_PoolMaxima):
    """The maximum of every adaptive window and its plane index.

    A window is a product of one interval per spatial dim, so its maximum is found one
    dim at a time (the last first): the maximum over the interval along that dim of
    the maxima found so far, whose plane indices are carried along. Picking the first
    maximum (or the last NaN) at each step picks it in window order overall.
    """

    @staticmethod
    def forward(ctx: Any, input: Tensor, out_size: tuple[int, ...]) -> Any:
        xp = input.backend.xp
        values, indices = input._data, None
        plane_step = 1  # plane index distance between neighbours along ``axis``
        for axis in reversed(range(2, input.ndim)):
            values, picks = _adaptive_maxima(values, axis, out_size[axis - 2], xp)
            position = picks * plane_step
            if indices is not None:
                position += xp.take_along_axis(indices, picks, axis=axis)
            indices = position
            plane_step *= input._data.shape[axis]
        ctx.indices, ctx.size = indices, input._data.shape[2:]
        ctx.set_materialize_grads(False)
        return values, indices


def _adaptive_max_pool(
    op: str, dims: int, input: Tensor, output_size: OptionalSize
) -> tuple[Tensor, Tensor]:
    x, added, out = _adaptive_args(op, input, dims, output_size)
    windows = _equal_windows(tuple(x.shape[2:]), out)
    if windows is not None:
        outputs = MaxPool.apply(x, windows)
    else:
        outputs = AdaptiveMaxPool.apply(x, out)
    return _unbatched(outputs, added)


def adaptive_max_pool1d_with_indices(
    input: Tensor, output_size: OptionalSize, return_indices: bool = False
) -> tuple[Tensor, Tensor]:
    """:func:`adaptive_max_pool1d` returning ``(values, indices)`` whatever
    ``return_indices`` says.

    Examples:
        >>> import neurarust as nr
        >>> x = nr.tensor([[[1.0, 3.0, 2.0, 0.0, 5.0]]])
        >>> nr.nn.functional.adaptive_max_pool1d_with_indices(x, 2)[1]
        tensor([[[1, 4]]])
    """
    return _adaptive_max_pool("adaptive_max_pool1d", 1, input, output_size)


def adaptive_max_pool2d_with_indices(
    input: Tensor, output_size: OptionalSize, return_indices: bool = False
) -> tuple[Tensor, Tensor]:
    """:func:`adaptive_max_pool2d` returning ``(values, indices)`` whatever
    ``return_indices`` says.

    Examples:
        >>> import neurarust as nr
        >>> x = nr.arange(9.0).reshape(1, 3, 3)
        >>> nr.nn.functional.adaptive_max_pool2d_with_indices(x, 1)[1]
        tensor([[[8]]])
    """
    return _adaptive_max_pool("adaptive_max_pool2d", 2, input, output_size)


def adaptive_max_pool3d_with_indices(
    input: Tensor, output_size: OptionalSize, return_indices: bool = False
) -> tuple[Tensor, Tensor]:
    """:func:`adaptive_max_pool3d` returning ``(values, indices)`` whatever
    ``return_indices`` says.

    Examples:
        >>> import neurarust as nr
        >>> x = nr.arange(8.0).reshape(1, 2, 2, 2)
        >>> nr.nn.functional.adaptive_max_pool3d_with_indices(x, (1, 1, 2))[1]
        tensor([[[[6, 7]]]])
    """
    return _adaptive_max_pool("adaptive_max_pool3d", 3, input, output_size)


def adaptive_max_pool1d(
    input: Tensor, output_size: OptionalSize, return_indices: bool = False
) -> Any:
    """Max pooling to ``output_size`` elements, over the windows of
    :func:`adaptive_avg_pool1d`; with ``return_indices`` also the int64 index of each
    maximum along the input (the first maximum of its window, or the last NaN).

    Shapes: ``(N, C, L)`` or ``(C, L)`` -> ``(N, C, output_size)`` or ``(C, output_size)``.

    Examples:
        >>> import neurarust as nr
        >>> nr.nn.functional.adaptive_max_pool1d(nr.tensor([[1.0, 3.0, 2.0, 0.0, 5.0]]), 2)
        tensor([[3., 5.]])
    """
    outputs = adaptive_max_pool1d_with_indices(input, output_size)
    return _with_indices(outputs, return_indices)


def adaptive_max_pool2d(
    input: Tensor, output_size: OptionalSize, return_indices: bool = False
) -> Any:
    """:func:`adaptive_max_pool1d` along ``H`` and ``W``: ``output_size`` is an int or a
    pair, whose ``None`` entries keep the input's size; indices are ``h * W + w``.

    Shapes: ``(N, C, H, W)`` or ``(C, H, W)`` -> ``(N, C, H_out, W_out)`` or
    ``(C, H_out, W_out)``.

    Examples:
        >>> import neurarust as nr
        >>> nr.nn.functional.adaptive_max_pool2d(nr.ones(8, 3, 7, 9), (2, None)).shape
        neurarust.Size([8, 3, 2, 9])
    """
    outputs = adaptive_max_pool2d_with_indices(input, output_size)
    return _with_indices(outputs, return_indices)


def adaptive_max_pool3d(
    input: Tensor, output_size: OptionalSize, return_indices: bool = False
) -> Any:
    """:func:`adaptive_max_pool1d` along ``D``, ``H`` and ``W``: ``output_size`` is an int
    or a triple, whose ``None`` entries keep the input's size; indices are
    ``d * H * W + h * W + w``.

    Shapes: ``(N, C, D, H, W)`` or ``(C, D, H, W)`` -> ``(N, C, D_out, H_out, W_out)`` or
    ``(C, D_out, H_out, W_out)``.

    Examples:
        >>> import neurarust as nr
        >>> nr.nn.functional.adaptive_max_pool3d(nr.ones(3, 5, 6, 7), 2).shape
        neurarust.Size([3, 2, 2, 2])
    """
    outputs = adaptive_max_pool3d_with_indices(input, output_size)
    return _with_indices(outputs, return_indices)


# -- power-average pooling ----------------------------------------------------------------


def _lp_pool(
    op: str,
    dims: int,
    input: Tensor,
    norm_type: float,
    kernel_size: Size,
    stride: Size | None,
    ceil_mode: bool,
) -> Tensor:
    require_tensor(op, "input", input)
    if norm_type == math.inf:
        return _max_pool(op, dims, input.abs(), kernel_size, stride, 0, 1, ceil_mode)[0]
    if norm_type == -math.inf:
        return -_max_pool(op, dims, -input.abs(), kernel_size, stride, 0, 1, ceil_mode)[0]
    average = _avg_pool(
        op, dims, input.pow(norm_type), kernel_size, stride, 0, ceil_mode, True, None
    )
    window_size = math.prod(functional_tuple(op, "kernel_size", kernel_size, dims))
    # PyTorch computes (sign(a) * relu(|a|) * window_size) ** (1 / p): the value of
    # (a * window_size) ** (1 / p), with a zero gradient where the average a is zero
    # (instead of 0 * inf). The constant masks do the same: they move zeros to 1 for
    # the power and clear the result there.
    zero, nonzero = _zero_masks(average)
    return ((average + zero) * window_size).pow(1.0 / norm_type) * nonzero


def lp_pool1d(
    input: Tensor,
    norm_type: float,
    kernel_size: int,
    stride: Size | None = None,
    ceil_mode: bool = False,
) -> Tensor:
    """Power-average pooling: ``(sum of x ** p over the window) ** (1 / p)`` for
    ``p = norm_type`` (``inf``: the maximum of ``|x|``), over windows of ``kernel_size``
    elements, ``stride`` apart (default: ``kernel_size``), without padding.

    As in PyTorch, the sum is the window's average times ``kernel_size``, so a last
    partial window (``ceil_mode``) is scaled up to a full one; where the sum is zero
    the gradient is zero too.

    Shapes: ``(N, C, L)`` or ``(C, L)`` -> ``(N, C, L_out)`` or ``(C, L_out)``, with
    ``L_out = floor((L - kernel_size) / stride) + 1`` (``ceil`` with ``ceil_mode``).

    Examples:
        >>> import neurarust as nr
        >>> nr.nn.functional.lp_pool1d(nr.tensor([[3.0, 4.0, 0.0, 0.0]]), 2, 2)
        tensor([[5., 0.]])
    """
    return _lp_pool("lp_pool1d", 1, input, norm_type, kernel_size, stride, ceil_mode)


def lp_pool2d(
    input: Tensor,
    norm_type: float,
    kernel_size: Size,
    stride: Size | None = None,
    ceil_mode: bool = False,
) -> Tensor:
    """:func:`lp_pool1d` over ``H`` and ``W`` windows (each argument an int or a pair).

    Shapes: ``(N, C, H, W)`` or ``(C, H, W)`` -> ``(N, C, H_out, W_out)`` or
    ``(C, H_out, W_out)``, each size as in :func:`lp_pool1d`.

    Examples:
        >>> import neurarust as nr
        >>> nr.nn.functional.lp_pool2d(nr.ones(1, 1, 4, 4), 2, 2)
        tensor([[[[2., 2.],
                  [2., 2.]]]])
    """
    return _lp_pool("lp_pool2d", 2, input, norm_type, kernel_size, stride, ceil_mode)


def lp_pool3d(
    input: Tensor,
    norm_type: float,
    kernel_size: Size,
    stride: Size | None = None,
    ceil_mode: bool = False,
) -> Tensor:
    """:func:`lp_pool1d` over ``D``, ``H`` and ``W`` windows (each argument an int or a
    triple).

    Shapes: ``(N, C, D, H, W)`` or ``(C, D, H, W)`` -> ``(N, C, D_out, H_out, W_out)`` or
    ``(C, D_out, H_out, W_out)``, each size as in :func:`lp_pool1d`.

    Examples:
        >>> import neurarust as nr
        >>> nr.nn.functional.lp_pool3d(nr.ones(1, 1, 2, 2, 2), 1, 2)
        tensor([[[[[8.]]]]])
    """
    return _lp_pool("lp_pool3d", 3, input, norm_type, kernel_size, stride, ceil_mode)


# -- max unpooling ----------------------------------------------------------------------


class MaxUnpool(Function):
    """Zeros of spatial ``out_size`` with each input value written at its plane index in
    ``indices`` (a raw array shaped as the input); the gradient gathers at the indices."""

    @staticmethod
    def forward(ctx: Any, input: Tensor, indices: Any, out_size: tuple[int, ...]) -> Any:
        xp, data = input.backend.xp, input._data
        planes = data.shape[0] * data.shape[1]
        out = xp.zeros((planes, math.prod(out_size)), dtype=data.dtype)
        rows = xp.arange(planes)[:, None]
        out[rows, indices.reshape(planes, -1)] = data.reshape(planes, -1)
        ctx.indices = indices
        return out.reshape(data.shape[:2] + out_size)

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple[Any, ...]:
        return PlaneGather.apply(grad, ctx.indices), None, None


def _unpool_size(
    op: str,
    input: Tensor,
    windows: tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]],
    output_size: Sequence[int] | None,
) -> tuple[int, ...]:
    """The spatial output size: ``output_size`` (its spatial part) if given, checked to
    lie within a stride of the size max pooling would have come from."""
    kernel, stride, padding = windows
    default = tuple(
        (n - 1) * s + k - 2 * p for n, k, s, p in zip(input.shape[2:], kernel, stride, padding)
    )
    if output_size is None:
        return default
    dims = len(kernel)
    sizes = tuple(output_size)
    if len(sizes) == dims + 2:
        sizes = sizes[2:]
    if len(sizes) != dims:
        raise ValueError(
            f"{op}: output_size should be a sequence containing {dims} or {dims + 2} elements, "
            f"but it has a length of '{len(sizes)}'"
        )
    for d, (size, base, s) in enumerate(zip(sizes, default, stride)):
        if not base - s < size < base + s:
            raise ValueError(
                f'{op}: invalid output_size "{output_size}" (dim {d} must be between '
                f"{base - s} and {base + s})"
            )
    return tuple(int(size) for size in sizes)


def _check_unpool_indices(op: str, input: Tensor, indices: Tensor, out: tuple[int, ...]) -> None:
    """PyTorch's errors for indices of the wrong dtype or shape, or outside the output."""
    require_tensor(op, "indices", indices)
    if indices.dtype.name != "int64":
        raise RuntimeError(
            f"{op}: elements in indices should be type int64 but got: {indices.dtype.name}"
        )
    if indices.shape != input.shape:
        raise RuntimeError(
            f"{op}: Expected shape of indices to be same as that of the input tensor "
            f"({list(input.shape)}) but got indices tensor with shape: {list(indices.shape)}"
        )
    data = indices._data
    if data.size == 0:
        return
    low, high = int(data.min()), int(data.max())
    if low < 0 or high >= math.prod(out):
        raise RuntimeError(
            f"{op}: Found an invalid max index: {low if low < 0 else high} (output volumes "
            f"are of size {'x'.join(map(str, out))})"
        )


def _max_unpool(
    op: str,
    dims: int,
    input: Tensor,
    indices: Tensor,
    kernel_size: Size,
    stride: Size | None,
    padding: Size,
    output_size: Sequence[int] | None,
) -> Tensor:
    x, added = _batched(op, input, dims)
    kernel = functional_tuple(op, "kernel_size", kernel_size, dims)
    steps = kernel if stride is None else functional_tuple(op, "stride", stride, dims)
    pads = functional_tuple(op, "padding", padding, dims, minimum=0)
    out = _unpool_size(op, x, (kernel, steps, pads), output_size)
    _check_unpool_indices(op, input, indices, out)
    result = MaxUnpool.apply(x, indices._data.reshape(x.shape), out)
    return result.squeeze(0) if added else result


def max_unpool1d(
    input: Tensor,
    indices: Tensor,
    kernel_size: Size,
    stride: Size | None = None,
    padding: Size = 0,
    output_size: Sequence[int] | None = None,
) -> Tensor:
    """A partial inverse of :func:`max_pool1d`: zeros, with each ``input`` value put back
    at its index from ``indices`` (``max_pool1d(..., return_indices=True)``'s).

    The output length is ``(L - 1) * stride - 2 * padding + kernel_size``, or
    ``output_size`` (``(L_out,)`` or ``(N, C, L_out)``) to undo a pooling that dropped
    elements; it must lie within ``stride`` of that length. The gradient gathers at
    the indices.

    Shapes: ``(N, C, L)`` or ``(C, L)`` -> ``(N, C, L_out)`` or ``(C, L_out)``.

    Examples:
        >>> import neurarust as nr
        >>> F = nr.nn.functional
        >>> x = nr.tensor([[1.0, 3.0, 2.0, 0.0]])
        >>> values, indices = F.max_pool1d(x, 2, return_indices=True)
        >>> F.max_unpool1d(values, indices, 2)
        tensor([[0., 3., 2., 0.]])
    """
    return _max_unpool("max_unpool1d", 1, input, indices, kernel_size, stride, padding, output_size)


def max_unpool2d(
    input: Tensor,
    indices: Tensor,
    kernel_size: Size,
    stride: Size | None = None,
    padding: Size = 0,
    output_size: Sequence[int] | None = None,
) -> Tensor:
    """:func:`max_unpool1d` for :func:`max_pool2d`: each argument an int or a pair;
    ``output_size`` is ``(H_out, W_out)`` or ``(N, C, H_out, W_out)``.

    Shapes: ``(N, C, H, W)`` or ``(C, H, W)`` -> ``(N, C, H_out, W_out)`` or
    ``(C, H_out, W_out)``.

    Examples:
        >>> import neurarust as nr
        >>> F = nr.nn.functional
        >>> values, indices = F.max_pool2d(nr.randn(1, 3, 5, 5), 2, return_indices=True)
        >>> F.max_unpool2d(values, indices, 2, output_size=(5, 5)).shape
        neurarust.Size([1, 3, 5, 5])
    """
    return _max_unpool("max_unpool2d", 2, input, indices, kernel_size, stride, padding, output_size)


def max_unpool3d(
    input: Tensor,
    indices: Tensor,
    kernel_size: Size,
    stride: Size | None = None,
    padding: Size = 0,
    output_size: Sequence[int] | None = None,
) -> Tensor:
    """:func:`max_unpool1d` for :func:`max_pool3d`: each argument an int or a triple;
    ``output_size`` is ``(D_out, H_out, W_out)`` or ``(N, C, D_out, H_out, W_out)``.

    Shapes: ``(N, C, D, H, W)`` or ``(C, D, H, W)`` -> ``(N, C, D_out, H_out, W_out)``
    or ``(C, D_out, H_out, W_out)``.

    Examples:
        >>> import neurarust as nr
        >>> F = nr.nn.functional
        >>> values, indices = F.max_pool3d(nr.randn(2, 4, 4, 4), 2, return_indices=True)
        >>> F.max_unpool3d(values, indices, 2).shape
        neurarust.Size([2, 4, 4, 4])
    """
    return _max_unpool("max_unpool3d", 3, input, indices, kernel_size, stride, padding, output_size)
