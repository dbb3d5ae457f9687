"""Datasets: what a DataLoader reads samples from.

The classes of ``torch.utils.data`` with the same names and behaviour:

* :class:`Dataset` (map-style: ``dataset[i]`` and ``len(dataset)``) and
  :class:`IterableDataset` (a stream: ``iter(dataset)``);
* :class:`TensorDataset`, :class:`ConcatDataset`, :class:`ChainDataset`,
  :class:`StackDataset`, :class:`Subset` and :func:`random_split`.

and a few neurarust additions:

* :class:`InMemoryDataset`: arrays, tensors or lists held in memory, with a
  batched ``__getitems__`` for fast random access;
* :class:`LazyDataset`: samples loaded from disk on first access and kept in
  a bounded LRU cache; :class:`CachedDataset` adds such a cache to any dataset;
* :class:`FilteredDataset`, :class:`FilteredIterableDataset` and
  :func:`filter_dataset`: the samples that satisfy a predicate.
"""

from __future__ import annotations

import bisect
import itertools
import math
import numbers
import operator
import warnings
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, Generic, TypeVar

import numpy as np

from ..random import Generator
from ..tensor import Tensor
from ._random import numpy_generator
from .cache import LRUCache

__all__ = [
    "Dataset",
    "IterableDataset",
    "TensorDataset",
    "ConcatDataset",
    "ChainDataset",
    "Subset",
    "StackDataset",
    "random_split",
    "InMemoryDataset",
    "LazyDataset",
    "CachedDataset",
    "FilteredDataset",
    "FilteredIterableDataset",
    "filter_dataset",
]

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)


class Dataset(Generic[T_co]):
    """A map-style dataset: ``dataset[index]`` returns one sample.

    Subclasses define ``__getitem__`` and usually ``__len__`` (samplers and
    the DataLoader's defaults need it; like PyTorch there is no default). They
    may also define ``__getitems__(indices) -> list`` to fetch a whole batch at
    once; the DataLoader uses it when present. ``a + b`` concatenates.

    Examples:
        >>> from neurarust.data import Dataset
        >>> class Squares(Dataset):
        ...     def __getitem__(self, index):
        ...         return index * index
        ...     def __len__(self):
        ...         return 4
        >>> squares = Squares()
        >>> squares[3], len(squares + squares)
        (9, 8)
    """

    def __getitem__(self, index: Any) -> T_co:
        raise NotImplementedError("Subclasses of Dataset should implement __getitem__.")

    def __add__(self, other: Dataset[T_co]) -> ConcatDataset[T_co]:
        return ConcatDataset([self, other])


class IterableDataset(Dataset[T_co], Iterable[T_co]):
    """A dataset read as a stream: ``iter(dataset)`` yields the samples.

    Use it for data that cannot be indexed (a generator, a file read line by
    line). With DataLoader workers every worker iterates its own copy; call
    ``neurarust.data.get_worker_info()`` inside ``__iter__`` to give each
    worker its share. ``a + b`` chains two streams.

    Examples:
        >>> from neurarust.data import IterableDataset
        >>> class Count(IterableDataset):
        ...     def __init__(self, n):
        ...         self.n = n
        ...     def __iter__(self):
        ...         return iter(range(self.n))
        >>> list(Count(2) + Count(3))
        [0, 1, 0, 1, 2]
    """

    def __add__(self, other: Dataset[T_co]) -> ChainDataset:  # type: ignore[override]
        return ChainDataset([self, other])


def fetch_many(dataset: Any, indices: Sequence[Any]) -> list[Any]:
    """The samples at ``indices``: one ``dataset.__getitems__`` call when the
    dataset defines it (its result is passed on as it is), else one ``dataset[i]``
    per index."""
    getitems = getattr(dataset, "__getitems__", None)
    if callable(getitems):
        return getitems(indices)
    return [dataset[index] for index in indices]


