"""Moving tensors between devices and casting between dtypes (differentiable)."""

from __future__ import annotations

from typing import Any

from .. import dtypes
from ..autograd.function import Function
from ..device import Device, device
from ..tensor import Tensor

__all__ = ["to", "copy_into"]


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

    Example:
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


def copy_into(target: Tensor, src: Tensor) -> Tensor:
    """``src`` broadcast to ``target``'s shape, cast and moved to its dtype and device:
    the value ``target.copy_(src)`` writes."""
    if not isinstance(src, Tensor):
        raise TypeError(f"copy_: expected a Tensor as source, got {type(src).__name__}")
    return to(src, target.device, target.dtype).expand(target.shape)
