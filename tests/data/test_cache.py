"""LRUCache and sample_nbytes: byte counts against NumPy/pillow, eviction against a reference."""

from __future__ import annotations

import pickle
import sys
import threading
from collections import OrderedDict, namedtuple

import numpy as np
import pytest

import neurarust as nr
from neurarust.data import LRUCache, sample_nbytes

Pair = namedtuple("Pair", ["x", "y"])


@pytest.mark.parametrize(
    "sample, expected",
    [
        (np.zeros((3, 5), dtype=np.float32), 60),
        (np.zeros((2, 2, 2), dtype=np.uint8)[:, 0], 4),  # a view counts its own elements
        (np.float64(1.5), 8),
        (np.int16(3), 2),
        ("hello", 5),
        (b"\x00\x01\x02", 3),
        (7, 8),
        (2.5, 8),
        (True, 8),
        ((np.zeros(4, dtype=np.int64), 1), 32 + 8),
        ([np.zeros(2, dtype=np.float32), "ab"], 8 + 2),
        ({"image": np.zeros(10, dtype=np.uint8), "label": 3}, 10 + 8),
        (Pair(np.zeros(3, dtype=np.float64), (1, "xyz")), 24 + 8 + 3),
        ([], 0),
    ],
)
def test_sample_nbytes_of_arrays_numbers_text_and_containers(sample, expected):
    assert sample_nbytes(sample) == expected


@pytest.mark.parametrize("dtype", [nr.float32, nr.float64, nr.int64, nr.uint8])
def test_sample_nbytes_of_tensors_matches_numpy(dtype):
    tensor = nr.zeros(4, 3, dtype=dtype)
    assert sample_nbytes(tensor) == tensor.numpy().nbytes
    assert sample_nbytes((tensor, tensor)) == 2 * tensor.numpy().nbytes


@pytest.mark.parametrize(
    "mode", ["1", "L", "P", "LA", "RGB", "RGBA", "CMYK", "YCbCr", "I", "F", "I;16"]
)
def test_sample_nbytes_of_pil_images_matches_their_numpy_size(mode):
    image_module = pytest.importorskip("PIL.Image")
    image = image_module.new(mode, (7, 5))
    assert sample_nbytes(image) == np.asarray(image).nbytes


def array_of(nbytes: int) -> np.ndarray:
    return np.zeros(nbytes, dtype=np.uint8)


class ReferenceLRU:
    """An independent model: a list of keys, most recent last, recomputed sizes."""

    def __init__(self, max_items, max_bytes):
        self.max_items, self.max_bytes = max_items, max_bytes
        self.values = OrderedDict()

    def get(self, key):
        if key in self.values:
            self.values.move_to_end(key)
            return self.values[key]
        return None

    def put(self, key, value):
        self.values.pop(key, None)
        if self.max_bytes is not None and value.nbytes > self.max_bytes:
            return
        self.values[key] = value
        while (self.max_items is not None and len(self.values) > self.max_items) or (
            self.max_bytes is not None
            and sum(v.nbytes for v in self.values.values()) > self.max_bytes
        ):
            self.values.popitem(last=False)


@pytest.mark.parametrize(
    "max_items, max_bytes", [(3, None), (None, 50), (4, 40), (1, None), (None, None)]
)
def test_random_operations_match_a_reference_lru(max_items, max_bytes):
    rng = np.random.default_rng(0)
    cache, reference = LRUCache(max_items, max_bytes), ReferenceLRU(max_items, max_bytes)
    for _ in range(400):
        key = int(rng.integers(8))
        if rng.random() < 0.5:
            value = array_of(int(rng.integers(1, 30)))
            cache.put(key, value)
            reference.put(key, value)
        else:
            assert cache.get(key) is reference.get(key)
        assert [k for k in range(8) if k in cache] == sorted(reference.values)
        assert cache.nbytes == sum(v.nbytes for v in reference.values.values())


