"""The embedding losses against PyTorch: cosine_embedding_loss, margin_ranking_loss,
hinge_embedding_loss, triplet_margin_loss and triplet_margin_with_distance_loss, for
every reduction and option, batched and unbatched shapes, points on the hinge, large
inputs; float64 gradchecks with double backward; the deprecated flags; error messages."""

import math

import numpy as np
import pytest

import neurarust as nr
import neurarust.nn.functional as F

from ..conftest import check_gradients, compare_with_torch

rng = np.random.default_rng(0)
REDUCTIONS = ("none", "mean", "sum")


def floats(*shape, scale=1.0, dtype=np.float32):
    return np.asarray(scale * rng.standard_normal(shape), dtype=dtype)


def signs(*shape, dtype=np.int64):
    return rng.choice([-1, 1], shape).astype(dtype)


def functional(lib):
    return lib.nn.functional


X, Y, Z = floats(4, 3), floats(4, 3), floats(4, 3)


def cosine_embedding(lib, a, b, target, **options):
    return functional(lib).cosine_embedding_loss(a, b, target, **options)


def margin_ranking(lib, a, b, target, **options):
    return functional(lib).margin_ranking_loss(a, b, target, **options)


def hinge_embedding(lib, x, target, **options):
    return functional(lib).hinge_embedding_loss(x, target, **options)


def triplet(lib, anchor, positive, negative, **options):
    return functional(lib).triplet_margin_loss(anchor, positive, negative, **options)


def triplet_with_distance(lib, anchor, positive, negative, **options):
    return functional(lib).triplet_margin_with_distance_loss(anchor, positive, negative, **options)


def cosine_distance(x1, x2):
    """A distance for triplet_margin_with_distance_loss, written with tensor methods
    only, so one body serves both libraries."""
    cos = (x1 * x2).sum(-1) / (x1.norm(dim=-1) * x2.norm(dim=-1))
    return 1 - cos


def l1_distance(x1, x2):
    return (x1 - x2).abs().sum(-1)


