"""Layer ops of ``neurarust.nn.functional``: ``linear``, ``bilinear``, ``embedding``,
``embedding_bag``.

``linear`` is one fused Function, as in PyTorch: the forward is a single GEMM
on the input's leading dims flattened into rows, plus the bias added in place;
its backward is two GEMMs and a sum, written with neurarust ops so higher-order
gradients work. ``embedding`` gathers rows of a weight matrix; its backward adds
the incoming rows back into a zero matrix with :func:`index_add` (repeated
indices add up); ``embedding_bag`` reduces the looked-up rows of each bag
with one :func:`scatter_reduce`.
"""

from __future__ import annotations

import math
from typing import Any

from ..autograd.function import Function
from ..autograd.grad_mode import no_grad
from ..tensor import Tensor
from ._util import check_same_device, require_tensor
from .creation import zeros
from .elementwise import where
from .linalg import _check_pair, einsum, matmul
from .scatter import index_add, scatter_reduce
from .sorting import unique

__all__ = ["linear", "bilinear", "embedding", "embedding_bag"]


def _rows(t: Tensor, width: int) -> Tensor:
    """``t`` as a matrix of rows of ``width`` values (its leading dims flattened)."""
    return t if t.ndim == 2 else t.reshape(-1, width)


# -- linear ----------------------------------------------------------------------------


class Linear(Function):
    """``input @ weight.T + bias`` over any leading dims of ``input``: one GEMM."""

    @staticmethod
    def forward(ctx: Any, input: Tensor, weight: Tensor, bias: Tensor | None) -> Any:
        x, w = input._data, weight._data
        out_features, in_features = w.shape
        xp = input.backend.xp
        if x.ndim == 2:
            out = xp.matmul(x, w.T)
        else:  # one GEMM on the rows, not one per leading index
            rows = x.reshape(math.prod(x.shape[:-1]), in_features)
            out = xp.matmul(rows, w.T).reshape(x.shape[:-1] + (out_features,))
        if bias is not None:
            out += bias._data  # ``out`` is a fresh array: no temporary
            ctx.bias_ndim = bias._data.ndim
        needs = ctx.needs_input_grad
        ctx.save_for_backward(input if needs[1] else None, weight if needs[0] else None)
        return out

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple[Any, ...]:
        input, weight = ctx.saved_tensors
        need_input, need_weight, need_bias = ctx.needs_input_grad
        out_features = grad.shape[-1]
        grad_rows = _rows(grad, out_features)
        grad_input = grad_weight = grad_bias = None
        if need_input:
            grad_input = matmul(grad_rows, weight)
            if grad.ndim != 2:
                grad_input = grad_input.reshape(*grad.shape[:-1], weight.shape[1])
        if need_weight:  # the sum over all rows is part of the GEMM
            grad_weight = matmul(grad_rows.mT, _rows(input, input.shape[-1]))
        if need_bias:  # a bias of another broadcastable shape is summed by the engine
            grad_bias = grad_rows.sum(0) if ctx.bias_ndim == 1 else grad
        return grad_input, grad_weight, grad_bias


def _check_linear(input: Tensor, weight: Tensor, bias: Tensor | None) -> None:
    """RuntimeError naming what does not fit in ``linear(input, weight, bias)``."""
    require_tensor("linear", "input", input)
    require_tensor("linear", "weight", weight)
    _check_pair("linear", input, weight, ("input", "weight"))
    x_shape, w_shape = input._data.shape, weight._data.shape
    if len(x_shape) == 0:
        raise RuntimeError("linear: input must have at least 1 dimension, but got a 0-D tensor")
    if len(w_shape) != 2:
        raise RuntimeError(
            "linear: weight must be a matrix of shape (out_features, in_features), but got a "
            f"{len(w_shape)}-D tensor of shape {tuple(w_shape)}"
        )
    if x_shape[-1] != w_shape[1]:
        raise RuntimeError(
            f"linear: input has {x_shape[-1]} features but weight expects {w_shape[1]} "
            f"(input shape {tuple(x_shape)}, weight shape {tuple(w_shape)})"
        )
    if bias is None:
        return
    require_tensor("linear", "bias", bias)
    _check_pair("linear", input, bias, ("input", "bias"))
    out_shape = x_shape[:-1] + (w_shape[0],)
    b_shape = bias._data.shape
    if b_shape == (w_shape[0],):
        return
    if len(b_shape) > len(out_shape) or any(
        b not in (1, o) for b, o in zip(b_shape[::-1], out_shape[::-1])
    ):
        raise RuntimeError(
            f"linear: bias of shape {tuple(b_shape)} does not broadcast to the output shape "
            f"{out_shape} (weight shape {tuple(w_shape)}; expected a bias of shape "
            f"({w_shape[0]},))"
        )


