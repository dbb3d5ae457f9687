"""Making tensors: tensor() dtype inference, memory sharing, filled tensors and ranges.

Each case builds the same tensor with neurarust and with PyTorch, which must
agree on values, shape and dtype.
"""

import numpy as np
import pytest

import neurarust as nr

from .conftest import compare_with_torch

FROM_DATA = {
    "float_list": lambda lib: lib.tensor([1.0, 2.5]),
    "int_list": lambda lib: lib.tensor([[1, 2], [3, 4]]),
    "bool_list": lambda lib: lib.tensor([True, False]),
    "int_and_float": lambda lib: lib.tensor([1, 2.0]),
    "bool_and_int": lambda lib: lib.tensor([True, 2]),
    "bool_and_float": lambda lib: lib.tensor([True, 1.5]),
    "python_float": lambda lib: lib.tensor(3.5),
    "python_int": lambda lib: lib.tensor(3),
    "python_bool": lambda lib: lib.tensor(True),
    "big_int": lambda lib: lib.tensor(2**40),
    "empty": lambda lib: lib.tensor([]),
    "empty_rows": lambda lib: lib.tensor([[], []]),
    "tuple": lambda lib: lib.tensor(((1, 2), (3, 4))),
    "np_float64": lambda lib: lib.tensor(np.arange(3.0)),
    "np_int32": lambda lib: lib.tensor(np.arange(3, dtype=np.int32)),
    "np_uint8": lambda lib: lib.tensor(np.zeros(2, dtype=np.uint8)),
    "np_bool_0d": lambda lib: lib.tensor(np.array(True)),
    "np_float16": lambda lib: lib.tensor(np.ones((2, 2), dtype=np.float16)),
    "np_scalar_float32": lambda lib: lib.tensor(np.float32(1.5)),
    "np_scalar_int16": lambda lib: lib.tensor(np.int16(7)),
    "list_of_np_float64": lambda lib: lib.tensor([np.float64(1.0), 2]),
    "list_of_np_int32": lambda lib: lib.tensor([np.int32(1), np.int32(2)]),
    "np_int32_and_int": lambda lib: lib.tensor([np.int32(1), 2]),
    "np_float16_and_int": lambda lib: lib.tensor([np.float16(1), 2]),
    "np_float16_and_float": lambda lib: lib.tensor([np.float16(1), 2.5]),
    "np_uint8_and_int8": lambda lib: lib.tensor([np.uint8(1), np.int8(1)]),
    "bool_and_np_int8": lambda lib: lib.tensor([True, np.int8(3)]),
    "nested_np_float64": lambda lib: lib.tensor([[1, 2], [np.float64(1), 3]]),
    "list_of_0d_tensors": lambda lib: lib.tensor([lib.tensor(1.0), lib.tensor(2.0)]),
    "list_of_float64_0d": lambda lib: lib.tensor([lib.tensor(1.0, dtype=lib.float64)] * 2),
    "list_of_int32_0d_and_int": lambda lib: lib.tensor([lib.tensor(1, dtype=lib.int32), 2]),
    "from_tensor": lambda lib: lib.tensor(lib.tensor([1.0, 2.0], requires_grad=True).detach()),
    "dtype_float_to_int": lambda lib: lib.tensor([1.7, -1.7], dtype=lib.int32),
    "dtype_int_to_bool": lambda lib: lib.tensor([0, 2], dtype=lib.bool),
    "dtype_int_to_float64": lambda lib: lib.tensor([1, 2], dtype=lib.float64),
    "dtype_python_type": lambda lib: lib.tensor([1.5, 2.5], dtype=int),
    "requires_grad": lambda lib: lib.tensor([1.0, 2.0], requires_grad=True),
    "legacy_Tensor_data": lambda lib: lib.Tensor([1, 2]),
    "legacy_Tensor_empty": lambda lib: lib.Tensor(),
}


@pytest.mark.filterwarnings("ignore:To copy construct from a tensor")
@pytest.mark.filterwarnings("ignore:Creating a tensor from a list of numpy.ndarrays")
@pytest.mark.parametrize("name", sorted(FROM_DATA))
def test_tensor_from_data_matches_torch(name):
    compare_with_torch(FROM_DATA[name], grad=False)


def test_tensor_from_data_is_a_leaf_and_a_copy():
    array = np.zeros(2, dtype=np.float32)
    t = nr.tensor(array, requires_grad=True)
    assert t.is_leaf and t.grad_fn is None and t.requires_grad
    array[0] = 5
    assert t.tolist() == [0.0, 0.0]


def test_default_dtype_is_used_for_python_floats():
    nr.set_default_dtype(nr.float64)
    try:
        assert nr.tensor([1.0]).dtype is nr.float64
        assert nr.tensor([]).dtype is nr.float64
        assert nr.zeros(1).dtype is nr.float64
        assert nr.tensor([1, 2]).dtype is nr.int64
    finally:
        nr.set_default_dtype(nr.float32)
    with pytest.raises(TypeError, match="only float32 and float64"):
        nr.set_default_dtype(nr.int32)


