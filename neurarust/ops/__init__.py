"""The differentiable ops, one module per family.

Each op is one :class:`~neurarust.autograd.Function` subclass (forward and
backward side by side) plus the public function that calls it. ``Tensor``
methods, ``neurarust.<op>`` and ``nn.functional`` all lead here.
"""

from .conversion import *  # noqa: F403
from .creation import *  # noqa: F403
from .elementwise import *  # noqa: F403
from .indexing import *  # noqa: F403
from .linalg import *  # noqa: F403
from .reduction import *  # noqa: F403
from .shape import *  # noqa: F403
from .softmax import *  # noqa: F403
from .unary import *  # noqa: F403
