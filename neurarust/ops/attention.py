"""Attention: ``scaled_dot_product_attention`` and the multi-head attention forward.

Both are compositions of a few differentiable ops, so gradients of any order
come from those ops' own backwards::

    weights = softmax((query * scale) @ key.mT + mask)     # (..., L, S)
    output  = dropout(weights) @ value                     # (..., L, Ev)

``mask`` is additive: 0 where a query may look at a key, ``-inf`` where it may
not (boolean masks are turned into that form first). Every head of every batch
entry goes through the same two batched matrix products and one softmax; no
Python loop runs over heads or positions.

Fully masked rows (a query that may look at no key at all) have only ``-inf``
scores. A plain softmax makes them nan; ``scaled_dot_product_attention``
uses a "safe" softmax that makes them 0 instead (so the output row is 0 and no
gradient flows through it), as PyTorch's does. ``multi_head_attention_forward``
follows PyTorch too: nan rows with ``need_weights=True`` (PyTorch computes the
weights with a plain softmax there), zero rows with ``need_weights=False``
(PyTorch calls ``scaled_dot_product_attention`` there).
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np

from ..tensor import Tensor
from ._util import check_same_device, require_tensor
from .creation import full, zeros
from .dropout import dropout
from .layers import linear
from .linalg import matmul
from .padding import pad
from .shape import cat
from .softmax import Softmax

__all__ = ["scaled_dot_product_attention", "multi_head_attention_forward"]

_SDPA = "scaled_dot_product_attention"
_NEG_INF = float("-inf")


class SafeSoftmax(Softmax):
    """Softmax over the last dim that gives 0, not nan, on rows holding only ``-inf``.

    Its backward is softmax's, ``y * (grad - sum(grad * y))``, which is 0 on such
    rows since ``y`` is.
    """

    @staticmethod
    def forward(ctx: Any, a: Tensor, dim: int) -> Any:
        ctx.dim = dim
        xp, data = a.backend.xp, a._data
        if not data.size:
            return data.copy()
        shift = data.max(axis=dim, keepdims=True)
        shift[shift == _NEG_INF] = 0  # a row of -inf: exp gives zeros instead of nan
        e = data - shift
        xp.exp(e, out=e)
        total = e.sum(axis=dim, keepdims=True)
        total[total == 0] = 1  # only rows of -inf sum to 0 (the maximum gives exp(0) = 1)
        e /= total
        return e


def _attention(
    query: Tensor,
    key: Tensor,
    value: Tensor,
    mask: Tensor | None,
    dropout_p: float,
    scale: float,
    safe: bool,
) -> tuple[Tensor, Tensor]:
    """``(dropout(softmax(q k^T * scale + mask)) @ value, the weights)``, on checked inputs.

    ``safe`` picks the softmax that gives 0 rather than nan on fully masked rows.
    """
    scores = matmul(query * scale, key.mT)
    if mask is not None:
        scores = scores + mask
    weights = (SafeSoftmax if safe else Softmax).apply(scores, -1)
    if dropout_p > 0:
        weights = dropout(weights, dropout_p)
    return matmul(weights, value), weights


def _masked_to_minus_inf(masked: Tensor, dtype: Any) -> Tensor:
    """An additive float mask: ``-inf`` where the bool ``masked`` is True, 0 elsewhere."""
    return zeros(masked.shape, dtype=dtype, device=masked.device).masked_fill(masked, _NEG_INF)


def _causal_mask(target_len: int, source_len: int, like: Tensor) -> Tensor:
    """The additive mask letting query ``i`` see keys ``0..i`` (aligned top-left)."""
    return full((target_len, source_len), _NEG_INF, dtype=like.dtype, device=like.device).triu(1)


# -- scaled_dot_product_attention -------------------------------------------------------


def _check_sdpa_inputs(query: Tensor, key: Tensor, value: Tensor) -> None:
    """RuntimeError naming what does not fit among ``query``, ``key`` and ``value``."""
    for name, t in (("query", query), ("key", key), ("value", value)):
        require_tensor(_SDPA, name, t)
    if min(query.ndim, key.ndim, value.ndim) < 2:
        raise RuntimeError(
            f"{_SDPA}: expected query, key and value to be at least 2-D, but got "
            f"query.dim() {query.ndim}, key.dim() {key.ndim} and value.dim() {value.ndim}"
        )
    check_same_device(_SDPA, query, key)
    check_same_device(_SDPA, query, value)
    if not query.dtype == key.dtype == value.dtype:
        raise RuntimeError(
            f"{_SDPA}: expected query, key and value to have the same dtype, but got "
            f"{query.dtype.name}, {key.dtype.name} and {value.dtype.name}"
        )
    if not query.dtype.is_floating_point:
        raise RuntimeError(
            f"{_SDPA}: expected floating point query, key and value, but got {query.dtype.name}"
        )
    if key.shape[-1] != query.shape[-1]:
        raise RuntimeError(
            f"{_SDPA}: query and key must have the same embedding size E, but query has "
            f"{query.shape[-1]} (shape {tuple(query.shape)}) and key {key.shape[-1]} "
            f"(shape {tuple(key.shape)})"
        )
    if value.shape[-2] != key.shape[-2]:
        raise RuntimeError(
            f"{_SDPA}: key and value must have the same sequence length S, but key has "
            f"{key.shape[-2]} (shape {tuple(key.shape)}) and value {value.shape[-2]} "
            f"(shape {tuple(value.shape)})"
        )


def _repeat_heads(x: Tensor, heads: int) -> Tensor:
    """``x`` (..., H, S, E) with each of its heads repeated ``heads // H`` times in place
    (``repeat_interleave`` along dim -3), as grouped-query attention shares them."""
    *batch, h, s, e = x.shape
    if h == heads:
        return x
    grouped = x.unsqueeze(-3).expand(*batch, h, heads // h, s, e)
    return grouped.reshape(*batch, heads, s, e)


def _share_heads(query: Tensor, key: Tensor, value: Tensor) -> tuple[Tensor, Tensor]:
    """``key`` and ``value`` with their heads (dim -3) repeated to match ``query``'s."""
    if min(query.ndim, key.ndim, value.ndim) < 3:
        raise IndexError(
            f"{_SDPA}: enable_gqa needs a heads dimension (-3) in query, key and value, but "
            f"they have {query.ndim}, {key.ndim} and {value.ndim} dimensions"
        )
    heads = query.shape[-3]
    if heads % key.shape[-3] or heads % value.shape[-3]:
        raise RuntimeError(
            f"{_SDPA}: with enable_gqa, the number of heads of key ({key.shape[-3]}) and of "
            f"value ({value.shape[-3]}) must divide the number of heads of query ({heads})"
        )
    return _repeat_heads(key, heads), _repeat_heads(value, heads)