class TensorDataset(Dataset[tuple[Tensor, ...]]):
    """Samples are the rows of tensors that share their first dimension.

    Args:
        *tensors: tensors of shapes ``(N, ...)``, all with the same ``N``.

    Item ``i`` is the tuple ``(tensors[0][i], tensors[1][i], ...)``.

    Examples:
        >>> import neurarust as nr
        >>> from neurarust.data import TensorDataset
        >>> ds = TensorDataset(nr.arange(6).reshape(3, 2), nr.tensor([0, 1, 0]))
        >>> len(ds), ds[1]
        (3, (tensor([2, 3]), tensor(1)))
    """

    tensors: tuple[Tensor, ...]

    def __init__(self, *tensors: Tensor) -> None:
        if any(tensors[0].size(0) != tensor.size(0) for tensor in tensors):
            raise AssertionError("Size mismatch between tensors")
        self.tensors = tensors

    def __getitem__(self, index: Any) -> tuple[Tensor, ...]:
        return tuple(tensor[index] for tensor in self.tensors)

    def __len__(self) -> int:
        return int(self.tensors[0].size(0))


class ConcatDataset(Dataset[T_co]):
    """Several map-style datasets one after the other.

    Args:
        datasets: the datasets (at least one; no IterableDataset).

    Attributes:
        datasets (list): the datasets.
        cumulative_sizes (list[int]): ``cumulative_sizes[k]`` is the total
            length of ``datasets[0..k]``.

    Examples:
        >>> from neurarust.data import ConcatDataset
        >>> ds = ConcatDataset([[1, 2, 3], [4, 5]])
        >>> ds.cumulative_sizes, ds[3], ds[-1]
        ([3, 5], 4, 5)
    """

    datasets: list[Dataset[T_co]]
    cumulative_sizes: list[int]

    @staticmethod
    def cumsum(sequence: Iterable[Any]) -> list[int]:
        """The running totals of the lengths of ``sequence``'s elements."""
        return list(itertools.accumulate(len(element) for element in sequence))

    def __init__(self, datasets: Iterable[Dataset[T_co]]) -> None:
        self.datasets = list(datasets)
        if len(self.datasets) == 0:
            raise AssertionError("datasets should not be an empty iterable")
        for dataset in self.datasets:
            if isinstance(dataset, IterableDataset):
                raise AssertionError("ConcatDataset does not support IterableDataset")
        self.cumulative_sizes = self.cumsum(self.datasets)

    def __len__(self) -> int:
        return self.cumulative_sizes[-1]

    def __getitem__(self, idx: int) -> T_co:
        if idx < 0:
            if -idx > len(self):
                raise ValueError("absolute value of index should not exceed dataset length")
            idx = len(self) + idx
        dataset_idx = bisect.bisect_right(self.cumulative_sizes, idx)
        offset = self.cumulative_sizes[dataset_idx - 1] if dataset_idx > 0 else 0
        return self.datasets[dataset_idx][idx - offset]


class ChainDataset(IterableDataset):
    """Several IterableDatasets read one after the other, lazily.

    Args:
        datasets: the IterableDatasets to chain (checked while iterating).

    Examples:
        >>> from neurarust.data import ChainDataset, IterableDataset
        >>> class Letters(IterableDataset):
        ...     def __init__(self, text):
        ...         self.text = text
        ...     def __iter__(self):
        ...         return iter(self.text)
        >>> "".join(ChainDataset([Letters("ab"), Letters("cd")]))
        'abcd'
    """

    def __init__(self, datasets: Iterable[Dataset[Any]]) -> None:
        self.datasets = datasets

    def _checked(self) -> Iterator[IterableDataset]:
        for dataset in self.datasets:
            if not isinstance(dataset, IterableDataset):
                raise AssertionError("ChainDataset only supports IterableDataset")
            yield dataset

    def __iter__(self) -> Iterator[Any]:
        for dataset in self._checked():
            yield from dataset

    def __len__(self) -> int:
        return sum(len(dataset) for dataset in self._checked())  # type: ignore[arg-type, misc]


