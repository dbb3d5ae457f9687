"""cosine_similarity, pairwise_distance and pdist against PyTorch: values, dtypes and
gradients (broadcasting, every order p, equal vectors, eps clamps, ties), float64
gradchecks with double backward, and error messages."""

import math

import numpy as np
import pytest

import neurarust as nr
import neurarust.nn.functional as F

from ..conftest import check_gradients, compare_with_torch

rng = np.random.default_rng(0)


def floats(*shape, scale=1.0, dtype=np.float32):
    return np.asarray(scale * rng.standard_normal(shape), dtype=dtype)


def functional(lib):
    return lib.nn.functional


X34, Y34 = floats(3, 4), floats(3, 4)
# Rows 0 and 1 are equal (distance 0); rows 2 and 3 tie for their largest difference.
ROWS = np.array([[0.0, 1.0, 2.0], [0.0, 1.0, 2.0], [1.0, 3.0, 0.0], [4.0, 0.0, 0.0]], np.float32)
WITH_ZERO_ROW = np.vstack([np.zeros((1, 4), np.float32), floats(2, 4)])

# name -> (fn(lib, *inputs), inputs)
COSINE = {
    "2d": (lambda lib, a, b: functional(lib).cosine_similarity(a, b), (X34, Y34)),
    "dim0": (lambda lib, a, b: functional(lib).cosine_similarity(a, b, dim=0), (X34, Y34)),
    "broadcast_row": (lambda lib, a, b: lib.cosine_similarity(a, b, dim=-1), (X34, floats(4))),
    "broadcast_along_dim": (lambda lib, a, b: lib.cosine_similarity(a, b), (X34, floats(3, 1))),
    "outer_broadcast": (
        lambda lib, a, b: lib.cosine_similarity(a, b, dim=-1),
        (floats(3, 1, 4), floats(2, 4)),
    ),
    "1d": (lambda lib, a, b: lib.cosine_similarity(a, b, dim=0), (floats(5), floats(5))),
    "0d": (lambda lib, a, b: lib.cosine_similarity(a, b, dim=0), (floats(), floats())),
    "3d_middle": (
        lambda lib, a, b: lib.cosine_similarity(a, b, 1),
        (floats(2, 3, 2), floats(2, 3, 2)),
    ),
    # norms below eps are clamped to eps, yet differentiated as the norm
    "clamped": (
        lambda lib, a, b: lib.cosine_similarity(a, b, eps=1e-2),
        (floats(3, 4, scale=1e-3), floats(3, 4)),
    ),
    "zero_row": (
        lambda lib, a, b: lib.cosine_similarity(a, b, eps=1e-3),
        (WITH_ZERO_ROW, floats(3, 4)),
    ),
    "empty_vectors": (lambda lib, a, b: lib.cosine_similarity(a, b), (floats(3, 0), floats(3, 0))),
    "no_rows": (lambda lib, a, b: lib.cosine_similarity(a, b), (floats(0, 3), floats(0, 3))),
    "int_and_float": (
        lambda lib, a, b: lib.cosine_similarity(a, b),
        (np.array([[1, 2], [0, -3]]), Y34[:2, :2]),
    ),
    "float64_and_float32": (
        lambda lib, a, b: lib.cosine_similarity(a, b),
        (X34.astype(np.float64), Y34),
    ),
    "large": (lambda lib, a, b: lib.cosine_similarity(a, b), (1e4 * X34, 1e4 * Y34)),
}

ORDERS = [2.0, 1.0, 0.0, math.inf, -math.inf, 0.5, 3.0, -1.0]

