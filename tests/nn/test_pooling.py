"""Pooling functions and modules against PyTorch: max, average, adaptive, LP pooling and
max unpooling, in 1, 2 and 3 spatial dims."""

import math

import numpy as np
import pytest

import neurarust as nr
import neurarust.nn.functional as F

from ..conftest import check_gradients, compare_with_torch, torch

NAN, INF = math.nan, math.inf


def functional(lib):
    """``neurarust.nn.functional`` or ``torch.nn.functional``, by library."""
    return F if lib is nr else torch.nn.functional


def distinct(shape, rng, dtype=np.float64):
    """Values of ``shape`` all at least ``1 / size`` apart, so that no window holds two
    maxima, even after a finite-difference step (tie-free inputs for gradient checks)."""
    size = math.prod(shape)
    return (rng.permutation(size).reshape(shape) / size - 0.5).astype(dtype)


def case_id(case):
    return "-".join(str(part).replace(" ", "") for part in case)


# -- max pooling --------------------------------------------------------------------------

MAX_CASES = [  # (spatial dims, input shape, arguments)
    (1, (2, 3, 9), {"kernel_size": 3, "stride": 2, "padding": 1}),
    (1, (1, 2, 8), {"kernel_size": 2}),
    (1, (3, 7), {"kernel_size": 3, "stride": 1, "padding": 1, "dilation": 2, "ceil_mode": True}),
    (1, (2, 2, 10), {"kernel_size": 4, "stride": 3, "padding": 2, "ceil_mode": True}),
    (2, (2, 3, 7, 9), {"kernel_size": 3, "stride": 2, "padding": 1}),
    (2, (1, 2, 8, 8), {"kernel_size": 2}),
    (2, (3, 6, 5), {"kernel_size": (2, 3), "stride": (1, 2), "padding": 1, "dilation": (2, 1)}),
    (2, (2, 2, 7, 7), {"kernel_size": 3, "stride": 2, "padding": 1, "ceil_mode": True}),
    (2, (1, 1, 5, 6), {"kernel_size": (3, 2), "stride": (2, 3), "dilation": 2, "ceil_mode": True}),
    (3, (1, 2, 4, 5, 6), {"kernel_size": 2}),
    (3, (2, 1, 5, 5, 5), {"kernel_size": 3, "stride": 2, "padding": 1, "ceil_mode": True}),
    (3, (2, 4, 5, 6), {"kernel_size": (1, 2, 3), "stride": (1, 2, 2), "padding": (0, 1, 1)}),
]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("case", MAX_CASES, ids=case_id)
def test_max_pool_matches_torch(case, dtype, rng):
    dims, shape, kwargs = case
    compare_with_torch(
        lambda lib, x: getattr(functional(lib), f"max_pool{dims}d")(
            x, return_indices=True, **kwargs
        ),
        rng.standard_normal(shape).astype(dtype),
    )


@pytest.mark.parametrize("case", MAX_CASES[::3], ids=case_id)
def test_max_pool_variants_match_torch(case, rng):
    dims, shape, kwargs = case
    x = rng.standard_normal(shape).astype(np.float32)
    compare_with_torch(lambda lib, x: getattr(functional(lib), f"max_pool{dims}d")(x, **kwargs), x)
    compare_with_torch(
        lambda lib, x: getattr(functional(lib), f"max_pool{dims}d_with_indices")(x, **kwargs), x
    )


@pytest.mark.parametrize("case", [MAX_CASES[i] for i in (0, 6, 7, 11)], ids=case_id)
def test_max_pool_gradients(case, rng):
    dims, shape, kwargs = case
    pool = getattr(F, f"max_pool{dims}d")
    check_gradients(lambda x: pool(x, **kwargs), distinct(shape, rng), second_order=True)


