"""``Module``: the base class of every layer and model, as ``torch.nn.Module``.

A module owns three ordered tables, filled by attribute assignment:

- ``_parameters``: :class:`~neurarust.nn.Parameter` objects (learned),
- ``_buffers``: plain tensors that are state but not learned (running means),
  some of them left out of the ``state_dict`` (``persistent=False``),
- ``_modules``: child modules, which makes modules a tree.

Everything else follows the tree: ``parameters()`` walks it, ``state_dict()``
names each tensor by its path (``"0.weight"``), ``train()``/``to()`` recurse.
``module(x)`` runs the registered forward pre-hooks, ``forward``, the forward
hooks, and wires the full backward hooks into the graph.
"""

from __future__ import annotations

import contextvars
import itertools
import warnings
from collections import OrderedDict, namedtuple
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from ... import dtypes
from ...autograd import grad_mode
from ...autograd.function import Function
from ...tensor import RemovableHandle, Tensor
from ..parameter import Buffer, Parameter, is_lazy

__all__ = ["Module"]

_EXTRA_STATE_KEY_SUFFIX = "_extra_state"
_HOOK_LISTS = (
    "_forward_pre_hooks",
    "_forward_hooks",
    "_backward_pre_hooks",
    "_backward_hooks",
    "_state_dict_pre_hooks",
    "_state_dict_hooks",
    "_load_state_dict_pre_hooks",
    "_load_state_dict_post_hooks",
)


def _typename(value: Any) -> str:
    """The type name PyTorch's messages use: ``neurarust.FloatTensor``, ``int``, ``foo.Bar``."""
    if isinstance(value, Tensor):
        return value.type()
    cls = type(value)
    module = cls.__module__
    return cls.__qualname__ if module == "builtins" else f"{module}.{cls.__qualname__}"


def _addindent(text: str, spaces: int) -> str:
    """Indent every line of ``text`` but the first by ``spaces``."""
    first, *rest = text.split("\n")
    if not rest:
        return text
    return first + "\n" + "\n".join(" " * spaces + line for line in rest)


class _IncompatibleKeys(namedtuple("IncompatibleKeys", ["missing_keys", "unexpected_keys"])):
    """What ``load_state_dict`` returns: the keys it missed and the keys it did not use."""

    __slots__ = ()

    def __repr__(self) -> str:
        if not self.missing_keys and not self.unexpected_keys:
            return "<All keys matched successfully>"
        return super().__repr__()

    __str__ = __repr__


class _Hook:
    """A registered hook and the flags it was registered with.

    Each registration is its own object, so removing one handle removes that
    registration only, even when the same function was registered twice.
    """

    __slots__ = ("fn", "with_kwargs", "always_call")

    def __init__(self, fn: Callable[..., Any], with_kwargs: bool, always_call: bool) -> None:
        self.fn = fn
        self.with_kwargs = with_kwargs
        self.always_call = always_call


def _add_hook(hooks: list[Any], hook: Any, prepend: bool = False) -> RemovableHandle:
    if prepend:
        hooks.insert(0, hook)
    else:
        hooks.append(hook)
    return RemovableHandle(hooks, hook)


# -- loading a state dict in two phases ---------------------------------------------------
# load_state_dict first checks every key and shape of the whole tree, queueing the
# writes; it performs them only when nothing failed, so a failed load changes nothing.
_pending_writes: contextvars.ContextVar[list[Callable[[], Any]] | None] = contextvars.ContextVar(
    "_pending_writes", default=None
)


def _write_when_loaded(write: Callable[[], Any]) -> None:
    """Run ``write`` once the running ``load_state_dict`` has checked everything.

    Outside ``load_state_dict`` (a direct ``_load_from_state_dict`` call), run it now.
    Lazy modules use it to materialize their parameters from a state dict.
    """
    pending = _pending_writes.get()
    if pending is None:
        write()
    else:
        pending.append(write)


# -- full backward hooks -----------------------------------------------------------------


class _BackwardHookFunction(Function):
    """Identity on tensors, whose backward hands the gradients to a ``_BackwardHook``.

    As in PyTorch, the outputs' side reports None for an output that got no
    gradient, and the inputs' side zeros for an input that got none.
    """

    @staticmethod
    def forward(ctx: Any, on_grads: Callable[..., Any], materialize: bool, *tensors: Tensor) -> Any:
        ctx.on_grads = on_grads
        ctx.set_materialize_grads(materialize)
        outputs = tuple(Tensor._make(t._data, t.device) for t in tensors)
        for out, t in zip(outputs, tensors):
            out._version = t._version  # new identities of the same tensors
        ctx.mark_non_differentiable(*[o for o, t in zip(outputs, tensors) if not t.requires_grad])
        return outputs

    @staticmethod
    def backward(ctx: Any, *grads: Any) -> Any:
        return (None, None, *ctx.on_grads(grads))


