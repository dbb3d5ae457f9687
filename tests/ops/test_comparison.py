"""isclose, allclose, equal, nan_to_num, addcmul, addcdiv, diff, the trapezoid rules and
cross against PyTorch: values, dtypes, gradients, in-place forms and errors.

Each case is ``fn(lib, *tensors)`` and the specs of its inputs (see test_elementwise);
``compare_with_torch`` runs it with neurarust (on non-contiguous views) and PyTorch.
Cases whose inputs are all floating point also get a float64 gradcheck and
gradgradcheck.
"""

import warnings

import numpy as np
import pytest

import neurarust as nr

from ..conftest import check_gradients, compare_with_torch, torch
from .test_elementwise import Spec, _all_float, _inputs, bools, floats, ints, lit, positive

NAN, INF = float("nan"), float("inf")
SPECIAL = lit(1.0, -0.0, NAN, INF, -INF, -2.5)
NEAR = lit(1.0 + 1e-6, 0.5, NAN, INF, INF, -2.50002)


def _cross_default_dim(lib, a, b):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # the deprecation warning of dim=None
        return lib.cross(a, b)


CASES = {
    # closeness and equality: bool tensors or Python bools
    "isclose": (lambda lib, a, b: lib.isclose(a, b), [SPECIAL, NEAR]),
    "isclose_equal_nan": (lambda lib, a, b: a.isclose(b, equal_nan=True), [SPECIAL, NEAR]),
    "isclose_tolerances": (
        lambda lib, a, b: lib.isclose(a, b, rtol=0.1, atol=0.5),
        [floats(2, 3), floats(3)],
    ),
    "isclose_exact": (lambda lib, a, b: lib.isclose(a, b, rtol=0, atol=0), [SPECIAL, NEAR]),
    "isclose_int": (lambda lib, i, j: lib.isclose(i, j, atol=1), [ints(2, 3), ints(3)]),
    "isclose_int_in_float32": (
        lambda lib, i, j: lib.isclose(i, j, rtol=0, atol=0.5),
        [lit(2**40, 2**40, 5, dtype="int64"), lit(2**40 + 1, 2**40 + 2**18, 5, dtype="int64")],
    ),
    "isclose_int_no_wrap": (
        lambda lib, i, j: lib.isclose(i, j, atol=60),
        [lit(100, 1, 2, dtype="int8"), lit(-100, 3, 1, dtype="int8")],
    ),
    "isclose_uint8": (
        lambda lib, i, j: lib.isclose(i, j, atol=2),
        [lit(1, 2, 200, dtype="uint8"), lit(3, 1, 100, dtype="uint8")],
    ),
    "isclose_bool": (lambda lib, b, c: lib.isclose(b, c, atol=1), [bools(4), bools(4)]),
    "isclose_half": (
        lambda lib, a, b: lib.isclose(a, b, rtol=0, atol=0.0009),
        [lit(1.0, 2.0, dtype="float16"), lit(1.0009765625, 2.0, dtype="float16")],
    ),
    "isclose_0d": (lambda lib, a, b: lib.isclose(a, b), [floats(), floats()]),
    "allclose": (lambda lib, a, b: lib.allclose(a, b, atol=5.0), [floats(2, 3), floats(3)]),
    "allclose_false": (lambda lib, a, b: a.allclose(b), [floats(2, 3), floats(3)]),
    "allclose_nan": (lambda lib, a: lib.allclose(a, a), [SPECIAL]),
    "allclose_equal_nan": (lambda lib, a: lib.allclose(a, a * 1, equal_nan=True), [SPECIAL]),
    "allclose_empty": (lambda lib, a: lib.allclose(a, a), [floats(0)]),
    "equal": (lambda lib, a: lib.equal(a, a * 1), [floats(2, 3)]),
    "equal_promotes": (lambda lib, i: i.equal(i.double()), [ints(2, 3)]),
    "equal_values_differ": (lambda lib, a, b: lib.equal(a, b), [floats(3), floats(3)]),
    "equal_shapes_differ": (lambda lib, a: lib.equal(a, a.reshape(1, -1)), [floats(3)]),
    "equal_nan": (lambda lib, a: lib.equal(a, a), [SPECIAL]),
    "equal_empty": (lambda lib, a, i: lib.equal(a, i), [floats(0), ints(0)]),
    # nan_to_num
    "nan_to_num": (lambda lib, a: lib.nan_to_num(a), [SPECIAL]),
    "nan_to_num_values": (lambda lib, a: a.nan_to_num(1.5, posinf=2, neginf=-3.0), [SPECIAL]),
    "nan_to_num_keywords": (lambda lib, a: lib.nan_to_num(a, nan=True, neginf=0.0), [SPECIAL]),
    "nan_to_num_double": (lambda lib, a: lib.nan_to_num(a), [SPECIAL.astype("float64")]),
    "nan_to_num_half": (lambda lib, a: lib.nan_to_num(a), [SPECIAL.astype("float16")]),
    "nan_to_num_half_overflow": (
        lambda lib, a: lib.nan_to_num(a, nan=1e6, posinf=1e300),
        [SPECIAL.astype("float16")],
    ),
    "nan_to_num_0d": (lambda lib, a: lib.nan_to_num(a), [lit(NAN).reshape(())]),
    "nan_to_num_int": (lambda lib, i: i.nan_to_num(nan=3.5), [ints(2, 3)]),
    "nan_to_num_bool": (lambda lib, b: lib.nan_to_num(b), [bools(3)]),
    # addcmul, addcdiv
    "addcmul": (lambda lib, x, a, b: lib.addcmul(x, a, b), [floats(2, 3), floats(3), floats(2, 1)]),
    "addcmul_value": (
        lambda lib, x, a, b: x.addcmul(a, b, value=-0.5),
        [floats(2, 3), floats(2, 3), floats(3)],
    ),
    "addcmul_broadcast_all": (
        lambda lib, x, a, b: lib.addcmul(x, a, b, value=2),
        [floats(2, 1), floats(3), floats(4, 1, 1)],
    ),
    "addcmul_0d_input": (
        lambda lib, x, a, b: lib.addcmul(x, a, b),
        [floats(), floats(3), floats(3)],
    ),
    "addcmul_tensor_value": (
        lambda lib, x, a, b: lib.addcmul(x, a, b, value=lib.tensor(1.5)),
        [floats(3), floats(3), floats(3)],
    ),
    "addcmul_mixed_floats": (
        lambda lib, x, a, b: lib.addcmul(x, a, b),
        [Spec((3,), "float16"), floats(3), Spec((3,), "float64")],
    ),
    "addcmul_int_float": (lambda lib, i, a, j: lib.addcmul(i, a, j), [ints(3), floats(3), ints(3)]),
    "addcmul_int": (
        lambda lib, i, j, k: lib.addcmul(i, j, k, value=3),
        [ints(3), ints(3), ints(3)],
    ),
    "addcmul_int_truncates_value": (
        lambda lib, i, j, k: lib.addcmul(i, j, k, value=-1.7),
        [ints(3), ints(3), ints(3)],
    ),
    "addcmul_uint8_wraps": (
        lambda lib, i, j, k: lib.addcmul(i, j, k, value=-1),
        [ints(3, dtype="uint8", low=0)] * 3,
    ),
    "addcdiv": (
        lambda lib, x, a, b: lib.addcdiv(x, a, b, value=2),
        [floats(2, 3), floats(3), positive(2, 1)],
    ),
    "addcdiv_default": (
        lambda lib, x, a, b: x.addcdiv(a, b),
        [floats(3), floats(2, 3), positive(3)],
    ),
    "addcdiv_int_input": (
        lambda lib, i, a, b: lib.addcdiv(i, a, b, value=0.5),
        [ints(3), floats(3), positive(3)],
    ),
    "addcdiv_bool_numerator": (
        lambda lib, x, c, b: lib.addcdiv(x, c, b),
        [floats(3), bools(3), positive(3)],
    ),
    "addcdiv_int_denominator": (
        lambda lib, x, a, j: lib.addcdiv(x, a, j),
        [floats(3), floats(3), ints(3, low=1)],
    ),
    "addcdiv_half_input": (
        lambda lib, x, a, b: lib.addcdiv(x, a, b, value=3),
        [Spec((3,), "float16"), floats(3), positive(3)],
    ),
    "addcdiv_by_zero": (
        lambda lib, x, a, b: lib.addcdiv(x, a, b),
        [floats(3), lit(1.0, -1.0, 0.0), lit(0.0, 0.0, 0.0)],
    ),
    # diff
    "diff": (lambda lib, a: lib.diff(a), [floats(2, 5)]),
    "diff_n2_dim0": (lambda lib, a: a.diff(n=2, dim=0), [floats(4, 3)]),
    "diff_edges": (
        lambda lib, a, p, q: lib.diff(a, dim=1, prepend=p, append=q),
        [floats(2, 3), floats(2, 1), floats(2, 2)],
    ),
    "diff_append_n3": (lambda lib, a, q: lib.diff(a, 3, 0, append=q), [floats(2, 2), floats(3, 2)]),
    "diff_prepend_promotes": (lambda lib, a, p: lib.diff(a, prepend=p), [floats(3), ints(2)]),
    "diff_n_beyond_size": (lambda lib, a: lib.diff(a, n=5), [floats(2, 3)]),
    "diff_n0_ignores_edges": (
        lambda lib, a, p: lib.diff(a, n=0, prepend=p),
        [floats(3), floats(2)],
    ),
    "diff_empty": (lambda lib, a: lib.diff(a, dim=0), [floats(0, 3)]),
    "diff_empty_other_dim": (lambda lib, a: lib.diff(a), [floats(0, 3)]),
    "diff_int": (lambda lib, i: lib.diff(i, n=2), [ints(2, 4)]),
    "diff_uint8_wraps": (lambda lib, i: lib.diff(i), [lit(5, 1, 9, dtype="uint8")]),
    "diff_bool": (lambda lib, b: lib.diff(b, n=2), [bools(2, 5)]),
    "diff_bool_int_prepend": (lambda lib, b, i: lib.diff(b, prepend=i), [bools(3), ints(1)]),
    # trapezoid, trapz, cumulative_trapezoid
    "trapezoid": (lambda lib, y: lib.trapezoid(y), [floats(2, 4)]),
    "trapezoid_dx": (lambda lib, y: lib.trapezoid(y, dx=0.5, dim=0), [floats(4, 2)]),
    "trapezoid_dx_0d_tensor": (lambda lib, y: lib.trapezoid(y, dx=lib.tensor(2.0)), [floats(3)]),
    "trapezoid_x": (lambda lib, y, x: lib.trapezoid(y, x), [floats(2, 4), floats(4)]),
    "trapezoid_x_dim": (lambda lib, y, x: lib.trapezoid(y, x, dim=1), [floats(2, 3, 2), floats(3)]),
    "trapezoid_x_full": (
        lambda lib, y, x: lib.trapezoid(y, x, dim=0),
        [floats(3, 2), floats(3, 2)],
    ),
    "trapezoid_x_padded": (
        lambda lib, y, x: lib.trapezoid(y, x=x, dim=1),
        [floats(2, 3, 2), floats(3, 2)],
    ),
    "trapezoid_x_longer": (
        lambda lib, y, x: lib.trapezoid(y, x, dim=0),
        [floats(2, 3), floats(4, 2, 3)],
    ),
    "trapezoid_int": (lambda lib, i: lib.trapezoid(i), [ints(5)]),
    "trapezoid_int_dx": (lambda lib, i: lib.trapezoid(i, dx=3), [ints(5, dtype="int32")]),
    "trapezoid_int_x": (lambda lib, i, j: lib.trapezoid(i, j), [ints(4), ints(4)]),
    "trapezoid_half_int_x": (
        lambda lib, y, j: lib.trapezoid(y, j),
        [Spec((4,), "float16"), ints(4, dtype="int32")],
    ),
    "trapezoid_half_dx": (lambda lib, y: lib.trapezoid(y, dx=0.1), [Spec((4,), "float16")]),
    "trapezoid_one_sample": (lambda lib, y: lib.trapezoid(y), [floats(2, 1)]),
    "trapezoid_no_samples": (lambda lib, y: lib.trapezoid(y, dim=1), [floats(2, 0)]),
    "trapezoid_no_samples_int": (lambda lib, i: lib.trapezoid(i, dim=1), [ints(2, 0)]),
    "trapz": (lambda lib, y: lib.trapz(y, dx=2), [floats(2, 3)]),
    "trapz_x": (lambda lib, y, x: lib.trapz(y, x, dim=0), [floats(3, 2), floats(3)]),
    "cumulative_trapezoid": (lambda lib, y: lib.cumulative_trapezoid(y), [floats(2, 4)]),
    "cumulative_trapezoid_dx": (
        lambda lib, y: lib.cumulative_trapezoid(y, dx=0.5, dim=0),
        [floats(4, 2)],
    ),
    "cumulative_trapezoid_x": (
        lambda lib, y, x: lib.cumulative_trapezoid(y, x),
        [floats(2, 4), floats(4)],
    ),
    "cumulative_trapezoid_x_padded": (
        lambda lib, y, x: lib.cumulative_trapezoid(y, x, dim=-2),
        [floats(2, 3, 2), floats(3, 2)],
    ),
    "cumulative_trapezoid_int": (lambda lib, i: lib.cumulative_trapezoid(i, dx=2), [ints(4)]),
    "cumulative_trapezoid_half_int_x": (
        lambda lib, y, j: lib.cumulative_trapezoid(y, j),
        [Spec((4,), "float16"), ints(4, dtype="int32")],
    ),
    "cumulative_trapezoid_empty": (lambda lib, y: lib.cumulative_trapezoid(y), [floats(2, 0)]),
    "cumulative_trapezoid_one": (lambda lib, y: lib.cumulative_trapezoid(y), [floats(2, 1)]),
    # cross
    "cross": (lambda lib, a, b: lib.cross(a, b, dim=1), [floats(4, 3), floats(4, 3)]),
    "cross_dim0": (lambda lib, a, b: a.cross(b, 0), [floats(3, 2), floats(3, 2)]),
    "cross_1d": (lambda lib, a, b: lib.cross(a, b, dim=-1), [floats(3), floats(3)]),
    "cross_broadcast": (lambda lib, a, b: lib.cross(a, b, dim=-1), [floats(2, 3), floats(1, 3)]),
    "cross_default_dim": (_cross_default_dim, [floats(2, 3, 3), floats(2, 3, 3)]),
    "cross_int": (lambda lib, i, j: lib.cross(i, j, dim=1), [ints(2, 3), ints(2, 3)]),
    "cross_uint8_wraps": (
        lambda lib, i, j: lib.cross(i, j, dim=0),
        [lit(1, 2, 3, dtype="uint8"), lit(3, 2, 1, dtype="uint8")],
    ),
    "cross_empty": (lambda lib, a, b: lib.cross(a, b, dim=1), [floats(0, 3), floats(0, 3)]),
}


