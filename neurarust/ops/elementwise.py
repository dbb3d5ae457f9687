"""Elementwise ops: arithmetic, powers, rounding, clamping, selection, comparisons, logic.

Binary ops broadcast their operands and promote dtypes as PyTorch does
(:func:`neurarust.dtypes.result_type`); either operand may be a Python number.
The engine sums each gradient back to its input's shape, so a backward here
returns gradients of the broadcast shape.

Ops that only apply an array function and carry no useful gradient (comparisons,
logic, bitwise ops, rounding) share one class, :class:`Pointwise`, driven by the
table ``_POINTWISE``. Masks that a backward needs (where ``clamp`` let the input
through, which operand ``maximum`` picked) are constant tensors computed from the
raw arrays, so the rest of each formula stays differentiable for double backward.
"""

from __future__ import annotations

import builtins
import math
import warnings
from collections.abc import Callable
from typing import Any

from .. import dtypes
from ..autograd.function import Function
from ..tensor import Tensor
from ._util import (
    as_operand,
    binary_data,
    check_broadcastable,
    check_same_device,
    float_data,
    require_tensor,
)
from .creation import zeros_like

__all__ = [
    "add",
    "sub",
    "mul",
    "div",
    "true_divide",
    "floor_divide",
    "remainder",
    "fmod",
    "pow",
    "neg",
    "negative",
    "abs",
    "sign",
    "reciprocal",
    "clamp",
    "clip",
    "clamp_min",
    "clamp_max",
    "floor",
    "ceil",
    "round",
    "trunc",
    "frac",
    "lerp",
    "maximum",
    "minimum",
    "where",
    "eq",
    "ne",
    "lt",
    "le",
    "gt",
    "ge",
    "logical_and",
    "logical_or",
    "logical_xor",
    "logical_not",
    "bitwise_and",
    "bitwise_or",
    "bitwise_xor",
    "bitwise_not",
    "isnan",
    "isinf",
    "isfinite",
]

_NUMBER = (bool, int, float)

# Words for NumPy dtype kinds, in error messages.
_KIND_WORDS = {"b": "bool", "i": "integer", "f": "floating point"}


# -- helpers ---------------------------------------------------------------------------


def _check_operands(op: str, *operands: Any) -> None:
    """RuntimeError naming ``op`` unless the tensors among ``operands`` share a device
    and broadcast together (for ops with more than two operands).

    Checking each pair is enough: broadcasting fails only where two sizes differ and
    neither is 1.
    """
    tensors = [x for x in operands if isinstance(x, Tensor)]
    for i, a in enumerate(tensors):
        for b in tensors[i + 1 :]:
            check_same_device(op, a, b)
            if a._data.shape != b._data.shape:
                check_broadcastable(op, a._data.shape, b._data.shape)


def _dtype_of(x: Any, y: Any) -> Any:
    """The (NumPy) dtype of promoted operands ``x``, ``y``; one may be a Python number."""
    return y.dtype if isinstance(x, _NUMBER) else x.dtype


def _xp(a: Any, b: Any = None) -> Any:
    """The array module of whichever operand is a Tensor."""
    return (a if isinstance(a, Tensor) else b).backend.xp


def _check_dtype(op: str, dtype: Any, kinds: str) -> None:
    """NotImplementedError, as PyTorch raises, when ``op`` has no kernel for ``dtype``.

    ``kinds`` lists the NumPy dtype kinds ``op`` accepts: ``b`` bool, ``i`` integers
    (unsigned ones included), ``f`` floating point.
    """
    kind = "i" if dtype.kind == "u" else dtype.kind
    if kind not in kinds:
        expected = " or ".join(_KIND_WORDS[k] for k in kinds)
        raise NotImplementedError(
            f"{op}: not implemented for {dtype.name} tensors (expected {expected} tensors)"
        )


def _number_or_tensor(op: str, value: Any) -> Any:
    """A Tensor or None as it is, anything else through ``as_operand``: a NumPy scalar
    becomes a Python number (which, unlike a NumPy scalar, never widens the tensor's
    dtype), and a non-number is a TypeError naming ``op``."""
    return value if value is None or isinstance(value, Tensor) else as_operand(op, value)


def _savebinary_data(ctx: Any, *operands: Any) -> None:
    """Keep the operands for backward: tensors with ``save_for_backward`` (so in-place
    changes are detected), numbers (or None) as they are."""
    ctx.save_for_backward(*[x if isinstance(x, Tensor) else None for x in operands])
    ctx.numbers = [None if isinstance(x, Tensor) else x for x in operands]


def _savedbinary_data(ctx: Any) -> list[Any]:
    """The operands kept by :func:`_save_operands`, each a Tensor, a number or None."""
    return [n if t is None else t for t, n in zip(ctx.saved_tensors, ctx.numbers)]


def _has_zero(divisor: Any) -> bool:
    """Whether ``divisor`` (an array or a Python number) holds a zero."""
    return divisor == 0 if isinstance(divisor, _NUMBER) else bool((divisor == 0).any())


def _is_bool(x: Any) -> bool:
    """Whether ``x`` is a Python bool or a bool tensor."""
    return isinstance(x, bool) or (isinstance(x, Tensor) and x._data.dtype.kind == "b")


def _constant(like: Tensor, array: Any) -> Tensor:
    """A tensor on ``like``'s device that needs no gradient (a mask or weights)."""
    return Tensor._make(like.backend.xp.asarray(array), like.device)


def _log(number: float) -> float:
    """The natural log of a Python number, -inf at 0 and nan below, as for tensors."""
    if number > 0:
        return math.log(number)
    return -math.inf if number == 0 else math.nan


# -- addition, subtraction, multiplication, division -----------------------------------