class _BackwardHook:
    """Runs a module's full backward (pre-)hooks for one call of the module.

    The call's tensor inputs and outputs pass through identity nodes. In the
    backward pass the output node sees ``grad_output`` first (backward pre-hooks
    run there), then the input node sees ``grad_input`` and runs the backward
    hooks with both, as PyTorch's ``BackwardHook`` does.
    """

    def __init__(self, module: Module, hooks: list[Any], pre_hooks: list[Any]) -> None:
        self.module = module
        self.hooks = list(hooks)
        self.pre_hooks = list(pre_hooks)
        self.n_inputs = 0
        self.input_positions: list[int] | None = None
        self.n_outputs = 0
        self.output_positions: list[int] = []
        self.grad_outputs: tuple[Any, ...] | None = None

    @staticmethod
    def _wrap(
        values: tuple[Any, ...], on_grads: Callable[..., Any], materialize: bool
    ) -> tuple[Any, list[int]]:
        """Pass the tensors of ``values`` through one identity node (if any needs grad)."""
        positions = [i for i, v in enumerate(values) if isinstance(v, Tensor)]
        tensors = [values[i] for i in positions]
        if not grad_mode.is_grad_enabled() or not any(t.requires_grad for t in tensors):
            return values, []
        wrapped = _BackwardHookFunction.apply(on_grads, materialize, *tensors)
        out = list(values)
        for i, t in zip(positions, wrapped):
            out[i] = t
        return tuple(out), positions

    @staticmethod
    def _pack(positions: list[int], grads: tuple[Any, ...], size: int) -> tuple[Any, ...]:
        """Gradients at their argument positions, None for the other arguments."""
        packed: list[Any] = [None] * size
        for i, g in zip(positions, grads):
            packed[i] = g
        return tuple(packed)

    def setup_input_hook(self, args: tuple[Any, ...]) -> tuple[Any, ...]:
        self.n_inputs = len(args)
        wrapped, positions = self._wrap(args, self._on_grad_inputs, True)
        self.input_positions = positions or None
        return wrapped

    def setup_output_hook(self, result: Any) -> Any:
        single = isinstance(result, Tensor)
        outputs = (result,) if single else result
        if not isinstance(outputs, tuple):
            return result  # other structures (dicts...) are not hooked, as in PyTorch
        self.n_outputs = len(outputs)
        wrapped, self.output_positions = self._wrap(outputs, self._on_grad_outputs, False)
        return wrapped[0] if single else wrapped

    def _on_grad_outputs(self, grads: tuple[Any, ...]) -> tuple[Any, ...]:
        grad_outputs = self._pack(self.output_positions, grads, self.n_outputs)
        for hook in self.pre_hooks:
            result = hook(self.module, grad_outputs)
            if result is None:
                continue
            result = tuple(result) if isinstance(result, (tuple, list)) else (result,)
            if len(result) != len(grad_outputs):
                raise RuntimeError(
                    f"Backward pre hook returned an invalid number of grad_output, got "
                    f"{len(result)}, but expected {len(grad_outputs)}"
                )
            grad_outputs = result
        self.grad_outputs = grad_outputs
        if self.input_positions is None:  # no input requires grad: the hooks run now
            warnings.warn(
                "Full backward hook is firing when gradients are computed with respect to module "
                "outputs since no inputs require gradients.",
                stacklevel=2,
            )
            self._run_hooks((None,) * self.n_inputs, no_input_grad=True)
        return tuple(grad_outputs[i] for i in self.output_positions)

    def _on_grad_inputs(self, grads: tuple[Any, ...]) -> tuple[Any, ...]:
        assert self.input_positions is not None
        if self.grad_outputs is None:  # the outputs got no gradient: nothing to report
            return grads
        grad_inputs = self._run_hooks(self._pack(self.input_positions, grads, self.n_inputs))
        return tuple(grad_inputs[i] for i in self.input_positions)

    def _run_hooks(
        self, grad_inputs: tuple[Any, ...], no_input_grad: bool = False
    ) -> tuple[Any, ...]:
        for hook in self.hooks:
            result = hook(self.module, grad_inputs, self.grad_outputs)
            if result is None:
                continue
            result = tuple(result) if isinstance(result, (tuple, list)) else (result,)
            if no_input_grad:
                if any(g is not None for g in result):
                    raise RuntimeError(
                        "Backward hook for Modules where no input requires gradient should "
                        "always return None or None for all gradients."
                    )
                continue
            if len(result) != len(grad_inputs):
                raise RuntimeError(
                    f"Backward hook returned an invalid number of grad_input, got "
                    f"{len(result)}, but expected {len(grad_inputs)}"
                )
            grad_inputs = result
        self.grad_outputs = None
        return grad_inputs


def _forward_unimplemented(self: Module, *args: Any, **kwargs: Any) -> Any:
    """The computation of the module; subclasses define ``forward``."""
    raise NotImplementedError(
        f'Module [{type(self).__name__}] is missing the required "forward" function'
    )


