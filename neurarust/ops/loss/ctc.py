"""The connectionist temporal classification (CTC) loss: :func:`ctc_loss`.

CTC trains a network that outputs one distribution over C classes per time
step (a speech or handwriting frame) to read out a shorter label sequence,
without saying which frames belong to which label. One class is the *blank*.
An *alignment* picks one class per frame; it spells the target if, after
merging runs of equal classes and then deleting blanks, the target remains:
with target ``cat`` and T = 5 frames, ``cc-at``, ``-ca-t`` and ``caatt`` all
spell it. The loss is ``-log p(target)``, p being the summed probability of
every alignment that spells the target.

There are exponentially many alignments, so they are summed by dynamic
programming over the *extended target* l' of length 2S + 1: the S labels with
a blank before, between and after them (``-c-a-t-``). A path through l' moves,
from one frame to the next, from position s to s (repeat), s + 1 (advance) or
s + 2 (skip a blank), the skip only where l'[s + 2] != l'[s]: a repeated
label (``ll``) needs a blank between its two copies, or they would merge.
Paths start at one of the first two positions and end at one of the last two.

- ``alpha[t, s]``: log-probability of frames 0..t, ending at position s.
  ``alpha[t, s] = log_probs[t, l'[s]] + logsumexp(alpha[t-1, s], alpha[t-1, s-1],
  alpha[t-1, s-2] if the skip is allowed)``; the loss is
  ``-logsumexp(alpha[T-1, 2S], alpha[T-1, 2S-1])``.
- ``beta[t, s]``: log-probability of emitting the rest of the target after
  frame t, from position s at frame t (the same recursion run backwards).
- ``exp(alpha[t, s] + beta[t, s] + loss)`` is the share of the probability
  that passes through position s at frame t, and ``-d loss / d log_probs[t, c]``
  is the sum of those shares over the positions s holding class c.

Everything is done in log space (log-sum-exp instead of sums, sums instead of
products), since the probability of a long sequence underflows. The loop runs
over time only; each step works on the whole batch and all 2S + 1 positions
at once. Samples of different lengths share one array: positions past a
sample's target get log-probability -inf, and a sample's recursion starts
from a virtual frame before frame 0 (all probability at position 0) and ends
in a virtual frame after its last one (all probability at position 2S).
"""

from __future__ import annotations

import operator
from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np

from ... import dtypes
from ...autograd import grad_mode
from ...autograd.function import Function
from ...tensor import Tensor
from .._util import require_tensor
from ._reduction import reduce_loss, resolve_reduction

__all__ = ["ctc_loss"]

_OP = "ctc_loss"


class _Lattice(NamedTuple):
    """The extended targets of a batch (N samples, L = 2 * longest target + 1 positions)."""

    columns: Any  # (N, L) int64: n * C + l'[n, s], l'[n, s]'s column in log_probs as (T, N * C)
    skip: Any  # (N, L) log-indicator: 0 where a path may come from s - 2, -inf elsewhere
    inside: Any  # (N, L) log-indicator: 0 on the sample's 2S + 1 positions, -inf after them
    input_lengths: Any  # (N,) int64
    target_lengths: Any  # (N,) int64


def _log_indicator(xp: Any, mask: Any, dtype: Any) -> Any:
    """0 where ``mask`` holds and -inf elsewhere: adding it to log-probabilities
    forbids the masked-out entries."""
    return xp.where(mask, 0.0, -np.inf).astype(dtype)


def _lattice(
    log_probs: Tensor,
    labels: Any,
    input_lengths: np.ndarray,
    target_lengths: np.ndarray,
    blank: int,
) -> _Lattice:
    """The lattice of ``labels`` (N, longest target), padded with blanks past each target."""
    xp = log_probs.backend.xp
    batch, longest = labels.shape
    width = 2 * longest + 1
    extended = xp.full((batch, width), blank, dtype=np.int64)
    extended[:, 1::2] = labels
    skip = xp.zeros((batch, width), dtype=bool)
    skip[:, 2:] = extended[:, 2:] != extended[:, :-2]
    target_lengths = xp.asarray(target_lengths)
    inside = xp.arange(width) <= 2 * target_lengths[:, None]
    dtype = log_probs._data.dtype
    return _Lattice(
        xp.arange(batch)[:, None] * log_probs.shape[2] + extended,
        _log_indicator(xp, skip, dtype),
        _log_indicator(xp, inside, dtype),
        xp.asarray(input_lengths),
        target_lengths,
    )


def _emissions(log_probs: Any, lattice: _Lattice) -> Any:
    """(T, N, L): ``log_probs[t, n, l'[n, s]]``, -inf past each sample's target."""
    return log_probs.reshape(log_probs.shape[0], -1)[:, lattice.columns] + lattice.inside


