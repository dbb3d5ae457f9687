"""Views defined by strides: ``as_strided``, ``Tensor.unfold`` (sliding windows) and
``as_strided_scatter``, the out-of-place write into such a view.

A tensor's elements live in a flat *storage*; a view picks them with a
``storage_offset`` and one stride per dimension (both counted in elements):
element ``(i0, i1, ...)`` sits at ``offset + i0 * stride0 + i1 * stride1 + ...``.
These ops build such views directly, without copying.

Their gradient has to undo an arbitrary (possibly overlapping) choice of
elements, so backward works with *positions*: each output element's storage
position is computed, the gradient is summed into a storage-sized buffer by
position, and the input's own positions are read back out of it.

``as_strided_scatter`` is how autograd records an in-place op on a view
(PyTorch's "CopySlices"): the base's new value is the old base with the
view's new values written at the view's positions.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..autograd.function import Function
from ..tensor import Tensor
from ._util import normalize_dim, require_tensor
from .creation import zeros
from .indexing import index_put

__all__ = ["as_strided", "as_strided_scatter"]


def _storage(data: Any) -> Any:
    """The 1-D array of all elements in the memory block ``data`` is a view of."""
    root, link = data, data.base
    while link is not None:  # views chain to the allocation through .base (maybe via helpers)
        if hasattr(link, "strides"):
            if link.dtype != data.dtype:
                break  # a view read as another dtype (view(dtype)): its elements are its own
            root = link
        link = getattr(link, "base", None)
    return root.ravel(order="K")  # a view: every allocated block is dense in some order


def storage_offset(data: Any, backend: Any) -> int:
    """Elements between the start of ``data``'s storage and its first element."""
    start = backend.data_pointer(_storage(data))
    return (backend.data_pointer(data) - start) // data.itemsize


