"""conv1d/2d/3d and conv_transpose1d/2d/3d against PyTorch, gradchecks and errors."""

from __future__ import annotations

import weakref

import numpy as np
import pytest

import neurarust as nr
import neurarust.nn.functional as F
from tests.conftest import check_gradients, compare_with_torch

OPS = {1: "conv1d", 2: "conv2d", 3: "conv3d"}
TRANSPOSED = {1: "conv_transpose1d", 2: "conv_transpose2d", 3: "conv_transpose3d"}

# (input shape, weight shape, keyword arguments); the op follows from the weight's dims.
CONV_CASES = {
    "1d": ((2, 3, 9), (4, 3, 3), {}),
    "1d-stride-pad": ((2, 3, 10), (4, 3, 3), {"stride": 2, "padding": 1}),
    "1d-dilation": ((2, 2, 11), (3, 2, 3), {"dilation": 2, "padding": 2}),
    "1d-same-odd": ((2, 3, 8), (4, 3, 5), {"padding": "same"}),
    "1d-same-even": ((2, 3, 9), (4, 3, 4), {"padding": "same"}),
    "1d-same-even-dilated": ((2, 3, 9), (4, 3, 2), {"padding": "same", "dilation": 3}),
    "1d-valid": ((2, 3, 7), (2, 3, 3), {"padding": "valid"}),
    "1d-groups": ((2, 4, 7), (6, 2, 3), {"groups": 2}),
    "1d-depthwise": ((2, 4, 7), (4, 1, 3), {"groups": 4, "padding": 1}),
    "1d-batch1": ((1, 2, 6), (3, 2, 2), {}),
    "1d-unbatched": ((2, 6), (3, 2, 2), {"padding": 1}),
    "2d": ((2, 3, 6, 5), (4, 3, 3, 3), {"padding": 1}),
    "2d-mixed": (
        (2, 3, 9, 8),
        (4, 3, 3, 2),
        {"stride": (2, 1), "padding": (1, 0), "dilation": (1, 2)},
    ),
    "2d-same-even": ((2, 2, 7, 6), (3, 2, 2, 4), {"padding": "same"}),
    "2d-same-dilated": ((1, 2, 7, 6), (3, 2, 3, 2), {"padding": "same", "dilation": (2, 1)}),
    "2d-valid": ((2, 2, 5, 6), (3, 2, 2, 3), {"padding": "valid"}),
    "2d-groups": ((2, 6, 5, 5), (9, 2, 3, 3), {"groups": 3, "stride": 2}),
    "2d-depthwise": ((2, 3, 6, 7), (6, 1, 3, 3), {"groups": 3, "padding": 1}),
    "2d-pointwise": ((2, 5, 4, 3), (3, 5, 1, 1), {}),
    "2d-pointwise-strided": ((2, 5, 5, 4), (3, 5, 1, 1), {"stride": 2}),
    "2d-pointwise-groups": ((2, 4, 3, 3), (6, 2, 1, 1), {"groups": 2}),
    "2d-odd": ((3, 1, 7, 5), (2, 1, 4, 3), {"stride": 3, "padding": (2, 1)}),
    "2d-kernel-covers-input": ((2, 2, 3, 4), (3, 2, 3, 4), {}),
    "2d-unbatched": ((2, 5, 5), (3, 2, 3, 3), {"stride": 2}),
    "3d": ((2, 2, 4, 5, 4), (3, 2, 2, 3, 2), {}),
    "3d-mixed": (
        (2, 2, 5, 4, 6),
        (2, 2, 3, 2, 3),
        {"stride": (2, 1, 2), "padding": 1, "dilation": (1, 2, 1)},
    ),
    "3d-same-even": ((1, 2, 4, 4, 5), (3, 2, 2, 3, 2), {"padding": "same"}),
    "3d-groups": ((2, 4, 3, 4, 3), (4, 2, 2, 2, 2), {"groups": 2, "padding": (0, 1, 0)}),
    "3d-depth-1": ((2, 2, 1, 4, 5), (3, 2, 1, 3, 3), {"padding": (0, 1, 1)}),
    "3d-unbatched": ((2, 3, 4, 3), (2, 2, 2, 2, 2), {"padding": 1}),
}