class Subset(Dataset[T_co]):
    """The samples of ``dataset`` at ``indices``, in that order.

    A subclass that overrides ``__getitem__`` must also override
    ``__getitems__`` (the DataLoader calls it), as in PyTorch.

    Args:
        dataset: the whole dataset (kept as ``.dataset``).
        indices: positions in ``dataset``; item ``i`` is ``dataset[indices[i]]``.

    Examples:
        >>> from neurarust.data import Subset
        >>> sub = Subset(["a", "b", "c", "d"], [3, 0])
        >>> sub[0], len(sub), sub.dataset[1]
        ('d', 2, 'b')
    """

    dataset: Dataset[T_co]
    indices: Sequence[int]

    def __init__(self, dataset: Dataset[T_co], indices: Sequence[int]) -> None:
        self.dataset = dataset
        self.indices = indices
        cls = type(self)
        if cls.__getitem__ is not Subset.__getitem__ and cls.__getitems__ is Subset.__getitems__:
            raise NotImplementedError(
                f"{cls.__name__} overrides __getitem__ but not __getitems__. "
                "When subclassing Subset and overriding __getitem__, you must also override "
                "__getitems__ to ensure DataLoader works correctly with your custom logic. "
                "A simple implementation:\n\n"
                "def __getitems__(self, indices):\n"
                "    return [self.__getitem__(idx) for idx in indices]"
            )

    def __getitem__(self, idx: Any) -> T_co:
        if isinstance(idx, list):
            return self.dataset[[self.indices[i] for i in idx]]
        return self.dataset[self.indices[idx]]

    def __getitems__(self, indices: list[int]) -> list[T_co]:
        return fetch_many(self.dataset, [self.indices[i] for i in indices])

    def __len__(self) -> int:
        return len(self.indices)


class StackDataset(Dataset[Any]):
    """Samples assembled index by index from several datasets of the same length.

    ``StackDataset(images, texts)[i]`` is ``(images[i], texts[i])``;
    ``StackDataset(image=images, text=texts)[i]`` is
    ``{"image": images[i], "text": texts[i]}``. Parts with ``__getitems__``
    fetch a whole batch at once.

    Args:
        *args: datasets whose samples make tuples.
        **kwargs: datasets whose samples make dicts (not together with ``args``).

    Examples:
        >>> from neurarust.data import StackDataset
        >>> pairs = StackDataset(image=["img0", "img1"], label=[3, 5])
        >>> pairs[1], len(pairs)
        ({'image': 'img1', 'label': 5}, 2)
    """

    datasets: tuple[Any, ...] | dict[str, Any]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if args and kwargs:
            raise ValueError(
                "StackDataset: give the datasets either positionally (tuple samples) or by "
                "keyword (dict samples), but both types are given"
            )
        parts = args or tuple(kwargs.values())
        if not parts:
            raise ValueError("StackDataset: At least one dataset should be passed")
        lengths = [len(part) for part in parts]
        if len(set(lengths)) > 1:
            raise ValueError(f"StackDataset: Size mismatch between datasets (lengths {lengths})")
        self._length = lengths[0]
        self.datasets = args or dict(kwargs)

    def _assemble(self, columns: list[list[Any]]) -> list[Any]:
        """Samples from one list of values per part."""
        if isinstance(self.datasets, dict):
            return [dict(zip(self.datasets, row)) for row in zip(*columns)]
        return [tuple(row) for row in zip(*columns)]

    def _parts(self) -> Iterable[Any]:
        return self.datasets.values() if isinstance(self.datasets, dict) else self.datasets

    def __getitem__(self, index: Any) -> Any:
        return self._assemble([[part[index]] for part in self._parts()])[0]

    def __getitems__(self, indices: list[int]) -> list[Any]:
        return self._assemble([fetch_many(part, indices) for part in self._parts()])

    def __len__(self) -> int:
        return self._length


