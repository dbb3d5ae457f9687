"""The differentiable ops, one module per family.

Each op is one :class:`~neurarust.autograd.Function` subclass (forward and
backward side by side) plus the public function that calls it. ``Tensor``
methods, ``neurarust.<op>`` and ``nn.functional`` all lead here.
"""

from . import (
    comparison,
    conversion,
    creation,
    decompositions,
    elementwise,
    indexing,
    linalg,
    matrix,
    reduction,
    sampling,
    scatter,
    shape,
    softmax,
    sorting,
    unary,
)

_FAMILIES = (
    comparison,
    conversion,
    creation,
    decompositions,
    elementwise,
    indexing,
    linalg,
    matrix,
    reduction,
    sampling,
    scatter,
    shape,
    softmax,
    sorting,
    unary,
)

# Only op names travel on to ``neurarust.*``, not the module names above (the
# star imports below may rebind a module name to an op, e.g. ``softmax``).
__all__ = [name for family in _FAMILIES for name in family.__all__]

from .comparison import *  # noqa: E402, F403
from .conversion import *  # noqa: E402, F403
from .creation import *  # noqa: E402, F403
from .decompositions import *  # noqa: E402, F403
from .elementwise import *  # noqa: E402, F403
from .indexing import *  # noqa: E402, F403
from .linalg import *  # noqa: E402, F403
from .matrix import *  # noqa: E402, F403
from .reduction import *  # noqa: E402, F403
from .sampling import *  # noqa: E402, F403
from .scatter import *  # noqa: E402, F403
from .shape import *  # noqa: E402, F403
from .softmax import *  # noqa: E402, F403
from .sorting import *  # noqa: E402, F403
from .unary import *  # noqa: E402, F403