def _weights_shape(query: Tensor, key: Tensor, value: Tensor) -> tuple[int, ...]:
    """The shape of the attention weights, ``(*batch, L, S)``, checking that the batch
    dimensions of the three inputs broadcast."""
    try:
        batch = np.broadcast_shapes(query.shape[:-2], key.shape[:-2])
        np.broadcast_shapes(batch, value.shape[:-2])
    except ValueError:
        raise RuntimeError(
            f"{_SDPA}: the batch dimensions of query {tuple(query.shape)}, key "
            f"{tuple(key.shape)} and value {tuple(value.shape)} do not broadcast"
        ) from None
    return (*batch, query.shape[-2], key.shape[-2])


def _sdpa_mask(
    attn_mask: Tensor | None, is_causal: bool, query: Tensor, weights_shape: tuple[int, ...]
) -> Tensor | None:
    """The additive float mask of the scores, from ``attn_mask`` or ``is_causal``."""
    if is_causal:
        if attn_mask is not None:
            raise RuntimeError(f"{_SDPA}: Explicit attn_mask should not be set when is_causal=True")
        target_len, source_len = weights_shape[-2:]
        return _causal_mask(target_len, source_len, query)
    if attn_mask is None:
        return None
    require_tensor(_SDPA, "attn_mask", attn_mask)
    check_same_device(_SDPA, query, attn_mask)
    is_bool = attn_mask.dtype.name == "bool"
    if not is_bool and attn_mask.dtype != query.dtype:
        raise RuntimeError(
            f"{_SDPA}: expected attn_mask to be bool or of query's dtype {query.dtype.name}, "
            f"but got {attn_mask.dtype.name}"
        )
    try:
        fits = np.broadcast_shapes(attn_mask.shape, weights_shape) == weights_shape
    except ValueError:
        fits = False
    if not fits:
        raise RuntimeError(
            f"{_SDPA}: attn_mask of shape {tuple(attn_mask.shape)} does not broadcast to the "
            f"attention weights' shape {weights_shape}"
        )
    return _masked_to_minus_inf(attn_mask.logical_not(), query.dtype) if is_bool else attn_mask


