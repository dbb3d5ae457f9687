"""Learning-rate schedulers (as ``torch.optim.lr_scheduler``).

A scheduler changes the ``"lr"`` of each of an optimizer's parameter groups as
training goes on: a warm-up, a decay, cycles, or a cut when the validation loss
stops improving. Create it after the optimizer, then call ``scheduler.step()``
once per epoch (per batch for :class:`CyclicLR` and :class:`OneCycleLR`), AFTER
``optimizer.step()``::

    for epoch in range(epochs):
        for x, y in loader:
            optimizer.zero_grad()
            loss_fn(model(x), y).backward()
            optimizer.step()
        scheduler.step()

Creating a scheduler already applies its epoch-0 learning rate, and stores each
group's starting rate as ``group["initial_lr"]`` (the scheduler's ``base_lrs``).
Most schedulers compute each learning rate from the previous one (the
"chainable" form), so several of them can act on one optimizer together
(:class:`ChainedScheduler`) or one after another (:class:`SequentialLR`); the
formulas in the docstrings are the closed forms those recursions follow.

``scheduler.state_dict()`` holds everything but the optimizer; save it next to
the optimizer's and the model's to resume training, and load it after the
optimizer's state dict. The learning rates computed are the same floating-point
numbers as PyTorch's, and the state dicts are interchangeable with PyTorch's.
"""

from __future__ import annotations

import math
import types
import warnings
import weakref
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, Literal, SupportsFloat

from ..tensor import Tensor
from .optimizer import Optimizer

__all__ = [
    "LRScheduler",
    "LambdaLR",
    "MultiplicativeLR",
    "StepLR",
    "MultiStepLR",
    "ConstantLR",
    "LinearLR",
    "ExponentialLR",
    "PolynomialLR",
    "CosineAnnealingLR",
    "CosineAnnealingWarmRestarts",
    "ReduceLROnPlateau",
    "CyclicLR",
    "OneCycleLR",
    "SequentialLR",
    "ChainedScheduler",
]

EPOCH_DEPRECATION_WARNING = (
    "The epoch parameter in `scheduler.step()` was not necessary and is being deprecated "
    "where possible. Please use `scheduler.step()` to step the scheduler. During the "
    "deprecation, if epoch is different from None, the closed form is used instead of the "
    "new chainable form, where available."
)

# Whether each optimizer a scheduler watches has run its step() yet: a scheduler stepped
# before its optimizer skips the first learning rate of the schedule, so it warns.
# Weak keys, so that an optimizer is freed as usual.
_optimizer_has_stepped: weakref.WeakKeyDictionary[Optimizer, bool] = weakref.WeakKeyDictionary()


def _record_optimizer_step(optimizer: Optimizer, args: Any, kwargs: Any) -> None:
    _optimizer_has_stepped[optimizer] = True


def _watch_optimizer_steps(optimizer: Optimizer) -> None:
    if optimizer not in _optimizer_has_stepped:
        _optimizer_has_stepped[optimizer] = False
        optimizer.register_step_post_hook(_record_optimizer_step)


def _check_optimizer(optimizer: Any) -> None:
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"{type(optimizer).__name__} is not an Optimizer")


def _copied(value: Any) -> Any:
    """``value``, cloned if it is a Tensor (a learning rate may be a 0-d tensor)."""
    return value.clone() if isinstance(value, Tensor) else value


def _group_values(optimizer: Optimizer, key: str) -> list[Any]:
    """``group[key]`` of every parameter group of ``optimizer``."""
    return [_copied(group[key]) for group in optimizer.param_groups]


def _set_group_value(group: dict[str, Any], key: str, value: Any) -> None:
    """Set ``group[key]``, in place when it is a tensor (so that whoever holds it sees it)."""
    if isinstance(group[key], Tensor):
        group[key].fill_(float(value))
    else:
        group[key] = value


def _per_group(name: str, optimizer: Optimizer, value: Any) -> list[Any]:
    """One ``value`` per parameter group: a list or tuple as given (one entry per group),
    anything else repeated."""
    count = len(optimizer.param_groups)
    if not isinstance(value, (list, tuple)):
        value = [value] * count
    elif len(value) != count:
        raise ValueError(
            f"{name} must have the same length as optimizer.param_groups. "
            f"{name} has {len(value)} values, param_groups has {count}."
        )
    return [_copied(v) for v in value]


def _uses_beta1(optimizer: Optimizer) -> bool:
    """Whether the momentum that the cyclic schedulers move opposite to the learning rate
    is ``betas[0]`` (Adam and friends) rather than ``momentum`` (SGD, RMSprop)."""
    if "betas" in optimizer.defaults:
        return True
    if "momentum" in optimizer.defaults:
        return False
    raise ValueError(
        "optimizer must support momentum or beta1 with `cycle_momentum` option enabled, "
        f"but {type(optimizer).__name__} has neither 'momentum' nor 'betas' in its defaults"
    )


def _set_momentum(group: dict[str, Any], use_beta1: bool, momentum: float) -> None:
    if use_beta1:
        group["betas"] = (momentum, *group["betas"][1:])
    else:
        group["momentum"] = momentum


def _start_momentum_cycle(
    optimizer: Optimizer, use_beta1: bool, max_momentums: list[Any], base_momentums: list[Any]
) -> None:
    """Start each group at its highest momentum, and keep both ends of its range in it."""
    for high, low, group in zip(max_momentums, base_momentums, optimizer.param_groups):
        _set_momentum(group, use_beta1, high)
        group["max_momentum"] = high
        group["base_momentum"] = low


def _callable_state(fn: Any) -> dict[str, Any] | None:
    """What a state dict keeps of a user function: the attributes of a callable object,
    nothing of a plain function or lambda (those are code, saved with the script)."""
    if fn is None or isinstance(fn, types.FunctionType):
        return None
    return dict(fn.__dict__)


@contextmanager
def _raised(scheduler: LRScheduler, flag: str) -> Iterator[None]:
    """``scheduler.<flag>`` is True inside the ``with`` block."""
    setattr(scheduler, flag, True)
    try:
        yield
    finally:
        setattr(scheduler, flag, False)


