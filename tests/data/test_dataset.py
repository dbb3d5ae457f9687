"""Datasets: torch.utils.data's classes compared with torch, the additions with NumPy."""

from __future__ import annotations

import warnings
from collections import Counter

import numpy as np
import pytest

import neurarust as nr
from neurarust import data

# -- helpers ---------------------------------------------------------------------------


def outcome(fn):
    """What ``fn()`` gives: ("ok", value) or ("error", type, message), to compare two libraries."""
    try:
        return ("ok", fn())
    except Exception as error:  # noqa: BLE001 - the exception itself is what is compared
        return ("error", type(error), str(error))


def as_numpy(value):
    if isinstance(value, tuple):
        return tuple(as_numpy(v) for v in value)
    return value.numpy() if hasattr(value, "numpy") else np.asarray(value)


def as_tensor(values):
    return nr.from_numpy(np.asarray(values))


def both_libraries(torch):
    return [(data, nr), (torch.utils.data, torch)]


class Stream:
    """A minimal IterableDataset of either library, over ``values``."""

    @staticmethod
    def make(module, values):
        class _Stream(module.IterableDataset):
            def __iter__(self):
                return iter(values)

            def __len__(self):
                return len(values)

        return _Stream()


class Counting(data.Dataset):
    """A map-style dataset that records every index it is asked for."""

    def __init__(self, values):
        self.values = list(values)
        self.calls = Counter()

    def __getitem__(self, index):
        self.calls[index] += 1
        return self.values[index]

    def __len__(self):
        return len(self.values)


# -- Dataset / IterableDataset ---------------------------------------------------------------


def test_base_classes_behave_as_torchs():
    torch = pytest.importorskip("torch")
    for module, _ in both_libraries(torch):
        base = module.Dataset()
        assert outcome(lambda base=base: base[0])[:2] == ("error", NotImplementedError)
        assert outcome(lambda base=base: len(base))[:2] == ("error", TypeError)
        assert outcome(module.IterableDataset)[:2] == ("error", TypeError)  # abstract __iter__
    ours, theirs = (
        outcome(lambda module=module: module.IterableDataset())
        for module in (data, torch.utils.data)
    )
    assert ours[2].split(" with ")[0] == theirs[2].split(" with ")[0]


def test_adding_datasets_concatenates_or_chains():
    concat = data.TensorDataset(nr.arange(3)) + data.TensorDataset(nr.arange(2))
    chain = Stream.make(data, [1, 2]) + Stream.make(data, [3])
    assert isinstance(concat, data.ConcatDataset) and len(concat) == 5
    assert isinstance(chain, data.ChainDataset) and list(chain) == [1, 2, 3]


# -- TensorDataset -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "shapes",
    [[(4, 3), (4,)], [(5,)], [(2, 2, 2), (2, 1), (2,)], [(4, 3), (3,)], [(0, 2), (0,)]],
)
def test_tensor_dataset_matches_torch(shapes):
    torch = pytest.importorskip("torch")
    arrays = [np.arange(np.prod(shape), dtype=np.float32).reshape(shape) for shape in shapes]
    ours = outcome(lambda: data.TensorDataset(*[nr.from_numpy(a) for a in arrays]))
    theirs = outcome(lambda: torch.utils.data.TensorDataset(*[torch.from_numpy(a) for a in arrays]))
    assert ours[0] == theirs[0]
    if ours[0] == "error":
        assert ours[1:] == theirs[1:]
        return
    assert len(ours[1]) == len(theirs[1])
    for index in list(range(len(theirs[1]))) + [-1] * bool(len(theirs[1])):
        for a, b in zip(ours[1][index], theirs[1][index]):
            np.testing.assert_array_equal(a.numpy(), b.numpy())


# -- ConcatDataset / ChainDataset -----------------------------------------------------------


@pytest.mark.parametrize("index", [0, 2, 3, 5, 6, -1, -4, -7, 7, -8])
def test_concat_dataset_indexing_matches_torch(index):
    torch = pytest.importorskip("torch")
    parts = [[10, 11, 12], [], [20, 21, 22], [30]]
    ours, theirs = (module.ConcatDataset(parts) for module in (data, torch.utils.data))
    assert ours.cumulative_sizes == theirs.cumulative_sizes and len(ours) == len(theirs)
    assert outcome(lambda: ours[index]) == outcome(lambda: theirs[index])


