"""Converters of shape, indexing and matrix-product ops.

=====================  ==============================================================
neurarust op           ONNX
=====================  ==============================================================
View, Reshape          Reshape (no node when the shape does not change)
Copy                   no node: ``contiguous()``/``clone()`` only change the layout
Permute                Transpose
Expand                 Expand
Repeat                 Tile (after an Unsqueeze for new leading dims)
Flip                   Slice with steps of -1
Roll                   two Slices and a Concat per rolled dim
Cat, Stack             Concat (Stack unsqueezes each input first)
Split                  Split (+ Squeeze for ``unbind``)
BasicIndex             Slice, Gather for ints, Unsqueeze for None
AdvancedIndex          the same for ints and slices, then Gather (one index tensor),
                       GatherElements (``gather``, ``take_along_dim``) or GatherND
ConstantPad, IndexPad  Pad (constant, reflect, edge); Gather for circular padding
Triangle               Trilu (Where with a constant mask at opset 13)
Diagonal               Reshape + Gather
Matmul                 MatMul (matmul, mm, bmm, mv, dot)
Addmm                  Gemm
Einsum                 Einsum
TakeAlongDim           TopK, for ``sort`` and ``topk``
ViewDtype, AsStrided   no ONNX form: UnsupportedOperatorError
=====================  ==============================================================

**Dynamic axes.** An index or slice bound that differs between the two traces
(``x[:, : x.shape[1] - 1]``) is written counted from the end of its axis when
that makes it the same in both (``-1``; "to the end" is INT64_MAX), otherwise
as a size computed at run time (``GraphBuilder.size``). Sizes (Split sizes,
Tile repeats, pads) that differ between the traces are computed at run time.

**Index tensors.** The indexing ops hold their index tensors' arrays, not the
tensors. An index array that is the data of a value computed in forward (or a
broadcast of it, or its negative entries wrapped) is found among the graph's
values and read from the graph; a boolean mask computed in forward is an error;
any other array is written as a constant. (A 0-d index tensor is read as an
int by the indexing op, so it is exported as the constant it was.)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ... import dtypes
from ...ops import indexing, linalg, matrix, padding, shape, sorting, strided
from ...tensor import Tensor
from .._graph import INT64_MAX, GraphBuilder, UnsupportedOperatorError
from .._trace import Call
from . import converts

INT64_MIN = np.iinfo(np.int64).min


# -- helpers ------------------------------------------------------------------------------


def _unsupported(call: Call, what: str) -> UnsupportedOperatorError:
    return UnsupportedOperatorError(f"onnx.export: {call.describe()}: {what}")


def _twin_args(call: Call) -> tuple[Any, ...]:
    """The call's arguments in the second trace (its own arguments without dynamic axes)."""
    return call.twin.args if call.twin is not None else call.args


def _twin_shape(g: GraphBuilder, tensor: Tensor) -> tuple[int, ...]:
    twin = g.twin(tensor)
    return tuple((twin if twin is not None else tensor).shape)


def _host(tensor: Tensor, array: Any) -> np.ndarray:
    """A device array (an index held in an op's arguments) as a NumPy array."""
    return np.asarray(tensor.backend.to_host(array))


def _vector(g: GraphBuilder, parts: Sequence[int | str]) -> str:
    """A 1-D int64 tensor of ints and 1-element tensor names."""
    if all(isinstance(p, (int, np.integer)) for p in parts):
        return g.ints(parts)
    return g.op("Concat", *(p if isinstance(p, str) else g.ints([p]) for p in parts), axis=0)


def _dims(g: GraphBuilder, values: Sequence[int], twin_values: Sequence[int]) -> str:
    """A 1-D int64 tensor of sizes that are ``twin_values`` in the second trace."""
    return _vector(g, [v if v == t else g.size(v, t) for v, t in zip(values, twin_values)])


