"""Gather and scatter: reading and writing a tensor at positions given by an index tensor.

The reading ops (:func:`gather`, :func:`take_along_dim`, :func:`take`,
:func:`index_select`, :func:`masked_select`) return the entries at the
positions; the writing ops (:func:`scatter`, :func:`scatter_add`,
:func:`scatter_reduce`, :func:`index_add`, :func:`index_copy`,
:func:`index_fill`, :func:`masked_fill`, :func:`masked_scatter`, :func:`put`)
return a copy of the input with values written, added or combined there.
The in-place forms (``x.scatter_(...)``) are Tensor methods.

Every op turns its index into *coordinates*: one integer array per dimension
of the tensor it reads or writes, broadcast together, naming one position per
index entry. Reading and writing at coordinates are the Functions of
:mod:`~neurarust.ops.indexing`: ``AdvancedIndex`` reads (its backward adds
the gradient back at the coordinates), ``IndexAccumulate`` adds (repeated
positions add up; its backward reads) and ``IndexPut`` writes (its backward
reads, and zeroes the overwritten positions). As they call one another in
their backward passes, gradients of any order work. :func:`scatter_reduce`
adds one Function, :class:`ScatterReduce`, whose gradients follow PyTorch's.

Indices are bounds-checked here (CuPy would not check them). A 0-d tensor is
indexed as a tensor of shape ``(1,)`` along dimension 0, as in PyTorch.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np

from ..autograd import grad_mode
from ..autograd.function import Function
from ..tensor import Tensor
from ._util import (
    as_operand,
    check_broadcastable,
    check_same_device,
    normalize_dim,
    require_tensor,
)
from .creation import zeros
from .elementwise import _checked_alpha, where
from .indexing import AdvancedIndex, IndexAccumulate, IndexPut, Steps

__all__ = [
    "gather",
    "scatter",
    "scatter_add",
    "scatter_reduce",
    "index_select",
    "index_add",
    "index_copy",
    "index_fill",
    "masked_fill",
    "masked_select",
    "masked_scatter",
    "take",
    "take_along_dim",
    "put",
    "nonzero",
    "argwhere",
    "bincount",
]


class IndexOutOfBoundsError(IndexError, RuntimeError):
    """An index outside the dimension it indexes.

    PyTorch raises IndexError for some of these ops and RuntimeError for
    others; this error is both, so code catching either one works.
    """


# -- checking indices -------------------------------------------------------------------


def _index_data(op: str, input: Tensor, index: Any, long_only: bool = False) -> Any:
    """The array of an integer ``index`` (int64, or int32 too unless ``long_only``)."""
    require_tensor(op, "index", index)
    check_same_device(op, input, index)
    name = index.dtype.name
    if name != "int64" and (long_only or name != "int32"):
        expected = "int64" if long_only else "int32/int64"
        raise RuntimeError(f"{op}(): Expected dtype {expected} for index, but got {name}")
    return index._data


def _checked(op: str, index: Any, size: int, dim: int | None, negative: bool = False) -> Any:
    """``index`` after checking every entry is in ``[0, size)``, or in ``[-size, size)``
    when ``negative`` (negative entries are then wrapped to ``size + i``).

    ``dim`` names the dimension indexed in the message; None means a flattened tensor.
    """
    if index.size == 0:
        return index
    low, high = int(index.min()), int(index.max())
    bad = high if high >= size else low if low < (-size if negative else 0) else None
    if bad is not None:
        place = f"for a tensor of {size} elements" if dim is None else f"for dimension {dim}"
        raise IndexOutOfBoundsError(
            f"{op}(): index {bad} is out of bounds {place} with size {size}"
        )
    return index % size if low < 0 else index


def _shape_1d(t: Tensor) -> tuple[int, ...]:
    """``t``'s shape, ``(1,)`` for a 0-d tensor."""
    return t.shape or (1,)


def _resized(shape: tuple[int, ...], dim: int, size: int) -> tuple[int, ...]:
    """``shape`` with ``size`` along ``dim``."""
    return tuple(shape[:dim]) + (size,) + tuple(shape[dim + 1 :])


def _as_1d(t: Tensor) -> Tensor:
    """A 0-d tensor as shape ``(1,)``, the way PyTorch indexes it; others unchanged."""
    return t.reshape(1) if t.ndim == 0 else t


def _like_input(out: Tensor, input: Tensor) -> Tensor:
    """``out`` back in the shape of a 0-d ``input`` (undoes :func:`_as_1d`)."""
    return out.reshape(()) if input.ndim == 0 else out


def _coords(xp: Any, index: Any, dim: int) -> tuple[Any, ...]:
    """Where each entry of ``index`` points: to its own value along ``dim``, and to its
    own position along every other dimension (as broadcasting ``arange`` arrays)."""
    ndim = index.ndim
    return tuple(
        index if k == dim else xp.arange(n).reshape((n,) + (1,) * (ndim - 1 - k))
        for k, n in enumerate(index.shape)
    )


