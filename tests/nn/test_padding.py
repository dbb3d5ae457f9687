"""Tests of nn.functional.pad and the padding layers, against PyTorch and NumPy's np.pad."""

import numpy as np
import pytest

import neurarust as nr
import neurarust.nn.functional as F
from tests.conftest import check_gradients, compare_with_torch

INDEX_MODES = ("reflect", "replicate", "circular")

# (input shape, pad) valid in every mode: 1, 2 and 3 padded dims, batched and unbatched,
# symmetric, asymmetric, zero and negative amounts (a crop).
INDEX_CASES = [
    ((2, 3, 5), (1, 1)),
    ((3, 5), (2, 0)),
    ((2, 3, 5), (-1, 3)),
    ((1, 2, 5), (0, -2)),
    ((2, 2, 4, 5), (1, 2, 3, 0)),
    ((2, 4, 5), (-1, 2, 2, -1)),
    ((2, 3, 4), (0, 0, 0, 0)),
    ((1, 2, 3, 4, 5), (1, 1, 2, 0, 0, 2)),
    ((2, 3, 4, 3), (2, -1, 0, 3, 1, 1)),
    ((0, 2, 5), (2, 1)),  # an empty batch
]

CONSTANT_CASES = [
    ((2, 5), (1, 2)),
    ((3, 4), (0, 0)),
    ((2, 3, 5), (-1, 2, 1, -2)),
    ((2, 3, 4, 5), (1, 1, 0, 2, -1, 1)),
    ((2, 3, 2, 2), (1, 0, 0, 1, 2, 0, 1, 1)),  # every dim, batch included
    ((2, 5), (-5, 0)),  # cropped to nothing
    ((), ()),
]


def _pad(pad, mode="constant", value=None):
    return lambda lib, x: lib.nn.functional.pad(x, pad, mode=mode, value=value)


@pytest.mark.parametrize("mode", INDEX_MODES)
@pytest.mark.parametrize("shape, pad", INDEX_CASES)
def test_index_modes_match_torch(rng, mode, shape, pad):
    compare_with_torch(_pad(pad, mode), rng.standard_normal(shape).astype(np.float32))


@pytest.mark.parametrize("mode", INDEX_MODES)
def test_index_modes_on_integers_match_torch(rng, mode):
    compare_with_torch(_pad((1, 2, 0, 1), mode), rng.integers(-9, 9, (2, 3, 4)))


@pytest.mark.parametrize(
    "shape, pad, mode",
    [
        ((1, 5), (-2, 4), "reflect"),  # crops after padding: reflects about the original edge
        ((1, 5), (4, 4), "reflect"),
        ((1, 5), (-7, 6), "replicate"),
        ((1, 5), (6, -7), "replicate"),
        ((1, 1, 3), (3, 3), "circular"),
        ((1, 5), (2, -3), "circular"),  # crops first, then wraps the rest around
        ((1, 5), (4, -1), "circular"),
        ((1, 2, 5), (-3, 0), "circular"),  # an empty output
    ],
)
def test_extreme_amounts_match_torch(rng, shape, pad, mode):
    compare_with_torch(_pad(pad, mode), rng.standard_normal(shape))


@pytest.mark.parametrize("shape, pad", CONSTANT_CASES)
@pytest.mark.parametrize("value", [None, 2.5])
def test_constant_matches_torch(rng, shape, pad, value):
    compare_with_torch(_pad(pad, value=value), rng.standard_normal(shape).astype(np.float32))


@pytest.mark.parametrize(
    "array, value",
    [
        (np.arange(6.0).reshape(2, 3), -1.5),  # float64
        (np.arange(6).reshape(2, 3), 2.7),  # int64: truncated
        (np.arange(6, dtype=np.int8).reshape(2, 3), -2.7),
        (np.arange(6, dtype=np.uint8).reshape(2, 3), 255),
        (np.array([[True, False]]), 0.5),  # bool: nonzero is True
        (np.arange(6.0, dtype=np.float32).reshape(2, 3), float("inf")),
        (np.arange(6.0, dtype=np.float32).reshape(2, 3), float("nan")),
        (np.arange(6.0, dtype=np.float32).reshape(2, 3), True),
    ],
)
def test_constant_value_follows_the_dtype(array, value):
    compare_with_torch(_pad((1, 1, 1, 0), value=value), array, grad=False)


def test_value_may_be_a_tensor():
    out = F.pad(nr.zeros(1, 2), (1, 0), value=nr.tensor(3.0))
    assert out.tolist() == [[3.0, 0.0, 0.0]]


