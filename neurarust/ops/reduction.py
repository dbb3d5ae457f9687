"""Reductions: sums, means, extrema, variance, norms, all/any, cumulative ops.

A reduction takes ``dim`` (an int, a tuple of ints, or None for every dimension)
and ``keepdim`` (keep reduced dimensions with size 1) as PyTorch does. A 0-d
tensor accepts ``dim`` 0 or -1.

The backward passes reshape the incoming gradient to the ``keepdim`` shape so it
broadcasts against the input. Where PyTorch masks a division by zero
(``masked_fill(t == 0, 0)``), the masks here are constant tensors computed from
the raw arrays: the rest of the formula stays differentiable, so double backward
works.
"""

from __future__ import annotations

import builtins
import math
import warnings
from typing import Any

from .. import dtypes, return_types
from ..autograd.function import Function
from ..tensor import Tensor
from . import elementwise
from ._util import normalize_dim, normalize_dims
from .shape import cat

__all__ = [
    "sum",
    "mean",
    "prod",
    "max",
    "min",
    "amax",
    "amin",
    "argmax",
    "argmin",
    "var",
    "std",
    "var_mean",
    "std_mean",
    "norm",
    "all",
    "any",
    "cumsum",
    "cumprod",
    "sum_to_size",
]

# PyTorch's names of scalar types, used in its dtype error messages.
_SCALAR_TYPE_NAMES = {
    "bool": "Bool",
    "uint8": "Byte",
    "int8": "Char",
    "int16": "Short",
    "int32": "Int",
    "int64": "Long",
    "float16": "Half",
    "float32": "Float",
    "float64": "Double",
}


# -- helpers ---------------------------------------------------------------------------


def _axes(dim: Any, input: Tensor, op: str, empty_means_all: bool = True) -> tuple[int, ...]:
    """``dim`` as the sorted tuple of array axes to reduce.

    None means every axis, and so does an empty tuple or list for most
    reductions (``all`` and ``any`` reduce nothing then, as in PyTorch). A 0-d
    tensor accepts dim 0 or -1 but has no axis to reduce.
    """
    if dim is None or (empty_means_all and isinstance(dim, (tuple, list)) and not dim):
        return tuple(range(input.ndim))
    if not isinstance(dim, (int, tuple, list)):
        raise TypeError(f"{op}(): dim must be an int or a tuple of ints, got {type(dim).__name__}")
    axes = normalize_dims(dim, input.ndim, op)
    return axes if input.ndim else ()


def _one_dim(dim: Any, input: Tensor, op: str) -> int:
    """A single ``dim`` (TypeError for tuples, as in PyTorch), wrapped to be non-negative."""
    if not isinstance(dim, int):
        raise TypeError(f"{op}(): dim must be an int, got {type(dim).__name__}")
    return normalize_dim(dim, input.ndim, op)


def _at_least_1d(data: Any) -> Any:
    """``data`` with a 0-d array seen as shape (1,), so dim 0 can index it."""
    return data if data.ndim else data.reshape(1)


def _kept_shape(shape: tuple[int, ...], axes: tuple[int, ...]) -> tuple[int, ...]:
    return tuple(1 if i in axes else s for i, s in enumerate(shape))


def _reduced_shape(shape: tuple[int, ...], axes: tuple[int, ...], keepdim: bool) -> tuple[int, ...]:
    if keepdim:
        return _kept_shape(shape, axes)
    return tuple(s for i, s in enumerate(shape) if i not in axes)


def _remember(ctx: Any, a: Tensor, axes: tuple[int, ...], keepdim: bool) -> None:
    """Store what :func:`_unreduce` needs to undo the reduction of ``a``."""
    ctx.shape, ctx.axes, ctx.keepdim = a._data.shape, axes, keepdim


def _unreduce(ctx: Any, t: Tensor) -> Tensor:
    """A reduced tensor reshaped to the ``keepdim`` shape, ready to broadcast to the input."""
    if ctx.keepdim:
        return t
    return t.reshape(_kept_shape(ctx.shape, ctx.axes))


def _constant(like: Tensor, array: Any) -> Tensor:
    """A tensor (needing no gradient) on ``like``'s device, holding ``array``."""
    return Tensor._make(array, like.device)


def _zero_masks(t: Tensor) -> tuple[Tensor, Tensor]:
    """Constant masks, in ``t``'s dtype: 1 where ``t`` is zero, and 1 where it is not.

    ``(t + zero)`` is a divisor that is never zero, and multiplying by ``nonzero``
    clears the quotients it stood in for: PyTorch's ``masked_fill(t == 0, 0)``.
    """
    is_zero = t._data == 0
    dtype = t._data.dtype
    return _constant(t, is_zero.astype(dtype)), _constant(t, (~is_zero).astype(dtype))


