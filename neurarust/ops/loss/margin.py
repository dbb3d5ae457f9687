"""Margin losses for classification: each pushes the score of the right class (or
sign) above the others by a margin.

- :func:`soft_margin_loss`: two-class, targets ``+1``/``-1``: ``log(1 + exp(-y x))``.
- :func:`multilabel_soft_margin_loss`: several labels per sample, targets 0/1 per
  class: the binary cross-entropy on logits, averaged over the classes.
- :func:`multilabel_margin_loss`: several labels per sample, given as class indices:
  a hinge between every label and every class that is not a label.
- :func:`multi_margin_loss`: one class per sample: a hinge between the target class
  and every other class (the multi-class SVM loss).

Each loss is a short composition of differentiable ops, so autograd gives its
gradients and its double backward. The index losses work on the whole batch at
once: the masks saying which (label, class) pairs count are computed from the
target's array, and the scores are compared pairwise by broadcasting.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ...tensor import Tensor
from .._util import check_broadcastable, check_same_device, require_tensor
from ..activation import logsigmoid
from ..scatter import IndexOutOfBoundsError
from ._reduction import reduce_loss, resolve_reduction

__all__ = [
    "soft_margin_loss",
    "multilabel_soft_margin_loss",
    "multilabel_margin_loss",
    "multi_margin_loss",
]


# -- checks ----------------------------------------------------------------------------


def _check_input(op: str, input: Tensor, error: type[Exception] = NotImplementedError) -> None:
    """``error`` (the type PyTorch raises for ``op``) unless ``input`` is a float tensor."""
    require_tensor(op, "input", input)
    if not input.dtype.is_floating_point:
        raise error(f"{op}: expected a floating point input, got dtype {input.dtype.name}")


def _check_target_broadcasts(op: str, input: Tensor, target: Tensor) -> None:
    """RuntimeError naming ``op`` unless ``target`` is a tensor on ``input``'s device whose
    shape broadcasts with ``input``'s."""
    require_tensor(op, "target", target)
    check_same_device(op, input, target)
    check_broadcastable(op, input.shape, target.shape)


def _frames(op: str, input: Tensor) -> tuple[int, int]:
    """``(samples, classes)`` of an index-target loss's input: ``(N, C)`` holds N samples,
    ``(C,)`` and 0-d (one class) hold one. RuntimeError for other shapes, as in PyTorch."""
    shape = tuple(input.shape)
    if len(shape) > 2 or (shape and shape[-1] == 0):
        raise RuntimeError(
            f"{op}: expected input of shape (C,) or (N, C) with C > 0 (N may be 0), got {shape}"
        )
    if len(shape) == 2:
        return shape[0], shape[1]
    return 1, shape[0] if shape else 1


def _class_indices(op: str, input: Tensor, target: Tensor, lowest: int, classes: int) -> Any:
    """``target``'s array, checked to be int64 on ``input``'s device and to hold class
    indices in ``[lowest, classes)``."""
    check_same_device(op, input, target)
    if target.dtype.name != "int64":
        raise RuntimeError(f"{op}: expected target of dtype int64, got {target.dtype.name}")
    data = target._data
    outside = (data < lowest) | (data >= classes)
    if outside.any():
        raise IndexOutOfBoundsError(
            f"{op}: target {int(data[outside][0])} is out of bounds "
            f"(expected class indices in [{lowest}, {classes - 1}])"
        )
    return data


def _check_target_shape(op: str, input: Tensor, target: Tensor, fits: bool, expected: Any) -> None:
    """RuntimeError naming the shapes unless ``fits``."""
    if not fits:
        raise RuntimeError(
            f"{op}: expected target of shape {expected} for input of shape "
            f"{tuple(input.shape)}, got {tuple(target.shape)}"
        )


def _check_class_weights(op: str, input: Tensor, weight: Tensor, classes: int) -> None:
    """PyTorch's checks of a per-class ``weight``: 1-d (ValueError), one entry per class
    and the input's dtype (RuntimeError)."""
    require_tensor(op, "weight", weight)
    check_same_device(op, input, weight)
    if weight.ndim != 1:
        raise ValueError(f"{op}: weight must be one-dimensional, got shape {tuple(weight.shape)}")
    if weight.shape[0] != classes:
        raise RuntimeError(
            f"{op}: expected weight of shape ({classes},), one per class, got {tuple(weight.shape)}"
        )
    if weight.dtype != input.dtype:
        raise RuntimeError(
            f"{op}: expected weight of dtype {input.dtype.name} (the input's), "
            f"got {weight.dtype.name}"
        )


