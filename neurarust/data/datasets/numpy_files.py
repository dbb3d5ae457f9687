"""NumPy ``.npy`` and ``.npz`` files as datasets whose items are rows of the arrays.

A ``.npy`` file is memory-mapped by default: opening it reads only the
header, and each item reads its own row from disk, so arrays larger than
memory work. A ``.npz`` archive is a zip file that cannot be mapped: the
selected arrays are read into memory when the dataset is built.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import Any, Literal

import numpy as np

from ..dataset import InMemoryDataset

__all__ = ["NumpyDataset"]

MmapMode = Literal["r", "r+", "w+", "c"] | None


def _select(
    archive: Any, keys: str | Sequence[str] | None, path: str
) -> tuple[list[str], list[Any]]:
    """The names and arrays of ``keys`` (default: all, in file order) from an open archive."""
    available = list(archive.files)
    names = available if keys is None else [keys] if isinstance(keys, str) else list(keys)
    for name in names:
        if name not in available:
            raise KeyError(
                f"NumpyDataset: no array named {name!r} in {path}; available: {available}"
            )
    return names, [archive[name] for name in names]


def _check_rows(names: list[str], arrays: list[Any], path: str) -> None:
    """Every array must have a first dimension, the same for all."""
    for name, array in zip(names, arrays):
        if np.ndim(array) == 0:
            raise ValueError(f"NumpyDataset: array {name!r} in {path} is 0-d; it has no rows")
    lengths = {name: len(array) for name, array in zip(names, arrays)}
    if len(set(lengths.values())) > 1:
        raise ValueError(
            f"NumpyDataset: arrays should have the same number of rows, but got {lengths} in {path}"
        )


class NumpyDataset(InMemoryDataset):
    """Rows of the arrays in a ``.npy`` file or an ``.npz`` archive.

    Args:
        path: a ``.npy`` file (one array: item i is ``array[i]``) or an ``.npz``
            archive (item i is the tuple of row i of the selected arrays).
        keys: for ``.npz`` only: the names of the arrays to use, in item order
            (default: all, in file order), or one name for bare items.
        mmap_mode: how ``numpy.load`` maps a ``.npy`` file (``"r"``: read-only,
            rows are read on access; None: read it all into memory). Ignored
            for ``.npz``, whose arrays are always read into memory.
        transform: applied to the first element of each item (the whole item
            when there is one array).
        target_transform: applied to the second element of each item.

    Attributes: ``path``, ``keys`` (the array names; None for ``.npy``) and
    ``arrays``. Object arrays (pickles) are refused, as ``allow_pickle=False``.

    Raises:
        KeyError: for a name not in the archive (the message lists the available ones).
        ValueError: for arrays with different numbers of rows (naming them), a
            0-d array, or ``keys`` given for a ``.npy`` file.

    Examples:
        >>> import os, tempfile
        >>> import numpy as np
        >>> from neurarust.data.datasets import NumpyDataset
        >>> path = os.path.join(tempfile.mkdtemp(), "points.npz")
        >>> np.savez(path, x=np.arange(6.0).reshape(3, 2), y=np.array([0, 1, 0]))
        >>> ds = NumpyDataset(path)
        >>> len(ds), ds.keys
        (3, ['x', 'y'])
        >>> x, y = ds[1]
        >>> x.tolist(), int(y)
        ([2.0, 3.0], 1)
    """

    path: str
    keys: list[str] | None

    def __init__(
        self,
        path: str | os.PathLike[str],
        keys: str | Sequence[str] | None = None,
        mmap_mode: MmapMode = "r",
        transform: Callable[[Any], Any] | None = None,
        target_transform: Callable[[Any], Any] | None = None,
    ) -> None:
        self.path = os.fspath(path)
        loaded = np.load(self.path, mmap_mode=mmap_mode, allow_pickle=False)
        if isinstance(loaded, np.lib.npyio.NpzFile):
            with loaded:
                names, arrays = _select(loaded, keys, self.path)
            self.keys = names
        elif keys is not None:
            raise ValueError(
                f"NumpyDataset: keys selects arrays of an .npz archive, but {self.path} "
                f"holds a single array (got keys={keys!r})"
            )
        else:
            names, arrays, self.keys = ["array"], [loaded], None
        _check_rows(names, arrays, self.path)
        super().__init__(*arrays, transform=transform, target_transform=target_transform)