def _position(g: GraphBuilder, value: int, twin_value: int, size: int, twin_size: int) -> Any:
    """An index or slice bound on an axis of ``size`` (``twin_size`` in the second trace)
    that stays right when the axis changes size: the value itself when both traces agree,
    else counted from the end of the axis (INT64_MAX for the end itself), else a size
    computed at run time."""
    if value == twin_value:
        return value
    if value - size == twin_value - twin_size:
        return value - size or INT64_MAX
    return g.size(value, twin_value)


def _transpose(g: GraphBuilder, x: str, perm: Sequence[int]) -> str:
    if list(perm) == sorted(perm):
        return x
    return g.op("Transpose", x, perm=list(perm))


def _expand(
    g: GraphBuilder,
    x: str,
    shape: Sequence[int],
    twin_shape: Sequence[int],
    target: Sequence[int],
    twin_target: Sequence[int],
) -> str:
    """``x`` of ``shape`` broadcast to ``target`` (``twin_shape`` and ``twin_target`` in the
    second trace). Dims that already have their size in both traces are given as 1, which
    Expand keeps as they are."""
    if tuple(shape) == tuple(target) and tuple(twin_shape) == tuple(twin_target):
        return x

    def aligned(dims: Sequence[int]) -> tuple[int, ...]:
        return (1,) * (len(target) - len(dims)) + tuple(dims)

    kept = [
        a == b and c == d
        for a, b, c, d in zip(aligned(shape), target, aligned(twin_shape), twin_target)
    ]
    sizes = [1 if keep else size for keep, size in zip(kept, target)]
    twin_sizes = [1 if keep else size for keep, size in zip(kept, twin_target)]
    return g.op("Expand", x, _dims(g, sizes, twin_sizes))


def _cast(g: GraphBuilder, tensor: Tensor, dtype: dtypes.dtype) -> str:
    """The name of ``tensor``, cast to ``dtype`` when it has another one."""
    name = g.name(tensor)
    if tensor.dtype is dtype:
        return name
    from onnx import helper

    return g.op("Cast", name, to=helper.np_dtype_to_tensor_dtype(np.dtype(dtype.numpy)))


def _scalar(g: GraphBuilder, value: int | str) -> str:
    """A 0-d int64 tensor from an int or a 1-element tensor name."""
    if isinstance(value, str):
        return g.op("Squeeze", value)
    return g.constant(np.array(value, dtype=np.int64), "index")


# -- reshaping and reordering -------------------------------------------------------------


@converts(shape.View, shape.Reshape)
def view(g: GraphBuilder, call: Call) -> str:
    """``Reshape`` to the output's shape, computed at run time on dynamic axes."""
    input, output = call.args[0], call.outputs[0]
    x = g.name(input)
    if input.shape == output.shape and _twin_shape(g, input) == _twin_shape(g, output):
        return x
    return g.op("Reshape", x, g.shape(output))


@converts(shape.ViewDtype)
def view_dtype(g: GraphBuilder, call: Call) -> str:
    raise _unsupported(
        call,
        "viewing a tensor's bytes as another dtype (x.view(dtype)) has no ONNX form; "
        "use x.to(dtype) to convert the values instead",
    )


@converts(strided.AsStrided)
def as_strided(g: GraphBuilder, call: Call) -> str:
    raise _unsupported(
        call,
        "as_strided reads the tensor's memory layout, which ONNX does not have; write the "
        "forward with view, unfold or indexing instead",
    )


@converts(shape.Copy)
def copy(g: GraphBuilder, call: Call) -> str:
    """No node: ONNX values have no memory layout to change."""
    return g.name(call.args[0])


@converts(shape.Permute)
def permute(g: GraphBuilder, call: Call) -> str:
    input, perm = call.args
    return _transpose(g, g.name(input), perm)


@converts(shape.Expand)
def expand(g: GraphBuilder, call: Call) -> str:
    input, target = call.args
    twin_target = _twin_shape(g, call.outputs[0])
    return _expand(g, g.name(input), input.shape, _twin_shape(g, input), target, twin_target)


