"""Random sampling (neurarust.ops.sampling): streams, distributions, dtypes, errors.

Streams differ from PyTorch's by design, so PyTorch is the oracle for dtypes,
shapes, gradients, ranges and errors only; the values are checked statistically
with fixed seeds. With n = 100k samples the standard error of a mean is
std / 316, and the tolerances below are 5 standard errors (a false alarm has
probability below 1e-6 per check, and the seeds are fixed anyway).
"""

import math
import re
import warnings

import numpy as np
import pytest

import neurarust as nr

from .conftest import check_gradients, compare_with_torch

N = 100_000


def _sem(std):
    """Five standard errors of the mean of N samples."""
    return 5 * std / math.sqrt(N)


# name -> one call of each sampler with generator g (12 values)
SAMPLERS = {
    "bernoulli": lambda g: nr.bernoulli(nr.full((3, 4), 0.5), generator=g),
    "bernoulli_p": lambda g: nr.bernoulli(nr.zeros(3, 4), 0.5, generator=g),
    "multinomial": lambda g: nr.multinomial(nr.ones(2, 6), 6, generator=g),
    "multinomial_replacement": lambda g: nr.multinomial(
        nr.tensor([1.0, 2.0, 3.0]), 12, True, generator=g
    ),
    "poisson": lambda g: nr.poisson(nr.full((3, 4), 5.0), generator=g),
    "bernoulli_": lambda g: nr.empty(3, 4).bernoulli_(0.5, generator=g),
    "bernoulli_tensor": lambda g: nr.empty(3, 4).bernoulli_(nr.full((4,), 0.5), generator=g),
    "normal_": lambda g: nr.empty(3, 4).normal_(generator=g),
    "uniform_": lambda g: nr.empty(3, 4).uniform_(-1, 1, generator=g),
    "exponential_": lambda g: nr.empty(3, 4).exponential_(generator=g),
    "random_": lambda g: nr.empty(3, 4, dtype=nr.int64).random_(generator=g),
    "geometric_": lambda g: nr.empty(3, 4).geometric_(0.2, generator=g),
    "log_normal_": lambda g: nr.empty(3, 4).log_normal_(generator=g),
    "cauchy_": lambda g: nr.empty(3, 4).cauchy_(generator=g),
}
NAMES = sorted(SAMPLERS)


def draw(name, generator=None):
    return SAMPLERS[name](generator).numpy()


# -- streams ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_same_seed_gives_the_same_stream(name):
    nr.manual_seed(123)
    first = [draw(name) for _ in range(3)]
    nr.manual_seed(123)
    again = [draw(name) for _ in range(3)]
    assert all(np.array_equal(a, b) for a, b in zip(first, again))
    assert not all(np.array_equal(first[0], other) for other in first[1:])  # it moves on
    nr.manual_seed(124)
    assert not np.array_equal(draw(name), first[0])


@pytest.mark.parametrize("name", NAMES)
def test_generator_state_replays(name):
    g = nr.Generator().manual_seed(5)
    draw(name, g)
    state = g.get_state()
    expected = [draw(name, g) for _ in range(2)]
    g.set_state(state)
    assert all(np.array_equal(draw(name, g), e) for e in expected)


@pytest.mark.parametrize("name", NAMES)
def test_explicit_generator_is_independent_of_the_default(name):
    g = nr.Generator().manual_seed(7)
    expected = draw(name, g)
    g.manual_seed(7)
    nr.manual_seed(7)
    draw(name)  # drawing from the default stream does not move g ...
    assert np.array_equal(draw(name, g), expected)
    nr.manual_seed(7)
    assert np.array_equal(draw(name), expected)  # ... and g did not move the default one


def test_generator_of_another_device_is_refused():
    g = nr.Generator("cuda:1")  # naming the device needs no GPU
    for call in (
        lambda: nr.bernoulli(nr.zeros(2), generator=g),
        lambda: nr.multinomial(nr.ones(2), 1, generator=g),
        lambda: nr.poisson(nr.ones(2), g),
        lambda: nr.zeros(2).normal_(generator=g),
    ):
        with pytest.raises(
            RuntimeError, match="expected a generator on cpu, but got one on cuda:1"
        ):
            call()


# -- distributions ---------------------------------------------------------------------

