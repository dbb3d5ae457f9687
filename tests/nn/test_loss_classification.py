"""Classification losses against PyTorch: nll_loss, cross_entropy, binary_cross_entropy
and binary_cross_entropy_with_logits (values, dtypes, gradients for every reduction and
option, extreme inputs, double backward, errors)."""

import numpy as np
import pytest

import neurarust as nr

from ..conftest import check_gradients, compare_with_torch, strided, torch

F = nr.nn.functional
RNG = np.random.default_rng(0)
REDUCTIONS = ["none", "mean", "sum"]
NLL, CE = "nll_loss", "cross_entropy"
BCE, BCEL = "binary_cross_entropy", "binary_cross_entropy_with_logits"


def normal(*shape, dtype=np.float32):
    return RNG.standard_normal(shape).astype(dtype)


def uniform(*shape, low=0.0, high=1.0, dtype=np.float32):
    return RNG.uniform(low, high, shape).astype(dtype)


def log_probs(*shape, dtype=np.float32):
    """Log-probabilities along dimension 1 (0 for one dimension), as nll_loss expects."""
    x = RNG.standard_normal(shape)
    dim = 0 if len(shape) == 1 else 1
    return (x - np.log(np.exp(x).sum(dim, keepdims=True))).astype(dtype)


def classes(*shape, ignored=0.0):
    """Class indices in [0, 5), a fraction ``ignored`` of them -100."""
    labels = RNG.integers(0, 5, shape)
    return np.where(RNG.uniform(size=shape) < ignored, -100, labels)


WEIGHT = uniform(5, low=0.5, high=2.0)
CLASSES, IGNORED = np.array([1, 0, 4, 2]), np.array([1, -100, 4, -100])
# Logits far beyond exp's float32 range: finite losses and gradients all the same.
BIG = np.array([[1e4, -1e4, 30.0, 0.0, -5.0], [-30.0, 1e4, -1e4, 1e4, 2.0]], np.float32)
# Probabilities at the ends of [0, 1], where binary_cross_entropy's logs are clamped.
EDGES = np.array([0.0, 1.0, 0.0, 1.0, 0.5, 0.0, 1.0], np.float32)
EDGE_TARGETS = np.array([0.0, 0.0, 1.0, 1.0, 0.5, 0.3, 0.7], np.float32)


def case(name, loss, *inputs, constants=None, **options):
    """One oracle case: ``loss(*inputs, **constants, **options)``. Floating ``inputs``
    get their gradients compared; ``constants`` (weights) become tensors needing none."""
    return pytest.param(loss, inputs, constants or {}, options, id=name)


def run(loss, constants, options):
    """The body shared by both libraries in ``compare_with_torch``."""

    def body(lib, *tensors):
        fixed = {key: lib.from_numpy(strided(value)) for key, value in constants.items()}
        return getattr(lib.nn.functional, loss)(*tensors, **fixed, **options)

    return body


W = {"weight": WEIGHT}
W64 = {"weight": WEIGHT.astype(np.float64)}

