"""Sorting and selection against PyTorch: values, indices, dtypes, gradients, errors."""

import math

import numpy as np
import pytest

import neurarust as nr

from ..conftest import check_gradients, compare_with_torch, torch

nan = math.nan


def _distinct(shape, dtype=np.float32):
    """Tie-free values, 0.25 apart at least (so finite differences never reorder them)."""
    n = math.prod(shape)
    values = np.random.default_rng(n).permutation(n) - n / 2
    return (0.25 * values).reshape(shape).astype(dtype)


# -- tie-free inputs: values, indices and gradients, plus a float64 gradcheck --------------

# name -> (fn(lib, a), input shape). Every case is also gradchecked in float64, second
# order included (the gradient is a scatter, itself differentiable).
CASES = {
    "sort": (lambda lib, a: lib.sort(a), (3, 4)),
    "sort_dim0_descending": (lambda lib, a: a.sort(0, True), (3, 4)),
    "sort_keywords": (lambda lib, a: lib.sort(a, dim=-1, descending=True, stable=True), (3, 4)),
    "sort_3d": (lambda lib, a: a.sort(1), (2, 3, 2)),
    "msort": (lambda lib, a: lib.msort(a), (3, 2)),
    "msort_method": (lambda lib, a: a.msort(), (4,)),
    "topk": (lambda lib, a: a.topk(2), (3, 5)),
    "topk_smallest_dim0": (lambda lib, a: lib.topk(a, 2, 0, False), (5, 3)),
    "topk_partition_path": (lambda lib, a: a.topk(2, dim=1), (2, 9)),
    "topk_partition_smallest": (lambda lib, a: a.topk(1, largest=False), (3, 8)),
    "topk_whole_dim": (lambda lib, a: a.topk(4, 1), (2, 4)),
    "topk_keywords": (lambda lib, a: lib.topk(a, k=2, dim=0, largest=True, sorted=True), (4, 3)),
    "topk_unsorted": (lambda lib, a: lib.sort(lib.topk(a, 3, sorted=False).values).values, (2, 6)),
    "kthvalue": (lambda lib, a: a.kthvalue(2), (3, 4)),
    "kthvalue_dim0_keepdim": (lambda lib, a: lib.kthvalue(a, 3, 0, True), (3, 4)),
    "kthvalue_keywords": (lambda lib, a: lib.kthvalue(a, k=4, dim=-1, keepdim=False), (2, 4)),
    "median_all": (lambda lib, a: a.median(), (3, 4)),
    "median_all_even": (lambda lib, a: lib.median(a), (4,)),
    "median_dim": (lambda lib, a: a.median(1), (3, 4)),
    "median_dim_keepdim": (lambda lib, a: lib.median(a, dim=0, keepdim=True), (4, 3)),
    "nanmedian_all": (lambda lib, a: a.nanmedian(), (3, 3)),
    "nanmedian_dim": (lambda lib, a: lib.nanmedian(a, 1, True), (3, 4)),
    "mode": (lambda lib, a: a.mode(), (3, 4)),
    "mode_dim0_keepdim": (lambda lib, a: lib.mode(a, 0, True), (3, 4)),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_matches_torch(name):
    fn, shape = CASES[name]
    compare_with_torch(fn, _distinct(shape))


@pytest.mark.parametrize("name", sorted(CASES))
def test_gradcheck(name):
    fn, shape = CASES[name]
    check_gradients(lambda a: fn(nr, a), _distinct(shape, np.float64), second_order=True)


# -- ties, NaN, 0-d and empty inputs ---------------------------------------------------------

TIES = [[3.0, 1.0, 2.0, 1.0, 3.0], [2.0, 2.0, 0.0, 2.0, 1.0], [1.0, 1.0, 1.0, 1.0, 1.0]]
NANS = [[3.0, nan, 1.0, 0.0, 2.0], [nan, 2.0, nan, 1.0, 1.0], [nan, nan, nan, nan, nan]]
ONE_NAN = [[3.0, nan, 1.0, 0.0, 2.0], [4.0, 2.0, -1.0, nan, 5.0]]

# name -> (fn(lib, a), input values). Values, indices and gradients compared with torch:
# PyTorch's choice among ties is well defined (and matched) in all of these.
SPECIAL_CASES = {
    "sort_ties": (lambda lib, a: lib.sort(a, stable=True), TIES),
    "sort_ties_descending": (lambda lib, a: a.sort(dim=0, descending=True, stable=True), TIES),
    "sort_nan": (lambda lib, a: lib.sort(a, stable=True), NANS),
    "sort_nan_descending": (lambda lib, a: lib.sort(a, descending=True, stable=True), NANS),
    "sort_signed_zeros": (lambda lib, a: lib.sort(a, stable=True), [0.0, -0.0, 0.0, -1.0]),
    "topk_nan": (lambda lib, a: a.topk(2), ONE_NAN),
    "topk_nan_smallest": (lambda lib, a: a.topk(4, largest=False), ONE_NAN),
    "kthvalue_nan": (lambda lib, a: a.kthvalue(5), ONE_NAN),
    "kthvalue_below_nan": (lambda lib, a: a.kthvalue(2, 1, True), ONE_NAN),
    "median_ties": (lambda lib, a: a.median(1), TIES),
    "median_ties_dim0": (lambda lib, a: a.median(0), TIES),
    "median_all_ties": (lambda lib, a: a.median(), TIES),
    "median_nan": (lambda lib, a: a.median(1), NANS),
    "median_all_nan": (lambda lib, a: a.median(), NANS),
    "nanmedian_ties": (lambda lib, a: a.nanmedian(1), TIES),
    "nanmedian_nan": (lambda lib, a: a.nanmedian(-1), NANS[:2]),
    "nanmedian_all_nan": (lambda lib, a: a.nanmedian(), NANS),
    "nanmedian_all_nan_only": (lambda lib, a: lib.nanmedian(a), [nan, nan]),
    "mode_ties": (lambda lib, a: a.mode(1), TIES),
    "mode_ties_dim0": (lambda lib, a: lib.mode(a, 0, keepdim=True), TIES),
    "sort_0d": (lambda lib, a: a.sort(), 2.5),
    "sort_0d_dim0": (lambda lib, a: lib.sort(a, 0, True), 2.5),
    "topk_0d": (lambda lib, a: a.topk(1), 2.5),
    "topk_0d_k0": (lambda lib, a: a.topk(0), 2.5),
    "kthvalue_0d": (lambda lib, a: a.kthvalue(1, 0, True), 2.5),
    "median_0d": (lambda lib, a: a.median(), 2.5),
    "median_0d_dim": (lambda lib, a: a.median(0, keepdim=True), 2.5),
    "nanmedian_0d": (lambda lib, a: lib.nanmedian(a, -1), 2.5),
    "mode_0d": (lambda lib, a: a.mode(), 2.5),
    "msort_0d": (lambda lib, a: lib.msort(a), 2.5),
    "sort_empty": (lambda lib, a: a.sort(0), np.zeros((2, 0))),
    "sort_empty_1d": (lambda lib, a: a.sort(descending=True), np.zeros(0)),
    "topk_empty_k0": (lambda lib, a: a.topk(0), np.zeros(0)),
    "topk_empty_columns": (lambda lib, a: a.topk(1, 0), np.zeros((2, 0))),
    "kthvalue_empty_columns": (lambda lib, a: a.kthvalue(2, 0), np.zeros((2, 0))),
    "median_empty": (lambda lib, a: a.median(), np.zeros(0)),
    "nanmedian_empty": (lambda lib, a: a.nanmedian(), np.zeros((0, 3))),
    "median_empty_columns": (lambda lib, a: a.median(0), np.zeros((2, 0))),
    "mode_empty_columns": (lambda lib, a: a.mode(0, True), np.zeros((2, 0))),
}


@pytest.mark.parametrize("name", sorted(SPECIAL_CASES))
def test_special_inputs_match_torch(name):
    fn, values = SPECIAL_CASES[name]
    compare_with_torch(fn, np.array(values, np.float32))


# name -> (fn(lib, a), input values). PyTorch's choice among ties is unspecified here:
# values only, no gradients.
VALUE_ONLY_CASES = {
    "topk_ties": (lambda lib, a: a.topk(2).values, TIES),
    "topk_ties_smallest": (lambda lib, a: a.topk(3, largest=False).values, TIES),
    "topk_several_nans": (lambda lib, a: a.topk(3).values, NANS),
    "kthvalue_ties": (lambda lib, a: a.kthvalue(3).values, TIES),
    "kthvalue_ties_dim0": (lambda lib, a: a.kthvalue(2, 0).values, TIES),
    "nanmedian_only_nan_slice": (lambda lib, a: a.nanmedian(1).values, NANS),
}


@pytest.mark.parametrize("name", sorted(VALUE_ONLY_CASES))
def test_values_among_ties_match_torch(name):
    fn, values = VALUE_ONLY_CASES[name]
    compare_with_torch(fn, np.array(values, np.float32), grad=False)


def _stable_order(data, axis, descending):
    """NumPy's reference: the stable order, descending keeping equal elements in index order."""
    key = -data if descending else data  # NaN-free integers here
    return np.argsort(key, axis=axis, kind="stable")


@pytest.mark.parametrize("largest", [True, False])
@pytest.mark.parametrize("shape, dim", [((3, 40), 1), ((40, 3), 0), ((2, 5, 16), -2)])
def test_ties_are_taken_in_index_order(shape, dim, largest):
    data = np.random.default_rng(1).integers(0, 4, shape).astype(np.float32)
    order = _stable_order(data, dim, largest)
    for k in (1, 3, shape[dim]):  # the partition path, and the full sort
        got = nr.topk(nr.from_numpy(data), k, dim, largest).indices.numpy()
        np.testing.assert_array_equal(got, np.take(order, range(k), axis=dim))
        kth = nr.kthvalue(nr.from_numpy(data), k, dim).indices.numpy()
        np.testing.assert_array_equal(kth, np.take(_stable_order(data, dim, False), k - 1, dim))


@pytest.mark.parametrize("descending", [False, True])
def test_sort_is_stable_even_when_not_asked(descending):
    # PyTorch's CPU sort leaves ties of long inputs in any order with stable=False.
    data = np.random.default_rng(2).integers(0, 3, 500)
    result = nr.sort(nr.from_numpy(data), descending=descending, stable=False)
    np.testing.assert_array_equal(result.indices.numpy(), _stable_order(data, 0, descending))
    argsorted = nr.argsort(nr.from_numpy(data), descending=descending)
    np.testing.assert_array_equal(argsorted.numpy(), result.indices.numpy())


# -- integer and bool inputs ----------------------------------------------------------------

INTS = np.array([[3, 1, 2, 1, 3], [2, 2, 0, 2, 1]])
BOOLS = np.array([True, False, True, True, False])

# name -> (fn(lib, a), input array). No gradients: the inputs are integers or bools.
INTEGER_CASES = {
    "sort_int64": (lambda lib, a: lib.sort(a, stable=True), INTS),
    "sort_uint8_descending": (lambda lib, a: lib.sort(a, 0, True), INTS.astype(np.uint8)),
    "sort_bool": (lambda lib, a: lib.sort(a, descending=True, stable=True), BOOLS),
    "argsort_int32": (lambda lib, a: lib.argsort(a, dim=1, stable=True), INTS.astype(np.int32)),
    "argsort_descending": (lambda lib, a: a.argsort(dim=-1, descending=True, stable=True), INTS),
    "argsort_float": (lambda lib, a: a.argsort(0), _distinct((3, 2))),
    "msort_int16": (lambda lib, a: lib.msort(a), INTS.astype(np.int16)),
    "topk_int32": (lambda lib, a: lib.topk(a, 2).values, INTS.astype(np.int32)),
    "topk_uint8_indices": (
        lambda lib, a: a.topk(1, 0, largest=False),
        np.array([5, 3, 9], np.uint8),
    ),
    "kthvalue_uint8": (lambda lib, a: a.kthvalue(4).values, INTS.astype(np.uint8)),
    "median_int64": (lambda lib, a: a.median(1), INTS),
    "median_all_int64": (lambda lib, a: a.median(), INTS),
    "nanmedian_int32": (lambda lib, a: a.nanmedian(0), INTS.astype(np.int32)),
    "mode_int64": (lambda lib, a: a.mode(1), INTS),
    "mode_bool": (lambda lib, a: lib.mode(a), BOOLS),
}


@pytest.mark.parametrize("name", sorted(INTEGER_CASES))
def test_integer_inputs_match_torch(name):
    fn, array = INTEGER_CASES[name]
    compare_with_torch(fn, array, grad=False)


def test_named_tuples():
    x = nr.tensor(_distinct((2, 3)), requires_grad=True)
    results = {
        "sort": x.sort(),
        "topk": x.topk(1),
        "kthvalue": x.kthvalue(1),
        "median": x.median(0),
        "nanmedian": x.nanmedian(0),
        "mode": x.mode(),
    }
    for name, result in results.items():
        values, indices = result
        assert type(result).__name__ == name and type(result) is getattr(nr.return_types, name)
        assert result.values is values and result.indices is indices
        assert repr(result).startswith(f"{name}(values=")
        assert values.requires_grad and values.grad_fn is not None
        assert indices.dtype == nr.int64 and not indices.requires_grad


# -- unique, unique_consecutive ---------------------------------------------------------------

ROWS = np.array([[1, 2, 1, 1], [0, 1, 0, 0], [1, 2, 1, 1]])

# name -> (fn(lib, a), input array). Not differentiable: no gradients.
UNIQUE_CASES = {
    "unique": (lambda lib, a: lib.unique(a), INTS),
    "unique_method": (lambda lib, a: a.unique(), INTS),
    "unique_sorted_false": (lambda lib, a: lib.unique(a, sorted=False), INTS),
    "unique_inverse": (lambda lib, a: lib.unique(a, return_inverse=True), INTS),
    "unique_counts": (lambda lib, a: lib.unique(a, return_counts=True), INTS),
    "unique_positional": (lambda lib, a: lib.unique(a, True, True, True), INTS),
    "unique_float": (lambda lib, a: a.unique(return_inverse=True), _distinct((3, 2))),
    "unique_signed_zeros": (lambda lib, a: a.unique(return_counts=True), np.array([0.0, -0.0])),
    "unique_nan": (lambda lib, a: a.unique(return_counts=True), np.array([nan, 1.0, nan, 1.0])),
    "unique_bool": (lambda lib, a: lib.unique(a, return_inverse=True, return_counts=True), BOOLS),
    "unique_dim0": (lambda lib, a: lib.unique(a, dim=0, return_inverse=True), ROWS),
    "unique_dim1": (lambda lib, a: lib.unique(a, False, True, True, 1), ROWS),
    "unique_dim_negative": (lambda lib, a: a.unique(dim=-1, return_counts=True), ROWS),
    "unique_dim_3d": (
        lambda lib, a: lib.unique(a, dim=1, return_inverse=True),
        ROWS.reshape(3, 2, 2),
    ),
    "unique_0d": (
        lambda lib, a: lib.unique(a, return_inverse=True, return_counts=True),
        np.array(4),
    ),
    "unique_empty": (
        lambda lib, a: lib.unique(a, return_inverse=True, return_counts=True),
        np.zeros(0),
    ),
    "unique_empty_rows": (
        lambda lib, a: lib.unique(a, dim=0, return_counts=True),
        np.zeros((0, 2)),
    ),
    "unique_empty_dim": (
        lambda lib, a: lib.unique(a, dim=1, return_inverse=True),
        np.zeros((2, 0)),
    ),
    "consecutive": (lambda lib, a: lib.unique_consecutive(a), INTS),
    "consecutive_method": (lambda lib, a: a.unique_consecutive(return_counts=True), INTS),
    "consecutive_all": (lambda lib, a: lib.unique_consecutive(a, True, True), INTS),
    "consecutive_nan": (lambda lib, a: a.unique_consecutive(True, True), np.array(NANS[1])),
    "consecutive_dim0": (lambda lib, a: lib.unique_consecutive(a, True, True, 0), ROWS),
    "consecutive_dim1": (
        lambda lib, a: lib.unique_consecutive(a, return_inverse=True, dim=1),
        ROWS,
    ),
    "consecutive_0d": (lambda lib, a: lib.unique_consecutive(a, True, True), np.array(2.0)),
    "consecutive_empty": (lambda lib, a: lib.unique_consecutive(a, dim=1), np.zeros((2, 0))),
}


@pytest.mark.parametrize("name", sorted(UNIQUE_CASES))
def test_unique_matches_torch(name):
    fn, array = UNIQUE_CASES[name]
    compare_with_torch(fn, array, grad=False)


@pytest.mark.parametrize("op", ["unique", "unique_consecutive"])
def test_unique_has_no_derivative(op):
    x = nr.tensor([3.0, 1.0, 3.0], requires_grad=True)
    out = getattr(nr, op)(x)
    assert out.requires_grad  # as in PyTorch: the graph is recorded, backward refuses
    with pytest.raises(NotImplementedError, match=f"the derivative for '{op}' is not implemented"):
        out.sum().backward()


# -- searchsorted, bucketize ------------------------------------------------------------------

BOUNDS = np.array([1.0, 3.0, 3.0, 5.0, 7.0], np.float32)
VALUES = np.array([[3.0, 6.0, 0.0], [9.0, 1.0, 3.5]], np.float32)
ROW_BOUNDS = np.array([[1.0, 2.0, 3.0], [2.0, 4.0, 6.0]], np.float32)
UNSORTED = np.array([5.0, 1.0, 3.0, 3.0], np.float32)
SORTER = np.array([1, 2, 3, 0])

# name -> (fn(lib, *inputs), inputs): arrays or Python numbers. Integer results.
SEARCH_CASES = {
    "left": (lambda lib, s, v: lib.searchsorted(s, v), [BOUNDS, VALUES]),
    "right": (lambda lib, s, v: lib.searchsorted(s, v, right=True), [BOUNDS, VALUES]),
    "side_right": (lambda lib, s, v: lib.searchsorted(s, v, side="right"), [BOUNDS, VALUES]),
    "side_left": (lambda lib, s, v: lib.searchsorted(s, v, side="left"), [BOUNDS, VALUES]),
    "side_and_right": (
        lambda lib, s, v: lib.searchsorted(s, v, right=True, side="right"),
        [BOUNDS, VALUES],
    ),
    "out_int32": (lambda lib, s, v: lib.searchsorted(s, v, out_int32=True), [BOUNDS, VALUES]),
    "keyword_names": (
        lambda lib, s, v: lib.searchsorted(sorted_sequence=s, input=v),
        [BOUNDS, VALUES],
    ),
    "python_int": (lambda lib, s, v: lib.searchsorted(s, v), [BOUNDS, 3]),
    "python_float": (lambda lib, s, v: lib.searchsorted(s, v, out_int32=True), [BOUNDS, 3.5]),
    "0d_input": (lambda lib, s, v: lib.searchsorted(s, v, right=True), [BOUNDS, np.array(3.0)]),
    "rows": (lambda lib, s, v: lib.searchsorted(s, v), [ROW_BOUNDS, VALUES]),
    "rows_right": (lambda lib, s, v: lib.searchsorted(s, v, side="right"), [ROW_BOUNDS, VALUES]),
    "sorter": (lambda lib, s, v, o: lib.searchsorted(s, v, sorter=o), [UNSORTED, VALUES, SORTER]),
    "sorter_right": (
        lambda lib, s, v, o: lib.searchsorted(s, v, right=True, sorter=o),
        [UNSORTED, VALUES, SORTER],
    ),
    "rows_sorter": (
        lambda lib, s, v, o: lib.searchsorted(s, v, sorter=o),
        [ROW_BOUNDS[:, ::-1].copy(), VALUES, np.array([[2, 1, 0], [2, 1, 0]])],
    ),
    "nan": (
        lambda lib, s, v: lib.searchsorted(s, v),
        [np.array([1.0, 2.0, nan, nan]), np.array([nan, 2.0, 3.0, 0.0])],
    ),
    "nan_right": (
        lambda lib, s, v: lib.searchsorted(s, v, right=True),
        [np.array([1.0, nan, nan]), np.array([nan, 1.0, 5.0])],
    ),
    "int_bounds_float_values": (lambda lib, s, v: lib.searchsorted(s, v), [INTS[1], VALUES]),
    "float32_precision": (lambda lib, s, v: lib.searchsorted(s, v, right=True), [BOUNDS / 10, 0.1]),
    "uint8_wraps_scalar": (
        lambda lib, s, v: lib.searchsorted(s, v),
        [np.array([1, 200], np.uint8), -1],
    ),
    "empty_bounds": (lambda lib, s, v: lib.searchsorted(s, v), [np.zeros(0), VALUES]),
    "empty_values": (lambda lib, s, v: lib.searchsorted(s, v), [BOUNDS, np.zeros((2, 0))]),
    "bucketize": (lambda lib, v, b: lib.bucketize(v, b), [VALUES, BOUNDS]),
    "bucketize_right_int32": (
        lambda lib, v, b: lib.bucketize(v, b, right=True, out_int32=True),
        [VALUES, BOUNDS],
    ),
    "bucketize_keywords": (
        lambda lib, v, b: lib.bucketize(input=v, boundaries=b),
        [VALUES, BOUNDS],
    ),
    "bucketize_python_number": (lambda lib, v, b: lib.bucketize(v, b), [3, BOUNDS]),
    "bucketize_0d": (lambda lib, v, b: lib.bucketize(v, b, right=True), [np.array(3.0), BOUNDS]),
}


@pytest.mark.parametrize("name", sorted(SEARCH_CASES))
def test_search_matches_torch(name):
    fn, inputs = SEARCH_CASES[name]
    compare_with_torch(fn, *inputs)


# -- errors ------------------------------------------------------------------------------------

# (fn(lib, a), the float32 input's shape, exception type, message pattern). The same call
# must raise the same exception type in PyTorch.
ERRORS = [
    (lambda lib, a: a.topk(4), (3,), RuntimeError, r"topk: selected index k out of range"),
    (lambda lib, a: a.topk(-1), (3,), RuntimeError, r"selected index k out of range \(k = -1"),
    (lambda lib, a: a.topk(2), (), RuntimeError, r"selected index k out of range"),
    (lambda lib, a: a.topk(1.0), (3,), TypeError, r"topk\(\): argument 'k' \(position 2\) must"),
    (lambda lib, a: a.topk(True), (3,), TypeError, r"must be int, not bool"),
    (lambda lib, a: a.topk(1, 1), (3,), IndexError, r"topk: Dimension out of range \(expected "),
    (lambda lib, a: a.topk(1, None), (3,), TypeError, r"topk\(\): dim must be an int"),
    (lambda lib, a: a.kthvalue(0), (3,), RuntimeError, r"kthvalue\(\): selected number k out of"),
    (lambda lib, a: a.kthvalue(4), (2, 3), RuntimeError, r"k out of range for dimension 1"),
    (lambda lib, a: a.kthvalue(2), (), RuntimeError, r"k out of range for dimension 0"),
    (lambda lib, a: a.kthvalue(1.5), (3,), TypeError, r"kthvalue\(\): argument 'k'.*float"),
    (lambda lib, a: a.kthvalue(1, -3), (2, 3), IndexError, r"kthvalue: .*\[-2, 1\], but got -3"),
    (lambda lib, a: a.kthvalue(1), (0,), IndexError, r"kthvalue\(\): Expected reduction dim 0"),
    (lambda lib, a: a.sort(2), (2, 3), IndexError, r"sort: .*range of \[-2, 1\], but got 2\)"),
    (lambda lib, a: a.sort(1), (), IndexError, r"sort: .*range of \[-1, 0\], but got 1\)"),
    (lambda lib, a: a.argsort(-3), (2, 3), IndexError, r"argsort: Dimension out of range"),
    (lambda lib, a: a.median(2), (2, 3), IndexError, r"median: Dimension out of range"),
    (lambda lib, a: a.median((0,)), (2, 3), TypeError, r"median\(\): dim must be an int.*tuple"),
    (lambda lib, a: a.median(0), (0,), IndexError, r"median\(\): Expected reduction dim 0 to"),
    (lambda lib, a: a.nanmedian(-3), (2, 3), IndexError, r"nanmedian: Dimension out of range"),
    (lambda lib, a: a.nanmedian(1), (2, 0), IndexError, r"nanmedian\(\): Expected reduction dim 1"),
    (lambda lib, a: a.mode(2), (2, 3), IndexError, r"mode: Dimension out of range"),
    (lambda lib, a: a.mode(None), (2, 3), TypeError, r"mode\(\): dim must be an int"),
    (lambda lib, a: a.mode(1), (2, 0), IndexError, r"mode\(\): Expected reduction dim 1"),
    (lambda lib, a: a.unique(dim=2), (2, 3), IndexError, r"unique: Dimension out of range"),
    (lambda lib, a: a.unique(dim=0), (), IndexError, r"unique: Dimension specified as 0 but"),
    (lambda lib, a: a.unique(dim=0), (2, 0), RuntimeError, r"unique: There are 0 sized dim"),
    (lambda lib, a: a.unique_consecutive(dim=-3), (2, 3), IndexError, r"unique_consecutive: "),
    (lambda lib, a: a.unique_consecutive(dim=0), (2, 0), RuntimeError, r"0 sized dimensions"),
    (lambda lib, a: lib.searchsorted(a, a, side="middle"), (3,), RuntimeError, r"but got middle"),
    (
        lambda lib, a: lib.searchsorted(a, a, right=True, side="left"),
        (3,),
        RuntimeError,
        r"side and right can't be set to opposites",
    ),
    (lambda lib, a: lib.searchsorted(a, a), (), RuntimeError, r"should have positive dimension"),
    (lambda lib, a: lib.searchsorted(a, 1.0), (2, 3), RuntimeError, r"can be a scalar only when"),
    (lambda lib, a: lib.searchsorted(a, a[:1]), (2, 3), RuntimeError, r"first N-1 dimensions"),
    (lambda lib, a: lib.searchsorted(a, a, sorter=a), (3,), RuntimeError, r"sorter must be.*long"),
    (
        lambda lib, a: lib.searchsorted(a, a, sorter=lib.zeros(2, dtype=lib.int64)),
        (3,),
        RuntimeError,
        r"boundary and sorter must have the same size",
    ),
    (
        lambda lib, a: lib.searchsorted(a, a, sorter=lib.full((3,), 3, dtype=lib.int64)),
        (3,),
        RuntimeError,
        r"sorter index out of range",
    ),
    (lambda lib, a: lib.bucketize(a, a), (2, 3), RuntimeError, r"must be 1 dimension.*dim\(2\)"),
    (lambda lib, a: lib.bucketize(a, a[0, 0]), (2, 3), RuntimeError, r"dim\(0\)"),
]


@pytest.mark.parametrize("case", ERRORS, ids=lambda case: case[-1])
def test_errors(case):
    fn, shape, error, message = case
    with pytest.raises(error, match=message):
        fn(nr, nr.zeros(shape))
    if torch is not None:
        with pytest.raises(error):
            fn(torch, torch.zeros(shape))


def test_median_of_an_empty_integer_tensor_is_an_error():
    # PyTorch returns the smallest int64 here; neurarust refuses rather than invent a value.
    with pytest.raises(RuntimeError, match=r"median\(\): an empty int64 tensor has no median"):
        nr.median(nr.zeros(0, dtype=nr.int64))


@pytest.mark.parametrize("largest", [True, False])
@pytest.mark.parametrize("with_ties", [True, False])
def test_topk_picks_what_a_stable_sort_picks(largest, with_ties):
    """Both topk paths (partition with or without ties at the k-th value) against
    NumPy's stable argsort."""
    rng = np.random.default_rng(0)
    for _ in range(50):
        shape = (int(rng.integers(1, 4)), int(rng.integers(8, 40)))
        data = rng.integers(0, 5, shape) if with_ties else rng.standard_normal(shape)
        data = data.astype(np.float32)
        k = int(rng.integers(1, shape[1] // 4 + 1))
        indices = nr.topk(nr.tensor(data), k, largest=largest).indices.numpy()
        expected = np.argsort(-data if largest else data, axis=1, kind="stable")[:, :k]
        np.testing.assert_array_equal(indices, expected)
