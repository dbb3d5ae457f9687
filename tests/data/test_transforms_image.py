"""Image transform classes: random parameters, reproducibility, p = 0 / 1, batches, reprs, errors.

The pixel arithmetic is checked in test_transforms_functional.py; here the
classes are checked against direct calls of the functional ops with the
parameters their ``get_params`` drew, and against NumPy.
"""

from __future__ import annotations

import numpy as np
import pytest

import neurarust as nr
from neurarust.data import transforms as T
from neurarust.data.transforms import functional as F

Image = pytest.importorskip("PIL.Image")


def picture(channels: int = 3, height: int = 24, width: int = 30, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 256, (channels, height, width), np.uint8)


def to_pil(chw: np.ndarray):
    return Image.fromarray(np.ascontiguousarray(np.moveaxis(chw, 0, -1)))


def pixels(image) -> np.ndarray:
    if isinstance(image, nr.Tensor):
        return image.numpy()
    return np.moveaxis(np.asarray(image), -1, 0)


RANDOM_TRANSFORMS = {
    "RandomCrop": lambda: T.RandomCrop(20, padding=3, fill=(1, 2, 3)),
    "RandomCrop reflect": lambda: T.RandomCrop((16, 22), padding=[2, 5], padding_mode="reflect"),
    "RandomResizedCrop": lambda: T.RandomResizedCrop(12, interpolation=T.InterpolationMode.NEAREST),
    "RandomHorizontalFlip": lambda: T.RandomHorizontalFlip(),
    "RandomVerticalFlip": lambda: T.RandomVerticalFlip(),
    "RandomRotation": lambda: T.RandomRotation(40, fill=[5, 6, 7]),
    "RandomAffine": lambda: T.RandomAffine(20, (0.1, 0.2), (0.8, 1.2), (-5, 5, -3, 3)),
    "ColorJitter": lambda: T.ColorJitter(0.4, 0.4, 0.4, 0.1),
    "RandomGrayscale": lambda: T.RandomGrayscale(0.5),
    "GaussianBlur": lambda: T.GaussianBlur(5, (0.5, 2.0)),
    "RandomErasing": lambda: T.RandomErasing(value="random"),
}


@pytest.mark.parametrize("make", RANDOM_TRANSFORMS.values(), ids=RANDOM_TRANSFORMS.keys())
def test_manual_seed_replays_the_random_choices(make):
    transform = make()
    image = nr.from_numpy(picture())

    def run(seed: int) -> list[np.ndarray]:
        nr.manual_seed(seed)
        return [transform(image).numpy() for _ in range(6)]

    first, again, other = run(5), run(5), run(6)
    assert all(np.array_equal(a, b) for a, b in zip(first, again))
    assert not all(np.array_equal(a, b) for a, b in zip(first, other))


# (transform, largest level difference, share of pixels allowed to differ more):
# Pillow's 8-bit bilinear weights may round one level differently, and at random
# angles a source coordinate may fall within Pillow's fixed-point error of a
# rounding tie, so a rare pixel comes from the neighbouring source pixel.
PIL_AGREES = {
    "RandomCrop": (RANDOM_TRANSFORMS["RandomCrop"], 0, 0.0),
    "RandomCrop reflect": (RANDOM_TRANSFORMS["RandomCrop reflect"], 0, 0.0),
    "RandomHorizontalFlip": (T.RandomHorizontalFlip, 0, 0.0),
    "RandomVerticalFlip": (T.RandomVerticalFlip, 0, 0.0),
    "RandomResizedCrop": (lambda: T.RandomResizedCrop(12), 1, 0.0),
    "RandomRotation": (RANDOM_TRANSFORMS["RandomRotation"], 0, 0.01),
}


