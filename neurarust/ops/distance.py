"""Distances and similarities between vectors: ``cosine_similarity``,
``pairwise_distance`` and ``pdist``.

Each is a short composition of differentiable ops (norms, products, sums), so
autograd gives the gradients and double backward. Two pieces of PyTorch's
behaviour need ops of their own, both tiny Functions here:

- ``cosine_similarity`` clamps each norm to at least ``eps`` *outside* autograd
  (in place, under no_grad), so its gradient is that of the unclamped norm:
  :class:`~neurarust.ops.elementwise.ClampMinKeepGradient`.
- ``pdist`` with ``p=inf`` gives every tied largest difference the full
  gradient, where ``norm(p=inf)`` shares it among ties: :class:`PdistInf`.
"""

from __future__ import annotations

import math
import numbers
from typing import Any

import numpy as np

from .. import dtypes
from ..autograd.function import Function
from ..tensor import Tensor
from ._util import check_broadcastable, check_same_device, int_arg, normalize_dim, require_tensor
from .elementwise import ClampMinKeepGradient
from .matrix import triu_indices
from .reduction import norm
from .scatter import index_select

__all__ = ["cosine_similarity", "pairwise_distance", "pdist"]


def broadcast_shape(op: str, *tensors: Tensor) -> tuple[int, ...]:
    """The shape ``tensors`` broadcast to; RuntimeError naming ``op`` if they live on
    different devices or do not broadcast (checking each pair is enough)."""
    for i, a in enumerate(tensors):
        for b in tensors[i + 1 :]:
            check_same_device(op, a, b)
            check_broadcastable(op, a.shape, b.shape)
    return tuple(np.broadcast_shapes(*(t.shape for t in tensors)))


def _float_arg(op: str, name: str, value: Any) -> float:
    """``value`` (a real number) as a float; TypeError naming ``op`` and the argument."""
    if isinstance(value, numbers.Real):  # (NumPy's numbers too)
        return float(value)
    raise TypeError(f"{op}(): argument '{name}' must be float, not {type(value).__name__}")


# -- cosine similarity -----------------------------------------------------------------


def _float_operand(x: Tensor, dtype: dtypes.dtype, shape: tuple[int, ...]) -> Tensor:
    """``x`` broadcast to ``shape``, converted to ``dtype`` when it holds integers or bools
    (a floating point ``x`` keeps its dtype, as in PyTorch)."""
    if not x.dtype.is_floating_point:
        x = x.to(dtype)
    return x if x._data.shape == shape else x.expand(shape)


def cosine_similarity(x1: Tensor, x2: Tensor, dim: int = 1, eps: float = 1e-8) -> Tensor:
    """The cosine of the angle between ``x1`` and ``x2`` along ``dim``:
    ``sum(x1 / max(||x1||, eps) * x2 / max(||x2||, eps))``.

    ``x1`` and ``x2`` broadcast to a common shape, and ``dim`` is a dimension of
    that shape. Each norm is clamped to at least ``eps`` separately; as in
    PyTorch, the clamp does not change the gradient (the norm is differentiated
    as if unclamped). Integer inputs are converted to the floating point dtype of
    the pair (two integer inputs are refused).

    Shapes: ``x1``, ``x2``: broadcastable to ``(*)``; output: ``(*)`` without ``dim``.

    Examples:
        >>> import neurarust as nr
        >>> nr.cosine_similarity(nr.tensor([[1.0, 0.0], [1.0, 1.0]]), nr.tensor([1.0, 0.0]))
        tensor([1.0000, 0.7071])
    """
    op = "cosine_similarity"
    require_tensor(op, "x1", x1)
    require_tensor(op, "x2", x2)
    dim = int_arg(op, "dim", dim)
    common = dtypes.result_type(x1, x2)
    if not common.is_floating_point:
        raise RuntimeError(
            f"{op}: expected common dtype to be floating point, yet common dtype is "
            f"{common.name} (x1 {x1.dtype.name}, x2 {x2.dtype.name})"
        )
    shape = broadcast_shape(op, x1, x2)
    dim = normalize_dim(dim, len(shape), op)
    # The norms are those of the broadcast vectors: a size-1 dim repeated counts each time.
    x1, x2 = _float_operand(x1, common, shape), _float_operand(x2, common, shape)
    eps = _float_arg(op, "eps", eps)
    norm1 = ClampMinKeepGradient.apply(norm(x1, 2, dim, keepdim=True), eps)
    norm2 = ClampMinKeepGradient.apply(norm(x2, 2, dim, keepdim=True), eps)
    return ((x1 / norm1) * (x2 / norm2)).sum(dim)


