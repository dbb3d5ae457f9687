"""The differentiable ops, one module per family.

Each op is one :class:`~neurarust.autograd.Function` subclass (forward and
backward side by side) plus the public function that calls it. ``Tensor``
methods, ``neurarust.<op>`` and ``nn.functional`` all lead here.
"""

from importlib import import_module

from .comparison import *  # noqa: F403
from .conversion import *  # noqa: F403
from .creation import *  # noqa: F403
from .decompositions import *  # noqa: F403
from .distance import *  # noqa: F403
from .elementwise import *  # noqa: F403
from .indexing import *  # noqa: F403
from .linalg import *  # noqa: F403
from .matrix import *  # noqa: F403
from .reduction import *  # noqa: F403
from .sampling import *  # noqa: F403
from .scatter import *  # noqa: F403
from .shape import *  # noqa: F403
from .softmax import *  # noqa: F403
from .sorting import *  # noqa: F403
from .strided import *  # noqa: F403
from .unary import *  # noqa: F403

_FAMILIES = (
    "comparison",
    "conversion",
    "creation",
    "decompositions",
    "distance",
    "elementwise",
    "indexing",
    "linalg",
    "matrix",
    "reduction",
    "sampling",
    "scatter",
    "shape",
    "softmax",
    "sorting",
    "strided",
    "unary",
)

# Only op names travel on to ``neurarust.*`` (the families' ``__all__``), not module names.
__all__ = [name for family in _FAMILIES for name in import_module(f".{family}", __name__).__all__]
