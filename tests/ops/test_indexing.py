"""Indexing against PyTorch: x[index] and x[index] = value, their gradients, views and errors."""

import numpy as np
import pytest

import neurarust as nr

from ..conftest import check_gradients, compare_with_torch

MASK_2D = np.array([[True, False, True, False], [False, False, True, True], [True] * 4])
MASK_ROWS = np.array([True, False, True])
ALL_FALSE = np.zeros(3, dtype=bool)

# name -> (fn(lib, x), shape of x). x is a non-contiguous view on the neurarust side.
GETITEM = {
    "int": (lambda lib, x: x[1], (2, 3, 4)),
    "negative_int": (lambda lib, x: x[-1, -2], (2, 3, 4)),
    "all_ints": (lambda lib, x: x[1, 2, 3], (2, 3, 4)),
    "slice": (lambda lib, x: x[:, 1:], (2, 3, 4)),
    "slice_steps": (lambda lib, x: x[:, ::2, 1::3], (2, 3, 4)),
    "slice_negative_bounds": (lambda lib, x: x[-1:, -3:-1, :-2], (2, 3, 4)),
    "slice_past_the_end": (lambda lib, x: x[:, 2:10], (2, 3, 4)),
    "slice_empty": (lambda lib, x: x[:, 2:1], (2, 3, 4)),
    "none": (lambda lib, x: x[None, :, None], (3, 4)),
    "ellipsis": (lambda lib, x: x[..., 1], (2, 3, 4)),
    "ellipsis_middle": (lambda lib, x: x[0, ..., 1:], (2, 3, 4)),
    "ellipsis_none": (lambda lib, x: x[..., None], (3, 4)),
    "zero_d_int_tensor": (lambda lib, x: x[lib.tensor(1)], (3, 4)),
    "mask_full": (lambda lib, x: x[lib.tensor(MASK_2D)], (3, 4)),
    "mask_rows": (lambda lib, x: x[lib.tensor(MASK_ROWS)], (3, 4)),
    "mask_after_slice": (lambda lib, x: x[:, lib.tensor(MASK_2D)], (2, 3, 4)),
    "mask_all_false": (lambda lib, x: x[lib.tensor(ALL_FALSE)], (3, 4)),
    "mask_uint8": (lambda lib, x: x[lib.tensor([1, 0, 1], dtype=lib.uint8)], (3, 4)),
    "bool_true": (lambda lib, x: x[True], (3, 4)),
    "bool_false": (lambda lib, x: x[False, 1], (3, 4)),
    "list": (lambda lib, x: x[[2, 0]], (3, 4)),
    "list_repeated": (lambda lib, x: x[[1, 1, 0, 1]], (3, 4)),
    "list_negative": (lambda lib, x: x[[-1, -3]], (3, 4)),
    "list_empty": (lambda lib, x: x[[]], (3, 4)),
    "list_of_bools": (lambda lib, x: x[[True, False, True]], (3, 4)),
    "int_tensor_2d": (lambda lib, x: x[lib.tensor([[0, 2], [1, 1]])], (3, 4)),
    "int32_tensor": (lambda lib, x: x[lib.tensor([2, 0], dtype=lib.int32)], (3, 4)),
    "two_lists": (lambda lib, x: x[[0, 2, 2], [3, 0, 3]], (3, 4)),
    "broadcast_lists": (lambda lib, x: x[[[0], [2]], [1, 3]], (3, 4)),
    "tuple_inside_index": (lambda lib, x: x[(0, 2), 1], (3, 4)),
    # Advanced indices next to each other stay in place; separated, they go first.
    "adjacent_arrays": (lambda lib, x: x[:, [0, 2], [1, 3]], (2, 3, 4)),
    "separated_arrays": (lambda lib, x: x[[0, 1], :, [1, 3]], (2, 3, 4)),
    "separated_by_none": (lambda lib, x: x[[0, 1], None, [1, 2]], (2, 3, 4)),
    "slice_then_array": (lambda lib, x: x[1:, [2, 0]], (2, 3, 4)),
    "array_then_slices": (lambda lib, x: x[[1, 0], 1:, ::2], (2, 3, 4)),
    # PyTorch applies ints first, so they never separate or join advanced indices.
    "int_slice_array": (lambda lib, x: x[0, :, [1, 3]], (2, 3, 4)),
    "array_slice_int": (lambda lib, x: x[[1], :, 2], (2, 3, 4)),
    "array_int_array": (lambda lib, x: x[[0, 1], 1, [1, 2]], (2, 3, 4)),
    "int_bool_slice_array": (lambda lib, x: x[0, True, :, [1, 2]], (2, 3, 4)),
    "int_mask": (lambda lib, x: x[1, lib.tensor(MASK_2D)], (2, 3, 4)),
}


