"""Regularization helpers: an L1 penalty, and parameter groups built from a model
in one call (weight decay only where it helps, learning rates decaying with depth).

Weight decay (L2) itself is an optimizer option: ``weight_decay=`` adds
``weight_decay * p`` to the gradient (SGD, Adam, ...), while AdamW (and
``decoupled_weight_decay=True``) shrinks the weights directly, which is what
the usual recipes for transformers mean by "weight decay".
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..nn.modules.module import Module
from ..nn.modules.normalization import GroupNorm, LayerNorm, LocalResponseNorm, RMSNorm, _NormBase
from ..ops.creation import tensor
from ..tensor import Tensor

__all__ = ["l1_penalty", "param_groups"]

NORMALIZATION_LAYERS = (_NormBase, LayerNorm, GroupNorm, RMSNorm, LocalResponseNorm)


def l1_penalty(parameters: Iterable[Tensor]) -> Tensor:
    """``sum(|p|)`` over all elements of ``parameters``: add ``lam * l1_penalty(...)`` to
    the loss to push weights to exactly zero (sparse models). Differentiable.

    Shapes: any parameters -> ``()``.

    Examples:
        >>> import neurarust as nr
        >>> nr.optim.l1_penalty([nr.tensor([1.0, -2.0]), nr.tensor([[0.5]])])
        tensor(3.5000)
    """
    total: Tensor | None = None
    for p in parameters:
        term = p.abs().sum()
        total = term if total is None else total + term
    return tensor(0.0) if total is None else total


def _decays(module: Module, name: str) -> bool:
    """Whether weight decay should apply to the parameter ``name`` of ``module``:
    weights of ordinary layers yes; biases and normalization layers' scales no."""
    return name != "bias" and not isinstance(module, NORMALIZATION_LAYERS)


def param_groups(
    model: Module,
    weight_decay: float,
    *,
    lr: float | None = None,
    layer_decay: float | None = None,
) -> list[dict[str, Any]]:
    """Parameter groups for an optimizer, built from ``model``.

    - Weight decay ``weight_decay`` applies to the weights of ordinary layers;
      biases and the parameters of normalization layers get ``weight_decay=0``
      (decaying them only hurts: they set scales and offsets, not capacity).
    - With ``layer_decay`` (e.g. 0.75; needs ``lr``), each top-level child of
      ``model`` (in registration order: the depth) trains at
      ``lr * layer_decay ** (depth_of_last - depth)``: the head at ``lr``, earlier
      layers ever slower, the usual recipe for fine-tuning a pretrained network.
      Parameters directly on ``model`` count as the first layer.

    Groups without parameters are left out. Pass the result to any optimizer.

    Examples:
        >>> import neurarust as nr
        >>> model = nr.nn.Sequential(nr.nn.Linear(4, 4), nr.nn.LayerNorm(4), nr.nn.Linear(4, 2))
        >>> groups = nr.optim.param_groups(model, weight_decay=0.01, lr=1e-3, layer_decay=0.5)
        >>> [(len(g["params"]), g["weight_decay"], g["lr"]) for g in groups]
        [(1, 0.01, 0.00025), (1, 0.0, 0.00025), (2, 0.0, 0.0005), (1, 0.01, 0.001), (1, 0.0, 0.001)]
        >>> optimizer = nr.optim.AdamW(groups)
    """
    if layer_decay is not None and lr is None:
        raise ValueError("param_groups: layer_decay needs lr (the learning rate of the last layer)")
    layers = [model, *model.children()]
    depth_of_last = max(len(layers) - 1, 1)
    groups: dict[tuple[int, bool], dict[str, Any]] = {}
    seen: set[int] = set()  # a module shared by two layers joins the first one
    for depth, layer in enumerate(layers):
        depth = max(depth, 1)  # the model's own parameters join the first layer
        modules = [model] if layer is model else list(layer.modules())
        for module in modules:
            for name, p in module.named_parameters(recurse=False):
                if not p.requires_grad or id(p) in seen:
                    continue
                seen.add(id(p))
                decays = _decays(module, name)
                if (depth, decays) not in groups:
                    group = {"params": [], "weight_decay": weight_decay if decays else 0.0}
                    if lr is not None:
                        group["lr"] = lr * (layer_decay or 1.0) ** (depth_of_last - depth)
                    groups[depth, decays] = group
                groups[depth, decays]["params"].append(p)
    return [groups[key] for key in sorted(groups, key=lambda k: (k[0], not k[1]))]