class Add(Function):
    """``a + alpha * b``. ``alpha`` is passed only when it is not 1: ``a + b`` is the
    most frequent op of all, and every argument costs time in ``apply``."""

    @staticmethod
    def forward(ctx: Any, a: Any, b: Any, alpha: Any = 1) -> Any:
        x, y = binary_data("add", a, b)
        ctx.alpha = alpha
        return x + y if alpha == 1 else x + alpha * y

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple[Any, ...]:
        return _sum_gradients(ctx, grad, ctx.alpha)


class Sub(Function):
    """``a - alpha * b``; ``alpha`` is passed only when it is not 1, as for Add."""

    @staticmethod
    def forward(ctx: Any, a: Any, b: Any, alpha: Any = 1) -> Any:
        x, y = binary_data("sub", a, b)
        ctx.alpha = alpha
        return x - y if alpha == 1 else x - alpha * y

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple[Any, ...]:
        return _sum_gradients(ctx, grad, -ctx.alpha)


def _sum_gradients(ctx: Any, grad: Tensor, scale: Any) -> tuple[Any, ...]:
    """Gradients of ``a + scale * b`` (plus None for ``alpha`` when it was passed)."""
    needs = ctx.needs_input_grad
    gb = None
    if needs[1]:
        gb = grad if scale == 1 else (-grad if scale == -1 else grad * scale)
    return (grad, gb) if len(needs) == 2 else (grad, gb, None)


def _checked_alpha(op: str, input: Any, other: Any, alpha: Any) -> Any:
    """``alpha`` after PyTorch's checks: no float alpha for integer results, and a bool
    alpha only for bool results (where any other alpha acts as a bool)."""
    result = dtypes.result_type(input, other)
    if result is dtypes.bool:
        return bool(alpha)
    if isinstance(alpha, bool):
        raise RuntimeError(f"{op}: Boolean alpha only supported for Boolean results.")
    if isinstance(alpha, float) and not result.is_floating_point:
        raise RuntimeError(
            f"{op}: For integral input tensors, argument alpha must not be a floating point "
            f"number (got alpha={alpha})."
        )
    return alpha


def add(input: Any, other: Any, *, alpha: Any = 1) -> Tensor:
    """``input + alpha * other``, broadcast; either operand may be a Python number.

    Shapes: any two broadcastable shapes; the result has the broadcast shape.

    Examples:
        >>> import neurarust as nr
        >>> nr.add(nr.tensor([1.0, 2.0]), nr.tensor([10.0, 20.0]), alpha=2)
        tensor([21., 42.])
    """
    if alpha == 1 and type(alpha) is int:
        return Add.apply(input, other)
    return Add.apply(input, other, _checked_alpha("add", input, other, alpha))


def _refuse_bool_subtraction(input: Any, other: Any) -> None:
    """PyTorch's errors for a subtraction with a bool operand (tensor or Python bool)."""
    if _is_bool(input) and _is_bool(other):
        raise RuntimeError(
            "sub: Subtraction, the `-` operator, with two bool tensors is not supported. "
            "Use the `^` or `logical_xor()` operator instead."
        )
    raise RuntimeError(
        "sub: Subtraction, the `-` operator, with a bool tensor is not supported. "
        "If you are trying to invert a mask, use the `~` or `logical_not()` operator instead."
    )


def sub(input: Any, other: Any, *, alpha: Any = 1) -> Tensor:
    """``input - alpha * other``, broadcast. Bool tensors are refused, as in PyTorch.

    Shapes: any two broadcastable shapes; the result has the broadcast shape.

    Examples:
        >>> import neurarust as nr
        >>> nr.sub(nr.tensor([5, 7]), 2)
        tensor([3, 5])
    """
    if _is_bool(input) or _is_bool(other):
        _refuse_bool_subtraction(input, other)
    if alpha == 1 and type(alpha) is int:
        return Sub.apply(input, other)
    return Sub.apply(input, other, _checked_alpha("sub", input, other, alpha))


class Mul(Function):
    @staticmethod
    def forward(ctx: Any, a: Any, b: Any) -> Any:
        x, y = binary_data("mul", a, b)
        _savebinary_data(ctx, a, b)
        return x * y

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple[Any, ...]:
        a, b = _savedbinary_data(ctx)
        ga = grad * b if ctx.needs_input_grad[0] else None
        gb = grad * a if ctx.needs_input_grad[1] else None
        return ga, gb


def mul(input: Any, other: Any) -> Tensor:
    """``input * other``, broadcast; either operand may be a Python number.

    Shapes: any two broadcastable shapes; the result has the broadcast shape.

    Examples:
        >>> import neurarust as nr
        >>> nr.mul(nr.tensor([1.0, 2.0]), 3)
        tensor([3., 6.])
    """
    return Mul.apply(input, other)


class Div(Function):
    """True division; integer and bool operands give the default float dtype."""

    @staticmethod
    def forward(ctx: Any, a: Any, b: Any) -> Any:
        x, y = binary_data("div", a, b)
        if _dtype_of(x, y).kind != "f":
            floating = dtypes.get_default_dtype().numpy
            x = x if isinstance(x, _NUMBER) else x.astype(floating)
            y = y if isinstance(y, _NUMBER) else y.astype(floating)
        _savebinary_data(ctx, a, b)
        return x / y

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple[Any, ...]:
        a, b = _savedbinary_data(ctx)
        ga = grad / b if ctx.needs_input_grad[0] else None
        gb = -grad * a / (b * b) if ctx.needs_input_grad[1] else None
        return ga, gb


def _divisionbinary_data(op: str, a: Any, b: Any) -> tuple[Any, Any]:
    """The operands of a rounding division or a remainder: not bool, and no integer
    division by zero (PyTorch raises where NumPy would warn and give 0)."""
    x, y = binary_data(op, a, b)
    dtype = _dtype_of(x, y)
    _check_dtype(op, dtype, "if")
    if dtype.kind != "f" and _has_zero(y):
        raise RuntimeError(f"{op}: ZeroDivisionError (integer division by zero)")
    return x, y


