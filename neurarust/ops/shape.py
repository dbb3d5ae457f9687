"""Shape ops: reshaping, permuting, expanding, joining and splitting tensors.

Ops that return a view of their input (same storage) set ``is_view`` so the
output shares the input's version counter.
"""

from __future__ import annotations

from typing import Any

from ..autograd.function import Function
from ..tensor import Tensor

__all__ = ["reshape", "expand"]


def _shape_arg(shape: tuple[Any, ...]) -> tuple[int, ...]:
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        return tuple(shape[0])
    return tuple(shape)


class Reshape(Function):
    is_view = True

    @staticmethod
    def forward(ctx: Any, a: Tensor, shape: tuple[int, ...]) -> Any:
        ctx.shape = a._data.shape
        try:
            return a._data.reshape(shape)
        except ValueError:
            raise RuntimeError(
                f"reshape: shape '{list(shape)}' is invalid for input of size {a._data.size}"
            ) from None

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple[Any, ...]:
        return grad.reshape(ctx.shape), None


class Expand(Function):
    is_view = True

    @staticmethod
    def forward(ctx: Any, a: Tensor, shape: tuple[int, ...]) -> Any:
        ctx.shape = a._data.shape
        return a.backend.xp.broadcast_to(a._data, shape)

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple[Any, ...]:
        return grad.sum_to_size(ctx.shape), None


def reshape(input: Tensor, *shape: Any) -> Tensor:
    """``input``'s elements in a new shape (one entry may be -1)."""
    return Reshape.apply(input, _shape_arg(shape))


def expand(input: Tensor, *sizes: Any) -> Tensor:
    """A broadcast view of ``input`` with ``sizes`` (-1 keeps a dimension)."""
    sizes = _shape_arg(sizes)
    shape = input._data.shape
    lead = len(sizes) - len(shape)
    target = tuple(shape[i - lead] if s == -1 else s for i, s in enumerate(sizes))
    return Expand.apply(input, target)
