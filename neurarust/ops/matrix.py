"""Matrix-structure ops: triangles, diagonals, traces and block-diagonal matrices.

Two Functions carry every diagonal op: :class:`Diagonal` reads a diagonal as a
view (it shares the input's memory, as in PyTorch) and :class:`DiagonalScatter`
writes one into a matrix of zeros. Each is the other's backward, so ``diag``,
``diagonal``, ``diag_embed``, ``diagflat`` and ``trace`` all get gradients of
any order from the pair.
"""

from __future__ import annotations

from typing import Any

from .. import dtypes
from ..autograd.function import Function
from ..device import DeviceLike
from ..tensor import Tensor
from ._util import check_same_device, int_arg, normalize_dim, require_tensor
from .creation import _device, zeros
from .shape import clone, flatten

__all__ = [
    "tril",
    "triu",
    "tril_indices",
    "triu_indices",
    "diag",
    "diagonal",
    "diag_embed",
    "diagflat",
    "trace",
    "block_diag",
]


# -- triangles -----------------------------------------------------------------------------


class Triangle(Function):
    """The lower (``lower=True``) or upper triangle of the last two dimensions, the
    rest zeroed. The gradient is the same triangle of the incoming gradient."""

    @staticmethod
    def forward(ctx: Any, a: Tensor, diagonal: int, lower: bool) -> Any:
        ctx.diagonal, ctx.lower = diagonal, lower
        xp = a.backend.xp
        return (xp.tril if lower else xp.triu)(a._data, diagonal)

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple[Any, ...]:
        return Triangle.apply(grad, ctx.diagonal, ctx.lower), None, None


def _triangle(op: str, input: Tensor, diagonal: Any, lower: bool) -> Tensor:
    require_tensor(op, "input", input)
    diagonal = int_arg(op, "diagonal", diagonal)
    if input.ndim < 2:
        raise RuntimeError(f"{op}: input tensor must have at least 2 dimensions")
    return Triangle.apply(input, diagonal, lower)


def tril(input: Tensor, diagonal: int = 0) -> Tensor:
    """The lower triangle of each matrix in ``input``: elements above ``diagonal`` zeroed.

    ``diagonal=0`` keeps the main diagonal; a positive value keeps that many
    diagonals above it too, a negative one removes diagonals below it.

    Shapes: ``(*, m, n)`` -> ``(*, m, n)``.

    Examples:
        >>> import neurarust as nr
        >>> nr.tril(nr.ones(3, 3, dtype=nr.int64))
        tensor([[1, 0, 0],
                [1, 1, 0],
                [1, 1, 1]])
    """
    return _triangle("tril", input, diagonal, True)


def triu(input: Tensor, diagonal: int = 0) -> Tensor:
    """The upper triangle of each matrix in ``input``: elements below ``diagonal`` zeroed.

    Shapes: ``(*, m, n)`` -> ``(*, m, n)``.

    Examples:
        >>> import neurarust as nr
        >>> nr.triu(nr.ones(2, 3, dtype=nr.int64), diagonal=1)
        tensor([[0, 1, 1],
                [0, 0, 1]])
    """
    return _triangle("triu", input, diagonal, False)


def _triangle_indices(
    op: str, row: Any, col: Any, offset: Any, dtype: Any, device: DeviceLike | None
) -> Tensor:
    row, col = int_arg(op, "row", row), int_arg(op, "col", col)
    offset = int_arg(op, "offset", offset)
    for name, value in (("row", row), ("col", col)):
        if value < 0:
            raise RuntimeError(f"{op}: {name} must be non-negative, got {value}")
    dtype = dtypes.to_dtype(dtype)
    if dtype not in (dtypes.int32, dtypes.int64):
        raise NotImplementedError(f"{op}: not implemented for {dtype.name} (int32 or int64 only)")
    dev = _device(device)
    xp = dev.backend.xp
    make = xp.tril_indices if op == "tril_indices" else xp.triu_indices
    rows, cols = make(row, offset, col)
    return Tensor._make(xp.stack([rows, cols]).astype(dtype.numpy), dev)


def tril_indices(
    row: int,
    col: int,
    offset: int = 0,
    *,
    dtype: Any = dtypes.int64,
    device: DeviceLike | None = None,
) -> Tensor:
    """The coordinates of the lower triangle of a ``row x col`` matrix, row by row.

    ``offset`` moves the diagonal as in :func:`tril`. ``dtype`` is int64 or int32.

    Shapes: -> ``(2, N)``: row indices, then column indices.

    Examples:
        >>> import neurarust as nr
        >>> nr.tril_indices(3, 3)
        tensor([[0, 1, 1, 2, 2, 2],
                [0, 0, 1, 0, 1, 2]])
    """
    return _triangle_indices("tril_indices", row, col, offset, dtype, device)


def triu_indices(
    row: int,
    col: int,
    offset: int = 0,
    *,
    dtype: Any = dtypes.int64,
    device: DeviceLike | None = None,
) -> Tensor:
    """The coordinates of the upper triangle of a ``row x col`` matrix, row by row.

    ``offset`` moves the diagonal as in :func:`triu`. ``dtype`` is int64 or int32.

    Shapes: -> ``(2, N)``: row indices, then column indices.

    Examples:
        >>> import neurarust as nr
        >>> nr.triu_indices(2, 3, offset=1)
        tensor([[0, 0, 1],
                [1, 2, 2]])
    """
    return _triangle_indices("triu_indices", row, col, offset, dtype, device)