def _element_strides(data: Any) -> tuple[int, ...]:
    return tuple(s // data.itemsize for s in data.strides)


def layout(data: Any, backend: Any) -> tuple[tuple[int, ...], tuple[int, ...], int]:
    """``(size, stride, storage_offset)`` of ``data``, in elements: ``as_strided``'s arguments."""
    return data.shape, _element_strides(data), storage_offset(data, backend)


def _positions(xp: Any, shape: tuple[int, ...], strides: tuple[int, ...], offset: int) -> Any:
    """Storage position of every element of a ``shape`` view: an int64 array of ``shape``."""
    pos = xp.full(shape, offset, dtype=np.int64)
    for d, (size, stride) in enumerate(zip(shape, strides)):
        axis_shape = [1] * len(shape)
        axis_shape[d] = size
        pos = pos + (xp.arange(size, dtype=np.int64) * stride).reshape(axis_shape)
    return pos


class AsStrided(Function):
    """``size``/``stride``/``offset`` view into the input's storage."""

    is_view = True

    @staticmethod
    def forward(ctx: Any, a: Tensor, size: tuple[int, ...], stride: tuple[int, ...], offset: int):
        storage = _storage(a._data)
        xp = a.backend.xp
        itemsize = storage.itemsize
        ctx.layout = layout(a._data, a.backend)
        ctx.view = (size, stride, offset, storage.size)
        return xp.lib.stride_tricks.as_strided(
            storage[offset:], shape=size, strides=tuple(s * itemsize for s in stride)
        )

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple[Any, ...]:
        size, stride, offset, storage_size = ctx.view
        xp = grad.backend.xp
        out_pos = Tensor._make(_positions(xp, size, stride, offset), grad.device)
        in_pos = Tensor._make(_positions(xp, *ctx.layout), grad.device)
        flat = zeros(storage_size, dtype=grad.dtype, device=grad.device)
        flat = index_put(flat, (out_pos.reshape(-1),), grad.reshape(-1), accumulate=True)
        grad_input = flat[in_pos]
        # An input that itself overlaps (a view of a view) reads a storage element
        # several times; its chain rule adds those reads up, so each gets a share.
        uses = xp.bincount(in_pos._data.reshape(-1), minlength=storage_size)[in_pos._data]
        if (uses > 1).any():
            grad_input = grad_input / Tensor._make(uses.astype(grad._data.dtype), grad.device)
        return grad_input, None, None, None


def _ints(op: str, name: str, values: Any) -> tuple[int, ...]:
    if not isinstance(values, (tuple, list)) or not all(isinstance(v, int) for v in values):
        raise TypeError(f"{op}(): argument '{name}' must be a tuple of ints, but got {values!r}")
    return tuple(values)


def as_strided(input: Tensor, size: Any, stride: Any, storage_offset: int | None = None) -> Tensor:
    """A view of ``input``'s storage with the given ``size``, ``stride`` and offset.

    Strides and ``storage_offset`` count elements of the storage ``input``
    lives in (``None`` keeps ``input.storage_offset()``). Views may overlap
    (a stride of 0 repeats elements); gradients of repeated elements add up.

    Shapes: ``input (*)`` -> ``size``.

    Examples:
        >>> import neurarust as nr
        >>> nr.arange(6.0).as_strided((2, 2), (1, 2))
        tensor([[0., 2.],
                [1., 3.]])
    """
    require_tensor("as_strided", "input", input)
    view = _checked_view("as_strided", input, size, stride, storage_offset)
    return AsStrided.apply(input, *view)


def as_strided_scatter(
    input: Tensor, src: Tensor, size: Any, stride: Any, storage_offset: int | None = None
) -> Tensor:
    """A copy of ``input`` with ``src`` written where ``input.as_strided(size, stride,
    storage_offset)`` would read.

    The result has fresh storage (it is not a view). ``src`` is cast to
    ``input``'s dtype. Every element of the view must be an element of
    ``input``, and the view must not repeat elements.

    Gradients: ``input`` gets the incoming gradient with the written elements
    zeroed; ``src`` gets the incoming gradient at the written elements.

    Shapes: ``input (*)``, ``src`` of shape ``size`` -> ``input``'s shape.

    Examples:
        >>> import neurarust as nr
        >>> nr.as_strided_scatter(nr.zeros(2, 3), nr.tensor([1.0, 2.0]), (2,), (4,))
        tensor([[1., 0., 0.],
                [0., 2., 0.]])
    """
    require_tensor("as_strided_scatter", "input", input)
    require_tensor("as_strided_scatter", "src", src)
    size, stride, offset = _checked_view("as_strided_scatter", input, size, stride, storage_offset)
    if src._data.shape != size:
        raise RuntimeError(
            "as_strided_scatter: expected src to have a size equal to the slice of self. "
            f"src size = {list(src.shape)}, slice size = {list(size)}"
        )
    if any(n > 1 and s == 0 for n, s in zip(size, stride)):
        raise RuntimeError(
            "as_strided_scatter: unsupported operation: more than one element of the "
            "written-to tensor refers to a single memory location."
        )
    coordinates = _coordinates_in(input, size, stride, offset)
    return index_put(input, tuple(Tensor._make(c, input.device) for c in coordinates), src)


def _coordinates_in(
    input: Tensor, size: tuple[int, ...], stride: tuple[int, ...], offset: int
) -> tuple[Any, ...]:
    """Where each element of the view ``(size, stride, offset)`` sits in ``input``:
    one int64 array of shape ``size`` per dimension of ``input``."""
    data, xp = input._data, input.backend.xp
    input_positions = _positions(xp, *layout(data, input.backend)).reshape(-1)
    element_at = xp.full(_storage(data).size, -1, dtype=np.int64)  # storage position -> element
    element_at[input_positions] = xp.arange(data.size, dtype=np.int64)
    elements = element_at[_positions(xp, size, stride, offset)]
    if bool((elements < 0).any()):
        raise RuntimeError(
            f"as_strided_scatter: the view (size {list(size)}, stride {list(stride)}, storage "
            f"offset {offset}) reads storage elements that are not elements of input (shape "
            f"{list(input.shape)}, stride {list(_element_strides(data))}, storage offset "
            f"{storage_offset(data, input.backend)})"
        )
    return xp.unravel_index(elements, data.shape)


def _checked_view(
    op: str, input: Tensor, size: Any, stride: Any, storage_offset: int | None
) -> tuple[tuple[int, ...], tuple[int, ...], int]:
    """``(size, stride, offset)`` checked to read inside ``input``'s storage."""
    size = _ints(op, "size", size)
    stride = _ints(op, "stride", stride)
    if len(size) != len(stride):
        raise RuntimeError(
            f"{op}: mismatch in length of strides and shape ({len(stride)} strides "
            f"for {len(size)} sizes)"
        )
    if any(s < 0 for s in size) or any(s < 0 for s in stride):
        raise RuntimeError(
            f"{op}: sizes and strides must be non-negative (got size {list(size)}, "
            f"stride {list(stride)})"
        )
    offset = _current_offset(input) if storage_offset is None else int(storage_offset)
    if offset < 0:
        raise RuntimeError(f"{op}: storage_offset must be >= 0 (got {offset})")
    available = _storage(input._data).size
    needed = offset + 1 + sum((n - 1) * s for n, s in zip(size, stride)) if all(size) else 0
    if needed > available:
        raise RuntimeError(
            f"{op}: setStorage: sizes {list(size)}, strides {list(stride)}, storage "
            f"offset {offset} require a storage of {needed} elements, but it has {available}"
        )
    return size, stride, offset


def _current_offset(input: Tensor) -> int:
    return storage_offset(input._data, input.backend)


def unfold(input: Tensor, dimension: int, size: int, step: int) -> Tensor:
    """``Tensor.unfold``: windows of ``size`` elements every ``step`` along ``dimension``.

    The windows form a new last dimension; ``dimension`` shrinks to the number
    of windows, ``(n - size) // step + 1``.

    Shapes: ``(..., n, ...)`` -> ``(..., (n - size) // step + 1, ..., size)``.

    Examples:
        >>> import neurarust as nr
        >>> nr.arange(5.0).unfold(0, 2, 2)
        tensor([[0., 1.],
                [2., 3.]])
    """
    require_tensor("unfold", "input", input)
    shape = input._data.shape
    d = normalize_dim(dimension, len(shape), "unfold")
    length = shape[d] if shape else 1
    if size > length:
        raise RuntimeError(
            f"unfold: maximum size for tensor at dimension {d} is {length} but size is {size}"
        )
    if step <= 0:
        raise RuntimeError(f"unfold: step is {step} but must be > 0")
    if not shape:  # a 0-d tensor is one window of its single element
        return as_strided(input, (size,), (1,), _current_offset(input))
    strides = _element_strides(input._data)
    windows = (length - size) // step + 1
    new_size = shape[:d] + (windows,) + shape[d + 1 :] + (size,)
    new_stride = strides[:d] + (strides[d] * step,) + strides[d + 1 :] + (strides[d],)
    return as_strided(input, new_size, new_stride, _current_offset(input))
