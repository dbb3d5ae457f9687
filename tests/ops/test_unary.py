"""Unary math functions against PyTorch: values, dtypes, gradients, domain edges, in-place."""

import math
import subprocess
import sys

import numpy as np
import pytest

import neurarust as nr
from neurarust.backend.kernels import erf_cpu, numba_support

from ..conftest import check_gradients, compare_with_torch


def normal(rng, shape):
    return rng.standard_normal(shape)


def positive(rng, shape):
    return rng.uniform(0.5, 2.0, shape)


def above_minus_one(rng, shape):
    return rng.uniform(-0.5, 2.0, shape)


def inside_half_pi(rng, shape):
    return rng.uniform(-1.2, 1.2, shape)


def away_from_zero(rng, shape):
    """Values with |x| >= 0.2: no kink of relu within a finite-difference step."""
    return rng.uniform(0.2, 2.0, shape) * rng.choice([-1.0, 1.0], shape)


# op name -> inputs where the op is smooth (and, for gradcheck, well conditioned)
DOMAINS = {
    "exp": normal,
    "exp2": normal,
    "expm1": normal,
    "log": positive,
    "log2": positive,
    "log10": positive,
    "log1p": above_minus_one,
    "sqrt": positive,
    "rsqrt": positive,
    "square": normal,
    "sin": normal,
    "cos": normal,
    "tan": inside_half_pi,
    "tanh": normal,
    "sigmoid": normal,
    "erf": normal,
    "relu": away_from_zero,
}
OPS = sorted(DOMAINS)
INPLACE_OPS = [name for name in OPS if hasattr(nr.Tensor, name + "_")]
FLOAT_ONLY_OPS = [name for name in OPS if name not in ("square", "relu")]

CALLS = {
    "function": lambda name: lambda lib, x: getattr(lib, name)(x),
    "method": lambda name: lambda lib, x: getattr(x, name)(),
}

# Domain edges: zeros of both signs, poles, infinities, nan, and values where a
# naive formula overflows (exp(1000), sigmoid(-1000), square(1e30) in float32).
EDGES = np.array([0.0, -0.0, -1.0, 1.0, np.inf, -np.inf, np.nan, 100.0, -100.0, 1e3, -1e3, 1e30])


@pytest.mark.parametrize("call", sorted(CALLS))
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", OPS)
def test_matches_torch(name, dtype, call, rng):
    x = DOMAINS[name](rng, (3, 4)).astype(dtype)
    compare_with_torch(CALLS[call](name), x)


@pytest.mark.parametrize("name", OPS)
def test_float16_stays_float16(name, rng):
    x = DOMAINS[name](rng, (2, 3)).astype(np.float16)
    compare_with_torch(CALLS["function"](name), x, atol=2e-2, rtol=1e-2)


@pytest.mark.parametrize(
    "name, dtype",
    [
        (name, dtype)
        for name in OPS
        for dtype in (np.int32, np.int64, np.uint8, np.bool_)
        if not (name == "relu" and dtype == np.bool_)
    ],
)
def test_integer_and_bool_inputs(name, dtype):
    """Float functions give the default float dtype; square and relu keep the integer one."""
    x = np.array([[1, 2, 0], [3, 4, 1]]).astype(dtype)
    compare_with_torch(CALLS["function"](name), x, grad=False)


def test_integer_input_follows_the_default_dtype():
    previous = nr.get_default_dtype()
    nr.set_default_dtype(nr.float64)
    try:
        assert nr.exp(nr.tensor([1, 2])).dtype == nr.float64
    finally:
        nr.set_default_dtype(previous)


@pytest.mark.parametrize("name", OPS)
def test_gradcheck_first_and_second_order(name, rng):
    check_gradients(getattr(nr, name), DOMAINS[name](rng, (2, 3)), second_order=True)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", OPS)
def test_domain_edges_match_torch(name, dtype):
    """log(0) = -inf, sqrt(-1) = nan, exp(1000) = inf, as PyTorch."""
    compare_with_torch(CALLS["function"](name), EDGES.astype(dtype), grad=False)