def scaled_dot_product_attention(
    query: Tensor,
    key: Tensor,
    value: Tensor,
    attn_mask: Tensor | None = None,
    dropout_p: float = 0.0,
    is_causal: bool = False,
    scale: float | None = None,
    enable_gqa: bool = False,
) -> Tensor:
    """Attention of each query over the keys: ``softmax(q k^T * scale + mask) @ value``.

    Args:
        query: the queries (see Shapes); query, key and value share one floating
            dtype and one device.
        key: the keys.
        value: the values.
        attn_mask: a bool mask (True: the key takes part) or a float mask of the
            query's dtype added to the scores; it broadcasts to ``(*, L, S)``.
        dropout_p: probability of zeroing each attention weight (the rest are
            scaled by ``1 / (1 - dropout_p)``). Applied whenever it is above 0, as
            in PyTorch: pass ``dropout_p=0.0`` outside training.
        is_causal: query ``i`` sees keys ``0..i`` only (a lower-triangular mask
            aligned at the top left when ``L != S``). Not together with ``attn_mask``.
        scale: the factor of the scores; default ``1 / sqrt(E)``.
        enable_gqa: grouped-query attention: ``key`` and ``value`` may have fewer
            heads (dim -3) than ``query``, dividing its number; each of their heads
            serves consecutive query heads.

    A query whose keys are all masked (a row of the mask all False, or all
    ``-inf``) gets an output row of zeros, and its row passes no gradient, as in
    PyTorch (a plain softmax would give nan).

    Shapes:
        * ``query``: ``(*, L, E)``; ``key``: ``(*, S, E)``; ``value``: ``(*, S, Ev)``,
          where the batch dims ``*`` broadcast (for example ``(N, heads)``);
        * output: ``(*, L, Ev)``.

    Examples:
        >>> import neurarust as nr
        >>> import neurarust.nn.functional as F
        >>> q, k, v = nr.randn(2, 4, 5, 8), nr.randn(2, 4, 6, 8), nr.randn(2, 4, 6, 3)
        >>> F.scaled_dot_product_attention(q, k, v, is_causal=True).shape
        neurarust.Size([2, 4, 5, 3])
    """
    _check_sdpa_inputs(query, key, value)
    if enable_gqa:
        key, value = _share_heads(query, key, value)
    mask = _sdpa_mask(attn_mask, is_causal, query, _weights_shape(query, key, value))
    if dropout_p > 1:
        raise RuntimeError(
            f"{_SDPA}: dropout probability has to be between 0 and 1, but got {dropout_p}"
        )
    if scale is None:
        embed = query.shape[-1]
        scale = 1 / math.sqrt(embed) if embed else math.inf
    return _attention(query, key, value, mask, dropout_p, scale, safe=True)[0]


# -- multi-head attention ---------------------------------------------------------------


