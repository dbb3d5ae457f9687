"""pixel_shuffle, pixel_unshuffle, interpolate and the upsampling modules against PyTorch."""

import warnings

import numpy as np
import pytest

import neurarust as nr
import neurarust.nn.functional as F

from ..conftest import check_gradients, compare_with_torch, torch


def functional(lib):
    """``neurarust.nn.functional`` or ``torch.nn.functional``, by library."""
    return F if lib is nr else torch.nn.functional


# -- pixel shuffle ----------------------------------------------------------------------

SHUFFLE_CASES = [  # (op, input shape, factor)
    ("pixel_shuffle", (1, 8, 2, 3), 2),
    ("pixel_shuffle", (8, 2, 3), 2),
    ("pixel_shuffle", (2, 1, 9, 1, 2), 3),
    ("pixel_shuffle", (1, 4, 2, 2), 1),
    ("pixel_unshuffle", (1, 2, 4, 6), 2),
    ("pixel_unshuffle", (2, 6, 3), 3),
    ("pixel_unshuffle", (2, 1, 1, 4, 2), 2),
]


@pytest.mark.parametrize("op, shape, factor", SHUFFLE_CASES)
def test_pixel_shuffle_matches_torch(op, shape, factor, rng):
    fn = lambda lib, x: getattr(functional(lib), op)(x, factor)  # noqa: E731
    compare_with_torch(fn, rng.standard_normal(shape).astype(np.float32))
    compare_with_torch(fn, np.arange(np.prod(shape)).reshape(shape), grad=False)


@pytest.mark.parametrize("op, shape, factor", SHUFFLE_CASES[:2] + SHUFFLE_CASES[4:5])
def test_pixel_shuffle_gradients(op, shape, factor, rng):
    fn = getattr(F, op)
    check_gradients(lambda x: fn(x, factor), rng.standard_normal(shape), second_order=True)


def test_pixel_shuffle_inverts_unshuffle(rng):
    x = nr.from_numpy(rng.standard_normal((2, 3, 4, 6)).astype(np.float32))
    assert nr.equal(F.pixel_shuffle(F.pixel_unshuffle(x, 2), 2), x)


def test_pixel_shuffle_factor_one_copies():
    x = nr.ones(1, 2, 2, 2)
    F.pixel_shuffle(x, 1).zero_()
    assert x.sum().item() == 8


# -- interpolate: values and gradients --------------------------------------------------

NEAREST_SPECS = [  # (input shape, arguments)
    ((2, 3, 5), {"size": 7}),
    ((2, 3, 5), {"scale_factor": 0.5}),
    ((2, 1, 3), {"size": [6]}),
    ((1, 2, 3, 4), {"size": (5, 2)}),
    ((1, 2, 3, 4), {"scale_factor": 2}),
    ((1, 2, 4, 3), {"scale_factor": (1.7, 0.6)}),
    ((1, 2, 4, 3), {"scale_factor": 1.3, "recompute_scale_factor": True}),
    ((1, 1, 2, 3, 4), {"size": (3, 5, 2)}),
    ((1, 1, 2, 3, 2), {"scale_factor": (2, 1.5, 0.5)}),
]
INTERPOLATING_SPECS = [  # (mode, input shape, arguments)
    ("linear", (2, 3, 5), {"size": 8}),
    ("linear", (2, 3, 5), {"scale_factor": 0.6}),
    ("linear", (1, 2, 4), {"size": 1}),
    ("linear", (1, 2, 1), {"scale_factor": 3}),
    ("bilinear", (1, 2, 3, 4), {"size": (5, 7)}),
    ("bilinear", (2, 1, 4, 5), {"scale_factor": (0.5, 1.5)}),
    ("bilinear", (1, 2, 3, 3), {"scale_factor": 2.3, "recompute_scale_factor": True}),
    ("bilinear", (1, 1, 3, 3), {"scale_factor": 2.3, "recompute_scale_factor": False}),
    ("bicubic", (1, 2, 4, 3), {"size": (6, 2)}),
    ("bicubic", (1, 1, 3, 4), {"scale_factor": 1.5}),
    ("trilinear", (1, 2, 2, 3, 4), {"size": (3, 2, 5)}),
    ("trilinear", (1, 1, 3, 2, 2), {"scale_factor": (0.7, 2, 1.5)}),
]
INTERPOLATE_CASES = [
    *[
        (mode, shape, spec)
        for mode in ("nearest", "nearest-exact", "area")
        for shape, spec in NEAREST_SPECS
    ],
    *[
        (mode, shape, {**spec, "align_corners": corners})
        for corners in (False, True)
        for mode, shape, spec in INTERPOLATING_SPECS
    ],
]


