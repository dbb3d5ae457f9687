"""Regression losses: how far predictions lie from real-valued targets.

* ``mse_loss``, ``l1_loss``, ``smooth_l1_loss`` and ``huber_loss`` measure the
  difference ``input - target`` elementwise (squared, absolute, or squared near 0
  and absolute further out);
* ``kl_div`` is the Kullback-Leibler divergence of a target distribution from
  the predicted one (``input`` holds log-probabilities);
* ``poisson_nll_loss`` and ``gaussian_nll_loss`` are negative log-likelihoods
  of the target under a Poisson or a Gaussian distribution.

``target`` broadcasts with ``input``; the four difference losses warn when the
two sizes differ, as PyTorch does, since that is usually a mistake (a target of
shape ``(N,)`` against predictions of shape ``(N, 1)`` gives an ``(N, N)`` loss).

Most losses are a few neurarust ops, so autograd gives their gradients and
double backward. :class:`Huber` is one node for smooth L1 and Huber, whose
derivative is the clamped difference. The gaussian loss clamps ``var`` from below
but, like PyTorch (which clamps under ``no_grad``), passes its gradient through
unchanged: :class:`~neurarust.ops.elementwise.ClampMinKeepGradient`.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

from ...autograd.function import Function
from ...dtypes import result_type
from ...tensor import Tensor
from .._util import check_broadcastable, check_same_device, require_tensor
from ..creation import ones_like
from ..elementwise import ClampMinKeepGradient
from ._reduction import reduce_loss, resolve_reduction

__all__ = [
    "mse_loss",
    "l1_loss",
    "smooth_l1_loss",
    "huber_loss",
    "kl_div",
    "poisson_nll_loss",
    "gaussian_nll_loss",
]

# kl_div also takes 'batchmean': the sum divided by the batch size.
_KL_REDUCTIONS = ("none", "batchmean", "sum", "mean")


# -- shared checks -------------------------------------------------------------------


def _check_pair(op: str, input: Any, target: Any) -> None:
    """TypeError or RuntimeError naming ``op`` unless ``input`` and ``target`` are
    tensors on one device whose shapes broadcast."""
    require_tensor(op, "input", input)
    require_tensor(op, "target", target)
    check_same_device(op, input, target)
    check_broadcastable(op, input.shape, target.shape)


def _difference(op: str, input: Any, target: Any, floating: bool) -> Tensor:
    """``input - target``, with PyTorch's warning when the two sizes differ.

    ``floating``: refuse integer and bool tensors first, as PyTorch's kernels do.
    The warning's text is PyTorch's own, so filters written for PyTorch
    (``warnings.filterwarnings(..., message="Using a target size")``) keep working.
    """
    _check_pair(op, input, target)
    if floating:
        _require_floating(op, input, target)
    if input.shape != target.shape:
        warnings.warn(
            f"Using a target size ({target.size()}) that is different to the input size "
            f"({input.size()}). This will likely lead to incorrect results due to "
            "broadcasting. Please ensure they have the same size.",
            UserWarning,
            stacklevel=3,
        )
    return input - target


def _require_floating(op: str, input: Tensor, target: Tensor) -> None:
    """NotImplementedError, as PyTorch raises, when the loss would compute in integers."""
    dtype = result_type(input, target)
    if not dtype.is_floating_point:
        raise NotImplementedError(
            f"{op}: not implemented for {dtype.name} tensors (expected floating point "
            f"input or target, got {input.dtype.name} and {target.dtype.name})"
        )


def _check_weight(op: str, weight: Any, input: Tensor) -> None:
    """ValueError naming ``op`` unless ``weight`` is a tensor of ``input``'s shape."""
    require_tensor(op, "weight", weight)
    if weight.shape != input.shape:
        raise ValueError(
            f"{op}: Weights and input must have the same size (weight {tuple(weight.shape)}, "
            f"input {tuple(input.shape)})"
        )


def _weighted_reduction(loss: Tensor, weight: Tensor, reduction: str) -> Tensor:
    """``weight * loss`` reduced; its 'mean' divides by the summed weights (mse, l1)."""
    weighted = loss * weight
    if reduction == "mean":
        return weighted.sum() / weight.sum()
    return reduce_loss(weighted, reduction)


# -- squared and absolute differences ------------------------------------------------


