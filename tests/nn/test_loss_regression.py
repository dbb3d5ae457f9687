"""Regression losses against PyTorch: mse, l1, smooth L1, Huber, KL divergence, Poisson
and Gaussian NLL (values, dtypes and gradients for every reduction and option, shapes,
double backward, extreme values, weights, warnings and errors)."""

import inspect

import numpy as np
import pytest

import neurarust as nr
import neurarust.nn.functional as F

from ..conftest import check_gradients, compare_with_torch, torch


def functional(lib):
    """The functional namespace of ``lib``: neurarust's or torch's."""
    return F if lib is nr else torch.nn.functional


# -- inputs, by kind: each returns the arrays a loss takes (float64) ------------------


def real_pair(rng, shape):
    """Predictions and targets far enough apart to reach both pieces of smooth L1/Huber."""
    return [rng.standard_normal(shape) * 2, rng.standard_normal(shape) * 2]


def log_probabilities(rng, shape):
    return np.log(rng.uniform(0.05, 1.0, shape))


def kl_pair(rng, shape):
    return [log_probabilities(rng, shape), rng.uniform(0.05, 1.0, shape)]


def kl_log_pair(rng, shape):
    return [log_probabilities(rng, shape), log_probabilities(rng, shape)]


def counts(rng, shape):
    """Poisson targets on both sides of 1 (Stirling's term applies above 1 only)."""
    return rng.choice([0.3, 0.8, 1.5, 2.0, 3.5, 6.0], shape)


def log_rate_pair(rng, shape):
    return [rng.standard_normal(shape), counts(rng, shape)]


def rate_pair(rng, shape):
    return [rng.uniform(0.1, 3.0, shape), counts(rng, shape)]


def gaussian_triple(rng, shape):
    return [rng.standard_normal(shape), rng.standard_normal(shape), rng.uniform(0.1, 2.0, shape)]


# name -> (call(f, reduction, *inputs), inputs(rng, shape))
LOSSES = {
    "mse": (lambda f, r, x, t: f.mse_loss(x, t, reduction=r), real_pair),
    "l1": (lambda f, r, x, t: f.l1_loss(x, t, reduction=r), real_pair),
    "smooth_l1": (lambda f, r, x, t: f.smooth_l1_loss(x, t, reduction=r), real_pair),
    "smooth_l1_beta": (
        lambda f, r, x, t: f.smooth_l1_loss(x, t, reduction=r, beta=2.5),
        real_pair,
    ),
    "smooth_l1_beta0": (
        lambda f, r, x, t: f.smooth_l1_loss(x, t, reduction=r, beta=0.0),
        real_pair,
    ),
    "huber": (lambda f, r, x, t: f.huber_loss(x, t, reduction=r), real_pair),
    "huber_delta": (lambda f, r, x, t: f.huber_loss(x, t, reduction=r, delta=2.5), real_pair),
    "kl": (lambda f, r, x, t: f.kl_div(x, t, reduction=r), kl_pair),
    "kl_log_target": (lambda f, r, x, t: f.kl_div(x, t, reduction=r, log_target=True), kl_log_pair),
    "poisson": (lambda f, r, x, t: f.poisson_nll_loss(x, t, reduction=r), log_rate_pair),
    "poisson_full": (
        lambda f, r, x, t: f.poisson_nll_loss(x, t, full=True, reduction=r),
        log_rate_pair,
    ),
    "poisson_rate": (
        lambda f, r, x, t: f.poisson_nll_loss(x, t, log_input=False, reduction=r),
        rate_pair,
    ),
    "poisson_rate_full_eps": (
        lambda f, r, x, t: f.poisson_nll_loss(
            x, t, log_input=False, full=True, eps=0.5, reduction=r
        ),
        rate_pair,
    ),
    "gaussian": (lambda f, r, x, t, v: f.gaussian_nll_loss(x, t, v, reduction=r), gaussian_triple),
    "gaussian_full_eps": (
        lambda f, r, x, t, v: f.gaussian_nll_loss(x, t, v, full=True, eps=0.05, reduction=r),
        gaussian_triple,
    ),
}

