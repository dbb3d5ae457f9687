"""Reductions, cumulative ops and softmax against PyTorch: values, dtypes, gradients, errors."""

import math
import warnings

import numpy as np
import pytest

import neurarust as nr

from ..conftest import check_gradients, compare_with_torch, torch

inf, nan = math.inf, math.nan

# name -> (fn(lib, *tensors), input shapes). Inputs are float32 non-contiguous views of
# tie-free random values; every case is also gradchecked in float64 (second order too).
CASES = {
    "sum_all": (lambda lib, a: a.sum(), [(2, 3)]),
    "sum_dim": (lambda lib, a: a.sum(1), [(2, 3, 2)]),
    "sum_neg_keepdim": (lambda lib, a: a.sum(-1, keepdim=True), [(2, 3, 2)]),
    "sum_tuple": (lambda lib, a: lib.sum(a, (0, 2)), [(2, 3, 2)]),
    "sum_list_keepdim": (lambda lib, a: lib.sum(a, dim=[0, -1], keepdim=True), [(2, 3, 2)]),
    "sum_empty_dims": (lambda lib, a: a.sum(()), [(2, 3)]),
    "sum_all_keepdim": (lambda lib, a: a.sum(None, True), [(2, 3)]),
    "sum_0d": (lambda lib, a: a.sum().sum(0), [(3,)]),
    "mean_all": (lambda lib, a: a.mean(), [(2, 3)]),
    "mean_dim": (lambda lib, a: lib.mean(a, 0), [(2, 3, 2)]),
    "mean_tuple_keepdim": (lambda lib, a: a.mean((1, 2), keepdim=True), [(2, 3, 2)]),
    "mean_dtype": (lambda lib, a: a.mean(1, dtype=lib.float64), [(2, 3)]),
    "prod_all": (lambda lib, a: a.prod(), [(2, 3)]),
    "prod_dim": (lambda lib, a: lib.prod(a, 1), [(2, 3, 2)]),
    "prod_keepdim": (lambda lib, a: a.prod(-1, keepdim=True), [(2, 3)]),
    "prod_dtype": (lambda lib, a: a.prod(0, dtype=lib.float64), [(3, 2)]),
    "max_all": (lambda lib, a: a.max(), [(2, 3)]),
    "max_dim": (lambda lib, a: a.max(1), [(2, 3, 2)]),
    "max_keepdim": (lambda lib, a: lib.max(a, dim=-1, keepdim=True), [(2, 3)]),
    "max_values": (lambda lib, a: a.max(0).values, [(3, 2)]),
    "max_binary": (lambda lib, a, b: lib.max(a, b), [(2, 3), (2, 3)]),
    "max_other_kw": (lambda lib, a, b: lib.max(a, other=b), [(2, 3), (3,)]),
    "min_all": (lambda lib, a: lib.min(a), [(2, 3)]),
    "min_dim": (lambda lib, a: a.min(0), [(3, 2, 2)]),
    "min_keepdim": (lambda lib, a: a.min(1, True), [(2, 3)]),
    "min_binary": (lambda lib, a, b: a.min(b), [(2, 3), (2, 1)]),
    "amax_all": (lambda lib, a: a.amax(), [(2, 3)]),
    "amax_dim": (lambda lib, a: lib.amax(a, 1), [(2, 3, 2)]),
    "amax_tuple_keepdim": (lambda lib, a: a.amax((0, 2), keepdim=True), [(2, 3, 2)]),
    "amin_all": (lambda lib, a: lib.amin(a), [(2, 3)]),
    "amin_list": (lambda lib, a: a.amin([-1, 0]), [(2, 3, 2)]),
    "var_all": (lambda lib, a: a.var(), [(2, 3)]),
    "var_dim": (lambda lib, a: lib.var(a, 1), [(2, 3, 2)]),
    "var_tuple_keepdim": (lambda lib, a: a.var((0, 2), keepdim=True), [(2, 3, 2)]),
    "var_correction_0": (lambda lib, a: a.var(0, correction=0), [(3, 2)]),
    "var_correction_2": (lambda lib, a: lib.var(a, dim=1, correction=2), [(2, 4)]),
    "var_unbiased_false": (lambda lib, a: a.var(1, unbiased=False, keepdim=True), [(2, 3)]),
    "var_legacy_bool": (lambda lib, a: a.var(False), [(2, 3)]),
    "std_all": (lambda lib, a: a.std(), [(2, 3)]),
    "std_dim": (lambda lib, a: lib.std(a, -1), [(2, 3, 2)]),
    "std_correction": (lambda lib, a: a.std((0, 1), correction=0.5, keepdim=True), [(2, 3)]),
    "std_unbiased_false": (lambda lib, a: a.std(0, False), [(3, 2)]),
    "var_mean": (lambda lib, a: lib.var_mean(a, 1), [(2, 3)]),
    "var_mean_correction": (lambda lib, a: lib.var_mean(a, (0, 1), correction=0), [(2, 3, 2)]),
    "std_mean": (lambda lib, a: lib.std_mean(a, dim=0, keepdim=True), [(3, 2)]),
    "std_mean_all": (lambda lib, a: lib.std_mean(a), [(2, 3)]),
    "norm_default": (lambda lib, a: a.norm(), [(2, 3)]),
    "norm_2_dim": (lambda lib, a: lib.norm(a, 2, 1), [(2, 3, 2)]),
    "norm_1": (lambda lib, a: a.norm(p=1, dim=0, keepdim=True), [(3, 2)]),
    "norm_inf": (lambda lib, a: a.norm(p=inf, dim=1), [(2, 3)]),
    "norm_neg_inf": (lambda lib, a: a.norm(p=-inf), [(2, 3)]),
    "norm_fro_dims": (lambda lib, a: a.norm(p="fro", dim=(0, 2)), [(2, 3, 2)]),
    "norm_fro_int": (lambda lib, a: lib.norm(a, "fro", 1, keepdim=True), [(2, 3)]),
    "norm_3": (lambda lib, a: a.norm(p=3, dim=-1), [(2, 3)]),
    "norm_half": (lambda lib, a: a.norm(p=0.5, dim=0), [(3, 2)]),
    "norm_neg_1": (lambda lib, a: a.norm(p=-1), [(2, 3)]),
    "norm_nuc": (lambda lib, a: a.norm(p="nuc"), [(3, 2)]),
    "norm_nuc_batched": (lambda lib, a: lib.norm(a, "nuc", dim=(0, 2), keepdim=True), [(3, 2, 2)]),
    "norm_0": (lambda lib, a: a.norm(p=0, dim=1), [(2, 3)]),
    "norm_dtype": (lambda lib, a: a.norm(dim=1, dtype=lib.float64), [(2, 3)]),
    "logsumexp_dim": (lambda lib, a: a.logsumexp(1), [(2, 3, 2)]),
    "logsumexp_tuple": (lambda lib, a: lib.logsumexp(a, (0, -1), keepdim=True), [(2, 3, 2)]),
    "logsumexp_0d": (lambda lib, a: a.sum().logsumexp(0), [(3,)]),
    "cumsum": (lambda lib, a: a.cumsum(1), [(2, 3, 2)]),
    "cumsum_neg": (lambda lib, a: lib.cumsum(a, dim=-1), [(2, 3)]),
    "cumsum_dtype": (lambda lib, a: a.cumsum(0, dtype=lib.float64), [(3, 2)]),
    "cumprod": (lambda lib, a: a.cumprod(0), [(3, 2)]),
    "cumprod_neg": (lambda lib, a: lib.cumprod(a, -1), [(2, 2, 3)]),
    "softmax": (lambda lib, a: a.softmax(1), [(2, 3, 2)]),
    "softmax_neg": (lambda lib, a: lib.softmax(a, -1), [(2, 3)]),
    "softmax_dtype": (lambda lib, a: lib.softmax(a, 0, dtype=lib.float64), [(3, 2)]),
    "log_softmax": (lambda lib, a: a.log_softmax(0), [(3, 2)]),
    "log_softmax_neg": (lambda lib, a: lib.log_softmax(a, dim=-1), [(2, 2, 3)]),
    "log_softmax_dtype": (lambda lib, a: a.log_softmax(1, dtype=lib.float64), [(2, 3)]),
    "sum_to_size": (lambda lib, a: a.sum_to_size(1, 3), [(2, 3)]),
    "sum_to_size_lead": (lambda lib, a: a.sum_to_size((3, 1)), [(2, 3, 2)]),
    "sum_to_size_same": (lambda lib, a: a.sum_to_size(2, 3), [(2, 3)]),
}