TRANSPOSED_CASES = {
    "1d": ((2, 3, 5), (3, 4, 3), {}),
    "1d-stride": ((2, 3, 5), (3, 2, 3), {"stride": 2, "padding": 1, "output_padding": 1}),
    "1d-dilation": ((2, 2, 6), (2, 3, 3), {"dilation": 2, "padding": 2, "output_padding": 1}),
    "1d-groups": ((2, 4, 5), (4, 3, 2), {"groups": 2, "stride": 3}),
    "1d-unbatched": ((3, 5), (3, 2, 2), {"stride": 2}),
    "2d": ((2, 3, 4, 5), (3, 2, 3, 3), {"padding": 1}),
    "2d-stride": (
        (2, 2, 4, 3),
        (2, 3, 3, 2),
        {"stride": (2, 3), "padding": (1, 0), "output_padding": (1, 2)},
    ),
    "2d-dilation": (
        (1, 2, 4, 4),
        (2, 2, 2, 3),
        {"dilation": (2, 1), "stride": 2, "output_padding": 1},
    ),
    "2d-depthwise": ((2, 3, 4, 4), (3, 1, 3, 3), {"groups": 3, "stride": 2, "padding": 1}),
    "2d-pointwise": ((2, 4, 3, 3), (4, 3, 1, 1), {}),
    "2d-unbatched": ((2, 3, 4), (2, 3, 2, 2), {"stride": 2, "padding": 1}),
    "3d": ((2, 2, 3, 3, 2), (2, 3, 2, 2, 2), {"stride": 2, "padding": 1, "output_padding": 1}),
    "3d-groups": ((1, 4, 2, 3, 3), (4, 1, 3, 2, 2), {"groups": 2, "dilation": (1, 2, 1)}),
}


def _arrays(rng: np.random.Generator, dtype: str, *shapes: tuple[int, ...]) -> list[np.ndarray]:
    return [rng.standard_normal(shape).astype(dtype) for shape in shapes]


def _tolerances(dtype: str) -> dict[str, float]:
    return {"atol": 1e-4, "rtol": 1e-4} if dtype == "float32" else {"atol": 1e-10, "rtol": 1e-8}


@pytest.mark.filterwarnings("ignore:Using padding='same'")  # torch's note on its own copy
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("bias", [True, False], ids=["bias", "no-bias"])
@pytest.mark.parametrize("case", CONV_CASES.values(), ids=CONV_CASES.keys())
def test_conv_matches_torch(case, bias, dtype, rng):
    input_shape, weight_shape, kwargs = case
    op = OPS[len(weight_shape) - 2]
    x, w, b = _arrays(rng, dtype, input_shape, weight_shape, weight_shape[:1])

    def run(lib, x, w, b=None):
        return getattr(lib.nn.functional, op)(x, w, b, **kwargs)

    compare_with_torch(run, x, w, *([b] if bias else []), **_tolerances(dtype))


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("bias", [True, False], ids=["bias", "no-bias"])
@pytest.mark.parametrize("case", TRANSPOSED_CASES.values(), ids=TRANSPOSED_CASES.keys())
def test_conv_transpose_matches_torch(case, bias, dtype, rng):
    input_shape, weight_shape, kwargs = case
    op = TRANSPOSED[len(weight_shape) - 2]
    out_channels = weight_shape[1] * kwargs.get("groups", 1)
    x, w, b = _arrays(rng, dtype, input_shape, weight_shape, (out_channels,))

    def run(lib, x, w, b=None):
        return getattr(lib.nn.functional, op)(x, w, b, **kwargs)

    compare_with_torch(run, x, w, *([b] if bias else []), **_tolerances(dtype))


def test_conv_contiguous_inputs_and_integer_dtype(rng):
    x, w = _arrays(rng, "float32", (2, 3, 6, 6), (4, 3, 3, 3))
    out = compare_with_torch(
        lambda lib, x, w: lib.nn.functional.conv2d(x, w, padding=1), x, w, contiguous=True
    )
    assert out.is_contiguous()
    ints = [rng.integers(-3, 4, shape) for shape in ((2, 3, 5, 5), (2, 3, 2, 2), (2,))]
    compare_with_torch(lambda lib, x, w, b: lib.nn.functional.conv2d(x, w, b), *ints)


def test_empty_batch(rng):
    x, w = _arrays(rng, "float32", (0, 3, 5, 5), (4, 3, 3, 3))
    compare_with_torch(lambda lib, x, w: lib.nn.functional.conv2d(x, w), x, w)


