"""``neurarust.utils.data``: the same names as :mod:`neurarust.data` (PyTorch's spelling)."""

from ..data import *  # noqa: F403  (every public name, the datasets and transforms modules too)
