"""Max and average pooling on the CPU, forward and backward.

Shapes (every op is lifted to 3 spatial dims, see :mod:`neurarust.backend.kernels`):

* ``x``: ``(N, C, D, H, W)``, any strides;
* pooled outputs and their gradients: ``(N, C, oD, oH, oW)``;
* max pooling's ``indices``: int64, the flat index ``d * H * W + h * W + w`` of
  each maximum within its ``(D, H, W)`` input plane, as PyTorch returns them.

Output position ``o`` and kernel offset ``k`` read input position
``o * stride - padding + k * dilation``. The NumPy versions loop over the kernel
offsets (a handful) and handle every output position at once with one strided
slice of the input; positions outside the input read a padded copy (-inf for
max, 0 for average) that is only made when a window reaches outside.

The public kernels (``KERNELS``) run Numba loops for float32 and float64, built
on first use (see :mod:`.numba_support`); other dtypes, or Numba missing or
disabled (``NEURARUST_DISABLE_NUMBA=1``), take the NumPy versions, which give
the same results.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from .numba_support import build_on_first_call, numba_enabled

Triple = tuple[int, int, int]
NO_DILATION: Triple = (1, 1, 1)


def _kernel_offsets(kernel_size: Triple, dilation: Triple) -> list[Triple]:
    """Offset ``k * dilation`` of every kernel position from its window's start, in window order."""
    return [
        (i * dilation[0], j * dilation[1], k * dilation[2])
        for i in range(kernel_size[0])
        for j in range(kernel_size[1])
        for k in range(kernel_size[2])
    ]


def _window_slices(offsets: Triple, stride: Triple, out_size: Triple) -> tuple[Any, ...]:
    """Index of the padded input's elements read by kernel position ``offsets``, per output."""
    return (
        Ellipsis,
        *(
            slice(start, start + step * (count - 1) + 1, step)
            for start, step, count in zip(offsets, stride, out_size)
        ),
    )


def _interior(padding: Triple, size: Triple) -> tuple[Any, ...]:
    """Index of the input's elements inside a padded copy of it."""
    return (Ellipsis, *(slice(p, p + n) for p, n in zip(padding, size)))


def _padded_size(
    size: Triple,
    kernel_size: Triple,
    stride: Triple,
    padding: Triple,
    dilation: Triple,
    out_size: Triple,
) -> Triple:
    """Extent of the padded input: the input after ``padding``, and as far as windows reach."""
    return tuple(
        max(n + p, (o - 1) * s + (k - 1) * d + 1)
        for n, k, s, p, d, o in zip(size, kernel_size, stride, padding, dilation, out_size)
    )


def _lowest(dtype: Any) -> Any:
    """The value that loses every comparison for ``max``: -inf, the integer minimum, False."""
    if dtype.kind == "f":
        return -np.inf
    if dtype.kind in "iu":
        return np.iinfo(dtype).min
    return False


def _accumulator(dtype: Any) -> Any:
    """The dtype sums are accumulated in, as PyTorch: float32 for float16, int64 for integers."""
    if dtype == np.float16:
        return np.dtype(np.float32)
    if dtype.kind in "iub":
        return np.dtype(np.int64)
    return dtype


def _padded_input(x: Any, padding: Triple, extent: Triple, fill: Any, xp: Any) -> Any:
    """``x`` inside a copy of spatial ``extent`` filled with ``fill``, or ``x`` if it needs none."""
    size = x.shape[2:]
    if extent == size and not any(padding):
        return x
    padded = xp.full(x.shape[:2] + extent, fill, x.dtype)
    padded[_interior(padding, size)] = x
    return padded


def _window_starts(
    size: Triple, stride: Triple, padding: Triple, out_size: Triple
) -> list[np.ndarray]:
    """Per spatial dim, the input position ``o * stride - padding`` where window ``o`` starts."""
    return [np.arange(o) * s - p for o, s, p in zip(out_size, stride, padding)]


def _plane_index(coordinates: list[Any], size: Triple) -> Any:
    """Flat plane index ``d * H * W + h * W + w`` from per-dim coordinates, broadcast to 3-D."""
    d, h, w = coordinates
    _, height, width = size
    return d[:, None, None] * (height * width) + h[None, :, None] * width + w[None, None, :]


def _flat_offset(offsets: Triple, size: Triple) -> int:
    """How far apart in the flattened plane two positions ``offsets`` apart are."""
    d, h, w = offsets
    return (d * size[1] + h) * size[2] + w