# -- diagonals -----------------------------------------------------------------------------


def _diagonal_view(xp: Any, data: Any, offset: int, dim1: int, dim2: int) -> Any:
    """The diagonal ``data[..., i, ..., i + offset, ...]`` (over ``dim1``, ``dim2``) as a
    writable view, in the last dimension.

    Stepping along a diagonal moves one row and one column at once, so its stride is
    the sum of the two strides. (NumPy's own ``diagonal()`` is a read-only view.)
    """
    start = [slice(None)] * data.ndim
    start[dim1] = slice(max(-offset, 0), None)
    start[dim2] = slice(max(offset, 0), None)
    corner = data[tuple(start)]
    kept = [d for d in range(data.ndim) if d not in (dim1, dim2)]
    length = min(corner.shape[dim1], corner.shape[dim2])
    shape = tuple(corner.shape[d] for d in kept) + (length,)
    step = corner.strides[dim1] + corner.strides[dim2]
    strides = tuple(corner.strides[d] for d in kept) + (step,)
    return xp.lib.stride_tricks.as_strided(corner, shape, strides)


class Diagonal(Function):
    """A diagonal of the input over dims ``dim1``, ``dim2``, as a view."""

    is_view = True

    @staticmethod
    def forward(ctx: Any, a: Tensor, offset: int, dim1: int, dim2: int) -> Any:
        ctx.shape, ctx.where = a._data.shape, (offset, dim1, dim2)
        return _diagonal_view(a.backend.xp, a._data, offset, dim1, dim2)

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple[Any, ...]:
        return DiagonalScatter.apply(grad, ctx.shape, *ctx.where), None, None, None


class DiagonalScatter(Function):
    """Zeros of ``shape`` with ``src`` written on a diagonal over dims ``dim1``, ``dim2``."""

    @staticmethod
    def forward(
        ctx: Any, src: Tensor, shape: tuple[int, ...], offset: int, dim1: int, dim2: int
    ) -> Any:
        ctx.where = (offset, dim1, dim2)
        xp = src.backend.xp
        out = xp.zeros(shape, dtype=src._data.dtype)
        _diagonal_view(xp, out, offset, dim1, dim2)[...] = src._data
        return out

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple[Any, ...]:
        return Diagonal.apply(grad, *ctx.where), None, None, None, None


def _diagonal_dims(op: str, ndim: int, dim1: Any, dim2: Any) -> tuple[int, int]:
    """``dim1`` and ``dim2`` wrapped for a tensor of ``ndim`` dims; they must differ."""
    d1 = normalize_dim(int_arg(op, "dim1", dim1), ndim, op)
    d2 = normalize_dim(int_arg(op, "dim2", dim2), ndim, op)
    if d1 == d2:
        raise RuntimeError(f"{op}: diagonal dimensions cannot be identical {dim1}, {dim2}")
    return d1, d2


def diagonal(input: Tensor, offset: int = 0, dim1: int = 0, dim2: int = 1) -> Tensor:
    """The diagonal over dimensions ``dim1`` and ``dim2``, as a view of ``input``.

    ``offset > 0`` takes a diagonal above the main one, ``offset < 0`` one below.
    The two dimensions are removed and the diagonal becomes the last dimension;
    writing to the result writes to ``input``.

    Shapes: ``(a, b, c)`` with ``dim1=1, dim2=2`` -> ``(a, min(b, c))`` for ``offset=0``.

    Examples:
        >>> import neurarust as nr
        >>> nr.arange(12).reshape(3, 4).diagonal(offset=1)
        tensor([ 1,  6, 11])
    """
    require_tensor("diagonal", "input", input)
    d1, d2 = _diagonal_dims("diagonal", input.ndim, dim1, dim2)
    return Diagonal.apply(input, int_arg("diagonal", "offset", offset), d1, d2)


def diag_embed(input: Tensor, offset: int = 0, dim1: int = -2, dim2: int = -1) -> Tensor:
    """Matrices (over the new dims ``dim1``, ``dim2``) with ``input``'s last dimension
    on their ``offset`` diagonal and zeros elsewhere.

    Shapes: ``(*, n)`` -> ``(*, n + |offset|, n + |offset|)`` for the default dims.

    Examples:
        >>> import neurarust as nr
        >>> nr.diag_embed(nr.tensor([[1, 2], [3, 4]]))
        tensor([[[1, 0],
                 [0, 2]],
        <BLANKLINE>
                [[3, 0],
                 [0, 4]]])
    """
    require_tensor("diag_embed", "input", input)
    d1, d2 = _diagonal_dims("diag_embed", input.ndim + 1, dim1, dim2)
    offset = int_arg("diag_embed", "offset", offset)
    size = input._data.shape[-1] + abs(offset)
    shape = list(input._data.shape[:-1])
    for d in sorted((d1, d2)):
        shape.insert(d, size)
    return DiagonalScatter.apply(input, tuple(shape), offset, d1, d2)