TIE_AND_NAN_INPUTS = {  # name: a (1, 1, 4, 4) plane
    "all_equal": np.ones((4, 4)),
    "ties": np.array([[1, 2, 2, 0], [2, 1, 0, 2], [3, 3, 1, 1], [1, 3, 1, 3]]),
    "nans": np.array([[1, NAN, 2, 0], [NAN, 1, NAN, NAN], [NAN, 3, 5, 1], [1, 3, 1, NAN]]),
    "infinities": np.array(
        [[-INF, -INF, INF, 2], [-INF, -INF, 1, INF], [0, 0, 0, 0], [1, 0, 1, 0]]
    ),
    "negative": -np.arange(1.0, 17.0).reshape(4, 4),
}
TIE_AND_NAN_POOLS = {  # name: call on (functional f, 4-D input x)
    "max_pool2d": lambda f, x: f.max_pool2d(x, 2, return_indices=True),
    "max_pool2d_padded": lambda f, x: f.max_pool2d(x, 3, 2, 1, return_indices=True),
    "max_pool2d_overlapping": lambda f, x: f.max_pool2d(x, (3, 2), 1, return_indices=True),
    "max_pool2d_dilated": lambda f, x: f.max_pool2d(x, 2, 1, 1, 2, True, return_indices=True),
    "max_pool1d": lambda f, x: f.max_pool1d(x.flatten(1), 3, 2, 1, return_indices=True),
    "max_pool3d": lambda f, x: f.max_pool3d(x.reshape(1, 2, 2, 4), 2, 1, return_indices=True),
    "adaptive_max_pool2d": lambda f, x: f.adaptive_max_pool2d(x, 3, return_indices=True),
    "adaptive_max_pool2d_even": lambda f, x: f.adaptive_max_pool2d(x, 2, return_indices=True),
    "adaptive_max_pool1d": lambda f, x: f.adaptive_max_pool1d(x.flatten(1), 5, True),
    "adaptive_max_pool3d": lambda f, x: f.adaptive_max_pool3d(x.reshape(1, 2, 2, 4), (1, 2, 3)),
}


@pytest.mark.filterwarnings("ignore:invalid value encountered")  # inf - inf in the test's loss
@pytest.mark.parametrize("values", sorted(TIE_AND_NAN_INPUTS))
@pytest.mark.parametrize("pool", sorted(TIE_AND_NAN_POOLS))
def test_max_pool_ties_and_nans_like_torch(pool, values):
    # The first maximum in window order wins a tie, the last NaN wins over everything.
    x = TIE_AND_NAN_INPUTS[values].reshape(1, 1, 4, 4).astype(np.float32)
    compare_with_torch(lambda lib, x: TIE_AND_NAN_POOLS[pool](functional(lib), x), x)


@pytest.mark.parametrize("dtype", [np.int64, np.int32])
def test_max_pool_keeps_integer_dtypes(dtype, rng):
    compare_with_torch(
        lambda lib, x: functional(lib).max_pool2d(x, 3, 2, 1, return_indices=True),
        rng.integers(-50, 50, (2, 3, 5, 6)).astype(dtype),
    )


def test_max_pool_empty_batch():
    values, indices = F.max_pool2d(nr.zeros(0, 2, 4, 4), 2, return_indices=True)
    assert values.shape == indices.shape == (0, 2, 2, 2)


def test_max_pool_backward_is_lean(rng):
    # Without create_graph, backward builds no graph (the engine runs it under no_grad).
    x = nr.from_numpy(rng.standard_normal((1, 2, 4, 4))).requires_grad_()
    F.max_pool2d(x, 2).sum().backward()
    assert x.grad is not None and x.grad.grad_fn is None


# -- average pooling ----------------------------------------------------------------------