def _cast(input: Tensor, dtype: Any) -> Tensor:
    """``input`` converted to ``dtype`` (differentiably) when one is given."""
    return input if dtype is None else input.to(dtypes.to_dtype(dtype))


def _accumulate_as(input: Tensor, dtype: Any) -> Tensor:
    """``input`` converted to ``dtype``; without one, integers and bools become int64,
    since PyTorch sums and multiplies them in int64."""
    if dtype is None and not input.dtype.is_floating_point:
        dtype = dtypes.int64
    return _cast(input, dtype)


def _require_float(input: Tensor, op: str) -> None:
    if not input.dtype.is_floating_point:
        raise RuntimeError(
            f"{op}(): expected a floating point tensor as input, got {input.dtype.name}"
        )


def _check_nonempty(data: Any, axes: tuple[int, ...], op: str, dim_given: bool) -> None:
    """The errors PyTorch raises for extrema over zero elements (they have no identity)."""
    if not dim_given and data.size == 0:
        raise RuntimeError(
            f"{op}(): Expected reduction dim to be specified for input.numel() == 0. "
            "Specify the reduction dim with the 'dim' argument."
        )
    for axis in axes:
        if data.shape[axis] == 0:
            raise IndexError(f"{op}(): Expected reduction dim {axis} to have non-zero size.")


# -- sum, mean, prod ---------------------------------------------------------------------


class Sum(Function):
    @staticmethod
    def forward(ctx: Any, a: Tensor, axes: tuple[int, ...], keepdim: bool) -> Any:
        _remember(ctx, a, axes, keepdim)
        data = a._data  # NumPy would widen small integers: keep the dtype chosen by sum()
        return data.sum(axis=axes, keepdims=keepdim, dtype=data.dtype)

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple[Any, ...]:
        return _unreduce(ctx, grad).expand(ctx.shape), None, None


def sum(input: Tensor, dim: Any = None, keepdim: bool = False, *, dtype: Any = None) -> Tensor:  # noqa: A001
    """Sum over ``dim`` (an int, a tuple, or None for all dimensions).

    Integer and bool inputs give int64 unless ``dtype`` is given; ``dtype``
    converts the input before summing.

    Shapes: ``(*)`` -> the input shape without ``dim`` (kept as size 1 if ``keepdim``).

    Examples:
        >>> import neurarust as nr
        >>> nr.tensor([[1, 2], [3, 4]]).sum(dim=0)
        tensor([4, 6])
    """
    input = _accumulate_as(input, dtype)
    return Sum.apply(input, _axes(dim, input, "sum"), keepdim)


class Mean(Function):
    @staticmethod
    def forward(ctx: Any, a: Tensor, axes: tuple[int, ...], keepdim: bool) -> Any:
        _remember(ctx, a, axes, keepdim)
        ctx.count = math.prod(a._data.shape[i] for i in axes)
        return a._data.sum(axis=axes, keepdims=keepdim) / ctx.count

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple[Any, ...]:
        return _unreduce(ctx, grad).expand(ctx.shape) / ctx.count, None, None


def mean(input: Tensor, dim: Any = None, keepdim: bool = False, *, dtype: Any = None) -> Tensor:
    """Mean over ``dim`` (an int, a tuple, or None for all dimensions).

    Needs a floating point input or a floating ``dtype`` (RuntimeError
    otherwise, as in PyTorch). The mean of no elements is nan.

    Shapes: ``(*)`` -> the input shape without ``dim`` (kept as size 1 if ``keepdim``).

    Examples:
        >>> import neurarust as nr
        >>> nr.tensor([[1.0, 2.0], [3.0, 4.0]]).mean(1)
        tensor([1.5000, 3.5000])
    """
    checked = input.dtype if dtype is None else dtypes.to_dtype(dtype)
    if not checked.is_floating_point:
        kind = "Input" if dtype is None else "Optional"
        raise RuntimeError(
            "mean(): could not infer output dtype. "
            f"{kind} dtype must be either a floating point or complex dtype. "
            f"Got: {_SCALAR_TYPE_NAMES[checked.name]}"
        )
    input = _cast(input, dtype)
    return Mean.apply(input, _axes(dim, input, "mean"), keepdim)


class Prod(Function):
    saves_result = True

    @staticmethod
    def forward(ctx: Any, a: Tensor, axes: tuple[int, ...], keepdim: bool) -> Any:
        _remember(ctx, a, axes, keepdim)
        ctx.save_for_backward(a)
        data = a._data
        return data.prod(axis=axes, keepdims=keepdim, dtype=data.dtype)

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple[Any, ...]:
        (x,) = ctx.saved_tensors
        grad = _unreduce(ctx, grad)
        if not (x._data == 0).any():
            return grad * _unreduce(ctx, ctx.saved_result()) / x, None, None
        return grad * _products_of_others(x, ctx.axes), None, None