def case_id(case):
    mode, shape, spec = case
    return f"{mode}-{'x'.join(map(str, shape))}-" + "-".join(f"{k}={v}" for k, v in spec.items())


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("case", INTERPOLATE_CASES, ids=case_id)
def test_interpolate_matches_torch(case, dtype, rng):
    mode, shape, spec = case
    compare_with_torch(
        lambda lib, x: functional(lib).interpolate(x, mode=mode, **spec),
        rng.standard_normal(shape).astype(dtype),
        atol=1e-5 if mode != "bicubic" else 5e-5,
    )


GRADIENT_CASES = [
    ("nearest", (1, 1, 3), {"size": 5}),
    ("nearest-exact", (1, 1, 3, 2), {"scale_factor": (1.5, 0.5)}),
    ("nearest", (1, 1, 2, 1, 2), {"scale_factor": 2}),
    ("linear", (1, 2, 3), {"size": 5, "align_corners": True}),
    ("bilinear", (1, 1, 3, 2), {"size": (2, 3)}),
    ("bicubic", (1, 1, 2, 3), {"scale_factor": 1.5, "align_corners": True}),
    ("trilinear", (1, 1, 2, 2, 2), {"size": (3, 1, 2)}),
    ("area", (1, 2, 5, 3), {"size": (2, 4)}),
]


@pytest.mark.parametrize("case", GRADIENT_CASES, ids=case_id)
def test_interpolate_gradients(case, rng):
    mode, shape, spec = case
    check_gradients(
        lambda x: F.interpolate(x, mode=mode, **spec),
        rng.standard_normal(shape),
        second_order=True,
    )


def sweep(n, scales, max_size):
    """Every output size below ``max_size``, and the scale factors that give a non-empty
    output from ``n`` elements."""
    sizes = [{"size": m} for m in range(1, max_size)]
    return sizes + [{"scale_factor": s} for s in scales if n * s >= 1]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("mode", ["nearest", "nearest-exact"])
def test_nearest_picks_the_same_elements_as_torch(mode, dtype):
    # An arange input makes each output element the index it was read from: a sweep over
    # sizes and scale factors checks the rounding of the source positions exactly.
    for n in range(1, 10):
        ours_in = nr.arange(n, dtype=getattr(nr, dtype)).reshape(1, 1, n)
        theirs_in = torch.arange(n, dtype=getattr(torch, dtype)).reshape(1, 1, n)
        for spec in sweep(n, (0.3, 0.5, 0.7, 1.1, 1.5, 2.5, 3.0, 3.7), max_size=20):
            ours = F.interpolate(ours_in, mode=mode, **spec).numpy()
            theirs = torch.nn.functional.interpolate(theirs_in, mode=mode, **spec).numpy()
            np.testing.assert_array_equal(ours, theirs, err_msg=f"n={n}, {spec}")


@pytest.mark.parametrize("align_corners", [False, True])
def test_linear_weights_match_torch_over_sizes(align_corners):
    for n in range(1, 8):
        x = np.random.default_rng(n).standard_normal((1, 1, n)).astype(np.float32)
        for spec in sweep(n, (0.4, 0.75, 1.6, 2.0, 3.3), max_size=16):
            kwargs = {"mode": "linear", "align_corners": align_corners, **spec}
            ours = F.interpolate(nr.from_numpy(x), **kwargs).numpy()
            theirs = torch.nn.functional.interpolate(torch.from_numpy(x), **kwargs).numpy()
            np.testing.assert_allclose(ours, theirs, atol=1e-6, err_msg=f"n={n}, {spec}")


def test_nearest_gradient_follows_the_forward_where_torch_does_not():
    # 2 elements scaled by 1.1 give 2 outputs, both read from element 0 (PyTorch's 1-D
    # kernel agrees). PyTorch's backward copies the gradient instead when the sizes
    # match; ours sends it where the values came from.
    x = nr.tensor([[[0.0, 1.0]]], requires_grad=True)
    y = F.interpolate(x, scale_factor=1.1)
    y.backward(nr.tensor([[[1.0, 10.0]]]))
    theirs = torch.nn.functional.interpolate(torch.tensor([[[0.0, 1.0]]]), scale_factor=1.1)
    assert y.tolist() == theirs.tolist() == [[[0.0, 0.0]]]
    assert x.grad.tolist() == [[[11.0, 0.0]]]


