"""Unary math functions: exponentials and logarithms, roots, trigonometry, sigmoid, erf.

Most of them are float functions sharing one forward, written once in
:class:`_FloatFunction`: integer and bool inputs are cast to the default float
dtype first (``exp`` of an int64 tensor is a float32 tensor, as in PyTorch) and
the array function named by ``xp_function`` is applied (or the subclass's own
``compute``). Each subclass then states its backward, written with neurarust
ops so that double backward works.
The backward uses the op's output where the derivative is a function of it
(``saves_result = True``: d/dx e^x = e^x) and the input otherwise.

``square`` and ``relu`` keep integer dtypes, so they have their own forward.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..autograd.function import Function
from ..tensor import Tensor
from ._util import float_data, require_tensor
from .elementwise import where

__all__ = [
    "exp",
    "exp2",
    "log",
    "log2",
    "log10",
    "log1p",
    "expm1",
    "sqrt",
    "rsqrt",
    "square",
    "sin",
    "cos",
    "tan",
    "tanh",
    "sigmoid",
    "erf",
    "relu",
]

_LN2 = math.log(2.0)
_LN10 = math.log(10.0)
_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)


class _FloatFunction(Function):
    """A float function of one tensor: ``compute`` on the float data of the input.

    Saves the input for backward, unless the subclass sets ``saves_result``.
    """

    xp_function = ""  # the array-module function applied, e.g. "exp"

    @staticmethod
    def forward(ctx: Any, x: Tensor) -> Any:
        require_tensor(type(ctx).__name__.lower(), "input", x)
        if not ctx.saves_result:
            ctx.save_for_backward(x)
        # PyTorch returns inf and nan silently (log(0), sqrt(-1), exp(1000)); NumPy
        # would warn. CuPy never warns, so this NumPy setting is harmless there.
        return ctx.compute(x.backend, float_data(x))

    def compute(self, backend: Any, data: Any) -> Any:
        """The function's values on the float array ``data``."""
        return getattr(backend.xp, self.xp_function)(data)


class Exp(_FloatFunction):
    xp_function = "exp"
    saves_result = True

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> Tensor:
        return grad * ctx.saved_result()


class Exp2(_FloatFunction):
    xp_function = "exp2"
    saves_result = True

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> Tensor:
        return grad * (ctx.saved_result() * _LN2)


class Expm1(_FloatFunction):
    xp_function = "expm1"
    saves_result = True

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> Tensor:
        return grad * (ctx.saved_result() + 1)


class Log(_FloatFunction):
    xp_function = "log"

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> Tensor:
        (x,) = ctx.saved_tensors
        return grad / x


class Log2(_FloatFunction):
    xp_function = "log2"

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> Tensor:
        (x,) = ctx.saved_tensors
        return grad / (x * _LN2)


class Log10(_FloatFunction):
    xp_function = "log10"

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> Tensor:
        (x,) = ctx.saved_tensors
        return grad / (x * _LN10)


class Log1p(_FloatFunction):
    xp_function = "log1p"

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> Tensor:
        (x,) = ctx.saved_tensors
        return grad / (x + 1)


class Sqrt(_FloatFunction):
    xp_function = "sqrt"
    saves_result = True

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> Tensor:
        return grad / (ctx.saved_result() * 2)


class Rsqrt(_FloatFunction):
    saves_result = True

    def compute(self, backend: Any, data: Any) -> Any:
        xp = backend.xp
        return xp.reciprocal(xp.sqrt(data))

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> Tensor:
        y = ctx.saved_result()  # d/dx x^(-1/2) = -x^(-3/2) / 2 = -y^3 / 2
        return grad * (y * y * y * -0.5)


class Sin(_FloatFunction):
    xp_function = "sin"

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> Tensor:
        (x,) = ctx.saved_tensors
        return grad * cos(x)


class Cos(_FloatFunction):
    xp_function = "cos"

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> Tensor:
        (x,) = ctx.saved_tensors
        return grad * -sin(x)


class Tan(_FloatFunction):
    xp_function = "tan"
    saves_result = True

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> Tensor:
        y = ctx.saved_result()  # d/dx tan x = 1 + tan^2 x
        return grad * (y * y + 1)


class Tanh(_FloatFunction):
    xp_function = "tanh"
    saves_result = True

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> Tensor:
        y = ctx.saved_result()
        return grad * (1 - y * y)


