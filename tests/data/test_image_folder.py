"""ImageFolder and DatasetFolder: structure, pixels against pillow, modes, laziness, errors."""

from __future__ import annotations

import os
import pickle
import sys

import numpy as np
import pytest
from PIL import Image

from neurarust.data.datasets import IMG_EXTENSIONS, DatasetFolder, ImageFolder

# path under root -> PIL mode of the image written there
IMAGES = {
    "zebra/b.png": "RGB",
    "zebra/a.jpg": "RGB",
    "ant/nested/deeper/x.bmp": "L",
    "ant/c.PNG": "L",
    "ant/d.png": "RGBA",
    "moth/e.tiff": "RGB",
}
EXPECTED_CLASSES = ["ant", "moth", "zebra"]
# torchvision's order: by class, then os.walk order (sorted folders), files sorted
EXPECTED_ORDER = [
    "ant/c.PNG",
    "ant/d.png",
    "ant/nested/deeper/x.bmp",
    "moth/e.tiff",
    "zebra/a.jpg",
    "zebra/b.png",
]


def pixels(seed: int, mode: str) -> np.ndarray:
    channels = len(mode)
    shape = (5, 7) if channels == 1 else (5, 7, channels)
    return np.random.default_rng(seed).integers(0, 256, shape, dtype=np.uint8)


@pytest.fixture
def root(tmp_path):
    for seed, (name, mode) in enumerate(IMAGES.items()):
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        Image.fromarray(pixels(seed, mode), mode).save(path)
    (tmp_path / "ant" / "notes.txt").write_text("not an image")
    (tmp_path / "README.md").write_text("a file in root is not a class")
    return tmp_path


def relative(root, path: str) -> str:
    return os.path.relpath(path, root).replace(os.sep, "/")


def test_structure_follows_sorted_classes_and_files(root):
    ds = ImageFolder(root)
    assert ds.classes == EXPECTED_CLASSES
    assert ds.class_to_idx == {name: i for i, name in enumerate(EXPECTED_CLASSES)}
    assert [relative(root, path) for path, _ in ds.samples] == EXPECTED_ORDER
    expected_targets = [EXPECTED_CLASSES.index(name.split("/")[0]) for name in EXPECTED_ORDER]
    assert ds.targets == expected_targets == [target for _, target in ds.samples]
    assert ds.imgs == ds.samples and len(ds) == len(IMAGES)
    assert ds.extensions == IMG_EXTENSIONS


@pytest.mark.parametrize("mode", [None, "L", "RGB"])
def test_pixels_equal_pillow_reading_the_file(root, mode):
    ds = ImageFolder(root, mode=mode)
    for index, (path, target) in enumerate(ds.samples):
        image, label = ds[index]
        with Image.open(path) as reference:
            expected = reference if mode is None else reference.convert(mode)
            assert image.mode == expected.mode
            np.testing.assert_array_equal(np.asarray(image), np.asarray(expected))
        assert label == target


def test_lossless_pixels_are_the_ones_written(root):
    ds = ImageFolder(root)
    for seed, (name, mode) in enumerate(IMAGES.items()):
        if name.endswith(".jpg"):
            continue  # lossy
        image, _ = ds[EXPECTED_ORDER.index(name)]
        np.testing.assert_array_equal(np.asarray(image), pixels(seed, mode))


class CountingLoader:
    """A picklable loader that records the paths it was asked for."""

    def __init__(self) -> None:
        self.paths: list[str] = []

    def __call__(self, path: str) -> str:
        self.paths.append(path)
        return os.path.basename(path)


@pytest.mark.parametrize(
    "max_cached_items, reads, expected_loads, expected_hits",
    [
        (0, [0, 0, 1, 0], 4, None),
        (2, [0, 0, 1, 0], 2, 2),
        (1, [0, 1, 0, -6], 3, 1),
        (None, [5, 4, 3, 5, -1, 4], 3, 3),
    ],
)
def test_loader_runs_only_on_access_and_cache_hits(
    root, max_cached_items, reads, expected_loads, expected_hits
):
    loader = CountingLoader()
    ds = ImageFolder(root, loader=loader, max_cached_items=max_cached_items)
    assert loader.paths == []
    names = [ds[i][0] for i in reads]
    assert names == [os.path.basename(EXPECTED_ORDER[i]) for i in reads]
    assert len(loader.paths) == expected_loads
    assert (ds.cache.hits if ds.cache is not None else None) == expected_hits


