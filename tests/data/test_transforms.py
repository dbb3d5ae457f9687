"""Compose-style wrappers and tensor transforms, against torch / pillow / NumPy references."""

from __future__ import annotations

import itertools
import pickle
from collections import Counter
from typing import Any

import numpy as np
import pytest

import neurarust as nr
from neurarust.data import transforms as T

Image = pytest.importorskip("PIL.Image")

N_DRAWS = 3000


def _within(count: int, probability: float, n: int = N_DRAWS) -> bool:
    """Whether ``count`` successes in ``n`` draws fit ``probability`` (5 standard deviations)."""
    sigma = (n * probability * (1 - probability)) ** 0.5
    return abs(count - n * probability) <= 5 * sigma + 1e-9


def _tag(name: str) -> T.Lambda:
    """A transform that appends ``name`` to a tuple, recording which transforms ran in order."""
    return T.Lambda(lambda trail: (*trail, name))


# -- Compose and the random wrappers --------------------------------------------------------


def test_compose_applies_in_order() -> None:
    assert T.Compose([_tag("a"), _tag("b"), _tag("c")])(()) == ("a", "b", "c")


@pytest.mark.parametrize(
    ("transform", "expected"),
    [
        (T.Compose([T.Lambda(abs), T.ToTensor()]), "Compose(\n    Lambda()\n    ToTensor()\n)"),
        (T.RandomApply([T.ToTensor()], p=0.3), "RandomApply(\n    p=0.3\n    ToTensor()\n)"),
        (T.RandomOrder([T.ToTensor()]), "RandomOrder(\n    ToTensor()\n)"),
        (
            T.RandomChoice([T.ToTensor(), T.PILToTensor()], p=[1, 2]),
            "RandomChoice(\n    ToTensor()\n    PILToTensor()\n)(p=[1, 2])",
        ),
        (T.Normalize([0.5, 0.4], [0.2, 0.1]), "Normalize(mean=[0.5, 0.4], std=[0.2, 0.1])"),
    ],
)
def test_repr_like_torchvision(transform: Any, expected: str) -> None:
    assert repr(transform) == expected


@pytest.mark.parametrize("p", [0.0, 0.3, 0.5, 1.0])
def test_random_apply_frequency(p: float) -> None:
    nr.manual_seed(1)
    wrapper = T.RandomApply([_tag("a"), _tag("b")], p=p)
    outcomes = Counter(wrapper(()) for _ in range(N_DRAWS))
    assert set(outcomes) <= {(), ("a", "b")}  # all transforms or none
    assert _within(outcomes[("a", "b")], p)


@pytest.mark.parametrize(
    ("weights", "probabilities"),
    [(None, [1 / 3] * 3), ([1, 3, 0], [0.25, 0.75, 0.0]), ([0.0, 0.0, 2.0], [0, 0, 1])],
)
def test_random_choice_frequency(weights: Any, probabilities: list[float]) -> None:
    nr.manual_seed(2)
    wrapper = T.RandomChoice([_tag("a"), _tag("b"), _tag("c")], p=weights)
    outcomes = Counter(wrapper(()) for _ in range(N_DRAWS))
    for name, probability in zip("abc", probabilities):
        assert _within(outcomes[(name,)], probability)


def test_random_order_draws_every_permutation_uniformly() -> None:
    nr.manual_seed(3)
    wrapper = T.RandomOrder([_tag("a"), _tag("b"), _tag("c")])
    outcomes = Counter(wrapper(()) for _ in range(N_DRAWS))
    assert set(outcomes) == set(itertools.permutations("abc"))
    assert all(_within(count, 1 / 6) for count in outcomes.values())


@pytest.mark.parametrize(
    "make",
    [
        lambda: T.RandomApply([_tag("a")], p=0.5),
        lambda: T.RandomChoice([_tag("a"), _tag("b")], p=[0.2, 0.8]),
        lambda: T.RandomOrder([_tag("a"), _tag("b"), _tag("c")]),
    ],
)
def test_random_wrappers_replay_under_manual_seed(make: Any) -> None:
    def run() -> list[Any]:
        nr.manual_seed(7)
        wrapper = make()
        return [wrapper(()) for _ in range(50)]

    first = run()
    assert first == run()
    assert len(set(first)) > 1