@pytest.mark.parametrize("mode", ("constant", *INDEX_MODES))
@pytest.mark.parametrize(
    "shape, pad", [((2, 4), (1, 2)), ((1, 3, 4), (2, -1, 0, 1)), ((1, 1, 3, 3, 3), (1,) * 6)]
)
def test_gradients_second_order(rng, mode, shape, pad):
    check_gradients(
        lambda x: F.pad(x, pad, mode=mode), rng.standard_normal(shape), second_order=True
    )


def test_constant_gradient_with_a_value(rng):
    check_gradients(
        lambda x: F.pad(x, (2, -1, 1, 1), value=3.0),
        rng.standard_normal((2, 3, 4)),
        second_order=True,
    )


# NumPy's np.pad names the modes differently; it takes no negative amounts.
NUMPY_MODES = {
    "constant": "constant",
    "reflect": "reflect",
    "replicate": "edge",
    "circular": "wrap",
}


@pytest.mark.parametrize("mode", NUMPY_MODES)
@pytest.mark.parametrize(
    "shape, pad",
    [((2, 3, 5), (1, 2)), ((2, 4, 5), (2, 0, 1, 3)), ((1, 2, 3, 4, 5), (1, 1, 2, 0, 0, 2))],
)
def test_matches_numpy_pad(rng, mode, shape, pad):
    x = rng.standard_normal(shape)
    widths = [(0, 0)] * (len(shape) - len(pad) // 2)
    widths += [(pad[k], pad[k + 1]) for k in range(len(pad) - 2, -1, -2)]
    expected = np.pad(x, widths, mode=NUMPY_MODES[mode])
    np.testing.assert_array_equal(F.pad(nr.tensor(x), pad, mode=mode).numpy(), expected)


def test_circular_wraps_a_cropped_input_more_than_once():
    # (-2, 4) crops 2 entries, then pads 4 > 3 kept: wraps around twice. PyTorch returns
    # these values for non-contiguous inputs, but its gradient then misses a term.
    x = nr.arange(5.0, requires_grad=True)
    out = F.pad(x.reshape(1, 5), (-2, 4), mode="circular")
    assert out.tolist() == [[2.0, 3.0, 4.0, 2.0, 3.0, 4.0, 2.0]]
    out.sum().backward()
    assert x.grad.tolist() == [0.0, 0.0, 3.0, 2.0, 2.0]


def test_accepts_a_list_or_size():
    x = nr.ones(1, 2, 3)
    assert F.pad(x, [1, 0]).shape == (1, 2, 4)
    assert F.pad(x, x.shape[1:], mode="replicate").shape == (1, 2, 8)


@pytest.mark.parametrize(
    "shape, dtype, pad, mode, value, error, match",
    [
        ((2, 3), "float32", (1,), "constant", None, RuntimeError, "must be divisible by 2"),
        ((2, 3), "float32", (1,) * 6, "constant", None, RuntimeError, "got padding length 6"),
        ((), "float32", (1, 1), "reflect", None, RuntimeError, "input of dimension 0"),
        ((2, 3), "float32", 1, "constant", None, TypeError, "must be tuple of ints, not int"),
        ((2, 3), "float32", (1.0, 1), "constant", None, TypeError, "type float at pos 0"),
        ((2, 3), "float32", (True, 1), "constant", None, TypeError, "type bool at pos 0"),
        ((2, 3), "float32", (1, 1), None, None, TypeError, "'mode' must be str"),
        ((2, 3), "float32", (1, 1), "zeros", None, NotImplementedError, "Unrecognised padding"),
        ((2, 3), "float32", (1, 1), "constant", 1j, TypeError, "'value' must be float"),
        ((2, 3), "float32", (-2, -2), "constant", None, RuntimeError, "must be non-negative"),
        ((2, 3), "float32", (1, -4), "constant", None, RuntimeError, "must be non-negative"),
        ((2, 3), "uint8", (1, 1), "constant", -1, RuntimeError, "without overflow"),
        ((2, 3), "int8", (1, 1), "constant", 127.5, RuntimeError, "without overflow"),
        ((2, 3), "int32", (1, 1), "constant", float("nan"), RuntimeError, "without overflow"),
        ((2, 3), "float32", (1, 1), "constant", 1e300, RuntimeError, "without overflow"),
        ((1, 2, 3), "float32", (1, 1), "reflect", 2.0, RuntimeError, "doesn't take in value"),
        ((3,), "float32", (1, 1), "reflect", None, NotImplementedError, "for 1D input tensor"),
        ((1, 1, 3, 3), "float32", (1, 1), "circular", None, NotImplementedError, "for 4D input"),
        ((1, 3, 3), "float32", (1,) * 6, "replicate", None, NotImplementedError, "for 3D input"),
        (
            (1, 1, 3),
            "float32",
            (3, 3),
            "reflect",
            None,
            RuntimeError,
            r"Argument #4: .* padding \(3, 3\) at dimension 2 of input \[1, 1, 3\]",
        ),
        ((1, 3, 4), "float32", (0, 0, 1, 3), "reflect", None, RuntimeError, "Argument #6"),
        ((1, 3, 4, 4), "float32", (0, 0, 0, 0, 3, 0), "reflect", None, RuntimeError, "Argument #8"),
        ((1, 3), "float32", (-2, -1), "reflect", None, RuntimeError, "is too small"),
        ((1, 3, 3), "float32", (-2, -1, -3, 0), "replicate", None, RuntimeError, "is too small"),
        ((1, 3, 3), "float32", (-2, -2, 0, 0), "replicate", None, RuntimeError, "is too small"),
        ((1, 0, 3), "float32", (1, 1), "reflect", None, RuntimeError, "non-zero dimensions"),
        ((0, 3), "float32", (1, 1), "replicate", None, RuntimeError, "non-zero dimensions"),
        ((1, 2, 3), "bool", (1, 1), "reflect", None, NotImplementedError, "reflection_pad1d"),
        (
            (1, 2, 3),
            "bool",
            (1, 1, 1, 1),
            "replicate",
            None,
            NotImplementedError,
            "replication_pad2d",
        ),
        ((1, 1, 3), "float32", (4, 0), "circular", None, RuntimeError, "wrapping around more"),
        ((1, 1, 3), "float32", (-2, -2), "circular", None, RuntimeError, "empty dimension"),
        ((1, 1, 3), "float32", (-3, 3), "circular", None, RuntimeError, "nothing to wrap"),
    ],
)
def test_errors(shape, dtype, pad, mode, value, error, match):
    x = nr.zeros(shape, dtype=getattr(nr, dtype))
    with pytest.raises(error, match=match):
        F.pad(x, pad, mode=mode, value=value)


def test_input_must_be_a_tensor():
    with pytest.raises(TypeError, match="'input' must be Tensor, not list"):
        F.pad([1.0, 2.0], (1, 1))


# -- modules -----------------------------------------------------------------------------------

MODULE_CASES = [
    ("ZeroPad1d", (2,), (2, 3, 4)),
    ("ZeroPad2d", ((1, 0, -1, 2),), (3, 4, 4)),
    ("ZeroPad3d", (1,), (1, 2, 2, 2)),
    ("ConstantPad1d", ((0, 2), 1.5), (3, 4)),
    ("ConstantPad2d", (1, -2), (1, 2, 3, 3)),
    ("ConstantPad3d", ((1, 0, 0, 1, 2, 0), 0.5), (1, 2, 2, 2)),
    ("ReflectionPad1d", (2,), (2, 3, 4)),
    ("ReflectionPad2d", ((1, 2, 0, 1),), (3, 4, 4)),
    ("ReflectionPad3d", (1,), (1, 2, 2, 3, 2)),
    ("ReplicationPad1d", ((3, 1),), (3, 4)),
    ("ReplicationPad2d", (2,), (1, 2, 3, 3)),
    ("ReplicationPad3d", ((1, 0, 0, 1, 2, 0),), (1, 2, 2, 2)),
    ("CircularPad1d", (1,), (2, 3, 4)),
    ("CircularPad2d", ([1, 2, 0, 1],), (3, 4, 4)),
    ("CircularPad3d", (1,), (1, 2, 2, 2, 2)),
]


@pytest.mark.parametrize("name, args, shape", MODULE_CASES)
def test_modules_match_torch(rng, name, args, shape):
    torch = pytest.importorskip("torch")
    ours, theirs = getattr(nr.nn, name)(*args), getattr(torch.nn, name)(*args)
    assert repr(ours) == repr(theirs)
    assert ours.padding == theirs.padding and isinstance(ours.padding, tuple)
    assert list(ours.parameters()) == [] and ours.state_dict() == {}
    compare_with_torch(lambda lib, x: getattr(lib.nn, name)(*args)(x), rng.standard_normal(shape))


def test_zero_pad_is_a_constant_pad():
    layer = nr.nn.ZeroPad2d(1)
    assert isinstance(layer, nr.nn.ConstantPad2d) and layer.value == 0.0


@pytest.mark.parametrize("name", ["CircularPad1d", "CircularPad2d", "CircularPad3d"])
def test_circular_modules_check_the_input_dims(name):
    with pytest.raises(ValueError, match=r"expected \dD or \dD input \(got 1D input\)"):
        getattr(nr.nn, name)(1)(nr.ones(3))