def _products_of_others(x: Tensor, axes: tuple[int, ...]) -> Tensor:
    """For each element, the product of the other elements of its slice over ``axes``
    (one axis, or all of them): the derivative of the slice's product by that element.

    It is the product of the elements before it times the product of those after
    it; unlike ``product / x`` this holds with zeros, and so does its own gradient.
    """
    if len(axes) == 1:
        line, dim = x, axes[0]
    else:
        line, dim = x.reshape(-1), 0
    before = _exclusive_cumprod(line, dim)
    after = _exclusive_cumprod(line.flip(dim), dim).flip(dim)
    return (before * after).reshape(x.shape)


def prod(
    input: Tensor, dim: int | None = None, keepdim: bool = False, *, dtype: Any = None
) -> Tensor:
    """Product of the elements along ``dim`` (one int), or of all of them.

    Integer and bool inputs give int64 unless ``dtype`` is given. The gradient is
    exact with zeros in the input, double backward included.

    Shapes: ``(*)`` -> the input shape without ``dim`` (kept as size 1 if ``keepdim``).

    Examples:
        >>> import neurarust as nr
        >>> nr.tensor([[1.0, 2.0], [3.0, 4.0]]).prod(1)
        tensor([ 2., 12.])
    """
    input = _accumulate_as(input, dtype)
    axes = _axes(None if dim is None else _one_dim(dim, input, "prod"), input, "prod")
    return Prod.apply(input, axes, keepdim)


# -- extrema ----------------------------------------------------------------------------


def _tie_share(values: Any, extremum: Any, axes: tuple[int, ...], xp: Any) -> Any:
    """1/k at each of the k entries of ``values`` equal to their slice's ``extremum``
    (nan counts as equal to nan), 0 elsewhere: how PyTorch splits an extremum's gradient."""
    hit = (values == extremum) | (xp.isnan(values) & xp.isnan(extremum))
    return (hit / hit.sum(axis=axes, keepdims=True)).astype(values.dtype)


def _arg_extreme(data: Any, xp: Any, dim: int, largest: bool) -> Any:
    """Index (int64) of the first largest or smallest entry along ``dim``, kept as size 1.

    A nan counts as the extreme, as in PyTorch.
    """
    find = xp.argmax if largest else xp.argmin
    return find(data, axis=dim, keepdims=True).astype("int64", copy=False)


def _one_hot(xp: Any, index: Any, dim: int, size: int, dtype: Any) -> Any:
    """1 at ``index`` (a keepdim index array) along ``dim`` of length ``size``, else 0."""
    positions = xp.arange(size).reshape([-1 if i == dim else 1 for i in range(index.ndim)])
    return (positions == index).astype(dtype)


class Extremum(Function):
    """amax/amin over ``axes``; the gradient is shared evenly among tied extrema."""

    saves_result = True

    @staticmethod
    def forward(ctx: Any, a: Tensor, axes: tuple[int, ...], keepdim: bool, largest: bool) -> Any:
        _remember(ctx, a, axes, keepdim)
        ctx.save_for_backward(a)
        reduce = a._data.max if largest else a._data.min
        return reduce(axis=axes, keepdims=keepdim)

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple[Any, ...]:
        (x,) = ctx.saved_tensors
        result = _unreduce(ctx, ctx.saved_result())._data
        share = _tie_share(x._data, result, ctx.axes, x.backend.xp)
        return _unreduce(ctx, grad) * _constant(x, share), None, None, None


class ExtremumAlongDim(Function):
    """max/min along one dim with the indices; the gradient goes to the indexed entry."""

    @staticmethod
    def forward(ctx: Any, a: Tensor, dim: int, keepdim: bool, largest: bool) -> Any:
        data = _at_least_1d(a._data)
        index = _arg_extreme(data, a.backend.xp, dim, largest)
        values = a.backend.xp.take_along_axis(data, index, axis=dim)
        ctx.shape, ctx.dim, ctx.index = a._data.shape, dim, index
        out_shape = _reduced_shape(a._data.shape, (dim,), keepdim)
        return values.reshape(out_shape), index.reshape(out_shape)

    @staticmethod
    def backward(ctx: Any, grad: Tensor, _grad_indices: Any) -> tuple[Any, ...]:
        index = ctx.index
        size = 1 if not ctx.shape else ctx.shape[ctx.dim]
        hot = _one_hot(grad.backend.xp, index, ctx.dim, size, grad._data.dtype)
        grad_input = grad.reshape(index.shape) * _constant(grad, hot)
        return grad_input.reshape(ctx.shape), None, None, None