def _fractions_to_lengths(fractions: Sequence[float], total: int) -> list[int]:
    """``floor(fraction * total)`` each, the remainder given out one by one from the first."""
    lengths = []
    for i, fraction in enumerate(fractions):
        if fraction < 0 or fraction > 1:
            raise ValueError(f"Fraction at index {i} is not between 0 and 1")
        lengths.append(math.floor(total * fraction))
    for i in range(total - sum(lengths)):
        lengths[i % len(lengths)] += 1
    for i, length in enumerate(lengths):
        if length == 0:
            warnings.warn(
                f"Length of split at index {i} is 0. This might result in an empty dataset.",
                stacklevel=3,
            )
    return lengths


def random_split(
    dataset: Dataset[T],
    lengths: Sequence[int | float],
    generator: Generator | None = None,
) -> list[Subset[T]]:
    """Split a dataset into non-overlapping random subsets.

    ``lengths`` holds either the sizes of the subsets (summing to
    ``len(dataset)``) or fractions summing to 1: then each size is
    ``floor(fraction * len(dataset))`` and the left-over samples go one at a
    time to the splits in order (round-robin), as in PyTorch.

    Args:
        dataset: a map-style dataset with ``len``.
        lengths: sizes (ints) or fractions (floats summing to 1).
        generator: the random stream of the permutation (default: neurarust's
            CPU generator, so ``neurarust.manual_seed`` reproduces the split).

    Returns:
        list[Subset]: one Subset of ``dataset`` per entry of ``lengths``.

    Examples:
        >>> import neurarust as nr
        >>> from neurarust.data import random_split
        >>> generator = nr.Generator().manual_seed(0)
        >>> train, test = random_split(range(10), [0.8, 0.2], generator=generator)
        >>> len(train), len(test), sorted(list(train) + list(test)) == list(range(10))
        (8, 2, True)
    """
    size = len(dataset)  # type: ignore[arg-type]
    if math.isclose(sum(lengths), 1) and sum(lengths) <= 1:
        lengths = _fractions_to_lengths(lengths, size)
    if sum(lengths) != size:
        raise ValueError("Sum of input lengths does not equal the length of the input dataset!")
    indices = numpy_generator(generator).permutation(size).tolist()
    ends = itertools.accumulate(lengths)
    return [
        Subset(dataset, indices[int(end - length) : int(end)]) for end, length in zip(ends, lengths)
    ]


# -- in-memory data ----------------------------------------------------------------------

Column = Any  # a NumPy array, a Tensor or a list


def _is_numeric_element(value: Any) -> bool:
    return isinstance(value, (numbers.Number, np.generic, np.ndarray, list, tuple))


def _as_column(values: Any, position: int) -> Column:
    """A Tensor or NumPy array as is; a list of numbers (or of equal-shape arrays) as an
    array; any other list (strings, images, ragged sequences) as a list."""
    column: Column
    if isinstance(values, Tensor):
        column = values
    elif isinstance(values, (list, tuple, range)):
        column = _list_column(list(values))
    else:
        column = np.asarray(values)
    if isinstance(column, list) or column.ndim > 0:
        return column
    raise ValueError(
        f"InMemoryDataset: array {position} should have a first dimension to index, "
        f"but got a 0-d {type(values).__name__}"
    )


def _list_column(values: list[Any]) -> Column:
    if not values or not _is_numeric_element(values[0]):
        return values
    try:
        array = np.asarray(values)
    except ValueError:  # ragged nested sequences
        return values
    return array if array.dtype.kind in "biufc" else values


def _take(column: Column, index: int) -> Any:
    """Row ``index`` of a column; a Tensor row is a view wrapped without autograd."""
    if isinstance(column, Tensor):
        return Tensor._make(column._data[index, ...], column.device)
    return column[index]


