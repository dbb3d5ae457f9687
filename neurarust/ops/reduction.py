"""Reductions: sums, means, extrema, variance, norms, softmax."""

from __future__ import annotations

from typing import Any

from ..autograd.function import Function
from ..tensor import Tensor
from ._util import normalize_dims

__all__ = ["sum", "sum_to_size"]


class Sum(Function):
    @staticmethod
    def forward(ctx: Any, a: Tensor, dims: tuple[int, ...], keepdim: bool, dtype: Any) -> Any:
        ctx.shape, ctx.dims, ctx.keepdim = a._data.shape, dims, keepdim
        data = a._data
        if dtype is None and data.dtype.kind in "bui":
            dtype = "int64"  # PyTorch sums integers (and bools) in int64
        return data.sum(axis=dims, keepdims=keepdim, dtype=dtype)

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple[Any, ...]:
        if not ctx.keepdim:
            kept = list(ctx.shape)
            for d in ctx.dims:
                kept[d] = 1
            grad = grad.reshape(kept)
        return grad.expand(ctx.shape), None, None, None


def sum(input: Tensor, dim: Any = None, keepdim: bool = False, *, dtype: Any = None) -> Tensor:  # noqa: A001
    """Sum over ``dim`` (an int, a tuple, or None for all dimensions).

    Shapes: ``(*)`` -> the input shape without ``dim`` (kept as size 1 if ``keepdim``).
    """
    from .. import dtypes

    dims = normalize_dims(dim, input.ndim, "sum")
    np_dtype = None if dtype is None else dtypes.to_dtype(dtype).numpy
    return Sum.apply(input, dims, keepdim, np_dtype)


def sum_to_size(input: Tensor, *size: Any) -> Tensor:
    """Sum ``input`` down to ``size``, which ``input`` must broadcast from.

    This is how gradients of broadcast operands are reduced. RuntimeError if
    ``size`` is not broadcastable to ``input.shape``.
    """
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = tuple(size[0])
    shape = input._data.shape
    lead = len(shape) - len(size)
    if lead < 0 or any(s != 1 and s != shape[lead + i] for i, s in enumerate(size)):
        raise RuntimeError(
            f"sum_to_size: size {list(size)} is not expandable to size {list(shape)}"
        )
    dims = tuple(range(lead)) + tuple(
        lead + i for i, s in enumerate(size) if s == 1 and shape[lead + i] != 1
    )
    if not dims:
        return input
    out = sum(input, dims, keepdim=True)
    return out.reshape(size) if lead else out