@pytest.mark.parametrize(
    "make_parts", [lambda module: [], lambda module: [Stream.make(module, [1])]]
)
def test_concat_dataset_errors_match_torch(make_parts):
    torch = pytest.importorskip("torch")
    ours = outcome(lambda: data.ConcatDataset(make_parts(data)))
    theirs = outcome(lambda: torch.utils.data.ConcatDataset(make_parts(torch.utils.data)))
    assert ours[0] == "error" and ours[1:] == theirs[1:]


def test_concat_dataset_keeps_its_datasets():
    first, second = data.InMemoryDataset([1, 2]), data.InMemoryDataset([3])
    assert data.ConcatDataset([first, second]).datasets == [first, second]


@pytest.mark.parametrize("parts", [[[1, 2], [3]], [[], [4, 5]], [[1], "not iterable-dataset"]])
def test_chain_dataset_matches_torch(parts):
    torch = pytest.importorskip("torch")
    results = []
    for module, _ in both_libraries(torch):
        chained = module.ChainDataset(
            [Stream.make(module, p) if isinstance(p, list) else p for p in parts]
        )
        results.append((outcome(lambda chained=chained: list(chained)), outcome(chained.__len__)))
    assert results[0] == results[1]


# -- StackDataset ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args, kwargs",
    [
        ((list("abc"), [1, 2, 3]), {}),
        ((), {"text": list("abc"), "label": [1, 2, 3]}),
        ((list("abc"),), {}),
    ],
)
def test_stack_dataset_matches_torch(args, kwargs):
    torch = pytest.importorskip("torch")
    ours, theirs = (module.StackDataset(*args, **kwargs) for module in (data, torch.utils.data))
    assert len(ours) == len(theirs)
    for index in range(-3, 4):
        assert outcome(lambda index=index: ours[index]) == outcome(
            lambda index=index: theirs[index]
        )
    assert ours.__getitems__([2, 0]) == theirs.__getitems__([2, 0])


def test_stack_dataset_fetches_batches_through_its_parts_getitems():
    images = data.InMemoryDataset(np.arange(4) * 10)
    calls = []
    images.__getitems__ = lambda indices: calls.append(indices) or [0, 1]
    stacked = data.StackDataset(image=images, label=["x", "y", "z", "w"])
    assert stacked.__getitems__([3, 1]) == [{"image": 0, "label": "w"}, {"image": 1, "label": "y"}]
    assert calls == [[3, 1]]


@pytest.mark.parametrize(
    "args, kwargs, message",
    [
        ((), {}, "At least one dataset"),
        (([1], [2, 3]), {}, "Size mismatch between datasets"),
        (([1],), {"b": [2]}, "both types are given"),
    ],
)
def test_stack_dataset_errors(args, kwargs, message):
    with pytest.raises(ValueError, match=message):
        data.StackDataset(*args, **kwargs)


# -- Subset ----------------------------------------------------------------------------------


@pytest.mark.parametrize("indices", [[3, 0, 3], [], [-1, 2], [9]])
def test_subset_matches_torch(indices):
    torch = pytest.importorskip("torch")
    base = list("abcdefgh")
    ours, theirs = (module.Subset(base, indices) for module in (data, torch.utils.data))
    assert len(ours) == len(theirs)
    for index in range(-len(indices), len(indices) + 1):
        assert outcome(lambda index=index: ours[index]) == outcome(
            lambda index=index: theirs[index]
        )
    positions = list(range(len(indices)))
    assert outcome(lambda: ours.__getitems__(positions)) == outcome(
        lambda: theirs.__getitems__(positions)
    )
    assert ours.dataset is base and ours.indices == indices


def test_subset_fetches_batches_through_the_datasets_getitems():
    base = data.InMemoryDataset(np.arange(10) * 10)
    calls = []
    base.__getitems__ = lambda positions: calls.append(positions) or ["batch"]
    assert data.Subset(base, [4, 2, 7]).__getitems__([2, 0]) == ["batch"]
    assert calls == [[7, 4]]