# Values only: gradients at x / 0 are inf or nan (as are losses of infinite outputs),
# and PyTorch's backward of addcdiv
# fails for an integer tensor2 ("result type Float can't be cast to ... Long").
VALUES_ONLY = {"addcdiv_by_zero", "addcdiv_int_denominator", "nan_to_num_half_overflow"}


@pytest.mark.parametrize("name", sorted(CASES))
def test_matches_torch(name, rng):
    fn, specs = CASES[name]
    compare_with_torch(fn, *_inputs(specs, rng), grad=name not in VALUES_ONLY)


def test_addcdiv_gradient_with_integer_denominator():
    x, a = nr.ones(3, requires_grad=True), nr.tensor([1.0, 2.0, 3.0], requires_grad=True)
    nr.addcdiv(x, a, nr.tensor([1, 2, 4]), value=2).sum().backward()
    assert x.grad.tolist() == [1.0, 1.0, 1.0] and a.grad.tolist() == [2.0, 1.0, 0.5]


# Differentiable cases (all inputs floating point), minus those whose values sit where
# the function jumps (inf, nan, x / 0) or whose outputs are bools or constants.
NOT_SMOOTH = {n for n in CASES if n.startswith(("isclose", "allclose", "equal"))} | {
    "nan_to_num",
    "nan_to_num_values",
    "nan_to_num_keywords",
    "nan_to_num_double",
    "nan_to_num_half",
    "nan_to_num_half_overflow",
    "nan_to_num_0d",
    "addcdiv_by_zero",
    "trapezoid_no_samples",  # zeros not connected to the graph, as in PyTorch
}


