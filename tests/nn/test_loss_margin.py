"""Margin losses against PyTorch: soft_margin_loss, multilabel_soft_margin_loss,
multilabel_margin_loss and multi_margin_loss (values, dtypes, gradients for every
reduction and option, extreme logits, double backward, errors)."""

import numpy as np
import pytest

import neurarust as nr

from ..conftest import check_gradients, compare_with_torch, strided, torch

F = nr.nn.functional
RNG = np.random.default_rng(0)
REDUCTIONS = ["none", "mean", "sum"]


def normal(*shape, dtype=np.float32):
    return RNG.standard_normal(shape).astype(dtype)


def binary(*shape, dtype=np.float32):
    return RNG.integers(0, 2, shape).astype(dtype)


SIGNS = RNG.choice([-1.0, 1.0], (3, 4)).astype(np.float32)
WEIGHT = RNG.uniform(0.5, 2.0, 5).astype(np.float32)
# Class-index targets: lists ended by -1 (a repeated label, an empty and a full list).
LABELS = np.array([[3, 0, -1, 1, 2], [2, 2, 4, -1, -1], [-1, 0, 1, 2, 3], [0, 1, 2, 3, 4]])
CLASSES = np.array([3, 0, 4, 1])


def case(name, loss, *inputs, constants=None, **options):
    """One oracle case: ``loss(*inputs, **constants, **options)``. The floating
    ``inputs`` get gradients compared; ``constants`` become tensors that require no
    gradient (PyTorch refuses one for soft_margin_loss's target and
    multi_margin_loss's weight)."""
    return pytest.param(loss, inputs, constants or {}, options, id=name)


def run(loss, constants, options):
    """The body shared by both libraries in ``compare_with_torch``."""

    def body(lib, *tensors):
        fixed = {key: lib.from_numpy(strided(value)) for key, value in constants.items()}
        return getattr(lib.nn.functional, loss)(*tensors, **fixed, **options)

    return body


SOFT, MLSM = "soft_margin_loss", "multilabel_soft_margin_loss"
MLM, MM = "multilabel_margin_loss", "multi_margin_loss"

CASES = [
    case("soft", SOFT, normal(3, 4), constants={"target": SIGNS}),
    case("soft_broadcast_target", SOFT, normal(3, 4), constants={"target": SIGNS[0]}),
    case("soft_float64_target", SOFT, normal(3, 4), constants={"target": SIGNS.astype("f8")}),
    case("soft_int_target", SOFT, normal(3, 4), constants={"target": SIGNS.astype("i8")}),
    case("soft_float64", SOFT, normal(3, 4, dtype="f8"), constants={"target": SIGNS}),
    case("soft_0d", SOFT, normal(), constants={"target": np.array(-1.0, "f4")}),
    case("multilabel_soft", MLSM, normal(3, 4), binary(3, 4)),
    case("multilabel_soft_probabilities", MLSM, normal(3, 4), RNG.uniform(size=(3, 4))),
    case("multilabel_soft_weight", MLSM, normal(3, 4), binary(3, 4), WEIGHT[:4]),
    case("multilabel_soft_row_weight", MLSM, normal(3, 4), binary(3, 4), WEIGHT[:3, None]),
    case("multilabel_soft_int_target", MLSM, normal(3, 4), binary(3, 4, dtype="i8")),
    case("multilabel_soft_float64_target", MLSM, normal(3, 4), binary(3, 4, dtype="f8")),
    case("multilabel_soft_broadcast_target", MLSM, normal(3, 4), binary(4)),
    case("multilabel_soft_1d", MLSM, normal(4), binary(4)),
    case("multilabel_soft_3d", MLSM, normal(2, 3, 4), binary(2, 3, 4)),
    case("multilabel", MLM, normal(4, 5), LABELS),
    case("multilabel_float64", MLM, normal(4, 5, dtype="f8"), LABELS),
    case("multilabel_no_labels", MLM, normal(2, 3), np.full((2, 3), -1)),
    case("multilabel_one_sample", MLM, normal(1, 5), LABELS[:1]),
    case("multilabel_1d", MLM, normal(5), LABELS[1]),
    case("multilabel_0d", MLM, normal(), np.array([0])),
    case("multi", MM, normal(4, 5), CLASSES),
    case("multi_p2_margin", MM, normal(4, 5), CLASSES, p=2, margin=0.5),
    case("multi_negative_margin", MM, normal(4, 5), CLASSES, margin=-0.5),
    case("multi_weight", MM, normal(4, 5), CLASSES, constants={"weight": WEIGHT}),
    case("multi_p2_weight", MM, normal(4, 5), CLASSES, constants={"weight": WEIGHT}, p=2),
    case("multi_float_p", MM, normal(4, 5), CLASSES, p=2.0, margin=2),
    case("multi_float64", MM, normal(4, 5, dtype="f8"), CLASSES, p=2),
    case("multi_1d", MM, normal(5), np.array(2)),
    case("multi_1d_batch_of_one", MM, normal(5), np.array([2])),
    case("multi_0d", MM, normal(), np.array(0)),
    case("multi_one_sample_0d_target", MM, normal(1, 5), np.array(4)),
]


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize(("loss", "inputs", "constants", "options"), CASES)
def test_matches_torch(loss, inputs, constants, options, reduction):
    compare_with_torch(run(loss, constants, {**options, "reduction": reduction}), *inputs)