def _logsumexp3(xp: Any, a: Any, b: Any, c: Any) -> Any:
    """``log(exp(a) + exp(b) + exp(c))`` elementwise, exact when some are -inf."""
    return xp.logaddexp(xp.logaddexp(a, b), c)


def _alphas(xp: Any, emissions: Any, lattice: _Lattice) -> Any:
    """(T + 1, N, L + 2): row t + 1 holds alpha at frame t, row 0 the virtual frame
    before frame 0; position s is column s + 2 (two -inf columns to read s - 1 and
    s - 2 from)."""
    steps, batch, width = emissions.shape
    alpha = xp.full((steps + 1, batch, width + 2), -np.inf, dtype=emissions.dtype)
    alpha[0, :, 2] = 0
    for t in range(steps):
        previous = alpha[t]
        alpha[t + 1, :, 2:] = emissions[t] + _logsumexp3(
            xp, previous[:, 2:], previous[:, 1:-1], previous[:, :-2] + lattice.skip
        )
    return alpha


def _betas(xp: Any, emissions: Any, lattice: _Lattice) -> Any:
    """(T, N, L): beta at each frame, -inf from each sample's input length on."""
    steps, batch, width = emissions.shape
    infinite = xp.full((batch, width + 2), -np.inf, dtype=emissions.dtype)
    # Virtual frame after each sample's last one: all probability at position 2S.
    end = infinite.copy()
    end[xp.arange(batch), 2 * lattice.target_lengths] = 0
    skip_to = xp.full((batch, width), -np.inf, dtype=emissions.dtype)  # from s to s + 2
    skip_to[:, :-2] = lattice.skip[:, 2:]
    # emissions + beta of the next frame, two -inf columns after it to read s + 1 and s + 2.
    following = infinite.copy()
    beta = xp.empty(emissions.shape, dtype=emissions.dtype)
    for t in range(steps - 1, -1, -1):
        ends_here = (lattice.input_lengths == t + 1)[:, None]
        after = xp.where(ends_here, end, following)
        beta[t] = _logsumexp3(xp, after[:, :width], after[:, 1:-1], after[:, 2:] + skip_to)
        following[:, :width] = emissions[t] + beta[t]
    return beta


def _negative_log_likelihood(xp: Any, alpha: Any, lattice: _Lattice) -> Any:
    """(N,): ``-logsumexp`` of alpha at each sample's last frame and last two positions."""
    batch = xp.arange(alpha.shape[1])
    last = alpha[lattice.input_lengths, batch]
    end = 2 * lattice.target_lengths + 2  # column of position 2S
    return -xp.logaddexp(last[batch, end], last[batch, end - 1])


def _counted(xp: Any, nll: Any, lattice: _Lattice, steps: int, zero_infinity: bool) -> Any:
    """(T, N) bool: the frames of each sample that get a gradient (those before its
    input length; none for an impossible sample when ``zero_infinity``)."""
    counted = xp.arange(steps)[:, None] < lattice.input_lengths
    if zero_infinity:
        counted &= nll != np.inf
    return counted


class CtcLoss(Function):
    """Per-sample negative log-likelihoods ``(T, N, C) -> (N,)`` as one graph node."""

    @staticmethod
    def forward(ctx: Any, log_probs: Tensor, lattice: _Lattice, zero_infinity: bool) -> Any:
        xp = log_probs.backend.xp
        alpha = _alphas(xp, _emissions(log_probs._data, lattice), lattice)
        nll = _negative_log_likelihood(xp, alpha, lattice)
        ctx.save_for_backward(log_probs)
        ctx.lattice, ctx.alpha, ctx.nll, ctx.zero_infinity = lattice, alpha, nll, zero_infinity
        if zero_infinity:
            return xp.where(nll == np.inf, xp.zeros_like(nll), nll)
        return nll

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple[Any, ...]:
        (log_probs,) = ctx.saved_tensors
        lattice, nll = ctx.lattice, ctx.nll
        xp = log_probs.backend.xp
        data = log_probs._data
        beta = _betas(xp, _emissions(data, lattice), lattice)
        share = xp.exp(ctx.alpha[1:, :, 2:] + beta + nll[:, None])
        counted = _counted(xp, nll, lattice, data.shape[0], ctx.zero_infinity)
        share = xp.where(counted[:, :, None], share, xp.zeros_like(share))
        gradient = xp.zeros(data.shape, dtype=data.dtype)
        # Flat indices into the gradient: NumPy's scatter-add is fastest on one dimension.
        steps, batch, classes = data.shape
        index = xp.arange(steps)[:, None, None] * (batch * classes) + lattice.columns
        log_probs.backend.scatter_add(gradient.reshape(-1), index.reshape(-1), -share.reshape(-1))
        if grad_mode.is_grad_enabled():
            input_grad = CtcLossGradient.apply(log_probs, gradient)
        else:
            input_grad = Tensor._make(gradient, log_probs.device)
        return input_grad * grad.reshape(1, -1, 1), None, None