SHAPES = [(3, 4), (4,), (2, 3, 2), ()]


def reductions(name):
    """The reductions of loss ``name`` ('mean' of kl_div warns; see its own test)."""
    return ["none", "sum", "batchmean"] if name.startswith("kl") else ["none", "mean", "sum"]


def make_inputs(name, rng, shape, dtype=np.float64):
    """The inputs of loss ``name`` as arrays of ``dtype`` (0-d arrays too, not scalars)."""
    return [np.asarray(a, dtype) for a in LOSSES[name][1](rng, shape)]


def run(name, reduction):
    call = LOSSES[name][0]
    return lambda lib, *inputs: call(functional(lib), reduction, *inputs)


@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize(
    "name, reduction", [(name, r) for name in LOSSES for r in reductions(name)]
)
def test_matches_torch(name, reduction, shape, rng):
    compare_with_torch(run(name, reduction), *make_inputs(name, rng, shape, np.float32))


@pytest.mark.parametrize("name", LOSSES)
def test_second_order_gradients(name, rng):
    call = LOSSES[name][0]
    inputs = make_inputs(name, rng, (2, 3))
    check_gradients(lambda *a: call(F, "sum", *a), *inputs, second_order=True)


@pytest.mark.parametrize("name", ["kl", "kl_log_target"])
def test_kl_div_mean_warns_to_use_batchmean(name, rng):
    with pytest.warns(UserWarning, match="'batchmean' divides only by the batch size"):
        compare_with_torch(run(name, "mean"), *kl_pair(rng, (3, 4)))


def test_kl_div_batchmean_divides_by_input_batch_size(rng):
    # A broadcast target does not change the batch size, which is input's first dimension.
    compare_with_torch(run("kl", "batchmean"), log_probabilities(rng, (4,)), rng.random((3, 4)))


# -- dtypes ----------------------------------------------------------------------------

F32, F64, I64, I32, B = np.float32, np.float64, np.int64, np.int32, np.bool_

# (loss, reduction, input dtype, target dtype, PyTorch's exception or None)
DTYPE_CASES = [
    ("mse", "mean", F32, F64, None),
    ("mse", "none", I64, F32, None),
    ("mse", "mean", I64, I64, NotImplementedError),
    ("mse", "sum", I32, I64, NotImplementedError),
    ("mse", "none", B, B, NotImplementedError),
    ("l1", "none", I64, I64, None),
    ("l1", "sum", I32, I32, None),
    ("l1", "mean", I64, I64, RuntimeError),
    ("l1", "mean", F64, F32, None),
    ("l1", "sum", B, B, RuntimeError),
    ("smooth_l1", "mean", F32, F64, None),
    ("smooth_l1", "none", I64, F32, None),
    ("smooth_l1", "sum", I64, I64, NotImplementedError),
    ("smooth_l1_beta0", "sum", I64, I64, None),
    ("huber", "mean", F32, F64, None),  # the loss has input's dtype
    ("huber", "none", F64, F32, None),
    ("huber", "mean", F32, I64, None),
    ("huber", "mean", I64, F32, RuntimeError),
    ("huber", "mean", I64, I64, NotImplementedError),
    ("huber", "none", B, F32, RuntimeError),
    ("kl", "sum", F32, F64, None),
    ("kl_log_target", "batchmean", F64, F32, None),
    ("kl", "sum", F32, I64, RuntimeError),
    ("kl_log_target", "sum", I64, F32, RuntimeError),
    ("poisson", "mean", I64, I64, None),
    ("poisson_full", "none", F32, I64, None),
    ("poisson_rate", "sum", I64, F32, None),
    ("poisson_rate_full_eps", "mean", F32, F64, None),
]


