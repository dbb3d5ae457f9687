"""Making tensors: from data, filled, ranges, and random.

Every function takes the PyTorch keywords ``dtype``, ``device`` and
``requires_grad``; sizes may be given as ``zeros(2, 3)`` or ``zeros((2, 3))``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from .. import dtypes
from ..autograd.function import Function
from ..device import Device, DeviceLike, device
from ..random import Generator, default_generator
from ..tensor import Tensor

__all__ = [
    "tensor",
    "as_tensor",
    "from_numpy",
    "zeros",
    "ones",
    "empty",
    "full",
    "arange",
    "linspace",
    "eye",
    "zeros_like",
    "ones_like",
    "empty_like",
    "full_like",
    "rand",
    "randn",
    "randint",
    "randperm",
    "normal",
    "rand_like",
    "randn_like",
    "randint_like",
]


def _device(spec: DeviceLike | None) -> Device:
    return device("cpu") if spec is None else device(spec)


def _finish(data: Any, dev: Device, requires_grad: bool) -> Tensor:
    out = Tensor._make(data, dev)
    if requires_grad:
        out.requires_grad = True  # the setter rejects non-float dtypes
    return out


def _size(size: tuple[Any, ...], op: str) -> tuple[int, ...]:
    """``(2, 3)`` or ``((2, 3),)`` to ``(2, 3)``; checks every entry is an int >= 0."""
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = tuple(size[0])
    out = []
    for s in size:
        if isinstance(s, Tensor):
            s = int(s)
        if not isinstance(s, (int, np.integer)) or isinstance(s, bool):
            raise TypeError(
                f"{op}: size must be a sequence of ints, got {type(s).__name__} in {size}"
            )
        if s < 0:
            raise RuntimeError(
                f"{op}: Trying to create tensor with negative dimension {s}: {list(size)}"
            )
        out.append(int(s))
    return tuple(out)


_PYTHON_NUMBERS = {bool, int, float}


def _element_dtype(data: Any) -> dtypes.dtype | None:
    """PyTorch's dtype for ``data``: the promotion of its elements' dtypes.

    Python floats count as the default float dtype, ints as int64 and bools as
    bool; NumPy arrays and scalars keep their dtype. None for empty sequences.
    """
    if isinstance(data, (list, tuple)):
        kinds = set(map(type, data))
        if kinds <= _PYTHON_NUMBERS:  # the common case, decided without a Python loop
            if float in kinds:
                return dtypes.get_default_dtype()
            return dtypes.int64 if int in kinds else (dtypes.bool if kinds else None)
        found = None
        for item in data:
            d = _element_dtype(item)
            if d is not None:
                found = d if found is None else dtypes.promote_types(found, d)
        return found
    if hasattr(data, "dtype"):  # a NumPy array or scalar
        return dtypes.from_numpy_dtype(data.dtype)
    if type(data) in _PYTHON_NUMBERS:
        return dtypes.scalar_dtype(data)
    raise TypeError(
        f"tensor: could not infer a dtype from data of type {type(data).__name__} "
        "(expected numbers or nested sequences of numbers)"
    )


def _to_host(data: Any) -> Any:
    """Nested sequences that may hold tensors or CuPy arrays -> host values."""
    if isinstance(data, Tensor):
        return data.backend.to_host(data._data)
    if hasattr(data, "__cuda_array_interface__"):
        return data.get()
    if isinstance(data, (list, tuple)) and any(isinstance(x, (Tensor, list, tuple)) for x in data):
        return [_to_host(x) for x in data]
    return data


def tensor(
    data: Any,
    *,
    dtype: Any = None,
    device: DeviceLike | None = None,
    requires_grad: bool = False,
    pin_memory: bool = False,
) -> Tensor:
    """A new tensor holding a copy of ``data``.

    Args:
        data: a number, a nested list/tuple of numbers, a NumPy array or a Tensor.
        dtype: element type; inferred when None (Python floats give the default
            float dtype, ints give int64, bools give bool; NumPy dtypes are kept).
        device: where to put it (default ``"cpu"``).
        requires_grad: record operations on it for autograd (float dtypes only).

    Examples:
        >>> import neurarust as nr
        >>> nr.tensor([[1, 2], [3, 4]])
        tensor([[1, 2],
                [3, 4]])
    """
    dev = _device(device)
    if isinstance(data, Tensor) and device is None:
        dev = data.device
    host = _to_host(data)
    if dtype is not None:
        target = dtypes.to_dtype(dtype)
    else:
        target = _element_dtype(host) or dtypes.get_default_dtype()
    try:
        array = np.array(host, dtype=target.numpy)
    except OverflowError as err:
        raise ValueError(f"tensor: a value does not fit in {target.name} ({err})") from None
    except ValueError as err:
        raise ValueError(f"tensor: could not make a {target.name} array of data: {err}") from None
    return _finish(dev.backend.asarray(array), dev, requires_grad)


def as_tensor(data: Any, dtype: Any = None, device: DeviceLike | None = None) -> Tensor:
    """Like :func:`tensor`, but shares memory with ``data`` when dtype and device allow.

    A Tensor already of that dtype and device is returned as it is.
    """
    if isinstance(data, Tensor):
        return data.to(device=device, dtype=dtype)
    dev = _device(device)
    if isinstance(data, np.ndarray) and dev.type == "cpu":
        target = dtypes.from_numpy_dtype(data.dtype) if dtype is None else dtypes.to_dtype(dtype)
        return Tensor._make(np.asarray(data, dtype=target.numpy), dev)
    return tensor(data, dtype=dtype, device=dev)


def from_numpy(array: np.ndarray) -> Tensor:
    """A CPU tensor sharing memory with the NumPy array ``array``.

    Writing to one is seen in the other. Raises TypeError for unsupported dtypes.

    Examples:
        >>> import numpy as np, neurarust as nr
        >>> a = np.zeros(2, dtype=np.float32); t = nr.from_numpy(a); a[0] = 5
        >>> t
        tensor([5., 0.])
    """
    if not isinstance(array, np.ndarray):
        raise TypeError(f"from_numpy: expected np.ndarray (got {type(array).__name__})")
    dtypes.from_numpy_dtype(array.dtype)
    return Tensor._make(array, device("cpu"))


def _filled(op: str, size: tuple[Any, ...], value: Any, dtype: Any, dev: Any, rg: bool) -> Tensor:
    shape = _size(size, op)
    d = dtypes.to_dtype(dtype) if dtype is not None else dtypes.get_default_dtype()
    target = _device(dev)
    return _finish(target.backend.xp.full(shape, value, d.numpy), target, rg)


def zeros(
    *size: Any, dtype: Any = None, device: DeviceLike | None = None, requires_grad: bool = False
) -> Tensor:
    """A tensor of zeros with shape ``size``; e.g. ``zeros(2, 3)``."""
    return _filled("zeros", size, 0, dtype, device, requires_grad)


def ones(
    *size: Any, dtype: Any = None, device: DeviceLike | None = None, requires_grad: bool = False
) -> Tensor:
    """A tensor of ones with shape ``size``; e.g. ``ones(2, 3)``."""
    return _filled("ones", size, 1, dtype, device, requires_grad)


def empty(
    *size: Any, dtype: Any = None, device: DeviceLike | None = None, requires_grad: bool = False
) -> Tensor:
    """An uninitialized tensor with shape ``size`` (neurarust fills it with zeros)."""
    return _filled("empty", size, 0, dtype, device, requires_grad)


def full(
    size: Sequence[int],
    fill_value: Any,
    *,
    dtype: Any = None,
    device: DeviceLike | None = None,
    requires_grad: bool = False,
) -> Tensor:
    """A tensor of shape ``size`` filled with ``fill_value``.

    The dtype follows the value when not given: bool, int64 or the default float.
    """
    if isinstance(fill_value, Tensor):
        fill_value = fill_value.item()
    if dtype is None:
        dtype = dtypes.scalar_dtype(fill_value)
    return _filled("full", (size,), fill_value, dtype, device, requires_grad)


def _like(op: str, input: Tensor, value: Any, dtype: Any, dev: Any, rg: bool) -> Tensor:
    if not isinstance(input, Tensor):
        raise TypeError(f"{op}: expected a Tensor, got {type(input).__name__}")
    return _filled(op, input._data.shape, value, dtype or input.dtype, dev or input.device, rg)


def zeros_like(
    input: Tensor,
    *,
    dtype: Any = None,
    device: DeviceLike | None = None,
    requires_grad: bool = False,
) -> Tensor:
    """Zeros with the shape (and by default dtype and device) of ``input``."""
    return _like("zeros_like", input, 0, dtype, device, requires_grad)


def ones_like(
    input: Tensor,
    *,
    dtype: Any = None,
    device: DeviceLike | None = None,
    requires_grad: bool = False,
) -> Tensor:
    """Ones with the shape (and by default dtype and device) of ``input``."""
    return _like("ones_like", input, 1, dtype, device, requires_grad)


def empty_like(
    input: Tensor,
    *,
    dtype: Any = None,
    device: DeviceLike | None = None,
    requires_grad: bool = False,
) -> Tensor:
    """An uninitialized tensor like ``input`` (filled with zeros)."""
    return _like("empty_like", input, 0, dtype, device, requires_grad)


def full_like(
    input: Tensor,
    fill_value: Any,
    *,
    dtype: Any = None,
    device: DeviceLike | None = None,
    requires_grad: bool = False,
) -> Tensor:
    """``fill_value`` everywhere, with the shape, dtype and device of ``input``."""
    if isinstance(fill_value, Tensor):
        fill_value = fill_value.item()
    return _like("full_like", input, fill_value, dtype, device, requires_grad)


def arange(
    start: Any = 0,
    end: Any = None,
    step: Any = 1,
    *,
    dtype: Any = None,
    device: DeviceLike | None = None,
    requires_grad: bool = False,
) -> Tensor:
    """Values from ``start`` to ``end`` (excluded) in steps of ``step``.

    ``arange(5)`` is ``0 .. 4``. The dtype is int64 unless a bound is a float.

    Examples:
        >>> import neurarust as nr
        >>> nr.arange(1, 2, 0.25)
        tensor([1.0000, 1.2500, 1.5000, 1.7500])
    """
    start, end, step = (v.item() if isinstance(v, Tensor) else v for v in (start, end, step))
    if end is None:
        start, end = 0, start
    if step == 0:
        raise RuntimeError("arange: step must be nonzero")
    if (end - start) * step < 0:
        raise RuntimeError(
            f"arange: upper bound and lower bound inconsistent with step sign "
            f"(start={start}, end={end}, step={step})"
        )
    if dtype is None:
        floating = any(isinstance(v, float) for v in (start, end, step))
        dtype = dtypes.get_default_dtype() if floating else dtypes.int64
    d = dtypes.to_dtype(dtype)
    dev = _device(device)
    count = math.ceil((end - start) / step)
    data = dev.backend.xp.arange(count, dtype=np.float64) * step + start
    return _finish(data.astype(d.numpy), dev, requires_grad)


def linspace(
    start: float,
    end: float,
    steps: int,
    *,
    dtype: Any = None,
    device: DeviceLike | None = None,
    requires_grad: bool = False,
) -> Tensor:
    """``steps`` evenly spaced values from ``start`` to ``end`` (both included)."""
    if steps < 0:
        raise RuntimeError(f"linspace: number of steps must be non-negative, got {steps}")
    d = dtypes.to_dtype(dtype) if dtype is not None else dtypes.get_default_dtype()
    dev = _device(device)
    data = dev.backend.xp.linspace(start, end, steps, dtype=np.float64).astype(d.numpy)
    return _finish(data, dev, requires_grad)


def eye(
    n: int,
    m: int | None = None,
    *,
    dtype: Any = None,
    device: DeviceLike | None = None,
    requires_grad: bool = False,
) -> Tensor:
    """An ``n x m`` matrix (``m`` defaults to ``n``) with ones on the diagonal."""
    for name, value in (("n", n), ("m", m)):
        if value is not None and value < 0:
            raise RuntimeError(f"eye: {name} must be greater or equal to 0, got {value}")
    d = dtypes.to_dtype(dtype) if dtype is not None else dtypes.get_default_dtype()
    dev = _device(device)
    return _finish(dev.backend.xp.eye(n, n if m is None else m, dtype=d.numpy), dev, requires_grad)


# -- random ------------------------------------------------------------------------------


def _source(generator: Generator | None, dev: Device, op: str) -> Any:
    if generator is None:
        return default_generator(dev).source
    if generator.device is not dev:
        raise RuntimeError(
            f"{op}: expected a generator on {dev}, but got one on {generator.device}"
        )
    return generator.source


def _float_dtype(dtype: Any, op: str) -> dtypes.dtype:
    d = dtypes.to_dtype(dtype) if dtype is not None else dtypes.get_default_dtype()
    if not d.is_floating_point:
        raise TypeError(f"{op}: expected a floating point dtype, got {d.name}")
    return d


def rand(
    *size: Any,
    generator: Generator | None = None,
    dtype: Any = None,
    device: DeviceLike | None = None,
    requires_grad: bool = False,
) -> Tensor:
    """Uniform samples from ``[0, 1)`` with shape ``size``."""
    shape, d, dev = _size(size, "rand"), _float_dtype(dtype, "rand"), _device(device)
    data = _source(generator, dev, "rand").uniform(shape, d.numpy)
    return _finish(data, dev, requires_grad)


def randn(
    *size: Any,
    generator: Generator | None = None,
    dtype: Any = None,
    device: DeviceLike | None = None,
    requires_grad: bool = False,
) -> Tensor:
    """Standard normal samples (mean 0, variance 1) with shape ``size``."""
    shape, d, dev = _size(size, "randn"), _float_dtype(dtype, "randn"), _device(device)
    data = _source(generator, dev, "randn").normal(shape, d.numpy)
    return _finish(data, dev, requires_grad)


def randint(
    low: Any = 0,
    high: Any = None,
    size: Any = None,
    *,
    generator: Generator | None = None,
    dtype: Any = None,
    device: DeviceLike | None = None,
    requires_grad: bool = False,
) -> Tensor:
    """Integers drawn uniformly from ``[low, high)``: ``randint(high, size)`` or
    ``randint(low, high, size)``; int64 unless ``dtype`` says otherwise.

    Examples:
        >>> import neurarust as nr
        >>> nr.randint(0, 10, (2, 3)).shape
        neurarust.Size([2, 3])
    """
    if size is None:  # randint(high, size)
        low, high, size = 0, low, high
    elif high is None:  # randint(high, size=size)
        low, high = 0, low
    if high is None or size is None:
        raise TypeError("randint: expected randint(high, size) or randint(low, high, size)")
    if low >= high:
        raise RuntimeError(f"randint: expected low < high, but got low={low}, high={high}")
    d = dtypes.to_dtype(dtype) if dtype is not None else dtypes.int64
    dev = _device(device)
    data = _source(generator, dev, "randint").integers(
        int(low), int(high), _size((size,), "randint"), d.numpy
    )
    return _finish(data, dev, requires_grad)


def randperm(
    n: int,
    *,
    generator: Generator | None = None,
    dtype: Any = None,
    device: DeviceLike | None = None,
    requires_grad: bool = False,
) -> Tensor:
    """A random permutation of ``0 .. n-1`` (int64)."""
    if n < 0:
        raise RuntimeError(f"randperm: n must be non-negative, got {n}")
    d = dtypes.to_dtype(dtype) if dtype is not None else dtypes.int64
    dev = _device(device)
    data = _source(generator, dev, "randperm").permutation(int(n)).astype(d.numpy)
    return _finish(data, dev, requires_grad)


class Normal(Function):
    """Samples of ``mean + std * N(0, 1)`` for tensor ``mean`` and/or ``std``.

    As in PyTorch, the gradient with respect to ``mean`` and ``std`` is zero: the
    samples are treated as constants. For a reparameterized (differentiable)
    sample write ``mean + std * randn_like(mean)``.
    """

    @staticmethod
    def forward(ctx: Any, mean: Any, std: Any, source: Any) -> Any:
        ref = mean if isinstance(mean, Tensor) else std
        m = mean._data if isinstance(mean, Tensor) else mean
        s = std._data if isinstance(std, Tensor) else std
        if (ref.backend.xp.asarray(s) < 0).any():
            raise RuntimeError("normal: expected all elements of std >= 0.0")
        shape = np.broadcast_shapes(np.shape(m), np.shape(s))
        noise = source.normal(shape, ref._data.dtype)
        return (m + s * noise).astype(ref._data.dtype, copy=False)

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple[Any, ...]:
        zero = zeros_like(grad)
        return (
            zero if ctx.needs_input_grad[0] else None,
            zero if ctx.needs_input_grad[1] else None,
            None,
        )


def normal(
    mean: Any,
    std: Any = 1.0,
    size: Any = None,
    *,
    generator: Generator | None = None,
    dtype: Any = None,
    device: DeviceLike | None = None,
    requires_grad: bool = False,
) -> Tensor:
    """Samples from normal distributions: ``mean + std * N(0, 1)``.

    ``mean`` and ``std`` may be tensors (broadcast together; as in PyTorch the
    gradient with respect to them is zero) or floats with an explicit ``size``.
    """
    tensors = [x for x in (mean, std) if isinstance(x, Tensor)]
    if not tensors:
        if size is None:
            raise TypeError("normal: with float mean and std, size must be given")
        if std < 0:
            raise RuntimeError(f"normal: expected std >= 0.0, but found std {std}")
        noise = randn(size, generator=generator, dtype=dtype, device=device)
        out = noise * std + mean
        return out.requires_grad_(True) if requires_grad else out
    return Normal.apply(mean, std, _source(generator, tensors[0].device, "normal"))


def rand_like(
    input: Tensor,
    *,
    dtype: Any = None,
    device: DeviceLike | None = None,
    requires_grad: bool = False,
) -> Tensor:
    """Uniform ``[0, 1)`` samples shaped like ``input``."""
    return rand(
        input._data.shape,
        dtype=dtype or input.dtype,
        device=device or input.device,
        requires_grad=requires_grad,
    )


def randn_like(
    input: Tensor,
    *,
    dtype: Any = None,
    device: DeviceLike | None = None,
    requires_grad: bool = False,
) -> Tensor:
    """Standard normal samples shaped like ``input``."""
    return randn(
        input._data.shape,
        dtype=dtype or input.dtype,
        device=device or input.device,
        requires_grad=requires_grad,
    )


def randint_like(
    input: Tensor,
    low: int = 0,
    high: int | None = None,
    *,
    dtype: Any = None,
    device: DeviceLike | None = None,
) -> Tensor:
    """Random integers in ``[low, high)`` shaped like ``input`` (``randint_like(x, high)``
    also works)."""
    if high is None:
        low, high = 0, low
    return randint(
        low, high, input._data.shape, dtype=dtype or input.dtype, device=device or input.device
    )


def _rebuild_tensor(host: np.ndarray, device_name: str, requires_grad: bool) -> Tensor:
    """Unpickle a tensor (see ``Tensor.__reduce_ex__``)."""
    dev = device(device_name)
    return _finish(dev.backend.asarray(host), dev, requires_grad)
