"""Matrix products and einsum against PyTorch, float64 gradchecks and error messages."""

import numpy as np
import pytest

import neurarust as nr

from ..conftest import check_gradients, compare_with_torch, torch

MATMUL_SHAPES = [
    ((3,), (3,)),  # dot product
    ((2, 3), (3, 4)),
    ((3,), (3, 4)),  # vector @ matrix
    ((2, 3), (3,)),  # matrix @ vector
    ((2, 2, 3), (2, 3, 4)),  # batch @ batch
    ((3, 4), (5, 4, 2)),  # matrix @ batch: gradient of the matrix sums over the batch
    ((5, 2, 3), (3, 4)),  # batch @ matrix
    ((2, 1, 2, 3), (3, 3, 2)),  # batch dims broadcast
    ((3,), (2, 3, 2)),  # vector @ batch
    ((2, 2, 3), (3,)),  # batch @ vector
]


def _arrays(rng, shapes, dtype=np.float32):
    return [rng.standard_normal(s).astype(dtype) for s in shapes]


@pytest.mark.parametrize("shapes", MATMUL_SHAPES, ids=str)
def test_matmul_matches_torch(shapes, rng):
    compare_with_torch(lambda lib, a, b: lib.matmul(a, b), *_arrays(rng, shapes))


@pytest.mark.parametrize("shapes", MATMUL_SHAPES, ids=str)
def test_matmul_gradcheck(shapes, rng):
    check_gradients(lambda a, b: a @ b, *_arrays(rng, shapes, np.float64), second_order=True)


@pytest.mark.parametrize("dtype", [np.int64, np.int32])
def test_integer_matmul_keeps_dtype(dtype, rng):
    a, b = (rng.integers(-5, 5, s).astype(dtype) for s in ((2, 3), (3, 4)))
    out = compare_with_torch(lambda lib, a, b: a @ b, a, b)
    assert out.dtype == nr.dtypes.from_numpy_dtype(dtype)


def test_matmul_gradient_of_one_operand_only(rng):
    a = nr.tensor(rng.standard_normal((4, 2, 3)), requires_grad=True)
    b = nr.tensor(rng.standard_normal((3, 2)))
    (a @ b).sum().backward()
    np.testing.assert_allclose(a.grad.numpy(), np.broadcast_to(b.numpy().sum(1), (4, 2, 3)))
    assert b.grad is None


PRODUCTS = {
    "mm": (lambda lib, a, b: lib.mm(a, b), [(2, 3), (3, 4)]),
    "bmm": (lambda lib, a, b: lib.bmm(a, b), [(2, 2, 3), (2, 3, 4)]),
    "mv": (lambda lib, a, b: lib.mv(a, b), [(2, 3), (3,)]),
    "dot": (lambda lib, a, b: lib.dot(a, b), [(4,), (4,)]),
    "outer": (lambda lib, a, b: lib.outer(a, b), [(2,), (3,)]),
    "addmm": (lambda lib, c, a, b: lib.addmm(c, a, b), [(4,), (2, 3), (3, 4)]),
    "addmm_scaled": (
        lambda lib, c, a, b: lib.addmm(c, a, b, beta=0.5, alpha=-2.0),
        [(2, 1), (2, 3), (3, 4)],
    ),
    "addmm_full_input": (
        lambda lib, c, a, b: lib.addmm(c, a, b, beta=2, alpha=3),
        [(2, 4), (2, 3), (3, 4)],
    ),
    "tensor_methods": (lambda lib, a, b: a.mm(b) + a.matmul(b), [(2, 3), (3, 4)]),
}


@pytest.mark.parametrize("name", sorted(PRODUCTS))
def test_products_match_torch(name, rng):
    fn, shapes = PRODUCTS[name]
    compare_with_torch(fn, *_arrays(rng, shapes))