CASES = [
    case("nll", NLL, log_probs(4, 5), CLASSES),
    case("nll_weight", NLL, log_probs(4, 5), CLASSES, constants=W),
    case("nll_ignored_weight", NLL, log_probs(4, 5), IGNORED, constants=W),
    case("nll_ignore_index", NLL, log_probs(4, 5), CLASSES, ignore_index=0),
    case("nll_uint8_target", NLL, log_probs(4, 5), CLASSES.astype(np.uint8)),
    case("nll_unbatched", NLL, log_probs(5), np.array(3), constants=W),
    case("nll_2d", NLL, log_probs(2, 5, 3), classes(2, 3, ignored=0.3), constants=W),
    case("nll_3d", NLL, log_probs(2, 5, 2, 3), classes(2, 2, 3, ignored=0.3)),
    case("nll_float64", NLL, log_probs(4, 5, dtype=np.float64), IGNORED, constants=W64),
    case("nll_all_ignored", NLL, log_probs(4, 5), np.full(4, -100), constants=W),
    case("nll_empty", NLL, log_probs(0, 5), np.zeros(0, np.int64)),
    case("ce", CE, normal(4, 5), CLASSES),
    case("ce_weight", CE, normal(4, 5), CLASSES, constants=W),
    case("ce_ignored", CE, normal(4, 5), IGNORED),
    case("ce_ignored_weight", CE, normal(4, 5), IGNORED, constants=W),
    case("ce_smoothing", CE, normal(4, 5), CLASSES, label_smoothing=0.2),
    case("ce_smoothing_weight", CE, normal(4, 5), CLASSES, constants=W, label_smoothing=0.2),
    case("ce_smoothing_ignored", CE, normal(4, 5), IGNORED, label_smoothing=0.3),
    case(
        "ce_smoothing_ignored_weight",
        CE,
        normal(4, 5),
        IGNORED,
        constants=W,
        label_smoothing=0.3,
    ),
    case("ce_ignore_index", CE, normal(4, 5), CLASSES, ignore_index=4, label_smoothing=0.1),
    case("ce_full_smoothing", CE, normal(4, 5), IGNORED, constants=W, label_smoothing=1.0),
    case("ce_negative_smoothing", CE, normal(4, 5), CLASSES, label_smoothing=-0.5),
    case("ce_uint8_target", CE, normal(4, 5), CLASSES.astype(np.uint8), label_smoothing=0.1),
    case("ce_unbatched", CE, normal(5), np.array(2), constants=W, label_smoothing=0.2),
    case("ce_unbatched_ignored", CE, normal(5), np.array(-100), label_smoothing=0.2),
    case("ce_2d", CE, normal(2, 5, 3), classes(2, 3, ignored=0.3), constants=W),
    case(
        "ce_2d_smoothing",
        CE,
        normal(2, 5, 3),
        classes(2, 3, ignored=0.3),
        constants=W,
        label_smoothing=0.4,
    ),
    case("ce_3d", CE, normal(2, 5, 2, 3), classes(2, 2, 3), label_smoothing=0.1),
    case(
        "ce_float64",
        CE,
        normal(4, 5, dtype=np.float64),
        IGNORED,
        constants=W64,
        label_smoothing=0.2,
    ),
    case("ce_all_ignored", CE, normal(4, 5), np.full(4, -100), label_smoothing=0.2),
    case(
        "ce_all_ignored_weight",
        CE,
        normal(4, 5),
        np.full(4, -100),
        constants=W,
        label_smoothing=0.2,
    ),
    case("ce_empty", CE, normal(0, 5), np.zeros(0, np.int64)),
    case("ce_big_logits", CE, BIG, np.array([1, 2]), constants=W, label_smoothing=0.1),
    case("ce_big_logits_ignored", CE, BIG, np.array([-100, 0])),
    case("probs", CE, normal(4, 5), uniform(4, 5)),
    case("probs_smoothing", CE, normal(4, 5), uniform(4, 5), label_smoothing=0.3),
    case("probs_weight", CE, normal(4, 5), uniform(4, 5), constants=W),
    case(
        "probs_weight_smoothing",
        CE,
        normal(4, 5),
        uniform(4, 5),
        constants=W,
        label_smoothing=0.3,
    ),
    case("probs_negative_ignore_index", CE, normal(4, 5), uniform(4, 5), ignore_index=-1),
    case("probs_negative_smoothing", CE, normal(4, 5), uniform(4, 5), label_smoothing=-0.1),
    case("probs_one_hot", CE, normal(4, 5), np.eye(5, dtype=np.float32)[CLASSES]),
    case("probs_unbatched", CE, normal(5), uniform(5), constants=W, label_smoothing=0.2),
    case("probs_2d", CE, normal(2, 5, 3), uniform(2, 5, 3), constants=W, label_smoothing=0.2),
    case("probs_float64_target", CE, normal(4, 5), uniform(4, 5, dtype=np.float64)),
    case("probs_float64", CE, normal(4, 5, dtype=np.float64), uniform(4, 5, dtype=np.float64)),
    case("probs_empty", CE, normal(0, 5), uniform(0, 5)),
    case("probs_big_logits", CE, BIG, uniform(2, 5), label_smoothing=0.1),
    case("bce", BCE, uniform(3, 4, low=0.05, high=0.95), uniform(3, 4)),
    case("bce_binary_target", BCE, uniform(3, 4), RNG.integers(0, 2, (3, 4)).astype(np.float32)),
    case("bce_weight", BCE, uniform(3, 4), uniform(3, 4), constants={"weight": WEIGHT[:4]}),
    case(
        "bce_row_weight", BCE, uniform(3, 4), uniform(3, 4), constants={"weight": WEIGHT[:3, None]}
    ),
    case(
        "bce_float64_weight",
        BCE,
        uniform(3, 4),
        uniform(3, 4),
        constants={"weight": WEIGHT[:4].astype(np.float64)},
    ),
    case("bce_float64", BCE, uniform(3, 4, dtype=np.float64), uniform(3, 4, dtype=np.float64)),
    case("bce_0d", BCE, np.array(0.3, np.float32), np.array(1.0, np.float32)),
    case("bce_3d", BCE, uniform(2, 3, 4), uniform(2, 3, 4)),
    case("bce_edges", BCE, EDGES, EDGE_TARGETS, constants={"weight": WEIGHT[:1]}),
    case("bce_logits", BCEL, normal(3, 4), uniform(3, 4)),
    case("bce_logits_weight", BCEL, normal(3, 4), uniform(3, 4), constants={"weight": WEIGHT[:4]}),
    case(
        "bce_logits_pos_weight",
        BCEL,
        normal(3, 4),
        uniform(3, 4),
        constants={"pos_weight": WEIGHT[:4]},
    ),
    case(
        "bce_logits_both_weights",
        BCEL,
        normal(3, 4),
        uniform(3, 4),
        constants={"weight": WEIGHT[:3, None], "pos_weight": WEIGHT[1:]},
    ),
    case(
        "bce_logits_float64_weights",
        BCEL,
        normal(3, 4),
        uniform(3, 4),
        constants={"weight": WEIGHT[:4].astype("f8"), "pos_weight": WEIGHT[1:].astype("f8")},
    ),
    case("bce_logits_float64_target", BCEL, normal(3, 4), uniform(3, 4, dtype=np.float64)),
    case("bce_logits_0d", BCEL, np.array(-0.7, np.float32), np.array(1.0, np.float32)),
    case(
        "bce_logits_3d",
        BCEL,
        normal(2, 3, 4),
        uniform(2, 3, 4),
        constants={"pos_weight": WEIGHT[:4]},
    ),
    case(
        "bce_logits_big",
        BCEL,
        BIG,
        RNG.integers(0, 2, BIG.shape).astype(np.float32),
        constants={"pos_weight": WEIGHT},
    ),
]


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize(("loss", "inputs", "constants", "options"), CASES)
def test_matches_torch(loss, inputs, constants, options, reduction):
    compare_with_torch(run(loss, constants, {**options, "reduction": reduction}), *inputs)


