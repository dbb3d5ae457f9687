"""Embedding losses: they compare pairs or triplets of vectors (embeddings) and
pull similar ones together, push dissimilar ones apart by a margin.

- :func:`cosine_embedding_loss`: pairs labelled ``1`` (similar) or ``-1``
  (dissimilar), compared by their cosine.
- :func:`margin_ranking_loss`: pairs of scores, ``target`` says which should rank higher.
- :func:`hinge_embedding_loss`: distances labelled ``1`` (keep small) or ``-1``
  (push above the margin).
- :func:`triplet_margin_loss` and :func:`triplet_margin_with_distance_loss`: an
  anchor should be nearer its positive than its negative by a margin.

Each is a short composition of differentiable ops, so autograd gives the
gradients and double backward. Where PyTorch clamps at the hinge
(``max(0, .)``), ``clamp_min`` passes the gradient at exactly 0, as PyTorch's does.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from ...tensor import Tensor
from .._util import check_broadcastable, check_same_device, require_tensor
from ..creation import full_like
from ..distance import broadcast_shape, pairwise_distance
from ..elementwise import clamp_min, minimum, where
from ._reduction import reduce_loss, resolve_reduction

__all__ = [
    "cosine_embedding_loss",
    "margin_ranking_loss",
    "hinge_embedding_loss",
    "triplet_margin_loss",
    "triplet_margin_with_distance_loss",
]

# Added to the squared norms of cosine_embedding_loss, so zero vectors give a cosine of 0.
_SQUARED_NORM_EPS = 1e-12


def _require_tensors(op: str, **tensors: Tensor) -> None:
    for name, value in tensors.items():
        require_tensor(op, name, value)


def _shapes(**tensors: Tensor) -> str:
    """``"input1 (2, 3), input2 (3,)"``: the names and shapes, for error messages."""
    return ", ".join(f"{name} {tuple(t.shape)}" for name, t in tensors.items())


# -- pairs -----------------------------------------------------------------------------


def _check_cosine_embedding(input1: Tensor, input2: Tensor, target: Tensor) -> None:
    """PyTorch's shape rules: a 1-D target (one label per row) goes with 2-D inputs, a
    0-D target (one label) with 1-D inputs; all of them broadcast together."""
    op = "cosine_embedding_loss"
    _require_tensors(op, input1=input1, input2=input2, target=target)
    if target.ndim > 1:
        raise RuntimeError(
            f"{op}: expected a 0-D or 1-D target (multi-target not supported), "
            f"got target of shape {tuple(target.shape)}"
        )
    expected = target.ndim + 1
    if input1.ndim != expected or input2.ndim != expected:
        raise RuntimeError(
            f"{op}: a {target.ndim}-D target expects {expected}-D inputs, got "
            + _shapes(input1=input1, input2=input2)
        )
    rows = broadcast_shape(op, input1, input2)[:-1]  # one cosine per row
    check_same_device(op, input1, target)
    check_broadcastable(op, rows, target.shape)


def cosine_embedding_loss(
    input1: Tensor,
    input2: Tensor,
    target: Tensor,
    margin: float = 0,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
) -> Tensor:
    """``1 - cos(x1, x2)`` where ``target`` is 1, ``max(0, cos(x1, x2) - margin)`` where it
    is -1 (and 0 for any other label).

    The cosine is ``x1 . x2 / sqrt((|x1|^2 + 1e-12) (|x2|^2 + 1e-12))``, so zero
    vectors give 0, not nan; as in PyTorch, each norm is that of its own input
    before broadcasting. ``margin`` is best in ``[-1, 1]``.

    Shapes:
        * ``input1``, ``input2``: ``(N, D)`` or ``(D,)`` (broadcastable to each other)
        * ``target``: ``(N,)`` for ``(N, D)`` inputs, ``()`` for ``(D,)`` inputs
        * output: ``(N,)`` or ``()`` for ``'none'``, ``()`` otherwise

    Examples:
        >>> import neurarust as nr
        >>> import neurarust.nn.functional as F
        >>> x1, x2 = nr.tensor([[1.0, 0.0], [1.0, 1.0]]), nr.tensor([[0.0, 1.0], [1.0, 1.0]])
        >>> F.cosine_embedding_loss(x1, x2, nr.tensor([1, -1]), reduction="none")
        tensor([1., 1.])
    """
    reduction = resolve_reduction("cosine_embedding_loss", reduction, size_average, reduce)
    _check_cosine_embedding(input1, input2, target)
    dim = target.ndim  # the feature dimension of the inputs
    squared1 = (input1 * input1).sum(dim) + _SQUARED_NORM_EPS
    squared2 = (input2 * input2).sum(dim) + _SQUARED_NORM_EPS
    cos = (input1 * input2).sum(dim) / (squared1 * squared2).sqrt()
    similar = where(target == 1, 1 - cos, 0.0)
    dissimilar = where(target == -1, clamp_min(cos - float(margin), 0), 0.0)
    return reduce_loss(similar + dissimilar, reduction)


def margin_ranking_loss(
    input1: Tensor,
    input2: Tensor,
    target: Tensor,
    margin: float = 0,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
) -> Tensor:
    """``max(0, -target * (input1 - input2) + margin)``, elementwise.

    ``target`` is 1 where ``input1`` should rank higher than ``input2`` (by at
    least ``margin``) and -1 where lower.

    Shapes: ``input1``, ``input2``, ``target``: broadcastable, all with the same
    number of dimensions (usually ``(N,)`` or ``()``); output: the broadcast shape
    for ``'none'``, ``()`` otherwise.

    Examples:
        >>> import neurarust as nr
        >>> import neurarust.nn.functional as F
        >>> x1, x2 = nr.tensor([1.0, 2.0, 3.0]), nr.tensor([2.0, 2.0, 1.0])
        >>> F.margin_ranking_loss(x1, x2, nr.tensor([1, -1, 1]), margin=0.5, reduction="none")
        tensor([1.5000, 0.5000, 0.0000])
    """
    op = "margin_ranking_loss"
    reduction = resolve_reduction(op, reduction, size_average, reduce)
    _require_tensors(op, input1=input1, input2=input2, target=target)
    if not input1.ndim == input2.ndim == target.ndim:
        raise RuntimeError(
            f"{op}: all input tensors should have the same number of dimensions, got "
            + _shapes(input1=input1, input2=input2, target=target)
        )
    broadcast_shape(op, input1, input2, target)
    loss = clamp_min(-target * (input1 - input2) + float(margin), 0)
    return reduce_loss(loss, reduction)


def hinge_embedding_loss(
    input: Tensor,
    target: Tensor,
    margin: float = 1.0,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
) -> Tensor:
    """``input`` where ``target`` is 1, ``max(0, margin - input)`` where it is -1.

    ``input`` is usually a distance (such as an L1 distance) between two vectors,
    ``target`` says whether they should be near (1) or at least ``margin`` apart
    (-1). As in PyTorch, any other label adds both terms, and an integer input
    keeps its dtype (``margin`` is truncated to an integer then).

    Shapes: ``input``, ``target``: broadcastable, any shape; output: the
    broadcast shape for ``'none'``, ``()`` otherwise.

    Examples:
        >>> import neurarust as nr
        >>> import neurarust.nn.functional as F
        >>> distances = nr.tensor([0.5, 0.2, 1.5])
        >>> F.hinge_embedding_loss(distances, nr.tensor([1, -1, -1]), reduction="none")
        tensor([0.5000, 0.8000, 0.0000])
    """
    op = "hinge_embedding_loss"
    reduction = resolve_reduction(op, reduction, size_average, reduce)
    _require_tensors(op, input=input, target=target)
    broadcast_shape(op, input, target)
    # ``margin - input`` in the input's dtype, as PyTorch computes it.
    below_margin = clamp_min(full_like(input, margin) - input, 0)
    loss = where(target != 1, below_margin, 0) + where(target != -1, input, 0)
    return reduce_loss(loss, reduction)


# -- triplets --------------------------------------------------------------------------

Distance = Callable[[Tensor, Tensor], Tensor]


def _triplet_loss(
    op: str,
    anchor: Tensor,
    positive: Tensor,
    negative: Tensor,
    distance: Distance,
    margin: float,
    swap: bool,
    reduction: str,
) -> Tensor:
    """``max(0, margin + d(anchor, positive) - d(anchor, negative))``, reduced; with
    ``swap``, ``d(anchor, negative)`` becomes ``min(d(anchor, negative), d(positive,
    negative))`` (the harder negative distance)."""
    _require_tensors(op, anchor=anchor, positive=positive, negative=negative)
    if margin <= 0:
        raise ValueError(f"{op}: margin must be greater than 0, got {margin}")
    if not anchor.ndim == positive.ndim == negative.ndim:
        raise RuntimeError(
            f"{op}: The anchor, positive, and negative tensors are expected to have the same "
            f"number of dimensions, but got: anchor {anchor.ndim}D, positive {positive.ndim}D, "
            f"and negative {negative.ndim}D inputs"
        )
    to_positive = distance(anchor, positive)
    to_negative = distance(anchor, negative)
    if swap:
        to_negative = minimum(to_negative, distance(positive, negative))
    return reduce_loss(clamp_min(margin + to_positive - to_negative, 0), reduction)


def triplet_margin_loss(
    anchor: Tensor,
    positive: Tensor,
    negative: Tensor,
    margin: float = 1.0,
    p: float = 2,
    eps: float = 1e-6,
    swap: bool = False,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
) -> Tensor:
    """``max(0, margin + d(anchor, positive) - d(anchor, negative))`` with ``d`` the
    :func:`~neurarust.pairwise_distance` of order ``p`` (which adds ``eps`` to the
    differences).

    ``margin`` must be positive. With ``swap``, the negative distance is the
    smaller of ``d(anchor, negative)`` and ``d(positive, negative)`` (the distance
    swap of Balntas et al., 2016).

    Shapes: ``anchor``, ``positive``, ``negative``: ``(N, D)`` or ``(D,)``
    (broadcastable, with the same number of dimensions); output: ``(N,)`` or
    ``()`` for ``'none'``, ``()`` otherwise.

    Examples:
        >>> import neurarust as nr
        >>> import neurarust.nn.functional as F
        >>> a, p, n = nr.tensor([[0.0, 0.0]]), nr.tensor([[3.0, 4.0]]), nr.tensor([[0.0, 2.0]])
        >>> F.triplet_margin_loss(a, p, n, eps=0.0)
        tensor(4.)
    """
    op = "triplet_margin_loss"
    reduction = resolve_reduction(op, reduction, size_average, reduce)
    distance = functools.partial(pairwise_distance, p=p, eps=eps)
    return _triplet_loss(op, anchor, positive, negative, distance, margin, swap, reduction)


def triplet_margin_with_distance_loss(
    anchor: Tensor,
    positive: Tensor,
    negative: Tensor,
    *,
    distance_function: Distance | None = None,
    margin: float = 1.0,
    swap: bool = False,
    reduction: str = "mean",
) -> Tensor:
    """:func:`triplet_margin_loss` with any distance:
    ``max(0, margin + d(anchor, positive) - d(anchor, negative))``.

    ``distance_function(x1, x2)`` returns a tensor of distances (nonnegative);
    it defaults to :func:`~neurarust.pairwise_distance`. ``margin`` must be
    positive; ``swap`` is as in :func:`triplet_margin_loss`.

    Shapes: ``anchor``, ``positive``, ``negative``: ``(N, *)`` or ``(*)``, the same
    number of dimensions; output: what ``distance_function`` returns for
    ``'none'``, ``()`` otherwise.

    Examples:
        >>> import neurarust as nr
        >>> import neurarust.nn.functional as F
        >>> a, p, n = nr.tensor([[1.0, 0.0]]), nr.tensor([[1.0, 1.0]]), nr.tensor([[0.0, 1.0]])
        >>> cosine_distance = lambda x, y: 1 - F.cosine_similarity(x, y)
        >>> F.triplet_margin_with_distance_loss(a, p, n, distance_function=cosine_distance)
        tensor(0.2929)
    """
    op = "triplet_margin_with_distance_loss"
    reduction = resolve_reduction(op, reduction)
    distance = pairwise_distance if distance_function is None else distance_function
    return _triplet_loss(op, anchor, positive, negative, distance, margin, swap, reduction)