@pytest.mark.parametrize("name", sorted(PRODUCTS))
def test_products_gradcheck(name, rng):
    fn, shapes = PRODUCTS[name]
    second_order = name.startswith("addmm")
    check_gradients(
        lambda *xs: fn(nr, *xs), *_arrays(rng, shapes, np.float64), second_order=second_order
    )


def test_addmm_beta_zero_ignores_input(rng):
    bias = np.full(4, np.nan, dtype=np.float32)
    a, b = _arrays(rng, [(2, 3), (3, 4)])
    compare_with_torch(lambda lib, c, a, b: lib.addmm(c, a, b, beta=0), bias, a, b)


def test_addmm_integers_truncate_scalars():
    c, a, b = (np.ones(s, dtype=np.int64) for s in [(3,), (2, 3), (3, 3)])
    compare_with_torch(lambda lib, c, a, b: lib.addmm(c, a, b, beta=2.5, alpha=2.5), c, a, b)


EINSUM = [
    ("ij,jk->ik", [(2, 3), (3, 4)]),  # matrix product
    ("bij,bjk->bik", [(2, 2, 3), (2, 3, 2)]),  # batch product
    ("ii->", [(3, 3)]),  # trace
    ("ii->i", [(3, 3)]),  # diagonal
    ("i,j->ij", [(2,), (3,)]),  # outer product
    ("ij->", [(2, 3)]),  # sum
    ("ij->ji", [(2, 3)]),  # transpose
    ("ij->i", [(2, 3)]),  # j summed away
    ("...ij,...jk->...ik", [(2, 2, 3), (3, 2)]),
    ("...ij,...jk->...ik", [(2, 1, 2, 3), (3, 3, 2)]),  # ellipsis dims broadcast
    ("...ii->...i", [(2, 3, 3)]),  # batched diagonal
    ("ij,jk,kl->il", [(2, 3), (3, 2), (2, 2)]),  # three operands
    ("ij,jk", [(2, 3), (3, 4)]),  # implicit output
    ("ba", [(2, 3)]),  # implicit output is alphabetical: a transpose
    ("i j , j k -> i k", [(2, 3), (3, 2)]),  # spaces
    ("ij,ij->ij", [(1, 3), (2, 3)]),  # size-1 dims broadcast
    ("...,...->", [(2, 1), (3,)]),  # a size-1 dim broadcast, then summed
    ("iij,jk->ik", [(2, 2, 3), (3, 2)]),  # diagonal inside a product
]


@pytest.mark.parametrize("equation, shapes", EINSUM, ids=[e for e, _ in EINSUM])
def test_einsum_matches_torch(equation, shapes, rng):
    compare_with_torch(lambda lib, *xs: lib.einsum(equation, *xs), *_arrays(rng, shapes))


@pytest.mark.parametrize("equation, shapes", EINSUM, ids=[e for e, _ in EINSUM])
def test_einsum_gradcheck(equation, shapes, rng):
    arrays = _arrays(rng, shapes, np.float64)
    check_gradients(lambda *xs: nr.einsum(equation, *xs), *arrays, second_order=True)


def test_einsum_takes_a_list_and_integers(rng):
    a, b = (rng.integers(-5, 5, s) for s in [(2, 3), (3, 4)])
    out = compare_with_torch(lambda lib, a, b: lib.einsum("ij,jk->ik", [a, b]), a, b)
    assert out.dtype == nr.int64


def test_einsum_result_is_not_a_view_of_its_operand():
    x = nr.zeros(2, 3)
    y = nr.einsum("ij->ji", x)
    y += 1
    assert not x.numpy().any()


def _pair(lib, shapes, dtypes=(None, None)):
    return [
        lib.ones(*s, dtype=getattr(lib, d) if d else None)
        for s, d in zip(shapes, dtypes, strict=True)
    ]