@pytest.mark.parametrize(
    ("size_average", "reduce"), [(False, None), (None, False), (True, True), (False, True)]
)
@pytest.mark.parametrize(
    ("loss", "inputs", "constants"),
    [
        (NLL, [log_probs(4, 5), IGNORED], W),
        (CE, [normal(4, 5), IGNORED], W),
        (BCE, [uniform(3, 4), uniform(3, 4)], {}),
        (BCEL, [normal(3, 4), uniform(3, 4)], {}),
    ],
)
def test_legacy_reduction_flags(loss, inputs, constants, size_average, reduce):
    options = {"size_average": size_average, "reduce": reduce}
    with pytest.warns(UserWarning, match="size_average and reduce args will be deprecated"):
        compare_with_torch(run(loss, constants, options), *inputs)


# -- extreme inputs ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("loss", "input", "target", "options"),
    [
        (CE, BIG, np.array([1, 2]), {"label_smoothing": 0.1}),
        (CE, BIG, uniform(2, 5), {}),
        (BCE, EDGES, EDGE_TARGETS[[0, 0, 2, 2, 4, 5, 6]], {}),
        (BCEL, BIG, np.ones_like(BIG), {"pos_weight": nr.full((5,), 3.0)}),
        (BCEL, -BIG, np.ones_like(BIG), {}),
    ],
)
def test_extremes_stay_finite(loss, input, target, options):
    """Values and input gradients are finite (compared with PyTorch's above)."""
    x = nr.from_numpy(strided(input)).requires_grad_()
    value = getattr(F, loss)(x, nr.from_numpy(target), reduction="none", **options)
    value.sum().backward()
    assert np.isfinite(value.detach().numpy()).all()
    assert np.isfinite(x.grad.numpy()).all()