def _input(shape, rng, dtype=np.float32):
    return rng.standard_normal(shape).astype(dtype)


@pytest.mark.parametrize("name", sorted(GETITEM))
@pytest.mark.filterwarnings("ignore:indexing with dtype torch.uint8")
def test_getitem_matches_torch(name, rng):
    fn, shape = GETITEM[name]
    compare_with_torch(fn, _input(shape, rng))


@pytest.mark.parametrize("name", sorted(GETITEM))
@pytest.mark.filterwarnings("ignore:indexing with dtype torch.uint8")
def test_getitem_integer_tensor_matches_torch(name, rng):
    fn, shape = GETITEM[name]
    compare_with_torch(fn, rng.integers(-9, 9, shape).astype(np.int16))


# gradgradcheck cannot yet perturb a zero-element gradient input (autograd/gradcheck.py).
EMPTY_RESULTS = {"bool_false", "list_empty", "mask_all_false", "slice_empty"}


@pytest.mark.parametrize("name", sorted(GETITEM))
def test_getitem_gradcheck(name, rng):
    fn, shape = GETITEM[name]
    second = name not in EMPTY_RESULTS
    check_gradients(lambda x: fn(nr, x), _input(shape, rng, np.float64), second_order=second)


def test_repeated_indices_accumulate_gradients():
    x = nr.zeros(3, requires_grad=True)
    x[[0, 2, 0, 0]].sum().backward()
    assert x.grad.tolist() == [3.0, 0.0, 1.0]


def test_sequence_holding_sequences_is_read_as_a_tuple():
    x = nr.arange(12).reshape(3, 4)
    with pytest.warns(UserWarning, match="non-tuple sequence for multidimensional indexing"):
        out = x[[[0, 2], [1, 3]]]
    assert out.tolist() == x[[0, 2], [1, 3]].tolist() == [1, 11]


# -- x[index] = value ---------------------------------------------------------------------


def _setitem(index):
    """fn(lib, x, value) writing value at index into a copy of x (gradients reach both)."""

    def fn(lib, x, value):
        out = x.clone()
        out[index(lib)] = value
        return out

    return fn


# name -> (index(lib), shape of x, value: a shape for a tensor value, or a Python number)
SETITEM = {
    "int": (lambda lib: 1, (3, 4), (4,)),
    "scalar": (lambda lib: (slice(None), 1), (3, 4), 2.5),
    "int_scalar_value": (lambda lib: 0, (3, 4), 7),
    "zero_d_value": (lambda lib: (0, slice(1, 3)), (3, 4), ()),
    "broadcast_row": (lambda lib: slice(0, 2), (3, 4), (4,)),
    "broadcast_column": (lambda lib: (Ellipsis, slice(1, None)), (3, 4), (3, 1)),
    "leading_ones": (lambda lib: 0, (3, 4), (1, 1, 4)),
    "none": (lambda lib: (None, 2), (3, 4), (1, 4)),
    "mask": (lambda lib: lib.tensor(MASK_2D), (3, 4), ()),
    "mask_values": (lambda lib: lib.tensor(MASK_ROWS), (3, 4), (2, 4)),
    "list": (lambda lib: [2, 0], (3, 4), (2, 4)),
    "repeated_list": (lambda lib: [1, 1], (3, 4), (4,)),
    "two_lists": (lambda lib: ([0, 2], [3, 1]), (3, 4), (2,)),
    "separated_arrays": (lambda lib: ([0, 1], slice(None), [1, 3]), (2, 3, 4), (2, 3)),
    "int_slice_array": (lambda lib: (0, slice(None), [1, 3]), (2, 3, 4), (3, 2)),
}


