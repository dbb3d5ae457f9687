"""NAdam (``torch.optim.NAdam``): Adam with Nesterov momentum."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..tensor import Tensor
from ._update import (
    _check_non_negative,
    _count_step,
    _init_state,
    _PerParameterOptimizer,
    _reject_unsupported,
)
from .adam import _check_adam_options, _decayed_gradient, _update_moments

__all__ = ["NAdam"]


class NAdam(_PerParameterOptimizer):
    """NAdam: Adam whose step looks ahead along the momentum (Nesterov), with a momentum
    coefficient that warms up over the first steps (``momentum_decay``).

    Each step ``t``, for each parameter ``p`` with gradient ``g``::

        g = -g                                  if maximize
        p = p * (1 - lr * weight_decay)         if decoupled_weight_decay
        g = g + weight_decay * p                otherwise (L2 decay)
        mu_t = beta1 * (1 - 0.5 * 0.96**(t * momentum_decay))
        mu_next = beta1 * (1 - 0.5 * 0.96**((t + 1) * momentum_decay))
        mu_product = mu_product * mu_t          (the product of mu_1 ... mu_t)
        m = m + (1 - beta1) * (g - m)           (first moment: lerp towards g)
        v = beta2 * v + (1 - beta2) * g * g     (second moment)
        denom = sqrt(v / (1 - beta2**t)) + eps
        p = p - lr * (1 - mu_t) / (1 - mu_product) * g / denom
              - lr * mu_next / (1 - mu_product * mu_next) * m / denom

    Args:
        params: the parameters to optimize, or parameter groups (dicts).
        lr: learning rate.
        betas: decay rates of the first and second moments.
        eps: added to the denominator for numerical stability.
        weight_decay: decay factor (L2, or decoupled: see ``decoupled_weight_decay``).
        momentum_decay: how fast the momentum coefficient ``mu_t`` rises from
            ``beta1 / 2`` towards ``beta1``.
        decoupled_weight_decay: shrink the parameters directly instead of adding the
            decay to the gradient (as AdamW).
        foreach: accepted for compatibility and ignored.
        maximize: ascend the objective instead of descending it.
        capturable: not supported (``NotImplementedError`` when true).
        differentiable: not supported (``NotImplementedError`` when true).

    The state of each parameter: ``step`` and ``mu_product`` (0-d tensors),
    ``exp_avg`` and ``exp_avg_sq``.

    Examples:
        >>> import neurarust as nr
        >>> w = nr.tensor([1.0, -2.0], requires_grad=True)
        >>> opt = nr.optim.NAdam([w], lr=0.1)
        >>> (w * w).sum().backward()
        >>> opt.step()
        >>> w
        tensor([ 0.8944, -1.8944], requires_grad=True)
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float | Tensor = 2e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0,
        momentum_decay: float = 4e-3,
        decoupled_weight_decay: bool = False,
        *,
        foreach: bool | None = None,
        maximize: bool = False,
        capturable: bool = False,
        differentiable: bool = False,
    ) -> None:
        _check_adam_options(lr, betas, eps, weight_decay)
        _check_non_negative("momentum_decay value", momentum_decay)
        _reject_unsupported("NAdam", capturable=capturable, differentiable=differentiable)
        defaults = {
            "lr": lr,
            "betas": tuple(betas),
            "eps": eps,
            "weight_decay": weight_decay,
            "momentum_decay": momentum_decay,
            "decoupled_weight_decay": decoupled_weight_decay,
            "maximize": maximize,
            "foreach": foreach,
            "capturable": capturable,
            "differentiable": differentiable,
        }
        super().__init__(params, defaults)

    def _update(self, param: Tensor, group: dict[str, Any]) -> None:
        state = self.state[param]
        if not state:
            _init_state(state, param, ("exp_avg", "exp_avg_sq"), mu_product=1.0)
        step = _count_step(state)
        lr = float(group["lr"])
        beta1, beta2 = group["betas"]
        grad = _decayed_gradient(param, group, lr)

        momentum_decay = group["momentum_decay"]
        mu = beta1 * (1.0 - 0.5 * 0.96 ** (step * momentum_decay))
        mu_next = beta1 * (1.0 - 0.5 * 0.96 ** ((step + 1) * momentum_decay))
        product = state["mu_product"]._data
        product *= mu  # in place and in its float dtype, as PyTorch
        mu_product = float(product)

        xp = param.backend.xp
        denom = xp.empty_like(param._data)
        _update_moments(xp, state, grad, group["betas"], denom)
        xp.divide(state["exp_avg_sq"]._data, 1 - beta2**step, out=denom)
        xp.sqrt(denom, out=denom)
        denom += group["eps"]

        # the gradient's share of the step, then the momentum's (Nesterov's look-ahead)
        shares = (
            (grad, lr * (1.0 - mu) / (1.0 - mu_product)),
            (state["exp_avg"]._data, lr * mu_next / (1.0 - mu_product * mu_next)),
        )
        update = xp.empty_like(denom)
        for direction, step_size in shares:
            xp.multiply(direction, step_size, out=update)
            update /= denom
            param._data -= update