def _check_along(op: str, input: Tensor, dim: int, index: Tensor, src: Any = None) -> None:
    """PyTorch's shape rules for gather and scatter: ``index`` has as many dimensions as
    ``input`` (and ``src``) and is no larger than ``src``, nor than ``input`` apart from
    ``dim``. An empty index fits any shape."""
    ndim = max(index.ndim, 1)
    for name, other in (("input", input), ("src", src)):
        if isinstance(other, Tensor) and max(other.ndim, 1) != ndim:
            raise RuntimeError(
                f"{op}(): Index tensor must have the same number of dimensions as {name} "
                f"tensor (got {index.ndim} and {other.ndim})"
            )
    if index.numel() == 0:
        return
    shape = _shape_1d(index)
    fits = all(n <= m for k, (n, m) in enumerate(zip(shape, _shape_1d(input))) if k != dim)
    if isinstance(src, Tensor):
        fits = fits and all(n <= m for n, m in zip(shape, _shape_1d(src)))
    if not fits:
        message = (
            f"{op}(): Expected index {list(index.shape)} to be no larger than input "
            f"{list(input.shape)} apart from dimension {dim}"
        )
        if isinstance(src, Tensor):
            message += f" and to be no larger than src {list(src.shape)}"
        raise RuntimeError(message)


def _cut(src: Tensor, shape: tuple[int, ...]) -> Tensor:
    """The leading ``shape`` block of ``src`` (scatter uses only that part of it)."""
    if src.shape == shape:
        return src
    if 0 in shape:
        return src.reshape(-1)[:0].reshape(shape)
    return src[tuple(slice(0, n) for n in shape)]


def _fill_value(op: str, input: Tensor, value: Any) -> Any:
    """A Python number as a 0-d array of ``input``'s dtype, cast as C casts (-1 becomes
    255 in a uint8 tensor), as PyTorch does."""
    value = as_operand(op, value)
    if isinstance(value, Tensor):
        raise TypeError(f"{op}(): expected a number as value, got a Tensor")
    dtype = input._data.dtype
    if isinstance(value, float) and not math.isfinite(value) and dtype.kind != "f":
        raise RuntimeError(
            f"{op}(): value {value} cannot be converted to type {input.dtype.name} without overflow"
        )
    return input.backend.xp.asarray(value).astype(dtype)


def _check_dtypes(op: str, input: Tensor, other: Tensor, name: str) -> None:
    check_same_device(op, input, other)
    if other.dtype is not input.dtype:
        raise RuntimeError(
            f"{op}(): Expected {name} to have the dtype of input ({input.dtype.name}), "
            f"got {other.dtype.name}"
        )


def _take(t: Tensor, steps: Steps) -> Tensor:
    """``t``'s entries at ``steps`` (differentiable)."""
    return AdvancedIndex.apply(t, steps)


def _constant(like: Tensor, array: Any) -> Tensor:
    """A tensor needing no gradient, on ``like``'s device and in its dtype."""
    return Tensor._make(array.astype(like._data.dtype, copy=False), like.device)


def _flags(like: Tensor, array: Any) -> Tensor:
    """A bool tensor (a mask) on ``like``'s device."""
    return Tensor._make(array, like.device)


# -- gather ---------------------------------------------------------------------------------


def _gather(op: str, input: Tensor, dim: int, index: Any, negative: bool = False) -> Tensor:
    """``input``'s entries at ``index`` (a checked-shape array) along ``dim``."""
    x = _as_1d(input)
    checked = _checked(
        op, index.reshape(1) if index.ndim == 0 else index, x.shape[dim], dim, negative
    )
    out = _take(x, (_coords(x.backend.xp, checked, dim),))
    return out.reshape(()) if index.ndim == 0 else out


def gather(input: Tensor, dim: int, index: Tensor, *, sparse_grad: bool = False) -> Tensor:
    """Entries of ``input`` along ``dim`` at ``index``: for ``dim=1``,
    ``out[i][j] = input[i][index[i][j]]``.

    ``index`` (int64 or int32) has as many dimensions as ``input`` and may be
    smaller than it in the other dimensions. Repeated indices add up their
    gradients. ``sparse_grad`` is accepted for compatibility; gradients are dense.

    Shapes: ``input (*)``, ``index (*)`` -> ``index``'s shape.

    Examples:
        >>> import neurarust as nr
        >>> x = nr.tensor([[1.0, 2.0], [3.0, 4.0]])
        >>> nr.gather(x, 1, nr.tensor([[1, 1], [0, 1]]))
        tensor([[2., 2.],
                [3., 4.]])
    """
    require_tensor("gather", "input", input)
    d = normalize_dim(dim, input.ndim, "gather")
    data = _index_data("gather", input, index)
    _check_along("gather", input, d, index)
    return _gather("gather", input, d, data)


