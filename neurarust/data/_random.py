"""The random stream that samplers, transforms and user data code draw from.

A :class:`~neurarust.data.DataLoader` seeds one stream per batch from
``(base_seed, batch_index)`` and makes it current in whichever worker (thread
or process) builds that batch. Random augmentations therefore come out the
same for any ``num_workers`` and any scheduling of the workers.

Outside a loader, :func:`rng` follows ``neurarust.manual_seed``: seeding
neurarust makes a direct call such as ``RandomCrop(24)(image)`` reproducible.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager

import numpy as np

from ..device import device
from ..random import Generator, default_generator

__all__ = ["rng"]

# Mixed into the fallback seed so the data stream is not a copy of the tensor stream.
_DATA_STREAM_TAG = 0x64617461  # "data"

_current = threading.local()


class _Fallback:
    """The stream used outside a loader, remade whenever neurarust is reseeded."""

    source: object = None
    rng: np.random.Generator | None = None


def rng() -> np.random.Generator:
    """The NumPy random generator that data code should draw from.

    Inside a DataLoader it is the stream of the batch being built; elsewhere
    it is derived from neurarust's CPU seed. Use it in custom transforms
    instead of ``numpy.random`` so they are reproducible and give the same
    batches for any number of workers.

    Examples:
        >>> import neurarust as nr
        >>> from neurarust import data
        >>> _ = nr.manual_seed(0); a = data.rng().random()
        >>> _ = nr.manual_seed(0); a == data.rng().random()
        True
    """
    current = getattr(_current, "rng", None)
    if current is not None:
        return current
    generator = default_generator(device("cpu"))
    source = generator.source  # a new object after every manual_seed
    if _Fallback.source is not source:
        _Fallback.source = source
        _Fallback.rng = np.random.default_rng([generator.initial_seed(), _DATA_STREAM_TAG])
    assert _Fallback.rng is not None
    return _Fallback.rng


@contextmanager
def using(stream: np.random.Generator) -> Iterator[np.random.Generator]:
    """Make ``stream`` the current one in this thread while the block runs."""
    previous = getattr(_current, "rng", None)
    _current.rng = stream
    try:
        yield stream
    finally:
        _current.rng = previous


def seeded(seed: Sequence[int]) -> AbstractContextManager[np.random.Generator]:
    """Make a new stream seeded from ``seed`` current in this thread while the block runs."""
    return using(np.random.default_rng(list(seed)))


def draw_seed(generator: Generator | None = None) -> int:
    """A 63-bit seed drawn from ``generator`` (default: neurarust's CPU generator).

    Drawing advances the generator, so successive epochs get different seeds
    while ``neurarust.manual_seed`` (or a seeded ``generator``) replays them.
    """
    source = (generator or default_generator(device("cpu"))).source
    return int(source.integers(0, 2**63 - 1, (), np.int64))


def numpy_generator(generator: Generator | None = None) -> np.random.Generator:
    """A fresh NumPy generator seeded by :func:`draw_seed` (samplers use one per epoch)."""
    return np.random.default_rng(draw_seed(generator))