@pytest.mark.parametrize(
    "name", [n for n in sorted(CASES) if n not in NOT_SMOOTH and _all_float(CASES[n][1])]
)
def test_gradcheck(name, rng):
    fn, specs = CASES[name]
    arrays = [a.astype(np.float64) for a in _inputs(specs, rng)]
    check_gradients(lambda *t: fn(nr, *t), *arrays, second_order=True)


def test_nan_to_num_gradient_is_zero_where_replaced():
    x = nr.tensor([1.0, NAN, INF, -INF, -2.0], requires_grad=True)
    (x.nan_to_num(posinf=1.0, neginf=-1.0) * 3).sum().backward()
    assert x.grad.tolist() == [3.0, 0.0, 0.0, 0.0, 3.0]
    check_gradients(lambda t: t.nan_to_num(posinf=5.0) ** 2, np.array([1.0, -0.5, 2.0]))


def test_comparisons_do_not_require_grad():
    a = nr.ones(3, requires_grad=True)
    assert not nr.isclose(a, a).requires_grad
    assert isinstance(nr.allclose(a, a), bool) and isinstance(nr.equal(a, a), bool)


def test_cross_without_dim_warns_like_torch():
    with pytest.warns(UserWarning, match="Using torch.cross without specifying the dim arg"):
        out = nr.cross(nr.ones(3, 2), nr.ones(3, 2))
    assert out.shape == (3, 2)