def _check_mha_shapes(
    query: Tensor,
    key: Tensor,
    value: Tensor,
    key_padding_mask: Tensor | None,
    attn_mask: Tensor | None,
    num_heads: int,
) -> bool:
    """Whether the input is batched; PyTorch's AssertionError when the ranks do not fit."""
    if query.ndim not in (2, 3):
        raise AssertionError(
            "query should be unbatched 2D or batched 3D tensor but received "
            f"{query.ndim}-D query tensor"
        )
    batched = query.ndim == 3
    kind = "batched (3-D)" if batched else "unbatched (2-D)"
    if key.ndim != query.ndim or value.ndim != query.ndim:
        raise AssertionError(
            f"For {kind} `query`, expected `key` and `value` to be {query.ndim}-D but found "
            f"{key.ndim}-D and {value.ndim}-D tensors respectively"
        )
    if key_padding_mask is not None and key_padding_mask.ndim != query.ndim - 1:
        raise AssertionError(
            f"For {kind} `query`, expected `key_padding_mask` to be `None` or "
            f"{query.ndim - 1}-D but found {key_padding_mask.ndim}-D tensor instead"
        )
    if attn_mask is not None and attn_mask.ndim not in (2, 3):
        raise AssertionError(
            f"For {kind} `query`, expected `attn_mask` to be `None`, 2-D or 3-D but found "
            f"{attn_mask.ndim}-D tensor instead"
        )
    if not batched and attn_mask is not None and attn_mask.ndim == 3:
        expected = (num_heads, query.shape[0], key.shape[0])
        if tuple(attn_mask.shape) != expected:
            raise AssertionError(
                f"Expected `attn_mask` shape to be {expected} but got {tuple(attn_mask.shape)}"
            )
    return batched


def _canonical_mask(mask: Tensor | None, name: str, dtype: Any) -> Tensor | None:
    """``mask`` as an additive float mask (a bool mask's True entries become ``-inf``)."""
    if mask is None:
        return None
    if mask.dtype.name == "bool":
        return _masked_to_minus_inf(mask, dtype)
    if not mask.dtype.is_floating_point:
        raise AssertionError(f"only bool and floating types of {name} are supported")
    return mask


def _check_mask_types(key_padding_mask: Tensor | None, attn_mask: Tensor | None) -> None:
    """PyTorch's deprecation warning for masks of different dtypes."""
    if key_padding_mask is not None and attn_mask is not None:
        if key_padding_mask.dtype != attn_mask.dtype:
            warnings.warn(
                "Support for mismatched key_padding_mask and attn_mask is deprecated. "
                "Use same type for both instead.",
                stacklevel=3,
            )


class _Layout:
    """Where the batch and sequence dims of the inputs are.

    Inputs are ``(L, N, E)`` (sequence first, PyTorch's default), ``(N, L, E)``
    (``batch_first``) or ``(L, E)`` (unbatched, handled as a batch of one, batch first).
    Heads are always computed as ``(N, heads, L, head_dim)``.
    """

    def __init__(self, query: Tensor, key: Tensor, batched: bool, batch_first: bool) -> None:
        self.batch_major = batch_first or not batched
        seq_dim = int(batched and batch_first)
        self.batch = query.shape[1 - seq_dim] if batched else 1
        self.target_len, self.source_len = query.shape[seq_dim], key.shape[seq_dim]

    def heads(self, projection: Tensor, parts: int, num_heads: int) -> tuple[Tensor, ...]:
        """``parts`` projections packed along the last dim, each as ``(N, H, len, D)``."""
        first, second = projection.shape[:2] if projection.ndim == 3 else (1, projection.shape[0])
        head_dim = projection.shape[-1] // (parts * num_heads)
        packed = projection.reshape(first, second, parts, num_heads, head_dim)
        order = (2, 0, 3, 1, 4) if self.batch_major else (2, 1, 3, 0, 4)
        return packed.permute(order).unbind(0)

    def merge_heads(self, heads: Tensor, query: Tensor) -> Tensor:
        """``(N, H, L, D)`` back to the query's layout, heads concatenated: ``(..., E)``."""
        order = (0, 2, 1, 3) if self.batch_major else (2, 0, 1, 3)
        _, num_heads, _, head_dim = heads.shape
        return heads.permute(order).reshape(*query.shape[:-1], num_heads * head_dim)


