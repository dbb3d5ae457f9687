"""Dropout: randomly zeroing elements, or whole channels, of a tensor while training.

Every variant computes ``input * multiplier + shift`` where ``multiplier``
holds the random keep-mask already scaled (``mask / (1 - p)`` for dropout) and
``shift`` is used by alpha dropout only. One Function, :class:`Dropout`,
serves them all: it keeps the multiplier as a raw array, and its backward
multiplies the incoming gradient by it (a differentiable ``mul``, so double
backward works).

Masks are drawn from the default generator of the input's device
(``neurarust.manual_seed`` makes runs reproducible); the streams differ from
PyTorch's. As in PyTorch, an input that is not transformed (``training=False``,
``p=0`` or no elements) is returned as it is, and ``p=1`` gives zeros.

Channel ("feature") dropout draws one mask value per ``(sample, channel)`` pair:
a mask of shape ``(N, C, 1, ..., 1)`` broadcast over the remaining dimensions.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from typing import Any

from ..autograd.function import Function
from ..tensor import Tensor
from ._util import require_tensor
from .creation import empty
from .sampling import bernoulli

__all__ = [
    "dropout",
    "dropout1d",
    "dropout2d",
    "dropout3d",
    "alpha_dropout",
    "feature_alpha_dropout",
]

# SELU's ``scale * alpha``: alpha dropout sets a dropped element to minus this value
# (SELU's negative saturation) before the affine correction that keeps mean and variance.
_SELU_SATURATION = 1.7580993408473766

Draw = Callable[[], tuple[Any, Any]]


class Dropout(Function):
    """``input * multiplier + shift`` with constant arrays drawn by ``draw()``.

    The draw runs inside forward, so an in-place call refused by
    ``Tensor._inplace`` (a leaf that requires grad) leaves the random stream as
    it was. ``shift`` is None except for alpha dropout.
    """

    @staticmethod
    def forward(ctx: Any, input: Tensor, draw: Draw) -> Any:
        multiplier, shift = draw()
        ctx.multiplier = multiplier
        out = input._data * multiplier
        return out if shift is None else out + shift

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple[Any, ...]:
        return grad * Tensor._make(ctx.multiplier, grad.device), None


def _named_op(name: str) -> Callable[[Tensor, Draw], Tensor]:
    """The out-of-place op run by ``Tensor._inplace`` for ``inplace=True``, named after
    PyTorch's kernel (``_inplace`` names its errors after the function)."""

    def op(input: Tensor, draw: Draw) -> Tensor:
        return Dropout.apply(input, draw)

    op.__name__ = op.__qualname__ = name
    return op


_OPS = {
    name: _named_op(name)
    for name in ("dropout", "feature_dropout", "alpha_dropout", "feature_alpha_dropout")
}


# -- the shared recipe ------------------------------------------------------------------


def _check_args(op: str, input: Tensor, p: float) -> None:
    """TypeError unless ``input`` is a Tensor; PyTorch's ValueError unless 0 <= p <= 1."""
    require_tensor(op, "input", input)
    if not 0 <= p <= 1:  # nan included
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")


def _mask_shape(kernel: str, shape: tuple[int, ...], channel_dim: int | None) -> tuple[int, ...]:
    """One mask value per element, or per ``(sample, channel)`` when ``channel_dim`` is
    given (0 for unbatched inputs, 1 for batched ones)."""
    if channel_dim is None:
        return shape
    if len(shape) < channel_dim + 1:
        raise RuntimeError(f"{kernel}: Feature dropout requires at least 2 dimensions in the input")
    lead = channel_dim + 1
    return shape[:lead] + (1,) * (len(shape) - lead)


def _draw(input: Tensor, p: float, mask_shape: tuple[int, ...], alpha: bool) -> Draw:
    """The draw of ``(multiplier, shift)`` for a dropout of ``input``, as arrays."""

    def draw() -> tuple[Any, Any]:
        like = empty(mask_shape, dtype=input.dtype, device=input.device)
        keep = bernoulli(like, 1 - p)._data  # 1 keeps an element, 0 drops it
        if not alpha:
            return keep / (1 - p), None
        # Dropped elements become -saturation, then all get ``a * x + b`` chosen so
        # that a zero-mean unit-variance input keeps its mean and variance.
        a = 1 / math.sqrt((_SELU_SATURATION**2 * p + 1) * (1 - p))
        shift = (keep - 1) * (_SELU_SATURATION * a) + _SELU_SATURATION * a * p
        return keep * a, shift

    return draw