# -- in-place variants -------------------------------------------------------------------

INPLACE = {
    "nan_to_num_": (lambda lib, a: a.nan_to_num_(posinf=7.0), [SPECIAL]),
    "nan_to_num_int_": (lambda lib, i: i.nan_to_num_(), [ints(2, 3)]),
    "addcmul_": (
        lambda lib, x, a, b: x.addcmul_(a, b, value=2),
        [floats(2, 3), floats(3), floats(2, 1)],
    ),
    "addcdiv_": (
        lambda lib, x, a, b: x.addcdiv_(a, b, value=0.5),
        [floats(2, 3), floats(3), positive(3)],
    ),
    "addcmul_int_": (lambda lib, i, j, k: i.addcmul_(j, k, value=2), [ints(3), ints(3), ints(3)]),
}


@pytest.mark.parametrize("name", sorted(INPLACE))
def test_inplace_on_views(name, rng):
    """In place on the (non-contiguous) inputs themselves, without autograd."""
    fn, specs = INPLACE[name]
    compare_with_torch(fn, *_inputs(specs, rng), grad=False)


@pytest.mark.parametrize("name", [n for n in sorted(INPLACE) if _all_float(INPLACE[n][1])])
def test_inplace_gradients(name, rng):
    """In place on a non-leaf (``a * 1``): gradients flow through the old value."""
    fn, specs = INPLACE[name]
    compare_with_torch(lambda lib, a, *rest: fn(lib, a * 1, *rest), *_inputs(specs, rng))