def _take_many(column: Column, indices: Sequence[int]) -> list[Any]:
    """Rows ``indices`` of a column, with one fancy-index for arrays and tensors."""
    if isinstance(column, list):
        return [column[i] for i in indices]
    if isinstance(column, Tensor):
        rows = column._data[column.backend.xp.asarray(indices)]
        return [Tensor._make(rows[k, ...], column.device) for k in range(len(indices))]
    return list(column[np.asarray(indices, dtype=np.intp)])


def _describe(column: Column) -> str:
    if isinstance(column, list):
        return f"list[{len(column)}]"
    return f"{tuple(column.shape)} {column.dtype}"


class InMemoryDataset(Dataset[Any]):
    """Samples held in memory as NumPy arrays, Tensors or lists of equal length.

    Item ``i`` is ``arrays[0][i]`` when there is one array, else the tuple
    ``(arrays[0][i], arrays[1][i], ...)``; ``transform`` applies to its first
    element (the input) and ``target_transform`` to the second (the target).
    Lists of numbers become NumPy arrays; other lists (strings, PIL images,
    ragged sequences) stay lists. Tensor rows come without autograd history.

    ``__getitems__`` fetches a whole batch with one fancy-index per array,
    which is what makes random access fast. Subclasses (the bundled datasets)
    call ``super().__init__(data, targets, transform=..., target_transform=...)``;
    a subclass that overrides ``__getitem__`` keeps working, since
    ``__getitems__`` then calls it for each index.

    Args:
        *arrays: the columns: arrays/Tensors of shape ``(N, ...)`` or lists of length N.
        transform: applied to the first element of each sample.
        target_transform: applied to the second element (needs two arrays or more).

    Attributes:
        arrays (tuple): the columns, after the list conversion above.

    Examples:
        >>> import numpy as np
        >>> from neurarust.data import InMemoryDataset
        >>> ds = InMemoryDataset(np.arange(6.0).reshape(3, 2), [0, 1, 1], ["a", "b", "c"])
        >>> ds[1]
        (array([2., 3.]), np.int64(1), 'b')
        >>> [label for _, label, _ in ds.__getitems__([2, 0])]
        [np.int64(1), np.int64(0)]
    """

    def __init__(
        self,
        *arrays: Any,
        transform: Callable[[Any], Any] | None = None,
        target_transform: Callable[[Any], Any] | None = None,
    ) -> None:
        if not arrays:
            raise ValueError("InMemoryDataset: expected at least one array, but got none")
        columns = tuple(_as_column(values, i) for i, values in enumerate(arrays))
        lengths = [len(column) for column in columns]
        if len(set(lengths)) > 1:
            raise ValueError(
                "InMemoryDataset: all arrays should have the same length, "
                f"but got lengths {lengths}"
            )
        if target_transform is not None and len(columns) < 2:
            raise ValueError(
                "InMemoryDataset: target_transform applies to the second array, "
                f"but got {len(columns)} array"
            )
        self.arrays = columns
        self.transform = transform
        self.target_transform = target_transform

    def __len__(self) -> int:
        return len(self.arrays[0])

    def __getitem__(self, index: int) -> Any:
        return self._finish([_take(column, index) for column in self.arrays])

    def __getitems__(self, indices: Sequence[int]) -> list[Any]:
        if type(self).__getitem__ is not InMemoryDataset.__getitem__:
            return [self[i] for i in indices]
        columns = [_take_many(column, indices) for column in self.arrays]
        if self.transform is None and self.target_transform is None:
            return columns[0] if len(columns) == 1 else list(zip(*columns))
        return [self._finish(list(elements)) for elements in zip(*columns)]

    def _finish(self, elements: list[Any]) -> Any:
        """Apply the transforms to one sample's elements; a bare element when there is one."""
        if self.transform is not None:
            elements[0] = self.transform(elements[0])
        if self.target_transform is not None:
            elements[1] = self.target_transform(elements[1])
        return elements[0] if len(elements) == 1 else tuple(elements)

    def __repr__(self) -> str:
        columns = ", ".join(_describe(column) for column in self.arrays)
        return f"{type(self).__name__}(len={len(self)}, arrays=[{columns}])"


