"""RAdam (``torch.optim.RAdam``): Adam with a rectified adaptive learning rate."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..tensor import Tensor
from ._update import _count_step, _init_state, _PerParameterOptimizer, _reject_unsupported
from .adam import _check_adam_options, _decayed_gradient, _update_moments

__all__ = ["RAdam"]


class RAdam(_PerParameterOptimizer):
    """RAdam: Adam that takes plain momentum steps while too few gradients have been
    seen to trust the second moment, then rectifies the adaptive step by how far the
    variance estimate has settled.

    Each step ``t``, for each parameter ``p`` with gradient ``g``::

        g = -g                                  if maximize
        p = p * (1 - lr * weight_decay)         if decoupled_weight_decay
        g = g + weight_decay * p                otherwise (L2 decay)
        m = m + (1 - beta1) * (g - m)           (first moment: lerp towards g)
        v = beta2 * v + (1 - beta2) * g * g     (second moment)
        m_hat = m / (1 - beta1**t)
        rho_inf = 2 / (1 - beta2) - 1
        rho_t = rho_inf - 2 * t * beta2**t / (1 - beta2**t)
        if rho_t > 5:
            r = sqrt((rho_t - 4) * (rho_t - 2) * rho_inf
                     / ((rho_inf - 4) * (rho_inf - 2) * rho_t))
            p = p - m_hat * lr * sqrt(1 - beta2**t) / (sqrt(v) + eps) * r
        else:
            p = p - m_hat * lr

    Args:
        params: the parameters to optimize, or parameter groups (dicts).
        lr: learning rate.
        betas: decay rates of the first and second moments.
        eps: added to the denominator for numerical stability.
        weight_decay: decay factor (L2, or decoupled: see ``decoupled_weight_decay``).
        decoupled_weight_decay: shrink the parameters directly instead of adding the
            decay to the gradient (as AdamW).
        foreach: accepted for compatibility and ignored.
        maximize: ascend the objective instead of descending it.
        capturable: not supported (``NotImplementedError`` when true).
        differentiable: not supported (``NotImplementedError`` when true).

    The state of each parameter: ``step`` (a 0-d tensor), ``exp_avg`` and ``exp_avg_sq``.

    Examples:
        >>> import neurarust as nr
        >>> w = nr.tensor([1.0, -2.0], requires_grad=True)
        >>> opt = nr.optim.RAdam([w], lr=0.1)
        >>> (w * w).sum().backward()
        >>> opt.step()  # the first steps are plain momentum steps: lr * grad here
        >>> w
        tensor([ 0.8000, -1.6000], requires_grad=True)
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float | Tensor = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0,
        decoupled_weight_decay: bool = False,
        *,
        foreach: bool | None = None,
        maximize: bool = False,
        capturable: bool = False,
        differentiable: bool = False,
    ) -> None:
        _check_adam_options(lr, betas, eps, weight_decay)
        _reject_unsupported("RAdam", capturable=capturable, differentiable=differentiable)
        defaults = {
            "lr": lr,
            "betas": tuple(betas),
            "eps": eps,
            "weight_decay": weight_decay,
            "maximize": maximize,
            "foreach": foreach,
            "capturable": capturable,
            "decoupled_weight_decay": decoupled_weight_decay,
            "differentiable": differentiable,
        }
        super().__init__(params, defaults)

    def _update(self, param: Tensor, group: dict[str, Any]) -> None:
        state = self.state[param]
        if not state:
            _init_state(state, param, ("exp_avg", "exp_avg_sq"))
        step = _count_step(state)
        lr = float(group["lr"])
        beta1, beta2 = group["betas"]
        grad = _decayed_gradient(param, group, lr)

        xp = param.backend.xp
        scratch = xp.empty_like(param._data)
        _update_moments(xp, state, grad, group["betas"], scratch)
        bias_correction2 = 1 - beta2**step
        rho_inf = 2 / (1 - beta2) - 1
        rho_t = rho_inf - 2 * step * (beta2**step) / bias_correction2

        update = xp.divide(state["exp_avg"]._data, 1 - beta1**step)
        update *= lr
        if rho_t > 5.0:
            adaptive_lr = xp.sqrt(state["exp_avg_sq"]._data, out=scratch)
            adaptive_lr += group["eps"]
            xp.reciprocal(adaptive_lr, out=adaptive_lr)
            adaptive_lr *= bias_correction2**0.5
            update *= adaptive_lr
            update *= _rectification(rho_t, rho_inf)
        param._data -= update


def _rectification(rho_t: float, rho_inf: float) -> float:
    """How far the variance of the adaptive step has settled (tends to 1 as ``t`` grows)."""
    return ((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5