# name -> (loss(lib, *inputs, **options), inputs, options); each runs for every reduction.
CASES = {
    "cosine_embedding": (cosine_embedding, (X, Y, signs(4)), {}),
    "cosine_embedding_margin": (cosine_embedding, (X, Y, signs(4)), {"margin": 0.2}),
    "cosine_embedding_negative_margin": (cosine_embedding, (X, Y, -signs(4)), {"margin": -0.5}),
    "cosine_embedding_float_target": (cosine_embedding, (X, Y, signs(4, dtype=np.float32)), {}),
    "cosine_embedding_other_labels": (cosine_embedding, (X, Y, np.array([1, 0, 2, -1])), {}),
    "cosine_embedding_unbatched": (cosine_embedding, (X[0], Y[0], np.array(-1)), {}),
    "cosine_embedding_broadcast_rows": (cosine_embedding, (X, Y[:1], signs(4)), {}),
    "cosine_embedding_broadcast_features": (cosine_embedding, (X, Y[:, :1], signs(4)), {}),
    "cosine_embedding_broadcast_target": (cosine_embedding, (X, Y, np.array([-1])), {}),
    "cosine_embedding_zero_vector": (
        cosine_embedding,
        (np.vstack([np.zeros((1, 3), np.float32), X[1:]]), Y, np.array([1, -1, 1, -1])),
        {},
    ),
    "cosine_embedding_float64": (
        cosine_embedding,
        (X.astype(np.float64), Y.astype(np.float64), signs(4)),
        {},
    ),
    "cosine_embedding_large": (cosine_embedding, (1e4 * X, 1e4 * Y, signs(4)), {"margin": 0.1}),
    "margin_ranking": (margin_ranking, (X[:, 0], Y[:, 0], signs(4)), {}),
    "margin_ranking_margin": (
        margin_ranking,
        (X[:, 0], Y[:, 0], signs(4, dtype=np.float32)),
        {"margin": 0.5},
    ),
    # -target * (x1 - x2) + margin is exactly 0: the gradient passes, as torch's does
    "margin_ranking_on_hinge": (
        margin_ranking,
        (
            np.array([1.0, 2.0, 3.0], np.float32),
            np.array([2.0, 1.0, 3.0], np.float32),
            np.array([-1.0, 1.0, 1.0], np.float32),
        ),
        {"margin": 1.0},
    ),
    "margin_ranking_unbatched": (
        margin_ranking,
        (floats(), floats(), np.array(1.0, np.float32)),
        {"margin": 0.3},
    ),
    "margin_ranking_2d_broadcast": (margin_ranking, (X, Y[:1], signs(4, 1)), {"margin": 0.1}),
    "margin_ranking_ints": (
        margin_ranking,
        (np.array([1, 2, 3]), np.array([2, 1, 3]), np.array([1, 1, -1])),
        {"margin": 0.5},
    ),
    "margin_ranking_large": (margin_ranking, (1e4 * X[:, 0], 1e4 * Y[:, 0], signs(4)), {}),
    "hinge_embedding": (hinge_embedding, (np.abs(X), signs(4, 3)), {}),
    "hinge_embedding_margin": (hinge_embedding, (np.abs(X), signs(4, 3)), {"margin": 2.0}),
    "hinge_embedding_other_labels": (
        hinge_embedding,
        (np.array([0.5, -0.2, 1.5, 2.0], np.float32), np.array([1.0, -1.0, 2.0, 0.5])),
        {},
    ),
    # input == margin: on the hinge
    "hinge_embedding_on_hinge": (
        hinge_embedding,
        (np.array([1.0, 0.5, 2.0], np.float32), np.array([-1, -1, 1])),
        {},
    ),
    "hinge_embedding_broadcast_target": (hinge_embedding, (np.abs(X), signs(3)), {}),
    "hinge_embedding_broadcast_input": (hinge_embedding, (np.abs(X[0]), signs(4, 3)), {}),
    "hinge_embedding_unbatched": (hinge_embedding, (floats(), np.array(-1)), {"margin": 0.5}),
    "hinge_embedding_large": (hinge_embedding, (1e4 * X, signs(4, 3)), {"margin": 5e3}),
    "triplet": (triplet, (X, Y, Z), {}),
    "triplet_p1_swap": (triplet, (X, Y, Z), {"p": 1, "swap": True, "margin": 0.5}),
    "triplet_inf": (triplet, (X, Y, Z), {"p": math.inf, "margin": 2.0}),
    "triplet_p3_eps": (triplet, (X, Y, Z), {"p": 3.0, "eps": 1e-2, "margin": 3.0}),
    # anchor == positive: equal distances to the negative, the swap's tie splits the gradient
    "triplet_swap_tie": (triplet, (X, X, Z), {"swap": True}),
    "triplet_unbatched": (triplet, (X[0], Y[0], Z[0]), {"margin": 3.0}),
    "triplet_0d": (triplet, (floats(), floats(), floats()), {"margin": 2.0}),
    "triplet_broadcast_positive": (triplet, (X, Y[:1], Z), {"margin": 2.0}),
    "triplet_3d": (triplet, (floats(2, 2, 3), floats(2, 2, 3), floats(2, 2, 3)), {}),
    "triplet_ints": (
        triplet,
        (np.ones((2, 3), np.int64), np.zeros((2, 3), np.int64), np.ones((2, 3), np.int64)),
        {},
    ),
    "triplet_large": (triplet, (1e4 * X, 1e4 * Y, 1e4 * Z), {"margin": 1e4}),
    "triplet_with_distance": (triplet_with_distance, (X, Y, Z), {}),
    "triplet_with_distance_cosine_swap": (
        triplet_with_distance,
        (X, Y, Z),
        {"distance_function": cosine_distance, "swap": True, "margin": 0.5},
    ),
    "triplet_with_distance_l1": (
        triplet_with_distance,
        (X, Y, Z),
        {"distance_function": l1_distance, "margin": 2.0},
    ),
    "triplet_with_distance_unbatched": (triplet_with_distance, (X[0], Y[0], Z[0]), {"margin": 3}),
}


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("name", CASES)
def test_against_torch(name, reduction):
    loss, inputs, options = CASES[name]
    compare_with_torch(lambda lib, *t: loss(lib, *t, reduction=reduction, **options), *inputs)


