"""Sorting and selection: sort, argsort, msort, topk, kthvalue, median, nanmedian,
mode, unique, unique_consecutive, searchsorted, bucketize.

Order is PyTorch's: NaN sorts as the largest value. neurarust always sorts
*stably*, also when ``stable=False`` (PyTorch's unstable sort is free to order
ties in any way): equal elements keep their index order, ascending or
descending, so results are the same on every backend and every run.

The ops that pick elements along a dimension (sort, topk, kthvalue, median,
nanmedian, mode) work in two steps: find, on raw arrays, the index of each
picked element along the dimension; then gather the values with
:class:`TakeAlongDim`, whose backward scatters the gradient back to those
positions with :func:`~neurarust.ops.indexing.index_put`, so double backward
works too. Indices are int64 and carry no gradient.

Which of several equal elements is picked:

- sort, argsort, topk, kthvalue: the one a stable sort puts there (PyTorch's
  CPU choice for topk and kthvalue is unspecified).
- median, nanmedian: the one a stable sort puts at the median position; for
  ``median`` of a slice holding NaN, its first NaN. This is what PyTorch's CPU
  kernels return, except for ``nanmedian`` of a slice of NaNs only, where
  PyTorch's index is unspecified and neurarust returns the first.
- mode: the smallest of the most frequent values, at its last index. PyTorch's
  CPU kernel does so for slices of up to 16 elements and is unspecified past
  that. A NaN is never equal to another NaN here (each counts once).
"""

from __future__ import annotations

import math
from typing import Any

from .. import dtypes, return_types
from ..autograd.function import Function
from ..tensor import Tensor
from ._util import binary_data, check_same_device, require_tensor
from .creation import zeros
from .indexing import index_put
from .reduction import (
    _at_least_1d,
    _check_nonempty,
    _constant,
    _one_dim,
    _reduced_shape,
    _tie_share,
)

__all__ = [
    "sort",
    "argsort",
    "msort",
    "topk",
    "kthvalue",
    "median",
    "nanmedian",
    "mode",
    "unique",
    "unique_consecutive",
    "searchsorted",
    "bucketize",
]


# -- order on raw arrays (NaN is the largest value) ------------------------------------


def _isnan(xp: Any, data: Any) -> Any:
    """Where ``data`` is NaN (nowhere for integer and bool arrays)."""
    if data.dtype.kind == "f":
        return xp.isnan(data)
    return xp.zeros(data.shape, dtype=bool)


def _argsort(xp: Any, data: Any, axis: int, descending: bool) -> Any:
    """int64 indices that stably sort ``data`` along ``axis``.

    A stable descending sort is a stable ascending sort of the reversed array,
    reversed back: equal elements then keep their index order.
    """
    if not descending:
        return xp.argsort(data, axis=axis, kind="stable").astype("int64", copy=False)
    order = xp.argsort(xp.flip(data, axis), axis=axis, kind="stable")
    return (data.shape[axis] - 1 - xp.flip(order, axis)).astype("int64", copy=False)


def _precedes(xp: Any, data: Any, pivot: Any, descending: bool) -> Any:
    """Where ``data`` sorts strictly before ``pivot``."""
    nan, pivot_nan = _isnan(xp, data), _isnan(xp, pivot)
    if descending:
        return (data > pivot) | (nan & ~pivot_nan)
    return (data < pivot) | (~nan & pivot_nan)


def _same(xp: Any, data: Any, pivot: Any) -> Any:
    """Where ``data`` equals ``pivot`` (NaN equals NaN here)."""
    return (data == pivot) | (_isnan(xp, data) & _isnan(xp, pivot))


def _along(axis: int, start: int, stop: int) -> tuple[slice, ...]:
    """The index of positions ``start:stop`` along ``axis``."""
    return (slice(None),) * axis + (slice(start, stop),)