AVG_CASES = [  # (spatial dims, input shape, arguments)
    (1, (2, 3, 9), {"kernel_size": 3, "stride": 2, "padding": 1}),
    (1, (3, 8), {"kernel_size": 3, "stride": 2, "padding": 1, "count_include_pad": False}),
    (1, (2, 2, 10), {"kernel_size": 4, "stride": 3, "padding": 2, "ceil_mode": True}),
    (2, (2, 3, 7, 9), {"kernel_size": 3, "stride": 2, "padding": 1}),
    (2, (1, 2, 8, 8), {"kernel_size": 2}),
    (2, (3, 6, 5), {"kernel_size": (2, 3), "stride": (1, 2), "padding": (1, 1)}),
    (2, (2, 1, 7, 7), {"kernel_size": 3, "stride": 2, "padding": 1, "ceil_mode": True}),
    (
        2,
        (2, 1, 7, 7),
        {
            "kernel_size": 3,
            "stride": 2,
            "padding": 1,
            "ceil_mode": True,
            "count_include_pad": False,
        },
    ),
    (2, (1, 2, 5, 6), {"kernel_size": (3, 2), "padding": (1, 0), "divisor_override": 4}),
    (3, (1, 2, 4, 5, 6), {"kernel_size": 2}),
    (3, (2, 1, 5, 5, 5), {"kernel_size": 3, "stride": 2, "padding": 1, "ceil_mode": True}),
    (
        3,
        (2, 4, 5, 6),
        {"kernel_size": (1, 2, 3), "padding": (0, 1, 1), "count_include_pad": False},
    ),
    (3, (1, 1, 3, 4, 5), {"kernel_size": 2, "stride": 1, "divisor_override": -3}),
]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("case", AVG_CASES, ids=case_id)
def test_avg_pool_matches_torch(case, dtype, rng):
    dims, shape, kwargs = case
    compare_with_torch(
        lambda lib, x: getattr(functional(lib), f"avg_pool{dims}d")(x, **kwargs),
        rng.standard_normal(shape).astype(dtype),
    )


@pytest.mark.parametrize("case", [AVG_CASES[i] for i in (0, 5, 7, 8, 11)], ids=case_id)
def test_avg_pool_gradients(case, rng):
    dims, shape, kwargs = case
    pool = getattr(F, f"avg_pool{dims}d")
    check_gradients(lambda x: pool(x, **kwargs), rng.standard_normal(shape), second_order=True)


def test_avg_pool_integers_truncate_like_torch(rng):
    compare_with_torch(
        lambda lib, x: functional(lib).avg_pool2d(x, 2, 1, 1, count_include_pad=False),
        rng.integers(-20, 20, (1, 2, 4, 5)),
    )


# -- adaptive pooling -------------------------------------------------------------------

ADAPTIVE_CASES = [  # (spatial dims, input shape, output size)
    (1, (2, 3, 9), 4),
    (1, (3, 7), 3),
    (1, (1, 2, 5), 8),
    (1, (2, 2, 6), (3,)),
    (2, (2, 3, 7, 9), (4, 5)),
    (2, (1, 2, 8, 8), 4),
    (2, (3, 6, 5), (None, 2)),
    (2, (2, 1, 5, 7), 1),
    (2, (1, 2, 3, 4), (5, 4)),
    (3, (1, 2, 4, 5, 6), (2, 3, 4)),
    (3, (2, 3, 5, 7), (3, None, 2)),
    (3, (1, 1, 4, 6, 2), (2, 3, 1)),
    (3, (2, 2, 3, 3, 3), 1),
]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("case", ADAPTIVE_CASES, ids=case_id)
def test_adaptive_avg_pool_matches_torch(case, dtype, rng):
    dims, shape, size = case
    compare_with_torch(
        lambda lib, x: getattr(functional(lib), f"adaptive_avg_pool{dims}d")(x, size),
        rng.standard_normal(shape).astype(dtype),
    )


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("case", ADAPTIVE_CASES, ids=case_id)
def test_adaptive_max_pool_matches_torch(case, dtype, rng):
    dims, shape, size = case
    compare_with_torch(
        lambda lib, x: getattr(functional(lib), f"adaptive_max_pool{dims}d")(x, size, True),
        rng.standard_normal(shape).astype(dtype),
    )


@pytest.mark.parametrize("case", ADAPTIVE_CASES[::4], ids=case_id)
def test_adaptive_max_pool_with_indices_matches_torch(case, rng):
    dims, shape, size = case
    compare_with_torch(
        lambda lib, x: getattr(functional(lib), f"adaptive_max_pool{dims}d_with_indices")(x, size),
        rng.standard_normal(shape).astype(np.float32),
    )


@pytest.mark.parametrize("case", [ADAPTIVE_CASES[i] for i in (1, 6, 7, 11)], ids=case_id)
@pytest.mark.parametrize("kind", ["avg", "max"])
def test_adaptive_pool_gradients(kind, case, rng):
    dims, shape, size = case
    pool = getattr(F, f"adaptive_{kind}_pool{dims}d")
    check_gradients(lambda x: pool(x, size), distinct(shape, rng), second_order=True)


