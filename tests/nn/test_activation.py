"""Activations against PyTorch: the functional ops (values, dtypes, gradients, edge
points, double backward, in-place forms, errors) and the module classes."""

import importlib

import numpy as np
import pytest

import neurarust as nr
import neurarust.nn.functional as F

from ..conftest import check_gradients, compare_with_torch, torch

# The ops module itself: nn.functional re-exports it (checked by test_functional_exports).
A = importlib.import_module("neurarust.ops.activation")


def functional(lib):
    """The functional namespace of ``lib``: our activation ops, or torch.nn.functional."""
    return A if lib is nr else torch.nn.functional


# Kinks (0, +-0.5, +-1, +-3, 6, the softplus threshold 20), values where naive formulas
# overflow (exp(1000)), infinities and nan. Even length, so glu can halve it.
EDGES = np.array(
    [-np.inf, -1000.0, -30.0, -6.0, -3.0, -1.0, -0.5, 0.0, -0.0, 0.5, 1.0, 3.0, 6.0, 20.0]
    + [30.0, 1000.0, np.inf, np.nan]
)

# name -> f(functional, x); each also runs in place below where PyTorch has that form.
OPS = {
    "relu": lambda f, x: f.relu(x),
    "relu6": lambda f, x: f.relu6(x),
    "leaky_relu": lambda f, x: f.leaky_relu(x),
    "leaky_relu_slope": lambda f, x: f.leaky_relu(x, 0.2),
    "rrelu_eval": lambda f, x: f.rrelu(x, 0.1, 0.3),
    "elu": lambda f, x: f.elu(x),
    "elu_alpha": lambda f, x: f.elu(x, 0.5),
    "selu": lambda f, x: f.selu(x),
    "celu": lambda f, x: f.celu(x, 2.0),
    "gelu": lambda f, x: f.gelu(x),
    "gelu_tanh": lambda f, x: f.gelu(x, approximate="tanh"),
    "silu": lambda f, x: f.silu(x),
    "mish": lambda f, x: f.mish(x),
    "softplus": lambda f, x: f.softplus(x),
    "softplus_beta": lambda f, x: f.softplus(x, beta=2.0, threshold=6.0),
    "softsign": lambda f, x: f.softsign(x),
    "hardtanh": lambda f, x: f.hardtanh(x),
    "hardtanh_bounds": lambda f, x: f.hardtanh(x, -3.0, 6.0),
    "hardsigmoid": lambda f, x: f.hardsigmoid(x),
    "hardswish": lambda f, x: f.hardswish(x),
    "hardshrink": lambda f, x: f.hardshrink(x),
    "hardshrink_lambd": lambda f, x: f.hardshrink(x, 1.0),
    "softshrink": lambda f, x: f.softshrink(x),
    "softshrink_lambd": lambda f, x: f.softshrink(x, 1.0),
    "tanhshrink": lambda f, x: f.tanhshrink(x),
    "logsigmoid": lambda f, x: f.logsigmoid(x),
    "threshold": lambda f, x: f.threshold(x, 1.0, -2.0),
    "glu": lambda f, x: f.glu(x),
    "glu_dim0": lambda f, x: f.glu(x, 0),
    "softmin": lambda f, x: f.softmin(x, dim=-1),
    "softmin_dtype": lambda f, x: f.softmin(
        x, 0, dtype=torch.float64 if f is not A else nr.float64
    ),
    "softmax": lambda f, x: f.softmax(x, dim=0),
    "log_softmax": lambda f, x: f.log_softmax(x, dim=-1),
}
# Ops tested at finite edges only: those mixing every element of a 1-d input (nan would
# spread everywhere), and softsign, whose PyTorch gradient at +-inf is a nan from its
# composite formula (inf / inf) where ours is the limit 0.
FINITE_EDGES_ONLY = {"softmin", "softmin_dtype", "softmax", "log_softmax", "softsign"}


def run(name):
    return lambda lib, x: OPS[name](functional(lib), x)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", sorted(OPS))
def test_matches_torch(name, dtype, rng):
    compare_with_torch(run(name), (rng.standard_normal((4, 6)) * 3).astype(dtype))


@pytest.mark.filterwarnings("ignore:invalid value encountered:RuntimeWarning")  # inf * 0
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", sorted(OPS))
def test_edges_match_torch(name, dtype):
    edges = EDGES[np.isfinite(EDGES)] if name in FINITE_EDGES_ONLY else EDGES
    compare_with_torch(run(name), edges.astype(dtype))