def take_along_dim(input: Tensor, indices: Tensor, dim: int | None = None) -> Tensor:
    """Entries of ``input`` at ``indices`` along ``dim``, as :func:`gather`, except that
    ``input`` and ``indices`` broadcast in the other dimensions and negative indices
    count from the end. With ``dim=None`` both are flattened first.

    ``indices`` must be int64.

    Shapes: ``input`` and ``indices`` broadcast apart from ``dim``, where the
    result takes ``indices``' size; ``(indices.numel(),)`` if ``dim`` is None.

    Examples:
        >>> import neurarust as nr
        >>> x = nr.tensor([[10.0, 30.0, 20.0], [60.0, 40.0, 50.0]])
        >>> nr.take_along_dim(x, x.argmax(dim=1, keepdim=True), dim=1)
        tensor([[30.],
                [60.]])
    """
    op = "take_along_dim"
    require_tensor(op, "input", input)
    data = _index_data(op, input, indices, long_only=True)
    if dim is None:
        return _gather(op, input.reshape(-1), 0, data.reshape(-1))
    if input.ndim == 0:
        raise IndexError(f"{op}(): Dimension specified as {dim} but tensor has no dimensions")
    d = normalize_dim(dim, input.ndim, op)
    if indices.ndim != input.ndim:
        raise RuntimeError(
            f"{op}(): input and indices should have the same number of dimensions, but got "
            f"{input.ndim} dimensions for input, and {indices.ndim} dimensions for indices"
        )
    outside_dim = _resized(input.shape, d, 1), _resized(indices.shape, d, 1)
    check_broadcastable(op, *outside_dim)
    common = np.broadcast_shapes(*outside_dim)
    x = input.expand(_resized(common, d, input.shape[d]))
    index = input.backend.xp.broadcast_to(data, _resized(common, d, indices.shape[d]))
    return _gather(op, x, d, index, negative=True)


def take(input: Tensor, index: Tensor) -> Tensor:
    """Entries of ``input``, read as a flat tensor, at ``index`` (int64; negative
    entries count from the end).

    Shapes: ``input (*)``, ``index (*)`` -> ``index``'s shape.

    Examples:
        >>> import neurarust as nr
        >>> nr.take(nr.tensor([[1.0, 2.0], [3.0, 4.0]]), nr.tensor([0, -1]))
        tensor([1., 4.])
    """
    require_tensor("take", "input", input)
    data = _index_data("take", input, index, long_only=True)
    flat = input.reshape(-1)
    positions = _checked("take", data.reshape(-1), flat.shape[0], None, negative=True)
    return _take(flat, ((positions,),)).reshape(index.shape)


# -- scatter ----------------------------------------------------------------------------


def _scatter_args(op: str, input: Tensor, dim: int, index: Tensor, src: Any) -> tuple[Any, ...]:
    """Checks shared by the scatter ops. Returns ``input`` at least 1-d, the coordinates of
    ``index``'s entries in it, and the values to scatter: ``src`` cut to ``index``'s shape,
    or a number as a 0-d array of ``input``'s dtype."""
    require_tensor(op, "input", input)
    d = normalize_dim(dim, input.ndim, op)
    data = _index_data(op, input, index)
    if isinstance(src, Tensor):
        _check_dtypes(op, input, src, "src")
    _check_along(op, input, d, index, src)
    x = _as_1d(input)
    data = _checked(op, data.reshape(1) if data.ndim == 0 else data, x.shape[d], d)
    if isinstance(src, Tensor):
        values = _cut(_as_1d(src), data.shape)
    else:
        values = _fill_value(op, input, src)
    return x, (_coords(x.backend.xp, data, d),), values


_SCATTER_REDUCTIONS = {"add": "sum", "multiply": "prod"}


def scatter(
    input: Tensor,
    dim: int,
    index: Tensor,
    src: Any = None,
    value: Any = None,
    *,
    reduce: str | None = None,
) -> Tensor:
    """A copy of ``input`` with ``src`` (a tensor) or ``value`` (a number) written at
    ``index`` along ``dim``: for ``dim=0``, ``out[index[i][j]][j] = src[i][j]``.

    ``index`` (int64 or int32) has as many dimensions as ``input`` and is no
    larger than ``src``, nor than ``input`` apart from ``dim``; only the
    leading ``index``-shaped part of ``src`` is used. Where an index repeats,
    which value is written is unspecified (as in PyTorch). ``reduce="add"`` or
    ``"multiply"`` combines instead of writing (PyTorch deprecates it for
    ``src`` tensors in favour of :func:`scatter_reduce`).

    Gradients: ``input`` gets the incoming gradient with the written
    positions zeroed; ``src`` gets the gradient at the positions it was
    written to (every repeat included).

    Shapes: ``input (*)`` -> ``input``'s shape.

    Examples:
        >>> import neurarust as nr
        >>> nr.scatter(nr.zeros(2, 3), 1, nr.tensor([[2], [0]]), nr.tensor([[5.0], [7.0]]))
        tensor([[0., 0., 5.],
                [7., 0., 0.]])
        >>> nr.zeros(3).scatter(0, nr.tensor([1]), value=2.5)
        tensor([0.0000, 2.5000, 0.0000])
    """
    if src is not None and value is not None:
        raise TypeError("scatter(): got both src and value; pass one of them")
    if src is None and value is None:
        raise TypeError("scatter(): missing the values to write: pass src or value")
    src = value if src is None else src
    if reduce is not None:
        if reduce not in _SCATTER_REDUCTIONS:
            raise RuntimeError(
                f"scatter(): reduce argument must be either add or multiply, got {reduce}"
            )
        if isinstance(src, Tensor):
            warnings.warn(
                "The reduce argument of scatter with Tensor src is deprecated and will be "
                "removed in a future release. Use scatter_reduce instead for more reduction "
                "options.",
                UserWarning,
                stacklevel=2,
            )
        return _scatter_reduce("scatter", input, dim, index, src, _SCATTER_REDUCTIONS[reduce])
    x, steps, values = _scatter_args("scatter", input, dim, index, src)
    return _like_input(IndexPut.apply(x, steps, values), input)