class Sigmoid(_FloatFunction):
    saves_result = True

    def compute(self, backend: Any, data: Any) -> Any:
        # For very negative x, e^-x overflows to inf and the result is exactly 0, as
        # in PyTorch. float16 is computed in float32: its e^-x overflows from x < -11.
        if data.dtype == np.float16:
            return self.compute(backend, data.astype(np.float32)).astype(np.float16)
        return 1 / (1 + backend.xp.exp(-data))

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> Tensor:
        y = ctx.saved_result()
        return grad * (y * (1 - y))


class Erf(_FloatFunction):
    def compute(self, backend: Any, data: Any) -> Any:
        return backend.kernel("erf")(data)  # NumPy has no erf: Numba or CuPy provide it

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> Tensor:
        (x,) = ctx.saved_tensors
        return grad * (exp(-(x * x)) * _TWO_OVER_SQRT_PI)


class Square(Function):
    @staticmethod
    def forward(ctx: Any, x: Tensor) -> Any:
        require_tensor(type(ctx).__name__.lower(), "input", x)
        ctx.save_for_backward(x)
        data = x._data
        if data.dtype == np.bool_:  # as PyTorch: True * True is the integer 1
            data = data.astype(np.int64)
        return data * data

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> Tensor:
        (x,) = ctx.saved_tensors
        return grad * (x * 2)


class Relu(Function):
    saves_result = True

    @staticmethod
    def forward(ctx: Any, x: Tensor) -> Any:
        require_tensor(type(ctx).__name__.lower(), "input", x)
        data = x._data
        if data.dtype == np.bool_:
            raise RuntimeError(
                "relu: Boolean inputs not supported for relu (expected a numeric tensor, "
                "got dtype bool)"
            )
        return x.backend.xp.maximum(data, 0)  # nan stays nan, as in PyTorch

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> Tensor:
        y = ctx.saved_result()
        # The output is positive, zero or nan: the gradient flows where it is not zero
        # (nan included, as in PyTorch). The mask is a constant since relu is piecewise
        # linear: its second derivative is 0. Multiplying by a 0/1 mask is ten times
        # faster than selecting (xp.where), but turns an inf or nan gradient into nan
        # where relu is flat; such a gradient takes the select, as PyTorch's does.
        data, xp = y._data, y.backend.xp
        passes = xp.asarray(data != 0)  # asarray: 0-d stays an array
        if xp.isfinite(grad._data).all():
            return grad * Tensor._make(passes.astype(data.dtype), y.device)
        return where(Tensor._make(passes, y.device), grad, 0.0)


def exp(input: Tensor) -> Tensor:
    """``e ** input``, elementwise. Shape: same as ``input``.

    Integer and bool inputs give the default float dtype.

    Examples:
        >>> import neurarust
        >>> neurarust.exp(neurarust.tensor([0.0, 1.0]))
        tensor([1.0000, 2.7183])
    """
    return Exp.apply(input)


def exp2(input: Tensor) -> Tensor:
    """``2 ** input``, elementwise. Shape: same as ``input``.

    Examples:
        >>> import neurarust
        >>> neurarust.exp2(neurarust.tensor([0.0, 3.0]))
        tensor([1., 8.])
    """
    return Exp2.apply(input)


def expm1(input: Tensor) -> Tensor:
    """``e ** input - 1``, elementwise, accurate for small ``input``. Shape: same as ``input``.

    Examples:
        >>> import neurarust
        >>> neurarust.expm1(neurarust.tensor([0.0, 1e-10]))
        tensor([0.0000e+00, 1.0000e-10])
    """
    return Expm1.apply(input)


def log(input: Tensor) -> Tensor:
    """Natural logarithm, elementwise. Shape: same as ``input``.

    ``log(0)`` is ``-inf`` and the log of a negative number is ``nan``.

    Examples:
        >>> import neurarust
        >>> neurarust.log(neurarust.tensor([1.0, 0.0]))
        tensor([0., -inf])
    """
    return Log.apply(input)


def log2(input: Tensor) -> Tensor:
    """Base-2 logarithm, elementwise. Shape: same as ``input``.

    Examples:
        >>> import neurarust
        >>> neurarust.log2(neurarust.tensor([1.0, 8.0]))
        tensor([0., 3.])
    """
    return Log2.apply(input)


