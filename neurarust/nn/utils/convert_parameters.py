"""All of a model's parameters as one flat vector, and back (as ``torch.nn.utils``).

Useful for algorithms that see the model as a point in R^n: line searches,
second-order methods, weight averaging, or measuring how far training moved.
"""

from __future__ import annotations

from collections.abc import Iterable

from ...ops.shape import cat
from ...tensor import Tensor

__all__ = ["parameters_to_vector", "vector_to_parameters"]


def _check_same_device(parameters: list[Tensor], vec: Tensor | None = None) -> None:
    """TypeError (PyTorch's) unless the parameters (and ``vec``) share one device."""
    devices = {p.device for p in parameters} | ({vec.device} if vec is not None else set())
    if len(devices) > 1:
        raise TypeError(
            "Found two parameters on different devices, this is currently not supported."
        )


def parameters_to_vector(parameters: Iterable[Tensor]) -> Tensor:
    """The parameters flattened and concatenated, in order (differentiable).

    Shapes: parameters of ``n_1, n_2, ...`` elements -> ``(n_1 + n_2 + ...,)``.

    Examples:
        >>> import neurarust as nr
        >>> layer = nr.nn.Linear(3, 2)
        >>> nr.nn.utils.parameters_to_vector(layer.parameters()).shape
        neurarust.Size([8])
    """
    parameters = list(parameters)
    _check_same_device(parameters)
    return cat([p.reshape(-1) for p in parameters])


def vector_to_parameters(vec: Tensor, parameters: Iterable[Tensor]) -> None:
    """Give the parameters the values of ``vec``, sliced in order (the inverse of
    :func:`parameters_to_vector`). Each parameter's ``data`` becomes a view of ``vec``.

    Shapes: vec ``(n_1 + n_2 + ...,)``, parameters of ``n_1, n_2, ...`` elements.

    Examples:
        >>> import neurarust as nr
        >>> layer = nr.nn.Linear(3, 2)
        >>> nr.nn.utils.vector_to_parameters(nr.zeros(8), layer.parameters())
        >>> layer.bias
        Parameter containing:
        tensor([0., 0.], requires_grad=True)
    """
    if not isinstance(vec, Tensor):
        raise TypeError(f"expected neurarust.Tensor, but got: {type(vec).__name__}")
    parameters = list(parameters)
    _check_same_device(parameters, vec)
    needed = sum(p.numel() for p in parameters)
    if vec.dim() != 1 or vec.numel() != needed:
        raise ValueError(
            f"vector_to_parameters: expected a vector of {needed} elements for the "
            f"parameters, got shape {tuple(vec.shape)}"
        )
    start = 0
    for p in parameters:
        p.data = vec[start : start + p.numel()].view_as(p).data
        start += p.numel()