@converts(shape.Repeat)
def repeat(g: GraphBuilder, call: Call) -> str:
    """``Tile``, after an ``Unsqueeze`` when ``repeats`` adds leading dims."""
    input, repeats = call.args
    x = g.name(input)
    extra = len(repeats) - input.ndim
    if extra:
        x = g.op("Unsqueeze", x, g.ints(range(extra)))
    return g.op("Tile", x, _dims(g, repeats, _twin_args(call)[1]))


@converts(shape.Flip)
def flip(g: GraphBuilder, call: Call) -> str:
    """``Slice`` from the last element to before the first, with steps of -1."""
    input, dims = call.args
    x = g.name(input)
    if not dims:
        return x
    n = len(dims)
    return g.op(
        "Slice", x, g.ints([-1] * n), g.ints([INT64_MIN] * n), g.ints(dims), g.ints([-1] * n)
    )


def _roll_axis(
    g: GraphBuilder, call: Call, x: str, shift: int, axis: int, size: int, twin_size: int
) -> str:
    """``x`` rolled by ``shift`` along ``axis`` of ``size`` (``twin_size`` in the second
    trace): its last ``shift`` entries, then the others (a negative shift counts from the
    front). On a dynamic axis the shift is kept as it is, so it must be smaller than the axis."""
    if size == twin_size:
        shift = shift % size if size else 0
    elif abs(shift) >= min(size, twin_size):
        raise _unsupported(call, f"rolling a dynamic axis by {shift}, more than its size")
    if shift == 0:
        return x
    axes = g.ints([axis])
    tail = g.op("Slice", x, g.ints([-shift]), g.ints([INT64_MAX]), axes)
    head = g.op("Slice", x, g.ints([0]), g.ints([-shift]), axes)
    return g.op("Concat", tail, head, axis=axis)


@converts(shape.Roll)
def roll(g: GraphBuilder, call: Call) -> str:
    """Per rolled dim, ``Concat`` of two ``Slice``s; ``dims=None`` rolls the flattened input."""
    input, shifts, dims = call.args
    twin_shape = _twin_shape(g, input)
    if dims is None:
        flat = g.op("Reshape", g.name(input), g.ints([-1]))
        twin_numel = int(np.prod(twin_shape))
        rolled = _roll_axis(g, call, flat, shifts[0], 0, input.numel(), twin_numel)
        return g.op("Reshape", rolled, g.shape(input))
    x = g.name(input)
    for shift, dim in zip(shifts, dims):
        x = _roll_axis(g, call, x, shift, dim, input.shape[dim], twin_shape[dim])
    return x


# -- joining and splitting ----------------------------------------------------------------


@converts(shape.Cat)
def cat(g: GraphBuilder, call: Call) -> str:
    """``Concat``, after casting inputs to the promoted dtype."""
    dim, dtype, *tensors = call.args
    return g.op("Concat", *(_cast(g, t, dtype) for t in tensors), axis=dim)


@converts(shape.Stack)
def stack(g: GraphBuilder, call: Call) -> str:
    """``Concat`` of the inputs, each cast to the promoted dtype and unsqueezed at ``dim``."""
    dim, dtype, *tensors = call.args
    axes = g.ints([dim])
    parts = [g.op("Unsqueeze", _cast(g, t, dtype), axes) for t in tensors]
    return g.op("Concat", *parts, axis=dim)


@converts(shape.Split)
def split(g: GraphBuilder, call: Call) -> tuple[str, ...]:
    """``Split`` with the sizes as an input; ``unbind`` (keepdim=False) squeezes each piece."""
    input, dim, sizes, keepdim = call.args
    split_sizes = _dims(g, sizes, _twin_args(call)[2])
    pieces = g.op("Split", g.name(input), split_sizes, axis=dim, outputs=len(sizes))
    pieces = (pieces,) if isinstance(pieces, str) else pieces
    if keepdim:
        return tuple(pieces)
    axes = g.ints([dim])
    return tuple(g.op("Squeeze", piece, axes) for piece in pieces)


# -- indexing -----------------------------------------------------------------------------


def _is_array(item: Any) -> bool:
    return hasattr(item, "dtype")


