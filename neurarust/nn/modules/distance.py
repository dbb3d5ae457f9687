"""Distance modules: :class:`CosineSimilarity` and :class:`PairwiseDistance`, the
module forms of :func:`neurarust.cosine_similarity` and
:func:`neurarust.pairwise_distance`."""

from __future__ import annotations

from ...ops import distance
from ...tensor import Tensor
from .module import Module

__all__ = ["CosineSimilarity", "PairwiseDistance"]


class CosineSimilarity(Module):
    """Cosine of the angle between ``x1`` and ``x2`` along ``dim``. See
    :func:`~neurarust.nn.functional.cosine_similarity`.

    Shapes: x1, x2 ``(*)`` (broadcastable to each other) -> ``(*)`` without ``dim``.

    Examples:
        >>> import neurarust as nr
        >>> nr.nn.CosineSimilarity(dim=0)(nr.tensor([1.0, 0.0]), nr.tensor([1.0, 1.0]))
        tensor(0.7071)
    """

    def __init__(self, dim: int = 1, eps: float = 1e-8) -> None:
        super().__init__()
        self.dim, self.eps = dim, eps

    def forward(self, x1: Tensor, x2: Tensor) -> Tensor:
        return distance.cosine_similarity(x1, x2, self.dim, self.eps)


class PairwiseDistance(Module):
    """The ``p``-norm of ``x1 - x2 + eps`` along the last dimension. See
    :func:`~neurarust.nn.functional.pairwise_distance`.

    Shapes: x1, x2 ``(N, D)`` or ``(D,)`` -> ``(N,)`` or ``()`` (``(N, 1)``/``(1,)`` with
    ``keepdim``).

    Examples:
        >>> import neurarust as nr
        >>> nr.nn.PairwiseDistance(eps=0.0)(nr.tensor([[0.0, 0.0]]), nr.tensor([[3.0, 4.0]]))
        tensor([5.])
    """

    def __init__(self, p: float = 2.0, eps: float = 1e-6, keepdim: bool = False) -> None:
        super().__init__()
        self.norm, self.eps, self.keepdim = p, eps, keepdim

    def forward(self, x1: Tensor, x2: Tensor) -> Tensor:
        return distance.pairwise_distance(x1, x2, self.norm, self.eps, self.keepdim)
