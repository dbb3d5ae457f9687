"""``LazyModuleMixin``: modules whose parameter shapes are inferred on the first call.

A lazy module (``LazyLinear``) starts with ``UninitializedParameter``
placeholders. A forward pre-hook calls its ``initialize_parameters(*input)``
on the first call, which materializes them from the input's shape and
initializes them; the hook then removes itself and the module's class becomes
``cls_to_become`` (``LazyLinear`` becomes ``Linear``). Loading a state dict
into a lazy module materializes its parameters with the saved shapes.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any

from ..parameter import is_lazy
from .module import Module, _write_when_loaded

# The mixin is always combined with Module; tell the type checker so.
if TYPE_CHECKING:
    _MixinBase = Module
else:
    _MixinBase = object

__all__ = ["LazyModuleMixin"]


class LazyModuleMixin(_MixinBase):
    """Mixin for modules that infer their parameters' shapes from the first input.

    Put it first among the bases (``class LazyLinear(LazyModuleMixin, Linear)``),
    create the parameters as ``UninitializedParameter()`` and implement
    ``initialize_parameters(*args, **kwargs)``: it receives the first call's
    arguments, calls ``param.materialize(shape)`` on each placeholder and
    initializes the values (usually through ``reset_parameters()``).

    Examples:
        >>> import neurarust as nr
        >>> from neurarust import nn
        >>> class LazyScale(nn.LazyModuleMixin, nn.Module):
        ...     def __init__(self):
        ...         super().__init__()
        ...         self.weight = nn.UninitializedParameter()
        ...     def initialize_parameters(self, x):
        ...         if self.has_uninitialized_params():
        ...             self.weight.materialize(x.shape[-1:])
        ...             nn.init.ones_(self.weight)
        ...     def forward(self, x):
        ...         return x * self.weight
        >>> m = LazyScale()
        >>> m(nr.randn(2, 5)).shape, m.weight.shape
        (neurarust.Size([2, 5]), neurarust.Size([5]))
    """

    cls_to_become: type[Any] | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._load_hook = self._register_load_state_dict_pre_hook(self._lazy_load_hook)
        self._initialize_hook = self.register_forward_pre_hook(
            self._infer_parameters, with_kwargs=True
        )

    def _save_to_state_dict(
        self, destination: dict[str, Any], prefix: str, keep_vars: bool
    ) -> None:
        # Placeholders are saved as they are (a detached copy would lose what they are).
        buffers = {
            k: v for k, v in self._buffers.items() if k not in self._non_persistent_buffers_set
        }
        for name, value in [*self._parameters.items(), *buffers.items()]:
            if value is not None:
                destination[prefix + name] = (
                    value if keep_vars or is_lazy(value) else value.detach()
                )

    def _lazy_load_hook(
        self,
        state_dict: dict[str, Any],
        prefix: str,
        local_metadata: dict[str, Any],
        strict: bool,
        missing_keys: list[str],
        unexpected_keys: list[str],
        error_msgs: list[str],
    ) -> None:
        """Materialize placeholders with the shapes of the initialized tensors loaded into them."""
        value: Any
        for name, value in [*self._parameters.items(), *self._buffers.items()]:
            key = prefix + name
            if value is None or key not in state_dict or not is_lazy(value):
                continue
            loaded = state_dict[key]
            if not is_lazy(loaded):
                shape = tuple(loaded._data.shape)
                _write_when_loaded(partial(value.materialize, shape))

    def initialize_parameters(self, *args: Any, **kwargs: Any) -> None:
        """Materialize and initialize the parameters from the first call's arguments."""
        raise NotImplementedError(
            f"initialize_parameters is not implemented for {type(self).__name__}"
        )

    def has_uninitialized_params(self) -> bool:
        """True while some parameter or buffer is still a placeholder."""
        return any(is_lazy(v) for v in [*self._parameters.values(), *self._buffers.values()])

    def _infer_parameters(
        self, module: Any, args: tuple[Any, ...], kwargs: dict[str, Any] | None = None
    ) -> None:
        """The forward pre-hook of the first call: initialize, then become the final class."""
        module.initialize_parameters(*args, **(kwargs or {}))
        if module.has_uninitialized_params():
            raise RuntimeError(f"module {self._get_name()} has not been fully initialized")
        module._initialize_hook.remove()
        module._load_hook.remove()
        del module._initialize_hook
        del module._load_hook
        if module.cls_to_become is not None:
            module.__class__ = module.cls_to_become
