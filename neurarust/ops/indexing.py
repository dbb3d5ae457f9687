"""Indexing: ``x[index]`` (:func:`getitem`) and ``x[index] = value`` (:func:`index_put`).

An index is normalized once into *steps*: tuples of ints, slices, None,
Ellipsis and integer index arrays on the tensor's device, which NumPy and CuPy
both understand and which are applied one after the other. A boolean mask
becomes the integer arrays of its nonzero positions. Bounds are checked here,
since CuPy does not check them.

PyTorch applies integer indices before index arrays, so ints never take part
in placing the advanced dimensions: for ``x`` of shape ``(2, 3, 4)``,
``x[0, :, [1, 2]]`` has shape ``(3, 2)`` where NumPy gives ``(2, 3)``. An index
mixing both is therefore two steps: the ints (a view), then the arrays.

Basic indexing (no index arrays) returns a view; advanced indexing returns a
copy, whose gradient scatter-adds into the input so that repeated indices
accumulate. Three ops call one another in their backward passes, so gradients
of any order work: gather (``x[index]``) <-> scatter-add, and put (write) ->
put + gather.
"""

from __future__ import annotations

import operator
import warnings
from typing import Any

import numpy as np

from ..autograd.function import Function
from ..tensor import Tensor
from ._util import check_same_device
from .creation import zeros

__all__ = ["getitem", "index_put"]

# The normalized index: one or two tuples, applied to the array in turn.
Steps = tuple[tuple[Any, ...], ...]

_SEQUENCE_AS_TUPLE = (
    "Using a non-tuple sequence for multidimensional indexing is deprecated; use "
    "x[tuple(seq)] instead of x[seq]. A future release will read it as one index tensor, "
    "x[tensor(seq)], as NumPy does."
)


# -- normalizing an index ---------------------------------------------------------------


def _entries(index: Any) -> tuple[Any, ...]:
    """The entries of an index, one per indexing position.

    PyTorch still reads a short list holding a sequence, tensor, slice, None or
    Ellipsis as a tuple (``x[[[0, 1], [1, 2]]]`` is ``x[[0, 1], [1, 2]]``), with
    a deprecation warning.
    """
    if isinstance(index, tuple):
        return index
    if isinstance(index, list) and len(index) < 32:
        for item in index:
            if isinstance(item, (Tensor, list, tuple, slice)) or item is None or item is Ellipsis:
                warnings.warn(_SEQUENCE_AS_TUPLE, UserWarning, stacklevel=5)
                return tuple(index)
    return (index,)


def _check_step(step: Any) -> None:
    if step is not None:
        step = operator.index(step)
        if step == 0:
            raise ValueError("slice step cannot be zero")
        if step < 0:
            raise ValueError("step must be greater than zero")


def _sequence_data(x: Tensor, item: Any) -> Any:
    """A list, tuple or NumPy array as an index array; as in PyTorch, anything that is not
    a mask (bool or uint8) becomes int64, floats included (truncated)."""
    data = x.backend.asarray(item)
    if data.dtype.kind not in "biuf":
        raise IndexError(f"index: can't index with a sequence of {data.dtype} values")
    if data.dtype.kind != "b" and data.dtype != np.uint8:
        data = data.astype(np.int64)
    return data


def _index_item(x: Tensor, item: Any) -> Any:
    """One entry of an index as NumPy/CuPy take it: int, slice, None, ..., or an array."""
    if item is None or item is Ellipsis:
        return item
    if isinstance(item, (bool, np.bool_)):  # before int: a bool is an int in Python
        return x.backend.xp.asarray(bool(item))
    if isinstance(item, (int, np.integer)):
        return int(item)
    if isinstance(item, slice):
        _check_step(item.step)
        return item
    if isinstance(item, Tensor):
        check_same_device("index", x, item)
        data = item._data
    elif isinstance(item, (list, tuple, np.ndarray)):
        data = _sequence_data(x, item)
    else:
        raise IndexError(
            "only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables "
            f"are valid indices (got {type(item).__name__})"
        )
    if data.dtype == np.uint8:  # PyTorch's legacy byte masks
        data = data.astype(bool)
    if data.dtype.kind not in "biu":
        raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
    if data.ndim == 0 and data.dtype.kind != "b":
        return int(data)  # a 0-d integer tensor indexes like an int (a view)
    return data


def _is_array(item: Any) -> bool:
    return hasattr(item, "dtype")


def _dims_used(item: Any) -> int:
    """How many input dimensions one normalized index entry consumes."""
    if item is None or item is Ellipsis:
        return 0
    if _is_array(item) and item.dtype.kind == "b":
        return item.ndim
    return 1


def _too_many_indices(index: Any, ndim: int) -> IndexError:
    if ndim == 0 and isinstance(index, (int, np.integer)) and not isinstance(index, bool):
        return IndexError(
            "invalid index of a 0-dim tensor. Use `tensor.item()` to convert a 0-dim tensor "
            "to a number"
        )
    if ndim == 0 and isinstance(index, slice):
        return IndexError("slice() cannot be applied to a 0-dim tensor.")
    return IndexError(f"too many indices for tensor of dimension {ndim}")