def _spelled_out(entries: Sequence[Any], ndim: int) -> list[Any]:
    """Index entries with the Ellipsis replaced by the full slices it stands for."""
    used = sum(item is not None and item is not Ellipsis for item in entries)
    out: list[Any] = []
    for item in entries:
        out.extend([slice(None)] * (ndim - used) if item is Ellipsis else [item])
    return out


def _indexed_shape(shape: Sequence[int], entries: Sequence[Any]) -> tuple[int, ...]:
    """The shape of an array of ``shape`` indexed by ``entries`` (host arrays)."""
    return np.broadcast_to(np.empty((), np.int8), tuple(shape))[tuple(entries)].shape


def _slice_bounds(item: slice) -> tuple[int, int, int]:
    return (
        0 if item.start is None else item.start,
        INT64_MAX if item.stop is None else item.stop,
        1 if item.step is None else item.step,
    )


def _basic_index(
    g: GraphBuilder,
    x: str,
    entries: Sequence[Any],
    twin_entries: Sequence[Any],
    shape: Sequence[int],
    twin_shape: Sequence[int],
) -> str:
    """``x[entries]`` for ints, slices, None and Ellipsis: one ``Slice`` for the slices, a
    ``Gather`` per int (which drops the axis) and one ``Unsqueeze`` for the Nones."""
    starts: list[Any] = []
    ends: list[Any] = []
    axes: list[int] = []
    steps: list[int] = []
    picks: list[tuple[int, Any]] = []  # (axis, index) of each int
    new_axes: list[int] = []  # output positions of the Nones
    dim = out = 0
    full, twin_full = _spelled_out(entries, len(shape)), _spelled_out(twin_entries, len(shape))
    for item, twin_item in zip(full, twin_full):
        if item is None:
            new_axes.append(out)
            out += 1
            continue
        at = (shape[dim], twin_shape[dim])
        if isinstance(item, int):
            picks.append((dim, _position(g, item, twin_item, *at)))
        else:
            out += 1
            if item != slice(None):
                (start, stop, step), (twin_start, twin_stop, _) = map(
                    _slice_bounds, (item, twin_item)
                )
                starts.append(_position(g, start, twin_start, *at))
                ends.append(_position(g, stop, twin_stop, *at))
                axes.append(dim)
                steps.append(step)
        dim += 1
    if axes:
        x = g.op("Slice", x, _vector(g, starts), _vector(g, ends), g.ints(axes), g.ints(steps))
    for axis, index in reversed(picks):  # the last axis first: the others keep their place
        x = g.op("Gather", x, _scalar(g, index), axis=axis)
    if new_axes:
        x = g.op("Unsqueeze", x, g.ints(new_axes))
    return x


def _graph_source(g: GraphBuilder, array: Any) -> Tensor | None:
    """The graph value whose data ``array`` is or shares memory with, or None.

    The indexing ops keep the arrays of their index tensors, not the tensors, so an
    index computed in forward is found through the memory it shares with a graph value.
    """
    for tensor in g.values():
        data = tensor._data
        if data is array or tensor.backend.xp.may_share_memory(data, array):
            return tensor
    return None


def _broadcast_of(data: Any, array: Any, xp: Any) -> bool:
    """Whether ``array`` is ``data`` broadcast to ``array``'s shape."""
    try:
        target = np.broadcast_shapes(data.shape, array.shape)
    except ValueError:
        return False
    return target == array.shape and bool(xp.array_equal(xp.broadcast_to(data, target), array))


def _graph_index(g: GraphBuilder, call: Call, array: Any, twin_array: Any) -> str | None:
    """The graph value that an index array holds, broadcast to the array's shape; None when
    the array shares no memory with a graph value."""
    tensor = _graph_source(g, array)
    if tensor is None:
        return None
    data = tensor._data
    if data is not array and not _broadcast_of(data, array, tensor.backend.xp):
        raise _unsupported(
            call,
            "an index tensor reaches the index op through a view of a value computed in "
            "forward that the export cannot follow",
        )
    name = _cast(g, tensor, dtypes.int64)
    return _expand(g, name, data.shape, _twin_shape(g, tensor), array.shape, twin_array.shape)