@pytest.mark.parametrize("name", sorted(OPS))
def test_second_order_gradients(name, rng):
    x = rng.uniform(0.1, 2.5, (2, 4)) * rng.choice([-1.0, 1.0], (2, 4))  # no kink nearby
    check_gradients(lambda x: OPS[name](A, x), x, second_order=True)


@pytest.mark.parametrize("name", sorted(set(OPS) - {"softmin_dtype"}))
def test_float16_matches_torch(name, rng):
    x = rng.standard_normal((2, 4)).astype(np.float16)
    compare_with_torch(run(name), x, grad=False, atol=2e-3, rtol=2e-3)


# Integer inputs: hardtanh and threshold keep the dtype; softsign and tanhshrink give floats.
INTEGER_OPS = [
    "relu",
    "relu6",
    "hardtanh",
    "hardtanh_bounds",
    "threshold",
    "softsign",
    "tanhshrink",
]


@pytest.mark.parametrize("dtype", [np.int64, np.int32, np.int8])
@pytest.mark.parametrize("name", INTEGER_OPS)
def test_integer_inputs(name, dtype):
    compare_with_torch(run(name), np.array([-7, -3, -1, 0, 1, 2, 3, 8]).astype(dtype))


def test_relu6_of_uint8():
    compare_with_torch(run("relu6"), np.array([0, 3, 6, 7, 255], dtype=np.uint8))


@pytest.mark.parametrize("bounds", [(0.5, 2.5), (-2.5, 2.5)])
def test_hardtanh_truncates_bounds_of_integer_tensors(bounds):
    compare_with_torch(lambda lib, x: functional(lib).hardtanh(x, *bounds), np.arange(-3, 4))


# ---- prelu and rrelu ------------------------------------------------------------------

PRELU_SHAPES = {
    "one_slope": ((3, 4), (1,)),
    "zero_d_slope": ((3, 4), ()),
    "channels": ((2, 3, 4), (3,)),
    "channels_2d": ((2, 5), (5,)),
    "vector_input": ((6,), (1,)),
    "zero_d_input": ((), (1,)),
}


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("case", sorted(PRELU_SHAPES))
def test_prelu_matches_torch(case, dtype, rng):
    input_shape, weight_shape = PRELU_SHAPES[case]
    x = np.asarray(rng.standard_normal(input_shape), dtype)
    weight = np.asarray(rng.uniform(0.1, 0.5, weight_shape), dtype)
    compare_with_torch(lambda lib, x, w: functional(lib).prelu(x, w), x, weight)
    x = np.asarray(rng.uniform(0.2, 2.0, input_shape) * rng.choice([-1.0, 1.0], input_shape))
    check_gradients(A.prelu, x, weight.astype(np.float64), second_order=True)


@pytest.mark.filterwarnings("ignore:invalid value encountered:RuntimeWarning")  # inf * 0
def test_prelu_at_zero_takes_the_slope():
    compare_with_torch(lambda lib, x, w: functional(lib).prelu(x, w), EDGES[:-1], np.array([0.3]))


def test_rrelu_training_draws_reproducible_slopes_in_range(rng):
    x = nr.tensor(rng.standard_normal((50, 40)), requires_grad=True)
    nr.manual_seed(3)
    y = A.rrelu(x, 0.1, 0.3, training=True)
    nr.manual_seed(3)
    assert nr.equal(A.rrelu(x, 0.1, 0.3, training=True), y)
    y.sum().backward()
    negative = x.detach() <= 0
    slopes = (y / x).detach()[negative]
    assert bool((slopes >= 0.1).all()) and bool((slopes < 0.3).all())
    assert slopes.std().item() > 0.05  # one slope per element, not one for all
    assert nr.equal(y[~negative], x[~negative])
    assert nr.allclose(x.grad, nr.where(negative, y / x, 1.0).detach())


def test_rrelu_training_second_order(rng):
    def seeded_rrelu(x):  # the same slopes on every call of the gradient check
        nr.manual_seed(0)
        return A.rrelu(x, training=True)

    x = rng.uniform(0.2, 2.0, (2, 3)) * rng.choice([-1.0, 1.0], (2, 3))
    check_gradients(seeded_rrelu, x, second_order=True)


# ---- softmax family: implicit dimension ------------------------------------------------