def mse_loss(
    input: Tensor,
    target: Tensor,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
    weight: Tensor | None = None,
) -> Tensor:
    """Mean squared error: ``(input - target) ** 2`` per element, then reduced.

    ``weight`` (input's shape) multiplies each element's loss; with it, 'mean'
    divides by ``weight.sum()``. ``size_average`` and ``reduce`` are deprecated
    (use ``reduction``). Integer input and target are refused unless weighted,
    as in PyTorch.

    Shapes: ``input`` ``(*)``, ``target`` broadcastable with it (a warning if
    the sizes differ); output the broadcast shape for ``'none'``, ``()`` otherwise.

    Examples:
        >>> import neurarust as nr
        >>> import neurarust.nn.functional as F
        >>> F.mse_loss(nr.tensor([1.0, 2.0, 3.0]), nr.tensor([1.0, 0.0, 6.0]))
        tensor(4.3333)
    """
    reduction = resolve_reduction("mse_loss", reduction, size_average, reduce)
    squared = _difference("mse_loss", input, target, floating=weight is None).square()
    if weight is None:
        return reduce_loss(squared, reduction)
    _check_weight("mse_loss", weight, input)
    return _weighted_reduction(squared, weight, reduction)


def l1_loss(
    input: Tensor,
    target: Tensor,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
    weight: Tensor | None = None,
) -> Tensor:
    """Mean absolute error: ``|input - target|`` per element, then reduced.

    ``weight`` (input's shape) multiplies each element's loss; with it, 'mean'
    divides by ``weight.sum()``. Integer tensors give an integer loss for
    ``'none'`` and ``'sum'`` (``'mean'`` of integers is an error, as in PyTorch).

    Shapes: ``input`` ``(*)``, ``target`` broadcastable with it (a warning if
    the sizes differ); output the broadcast shape for ``'none'``, ``()`` otherwise.

    Examples:
        >>> import neurarust as nr
        >>> import neurarust.nn.functional as F
        >>> F.l1_loss(nr.tensor([1.0, 2.0, 3.0]), nr.tensor([1.0, 0.0, 6.0]), reduction="sum")
        tensor(5.)
    """
    reduction = resolve_reduction("l1_loss", reduction, size_average, reduce)
    absolute = _difference("l1_loss", input, target, floating=False).abs()
    if weight is not None:
        _check_weight("l1_loss", weight, input)
        return _weighted_reduction(absolute, weight, reduction)
    return reduce_loss(absolute, reduction)


# -- smooth L1 and Huber -------------------------------------------------------------


class Huber(Function):
    """Huber's function of a difference ``d``: ``0.5 * d**2`` where ``|d| < delta``,
    ``delta * (|d| - 0.5 * delta)`` elsewhere. With ``smooth`` it is divided by
    ``delta`` (smooth L1 with ``beta = delta``).

    The derivative is ``d`` clamped to ``[-delta, delta]`` (over ``delta`` when
    ``smooth``); written with ``clamp``, its own derivative (1 inside, 0 outside)
    comes for free.
    """

    @staticmethod
    def forward(ctx: Any, diff: Tensor, delta: float, smooth: bool) -> Any:
        ctx.save_for_backward(diff)
        ctx.delta, ctx.smooth = delta, smooth
        xp = diff.backend.xp
        size = xp.abs(diff._data)
        inside = 0.5 * size * size
        outside = size - 0.5 * delta
        if smooth:
            inside = inside / delta
        else:
            outside = delta * outside
        return xp.where(size < delta, inside, outside)

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple[Any, ...]:
        (diff,) = ctx.saved_tensors
        delta = ctx.delta
        slope = diff.clamp(-delta, delta)
        if ctx.smooth:
            slope = slope / delta
        return grad * slope, None, None


def smooth_l1_loss(
    input: Tensor,
    target: Tensor,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
    beta: float = 1.0,
) -> Tensor:
    """Smooth L1: ``0.5 * d**2 / beta`` where ``|d| < beta``, else ``|d| - 0.5 * beta``,
    with ``d = input - target``; then reduced.

    ``beta`` (>= 0) is where the loss turns from quadratic to linear; ``beta=0``
    is :func:`l1_loss`.

    Shapes: ``input`` ``(*)``, ``target`` broadcastable with it (a warning if
    the sizes differ); output the broadcast shape for ``'none'``, ``()`` otherwise.

    Examples:
        >>> import neurarust as nr
        >>> import neurarust.nn.functional as F
        >>> F.smooth_l1_loss(nr.tensor([0.5, 3.0]), nr.tensor([0.0, 0.0]), reduction="none")
        tensor([0.1250, 2.5000])
    """
    if beta < 0:
        raise RuntimeError(
            f"smooth_l1_loss does not support negative values for beta (got beta={beta})"
        )
    reduction = resolve_reduction("smooth_l1_loss", reduction, size_average, reduce)
    diff = _difference("smooth_l1_loss", input, target, floating=beta != 0)
    if beta == 0:
        return reduce_loss(diff.abs(), reduction)
    return reduce_loss(Huber.apply(diff, beta, True), reduction)