GRADCHECK_CASES = {
    "conv1d-same-even": (F.conv1d, (2, 2, 5), (3, 2, 4), {"padding": "same"}),
    "conv2d-groups": (
        F.conv2d,
        (2, 4, 5, 4),
        (4, 2, 3, 2),
        {"stride": 2, "padding": 1, "groups": 2},
    ),
    "conv2d-pointwise": (F.conv2d, (2, 3, 3, 2), (2, 3, 1, 1), {}),
    "conv3d": (F.conv3d, (1, 2, 3, 3, 3), (2, 2, 2, 2, 1), {"padding": (1, 0, 0), "dilation": 2}),
    "conv_transpose1d": (
        F.conv_transpose1d,
        (2, 3, 4),
        (3, 2, 3),
        {"stride": 2, "padding": 1, "output_padding": 1, "dilation": 2},
    ),
    "conv_transpose2d-groups": (
        F.conv_transpose2d,
        (1, 4, 3, 2),
        (4, 1, 2, 2),
        {"groups": 2, "stride": (1, 2)},
    ),
    "conv_transpose3d": (F.conv_transpose3d, (1, 2, 2, 2, 2), (2, 1, 2, 1, 2), {"stride": 2}),
}


@pytest.mark.parametrize("case", GRADCHECK_CASES.values(), ids=GRADCHECK_CASES.keys())
def test_gradients_of_first_and_second_order(case, rng):
    op, input_shape, weight_shape, kwargs = case
    transposed = "transpose" in op.__name__
    out_channels = weight_shape[1] * kwargs.get("groups", 1) if transposed else weight_shape[0]
    x, w, b = _arrays(rng, "float64", input_shape, weight_shape, (out_channels,))
    check_gradients(lambda x, w, b: op(x, w, b, **kwargs), x, w, b, second_order=True)


def test_backward_frees_the_saved_columns(rng):
    x, w = (nr.from_numpy(a) for a in _arrays(rng, "float32", (2, 3, 5, 5), (4, 3, 3, 3)))
    out = F.conv2d(x, w.requires_grad_(), padding=1)
    columns = weakref.ref(out.grad_fn.saved_tensors[2]._data)
    out.sum().backward()
    assert columns() is None


def test_no_graph_without_grad(rng):
    x, w = (nr.from_numpy(a) for a in _arrays(rng, "float32", (2, 3, 5, 5), (4, 3, 3, 3)))
    assert F.conv2d(x, w.requires_grad_()).grad_fn is not None
    with nr.no_grad():
        assert F.conv2d(x, w).grad_fn is None


def _t(*shape: int, dtype=nr.float32) -> nr.Tensor:
    return nr.zeros(*shape, dtype=dtype)