@pytest.mark.parametrize("reduction", ["none", "sum"])  # (the mean of integers is refused)
def test_hinge_embedding_of_integers_keeps_their_dtype(reduction):
    # as torch: margin - input in the input's dtype, so margin 1.5 acts as 1
    inputs = (np.array([1, 0, -3], np.int32), np.array([-1, -1, 1]))
    compare_with_torch(
        lambda lib, x, t: hinge_embedding(lib, x, t, margin=1.5, reduction=reduction), *inputs
    )


def test_triplet_with_distance_default_is_pairwise_distance():
    a, p, n = (nr.from_numpy(x) for x in (X, Y, Z))
    default = F.triplet_margin_with_distance_loss(a, p, n, swap=True, reduction="none")
    explicit = F.triplet_margin_loss(a, p, n, swap=True, reduction="none")
    np.testing.assert_array_equal(default.numpy(), explicit.numpy())


# name -> (fn(*float64 tensors), inputs); inputs away from the hinges
GRADIENT_CASES = {
    "cosine_embedding": (
        lambda a, b: F.cosine_embedding_loss(a, b, nr.tensor([1, -1, 1, -1]), margin=-0.9),
        (X, Y),
    ),
    "margin_ranking": (
        lambda a, b: F.margin_ranking_loss(a, b, nr.tensor([1.0, -1.0, 1.0]), margin=10.0),
        (X[:3, 0], Y[:3, 0]),
    ),
    "hinge_embedding": (
        lambda x: F.hinge_embedding_loss(x, nr.tensor([[1, -1, -1]]), margin=10.0),
        (np.abs(X),),
    ),
    "triplet": (lambda a, p, n: F.triplet_margin_loss(a, p, n, margin=20.0), (X, Y, Z)),
    "triplet_p3_swap": (
        lambda a, p, n: F.triplet_margin_loss(a, p, n, p=3, swap=True, margin=20.0),
        (X, Y, Z),
    ),
    "triplet_with_distance": (
        lambda a, p, n: F.triplet_margin_with_distance_loss(
            a, p, n, distance_function=lambda x1, x2: 1 - F.cosine_similarity(x1, x2), margin=5.0
        ),
        (X, Y, Z),
    ),
}


@pytest.mark.parametrize("name", GRADIENT_CASES)
def test_gradcheck(name):
    fn, inputs = GRADIENT_CASES[name]
    check_gradients(fn, *inputs, second_order=True)


# loss -> inputs (of the reduction flags' test)
LEGACY = {
    "cosine_embedding_loss": (X, Y, signs(4)),
    "margin_ranking_loss": (X[:, 0], Y[:, 0], signs(4)),
    "hinge_embedding_loss": (X, signs(4, 3)),
    "triplet_margin_loss": (X, Y, Z),
}


@pytest.mark.parametrize("name", LEGACY)
@pytest.mark.parametrize(
    "flags, meaning",
    [({"size_average": False}, "sum"), ({"reduce": False}, "none"), ({"reduce": True}, "mean")],
)
def test_deprecated_reduction_flags(name, flags, meaning):
    inputs = [nr.from_numpy(x) for x in LEGACY[name]]
    with pytest.warns(UserWarning, match=f"please use reduction='{meaning}' instead"):
        got = getattr(F, name)(*inputs, **flags)
    expected = getattr(F, name)(*inputs, reduction=meaning)
    np.testing.assert_array_equal(got.numpy(), expected.numpy())


