"""Adam and AdamW (``torch.optim.Adam``, ``torch.optim.AdamW``), and what the other Adam
variants (Adamax, NAdam, RAdam, LAMB) reuse: their option checks, their weight decay
and their two running averages."""

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
    _update_average,
    _update_square_average,
)

__all__ = ["Adam", "AdamW"]


# --- shared by the Adam family ---------------------------------------------------------------


def _check_adam_options(
    lr: float | Tensor, betas: tuple[float, float], eps: float, weight_decay: float
) -> None:
    """PyTorch's checks of the options every Adam variant takes, with its messages."""
    _check_lr(lr)
    _check_non_negative("epsilon value", eps)
    for index, beta in enumerate(betas):
        if not 0.0 <= beta < 1.0:
            raise ValueError(f"Invalid beta parameter at index {index}: {beta}")
    _check_non_negative("weight_decay value", weight_decay)


def _decayed_gradient(param: Tensor, group: dict[str, Any], lr: float) -> Any:
    """Apply the group's weight decay and return the gradient array to follow: decoupled
    decay shrinks the parameter in place (``p *= 1 - lr * weight_decay``), L2 decay is
    added to the gradient (see :func:`~neurarust.optim._update._gradient`)."""
    weight_decay = group["weight_decay"]
    if group["decoupled_weight_decay"]:
        if weight_decay != 0:
            param._data *= 1 - lr * weight_decay
        weight_decay = 0
    return _gradient(param, weight_decay, group["maximize"])


def _update_moments(
    xp: Any, state: dict[str, Any], grad: Any, betas: tuple[float, float], scratch: Any
) -> None:
    """The running averages of the gradient (``exp_avg``) and of its square
    (``exp_avg_sq = beta2 * exp_avg_sq + (1 - beta2) * grad * grad``), in place."""
    beta1, beta2 = betas
    _update_average(xp, state["exp_avg"]._data, grad, beta1, scratch)
    _update_square_average(xp, state["exp_avg_sq"]._data, grad, beta2, scratch)


# --- Adam ------------------------------------------------------------------------------------


