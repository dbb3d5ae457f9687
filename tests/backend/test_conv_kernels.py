"""im2col / col2im kernels: the NumPy path, the Numba path, the CuPy RawKernels and PyTorch agree.

Every case is lifted to 3 spatial dims, as the kernels see it. PyTorch is the
oracle: ``F.unfold``/``F.fold`` for 1-D and 2-D cases, and a convolution (and
its transpose) with one-hot weights for 3-D cases, both on an input padded
explicitly, so that windows reaching past the symmetric padding (asymmetric
'same' padding) are covered.
"""

from __future__ import annotations

import functools

import numpy as np
import pytest

import neurarust as nr
from neurarust.backend.kernels import conv_cpu

from ..conftest import strided

try:
    import numba  # noqa: F401

    HAS_NUMBA = True
except ImportError:
    HAS_NUMBA = False
needs_numba = pytest.mark.skipif(not HAS_NUMBA, reason="Numba is not installed")


def case(name, batch, size, kernel_size, stride, padding, dilation, change=0):
    """A test case: ``(N, C)``, the kernels' arguments and the change of out_size.

    ``padding`` is the padding before; ``change`` is added to the window count
    with the same padding after, in the dims of size > 1: +1 windows reach into
    extra padding after the input (asymmetric 'same'), -1 stop early.
    """
    return pytest.param((batch, size, kernel_size, stride, padding, dilation, change), id=name)


CASES = [
    case("1d", (2, 3), (1, 1, 9), (1, 1, 3), (1, 1, 1), (0, 0, 1), (1, 1, 1)),
    case("1d-batch1", (1, 2), (1, 1, 10), (1, 1, 4), (1, 1, 3), (0, 0, 2), (1, 1, 2)),
    case("2d", (2, 3), (1, 7, 6), (1, 3, 3), (1, 1, 1), (0, 1, 1), (1, 1, 1)),
    case("2d-mixed", (2, 2), (1, 9, 8), (1, 3, 2), (1, 2, 3), (0, 1, 0), (1, 2, 1)),
    case("2d-same", (2, 1), (1, 6, 6), (1, 4, 4), (1, 1, 1), (0, 1, 1), (1, 1, 1), 1),
    case("2d-fewer", (2, 2), (1, 7, 7), (1, 3, 3), (1, 2, 2), (0, 1, 1), (1, 1, 1), -1),
    case("2d-1x1", (1, 3), (1, 5, 4), (1, 1, 1), (1, 1, 1), (0, 0, 0), (1, 1, 1)),
    case("2d-pad3", (2, 2), (1, 3, 3), (1, 3, 3), (1, 1, 1), (0, 3, 3), (1, 1, 1)),
    case("3d", (2, 2), (5, 4, 6), (3, 2, 3), (2, 1, 2), (1, 0, 1), (1, 2, 1)),
    case("3d-same", (1, 2), (4, 5, 3), (2, 2, 2), (1, 2, 1), (1, 1, 0), (2, 1, 1), 1),
]
DTYPES = [np.float32, np.float64]
# One case (size (1, 7, 6)) for the tests that need only one.
SAMPLE = ((2, 3), (1, 7, 6), (1, 3, 3), (1, 2, 1), (0, 1, 1), (1, 1, 1), 1)
SAMPLE_SIZE = SAMPLE[1]


def out_size_of(size, kernel_size, stride, padding, dilation, change):
    """The window count with ``padding`` on both sides, plus ``change`` in the dims of size > 1."""
    return tuple(
        (n + 2 * p - d * (k - 1) - 1) // s + 1 + (change if n > 1 else 0)
        for n, k, s, p, d in zip(size, kernel_size, stride, padding, dilation)
    )


def make_case(batch, size, kernel_size, stride, padding, dilation, change, dtype, seed=0):
    """Arguments of both kernels and random ``x`` and ``cols`` for one case."""
    rng = np.random.default_rng(seed)
    out_size = out_size_of(size, kernel_size, stride, padding, dilation, change)
    x = rng.standard_normal(batch + size).astype(dtype)
    cols = rng.standard_normal(batch + kernel_size + out_size).astype(dtype)
    return x, cols, (kernel_size, stride, padding, dilation, out_size)


def padded_extent(size, kernel_size, stride, padding, dilation, out_size):
    """Per dim, how far the windows reach in the input padded before by ``padding``."""
    return tuple(
        max(n + p, (o - 1) * s + d * (k - 1) + 1)
        for n, k, s, p, d, o in zip(size, kernel_size, stride, padding, dilation, out_size)
    )


