"""Adadelta (``torch.optim.Adadelta``): steps scaled by the ratio of the running RMS of
past updates to the running RMS of gradients."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..tensor import Tensor
from ._update import (
    _check_lr,
    _check_non_negative,
    _count_step,
    _gradient,
    _init_state,
    _PerParameterOptimizer,
    _reject_unsupported,
    _update_square_average,
)

__all__ = ["Adadelta"]


class Adadelta(_PerParameterOptimizer):
    """Adadelta (Zeiler, 2012), as ``torch.optim.Adadelta``.

    Each step, for each parameter ``p`` with gradient ``g`` (``v`` and ``u`` start at
    zero)::

        g     = -g                                      if maximize
        g     = g + weight_decay * p                    (L2 decay)
        v     = rho * v + (1 - rho) * g * g             (running mean of squared gradients)
        delta = sqrt(u + eps) / sqrt(v + eps) * g
        u     = rho * u + (1 - rho) * delta * delta     (running mean of squared updates)
        p     = p - lr * delta

    ``delta`` has the units of the parameter (RMS of past updates over RMS of
    gradients), so the paper has no learning rate: ``lr`` only scales ``delta``.

    Args:
        params: the parameters to optimize, or parameter groups (dicts).
        lr: scale of ``delta``.
        rho: smoothing constant of the running averages, in [0, 1].
        eps: added inside both square roots for numerical stability.
        weight_decay: L2 penalty factor.
        foreach: accepted for compatibility and ignored.
        capturable: not supported (``NotImplementedError`` when true).
        differentiable: not supported (``NotImplementedError`` when true).
        maximize: ascend the objective instead of descending it.

    The state of each parameter: ``step`` (a 0-d tensor), ``square_avg`` and
    ``acc_delta``.

    Examples:
        >>> import neurarust as nr
        >>> w = nr.tensor([1.0, -2.0], requires_grad=True)
        >>> opt = nr.optim.Adadelta([w], lr=1.0, rho=0.0, eps=1e-2)
        >>> (w * w).sum().backward()
        >>> opt.step()  # first step: delta = sqrt(eps) / sqrt(g * g + eps) * g
        >>> w
        tensor([ 0.9001, -1.9000], requires_grad=True)
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float | Tensor = 1.0,
        rho: float = 0.9,
        eps: float = 1e-6,
        weight_decay: float = 0,
        foreach: bool | None = None,
        *,
        capturable: bool = False,
        maximize: bool = False,
        differentiable: bool = False,
    ) -> None:
        _check_lr(lr)
        if not 0.0 <= rho <= 1.0:
            raise ValueError(f"Invalid rho value: {rho}")
        _check_non_negative("epsilon value", eps)
        _check_non_negative("weight_decay value", weight_decay)
        _reject_unsupported("Adadelta", capturable=capturable, differentiable=differentiable)
        defaults = {
            "lr": lr,
            "rho": rho,
            "eps": eps,
            "weight_decay": weight_decay,
            "maximize": maximize,
            "capturable": capturable,
            "foreach": foreach,
            "differentiable": differentiable,
        }
        super().__init__(params, defaults)

    def _update(self, param: Tensor, group: dict[str, Any]) -> None:
        state = self.state[param]
        if not state:
            _init_state(state, param, ("square_avg", "acc_delta"))
        _count_step(state)
        rho, eps = group["rho"], group["eps"]
        grad = _gradient(param, group["weight_decay"], group["maximize"])

        xp = param.backend.xp
        scratch = xp.empty_like(param._data)
        acc_delta = state["acc_delta"]._data
        _update_square_average(xp, state["square_avg"]._data, grad, rho, scratch)
        std = xp.add(state["square_avg"]._data, eps, out=scratch)
        xp.sqrt(std, out=std)
        delta = acc_delta + eps
        xp.sqrt(delta, out=delta)
        delta /= std
        delta *= grad
        _update_square_average(xp, acc_delta, delta, rho, scratch)
        delta *= float(group["lr"])
        param._data -= delta
