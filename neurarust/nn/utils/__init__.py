"""Utilities for ``neurarust.nn`` (as ``torch.nn.utils``): gradient clipping,
parameters as one vector, and :mod:`~neurarust.nn.utils.rnn` for variable-length
sequences."""

from . import rnn
from .clip_grad import *  # noqa: F403
from .convert_parameters import *  # noqa: F403