@pytest.mark.parametrize("name, reduction, input_dtype, target_dtype, error", DTYPE_CASES)
def test_dtypes_match_torch(name, reduction, input_dtype, target_dtype, error):
    x = np.array([[1.0, 2.0, 3.0], [0.5, 4.0, 2.0]])
    t = np.array([[2.0, 2.0, 0.0], [1.0, 1.0, 5.0]])
    if name.startswith("kl"):
        x = -x  # log-probabilities
    x, t = x.astype(input_dtype), t.astype(target_dtype)
    if error is None:
        # PyTorch's huber_loss backward fails on mixed dtypes ("Found dtype Double but
        # expected Float"), so only its values can be compared there.
        mixed_huber = name.startswith("huber") and input_dtype != target_dtype
        compare_with_torch(run(name, reduction), x, t, grad=not mixed_huber)
        return
    for lib in (torch, nr) if torch is not None else (nr,):
        with pytest.raises(error):
            run(name, reduction)(lib, lib.from_numpy(x), lib.from_numpy(t))


@pytest.mark.parametrize(
    "dtypes",
    [(F32, F32, F64), (F32, F64, F32), (F64, F32, F32), (I64, I64, F32)],
    ids=str,
)
def test_gaussian_dtypes_match_torch(dtypes, rng):
    inputs = [a.astype(d) for a, d in zip(gaussian_triple(rng, (2, 3)), dtypes)]
    compare_with_torch(run("gaussian", "mean"), *inputs)


# -- extreme values: finite where PyTorch is finite, and equal to it -------------------

BIG = np.array([[1e4, -1e4, 3e3], [-2e3, 0.0, 1e4]], dtype=np.float32)
PROBABILITIES = np.array([[0.0, 1.0, 0.0], [0.5, 0.5, 0.0]], dtype=np.float32)
POISSON_COUNTS = np.array([[0.0, 1.0, 2.0], [50.0, 0.0, 1e4]], dtype=np.float32)

# name -> (loss of f, its inputs): targets may get nan gradients where torch's are nan
# (kl_div and Poisson's Stirling term at target 0), so only inputs are checked finite.
EXTREMES = {
    "mse": (lambda f, x, t: f.mse_loss(x, t), [BIG, -BIG[::-1]]),
    "l1": (lambda f, x, t: f.l1_loss(x, t), [BIG, -BIG[::-1]]),
    "smooth_l1": (lambda f, x, t: f.smooth_l1_loss(x, t), [BIG, -BIG[::-1]]),
    "huber": (lambda f, x, t: f.huber_loss(x, t, delta=2.0), [BIG, -BIG[::-1]]),
    "kl_zero_and_one": (
        lambda f, x, t: f.kl_div(x, t, reduction="batchmean"),
        [np.log(PROBABILITIES[::-1] + 1e-3), PROBABILITIES],
    ),
    "kl_very_negative_log_input": (
        lambda f, x, t: f.kl_div(x, t, reduction="sum"),
        [np.full((2, 3), -1e4, np.float32), PROBABILITIES],
    ),
    "kl_log_target_very_negative": (
        lambda f, x, t: f.kl_div(x, t, reduction="sum", log_target=True),
        [np.full((2, 3), -1e4, np.float32), np.full((2, 3), -1e4, np.float32)],
    ),
    "poisson_very_negative_log_rate": (
        lambda f, x, t: f.poisson_nll_loss(x, t, full=True),
        [np.full((2, 3), -1e4, np.float32), POISSON_COUNTS],
    ),
    "poisson_zero_rate": (
        lambda f, x, t: f.poisson_nll_loss(x, t, log_input=False, full=True),
        [np.zeros((2, 3), np.float32), POISSON_COUNTS],
    ),
    "gaussian_zero_var": (
        lambda f, x, t, v: f.gaussian_nll_loss(x, t, v),
        [BIG / 1e4, BIG[::-1] / 1e4, np.array([[0.0, 1e-8, 1e4], [1e-6, 2.0, 0.0]], np.float32)],
    ),
    "gaussian_big": (
        lambda f, x, t, v: f.gaussian_nll_loss(x, t, v, full=True),
        [BIG, -BIG, np.full((2, 1), 1e4, np.float32)],
    ),
}


