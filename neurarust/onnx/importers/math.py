"""Elementwise ONNX operators, activations, softmax, reductions and casts.

Covers: Identity; Add, Sub, Mul, Div, Pow, Mod, Neg, Abs, Reciprocal, Sqrt, Exp,
Log, Erf, Sin, Cos, Tan, Tanh, Sigmoid, Floor, Ceil, Round, Sign, IsNaN, IsInf;
Equal, Less, LessOrEqual, Greater, GreaterOrEqual, Not, And, Or, Xor, Where,
BitwiseAnd, BitwiseOr, BitwiseXor, BitwiseNot;
variadic Max, Min, Sum, Mean; Clip; Cast, CastLike; the activations Relu,
LeakyRelu, PRelu, Elu, Selu, Celu, ThresholdedRelu, HardSigmoid, HardSwish,
Softplus, Softsign, Gelu, Mish, Shrink; Softmax, LogSoftmax, Hardmax; ReduceSum,
ReduceMean, ReduceMax, ReduceMin, ReduceProd, ReduceL1, ReduceL2, ReduceSumSquare,
ReduceLogSum, ReduceLogSumExp; ArgMax, ArgMin; CumSum.

ONNX ops get operands of one type (Pow aside), so neurarust's type promotion
agrees with ONNX except where noted: integer ``Div`` truncates, and ``Pow``
keeps the base's type.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable

from ... import dtypes, ops
from ...nn import functional as F
from ...tensor import Tensor
from . import NodeContext, implements, ints


@implements("Identity")
def identity(node: NodeContext, x: Tensor) -> Tensor:
    return x


# -- arithmetic ------------------------------------------------------------------------------


@implements("Add")
def add(node: NodeContext, a: Tensor, b: Tensor) -> Tensor:
    return ops.add(a, b)


@implements("Sub")
def sub(node: NodeContext, a: Tensor, b: Tensor) -> Tensor:
    return ops.sub(a, b)


@implements("Mul")
def mul(node: NodeContext, a: Tensor, b: Tensor) -> Tensor:
    return ops.mul(a, b)


@implements("Div")
def div(node: NodeContext, a: Tensor, b: Tensor) -> Tensor:
    """True division of floats; integers divide rounding toward zero, as in ONNX."""
    if a.dtype.is_floating_point:
        return ops.div(a, b)
    return ops.div(a, b, rounding_mode="trunc")


@implements("Pow")
def pow(node: NodeContext, base: Tensor, exponent: Tensor) -> Tensor:  # noqa: A001
    """``base ** exponent`` in the type of ``base`` (the exponent's type may differ)."""
    return ops.pow(base, exponent).to(base.dtype)


@implements("Mod")
def mod(node: NodeContext, a: Tensor, b: Tensor) -> Tensor:
    """``fmod=1``: C's fmod (the sign of ``a``); ``fmod=0``: the sign of ``b``, as Python."""
    return ops.fmod(a, b) if node.attr("fmod", 0) else ops.remainder(a, b)


def _variadic(combine: Callable[[Tensor, Tensor], Tensor]) -> Callable[..., Tensor]:
    """An importer folding ``combine`` over any number of broadcast inputs."""

    def run(node: NodeContext, *inputs: Tensor) -> Tensor:
        return functools.reduce(combine, inputs)

    return run


implements("Sum")(_variadic(ops.add))
implements("Max")(_variadic(ops.maximum))
implements("Min")(_variadic(ops.minimum))


@implements("Mean")
def mean(node: NodeContext, *inputs: Tensor) -> Tensor:
    return functools.reduce(ops.add, inputs) / len(inputs)


@implements("Clip")
def clip(
    node: NodeContext, x: Tensor, low: Tensor | None = None, high: Tensor | None = None
) -> Tensor:
    """Bounds from the ``min``/``max`` attributes before opset 11, from inputs since; either
    may be missing."""
    if node.opset < 11:
        low, high = node.attr("min"), node.attr("max")
    if low is None and high is None:
        return x
    return ops.clamp(x, low, high)


# -- elementwise functions -------------------------------------------------------------------


def _unary(function: Callable[[Tensor], Tensor]) -> Callable[..., Tensor]:
    """An importer applying ``function`` to the node's one input."""

    def run(node: NodeContext, x: Tensor) -> Tensor:
        return function(x)

    return run


_UNARY: dict[str, Callable[[Tensor], Tensor]] = {
    "Neg": ops.neg,
    "Abs": ops.abs,
    "Reciprocal": ops.reciprocal,
    "Sqrt": ops.sqrt,
    "Exp": ops.exp,
    "Log": ops.log,
    "Erf": ops.erf,
    "Sin": ops.sin,
    "Cos": ops.cos,
    "Tan": ops.tan,
    "Tanh": ops.tanh,
    "Sigmoid": ops.sigmoid,
    "Floor": ops.floor,
    "Ceil": ops.ceil,
    "Round": ops.round,  # half to even in both
    "Sign": ops.sign,
    "IsNaN": ops.isnan,
    "Not": ops.logical_not,
    "BitwiseNot": ops.bitwise_not,
    "Relu": ops.relu,
    "Softsign": F.softsign,
    "HardSwish": F.hardswish,
    "Mish": F.mish,
}
for _op_type, _function in _UNARY.items():
    implements(_op_type)(_unary(_function))


@implements("IsInf")
def is_inf(node: NodeContext, x: Tensor) -> Tensor:
    """True at +inf (unless ``detect_positive=0``) and at -inf (unless ``detect_negative=0``)."""
    positive, negative = node.attr("detect_positive", 1), node.attr("detect_negative", 1)
    infinite = ops.isinf(x)
    if positive and negative:
        return infinite
    if positive or negative:
        return ops.logical_and(infinite, x > 0 if positive else x < 0)
    return ops.logical_and(infinite, ops.isnan(x))  # neither: all False


# -- comparisons and logic -------------------------------------------------------------------


def _binary(function: Callable[[Tensor, Tensor], Tensor]) -> Callable[..., Tensor]:
    """An importer applying ``function`` to the node's two inputs."""

    def run(node: NodeContext, a: Tensor, b: Tensor) -> Tensor:
        return function(a, b)

    return run


_BINARY: dict[str, Callable[[Tensor, Tensor], Tensor]] = {
    "Equal": ops.eq,
    "Less": ops.lt,
    "LessOrEqual": ops.le,
    "Greater": ops.gt,
    "GreaterOrEqual": ops.ge,
    "And": ops.logical_and,
    "Or": ops.logical_or,
    "Xor": ops.logical_xor,
    "BitwiseAnd": ops.bitwise_and,
    "BitwiseOr": ops.bitwise_or,
    "BitwiseXor": ops.bitwise_xor,
}
for _op_type, _combine in _BINARY.items():
    implements(_op_type)(_binary(_combine))


@implements("Where")
def where(node: NodeContext, condition: Tensor, a: Tensor, b: Tensor) -> Tensor:
    return ops.where(condition, a, b)


# -- casts -----------------------------------------------------------------------------------


def _dtype(node: NodeContext, onnx_type: int) -> dtypes.dtype:
    """The neurarust dtype of an ONNX element type; an error naming the node otherwise."""
    from onnx import helper

    try:
        return dtypes.from_numpy_dtype(helper.tensor_dtype_to_np_dtype(onnx_type))
    except (KeyError, TypeError, ValueError):
        name = helper.tensor_dtype_to_string(onnx_type).removeprefix("TensorProto.")
        raise node.error(f"neurarust has no tensors of element type {name}") from None


@implements("Cast")
def cast(node: NodeContext, x: Tensor) -> Tensor:
    return x.to(_dtype(node, node.attr("to")))


@implements("CastLike")
def cast_like(node: NodeContext, x: Tensor, like: Tensor) -> Tensor:
    return x.to(like.dtype)


# -- activations -----------------------------------------------------------------------------


@implements("LeakyRelu")
def leaky_relu(node: NodeContext, x: Tensor) -> Tensor:
    return F.leaky_relu(x, node.attr("alpha", 0.01))


@implements("PRelu")
def prelu(node: NodeContext, x: Tensor, slope: Tensor) -> Tensor:
    """``x`` where positive, ``slope * x`` elsewhere, ``slope`` broadcast to ``x``."""
    return ops.where(x > 0, x, x * slope)


@implements("Elu")
def elu(node: NodeContext, x: Tensor) -> Tensor:
    return F.elu(x, node.attr("alpha", 1.0))


@implements("Selu")
def selu(node: NodeContext, x: Tensor) -> Tensor:
    """``gamma * elu(x, alpha)``; the defaults are SELU's constants."""
    alpha = node.attr("alpha", 1.67326319217681884765625)
    return F.elu(x, alpha) * node.attr("gamma", 1.05070102214813232421875)


@implements("Celu")
def celu(node: NodeContext, x: Tensor) -> Tensor:
    return F.celu(x, node.attr("alpha", 1.0))


@implements("ThresholdedRelu")
def thresholded_relu(node: NodeContext, x: Tensor) -> Tensor:
    """``x`` where ``x > alpha``, 0 elsewhere."""
    return F.threshold(x, node.attr("alpha", 1.0), 0.0)


@implements("HardSigmoid")
def hard_sigmoid(node: NodeContext, x: Tensor) -> Tensor:
    """``clamp(alpha * x + beta, 0, 1)``."""
    return ops.clamp(x * node.attr("alpha", 0.2) + node.attr("beta", 0.5), 0.0, 1.0)


@implements("Softplus")
def softplus(node: NodeContext, x: Tensor) -> Tensor:
    """``log(1 + exp(x))``, with no threshold where it turns into ``x``."""
    return F.softplus(x, 1.0, math.inf)


@implements("Gelu")
def gelu(node: NodeContext, x: Tensor) -> Tensor:
    approximate = node.attr("approximate", "none")
    if approximate not in ("none", "tanh"):
        raise node.error(f"approximate={approximate!r} is not 'none' or 'tanh'")
    return F.gelu(x, approximate)


@implements("Shrink")
def shrink(node: NodeContext, x: Tensor) -> Tensor:
    """``x + bias`` below ``-lambd``, ``x - bias`` above ``lambd``, 0 between."""
    lambd, bias = node.attr("lambd", 0.5), node.attr("bias", 0.0)
    return ops.where(x < -lambd, x + bias, ops.where(x > lambd, x - bias, ops.zeros_like(x)))


# -- softmax ---------------------------------------------------------------------------------


def _hardmax(x: Tensor, axis: int) -> Tensor:
    """1 at the first largest entry along ``axis``, 0 elsewhere, in ``x``'s dtype."""
    axis %= x.ndim
    shape = [x.shape[axis] if d == axis else 1 for d in range(x.ndim)]
    positions = ops.arange(x.shape[axis], device=x.device).reshape(shape)
    return (positions == x.argmax(axis, keepdim=True)).to(x.dtype)


_ALONG_AXIS: dict[str, Callable[[Tensor, int], Tensor]] = {
    "Softmax": ops.softmax,
    "LogSoftmax": ops.log_softmax,
    "Hardmax": _hardmax,
}


def _along_axis(node: NodeContext, x: Tensor) -> Tensor:
    """Softmax-like ops: along ``axis`` (default -1) from opset 13; before, on ``x`` seen as
    a matrix (the dims before ``axis`` by the rest, default axis 1), along its rows."""
    function = _ALONG_AXIS[node.op_type]
    if node.opset >= 13:
        return function(x, node.attr("axis", -1))
    axis = node.attr("axis", 1) % max(x.ndim, 1)
    rows = math.prod(x.shape[:axis])
    return function(x.reshape(rows, -1), 1).reshape(x.shape)


for _op_type in _ALONG_AXIS:
    implements(_op_type)(_along_axis)


# -- reductions ------------------------------------------------------------------------------


def _prod(x: Tensor, axes: tuple[int, ...], keepdim: bool) -> Tensor:
    """The product over several axes, one at a time (the last first, so the others keep
    their places when ``keepdim`` is False)."""
    for axis in sorted(axes, reverse=True):
        x = x.prod(axis, keepdim, dtype=x.dtype)
    return x


_REDUCTIONS: dict[str, Callable[[Tensor, tuple[int, ...], bool], Tensor]] = {
    "ReduceSum": lambda x, axes, keep: x.sum(axes, keep, dtype=x.dtype),
    "ReduceMean": lambda x, axes, keep: x.mean(axes, keep),
    "ReduceMax": lambda x, axes, keep: x.amax(axes, keep),
    "ReduceMin": lambda x, axes, keep: x.amin(axes, keep),
    "ReduceProd": _prod,
    "ReduceL1": lambda x, axes, keep: x.abs().sum(axes, keep, dtype=x.dtype),
    "ReduceL2": lambda x, axes, keep: x.norm(2, axes, keep),
    "ReduceSumSquare": lambda x, axes, keep: (x * x).sum(axes, keep, dtype=x.dtype),
    "ReduceLogSum": lambda x, axes, keep: x.sum(axes, keep, dtype=x.dtype).log(),
    "ReduceLogSumExp": lambda x, axes, keep: x.logsumexp(axes, keep),
}


def _reduce(node: NodeContext, x: Tensor, axes: Tensor | None = None) -> Tensor:
    """Reductions over the ``axes`` attribute (before opset 18; ReduceSum: 13) or input
    (after); no axes reduce every axis, or none with ``noop_with_empty_axes=1``."""
    chosen = ints(axes) if axes is not None else list(node.attr("axes", []))
    if not chosen and node.attr("noop_with_empty_axes", 0):
        return x
    dims = tuple(sorted(a % x.ndim for a in chosen)) if chosen else tuple(range(x.ndim))
    return _REDUCTIONS[node.op_type](x, dims, bool(node.attr("keepdims", 1)))


for _op_type in _REDUCTIONS:
    implements(_op_type)(_reduce)


@implements("ArgMax", "ArgMin")
def arg_extremum(node: NodeContext, x: Tensor) -> Tensor:
    """The index of the first extremum along ``axis``, or of the last with
    ``select_last_index=1`` (found in ``x`` reversed along ``axis``)."""
    axis, keepdim = node.attr("axis", 0), bool(node.attr("keepdims", 1))
    find = ops.argmax if node.op_type == "ArgMax" else ops.argmin
    if not node.attr("select_last_index", 0):
        return find(x, axis, keepdim)
    return (x.shape[axis] - 1) - find(x.flip(axis), axis, keepdim)


@implements("CumSum")
def cumsum(node: NodeContext, x: Tensor, axis: Tensor) -> Tensor:
    """Running sums along ``axis``; ``reverse=1`` sums from the end and ``exclusive=1``
    leaves each element out of its own sum."""
    (dim,) = ints(axis)
    dim %= x.ndim
    reverse = bool(node.attr("reverse", 0))
    if reverse:
        x = x.flip(dim)
    out = ops.cumsum(x, dim, dtype=x.dtype)
    if node.attr("exclusive", 0):
        size = x.shape[dim]
        out = ops.cat([ops.zeros_like(x.narrow(dim, 0, 1)), out.narrow(dim, 0, size - 1)], dim)
    return out.flip(dim) if reverse else out