def _first_k(xp: Any, data: Any, k: int, axis: int, descending: bool) -> tuple[Any, Any]:
    """Masks of the first ``k`` (>= 1) elements of ``data``'s stable sort along ``axis``,
    and of the ``k``-th of them alone, found in linear time (no full sort).

    The ``k``-th value (the pivot) comes from a partition. Every element sorting
    before it is among the first ``k``; the remaining places go to the elements
    equal to the pivot, in index order.
    """
    position = data.shape[axis] - k if descending else k - 1
    pivot = xp.partition(data, position, axis=axis)[_along(axis, position, position + 1)]
    before = _precedes(xp, data, pivot, descending)
    ties = _same(xp, data, pivot)
    places = k - before.sum(axis=axis, keepdims=True)
    tie_rank = xp.cumsum(ties, axis=axis)
    return before | (ties & (tie_rank <= places)), ties & (tie_rank == places)


def _kth_index(xp: Any, data: Any, k: int, axis: int) -> Any:
    """Index (int64, kept as size 1) of the ``k``-th smallest element along ``axis``."""
    _, kth = _first_k(xp, data, k, axis, False)
    return xp.argmax(kth, axis=axis, keepdims=True).astype("int64", copy=False)


def _top_k_without_boundary_ties(
    xp: Any, data: Any, k: int, axis: int, largest: bool
) -> Any | None:
    """The fast path of :func:`_top_k_index` for NaN-free data: one ``argpartition``.

    The partition picks *some* k elements of the top k values; they are the
    ones a stable sort picks unless the k-th value also occurs outside them
    (then the tied elements must be taken in index order): None in that case.
    """
    n = data.shape[axis]
    position = n - k if largest else k - 1
    part = xp.argpartition(data, position, axis=axis)
    pivot = xp.take_along_axis(data, part[_along(axis, position, position + 1)], axis=axis)
    reached = (data >= pivot) if largest else (data <= pivot)
    if (reached.sum(axis=axis) != k).any():
        return None
    index = xp.sort(part[_along(axis, n - k, n)] if largest else part[_along(axis, 0, k)], axis)
    values = xp.take_along_axis(data, index, axis=axis)  # index order: the sort keeps ties so
    return xp.take_along_axis(index, _argsort(xp, values, axis, largest), axis=axis).astype(
        "int64", copy=False
    )


def _top_k_index(xp: Any, data: Any, k: int, axis: int, largest: bool) -> Any:
    """Indices (int64) of the first ``k`` elements of the stable sort along ``axis``,
    in sorted order (descending when ``largest``)."""
    if k == 0 or 4 * k > data.shape[axis]:  # a large share of the slice: sort it all
        return _argsort(xp, data, axis, largest)[_along(axis, 0, k)]
    if data.dtype.kind != "f" or not xp.isnan(data).any():
        index = _top_k_without_boundary_ties(xp, data, k, axis, largest)
        if index is not None:
            return index
    chosen, _ = _first_k(xp, data, k, axis, largest)
    # Every slice holds exactly k chosen elements; nonzero lists them in index order.
    rows = xp.moveaxis(chosen, axis, -1)
    index = xp.nonzero(rows)[-1].reshape(rows.shape[:-1] + (k,))
    index = xp.moveaxis(index, -1, axis)
    values = xp.take_along_axis(data, index, axis=axis)
    return xp.take_along_axis(index, _argsort(xp, values, axis, largest), axis=axis)


