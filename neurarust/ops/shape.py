"""Shape ops: reshaping, permuting, expanding, joining and splitting tensors.

Ops that return a view of their input (same storage) set ``is_view`` so the
output shares the input's version counter: writing through a view changes the
base, and a backward that saved the base notices. Ops that copy (``repeat``,
``flip``, ``cat``...) return fresh storage.

Sizes and dims are accepted both as varargs and as one sequence, as PyTorch
does: ``x.permute(1, 0)``, ``x.permute((1, 0))`` and ``permute(x, dims=[1, 0])``.
"""

from __future__ import annotations

import itertools
import math
import operator
import warnings
from collections.abc import Sequence
from typing import Any

from .. import dtypes
from ..autograd.function import Function
from ..memory_format import (
    channels_last,
    contiguous_format,
    is_channels_last,
    preserve_format,
    to_channels_last,
)
from ..tensor import Tensor
from ._util import check_same_device, int_arg, normalize_dim, normalize_dims, require_tensor
from .indexing import getitem

__all__ = [
    "reshape",
    "view",
    "view_as",
    "reshape_as",
    "contiguous",
    "flatten",
    "unflatten",
    "permute",
    "transpose",
    "swapaxes",
    "swapdims",
    "t",
    "squeeze",
    "unsqueeze",
    "expand",
    "expand_as",
    "repeat",
    "tile",
    "flip",
    "roll",
    "cat",
    "concat",
    "concatenate",
    "stack",
    "split",
    "chunk",
    "unbind",
    "clone",
    "movedim",
    "moveaxis",
    "narrow",
    "select",
    "tensor_split",
    "hsplit",
    "vsplit",
    "dsplit",
    "hstack",
    "vstack",
    "row_stack",
    "dstack",
    "column_stack",
    "atleast_1d",
    "atleast_2d",
    "atleast_3d",
    "meshgrid",
    "cartesian_prod",
]


# -- argument helpers -------------------------------------------------------------------


def _ints(first: Any, rest: tuple[Any, ...]) -> tuple[int, ...]:
    """Sizes or dims given as varargs (``1, 0``) or as one sequence (``(1, 0)``)."""
    values = first if isinstance(first, Sequence) and not rest else (first, *rest)
    return tuple(operator.index(v) for v in values)


def _unpacked(tensors: tuple[Any, ...]) -> Sequence[Any]:
    """Tensors given as varargs (``f(a, b)``) or as one sequence (``f([a, b])``)."""
    if len(tensors) == 1 and isinstance(tensors[0], Sequence):
        return tensors[0]
    return tensors


def _dim_list(dims: Any, op: str, name: str) -> tuple[int, ...]:
    """An int or a sequence of ints as a tuple of ints; TypeError naming ``op`` otherwise."""
    if not isinstance(dims, Sequence):
        return (int_arg(op, name, dims),)
    try:
        return tuple(operator.index(d) for d in dims)
    except TypeError:
        raise TypeError(
            f"{op}(): argument '{name}' must be int or tuple of ints, but got {dims!r}"
        ) from None


def _dim_of(input: Tensor, dim: int, op: str, error: type[Exception] = RuntimeError) -> int:
    """``dim`` wrapped for an op that needs at least one dimension (split, narrow...).

    ``error`` is the type PyTorch raises for a 0-d input (IndexError for select, unbind).
    """
    if input._data.ndim == 0:
        raise error(f"{op}() cannot be applied to a 0-dim tensor")
    return normalize_dim(dim, input._data.ndim, op)