def test_subset_subclass_overriding_only_getitem_is_refused_as_in_torch():
    torch = pytest.importorskip("torch")
    messages = []
    for module, _ in both_libraries(torch):

        class Doubled(module.Subset):
            def __getitem__(self, idx):
                return 2 * super().__getitem__(idx)

        error = outcome(lambda cls=Doubled: cls([1, 2], [0]))
        assert error[:2] == ("error", NotImplementedError)
        messages.append(error[2])
    assert messages[0] == messages[1]


# -- random_split ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "size, lengths",
    [
        (10, [3, 7]),
        (10, [0.3, 0.7]),
        (30, [0.3, 0.3, 0.4]),
        (11, [0.5, 0.5]),
        (7, [0.25, 0.25, 0.25, 0.25]),
        (3, [0.1, 0.1, 0.8]),  # a floor of 0 gets a left-over sample
        (2, [0.1, 0.1, 0.8]),  # an empty split: torch warns
        (1, [1]),
        (0, [0, 0]),
        (10, [3, 8]),
        (10, [0.5, 0.6]),
        (10, [1.2, -0.2]),
        (10, [-1, 11]),
    ],
)
def test_random_split_sizes_warnings_and_errors_match_torch(size, lengths):
    torch = pytest.importorskip("torch")
    results = []
    for module, _ in both_libraries(torch):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            result = outcome(lambda module=module: module.random_split(range(size), lengths))
        messages = [str(w.message) for w in caught]
        if result[0] == "ok":
            result = ("ok", [len(subset) for subset in result[1]])
        results.append((result, messages))
    assert results[0] == results[1]


@pytest.mark.parametrize("size, lengths", [(10, [3, 7]), (31, [0.2, 0.3, 0.5]), (5, [5])])
def test_random_split_partitions_the_dataset(size, lengths):
    subsets = data.random_split(range(size), lengths)
    indices = [i for subset in subsets for i in subset.indices]
    assert sorted(indices) == list(range(size))
    assert all(isinstance(s, data.Subset) and s.dataset == range(size) for s in subsets)


def test_random_split_is_reproducible_and_uses_its_generator():
    def split(generator=None):
        return [s.indices for s in data.random_split(range(50), [25, 25], generator=generator)]

    nr.manual_seed(3)
    first = split()
    nr.manual_seed(3)
    assert split() == first
    assert split(nr.Generator().manual_seed(1)) == split(nr.Generator().manual_seed(1))
    assert split(nr.Generator().manual_seed(1)) != split(nr.Generator().manual_seed(2))


# -- InMemoryDataset ---------------------------------------------------------------------------

FEATURES = np.arange(12, dtype=np.float32).reshape(4, 3)


@pytest.mark.parametrize(
    "columns",
    [
        [FEATURES],
        [FEATURES, np.array([0, 1, 1, 0])],
        [FEATURES, [0, 1, 1, 0]],
        [[1.5, 2.5, 3.5, 4.5]],
        [[[1, 2], [3, 4], [5, 6], [7, 8]], ["a", "b", "c", "d"]],
        [FEATURES, [[1], [2, 3], [], [4]]],  # ragged lists stay lists
        [as_tensor(FEATURES), as_tensor([3, 2, 1, 0])],
        [FEATURES, np.array(["w", "x", "y", "z"])],
    ],
)
def test_in_memory_dataset_items_are_rows_of_its_columns(columns):
    dataset = data.InMemoryDataset(*columns)
    assert len(dataset) == 4
    indices = [3, 0, -1, 2]
    batch = dataset.__getitems__(indices)
    for index, batched in zip(indices, batch):
        item = dataset[index]
        elements = item if len(columns) > 1 else (item,)
        assert len(elements) == len(columns)
        for element, column in zip(elements, columns):
            want = column[index] if isinstance(column, list) else as_numpy(column)[index]
            np.testing.assert_array_equal(as_numpy(element), np.asarray(want, dtype=object))
        assert_same_sample(batched, item)


def assert_same_sample(a, b):
    assert type(a) is type(b)
    if isinstance(a, tuple):
        assert len(a) == len(b)
        for x, y in zip(a, b):
            assert_same_sample(x, y)
    else:
        np.testing.assert_array_equal(as_numpy(a), as_numpy(b))