class RoundedDiv(Function):
    """``a / b`` rounded down (``mode="floor"``) or toward zero (``"trunc"``), in the
    promoted dtype. Piecewise constant, so the gradient is zero (as in PyTorch)."""

    @staticmethod
    def forward(ctx: Any, a: Any, b: Any, mode: str, op: str) -> Any:
        x, y = _divisionbinary_data(op, a, b)
        xp = _xp(a, b)
        if mode == "floor":
            return xp.floor_divide(x, y)
        if _dtype_of(x, y).kind == "f":
            return xp.trunc(x / y)
        return (x - xp.fmod(x, y)) // y  # exact: x - fmod(x, y) is a multiple of y

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple[Any, ...]:
        zero = zeros_like(grad)
        return (*(zero if needed else None for needed in ctx.needs_input_grad[:2]), None, None)


def div(input: Any, other: Any, *, rounding_mode: str | None = None) -> Tensor:
    """``input / other``, broadcast.

    ``rounding_mode``: None for true division (integer inputs give the default
    float dtype), ``"trunc"`` to round toward zero or ``"floor"`` to round down
    (both keep the promoted dtype; their gradient is zero).

    Shapes: any two broadcastable shapes; the result has the broadcast shape.

    Examples:
        >>> import neurarust as nr
        >>> nr.div(nr.tensor([7, -7]), 2)
        tensor([ 3.5000, -3.5000])
        >>> nr.div(nr.tensor([7, -7]), 2, rounding_mode="trunc")
        tensor([ 3, -3])
    """
    if rounding_mode is None:
        return Div.apply(input, other)
    if rounding_mode not in ("trunc", "floor"):
        raise RuntimeError(
            "div expected rounding_mode to be one of None, 'trunc', or 'floor' but found "
            f"{rounding_mode!r}"
        )
    return RoundedDiv.apply(input, other, rounding_mode, "div")


def true_divide(input: Any, other: Any) -> Tensor:
    """``input / other`` (true division); the same as :func:`div` without a rounding mode.

    Examples:
        >>> import neurarust as nr
        >>> nr.true_divide(nr.tensor([1, 2]), 4)
        tensor([0.2500, 0.5000])
    """
    return Div.apply(input, other)


def floor_divide(input: Any, other: Any) -> Tensor:
    """``input // other``: division rounded down, in the promoted dtype.

    The same as ``div(input, other, rounding_mode="floor")``; integer division by
    zero raises. Shapes: any two broadcastable shapes.

    Examples:
        >>> import neurarust as nr
        >>> nr.floor_divide(nr.tensor([7, -7]), 2)
        tensor([ 3, -4])
    """
    return RoundedDiv.apply(input, other, "floor", "floor_divide")


class Modulo(Function):
    """The remainder of ``a / b`` with the quotient rounded down (``mode="floor"``:
    ``remainder``, the sign of ``b``) or toward zero (``"trunc"``: ``fmod``, the sign
    of ``a``). d/da is 1 and d/db is minus that rounded quotient."""

    @staticmethod
    def forward(ctx: Any, a: Any, b: Any, mode: str) -> Any:
        x, y = _divisionbinary_data("remainder" if mode == "floor" else "fmod", a, b)
        _savebinary_data(ctx, a, b)
        ctx.mode = mode
        xp = _xp(a, b)
        return xp.remainder(x, y) if mode == "floor" else xp.fmod(x, y)

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple[Any, ...]:
        a, b = _savedbinary_data(ctx)
        ga = grad if ctx.needs_input_grad[0] else None
        gb = None
        if ctx.needs_input_grad[1]:
            gb = -grad * RoundedDiv.apply(a, b, ctx.mode, "div")
        return ga, gb, None


def remainder(input: Any, other: Any) -> Tensor:
    """``input % other`` as Python computes it: the result has the sign of ``other``.

    Shapes: any two broadcastable shapes; integer division by zero raises.

    Examples:
        >>> import neurarust as nr
        >>> nr.remainder(nr.tensor([5, -5]), 3)
        tensor([2, 1])
    """
    return Modulo.apply(input, other, "floor")


def fmod(input: Any, other: Any) -> Tensor:
    """C's ``fmod``: the remainder of ``input / other`` with the sign of ``input``.

    Shapes: any two broadcastable shapes; integer division by zero raises.

    Examples:
        >>> import neurarust as nr
        >>> nr.fmod(nr.tensor([5, -5]), 3)
        tensor([ 2, -2])
    """
    return Modulo.apply(input, other, "trunc")


# -- powers, signs and reciprocals -----------------------------------------------------


def _integer_power(xp: Any, base: Any, exponent: Any) -> Any:
    """``base ** exponent`` for integers as PyTorch computes it: a negative exponent
    gives 0, except for the bases 1 and -1, whose powers are 1 and +-1."""
    result = base ** builtins.abs(exponent)
    if isinstance(exponent, _NUMBER):  # pow() already refused negative numbers
        return result
    vanishes = (exponent < 0) & (base != 1) & (base != -1)
    return xp.where(vanishes, 0, result)


class Pow(Function):
    saves_result = True

    @staticmethod
    def forward(ctx: Any, base: Any, exponent: Any) -> Any:
        x, y = binary_data("pow", base, exponent)
        dtype = _dtype_of(x, y)
        _check_dtype("pow", dtype, "if")
        _savebinary_data(ctx, base, exponent)
        xp = _xp(base, exponent)
        if dtype.kind != "f":
            return _integer_power(xp, x, y)
        return xp.power(x, y)

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple[Any, ...]:
        base, exponent = _savedbinary_data(ctx)
        gb = _pow_base_grad(grad, base, exponent) if ctx.needs_input_grad[0] else None
        ge = None
        if ctx.needs_input_grad[1]:
            ge = _pow_exponent_grad(grad, base, exponent, ctx.saved_result())
        return gb, ge