ERROR_CASES = {
    "channels": (
        lambda: F.conv2d(_t(2, 4, 5, 5), _t(8, 3, 3, 3)),
        RuntimeError,
        r"conv2d: Given groups=1, weight of size \[8, 3, 3, 3\], expected input\[2, 4, 5, 5\] "
        r"to have 3 channels, but got 4 channels instead",
    ),
    "group-channels": (
        lambda: F.conv2d(_t(2, 5, 5, 5), _t(6, 2, 3, 3), groups=3),
        RuntimeError,
        r"Given groups=3, weight of size \[6, 2, 3, 3\], expected input\[2, 5, 5, 5\] to have 6",
    ),
    "groups-divide-weight": (
        lambda: F.conv2d(_t(2, 6, 5, 5), _t(8, 3, 3, 3), groups=3),
        RuntimeError,
        r"Given groups=3, expected weight to be divisible by 3 at dimension 0",
    ),
    "groups-positive": (
        lambda: F.conv1d(_t(2, 6, 5), _t(6, 3, 3), groups=0),
        RuntimeError,
        "non-positive groups is not supported",
    ),
    "groups-type": (lambda: F.conv1d(_t(2, 6, 5), _t(6, 3, 3), groups=1.5), TypeError, "groups"),
    "same-strided": (
        lambda: F.conv2d(_t(2, 3, 5, 5), _t(8, 3, 3, 3), stride=2, padding="same"),
        RuntimeError,
        "padding='same' is not supported for strided convolutions",
    ),
    "padding-string": (
        lambda: F.conv2d(_t(2, 3, 5, 5), _t(8, 3, 3, 3), padding="full"),
        RuntimeError,
        "Invalid padding string: 'full'",
    ),
    "too-small": (
        lambda: F.conv2d(_t(2, 3, 2, 5), _t(8, 3, 3, 3)),
        RuntimeError,
        r"conv2d: input of spatial size \(2, 5\) .* too small for kernel size \(3, 3\)",
    ),
    "negative-padding": (
        lambda: F.conv1d(_t(2, 3, 5), _t(8, 3, 3), padding=-1),
        RuntimeError,
        "conv1d: padding must be at least 0",
    ),
    "zero-stride": (
        lambda: F.conv3d(_t(1, 1, 3, 3, 3), _t(1, 1, 1, 1, 1), stride=(1, 0, 1)),
        RuntimeError,
        "conv3d: stride must be at least 1",
    ),
    "stride-length": (
        lambda: F.conv2d(_t(2, 3, 5, 5), _t(8, 3, 3, 3), stride=(1, 2, 3)),
        RuntimeError,
        "stride must be an int or a tuple of 2 ints",
    ),
    "input-dims": (
        lambda: F.conv2d(_t(3, 5), _t(8, 3, 3, 3)),
        RuntimeError,
        r"conv2d: expected a 3-D \(unbatched\) or 4-D \(batched\) input",
    ),
    "weight-dims": (
        lambda: F.conv2d(_t(2, 3, 5, 5), _t(8, 3, 3)),
        RuntimeError,
        r"conv2d: expected weight of shape \(out_channels, in_channels / groups, \*kernel",
    ),
    "bias-shape": (
        lambda: F.conv2d(_t(2, 3, 5, 5), _t(8, 3, 3, 3), _t(7)),
        RuntimeError,
        r"expected bias to be 1-dimensional with 8 elements, but got bias of size \[7\]",
    ),
    "dtypes": (
        lambda: F.conv2d(_t(2, 3, 5, 5), _t(8, 3, 3, 3, dtype=nr.float64)),
        RuntimeError,
        "conv2d: expected input and weight to have the same dtype",
    ),
    "bias-dtype": (
        lambda: F.conv1d(_t(2, 3, 5), _t(8, 3, 3), _t(8, dtype=nr.float64)),
        RuntimeError,
        "conv1d: expected input and bias to have the same dtype",
    ),
    "bool": (
        lambda: F.conv1d(_t(2, 3, 5, dtype=nr.bool), _t(8, 3, 3, dtype=nr.bool)),
        NotImplementedError,
        "conv1d",
    ),
    "not-a-tensor": (lambda: F.conv1d(np.zeros((2, 3, 5)), _t(8, 3, 3)), TypeError, "input"),
    "output-padding": (
        lambda: F.conv_transpose2d(_t(2, 8, 5, 5), _t(8, 3, 3, 3), stride=2, output_padding=2),
        RuntimeError,
        "output padding must be smaller than either stride or dilation",
    ),
    "transposed-channels": (
        lambda: F.conv_transpose2d(_t(2, 7, 5, 5), _t(8, 3, 3, 3)),
        RuntimeError,
        r"Given transposed=1, weight of size \[8, 3, 3, 3\], expected input\[2, 7, 5, 5\] to "
        "have 8 channels, but got 7 channels instead",
    ),
    "transposed-bias": (
        lambda: F.conv_transpose1d(_t(2, 8, 5), _t(8, 3, 3), _t(8)),
        RuntimeError,
        "expected bias to be 1-dimensional with 3 elements",
    ),
    "transposed-too-small": (
        lambda: F.conv_transpose2d(_t(2, 8, 1, 1), _t(8, 3, 3, 3), padding=3),
        RuntimeError,
        r"conv_transpose2d: .* gives the output size \(-3, -3\), which is too small",
    ),
    "transposed-padding-string": (
        lambda: F.conv_transpose1d(_t(2, 8, 5), _t(8, 3, 3), padding="same"),
        TypeError,
        "conv_transpose1d: padding must be an int or a tuple of 1 ints",
    ),
}


@pytest.mark.parametrize("case", ERROR_CASES.values(), ids=ERROR_CASES.keys())
def test_errors(case):
    call, error, message = case
    with pytest.raises(error, match=message):
        call()
