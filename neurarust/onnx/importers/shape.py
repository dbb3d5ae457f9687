"""Shape, indexing and matrix-product ONNX operators.

Reshape, Flatten, Transpose, Squeeze, Unsqueeze, Expand, Tile, Concat, Split,
Slice, Gather, GatherElements, GatherND, ScatterElements, ScatterND, Shape,
Size, Constant, ConstantOfShape, Range, OneHot, Pad, Trilu, MatMul, Einsum, TopK,
DepthToSpace and SpaceToDepth.

Shapes, axes, pads and other small integer inputs are read as Python ints
(:func:`ints`); the data itself only goes through neurarust ops, so imported
graphs run on the GPU and are differentiable.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ... import dtypes, ops
from ...nn import functional as F
from ...tensor import Tensor
from . import NodeContext, implements, ints

# -- helpers ------------------------------------------------------------------------------


def _axes(node: NodeContext, axes: Tensor | None) -> list[int]:
    """Axes given as an input (Squeeze/Unsqueeze from opset 13) or an attribute (before)."""
    return ints(axes) if axes is not None else list(node.attr("axes", []))


def _wrapped(indices: Tensor, size: int) -> Tensor:
    """``indices`` with negative entries counted from the end of an axis of ``size``."""
    return ops.where(indices < 0, indices + size, indices)


# -- reshaping and reordering -------------------------------------------------------------


@implements("Reshape")
def reshape(node: NodeContext, x: Tensor, shape: Tensor) -> Tensor:
    """A 0 in ``shape`` copies the input's dim (unless ``allowzero``); -1 is inferred."""
    target = ints(shape)
    if not node.attr("allowzero", 0):
        target = [x.shape[i] if size == 0 else size for i, size in enumerate(target)]
    return ops.reshape(x, target)


@implements("Flatten")
def flatten(node: NodeContext, x: Tensor) -> Tensor:
    """The dims before ``axis`` (default 1) merged into one, and those after it."""
    axis = node.attr("axis", 1)
    axis += x.ndim if axis < 0 else 0
    return ops.reshape(x, (math.prod(x.shape[:axis]), math.prod(x.shape[axis:])))


@implements("Transpose")
def transpose(node: NodeContext, x: Tensor) -> Tensor:
    """``perm`` defaults to reversing the dims."""
    return ops.permute(x, node.attr("perm", list(reversed(range(x.ndim)))))


@implements("Squeeze")
def squeeze(node: NodeContext, x: Tensor, axes: Tensor | None = None) -> Tensor:
    """Without axes, every size-1 dim is removed."""
    dims = _axes(node, axes)
    return ops.squeeze(x, tuple(dims) if dims else None)


@implements("Unsqueeze")
def unsqueeze(node: NodeContext, x: Tensor, axes: Tensor | None = None) -> Tensor:
    """``axes`` are positions in the output."""
    dims = _axes(node, axes)
    rank = x.ndim + len(dims)
    for axis in sorted(a % rank for a in dims):
        x = ops.unsqueeze(x, axis)
    return x


@implements("Expand")
def expand(node: NodeContext, x: Tensor, shape: Tensor) -> Tensor:
    """Broadcast both ways, as NumPy: size-1 dims of ``shape`` keep the input's."""
    return ops.expand(x, np.broadcast_shapes(tuple(x.shape), tuple(ints(shape))))


@implements("Tile")
def tile(node: NodeContext, x: Tensor, repeats: Tensor) -> Tensor:
    return ops.tile(x, ints(repeats))


@implements("DepthToSpace")
def depth_to_space(node: NodeContext, x: Tensor) -> Tensor:
    """Mode DCR (the default) or CRD (``pixel_shuffle``'s order)."""
    b = node.attr("blocksize")
    n, c, h, w = x.shape
    depth = c // (b * b)
    if node.attr("mode", "DCR") == "DCR":
        blocks = x.reshape(n, b, b, depth, h, w).permute(0, 3, 4, 1, 5, 2)
    else:
        blocks = x.reshape(n, depth, b, b, h, w).permute(0, 1, 4, 2, 5, 3)
    return blocks.reshape(n, depth, h * b, w * b)