@pytest.mark.parametrize("make, levels, share", PIL_AGREES.values(), ids=PIL_AGREES.keys())
def test_pil_and_tensor_inputs_get_the_same_draws_and_pixels(make, levels, share):
    transform, image = make(), picture()
    for seed in range(4):
        nr.manual_seed(seed)
        from_tensor = pixels(transform(nr.from_numpy(image))).astype(int)
        nr.manual_seed(seed)
        from_pil = pixels(transform(to_pil(image))).astype(int)
        assert from_tensor.shape == from_pil.shape
        assert np.mean(np.abs(from_tensor - from_pil) > levels) <= share


@pytest.mark.parametrize("make", RANDOM_TRANSFORMS.values(), ids=RANDOM_TRANSFORMS.keys())
def test_a_batch_gets_one_set_of_parameters(make):
    transform = make()
    batch = np.stack([picture(seed=s) for s in range(3)])
    nr.manual_seed(1)
    together = transform(nr.from_numpy(batch)).numpy()
    for index, image in enumerate(batch):
        nr.manual_seed(1)
        np.testing.assert_array_equal(together[index], transform(nr.from_numpy(image)).numpy())


PROBABILITY = {
    "RandomHorizontalFlip": (T.RandomHorizontalFlip, F.hflip),
    "RandomVerticalFlip": (T.RandomVerticalFlip, F.vflip),
    "RandomGrayscale": (T.RandomGrayscale, lambda t: F.rgb_to_grayscale(t, 3)),
}


@pytest.mark.parametrize("cls, always", PROBABILITY.values(), ids=PROBABILITY.keys())
def test_probability_zero_and_one(cls, always):
    image = nr.from_numpy(picture())
    assert all(cls(p=0.0)(image) is image for _ in range(20))
    expected = always(image).numpy()
    assert all(np.array_equal(cls(p=1.0)(image).numpy(), expected) for _ in range(20))


@pytest.mark.parametrize("cls", [T.RandomHorizontalFlip, T.RandomGrayscale, T.RandomErasing])
def test_probability_is_the_share_of_changed_images(cls):
    nr.manual_seed(0)
    image = nr.from_numpy(picture())
    changed = [cls(p=0.3)(image) is not image for _ in range(2000)]
    assert abs(np.mean(changed) - 0.3) < 0.04  # 4 standard deviations of a binomial mean


def test_random_crop_is_a_uniformly_placed_window_of_the_padded_image():
    nr.manual_seed(0)
    image = picture(1, 6, 7)
    padded = np.pad(image, [(0, 0), (2, 2), (2, 2)])
    crop = T.RandomCrop(6, padding=2)
    seen = []
    for _ in range(1500):
        out = crop(nr.from_numpy(image)).numpy()
        places = [
            (i, j)
            for i in range(5)
            for j in range(6)
            if np.array_equal(padded[:, i : i + 6, j : j + 6], out)
        ]
        assert len(places) == 1
        seen.append(places[0][0] * 6 + places[0][1])
    counts = np.bincount(seen, minlength=30)
    assert counts.min() > 25 and counts.max() < 80  # expected 50 per window


def test_random_crop_pad_if_needed_pads_both_sides_by_the_shortfall():
    image = nr.from_numpy(picture(1, 5, 8))
    out = T.RandomCrop((9, 8), pad_if_needed=True, fill=7)(image).numpy()
    assert out.shape == (1, 9, 8)
    assert (out == 7).sum() >= 4 * 8  # at least the 9 - 5 missing rows are padding


def test_random_resized_crop_draws_boxes_within_scale_and_ratio():
    nr.manual_seed(0)
    image = nr.zeros(3, 60, 80)
    for _ in range(300):
        top, left, height, width = T.RandomResizedCrop.get_params(image, (0.2, 0.6), (0.5, 2.0))
        assert 0 <= top <= 60 - height and 0 <= left <= 80 - width
        # sides are rounded, so allow one pixel on each side
        assert 0.2 * 4800 - 140 <= height * width <= 0.6 * 4800 + 140
        assert 0.5 - 0.1 <= width / height <= 2.0 + 0.1


