"""Max and average pooling on the GPU: CuPy RawKernels with the signatures of :mod:`.pool_cpu`.

Arrays are CuPy arrays, made C-contiguous before a launch. Each kernel runs one
thread per element and mirrors the loops of the CPU's Numba kernels:

* ``max_pool``: one thread per output, visiting its window in the CPU's order
  with the same rules (first maximum wins, a NaN wins and the last NaN does);
* ``max_pool_backward``: one thread per ``grad`` element, ``atomicAdd`` at its
  plane index. Where windows overlap, an input element then receives its sums
  in no fixed order, so float results may differ from run to run in the last
  bits; without overlap every element receives at most one value. Indices
  outside the plane are skipped (the CPU kernel raises IndexError); callers
  that take indices from users check them first;
* ``avg_pool``: one thread per output, summing its window in the CPU's order;
* ``avg_pool_backward``: one thread per input element, which gathers the
  shares of the windows that hold it in the order the CPU adds them. No
  atomics: the sums are deterministic and equal to the CPU's bit for bit.

Kernels are compiled by NVRTC on first use (CuPy caches them per device and on
disk), once per dtype: float32 and float64 (``atomicAdd`` on doubles needs a GPU
of compute capability 6.0 or later). Other dtypes (float16, integers) run the
NumPy path of :mod:`.pool_cpu` on CuPy arrays. CuPy is imported inside the
functions, so this module imports without it.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from typing import Any

import numpy as np

from .pool_cpu import (
    NO_DILATION,
    Triple,
    _divisor,
    _window_bounds,
    avg_pool_backward_numpy,
    avg_pool_numpy,
    max_pool_backward_numpy,
    max_pool_numpy,
)

# C type of the elements, and its -infinity (NVRTC has no math.h to define INFINITY).
_CTYPES = {
    np.dtype(np.float32): ("float", "__int_as_float(0xff800000)"),
    np.dtype(np.float64): ("double", "__longlong_as_double(0xfff0000000000000ULL)"),
}
_THREADS = 256  # threads per block

_SOURCE = r"""
// bounds (see pool_cpu._window_bounds) is (3, 3, span): for spatial dim s and output
// position o, the window start, then the first and end kernel offsets inside the input.
#define BOUND(dim, row, o) bounds[((dim) * 3 + (row)) * span + (o)]

__device__ long long smaller(long long a, long long b) { return a < b ? a : b; }

// Splits i, the C-order index of (plane, a, b, c) in an array of planes (A, B, C).
#define SPLIT(i, A, B, C)                          \
    long long c = (i) % (C), rest = (i) / (C);     \
    long long b = rest % (B); rest /= (B);         \
    long long a = rest % (A);                      \
    long long plane = rest / (A);

extern "C" __global__ void max_pool(
        const T* x, T* values, long long* indices, const long long* bounds,
        long long total, long long span,
        long long d, long long h, long long w,
        long long od, long long oh, long long ow,
        long long dd, long long dh, long long dw) {
    long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= total) return;
    SPLIT(i, od, oh, ow)  // output position (a, b, c)
    const T* xs = x + plane * d * h * w;
    long long d0 = BOUND(0, 0, a), i0 = BOUND(0, 1, a), i1 = BOUND(0, 2, a);
    long long h0 = BOUND(1, 0, b), j0 = BOUND(1, 1, b), j1 = BOUND(1, 2, b);
    long long w0 = BOUND(2, 0, c), k0 = BOUND(2, 1, c), k1 = BOUND(2, 2, c);
    T best = LOWEST;
    long long best_index = -1, nan_index = -1;
    for (long long p = i0; p < i1; ++p) {
        long long z = d0 + p * dd;
        for (long long q = j0; q < j1; ++q) {
            long long y = h0 + q * dh;
            for (long long r = k0; r < k1; ++r) {
                long long index = (z * h + y) * w + w0 + r * dw;
                T value = xs[index];
                if (value > best) {
                    best = value;
                    best_index = index;
                }
                if (value != value) nan_index = index;
            }
        }
    }
    if (nan_index >= 0) {  // a NaN wins, the last one in window order
        best = xs[nan_index];
        best_index = nan_index;
    } else if (best_index < 0) {  // all -inf, or no element in the input
        long long z = smaller(d0 + i0 * dd, d - 1), y = smaller(h0 + j0 * dh, h - 1);
        best_index = (z * h + y) * w + smaller(w0 + k0 * dw, w - 1);
    }
    values[i] = best;
    indices[i] = best_index;
}