class LRScheduler:
    """Base class of the learning-rate schedulers.

    A subclass sets its options, calls ``super().__init__(optimizer, last_epoch)`` and
    writes :meth:`get_lr`: the learning rates of epoch ``self.last_epoch``, one per
    parameter group, usually from the current ``group["lr"]`` (chainable form) or from
    ``self.base_lrs``. Creating the scheduler applies epoch 0's rates.

    Args:
        optimizer: the optimizer whose learning rates are scheduled.
        last_epoch: the index of the last epoch done, to resume a schedule; ``-1``
            (the default) starts it, storing each group's ``lr`` as its
            ``"initial_lr"``. Resuming needs ``"initial_lr"`` in every group (it is
            there once the optimizer's state dict is loaded).

    Attributes:
        base_lrs: the starting learning rate of each group (``group["initial_lr"]``).
        last_epoch: the number of ``step()`` calls so far (0 after creation).

    Examples:
        >>> import neurarust as nr
        >>> class Halving(nr.optim.lr_scheduler.LRScheduler):
        ...     def get_lr(self):
        ...         return [base_lr / 2**self.last_epoch for base_lr in self.base_lrs]
        >>> opt = nr.optim.SGD([nr.zeros(2, requires_grad=True)], lr=1.0)
        >>> scheduler = Halving(opt)
        >>> for epoch in range(3):
        ...     opt.step()
        ...     scheduler.step()
        >>> scheduler.get_last_lr()
        [0.125]
    """

    _get_lr_called_within_step: bool = False
    _is_initial: bool = False

    def __init__(self, optimizer: Optimizer, last_epoch: int = -1) -> None:
        _check_optimizer(optimizer)
        self.optimizer = optimizer
        if last_epoch == -1:
            for group in optimizer.param_groups:
                group.setdefault("initial_lr", _copied(group["lr"]))
        else:
            for k, group in enumerate(optimizer.param_groups):
                if "initial_lr" not in group:
                    raise KeyError(
                        f"param 'initial_lr' is not specified in param_groups[{k}] when "
                        f"resuming scheduler with last_epoch >= 0 (got last_epoch="
                        f"{last_epoch}). Load the optimizer's state dict first, or use "
                        "last_epoch=-1 to start a new schedule."
                    )
        self.base_lrs: list[Any] = _group_values(optimizer, "initial_lr")
        self.last_epoch = last_epoch
        _watch_optimizer_steps(optimizer)
        self._initial_step()

    def _initial_step(self) -> None:
        """Apply the learning rates of the first epoch (``last_epoch`` goes up by one)."""
        self._step_count = 0
        with _raised(self, "_is_initial"):
            self.step()

    def get_last_lr(self) -> list[Any]:
        """The learning rates of the parameter groups set by the last ``step()``."""
        return self._last_lr

    def get_lr(self) -> list[Any]:
        """The learning rates of epoch ``last_epoch``, one per group (called by ``step``:
        to read the current rates use :meth:`get_last_lr`)."""
        raise NotImplementedError(f"{type(self).__name__} does not implement get_lr()")

    def step(self, epoch: int | None = None) -> None:
        """Move the schedule one epoch on and set the groups' learning rates.

        Passing ``epoch`` (deprecated, with a warning) jumps to that epoch, using the
        schedule's closed form where it has one.
        """
        if self._step_count == 1:
            self._warn_if_optimizer_not_stepped()
        self._step_count += 1
        if epoch is not None:
            warnings.warn(EPOCH_DEPRECATION_WARNING, UserWarning, stacklevel=2)
        self._update_lr(epoch)

    def _update_lr(self, epoch: int | None = None) -> None:
        with _raised(self, "_get_lr_called_within_step"):
            if epoch is None:
                self.last_epoch += 1
                lrs = self.get_lr()
            else:
                self.last_epoch = epoch
                lrs = getattr(self, "_get_closed_form_lr", self.get_lr)()
        self._set_lrs(lrs)

    def _set_lrs(self, lrs: list[Any]) -> None:
        for group, lr in zip(self.optimizer.param_groups, lrs, strict=True):
            _set_group_value(group, "lr", lr)
        self._last_lr = _group_values(self.optimizer, "lr")

    def _warn_if_optimizer_not_stepped(self) -> None:
        if _optimizer_has_stepped.get(self.optimizer, False):
            return
        if "step" in vars(self.optimizer):  # replaced on the instance: its calls go unseen
            warnings.warn(
                "Seems like `optimizer.step()` has been overridden after learning rate "
                "scheduler initialization. Please, make sure to call `optimizer.step()` "
                "before `lr_scheduler.step()`.",
                UserWarning,
                stacklevel=3,
            )
        else:
            warnings.warn(
                "Detected call of `lr_scheduler.step()` before `optimizer.step()`. You "
                "should call them in the opposite order: `optimizer.step()` before "
                "`lr_scheduler.step()`. Failure to do this will result in skipping the "
                "first value of the learning rate schedule.",
                UserWarning,
                stacklevel=3,
            )

    def _warn_unless_within_step(self) -> None:
        if not self._get_lr_called_within_step:
            warnings.warn(
                "To get the last learning rate computed by the scheduler, please use "
                "`get_last_lr()`.",
                UserWarning,
                stacklevel=3,
            )

    def state_dict(self) -> dict[str, Any]:
        """The scheduler's state: every attribute except the optimizer."""
        return {key: value for key, value in self.__dict__.items() if key != "optimizer"}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore a :meth:`state_dict` (ours or PyTorch's)."""
        self.__dict__.update(state_dict)


class _LambdaScheduler(LRScheduler):
    """A scheduler driven by one user function of the epoch per parameter group."""

    def __init__(
        self,
        optimizer: Optimizer,
        lr_lambda: Callable[[int], float] | list[Callable[[int], float]],
        last_epoch: int = -1,
    ) -> None:
        _check_optimizer(optimizer)
        self.optimizer = optimizer
        self.lr_lambdas: list[Callable[[int], float]] = _per_group(
            "lr_lambda", optimizer, lr_lambda
        )
        for fn in self.lr_lambdas:
            if not callable(fn):
                raise TypeError(
                    f"{type(self).__name__}: lr_lambda should be a function, "
                    f"but got {type(fn).__name__}"
                )
        super().__init__(optimizer, last_epoch)

    def state_dict(self) -> dict[str, Any]:
        """The scheduler's state; of the ``lr_lambdas``, only the attributes of callable
        objects (plain functions and lambdas are not saved: they come with the code)."""
        state = {k: v for k, v in self.__dict__.items() if k not in ("optimizer", "lr_lambdas")}
        state["lr_lambdas"] = [_callable_state(fn) for fn in self.lr_lambdas]
        return state

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore a :meth:`state_dict`, including the attributes of callable objects."""
        self.__dict__.update({k: v for k, v in state_dict.items() if k != "lr_lambdas"})
        for fn, saved in zip(self.lr_lambdas, state_dict["lr_lambdas"]):
            if saved is not None:
                fn.__dict__.update(saved)


class LambdaLR(_LambdaScheduler):
    """Set each group's learning rate to its initial one times a function of the epoch.

    ``lr(epoch) = base_lr * lr_lambda(epoch)``

    Args:
        optimizer: the optimizer.
        lr_lambda: a function of the epoch (an int), or a list of them, one per group.
        last_epoch: the last epoch done, to resume; ``-1`` starts the schedule.

    Examples:
        >>> import neurarust as nr
        >>> opt = nr.optim.SGD([nr.zeros(2, requires_grad=True)], lr=1.0)
        >>> warmup = nr.optim.lr_scheduler.LambdaLR(opt, lambda epoch: min(1.0, (epoch + 1) / 4))
        >>> lrs = []
        >>> for epoch in range(5):
        ...     lrs.append(warmup.get_last_lr()[0])
        ...     opt.step()
        ...     warmup.step()
        >>> lrs
        [0.25, 0.5, 0.75, 1.0, 1.0]
    """

    def get_lr(self) -> list[Any]:
        self._warn_unless_within_step()
        return [
            base_lr * fn(self.last_epoch)
            for fn, base_lr in zip(self.lr_lambdas, self.base_lrs, strict=True)
        ]


class MultiplicativeLR(_LambdaScheduler):
    """Multiply each group's learning rate by a function of the epoch at every step.

    ``lr(epoch) = lr(epoch - 1) * lr_lambda(epoch)`` for ``epoch >= 1``; ``lr(0) = base_lr``.

    Args:
        optimizer: the optimizer.
        lr_lambda: a function of the epoch (an int), or a list of them, one per group.
        last_epoch: the last epoch done, to resume; ``-1`` starts the schedule.

    Examples:
        >>> import neurarust as nr
        >>> opt = nr.optim.SGD([nr.zeros(2, requires_grad=True)], lr=1.0)
        >>> scheduler = nr.optim.lr_scheduler.MultiplicativeLR(opt, lambda epoch: 0.5)
        >>> for epoch in range(3):
        ...     opt.step()
        ...     scheduler.step()
        >>> scheduler.get_last_lr()
        [0.125]
    """

    def get_lr(self) -> list[Any]:
        self._warn_unless_within_step()
        if self._is_initial:
            return _group_values(self.optimizer, "lr")
        return [
            group["lr"] * fn(self.last_epoch)
            for fn, group in zip(self.lr_lambdas, self.optimizer.param_groups, strict=True)
        ]


class StepLR(LRScheduler):
    """Multiply the learning rate by ``gamma`` every ``step_size`` epochs.

    ``lr(epoch) = base_lr * gamma ** (epoch // step_size)``

    Args:
        optimizer: the optimizer.
        step_size: the number of epochs between two decays (positive).
        gamma: the factor of each decay.
        last_epoch: the last epoch done, to resume; ``-1`` starts the schedule.

    Examples:
        >>> import neurarust as nr
        >>> opt = nr.optim.SGD([nr.zeros(2, requires_grad=True)], lr=1.0)
        >>> scheduler = nr.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)
        >>> lrs = []
        >>> for epoch in range(6):
        ...     lrs.append(scheduler.get_last_lr()[0])
        ...     opt.step()
        ...     scheduler.step()
        >>> lrs
        [1.0, 1.0, 0.5, 0.5, 0.25, 0.25]
    """

    def __init__(
        self, optimizer: Optimizer, step_size: int, gamma: float = 0.1, last_epoch: int = -1
    ) -> None:
        if step_size <= 0:
            raise ValueError(f"StepLR: step_size must be a positive integer, but got {step_size}")
        self.step_size = step_size
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[Any]:
        self._warn_unless_within_step()
        if self.last_epoch == 0 or self.last_epoch % self.step_size != 0:
            return _group_values(self.optimizer, "lr")
        return [group["lr"] * self.gamma for group in self.optimizer.param_groups]

    def _get_closed_form_lr(self) -> list[Any]:
        return [
            base_lr * self.gamma ** (self.last_epoch // self.step_size) for base_lr in self.base_lrs
        ]


class MultiStepLR(LRScheduler):
    """Multiply the learning rate by ``gamma`` at each milestone epoch.

    ``lr(epoch) = base_lr * gamma ** (number of milestones <= epoch)`` (a milestone
    listed twice counts twice).

    Args:
        optimizer: the optimizer.
        milestones: the epochs at which the learning rate decays.
        gamma: the factor of each decay.
        last_epoch: the last epoch done, to resume; ``-1`` starts the schedule.

    Examples:
        >>> import neurarust as nr
        >>> opt = nr.optim.SGD([nr.zeros(2, requires_grad=True)], lr=1.0)
        >>> scheduler = nr.optim.lr_scheduler.MultiStepLR(opt, milestones=[1, 3], gamma=0.5)
        >>> lrs = []
        >>> for epoch in range(5):
        ...     lrs.append(scheduler.get_last_lr()[0])
        ...     opt.step()
        ...     scheduler.step()
        >>> lrs
        [1.0, 0.5, 0.5, 0.25, 0.25]
    """

    def __init__(
        self,
        optimizer: Optimizer,
        milestones: Iterable[int],
        gamma: float = 0.1,
        last_epoch: int = -1,
    ) -> None:
        self.milestones = Counter(milestones)
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[Any]:
        self._warn_unless_within_step()
        if self.last_epoch not in self.milestones:
            return _group_values(self.optimizer, "lr")
        decay = self.gamma ** self.milestones[self.last_epoch]
        return [group["lr"] * decay for group in self.optimizer.param_groups]

    def _get_closed_form_lr(self) -> list[Any]:
        passed = bisect_right(sorted(self.milestones.elements()), self.last_epoch)
        return [base_lr * self.gamma**passed for base_lr in self.base_lrs]


class ConstantLR(LRScheduler):
    """Multiply the learning rate by a constant ``factor`` for the first epochs.

    ``lr(epoch) = base_lr * factor`` for ``epoch < total_iters``, ``base_lr`` after.

    Args:
        optimizer: the optimizer.
        factor: the factor, in [0, 1].
        total_iters: the number of epochs at the reduced rate.
        last_epoch: the last epoch done, to resume; ``-1`` starts the schedule.

    Examples:
        >>> import neurarust as nr
        >>> opt = nr.optim.SGD([nr.zeros(2, requires_grad=True)], lr=1.0)
        >>> scheduler = nr.optim.lr_scheduler.ConstantLR(opt, factor=0.5, total_iters=2)
        >>> lrs = []
        >>> for epoch in range(4):
        ...     lrs.append(scheduler.get_last_lr()[0])
        ...     opt.step()
        ...     scheduler.step()
        >>> lrs
        [0.5, 0.5, 1.0, 1.0]
    """

    def __init__(
        self,
        optimizer: Optimizer,
        factor: float = 1.0 / 3,
        total_iters: int = 5,
        last_epoch: int = -1,
    ) -> None:
        if factor > 1.0 or factor < 0:
            raise ValueError(
                f"Constant multiplicative factor expected to be between 0 and 1, but got {factor}"
            )
        self.factor = factor
        self.total_iters = total_iters
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[Any]:
        self._warn_unless_within_step()
        if self.last_epoch == 0:
            return [group["lr"] * self.factor for group in self.optimizer.param_groups]
        if self.last_epoch != self.total_iters:
            return _group_values(self.optimizer, "lr")
        return [group["lr"] * (1.0 / self.factor) for group in self.optimizer.param_groups]

    def _get_closed_form_lr(self) -> list[Any]:
        done = self.last_epoch >= self.total_iters
        return [base_lr * (self.factor + done * (1 - self.factor)) for base_lr in self.base_lrs]


class LinearLR(LRScheduler):
    """Change the learning rate linearly from ``start_factor`` to ``end_factor`` times
    the initial one over ``total_iters`` epochs (a linear warm-up or decay).

    ``lr(epoch) = base_lr * (start_factor + (end_factor - start_factor)
    * min(epoch, total_iters) / total_iters)``

    Args:
        optimizer: the optimizer.
        start_factor: the factor at epoch 0, in (0, 1].
        end_factor: the factor from epoch ``total_iters`` on, in [0, 1].
        total_iters: the number of epochs of the ramp.
        last_epoch: the last epoch done, to resume; ``-1`` starts the schedule.

    Examples:
        >>> import neurarust as nr
        >>> opt = nr.optim.SGD([nr.zeros(2, requires_grad=True)], lr=1.0)
        >>> scheduler = nr.optim.lr_scheduler.LinearLR(opt, start_factor=0.25, total_iters=3)
        >>> lrs = []
        >>> for epoch in range(5):
        ...     lrs.append(scheduler.get_last_lr()[0])
        ...     opt.step()
        ...     scheduler.step()
        >>> lrs
        [0.25, 0.5, 0.75, 1.0, 1.0]
    """

    def __init__(
        self,
        optimizer: Optimizer,
        start_factor: float = 1.0 / 3,
        end_factor: float = 1.0,
        total_iters: int = 5,
        last_epoch: int = -1,
    ) -> None:
        if start_factor > 1.0 or start_factor <= 0:
            raise ValueError(
                "Starting multiplicative factor expected to be greater than 0 and less or "
                f"equal to 1, but got {start_factor}"
            )
        if end_factor > 1.0 or end_factor < 0:
            raise ValueError(
                f"Ending multiplicative factor expected to be between 0 and 1, but got {end_factor}"
            )
        self.start_factor = start_factor
        self.end_factor = end_factor
        self.total_iters = total_iters
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[Any]:
        self._warn_unless_within_step()
        if self.last_epoch == 0:
            return [group["lr"] * self.start_factor for group in self.optimizer.param_groups]
        if self._is_initial or self.last_epoch > self.total_iters:
            return _group_values(self.optimizer, "lr")
        # the ratio of this epoch's factor to the previous epoch's
        slope = self.end_factor - self.start_factor
        previous = self.total_iters * self.start_factor + (self.last_epoch - 1) * slope
        return [group["lr"] * (1.0 + slope / previous) for group in self.optimizer.param_groups]

    def _get_closed_form_lr(self) -> list[Any]:
        done = min(self.total_iters, self.last_epoch)
        factor = self.start_factor + (self.end_factor - self.start_factor) * done / self.total_iters
        return [base_lr * factor for base_lr in self.base_lrs]


class ExponentialLR(LRScheduler):
    """Multiply the learning rate by ``gamma`` every epoch.

    ``lr(epoch) = base_lr * gamma ** epoch``

    Args:
        optimizer: the optimizer.
        gamma: the factor of each epoch's decay.
        last_epoch: the last epoch done, to resume; ``-1`` starts the schedule.

    Examples:
        >>> import neurarust as nr
        >>> opt = nr.optim.SGD([nr.zeros(2, requires_grad=True)], lr=1.0)
        >>> scheduler = nr.optim.lr_scheduler.ExponentialLR(opt, gamma=0.5)
        >>> for epoch in range(3):
        ...     opt.step()
        ...     scheduler.step()
        >>> scheduler.get_last_lr()
        [0.125]
    """

    def __init__(self, optimizer: Optimizer, gamma: float, last_epoch: int = -1) -> None:
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[Any]:
        self._warn_unless_within_step()
        if self._is_initial:
            return _group_values(self.optimizer, "lr")
        return [group["lr"] * self.gamma for group in self.optimizer.param_groups]

    def _get_closed_form_lr(self) -> list[Any]:
        return [base_lr * self.gamma**self.last_epoch for base_lr in self.base_lrs]


class PolynomialLR(LRScheduler):
    """Decay the learning rate to 0 along a polynomial over ``total_iters`` epochs.

    ``lr(epoch) = base_lr * (1 - min(epoch, total_iters) / total_iters) ** power``

    Args:
        optimizer: the optimizer.
        total_iters: the number of epochs of the decay.
        power: the power of the polynomial (1.0: linear decay).
        last_epoch: the last epoch done, to resume; ``-1`` starts the schedule.

    Examples:
        >>> import neurarust as nr
        >>> opt = nr.optim.SGD([nr.zeros(2, requires_grad=True)], lr=1.0)
        >>> scheduler = nr.optim.lr_scheduler.PolynomialLR(opt, total_iters=4, power=2.0)
        >>> lrs = []
        >>> for epoch in range(5):
        ...     lrs.append(scheduler.get_last_lr()[0])
        ...     opt.step()
        ...     scheduler.step()
        >>> lrs
        [1.0, 0.5625, 0.25, 0.0625, 0.0]
    """

    def __init__(
        self,
        optimizer: Optimizer,
        total_iters: int = 5,
        power: float = 1.0,
        last_epoch: int = -1,
    ) -> None:
        self.total_iters = total_iters
        self.power = power
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[Any]:
        self._warn_unless_within_step()
        if self._is_initial or self.last_epoch > self.total_iters:
            return _group_values(self.optimizer, "lr")
        remaining = 1.0 - self.last_epoch / self.total_iters
        previously_remaining = 1.0 - (self.last_epoch - 1) / self.total_iters
        decay = (remaining / previously_remaining) ** self.power
        return [group["lr"] * decay for group in self.optimizer.param_groups]

    def _get_closed_form_lr(self) -> list[Any]:
        remaining = 1.0 - min(self.total_iters, self.last_epoch) / self.total_iters
        return [base_lr * remaining**self.power for base_lr in self.base_lrs]


class CosineAnnealingLR(LRScheduler):
    """Anneal the learning rate from its initial value to ``eta_min`` along half a cosine
    over ``T_max`` epochs (SGDR, Loshchilov & Hutter 2017, without the restarts).

    ``lr(epoch) = eta_min + (base_lr - eta_min) * (1 + cos(pi * epoch / T_max)) / 2``

    Each epoch's rate is computed from the previous one (so that other schedulers can
    change the rate too)::

        lr(t) = eta_min + (lr(t-1) - eta_min) * (1 + cos(pi t/T_max)) / (1 + cos(pi (t-1)/T_max))

    Past ``T_max`` the rate rises back along the cosine (period ``2 * T_max``).

    Args:
        optimizer: the optimizer.
        T_max: the number of epochs from the initial rate down to ``eta_min`` (positive).
        eta_min: the lowest learning rate.
        last_epoch: the last epoch done, to resume; ``-1`` starts the schedule.

    Examples:
        >>> import neurarust as nr
        >>> opt = nr.optim.SGD([nr.zeros(2, requires_grad=True)], lr=1.0)
        >>> scheduler = nr.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=4)
        >>> lrs = []
        >>> for epoch in range(5):
        ...     lrs.append(round(scheduler.get_last_lr()[0], 4))
        ...     opt.step()
        ...     scheduler.step()
        >>> lrs
        [1.0, 0.8536, 0.5, 0.1464, 0.0]
    """

    def __init__(
        self, optimizer: Optimizer, T_max: int, eta_min: float = 0.0, last_epoch: int = -1
    ) -> None:
        if T_max <= 0:
            raise ValueError(f"CosineAnnealingLR: T_max must be positive, but got {T_max}")
        self.T_max = T_max
        self.eta_min = eta_min
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[Any]:
        self._warn_unless_within_step()
        if self._is_initial:
            return _group_values(self.optimizer, "lr")
        epoch, period, eta_min = self.last_epoch, self.T_max, self.eta_min
        if (epoch - 1 - period) % (2 * period) == 0:
            # leaving the bottom of the cosine, where the ratio below would divide by 0
            rise = 1 - math.cos(math.pi / period)
            return [
                group["lr"] + (base_lr - eta_min) * rise / 2
                for base_lr, group in zip(self.base_lrs, self.optimizer.param_groups, strict=True)
            ]
        ratio = (1 + math.cos(math.pi * epoch / period)) / (
            1 + math.cos(math.pi * (epoch - 1) / period)
        )
        return [ratio * (group["lr"] - eta_min) + eta_min for group in self.optimizer.param_groups]

    def _get_closed_form_lr(self) -> list[Any]:
        cosine = 1 + math.cos(math.pi * self.last_epoch / self.T_max)
        return [self.eta_min + (base_lr - self.eta_min) * cosine / 2 for base_lr in self.base_lrs]


class CosineAnnealingWarmRestarts(LRScheduler):
    """Cosine annealing that restarts from the initial rate, each run ``T_mult`` times
    longer than the previous one (SGDR, Loshchilov & Hutter 2017).

    ``lr = eta_min + (base_lr - eta_min) * (1 + cos(pi * T_cur / T_i)) / 2``

    where ``T_cur`` is the number of epochs since the last restart and ``T_i`` the length
    of the current run: ``T_0``, then ``T_0 * T_mult``, ``T_0 * T_mult**2``...

    ``step(epoch)`` accepts a fractional epoch, to anneal within an epoch, batch by
    batch: ``scheduler.step(epoch + batch / batches_per_epoch)``.

    Args:
        optimizer: the optimizer.
        T_0: the length of the first run, in epochs (a positive int).
        T_mult: the growth factor of the runs (an int >= 1).
        eta_min: the lowest learning rate.
        last_epoch: the last epoch done, to resume; ``-1`` starts the schedule.

    Examples:
        >>> import neurarust as nr
        >>> opt = nr.optim.SGD([nr.zeros(2, requires_grad=True)], lr=1.0)
        >>> scheduler = nr.optim.lr_scheduler.CosineAnnealingWarmRestarts(opt, T_0=2, T_mult=2)
        >>> lrs = []
        >>> for epoch in range(7):
        ...     lrs.append(round(scheduler.get_last_lr()[0], 4))
        ...     opt.step()
        ...     scheduler.step()
        >>> lrs
        [1.0, 0.5, 1.0, 0.8536, 0.5, 0.1464, 1.0]
    """

    def __init__(
        self,
        optimizer: Optimizer,
        T_0: int,
        T_mult: int = 1,
        eta_min: float = 0.0,
        last_epoch: int = -1,
    ) -> None:
        if not isinstance(T_0, int) or T_0 <= 0:
            raise ValueError(f"Expected positive integer T_0, but got {T_0}")
        if not isinstance(T_mult, int) or T_mult < 1:
            raise ValueError(f"Expected integer T_mult >= 1, but got {T_mult}")
        if not isinstance(eta_min, (float, int)):
            raise ValueError(
                f"Expected float or int eta_min, but got {eta_min} of type {type(eta_min)}"
            )
        self.T_0 = T_0
        self.T_i = T_0
        self.T_mult = T_mult
        self.eta_min = eta_min
        self.T_cur: float = last_epoch
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[Any]:
        self._warn_unless_within_step()
        cosine = 1 + math.cos(math.pi * self.T_cur / self.T_i)
        return [self.eta_min + (base_lr - self.eta_min) * cosine / 2 for base_lr in self.base_lrs]

    def step(self, epoch: float | None = None) -> None:
        """Move on one epoch, or to ``epoch`` (which may be fractional), and set the
        learning rates."""
        if epoch is None and self.last_epoch < 0:
            epoch = 0
        if epoch is None:
            epoch = self.last_epoch + 1
            self.T_cur = self.T_cur + 1
            if self.T_cur >= self.T_i:
                self.T_cur = self.T_cur % self.T_i
                self.T_i = self.T_i * self.T_mult
        else:
            self._jump_to(epoch)
        self.last_epoch = math.floor(epoch)
        with _raised(self, "_get_lr_called_within_step"):
            lrs = self.get_lr()
        self._set_lrs(lrs)

    def _jump_to(self, epoch: float) -> None:
        """Set ``T_cur`` and ``T_i`` for ``epoch`` epochs since the start."""
        if epoch < 0:
            raise ValueError(f"Expected non-negative epoch, but got {epoch}")
        if epoch < self.T_0:
            self.T_i = self.T_0
            self.T_cur = epoch
        elif self.T_mult == 1:
            self.T_cur = epoch % self.T_0
        else:
            # runs done: the largest n with T_0 * (1 + T_mult + ... + T_mult**(n-1)) <= epoch
            n = int(math.log(epoch / self.T_0 * (self.T_mult - 1) + 1, self.T_mult))
            self.T_cur = epoch - self.T_0 * (self.T_mult**n - 1) / (self.T_mult - 1)
            self.T_i = self.T_0 * self.T_mult**n


class ReduceLROnPlateau(LRScheduler):
    """Reduce the learning rate when a metric (e.g. the validation loss) stops improving.

    ``step(metric)`` after each evaluation. A metric that does not improve on the best
    one so far counts as a bad epoch; after more than ``patience`` bad epochs in a row,
    each group's rate becomes ``max(lr * factor, min_lr)`` (unless that changes it by
    ``eps`` or less), and the next ``cooldown`` epochs count no bad epochs.

    Improving means, in ``mode="min"``: ``metric < best * (1 - threshold)``
    (``threshold_mode="rel"``) or ``metric < best - threshold`` (``"abs"``); in
    ``mode="max"``: ``metric > best * (1 + threshold)`` or ``metric > best + threshold``.

    Args:
        optimizer: the optimizer.
        mode: ``"min"`` (the metric should go down, as a loss) or ``"max"`` (as accuracy).
        factor: the factor of each reduction (< 1).
        patience: the number of bad epochs tolerated before reducing.
        threshold: the least change that counts as an improvement.
        threshold_mode: ``"rel"`` (relative to the best) or ``"abs"``.
        cooldown: the number of epochs after a reduction that count no bad epochs.
        min_lr: the lowest learning rate, or one per group.
        eps: reductions of ``eps`` or less are skipped.

    Examples:
        >>> import neurarust as nr
        >>> opt = nr.optim.SGD([nr.zeros(2, requires_grad=True)], lr=1.0)
        >>> scheduler = nr.optim.lr_scheduler.ReduceLROnPlateau(opt, factor=0.5, patience=1)
        >>> for val_loss in [1.0, 0.9, 0.9, 0.9, 0.8]:
        ...     opt.step()
        ...     scheduler.step(val_loss)
        >>> scheduler.get_last_lr()
        [0.5]
    """

    def __init__(
        self,
        optimizer: Optimizer,
        mode: Literal["min", "max"] = "min",
        factor: float = 0.1,
        patience: int = 10,
        threshold: float = 1e-4,
        threshold_mode: Literal["rel", "abs"] = "rel",
        cooldown: int = 0,
        min_lr: list[float] | float = 0,
        eps: float = 1e-8,
    ) -> None:
        if factor >= 1.0:
            raise ValueError(f"Factor should be < 1.0, but got {factor}")
        _check_optimizer(optimizer)
        self.factor = factor
        self.optimizer = optimizer
        if isinstance(min_lr, (list, tuple)):
            if len(min_lr) != len(optimizer.param_groups):
                raise ValueError(
                    f"expected {len(optimizer.param_groups)} min_lrs, got {len(min_lr)}"
                )
            self.default_min_lr: float | None = None
            self.min_lrs = list(min_lr)
        else:
            self.default_min_lr = min_lr
            self.min_lrs = [min_lr] * len(optimizer.param_groups)
        self.patience = patience
        self.cooldown = cooldown
        self.eps = eps
        self.last_epoch = 0
        self._last_lr = _group_values(optimizer, "lr")
        self._set_mode(mode, threshold, threshold_mode)
        self._reset()

    def _set_mode(self, mode: str, threshold: float, threshold_mode: str) -> None:
        if mode not in ("min", "max"):
            raise ValueError(f"mode {mode!r} is unknown! Expected 'min' or 'max'")
        if threshold_mode not in ("rel", "abs"):
            raise ValueError(
                f"threshold mode {threshold_mode!r} is unknown! Expected 'rel' or 'abs'"
            )
        self.mode = mode
        self.mode_worse = math.inf if mode == "min" else -math.inf
        self.threshold = threshold
        self.threshold_mode = threshold_mode

    def _reset(self) -> None:
        self.best = self.mode_worse
        self.cooldown_counter = 0
        self.num_bad_epochs = 0

    @property
    def in_cooldown(self) -> bool:
        """Whether the epochs just after a reduction are still going on."""
        return self.cooldown_counter > 0

    def _is_better(self, current: float, best: float) -> bool:
        if self.mode == "min" and self.threshold_mode == "rel":
            return current < best * (1.0 - self.threshold)
        if self.mode == "min":
            return current < best - self.threshold
        if self.threshold_mode == "rel":
            return current > best * (self.threshold + 1.0)
        return current > best + self.threshold

    def step(self, metrics: SupportsFloat, epoch: int | None = None) -> None:  # type: ignore[override]
        """Record the metric of one more epoch and reduce the learning rates if it has
        not improved for more than ``patience`` epochs."""
        current = float(metrics)
        if epoch is None:
            epoch = self.last_epoch + 1
        else:
            warnings.warn(EPOCH_DEPRECATION_WARNING, UserWarning, stacklevel=2)
        self.last_epoch = epoch
        if self._is_better(current, self.best):
            self.best = current
            self.num_bad_epochs = 0
        else:
            self.num_bad_epochs += 1
        if self.in_cooldown:
            self.cooldown_counter -= 1
            self.num_bad_epochs = 0
        if self.num_bad_epochs > self.patience:
            self._reduce_lr()
            self.cooldown_counter = self.cooldown
            self.num_bad_epochs = 0
        self._last_lr = _group_values(self.optimizer, "lr")

    def _reduce_lr(self) -> None:
        groups = self.optimizer.param_groups
        if len(groups) != len(self.min_lrs):  # a group was added to the optimizer since
            if self.default_min_lr is None:
                raise RuntimeError(
                    f"The number of param groups in the `optimizer` ({len(groups)}) differs "
                    f"from when `ReduceLROnPlateau` was initialized ({len(self.min_lrs)}), "
                    "usually due to a new param group being added to the optimizer. Please "
                    "modify the `min_lrs` field to match the length of the `optimizer` "
                    "param groups."
                )
            self.min_lrs = [self.default_min_lr] * len(groups)
        for group, min_lr in zip(groups, self.min_lrs):
            old_lr = float(group["lr"])
            new_lr = max(old_lr * self.factor, min_lr)
            if old_lr - new_lr > self.eps:
                _set_group_value(group, "lr", new_lr)

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore a :meth:`state_dict` (ours or PyTorch's)."""
        self.__dict__.update(state_dict)
        self._set_mode(self.mode, self.threshold, self.threshold_mode)