def test_transforms_run_on_every_access(root):
    calls = []

    def transform(image):
        calls.append(image.size)
        return np.asarray(image).shape

    ds = ImageFolder(root, transform=transform, target_transform=str, mode="L", max_cached_items=10)
    assert ds[4] == ((5, 7), "2") and ds[4] == ((5, 7), "2")
    assert calls == [(7, 5), (7, 5)]


def test_is_valid_file_replaces_the_extensions(root):
    ds = ImageFolder(
        root, is_valid_file=lambda path: path.endswith((".png", ".txt")), allow_empty=True
    )
    assert [relative(root, path) for path, _ in ds.samples] == [
        "ant/d.png",
        "ant/notes.txt",
        "zebra/b.png",
    ]
    assert ds.extensions is None


def test_allow_empty_keeps_classes_without_files(root):
    ds = ImageFolder(root, is_valid_file=lambda path: "zebra" in path, allow_empty=True)
    assert ds.classes == EXPECTED_CLASSES and set(ds.targets) == {2}


def test_dataset_folder_with_a_numpy_loader(tmp_path):
    arrays = {"b/1.npy": np.arange(3.0), "a/2.npy": np.ones(3), "a/skip.txt": None}
    for name, array in arrays.items():
        (tmp_path / name).parent.mkdir(exist_ok=True)
        if array is None:
            (tmp_path / name).write_text("")
        else:
            np.save(tmp_path / name, array)
    ds = DatasetFolder(tmp_path, loader=np.load, extensions=".npy", target_transform=float)
    assert ds.classes == ["a", "b"] and ds.targets == [0, 1]
    sample, target = ds[1]
    np.testing.assert_array_equal(sample, arrays["b/1.npy"])
    assert target == 1.0


def test_pickles_for_process_workers(root):
    ds = ImageFolder(root, mode="L", max_cached_items=4)
    ds[0]
    copy = pickle.loads(pickle.dumps(ds))
    np.testing.assert_array_equal(np.asarray(copy[3][0]), np.asarray(ds[3][0]))
    assert copy.samples == ds.samples


def test_repr_names_the_dataset(root):
    text = repr(ImageFolder(root, transform=np.asarray))
    assert "Dataset ImageFolder" in text and "Number of datapoints: 6" in text
    assert str(root) in text and "Transform" in text


@pytest.mark.parametrize(
    "make, error, pattern",
    [
        (lambda root: ImageFolder(root / "ant" / "nested" / "deeper"), FileNotFoundError,
         "Couldn't find any class folder in"),
        (lambda root: ImageFolder(root, is_valid_file=lambda p: "moth" in p), FileNotFoundError,
         "Found no valid file for the classes ant, zebra"),
        (lambda root: DatasetFolder(root, np.load, extensions=(".npy", ".npz")),
         FileNotFoundError, r"classes ant, moth, zebra\. Supported extensions are: .npy, .npz"),
        (lambda root: DatasetFolder(root, np.load), ValueError,
         "Both extensions and is_valid_file cannot be None or not None"),
        (lambda root: DatasetFolder(root, np.load, ".npy", is_valid_file=bool), ValueError,
         "Both extensions and is_valid_file cannot be None or not None"),
        (lambda root: ImageFolder(root, loader=np.load, mode="L"), ValueError,
         "mode applies to the default loader only"),
        (lambda root: ImageFolder(root)[6], IndexError, "out of range"),
    ],
)  # fmt: skip
def test_errors(root, make, error, pattern):
    with pytest.raises(error, match=pattern):
        make(root)


def test_missing_pillow_names_the_pip_command(root, monkeypatch):
    monkeypatch.setitem(sys.modules, "PIL", None)
    with pytest.raises(ImportError, match="ImageFolder needs pillow: pip install pillow"):
        ImageFolder(root)
    assert len(ImageFolder(root, loader=str)) == len(IMAGES)  # a custom loader needs no pillow
