"""Functional forms of the neural-network ops, as ``torch.nn.functional``.

Every function here is an op of ``neurarust.ops``; the nn-only families
(activations, attention, convolution, pooling, padding, normalization, dropout, layers,
losses, resampling) are exported here rather than at ``neurarust.*``.
"""

from importlib import import_module  # noqa: E402

from ..ops.activation import *  # noqa: F403
from ..ops.attention import *  # noqa: F403
from ..ops.conv import *  # noqa: F403
from ..ops.distance import *  # noqa: F403
from ..ops.dropout import *  # noqa: F403
from ..ops.layers import *  # noqa: F403
from ..ops.loss import *  # noqa: F403
from ..ops.normalization import *  # noqa: F403
from ..ops.padding import *  # noqa: F403
from ..ops.pooling import *  # noqa: F403
from ..ops.resampling import *  # noqa: F403
from ..ops.scatter import one_hot
from ..ops.unary import sigmoid, tanh

_FAMILIES = (
    "activation",
    "attention",
    "conv",
    "distance",
    "dropout",
    "layers",
    "loss",
    "normalization",
    "padding",
    "pooling",
    "resampling",
)
__all__ = [
    name for family in _FAMILIES for name in import_module(f"neurarust.ops.{family}").__all__
] + ["one_hot", "sigmoid", "tanh"]
