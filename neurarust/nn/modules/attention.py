"""Attention layers: ``MultiheadAttention``.

Parameters, their names, shapes and default initialization are PyTorch's, so a
PyTorch ``state_dict`` loads as it is. The forward is
:func:`neurarust.nn.functional.multi_head_attention_forward`; with
``batch_first=True`` it reads the inputs in their own layout rather than
transposing them first.
"""

from __future__ import annotations

from typing import Any

from ...ops.attention import _multi_head_attention
from ...ops.creation import empty
from ...tensor import Tensor
from .. import init
from ..parameter import Parameter
from .linear import Linear
from .module import Module

__all__ = ["MultiheadAttention"]


class NonDynamicallyQuantizableLinear(Linear):
    """A :class:`Linear` under the name PyTorch gives ``MultiheadAttention.out_proj``
    (so that the two print the same); it computes exactly as ``Linear``."""


class MultiheadAttention(Module):
    r"""Multi-head attention (Vaswani et al., 2017):
    ``concat(head_1, ..., head_h) @ out_proj`` with
    ``head_i = softmax(q_i k_i^T / sqrt(head_dim)) v_i`` on the projected inputs.

    Args:
        embed_dim: size ``E`` of the queries and of the output; split over the heads.
        num_heads: number of heads; must divide ``embed_dim`` (``head_dim = E // heads``).
        dropout: dropout probability on the attention weights, in training mode only.
        bias: add biases to the input and output projections.
        add_bias_kv: learn a key and a value (``bias_k``, ``bias_v``) appended to
            every key and value sequence.
        add_zero_attn: append a key and a value of zeros to every sequence.
        kdim: the feature size of the keys (default ``embed_dim``).
        vdim: the feature size of the values (default ``embed_dim``).
        batch_first: inputs and output are ``(N, L, E)`` instead of ``(L, N, E)``.
        device: where the parameters are created.
        dtype: the dtype they are created with.

    Attributes:
        in_proj_weight: ``(3 * E, E)``, the query, key and value projections stacked,
            when ``kdim == vdim == E``; else ``q_proj_weight`` ``(E, E)``,
            ``k_proj_weight`` ``(E, kdim)`` and ``v_proj_weight`` ``(E, vdim)``.
            Initialized with ``xavier_uniform_``.
        in_proj_bias: ``(3 * E,)``, zeros (with ``bias=True``).
        out_proj: the output projection, a ``Linear(E, E)`` with a zero bias.
        bias_k, bias_v: ``(1, 1, E)`` with ``add_bias_kv``, ``xavier_normal_``.

    ``forward(query, key, value, key_padding_mask=None, need_weights=True,
    attn_mask=None, average_attn_weights=True, is_causal=False)`` returns
    ``(attn_output, attn_weights)``; ``attn_weights`` is None unless
    ``need_weights``. ``key_padding_mask`` ``(N, S)`` and ``attn_mask`` ``(L, S)``
    or ``(N * num_heads, L, S)`` are bool (True: may not attend) or float (added
    to the scores). ``is_causal`` is only a hint that ``attn_mask`` is causal.

    Fully masked rows (a query whose keys are all masked): the output and weight
    rows are nan with ``need_weights=True``, and the output row is zeros with
    ``need_weights=False``, as PyTorch's general path gives. PyTorch's inference
    fast path (evaluation mode, no gradients, self-attention, ``batch_first``)
    gives nan in the second case too; neurarust has no separate fast path.

    Shapes:
        * ``query``: ``(L, N, E)``, ``(N, L, E)`` with ``batch_first``, or ``(L, E)``;
        * ``key``/``value``: ``(S, N, kdim/vdim)``, ``(N, S, ...)`` or ``(S, ...)``;
        * ``attn_output``: the query's shape;
        * ``attn_weights``: ``(N, L, S)``, or ``(N, num_heads, L, S)`` if not
          ``average_attn_weights`` (no ``N`` when unbatched).

    Examples:
        >>> import neurarust as nr
        >>> attention = nr.nn.MultiheadAttention(16, 4, batch_first=True)
        >>> x = nr.randn(2, 5, 16)
        >>> out, weights = attention(x, x, x)
        >>> out.shape, weights.shape
        (neurarust.Size([2, 5, 16]), neurarust.Size([2, 5, 5]))
    """

    bias_k: Parameter | None
    bias_v: Parameter | None

    def __init__(
        self,
        embed_dim: int,
        num_heads: int,
        dropout: float = 0.0,
        bias: bool = True,
        add_bias_kv: bool = False,
        add_zero_attn: bool = False,
        kdim: int | None = None,
        vdim: int | None = None,
        batch_first: bool = False,
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        if embed_dim <= 0 or num_heads <= 0:
            raise ValueError(
                "embed_dim and num_heads must be greater than 0, got "
                f"embed_dim={embed_dim} and num_heads={num_heads} instead"
            )
        super().__init__()
        self.embed_dim = embed_dim
        self.kdim = kdim if kdim is not None else embed_dim
        self.vdim = vdim if vdim is not None else embed_dim
        self._qkv_same_embed_dim = self.kdim == embed_dim and self.vdim == embed_dim
        self.num_heads = num_heads
        self.dropout = dropout
        self.batch_first = batch_first
        self.head_dim = embed_dim // num_heads
        if self.head_dim * num_heads != embed_dim:
            raise AssertionError("embed_dim must be divisible by num_heads")

        def new(*shape: int) -> Parameter:
            return Parameter(empty(shape, device=device, dtype=dtype))

        if self._qkv_same_embed_dim:
            self.in_proj_weight = new(3 * embed_dim, embed_dim)
            for name in ("q_proj_weight", "k_proj_weight", "v_proj_weight"):
                self.register_parameter(name, None)
        else:
            self.q_proj_weight = new(embed_dim, embed_dim)
            self.k_proj_weight = new(embed_dim, self.kdim)
            self.v_proj_weight = new(embed_dim, self.vdim)
            self.register_parameter("in_proj_weight", None)
        if bias:
            self.in_proj_bias = new(3 * embed_dim)
        else:
            self.register_parameter("in_proj_bias", None)
        self.out_proj = NonDynamicallyQuantizableLinear(
            embed_dim, embed_dim, bias=bias, device=device, dtype=dtype
        )
        if add_bias_kv:
            self.bias_k, self.bias_v = new(1, 1, embed_dim), new(1, 1, embed_dim)
        else:
            self.bias_k = self.bias_v = None
        self.add_zero_attn = add_zero_attn
        self._reset_parameters()

    def _reset_parameters(self) -> None:
        """Draw the parameters again from PyTorch's default distributions (``out_proj``'s
        weight keeps ``Linear``'s)."""
        if self._qkv_same_embed_dim:
            init.xavier_uniform_(self.in_proj_weight)
        else:
            init.xavier_uniform_(self.q_proj_weight)
            init.xavier_uniform_(self.k_proj_weight)
            init.xavier_uniform_(self.v_proj_weight)
        if self.in_proj_bias is not None:
            init.constant_(self.in_proj_bias, 0.0)
            init.constant_(self.out_proj.bias, 0.0)
        if self.bias_k is not None:
            init.xavier_normal_(self.bias_k)
        if self.bias_v is not None:
            init.xavier_normal_(self.bias_v)

    def forward(
        self,
        query: Tensor,
        key: Tensor,
        value: Tensor,
        key_padding_mask: Tensor | None = None,
        need_weights: bool = True,
        attn_mask: Tensor | None = None,
        average_attn_weights: bool = True,
        is_causal: bool = False,
    ) -> tuple[Tensor, Tensor | None]:
        """``(attn_output, attn_weights or None)``; see the class docstring."""
        separate = not self._qkv_same_embed_dim
        return _multi_head_attention(
            query, key, value, self.embed_dim, self.num_heads, self.in_proj_weight,
            self.in_proj_bias, self.bias_k, self.bias_v, self.add_zero_attn, self.dropout,
            self.out_proj.weight, self.out_proj.bias, self.training, key_padding_mask,
            need_weights, attn_mask, separate, self.q_proj_weight, self.k_proj_weight,
            self.v_proj_weight, None, None, average_attn_weights, is_causal,
            batch_first=self.batch_first,
        )  # fmt: skip