# An empty batch. PyTorch's 'mean' and 'sum' of one read uninitialized memory; ours
# are nan (a mean of nothing) and 0.
@pytest.mark.parametrize(
    ("loss", "target"), [(MLM, np.zeros((0, 5), np.int64)), (MM, np.zeros(0, np.int64))]
)
def test_empty_batch(loss, target):
    compare_with_torch(run(loss, {}, {"reduction": "none"}), normal(0, 5), target)
    input, target = nr.zeros(0, 5), nr.from_numpy(target)
    assert getattr(F, loss)(input, target, reduction="sum").item() == 0
    assert getattr(F, loss)(input, target).isnan().item()


@pytest.mark.parametrize(
    ("size_average", "reduce"), [(False, None), (None, False), (True, True), (False, True)]
)
@pytest.mark.parametrize(
    ("loss", "inputs", "constants"),
    [
        (SOFT, [normal(3, 4)], {"target": SIGNS}),
        (MLSM, [normal(3, 4), binary(3, 4)], {}),
        (MLM, [normal(4, 5), LABELS], {}),
        (MM, [normal(4, 5), CLASSES], {}),
    ],
)
def test_legacy_reduction_flags(loss, inputs, constants, size_average, reduce):
    options = {"size_average": size_average, "reduce": reduce}
    with pytest.warns(UserWarning, match="size_average and reduce args will be deprecated"):
        compare_with_torch(run(loss, constants, options), *inputs)


# -- extreme logits ------------------------------------------------------------------------

BIG = np.array([[1e4, -1e4, 30.0], [-30.0, 1e4, -1e4]], np.float32)


@pytest.mark.parametrize(
    ("loss", "target"),
    [
        (MLSM, np.array([[1.0, 0.0, 1.0], [0.0, 0.0, 1.0]], np.float32)),
        (MLSM, np.array([[0.0, 1.0, 0.0], [1.0, 1.0, 0.0]], np.float32)),
        (MLM, np.array([[1, 0, -1], [2, -1, 0]])),
        (MM, np.array([1, 2])),
    ],
)
def test_extreme_logits_match_torch(loss, target):
    compare_with_torch(run(loss, {}, {"reduction": "none"}), BIG, target)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_soft_margin_stays_finite(dtype):
    """PyTorch's log1p(exp(-y x)) gives inf and a nan gradient here; the stable form
    gives max(-y x, 0) + log1p(exp(-|x|)) and the gradient -y * sigmoid(-y x)."""
    x, y = BIG.astype(dtype), np.array([[-1, 1, 1], [1, -1, 1]], dtype)
    input = nr.from_numpy(strided(x)).requires_grad_()
    loss = F.soft_margin_loss(input, nr.from_numpy(y), reduction="none")
    loss.sum().backward()
    margin = -y * x
    expected = np.maximum(margin, 0) + np.log1p(np.exp(-np.abs(margin)))
    np.testing.assert_allclose(loss.detach().numpy(), expected, rtol=1e-6)
    np.testing.assert_allclose(input.grad.numpy(), -y / (1 + np.exp(-margin)), rtol=1e-6)
    assert loss.dtype == input.dtype