@pytest.mark.parametrize(
    ("build", "error"),
    [
        (lambda: T.Lambda(3), TypeError),  # type: ignore[arg-type]
        (lambda: T.RandomApply(_tag("a")), TypeError),  # type: ignore[arg-type]
        (lambda: T.RandomApply([_tag("a")], p=1.5), ValueError),
        (lambda: T.RandomOrder(_tag("a")), TypeError),  # type: ignore[arg-type]
        (lambda: T.RandomChoice([_tag("a")], p=0.5), TypeError),  # type: ignore[arg-type]
        (lambda: T.RandomChoice([_tag("a")], p=[0.5, 0.5]), ValueError),
        (lambda: T.RandomChoice([_tag("a"), _tag("b")], p=[-1, 2]), ValueError),
        (lambda: T.RandomChoice([_tag("a")], p=[0]), ValueError),
    ],
)
def test_wrapper_argument_errors(build: Any, error: type[Exception]) -> None:
    with pytest.raises(error, match=r"^(Lambda|RandomApply|RandomOrder|RandomChoice): "):
        build()


# -- ToTensor / PILToTensor -----------------------------------------------------------------


@pytest.mark.parametrize("shape", [(5, 7), (5, 7, 1), (5, 7, 3), (4, 6, 4)])
def test_to_tensor_uint8_array_matches_torch(shape: tuple[int, ...]) -> None:
    torch = pytest.importorskip("torch")
    array = np.random.default_rng(0).integers(0, 256, shape, dtype=np.uint8)
    hwc = array.reshape(shape[0], shape[1], -1)
    expected = torch.from_numpy(hwc).permute(2, 0, 1).float().div(255)
    result = T.ToTensor()(array)
    assert result.dtype is nr.float32 and result.is_contiguous()
    np.testing.assert_array_equal(result.numpy(), expected.numpy())


@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.int32, np.int64])
def test_to_tensor_keeps_non_uint8_arrays(dtype: Any) -> None:
    array = np.arange(2 * 3 * 2).reshape(2, 3, 2).astype(dtype)
    result = T.to_tensor(array)
    assert result.numpy().dtype == dtype and result.is_contiguous()
    np.testing.assert_array_equal(result.numpy(), array.transpose(2, 0, 1))


def test_to_tensor_follows_default_dtype() -> None:
    nr.set_default_dtype(nr.float64)
    try:
        result = T.to_tensor(np.array([[3]], dtype=np.uint8))
    finally:
        nr.set_default_dtype(nr.float32)
    assert result.dtype is nr.float64 and result.item() == 3 / 255


def _pil_image(mode: str) -> Any:
    """A 5x4 pillow image of ``mode`` with varied pixel values."""
    values = np.random.default_rng(1).integers(0, 256, (5, 4, 4), dtype=np.uint8)
    if mode in ("RGB", "RGBA"):
        return Image.fromarray(values[..., : len(mode)], mode=mode)
    gray = Image.fromarray(values[..., 0], mode="L")
    if mode == "1":
        return gray.convert("1")
    if mode == "P":
        return Image.fromarray(values[..., :3], mode="RGB").convert("P")
    if mode == "I;16":
        return Image.fromarray(values[..., 0].astype(np.uint16) * 100)  # mode I;16
    if mode == "I":
        return gray.convert("I").point(lambda v: v * 1000 - 7000)  # negative and > 2**16 too
    return gray.convert(mode)


def _pixels_chw(image: Any) -> np.ndarray:
    """Pillow's own pixel array of ``image`` as (C, H, W)."""
    pixels = np.asarray(image)
    return (pixels[:, :, None] if pixels.ndim == 2 else pixels).transpose(2, 0, 1)