@pytest.mark.parametrize(
    "values, kept_as",
    [
        ([1, 2, 3], np.ndarray),
        ((1.0, 2.0), np.ndarray),
        (range(3), np.ndarray),
        ([np.zeros(2), np.ones(2)], np.ndarray),
        (["a", "bc"], list),
        ([[1], [2, 3]], list),
        ([None, 1], list),
        ([as_tensor(1.0), as_tensor(2.0)], list),  # tensors are not pulled into NumPy
        ([], list),
    ],
)
def test_in_memory_dataset_converts_numeric_lists_only(values, kept_as):
    column = data.InMemoryDataset(values).arrays[0]
    assert isinstance(column, kept_as)
    if kept_as is np.ndarray:
        np.testing.assert_array_equal(column, np.asarray(list(values)))


def test_in_memory_tensor_rows_share_memory_and_skip_autograd():
    features = nr.arange(6.0).reshape(3, 2).requires_grad_()
    row = data.InMemoryDataset(features, [0, 1, 2])[1][0]
    assert isinstance(row, nr.Tensor) and not row.requires_grad and row.grad_fn is None
    assert np.shares_memory(row.numpy(), features.detach().numpy())


def test_in_memory_transforms_apply_to_input_and_target_in_both_paths():
    dataset = data.InMemoryDataset(
        FEATURES, [0, 1, 1, 0], transform=lambda x: x.sum(), target_transform=lambda y: -y
    )
    expected = [(FEATURES[i].sum(), -[0, 1, 1, 0][i]) for i in (2, 1)]
    assert [dataset[2], dataset[1]] == expected
    assert dataset.__getitems__([2, 1]) == expected


def test_in_memory_subclass_overriding_getitem_is_used_for_batches():
    class Labelled(data.InMemoryDataset):
        def __getitem__(self, index):
            image, label = super().__getitem__(index)
            return image, int(label)

    batch = Labelled(FEATURES, np.array([5, 6, 7, 8])).__getitems__([1, 3])
    assert [type(label) for _, label in batch] == [int, int]
    assert [label for _, label in batch] == [6, 8]


@pytest.mark.parametrize(
    "args, kwargs, message",
    [
        ((), {}, "at least one array"),
        ((FEATURES, [0, 1]), {}, r"same length.*\[4, 2\]"),
        ((FEATURES,), {"target_transform": abs}, "second array"),
        ((np.float32(3.0),), {}, "0-d"),
    ],
)
def test_in_memory_dataset_errors(args, kwargs, message):
    with pytest.raises(ValueError, match=f"InMemoryDataset: .*{message}"):
        data.InMemoryDataset(*args, **kwargs)


def test_in_memory_dataset_repr_names_its_columns():
    text = repr(data.InMemoryDataset(FEATURES, ["a", "b", "c", "d"]))
    assert "len=4" in text and "(4, 3) float32" in text and "list[4]" in text


# -- LazyDataset / CachedDataset -------------------------------------------------------------


class CountingLoader:
    def __init__(self):
        self.calls = Counter()

    def __call__(self, key):
        self.calls[key] += 1
        return np.full(10, len(key), dtype=np.uint8)  # 10 bytes per sample


KEYS = ["a", "bb", "ccc", "dddd"]


@pytest.mark.parametrize(
    "cache_kwargs, accesses, expected_loads",
    [
        ({}, [0, 1, 0, 1, -4], {"a": 1, "bb": 1}),
        ({"max_cached_items": 0}, [0, 0, 0], {"a": 3}),
        ({"max_cached_items": 1}, [0, 1, 0], {"a": 2, "bb": 1}),
        (
            {"max_cached_items": None, "max_cached_bytes": 20},
            [0, 1, 2, 0],
            {"a": 2, "bb": 1, "ccc": 1},
        ),
        ({"max_cached_items": None, "max_cached_bytes": 0}, [3, 3], {"dddd": 2}),
        ({"max_cached_items": None}, [3, 2, 1, 0, 3, 2, 1, 0], dict.fromkeys(KEYS, 1)),
    ],
)
def test_lazy_dataset_loads_on_access_and_caches(cache_kwargs, accesses, expected_loads):
    load = CountingLoader()
    dataset = data.LazyDataset(KEYS, load, **cache_kwargs)
    assert len(dataset) == 4 and not load.calls  # nothing is loaded up front
    for index in accesses:
        np.testing.assert_array_equal(dataset[index], np.full(10, len(KEYS[index])))
    assert dict(load.calls) == expected_loads