@pytest.mark.parametrize("name", ["softmax", "log_softmax", "softmin"])
@pytest.mark.parametrize("shape", [(5,), (2, 3), (2, 3, 4), (2, 3, 2, 2)])
def test_implicit_dim_warns_and_matches_torch(name, shape, rng):
    with pytest.warns(UserWarning, match=f"Implicit dimension choice for {name}"):
        compare_with_torch(
            lambda lib, x: getattr(functional(lib), name)(x),
            rng.standard_normal(shape).astype(np.float32),
        )


# ---- in place --------------------------------------------------------------------------

# name -> (in-place call, out-of-place call), both of f and x
INPLACE = {
    "relu": (lambda f, x: f.relu(x, inplace=True), lambda f, x: f.relu(x)),
    "relu_": (lambda f, x: f.relu_(x), lambda f, x: f.relu(x)),
    "relu6": (lambda f, x: f.relu6(x, inplace=True), lambda f, x: f.relu6(x)),
    "leaky_relu": (
        lambda f, x: f.leaky_relu(x, 0.2, inplace=True),
        lambda f, x: f.leaky_relu(x, 0.2),
    ),
    "leaky_relu_": (lambda f, x: f.leaky_relu_(x, 0.2), lambda f, x: f.leaky_relu(x, 0.2)),
    "rrelu": (
        lambda f, x: f.rrelu(x, 0.1, 0.2, inplace=True),
        lambda f, x: f.rrelu(x, 0.1, 0.2),
    ),
    "rrelu_": (lambda f, x: f.rrelu_(x, 0.1, 0.2), lambda f, x: f.rrelu(x, 0.1, 0.2)),
    "elu": (lambda f, x: f.elu(x, 0.5, inplace=True), lambda f, x: f.elu(x, 0.5)),
    "elu_": (lambda f, x: f.elu_(x, 0.5), lambda f, x: f.elu(x, 0.5)),
    "selu": (lambda f, x: f.selu(x, inplace=True), lambda f, x: f.selu(x)),
    "selu_": (lambda f, x: f.selu_(x), lambda f, x: f.selu(x)),
    "celu": (lambda f, x: f.celu(x, 2.0, inplace=True), lambda f, x: f.celu(x, 2.0)),
    "celu_": (lambda f, x: f.celu_(x, 2.0), lambda f, x: f.celu(x, 2.0)),
    "silu": (lambda f, x: f.silu(x, inplace=True), lambda f, x: f.silu(x)),
    "mish": (lambda f, x: f.mish(x, inplace=True), lambda f, x: f.mish(x)),
    "hardtanh": (
        lambda f, x: f.hardtanh(x, -0.5, 0.5, inplace=True),
        lambda f, x: f.hardtanh(x, -0.5, 0.5),
    ),
    "hardtanh_": (lambda f, x: f.hardtanh_(x, -0.5, 0.5), lambda f, x: f.hardtanh(x, -0.5, 0.5)),
    "hardsigmoid": (lambda f, x: f.hardsigmoid(x, inplace=True), lambda f, x: f.hardsigmoid(x)),
    "hardswish": (lambda f, x: f.hardswish(x, inplace=True), lambda f, x: f.hardswish(x)),
    "threshold": (
        lambda f, x: f.threshold(x, 0.1, 9.0, inplace=True),
        lambda f, x: f.threshold(x, 0.1, 9.0),
    ),
    "threshold_": (lambda f, x: f.threshold_(x, 0.1, 9.0), lambda f, x: f.threshold(x, 0.1, 9.0)),
}


@pytest.mark.parametrize("name", sorted(INPLACE))
def test_inplace_returns_the_input_written(name, rng):
    in_place, out_of_place = INPLACE[name]
    data = rng.standard_normal((3, 4)).astype(np.float32)
    x = nr.from_numpy(data.copy())
    expected = out_of_place(A, x)
    assert in_place(A, x) is x
    assert nr.equal(x, expected)
    view = nr.from_numpy(data.copy()).t()  # a non-contiguous tensor, written through
    assert in_place(A, view) is view
    assert nr.equal(view, expected.t())


@pytest.mark.parametrize("name", sorted(INPLACE))
def test_inplace_gradients_match_torch(name, rng):
    in_place = INPLACE[name][0]
    # x * 1: PyTorch refuses in-place ops on a leaf that requires grad
    compare_with_torch(lambda lib, x: in_place(functional(lib), x * 1), rng.standard_normal((3, 4)))


def test_inplace_on_a_leaf_requiring_grad_fails():
    with pytest.raises(RuntimeError, match="elu_: a leaf Variable that requires grad"):
        A.elu(nr.ones(3, requires_grad=True), inplace=True)


