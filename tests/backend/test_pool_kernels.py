"""Pooling kernels: the NumPy path, the Numba path, the CuPy RawKernels and PyTorch agree.

Every case is lifted to 3 spatial dims, as the kernels see it, and runs on a
non-contiguous input. PyTorch is the oracle (``max_pool{1,2,3}d`` with
``return_indices``, ``avg_pool{1,2,3}d`` and their gradients by autograd);
without it the Numba path is checked against the NumPy path alone.
"""

from __future__ import annotations

import numpy as np
import pytest

import neurarust as nr
from neurarust.backend.kernels import pool_cpu
from neurarust.ops._spatial import lift, output_size

from ..conftest import strided, torch

try:
    import numba  # noqa: F401

    HAS_NUMBA = True
except ImportError:
    HAS_NUMBA = False

PATHS = [
    pytest.param(
        (pool_cpu.max_pool_numpy, pool_cpu.max_pool_backward_numpy),
        id="numpy",
    ),
    pytest.param(
        (pool_cpu.max_pool, pool_cpu.max_pool_backward),
        id="numba",
        marks=pytest.mark.skipif(not HAS_NUMBA, reason="Numba is not installed"),
    ),
]
AVG_PATHS = [
    pytest.param((pool_cpu.avg_pool_numpy, pool_cpu.avg_pool_backward_numpy), id="numpy"),
    pytest.param(
        (pool_cpu.avg_pool, pool_cpu.avg_pool_backward),
        id="numba",
        marks=pytest.mark.skipif(not HAS_NUMBA, reason="Numba is not installed"),
    ),
]
DTYPES = [np.float32, np.float64]
TOLERANCE = {np.float32: 1e-6, np.float64: 1e-12}

# (N, C), spatial size, kernel_size, stride, padding, dilation, ceil_mode, in 1 to 3 dims.
CASES = {
    "1d": ((2, 3), (9,), (3,), (2,), (1,), (1,), False),
    "1d-ceil-dilated": ((1, 2), (10,), (3,), (2,), (1,), (2,), True),
    "2d-m2": ((2, 3), (8, 6), (2, 2), (2, 2), (0, 0), (1, 1), False),
    "2d-overlap": ((2, 2), (7, 8), (3, 3), (1, 1), (1, 1), (1, 1), False),
    "2d-ceil": ((2, 2), (7, 7), (3, 2), (2, 3), (1, 1), (1, 1), True),
    "2d-dilated": ((1, 3), (9, 8), (2, 3), (1, 2), (1, 1), (2, 1), True),
    "3d": ((2, 2), (5, 4, 6), (2, 2, 3), (2, 1, 2), (1, 0, 1), (1, 2, 1), False),
    "3d-ceil": ((1, 2), (4, 5, 5), (2, 2, 2), (2, 2, 2), (1, 1, 1), (1, 1, 1), True),
}
AVG_CASES = [name for name, case in CASES.items() if set(case[5]) == {1}]
# count_include_pad, divisor_override
AVG_RULES = [(True, None), (False, None), (True, 3), (False, 5)]


def make_input(batch, size, dtype, values="random", seed=0):
    """``(N, C, *size)`` values: random, with many ties, or with NaN and -inf among them."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(batch + size)
    if values == "ties":
        x = np.round(x)
    elif values == "nan":
        x[rng.random(x.shape) < 0.15] = np.nan
        x[rng.random(x.shape) < 0.15] = -np.inf
    return x.astype(dtype)


def lifted(case):
    """The kernels' view of a case: the input's 5-D shape and the lifted arguments."""
    batch, size, kernel_size, stride, padding, dilation, ceil_mode = case
    out_size = output_size("test", size, kernel_size, stride, padding, dilation, ceil_mode)
    args = (lift(kernel_size, 1), lift(stride, 1), lift(padding, 0), lift(dilation, 1))
    return batch + lift(size, 1), args, lift(out_size, 1)


def torch_pool(kind, x, grad, case, **options):
    """PyTorch's ``{kind}_pool3d`` on the lifted input: values, indices (max) and input gradient."""
    shape, (kernel_size, stride, padding, dilation), _ = lifted(case)
    ceil_mode = case[6]
    tx = torch.from_numpy(x.reshape(shape)).requires_grad_()
    if kind == "max":
        out, indices = torch.nn.functional.max_pool3d(
            tx, kernel_size, stride, padding, dilation, ceil_mode, True
        )
        indices = indices.numpy()
    else:
        out = torch.nn.functional.avg_pool3d(tx, kernel_size, stride, padding, ceil_mode, **options)
        indices = None
    out.backward(torch.from_numpy(grad))
    return out.detach().numpy(), indices, tx.grad.numpy()


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("values", ["random", "ties", "nan"])
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", CASES)
def test_max_pool_matches_torch(name, dtype, values, path):
    forward, backward = path
    case = CASES[name]
    shape, (kernel_size, stride, padding, dilation), out_size = lifted(case)
    x = make_input(case[0], case[1], dtype, values)
    got, indices = forward(
        strided(x).reshape(shape), kernel_size, stride, padding, dilation, out_size
    )
    grad = np.random.default_rng(1).standard_normal(got.shape).astype(dtype)
    grad_input = backward(strided(grad), strided(indices), shape[2:])
    assert got.dtype == dtype and indices.dtype == np.int64 and grad_input.dtype == dtype
    assert grad_input.shape == shape and grad_input.flags.c_contiguous
    if torch is None:
        reference = pool_cpu.max_pool_numpy(
            x.reshape(shape), kernel_size, stride, padding, dilation, out_size
        )
        np.testing.assert_array_equal(got, reference[0])
        np.testing.assert_array_equal(indices, reference[1])
        return
    expected, expected_indices, expected_grad = torch_pool("max", x, grad, case)
    np.testing.assert_array_equal(got, expected)
    np.testing.assert_array_equal(indices, expected_indices)
    tolerance = TOLERANCE[dtype]
    np.testing.assert_allclose(grad_input, expected_grad, rtol=tolerance, atol=tolerance)


