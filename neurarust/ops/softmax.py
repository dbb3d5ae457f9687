"""Softmax, log-softmax and logsumexp: exponentials normalized along dimensions.

All three subtract the largest value of each slice before exponentiating, so
large inputs never overflow (``softmax([1000, 1000])`` is ``[0.5, 0.5]``).
"""

from __future__ import annotations

from typing import Any

from ..autograd.function import Function
from ..tensor import Tensor
from ._util import float_data
from .reduction import (
    _at_least_1d,
    _axes,
    _cast,
    _one_dim,
    _reduced_shape,
    _remember,
    _unreduce,
)

__all__ = ["logsumexp", "softmax", "log_softmax"]


class LogSumExp(Function):
    saves_result = True

    @staticmethod
    def forward(ctx: Any, a: Tensor, axes: tuple[int, ...], keepdim: bool) -> Any:
        _remember(ctx, a, axes, keepdim)
        ctx.save_for_backward(a)
        xp, data = a.backend.xp, float_data(a)
        shift = 0
        if data.size:
            shift = data.max(axis=axes, keepdims=True)  # so that exp never overflows
            shift = xp.where(xp.isfinite(shift), shift, 0)  # slices of -inf or with inf: none
        out = xp.log(xp.exp(data - shift).sum(axis=axes, keepdims=True)) + shift
        return out.reshape(_reduced_shape(data.shape, axes, keepdim))

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple[Any, ...]:
        (x,) = ctx.saved_tensors
        result = _unreduce(ctx, ctx.saved_result())
        return _unreduce(ctx, grad) * (x - result).exp(), None, None


def logsumexp(input: Tensor, dim: Any, keepdim: bool = False) -> Tensor:
    """``log(sum(exp(input)))`` over ``dim``, computed without overflow.

    Integer inputs give the default float dtype.

    Shapes: ``(*)`` -> the input shape without ``dim`` (kept as size 1 if ``keepdim``).

    Examples:
        >>> import neurarust as nr
        >>> nr.tensor([1000.0, 1000.0]).logsumexp(0)
        tensor(1000.6932)
    """
    return LogSumExp.apply(input, _axes(dim, input, "logsumexp"), keepdim)


def _shifted(data: Any, dim: int) -> Any:
    """``data`` minus its maximum along ``dim``, so that ``exp`` never overflows.

    A slice of -inf (or holding inf) gives nan, as in PyTorch.
    """
    if not data.size:
        return data
    return data - data.max(axis=dim, keepdims=True)


class Softmax(Function):
    saves_result = True

    @staticmethod
    def forward(ctx: Any, a: Tensor, dim: int) -> Any:
        ctx.dim = dim
        e = a.backend.xp.exp(_shifted(_at_least_1d(a._data), dim))
        return (e / e.sum(axis=dim, keepdims=True)).reshape(a._data.shape)

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple[Any, ...]:
        y = ctx.saved_result()
        return y * (grad - (grad * y).sum(ctx.dim, keepdim=True)), None


class LogSoftmax(Function):
    saves_result = True

    @staticmethod
    def forward(ctx: Any, a: Tensor, dim: int) -> Any:
        ctx.dim = dim
        xp = a.backend.xp
        shifted = _shifted(_at_least_1d(a._data), dim)
        out = shifted - xp.log(xp.exp(shifted).sum(axis=dim, keepdims=True))
        return out.reshape(a._data.shape)

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple[Any, ...]:
        y = ctx.saved_result()
        return grad - y.exp() * grad.sum(ctx.dim, keepdim=True), None


def _softmax_args(op: str, input: Tensor, dim: int, dtype: Any) -> tuple[Tensor, int]:
    input = _cast(input, dtype)
    if not input.dtype.is_floating_point:  # NotImplementedError, as PyTorch raises
        raise NotImplementedError(
            f"{op}(): expected a floating point input or dtype, got {input.dtype.name}"
        )
    return input, _one_dim(dim, input, op)


def softmax(input: Tensor, dim: int, dtype: Any = None) -> Tensor:
    """``exp(x) / sum(exp(x))`` along ``dim``, computed without overflow.

    ``dtype`` converts the input first (integer inputs need one).

    Shapes: ``(*)`` -> ``(*)``.

    Examples:
        >>> import neurarust as nr
        >>> nr.tensor([0.0, 0.0]).softmax(0)
        tensor([0.5000, 0.5000])
    """
    return Softmax.apply(*_softmax_args("softmax", input, dim, dtype))


def log_softmax(input: Tensor, dim: int, dtype: Any = None) -> Tensor:
    """``x - logsumexp(x)`` along ``dim``: the log of :func:`softmax`, without overflow.

    Shapes: ``(*)`` -> ``(*)``.

    Examples:
        >>> import neurarust as nr
        >>> nr.tensor([0.0, 0.0]).log_softmax(0)
        tensor([-0.6931, -0.6931])
    """
    return LogSoftmax.apply(*_softmax_args("log_softmax", input, dim, dtype))