def test_adaptive_avg_pool_to_the_same_size_copies():
    x = nr.ones(1, 2, 3)
    F.adaptive_avg_pool1d(x, 3).zero_()
    assert x.sum().item() == 6


def test_adaptive_pools_to_size_zero_like_torch():
    for kind in ("avg", "max"):
        out = getattr(F, f"adaptive_{kind}_pool2d")(nr.ones(1, 2, 5, 7), (0, 3))
        assert out.shape == (1, 2, 0, 3)


# -- power-average pooling ----------------------------------------------------------------

LP_CASES = [  # (spatial dims, input shape, norm_type, kernel_size, stride, ceil_mode)
    (1, (2, 3, 9), 2, 3, 2, False),
    (1, (3, 8), 1, 3, None, True),
    (1, (2, 2, 7), INF, 2, 1, False),
    (2, (2, 3, 7, 9), 2, 3, 2, True),
    (2, (1, 2, 6, 5), 3, (2, 3), (1, 2), False),
    (2, (3, 6, 5), -INF, 2, None, False),
    (3, (1, 2, 4, 5, 6), 2, 2, None, False),
    (3, (2, 5, 5, 5), 4, (3, 2, 2), 2, True),
]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("case", LP_CASES, ids=case_id)
def test_lp_pool_matches_torch(case, dtype, rng):
    dims, shape, p, kernel, stride, ceil = case
    compare_with_torch(
        lambda lib, x: getattr(functional(lib), f"lp_pool{dims}d")(x, p, kernel, stride, ceil),
        rng.standard_normal(shape).astype(dtype),
    )


def test_lp_pool_fractional_norm_and_zero_windows_like_torch(rng):
    # p = 1.5 of positive inputs; windows of zeros give a zero gradient, as in PyTorch.
    x = np.abs(rng.standard_normal((1, 2, 4, 6)))
    x[0, 0, :2, :2] = 0
    compare_with_torch(lambda lib, x: functional(lib).lp_pool2d(x, 1.5, 2), x)
    compare_with_torch(lambda lib, x: functional(lib).lp_pool2d(x, 2, 2), x)


@pytest.mark.parametrize(
    "case",
    [*(LP_CASES[i] for i in (0, 2, 4)), (3, (1, 4, 4, 3), 4, (3, 2, 2), 2, True)],
    ids=case_id,
)
def test_lp_pool_gradients(case, rng):
    dims, shape, p, kernel, stride, ceil = case
    pool = getattr(F, f"lp_pool{dims}d")
    check_gradients(
        lambda x: pool(x, p, kernel, stride, ceil), distinct(shape, rng) + 1, second_order=True
    )


# -- max unpooling ----------------------------------------------------------------------

UNPOOL_CASES = [  # (spatial dims, input shape, kernel_size, stride, padding, output_size)
    (1, (2, 3, 8), 2, None, 0, None),
    (1, (3, 9), 3, 2, 1, None),
    (1, (1, 2, 9), 2, 2, 0, (1, 2, 9)),
    (2, (2, 3, 6, 8), 2, None, 0, None),
    (2, (1, 2, 7, 7), 3, 2, 1, (7, 7)),
    (2, (3, 5, 6), (2, 3), (2, 1), (1, 1), (5, 6)),
    (3, (1, 2, 4, 4, 6), 2, None, 0, None),
    (3, (2, 5, 5, 5), 3, 2, 1, (5, 5, 5)),
]


def pooled(case, rng, dtype=np.float32):
    """Values and indices of max pooling an input (the unpooling's inputs), from PyTorch."""
    dims, shape, kernel, stride, padding, _ = case
    x = torch.from_numpy(distinct(shape, rng, dtype))
    pool = getattr(torch.nn.functional, f"max_pool{dims}d")
    values, indices = pool(x, kernel, stride, padding, return_indices=True)
    return values.numpy(), indices.numpy()


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("case", UNPOOL_CASES, ids=case_id)
def test_max_unpool_matches_torch(case, dtype, rng):
    dims, _, kernel, stride, padding, size = case
    compare_with_torch(
        lambda lib, v, i: getattr(functional(lib), f"max_unpool{dims}d")(
            v, i, kernel, stride, padding, size
        ),
        *pooled(case, rng, dtype),
    )