def _extremum(op: str, input: Tensor, dim: Any, keepdim: bool, other: Any, largest: bool) -> Any:
    """The three forms of ``max``/``min``: whole tensor, along ``dim``, or elementwise."""
    if other is not None or isinstance(dim, Tensor):
        other = dim if other is None else other
        return (elementwise.maximum if largest else elementwise.minimum)(input, other)
    if dim is None:
        axes = tuple(range(input.ndim))
        _check_nonempty(input._data, axes, op, dim_given=False)
        return Extremum.apply(input, axes, False, largest)
    axis = _one_dim(dim, input, op)
    _check_nonempty(_at_least_1d(input._data), (axis,), op, dim_given=True)
    values, indices = ExtremumAlongDim.apply(input, axis, keepdim, largest)
    return (return_types.max if largest else return_types.min)(values, indices)


def max(  # noqa: A001
    input: Tensor, dim: Any = None, keepdim: bool = False, *, other: Tensor | None = None
) -> Any:
    """The largest element, or the largest along ``dim`` with its indices.

    Three forms, as in PyTorch:

    - ``max(input)``: a 0-d tensor (RuntimeError for an empty input); the gradient
      is shared evenly among tied maxima.
    - ``max(input, dim, keepdim=False)``: a named tuple ``(values, indices)``,
      indices int64 (the first maximum); the gradient goes to that entry only.
    - ``max(input, other)`` (``other`` a tensor, positional or keyword):
      :func:`maximum`, elementwise.

    Shapes: ``(*)`` -> ``()``; or the input shape without ``dim`` (size 1 if ``keepdim``).

    Examples:
        >>> import neurarust as nr
        >>> nr.tensor([[1.0, 5.0], [4.0, 2.0]]).max(dim=1).indices
        tensor([1, 0])
    """
    return _extremum("max", input, dim, keepdim, other, largest=True)


def min(  # noqa: A001
    input: Tensor, dim: Any = None, keepdim: bool = False, *, other: Tensor | None = None
) -> Any:
    """The smallest element, or the smallest along ``dim`` with its indices.

    The same three forms as :func:`max`: ``min(input)``, ``min(input, dim,
    keepdim)`` -> ``(values, indices)``, and ``min(input, other)`` -> :func:`minimum`.

    Examples:
        >>> import neurarust as nr
        >>> nr.tensor([[1.0, 5.0], [4.0, 2.0]]).min(dim=0).values
        tensor([1., 2.])
    """
    return _extremum("min", input, dim, keepdim, other, largest=False)


def _amax_amin(op: str, input: Tensor, dim: Any, keepdim: bool, largest: bool) -> Tensor:
    axes = _axes(dim, input, op)
    given = dim is not None and not (isinstance(dim, (tuple, list)) and not dim)
    _check_nonempty(input._data, axes, op, dim_given=given)
    return Extremum.apply(input, axes, keepdim, largest)


def amax(input: Tensor, dim: Any = (), keepdim: bool = False) -> Tensor:
    """The largest values over ``dim`` (an int or a tuple; ``()`` for all dimensions).

    Unlike ``max``, returns no indices and shares the gradient evenly among ties.

    Shapes: ``(*)`` -> the input shape without ``dim`` (kept as size 1 if ``keepdim``).

    Examples:
        >>> import neurarust as nr
        >>> nr.tensor([[1.0, 5.0], [4.0, 2.0]]).amax(0)
        tensor([4., 5.])
    """
    return _amax_amin("amax", input, dim, keepdim, largest=True)


def amin(input: Tensor, dim: Any = (), keepdim: bool = False) -> Tensor:
    """The smallest values over ``dim`` (an int or a tuple; ``()`` for all dimensions).

    Examples:
        >>> import neurarust as nr
        >>> nr.tensor([[1.0, 5.0], [4.0, 2.0]]).amin(1)
        tensor([1., 2.])
    """
    return _amax_amin("amin", input, dim, keepdim, largest=False)


class ArgExtremum(Function):
    """Indices (int64) of the first maxima or minima along ``axis``, or into the
    flattened input when ``axis`` is None. Not differentiable; a Function so that
    tracing (ONNX export) sees it."""

    @staticmethod
    def forward(ctx: Any, a: Tensor, axis: int | None, keepdim: bool, largest: bool) -> Any:
        xp, data = a.backend.xp, a._data
        if axis is None:  # the index into the flattened tensor
            index = _arg_extreme(data.reshape(-1), xp, 0, largest)
            return index.reshape((1,) * data.ndim if keepdim else ())
        index = _arg_extreme(_at_least_1d(data), xp, axis, largest)
        return index.reshape(_reduced_shape(data.shape, (axis,), keepdim))