# -- shared pieces ---------------------------------------------------------------------


def _hinge(chosen: Tensor, scores: Tensor, skip: Any, margin: float, p: int = 1) -> Tensor:
    """``max(0, margin - chosen + scores) ** p``, and 0 where the bool array ``skip`` is True.

    ``chosen`` (the scores that should win), ``scores`` and ``skip`` broadcast together.
    """
    hinge = (margin - chosen + scores).relu()
    if p == 2:
        hinge = hinge.square()
    return hinge.masked_fill(Tensor._make(skip, scores.device), 0.0)


def _index(like: Tensor, array: Any) -> Tensor:
    """An int64 ``array`` (class indices) as a tensor on ``like``'s device."""
    return Tensor._make(array, like.device)


# -- the losses ------------------------------------------------------------------------


def soft_margin_loss(
    input: Tensor,
    target: Tensor,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
) -> Tensor:
    """The two-class logistic loss ``log(1 + exp(-target * input))``, per element.

    ``target`` holds the classes as ``1`` and ``-1``. Computed as
    ``-logsigmoid(target * input)``, which stays finite for any input (PyTorch's
    ``log1p(exp(.))`` overflows to inf, with a nan gradient, once ``-target * input``
    passes about 89 in float32). ``target`` also gets a gradient if it requires one
    (PyTorch refuses).

    Shapes: ``input (*)``; ``target`` broadcasts to ``input``'s shape; the output
    is ``(*)`` for ``reduction='none'``, ``()`` otherwise. Its dtype is ``input``'s.

    Examples:
        >>> import neurarust as nr
        >>> x = nr.tensor([2.0, -1.0, 0.0])
        >>> nr.nn.functional.soft_margin_loss(x, nr.tensor([1.0, 1.0, -1.0]), reduction="none")
        tensor([0.1269, 1.3133, 0.6931])
    """
    op = "soft_margin_loss"
    reduction = resolve_reduction(op, reduction, size_average, reduce)
    _check_input(op, input, RuntimeError)
    _check_target_broadcasts(op, input, target)
    if np.broadcast_shapes(input.shape, target.shape) != tuple(input.shape):
        raise RuntimeError(
            f"{op}: expected a target that broadcasts to the input's shape "
            f"{tuple(input.shape)}, got {tuple(target.shape)}"
        )
    loss = -logsigmoid(target * input)
    if loss.dtype != input.dtype:  # a float64 target does not widen the loss
        loss = loss.to(input.dtype)
    return reduce_loss(loss, reduction)


def multilabel_soft_margin_loss(
    input: Tensor,
    target: Tensor,
    weight: Tensor | None = None,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
) -> Tensor:
    """The binary cross-entropy of logits ``input`` with labels ``target`` (1 for
    the classes present, 0 for the others), averaged over the classes (the last
    dimension): ``-mean_c(w_c * (y_c * logsigmoid(x_c) + (1 - y_c) * logsigmoid(-x_c)))``.

    ``weight`` rescales the classes; it broadcasts with the per-class losses.

    Shapes: ``input (*, C)``; ``target`` and ``weight`` broadcast with it; the output
    is ``(*)`` for ``reduction='none'``, ``()`` otherwise.

    Examples:
        >>> import neurarust as nr
        >>> x = nr.tensor([[2.0, -1.0, 0.0]])
        >>> nr.nn.functional.multilabel_soft_margin_loss(x, nr.tensor([[1.0, 0.0, 1.0]]))
        tensor(0.3778)
    """
    op = "multilabel_soft_margin_loss"
    reduction = resolve_reduction(op, reduction, size_average, reduce)
    _check_input(op, input)
    if input.ndim == 0:
        raise IndexError(f"{op}: expected input with a class dimension (at least 1-d), got 0-d")
    _check_target_broadcasts(op, input, target)
    loss = -(target * logsigmoid(input) + (1 - target) * logsigmoid(-input))
    if weight is not None:
        require_tensor(op, "weight", weight)
        check_same_device(op, input, weight)
        check_broadcastable(op, tuple(loss.shape), weight.shape)
        loss = loss * weight
    classes = input.shape[-1]
    # Summed over input's class dimension, as PyTorch does even when target adds dimensions.
    return reduce_loss(loss.sum(input.ndim - 1) / classes, reduction)