class Adam(_PerParameterOptimizer):
    """Adam: steps scaled by running averages of the gradient and of its square.

    Each step ``t``, for each parameter ``p`` with gradient ``g``::

        g = -g                                  if maximize
        p = p * (1 - lr * weight_decay)         if decoupled_weight_decay (AdamW)
        g = g + weight_decay * p                otherwise (L2 decay)
        m = m + (1 - beta1) * (g - m)           (first moment: lerp towards g)
        v = beta2 * v + (1 - beta2) * g * g     (second moment)
        v_max = max(v_max, v)  and use v_max for v below   if amsgrad
        denom = sqrt(v) / sqrt(1 - beta2**t) + eps
        p = p - lr / (1 - beta1**t) * m / denom

    Args:
        params: the parameters to optimize, or parameter groups (dicts).
        lr: learning rate.
        betas: decay rates of the first and second moments.
        eps: added to the denominator for numerical stability.
        weight_decay: decay factor (L2, or decoupled: see ``decoupled_weight_decay``).
        amsgrad: divide by the largest second moment seen so far (AMSGrad).
        foreach: accepted for compatibility and ignored.
        maximize: ascend the objective instead of descending it.
        capturable: not supported (``NotImplementedError`` when true).
        differentiable: not supported (``NotImplementedError`` when true).
        fused: not supported (``NotImplementedError`` when true).
        decoupled_weight_decay: shrink the parameters directly instead of adding the
            decay to the gradient (AdamW).

    The state of each parameter: ``step`` (a 0-d tensor), ``exp_avg``, ``exp_avg_sq``
    and, with amsgrad, ``max_exp_avg_sq``.

    Examples:
        >>> import neurarust as nr
        >>> w = nr.tensor([1.0, -2.0], requires_grad=True)
        >>> opt = nr.optim.Adam([w], lr=0.1)
        >>> (w * w).sum().backward()
        >>> opt.step()
        >>> w
        tensor([ 0.9000, -1.9000], requires_grad=True)
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float | Tensor = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0,
        amsgrad: bool = False,
        *,
        foreach: bool | None = None,
        maximize: bool = False,
        capturable: bool = False,
        differentiable: bool = False,
        fused: bool | None = None,
        decoupled_weight_decay: bool = False,
    ) -> None:
        _check_adam_options(lr, betas, eps, weight_decay)
        _reject_unsupported(
            type(self).__name__, capturable=capturable, differentiable=differentiable, fused=fused
        )
        defaults = {
            "lr": lr,
            "betas": tuple(betas),
            "eps": eps,
            "weight_decay": weight_decay,
            "amsgrad": amsgrad,
            "maximize": maximize,
            "foreach": foreach,
            "capturable": capturable,
            "differentiable": differentiable,
            "fused": fused,
            "decoupled_weight_decay": decoupled_weight_decay,
        }
        super().__init__(params, defaults)

    def _update(self, param: Tensor, group: dict[str, Any]) -> None:
        state = self.state[param]
        if not state:
            arrays = ("exp_avg", "exp_avg_sq", "max_exp_avg_sq")
            _init_state(state, param, arrays if group["amsgrad"] else arrays[:2])
        step = _count_step(state)
        lr = float(group["lr"])
        beta1, beta2 = group["betas"]
        grad = _decayed_gradient(param, group, lr)

        xp = param.backend.xp
        scratch = xp.empty_like(param._data)
        _update_moments(xp, state, grad, group["betas"], scratch)
        exp_avg_sq = state["exp_avg_sq"]._data
        if group["amsgrad"]:
            exp_avg_sq = xp.maximum(
                state["max_exp_avg_sq"]._data, exp_avg_sq, out=state["max_exp_avg_sq"]._data
            )

        # p -= step_size * m / (sqrt(v) / sqrt(1 - beta2**t) + eps) with step_size folded
        # into the denominator (as PyTorch's capturable Adam), so one array holds the update
        step_size = lr / (1 - beta1**step)
        update = xp.sqrt(exp_avg_sq, out=scratch)
        update /= (1 - beta2**step) ** 0.5 * step_size
        update += group["eps"] / step_size
        xp.divide(state["exp_avg"]._data, update, out=update)
        param._data -= update


class AdamW(Adam):
    """AdamW: :class:`Adam` with decoupled weight decay, which shrinks the parameters
    directly (``p = p * (1 - lr * weight_decay)``) instead of adding the decay to the
    gradient, so it does not pass through the moment estimates. Same arguments as
    :class:`Adam` (``decoupled_weight_decay`` is always on), with ``weight_decay``
    defaulting to ``1e-2``.

    Examples:
        >>> import neurarust as nr
        >>> w = nr.tensor([1.0, -2.0], requires_grad=True)
        >>> opt = nr.optim.AdamW([w], lr=0.1, weight_decay=0.5)
        >>> (w * w).sum().backward()
        >>> opt.step()
        >>> w
        tensor([ 0.8500, -1.8000], requires_grad=True)
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float | Tensor = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 1e-2,
        amsgrad: bool = False,
        *,
        maximize: bool = False,
        foreach: bool | None = None,
        capturable: bool = False,
        differentiable: bool = False,
        fused: bool | None = None,
    ) -> None:
        super().__init__(
            params,
            lr,
            betas,
            eps,
            weight_decay,
            amsgrad,
            foreach=foreach,
            maximize=maximize,
            capturable=capturable,
            differentiable=differentiable,
            fused=fused,
            decoupled_weight_decay=True,
        )

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """As :meth:`Optimizer.load_state_dict`; the decay stays decoupled whatever the
        checkpoint says (as PyTorch's AdamW)."""
        super().load_state_dict(state_dict)
        for group in self.param_groups:
            group["decoupled_weight_decay"] = True