class CtcLossGradient(Function):
    """The gradient of :class:`CtcLoss` as a graph node, for ``create_graph=True``:
    differentiating it again raises, as in PyTorch."""

    @staticmethod
    def forward(ctx: Any, log_probs: Tensor, gradient: Any) -> Any:
        return gradient

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple[Any, ...]:
        raise NotImplementedError(
            "ctc_loss: double backward is not supported (the gradient of ctc_loss is not "
            "differentiable, as in PyTorch)"
        )


# -- argument checks -----------------------------------------------------------------------


def _check_log_probs(log_probs: Tensor) -> None:
    require_tensor(_OP, "log_probs", log_probs)
    if log_probs.dtype not in (dtypes.float32, dtypes.float64):
        raise NotImplementedError(
            f"{_OP}: not implemented for {log_probs.dtype.name} log_probs "
            "(expected float32 or float64)"
        )
    if log_probs.ndim not in (2, 3):
        raise RuntimeError(
            f"{_OP}: expected log_probs of shape (T, N, C) or (T, C), got "
            f"{log_probs.ndim} dimensions (shape {tuple(log_probs.shape)})"
        )
    if log_probs.numel() == 0:
        raise RuntimeError(
            f"{_OP}: log_probs must not be empty, got shape {tuple(log_probs.shape)}"
        )


def _lengths(name: str, lengths: Any, batch: int) -> np.ndarray:
    """``lengths`` (a Tensor or a sequence of ints) as a host int64 array of ``batch``
    entries, checked to be at least 0."""
    if isinstance(lengths, Tensor):
        if lengths.dtype.is_floating_point or lengths.dtype is dtypes.bool:
            raise RuntimeError(f"{_OP}: {name} must be integral, got {lengths.dtype.name}")
        values = np.asarray(lengths.backend.to_host(lengths._data), dtype=np.int64).reshape(-1)
    elif isinstance(lengths, (tuple, list)):
        try:
            values = np.array([operator.index(v) for v in lengths], dtype=np.int64)
        except TypeError:
            raise TypeError(f"{_OP}: {name} must hold ints, got {lengths!r}") from None
    else:
        raise TypeError(
            f"{_OP}: {name} must be a Tensor or a tuple of ints, got {type(lengths).__name__}"
        )
    if values.size != batch:
        raise RuntimeError(
            f"{_OP}: {name} must have one entry per sample (expected {batch}, got {values.size})"
        )
    if (values < 0).any():
        raise RuntimeError(f"{_OP}: {name} must be at least 0, got {values[values < 0][0]}")
    return values


def _check_at_most(name: str, values: np.ndarray, limit: int, what: str) -> None:
    """RuntimeError unless every entry of ``values`` is at most ``limit``, the ``what``."""
    if (values > limit).any():
        raise RuntimeError(
            f"{_OP}: {name} must be at most {limit} ({what}), got {values[values > limit][0]}"
        )


def _padded_targets(targets: Tensor, target_lengths: np.ndarray, batch: int) -> Any:
    """The targets as an array (N, longest target), concatenated ones cut into rows."""
    data = targets._data
    if data.ndim == 2:
        if data.shape[0] != batch:
            raise RuntimeError(
                f"{_OP}: expected padded targets of shape (N, S) with N = {batch}, "
                f"got {tuple(data.shape)}"
            )
        _check_at_most("target_lengths", target_lengths, data.shape[1], "the targets' length S")
        return data[:, : int(target_lengths.max())]
    if data.ndim != 1:
        raise RuntimeError(
            f"{_OP}: expected targets of shape (N, S) (padded) or (sum(target_lengths),) "
            f"(concatenated), got {data.ndim} dimensions (shape {tuple(data.shape)})"
        )
    total = int(target_lengths.sum())
    if data.shape[0] != total:
        raise RuntimeError(
            f"{_OP}: concatenated targets must hold sum(target_lengths) = {total} labels, "
            f"got {data.shape[0]}"
        )
    starts = np.cumsum(target_lengths) - target_lengths
    index = np.minimum(starts[:, None] + np.arange(target_lengths.max()), max(total - 1, 0))
    return data[targets.backend.xp.asarray(index)]