def huber_loss(
    input: Tensor,
    target: Tensor,
    reduction: str = "mean",
    delta: float = 1.0,
    weight: Tensor | None = None,
) -> Tensor:
    """Huber loss: ``0.5 * d**2`` where ``|d| < delta``, else ``delta * (|d| - 0.5 * delta)``,
    with ``d = input - target``; then reduced.

    ``delta`` (> 0) is where the loss turns from quadratic to linear
    (``huber_loss = delta * smooth_l1_loss`` with ``beta = delta``). ``weight``
    (input's shape) multiplies each element's loss; unlike :func:`mse_loss`'s,
    the weighted 'mean' divides by the number of elements, as in PyTorch. The
    loss has ``input``'s dtype.

    Shapes: ``input`` ``(*)``, ``target`` broadcastable with it (a warning if
    the sizes differ); output the broadcast shape for ``'none'``, ``()`` otherwise.

    Examples:
        >>> import neurarust as nr
        >>> import neurarust.nn.functional as F
        >>> F.huber_loss(nr.tensor([0.5, 3.0]), nr.tensor([0.0, 0.0]), delta=2.0, reduction="none")
        tensor([0.1250, 4.0000])
    """
    if delta <= 0:
        raise RuntimeError(
            f"huber_loss does not support non-positive values for delta (got delta={delta})"
        )
    reduction = resolve_reduction("huber_loss", reduction)
    diff = _difference("huber_loss", input, target, floating=True)
    if not input.dtype.is_floating_point:
        raise RuntimeError(
            f"huber_loss: result type {diff.dtype.name} can't be cast to the desired output "
            f"type {input.dtype.name} (the loss has input's dtype)"
        )
    loss = Huber.apply(diff, delta, False)
    if loss.dtype is not input.dtype:
        loss = loss.to(input.dtype)
    if weight is not None:
        _check_weight("huber_loss", weight, input)
        loss = loss * weight
    return reduce_loss(loss, reduction)


# -- divergence and likelihoods ------------------------------------------------------


def kl_div(
    input: Tensor,
    target: Tensor,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
    log_target: bool = False,
) -> Tensor:
    """Kullback-Leibler divergence ``target * (log(target) - input)`` per element
    (``0`` where ``target`` is 0), then reduced.

    ``input`` holds log-probabilities; ``target`` probabilities, or
    log-probabilities with ``log_target=True`` (then the loss is
    ``exp(target) * (target - input)``). ``reduction='batchmean'`` divides the
    sum by the batch size ``input.shape[0]``: that is the true KL divergence per
    sample. ``'mean'`` divides by the number of elements and warns, as PyTorch does.

    Shapes: ``input`` ``(*)``, ``target`` broadcastable with it; output the
    broadcast shape for ``'none'``, ``()`` otherwise.

    Examples:
        >>> import neurarust as nr
        >>> import neurarust.nn.functional as F
        >>> log_p = nr.tensor([[0.25, 0.75]]).log()
        >>> F.kl_div(log_p, nr.tensor([[0.5, 0.5]]), reduction="batchmean")
        tensor(0.1438)
    """
    if size_average is None and reduce is None and reduction == "mean":
        warnings.warn(
            "reduction: 'mean' divides the total loss by both the batch size and the support "
            "size. 'batchmean' divides only by the batch size, and aligns with the KL div math "
            "definition. 'mean' will be changed to behave the same as 'batchmean' in the next "
            "major release.",
            UserWarning,
            stacklevel=2,
        )
    reduction = resolve_reduction("kl_div", reduction, size_average, reduce, _KL_REDUCTIONS)
    _check_pair("kl_div", input, target)
    if not (input.dtype.is_floating_point and target.dtype.is_floating_point):
        raise RuntimeError(
            "kl_div: Integral inputs not supported (expected floating point input and target, "
            f"got {input.dtype.name} and {target.dtype.name})"
        )
    if log_target:
        loss = target.exp() * (target - input)
    else:
        # target * log(target) is 0 where target is 0 (its limit), not 0 * -inf = nan.
        loss = (target * target.log()).masked_fill(target == 0, 0) - target * input
    if reduction == "batchmean":
        total = loss.sum()
        return total / input.shape[0] if input.ndim > 0 else total
    return reduce_loss(loss, reduction)


