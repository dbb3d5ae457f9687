"""PyTorch's ``torch.utils`` spelling: ``neurarust.utils.data`` is :mod:`neurarust.data`.

So ``from torch.utils.data import DataLoader`` ports as
``from neurarust.utils.data import DataLoader``.
"""

from . import data