# Piecewise-linear or constant ops whose second derivative is zero almost everywhere are
# still gradgradchecked: it checks that their backward is itself differentiable.
NOT_TWICE = {"norm_0"}  # a count: its gradient is a constant zero with no graph


def _inputs(shapes, rng, dtype=np.float32):
    return [rng.standard_normal(s).astype(dtype) for s in shapes]


@pytest.mark.parametrize("name", sorted(CASES))
def test_matches_torch(name, rng):
    fn, shapes = CASES[name]
    compare_with_torch(fn, *_inputs(shapes, rng))


@pytest.mark.parametrize("name", sorted(CASES))
def test_gradcheck(name, rng):
    fn, shapes = CASES[name]
    second = name not in NOT_TWICE
    check_gradients(lambda *t: fn(nr, *t), *_inputs(shapes, rng, np.float64), second_order=second)


# -- dtypes: integers, bools and the dtype argument ----------------------------------------

# name -> (fn(lib, a), input array). No gradients: the outputs are integers or bools, or
# the inputs are.
INTEGER_CASES = {
    "sum_int32": (lambda lib, a: a.sum(), np.array([[1, -2], [3, 4]], np.int32)),
    "sum_bool_dim": (lambda lib, a: a.sum(0), np.array([[True, False], [True, True]])),
    "sum_uint8": (lambda lib, a: a.sum(1, keepdim=True), np.array([[200, 100]], np.uint8)),
    "sum_dtype_int32": (lambda lib, a: a.sum(dtype=lib.int32), np.array([1.5, 2.7], np.float32)),
    "sum_dtype_float": (lambda lib, a: a.sum(1, dtype=lib.float64), np.array([[1, 2]], np.int16)),
    "mean_int_dtype": (lambda lib, a: a.mean(dtype=lib.float32), np.array([1, 2, 4])),
    "prod_int32": (lambda lib, a: a.prod(), np.array([2, -3, 4], np.int32)),
    "prod_bool": (lambda lib, a: a.prod(0), np.array([[True, False], [True, True]])),
    "prod_dtype": (lambda lib, a: a.prod(dtype=lib.int32), np.array([2.5, 2.0], np.float32)),
    "cumsum_int32": (lambda lib, a: a.cumsum(0), np.array([1, 2, 3], np.int32)),
    "cumsum_bool": (lambda lib, a: a.cumsum(-1), np.array([[True, False, True]])),
    "cumsum_dtype": (lambda lib, a: a.cumsum(0, dtype=lib.int32), np.array([1, 2, 3])),
    "cumprod_uint8": (lambda lib, a: a.cumprod(0), np.array([1, 2, 3], np.uint8)),
    "cumprod_dtype": (lambda lib, a: a.cumprod(0, dtype=lib.float32), np.array([1, 2, 3])),
    "max_int": (lambda lib, a: a.max(), np.array([[1, 5], [7, 2]])),
    "max_int_dim": (lambda lib, a: a.max(1), np.array([[1, 5], [7, 2]], np.int32)),
    "min_uint8_dim": (lambda lib, a: a.min(0), np.array([[1, 5], [7, 2]], np.uint8)),
    "amax_bool": (lambda lib, a: a.amax(), np.array([True, False])),
    "amin_int": (lambda lib, a: a.amin(0), np.array([[1, 5], [7, 2]], np.int16)),
    "max_int_float": (lambda lib, a: lib.max(a, a.float() / 2), np.array([1, -2, 3])),
    "argmax_flat": (lambda lib, a: a.argmax(), np.array([[1, 5], [7, 2]])),
    "argmax_dim": (lambda lib, a: lib.argmax(a, 1), np.array([[1, 5], [7, 2]])),
    "argmax_keepdim": (lambda lib, a: a.argmax(0, keepdim=True), np.array([[1, 5], [7, 2]])),
    "argmax_flat_keepdim": (lambda lib, a: a.argmax(keepdim=True), np.array([[1, 5], [7, 2]])),
    "argmin_flat": (lambda lib, a: lib.argmin(a), np.array([[3, 5], [1, 2]], np.float32)),
    "argmin_dim": (lambda lib, a: a.argmin(-1), np.array([[3, 5], [1, 2]], np.int32)),
    "argmin_0d": (lambda lib, a: a.sum().argmin(0), np.array([1, 2])),
    "argmax_ties": (lambda lib, a: a.argmax(1), np.array([[3, 3, 1], [0, 2, 2]])),
    "all_flat": (lambda lib, a: a.all(), np.array([[1, 0], [2, 3]])),
    "all_dim": (lambda lib, a: lib.all(a, 1), np.array([[1, 0], [2, 3]])),
    "all_tuple_keepdim": (lambda lib, a: a.all((0, 1), keepdim=True), np.array([[1, 1], [2, 3]])),
    "all_no_dims": (lambda lib, a: a.all(()), np.array([[1, 0], [2, 3]])),
    "all_float": (lambda lib, a: a.all(0), np.array([[0.5, 0.0], [2.0, 3.0]], np.float32)),
    "all_uint8": (lambda lib, a: a.all(1), np.array([[1, 0], [2, 3]], np.uint8)),
    "all_empty": (lambda lib, a: a.all(), np.zeros((0, 2))),
    "any_flat": (lambda lib, a: lib.any(a), np.array([[0, 0], [0, 3]])),
    "any_dim_keepdim": (lambda lib, a: a.any(0, keepdim=True), np.array([[0, 0], [0, 3]])),
    "any_bool_list": (lambda lib, a: a.any([0, 1]), np.array([[False, False], [False, True]])),
    "any_uint8": (lambda lib, a: a.any(), np.array([0, 7], np.uint8)),
    "any_empty": (lambda lib, a: a.any(1), np.zeros((2, 0), np.float32)),
    "softmax_int_dtype": (lambda lib, a: a.softmax(0, dtype=lib.float64), np.array([1, 2, 3])),
    "logsumexp_int": (lambda lib, a: a.logsumexp(0), np.array([1, 2, 3])),
}