PAIRWISE = {
    **{
        f"p={p}": (lambda lib, a, b, p=p: functional(lib).pairwise_distance(a, b, p), (X34, Y34))
        for p in ORDERS
    },
    # equal vectors: only eps apart, so gradients stay finite (and match torch's)
    **{
        f"equal_p={p}": (lambda lib, a, b, p=p: lib.pairwise_distance(a, b, p), (X34, X34))
        for p in (2.0, 1.0, math.inf, 3.0)
    },
    "keepdim": (lambda lib, a, b: lib.pairwise_distance(a, b, keepdim=True), (X34, Y34)),
    "eps": (lambda lib, a, b: lib.pairwise_distance(a, b, eps=0.5), (X34, Y34)),
    "broadcast_row": (lambda lib, a, b: lib.pairwise_distance(a, b), (X34, floats(4))),
    "row_first": (lambda lib, a, b: lib.pairwise_distance(a, b), (floats(4), X34)),
    "outer_broadcast": (lambda lib, a, b: lib.pairwise_distance(a, b), (floats(3, 1, 4), X34)),
    "3d": (lambda lib, a, b: lib.pairwise_distance(a, b, 1.5), (floats(2, 3, 2), floats(2, 3, 2))),
    "1d": (lambda lib, a, b: lib.pairwise_distance(a, b), (floats(4), floats(4))),
    "1d_keepdim": (lambda lib, a, b: lib.pairwise_distance(a, b, keepdim=True), (X34[0], Y34[0])),
    "0d": (lambda lib, a, b: lib.pairwise_distance(a, b), (floats(), floats())),
    "0d_keepdim": (
        lambda lib, a, b: lib.pairwise_distance(a, b, keepdim=True),
        (floats(), floats()),
    ),
    "ints": (lambda lib, a, b: lib.pairwise_distance(a, b), (np.array([1, 2]), np.array([3, 5]))),
    "float64_and_float32": (
        lambda lib, a, b: lib.pairwise_distance(a, b),
        (X34.astype(np.float64), Y34),
    ),
    "no_rows": (lambda lib, a, b: lib.pairwise_distance(a, b), (floats(0, 3), floats(0, 3))),
    "large": (lambda lib, a, b: lib.pairwise_distance(a, b), (1e4 * X34, 1e4 * Y34)),
}

PDIST = {
    **{
        f"p={p}": (lambda lib, x, p=p: functional(lib).pdist(x, p), (ROWS,))
        for p in (2.0, 1.0, 0.0, math.inf, 0.5, 1.5, 3.0)
    },
    "random": (lambda lib, x: lib.pdist(x), (floats(5, 3),)),
    "one_row": (lambda lib, x: lib.pdist(x), (floats(1, 3),)),
    "no_columns": (lambda lib, x: lib.pdist(x, math.inf), (floats(3, 0),)),
    "float64": (lambda lib, x: lib.pdist(x, 3), (floats(4, 2, dtype=np.float64),)),
}

CASES = {
    **{f"cosine_similarity_{k}": v for k, v in COSINE.items()},
    **{f"pairwise_distance_{k}": v for k, v in PAIRWISE.items()},
    **{f"pdist_{k}": v for k, v in PDIST.items()},
}


@pytest.mark.parametrize("name", CASES)
def test_against_torch(name):
    fn, inputs = CASES[name]
    compare_with_torch(fn, *inputs)


# name -> (fn(*tensors), float64 inputs, second order); inputs away from ties and clamps
GRADIENT_CASES = {
    "cosine_similarity": (lambda a, b: F.cosine_similarity(a, b), (X34, Y34), True),
    "cosine_similarity_broadcast": (
        lambda a, b: F.cosine_similarity(a, b, dim=-1),
        (floats(3, 1, 2), floats(2, 2)),
        True,
    ),
    "pairwise_distance": (lambda a, b: F.pairwise_distance(a, b), (X34, Y34), True),
    "pairwise_distance_p3": (lambda a, b: F.pairwise_distance(a, b, 3.0), (X34, Y34), True),
    "pairwise_distance_p1": (lambda a, b: F.pairwise_distance(a, b, 1.0), (X34, Y34), True),
    "pairwise_distance_inf": (lambda a, b: F.pairwise_distance(a, b, math.inf), (X34, Y34), True),
    "pdist": (lambda x: F.pdist(x), (floats(4, 3),), True),
    "pdist_p1.5": (lambda x: F.pdist(x, 1.5), (floats(4, 3),), True),
    "pdist_inf": (lambda x: F.pdist(x, math.inf), (floats(4, 3),), True),
}