# -- lazy loading and caching --------------------------------------------------------------


def _normalize_index(index: int, length: int, owner: str) -> int:
    """``index`` in ``[0, length)`` (negative counts from the end), so cache keys agree."""
    index = operator.index(index)
    if not -length <= index < length:
        raise IndexError(
            f"{owner}: index {index} is out of range for a dataset of {length} samples"
        )
    return index % length


class LazyDataset(Dataset[Any]):
    """Samples loaded on first access by ``load(keys[i])`` and kept in an LRU cache.

    Only the loaded (untransformed) sample is cached: ``transform`` runs on
    every access, since random augmentations must differ between epochs.
    :class:`~neurarust.data.datasets.ImageFolder` builds on this class.

    Args:
        keys: one key per sample (file paths, row ids...).
        load: ``load(key) -> sample``; picklable (a module-level function)
            when the DataLoader uses process workers.
        transform: applied to each loaded sample.
        max_cached_items: most samples kept (None: no limit; 0: no cache).
        max_cached_bytes: most bytes kept (None: no limit; 0: no cache).

    Attributes:
        cache (LRUCache | None): the cache, None when disabled.

    Examples:
        >>> from neurarust.data import LazyDataset
        >>> ds = LazyDataset(["a.txt", "b.txt"], load=str.upper, transform=len)
        >>> ds[1], ds.load_item(-1), ds.cache.hits
        (5, 'B.TXT', 1)
    """

    def __init__(
        self,
        keys: Sequence[Any],
        load: Callable[[Any], Any],
        transform: Callable[[Any], Any] | None = None,
        max_cached_items: int | None = 1024,
        max_cached_bytes: int | None = None,
    ) -> None:
        self.keys = keys
        self.load = load
        self.transform = transform
        disabled = max_cached_items == 0 or max_cached_bytes == 0
        self.cache: LRUCache[Any] | None = (
            None if disabled else LRUCache(max_cached_items, max_cached_bytes)
        )

    def __len__(self) -> int:
        return len(self.keys)

    def load_item(self, index: int) -> Any:
        """Sample ``index`` as loaded, before ``transform``: from the cache when it is there.

        Args:
            index: position of the sample (negative counts from the end).

        Returns:
            whatever ``load`` returns for ``keys[index]``.
        """
        index = _normalize_index(index, len(self), type(self).__name__)
        if self.cache is None:
            return self.load(self.keys[index])
        return self.cache.get_or_put(index, lambda: self.load(self.keys[index]))

    def __getitem__(self, index: int) -> Any:
        sample = self.load_item(index)
        return sample if self.transform is None else self.transform(sample)


class CachedDataset(Dataset[Any]):
    """Any map-style dataset with its samples kept in a bytes-bounded LRU cache.

    Use it around a dataset whose samples are slow to produce (decoding,
    parsing) but deterministic: wrap the dataset *before* random augmentations,
    or the first random version of each sample would be replayed every epoch.
    With process workers each process fills its own cache, which is lost at
    the end of the epoch unless the DataLoader has ``persistent_workers=True``.

    Args:
        dataset: a map-style dataset with ``len`` (kept as ``.dataset``).
        max_bytes: most bytes kept (measured by :func:`sample_nbytes`); None: no limit.
        max_items: most samples kept; None: no limit.

    Attributes:
        cache (LRUCache): the cache; its ``hits`` and ``misses`` show how well it works.

    Examples:
        >>> from neurarust.data import CachedDataset
        >>> ds = CachedDataset([10, 20, 30], max_bytes=1024)
        >>> ds[0], ds[0], ds[-3], (ds.cache.hits, ds.cache.misses)
        (10, 10, 10, (2, 1))
    """

    def __init__(
        self,
        dataset: Dataset[Any],
        max_bytes: int | None = 256 * 2**20,
        max_items: int | None = None,
    ) -> None:
        self.dataset = dataset
        self.cache: LRUCache[Any] = LRUCache(max_items=max_items, max_bytes=max_bytes)

    def __len__(self) -> int:
        return len(self.dataset)  # type: ignore[arg-type]

    def __getitem__(self, index: int) -> Any:
        index = _normalize_index(index, len(self), type(self).__name__)
        return self.cache.get_or_put(index, lambda: self.dataset[index])