def test_domain_edges_give_no_warnings_in_a_fresh_process():
    # pytest replaces the warning filters, so the user's view is checked in a new
    # interpreter that shows every warning (-W default) except those neurarust filters.
    script = (
        "import numpy as np, neurarust as nr\nfrom numpy import inf, nan\n"
        f"x = nr.tensor(np.array({EDGES.tolist()!r}), requires_grad=True)\n"
        f"for name in {list(OPS)!r}:\n"
        "    y = getattr(nr, name)(x)\n"
        "    y.backward(nr.ones_like(y))\n"
    )
    done = subprocess.run(
        [sys.executable, "-W", "default", "-c", script], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert "Warning" not in done.stderr, done.stderr


@pytest.mark.parametrize("name", OPS)
def test_gradients_at_domain_edges_match_torch(name):
    compare_with_torch(CALLS["function"](name), EDGES)


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_sigmoid_of_large_inputs_is_finite(dtype):
    x = nr.tensor(np.array([-1e4, -100.0, 100.0, 1e4], dtype=dtype), requires_grad=True)
    y = nr.sigmoid(x)
    y.sum().backward()
    assert y.dtype == nr.tensor(np.zeros(1, dtype=dtype)).dtype
    np.testing.assert_allclose(y.detach().numpy(), [0.0, 0.0, 1.0, 1.0], atol=1e-30)
    assert np.isfinite(x.grad.numpy()).all()


def test_relu_gradient_at_zero_is_zero():
    x = np.array([-1.0, 0.0, -0.0, 2.0, np.nan], dtype=np.float32)
    compare_with_torch(CALLS["function"]("relu"), x)


@pytest.mark.parametrize("name", INPLACE_OPS)
def test_inplace_matches_torch(name, rng):
    x = DOMAINS[name](rng, (3, 4)).astype(np.float32)
    # x * 1 is not a leaf, so the in-place op is recorded and x gets a gradient.
    compare_with_torch(lambda lib, x: getattr(x * 1, name + "_")(), x)


@pytest.mark.parametrize("name", [name for name in INPLACE_OPS if name in ("square", "relu")])
def test_inplace_keeps_integer_dtype(name):
    x = np.array([[-2, 3], [0, 5]], dtype=np.int32)
    compare_with_torch(lambda lib, x: getattr(x, name + "_")(), x)


@pytest.mark.parametrize("name", [name for name in INPLACE_OPS if name in FLOAT_ONLY_OPS])
def test_inplace_float_function_refuses_integer_tensor(name):
    with pytest.raises(RuntimeError, match="can't be cast to the desired output type"):
        getattr(nr.tensor([1, 2]), name + "_")()


@pytest.mark.parametrize("name", ["exp", "sqrt", "tanh", "sigmoid", "relu"])
def test_modified_result_is_detected_in_backward(name):
    """Ops whose backward reuses their output notice when it was changed in place."""
    x = nr.tensor([0.5, 2.0], requires_grad=True)
    y = getattr(nr, name)(x)
    y.mul_(2)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.sum().backward()


def test_relu_refuses_bool():
    with pytest.raises(RuntimeError, match="relu: Boolean inputs not supported"):
        nr.relu(nr.tensor([True, False]))


@pytest.mark.parametrize("name", OPS)
def test_non_tensor_input_is_a_type_error(name):
    with pytest.raises(TypeError, match=rf"{name}\(\): argument 'input' must be Tensor, not float"):
        getattr(nr, name)(2.0)


@pytest.mark.parametrize("shape", [(), (0,), (3, 4)])
def test_zero_dim_and_empty_inputs(shape, rng):
    x = rng.standard_normal(shape)
    for name in OPS:
        compare_with_torch(CALLS["function"](name), x, contiguous=True)


# -- the erf kernel: Numba and the NumPy fallback agree with math.erf ----------------------


@pytest.mark.parametrize("use_numba", [True, False])
@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_erf_kernel_matches_math_erf(use_numba, dtype, monkeypatch):
    if use_numba and not numba_support.numba_enabled():
        pytest.skip("Numba is not installed or is disabled")
    if not use_numba:
        monkeypatch.setenv("NEURARUST_DISABLE_NUMBA", "1")
    kernel = numba_support.build_on_first_call(erf_cpu._build_erf)
    values = np.array([-np.inf, -3.0, -0.5, -0.0, 0.0, 1e-8, 0.7, 2.5, np.inf, np.nan])
    data = values.astype(dtype)[::2]  # non-contiguous
    expected = np.array([math.erf(v) for v in data.astype(np.float64)]).astype(dtype)
    result = np.asarray(kernel(data), dtype=dtype)
    np.testing.assert_allclose(result, expected, rtol=2 * np.finfo(dtype).eps, equal_nan=True)


@pytest.mark.parametrize("shape", [(), (0, 3)])
def test_erf_kernel_keeps_shape_and_dtype(shape):
    data = np.full(shape, 0.5, dtype=np.float32)
    result = erf_cpu.erf(data)
    assert isinstance(result, np.ndarray)
    assert (result.shape, result.dtype) == (shape, np.float32)


def test_import_does_not_load_numba():
    """Kernels compile on first use: importing neurarust must stay fast."""
    code = "import sys, neurarust; sys.exit('numba' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0


def test_relu_backward_selects_instead_of_multiplying():
    """An inf or nan gradient stays out of the positions relu zeroes, as in PyTorch
    (multiplying by a 0/1 mask would give inf * 0 = nan there)."""
    torch = pytest.importorskip("torch")
    values = [-1.0, 2.0, 0.0, float("nan")]
    upstream = [float("inf"), float("inf"), float("nan"), 1.0]
    x, tx = nr.tensor(values, requires_grad=True), torch.tensor(values, requires_grad=True)
    nr.relu(x).backward(nr.tensor(upstream))
    torch.relu(tx).backward(torch.tensor(upstream))
    np.testing.assert_array_equal(x.grad.numpy(), tx.grad.numpy())
