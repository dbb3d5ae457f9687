"""Converters of elementwise ops, activations, softmax, reductions and casts.

Covers: arithmetic (Add, Sub, Mul, Div, RoundedDiv, Modulo, Pow, Neg, Abs,
Reciprocal), comparisons, logic, bitwise ops, rounding and nan/inf tests
(``Pointwise``), Clamp, ClampMinKeepGradient, PairwiseExtremum, Where, Lerp,
AddCMul, AddCDiv, NanToNum, the float functions of ``ops/unary.py`` (Exp, Log,
Sqrt, Sigmoid, Erf...), Square and Relu, the activations of
``ops/activation.py`` (Hardtanh, Threshold, LeakyRelu, Elu, Selu, Celu, Gelu,
Silu, Mish, Softplus, Softsign, Hardsigmoid, Hardswish, Hardshrink, Softshrink,
Tanhshrink, Logsigmoid, Prelu, Glu), Softmax, SafeSoftmax, Softmin, LogSoftmax,
LogSumExp, the reductions (Sum, Mean, Prod, Extremum, ExtremumAlongDim, Var,
Std, Norm, CumSum) and ToCopy.

ONNX ops take operands of one type where neurarust promotes them as PyTorch
does (``int_tensor / 2`` is a float tensor): :func:`_as` casts every operand
to the dtype neurarust computed in, and Python numbers become constants of it.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from ... import dtypes
from ...ops import activation, attention, comparison, conversion, elementwise, reduction, unary
from ...ops.softmax import LogSoftmax, LogSumExp, Softmax
from ...tensor import Tensor
from .._graph import GraphBuilder, UnsupportedOperatorError
from .._trace import Call
from . import converts

# -- helpers ---------------------------------------------------------------------------------


def _onnx_type(dtype: dtypes.dtype) -> int:
    """The ONNX element type (``TensorProto.FLOAT``...) of a neurarust dtype."""
    from onnx import helper

    return int(helper.np_dtype_to_tensor_dtype(dtype.numpy))


def _cast(g: GraphBuilder, name: str, dtype: dtypes.dtype) -> str:
    return g.op("Cast", name, to=_onnx_type(dtype))


def _as(g: GraphBuilder, value: Any, dtype: dtypes.dtype) -> str:
    """The graph name of ``value`` (a tensor or a Python number) as ``dtype``: a tensor of
    another dtype gets a ``Cast``, a number becomes a constant cast as C casts."""
    if not isinstance(value, Tensor):
        return g.constant(np.array(value).astype(dtype.numpy))
    name = g.name(value)
    return name if value.dtype is dtype else _cast(g, name, dtype)


def _result(call: Call) -> dtypes.dtype:
    return call.outputs[0].dtype


def _unsupported(call: Call, what: str) -> UnsupportedOperatorError:
    return UnsupportedOperatorError(f"onnx.export: {call.describe()}: {what}")


def _reduce(g: GraphBuilder, op_type: str, x: str, axes: tuple[int, ...], keepdim: bool) -> str:
    """``op_type`` (ReduceSum, ReduceMax...) over ``axes``: an attribute before opset 18
    (ReduceSum: 13), an input from then on. No axes (a 0-d input) reduce everything."""
    keepdims = int(keepdim)
    if g.opset >= (13 if op_type == "ReduceSum" else 18):
        return g.op(op_type, x, g.ints(axes, "axes") if axes else "", keepdims=keepdims)
    return g.op(op_type, x, axes=list(axes) if axes else None, keepdims=keepdims)


def _trunc(g: GraphBuilder, x: str, dtype: dtypes.dtype) -> str:
    """``x`` rounded toward zero (ONNX has no Trunc)."""
    negative = g.op("Less", x, _as(g, 0, dtype))
    return g.op("Where", negative, g.op("Ceil", x), g.op("Floor", x))


def _clip(g: GraphBuilder, x: str, low: Any, high: Any, dtype: dtypes.dtype) -> str:
    """``Clip`` between two numbers (None for no bound)."""
    bounds = ["" if bound is None else _as(g, bound, dtype) for bound in (low, high)]
    return g.op("Clip", x, *bounds)


# -- arithmetic ------------------------------------------------------------------------------

_ARITHMETIC: dict[type, str] = {
    elementwise.Add: "Add",
    elementwise.Sub: "Sub",
    elementwise.Mul: "Mul",
    elementwise.Div: "Div",
    elementwise.Pow: "Pow",
}
_ON_BOOLS = {"Add": "Or", "Mul": "And"}  # the only arithmetic neurarust allows on bools


@converts(*_ARITHMETIC)
def arithmetic(g: GraphBuilder, call: Call) -> str:
    """``Add``/``Sub``/``Mul``/``Div``/``Pow`` on operands cast to the result dtype (so
    integers divide as floats); ``alpha`` scales the second operand. Bools: ``Or``/``And``."""
    a, b, *alpha = call.args
    dtype = _result(call)
    op_type = _ARITHMETIC[call.op]
    multiply = "Mul"
    if dtype is dtypes.bool:
        op_type, multiply = _ON_BOOLS[op_type], "And"
    other = _as(g, b, dtype)
    if alpha and alpha[0] != 1:
        other = g.op(multiply, other, _as(g, alpha[0], dtype))
    return g.op(op_type, _as(g, a, dtype), other)


@converts(elementwise.RoundedDiv)
def rounded_div(g: GraphBuilder, call: Call) -> str:
    """``Floor(Div)`` or a truncation of it for floats; integer ``Div`` truncates already, and
    floors as ``(a - Mod(a, b)) / b``."""
    a, b, mode, _ = call.args
    dtype = _result(call)
    x, y = _as(g, a, dtype), _as(g, b, dtype)
    if dtype.is_floating_point:
        quotient = g.op("Div", x, y)
        return g.op("Floor", quotient) if mode == "floor" else _trunc(g, quotient, dtype)
    if mode == "trunc":
        return g.op("Div", x, y)
    return g.op("Div", g.op("Sub", x, g.op("Mod", x, y, fmod=0)), y)  # an exact division


@converts(elementwise.Modulo)
def modulo(g: GraphBuilder, call: Call) -> str:
    """``Mod``: ``fmod=1`` for ``fmod``; ``remainder`` (the sign of the divisor) is ``fmod=0``
    for integers, and for floats (where ONNX requires ``fmod=1``) the C remainder plus the
    divisor where their signs differ."""
    a, b, mode = call.args
    dtype = _result(call)
    x, y = _as(g, a, dtype), _as(g, b, dtype)
    if mode == "trunc" or not dtype.is_floating_point:
        return g.op("Mod", x, y, fmod=int(mode == "trunc"))
    rest = g.op("Mod", x, y, fmod=1)
    zero = _as(g, 0, dtype)
    signs_differ = g.op("Xor", g.op("Less", rest, zero), g.op("Less", y, zero))
    wrong = g.op("And", signs_differ, g.op("Not", g.op("Equal", rest, zero)))
    return g.op("Where", wrong, g.op("Add", rest, y), rest)


@converts(elementwise.PairwiseExtremum)
def pairwise_extremum(g: GraphBuilder, call: Call) -> str:
    a, b, largest = call.args
    dtype = _result(call)
    return g.op("Max" if largest else "Min", _as(g, a, dtype), _as(g, b, dtype))


@converts(elementwise.Clamp)
def clamp(g: GraphBuilder, call: Call) -> str:
    """``Clip`` between numbers; ``Max`` and ``Min`` for tensor bounds (Clip takes scalars)."""
    a, low, high = call.args
    dtype = _result(call)
    x = _as(g, a, dtype)
    if not isinstance(low, Tensor) and not isinstance(high, Tensor):
        return _clip(g, x, low, high, dtype)
    if low is not None:
        x = g.op("Max", x, _as(g, low, dtype))
    return x if high is None else g.op("Min", x, _as(g, high, dtype))


@converts(elementwise.ClampMinKeepGradient)
def clamp_min(g: GraphBuilder, call: Call) -> str:
    """``Clip`` from below (the op that cosine_similarity uses on its norms)."""
    x, low = call.args
    return _clip(g, g.name(x), low, None, x.dtype)


@converts(elementwise.Where)
def where(g: GraphBuilder, call: Call) -> str:
    condition, a, b = call.args
    dtype = _result(call)
    return g.op("Where", g.name(condition), _as(g, a, dtype), _as(g, b, dtype))


@converts(elementwise.Lerp)
def lerp(g: GraphBuilder, call: Call) -> str:
    """Both of neurarust's formulas, ``start + w * diff`` for ``|w| < 0.5`` and ``end - diff *
    (1 - w)`` otherwise; a tensor weight picks per element with ``Where``."""
    start, end, weight = call.args
    dtype = _result(call)
    x, y = g.name(start), g.name(end)
    diff = g.op("Sub", y, x)
    if not isinstance(weight, Tensor):
        if abs(weight) < 0.5:
            return g.op("Add", x, g.op("Mul", _as(g, weight, dtype), diff))
        return g.op("Sub", y, g.op("Mul", diff, _as(g, 1 - weight, dtype)))
    w = _as(g, weight, dtype)
    near_start = g.op("Add", x, g.op("Mul", w, diff))
    near_end = g.op("Sub", y, g.op("Mul", diff, g.op("Sub", _as(g, 1, dtype), w)))
    small = g.op("Less", g.op("Abs", w), _as(g, 0.5, dtype))
    return g.op("Where", small, near_start, near_end)


@converts(comparison.AddCMul, comparison.AddCDiv)
def addcmul(g: GraphBuilder, call: Call) -> str:
    """``input + value * tensor1 * tensor2`` (or ``/ tensor2``) as ``Add(Mul|Div(Mul))``."""
    input, tensor1, tensor2, value = call.args
    dtype = _result(call)
    scaled = g.op("Mul", _as(g, value, dtype), _as(g, tensor1, dtype))
    combine = "Mul" if call.op is comparison.AddCMul else "Div"
    return g.op("Add", _as(g, input, dtype), g.op(combine, scaled, _as(g, tensor2, dtype)))


@converts(comparison.NanToNum)
def nan_to_num(g: GraphBuilder, call: Call) -> str:
    """Three ``Where`` on ``IsNaN`` and ``IsInf``; integer tensors pass unchanged."""
    a, nan, posinf, neginf = call.args
    x = g.name(a)
    if not a.dtype.is_floating_point:
        return x
    limits = np.finfo(a.dtype.numpy)
    out = g.op("Where", g.op("IsNaN", x), _as(g, nan, a.dtype), x)
    positive = g.op("IsInf", x, detect_negative=0)
    out = g.op("Where", positive, _as(g, limits.max if posinf is None else posinf, a.dtype), out)
    negative = g.op("IsInf", x, detect_positive=0)
    return g.op("Where", negative, _as(g, limits.min if neginf is None else neginf, a.dtype), out)


# -- Pointwise: comparisons, logic, bitwise ops, rounding, tests -----------------------------

_COMPARISONS = {
    "eq": "Equal",
    "lt": "Less",
    "le": "LessOrEqual",
    "gt": "Greater",
    "ge": "GreaterOrEqual",
}
_LOGICAL = {
    "logical_and": "And",
    "logical_or": "Or",
    "logical_xor": "Xor",
    "logical_not": "Not",
}
_BITWISE = {"bitwise_and": "And", "bitwise_or": "Or", "bitwise_xor": "Xor", "bitwise_not": "Not"}
_ROUNDING = {"floor": "Floor", "ceil": "Ceil", "round": "Round"}


def _compare(g: GraphBuilder, call: Call, op: str, operands: list[Any]) -> str:
    """``Equal``, ``Less``... on the operands cast to their promoted dtype (bools to int32
    for the orderings, which ONNX defines on numbers only); ``ne`` is ``Not(Equal)``."""
    dtype = dtypes.result_type(*operands)
    if dtype is dtypes.bool and op not in ("eq", "ne"):
        dtype = dtypes.int32
    a, b = (_as(g, x, dtype) for x in operands)
    if op == "ne":
        return g.op("Not", g.op("Equal", a, b))
    return g.op(_COMPARISONS[op], a, b)


def _logical(g: GraphBuilder, call: Call, op: str, operands: list[Any]) -> str:
    """``And``/``Or``/``Xor``/``Not`` on the operands cast to bool (nonzero is True)."""
    return g.op(_LOGICAL[op], *(_as(g, x, dtypes.bool) for x in operands))


def _bitwise(g: GraphBuilder, call: Call, op: str, operands: list[Any]) -> str:
    """The logical ops on bools; ``BitwiseAnd``... (opset 18) on integers."""
    dtype = _result(call)
    names = [_as(g, x, dtype) for x in operands]
    if dtype is dtypes.bool:
        return g.op(_BITWISE[op], *names)
    if g.opset < 18:
        raise _unsupported(call, f"{op} of integers needs ONNX opset 18 (got {g.opset})")
    return g.op("Bitwise" + _BITWISE[op].title(), *names)


def _float_test(g: GraphBuilder, call: Call, op: str, operands: list[Any]) -> str:
    """``IsNaN``, ``IsInf`` and ``Not(Or(IsNaN, IsInf))``; integers are cast to float (ONNX
    tests floats only), which gives the same all-False answer."""
    (a,) = operands
    x = g.name(a) if a.dtype.is_floating_point else _as(g, a, dtypes.float32)
    if op == "isnan":
        return g.op("IsNaN", x)
    if op == "isinf":
        return g.op("IsInf", x)
    return g.op("Not", g.op("Or", g.op("IsNaN", x), g.op("IsInf", x)))


def _rounding(g: GraphBuilder, call: Call, op: str, operands: list[Any]) -> str:
    """``Floor``/``Ceil``/``Round`` (half to even, as neurarust) or a truncation; integers
    are whole already."""
    (a,) = operands
    x = g.name(a)
    if not a.dtype.is_floating_point:
        return x
    return _trunc(g, x, a.dtype) if op == "trunc" else g.op(_ROUNDING[op], x)


def _sign(g: GraphBuilder, call: Call, op: str, operands: list[Any]) -> str:
    """``Sign``, and 0 at nan as in neurarust; the sign of a bool is itself."""
    (a,) = operands
    x = g.name(a)
    if a.dtype is dtypes.bool:
        return x
    sign = g.op("Sign", x)
    if not a.dtype.is_floating_point:
        return sign
    return g.op("Where", g.op("IsNaN", x), _as(g, 0, a.dtype), sign)


_PointwiseConverter = Callable[[GraphBuilder, Call, str, list[Any]], str]
_POINTWISE: dict[str, _PointwiseConverter] = {
    **dict.fromkeys(["ne", *_COMPARISONS], _compare),
    **dict.fromkeys(_LOGICAL, _logical),
    **dict.fromkeys(_BITWISE, _bitwise),
    **dict.fromkeys(["isnan", "isinf", "isfinite"], _float_test),
    **dict.fromkeys(["trunc", *_ROUNDING], _rounding),
    "sign": _sign,
}


@converts(elementwise.Pointwise)
def pointwise(g: GraphBuilder, call: Call) -> str:
    op, *operands = call.args
    convert = _POINTWISE.get(op)
    if convert is None:
        raise _unsupported(call, f"the elementwise op {op!r} has no ONNX converter")
    return convert(g, call, op, operands)


# -- unary functions -------------------------------------------------------------------------

_Formula = Callable[[GraphBuilder, str, dtypes.dtype], str]


def _log_base(base: float) -> _Formula:
    def log(g: GraphBuilder, x: str, dtype: dtypes.dtype) -> str:
        return g.op("Div", g.op("Log", x), _as(g, math.log(base), dtype))

    return log


def _log1p(g: GraphBuilder, x: str, dtype: dtypes.dtype) -> str:
    return g.op("Log", g.op("Add", x, _as(g, 1, dtype)))


def _expm1(g: GraphBuilder, x: str, dtype: dtypes.dtype) -> str:
    return g.op("Sub", g.op("Exp", x), _as(g, 1, dtype))


def _exp2(g: GraphBuilder, x: str, dtype: dtypes.dtype) -> str:
    return g.op("Pow", _as(g, 2, dtype), x)


def _rsqrt(g: GraphBuilder, x: str, dtype: dtypes.dtype) -> str:
    return g.op("Reciprocal", g.op("Sqrt", x))


def _square(g: GraphBuilder, x: str, dtype: dtypes.dtype) -> str:
    return g.op("Mul", x, x)


def _relu(g: GraphBuilder, x: str, dtype: dtypes.dtype) -> str:
    """``Relu``; ``Max(x, 0)`` for integers, which Relu takes from opset 14 only."""
    return g.op("Relu", x) if dtype.is_floating_point else g.op("Max", x, _as(g, 0, dtype))


# Each op applies an ONNX op type, or a formula of (graph, input, dtype), to its input cast
# to the result dtype (integers become floats for the float functions).
_UNARY: dict[type, str | _Formula] = {
    unary.Exp: "Exp",
    unary.Log: "Log",
    unary.Sqrt: "Sqrt",
    unary.Sin: "Sin",
    unary.Cos: "Cos",
    unary.Tan: "Tan",
    unary.Tanh: "Tanh",
    unary.Sigmoid: "Sigmoid",
    unary.Erf: "Erf",
    elementwise.Neg: "Neg",
    elementwise.Abs: "Abs",
    elementwise.Reciprocal: "Reciprocal",
    unary.Log2: _log_base(2.0),
    unary.Log10: _log_base(10.0),
    unary.Log1p: _log1p,
    unary.Expm1: _expm1,
    unary.Exp2: _exp2,
    unary.Rsqrt: _rsqrt,
    unary.Square: _square,
    unary.Relu: _relu,
}


@converts(*_UNARY)
def unary_function(g: GraphBuilder, call: Call) -> str:
    """The op of the same name (``Exp``, ``Sigmoid``...), or a short formula (``log2`` is
    ``Log(x) / ln 2``, ``rsqrt`` is ``Reciprocal(Sqrt(x))``)."""
    dtype = _result(call)
    x = _as(g, call.args[0], dtype)
    recipe = _UNARY[call.op]
    return g.op(recipe, x) if isinstance(recipe, str) else recipe(g, x, dtype)


# -- activations -----------------------------------------------------------------------------


@converts(activation.Hardtanh)
def hardtanh(g: GraphBuilder, call: Call) -> str:
    x, low, high = call.args
    return _clip(g, g.name(x), low, high, x.dtype)


@converts(activation.Threshold)
def threshold(g: GraphBuilder, call: Call) -> str:
    """``Where(x <= threshold, value, x)``."""
    x, limit, value = call.args
    name = g.name(x)
    below = g.op("LessOrEqual", name, _as(g, limit, x.dtype))
    return g.op("Where", below, _as(g, value, x.dtype), name)


@converts(activation.LeakyRelu)
def leaky_relu(g: GraphBuilder, call: Call) -> str:
    x, slope = call.args
    if not isinstance(slope, (int, float)):  # rrelu's random slopes, in training only
        raise _unsupported(call, "random slopes (rrelu in training mode) have no ONNX form")
    return g.op("LeakyRelu", g.name(x), alpha=float(slope))


@converts(activation.Elu, activation.Selu, activation.Celu)
def elu(g: GraphBuilder, call: Call) -> str:
    """``Elu``, ``Selu`` or ``Celu`` for float32; other dtypes (which onnxruntime does not
    implement these ops for) get ``Where(x > 0, scale * x, scale * alpha * (Exp(x * s) - 1))``."""
    x, alpha, scale, input_scale = call.args
    name, dtype = g.name(x), x.dtype
    if dtype is dtypes.float32 and call.op is activation.Selu:
        return g.op("Selu", name, alpha=float(alpha), gamma=float(scale))
    if dtype is dtypes.float32 and call.op is activation.Elu:
        return g.op("Elu", name, alpha=float(alpha))
    if dtype is dtypes.float32:
        return g.op("Celu", name, alpha=float(alpha))
    exp = g.op("Exp", g.op("Mul", name, _as(g, input_scale, dtype)))
    negative = g.op("Mul", g.op("Sub", exp, _as(g, 1, dtype)), _as(g, alpha * scale, dtype))
    positive = g.op("Mul", name, _as(g, scale, dtype))
    return g.op("Where", g.op("Greater", name, _as(g, 0, dtype)), positive, negative)


@converts(activation.Gelu)
def gelu(g: GraphBuilder, call: Call) -> str:
    """``x * 0.5 * (1 + Erf(x / sqrt 2))``, or with ``Tanh`` for the tanh approximation
    (ONNX's Gelu op needs opset 20)."""
    x, approximate = call.args
    name, dtype = g.name(x), x.dtype
    if approximate == "tanh":
        cube = g.op("Mul", g.op("Mul", g.op("Mul", name, name), name), _as(g, 0.044715, dtype))
        inner = g.op("Mul", g.op("Add", name, cube), _as(g, math.sqrt(2 / math.pi), dtype))
        curve = g.op("Tanh", inner)
    else:
        curve = g.op("Erf", g.op("Mul", name, _as(g, math.sqrt(0.5), dtype)))
    half = g.op("Mul", name, _as(g, 0.5, dtype))
    return g.op("Mul", half, g.op("Add", _as(g, 1, dtype), curve))


@converts(activation.Silu)
def silu(g: GraphBuilder, call: Call) -> str:
    """``x * Sigmoid(x)``."""
    name = g.name(call.args[0])
    return g.op("Mul", name, g.op("Sigmoid", name))


@converts(activation.Mish)
def mish(g: GraphBuilder, call: Call) -> str:
    """``Mish`` from opset 18, ``x * Tanh(Softplus(x))`` before."""
    name = g.name(call.args[0])
    if g.opset >= 18:
        return g.op("Mish", name)
    return g.op("Mul", name, g.op("Tanh", g.op("Softplus", name)))


@converts(activation.Softplus)
def softplus(g: GraphBuilder, call: Call) -> str:
    """``Where(beta * x > threshold, x, Softplus(beta * x) / beta)``."""
    x, beta, limit = call.args
    name, dtype = g.name(x), x.dtype
    scaled = name if beta == 1 else g.op("Mul", name, _as(g, beta, dtype))
    smooth = g.op("Softplus", scaled)
    if beta != 1:
        smooth = g.op("Div", smooth, _as(g, beta, dtype))
    return g.op("Where", g.op("Greater", scaled, _as(g, limit, dtype)), name, smooth)


@converts(activation.Softsign)
def softsign(g: GraphBuilder, call: Call) -> str:
    return g.op("Softsign", _as(g, call.args[0], _result(call)))


@converts(activation.Hardsigmoid)
def hardsigmoid(g: GraphBuilder, call: Call) -> str:
    return g.op("HardSigmoid", g.name(call.args[0]), alpha=1 / 6, beta=0.5)


@converts(activation.Hardswish)
def hardswish(g: GraphBuilder, call: Call) -> str:
    """``HardSwish`` from opset 14, ``x * HardSigmoid(x)`` in opset 13."""
    name = g.name(call.args[0])
    if g.opset >= 14:
        return g.op("HardSwish", name)
    return g.op("Mul", name, g.op("HardSigmoid", name, alpha=1 / 6, beta=0.5))


@converts(activation.Hardshrink, activation.Softshrink)
def shrink(g: GraphBuilder, call: Call) -> str:
    """``Shrink``, with ``bias`` 0 (hardshrink) or ``lambd`` (softshrink)."""
    x, lambd = call.args
    bias = lambd if call.op is activation.Softshrink else 0.0
    return g.op("Shrink", g.name(x), lambd=float(lambd), bias=float(bias))


@converts(activation.Tanhshrink)
def tanhshrink(g: GraphBuilder, call: Call) -> str:
    """``x - Tanh(x)``."""
    name = _as(g, call.args[0], _result(call))
    return g.op("Sub", name, g.op("Tanh", name))


@converts(activation.Logsigmoid)
def logsigmoid(g: GraphBuilder, call: Call) -> str:
    """``-Softplus(-x)``, which does not overflow."""
    return g.op("Neg", g.op("Softplus", g.op("Neg", g.name(call.args[0]))))


@converts(activation.Prelu)
def prelu(g: GraphBuilder, call: Call) -> str:
    """``PRelu``; per-channel slopes are reshaped to ``(C, 1, ..., 1)`` to broadcast."""
    x, weight = call.args
    slope = g.name(weight)
    if weight.numel() > 1 and x.ndim > 2:
        shape = g.ints([weight.numel()] + [1] * (x.ndim - 2), "shape")
        slope = g.op("Reshape", slope, shape)
    return g.op("PRelu", g.name(x), slope)


@converts(activation.Glu)
def glu(g: GraphBuilder, call: Call) -> str:
    """``Split`` in halves ``a, b`` along ``dim``, then ``a * Sigmoid(b)``."""
    x, dim = call.args
    twin = call.twin.args[0] if call.twin is not None else x
    half = g.size(x.shape[dim] // 2, twin.shape[dim] // 2)
    sizes = g.op("Concat", half, half, axis=0)
    first, second = g.op("Split", g.name(x), sizes, axis=dim, outputs=2)
    return g.op("Mul", first, g.op("Sigmoid", second))


# -- softmax ---------------------------------------------------------------------------------


@converts(Softmax, LogSoftmax)
def softmax(g: GraphBuilder, call: Call) -> str:
    x, dim = call.args
    op_type = "Softmax" if call.op is Softmax else "LogSoftmax"
    return g.op(op_type, g.name(x), axis=dim)


@converts(activation.Softmin)
def softmin(g: GraphBuilder, call: Call) -> str:
    """``Softmax(-x)``."""
    x, dim = call.args
    return g.op("Softmax", g.op("Neg", g.name(x)), axis=dim)


@converts(attention.SafeSoftmax)
def safe_softmax(g: GraphBuilder, call: Call) -> str:
    """``Softmax``, with 0 instead of nan on the slices that hold only ``-inf`` (the masked
    rows of attention): ``Where(ReduceMax(x) == -inf, 0, Softmax(x))``."""
    x, dim = call.args
    name = g.name(x)
    largest = _reduce(g, "ReduceMax", name, (dim,), keepdim=True)
    masked = g.op("Equal", largest, _as(g, -math.inf, x.dtype))
    return g.op("Where", masked, _as(g, 0, x.dtype), g.op("Softmax", name, axis=dim))


@converts(LogSumExp)
def logsumexp(g: GraphBuilder, call: Call) -> str:
    x, axes, keepdim = call.args
    return _reduce(g, "ReduceLogSumExp", _as(g, x, _result(call)), axes, keepdim)


# -- reductions ------------------------------------------------------------------------------


@converts(reduction.Sum, reduction.Prod)
def sum_prod(g: GraphBuilder, call: Call) -> str:
    x, axes, keepdim = call.args
    op_type = "ReduceSum" if call.op is reduction.Sum else "ReduceProd"
    return _reduce(g, op_type, g.name(x), axes, keepdim)


@converts(reduction.Mean)
def mean(g: GraphBuilder, call: Call) -> str:
    """``ReduceMean``; ``GlobalAveragePool`` for the mean over all spatial axes of an
    ``(N, C, ...)`` tensor with ``keepdim`` (what ``AdaptiveAvgPool2d(1)`` computes)."""
    x, axes, keepdim = call.args
    if keepdim and x.ndim >= 3 and axes == tuple(range(2, x.ndim)):
        return g.op("GlobalAveragePool", g.name(x))
    return _reduce(g, "ReduceMean", g.name(x), axes, keepdim)


@converts(reduction.Extremum)
def extremum(g: GraphBuilder, call: Call) -> str:
    x, axes, keepdim, largest = call.args
    return _reduce(g, "ReduceMax" if largest else "ReduceMin", g.name(x), axes, keepdim)


@converts(reduction.ExtremumAlongDim)
def extremum_along_dim(g: GraphBuilder, call: Call) -> tuple[str, str]:
    """The values by ``ReduceMax``/``ReduceMin`` and the indices by ``ArgMax``/``ArgMin``
    (both pick the first of tied extrema)."""
    x, dim, keepdim, largest = call.args
    name = g.name(x)
    values = _reduce(g, "ReduceMax" if largest else "ReduceMin", name, (dim,), keepdim)
    indices = g.op("ArgMax" if largest else "ArgMin", name, axis=dim, keepdims=int(keepdim))
    return values, indices


@converts(reduction.ArgExtremum)
def arg_extremum(g: GraphBuilder, call: Call) -> str:
    """``ArgMax``/``ArgMin`` (the first of tied extrema); over the flattened input when
    no dim is given (or the input is 0-d), reshaped to ``(1, ..., 1)`` for ``keepdim``."""
    x, axis, keepdim, largest = call.args
    op_type = "ArgMax" if largest else "ArgMin"
    if axis is not None and x.ndim > 0:
        return g.op(op_type, g.name(x), axis=axis, keepdims=int(keepdim))
    flat = g.op("Reshape", g.name(x), g.ints([-1], "flat"))
    index = g.op(op_type, flat, axis=0, keepdims=0)
    return g.op("Reshape", index, g.ints([1] * x.ndim, "shape")) if keepdim else index


@converts(reduction.AllAny)
def all_any(g: GraphBuilder, call: Call) -> str:
    """``x != 0``, reduced by ``ReduceMin`` (all) or ``ReduceMax`` (any) as int32, then
    cast to the result's dtype (bool, or uint8 for a uint8 input)."""
    x, axes, keepdim, op = call.args
    nonzero = g.op("Not", g.op("Equal", g.name(x), _as(g, 0, x.dtype)))
    if axes:
        as_int = _cast(g, nonzero, dtypes.int32)
        nonzero = _reduce(g, "ReduceMin" if op == "all" else "ReduceMax", as_int, axes, keepdim)
    return _cast(g, nonzero, call.outputs[0].dtype)


def _degrees_of_freedom(g: GraphBuilder, call: Call) -> str:
    """``N - correction`` of var/std as a constant, or computed from the input's shape when
    a reduced axis is dynamic."""
    x, axes, _, dof = call.args
    if not set(axes) & set(g.dynamic_axes(x)):
        return _as(g, max(0, dof), x.dtype)
    correction = math.prod(x.shape[i] for i in axes) - dof
    sizes = g.op("Gather", g.op("Shape", g.name(x)), g.ints(axes, "axes"), axis=0)
    count = _cast(g, _reduce(g, "ReduceProd", sizes, (), False), x.dtype)
    return g.op("Sub", count, _as(g, correction, x.dtype))


@converts(reduction.Var, reduction.Std)
def variance(g: GraphBuilder, call: Call) -> str:
    """``ReduceSum((x - ReduceMean(x))²) / (N - correction)``, and its ``Sqrt`` for std."""
    x, axes, keepdim, _ = call.args
    name = g.name(x)
    centered = g.op("Sub", name, _reduce(g, "ReduceMean", name, axes, True))
    squares = _reduce(g, "ReduceSum", g.op("Mul", centered, centered), axes, keepdim)
    out = g.op("Div", squares, _degrees_of_freedom(g, call))
    return g.op("Sqrt", out) if call.op is reduction.Std else out


@converts(reduction.Norm)
def norm(g: GraphBuilder, call: Call) -> str:
    """``ReduceL1``/``ReduceL2``; ``ReduceMax``/``ReduceMin`` of ``Abs`` for +-inf; a count of
    nonzeros for 0; ``ReduceSum(|x| ** p) ** (1 / p)`` otherwise."""
    x, p, axes, keepdim = call.args
    name, dtype = g.name(x), x.dtype
    if p in (1, 2):
        return _reduce(g, f"ReduceL{int(p)}", name, axes, keepdim)
    if p in (math.inf, -math.inf):
        return _reduce(g, "ReduceMax" if p > 0 else "ReduceMin", g.op("Abs", name), axes, keepdim)
    if p == 0:
        nonzero = g.op("Not", g.op("Equal", name, _as(g, 0, dtype)))
        return _reduce(g, "ReduceSum", _cast(g, nonzero, dtype), axes, keepdim)
    powers = g.op("Pow", g.op("Abs", name), _as(g, p, dtype))
    return g.op("Pow", _reduce(g, "ReduceSum", powers, axes, keepdim), _as(g, 1 / p, dtype))


@converts(reduction.CumSum)
def cumsum(g: GraphBuilder, call: Call) -> str:
    x, dim, reverse = call.args
    axis = g.constant(np.array(dim, dtype=np.int64))
    return g.op("CumSum", g.name(x), axis, reverse=int(reverse))


# -- casts -----------------------------------------------------------------------------------


@converts(conversion.ToCopy)
def to_copy(g: GraphBuilder, call: Call) -> str:
    """``Cast`` to the new dtype; a move between devices is the identity."""
    x, _, dtype = call.args
    return _as(g, x, dtype)