def _in_projections(
    query: Tensor,
    key: Tensor,
    value: Tensor,
    layout: _Layout,
    num_heads: int,
    in_proj_weight: Tensor | None,
    in_proj_bias: Tensor | None,
    separate_weights: tuple[Tensor | None, Tensor | None, Tensor | None] | None,
) -> tuple[Tensor, ...]:
    """The query, key and value heads ``(N, H, len, D)``: one GEMM for self-attention,
    two when ``key is value``, three otherwise."""
    biases: tuple[Tensor | None, ...] = (None, None, None)
    if in_proj_bias is not None:
        biases = in_proj_bias.chunk(3)
    if separate_weights is not None:
        weights = _checked_separate_weights(query, key, value, separate_weights, biases)
    elif in_proj_weight is None:
        raise AssertionError("use_separate_proj_weight is False but in_proj_weight is None")
    elif query is key and key is value:
        return layout.heads(linear(query, in_proj_weight, in_proj_bias), 3, num_heads)
    elif key is value:
        embed_dim = query.shape[-1]
        w_q, w_kv = in_proj_weight.split([embed_dim, 2 * embed_dim])
        b_q = b_kv = None
        if in_proj_bias is not None:
            b_q, b_kv = in_proj_bias.split([embed_dim, 2 * embed_dim])
        (q,) = layout.heads(linear(query, w_q, b_q), 1, num_heads)
        return (q, *layout.heads(linear(key, w_kv, b_kv), 2, num_heads))
    else:
        weights = in_proj_weight.chunk(3)
    projections = zip((query, key, value), weights, biases)
    return tuple(layout.heads(linear(x, w, b), 1, num_heads)[0] for x, w, b in projections)


def _checked_separate_weights(
    query: Tensor,
    key: Tensor,
    value: Tensor,
    weights: tuple[Tensor | None, ...],
    biases: tuple[Tensor | None, ...],
) -> tuple[Tensor, ...]:
    """The separate projection weights; PyTorch's AssertionError when one is missing or
    one of them or of the biases has the wrong shape."""
    embed_dim = query.shape[-1]
    checked = []
    for name, x, w, b in zip(("query", "key", "value"), (query, key, value), weights, biases):
        if w is None:
            raise AssertionError(
                f"use_separate_proj_weight is True but {name[0]}_proj_weight is None"
            )
        if tuple(w.shape) != (embed_dim, x.shape[-1]):
            raise AssertionError(
                f"expecting {name} weights shape of {(embed_dim, x.shape[-1])}, but got "
                f"{tuple(w.shape)}"
            )
        if b is not None and tuple(b.shape) != (embed_dim,):
            raise AssertionError(
                f"expecting {name} bias shape of {(embed_dim,)}, but got {tuple(b.shape)}"
            )
        checked.append(w)
    return tuple(checked)


def _static_heads(
    static: Tensor, name: str, layout: _Layout, num_heads: int, head_dim: int
) -> Tensor:
    """``static_k``/``static_v`` ``(N * H, S, D)`` as heads ``(N, H, S, D)``."""
    if static.shape[0] != layout.batch * num_heads:
        raise AssertionError(
            f"expecting {name}.size(0) of {layout.batch * num_heads}, but got {static.shape[0]}"
        )
    if static.shape[2] != head_dim:
        raise AssertionError(f"expecting {name}.size(2) of {head_dim}, but got {static.shape[2]}")
    return static.reshape(layout.batch, num_heads, static.shape[1], head_dim)