@pytest.mark.parametrize(
    "data, error, match",
    [
        ([[1, 2], [3]], ValueError, "could not make a int64 array"),
        ("abc", TypeError, "could not infer a dtype from data of type str"),
        ([1, "a"], TypeError, "of type str"),
        (2**63, ValueError, "does not fit in int64"),
        (np.array([1 + 2j]), TypeError, "does not support arrays of dtype"),
        (np.array([1], dtype=np.uint16), TypeError, "supported: bool, uint8"),
    ],
)
def test_tensor_errors(data, error, match):
    with pytest.raises(error, match=match):
        nr.tensor(data)


@pytest.mark.parametrize("dtype", [nr.int64, nr.int32, nr.bool, nr.uint8])
def test_requires_grad_on_integer_dtypes_is_refused(dtype):
    for make in (
        lambda: nr.tensor([1, 0], dtype=dtype, requires_grad=True),
        lambda: nr.zeros(2, dtype=dtype, requires_grad=True),
        lambda: nr.zeros(2, dtype=dtype).requires_grad_(),
        lambda: nr.zeros_like(nr.zeros(2, dtype=dtype), requires_grad=True),
    ):
        with pytest.raises(RuntimeError, match="only Tensors of floating point dtype"):
            make()


# -- memory sharing --------------------------------------------------------------------


def test_from_numpy_shares_memory_both_ways():
    array = np.zeros((2, 4), dtype=np.float32)
    t = nr.from_numpy(array)
    array[0, 0] = 5
    t.numpy()[1, 1] = 7
    assert t.tolist()[0][0] == 5 and array[1, 1] == 7
    assert t.dtype is nr.float32


def test_from_numpy_keeps_strides():
    array = np.zeros((2, 4), dtype=np.float32)[:, ::2]
    t = nr.from_numpy(array)
    assert t.stride() == (4, 2) and not t.is_contiguous()


@pytest.mark.parametrize(
    "data, error, match",
    [
        ([1, 2], TypeError, r"expected np.ndarray \(got list\)"),
        (np.array(["a"]), TypeError, "does not support arrays of dtype"),
    ],
)
def test_from_numpy_errors(data, error, match):
    with pytest.raises(error, match=match):
        nr.from_numpy(data)


def test_as_tensor_shares_when_it_can():
    array = np.zeros(3, dtype=np.float32)
    nr.as_tensor(array).numpy()[0] = 1
    nr.as_tensor(array, dtype=nr.float32).numpy()[1] = 2
    nr.as_tensor(array, dtype=nr.float64).numpy()[2] = 3  # a cast: a copy
    assert array.tolist() == [1, 2, 0]
    t = nr.tensor([1.0])
    assert nr.as_tensor(t) is t
    assert nr.as_tensor(t, dtype=nr.float64).dtype is nr.float64
    assert nr.as_tensor([1, 2]).dtype is nr.int64


def test_numpy_shares_memory():
    t = nr.zeros(3)
    t.numpy()[0] = 5
    assert t.tolist() == [5, 0, 0]


# -- filled tensors and ranges ------------------------------------------------------------

FILLED = {
    "zeros": lambda lib: lib.zeros(2, 3),
    "zeros_tuple": lambda lib: lib.zeros((2, 3)),
    "zeros_list": lambda lib: lib.zeros([2, 3]),
    "zeros_size": lambda lib: lib.zeros(lib.Size([2, 1])),
    "zeros_scalar": lambda lib: lib.zeros(()),
    "zeros_empty": lambda lib: lib.zeros(0, 3),
    "zeros_int32": lambda lib: lib.zeros(2, dtype=lib.int32),
    "ones_bool": lambda lib: lib.ones(2, dtype=lib.bool),
    "ones_float64": lambda lib: lib.ones(2, 2, dtype=lib.float64),
    "full_int": lambda lib: lib.full((2,), 3),
    "full_float": lambda lib: lib.full((2,), 3.0),
    "full_bool": lambda lib: lib.full((2,), True),
    "full_scalar_shape": lambda lib: lib.full((), 2),
    "full_dtype": lambda lib: lib.full([2, 3], 1, dtype=lib.float16),
    "full_np_float": lambda lib: lib.full((2,), np.float64(1.5)),
    "full_np_int": lambda lib: lib.full((2,), np.int32(4)),
    "full_tensor_value": lambda lib: lib.full((2,), lib.tensor(2.5)),
    "full_requires_grad": lambda lib: lib.full((2,), 1.0, requires_grad=True),
    "eye": lambda lib: lib.eye(3),
    "eye_rect": lambda lib: lib.eye(2, 3),
    "eye_int": lambda lib: lib.eye(2, dtype=lib.int64),
    "eye_empty": lambda lib: lib.eye(0),
    "arange_int": lambda lib: lib.arange(5),
    "arange_float": lambda lib: lib.arange(3.0),
    "arange_start_end": lambda lib: lib.arange(1, 4),
    "arange_float_step": lambda lib: lib.arange(0, 1, 0.3),
    "arange_negative_step": lambda lib: lib.arange(10, 0, -3),
    "arange_negative_range": lambda lib: lib.arange(-1, -5, -1),
    "arange_dtype": lambda lib: lib.arange(0, 3, dtype=lib.float64),
    "arange_np_int": lambda lib: lib.arange(np.int32(3)),
    "arange_np_float": lambda lib: lib.arange(np.float64(3)),
    "arange_tensor_bound": lambda lib: lib.arange(lib.tensor(3)),
    "arange_empty": lambda lib: lib.arange(0),
    "arange_tenths": lambda lib: lib.arange(0, 1, 0.1),
    "arange_half_steps": lambda lib: lib.arange(1, 2.5, 0.5),
    "arange_requires_grad": lambda lib: lib.arange(0.0, 3.0, requires_grad=True),
    "linspace": lambda lib: lib.linspace(0, 1, 5),
    "linspace_float64": lambda lib: lib.linspace(-1, 1, 4, dtype=lib.float64),
    "linspace_int": lambda lib: lib.linspace(0, 10, 5, dtype=lib.int64),
    "linspace_one": lambda lib: lib.linspace(0, 1, 1),
    "linspace_none": lambda lib: lib.linspace(0, 1, 0),
}


