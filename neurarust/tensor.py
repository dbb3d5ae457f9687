"""The Tensor: an n-dimensional array on a device, with autograd bookkeeping.

A Tensor holds a raw backend array (``_data``: numpy.ndarray or cupy.ndarray)
and the autograd fields: ``requires_grad``, ``grad``, ``grad_fn`` (the graph
node that produced it, None for leaves) and a version counter bumped by every
in-place change. The methods here are thin doors into :mod:`neurarust.ops`,
where the math of every op lives next to its backward.
"""

from __future__ import annotations

import builtins
import warnings
import weakref
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from . import dtypes
from .autograd import engine, function, grad_mode
from .device import Device, DeviceLike, device
from .memory_format import channels_last, is_channels_last


class Size(tuple):
    """A tensor shape: a tuple of ints with :meth:`numel` (PyTorch's ``torch.Size``)."""

    __slots__ = ()

    def numel(self) -> int:
        """The number of elements a tensor of this shape holds."""
        n = 1
        for s in self:
            n *= s
        return n

    def __getitem__(self, index: Any) -> Any:
        item = super().__getitem__(index)
        return Size(item) if isinstance(index, slice) else item

    def __add__(self, other: Any) -> Size:
        return Size(tuple(self) + tuple(other))

    def __repr__(self) -> str:
        return f"neurarust.Size({list(self)})"


class RemovableHandle:
    """Returned by ``register_hook``; ``handle.remove()`` unregisters the hook."""

    def __init__(self, hooks: list[Any], hook: Any) -> None:
        self._hooks = hooks
        self._hook = hook

    def remove(self) -> None:
        if self._hook in self._hooks:
            self._hooks.remove(self._hook)


