"""default_collate / default_convert against torch.utils.data on a table of nested samples."""

from __future__ import annotations

import collections
import re
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

import numpy as np
import pytest

import neurarust as nr
from neurarust.data import default_collate, default_convert


class Point(NamedTuple):
    x: Any
    y: Any


def _strided(array: np.ndarray) -> np.ndarray:
    return np.repeat(array, 2, axis=-1)[..., ::2]  # same values, not contiguous


# Each case builds a batch for one library: ``lib`` is neurarust or torch, so
# tensor samples are made with each library's own ``tensor``.
BATCHES: dict[str, Callable[[Any], list[Any]]] = {
    "float tensors": lambda lib: [
        lib.tensor([[1.0, 2.0], [3.0, 4.0]]),
        lib.tensor([[5.0, 6.0]] * 2),
    ],
    "int8 tensors": lambda lib: [lib.tensor([1, -2], dtype=lib.int8) for _ in range(3)],
    "0-d tensors": lambda lib: [lib.tensor(1.5), lib.tensor(2.5)],
    "mixed dtype tensors": lambda lib: [lib.tensor([1, 2]), lib.tensor([0.5, 1.5])],
    "int32 and int64 tensors": lambda lib: [
        lib.tensor([1, 2], dtype=lib.int32),
        lib.tensor([3, 4]),
    ],
    "tensors requiring grad": lambda lib: [lib.ones(2, requires_grad=True), lib.zeros(2)],
    "uint8 images": lambda lib: [np.full((3, 4, 4), i, dtype=np.uint8) for i in range(4)],
    "strided float64 arrays": lambda lib: [
        _strided(np.arange(6.0).reshape(2, 3) * i) for i in range(3)
    ],
    "memmap-like ndarray subclass": lambda lib: [np.arange(3).view(np.matrix)] * 2,
    "numpy float32 scalars": lambda lib: [np.float32(1.5), np.float32(-2.0)],
    "numpy int16 scalars": lambda lib: [np.int16(3), np.int16(4)],
    "numpy bool scalars": lambda lib: [np.bool_(True), np.bool_(False)],
    "python floats": lambda lib: [0.1, 2.5, -3.0],
    "python ints": lambda lib: [1, 2, 3],
    "python bools": lambda lib: [True, False],
    "ints then bools": lambda lib: [1, True],
    "ints then a float": lambda lib: [1, 2.5],
    "strings": lambda lib: ["a", "bc"],
    "bytes": lambda lib: [b"a", b"bc"],
    "numpy str scalars": lambda lib: [np.str_("a"), np.str_("b")],
    "tuples": lambda lib: [(lib.tensor([1.0]), 0), (lib.tensor([2.0]), 1)],
    "lists": lambda lib: [[1, 2.0, "x"], [3, 4.0, "y"]],
    "dicts": lambda lib: [
        {"image": np.zeros((2, 2), np.float32), "label": i, "name": f"s{i}"} for i in range(3)
    ],
    "nested dicts and lists": lambda lib: [
        {"a": {"b": [i, float(i)], "c": (lib.tensor([i]),)}} for i in range(2)
    ],
    "defaultdict": lambda lib: [collections.defaultdict(list, {"k": i}) for i in range(2)],
    "OrderedDict": lambda lib: [collections.OrderedDict(b=1.0, a=i) for i in range(2)],
    "namedtuples": lambda lib: [Point(lib.tensor([i, i]), i) for i in range(3)],
    "UserList": lambda lib: [collections.UserList([i, 2 * i]) for i in range(2)],
}


