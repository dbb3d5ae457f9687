"""``Parameter``: a Tensor that a :class:`~neurarust.nn.Module` registers as learnable.

Assigning a Parameter to a module attribute (``self.weight = Parameter(...)``)
adds it to ``module.parameters()`` and to the ``state_dict``. A Parameter
shares its storage with the tensor it wraps, requires a gradient by default,
and ops on it return plain Tensors, as in PyTorch.

``UninitializedParameter`` and ``UninitializedBuffer`` are placeholders that
lazy modules (``LazyLinear``) turn into real tensors on their first call, once
the input size is known. ``Buffer`` marks a tensor assigned to a module
attribute as a buffer (state that is saved but not learned).
"""

from __future__ import annotations

from typing import Any

from .. import dtypes
from ..device import DeviceLike
from ..tensor import Tensor

__all__ = ["Parameter", "UninitializedParameter", "UninitializedBuffer", "Buffer"]


def _alias(cls: Any, data: Tensor | None, requires_grad: bool) -> Any:
    """A ``cls`` instance sharing ``data``'s storage and version counter, cut from the graph."""
    if data is None:
        from ..ops.creation import empty

        data = empty(0)
    if not isinstance(data, Tensor):
        raise TypeError(f"{cls.__name__}: expected a Tensor as data, got {type(data).__name__}")
    made = cls._make(data._data, data.device)
    made._version = data._version
    made.requires_grad = requires_grad
    return made


class Parameter(Tensor):
    """A Tensor that is a learnable parameter of a module.

    Constructor arguments:

    - ``data``: the values (shared, not copied). Default: an empty tensor.
    - ``requires_grad``: whether the parameter requires a gradient. Default: True.

    Examples:
        >>> import neurarust as nr
        >>> p = nr.nn.Parameter(nr.zeros(2))
        >>> p
        Parameter containing:
        tensor([0., 0.], requires_grad=True)
        >>> type(p * 2).__name__
        'Tensor'
    """

    # No __slots__: as in PyTorch, users may tag parameters with their own attributes.

    def __new__(cls, data: Tensor | None = None, requires_grad: bool = True) -> Parameter:
        return _alias(cls, data, requires_grad)

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()


class _UninitializedMixin:
    """Shared by the uninitialized placeholders: ``materialize`` and a clear repr.

    ``materialize`` turns the placeholder into an instance of ``cls_to_become`` in
    place (the object keeps its identity, so optimizers and hooks holding it stay
    valid), as PyTorch does.
    """

    __slots__ = ()
    cls_to_become: type = Tensor

    def materialize(
        self,
        shape: int | tuple[int, ...] | list[int],
        device: DeviceLike | None = None,
        dtype: dtypes.dtype | None = None,
    ) -> None:
        """Give the placeholder storage of ``shape`` (uninitialized values)."""
        from ..ops.creation import empty

        tensor: Any = self
        if isinstance(shape, int):
            shape = (shape,)
        made = empty(
            tuple(shape),
            device=tensor.device if device is None else device,
            dtype=tensor.dtype if dtype is None else dtype,
        )
        tensor._data = made._data
        tensor.device = made.device
        tensor.__class__ = self.cls_to_become

    @property
    def shape(self) -> Any:
        raise RuntimeError(
            "Can't access the shape of an uninitialized parameter or buffer. This error "
            "usually happens in `load_state_dict` when trying to load an uninitialized "
            "parameter into an initialized one. Call `forward` to initialize the parameters "
            "before accessing their attributes."
        )

    def __repr__(self) -> str:
        return f"<{type(self).__name__}>"


class UninitializedParameter(_UninitializedMixin, Parameter):
    """A Parameter whose shape is not known yet (used by lazy modules).

    Constructor arguments:

    - ``requires_grad``: whether the materialized parameter requires a gradient.
    - ``device`` and ``dtype``: where and of which dtype it will be materialized.
    """

    cls_to_become = Parameter

    def __new__(
        cls,
        requires_grad: bool = True,
        device: DeviceLike | None = None,
        dtype: dtypes.dtype | None = None,
    ) -> UninitializedParameter:
        from ..ops.creation import empty

        return _alias(cls, empty(0, device=device, dtype=dtype), requires_grad)


class UninitializedBuffer(_UninitializedMixin, Tensor):
    """A buffer whose shape is not known yet (used by lazy modules).

    Constructor arguments:

    - ``requires_grad``: whether the materialized buffer requires a gradient.
    - ``device`` and ``dtype``: where and of which dtype it will be materialized.

    Unlike PyTorch it takes no ``persistent`` argument (it becomes a plain Tensor
    when materialized, which has no room for the flag): give persistence with
    ``module.register_buffer(name, UninitializedBuffer(), persistent=False)``.
    """

    __slots__ = ()

    def __new__(
        cls,
        requires_grad: bool = False,
        device: DeviceLike | None = None,
        dtype: dtypes.dtype | None = None,
    ) -> UninitializedBuffer:
        from ..ops.creation import empty

        return _alias(cls, empty(0, device=device, dtype=dtype), requires_grad)


class Buffer(Tensor):
    """Marks a tensor as a buffer when assigned to a module attribute.

    ``module.running_mean = Buffer(nr.zeros(3))`` does what
    ``module.register_buffer("running_mean", nr.zeros(3))`` does.

    Constructor arguments:

    - ``data``: the values (shared, not copied). Default: an empty tensor.
    - ``persistent``: whether the buffer is part of the module's ``state_dict``.
    """

    __slots__ = ("persistent",)
    persistent: bool

    def __new__(cls, data: Tensor | None = None, *, persistent: bool = True) -> Buffer:
        requires_grad = data is not None and isinstance(data, Tensor) and data.requires_grad
        made = _alias(cls, data, requires_grad)
        made.persistent = persistent
        return made


def is_lazy(param: Any) -> bool:
    """True for an ``UninitializedParameter``/``UninitializedBuffer`` not yet materialized."""
    return isinstance(param, _UninitializedMixin)