extern "C" __global__ void max_pool_backward(
        const T* grad, const long long* indices, T* grad_input,
        long long total, long long outputs, long long plane_size) {
    long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= total) return;
    long long index = indices[i];
    if (index < 0 || index >= plane_size) return;
    atomicAdd(grad_input + (i / outputs) * plane_size + index, grad[i]);
}

extern "C" __global__ void avg_pool(
        const T* x, T* out, const long long* bounds, const long long* divisor,
        long long total, long long span,
        long long d, long long h, long long w,
        long long od, long long oh, long long ow) {
    long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= total) return;
    SPLIT(i, od, oh, ow)  // output position (a, b, c)
    const T* xs = x + plane * d * h * w;
    long long d0 = BOUND(0, 0, a), h0 = BOUND(1, 0, b), w0 = BOUND(2, 0, c);
    T sum = 0;
    for (long long z = d0 + BOUND(0, 1, a); z < d0 + BOUND(0, 2, a); ++z)
        for (long long y = h0 + BOUND(1, 1, b); y < h0 + BOUND(1, 2, b); ++y)
            for (long long v = w0 + BOUND(2, 1, c); v < w0 + BOUND(2, 2, c); ++v)
                sum += xs[(z * h + y) * w + v];
    out[i] = sum / (T)divisor[(a * oh + b) * ow + c];
}

// The output positions [*first, *last] whose windows [o * s - p, o * s - p + k) hold x.
__device__ void holders(long long x, long long k, long long s, long long p,
                        long long count, long long* first, long long* last) {
    long long lowest = x + p - k + 1;  // o * s must reach it
    *first = lowest <= 0 ? 0 : (lowest + s - 1) / s;
    *last = smaller(count - 1, (x + p) / s);
}

extern "C" __global__ void avg_pool_backward(
        const T* grad, T* grad_input, const long long* divisor,
        long long total,
        long long d, long long h, long long w,
        long long od, long long oh, long long ow,
        long long kd, long long kh, long long kw,
        long long sd, long long sh, long long sw,
        long long pd, long long ph, long long pw) {
    long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= total) return;
    SPLIT(i, d, h, w)  // input position (a, b, c)
    const T* gs = grad + plane * od * oh * ow;
    long long p0, p1, q0, q1, r0, r1;
    holders(a, kd, sd, pd, od, &p0, &p1);
    holders(b, kh, sh, ph, oh, &q0, &q1);
    holders(c, kw, sw, pw, ow, &r0, &r1);
    T sum = 0;
    for (long long p = p0; p <= p1; ++p)
        for (long long q = q0; q <= q1; ++q)
            for (long long r = r0; r <= r1; ++r) {
                long long o = (p * oh + q) * ow + r;
                sum += gs[o] / (T)divisor[o];  // each share rounded to T, as the CPU adds it
            }
    grad_input[i] = sum;
}
"""


@functools.cache
def _kernel(name: str, dtype: Any) -> Any:
    """The RawKernel ``name`` for elements of ``dtype`` (compiled on its first launch)."""
    import cupy

    ctype, lowest = _CTYPES[dtype]
    return cupy.RawKernel(f"typedef {ctype} T;\n#define LOWEST {lowest}\n{_SOURCE}", name)


def _launch(name: str, dtype: Any, arrays: tuple[Any, ...], sizes: tuple[int, ...]) -> None:
    """Run kernel ``name`` on one thread per element: ``sizes[0]`` threads, sizes as int64."""
    total = sizes[0]
    if total == 0:
        return
    blocks = (total + _THREADS - 1) // _THREADS
    args = (*arrays, *(np.int64(v) for v in sizes))
    _kernel(name, dtype)((blocks,), (_THREADS,), args)


def max_pool(
    x: Any,
    kernel_size: Triple,
    stride: Triple,
    padding: Triple,
    dilation: Triple,
    out_size: Triple,
) -> tuple[Any, Any]:
    """Max pooling on the GPU: see :func:`.pool_cpu.max_pool`."""
    import cupy

    if x.dtype not in _CTYPES:
        return max_pool_numpy(x, kernel_size, stride, padding, dilation, out_size, xp=cupy)
    x = cupy.ascontiguousarray(x)
    size = x.shape[2:]
    values = cupy.empty(x.shape[:2] + out_size, x.dtype)
    indices = cupy.empty(values.shape, cupy.int64)
    bounds = _window_bounds(size, kernel_size, stride, padding, dilation, out_size)
    _launch(
        "max_pool",
        x.dtype,
        (x, values, indices, cupy.asarray(bounds)),
        (values.size, bounds.shape[2], *size, *out_size, *dilation),
    )
    return values, indices


def max_pool_backward(grad: Any, indices: Any, size: Triple) -> Any:
    """Max pooling's backward on the GPU: see :func:`.pool_cpu.max_pool_backward`."""
    import cupy

    if grad.dtype not in _CTYPES:
        return max_pool_backward_numpy(grad, indices, size, xp=cupy)
    grad = cupy.ascontiguousarray(grad)
    grad_input = cupy.zeros(grad.shape[:2] + size, grad.dtype)
    outputs = math.prod(grad.shape[2:]) or 1
    _launch(
        "max_pool_backward",
        grad.dtype,
        (grad, cupy.ascontiguousarray(indices, dtype=cupy.int64), grad_input),
        (grad.size, outputs, size[0] * size[1] * size[2]),
    )
    return grad_input


