"""RMSprop (``torch.optim.RMSprop``): divide each step by a running root mean square of
recent gradients."""

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

__all__ = ["RMSprop"]


class RMSprop(_PerParameterOptimizer):
    """RMSprop (Hinton's lecture 6e), as ``torch.optim.RMSprop``.

    Each step, for each parameter ``p`` with gradient ``g`` (``v``, ``g_avg`` and ``b``
    start at zero)::

        g     = -g                                       if maximize
        g     = g + weight_decay * p                     (L2 decay)
        v     = alpha * v + (1 - alpha) * g * g          (running mean of squares)
        g_avg = g_avg + (1 - alpha) * (g - g_avg)        if centered (running mean)
        avg   = sqrt(v - g_avg * g_avg) + eps            if centered
        avg   = sqrt(v) + eps                            otherwise
        b     = momentum * b + g / avg ;  p = p - lr * b     if momentum > 0
        p     = p - lr * g / avg                             otherwise

    ``centered`` divides by an estimate of the gradient's standard deviation instead
    of its root mean square.

    Args:
        params: the parameters to optimize, or parameter groups (dicts).
        lr: learning rate.
        alpha: smoothing constant of the running averages.
        eps: added to the denominator for numerical stability.
        weight_decay: L2 penalty factor.
        momentum: momentum factor (0: no momentum buffer).
        centered: normalize by the estimated variance of the gradient.
        capturable: not supported (``NotImplementedError`` when true).
        differentiable: not supported (``NotImplementedError`` when true).
        foreach: accepted for compatibility and ignored.
        maximize: ascend the objective instead of descending it.

    The state of each parameter: ``step`` (a 0-d tensor), ``square_avg``, then
    ``momentum_buffer`` if momentum > 0 and ``grad_avg`` if centered.

    Examples:
        >>> import neurarust as nr
        >>> w = nr.tensor([1.0, -2.0], requires_grad=True)
        >>> opt = nr.optim.RMSprop([w], lr=0.01)
        >>> (w * w).sum().backward()
        >>> opt.step()  # first step: v = 0.01 * g * g, so g / sqrt(v) = 10 * sign(g)
        >>> w
        tensor([ 0.9000, -1.9000], requires_grad=True)
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float | Tensor = 1e-2,
        alpha: float = 0.99,
        eps: float = 1e-8,
        weight_decay: float = 0,
        momentum: float = 0,
        centered: bool = False,
        capturable: bool = False,
        foreach: bool | None = None,
        maximize: bool = False,
        differentiable: bool = False,
    ) -> None:
        _check_lr(lr)
        _check_non_negative("epsilon value", eps)
        _check_non_negative("momentum value", momentum)
        _check_non_negative("weight_decay value", weight_decay)
        _check_non_negative("alpha value", alpha)
        _reject_unsupported("RMSprop", capturable=capturable, differentiable=differentiable)
        defaults = {
            "lr": lr,
            "momentum": momentum,
            "alpha": alpha,
            "eps": eps,
            "centered": centered,
            "weight_decay": weight_decay,
            "capturable": capturable,
            "foreach": foreach,
            "maximize": maximize,
            "differentiable": differentiable,
        }
        super().__init__(params, defaults)

    def _update(self, param: Tensor, group: dict[str, Any]) -> None:
        state = self.state[param]
        if not state:
            arrays = ["square_avg"]
            if group["momentum"] > 0:
                arrays.append("momentum_buffer")
            if group["centered"]:
                arrays.append("grad_avg")
            _init_state(state, param, tuple(arrays))
        _count_step(state)
        alpha, momentum, lr = group["alpha"], group["momentum"], float(group["lr"])
        grad = _gradient(param, group["weight_decay"], group["maximize"])

        xp = param.backend.xp
        scratch = xp.empty_like(param._data)
        square_avg = state["square_avg"]._data
        _update_square_average(xp, square_avg, grad, alpha, scratch)
        if group["centered"]:
            grad_avg = state["grad_avg"]._data
            _update_average(xp, grad_avg, grad, alpha, scratch)  # lerp, weight 1 - alpha
            avg = xp.multiply(grad_avg, grad_avg, out=scratch)
            xp.subtract(square_avg, avg, out=avg)
            xp.sqrt(avg, out=avg)
        else:
            avg = xp.sqrt(square_avg, out=scratch)
        avg += group["eps"]

        step = xp.divide(grad, avg, out=avg)
        if momentum > 0:
            buffer = state["momentum_buffer"]._data
            buffer *= momentum
            buffer += step
            step = xp.multiply(buffer, lr, out=step)
        else:
            step *= lr
        param._data -= step
