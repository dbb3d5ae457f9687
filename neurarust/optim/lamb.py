"""LAMB: Adam's steps rescaled for each parameter tensor by a trust ratio
``||p|| / ||step||``, for training with very large batches."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..tensor import Tensor
from ._update import _count_step, _init_state, _PerParameterOptimizer
from .adam import _check_adam_options, _update_moments

__all__ = ["LAMB"]


class LAMB(_PerParameterOptimizer):
    """LAMB, from You et al. (2019), "Large Batch Optimization for Deep Learning:
    Training BERT in 76 minutes", Algorithm 2. PyTorch has no LAMB.

    Each parameter tensor is one "layer". Each step ``t`` (from 1), for each parameter
    ``p`` with gradient ``g`` (``m`` and ``v`` start at zero)::

        g     = -g                                      if maximize
        m     = beta1 * m + (1 - beta1) * g             (first moment)
        v     = beta2 * v + (1 - beta2) * g * g         (second moment)
        r     = (m / (1 - beta1**t)) / (sqrt(v / (1 - beta2**t)) + eps)
        u     = r + weight_decay * p                    (decoupled weight decay)
        ratio = ||p|| / ||u||    if both norms are > 0, else 1
        p     = p - lr * ratio * u

    ``||.||`` is the Euclidean norm of the whole tensor. The trust ratio makes every
    layer's step a fraction ``lr`` of the layer's own norm, whatever the scale of its
    gradient, which keeps training stable at very large batch sizes.

    Where the paper leaves a choice, this implementation takes: Adam's bias
    correction on (as Algorithm 2 writes it; some implementations drop it); the
    scaling function ``phi`` the identity, ``phi(||p||) = ||p||``, with no clamping
    of ``||p||`` to a range; the norms and the weight decay taken on ``p`` before the
    step; ``eps`` added after the square root, as in Adam. The moments are updated as
    Adam's are (the first as ``m + (1 - beta1) * (g - m)``, the same value).

    Args:
        params: the parameters to optimize, or parameter groups (dicts).
        lr: learning rate: the step of each layer relative to its norm.
        betas: decay rates of the first and second moments.
        eps: added to the denominator for numerical stability.
        weight_decay: decoupled weight-decay factor, added to the update before the
            trust ratio is taken.
        maximize: ascend the objective instead of descending it.

    The state of each parameter, as Adam's: ``step`` (a 0-d tensor), ``exp_avg`` and
    ``exp_avg_sq``.

    Examples:
        >>> import neurarust as nr
        >>> w = nr.tensor([3.0, -4.0], requires_grad=True)
        >>> opt = nr.optim.LAMB([w], lr=0.1)
        >>> (w * w).sum().backward()
        >>> opt.step()  # first step: r = sign(g), ratio = ||w|| / ||r|| = 5 / sqrt(2)
        >>> w
        tensor([ 2.6464, -3.6464], requires_grad=True)
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float | Tensor = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-6,
        weight_decay: float = 0.0,
        *,
        maximize: bool = False,
    ) -> None:
        _check_adam_options(lr, betas, eps, weight_decay)
        defaults = {
            "lr": lr,
            "betas": tuple(betas),
            "eps": eps,
            "weight_decay": weight_decay,
            "maximize": maximize,
        }
        super().__init__(params, defaults)

    def _update(self, param: Tensor, group: dict[str, Any]) -> None:
        state = self.state[param]
        if not state:
            _init_state(state, param, ("exp_avg", "exp_avg_sq"))
        step = _count_step(state)
        beta1, beta2 = group["betas"]
        grad = param.grad._data  # type: ignore[union-attr]
        if group["maximize"]:
            grad = -grad

        xp = param.backend.xp
        data = param._data
        scratch = xp.empty_like(data)
        _update_moments(xp, state, grad, group["betas"], scratch)
        denom = xp.divide(state["exp_avg_sq"]._data, 1 - beta2**step, out=scratch)
        xp.sqrt(denom, out=denom)
        denom += group["eps"]
        update = xp.divide(state["exp_avg"]._data, 1 - beta1**step)
        update /= denom
        if group["weight_decay"] != 0:
            update += xp.multiply(data, group["weight_decay"], out=scratch)

        param_norm = float(xp.linalg.norm(data))
        update_norm = float(xp.linalg.norm(update))
        ratio = param_norm / update_norm if param_norm > 0 and update_norm > 0 else 1.0
        update *= float(group["lr"]) * ratio
        data -= update