@pytest.mark.parametrize("name", EXTREMES)
def test_extreme_values_are_finite_and_match_torch(name):
    call, inputs = EXTREMES[name]
    x = nr.tensor(inputs[0], requires_grad=True)
    loss = call(F, x, *[nr.from_numpy(np.ascontiguousarray(a)) for a in inputs[1:]])
    loss.backward()
    assert np.isfinite(loss.item()) and np.isfinite(x.grad.numpy()).all()
    compare_with_torch(lambda lib, *a: call(functional(lib), *a), *inputs)


def test_gaussian_gradient_passes_the_variance_clamp_unchanged():
    # var below eps is used as eps, but still gets the gradient computed at eps.
    compare_with_torch(
        lambda lib, x, t, v: functional(lib).gaussian_nll_loss(x, t, v, reduction="none"),
        np.array([0.5, 1.0, 2.0]),
        np.array([0.4, 1.0, 1.0]),
        np.array([0.0, 1e-8, 2.0]),
    )


# -- gaussian_nll_loss: the shapes of var ------------------------------------------------


@pytest.mark.parametrize(
    "input_shape, var_shape",
    [((4, 3), (4, 3)), ((4, 3), (4,)), ((4, 3), (4, 1)), ((4, 3), (1, 3)), ((3,), ())],
    ids=str,
)
def test_gaussian_var_shapes_match_torch(input_shape, var_shape, rng):
    x, t = rng.standard_normal(input_shape), rng.standard_normal(input_shape)
    compare_with_torch(run("gaussian", "none"), x, t, rng.uniform(0.1, 2.0, var_shape))


@pytest.mark.parametrize("var", [0.5, 2, 0.0])
def test_gaussian_var_as_a_number(var, rng):
    x, t = rng.standard_normal((2, 3)), rng.standard_normal((2, 3))
    compare_with_torch(
        lambda lib, x, t: functional(lib).gaussian_nll_loss(x, t, float(var), reduction="sum"),
        x,
        t,
    )
    # PyTorch refuses a Python int (a TypeError from torch.any); neurarust takes it.
    assert nr.allclose(
        F.gaussian_nll_loss(nr.tensor(x), nr.tensor(t), var),
        F.gaussian_nll_loss(nr.tensor(x), nr.tensor(t), float(var)),
    )


# -- weights ---------------------------------------------------------------------------

WEIGHTED = {
    "mse": lambda f, r, x, t, w: f.mse_loss(x, t, reduction=r, weight=w),
    "l1": lambda f, r, x, t, w: f.l1_loss(x, t, reduction=r, weight=w),
    "huber": lambda f, r, x, t, w: f.huber_loss(x, t, reduction=r, delta=1.5, weight=w),
}


@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
@pytest.mark.parametrize("name", WEIGHTED)
def test_weighted_losses_match_torch(name, reduction, rng):
    x, t = real_pair(rng, (2, 3))
    w = rng.uniform(0.0, 2.0, (2, 3))
    call = WEIGHTED[name]
    compare_with_torch(lambda lib, *a: call(functional(lib), reduction, *a), x, t, w)
    check_gradients(lambda *a: call(F, reduction, *a), x, t, w, second_order=True)


@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
def test_weighted_mse_of_integers_matches_torch(reduction):
    # Only the unweighted path refuses integers, as in PyTorch.
    x, t, w = np.array([1, 5, 2]), np.array([3, 1, 2]), np.array([1.0, 2.0, 0.5])
    compare_with_torch(lambda lib, *a: WEIGHTED["mse"](functional(lib), reduction, *a), x, t, w)


# -- broadcasting targets warn, as in PyTorch ------------------------------------------


@pytest.mark.parametrize("name", ["mse", "l1", "smooth_l1", "huber"])
@pytest.mark.parametrize("shapes", [((3, 2), (2,)), ((2,), (3, 2)), ((3, 1), (3,))], ids=str)
def test_broadcast_target_warns_and_matches_torch(name, shapes, rng):
    x, t = (rng.standard_normal(s).astype(np.float32) for s in shapes)
    with pytest.warns(UserWarning, match=r"Using a target size \(.*Size\(\[") as record:
        compare_with_torch(run(name, "mean"), x, t)
    assert any(w.filename == __file__ for w in record)  # points at the caller