@pytest.mark.parametrize("name", sorted(INTEGER_CASES))
def test_integer_and_dtype_cases_match_torch(name):
    fn, array = INTEGER_CASES[name]
    compare_with_torch(fn, array, grad=False)


def test_max_with_dim_returns_named_tuple(rng):
    x = nr.tensor(rng.standard_normal((2, 3)))
    result = x.max(1)
    values, indices = result
    assert result.values is values and result.indices is indices
    assert isinstance(result, tuple) and len(result) == 2
    assert indices.dtype == nr.int64 and not indices.requires_grad
    assert repr(x.min(0)).startswith("min(values=")


def test_sum_of_dtype_keeps_gradient_flowing_to_float32_input(rng):
    compare_with_torch(lambda lib, a: a.sum(dtype=lib.float64) * 2, _inputs([(2, 3)], rng)[0])


# -- gradients with zeros, ties and special values ------------------------------------------

# name -> (fn(lib, a), float64 input). Values and gradients compared with torch.
SPECIAL_CASES = {
    "prod_one_zero": (lambda lib, a: a.prod(), [[2.0, 0.0, 3.0], [1.5, -1.0, 2.0]]),
    "prod_two_zeros": (lambda lib, a: a.prod(), [[2.0, 0.0, 3.0], [0.0, -1.0, 2.0]]),
    "prod_dim_zeros": (lambda lib, a: a.prod(1), [[2.0, 0.0, 3.0], [0.0, -1.0, 0.0]]),
    "prod_dim0_zeros": (lambda lib, a: a.prod(0, keepdim=True), [[2.0, 0.0], [0.0, 0.0]]),
    "prod_0d_zero": (lambda lib, a: a.sum().prod(), [0.0]),
    "cumprod_one_zero": (lambda lib, a: a.cumprod(0), [2.0, 0.0, 3.0, -1.5]),
    "cumprod_zeros": (lambda lib, a: a.cumprod(1), [[2.0, 0.0, 3.0, 0.0, 5.0], [0, 0, 1, 2, 3]]),
    "cumprod_leading_zero": (lambda lib, a: a.cumprod(0), [0.0, 2.0, 3.0]),
    "max_ties": (lambda lib, a: a.max(), [[3.0, 1.0], [3.0, 3.0]]),
    "min_ties": (lambda lib, a: a.min(), [[1.0, 2.0], [1.0, 3.0]]),
    "max_dim_ties": (lambda lib, a: a.max(1), [[3.0, 3.0, 1.0], [0.0, 2.0, 2.0]]),
    "min_dim_ties": (lambda lib, a: a.min(0), [[3.0, 3.0], [3.0, 2.0]]),
    "amax_ties": (lambda lib, a: a.amax(1), [[3.0, 3.0, 1.0], [0.0, 2.0, 2.0]]),
    "amin_ties_all": (lambda lib, a: a.amin(), [[1.0, 1.0, 2.0], [1.0, 2.0, 2.0]]),
    "max_nan": (lambda lib, a: a.max(), [1.0, nan, 2.0]),
    "max_dim_nan": (lambda lib, a: a.max(0), [1.0, nan, 2.0]),
    "argmin_nan": (lambda lib, a: a.argmin(), [1.0, nan, -2.0]),
    "norm_inf_ties": (lambda lib, a: a.norm(p=inf), [3.0, -3.0, 1.0]),
    "norm_neg_inf_ties": (lambda lib, a: a.norm(p=-inf), [1.0, -1.0, 3.0]),
    "norm_2_zero_vector": (lambda lib, a: a.norm(dim=1), [[0.0, 0.0], [3.0, 4.0]]),
    "norm_3_zero_vector": (lambda lib, a: a.norm(p=3), [0.0, 0.0]),
    "norm_half_zeros": (lambda lib, a: a.norm(p=0.5, dim=1), [[0.0, 0.0], [0.0, 4.0]]),
    "norm_neg_1_zero": (lambda lib, a: a.norm(p=-1), [0.0, 1.0]),
    "norm_1_zero": (lambda lib, a: a.norm(p=1), [0.0, -2.0]),
    "std_constant": (lambda lib, a: a.std(1), [[1.0, 1.0], [1.0, 2.0]]),
    "var_one_element": (lambda lib, a: a.var(), [1.5]),
    "var_big_correction": (lambda lib, a: a.var(1, correction=3), [[1.0, 2.0], [3.0, 5.0]]),
    "std_big_correction": (lambda lib, a: a.std(1, correction=5), [[1.0, 2.0], [3.0, 5.0]]),
    "std_one_element": (lambda lib, a: a.std(0, correction=1), [1.5]),
    "logsumexp_big": (lambda lib, a: a.logsumexp(0), [1000.0, 1000.0, -1000.0]),
    "logsumexp_neg_inf": (lambda lib, a: a.logsumexp(1), [[-inf, -inf], [-inf, 1.0]]),
    "logsumexp_inf": (lambda lib, a: a.logsumexp(0), [inf, 1.0]),
    "softmax_big": (lambda lib, a: a.softmax(0), [1000.0, 1001.0, -1000.0]),
    "log_softmax_big": (lambda lib, a: a.log_softmax(0), [1000.0, 1001.0, -1000.0]),
    "log_softmax_neg_inf": (lambda lib, a: a.log_softmax(0), [-inf, 1.0, 2.0]),
    "softmax_neg_inf": (lambda lib, a: a.softmax(-1), [[-inf, 0.0], [-inf, -inf]]),
}