@pytest.mark.parametrize("path", AVG_PATHS)
@pytest.mark.parametrize("rule", AVG_RULES, ids=str)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", AVG_CASES)
def test_avg_pool_matches_torch(name, dtype, rule, path):
    forward, backward = path
    count_include_pad, divisor_override = rule
    case = CASES[name]
    shape, (kernel_size, stride, padding, _), out_size = lifted(case)
    x = make_input(case[0], case[1], dtype)
    pool_args = (kernel_size, stride, padding)
    got = forward(strided(x).reshape(shape), *pool_args, out_size, *rule)
    grad = np.random.default_rng(1).standard_normal(got.shape).astype(dtype)
    grad_input = backward(strided(grad), shape[2:], *pool_args, *rule)
    assert got.dtype == dtype and grad_input.dtype == dtype
    assert grad_input.shape == shape and grad_input.flags.c_contiguous
    if torch is None:
        expected = pool_cpu.avg_pool_numpy(x.reshape(shape), *pool_args, out_size, *rule)
        np.testing.assert_array_equal(got, expected)
        return
    expected, _, expected_grad = torch_pool(
        "avg", x, grad, case, count_include_pad=count_include_pad, divisor_override=divisor_override
    )
    np.testing.assert_array_equal(got, expected)
    tolerance = TOLERANCE[dtype]
    np.testing.assert_allclose(grad_input, expected_grad, rtol=tolerance, atol=tolerance)


INF, NAN = np.inf, np.nan
# 1-D rows: values, kernel_size, stride, padding, dilation, expected values and indices.
EDGE_CASES = {
    # padding reads -inf but never wins: an all -inf window returns its first real element
    "-inf-beside-padding": ([-INF, -INF, 3.0], 2, 1, 1, 1, [-INF, -INF, 3.0, 3.0], [0, 0, 2, 2]),
    "first-of-ties": ([2.0, 2.0, 1.0, 2.0], 3, 1, 0, 1, [2.0, 2.0], [0, 1]),
    # a NaN wins over any number, and the last NaN in the window over earlier ones
    "nan-wins": ([1.0, NAN, 2.0, NAN], 4, 1, 0, 1, [NAN], [3]),
    "nan-windows": (
        [3.0, NAN, NAN, 2.0, 5.0, NAN, 1.0, 1.0],
        4,
        2,
        0,
        1,
        [NAN, NAN, NAN],
        [2, 5, 5],
    ),
    # a window with no element in the input (PyTorch returns the index 1, past the plane)
    "window-in-padding": ([5.0], 2, 1, 1, 2, [-INF], [0]),
}


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", EDGE_CASES)
def test_max_pool_tie_nan_and_padding_rules(name, dtype, path):
    forward, _ = path
    row, kernel, stride, padding, dilation, expected, expected_indices = EDGE_CASES[name]
    x = np.array(row, dtype).reshape(1, 1, 1, 1, -1)
    out_size = (1, 1, len(expected))
    values, indices = forward(
        x, (1, 1, kernel), (1, 1, stride), (0, 0, padding), (1, 1, dilation), out_size
    )
    np.testing.assert_array_equal(values.ravel(), np.array(expected, dtype))
    np.testing.assert_array_equal(indices.ravel(), expected_indices)


@pytest.mark.parametrize(
    "backward",
    [pool_cpu.max_pool_backward_numpy, pool_cpu.max_pool_backward],
    ids=["numpy", "numba"],
)
@pytest.mark.parametrize("bad", [-1, 6])
def test_max_pool_backward_rejects_indices_outside_the_plane(backward, bad):
    grad = np.ones((1, 2, 1, 1, 2))
    indices = np.array([0, 5, 1, bad]).reshape(grad.shape)
    with pytest.raises(IndexError, match=rf"max_pool_backward: index {bad} is out of range .*6"):
        backward(grad, indices, (1, 2, 3))