# -- errors ---------------------------------------------------------------------------------

MISMATCH = r"The size of tensor a \(3\) must match the size of tensor b \(2\)"

# name -> (fn(lib), the exception type PyTorch raises too, neurarust's message)
ERRORS = {
    "isclose_dtypes": (
        lambda lib: lib.isclose(lib.ones(2), lib.ones(2, dtype=lib.int64)),
        RuntimeError,
        "isclose: expected other to have the dtype of input .float32., but got int64",
    ),
    "isclose_number": (
        lambda lib: lib.isclose(lib.ones(2), 1.0),
        TypeError,
        r"isclose\(\): argument 'other' must be Tensor, not float",
    ),
    "isclose_rtol": (
        lambda lib: lib.isclose(lib.ones(2), lib.ones(2), rtol=-1),
        RuntimeError,
        "isclose: rtol must be greater than or equal to zero, but got -1",
    ),
    "isclose_atol_nan": (
        lambda lib: lib.isclose(lib.ones(2), lib.ones(2), atol=NAN),
        RuntimeError,
        "isclose: atol must be greater than or equal to zero, but got nan",
    ),
    "isclose_shapes": (
        lambda lib: lib.isclose(lib.ones(3), lib.ones(2)),
        RuntimeError,
        "isclose: " + MISMATCH,
    ),
    "allclose_dtypes": (
        lambda lib: lib.allclose(lib.ones(2), lib.ones(2, dtype=lib.float64)),
        RuntimeError,
        "isclose: expected other to have the dtype of input",
    ),
    "equal_list": (
        lambda lib: lib.equal(lib.ones(2), [1.0, 1.0]),
        TypeError,
        r"equal\(\): argument 'other' must be Tensor, not list",
    ),
    "nan_to_num_str": (
        lambda lib: lib.nan_to_num(lib.ones(2), nan="a"),
        TypeError,
        r"nan_to_num\(\): argument 'nan' must be float, not str",
    ),
    "addcmul_bool": (
        lambda lib: lib.addcmul(*[lib.ones(2, dtype=lib.bool)] * 3),
        NotImplementedError,
        "addcmul: not implemented for bool tensors",
    ),
    "addcmul_number": (
        lambda lib: lib.addcmul(lib.ones(2), lib.ones(2), 2.0),
        TypeError,
        r"addcmul\(\): argument 'tensor2' must be Tensor, not float",
    ),
    "addcmul_shapes": (
        lambda lib: lib.addcmul(lib.ones(2, 1), lib.ones(3), lib.ones(2)),
        RuntimeError,
        "addcmul: " + MISMATCH,
    ),
    "addcmul_value_tensor": (
        lambda lib: lib.addcmul(lib.ones(2), lib.ones(2), lib.ones(2), value=lib.ones(2)),
        TypeError,
        r"addcmul\(\): argument 'value' must be Number, not Tensor",
    ),
    "addcmul_value_overflow": (
        lambda lib: lib.addcmul(*[lib.ones(2, dtype=lib.int64)] * 3, value=2**70),
        OverflowError,
        "too large to convert",
    ),
    "addcdiv_integers": (
        lambda lib: lib.addcdiv(lib.ones(2), lib.ones(2, dtype=lib.int64), lib.tensor([1, 2])),
        RuntimeError,
        r"addcdiv: Integer division with addcdiv is no longer supported.*\(input \+ value \* "
        r"tensor1 / tensor2\), for all dtypes\.",
    ),
    "addcdiv_bools": (
        lambda lib: lib.addcdiv(lib.ones(2), lib.ones(2, dtype=lib.bool), lib.ones(2) > 0),
        RuntimeError,
        "addcdiv: Integer division with addcdiv is no longer supported",
    ),
    "diff_0d": (
        lambda lib: lib.diff(lib.tensor(1.0)),
        RuntimeError,
        "diff: diff expects input to be at least one-dimensional",
    ),
    "diff_negative_n": (
        lambda lib: lib.diff(lib.ones(3), n=-1),
        RuntimeError,
        "diff: order must be non-negative but got -1",
    ),
    "diff_float_n": (
        lambda lib: lib.diff(lib.ones(3), n=1.5),
        TypeError,
        r"diff\(\): argument 'n' must be int, not float",
    ),
    "diff_dim": (
        lambda lib: lib.diff(lib.ones(2, 3), dim=2),
        IndexError,
        r"diff: Dimension out of range \(expected to be in range of \[-2, 1\], but got 2\)",
    ),
    "diff_prepend_ndim": (
        lambda lib: lib.diff(lib.ones(2, 3), prepend=lib.zeros(3)),
        RuntimeError,
        "diff: diff expects prepend or append to be the same dimension as input",
    ),
    "diff_append_shape": (
        lambda lib: lib.diff(lib.ones(2, 3), dim=1, append=lib.zeros(1, 3)),
        RuntimeError,
        r"diff: .*except along the differencing dimension; input.size\(0\) = 2, but got "
        r"tensor.size\(0\) = 1",
    ),
    "diff_prepend_number": (
        lambda lib: lib.diff(lib.ones(2), prepend=5.0),
        TypeError,
        r"diff\(\): argument 'prepend' must be Tensor, not float",
    ),
    "trapezoid_0d": (
        lambda lib: lib.trapezoid(lib.tensor(1.0)),
        IndexError,
        "trapezoid: Dimension specified as -1 but tensor has no dimensions",
    ),
    "trapezoid_dim": (
        lambda lib: lib.trapezoid(lib.ones(2, 3), dim=2),
        IndexError,
        r"trapezoid: Dimension out of range \(expected to be in range of \[-2, 1\]",
    ),
    "trapezoid_bool": (
        lambda lib: lib.trapezoid(lib.ones(3, dtype=lib.bool)),
        RuntimeError,
        "trapezoid: received a bool input for `y`, but bool is not supported",
    ),
    "trapezoid_bool_x": (
        lambda lib: lib.trapezoid(lib.ones(3), lib.ones(3, dtype=lib.bool)),
        RuntimeError,
        "trapezoid: received a bool input for `x` or `y`, but bool is not supported",
    ),
    "trapezoid_bool_dx": (
        lambda lib: lib.trapezoid(lib.ones(3), dx=True),
        RuntimeError,
        "trapezoid: Currently, we only support dx as a real number.",
    ),
    "trapezoid_x_length": (
        lambda lib: lib.trapezoid(lib.ones(3), lib.ones(2)),
        RuntimeError,
        "trapezoid: There must be one `x` value for each sample point",
    ),
    "trapezoid_x_number": (
        lambda lib: lib.trapezoid(lib.ones(3), 3.0),
        TypeError,
        r"trapezoid\(\): argument 'x' must be Tensor, not float",
    ),
    "trapezoid_x_and_dx": (
        lambda lib: lib.trapezoid(lib.ones(3), lib.ones(3), dx=2),
        TypeError,
        r"trapezoid\(\): pass the sample points `x` or the spacing `dx`, not both",
    ),
    "trapezoid_x_shape": (
        lambda lib: lib.trapezoid(lib.ones(2, 3), lib.ones(3, 3)),
        RuntimeError,
        r"The size of tensor a \(3\) must match the size of tensor b \(2\)",
    ),
    "cumulative_trapezoid_x_length": (
        lambda lib: lib.cumulative_trapezoid(lib.ones(3), lib.ones(2)),
        RuntimeError,
        "cumulative_trapezoid: There must be one `x` value for each sample point",
    ),
    "cumulative_trapezoid_bool": (
        lambda lib: lib.cumulative_trapezoid(lib.ones(3, dtype=lib.bool)),
        RuntimeError,
        "cumulative_trapezoid: received a bool input for `y`, but bool is not supported",
    ),
    "cumulative_trapezoid_0d": (
        lambda lib: lib.cumulative_trapezoid(lib.tensor(1.0)),
        IndexError,
        "cumulative_trapezoid: Dimension specified as -1 but tensor has no dimensions",
    ),
    "cross_ndim": (
        lambda lib: lib.cross(lib.ones(2, 3), lib.ones(3), dim=-1),
        RuntimeError,
        "cross: inputs must have the same number of dimensions.",
    ),
    "cross_length": (
        lambda lib: lib.cross(lib.ones(2, 2), lib.ones(2, 2), dim=-1),
        RuntimeError,
        "cross: inputs dimension -1 must have length 3. Got 2 and 2",
    ),
    "cross_length_other": (
        lambda lib: lib.cross(lib.ones(3, 2), lib.ones(1, 2), dim=0),
        RuntimeError,
        "cross: inputs dimension 0 must have length 3. Got 3 and 1",
    ),
    "cross_dim": (
        lambda lib: lib.cross(lib.ones(2, 3), lib.ones(2, 3), dim=2),
        IndexError,
        r"cross: Dimension out of range \(expected to be in range of \[-2, 1\], but got 2\)",
    ),
    "cross_0d": (
        lambda lib: lib.cross(lib.tensor(1.0), lib.tensor(1.0), dim=0),
        IndexError,
        "cross: Dimension specified as 0 but tensor has no dimensions",
    ),
    "cross_batch_shapes": (
        lambda lib: lib.cross(lib.ones(2, 3), lib.ones(3, 3), dim=1),
        RuntimeError,
        r"cross: The size of tensor a \(2\) must match the size of tensor b \(3\)",
    ),
    "cross_dtypes": (
        lambda lib: lib.cross(lib.ones(3), lib.ones(3, dtype=lib.float64), dim=0),
        RuntimeError,
        "cross: expected other to have the dtype of input .float32., but got float64",
    ),
    "cross_bool": (
        lambda lib: lib.cross(*[lib.ones(3, dtype=lib.bool)] * 2, dim=0),
        NotImplementedError,
        "cross: not implemented for bool tensors",
    ),
    "cross_no_dim_of_size_3": (
        lambda lib: _cross_default_dim(lib, lib.ones(4, 2), lib.ones(4, 2)),
        RuntimeError,
        "cross: no dimension of size 3 in input",
    ),
    "addcmul__int_result": (
        lambda lib: lib.ones(2, dtype=lib.int64).addcmul_(lib.ones(2), lib.ones(2)),
        RuntimeError,
        "addcmul_: result type float32 can't be cast to the desired output type int64",
    ),
}


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_errors(name):
    fn, error, match = ERRORS[name]
    with pytest.raises(error, match=match):
        fn(nr)
    if torch is not None:
        with pytest.raises(error):
            fn(torch)
