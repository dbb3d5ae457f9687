"""The loss functions of ``neurarust.nn.functional``, one module per kind of loss.

Each loss computes one value per element or sample, then reduces them with
``reduction`` (see :mod:`._reduction`). The modules of ``neurarust.nn``
(``nn.MSELoss``, ``nn.CrossEntropyLoss``, ...) call these functions.
"""

from importlib import import_module

from .classification import *  # noqa: F403
from .ctc import *  # noqa: F403
from .embedding import *  # noqa: F403
from .margin import *  # noqa: F403
from .regression import *  # noqa: F403

_KINDS = ("regression", "embedding", "margin", "classification", "ctc")
__all__ = [name for kind in _KINDS for name in import_module(f".{kind}", __name__).__all__]
