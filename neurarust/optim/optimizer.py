"""The ``Optimizer`` base class: parameter groups, per-parameter state, checkpoints, hooks.

An optimizer holds **parameter groups**: dicts with a ``"params"`` list and the
options (``lr``, ``weight_decay``, ...) that apply to those parameters, so one
optimizer can train the body of a network at one learning rate and its head at
another. ``state[p]`` holds what the algorithm remembers about parameter ``p``
between steps (momentum buffers, running averages, the step count).

A subclass passes its option defaults to ``__init__`` and writes ``step()``.
``step`` updates the parameters **in place on their backend arrays**
(``p._data``), with ``xp`` = ``p.backend.xp`` (NumPy or CuPy): no autograd graph
is built and nothing is allocated per step beyond the temporaries the formula
needs. Every subclass's ``step`` runs under ``no_grad`` with the step hooks
around it; :meth:`Optimizer._evaluate` runs a closure with gradients on.
"""

from __future__ import annotations

import functools
import warnings
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from ..autograd.grad_mode import enable_grad, no_grad
from ..tensor import RemovableHandle, Tensor

__all__ = ["Optimizer"]

StepHook = Callable[..., Any]


def _with_step_hooks(step: Callable[..., Any]) -> Callable[..., Any]:
    """``step`` run under ``no_grad``, between the optimizer's pre- and post-hooks."""

    @functools.wraps(step)
    def hooked_step(self: Optimizer, *args: Any, **kwargs: Any) -> Any:
        if self._stepping:  # a subclass's step calling super().step(): hooks run once
            return step(self, *args, **kwargs)
        for hook in list(self._step_pre_hooks):
            result = hook(self, args, kwargs)
            if result is not None:
                if not (isinstance(result, tuple) and len(result) == 2):
                    raise RuntimeError(
                        "optimizer step pre-hook must return None or a tuple of "
                        f"(new_args, new_kwargs), but got {result!r}"
                    )
                args, kwargs = result
        self._stepping = True
        try:
            with no_grad():
                out = step(self, *args, **kwargs)
        finally:
            self._stepping = False
        for hook in list(self._step_post_hooks):
            hook(self, args, kwargs)
        return out

    return hooked_step


