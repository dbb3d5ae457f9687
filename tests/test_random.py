"""Random numbers: seeding, Generator objects, shapes/dtypes/ranges, distributions.

Streams differ from PyTorch's (the same seed gives different numbers), so
PyTorch is the oracle for shapes, dtypes, gradients and errors only.
"""

import numpy as np
import pytest

import neurarust as nr

from .conftest import compare_with_torch

SAMPLERS = {
    "rand": lambda g: nr.rand(3, 4, generator=g),
    "randn": lambda g: nr.randn(3, 4, generator=g),
    "randint": lambda g: nr.randint(0, 100, (3, 4), generator=g),
    "randperm": lambda g: nr.randperm(12, generator=g),
    "normal": lambda g: nr.normal(1.0, 2.0, (3, 4), generator=g),
}


@pytest.mark.parametrize("name", sorted(SAMPLERS))
def test_manual_seed_reproduces_the_stream(name):
    sample = SAMPLERS[name]
    nr.manual_seed(123)
    first = [sample(None).numpy() for _ in range(2)]
    nr.manual_seed(123)
    again = [sample(None).numpy() for _ in range(2)]
    assert all(np.array_equal(a, b) for a, b in zip(first, again))
    assert not np.array_equal(first[0], first[1])  # the stream moves on
    nr.manual_seed(124)
    assert not np.array_equal(sample(None).numpy(), first[0])


@pytest.mark.parametrize("name", sorted(SAMPLERS))
def test_generator_objects_are_independent_of_the_default(name):
    sample = SAMPLERS[name]
    g = nr.Generator().manual_seed(7)
    expected = sample(g).numpy()
    g.manual_seed(7)
    nr.manual_seed(0)
    _ = sample(None)  # drawing from the default stream does not move g
    assert np.array_equal(sample(g).numpy(), expected)


def test_generator_state_round_trip():
    g = nr.Generator()
    assert g.manual_seed(5) is g
    assert g.initial_seed() == 5
    assert g.device is nr.device("cpu")
    _ = nr.rand(3, generator=g)
    state = g.get_state()
    a = nr.rand(3, generator=g).numpy()
    b = nr.rand(3, generator=g).numpy()
    g.set_state(state)
    assert np.array_equal(nr.rand(3, generator=g).numpy(), a)
    assert np.array_equal(nr.rand(3, generator=g).numpy(), b)


def test_global_rng_state_round_trip():
    state = nr.get_rng_state()
    a = nr.randn(4).numpy()
    nr.set_rng_state(state)
    assert np.array_equal(nr.randn(4).numpy(), a)


def test_seed_functions():
    assert isinstance(nr.manual_seed(11), nr.Generator)
    assert nr.initial_seed() == 11
    assert nr.manual_seed(-1).initial_seed() == 2**64 - 1  # as PyTorch wraps negatives
    new = nr.seed()
    assert isinstance(new, int) and nr.initial_seed() == new


def test_generator_on_another_device_is_refused():
    g = nr.Generator("cuda:1")  # naming the device needs no GPU
    with pytest.raises(
        RuntimeError, match="rand: expected a generator on cpu, but got one on cuda:1"
    ):
        nr.rand(2, generator=g)


CALLS = {
    "rand": lambda lib: lib.rand(2, 3),
    "rand_tuple": lambda lib: lib.rand((4,)),
    "rand_scalar": lambda lib: lib.rand(()),
    "rand_f64": lambda lib: lib.rand(2, dtype=lib.float64),
    "rand_f16": lambda lib: lib.rand(2, dtype=lib.float16),
    "randn": lambda lib: lib.randn(3, 1),
    "randn_f64": lambda lib: lib.randn([2, 2], dtype=lib.float64),
    "randint": lambda lib: lib.randint(5, (3,)),
    "randint_low_high": lambda lib: lib.randint(2, 5, (2, 2)),
    "randint_size_kw": lambda lib: lib.randint(0, 5, size=(3,)),
    "randint_keywords": lambda lib: lib.randint(low=2, high=5, size=(3,)),
    "randint_high_kw": lambda lib: lib.randint(high=5, size=(3,)),
    "randint_int32": lambda lib: lib.randint(3, 10, (2,), dtype=lib.int32),
    "randint_float": lambda lib: lib.randint(0, 5, (3,), dtype=lib.float32),
    "randperm": lambda lib: lib.randperm(5),
    "randperm_empty": lambda lib: lib.randperm(0),
    "randperm_float": lambda lib: lib.randperm(4, dtype=lib.float32),
    "normal_floats": lambda lib: lib.normal(2.0, 3.0, (4,)),
    "normal_floats_f64": lambda lib: lib.normal(2.0, 3.0, size=(2, 2), dtype=lib.float64),
    "normal_tensors": lambda lib: lib.normal(lib.zeros(3), lib.ones(3)),
    "normal_broadcast": lambda lib: lib.normal(lib.zeros(2, 1), lib.ones(3)),
    "normal_mean_only": lambda lib: lib.normal(lib.zeros(2, dtype=lib.float64)),
    "normal_std_only": lambda lib: lib.normal(1.0, lib.ones(3, dtype=lib.float64)),
    "rand_like": lambda lib: lib.rand_like(lib.zeros(2, dtype=lib.float64)),
    "randn_like": lambda lib: lib.randn_like(lib.zeros(2, 3)),
    "randint_like": lambda lib: lib.randint_like(lib.zeros(2), 5),
    "randint_like_low": lambda lib: lib.randint_like(lib.zeros(2, dtype=lib.int32), 3, 5),
}