def test_cross_entropy_is_nll_of_log_softmax():
    x, target = nr.from_numpy(normal(6, 5)), nr.from_numpy(classes(6, ignored=0.3))
    weight = nr.from_numpy(WEIGHT)
    expected = F.nll_loss(F.log_softmax(x, 1), target, weight=weight, reduction="none")
    got = F.cross_entropy(x, target, weight=weight, reduction="none")
    np.testing.assert_allclose(got.numpy(), expected.numpy(), rtol=1e-6, atol=1e-6)


# -- gradcheck and double backward -------------------------------------------------------


def _tensor(array):
    return nr.from_numpy(np.asarray(array))


W64_TENSOR = _tensor(WEIGHT.astype(np.float64))
TARGETS_2D = _tensor(classes(2, 3))

# (loss of float64 tensors, the arrays it takes): every array's gradient is checked.
GRADIENT_CASES = [
    pytest.param(
        lambda x: F.nll_loss(x, _tensor(IGNORED), weight=W64_TENSOR),
        [normal(4, 5)],
        id="nll",
    ),
    pytest.param(
        lambda x: F.nll_loss(x, TARGETS_2D, reduction="none"),
        [normal(2, 5, 3)],
        id="nll_2d",
    ),
    pytest.param(lambda x: F.cross_entropy(x, _tensor(CLASSES)), [normal(4, 5)], id="ce"),
    pytest.param(
        lambda x: F.cross_entropy(
            x, _tensor(IGNORED), weight=W64_TENSOR, label_smoothing=0.3, reduction="sum"
        ),
        [normal(4, 5)],
        id="ce_smoothing_weight_ignored",
    ),
    pytest.param(
        lambda x: F.cross_entropy(x, _tensor(np.array([[0, -100, 4]])), label_smoothing=0.2),
        [normal(1, 5, 3)],
        id="ce_2d",
    ),
    pytest.param(
        lambda x, p: F.cross_entropy(x, p, weight=W64_TENSOR, label_smoothing=0.2),
        [normal(3, 5), uniform(3, 5)],
        id="ce_probs",
    ),
    pytest.param(
        lambda x, p: F.cross_entropy(x, p, reduction="none"),
        [normal(2, 5, 2), uniform(2, 5, 2)],
        id="ce_probs_2d",
    ),
    pytest.param(
        lambda x, y: F.binary_cross_entropy(x, y, weight=W64_TENSOR[:4]),
        [uniform(2, 4, low=0.1, high=0.9), uniform(2, 4)],
        id="bce",
    ),
    pytest.param(
        lambda x, y, w: F.binary_cross_entropy_with_logits(x, y, weight=w, pos_weight=W64_TENSOR),
        [normal(2, 5), uniform(2, 5), uniform(5, low=0.5, high=2)],
        id="bce_logits",
    ),
    pytest.param(
        lambda x, y: F.binary_cross_entropy_with_logits(x, y, reduction="none"),
        [normal(2, 3) * 5, uniform(2, 3)],
        id="bce_logits_no_weights",
    ),
]


@pytest.mark.parametrize(("loss", "arrays"), GRADIENT_CASES)
def test_second_order_gradients(loss, arrays):
    check_gradients(loss, *arrays, second_order=True)


# -- errors ------------------------------------------------------------------------------

ONES, LOGS = np.ones((4, 5), np.float32), log_probs(4, 5)
INTS = np.ones((4, 5), np.int64)
PROBS = uniform(4, 5)


