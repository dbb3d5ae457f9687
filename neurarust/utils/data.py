"""``neurarust.utils.data``: the same names as :mod:`neurarust.data` (PyTorch's spelling)."""

from ..data import *
from ..data import datasets, transforms
