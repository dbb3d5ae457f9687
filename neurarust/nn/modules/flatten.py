"""Reshaping layers: Flatten, Unflatten (as ``torch.nn``) and View (a neurarust extra)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ...tensor import Tensor
from .module import Module

__all__ = ["Flatten", "Unflatten", "View"]


class Flatten(Module):
    """Flattens the dims ``start_dim`` to ``end_dim`` into one (``input.flatten(...)``).

    The default keeps the batch dim: ``(N, C, H, W)`` -> ``(N, C * H * W)``.

    Shapes: ``(*, S_start, ..., S_end, *)`` -> ``(*, S_start * ... * S_end, *)``.

    Examples:
        >>> import neurarust as nr
        >>> nr.nn.Flatten()(nr.ones(32, 1, 5, 5)).shape
        neurarust.Size([32, 25])
    """

    def __init__(self, start_dim: int = 1, end_dim: int = -1) -> None:
        super().__init__()
        self.start_dim = start_dim
        self.end_dim = end_dim

    def forward(self, input: Tensor) -> Tensor:
        return input.flatten(self.start_dim, self.end_dim)

    def extra_repr(self) -> str:
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"


def _int_tuple(owner: str, name: str, value: Any) -> None:
    """TypeError unless ``value`` is a tuple or list of ints (PyTorch's wording)."""
    if not isinstance(value, (tuple, list)):
        raise TypeError(
            f"{owner}: {name} must be a tuple of ints, but found type {type(value).__name__}"
        )
    for position, item in enumerate(value):
        if not isinstance(item, int) or isinstance(item, bool):
            raise TypeError(
                f"{owner}: {name} must be tuple of ints, but found element of type "
                f"{type(item).__name__} at pos {position}"
            )


class Unflatten(Module):
    """Splits dim ``dim`` into ``unflattened_size`` (``input.unflatten(...)``);
    the inverse of :class:`Flatten`. One size may be -1 (inferred).

    Shapes: ``(*, S_dim, *)`` -> ``(*, U_1, ..., U_n, *)`` with ``prod(U) == S_dim``.

    Examples:
        >>> import neurarust as nr
        >>> nr.nn.Unflatten(1, (2, 5, 5))(nr.ones(2, 50)).shape
        neurarust.Size([2, 2, 5, 5])
    """

    def __init__(self, dim: int, unflattened_size: Sequence[int]) -> None:
        super().__init__()
        if not isinstance(dim, int):
            raise TypeError(
                f"Unflatten: dim must be an int (named dims are not supported), got "
                f"{type(dim).__name__}"
            )
        _int_tuple("Unflatten", "unflattened_size", unflattened_size)
        self.dim = dim
        self.unflattened_size = unflattened_size

    def forward(self, input: Tensor) -> Tensor:
        return input.unflatten(self.dim, self.unflattened_size)

    def extra_repr(self) -> str:
        return f"dim={self.dim}, unflattened_size={self.unflattened_size}"


class View(Module):
    """Reshapes each input to ``shape`` (``input.reshape(shape)``); one size may be -1.

    Not in PyTorch: a neurarust extra, handy in :class:`Sequential` where a
    reshape is needed between layers. The shape covers every dim, the batch dim
    included, so ``View(-1, 16)`` turns ``(N, 4, 4)`` into ``(N, 16)``.

    Args:
        *shape: the target shape, as ints (``View(-1, 16)``) or one sequence
            (``View((-1, 16))``).

    Examples:
        >>> import neurarust as nr
        >>> view = nr.nn.View(-1, 16)
        >>> view
        View(shape=(-1, 16))
        >>> view(nr.ones(8, 4, 4)).shape
        neurarust.Size([8, 16])
    """

    def __init__(self, *shape: Any) -> None:
        super().__init__()
        if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
            shape = tuple(shape[0])
        _int_tuple("View", "shape", shape)
        if shape.count(-1) > 1:
            raise ValueError(f"View: only one dimension can be -1, got shape {shape}")
        self.shape = shape

    def forward(self, input: Tensor) -> Tensor:
        return input.reshape(self.shape)

    def extra_repr(self) -> str:
        return f"shape={self.shape}"