def refused(loss, inputs, raises, message, torch_agrees=True, **options):
    """A call of ``loss`` that ours refuses with ``raises`` saying ``message`` after the
    loss's name, and PyTorch with the same type (unless not ``torch_agrees``). Arrays
    among the arguments become tensors."""
    return loss, inputs, options, raises, message, torch_agrees


ERRORS = {
    "nll_integer_input": refused(NLL, (INTS, CLASSES), NotImplementedError, "floating point"),
    "nll_0d_input": refused(
        NLL, (np.ones((), np.float32), np.array(1)), ValueError, r"1 or more dimensions \(got 0\)"
    ),
    "nll_float_target": refused(
        NLL, (LOGS, CLASSES.astype(np.float32)), RuntimeError, "integer dtype .*got float32"
    ),
    "nll_bool_target": refused(NLL, (LOGS, CLASSES > 1), RuntimeError, "got bool"),
    "nll_batch_size": refused(
        NLL,
        (LOGS, np.array([0, 1, 2, 3, 4])),
        ValueError,
        r"expected target of shape \(4,\) for input of shape \(4, 5\), got \(5,\)",
    ),
    "nll_target_2d": refused(
        NLL, (LOGS, CLASSES[:, None]), RuntimeError, r"shape \(4,\) .* got \(4, 1\)"
    ),
    "nll_2d_target_shape": refused(
        NLL,
        (np.ones((2, 5, 3), np.float32), np.zeros((2, 4), np.int64)),
        RuntimeError,
        r"expected target of shape \(2, 3\) for input of shape \(2, 5, 3\), got \(2, 4\)",
    ),
    "nll_target_too_large": refused(
        NLL, (LOGS, np.array([0, 7, 1, 2])), IndexError, "target 7 is out of bounds for 5 classes"
    ),
    "nll_target_negative": refused(
        NLL, (LOGS, np.array([0, -2, 1, 2])), IndexError, "target -2 is out of bounds"
    ),
    "nll_weight_size": refused(
        NLL,
        (LOGS, CLASSES),
        RuntimeError,
        r"one value per class \(5\), got a tensor of shape \(4,\)",
        weight=WEIGHT[:4],
    ),
    "nll_weight_2d": refused(
        NLL, (LOGS, CLASSES), RuntimeError, r"got a tensor of shape \(1, 5\)", weight=WEIGHT[None]
    ),
    "nll_weight_dtype": refused(
        NLL,
        (LOGS, CLASSES),
        RuntimeError,
        "weight of the input's dtype float32, got float64",
        weight=WEIGHT.astype(np.float64),
    ),
    "nll_reduction": refused(
        NLL, (LOGS, CLASSES), ValueError, "'avg' is not a valid value", reduction="avg"
    ),
    "ce_integer_input": refused(CE, (INTS, CLASSES), NotImplementedError, "floating point"),
    "ce_no_classes": refused(
        CE, (ONES[:, :0], np.zeros(4, np.int64)), ValueError, "at least one class", False
    ),
    "ce_float_target_shape": refused(
        CE, (ONES, PROBS[:, :3]), RuntimeError, "class indices of an integer dtype"
    ),
    "ce_integer_probabilities": refused(
        CE, (ONES, INTS), RuntimeError, "must be floating point, got int64"
    ),
    "ce_target_too_large": refused(
        CE, (ONES, np.array([0, 5, 1, 2])), IndexError, "target 5 is out of bounds for 5 classes"
    ),
    "ce_batch_size": refused(CE, (ONES, CLASSES[:3]), ValueError, r"got \(3,\)"),
    "ce_smoothing": refused(
        CE,
        (ONES, CLASSES),
        RuntimeError,
        "label_smoothing must be between 0.0 and 1.0, got 1.5",
        label_smoothing=1.5,
    ),
    "ce_probabilities_ignore_index": refused(
        CE, (ONES, PROBS), RuntimeError, "ignore_index is not supported", ignore_index=0
    ),
    "ce_weight_size": refused(
        CE, (ONES, PROBS), RuntimeError, r"one value per class \(5\)", weight=WEIGHT[:3]
    ),
    "ce_weight_dtype": refused(
        CE, (ONES, CLASSES), RuntimeError, "got float64", weight=WEIGHT.astype(np.float64)
    ),
    "bce_input_above_one": refused(
        BCE, (PROBS + 1, PROBS), RuntimeError, "all elements of input should be between 0 and 1"
    ),
    "bce_input_nan": refused(
        BCE, (np.full(2, np.nan, np.float32), PROBS[0, :2]), RuntimeError, "input should be"
    ),
    "bce_target_negative": refused(
        BCE, (PROBS, -PROBS), RuntimeError, "all elements of target should be between 0 and 1"
    ),
    "bce_target_size": refused(
        BCE,
        (PROBS, PROBS[:, :1]),
        ValueError,
        r"expected target of the input's size \(4, 5\), got \(4, 1\)",
    ),
    "bce_target_dtype": refused(
        BCE,
        (PROBS, PROBS.astype(np.float64)),
        RuntimeError,
        "expected target of the input's dtype float32, got float64",
    ),
    "bce_weight_shape": refused(
        BCE,
        (PROBS, PROBS),
        RuntimeError,
        r"weight of shape \(3,\) does not broadcast to the input's shape \(4, 5\)",
        weight=WEIGHT[:3],
    ),
    "bce_weight_larger": refused(
        BCE, (PROBS, PROBS), RuntimeError, r"shape \(2, 4, 5\)", weight=np.ones((2, 4, 5), "f4")
    ),
    "bce_logits_integer_input": refused(
        BCEL, (INTS, INTS), NotImplementedError, "expected a floating point input"
    ),
    "bce_logits_integer_target": refused(
        BCEL, (ONES, INTS), RuntimeError, "expected a floating point target, got int64"
    ),
    "bce_logits_target_size": refused(BCEL, (ONES, ONES[:2]), ValueError, r"got \(2, 5\)"),
    "bce_logits_pos_weight_shape": refused(
        BCEL, (ONES, ONES), RuntimeError, r"pos_weight of shape \(2,\)", pos_weight=WEIGHT[:2]
    ),
    "bce_logits_weight_larger": refused(
        BCEL, (ONES, ONES), RuntimeError, r"weight of shape \(2, 4, 5\)", weight=np.ones((2, 4, 5))
    ),
}


