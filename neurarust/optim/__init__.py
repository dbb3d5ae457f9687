"""Optimizers (as ``torch.optim``): one module per algorithm, all on the
:class:`Optimizer` base class; learning-rate schedulers in
:mod:`neurarust.optim.lr_scheduler`."""

from importlib import import_module

from . import lr_scheduler
from .adadelta import *  # noqa: F403
from .adafactor import *  # noqa: F403
from .adagrad import *  # noqa: F403
from .adam import *  # noqa: F403
from .adamax import *  # noqa: F403
from .diagnostics import *  # noqa: F403
from .lamb import *  # noqa: F403
from .lbfgs import *  # noqa: F403
from .nadam import *  # noqa: F403
from .optimizer import *  # noqa: F403
from .radam import *  # noqa: F403
from .regularization import *  # noqa: F403
from .rmsprop import *  # noqa: F403
from .sgd import *  # noqa: F403

_ALGORITHMS = (
    "optimizer",
    "sgd",
    "adam",
    "adamax",
    "nadam",
    "radam",
    "rmsprop",
    "adagrad",
    "adadelta",
    "adafactor",
    "lamb",
    "lbfgs",
    "regularization",
    "diagnostics",
)
__all__ = [
    name for module in _ALGORITHMS for name in import_module(f".{module}", __name__).__all__
] + ["lr_scheduler"]