def _pow_base_grad(grad: Tensor, base: Tensor, exponent: Any) -> Tensor:
    """``grad * exponent * base ** (exponent - 1)``, and 0 where the exponent is 0
    (so 0 ** 0 has gradient 0, not nan)."""
    if isinstance(exponent, _NUMBER):
        if exponent == 0:
            return zeros_like(grad)
        return grad * (exponent * base ** (exponent - 1))
    zero_exponent = exponent == 0
    # Where the exponent is 0, base ** -1 could be inf (and inf * 0 nan): use base ** 0.
    power = base ** Where.apply(zero_exponent, 0.0, exponent - 1)
    return Where.apply(zero_exponent, 0.0, grad * (exponent * power))


def _pow_exponent_grad(grad: Tensor, base: Any, exponent: Tensor, result: Tensor) -> Tensor:
    """``grad * base ** exponent * log(base)``, and 0 where the base is 0 and the
    exponent at least 0 (the limit there). log's argument is 1 at those places, which
    keeps nan (0 * log 0) out of the result and of double backward."""
    if isinstance(base, _NUMBER):
        base = _constant(result, result.backend.xp.asarray(base, result._data.dtype))
    else:
        base = base.to(result.dtype)
    at_limit = (base == 0) & (exponent >= 0)
    return grad * (result * Where.apply(at_limit, 1.0, base).log())


def pow(input: Any, exponent: Any) -> Tensor:  # noqa: A001  (PyTorch's name)
    """``input ** exponent``, broadcast; either may be a Python number (not both).

    Integer tensors raised to a negative Python integer raise, as in PyTorch;
    integer powers with negative exponent tensors give 0 (except for bases 1
    and -1). The gradient by ``input`` is 0 where ``exponent`` is 0.

    Shapes: any two broadcastable shapes; the result has the broadcast shape.

    Examples:
        >>> import neurarust as nr
        >>> nr.pow(nr.tensor([1.0, 2.0, 3.0]), 2)
        tensor([1., 4., 9.])
        >>> 2 ** nr.tensor([0, 3])
        tensor([1, 8])
    """
    exponent = _number_or_tensor("pow", exponent)
    if (
        type(exponent) is int
        and exponent < 0
        and isinstance(input, Tensor)
        and not dtypes.result_type(input, exponent).is_floating_point
    ):
        raise RuntimeError(
            f"pow: Integers to negative integer powers are not allowed (got exponent {exponent} "
            f"for a {input.dtype.name} tensor)."
        )
    return Pow.apply(input, exponent)


class Neg(Function):
    @staticmethod
    def forward(ctx: Any, a: Tensor) -> Any:
        return -a._data

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> Tensor:
        return -grad


def neg(input: Tensor) -> Tensor:
    """``-input``. Bool tensors are refused, as in PyTorch.

    Examples:
        >>> import neurarust as nr
        >>> nr.neg(nr.tensor([1.0, -2.0]))
        tensor([-1.,  2.])
    """
    if input.dtype is dtypes.bool:
        raise RuntimeError(
            "neg: Negation, the `-` operator, on a bool tensor is not supported. If you are "
            "trying to invert a mask, use the `~` or `logical_not()` operator instead."
        )
    return Neg.apply(input)


def negative(input: Tensor) -> Tensor:
    """``-input`` (an alias of :func:`neg`).

    Examples:
        >>> import neurarust as nr
        >>> nr.negative(nr.tensor([3]))
        tensor([-3])
    """
    return neg(input)


class Abs(Function):
    @staticmethod
    def forward(ctx: Any, a: Tensor) -> Any:
        _check_dtype("abs", a._data.dtype, "if")
        ctx.save_for_backward(a)
        return a.backend.xp.abs(a._data)

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> Tensor:
        (a,) = ctx.saved_tensors
        return grad * sign(a)


def abs(input: Tensor) -> Tensor:  # noqa: A001  (PyTorch's name)
    """``|input|``; the gradient is ``sign(input)`` (0 at 0). Not for bool tensors.

    Examples:
        >>> import neurarust as nr
        >>> nr.abs(nr.tensor([-1.5, 0.0, 2.0]))
        tensor([1.5000, 0.0000, 2.0000])
    """
    return Abs.apply(input)


class Reciprocal(Function):
    saves_result = True

    @staticmethod
    def forward(ctx: Any, a: Tensor) -> Any:
        return 1 / float_data(a)

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> Tensor:
        result = ctx.saved_result()
        return -grad * result * result


def reciprocal(input: Tensor) -> Tensor:
    """``1 / input``; integer and bool inputs give the default float dtype.

    Examples:
        >>> import neurarust as nr
        >>> nr.reciprocal(nr.tensor([2, 4]))
        tensor([0.5000, 0.2500])
    """
    return Reciprocal.apply(input)


# -- ops with no gradient: comparisons, logic, bitwise ops, rounding -------------------


def _sign(xp: Any, x: Any) -> Any:
    """-1, 0 or 1 in ``x``'s dtype; nan gives 0, as in PyTorch (NumPy gives nan)."""
    if x.dtype.kind == "b":
        return x.copy()
    return (x > 0).astype(x.dtype) - (x < 0).astype(x.dtype)


def _whole(name: str) -> Callable[..., Any]:
    """A rounding kernel: ``xp.<name>`` on floats; integers are whole already (copied)."""

    def kernel(xp: Any, x: Any) -> Any:
        return getattr(xp, name)(x) if x.dtype.kind == "f" else x.copy()

    return kernel