def log10(input: Tensor) -> Tensor:
    """Base-10 logarithm, elementwise. Shape: same as ``input``.

    Examples:
        >>> import neurarust
        >>> neurarust.log10(neurarust.tensor([1.0, 100.0]))
        tensor([0., 2.])
    """
    return Log10.apply(input)


def log1p(input: Tensor) -> Tensor:
    """``log(1 + input)``, elementwise, accurate for small ``input``. Shape: same as ``input``.

    Examples:
        >>> import neurarust
        >>> neurarust.log1p(neurarust.tensor([0.0, 1e-10]))
        tensor([0.0000e+00, 1.0000e-10])
    """
    return Log1p.apply(input)


def sqrt(input: Tensor) -> Tensor:
    """Square root, elementwise; ``nan`` for negative numbers. Shape: same as ``input``.

    Examples:
        >>> import neurarust
        >>> neurarust.sqrt(neurarust.tensor([4.0, 9.0]))
        tensor([2., 3.])
    """
    return Sqrt.apply(input)


def rsqrt(input: Tensor) -> Tensor:
    """``1 / sqrt(input)``, elementwise; ``rsqrt(0)`` is ``inf``. Shape: same as ``input``.

    Examples:
        >>> import neurarust
        >>> neurarust.rsqrt(neurarust.tensor([4.0, 0.25]))
        tensor([0.5000, 2.0000])
    """
    return Rsqrt.apply(input)


def square(input: Tensor) -> Tensor:
    """``input * input``, elementwise. Shape: same as ``input``.

    Integer inputs keep their dtype (bool gives int64), as ``input * input`` does.

    Examples:
        >>> import neurarust
        >>> neurarust.square(neurarust.tensor([2, -3]))
        tensor([4, 9])
    """
    return Square.apply(input)


def sin(input: Tensor) -> Tensor:
    """Sine (radians), elementwise. Shape: same as ``input``.

    Examples:
        >>> import neurarust
        >>> neurarust.sin(neurarust.tensor([0.0, math.pi / 2]))
        tensor([0., 1.])
    """
    return Sin.apply(input)


def cos(input: Tensor) -> Tensor:
    """Cosine (radians), elementwise. Shape: same as ``input``.

    Examples:
        >>> import neurarust
        >>> neurarust.cos(neurarust.tensor([0.0, math.pi]))
        tensor([ 1., -1.])
    """
    return Cos.apply(input)


def tan(input: Tensor) -> Tensor:
    """Tangent (radians), elementwise. Shape: same as ``input``.

    Examples:
        >>> import neurarust
        >>> neurarust.tan(neurarust.tensor([0.0, math.pi / 4]))
        tensor([0., 1.])
    """
    return Tan.apply(input)


def tanh(input: Tensor) -> Tensor:
    """Hyperbolic tangent, elementwise. Shape: same as ``input``.

    Examples:
        >>> import neurarust
        >>> neurarust.tanh(neurarust.tensor([0.0, 100.0]))
        tensor([0., 1.])
    """
    return Tanh.apply(input)


def sigmoid(input: Tensor) -> Tensor:
    """The logistic function ``1 / (1 + e ** -input)``, elementwise. Shape: same as ``input``.

    Computed without overflow, so large ``|input|`` gives 0 or 1, never ``nan``.

    Examples:
        >>> import neurarust
        >>> neurarust.sigmoid(neurarust.tensor([0.0, 100.0]))
        tensor([0.5000, 1.0000])
    """
    return Sigmoid.apply(input)


def erf(input: Tensor) -> Tensor:
    """The error function ``2 / sqrt(pi) * integral from 0 to input of e ** (-t ** 2) dt``.

    Elementwise. Shape: same as ``input``.

    Examples:
        >>> import neurarust
        >>> neurarust.erf(neurarust.tensor([0.0, 1.0]))
        tensor([0.0000, 0.8427])
    """
    return Erf.apply(input)


def relu(input: Tensor) -> Tensor:
    """``max(input, 0)``, elementwise; keeps the dtype. Shape: same as ``input``.

    The gradient at 0 is 0. Bool inputs are refused, as in PyTorch.

    Examples:
        >>> import neurarust
        >>> neurarust.relu(neurarust.tensor([-1.0, 0.0, 2.0]))
        tensor([0., 0., 2.])
    """
    return Relu.apply(input)
