"""Argument handling shared by the convolution, pooling and padding ops.

Spatial ops take ``kernel_size``, ``stride``, ``padding`` and ``dilation`` as an
int or a tuple with one entry per spatial dim; :func:`spatial_tuple` expands
and checks them. The backend kernels see every input as 3-D spatial
``(N, C, D, H, W)``: :func:`lift` and :func:`as_5d` add the size-1 dims of
1-D and 2-D ops.
"""

from __future__ import annotations

import operator
from typing import Any

from ..tensor import Tensor

Triple = tuple[int, int, int]


def spatial_tuple(op: str, name: str, value: Any, dims: int, minimum: int = 1) -> tuple[int, ...]:
    """``value`` (an int or a sequence of ``dims`` ints) as a tuple of ``dims`` ints.

    Raises TypeError for a non-integer and ValueError for a wrong length or a
    value below ``minimum``, naming ``op`` and the argument.

    Example: ``spatial_tuple("conv2d", "stride", 2, 2) == (2, 2)``.
    """
    items = list(value) if isinstance(value, (tuple, list)) else [value] * dims
    try:
        result = tuple(operator.index(v) for v in items)
    except TypeError:
        raise TypeError(
            f"{op}: {name} must be an int or a tuple of {dims} ints, but got {value!r}"
        ) from None
    if len(result) != dims:
        raise ValueError(
            f"{op}: {name} must be an int or a tuple of {dims} ints, but got {value!r} "
            f"({len(result)} values)"
        )
    if any(v < minimum for v in result):
        raise ValueError(f"{op}: {name} must be at least {minimum}, but got {value!r}")
    return result


def functional_tuple(
    op: str, name: str, value: Any, dims: int, minimum: int = 1
) -> tuple[int, ...]:
    """:func:`spatial_tuple` with the rules of PyTorch's functional conv and pooling ops:
    a 1-element sequence counts as an int, and a bad length or value is a RuntimeError."""
    if isinstance(value, (tuple, list)) and len(value) == 1:
        value = value[0]
    try:
        return spatial_tuple(op, name, value, dims, minimum)
    except ValueError as error:
        raise RuntimeError(str(error)) from None


def lift(values: tuple[int, ...], fill: int) -> Triple:
    """``values`` for 1 to 3 spatial dims as a triple, padded in front with ``fill``.

    Example: ``lift((3, 3), 1) == (1, 3, 3)``.
    """
    return (fill,) * (3 - len(values)) + tuple(values)  # type: ignore[return-value]


def as_5d(data: Any, dims: int) -> Any:
    """A raw ``(N, C, *spatial)`` array with ``dims`` spatial dims viewed as ``(N, C, D, H, W)``."""
    n, c = data.shape[:2]
    return data.reshape((n, c) + lift(data.shape[2:], 1))


def output_size(
    op: str,
    size: tuple[int, ...],
    kernel_size: tuple[int, ...],
    stride: tuple[int, ...],
    padding: tuple[int, ...],
    dilation: tuple[int, ...],
    ceil_mode: bool = False,
    padding_after: tuple[int, ...] | None = None,
) -> tuple[int, ...]:
    """Number of window positions along each spatial dim, as PyTorch counts them.

    ``padding`` is added before each dim and ``padding_after`` (default: the
    same) after it. With ``ceil_mode`` a last partial window counts, unless it
    would start in the padding after the input (PyTorch's pooling rule).
    RuntimeError naming ``op`` when the (padded) input is smaller than the
    (dilated) kernel.
    """
    after = padding if padding_after is None else padding_after
    sizes = []
    for n, k, s, lo, hi, d in zip(size, kernel_size, stride, padding, after, dilation):
        span = n + lo + hi - d * (k - 1) - 1
        count = (span + (s - 1 if ceil_mode else 0)) // s + 1  # floor division, as PyTorch
        if ceil_mode and count > 0 and (count - 1) * s >= n + lo:
            count -= 1
        sizes.append(count)
    if any(count <= 0 for count in sizes):
        raise RuntimeError(
            f"{op}: input of spatial size {tuple(size)} with padding {tuple(padding)} is "
            f"too small for kernel size {tuple(kernel_size)} with dilation {tuple(dilation)}: "
            f"the output size would be {tuple(sizes)}"
        )
    return tuple(sizes)


def with_batch(op: str, input: Tensor, dims: int) -> tuple[Tensor, bool]:
    """``input`` with a batch dim, and whether one was added.

    Spatial ops take ``(N, C, *spatial)`` or unbatched ``(C, *spatial)`` input
    with ``dims`` spatial dims; anything else is a RuntimeError naming ``op``.
    """
    if input.ndim == dims + 2:
        return input, False
    if input.ndim == dims + 1:
        return input.unsqueeze(0), True
    raise RuntimeError(
        f"{op}: expected a {dims + 1}-D (unbatched) or {dims + 2}-D (batched) input, but got "
        f"a {input.ndim}-D input of shape {tuple(input.shape)}"
    )