def avg_pool(
    x: Any,
    kernel_size: Triple,
    stride: Triple,
    padding: Triple,
    out_size: Triple,
    count_include_pad: bool,
    divisor_override: int | None,
) -> Any:
    """Average pooling on the GPU: see :func:`.pool_cpu.avg_pool`."""
    import cupy

    if x.dtype not in _CTYPES:
        return avg_pool_numpy(
            x, kernel_size, stride, padding, out_size, count_include_pad, divisor_override, cupy
        )
    x = cupy.ascontiguousarray(x)
    size = x.shape[2:]
    out = cupy.empty(x.shape[:2] + out_size, x.dtype)
    bounds = _window_bounds(size, kernel_size, stride, padding, NO_DILATION, out_size)
    divisor = _divisor(
        size, kernel_size, stride, padding, out_size, count_include_pad, divisor_override
    )
    _launch(
        "avg_pool",
        x.dtype,
        (x, out, cupy.asarray(bounds), cupy.asarray(divisor)),
        (out.size, bounds.shape[2], *size, *out_size),
    )
    return out


def avg_pool_backward(
    grad: Any,
    size: Triple,
    kernel_size: Triple,
    stride: Triple,
    padding: Triple,
    count_include_pad: bool,
    divisor_override: int | None,
) -> Any:
    """Average pooling's backward on the GPU: see :func:`.pool_cpu.avg_pool_backward`."""
    import cupy

    if grad.dtype not in _CTYPES:
        return avg_pool_backward_numpy(
            grad, size, kernel_size, stride, padding, count_include_pad, divisor_override, cupy
        )
    grad = cupy.ascontiguousarray(grad)
    out_size = grad.shape[2:]
    grad_input = cupy.empty(grad.shape[:2] + size, grad.dtype)
    divisor = _divisor(
        size, kernel_size, stride, padding, out_size, count_include_pad, divisor_override
    )
    _launch(
        "avg_pool_backward",
        grad.dtype,
        (grad, grad_input, cupy.asarray(divisor)),
        (grad_input.size, *size, *out_size, *kernel_size, *stride, *padding),
    )
    return grad_input


KERNELS: dict[str, Callable[..., Any]] = {
    "max_pool": max_pool,
    "max_pool_backward": max_pool_backward,
    "avg_pool": avg_pool,
    "avg_pool_backward": avg_pool_backward,
}
