"""Neural-network building blocks, as ``torch.nn``: ``Module`` and its layers,
``Parameter``, ``init`` and ``functional``.

Examples:
    >>> import neurarust as nr
    >>> nr.nn.functional.one_hot(nr.tensor([1, 0]), 2)
    tensor([[0, 1],
            [1, 0]])
"""

from . import functional, init, utils
from .modules import *  # noqa: F403
from .parameter import *  # noqa: F403
