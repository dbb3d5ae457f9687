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

Two implementations give the same results (bit for bit: col2im adds each
input position's contributions in kernel-offset order in both):

* the NumPy path (``im2col_by_slices``, ``col2im_by_slices``), the readable
  reference, which also serves CuPy for the dtypes its RawKernels skip: one
  strided copy per kernel offset, restricted to the output positions whose
  input lies inside ``x`` (so no padded copy of the input is ever made);
* the Numba path (``im2col_numba``, ``col2im_numba``) for float32 and float64:
  the same restricted windows, as loops compiled on first use. On LeNet and
  CIFAR-sized convolutions its im2col is 1 to 3 times as fast as NumPy's and
  its col2im 3 to 8 times, since it makes one pass over memory where NumPy
  makes one per kernel offset. It runs on one thread: ``parallel=True`` (over
  the (n, c) planes) was slower on the busy 2-core machines it was measured on,
  the copies being memory-bound.

``im2col`` and ``col2im`` (the registered kernels) pick the Numba path unless
Numba is missing or ``NEURARUST_DISABLE_NUMBA`` is set at their first call.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np

from .numba_support import build_on_first_call, numba_enabled

Triple = tuple[int, int, int]

# Dtypes the Numba loops are compiled for; others (float16, integers) take the NumPy path.
_NUMBA_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))


