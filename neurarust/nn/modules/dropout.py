"""Dropout layers: Dropout, Dropout1d/2d/3d, AlphaDropout, FeatureAlphaDropout.

Each applies its function of :mod:`neurarust.nn.functional` while the module is
training, and is the identity in evaluation mode (``module.eval()``).
"""

from __future__ import annotations

from ...ops import dropout as ops
from ...tensor import Tensor
from .module import Module

__all__ = [
    "Dropout",
    "Dropout1d",
    "Dropout2d",
    "Dropout3d",
    "AlphaDropout",
    "FeatureAlphaDropout",
]


class _DropoutNd(Module):
    """What every dropout layer shares: ``p``, ``inplace``, their check and repr."""

    def __init__(self, p: float = 0.5, inplace: bool = False) -> None:
        super().__init__()
        if not 0 <= p <= 1:
            raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
        self.p = p
        self.inplace = inplace

    def extra_repr(self) -> str:
        return f"p={self.p}, inplace={self.inplace}"


class Dropout(_DropoutNd):
    """While training, zeroes each element with probability ``p`` and scales the others
    by ``1 / (1 - p)``; the identity in evaluation mode. See
    :func:`neurarust.nn.functional.dropout`.

    Shapes: any; the output has the input's shape.

    Examples:
        >>> import neurarust as nr
        >>> m = nr.nn.Dropout(p=0.2)
        >>> m
        Dropout(p=0.2, inplace=False)
        >>> m.eval()(nr.ones(3))
        tensor([1., 1., 1.])
    """

    def forward(self, input: Tensor) -> Tensor:
        return ops.dropout(input, self.p, self.training, self.inplace)


class Dropout1d(_DropoutNd):
    """While training, zeroes whole channels with probability ``p``. See
    :func:`neurarust.nn.functional.dropout1d`.

    Shapes: ``(N, C, L)`` or ``(C, L)``; the output has the input's shape.

    Examples:
        >>> import neurarust as nr
        >>> nr.nn.Dropout1d(0.3)(nr.ones(2, 4, 5)).shape
        neurarust.Size([2, 4, 5])
    """

    def forward(self, input: Tensor) -> Tensor:
        return ops.dropout1d(input, self.p, self.training, self.inplace)


class Dropout2d(_DropoutNd):
    """While training, zeroes whole channels with probability ``p``. See
    :func:`neurarust.nn.functional.dropout2d`.

    Shapes: ``(N, C, H, W)`` (a 3-D input is read as ``(N, C, L)``, with a warning).

    Examples:
        >>> import neurarust as nr
        >>> nr.nn.Dropout2d(0.3)(nr.ones(2, 4, 3, 3)).shape
        neurarust.Size([2, 4, 3, 3])
    """

    def forward(self, input: Tensor) -> Tensor:
        return ops.dropout2d(input, self.p, self.training, self.inplace)


class Dropout3d(_DropoutNd):
    """While training, zeroes whole channels with probability ``p``. See
    :func:`neurarust.nn.functional.dropout3d`.

    Shapes: ``(N, C, D, H, W)`` or ``(C, D, H, W)``.

    Examples:
        >>> import neurarust as nr
        >>> nr.nn.Dropout3d()(nr.ones(1, 4, 2, 2, 2)).shape
        neurarust.Size([1, 4, 2, 2, 2])
    """

    def forward(self, input: Tensor) -> Tensor:
        return ops.dropout3d(input, self.p, self.training, self.inplace)


class AlphaDropout(_DropoutNd):
    """Dropout for SELU networks, keeping a standardized input's mean and variance
    while training. See :func:`neurarust.nn.functional.alpha_dropout`.

    Shapes: any; the output has the input's shape.

    Examples:
        >>> import neurarust as nr
        >>> nr.nn.AlphaDropout(0.2)
        AlphaDropout(p=0.2, inplace=False)
    """

    def forward(self, input: Tensor) -> Tensor:
        return ops.alpha_dropout(input, self.p, self.training, self.inplace)


class FeatureAlphaDropout(_DropoutNd):
    """Alpha dropout of whole channels while training. See
    :func:`neurarust.nn.functional.feature_alpha_dropout`.

    Shapes: ``(N, C, *)``; the output has the input's shape.

    Examples:
        >>> import neurarust as nr
        >>> nr.nn.FeatureAlphaDropout(0.2)(nr.ones(2, 3, 4)).shape
        neurarust.Size([2, 3, 4])
    """

    def forward(self, input: Tensor) -> Tensor:
        return ops.feature_alpha_dropout(input, self.p, self.training, self.inplace)