def _arg(op: str, input: Tensor, dim: int | None, keepdim: bool, largest: bool) -> Tensor:
    if dim is None:
        if input._data.size == 0:
            raise IndexError(
                f"{op}(): Expected reduction dim to be specified for input.numel() == 0."
            )
        return ArgExtremum.apply(input, None, keepdim, largest)
    axis = _one_dim(dim, input, op)
    _check_nonempty(_at_least_1d(input._data), (axis,), op, dim_given=True)
    return ArgExtremum.apply(input, axis, keepdim, largest)


def argmax(input: Tensor, dim: int | None = None, keepdim: bool = False) -> Tensor:
    """Indices (int64) of the first maxima along ``dim``, or into the flattened input.

    Shapes: ``(*)`` -> the input shape without ``dim``; ``()`` when ``dim`` is None
    (all ones if ``keepdim``).

    Examples:
        >>> import neurarust as nr
        >>> nr.tensor([[1.0, 5.0], [4.0, 2.0]]).argmax()
        tensor(1)
    """
    return _arg("argmax", input, dim, keepdim, largest=True)


def argmin(input: Tensor, dim: int | None = None, keepdim: bool = False) -> Tensor:
    """Indices (int64) of the first minima along ``dim``, or into the flattened input.

    Examples:
        >>> import neurarust as nr
        >>> nr.tensor([[1.0, 5.0], [4.0, 2.0]]).argmin(dim=1)
        tensor([0, 1])
    """
    return _arg("argmin", input, dim, keepdim, largest=False)


# -- variance and standard deviation -----------------------------------------------------


def _variance(data: Any, axes: tuple[int, ...], keepdim: bool, dof: float) -> Any:
    """``sum((x - mean) ** 2) / dof`` over ``axes``, with ``dof`` below 0 read as 0 (the
    backward passes divide by ``dof`` as it is, as PyTorch does)."""
    centered = data - data.mean(axis=axes, keepdims=True)
    return (centered * centered).sum(axis=axes, keepdims=keepdim) / builtins.max(0, dof)


def _centered(x: Tensor, axes: tuple[int, ...]) -> Tensor:
    return x - Mean.apply(x, axes, True)


class Var(Function):
    @staticmethod
    def forward(ctx: Any, a: Tensor, axes: tuple[int, ...], keepdim: bool, dof: float) -> Any:
        _remember(ctx, a, axes, keepdim)
        ctx.save_for_backward(a)
        ctx.dof = dof
        return _variance(a._data, axes, keepdim, dof)

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple[Any, ...]:
        (x,) = ctx.saved_tensors
        return _unreduce(ctx, grad) * _centered(x, ctx.axes) / (ctx.dof / 2), None, None, None


class Std(Function):
    saves_result = True

    @staticmethod
    def forward(ctx: Any, a: Tensor, axes: tuple[int, ...], keepdim: bool, dof: float) -> Any:
        _remember(ctx, a, axes, keepdim)
        ctx.save_for_backward(a)
        ctx.dof = dof
        return a.backend.xp.sqrt(_variance(a._data, axes, keepdim, dof))

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple[Any, ...]:
        (x,) = ctx.saved_tensors
        std = _unreduce(ctx, ctx.saved_result())
        zero, nonzero = _zero_masks(std)  # PyTorch's gradient is 0 where std is 0
        scale = _unreduce(ctx, grad) / ((std + zero) * ctx.dof) * nonzero
        return scale * _centered(x, ctx.axes), None, None, None


def _var_args(
    op: str, input: Tensor, dim: Any, unbiased: bool | None, correction: Any
) -> tuple[tuple[int, ...], float]:
    """The axes and degrees of freedom (N - correction) of var/std."""
    _require_float(input, op)
    if isinstance(dim, bool):  # var(input, unbiased): the old signature
        dim, unbiased = None, dim
    if unbiased is not None and correction is not None:
        raise TypeError(f"{op}(): pass either unbiased or correction, not both")
    if correction is None:
        correction = 0 if unbiased is False else 1
    axes = _axes(dim, input, op)
    dof = math.prod(input._data.shape[i] for i in axes) - correction
    if dof <= 0:
        warnings.warn(
            f"{op}(): degrees of freedom is <= 0. Correction should be strictly less than "
            "the reduction factor (input numel divided by output numel).",
            stacklevel=3,
        )
    return axes, dof