def test_max_unpool_of_overlapping_windows_like_torch():
    # Windows sharing a maximum give its index twice: written once, its gradient gathered
    # twice.
    values, indices = torch.nn.functional.max_pool1d(
        torch.tensor([[[1.0, 5.0, 2.0, 0.0]]]), 2, 1, return_indices=True
    )
    compare_with_torch(
        lambda lib, v, i: functional(lib).max_unpool1d(v, i, 2, 1), values.numpy(), indices.numpy()
    )


# Non-overlapping windows: overlapping ones may share a maximum, whose index appears twice;
# unpooling writes it once but its gradient goes to both (as in PyTorch).
@pytest.mark.parametrize("case", [UNPOOL_CASES[i] for i in (2, 3, 6)], ids=case_id)
def test_max_unpool_gradients(case, rng):
    dims, _, kernel, stride, padding, size = case
    values, indices = pooled(case, rng, np.float64)
    unpool, indices = getattr(F, f"max_unpool{dims}d"), nr.from_numpy(indices)
    check_gradients(
        lambda v: unpool(v, indices, kernel, stride, padding, size), values, second_order=True
    )


def test_max_unpool_inverts_max_pool(rng):
    x = nr.from_numpy(distinct((2, 3, 6, 6), rng) + 1)
    values, indices = F.max_pool2d(x, 2, return_indices=True)
    restored = F.max_unpool2d(values, indices, 2)
    assert nr.equal(F.max_pool2d(restored, 2), values)
    assert nr.equal(restored != 0, F.max_unpool2d(nr.ones_like(values), indices, 2) != 0)


# -- errors -----------------------------------------------------------------------------