# ---- errors ----------------------------------------------------------------------------


def tensor(lib, shape, dtype="float32"):
    return lib.zeros(shape, dtype=getattr(lib, dtype))


# name -> (call of f and lib, exception type (PyTorch's too), our message)
ERRORS = {
    "glu_odd": (lambda f, lib: f.glu(tensor(lib, (2, 3))), RuntimeError, "glu: Halving dim"),
    "glu_scalar": (lambda f, lib: f.glu(tensor(lib, ())), RuntimeError, "glu: does not support"),
    "glu_dim": (lambda f, lib: f.glu(tensor(lib, (2, 4)), 2), IndexError, "glu: Dimension out"),
    "prelu_size": (
        lambda f, lib: f.prelu(tensor(lib, (2, 3, 4)), tensor(lib, (2,))),
        RuntimeError,
        r"prelu: Mismatch .* parameter numbers = 2 and channel size = 3",
    ),
    "prelu_vector": (
        lambda f, lib: f.prelu(tensor(lib, (3,)), tensor(lib, (3,))),
        RuntimeError,
        "parameter numbers = 3 and channel size = 1",
    ),
    "prelu_0d": (
        lambda f, lib: f.prelu(tensor(lib, ()), tensor(lib, (2,))),
        RuntimeError,
        "prelu: a 0-d input needs a weight of one element",
    ),
    "prelu_2d_weight": (
        lambda f, lib: f.prelu(tensor(lib, (2, 3)), tensor(lib, (1, 3))),
        RuntimeError,
        "prelu: Expected `weight` to be a scalar or 1D tensor, but got: ndim = 2",
    ),
    "prelu_dtypes": (
        lambda f, lib: f.prelu(tensor(lib, (2, 3)), tensor(lib, (3,), "float64")),
        RuntimeError,
        "prelu: Type promoting not supported.*float32 and float64",
    ),
    "prelu_number": (
        lambda f, lib: f.prelu(tensor(lib, (2, 3)), 0.25),
        TypeError,
        "prelu\\(\\): argument 'weight' must be Tensor, not float",
    ),
    "softshrink": (
        lambda f, lib: f.softshrink(tensor(lib, (2,)), -1.0),
        RuntimeError,
        "softshrink: lambda must be greater or equal to 0, but got -1.0",
    ),
    "hardtanh_bounds": (
        lambda f, lib: f.hardtanh(tensor(lib, (2,)), 2.0, 1.0),
        ValueError,
        "hardtanh: min_val cannot be greater than max_val",
    ),
    "gelu_approximate": (
        lambda f, lib: f.gelu(tensor(lib, (2,)), approximate="fast"),
        RuntimeError,
        "gelu: approximate argument must be either 'none' or 'tanh', got 'fast'",
    ),
    "rrelu_bounds": (
        lambda f, lib: f.rrelu(tensor(lib, (2,)), 0.5, 0.1, training=True),
        RuntimeError,
        "rrelu: Lower bound should be less than or equal to the upper bound",
    ),
    "celu_alpha": (
        lambda f, lib: f.celu(tensor(lib, (2,)), 0.0),
        RuntimeError,
        "celu: alpha cannot be 0",
    ),
    "elu_integer": (
        lambda f, lib: f.elu(tensor(lib, (2,), "int64")),
        NotImplementedError,
        "elu: expected a floating point tensor, but got dtype int64",
    ),
    "gelu_bool": (
        lambda f, lib: f.gelu(tensor(lib, (2,), "bool")),
        NotImplementedError,
        "gelu: Bool inputs are not supported",
    ),
    "hardtanh_bool": (
        lambda f, lib: f.hardtanh(tensor(lib, (2,), "bool")),
        RuntimeError,
        "hardtanh: Bool inputs are not supported",
    ),
    "rrelu_training_integer": (
        lambda f, lib: f.rrelu(tensor(lib, (2,), "int64"), training=True),
        NotImplementedError,
        "rrelu: expected a floating point tensor",
    ),
    "glu_integer": (
        lambda f, lib: f.glu(tensor(lib, (2,), "int64")),
        NotImplementedError,
        "glu: expected a floating point tensor",
    ),
    "softmin_integer": (
        lambda f, lib: f.softmin(tensor(lib, (2,), "int64"), 0),
        NotImplementedError,
        "softmin\\(\\): expected a floating point input",
    ),
    "softmin_dim": (
        lambda f, lib: f.softmin(tensor(lib, (2,)), 1),
        IndexError,
        "softmin: Dimension out of range",
    ),
    "not_a_tensor": (lambda f, lib: f.elu(1.0), TypeError, "elu\\(\\): argument 'input'"),
    "hardtanh_unsigned": (
        lambda f, lib: f.hardtanh(tensor(lib, (2,), "uint8")),
        RuntimeError,
        "hardtanh: value -1.0 cannot be converted to uint8 without overflow",
    ),
}