class Optimizer:
    """Base class of every optimizer.

    Args:
        params: an iterable of Tensors, or of dicts each holding ``"params"``
            (the Tensors of one group) and options that override ``defaults``
            for that group.
        defaults: the options of a group that does not set them.

    Examples:
        >>> import neurarust as nr
        >>> model = nr.nn.Linear(3, 1)
        >>> opt = nr.optim.SGD(
        ...     [{"params": [model.weight]}, {"params": [model.bias], "lr": 0.5}], lr=0.1
        ... )
        >>> [group["lr"] for group in opt.param_groups]
        [0.1, 0.5]
    """

    def __init__(self, params: Iterable[Any], defaults: dict[str, Any]) -> None:
        self.defaults = defaults
        self.state: defaultdict[Tensor, dict[str, Any]] = defaultdict(dict)
        self.param_groups: list[dict[str, Any]] = []
        self._step_pre_hooks: list[StepHook] = []
        self._step_post_hooks: list[StepHook] = []
        self._stepping = False
        if isinstance(params, Tensor):
            raise TypeError(
                f"{type(self).__name__}: params should be an iterable of Tensors or dicts, "
                "but got a Tensor"
            )
        groups = list(params)
        if not groups:
            raise ValueError(f"{type(self).__name__} got an empty parameter list")
        if not isinstance(groups[0], dict):
            groups = [{"params": groups}]
        for group in groups:
            self.add_param_group(group)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "step" in vars(cls):
            cls.step = _with_step_hooks(vars(cls)["step"])  # type: ignore[method-assign]

    # --- groups and gradients --------------------------------------------------------------

    def add_param_group(self, param_group: dict[str, Any]) -> None:
        """Add a group of parameters, with options that override the defaults
        (e.g. a new layer unfrozen during fine-tuning, at its own learning rate)."""
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {type(param_group).__name__}")
        params = param_group["params"]
        if isinstance(params, Tensor):
            params = [params]
        elif isinstance(params, set):
            raise TypeError(
                "optimizer parameters need to be organized in ordered collections, but the "
                "ordering of tensors in sets will change between runs. Please use a list instead."
            )
        params = list(params)
        for p in params:
            if not isinstance(p, Tensor):
                raise TypeError(
                    f"optimizer can only optimize Tensors, but one of the params is "
                    f"{type(p).__name__}"
                )
            if not p.is_leaf:
                raise ValueError("can't optimize a non-leaf Tensor")
        if len({id(p) for p in params}) != len(params):
            warnings.warn(
                "optimizer contains a parameter group with duplicate parameters; "
                "in future, this will cause an error",
                UserWarning,
                stacklevel=3,
            )
        group = {**self.defaults, **param_group, "params": params}
        seen = {id(p) for g in self.param_groups for p in g["params"]}
        if any(id(p) in seen for p in params):
            raise ValueError("some parameters appear in more than one parameter group")
        self.param_groups.append(group)

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Forget the gradients: set them to ``None`` (the default, which frees their
        memory) or fill them with zeros."""
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                if set_to_none:
                    p.grad = None
                else:
                    if p.grad.grad_fn is not None:
                        p.grad = p.grad.detach()
                    p.grad.zero_()

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Update the parameters once from their gradients; returns ``closure()``'s loss
        if a closure (which re-evaluates the model and calls ``backward``) is given."""
        raise NotImplementedError(f"{type(self).__name__} does not implement step()")

    @staticmethod
    def _params_with_grad(group: dict[str, Any]) -> Iterator[Tensor]:
        """The group's parameters that have a gradient, each counted as changed in place
        (its version goes up, as after any in-place op) since ``step`` writes to it."""
        for p in group["params"]:
            if p.grad is not None:
                p._version[0] += 1
                yield p

    @staticmethod
    def _evaluate(closure: Callable[[], Any] | None) -> Any:
        """``closure()`` with gradients recorded (``step`` itself runs under ``no_grad``)."""
        if closure is None:
            return None
        with enable_grad():
            return closure()

    # --- hooks -----------------------------------------------------------------------------

    def register_step_pre_hook(self, hook: StepHook) -> RemovableHandle:
        """Call ``hook(optimizer, args, kwargs)`` before each ``step``; it may return
        ``(new_args, new_kwargs)`` to replace the step's arguments."""
        self._step_pre_hooks.append(hook)
        return RemovableHandle(self._step_pre_hooks, hook)

    def register_step_post_hook(self, hook: StepHook) -> RemovableHandle:
        """Call ``hook(optimizer, args, kwargs)`` after each ``step``."""
        self._step_post_hooks.append(hook)
        return RemovableHandle(self._step_post_hooks, hook)

    # --- checkpoints -----------------------------------------------------------------------

    def state_dict(self) -> dict[str, Any]:
        """The optimizer's state, in PyTorch's layout: ``{"state": {index: {...}},
        "param_groups": [{..., "params": [index, ...]}]}``, parameters numbered in
        group order. Save it with the model's ``state_dict`` to resume training."""
        index: dict[int, int] = {}
        groups = []
        for group in self.param_groups:
            packed = {k: v for k, v in group.items() if k != "params"}
            packed["params"] = [index.setdefault(id(p), len(index)) for p in group["params"]]
            groups.append(packed)
        state = {index[id(p)]: s for p, s in self.state.items() if id(p) in index}
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore a :meth:`state_dict` (ours or PyTorch's, tensors converted): group
        options and per-parameter state, copied so the checkpoint itself stays as it was.

        Floating-point state takes each parameter's dtype and device; the step count
        (``"step"``) is kept as saved. The groups must have the sizes of this
        optimizer's groups.
        """
        saved_groups = state_dict["param_groups"]
        if len(saved_groups) != len(self.param_groups):
            raise ValueError(
                f"{type(self).__name__}.load_state_dict: loaded state dict has "
                f"{len(saved_groups)} parameter groups, the optimizer has "
                f"{len(self.param_groups)}"
            )
        for k, (ours, saved) in enumerate(zip(self.param_groups, saved_groups)):
            if len(ours["params"]) != len(saved["params"]):
                raise ValueError(
                    f"{type(self).__name__}.load_state_dict: loaded parameter group {k} has "
                    f"{len(saved['params'])} parameters, the optimizer's has "
                    f"{len(ours['params'])}"
                )
        params_by_index = {
            index: p
            for ours, saved in zip(self.param_groups, saved_groups)
            for index, p in zip(saved["params"], ours["params"])
        }
        self.state = defaultdict(dict)
        for index, saved_state in state_dict["state"].items():
            p = params_by_index[index]
            self.state[p] = {key: _state_value(p, key, v) for key, v in saved_state.items()}
        self.param_groups = [
            {**_copy_options(saved), "params": ours["params"]}
            for ours, saved in zip(self.param_groups, saved_groups)
        ]

    def __repr__(self) -> str:
        lines = [f"{type(self).__name__} ("]
        for k, group in enumerate(self.param_groups):
            lines.append(f"Parameter Group {k}")
            lines += [f"    {key}: {group[key]}" for key in sorted(group) if key != "params"]
        return "\n".join(lines) + "\n)"


def _state_value(param: Tensor, key: str, value: Any) -> Any:
    """A copy of one saved state value for ``param``: tensors on its device, floating
    ones in its dtype, except the step count; lists and tuples element by element."""
    if isinstance(value, Tensor):
        if key != "step" and value.dtype.is_floating_point and param.dtype.is_floating_point:
            return value.to(device=param.device, dtype=param.dtype, copy=True)
        return value.to(device=param.device, copy=True)
    if isinstance(value, (list, tuple)):
        return type(value)(_state_value(param, key, v) for v in value)
    return value


def _copy_options(group: dict[str, Any]) -> dict[str, Any]:
    """A saved group's options (lists copied, so later changes do not reach the checkpoint)."""
    return {k: list(v) if isinstance(v, list) else v for k, v in group.items() if k != "params"}
