"""Lookup tables: Embedding (as ``torch.nn.Embedding``)."""

from __future__ import annotations

from typing import Any

from ...autograd.grad_mode import no_grad
from ...ops.creation import empty
from ...ops.layers import _padding_index
from ...tensor import Tensor
from .. import functional as F
from .. import init
from ..parameter import Parameter
from .module import Module

__all__ = ["Embedding"]


class Embedding(Module):
    """A table of ``num_embeddings`` vectors of size ``embedding_dim``, looked up by index.

    Args:
        num_embeddings: the number of rows of the table.
        embedding_dim: the size of each vector.
        padding_idx: the row at this index gets no gradient and starts as zeros
            (a "pad" token); negative values count from the end.
        max_norm: if given, each row looked up is first rescaled in place to a
            ``norm_type``-norm of at most ``max_norm``.
        norm_type: the p of the p-norm for ``max_norm``.
        scale_grad_by_freq: divide each row's gradient by how often its index
            occurs in the batch.
        sparse: accepted for compatibility; gradients are dense tensors.
        device: where the table is created.
        dtype: the dtype they are created with.

    Attributes:
        weight: ``(num_embeddings, embedding_dim)``, initialized from N(0, 1) (the
            ``padding_idx`` row zeroed).

    Shapes: indices ``(*)`` (int64 or int32) -> ``(*, embedding_dim)``.

    Examples:
        >>> import neurarust as nr
        >>> table = nr.nn.Embedding(10, 3, padding_idx=0)
        >>> table(nr.tensor([[1, 2, 0], [4, 3, 9]])).shape
        neurarust.Size([2, 3, 3])
    """

    def __init__(
        self,
        num_embeddings: int,
        embedding_dim: int,
        padding_idx: int | None = None,
        max_norm: float | None = None,
        norm_type: float = 2.0,
        scale_grad_by_freq: bool = False,
        sparse: bool = False,
        _weight: Tensor | None = None,
        _freeze: bool = False,
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        super().__init__()
        self.num_embeddings = num_embeddings
        self.embedding_dim = embedding_dim
        self.padding_idx = _padding_index(padding_idx, num_embeddings)
        self.max_norm = max_norm
        self.norm_type = norm_type
        self.scale_grad_by_freq = scale_grad_by_freq
        self.sparse = sparse
        if _weight is None:
            table = empty((num_embeddings, embedding_dim), device=device, dtype=dtype)
            self.weight = Parameter(table, requires_grad=not _freeze)
            self.reset_parameters()
        else:
            if tuple(_weight.shape) != (num_embeddings, embedding_dim):
                raise AssertionError(
                    f"Embedding: shape of weight {tuple(_weight.shape)} does not match "
                    f"(num_embeddings, embedding_dim) = ({num_embeddings}, {embedding_dim})"
                )
            self.weight = Parameter(_weight, requires_grad=not _freeze)

    def reset_parameters(self) -> None:
        """Draw the table again from N(0, 1) and zero the ``padding_idx`` row."""
        init.normal_(self.weight)
        self._fill_padding_idx_with_zero()

    def _fill_padding_idx_with_zero(self) -> None:
        if self.padding_idx is not None:
            with no_grad():
                self.weight[self.padding_idx].fill_(0)

    def forward(self, input: Tensor) -> Tensor:
        return F.embedding(
            input,
            self.weight,
            self.padding_idx,
            self.max_norm,
            self.norm_type,
            self.scale_grad_by_freq,
            self.sparse,
        )

    def extra_repr(self) -> str:
        text = f"{self.num_embeddings}, {self.embedding_dim}"
        if self.padding_idx is not None:
            text += f", padding_idx={self.padding_idx}"
        if self.max_norm is not None:
            text += f", max_norm={self.max_norm}"
        if self.norm_type != 2:
            text += f", norm_type={self.norm_type}"
        if self.scale_grad_by_freq is not False:
            text += f", scale_grad_by_freq={self.scale_grad_by_freq}"
        if self.sparse is not False:
            text += ", sparse=True"
        return text

    @classmethod
    def from_pretrained(
        cls,
        embeddings: Tensor,
        freeze: bool = True,
        padding_idx: int | None = None,
        max_norm: float | None = None,
        norm_type: float = 2.0,
        scale_grad_by_freq: bool = False,
        sparse: bool = False,
    ) -> Embedding:
        """An Embedding whose table is ``embeddings`` (2-D), shared, not copied.

        ``freeze=True`` (the default) makes the table a parameter that does not
        require grad, so training leaves it unchanged. The ``padding_idx`` row is
        kept as given (not zeroed) but gets no gradient.

        Examples:
            >>> import neurarust as nr
            >>> table = nr.nn.Embedding.from_pretrained(nr.tensor([[1.0, 2.0], [3.0, 4.0]]))
            >>> table(nr.tensor([1]))
            tensor([[3., 4.]])
        """
        if embeddings.ndim != 2:
            raise AssertionError(
                "Embedding.from_pretrained: embeddings must be 2-dimensional "
                f"(num_embeddings, embedding_dim), but got shape {tuple(embeddings.shape)}"
            )
        rows, cols = embeddings.shape
        return cls(
            num_embeddings=rows,
            embedding_dim=cols,
            _weight=embeddings,
            _freeze=freeze,
            padding_idx=padding_idx,
            max_norm=max_norm,
            norm_type=norm_type,
            scale_grad_by_freq=scale_grad_by_freq,
            sparse=sparse,
        )
