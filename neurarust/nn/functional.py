"""Functional forms of the neural-network ops, as ``torch.nn.functional``.

Every function here leads to an op in ``neurarust.ops``.
"""

from ..ops.scatter import one_hot
from ..ops.softmax import log_softmax, softmax
from ..ops.unary import relu, sigmoid, tanh

__all__ = ["log_softmax", "one_hot", "relu", "sigmoid", "softmax", "tanh"]