def _draw_zeros(input: Tensor) -> Draw:
    """The draw for ``p=1``: a zero multiplier in ``input``'s dtype (any dtype, as PyTorch
    multiplies by a zero scalar without checking the shape)."""
    return lambda: (input.backend.xp.zeros((), dtype=input._data.dtype), None)


def _dropout(
    kernel: str,
    input: Tensor,
    p: float,
    training: bool,
    inplace: bool,
    channel_dim: int | None = None,
    alpha: bool = False,
) -> Tensor:
    """Dropout of ``input`` by PyTorch's rules; ``kernel`` names it in errors."""
    if p == 0 or not training or input.numel() == 0:
        return input
    if p == 1:
        draw = _draw_zeros(input)
    else:
        if not input.dtype.is_floating_point:
            raise RuntimeError(
                f"{kernel}: result type Float can't be cast to the desired output type "
                f"{input.dtype.name} (dropout needs a floating point input)"
            )
        draw = _draw(input, p, _mask_shape(kernel, input._data.shape, channel_dim), alpha)
    if inplace:
        return input._inplace(_OPS[kernel], draw)
    return Dropout.apply(input, draw)


# -- the public ops ---------------------------------------------------------------------


def dropout(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Zero each element of ``input`` with probability ``p`` and scale the others by
    ``1 / (1 - p)``, so the expected value is unchanged.

    Shapes: any; the output has ``input``'s shape and dtype. When ``training`` is
    False (or ``p`` is 0) ``input`` itself is returned. ``inplace=True`` writes
    the result into ``input``. The gradient is the incoming gradient times the
    same scaled mask.

    Examples:
        >>> import neurarust as nr
        >>> _ = nr.manual_seed(0)
        >>> y = nr.nn.functional.dropout(nr.ones(1000), p=0.2)
        >>> sorted(set(y.tolist()))
        [0.0, 1.25]
        >>> nr.nn.functional.dropout(nr.ones(3), training=False)
        tensor([1., 1., 1.])
    """
    _check_args("dropout", input, p)
    return _dropout("dropout", input, p, training, inplace)


def dropout1d(
    input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False
) -> Tensor:
    """Zero whole channels of a 1-D signal with probability ``p`` (scaling the rest by
    ``1 / (1 - p)``).

    Shapes: ``(N, C, L)`` or unbatched ``(C, L)``; each ``input[n, c, :]`` is kept
    or zeroed as a whole.

    Examples:
        >>> import neurarust as nr
        >>> _ = nr.manual_seed(0)
        >>> y = nr.nn.functional.dropout1d(nr.ones(2, 8, 5), p=0.5)
        >>> bool(((y == 0).all(-1) | (y == 2).all(-1)).all())
        True
    """
    _check_args("dropout1d", input, p)
    if input.ndim not in (2, 3):
        raise RuntimeError(
            f"dropout1d: Expected 2D or 3D input, but received a {input.ndim}D input. "
            "Note that dropout1d exists to provide channel-wise dropout on inputs with 1 "
            "spatial dimension, a channel dimension, and an optional batch dimension "
            "(i.e. 2D or 3D inputs)."
        )
    channel_dim = 1 if input.ndim == 3 else 0
    return _dropout("feature_dropout", input, p, training, inplace, channel_dim)


def _warn_unusual_ndim(op: str, ndim: int, expected: tuple[int, int], spatial: int) -> None:
    """PyTorch's deprecation warning for channel dropout on an input of another rank."""
    if ndim not in expected:
        warnings.warn(
            f"{op}: Received a {ndim}-D input to {op}, which is deprecated and will result "
            "in an error in a future release. To retain the behavior and silence this "
            f"warning, please use dropout instead. Note that {op} exists to provide "
            f"channel-wise dropout on inputs with {spatial} spatial dimensions, a channel "
            f"dimension, and an optional batch dimension (i.e. {expected[0]}D or "
            f"{expected[1]}D inputs).",
            stacklevel=3,
        )


def dropout2d(
    input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False
) -> Tensor:
    """Zero whole channels of an image with probability ``p`` (scaling the rest by
    ``1 / (1 - p)``).

    Shapes: ``(N, C, H, W)``; each ``input[n, c]`` is kept or zeroed as a whole.
    As in PyTorch, a 3-D input is read as ``(N, C, L)`` (with a warning: use
    :func:`dropout1d`), and other ranks warn that they are deprecated.

    Examples:
        >>> import neurarust as nr
        >>> _ = nr.manual_seed(0)
        >>> y = nr.nn.functional.dropout2d(nr.ones(2, 8, 3, 3), p=0.5)
        >>> bool(((y == 0).all((2, 3)) | (y == 2).all((2, 3))).all())
        True
    """
    _check_args("dropout2d", input, p)
    _warn_unusual_ndim("dropout2d", input.ndim, (3, 4), 2)
    if input.ndim == 3:
        warnings.warn(
            "dropout2d: Received a 3D input to dropout2d and assuming that channel-wise "
            "1D dropout behavior is desired - input is interpreted as shape (N, C, L), where C "
            "is the channel dim. This behavior will change in a future release to interpret the "
            "input as one without a batch dimension, i.e. shape (C, H, W). To maintain the 1D "
            "channel-wise dropout behavior, please switch to using dropout1d instead.",
            stacklevel=2,
        )
    return _dropout("feature_dropout", input, p, training, inplace, channel_dim=1)


def dropout3d(
    input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False
) -> Tensor:
    """Zero whole channels of a volume with probability ``p`` (scaling the rest by
    ``1 / (1 - p)``).

    Shapes: ``(N, C, D, H, W)`` or unbatched ``(C, D, H, W)``; each channel is
    kept or zeroed as a whole. Other ranks warn that they are deprecated and
    are read as unbatched, as in PyTorch.

    Examples:
        >>> import neurarust as nr
        >>> y = nr.nn.functional.dropout3d(nr.ones(1, 4, 2, 2, 2), p=0.5, training=False)
        >>> y.shape
        neurarust.Size([1, 4, 2, 2, 2])
    """
    _check_args("dropout3d", input, p)
    _warn_unusual_ndim("dropout3d", input.ndim, (4, 5), 3)
    channel_dim = 1 if input.ndim == 5 else 0
    return _dropout("feature_dropout", input, p, training, inplace, channel_dim)


def alpha_dropout(
    input: Tensor, p: float = 0.5, training: bool = False, inplace: bool = False
) -> Tensor:
    """Dropout for SELU networks: keeps the mean and variance of a standardized input.

    Dropped elements are set to SELU's negative saturation value, then every
    element is transformed by the same ``a * x + b`` that restores zero mean and
    unit variance. Note the default ``training=False``, as in PyTorch.

    Shapes: any; the output has ``input``'s shape and dtype.

    Examples:
        >>> import neurarust as nr
        >>> _ = nr.manual_seed(0)
        >>> y = nr.nn.functional.alpha_dropout(nr.randn(100000), 0.3, training=True)
        >>> round(y.mean().item(), 1), round(y.std().item(), 1)
        (0.0, 1.0)
    """
    _check_args("alpha_dropout", input, p)
    return _dropout("alpha_dropout", input, p, training, inplace, alpha=True)


def feature_alpha_dropout(
    input: Tensor, p: float = 0.5, training: bool = False, inplace: bool = False
) -> Tensor:
    """:func:`alpha_dropout` of whole channels: one mask value per ``(N, C)`` pair.

    Shapes: ``(N, C, *)`` with at least two dimensions. Note the default
    ``training=False``, as in PyTorch.

    Examples:
        >>> import neurarust as nr
        >>> nr.nn.functional.feature_alpha_dropout(nr.ones(2, 3), training=False)
        tensor([[1., 1., 1.],
                [1., 1., 1.]])
    """
    _check_args("feature_alpha_dropout", input, p)
    return _dropout("feature_alpha_dropout", input, p, training, inplace, 1, alpha=True)