def _window_bounds(
    size: Triple,
    kernel_size: Triple,
    stride: Triple,
    padding: Triple,
    dilation: Triple,
    out_size: Triple,
) -> np.ndarray:
    """Which kernel offsets of each window fall inside the input, per spatial dim.

    Returns int64 ``(3, 3, max(out_size))``: ``[dim, 0, o]`` is the position
    ``o * stride - padding`` where window ``o`` starts, and kernel offsets
    ``[dim, 1, o] <= k < [dim, 2, o]`` read inside the input (none when the
    window lies in the padding). Computed once per call: integer divisions in
    the Numba loops would cost as much as the pooling itself.
    """
    bounds = np.zeros((3, 3, max(out_size)), np.int64)
    for dim, (start, n, k, d) in enumerate(
        zip(_window_starts(size, stride, padding, out_size), size, kernel_size, dilation)
    ):
        bounds[dim, :, : len(start)] = (
            start,
            np.maximum(0, (d - 1 - start) // d),  # ceil(-start / d)
            np.minimum(k, (n - start + d - 1) // d),  # ceil((n - start) / d)
        )
    return bounds


def _first_in_input(bounds: np.ndarray, size: Triple, dilation: Triple, out_size: Triple) -> Any:
    """Plane index of the first window element (in window order) inside the input, per output.

    A window with no element in the input (possible with dilation) gets the
    last position instead, so that every index lies in the plane (PyTorch's
    lies one past it).
    """
    firsts = [
        np.minimum(bounds[dim, 0, :o] + bounds[dim, 1, :o] * d, n - 1)
        for dim, (n, d, o) in enumerate(zip(size, dilation, out_size))
    ]
    return _plane_index(firsts, size)


def max_pool_numpy(
    x: Any,
    kernel_size: Triple,
    stride: Triple,
    padding: Triple,
    dilation: Triple,
    out_size: Triple,
    xp: Any = np,
) -> tuple[Any, Any]:
    """Maxima of the windows and their plane indices (NumPy or CuPy).

    Ties go to the first maximum in window order; a NaN wins over any number
    and a later NaN over an earlier one, as PyTorch's CPU kernel does.
    """
    size = x.shape[2:]
    fill = _lowest(x.dtype)
    extent = _padded_size(size, kernel_size, stride, padding, dilation, out_size)
    source = _padded_input(x, padding, extent, fill, xp)
    window_start = _plane_index(_window_starts(size, stride, padding, out_size), size)
    values = indices = None
    for offsets in _kernel_offsets(kernel_size, dilation):
        window = source[_window_slices(offsets, stride, out_size)]
        candidate = xp.asarray(window_start + _flat_offset(offsets, size))
        if values is None:
            values = window.copy()
            indices = xp.broadcast_to(candidate, values.shape).copy()
            continue
        better = window > values
        if x.dtype.kind == "f":
            better |= xp.isnan(window)
        xp.copyto(values, window, where=better)
        xp.copyto(indices, candidate, where=better)
    if source is not x:
        # A window whose maximum is the fill value may have picked a padding position first;
        # its first element inside the input is then a maximum too, and the one PyTorch returns.
        in_padding = values == fill
        if in_padding.any():
            bounds = _window_bounds(size, kernel_size, stride, padding, dilation, out_size)
            first = xp.asarray(_first_in_input(bounds, size, dilation, out_size))
            xp.copyto(indices, first, where=in_padding)
    return values, indices


def _index_error(index: int, size: Triple) -> IndexError:
    """The error for a max pooling index outside its plane."""
    return IndexError(
        f"max_pool_backward: index {index} is out of range for input planes of size {size} "
        f"(expected an index in [0, {size[0] * size[1] * size[2]}))"
    )


def max_pool_backward_numpy(grad: Any, indices: Any, size: Triple, xp: Any = np) -> Any:
    """Zeros of ``(N, C, *size)`` with each ``grad`` value added at its plane index.

    IndexError when an index lies outside ``[0, D * H * W)``.
    """
    n, c = grad.shape[:2]
    plane = size[0] * size[1] * size[2]
    if indices.size:
        low, high = int(indices.min()), int(indices.max())
        if low < 0 or high >= plane:
            raise _index_error(low if low < 0 else high, size)
    rows = (n * c, math.prod(grad.shape[2:]))
    flat = indices.reshape(rows) + xp.arange(0, n * c * plane, plane)[:, None]
    grad_input = xp.bincount(flat.ravel(), weights=grad.ravel(), minlength=n * c * plane)
    return grad_input.astype(grad.dtype, copy=False).reshape((n, c) + size)


def _window_counts(
    size: Triple,
    kernel_size: Triple,
    stride: Triple,
    padding: Triple,
    out_size: Triple,
    count_include_pad: bool,
) -> Any:
    """Divisor of every average window, ``(oD, oH, oW)``: its element count, as PyTorch counts."""
    counts = []
    for start, n, k, p in zip(
        _window_starts(size, stride, padding, out_size), size, kernel_size, padding
    ):
        end = np.minimum(start + k, n + p)  # a window may reach into the padding, not past it
        if count_include_pad:
            counts.append(end - start)
        else:
            counts.append(np.minimum(end, n) - np.maximum(start, 0))
    d, h, w = counts
    return d[:, None, None] * h[None, :, None] * w[None, None, :]


def _divide(total: Any, divisor: Any, xp: Any) -> Any:
    """``total / divisor`` in place for floats; truncated toward zero for integers, as C does."""
    if total.dtype.kind == "f":
        total /= xp.asarray(divisor, dtype=total.dtype)
        return total
    quotient = xp.abs(total) // xp.asarray(divisor)
    quotient *= xp.sign(total)
    return quotient


def _divisor(
    size: Triple,
    kernel_size: Triple,
    stride: Triple,
    padding: Triple,
    out_size: Triple,
    count_include_pad: bool,
    divisor_override: int | None,
) -> Any:
    """Divisor of every window, ``(oD, oH, oW)`` int64: ``divisor_override`` or the counts."""
    if divisor_override is not None:
        return np.full(out_size, divisor_override, np.int64)
    return _window_counts(size, kernel_size, stride, padding, out_size, count_include_pad)


def avg_pool_numpy(
    x: Any,
    kernel_size: Triple,
    stride: Triple,
    padding: Triple,
    out_size: Triple,
    count_include_pad: bool,
    divisor_override: int | None,
    xp: Any = np,
) -> Any:
    """Averages of the windows, ``(N, C, *out_size)`` in ``x``'s dtype (NumPy or CuPy)."""
    size = x.shape[2:]
    extent = _padded_size(size, kernel_size, stride, padding, NO_DILATION, out_size)
    source = _padded_input(x, padding, extent, 0, xp)
    total = None
    for offsets in _kernel_offsets(kernel_size, NO_DILATION):
        window = source[_window_slices(offsets, stride, out_size)]
        if total is None:
            total = window.astype(_accumulator(x.dtype))
        else:
            total += window
    divisor = _divisor(
        size, kernel_size, stride, padding, out_size, count_include_pad, divisor_override
    )
    return _divide(total, divisor, xp).astype(x.dtype, copy=False)


def avg_pool_backward_numpy(
    grad: Any,
    size: Triple,
    kernel_size: Triple,
    stride: Triple,
    padding: Triple,
    count_include_pad: bool,
    divisor_override: int | None,
    xp: Any = np,
) -> Any:
    """The adjoint of :func:`avg_pool_numpy`: ``(N, C, *size)``, C-contiguous, ``grad``'s dtype."""
    out_size = grad.shape[2:]
    share = grad.astype(_accumulator(grad.dtype))  # each window's gradient, split evenly
    share /= xp.asarray(
        _divisor(size, kernel_size, stride, padding, out_size, count_include_pad, divisor_override),
        dtype=share.dtype,
    )
    extent = _padded_size(size, kernel_size, stride, padding, NO_DILATION, out_size)
    padded = xp.zeros(grad.shape[:2] + extent, share.dtype)
    for offsets in _kernel_offsets(kernel_size, NO_DILATION):
        padded[_window_slices(offsets, stride, out_size)] += share
    inside = padded[_interior(padding, size)]
    return xp.ascontiguousarray(inside).astype(grad.dtype, copy=False)


# Numba versions: one loop nest per kernel, over the N * C planes (``prange``) and the output
# positions, clipping each window to the input. Every kernel is built on its first call; the
# closures capture nothing but the numba module, so ``cache=True`` finds them again on disk.
#
# parallel=True did not win on 2 cores (max_pool2d(2) forward + backward on (32, 64, 32, 32):
# 12.8 ms serial, 12.7 ms parallel, best of interleaved runs; avg_pool2d alike) and doubled
# the first compile (9 s to 17 s), so the planes run serially (prange then acts as range).
# Measured on a shared machine; set PARALLEL = True to measure again on an idle one.
PARALLEL = False


def _build_max_pool() -> Callable[..., Any]:
    import numba

    @numba.njit(cache=True, parallel=PARALLEL)
    def max_pool_planes(x, bounds, dilation, values, indices):
        depth, height, width = x.shape[1:]
        dd, dh, dw = dilation
        for plane in numba.prange(x.shape[0]):
            for od in range(values.shape[1]):
                d0, i0, i1 = bounds[0, :, od]
                for oh in range(values.shape[2]):
                    h0, j0, j1 = bounds[1, :, oh]
                    for ow in range(values.shape[3]):
                        w0, k0, k1 = bounds[2, :, ow]
                        best = values.dtype.type(-np.inf)
                        best_index = nan_index = -1
                        for i in range(i0, i1):
                            d = d0 + i * dd
                            for j in range(j0, j1):
                                h = h0 + j * dh
                                for k in range(k0, k1):
                                    w = w0 + k * dw
                                    value = x[plane, d, h, w]
                                    # Two simple tests: one compound test is 2.5x slower.
                                    if value > best:
                                        best = value
                                        best_index = (d * height + h) * width + w
                                    if value != value:
                                        nan_index = (d * height + h) * width + w
                        if nan_index >= 0:  # a NaN wins, the last one in window order
                            best = values.dtype.type(np.nan)
                            best_index = nan_index
                        elif best_index < 0:  # all -inf, or no element in the input
                            d = min(d0 + i0 * dd, depth - 1)  # as _first_in_input
                            h = min(h0 + j0 * dh, height - 1)
                            best_index = (d * height + h) * width + min(w0 + k0 * dw, width - 1)
                        values[plane, od, oh, ow] = best
                        indices[plane, od, oh, ow] = best_index

    return max_pool_planes


def _build_max_pool_backward() -> Callable[..., Any]:
    import numba

    @numba.njit(cache=True, parallel=PARALLEL)
    def scatter_add_planes(grad, indices, grad_input):
        """Returns the flat position of an index outside the plane (skipped), or -1."""
        bad = -1
        for plane in numba.prange(grad.shape[0]):
            for m in range(grad.shape[1]):
                index = indices[plane, m]
                if 0 <= index < grad_input.shape[1]:
                    grad_input[plane, index] += grad[plane, m]
                else:
                    bad = plane * grad.shape[1] + m
        return bad

    return scatter_add_planes


def _build_avg_pool() -> Callable[..., Any]:
    import numba

    @numba.njit(cache=True, parallel=PARALLEL)
    def avg_pool_planes(x, bounds, divisor, out):
        for plane in numba.prange(x.shape[0]):
            for od in range(out.shape[1]):
                d0, i0, i1 = bounds[0, :, od]
                for oh in range(out.shape[2]):
                    h0, j0, j1 = bounds[1, :, oh]
                    for ow in range(out.shape[3]):
                        w0, k0, k1 = bounds[2, :, ow]
                        total = out.dtype.type(0)
                        for d in range(d0 + i0, d0 + i1):
                            for h in range(h0 + j0, h0 + j1):
                                for w in range(w0 + k0, w0 + k1):
                                    total += x[plane, d, h, w]
                        out[plane, od, oh, ow] = total / divisor[od, oh, ow]

    return avg_pool_planes


def _build_avg_pool_backward() -> Callable[..., Any]:
    import numba

    @numba.njit(cache=True, parallel=PARALLEL)
    def avg_pool_backward_planes(grad, bounds, divisor, grad_input):
        for plane in numba.prange(grad.shape[0]):
            for od in range(grad.shape[1]):
                d0, i0, i1 = bounds[0, :, od]
                for oh in range(grad.shape[2]):
                    h0, j0, j1 = bounds[1, :, oh]
                    for ow in range(grad.shape[3]):
                        w0, k0, k1 = bounds[2, :, ow]
                        # rounded to the dtype first, as PyTorch adds it
                        share = grad.dtype.type(grad[plane, od, oh, ow] / divisor[od, oh, ow])
                        for d in range(d0 + i0, d0 + i1):
                            for h in range(h0 + j0, h0 + j1):
                                for w in range(w0 + k0, w0 + k1):
                                    grad_input[plane, d, h, w] += share

    return avg_pool_backward_planes


_max_pool_numba = build_on_first_call(_build_max_pool)
_max_pool_backward_numba = build_on_first_call(_build_max_pool_backward)
_avg_pool_numba = build_on_first_call(_build_avg_pool)
_avg_pool_backward_numba = build_on_first_call(_build_avg_pool_backward)


def _use_numba(dtype: Any) -> bool:
    """Whether the Numba loops serve ``dtype`` (float32 and float64) and Numba is enabled."""
    return dtype in (np.float32, np.float64) and numba_enabled()


def _planes(x: Any) -> Any:
    """``(N, C, D, H, W)`` as C-contiguous ``(N * C, D, H, W)`` (a copy only if not contiguous)."""
    return np.ascontiguousarray(x).reshape((-1,) + x.shape[2:])


def max_pool(
    x: Any,
    kernel_size: Triple,
    stride: Triple,
    padding: Triple,
    dilation: Triple,
    out_size: Triple,
) -> tuple[Any, Any]:
    """Max pooling: ``(values, indices)``, both ``(N, C, *out_size)``; indices int64 plane indices.

    Ties go to the first maximum in window order; a NaN wins over any number,
    and a later NaN over an earlier one (as PyTorch's CPU kernel).
    """
    if not _use_numba(x.dtype):
        return max_pool_numpy(x, kernel_size, stride, padding, dilation, out_size)
    planes = _planes(x)
    values = np.empty(planes.shape[:1] + out_size, x.dtype)
    indices = np.empty(values.shape, np.int64)
    bounds = _window_bounds(planes.shape[1:], kernel_size, stride, padding, dilation, out_size)
    _max_pool_numba(planes, bounds, dilation, values, indices)
    shape = x.shape[:2] + out_size
    return values.reshape(shape), indices.reshape(shape)


def max_pool_backward(grad: Any, indices: Any, size: Triple) -> Any:
    """Zeros of ``(N, C, *size)`` with each ``grad`` value added at its plane index.

    ``indices`` has ``grad``'s shape; IndexError when one lies outside ``[0, D * H * W)``.
    """
    if not _use_numba(grad.dtype):
        return max_pool_backward_numpy(grad, indices, size)
    n, c = grad.shape[:2]
    grad_input = np.zeros((n * c, size[0] * size[1] * size[2]), grad.dtype)
    rows = (n * c, math.prod(grad.shape[2:]))
    indices = np.ascontiguousarray(indices).reshape(rows)
    bad = _max_pool_backward_numba(np.ascontiguousarray(grad).reshape(rows), indices, grad_input)
    if bad >= 0:
        raise _index_error(int(indices.flat[bad]), size)
    return grad_input.reshape((n, c) + size)


def avg_pool(
    x: Any,
    kernel_size: Triple,
    stride: Triple,
    padding: Triple,
    out_size: Triple,
    count_include_pad: bool,
    divisor_override: int | None,
) -> Any:
    """Average pooling: ``(N, C, *out_size)`` in ``x``'s dtype, with PyTorch's divisors."""
    if not _use_numba(x.dtype):
        return avg_pool_numpy(
            x, kernel_size, stride, padding, out_size, count_include_pad, divisor_override
        )
    size = x.shape[2:]
    planes = _planes(x)
    out = np.empty(planes.shape[:1] + out_size, x.dtype)
    _avg_pool_numba(
        planes,
        _window_bounds(size, kernel_size, stride, padding, NO_DILATION, out_size),
        _divisor(size, kernel_size, stride, padding, out_size, count_include_pad, divisor_override),
        out,
    )
    return out.reshape(x.shape[:2] + out_size)


def avg_pool_backward(
    grad: Any,
    size: Triple,
    kernel_size: Triple,
    stride: Triple,
    padding: Triple,
    count_include_pad: bool,
    divisor_override: int | None,
) -> Any:
    """The adjoint of :func:`avg_pool`: ``(N, C, *size)``, C-contiguous, in ``grad``'s dtype."""
    if not _use_numba(grad.dtype):
        return avg_pool_backward_numpy(
            grad, size, kernel_size, stride, padding, count_include_pad, divisor_override
        )
    n, c = grad.shape[:2]
    out_size = grad.shape[2:]
    grad_input = np.zeros((n * c,) + size, grad.dtype)
    _avg_pool_backward_numba(
        _planes(grad),
        _window_bounds(size, kernel_size, stride, padding, NO_DILATION, out_size),
        _divisor(size, kernel_size, stride, padding, out_size, count_include_pad, divisor_override),
        grad_input,
    )
    return grad_input.reshape((n, c) + size)


KERNELS: dict[str, Callable[..., Any]] = {
    "max_pool": max_pool,
    "max_pool_backward": max_pool_backward,
    "avg_pool": avg_pool,
    "avg_pool_backward": avg_pool_backward,
}