@pytest.mark.parametrize("name", GRADIENT_CASES)
def test_gradcheck(name):
    fn, inputs, second_order = GRADIENT_CASES[name]
    check_gradients(fn, *inputs, second_order=second_order)


def test_pdist_is_the_upper_triangle_of_pairwise_distances():
    x = nr.from_numpy(floats(4, 3))
    every_pair = F.pairwise_distance(x[:, None], x[None], eps=0.0)
    rows, columns = nr.triu_indices(4, 4, 1)
    np.testing.assert_allclose(F.pdist(x).numpy(), every_pair[rows, columns].numpy(), rtol=1e-6)


def test_pdist_of_no_rows():
    # (not against torch: its pdist backward crashes on an input of no rows)
    x = nr.zeros(0, 3, requires_grad=True)
    out = F.pdist(x)
    out.sum().backward()
    assert out.shape == (0,) and x.grad.shape == (0, 3)


T = nr.from_numpy
ERRORS = [
    (
        lambda: F.cosine_similarity(T(np.ones((2, 3), np.int64)), T(np.ones((2, 3), np.int64))),
        RuntimeError,
        r"cosine_similarity: expected common dtype to be floating point, yet common dtype is "
        r"int64",
    ),
    (
        lambda: F.cosine_similarity(T(X34), T(Y34), dim=2),
        IndexError,
        r"cosine_similarity: Dimension out of range \(expected to be in range of \[-2, 1\], "
        r"but got 2\)",
    ),
    (
        lambda: F.cosine_similarity(T(X34), T(floats(5, 4))),
        RuntimeError,
        r"cosine_similarity: The size of tensor a \(3\) must match the size of tensor b \(5\) "
        r"at non-singleton dimension 0",
    ),
    (
        lambda: F.cosine_similarity(T(X34), T(Y34), dim=1.0),
        TypeError,
        r"cosine_similarity\(\): argument 'dim' must be int, not float",
    ),
    (
        lambda: F.cosine_similarity(T(X34), [1.0, 2.0]),
        TypeError,
        r"cosine_similarity\(\): argument 'x2' must be Tensor, not list",
    ),
    (
        lambda: F.pairwise_distance(T(X34), T(floats(3, 5))),
        RuntimeError,
        r"pairwise_distance: The size of tensor a \(4\) must match the size of tensor b \(5\) "
        r"at non-singleton dimension 1",
    ),
    (
        lambda: F.pairwise_distance(T(X34), T(Y34), p="fro"),
        TypeError,
        r"pairwise_distance\(\): argument 'p' must be float, not str",
    ),
    (
        lambda: F.pdist(T(floats(3))),
        RuntimeError,
        r"pdist: only supports 2D tensors, got a 1D tensor of shape \(3,\)",
    ),
    (
        lambda: F.pdist(T(floats(2, 3, 4))),
        RuntimeError,
        r"pdist: only supports 2D tensors, got a 3D tensor of shape \(2, 3, 4\)",
    ),
    (
        lambda: F.pdist(T(X34), -1),
        RuntimeError,
        r"pdist: only supports non-negative p values, got -1.0",
    ),
    (
        lambda: F.pdist(T(np.ones((2, 2), np.int64))),
        RuntimeError,
        r"pdist: only supports floating-point dtypes, got int64",
    ),
]


@pytest.mark.parametrize("call, kind, pattern", ERRORS)
def test_errors(call, kind, pattern):
    with pytest.raises(kind, match=pattern):
        call()
