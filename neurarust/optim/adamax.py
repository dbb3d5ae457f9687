"""Adamax (``torch.optim.Adamax``): Adam with the infinity norm in place of the second moment."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..tensor import Tensor
from ._update import (
    _count_step,
    _gradient,
    _init_state,
    _PerParameterOptimizer,
    _reject_unsupported,
    _update_average,
)
from .adam import _check_adam_options

__all__ = ["Adamax"]


class Adamax(_PerParameterOptimizer):
    """Adamax: Adam's first moment divided by an exponentially weighted infinity norm
    of the gradients, which needs no square root and no second bias correction.

    Each step ``t``, for each parameter ``p`` with gradient ``g``::

        g = -g                              if maximize
        g = g + weight_decay * p            (L2 decay)
        m = m + (1 - beta1) * (g - m)       (first moment: lerp towards g)
        u = max(beta2 * u, |g| + eps)       (infinity norm)
        p = p - lr / (1 - beta1**t) * m / u

    Args:
        params: the parameters to optimize, or parameter groups (dicts).
        lr: learning rate.
        betas: decay rates of the first moment and of the infinity norm.
        eps: added to ``|g|`` for numerical stability.
        weight_decay: L2 penalty factor.
        foreach: accepted for compatibility and ignored.
        maximize: ascend the objective instead of descending it.
        differentiable: not supported (``NotImplementedError`` when true).
        capturable: not supported (``NotImplementedError`` when true).

    The state of each parameter: ``step`` (a 0-d tensor), ``exp_avg`` and ``exp_inf``.

    Examples:
        >>> import neurarust as nr
        >>> w = nr.tensor([1.0, -2.0], requires_grad=True)
        >>> opt = nr.optim.Adamax([w], lr=0.1)
        >>> (w * w).sum().backward()
        >>> opt.step()
        >>> w
        tensor([ 0.9000, -1.9000], requires_grad=True)
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float | Tensor = 2e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0,
        foreach: bool | None = None,
        *,
        maximize: bool = False,
        differentiable: bool = False,
        capturable: bool = False,
    ) -> None:
        _check_adam_options(lr, betas, eps, weight_decay)
        _reject_unsupported("Adamax", differentiable=differentiable, capturable=capturable)
        defaults = {
            "lr": lr,
            "betas": tuple(betas),
            "eps": eps,
            "weight_decay": weight_decay,
            "foreach": foreach,
            "maximize": maximize,
            "differentiable": differentiable,
            "capturable": capturable,
        }
        super().__init__(params, defaults)

    def _update(self, param: Tensor, group: dict[str, Any]) -> None:
        state = self.state[param]
        if not state:
            _init_state(state, param, ("exp_avg", "exp_inf"))
        step = _count_step(state)
        beta1, beta2 = group["betas"]
        grad = _gradient(param, group["weight_decay"], group["maximize"])

        xp = param.backend.xp
        scratch = xp.empty_like(param._data)
        exp_avg = state["exp_avg"]._data
        exp_inf = state["exp_inf"]._data
        _update_average(xp, exp_avg, grad, beta1, scratch)
        exp_inf *= beta2
        norm = xp.abs(grad, out=scratch)
        norm += group["eps"]
        xp.maximum(exp_inf, norm, out=exp_inf)

        update = xp.multiply(exp_avg, float(group["lr"]) / (1 - beta1**step), out=scratch)
        update /= exp_inf
        param._data -= update