def scatter_add(input: Tensor, dim: int, index: Tensor, src: Tensor) -> Tensor:
    """A copy of ``input`` with ``src`` added at ``index`` along ``dim``: for ``dim=0``,
    ``out[index[i][j]][j] += src[i][j]``. Repeated indices add up.

    Same rules on ``index`` and ``src`` as :func:`scatter`.

    Shapes: ``input (*)`` -> ``input``'s shape.

    Examples:
        >>> import neurarust as nr
        >>> nr.scatter_add(nr.zeros(3), 0, nr.tensor([0, 2, 0]), nr.tensor([1.0, 2.0, 3.0]))
        tensor([4., 0., 2.])
    """
    require_tensor("scatter_add", "src", src)
    x, steps, values = _scatter_args("scatter_add", input, dim, index, src)
    return _like_input(IndexAccumulate.apply(x, steps, values), input)


def _identity(reduce: str, dtype: Any) -> Any:
    """The value that ``reduce`` leaves unchanged, in ``dtype`` (the extremes for amax/amin)."""
    if reduce in ("sum", "mean"):
        return 0
    if reduce == "prod":
        return 1
    if dtype.kind == "f":
        return -math.inf if reduce == "amax" else math.inf
    if dtype.kind == "b":
        return reduce == "amin"
    info = np.iinfo(dtype)
    return info.min if reduce == "amax" else info.max


def _raw(values: Any) -> Any:
    return values._data if isinstance(values, Tensor) else values


class ScatterReduce(Function):
    """``input`` with ``src`` combined at ``steps`` by ``reduce`` (sum, prod, mean, amax,
    amin), starting from ``input``'s entries or, without ``include_self``, from nothing."""

    saves_result = True

    @staticmethod
    def forward(
        ctx: Any, input: Tensor, steps: Steps, src: Any, reduce: str, include_self: bool
    ) -> Any:
        ctx.steps, ctx.reduce, ctx.include_self = steps, reduce, include_self
        is_tensor = isinstance(src, Tensor)
        ctx.save_for_backward(input, src if is_tensor else None)
        ctx.number = None if is_tensor else src  # scatter(value=..., reduce=...)
        backend, (coords,) = input.backend, steps
        out = input._data.copy()
        if not include_self:
            out[coords] = _identity(reduce, out.dtype)
        if reduce != "mean":
            backend.scatter_reduce(out, coords, _raw(src), reduce)
            return out
        backend.scatter_add(out, coords, _raw(src))
        count = backend.xp.full(out.shape, int(include_self), dtype=np.int64)
        backend.scatter_add(count, coords, 1)
        ctx.count = backend.xp.maximum(count, 1)  # entries nothing reached keep their value
        mean = out // ctx.count if out.dtype.kind in "iu" else out / ctx.count
        return mean.astype(out.dtype, copy=False)

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple[Any, ...]:
        need_input, need_src = ctx.needs_input_grad[0], ctx.needs_input_grad[2]
        grad_input, grad_src = _REDUCE_GRADIENTS[ctx.reduce](ctx, grad, need_input, need_src)
        if need_input and not ctx.include_self:  # the reached entries did not take part
            grad_input = IndexPut.apply(grad_input, ctx.steps, 0)
        return grad_input, None, grad_src, None, None


def _sum_gradients(ctx: Any, grad: Tensor, need_input: bool, need_src: bool) -> tuple[Any, Any]:
    return (grad if need_input else None), (_take(grad, ctx.steps) if need_src else None)


def _mean_gradients(ctx: Any, grad: Tensor, need_input: bool, need_src: bool) -> tuple[Any, Any]:
    share = grad / _constant(grad, ctx.count)
    return (share if need_input else None), (_take(share, ctx.steps) if need_src else None)


def _prod_gradients(ctx: Any, grad: Tensor, need_input: bool, need_src: bool) -> tuple[Any, Any]:
    """PyTorch's exact gradients of a scattered product, zeros included.

    Each entry's gradient is the product of the other entries of its group. For an
    input entry that is the group's result divided by the entry, computed with the
    input's zeros replaced by ones. For a src entry it is ``result / entry``, except
    for the one zero of a group holding exactly one zero in src, which gets the
    group's product with that zero replaced by one.
    """
    input, src = ctx.saved_tensors
    steps, include_self = ctx.steps, ctx.include_self
    grad_input = grad_src = None
    if need_input:
        nonzero_input = masked_fill(input, _flags(input, input._data == 0), 1)
        values = ctx.number if src is None else src
        product = ScatterReduce.apply(nonzero_input, steps, values, "prod", include_self)
        grad_input = grad * product / nonzero_input
    if need_src:
        is_zero = src._data == 0
        zeros_in_group = src.backend.xp.zeros(input.shape, dtype=np.int64)
        src.backend.scatter_add(zeros_in_group, steps[0], is_zero.astype(np.int64))
        zeros_in_group = zeros_in_group[steps[0]]
        lone_zero = _flags(src, is_zero & (zeros_in_group == 1))
        without_it = masked_fill(src, lone_zero, 1)
        others = ScatterReduce.apply(input, steps, without_it, "prod", include_self)
        divisor = masked_fill(src, _flags(src, is_zero), 1)
        result = ctx.saved_result()
        grad_src = where(
            lone_zero, _take(grad * others, steps), _take(grad * result, steps) / divisor
        )
        if (zeros_in_group > 1).any() and grad_mode.is_grad_enabled():
            grad_src = _FirstOrderOnly.apply(grad_src)
    return grad_input, grad_src