def _check_int(i: int, dim: int, size: int) -> int:
    if not -size <= i < size:
        raise IndexError(f"index {i} is out of bounds for dimension {dim} with size {size}")
    return i


def _check_index_array(indices: Any, dim: int, size: int) -> Any:
    """``indices`` bounds-checked, with negative entries wrapped to ``size + i``."""
    if indices.size == 0:
        return indices
    low, high = int(indices.min()), int(indices.max())
    if high >= size:
        _check_int(high, dim, size)
    if low < 0:
        _check_int(low, dim, size)
        indices = indices % size
    return indices


def _mask_indices(mask: Any, dim: int, shape: tuple[int, ...]) -> tuple[Any, ...]:
    """The integer index arrays selecting ``mask``'s True entries at ``shape[dim:]``."""
    if mask.ndim == 0:  # x[True] adds a dimension of size 1 (0 for False)
        return (mask,)
    for k, size in enumerate(mask.shape):
        if size != shape[dim + k]:
            raise IndexError(
                f"The shape of the mask {list(mask.shape)} at index {k} does not match the "
                f"shape of the indexed tensor {list(shape)} at index {dim + k}"
            )
    return tuple(mask.nonzero())


def _check_broadcast(step: tuple[Any, ...]) -> None:
    shapes = [i.shape for i in step if _is_array(i)]
    try:
        np.broadcast_shapes(*shapes)
    except ValueError:
        listed = ", ".join(str(list(s)) for s in shapes)
        raise IndexError(
            f"shape mismatch: indexing tensors could not be broadcast together with shapes {listed}"
        ) from None


def _ints_first(flat: list[Any]) -> Steps:
    """Split ``flat`` into the step selecting its ints and the step applying its arrays."""
    ints: list[Any] = []
    arrays: list[Any] = []
    for item in flat:
        if type(item) is int:
            ints.append(item)
        elif _is_array(item):
            if item.ndim:  # a 0-d bool mask consumes no dimension
                ints.append(slice(None))
            arrays.append(item)
        else:  # slice, None or Ellipsis: applied with the ints, then kept whole
            ints.append(item)
            arrays.append(item if item is Ellipsis else slice(None))
    return tuple(ints), tuple(arrays)


def _normalize_index(x: Tensor, index: Any) -> Steps:
    """``index`` as checked steps for the raw array, each holding an Ellipsis.

    The Ellipsis makes an all-int index give a 0-d view rather than a NumPy scalar.
    """
    items = [_index_item(x, i) for i in _entries(index)]
    shape = x._data.shape
    used = sum(_dims_used(i) for i in items)
    if used > len(shape):
        raise _too_many_indices(index, len(shape))
    ellipses = sum(i is Ellipsis for i in items)
    if ellipses > 1:
        raise IndexError("an index can only have a single ellipsis ('...')")
    flat: list[Any] = []
    dim = 0
    for item in items:
        if item is Ellipsis:
            dim += len(shape) - used
        elif isinstance(item, int):
            item = _check_int(item, dim, shape[dim])
        elif _is_array(item) and item.dtype.kind == "b":
            flat.extend(_mask_indices(item, dim, shape))
            dim += item.ndim
            continue
        elif _is_array(item):
            item = _check_index_array(item, dim, shape[dim])
        flat.append(item)
        dim += _dims_used(item)
    if not ellipses:
        flat.append(Ellipsis)
    has_arrays = any(_is_array(i) for i in flat)
    if has_arrays and any(type(i) is int for i in flat):
        steps = _ints_first(flat)
    else:
        steps = (tuple(flat),)
    if has_arrays:
        _check_broadcast(steps[-1])
        if steps[-1][-1] is Ellipsis:  # arrays give arrays; NumPy is 2x slower with it
            steps = steps[:-1] + (steps[-1][:-1],)
    return steps


def _select(data: Any, steps: Steps) -> Any:
    for step in steps:
        data = data[step]
    return data


def _is_advanced(steps: Steps) -> bool:
    return any(_is_array(i) for i in steps[-1])


# -- the ops ------------------------------------------------------------------------------


class BasicIndex(Function):
    """``x[index]`` with ints, slices, None and Ellipsis only: a view of ``x``."""

    is_view = True

    @staticmethod
    def forward(ctx: Any, a: Tensor, steps: Steps) -> Any:
        ctx.shape, ctx.steps = a._data.shape, steps
        return _select(a._data, steps)

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple[Any, ...]:
        base = zeros(ctx.shape, dtype=grad.dtype, device=grad.device)
        return IndexAccumulate.apply(base, ctx.steps, grad), None


class AdvancedIndex(BasicIndex):
    """``x[index]`` with index arrays: a copy (a gather)."""

    is_view = False