def _labels(log_probs: Tensor, targets: Tensor, target_lengths: np.ndarray, blank: int) -> Any:
    """The targets as an int64 array (N, longest target) on ``log_probs``' device,
    checked to hold classes other than ``blank``, with blanks past each target."""
    require_tensor(_OP, "targets", targets)
    targets = targets.to(log_probs.device)
    xp = targets.backend.xp
    rows = _padded_targets(targets, target_lengths, len(target_lengths)).astype(np.int64)
    used = xp.asarray(np.arange(rows.shape[1]) < target_lengths[:, None])
    classes = log_probs.shape[-1]
    out_of_range = used & ((rows < 0) | (rows >= classes))
    if out_of_range.any():
        n, s = (int(i) for i in xp.argwhere(out_of_range)[0])
        raise IndexError(
            f"{_OP}: target {int(rows[n, s])} is out of bounds for {classes} classes "
            f"(sample {n}, position {s})"
        )
    is_blank = used & (rows == blank)
    if is_blank.any():
        n, s = (int(i) for i in xp.argwhere(is_blank)[0])
        raise ValueError(
            f"{_OP}: targets must not contain the blank label {blank} "
            f"(found at sample {n}, position {s})"
        )
    return xp.where(used, rows, blank)


# -- the loss ----------------------------------------------------------------------------


def ctc_loss(
    log_probs: Tensor,
    targets: Tensor,
    input_lengths: Tensor | Sequence[int],
    target_lengths: Tensor | Sequence[int],
    blank: int = 0,
    reduction: str = "mean",
    zero_infinity: bool = False,
) -> Tensor:
    """The connectionist temporal classification loss: ``-log p(target | log_probs)``,
    p summed over every alignment of the target to the input frames.

    Args:
        log_probs: log-probabilities of the C classes at each of T frames, normally
            ``log_softmax`` of a network's outputs.
        targets: label sequences, padded ``(N, S)`` (row n's first
            ``target_lengths[n]`` entries) or concatenated ``(sum(target_lengths),)``.
            Labels lie in ``[0, C)`` and are not ``blank``.
        input_lengths: frames used per sample (each at most T).
        target_lengths: labels per sample (each at most S for padded targets).
        blank: the blank class.
        reduction: ``'mean'`` divides each sample's loss by its target length (at
            least 1), then averages over the batch; ``'sum'``; ``'none'``.
        zero_infinity: give impossible samples (too few frames for their target, an
            infinite loss) a loss and gradient of 0.

    The gradient is the exact derivative for any ``log_probs``. PyTorch's kernels
    add ``exp(log_probs)`` to it in the frames each sample uses, which is right only
    for ``log_softmax`` outputs (whose backward cancels the extra term), the
    documented use: through ``log_softmax`` both give the same gradient.
    Double backward is not supported, as in PyTorch.

    Shapes:
        log_probs ``(T, N, C)`` or unbatched ``(T, C)``; targets ``(N, S)`` or
        ``(sum(target_lengths),)`` (unbatched: ``(target_length,)`` or ``(1, S)``);
        input_lengths and target_lengths ``(N,)`` (unbatched: one entry);
        output ``()``, or ``(N,)`` for ``reduction='none'`` (unbatched: ``()``).

    Examples:
        >>> import neurarust as nr
        >>> import neurarust.nn.functional as F
        >>> log_probs = nr.full((2, 1, 2), 0.5).log()  # T = 2 frames, C = 2 classes
        >>> F.ctc_loss(log_probs, nr.tensor([[1]]), (2,), (1,))  # -log p(11, 01, 10)
        tensor(0.2877)
    """
    reduction = resolve_reduction(_OP, reduction)
    _check_log_probs(log_probs)
    batched = log_probs.ndim == 3
    if not batched:
        log_probs = log_probs.unsqueeze(1)
    steps, batch, classes = log_probs.shape
    if not 0 <= blank < classes:
        raise RuntimeError(f"{_OP}: blank must be in the label range [0, {classes}), got {blank}")
    frame_counts = _lengths("input_lengths", input_lengths, batch)
    _check_at_most("input_lengths", frame_counts, steps, "the number of frames T")
    label_counts = _lengths("target_lengths", target_lengths, batch)
    labels = _labels(log_probs, targets, label_counts, blank)
    lattice = _lattice(log_probs, labels, frame_counts, label_counts, blank)
    loss = CtcLoss.apply(log_probs, lattice, zero_infinity)
    if reduction == "mean":
        divisor = log_probs.backend.xp.asarray(np.maximum(label_counts, 1))
        loss = loss / Tensor._make(divisor, log_probs.device)
    loss = reduce_loss(loss, reduction)
    return loss if batched or reduction != "none" else loss.squeeze(0)
