"""Adafactor (``torch.optim.Adafactor``): Adam-like steps without momentum, whose second
moments of matrices are stored factored as one row and one column average."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..tensor import Tensor
from ._update import _count_step, _init_state, _new_state, _PerParameterOptimizer, _update_average

__all__ = ["Adafactor"]


def _rms(xp: Any, x: Any) -> float:
    """The root mean square of all the elements of ``x``, as a Python float."""
    return float(xp.linalg.norm(x)) / x.size**0.5


def _mean_square(xp: Any, x: Any, axis: int) -> Any:
    """``(x * x).mean(axis, keepdims=True)``, computed as PyTorch computes it, the squared
    norm over ``axis`` divided by its length (so float32 results agree)."""
    mean_square = xp.linalg.norm(x, axis=axis, keepdims=True)
    mean_square *= mean_square
    mean_square /= x.shape[axis]
    return mean_square


def _move_towards(xp: Any, average: Any, target: Any, weight: float) -> None:
    """``average = average + weight * (target - average)``, in place (PyTorch's lerp)."""
    _update_average(xp, average, target, 1 - weight, xp.empty_like(average))


class Adafactor(_PerParameterOptimizer):
    """Adafactor (Shazeer and Stern, 2018), exactly as ``torch.optim.Adafactor``.

    Each step ``t`` (from 1), for each parameter ``p`` with gradient ``g`` (``R``, ``C``
    and ``V`` start at zero; ``mean_k`` averages over dimension ``k`` and keeps it;
    ``rms`` is the root mean square of all elements)::

        g     = -g                                    if maximize
        w     = t ** beta2_decay                      (weight of the new gradient)
        alpha = max(eps2, rms(p)) * min(lr, 1 / sqrt(t))
        p     = p * (1 - lr * weight_decay)           (decoupled decay)
        if p has two dimensions or more (factored over the last two, (..., m, n)):
            R = R + w * (mean_-1(g * g) - R)          (row_var, shape (..., m, 1))
            C = C + w * (mean_-2(g * g) - C)          (col_var, shape (..., 1, n))
            V = (R @ C) / max(mean_-2(R), eps1)       (rank-1 estimate of g * g)
        else:
            V = V + w * (g * g - V)                   (variance, shaped like p)
        u     = g / sqrt(max(V, eps1 * eps1))
        p     = p - alpha / max(1, rms(u) / d) * u

    An ``(m, n)`` matrix keeps ``m + n`` second-moment numbers instead of ``m * n``,
    the point of Adafactor for very large models; there is no first moment. As in
    PyTorch, and unlike the paper, ``lr`` caps the relative step size (the paper uses
    0.01) and scales the weight decay, and ``eps1`` bounds the estimate ``V`` instead
    of being added to ``g * g``. ``eps1 = None`` means the machine epsilon of the
    parameter's dtype (PyTorch takes the first parameter's dtype for a whole group).

    Args:
        params: the parameters to optimize, or parameter groups (dicts).
        lr: upper bound of the relative step size, and weight-decay scale.
        beta2_decay: exponent of the running averages' weight ``t ** beta2_decay``
            (<= 0; the weight of 1 at the first step falls as ``t`` grows).
        eps: ``(eps1, eps2)``: the lower bound of the second-moment estimate (None:
            the dtype's machine epsilon), and the smallest parameter scale a step uses.
        d: clipping threshold on the RMS of the update (>= 1).
        weight_decay: decoupled weight-decay factor.
        foreach: accepted for compatibility and ignored.
        maximize: ascend the objective instead of descending it.

    The state of each parameter: ``step`` (a 0-d tensor), then ``row_var`` and
    ``col_var`` (two or more dimensions) or ``variance`` (fewer).

    Examples:
        >>> import neurarust as nr
        >>> w = nr.ones(2, 3, requires_grad=True)
        >>> opt = nr.optim.Adafactor([w], lr=0.1)
        >>> (w * w).sum().backward()
        >>> opt.step()  # first step: alpha = rms(w) * min(lr, 1) = 0.1, rms(u) = 1
        >>> w
        tensor([[0.9000, 0.9000, 0.9000],
                [0.9000, 0.9000, 0.9000]], requires_grad=True)
        >>> opt.state[w]["row_var"].shape, opt.state[w]["col_var"].shape
        (neurarust.Size([2, 1]), neurarust.Size([1, 3]))
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float | Tensor = 1e-2,
        beta2_decay: float = -0.8,
        eps: tuple[float | None, float] = (None, 1e-3),
        d: float = 1.0,
        weight_decay: float = 0.0,
        *,
        foreach: bool | None = None,
        maximize: bool = False,
    ) -> None:
        if isinstance(lr, Tensor) and lr.numel() != 1:
            raise ValueError("Tensor lr must be 1-element")
        checks = [
            (0.0 <= lr, f"Learning rate should be >= 0 but is: {lr}"),
            (0.0 >= beta2_decay, f"beta2_decay should be <= 0 but is: {beta2_decay}"),
            (eps[0] is None or 0.0 <= eps[0], f"epsilon1 should be >= 0 but is: {eps[0]}"),
            (0.0 <= eps[1], f"epsilon2 should be >= 0 but is: {eps[1]}"),
            (1.0 <= d, f"Clipping threshold d should be >= 1 but is: {d}"),
            (0.0 <= weight_decay, f"weight_decay should be >= 0 but is: {weight_decay}"),
        ]
        for valid, message in checks:
            if not valid:
                raise ValueError(message)
        defaults = {
            "lr": lr,
            "beta2_decay": beta2_decay,
            "eps": eps,
            "d": d,
            "weight_decay": weight_decay,
            "foreach": foreach,
            "maximize": maximize,
        }
        super().__init__(params, defaults)

    def _update(self, param: Tensor, group: dict[str, Any]) -> None:
        xp = param.backend.xp
        data = param._data
        factored = data.ndim > 1
        state = self.state[param]
        if not state:
            _init_state(state, param, () if factored else ("variance",))
            if factored:
                row_shape = data.shape[:-1] + (1,)
                col_shape = data.shape[:-2] + (1, data.shape[-1])
                state["row_var"] = _new_state(param, xp.zeros(row_shape, data.dtype))
                state["col_var"] = _new_state(param, xp.zeros(col_shape, data.dtype))
        step = _count_step(state)
        lr, weight_decay = float(group["lr"]), group["weight_decay"]
        eps1, eps2 = group["eps"]
        if eps1 is None:
            eps1 = float(xp.finfo(data.dtype).eps)
        grad = param.grad._data  # type: ignore[union-attr]
        if group["maximize"]:
            grad = -grad

        weight = step ** group["beta2_decay"]
        alpha = max(eps2, _rms(xp, data)) * min(lr, 1 / step**0.5)
        if weight_decay != 0:
            data *= 1 - lr * weight_decay

        if factored:
            row_var, col_var = state["row_var"]._data, state["col_var"]._data
            _move_towards(xp, row_var, _mean_square(xp, grad, -1), weight)
            _move_towards(xp, col_var, _mean_square(xp, grad, -2), weight)
            update = xp.matmul(row_var, col_var)
            update /= xp.maximum(row_var.mean(axis=-2, keepdims=True), eps1)
        else:
            variance = state["variance"]._data
            _move_towards(xp, variance, grad * grad, weight)
            update = variance.copy()
        xp.maximum(update, eps1 * eps1, out=update)
        xp.sqrt(update, out=update)
        xp.divide(grad, update, out=update)
        update *= alpha / max(1.0, _rms(xp, update) / group["d"])
        data -= update
