"""Tests of neurarust.nn.init against torch.nn.init.

Random initializers draw different numbers than PyTorch, so they are checked
against the distribution PyTorch's formulas define: exact bounds, and the
mean and standard deviation of n = 100,000 draws from a fixed seed. The
standard error of a sample mean is std / sqrt(n) (0.0032 std), that of a
sample standard deviation at most std * sqrt(1 / (2 n)) (0.0022 std: the
normal's; the uniform's and the truncated normal's, of lower kurtosis, are
smaller). Tolerances are 5 standard errors: a correct initializer fails with
probability below 1e-6 for any seed, while a wrong gain or fan (at least a few
percent off) fails for every seed.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import neurarust as nr
from neurarust.nn import init

torch = pytest.importorskip("torch")
tinit = torch.nn.init

N = 100_000
MEAN_TOLERANCE = 5 / math.sqrt(N)  # in units of the distribution's std
STD_TOLERANCE = 5 / math.sqrt(2 * N)  # relative


@pytest.fixture
def gen() -> nr.Generator:
    return nr.Generator().manual_seed(2024)


# -- gains and fans -------------------------------------------------------------------

GAIN_CASES = [
    ("linear", None),
    ("conv1d", None),
    ("conv2d", None),
    ("conv3d", None),
    ("conv_transpose1d", None),
    ("conv_transpose2d", None),
    ("conv_transpose3d", None),
    ("sigmoid", None),
    ("tanh", None),
    ("relu", None),
    ("relu", "ignored"),
    ("leaky_relu", None),
    ("leaky_relu", 0),
    ("leaky_relu", 3),
    ("leaky_relu", 0.2),
    ("leaky_relu", math.sqrt(5)),
    ("leaky_relu", np.float64(0.1)),
    ("selu", None),
]


@pytest.mark.parametrize("nonlinearity, param", GAIN_CASES)
def test_calculate_gain_matches_torch(nonlinearity: str, param: Any) -> None:
    ours = init.calculate_gain(nonlinearity, param)  # type: ignore[arg-type]
    theirs = tinit.calculate_gain(nonlinearity, param)
    assert ours == theirs
    assert type(ours) is type(theirs)


@pytest.mark.parametrize(
    "shape",
    [(5, 3), (0, 3), (4, 3, 2), (8, 4, 3, 3), (2, 6, 3, 4, 5), (3, 2, 0, 4), (1, 1, 1, 1, 1, 1)],
)
def test_fans_match_torch(shape: tuple[int, ...]) -> None:
    ours, theirs = nr.empty(*shape), torch.empty(*shape)
    assert init._calculate_fan_in_and_fan_out(ours) == tinit._calculate_fan_in_and_fan_out(theirs)
    for mode in ("fan_in", "fan_out", "FAN_OUT"):
        expected = tinit._calculate_correct_fan(theirs, mode)  # type: ignore[arg-type]
        assert init._calculate_correct_fan(ours, mode) == expected  # type: ignore[arg-type]


# -- errors ---------------------------------------------------------------------------

# (name of the initializer in both libraries, shape, dtype name, keyword arguments):
# PyTorch raises the same exception type, and its message begins ours (which adds
# the received value).
ERROR_CASES = [
    ("xavier_uniform_", (3,), "float32", {}),
    ("xavier_normal_", (), "float32", {}),
    ("kaiming_uniform_", (3,), "float32", {}),
    ("kaiming_normal_", (3, 4), "float32", {"mode": "fan_avg"}),
    ("kaiming_uniform_", (3, 4), "float32", {"nonlinearity": "gelu"}),
    ("kaiming_uniform_", (3, 4), "float32", {"a": True}),
    ("eye_", (3,), "float32", {}),
    ("eye_", (2, 3, 4), "float32", {}),
    ("dirac_", (3, 3), "float32", {}),
    ("dirac_", (2, 2, 2, 2, 2, 2), "float32", {}),
    ("dirac_", (3, 2, 3), "float32", {"groups": 2}),
    ("orthogonal_", (3,), "float32", {}),
    ("sparse_", (3,), "float32", {"sparsity": 0.1}),
    ("sparse_", (3, 2, 2), "float32", {"sparsity": 0.1}),
    ("uniform_", (3,), "int64", {}),
    ("normal_", (3,), "int64", {}),
    ("trunc_normal_", (3,), "int64", {}),
    ("orthogonal_", (3, 3), "int64", {}),
]


def _raised(call: Callable[[], Any]) -> BaseException:
    with pytest.raises(Exception) as info:
        call()
    return info.value


@pytest.mark.parametrize("name, shape, dtype, kwargs", ERROR_CASES)
def test_errors_match_torch(name: str, shape: tuple, dtype: str, kwargs: dict) -> None:
    ours = _raised(lambda: getattr(init, name)(nr.empty(shape, dtype=getattr(nr, dtype)), **kwargs))
    theirs = _raised(
        lambda: getattr(tinit, name)(torch.empty(shape, dtype=getattr(torch, dtype)), **kwargs)
    )
    assert type(ours) is type(theirs)
    if isinstance(theirs, ValueError):  # init's own messages; the others come from the fills
        assert str(ours).startswith(str(theirs))


def test_calculate_gain_errors() -> None:
    with pytest.raises(ValueError, match="^negative_slope True not a valid number$"):
        init.calculate_gain("leaky_relu", True)
    with pytest.raises(ValueError, match="^negative_slope 0.1 not a valid number$"):
        init.calculate_gain("leaky_relu", "0.1")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"^Unsupported nonlinearity ReLU \(expected one of"):
        init.calculate_gain("ReLU")  # type: ignore[arg-type]


def test_error_messages_name_the_received_value() -> None:
    with pytest.raises(ValueError, match=r"dimensions \(got a 1-D tensor of shape \[3\]\)"):
        init.xavier_uniform_(nr.empty(3))
    with pytest.raises(ValueError, match=r"\(eye_ got a 3-D tensor of shape \[2, 3, 4\]\)"):
        init.eye_(nr.empty(2, 3, 4))
    with pytest.raises(ValueError, match=r"size 3 and groups=2\)"):
        init.dirac_(nr.empty(3, 2, 3), groups=2)
    with pytest.raises(ValueError, match=r"^Mode fan_avg not supported, .*\['fan_in', 'fan_out'\]"):
        init.kaiming_uniform_(nr.empty(3, 4), mode="FAN_AVG")  # type: ignore[arg-type]


# Where PyTorch fails with a ZeroDivisionError or quietly does something odd
# (sparse_ with sparsity -0.5 zeroes rows + ceil(-0.5 * rows) rows per column), we raise.
@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda: init.dirac_(nr.empty(3, 3, 3), groups=0), ValueError, "groups must be a positive"),
        (lambda: init.sparse_(nr.empty(4, 3), -0.5), ValueError, r"sparsity in \[0, 1\]"),
        (lambda: init.sparse_(nr.empty(4, 3), 1.5), ValueError, r"sparsity in \[0, 1\]"),
        (lambda: init.trunc_normal_(nr.empty(3), std=0.0), ValueError, "expected std > 0"),
        (lambda: init.trunc_normal_(nr.empty(3), a=2, b=-2), RuntimeError, "expected a <= b"),
    ],
)
def test_errors_where_torch_has_none(call: Callable[[], Any], error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        call()


# -- deterministic fills --------------------------------------------------------------

DETERMINISTIC_CASES = [
    ("constant_", (2, 3), "float32", {"val": 0.3}),
    ("constant_", (4,), "int64", {"val": 2.7}),
    ("ones_", (2, 3), "float64", {}),
    ("ones_", (3,), "bool", {}),
    ("zeros_", (2, 3, 4), "float32", {}),
    ("eye_", (3, 5), "float32", {}),
    ("eye_", (5, 3), "float64", {}),
    ("eye_", (4, 4), "int64", {}),
    ("eye_", (0, 3), "float32", {}),
    ("eye_", (2, 3), "bool", {}),
    ("dirac_", (4, 4, 3), "float32", {}),
    ("dirac_", (6, 4, 3, 3), "float32", {}),
    ("dirac_", (4, 6, 2, 4), "float64", {}),
    ("dirac_", (6, 2, 3), "float32", {"groups": 3}),
    ("dirac_", (8, 3, 3, 3), "int32", {"groups": 2}),
    ("dirac_", (8, 3, 2, 3, 4), "float32", {"groups": 2}),
    ("dirac_", (4, 0, 3), "float32", {}),
]


@pytest.mark.parametrize("name, shape, dtype, kwargs", DETERMINISTIC_CASES)
def test_deterministic_fills_match_torch(name: str, shape: tuple, dtype: str, kwargs: dict) -> None:
    start = np.arange(math.prod(shape)).reshape(shape) % 2  # overwritten everywhere
    ours = getattr(init, name)(nr.tensor(start, dtype=getattr(nr, dtype)), **kwargs)
    theirs = getattr(tinit, name)(torch.tensor(start, dtype=getattr(torch, dtype)), **kwargs)
    assert ours.dtype.name == str(theirs.dtype).removeprefix("torch.")
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


# -- random fills: the distributions PyTorch's formulas define ------------------------


def _kaiming_std(shape: tuple, a: float = 0, mode: str = "fan_in", nl: str = "leaky_relu") -> float:
    fan = tinit._calculate_correct_fan(torch.empty(shape), mode)  # type: ignore[arg-type]
    return tinit.calculate_gain(nl, a) / math.sqrt(fan)  # type: ignore[arg-type]


def _xavier_std(shape: tuple, gain: float = 1.0) -> float:
    fan_in, fan_out = tinit._calculate_fan_in_and_fan_out(torch.empty(shape))
    return gain * math.sqrt(2.0 / (fan_in + fan_out))


def _uniform(bound: float) -> tuple[str, float, float]:
    return ("uniform", -bound, bound)


# (initializer, keyword arguments, shape of N elements, expected distribution)
RANDOM_CASES = [
    ("uniform_", {"a": -2.0, "b": 3.0}, (N,), ("uniform", -2.0, 3.0)),
    ("uniform_", {}, (400, 250), ("uniform", 0.0, 1.0)),
    ("normal_", {"mean": 1.0, "std": 2.0}, (N,), ("normal", 1.0, 2.0)),
    ("xavier_uniform_", {}, (400, 250), _uniform(math.sqrt(3) * _xavier_std((400, 250)))),
    (
        "xavier_uniform_",
        {"gain": 2.0},
        (100, 40, 5, 5),
        _uniform(math.sqrt(3) * _xavier_std((100, 40, 5, 5), 2.0)),
    ),
    (
        "xavier_normal_",
        {"gain": 0.5},
        (50, 20, 100),
        ("normal", 0, _xavier_std((50, 20, 100), 0.5)),
    ),
    ("kaiming_uniform_", {}, (400, 250), _uniform(math.sqrt(3) * _kaiming_std((400, 250)))),
    (
        "kaiming_uniform_",  # nn.Linear's and nn.Conv2d's default
        {"a": math.sqrt(5)},
        (250, 16, 5, 5),
        _uniform(math.sqrt(3) * _kaiming_std((250, 16, 5, 5), math.sqrt(5))),
    ),
    (
        "kaiming_uniform_",
        {"mode": "fan_out", "nonlinearity": "relu"},
        (50, 200, 10),
        _uniform(math.sqrt(3) * _kaiming_std((50, 200, 10), mode="fan_out", nl="relu")),
    ),
    ("kaiming_normal_", {}, (400, 250), ("normal", 0, _kaiming_std((400, 250)))),
    (
        "kaiming_normal_",
        {"a": 0.2, "mode": "fan_out", "nonlinearity": "leaky_relu"},
        (100, 10, 10, 10),
        ("normal", 0, _kaiming_std((100, 10, 10, 10), 0.2, "fan_out")),
    ),
    (
        "kaiming_normal_",
        {"nonlinearity": "tanh"},
        (1000, 100),
        ("normal", 0, _kaiming_std((1000, 100), nl="tanh")),
    ),
]


def _check_moments(values: np.ndarray, mean: float, std: float) -> None:
    values = values.astype(np.float64)
    assert abs(values.mean() - mean) <= MEAN_TOLERANCE * std
    assert abs(values.std() / std - 1) <= STD_TOLERANCE


def _check_distribution(values: np.ndarray, expected: tuple[str, float, float]) -> None:
    kind, p, q = expected
    if kind == "normal":
        _check_moments(values, p, q)
        return
    # U(p, q): bounded by p and q and reaching within 1e-3 of both (the chance
    # that 1e5 draws miss such an end is (1 - 1e-3)^1e5 = e^-100)
    assert values.min() >= p and values.max() <= q
    assert values.min() <= p + 1e-3 * (q - p) and values.max() >= q - 1e-3 * (q - p)
    _check_moments(values, (p + q) / 2, (q - p) / math.sqrt(12))


@pytest.mark.parametrize("name, kwargs, shape, expected", RANDOM_CASES)
@pytest.mark.parametrize("dtype", [nr.float32, nr.float64])
def test_random_fill_distribution(
    name: str, kwargs: dict, shape: tuple, expected: tuple, dtype: Any, gen: nr.Generator
) -> None:
    tensor = nr.empty(*shape, dtype=dtype)
    result = getattr(init, name)(tensor, generator=gen, **kwargs)
    assert result is tensor
    assert result.shape == shape and result.dtype is dtype
    _check_distribution(result.numpy(), expected)


def _truncated_normal_moments(mean: float, std: float, a: float, b: float) -> tuple[float, float]:
    """Mean and standard deviation of N(mean, std^2) conditioned on [a, b]."""
    alpha, beta = (a - mean) / std, (b - mean) / std
    pdf = [math.exp(-z * z / 2) / math.sqrt(2 * math.pi) for z in (alpha, beta)]
    cdf = [(1 + math.erf(z / math.sqrt(2))) / 2 for z in (alpha, beta)]
    mass = cdf[1] - cdf[0]
    shift = (pdf[0] - pdf[1]) / mass
    variance = 1 + (alpha * pdf[0] - beta * pdf[1]) / mass - shift**2
    return mean + std * shift, std * math.sqrt(variance)


@pytest.mark.parametrize(
    "mean, std, a, b",
    [
        (0.0, 1.0, -2.0, 2.0),  # the default: normal proposals (95% of the mass inside)
        (0.0, 0.02, -0.04, 0.04),  # ViT's weights
        (1.0, 2.0, -1.0, 10.0),
        (0.0, 1.0, 1.0, 3.0),  # 16% of the mass inside: uniform proposals
        (0.5, 1.0, 0.5, 0.5),  # a single point
    ],
)
def test_trunc_normal_distribution(
    mean: float, std: float, a: float, b: float, gen: nr.Generator
) -> None:
    values = init.trunc_normal_(nr.empty(N), mean, std, a, b, generator=gen).numpy()
    assert values.min() >= a and values.max() <= b
    expected_mean, expected_std = _truncated_normal_moments(mean, std, a, b) if a < b else (a, 0)
    if a == b:
        assert (values == a).all()
    else:
        _check_moments(values, expected_mean, expected_std)


def test_trunc_normal_far_tail_warns_and_stays_exact(gen: nr.Generator) -> None:
    with pytest.warns(UserWarning, match="mean is more than 2 std from"):
        values = init.trunc_normal_(nr.empty(N), 0.0, 1.0, 5.0, 6.0, generator=gen).numpy()
    assert values.min() >= 5 and values.max() <= 6
    _check_moments(values, *_truncated_normal_moments(0.0, 1.0, 5.0, 6.0))


def test_trunc_normal_bounds_rounded_to_dtype(gen: nr.Generator) -> None:
    # 0.1 is not a float16: values may equal its rounding, 0.0999755859375, as in PyTorch
    values = init.trunc_normal_(nr.empty(10_000, dtype=nr.float16), 0, 1, -0.1, 0.1, generator=gen)
    low, high = (float(np.float16(x)) for x in (-0.1, 0.1))
    assert values.dtype is nr.float16
    assert float(values.min()) >= low and float(values.max()) <= high


@pytest.mark.parametrize(
    "shape, gain",
    [((3, 5), 1.0), ((5, 3), 1.0), ((4, 4), 2.0), ((4, 2, 3), 1.0), ((6, 2, 1), 0.5), ((1, 7), 3)],
)
@pytest.mark.parametrize("dtype, atol", [(nr.float32, 1e-5), (nr.float64, 1e-12)])
def test_orthogonal(shape: tuple, gain: float, dtype: Any, atol: float, gen: nr.Generator) -> None:
    tensor = nr.empty(*shape, dtype=dtype)
    assert init.orthogonal_(tensor, gain, generator=gen) is tensor
    assert tensor.shape == shape and tensor.dtype is dtype
    w = tensor.numpy().astype(np.float64).reshape(shape[0], -1)
    gram = w @ w.T if w.shape[0] <= w.shape[1] else w.T @ w  # rows or columns orthonormal
    np.testing.assert_allclose(gram, gain**2 * np.eye(len(gram)), atol=atol * gain**2)


def test_orthogonal_is_uniformly_distributed(gen: nr.Generator) -> None:
    # Without the sign fix, LAPACK's Q has a negative diagonal entry about 3/4 of
    # the time; a Haar-distributed Q has each sign with probability 1/2. 800
    # entries: standard error 0.018, tolerance 0.08.
    diagonals = [init.orthogonal_(nr.empty(4, 4), generator=gen).diagonal() for _ in range(200)]
    positive = np.mean([(d.numpy() > 0).mean() for d in diagonals])
    assert abs(positive - 0.5) < 0.08


def test_orthogonal_of_empty_tensor_is_a_no_op() -> None:
    assert init.orthogonal_(nr.empty(0, 3)).shape == (0, 3)


@pytest.mark.parametrize(
    "shape, sparsity",
    [((10, 7), 0.25), ((10, 7), 0.1), ((10, 7), 0.0), ((10, 7), 1.0), ((3, 4), 0.5), ((0, 3), 0.5)],
)
def test_sparse_zeros_per_column_match_torch(shape: tuple, sparsity: float) -> None:
    ours = init.sparse_(nr.empty(*shape), sparsity)
    theirs = tinit.sparse_(torch.empty(*shape), sparsity)
    expected = (theirs == 0).sum(dim=0).numpy()
    np.testing.assert_array_equal((ours == 0).sum(dim=0).numpy(), expected)
    np.testing.assert_array_equal(expected, math.ceil(sparsity * shape[0]))


def test_sparse_distribution(gen: nr.Generator) -> None:
    rows, cols, sparsity, std = 100, 1000, 0.3, 0.05
    values = init.sparse_(nr.empty(rows, cols), sparsity, std, generator=gen).numpy()
    zeros = values == 0
    # which rows are zeroed is drawn anew for each column: each row is zeroed in
    # 30% of the 1000 columns (standard error 0.0145 per row; tolerance 6 of them
    # for the extreme of 100 rows)
    assert np.abs(zeros.mean(axis=1) - sparsity).max() < 6 * math.sqrt(0.21 / cols)
    _check_moments(values[~zeros], 0.0, std)


# -- every initializer ----------------------------------------------------------------

# (initializer, shape, keyword arguments) for each initializer
EVERY_INITIALIZER = [
    ("uniform_", (3, 4), {}),
    ("normal_", (3, 4), {}),
    ("trunc_normal_", (3, 4), {}),
    ("constant_", (3, 4), {"val": 0.5}),
    ("ones_", (3, 4), {}),
    ("zeros_", (3, 4), {}),
    ("eye_", (3, 4), {}),
    ("dirac_", (3, 4, 3), {}),
    ("xavier_uniform_", (3, 4), {}),
    ("xavier_normal_", (3, 4), {}),
    ("kaiming_uniform_", (3, 4), {}),
    ("kaiming_normal_", (3, 4), {}),
    ("orthogonal_", (3, 4), {}),
    ("sparse_", (3, 4), {"sparsity": 0.5}),
]
DETERMINISTIC = ("constant_", "ones_", "zeros_", "eye_", "dirac_")
RANDOM_INITIALIZERS = [case for case in EVERY_INITIALIZER if case[0] not in DETERMINISTIC]


@pytest.mark.parametrize("name, shape, kwargs", EVERY_INITIALIZER)
def test_writes_into_a_leaf_requiring_grad_without_a_graph(
    name: str, shape: tuple, kwargs: dict
) -> None:
    weight = nr.zeros(*shape, requires_grad=True)
    assert getattr(init, name)(weight, **kwargs) is weight
    assert weight.requires_grad and weight.is_leaf and weight.grad_fn is None
    (weight * 2).sum().backward()
    np.testing.assert_array_equal(weight.grad.numpy(), np.full(shape, 2.0))


@pytest.mark.parametrize("name, shape, kwargs", EVERY_INITIALIZER)
def test_writes_through_a_view(name: str, shape: tuple, kwargs: dict) -> None:
    def fill(tensor: nr.Tensor) -> nr.Tensor:
        seeded = {} if name in DETERMINISTIC else {"generator": nr.Generator().manual_seed(0)}
        return getattr(init, name)(tensor, **kwargs, **seeded)

    base = nr.full((*shape[:-1], 2 * shape[-1]), 7.0)
    view = base[..., ::2]
    assert fill(view) is view
    np.testing.assert_array_equal(view.numpy(), fill(nr.full(shape, 7.0)).numpy())
    assert (base[..., 1::2] == 7).all()


@pytest.mark.parametrize("name, shape, kwargs", RANDOM_INITIALIZERS)
def test_generator_reproducibility(name: str, shape: tuple, kwargs: dict) -> None:
    def draw(seed: int) -> np.ndarray:
        generator = nr.Generator().manual_seed(seed)
        return getattr(init, name)(nr.empty(*shape), generator=generator, **kwargs).numpy()

    np.testing.assert_array_equal(draw(1), draw(1))
    assert not np.array_equal(draw(1), draw(2))

    nr.manual_seed(5)
    expected = nr.rand(3)
    nr.manual_seed(5)
    draw(1)  # does not touch the default generator
    np.testing.assert_array_equal(nr.rand(3).numpy(), expected.numpy())

    nr.manual_seed(7)
    first = getattr(init, name)(nr.empty(*shape), **kwargs).numpy()
    nr.manual_seed(7)
    np.testing.assert_array_equal(getattr(init, name)(nr.empty(*shape), **kwargs).numpy(), first)


@pytest.mark.parametrize("name", ["kaiming_uniform_", "kaiming_normal_"])
def test_kaiming_on_zero_elements_warns_and_does_nothing(name: str) -> None:
    tensor = nr.empty(0, 3)
    with pytest.warns(UserWarning, match="^Initializing zero-element tensors is a no-op$"):
        assert getattr(init, name)(tensor) is tensor


def test_same_names_as_torch() -> None:
    assert init.__all__ == tinit.__all__


DEPRECATED = [name for name in tinit.__all__ if not name.endswith("_") and name != "calculate_gain"]


@pytest.mark.parametrize("old_name", DEPRECATED)
def test_deprecated_names_warn_and_work(old_name: str) -> None:
    arguments = {
        "constant": (nr.empty(3, 4), 0.5),
        "dirac": (nr.empty(2, 2, 3),),
        "sparse": (nr.empty(4, 3), 0.5),
    }.get(old_name, (nr.empty(3, 4),))
    with pytest.warns(FutureWarning, match=re.escape(f"`nn.init.{old_name}` is now deprecated")):
        assert getattr(init, old_name)(*arguments) is arguments[0]