def _extremum_gradients(
    ctx: Any, grad: Tensor, need_input: bool, need_src: bool
) -> tuple[Any, Any]:
    """amax/amin: the gradient is shared evenly among the entries equal to the result.

    As in PyTorch, an input entry equal to the result counts in the sharing even
    without ``include_self`` (its share is then dropped).
    """
    input, src = ctx.saved_tensors
    result, (coords,) = ctx.saved_result()._data, ctx.steps
    input_hits = (input._data == result).astype(grad._data.dtype)
    src_hits = (src._data == result[coords]).astype(grad._data.dtype)
    count = input_hits.copy()
    input.backend.scatter_add(count, coords, src_hits)
    share = grad / _constant(grad, count)
    grad_input = share * _constant(grad, input_hits) if need_input else None
    grad_src = _take(share, ctx.steps) * _constant(grad, src_hits) if need_src else None
    return grad_input, grad_src


_REDUCE_GRADIENTS = {
    "sum": _sum_gradients,
    "mean": _mean_gradients,
    "prod": _prod_gradients,
    "amax": _extremum_gradients,
    "amin": _extremum_gradients,
}

_DOUBLE_BACKWARD_OF_ZEROS = (
    "scatter_reduce(): Double backward is unsupported for src when more than one zero in src "
    "is scattered to the same position"
)


class _FirstOrderOnly(Function):
    """Passes a gradient on unchanged; differentiating it again raises (PyTorch's
    ``DelayedError``): used where a first derivative is exact but its derivative is not."""

    @staticmethod
    def forward(ctx: Any, grad: Tensor) -> Any:
        return grad._data

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> Any:
        raise RuntimeError(_DOUBLE_BACKWARD_OF_ZEROS)


def _scatter_reduce(
    op: str,
    input: Tensor,
    dim: int,
    index: Tensor,
    src: Any,
    reduce: str,
    include_self: bool = True,
) -> Tensor:
    x, steps, values = _scatter_args(op, input, dim, index, src)
    if reduce == "mean" and input.dtype.name == "bool":
        raise NotImplementedError(f"{op}(): reduce 'mean' is not implemented for bool tensors")
    return _like_input(ScatterReduce.apply(x, steps, values, reduce, include_self), input)


def scatter_reduce(
    input: Tensor, dim: int, index: Tensor, src: Tensor, reduce: str, *, include_self: bool = True
) -> Tensor:
    """A copy of ``input`` with ``src`` combined at ``index`` along ``dim`` by ``reduce``:
    ``"sum"``, ``"prod"``, ``"mean"``, ``"amax"`` or ``"amin"``.

    Each reached entry of ``input`` becomes the reduction of the ``src`` values
    sent to it, together with its own value if ``include_self`` (the default).
    Integer means round down, as in PyTorch. Same rules on ``index`` and
    ``src`` as :func:`scatter`.

    Gradients (as PyTorch's): amax/amin share the gradient evenly among the
    entries equal to the result; prod is exact with zeros (its double backward
    raises when two zeros of src reach one position); an input entry that is
    reached without ``include_self`` gets no gradient.

    Shapes: ``input (*)`` -> ``input``'s shape.

    Examples:
        >>> import neurarust as nr
        >>> src = nr.tensor([1.0, 5.0, 2.0, 4.0])
        >>> nr.scatter_reduce(nr.zeros(2), 0, nr.tensor([0, 0, 1, 1]), src, "amax")
        tensor([5., 4.])
        >>> index = nr.tensor([0, 0, 1, 1])
        >>> nr.scatter_reduce(nr.ones(2), 0, index, src, "mean", include_self=False)
        tensor([3., 3.])
    """
    if reduce not in _REDUCE_GRADIENTS:
        raise RuntimeError(
            "scatter_reduce(): reduce argument must be either sum, prod, mean, amax or amin, "
            f"got {reduce}"
        )
    require_tensor("scatter_reduce", "src", src)
    return _scatter_reduce("scatter_reduce", input, dim, index, src, reduce, include_self)


# -- index_* ----------------------------------------------------------------------------


def _index_args(
    op: str, input: Tensor, dim: int, index: Tensor, long_only: bool, negative: bool = False
) -> tuple[Tensor, int, tuple[Any, ...]]:
    """Checks shared by the index_* ops. Returns ``input`` at least 1-d, ``dim``, and the
    coordinates selecting the entries ``index`` (a vector or a 0-d tensor) names along it."""
    require_tensor(op, "input", input)
    d = normalize_dim(dim, input.ndim, op)
    data = _index_data(op, input, index, long_only)
    if data.ndim > 1:
        raise IndexError(
            f"{op}(): Index is supposed to be a vector, but got {data.ndim} dimensions "
            f"(shape {list(index.shape)})"
        )
    x = _as_1d(input)
    data = _checked(op, data.reshape(-1), x.shape[d], d, negative)
    return x, d, (slice(None),) * d + (data,)