def linear(input: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """``input @ weight.T + bias``, the affine map of :class:`neurarust.nn.Linear`.

    Computed as one matrix product over all leading dims of ``input`` with the
    bias added in place; the backward is two matrix products and a sum.

    Shapes:
        * ``input``: ``(*, in_features)`` (any number of leading dims, or none);
        * ``weight``: ``(out_features, in_features)``;
        * ``bias``: ``(out_features,)`` (or any shape broadcasting to the output);
        * output: ``(*, out_features)``.

    Examples:
        >>> import neurarust as nr
        >>> import neurarust.nn.functional as F
        >>> F.linear(nr.ones(8, 3), nr.ones(5, 3), nr.zeros(5)).shape
        neurarust.Size([8, 5])
    """
    _check_linear(input, weight, bias)
    return Linear.apply(input, weight, bias)


# -- bilinear --------------------------------------------------------------------------


def _check_bilinear(input1: Tensor, input2: Tensor, weight: Tensor, bias: Tensor | None) -> None:
    """RuntimeError, worded as PyTorch's, naming what does not fit in ``bilinear``."""
    for name, t in (("input1", input1), ("input2", input2), ("weight", weight)):
        require_tensor("bilinear", name, t)
    _check_pair("bilinear", input1, input2, ("input1", "input2"))
    _check_pair("bilinear", input1, weight, ("input1", "weight"))
    s1, s2, w = input1._data.shape, input2._data.shape, weight._data.shape
    if len(w) != 3:
        raise RuntimeError(
            "bilinear(): weight must have 3 dimensions (out_features, in1_features, "
            f"in2_features), but got shape {tuple(w)}"
        )
    if len(s1) != len(s2):
        raise RuntimeError(
            f"bilinear(): input dimensions do not match: got {len(s1)} and {len(s2)}"
        )
    if len(s1) == 0:
        raise RuntimeError("bilinear(): inputs must have at least 1 dimension, but got 0-D tensors")
    for d, (a, b) in enumerate(zip(s1[:-1], s2[:-1])):
        if a != b:
            raise RuntimeError(
                f"bilinear(): input batch dimensions do not match at dim {d}: got {a} and {b}"
            )
    for name, got, expected in (("input1", s1[-1], w[1]), ("input2", s2[-1], w[2])):
        if got != expected:
            raise RuntimeError(
                f"bilinear(): {name} size does not match weight size: got {got} but expected "
                f"{expected}"
            )
    if bias is not None:
        require_tensor("bilinear", "bias", bias)
        _check_pair("bilinear", input1, bias, ("input1", "bias"))
        if bias._data.shape != (w[0],):
            raise RuntimeError(
                f"bilinear(): bias must have shape ({w[0]},) (out_features,), but got "
                f"{tuple(bias._data.shape)}"
            )


def bilinear(input1: Tensor, input2: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """``y[..., o] = sum_ij input1[..., i] * weight[o, i, j] * input2[..., j] + bias[o]``.

    One einsum (its gradients are einsums too, so higher orders work).

    Shapes:
        * ``input1``: ``(*, in1_features)``, ``input2``: ``(*, in2_features)`` (the same
          leading dims);
        * ``weight``: ``(out_features, in1_features, in2_features)``;
        * ``bias``: ``(out_features,)``;
        * output: ``(*, out_features)``.

    Examples:
        >>> import neurarust as nr
        >>> import neurarust.nn.functional as F
        >>> F.bilinear(nr.ones(8, 3), nr.ones(8, 4), nr.ones(5, 3, 4)).shape
        neurarust.Size([8, 5])
    """
    _check_bilinear(input1, input2, weight, bias)
    out = einsum("...i,oij,...j->...o", input1, weight, input2)
    return out if bias is None else out + bias


# -- embedding -------------------------------------------------------------------------


class Embedding(Function):
    """Rows ``weight[input]``: output shape ``input.shape + (embedding_dim,)``."""

    @staticmethod
    def forward(
        ctx: Any, input: Tensor, weight: Tensor, padding_idx: int | None, by_freq: bool
    ) -> Any:
        ctx.save_for_backward(input)
        ctx.num_embeddings = weight._data.shape[0]
        ctx.padding_idx, ctx.by_freq = padding_idx, by_freq
        return weight.backend.xp.take(weight._data, input._data, axis=0)

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple[Any, ...]:
        indices = ctx.saved_tensors[0].reshape(-1)
        rows = _rows(grad, grad.shape[-1])
        scale = _row_scale(indices, ctx.padding_idx, ctx.by_freq, grad)
        if scale is not None:
            rows = rows * scale
        target = zeros(ctx.num_embeddings, grad.shape[-1], dtype=grad.dtype, device=grad.device)
        return None, index_add(target, 0, indices, rows), None, None


def _row_scale(
    indices: Tensor, padding_idx: int | None, by_freq: bool, grad: Tensor
) -> Tensor | None:
    """The factor of each looked-up row's gradient, as a column (None when all are 1):
    0 for ``padding_idx``, and ``1 / count`` of the index when ``by_freq``."""
    if padding_idx is None and not by_freq:
        return None
    xp, flat = grad.backend.xp, indices._data
    scale = xp.ones(flat.shape, dtype=grad._data.dtype)
    if by_freq:
        _, inverse, counts = xp.unique(flat, return_inverse=True, return_counts=True)
        scale /= counts[inverse.reshape(flat.shape)]
    if padding_idx is not None:
        scale[flat == padding_idx] = 0
    return Tensor._make(scale[:, None], grad.device)


def _padding_index(padding_idx: int | None, num_embeddings: int) -> int | None:
    """``padding_idx`` wrapped to ``[0, num_embeddings)``; AssertionError (PyTorch's
    type) when it is outside ``[-num_embeddings, num_embeddings)``."""
    if padding_idx is None:
        return None
    if not -num_embeddings <= padding_idx < num_embeddings:
        raise AssertionError(
            f"embedding: padding_idx must be within num_embeddings (expected in "
            f"[{-num_embeddings}, {num_embeddings - 1}], got {padding_idx})"
        )
    return padding_idx % num_embeddings


def _check_embedding(op: str, input: Tensor, weight: Tensor) -> None:
    """The errors of a lookup: indices not int64/int32 or out of range, weight not 2-D."""
    require_tensor(op, "input", input)
    require_tensor(op, "weight", weight)
    check_same_device(op, input, weight)
    data = input._data
    if data.dtype.name not in ("int64", "int32"):
        raise RuntimeError(
            f"{op}: expected indices of dtype int64 or int32 (the argument 'input'), "
            f"but got {input.dtype.name}"
        )
    if weight.ndim != 2:
        raise RuntimeError(
            f"{op}: 'weight' must be 2-D (num_embeddings, embedding_dim), but got shape "
            f"{tuple(weight.shape)}"
        )
    n = weight._data.shape[0]
    low, high = (int(data.min()), int(data.max())) if data.size else (0, 0)
    if low < 0 or high >= n:
        bad = low if low < 0 else high
        raise IndexError(
            f"{op}: index {bad} is out of range for a weight of {n} embeddings "
            f"(expected indices in [0, {n - 1}])"
        )


def _renorm_rows_(weight: Tensor, input: Tensor, max_norm: float, norm_type: float) -> None:
    """Scale the rows of ``weight`` that ``input`` refers to, in place, so that their
    ``norm_type``-norm is at most ``max_norm`` (PyTorch's ``embedding_renorm_``)."""
    with no_grad():
        rows = unique(input.reshape(-1))
        selected = weight[rows]
        norms = selected.norm(p=norm_type, dim=1, keepdim=True)
        scale = where(norms > max_norm, max_norm / (norms + 1e-7), 1.0)
        weight[rows] = selected * scale


def embedding(
    input: Tensor,
    weight: Tensor,
    padding_idx: int | None = None,
    max_norm: float | None = None,
    norm_type: float = 2.0,
    scale_grad_by_freq: bool = False,
    sparse: bool = False,
) -> Tensor:
    """The rows of ``weight`` at the indices ``input``: a lookup table.

    Args:
        input: int64 or int32 indices into the rows of ``weight``.
        weight: the table, ``(num_embeddings, embedding_dim)``.
        padding_idx: the row at this index gets no gradient (negative counts from
            the end).
        max_norm: if given, the rows that ``input`` refers to are first rescaled
            in place (without gradient) so that their ``norm_type``-norm is at
            most ``max_norm``; this modifies ``weight``, as in PyTorch.
        norm_type: the p of the p-norm for ``max_norm``.
        scale_grad_by_freq: divide each row's gradient by how often its index
            occurs in ``input``.
        sparse: accepted for compatibility; the gradient is always a dense tensor
            (neurarust has no sparse tensors).

    Shapes: ``input`` ``(*)``, ``weight`` ``(N, D)`` -> ``(*, D)``.

    Examples:
        >>> import neurarust as nr
        >>> import neurarust.nn.functional as F
        >>> F.embedding(nr.tensor([[0, 2]]), nr.arange(6.0).reshape(3, 2))
        tensor([[[0., 1.],
                 [4., 5.]]])
    """
    _check_embedding("embedding", input, weight)
    padding_idx = _padding_index(padding_idx, weight._data.shape[0])
    if max_norm is not None:
        _renorm_rows_(weight, input, max_norm, norm_type)
    return Embedding.apply(input, weight, padding_idx, bool(scale_grad_by_freq))


# -- embedding_bag ---------------------------------------------------------------------

_BAG_REDUCTIONS = {"sum": "sum", "mean": "mean", "max": "amax"}


def _bags(
    input: Tensor, offsets: Tensor | None, include_last_offset: bool
) -> tuple[Tensor, Any, int]:
    """The indices as a vector, the bag of each index, and the number of bags.

    A 2-D ``input`` holds one bag per row; a 1-D one is cut into bags starting at
    ``offsets``.
    """
    xp = input.backend.xp
    if input.ndim == 2:
        if offsets is not None:
            raise ValueError(
                "embedding_bag: if input is 2-D, then offsets has to be None, as input is "
                "treated as a mini-batch of fixed length sequences; got offsets of type "
                f"{type(offsets).__name__}"
            )
        count, length = input._data.shape
        return input.reshape(-1), xp.repeat(xp.arange(count), length), count
    if input.ndim != 1:
        raise ValueError(f"embedding_bag: input has to be 1-D or 2-D, but got {input.ndim}-D")
    if not isinstance(offsets, Tensor) or offsets.ndim != 1:
        got = "None" if offsets is None else f"shape {tuple(getattr(offsets, 'shape', ()))}"
        raise ValueError(f"embedding_bag: offsets has to be a 1-D Tensor but got {got}")
    starts, n = offsets._data, input._data.shape[0]
    if starts.size and int(starts[0]) != 0:
        raise RuntimeError(
            "embedding_bag: offsets[0] has to be 0, i.e., the first sequence in the mini-batch "
            f"has to start from position 0. However, got {int(starts[0])}"
        )
    if starts.size and (bool((starts[1:] < starts[:-1]).any()) or int(starts[-1]) > n):
        raise RuntimeError(
            f"embedding_bag: offsets must be non-decreasing and at most the input's length {n}, "
            f"got {starts.tolist()}"
        )
    if include_last_offset and starts.size:  # the last offset ends the last bag
        input, starts = input[: int(starts[-1])], starts[:-1]
    bag = xp.searchsorted(starts, xp.arange(input._data.shape[0]), side="right") - 1
    return input, bag, int(starts.shape[0])


def embedding_bag(
    input: Tensor,
    weight: Tensor,
    offsets: Tensor | None = None,
    max_norm: float | None = None,
    norm_type: float = 2,
    scale_grad_by_freq: bool = False,
    mode: str = "mean",
    sparse: bool = False,
    per_sample_weights: Tensor | None = None,
    include_last_offset: bool = False,
    padding_idx: int | None = None,
) -> Tensor:
    """The sum, mean or max of the rows of ``weight`` looked up for each bag of indices,
    without materializing the ``(bags, length, D)`` lookups of ``embedding``.

    Args:
        input: int64/int32 indices: ``(B, N)`` (B bags of N indices) or ``(n,)`` cut
            into bags by ``offsets``.
        weight: the table, ``(num_embeddings, D)``.
        offsets: for a 1-D ``input``, where each bag starts (``offsets[0] == 0``).
        max_norm: as for :func:`embedding`.
        norm_type: as for :func:`embedding`.
        scale_grad_by_freq: as for :func:`embedding`.
        sparse: as for :func:`embedding`.
        mode: ``"sum"``, ``"mean"`` or ``"max"``; an empty bag gives zeros.
        per_sample_weights: for ``mode="sum"``, a weight per index (``input``'s shape).
        include_last_offset: ``offsets`` has one more entry, the end of the last bag
            (indices after it belong to no bag).
        padding_idx: indices equal to it are left out of their bag.

    Shapes: ``(B, N)`` or ``(n,)`` with ``B`` bags -> ``(B, D)``.

    Examples:
        >>> import neurarust as nr
        >>> import neurarust.nn.functional as F
        >>> table = nr.arange(6.0).reshape(3, 2)
        >>> F.embedding_bag(nr.tensor([0, 2, 1]), table, nr.tensor([0, 2]), mode="sum")
        tensor([[4., 6.],
                [2., 3.]])
    """
    if mode not in _BAG_REDUCTIONS:
        raise ValueError(f"embedding_bag: mode has to be one of sum, mean or max, got {mode!r}")
    if per_sample_weights is not None and mode != "sum":
        raise NotImplementedError(
            "embedding_bag: per_sample_weights is only supported for mode='sum' "
            f"(got mode={mode!r})"
        )
    _check_embedding("embedding_bag", input, weight)
    indices, bag, count = _bags(input, offsets, include_last_offset)
    padding_idx = _padding_index(padding_idx, weight._data.shape[0])
    xp = input.backend.xp
    weights = None if per_sample_weights is None else per_sample_weights.reshape(-1)
    if padding_idx is not None:  # padding indices are left out of their bag
        kept = xp.nonzero(indices._data != padding_idx)[0]
        bag, indices = bag[kept], indices[Tensor._make(kept, input.device)]
        weights = None if weights is None else weights[Tensor._make(kept, input.device)]
    rows = embedding(indices, weight, None, max_norm, norm_type, scale_grad_by_freq)
    if weights is not None:
        rows = rows * weights[:, None]
    width = weight._data.shape[1]
    target = Tensor._make(xp.broadcast_to(bag[:, None], (bag.shape[0], width)), input.device)
    out = zeros(count, width, dtype=weight.dtype, device=weight.device)
    return scatter_reduce(out, 0, target, rows, _BAG_REDUCTIONS[mode], include_self=False)