@pytest.mark.parametrize(
    ("mode", "dtype", "reference"),
    [
        ("L", nr.float32, lambda im: _pixels_chw(im) / np.float32(255)),
        ("RGB", nr.float32, lambda im: _pixels_chw(im) / np.float32(255)),
        ("RGBA", nr.float32, lambda im: _pixels_chw(im) / np.float32(255)),
        ("P", nr.float32, lambda im: _pixels_chw(im) / np.float32(255)),
        ("1", nr.float32, lambda im: _pixels_chw(im.convert("L")) / np.float32(255)),
        ("I", nr.int32, _pixels_chw),
        ("F", nr.float32, _pixels_chw),
        ("I;16", nr.int16, _pixels_chw),
    ],
)
def test_to_tensor_pil_modes(mode: str, dtype: nr.dtype, reference: Any) -> None:
    image = _pil_image(mode)
    assert image.mode == mode
    result = T.ToTensor()(image)
    assert result.dtype is dtype and result.shape == (len(image.getbands()), 5, 4)
    np.testing.assert_array_equal(result.numpy(), reference(image))


@pytest.mark.parametrize(
    ("mode", "dtype"),
    [
        ("L", nr.uint8),
        ("RGB", nr.uint8),
        ("RGBA", nr.uint8),
        ("1", nr.bool),
        ("I", nr.int32),
        ("F", nr.float32),
        ("I;16", nr.int32),
    ],
)
def test_pil_to_tensor_keeps_values(mode: str, dtype: nr.dtype) -> None:
    image = _pil_image(mode)
    result = T.PILToTensor()(image)
    assert result.dtype is dtype
    np.testing.assert_array_equal(result.numpy(), _pixels_chw(image))


@pytest.mark.parametrize(
    ("call", "pic", "error"),
    [
        (T.to_tensor, nr.zeros(3, 4), TypeError),
        (T.to_tensor, [[1, 2]], TypeError),
        (T.to_tensor, np.zeros((1, 2, 3, 4), dtype=np.uint8), ValueError),
        (T.pil_to_tensor, np.zeros((2, 2, 3), dtype=np.uint8), TypeError),
    ],
)
def test_to_tensor_errors(call: Any, pic: Any, error: type[Exception]) -> None:
    with pytest.raises(error, match=call.__name__):
        call(pic)


@pytest.mark.parametrize(
    "array, mode",
    [
        (np.arange(12, dtype=np.uint8).reshape(3, 4), "L"),
        (np.arange(24, dtype=np.uint8).reshape(3, 4, 2), "LA"),
        (np.arange(36, dtype=np.uint8).reshape(3, 4, 3), "RGB"),
        (np.arange(48, dtype=np.uint8).reshape(3, 4, 4), "RGBA"),
        (np.arange(12, dtype=np.int32).reshape(3, 4) * 1000, "I"),
    ],
)
def test_to_pil_image_of_arrays_and_tensors_equals_pillows(array: np.ndarray, mode: str) -> None:
    Image = pytest.importorskip("PIL.Image")
    expected = np.asarray(Image.fromarray(array))
    chw = array[None] if array.ndim == 2 else array.transpose(2, 0, 1)
    for pic in (array, nr.from_numpy(np.ascontiguousarray(chw))):
        image = T.to_pil_image(pic)
        assert image.mode == mode and image.size == (4, 3)
        np.testing.assert_array_equal(np.asarray(image), expected)


def test_to_pil_image_scales_floats_as_torchvision() -> None:
    pytest.importorskip("PIL.Image")
    values = np.array([[0.0, 0.5, 0.999, 1.0]], dtype=np.float32)
    image = T.ToPILImage()(nr.from_numpy(values[None]))
    np.testing.assert_array_equal(np.asarray(image), (values * 255).astype(np.uint8))
    as_float = T.to_pil_image(values, mode="F")
    assert as_float.mode == "F"
    np.testing.assert_array_equal(np.asarray(as_float), values)
    assert T.to_pil_image(values[:, :, None].repeat(3, 2), mode="L").mode == "L"