def _wrapped_source(g: GraphBuilder, call: Call, values: np.ndarray, size: int) -> Tensor | None:
    """The graph value that index ``values`` were computed from by the indexing op: an
    integer index with negative entries, which it wraps (ONNX takes them as they are).
    A boolean mask computed in forward, whose True positions it lists, is an error."""
    for tensor in g.values():
        if tensor.dtype is dtypes.bool:
            positions = np.nonzero(tensor.numpy(force=True))
            if any(np.array_equal(p, values) for p in positions):
                raise _unsupported(
                    call,
                    "indexing with a boolean mask computed in forward gives a data-dependent "
                    "shape, which the export does not support; use torch.where-style "
                    "selection (x * mask) instead",
                )
        elif not tensor.dtype.is_floating_point and tensor.shape == values.shape:
            data = tensor.numpy(force=True)
            if (data < 0).any() and np.array_equal(data % size, values):
                return tensor
    return None


def _is_grid(g: GraphBuilder, input: Tensor, array: Any, axis: int, ndim: int) -> bool:
    """Whether ``array`` (a constant) picks each position along its own ``axis`` of ``ndim``
    (an ``arange`` shaped to broadcast along that axis only)."""
    if _graph_source(g, array) is not None or array.ndim > ndim:
        return False
    values = _host(input, array).reshape((1,) * (ndim - array.ndim) + array.shape)
    grid = np.arange(values.shape[axis]).reshape([-1 if k == axis else 1 for k in range(ndim)])
    return values.shape == grid.shape and np.array_equal(values, grid)


def _elements_axis(
    g: GraphBuilder, input: Tensor, arrays: Sequence[Any], twin_arrays: Sequence[Any]
) -> int | None:
    """The axis of a gather written as one index array per axis (``gather``,
    ``take_along_dim``): each array but the one on that axis is a grid picking every
    position along its own axis, and that one has the full shape. None for other indexes."""
    ndim = len(arrays)
    others = [
        k
        for k, (array, twin) in enumerate(zip(arrays, twin_arrays))
        if not (_is_grid(g, input, array, k, ndim) and _is_grid(g, input, twin, k, ndim))
    ]
    if len(others) != 1:
        return None
    axis = others[0]
    full = [np.broadcast_shapes(*(a.shape for a in group)) for group in (arrays, twin_arrays)]
    same = arrays[axis].shape == full[0] and twin_arrays[axis].shape == full[1]
    return axis if same else None


def _index_values(
    g: GraphBuilder, call: Call, array: Any, twin_array: Any, size: int, twin_size: int
) -> str | np.ndarray:
    """An index array of an advanced index along an axis of ``size``: the graph value it
    comes from, or its values, counted from the end of a dynamic axis where that keeps them
    the same in both traces."""
    input = call.args[0]
    graph_index = _graph_index(g, call, array, twin_array)
    if graph_index is not None:
        return graph_index
    if array.dtype.kind == "b":
        raise _unsupported(call, "indexing with a 0-d boolean (x[True]) is not supported")
    values, twin_values = _host(input, array), _host(input, twin_array)
    source = _wrapped_source(g, call, values, size)
    if source is not None:
        return _cast(g, source, dtypes.int64)
    if values.shape == twin_values.shape:
        if np.array_equal(values, twin_values):
            return values.astype(np.int64)
        if np.array_equal(values - size, twin_values - twin_size):
            return (values - size).astype(np.int64)
    raise _unsupported(
        call,
        "an index tensor created in forward depends on the dynamic axes (such as "
        "arange(x.shape[0])); the graph would hold it as a constant of one size. Export "
        "with fixed sizes, or index with slices",
    )