@pytest.mark.filterwarnings("ignore:.*degrees of freedom is <= 0")
@pytest.mark.parametrize("name", sorted(SPECIAL_CASES))
def test_special_values_match_torch(name):
    fn, values = SPECIAL_CASES[name]
    compare_with_torch(fn, np.array(values, np.float64), contiguous=True)


# Inputs with zeros where double backward is exact (the value being a polynomial in
# them, finite differences are exact too).
ZERO_GRADCHECKS = {
    "prod_one_zero": (lambda a: a.prod(), [2.0, 0.0, 3.0]),
    "prod_two_zeros": (lambda a: a.prod(), [2.0, 0.0, 3.0, 0.0]),
    "prod_dim_zeros": (lambda a: a.prod(1), [[2.0, 0.0, 3.0], [0.0, 1.5, 0.0]]),
    "cumprod_one_zero": (lambda a: a.cumprod(1), [[2.0, 0.0, 3.0, -1.5], [1.0, 2.0, 0.5, 0.0]]),
}


@pytest.mark.parametrize("name", sorted(ZERO_GRADCHECKS))
def test_gradcheck_with_zeros(name):
    fn, values = ZERO_GRADCHECKS[name]
    check_gradients(fn, np.array(values), second_order=True)


def test_cumprod_gradient_with_several_zeros_is_exact():
    check_gradients(lambda a: a.cumprod(0), np.array([2.0, 0.0, 3.0, 0.0, 5.0]))