# -- gradcheck and double backward --------------------------------------------------------

# (loss of float64 tensors, the arrays it takes): every array's gradient is checked,
# the targets' and weights' included where the loss gives them one.
GRADIENT_CASES = [
    pytest.param(lambda x, y: F.soft_margin_loss(x, y), [normal(2, 3), normal(2, 3)], id="soft"),
    pytest.param(
        lambda x, y, w: F.multilabel_soft_margin_loss(x, y, w),
        [normal(2, 3), RNG.uniform(size=(2, 3)), RNG.uniform(0.5, 2.0, 3)],
        id="multilabel_soft",
    ),
    pytest.param(
        lambda x: F.multilabel_margin_loss(x, nr.tensor([[1, 0, -1], [2, 2, -1]])),
        [normal(2, 3)],
        id="multilabel",
    ),
    pytest.param(lambda x: F.multi_margin_loss(x, nr.tensor([1, 2])), [normal(2, 3)], id="multi"),
    pytest.param(
        lambda x, w: F.multi_margin_loss(x, nr.tensor([0, 2]), p=2, margin=0.7, weight=w),
        [normal(2, 3), RNG.uniform(0.5, 2.0, 3)],
        id="multi_p2_weight",
    ),
]


@pytest.mark.parametrize(("loss", "arrays"), GRADIENT_CASES)
def test_second_order_gradients(loss, arrays):
    check_gradients(loss, *arrays, second_order=True)


# -- errors ------------------------------------------------------------------------------

ONES, INTS = np.ones((3, 4), np.float32), np.ones((3, 4), np.int64)
SCALAR, TARGETS = np.ones((), np.float32), np.array([1, 2, 0])
TOO_LARGE = r"target 4 is out of bounds \(expected class indices in \[{}, 3\]\)"


def refused(loss, inputs, raises, message, **options):
    """A call of ``loss`` that both libraries refuse with ``raises``; ours says
    ``message`` after the loss's name. Arrays among the arguments become tensors."""
    return loss, inputs, options, raises, message


