"""Adagrad (``torch.optim.Adagrad``): per-coordinate steps that shrink with the sum of
all past squared gradients."""

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
    _new_state,
    _PerParameterOptimizer,
    _reject_unsupported,
)

__all__ = ["Adagrad"]


class Adagrad(_PerParameterOptimizer):
    """Adagrad (Duchi, Hazan and Singer, 2011), as ``torch.optim.Adagrad``.

    Each step ``t`` (from 1), for each parameter ``p`` with gradient ``g`` (``s``
    starts at ``initial_accumulator_value``)::

        g   = -g                                if maximize
        g   = g + weight_decay * p              (L2 decay)
        s   = s + g * g                         (sum of squared gradients)
        clr = lr / (1 + (t - 1) * lr_decay)
        p   = p - clr * g / (sqrt(s) + eps)

    Coordinates that have seen large gradients take small steps and rarely updated
    ones keep large steps, which suits sparse features.

    As in PyTorch the state is created with the optimizer, not at the first step.
    Unlike PyTorch, which fills every ``sum`` with the constructor's
    ``initial_accumulator_value``, a parameter group's own value is honoured.

    Args:
        params: the parameters to optimize, or parameter groups (dicts).
        lr: learning rate.
        lr_decay: learning-rate decay per step.
        weight_decay: L2 penalty factor.
        initial_accumulator_value: starting value of the sum of squared gradients.
        eps: added to the denominator for numerical stability.
        foreach: accepted for compatibility and ignored.
        maximize: ascend the objective instead of descending it.
        differentiable: not supported (``NotImplementedError`` when true).
        fused: not supported (``NotImplementedError`` when true).

    The state of each parameter: ``step`` (a 0-d tensor) and ``sum``.

    Examples:
        >>> import neurarust as nr
        >>> w = nr.tensor([1.0, -2.0], requires_grad=True)
        >>> opt = nr.optim.Adagrad([w], lr=0.5)
        >>> (w * w).sum().backward()
        >>> opt.step()  # first step: s = g * g, so the step is lr * sign(g)
        >>> w
        tensor([ 0.5000, -1.5000], requires_grad=True)
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float | Tensor = 1e-2,
        lr_decay: float = 0,
        weight_decay: float = 0,
        initial_accumulator_value: float = 0,
        eps: float = 1e-10,
        foreach: bool | None = None,
        *,
        maximize: bool = False,
        differentiable: bool = False,
        fused: bool | None = None,
    ) -> None:
        _check_lr(lr)
        _check_non_negative("lr_decay value", lr_decay)
        _check_non_negative("weight_decay value", weight_decay)
        _check_non_negative("initial_accumulator_value value", initial_accumulator_value)
        _check_non_negative("epsilon value", eps)
        _reject_unsupported("Adagrad", differentiable=differentiable, fused=fused)
        defaults = {
            "lr": lr,
            "lr_decay": lr_decay,
            "eps": eps,
            "weight_decay": weight_decay,
            "initial_accumulator_value": initial_accumulator_value,
            "foreach": foreach,
            "maximize": maximize,
            "differentiable": differentiable,
            "fused": fused,
        }
        super().__init__(params, defaults)
        for group in self.param_groups:
            for p in group["params"]:
                self._state_of(p, group)

    def _state_of(self, param: Tensor, group: dict[str, Any]) -> dict[str, Any]:
        """The parameter's state, created if it has none (a group added later gets it at
        its first step)."""
        state = self.state[param]
        if not state:
            _init_state(state, param, ())
            value = group["initial_accumulator_value"]
            state["sum"] = _new_state(param, param.backend.xp.full_like(param._data, value))
        return state

    def _update(self, param: Tensor, group: dict[str, Any]) -> None:
        state = self._state_of(param, group)
        step = _count_step(state)
        grad = _gradient(param, group["weight_decay"], group["maximize"])
        clr = float(group["lr"]) / (1 + (step - 1) * group["lr_decay"])

        xp = param.backend.xp
        scratch = xp.multiply(grad, grad)
        accumulated = state["sum"]._data
        accumulated += scratch
        std = xp.sqrt(accumulated, out=scratch)
        std += group["eps"]
        update = xp.divide(grad, std, out=std)
        update *= clr
        param._data -= update
