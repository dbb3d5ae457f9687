"""Transformer blocks: encoder and decoder layers and stacks, and ``Transformer``.

The classes take PyTorch's arguments and defaults and name their submodules as
PyTorch does (``self_attn``, ``multihead_attn``, ``linear1``, ``norm1``,
``layers.0``, ``encoder``, ``decoder``...), so ``state_dict`` keys match and
PyTorch checkpoints load.

Every layer is a stack of residual sublayers (self-attention, cross-attention
for the decoder, and a feed-forward block ``linear2(dropout(activation(linear1(x))))``).
With ``norm_first=False`` (the original "post-norm" Transformer) a sublayer
computes ``norm(x + dropout(block(x)))``; with ``norm_first=True`` ("pre-norm")
it computes ``x + dropout(block(norm(x)))``.

Differences from PyTorch: neurarust has no nested tensors and no fused
inference kernels, so it always takes what PyTorch calls the slow path
(``enable_nested_tensor`` and ``mask_check`` are accepted and stored but change
nothing). The values agree with PyTorch's fast path (evaluation mode under
``no_grad``) but for two cases of padding:

- given a ``src_key_padding_mask``, PyTorch's ``TransformerEncoder`` (batch_first,
  norm_first=False, an even number of heads, relu/gelu) packs the batch into a
  nested tensor and returns zeros at the padded positions (then the final
  ``norm`` of those zeros); neurarust returns what the training path computes
  there (the padded queries attend to the unpadded keys);
- a sequence whose keys are all padded gets finite outputs in neurarust (the
  attention contributes zeros, as in PyTorch's training path), nan in PyTorch's
  fused encoder layer.

Values at padded positions mean nothing in either library: mask them out downstream.

Masks go to :class:`MultiheadAttention` as given (PyTorch first turns bool masks
into float ones in the encoder, with the same results), so an integer mask is
refused, and mixed bool/float masks warned about, under the attention's argument
names (``key_padding_mask``, ``attn_mask``) rather than ``src_key_padding_mask``
and ``src_mask``.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from ... import dtypes
from ...device import DeviceLike
from ...ops.creation import full
from ...ops.matrix import triu
from ...tensor import Tensor
from .. import functional as F
from .. import init
from .attention import MultiheadAttention
from .container import ModuleList
from .dropout import Dropout
from .linear import Linear
from .module import Module
from .normalization import LayerNorm

__all__ = [
    "Transformer",
    "TransformerEncoder",
    "TransformerDecoder",
    "TransformerEncoderLayer",
    "TransformerDecoderLayer",
]

Activation = str | Callable[[Tensor], Tensor]


def _activation_fn(activation: Activation) -> Callable[[Tensor], Tensor]:
    """The activation function named by a string ("relu" or "gelu"), or the callable itself."""
    if not isinstance(activation, str):
        return activation
    if activation == "relu":
        return F.relu
    if activation == "gelu":
        return F.gelu
    raise RuntimeError(f"activation should be relu/gelu, not {activation}")


def _clones(module: Module, n: int) -> ModuleList:
    """``n`` independent deep copies of ``module`` (the stacks never share parameters)."""
    return ModuleList([copy.deepcopy(module) for _ in range(n)])


def _seq_len(x: Tensor, batch_first: bool) -> int:
    """The length of a batched ``(L, N, E)``/``(N, L, E)`` or unbatched ``(L, E)`` sequence."""
    if x.dim() == 2:
        return x.size(0)
    return x.size(1 if batch_first else 0)


def _detect_is_causal_mask(mask: Tensor | None, is_causal: bool | None, size: int) -> bool:
    """Whether ``mask`` is causal: ``is_causal`` when given, else compare ``mask`` with
    the square subsequent mask of ``size`` (as PyTorch's stacks do, so the layers get
    the hint)."""
    if is_causal is not None or mask is None:
        return is_causal is True
    causal = Transformer.generate_square_subsequent_mask(size, mask.device, mask.dtype)
    return mask.shape == causal.shape and bool((mask == causal).all())


class _TransformerLayer(Module):
    """What encoder and decoder layers share: their attention modules, the feed-forward
    block, and one norm and one dropout per residual sublayer.

    ``attentions`` names the attention modules (``self_attn``, and ``multihead_attn``
    for the decoder); there is one sublayer per attention plus the feed-forward one.
    Submodules are registered in PyTorch's order, which fixes ``state_dict`` and repr.
    """

    def __init__(
        self,
        attentions: tuple[str, ...],
        d_model: int,
        nhead: int,
        dim_feedforward: int,
        dropout: float,
        activation: Activation,
        layer_norm_eps: float,
        batch_first: bool,
        norm_first: bool,
        bias: bool,
        device: DeviceLike | None,
        dtype: dtypes.dtype | None,
    ) -> None:
        super().__init__()
        factory: dict[str, Any] = {"device": device, "dtype": dtype}
        for name in attentions:
            attention = MultiheadAttention(
                d_model, nhead, dropout=dropout, bias=bias, batch_first=batch_first, **factory
            )
            setattr(self, name, attention)
        self.linear1 = Linear(d_model, dim_feedforward, bias=bias, **factory)
        self.dropout = Dropout(dropout)
        self.linear2 = Linear(dim_feedforward, d_model, bias=bias, **factory)
        self.norm_first = norm_first
        sublayers = range(1, len(attentions) + 2)
        for i in sublayers:
            setattr(self, f"norm{i}", LayerNorm(d_model, eps=layer_norm_eps, bias=bias, **factory))
        for i in sublayers:
            setattr(self, f"dropout{i}", Dropout(dropout))
        self.activation = _activation_fn(activation)

    def _residual(
        self, x: Tensor, norm: Module, dropout: Module, block: Callable[[Tensor], Tensor]
    ) -> Tensor:
        """One residual sublayer around ``block``, pre-norm or post-norm."""
        if self.norm_first:
            return x + dropout(block(norm(x)))
        return norm(x + dropout(block(x)))

    @staticmethod
    def _attend(
        attention: Module,
        query: Tensor,
        memory: Tensor,
        attn_mask: Tensor | None,
        key_padding_mask: Tensor | None,
        is_causal: bool,
    ) -> Tensor:
        """``query`` attending to ``memory`` (the keys and values); no weights wanted."""
        return attention(
            query,
            memory,
            memory,
            attn_mask=attn_mask,
            key_padding_mask=key_padding_mask,
            need_weights=False,
            is_causal=is_causal,
        )[0]

    def _feed_forward(self, x: Tensor) -> Tensor:
        return self.linear2(self.dropout(self.activation(self.linear1(x))))


class TransformerEncoderLayer(_TransformerLayer):
    """One encoder layer: self-attention then a feed-forward block, each a residual
    sublayer with layer normalization (after it, or before it with ``norm_first``).

    Args:
        d_model: the number of features of the input (embedding size).
        nhead: the number of attention heads (must divide ``d_model``).
        dim_feedforward: the hidden size of the feed-forward block. Default: 2048.
        dropout: the dropout probability (attention weights, each sublayer's output
            and the feed-forward hidden layer). Default: 0.1.
        activation: the feed-forward activation: "relu", "gelu" or a callable (a
            module is registered as the submodule ``activation``). Default: ``F.relu``.
        layer_norm_eps: the ``eps`` of the layer norms. Default: 1e-5.
        batch_first: if True, inputs and outputs are ``(N, L, E)``, else ``(L, N, E)``.
        norm_first: if True, normalize before each block (pre-norm). Default: False.
        bias: if False, the linear layers and layer norms learn no bias. Default: True.
        device: where the parameters are created.
        dtype: the dtype they are created with.

    Shapes: ``src`` is ``(L, N, E)`` (``(N, L, E)`` with ``batch_first``) or
    unbatched ``(L, E)``; the output has its shape. ``src_mask`` is ``(L, L)`` or
    ``(N * nhead, L, L)``, ``src_key_padding_mask`` is ``(N, L)``: bool masks are
    True where attention is not allowed, float masks are added to the scores.

    Examples:
        >>> import neurarust as nr
        >>> layer = nr.nn.TransformerEncoderLayer(d_model=16, nhead=4, dim_feedforward=32)
        >>> src = nr.randn(10, 2, 16)
        >>> layer(src).shape
        neurarust.Size([10, 2, 16])
    """

    def __init__(
        self,
        d_model: int,
        nhead: int,
        dim_feedforward: int = 2048,
        dropout: float = 0.1,
        activation: Activation = F.relu,
        layer_norm_eps: float = 1e-5,
        batch_first: bool = False,
        norm_first: bool = False,
        bias: bool = True,
        device: DeviceLike | None = None,
        dtype: dtypes.dtype | None = None,
    ) -> None:
        super().__init__(
            ("self_attn",),
            d_model,
            nhead,
            dim_feedforward,
            dropout,
            activation,
            layer_norm_eps,
            batch_first,
            norm_first,
            bias,
            device,
            dtype,
        )

    def forward(
        self,
        src: Tensor,
        src_mask: Tensor | None = None,
        src_key_padding_mask: Tensor | None = None,
        is_causal: bool = False,
    ) -> Tensor:
        """Encode ``src``; ``is_causal`` is a hint that ``src_mask`` is the causal mask."""

        def self_attention(x: Tensor) -> Tensor:
            return self._attend(self.self_attn, x, x, src_mask, src_key_padding_mask, is_causal)

        x = self._residual(src, self.norm1, self.dropout1, self_attention)
        return self._residual(x, self.norm2, self.dropout2, self._feed_forward)


class TransformerDecoderLayer(_TransformerLayer):
    """One decoder layer: self-attention, attention to the encoder's output (the
    memory), then a feed-forward block, each a residual sublayer with layer
    normalization (after it, or before it with ``norm_first``).

    Args:
        d_model: the number of features of the input (embedding size).
        nhead: the number of attention heads (must divide ``d_model``).
        dim_feedforward: the hidden size of the feed-forward block. Default: 2048.
        dropout: the dropout probability. Default: 0.1.
        activation: "relu", "gelu" or a callable. Default: ``F.relu``.
        layer_norm_eps: the ``eps`` of the layer norms. Default: 1e-5.
        batch_first: if True, inputs and outputs are ``(N, L, E)``, else ``(L, N, E)``.
        norm_first: if True, normalize before each block (pre-norm). Default: False.
        bias: if False, the linear layers and layer norms learn no bias. Default: True.
        device: where the parameters are created.
        dtype: the dtype they are created with.

    Shapes: ``tgt`` is ``(T, N, E)`` and ``memory`` ``(S, N, E)`` (batch first with
    ``batch_first``; unbatched ``(T, E)``, ``(S, E)``); the output has ``tgt``'s
    shape. ``tgt_mask`` is ``(T, T)``, ``memory_mask`` ``(T, S)`` (or with a leading
    ``N * nhead``), ``tgt_key_padding_mask`` ``(N, T)``, ``memory_key_padding_mask``
    ``(N, S)``.

    Examples:
        >>> import neurarust as nr
        >>> layer = nr.nn.TransformerDecoderLayer(d_model=16, nhead=4, dim_feedforward=32)
        >>> memory, tgt = nr.randn(10, 2, 16), nr.randn(7, 2, 16)
        >>> layer(tgt, memory).shape
        neurarust.Size([7, 2, 16])
    """

    def __init__(
        self,
        d_model: int,
        nhead: int,
        dim_feedforward: int = 2048,
        dropout: float = 0.1,
        activation: Activation = F.relu,
        layer_norm_eps: float = 1e-5,
        batch_first: bool = False,
        norm_first: bool = False,
        bias: bool = True,
        device: DeviceLike | None = None,
        dtype: dtypes.dtype | None = None,
    ) -> None:
        super().__init__(
            ("self_attn", "multihead_attn"),
            d_model,
            nhead,
            dim_feedforward,
            dropout,
            activation,
            layer_norm_eps,
            batch_first,
            norm_first,
            bias,
            device,
            dtype,
        )

    def forward(
        self,
        tgt: Tensor,
        memory: Tensor,
        tgt_mask: Tensor | None = None,
        memory_mask: Tensor | None = None,
        tgt_key_padding_mask: Tensor | None = None,
        memory_key_padding_mask: Tensor | None = None,
        tgt_is_causal: bool = False,
        memory_is_causal: bool = False,
    ) -> Tensor:
        """Decode ``tgt`` given ``memory``; the ``*_is_causal`` flags are hints that the
        matching mask is the causal mask."""

        def self_attention(x: Tensor) -> Tensor:
            return self._attend(self.self_attn, x, x, tgt_mask, tgt_key_padding_mask, tgt_is_causal)

        def cross_attention(x: Tensor) -> Tensor:
            return self._attend(
                self.multihead_attn,
                x,
                memory,
                memory_mask,
                memory_key_padding_mask,
                memory_is_causal,
            )

        x = self._residual(tgt, self.norm1, self.dropout1, self_attention)
        x = self._residual(x, self.norm2, self.dropout2, cross_attention)
        return self._residual(x, self.norm3, self.dropout3, self._feed_forward)


class TransformerEncoder(Module):
    """A stack of ``num_layers`` encoder layers, each a deep copy of ``encoder_layer``
    (so they share no parameters), optionally followed by ``norm``.

    Args:
        encoder_layer: the layer to copy (itself not part of the stack).
        num_layers: the number of layers.
        norm: a module applied to the last layer's output (e.g. a ``LayerNorm``,
            needed with pre-norm layers). Default: None.
        enable_nested_tensor: accepted for PyTorch compatibility; neurarust has no
            nested tensors, so it changes nothing. Default: True.
        mask_check: accepted for PyTorch compatibility (it guards PyTorch's nested
            tensor path); changes nothing. Default: True.

    Shapes: as :class:`TransformerEncoderLayer`; ``mask`` is the layers'
    ``src_mask``. ``is_causal=None`` detects whether ``mask`` is the causal mask.

    Examples:
        >>> import neurarust as nr
        >>> layer = nr.nn.TransformerEncoderLayer(16, 4, 32, batch_first=True)
        >>> encoder = nr.nn.TransformerEncoder(layer, num_layers=2, norm=nr.nn.LayerNorm(16))
        >>> mask = nr.nn.Transformer.generate_square_subsequent_mask(5)
        >>> encoder(nr.randn(3, 5, 16), mask=mask).shape
        neurarust.Size([3, 5, 16])
    """

    def __init__(
        self,
        encoder_layer: TransformerEncoderLayer,
        num_layers: int,
        norm: Module | None = None,
        enable_nested_tensor: bool = True,
        mask_check: bool = True,
    ) -> None:
        super().__init__()
        self.layers = _clones(encoder_layer, num_layers)
        self.num_layers = num_layers
        self.norm = norm
        self.enable_nested_tensor = enable_nested_tensor
        self.mask_check = mask_check

    def forward(
        self,
        src: Tensor,
        mask: Tensor | None = None,
        src_key_padding_mask: Tensor | None = None,
        is_causal: bool | None = None,
    ) -> Tensor:
        """Pass ``src`` through every layer (with the same masks), then ``norm``."""
        batch_first = self.layers[0].self_attn.batch_first
        is_causal = _detect_is_causal_mask(mask, is_causal, _seq_len(src, batch_first))
        output = src
        for layer in self.layers:
            output = layer(
                output,
                src_mask=mask,
                src_key_padding_mask=src_key_padding_mask,
                is_causal=is_causal,
            )
        return output if self.norm is None else self.norm(output)


class TransformerDecoder(Module):
    """A stack of ``num_layers`` decoder layers, each a deep copy of ``decoder_layer``,
    optionally followed by ``norm``. Every layer attends to the same ``memory``.

    Args:
        decoder_layer: the layer to copy (itself not part of the stack).
        num_layers: the number of layers.
        norm: a module applied to the last layer's output. Default: None.

    Shapes: as :class:`TransformerDecoderLayer`. ``tgt_is_causal=None`` detects
    whether ``tgt_mask`` is the causal mask.

    Examples:
        >>> import neurarust as nr
        >>> layer = nr.nn.TransformerDecoderLayer(16, 4, 32)
        >>> decoder = nr.nn.TransformerDecoder(layer, num_layers=2)
        >>> decoder(nr.randn(7, 2, 16), nr.randn(10, 2, 16)).shape
        neurarust.Size([7, 2, 16])
    """

    def __init__(
        self,
        decoder_layer: TransformerDecoderLayer,
        num_layers: int,
        norm: Module | None = None,
    ) -> None:
        super().__init__()
        self.layers = _clones(decoder_layer, num_layers)
        self.num_layers = num_layers
        self.norm = norm

    def forward(
        self,
        tgt: Tensor,
        memory: Tensor,
        tgt_mask: Tensor | None = None,
        memory_mask: Tensor | None = None,
        tgt_key_padding_mask: Tensor | None = None,
        memory_key_padding_mask: Tensor | None = None,
        tgt_is_causal: bool | None = None,
        memory_is_causal: bool = False,
    ) -> Tensor:
        """Pass ``tgt`` through every layer (each attending to ``memory``), then ``norm``."""
        batch_first = self.layers[0].self_attn.batch_first
        tgt_is_causal = _detect_is_causal_mask(tgt_mask, tgt_is_causal, _seq_len(tgt, batch_first))
        output = tgt
        for layer in self.layers:
            output = layer(
                output,
                memory,
                tgt_mask=tgt_mask,
                memory_mask=memory_mask,
                tgt_key_padding_mask=tgt_key_padding_mask,
                memory_key_padding_mask=memory_key_padding_mask,
                tgt_is_causal=tgt_is_causal,
                memory_is_causal=memory_is_causal,
            )
        return output if self.norm is None else self.norm(output)


class Transformer(Module):
    """The encoder-decoder Transformer of "Attention Is All You Need": an encoder
    stack over ``src`` whose output (the memory) a decoder stack attends to while
    transforming ``tgt``. Both stacks end with a ``LayerNorm``. Every weight matrix
    is initialized with ``xavier_uniform_``, as PyTorch does.

    Args:
        d_model: the number of features of ``src`` and ``tgt``. Default: 512.
        nhead: the number of attention heads. Default: 8.
        num_encoder_layers: encoder layers. Default: 6.
        num_decoder_layers: decoder layers. Default: 6.
        dim_feedforward: the hidden size of the feed-forward blocks. Default: 2048.
        dropout: the dropout probability. Default: 0.1.
        activation: "relu", "gelu" or a callable. Default: ``F.relu``.
        custom_encoder: a module used instead of the encoder stack. Default: None.
        custom_decoder: a module used instead of the decoder stack. Default: None.
        layer_norm_eps: the ``eps`` of the layer norms. Default: 1e-5.
        batch_first: if True, inputs and outputs are ``(N, L, E)``, else ``(L, N, E)``.
        norm_first: if True, the layers normalize before each block. Default: False.
        bias: if False, linear layers and layer norms learn no bias. Default: True.
        device: where the parameters are created.
        dtype: the dtype they are created with.

    Shapes: ``src`` ``(S, N, E)``, ``tgt`` ``(T, N, E)`` (batch first with
    ``batch_first``; unbatched ``(S, E)``, ``(T, E)``); the output is ``(T, N, E)``.
    ``src_mask`` ``(S, S)``, ``tgt_mask`` ``(T, T)``, ``memory_mask`` ``(T, S)``,
    ``src_key_padding_mask`` ``(N, S)``, ``tgt_key_padding_mask`` ``(N, T)``,
    ``memory_key_padding_mask`` ``(N, S)``.

    Examples:
        >>> import neurarust as nr
        >>> model = nr.nn.Transformer(d_model=16, nhead=4, num_encoder_layers=2,
        ...                           num_decoder_layers=2, dim_feedforward=32)
        >>> src, tgt = nr.randn(10, 3, 16), nr.randn(7, 3, 16)
        >>> tgt_mask = nr.nn.Transformer.generate_square_subsequent_mask(7)
        >>> model(src, tgt, tgt_mask=tgt_mask).shape
        neurarust.Size([7, 3, 16])
    """

    def __init__(
        self,
        d_model: int = 512,
        nhead: int = 8,
        num_encoder_layers: int = 6,
        num_decoder_layers: int = 6,
        dim_feedforward: int = 2048,
        dropout: float = 0.1,
        activation: Activation = F.relu,
        custom_encoder: Module | None = None,
        custom_decoder: Module | None = None,
        layer_norm_eps: float = 1e-5,
        batch_first: bool = False,
        norm_first: bool = False,
        bias: bool = True,
        device: DeviceLike | None = None,
        dtype: dtypes.dtype | None = None,
    ) -> None:
        super().__init__()
        factory: dict[str, Any] = {"device": device, "dtype": dtype}
        layer_args = (
            d_model,
            nhead,
            dim_feedforward,
            dropout,
            activation,
            layer_norm_eps,
            batch_first,
            norm_first,
            bias,
        )

        def final_norm() -> LayerNorm:
            return LayerNorm(d_model, eps=layer_norm_eps, bias=bias, **factory)

        if custom_encoder is not None:
            self.encoder = custom_encoder
        else:
            encoder_layer = TransformerEncoderLayer(*layer_args, **factory)
            self.encoder = TransformerEncoder(encoder_layer, num_encoder_layers, final_norm())
        if custom_decoder is not None:
            self.decoder = custom_decoder
        else:
            decoder_layer = TransformerDecoderLayer(*layer_args, **factory)
            self.decoder = TransformerDecoder(decoder_layer, num_decoder_layers, final_norm())
        self._reset_parameters()
        self.d_model = d_model
        self.nhead = nhead
        self.batch_first = batch_first

    def forward(
        self,
        src: Tensor,
        tgt: Tensor,
        src_mask: Tensor | None = None,
        tgt_mask: Tensor | None = None,
        memory_mask: Tensor | None = None,
        src_key_padding_mask: Tensor | None = None,
        tgt_key_padding_mask: Tensor | None = None,
        memory_key_padding_mask: Tensor | None = None,
        src_is_causal: bool | None = None,
        tgt_is_causal: bool | None = None,
        memory_is_causal: bool = False,
    ) -> Tensor:
        """Encode ``src`` into the memory, then decode ``tgt`` attending to it."""
        self._check_inputs(src, tgt)
        memory = self.encoder(
            src, mask=src_mask, src_key_padding_mask=src_key_padding_mask, is_causal=src_is_causal
        )
        return self.decoder(
            tgt,
            memory,
            tgt_mask=tgt_mask,
            memory_mask=memory_mask,
            tgt_key_padding_mask=tgt_key_padding_mask,
            memory_key_padding_mask=memory_key_padding_mask,
            tgt_is_causal=tgt_is_causal,
            memory_is_causal=memory_is_causal,
        )

    def _check_inputs(self, src: Tensor, tgt: Tensor) -> None:
        shapes = f"(src shape {tuple(src.shape)}, tgt shape {tuple(tgt.shape)})"
        batch_dim = 0 if self.batch_first else 1
        if src.dim() == 3 and src.size(batch_dim) != tgt.size(batch_dim):
            raise RuntimeError(
                f"Transformer: the batch number of src and tgt must be equal {shapes}"
            )
        if src.size(-1) != self.d_model or tgt.size(-1) != self.d_model:
            raise RuntimeError(
                "Transformer: the feature number of src and tgt must be equal to d_model "
                f"({self.d_model}) {shapes}"
            )

    @staticmethod
    def generate_square_subsequent_mask(
        sz: int, device: DeviceLike | None = None, dtype: dtypes.dtype | None = None
    ) -> Tensor:
        """The causal mask for a sequence of ``sz``: ``-inf`` above the diagonal (position
        ``i`` may not attend to ``j > i``), 0 elsewhere.

        Shapes: ``(sz, sz)``, of ``dtype`` (default: the default float dtype).

        Examples:
            >>> import neurarust as nr
            >>> nr.nn.Transformer.generate_square_subsequent_mask(3)
            tensor([[0., -inf, -inf],
                    [0., 0., -inf],
                    [0., 0., 0.]])
        """
        return triu(full((sz, sz), float("-inf"), dtype=dtype, device=device), diagonal=1)

    def _reset_parameters(self) -> None:
        """Draw every parameter with more than one dimension with ``xavier_uniform_``."""
        for p in self.parameters():
            if p.dim() > 1:
                init.xavier_uniform_(p)