def var(
    input: Tensor,
    dim: Any = None,
    unbiased: bool | None = None,
    keepdim: bool = False,
    *,
    correction: float | None = None,
) -> Tensor:
    """Variance over ``dim``: ``sum((x - mean)**2) / (N - correction)``.

    ``correction`` defaults to 1 (Bessel's correction); ``unbiased=False`` means
    ``correction=0``. ``var(input, unbiased)`` (a bool second argument) is accepted
    as in PyTorch. With ``N - correction <= 0`` the result is nan or inf.

    Shapes: ``(*)`` -> the input shape without ``dim`` (kept as size 1 if ``keepdim``).

    Examples:
        >>> import neurarust as nr
        >>> nr.tensor([1.0, 2.0, 3.0, 4.0]).var()
        tensor(1.6667)
    """
    axes, dof = _var_args("var", input, dim, unbiased, correction)
    return Var.apply(input, axes, keepdim, dof)


def std(
    input: Tensor,
    dim: Any = None,
    unbiased: bool | None = None,
    keepdim: bool = False,
    *,
    correction: float | None = None,
) -> Tensor:
    """Standard deviation over ``dim``: the square root of :func:`var` (same arguments).

    Its gradient is 0 where the standard deviation is 0, as in PyTorch.

    Examples:
        >>> import neurarust as nr
        >>> nr.tensor([[1.0, 3.0], [2.0, 2.0]]).std(dim=1, correction=0)
        tensor([1., 0.])
    """
    axes, dof = _var_args("std", input, dim, unbiased, correction)
    return Std.apply(input, axes, keepdim, dof)


def var_mean(
    input: Tensor,
    dim: Any = None,
    unbiased: bool | None = None,
    keepdim: bool = False,
    *,
    correction: float | None = None,
) -> tuple[Tensor, Tensor]:
    """``(var(input, ...), mean(input, ...))`` with the same arguments as :func:`var`.

    Examples:
        >>> import neurarust as nr
        >>> nr.var_mean(nr.tensor([1.0, 2.0, 3.0]))
        (tensor(1.), tensor(2.))
    """
    axes, dof = _var_args("var_mean", input, dim, unbiased, correction)
    return Var.apply(input, axes, keepdim, dof), Mean.apply(input, axes, keepdim)


def std_mean(
    input: Tensor,
    dim: Any = None,
    unbiased: bool | None = None,
    keepdim: bool = False,
    *,
    correction: float | None = None,
) -> tuple[Tensor, Tensor]:
    """``(std(input, ...), mean(input, ...))`` with the same arguments as :func:`var`.

    Examples:
        >>> import neurarust as nr
        >>> nr.std_mean(nr.tensor([1.0, 2.0, 3.0]))
        (tensor(1.), tensor(2.))
    """
    axes, dof = _var_args("std_mean", input, dim, unbiased, correction)
    return Std.apply(input, axes, keepdim, dof), Mean.apply(input, axes, keepdim)


# -- norms -------------------------------------------------------------------------------


def _norm_order(p: Any, dim: Any) -> float:
    """``p`` of :func:`norm` as a number ('fro' is 2)."""
    if not isinstance(p, str):
        return float(p)
    if p == "fro":
        if isinstance(dim, (tuple, list)) and len(dim) > 2:
            raise RuntimeError(
                f"norm(): p='fro' expects dim to be an int or a 2-tuple, got {tuple(dim)}"
            )
        return 2.0
    raise RuntimeError(f"norm(): order {p!r} is not supported; expected a number, 'fro' or 'nuc'")


class Norm(Function):
    saves_result = True

    @staticmethod
    def forward(ctx: Any, a: Tensor, p: float, axes: tuple[int, ...], keepdim: bool) -> Any:
        _remember(ctx, a, axes, keepdim)
        ctx.save_for_backward(a)
        ctx.p = p
        xp, data = a.backend.xp, a._data
        if p == 0:  # the number of nonzero entries
            return (data != 0).sum(axis=axes, keepdims=keepdim).astype(data.dtype)
        size = xp.abs(data)
        if p == math.inf:
            return size.max(axis=axes, keepdims=keepdim)
        if p == -math.inf:
            return size.min(axis=axes, keepdims=keepdim)
        if p == 1:
            return size.sum(axis=axes, keepdims=keepdim)
        if p == 2:
            return xp.sqrt((data * data).sum(axis=axes, keepdims=keepdim))
        return (size**p).sum(axis=axes, keepdims=keepdim) ** (1 / p)

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple[Any, ...]:
        (x,) = ctx.saved_tensors
        xp, data, p = x.backend.xp, x._data, ctx.p
        if p == 0:
            return _constant(x, xp.zeros_like(data)), None, None, None
        grad = _unreduce(ctx, grad)
        sign = xp.sign(data)
        if p in (math.inf, -math.inf):
            norm = _unreduce(ctx, ctx.saved_result())._data
            share = _tie_share(xp.abs(data), norm, ctx.axes, xp)
            return grad * _constant(x, sign * share), None, None, None
        if p == 1:
            return grad * _constant(x, sign), None, None, None
        norm = _unreduce(ctx, ctx.saved_result())
        norm_zero, norm_nonzero = _zero_masks(norm)  # PyTorch's gradient is 0 where norm is 0
        if p == 2:
            return grad * x / (norm + norm_zero) * norm_nonzero, None, None, None
        x_zero, _ = _zero_masks(x)
        signs = _constant(x, sign)
        size = x * signs + x_zero  # |x|, with 1 standing in for 0 so the power stays finite
        scale = (norm + norm_zero) ** (1 - p) * norm_nonzero
        return grad * signs * size ** (p - 1) * scale, None, None, None


