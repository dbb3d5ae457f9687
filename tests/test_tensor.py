"""The Tensor class against PyTorch: attributes, host conversion, repr, operators,
in-place ops and version counters, casts, detach and requires_grad.

Scenarios are written once as ``fn(lib, ...)`` and run with neurarust and with
PyTorch; values, dtypes, gradients and raised errors must agree.
"""

import re

import numpy as np
import pytest

import neurarust as nr

from .conftest import compare_with_torch, torch


def _name(dtype_or_device):
    """``torch.float32`` / ``neurarust.float32`` -> ``float32``; devices as their string."""
    return str(dtype_or_device).rsplit(".", 1)[-1]


# -- attributes ------------------------------------------------------------------------

TENSORS = {
    "scalar": lambda lib: lib.tensor(2.5),
    "vector_int": lambda lib: lib.arange(4),
    "matrix": lambda lib: lib.ones(2, 3),
    "transposed": lambda lib: lib.ones(2, 3).t(),
    "batch": lambda lib: lib.zeros(2, 3, 4, dtype=lib.float64),
    "bool": lambda lib: lib.tensor([[True], [False]]),
    "empty": lambda lib: lib.zeros(0, 3),
    "leaf_requiring_grad": lambda lib: lib.ones(3, requires_grad=True),
    "non_leaf": lambda lib: lib.ones(3, requires_grad=True) * 2.0,
    "half": lambda lib: lib.ones(2, dtype=lib.float16),
}


@pytest.mark.filterwarnings("ignore:The .grad attribute of a Tensor that is not a leaf")
@pytest.mark.parametrize("name", sorted(TENSORS))
def test_attributes_match_torch(name):
    def attributes(lib):
        t = TENSORS[name](lib)
        dims = range(-t.dim(), t.dim())
        return [
            tuple(t.shape),
            tuple(t.size()),
            isinstance(t.shape, tuple),
            repr(t.shape).split(".", 1)[1],
            t.shape.numel(),
            [t.size(d) for d in dims],
            (t.dim(), t.ndim, t.numel(), t.nelement(), t.element_size()),
            (_name(t.dtype), str(t.device), t.is_cuda, t.is_floating_point()),
            (t.is_leaf, t.requires_grad, t.grad_fn is None, t.grad is None),
            (t.is_contiguous(), t.stride() if t.numel() else None),  # NumPy: 0 for empty
        ]

    compare_with_torch(attributes, grad=False)


def test_size_of_a_missing_dimension():
    def scenario(lib):
        for dim in (2, -3):
            with pytest.raises(IndexError, match=r"expected to be in range of \[-2, 1\], but got"):
                lib.ones(2, 3).size(dim)
        for dim in (0, -1):
            with pytest.raises(IndexError, match=f"Dimension specified as {dim} but tensor has no"):
                lib.tensor(1.0).size(dim)

    compare_with_torch(scenario, grad=False)


TRANSPOSES = {
    "T_matrix": (lambda lib, x: x.T, (2, 3)),
    "mT_matrix": (lambda lib, x: x.mT, (2, 3)),
    "mT_batch": (lambda lib, x: x.mT, (4, 2, 3)),
    "T_vector": (lambda lib, x: x.T * 1.0, (3,)),
}


@pytest.mark.filterwarnings("ignore:The use of `x.T` on tensors of dimension other than 2")
@pytest.mark.parametrize("name", sorted(TRANSPOSES))
def test_transposes_match_torch(name, rng):
    fn, shape = TRANSPOSES[name]
    compare_with_torch(fn, rng.standard_normal(shape).astype(np.float32))


def test_mT_needs_two_dimensions():
    def scenario(lib):
        with pytest.raises(RuntimeError, match="only supported on matrices or batches of matrices"):
            lib.ones(3).mT  # noqa: B018 (the property raises)

    compare_with_torch(scenario, grad=False)


# -- host conversion -------------------------------------------------------------------


def numpy_shares_memory(lib):
    t = lib.zeros(2, 2)
    array = t.numpy()
    array[0, 1] = 5.0
    t[1, 0] = 7.0
    return t, array.tolist(), type(array).__name__


