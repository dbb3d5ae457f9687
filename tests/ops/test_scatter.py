"""Gather/scatter ops against PyTorch: values, dtypes, gradients (float64 gradcheck, double
backward), duplicates, empty and 0-d tensors, in-place methods and error messages."""

from typing import Any, NamedTuple

import numpy as np
import pytest

import neurarust as nr
from neurarust.ops.scatter import one_hot

from ..conftest import check_gradients, compare_with_torch

try:
    import torch
except ImportError:
    torch = None

_rng = np.random.default_rng(0)


def F(*shape: int) -> np.ndarray:  # noqa: N802  (a short name keeps the tables readable)
    """Random float32 values (tie-free, nonzero)."""
    return _rng.standard_normal(shape).astype(np.float32)


def L(values: Any, dtype: Any = np.int64) -> np.ndarray:  # noqa: N802
    """An integer (or bool) array: indices and masks."""
    return np.array(values, dtype=dtype)


def ints(*shape: int) -> np.ndarray:
    """Random int64 values in [-5, 5]."""
    return _rng.integers(-5, 6, shape).astype(np.int64)


EMPTY = np.zeros((0,), dtype=np.int64)
MASK = L([[True, False, True, False], [False, False, True, True], [True] * 4], bool)
FALSE_MASK = np.zeros((3, 4), dtype=bool)


class Case(NamedTuple):
    """``fn(lib, *inputs)``; array inputs become (non-contiguous) tensors, floats needing grad.

    ``gradcheck`` is False where finite differences cannot agree with PyTorch's chosen
    gradient (repeated writes, ties); ``second_order`` False where double backward raises;
    ``torch_grad`` False where PyTorch's backward fails (a src larger than the index).
    """

    fn: Any
    inputs: list[Any]
    gradcheck: bool = True
    second_order: bool = True
    torch_grad: bool = True


# Groups of a scatter along dim 0 of a (2, 3) input: each position is reached 0-3 times.
GROUPS = L([[0, 1, 0], [1, 1, 0], [0, 1, 1], [0, 1, 0]])
# Zeros in src: position (0, 0) gets two zeros (src rows 0 and 2), (1, 1) one zero.
ZERO_SRC = np.array([[0, 1, 2], [3, 0, 4], [0, 5, 6], [7, 8, 9]], np.float32) / 4 + 0.5
ZERO_SRC[0, 0] = ZERO_SRC[2, 0] = ZERO_SRC[1, 1] = 0
ZERO_INPUT = np.array([[0.0, 1.5, -2.0], [1.25, 0.5, 0.0]], np.float32)
ONE_ZERO_SRC = ZERO_SRC.copy()
ONE_ZERO_SRC[2, 0] = 1.5
TIES = np.array([[1.0, 2.0, 3.0], [1.0, 2.0, -1.0]], np.float32)
TIED_SRC = np.array([[1, 2, 3], [2, 2, 3], [0, 2, -1], [1, 2, 3]], np.float32)
REDUCTIONS = ["sum", "prod", "mean", "amax", "amin"]


def _reduce_cases(label: str, reductions: list[str], inputs: list[Any], **flags: Any) -> dict:
    """scatter_reduce along dim 0 of ``inputs`` (input, index, src), with and without
    include_self, for each reduction."""

    def case(reduce: str, include_self: bool) -> Case:
        def fn(lib, x, i, s):
            return lib.scatter_reduce(x, 0, i, s, reduce, include_self=include_self)

        return Case(fn, inputs, **flags)

    return {
        f"scatter_reduce_{reduce}{label}_{'self' if include_self else 'noself'}": case(
            reduce, include_self
        )
        for reduce in reductions
        for include_self in (True, False)
    }