def torch_im2col(x, kernel_size, stride, padding, dilation, out_size):
    """PyTorch's columns of ``x`` (float64), from an explicitly padded input."""
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    n, c, *size = x.shape
    extent = padded_extent(size, kernel_size, stride, padding, dilation, out_size)
    padded = np.zeros((n, c) + extent)
    padded[(..., *(slice(p, p + s) for p, s in zip(padding, size)))] = x
    padded = torch.from_numpy(padded)
    if extent[0] == 1:  # 1-D and 2-D ops
        full = F.unfold(padded[:, :, 0], kernel_size[1:], dilation=dilation[1:], stride=stride[1:])
    else:
        volume = int(np.prod(kernel_size))
        one_hot = torch.eye(volume, dtype=torch.float64).reshape(volume, 1, *kernel_size)
        planes = padded.reshape(n * c, 1, *extent)
        full = F.conv3d(planes, one_hot, stride=stride, dilation=dilation)
    counts = out_size_of(extent, kernel_size, stride, (0, 0, 0), dilation, 0)
    full = full.reshape((n, c) + kernel_size + counts).numpy()
    return full[(..., *(slice(0, o) for o in out_size))]


def torch_col2im(cols, size, kernel_size, stride, padding, dilation):
    """PyTorch's adjoint of :func:`torch_im2col` (float64)."""
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    n, c = cols.shape[:2]
    out_size = cols.shape[5:]
    extent = padded_extent(size, kernel_size, stride, padding, dilation, out_size)
    counts = out_size_of(extent, kernel_size, stride, (0, 0, 0), dilation, 0)
    full = np.zeros((n, c) + kernel_size + counts)
    full[(..., *(slice(0, o) for o in out_size))] = cols
    full = torch.from_numpy(full)
    padded = np.zeros((n * c,) + extent)
    if extent[0] == 1:
        folded = F.fold(
            full.reshape(n, -1, counts[1] * counts[2]),
            extent[1:],
            kernel_size[1:],
            dilation=dilation[1:],
            stride=stride[1:],
        )
        padded[:, 0] = folded.reshape(n * c, *extent[1:]).numpy()
    else:
        volume = int(np.prod(kernel_size))
        one_hot = torch.eye(volume, dtype=torch.float64).reshape(volume, 1, *kernel_size)
        spread = F.conv_transpose3d(
            full.reshape(n * c, volume, *counts), one_hot, stride=stride, dilation=dilation
        )[:, 0].numpy()
        padded[(slice(None), *(slice(0, r) for r in spread.shape[1:]))] = spread
    padded = padded.reshape((n, c) + extent)
    return padded[(..., *(slice(p, p + s) for p, s in zip(padding, size)))]


def tolerance(dtype):
    """assert_allclose's tolerances for sums of a few ``dtype`` numbers against float64."""
    return {
        np.float16: {"rtol": 1e-2, "atol": 1e-2},  # (integers are exact)
        np.float32: {"rtol": 1e-5, "atol": 1e-5},
        np.float64: {"rtol": 1e-12, "atol": 1e-12},
    }[dtype]


# (im2col, col2im) of each CPU path; "registered" is the pair the NumPy backend runs.
PATHS = [
    pytest.param(conv_cpu.im2col_by_slices, conv_cpu.col2im_by_slices, id="numpy"),
    pytest.param(conv_cpu.im2col_numba, conv_cpu.col2im_numba, id="numba", marks=needs_numba),
    pytest.param(conv_cpu.im2col, conv_cpu.col2im, id="registered"),
]


@functools.cache
def torch_results(case, dtype):
    """PyTorch's im2col of ``make_case``'s ``x`` and col2im of its ``cols`` (float64)."""
    x, cols, args = make_case(*case, dtype)
    size = x.shape[2:]
    return torch_im2col(x, *args), torch_col2im(cols.astype(np.float64), size, *args[:4])


@pytest.mark.parametrize("contiguous", [True, False], ids=["contiguous", "strided"])
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("im2col,col2im", PATHS)
def test_matches_torch(im2col, col2im, case, dtype, contiguous):
    x, cols, args = make_case(*case, dtype)
    view = (lambda a: a) if contiguous else strided
    expected_cols, expected_x = torch_results(case, dtype)
    result = im2col(view(x), *args)
    assert result.dtype == dtype and result.flags.c_contiguous
    np.testing.assert_array_equal(result, expected_cols)
    result = col2im(view(cols), x.shape[2:], *args[:4])
    assert result.dtype == dtype and result.flags.c_contiguous and result.shape == x.shape
    np.testing.assert_allclose(result, expected_x, **tolerance(dtype))


@needs_numba
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("case", CASES)
def test_numba_and_numpy_paths_agree_bit_for_bit(case, dtype):
    """Both paths add col2im's contributions in kernel-offset order: equal, not just close."""
    x, cols, args = make_case(*case, dtype)
    size = x.shape[2:]
    np.testing.assert_array_equal(
        conv_cpu.im2col_numba(strided(x), *args), conv_cpu.im2col_by_slices(x, *args)
    )
    np.testing.assert_array_equal(
        conv_cpu.col2im_numba(strided(cols), size, *args[:4]),
        conv_cpu.col2im_by_slices(cols, size, *args[:4]),
    )