@pytest.mark.parametrize("op", ["var", "std", "var_mean", "std_mean"])
def test_warns_when_degrees_of_freedom_are_not_positive(op):
    with pytest.warns(UserWarning, match=rf"^{op}\(\): degrees of freedom is <= 0"):
        with warnings.catch_warnings():  # pytest.warns would re-raise NumPy's 0/0 warning
            warnings.simplefilter("ignore", RuntimeWarning)
            getattr(nr, op)(nr.ones(2, 1), dim=1)


# -- empty tensors --------------------------------------------------------------------------

EMPTY_CASES = {
    "sum": (lambda lib, a: a.sum(), (0, 3)),
    "sum_dim": (lambda lib, a: a.sum(0), (0, 3)),
    "mean": (lambda lib, a: a.mean(), (0,)),
    "mean_dim": (lambda lib, a: a.mean(1), (2, 0)),
    "prod": (lambda lib, a: a.prod(), (0,)),
    "max_dim": (lambda lib, a: a.max(1), (0, 3)),
    "amax_dim": (lambda lib, a: a.amax(1), (0, 3)),
    "argmax_dim": (lambda lib, a: a.argmax(1), (0, 3)),
    "var_dim": (lambda lib, a: a.var(1), (0, 3)),
    "norm": (lambda lib, a: a.norm(), (0,)),
    "norm_inf_dim": (lambda lib, a: a.norm(p=inf, dim=1), (0, 3)),
    "logsumexp": (lambda lib, a: a.logsumexp(0), (0,)),
    "cumsum": (lambda lib, a: a.cumsum(0), (0, 2)),
    "cumprod": (lambda lib, a: a.cumprod(1), (2, 0)),
    "softmax": (lambda lib, a: a.softmax(0), (0, 2)),
}


