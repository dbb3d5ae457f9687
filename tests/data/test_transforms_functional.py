"""Functional image ops against Pillow, PyTorch (resize, grid_sample) and NumPy references.

The test image is smooth (sines of slowly varying phase), so a pixel-level
rounding difference between two implementations changes a value by at most 1,
and a one-pixel geometric error changes it by much more (neighbours differ by
up to ~17): exact or +-1 comparisons therefore catch geometry mistakes.
"""

from __future__ import annotations

import colorsys
import math
from functools import partial

import numpy as np
import pytest

import neurarust as nr
from neurarust.data.transforms import functional as F

Image = pytest.importorskip("PIL.Image")
IM = F.InterpolationMode
HEIGHT, WIDTH = 31, 40


def smooth_rgb(height: int = HEIGHT, width: int = WIDTH) -> np.ndarray:
    yy, xx = np.mgrid[0:height, 0:width]
    channels = [
        127 + 120 * np.sin(xx / 7.0),
        127 + 120 * np.cos(yy / 5.0),
        127 + 100 * np.sin((xx + yy) / 9.0),
    ]
    return np.stack(channels, -1).round().astype(np.uint8)


def as_tensor(hwc: np.ndarray) -> nr.Tensor:
    return nr.from_numpy(np.ascontiguousarray(np.moveaxis(hwc, -1, 0)))


def as_hwc(image: object) -> np.ndarray:
    if isinstance(image, nr.Tensor):
        return np.moveaxis(image.numpy(), 0, -1).astype(np.int64)
    return np.asarray(image).astype(np.int64)


@pytest.fixture(scope="module")
def rgb() -> np.ndarray:
    return smooth_rgb()


def max_difference(op, rgb: np.ndarray, interior: np.ndarray | None = None) -> int:
    """Largest |PIL - tensor| of ``op`` applied to the same picture in both forms."""
    from_pil, from_tensor = as_hwc(op(Image.fromarray(rgb))), as_hwc(op(as_tensor(rgb)))
    assert from_pil.shape == from_tensor.shape
    difference = np.abs(from_pil - from_tensor)
    return int(difference[interior].max() if interior is not None else difference.max())


# Geometry and padding Pillow and the tensor path must agree on exactly. The nearest
# rotations/affine maps use parameters for which no source coordinate lies within 1e-5
# of a rounding tie, where Pillow's 16.16 fixed-point coordinates may round either way.
EXACT = {
    "hflip": F.hflip,
    "vflip": F.vflip,
    "crop inside": lambda im: F.crop(im, 3, 5, 12, 20),
    "crop past the edges": lambda im: F.crop(im, -2, 30, 40, 14),
    "center_crop smaller": lambda im: F.center_crop(im, [11, 16]),
    "center_crop larger (pads)": lambda im: F.center_crop(im, [34, 45]),
    "center_crop mixed": lambda im: F.center_crop(im, 35),
    **{
        f"pad {mode}": partial(F.pad, padding=[3, 1, 2, 4], fill=(9, 8, 7), padding_mode=mode)
        for mode in ("constant", "edge", "reflect", "symmetric")
    },
    "pad negative crops": lambda im: F.pad(im, [2, -3], padding_mode="edge"),
    "pad int fill": lambda im: F.pad(im, 2, fill=200),
    "resize nearest-exact down": lambda im: F.resize(
        im, [13, 17], IM.NEAREST_EXACT if isinstance(im, nr.Tensor) else IM.NEAREST
    ),
    "resize nearest-exact up": lambda im: F.resize(
        im, [50, 64], IM.NEAREST_EXACT if isinstance(im, nr.Tensor) else IM.NEAREST
    ),
    "rotate 30 nearest fill": lambda im: F.rotate(im, 30, fill=[10, 20, 30]),
    "rotate -47 nearest expand": lambda im: F.rotate(im, -47, expand=True),
    "rotate about a point": lambda im: F.rotate(im, 26, center=[8, 13]),
    "affine nearest": lambda im: F.affine(im, 16, [3, -2], 1.13, [9, 4]),
    "affine nearest about a point": lambda im: F.affine(im, -8, [1, 2], 0.77, 12, center=[5, 9]),
}


@pytest.mark.parametrize("op", EXACT.values(), ids=EXACT.keys())
def test_tensor_matches_pillow_exactly(op, rgb):
    assert max_difference(op, rgb) == 0