@pytest.mark.parametrize("name", ["kl", "poisson", "gaussian"])
def test_other_losses_broadcast_without_warning(name, rng, recwarn):
    inputs = make_inputs(name, rng, (3, 2))
    inputs[1] = inputs[1][0]
    compare_with_torch(run(name, "sum"), *inputs)
    assert not [w for w in recwarn if "target size" in str(w.message)]


# -- the deprecated size_average and reduce flags --------------------------------------

LEGACY = {
    "mse": lambda f, x, t, **k: f.mse_loss(x, t, **k),
    "l1": lambda f, x, t, **k: f.l1_loss(x, t, **k),
    "smooth_l1": lambda f, x, t, **k: f.smooth_l1_loss(x, t, **k),
    "kl": lambda f, x, t, **k: f.kl_div(x, t, **k),
    "poisson": lambda f, x, t, **k: f.poisson_nll_loss(x, t, **k),
}


@pytest.mark.parametrize(
    "flags", [{"size_average": False}, {"reduce": False}, {"size_average": True}], ids=str
)
@pytest.mark.parametrize("name", LEGACY)
def test_legacy_flags_map_to_reduction(name, flags, rng):
    inputs = kl_pair(rng, (2, 3)) if name == "kl" else rate_pair(rng, (2, 3))
    with pytest.warns(UserWarning, match="size_average and reduce args will be deprecated"):
        compare_with_torch(lambda lib, x, t: LEGACY[name](functional(lib), x, t, **flags), *inputs)


# -- errors: PyTorch's exception types, messages naming the loss ------------------------


def pair(lib, first=(2, 3), second=(2, 3), dtype=None):
    return lib.ones(first, dtype=dtype), lib.ones(second, dtype=dtype)