def _check_source(op: str, x: Tensor, dim: int, coords: tuple[Any, ...], source: Any) -> Tensor:
    """``source`` (at least 1-d), checked to have ``x``'s dtype and shape, except for the
    number of indices along ``dim``."""
    require_tensor(op, "source", source)
    _check_dtypes(op, x, source, "source")
    src = _as_1d(source)
    expected = _resized(x.shape, dim, coords[-1].size)
    if src.shape != expected:
        raise RuntimeError(
            f"{op}(): Expected source of shape {list(expected)} (the input's shape with "
            f"{coords[-1].size} entries, one per index, along dimension {dim}), got "
            f"{list(source.shape)}"
        )
    return src


def index_select(input: Tensor, dim: int, index: Tensor) -> Tensor:
    """The slices of ``input`` along ``dim`` at ``index`` (a vector of int64 or int32).

    Shapes: ``input (*)`` -> ``input``'s shape with ``len(index)`` along ``dim``.

    Examples:
        >>> import neurarust as nr
        >>> x = nr.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
        >>> nr.index_select(x, 1, nr.tensor([2, 0, 2]))
        tensor([[3., 1., 3.],
                [6., 4., 6.]])
    """
    x, _, coords = _index_args("index_select", input, dim, index, long_only=False)
    if input.ndim == 0 and coords[-1].size != 1:
        raise RuntimeError(
            f"index_select(): Index to scalar can have only 1 value, got {coords[-1].size} value(s)"
        )
    return _like_input(_take(x, (coords,)), input)


def index_add(input: Tensor, dim: int, index: Tensor, source: Tensor, *, alpha: Any = 1) -> Tensor:
    """A copy of ``input`` with ``alpha * source`` added to its slices along ``dim`` at
    ``index`` (a vector of int64 or int32). Repeated indices add up.

    Shapes: ``input (*)``; ``source`` is ``input``'s shape with ``len(index)``
    along ``dim``; the result has ``input``'s shape.

    Examples:
        >>> import neurarust as nr
        >>> nr.index_add(nr.zeros(2, 3), 1, nr.tensor([0, 0]), nr.ones(2, 2), alpha=2)
        tensor([[4., 0., 0.],
                [4., 0., 0.]])
    """
    x, d, coords = _index_args("index_add", input, dim, index, long_only=False)
    src = _check_source("index_add", x, d, coords, source)
    if alpha != 1:
        src = src * _checked_alpha("index_add", input, source, alpha)
    return _like_input(IndexAccumulate.apply(x, (coords,), src), input)


def index_copy(input: Tensor, dim: int, index: Tensor, source: Tensor) -> Tensor:
    """A copy of ``input`` with its slices along ``dim`` at ``index`` (a vector of int64)
    replaced by the slices of ``source``, in order. Where an index repeats, which slice
    is written is unspecified (as in PyTorch).

    Shapes: as :func:`index_add`.

    Examples:
        >>> import neurarust as nr
        >>> nr.index_copy(nr.zeros(3, 2), 0, nr.tensor([2, 0]), nr.tensor([[1.0, 2.0], [3.0, 4.0]]))
        tensor([[3., 4.],
                [0., 0.],
                [1., 2.]])
    """
    x, d, coords = _index_args("index_copy", input, dim, index, long_only=True)
    src = _check_source("index_copy", x, d, coords, source)
    return _like_input(IndexPut.apply(x, (coords,), src), input)


def _value_tensor(op: str, input: Tensor, value: Tensor) -> Tensor:
    """A 0-d tensor ``value`` in ``input``'s dtype (differentiably, between floats)."""
    check_same_device(op, input, value)
    if value.ndim != 0:
        raise RuntimeError(
            f"{op}() only supports a 0-dimensional value tensor, but got tensor with "
            f"{value.ndim} dimension(s)."
        )
    return value.to(input.dtype)


def index_fill(input: Tensor, dim: int, index: Tensor, value: Any) -> Tensor:
    """A copy of ``input`` with its slices along ``dim`` at ``index`` (a vector of int64;
    negative entries count from the end) set to ``value``: a number, or a 0-d tensor,
    which then gets the gradient of every entry it filled.

    Shapes: ``input (*)`` -> ``input``'s shape.

    Examples:
        >>> import neurarust as nr
        >>> nr.index_fill(nr.zeros(2, 3), 1, nr.tensor([0, -1]), 7.0)
        tensor([[7., 0., 7.],
                [7., 0., 7.]])
    """
    x, _, coords = _index_args("index_fill", input, dim, index, long_only=True, negative=True)
    # Each slice once, so that a tensor value gets each filled entry's gradient once.
    coords = coords[:-1] + (x.backend.xp.unique(coords[-1]),)
    if isinstance(value, Tensor):
        fill = _value_tensor("index_fill", input, value)
    else:
        fill = _fill_value("index_fill", input, value)
    return _like_input(IndexPut.apply(x, (coords,), fill), input)


# -- masked_* ---------------------------------------------------------------------------