X3, X4, X5 = (np.zeros(shape, np.float32) for shape in ((1, 2, 5), (1, 2, 5, 5), (1, 2, 3, 3, 3)))
I4 = np.zeros((1, 2, 2, 2), np.int64)
ERROR_CASES = {  # name: (call on functional f, input, a phrase of our message)
    "kernel_zero": (lambda f, x: f.max_pool2d(x, 0), X4, "kernel_size must be at least 1"),
    "stride_zero": (lambda f, x: f.avg_pool2d(x, 2, 0), X4, "stride must be at least 1"),
    "dilation_zero": (lambda f, x: f.max_pool2d(x, 2, dilation=0), X4, "dilation must be at"),
    "negative_padding": (lambda f, x: f.max_pool2d(x, 3, padding=-1), X4, "padding must be at"),
    "kernel_length": (lambda f, x: f.max_pool2d(x, (2, 2, 2)), X4, r"tuple of 2 ints"),
    "avg_kernel_length": (lambda f, x: f.avg_pool3d(x, (2, 2)), X5, r"tuple of 3 ints"),
    "max_pad_too_large": (lambda f, x: f.max_pool2d(x, 3, padding=2), X4, "pad should be at"),
    "dilated_pad": (lambda f, x: f.max_pool2d(x, 3, 1, 2, 2), X4, "half of kernel size"),
    "avg_pad_too_large": (lambda f, x: f.avg_pool1d(x, 3, padding=2), X3, "pad should be at"),
    "too_small": (lambda f, x: f.max_pool2d(x, 6), X4, "too small"),
    "avg_too_small": (lambda f, x: f.avg_pool1d(x, 6), X3, "too small"),
    "rank_1d": (lambda f, x: f.max_pool1d(x, 2), X4, "expected a 2-D"),
    "rank_2d": (lambda f, x: f.avg_pool2d(x, 2), X5, "expected a 3-D"),
    "rank_3d": (lambda f, x: f.max_pool3d(x, 2), X3, "expected a 4-D"),
    "float_kernel": (lambda f, x: f.max_pool2d(x, 2.5), X4, "kernel_size must be an int"),
    "bool_max": (lambda f, x: f.max_pool2d(x.bool(), 2), X4, "not implemented for bool"),
    "divisor_zero": (lambda f, x: f.avg_pool2d(x, 2, divisor_override=0), X4, "must be not zero"),
    "divisor_float": (
        lambda f, x: f.avg_pool2d(x, 2, divisor_override=2.5),
        X4,
        "argument 'divisor_override' must be int",
    ),
    "adaptive_integer": (lambda f, x: f.adaptive_avg_pool2d(x.long(), 2), X4, "not implemented"),
    "adaptive_max_int": (lambda f, x: f.adaptive_max_pool1d(x.long(), 2), X3, "not implemented"),
    "adaptive_negative": (lambda f, x: f.adaptive_avg_pool2d(x, -1), X4, "at least 0"),
    "adaptive_length": (lambda f, x: f.adaptive_avg_pool2d(x, (2, 2, 2)), X4, "tuple of 2"),
    "adaptive_max_length": (lambda f, x: f.adaptive_max_pool1d(x, (2, 2)), X3, "tuple of 1"),
    "adaptive_empty": (
        lambda f, x: f.adaptive_avg_pool2d(x[:, :, :0], 2),
        X4,
        "non-zero size for non-batch dimensions",
    ),
    "adaptive_rank": (lambda f, x: f.adaptive_max_pool2d(x, 2), X3[0, 0], "expected a 3-D"),
    "unpool_index_range": (
        lambda f, x: f.max_unpool2d(
            x[:, :, :2, :2], f.max_pool2d(x, 2, return_indices=True)[1] + 20, 2
        ),
        X4,
        "invalid max index: 3",
    ),
    "unpool_negative_index": (
        lambda f, x: f.max_unpool2d(
            x[:, :, :2, :2], f.max_pool2d(x, 2, return_indices=True)[1] - 9, 2
        ),
        X4,
        "invalid max index: -",
    ),
    "unpool_index_dtype": (
        lambda f, x: f.max_unpool2d(x[:, :, :2, :2], x[:, :, :2, :2].int(), 2),
        X4,
        "should be type int64",
    ),
    "unpool_index_shape": (
        lambda f, x: f.max_unpool2d(x[:, :, :2, :2], x[:, :, :2, :1].long(), 2),
        X4,
        "Expected shape of indices",
    ),
    "unpool_output_size": (
        lambda f, x: f.max_unpool2d(x[:, :, :2, :2], x[:, :, :2, :2].long(), 2, output_size=(7, 4)),
        X4,
        r"dim 0 must be between 2 and 6",
    ),
    "unpool_output_length": (
        lambda f, x: f.max_unpool2d(x[:, :, :2, :2], x[:, :, :2, :2].long(), 2, output_size=(4,)),
        X4,
        "containing 2 or 4 elements",
    ),
}
# Where our message also holds PyTorch's (elsewhere PyTorch's comes from its argument
# parser or a C++ check in other words: the exception type is compared).
SAME_MESSAGE = {
    "divisor_zero",
    "divisor_float",
    "unpool_index_shape",
    "unpool_output_size",
    "unpool_output_length",
}


@pytest.mark.parametrize("name", sorted(ERROR_CASES))
def test_errors_like_torch(name):
    call, x, phrase = ERROR_CASES[name]
    with pytest.raises(Exception) as theirs:
        call(torch.nn.functional, torch.from_numpy(x))
    with pytest.raises(theirs.type, match=phrase) as ours:
        call(F, nr.from_numpy(x))
    if name in SAME_MESSAGE:
        assert str(theirs.value).split(": ")[-1] in str(ours.value)


# -- modules ----------------------------------------------------------------------------