def numpy_of_a_tensor_requiring_grad(lib):
    x = lib.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match=r"Can't call numpy\(\) on Tensor that requires grad"):
        x.numpy()
    forced = x.numpy(force=True)
    forced[0] = 3.0  # on the CPU, the forced array still shares memory
    return x.detach().numpy().tolist(), forced.tolist()


def item_and_scalars(lib):
    values = [lib.tensor(3).item(), lib.tensor(2.5).item(), lib.tensor(True).item()]
    values += [lib.tensor([[4]]).item(), lib.tensor([1.5], dtype=lib.float64).item()]
    values += [float(lib.tensor([2])), int(lib.tensor(3.9)), bool(lib.tensor([0.0]))]
    values += [[0, 10, 20][lib.tensor(2)]]
    return [(v, type(v).__name__) for v in values]


def conversion_errors(lib):
    two = lib.ones(2)
    with pytest.raises(
        RuntimeError, match="a Tensor with 2 elements cannot be converted to Scalar"
    ):
        two.item()
    with pytest.raises(RuntimeError, match="Boolean value of Tensor with more than one value"):
        bool(two)
    for convert in (float, int):
        with pytest.raises(ValueError, match="only one element tensors can be converted"):
            convert(two)
    with pytest.raises(TypeError, match="only integer tensors of a single element"):
        [1, 2][lib.tensor(1.0)]
    with pytest.raises(TypeError, match="len\\(\\) of a 0-d tensor"):
        len(lib.tensor(1.0))
    with pytest.raises(TypeError, match="iteration over a 0-d tensor"):
        iter(lib.tensor(1.0))


def tolist_and_iteration(lib):
    lists = [
        lib.tensor(2.5).tolist(),
        lib.tensor([[1, 2], [3, 4]]).tolist(),
        lib.tensor([True, False]).tolist(),
        lib.tensor([0.5, 1.5], dtype=lib.float16).tolist(),
        lib.zeros(2, 0).tolist(),
        lib.arange(6).reshape(3, 2).t().tolist(),
    ]
    rows = [row.tolist() for row in lib.arange(6).reshape(2, 3)]
    return lists, rows, len(lib.ones(4, 2)), [type(v).__name__ for v in lists[1][0]]


HOST_SCENARIOS = {
    f.__name__: f
    for f in [
        numpy_shares_memory,
        numpy_of_a_tensor_requiring_grad,
        item_and_scalars,
        conversion_errors,
        tolist_and_iteration,
    ]
}


@pytest.mark.parametrize("name", sorted(HOST_SCENARIOS))
def test_host_conversion_matches_torch(name):
    compare_with_torch(HOST_SCENARIOS[name], grad=False)


# -- repr ------------------------------------------------------------------------------

