"""Loss modules: each holds a loss's options and calls its function in
:mod:`neurarust.nn.functional`.

``loss_fn = nn.CrossEntropyLoss(label_smoothing=0.1)`` then ``loss_fn(logits,
target)`` is ``F.cross_entropy(logits, target, label_smoothing=0.1)``. Class
weights (``weight``, ``pos_weight``) are buffers: they appear in the
``state_dict`` and move with ``.to()``, as in PyTorch.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ...ops import loss as F
from ...ops.loss._reduction import legacy_reduction
from ...tensor import Tensor
from .distance import PairwiseDistance
from .module import Module

__all__ = [
    "L1Loss",
    "MSELoss",
    "SmoothL1Loss",
    "HuberLoss",
    "KLDivLoss",
    "PoissonNLLLoss",
    "GaussianNLLLoss",
    "CosineEmbeddingLoss",
    "MarginRankingLoss",
    "HingeEmbeddingLoss",
    "TripletMarginLoss",
    "TripletMarginWithDistanceLoss",
    "NLLLoss",
    "CrossEntropyLoss",
    "BCELoss",
    "BCEWithLogitsLoss",
    "SoftMarginLoss",
    "MultiLabelSoftMarginLoss",
    "MultiLabelMarginLoss",
    "MultiMarginLoss",
    "CTCLoss",
]


class _Loss(Module):
    """What every loss module shares: its ``reduction`` ('none', 'mean' or 'sum').

    The deprecated ``size_average`` and ``reduce`` flags, when given, decide the
    reduction instead (with PyTorch's warning).
    """

    def __init__(
        self, size_average: bool | None = None, reduce: bool | None = None, reduction: str = "mean"
    ) -> None:
        super().__init__()
        if size_average is not None or reduce is not None:
            reduction = legacy_reduction(size_average, reduce)
        self.reduction = reduction


class _WeightedLoss(_Loss):
    """A loss with an optional per-class rescaling ``weight``, kept as a buffer."""

    def __init__(
        self,
        weight: Tensor | None = None,
        size_average: bool | None = None,
        reduce: bool | None = None,
        reduction: str = "mean",
    ) -> None:
        super().__init__(size_average, reduce, reduction)
        self.register_buffer("weight", weight)
        self.weight: Tensor | None


# --- regression ------------------------------------------------------------------------------


class L1Loss(_Loss):
    """Mean absolute error: ``|input - target|``, reduced. See
    :func:`~neurarust.nn.functional.l1_loss`.

    Shapes: input ``(*)``, target ``(*)``; output ``()``, or ``(*)`` for ``reduction='none'``.

    Examples:
        >>> import neurarust as nr
        >>> nr.nn.L1Loss()(nr.tensor([1.0, 2.0]), nr.tensor([0.0, 4.0]))
        tensor(1.5000)
    """

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.l1_loss(input, target, reduction=self.reduction)


class MSELoss(_Loss):
    """Mean squared error: ``(input - target)**2``, reduced. See
    :func:`~neurarust.nn.functional.mse_loss`.

    Shapes: input ``(*)``, target ``(*)``; output ``()``, or ``(*)`` for ``reduction='none'``.

    Examples:
        >>> import neurarust as nr
        >>> nr.nn.MSELoss()(nr.tensor([1.0, 2.0]), nr.tensor([0.0, 4.0]))
        tensor(2.5000)
    """

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.mse_loss(input, target, reduction=self.reduction)


class SmoothL1Loss(_Loss):
    """Squared error below ``beta``, absolute error above it (scaled by ``1 / beta``).
    See :func:`~neurarust.nn.functional.smooth_l1_loss`.

    Shapes: input ``(*)``, target ``(*)``; output ``()``, or ``(*)`` for ``reduction='none'``.

    Examples:
        >>> import neurarust as nr
        >>> nr.nn.SmoothL1Loss()(nr.tensor([0.5, 3.0]), nr.tensor([0.0, 0.0]))
        tensor(1.3125)
    """

    def __init__(
        self,
        size_average: bool | None = None,
        reduce: bool | None = None,
        reduction: str = "mean",
        beta: float = 1.0,
    ) -> None:
        super().__init__(size_average, reduce, reduction)
        self.beta = beta

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.smooth_l1_loss(input, target, reduction=self.reduction, beta=self.beta)


class HuberLoss(_Loss):
    """Squared error below ``delta``, ``delta``-scaled absolute error above it. See
    :func:`~neurarust.nn.functional.huber_loss`.

    Shapes: input ``(*)``, target ``(*)``; output ``()``, or ``(*)`` for ``reduction='none'``.

    Examples:
        >>> import neurarust as nr
        >>> nr.nn.HuberLoss(delta=2.0)(nr.tensor([0.5, 3.0]), nr.tensor([0.0, 0.0]))
        tensor(2.0625)
    """

    def __init__(self, reduction: str = "mean", delta: float = 1.0) -> None:
        super().__init__(reduction=reduction)
        self.delta = delta

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.huber_loss(input, target, reduction=self.reduction, delta=self.delta)


class KLDivLoss(_Loss):
    """Kullback-Leibler divergence of ``target`` from ``input`` (log-probabilities).
    Use ``reduction='batchmean'`` for the mathematical KL divergence. See
    :func:`~neurarust.nn.functional.kl_div`.

    Shapes: input ``(*)``, target ``(*)``; output ``()``, or ``(*)`` for ``reduction='none'``.

    Examples:
        >>> import neurarust as nr
        >>> log_q = nr.tensor([[0.25, 0.75]]).log()
        >>> nr.nn.KLDivLoss(reduction="batchmean")(log_q, nr.tensor([[0.5, 0.5]]))
        tensor(0.1438)
    """

    def __init__(
        self,
        size_average: bool | None = None,
        reduce: bool | None = None,
        reduction: str = "mean",
        log_target: bool = False,
    ) -> None:
        super().__init__(size_average, reduce, reduction)
        self.log_target = log_target

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.kl_div(input, target, reduction=self.reduction, log_target=self.log_target)


class PoissonNLLLoss(_Loss):
    """Negative log-likelihood of ``target`` counts under a Poisson of rate ``input``
    (``exp(input)`` if ``log_input``). See :func:`~neurarust.nn.functional.poisson_nll_loss`.

    Shapes: input ``(*)``, target ``(*)``; output ``()``, or ``(*)`` for ``reduction='none'``.

    Examples:
        >>> import neurarust as nr
        >>> nr.nn.PoissonNLLLoss()(nr.tensor([0.0, 1.0]), nr.tensor([1.0, 2.0]))
        tensor(0.8591)
    """

    def __init__(
        self,
        log_input: bool = True,
        full: bool = False,
        size_average: bool | None = None,
        eps: float = 1e-8,
        reduce: bool | None = None,
        reduction: str = "mean",
    ) -> None:
        super().__init__(size_average, reduce, reduction)
        self.log_input, self.full, self.eps = log_input, full, eps

    def forward(self, log_input: Tensor, target: Tensor) -> Tensor:
        return F.poisson_nll_loss(
            log_input,
            target,
            log_input=self.log_input,
            full=self.full,
            eps=self.eps,
            reduction=self.reduction,
        )


class GaussianNLLLoss(_Loss):
    """Negative log-likelihood of ``target`` under a Gaussian of mean ``input`` and
    variance ``var``. See :func:`~neurarust.nn.functional.gaussian_nll_loss`.

    Shapes: input ``(N, *)``, target ``(N, *)``, var ``(N, *)``, ``(N, *)`` with one
    dimension fewer or of size 1, or a number; output ``()``, or ``(N, *)`` for
    ``reduction='none'``.

    Examples:
        >>> import neurarust as nr
        >>> nr.nn.GaussianNLLLoss()(nr.tensor([0.0, 1.0]), nr.tensor([1.0, 1.0]), 1.0)
        tensor(0.2500)
    """

    def __init__(self, *, full: bool = False, eps: float = 1e-6, reduction: str = "mean") -> None:
        super().__init__(reduction=reduction)
        self.full, self.eps = full, eps

    def forward(self, input: Tensor, target: Tensor, var: Tensor | float) -> Tensor:
        return F.gaussian_nll_loss(
            input, target, var, full=self.full, eps=self.eps, reduction=self.reduction
        )


# --- embeddings and ranking ------------------------------------------------------------------


class CosineEmbeddingLoss(_Loss):
    """``1 - cos(x1, x2)`` for similar pairs (target 1), ``max(0, cos(x1, x2) - margin)``
    for dissimilar ones (target -1). See :func:`~neurarust.nn.functional.cosine_embedding_loss`.

    Shapes: input1, input2 ``(N, D)`` or ``(D,)``; target ``(N,)`` or ``()``; output ``()``,
    or ``(N,)`` for ``reduction='none'``.

    Examples:
        >>> import neurarust as nr
        >>> x = nr.tensor([[1.0, 0.0]])
        >>> nr.nn.CosineEmbeddingLoss()(x, nr.tensor([[0.0, 1.0]]), nr.tensor([1.0]))
        tensor(1.)
    """

    def __init__(
        self,
        margin: float = 0.0,
        size_average: bool | None = None,
        reduce: bool | None = None,
        reduction: str = "mean",
    ) -> None:
        super().__init__(size_average, reduce, reduction)
        self.margin = margin

    def forward(self, input1: Tensor, input2: Tensor, target: Tensor) -> Tensor:
        return F.cosine_embedding_loss(
            input1, input2, target, margin=self.margin, reduction=self.reduction
        )


class MarginRankingLoss(_Loss):
    """``max(0, -target * (input1 - input2) + margin)``: ``input1`` should rank above
    ``input2`` where target is 1, below where it is -1. See
    :func:`~neurarust.nn.functional.margin_ranking_loss`.

    Shapes: input1, input2, target ``(N,)`` or ``()``; output ``()``, or ``(N,)`` for
    ``reduction='none'``.

    Examples:
        >>> import neurarust as nr
        >>> loss = nr.nn.MarginRankingLoss(margin=1.0)
        >>> loss(nr.tensor([2.0, 0.0]), nr.tensor([1.5, 1.0]), nr.tensor([1.0, 1.0]))
        tensor(1.2500)
    """

    def __init__(
        self,
        margin: float = 0.0,
        size_average: bool | None = None,
        reduce: bool | None = None,
        reduction: str = "mean",
    ) -> None:
        super().__init__(size_average, reduce, reduction)
        self.margin = margin

    def forward(self, input1: Tensor, input2: Tensor, target: Tensor) -> Tensor:
        return F.margin_ranking_loss(
            input1, input2, target, margin=self.margin, reduction=self.reduction
        )


class HingeEmbeddingLoss(_Loss):
    """``input`` where target is 1, ``max(0, margin - input)`` where it is -1 (``input``
    is typically a distance). See :func:`~neurarust.nn.functional.hinge_embedding_loss`.

    Shapes: input ``(*)``, target ``(*)``; output ``()``, or ``(*)`` for ``reduction='none'``.

    Examples:
        >>> import neurarust as nr
        >>> nr.nn.HingeEmbeddingLoss()(nr.tensor([0.3, 0.4]), nr.tensor([1.0, -1.0]))
        tensor(0.4500)
    """

    def __init__(
        self,
        margin: float = 1.0,
        size_average: bool | None = None,
        reduce: bool | None = None,
        reduction: str = "mean",
    ) -> None:
        super().__init__(size_average, reduce, reduction)
        self.margin = margin

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.hinge_embedding_loss(input, target, margin=self.margin, reduction=self.reduction)


class TripletMarginLoss(_Loss):
    """``max(d(anchor, positive) - d(anchor, negative) + margin, 0)`` with the p-norm
    distance ``d``. See :func:`~neurarust.nn.functional.triplet_margin_loss`.

    Shapes: anchor, positive, negative ``(N, D)`` or ``(D,)``; output ``()``, or ``(N,)`` for
    ``reduction='none'``.

    Examples:
        >>> import neurarust as nr
        >>> a, p, n = nr.tensor([[0.0, 0.0]]), nr.tensor([[3.0, 4.0]]), nr.tensor([[1.0, 0.0]])
        >>> nr.nn.TripletMarginLoss(eps=0.0)(a, p, n)
        tensor(5.)
    """

    def __init__(
        self,
        margin: float = 1.0,
        p: float = 2.0,
        eps: float = 1e-6,
        swap: bool = False,
        size_average: bool | None = None,
        reduce: bool | None = None,
        reduction: str = "mean",
    ) -> None:
        super().__init__(size_average, reduce, reduction)
        self.margin, self.p, self.eps, self.swap = margin, p, eps, swap

    def forward(self, anchor: Tensor, positive: Tensor, negative: Tensor) -> Tensor:
        return F.triplet_margin_loss(
            anchor,
            positive,
            negative,
            margin=self.margin,
            p=self.p,
            eps=self.eps,
            swap=self.swap,
            reduction=self.reduction,
        )


class TripletMarginWithDistanceLoss(_Loss):
    """:class:`TripletMarginLoss` with any distance: ``distance_function(x1, x2)``
    (default :class:`~neurarust.nn.PairwiseDistance`). See
    :func:`~neurarust.nn.functional.triplet_margin_with_distance_loss`.

    Shapes: anchor, positive, negative ``(N, *)``; output ``()``, or ``(N,)`` for
    ``reduction='none'``.

    Examples:
        >>> import neurarust as nr
        >>> cosine = lambda x, y: 1 - nr.nn.functional.cosine_similarity(x, y)
        >>> loss = nr.nn.TripletMarginWithDistanceLoss(distance_function=cosine, margin=0.5)
        >>> a, p, n = nr.tensor([[1.0, 0.0]]), nr.tensor([[0.0, 1.0]]), nr.tensor([[1.0, 0.0]])
        >>> loss(a, p, n)
        tensor(1.5000)
    """

    def __init__(
        self,
        *,
        distance_function: Callable[[Tensor, Tensor], Tensor] | None = None,
        margin: float = 1.0,
        swap: bool = False,
        reduction: str = "mean",
    ) -> None:
        super().__init__(reduction=reduction)
        if distance_function is None:
            distance_function = PairwiseDistance()
        self.distance_function: Any = distance_function
        self.margin, self.swap = margin, swap

    def forward(self, anchor: Tensor, positive: Tensor, negative: Tensor) -> Tensor:
        return F.triplet_margin_with_distance_loss(
            anchor,
            positive,
            negative,
            distance_function=self.distance_function,
            margin=self.margin,
            swap=self.swap,
            reduction=self.reduction,
        )


# --- classification --------------------------------------------------------------------------


class NLLLoss(_WeightedLoss):
    """Negative log-likelihood of the target classes, from log-probabilities. See
    :func:`~neurarust.nn.functional.nll_loss`.

    Shapes: input ``(N, C)``, ``(C,)`` or ``(N, C, d1, ..., dk)``; target (class indices)
    ``(N,)``, ``()`` or ``(N, d1, ..., dk)``; output ``()``, or the target's shape for
    ``reduction='none'``.

    Examples:
        >>> import neurarust as nr
        >>> log_p = nr.tensor([[0.5, 0.5], [0.9, 0.1]]).log()
        >>> nr.nn.NLLLoss()(log_p, nr.tensor([0, 0]))
        tensor(0.3993)
    """

    def __init__(
        self,
        weight: Tensor | None = None,
        size_average: bool | None = None,
        ignore_index: int = -100,
        reduce: bool | None = None,
        reduction: str = "mean",
    ) -> None:
        super().__init__(weight, size_average, reduce, reduction)
        self.ignore_index = ignore_index

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.nll_loss(
            input,
            target,
            weight=self.weight,
            ignore_index=self.ignore_index,
            reduction=self.reduction,
        )


class CrossEntropyLoss(_WeightedLoss):
    """Cross-entropy between the softmax of ``input`` (logits) and the target classes or
    class probabilities. See :func:`~neurarust.nn.functional.cross_entropy`.

    Shapes: input ``(N, C)``, ``(C,)`` or ``(N, C, d1, ..., dk)``; target: class indices
    ``(N,)``, ``()`` or ``(N, d1, ..., dk)``, or probabilities of the input's shape;
    output ``()``, or one value per sample for ``reduction='none'``.

    Examples:
        >>> import neurarust as nr
        >>> logits = nr.tensor([[2.0, 0.0], [0.0, 0.0]])
        >>> nr.nn.CrossEntropyLoss()(logits, nr.tensor([0, 1]))
        tensor(0.4100)
    """

    def __init__(
        self,
        weight: Tensor | None = None,
        size_average: bool | None = None,
        ignore_index: int = -100,
        reduce: bool | None = None,
        reduction: str = "mean",
        label_smoothing: float = 0.0,
    ) -> None:
        super().__init__(weight, size_average, reduce, reduction)
        self.ignore_index, self.label_smoothing = ignore_index, label_smoothing

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.cross_entropy(
            input,
            target,
            weight=self.weight,
            ignore_index=self.ignore_index,
            reduction=self.reduction,
            label_smoothing=self.label_smoothing,
        )


class BCELoss(_WeightedLoss):
    """Binary cross-entropy of probabilities ``input`` against ``target`` in [0, 1]; logs
    are clamped at -100. See :func:`~neurarust.nn.functional.binary_cross_entropy`.

    Shapes: input ``(*)``, target ``(*)``; output ``()``, or ``(*)`` for ``reduction='none'``.

    Examples:
        >>> import neurarust as nr
        >>> nr.nn.BCELoss()(nr.tensor([0.5, 0.9]), nr.tensor([1.0, 1.0]))
        tensor(0.3993)
    """

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.binary_cross_entropy(input, target, weight=self.weight, reduction=self.reduction)


class BCEWithLogitsLoss(_Loss):
    """:class:`BCELoss` of ``sigmoid(input)``, in one numerically stable step;
    ``pos_weight`` rescales the positive term per class. See
    :func:`~neurarust.nn.functional.binary_cross_entropy_with_logits`.

    Shapes: input ``(*)``, target ``(*)``; weight broadcastable to it; pos_weight
    broadcastable along the last (class) dimension; output ``()``, or ``(*)`` for
    ``reduction='none'``.

    Examples:
        >>> import neurarust as nr
        >>> nr.nn.BCEWithLogitsLoss()(nr.tensor([0.0, 1e4]), nr.tensor([1.0, 1.0]))
        tensor(0.3466)
    """

    def __init__(
        self,
        weight: Tensor | None = None,
        size_average: bool | None = None,
        reduce: bool | None = None,
        reduction: str = "mean",
        pos_weight: Tensor | None = None,
    ) -> None:
        super().__init__(size_average, reduce, reduction)
        self.register_buffer("weight", weight)
        self.register_buffer("pos_weight", pos_weight)
        self.weight: Tensor | None
        self.pos_weight: Tensor | None

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.binary_cross_entropy_with_logits(
            input,
            target,
            self.weight,
            pos_weight=self.pos_weight,
            reduction=self.reduction,
        )


class SoftMarginLoss(_Loss):
    """Two-class logistic loss ``log(1 + exp(-target * input))`` for targets of 1 or -1.
    See :func:`~neurarust.nn.functional.soft_margin_loss`.

    Shapes: input ``(*)``, target ``(*)``; output ``()``, or ``(*)`` for ``reduction='none'``.

    Examples:
        >>> import neurarust as nr
        >>> nr.nn.SoftMarginLoss()(nr.tensor([0.0, 2.0]), nr.tensor([1.0, -1.0]))
        tensor(1.4100)
    """

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.soft_margin_loss(input, target, reduction=self.reduction)


class MultiLabelSoftMarginLoss(_WeightedLoss):
    """Per-class logistic loss for multi-label targets of 0 and 1, averaged over the
    classes. See :func:`~neurarust.nn.functional.multilabel_soft_margin_loss`.

    Shapes: input ``(N, C)``, target ``(N, C)``; output ``()``, or ``(N,)`` for
    ``reduction='none'``.

    Examples:
        >>> import neurarust as nr
        >>> nr.nn.MultiLabelSoftMarginLoss()(nr.tensor([[0.0, 0.0]]), nr.tensor([[1.0, 0.0]]))
        tensor(0.6931)
    """

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.multilabel_soft_margin_loss(
            input, target, weight=self.weight, reduction=self.reduction
        )


class MultiLabelMarginLoss(_Loss):
    """Hinge loss pushing every target class above every other class by a margin of 1;
    the target lists class indices, ended by the first -1. See
    :func:`~neurarust.nn.functional.multilabel_margin_loss`.

    Shapes: input ``(C,)`` or ``(N, C)``; target (integers) of the same shape; output
    ``()``, or ``()``/``(N,)`` for ``reduction='none'``.

    Examples:
        >>> import neurarust as nr
        >>> loss = nr.nn.MultiLabelMarginLoss()
        >>> loss(nr.tensor([[0.1, 0.2, 0.4, 0.8]]), nr.tensor([[3, 0, -1, 1]]))
        tensor(0.8500)
    """

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.multilabel_margin_loss(input, target, reduction=self.reduction)


class MultiMarginLoss(_WeightedLoss):
    """Multi-class hinge loss: every other class's score should be ``margin`` below the
    target class's (``p`` = 1 or 2 raises the hinge to that power). See
    :func:`~neurarust.nn.functional.multi_margin_loss`.

    Shapes: input ``(N, C)`` or ``(C,)``; target (class indices) ``(N,)`` or ``()``;
    output ``()``, or ``(N,)`` for ``reduction='none'``.

    Examples:
        >>> import neurarust as nr
        >>> nr.nn.MultiMarginLoss()(nr.tensor([[0.1, 0.2, 0.4, 0.8]]), nr.tensor([3]))
        tensor(0.3250)
    """

    def __init__(
        self,
        p: int = 1,
        margin: float = 1.0,
        weight: Tensor | None = None,
        size_average: bool | None = None,
        reduce: bool | None = None,
        reduction: str = "mean",
    ) -> None:
        super().__init__(weight, size_average, reduce, reduction)
        self.p, self.margin = p, margin

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.multi_margin_loss(
            input,
            target,
            p=self.p,
            margin=self.margin,
            weight=self.weight,
            reduction=self.reduction,
        )


# --- sequences -------------------------------------------------------------------------------


class CTCLoss(_Loss):
    """Connectionist temporal classification: the negative log-probability of the target
    sequences summed over all their alignments to the input steps. See
    :func:`~neurarust.nn.functional.ctc_loss`.

    Shapes: log_probs ``(T, N, C)`` or ``(T, C)`` (log-softmax outputs); targets
    ``(N, S)`` padded or ``(sum(target_lengths),)``; input_lengths and target_lengths
    ``(N,)``; output ``()``, or ``(N,)`` for ``reduction='none'``.

    Examples:
        >>> import neurarust as nr
        >>> log_probs = nr.full((2, 1, 2), 0.5).log()
        >>> nr.nn.CTCLoss(reduction="sum")(log_probs, nr.tensor([[1]]), [2], [1])
        tensor(0.2877)
    """

    def __init__(
        self, blank: int = 0, reduction: str = "mean", zero_infinity: bool = False
    ) -> None:
        super().__init__(reduction=reduction)
        self.blank, self.zero_infinity = blank, zero_infinity

    def forward(
        self, log_probs: Tensor, targets: Tensor, input_lengths: Any, target_lengths: Any
    ) -> Tensor:
        return F.ctc_loss(
            log_probs,
            targets,
            input_lengths,
            target_lengths,
            blank=self.blank,
            reduction=self.reduction,
            zero_infinity=self.zero_infinity,
        )