@pytest.mark.skipif(torch is None, reason="PyTorch is not installed")
@pytest.mark.parametrize("dtype", [np.float16, np.int64, np.int32, np.uint8])
def test_other_dtypes_take_the_numpy_path_as_torch(dtype):
    case = CASES["2d-ceil"]  # kernel (3, 2), stride (2, 3), padding 1, ceil_mode
    x = (make_input(case[0], case[1], np.float64) * 40).astype(np.int64).astype(dtype)
    shape, (kernel_size, stride, padding, dilation), out_size = lifted(case)
    values, indices = pool_cpu.max_pool(
        x.reshape(shape), kernel_size, stride, padding, dilation, out_size
    )
    expected, expected_indices = torch.nn.functional.max_pool2d(
        torch.from_numpy(x), (3, 2), (2, 3), 1, ceil_mode=True, return_indices=True
    )
    np.testing.assert_array_equal(values.reshape(expected.shape), expected.numpy())
    np.testing.assert_array_equal(indices.reshape(expected.shape), expected_indices.numpy())
    if dtype == np.int64:  # PyTorch averages no other integer dtype (it truncates toward zero)
        average = pool_cpu.avg_pool(
            x.reshape(shape), kernel_size, stride, padding, out_size, True, None
        )
        expected = torch.nn.functional.avg_pool2d(torch.from_numpy(x), (3, 2), (2, 3), 1, True)
        np.testing.assert_array_equal(average.reshape(expected.shape), expected.numpy())


gpu = pytest.mark.skipif(not nr.cuda.is_available(), reason="needs a CUDA GPU and CuPy")


@pytest.mark.gpu
@gpu
@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
@pytest.mark.parametrize("name", ["1d-ceil-dilated", "2d-overlap", "2d-ceil", "3d"])
def test_cuda_kernels_match_the_cpu(name, dtype):  # pragma: no cover - needs a GPU
    import cupy

    from neurarust.backend.kernels import pool_cuda

    case = CASES[name]
    shape, (kernel_size, stride, padding, dilation), out_size = lifted(case)
    x = make_input(case[0], case[1], dtype, "nan" if dtype != np.float16 else "ties")
    on_gpu = cupy.asarray(strided(x)).reshape(shape)
    values, indices = pool_cuda.max_pool(on_gpu, kernel_size, stride, padding, dilation, out_size)
    expected, expected_indices = pool_cpu.max_pool(
        x.reshape(shape), kernel_size, stride, padding, dilation, out_size
    )
    np.testing.assert_array_equal(values.get(), expected)
    np.testing.assert_array_equal(indices.get(), expected_indices)
    grad = make_input(case[0], out_size, dtype, seed=1).reshape(expected.shape)
    tolerance = 1e-3 if dtype == np.float16 else TOLERANCE[dtype]
    np.testing.assert_allclose(
        pool_cuda.max_pool_backward(cupy.asarray(grad), indices, shape[2:]).get(),
        pool_cpu.max_pool_backward(grad, expected_indices, shape[2:]),
        rtol=tolerance,
        atol=tolerance,
    )
    if set(dilation) != {1}:
        return
    x = np.nan_to_num(x, nan=0.5, neginf=-2.0)
    for rule in AVG_RULES:
        pool_args = (kernel_size, stride, padding)
        np.testing.assert_allclose(
            pool_cuda.avg_pool(cupy.asarray(x).reshape(shape), *pool_args, out_size, *rule).get(),
            pool_cpu.avg_pool(x.reshape(shape), *pool_args, out_size, *rule),
            rtol=tolerance,
        )
        np.testing.assert_allclose(
            pool_cuda.avg_pool_backward(cupy.asarray(grad), shape[2:], *pool_args, *rule).get(),
            pool_cpu.avg_pool_backward(grad, shape[2:], *pool_args, *rule),
            rtol=tolerance,
        )


@pytest.mark.parametrize("dtype", [np.float16, np.float32])
def test_an_empty_batch_gives_empty_results(dtype):
    x = np.zeros((0, 3, 1, 4, 4), dtype)
    windows = ((1, 2, 2), (1, 2, 2), (0, 0, 0))
    values, indices = pool_cpu.max_pool(x, *windows, (1, 1, 1), (1, 2, 2))
    assert values.shape == indices.shape == (0, 3, 1, 2, 2)
    assert pool_cpu.max_pool_backward(values, indices, (1, 4, 4)).shape == x.shape
    average = pool_cpu.avg_pool(x, *windows, (1, 2, 2), True, None)
    assert pool_cpu.avg_pool_backward(average, (1, 4, 4), *windows, True, None).shape == x.shape