@pytest.mark.parametrize("case", sorted(ERRORS))
def test_errors(case):
    call, error, message = ERRORS[case]
    with pytest.raises(error, match=message):
        call(A, nr)
    if torch is not None:
        with pytest.raises(error):
            call(torch.nn.functional, torch)


def test_functional_exports():
    for name in A.__all__:
        assert getattr(F, name) is getattr(A, name), name


# ---- modules ---------------------------------------------------------------------------

# name -> (build from an nn namespace, input shape); inputs are x * 1 so in-place layers
# may write them (PyTorch refuses in-place writes into a leaf that requires grad).
MODULES = {
    "Threshold": (lambda nn: nn.Threshold(0.1, 20.0), (2, 3)),
    "Threshold_inplace": (lambda nn: nn.Threshold(0.1, 20, inplace=True), (2, 3)),
    "ReLU": (lambda nn: nn.ReLU(), (2, 3)),
    "ReLU_inplace": (lambda nn: nn.ReLU(inplace=True), (2, 3)),
    "RReLU_eval": (lambda nn: nn.RReLU().eval(), (2, 3)),
    "RReLU_inplace": (lambda nn: nn.RReLU(0.1, 0.3, inplace=True).eval(), (2, 3)),
    "Hardtanh": (lambda nn: nn.Hardtanh(), (2, 3)),
    "Hardtanh_bounds": (lambda nn: nn.Hardtanh(-2, 3, inplace=True), (2, 3)),
    "ReLU6": (lambda nn: nn.ReLU6(), (2, 3)),
    "ReLU6_inplace": (lambda nn: nn.ReLU6(inplace=True), (2, 3)),
    "Sigmoid": (lambda nn: nn.Sigmoid(), (2, 3)),
    "Hardsigmoid": (lambda nn: nn.Hardsigmoid(inplace=True), (2, 3)),
    "Tanh": (lambda nn: nn.Tanh(), (2, 3)),
    "SiLU": (lambda nn: nn.SiLU(), (2, 3)),
    "SiLU_inplace": (lambda nn: nn.SiLU(inplace=True), (2, 3)),
    "Mish": (lambda nn: nn.Mish(inplace=True), (2, 3)),
    "Hardswish": (lambda nn: nn.Hardswish(), (2, 3)),
    "ELU": (lambda nn: nn.ELU(), (2, 3)),
    "ELU_alpha": (lambda nn: nn.ELU(0.5, inplace=True), (2, 3)),
    "CELU": (lambda nn: nn.CELU(2.0), (2, 3)),
    "SELU": (lambda nn: nn.SELU(inplace=True), (2, 3)),
    "GLU": (lambda nn: nn.GLU(), (2, 4)),
    "GLU_dim": (lambda nn: nn.GLU(0), (2, 3)),
    "GELU": (lambda nn: nn.GELU(), (2, 3)),
    "GELU_tanh": (lambda nn: nn.GELU("tanh"), (2, 3)),
    "Hardshrink": (lambda nn: nn.Hardshrink(), (2, 3)),
    "LeakyReLU": (lambda nn: nn.LeakyReLU(), (2, 3)),
    "LeakyReLU_slope": (lambda nn: nn.LeakyReLU(0.2, True), (2, 3)),
    "LogSigmoid": (lambda nn: nn.LogSigmoid(), (2, 3)),
    "Softplus": (lambda nn: nn.Softplus(2, 1), (2, 3)),
    "Softshrink": (lambda nn: nn.Softshrink(1), (2, 3)),
    "PReLU": (lambda nn: nn.PReLU(), (2, 3)),
    "PReLU_channels": (lambda nn: nn.PReLU(3, init=0.1), (2, 3, 2)),
    "Softsign": (lambda nn: nn.Softsign(), (2, 3)),
    "Tanhshrink": (lambda nn: nn.Tanhshrink(), (2, 3)),
    "Softmin": (lambda nn: nn.Softmin(1), (2, 3)),
    "Softmax": (lambda nn: nn.Softmax(dim=-1), (2, 3)),
    "LogSoftmax": (lambda nn: nn.LogSoftmax(0), (2, 3)),
}