def norm(
    input: Tensor, p: Any = "fro", dim: Any = None, keepdim: bool = False, *, dtype: Any = None
) -> Tensor:
    """The vector ``p``-norm over ``dim``: ``sum(|x| ** p) ** (1 / p)``.

    ``p`` is a number (``inf``: largest ``|x|``, ``-inf``: smallest, ``0``: number of
    nonzero entries), ``'fro'`` (the 2-norm; ``dim`` at most 2 dims) or ``'nuc'``
    (the nuclear norm of the matrices over the 2 dims of ``dim``; see
    :func:`neurarust.linalg.matrix_norm`). ``dtype``
    converts the (floating point) input first. The gradient is 0 where the norm is
    0, as in PyTorch.

    Shapes: ``(*)`` -> the input shape without ``dim`` (kept as size 1 if ``keepdim``).

    Examples:
        >>> import neurarust as nr
        >>> nr.tensor([[3.0, 4.0], [1.0, -1.0]]).norm(p=1, dim=1)
        tensor([7., 2.])
    """
    if isinstance(p, str) and p == "nuc":  # the sum of singular values: a matrix norm
        from .decompositions import linalg_matrix_norm  # (it imports this module)

        dims = (0, 1) if dim is None else dim
        return linalg_matrix_norm(input, "nuc", dims, keepdim, dtype=dtype)
    order = _norm_order(p, dim)
    _require_float(input, "norm")
    input = _cast(input, dtype)
    axes = _axes(dim, input, "norm")
    if order in (math.inf, -math.inf) and builtins.any(input.shape[i] == 0 for i in axes):
        raise RuntimeError(
            f"norm(): cannot compute the {order} norm over an empty dimension "
            "(the operation has no identity)"
        )
    return Norm.apply(input, order, axes, keepdim)


# -- all, any -------------------------------------------------------------------------------


class AllAny(Function):
    """Whether all (``op="all"``) or any elements over ``axes`` are nonzero. Not
    differentiable; a Function so that tracing (ONNX export) sees it."""

    @staticmethod
    def forward(ctx: Any, a: Tensor, axes: tuple[int, ...], keepdim: bool, op: str) -> Any:
        data = a._data
        reduce = data.all if op == "all" else data.any
        out = a.backend.xp.asarray(reduce(axis=axes, keepdims=keepdim))
        return out.astype("uint8") if data.dtype == "uint8" else out  # PyTorch keeps uint8


def _all_any(op: str, input: Tensor, dim: Any, keepdim: bool) -> Tensor:
    axes = _axes(dim, input, op, empty_means_all=False)
    return AllAny.apply(input, axes, keepdim, op)


def all(input: Tensor, dim: Any = None, keepdim: bool = False) -> Tensor:  # noqa: A001
    """Whether every element over ``dim`` is nonzero (None: all dims; ``()``: none).

    Returns bool (uint8 for a uint8 input, as in PyTorch); not differentiable.

    Examples:
        >>> import neurarust as nr
        >>> nr.tensor([[1, 0], [2, 3]]).all(dim=1)
        tensor([False,  True])
    """
    return _all_any("all", input, dim, keepdim)


def any(input: Tensor, dim: Any = None, keepdim: bool = False) -> Tensor:  # noqa: A001
    """Whether some element over ``dim`` is nonzero (None: all dims; ``()``: none).

    Returns bool (uint8 for a uint8 input, as in PyTorch); not differentiable.

    Examples:
        >>> import neurarust as nr
        >>> nr.tensor([[1, 0], [0, 0]]).any(dim=1)
        tensor([ True, False])
    """
    return _all_any("any", input, dim, keepdim)


# -- cumulative sums and products ------------------------------------------------------------


class CumSum(Function):
    """Running sums along ``dim``; ``reverse`` sums from the end (cumsum's backward)."""

    @staticmethod
    def forward(ctx: Any, a: Tensor, dim: int, reverse: bool) -> Any:
        ctx.dim, ctx.reverse = dim, reverse
        xp, data = a.backend.xp, _at_least_1d(a._data)
        if not reverse:
            return xp.cumsum(data, axis=dim, dtype=data.dtype).reshape(a._data.shape)
        flipped = xp.cumsum(xp.flip(data, dim), axis=dim, dtype=data.dtype)
        return xp.flip(flipped, dim).reshape(a._data.shape)

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple[Any, ...]:
        return CumSum.apply(grad, ctx.dim, not ctx.reverse), None, None