class Module:
    """Base class of all layers and models.

    Subclass it, create parameters and child modules in ``__init__`` (after
    ``super().__init__()``), and write ``forward``; call the module, not
    ``forward``, so hooks run.

    Examples:
        >>> import neurarust as nr
        >>> class Affine(nr.nn.Module):
        ...     def __init__(self, n):
        ...         super().__init__()
        ...         self.scale = nr.nn.Parameter(nr.ones(n))
        ...         self.register_buffer("shift", nr.zeros(n))
        ...     def forward(self, x):
        ...         return x * self.scale + self.shift
        >>> m = Affine(2)
        >>> [name for name, _ in m.named_parameters()], list(m.state_dict())
        (['scale'], ['scale', 'shift'])
    """

    _version: int = 1
    training: bool
    _parameters: dict[str, Parameter | None]
    _buffers: dict[str, Tensor | None]
    _non_persistent_buffers_set: set[str]
    _modules: dict[str, Module | None]
    call_super_init: bool = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if not self.call_super_init and kwargs:
            raise TypeError(
                f"{type(self).__name__}.__init__() got an unexpected keyword argument "
                f"'{next(iter(kwargs))}'"
            )
        if not self.call_super_init and args:
            raise TypeError(
                f"{type(self).__name__}.__init__() takes 1 positional argument but "
                f"{len(args) + 1} were given"
            )
        setattr_ = object.__setattr__
        setattr_(self, "training", True)
        setattr_(self, "_parameters", {})
        setattr_(self, "_buffers", {})
        setattr_(self, "_non_persistent_buffers_set", set())
        setattr_(self, "_modules", {})
        for hooks in _HOOK_LISTS:
            setattr_(self, hooks, [])
        if self.call_super_init:
            super().__init__(*args, **kwargs)

    # Typed as a callable attribute so subclasses may give forward any signature.
    forward: Callable[..., Any] = _forward_unimplemented

    # -- registration ---------------------------------------------------------------

    def _check_new_name(self, name: Any, kind: str, table: dict[str, Any]) -> None:
        """PyTorch's checks of a name about to be registered as ``kind``."""
        if not isinstance(name, str):
            raise TypeError(f"{kind} name should be a string. Got {_typename(name)}")
        if "." in name:
            raise KeyError(f'{kind} name can\'t contain "."')
        if name == "":
            raise KeyError(f'{kind} name can\'t be empty string ""')
        if hasattr(self, name) and name not in table:
            raise KeyError(f"attribute '{name}' already exists")

    def register_buffer(self, name: str, tensor: Tensor | None, persistent: bool = True) -> None:
        """Add a buffer: state saved in the ``state_dict`` (unless ``persistent=False``)
        and moved by ``to()``, but not a parameter. ``None`` reserves the name."""
        if "_buffers" not in self.__dict__:
            raise AttributeError("cannot assign buffer before Module.__init__() call")
        self._check_new_name(name, "buffer", self._buffers)
        if tensor is not None and not isinstance(tensor, Tensor):
            raise TypeError(
                f"cannot assign '{_typename(tensor)}' object to buffer '{name}' "
                "(neurarust Tensor or None required)"
            )
        self._buffers[name] = tensor
        if persistent:
            self._non_persistent_buffers_set.discard(name)
        else:
            self._non_persistent_buffers_set.add(name)

    def register_parameter(self, name: str, param: Parameter | None) -> None:
        """Add a parameter (``None`` reserves the name, as ``bias=False`` layers do)."""
        if "_parameters" not in self.__dict__:
            raise AttributeError("cannot assign parameter before Module.__init__() call")
        self._check_new_name(name, "parameter", self._parameters)
        if param is not None and not isinstance(param, Parameter):
            raise TypeError(
                f"cannot assign '{_typename(param)}' object to parameter '{name}' "
                "(neurarust.nn.Parameter or None required)"
            )
        if param is not None and param.grad_fn is not None:
            raise ValueError(
                f"Cannot assign non-leaf Tensor to parameter '{name}'. Model parameters must be "
                f"created explicitly. To express '{name}' as a function of another Tensor, "
                "compute the value in the forward() method."
            )
        self._parameters[name] = param

    def add_module(self, name: str, module: Module | None) -> None:
        """Add a child module, reachable as ``self.<name>``."""
        if module is not None and not isinstance(module, Module):
            raise TypeError(f"{_typename(module)} is not a Module subclass")
        if not isinstance(name, str):
            raise TypeError(f"module name should be a string. Got {_typename(name)}")
        if hasattr(self, name) and name not in self._modules:
            raise KeyError(f"attribute '{name}' already exists")
        if "." in name:
            raise KeyError(f'module name can\'t contain ".", got: {name}')
        if name == "":
            raise KeyError('module name can\'t be empty string ""')
        self._modules[name] = module

    def register_module(self, name: str, module: Module | None) -> None:
        """Alias of :meth:`add_module`."""
        self.add_module(name, module)

    def _forget(self, name: str, *tables: Any) -> None:
        """Remove ``name`` from ``__dict__`` and the given tables, before it is re-registered."""
        self.__dict__.pop(name, None)
        for table in tables:
            if isinstance(table, set):
                table.discard(name)
            else:
                table.pop(name, None)

    def __setattr__(self, name: str, value: Any) -> None:
        params = self.__dict__.get("_parameters")
        if isinstance(value, Parameter):
            if params is None:
                raise AttributeError("cannot assign parameters before Module.__init__() call")
            self._forget(name, self._buffers, self._modules, self._non_persistent_buffers_set)
            self.register_parameter(name, value)
            return
        if params is not None and name in params:
            if value is not None:
                raise TypeError(
                    f"cannot assign '{_typename(value)}' as parameter '{name}' "
                    "(neurarust.nn.Parameter or None expected)"
                )
            self.register_parameter(name, value)
            return
        modules = self.__dict__.get("_modules")
        if isinstance(value, Module):
            if modules is None:
                raise AttributeError("cannot assign module before Module.__init__() call")
            self._forget(name, params, self._buffers, self._non_persistent_buffers_set)
            modules[name] = value
            return
        if modules is not None and name in modules:
            if value is not None:
                raise TypeError(
                    f"cannot assign '{_typename(value)}' as child module '{name}' "
                    "(neurarust.nn.Module or None expected)"
                )
            modules[name] = value
            return
        buffers = self.__dict__.get("_buffers")
        if isinstance(value, Buffer) or (buffers is not None and name in buffers):
            if value is not None and not isinstance(value, Tensor):
                raise TypeError(
                    f"cannot assign '{_typename(value)}' as buffer '{name}' "
                    "(neurarust.nn.Buffer, neurarust.Tensor or None expected)"
                )
            if isinstance(value, Buffer):
                persistent = value.persistent
            else:
                persistent = name not in self._non_persistent_buffers_set
            self.register_buffer(name, value, persistent)
            return
        object.__setattr__(self, name, value)

    def __getattr__(self, name: str) -> Any:
        # Only called when normal lookup fails: parameters, buffers and children
        # live in their tables, not in __dict__.
        d = self.__dict__
        for table in ("_parameters", "_buffers", "_modules"):
            entries = d.get(table)
            if entries is not None and name in entries:
                return entries[name]
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def __delattr__(self, name: str) -> None:
        if name in self._parameters:
            del self._parameters[name]
        elif name in self._buffers:
            del self._buffers[name]
            self._non_persistent_buffers_set.discard(name)
        elif name in self._modules:
            del self._modules[name]
        else:
            object.__delattr__(self, name)

    def __dir__(self) -> list[str]:
        keys = [
            *dir(type(self)),
            *self.__dict__,
            *self._parameters,
            *self._modules,
            *self._buffers,
        ]
        return sorted(k for k in set(keys) if not k[0].isdigit())

    # -- walking the tree -----------------------------------------------------------

    def named_modules(
        self, memo: set[Module] | None = None, prefix: str = "", remove_duplicate: bool = True
    ) -> Iterator[tuple[str, Module]]:
        """This module and all below it, depth first, with dotted names (each once)."""
        if memo is None:
            memo = set()
        if self in memo:
            return
        if remove_duplicate:
            memo.add(self)
        yield prefix, self
        for name, module in self._modules.items():
            if module is None:
                continue
            child_prefix = prefix + ("." if prefix else "") + name
            yield from module.named_modules(memo, child_prefix, remove_duplicate)

    def modules(self) -> Iterator[Module]:
        """This module and all below it."""
        for _, module in self.named_modules():
            yield module

    def named_children(self) -> Iterator[tuple[str, Module]]:
        """The direct children with their names (each once)."""
        seen: set[Module] = set()
        for name, module in self._modules.items():
            if module is not None and module not in seen:
                seen.add(module)
                yield name, module

    def children(self) -> Iterator[Module]:
        """The direct children."""
        for _, module in self.named_children():
            yield module

    def _named_members(
        self,
        table: str,
        prefix: str,
        recurse: bool,
        remove_duplicate: bool,
    ) -> Iterator[tuple[str, Any]]:
        """Entries of ``table`` ("_parameters"/"_buffers") over the tree, named by path."""
        seen: set[int] = set()
        modules = (
            self.named_modules(prefix=prefix, remove_duplicate=remove_duplicate)
            if recurse
            else [(prefix, self)]
        )
        for module_prefix, module in modules:
            for name, value in getattr(module, table).items():
                if value is None or id(value) in seen:
                    continue
                if remove_duplicate:
                    seen.add(id(value))
                yield module_prefix + ("." if module_prefix else "") + name, value

    def named_parameters(
        self, prefix: str = "", recurse: bool = True, remove_duplicate: bool = True
    ) -> Iterator[tuple[str, Parameter]]:
        """Parameters with dotted names; a shared one once unless ``remove_duplicate=False``."""
        return self._named_members("_parameters", prefix, recurse, remove_duplicate)

    def parameters(self, recurse: bool = True) -> Iterator[Parameter]:
        """The parameters (of the whole tree unless ``recurse=False``)."""
        for _, param in self.named_parameters(recurse=recurse):
            yield param

    def named_buffers(
        self, prefix: str = "", recurse: bool = True, remove_duplicate: bool = True
    ) -> Iterator[tuple[str, Tensor]]:
        """Buffers with their dotted names (non-persistent ones included)."""
        return self._named_members("_buffers", prefix, recurse, remove_duplicate)

    def buffers(self, recurse: bool = True) -> Iterator[Tensor]:
        """The buffers (of the whole tree unless ``recurse=False``)."""
        for _, buf in self.named_buffers(recurse=recurse):
            yield buf

    def get_submodule(self, target: str) -> Module:
        """The module at dotted path ``target`` (``""`` is this module)."""
        if target == "":
            return self
        module: Any = self
        for item in target.split("."):
            if not hasattr(module, item):
                raise AttributeError(module._get_name() + " has no attribute `" + item + "`")
            module = getattr(module, item)
            if not isinstance(module, Module):
                raise AttributeError("`" + item + "` is not an nn.Module")
        return module

    def set_submodule(self, target: str, module: Module, strict: bool = False) -> None:
        """Put ``module`` at dotted path ``target``, replacing the module there.

        The parent must exist; with ``strict=True`` the module being replaced must too.
        """
        if target == "":
            raise ValueError("Cannot set the submodule without a target name!")
        if not isinstance(module, Module):
            raise ValueError(f"`module` is not an nn.Module, found {type(module)}")
        parent_path, _, name = target.rpartition(".")
        parent = self.get_submodule(parent_path)
        if strict and not hasattr(parent, name):
            raise AttributeError(parent._get_name() + " has no attribute `" + name + "`")
        if hasattr(parent, name) and not isinstance(getattr(parent, name), Module):
            raise AttributeError("`" + name + "` is not an nn.Module")
        setattr(parent, name, module)

    def _owner_and_name(self, target: str) -> tuple[Module, str]:
        module_path, _, name = target.rpartition(".")
        module = self.get_submodule(module_path)
        if not hasattr(module, name):
            raise AttributeError(module._get_name() + " has no attribute `" + name + "`")
        return module, name

    def get_parameter(self, target: str) -> Parameter:
        """The parameter at dotted path ``target`` (``"0.weight"``)."""
        module, name = self._owner_and_name(target)
        param = getattr(module, name)
        if not isinstance(param, Parameter):
            raise AttributeError("`" + name + "` is not an nn.Parameter")
        return param

    def get_buffer(self, target: str) -> Tensor:
        """The buffer at dotted path ``target`` (``"bn.running_mean"``)."""
        module, name = self._owner_and_name(target)
        if name not in module._buffers:
            raise AttributeError("`" + name + "` is not a buffer")
        return getattr(module, name)

    # -- modes and bulk changes -----------------------------------------------------

    def train(self, mode: bool = True) -> Module:
        """Set training mode (``mode=True``) or evaluation mode on the whole tree."""
        if not isinstance(mode, bool):
            raise ValueError("training mode is expected to be boolean")
        self.training = mode
        for module in self.children():
            module.train(mode)
        return self

    def eval(self) -> Module:
        """Evaluation mode: ``train(False)`` (dropout off, norms use running statistics)."""
        return self.train(False)

    def apply(self, fn: Callable[[Module], None]) -> Module:
        """Call ``fn`` on every child (recursively), then on this module; returns ``self``.

        The usual way to initialize weights: ``model.apply(init_weights)``.
        """
        for module in self.children():
            module.apply(fn)
        fn(self)
        return self

    def requires_grad_(self, requires_grad: bool = True) -> Module:
        """Set ``requires_grad`` of every parameter (freeze with ``False``)."""
        for param in self.parameters():
            param.requires_grad_(requires_grad)
        return self

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Reset the gradients of all parameters: to None (default) or to zeros."""
        for param in self.parameters():
            grad = param.grad
            if grad is None:
                continue
            if set_to_none:
                param.grad = None
            else:
                if grad.grad_fn is not None:
                    grad.detach_()
                else:
                    grad.requires_grad_(False)
                grad.zero_()

    def _apply(self, fn: Callable[[Tensor], Tensor], recurse: bool = True) -> Module:
        """Replace every parameter's and buffer's values by ``fn`` of them.

        Parameters keep their identity (their storage is swapped, as PyTorch
        does through ``.data``), so optimizers built before ``to()`` still hold
        them; their gradients are converted the same way. Buffers are replaced.
        """
        if recurse:
            for module in self.children():
                module._apply(fn)
        with grad_mode.no_grad():
            for param in self._parameters.values():
                if param is None:
                    continue
                param.data = fn(param)
                if param._grad is not None:
                    param._grad.data = fn(param._grad)
            for name, buf in self._buffers.items():
                if buf is not None:
                    self._buffers[name] = fn(buf)
        return self

    def to(self, *args: Any, **kwargs: Any) -> Module:
        """Move and/or cast parameters and buffers in place: ``to(device)``,
        ``to(dtype)``, ``to(device, dtype)``, ``to(tensor)`` (its device and dtype);
        keywords ``device``, ``dtype``, ``non_blocking`` (accepted, has no effect).

        Only floating-point tensors change dtype; integer buffers keep theirs.
        """
        from ...ops.conversion import _parse_to_args

        dev, dtype, _ = _parse_to_args(args, dict(kwargs))
        if dtype is not None:
            dtype = dtypes.to_dtype(dtype)
            if not dtype.is_floating_point:
                raise TypeError(
                    "nn.Module.to only accepts floating point or complex dtypes, but got "
                    f"desired dtype={dtype}"
                )

        def convert(t: Tensor) -> Tensor:
            return t.to(dev, dtype if t.is_floating_point() else None)

        return self._apply(convert)

    def cpu(self) -> Module:
        """Move every parameter and buffer to the CPU."""
        return self._apply(lambda t: t.cpu())

    def cuda(self, device: Any = None) -> Module:
        """Move every parameter and buffer to a CUDA device (``cuda:0`` unless given)."""
        return self._apply(lambda t: t.cuda(device))

    def type(self, dst_type: Any) -> Module:
        """Cast every parameter and buffer (integer ones too) to ``dst_type``."""
        return self._apply(lambda t: t.type(dst_type))

    def _cast_floats(self, dtype: dtypes.dtype) -> Module:
        return self._apply(lambda t: t.to(dtype) if t.is_floating_point() else t)

    def float(self) -> Module:
        """Cast floating-point parameters and buffers to float32."""
        return self._cast_floats(dtypes.float32)

    def double(self) -> Module:
        """Cast floating-point parameters and buffers to float64."""
        return self._cast_floats(dtypes.float64)

    def half(self) -> Module:
        """Cast floating-point parameters and buffers to float16."""
        return self._cast_floats(dtypes.float16)

    def to_empty(self, *, device: Any, recurse: bool = True) -> Module:
        """Move parameters and buffers to ``device`` without copying their values."""
        from ...ops.creation import empty_like

        return self._apply(lambda t: empty_like(t, device=device), recurse=recurse)

    # -- calling --------------------------------------------------------------------

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if (
            self._forward_pre_hooks
            or self._forward_hooks
            or self._backward_hooks
            or self._backward_pre_hooks
        ):
            return self._call_with_hooks(args, kwargs)
        return self.forward(*args, **kwargs)

    def _call_with_hooks(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        result = None
        called: set[int] = set()  # the always_call hooks already run
        try:
            for hook in list(self._forward_pre_hooks):
                args, kwargs = self._run_pre_hook(hook, args, kwargs)
            backward_hook = None
            if self._backward_hooks or self._backward_pre_hooks:
                backward_hook = _BackwardHook(self, self._backward_hooks, self._backward_pre_hooks)
                args = backward_hook.setup_input_hook(args)
            result = self.forward(*args, **kwargs)
            for hook in list(self._forward_hooks):
                if hook.always_call:
                    called.add(id(hook))
                result = self._run_forward_hook(hook, args, kwargs, result)
            if backward_hook is not None:
                if not isinstance(result, (Tensor, tuple)):
                    warnings.warn(
                        "For backward hooks to be called, module output should be a Tensor or "
                        f"a tuple of Tensors but received {type(result)}",
                        stacklevel=3,
                    )
                result = backward_hook.setup_output_hook(result)
            return result
        except Exception:
            for hook in list(self._forward_hooks):
                if hook.always_call and id(hook) not in called:
                    try:
                        result = self._run_forward_hook(hook, args, kwargs, result)
                    except Exception as error:
                        warnings.warn(
                            "module forward hook with ``always_call=True`` raised an exception "
                            f"that was silenced as another error was raised in forward: {error}",
                            stacklevel=3,
                        )
            raise

    def _run_pre_hook(
        self, hook: _Hook, args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> tuple[tuple[Any, ...], dict[str, Any]]:
        if hook.with_kwargs:
            result = hook.fn(self, args, kwargs)
            if result is None:
                return args, kwargs
            if not (isinstance(result, tuple) and len(result) == 2):
                raise RuntimeError(
                    "forward pre-hook must return None or a tuple of (new_args, new_kwargs), "
                    f"but got {result}."
                )
            return result[0], result[1]
        result = hook.fn(self, args)
        if result is None:
            return args, kwargs
        return (result if isinstance(result, tuple) else (result,)), kwargs

    def _run_forward_hook(
        self, hook: _Hook, args: tuple[Any, ...], kwargs: dict[str, Any], result: Any
    ) -> Any:
        if hook.with_kwargs:
            new = hook.fn(self, args, kwargs, result)
        else:
            new = hook.fn(self, args, result)
        return result if new is None else new

    # -- hooks ------------------------------------------------------------------------

    def register_forward_pre_hook(
        self,
        hook: Callable[..., Any],
        *,
        prepend: bool = False,
        with_kwargs: bool = False,
    ) -> RemovableHandle:
        """Call ``hook(module, args)`` before each ``forward``.

        It may return new positional args (a tuple, or a single value). With
        ``with_kwargs=True`` it is called as ``hook(module, args, kwargs)`` and may
        return ``(args, kwargs)``. ``prepend=True`` runs it before the others.
        """
        return _add_hook(self._forward_pre_hooks, _Hook(hook, with_kwargs, False), prepend)

    def register_forward_hook(
        self,
        hook: Callable[..., Any],
        *,
        prepend: bool = False,
        with_kwargs: bool = False,
        always_call: bool = False,
    ) -> RemovableHandle:
        """Call ``hook(module, args, output)`` after each ``forward``.

        It may return a replacement output. With ``with_kwargs=True`` it is called
        as ``hook(module, args, kwargs, output)``. ``always_call=True`` also runs it
        (with output None) when ``forward`` raises.
        """
        return _add_hook(self._forward_hooks, _Hook(hook, with_kwargs, always_call), prepend)

    def register_full_backward_pre_hook(
        self, hook: Callable[..., Any], prepend: bool = False
    ) -> RemovableHandle:
        """Call ``hook(module, grad_output)`` when the gradients of the outputs are known.

        ``grad_output`` is a tuple (one entry per output); the hook may return a
        replacement tuple.
        """
        return _add_hook(self._backward_pre_hooks, hook, prepend)

    def register_full_backward_hook(
        self, hook: Callable[..., Any], prepend: bool = False
    ) -> RemovableHandle:
        """Call ``hook(module, grad_input, grad_output)`` when the gradients of the inputs
        are computed.

        Both are tuples with one entry per positional input/output (None where no
        gradient flows); the hook may return a replacement ``grad_input``. If no
        input requires grad, the hook runs with ``grad_input`` all None.
        """
        return _add_hook(self._backward_hooks, hook, prepend)

    def register_state_dict_pre_hook(self, hook: Callable[..., Any]) -> RemovableHandle:
        """Call ``hook(module, prefix, keep_vars)`` before ``state_dict`` gathers this module."""
        return _add_hook(self._state_dict_pre_hooks, hook)

    def register_state_dict_post_hook(self, hook: Callable[..., Any]) -> RemovableHandle:
        """Call ``hook(module, state_dict, prefix, local_metadata)`` after ``state_dict``
        gathered this module; it edits ``state_dict`` in place."""
        return _add_hook(self._state_dict_hooks, hook)

    def register_load_state_dict_pre_hook(self, hook: Callable[..., Any]) -> RemovableHandle:
        """Call ``hook(module, state_dict, prefix, local_metadata, strict, missing_keys,
        unexpected_keys, error_msgs)`` before this module loads its entries."""
        return self._register_load_state_dict_pre_hook(hook, with_module=True)

    def _register_load_state_dict_pre_hook(
        self, hook: Callable[..., Any], with_module: bool = False
    ) -> RemovableHandle:
        if with_module:
            module = self

            def bound(*args: Any) -> Any:
                return hook(module, *args)

            return _add_hook(self._load_state_dict_pre_hooks, bound)
        return _add_hook(self._load_state_dict_pre_hooks, hook)

    def register_load_state_dict_post_hook(self, hook: Callable[..., Any]) -> RemovableHandle:
        """Call ``hook(module, incompatible_keys)`` after ``load_state_dict`` (the hook may
        edit ``incompatible_keys.missing_keys`` / ``unexpected_keys`` in place)."""
        return _add_hook(self._load_state_dict_post_hooks, hook)

    # -- state dict -------------------------------------------------------------------

    def get_extra_state(self) -> Any:
        """Extra state for the ``state_dict`` (override with :meth:`set_extra_state`)."""
        raise RuntimeError(
            "Reached a code path in Module.get_extra_state() that should never be called."
        )

    def set_extra_state(self, state: Any) -> None:
        """Restore what :meth:`get_extra_state` returned."""
        raise RuntimeError(
            "Reached a code path in Module.set_extra_state() that should never be called."
        )

    def _save_to_state_dict(
        self, destination: dict[str, Any], prefix: str, keep_vars: bool
    ) -> None:
        """Put this module's own parameters and persistent buffers into ``destination``."""
        for name, param in self._parameters.items():
            if param is not None:
                destination[prefix + name] = param if keep_vars else param.detach()
        for name, buf in self._buffers.items():
            if buf is not None and name not in self._non_persistent_buffers_set:
                destination[prefix + name] = buf if keep_vars else buf.detach()
        if type(self).get_extra_state is not Module.get_extra_state:
            destination[prefix + _EXTRA_STATE_KEY_SUFFIX] = self.get_extra_state()

    def state_dict(
        self, *, destination: Any = None, prefix: str = "", keep_vars: bool = False
    ) -> Any:
        """All parameters and persistent buffers by dotted name, in an OrderedDict.

        Tensors are detached (they share storage with the module) unless
        ``keep_vars=True``. The dict's ``_metadata`` attribute maps each module's
        path to ``{"version": cls._version}``, for migrating old checkpoints.
        """
        if destination is None:
            destination = OrderedDict()
            destination._metadata = OrderedDict()
        local_metadata = {"version": self._version}
        if hasattr(destination, "_metadata"):
            destination._metadata[prefix[:-1]] = local_metadata
        for hook in self._state_dict_pre_hooks:
            hook(self, prefix, keep_vars)
        self._save_to_state_dict(destination, prefix, keep_vars)
        for name, module in self._modules.items():
            if module is not None:
                module.state_dict(
                    destination=destination, prefix=prefix + name + ".", keep_vars=keep_vars
                )
        for hook in self._state_dict_hooks:
            result = hook(self, destination, prefix, local_metadata)
            if result is not None:
                raise RuntimeError("state_dict post-hook must return None")
        return destination

    def _load_from_state_dict(
        self,
        state_dict: dict[str, Any],
        prefix: str,
        local_metadata: dict[str, Any],
        strict: bool,
        missing_keys: list[str],
        unexpected_keys: list[str],
        error_msgs: list[str],
    ) -> None:
        """Load this module's own entries of ``state_dict`` (keys start with ``prefix``).

        Subclasses override it to adapt old layouts (check
        ``local_metadata.get("version")``), then call ``super()``. Problems are
        appended to ``missing_keys``/``unexpected_keys``/``error_msgs``; the writes
        wait until ``load_state_dict`` has found no error.
        """
        for hook in self._load_state_dict_pre_hooks:
            hook(
                state_dict,
                prefix,
                local_metadata,
                strict,
                missing_keys,
                unexpected_keys,
                error_msgs,
            )
        persistent_buffers = {
            k: v for k, v in self._buffers.items() if k not in self._non_persistent_buffers_set
        }
        local_state = {
            k: v
            for k, v in itertools.chain(self._parameters.items(), persistent_buffers.items())
            if v is not None
        }
        assign = local_metadata.get("assign_to_params_buffers", False)
        for name, param in local_state.items():
            key = prefix + name
            if key not in state_dict:
                if strict:
                    missing_keys.append(key)
                continue
            value = state_dict[key]
            error = self._check_loaded_value(key, param, value)
            if error:
                error_msgs.append(error)
                continue
            if not is_lazy(param) and param.dim() == 0 and value.dim() == 1:
                value = value[0]  # checkpoints of old PyTorch versions saved scalars as [x]
            _write_when_loaded(self._loader(name, param, value, assign))
        extra_key = prefix + _EXTRA_STATE_KEY_SUFFIX
        if type(self).set_extra_state is not Module.set_extra_state:
            if extra_key in state_dict:
                extra = state_dict[extra_key]
                _write_when_loaded(lambda: self.set_extra_state(extra))
            elif strict:
                missing_keys.append(extra_key)
        elif strict and extra_key in state_dict:
            unexpected_keys.append(extra_key)
        if strict:
            for key in state_dict:
                if key.startswith(prefix) and key != extra_key:
                    head, *rest = key[len(prefix) :].split(".", 1)
                    if (rest and head not in self._modules) or (
                        not rest and head not in local_state
                    ):
                        unexpected_keys.append(key)

    @staticmethod
    def _check_loaded_value(key: str, param: Tensor, value: Any) -> str | None:
        """The error message for loading ``value`` into ``param``, or None if it fits."""
        if not isinstance(value, Tensor):
            return (
                f'While copying the parameter named "{key}", expected neurarust.Tensor or '
                f"Tensor-like object from checkpoint but received {type(value)}"
            )
        if is_lazy(param):
            return None
        shape = value.shape
        if param.dim() == 0 and value.dim() == 1:
            shape = shape[1:]
        if shape != param.shape:
            return (
                f"size mismatch for {key}: copying a param with shape {value.shape} from "
                f"checkpoint, the shape in current model is {param.shape}."
            )
        return None

    def _loader(self, name: str, param: Tensor, value: Tensor, assign: bool) -> Callable[[], None]:
        """The write that loads ``value`` into the parameter or buffer ``name``."""

        def write() -> None:
            with grad_mode.no_grad():
                if not assign:
                    param.copy_(value)
                    return
                new = value
                if isinstance(param, Parameter):
                    if isinstance(new, Parameter):
                        new.requires_grad_(param.requires_grad)
                    else:
                        new = Parameter(new, requires_grad=param.requires_grad)
                setattr(self, name, new)

        return write

    def load_state_dict(
        self, state_dict: Mapping[str, Any], strict: bool = True, assign: bool = False
    ) -> _IncompatibleKeys:
        """Copy parameters and buffers from ``state_dict`` (as made by :meth:`state_dict`).

        Args:
            state_dict: tensors by dotted name.
            strict: raise if keys are missing or unexpected. Default: True.
            assign: make the module's tensors the dict's tensors instead of copying
                into them (a Parameter stays a Parameter).

        Returns:
            ``(missing_keys, unexpected_keys)``, a named tuple.

        Raises:
            RuntimeError: listing the missing / unexpected keys (when ``strict``) and
                any size mismatch. Nothing is changed when it raises.
        """
        if not isinstance(state_dict, Mapping):
            raise TypeError(f"Expected state_dict to be dict-like, got {type(state_dict)}.")
        missing_keys: list[str] = []
        unexpected_keys: list[str] = []
        error_msgs: list[str] = []
        metadata = getattr(state_dict, "_metadata", None)
        state_dict = OrderedDict(state_dict)
        pending: list[Callable[[], Any]] = []
        token = _pending_writes.set(pending)
        try:
            self._load_tree(
                state_dict, "", metadata, assign, missing_keys, unexpected_keys, error_msgs
            )
        finally:
            _pending_writes.reset(token)
        incompatible = _IncompatibleKeys(missing_keys, unexpected_keys)
        hooks_ran = False
        if error_msgs or (strict and (missing_keys or unexpected_keys)):
            # The post hooks may forgive keys (edit the lists) before the verdict; they
            # see the module as it was, since nothing is written unless the load succeeds.
            self._run_load_post_hooks(incompatible)
            hooks_ran = True
            self._raise_load_errors(strict, missing_keys, unexpected_keys, error_msgs)
        for write in pending:
            write()
        if not hooks_ran:
            self._run_load_post_hooks(incompatible)
        return incompatible

    def _run_load_post_hooks(self, incompatible: _IncompatibleKeys) -> None:
        for module in self.modules():
            for hook in module._load_state_dict_post_hooks:
                if hook(module, incompatible) is not None:
                    raise RuntimeError("load_state_dict post-hook must return None")

    def _raise_load_errors(
        self,
        strict: bool,
        missing_keys: list[str],
        unexpected_keys: list[str],
        error_msgs: list[str],
    ) -> None:
        """Raise PyTorch's "Error(s) in loading state_dict" listing every problem, if any."""
        messages = list(error_msgs)
        if strict and unexpected_keys:
            keys = ", ".join(f'"{k}"' for k in unexpected_keys)
            messages.insert(0, f"Unexpected key(s) in state_dict: {keys}. ")
        if strict and missing_keys:
            keys = ", ".join(f'"{k}"' for k in missing_keys)
            messages.insert(0, f"Missing key(s) in state_dict: {keys}. ")
        if messages:
            raise RuntimeError(
                f"Error(s) in loading state_dict for {type(self).__name__}:\n\t"
                + "\n\t".join(messages)
            )

    def _load_tree(
        self,
        state_dict: dict[str, Any],
        prefix: str,
        metadata: Any,
        assign: bool,
        missing_keys: list[str],
        unexpected_keys: list[str],
        error_msgs: list[str],
    ) -> None:
        """Check (and queue the loading of) this module's entries, then its children's."""
        local_metadata = {} if metadata is None else dict(metadata.get(prefix[:-1], {}))
        if assign:
            local_metadata["assign_to_params_buffers"] = assign
        self._load_from_state_dict(
            state_dict, prefix, local_metadata, True, missing_keys, unexpected_keys, error_msgs
        )
        for name, child in self._modules.items():
            if child is not None:
                child_prefix = prefix + name + "."
                child_state = {k: v for k, v in state_dict.items() if k.startswith(child_prefix)}
                child._load_tree(
                    child_state,
                    child_prefix,
                    metadata,
                    assign,
                    missing_keys,
                    unexpected_keys,
                    error_msgs,
                )

    # -- printing -------------------------------------------------------------------

    def _get_name(self) -> str:
        return type(self).__name__

    def extra_repr(self) -> str:
        """The module's own settings, printed inside its repr (override it)."""
        return ""

    def __repr__(self) -> str:
        extra = self.extra_repr()
        extra_lines = extra.split("\n") if extra else []
        child_lines = [
            f"({name}): " + _addindent(repr(module), 2) for name, module in self._modules.items()
        ]
        lines = extra_lines + child_lines
        text = self._get_name() + "("
        if len(extra_lines) == 1 and not child_lines:
            text += extra_lines[0]
        elif lines:
            text += "\n  " + "\n  ".join(lines) + "\n"
        return text + ")"