def _array_index(
    g: GraphBuilder,
    call: Call,
    x: str,
    entries: Sequence[Any],
    twin_entries: Sequence[Any],
    shape: Sequence[int],
    twin_shape: Sequence[int],
) -> str:
    """``x[entries]`` with index arrays: the other entries first (index arrays read as full
    slices), then ``Gather`` for one index array, ``GatherElements`` for ``gather`` and
    ``take_along_dim``, ``GatherND`` for other indexes with several arrays."""
    full, twin_full = _spelled_out(entries, len(shape)), _spelled_out(twin_entries, len(shape))
    plain = [slice(None) if _is_array(item) else item for item in full]
    twin_plain = [slice(None) if _is_array(item) else item for item in twin_full]
    x = _basic_index(g, x, plain, twin_plain, shape, twin_shape)
    mid, twin_mid = _indexed_shape(shape, plain), _indexed_shape(twin_shape, twin_plain)
    kept = [item for item in full if not isinstance(item, int)]  # one per dim of ``mid``
    dims = [d for d, item in enumerate(kept) if _is_array(item)]
    twin_arrays = [item for item in twin_full if _is_array(item)]
    arrays = [kept[d] for d in dims]
    axis = _elements_axis(g, call.args[0], arrays, twin_arrays) if len(dims) == len(mid) else None
    if axis is not None:
        index = _index_values(g, call, arrays[axis], twin_arrays[axis], mid[axis], twin_mid[axis])
        return g.op("GatherElements", x, _index_name(g, index), axis=axis)
    indices = [
        _index_values(g, call, kept[d], twin, mid[d], twin_mid[d])
        for d, twin in zip(dims, twin_arrays)
    ]
    if len(dims) == 1:
        return g.op("Gather", x, _index_name(g, indices[0]), axis=dims[0])
    positions = [k for k, item in enumerate(entries) if _is_array(item)]
    adjacent = positions == list(range(positions[0], positions[0] + len(positions)))
    shapes = ([a.shape for a in arrays], [a.shape for a in twin_arrays])
    return _gather_nd(g, x, indices, dims, len(mid), shapes, adjacent)


def _gather_nd(
    g: GraphBuilder,
    x: str,
    indices: Sequence[str | np.ndarray],
    dims: list[int],
    ndim: int,
    shapes: tuple[list[tuple[int, ...]], list[tuple[int, ...]]],
    adjacent: bool,
) -> str:
    """``x`` (of ``ndim`` dims) indexed by several arrays on ``dims`` (of ``shapes`` in the
    two traces): the indexed dims moved first, ``GatherND``, then the broadcast index dims
    moved to where the arrays were if they are ``adjacent`` (NumPy's rule; else first)."""
    others = [d for d in range(ndim) if d not in dims]
    x = _transpose(g, x, dims + others)
    out = g.op("GatherND", x, _stacked(g, indices, *shapes))
    if not adjacent:
        return out
    n, first = len(np.broadcast_shapes(*shapes[0])), dims[0]
    rest = [n + k for k in range(len(others))]
    return _transpose(g, out, rest[:first] + list(range(n)) + rest[first:])


def _index_name(g: GraphBuilder, index: str | np.ndarray) -> str:
    return g.constant(index, "indices") if isinstance(index, np.ndarray) else index


def _stacked(
    g: GraphBuilder,
    indices: Sequence[str | np.ndarray],
    shapes: Sequence[tuple[int, ...]],
    twin_shapes: Sequence[tuple[int, ...]],
) -> str:
    """GatherND's indices: the index arrays broadcast together, stacked on a new last axis."""
    if all(isinstance(index, np.ndarray) for index in indices):
        return g.constant(np.stack(np.broadcast_arrays(*indices), axis=-1), "indices")
    target, twin_target = np.broadcast_shapes(*shapes), np.broadcast_shapes(*twin_shapes)
    last = g.ints([-1])
    columns = [
        _expand(g, _index_name(g, index), shape, twin_shape, target, twin_target)
        for index, shape, twin_shape in zip(indices, shapes, twin_shapes)
    ]
    return g.op("Concat", *(g.op("Unsqueeze", c, last) for c in columns), axis=-1)