def multilabel_margin_loss(
    input: Tensor,
    target: Tensor,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
) -> Tensor:
    """A hinge between each label ``y`` of a sample and each class ``i`` that is not a
    label: ``sum_{y, i} max(0, 1 - (x[y] - x[i])) / C``.

    ``target`` lists the labels as class indices, ended by the first ``-1`` (the
    entries after it are ignored; a label listed twice counts twice).

    Shapes: ``input (C)`` or ``(N, C)`` (0-d: one class); ``target`` the same shape,
    int64; the output is ``(N)`` for ``reduction='none'`` with a batch, ``()`` otherwise.

    Examples:
        >>> import neurarust as nr
        >>> x = nr.tensor([[0.1, 0.2, 0.4, 0.8]])
        >>> nr.nn.functional.multilabel_margin_loss(x, nr.tensor([[3, 0, -1, 1]]))
        tensor(0.8500)
    """
    op = "multilabel_margin_loss"
    reduction = resolve_reduction(op, reduction, size_average, reduce)
    _check_input(op, input)
    samples, classes = _frames(op, input)
    require_tensor(op, "target", target)
    if input.ndim == 2:
        fits, expected = target.shape == input.shape, tuple(input.shape)
    else:
        fits, expected = target.ndim <= 1 and target.numel() == classes, (classes,)
    _check_target_shape(op, input, target, fits, expected)
    labels = _class_indices(op, input, target, -1, classes).reshape(samples, classes)

    xp = input.backend.xp
    listed = xp.cumsum(labels < 0, axis=1) == 0  # before the first -1
    most = int(listed.sum(axis=1).max()) if samples else 0
    labels, listed = xp.where(listed, labels, 0)[:, :most], listed[:, :most]
    is_label = xp.zeros((samples, classes), dtype=bool)
    rows, slots = xp.nonzero(listed)
    is_label[rows, labels[rows, slots]] = True
    # Pairs (label slot j, class i) of each sample: (N, most, C).
    skip = ~listed[:, :, None] | is_label[:, None, :]

    scores = input.reshape(samples, classes)
    label_scores = scores.gather(1, _index(input, labels)).unsqueeze(2)
    loss = _hinge(label_scores, scores.unsqueeze(1), skip, 1.0).sum((1, 2)) / classes
    return reduce_loss(loss.reshape(-1 if target.ndim == 2 else ()), reduction)


def multi_margin_loss(
    input: Tensor,
    target: Tensor,
    p: int = 1,
    margin: float = 1.0,
    weight: Tensor | None = None,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
) -> Tensor:
    """The multi-class hinge (SVM) loss of each sample, with ``y`` its target class:
    ``w[y] * sum_{i != y} max(0, margin - x[y] + x[i]) ** p / C``.

    ``p`` is 1 or 2; ``weight`` (one per class, the input's dtype) rescales each
    sample by its target class's weight. 'mean' is the plain mean over samples.

    Shapes: ``input (C)`` or ``(N, C)`` (0-d: one class); ``target ()`` or ``(N)``,
    int64; the output is ``(N)`` for ``reduction='none'`` (``()`` when ``target``
    is 0-d), ``()`` otherwise.

    Examples:
        >>> import neurarust as nr
        >>> x = nr.tensor([[0.1, 0.2, 0.4, 0.8], [0.3, -0.2, 0.5, 0.1]])
        >>> nr.nn.functional.multi_margin_loss(x, nr.tensor([3, 1]), reduction="none")
        tensor([0.3250, 1.1250])
    """
    op = "multi_margin_loss"
    reduction = resolve_reduction(op, reduction, size_average, reduce)
    if p != 1 and p != 2:
        raise ValueError(f"{op}: only p == 1 and p == 2 are supported, got {p}")
    _check_input(op, input)
    samples, classes = _frames(op, input)
    if weight is not None:
        _check_class_weights(op, input, weight, classes)
    require_tensor(op, "target", target)
    fits = target.ndim <= 1 and target.numel() == samples
    _check_target_shape(op, input, target, fits, (samples,))
    targets = _class_indices(op, input, target, 0, classes).reshape(samples, 1)

    scores = input.reshape(samples, classes)
    skip = input.backend.xp.arange(classes) == targets
    target_scores = scores.gather(1, _index(input, targets))
    loss = _hinge(target_scores, scores, skip, margin, p).sum(1) / classes
    if weight is not None:
        loss = loss * weight[_index(input, targets[:, 0])]
    return reduce_loss(loss.reshape(-1 if target.ndim == 1 else ()), reduction)