REPRS = {
    "ints": "lib.tensor([1, 2, 3])",
    "int_matrix": "lib.tensor([[1, -20], [300, 4]])",
    "big_ints": "lib.tensor([123456789, -1])",
    "floats": "lib.tensor([1.5, -2.25, 3.0])",
    "whole_floats": "lib.tensor([1.0, 2.0, -3.0])",
    "many_digits": "lib.tensor([3.14159265, 2.71828])",
    "rounding": "lib.tensor([0.99999, 1.00004])",
    "bools": "lib.tensor([[True, False], [False, True]])",
    "scalar": "lib.tensor(3.5)",
    "int_scalar": "lib.tensor(7)",
    "scalar_sci": "lib.tensor(1e-7)",
    "big_magnitudes": "lib.tensor([1e10, 1.0])",
    "small_magnitudes": "lib.tensor([1e-5, 1.0])",
    "tiny_all": "lib.tensor([1e-6, 2e-6])",
    "negative_sci": "lib.tensor([-1e10, 1.5, -3e-3])",
    "range_of_1000": "lib.tensor([0.5, 999.0])",
    "range_over_1000": "lib.tensor([0.5, 1001.0])",
    "just_under_1e8": "lib.tensor([100000000.0, 1.0])",
    "over_1e8": "lib.tensor([100000001.0, 2.0])",
    "inf_nan": "lib.tensor([float('inf'), float('nan'), 1.5])",
    "minus_inf": "lib.tensor([-float('inf'), 2.0])",
    "all_nan": "lib.tensor([float('nan'), float('nan')])",
    "zeros": "lib.zeros(2, 3)",
    "negative_zero": "lib.tensor([-0.0, 1.0])",
    "three_dims": "lib.arange(24.0).reshape(2, 3, 4) / 3",
    "four_dims": "lib.arange(32.0).reshape(2, 2, 2, 4)",
    "wrapped_row": "lib.arange(100.0) * 1.5",
    "wrapped_sci": "lib.arange(1, 30.0) * 1e7",
    "wide_matrix": "lib.arange(60.0).reshape(3, 20) * 1000",
    "empty": "lib.tensor([])",
    "empty_matrix": "lib.zeros(0, 3)",
    "empty_int32": "lib.zeros(2, 0, 3, dtype=lib.int32)",
    "empty_float64": "lib.zeros(0, dtype=lib.float64)",
    "summarized_ints": "lib.arange(2000)",
    "summarized_matrix": "lib.arange(1200.0).reshape(30, 40)",
    "summarized_3d": "lib.arange(2000).reshape(10, 10, 20)",
    "summarized_rows": "lib.arange(2100.0).reshape(700, 3) / 3",
    "summarized_column": "lib.arange(1200.0).reshape(1200, 1)",
    "summarized_sci": "(lib.arange(2000.0) - 1000) * 1e6",
    "summarized_bool": "lib.zeros(1200, dtype=lib.bool)",
    "not_summarized_1000": "lib.arange(1000.0)",
    "summarized_1001": "lib.arange(1001.0)",
    "requires_grad": "lib.tensor([1.0, 2.0], requires_grad=True)",
    "scalar_requires_grad": "lib.tensor(2.5, requires_grad=True)",
    "grad_fn": "lib.tensor([1.0, 2.0], requires_grad=True) * 2",
    "grad_fn_wrapped": "(lib.arange(40.0, requires_grad=True) * 2).reshape(2, 20)",
    "float64": "lib.tensor([1.0, 2.5], dtype=lib.float64)",
    "float64_sci": "lib.tensor([1e-10, 1.0], dtype=lib.float64)",
    "float64_precise": "lib.tensor([0.123456789], dtype=lib.float64)",
    "float64_requires_grad": "lib.tensor([1.0, 2.5], dtype=lib.float64, requires_grad=True)",
    "float64_summarized": "lib.zeros(2000, dtype=lib.float64, requires_grad=True)",
    "float16": "lib.tensor([1.0, 2.5], dtype=lib.float16)",
    "float16_big": "lib.tensor([60000.0, 0.5], dtype=lib.float16)",
    "int32": "lib.tensor([1, 2], dtype=lib.int32)",
    "int16": "lib.tensor([1, 2], dtype=lib.int16)",
    "int8": "lib.tensor([-128, 127], dtype=lib.int8)",
    "uint8": "lib.tensor([1, 2], dtype=lib.uint8)",
    "transposed": "lib.arange(6.0).reshape(2, 3).t()",
}

# Suffixes wrap at 80 columns, and "dtype=neurarust.float64" is longer than torch's, so a
# suffix may move to its own line: compare with suffix line breaks removed.
_SUFFIX_BREAK = re.compile(r",\n *(?=(dtype|requires_grad|grad_fn|device)=)")


def _normalized(text):
    text = re.sub(r"Backward\d+", "Backward", text.replace("torch.", "neurarust."))
    return _SUFFIX_BREAK.sub(", ", text)


@pytest.mark.parametrize("name", sorted(REPRS))
def test_repr_matches_torch(name):
    if torch is None:
        pytest.skip("PyTorch is not installed (it is the test oracle)")
    expression = REPRS[name]
    ours = eval(expression, {"lib": nr})
    theirs = eval(expression, {"lib": torch})
    assert _normalized(repr(ours)) == _normalized(repr(theirs))
    assert str(ours) == repr(ours)


def test_repr_examples():
    assert repr(nr.tensor([1.0, 2.0], requires_grad=True)) == (
        "tensor([1., 2.], requires_grad=True)"
    )
    assert repr(nr.tensor([1, 2], dtype=nr.int32)) == "tensor([1, 2], dtype=neurarust.int32)"
    assert repr(nr.tensor([1e-5, 1.0])) == "tensor([1.0000e-05, 1.0000e+00])"


