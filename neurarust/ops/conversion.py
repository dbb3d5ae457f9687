"""Moving tensors between devices and casting between dtypes (differentiable)."""

from __future__ import annotations

from typing import Any

from .. import dtypes
from ..autograd.function import Function
from ..device import Device, device
from ..tensor import Tensor
from ._util import as_operand

__all__ = ["to", "copy_into", "fill"]


class ToCopy(Function):
    """A copy of ``x`` on ``target`` device with ``dtype``; the gradient goes back."""

    @staticmethod
    def forward(ctx: Any, x: Tensor, target: Device, dtype: dtypes.dtype) -> Tensor:
        ctx.source = (x.device, x.dtype)
        if target is x.device:
            data = x._data.astype(dtype.numpy)  # always a copy
        else:
            data = target.backend.asarray(x.backend.to_host(x._data), dtype.numpy)
        return Tensor._make(data, target)

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple[Any, ...]:
        src_device, src_dtype = ctx.source
        return to(grad, src_device, src_dtype), None, None


def _parse_to_args(args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Any, Any, bool]:
    """The (device, dtype, copy) a ``Tensor.to(...)`` call asks for (None = keep)."""
    dev = kwargs.pop("device", None)
    dtype = kwargs.pop("dtype", None)
    copy = bool(kwargs.pop("copy", False))
    kwargs.pop("non_blocking", None)
    kwargs.pop("memory_format", None)
    if kwargs:
        raise TypeError(f"to: unexpected keyword arguments {sorted(kwargs)}")
    positional = list(args)
    if positional and isinstance(positional[0], Tensor):
        other = positional.pop(0)
        dev, dtype = other.device, other.dtype
    for value in positional:
        if isinstance(value, (str, Device, int)) and not isinstance(value, bool):
            dev = value
        elif isinstance(value, bool):
            copy = value  # to(dtype, non_blocking, copy) spelled positionally
        elif value is not None:
            dtype = value
    return dev, dtype, copy


def to(input: Tensor, *args: Any, **kwargs: Any) -> Tensor:
    """``input`` on another device and/or with another dtype.

    Accepts ``to(device)``, ``to(dtype)``, ``to(device, dtype)``, ``to(other_tensor)``
    and the keywords ``device``, ``dtype``, ``copy``. Returns ``input`` itself when
    nothing changes, unless ``copy=True``.

    Examples:
        >>> import neurarust as nr
        >>> nr.tensor([1.5, 2.5]).to(nr.int64)
        tensor([1, 2])
    """
    dev, dtype, copy = _parse_to_args(args, kwargs)
    target = input.device if dev is None else device(dev)
    d = input.dtype if dtype is None else dtypes.to_dtype(dtype)
    if target is input.device and d is input.dtype and not copy:
        return input
    return ToCopy.apply(input, target, d)


class Overwrite(Function):
    """The value that ``target.copy_(src)`` and ``target.fill_(value)`` write: ``src``
    cast to ``target``'s dtype, moved to its device and broadcast to its shape.

    The old value of ``target`` gets a zero gradient (it is overwritten); ``src``
    gets the incoming gradient, summed back to its shape.
    """

    @staticmethod
    def forward(ctx: Any, target: Tensor, src: Any, op: str) -> Any:
        data = src
        if isinstance(src, Tensor):
            ctx.source = (src.device, src.dtype)
            data = src._data
            if src.device is not target.device:
                data = target.backend.asarray(src.backend.to_host(data))
        out = target.backend.xp.empty(target._data.shape, target._data.dtype)
        try:
            out[...] = data
        except ValueError:
            raise RuntimeError(
                f"{op}: the source of shape {list(getattr(src, 'shape', ()))} can't be "
                f"broadcast to the destination's shape {list(target.shape)}"
            ) from None
        return out

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple[Any, ...]:
        from .creation import zeros_like

        target_grad = zeros_like(grad) if ctx.needs_input_grad[0] else None
        src_grad = None
        if ctx.needs_input_grad[1]:
            src_device, src_dtype = ctx.source
            src_grad = to(grad, src_device, src_dtype)
        return target_grad, src_grad, None


def copy_into(target: Tensor, src: Any) -> Tensor:
    """``src`` broadcast to ``target``'s shape, cast and moved to its dtype and device:
    the value ``target.copy_(src)`` writes (differentiable with respect to ``src``)."""
    return Overwrite.apply(target, as_operand("copy_", src), "copy_")


def fill(input: Tensor, value: Any) -> Tensor:
    """A tensor shaped like ``input`` (same dtype and device) holding ``value`` everywhere.

    ``value`` is a number or a 0-dimensional tensor (then the result is
    differentiable with respect to it). ``input.fill_(value)`` is the in-place form.

    Examples:
        >>> import neurarust as nr
        >>> nr.fill(nr.zeros(3), 2.5)
        tensor([2.5000, 2.5000, 2.5000])
    """
    if isinstance(value, Tensor) and value.ndim != 0:
        raise RuntimeError(
            "fill_ only supports 0-dimension value tensor but got tensor with "
            f"{value.ndim} dimensions."
        )
    return Overwrite.apply(input, as_operand("fill_", value), "fill_")