@pytest.mark.parametrize("name", sorted(CALLS))
def test_shapes_and_dtypes_match_torch(name):
    torch = pytest.importorskip("torch")
    ours, theirs = CALLS[name](nr), CALLS[name](torch)
    assert tuple(ours.shape) == tuple(theirs.shape)
    assert ours.dtype.name == str(theirs.dtype).removeprefix("torch.")
    assert ours.requires_grad == theirs.requires_grad


@pytest.mark.parametrize(
    "make, low, high",
    [
        (lambda: nr.rand(10_000), 0.0, 1.0),
        (lambda: nr.rand(10_000, dtype=nr.float16), 0.0, 1.0),
        (lambda: nr.randint(-3, 4, (10_000,)), -3, 3),
        (lambda: nr.randint(10, (10_000,), dtype=nr.uint8), 0, 9),
    ],
)
def test_ranges(make, low, high):
    values = make().numpy()
    assert values.min() >= low and values.max() <= high
    if values.dtype.kind in "iu":  # every integer of the range shows up
        assert set(np.unique(values).tolist()) == set(range(low, high + 1))
    else:
        assert values.max() < 1.0


def test_randperm_is_a_permutation():
    assert sorted(nr.randperm(50).tolist()) == list(range(50))


@pytest.mark.parametrize(
    "make, mean, std",
    [
        (lambda: nr.rand(100_000, dtype=nr.float64), 0.5, (1 / 12) ** 0.5),
        (lambda: nr.randn(100_000, dtype=nr.float64), 0.0, 1.0),
        (lambda: nr.normal(3.0, 2.0, (100_000,), dtype=nr.float64), 3.0, 2.0),
        (lambda: nr.normal(nr.full((100_000,), -1.0), nr.full((100_000,), 0.5)), -1.0, 0.5),
        (lambda: nr.randint(0, 10, (100_000,)).double(), 4.5, (99 / 12) ** 0.5),
    ],
)
def test_distribution_moments(make, mean, std):
    nr.manual_seed(0)
    values = make().numpy()
    # 100k samples: the standard error of the mean is std / 316.
    assert abs(values.mean() - mean) < 5 * std / 316
    assert abs(values.std() - std) < 0.02 * std


def test_normal_gradient_matches_torch(rng):
    # PyTorch defines d(sample)/d(mean) and d(sample)/d(std) as zero; the values
    # themselves differ between the libraries, so only shapes and gradients are compared.
    def sample(lib, mean, std):
        out = lib.normal(mean, std)
        assert out.requires_grad and out.grad_fn is not None
        (out * 3).sum().backward()
        return mean.grad, std.grad

    compare_with_torch(sample, rng.standard_normal((2, 3)), rng.uniform(0.5, 1, (2, 3)))


@pytest.mark.parametrize("with_std", [False, True])
def test_normal_with_one_tensor_argument_has_zero_gradient(with_std):
    x = nr.ones(3, requires_grad=True)
    out = nr.normal(1.0, x) if with_std else nr.normal(x, 2.0)
    out.sum().backward()
    assert out.requires_grad and x.grad.tolist() == [0.0, 0.0, 0.0]


def test_normal_requires_grad_for_float_arguments():
    out = nr.normal(2.0, 3.0, (2,), requires_grad=True)
    assert out.requires_grad and out.is_leaf


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: nr.rand(2, dtype=nr.int64), TypeError, "rand: expected a floating point dtype"),
        (lambda: nr.randn(2, dtype=nr.int64), TypeError, "randn: expected a floating point"),
        (lambda: nr.rand_like(nr.zeros(2, dtype=nr.int64)), TypeError, "floating point"),
        (lambda: nr.randn(-1), RuntimeError, "negative dimension -1"),
        (lambda: nr.randint(5, 2, (3,)), RuntimeError, "expected low < high, .*low=5, high=2"),
        (lambda: nr.randint(5), TypeError, r"randint\(high, size\)"),
        (lambda: nr.randperm(-1), RuntimeError, "randperm: n must be non-negative"),
        (lambda: nr.normal(0.0, -1.0, (3,)), RuntimeError, "std >= 0.0"),
        (lambda: nr.normal(nr.zeros(3), -nr.ones(3)), RuntimeError, "all elements of std >= 0.0"),
        (lambda: nr.normal(0.0, 1.0), TypeError, "size must be given"),
    ],
)
def test_errors(call, error, match):
    with pytest.raises(error, match=match):
        call()