# op name -> (kernel(xp, *arrays), the dtype kinds it accepts; see _check_dtype).
_POINTWISE: dict[str, tuple[Callable[..., Any], str]] = {
    "eq": (lambda xp, x, y: x == y, "bif"),
    "ne": (lambda xp, x, y: x != y, "bif"),
    "lt": (lambda xp, x, y: x < y, "bif"),
    "le": (lambda xp, x, y: x <= y, "bif"),
    "gt": (lambda xp, x, y: x > y, "bif"),
    "ge": (lambda xp, x, y: x >= y, "bif"),
    "logical_and": (lambda xp, x, y: xp.logical_and(x, y), "bif"),
    "logical_or": (lambda xp, x, y: xp.logical_or(x, y), "bif"),
    "logical_xor": (lambda xp, x, y: xp.logical_xor(x, y), "bif"),
    "logical_not": (lambda xp, x: xp.logical_not(x), "bif"),
    "bitwise_and": (lambda xp, x, y: x & y, "bi"),
    "bitwise_or": (lambda xp, x, y: x | y, "bi"),
    "bitwise_xor": (lambda xp, x, y: x ^ y, "bi"),
    "bitwise_not": (lambda xp, x: ~x, "bi"),
    "isnan": (lambda xp, x: xp.isnan(x), "bif"),
    "isinf": (lambda xp, x: xp.isinf(x), "bif"),
    "isfinite": (lambda xp, x: xp.isfinite(x), "bif"),
    "sign": (_sign, "bif"),
    "floor": (_whole("floor"), "if"),
    "ceil": (_whole("ceil"), "if"),
    "trunc": (_whole("trunc"), "if"),
    "round": (_whole("round"), "if"),  # half to even, as PyTorch rounds
}


class Pointwise(Function):
    """The op ``_POINTWISE[op]`` applied to one tensor or two broadcast operands.

    Its gradient is zero: comparisons, logic and bitwise ops give bool or integer
    results, which never require grad, and rounding is piecewise constant.
    """

    @staticmethod
    def forward(ctx: Any, op: str, *operands: Any) -> Any:
        kernel, kinds = _POINTWISE[op]
        arrays: tuple[Any, ...]
        if len(operands) == 2:
            arrays = binary_data(op, *operands)
            dtype = _dtype_of(*arrays)
        else:
            arrays = (operands[0]._data,)
            dtype = arrays[0].dtype
        _check_dtype(op, dtype, kinds)
        return kernel(_xp(*operands), *arrays)

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple[Any, ...]:
        zero = zeros_like(grad)
        return (None, *(zero if needed else None for needed in ctx.needs_input_grad[1:]))


def eq(input: Tensor, other: Any) -> Tensor:
    """``input == other`` elementwise (broadcast, after promotion): a bool tensor.

    Examples:
        >>> import neurarust as nr
        >>> nr.eq(nr.tensor([1, 2, 3]), 2)
        tensor([False,  True, False])
    """
    return Pointwise.apply("eq", input, other)


def ne(input: Tensor, other: Any) -> Tensor:
    """``input != other`` elementwise (broadcast, after promotion): a bool tensor.

    Examples:
        >>> import neurarust as nr
        >>> nr.ne(nr.tensor([1, 2, 3]), 2)
        tensor([ True, False,  True])
    """
    return Pointwise.apply("ne", input, other)


def lt(input: Tensor, other: Any) -> Tensor:
    """``input < other`` elementwise (broadcast, after promotion): a bool tensor.

    Examples:
        >>> import neurarust as nr
        >>> nr.lt(nr.tensor([1, 2, 3]), 2.5)
        tensor([ True,  True, False])
    """
    return Pointwise.apply("lt", input, other)


def le(input: Tensor, other: Any) -> Tensor:
    """``input <= other`` elementwise (broadcast, after promotion): a bool tensor.

    Examples:
        >>> import neurarust as nr
        >>> nr.le(nr.tensor([1, 2, 3]), 2)
        tensor([ True,  True, False])
    """
    return Pointwise.apply("le", input, other)


def gt(input: Tensor, other: Any) -> Tensor:
    """``input > other`` elementwise (broadcast, after promotion): a bool tensor.

    Examples:
        >>> import neurarust as nr
        >>> nr.gt(nr.tensor([1, 2, 3]), 2)
        tensor([False, False,  True])
    """
    return Pointwise.apply("gt", input, other)


def ge(input: Tensor, other: Any) -> Tensor:
    """``input >= other`` elementwise (broadcast, after promotion): a bool tensor.

    Examples:
        >>> import neurarust as nr
        >>> nr.ge(nr.tensor([1, 2, 3]), 2)
        tensor([False,  True,  True])
    """
    return Pointwise.apply("ge", input, other)


def logical_and(input: Tensor, other: Tensor) -> Tensor:
    """True where both ``input`` and ``other`` are nonzero (broadcast): a bool tensor.

    Examples:
        >>> import neurarust as nr
        >>> nr.logical_and(nr.tensor([0, 1, 2]), nr.tensor([1.0, 0.0, 3.0]))
        tensor([False, False,  True])
    """
    require_tensor("logical_and", "other", other)
    return Pointwise.apply("logical_and", input, other)


def logical_or(input: Tensor, other: Tensor) -> Tensor:
    """True where ``input`` or ``other`` is nonzero (broadcast): a bool tensor.

    Examples:
        >>> import neurarust as nr
        >>> nr.logical_or(nr.tensor([0, 1, 0]), nr.tensor([0, 0, 5]))
        tensor([False,  True,  True])
    """
    require_tensor("logical_or", "other", other)
    return Pointwise.apply("logical_or", input, other)


def logical_xor(input: Tensor, other: Tensor) -> Tensor:
    """True where exactly one of ``input`` and ``other`` is nonzero: a bool tensor.

    Examples:
        >>> import neurarust as nr
        >>> nr.logical_xor(nr.tensor([0, 1, 2]), nr.tensor([0, 0, 5]))
        tensor([False,  True, False])
    """
    require_tensor("logical_xor", "other", other)
    return Pointwise.apply("logical_xor", input, other)


