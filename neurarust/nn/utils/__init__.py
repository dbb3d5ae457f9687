"""Utilities for ``neurarust.nn`` (as ``torch.nn.utils``)."""

from . import rnn