@pytest.mark.parametrize("dtype", [np.float16, np.int64])
@pytest.mark.parametrize("path", ["numpy", pytest.param("numba", marks=needs_numba)])
def test_other_dtypes_take_the_numpy_path(path, dtype):
    x, cols, args = make_case(*SAMPLE, dtype)
    im2col, col2im = {
        "numpy": (conv_cpu.im2col_by_slices, conv_cpu.col2im_by_slices),
        "numba": (conv_cpu.im2col_numba, conv_cpu.col2im_numba),
    }[path]
    result = im2col(x, *args)
    assert result.dtype == dtype
    np.testing.assert_array_equal(result, torch_im2col(x.astype(np.float64), *args))
    back = col2im(cols, SAMPLE_SIZE, *args[:4])
    assert back.dtype == dtype
    expected = torch_col2im(cols.astype(np.float64), SAMPLE_SIZE, *args[:4])
    np.testing.assert_allclose(back.astype(np.float64), expected, **tolerance(np.float16))


@pytest.mark.parametrize("im2col,col2im", PATHS)
def test_empty_batch(im2col, col2im):
    args = ((1, 3, 3), (1, 1, 1), (0, 1, 1), (1, 1, 1), (1, 4, 4))
    cols = im2col(np.ones((0, 2, 1, 4, 4), np.float32), *args)
    assert cols.shape == (0, 2, 1, 3, 3, 1, 4, 4)
    assert col2im(cols, (1, 4, 4), *args[:4]).shape == (0, 2, 1, 4, 4)


def test_registered_on_the_cpu_backend():
    backend = nr.zeros(1).backend
    assert backend.kernel("im2col") is conv_cpu.im2col
    assert backend.kernel("col2im") is conv_cpu.col2im


@pytest.mark.parametrize(
    "disable,expected",
    [("1", "numpy"), ("0", "numba"), ("", "numba")],
)
def test_path_is_chosen_at_first_call(monkeypatch, disable, expected):
    """NEURARUST_DISABLE_NUMBA, read at a dispatcher's first call, picks the NumPy path."""
    if expected == "numba" and not HAS_NUMBA:
        expected = "numpy"
    monkeypatch.setenv("NEURARUST_DISABLE_NUMBA", disable)
    dispatch = conv_cpu.pick_path(lambda: "numba", lambda: "numpy")
    assert dispatch() == expected
    monkeypatch.setenv("NEURARUST_DISABLE_NUMBA", "0" if disable == "1" else "1")
    assert dispatch() == expected  # decided once


def test_disabled_numba_gives_the_same_results(monkeypatch):
    x, cols, args = make_case(*SAMPLE, np.float32)
    expected_cols = conv_cpu.im2col(x, *args)
    expected_x = conv_cpu.col2im(cols, SAMPLE_SIZE, *args[:4])
    monkeypatch.setenv("NEURARUST_DISABLE_NUMBA", "1")
    im2col = conv_cpu.pick_path(conv_cpu.im2col_numba, conv_cpu.im2col_by_slices)
    col2im = conv_cpu.pick_path(conv_cpu.col2im_numba, conv_cpu.col2im_by_slices)
    np.testing.assert_array_equal(im2col(x, *args), expected_cols)
    np.testing.assert_array_equal(col2im(cols, SAMPLE_SIZE, *args[:4]), expected_x)


def on_device_strided(x):
    """A non-contiguous CuPy view holding ``x``'s values."""
    import cupy

    storage = cupy.zeros(x.shape[:-1] + (2 * x.shape[-1],), x.dtype)
    view = storage[..., ::2]
    view[...] = cupy.asarray(x)
    return view


@pytest.mark.gpu
@pytest.mark.skipif(not nr.cuda.is_available(), reason="needs a CUDA GPU through CuPy")
@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
@pytest.mark.parametrize("case", CASES)
def test_cuda_kernels_match_cpu(case, dtype):
    import cupy

    from neurarust.backend.kernels import conv_cuda

    x, cols, args = make_case(*case, dtype)
    size = x.shape[2:]
    on_gpu = conv_cuda.im2col(on_device_strided(x), *args)
    assert on_gpu.dtype == dtype and on_gpu.flags.c_contiguous
    np.testing.assert_array_equal(cupy.asnumpy(on_gpu), conv_cpu.im2col_by_slices(x, *args))
    back = conv_cuda.col2im(on_device_strided(cols), size, *args[:4])
    assert back.dtype == dtype and back.flags.c_contiguous
    expected = conv_cpu.col2im_by_slices(cols, size, *args[:4])
    np.testing.assert_allclose(cupy.asnumpy(back), expected, **tolerance(dtype))
