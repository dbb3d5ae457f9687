"""im2col and col2im on the GPU: CuPy RawKernels with the signatures of :mod:`.conv_cpu`.

Arrays are CuPy arrays. Each kernel runs one thread per output element:

* ``im2col``: one thread per column entry ``(plane, a, b, e, p, q, r)``, which
  reads input position ``o * stride - padding + k * dilation`` (or zero);
* ``col2im``: one thread per input element, which gathers the column entries
  that read it, visiting kernel offsets in the CPU loops' order. No atomics, so
  the sums are deterministic and equal to the CPU's bit for bit.

Kernels are compiled by NVRTC on first use (CuPy caches them per device and on
disk), once per dtype: float32 and float64. Other dtypes (float16, integers)
run the NumPy path of :mod:`.conv_cpu` on CuPy arrays. CuPy is imported inside
the functions, so this module imports without it.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np

from .conv_cpu import Triple, col2im_by_slices, im2col_by_slices

_CTYPES = {np.dtype(np.float32): "float", np.dtype(np.float64): "double"}
_THREADS = 256  # threads per block

# The geometry every kernel receives, in this order, as 64-bit integers.
_SOURCE = r"""
#define GEOMETRY                                          \
    long long d, long long h, long long w,                \
    long long kd, long long kh, long long kw,             \
    long long od, long long oh, long long ow,             \
    long long sd, long long sh, long long sw,             \
    long long pd, long long ph, long long pw,             \
    long long dd, long long dh, long long dw

// The output position o that reads input position i through kernel offset k
// (i = o * s - p + k * dil), or -1 when there is none.
__device__ long long reader(long long i, long long k, long long s, long long p,
                            long long dil, long long count) {
    long long t = i + p - k * dil;  // o * s
    if (t < 0 || t % s != 0 || t / s >= count) return -1;
    return t / s;
}

extern "C" __global__ void im2col(const T* x, T* cols, long long total, GEOMETRY) {
    long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= total) return;
    // i is the C-order index of (plane, a, b, e, p, q, r) in cols.
    long long r = i % ow, rest = i / ow;
    long long q = rest % oh; rest /= oh;
    long long p = rest % od; rest /= od;
    long long e = rest % kw; rest /= kw;
    long long b = rest % kh; rest /= kh;
    long long a = rest % kd;
    long long plane = rest / kd;
    long long z = p * sd - pd + a * dd;
    long long y = q * sh - ph + b * dh;
    long long v = r * sw - pw + e * dw;
    bool inside = 0 <= z && z < d && 0 <= y && y < h && 0 <= v && v < w;
    cols[i] = inside ? x[((plane * d + z) * h + y) * w + v] : (T)0;
}

extern "C" __global__ void col2im(const T* cols, T* x, long long total, GEOMETRY) {
    long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= total) return;
    // i is the C-order index of (plane, z, y, v) in x.
    long long v = i % w, rest = i / w;
    long long y = rest % h; rest /= h;
    long long z = rest % d;
    long long plane = rest / d;
    T sum = 0;
    for (long long a = 0; a < kd; ++a) {
        long long p = reader(z, a, sd, pd, dd, od);
        if (p < 0) continue;
        for (long long b = 0; b < kh; ++b) {
            long long q = reader(y, b, sh, ph, dh, oh);
            if (q < 0) continue;
            for (long long e = 0; e < kw; ++e) {
                long long r = reader(v, e, sw, pw, dw, ow);
                if (r < 0) continue;
                long long block = ((plane * kd + a) * kh + b) * kw + e;
                sum += cols[((block * od + p) * oh + q) * ow + r];
            }
        }
    }
    x[i] = sum;
}
"""


@functools.cache
def _kernel(name: str, ctype: str) -> Any:
    """The RawKernel ``name`` for elements of C type ``ctype`` (compiled on its first launch)."""
    import cupy

    return cupy.RawKernel(f"typedef {ctype} T;\n{_SOURCE}", name)


def _launch(
    name: str,
    source: Any,
    target: Any,
    size: Triple,
    kernel_size: Triple,
    out_size: Triple,
    stride: Triple,
    padding: Triple,
    dilation: Triple,
) -> None:
    """Run kernel ``name`` with one thread per element of ``target`` (both arrays contiguous)."""
    if target.size == 0:
        return
    geometry = (*size, *kernel_size, *out_size, *stride, *padding, *dilation)
    blocks = (target.size + _THREADS - 1) // _THREADS
    args = (source, target, np.int64(target.size), *(np.int64(v) for v in geometry))
    _kernel(name, _CTYPES[target.dtype])((blocks,), (_THREADS,), args)


def im2col(
    x: Any,
    kernel_size: Triple,
    stride: Triple,
    padding: Triple,
    dilation: Triple,
    out_size: Triple,
) -> Any:
    """The columns ``(N, C, kD, kH, kW, oD, oH, oW)`` of ``x`` ``(N, C, D, H, W)``."""
    import cupy

    if x.dtype not in _CTYPES:
        return im2col_by_slices(x, kernel_size, stride, padding, dilation, out_size, xp=cupy)
    with x.device:
        x = cupy.ascontiguousarray(x)
        cols = cupy.empty(x.shape[:2] + kernel_size + out_size, x.dtype)
        _launch("im2col", x, cols, x.shape[2:], kernel_size, out_size, stride, padding, dilation)
    return cols


def col2im(
    cols: Any,
    size: Triple,
    kernel_size: Triple,
    stride: Triple,
    padding: Triple,
    dilation: Triple,
) -> Any:
    """The adjoint of :func:`im2col`: ``(N, C, *size)`` with the column values added back."""
    import cupy

    if cols.dtype not in _CTYPES:
        return col2im_by_slices(cols, size, kernel_size, stride, padding, dilation, xp=cupy)
    with cols.device:
        cols = cupy.ascontiguousarray(cols)
        x = cupy.empty(cols.shape[:2] + size, cols.dtype)
        out_size = cols.shape[5:]
        _launch("col2im", cols, x, size, kernel_size, out_size, stride, padding, dilation)
    return x


KERNELS = {"im2col": im2col, "col2im": col2im}