def _windows(
    size: Triple,
    kernel_size: Triple,
    stride: Triple,
    padding: Triple,
    dilation: Triple,
    out_size: Triple,
) -> np.ndarray:
    """Where each kernel offset's window lies inside the input, per spatial dim.

    Returns an int64 array of shape ``(3, max(kernel_size), 3)``: row ``[dim, k]``
    holds ``(first, last, shift)``: the output positions ``first <= o < last`` are
    those whose input position ``o * stride + shift`` (``shift = k * dilation -
    padding``) lies inside ``[0, size)``; the others read padding. ``first ==
    last`` when none does.
    """
    table = np.zeros((3, max(kernel_size), 3), np.int64)
    for dim, (n, k, s, p, d, count) in enumerate(
        zip(size, kernel_size, stride, padding, dilation, out_size)
    ):
        for offset in range(k):
            shift = offset * d - p
            first = min(count, max(0, -(shift // s)))  # -(a // b) is ceil(-a / b)
            last = max(first, min(count, (n - 1 - shift) // s + 1))
            table[dim, offset] = (first, last, shift)
    return table


def _overlap_slices(
    windows: np.ndarray, kernel_size: Triple, stride: Triple
) -> list[tuple[tuple[slice, ...], tuple[slice, ...]]]:
    """``(cols index, x index)`` for each kernel offset that reads input.

    ``cols[cols_index]`` are the offset's columns at the output positions whose
    input lies inside ``x``, and ``x[x_index]`` those inputs, in the same order.
    Offsets whose window lies wholly in the padding are left out.
    """
    result = []
    for index in np.ndindex(*kernel_size):
        rows = [windows[dim, k].tolist() for dim, k in enumerate(index)]
        if any(first == last for first, last, _ in rows):
            continue
        out_slices = tuple(slice(first, last) for first, last, _ in rows)
        in_slices = tuple(
            slice(first * s + shift, (last - 1) * s + shift + 1, s)
            for (first, last, shift), s in zip(rows, stride)
        )
        every = (slice(None), slice(None))  # all of N and C
        result.append((every + index + out_slices, every + in_slices))
    return result


class _Geometry(NamedTuple):
    """What both paths need to know about one convolution's windows (see :func:`_geometry`)."""

    windows: np.ndarray  # (3, max(kernel_size), 3): see _windows
    slices: list[tuple[tuple[slice, ...], tuple[slice, ...]]]  # see _overlap_slices
    reads_padding: bool  # some column entry reads padding: cols must start as zeros


@functools.lru_cache(maxsize=256)
def _geometry(
    size: Triple,
    kernel_size: Triple,
    stride: Triple,
    padding: Triple,
    dilation: Triple,
    out_size: Triple,
) -> _Geometry:
    """The windows of a convolution, computed once per argument combination."""
    windows = _windows(size, kernel_size, stride, padding, dilation, out_size)
    windows.flags.writeable = False  # shared by every call with these arguments
    reads_padding = any(
        windows[dim, k, 0] != 0 or windows[dim, k, 1] != out_size[dim]
        for dim in range(3)
        for k in range(kernel_size[dim])
    )
    return _Geometry(windows, _overlap_slices(windows, kernel_size, stride), reads_padding)


def _new_cols(x: Any, kernel_size: Triple, out_size: Triple, geometry: _Geometry, xp: Any) -> Any:
    """The ``cols`` array for ``x``: zeros where padding is read, else uninitialized."""
    alloc = xp.zeros if geometry.reads_padding else xp.empty
    return alloc(x.shape[:2] + kernel_size + out_size, x.dtype)


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
    geometry = _geometry(x.shape[2:], kernel_size, stride, padding, dilation, out_size)
    cols = _new_cols(x, kernel_size, out_size, geometry, xp)
    for cols_index, x_index in geometry.slices:
        cols[cols_index] = x[x_index]
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
    out_size = cols.shape[5:]
    geometry = _geometry(size, kernel_size, stride, padding, dilation, out_size)
    x = xp.zeros(cols.shape[:2] + size, cols.dtype)
    for cols_index, x_index in geometry.slices:
        target = x[x_index]  # a view: += adds in place
        target += cols[cols_index]
    return x


# The Numba path. These loops are plain Python until Numba compiles them on first
# use. They work on flat C-contiguous arrays, one (n, c) plane at a time, visiting
# the kernel offsets in the same order as the NumPy path. Flat indices are cast to
# unsigned because Numba checks every signed index for Python's negative
# wraparound, which stops LLVM from vectorizing the copies (4x slower).


def _im2col_loops(
    x: Any,
    cols: Any,
    planes: int,
    size: Triple,
    kernel_size: Triple,
    out_size: Triple,
    stride: Triple,
    windows: Any,
) -> None:
    """Fill the flat ``cols`` from the flat ``x``, writing zeros where padding is read.

    Writing the zeros here is cheaper than allocating ``cols`` with them.
    """
    d, h, w = size
    kd, kh, kw = kernel_size
    od, oh, ow = out_size
    sd, sh, sw = stride
    for plane in range(planes):
        block = plane * kd * kh * kw  # the (plane, kernel offset) block of od * oh * ow columns
        for a in range(kd):
            first_d, last_d, shift_d = windows[0, a]
            for b in range(kh):
                first_h, last_h, shift_h = windows[1, b]
                for e in range(kw):
                    first_w, last_w, shift_w = windows[2, e]
                    for p in range(od):
                        for q in range(oh):
                            dst = ((block * od + p) * oh + q) * ow
                            if first_d <= p < last_d and first_h <= q < last_h:
                                z = p * sd + shift_d
                                y = q * sh + shift_h
                                src = ((plane * d + z) * h + y) * w + shift_w
                                for r in range(first_w):
                                    cols[np.uint64(dst + r)] = 0
                                for r in range(first_w, last_w):
                                    cols[np.uint64(dst + r)] = x[np.uint64(src + r * sw)]
                                for r in range(last_w, ow):
                                    cols[np.uint64(dst + r)] = 0
                            else:
                                for r in range(ow):
                                    cols[np.uint64(dst + r)] = 0
                    block += 1


def _col2im_loops(
    cols: Any,
    x: Any,
    planes: int,
    size: Triple,
    kernel_size: Triple,
    out_size: Triple,
    stride: Triple,
    windows: Any,
) -> None:
    """Add each value of the flat ``cols`` to where im2col read it in the flat, zeroed ``x``."""
    d, h, w = size
    kd, kh, kw = kernel_size
    od, oh, ow = out_size
    sd, sh, sw = stride
    for plane in range(planes):
        block = plane * kd * kh * kw
        for a in range(kd):
            first_d, last_d, shift_d = windows[0, a]
            for b in range(kh):
                first_h, last_h, shift_h = windows[1, b]
                for e in range(kw):
                    first_w, last_w, shift_w = windows[2, e]
                    for p in range(first_d, last_d):
                        for q in range(first_h, last_h):
                            src = ((block * od + p) * oh + q) * ow
                            z = p * sd + shift_d
                            y = q * sh + shift_h
                            dst = ((plane * d + z) * h + y) * w + shift_w
                            for r in range(first_w, last_w):
                                x[np.uint64(dst + r * sw)] += cols[np.uint64(src + r)]
                    block += 1


def _jit(loops: Callable[..., None]) -> Callable[..., None]:
    """``loops`` compiled by Numba on its first call (machine code cached on disk)."""

    def build() -> Callable[..., None]:
        import numba

        return numba.njit(cache=True)(loops)

    return build_on_first_call(build)


_im2col_jit = _jit(_im2col_loops)
_col2im_jit = _jit(_col2im_loops)


def im2col_numba(
    x: Any,
    kernel_size: Triple,
    stride: Triple,
    padding: Triple,
    dilation: Triple,
    out_size: Triple,
) -> Any:
    """:func:`im2col_by_slices` by Numba loops (float32 and float64; others go to NumPy)."""
    if x.dtype not in _NUMBA_DTYPES:
        return im2col_by_slices(x, kernel_size, stride, padding, dilation, out_size)
    size = x.shape[2:]
    geometry = _geometry(size, kernel_size, stride, padding, dilation, out_size)
    cols = np.empty(x.shape[:2] + kernel_size + out_size, x.dtype)
    flat_x = np.ascontiguousarray(x).reshape(-1)
    planes = x.shape[0] * x.shape[1]
    _im2col_jit(
        flat_x, cols.reshape(-1), planes, size, kernel_size, out_size, stride, geometry.windows
    )
    return cols


def col2im_numba(
    cols: Any,
    size: Triple,
    kernel_size: Triple,
    stride: Triple,
    padding: Triple,
    dilation: Triple,
) -> Any:
    """:func:`col2im_by_slices` by Numba loops (float32 and float64; others go to NumPy)."""
    if cols.dtype not in _NUMBA_DTYPES:
        return col2im_by_slices(cols, size, kernel_size, stride, padding, dilation)
    out_size = cols.shape[5:]
    geometry = _geometry(size, kernel_size, stride, padding, dilation, out_size)
    x = np.zeros(cols.shape[:2] + size, cols.dtype)
    flat_cols = np.ascontiguousarray(cols).reshape(-1)
    planes = cols.shape[0] * cols.shape[1]
    _col2im_jit(
        flat_cols, x.reshape(-1), planes, size, kernel_size, out_size, stride, geometry.windows
    )
    return x


def pick_path(numba_version: Callable[..., Any], numpy_version: Callable[..., Any]) -> Any:
    """A function running ``numba_version`` if Numba is enabled at its first call, else NumPy's."""
    return build_on_first_call(lambda: numba_version if numba_enabled() else numpy_version)


_im2col_path = pick_path(im2col_numba, im2col_by_slices)
_col2im_path = pick_path(col2im_numba, col2im_by_slices)


def im2col(
    x: Any,
    kernel_size: Triple,
    stride: Triple,
    padding: Triple,
    dilation: Triple,
    out_size: Triple,
) -> Any:
    """The columns ``(N, C, kD, kH, kW, oD, oH, oW)`` of ``x`` ``(N, C, D, H, W)``.

    Example: ``im2col(np.ones((1, 1, 1, 3, 3)), (1, 2, 2), (1, 1, 1), (0, 0, 0),
    (1, 1, 1), (1, 2, 2)).shape == (1, 1, 1, 2, 2, 1, 2, 2)``.
    """
    return _im2col_path(x, kernel_size, stride, padding, dilation, out_size)


def col2im(
    cols: Any,
    size: Triple,
    kernel_size: Triple,
    stride: Triple,
    padding: Triple,
    dilation: Triple,
) -> Any:
    """The adjoint of :func:`im2col`: ``(N, C, *size)`` with the column values added back.

    Example: ``col2im(np.ones((1, 1, 1, 2, 2, 1, 2, 2)), (1, 3, 3), (1, 2, 2), (1, 1, 1),
    (0, 0, 0), (1, 1, 1))[0, 0, 0, 1, 1] == 4`` (the centre is read by all 4 windows).
    """
    return _col2im_path(cols, size, kernel_size, stride, padding, dilation)


KERNELS = {"im2col": im2col, "col2im": col2im}