def diag(input: Tensor, diagonal: int = 0) -> Tensor:
    """A 1-D ``input`` as a square matrix's ``diagonal``, or a 2-D ``input``'s
    ``diagonal`` as a 1-D copy.

    Shapes: ``(n,)`` -> ``(n + |diagonal|, n + |diagonal|)``; ``(m, n)`` -> ``(k,)``.

    Examples:
        >>> import neurarust as nr
        >>> nr.diag(nr.tensor([1, 2]), 1)
        tensor([[0, 1, 0],
                [0, 0, 2],
                [0, 0, 0]])
        >>> nr.diag(nr.tensor([[1, 2], [3, 4]]))
        tensor([1, 4])
    """
    require_tensor("diag", "input", input)
    offset = int_arg("diag", "diagonal", diagonal)
    if input.ndim == 1:
        return diag_embed(input, offset, 0, 1)
    if input.ndim == 2:
        return clone(Diagonal.apply(input, offset, 0, 1))
    raise RuntimeError(f"diag(): Supports 1D or 2D tensors. Got {input.ndim}D")


def diagflat(input: Tensor, offset: int = 0) -> Tensor:
    """A square matrix with the flattened ``input`` on its ``offset`` diagonal.

    Shapes: ``(*)`` with ``n`` elements -> ``(n + |offset|, n + |offset|)``.

    Examples:
        >>> import neurarust as nr
        >>> nr.diagflat(nr.tensor([[1, 2], [3, 4]]))
        tensor([[1, 0, 0, 0],
                [0, 2, 0, 0],
                [0, 0, 3, 0],
                [0, 0, 0, 4]])
    """
    require_tensor("diagflat", "input", input)
    return diag_embed(flatten(input), int_arg("diagflat", "offset", offset), 0, 1)


def trace(input: Tensor) -> Tensor:
    """The sum of a matrix's main diagonal (integers sum to int64, as :func:`sum`).

    Shapes: ``(m, n)`` -> ``()``.

    Examples:
        >>> import neurarust as nr
        >>> nr.trace(nr.arange(6).reshape(2, 3))
        tensor(4)
    """
    require_tensor("trace", "input", input)
    if input.ndim != 2:
        raise RuntimeError(f"trace: expected a matrix, but got tensor with dim {input.ndim}")
    if input.dtype is dtypes.bool:
        raise NotImplementedError("trace: not implemented for bool tensors")
    return Diagonal.apply(input, 0, 0, 1).sum()


# -- block-diagonal matrices ---------------------------------------------------------------


class BlockDiag(Function):
    """The inputs (each viewed as a matrix) along the diagonal of a zero matrix."""

    @staticmethod
    def forward(ctx: Any, dtype: dtypes.dtype, *tensors: Tensor) -> Any:
        matrices = [_as_matrix(t._data) for t in tensors]
        rows = sum(m.shape[0] for m in matrices)
        cols = sum(m.shape[1] for m in matrices)
        out = tensors[0].backend.xp.zeros((rows, cols), dtype=dtype.numpy)
        ctx.blocks = []
        r = c = 0
        for t, m in zip(tensors, matrices):
            block = (slice(r, r + m.shape[0]), slice(c, c + m.shape[1]))
            out[block] = m
            ctx.blocks.append((block, t._data.shape))
            r, c = r + m.shape[0], c + m.shape[1]
        return out

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple[Any, ...]:
        grads = [
            grad[block].reshape(shape) if needed else None
            for (block, shape), needed in zip(ctx.blocks, ctx.needs_input_grad[1:])
        ]
        return (None, *grads)


def _as_matrix(data: Any) -> Any:
    """A 0-d array as ``(1, 1)``, a 1-D one as a row ``(1, n)``, a matrix as it is."""
    return data.reshape((1,) * (2 - data.ndim) + data.shape)


def block_diag(*tensors: Tensor) -> Tensor:
    """The tensors placed one after another along the diagonal of a zero matrix.

    Each tensor has at most 2 dimensions (0-d is a 1x1 block, 1-D a single row);
    dtypes are promoted. No tensors give an empty ``(1, 0)`` matrix, as in PyTorch.

    Shapes: blocks ``(m_i, n_i)`` -> ``(sum m_i, sum n_i)``.

    Examples:
        >>> import neurarust as nr
        >>> nr.block_diag(nr.tensor([[1, 2]]), nr.tensor(3))
        tensor([[1, 2, 0],
                [0, 0, 3]])
    """
    for i, t in enumerate(tensors):
        if not isinstance(t, Tensor):
            raise TypeError(
                f"block_diag: expected Tensor as element {i}, but got {type(t).__name__}"
            )
        check_same_device("block_diag", tensors[0], t)
        if t.ndim > 2:
            raise RuntimeError(
                "block_diag: Input tensors must have 2 or fewer dimensions. "
                f"Input {i} has {t.ndim} dimensions"
            )
    if not tensors:
        return zeros(1, 0)
    return BlockDiag.apply(dtypes.result_type(*tensors), *tensors)