@implements("SpaceToDepth")
def space_to_depth(node: NodeContext, x: Tensor) -> Tensor:
    b = node.attr("blocksize")
    n, c, h, w = x.shape
    blocks = x.reshape(n, c, h // b, b, w // b, b).permute(0, 3, 5, 1, 2, 4)
    return blocks.reshape(n, c * b * b, h // b, w // b)


# -- joining and splitting ----------------------------------------------------------------


@implements("Concat")
def concat(node: NodeContext, *inputs: Tensor) -> Tensor:
    return ops.cat(list(inputs), node.attr("axis"))


def _equal_sizes(length: int, count: int) -> list[int]:
    """``count`` pieces of ``ceil(length / count)``, the last one smaller."""
    size = -(-length // count)
    return [size] * (count - 1) + [length - size * (count - 1)]


@implements("Split")
def split(node: NodeContext, x: Tensor, sizes: Tensor | None = None) -> tuple[Tensor, ...]:
    """Sizes from the ``split`` input (opset >= 13) or attribute (before), else equal
    pieces: ``num_outputs`` of them (opset 18), or one per node output."""
    axis = node.attr("axis", 0) % x.ndim
    pieces = ints(sizes) if sizes is not None else list(node.attr("split", []))
    if not pieces:
        pieces = _equal_sizes(x.shape[axis], node.attr("num_outputs") or node.output_count)
    return tuple(ops.split(x, pieces, axis))


# -- indexing -----------------------------------------------------------------------------


def _slice_args(
    node: NodeContext, *inputs: Tensor | None
) -> tuple[list[int], list[int], list[int], list[int]]:
    """Slice's starts, ends, axes and steps: inputs from opset 10, attributes before."""
    if node.opset < 10:
        starts, ends = node.attr("starts"), node.attr("ends")
        axes = node.attr("axes", list(range(len(starts))))
        return starts, ends, axes, [1] * len(starts)
    starts, ends, axes, steps = (ints(t) for t in inputs)
    return starts, ends, axes or list(range(len(starts))), steps or [1] * len(starts)


@implements("Slice")
def slice_(
    node: NodeContext,
    x: Tensor,
    starts: Tensor | None = None,
    ends: Tensor | None = None,
    axes: Tensor | None = None,
    steps: Tensor | None = None,
) -> Tensor:
    """Bounds clamped as ONNX says; an axis with a negative step is flipped, then sliced
    with the positive step."""
    index: list[Any] = [slice(None)] * x.ndim
    flipped = []
    for start, end, axis, step in zip(*_slice_args(node, starts, ends, axes, steps)):
        axis %= x.ndim
        size = x.shape[axis]
        start += size if start < 0 else 0
        end += size if end < 0 else 0
        if step > 0:
            index[axis] = slice(min(max(start, 0), size), min(max(end, 0), size), step)
        else:  # in the flipped axis, position i is size - 1 - i
            start, end = min(max(start, 0), size - 1), min(max(end, -1), size - 1)
            index[axis] = slice(size - 1 - start, size - 1 - end, -step)
            flipped.append(axis)
    if flipped:
        x = ops.flip(x, flipped)
    return x[tuple(index)]


@implements("Gather")
def gather(node: NodeContext, x: Tensor, indices: Tensor) -> Tensor:
    """``x`` indexed along ``axis``: the index's dims replace that axis (a 0-d index
    drops it); negative indices count from the end."""
    return x[(slice(None),) * (node.attr("axis", 0) % x.ndim) + (indices,)]


@implements("GatherElements")
def gather_elements(node: NodeContext, x: Tensor, indices: Tensor) -> Tensor:
    axis = node.attr("axis", 0) % x.ndim
    return ops.gather(x, axis, _wrapped(indices, x.shape[axis]))


def _batch_grids(x: Tensor, batch_dims: int, ndim: int) -> list[Tensor]:
    """Index tensors picking each of ``x``'s first ``batch_dims`` dims in place, shaped to
    broadcast over ``ndim`` index dims."""
    return [
        ops.arange(n, device=x.device).reshape([n if d == k else 1 for d in range(ndim)])
        for k, n in enumerate(x.shape[:batch_dims])
    ]


@implements("GatherND")
def gather_nd(node: NodeContext, x: Tensor, indices: Tensor) -> Tensor:
    """``x`` at the index vectors on the last axis of ``indices``, after ``batch_dims``
    leading dims that ``x`` and ``indices`` share."""
    batch_dims = node.attr("batch_dims", 0)
    columns = [indices[..., k] for k in range(indices.shape[-1])]
    return x[tuple(_batch_grids(x, batch_dims, indices.ndim - 1) + columns)]


_SCATTER_REDUCTIONS = {"add": "sum", "mul": "prod", "max": "amax", "min": "amin"}


@implements("ScatterElements")
def scatter_elements(node: NodeContext, x: Tensor, indices: Tensor, updates: Tensor) -> Tensor:
    """``scatter`` along ``axis``, or ``scatter_reduce`` for a ``reduction``."""
    axis = node.attr("axis", 0) % x.ndim
    index = _wrapped(indices, x.shape[axis])
    reduction = node.attr("reduction", "none")
    if reduction == "none":
        return ops.scatter(x, axis, index, updates)
    if reduction not in _SCATTER_REDUCTIONS:
        raise node.error(f"reduction {reduction!r} is not supported")
    return ops.scatter_reduce(x, axis, index, updates, _SCATTER_REDUCTIONS[reduction])


@implements("ScatterND")
def scatter_nd(node: NodeContext, x: Tensor, indices: Tensor, updates: Tensor) -> Tensor:
    """``index_put`` at the index vectors on the last axis of ``indices`` (reduction
    'none' or 'add')."""
    reduction = node.attr("reduction", "none")
    if reduction not in ("none", "add"):
        raise node.error(f"reduction {reduction!r} is not supported")
    columns = tuple(indices[..., k] for k in range(indices.shape[-1]))
    return ops.index_put(x, columns, updates, accumulate=reduction == "add")


# -- shapes and constants -----------------------------------------------------------------


@implements("Shape")
def shape(node: NodeContext, x: Tensor) -> Tensor:
    """The dims from ``start`` to ``end`` (opset 15; all of them by default)."""
    dims = list(x.shape)[node.attr("start", 0) : node.attr("end", None)]
    return ops.tensor(dims, dtype=dtypes.int64, device=x.device)


@implements("Size")
def size(node: NodeContext, x: Tensor) -> Tensor:
    return ops.tensor(x.numel(), dtype=dtypes.int64, device=x.device)


_CONSTANT_KINDS = {
    "value": None,
    "value_float": np.float32,
    "value_floats": np.float32,
    "value_int": np.int64,
    "value_ints": np.int64,
}


@implements("Constant")
def constant(node: NodeContext) -> Tensor:
    """A tensor from ``value`` (a tensor), ``value_float(s)`` or ``value_int(s)``, on the CPU."""
    for key, dtype in _CONSTANT_KINDS.items():
        if key in node.attrs:
            return ops.as_tensor(np.array(node.attrs[key], dtype=dtype))
    raise node.error(f"only the attributes {list(_CONSTANT_KINDS)} are supported")


@implements("ConstantOfShape")
def constant_of_shape(node: NodeContext, shape: Tensor) -> Tensor:
    """A tensor of ``shape`` filled with ``value`` (a 1-element tensor; float32 0 by default)."""
    value = node.attr("value", np.zeros(1, dtype=np.float32))
    dtype = dtypes.from_numpy_dtype(value.dtype)
    return ops.full(ints(shape), value.reshape(()).item(), dtype=dtype, device=shape.device)


@implements("Range")
def range_(node: NodeContext, start: Tensor, limit: Tensor, delta: Tensor) -> Tensor:
    return ops.arange(
        start.item(), limit.item(), delta.item(), dtype=start.dtype, device=start.device
    )


@implements("OneHot")
def one_hot(node: NodeContext, indices: Tensor, depth: Tensor, values: Tensor) -> Tensor:
    """``values[1]`` where the new ``axis`` equals the index (negative ones count from
    ``depth``), ``values[0]`` elsewhere."""
    n = int(depth.item())
    rank = indices.ndim + 1
    axis = node.attr("axis", -1) % rank
    classes = ops.arange(n, device=indices.device).reshape(
        [-1 if d == axis else 1 for d in range(rank)]
    )
    hot = _wrapped(indices.to(dtypes.int64), n).unsqueeze(axis) == classes
    return ops.where(hot, values[1], values[0])


# -- padding ------------------------------------------------------------------------------

_PAD_MODES = {"constant": "constant", "reflect": "reflect", "edge": "replicate", "wrap": "circular"}


def _pad_axis(x: Tensor, axis: int, before: int, after: int, mode: str) -> Tensor:
    """``x`` padded along one ``axis`` in a non-constant mode: ``F.pad`` of the axis moved
    last, the others merged into a batch of one channel (which F.pad's modes need)."""
    moved = ops.movedim(x, axis, -1)
    *lead, length = moved.shape
    padded = F.pad(moved.reshape(math.prod(lead), 1, length), (before, after), mode=mode)
    return ops.movedim(padded.reshape(*lead, padded.shape[-1]), -1, axis)


@implements("Pad")
def pad(
    node: NodeContext,
    x: Tensor,
    pads: Tensor | None = None,
    constant_value: Tensor | None = None,
    axes: Tensor | None = None,
) -> Tensor:
    """Modes constant, reflect, edge and wrap; ``pads`` (all befores, then all afters) and
    the value are inputs from opset 11, attributes before; ``axes`` is an input from 18."""
    mode = node.attr("mode", "constant")
    if mode not in _PAD_MODES:
        raise node.error(f"mode {mode!r} is not supported")
    amounts = ints(pads) if pads is not None else list(node.attr("pads"))
    dims = [a % x.ndim for a in ints(axes)] if axes is not None else list(range(x.ndim))
    pairs = {d: (amounts[k], amounts[k + len(dims)]) for k, d in enumerate(dims)}
    if mode != "constant":
        for axis, (before, after) in pairs.items():
            if before or after:
                x = _pad_axis(x, axis, before, after, _PAD_MODES[mode])
        return x
    value = constant_value.item() if constant_value is not None else node.attr("value", 0.0)
    first = min((d for d, pair in pairs.items() if any(pair)), default=x.ndim)
    flat = [n for d in reversed(range(first, x.ndim)) for n in pairs.get(d, (0, 0))]
    return F.pad(x, flat, value=value)


# -- matrices -----------------------------------------------------------------------------


@implements("Trilu")
def trilu(node: NodeContext, x: Tensor, k: Tensor | None = None) -> Tensor:
    """``triu`` (``upper=1``, the default) or ``tril``, on diagonal ``k``."""
    diagonal = ints(k)[0] if k is not None else 0
    return (ops.triu if node.attr("upper", 1) else ops.tril)(x, diagonal)


@implements("MatMul")
def matmul(node: NodeContext, a: Tensor, b: Tensor) -> Tensor:
    return ops.matmul(a, b)


@implements("TopK")
def top_k(node: NodeContext, x: Tensor, k: Tensor) -> tuple[Tensor, Tensor]:
    """``(values, indices)`` of the ``k`` largest (or smallest) entries along ``axis``."""
    values, indices = ops.topk(
        x, ints(k)[0], node.attr("axis", -1), bool(node.attr("largest", 1)), sorted=True
    )
    return values, indices


@implements("Einsum")
def einsum(node: NodeContext, *operands: Tensor) -> Tensor:
    return ops.einsum(node.attr("equation"), *operands)