def _value(spec, rng):
    return spec if isinstance(spec, (int, float)) else _input(spec, rng)


@pytest.mark.parametrize("name", sorted(SETITEM))
def test_setitem_matches_torch(name, rng):
    index, shape, value = SETITEM[name]
    compare_with_torch(_setitem(index), _input(shape, rng), _value(value, rng))


# Writing twice to one place has no well-defined gradient (PyTorch's is the same as ours).
@pytest.mark.parametrize("name", sorted(set(SETITEM) - {"repeated_list"}))
def test_setitem_gradcheck(name, rng):
    index, shape, value = SETITEM[name]
    fn = _setitem(index)
    check_gradients(
        lambda x, v: fn(nr, x, v),
        _input(shape, rng, np.float64),
        _value(value, rng) if isinstance(value, (int, float)) else _input(value, rng, np.float64),
        second_order=True,
    )


@pytest.mark.parametrize(
    "dtype, value",
    [("int64", 2.7), ("int32", -1.5), ("bool", 1), ("float32", True), ("uint8", -1)],
)
def test_setitem_casts_values_to_the_tensor_dtype(dtype, value):
    def fn(lib, x):
        out = x.clone()
        out[1:] = value
        out[0] = lib.tensor([9.7, -2.2, 0.5])
        return out

    compare_with_torch(fn, np.zeros((3, 3), dtype=dtype))


@pytest.mark.parametrize("accumulate", [False, True])
def test_index_put_matches_torch(accumulate, rng):
    def fn(lib, x, v):
        return lib.index_put(x, (lib.tensor([0, 2, 0]),), v, accumulate=accumulate)

    compare_with_torch(fn, _input((3, 4), rng), _input((4,), rng))
    compare_with_torch(fn, np.arange(12).reshape(3, 4), np.arange(4) * 10)


@pytest.mark.parametrize("accumulate, rows", [(False, [2, 1, 0]), (True, [2, 1, 2])])
def test_index_put_gradcheck(accumulate, rows, rng):
    def fn(x, v):
        mask = nr.tensor(MASK_2D)
        return nr.index_put(x, (nr.tensor(rows), nr.tensor([0, 3, 0])), v, accumulate)[mask]

    check_gradients(fn, _input((3, 4), rng, np.float64), _input((3,), rng, np.float64))
    check_gradients(fn, _input((3, 4), rng, np.float64), _input((), rng, np.float64))


# -- views, writes and versions -----------------------------------------------------------

BASIC = [
    lambda x: x[1],
    lambda x: x[:, 1:],
    lambda x: x[..., None, ::2],
    lambda x: x[nr.tensor(0), -1],
]
ADVANCED = [
    lambda x: x[[1, 0]],
    lambda x: x[nr.tensor(MASK_2D[:2, :3])],
    lambda x: x[0, [1, 2]],
]


@pytest.mark.parametrize("index", BASIC)
def test_basic_indexing_returns_a_view(index):
    base = nr.arange(6.0).reshape(2, 3).clone()
    out = index(base)
    assert out._base is base and out._version is base._version
    assert np.shares_memory(out.numpy(), base.numpy())
    out.fill_(-1.0)
    assert (base.numpy() == -1).sum() == out.numel()


@pytest.mark.parametrize("index", ADVANCED)
def test_advanced_indexing_returns_a_copy(index):
    base = nr.arange(6.0).reshape(2, 3)
    out = index(base)
    assert out._base is None and not np.shares_memory(out.numpy(), base.numpy())