@pytest.mark.parametrize(
    "size, ratio, expected",
    [((40, 100), (0.75, 1.3333), (0, 23, 40, 53)), ((100, 40), (0.75, 1.3333), (23, 0, 53, 40))],
)
def test_random_resized_crop_falls_back_to_a_central_box(size, ratio, expected):
    # scale > 1 makes every try fail, so the aspect ratio is clamped into ``ratio``
    image = nr.zeros(1, *size)
    assert T.RandomResizedCrop.get_params(image, (2.0, 3.0), ratio) == expected


@pytest.mark.parametrize(
    "degrees, expected", [(30, (-30.0, 30.0)), ((10, 50), (10.0, 50.0)), ([-5, 0], (-5.0, 0.0))]
)
def test_random_rotation_angles_cover_the_range(degrees, expected):
    nr.manual_seed(0)
    transform = T.RandomRotation(degrees)
    angles = [transform.get_params(transform.degrees) for _ in range(2000)]
    assert (
        expected[0] <= min(angles) < expected[0] + 1
        and expected[1] - 1 < max(angles) <= expected[1]
    )


def test_random_affine_parameters_stay_in_their_ranges():
    nr.manual_seed(0)
    for _ in range(500):
        angle, (dx, dy), scale, (sx, sy) = T.RandomAffine.get_params(
            [-10, 20], [0.1, 0.25], [0.8, 1.1], [-5, 5, 2, 3], [40, 20]
        )
        assert -10 <= angle <= 20 and 0.8 <= scale <= 1.1
        assert abs(dx) <= 4 and abs(dy) <= 5 and isinstance(dx, int)
        assert -5 <= sx <= 5 and 2 <= sy <= 3


def test_random_affine_applies_the_drawn_parameters():
    image = nr.from_numpy(picture())
    transform = T.RandomAffine(15, translate=(0.1, 0.1), shear=10, fill=9)
    nr.manual_seed(3)
    out = transform(image).numpy()
    nr.manual_seed(3)
    angle, shift, scale, shear = transform.get_params(
        [-15, 15], (0.1, 0.1), None, [-10, 10], [30, 24]
    )
    np.testing.assert_array_equal(
        out, F.affine(image, angle, list(shift), scale, list(shear), fill=9).numpy()
    )


def test_color_jitter_draws_an_order_and_factors_in_range():
    nr.manual_seed(0)
    jitter = T.ColorJitter(brightness=0.5, contrast=(0.2, 0.3), hue=0.1)
    assert jitter.saturation is None and jitter.brightness == (0.5, 1.5)
    orders = set()
    for _ in range(300):
        order, b, c, s, h = jitter.get_params(jitter.brightness, jitter.contrast, None, jitter.hue)
        orders.add(tuple(order))
        assert sorted(order) == [0, 1, 2, 3] and s is None
        assert 0.5 <= b <= 1.5 and 0.2 <= c <= 0.3 and -0.1 <= h <= 0.1
    assert len(orders) == 24


def test_color_jitter_with_one_fixed_factor_is_that_adjustment():
    image = nr.from_numpy(picture())
    out = T.ColorJitter(saturation=(1.7, 1.7))(image).numpy()
    np.testing.assert_array_equal(out, F.adjust_saturation(image, 1.7).numpy())


def test_gaussian_blur_uses_the_drawn_sigma():
    image = nr.from_numpy(picture())
    nr.manual_seed(4)
    out = T.GaussianBlur((5, 3), (0.5, 1.5))(image).numpy()
    nr.manual_seed(4)
    sigma = T.GaussianBlur.get_params(0.5, 1.5)
    assert 0.5 <= sigma <= 1.5
    np.testing.assert_array_equal(out, F.gaussian_blur(image, [5, 3], sigma).numpy())