def logical_not(input: Tensor) -> Tensor:
    """True where ``input`` is zero: a bool tensor.

    Examples:
        >>> import neurarust as nr
        >>> nr.logical_not(nr.tensor([0.0, 1.5]))
        tensor([ True, False])
    """
    return Pointwise.apply("logical_not", input)


def bitwise_and(input: Any, other: Any) -> Tensor:
    """Bitwise AND (logical AND for bools) of integer or bool operands, broadcast.

    Examples:
        >>> import neurarust as nr
        >>> nr.bitwise_and(nr.tensor([12, 10]), 6)
        tensor([4, 2])
    """
    return Pointwise.apply("bitwise_and", input, other)


def bitwise_or(input: Any, other: Any) -> Tensor:
    """Bitwise OR (logical OR for bools) of integer or bool operands, broadcast.

    Examples:
        >>> import neurarust as nr
        >>> nr.bitwise_or(nr.tensor([12, 10]), 6)
        tensor([14, 14])
    """
    return Pointwise.apply("bitwise_or", input, other)


def bitwise_xor(input: Any, other: Any) -> Tensor:
    """Bitwise XOR (logical XOR for bools) of integer or bool operands, broadcast.

    Examples:
        >>> import neurarust as nr
        >>> nr.bitwise_xor(nr.tensor([12, 10]), 6)
        tensor([10, 12])
    """
    return Pointwise.apply("bitwise_xor", input, other)


def bitwise_not(input: Tensor) -> Tensor:
    """Bitwise NOT (logical NOT for bools) of an integer or bool tensor: ``~input``.

    Examples:
        >>> import neurarust as nr
        >>> nr.bitwise_not(nr.tensor([0, 5]))
        tensor([-1, -6])
    """
    return Pointwise.apply("bitwise_not", input)


def isnan(input: Tensor) -> Tensor:
    """True where ``input`` is nan: a bool tensor of the same shape.

    Examples:
        >>> import neurarust as nr
        >>> nr.isnan(nr.tensor([1.0, float("nan")]))
        tensor([False,  True])
    """
    return Pointwise.apply("isnan", input)


def isinf(input: Tensor) -> Tensor:
    """True where ``input`` is +inf or -inf: a bool tensor of the same shape.

    Examples:
        >>> import neurarust as nr
        >>> nr.isinf(nr.tensor([1.0, float("-inf")]))
        tensor([False,  True])
    """
    return Pointwise.apply("isinf", input)


def isfinite(input: Tensor) -> Tensor:
    """True where ``input`` is neither inf nor nan: a bool tensor of the same shape.

    Examples:
        >>> import neurarust as nr
        >>> nr.isfinite(nr.tensor([1.0, float("inf"), float("nan")]))
        tensor([ True, False, False])
    """
    return Pointwise.apply("isfinite", input)


def sign(input: Tensor) -> Tensor:
    """-1, 0 or 1 by the sign of each element, in ``input``'s dtype (0 for nan).

    Its gradient is zero.

    Examples:
        >>> import neurarust as nr
        >>> nr.sign(nr.tensor([-2.5, 0.0, 3.0]))
        tensor([-1.,  0.,  1.])
    """
    return Pointwise.apply("sign", input)


def floor(input: Tensor) -> Tensor:
    """The largest whole number <= each element (integers are returned unchanged).

    Its gradient is zero.

    Examples:
        >>> import neurarust as nr
        >>> nr.floor(nr.tensor([-1.5, 1.5]))
        tensor([-2.,  1.])
    """
    return Pointwise.apply("floor", input)


def ceil(input: Tensor) -> Tensor:
    """The smallest whole number >= each element (integers are returned unchanged).

    Its gradient is zero.

    Examples:
        >>> import neurarust as nr
        >>> nr.ceil(nr.tensor([-1.5, 1.5]))
        tensor([-1.,  2.])
    """
    return Pointwise.apply("ceil", input)


def trunc(input: Tensor) -> Tensor:
    """Each element rounded toward zero (integers are returned unchanged).

    Its gradient is zero.

    Examples:
        >>> import neurarust as nr
        >>> nr.trunc(nr.tensor([-1.5, 1.5]))
        tensor([-1.,  1.])
    """
    return Pointwise.apply("trunc", input)


def round(input: Tensor, *, decimals: int = 0) -> Tensor:  # noqa: A001  (PyTorch's name)
    """Each element rounded to ``decimals`` decimal places, halves to even.

    ``decimals`` may be negative (round to tens, hundreds...); it needs a
    floating point input. The gradient is zero.

    Examples:
        >>> import neurarust as nr
        >>> nr.round(nr.tensor([0.5, 1.5, 2.5]))
        tensor([0., 2., 2.])
        >>> nr.round(nr.tensor([1.234, 15.0]), decimals=1)
        tensor([ 1.2000, 15.0000])
    """
    if decimals == 0:
        return Pointwise.apply("round", input)
    _check_dtype(f"round(decimals={decimals})", input._data.dtype, "f")
    if input.dtype is dtypes.float16:  # PyTorch scales half tensors in float32
        return round(input.to(dtypes.float32), decimals=decimals).to(dtypes.float16)
    # Scale, round, unscale, with the same arithmetic as PyTorch's kernel.
    if decimals > 0:
        scale = 10.0**decimals
        return Pointwise.apply("round", input * scale) / scale
    scale = 10.0**-decimals
    return Pointwise.apply("round", input / scale) * scale


def frac(input: Tensor) -> Tensor:
    """The fractional part ``input - trunc(input)`` (sign of ``input``); floats only.

    Its gradient is 1.

    Examples:
        >>> import neurarust as nr
        >>> nr.frac(nr.tensor([-1.25, 2.5]))
        tensor([-0.2500,  0.5000])
    """
    _check_dtype("frac", input._data.dtype, "f")
    return input - trunc(input)


# -- clamping, extrema, selection, interpolation ---------------------------------------