ERRORS = {
    "soft_integer_input": refused(SOFT, (INTS, ONES), RuntimeError, "expected a floating point"),
    "soft_target_shape": refused(
        SOFT, (ONES, ONES[:, :3]), RuntimeError, r"size of tensor a \(4\) .* b \(3\)"
    ),
    "soft_target_larger": refused(
        SOFT, (ONES[0], ONES), RuntimeError, r"broadcasts to the input's shape \(4,\), got \(3, 4\)"
    ),
    "soft_reduction": refused(
        SOFT, (ONES, ONES), ValueError, "'avg' is not a valid value for reduction", reduction="avg"
    ),
    "multilabel_soft_0d": refused(
        MLSM, (SCALAR, SCALAR), IndexError, r"a class dimension \(at least 1-d\), got 0-d"
    ),
    "multilabel_soft_integer_input": refused(
        MLSM, (INTS, ONES), NotImplementedError, "expected a floating point input, got dtype int64"
    ),
    "multilabel_soft_target_shape": refused(
        MLSM, (ONES, ONES[:2]), RuntimeError, r"size of tensor a \(3\) .* b \(2\)"
    ),
    "multilabel_soft_weight_shape": refused(
        MLSM, (ONES, ONES), RuntimeError, r"size of tensor a \(4\) .* b \(3\)", weight=ONES[0, :3]
    ),
    "multilabel_3d": refused(
        MLM,
        (ONES[None], INTS[None]),
        RuntimeError,
        r"input of shape \(C,\) or \(N, C\) with C > 0 \(N may be 0\), got \(1, 3, 4\)",
    ),
    "multilabel_no_classes": refused(
        MLM, (ONES[:, :0], INTS[:, :0]), RuntimeError, r"got \(3, 0\)"
    ),
    "multilabel_integer_input": refused(MLM, (INTS, INTS), NotImplementedError, "floating point"),
    "multilabel_target_shape": refused(
        MLM,
        (ONES, INTS[:, :3]),
        RuntimeError,
        r"target of shape \(3, 4\) for input of shape \(3, 4\), got \(3, 3\)",
    ),
    "multilabel_unbatched_target_shape": refused(
        MLM,
        (ONES[0], INTS[:1]),
        RuntimeError,
        r"target of shape \(4,\) for input of shape \(4,\), got \(1, 4\)",
    ),
    "multilabel_target_dtype": refused(
        MLM,
        (ONES, INTS.astype(np.int32)),
        RuntimeError,
        "expected target of dtype int64, got int32",
    ),
    "multilabel_target_too_large": refused(
        MLM, (ONES[0], np.array([0, 4, -1, 1])), RuntimeError, TOO_LARGE.format(-1)
    ),
    "multilabel_target_below_minus_one": refused(
        MLM, (ONES[0], np.array([0, -2, 1, 1])), RuntimeError, "target -2 is out of bounds"
    ),
    "multilabel_target_after_the_end": refused(
        MLM, (ONES[0], np.array([0, -1, 9, 1])), RuntimeError, "target 9 is out of bounds"
    ),
    "multi_p": refused(
        MM, (ONES, TARGETS), ValueError, "only p == 1 and p == 2 are supported, got 3", p=3
    ),
    "multi_integer_input": refused(MM, (INTS, TARGETS), NotImplementedError, "floating point"),
    "multi_3d": refused(MM, (ONES[None], TARGETS), RuntimeError, r"got \(1, 3, 4\)"),
    "multi_weight_2d": refused(
        MM, (ONES, TARGETS), ValueError, r"one-dimensional, got shape \(1, 4\)", weight=ONES[:1]
    ),
    "multi_weight_size": refused(
        MM,
        (ONES, TARGETS),
        RuntimeError,
        r"weight of shape \(4,\), one per class, got \(3,\)",
        weight=ONES[0, :3],
    ),
    "multi_weight_dtype": refused(
        MM,
        (ONES, TARGETS),
        RuntimeError,
        r"weight of dtype float32 \(the input's\), got float64",
        weight=ONES[0].astype(np.float64),
    ),
    "multi_target_size": refused(
        MM,
        (ONES, TARGETS[:2]),
        RuntimeError,
        r"expected target of shape \(3,\) for input of shape \(3, 4\), got \(2,\)",
    ),
    "multi_target_2d": refused(MM, (ONES, TARGETS[:, None]), RuntimeError, r"got \(3, 1\)"),
    "multi_target_dtype": refused(
        MM,
        (ONES, TARGETS.astype(np.float32)),
        RuntimeError,
        "expected target of dtype int64, got float32",
    ),
    "multi_target_too_large": refused(
        MM, (ONES, np.array([1, 4, 0])), RuntimeError, TOO_LARGE.format(0)
    ),
    "multi_target_negative": refused(
        MM, (ONES, np.array([1, -1, 0])), RuntimeError, "target -1 is out of bounds"
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
    loss, inputs, options, raises, message = ERRORS[name]
    with pytest.raises(raises, match=f"{loss}: .*{message}"):
        call(nr, loss, inputs, options)
    if torch is not None:  # the same exception type as PyTorch's
        with pytest.raises(raises):
            call(torch, loss, inputs, options)


@pytest.mark.parametrize("loss", [MLM, MM])
def test_out_of_range_class_is_an_index_error_too(loss):
    """As nll_loss's, so ``except IndexError`` catches every loss's bad class."""
    with pytest.raises(IndexError):
        getattr(F, loss)(nr.ones(4), nr.tensor([7] if loss == MM else [7, -1, 0, 0]))