def _gather(x: Tensor, steps: Steps) -> Tensor:
    op = AdvancedIndex if _is_advanced(steps) else BasicIndex
    return op.apply(x, steps)


def _raw(values: Any) -> Any:
    return values._data if isinstance(values, Tensor) else values


class IndexAccumulate(Function):
    """``base`` with ``values`` added at ``index``; repeated positions add up."""

    @staticmethod
    def forward(ctx: Any, base: Tensor, steps: Steps, values: Any) -> Any:
        ctx.steps = steps
        out = base._data.copy()
        target, last = _select(out, steps[:-1]), steps[-1]
        if _is_advanced(steps):
            base.backend.scatter_add(target, last, _raw(values))
        else:  # a basic index selects every position once
            target[last] += _raw(values)
        return out

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple[Any, ...]:
        needs = ctx.needs_input_grad
        grad_values = _gather(grad, ctx.steps) if needs[2] else None
        return (grad if needs[0] else None), None, grad_values


class IndexPut(Function):
    """``base`` with ``values`` written at ``index`` (out of place)."""

    @staticmethod
    def forward(ctx: Any, base: Tensor, steps: Steps, values: Any) -> Any:
        ctx.steps = steps
        out = base._data.copy()
        _select(out, steps[:-1])[steps[-1]] = _raw(values)
        return out

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple[Any, ...]:
        needs = ctx.needs_input_grad
        # The overwritten positions no longer depend on base; they came from values.
        grad_base = IndexPut.apply(grad, ctx.steps, 0) if needs[0] else None
        grad_values = _gather(grad, ctx.steps) if needs[2] else None
        return grad_base, None, grad_values


def getitem(input: Tensor, index: Any) -> Tensor:
    """``input[index]``, with PyTorch's indexing rules.

    ``index`` is an int, slice (positive step), None, Ellipsis, a bool mask
    Tensor, an integer Tensor or list (advanced indexing), or a tuple of them.
    Without masks or index arrays the result is a view of ``input``; with them
    it is a copy, and gradients of repeated indices add up.

    Shapes: as NumPy's indexing, except that ints are applied before index
    arrays: ``(2, 3, 4)`` indexed by ``[0, :, [1, 2]]`` gives ``(3, 2)``.

    Examples:
        >>> import neurarust as nr
        >>> x = nr.arange(6).reshape(2, 3)
        >>> x[:, 1:]
        tensor([[1, 2],
                [4, 5]])
        >>> x[nr.tensor([[False, True, False], [True, False, True]])]
        tensor([1, 3, 5])
        >>> x[[0, 0, 1], [2, 2, 0]]
        tensor([2, 2, 3])
    """
    return _gather(input, _normalize_index(input, index))


def _fit_values(values: Tensor, target: tuple[int, ...]) -> Tensor:
    """``values`` ready to broadcast into ``target``, leading size-1 dims dropped."""
    extra = values.ndim - len(target)
    if extra > 0 and all(s == 1 for s in values.shape[:extra]):
        values = values.reshape(values.shape[extra:])
    try:
        fits = np.broadcast_shapes(values.shape, target) == target
    except ValueError:
        fits = False
    if not fits:
        raise RuntimeError(
            f"index_put: shape mismatch: value tensor of shape {list(values.shape)} cannot be "
            f"broadcast to indexing result of shape {list(target)}"
        )
    return values


def index_put(input: Tensor, indices: Any, values: Any, accumulate: bool = False) -> Tensor:
    """A copy of ``input`` with ``values`` written at ``indices`` (``input[indices] = values``).

    ``indices`` is PyTorch's tuple of index tensors, or anything :func:`getitem`
    accepts. ``values`` (a Tensor or a number) is broadcast to the indexed
    shape and cast to ``input``'s dtype. With ``accumulate=True`` values are
    added instead, and repeated indices add up. ``x[indices] = values`` is the
    in-place form.

    Gradients: ``input`` gets the incoming gradient with the written positions
    zeroed (unless accumulating); ``values`` gets the gradient at ``indices``,
    summed over broadcast dimensions.

    Examples:
        >>> import neurarust as nr
        >>> nr.index_put(nr.zeros(4), (nr.tensor([0, 0, 2]),), nr.tensor(1.0), accumulate=True)
        tensor([2., 0., 1., 0.])
    """
    steps = _normalize_index(input, indices)
    if isinstance(values, Tensor):
        check_same_device("index_put", input, values)
        values = _fit_values(values.to(input.dtype), _select(input._data, steps).shape)
    elif isinstance(values, (int, float, np.number, np.bool_)):
        # Cast as C does (-1 becomes 255 in a uint8 tensor), as PyTorch does.
        values = input.backend.xp.asarray(values).astype(input._data.dtype)
    else:
        raise TypeError(f"index_put: can't assign a {type(values).__name__} to a {input.type()}")
    op = IndexAccumulate if accumulate else IndexPut
    return op.apply(input, steps, values)
