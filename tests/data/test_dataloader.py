"""DataLoader: batches, len, arguments and errors against torch.utils.data.DataLoader.

The datasets return their indices, so a batch shows exactly which samples it
holds and in which order. Worker behaviour (seeds, failures, shutdown) is in
test_workers.py; here workers only have to give the same batches.
"""

from __future__ import annotations

import inspect
import io
import re
import sys
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import neurarust as nr
from neurarust.data import DataLoader, IterableDataset, get_worker_info, progress

# A loader with workers raises instead of hanging if a bug loses a batch.
WORKER_TIMEOUT = 10


class Indices:
    """Sample ``i`` is ``i``; neither library's Dataset class, so both loaders accept it."""

    def __init__(self, n: int) -> None:
        self.n = n

    def __getitem__(self, index: int) -> int:
        return index

    def __len__(self) -> int:
        return self.n


def stream_class(base: type, worker_info: Callable[[], Any]) -> type:
    """An IterableDataset of ``range(n)`` for ``base`` (ours or torch's); with ``shard``
    each worker keeps every ``num_workers``-th item."""

    class Stream(base):
        def __init__(self, n: int, shard: bool) -> None:
            self.n, self.shard = n, shard

        def __iter__(self) -> Any:
            info = worker_info() if self.shard else None
            if info is None:
                return iter(range(self.n))
            return iter(range(info.id, self.n, info.num_workers))

        def __len__(self) -> int:
            return self.n

    return Stream


OurStream = stream_class(IterableDataset, get_worker_info)


def plain(batch: Any) -> Any:
    """Tensors (ours or torch's) and containers as nested Python lists."""
    if hasattr(batch, "tolist"):
        return batch.tolist()
    if isinstance(batch, (list, tuple)):
        return [plain(b) for b in batch]
    return batch


def keep_list(batch: list[int]) -> list[int]:
    return batch


MAP_CASES: dict[str, dict[str, Any]] = {
    "defaults": {},
    "batch_size=3": {"batch_size": 3},
    "drop_last": {"batch_size": 3, "drop_last": True},
    "exact batches": {"batch_size": 5, "drop_last": True},
    "batch larger than dataset": {"batch_size": 20},
    "batch_size=None": {"batch_size": None},
    "batch_size=None with sampler": {"batch_size": None, "sampler": [4, 2, 0]},
    "sampler with repeats": {"sampler": [9, 1, 5, 5], "batch_size": 2},
    "batch_sampler": {"batch_sampler": [[0, 1, 2], [7], [3, 3]]},
    "collate_fn": {"batch_size": 4, "collate_fn": keep_list},
    "pin_memory is accepted": {"batch_size": 4, "pin_memory": True},
}


@pytest.mark.filterwarnings("ignore:'pin_memory' argument:UserWarning")  # torch, without a GPU
@pytest.mark.parametrize("num_workers", [0, 2])
@pytest.mark.parametrize("kwargs", MAP_CASES.values(), ids=MAP_CASES.keys())
def test_map_style_batches_and_len_match_torch(kwargs: dict[str, Any], num_workers: int) -> None:
    torch = pytest.importorskip("torch")
    theirs = torch.utils.data.DataLoader(Indices(10), **kwargs)
    timeout = WORKER_TIMEOUT if num_workers else 0
    ours = DataLoader(Indices(10), num_workers=num_workers, timeout=timeout, **kwargs)
    assert len(ours) == len(theirs)
    assert [plain(b) for b in ours] == [plain(b) for b in theirs]


ITERABLE_CASES: dict[str, dict[str, Any]] = {
    "batch_size=3": {"batch_size": 3},
    "drop_last": {"batch_size": 3, "drop_last": True},
    "batch_size=None": {"batch_size": None},
    "2 workers, each the whole stream": {"batch_size": 3, "num_workers": 2},
    "2 sharding workers": {"batch_size": 2, "num_workers": 2, "shard": True},
    "3 sharding workers, uneven": {"batch_size": 2, "num_workers": 3, "shard": True},
    "3 sharding workers, drop_last": {
        "batch_size": 2,
        "num_workers": 3,
        "shard": True,
        "drop_last": True,
    },
    "sharding workers, batch_size=None": {"batch_size": None, "num_workers": 2, "shard": True},
}


@pytest.mark.filterwarnings("ignore:This DataLoader will create:UserWarning")  # torch, few CPUs
@pytest.mark.parametrize("kwargs", ITERABLE_CASES.values(), ids=ITERABLE_CASES.keys())
def test_iterable_dataset_batches_and_len_match_torch(kwargs: dict[str, Any]) -> None:
    torch = pytest.importorskip("torch")
    kwargs = dict(kwargs)
    shard = kwargs.pop("shard", False)
    TorchStream = stream_class(torch.utils.data.IterableDataset, torch.utils.data.get_worker_info)
    theirs = torch.utils.data.DataLoader(TorchStream(11, shard), **kwargs)
    timeout = WORKER_TIMEOUT if kwargs.get("num_workers") else 0
    ours = DataLoader(OurStream(11, shard), timeout=timeout, **kwargs)
    assert len(ours) == len(theirs)
    assert [plain(b) for b in ours] == [plain(b) for b in theirs]


def test_len_of_an_iterable_dataset_without_len_raises_type_error() -> None:
    class Endless(IterableDataset):
        def __iter__(self) -> Any:
            return iter(range(3))

    with pytest.raises(TypeError):
        len(DataLoader(Endless()))


def test_signature_is_torchs_plus_progress() -> None:
    torch = pytest.importorskip("torch")
    theirs = inspect.signature(torch.utils.data.DataLoader).parameters
    ours = dict(inspect.signature(DataLoader).parameters)
    assert ours.pop("progress").default is False
    assert [(p.name, p.kind, p.default) for p in ours.values()] == [
        (p.name, p.kind, p.default) for p in theirs.values()
    ]