@pytest.mark.parametrize(
    "bounds, puts, gets, expected_keys",
    [
        # "a" is read after "b" was stored, so "b" is the least recently used
        ({"max_items": 2}, ["a", "b"], ["a"], {"a", "c"}),
        ({"max_items": 2}, ["a", "b"], [], {"b", "c"}),
        ({"max_bytes": 25}, ["a", "b"], ["a"], {"a", "c"}),
        ({"max_items": 0}, ["a", "b"], [], set()),
    ],
)
def test_eviction_drops_the_least_recently_used(bounds, puts, gets, expected_keys):
    cache = LRUCache(**bounds)
    for key in puts:
        cache.put(key, array_of(10))
    for key in gets:
        cache.get(key)
    cache.put("c", array_of(10))
    assert {key for key in "abc" if key in cache} == expected_keys


def test_a_value_larger_than_max_bytes_is_not_stored_and_replaces_nothing_stale():
    cache = LRUCache(max_bytes=16)
    cache.put("small", array_of(8))
    cache.put("small", array_of(17))  # the old value under this key must not survive
    assert "small" not in cache and len(cache) == 0 and cache.nbytes == 0


def test_replacing_a_key_updates_the_byte_count():
    cache = LRUCache(max_bytes=100)
    cache.put("k", array_of(30))
    cache.put("k", array_of(50))
    assert (len(cache), cache.nbytes) == (1, 50)


def test_hits_misses_contains_and_clear():
    cache = LRUCache(max_items=4)
    assert cache.get("x", "default") == "default"
    cache.put("x", None)  # None is a value like any other
    assert cache.get("x", "default") is None
    assert "x" in cache and "y" not in cache  # membership tests are not counted
    assert (cache.hits, cache.misses) == (1, 1)
    cache.clear()
    assert (len(cache), cache.nbytes, cache.hits, cache.misses) == (0, 0, 0, 0)


def test_get_or_put_makes_the_value_once():
    cache, calls = LRUCache(max_items=2), []
    for _ in range(3):
        assert cache.get_or_put("k", lambda: calls.append(1) or "made") == "made"
    assert len(calls) == 1 and (cache.hits, cache.misses) == (2, 1)


@pytest.mark.parametrize(
    "bounds, message",
    [({"max_items": -1}, "max_items=-1"), ({"max_bytes": 1.5}, "max_bytes=1.5")],
)
def test_invalid_bounds_raise(bounds, message):
    with pytest.raises(ValueError, match=f"LRUCache: .*{message}"):
        LRUCache(**bounds)


def test_repr_shows_size_bounds_and_counts():
    cache = LRUCache(max_items=5, max_bytes=1000)
    cache.put(1, array_of(12))
    cache.get(1)
    cache.get(2)
    text = repr(cache)
    for part in ("1/5", "12/1000", "hits=1", "misses=1"):
        assert part in text


def test_a_pickled_cache_arrives_empty_with_its_bounds():
    cache = LRUCache(max_items=3, max_bytes=64)
    cache.put("a", array_of(8))
    copy = pickle.loads(pickle.dumps(cache))
    assert (copy.max_items, copy.max_bytes, len(copy)) == (3, 64, 0)
    copy.put("b", array_of(8))
    assert "b" in copy


def test_concurrent_use_keeps_the_cache_consistent():
    cache = LRUCache(max_items=20, max_bytes=400)
    n_threads, n_ops = 8, 2000
    old_interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible

    def work(seed):
        rng = np.random.default_rng(seed)
        for _ in range(n_ops):
            key = int(rng.integers(40))
            cache.get_or_put(key, lambda key=key: array_of(1 + key))

    try:
        threads = [threading.Thread(target=work, args=(seed,)) for seed in range(n_threads)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(old_interval)
    stored = [key for key in range(40) if key in cache]
    assert cache.hits + cache.misses == n_threads * n_ops
    assert len(cache) == len(stored) <= 20
    assert cache.nbytes == sum(1 + key for key in stored) <= 400
    assert all(cache.get(key).nbytes == 1 + key for key in stored)