@converts(indexing.BasicIndex, indexing.AdvancedIndex)
def index(g: GraphBuilder, call: Call) -> str:
    """``x[index]``: each step of the normalized index (the ints, then the index arrays)."""
    input, steps = call.args
    x, size, twin_size = g.name(input), tuple(input.shape), _twin_shape(g, input)
    for step, twin_step in zip(steps, _twin_args(call)[1]):
        if any(_is_array(item) for item in step):
            x = _array_index(g, call, x, step, twin_step, size, twin_size)
        else:
            x = _basic_index(g, x, step, twin_step, size, twin_size)
        host = [_host(input, i) if _is_array(i) else i for i in step]
        twin_host = [_host(input, i) if _is_array(i) else i for i in twin_step]
        size, twin_size = _indexed_shape(size, host), _indexed_shape(twin_size, twin_host)
    return x


# -- padding ------------------------------------------------------------------------------


def _pads(
    g: GraphBuilder, ndim: int, dims: Sequence[int], pairs: Sequence[Any], twin_pairs: Sequence[Any]
) -> str:
    """Pad's ``pads`` input: every dim's amount before, then every dim's amount after."""

    def amounts(pairs: Sequence[Any]) -> list[int]:
        by_dim = dict(zip(dims, pairs))
        return [by_dim.get(d, (0, 0))[0] for d in range(ndim)] + [
            by_dim.get(d, (0, 0))[1] for d in range(ndim)
        ]

    return _dims(g, amounts(pairs), amounts(twin_pairs))


@converts(padding.ConstantPad)
def constant_pad(g: GraphBuilder, call: Call) -> str:
    """``Pad`` in constant mode (negative amounts crop, as in neurarust)."""
    input, pairs, value = call.args
    dims = range(input.ndim - len(pairs), input.ndim)
    pads = _pads(g, input.ndim, dims, pairs, _twin_args(call)[1])
    return g.op("Pad", g.name(input), pads, g.name(value, like=input), mode="constant")


def _pad_mode(input: Tensor, axes: Sequence[padding.Axis]) -> str | None:
    """ONNX Pad's mode ('reflect' or 'edge') that reads what ``axes`` read, or None
    (circular padding, and crops by negative amounts)."""
    for mode, onnx_mode in (("reflect", "reflect"), ("replicate", "edge")):
        if all(
            min(axis.pair) >= 0
            and np.array_equal(
                _host(input, axis.index),
                padding._INDEX[mode](input.shape[axis.dim], *axis.pair),
            )
            for axis in axes
        ):
            return onnx_mode
    return None


@converts(padding.IndexPad)
def index_pad(g: GraphBuilder, call: Call) -> str:
    """``Pad`` in reflect or edge mode; circular padding (and crops) as a ``Gather`` along
    each padded axis, which needs that axis to be static."""
    input, axes = call.args
    x = g.name(input)
    mode = _pad_mode(input, axes)
    if mode is not None:
        dims = [axis.dim for axis in axes]
        twin_pairs = [axis.pair for axis in _twin_args(call)[1]]
        pads = _pads(g, input.ndim, dims, [axis.pair for axis in axes], twin_pairs)
        return g.op("Pad", x, pads, mode=mode)
    dynamic = set(g.dynamic_axes(input))
    for axis in axes:
        if axis.dim in dynamic:
            raise _unsupported(call, f"circular padding of dim {axis.dim}, which is a dynamic axis")
        x = g.op("Gather", x, g.ints(_host(input, axis.index)), axis=axis.dim)
    return x


# -- matrices -----------------------------------------------------------------------------


@converts(matrix.Triangle)
def triangle(g: GraphBuilder, call: Call) -> str:
    """``Trilu``; at opset 13, which lacks it, ``Where`` with a constant mask."""
    input, diagonal, lower = call.args
    x = g.name(input)
    if g.opset >= 14:
        return g.op("Trilu", x, _scalar(g, diagonal), upper=int(not lower))
    if set(g.dynamic_axes(input)) & {input.ndim - 2, input.ndim - 1}:
        raise _unsupported(
            call, "tril/triu of dynamic matrix dims needs ONNX's Trilu: export with opset >= 14"
        )
    rows, cols = input.shape[-2:]
    below = np.tri(rows, cols, diagonal if lower else diagonal - 1, dtype=bool)
    return g.op("Where", g.constant(below if lower else ~below, "mask"), x, g.name(0, like=input))