@pytest.mark.parametrize("value", [0, [10, 20, 30], "random"])
def test_random_erasing_overwrites_one_box_of_the_drawn_size(value):
    nr.manual_seed(0)
    image = np.full((3, 40, 50), 255, np.uint8)
    erasing = T.RandomErasing(p=1.0, scale=(0.05, 0.2), ratio=(0.5, 2.0), value=value)
    for _ in range(50):
        out = erasing(nr.from_numpy(image)).numpy()
        rows, cols = np.nonzero((out != 255).any(axis=0))
        height, width = np.ptp(rows) + 1, np.ptp(cols) + 1
        assert 0.05 * 2000 - 60 <= height * width <= 0.2 * 2000 + 60
        if value != "random":
            expected = np.broadcast_to(np.reshape(value, (-1, 1, 1)), (3, height, width))
            np.testing.assert_array_equal(
                out[:, rows.min() : rows.max() + 1, cols.min() : cols.max() + 1], expected
            )


def test_random_erasing_inplace_and_no_fitting_box():
    image = nr.ones(3, 8, 8)
    assert T.RandomErasing(p=1.0, inplace=True)(image) is image
    assert (image.numpy() == 0).any()
    untouched = nr.ones(3, 8, 8)
    assert T.RandomErasing(p=1.0, scale=(0.99, 1.0))(untouched) is untouched


def test_deterministic_transforms_are_their_functional_ops():
    image = nr.from_numpy(picture())
    cases = [
        (T.Resize(12), F.resize(image, 12)),
        (
            T.Resize([10, 9], T.InterpolationMode.BICUBIC),
            F.resize(image, [10, 9], T.InterpolationMode.BICUBIC),
        ),
        (T.CenterCrop((10, 30)), F.center_crop(image, [10, 30])),
        (T.Pad([1, 2], fill=4, padding_mode="constant"), F.pad(image, [1, 2], fill=4)),
        (T.Grayscale(3), F.rgb_to_grayscale(image, 3)),
    ]
    for transform, expected in cases:
        np.testing.assert_array_equal(transform(image).numpy(), expected.numpy())


REPRS = [
    (T.Resize(8), "Resize(size=8, interpolation=bilinear, max_size=None, antialias=True)"),
    (T.CenterCrop(5), "CenterCrop(size=(5, 5))"),
    (T.Pad(2), "Pad(padding=2, fill=0, padding_mode=constant)"),
    (T.RandomCrop(28, padding=2), "RandomCrop(size=(28, 28), padding=2)"),
    (
        T.RandomResizedCrop(32),
        "RandomResizedCrop(size=(32, 32), scale=(0.08, 1.0), ratio=(0.75, 1.3333), "
        "interpolation=bilinear, antialias=True)",
    ),
    (T.RandomHorizontalFlip(), "RandomHorizontalFlip(p=0.5)"),
    (T.RandomVerticalFlip(0.2), "RandomVerticalFlip(p=0.2)"),
    (
        T.RandomRotation(10, center=(1, 2)),
        "RandomRotation(degrees=[-10.0, 10.0], interpolation=nearest, expand=False, "
        "center=(1, 2), fill=0)",
    ),
    (T.RandomAffine(5), "RandomAffine(degrees=[-5.0, 5.0])"),
    (
        T.RandomAffine(0, (0.1, 0.1), shear=4, fill=1),
        "RandomAffine(degrees=[0.0, 0.0], translate=(0.1, 0.1), shear=[-4.0, 4.0], fill=1)",
    ),
    (
        T.ColorJitter(hue=0.2),
        "ColorJitter(brightness=None, contrast=None, saturation=None, hue=(-0.2, 0.2))",
    ),
    (T.Grayscale(), "Grayscale(num_output_channels=1)"),
    (T.RandomGrayscale(), "RandomGrayscale(p=0.1)"),
    (T.GaussianBlur(3), "GaussianBlur(kernel_size=(3, 3), sigma=(0.1, 2.0))"),
    (
        T.RandomErasing(),
        "RandomErasing(p=0.5, scale=(0.02, 0.33), ratio=(0.3, 3.3), value=0, inplace=False)",
    ),
]