def _assert_same(ours: Any, theirs: Any, where: str = "batch") -> None:
    """Same structure, container types, tensor dtypes, shapes, values and requires_grad."""
    import torch

    if isinstance(theirs, torch.Tensor):
        assert isinstance(ours, nr.Tensor), f"{where}: {type(ours)} is not a Tensor"
        assert ours.dtype.name == str(theirs.dtype).removeprefix("torch."), where
        assert tuple(ours.shape) == tuple(theirs.shape), where
        np.testing.assert_array_equal(ours.detach().numpy(), theirs.detach().numpy(), where)
        assert ours.requires_grad == theirs.requires_grad, where
        return
    assert type(ours) is type(theirs), f"{where}: {type(ours)} vs {type(theirs)}"
    if isinstance(theirs, Mapping):
        assert list(ours) == list(theirs), where
        for key in theirs:
            _assert_same(ours[key], theirs[key], f"{where}[{key!r}]")
    elif isinstance(theirs, (list, tuple, collections.UserList)):
        assert len(ours) == len(theirs), where
        for i, (a, b) in enumerate(zip(ours, theirs)):
            _assert_same(a, b, f"{where}[{i}]")
    elif isinstance(theirs, np.ndarray):
        np.testing.assert_array_equal(ours, theirs)
    else:
        assert ours == theirs, where


@pytest.mark.parametrize("make", BATCHES.values(), ids=BATCHES.keys())
def test_default_collate_matches_torch(make: Callable[[Any], list[Any]]) -> None:
    torch = pytest.importorskip("torch")
    _assert_same(default_collate(make(nr)), torch.utils.data.default_collate(make(torch)))


@pytest.mark.parametrize("make", BATCHES.values(), ids=BATCHES.keys())
def test_default_convert_matches_torch(make: Callable[[Any], list[Any]]) -> None:
    torch = pytest.importorskip("torch")
    for ours, theirs in zip(make(nr), make(torch)):
        _assert_same(default_convert(ours), torch.utils.data.default_convert(theirs))


BAD_BATCHES: dict[str, Callable[[Any], list[Any]]] = {
    "None": lambda lib: [None, None],
    "objects": lambda lib: [object(), object()],
    "complex numbers": lambda lib: [1j, 2j],
    "string arrays": lambda lib: [np.array(["a"]), np.array(["b"])],
    "object arrays": lambda lib: [np.array([{}], dtype=object)] * 2,
    "unequal lists": lambda lib: [[1, 2], [3]],
    "None inside dicts": lambda lib: [{"a": None}, {"a": None}],
}


@pytest.mark.parametrize("make", BAD_BATCHES.values(), ids=BAD_BATCHES.keys())
def test_default_collate_errors_match_torch(make: Callable[[Any], list[Any]]) -> None:
    torch = pytest.importorskip("torch")
    with pytest.raises(Exception) as theirs:
        torch.utils.data.default_collate(make(torch))
    with pytest.raises(theirs.type, match=f"^{re.escape(str(theirs.value))}$"):
        default_collate(make(nr))


def test_unequal_tensor_shapes_raise_torchs_error() -> None:
    with pytest.raises(RuntimeError, match=r"stack expects each tensor to be equal size"):
        default_collate([nr.zeros(2), nr.zeros(3)])


def test_stacking_tensors_copies_into_a_new_tensor_outside_autograd() -> None:
    samples = [nr.from_numpy(np.full((2, 2), i, np.float32)) for i in range(3)]
    batch = default_collate(samples)
    samples[0]._data[...] = 9  # the batch must not be a view of a sample
    assert batch.grad_fn is None and not batch.requires_grad
    np.testing.assert_array_equal(batch.numpy()[:, 0, 0], [0, 1, 2])


def test_gradient_flows_through_collated_tensors_requiring_grad() -> None:
    a = nr.ones(2, requires_grad=True)
    (default_collate([a, nr.zeros(2)]) * nr.tensor([[1.0], [2.0]])).sum().backward()
    np.testing.assert_array_equal(a.grad.numpy(), [1.0, 1.0])


def test_collate_with_a_custom_map_for_a_new_type() -> None:
    from neurarust.data.collate import collate, default_collate_fn_map

    class Box:
        def __init__(self, value: int) -> None:
            self.value = value

    def collate_boxes(batch: list[Box], *, collate_fn_map: Any = None) -> int:
        return sum(b.value for b in batch)

    table = {**default_collate_fn_map, Box: collate_boxes}
    assert collate([(Box(1), 1.0), (Box(2), 2.0)], collate_fn_map=table)[0] == 3