class CumProd(Function):
    saves_result = True

    @staticmethod
    def forward(ctx: Any, a: Tensor, dim: int) -> Any:
        ctx.dim = dim
        ctx.save_for_backward(a)
        data = _at_least_1d(a._data)
        return a.backend.xp.cumprod(data, axis=dim, dtype=data.dtype).reshape(a._data.shape)

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple[Any, ...]:
        (x,) = ctx.saved_tensors
        dim = ctx.dim
        # d y_k / d x_i = y_k / x_i for k >= i, so the gradient is a suffix sum over k.
        suffix = CumSum.apply(grad * ctx.saved_result(), dim, True)
        if not (x._data == 0).any():
            return suffix / x, None
        # With zeros, y_k / x_i is still right where x_i != 0 (every y_k past a zero
        # is 0), and the derivative by a zero that follows another zero is 0. At the
        # first zero of a slice it is the suffix sum of grad times the running
        # product with that zero replaced by a constant 1.
        zero, nonzero = _zero_masks(x)
        zeros_so_far = x.backend.xp.cumsum(_at_least_1d(zero._data), axis=dim)
        first = zero._data * (zeros_so_far.reshape(x._data.shape) == 1)
        first_zero, other = _constant(x, first), _constant(x, 1 - first)
        product_past_zero = CumProd.apply(x * other + first_zero, dim)
        at_first_zero = first_zero * CumSum.apply(grad * product_past_zero, dim, True)
        return suffix / (x + zero) * nonzero + at_first_zero, None


def _exclusive_cumprod(x: Tensor, dim: int) -> Tensor:
    """Running products along ``dim`` that stop just before each element (1 for the first)."""
    start_shape = tuple(1 if i == dim else s for i, s in enumerate(x._data.shape))
    ones = _constant(x, x.backend.xp.ones(start_shape, dtype=x._data.dtype))
    return CumProd.apply(cat([ones, x.narrow(dim, 0, x._data.shape[dim] - 1)], dim), dim)


def cumsum(input: Tensor, dim: int, *, dtype: Any = None) -> Tensor:
    """Running sums along ``dim``: ``out[i] = input[0] + ... + input[i]``.

    Integer and bool inputs give int64 unless ``dtype`` is given.

    Shapes: ``(*)`` -> ``(*)``.

    Examples:
        >>> import neurarust as nr
        >>> nr.tensor([1, 2, 3]).cumsum(0)
        tensor([1, 3, 6])
    """
    input = _accumulate_as(input, dtype)
    return CumSum.apply(input, _one_dim(dim, input, "cumsum"), False)


def cumprod(input: Tensor, dim: int, *, dtype: Any = None) -> Tensor:
    """Running products along ``dim``: ``out[i] = input[0] * ... * input[i]``.

    Integer and bool inputs give int64 unless ``dtype`` is given. The gradient is
    exact, zeros included; so is double backward, except in a slice holding two
    zeros or more.

    Shapes: ``(*)`` -> ``(*)``.

    Examples:
        >>> import neurarust as nr
        >>> nr.tensor([1.0, 2.0, 3.0]).cumprod(0)
        tensor([1., 2., 6.])
    """
    input = _accumulate_as(input, dtype)
    return CumProd.apply(input, _one_dim(dim, input, "cumprod"))


# -- sum_to_size -------------------------------------------------------------------------------


def sum_to_size(input: Tensor, *size: Any) -> Tensor:
    """Sum ``input`` down to ``size``, which ``input`` must broadcast from.

    This is how gradients of broadcast operands are reduced. RuntimeError if
    ``size`` is not broadcastable to ``input.shape``.

    Examples:
        >>> import neurarust as nr
        >>> nr.ones(2, 3).sum_to_size(1, 3)
        tensor([[2., 2., 2.]])
    """
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = tuple(size[0])
    shape = input._data.shape
    lead = len(shape) - len(size)
    if lead < 0 or builtins.any(s != 1 and s != shape[lead + i] for i, s in enumerate(size)):
        raise RuntimeError(
            f"sum_to_size: size {list(size)} is not expandable to size {list(shape)}"
        )
    dims = tuple(range(lead)) + tuple(
        lead + i for i, s in enumerate(size) if s == 1 and shape[lead + i] != 1
    )
    if not dims:
        return input
    out = sum(input, dims, True)
    return out.reshape(size) if lead else out