@pytest.mark.filterwarnings("ignore:.*degrees of freedom is <= 0")
@pytest.mark.parametrize("name", sorted(EMPTY_CASES))
def test_empty_inputs_match_torch(name):
    fn, shape = EMPTY_CASES[name]
    compare_with_torch(fn, np.zeros(shape, np.float32), contiguous=True)


# -- errors ------------------------------------------------------------------------------

# (fn(lib, a), the float32 input's shape, exception type, message pattern). The same call
# must raise the same exception type in PyTorch.
ERRORS = [
    (lambda lib, a: a.sum(2), (2, 3), IndexError, r"sum.*Dimension out of range.*\[-2, 1\].*2"),
    (lambda lib, a: a.mean((0, -3)), (2, 3), IndexError, r"mean.*Dimension out of range"),
    (lambda lib, a: a.sum(1), (), IndexError, r"range of \[-1, 0\], but got 1"),
    (lambda lib, a: a.prod(-3), (2, 3), IndexError, r"prod.*Dimension out of range"),
    (lambda lib, a: a.max(2), (2, 3), IndexError, r"max.*Dimension out of range"),
    (lambda lib, a: a.amin(5), (2, 3), IndexError, r"amin.*Dimension out of range"),
    (lambda lib, a: a.argmax(2), (2, 3), IndexError, r"argmax.*Dimension out of range"),
    (lambda lib, a: a.var(3), (2, 3), IndexError, r"var.*Dimension out of range"),
    (lambda lib, a: a.norm(dim=2), (2, 3), IndexError, r"norm.*Dimension out of range"),
    (lambda lib, a: a.logsumexp(2), (2, 3), IndexError, r"logsumexp.*Dimension out of range"),
    (lambda lib, a: a.all(2), (2, 3), IndexError, r"all.*Dimension out of range"),
    (lambda lib, a: a.cumsum(2), (2, 3), IndexError, r"cumsum.*Dimension out of range"),
    (lambda lib, a: a.cumprod(-3), (2, 3), IndexError, r"cumprod.*Dimension out of range"),
    (lambda lib, a: a.softmax(2), (2, 3), IndexError, r"softmax.*Dimension out of range"),
    (lambda lib, a: a.log_softmax(-3), (2, 3), IndexError, r"log_softmax.*out of range"),
    (lambda lib, a: a.sum((0, -2)), (2, 3), RuntimeError, r"sum: dim 0 appears multiple times"),
    (lambda lib, a: a.amax([1, 1]), (2, 3), RuntimeError, r"amax: dim 1 appears multiple times"),
    (lambda lib, a: a.sum(1.0), (2, 3), TypeError, r"sum\(\): dim must be an int.*float"),
    (lambda lib, a: a.prod((0,)), (2, 3), TypeError, r"prod.*dim must be an int.*tuple"),
    (lambda lib, a: a.max((0, 1)), (2, 3), TypeError, r"max.*dim must be an int.*tuple"),
    (lambda lib, a: a.cumsum([0]), (2, 3), TypeError, r"cumsum.*dim must be an int.*list"),
    (lambda lib, a: a.long().mean(), (2,), RuntimeError, r"mean\(\).*Input dtype.*Got: Long"),
    (lambda lib, a: a.mean(dtype=lib.int32), (2,), RuntimeError, r"Optional dtype.*Got: Int"),
    (lambda lib, a: a.long().var(), (2,), RuntimeError, r"var\(\).*floating point.*int64"),
    (lambda lib, a: a.int().std(0), (2,), RuntimeError, r"std\(\).*floating point.*int32"),
    (lambda lib, a: a.long().norm(), (2,), RuntimeError, r"norm\(\).*floating point.*int64"),
    (lambda lib, a: a.long().softmax(0), (2,), NotImplementedError, r"softmax\(\).*int64"),
    (lambda lib, a: a.log_softmax(0, lib.int64), (2,), NotImplementedError, r"log_softmax"),
    (lambda lib, a: a.norm(p="abc"), (2, 2), RuntimeError, r"norm\(\).*'abc'"),
    (lambda lib, a: a.norm("fro", (0, 1, 2)), (2, 2, 2), RuntimeError, r"fro.*\(0, 1, 2\)"),
    (lambda lib, a: a.var(0, True, correction=1), (2,), TypeError, r"var.*unbiased.*correction"),
    (lambda lib, a: a.sum_to_size(2, 2), (2, 3), RuntimeError, r"sum_to_size.*\[2, 2\].*\[2, 3\]"),
    (lambda lib, a: a.sum_to_size(1, 2, 3), (2, 3), RuntimeError, r"not expandable"),
    (lambda lib, a: a.max(), (0, 2), RuntimeError, r"max\(\): Expected reduction dim to be spec"),
    (lambda lib, a: a.min(0), (0, 2), IndexError, r"min\(\): Expected reduction dim 0 to have"),
    (lambda lib, a: a.amax(), (0,), RuntimeError, r"amax\(\): Expected reduction dim to be"),
    (lambda lib, a: a.amin(0), (0, 2), IndexError, r"amin\(\): Expected reduction dim 0"),
    (lambda lib, a: a.argmax(), (0, 2), IndexError, r"argmax\(\): Expected reduction dim to"),
    (lambda lib, a: a.argmin(0), (0, 2), IndexError, r"argmin\(\): Expected reduction dim 0"),
    (lambda lib, a: a.norm(p=inf), (0,), RuntimeError, r"norm\(\): cannot compute the inf"),
    (lambda lib, a: a.norm(p=-inf, dim=0), (0, 2), RuntimeError, r"-inf norm over an empty"),
    (lambda lib, a: a.logsumexp(), (2,), TypeError, r"logsumexp\(\) missing"),
    (lambda lib, a: a.softmax(), (2,), TypeError, r"softmax\(\) missing"),
]


@pytest.mark.parametrize("case", ERRORS, ids=lambda case: case[-1])
def test_errors(case):
    fn, shape, error, message = case
    if error is None:  # a PyTorch feature neurarust does not have
        with pytest.raises(NotImplementedError, match=message):
            fn(nr, nr.zeros(shape))
        return
    with pytest.raises(error, match=message):
        fn(nr, nr.zeros(shape))
    if torch is not None:
        with pytest.raises(error):
            fn(torch, torch.zeros(shape))