def test_interpolate_uint8_and_float16_like_torch(rng):
    compare_with_torch(
        lambda lib, x: functional(lib).interpolate(x, scale_factor=1.5),
        rng.integers(0, 255, (1, 2, 3, 4)).astype(np.uint8),
    )
    compare_with_torch(
        lambda lib, x: functional(lib).interpolate(x, size=(5, 2), mode="bilinear"),
        rng.standard_normal((1, 2, 3, 4)).astype(np.float16),
        atol=2e-3,
        rtol=2e-3,
        grad=False,
    )


def test_interpolate_empty_batch():
    out = F.interpolate(nr.zeros(0, 2, 3), size=5, mode="linear")
    assert out.shape == (0, 2, 5)


# -- deprecated aliases -----------------------------------------------------------------

ALIASES = [  # (alias, its arguments, the equivalent interpolate arguments)
    ("upsample", {"scale_factor": 2, "mode": "bilinear"}, {"scale_factor": 2, "mode": "bilinear"}),
    ("upsample_nearest", {"size": (3, 5)}, {"size": (3, 5), "mode": "nearest"}),
    (
        "upsample_bilinear",
        {"scale_factor": 1.5},
        {"scale_factor": 1.5, "mode": "bilinear", "align_corners": True},
    ),
]


@pytest.mark.parametrize("name, args, equivalent", ALIASES)
def test_deprecated_aliases_warn_and_interpolate(name, args, equivalent, rng):
    x = rng.standard_normal((1, 2, 3, 4)).astype(np.float32)
    with pytest.warns(UserWarning) as ours:
        out = getattr(F, name)(nr.from_numpy(x), **args)
    with pytest.warns(UserWarning) as theirs:
        getattr(torch.nn.functional, name)(torch.from_numpy(x), **args)
    assert str(ours[0].message) == str(theirs[0].message)
    assert ours[0].filename == __file__  # the warning points at the caller
    assert nr.equal(out, F.interpolate(nr.from_numpy(x), **equivalent))


# -- errors -----------------------------------------------------------------------------

X3, X4 = np.zeros((1, 2, 3), np.float32), np.zeros((1, 2, 3, 4), np.float32)
ERROR_CASES = {  # name: (call on functional f, input array)
    "size_and_scale": (lambda f, x: f.interpolate(x, size=3, scale_factor=2), X4),
    "neither": (lambda f, x: f.interpolate(x), X4),
    "size_rank": (lambda f, x: f.interpolate(x, size=(2, 3, 4)), X4),
    "scale_rank": (lambda f, x: f.interpolate(x, scale_factor=(2, 3, 4)), X4),
    "recompute_with_size": (lambda f, x: f.interpolate(x, size=3, recompute_scale_factor=True), X4),
    "align_corners_nearest": (lambda f, x: f.interpolate(x, size=3, align_corners=True), X4),
    "align_corners_area": (
        lambda f, x: f.interpolate(x, size=3, mode="area", align_corners=True),
        X4,
    ),
    "align_corners_exact": (
        lambda f, x: f.interpolate(x, size=3, mode="nearest-exact", align_corners=False),
        X4,
    ),
    "linear_on_4d": (lambda f, x: f.interpolate(x, size=3, mode="linear"), X4),
    "bilinear_on_3d": (lambda f, x: f.interpolate(x, size=3, mode="bilinear"), X3),
    "trilinear_on_4d": (lambda f, x: f.interpolate(x, size=3, mode="trilinear"), X4),
    "bicubic_on_3d": (lambda f, x: f.interpolate(x, size=3, mode="bicubic"), X3),
    "2d_input": (lambda f, x: f.interpolate(x, size=3), np.zeros((2, 3), np.float32)),
    "unknown_mode": (lambda f, x: f.interpolate(x, size=3, mode="bogus"), X4),
    "zero_size": (lambda f, x: f.interpolate(x, size=(0, 3)), X4),
    "small_scale": (lambda f, x: f.interpolate(x, scale_factor=0.1), X4),
    "negative_scale": (lambda f, x: f.interpolate(x, scale_factor=-2), X4),
    "float_size": (lambda f, x: f.interpolate(x, size=(2.0, 3)), X4),
    "antialias_nearest": (lambda f, x: f.interpolate(x, size=3, antialias=True), X4),
    "shuffle_rank": (lambda f, x: f.pixel_shuffle(x, 2), np.zeros((8, 2), np.float32)),
    "shuffle_channels": (lambda f, x: f.pixel_shuffle(x, 2), np.zeros((1, 7, 2, 3), np.float32)),
    "shuffle_zero": (lambda f, x: f.pixel_shuffle(x, 0), X4),
    "shuffle_negative": (lambda f, x: f.pixel_shuffle(x, -2), X4),
    "shuffle_float": (lambda f, x: f.pixel_shuffle(x, 2.0), X4),
    "unshuffle_height": (lambda f, x: f.pixel_unshuffle(x, 2), X4),
    "unshuffle_width": (lambda f, x: f.pixel_unshuffle(x, 2), np.zeros((1, 2, 4, 5), np.float32)),
    "unshuffle_rank": (lambda f, x: f.pixel_unshuffle(x, 2), np.zeros((2, 4), np.float32)),
    "unshuffle_zero": (lambda f, x: f.pixel_unshuffle(x, 0), X4),
}
# PyTorch's message comes from its argument parser or a C++ macro: only the type is compared.
# bicubic_on_3d: ours names the rank bicubic needs (PyTorch's message lists every mode).
TYPE_ONLY = {"float_size", "shuffle_float", "bicubic_on_3d"}


