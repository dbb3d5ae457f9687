"""Activation functions, as ``torch.nn.functional`` has them (exported there only).

Almost all of them are elementwise functions ``f(x; params)`` sharing one
forward, written once in :class:`_Pointwise`: each subclass states its values
on the raw array (``compute``) and its derivative with neurarust ops
(``derivative``), so one graph node is recorded per call and double backward
works. Where a function is piecewise linear (hardtanh, leaky_relu, the
shrinks) the derivative is a constant mask computed from the raw input: its own
derivative is zero. The gradient at a kink is PyTorch's (``hardtanh`` passes
none at its bounds, ``leaky_relu`` gives the slope at 0), and so is the gradient
at nan: the masks use PyTorch's comparisons.

``inplace=True`` (and the ``_``-suffixed forms, ``elu_``) computes out of
place and writes the result into the input through ``Tensor._inplace``, which
records the write in the graph; the input itself is returned.

Numerical stability: ``softplus``, ``mish`` and ``logsigmoid`` use
``max(z, 0) + log1p(exp(-|z|))``, which never overflows; ``elu``'s derivative
exponentiates only non-positive inputs.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

from ..autograd.function import Function
from ..tensor import Tensor
from ._util import float_data, normalize_dim, require_tensor
from .creation import empty_like
from .elementwise import where
from .shape import cat
from .softmax import Softmax, _softmax_args
from .softmax import log_softmax as _log_softmax
from .softmax import softmax as _softmax
from .unary import Relu

__all__ = [
    "relu",
    "relu_",
    "relu6",
    "leaky_relu",
    "leaky_relu_",
    "prelu",
    "rrelu",
    "rrelu_",
    "elu",
    "elu_",
    "selu",
    "selu_",
    "celu",
    "celu_",
    "gelu",
    "silu",
    "mish",
    "softplus",
    "softsign",
    "hardtanh",
    "hardtanh_",
    "hardsigmoid",
    "hardswish",
    "hardshrink",
    "softshrink",
    "tanhshrink",
    "logsigmoid",
    "threshold",
    "threshold_",
    "glu",
    "softmin",
    "softmax",
    "log_softmax",
]

# SELU's constants (Klambauer et al., 2017), as PyTorch rounds them.
_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946
_SQRT_HALF = math.sqrt(0.5)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)
_GELU_TANH_SCALE = math.sqrt(2.0 / math.pi)
_GELU_TANH_CUBIC = 0.044715


def _require_float(op: str, x: Tensor) -> None:
    """NotImplementedError (PyTorch's type) unless ``x`` is a floating point tensor."""
    if not x.dtype.is_floating_point:
        raise NotImplementedError(
            f"{op}: expected a floating point tensor, but got dtype {x.dtype.name}"
        )


def _constant(x: Tensor, array: Any, dtype: Any = None) -> Tensor:
    """``array`` (a mask or slopes computed from raw data) as a tensor outside the graph,
    on ``x``'s device with ``x``'s dtype unless ``dtype`` is given."""
    data = x.backend.xp.asarray(array, dtype=x._data.dtype if dtype is None else dtype)
    return Tensor._make(data, x.device)


def _integer_scalar(op: str, data: Any, value: float) -> Any:
    """``value`` as a scalar for ``data``'s dtype: integer arrays truncate it, as a C cast
    does (``hardtanh(int_tensor, -2.5, 2.5)`` clamps to [-2, 2]); RuntimeError, as in
    PyTorch, when it does not fit (a negative bound for a uint8 tensor)."""
    if data.dtype.kind == "f":
        return value
    info = np.iinfo(data.dtype)
    if not info.min <= int(value) <= info.max:
        raise RuntimeError(
            f"{op}: value {value} cannot be converted to {data.dtype} without overflow"
        )
    return int(value)


def _softplus_data(xp: Any, z: Any) -> Any:
    """``log(1 + exp(z))`` without overflow for large ``z``."""
    return xp.maximum(z, 0) + xp.log1p(xp.exp(-xp.abs(z)))


class _Pointwise(Function):
    """An activation applied elementwise: ``apply(x, *params)``, the params numbers
    (or, for rrelu's slopes, a constant array).

    Subclasses define ``compute(backend, data, *params)`` (the values, on the raw array)
    and ``derivative(x, *params)`` (df/dx as a Tensor, with neurarust ops).
    """

    op = ""  # the name in error messages
    # What integer inputs do: "refuse" (NotImplementedError), "keep" their dtype
    # (hardtanh, threshold), or become "float" (softsign, tanhshrink). Bool is refused.
    integers = "refuse"
    bool_error: type[Exception] = NotImplementedError

    @staticmethod
    def forward(ctx: Any, x: Tensor, *params: Any) -> Any:
        require_tensor(ctx.op, "input", x)
        data = ctx.input_data(x)
        ctx.params = params
        ctx.save_for_backward(x)
        if data.dtype == np.float16:  # computed in float32, as PyTorch's CPU kernels do
            return ctx.compute(x.backend, data.astype(np.float32), *params).astype(np.float16)
        return ctx.compute(x.backend, data, *params)

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple[Any, ...]:
        (x,) = ctx.saved_tensors
        return (grad * ctx.derivative(x, *ctx.params), *(None,) * len(ctx.params))

    def input_data(self, x: Tensor) -> Any:
        """``x``'s array, checked (and cast) as ``integers`` says."""
        kind = x._data.dtype.kind
        if kind == "b":
            raise self.bool_error(f"{self.op}: Bool inputs are not supported")
        if kind != "f" and self.integers == "float":
            return float_data(x)
        if self.integers != "keep":
            _require_float(self.op, x)
        return x._data

    def compute(self, backend: Any, data: Any, *params: Any) -> Any:
        raise NotImplementedError

    def derivative(self, x: Tensor, *params: Any) -> Tensor:
        raise NotImplementedError


class Hardtanh(_Pointwise):
    op = "hardtanh"
    integers = "keep"
    bool_error = RuntimeError

    def compute(self, backend: Any, data: Any, low: float, high: float) -> Any:
        return backend.xp.clip(
            data, _integer_scalar(self.op, data, low), _integer_scalar(self.op, data, high)
        )

    def derivative(self, x: Tensor, low: float, high: float) -> Tensor:
        data = x._data
        return _constant(x, ~((data <= low) | (data >= high)))


class Threshold(_Pointwise):
    op = "threshold"
    integers = "keep"

    def compute(self, backend: Any, data: Any, threshold: float, value: float) -> Any:
        replacement = backend.xp.asarray(_integer_scalar(self.op, data, value), dtype=data.dtype)
        return backend.xp.where(
            data <= _integer_scalar(self.op, data, threshold), replacement, data
        )

    def derivative(self, x: Tensor, threshold: float, value: float) -> Tensor:
        return _constant(x, ~(x._data <= threshold))


class LeakyRelu(_Pointwise):
    """``x`` where positive, ``slope * x`` elsewhere; ``slope`` is a number or, for
    rrelu in training, an array of one random slope per element."""

    op = "leaky_relu"

    def compute(self, backend: Any, data: Any, slope: Any) -> Any:
        return backend.xp.where(data > 0, data, data * slope)

    def derivative(self, x: Tensor, slope: Any) -> Tensor:
        return _constant(x, x.backend.xp.where(x._data > 0, 1, slope))


class Elu(_Pointwise):
    """``scale * x`` where positive, ``scale * alpha * (exp(x * input_scale) - 1)`` elsewhere:
    elu, and selu and celu by their constants, as in PyTorch."""

    op = "elu"

    def compute(
        self, backend: Any, data: Any, alpha: float, scale: float, input_scale: float
    ) -> Any:
        xp = backend.xp
        return xp.where(data <= 0, xp.expm1(data * input_scale) * (alpha * scale), data * scale)

    def derivative(self, x: Tensor, alpha: float, scale: float, input_scale: float) -> Tensor:
        # Only non-positive inputs are exponentiated: exp(big x) would be inf, and its
        # zero share of the gradient would become inf * 0 = nan in double backward.
        negative = (x.clamp(max=0) * input_scale).exp() * (alpha * scale * input_scale)
        return where(_constant(x, x._data <= 0, np.bool_), negative, scale)


class Selu(Elu):
    op = "selu"


class Celu(Elu):
    op = "celu"


class Gelu(_Pointwise):
    """``x * Phi(x)`` (Phi: the standard normal CDF), or its tanh approximation."""

    op = "gelu"

    def compute(self, backend: Any, data: Any, approximate: str) -> Any:
        if approximate == "tanh":
            inner = (data + data * data * data * _GELU_TANH_CUBIC) * _GELU_TANH_SCALE
            return data * 0.5 * (1 + backend.xp.tanh(inner))
        erf = backend.kernel("erf")  # NumPy has no erf: Numba or CuPy provide it
        return data * 0.5 * (1 + erf(data * _SQRT_HALF))

    def derivative(self, x: Tensor, approximate: str) -> Tensor:
        if approximate == "tanh":
            t = ((x + x * x * x * _GELU_TANH_CUBIC) * _GELU_TANH_SCALE).tanh()
            d_inner = (x * x * (3 * _GELU_TANH_CUBIC) + 1) * _GELU_TANH_SCALE
            return (t + 1) * 0.5 + x * (1 - t * t) * d_inner * 0.5
        cdf = ((x * _SQRT_HALF).erf() + 1) * 0.5
        return cdf + x * (x * x * -0.5).exp() * _INV_SQRT_2PI


class Silu(_Pointwise):
    op = "silu"

    def compute(self, backend: Any, data: Any) -> Any:
        return data / (1 + backend.xp.exp(-data))

    def derivative(self, x: Tensor) -> Tensor:
        s = x.sigmoid()
        return s * (x * (1 - s) + 1)


class Mish(_Pointwise):
    op = "mish"

    def compute(self, backend: Any, data: Any) -> Any:
        return data * backend.xp.tanh(_softplus_data(backend.xp, data))

    def derivative(self, x: Tensor) -> Tensor:
        t = softplus(x).tanh()
        return t + x * x.sigmoid() * (1 - t * t)


class Softplus(_Pointwise):
    op = "softplus"

    def compute(self, backend: Any, data: Any, beta: float, threshold: float) -> Any:
        z = data * beta
        return backend.xp.where(z > threshold, data, _softplus_data(backend.xp, z) / beta)

    def derivative(self, x: Tensor, beta: float, threshold: float) -> Tensor:
        above = _constant(x, x._data * beta > threshold, np.bool_)
        return where(above, 1.0, (x * beta).sigmoid())


class Softsign(_Pointwise):
    op = "softsign"
    integers = "float"

    def compute(self, backend: Any, data: Any) -> Any:
        return data / (1 + backend.xp.abs(data))

    def derivative(self, x: Tensor) -> Tensor:
        return (x.abs() + 1).square().reciprocal()


class Hardsigmoid(_Pointwise):
    op = "hardsigmoid"

    def compute(self, backend: Any, data: Any) -> Any:
        return backend.xp.clip(data + 3, 0, 6) / 6

    def derivative(self, x: Tensor) -> Tensor:
        data = x._data
        return _constant(x, ((data > -3) & (data < 3)) / 6)


class Hardswish(_Pointwise):
    op = "hardswish"

    def compute(self, backend: Any, data: Any) -> Any:
        return data * backend.xp.clip(data + 3, 0, 6) / 6

    def derivative(self, x: Tensor) -> Tensor:
        data = x._data
        middle = _constant(x, (data > -3) & (data < 3), np.bool_)
        return where(middle, x / 3 + 0.5, _constant(x, ~(data < 3)))


class Hardshrink(_Pointwise):
    op = "hardshrink"

    def compute(self, backend: Any, data: Any, lambd: float) -> Any:
        return backend.xp.where((data >= -lambd) & (data <= lambd), 0, data)

    def derivative(self, x: Tensor, lambd: float) -> Tensor:
        data = x._data
        return _constant(x, ~((data >= -lambd) & (data <= lambd)))


class Softshrink(Hardshrink):
    op = "softshrink"

    def compute(self, backend: Any, data: Any, lambd: float) -> Any:
        shrunk = data - backend.xp.sign(data) * lambd
        return backend.xp.where((data >= -lambd) & (data <= lambd), 0, shrunk)


class Tanhshrink(_Pointwise):
    op = "tanhshrink"
    integers = "float"

    def compute(self, backend: Any, data: Any) -> Any:
        return data - backend.xp.tanh(data)

    def derivative(self, x: Tensor) -> Tensor:
        t = x.tanh()
        return t * t


class Logsigmoid(_Pointwise):
    op = "logsigmoid"

    def compute(self, backend: Any, data: Any) -> Any:
        return -_softplus_data(backend.xp, -data)

    def derivative(self, x: Tensor) -> Tensor:
        return (-x).sigmoid()


class Prelu(Function):
    """``x`` where positive, ``weight * x`` elsewhere; ``weight`` holds one slope, or
    one per channel (dimension 1)."""

    @staticmethod
    def forward(ctx: Any, x: Tensor, weight: Tensor) -> Any:
        ctx.save_for_backward(x, weight)
        data = x._data
        slopes = weight._data.reshape(_prelu_slope_shape(x, weight))
        return x.backend.xp.where(data > 0, data, data * slopes)

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple[Any, ...]:
        x, weight = ctx.saved_tensors
        positive = _constant(x, x._data > 0, np.bool_)
        grad_x = grad_weight = None
        if ctx.needs_input_grad[0]:
            grad_x = where(positive, grad, grad * weight.reshape(_prelu_slope_shape(x, weight)))
        if ctx.needs_input_grad[1]:
            per_element = grad * where(positive, 0.0, x)
            if weight.numel() == 1:
                grad_weight = per_element.sum().reshape(weight.shape)
            else:  # one slope per channel: sum over every dimension but 1
                grad_weight = per_element.sum((0, *range(2, x.ndim)))
        return grad_x, grad_weight


def _prelu_slope_shape(x: Tensor, weight: Tensor) -> tuple[int, ...]:
    """The shape of prelu's ``weight`` broadcast along the channel dimension of ``x``."""
    if weight.numel() == 1:
        return ()
    return (weight.numel(),) + (1,) * (x.ndim - 2)


def _check_prelu(input: Tensor, weight: Tensor) -> None:
    require_tensor("prelu", "input", input)
    require_tensor("prelu", "weight", weight)
    if weight.ndim > 1:
        raise RuntimeError(
            f"prelu: Expected `weight` to be a scalar or 1D tensor, but got: ndim = {weight.ndim}"
        )
    if input.dtype is not weight.dtype:
        raise RuntimeError(
            "prelu: Type promoting not supported: input and weight must have the same dtype, "
            f"but got {input.dtype.name} and {weight.dtype.name}"
        )
    _require_float("prelu", input)
    if weight.numel() == 1:
        return
    if input.ndim == 0:
        raise RuntimeError(
            f"prelu: a 0-d input needs a weight of one element, but the weight has {weight.numel()}"
        )
    channels = input.shape[1] if input.ndim >= 2 else 1
    if weight.numel() != channels:
        raise RuntimeError(
            "prelu: Mismatch of parameter numbers and input channel size. Found parameter "
            f"numbers = {weight.numel()} and channel size = {channels}."
        )


class Glu(Function):
    """``a * sigmoid(b)``, where ``a`` and ``b`` are the two halves of the input along ``dim``."""

    @staticmethod
    def forward(ctx: Any, x: Tensor, dim: int) -> Any:
        ctx.dim = dim
        ctx.save_for_backward(x)
        xp = x.backend.xp
        first, second = xp.split(x._data, 2, axis=dim)
        return first / (1 + xp.exp(-second))

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple[Any, ...]:
        (x,) = ctx.saved_tensors
        first, second = x.chunk(2, ctx.dim)
        gate = second.sigmoid()
        grad_first = grad * gate
        grad_second = grad_first * first * (1 - gate)
        return cat([grad_first, grad_second], ctx.dim), None


class Softmin(Softmax):
    """``softmax(-x)``: softmax's kernel and backward, with the sign of ``x`` flipped."""

    @staticmethod
    def forward(ctx: Any, a: Tensor, dim: int) -> Any:
        return Softmax.forward(ctx, -a, dim)  # no graph is recorded inside forward

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple[Any, ...]:
        grad_input, _ = Softmax.backward(ctx, grad)
        return -grad_input, None


def _in_place(op: Callable[..., Tensor], input: Tensor, *args: Any) -> Tensor:
    """``op(input, *args)`` written into ``input``, which is returned (``inplace=True``)."""
    require_tensor(op.__name__, "input", input)
    return input._inplace(op, *args)


def _implicit_dim(op: str, ndim: int, stacklevel: int) -> int:
    """The dimension PyTorch picks when softmax-like ops get ``dim=None`` (deprecated)."""
    warnings.warn(
        f"Implicit dimension choice for {op} has been deprecated. Change the call to include "
        "dim=X as an argument.",
        UserWarning,
        stacklevel=stacklevel,
    )
    return 0 if ndim in (0, 1, 3) else 1


def relu(input: Tensor, inplace: bool = False) -> Tensor:
    """``max(input, 0)``, elementwise; keeps the dtype. Shape: same as ``input``.

    Examples:
        >>> import neurarust as nr
        >>> nr.nn.functional.relu(nr.tensor([-1.0, 0.0, 2.0]))
        tensor([0., 0., 2.])
    """
    if inplace:
        return _in_place(relu, input)
    return Relu.apply(input)


def relu_(input: Tensor) -> Tensor:
    """In-place :func:`relu`: writes into ``input`` and returns it."""
    return relu(input, inplace=True)


def hardtanh(
    input: Tensor, min_val: float = -1.0, max_val: float = 1.0, inplace: bool = False
) -> Tensor:
    """``input`` clamped to ``[min_val, max_val]``; keeps integer dtypes. Shape: same as ``input``.

    The gradient is 1 strictly inside the interval and 0 elsewhere (bounds included).

    Examples:
        >>> import neurarust as nr
        >>> nr.nn.functional.hardtanh(nr.tensor([-2.0, 0.5, 3.0]))
        tensor([-1.0000,  0.5000,  1.0000])
    """
    if min_val > max_val:
        raise ValueError(
            f"hardtanh: min_val cannot be greater than max_val (got min_val={min_val}, "
            f"max_val={max_val})"
        )
    if inplace:
        return _in_place(hardtanh, input, min_val, max_val)
    return Hardtanh.apply(input, min_val, max_val)


def hardtanh_(input: Tensor, min_val: float = -1.0, max_val: float = 1.0) -> Tensor:
    """In-place :func:`hardtanh`: writes into ``input`` and returns it."""
    return hardtanh(input, min_val, max_val, inplace=True)


def relu6(input: Tensor, inplace: bool = False) -> Tensor:
    """``min(max(input, 0), 6)``: :func:`hardtanh` on ``[0, 6]``. Shape: same as ``input``.

    Examples:
        >>> import neurarust as nr
        >>> nr.nn.functional.relu6(nr.tensor([-1.0, 3.0, 8.0]))
        tensor([0., 3., 6.])
    """
    return hardtanh(input, 0.0, 6.0, inplace)


def threshold(input: Tensor, threshold: float, value: float, inplace: bool = False) -> Tensor:
    """``input`` where it is greater than ``threshold``, ``value`` elsewhere.

    Keeps integer dtypes. Shape: same as ``input``.

    Examples:
        >>> import neurarust as nr
        >>> nr.nn.functional.threshold(nr.tensor([-1.0, 0.5, 2.0]), 1.0, 9.0)
        tensor([9., 9., 2.])
    """
    if inplace:
        return _in_place(_THRESHOLD, input, threshold, value)
    return Threshold.apply(input, threshold, value)


_THRESHOLD = threshold  # inside threshold(), its argument `threshold` hides the function


def threshold_(input: Tensor, threshold: float, value: float) -> Tensor:
    """In-place :func:`threshold`: writes into ``input`` and returns it."""
    return _THRESHOLD(input, threshold, value, inplace=True)


def leaky_relu(input: Tensor, negative_slope: float = 0.01, inplace: bool = False) -> Tensor:
    """``input`` where positive, ``negative_slope * input`` elsewhere. Shape: same as ``input``.

    Examples:
        >>> import neurarust as nr
        >>> nr.nn.functional.leaky_relu(nr.tensor([-2.0, 3.0]), 0.1)
        tensor([-0.2000,  3.0000])
    """
    if inplace:
        return _in_place(leaky_relu, input, negative_slope)
    return LeakyRelu.apply(input, negative_slope)


def leaky_relu_(input: Tensor, negative_slope: float = 0.01) -> Tensor:
    """In-place :func:`leaky_relu`: writes into ``input`` and returns it."""
    return leaky_relu(input, negative_slope, inplace=True)


def prelu(input: Tensor, weight: Tensor) -> Tensor:
    """:func:`leaky_relu` with learned slopes ``weight``: one, or one per channel.

    Shapes: ``input`` ``(N, C, *)`` or any shape when ``weight`` has one element;
    ``weight`` ``(C,)``, ``(1,)`` or ``()``, of ``input``'s dtype; output: as ``input``.

    Examples:
        >>> import neurarust as nr
        >>> x = nr.tensor([[-1.0, -1.0], [2.0, -4.0]])
        >>> nr.nn.functional.prelu(x, nr.tensor([0.5, 0.25]))
        tensor([[-0.5000, -0.2500],
                [ 2.0000, -1.0000]])
    """
    _check_prelu(input, weight)
    return Prelu.apply(input, weight)


def rrelu(
    input: Tensor,
    lower: float = 1.0 / 8,
    upper: float = 1.0 / 3,
    training: bool = False,
    inplace: bool = False,
) -> Tensor:
    """Randomized leaky ReLU: a random slope for non-positive inputs.

    In training each element gets its own slope, uniform in ``[lower, upper)``
    and drawn from neurarust's generator (``neurarust.manual_seed`` makes it
    reproducible); in evaluation the slope is ``(lower + upper) / 2``.
    Shape: same as ``input``.

    Examples:
        >>> import neurarust as nr
        >>> nr.nn.functional.rrelu(nr.tensor([-3.0, 1.0]), 0.1, 0.3)
        tensor([-0.6000,  1.0000])
    """
    if lower > upper:
        raise RuntimeError(
            "rrelu: Lower bound should be less than or equal to the upper bound "
            f"(got lower={lower}, upper={upper})"
        )
    if inplace:
        return _in_place(rrelu, input, lower, upper, training)
    if not training:
        return LeakyRelu.apply(input, (lower + upper) / 2)
    require_tensor("rrelu", "input", input)
    _require_float("rrelu", input)
    slopes = empty_like(input).uniform_(lower, upper)
    return LeakyRelu.apply(input, slopes._data)


def rrelu_(
    input: Tensor, lower: float = 1.0 / 8, upper: float = 1.0 / 3, training: bool = False
) -> Tensor:
    """In-place :func:`rrelu`: writes into ``input`` and returns it."""
    return rrelu(input, lower, upper, training, inplace=True)


def elu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    """``input`` where positive, ``alpha * (exp(input) - 1)`` elsewhere. Shape: same as ``input``.

    Examples:
        >>> import neurarust as nr
        >>> nr.nn.functional.elu(nr.tensor([-1.0, 2.0]))
        tensor([-0.6321,  2.0000])
    """
    if inplace:
        return _in_place(elu, input, alpha)
    return Elu.apply(input, alpha, 1.0, 1.0)


def elu_(input: Tensor, alpha: float = 1.0) -> Tensor:
    """In-place :func:`elu`: writes into ``input`` and returns it."""
    return elu(input, alpha, inplace=True)


def selu(input: Tensor, inplace: bool = False) -> Tensor:
    """Scaled ELU, ``scale * elu(input, alpha)`` with the self-normalizing constants
    ``alpha = 1.6733`` and ``scale = 1.0507``. Shape: same as ``input``.

    Examples:
        >>> import neurarust as nr
        >>> nr.nn.functional.selu(nr.tensor([-1.0, 2.0]))
        tensor([-1.1113,  2.1014])
    """
    if inplace:
        return _in_place(selu, input)
    return Selu.apply(input, _SELU_ALPHA, _SELU_SCALE, 1.0)


def selu_(input: Tensor) -> Tensor:
    """In-place :func:`selu`: writes into ``input`` and returns it."""
    return selu(input, inplace=True)


def celu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    """``max(0, input) + min(0, alpha * (exp(input / alpha) - 1))``. Shape: same as ``input``.

    Examples:
        >>> import neurarust as nr
        >>> nr.nn.functional.celu(nr.tensor([-1.0, 2.0]), alpha=2.0)
        tensor([-0.7869,  2.0000])
    """
    if alpha == 0:
        raise RuntimeError("celu: alpha cannot be 0 (the input is divided by it)")
    if inplace:
        return _in_place(celu, input, alpha)
    return Celu.apply(input, alpha, 1.0, 1.0 / alpha)


def celu_(input: Tensor, alpha: float = 1.0) -> Tensor:
    """In-place :func:`celu`: writes into ``input`` and returns it."""
    return celu(input, alpha, inplace=True)


def gelu(input: Tensor, approximate: str = "none") -> Tensor:
    """Gaussian error linear unit ``input * Phi(input)``, Phi the standard normal CDF.

    ``approximate="tanh"`` uses
    ``0.5 * x * (1 + tanh(sqrt(2 / pi) * (x + 0.044715 * x ** 3)))``.
    Shape: same as ``input``.

    Examples:
        >>> import neurarust as nr
        >>> nr.nn.functional.gelu(nr.tensor([-1.0, 0.0, 1.0]))
        tensor([-0.1587,  0.0000,  0.8413])
    """
    if approximate not in ("none", "tanh"):
        raise RuntimeError(
            f"gelu: approximate argument must be either 'none' or 'tanh', got {approximate!r}"
        )
    return Gelu.apply(input, approximate)


def silu(input: Tensor, inplace: bool = False) -> Tensor:
    """``input * sigmoid(input)`` (also called swish). Shape: same as ``input``.

    Examples:
        >>> import neurarust as nr
        >>> nr.nn.functional.silu(nr.tensor([-1.0, 0.0, 1.0]))
        tensor([-0.2689,  0.0000,  0.7311])
    """
    if inplace:
        return _in_place(silu, input)
    return Silu.apply(input)


def mish(input: Tensor, inplace: bool = False) -> Tensor:
    """``input * tanh(softplus(input))``. Shape: same as ``input``.

    Examples:
        >>> import neurarust as nr
        >>> nr.nn.functional.mish(nr.tensor([-1.0, 0.0, 1.0]))
        tensor([-0.3034,  0.0000,  0.8651])
    """
    if inplace:
        return _in_place(mish, input)
    return Mish.apply(input)


def softplus(input: Tensor, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
    """``log(1 + exp(beta * input)) / beta``, a smooth ReLU; ``input`` itself where
    ``beta * input > threshold``. Never overflows. Shape: same as ``input``.

    Examples:
        >>> import neurarust as nr
        >>> nr.nn.functional.softplus(nr.tensor([-1.0, 0.0, 1000.0]))
        tensor([3.1326e-01, 6.9315e-01, 1.0000e+03])
    """
    return Softplus.apply(input, beta, threshold)


def softsign(input: Tensor) -> Tensor:
    """``input / (1 + |input|)``; integer inputs give the default float dtype.

    Shape: same as ``input``.

    Examples:
        >>> import neurarust as nr
        >>> nr.nn.functional.softsign(nr.tensor([-3.0, 1.0]))
        tensor([-0.7500,  0.5000])
    """
    return Softsign.apply(input)


def hardsigmoid(input: Tensor, inplace: bool = False) -> Tensor:
    """``relu6(input + 3) / 6``, a piecewise linear sigmoid. Shape: same as ``input``.

    Examples:
        >>> import neurarust as nr
        >>> nr.nn.functional.hardsigmoid(nr.tensor([-4.0, 0.0, 1.5]))
        tensor([0.0000, 0.5000, 0.7500])
    """
    if inplace:
        return _in_place(hardsigmoid, input)
    return Hardsigmoid.apply(input)


def hardswish(input: Tensor, inplace: bool = False) -> Tensor:
    """``input * relu6(input + 3) / 6``. Shape: same as ``input``.

    Examples:
        >>> import neurarust as nr
        >>> nr.nn.functional.hardswish(nr.tensor([-1.0, 1.5, 4.0]))
        tensor([-0.3333,  1.1250,  4.0000])
    """
    if inplace:
        return _in_place(hardswish, input)
    return Hardswish.apply(input)


def hardshrink(input: Tensor, lambd: float = 0.5) -> Tensor:
    """``input`` where ``|input| > lambd``, 0 elsewhere. Shape: same as ``input``.

    Examples:
        >>> import neurarust as nr
        >>> nr.nn.functional.hardshrink(nr.tensor([-1.0, 0.25, 0.75]))
        tensor([-1.0000,  0.0000,  0.7500])
    """
    return Hardshrink.apply(input, lambd)


def softshrink(input: Tensor, lambd: float = 0.5) -> Tensor:
    """``input`` moved towards 0 by ``lambd`` (``lambd >= 0``), and 0 where ``|input| <= lambd``.

    Shape: same as ``input``.

    Examples:
        >>> import neurarust as nr
        >>> nr.nn.functional.softshrink(nr.tensor([-1.0, 0.25, 0.75]))
        tensor([-0.5000,  0.0000,  0.2500])
    """
    if lambd < 0:
        raise RuntimeError(f"softshrink: lambda must be greater or equal to 0, but got {lambd}")
    return Softshrink.apply(input, lambd)


def tanhshrink(input: Tensor) -> Tensor:
    """``input - tanh(input)``; integer inputs give the default float dtype.

    Shape: same as ``input``.

    Examples:
        >>> import neurarust as nr
        >>> nr.nn.functional.tanhshrink(nr.tensor([0.0, 1.0]))
        tensor([0.0000, 0.2384])
    """
    return Tanhshrink.apply(input)


def logsigmoid(input: Tensor) -> Tensor:
    """``log(sigmoid(input))``, computed without overflow or ``log(0)``.

    Shape: same as ``input``.

    Examples:
        >>> import neurarust as nr
        >>> nr.nn.functional.logsigmoid(nr.tensor([-1000.0, 0.0]))
        tensor([-1.0000e+03, -6.9315e-01])
    """
    return Logsigmoid.apply(input)


def glu(input: Tensor, dim: int = -1) -> Tensor:
    """Gated linear unit: ``a * sigmoid(b)``, where ``a`` and ``b`` are the first and
    second halves of ``input`` along ``dim``.

    Shapes: ``(*, 2n, *)`` -> ``(*, n, *)``, halving dimension ``dim``.

    Examples:
        >>> import neurarust as nr
        >>> nr.nn.functional.glu(nr.tensor([[1.0, 2.0, 0.0, 100.0]]))
        tensor([[0.5000, 2.0000]])
    """
    require_tensor("glu", "input", input)
    if input.ndim == 0:
        raise RuntimeError("glu: does not support scalars because halving size must be even")
    dim = normalize_dim(dim, input.ndim, "glu")
    if input.shape[dim] % 2:
        raise RuntimeError(
            f"glu: Halving dimension must be even, but dimension {dim} is size {input.shape[dim]}"
        )
    _require_float("glu", input)
    return Glu.apply(input, dim)


def softmin(
    input: Tensor, dim: int | None = None, _stacklevel: int = 3, dtype: Any = None
) -> Tensor:
    """``softmax(-input)`` along ``dim``: weights that favour the smallest values.

    ``dtype`` converts the input first. ``dim=None`` picks a dimension as PyTorch
    does, with its deprecation warning (0 for 0-d, 1-d and 3-d inputs, else 1).
    Shapes: ``(*)`` -> ``(*)``.

    Examples:
        >>> import neurarust as nr
        >>> nr.nn.functional.softmin(nr.tensor([0.0, 1.0]), dim=0)
        tensor([0.7311, 0.2689])
    """
    require_tensor("softmin", "input", input)
    if dim is None:
        dim = _implicit_dim("softmin", input.ndim, _stacklevel)
    return Softmin.apply(*_softmax_args("softmin", input, dim, dtype))


def softmax(
    input: Tensor, dim: int | None = None, _stacklevel: int = 3, dtype: Any = None
) -> Tensor:
    """``exp(input) / sum(exp(input))`` along ``dim`` (see :func:`neurarust.softmax`).

    ``dim=None`` picks a dimension as PyTorch does, with its deprecation warning.

    Examples:
        >>> import neurarust as nr
        >>> nr.nn.functional.softmax(nr.tensor([0.0, 0.0]), dim=0)
        tensor([0.5000, 0.5000])
    """
    require_tensor("softmax", "input", input)
    if dim is None:
        dim = _implicit_dim("softmax", input.ndim, _stacklevel)
    return _softmax(input, dim, dtype)


def log_softmax(
    input: Tensor, dim: int | None = None, _stacklevel: int = 3, dtype: Any = None
) -> Tensor:
    """The log of :func:`softmax` along ``dim``, without overflow
    (see :func:`neurarust.log_softmax`).

    ``dim=None`` picks a dimension as PyTorch does, with its deprecation warning.

    Examples:
        >>> import neurarust as nr
        >>> nr.nn.functional.log_softmax(nr.tensor([0.0, 0.0]), dim=0)
        tensor([-0.6931, -0.6931])
    """
    require_tensor("log_softmax", "input", input)
    if dim is None:
        dim = _implicit_dim("log_softmax", input.ndim, _stacklevel)
    return _log_softmax(input, dim, dtype)