def _median_index(xp: Any, data: Any, axis: int, ignore_nan: bool) -> Any:
    """Index (int64, kept as size 1) of the lower median along ``axis``.

    With NaN in a slice, ``median`` picks its first NaN; ``nanmedian`` takes the
    median of the other elements (or the first NaN when all are NaN).
    """
    nan = _isnan(xp, data)
    if ignore_nan:
        counts = data.shape[axis] - nan.sum(axis=axis, keepdims=True)
        position = xp.maximum(counts - 1, 0) // 2  # differs between slices: sort them all
        return xp.take_along_axis(_argsort(xp, data, axis, False), position, axis=axis)
    index = _kth_index(xp, data, (data.shape[axis] + 1) // 2, axis)
    first_nan = xp.argmax(nan, axis=axis, keepdims=True)
    return xp.where(nan.any(axis=axis, keepdims=True), first_nan, index)


def _mode_index(xp: Any, data: Any, axis: int) -> Any:
    """Index (int64, kept as size 1) of the most frequent value along ``axis``: the
    smallest such value, at its last index.

    Sorted, each slice is a series of runs of equal values; the longest run
    that comes first holds the mode, and its last element is the mode's last
    occurrence (the sort is stable).
    """
    rows = xp.moveaxis(data, axis, -1)
    n = rows.shape[-1]
    order = _argsort(xp, rows, -1, False)
    ordered = xp.take_along_axis(rows, order, axis=-1)
    starts = xp.ones(ordered.shape, dtype=bool)
    starts[..., 1:] = ordered[..., 1:] != ordered[..., :-1]
    run = xp.cumsum(starts, axis=-1) - 1  # the run of each sorted element in its slice
    slice_number = xp.arange(run.size // n).reshape(rows.shape[:-1] + (1,))
    lengths = xp.bincount((run + n * slice_number).ravel(), minlength=run.size)
    lengths = lengths.reshape(rows.shape)  # lengths[..., r]: length of run r (0 if none)
    longest = xp.argmax(lengths, axis=-1, keepdims=True)
    last = xp.take_along_axis(xp.cumsum(lengths, axis=-1), longest, axis=-1) - 1
    return xp.moveaxis(xp.take_along_axis(order, last, axis=-1), -1, axis)


# -- gathering along a dimension -----------------------------------------------------


def _scatter_along(source: Tensor, index: Any, dim: int, shape: tuple[int, ...]) -> Tensor:
    """Zeros of ``shape`` with ``source`` added at ``index`` (an array shaped like
    ``source``) along ``dim``; differentiable in ``source``."""
    xp = source.backend.xp
    positions = []
    for axis, size in enumerate(index.shape):
        if axis == dim:
            positions.append(index)
        else:  # every position along the other dims
            broadcast = [-1 if i == axis else 1 for i in range(index.ndim)]
            positions.append(xp.arange(size).reshape(broadcast))
    indices = tuple(Tensor._make(p, source.device) for p in positions)
    base = zeros(shape, dtype=source.dtype, device=source.device)
    return index_put(base, indices, source, accumulate=True)


class TakeAlongDim(Function):
    """``(values, indices)``: the input's elements at ``index`` along ``dim``.

    ``index`` is an int64 array with the input's number of dims (at least 1);
    both outputs take ``shape``. The gradient goes back to the picked positions.
    """

    @staticmethod
    def forward(ctx: Any, a: Tensor, index: Any, dim: int, shape: tuple[int, ...]) -> Any:
        ctx.index, ctx.dim, ctx.shape = index, dim, a._data.shape
        values = a.backend.xp.take_along_axis(_at_least_1d(a._data), index, axis=dim)
        return values.reshape(shape), index.reshape(shape)

    @staticmethod
    def backward(ctx: Any, grad: Tensor, _grad_indices: Any) -> tuple[Any, ...]:
        index = ctx.index
        full_shape = ctx.shape or (1,)
        grad_input = _scatter_along(grad.reshape(index.shape), index, ctx.dim, full_shape)
        return grad_input.reshape(ctx.shape), None, None, None


def _take(input: Tensor, index: Any, dim: int, keepdim: bool = True) -> tuple[Tensor, Tensor]:
    """``(values, indices)`` of ``input`` at ``index`` along ``dim``.

    An ``index`` of size 1 along ``dim`` (a reduction) loses that dim unless
    ``keepdim``; a 0-d input gives 0-d outputs.
    """
    if input.ndim == 0:
        shape: tuple[int, ...] = ()
    elif keepdim:
        shape = index.shape
    else:
        shape = _reduced_shape(index.shape, (dim,), False)
    return TakeAlongDim.apply(input, index, dim, shape)


# -- sort, argsort, msort, topk ------------------------------------------------------


def sort(
    input: Tensor, dim: int = -1, descending: bool = False, *, stable: bool | None = False
) -> return_types.sort:
    """Sort ``input`` along ``dim``: a named tuple ``(values, indices)``.

    NaN sorts as the largest value. The sort is always stable (``stable`` is
    accepted for PyTorch compatibility): equal elements keep their index order,
    also when ``descending``. The gradient flows back to the sorted positions.

    Shapes: ``(*)`` -> ``values`` and ``indices`` (int64) of shape ``(*)``.

    Examples:
        >>> import neurarust as nr
        >>> nr.sort(nr.tensor([3.0, 1.0, 2.0, 1.0]), descending=True)
        sort(values=tensor([3., 2., 1., 1.]), indices=tensor([0, 2, 1, 3]))
    """
    axis = _one_dim(dim, input, "sort")
    index = _argsort(input.backend.xp, _at_least_1d(input._data), axis, descending)
    return return_types.sort(*_take(input, index, axis))


def argsort(
    input: Tensor, dim: int = -1, descending: bool = False, *, stable: bool = False
) -> Tensor:
    """The indices (int64) that sort ``input`` along ``dim``: ``sort(...).indices``.

    Always a stable sort (see :func:`sort`); NaN sorts as the largest value.

    Shapes: ``(*)`` -> ``(*)``.

    Examples:
        >>> import neurarust as nr
        >>> nr.argsort(nr.tensor([[3, 1, 2], [0, 5, 0]]), dim=1)
        tensor([[1, 2, 0],
                [0, 2, 1]])
    """
    axis = _one_dim(dim, input, "argsort")
    index = _argsort(input.backend.xp, _at_least_1d(input._data), axis, descending)
    return Tensor._make(index.reshape(input._data.shape), input.device)


def msort(input: Tensor) -> Tensor:
    """``input`` sorted along its first dimension: ``sort(input, dim=0).values``.

    Examples:
        >>> import neurarust as nr
        >>> nr.msort(nr.tensor([[3, 0], [1, 2]]))
        tensor([[1, 0],
                [3, 2]])
    """
    return sort(input, dim=0).values


def _check_int(op: str, name: str, position: int, value: Any) -> None:
    """TypeError, as PyTorch raises it, unless ``value`` is an int (not a bool)."""
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(
            f"{op}(): argument '{name}' (position {position}) must be int, "
            f"not {type(value).__name__}"
        )


def topk(
    input: Tensor, k: int, dim: int = -1, largest: bool = True, sorted: bool = True
) -> return_types.topk:
    """The ``k`` largest (or, with ``largest=False``, smallest) elements along ``dim``.

    Returns a named tuple ``(values, indices)``. The elements are found by a
    partition (linear time) when ``k`` is small next to the dimension, then
    sorted; they are always returned sorted, ``sorted=False`` included. Ties
    are taken in index order, as a stable sort would (PyTorch's choice among
    ties is unspecified). NaN counts as the largest value.

    Shapes: ``(*, n, *)`` -> ``(*, k, *)`` for both outputs (indices int64);
    RuntimeError unless ``0 <= k <= n``.

    Examples:
        >>> import neurarust as nr
        >>> nr.topk(nr.tensor([1.0, 5.0, 3.0, 4.0]), 2)
        topk(values=tensor([5., 4.]), indices=tensor([1, 3]))
    """
    _check_int("topk", "k", 2, k)
    axis = _one_dim(dim, input, "topk")
    data = _at_least_1d(input._data)
    size = data.shape[axis]
    if not 0 <= k <= size:
        raise RuntimeError(
            f"topk: selected index k out of range (k = {k}, but dimension {axis} has size {size})"
        )
    if input.ndim == 0:  # PyTorch returns the element itself for k = 0 too
        k = 1
    index = _top_k_index(input.backend.xp, data, k, axis, largest)
    return return_types.topk(*_take(input, index, axis))


# -- kthvalue, median, nanmedian, mode -----------------------------------------------


def _reduction_axis(op: str, input: Tensor, dim: int) -> int:
    """``dim`` checked (an int in range, over a non-empty dimension) and made non-negative."""
    axis = _one_dim(dim, input, op)
    _check_nonempty(_at_least_1d(input._data), (axis,), op, dim_given=True)
    return axis


def kthvalue(input: Tensor, k: int, dim: int = -1, keepdim: bool = False) -> return_types.kthvalue:
    """The ``k``-th smallest element (``k`` from 1) along ``dim`` and its index.

    Returns a named tuple ``(values, indices)``; found in linear time by a
    partition. Of equal elements, the one a stable sort puts at place ``k`` is
    returned. NaN counts as the largest value.

    Shapes: ``(*, n, *)`` -> ``(*, *)`` (``(*, 1, *)`` if ``keepdim``);
    RuntimeError unless ``1 <= k <= n``.

    Examples:
        >>> import neurarust as nr
        >>> nr.kthvalue(nr.tensor([4.0, 1.0, 3.0, 2.0]), 2)
        kthvalue(values=tensor(2.), indices=tensor(3))
    """
    _check_int("kthvalue", "k", 2, k)
    axis = _reduction_axis("kthvalue", input, dim)
    data = _at_least_1d(input._data)
    if not 1 <= k <= data.shape[axis]:
        raise RuntimeError(
            f"kthvalue(): selected number k out of range for dimension {axis} "
            f"(k = {k}, but the dimension has size {data.shape[axis]})"
        )
    index = _kth_index(input.backend.xp, data, k, axis)
    return return_types.kthvalue(*_take(input, index, axis, keepdim))


class MedianAll(Function):
    """The median of all elements; the gradient is shared evenly among the elements
    equal to it, as PyTorch does."""

    saves_result = True

    @staticmethod
    def forward(ctx: Any, a: Tensor, ignore_nan: bool) -> Any:
        ctx.save_for_backward(a)
        xp, flat = a.backend.xp, a._data.reshape(-1)
        if flat.size == 0:
            return xp.asarray(xp.nan, dtype=flat.dtype)
        return flat[_median_index(xp, flat, 0, ignore_nan)].reshape(())

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple[Any, ...]:
        (x,) = ctx.saved_tensors
        axes = tuple(range(x.ndim))
        share = _tie_share(x._data, ctx.saved_result()._data, axes, x.backend.xp)
        return grad * _constant(x, share), None


def _median(op: str, input: Tensor, dim: int | None, keepdim: bool, ignore_nan: bool) -> Any:
    """The two forms of ``median``/``nanmedian``: of all elements, or along ``dim``."""
    if dim is None:
        if input.numel() == 0 and not input.dtype.is_floating_point:
            raise RuntimeError(
                f"{op}(): an empty {input.dtype.name} tensor has no median (only floats have NaN)"
            )
        return MedianAll.apply(input, ignore_nan)
    axis = _reduction_axis(op, input, dim)
    index = _median_index(input.backend.xp, _at_least_1d(input._data), axis, ignore_nan)
    result = return_types.nanmedian if ignore_nan else return_types.median
    return result(*_take(input, index, axis, keepdim))


def median(input: Tensor, dim: int | None = None, keepdim: bool = False) -> Any:
    """The lower median (of an even count, the smaller of the two middle values).

    Two forms, as in PyTorch:

    - ``median(input)``: a 0-d tensor, NaN if ``input`` holds NaN or is empty;
      the gradient is shared evenly among the elements equal to the median.
    - ``median(input, dim, keepdim=False)``: a named tuple ``(values, indices)``;
      a slice holding NaN gives NaN at its first NaN. The gradient goes to the
      indexed element.

    Shapes: ``(*, n, *)`` -> ``(*, *)`` (``(*, 1, *)`` if ``keepdim``).

    Examples:
        >>> import neurarust as nr
        >>> nr.median(nr.tensor([[4.0, 1.0, 3.0, 2.0]]), dim=1)
        median(values=tensor([2.]), indices=tensor([3]))
    """
    return _median("median", input, dim, keepdim, ignore_nan=False)


def nanmedian(input: Tensor, dim: int | None = None, keepdim: bool = False) -> Any:
    """Like :func:`median`, ignoring NaN (NaN only where every element is NaN).

    Examples:
        >>> import neurarust as nr
        >>> nr.nanmedian(nr.tensor([4.0, float("nan"), 1.0, 3.0]))
        tensor(3.)
    """
    return _median("nanmedian", input, dim, keepdim, ignore_nan=True)


def mode(input: Tensor, dim: int = -1, keepdim: bool = False) -> return_types.mode:
    """The most frequent value along ``dim`` and an index of it.

    Returns a named tuple ``(values, indices)``. Of equally frequent values the
    smallest wins, and its last index is returned. The gradient goes to the
    indexed element.

    Shapes: ``(*, n, *)`` -> ``(*, *)`` (``(*, 1, *)`` if ``keepdim``).

    Examples:
        >>> import neurarust as nr
        >>> nr.mode(nr.tensor([2, 1, 2, 3, 1]))
        mode(values=tensor(1), indices=tensor(4))
    """
    axis = _reduction_axis("mode", input, dim)
    index = _mode_index(input.backend.xp, _at_least_1d(input._data), axis)
    return return_types.mode(*_take(input, index, axis, keepdim))


# -- unique, unique_consecutive ------------------------------------------------------


def _lexicographic_order(xp: Any, rows: Any) -> Any:
    """Indices that stably sort the rows of a 2-D array, first column first."""
    order = xp.arange(rows.shape[0])
    for column in reversed(range(rows.shape[1])):
        order = order[xp.argsort(rows[order, column], kind="stable")]
    return order


def _runs(xp: Any, rows: Any, order: Any) -> tuple[Any, Any, Any]:
    """Group equal neighbours among the rows of a 2-D array taken in ``order``.

    Returns the first row of each group, the group of every row (in the
    original order) and the size of each group. NaN never equals NaN.
    """
    ordered = rows[order]
    n = ordered.shape[0]
    starts = xp.ones(n, dtype=bool)
    starts[1:] = (ordered[1:] != ordered[:-1]).any(axis=1)
    group = xp.empty(n, dtype="int64")
    group[order] = xp.cumsum(starts) - 1
    first = xp.nonzero(starts)[0]
    counts = xp.diff(xp.concatenate([first, xp.asarray([n])])).astype("int64", copy=False)
    return ordered[first], group, counts


class Unique(Function):
    """``(values, inverse, counts)`` of unique/unique_consecutive; like PyTorch, it has
    no derivative."""

    @staticmethod
    def forward(ctx: Any, a: Tensor, dim: int | None, consecutive: bool) -> Any:
        ctx.op = "unique_consecutive" if consecutive else "unique"
        xp, data = a.backend.xp, a._data
        # One row per element, or per slice along dim (its elements flattened).
        moved = data.reshape(-1, 1) if dim is None else xp.moveaxis(data, dim, 0)
        rows = moved.reshape(moved.shape[0], math.prod(moved.shape[1:]))
        if consecutive:
            order = xp.arange(rows.shape[0])
        else:
            order = _lexicographic_order(xp, rows)
        values, group, counts = _runs(xp, rows, order)
        values = values.reshape(values.shape[:1] + moved.shape[1:])
        if dim is None:
            return values.reshape(-1), group.reshape(data.shape), counts
        return xp.moveaxis(values, 0, dim), group, counts

    @staticmethod
    def backward(ctx: Any, *grads: Any) -> tuple[Any, ...]:
        raise NotImplementedError(f"the derivative for '{ctx.op}' is not implemented.")


def _unique(
    op: str, input: Tensor, return_inverse: bool, return_counts: bool, dim: int | None
) -> Any:
    if dim is not None:
        if input.ndim == 0:
            raise IndexError(f"{op}: Dimension specified as {dim} but tensor has no dimensions")
        dim = _one_dim(dim, input, op)
        if input.numel() == 0 and input.shape[dim] != 0:
            raise RuntimeError(
                f"{op}: There are 0 sized dimensions, and they aren't selected, so unique "
                f"cannot be applied (shape {list(input.shape)}, dim {dim})"
            )
    values, inverse, counts = Unique.apply(input, dim, op == "unique_consecutive")
    if not (return_inverse or return_counts):
        return values
    return (values,) + ((inverse,) if return_inverse else ()) + ((counts,) if return_counts else ())


def unique(
    input: Tensor,
    sorted: bool = True,
    return_inverse: bool = False,
    return_counts: bool = False,
    dim: int | None = None,
) -> Any:
    """The distinct elements of ``input`` (or distinct slices along ``dim``), sorted.

    Returns the values alone, or a tuple ``(values, inverse, counts)`` holding
    the parts asked for: ``inverse`` (int64, shaped like ``input``, or
    ``(input.shape[dim],)``) gives the place in ``values`` of each element or
    slice, and ``counts`` (int64) how often each value occurs. The result is
    sorted also for ``sorted=False``, as PyTorch's CPU kernel does. NaNs are
    all distinct. Not differentiable (backward raises, as in PyTorch).

    Examples:
        >>> import neurarust as nr
        >>> nr.unique(nr.tensor([3, 1, 3, 2]), return_counts=True)
        (tensor([1, 2, 3]), tensor([1, 1, 2]))
    """
    return _unique("unique", input, return_inverse, return_counts, dim)


def unique_consecutive(
    input: Tensor, return_inverse: bool = False, return_counts: bool = False, dim: int | None = None
) -> Any:
    """Like :func:`unique`, merging only equal neighbours, and keeping their order.

    Examples:
        >>> import neurarust as nr
        >>> nr.unique_consecutive(nr.tensor([1, 1, 2, 1]), return_inverse=True)
        (tensor([1, 2, 1]), tensor([0, 0, 1, 2]))
    """
    return _unique("unique_consecutive", input, return_inverse, return_counts, dim)


# -- searchsorted, bucketize ----------------------------------------------------------


def _search_operands(boundaries: Tensor, input: Any) -> tuple[Any, Any]:
    """The raw boundaries and values, cast to their common dtype (PyTorch compares a
    float32 boundary with the Python float 0.1 in float32)."""
    if isinstance(input, Tensor):
        check_same_device("searchsorted", boundaries, input)
        target = dtypes.result_type(boundaries, input).numpy
        return boundaries._data.astype(target, copy=False), input._data.astype(target, copy=False)
    data, value = binary_data("searchsorted", boundaries, input)
    return data, boundaries.backend.xp.asarray(value, dtype=data.dtype)


def _check_search_shapes(boundaries: Any, values: Any, sorter: Tensor | None) -> None:
    """PyTorch's RuntimeErrors for boundaries, values and sorter that do not fit."""
    op = "searchsorted()"
    if boundaries.ndim == 0:
        raise RuntimeError(
            f"{op}: boundaries tensor should have positive dimension, but got 0 dimension"
        )
    if boundaries.ndim > 1 and values.ndim == 0:
        raise RuntimeError(
            f"{op}: input value can be a scalar only when boundaries tensor dimension is 1, "
            f"but we got boundaries tensor dim({boundaries.ndim}) and input value's "
            f"dim(0) numel(1)"
        )
    if boundaries.ndim > 1 and boundaries.shape[:-1] != values.shape[:-1]:
        raise RuntimeError(
            f"{op}: boundaries tensor should be 1 dimension or the first N-1 dimensions of "
            f"boundaries tensor and input value tensor must match, but we got boundaries "
            f"tensor {list(boundaries.shape)} and input value tensor {list(values.shape)}"
        )
    if sorter is None:
        return
    if sorter.dtype != dtypes.int64:
        raise RuntimeError(
            f"{op}: sorter must be a tensor of long dtype but got dtype {sorter.dtype.name}"
        )
    if sorter.shape != boundaries.shape:
        raise RuntimeError(
            f"{op}: boundary and sorter must have the same size, but got boundary tensor "
            f"{list(boundaries.shape)} and got sorter tensor {list(sorter.shape)}"
        )
    n = boundaries.shape[-1]
    if sorter.numel() and not ((sorter._data >= 0) & (sorter._data < n)).all():
        raise RuntimeError(f"{op}: sorter index out of range (expected in [0, {n - 1}])")


def _lookup(xp: Any, table: Any, position: Any) -> Any:
    """``table``'s entries at ``position``: from one 1-D table, or row by row."""
    if table.ndim == 1:
        return table[position]
    return xp.take_along_axis(table, position, axis=-1)


def _binary_search(xp: Any, boundaries: Any, values: Any, right: bool, sorter: Any) -> Any:
    """For each value, the number of boundaries (of its row) that sort before it.

    A binary search run on all values at once, with PyTorch's comparisons: a
    value moves right past boundary ``b`` unless ``b >= value`` (``b > value``
    when ``right``), so NaN behaves exactly as in PyTorch.
    """
    n = boundaries.shape[-1]
    low = xp.zeros(values.shape, dtype="int64")
    high = xp.full(values.shape, n, dtype="int64")
    for _ in range(n.bit_length()):  # each step halves every open range
        middle = low + (high - low) // 2
        position = xp.minimum(middle, n - 1)  # closed ranges may point past the end
        if sorter is not None:
            position = _lookup(xp, sorter, position)
        probe = _lookup(xp, boundaries, position)
        move_right = ~(probe > values) if right else ~(probe >= values)
        open_range = low < high
        low = xp.where(open_range & move_right, middle + 1, low)
        high = xp.where(open_range & ~move_right, middle, high)
    return low


def searchsorted(
    sorted_sequence: Tensor,
    input: Any,
    *,
    out_int32: bool = False,
    right: bool = False,
    side: str | None = None,
    sorter: Tensor | None = None,
) -> Tensor:
    """Where to insert each value of ``input`` in ``sorted_sequence`` to keep it sorted.

    For each value, the number of boundaries smaller than it (``right=False`` or
    ``side='left'``) or not larger than it (``right=True`` or ``side='right'``).
    ``sorted_sequence`` is 1-D, or N-D with one sorted row per row of ``input``
    (their leading dims must match). ``input`` may be a Python number (giving a
    0-d result). ``sorter`` (int64, shaped like ``sorted_sequence``) gives the
    order that sorts an unsorted sequence. Not differentiable.

    Shapes: ``input`` ``(*)`` -> ``(*)``, int64 (int32 if ``out_int32``).

    Examples:
        >>> import neurarust as nr
        >>> nr.searchsorted(nr.tensor([1, 3, 5, 7]), nr.tensor([3, 6]))
        tensor([1, 3])
        >>> nr.searchsorted(nr.tensor([1, 3, 5, 7]), 3, right=True)
        tensor(2)
    """
    if side is not None:
        if side not in ("left", "right"):
            raise RuntimeError(f"searchsorted(): side can only be 'left' or 'right' but got {side}")
        if right and side == "left":
            raise RuntimeError(
                "searchsorted(): side and right can't be set to opposites, got side of "
                "left while right was True"
            )
        right = side == "right"
    require_tensor("searchsorted", "sorted_sequence", sorted_sequence)
    if sorter is not None:
        check_same_device("searchsorted", sorted_sequence, sorter)
    boundaries, values = _search_operands(sorted_sequence, input)
    _check_search_shapes(boundaries, values, sorter)
    order = None if sorter is None else sorter._data
    found = _binary_search(sorted_sequence.backend.xp, boundaries, values, right, order)
    return Tensor._make(found.astype("int32" if out_int32 else "int64"), sorted_sequence.device)


def bucketize(
    input: Any, boundaries: Tensor, *, out_int32: bool = False, right: bool = False
) -> Tensor:
    """The bucket of each value of ``input`` among 1-D sorted ``boundaries``.

    ``searchsorted(boundaries, input, right=right)``: bucket ``i`` holds the values
    with ``boundaries[i-1] < x <= boundaries[i]`` (``<= x <`` when ``right``).
    ``input`` may be a Python number. Not differentiable.

    Shapes: ``(*)`` -> ``(*)``, int64 (int32 if ``out_int32``).

    Examples:
        >>> import neurarust as nr
        >>> nr.bucketize(nr.tensor([0.5, 2.0, 9.0]), nr.tensor([1.0, 2.0, 3.0]))
        tensor([0, 1, 3])
    """
    require_tensor("bucketize", "boundaries", boundaries)
    if boundaries.ndim != 1:
        raise RuntimeError(
            f"bucketize: boundaries tensor must be 1 dimension, but got dim({boundaries.ndim})"
        )
    return searchsorted(boundaries, input, out_int32=out_int32, right=right)