# (call, exception type, message pattern); each call is also made with torch, which must
# raise the same exception type.
ERRORS = {
    "matmul_shapes": (
        lambda lib: lib.matmul(*_pair(lib, [(2, 3), (4, 5)])),
        RuntimeError,
        r"matmul: mat1 and mat2 shapes cannot be multiplied \(2x3 and 4x5\)",
    ),
    "matmul_vector_shapes": (
        lambda lib: lib.matmul(*_pair(lib, [(3,), (4,)])),
        RuntimeError,
        r"matmul: mat1 and mat2 shapes cannot be multiplied \(3 and 4\)",
    ),
    "matmul_batch_dims": (
        lambda lib: lib.matmul(*_pair(lib, [(2, 2, 3), (3, 3, 5)])),
        RuntimeError,
        r"matmul: the batch dimensions of mat1 and mat2 do not broadcast \(2x2x3 and 3x3x5\)",
    ),
    "matmul_0d": (
        lambda lib: lib.matmul(lib.tensor(1.0), lib.ones(3)),
        RuntimeError,
        "matmul: both arguments need to be at least 1D, but they are 0D and 1D",
    ),
    "matmul_dtype": (
        lambda lib: lib.matmul(*_pair(lib, [(2, 3), (3, 4)], (None, "float64"))),
        RuntimeError,
        "matmul: expected m1 and m2 to have the same dtype, but got: float != double",
    ),
    "matmul_int_float": (
        lambda lib: lib.matmul(*_pair(lib, [(2, 3), (3, 4)], ("int64", None))),
        RuntimeError,
        "expected m1 and m2 to have the same dtype, but got: long int != float",
    ),
    "matmul_bool": (
        lambda lib: lib.matmul(*_pair(lib, [(2, 3), (3, 4)], ("bool", "bool"))),
        NotImplementedError,
        "matmul: not implemented for 'Bool'",
    ),
    "matmul_not_tensor": (
        lambda lib: lib.matmul(lib.ones(2, 2), [[1.0, 0.0], [0.0, 1.0]]),
        TypeError,
        "matmul\\(\\): argument 'other' must be Tensor, not list",
    ),
    "mm_vector": (
        lambda lib: lib.mm(*_pair(lib, [(3,), (3, 4)])),
        RuntimeError,
        "mm: self must be a matrix",
    ),
    "mm_mat2_vector": (
        lambda lib: lib.mm(*_pair(lib, [(3, 4), (4,)])),
        RuntimeError,
        "mm: mat2 must be a matrix",
    ),
    "mm_shapes": (
        lambda lib: lib.mm(*_pair(lib, [(2, 3), (4, 5)])),
        RuntimeError,
        r"mm: mat1 and mat2 shapes cannot be multiplied \(2x3 and 4x5\)",
    ),
    "bmm_matrix": (
        lambda lib: lib.bmm(*_pair(lib, [(2, 3), (3, 4)])),
        RuntimeError,
        "bmm: batch1 must be a 3D tensor",
    ),
    "bmm_batch_sizes": (
        lambda lib: lib.bmm(*_pair(lib, [(2, 2, 3), (3, 3, 4)])),
        RuntimeError,
        r"bmm: batch1 and batch2 must have the same batch size, but got 2x2x3 and 3x3x4",
    ),
    "bmm_shapes": (
        lambda lib: lib.bmm(*_pair(lib, [(2, 2, 3), (2, 4, 5)])),
        RuntimeError,
        r"bmm: mat1 and mat2 shapes cannot be multiplied \(2x2x3 and 2x4x5\)",
    ),
    "dot_sizes": (
        lambda lib: lib.dot(*_pair(lib, [(3,), (4,)])),
        RuntimeError,
        r"dot: inconsistent tensor size, expected tensor \[3\] and src \[4\]",
    ),
    "dot_matrix": (
        lambda lib: lib.dot(*_pair(lib, [(3, 1), (3,)])),
        RuntimeError,
        "dot: self must be a 1-D tensor, but got a 2-D tensor",
    ),
    "dot_dtype": (
        lambda lib: lib.dot(*_pair(lib, [(3,), (3,)], (None, "float64"))),
        RuntimeError,
        "dot: expected self and tensor to have the same dtype, but got: float != double",
    ),
    "mv_shapes": (
        lambda lib: lib.mv(*_pair(lib, [(2, 3), (4,)])),
        RuntimeError,
        r"mv: mat1 and mat2 shapes cannot be multiplied \(2x3 and 4\)",
    ),
    "outer_matrix": (
        lambda lib: lib.outer(*_pair(lib, [(2, 1), (3,)])),
        RuntimeError,
        "outer: self must be a 1-D tensor",
    ),
    "addmm_input_shape": (
        lambda lib: lib.addmm(*_pair(lib, [(4, 3), (2, 3), (3, 3)], (None,) * 3)),
        RuntimeError,
        r"addmm: input of shape \(4, 3\) does not broadcast to the shape of mat1 @ mat2, "
        r"\(2, 3\)",
    ),
    "addmm_input_dtype": (
        lambda lib: lib.addmm(*_pair(lib, [(3,), (2, 3), (3, 3)], ("float64", None, None))),
        RuntimeError,
        "addmm: expected self and mat2 to have the same dtype",
    ),
    "einsum_operand_count": (
        lambda lib: lib.einsum("ij,jk->ik", lib.ones(2, 3)),
        RuntimeError,
        r"einsum\(\): fewer operands were provided than specified in the equation",
    ),
    "einsum_subscript_count": (
        lambda lib: lib.einsum("ijk->ij", lib.ones(2, 3)),
        RuntimeError,
        r"einsum\(\): the number of subscripts in the equation \(3\) does not match the "
        r"number of dimensions \(2\) for operand 0 and no ellipsis was given",
    ),
    "einsum_sizes": (
        lambda lib: lib.einsum("ij,jk->ik", *_pair(lib, [(2, 3), (4, 5)])),
        RuntimeError,
        r"einsum\(\): subscript j has size 4 for operand 1 which does not broadcast with "
        "previously seen size 3",
    ),
    "einsum_repeated_sizes": (
        lambda lib: lib.einsum("ii->i", lib.ones(2, 3)),
        RuntimeError,
        r"einsum\(\): subscript i is repeated for operand 0 but the sizes don't match, 2 != 3",
    ),
    "einsum_output_repeated": (
        lambda lib: lib.einsum("ij->ii", lib.ones(2, 2)),
        RuntimeError,
        r"einsum\(\): output subscript i appears more than once in the output",
    ),
    "einsum_output_unknown": (
        lambda lib: lib.einsum("ij->ik", lib.ones(2, 3)),
        RuntimeError,
        r"einsum\(\): output subscript k does not appear in the equation for any input",
    ),
    "einsum_bad_subscript": (
        lambda lib: lib.einsum("i1->i", lib.ones(2, 3)),
        RuntimeError,
        r"einsum\(\): invalid subscript '1' for operand 0",
    ),
    "einsum_stray_dot": (
        lambda lib: lib.einsum("..i->i", lib.ones(2)),
        RuntimeError,
        r"einsum\(\): found '.' for operand 0 that is not part of an ellipsis",
    ),
    "einsum_dtype": (
        lambda lib: lib.einsum("i,i->", *_pair(lib, [(3,), (3,)], (None, "float64"))),
        RuntimeError,
        r"einsum\(\): expected operand 0 and operand 1 to have the same dtype",
    ),
    "einsum_not_tensor": (
        lambda lib: lib.einsum("ij,jk->ik", lib.ones(2, 3), 5),
        TypeError,
        r"einsum\(\): expected Tensor as operand 1, but got int",
    ),
    "einsum_equation_type": (
        lambda lib: lib.einsum(5, lib.ones(2, 3)),
        TypeError,
        r"einsum\(\): argument 'equation' must be str, not int",
    ),
}


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_errors(name):
    call, exception, message = ERRORS[name]
    with pytest.raises(exception, match=message):
        call(nr)
    if torch is not None:
        with pytest.raises(exception):
            call(torch)