def call(lib, loss, inputs, options):
    """``loss`` of ``lib.nn.functional`` with the arrays among the arguments as tensors."""

    def tensor(value):
        return lib.from_numpy(value) if isinstance(value, np.ndarray) else value

    named = {key: tensor(value) for key, value in options.items()}
    return getattr(lib.nn.functional, loss)(*map(tensor, inputs), **named)


@pytest.mark.parametrize("name", ERRORS)
def test_errors(name):
    loss, inputs, options, raises, message, torch_agrees = ERRORS[name]
    with pytest.raises(raises, match=f"{loss}: .*{message}"):
        call(nr, loss, inputs, options)
    if torch is not None and torch_agrees:
        with pytest.raises(raises):
            call(torch, loss, inputs, options)


@pytest.mark.parametrize("loss", [NLL, CE])
def test_weight_requiring_grad_is_refused(loss):
    """As in PyTorch: these losses have no gradient with respect to the class weights."""
    weight = nr.from_numpy(WEIGHT).requires_grad_()
    with pytest.raises(RuntimeError, match=f"{loss}: .*not differentiable with respect to weight"):
        getattr(F, loss)(nr.from_numpy(LOGS), nr.from_numpy(CLASSES), weight=weight)
    with nr.no_grad():
        getattr(F, loss)(nr.from_numpy(LOGS), nr.from_numpy(CLASSES), weight=weight)


@pytest.mark.parametrize("dtype", [np.int8, np.int16, np.int32])
def test_any_integer_class_indices(dtype):
    """PyTorch takes only int64 and uint8 class indices; ours takes every integer dtype."""
    x = nr.from_numpy(normal(4, 5))
    expected = F.cross_entropy(x, nr.from_numpy(CLASSES), label_smoothing=0.1)
    got = F.cross_entropy(x, nr.from_numpy(CLASSES.astype(dtype)), label_smoothing=0.1)
    assert got.item() == expected.item()