# -- Python operators ------------------------------------------------------------------

F = np.array([[1.5, -2.0, 0.5], [3.0, -0.25, 2.0]], dtype=np.float32)
G = np.array([[0.5, 4.0, -1.5], [2.0, 1.0, -3.0]], dtype=np.float32)
POSITIVE = np.array([[0.5, 1.5, 2.0], [3.0, 0.25, 1.0]], dtype=np.float32)
ROW = np.array([2.0, -1.0, 0.5], dtype=np.float32)
I = np.array([[7, -3, 0], [5, 2, -8]], dtype=np.int64)
J = np.array([[2, 5, 3], [-3, 1, 4]], dtype=np.int64)
I32 = np.array([[1, 2, 3], [4, 5, 6]], dtype=np.int32)
B = np.array([[True, False, True], [False, False, True]])
C = np.array([[True, True, False], [False, True, True]])

# name: (fn(lib, *inputs), inputs); float inputs require grad on both sides
OPERATORS = {
    "add": (lambda lib, a, b: a + b, (F, G)),
    "radd": (lambda lib, a: 2.5 + a, (F,)),
    "sub": (lambda lib, a, b: a - b, (F, G)),
    "rsub": (lambda lib, a: 2 - a, (F,)),
    "mul": (lambda lib, a, b: a * b, (F, G)),
    "rmul": (lambda lib, a: 3 * a, (F,)),
    "truediv": (lambda lib, a, b: a / b, (F, POSITIVE)),
    "rtruediv": (lambda lib, a: 2.0 / a, (POSITIVE,)),
    "pow": (lambda lib, a, b: a**b, (POSITIVE, G)),
    "pow_scalar": (lambda lib, a: a**2, (F,)),
    "rpow": (lambda lib, a: 2.0**a, (F,)),
    "matmul": (lambda lib, a, b: a @ b.t(), (F, G)),
    "neg": (lambda lib, a: -a, (F,)),
    "broadcast_add": (lambda lib, a, b: a + b, (F, ROW)),
    "broadcast_div": (lambda lib, a, b: b / a, (POSITIVE, ROW)),
    "chained": (
        lambda lib, a, b: (a * 2 - b) / (1 + b * b) + a @ b.t().sum(1, keepdim=True),
        (F, G),
    ),
    "floordiv": (lambda lib, a, b: a // b, (I, J)),
    "rfloordiv": (lambda lib, a: 20 // a, (J,)),
    # PyTorch has no derivative for floor_divide: compare values only
    "floordiv_float": (lambda lib, a, b: a.detach() // b.detach(), (F, POSITIVE)),
    "mod": (lambda lib, a, b: a % b, (I, J)),
    "rmod": (lambda lib, a: 7 % a, (J,)),
    "mod_float": (lambda lib, a: a % 1.5, (F,)),
    "int_add": (lambda lib, a, b: a + b, (I, J)),
    "int_truediv": (lambda lib, a, b: a / b, (I, J)),
    "int_times_float": (lambda lib, a: a * 1.5, (I,)),
    "int32_plus_int64": (lambda lib, a, b: a + b, (I32, I)),
    "int32_plus_float": (lambda lib, a, b: a + b, (I32, F)),
    "int_neg": (lambda lib, a: -a, (I,)),
    "int_pow": (lambda lib, a: a**2, (I,)),
    "int_matmul": (lambda lib, a, b: a @ b.t(), (I, J)),
    "eq": (lambda lib, a, b: a == b, (F, F)),
    "ne": (lambda lib, a, b: a != b, (F, G)),
    "lt": (lambda lib, a, b: a < b, (F, G)),
    "le": (lambda lib, a: a <= 0.5, (F,)),
    "gt": (lambda lib, a, b: a > b, (I, J)),
    "ge": (lambda lib, a, b: a >= b, (F, ROW)),
    "reflected_comparison": (lambda lib, a: 1.0 < a, (F,)),
    "bool_and": (lambda lib, a, b: a & b, (B, C)),
    "bool_or": (lambda lib, a, b: a | b, (B, C)),
    "bool_xor": (lambda lib, a, b: a ^ b, (B, C)),
    "bool_invert": (lambda lib, a: ~a, (B,)),
    "bool_rand": (lambda lib, a: True & a, (B,)),
    "int_and": (lambda lib, a, b: a & b, (I, J)),
    "int_ror": (lambda lib, a: 6 | a, (I,)),
    "int_rxor": (lambda lib, a: 5 ^ a, (I,)),
    "int_invert": (lambda lib, a: ~a, (I,)),
    "mask_from_comparisons": (lambda lib, a, b: (a > 0) & ~(b < 0) | (a == b), (F, G)),
}


@pytest.mark.parametrize("name", sorted(OPERATORS))
def test_operators_match_torch(name):
    fn, inputs = OPERATORS[name]
    compare_with_torch(fn, *inputs)


OPERATOR_ERRORS = {
    "invert_float": (lambda lib: ~lib.ones(2), TypeError, "only implemented on integer and Bool"),
    "neg_bool": (
        lambda lib: -lib.tensor([True]),
        RuntimeError,
        "on a bool tensor is not supported",
    ),
    "pos_bool": (
        lambda lib: +lib.tensor([True]),
        RuntimeError,
        "on a bool tensor is not supported",
    ),
    "and_float": (lambda lib: lib.ones(2) & lib.ones(2), RuntimeError, "not implemented for"),
    "shapes": (lambda lib: lib.ones(2, 3) + lib.ones(4), RuntimeError, "size of tensor a"),
    "matmul_shapes": (lambda lib: lib.ones(2, 3) @ lib.ones(2, 3), RuntimeError, "cannot be"),
}


@pytest.mark.parametrize("name", sorted(OPERATOR_ERRORS))
def test_operator_errors_match_torch(name):
    make, error, match = OPERATOR_ERRORS[name]

    def scenario(lib):
        with pytest.raises(error, match=match):
            make(lib)

    compare_with_torch(scenario, grad=False)


# -- in-place ops and version counters ------------------------------------------------


def _augmented_assignments(y):
    y += 2.0
    y *= y.detach() + 1.0
    y -= 0.5
    y /= 2.0
    return y


INPLACE_CHAINS = {
    "add_mul": lambda lib, y: y.add_(1.0).mul_(3.0),
    "sub_div": lambda lib, y: y.sub_(0.5).div_(2.0),
    "operators": lambda lib, y: _augmented_assignments(y),
    "add_alpha": lambda lib, y: y.add_(lib.ones(3), alpha=2.0),
    "pow_": lambda lib, y: y.pow_(2),
    "clamp_": lambda lib, y: y.clamp_(-0.5, 0.5),
    "zero_": lambda lib, y: y.zero_(),
    "fill_": lambda lib, y: y.fill_(2.0),
    "copy_": lambda lib, y: y.copy_(lib.tensor([4.0, 5.0, 6.0])),
    "exp_": lambda lib, y: y.exp_(),
    "setitem": lambda lib, y: y.__setitem__(0, 9.0) or y,
}


@pytest.mark.parametrize("name", sorted(INPLACE_CHAINS))
def test_inplace_on_a_non_leaf_matches_torch(name):
    """The gradient flows through the in-place op; the result is the same tensor."""

    def fn(lib, x):
        y = x * 1.0
        result = INPLACE_CHAINS[name](lib, y)
        return result is y, y, y * x

    compare_with_torch(fn, np.array([0.3, -1.2, 2.0], dtype=np.float32))


def saved_tensor_modified_in_place(lib):
    x = lib.ones(3, requires_grad=True)
    y = x * 2.0
    z = y * y  # saves y
    y.add_(1.0)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        z.sum().backward()


def saved_output_modified_in_place(lib):
    x = lib.ones(3, requires_grad=True)
    y = x.exp()  # exp's backward uses its output
    y.mul_(2.0)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.sum().backward()


def view_shares_the_version_counter(lib):
    w = lib.ones(2, requires_grad=True)
    base = lib.ones(3)
    z = w * base[:2]  # saves the view
    base.add_(1.0)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        z.sum().backward()


def detached_tensor_shares_the_version_counter(lib):
    y = lib.ones(2, requires_grad=True) * 1.0
    z = y * y
    y.detach().add_(1.0)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        z.sum().backward()


def modification_after_backward_is_fine(lib):
    x = lib.ones(3, requires_grad=True)
    y = x * 2.0
    (y * y).sum().backward()
    y.add_(1.0)
    return x.grad, y


def inplace_on_a_leaf_requiring_grad(lib):
    x = lib.ones(3, requires_grad=True)
    for change in (lambda: x.add_(1.0), lambda: x.mul_(2.0), lambda: x.zero_()):
        with pytest.raises(RuntimeError, match="a leaf Variable that requires grad is being used"):
            change()
    with lib.no_grad():  # the optimizer's way
        x.mul_(3.0).sub_(1.0)
    return x, x.requires_grad, x.is_leaf


def inplace_shape_and_dtype_errors(lib):
    with pytest.raises(RuntimeError, match=r"output with shape \[3\] doesn't match the broadcast"):
        lib.ones(3).add_(lib.ones(2, 3))
    with pytest.raises(RuntimeError, match="result type .* can't be cast to the desired output"):
        lib.ones(3, dtype=lib.int64).add_(1.5)
    kept = lib.ones(3).add_(lib.ones(3, dtype=lib.int64))  # int into float is fine
    return kept


def inplace_on_a_tensor_not_requiring_grad(lib):
    x = lib.ones(3, requires_grad=True)
    y = lib.tensor([1.0, 2.0, 3.0])
    y.mul_(x)  # y joins the graph
    z = y * 2.0
    z.sum().backward()
    return y.requires_grad, y.is_leaf, x.grad, z


def data_bypasses_the_version_counter(lib):
    x = lib.ones(2, requires_grad=True)
    y = x * 1.0
    z = y * y
    y.data.add_(1.0)  # invisible to autograd, as .data is meant to be
    z.sum().backward()
    y.data = lib.zeros(2)
    return x.grad, y, y.requires_grad, y.grad_fn is not None


INPLACE_SCENARIOS = {
    f.__name__: f
    for f in [
        saved_tensor_modified_in_place,
        saved_output_modified_in_place,
        view_shares_the_version_counter,
        detached_tensor_shares_the_version_counter,
        modification_after_backward_is_fine,
        inplace_on_a_leaf_requiring_grad,
        inplace_shape_and_dtype_errors,
        inplace_on_a_tensor_not_requiring_grad,
        data_bypasses_the_version_counter,
    ]
}


@pytest.mark.parametrize("name", sorted(INPLACE_SCENARIOS))
def test_inplace_scenarios_match_torch(name):
    compare_with_torch(INPLACE_SCENARIOS[name], grad=False)


def test_version_error_names_the_versions():
    x = nr.ones(3, requires_grad=True)
    y = x * 2.0
    z = y * y
    y.add_(1.0).add_(1.0)
    with pytest.raises(RuntimeError, match="is at version 2; expected version 0 instead"):
        z.sum().backward()


def test_view_taken_again_after_an_inplace_change_matches_torch():
    def scenario(lib):
        x = lib.ones(3, requires_grad=True)
        base = x * 1.0
        base.mul_(2.0)
        view = base[0:2]
        (view * 1.0).sum().backward()
        return view, x.grad

    compare_with_torch(scenario, grad=False)


def test_inplace_on_a_view_of_a_leaf_requiring_grad():
    x = nr.ones(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="add_: .*view"):
        x[0].add_(1.0)


OVERLAPS = {
    "expanded_target": (lambda lib, x: x[:1].expand(3, 4).add_(1.0), "more than one element"),
    "shifted_input": (lambda lib, x: x[1:].add_(x[:-1]), "some elements of the input tensor"),
    "shifted_copy": (lambda lib, x: x[0, 1:].copy_(x[0, :-1]), "some elements of the input"),
    "identical_input": (lambda lib, x: x.mul_(x), None),
    "empty_target": (lambda lib, x: x[:, :0].zero_().add_(x[:, :0]), None),
    "disjoint_rows": (lambda lib, x: x[0].sub_(x[1]), None),
    "interleaved_strided": (lambda lib, x: x[:, ::2].add_(x[:, 1::2]), None),
}


@pytest.mark.parametrize("name", sorted(OVERLAPS))
def test_inplace_writes_that_alias_their_inputs_are_refused_as_torch(name):
    fn, message = OVERLAPS[name]
    data = np.arange(12, dtype=np.float32).reshape(3, 4)
    ours, theirs = nr.from_numpy(data.copy()), torch.from_numpy(data.copy())
    if message is None:
        fn(nr, ours), fn(torch, theirs)
        np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
        return
    with pytest.raises(RuntimeError, match=message):
        fn(torch, theirs)
    with pytest.raises(RuntimeError, match=message):
        fn(nr, ours)
    np.testing.assert_array_equal(ours.numpy(), data)  # nothing was written


# -- casts and devices -----------------------------------------------------------------

X = np.array([[-1.7, 0.0, 2.5], [0.25, -0.5, 3.0]], dtype=np.float32)

CASTS = {
    "float_of_double": (lambda lib, x: x.float(), X.astype(np.float64)),
    "double": (lambda lib, x: x.double() * 2.0, X),
    "half": (lambda lib, x: x.half(), X),
    "long": (lambda lib, x: x.long(), X),
    "int": (lambda lib, x: x.int(), X),
    "bool": (lambda lib, x: x.bool(), X),
    "long_of_bool": (lambda lib, x: x.long(), X > 0),
    "float_of_int": (lambda lib, x: x.float(), X.astype(np.int64)),
    "to_dtype": (lambda lib, x: x.to(lib.float64), X),
    "to_dtype_keyword": (lambda lib, x: x.to(dtype=lib.int32), X),
    "to_device_and_dtype": (lambda lib, x: x.to("cpu", lib.float64), X),
    "to_other": (lambda lib, x: x.to(lib.zeros(1, dtype=lib.float64)), X),
    "type_as": (lambda lib, x: x.type_as(lib.zeros(1, dtype=lib.int64)), X),
    "type_as_float": (lambda lib, x: x.type_as(lib.zeros(1, dtype=lib.float64)), X),
    "to_cpu": (lambda lib, x: x.to("cpu") * 1.0, X),
    "cpu": (lambda lib, x: x.cpu() * 1.0, X),
    "to_device_object": (lambda lib, x: x.to(lib.device("cpu")) * 1.0, X),
}


@pytest.mark.parametrize("name", sorted(CASTS))
def test_casts_match_torch(name):
    fn, array = CASTS[name]
    compare_with_torch(fn, array)


def casts_that_change_nothing(lib):
    x = lib.ones(2, requires_grad=True)
    return [
        x.float() is x,
        x.to(lib.float32) is x,
        x.to("cpu") is x,
        x.cpu() is x,
        x.type_as(x) is x,
        x.to(lib.float32, copy=True) is x,
        x.double().requires_grad,
        x.long().requires_grad,
    ]


# -- detach and requires_grad ------------------------------------------------------------


def detach_shares_storage(lib):
    x = lib.ones(3, requires_grad=True)
    y = x * 2.0
    d = y.detach()
    d[0] = 5.0
    return y, d.requires_grad, d.is_leaf, d.grad_fn is None, y.grad_fn is not None


def detach_in_place(lib):
    x = lib.ones(3, requires_grad=True)
    y = x * 3.0
    returned = y.detach_()
    with pytest.raises(RuntimeError, match="Can't detach views in-place"):
        (x * 2.0)[1:].detach_()
    return returned is y, y.requires_grad, y.is_leaf, y.grad_fn is None, y


def requires_grad_switches(lib):
    x = lib.ones(2)
    returned = x.requires_grad_()
    flags = [returned is x, x.requires_grad, x.is_leaf]
    x.requires_grad_(False)
    flags.append(x.requires_grad)
    x.requires_grad = True
    flags.append(x.requires_grad)
    y = x * 2.0
    flags.append(y.requires_grad_(True) is y)  # a no-op on a non-leaf
    with pytest.raises(RuntimeError, match="only change requires_grad flags of leaf variables"):
        y.requires_grad_(False)
    with pytest.raises(RuntimeError, match="only change requires_grad flags of leaf variables"):
        y.requires_grad = False
    with pytest.raises(RuntimeError, match="only Tensors of floating point"):
        lib.ones(2, dtype=lib.int64).requires_grad_()
    return flags


def assigning_grad(lib):
    x = lib.ones(2, requires_grad=True)
    x.grad = lib.full((2,), 3.0)
    x.sum().backward()  # accumulates into the assigned tensor
    with pytest.raises(RuntimeError, match="size"):
        x.grad = lib.ones(3)
    with pytest.raises(RuntimeError, match="dtype"):
        x.grad = lib.ones(2, dtype=lib.float64)
    kept = x.grad
    x.grad = None
    return kept, x.grad


def detached_tensor_gets_no_gradient(lib):
    x = lib.tensor([1.0, 2.0], requires_grad=True)
    y = x * x.detach()
    y.sum().backward()
    return x.grad


FLAG_SCENARIOS = {
    f.__name__: f
    for f in [
        casts_that_change_nothing,
        detach_shares_storage,
        detach_in_place,
        requires_grad_switches,
        assigning_grad,
        detached_tensor_gets_no_gradient,
    ]
}


@pytest.mark.parametrize("name", sorted(FLAG_SCENARIOS))
def test_detach_and_flags_match_torch(name):
    compare_with_torch(FLAG_SCENARIOS[name], grad=False)


def _on_cuda_1(tensor):
    """``tensor`` labelled as living on cuda:1: the device checks run before any
    computation, so these errors are visible without a GPU."""
    return nr.Tensor._make(tensor._data, nr.device("cuda", 1))


DEVICE_MISMATCHES = {
    "add": lambda a, b: a + b,
    "mul_reflected": lambda a, b: b * a,
    "matmul": lambda a, b: a @ b,
    "where": lambda a, b: nr.where(a > 0, a, b),
    "cat": lambda a, b: nr.cat([a, b]),
    "add_": lambda a, b: a.add_(b),
    "maximum": lambda a, b: nr.maximum(a, b),
}


@pytest.mark.parametrize("name", sorted(DEVICE_MISMATCHES))
def test_device_mismatch_names_both_devices(name):
    a = nr.ones(2, 2)
    with pytest.raises(RuntimeError, match=r"(?i)device.*(cpu and cuda:1|cuda:1 and cpu)"):
        DEVICE_MISMATCHES[name](a, _on_cuda_1(nr.ones(2, 2)))


ARITHMETIC_IN_PLACE = {
    "add_number": lambda x, o: x.add_(2.5),
    "add_tensor_alpha": lambda x, o: x.add_(o, alpha=-0.5),
    "sub_row": lambda x, o: x.sub_(o[0]),
    "sub_alpha_int": lambda x, o: x.sub_(o, alpha=2),
    "mul_number": lambda x, o: x.mul_(3),
    "mul_column": lambda x, o: x.mul_(o[:, :1]),
    "div_tensor": lambda x, o: x.div_(o),
    "div_zero": lambda x, o: x.div_(0.0),
    "through_a_view": lambda x, o: x[1].mul_(o[0]),
}


@pytest.mark.parametrize("dtype", ["float16", "float32", "float64"])
@pytest.mark.parametrize("name", sorted(ARITHMETIC_IN_PLACE))
def test_arithmetic_in_place_without_a_graph_matches_torch(name, dtype):
    """add_/sub_/mul_/div_ write straight into memory when nothing records: same
    values, dtype, version bump and aliasing as the general path and PyTorch."""
    fn = ARITHMETIC_IN_PLACE[name]
    data = np.arange(1, 13, dtype=dtype).reshape(3, 4) / 4
    other = (np.arange(12, dtype=dtype).reshape(3, 4) - 5) / 3
    ours, theirs = nr.from_numpy(data.copy()), torch.from_numpy(data.copy())
    before = ours._version[0]
    result = fn(ours, nr.from_numpy(other.copy()))
    fn(theirs, torch.from_numpy(other.copy()))
    assert result is ours or result._base is not None
    assert ours._version[0] == before + 1
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
