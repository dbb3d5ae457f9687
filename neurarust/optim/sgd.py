"""Stochastic gradient descent (``torch.optim.SGD``)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..tensor import Tensor
from ._update import (
    _check_lr,
    _check_non_negative,
    _gradient,
    _new_state,
    _PerParameterOptimizer,
    _reject_unsupported,
)

__all__ = ["SGD"]


class SGD(_PerParameterOptimizer):
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
        differentiable: not supported (``NotImplementedError`` when true).
        fused: not supported (``NotImplementedError`` when true).

    Examples:
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

    def _update(self, param: Tensor, group: dict[str, Any]) -> None:
        direction = _gradient(param, group["weight_decay"], group["maximize"])
        if group["momentum"] != 0:
            direction = self._momentum(param, direction, group)
        param._data -= float(group["lr"]) * direction

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