# Pillow computes in 8-bit integers (fixed-point resampling weights, truncating blends,
# a mean rounded to an integer for contrast) where we compute in float32 and round once:
# values may differ by one grey level.
WITHIN_ONE = {
    "resize bilinear down": lambda im: F.resize(im, [13, 17]),
    "resize bilinear up": lambda im: F.resize(im, [50, 71]),
    "resize bicubic down": lambda im: F.resize(im, 15, IM.BICUBIC),
    "resize bicubic up": lambda im: F.resize(im, [62, 80], IM.BICUBIC),
    "resized_crop": lambda im: F.resized_crop(im, 4, 6, 20, 25, [9, 12]),
    "adjust_brightness": lambda im: F.adjust_brightness(im, 1.3),
    "adjust_brightness dark": lambda im: F.adjust_brightness(im, 0.4),
    "adjust_contrast": lambda im: F.adjust_contrast(im, 0.6),
    "adjust_contrast high": lambda im: F.adjust_contrast(im, 1.8),
    "adjust_saturation": lambda im: F.adjust_saturation(im, 1.7),
    "adjust_saturation grey": lambda im: F.adjust_saturation(im, 0.0),
    "rgb_to_grayscale": lambda im: F.rgb_to_grayscale(im, 3),
    "gaussian_blur": lambda im: F.gaussian_blur(im, [5, 3], [1.5, 0.8]),
    "gaussian_blur default sigma": lambda im: F.gaussian_blur(im, 7),
}


@pytest.mark.parametrize("op", WITHIN_ONE.values(), ids=WITHIN_ONE.keys())
def test_tensor_matches_pillow_within_one_level(op, rgb):
    assert max_difference(op, rgb) <= 1


BILINEAR_GEOMETRY = {
    "rotate": lambda im: F.rotate(im, 33, IM.BILINEAR),
    "rotate about a point": lambda im: F.rotate(im, -21, IM.BILINEAR, center=[30, 5]),
    "affine": lambda im: F.affine(im, 12, [2, 3], 1.2, [5, -6], IM.BILINEAR),
    "affine shrink": lambda im: F.affine(im, -30, [0, 0], 0.7, 0, IM.BILINEAR, center=[5, 9]),
}


@pytest.mark.parametrize("op", BILINEAR_GEOMETRY.values(), ids=BILINEAR_GEOMETRY.keys())
def test_bilinear_geometry_matches_pillow_inside_the_image(op, rgb):
    # Where a pixel's taps reach outside the image Pillow and torchvision differ by
    # design (Pillow clamps to the edge, torchvision blends with the fill), so only
    # pixels whose taps all fall inside are compared: those where a white image stays
    # white. Pillow's 8-bit bilinear weights allow one grey level.
    white = nr.from_numpy(np.full((1, HEIGHT, WIDTH), 255, np.uint8))
    inside = op(white).numpy()[0] == 255
    assert inside.mean() > 0.3
    assert max_difference(op, rgb, inside) <= 1


@pytest.mark.parametrize("factor", [-0.4, 0.1, 0.3])
def test_adjust_hue_matches_pillow_within_its_8_bit_hsv(rgb, factor):
    # Pillow stores hue, saturation and value in 8 bits and shifts the hue by
    # int(255 * factor) steps of 1/256 turn: up to two hue steps off, each moving a
    # channel by up to 6 * chroma / 256 ~ 5.6 levels here, and S, V rounding adds ~2.
    assert max_difference(partial(F.adjust_hue, hue_factor=factor), rgb) <= 14


# -- against PyTorch ------------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["nearest", "nearest-exact", "bilinear", "bicubic"])
@pytest.mark.parametrize("antialias", [True, False])
@pytest.mark.parametrize("size", [(9, 11), (40, 31), (17, 50)])
def test_resize_matches_torch_interpolate(mode, antialias, size):
    torch = pytest.importorskip("torch")
    x = np.random.default_rng(0).random((2, 3, 17, 23)).astype(np.float32)
    ours = F.resize(nr.from_numpy(x), list(size), IM(mode), antialias=antialias).numpy()
    options = {} if "nearest" in mode else {"align_corners": False, "antialias": antialias}
    expected = torch.nn.functional.interpolate(torch.from_numpy(x), size, mode=mode, **options)
    np.testing.assert_allclose(ours, expected.numpy(), atol=1e-5)


