"""Transforms: preprocessing and seeded, reproducible data augmentation.

Each transform is a callable object. Image transforms accept PIL images and
tensors of shape ``(..., C, H, W)``; random ones draw from
:func:`neurarust.data.rng`, so a DataLoader gives the same augmented batches
for any number of workers.
"""

from . import functional
from .adaptive import *
from .compose import *
from .image import *
from .sequence import *
from .tensor import *