@pytest.mark.parametrize("name", sorted(MODULES))
def test_module_repr_matches_torch(name):
    build, _ = MODULES[name]
    if torch is None:
        pytest.skip("PyTorch is not installed (it is the test oracle)")
    assert repr(build(nr.nn)) == repr(build(torch.nn))


@pytest.mark.parametrize("name", sorted(MODULES))
def test_module_matches_torch(name, rng):
    build, shape = MODULES[name]
    x = rng.standard_normal(shape).astype(np.float32)  # the dtype of PReLU's weight
    compare_with_torch(lambda lib, x: build(lib.nn)(x * 1), x)


@pytest.mark.parametrize("name", ["ReLU_inplace", "ELU_alpha", "Hardtanh_bounds", "Mish"])
def test_inplace_module_returns_its_input(name):
    x = nr.linspace(-2.0, 2.0, 6)
    assert MODULES[name][0](nr.nn)(x) is x


@pytest.mark.parametrize("num_parameters", [1, 3])
def test_prelu_module_with_torch_weights(num_parameters, rng):
    from .conftest import copy_torch_state

    if torch is None:
        pytest.skip("PyTorch is not installed (it is the test oracle)")
    theirs = torch.nn.PReLU(num_parameters)
    with torch.no_grad():
        theirs.weight.uniform_(-0.5, 0.5)
    ours = nr.nn.PReLU(num_parameters)
    copy_torch_state(ours, theirs)
    assert [(k, tuple(p.shape)) for k, p in ours.named_parameters()] == [
        (k, tuple(v.shape)) for k, v in theirs.state_dict().items()
    ]
    data = rng.standard_normal((4, 3, 5)).astype(np.float32)
    x_ours = nr.tensor(data, requires_grad=True)
    x_theirs = torch.tensor(data, requires_grad=True)
    upstream = rng.standard_normal(data.shape).astype(np.float32)
    (ours(x_ours) * nr.tensor(upstream)).sum().backward()
    (theirs(x_theirs) * torch.tensor(upstream)).sum().backward()
    np.testing.assert_allclose(ours(x_ours).detach().numpy(), theirs(x_theirs).detach().numpy())
    np.testing.assert_allclose(x_ours.grad.numpy(), x_theirs.grad.numpy(), rtol=1e-5)
    np.testing.assert_allclose(ours.weight.grad.numpy(), theirs.weight.grad.numpy(), rtol=1e-4)


def test_prelu_module_default_initialization():
    m = nr.nn.PReLU(4, init=0.1, dtype=nr.float64, device="cpu")
    assert isinstance(m.weight, nr.nn.Parameter) and m.weight.requires_grad
    assert m.weight.dtype is nr.float64 and tuple(m.weight.shape) == (4,)
    assert bool((m.weight == 0.1).all())
    assert nr.equal(nr.nn.PReLU().weight.detach(), nr.tensor([0.25]))


def test_rrelu_module_is_random_in_training_only(rng):
    x = nr.tensor(-rng.uniform(0.5, 1.0, (20, 30)))
    m = nr.nn.RReLU(0.1, 0.3)
    slopes = m(x) / x
    assert bool((slopes >= 0.1).all()) and bool((slopes < 0.3).all()) and slopes.std() > 0.03
    assert nr.allclose(m.eval()(x) / x, nr.full_like(x, 0.2))


@pytest.mark.parametrize("name", ["Softmax", "LogSoftmax", "Softmin"])
def test_module_implicit_dim_warns(name, rng):
    with pytest.warns(UserWarning, match="Implicit dimension choice"):
        compare_with_torch(
            lambda lib, x: getattr(lib.nn, name)()(x), rng.standard_normal((2, 3, 4))
        )


def test_hardtanh_module_arguments():
    with pytest.raises(AssertionError, match=r"max_val \(1\) must be greater than min_val \(1\)"):
        nr.nn.Hardtanh(1, 1)
    with pytest.warns(FutureWarning, match="is deprecated and renamed") as caught:
        m = nr.nn.Hardtanh(min_value=-2.0, max_value=2.0)
    assert ["`min_value`" in str(w.message) for w in caught] == [True, False]
    assert (m.min_val, m.max_val) == (-2.0, 2.0)