def torch_rotate_reference(x: np.ndarray, angle: float, mode: str, fill: list | None):
    """torchvision's tensor rotate: grid_sample(align_corners=False), then a ones channel
    sampled alongside gives the share of each pixel inside the image, blended with fill."""
    torch = pytest.importorskip("torch")
    tf = torch.nn.functional
    height, width = x.shape[-2:]
    turn = math.radians(angle)
    # Output pixel -> input pixel (counter-clockwise turn of the picture, y pointing down),
    # in coordinates normalised to [-1, 1] by each axis's half size.
    theta = torch.tensor(
        [
            [math.cos(turn), -math.sin(turn) * height / width, 0.0],
            [math.sin(turn) * width / height, math.cos(turn), 0.0],
        ],
        dtype=torch.float64,
    )[None]
    image = torch.from_numpy(x)[None].double()
    grid = tf.affine_grid(theta, list(image.shape), align_corners=False)
    if fill is None:
        return tf.grid_sample(image, grid, mode, "zeros", align_corners=False)[0].numpy()
    with_ones = torch.cat([image, torch.ones_like(image[:, :1])], 1)
    sampled = tf.grid_sample(with_ones, grid, mode, "zeros", align_corners=False)[0]
    inside = sampled[-1:]
    colour = torch.tensor(fill, dtype=torch.float64)[:, None, None]
    return (sampled[:-1] * inside + (1 - inside) * colour).numpy()


@pytest.mark.parametrize("mode", ["nearest", "bilinear"])
@pytest.mark.parametrize("fill", [None, [0.2, 0.5, 0.9]])
@pytest.mark.parametrize("angle", [17.0, -64.0])
def test_rotate_matches_torchvision_formula_including_borders(mode, fill, angle):
    x = np.random.default_rng(1).random((3, 12, 15))
    ours = F.rotate(nr.from_numpy(x), angle, IM(mode), fill=fill).numpy()
    np.testing.assert_allclose(ours, torch_rotate_reference(x, angle, mode, fill), atol=1e-6)


# -- against NumPy ----------------------------------------------------------------------------


def float_image(channels: int = 3, seed: int = 2) -> np.ndarray:
    return np.random.default_rng(seed).random((channels, 9, 11))


def luma(x: np.ndarray) -> np.ndarray:
    return 0.299 * x[0] + 0.587 * x[1] + 0.114 * x[2]


COLOUR_REFERENCES = {
    "brightness": (
        lambda t: F.adjust_brightness(t, 1.6),
        lambda x: np.clip(1.6 * x, 0, 1),
    ),
    "contrast": (
        lambda t: F.adjust_contrast(t, 1.4),
        lambda x: np.clip(1.4 * x - 0.4 * luma(x).mean(), 0, 1),
    ),
    "saturation": (
        lambda t: F.adjust_saturation(t, 0.3),
        lambda x: np.clip(0.3 * x + 0.7 * luma(x), 0, 1),
    ),
    "grayscale": (lambda t: F.rgb_to_grayscale(t), lambda x: luma(x)[None]),
    "grayscale 3": (lambda t: F.rgb_to_grayscale(t, 3), lambda x: np.stack([luma(x)] * 3)),
}


@pytest.mark.parametrize("op, reference", COLOUR_REFERENCES.values(), ids=COLOUR_REFERENCES.keys())
def test_colour_ops_match_numpy_formulas(op, reference):
    x = float_image()
    np.testing.assert_allclose(op(nr.from_numpy(x)).numpy(), reference(x), atol=1e-12)


@pytest.mark.parametrize("factor", [-0.5, -0.2, 0.0, 0.25, 0.5])
def test_adjust_hue_matches_colorsys(factor):
    x = float_image()
    expected = np.empty_like(x)
    for i, j in np.ndindex(x.shape[1:]):
        h, s, v = colorsys.rgb_to_hsv(*x[:, i, j])
        expected[:, i, j] = colorsys.hsv_to_rgb((h + factor) % 1.0, s, v)
    np.testing.assert_allclose(F.adjust_hue(nr.from_numpy(x), factor).numpy(), expected, atol=1e-12)