def _mask_args(op: str, input: Tensor, mask: Tensor) -> tuple[int, ...]:
    """The shape ``input`` and a bool ``mask`` broadcast to, after checking them."""
    require_tensor(op, "input", input)
    require_tensor(op, "mask", mask)
    check_same_device(op, input, mask)
    if mask.dtype.name != "bool":
        raise RuntimeError(f"{op}(): Expected a bool mask, got a mask of dtype {mask.dtype.name}")
    check_broadcastable(op, mask.shape, input.shape)
    return tuple(np.broadcast_shapes(mask.shape, input.shape))


def _masked_coords(input: Tensor, mask: Tensor, shape: tuple[int, ...]) -> tuple[Tensor, Any]:
    """``input`` broadcast to ``shape`` (at least 1-d) and the coordinates of ``mask``'s
    True entries in it, in row-major order."""
    x = input if input.shape == shape else input.expand(shape)
    flags = mask.backend.xp.broadcast_to(mask._data, shape)
    if not shape:
        x, flags = x.reshape(1), flags.reshape(1)
    return x, mask.backend.xp.nonzero(flags)


def masked_fill(input: Tensor, mask: Tensor, value: Any) -> Tensor:
    """A copy of ``input`` with ``value`` where the bool ``mask`` is True.

    ``mask`` broadcasts with ``input``. ``value`` is a number or a 0-d tensor
    (converted to ``input``'s dtype), which then gets the gradient of every
    entry it filled.

    Shapes: ``input`` and ``mask`` broadcast; the result has the broadcast shape.

    Examples:
        >>> import neurarust as nr
        >>> x = nr.tensor([[1.0, -2.0], [-3.0, 4.0]])
        >>> nr.masked_fill(x, x < 0, 0.0)
        tensor([[1., 0.],
                [0., 4.]])
    """
    _mask_args("masked_fill", input, mask)
    if isinstance(value, Tensor):
        fill = _value_tensor("masked_fill", input, value)
    else:
        fill = Tensor._make(_fill_value("masked_fill", input, value), input.device)
    return where(mask, fill, input)


def masked_select(input: Tensor, mask: Tensor) -> Tensor:
    """The entries of ``input`` where the bool ``mask`` is True, in row-major order.

    Shapes: ``input`` and ``mask`` broadcast; the result is 1-d, one entry per True.

    Examples:
        >>> import neurarust as nr
        >>> x = nr.tensor([[1.0, -2.0], [-3.0, 4.0]])
        >>> nr.masked_select(x, x > 0)
        tensor([1., 4.])
    """
    shape = _mask_args("masked_select", input, mask)
    x, coords = _masked_coords(input, mask, shape)
    return _take(x, (coords,))


def masked_scatter(input: Tensor, mask: Tensor, source: Tensor) -> Tensor:
    """A copy of ``input`` with the entries where the bool ``mask`` is True replaced, in
    row-major order, by the first entries of ``source`` (read as a flat tensor).

    Shapes: ``input`` and ``mask`` broadcast; the result has the broadcast shape;
    ``source`` has at least as many entries as ``mask`` has True ones.

    Examples:
        >>> import neurarust as nr
        >>> mask = nr.tensor([[True, False], [False, True]])
        >>> nr.masked_scatter(nr.zeros(2, 2), mask, nr.tensor([5.0, 6.0, 7.0]))
        tensor([[5., 0.],
                [0., 6.]])
    """
    shape = _mask_args("masked_scatter", input, mask)
    require_tensor("masked_scatter", "source", source)
    _check_dtypes("masked_scatter", input, source, "source")
    x, coords = _masked_coords(input, mask, shape)
    count = coords[0].size
    if source.numel() < count:
        raise RuntimeError(
            f"masked_scatter(): Number of elements of source ({source.numel()}) < number of "
            f"ones in mask ({count})"
        )
    values = source.reshape(-1)[:count]
    return IndexPut.apply(x, (coords,), values).reshape(shape)


# -- put --------------------------------------------------------------------------------


def put(input: Tensor, index: Tensor, source: Tensor, accumulate: bool = False) -> Tensor:
    """A copy of ``input``, read as a flat tensor, with ``source``'s entries written at
    ``index`` (int64; negative entries count from the end), or added if ``accumulate``
    (repeated indices then add up).

    Shapes: ``input (*)``; ``index`` and ``source`` have the same number of
    entries; the result has ``input``'s shape.

    Examples:
        >>> import neurarust as nr
        >>> index, source = nr.tensor([0, -1, 0]), nr.tensor([1.0, 2.0, 3.0])
        >>> nr.put(nr.zeros(2, 2), index, source, accumulate=True)
        tensor([[4., 0.],
                [0., 2.]])
    """
    require_tensor("put", "input", input)
    data = _index_data("put", input, index, long_only=True)
    require_tensor("put", "source", source)
    _check_dtypes("put", input, source, "source")
    if source.numel() != index.numel():
        raise IndexError(
            "put(): Expected source and index to have the same number of elements, but got "
            f"source.numel() = {source.numel()}, index.numel() = {index.numel()}"
        )
    flat = input.reshape(-1)
    positions = _checked("put", data.reshape(-1), flat.shape[0], None, negative=True)
    op = IndexAccumulate if accumulate else IndexPut
    return op.apply(flat, ((positions,),), source.reshape(-1)).reshape(input.shape)