def _append_key(heads: Tensor, extra: Tensor) -> Tensor:
    """``heads`` (N, H, S, D) with one more key, ``extra`` (broadcast to (N, H, 1, D))."""
    n, h, _, d = heads.shape
    return cat([heads, extra.reshape(-1, h, 1, d).expand(n, h, 1, d)], dim=2)


def _attn_mask_heads(attn_mask: Tensor, layout: _Layout, num_heads: int) -> Tensor:
    """A 2-D ``(L, S)`` or 3-D ``(N * H, L, S)`` mask, checked, as broadcasting to the
    weights ``(N, H, L, S)``."""
    sizes = (layout.target_len, layout.source_len)
    if attn_mask.ndim == 2:
        if tuple(attn_mask.shape) != sizes:
            raise RuntimeError(
                f"The shape of the 2D attn_mask is {tuple(attn_mask.shape)}, but should be {sizes}."
            )
        return attn_mask
    expected = (layout.batch * num_heads, *sizes)
    if tuple(attn_mask.shape) != expected:
        raise RuntimeError(
            f"The shape of the 3D attn_mask is {tuple(attn_mask.shape)}, but should be {expected}."
        )
    return attn_mask.reshape(layout.batch, num_heads, *sizes)


def _padding_mask_heads(key_padding_mask: Tensor, layout: _Layout, source_len: int) -> Tensor:
    """A ``(N, S)`` key padding mask, checked, as ``(N, 1, 1, S)``."""
    for dim, expected in enumerate((layout.batch, source_len)):
        if key_padding_mask.shape[dim] != expected:
            raise AssertionError(
                f"Expected key_padded_mask.shape[{dim}] to be {expected}, but got "
                f"{key_padding_mask.shape[dim]}"
            )
    return key_padding_mask.reshape(layout.batch, 1, 1, source_len)


def _final_keys(
    k: Tensor,
    v: Tensor,
    bias_k: Tensor | None,
    bias_v: Tensor | None,
    static_k: Tensor | None,
    static_v: Tensor | None,
    add_zero_attn: bool,
    layout: _Layout,
    num_heads: int,
) -> tuple[Tensor, Tensor, int]:
    """The key and value heads after ``bias_k``/``bias_v``, ``static_k``/``static_v`` and
    ``add_zero_attn`` (in PyTorch's order), and how many keys were appended."""
    head_dim = k.shape[-1]
    appended = 0
    if bias_k is not None and bias_v is not None:
        if static_k is not None:
            raise AssertionError("bias cannot be added to static key.")
        if static_v is not None:
            raise AssertionError("bias cannot be added to static value.")
        k, v = _append_key(k, bias_k), _append_key(v, bias_v)
        appended += 1
    elif bias_k is not None or bias_v is not None:
        set_one, unset = ("bias_k", "bias_v") if bias_k is not None else ("bias_v", "bias_k")
        raise AssertionError(f"{set_one} is set but {unset} is None")
    if static_k is not None:
        k = _static_heads(static_k, "static_k", layout, num_heads, head_dim)
    if static_v is not None:
        v = _static_heads(static_v, "static_v", layout, num_heads, head_dim)
    if add_zero_attn:
        zero = zeros((1, num_heads, 1, head_dim), dtype=k.dtype, device=k.device)
        k, v = _append_key(k, zero), _append_key(v, zero)
        appended += 1
    return k, v, appended