def test_setitem_through_views_changes_the_base():
    x = nr.zeros(2, 3)
    y = x.view(6)
    y[0] = 5
    x[1][[0, 2]] = nr.tensor([7.0, 8.0])
    x.t()[1:, 0] += 1
    assert x.tolist() == [[5.0, 1.0, 1.0], [7.0, 0.0, 8.0]]
    assert x._version is y._version and x._version[0] == 4  # += also writes back: 2 bumps


def test_setitem_bumps_the_version_seen_by_backward():
    a = nr.ones(3, requires_grad=True)
    b = a * 2
    c = b * b  # saves b
    b[0] = 5.0
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        c.sum().backward()


def test_setitem_into_a_tensor_without_grad_records_the_values_gradient():
    x = nr.zeros(3)
    v = nr.tensor(2.0, requires_grad=True)
    x[1:] = v
    assert x.requires_grad and x.grad_fn is not None
    (x * nr.tensor([1.0, 2.0, 3.0])).sum().backward()
    assert v.grad.item() == 5.0


# -- errors -------------------------------------------------------------------------------


def _on_fake_cuda(t):
    """A tensor labelled cuda (its data stays in NumPy): enough to reach device checks."""
    return nr.Tensor._make(t._data, nr.device("cuda"))


def _assign(index, value):
    def fn(x):
        x[index] = value

    return fn


ERRORS = [
    (lambda x: x[2], IndexError, "index 2 is out of bounds for dimension 0 with size 2"),
    (lambda x: x[0, -4], IndexError, "index -4 is out of bounds for dimension 1 with size 3"),
    (lambda x: x[[0, 5]], IndexError, "index 5 is out of bounds for dimension 0 with size 2"),
    (lambda x: x[:, nr.tensor([-4])], IndexError, "index -4 is out of bounds for dimension 1"),
    (lambda x: x[0, 0, 0], IndexError, "too many indices for tensor of dimension 2"),
    (lambda x: x.sum()[0], IndexError, "invalid index of a 0-dim tensor"),
    (lambda x: x.sum()[:], IndexError, r"slice\(\) cannot be applied to a 0-dim tensor"),
    (lambda x: x[::-1], ValueError, "step must be greater than zero"),
    (lambda x: x[:, ::0], ValueError, "slice step cannot be zero"),
    (lambda x: x[..., 0, ...], IndexError, "an index can only have a single ellipsis"),
    (lambda x: x[1.5], IndexError, r"only integers, slices .* are valid indices \(got float\)"),
    (lambda x: x[nr.tensor([1.0])], IndexError, "tensors used as indices must be long, int"),
    (
        lambda x: x[[0, 1], [0, 1, 2]],
        IndexError,
        r"shape mismatch: indexing tensors could not be broadcast together with shapes \[2\], "
        r"\[3\]",
    ),
    (
        lambda x: x[nr.tensor([True, False, True])],
        IndexError,
        r"The shape of the mask \[3\] at index 0 does not match the shape of the indexed tensor "
        r"\[2, 3\] at index 0",
    ),
    (lambda x: x[_on_fake_cuda(nr.tensor([0]))], RuntimeError, "index: .* cpu and cuda:0"),
    (
        _assign(0, nr.ones(2)),
        RuntimeError,
        r"index_put: shape mismatch: value tensor of shape \[2\] cannot be broadcast to indexing "
        r"result of shape \[3\]",
    ),
    (_assign(0, "a"), TypeError, "can't assign a str to a neurarust.FloatTensor"),
    (_assign(0, [1.0, 2.0, 3.0]), TypeError, "can't assign a list to a neurarust.FloatTensor"),
    (_assign(5, 1.0), IndexError, "index 5 is out of bounds for dimension 0 with size 2"),
    (
        lambda x: _assign(0, 1.0)(x.requires_grad_()),
        RuntimeError,
        "a leaf Variable that requires grad is being used in an in-place operation",
    ),
]


@pytest.mark.parametrize("fn, error, match", ERRORS)
def test_errors(fn, error, match):
    with pytest.raises(error, match=match):
        fn(nr.zeros(2, 3))