MODULES = [  # (class name, constructor arguments, input shape)
    ("MaxPool1d", {"kernel_size": 3, "stride": 2, "padding": 1}, (2, 3, 9)),
    ("MaxPool2d", {"kernel_size": 2}, (1, 2, 6, 6)),
    (
        "MaxPool2d",
        {"kernel_size": (3, 2), "stride": 1, "dilation": (1, 2), "ceil_mode": True},
        (2, 5, 7),
    ),
    ("MaxPool2d", {"kernel_size": [2, 2], "stride": [1, 1], "return_indices": True}, (1, 2, 4, 5)),
    ("MaxPool3d", {"kernel_size": (1, 2, 2), "padding": (0, 1, 1)}, (1, 2, 3, 4, 5)),
    (
        "AvgPool1d",
        {"kernel_size": 3, "stride": 2, "count_include_pad": False, "padding": 1},
        (2, 3, 9),
    ),
    ("AvgPool1d", {"kernel_size": [2]}, (3, 8)),
    (
        "AvgPool2d",
        {"kernel_size": (2, 3), "stride": (1, 2), "padding": 1, "ceil_mode": True},
        (1, 2, 6, 7),
    ),
    ("AvgPool2d", {"kernel_size": 2, "divisor_override": 3}, (2, 5, 6)),
    ("AvgPool3d", {"kernel_size": 2, "stride": 1}, (1, 2, 3, 4, 5)),
    ("AdaptiveAvgPool1d", {"output_size": 3}, (2, 3, 8)),
    ("AdaptiveAvgPool2d", {"output_size": (2, None)}, (1, 2, 5, 7)),
    ("AdaptiveAvgPool2d", {"output_size": [1, 1]}, (1, 2, 5, 7)),
    ("AdaptiveAvgPool3d", {"output_size": 2}, (2, 3, 5, 4)),
    ("AdaptiveMaxPool1d", {"output_size": 3}, (2, 3, 8)),
    ("AdaptiveMaxPool2d", {"output_size": (3, 4), "return_indices": True}, (1, 2, 5, 7)),
    ("AdaptiveMaxPool3d", {"output_size": (2, 1, 3)}, (1, 2, 3, 4, 5)),
    ("LPPool1d", {"norm_type": 2, "kernel_size": 3}, (2, 3, 9)),
    (
        "LPPool2d",
        {"norm_type": 1.5, "kernel_size": (2, 3), "stride": 1, "ceil_mode": True},
        (1, 2, 4, 5),
    ),
    ("LPPool3d", {"norm_type": 3, "kernel_size": 2}, (1, 2, 4, 4, 5)),
]


@pytest.mark.parametrize("case", MODULES, ids=case_id)
def test_modules_match_torch(case, rng):
    name, kwargs, shape = case
    ours, theirs = getattr(nr.nn, name)(**kwargs), getattr(torch.nn, name)(**kwargs)
    assert repr(ours) == repr(theirs)
    assert list(ours.state_dict()) == list(theirs.state_dict()) == []
    x = rng.standard_normal(shape).astype(np.float32)
    if name.startswith("LP"):
        x = np.abs(x)
    compare_with_torch(lambda lib, x: (ours if lib is nr else theirs)(x), x)


UNPOOL_MODULES = [  # (dims, constructor arguments, input shape, output size)
    (1, {"kernel_size": 2}, (2, 3, 8), None),
    (2, {"kernel_size": 3, "stride": 2, "padding": 1}, (1, 2, 7, 7), (7, 7)),
    (2, {"kernel_size": [2, 2], "stride": [2, 1]}, (2, 4, 5), None),
    (3, {"kernel_size": 2}, (1, 2, 4, 4, 6), None),
]


@pytest.mark.parametrize("case", UNPOOL_MODULES, ids=case_id)
def test_unpool_modules_match_torch(case, rng):
    dims, kwargs, shape, size = case
    ours = getattr(nr.nn, f"MaxUnpool{dims}d")(**kwargs)
    theirs = getattr(torch.nn, f"MaxUnpool{dims}d")(**kwargs)
    assert repr(ours) == repr(theirs)
    pool = getattr(torch.nn, f"MaxPool{dims}d")(**kwargs, return_indices=True)
    values, indices = pool(torch.from_numpy(distinct(shape, rng, np.float32)))
    compare_with_torch(
        lambda lib, v, i: (ours if lib is nr else theirs)(v, i, size),
        values.numpy(),
        indices.numpy(),
    )


@pytest.mark.parametrize(
    "pool", [lambda F, x: F.max_pool2d(x, (2,), stride=[1]), lambda F, x: F.avg_pool2d(x, [3])]
)
def test_one_element_sizes_count_as_ints_like_torch(pool, rng):
    compare_with_torch(lambda lib, x: pool(lib.nn.functional, x), rng.standard_normal((2, 3, 6, 6)))
