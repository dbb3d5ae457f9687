"""Gradient clipping (as ``torch.nn.utils``): rescale or clamp the gradients of a
model's parameters in place between ``backward()`` and ``optimizer.step()``.

Clipping by norm keeps the gradient's direction and caps its length, which
tames the rare exploding step of recurrent networks and transformers:

    loss.backward()
    nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)
    optimizer.step()
"""

from __future__ import annotations

from collections.abc import Iterable

from ... import linalg
from ...autograd.grad_mode import no_grad
from ...ops.creation import tensor
from ...ops.shape import stack
from ...tensor import Tensor

__all__ = ["clip_grad_norm_", "clip_grad_value_", "clip_grads_with_norm_", "get_total_norm"]

Tensors = Tensor | Iterable[Tensor]


def _grads(parameters: Tensors) -> list[Tensor]:
    """The gradients of ``parameters`` (a Tensor or an iterable of them) that exist."""
    if isinstance(parameters, Tensor):
        parameters = [parameters]
    return [p.grad for p in parameters if p.grad is not None]


def get_total_norm(
    tensors: Tensors,
    norm_type: float = 2.0,
    error_if_nonfinite: bool = False,
    foreach: bool | None = None,
) -> Tensor:
    """The ``norm_type``-norm of all ``tensors`` together, as if concatenated into one
    vector (``inf`` gives the largest absolute value). ``foreach`` is accepted and ignored.

    Raises RuntimeError for a nan or inf norm when ``error_if_nonfinite``.

    Shapes: any tensors -> ``()``.

    Examples:
        >>> import neurarust as nr
        >>> nr.nn.utils.get_total_norm([nr.tensor([3.0]), nr.tensor([4.0])])
        tensor(5.)
    """
    tensors = [tensors] if isinstance(tensors, Tensor) else list(tensors)
    norm_type = float(norm_type)
    if not tensors:
        return tensor(0.0)
    with no_grad():
        norms = [linalg.vector_norm(t, norm_type).to(tensors[0].device) for t in tensors]
        total = linalg.vector_norm(stack(norms), norm_type)
    if error_if_nonfinite and not bool(total.isfinite()):
        raise RuntimeError(
            f"The total norm of order {norm_type} for gradients from `parameters` is "
            "non-finite, so it cannot be clipped. To disable this error and scale the "
            "gradients by the non-finite norm anyway, set `error_if_nonfinite=False`"
        )
    return total


def clip_grads_with_norm_(
    parameters: Tensors, max_norm: float, total_norm: Tensor, foreach: bool | None = None
) -> None:
    """Scale the gradients of ``parameters`` in place by ``min(1, max_norm / (total_norm +
    1e-6))``, given their ``total_norm`` (see :func:`get_total_norm`).

    Examples:
        >>> import neurarust as nr
        >>> w = nr.zeros(2, requires_grad=True)
        >>> w.grad = nr.tensor([3.0, 4.0])
        >>> nr.nn.utils.clip_grads_with_norm_([w], 1.0, nr.tensor(5.0))
        >>> w.grad
        tensor([0.6000, 0.8000])
    """
    with no_grad():
        scale = (max_norm / (total_norm + 1e-6)).clamp(max=1.0)
        for grad in _grads(parameters):
            grad.mul_(scale.to(grad.device))


def clip_grad_norm_(
    parameters: Tensors,
    max_norm: float,
    norm_type: float = 2.0,
    error_if_nonfinite: bool = False,
    foreach: bool | None = None,
) -> Tensor:
    """Rescale the gradients of ``parameters`` in place so that their total norm (all
    gradients as one vector) is at most ``max_norm``; returns the norm before clipping.

    ``norm_type`` is 2 (Euclidean), 1, ``inf`` or any p. The gradients are multiplied by
    ``min(1, max_norm / (total_norm + 1e-6))``. ``error_if_nonfinite=True`` raises
    RuntimeError instead of clipping by a nan or inf norm. ``foreach`` is accepted and
    ignored.

    Examples:
        >>> import neurarust as nr
        >>> w = nr.zeros(2, requires_grad=True)
        >>> w.grad = nr.tensor([3.0, 4.0])
        >>> nr.nn.utils.clip_grad_norm_([w], max_norm=1.0)
        tensor(5.)
        >>> w.grad
        tensor([0.6000, 0.8000])
    """
    parameters = [parameters] if isinstance(parameters, Tensor) else list(parameters)
    total_norm = get_total_norm(_grads(parameters), norm_type, error_if_nonfinite)
    clip_grads_with_norm_(parameters, max_norm, total_norm)
    return total_norm


def clip_grad_value_(parameters: Tensors, clip_value: float, foreach: bool | None = None) -> None:
    """Clamp every gradient element of ``parameters`` into ``[-clip_value, clip_value]``,
    in place. ``foreach`` is accepted and ignored.

    Examples:
        >>> import neurarust as nr
        >>> w = nr.zeros(3, requires_grad=True)
        >>> w.grad = nr.tensor([-2.0, 0.5, 3.0])
        >>> nr.nn.utils.clip_grad_value_([w], clip_value=1.0)
        >>> w.grad
        tensor([-1.0000,  0.5000,  1.0000])
    """
    clip_value = float(clip_value)
    with no_grad():
        for grad in _grads(parameters):
            grad.clamp_(-clip_value, clip_value)