class CyclicLR(LRScheduler):
    """Cycle the learning rate between ``base_lr`` and ``max_lr`` along a triangle
    (cyclical learning rates, Smith 2017), stepped once per batch.

    With ``it`` the number of steps so far, ``up = step_size_up``, ``down = step_size_down``::

        cycle = floor(1 + it / (up + down))          # 1, 2, ...
        x = 1 + it / (up + down) - cycle             # the position in the cycle, in [0, 1)
        height = x / r if x <= r else (x - 1) / (r - 1)    # with r = up / (up + down)
        lr = base_lr + (max_lr - base_lr) * height * scale

    where ``scale`` is ``1`` (``mode="triangular"``), ``1 / 2**(cycle - 1)``
    (``"triangular2"``: the amplitude halves each cycle), ``gamma**it`` (``"exp_range"``),
    or ``scale_fn(cycle)`` / ``scale_fn(it)`` for a custom ``scale_fn`` (by
    ``scale_mode``, ``"cycle"`` or ``"iterations"``). With ``cycle_momentum`` the
    momentum (or Adam's ``beta1``) moves the opposite way, between ``max_momentum``
    and ``base_momentum``: ``momentum = max_momentum - (max_momentum - base_momentum)
    * height * scale``.

    Args:
        optimizer: the optimizer.
        base_lr: the lower learning rate, or one per group (it replaces the groups' lr).
        max_lr: the upper learning rate, or one per group.
        step_size_up: the number of steps from ``base_lr`` up to ``max_lr``.
        step_size_down: the number of steps back down (default: ``step_size_up``).
        mode: ``"triangular"``, ``"triangular2"`` or ``"exp_range"``; ignored when
            ``scale_fn`` is given.
        gamma: the factor of ``"exp_range"``.
        scale_fn: a custom amplitude scale, a function of the cycle or the step.
        scale_mode: what ``scale_fn`` takes: ``"cycle"`` or ``"iterations"``.
        cycle_momentum: whether to cycle the momentum too (the optimizer must have a
            ``momentum`` or ``betas`` option).
        base_momentum: the lower momentum, or one per group.
        max_momentum: the upper momentum, or one per group.
        last_epoch: the number of steps done, to resume; ``-1`` starts the schedule.

    Examples:
        >>> import neurarust as nr
        >>> opt = nr.optim.SGD([nr.zeros(2, requires_grad=True)], lr=0.1, momentum=0.9)
        >>> scheduler = nr.optim.lr_scheduler.CyclicLR(opt, base_lr=0.1, max_lr=0.5, step_size_up=2)
        >>> lrs = []
        >>> for batch in range(6):
        ...     lrs.append(round(scheduler.get_last_lr()[0], 4))
        ...     opt.step()
        ...     scheduler.step()
        >>> lrs
        [0.1, 0.3, 0.5, 0.3, 0.1, 0.3]
    """

    def __init__(
        self,
        optimizer: Optimizer,
        base_lr: float | list[float],
        max_lr: float | list[float],
        step_size_up: int = 2000,
        step_size_down: int | None = None,
        mode: Literal["triangular", "triangular2", "exp_range"] = "triangular",
        gamma: float = 1.0,
        scale_fn: Callable[[float], float] | None = None,
        scale_mode: Literal["cycle", "iterations"] = "cycle",
        cycle_momentum: bool = True,
        base_momentum: float = 0.8,
        max_momentum: float = 0.9,
        last_epoch: int = -1,
    ) -> None:
        _check_optimizer(optimizer)
        self.optimizer = optimizer
        base_lrs = _per_group("base_lr", optimizer, base_lr)
        if last_epoch == -1:
            for lr, group in zip(base_lrs, optimizer.param_groups, strict=True):
                _set_group_value(group, "lr", lr)
        self.max_lrs = _per_group("max_lr", optimizer, max_lr)
        up = float(step_size_up)
        down = float(step_size_down) if step_size_down is not None else up
        self.total_size = up + down
        self.step_ratio = up / self.total_size
        if scale_fn is None and mode not in ("triangular", "triangular2", "exp_range"):
            raise ValueError(
                f"CyclicLR: mode {mode!r} is invalid (expected 'triangular', 'triangular2' "
                "or 'exp_range') and scale_fn is None"
            )
        self.mode = mode
        self.gamma = gamma
        self._scale_fn_custom = scale_fn
        if scale_fn is None:  # the built-in modes scale by cycle, except exp_range
            scale_mode = "iterations" if mode == "exp_range" else "cycle"
        self.scale_mode = scale_mode
        self.cycle_momentum = cycle_momentum
        if cycle_momentum:
            self.use_beta1 = _uses_beta1(optimizer)
            self.base_momentums = _per_group("base_momentum", optimizer, base_momentum)
            self.max_momentums = _per_group("max_momentum", optimizer, max_momentum)
            if last_epoch == -1:
                _start_momentum_cycle(
                    optimizer, self.use_beta1, self.max_momentums, self.base_momentums
                )
        super().__init__(optimizer, last_epoch)
        self.base_lrs = base_lrs

    def scale_fn(self, x: float) -> float:
        """The amplitude's scale at cycle (or step) ``x``."""
        if self._scale_fn_custom is not None:
            return self._scale_fn_custom(x)
        if self.mode == "triangular":
            return 1.0
        if self.mode == "triangular2":
            return 1 / (2.0 ** (x - 1))
        return self.gamma**x

    def get_lr(self) -> list[Any]:
        """The learning rates of this step (it sets the momentums too, with
        ``cycle_momentum``)."""
        self._warn_unless_within_step()
        cycle = math.floor(1 + self.last_epoch / self.total_size)
        x = 1.0 + self.last_epoch / self.total_size - cycle
        if x <= self.step_ratio:
            height = x / self.step_ratio
        else:
            height = (x - 1) / (self.step_ratio - 1)
        scale = self.scale_fn(cycle if self.scale_mode == "cycle" else self.last_epoch)
        lrs = [
            base_lr + (max_lr - base_lr) * height * scale
            for base_lr, max_lr in zip(self.base_lrs, self.max_lrs, strict=True)
        ]
        if self.cycle_momentum:
            for low, high, group in zip(
                self.base_momentums, self.max_momentums, self.optimizer.param_groups, strict=True
            ):
                _set_momentum(group, self.use_beta1, high - (high - low) * height * scale)
        return lrs

    def state_dict(self) -> dict[str, Any]:
        """The scheduler's state; of a custom ``scale_fn``, only the attributes of a
        callable object (a plain function is not saved: it comes with the code)."""
        state = super().state_dict()
        state["_scale_fn_custom"] = _callable_state(self._scale_fn_custom)
        return state

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore a :meth:`state_dict`, including the attributes of a callable
        ``scale_fn`` object."""
        saved_fn = state_dict["_scale_fn_custom"]
        super().load_state_dict({k: v for k, v in state_dict.items() if k != "_scale_fn_custom"})
        if saved_fn is not None and self._scale_fn_custom is not None:
            self._scale_fn_custom.__dict__.update(saved_fn)


class OneCycleLR(LRScheduler):
    """The 1cycle policy (Smith & Topin 2018): warm the learning rate up from
    ``max_lr / div_factor`` to ``max_lr``, then anneal it down to
    ``max_lr / (div_factor * final_div_factor)``, over ``total_steps`` steps (one per
    batch).

    The phases, with ``initial_lr = max_lr / div_factor`` and ``min_lr = initial_lr /
    final_div_factor``: steps ``0 .. pct_start * total_steps - 1`` go from
    ``initial_lr`` to ``max_lr``, the rest from ``max_lr`` to ``min_lr``. With
    ``three_phase`` the rate goes back down to ``initial_lr`` in as many steps as it
    went up, and only then to ``min_lr``. Within a phase, at fraction ``pct`` of it,
    ``lr = end + (start - end) * (1 + cos(pi * pct)) / 2`` (``anneal_strategy="cos"``)
    or ``lr = start + (end - start) * pct`` (``"linear"``). With ``cycle_momentum`` the
    momentum (or Adam's ``beta1``) moves the opposite way, between ``max_momentum`` and
    ``base_momentum``.

    Args:
        optimizer: the optimizer.
        max_lr: the peak learning rate, or one per group.
        total_steps: the number of steps of the cycle; or give ``epochs`` and
            ``steps_per_epoch``.
        epochs: the number of epochs (with ``steps_per_epoch``).
        steps_per_epoch: the number of steps per epoch (with ``epochs``).
        pct_start: the fraction of the steps spent warming up (a float in [0, 1]).
        anneal_strategy: ``"cos"`` or ``"linear"``.
        cycle_momentum: whether to cycle the momentum too (the optimizer must have a
            ``momentum`` or ``betas`` option).
        base_momentum: the lowest momentum (at the peak learning rate), or one per group.
        max_momentum: the highest momentum, or one per group.
        div_factor: ``initial_lr = max_lr / div_factor``.
        final_div_factor: ``min_lr = initial_lr / final_div_factor``.
        three_phase: whether to come back down to ``initial_lr`` before the last phase.
        last_epoch: the number of steps done, to resume; ``-1`` starts the schedule.

    Examples:
        >>> import neurarust as nr
        >>> opt = nr.optim.SGD([nr.zeros(2, requires_grad=True)], lr=0.1, momentum=0.9)
        >>> scheduler = nr.optim.lr_scheduler.OneCycleLR(
        ...     opt, max_lr=1.0, total_steps=5, pct_start=0.4, anneal_strategy="linear",
        ...     div_factor=10.0, final_div_factor=1.0)
        >>> lrs = []
        >>> for batch in range(5):
        ...     lrs.append(round(scheduler.get_last_lr()[0], 4))
        ...     opt.step()
        ...     scheduler.step()
        >>> lrs
        [0.1, 1.0, 0.7, 0.4, 0.1]
    """

    def __init__(
        self,
        optimizer: Optimizer,
        max_lr: float | list[float],
        total_steps: int | None = None,
        epochs: int | None = None,
        steps_per_epoch: int | None = None,
        pct_start: float = 0.3,
        anneal_strategy: Literal["cos", "linear"] = "cos",
        cycle_momentum: bool = True,
        base_momentum: float | list[float] = 0.85,
        max_momentum: float | list[float] = 0.95,
        div_factor: float = 25.0,
        final_div_factor: float = 1e4,
        three_phase: bool = False,
        last_epoch: int = -1,
    ) -> None:
        _check_optimizer(optimizer)
        self.optimizer = optimizer
        self.total_steps = _total_steps(total_steps, epochs, steps_per_epoch)
        if not isinstance(pct_start, float) or pct_start < 0 or pct_start > 1:
            raise ValueError(f"Expected float between 0 and 1 pct_start, but got {pct_start}")
        if anneal_strategy not in ("cos", "linear"):
            raise ValueError(
                f"anneal_strategy must be one of 'cos' or 'linear', instead got {anneal_strategy}"
            )
        self._schedule_phases = _one_cycle_phases(self.total_steps, pct_start, three_phase)
        self._anneal_func_type = anneal_strategy
        max_lrs = _per_group("max_lr", optimizer, max_lr)
        if last_epoch == -1:
            for peak, group in zip(max_lrs, optimizer.param_groups):
                group["initial_lr"] = peak / div_factor
                group["max_lr"] = peak
                group["min_lr"] = group["initial_lr"] / final_div_factor
        self.cycle_momentum = cycle_momentum
        if cycle_momentum:
            self.use_beta1 = _uses_beta1(optimizer)
            max_momentums = _per_group("max_momentum", optimizer, max_momentum)
            base_momentums = _per_group("base_momentum", optimizer, base_momentum)
            if last_epoch == -1:
                _start_momentum_cycle(optimizer, self.use_beta1, max_momentums, base_momentums)
        super().__init__(optimizer, last_epoch)

    def _anneal(self, start: float, end: float, pct: float) -> float:
        """The value at fraction ``pct`` of the way from ``start`` to ``end``."""
        if self._anneal_func_type == "cos":
            return end + (start - end) / 2.0 * (math.cos(math.pi * pct) + 1)
        return (end - start) * pct + start

    def get_lr(self) -> list[Any]:
        """The learning rates of this step (it sets the momentums too, with
        ``cycle_momentum``)."""
        self._warn_unless_within_step()
        step = self.last_epoch
        if step > self.total_steps:
            raise ValueError(
                f"Tried to step {step} times. The specified number of total steps is "
                f"{self.total_steps}"
            )
        phase, pct = self._phase_at(step)
        lrs = []
        for group in self.optimizer.param_groups:
            lrs.append(self._anneal(group[phase["start_lr"]], group[phase["end_lr"]], pct))
            if self.cycle_momentum:
                start, end = group[phase["start_momentum"]], group[phase["end_momentum"]]
                _set_momentum(group, self.use_beta1, self._anneal(start, end, pct))
        return lrs

    def _phase_at(self, step: int) -> tuple[dict[str, Any], float]:
        """The phase that ``step`` falls in, and how far into it (a fraction)."""
        start_step = 0.0
        for phase in self._schedule_phases[:-1]:
            if step <= phase["end_step"]:
                break
            start_step = phase["end_step"]
        else:
            phase = self._schedule_phases[-1]
        return phase, (step - start_step) / (phase["end_step"] - start_step)


def _total_steps(total_steps: int | None, epochs: int | None, steps_per_epoch: int | None) -> int:
    """OneCycleLR's number of steps, from ``total_steps`` or ``epochs * steps_per_epoch``."""
    if total_steps is not None:
        if not isinstance(total_steps, int) or total_steps <= 0:
            raise ValueError(f"Expected positive integer total_steps, but got {total_steps}")
        return total_steps
    if epochs is None or steps_per_epoch is None:
        raise ValueError("You must define either total_steps OR (epochs AND steps_per_epoch)")
    if not isinstance(epochs, int) or epochs <= 0:
        raise ValueError(f"Expected positive integer epochs, but got {epochs}")
    if not isinstance(steps_per_epoch, int) or steps_per_epoch <= 0:
        raise ValueError(f"Expected positive integer steps_per_epoch, but got {steps_per_epoch}")
    return epochs * steps_per_epoch


def _one_cycle_phases(
    total_steps: int, pct_start: float, three_phase: bool
) -> list[dict[str, Any]]:
    """OneCycleLR's phases: the step each ends at, and the group options (``"initial_lr"``,
    ``"max_momentum"``...) holding the values at its start and end."""

    def phase(end_step: float, lrs: tuple[str, str], momentums: tuple[str, str]) -> dict[str, Any]:
        return {
            "end_step": end_step,
            "start_lr": lrs[0],
            "end_lr": lrs[1],
            "start_momentum": momentums[0],
            "end_momentum": momentums[1],
        }

    warmup_end = float(pct_start * total_steps) - 1
    warmup = phase(warmup_end, ("initial_lr", "max_lr"), ("max_momentum", "base_momentum"))
    if not three_phase:
        anneal = phase(total_steps - 1, ("max_lr", "min_lr"), ("base_momentum", "max_momentum"))
        return [warmup, anneal]
    cooldown_end = float(2 * pct_start * total_steps) - 2
    cooldown = phase(cooldown_end, ("max_lr", "initial_lr"), ("base_momentum", "max_momentum"))
    anneal = phase(total_steps - 1, ("initial_lr", "min_lr"), ("max_momentum", "max_momentum"))
    return [warmup, cooldown, anneal]


class _SchedulerGroup(LRScheduler):
    """Several schedulers of one optimizer, stepped as one (their state dicts nested)."""

    _schedulers: Sequence[LRScheduler]

    def _check_schedulers(
        self, schedulers: Sequence[LRScheduler], optimizer: Optimizer | None
    ) -> Optimizer:
        """The schedulers' optimizer (default: the first one's), once checked that they
        all have it."""
        name = type(self).__name__
        if len(schedulers) < 1:
            raise ValueError(f"{name} expects at least one scheduler, but got no scheduler.")
        if optimizer is None:
            optimizer = schedulers[0].optimizer
        for k, scheduler in enumerate(schedulers):
            if not hasattr(scheduler, "optimizer"):
                raise TypeError(
                    f"{name} at index {k} should have `optimizer` as its attribute, "
                    f"but got {type(scheduler).__name__}"
                )
            if isinstance(scheduler, ReduceLROnPlateau):
                raise ValueError(
                    f"{name} does not support `ReduceLROnPlateau` scheduler as it requires "
                    "additional kwargs to be specified when calling `step`, but got one at "
                    f"index {k} in the given schedulers sequence."
                )
            if scheduler.optimizer is not optimizer:
                raise ValueError(
                    f"{name} expects all schedulers to belong to the same optimizer, but got "
                    f"scheduler {type(scheduler).__name__} at index {k} with a different "
                    f"optimizer ({type(scheduler.optimizer).__name__})."
                )
        return optimizer

    def state_dict(self) -> dict[str, Any]:
        """The state of this scheduler and, under ``"_schedulers"``, of each of its own."""
        state = {k: v for k, v in self.__dict__.items() if k not in ("optimizer", "_schedulers")}
        state["_schedulers"] = [scheduler.state_dict() for scheduler in self._schedulers]
        return state

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore a :meth:`state_dict`, each nested scheduler's too."""
        self.__dict__.update({k: v for k, v in state_dict.items() if k != "_schedulers"})
        for scheduler, saved in zip(self._schedulers, state_dict["_schedulers"]):
            scheduler.load_state_dict(saved)


class SequentialLR(_SchedulerGroup):
    """Run schedulers one after the other: ``schedulers[i]`` from epoch ``milestones[i-1]``
    to ``milestones[i]`` (e.g. a linear warm-up, then a cosine decay).

    Each scheduler starts from the initial learning rates, at its own epoch 0, at its
    milestone.

    Args:
        optimizer: the optimizer (that of every scheduler).
        schedulers: the schedulers, in order.
        milestones: the epochs at which the next scheduler takes over (one fewer than
            the schedulers).
        last_epoch: the last epoch done, to resume; ``-1`` starts the schedule.

    Examples:
        >>> import neurarust as nr
        >>> from neurarust.optim import lr_scheduler
        >>> opt = nr.optim.SGD([nr.zeros(2, requires_grad=True)], lr=1.0)
        >>> warmup = lr_scheduler.LinearLR(opt, start_factor=0.5, total_iters=2)
        >>> decay = lr_scheduler.ExponentialLR(opt, gamma=0.5)
        >>> scheduler = lr_scheduler.SequentialLR(opt, [warmup, decay], milestones=[2])
        >>> lrs = []
        >>> for epoch in range(5):
        ...     lrs.append(scheduler.get_last_lr()[0])
        ...     opt.step()
        ...     scheduler.step()
        >>> lrs
        [0.5, 0.75, 1.0, 0.5, 0.25]
    """

    def __init__(
        self,
        optimizer: Optimizer,
        schedulers: list[LRScheduler],
        milestones: list[int],
        last_epoch: int = -1,
    ) -> None:
        self._check_schedulers(schedulers, optimizer)
        if len(milestones) != len(schedulers) - 1:
            raise ValueError(
                "Sequential Schedulers expects number of schedulers provided to be one more "
                f"than the number of milestone points, but got number of schedulers "
                f"{len(schedulers)} and the number of milestones to be equal to {len(milestones)}"
            )
        self._schedulers = schedulers
        self._milestones = milestones
        self.last_epoch = last_epoch + 1
        self.optimizer = optimizer
        # creating the schedulers applied their first epochs: undo that, then apply only
        # the first scheduler's
        for group in optimizer.param_groups:
            _set_group_value(group, "lr", group["initial_lr"])
        self.recursive_undo()
        first = self._schedulers[bisect_right(self._milestones, 0)]
        first._initial_step()
        self._last_lr = first.get_last_lr()

    def recursive_undo(self, sched: LRScheduler | None = None) -> None:
        """Take one epoch back from every scheduler (nested ones included) under ``sched``
        (default: this one)."""
        scheduler = self if sched is None else sched
        if isinstance(scheduler, _SchedulerGroup):
            for inner in scheduler._schedulers:
                self.recursive_undo(inner)
        elif hasattr(scheduler, "last_epoch"):
            scheduler.last_epoch -= 1

    def step(self) -> None:  # type: ignore[override]
        """Move on one epoch, with the scheduler whose turn it is."""
        self.last_epoch += 1
        idx = bisect_right(self._milestones, self.last_epoch)
        scheduler = self._schedulers[idx]
        if idx > 0 and self._milestones[idx - 1] == self.last_epoch:
            scheduler._update_lr(0)  # its epoch 0, from the initial learning rates
        else:
            scheduler.step()
        self._last_lr = scheduler.get_last_lr()


class ChainedScheduler(_SchedulerGroup):
    """Step several schedulers together, each acting on the learning rate the previous
    ones left (e.g. a warm-up multiplied into a decay).

    Args:
        schedulers: the schedulers, stepped in this order.
        optimizer: their optimizer (default: that of the first scheduler).

    Examples:
        >>> import neurarust as nr
        >>> from neurarust.optim import lr_scheduler
        >>> opt = nr.optim.SGD([nr.zeros(2, requires_grad=True)], lr=1.0)
        >>> scheduler = lr_scheduler.ChainedScheduler(
        ...     [lr_scheduler.ConstantLR(opt, factor=0.5, total_iters=2),
        ...      lr_scheduler.ExponentialLR(opt, gamma=0.5)])
        >>> lrs = []
        >>> for epoch in range(4):
        ...     lrs.append(scheduler.get_last_lr()[0])
        ...     opt.step()
        ...     scheduler.step()
        >>> lrs
        [0.5, 0.25, 0.25, 0.125]
    """

    def __init__(
        self, schedulers: Sequence[LRScheduler], optimizer: Optimizer | None = None
    ) -> None:
        self.optimizer = self._check_schedulers(schedulers, optimizer)
        self._schedulers = schedulers
        self._last_lr = _group_values(self._schedulers[-1].optimizer, "lr")

    def step(self) -> None:  # type: ignore[override]
        """Step every scheduler, in order."""
        for scheduler in self._schedulers:
            scheduler.step()
        self._last_lr = _group_values(self._schedulers[-1].optimizer, "lr")