@converts(matrix.Diagonal)
def diagonal(g: GraphBuilder, call: Call) -> str:
    """The two dims moved last and merged (``Transpose``, ``Reshape``), then a ``Gather``
    of the diagonal's positions; those two dims must be static."""
    input, offset, dim1, dim2 = call.args
    if {dim1, dim2} & set(g.dynamic_axes(input)):
        raise _unsupported(call, "the diagonal of dynamic axes is not supported")
    others = [d for d in range(input.ndim) if d not in (dim1, dim2)]
    x = _transpose(g, g.name(input), [*others, dim1, dim2])
    flat = g.op("Reshape", x, g.ints([0] * len(others) + [-1]))
    cols, length = input.shape[dim2], call.outputs[0].shape[-1]
    first = offset if offset >= 0 else -offset * cols
    return g.op("Gather", flat, g.ints(first + np.arange(length) * (cols + 1)), axis=-1)


@converts(linalg.Matmul)
def matmul(g: GraphBuilder, call: Call) -> str:
    """``MatMul`` for every variant (matmul, mm, bmm, mv, dot)."""
    a, b, _ = call.args
    return g.op("MatMul", g.name(a), g.name(b))


@converts(linalg.Addmm)
def addmm(g: GraphBuilder, call: Call) -> str:
    """``Gemm`` with alpha and beta (no C input when beta is 0)."""
    input, mat1, mat2, beta, alpha = call.args
    if not mat1.dtype.is_floating_point:
        raise _unsupported(call, f"addmm of {mat1.dtype.name} tensors (Gemm needs floats)")
    c = g.name(input) if beta != 0 else ""
    beta_attr = float(beta) if c else None
    return g.op("Gemm", g.name(mat1), g.name(mat2), c, alpha=float(alpha), beta=beta_attr)


@converts(linalg.Einsum)
def einsum(g: GraphBuilder, call: Call) -> str:
    """``Einsum`` of the spelled-out equation (one letter per dim, no ellipsis), after
    expanding the size-1 dims that broadcast."""
    spec, *operands = call.args
    twin_spec = _twin_args(call)[0]
    names = []
    for term, operand in zip(spec.inputs, operands):
        target = [spec.sizes[s] for s in term]
        twin_target = [twin_spec.sizes[s] for s in term]
        twin_shape = _twin_shape(g, operand)
        names.append(_expand(g, g.name(operand), operand.shape, twin_shape, target, twin_target))
    return g.op("Einsum", *names, equation=spec.equation)


@converts(sorting.TakeAlongDim)
def take_along_dim(g: GraphBuilder, call: Call) -> tuple[str, str]:
    """``TopK`` (values and indices) for ``sort`` and ``topk``, told apart from the other
    users of the op (kthvalue, median, mode: no ONNX form) by their k >= 2 values sorted
    from one end of the input."""
    input, index, dim, out_shape = call.args
    k = index.shape[dim] if index.ndim else 0
    if input.ndim == 0 or tuple(out_shape) != tuple(index.shape) or k < min(2, input.shape[dim]):
        raise _unsupported(
            call,
            "only sort and topk with k >= 2 have an ONNX form (TopK); kthvalue, median and mode "
            "do not (use max/min/argmax for k = 1)",
        )
    ascending = np.sort(input.numpy(force=True), axis=dim)
    ends = {
        1: np.take(np.flip(ascending, axis=dim), range(k), axis=dim),
        0: np.take(ascending, range(k), axis=dim),
    }
    values = call.outputs[0].numpy(force=True)
    found = [
        largest for largest, end in ends.items() if np.array_equal(values, end, equal_nan=True)
    ]
    if len(found) != 1:
        raise _unsupported(
            call, "cannot tell the sort order from the example input (give one without ties)"
        )
    twin_k = _twin_args(call)[1].shape[dim]
    return g.op(
        "TopK", g.name(input), _dims(g, [k], [twin_k]), axis=dim, largest=found[0], outputs=2
    )