@pytest.mark.parametrize("name", sorted(FILLED))
def test_filled_and_ranges_match_torch(name):
    compare_with_torch(FILLED[name], grad=False)


LIKE = {
    "zeros_like_int": lambda lib: lib.zeros_like(lib.tensor([1, 2])),
    "zeros_like_float": lambda lib: lib.zeros_like(lib.ones(2, 3, dtype=lib.float64)),
    "ones_like_dtype": lambda lib: lib.ones_like(lib.tensor([1.0]), dtype=lib.float64),
    "ones_like_int_to_float": lambda lib: lib.ones_like(
        lib.tensor([1], dtype=lib.int32), dtype=lib.float32
    ),
    "full_like_int_float_value": lambda lib: lib.full_like(lib.tensor([1, 2]), 2.7),
    "full_like_float_int_value": lambda lib: lib.full_like(lib.tensor([1.0, 2.0]), 2),
    "full_like_bool": lambda lib: lib.full_like(lib.tensor([True, False]), 5),
    "empty_like_shape": lambda lib: lib.empty_like(lib.tensor([True])).shape,
    "like_requires_grad": lambda lib: lib.zeros_like(lib.ones(2), requires_grad=True),
    "like_drops_requires_grad": lambda lib: (
        lib.zeros_like(lib.ones(2, requires_grad=True)).requires_grad
    ),
}


@pytest.mark.parametrize("name", sorted(LIKE))
def test_like_matches_torch(name):
    compare_with_torch(LIKE[name], grad=False)


@pytest.mark.parametrize("dtype", [None, "int32", "bool"])
def test_empty_has_shape_and_dtype(dtype):
    def make(lib):
        t = lib.empty(2, 3, dtype=dtype and getattr(lib, dtype))
        return t.shape, str(t.dtype).split(".")[-1], t.requires_grad

    compare_with_torch(make, grad=False)


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: nr.zeros(-1), RuntimeError, r"zeros: .*negative dimension -1: \[-1\]"),
        (lambda: nr.zeros(2, -3), RuntimeError, r"negative dimension -3: \[2, -3\]"),
        (lambda: nr.ones(-2), RuntimeError, "ones: .*negative dimension -2"),
        (lambda: nr.empty(-2), RuntimeError, "empty: .*negative dimension"),
        (lambda: nr.full((-2,), 1.0), RuntimeError, "full: .*negative dimension"),
        (lambda: nr.zeros(2.0), TypeError, "zeros: size must be a sequence of ints, got float"),
        (lambda: nr.ones("a"), TypeError, "ones: size must be a sequence of ints"),
        (lambda: nr.eye(-1), RuntimeError, "eye: n must be greater or equal to 0, got -1"),
        (lambda: nr.eye(2, -1), RuntimeError, "eye: m must be greater or equal to 0"),
        (lambda: nr.arange(0, 5, 0), RuntimeError, "arange: step must be nonzero"),
        (lambda: nr.arange(0, 5, -1), RuntimeError, "lower bound inconsistent with step sign"),
        (lambda: nr.linspace(0, 1, -1), RuntimeError, "linspace: number of steps must be"),
        (lambda: nr.zeros_like([1.0]), TypeError, "zeros_like: expected a Tensor, got list"),
    ],
)
def test_creation_errors(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_creation_errors_have_torch_types():
    torch = pytest.importorskip("torch")
    for lib, error in ((torch, RuntimeError), (nr, RuntimeError)):
        with pytest.raises(error):
            lib.zeros(-1)
        with pytest.raises(error):
            lib.tensor([1, 2], requires_grad=True)
    with pytest.raises(TypeError):
        torch.zeros(2.0)


def test_legacy_tensor_constructor_with_sizes():
    t = nr.Tensor(2, 3)
    assert t.shape == (2, 3) and t.dtype is nr.float32
    assert nr.Tensor(nr.Size([4])).shape == (4,)