LOGNORMAL_MU, LOGNORMAL_SIGMA = 0.5, 0.4
LOGNORMAL_MEAN = math.exp(LOGNORMAL_MU + LOGNORMAL_SIGMA**2 / 2)
LOGNORMAL_STD = LOGNORMAL_MEAN * math.sqrt(math.exp(LOGNORMAL_SIGMA**2) - 1)


def _filled(method, *args):
    return lambda: getattr(nr.empty(N, dtype=nr.float64), method)(*args)


# sampler -> (mean, std) of its distribution
MOMENTS = {
    "bernoulli": (lambda: nr.bernoulli(nr.full((N,), 0.3, dtype=nr.float64)), 0.3, 0.21**0.5),
    "bernoulli_p": (
        lambda: nr.bernoulli(nr.zeros(N, dtype=nr.int64), 0.7).double(),
        0.7,
        0.21**0.5,
    ),
    "bernoulli_": (_filled("bernoulli_", 0.3), 0.3, 0.21**0.5),
    "bernoulli_tensor": (  # p = 0.1 and 0.5 in turn: a 0/1 variable of mean 0.3
        lambda: nr.empty(N // 2, 2, dtype=nr.float64).bernoulli_(nr.tensor([0.1, 0.5])),
        0.3,
        0.21**0.5,
    ),
    "poisson": (lambda: nr.poisson(nr.full((N,), 4.0, dtype=nr.float64)), 4.0, 2.0),
    "normal_": (_filled("normal_", 3.0, 2.0), 3.0, 2.0),
    "uniform_": (_filled("uniform_", 2.0, 5.0), 3.5, 3 / 12**0.5),
    "exponential_": (_filled("exponential_", 2.0), 0.5, 0.5),
    "random_": (_filled("random_", 0, 10), 4.5, (99 / 12) ** 0.5),
    "geometric_": (_filled("geometric_", 0.3), 1 / 0.3, 0.7**0.5 / 0.3),
    "log_normal_": (
        _filled("log_normal_", LOGNORMAL_MU, LOGNORMAL_SIGMA),
        LOGNORMAL_MEAN,
        LOGNORMAL_STD,
    ),
}


@pytest.mark.parametrize("name", sorted(MOMENTS))
def test_mean_and_std(name):
    make, mean, std = MOMENTS[name]
    nr.manual_seed(0)
    values = make().numpy()
    assert values.size == N
    assert abs(values.mean() - mean) < _sem(std)
    # The sample std's standard error is at most ~0.5% for these (light-tailed)
    # distributions; 3% leaves a wide margin.
    assert abs(values.std() - std) < 0.03 * std


def test_cauchy_quantiles():
    # No mean or variance; the median and quartiles are median -/+ sigma, and their
    # standard error is about pi * sigma / (2 sqrt(N)) = 0.005 sigma.
    nr.manual_seed(0)
    values = nr.empty(N, dtype=nr.float64).cauchy_(1.0, 2.0).numpy()
    q1, median, q3 = np.quantile(values, [0.25, 0.5, 0.75])
    assert abs(median - 1.0) < 0.05 and abs(q1 + 1.0) < 0.05 and abs(q3 - 3.0) < 0.05


@pytest.mark.parametrize(
    "method, args, low, high",
    [
        ("uniform_", (2, 5), 2, 5),
        ("exponential_", (), 0, math.inf),
        ("log_normal_", (0, 1), 0, math.inf),
    ],
)
@pytest.mark.parametrize("dtype", [nr.float16, nr.float32, nr.float64])
def test_support(method, args, low, high, dtype):
    nr.manual_seed(0)
    values = getattr(nr.empty(N, dtype=dtype), method)(*args).numpy().astype(np.float64)
    assert np.isfinite(values).all() and values.min() >= low and values.max() <= high


def test_geometric_is_a_positive_integer():
    nr.manual_seed(0)
    values = nr.empty(N, dtype=nr.int32).geometric_(0.5).numpy()
    assert values.min() == 1
    # P(X = k) = 0.5^k
    frequencies = np.bincount(values, minlength=4)[1:4] / N
    assert np.allclose(frequencies, [0.5, 0.25, 0.125], atol=5 * 0.5 / math.sqrt(N))


# -- multinomial -----------------------------------------------------------------------


def _assert_frequencies(indices, probabilities):
    """Each category's frequency within 5 standard errors of its probability."""
    counts = np.bincount(indices.ravel(), minlength=len(probabilities))
    p = np.asarray(probabilities, dtype=np.float64)
    sem = np.sqrt(p * (1 - p) / indices.size)
    assert np.all(np.abs(counts / indices.size - p) <= 5 * sem + 1e-12), counts


def test_multinomial_with_replacement_frequencies():
    nr.manual_seed(0)
    weights = [1.0, 0.0, 2.0, 5.0]  # need not sum to 1
    picks = nr.multinomial(nr.tensor(weights), N, replacement=True).numpy()
    _assert_frequencies(picks, np.array(weights) / 8)


def test_multinomial_with_replacement_keeps_rows_apart():
    # Alternating one-hot rows: a draw that leaked into a neighbouring row would show.
    nr.manual_seed(0)
    rows = nr.tensor([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]] * 2000, dtype=nr.float32)
    picks = nr.multinomial(rows, 25, replacement=True).numpy()
    assert picks.shape == (4000, 25)
    assert (picks[0::2] == 1).all() and (picks[1::2] == 0).all()
    mixed = nr.tensor([[1.0, 3.0], [3.0, 1.0]] * (N // 20))
    picks = nr.multinomial(mixed, 10, replacement=True).numpy()
    _assert_frequencies(picks[0::2], [0.25, 0.75])
    _assert_frequencies(picks[1::2], [0.75, 0.25])


def test_multinomial_without_replacement_is_an_ordered_draw():
    # P(first = i, second = j) = w_i / W * w_j / (W - w_i) for sequential draws.
    nr.manual_seed(0)
    w = np.array([1.0, 2.0, 3.0, 4.0])
    picks = nr.multinomial(nr.tensor(np.tile(w, (N, 1))), 2).numpy()
    assert (picks[:, 0] != picks[:, 1]).all()
    pairs = w[:, None] / w.sum() * w[None, :] / (w.sum() - w[:, None])
    np.fill_diagonal(pairs, 0)
    _assert_frequencies(picks[:, 0] * 4 + picks[:, 1], pairs.ravel())


def test_multinomial_without_replacement_gives_distinct_indices_and_respects_zeros():
    nr.manual_seed(0)
    weights = nr.tensor([[0.0, 5.0, 0.0, 1.0, 1e-3, 2.0]] * 1000)
    picks = nr.multinomial(weights, 4).numpy()
    assert (np.sort(picks, axis=1) == [1, 3, 4, 5]).all()  # the four non-zero ones
    # As in PyTorch, once the non-zero categories are used up the zero ones follow.
    every = nr.multinomial(weights, 6).numpy()
    assert (np.sort(every[:, :4], axis=1) == [1, 3, 4, 5]).all()
    assert (np.sort(every[:, 4:], axis=1) == [0, 2]).all()


# -- random_ ranges, checked against torch ----------------------------------------------

# (dtype, bounds) -> inclusive range of the draws
RANDOM_RANGES = {
    ("bool", ()): (0, 1),
    ("uint8", ()): (0, 255),
    ("int8", ()): (0, 127),
    ("int16", (-5, 5)): (-5, 4),
    ("int32", (7,)): (0, 6),
    ("int64", (3, None)): (3, 2**63 - 1),
    ("int64", (-(2**63), None)): (-(2**63), 2**63 - 1),
    ("float16", ()): (0, 2**11),
    ("float32", ()): (0, 2**24),
    ("float64", ()): (0, 2**53),
    ("float32", (100, None)): (100, 2**24),
    ("float64", (-3, 3)): (-3, 2),
    ("uint8", (250, None)): (250, 255),
}


@pytest.mark.parametrize("dtype, bounds", list(RANDOM_RANGES))
def test_random_range_matches_torch(dtype, bounds):
    torch = pytest.importorskip("torch")
    low, high = RANDOM_RANGES[dtype, bounds]
    for lib in (nr, torch):
        values = lib.empty(20_000, dtype=getattr(lib, dtype)).random_(*bounds).numpy()
        values = values.astype(np.float64 if values.dtype.kind == "f" else object)
        assert low <= values.min() and values.max() <= high, lib.__name__
        if high - low < 10:  # every value shows up
            assert len(set(values.tolist())) == high - low + 1, lib.__name__
        else:  # the top quarter of the range is reached
            assert values.max() >= high - (high - low) // 4, lib.__name__


def test_random_warns_beyond_the_exact_integers_of_a_float_dtype():
    torch = pytest.importorskip("torch")
    for lib in (nr, torch):
        with pytest.warns(UserWarning, match="to - 1"):
            lib.zeros(3).random_(0, 2**30)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        nr.zeros(3).random_(0, 2**24 + 1)


# -- in-place behaviour and autograd --------------------------------------------------

FILLS = {
    "bernoulli_": (),
    "normal_": (1.0, 2.0),
    "uniform_": (2.0, 3.0),
    "exponential_": (),
    "random_": (5,),
    "geometric_": (0.5,),
    "log_normal_": (),
    "cauchy_": (),
}


@pytest.mark.parametrize("method", sorted(FILLS))
def test_fill_writes_through_a_strided_view_and_bumps_the_version(method):
    base = nr.full((4, 6), -7.0)
    view = base[1:3, ::2]
    version = view._version[0]
    assert getattr(view, method)(*FILLS[method]) is view
    assert view._version[0] == base._version[0] == version + 1
    changed = base.numpy() != -7.0
    assert changed[1:3, ::2].any() and not changed[0].any() and not changed[:, 1::2].any()


@pytest.mark.parametrize("method", sorted(FILLS))
def test_fill_on_a_leaf_that_requires_grad_needs_no_grad(method):
    torch = pytest.importorskip("torch")
    for lib in (nr, torch):
        x = lib.zeros(3, requires_grad=True)
        with pytest.raises(RuntimeError, match="a leaf Variable that requires grad"):
            getattr(x, method)(*FILLS[method])
        with lib.no_grad():
            getattr(x, method)(*FILLS[method])
        assert x.requires_grad and x.grad_fn is None


def test_refused_fill_does_not_move_the_stream():
    g = nr.Generator().manual_seed(0)
    with pytest.raises(RuntimeError):
        nr.zeros(3, requires_grad=True).normal_(generator=g)
    expected = nr.randn(3, generator=nr.Generator().manual_seed(0))
    assert np.array_equal(nr.empty(3).normal_(generator=g).numpy(), expected.numpy())


# Functions of float inputs whose gradient PyTorch defines as zero
ZERO_GRADIENTS = {
    "fill_of_non_leaf": lambda lib, x, g=None: (x * 2).normal_(generator=g),
    "bernoulli": lambda lib, x, g=None: lib.bernoulli(x, generator=g),
    "poisson": lambda lib, x, g=None: lib.poisson(x * 4, generator=g),
    "bernoulli_tensor_p": lambda lib, x, g=None: lib.zeros(2, 3, dtype=x.dtype).bernoulli_(
        x, generator=g
    ),
}


@pytest.mark.parametrize("name", sorted(ZERO_GRADIENTS))
def test_samples_have_zero_gradient_like_torch(name, rng):
    def gradient(lib, x):
        out = ZERO_GRADIENTS[name](lib, x)
        assert out.requires_grad and out.grad_fn is not None
        (out * 3).sum().backward()
        return x.grad

    compare_with_torch(gradient, rng.uniform(0.1, 0.9, (2, 3)))


@pytest.mark.parametrize("name", sorted(ZERO_GRADIENTS))
def test_gradcheck(name, rng):
    # A freshly seeded generator per call: the finite differences see the same samples.
    def fn(x):
        return ZERO_GRADIENTS[name](nr, x, nr.Generator().manual_seed(0))

    check_gradients(fn, rng.uniform(0.1, 0.9, (2, 3)), second_order=True)


# -- dtypes, shapes and errors against torch --------------------------------------------

CALLS = {
    "bernoulli_f16": lambda lib: lib.bernoulli(lib.full((2, 3), 0.5, dtype=lib.float16)),
    "bernoulli_f64_0d": lambda lib: lib.bernoulli(lib.tensor(0.5, dtype=lib.float64)),
    "bernoulli_p_int": lambda lib: lib.bernoulli(lib.zeros(4, dtype=lib.int64), 0.5),
    "bernoulli_p_bool": lambda lib: lib.bernoulli(lib.zeros(4, dtype=lib.bool), p=0.5),
    "bernoulli_method": lambda lib: lib.full((3,), 0.2).bernoulli(),
    "multinomial_1d": lambda lib: lib.multinomial(lib.tensor([1.0, 2.0, 0.0]), 2),
    "multinomial_2d": lambda lib: lib.multinomial(lib.ones(3, 5, dtype=lib.float64), 4, True),
    "multinomial_f16": lambda lib: lib.multinomial(lib.ones(5, dtype=lib.float16), 5),
    "multinomial_method": lambda lib: lib.ones(2, 4).multinomial(num_samples=3),
    "multinomial_no_rows": lambda lib: lib.multinomial(lib.ones(0, 3), 2),
    "multinomial_no_rows_no_categories": lambda lib: lib.multinomial(lib.ones(0, 0), 2, True),
    "poisson_f16": lambda lib: lib.poisson(lib.ones(2, 2, dtype=lib.float16)),
    "poisson_f64_zero": lambda lib: lib.poisson(lib.zeros(3, dtype=lib.float64)),
    "bernoulli__int": lambda lib: lib.zeros(2, 2, dtype=lib.int32).bernoulli_(0.3),
    "bernoulli__bool_tensor_p": lambda lib: lib.zeros(2, 2, dtype=lib.bool).bernoulli_(lib.ones(2)),
    "bernoulli__f64_p_f16": lambda lib: lib.zeros(2, dtype=lib.float64).bernoulli_(
        lib.ones(1, dtype=lib.float16)
    ),
    "normal__f16": lambda lib: lib.zeros(2, 3, dtype=lib.float16).normal_(mean=1, std=2),
    "normal__std_0": lambda lib: lib.zeros(3).normal_(2, 0),
    "uniform__from_keyword": lambda lib: lib.zeros(3, dtype=lib.float64).uniform_(
        **{"from": 2, "to": 3}
    ),
    "uniform__empty_range": lambda lib: lib.zeros(3).uniform_(1, 1),
    "exponential__lambd_kw": lambda lib: lib.zeros(3, dtype=lib.float16).exponential_(lambd=3),
    "exponential__inf": lambda lib: lib.zeros(3).exponential_(math.inf),
    "random__to_kw": lambda lib: lib.zeros(3, dtype=lib.int8).random_(to=3),
    "random__from_to": lambda lib: lib.zeros(3, dtype=lib.int64).random_(1, to=2),
    "geometric__uint8": lambda lib: lib.zeros(3, dtype=lib.uint8).geometric_(p=0.9),
    "log_normal__kw": lambda lib: lib.zeros(3, dtype=lib.float64).log_normal_(mean=0, std=1),
    "cauchy__kw": lambda lib: lib.zeros(2, 2).cauchy_(median=1, sigma=0.5),
    "fill_empty": lambda lib: lib.zeros(0).normal_(),
}


@pytest.mark.parametrize("name", sorted(CALLS))
def test_dtypes_and_shapes_match_torch(name):
    torch = pytest.importorskip("torch")
    ours, theirs = CALLS[name](nr), CALLS[name](torch)
    assert tuple(ours.shape) == tuple(theirs.shape)
    assert ours.dtype.name == str(theirs.dtype).removeprefix("torch.")
    assert ours.requires_grad == theirs.requires_grad
    if name in ("normal__std_0", "uniform__empty_range", "exponential__inf", "random__from_to"):
        assert np.array_equal(ours.numpy(), theirs.numpy())  # deterministic edge values


# call -> what our message says (the exception type must be torch's)
ERRORS = {
    "bernoulli_int_probabilities": (
        lambda lib: lib.bernoulli(lib.tensor([0, 1])),
        "bernoulli: expected input with a floating point dtype, but got int64",
    ),
    "bernoulli_probability_above_1": (
        lambda lib: lib.bernoulli(lib.tensor([0.0, 1.5])),
        r"bernoulli: expected all elements of input to be in \[0, 1\], but found 1.5",
    ),
    "bernoulli_nan": (lambda lib: lib.bernoulli(lib.tensor([math.nan])), "found nan"),
    "bernoulli_p": (
        lambda lib: lib.bernoulli(lib.zeros(2), 1.5),
        r"p to be in \[0, 1\], but got p=1.5",
    ),
    "bernoulli_list": (
        lambda lib: lib.bernoulli([0.5]),
        "argument 'input' must be Tensor, not list",
    ),
    "multinomial_0d": (lambda lib: lib.multinomial(lib.tensor(1.0), 1), "1 or 2 dim, but got 0"),
    "multinomial_3d": (lambda lib: lib.multinomial(lib.ones(2, 2, 2), 1), "1 or 2 dim, but got 3"),
    "multinomial_int": (
        lambda lib: lib.multinomial(lib.tensor([1, 2]), 1),
        "expected input with a floating point dtype, but got int64",
    ),
    "multinomial_too_many": (
        lambda lib: lib.multinomial(lib.ones(4), 5),
        r"without replacement \(num_samples=5, 4 categories\)",
    ),
    "multinomial_no_categories": (
        lambda lib: lib.multinomial(lib.zeros(0), 1),
        "without replacement",
    ),
    "multinomial_zero_samples": (lambda lib: lib.multinomial(lib.ones(3), 0), "n_sample <= 0"),
    "multinomial_float_samples": (
        lambda lib: lib.multinomial(lib.ones(3), 2.0),
        "argument 'num_samples' must be int, not float",
    ),
    "multinomial_negative": (
        lambda lib: lib.multinomial(lib.tensor([1.0, -1.0]), 1),
        "element < 0",
    ),
    "multinomial_inf": (lambda lib: lib.multinomial(lib.tensor([1.0, math.inf]), 1, True), "`inf`"),
    "multinomial_nan": (lambda lib: lib.multinomial(lib.tensor([math.nan, 1.0]), 1), "`nan`"),
    "multinomial_zero_row": (
        lambda lib: lib.multinomial(lib.tensor([[1.0, 1.0], [0.0, 0.0]]), 1, True),
        r"sum of probabilities <= 0",
    ),
    "multinomial_categories_no_rows": (
        lambda lib: lib.multinomial(lib.ones(2, 0), 1, True),
        "sum of",
    ),
    "multinomial_too_many_categories": (
        lambda lib: lib.multinomial(lib.ones(2**24 + 1), 1),
        r"cannot exceed 2\^24",
    ),
    "poisson_int": (
        lambda lib: lib.poisson(lib.tensor([1, 2])),
        "poisson: expected input with a floating point dtype, but got int64",
    ),
    "poisson_negative": (
        lambda lib: lib.poisson(lib.tensor([1.0, -2.0])),
        "expected rate to be non-negative, but found -2.0",
    ),
    "poisson_nan": (lambda lib: lib.poisson(lib.tensor([math.nan])), "non-negative, but found nan"),
    "bernoulli__p": (lambda lib: lib.zeros(2).bernoulli_(-0.1), r"bernoulli_: .*got p=-0.1"),
    "bernoulli__p_nan": (lambda lib: lib.zeros(2).bernoulli_(math.nan), "got p=nan"),
    "bernoulli__int_p": (
        lambda lib: lib.zeros(2).bernoulli_(lib.tensor([1, 0])),
        "expected p with a floating point dtype, but got int64",
    ),
    "bernoulli__p_shape": (
        lambda lib: lib.zeros(3).bernoulli_(lib.ones(2)),
        r"p of shape \[2\] can't be broadcast to the tensor's shape \[3\]",
    ),
    "bernoulli__p_bigger": (lambda lib: lib.zeros(3).bernoulli_(lib.ones(2, 3)), "broadcast"),
    "bernoulli__p_values": (
        lambda lib: lib.zeros(2).bernoulli_(lib.tensor([0.5, 2.0])),
        "found 2.0",
    ),
    "normal__int": (
        lambda lib: lib.zeros(2, dtype=lib.int64).normal_(),
        "normal_: expected a tensor with a floating point dtype, but got int64",
    ),
    "normal__bool": (lambda lib: lib.zeros(2, dtype=lib.bool).normal_(), "but got bool"),
    "normal__std": (lambda lib: lib.zeros(2).normal_(0, -1), r"std >= 0.0, but found std -1.0"),
    "normal__std_nan": (lambda lib: lib.zeros(2).normal_(0, math.nan), "found std nan"),
    "normal__positional_generator": (
        lambda lib: lib.zeros(2).normal_(0, 1, None),
        "takes from 1 to 3 positional arguments",
    ),
    "uniform__int": (lambda lib: lib.zeros(2, dtype=lib.uint8).uniform_(), "but got uint8"),
    "uniform__reversed": (
        lambda lib: lib.zeros(2).uniform_(2, 1),
        r"expected a \[from, to\) range, but found from=2.0 > to=1.0",
    ),
    "uniform__nan": (lambda lib: lib.zeros(2).uniform_(math.nan, 1), "from=nan is out of bounds"),
    "uniform__inf": (
        lambda lib: lib.zeros(2).uniform_(0, math.inf),
        "to=inf is out of bounds for float32",
    ),
    "uniform__f16_bound": (
        lambda lib: lib.zeros(2, dtype=lib.float16).uniform_(0, 1e5),
        "to=100000.0 is out of bounds for float16",
    ),
    "uniform__too_wide": (lambda lib: lib.zeros(2).uniform_(-3e38, 3e38), "expected to - from <="),
    "uniform__keyword": (
        lambda lib: lib.zeros(2).uniform_(low=1),
        "unexpected keyword argument 'low'",
    ),
    "exponential__int": (
        lambda lib: lib.zeros(2, dtype=lib.int64).exponential_(),
        "exponential_: expected a tensor with a floating point dtype",
    ),
    "exponential__lambd": (
        lambda lib: lib.zeros(2).exponential_(0),
        "lambd > 0.0, but found lambd=0.0",
    ),
    "exponential__nan": (lambda lib: lib.zeros(2).exponential_(math.nan), "found lambd=nan"),
    "geometric__bool": (lambda lib: lib.zeros(2, dtype=lib.bool).geometric_(0.5), "bool"),
    "geometric__p_1": (
        lambda lib: lib.zeros(2).geometric_(1),
        r"p to be in \(0, 1\), but got p=1.0",
    ),
    "geometric__p_0": (lambda lib: lib.zeros(2).geometric_(0), "got p=0.0"),
    "geometric__no_p": (lambda lib: lib.zeros(2).geometric_(), "missing 1 required positional"),
    "log_normal__int": (lambda lib: lib.zeros(2, dtype=lib.int16).log_normal_(), "but got int16"),
    "log_normal__std": (lambda lib: lib.zeros(2).log_normal_(0, 0), "std > 0.0, but found std=0.0"),
    "cauchy__int": (lambda lib: lib.zeros(2, dtype=lib.int64).cauchy_(), "but got int64"),
    "cauchy__sigma": (lambda lib: lib.zeros(2).cauchy_(0, -1), "sigma > 0.0, but found sigma=-1.0"),
    "random__equal": (
        lambda lib: lib.zeros(2).random_(5, 5),
        "'from' to be less than 'to', but got from=5 >= to=5",
    ),
    "random__to_0": (lambda lib: lib.zeros(2).random_(0), "from=0 >= to=0"),
    "random__negative_to": (
        lambda lib: lib.zeros(2, dtype=lib.int8).random_(-3),
        "from=0 >= to=-3",
    ),
    "random__bool_to": (
        lambda lib: lib.zeros(2, dtype=lib.bool).random_(10),
        "to - 1=9 is out of bounds for bool",
    ),
    "random__uint8_from": (
        lambda lib: lib.zeros(2, dtype=lib.uint8).random_(-5, 5),
        "from=-5 is out of bounds for uint8",
    ),
    "random__int8_to": (
        lambda lib: lib.zeros(2, dtype=lib.int8).random_(0, 300),
        "to - 1=299 is out of",
    ),
    "random__f16_to": (
        lambda lib: lib.zeros(2, dtype=lib.float16).random_(0, 2**40),
        "for float16",
    ),
    "random__full_range_int32": (
        lambda lib: lib.zeros(2, dtype=lib.int32).random_(-(2**63), None),
        "full 64-bit range",
    ),
    "random__float_bound": (
        lambda lib: lib.zeros(2).random_(0.5, 3),
        "'from' must be int, not float",
    ),
    "random__from_alone": (lambda lib: lib.zeros(2).random_(**{"from": 3}), "needs 'to'"),
}


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_errors_match_torch(name):
    torch = pytest.importorskip("torch")
    call, match = ERRORS[name]
    with pytest.raises(Exception) as theirs:
        call(torch)
    with pytest.raises(type(theirs.value)) as ours:
        call(nr)
    assert type(ours.value) is type(theirs.value), ours.value
    assert re.search(match, str(ours.value)), str(ours.value)


def test_poisson_refuses_rates_numpy_cannot_sample():
    with pytest.raises(RuntimeError, match="rates up to 1e.18 are supported, but found inf"):
        nr.poisson(nr.tensor([1.0, math.inf]))


def test_uniform_accepts_from_underscore():
    values = nr.empty(1000).uniform_(from_=4, to=5).numpy()
    assert values.min() >= 4 and values.max() < 5