def multi_head_attention_forward(
    query: Tensor,
    key: Tensor,
    value: Tensor,
    embed_dim_to_check: int,
    num_heads: int,
    in_proj_weight: Tensor | None,
    in_proj_bias: Tensor | None,
    bias_k: Tensor | None,
    bias_v: Tensor | None,
    add_zero_attn: bool,
    dropout_p: float,
    out_proj_weight: Tensor,
    out_proj_bias: Tensor | None,
    training: bool = True,
    key_padding_mask: Tensor | None = None,
    need_weights: bool = True,
    attn_mask: Tensor | None = None,
    use_separate_proj_weight: bool = False,
    q_proj_weight: Tensor | None = None,
    k_proj_weight: Tensor | None = None,
    v_proj_weight: Tensor | None = None,
    static_k: Tensor | None = None,
    static_v: Tensor | None = None,
    average_attn_weights: bool = True,
    is_causal: bool = False,
) -> tuple[Tensor, Tensor | None]:
    """The forward of :class:`neurarust.nn.MultiheadAttention`, with its weights passed in.

    Projects the inputs (``in_proj_weight`` packs the query, key and value
    weights in that order, or ``use_separate_proj_weight=True`` takes
    ``q/k/v_proj_weight``), splits ``embed_dim`` into ``num_heads`` heads,
    attends with scale ``1 / sqrt(head_dim)`` and projects the concatenated heads
    with ``out_proj_weight``/``out_proj_bias``.

    Args:
        bias_k: a ``(1, 1, E)`` key appended to every sequence.
        bias_v: a ``(1, 1, E)`` value appended to every sequence.
        add_zero_attn: append a key and value of zeros (after ``bias_k``/``bias_v``).
        dropout_p: dropout on the attention weights, only when ``training``.
        key_padding_mask: ``(N, S)`` (``(S,)`` unbatched); bool (True: ignore that
            key) or float (added to the scores).
        need_weights: also return the attention weights (after dropout).
        attn_mask: ``(L, S)`` or ``(N * num_heads, L, S)``; bool (True: may not
            attend) or float (added).
        static_k: ``(N * num_heads, S, head_dim)`` keys used instead of the projected ones.
        static_v: ``(N * num_heads, S, head_dim)`` values used instead of the projected ones.
        average_attn_weights: average the returned weights over the heads.
        is_causal: a hint that ``attn_mask`` is the causal mask (it must be given);
            with ``need_weights=False`` and no ``key_padding_mask`` the causal mask
            is used in place of ``attn_mask``.

    Fully masked rows (a query whose keys are all masked) give nan output and
    weight rows with ``need_weights=True`` and zero output rows with
    ``need_weights=False``, exactly as PyTorch's general path does.

    Shapes:
        * ``query``: ``(L, N, E)`` or ``(L, E)``; ``key``/``value``: ``(S, N, Ek/Ev)``
          or ``(S, Ek/Ev)``;
        * output: ``(L, N, E)`` or ``(L, E)``; weights: ``(N, L, S)``, or
          ``(N, num_heads, L, S)`` if not averaged (no ``N`` when unbatched).

    Examples:
        >>> import neurarust as nr
        >>> import neurarust.nn.functional as F
        >>> x = nr.randn(5, 2, 8)
        >>> out, weights = F.multi_head_attention_forward(
        ...     x, x, x, 8, 2, nr.randn(24, 8), nr.zeros(24), None, None, False, 0.0,
        ...     nr.randn(8, 8), nr.zeros(8))
        >>> out.shape, weights.shape
        (neurarust.Size([5, 2, 8]), neurarust.Size([2, 5, 5]))
    """
    return _multi_head_attention(
        query, key, value, embed_dim_to_check, num_heads, in_proj_weight, in_proj_bias,
        bias_k, bias_v, add_zero_attn, dropout_p, out_proj_weight, out_proj_bias, training,
        key_padding_mask, need_weights, attn_mask, use_separate_proj_weight, q_proj_weight,
        k_proj_weight, v_proj_weight, static_k, static_v, average_attn_weights, is_causal,
        batch_first=False,
    )  # fmt: skip


