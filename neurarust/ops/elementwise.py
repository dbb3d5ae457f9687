"""Elementwise ops: arithmetic, powers and logs, trigonometry, rounding, comparisons.

Binary ops broadcast their operands and promote dtypes as PyTorch does
(:func:`neurarust.dtypes.result_type`); the engine sums each gradient back to
its input's shape, so a backward here returns gradients of the broadcast shape.
"""

from __future__ import annotations

from typing import Any

from ..autograd.function import Function
from ..tensor import Tensor
from ._util import binary_data, float_data

__all__ = ["add", "sub", "mul", "div", "neg", "exp"]


def _grad_if(needed: bool, grad: Tensor) -> Tensor | None:
    return grad if needed else None


class Add(Function):
    @staticmethod
    def forward(ctx: Any, a: Any, b: Any) -> Any:
        x, y = binary_data("add", a, b)
        return x + y

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple[Any, ...]:
        return grad, grad


class Sub(Function):
    @staticmethod
    def forward(ctx: Any, a: Any, b: Any) -> Any:
        x, y = binary_data("sub", a, b)
        return x - y

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple[Any, ...]:
        return grad, (-grad if ctx.needs_input_grad[1] else None)


class Mul(Function):
    @staticmethod
    def forward(ctx: Any, a: Any, b: Any) -> Any:
        x, y = binary_data("mul", a, b)
        ctx.save_for_backward(
            a if isinstance(a, Tensor) else None, b if isinstance(b, Tensor) else None
        )
        ctx.scalars = (a, b)
        return x * y

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple[Any, ...]:
        a, b = ctx.saved_tensors
        sa, sb = ctx.scalars
        ga = grad * (b if b is not None else sb) if ctx.needs_input_grad[0] else None
        gb = grad * (a if a is not None else sa) if ctx.needs_input_grad[1] else None
        return ga, gb


class Div(Function):
    @staticmethod
    def forward(ctx: Any, a: Any, b: Any) -> Any:
        x, y = binary_data("div", a, b)
        if getattr(x, "dtype", None) is not None and x.dtype.kind != "f":
            x = float_data(a) if isinstance(a, Tensor) else x
        ctx.save_for_backward(
            a if isinstance(a, Tensor) else None, b if isinstance(b, Tensor) else None
        )
        ctx.scalars = (a, b)
        return x / y

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple[Any, ...]:
        a, b = ctx.saved_tensors
        sa, sb = ctx.scalars
        denominator = b if b is not None else sb
        ga = grad / denominator if ctx.needs_input_grad[0] else None
        gb = None
        if ctx.needs_input_grad[1]:
            numerator = a if a is not None else sa
            gb = -grad * numerator / (b * b)
        return ga, gb


class Neg(Function):
    @staticmethod
    def forward(ctx: Any, a: Tensor) -> Any:
        return -a._data

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> Tensor:
        return -grad


class Exp(Function):
    saves_result = True

    @staticmethod
    def forward(ctx: Any, a: Tensor) -> Any:
        return a.backend.xp.exp(float_data(a))

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> Tensor:
        return grad * ctx.saved_result()


def add(input: Any, other: Any, *, alpha: Any = 1) -> Tensor:
    """``input + alpha * other``, broadcast. Shapes: any two broadcastable shapes."""
    if alpha != 1:
        other = mul(other, alpha)
    return Add.apply(input, other)


def sub(input: Any, other: Any, *, alpha: Any = 1) -> Tensor:
    """``input - alpha * other``, broadcast."""
    if alpha != 1:
        other = mul(other, alpha)
    return Sub.apply(input, other)


def mul(input: Any, other: Any) -> Tensor:
    """``input * other``, broadcast."""
    return Mul.apply(input, other)


def div(input: Any, other: Any, *, rounding_mode: str | None = None) -> Tensor:
    """``input / other``, broadcast; always floating point (true division)."""
    return Div.apply(input, other)


def neg(input: Tensor) -> Tensor:
    """``-input``."""
    return Neg.apply(input)


def exp(input: Tensor) -> Tensor:
    """``e ** input``; integer inputs give the default float dtype."""
    return Exp.apply(input)