# -- distances -------------------------------------------------------------------------


def pairwise_distance(
    x1: Tensor, x2: Tensor, p: float = 2.0, eps: float = 1e-6, keepdim: bool = False
) -> Tensor:
    """The ``p``-norm of ``x1 - x2 + eps`` along the last dimension.

    ``eps`` is added to every difference, so the distance between equal vectors
    is small but nonzero and its gradient finite. ``x1`` and ``x2`` broadcast;
    the last dimension is that of the broadcast shape. ``p`` is any number
    (``inf``: the largest difference, ``0``: the number of nonzero differences).

    Shapes: ``x1``, ``x2``: broadcastable to ``(*, D)``; output: ``(*)``, or
    ``(*, 1)`` with ``keepdim``; 0-d inputs give a 0-d output.

    Examples:
        >>> import neurarust as nr
        >>> nr.pairwise_distance(nr.tensor([[3.0, 4.0]]), nr.tensor([[0.0, 0.0]]), eps=0.0)
        tensor([5.])
    """
    op = "pairwise_distance"
    require_tensor(op, "x1", x1)
    require_tensor(op, "x2", x2)
    ndim = len(broadcast_shape(op, x1, x2))
    p, eps = _float_arg(op, "p", p), _float_arg(op, "eps", eps)
    return norm(x1 - x2 + eps, p, ndim - 1, keepdim)


class PdistInf(Function):
    """The largest ``|d|`` of each row of differences ``d``: PyTorch's ``pdist(p=inf)``.

    Its gradient goes in full to every entry that ties for the largest, as
    PyTorch's pdist gives it (``norm(p=inf)`` splits it among ties instead).
    """

    saves_result = True

    @staticmethod
    def forward(ctx: Any, differences: Tensor) -> Any:
        ctx.save_for_backward(differences)
        xp, data = differences.backend.xp, differences._data
        if data.shape[1] == 0:  # rows of no features are at distance 0
            return xp.zeros(data.shape[0], dtype=data.dtype)
        return xp.abs(data).max(axis=1)

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple[Any, ...]:
        (differences,) = ctx.saved_tensors
        xp, data = differences.backend.xp, differences._data
        largest = ctx.saved_result()._data[:, None]
        slope = xp.sign(data) * (xp.abs(data) == largest)
        return (grad[:, None] * Tensor._make(slope, differences.device),)


def pdist(input: Tensor, p: float = 2) -> Tensor:
    """The ``p``-norm distance between every pair of rows ``i < j`` of ``input``.

    The entries of the upper triangle (without the diagonal) of the matrix of
    distances between rows, row by row. ``p`` is a number >= 0 (``inf``
    included); unlike :func:`pairwise_distance`, no ``eps`` is added, and the
    gradient is 0 for rows at distance 0.

    Shapes: ``input``: ``(N, D)``; output: ``(N * (N - 1) / 2,)``.

    Examples:
        >>> import neurarust as nr
        >>> nr.pdist(nr.tensor([[0.0, 0.0], [3.0, 4.0], [0.0, 1.0]]))
        tensor([5.0000, 1.0000, 4.2426])
    """
    op = "pdist"
    require_tensor(op, "input", input)
    if input.ndim != 2:
        raise RuntimeError(
            f"{op}: only supports 2D tensors, got a {input.ndim}D tensor of shape "
            f"{tuple(input.shape)}"
        )
    if not input.dtype.is_floating_point:
        raise RuntimeError(f"{op}: only supports floating-point dtypes, got {input.dtype.name}")
    p = _float_arg(op, "p", p)
    if not p >= 0:
        raise RuntimeError(f"{op}: only supports non-negative p values, got {p}")
    rows = input.shape[0]
    first, second = triu_indices(rows, rows, 1, device=input.device)
    differences = index_select(input, 0, first) - index_select(input, 0, second)
    if p == math.inf:
        return PdistInf.apply(differences)
    return norm(differences, p, 1)