def _multi_head_attention(
    query: Tensor,
    key: Tensor,
    value: Tensor,
    embed_dim_to_check: int,
    num_heads: int,
    in_proj_weight: Tensor | None,
    in_proj_bias: Tensor | None,
    bias_k: Tensor | None,
    bias_v: Tensor | None,
    add_zero_attn: bool,
    dropout_p: float,
    out_proj_weight: Tensor,
    out_proj_bias: Tensor | None,
    training: bool,
    key_padding_mask: Tensor | None,
    need_weights: bool,
    attn_mask: Tensor | None,
    use_separate_proj_weight: bool,
    q_proj_weight: Tensor | None,
    k_proj_weight: Tensor | None,
    v_proj_weight: Tensor | None,
    static_k: Tensor | None,
    static_v: Tensor | None,
    average_attn_weights: bool,
    is_causal: bool,
    batch_first: bool,
) -> tuple[Tensor, Tensor | None]:
    """:func:`multi_head_attention_forward` on inputs that may also be batch first
    (as ``MultiheadAttention(batch_first=True)`` gives them), without transposing them."""
    batched = _check_mha_shapes(query, key, value, key_padding_mask, attn_mask, num_heads)
    layout = _Layout(query, key, batched, batch_first)
    _check_mask_types(key_padding_mask, attn_mask)
    key_padding_mask = _canonical_mask(key_padding_mask, "key_padding_mask", query.dtype)
    if key_padding_mask is not None and not batched:
        key_padding_mask = key_padding_mask.unsqueeze(0)
    if is_causal and attn_mask is None:
        raise RuntimeError(
            "Need attn_mask if specifying the is_causal hint. You may use the Transformer "
            "module method `generate_square_subsequent_mask` to create this mask."
        )
    # As PyTorch: without key padding or weights to return, is_causal replaces attn_mask.
    causal = is_causal and key_padding_mask is None and not need_weights
    attn_mask = None if causal else _canonical_mask(attn_mask, "attn_mask", query.dtype)
    embed_dim = query.shape[-1]
    if embed_dim != embed_dim_to_check:
        raise AssertionError(
            f"was expecting embedding dimension of {embed_dim_to_check}, but got {embed_dim}"
        )
    head_dim = embed_dim // num_heads
    if head_dim * num_heads != embed_dim:
        raise AssertionError(f"embed_dim {embed_dim} not divisible by num_heads {num_heads}")
    if use_separate_proj_weight:
        if key.shape[:-1] != value.shape[:-1]:
            raise AssertionError(
                f"key's sequence and batch dims {tuple(key.shape[:-1])} do not match value's "
                f"{tuple(value.shape[:-1])}"
            )
    elif key.shape != value.shape:
        raise AssertionError(
            f"key shape {tuple(key.shape)} does not match value shape {tuple(value.shape)}"
        )
    if attn_mask is not None:
        attn_mask = _attn_mask_heads(attn_mask, layout, num_heads)
    separate = (q_proj_weight, k_proj_weight, v_proj_weight) if use_separate_proj_weight else None
    q, k, v = _in_projections(
        query, key, value, layout, num_heads, in_proj_weight, in_proj_bias, separate
    )

    k, v, extra_keys = _final_keys(
        k, v, bias_k, bias_v, static_k, static_v, add_zero_attn, layout, num_heads
    )
    if extra_keys:  # the appended keys are not masked
        attn_mask = None if attn_mask is None else pad(attn_mask, (0, extra_keys))
        if key_padding_mask is not None:
            key_padding_mask = pad(key_padding_mask, (0, extra_keys))

    source_len = k.shape[2]
    mask: Tensor | None
    if causal:
        mask = _causal_mask(layout.target_len, source_len, q)
    else:
        mask = attn_mask
        if key_padding_mask is not None:
            padding = _padding_mask_heads(key_padding_mask, layout, source_len)
            mask = padding if mask is None else mask + padding
    output, weights = _attention(
        q, k, v, mask, dropout_p if training else 0.0, 1 / math.sqrt(head_dim),
        safe=not need_weights,
    )  # fmt: skip
    output = linear(layout.merge_heads(output, query), out_proj_weight, out_proj_bias)
    if not need_weights:
        return output, None
    if average_attn_weights:
        weights = weights.mean(1)
    return output, weights if batched else weights.squeeze(0)