T = nr.from_numpy
X_, Y_, Z_ = T(X), T(Y), T(Z)
ERRORS = [
    (
        lambda: F.cosine_embedding_loss(X_, Y_, T(np.ones((4, 1)))),
        RuntimeError,
        r"cosine_embedding_loss: expected a 0-D or 1-D target \(multi-target not supported\), "
        r"got target of shape \(4, 1\)",
    ),
    (
        lambda: F.cosine_embedding_loss(X_[0], Y_[0], T(np.ones(1))),
        RuntimeError,
        r"cosine_embedding_loss: a 1-D target expects 2-D inputs, got input1 \(3,\), "
        r"input2 \(3,\)",
    ),
    (
        lambda: F.cosine_embedding_loss(X_, Y_, nr.tensor(1)),
        RuntimeError,
        r"cosine_embedding_loss: a 0-D target expects 1-D inputs, got input1 \(4, 3\), "
        r"input2 \(4, 3\)",
    ),
    (
        lambda: F.cosine_embedding_loss(X_, Y_, T(np.ones(3))),
        RuntimeError,
        r"cosine_embedding_loss: The size of tensor a \(4\) must match the size of tensor b "
        r"\(3\) at non-singleton dimension 0",
    ),
    (
        lambda: F.cosine_embedding_loss(X_, Y_[:2], T(np.ones(4))),
        RuntimeError,
        r"cosine_embedding_loss: The size of tensor a \(4\) must match the size of tensor b "
        r"\(2\) at non-singleton dimension 0",
    ),
    (
        lambda: F.cosine_embedding_loss(X_, Y_, T(np.ones(4)), reduction="avg"),
        ValueError,
        r"cosine_embedding_loss: 'avg' is not a valid value for reduction",
    ),
    (
        lambda: F.cosine_embedding_loss(X_, [1.0], T(np.ones(4))),
        TypeError,
        r"cosine_embedding_loss\(\): argument 'input2' must be Tensor, not list",
    ),
    (
        lambda: F.margin_ranking_loss(X_, Y_[0], Y_[0]),
        RuntimeError,
        r"margin_ranking_loss: all input tensors should have the same number of dimensions, "
        r"got input1 \(4, 3\), input2 \(3,\), target \(3,\)",
    ),
    (
        lambda: F.margin_ranking_loss(X_[:, 0], Y_[:, 0], T(np.ones(2))),
        RuntimeError,
        r"margin_ranking_loss: The size of tensor a \(4\) must match the size of tensor b "
        r"\(2\) at non-singleton dimension 0",
    ),
    (
        lambda: F.hinge_embedding_loss(X_, T(np.ones(4))),
        RuntimeError,
        r"hinge_embedding_loss: The size of tensor a \(3\) must match the size of tensor b "
        r"\(4\) at non-singleton dimension 1",
    ),
    (
        lambda: F.triplet_margin_loss(X_, Y_, Z_, margin=0),
        ValueError,
        r"triplet_margin_loss: margin must be greater than 0, got 0",
    ),
    (
        lambda: F.triplet_margin_loss(X_, Y_[0], Z_),
        RuntimeError,
        r"triplet_margin_loss: The anchor, positive, and negative tensors are expected to have "
        r"the same number of dimensions, but got: anchor 2D, positive 1D, and negative 2D inputs",
    ),
    (
        lambda: F.triplet_margin_loss(X_, Y_[:2], Z_),
        RuntimeError,
        r"pairwise_distance: The size of tensor a \(4\) must match the size of tensor b \(2\)",
    ),
    (
        lambda: F.triplet_margin_with_distance_loss(X_, Y_, Z_, margin=-1.0),
        ValueError,
        r"triplet_margin_with_distance_loss: margin must be greater than 0, got -1.0",
    ),
    (
        lambda: F.triplet_margin_with_distance_loss(X_, Y_, Z_[0]),
        RuntimeError,
        r"triplet_margin_with_distance_loss: The anchor, positive, and negative tensors are "
        r"expected to have the same number of dimensions, but got: anchor 2D, positive 2D, "
        r"and negative 1D inputs",
    ),
    (
        lambda: F.triplet_margin_with_distance_loss(X_, Y_, Z_, reduction="batchmean"),
        ValueError,
        r"triplet_margin_with_distance_loss: 'batchmean' is not a valid value for reduction",
    ),
    (
        lambda: F.triplet_margin_with_distance_loss(X_, Y_, Z_, l1_distance),
        TypeError,
        r"takes 3 positional arguments but 4 were given",
    ),
]


@pytest.mark.parametrize("call, kind, pattern", ERRORS)
def test_errors(call, kind, pattern):
    with pytest.raises(kind, match=pattern):
        call()