@pytest.mark.parametrize("transform, text", REPRS, ids=[text.split("(")[0] for _, text in REPRS])
def test_repr_is_torchvisions(transform, text):
    assert repr(transform) == text


ERRORS = [
    (lambda: T.Resize("8"), TypeError, "Size should be int or sequence"),
    (lambda: T.Resize([1, 2, 3]), ValueError, "1 or 2 values"),
    (lambda: T.CenterCrop([1, 2, 3]), ValueError, "only two dimensions"),
    (lambda: T.Pad([1, 2, 3]), ValueError, "not a 3 element tuple"),
    (lambda: T.Pad(1, padding_mode="wrap"), ValueError, "Padding mode"),
    (lambda: T.RandomCrop(10)(nr.zeros(1, 5, 5)), ValueError, "(10, 10) is larger than"),
    (lambda: T.RandomResizedCrop(8, scale=0.5), TypeError, "Scale should be a sequence"),
    (lambda: T.RandomRotation(-3), ValueError, "must be positive"),
    (lambda: T.RandomRotation([1, 2, 3]), ValueError, "degrees should be a sequence of length 2"),
    (lambda: T.RandomRotation(3, fill="x"), TypeError, "Fill should be"),
    (lambda: T.RandomAffine(0, translate=(0.5, 1.5)), ValueError, "between 0 and 1"),
    (lambda: T.RandomAffine(0, scale=(0, 1)), ValueError, "scale values should be positive"),
    (lambda: T.RandomAffine(0, shear=[1, 2, 3]), ValueError, "length 2 or 4"),
    (lambda: T.ColorJitter(brightness=-1), ValueError, "must be non negative"),
    (lambda: T.ColorJitter(hue=0.7), ValueError, "hue values should be between (-0.5, 0.5)"),
    (lambda: T.ColorJitter(contrast=[1]), TypeError, "length 2"),
    (lambda: T.Grayscale(2)(nr.zeros(3, 2, 2)), ValueError, "either 1 or 3"),
    (lambda: T.GaussianBlur(4), ValueError, "odd and positive"),
    (lambda: T.GaussianBlur(3, (2.0, 1.0)), ValueError, "(min, max)"),
    (lambda: T.RandomErasing(value="noise"), ValueError, "'random'"),
    (lambda: T.RandomErasing(scale=(0.1, 1.5)), ValueError, "Scale should be between 0 and 1"),
    (lambda: T.RandomErasing(p=2), ValueError, "probability should be between 0 and 1"),
    (
        lambda: T.RandomErasing(p=1, value=[1, 2])(nr.zeros(3, 9, 9)),
        ValueError,
        "number of input channels",
    ),
    (lambda: T.RandomErasing()(Image.new("L", (4, 4))), TypeError, "should be a Tensor"),
    (lambda: T.RandomHorizontalFlip(p=1.5), ValueError, "between 0 and 1"),
]


@pytest.mark.parametrize("call, error, message", ERRORS)
def test_errors(call, error, message):
    with pytest.raises(error) as info:
        call()
    assert message in str(info.value)


def test_scale_and_ratio_out_of_order_warn():
    with pytest.warns(UserWarning, match="Scale and ratio should be of kind"):
        T.RandomResizedCrop(8, scale=(1.0, 0.5))


def test_each_random_transform_draws_from_the_data_stream_only():
    # The data stream is what the DataLoader reseeds per batch; drawing from the tensor
    # stream instead would leave neurarust's own generator advanced.
    image = nr.from_numpy(picture())
    nr.manual_seed(0)
    untouched = nr.rand(3).numpy()
    for make in RANDOM_TRANSFORMS.values():
        nr.manual_seed(0)
        make()(image)
        np.testing.assert_array_equal(nr.rand(3).numpy(), untouched)