@pytest.mark.parametrize(
    "pic, mode, error, message",
    [
        ([[1, 2]], None, TypeError, "should be Tensor or ndarray"),
        (np.zeros((1, 2, 3, 4), np.uint8), None, ValueError, "2/3 dimensional"),
        (np.zeros((2, 2, 5), np.uint8), None, TypeError, "got 5 channel"),
        (np.zeros((2, 2, 3), np.float32), "F", ValueError, "one floating channel"),
    ],
)
def test_to_pil_image_errors(pic: Any, mode: Any, error: type[Exception], message: str) -> None:
    pytest.importorskip("PIL.Image")
    with pytest.raises(error, match=message):
        T.to_pil_image(pic, mode)


# -- Normalize ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("shape", "dtype", "mean", "std"),
    [
        ((3, 4, 5), np.float32, [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]),
        ((2, 3, 4, 5), np.float32, (0.1, 0.2, 0.3), (1.5, 2.5, 3.5)),
        ((1, 6, 6), np.float64, [0.1307], [0.3081]),
        ((3, 4, 5), np.float16, [0.5, 0.25, 0.125], [0.3, 0.2, 0.1]),
        ((2, 4, 5), np.float32, 0.5, 0.25),
    ],
)
def test_normalize_matches_torch(shape: tuple[int, ...], dtype: Any, mean: Any, std: Any) -> None:
    torch = pytest.importorskip("torch")
    array = np.random.default_rng(2).random(shape).astype(dtype)
    x = torch.from_numpy(array)
    m, s = torch.as_tensor(mean, dtype=x.dtype), torch.as_tensor(std, dtype=x.dtype)
    if m.ndim == 1:
        m, s = m.view(-1, 1, 1), s.view(-1, 1, 1)
    expected = ((x - m) / s).numpy()
    strided = np.zeros(shape[:-1] + (2 * shape[-1],), dtype)[..., ::2]  # non-contiguous input
    strided[...] = array
    for result in (
        T.Normalize(mean, std)(nr.from_numpy(strided)),
        T.normalize(nr.tensor(array), mean, std),
    ):
        assert result.numpy().dtype == dtype
        np.testing.assert_array_equal(result.numpy(), expected)
    np.testing.assert_array_equal(strided, array)  # not modified


@pytest.mark.parametrize(
    "transform", [T.Normalize([0.5], [0.5]), T.Standardize(mean=[0.5], std=[0.5], dim=0)]
)
def test_used_normalizers_pickle_for_process_workers(transform: Any) -> None:
    x = nr.ones(1, 2, 2)
    before = transform(x).numpy()
    np.testing.assert_array_equal(pickle.loads(pickle.dumps(transform))(x).numpy(), before)


def test_normalize_inplace_writes_into_input() -> None:
    x = nr.full((2, 2, 2), 3.0)
    result = T.Normalize([1.0, 2.0], [2.0, 0.5], inplace=True)(x)
    assert result is x
    np.testing.assert_array_equal(x.numpy()[:, 0, 0], [1.0, 2.0])


@pytest.mark.parametrize(
    ("tensor", "mean", "std", "error"),
    [
        (np.zeros((3, 2, 2), np.float32), [0.0], [1.0], TypeError),
        (nr.zeros(3, dtype=nr.float32), [0.0], [1.0], TypeError),
        (nr.zeros(3, 2, 2, dtype=nr.uint8), [0.0], [1.0], TypeError),
        (nr.zeros(2, 2), [0.0], [1.0], ValueError),
        (nr.zeros(2, 2, 2), [0.0, 1.0], [1.0, 0.0], ValueError),
        (nr.zeros(2, 2, 2), [0.0], [1e-50], ValueError),  # zero once cast to float32
        (nr.zeros(3, 2, 2), [0.0, 0.0], [1.0, 1.0], RuntimeError),
        (nr.zeros(1, 2, 2), [0.0, 0.0], [1.0, 1.0], RuntimeError),  # torch refuses to grow C
    ],
)
def test_normalize_errors(tensor: Any, mean: Any, std: Any, error: type[Exception]) -> None:
    with pytest.raises(error, match="^normalize: "):
        T.normalize(tensor, mean, std)