# (id, call(lib), exception, message of ours)
ERRORS = [
    (
        "bad_reduction",
        lambda lib: functional(lib).mse_loss(*pair(lib), reduction="avg"),
        ValueError,
        "mse_loss: 'avg' is not a valid value for reduction",
    ),
    (
        "batchmean_outside_kl",
        lambda lib: functional(lib).smooth_l1_loss(*pair(lib), reduction="batchmean"),
        ValueError,
        "smooth_l1_loss: 'batchmean' is not a valid value for reduction",
    ),
    (
        "kl_bad_reduction",
        lambda lib: functional(lib).kl_div(*pair(lib), reduction="max"),
        ValueError,
        r"kl_div: 'max' is not a valid value for reduction \(expected one of .*'batchmean'",
    ),
    (
        "no_broadcast",
        lambda lib: functional(lib).l1_loss(*pair(lib, (2, 3), (3, 2))),
        RuntimeError,
        r"l1_loss: The size of tensor a \(3\) must match the size of tensor b \(2\)",
    ),
    (
        "poisson_no_broadcast",
        lambda lib: functional(lib).poisson_nll_loss(*pair(lib, (4,), (3,))),
        RuntimeError,
        r"poisson_nll_loss: The size of tensor a \(4\) must match",
    ),
    (
        "weight_shape",
        lambda lib: functional(lib).mse_loss(*pair(lib), weight=lib.ones(3)),
        ValueError,
        r"mse_loss: Weights and input must have the same size \(weight \(3,\), input \(2, 3\)\)",
    ),
    (
        "huber_weight_shape",
        lambda lib: functional(lib).huber_loss(*pair(lib, (3,), (2, 3)), weight=lib.ones(2, 3)),
        ValueError,
        "huber_loss: Weights and input must have the same size",
    ),
    (
        "negative_beta",
        lambda lib: functional(lib).smooth_l1_loss(*pair(lib), beta=-0.5),
        RuntimeError,
        r"smooth_l1_loss does not support negative values for beta \(got beta=-0.5\)",
    ),
    (
        "zero_delta",
        lambda lib: functional(lib).huber_loss(*pair(lib), delta=0.0),
        RuntimeError,
        r"huber_loss does not support non-positive values for delta \(got delta=0.0\)",
    ),
    (
        "mse_of_integers",
        lambda lib: functional(lib).mse_loss(*pair(lib, dtype=lib.int64)),
        NotImplementedError,
        "mse_loss: not implemented for int64 tensors",
    ),
    (
        "huber_integer_input",
        lambda lib: functional(lib).huber_loss(lib.ones(2, dtype=lib.int64), lib.ones(2)),
        RuntimeError,
        "huber_loss: result type float32 can't be cast to the desired output type int64",
    ),
    (
        "kl_integers",
        lambda lib: functional(lib).kl_div(lib.ones(2), lib.ones(2, dtype=lib.int64)),
        RuntimeError,
        r"kl_div: Integral inputs not supported \(expected floating point .* got float32 and int64",
    ),
    (
        "target_not_a_tensor",
        lambda lib: functional(lib).poisson_nll_loss(lib.ones(2), [1.0, 2.0]),
        TypeError,
        "poisson_nll_loss.*argument 'target' must be Tensor, not list",
    ),
    (
        "negative_var",
        lambda lib: functional(lib).gaussian_nll_loss(*pair(lib), lib.tensor([1.0, -1.0, 1.0])),
        ValueError,
        "gaussian_nll_loss: var has negative entry/entries",
    ),
    (
        "negative_var_number",
        lambda lib: functional(lib).gaussian_nll_loss(*pair(lib), -1.0),
        ValueError,
        r"gaussian_nll_loss: var has negative entry/entries \(got -1.0\)",
    ),
    (
        "var_two_dims_of_one",
        lambda lib: functional(lib).gaussian_nll_loss(*pair(lib), lib.ones(1, 1)),
        ValueError,
        r"gaussian_nll_loss: var is of incorrect size: expected \(2, 3\), \(2,\) or \(2, 3\) "
        r"with one dimension set to 1, got \(1, 1\)",
    ),
    (
        "var_wrong_size",
        lambda lib: functional(lib).gaussian_nll_loss(*pair(lib), lib.ones(3)),
        ValueError,
        r"gaussian_nll_loss: var is of incorrect size: .* got \(3,\)",
    ),
    (
        "var_extra_dim",
        lambda lib: functional(lib).gaussian_nll_loss(*pair(lib), lib.ones(2, 3, 1)),
        ValueError,
        r"gaussian_nll_loss: var is of incorrect size: .* got \(2, 3, 1\)",
    ),
    (
        "integer_var",
        lambda lib: functional(lib).gaussian_nll_loss(*pair(lib), lib.ones(2, 3, dtype=lib.int64)),
        RuntimeError,
        "gaussian_nll_loss: expected a floating point var, got int64",
    ),
    (
        "gaussian_bad_reduction",
        lambda lib: functional(lib).gaussian_nll_loss(*pair(lib), 1.0, reduction="batchmean"),
        ValueError,
        "gaussian_nll_loss: 'batchmean' is not a valid value for reduction",
    ),
]


@pytest.mark.filterwarnings("ignore:Using a target size", "ignore:reduction. 'mean' divides")
@pytest.mark.parametrize(
    "call, error, message", [case[1:] for case in ERRORS], ids=[case[0] for case in ERRORS]
)
def test_errors(call, error, message):
    if torch is not None:
        with pytest.raises(error):  # PyTorch raises the same type
            call(torch)
    with pytest.raises(error, match=message):
        call(nr)


NAMES = [
    "mse_loss",
    "l1_loss",
    "smooth_l1_loss",
    "huber_loss",
    "kl_div",
    "poisson_nll_loss",
    "gaussian_nll_loss",
]


@pytest.mark.parametrize("name", NAMES)
def test_signature_is_pytorchs(name):
    assert name in F.__all__
    if torch is None:
        pytest.skip("PyTorch is not installed (it is the test oracle)")

    def parameters(fn):
        return [(p.name, p.kind, p.default) for p in inspect.signature(fn).parameters.values()]

    assert parameters(getattr(F, name)) == parameters(getattr(torch.nn.functional, name))
