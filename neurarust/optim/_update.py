"""What the optimizers of this package share: the option checks with PyTorch's
messages, their lazily created state, the gradient an update follows, the in-place
running averages, and the base class of the optimizers that update each parameter
on its own."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..dtypes import get_default_dtype
from ..ops.creation import tensor
from ..tensor import Tensor
from .optimizer import Optimizer


def _check_lr(lr: float | Tensor) -> None:
    """PyTorch's checks of a learning rate: non-negative, one element if a Tensor."""
    if isinstance(lr, Tensor) and lr.numel() != 1:
        raise ValueError("Tensor lr must be 1-element")
    _check_non_negative("learning rate", lr)


def _check_non_negative(what: str, value: Any) -> None:
    """``ValueError("Invalid <what>: <value>")``, PyTorch's message, if ``value < 0``."""
    if not 0.0 <= value:
        raise ValueError(f"Invalid {what}: {value}")


def _reject_unsupported(optimizer: str, **flags: bool | None) -> None:
    """Refuse the options that ask for another implementation than the single-tensor one
    (``fused``, ``capturable``, ``differentiable``); ``foreach`` is accepted and ignored."""
    for flag, value in flags.items():
        if value:
            raise NotImplementedError(
                f"{optimizer}: {flag}=True is not supported (neurarust has one implementation "
                f"of each optimizer, the single-tensor one); leave {flag} at its default"
            )


def _new_state(param: Tensor, data: Any) -> Tensor:
    """A state tensor on ``param``'s device wrapping the backend array ``data``."""
    return Tensor._make(data, param.device)


def _init_state(
    state: dict[str, Any], param: Tensor, arrays: tuple[str, ...], **scalars: float
) -> None:
    """Create a parameter's state at its first step, as PyTorch lays it out: ``"step"``
    (a 0-d tensor of the default float dtype, kept on the CPU), the given 0-d
    ``scalars``, then zero arrays shaped like the parameter named by ``arrays``."""
    state["step"] = tensor(0.0, dtype=get_default_dtype())
    for name, value in scalars.items():
        state[name] = tensor(value, dtype=get_default_dtype())
    for name in arrays:
        state[name] = _new_state(param, param.backend.xp.zeros_like(param._data))


def _count_step(state: dict[str, Any]) -> float:
    """Add one to the parameter's step count (in place, in its float dtype, as PyTorch);
    the new count."""
    step = state["step"]._data
    step += 1
    return float(step)


def _gradient(param: Tensor, weight_decay: float, maximize: bool) -> Any:
    """The gradient array an update follows: ``-grad`` when maximizing, plus
    ``weight_decay * param`` (L2 decay). ``param.grad`` itself is never changed: when
    either option is on, the result is a new array (the caller may write to it)."""
    grad = param.grad._data  # type: ignore[union-attr]
    if weight_decay == 0:
        return -grad if maximize else grad
    decayed = param._data * weight_decay
    if maximize:
        decayed -= grad
    else:
        decayed += grad
    return decayed


def _update_average(xp: Any, average: Any, values: Any, decay: float, scratch: Any) -> None:
    """``average = decay * average + (1 - decay) * values``, in place, computed as PyTorch's
    ``lerp(average, values, w)`` with ``w = 1 - decay`` (``scratch``: an array shaped like
    them, overwritten).

    As PyTorch's ``lerp``, a weight of 0.5 or more is measured from the other end,
    ``values - (1 - w) * (values - average)``, which rounds less.
    """
    weight = 1 - decay
    xp.subtract(values, average, out=scratch)
    if weight < 0.5:
        scratch *= weight
        average += scratch
    else:
        scratch *= 1 - scratch.dtype.type(weight)  # 1 - w in the array's precision
        xp.subtract(values, scratch, out=average)


def _update_square_average(xp: Any, average: Any, values: Any, decay: float, scratch: Any) -> None:
    """``average = decay * average + (1 - decay) * values * values``, in place
    (``scratch``: an array shaped like them, overwritten)."""
    average *= decay
    xp.multiply(values, 1 - decay, out=scratch)
    scratch *= values
    average += scratch


class _PerParameterOptimizer(Optimizer):
    """An optimizer whose step updates each parameter on its own: subclasses write
    ``_update(param, group)``, called for every parameter that has a gradient."""

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Update the parameters once; returns ``closure()``'s loss if a closure is given."""
        loss = self._evaluate(closure)
        for group in self.param_groups:
            for p in self._params_with_grad(group):
                self._update(p, group)
        return loss

    def _update(self, param: Tensor, group: dict[str, Any]) -> None:
        raise NotImplementedError