# -- finding and counting ----------------------------------------------------------------


def nonzero(input: Tensor, *, as_tuple: bool = False) -> Any:
    """The indices (int64) of the nonzero entries of ``input``, in row-major order.

    Shapes: ``(*)`` -> ``(n, input.ndim)`` for ``n`` nonzero entries; with
    ``as_tuple=True``, a tuple of ``input.ndim`` tensors of shape ``(n,)`` (one
    for a 0-d input).

    Examples:
        >>> import neurarust as nr
        >>> nr.nonzero(nr.tensor([[0, 3], [5, 0]]))
        tensor([[0, 1],
                [1, 0]])
        >>> nr.nonzero(nr.tensor([0.0, 2.0, 4.0]), as_tuple=True)
        (tensor([1, 2]),)
    """
    require_tensor("nonzero", "input", input)
    data, xp = input._data, input.backend.xp
    if as_tuple:
        found = xp.nonzero(data if data.ndim else data.reshape(1))
        return tuple(Tensor._make(i.astype(np.int64, copy=False), input.device) for i in found)
    return Tensor._make(xp.argwhere(data).astype(np.int64, copy=False), input.device)


def argwhere(input: Tensor) -> Tensor:
    """The indices (int64) of the nonzero entries of ``input``: ``nonzero(input)``.

    Shapes: ``(*)`` -> ``(n, input.ndim)`` for ``n`` nonzero entries.

    Examples:
        >>> import neurarust as nr
        >>> nr.argwhere(nr.tensor([0.0, 2.0, 4.0]))
        tensor([[1],
                [2]])
    """
    return nonzero(input)


def bincount(input: Tensor, weights: Tensor | None = None, minlength: int = 0) -> Tensor:
    """How many times each value occurs in ``input`` (1-d, non-negative integers), or the
    sum of ``weights`` over its occurrences.

    The counts are int64; weighted sums keep float32 and float64 weights and
    are float64 for other weights. Weighted sums are differentiable in
    ``weights`` (PyTorch gives them no gradient).

    Shapes: ``(n,)`` -> ``(max(input.max() + 1, minlength),)``.

    Examples:
        >>> import neurarust as nr
        >>> nr.bincount(nr.tensor([0, 3, 3, 1]))
        tensor([1, 1, 0, 2])
        >>> nr.bincount(nr.tensor([0, 1, 1]), weights=nr.tensor([0.5, 1.0, 2.0]), minlength=3)
        tensor([0.5000, 3.0000, 0.0000])
    """
    require_tensor("bincount", "input", input)
    data = input._data
    if data.dtype.kind not in "iu":
        raise NotImplementedError(
            f"bincount(): not implemented for {input.dtype.name} input (it counts integers)"
        )
    if data.ndim != 1 or (data.size and int(data.min()) < 0):
        raise RuntimeError("bincount(): only supports 1-d non-negative integral inputs.")
    if minlength < 0:
        raise RuntimeError(f"bincount(): minlength should be >= 0, got {minlength}")
    length = max(minlength, int(data.max()) + 1 if data.size else 0)
    if weights is None:
        counts = input.backend.xp.bincount(data, minlength=length)
        return Tensor._make(counts.astype(np.int64, copy=False), input.device)
    require_tensor("bincount", "weights", weights)
    check_same_device("bincount", input, weights)
    if weights.shape != input.shape:
        raise RuntimeError(
            "bincount(): weights should be 1-d and have the same length as input, got "
            f"weights of shape {list(weights.shape)} for input of shape {list(input.shape)}"
        )
    if weights.dtype.name not in ("float32", "float64"):
        weights = weights.to(np.float64)
    sums = zeros(length, dtype=weights.dtype, device=input.device)
    return IndexAccumulate.apply(sums, ((data,),), weights)


def one_hot(tensor: Tensor, num_classes: int = -1) -> Tensor:
    """One-hot encoding of the class indices in ``tensor`` (int64): 1 at each index, 0
    elsewhere, in a new last dimension of ``num_classes`` entries (by default one more
    than the largest index).

    Shapes: ``(*)`` -> ``(*, num_classes)``, int64.

    Examples:
        >>> import neurarust as nr
        >>> nr.nn.functional.one_hot(nr.tensor([0, 2]), num_classes=3)
        tensor([[1, 0, 0],
                [0, 0, 1]])
    """
    require_tensor("one_hot", "tensor", tensor)
    if tensor.dtype.name != "int64":
        raise RuntimeError(
            f"one_hot(): only applicable to index tensors of dtype int64, got {tensor.dtype.name}"
        )
    data, xp = tensor._data, tensor.backend.xp
    if data.size == 0:
        if num_classes <= 0:
            raise RuntimeError(
                "one_hot(): Can not infer total number of classes from empty tensor."
            )
    else:
        if num_classes == -1:
            num_classes = int(data.max()) + 1
        if int(data.min()) < 0:
            raise RuntimeError("one_hot(): Class values must be non-negative.")
        if int(data.max()) >= num_classes:
            raise RuntimeError(
                f"one_hot(): Class values must be smaller than num_classes ({num_classes}), "
                f"got {int(data.max())}."
            )
    hot = data[..., None] == xp.arange(num_classes)
    return Tensor._make(hot.astype(np.int64), tensor.device)