@pytest.mark.parametrize("name", sorted(ERROR_CASES))
def test_errors_like_torch(name):
    call, x = ERROR_CASES[name]
    with pytest.raises(Exception) as theirs:
        call(torch.nn.functional, torch.from_numpy(x))
    with pytest.raises(theirs.type) as ours:
        call(F, nr.from_numpy(x))
    if name not in TYPE_ONLY:
        assert str(theirs.value) in str(ours.value)
    op = "pixel_" if "shuffle" in name else "interpolate"
    assert op in str(ours.value)


@pytest.mark.parametrize(
    "mode, dtype",
    [("nearest", nr.int64), ("linear", nr.uint8), ("bilinear", nr.int32), ("area", nr.int64)],
)
def test_integer_inputs_are_refused_as_torch(mode, dtype):
    x = nr.zeros((1, 1, 2, 2)[: 3 if mode == "linear" else 4], dtype=dtype)
    with pytest.raises(NotImplementedError, match=f"interpolate: mode '{mode}' is not implemented"):
        F.interpolate(x, size=3, mode=mode)


@pytest.mark.parametrize(
    "kwargs, message",
    [({"mode": "bilinear", "antialias": True}, "antialias=True is not supported")],
)
def test_unsupported_options(kwargs, message):
    with pytest.raises(NotImplementedError, match=message):
        F.interpolate(nr.zeros(1, 1, 2, 2), size=3, **kwargs)


# -- modules ----------------------------------------------------------------------------

MODULES = [  # (class name, constructor arguments, input shape)
    ("PixelShuffle", {"upscale_factor": 2}, (1, 8, 2, 3)),
    ("PixelUnshuffle", {"downscale_factor": 2}, (1, 2, 4, 2)),
    ("Upsample", {"scale_factor": 2}, (1, 2, 3)),
    ("Upsample", {"size": (3, 5), "mode": "bilinear", "align_corners": True}, (1, 2, 2, 2)),
    ("Upsample", {"scale_factor": (2, 1.5), "mode": "bicubic"}, (1, 1, 2, 4)),
    ("Upsample", {"scale_factor": 0.5, "recompute_scale_factor": True}, (1, 1, 5, 4)),
    ("Upsample", {"size": 4, "mode": "nearest-exact"}, (1, 1, 3, 2, 2)),
    ("UpsamplingNearest2d", {"scale_factor": 3}, (1, 2, 2, 3)),
    ("UpsamplingNearest2d", {"size": (4, 3)}, (1, 2, 2, 3)),
    ("UpsamplingBilinear2d", {"scale_factor": 2}, (2, 1, 2, 3)),
    ("UpsamplingBilinear2d", {"size": 3}, (2, 1, 2, 3)),
]


@pytest.mark.parametrize("name, kwargs, shape", MODULES)
def test_modules_match_torch(name, kwargs, shape, rng):
    ours, theirs = getattr(nr.nn, name)(**kwargs), getattr(torch.nn, name)(**kwargs)
    assert repr(ours) == repr(theirs)
    assert list(ours.state_dict()) == list(theirs.state_dict()) == []
    compare_with_torch(
        lambda lib, x: (ours if lib is nr else theirs)(x),
        rng.standard_normal(shape).astype(np.float32),
        atol=5e-5,
    )


def test_upsample_repr_without_arguments():
    expected = "Upsample(size=None, mode='nearest')"
    assert repr(nr.nn.Upsample()) == repr(torch.nn.Upsample()) == expected


def test_upsample_module_keeps_float_scale():
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the module classes do not warn, as in PyTorch
        module = nr.nn.UpsamplingNearest2d(scale_factor=2)
    assert module.scale_factor == 2.0 and isinstance(module.scale_factor, float)
    assert nr.nn.Upsample(scale_factor=(2, 3)).scale_factor == (2.0, 3.0)
