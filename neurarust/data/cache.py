"""Bounded caches for decoded samples: :class:`LRUCache` and :func:`sample_nbytes`.

Decoding (reading a JPEG, parsing a row) often costs more than training on the
result, so datasets keep recently decoded samples in memory. The cache is
bounded by a number of items, by bytes, or both; when full it drops the least
recently used sample.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping
from typing import Any, Generic, TypeVar

__all__ = ["LRUCache", "sample_nbytes"]

V = TypeVar("V")

# Bytes a Python number is counted as (the size of a float64 / int64 value).
_NUMBER_NBYTES = 8


def _pil_image_nbytes(image: Any) -> int:
    """Pixel bytes of a PIL image, from its size and mode (PIL is not imported).

    One byte per band, except the 32-bit integer/float modes "I" and "F" and
    the 16-bit "I;16*" modes: the size ``numpy.asarray(image)`` would have.
    """
    width, height = image.size
    mode: str = image.mode
    if mode in ("I", "F"):
        bytes_per_band = 4
    elif mode.startswith("I;16"):
        bytes_per_band = 2
    else:
        bytes_per_band = 1
    return width * height * bytes_per_band * len(image.getbands())


def _is_pil_image(sample: Any) -> bool:
    return hasattr(sample, "getbands") and hasattr(sample, "mode") and hasattr(sample, "size")


def sample_nbytes(sample: Any) -> int:
    """The number of bytes a sample holds, as the bytes-bounded caches count them.

    Args:
        sample: an array (NumPy or CuPy) or Tensor (counted by ``.nbytes``), a
            PIL image (width * height * bytes per pixel of its mode), a
            ``str``/``bytes`` (its length), a number (8), or a tuple, list,
            namedtuple or dict of these (the sum over the elements; dict keys
            are not counted). Other objects count as 8 bytes, a reference.

    Returns:
        int: the byte count.

    Examples:
        >>> import numpy as np
        >>> from neurarust.data import sample_nbytes
        >>> sample_nbytes((np.zeros((2, 3), dtype=np.float32), 7))
        32
    """
    if isinstance(sample, (str, bytes, bytearray)):
        return len(sample)
    nbytes = getattr(sample, "nbytes", None)
    if isinstance(nbytes, int):  # NumPy/CuPy arrays and scalars, Tensors, memoryviews
        return nbytes
    if _is_pil_image(sample):
        return _pil_image_nbytes(sample)
    if isinstance(sample, Mapping):
        return sum(sample_nbytes(value) for value in sample.values())
    if isinstance(sample, (tuple, list)):
        return sum(sample_nbytes(element) for element in sample)
    return _NUMBER_NBYTES


def _check_bound(name: str, value: int | None) -> None:
    if value is not None and (not isinstance(value, int) or value < 0):
        raise ValueError(
            f"LRUCache: {name} should be a non-negative integer or None, but got {name}={value!r}"
        )


class LRUCache(Generic[V]):
    """A thread-safe mapping that forgets its least recently used entries.

    Entries are evicted, least recently used first, whenever there are more
    than ``max_items`` of them or they hold more than ``max_bytes`` bytes
    (measured with :func:`sample_nbytes`). A bound of ``None`` means no limit.
    A lock guards every operation, so thread workers of a DataLoader can share
    one cache. A pickled cache (sent to a process worker) arrives empty: each
    process keeps its own entries.

    Args:
        max_items: most entries kept, or None for no limit (0 keeps nothing).
        max_bytes: most bytes kept, or None for no limit. A value larger than
            ``max_bytes`` on its own is not stored.

    Attributes:
        hits: ``get`` calls that found their key.
        misses: ``get`` calls that did not.

    Examples:
        >>> from neurarust.data import LRUCache
        >>> cache = LRUCache(max_items=2)
        >>> cache.put("a", 1); cache.put("b", 2)
        >>> cache.get("a")
        1
        >>> cache.put("c", 3)  # evicts "b", the least recently used
        >>> "b" in cache, len(cache), cache.hits
        (False, 2, 1)
    """

    def __init__(self, max_items: int | None = None, max_bytes: int | None = None) -> None:
        _check_bound("max_items", max_items)
        _check_bound("max_bytes", max_bytes)
        self.max_items = max_items
        self.max_bytes = max_bytes
        self._reset()

    def _reset(self) -> None:
        self._lock = threading.Lock()
        self._entries: OrderedDict[Hashable, tuple[V, int]] = OrderedDict()
        self._nbytes = 0
        self.hits = 0
        self.misses = 0

    def get(self, key: Hashable, default: Any = None) -> Any:
        """The value stored under ``key`` (now the most recently used), else ``default``.

        Args:
            key: any hashable key.
            default: returned when ``key`` is not cached.

        Returns:
            the cached value or ``default``.
        """
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                self.misses += 1
                return default
            self._entries.move_to_end(key)
            self.hits += 1
            return entry[0]

    def put(self, key: Hashable, value: V) -> None:
        """Store ``value`` under ``key`` (replacing any old value), then evict to fit the bounds.

        Args:
            key: any hashable key.
            value: the value; it is not stored when larger than ``max_bytes``.
        """
        nbytes = sample_nbytes(value)
        with self._lock:
            self._remove(key)
            if self.max_bytes is not None and nbytes > self.max_bytes:
                return
            self._entries[key] = (value, nbytes)
            self._nbytes += nbytes
            self._evict()

    def get_or_put(self, key: Hashable, make: Callable[[], V]) -> V:
        """The value under ``key``; on a miss, ``make()`` is called and its result stored.

        ``make`` runs outside the lock, so two threads missing the same key at
        once may both call it; the cache stays consistent.

        Args:
            key: any hashable key.
            make: computes the value when it is not cached.

        Returns:
            the cached or newly made value.
        """
        missing = object()
        value = self.get(key, missing)
        if value is missing:
            value = make()
            self.put(key, value)
        return value

    def _remove(self, key: Hashable) -> None:
        entry = self._entries.pop(key, None)
        if entry is not None:
            self._nbytes -= entry[1]

    def _evict(self) -> None:
        while self._over_bounds():
            _, (_, nbytes) = self._entries.popitem(last=False)
            self._nbytes -= nbytes

    def _over_bounds(self) -> bool:
        too_many = self.max_items is not None and len(self._entries) > self.max_items
        too_big = self.max_bytes is not None and self._nbytes > self.max_bytes
        return too_many or too_big

    def clear(self) -> None:
        """Drop every entry and reset ``hits`` and ``misses`` to 0."""
        with self._lock:
            self._entries.clear()
            self._nbytes = 0
            self.hits = 0
            self.misses = 0

    @property
    def nbytes(self) -> int:
        """Bytes held by the cached values, as :func:`sample_nbytes` counts them."""
        return self._nbytes

    def __contains__(self, key: Hashable) -> bool:
        with self._lock:
            return key in self._entries

    def __len__(self) -> int:
        return len(self._entries)

    def __getstate__(self) -> dict[str, Any]:
        return {"max_items": self.max_items, "max_bytes": self.max_bytes}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.max_items = state["max_items"]
        self.max_bytes = state["max_bytes"]
        self._reset()

    def __repr__(self) -> str:
        return (
            f"LRUCache(items={len(self)}/{self.max_items}, nbytes={self.nbytes}/{self.max_bytes}, "
            f"hits={self.hits}, misses={self.misses})"
        )
