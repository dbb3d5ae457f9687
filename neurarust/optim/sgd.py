"""Stochastic gradient descent (``torch.optim.SGD``), and the option checks and gradient
preparation that the other optimizers of this package share with it."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from ..tensor import Tensor
from .optimizer import Optimizer

__all__ = ["SGD"]


# --- shared by the optimizers of this package ------------------------------------------------


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


def _new_state(param: Tensor, data: Any) -> Tensor:
    """A state tensor on ``param``'s device wrapping the backend array ``data``."""
    return Tensor._make(data, param.device)


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


# --- SGD -------------------------------------------------------------------------------------


class SGD(Optimizer):
    """Stochastic gradient descent, optionally with (Nesterov) momentum.

    Each step, for each parameter ``p`` with gradient ``g`` (``b`` is its momentum
    buffer, ``t`` the step number)::

        g = -g                         if maximize
        g = g + weight_decay * p       if weight_decay != 0
        if momentum != 0:
            b = g                                     at t = 1
            b = momentum * b + (1 - dampening) * g    at t > 1
            g = g + momentum * b       if nesterov, else  g = b
        p = p - lr * g

    As in PyTorch, the buffer starts as the first gradient (not zero), and ``lr``
    multiplies the whole update rather than entering the buffer.

    Args:
        params: the parameters to optimize, or parameter groups (dicts).
        lr: learning rate.
        momentum: momentum factor (0 turns momentum off).
        dampening: how much of the new gradient the buffer leaves out.
        weight_decay: L2 penalty factor.
        nesterov: use Nesterov momentum (needs ``momentum > 0`` and ``dampening == 0``).
        maximize: ascend the objective instead of descending it.
        foreach: accepted for compatibility and ignored.
        differentiable, fused: not supported (``NotImplementedError`` when true).

    Example:
        >>> import neurarust as nr
        >>> w = nr.tensor([1.0, -2.0], requires_grad=True)
        >>> opt = nr.optim.SGD([w], lr=0.1, momentum=0.9)
        >>> (w * w).sum().backward()
        >>> opt.step()
        >>> w
        tensor([ 0.8000, -1.6000], requires_grad=True)
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float | Tensor = 1e-3,
        momentum: float = 0,
        dampening: float = 0,
        weight_decay: float = 0,
        nesterov: bool = False,
        *,
        maximize: bool = False,
        foreach: bool | None = None,
        differentiable: bool = False,
        fused: bool | None = None,
    ) -> None:
        _check_lr(lr)
        _check_non_negative("momentum value", momentum)
        _check_non_negative("weight_decay value", weight_decay)
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        _reject_unsupported("SGD", differentiable=differentiable, fused=fused)
        defaults = {
            "lr": lr,
            "momentum": momentum,
            "dampening": dampening,
            "weight_decay": weight_decay,
            "nesterov": nesterov,
            "maximize": maximize,
            "foreach": foreach,
            "differentiable": differentiable,
            "fused": fused,
        }
        super().__init__(params, defaults)

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Update the parameters once; returns ``closure()``'s loss if a closure is given."""
        loss = self._evaluate(closure)
        for group in self.param_groups:
            lr = float(group["lr"])
            momentum = group["momentum"]
            for p in self._params_with_grad(group):
                direction = _gradient(p, group["weight_decay"], group["maximize"])
                if momentum != 0:
                    direction = self._momentum(p, direction, group)
                p._data -= lr * direction
        return loss

    def _momentum(self, param: Tensor, grad: Any, group: dict[str, Any]) -> Any:
        """Fold ``grad`` into the parameter's momentum buffer; the direction to follow."""
        state = self.state[param]
        momentum = group["momentum"]
        dampening = group["dampening"]
        if state.get("momentum_buffer") is None:
            state["momentum_buffer"] = _new_state(param, param.backend.xp.array(grad, copy=True))
            buf = state["momentum_buffer"]._data
        else:
            buf = state["momentum_buffer"]._data
            buf *= momentum
            buf += grad if dampening == 0 else (1 - dampening) * grad
        if not group["nesterov"]:
            return buf
        ahead = momentum * buf
        ahead += grad
        return ahead