def test_lazy_dataset_runs_the_transform_every_time_and_caches_only_loaded_samples():
    calls = []
    dataset = data.LazyDataset(KEYS, CountingLoader(), transform=lambda x: calls.append(1) or x + 1)
    first, second = dataset[2], dataset[2]
    assert len(calls) == 2 and first is not second
    np.testing.assert_array_equal(dataset.load_item(2), np.full(10, 3))  # untransformed
    assert dataset.cache.hits == 2 and dataset.cache.misses == 1


@pytest.mark.parametrize("dataset_class", [data.LazyDataset, data.CachedDataset])
@pytest.mark.parametrize("index", [4, -5])
def test_out_of_range_index_raises_index_error(dataset_class, index):
    dataset = (
        data.LazyDataset(KEYS, CountingLoader())
        if dataset_class is data.LazyDataset
        else data.CachedDataset(Counting(KEYS))
    )
    with pytest.raises(IndexError, match=f"{dataset_class.__name__}: index {index}"):
        dataset[index]


@pytest.mark.parametrize(
    "cache_kwargs, elements, accesses, expected_calls, hits, misses",
    [
        ({}, 40, [0, 1, 0, -4, 1], {0: 1, 1: 1}, 3, 2),
        ({"max_items": 1}, 40, [0, 1, 0], {0: 2, 1: 1}, 0, 3),
        ({"max_bytes": 100}, 2, [0, 1, 2, 0, 3, 0], {0: 1, 1: 1, 2: 1, 3: 1}, 2, 4),
        ({"max_bytes": 2 * 8 * 40}, 40, [0, 1, 2, 0], {0: 2, 1: 1, 2: 1}, 0, 4),
    ],
)
def test_cached_dataset_counts_hits_and_misses(
    cache_kwargs, elements, accesses, expected_calls, hits, misses
):
    values = [np.zeros(elements) + i for i in range(4)]  # float64: 8 bytes per element
    base = Counting(values)
    cached = data.CachedDataset(base, **cache_kwargs)
    for index in accesses:
        np.testing.assert_array_equal(cached[index], values[index])
    assert dict(base.calls) == expected_calls
    assert (cached.cache.hits, cached.cache.misses) == (hits, misses)
    assert len(cached) == 4 and cached.dataset is base


# -- filtering -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "values, predicate",
    [
        (list(range(10)), lambda x: x % 3 == 0),
        (["a", "bb", "", "ccc"], bool),
        ([1, 2, 3], lambda x: False),
    ],
)
def test_filtered_dataset_keeps_matching_indices_and_calls_the_predicate_once(values, predicate):
    base, seen = Counting(values), []
    filtered = data.FilteredDataset(base, lambda x: seen.append(x) or predicate(x))
    expected_indices = [i for i, v in enumerate(values) if predicate(v)]
    assert seen == values and filtered.indices == expected_indices
    assert isinstance(filtered, data.Subset) and filtered.dataset is base
    assert [filtered[i] for i in range(len(filtered))] == [values[i] for i in expected_indices]
    assert len(seen) == len(values)  # reading does not run the predicate again


def test_filtering_a_stream_is_lazy():
    seen = []
    filtered = data.filter_dataset(
        Stream.make(data, list(range(6))), lambda x: seen.append(x) or x % 2 == 1
    )
    assert isinstance(filtered, data.FilteredIterableDataset) and not seen
    assert list(filtered) == [1, 3, 5] and seen == list(range(6))
    assert list(filtered) == [1, 3, 5]  # every epoch filters again


def test_filter_dataset_picks_the_map_style_class():
    filtered = data.filter_dataset(data.InMemoryDataset(np.arange(5)), lambda x: x > 2)
    assert isinstance(filtered, data.FilteredDataset) and filtered.indices == [3, 4]


def test_filtered_dataset_refuses_a_stream():
    with pytest.raises(TypeError, match="FilteredDataset: expected a map-style dataset"):
        data.FilteredDataset(Stream.make(data, [1]), bool)