def _bound(op: str, a: Tensor, value: Any) -> Any:
    """``value`` (a tensor, a number or None) as a raw operand next to ``a``'s array,
    whose dtype already is the op's result dtype."""
    return None if value is None else binary_data(op, a, value)[1]


class Clamp(Function):
    """``min(max(x, low), high)``, each bound None, a number or a tensor of ``x``'s dtype.

    Gradients follow PyTorch: ``x`` gets it where ``low <= x <= high``; ``low``
    where ``x < low < high``; ``high`` where ``x > high`` or ``high < low``.
    """

    @staticmethod
    def forward(ctx: Any, a: Tensor, low: Any, high: Any) -> Any:
        _check_operands("clamp", a, low, high)
        _savebinary_data(ctx, a, low, high)
        xp = a.backend.xp
        x = a._data
        out = x if low is None else xp.maximum(x, _bound("clamp", a, low))
        return out if high is None else xp.minimum(out, _bound("clamp", a, high))

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple[Any, ...]:
        a, low, high = _savedbinary_data(ctx)
        x = a._data
        low, high = _bound("clamp", a, low), _bound("clamp", a, high)
        needs = ctx.needs_input_grad
        ga = gl = gh = None
        if needs[0]:
            inside = True
            if low is not None:
                inside = inside & (x >= low)
            if high is not None:
                inside = inside & (x <= high)
            ga = Where.apply(_constant(grad, inside), grad, 0.0)
        if needs[1]:
            below = x < low if high is None else (x < low) & (low < high)
            gl = Where.apply(_constant(grad, below), grad, 0.0)
        if needs[2]:
            above = x > high if low is None else (x > high) | (high < low)
            gh = Where.apply(_constant(grad, above), grad, 0.0)
        return ga, gl, gh


class ClampMinKeepGradient(Function):
    """``max(x, low)`` whose gradient is that of ``x`` itself: a clamp autograd never sees.

    PyTorch clamps a few internal quantities in place under ``no_grad`` (the norms
    of ``cosine_similarity``, the variance of ``gaussian_nll_loss``), so a value
    below ``low`` is replaced in the forward yet differentiated as if unclamped.
    Internal (not exported): those ops use it to match PyTorch's gradients.
    """

    @staticmethod
    def forward(ctx: Any, x: Tensor, low: float) -> Any:
        return x.backend.xp.maximum(x._data, low)

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple[Any, ...]:
        return grad, None


def clamp(input: Tensor, min: Any = None, max: Any = None) -> Tensor:  # noqa: A002
    """Each element limited to ``[min, max]``: ``minimum(maximum(input, min), max)``.

    ``min`` and ``max`` may each be None, a number or a tensor (broadcast);
    the result has their promoted dtype. Where ``min > max`` the result is
    ``max``. The gradient reaches ``input`` where ``min <= input <= max``.

    Examples:
        >>> import neurarust as nr
        >>> nr.clamp(nr.tensor([-2.0, 0.5, 3.0]), min=-1.0, max=1.0)
        tensor([-1.0000,  0.5000,  1.0000])
    """
    if min is None and max is None:
        raise RuntimeError("clamp: At least one of 'min' or 'max' must not be None")
    min, max = (_number_or_tensor("clamp", bound) for bound in (min, max))
    bounds = [bound for bound in (min, max) if bound is not None]
    dtype = dtypes.result_type(input, *bounds)
    # Like PyTorch, bool tensors clamp between bool tensors, but not between numbers.
    numbers = any(not isinstance(bound, Tensor) for bound in bounds)
    _check_dtype("clamp", dtype.numpy, "if" if numbers else "bif")
    if dtype is not input.dtype:
        input = input.to(dtype)
    return Clamp.apply(input, min, max)


def clip(input: Tensor, min: Any = None, max: Any = None) -> Tensor:  # noqa: A002
    """An alias of :func:`clamp`.

    Examples:
        >>> import neurarust as nr
        >>> nr.clip(nr.tensor([-2, 5]), 0, 3)
        tensor([0, 3])
    """
    return clamp(input, min, max)


def clamp_min(input: Tensor, min: Any) -> Tensor:  # noqa: A002
    """``clamp(input, min=min)``: each element at least ``min``.

    Examples:
        >>> import neurarust as nr
        >>> nr.clamp_min(nr.tensor([-2.0, 3.0]), 0.0)
        tensor([0., 3.])
    """
    return clamp(input, min, None)


def clamp_max(input: Tensor, max: Any) -> Tensor:  # noqa: A002
    """``clamp(input, max=max)``: each element at most ``max``.

    Examples:
        >>> import neurarust as nr
        >>> nr.clamp_max(nr.tensor([-2.0, 3.0]), 0.0)
        tensor([-2.,  0.])
    """
    return clamp(input, None, max)


class PairwiseExtremum(Function):
    """``maximum`` (``largest=True``) or ``minimum`` of two broadcast tensors.

    The gradient goes to the operand picked, split in halves on ties; a nan
    (picked from either side) sends it to both, as in PyTorch.
    """

    @staticmethod
    def forward(ctx: Any, a: Tensor, b: Tensor, largest: bool) -> Any:
        op = "maximum" if largest else "minimum"
        x, y = binary_data(op, a, b)
        ctx.save_for_backward(a, b)
        ctx.largest = largest
        xp = a.backend.xp
        return xp.maximum(x, y) if largest else xp.minimum(x, y)

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple[Any, ...]:
        a, b = ctx.saved_tensors
        x, y = binary_data("maximum", a, b)
        xp = grad.backend.xp
        tie = x == y
        a_loses, b_loses = (x < y, x > y) if ctx.largest else (x > y, x < y)
        dtype = grad._data.dtype
        ga = gb = None
        if ctx.needs_input_grad[0]:
            share = xp.where(tie, 0.5, xp.where(a_loses, 0.0, 1.0)).astype(dtype)
            ga = grad * _constant(grad, share)
        if ctx.needs_input_grad[1]:
            share = xp.where(tie, 0.5, xp.where(b_loses, 0.0, 1.0)).astype(dtype)
            gb = grad * _constant(grad, share)
        return ga, gb, None