CASES = {
    # gather
    "gather_dim0": Case(lambda lib, x, i: lib.gather(x, 0, i), [F(3, 4), L([[0, 2, 2, 1]] * 2)]),
    "gather_dim1_small_index": Case(
        lambda lib, x, i: lib.gather(x, 1, i), [F(3, 4), L([[3, 0], [1, 1]])]
    ),
    "gather_negative_dim": Case(lambda lib, x, i: x.gather(-1, i), [F(2, 3), L([[2], [0]])]),
    "gather_int32_index": Case(
        lambda lib, x, i: lib.gather(x, 1, i), [F(2, 3), L([[2, 2]], np.int32)]
    ),
    "gather_3d_long_index": Case(
        lambda lib, x, i: lib.gather(x, 1, i), [F(2, 3, 2), L([[[0], [2], [2], [1]]] * 2)]
    ),
    "gather_0d": Case(lambda lib, x, i: lib.gather(x, 0, i), [F(), L(0)]),
    "gather_0d_input": Case(lambda lib, x, i: lib.gather(x, -1, i), [F(), L([0, 0])]),
    "gather_0d_index": Case(lambda lib, x, i: lib.gather(x, 0, i), [F(3), L(2)]),
    "gather_empty_index": Case(
        lambda lib, x, i: lib.gather(x, 1, i), [F(3, 4), np.zeros((0, 7), np.int64)]
    ),
    # take_along_dim
    "take_along_dim": Case(
        lambda lib, x, i: lib.take_along_dim(x, i, 1), [F(3, 4), L([[0, -1]] * 3)]
    ),
    "take_along_dim_broadcast_index": Case(
        lambda lib, x, i: x.take_along_dim(i, dim=1), [F(3, 4), L([[3, 3, 0]])]
    ),
    "take_along_dim_broadcast_input": Case(
        lambda lib, x, i: lib.take_along_dim(x, i, 1), [F(1, 4), L([[1], [3], [1]])]
    ),
    "take_along_dim_none": Case(
        lambda lib, x, i: lib.take_along_dim(x, i), [F(3, 4), L([[0, 11], [5, 5]])]
    ),
    "take_along_dim_argmax": Case(
        lambda lib, x: lib.take_along_dim(x, x.argmax(1, keepdim=True), 1), [F(3, 4)]
    ),
    "take_along_dim_0d": Case(lambda lib, x, i: lib.take_along_dim(x, i), [F(), L([0, 0])]),
    # take
    "take": Case(lambda lib, x, i: lib.take(x, i), [F(3, 4), L([[0, 11], [-1, 0], [-12, 5]])]),
    "take_0d_index": Case(lambda lib, x, i: x.take(i), [F(3, 4), L(-2)]),
    "take_empty": Case(lambda lib, x, i: lib.take(x, i), [F(0), EMPTY]),
    # scatter
    "scatter_src": Case(
        lambda lib, x, i, s: lib.scatter(x, 1, i, s),
        [F(3, 4), L([[0, 3], [2, 1]]), F(2, 3)],
        torch_grad=False,
    ),
    "scatter_src_3d": Case(
        lambda lib, x, i, s: x.scatter(0, i, s),
        [F(2, 2, 2), L([[[1, 0]], [[0, 1]]]), F(2, 1, 3)],
        torch_grad=False,
    ),
    # Repeated positions get equal values: which one PyTorch writes is unspecified.
    "scatter_repeated": Case(
        lambda lib, x, i, s: lib.scatter(x, 1, i, s),
        [F(2, 3), L([[0, 0], [2, 2]]), L([[1.5, 1.5], [-2, -2]], np.float32)],
        gradcheck=False,
    ),
    "scatter_value": Case(
        lambda lib, x, i: lib.scatter(x, 0, i, value=2.5), [F(3, 2), L([[2, 0]])]
    ),
    "scatter_value_positional": Case(
        lambda lib, x, i: lib.scatter(x, 0, i, -1), [F(3, 2), L([[2], [2]])]
    ),
    "scatter_0d": Case(lambda lib, x, i, s: lib.scatter(x, 0, i, s), [F(), L(0), F()]),
    "scatter_empty_index": Case(
        lambda lib, x, i, s: lib.scatter(x, 0, i, s),
        [F(3, 4), np.zeros((5, 0), np.int64), F(2, 0)],
        torch_grad=False,
    ),
    "scatter_int": Case(
        lambda lib, x, i, s: lib.scatter(x, 1, i, s), [ints(2, 3), L([[2, 0]]), ints(1, 2)]
    ),
    "scatter_uint8_wraps_value": Case(
        lambda lib, x, i: lib.scatter(x, 1, i, -1), [L([[1, 2]], np.uint8), L([[1]])]
    ),
    # scatter_add
    "scatter_add": Case(
        lambda lib, x, i, s: lib.scatter_add(x, 0, i, s),
        [F(3, 4), L([[0, 0, 2, 1], [0, 2, 2, 1]]), F(2, 4)],
    ),
    "scatter_add_src_larger": Case(
        lambda lib, x, i, s: x.scatter_add(1, i, s),
        [F(3, 4), L([[1, 1, 1], [0, 3, 0]]), F(3, 5)],
        torch_grad=False,
    ),
    "scatter_add_0d": Case(
        lambda lib, x, i, s: lib.scatter_add(x, 0, i, s), [F(), L([0, 0]), F(2)]
    ),
    "scatter_add_bool": Case(
        lambda lib, x, i, s: lib.scatter_add(x, 0, i, s),
        [L([True, False], bool), L([1, 1]), L([True, False], bool)],
    ),
    # scatter_reduce: tie-free random values, zeros in prod, ties in amax/amin, integers
    **_reduce_cases("", REDUCTIONS, [F(2, 3), GROUPS, F(4, 3)]),
    # Two zeros of src reach one position: its double backward raises, as PyTorch's.
    **_reduce_cases("_zeros", ["prod"], [ZERO_INPUT, GROUPS, ZERO_SRC], second_order=False),
    **_reduce_cases("_one_zero", ["prod"], [ZERO_INPUT, GROUPS, ONE_ZERO_SRC]),
    **_reduce_cases("_ties", ["amax", "amin"], [TIES, GROUPS, TIED_SRC], gradcheck=False),
    **_reduce_cases("_int", REDUCTIONS, [ints(2, 3), GROUPS, ints(4, 3)]),
    "scatter_reduce_dim1_src_larger": Case(
        lambda lib, x, i, s: x.scatter_reduce(1, i, s, "amin"),
        [F(2, 3), L([[0, 0], [2, 0]]), F(3, 3)],
        torch_grad=False,
    ),
    "scatter_reduce_0d": Case(
        lambda lib, x, i, s: lib.scatter_reduce(x, 0, i, s, "prod"), [F(), L(0), F()]
    ),
    "scatter_reduce_empty_index": Case(
        lambda lib, x, i, s: lib.scatter_reduce(x, 0, i, s, "mean"),
        [F(2, 3), np.zeros((0, 3), np.int64), F(0, 3)],
    ),
    # index_select
    "index_select": Case(lambda lib, x, i: lib.index_select(x, 1, i), [F(3, 4), L([3, 0, 3])]),
    "index_select_int32": Case(
        lambda lib, x, i: x.index_select(0, i), [F(3, 4), L([2, 2], np.int32)]
    ),
    "index_select_0d_index": Case(lambda lib, x, i: lib.index_select(x, 1, i), [F(3, 4), L(2)]),
    "index_select_0d_input": Case(lambda lib, x, i: lib.index_select(x, 0, i), [F(), L([0])]),
    "index_select_empty": Case(lambda lib, x, i: lib.index_select(x, 0, i), [F(3, 4), EMPTY]),
    # index_add
    "index_add": Case(
        lambda lib, x, i, s: lib.index_add(x, 1, i, s), [F(3, 4), L([0, 2, 0]), F(3, 3)]
    ),
    "index_add_alpha": Case(
        lambda lib, x, i, s: x.index_add(0, i, s, alpha=-1.5),
        [F(3, 2), L([2, 2], np.int32), F(2, 2)],
    ),
    "index_add_0d": Case(lambda lib, x, i, s: lib.index_add(x, 0, i, s), [F(), L([0]), F()]),
    "index_add_int_alpha": Case(
        lambda lib, x, i, s: lib.index_add(x, 0, i, s, alpha=3), [ints(3), L([1, 1]), ints(2)]
    ),
    # index_copy
    "index_copy": Case(
        lambda lib, x, i, s: lib.index_copy(x, 1, i, s), [F(2, 4), L([3, 0]), F(2, 2)]
    ),
    "index_copy_repeated": Case(
        lambda lib, x, i, s: lib.index_copy(x, 0, i, s),
        [F(3), L([1, 1]), L([2.5, 2.5], np.float32)],
        gradcheck=False,
    ),
    "index_copy_0d": Case(lambda lib, x, i, s: x.index_copy(0, i, s), [F(), L(0), F()]),
    # index_fill
    "index_fill": Case(lambda lib, x, i: lib.index_fill(x, 1, i, -2.0), [F(2, 4), L([0, -1, 0])]),
    "index_fill_tensor_value": Case(
        lambda lib, x, i, v: lib.index_fill(x, 1, i, v), [F(2, 4), L([0, 3, 0]), F()]
    ),
    "index_fill_double_value": Case(
        lambda lib, x, i, v: x.index_fill(0, i, v), [F(2, 2), L(1), F().astype(np.float64)]
    ),
    "index_fill_int_truncates": Case(
        lambda lib, x, i: lib.index_fill(x, 0, i, 2.7), [ints(3), L([1])]
    ),
    "index_fill_0d": Case(lambda lib, x, i: lib.index_fill(x, 0, i, 1.0), [F(), L([0])]),
    # masked_fill
    "masked_fill": Case(lambda lib, x, m: lib.masked_fill(x, m, 0.5), [F(3, 4), MASK]),
    "masked_fill_broadcast_mask": Case(lambda lib, x, m: x.masked_fill(m, 0.5), [F(3, 4), MASK[1]]),
    "masked_fill_broadcast_input": Case(lambda lib, x, m: lib.masked_fill(x, m, 0.5), [F(4), MASK]),
    "masked_fill_tensor_value": Case(
        lambda lib, x, m, v: lib.masked_fill(x, m, v), [F(3, 4), MASK, F()]
    ),
    "masked_fill_double_value": Case(
        lambda lib, x, m, v: lib.masked_fill(x, m, v), [F(3, 4), MASK, F().astype(np.float64)]
    ),
    "masked_fill_int_truncates": Case(
        lambda lib, x, m: lib.masked_fill(x, m, -2.5), [ints(3, 4), MASK]
    ),
    "masked_fill_0d": Case(lambda lib, x, m: lib.masked_fill(x, m, 1.0), [F(), L(True, bool)]),
    # masked_select
    "masked_select": Case(lambda lib, x, m: lib.masked_select(x, m), [F(3, 4), MASK]),
    "masked_select_broadcast": Case(lambda lib, x, m: x.masked_select(m), [F(1, 4), MASK]),
    "masked_select_none": Case(lambda lib, x, m: lib.masked_select(x, m), [F(3, 4), FALSE_MASK]),
    "masked_select_0d": Case(lambda lib, x, m: lib.masked_select(x, m), [F(), L(True, bool)]),
    # masked_scatter
    "masked_scatter": Case(
        lambda lib, x, m, s: lib.masked_scatter(x, m, s), [F(3, 4), MASK, F(3, 4)]
    ),
    "masked_scatter_broadcast": Case(
        lambda lib, x, m, s: x.masked_scatter(m, s), [F(4), MASK, F(2, 7)]
    ),
    "masked_scatter_0d": Case(
        lambda lib, x, m, s: lib.masked_scatter(x, m, s), [F(), L(True, bool), F(2)]
    ),
    # put
    "put": Case(lambda lib, x, i, s: lib.put(x, i, s), [F(3, 4), L([[0, -1], [5, 6]]), F(2, 2)]),
    "put_accumulate": Case(
        lambda lib, x, i, s: x.put(i, s, accumulate=True), [F(3, 4), L([0, -12, 5, 0]), F(4)]
    ),
    "put_repeated": Case(
        lambda lib, x, i, s: lib.put(x, i, s),
        [F(2, 2), L([1, -3]), L([4.0, 4.0], np.float32)],
        gradcheck=False,
    ),
    "put_0d": Case(lambda lib, x, i, s: lib.put(x, i, s, True), [F(), L([0, 0]), F(2)]),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_matches_torch(name):
    case = CASES[name]
    compare_with_torch(case.fn, *case.inputs, grad=case.torch_grad)


GRADCHECKED = sorted(
    name
    for name, case in CASES.items()
    if case.gradcheck
    and any(isinstance(a, np.ndarray) and a.dtype.kind == "f" for a in case.inputs)
)


@pytest.mark.parametrize("name", GRADCHECKED)
def test_gradients(name):
    case = CASES[name]
    inputs = [a if a.dtype.kind == "f" else nr.tensor(a) for a in case.inputs]
    check_gradients(lambda *t: case.fn(nr, *t), *inputs, second_order=case.second_order)


@pytest.mark.parametrize(
    "fn",
    [
        lambda x: nr.gather(x, 0, nr.tensor([1, 1, 1, 0])),
        lambda x: nr.index_select(x, 0, nr.tensor([1, 1, 1, 0])),
        lambda x: nr.take(x, nr.tensor([1, -2, 1, 0])),
        lambda x: nr.take_along_dim(x, nr.tensor([1, -2, 1, 0]), 0),
    ],
)
def test_repeated_indices_add_up_gradients(fn):
    x = nr.zeros(3, requires_grad=True)
    fn(x).sum().backward()
    assert x.grad.tolist() == [1.0, 3.0, 0.0]


# -- in-place methods ------------------------------------------------------------------

ROWS = L([[0, 3], [2, 1]])
INPLACE = {
    "scatter_": lambda lib, x, s: (x * 1).scatter_(1, lib.tensor(ROWS), s[:2, :2]),
    "scatter_value": lambda lib, x, s: (x * 1).scatter_(1, lib.tensor(ROWS), -1.5),
    "scatter_add_": lambda lib, x, s: (x * 1).scatter_add_(1, lib.tensor(ROWS), s[:2, :2]),
    "scatter_reduce_": lambda lib, x, s: (x * 1).scatter_reduce_(
        1, lib.tensor(ROWS), s[:2, :2], "amin", include_self=False
    ),
    "index_add_": lambda lib, x, s: (x * 1).index_add_(1, lib.tensor([3, 3]), s[:3, :2], alpha=2),
    "index_copy_": lambda lib, x, s: (x * 1).index_copy_(0, lib.tensor([2, 0]), s[:2]),
    "index_fill_": lambda lib, x, s: (x * 1).index_fill_(1, lib.tensor([1]), s[0, 0]),
    "masked_fill_": lambda lib, x, s: (x * 1).masked_fill_(lib.tensor(MASK), s[1, 1]),
    "masked_scatter_": lambda lib, x, s: (x * 1).masked_scatter_(lib.tensor(MASK), s),
    "put_": lambda lib, x, s: (x * 1).put_(lib.tensor([0, -1, 0]), s[0, :3], accumulate=True),
}


@pytest.mark.parametrize("name", sorted(INPLACE))
def test_inplace_methods_match_torch(name):
    compare_with_torch(INPLACE[name], F(3, 4), F(3, 4))


def test_inplace_method_writes_into_self():
    x = nr.zeros(3)
    version = x._version[0]
    assert x.index_fill_(0, nr.tensor([1]), 2.0) is x
    assert x.tolist() == [0.0, 2.0, 0.0] and x._version[0] == version + 1


# -- scatter with reduce, double backward, finding and counting ------------------------


@pytest.mark.parametrize("reduce", ["add", "multiply"])
def test_scatter_reduce_argument_matches_torch(reduce):
    fn = lambda lib, x, s: lib.scatter(x, 0, lib.tensor(GROUPS), s, reduce=reduce)  # noqa: E731
    with pytest.warns(UserWarning, match=r"reduce argument of (torch\.)?scatter"):
        compare_with_torch(fn, F(2, 3), F(4, 3), grad=False)  # torch has no gradient here
    by_value = lambda lib, x: lib.scatter(x, 0, lib.tensor(GROUPS), 1.5, reduce=reduce)  # noqa: E731
    compare_with_torch(by_value, F(2, 3), grad=False)


@pytest.mark.filterwarnings("ignore:The reduce argument of scatter")
@pytest.mark.parametrize("reduce", ["add", "multiply"])
def test_scatter_reduce_argument_gradients(reduce):
    index = nr.tensor(GROUPS)
    fn = lambda x, s: nr.scatter(x, 0, index, s, reduce=reduce)  # noqa: E731
    check_gradients(fn, F(2, 3), F(4, 3), second_order=True)


def test_prod_double_backward_of_two_zeros_in_one_position_raises():
    x = nr.tensor(ZERO_INPUT, dtype=nr.float64, requires_grad=True)
    src = nr.tensor(ZERO_SRC, dtype=nr.float64, requires_grad=True)
    out = nr.scatter_reduce(x, 0, nr.tensor(GROUPS), src, "prod")
    (grad_src,) = nr.autograd.grad(out.sum(), src, create_graph=True)
    with pytest.raises(RuntimeError, match="Double backward is unsupported for src"):
        grad_src.sum().backward()


WITH_ZEROS = np.array([[0.0, 1.5, 0.0], [np.nan, 0.0, -2.0]], np.float32)
FINDING = {
    "nonzero": (lambda lib, x: lib.nonzero(x), [WITH_ZEROS]),
    "nonzero_as_tuple": (lambda lib, x: x.nonzero(as_tuple=True), [WITH_ZEROS]),
    "nonzero_int": (lambda lib, x: lib.nonzero(x), [ints(2, 3, 2)]),
    "nonzero_bool": (lambda lib, x: lib.nonzero(x), [MASK]),
    "nonzero_0d": (lambda lib, x: lib.nonzero(x), [L(3)]),
    "nonzero_0d_as_tuple": (lambda lib, x: lib.nonzero(x, as_tuple=True), [L(3)]),
    "nonzero_0d_zero_as_tuple": (lambda lib, x: lib.nonzero(x, as_tuple=True), [L(0)]),
    "nonzero_empty": (lambda lib, x: lib.nonzero(x), [np.zeros((0, 3), np.float32)]),
    "argwhere": (lambda lib, x: lib.argwhere(x), [WITH_ZEROS]),
    "argwhere_0d_zero": (lambda lib, x: x.argwhere(), [L(0.0, np.float32)]),
    "bincount": (lambda lib, x: lib.bincount(x), [L([0, 3, 3, 1])]),
    "bincount_minlength": (lambda lib, x: x.bincount(minlength=6), [L([0, 3], np.int32)]),
    "bincount_uint8": (lambda lib, x: lib.bincount(x), [L([2, 2], np.uint8)]),
    "bincount_empty": (lambda lib, x: lib.bincount(x), [EMPTY]),
    "bincount_empty_minlength": (lambda lib, x: lib.bincount(x, minlength=2), [EMPTY]),
    "bincount_weights": (lambda lib, x, w: lib.bincount(x, w), [L([0, 3, 3]), F(3)]),
    "bincount_double_weights": (
        lambda lib, x, w: lib.bincount(x, w, 5),
        [L([0, 3, 3]), F(3).astype(np.float64)],
    ),
    "bincount_int_weights": (lambda lib, x, w: lib.bincount(x, w), [L([0, 3, 3]), ints(3)]),
    "bincount_half_weights": (
        lambda lib, x, w: lib.bincount(x, w),
        [L([1, 1]), F(2).astype(np.float16)],
    ),
}


@pytest.mark.parametrize("name", sorted(FINDING))
def test_finding_and_counting_match_torch(name):
    fn, inputs = FINDING[name]
    compare_with_torch(fn, *inputs, grad=False)  # torch has no bincount gradient


def test_bincount_weights_gradients():
    check_gradients(lambda w: nr.bincount(nr.tensor([0, 3, 3, 1]), w), F(4), second_order=True)


@pytest.mark.parametrize(
    ("values", "num_classes"),
    [([0, 3, 1], -1), ([0, 3, 1], 5), ([[0, 2], [1, 1]], -1), (2, -1), ([], 3)],
)
def test_one_hot_matches_torch(values, num_classes):
    if torch is None:
        pytest.skip("PyTorch is not installed (it is the test oracle)")
    ours = one_hot(nr.tensor(values, dtype=nr.int64), num_classes)
    theirs = torch.nn.functional.one_hot(torch.tensor(values, dtype=torch.int64), num_classes)
    assert ours.dtype is nr.int64
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


@pytest.mark.parametrize(
    ("values", "dtype", "num_classes", "match"),
    [
        ([0, 3], "int64", 3, r"Class values must be smaller than num_classes \(3\), got 3"),
        ([0, -1], "int64", -1, "Class values must be non-negative"),
        ([], "int64", -1, "Can not infer total number of classes from empty tensor"),
        ([0, 1], "int32", -1, "only applicable to index tensors of dtype int64, got int32"),
    ],
)
def test_one_hot_errors(values, dtype, num_classes, match):
    with pytest.raises(RuntimeError, match=r"one_hot\(\): " + match):
        one_hot(nr.tensor(values, dtype=getattr(nr, dtype)), num_classes)
    if torch is not None:
        with pytest.raises(RuntimeError):
            torch.nn.functional.one_hot(
                torch.tensor(values, dtype=getattr(torch, dtype)), num_classes
            )


# -- errors ------------------------------------------------------------------------------


class Error(NamedTuple):
    """``fn(lib)`` raises ``type`` with a message matching ``match``; so does PyTorch
    (the type only) unless ``torch_differs`` names what it does instead."""

    fn: Any
    type: type
    match: str
    torch_differs: str = ""


def _x(lib: Any) -> Any:
    return lib.zeros(3, 4)


def _i(lib: Any, values: Any, dtype: str = "int64") -> Any:
    return lib.tensor(values, dtype=getattr(lib, dtype))


BOOL_MASK = MASK.tolist()
ERRORS = {
    "gather_out_of_bounds": Error(
        lambda lib: lib.gather(_x(lib), 1, _i(lib, [[5]])),
        RuntimeError,
        r"gather\(\): index 5 is out of bounds for dimension 1 with size 4",
    ),
    "gather_negative_index": Error(
        lambda lib: lib.gather(_x(lib), 1, _i(lib, [[-1]])),
        RuntimeError,
        "index -1 is out of bounds",
    ),
    "gather_float_index": Error(
        lambda lib: lib.gather(_x(lib), 1, lib.zeros(1, 1)),
        RuntimeError,
        r"gather\(\): Expected dtype int32/int64 for index, but got float32",
    ),
    "gather_index_ndim": Error(
        lambda lib: lib.gather(_x(lib), 1, _i(lib, [0])),
        RuntimeError,
        "Index tensor must have the same number of dimensions as input tensor",
    ),
    "gather_index_too_large": Error(
        lambda lib: lib.gather(_x(lib), 1, _i(lib, [[0]] * 4)),
        RuntimeError,
        r"Expected index \[4, 1\] to be no larger than input \[3, 4\] apart from dimension 1",
    ),
    "gather_dim_out_of_range": Error(
        lambda lib: lib.gather(_x(lib), 2, _i(lib, [[0]])),
        IndexError,
        r"gather: Dimension out of range",
    ),
    "gather_index_not_tensor": Error(
        lambda lib: lib.gather(_x(lib), 1, [[0]]), TypeError, "argument 'index' must be Tensor"
    ),
    "gather_empty_input": Error(
        lambda lib: lib.gather(lib.zeros(3, 0), 1, _i(lib, [[0]])),
        RuntimeError,
        "index 0 is out of bounds for dimension 1 with size 0",
    ),
    "scatter_src_dtype": Error(
        lambda lib: lib.scatter(_x(lib), 1, _i(lib, [[0]]), lib.ones(1, 1, dtype=lib.float64)),
        RuntimeError,
        r"scatter\(\): Expected src to have the dtype of input \(float32\), got float64",
    ),
    "scatter_src_too_small": Error(
        lambda lib: lib.scatter(_x(lib), 1, _i(lib, [[0, 1]] * 2), lib.ones(1, 2)),
        RuntimeError,
        r"apart from dimension 1 and to be no larger than src \[1, 2\]",
    ),
    "scatter_out_of_bounds": Error(
        lambda lib: lib.scatter(_x(lib), 1, _i(lib, [[4]]), 1.0),
        RuntimeError,
        r"scatter\(\): index 4 is out of bounds for dimension 1 with size 4",
    ),
    "scatter_no_values": Error(
        lambda lib: lib.scatter(_x(lib), 1, _i(lib, [[0]])), TypeError, "pass src or value"
    ),
    "scatter_src_and_value": Error(
        lambda lib: lib.scatter(_x(lib), 1, _i(lib, [[0]]), src=lib.ones(1, 1), value=1.0),
        TypeError,
        "got both src and value",
    ),
    "scatter_unknown_reduce": Error(
        lambda lib: lib.scatter(_x(lib), 1, _i(lib, [[0]]), 2.0, reduce="max"),
        RuntimeError,
        "reduce argument must be either add or multiply, got max",
    ),
    "scatter_add_int16_index": Error(
        lambda lib: lib.scatter_add(_x(lib), 1, _i(lib, [[0]], "int16"), lib.ones(1, 1)),
        RuntimeError,
        r"scatter_add\(\): Expected dtype int32/int64 for index, but got int16",
    ),
    "scatter_add_src_ndim": Error(
        lambda lib: lib.scatter_add(_x(lib), 1, _i(lib, [[0]]), lib.ones(1, 1, 1)),
        RuntimeError,
        "Index tensor must have the same number of dimensions as src tensor",
    ),
    "scatter_reduce_unknown_reduce": Error(
        lambda lib: lib.scatter_reduce(_x(lib), 1, _i(lib, [[0]]), lib.ones(1, 1), "add"),
        RuntimeError,
        "reduce argument must be either sum, prod, mean, amax or amin, got add",
    ),
    "scatter_reduce_out_of_bounds": Error(
        lambda lib: lib.scatter_reduce(_x(lib), 0, _i(lib, [[3]]), lib.ones(1, 1), "amax"),
        RuntimeError,
        r"scatter_reduce\(\): index 3 is out of bounds for dimension 0 with size 3",
    ),
    "scatter_reduce_mean_of_bools": Error(
        lambda lib: lib.scatter_reduce(
            _i(lib, [True], "bool"), 0, _i(lib, [0]), _i(lib, [True], "bool"), "mean"
        ),
        NotImplementedError,
        "'mean' is not implemented for bool",
    ),
    "index_select_out_of_bounds": Error(
        lambda lib: lib.index_select(_x(lib), 1, _i(lib, [0, 4])),
        RuntimeError,
        r"index_select\(\): index 4 is out of bounds for dimension 1 with size 4",
    ),
    "index_select_negative": Error(
        lambda lib: lib.index_select(_x(lib), 1, _i(lib, [-1])),
        RuntimeError,
        "index -1 is out of bounds",
    ),
    "index_select_matrix_index": Error(
        lambda lib: lib.index_select(_x(lib), 1, _i(lib, [[0]])),
        IndexError,
        r"index_select\(\): Index is supposed to be a vector",
    ),
    "index_select_int16_index": Error(
        lambda lib: lib.index_select(_x(lib), 1, _i(lib, [0], "int16")),
        RuntimeError,
        "Expected dtype int32/int64 for index",
    ),
    "index_select_scalar_many": Error(
        lambda lib: lib.index_select(lib.tensor(1.0), 0, _i(lib, [0, 0])),
        RuntimeError,
        "Index to scalar can have only 1 value, got 2 value",
    ),
    "index_add_source_dtype": Error(
        lambda lib: lib.index_add(_x(lib), 1, _i(lib, [0]), lib.ones(3, 1, dtype=lib.float64)),
        RuntimeError,
        r"index_add\(\): Expected source to have the dtype of input \(float32\), got float64",
    ),
    "index_add_source_shape": Error(
        lambda lib: lib.index_add(_x(lib), 1, _i(lib, [0, 0]), lib.ones(2, 2)),
        RuntimeError,
        r"index_add\(\): Expected source of shape \[3, 2\] .* got \[2, 2\]",
    ),
    "index_add_index_count": Error(
        lambda lib: lib.index_add(_x(lib), 1, _i(lib, [0, 0]), lib.ones(3, 3)),
        RuntimeError,
        r"Expected source of shape \[3, 2\]",
    ),
    "index_add_float_alpha_for_ints": Error(
        lambda lib: lib.index_add(
            lib.zeros(3, dtype=lib.int64), 0, _i(lib, [0]), _i(lib, [1]), alpha=1.5
        ),
        RuntimeError,
        "For integral input tensors, argument alpha must not be a floating point number",
        torch_differs="truncates alpha",
    ),
    "index_copy_int32_index": Error(
        lambda lib: lib.index_copy(_x(lib), 1, _i(lib, [0], "int32"), lib.ones(3, 1)),
        RuntimeError,
        r"index_copy\(\): Expected dtype int64 for index, but got int32",
    ),
    "index_copy_out_of_bounds": Error(
        lambda lib: lib.index_copy(_x(lib), 1, _i(lib, [4]), lib.ones(3, 1)),
        IndexError,
        r"index_copy\(\): index 4 is out of bounds for dimension 1 with size 4",
    ),
    "index_fill_out_of_bounds": Error(
        lambda lib: lib.index_fill(_x(lib), 1, _i(lib, [-5]), 1.0),
        IndexError,
        r"index_fill\(\): index -5 is out of bounds for dimension 1 with size 4",
    ),
    "index_fill_vector_value": Error(
        lambda lib: lib.index_fill(_x(lib), 1, _i(lib, [0]), lib.ones(1)),
        RuntimeError,
        r"index_fill\(\) only supports a 0-dimensional value tensor, but got tensor with 1",
    ),
    "masked_fill_byte_mask": Error(
        lambda lib: lib.masked_fill(_x(lib), _i(lib, BOOL_MASK, "uint8"), 1.0),
        RuntimeError,
        r"masked_fill\(\): Expected a bool mask, got a mask of dtype uint8",
    ),
    "masked_fill_shapes": Error(
        lambda lib: lib.masked_fill(_x(lib), _i(lib, [True] * 3, "bool"), 1.0),
        RuntimeError,
        r"size of tensor a \(3\) must match the size of tensor b \(4\) at non-singleton dim",
    ),
    "masked_fill_vector_value": Error(
        lambda lib: lib.masked_fill(_x(lib), _i(lib, BOOL_MASK, "bool"), lib.ones(1)),
        RuntimeError,
        "only supports a 0-dimensional value tensor",
    ),
    "masked_fill_nan_into_ints": Error(
        lambda lib: lib.masked_fill(_i(lib, [1, 2]), _i(lib, [True, False], "bool"), float("nan")),
        RuntimeError,
        "cannot be converted to type int64 without overflow",
    ),
    "masked_fill_text_value": Error(
        lambda lib: lib.masked_fill(_x(lib), _i(lib, BOOL_MASK, "bool"), "a"),
        TypeError,
        "masked_fill",
    ),
    "masked_fill_inplace_broadcast": Error(
        lambda lib: lib.zeros(4).masked_fill_(_i(lib, BOOL_MASK, "bool"), 1.0),
        RuntimeError,
        r"output with shape \[4\] doesn't match the broadcast shape \[3, 4\]",
    ),
    "masked_select_int_mask": Error(
        lambda lib: lib.masked_select(_x(lib), _i(lib, BOOL_MASK)),
        RuntimeError,
        r"masked_select\(\): Expected a bool mask, got a mask of dtype int64",
    ),
    "masked_scatter_short_source": Error(
        lambda lib: lib.masked_scatter(_x(lib), _i(lib, BOOL_MASK, "bool"), lib.ones(5)),
        RuntimeError,
        r"Number of elements of source \(5\) < number of ones in mask \(8\)",
    ),
    "masked_scatter_source_dtype": Error(
        lambda lib: lib.masked_scatter(
            _x(lib), _i(lib, BOOL_MASK, "bool"), lib.ones(12, dtype=lib.float64)
        ),
        RuntimeError,
        "Expected source to have the dtype of input",
    ),
    "take_out_of_bounds": Error(
        lambda lib: lib.take(_x(lib), _i(lib, [12])),
        IndexError,
        r"take\(\): index 12 is out of bounds for a tensor of 12 elements",
    ),
    "take_negative_out_of_bounds": Error(
        lambda lib: lib.take(_x(lib), _i(lib, [-13])), IndexError, "index -13 is out of bounds"
    ),
    "take_from_empty": Error(
        lambda lib: lib.take(lib.zeros(0), _i(lib, [0])),
        IndexError,
        "index 0 is out of bounds for a tensor of 0 elements",
    ),
    "take_int32_index": Error(
        lambda lib: lib.take(_x(lib), _i(lib, [0], "int32")),
        RuntimeError,
        "Expected dtype int64 for index",
    ),
    "take_along_dim_int32_index": Error(
        lambda lib: lib.take_along_dim(_x(lib), _i(lib, [[0]], "int32"), 1),
        RuntimeError,
        r"take_along_dim\(\): Expected dtype int64 for index",
    ),
    "take_along_dim_ndim": Error(
        lambda lib: lib.take_along_dim(_x(lib), _i(lib, [0]), 1),
        RuntimeError,
        "should have the same number of dimensions, but got 2 dimensions for input, and 1",
    ),
    "take_along_dim_shapes": Error(
        lambda lib: lib.take_along_dim(_x(lib), _i(lib, [[0], [1]]), 1),
        RuntimeError,
        r"size of tensor a \(3\) must match the size of tensor b \(2\) at non-singleton dim",
    ),
    "take_along_dim_out_of_bounds": Error(
        lambda lib: lib.take_along_dim(_x(lib), _i(lib, [[4]]), 1),
        IndexError,
        r"take_along_dim\(\): index 4 is out of bounds for dimension 1 with size 4",
        torch_differs="wraps the index around",
    ),
    "take_along_dim_flat_negative": Error(
        lambda lib: lib.take_along_dim(_x(lib), _i(lib, [-1])),
        RuntimeError,
        "index -1 is out of bounds for dimension 0 with size 12",
    ),
    "take_along_dim_0d_input": Error(
        lambda lib: lib.take_along_dim(lib.tensor(1.0), _i(lib, 0), 0),
        IndexError,
        "Dimension specified as 0 but tensor has no dimensions",
    ),
    "put_count": Error(
        lambda lib: lib.put(_x(lib), _i(lib, [0, 1]), lib.ones(3)),
        IndexError,
        r"put\(\): Expected source and index to have the same number of elements",
    ),
    "put_source_dtype": Error(
        lambda lib: lib.put(_x(lib), _i(lib, [0]), lib.ones(1, dtype=lib.float64)),
        RuntimeError,
        "Expected source to have the dtype of input",
    ),
    "put_out_of_bounds": Error(
        lambda lib: lib.put(_x(lib), _i(lib, [-13]), lib.ones(1)),
        IndexError,
        r"put\(\): index -13 is out of bounds for a tensor of 12 elements",
    ),
    "bincount_float": Error(
        lambda lib: lib.bincount(lib.ones(2)),
        NotImplementedError,
        r"bincount\(\): not implemented for float32",
    ),
    "bincount_negative": Error(
        lambda lib: lib.bincount(_i(lib, [0, -1])),
        RuntimeError,
        "only supports 1-d non-negative integral inputs",
    ),
    "bincount_matrix": Error(
        lambda lib: lib.bincount(_i(lib, [[0]])),
        RuntimeError,
        "only supports 1-d non-negative integral inputs",
    ),
    "bincount_minlength": Error(
        lambda lib: lib.bincount(_i(lib, [0]), minlength=-1),
        RuntimeError,
        "minlength should be >= 0",
    ),
    "bincount_weights_length": Error(
        lambda lib: lib.bincount(_i(lib, [0, 1]), lib.ones(3)),
        RuntimeError,
        "weights should be 1-d and have the same length as input",
    ),
}


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_errors(name):
    error = ERRORS[name]
    with pytest.raises(error.type, match=error.match):
        error.fn(nr)
    if torch is not None and not error.torch_differs:
        with pytest.raises(error.type):
            error.fn(torch)


def test_out_of_bounds_is_both_index_and_runtime_error():
    for error in (IndexError, RuntimeError):
        with pytest.raises(error, match="index 3 is out of bounds for dimension 0 with size 3"):
            nr.gather(nr.zeros(3), 0, nr.tensor([3]))


def test_cupy_multiply_at_matches_numpy(monkeypatch):
    """The CuPy backend's scatter-multiply (rounds of distinct positions), run on NumPy."""
    from neurarust.backend import cupy_backend

    monkeypatch.setattr(cupy_backend, "cupy", np)
    target = _rng.integers(-3, 4, (3, 4)).astype(np.float64)
    indices = (L([0, 2, 0, 0, 1]), slice(None), None)
    values = _rng.integers(-3, 4, (5, 4, 1)).astype(np.float64)
    expected = target.copy()
    np.multiply.at(expected, indices, values)
    cupy_backend._multiply_at(target, indices, values)
    np.testing.assert_array_equal(target, expected)
