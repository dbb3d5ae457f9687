"""im2col and col2im on the CPU: the data movement around convolution's GEMM.

Shapes (every op is lifted to 3 spatial dims, see :mod:`neurarust.backend.kernels`):

* ``x``: ``(N, C, D, H, W)``, any strides;
* ``cols``: ``(N, C, kD, kH, kW, oD, oH, oW)``, C-contiguous, so that
  ``cols.reshape(N, C * kD * kH * kW, oD * oH * oW)`` is the matrix multiplied by
  the weight.

``padding`` is the number of zeros before each spatial dim; after it, the
output size ``out_size`` decides how far windows reach, and positions past the
end of the input read as zeros (that is how asymmetric 'same' padding works).
Output position ``o`` and kernel offset ``k`` read input position
``o * stride - padding + k * dilation``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

Triple = tuple[int, int, int]


def _window_slices(offsets: Triple, stride: Triple, out_size: Triple) -> tuple[slice, ...]:
    """Slices of the padded input read by kernel offset ``offsets`` at every output position."""
    return tuple(
        slice(start, start + step * (count - 1) + 1, step)
        for start, step, count in zip(offsets, stride, out_size)
    )


def _kernel_offsets(kernel_size: Triple, dilation: Triple) -> list[tuple[Triple, Triple]]:
    """``(kernel index, offset in the padded input)`` for every kernel position."""
    kd, kh, kw = kernel_size
    dd, dh, dw = dilation
    return [
        ((i, j, k), (i * dd, j * dh, k * dw))
        for i in range(kd)
        for j in range(kh)
        for k in range(kw)
    ]


def _padded_size(
    size: Triple,
    kernel_size: Triple,
    stride: Triple,
    padding: Triple,
    dilation: Triple,
    out_size: Triple,
) -> Triple:
    """Extent of the zero-padded input that the windows of ``out_size`` outputs reach."""
    return tuple(  # type: ignore[return-value]
        max(n + p, (o - 1) * s + (k - 1) * d + 1)
        for n, k, s, p, d, o in zip(size, kernel_size, stride, padding, dilation, out_size)
    )


def im2col_by_slices(
    x: Any,
    kernel_size: Triple,
    stride: Triple,
    padding: Triple,
    dilation: Triple,
    out_size: Triple,
    xp: Any = np,
) -> Any:
    """``cols`` from ``x`` by one strided copy per kernel offset (NumPy or CuPy)."""
    n, c = x.shape[:2]
    size = x.shape[2:]
    padded = xp.zeros(
        (n, c) + _padded_size(size, kernel_size, stride, padding, dilation, out_size), x.dtype
    )
    padded[(..., *(slice(p, p + s) for p, s in zip(padding, size)))] = x
    cols = xp.empty((n, c) + kernel_size + out_size, x.dtype)
    for index, offsets in _kernel_offsets(kernel_size, dilation):
        cols[(slice(None), slice(None), *index)] = padded[
            (..., *_window_slices(offsets, stride, out_size))
        ]
    return cols


def col2im_by_slices(
    cols: Any,
    size: Triple,
    kernel_size: Triple,
    stride: Triple,
    padding: Triple,
    dilation: Triple,
    xp: Any = np,
) -> Any:
    """``x`` of spatial ``size`` with every column value added back where im2col read it."""
    n, c = cols.shape[:2]
    out_size = cols.shape[5:]
    padded = xp.zeros(
        (n, c) + _padded_size(size, kernel_size, stride, padding, dilation, out_size), cols.dtype
    )
    for index, offsets in _kernel_offsets(kernel_size, dilation):
        padded[(..., *_window_slices(offsets, stride, out_size))] += cols[
            (slice(None), slice(None), *index)
        ]
    return xp.ascontiguousarray(padded[(..., *(slice(p, p + s) for p, s in zip(padding, size)))])


im2col = im2col_by_slices
col2im = col2im_by_slices

KERNELS = {"im2col": im2col, "col2im": col2im}