@pytest.mark.parametrize("kernel_size, sigma", [(3, 1.0), ([5, 3], [2.0, 0.5]), (7, None)])
def test_gaussian_blur_matches_a_2d_numpy_correlation(kernel_size, sigma):
    x = float_image()
    kx, ky = (kernel_size, kernel_size) if isinstance(kernel_size, int) else kernel_size
    sx, sy = (sigma, sigma) if isinstance(sigma, float) else sigma or (0.15 * kx + 0.35,) * 2

    def gauss(size, s):
        g = np.exp(-0.5 * ((np.arange(size) - size // 2) / s) ** 2)
        return g / g.sum()

    kernel = np.outer(gauss(ky, sy), gauss(kx, sx))
    padded = np.pad(x, [(0, 0), (ky // 2, ky // 2), (kx // 2, kx // 2)], mode="reflect")
    expected = sum(
        kernel[i, j] * padded[:, i : i + x.shape[1], j : j + x.shape[2]]
        for i in range(ky)
        for j in range(kx)
    )
    ours = F.gaussian_blur(nr.from_numpy(x), kernel_size, sigma).numpy()
    np.testing.assert_allclose(ours, expected, atol=1e-12)


def test_affine_integer_translation_is_a_shift_with_zero_fill():
    x = np.arange(1, 1 + 3 * 6 * 7, dtype=np.float32).reshape(3, 6, 7)
    expected = np.zeros_like(x)
    expected[:, 2:, :-3] = x[:, :-2, 3:]  # dx = -3, dy = +2
    out = F.affine(nr.from_numpy(x), 0.0, [-3, 2], 1.0, 0.0)
    np.testing.assert_array_equal(out.numpy(), expected)


def test_affine_with_minus_the_angle_is_rotate():
    x = float_image()
    turned = F.rotate(nr.from_numpy(x), 25.0, IM.BILINEAR, fill=0.5).numpy()
    mapped = F.affine(nr.from_numpy(x), -25.0, [0, 0], 1.0, 0.0, IM.BILINEAR, fill=0.5).numpy()
    np.testing.assert_allclose(turned, mapped, atol=1e-12)


@pytest.mark.parametrize("angle", [90, 180, 270])
def test_right_angle_rotations_are_numpy_rot90(angle):
    x = np.arange(3 * 8 * 8).reshape(3, 8, 8).astype(np.uint8)
    out = F.rotate(nr.from_numpy(x), angle).numpy()
    np.testing.assert_array_equal(out, np.rot90(x, angle // 90, axes=(1, 2)))


def test_erase_copies_unless_inplace():
    x = np.ones((2, 3, 5, 6), np.float32)
    image = nr.from_numpy(x.copy())
    out = F.erase(image, 1, 2, 3, 2, nr.tensor([[[7.0]], [[8.0]], [[9.0]]]))
    expected = x.copy()
    expected[:, :, 1:4, 2:4] = np.array([7.0, 8.0, 9.0])[:, None, None]
    np.testing.assert_array_equal(out.numpy(), expected)
    np.testing.assert_array_equal(image.numpy(), x)
    assert F.erase(image, 0, 0, 1, 1, 0.0, inplace=True) is image
    assert image.numpy()[0, 0, 0, 0] == 0.0


# -- batches, dtypes, shapes --------------------------------------------------------------------

BATCHABLE = {
    "resize": lambda im: F.resize(im, [7, 13]),
    "rotate": lambda im: F.rotate(im, 31, IM.BILINEAR, fill=0),
    "pad": lambda im: F.pad(im, [1, 2, 3, 4], padding_mode="symmetric"),
    "contrast": lambda im: F.adjust_contrast(im, 0.5),
    "hue": lambda im: F.adjust_hue(im, 0.2),
    "blur": lambda im: F.gaussian_blur(im, 3, 0.7),
    "grayscale": lambda im: F.rgb_to_grayscale(im),
    "hflip": F.hflip,
}


@pytest.mark.parametrize("op", BATCHABLE.values(), ids=BATCHABLE.keys())
def test_a_batch_gives_each_image_its_own_result(op):
    batch = np.random.default_rng(3).random((4, 3, 10, 12)).astype(np.float32)
    together = op(nr.from_numpy(batch)).numpy()
    one_by_one = np.stack([op(nr.from_numpy(image)).numpy() for image in batch])
    np.testing.assert_allclose(together, one_by_one, atol=1e-6)
    assert together.dtype == np.float32


@pytest.mark.parametrize("op", BATCHABLE.values(), ids=BATCHABLE.keys())
def test_uint8_images_are_the_rounded_float_results(op):
    image = smooth_rgb(10, 12)
    as_uint8 = op(as_tensor(image)).numpy()
    as_float = op(nr.from_numpy(np.moveaxis(image, -1, 0) / 255.0)).numpy()
    assert as_uint8.dtype == np.uint8
    assert np.abs(as_uint8.astype(float) - as_float * 255).max() <= 0.5 + 1e-6


def test_sizes():
    t, pil = nr.zeros(2, 3, 10, 20), Image.new("RGB", (20, 10))
    assert F.get_dimensions(t) == F.get_dimensions(pil) == [3, 10, 20]
    assert F.get_image_size(t) == F.get_image_size(pil) == [20, 10]
    assert F.get_image_num_channels(nr.zeros(10, 20)) == 1
    assert F.get_image_num_channels(Image.new("L", (4, 4))) == 1


@pytest.mark.parametrize(
    "size, max_size, expected",
    [(8, None, (8, 16)), ([8], None, (8, 16)), ((5, 7), None, (5, 7)), (8, 12, (6, 12))],
)
def test_resize_output_size(size, max_size, expected):
    out = F.resize(nr.zeros(1, 10, 20), size, max_size=max_size)
    pil = F.resize(Image.new("L", (20, 10)), size, max_size=max_size)
    assert tuple(out.shape[-2:]) == expected == (pil.height, pil.width)


def test_palette_images_keep_their_palette():
    image = Image.fromarray(np.arange(20, dtype=np.uint8).reshape(4, 5)).convert("P")
    image.putpalette([v for i in range(256) for v in (i, 255 - i, 7)])
    padded = F.pad(image, 1, padding_mode="reflect")
    assert padded.mode == "P" and padded.getpalette() == image.getpalette()


# -- errors ---------------------------------------------------------------------------------------

ERRORS = [
    (lambda: F.hflip(np.zeros((3, 4, 4))), TypeError, "hflip: img should be a PIL Image"),
    (lambda: F.get_dimensions(nr.zeros(5)), TypeError, "shape (..., H, W)"),
    (lambda: F.pad(nr.zeros(1, 4, 4), [1, 2, 3]), ValueError, "not a 3 element tuple"),
    (lambda: F.pad(nr.zeros(1, 4, 4), "1"), TypeError, "inappropriate padding"),
    (lambda: F.pad(nr.zeros(1, 4, 4), 1, padding_mode="wrap"), ValueError, "Padding mode"),
    (lambda: F.pad(nr.zeros(1, 4, 4), 1, fill="red"), TypeError, "inappropriate fill"),
    (lambda: F.pad(nr.zeros(3, 4, 4), 1, fill=[1, 2]), ValueError, "(2 != 3)"),
    (lambda: F.resize(nr.zeros(1, 4, 4), [1, 2, 3]), ValueError, "not a 3 element"),
    (lambda: F.resize(nr.zeros(1, 4, 4), 8, max_size=8), ValueError, "max_size = 8"),
    (lambda: F.resize(nr.zeros(1, 4, 4), [8, 8], max_size=9), ValueError, "max_size should"),
    (lambda: F.resize(nr.zeros(1, 4, 4), 2, "bilinear"), TypeError, "InterpolationMode"),
    (lambda: F.resize(nr.zeros(1, 4, 4), 2, IM.LANCZOS), ValueError, "tensors support"),
    (lambda: F.rotate(nr.zeros(1, 4, 4), 3, IM.BICUBIC), ValueError, "tensors support"),
    (lambda: F.affine(nr.zeros(1, 4, 4), 0, [1], 1, 0), ValueError, "length 2"),
    (lambda: F.affine(nr.zeros(1, 4, 4), 0, [0, 0], 0, 0), ValueError, "scale should be pos"),
    (lambda: F.affine(nr.zeros(1, 4, 4), "0", [0, 0], 1, 0), TypeError, "angle should be"),
    (lambda: F.adjust_brightness(nr.zeros(3, 4, 4), -1), ValueError, "(-1) is not non-neg"),
    (lambda: F.adjust_contrast(nr.zeros(4, 4, 4), 1), TypeError, "permitted channel"),
    (lambda: F.adjust_hue(nr.zeros(3, 4, 4), 0.6), ValueError, "not in [-0.5, 0.5]"),
    (lambda: F.rgb_to_grayscale(nr.zeros(3, 4, 4), 2), ValueError, "either 1 or 3"),
    (lambda: F.gaussian_blur(nr.zeros(1, 4, 4), 4), ValueError, "odd and positive"),
    (lambda: F.gaussian_blur(nr.zeros(1, 4, 4), 3, 0), ValueError, "positive values"),
    (lambda: F.gaussian_blur(nr.zeros(1, 4, 4), [3, 3, 3]), ValueError, "length should be 2"),
    (lambda: F.erase(Image.new("L", (4, 4)), 0, 0, 1, 1, 0), TypeError, "should be a Tensor"),
]


@pytest.mark.parametrize("call, error, message", ERRORS)
def test_errors(call, error, message):
    with pytest.raises(error, match=None) as info:
        call()
    assert message in str(info.value)
