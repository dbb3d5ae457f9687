"""Random number generators: ``manual_seed``, ``seed``, ``Generator``.

Each device has a default :class:`Generator`; ``neurarust.manual_seed(s)``
reseeds all of them, so a script that seeds once is reproducible. Streams
differ from PyTorch's: the same seed gives different (equally random) numbers.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .device import Device, DeviceLike, device
from .device import device as _as_device

_initial_default_seed = 67280421310721


class Generator:
    """A seeded random stream for one device.

    Examples:
        >>> import neurarust as nr
        >>> g = nr.Generator().manual_seed(0)
        >>> a = nr.rand(3, generator=g)
    """

    def __init__(self, device: DeviceLike = "cpu") -> None:
        self.device: Device = _as_device(device)
        self._seed = _initial_default_seed
        self._source: Any = None

    @property
    def source(self) -> Any:
        """The backend's random stream (created on first use)."""
        if self._source is None:
            self._source = self.device.backend.random_source(self._seed)
        return self._source

    def manual_seed(self, seed: int) -> Generator:
        """Reseed the stream; returns ``self``."""
        self._seed = int(seed) & 0xFFFF_FFFF_FFFF_FFFF
        self._source = None
        return self

    def seed(self) -> int:
        """Reseed from OS entropy and return the new seed."""
        entropy: int = np.random.SeedSequence().entropy  # type: ignore[assignment]
        new = entropy & 0xFFFF_FFFF_FFFF_FFFF
        self.manual_seed(new)
        return new

    def initial_seed(self) -> int:
        """The seed this stream was last seeded with."""
        return self._seed

    def get_state(self) -> Any:
        """An opaque snapshot of the stream, for :meth:`set_state`."""
        return (self._seed, self.source.get_state())

    def set_state(self, state: Any) -> None:
        """Restore a snapshot taken by :meth:`get_state`."""
        seed, inner = state
        self.manual_seed(seed)
        self.source.set_state(inner)


_default_generators: dict[Device, Generator] = {}


def default_generator(dev: Device) -> Generator:
    """The default generator of device ``dev``."""
    gen = _default_generators.get(dev)
    if gen is None:
        gen = _default_generators[dev] = Generator(dev)
    return gen


def manual_seed(seed: int) -> Generator:
    """Seed the default generators of every device; returns the CPU one.

    Examples:
        >>> import neurarust as nr
        >>> _ = nr.manual_seed(0); a = nr.rand(2)
        >>> _ = nr.manual_seed(0); bool((nr.rand(2) == a).all())
        True
    """
    cpu_gen = default_generator(device("cpu"))
    cpu_gen.manual_seed(seed)
    for gen in _default_generators.values():
        gen.manual_seed(seed)
    return cpu_gen


def seed() -> int:
    """Seed every default generator from OS entropy; returns the seed."""
    new = default_generator(device("cpu")).seed()
    manual_seed(new)
    return new


def initial_seed() -> int:
    """The seed of the CPU default generator."""
    return default_generator(device("cpu")).initial_seed()


def get_rng_state() -> Any:
    """Snapshot of the CPU default generator."""
    return default_generator(device("cpu")).get_state()


def set_rng_state(state: Any) -> None:
    """Restore the CPU default generator from :func:`get_rng_state`."""
    default_generator(device("cpu")).set_state(state)
