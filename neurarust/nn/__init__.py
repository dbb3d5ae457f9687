"""Neural-network building blocks, as ``torch.nn``.

So far this holds ``neurarust.nn.functional``; modules, layers and
initializers arrive with the [nn] work.
"""

from . import functional

__all__ = ["functional"]