# -- Standardize ----------------------------------------------------------------------------


class _PairDataset:
    """A map-style dataset of (sample, label) pairs."""

    def __init__(self, samples: np.ndarray) -> None:
        self.samples = samples

    def __len__(self) -> int:
        return len(self.samples)

    def __getitem__(self, index: int) -> tuple[nr.Tensor, int]:
        return nr.from_numpy(self.samples[index]), index % 2


def _standardize_reference(data: np.ndarray, axes: tuple[int, ...]) -> tuple[Any, Any]:
    std = data.std(axis=axes, dtype=np.float64)
    return data.mean(axis=axes, dtype=np.float64), np.where(std == 0, 1.0, std)


@pytest.mark.parametrize(
    ("shape", "dim", "axes", "as_dataset"),
    [
        ((50, 4), None, (0,), False),
        ((50, 4), None, (0,), True),
        ((1500, 2, 3, 3), 0, (0, 2, 3), True),  # more samples than one chunk
        ((40, 3, 5, 5), -3, (0, 2, 3), False),
        ((40, 6, 2), 1, (0, 1), False),
    ],
)
def test_standardize_fit_matches_numpy(
    shape: tuple[int, ...], dim: int | None, axes: tuple[int, ...], as_dataset: bool
) -> None:
    data = (np.random.default_rng(3).normal(5.0, 3.0, shape)).astype(np.float32)
    data[:, 0] = 2.0  # a constant feature/channel: std 1, only centered
    scaler = T.Standardize(dim=dim).fit(_PairDataset(data) if as_dataset else data)
    mean, std = _standardize_reference(data, axes)
    assert scaler.mean is not None and scaler.std is not None
    np.testing.assert_allclose(scaler.mean.numpy(), mean, rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(scaler.std.numpy(), std, rtol=1e-10)
    broadcast = [1 if a in axes else n for a, n in enumerate(shape)][1:]
    sample = data[0]
    expected = (sample - mean.reshape(broadcast)) / std.reshape(broadcast)
    result = scaler(nr.from_numpy(sample))
    assert result.dtype is nr.float32
    np.testing.assert_allclose(result.numpy(), expected, rtol=1e-5, atol=1e-5)


def test_standardize_given_statistics_and_batches() -> None:
    scaler = T.Standardize(mean=[1.0, 2.0], std=[2.0, 4.0], dim=-3)
    batch = np.arange(2 * 2 * 3 * 1, dtype=np.float64).reshape(2, 2, 3, 1)
    expected = (batch - np.array([1.0, 2.0])[:, None, None]) / np.array([2.0, 4.0])[:, None, None]
    np.testing.assert_allclose(scaler(batch), expected)
    np.testing.assert_allclose(scaler(nr.tensor([[[4]], [[6]]])).numpy()[:, 0, 0], [1.5, 1.0])


@pytest.mark.parametrize(
    ("build", "error"),
    [
        (lambda: T.Standardize()(np.zeros(3)), RuntimeError),
        (lambda: T.Standardize(mean=[0.0]), ValueError),
        (lambda: T.Standardize(mean=[0.0], std=[0.0])(np.zeros(1)), ValueError),
        (lambda: T.Standardize(dim=2).fit(np.zeros((4, 3))), IndexError),
        (lambda: T.Standardize().fit([]), ValueError),
    ],
)
def test_standardize_errors(build: Any, error: type[Exception]) -> None:
    with pytest.raises(error, match="Standardize"):
        build()


# -- ConvertImageDtype ----------------------------------------------------------------------


def _image_values(dtype: Any) -> np.ndarray:
    """Values spanning the image range of ``dtype``: [0, 1] for floats, [0, max] for ints."""
    if np.dtype(dtype).kind == "f":
        return np.array([0.0, 0.001, 0.25, 0.5, 0.7, 0.999, 1.0], dtype=dtype)
    if np.dtype(dtype).kind == "b":
        return np.array([False, True])
    top = np.iinfo(dtype).max
    return np.array([0, 1, 2, top // 3, top // 2, top - 1, top], dtype=dtype)


# torchvision's documented rules, with the factors worked out by hand.
_CONVERSIONS = [
    ("uint8", "float32", lambda t, torch: t.to(torch.float32) / 255),
    ("uint8", "float64", lambda t, torch: t.to(torch.float64) / 255),
    ("int16", "float32", lambda t, torch: t.to(torch.float32) / 32767),
    ("int32", "float64", lambda t, torch: t.to(torch.float64) / 2147483647),
    ("bool", "float32", lambda t, torch: t.to(torch.float32)),
    ("float32", "uint8", lambda t, torch: (t * (256 - 1e-3)).to(torch.uint8)),
    ("float64", "uint8", lambda t, torch: (t * (256 - 1e-3)).to(torch.uint8)),
    ("float32", "int16", lambda t, torch: (t * (32768 - 1e-3)).to(torch.int16)),
    ("float64", "int32", lambda t, torch: (t * (2147483648 - 1e-3)).to(torch.int32)),
    ("float32", "float64", lambda t, torch: t.to(torch.float64)),
    ("float64", "float16", lambda t, torch: t.to(torch.float16)),
    ("uint8", "int16", lambda t, torch: t.to(torch.int16) * 128),
    ("uint8", "int64", lambda t, torch: t.to(torch.int64) * 2**55),
    ("int32", "int64", lambda t, torch: t.to(torch.int64) * 2**32),
    ("int16", "uint8", lambda t, torch: torch.div(t, 128, rounding_mode="floor").to(torch.uint8)),
    ("int64", "int8", lambda t, torch: torch.div(t, 2**56, rounding_mode="floor").to(torch.int8)),
    ("uint8", "int8", lambda t, torch: torch.div(t, 2, rounding_mode="floor").to(torch.int8)),
]


@pytest.mark.parametrize(("source", "target", "rule"), _CONVERSIONS)
def test_convert_image_dtype_matches_torchvision_rules(source: str, target: str, rule: Any) -> None:
    torch = pytest.importorskip("torch")
    values = _image_values(source)
    expected = rule(torch.from_numpy(values), torch).numpy()
    for result in (
        T.ConvertImageDtype(getattr(nr, target))(nr.from_numpy(values)),
        T.convert_image_dtype(nr.from_numpy(values), target),
    ):
        assert result.dtype is getattr(nr, target)
        np.testing.assert_array_equal(result.numpy(), expected)


def test_convert_image_dtype_same_dtype_returns_input() -> None:
    x = nr.zeros(2, 2)
    assert T.ConvertDtype(nr.float32)(x) is x


@pytest.mark.parametrize(
    ("image", "dtype", "error"),
    [
        (nr.zeros(2, dtype=nr.float32), nr.int32, RuntimeError),
        (nr.zeros(2, dtype=nr.float32), nr.int64, RuntimeError),
        (nr.zeros(2, dtype=nr.float64), nr.int64, RuntimeError),
        (np.zeros(2, dtype=np.float32), nr.uint8, TypeError),
    ],
)
def test_convert_image_dtype_errors(image: Any, dtype: Any, error: type[Exception]) -> None:
    with pytest.raises(error, match="^convert_image_dtype: "):
        T.ConvertImageDtype(dtype)(image)


# -- Reshape --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("x", "shape"),
    [(np.arange(12), (3, 4)), (nr.arange(12), (2, -1, 3)), ([[1, 2], [3, 4]], (4,))],
)
def test_reshape_matches_numpy(x: Any, shape: tuple[int, ...]) -> None:
    result = T.Reshape(shape)(x)
    assert isinstance(result, nr.Tensor) == isinstance(x, nr.Tensor)
    np.testing.assert_array_equal(np.asarray(result), np.reshape(np.asarray(x), shape))


def test_reshape_error() -> None:
    with pytest.raises(RuntimeError, match=r"^Reshape: shape \[4\] is invalid for input of size 6"):
        T.Reshape((4,))(np.zeros(6))
