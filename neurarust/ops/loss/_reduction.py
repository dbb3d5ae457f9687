"""What every loss shares: the ``reduction`` argument.

A loss first computes one value per element (or per sample), then reduces:
``'none'`` keeps them, ``'mean'`` averages them, ``'sum'`` adds them up.
PyTorch's older ``size_average`` and ``reduce`` flags are still accepted and
mapped onto ``reduction`` with PyTorch's deprecation warning.
"""

from __future__ import annotations

import warnings

from ...tensor import Tensor

REDUCTIONS = ("none", "mean", "sum")


def legacy_reduction(size_average: bool | None, reduce: bool | None) -> str:
    """The ``reduction`` that the deprecated flags mean (``None`` counts as ``True``).

    ``reduce=False`` keeps every value whatever ``size_average`` says; otherwise
    ``size_average`` picks between ``'mean'`` and ``'sum'``.
    """
    if reduce is not None and not reduce:
        reduction = "none"
    elif size_average is None or size_average:
        reduction = "mean"
    else:
        reduction = "sum"
    warnings.warn(
        "size_average and reduce args will be deprecated, please use "
        f"reduction='{reduction}' instead.",
        UserWarning,
        stacklevel=4,  # the user's call: loss -> resolve_reduction -> here
    )
    return reduction


def resolve_reduction(
    op: str,
    reduction: str,
    size_average: bool | None = None,
    reduce: bool | None = None,
    allowed: tuple[str, ...] = REDUCTIONS,
) -> str:
    """The reduction to apply, from ``reduction`` or the deprecated flags if either is given.

    Raises ValueError naming ``op`` for a value outside ``allowed``.
    """
    if size_average is not None or reduce is not None:
        reduction = legacy_reduction(size_average, reduce)
    if reduction not in allowed:
        expected = ", ".join(repr(r) for r in allowed)
        raise ValueError(
            f"{op}: {reduction!r} is not a valid value for reduction (expected one of {expected})"
        )
    return reduction


def reduce_loss(loss: Tensor, reduction: str) -> Tensor:
    """``loss`` unchanged (``'none'``), averaged (``'mean'``) or summed (``'sum'``).

    Shapes: ``(*)`` -> ``(*)`` for ``'none'``, ``()`` otherwise.
    """
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    return loss