def poisson_nll_loss(
    input: Tensor,
    target: Tensor,
    log_input: bool = True,
    full: bool = False,
    size_average: bool | None = None,
    eps: float = 1e-8,
    reduce: bool | None = None,
    reduction: str = "mean",
) -> Tensor:
    """Poisson negative log-likelihood of ``target`` with rate ``input``:
    ``exp(input) - target * input`` (``log_input=True``: input is the log-rate)
    or ``input - target * log(input + eps)``, then reduced.

    ``full=True`` adds Stirling's approximation of ``log(target!)``,
    ``target * log(target) - target + 0.5 * log(2 * pi * target)``, where
    ``target > 1`` (0 elsewhere). ``eps`` keeps ``log`` finite at a rate of 0.

    Shapes: ``input`` ``(*)``, ``target`` broadcastable with it; output the
    broadcast shape for ``'none'``, ``()`` otherwise.

    Examples:
        >>> import neurarust as nr
        >>> import neurarust.nn.functional as F
        >>> F.poisson_nll_loss(nr.tensor([0.0, 1.0]), nr.tensor([1.0, 2.0]), reduction="none")
        tensor([1.0000, 0.7183])
    """
    reduction = resolve_reduction("poisson_nll_loss", reduction, size_average, reduce)
    _check_pair("poisson_nll_loss", input, target)
    if log_input:
        loss = input.exp() - target * input
    else:
        loss = input - target * (input + eps).log()
    if full:
        stirling = target * target.log() - target + 0.5 * (2 * math.pi * target).log()
        loss = loss + stirling.masked_fill(target <= 1, 0)
    return reduce_loss(loss, reduction)


def _variance_like(input: Tensor, var: Any) -> Tensor:
    """``var`` (a number or a tensor) checked as PyTorch checks it, shaped to broadcast
    with ``input``: one fewer dimension gets a trailing 1."""
    if isinstance(var, (int, float)) and not isinstance(var, bool):
        if var < 0:
            raise ValueError(f"gaussian_nll_loss: var has negative entry/entries (got {var})")
        return ones_like(input) * var
    require_tensor("gaussian_nll_loss", "var", var)
    check_same_device("gaussian_nll_loss", input, var)
    if not var.dtype.is_floating_point:
        raise RuntimeError(
            f"gaussian_nll_loss: expected a floating point var, got {var.dtype.name} "
            "(it is clamped to eps)"
        )
    if bool((var < 0).any()):
        raise ValueError("gaussian_nll_loss: var has negative entry/entries")
    if var.shape == input.shape:
        return var
    if var.shape == input.shape[:-1]:
        return var.unsqueeze(-1)
    # Same rank, and the dimensions that differ are one dimension of size 1 in var.
    if var.ndim == input.ndim and sum(v for i, v in zip(input.shape, var.shape) if i != v) == 1:
        return var
    raise ValueError(
        f"gaussian_nll_loss: var is of incorrect size: expected {tuple(input.shape)}, "
        f"{tuple(input.shape[:-1])} or {tuple(input.shape)} with one dimension set to 1, "
        f"got {tuple(var.shape)}"
    )


def gaussian_nll_loss(
    input: Tensor,
    target: Tensor,
    var: Tensor | float,
    full: bool = False,
    eps: float = 1e-6,
    reduction: str = "mean",
) -> Tensor:
    """Gaussian negative log-likelihood of ``target`` with mean ``input`` and
    variance ``var``: ``0.5 * (log(var) + (input - target)**2 / var)``, then reduced.

    ``var`` holds non-negative variances: one per element of ``input``, one per
    row (one fewer dimension, or a dimension of size 1), or a single number.
    It is clamped to at least ``eps`` for stability; as in PyTorch, the clamp
    passes gradients through unchanged. ``full=True`` adds the constant
    ``0.5 * log(2 * pi)``.

    Shapes: ``input`` ``(N, *)`` or ``(*)``; ``target`` broadcastable with it;
    ``var`` ``input``'s shape, or it with the last dimension dropped or any one
    dimension set to 1, or a number; output the broadcast shape for ``'none'``,
    ``()`` otherwise.

    Examples:
        >>> import neurarust as nr
        >>> import neurarust.nn.functional as F
        >>> F.gaussian_nll_loss(nr.tensor([1.0, 2.0]), nr.tensor([1.0, 4.0]), 2.0)
        tensor(0.8466)
    """
    reduction = resolve_reduction("gaussian_nll_loss", reduction)
    _check_pair("gaussian_nll_loss", input, target)
    variance = ClampMinKeepGradient.apply(_variance_like(input, var), eps)
    loss = 0.5 * (variance.log() + (input - target).square() / variance)
    if full:
        loss = loss + 0.5 * math.log(2 * math.pi)
    return reduce_loss(loss, reduction)