def _infer_size(
    shape: tuple[int, ...], numel: int, op: str, mismatch: str | None = None
) -> tuple[int, ...]:
    """``shape`` with its -1 entry (if any) filled in so that it holds ``numel`` elements.

    ``mismatch`` replaces the message of the error raised when it cannot.
    """
    for i, s in enumerate(shape):
        if s < -1:
            raise RuntimeError(
                f"{op}: invalid shape dimension {s} at index {i} of shape {list(shape)}"
            )
    unknown = [i for i, s in enumerate(shape) if s == -1]
    if len(unknown) > 1:
        raise RuntimeError(f"{op}: only one dimension can be inferred")
    known = math.prod(s for s in shape if s != -1)
    if unknown and known and numel % known == 0:
        return shape[: unknown[0]] + (numel // known,) + shape[unknown[0] + 1 :]
    if not unknown and known == numel:
        return shape
    if unknown and numel == 0:
        raise RuntimeError(
            f"{op}: cannot reshape tensor of 0 elements into shape {list(shape)} because the "
            "unspecified dimension size -1 can be any value and is ambiguous"
        )
    raise RuntimeError(
        mismatch or f"{op}: shape '{list(shape)}' is invalid for input of size {numel}"
    )


def _viewable(data: Any, shape: tuple[int, ...]) -> bool:
    """Whether ``data`` can take ``shape`` (same number of elements) without a copy.

    Split the layout into chunks: maximal runs of dimensions that sit back to
    back in memory. Within a chunk the elements are equally spaced, so it can be
    regrouped freely; a view is possible exactly when no new dimension straddles
    two chunks, i.e. every chunk boundary is also a boundary of the new shape.
    """
    if data.flags.c_contiguous or data.size == 0:
        return True
    chunks: list[int] = []
    outer_stride = None
    for size, stride in zip(data.shape, data.strides):
        if size == 1:  # size-1 dims have no say in the layout
            continue
        if chunks and outer_stride == size * stride:
            chunks[-1] *= size
        else:
            chunks.append(size)
        outer_stride = stride
    boundaries = set(itertools.accumulate(chunks, operator.mul))
    return boundaries <= set(itertools.accumulate(shape, operator.mul))


# -- reshaping ----------------------------------------------------------------------------


class View(Function):
    """The same elements in a new shape, sharing storage."""

    is_view = True

    @staticmethod
    def forward(ctx: Any, a: Tensor, shape: tuple[int, ...]) -> Any:
        ctx.shape = a._data.shape
        return a._data.reshape(shape)

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple[Any, ...]:
        return _reshape_to(grad, ctx.shape), None


class Reshape(View):
    """A reshape whose input strides allow no view: the elements are copied."""

    is_view = False


def _reshape_to(input: Tensor, shape: tuple[int, ...]) -> Tensor:
    """``input`` in the valid ``shape``: a view when the strides allow it, else a copy."""
    op = View if _viewable(input._data, shape) else Reshape
    return op.apply(input, shape)


def reshape(input: Tensor, shape: Any, *more: int) -> Tensor:
    """``input``'s elements in a new ``shape`` (one entry may be -1, inferred).

    A view when the input's strides allow it, otherwise a copy.

    Shapes: ``(*)`` -> ``shape``, with the same number of elements.

    Examples:
        >>> import neurarust as nr
        >>> nr.arange(6).reshape(2, -1).shape
        neurarust.Size([2, 3])
    """
    target = _infer_size(_ints(shape, more), input._data.size, "reshape")
    return _reshape_to(input, target)


class ViewDtype(Function):
    """The same bytes read as another dtype: a view that gradients do not flow through."""

    is_view = True

    @staticmethod
    def forward(ctx: Any, a: Tensor, dtype: dtypes.dtype) -> Any:
        out = Tensor._make(a._data.view(dtype.numpy), a.device)
        ctx.mark_non_differentiable(out)
        return out


def _check_dtype_view(data: Any, dtype: dtypes.dtype) -> None:
    """RuntimeError when ``data`` cannot be read as ``dtype`` of another element size."""
    old, new = data.itemsize, dtype.numpy.itemsize
    if old == new:
        return
    what = f"to view {dtypes.from_numpy_dtype(data.dtype).name} as {dtype.name}"
    if data.ndim == 0:
        raise RuntimeError(f"view: self.dim() cannot be 0 {what} (different element sizes)")
    ratio = new // old  # 0 when narrowing, where every size and outer stride fits
    if ratio > 1 and data.shape[-1] % ratio:
        raise RuntimeError(
            f"view: self.size(-1) must be divisible by {ratio} {what} (different element "
            f"sizes), but got {data.shape[-1]}"
        )
    strides = [s // old for s in data.strides]
    if strides[-1] != 1:
        raise RuntimeError(
            f"view: self.stride(-1) must be 1 {what} (different element sizes), "
            f"but got {strides[-1]}"
        )
    for d, stride in enumerate(strides[:-1]):
        if ratio > 1 and stride % ratio:
            raise RuntimeError(
                f"view: self.stride({d}) must be divisible by {ratio} {what} (different "
                f"element sizes), but got {stride}"
            )


def view(input: Tensor, size: Any = None, *more: int, dtype: dtypes.dtype | None = None) -> Tensor:
    """A view of ``input`` with a new shape ``size`` (one entry may be -1).

    Raises RuntimeError when the strides make a view impossible (e.g. a
    transposed tensor flattened); use :func:`reshape` there. ``view(dtype)``
    reads the same memory as another dtype instead (the last dimension scales
    by the ratio of element sizes; gradients do not flow through it).

    Examples:
        >>> import neurarust as nr
        >>> nr.zeros(2, 3).view(3, 2).shape
        neurarust.Size([3, 2])
        >>> nr.ones(2).view(nr.int32)
        tensor([1065353216, 1065353216], dtype=neurarust.int32)
    """
    if isinstance(size, dtypes.dtype) or dtype is not None:
        target_dtype = dtype if dtype is not None else size
        _check_dtype_view(input._data, target_dtype)
        return ViewDtype.apply(input, target_dtype)
    target = _infer_size(_ints(size, more), input._data.size, "view")
    if not _viewable(input._data, target):
        raise RuntimeError(
            "view size is not compatible with input tensor's size and stride (at least one "
            "dimension spans across two contiguous subspaces). Use .reshape(...) instead."
        )
    return View.apply(input, target)


def view_as(input: Tensor, other: Tensor) -> Tensor:
    """``input.view(other.shape)``."""
    require_tensor("view_as", "other", other)
    return view(input, other._data.shape)


def reshape_as(input: Tensor, other: Tensor) -> Tensor:
    """``input.reshape(other.shape)``."""
    require_tensor("reshape_as", "other", other)
    return reshape(input, other._data.shape)


def flatten(input: Tensor, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    """Dimensions ``start_dim`` to ``end_dim`` merged into one (a view when possible).

    Shapes: ``(a, b, c, d)`` with ``start_dim=1, end_dim=2`` -> ``(a, b * c, d)``;
    a 0-d input gives shape ``(1,)``.

    Examples:
        >>> import neurarust as nr
        >>> nr.zeros(2, 3, 4).flatten(1).shape
        neurarust.Size([2, 12])
    """
    ndim = input._data.ndim
    start = normalize_dim(start_dim, ndim, "flatten")
    end = normalize_dim(end_dim, ndim, "flatten")
    if ndim == 0:
        return _reshape_to(input, (1,))
    if start > end:
        raise RuntimeError("flatten: start_dim cannot come after end_dim")
    if start == end:
        return input
    shape = input._data.shape
    merged = math.prod(shape[start : end + 1])
    return _reshape_to(input, shape[:start] + (merged,) + shape[end + 1 :])


def unflatten(input: Tensor, dim: int, sizes: Sequence[int]) -> Tensor:
    """Dimension ``dim`` split into ``sizes`` (one entry may be -1): always a view.

    Shapes: ``(a, b * c)`` with ``dim=1, sizes=(b, c)`` -> ``(a, b, c)``.

    Examples:
        >>> import neurarust as nr
        >>> nr.zeros(2, 12).unflatten(1, (3, -1)).shape
        neurarust.Size([2, 3, 4])
    """
    d = normalize_dim(dim, input._data.ndim, "unflatten")
    if not sizes:
        raise RuntimeError("unflatten: sizes must be non-empty")
    shape = input._data.shape
    wanted = _ints(sizes, ())
    mismatch = (
        f"unflatten: Provided sizes {list(wanted)} don't multiply up to the size of dim {dim} "
        f"({shape[d]}) in the input tensor"
    )
    middle = _infer_size(wanted, shape[d], "unflatten", mismatch)
    return View.apply(input, shape[:d] + middle + shape[d + 1 :])


def squeeze(input: Tensor, dim: Any = None) -> Tensor:
    """A view of ``input`` without its size-1 dimensions (only those in ``dim`` if given).

    ``dim`` is None (all), an int or a tuple of ints; listed dims whose size is
    not 1 are kept.

    Examples:
        >>> import neurarust as nr
        >>> nr.zeros(2, 1, 3, 1).squeeze(1).shape
        neurarust.Size([2, 3, 1])
    """
    shape = input._data.shape
    if dim is not None:
        dim = _dim_list(dim, "squeeze", "dim")
    dims = normalize_dims(dim, len(shape), "squeeze")
    kept = tuple(s for i, s in enumerate(shape) if s != 1 or i not in dims)
    return View.apply(input, kept)


def unsqueeze(input: Tensor, dim: int) -> Tensor:
    """A view of ``input`` with a size-1 dimension inserted at ``dim``.

    ``dim`` ranges over ``[-input.dim() - 1, input.dim()]``.

    Examples:
        >>> import neurarust as nr
        >>> nr.zeros(2, 3).unsqueeze(-1).shape
        neurarust.Size([2, 3, 1])
    """
    shape = input._data.shape
    d = normalize_dim(dim, len(shape) + 1, "unsqueeze")
    return View.apply(input, shape[:d] + (1,) + shape[d:])


def _at_least(input: Tensor, ndim: int) -> Tensor:
    """``input`` itself if it has ``ndim`` dimensions or more, else a view padded with
    size-1 dims by NumPy's rule: ``()`` -> ``(1,)`` -> ``(1, n)`` -> ``(1, n, 1)``, and
    ``(a, b)`` -> ``(a, b, 1)``."""
    shape = input._data.shape
    if len(shape) >= ndim:
        return input
    front = max(min(ndim, 2) - len(shape), 0)  # the first two dims are added in front...
    back = 1 if ndim == 3 else 0  # ...and the third one behind
    return View.apply(input, (1,) * front + shape + (1,) * back)


def _at_least_all(op: str, ndim: int, tensors: tuple[Any, ...]) -> Any:
    """:func:`_at_least` of one Tensor, or a tuple of it for several (varargs or a sequence)."""
    if len(tensors) == 1 and isinstance(tensors[0], Tensor):
        return _at_least(tensors[0], ndim)
    return tuple(_at_least(t, ndim) for t in _tensor_list(op, _unpacked(tensors)))


def atleast_1d(*tensors: Any) -> Tensor | tuple[Tensor, ...]:
    """Each tensor viewed with at least one dimension (0-d becomes shape ``(1,)``).

    One Tensor gives a Tensor (the input itself when it already has a
    dimension); several, or one sequence of them, give a tuple.

    Examples:
        >>> import neurarust as nr
        >>> nr.atleast_1d(nr.tensor(3.0))
        tensor([3.])
        >>> tuple(t.shape for t in nr.atleast_1d(nr.tensor(1), nr.zeros(2, 2)))
        (neurarust.Size([1]), neurarust.Size([2, 2]))
    """
    return _at_least_all("atleast_1d", 1, tensors)


def atleast_2d(*tensors: Any) -> Tensor | tuple[Tensor, ...]:
    """Each tensor viewed with at least two dimensions.

    ``()`` -> ``(1, 1)``, ``(n,)`` -> ``(1, n)``. Takes one Tensor (returns a
    Tensor) or several (returns a tuple), as :func:`atleast_1d`.

    Examples:
        >>> import neurarust as nr
        >>> nr.atleast_2d(nr.zeros(3)).shape
        neurarust.Size([1, 3])
    """
    return _at_least_all("atleast_2d", 2, tensors)


def atleast_3d(*tensors: Any) -> Tensor | tuple[Tensor, ...]:
    """Each tensor viewed with at least three dimensions.

    ``()`` -> ``(1, 1, 1)``, ``(n,)`` -> ``(1, n, 1)``, ``(a, b)`` -> ``(a, b, 1)``. Takes
    one Tensor (returns a Tensor) or several (returns a tuple), as :func:`atleast_1d`.

    Examples:
        >>> import neurarust as nr
        >>> nr.atleast_3d(nr.zeros(2, 3)).shape
        neurarust.Size([2, 3, 1])
    """
    return _at_least_all("atleast_3d", 3, tensors)


class Copy(Function):
    """A copy of the input in a chosen layout; the gradient passes through unchanged.

    ``layout`` is ``"C"`` (row-major), ``"K"`` (the input's own dimension order,
    so a transposed or channels-last input stays so) or ``"channels_last"``.
    """

    @staticmethod
    def forward(ctx: Any, a: Tensor, layout: str) -> Any:
        if layout == "channels_last":
            return to_channels_last(a._data, a.backend.xp)
        return a._data.copy(order=layout)

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple[Any, ...]:
        return grad, None


def _check_channels_last(op: str, input: Tensor) -> None:
    if input._data.ndim != 4:
        raise RuntimeError(
            f"{op}: required rank 4 tensor to use channels_last format (got a "
            f"{input._data.ndim}-D tensor)"
        )


def contiguous(input: Tensor, memory_format: Any = contiguous_format) -> Tensor:
    """``input`` itself if it is laid out as ``memory_format``, else a copy that is.

    ``memory_format`` is ``neurarust.contiguous_format`` (row-major) or, for a
    4-D NCHW tensor, ``neurarust.channels_last`` (elements in N, H, W, C order;
    the shape stays NCHW).

    Examples:
        >>> import neurarust as nr
        >>> nr.zeros(2, 3).t().contiguous().is_contiguous()
        True
        >>> nr.zeros(1, 3, 2, 2).contiguous(memory_format=nr.channels_last).stride()
        (12, 1, 6, 3)
    """
    if memory_format is channels_last:
        _check_channels_last("contiguous", input)
        if is_channels_last(input._data):
            return input
        return Copy.apply(input, "channels_last")
    if memory_format is preserve_format:
        raise RuntimeError(
            "contiguous: preserve memory format is unsupported by the contiguous operator"
        )
    if input._data.flags.c_contiguous:
        return input
    return Copy.apply(input, "C")


def clone(input: Tensor, *, memory_format: Any = preserve_format) -> Tensor:
    """A copy of ``input`` with its own storage; gradients flow back unchanged.

    With ``memory_format=preserve_format`` (the default) the copy keeps the
    input's layout: a transposed or channels-last input gives a copy with the
    same strides. ``contiguous_format`` or ``channels_last`` choose the layout.

    Examples:
        >>> import neurarust as nr
        >>> x = nr.ones(2)
        >>> y = x.clone()
        >>> y.add_(1)
        tensor([2., 2.])
        >>> x
        tensor([1., 1.])
        >>> nr.zeros(2, 3).t().clone().stride()
        (1, 3)
    """
    if memory_format is channels_last:
        _check_channels_last("clone", input)
        return Copy.apply(input, "channels_last")
    return Copy.apply(input, "K" if memory_format is preserve_format else "C")


# -- reordering dimensions ----------------------------------------------------------------


class Permute(Function):
    """A view with the dimensions reordered: output dim ``i`` is input dim ``perm[i]``."""

    is_view = True

    @staticmethod
    def forward(ctx: Any, a: Tensor, perm: tuple[int, ...]) -> Any:
        ctx.perm = perm
        return a._data.transpose(perm)

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple[Any, ...]:
        inverse = sorted(range(len(ctx.perm)), key=ctx.perm.__getitem__)
        return Permute.apply(grad, tuple(inverse)), None


def permute(input: Tensor, dims: Any, *more: int) -> Tensor:
    """A view of ``input`` with its dimensions in the order ``dims``.

    Shapes: ``(a, b, c)`` with ``dims=(2, 0, 1)`` -> ``(c, a, b)``.

    Examples:
        >>> import neurarust as nr
        >>> nr.zeros(2, 3, 4).permute(2, 0, 1).shape
        neurarust.Size([4, 2, 3])
    """
    order = _ints(dims, more)
    ndim = input._data.ndim
    if len(order) != ndim:
        raise RuntimeError(
            "permute: number of dimensions in the tensor input does not match the length of "
            f"the desired ordering of dimensions i.e. input.dim() = {ndim} is not equal to "
            f"len(dims) = {len(order)}"
        )
    perm = tuple(normalize_dim(d, ndim, "permute") for d in order)
    if len(set(perm)) != ndim:
        raise RuntimeError("permute: duplicate dims are not allowed.")
    return Permute.apply(input, perm)


def _swap(input: Tensor, dim0: int, dim1: int, op: str) -> Tensor:
    ndim = input._data.ndim
    perm = list(range(ndim))
    a, b = normalize_dim(dim0, ndim, op), normalize_dim(dim1, ndim, op)
    if ndim:
        perm[a], perm[b] = perm[b], perm[a]
    return Permute.apply(input, tuple(perm))


def transpose(input: Tensor, dim0: int, dim1: int) -> Tensor:
    """A view of ``input`` with dimensions ``dim0`` and ``dim1`` swapped.

    Examples:
        >>> import neurarust as nr
        >>> nr.zeros(2, 3, 4).transpose(0, 2).shape
        neurarust.Size([4, 3, 2])
    """
    return _swap(input, dim0, dim1, "transpose")


def swapaxes(input: Tensor, axis0: int, axis1: int) -> Tensor:
    """Alias of :func:`transpose` (NumPy's name)."""
    return _swap(input, axis0, axis1, "swapaxes")


def swapdims(input: Tensor, dim0: int, dim1: int) -> Tensor:
    """Alias of :func:`transpose`."""
    return _swap(input, dim0, dim1, "swapdims")


def t(input: Tensor) -> Tensor:
    """The transpose of a matrix (a view); 0-D and 1-D inputs come back as they are.

    Examples:
        >>> import neurarust as nr
        >>> nr.zeros(2, 3).t().shape
        neurarust.Size([3, 2])
    """
    ndim = input._data.ndim
    if ndim > 2:
        raise RuntimeError(f"t: t() expects a tensor with <= 2 dimensions, but self is {ndim}D")
    return Permute.apply(input, tuple(reversed(range(ndim))))


def movedim(input: Tensor, source: Any, destination: Any) -> Tensor:
    """A view of ``input`` with dims ``source`` moved to positions ``destination``.

    The other dimensions keep their relative order. ``source`` and
    ``destination`` are ints or equally long sequences.

    Examples:
        >>> import neurarust as nr
        >>> nr.zeros(2, 3, 4).movedim(0, -1).shape
        neurarust.Size([3, 4, 2])
    """
    if isinstance(source, Sequence) != isinstance(destination, Sequence):
        raise TypeError(
            "movedim(): source and destination must both be ints or both sequences of ints, "
            f"but got {type(source).__name__} and {type(destination).__name__}"
        )
    src = _dim_list(source, "movedim", "source")
    dst = _dim_list(destination, "movedim", "destination")
    if len(src) != len(dst):
        raise RuntimeError(
            f"movedim: Invalid source or destination dims: source ({list(src)} dims) should "
            f"contain the same number of dims as destination ({list(dst)} dims)"
        )
    ndim = input._data.ndim
    moved = [normalize_dim(d, ndim, "movedim") for d in src]
    targets = [normalize_dim(d, ndim, "movedim") for d in dst]
    for name, given, dims in (("source", src, moved), ("destination", dst, targets)):
        if len(set(dims)) != len(dims):
            raise RuntimeError(f"movedim: repeated dim in `{name}` ({list(given)})")
    order = [d for d in range(ndim) if d not in moved]
    for target, d in sorted(zip(targets, moved)):
        order.insert(target, d)
    return Permute.apply(input, tuple(order) if ndim else ())  # a 0-d tensor accepts dim 0


def moveaxis(input: Tensor, source: Any, destination: Any) -> Tensor:
    """Alias of :func:`movedim` (NumPy's name)."""
    return movedim(input, source, destination)


# -- broadcasting and repetition ----------------------------------------------------------


class Expand(Function):
    is_view = True

    @staticmethod
    def forward(ctx: Any, a: Tensor, shape: tuple[int, ...]) -> Any:
        ctx.shape = a._data.shape
        return a.backend.xp.broadcast_to(a._data, shape)

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple[Any, ...]:
        return grad.sum_to_size(ctx.shape), None


def _expanded_shape(shape: tuple[int, ...], sizes: tuple[int, ...]) -> tuple[int, ...]:
    """The target of ``expand``: -1 keeps a size; only size-1 dims may grow."""
    if len(sizes) < len(shape):
        raise RuntimeError(
            f"expand: the number of sizes provided ({len(sizes)}) must be greater or equal to "
            f"the number of dimensions in the tensor ({len(shape)})"
        )
    lead = len(sizes) - len(shape)
    target = list(sizes[:lead])
    for i, s in enumerate(target):
        if s < 0:
            raise RuntimeError(
                f"expand: The expanded size of the tensor ({s}) isn't allowed in a leading, "
                f"non-existing dimension {i}"
            )
    for i, (size, old) in enumerate(zip(sizes[lead:], shape), start=lead):
        if size == -1:
            size = old
        elif old != 1 and size != old:
            raise RuntimeError(
                f"expand: The expanded size of the tensor ({size}) must match the existing size "
                f"({old}) at non-singleton dimension {i}.  Target sizes: {list(sizes)}.  "
                f"Tensor sizes: {list(shape)}"
            )
        target.append(size)
    return tuple(target)


def expand(input: Tensor, size: Any, *more: int) -> Tensor:
    """A broadcast view of ``input`` with shape ``size`` (-1 keeps a dimension).

    Size-1 dimensions may grow, and new leading dimensions may be added; no
    memory is copied.

    Examples:
        >>> import neurarust as nr
        >>> nr.zeros(3, 1).expand(2, -1, 4).shape
        neurarust.Size([2, 3, 4])
    """
    return Expand.apply(input, _expanded_shape(input._data.shape, _ints(size, more)))


def expand_as(input: Tensor, other: Tensor) -> Tensor:
    """``input.expand(other.shape)``."""
    return expand(input, other._data.shape)


_MESHGRID_INDEXING = (
    "meshgrid: in an upcoming release, it will be required to pass the indexing argument."
)
_warned: set[str] = set()


def _warn_once(message: str) -> None:
    """A UserWarning the first time only, per process (PyTorch's TORCH_WARN_ONCE)."""
    if message not in _warned:
        _warned.add(message)
        warnings.warn(message, UserWarning, stacklevel=3)


def meshgrid(*tensors: Any, indexing: str | None = None) -> tuple[Tensor, ...]:
    """Coordinate grids of 0-D or 1-D tensors: broadcast views, one per input.

    With ``indexing="ij"`` output ``i`` varies along dimension ``i``; with
    ``"xy"`` (Cartesian, NumPy's default) the first two dimensions are swapped.
    Omitting ``indexing`` means ``"ij"`` and warns once, as PyTorch does. The
    tensors are given as varargs or as one sequence and must share a dtype.

    Shapes: inputs of ``n1, n2, n3`` elements -> outputs of shape ``(n1, n2, n3)``
    (``"ij"``) or ``(n2, n1, n3)`` (``"xy"``).

    Examples:
        >>> import neurarust as nr
        >>> rows, cols = nr.meshgrid(nr.tensor([1, 2]), nr.tensor([3, 4, 5]), indexing="ij")
        >>> rows
        tensor([[1, 1, 1],
                [2, 2, 2]])
        >>> cols
        tensor([[3, 4, 5],
                [3, 4, 5]])
    """
    vectors = _nonempty("meshgrid", _unpacked(tensors))
    if indexing is None:
        _warn_once(_MESHGRID_INDEXING)
        indexing = "ij"
    if indexing not in ("ij", "xy"):
        raise RuntimeError(
            f'meshgrid: indexing must be one of "xy" or "ij", but received: {indexing}'
        )
    for i, t in enumerate(vectors):
        if t._data.ndim > 1:
            raise RuntimeError(
                "meshgrid: Expected 0D or 1D tensor in the tensor list but got a tensor of "
                f"shape {list(t._data.shape)} at position {i}"
            )
        if t.dtype is not vectors[0].dtype:
            raise RuntimeError(
                "meshgrid: expects all tensors to have the same dtype, but got "
                f"{vectors[0].dtype.name} at position 0 and {t.dtype.name} at position {i}"
            )
    axes = list(range(len(vectors)))  # the output dimension each input varies along
    if indexing == "xy" and len(vectors) > 1:
        axes[0], axes[1] = 1, 0
    shape = [0] * len(vectors)
    for t, axis in zip(vectors, axes):
        shape[axis] = t._data.size
    grids = []
    for t, axis in zip(vectors, axes):
        column = [1] * len(vectors)  # t laid along its axis, size 1 elsewhere
        column[axis] = t._data.size
        grids.append(Expand.apply(View.apply(t, tuple(column)), tuple(shape)))
    return tuple(grids)


class Repeat(Function):
    @staticmethod
    def forward(ctx: Any, a: Tensor, repeats: tuple[int, ...]) -> Any:
        ctx.shape, ctx.repeats = a._data.shape, repeats
        return a.backend.xp.tile(a._data, repeats)

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple[Any, ...]:
        # View the output as (r0, s0, r1, s1, ...) and sum over the repetitions r_i.
        repeats = ctx.repeats
        padded = (1,) * (len(repeats) - len(ctx.shape)) + ctx.shape
        split = tuple(n for pair in zip(repeats, padded) for n in pair)
        summed = grad.reshape(split).sum(tuple(range(0, len(split), 2)))
        return summed.reshape(ctx.shape), None


def repeat(input: Tensor, repeats: Any, *more: int) -> Tensor:
    """``input`` tiled ``repeats[i]`` times along each dimension (a copy).

    ``len(repeats)`` may exceed ``input.dim()``: new leading dimensions are added.

    Shapes: ``(a, b)`` with ``repeats=(2, 3)`` -> ``(2a, 3b)``.

    Examples:
        >>> import neurarust as nr
        >>> nr.tensor([1, 2]).repeat(2, 2)
        tensor([[1, 2, 1, 2],
                [1, 2, 1, 2]])
    """
    counts = _ints(repeats, more)
    if len(counts) < input._data.ndim:
        raise RuntimeError(
            "repeat: Number of dimensions of repeat dims can not be smaller than number of "
            "dimensions of tensor"
        )
    shape = (1,) * (len(counts) - input._data.ndim) + input._data.shape
    for n in counts:
        if n < 0:
            out_shape = [c * s for c, s in zip(counts, shape)]
            raise RuntimeError(
                f"repeat: Trying to create tensor with negative dimension {n}: {out_shape}"
            )
    return Repeat.apply(input, counts)


def tile(input: Tensor, dims: Any, *more: int) -> Tensor:
    """Like :func:`repeat`, but ``dims`` shorter than ``input.dim()`` is padded with 1s.

    Examples:
        >>> import neurarust as nr
        >>> nr.zeros(2, 3).tile(2).shape
        neurarust.Size([2, 6])
    """
    counts = _ints(dims, more)
    counts = (1,) * (input._data.ndim - len(counts)) + counts
    return repeat(input, counts)


class Flip(Function):
    @staticmethod
    def forward(ctx: Any, a: Tensor, dims: tuple[int, ...]) -> Any:
        ctx.dims = dims
        return a.backend.xp.flip(a._data, axis=dims).copy()  # PyTorch's flip copies

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple[Any, ...]:
        return Flip.apply(grad, ctx.dims), None


def flip(input: Tensor, dims: Any, *more: int) -> Tensor:
    """A copy of ``input`` with the order of elements reversed along ``dims``.

    Examples:
        >>> import neurarust as nr
        >>> nr.tensor([[1, 2], [3, 4]]).flip(1)
        tensor([[2, 1],
                [4, 3]])
    """
    ndim = input._data.ndim
    axes = normalize_dims(_ints(dims, more), ndim, "flip")
    return Flip.apply(input, axes if ndim else ())  # a 0-d tensor accepts dim 0 and -1


class Roll(Function):
    @staticmethod
    def forward(ctx: Any, a: Tensor, shifts: tuple[int, ...], dims: tuple[int, ...] | None) -> Any:
        ctx.shifts, ctx.dims = shifts, dims
        if dims is None:  # roll the flattened tensor
            return a.backend.xp.roll(a._data, shifts[0])
        return a.backend.xp.roll(a._data, shifts, axis=dims)

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple[Any, ...]:
        return Roll.apply(grad, tuple(-s for s in ctx.shifts), ctx.dims), None, None


def roll(input: Tensor, shifts: Any, dims: Any = None) -> Tensor:
    """``input`` shifted circularly by ``shifts[i]`` along ``dims[i]`` (a copy).

    With ``dims=None`` the flattened tensor is rolled by the single shift and
    the shape restored.

    Examples:
        >>> import neurarust as nr
        >>> nr.tensor([1, 2, 3, 4]).roll(1)
        tensor([4, 1, 2, 3])
    """
    steps = _dim_list(shifts, "roll", "shifts")
    axes = () if dims is None else _dim_list(dims, "roll", "dims")
    if len(steps) != len(axes) and not (dims is None and len(steps) == 1):
        raise RuntimeError(
            f"roll: shifts and dimensions must align. shifts: {len(steps)}, dims:{len(axes)}"
        )
    ndim = input._data.ndim
    normalized = None if dims is None else tuple(normalize_dim(d, ndim, "roll") for d in axes)
    return Roll.apply(input, steps, normalized)


# -- joining and splitting ----------------------------------------------------------------


def _tensor_list(op: str, tensors: Any) -> list[Tensor]:
    """``tensors`` as a list, checked to be a sequence of Tensors."""
    if isinstance(tensors, Tensor) or not isinstance(tensors, Sequence):
        raise TypeError(f"{op}: expected a sequence of Tensors, got {type(tensors).__name__}")
    for i, t in enumerate(tensors):
        if not isinstance(t, Tensor):
            raise TypeError(f"{op}: expected Tensor as element {i}, but got {type(t).__name__}")
    return list(tensors)


def _joinable(op: str, tensors: Any) -> list[Tensor]:
    """``tensors`` as a list, checked to be Tensors on one device."""
    tensors = _tensor_list(op, tensors)
    for t in tensors:
        check_same_device(op, tensors[0], t)
    return tensors


def _nonempty(op: str, tensors: Any) -> list[Tensor]:
    """:func:`_joinable`, and a RuntimeError naming ``op`` when there are no tensors."""
    tensors = _joinable(op, tensors)
    if not tensors:
        raise RuntimeError(f"{op}: {op} expects a non-empty TensorList")
    return tensors


def _arrays_as(tensors: tuple[Tensor, ...], dtype: dtypes.dtype) -> list[Any]:
    return [t._data.astype(dtype.numpy, copy=False) for t in tensors]


def _needed(grads: tuple[Tensor, ...], needs: tuple[bool, ...]) -> tuple[Tensor | None, ...]:
    return tuple(g if need else None for g, need in zip(grads, needs))


class Cat(Function):
    @staticmethod
    def forward(ctx: Any, dim: int, dtype: dtypes.dtype, *tensors: Tensor) -> Any:
        ctx.dim, ctx.sizes = dim, tuple(t._data.shape[dim] for t in tensors)
        return tensors[0].backend.xp.concatenate(_arrays_as(tensors, dtype), axis=dim)

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple[Any, ...]:
        pieces = Split.apply(grad, ctx.dim, ctx.sizes, True)
        return (None, None, *_needed(pieces, ctx.needs_input_grad[2:]))


def _check_cat_shapes(tensors: list[Tensor], dim: int, op: str) -> None:
    first = tensors[0]._data.shape
    for i, t in enumerate(tensors):
        shape = t._data.shape
        if len(shape) != len(first):
            raise RuntimeError(
                f"{op}: Tensors must have same number of dimensions: "
                f"got {len(first)} and {len(shape)}"
            )
        for d, (expected, got) in enumerate(zip(first, shape)):
            if d != dim and expected != got:
                raise RuntimeError(
                    f"{op}: Sizes of tensors must match except in dimension {dim}. Expected size "
                    f"{expected} but got size {got} for tensor number {i} in the list."
                )


def cat(tensors: Sequence[Tensor], dim: int = 0) -> Tensor:
    """The tensors joined along the existing dimension ``dim``.

    All shapes must match except along ``dim``; dtypes are promoted as in
    PyTorch (``int32`` with ``float16`` gives ``float16``). 1-D empty tensors
    are skipped, as PyTorch does for backward compatibility.

    Shapes: ``(a, n1, c)``, ``(a, n2, c)`` with ``dim=1`` -> ``(a, n1 + n2, c)``.

    Examples:
        >>> import neurarust as nr
        >>> nr.cat([nr.zeros(2, 3), nr.ones(1, 3)]).shape
        neurarust.Size([3, 3])
    """
    tensors = _joinable("cat", tensors)
    if not tensors:
        raise ValueError("cat: expected a non-empty list of Tensors")
    return _cat(tensors, dim, "cat")


def _cat(tensors: list[Tensor], dim: int, op: str) -> Tensor:
    """:func:`cat` of checked, non-empty ``tensors``, with errors naming ``op``."""
    for i, t in enumerate(tensors):
        if t._data.ndim == 0:
            raise RuntimeError(
                f"{op}: zero-dimensional tensor (at position {i}) cannot be concatenated"
            )
    dtype = dtypes.result_type(*tensors)
    parts = [t for t in tensors if t._data.shape != (0,)] or tensors[:1]
    d = normalize_dim(dim, parts[0]._data.ndim, op)
    _check_cat_shapes(parts, d, op)
    # 1-D empty tensors join as empty slabs of the others' shape rather than being
    # dropped, so that they still get a (zero) gradient, as in PyTorch.
    shape = parts[0]._data.shape
    slab = shape[:d] + (0,) + shape[d + 1 :]
    if slab != (0,):
        tensors = [View.apply(t, slab) if t._data.shape == (0,) else t for t in tensors]
    return Cat.apply(d, dtype, *tensors)


def concat(tensors: Sequence[Tensor], dim: int = 0) -> Tensor:
    """Alias of :func:`cat`."""
    return cat(tensors, dim)


def concatenate(tensors: Sequence[Tensor], axis: int = 0) -> Tensor:
    """Alias of :func:`cat` (NumPy's name)."""
    return cat(tensors, axis)


class Stack(Function):
    @staticmethod
    def forward(ctx: Any, dim: int, dtype: dtypes.dtype, *tensors: Tensor) -> Any:
        ctx.dim = dim
        return tensors[0].backend.xp.stack(_arrays_as(tensors, dtype), axis=dim)

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple[Any, ...]:
        pieces = Split.apply(grad, ctx.dim, (1,) * grad._data.shape[ctx.dim], False)
        return (None, None, *_needed(pieces, ctx.needs_input_grad[2:]))


def stack(tensors: Sequence[Tensor], dim: int = 0) -> Tensor:
    """The equally shaped tensors joined along a new dimension ``dim``.

    Shapes: ``n`` tensors of shape ``(a, b)`` with ``dim=1`` -> ``(a, n, b)``.

    Examples:
        >>> import neurarust as nr
        >>> nr.stack([nr.zeros(2), nr.ones(2)], dim=1).shape
        neurarust.Size([2, 2])
    """
    tensors = _nonempty("stack", tensors)
    first = tensors[0]._data.shape
    for i, t in enumerate(tensors):
        if t._data.shape != first:
            raise RuntimeError(
                f"stack: stack expects each tensor to be equal size, but got {list(first)} at "
                f"entry 0 and {list(t._data.shape)} at entry {i}"
            )
    d = normalize_dim(dim, len(first) + 1, "stack")
    return Stack.apply(d, dtypes.result_type(*tensors), *tensors)


def hstack(tensors: Sequence[Tensor]) -> Tensor:
    """The tensors joined column-wise: along dim 1, or dim 0 for 1-D tensors (a copy).

    0-d tensors count as 1-D (:func:`atleast_1d`); dtypes are promoted as in :func:`cat`.

    Shapes: ``(n1,)``, ``(n2,)`` -> ``(n1 + n2,)``; ``(a, n1)``, ``(a, n2)`` -> ``(a, n1 + n2)``.

    Examples:
        >>> import neurarust as nr
        >>> nr.hstack([nr.tensor([1, 2]), nr.tensor(3)])
        tensor([1, 2, 3])
    """
    parts = [_at_least(t, 1) for t in _nonempty("hstack", tensors)]
    return _cat(parts, 0 if parts[0]._data.ndim == 1 else 1, "hstack")


def vstack(tensors: Sequence[Tensor]) -> Tensor:
    """The tensors joined row-wise, along dim 0, after :func:`atleast_2d` (a copy).

    Shapes: ``(n,)``, ``(n,)`` -> ``(2, n)``; ``(a1, n)``, ``(a2, n)`` -> ``(a1 + a2, n)``.

    Examples:
        >>> import neurarust as nr
        >>> nr.vstack([nr.tensor([1, 2]), nr.tensor([3, 4])])
        tensor([[1, 2],
                [3, 4]])
    """
    parts = [_at_least(t, 2) for t in _nonempty("vstack", tensors)]
    return _cat(parts, 0, "vstack")


def row_stack(tensors: Sequence[Tensor]) -> Tensor:
    """Alias of :func:`vstack`."""
    return vstack(tensors)


def dstack(tensors: Sequence[Tensor]) -> Tensor:
    """The tensors joined depth-wise, along dim 2, after :func:`atleast_3d` (a copy).

    Shapes: ``(n,)``, ``(n,)`` -> ``(1, n, 2)``; ``(a, b)``, ``(a, b)`` -> ``(a, b, 2)``.

    Examples:
        >>> import neurarust as nr
        >>> nr.dstack([nr.zeros(2, 3), nr.ones(2, 3)]).shape
        neurarust.Size([2, 3, 2])
    """
    parts = [_at_least(t, 3) for t in _nonempty("dstack", tensors)]
    return _cat(parts, 2, "dstack")


def column_stack(tensors: Sequence[Tensor]) -> Tensor:
    """The tensors joined as columns, along dim 1 (a copy).

    0-d and 1-D tensors of ``n`` elements become columns of shape ``(n, 1)``
    first; others are joined as they are.

    Shapes: ``(n,)``, ``(n, k)`` -> ``(n, 1 + k)``.

    Examples:
        >>> import neurarust as nr
        >>> nr.column_stack([nr.tensor([1, 2]), nr.tensor([3, 4])])
        tensor([[1, 3],
                [2, 4]])
    """
    parts = [
        _reshape_to(t, (t._data.size, 1)) if t._data.ndim <= 1 else t
        for t in _nonempty("column_stack", tensors)
    ]
    return _cat(parts, 1, "column_stack")


def cartesian_prod(*tensors: Tensor) -> Tensor:
    """Every combination of one element from each 1-D tensor, one per row (a copy).

    One tensor is returned as it is. Rows come in ``itertools.product`` order.

    Shapes: ``(n1,)``, ..., ``(nk,)`` -> ``(n1 * ... * nk, k)``.

    Examples:
        >>> import neurarust as nr
        >>> nr.cartesian_prod(nr.tensor([1, 2]), nr.tensor([3, 4]))
        tensor([[1, 3],
                [1, 4],
                [2, 3],
                [2, 4]])
    """
    for t in _tensor_list("cartesian_prod", tensors):
        if t._data.ndim != 1:
            raise RuntimeError(
                f"cartesian_prod: Expect a 1D vector, but got shape {list(t._data.shape)}"
            )
    if len(tensors) == 1:
        return tensors[0]
    return stack([grid.flatten() for grid in meshgrid(*tensors, indexing="ij")], dim=1)


class Split(Function):
    """Consecutive pieces of ``sizes[i]`` elements along ``dim``, as views.

    With ``keepdim=False`` every size is 1 and the dimension is dropped (unbind).
    """

    is_view = True

    @staticmethod
    def forward(ctx: Any, a: Tensor, dim: int, sizes: tuple[int, ...], keepdim: bool) -> Any:
        ctx.dim, ctx.keepdim = dim, keepdim
        lead = (slice(None),) * dim
        starts = itertools.accumulate(sizes, initial=0)
        # The trailing Ellipsis keeps a 0-d piece a view instead of a NumPy scalar.
        return tuple(
            a._data[lead + (slice(start, start + size) if keepdim else start, ...)]
            for start, size in zip(starts, sizes)
        )

    @staticmethod
    def backward(ctx: Any, *grads: Tensor) -> tuple[Any, ...]:
        joined = cat(grads, ctx.dim) if ctx.keepdim else stack(grads, ctx.dim)
        return joined, None, None, None


def split(tensor: Tensor, split_size_or_sections: Any, dim: int = 0) -> tuple[Tensor, ...]:
    """``tensor`` cut along ``dim`` into views.

    An int gives pieces of that size (the last may be smaller); a list gives
    pieces of those sizes, which must sum to ``tensor.size(dim)``.

    Examples:
        >>> import neurarust as nr
        >>> tuple(p.shape[0] for p in nr.arange(5).split(2))
        (2, 2, 1)
    """
    d = _dim_of(tensor, dim, "split")
    length = tensor._data.shape[d]
    if isinstance(split_size_or_sections, Sequence):
        sizes = _dim_list(split_size_or_sections, "split", "split_size_or_sections")
        if any(s < 0 for s in sizes):
            raise RuntimeError(
                "split: split_with_sizes expects split_sizes have only non-negative entries, "
                f"but got split_sizes={list(sizes)}"
            )
        if sum(sizes) != length:
            raise RuntimeError(
                f"split: split_with_sizes expects split_sizes to sum exactly to {length} (input "
                f"tensor's size at dimension {d}), but got split_sizes={list(sizes)}"
            )
    else:
        size = int_arg("split", "split_size_or_sections", split_size_or_sections)
        if size < 0:
            raise RuntimeError(
                f"split: split expects split_size be non-negative, but got split_size={size}"
            )
        if size == 0 and length:
            raise RuntimeError(
                "split: split_size can only be 0 if dimension size is 0, but got dimension "
                f"size of {length}"
            )
        count = max(-(-length // size), 1) if size else 1  # an empty dim gives one piece
        sizes = (size,) * (count - 1) + (length - size * (count - 1),)
    return Split.apply(tensor, d, sizes, True)


def chunk(input: Tensor, chunks: int, dim: int = 0) -> tuple[Tensor, ...]:
    """``input`` cut along ``dim`` into at most ``chunks`` equal views (the last may be smaller).

    Examples:
        >>> import neurarust as nr
        >>> tuple(p.shape[0] for p in nr.arange(5).chunk(3))
        (2, 2, 1)
    """
    if chunks <= 0:
        raise RuntimeError(f"chunk: chunk expects `chunks` to be greater than 0, got: {chunks}")
    d = _dim_of(input, dim, "chunk")
    length = input._data.shape[d]
    if length == 0:  # as PyTorch: ``chunks`` empty pieces
        return Split.apply(input, d, (0,) * chunks, True)
    return split(input, -(-length // chunks), d)


def unbind(input: Tensor, dim: int = 0) -> tuple[Tensor, ...]:
    """The slices of ``input`` along ``dim``, each a view without that dimension.

    Examples:
        >>> import neurarust as nr
        >>> tuple(r.tolist() for r in nr.tensor([[1, 2], [3, 4]]).unbind(1))
        ([1, 3], [2, 4])
    """
    d = _dim_of(input, dim, "unbind", IndexError)
    return Split.apply(input, d, (1,) * input._data.shape[d], False)


def _cut(input: Tensor, dim: int, cuts: Sequence[int]) -> tuple[Tensor, ...]:
    """Views of ``input`` between consecutive ``cuts`` along ``dim``, each cut a slice bound
    (negative counts from the end, out of range is clamped), as ``tensor_split`` reads them."""
    size = input._data.shape[dim]
    bounds = [min(max(c + size if c < 0 else c, 0), size) for c in cuts]
    starts, stops = [0, *bounds], [*bounds, size]
    if all(a <= b for a, b in zip(starts, stops)):  # pieces side by side: one Split node
        return Split.apply(input, dim, tuple(b - a for a, b in zip(starts, stops)), True)
    # Decreasing cuts give overlapping pieces, which Split's backward (a cat) cannot serve.
    return tuple(narrow(input, dim, a, max(b - a, 0)) for a, b in zip(starts, stops))


def _cuts_of(arg: Any, size: int) -> tuple[int, ...]:
    """The cut positions ``tensor_split`` makes for ``indices_or_sections`` on ``size`` elements."""
    op, name = "tensor_split", "indices_or_sections"
    if isinstance(arg, Tensor):
        if arg.dtype is not dtypes.int64:
            raise RuntimeError(
                f"{op}: expected {name} to have dtype of long (int64), but got {arg.dtype.name}"
            )
        if arg._data.ndim > 1:
            raise RuntimeError(
                f"{op}: expected {name} to be a zero-dimensional or one-dimensional tensor, "
                f"but got a tensor with {arg._data.ndim} dims"
            )
        arg = arg._data.tolist()  # 0-d: a number of sections; 1-D: indices
    if isinstance(arg, Sequence):
        return _dim_list(arg, op, name)
    sections = int_arg(op, name, arg)
    if sections <= 0:
        raise RuntimeError(f"{op}: number of sections must be larger than 0, got {sections}")
    # The first size % sections pieces get one element more.
    small, extra = divmod(size, sections)
    sizes = [small + 1] * extra + [small] * (sections - extra)
    return tuple(itertools.accumulate(sizes[:-1]))


def tensor_split(input: Tensor, indices_or_sections: Any, dim: int = 0) -> tuple[Tensor, ...]:
    """``input`` cut along ``dim`` into views, as NumPy's ``array_split``.

    ``indices_or_sections`` is either a number of sections ``n`` (an int or a
    0-d int64 tensor): ``n`` pieces whose sizes differ by at most one, the
    larger first; or indices (a sequence of ints or a 1-D int64 tensor): the
    pieces ``input[:i0]``, ``input[i0:i1]``, ..., ``input[ik:]`` along ``dim``,
    each bound read as a Python slice bound.

    Examples:
        >>> import neurarust as nr
        >>> nr.arange(5).tensor_split(3)
        (tensor([0, 1]), tensor([2, 3]), tensor([4]))
        >>> nr.arange(5).tensor_split([1, 4])
        (tensor([0]), tensor([1, 2, 3]), tensor([4]))
    """
    d = _dim_of(input, dim, "tensor_split")
    return _cut(input, d, _cuts_of(indices_or_sections, input._data.shape[d]))


def _split_dim(
    input: Tensor, indices_or_sections: Any, op: str, min_dims: int, dim: int
) -> tuple[Tensor, ...]:
    """:func:`tensor_split` along ``dim`` for hsplit/vsplit/dsplit, which need ``min_dims``
    dimensions and a number of sections that divides the dimension."""
    ndim = input._data.ndim
    if ndim < min_dims:
        raise RuntimeError(
            f"{op}: requires a tensor with at least {min_dims} dimension(s), but got a tensor "
            f"with {ndim} dimensions"
        )
    if not isinstance(indices_or_sections, Sequence):
        sections = int_arg(op, "indices_or_sections", indices_or_sections)
        size = input._data.shape[dim]
        if sections == 0 or size % sections:
            raise RuntimeError(
                f"{op}: attempted to split along dimension {dim}, but the size of the dimension "
                f"{size} is not divisible by the split_size {sections}"
            )
    return tensor_split(input, indices_or_sections, dim)


def hsplit(input: Tensor, indices_or_sections: Any) -> tuple[Tensor, ...]:
    """:func:`tensor_split` along dim 1 (dim 0 for a 1-D tensor); sections must divide it.

    Examples:
        >>> import neurarust as nr
        >>> tuple(p.shape for p in nr.zeros(2, 4).hsplit(2))
        (neurarust.Size([2, 2]), neurarust.Size([2, 2]))
    """
    dim = 0 if input._data.ndim == 1 else 1
    return _split_dim(input, indices_or_sections, "hsplit", 1, dim)


def vsplit(input: Tensor, indices_or_sections: Any) -> tuple[Tensor, ...]:
    """:func:`tensor_split` along dim 0 of a tensor with at least 2 dims; sections must divide it.

    Examples:
        >>> import neurarust as nr
        >>> tuple(p.shape for p in nr.zeros(4, 2).vsplit([1]))
        (neurarust.Size([1, 2]), neurarust.Size([3, 2]))
    """
    return _split_dim(input, indices_or_sections, "vsplit", 2, 0)


def dsplit(input: Tensor, indices_or_sections: Any) -> tuple[Tensor, ...]:
    """:func:`tensor_split` along dim 2 of a tensor with at least 3 dims; sections must divide it.

    Examples:
        >>> import neurarust as nr
        >>> tuple(p.shape for p in nr.zeros(1, 2, 4).dsplit(2))
        (neurarust.Size([1, 2, 2]), neurarust.Size([1, 2, 2]))
    """
    return _split_dim(input, indices_or_sections, "dsplit", 3, 2)


def narrow(input: Tensor, dim: int, start: int | Tensor, length: int) -> Tensor:
    """The view ``input[..., start:start + length, ...]`` along ``dim``.

    ``start`` may be negative (counted from the end) or a 0-d integer Tensor.

    Examples:
        >>> import neurarust as nr
        >>> nr.arange(6).narrow(0, 2, 3)
        tensor([2, 3, 4])
    """
    d = _dim_of(input, dim, "narrow")
    size = input._data.shape[d]
    if isinstance(start, Tensor) and (start._data.ndim or start._data.dtype.kind not in "iu"):
        raise RuntimeError(
            "narrow: start must be an 0-dim integral Tensor, but got a tensor of dtype "
            f"{start.dtype.name} and shape {list(start._data.shape)}"
        )
    start, length = int_arg("narrow", "start", start), int_arg("narrow", "length", length)
    if not -size <= start <= size:
        raise IndexError(
            f"narrow: start out of range (expected to be in range of [{-size}, {size}], "
            f"but got {start})"
        )
    if length < 0:
        raise RuntimeError(f"narrow: length must be non-negative, but got {length}")
    if start < 0:
        start += size
    if start + length > size:
        raise RuntimeError(
            f"narrow: start ({start}) + length ({length}) exceeds dimension size ({size})."
        )
    return getitem(input, (slice(None),) * d + (slice(start, start + length),))


def select(input: Tensor, dim: int, index: int) -> Tensor:
    """The view ``input[..., index, ...]`` along ``dim``, without that dimension.

    ``index`` may be negative (counted from the end).

    Shapes: ``(a, b, c)`` with ``dim=1`` -> ``(a, c)``.

    Examples:
        >>> import neurarust as nr
        >>> nr.tensor([[1, 2], [3, 4]]).select(1, -1)
        tensor([2, 4])
    """
    d = _dim_of(input, dim, "select", IndexError)
    shape = input._data.shape
    i = int_arg("select", "index", index)
    if not -shape[d] <= i < shape[d]:
        raise IndexError(
            f"select(): index {i} out of range for tensor of size {list(shape)} at dimension {d}"
        )
    return getitem(input, (slice(None),) * d + (i,))