def maximum(input: Tensor, other: Tensor) -> Tensor:
    """The larger of ``input`` and ``other`` elementwise (broadcast); nan if either is nan.

    On ties each operand gets half the gradient.

    Examples:
        >>> import neurarust as nr
        >>> nr.maximum(nr.tensor([1.0, 5.0]), nr.tensor([3.0, 2.0]))
        tensor([3., 5.])
    """
    require_tensor("maximum", "input", input)
    require_tensor("maximum", "other", other)
    return PairwiseExtremum.apply(input, other, True)


def minimum(input: Tensor, other: Tensor) -> Tensor:
    """The smaller of ``input`` and ``other`` elementwise (broadcast); nan if either is nan.

    On ties each operand gets half the gradient.

    Examples:
        >>> import neurarust as nr
        >>> nr.minimum(nr.tensor([1.0, 5.0]), nr.tensor([3.0, 2.0]))
        tensor([1., 2.])
    """
    require_tensor("minimum", "input", input)
    require_tensor("minimum", "other", other)
    return PairwiseExtremum.apply(input, other, False)


class Where(Function):
    """``a`` where ``condition`` is True, else ``b`` (each a tensor or a number)."""

    @staticmethod
    def forward(ctx: Any, condition: Tensor, a: Any, b: Any) -> Any:
        _check_operands("where", condition, a, b)
        x, y = binary_data("where", a, b)
        ctx.save_for_backward(condition)
        return condition.backend.xp.where(condition._data, x, y)

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple[Any, ...]:
        (condition,) = ctx.saved_tensors
        ga = Where.apply(condition, grad, 0.0) if ctx.needs_input_grad[1] else None
        gb = Where.apply(condition, 0.0, grad) if ctx.needs_input_grad[2] else None
        return None, ga, gb


def where(condition: Tensor, input: Any = None, other: Any = None) -> Any:
    """``input`` where ``condition`` is True, else ``other``, broadcast together.

    ``condition`` must be a bool tensor; ``input`` and ``other`` may be tensors
    or numbers and are promoted together. ``where(condition)`` alone gives the
    indices of the True elements, one int64 tensor per dimension.

    Shapes: the three broadcast together; the result has the broadcast shape.

    Examples:
        >>> import neurarust as nr
        >>> x = nr.tensor([-1.0, 2.0, -3.0])
        >>> nr.where(x > 0, x, 0.0)
        tensor([0., 2., 0.])
    """
    require_tensor("where", "condition", condition)
    if input is None and other is None:
        data = condition._data if condition.ndim else condition._data.reshape(1)
        xp = condition.backend.xp
        return tuple(Tensor._make(i.astype("int64"), condition.device) for i in xp.nonzero(data))
    if condition.dtype is dtypes.uint8:
        warnings.warn(
            "where received a uint8 condition tensor. This behavior is deprecated; use a "
            "boolean condition instead.",
            UserWarning,
            stacklevel=2,
        )
        condition = condition.to(dtypes.bool)
    elif condition.dtype is not dtypes.bool:
        raise RuntimeError(
            "where expected condition to be a boolean tensor, but got a tensor with dtype "
            f"{condition.dtype.name}"
        )
    if not isinstance(input, Tensor) and not isinstance(other, Tensor):
        # Two numbers: the result takes their promoted dtype.
        dtype = dtypes.result_type(input, other).numpy
        input = Tensor._make(condition.backend.xp.asarray(input, dtype), condition.device)
    return Where.apply(condition, input, other)


class Lerp(Function):
    """``start + weight * (end - start)``; ``weight`` is a number or a tensor."""

    @staticmethod
    def forward(ctx: Any, start: Tensor, end: Tensor, weight: Any) -> Any:
        _check_operands("lerp", start, end, weight)
        x, y = start._data, end._data
        w = _bound("lerp", start, weight)
        _savebinary_data(ctx, start, end, weight)
        diff = y - x
        # PyTorch's two formulas: each is exact at its end (weight 0 or weight 1).
        if isinstance(w, _NUMBER):
            return x + w * diff if builtins.abs(w) < 0.5 else y - diff * (1 - w)
        return start.backend.xp.where(builtins.abs(w) < 0.5, x + w * diff, y - diff * (1 - w))

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple[Any, ...]:
        start, end, w = _savedbinary_data(ctx)
        needs = ctx.needs_input_grad
        g_start = grad * (1 - w) if needs[0] else None
        g_end = grad * w if needs[1] else None
        g_weight = grad * (end - start) if needs[2] else None
        return g_start, g_end, g_weight


def lerp(input: Tensor, end: Tensor, weight: Any) -> Tensor:
    """Linear interpolation ``input + weight * (end - input)``, broadcast.

    ``input`` and ``end`` are floating point tensors of the same dtype; ``weight``
    is a number or a tensor (of that dtype too, unless 0-dimensional).

    Examples:
        >>> import neurarust as nr
        >>> nr.lerp(nr.tensor([0.0, 10.0]), nr.tensor([10.0, 20.0]), 0.25)
        tensor([ 2.5000, 12.5000])
    """
    require_tensor("lerp", "input", input)
    require_tensor("lerp", "end", end)
    _check_dtype("lerp", input._data.dtype, "f")
    weight = _number_or_tensor("lerp", weight)
    same_dtype = [("end", end)]
    if isinstance(weight, Tensor) and weight.ndim:
        same_dtype.append(("weight", weight))
    for name, value in same_dtype:
        if value.dtype is not input.dtype:
            raise RuntimeError(
                f"lerp: expected dtype {input.dtype.name} for `{name}` but got dtype "
                f"{value.dtype.name}"
            )
    return Lerp.apply(input, end, weight)