class Stream(IterableDataset):
    def __iter__(self) -> Any:
        return iter(range(4))


BAD_ARGUMENTS: dict[str, dict[str, Any]] = {
    "negative num_workers": {"num_workers": -1},
    "negative timeout": {"timeout": -1},
    "prefetch_factor without workers": {"prefetch_factor": 2},
    "negative prefetch_factor": {"num_workers": 1, "prefetch_factor": -1},
    "persistent_workers without workers": {"persistent_workers": True},
    "sampler and shuffle": {"sampler": [0, 1], "shuffle": True},
    "batch_sampler and batch_size": {"batch_sampler": [[0]], "batch_size": 2},
    "batch_sampler and shuffle": {"batch_sampler": [[0]], "shuffle": True},
    "batch_sampler and sampler": {"batch_sampler": [[0]], "sampler": [0]},
    "batch_sampler and drop_last": {"batch_sampler": [[0]], "drop_last": True},
    "batch_size=None and drop_last": {"batch_size": None, "drop_last": True},
    "context without workers": {"multiprocessing_context": "fork"},
    "unknown start method": {"num_workers": 1, "multiprocessing_context": "teleport"},
    "context of the wrong type": {"num_workers": 1, "multiprocessing_context": 3},
    "iterable with shuffle": {"dataset": Stream(), "shuffle": True},
    "iterable with sampler": {"dataset": Stream(), "sampler": [0]},
    "iterable with batch_sampler": {"dataset": Stream(), "batch_sampler": [[0]]},
}


def _torch_version_of(kwargs: dict[str, Any], torch: Any) -> dict[str, Any]:
    if isinstance(kwargs.get("dataset"), Stream):
        TorchStream = stream_class(torch.utils.data.IterableDataset, lambda: None)
        return {**kwargs, "dataset": TorchStream(4, False)}
    return kwargs


@pytest.mark.parametrize("kwargs", BAD_ARGUMENTS.values(), ids=BAD_ARGUMENTS.keys())
def test_argument_errors_match_torch(kwargs: dict[str, Any]) -> None:
    torch = pytest.importorskip("torch")
    with pytest.raises(Exception) as theirs:
        torch.utils.data.DataLoader(**{"dataset": Indices(4), **_torch_version_of(kwargs, torch)})
    with pytest.raises(theirs.type, match=f"^{re.escape(str(theirs.value))}$"):
        DataLoader(**{"dataset": Indices(4), **kwargs})


@pytest.mark.parametrize(
    "attribute", ["batch_size", "batch_sampler", "sampler", "drop_last", "dataset"]
)
def test_setting_fixed_attributes_after_init_raises_like_torch(attribute: str) -> None:
    torch = pytest.importorskip("torch")
    with pytest.raises(ValueError) as theirs:
        setattr(torch.utils.data.DataLoader(Indices(4)), attribute, None)
    with pytest.raises(ValueError, match=f"^{re.escape(str(theirs.value))}$"):
        setattr(DataLoader(Indices(4)), attribute, None)


def _epochs(loader: DataLoader, count: int = 2) -> list[list[list[int]]]:
    return [[b.tolist() for b in loader] for _ in range(count)]


def test_shuffled_epochs_are_permutations_new_each_epoch_and_reproducible() -> None:
    def loader() -> DataLoader:
        return DataLoader(
            Indices(50), batch_size=7, shuffle=True, generator=nr.Generator().manual_seed(3)
        )

    first, second = _epochs(loader())
    assert sorted(sum(first, [])) == list(range(50))
    assert first != second
    assert _epochs(loader()) == [first, second]


def test_manual_seed_reproduces_shuffling_without_a_generator() -> None:
    loader = DataLoader(Indices(30), batch_size=4, shuffle=True)
    nr.manual_seed(5)
    first = _epochs(loader)
    nr.manual_seed(5)
    assert _epochs(loader) == first


def test_batches_are_fetched_through_getitems_when_the_dataset_has_it() -> None:
    class Batched(Indices):
        def __init__(self, n: int) -> None:
            super().__init__(n)
            self.requests: list[list[int]] = []

        def __getitems__(self, indices: list[int]) -> list[int]:
            self.requests.append(list(indices))
            return [10 * i for i in indices]

    data = Batched(5)
    assert [b.tolist() for b in DataLoader(data, batch_size=2)] == [[0, 10], [20, 30], [40]]
    assert data.requests == [[0, 1], [2, 3], [4]]


def test_numpy_samples_become_tensors_with_their_dtype() -> None:
    class Images(Indices):
        def __getitem__(self, index: int) -> Any:
            return np.full((2, 2), index, np.uint8), float(index)

    images, labels = next(iter(DataLoader(Images(4), batch_size=3)))
    assert images.dtype == nr.uint8 and tuple(images.shape) == (3, 2, 2)
    assert labels.dtype == nr.float64 and labels.tolist() == [0.0, 1.0, 2.0]


def test_progress_draws_a_bar_with_the_total() -> None:
    pytest.importorskip("tqdm")
    out = io.StringIO()
    assert list(progress(iter(range(3)), total=3, file=out, disable=False)) == [0, 1, 2]
    assert "3/3" in out.getvalue()


def test_progress_option_gives_the_same_batches() -> None:
    pytest.importorskip("tqdm")
    loader = DataLoader(Indices(7), batch_size=3, progress=True)
    assert [b.tolist() for b in loader] == [[0, 1, 2], [3, 4, 5], [6]]


def test_progress_without_tqdm_names_the_pip_command(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "tqdm", None)  # makes "import tqdm" fail
    with pytest.raises(ImportError, match="pip install tqdm"):
        progress(range(3))