class Tensor:
    """A multi-dimensional array with automatic differentiation.

    Make tensors with :func:`neurarust.tensor`, :func:`neurarust.zeros` and
    friends; ``Tensor(data)`` also works and gives the default float dtype.

    Examples:
        >>> import neurarust as nr
        >>> x = nr.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
        >>> y = (x * x).sum()
        >>> y.backward()
        >>> x.grad
        tensor([[2., 4.],
                [6., 8.]])
    """

    __slots__ = (
        "_data",
        "device",
        "_requires_grad",
        "_grad",
        "grad_fn",
        "_output_nr",
        "_version",
        "_base",
        "_accumulator",
        "_retains_grad",
        "__weakref__",
    )

    _data: Any
    device: Device
    grad_fn: Any
    _requires_grad: builtins.bool
    _grad: Tensor | None
    _output_nr: builtins.int
    _version: list[builtins.int]  # shared with views
    _base: Tensor | None
    _accumulator: Any
    _retains_grad: builtins.bool

    def __new__(cls, *data: Any, device: DeviceLike | None = None) -> Tensor:
        """``Tensor(data)`` copies ``data`` into a default-float tensor;
        ``Tensor(2, 3)`` makes an uninitialized one of that shape (PyTorch's legacy form).

        Args:
            *data: nested sequences / an array, or the sizes of a new tensor.
            device: where to put it (default: the CPU).
        """
        from .ops.creation import empty, tensor

        default = dtypes.get_default_dtype()
        if len(data) == 1 and not isinstance(data[0], (int, np.integer, Size)):
            made = tensor(data[0], dtype=default, device=device)
        elif data:  # Tensor(2, 3): PyTorch's legacy "uninitialized tensor of this size"
            made = empty(*data, dtype=default, device=device)
        else:
            made = tensor([], dtype=default, device=device)
        return cls._make(made._data, made.device)

    @classmethod
    def _make(
        cls,
        data: Any,
        dev: Device,
        requires_grad: builtins.bool = False,
        grad_fn: Any = None,
        output_nr: builtins.int = 0,
    ) -> Tensor:
        """Wrap a backend array without copying (the internal constructor).

        Every op output is made here, so the fields are set inline rather than
        through ``__init__`` (it saves a call on the hottest path).
        """
        t = object.__new__(cls)
        t._data = data
        t.device = dev
        t._requires_grad = requires_grad
        t._grad = None
        t.grad_fn = grad_fn
        t._output_nr = output_nr
        t._version = [0]  # shared by views, so in-place changes show through them
        t._base = None
        t._accumulator = None
        t._retains_grad = False
        return t

    @staticmethod
    def _dtype_of(np_dtype: Any) -> dtypes.dtype:
        return dtypes.from_numpy_dtype(np_dtype)

    # -- attributes -------------------------------------------------------------------

    @property
    def backend(self) -> Any:
        """The backend that computes on this tensor's device."""
        return self.device.backend

    @property
    def dtype(self) -> dtypes.dtype:
        return dtypes.from_numpy_dtype(self._data.dtype)

    @property
    def shape(self) -> Size:
        return Size(self._data.shape)

    def size(self, dim: builtins.int | None = None) -> Any:
        """The shape, or the length of dimension ``dim``."""
        if dim is None:
            return Size(self._data.shape)
        return self._data.shape[self._dim(dim, "size")]

    def dim(self) -> builtins.int:
        """The number of dimensions."""
        return self._data.ndim

    @property
    def ndim(self) -> builtins.int:
        return self._data.ndim

    def ndimension(self) -> builtins.int:
        return self._data.ndim

    def numel(self) -> builtins.int:
        """The number of elements."""
        return int(self._data.size)

    nelement = numel

    def element_size(self) -> builtins.int:
        """Bytes per element."""
        return int(self._data.itemsize)

    @property
    def itemsize(self) -> builtins.int:
        return int(self._data.itemsize)

    @property
    def nbytes(self) -> builtins.int:
        return int(self._data.nbytes)

    def stride(self, dim: builtins.int | None = None) -> Any:
        """Strides in elements (not bytes), as PyTorch reports them."""
        strides = tuple(s // self._data.itemsize for s in self._data.strides)
        return strides if dim is None else strides[self._dim(dim, "stride")]

    def storage_offset(self) -> builtins.int:
        """Elements between the start of the storage and this tensor's first element."""
        return _ops.strided.storage_offset(self._data, self.backend)

    def data_ptr(self) -> builtins.int:
        """The address of the first element (tensors that alias memory can be compared)."""
        return self.backend.data_pointer(self._data)

    def is_contiguous(self, memory_format: Any = None) -> builtins.bool:
        """True if the elements lie densely in row-major order, or in the order of
        ``memory_format`` (``neurarust.channels_last``: N, H, W, C for a 4-D NCHW tensor).
        """
        if memory_format is channels_last:
            return is_channels_last(self._data)
        return bool(self._data.flags.c_contiguous)

    def is_floating_point(self) -> builtins.bool:
        return self._data.dtype.kind == "f"

    @property
    def is_cuda(self) -> builtins.bool:
        return self.device.type == "cuda"

    @property
    def is_leaf(self) -> builtins.bool:
        """True for tensors made by the user (not by an op that recorded a graph)."""
        return self.grad_fn is None

    @property
    def requires_grad(self) -> builtins.bool:
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, value: builtins.bool) -> None:
        if self.grad_fn is not None:
            raise RuntimeError(
                "you can only change requires_grad flags of leaf variables. If you want to use "
                "a computed variable in a subgraph that doesn't require differentiation use "
                "var_no_grad = var.detach()."
            )
        if value and self._data.dtype.kind != "f":
            raise RuntimeError(
                "only Tensors of floating point dtype can require gradients "
                f"(this tensor is {self.dtype.name})"
            )
        self._requires_grad = bool(value)

    def requires_grad_(self, requires_grad: builtins.bool = True) -> Tensor:
        """Set ``requires_grad`` in place and return ``self``."""
        if requires_grad and self.grad_fn is not None:
            return self  # a non-leaf already requires grad: nothing to change
        self.requires_grad = requires_grad
        return self

    @property
    def grad(self) -> Tensor | None:
        """The accumulated gradient (leaves, and non-leaves after ``retain_grad()``)."""
        if self._grad is None and self.grad_fn is not None and not self._retains_grad:
            warnings.warn(
                "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. "
                "Its .grad attribute won't be populated during autograd.backward(). If you "
                "indeed want the .grad field to be populated for a non-leaf Tensor, use "
                ".retain_grad() on the non-leaf Tensor.",
                UserWarning,
                stacklevel=2,
            )
        return self._grad

    @grad.setter
    def grad(self, value: Tensor | None) -> None:
        if value is not None:
            if not isinstance(value, Tensor):
                raise TypeError(f"assigned grad expected to be a Tensor or None, got {value!r}")
            if value._data.shape != self._data.shape:
                raise RuntimeError(
                    f"assigned grad has data of a different size: expected "
                    f"{list(self.shape)}, got {list(value.shape)}"
                )
            if value.device is not self.device:
                raise RuntimeError(
                    f"assigned grad is on {value.device}, but the tensor is on {self.device}"
                )
            if value._data.dtype != self._data.dtype:
                raise RuntimeError(
                    f"assigned grad has dtype {value.dtype.name}, but the tensor is "
                    f"{self.dtype.name}: the gradient must match the tensor's dtype"
                )
        self._grad = value

    @property
    def retains_grad(self) -> builtins.bool:
        return self._retains_grad

    @property
    def data(self) -> Tensor:
        """This tensor's values as a new tensor outside the graph, sharing storage but not
        the version counter: as in PyTorch, autograd does not see changes made through it."""
        return Tensor._make(self._data, self.device)

    @data.setter
    def data(self, value: Tensor) -> None:
        self._data = value._data
        self.device = value.device

    @property
    def T(self) -> Tensor:  # noqa: N802
        """All dimensions reversed (PyTorch deprecates this for tensors that are not 2-D)."""
        if self._data.ndim != 2:
            warnings.warn(
                "The use of `x.T` on tensors of dimension other than 2 to reverse their shape "
                "is deprecated and it will throw an error in a future release. Consider `x.mT` "
                "to transpose batches of matrices or `x.permute(*nr.arange(x.ndim - 1, -1, -1))` "
                "to reverse the dimensions of a tensor.",
                UserWarning,
                stacklevel=2,
            )
        return self.permute(*range(self._data.ndim - 1, -1, -1))

    @property
    def mT(self) -> Tensor:  # noqa: N802
        """The last two dimensions swapped (batched matrix transpose)."""
        if self._data.ndim < 2:
            raise RuntimeError(
                "tensor.mT is only supported on matrices or batches of matrices. "
                f"Got {self.ndim}-D tensor."
            )
        return self.transpose(-2, -1)

    def _dim(self, dim: builtins.int, op: str) -> builtins.int:
        """Wrap a possibly negative ``dim``; IndexError naming ``op`` if out of range."""
        if self._data.ndim == 0:
            raise IndexError(f"{op}: Dimension specified as {dim} but tensor has no dimensions")
        n = self._data.ndim
        if not -n <= dim < n:
            raise IndexError(
                f"{op}: Dimension out of range (expected to be in range of [{-n}, {n - 1}], "
                f"but got {dim})"
            )
        return dim % n

    # -- host conversion ---------------------------------------------------------------

    def numpy(self, *, force: builtins.bool = False) -> np.ndarray:
        """The data as a NumPy array sharing memory (CPU tensors that need no grad).

        ``force=True`` detaches (and copies GPU data to the host) instead of raising.
        """
        if force:  # detached; still shares memory on the CPU, as in PyTorch
            return np.asarray(self.backend.to_host(self._data))
        if self._requires_grad:
            raise RuntimeError(
                "Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() "
                "instead."
            )
        if self.device.type != "cpu":
            raise TypeError(
                f"can't convert {self.device} device type tensor to numpy. Use Tensor.cpu() to "
                "copy the tensor to host memory first."
            )
        return self._data

    def item(self) -> Any:
        """The single value of a one-element tensor, as a Python number."""
        if self._data.size != 1:
            raise RuntimeError(
                f"a Tensor with {self._data.size} elements cannot be converted to Scalar"
            )
        return self.backend.to_host(self._data).reshape(()).item()

    def tolist(self) -> Any:
        """The data as (nested) Python lists of Python numbers."""
        return self.backend.to_host(self._data).tolist()

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        host = self.backend.to_host(self._data)
        return host if dtype is None else host.astype(dtype)

    def __len__(self) -> builtins.int:
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return int(self._data.shape[0])

    def __iter__(self) -> Iterator[Tensor]:
        if self._data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return iter(self.unbind(0))

    def __bool__(self) -> builtins.bool:
        if self._data.size != 1:
            raise RuntimeError("Boolean value of Tensor with more than one value is ambiguous")
        return bool(self.item())

    def _scalar(self) -> Any:
        """The one value, for float()/int()/complex(): ValueError if there are more."""
        if self._data.size != 1:
            raise ValueError("only one element tensors can be converted to Python scalars")
        return self.item()

    def __float__(self) -> float:
        return float(self._scalar())

    def __int__(self) -> builtins.int:
        return int(self._scalar())

    def __index__(self) -> builtins.int:
        if self._data.dtype.kind not in "iub" or self._data.size != 1:
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return int(self.item())

    def __complex__(self) -> complex:
        return complex(self._scalar())

    __hash__ = object.__hash__

    def __repr__(self) -> str:
        from ._format import format_tensor

        return format_tensor(self)

    def __reduce_ex__(self, protocol: Any) -> Any:
        from .ops.creation import _rebuild_tensor

        host = np.array(self.backend.to_host(self._data))
        return (_rebuild_tensor, (host, str(self.device), self._requires_grad))

    def __deepcopy__(self, memo: dict[builtins.int, Any]) -> Tensor:
        if self.grad_fn is not None:
            raise RuntimeError(
                "Only Tensors created explicitly by the user (graph leaves) support the "
                "deepcopy protocol at the moment."
            )
        new = type(self)._make(self._data.copy(), self.device, self._requires_grad)
        if self._grad is not None:
            new._grad = self._grad.__deepcopy__(memo)
        memo[id(self)] = new
        return new

    # -- devices and dtypes -------------------------------------------------------------

    def to(self, *args: Any, **kwargs: Any) -> Tensor:
        """Move and/or cast: ``to(device)``, ``to(dtype)``, ``to(device, dtype)``,
        ``to(other)`` (other's device and dtype); keywords ``device``, ``dtype``, ``copy``.

        Returns ``self`` when nothing changes (unless ``copy=True``). Differentiable.
        """
        from .ops.conversion import to

        return to(self, *args, **kwargs)

    def cpu(self) -> Tensor:
        """This tensor on the CPU (``self`` if it is there already)."""
        return self.to("cpu")

    def cuda(self, device: DeviceLike | None = None) -> Tensor:
        """This tensor on a CUDA device (``cuda:0`` unless given)."""
        return self.to("cuda" if device is None else device_of_cuda(device))

    def type_as(self, other: Tensor) -> Tensor:
        return self.to(other.dtype)

    def type(self, dtype: Any = None) -> Any:
        """With no argument, the type name (``"neurarust.FloatTensor"``); else cast."""
        if dtype is None:
            return f"neurarust.{_TYPE_NAMES[self.dtype.name]}"
        if isinstance(dtype, str) and dtype.startswith("neurarust."):
            names = {name: d for d, name in _TYPE_NAMES.items()}
            dtype = names.get(dtype[len("neurarust.") :], dtype)
        return self.to(dtypes.to_dtype(dtype))

    def float(self) -> Tensor:
        return self.to(dtypes.float32)

    def double(self) -> Tensor:
        return self.to(dtypes.float64)

    def half(self) -> Tensor:
        return self.to(dtypes.float16)

    def int(self) -> Tensor:
        return self.to(dtypes.int32)

    def long(self) -> Tensor:
        return self.to(dtypes.int64)

    def short(self) -> Tensor:
        return self.to(dtypes.int16)

    def char(self) -> Tensor:
        return self.to(dtypes.int8)

    def byte(self) -> Tensor:
        return self.to(dtypes.uint8)

    def bool(self) -> Tensor:
        return self.to(dtypes.bool)

    # -- autograd -----------------------------------------------------------------------

    def backward(
        self,
        gradient: Tensor | None = None,
        retain_graph: builtins.bool | None = None,
        create_graph: builtins.bool = False,
        inputs: Any = None,
    ) -> None:
        """Accumulate the gradient of this tensor into the ``.grad`` of the leaves.

        Args:
            gradient: d(something)/d(self), shaped like ``self``; omit for scalars.
            retain_graph: keep the graph for another backward (default: ``create_graph``).
            create_graph: build a graph of the backward pass (higher-order gradients).
            inputs: accumulate only into these tensors.
        """
        engine.backward(self, gradient, retain_graph, create_graph, inputs)

    def detach(self) -> Tensor:
        """A new tensor sharing this one's storage, cut from the graph."""
        out = Tensor._make(self._data, self.device)
        out._version = self._version
        return out

    def detach_(self) -> Tensor:
        """Cut this tensor from the graph in place, making it a leaf."""
        if self._base is not None:
            raise RuntimeError("Can't detach views in-place. Use detach() instead.")
        self.grad_fn = None
        self._requires_grad = False
        return self

    def retain_grad(self) -> None:
        """Keep ``.grad`` for this non-leaf tensor during backward."""
        if not self._requires_grad:
            raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
        if self.grad_fn is None or self._retains_grad:
            return
        self.register_hook(_GradRetainer(self))
        self._retains_grad = True

    def register_hook(self, hook: Callable[[Tensor], Tensor | None]) -> RemovableHandle:
        """Call ``hook(grad)`` when this tensor's gradient is computed.

        The hook may return a new gradient to use instead. Returns a handle
        whose ``remove()`` unregisters it.
        """
        if not self._requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        node, output_nr = self._gradient_edge()
        if node._hooks is None:
            node._hooks = {}
        hooks = node._hooks.setdefault(output_nr, [])
        if hooks and isinstance(hooks[-1], _GradRetainer):
            hooks.insert(len(hooks) - 1, hook)  # retain_grad sees the hooks' result
        else:
            hooks.append(hook)
        return RemovableHandle(hooks, hook)

    def _gradient_edge(self) -> tuple[Any, builtins.int]:
        """Where gradients for this tensor go: (grad_fn, output_nr) or the leaf's accumulator."""
        if self._base is not None:
            function._refresh_view(self)  # a view whose base was written since: re-read it
        if self.grad_fn is not None:
            return (self.grad_fn, self._output_nr)
        if self._accumulator is None:
            self._accumulator = function.AccumulateGrad(self)
        return (self._accumulator, 0)

    def _check_writable_alone(self, op: str, args: tuple[Any, ...]) -> None:
        """RuntimeError, as PyTorch, when an in-place write would see its own output:
        ``self`` repeats elements (an expanded tensor), or a dense input partly
        overlaps ``self`` (``x[1:].add_(x[:-1])``). Identical memory (``x.add_(x)``) is fine.
        """
        data = self._data
        if data.size == 0:
            return  # nothing is written (NumPy may give empty arrays zero strides)
        if any(stride == 0 and size > 1 for stride, size in zip(data.strides, data.shape)):
            raise RuntimeError(
                f"{op}_: unsupported operation: more than one element of the written-to tensor "
                "refers to a single memory location. Please clone() the tensor before "
                "performing the operation."
            )
        if not data.flags.c_contiguous:
            return  # PyTorch checks dense tensors only; strided overlap is left to the user
        start = self.backend.data_pointer(data)
        for other in args:
            if not isinstance(other, Tensor) or not other._data.flags.c_contiguous:
                continue
            other_start = self.backend.data_pointer(other._data)
            if other_start == start and other._data.nbytes == data.nbytes:
                continue
            if other_start < start + data.nbytes and start < other_start + other._data.nbytes:
                raise RuntimeError(
                    f"{op}_: unsupported operation: some elements of the input tensor and the "
                    "written-to tensor refer to a single memory location. Please clone() the "
                    "tensor before performing the operation."
                )

    def _inplace(self, op: Callable[..., Tensor], *args: Any, **kwargs: Any) -> Tensor:
        """Run ``op(self, *args)`` out of place and write the result into ``self``.

        When the graph is recorded, ``op`` sees a copy of the old value (so its
        backward uses the value before the write) and ``self`` takes over the
        result's place in the graph. The version counter is bumped, so a
        backward that saved the old value raises instead of using the new one.
        A recorded write into a view also changes its base: see ``_inplace_on_view``.
        """
        enabled = grad_mode._state.enabled
        recording = enabled and (
            self._requires_grad or any(isinstance(a, Tensor) and a._requires_grad for a in args)
        )
        if (
            self._base is not None
            and enabled
            and (recording or self._base._requires_grad)
            and self._data.dtype == self._base._data.dtype  # dtype views carry no gradient
        ):
            return self._inplace_on_view(self._base, op, args, kwargs)
        self._check_writable_alone(op.__name__, args)
        source = self
        if recording:
            if self.grad_fn is None and self._requires_grad:
                raise RuntimeError(
                    f"{op.__name__}_: a leaf Variable that requires grad is being used in an "
                    "in-place operation."
                )
            source = self._copy_in_graph()
        result = op(source, *args, **kwargs)
        self._check_inplace_result(op.__name__, result)
        self._data[...] = result._data
        self._version[0] += 1
        if recording:
            self._take_graph_place(result)
        return self

    def _inplace_on_view(
        self,
        base: Tensor,
        op: Callable[..., Tensor],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
    ) -> Tensor:
        """``_inplace`` on a view of ``base`` whose write is recorded (PyTorch's "CopySlices").

        The write changes the base too, so the base gets a new place in the graph:
        its new value is its old value with the view's new value written at the
        view's storage positions (``as_strided_scatter``). The view then reads
        itself out of that new value (``as_strided``). Other views of the base
        notice the version change and re-read themselves from the base when they
        are next used (``function._refresh_view``).
        """
        name = op.__name__
        if base._requires_grad and base.grad_fn is None:
            raise RuntimeError(
                f"{name}_: a view of a leaf Variable that requires grad is being used in an "
                "in-place operation."
            )
        self._check_writable_alone(name, args)
        function._refresh_view(self)
        result = op(self._copy_in_graph(), *args, **kwargs)
        self._check_inplace_result(name, result)
        layout = _ops.strided.layout(self._data, self.backend)
        new_base = _ops.as_strided_scatter(base, result, *layout)
        self._data[...] = result._data  # the base sees it: they share memory
        self._version[0] += 1  # shared by the base and all its views
        base._take_graph_place(new_base)
        self._take_graph_place(_ops.as_strided(base, *layout))
        return self

    def _copy_in_graph(self) -> Tensor:
        """A copy of this tensor's value at its place in the graph: what an in-place op reads."""
        return Tensor._make(
            self._data.copy(), self.device, self._requires_grad, self.grad_fn, self._output_nr
        )

    def _check_inplace_result(self, op: str, result: Tensor) -> None:
        """RuntimeError unless ``result`` can be written into ``self`` (same shape, castable)."""
        if result._data.shape != self._data.shape:
            raise RuntimeError(
                f"{op}_: output with shape {list(self.shape)} doesn't match the "
                f"broadcast shape {list(result.shape)}"
            )
        if result.dtype._category > self.dtype._category:
            raise RuntimeError(
                f"{op}_: result type {result.dtype.name} can't be cast to the desired "
                f"output type {self.dtype.name}"
            )

    def _take_graph_place(self, owner: Tensor) -> None:
        """Stand for ``owner`` in the graph from now on (after an in-place write).

        ``retain_grad()`` follows: ``.grad`` becomes the gradient of the new value.
        """
        retains = self._retains_grad
        if retains:
            self.grad_fn._hooks[self._output_nr].pop()  # the _GradRetainer, always last
            self._retains_grad = False
        self.grad_fn = owner.grad_fn
        self._output_nr = owner._output_nr
        self._requires_grad = owner._requires_grad
        if retains:
            self.retain_grad()

    # -- ops: thin doors into neurarust.ops (math and backward live there) --------------

    # elementwise

    def add(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.add(self, *args, **kwargs)

    def sub(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.sub(self, *args, **kwargs)

    def mul(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.mul(self, *args, **kwargs)

    def div(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.div(self, *args, **kwargs)

    def true_divide(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.true_divide(self, *args, **kwargs)

    def floor_divide(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.floor_divide(self, *args, **kwargs)

    def remainder(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.remainder(self, *args, **kwargs)

    def fmod(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.fmod(self, *args, **kwargs)

    def pow(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.pow(self, *args, **kwargs)

    def neg(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.neg(self, *args, **kwargs)

    def negative(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.negative(self, *args, **kwargs)

    def abs(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.abs(self, *args, **kwargs)

    def sign(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.sign(self, *args, **kwargs)

    def reciprocal(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.reciprocal(self, *args, **kwargs)

    def exp(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.exp(self, *args, **kwargs)

    def exp2(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.exp2(self, *args, **kwargs)

    def log(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.log(self, *args, **kwargs)

    def log2(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.log2(self, *args, **kwargs)

    def log10(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.log10(self, *args, **kwargs)

    def log1p(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.log1p(self, *args, **kwargs)

    def expm1(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.expm1(self, *args, **kwargs)

    def sqrt(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.sqrt(self, *args, **kwargs)

    def rsqrt(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.rsqrt(self, *args, **kwargs)

    def square(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.square(self, *args, **kwargs)

    def sin(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.sin(self, *args, **kwargs)

    def cos(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.cos(self, *args, **kwargs)

    def tan(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.tan(self, *args, **kwargs)

    def tanh(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.tanh(self, *args, **kwargs)

    def sigmoid(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.sigmoid(self, *args, **kwargs)

    def erf(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.erf(self, *args, **kwargs)

    def relu(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.relu(self, *args, **kwargs)

    def clamp(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.clamp(self, *args, **kwargs)

    def clip(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.clip(self, *args, **kwargs)

    def clamp_min(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.clamp_min(self, *args, **kwargs)

    def clamp_max(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.clamp_max(self, *args, **kwargs)

    def floor(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.floor(self, *args, **kwargs)

    def ceil(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.ceil(self, *args, **kwargs)

    def round(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.round(self, *args, **kwargs)

    def trunc(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.trunc(self, *args, **kwargs)

    def frac(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.frac(self, *args, **kwargs)

    def lerp(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.lerp(self, *args, **kwargs)

    def maximum(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.maximum(self, *args, **kwargs)

    def minimum(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.minimum(self, *args, **kwargs)

    def where(self, condition: Any, other: Any) -> Tensor:
        return _ops.where(condition, self, other)

    def eq(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.eq(self, *args, **kwargs)

    def ne(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.ne(self, *args, **kwargs)

    def lt(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.lt(self, *args, **kwargs)

    def le(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.le(self, *args, **kwargs)

    def gt(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.gt(self, *args, **kwargs)

    def ge(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.ge(self, *args, **kwargs)

    def logical_and(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.logical_and(self, *args, **kwargs)

    def logical_or(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.logical_or(self, *args, **kwargs)

    def logical_not(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.logical_not(self, *args, **kwargs)

    def logical_xor(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.logical_xor(self, *args, **kwargs)

    def bitwise_and(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.bitwise_and(self, *args, **kwargs)

    def bitwise_or(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.bitwise_or(self, *args, **kwargs)

    def bitwise_xor(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.bitwise_xor(self, *args, **kwargs)

    def bitwise_not(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.bitwise_not(self, *args, **kwargs)

    def isnan(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.isnan(self, *args, **kwargs)

    def isinf(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.isinf(self, *args, **kwargs)

    def isfinite(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.isfinite(self, *args, **kwargs)

    # reduction

    def sum(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.sum(self, *args, **kwargs)

    def mean(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.mean(self, *args, **kwargs)

    def prod(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.prod(self, *args, **kwargs)

    def max(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.max(self, *args, **kwargs)

    def min(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.min(self, *args, **kwargs)

    def amax(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.amax(self, *args, **kwargs)

    def amin(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.amin(self, *args, **kwargs)

    def argmax(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.argmax(self, *args, **kwargs)

    def argmin(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.argmin(self, *args, **kwargs)

    def var(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.var(self, *args, **kwargs)

    def std(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.std(self, *args, **kwargs)

    def var_mean(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.var_mean(self, *args, **kwargs)

    def std_mean(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.std_mean(self, *args, **kwargs)

    def norm(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.norm(self, *args, **kwargs)

    def logsumexp(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.logsumexp(self, *args, **kwargs)

    def all(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.all(self, *args, **kwargs)

    def any(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.any(self, *args, **kwargs)

    def cumsum(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.cumsum(self, *args, **kwargs)

    def cumprod(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.cumprod(self, *args, **kwargs)

    def softmax(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.softmax(self, *args, **kwargs)

    def log_softmax(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.log_softmax(self, *args, **kwargs)

    def sum_to_size(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.sum_to_size(self, *args, **kwargs)

    # shape

    def reshape(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.reshape(self, *args, **kwargs)

    def view(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.view(self, *args, **kwargs)

    def view_as(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.view_as(self, *args, **kwargs)

    def reshape_as(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.reshape_as(self, *args, **kwargs)

    def contiguous(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.contiguous(self, *args, **kwargs)

    def flatten(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.flatten(self, *args, **kwargs)

    def unflatten(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.unflatten(self, *args, **kwargs)

    def permute(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.permute(self, *args, **kwargs)

    def transpose(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.transpose(self, *args, **kwargs)

    def swapaxes(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.swapaxes(self, *args, **kwargs)

    def t(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.t(self, *args, **kwargs)

    def squeeze(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.squeeze(self, *args, **kwargs)

    def unsqueeze(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.unsqueeze(self, *args, **kwargs)

    def expand(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.expand(self, *args, **kwargs)

    def expand_as(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.expand_as(self, *args, **kwargs)

    def repeat(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.repeat(self, *args, **kwargs)

    def tile(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.tile(self, *args, **kwargs)

    def flip(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.flip(self, *args, **kwargs)

    def roll(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.roll(self, *args, **kwargs)

    def split(self, split_size: Any, dim: builtins.int = 0) -> Any:
        return _ops.split(self, split_size, dim)

    def chunk(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.chunk(self, *args, **kwargs)

    def unbind(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.unbind(self, *args, **kwargs)

    def clone(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.clone(self, *args, **kwargs)

    def movedim(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.movedim(self, *args, **kwargs)

    def moveaxis(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.moveaxis(self, *args, **kwargs)

    def swapdims(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.swapdims(self, *args, **kwargs)

    def narrow(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.narrow(self, *args, **kwargs)

    # linalg

    def matmul(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.matmul(self, *args, **kwargs)

    def mm(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.mm(self, *args, **kwargs)

    def bmm(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.bmm(self, *args, **kwargs)

    def addmm(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.addmm(self, *args, **kwargs)

    def outer(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.outer(self, *args, **kwargs)

    def dot(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.dot(self, *args, **kwargs)

    def mv(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.mv(self, *args, **kwargs)

    # gather and scatter

    def gather(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.gather(self, *args, **kwargs)

    def scatter(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.scatter(self, *args, **kwargs)

    def scatter_add(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.scatter_add(self, *args, **kwargs)

    def scatter_reduce(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.scatter_reduce(self, *args, **kwargs)

    def index_select(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.index_select(self, *args, **kwargs)

    def index_add(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.index_add(self, *args, **kwargs)

    def index_copy(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.index_copy(self, *args, **kwargs)

    def index_fill(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.index_fill(self, *args, **kwargs)

    def masked_fill(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.masked_fill(self, *args, **kwargs)

    def masked_select(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.masked_select(self, *args, **kwargs)

    def masked_scatter(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.masked_scatter(self, *args, **kwargs)

    def take(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.take(self, *args, **kwargs)

    def take_along_dim(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.take_along_dim(self, *args, **kwargs)

    def put(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.put(self, *args, **kwargs)

    def nonzero(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.nonzero(self, *args, **kwargs)

    def argwhere(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.argwhere(self, *args, **kwargs)

    def bincount(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.bincount(self, *args, **kwargs)

    def index_put(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.index_put(self, *args, **kwargs)

    # sorting and selection

    def sort(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.sort(self, *args, **kwargs)

    def argsort(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.argsort(self, *args, **kwargs)

    def topk(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.topk(self, *args, **kwargs)

    def kthvalue(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.kthvalue(self, *args, **kwargs)

    def median(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.median(self, *args, **kwargs)

    def nanmedian(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.nanmedian(self, *args, **kwargs)

    def mode(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.mode(self, *args, **kwargs)

    def unique(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.unique(self, *args, **kwargs)

    def unique_consecutive(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.unique_consecutive(self, *args, **kwargs)

    def msort(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.msort(self, *args, **kwargs)

    # comparison, structure and splitting

    def isclose(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.isclose(self, *args, **kwargs)

    def allclose(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.allclose(self, *args, **kwargs)

    def equal(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.equal(self, *args, **kwargs)

    def nan_to_num(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.nan_to_num(self, *args, **kwargs)

    def addcmul(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.addcmul(self, *args, **kwargs)

    def addcdiv(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.addcdiv(self, *args, **kwargs)

    def diff(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.diff(self, *args, **kwargs)

    def cross(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.cross(self, *args, **kwargs)

    def tril(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.tril(self, *args, **kwargs)

    def triu(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.triu(self, *args, **kwargs)

    def diag(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.diag(self, *args, **kwargs)

    def diagonal(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.diagonal(self, *args, **kwargs)

    def diagflat(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.diagflat(self, *args, **kwargs)

    def diag_embed(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.diag_embed(self, *args, **kwargs)

    def trace(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.trace(self, *args, **kwargs)

    def select(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.select(self, *args, **kwargs)

    def tensor_split(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.tensor_split(self, *args, **kwargs)

    def hsplit(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.hsplit(self, *args, **kwargs)

    def vsplit(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.vsplit(self, *args, **kwargs)

    def dsplit(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.dsplit(self, *args, **kwargs)

    # matrix functions (neurarust.linalg)

    def det(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.det(self, *args, **kwargs)

    def logdet(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.logdet(self, *args, **kwargs)

    def slogdet(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.slogdet(self, *args, **kwargs)

    def inverse(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.inverse(self, *args, **kwargs)

    def pinverse(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.pinverse(self, *args, **kwargs)

    def matrix_power(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.matrix_power(self, *args, **kwargs)

    def cholesky(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.cholesky(self, *args, **kwargs)

    def qr(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.qr(self, *args, **kwargs)

    def svd(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.svd(self, *args, **kwargs)

    # memory layout

    def as_strided_scatter(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.as_strided_scatter(self, *args, **kwargs)

    def as_strided(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.as_strided(self, *args, **kwargs)

    def unfold(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.strided.unfold(self, *args, **kwargs)

    # sampling

    def bernoulli(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.bernoulli(self, *args, **kwargs)

    def multinomial(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.multinomial(self, *args, **kwargs)

    # in-place variants: same op, result written into self

    def add_(self, other: Any, *, alpha: Any = 1) -> Tensor:
        if self._writes_directly(other, alpha):
            return self._arithmetic_in_place("add", other, alpha)
        return self._inplace(_ops.add, other, alpha=alpha)

    def sub_(self, other: Any, *, alpha: Any = 1) -> Tensor:
        if self._writes_directly(other, alpha):
            return self._arithmetic_in_place("sub", other, alpha)
        return self._inplace(_ops.sub, other, alpha=alpha)

    def mul_(self, other: Any) -> Tensor:
        if self._writes_directly(other):
            return self._arithmetic_in_place("mul", other)
        return self._inplace(_ops.mul, other)

    def div_(self, other: Any, *, rounding_mode: str | None = None) -> Tensor:
        if rounding_mode is None and self._writes_directly(other):
            return self._arithmetic_in_place("div", other)
        return self._inplace(_ops.div, other, rounding_mode=rounding_mode)

    def _writes_directly(self, other: Any, alpha: Any = 1) -> builtins.bool:
        """Whether ``self op= other`` may run as one NumPy/CuPy ufunc writing into
        ``self``'s memory: nothing is recorded, ``self`` is floating point and
        ``other`` is a number or a same-dtype tensor on its device that broadcasts
        to ``self``'s shape, so the result equals the general path's exactly.
        (Optimizer-style updates on large tensors; the general path computes out
        of place and then copies, two more passes over memory.)
        """
        data = self._data
        if data.dtype.kind != "f" or type(alpha) not in (int, float):
            return False
        if grad_mode._state.enabled and (
            self._requires_grad or (isinstance(other, Tensor) and other._requires_grad)
        ):
            return False
        if type(other) in (int, float):
            return True
        if not isinstance(other, Tensor) or other.device is not self.device:
            return False
        theirs = other._data
        return (
            theirs.dtype == data.dtype
            and theirs.ndim <= data.ndim
            and all(m in (1, n) for m, n in zip(reversed(theirs.shape), reversed(data.shape)))
        )

    def _arithmetic_in_place(self, op: str, other: Any, alpha: Any = 1) -> Tensor:
        """``self = self <op> alpha * other`` in ``self``'s own memory (``op``: add, sub,
        mul or div)."""
        self._check_writable_alone(op, (other,))
        value = other._data if isinstance(other, Tensor) else other
        if alpha != 1:
            value = value * alpha
        ufunc = getattr(self.backend.xp, _UFUNC_OF[op])
        ufunc(self._data, value, out=self._data)
        self._version[0] += 1
        return self

    def pow_(self, *args: Any, **kwargs: Any) -> Tensor:
        return self._inplace(_ops.pow, *args, **kwargs)

    def neg_(self, *args: Any, **kwargs: Any) -> Tensor:
        return self._inplace(_ops.neg, *args, **kwargs)

    def abs_(self, *args: Any, **kwargs: Any) -> Tensor:
        return self._inplace(_ops.abs, *args, **kwargs)

    def sign_(self, *args: Any, **kwargs: Any) -> Tensor:
        return self._inplace(_ops.sign, *args, **kwargs)

    def reciprocal_(self, *args: Any, **kwargs: Any) -> Tensor:
        return self._inplace(_ops.reciprocal, *args, **kwargs)

    def exp_(self, *args: Any, **kwargs: Any) -> Tensor:
        return self._inplace(_ops.exp, *args, **kwargs)

    def log_(self, *args: Any, **kwargs: Any) -> Tensor:
        return self._inplace(_ops.log, *args, **kwargs)

    def exp2_(self, *args: Any, **kwargs: Any) -> Tensor:
        return self._inplace(_ops.exp2, *args, **kwargs)

    def log2_(self, *args: Any, **kwargs: Any) -> Tensor:
        return self._inplace(_ops.log2, *args, **kwargs)

    def log10_(self, *args: Any, **kwargs: Any) -> Tensor:
        return self._inplace(_ops.log10, *args, **kwargs)

    def erf_(self, *args: Any, **kwargs: Any) -> Tensor:
        return self._inplace(_ops.erf, *args, **kwargs)

    def floor_divide_(self, *args: Any, **kwargs: Any) -> Tensor:
        return self._inplace(_ops.floor_divide, *args, **kwargs)

    def remainder_(self, *args: Any, **kwargs: Any) -> Tensor:
        return self._inplace(_ops.remainder, *args, **kwargs)

    def fmod_(self, *args: Any, **kwargs: Any) -> Tensor:
        return self._inplace(_ops.fmod, *args, **kwargs)

    def true_divide_(self, *args: Any, **kwargs: Any) -> Tensor:
        return self._inplace(_ops.true_divide, *args, **kwargs)

    def negative_(self, *args: Any, **kwargs: Any) -> Tensor:
        return self._inplace(_ops.negative, *args, **kwargs)

    def eq_(self, *args: Any, **kwargs: Any) -> Tensor:
        return self._inplace(_ops.eq, *args, **kwargs)

    def ne_(self, *args: Any, **kwargs: Any) -> Tensor:
        return self._inplace(_ops.ne, *args, **kwargs)

    def lt_(self, *args: Any, **kwargs: Any) -> Tensor:
        return self._inplace(_ops.lt, *args, **kwargs)

    def le_(self, *args: Any, **kwargs: Any) -> Tensor:
        return self._inplace(_ops.le, *args, **kwargs)

    def gt_(self, *args: Any, **kwargs: Any) -> Tensor:
        return self._inplace(_ops.gt, *args, **kwargs)

    def ge_(self, *args: Any, **kwargs: Any) -> Tensor:
        return self._inplace(_ops.ge, *args, **kwargs)

    def logical_and_(self, *args: Any, **kwargs: Any) -> Tensor:
        return self._inplace(_ops.logical_and, *args, **kwargs)

    def logical_or_(self, *args: Any, **kwargs: Any) -> Tensor:
        return self._inplace(_ops.logical_or, *args, **kwargs)

    def logical_xor_(self, *args: Any, **kwargs: Any) -> Tensor:
        return self._inplace(_ops.logical_xor, *args, **kwargs)

    def logical_not_(self, *args: Any, **kwargs: Any) -> Tensor:
        return self._inplace(_ops.logical_not, *args, **kwargs)

    def bitwise_and_(self, *args: Any, **kwargs: Any) -> Tensor:
        return self._inplace(_ops.bitwise_and, *args, **kwargs)

    def bitwise_or_(self, *args: Any, **kwargs: Any) -> Tensor:
        return self._inplace(_ops.bitwise_or, *args, **kwargs)

    def bitwise_xor_(self, *args: Any, **kwargs: Any) -> Tensor:
        return self._inplace(_ops.bitwise_xor, *args, **kwargs)

    def bitwise_not_(self, *args: Any, **kwargs: Any) -> Tensor:
        return self._inplace(_ops.bitwise_not, *args, **kwargs)

    def log1p_(self, *args: Any, **kwargs: Any) -> Tensor:
        return self._inplace(_ops.log1p, *args, **kwargs)

    def expm1_(self, *args: Any, **kwargs: Any) -> Tensor:
        return self._inplace(_ops.expm1, *args, **kwargs)

    def sqrt_(self, *args: Any, **kwargs: Any) -> Tensor:
        return self._inplace(_ops.sqrt, *args, **kwargs)

    def rsqrt_(self, *args: Any, **kwargs: Any) -> Tensor:
        return self._inplace(_ops.rsqrt, *args, **kwargs)

    def square_(self, *args: Any, **kwargs: Any) -> Tensor:
        return self._inplace(_ops.square, *args, **kwargs)

    def sin_(self, *args: Any, **kwargs: Any) -> Tensor:
        return self._inplace(_ops.sin, *args, **kwargs)

    def cos_(self, *args: Any, **kwargs: Any) -> Tensor:
        return self._inplace(_ops.cos, *args, **kwargs)

    def tan_(self, *args: Any, **kwargs: Any) -> Tensor:
        return self._inplace(_ops.tan, *args, **kwargs)

    def tanh_(self, *args: Any, **kwargs: Any) -> Tensor:
        return self._inplace(_ops.tanh, *args, **kwargs)

    def sigmoid_(self, *args: Any, **kwargs: Any) -> Tensor:
        return self._inplace(_ops.sigmoid, *args, **kwargs)

    def relu_(self, *args: Any, **kwargs: Any) -> Tensor:
        return self._inplace(_ops.relu, *args, **kwargs)

    def clamp_(self, *args: Any, **kwargs: Any) -> Tensor:
        return self._inplace(_ops.clamp, *args, **kwargs)

    def clip_(self, *args: Any, **kwargs: Any) -> Tensor:
        return self._inplace(_ops.clip, *args, **kwargs)

    def clamp_min_(self, *args: Any, **kwargs: Any) -> Tensor:
        return self._inplace(_ops.clamp_min, *args, **kwargs)

    def clamp_max_(self, *args: Any, **kwargs: Any) -> Tensor:
        return self._inplace(_ops.clamp_max, *args, **kwargs)

    def floor_(self, *args: Any, **kwargs: Any) -> Tensor:
        return self._inplace(_ops.floor, *args, **kwargs)

    def ceil_(self, *args: Any, **kwargs: Any) -> Tensor:
        return self._inplace(_ops.ceil, *args, **kwargs)

    def round_(self, *args: Any, **kwargs: Any) -> Tensor:
        return self._inplace(_ops.round, *args, **kwargs)

    def trunc_(self, *args: Any, **kwargs: Any) -> Tensor:
        return self._inplace(_ops.trunc, *args, **kwargs)

    def frac_(self, *args: Any, **kwargs: Any) -> Tensor:
        return self._inplace(_ops.frac, *args, **kwargs)

    def lerp_(self, *args: Any, **kwargs: Any) -> Tensor:
        return self._inplace(_ops.lerp, *args, **kwargs)

    def scatter_(self, *args: Any, **kwargs: Any) -> Tensor:
        return self._inplace(_ops.scatter, *args, **kwargs)

    def scatter_add_(self, *args: Any, **kwargs: Any) -> Tensor:
        return self._inplace(_ops.scatter_add, *args, **kwargs)

    def scatter_reduce_(self, *args: Any, **kwargs: Any) -> Tensor:
        return self._inplace(_ops.scatter_reduce, *args, **kwargs)

    def index_add_(self, *args: Any, **kwargs: Any) -> Tensor:
        return self._inplace(_ops.index_add, *args, **kwargs)

    def index_copy_(self, *args: Any, **kwargs: Any) -> Tensor:
        return self._inplace(_ops.index_copy, *args, **kwargs)

    def index_fill_(self, *args: Any, **kwargs: Any) -> Tensor:
        return self._inplace(_ops.index_fill, *args, **kwargs)

    def masked_fill_(self, *args: Any, **kwargs: Any) -> Tensor:
        return self._inplace(_ops.masked_fill, *args, **kwargs)

    def masked_scatter_(self, *args: Any, **kwargs: Any) -> Tensor:
        return self._inplace(_ops.masked_scatter, *args, **kwargs)

    def put_(self, *args: Any, **kwargs: Any) -> Tensor:
        return self._inplace(_ops.put, *args, **kwargs)

    def index_put_(self, *args: Any, **kwargs: Any) -> Tensor:
        return self._inplace(_ops.index_put, *args, **kwargs)

    def nan_to_num_(self, *args: Any, **kwargs: Any) -> Tensor:
        return self._inplace(_ops.nan_to_num, *args, **kwargs)

    def addcmul_(self, *args: Any, **kwargs: Any) -> Tensor:
        return self._inplace(_ops.addcmul, *args, **kwargs)

    def addcdiv_(self, *args: Any, **kwargs: Any) -> Tensor:
        return self._inplace(_ops.addcdiv, *args, **kwargs)

    def tril_(self, *args: Any, **kwargs: Any) -> Tensor:
        return self._inplace(_ops.tril, *args, **kwargs)

    def triu_(self, *args: Any, **kwargs: Any) -> Tensor:
        return self._inplace(_ops.triu, *args, **kwargs)

    # random fills: overwrite self with samples (no gradient flows through them)

    def bernoulli_(self, *args: Any, **kwargs: Any) -> Tensor:
        return _ops.sampling.bernoulli_(self, *args, **kwargs)

    def normal_(self, *args: Any, **kwargs: Any) -> Tensor:
        return _ops.sampling.normal_(self, *args, **kwargs)

    def uniform_(self, *args: Any, **kwargs: Any) -> Tensor:
        return _ops.sampling.uniform_(self, *args, **kwargs)

    def exponential_(self, *args: Any, **kwargs: Any) -> Tensor:
        return _ops.sampling.exponential_(self, *args, **kwargs)

    def random_(self, *args: Any, **kwargs: Any) -> Tensor:
        return _ops.sampling.random_(self, *args, **kwargs)

    def geometric_(self, *args: Any, **kwargs: Any) -> Tensor:
        return _ops.sampling.geometric_(self, *args, **kwargs)

    def log_normal_(self, *args: Any, **kwargs: Any) -> Tensor:
        return _ops.sampling.log_normal_(self, *args, **kwargs)

    def cauchy_(self, *args: Any, **kwargs: Any) -> Tensor:
        return _ops.sampling.cauchy_(self, *args, **kwargs)

    def zero_(self) -> Tensor:
        """Fill with zeros in place."""
        return self.fill_(0)

    def fill_(self, value: Any) -> Tensor:
        """Fill with ``value`` (a number or a 0-dimensional tensor) in place."""
        return self._inplace(_ops.fill, value)

    def copy_(self, src: Tensor) -> Tensor:
        """Copy ``src`` (broadcast, cast and moved as needed) into ``self`` in place."""
        return self._inplace(_ops.copy_into, src)

    # operators
    def __add__(self, other: Any) -> Tensor:
        return _ops.add(self, other)

    def __radd__(self, other: Any) -> Tensor:
        return _ops.add(other, self)

    def __iadd__(self, other: Any) -> Tensor:
        return self._inplace(_ops.add, other)

    def __sub__(self, other: Any) -> Tensor:
        return _ops.sub(self, other)

    def __rsub__(self, other: Any) -> Tensor:
        return _ops.sub(other, self)

    def __isub__(self, other: Any) -> Tensor:
        return self._inplace(_ops.sub, other)

    def __mul__(self, other: Any) -> Tensor:
        return _ops.mul(self, other)

    def __rmul__(self, other: Any) -> Tensor:
        return _ops.mul(other, self)

    def __imul__(self, other: Any) -> Tensor:
        return self._inplace(_ops.mul, other)

    def __truediv__(self, other: Any) -> Tensor:
        return _ops.div(self, other)

    def __rtruediv__(self, other: Any) -> Tensor:
        return _ops.div(other, self)

    def __itruediv__(self, other: Any) -> Tensor:
        return self._inplace(_ops.div, other)

    def __ifloordiv__(self, other: Any) -> Tensor:
        return self._inplace(_ops.floor_divide, other)

    def __imod__(self, other: Any) -> Tensor:
        return self._inplace(_ops.remainder, other)

    def __iand__(self, other: Any) -> Tensor:
        return self._inplace(_ops.bitwise_and, other)

    def __ior__(self, other: Any) -> Tensor:
        return self._inplace(_ops.bitwise_or, other)

    def __ixor__(self, other: Any) -> Tensor:
        return self._inplace(_ops.bitwise_xor, other)

    def __floordiv__(self, other: Any) -> Tensor:
        return _ops.floor_divide(self, other)

    def __rfloordiv__(self, other: Any) -> Tensor:
        return _ops.floor_divide(other, self)

    def __mod__(self, other: Any) -> Tensor:
        return _ops.remainder(self, other)

    def __rmod__(self, other: Any) -> Tensor:
        return _ops.remainder(other, self)

    def __pow__(self, other: Any) -> Tensor:
        return _ops.pow(self, other)

    def __rpow__(self, other: Any) -> Tensor:
        return _ops.pow(other, self)

    def __ipow__(self, other: Any) -> Tensor:
        return self._inplace(_ops.pow, other)

    def __matmul__(self, other: Any) -> Tensor:
        return _ops.matmul(self, other)

    def __rmatmul__(self, other: Any) -> Tensor:
        return _ops.matmul(other, self)

    def __neg__(self) -> Tensor:
        return _ops.neg(self)

    def __pos__(self) -> Tensor:
        if self._data.dtype == np.bool_:
            raise RuntimeError("The `+` operator, on a bool tensor is not supported.")
        return self

    def __abs__(self) -> Tensor:
        return _ops.abs(self)

    def __invert__(self) -> Tensor:
        if self._data.dtype.kind == "f":
            raise TypeError(
                "~ (operator.invert) is only implemented on integer and Boolean-type tensors"
            )
        return _ops.bitwise_not(self)

    def __and__(self, other: Any) -> Tensor:
        return _ops.bitwise_and(self, other)

    def __rand__(self, other: Any) -> Tensor:
        return _ops.bitwise_and(other, self)

    def __or__(self, other: Any) -> Tensor:
        return _ops.bitwise_or(self, other)

    def __ror__(self, other: Any) -> Tensor:
        return _ops.bitwise_or(other, self)

    def __xor__(self, other: Any) -> Tensor:
        return _ops.bitwise_xor(self, other)

    def __rxor__(self, other: Any) -> Tensor:
        return _ops.bitwise_xor(other, self)

    def __eq__(self, other: Any) -> Any:
        if not _is_operand(other):  # t == None is False, as in PyTorch
            return NotImplemented
        return _ops.eq(self, other)

    def __ne__(self, other: Any) -> Any:
        if not _is_operand(other):
            return NotImplemented
        return _ops.ne(self, other)

    def __lt__(self, other: Any) -> Tensor:
        return _ops.lt(self, other)

    def __le__(self, other: Any) -> Tensor:
        return _ops.le(self, other)

    def __gt__(self, other: Any) -> Tensor:
        return _ops.gt(self, other)

    def __ge__(self, other: Any) -> Tensor:
        return _ops.ge(self, other)

    def __getitem__(self, index: Any) -> Tensor:
        return _ops.getitem(self, index)

    def __setitem__(self, index: Any, value: Any) -> None:
        self._inplace(_ops.index_put, index, value)


_UFUNC_OF = {"add": "add", "sub": "subtract", "mul": "multiply", "div": "divide"}


def _is_operand(x: Any) -> bool:
    """True for what binary ops take besides a Tensor: Python and NumPy numbers."""
    return isinstance(x, (Tensor, int, float, bool, np.generic))


class _GradRetainer:
    """The hook ``retain_grad()`` registers: stores the gradient in ``tensor.grad``.

    It is kept last among the tensor's hooks, so it sees what they return, as in
    PyTorch.
    """

    def __init__(self, tensor: Tensor) -> None:
        self._owner = weakref.ref(tensor)

    def __call__(self, grad: Tensor) -> None:
        owner = self._owner()
        if owner is not None:
            g = grad if grad._requires_grad else grad.detach()
            owner._grad = g if owner._grad is None else owner._grad + g


def device_of_cuda(spec: DeviceLike) -> Device:
    """``cuda(1)``/``cuda("cuda:1")`` argument to a Device, insisting on CUDA."""
    dev = device(spec)
    if dev.type != "cuda":
        raise ValueError(f"cuda: expected a CUDA device, got {dev}")
    return dev


_TYPE_NAMES = {
    "bool": "BoolTensor",
    "uint8": "ByteTensor",
    "int8": "CharTensor",
    "int16": "ShortTensor",
    "int32": "IntTensor",
    "int64": "LongTensor",
    "float16": "HalfTensor",
    "float32": "FloatTensor",
    "float64": "DoubleTensor",
}

function.Tensor = Tensor
engine.Tensor = Tensor

from . import ops as _ops  # noqa: E402  (ops import Tensor; import them last)