# -- filtering ---------------------------------------------------------------------------


class FilteredDataset(Subset[T_co]):
    """The samples of a map-style dataset that satisfy ``predicate``.

    The predicate runs once per sample, when the dataset is made; the result
    is a :class:`Subset` whose ``indices`` are the kept positions. Filter
    before random transforms so the choice does not depend on them. For an
    IterableDataset use :class:`FilteredIterableDataset` (or
    :func:`filter_dataset`, which picks the right class).

    Args:
        dataset: a map-style dataset with ``len``.
        predicate: ``predicate(sample) -> bool``; True keeps the sample.

    Examples:
        >>> from neurarust.data import FilteredDataset
        >>> evens = FilteredDataset([5, 6, 7, 8], lambda x: x % 2 == 0)
        >>> evens.indices, list(evens)
        ([1, 3], [6, 8])
    """

    def __init__(self, dataset: Dataset[T_co], predicate: Callable[[Any], bool]) -> None:
        if isinstance(dataset, IterableDataset):
            raise TypeError(
                "FilteredDataset: expected a map-style dataset, but got an IterableDataset "
                f"({type(dataset).__name__}); use FilteredIterableDataset or filter_dataset"
            )
        kept = [i for i in range(len(dataset)) if predicate(dataset[i])]  # type: ignore[arg-type]
        super().__init__(dataset, kept)
        self.predicate = predicate


class FilteredIterableDataset(IterableDataset[T_co]):
    """The samples of a stream that satisfy ``predicate``, filtered while iterating.

    Args:
        dataset: an IterableDataset (or any re-iterable object).
        predicate: ``predicate(sample) -> bool``; True keeps the sample.

    Examples:
        >>> from neurarust.data import FilteredIterableDataset
        >>> list(FilteredIterableDataset(range(10), lambda x: x > 6))
        [7, 8, 9]
    """

    def __init__(self, dataset: Iterable[T_co], predicate: Callable[[Any], bool]) -> None:
        self.dataset = dataset
        self.predicate = predicate

    def __iter__(self) -> Iterator[T_co]:
        return filter(self.predicate, self.dataset)


def filter_dataset(
    dataset: Dataset[T], predicate: Callable[[Any], bool]
) -> FilteredDataset[T] | FilteredIterableDataset[T]:
    """The samples of ``dataset`` that satisfy ``predicate``, keeping its style.

    Args:
        dataset: a map-style dataset or an IterableDataset.
        predicate: ``predicate(sample) -> bool``; True keeps the sample.

    Returns:
        a :class:`FilteredDataset` (map-style, filtered now) for a map-style
        dataset, a :class:`FilteredIterableDataset` (filtered while iterating)
        for an IterableDataset.

    Examples:
        >>> from neurarust.data import filter_dataset, InMemoryDataset
        >>> ds = filter_dataset(InMemoryDataset([1, 2, 3, 4]), lambda x: x > 2)
        >>> type(ds).__name__, len(ds)
        ('FilteredDataset', 2)
    """
    if isinstance(dataset, IterableDataset):
        return FilteredIterableDataset(dataset, predicate)
    return FilteredDataset(dataset, predicate)
