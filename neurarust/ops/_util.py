"""Helpers shared by the op modules: operand checks, dtype promotion, dims."""

from __future__ import annotations

import operator
import warnings
from typing import Any

import numpy as np

from .. import dtypes
from ..tensor import Tensor

# PyTorch computes inf and nan silently (log(0), 1/0, inf - inf, exp(1000)); NumPy
# warns about each. ``np.errstate`` would silence it but costs a few microseconds per
# call -- as much as a small op itself -- so the warnings NumPy raises from inside
# neurarust's modules are filtered once, here. CuPy never warns.
warnings.filterwarnings(
    "ignore",
    message=r"(divide by zero|invalid value|overflow|underflow) encountered",
    category=RuntimeWarning,
    module=r"neurarust\.",
)


def check_same_device(op: str, a: Tensor, b: Tensor) -> None:
    """RuntimeError naming both devices when ``a`` and ``b`` live on different ones."""
    if a.device is not b.device:
        raise RuntimeError(
            f"{op}: expected all tensors to be on the same device, but found at least two "
            f"devices, {a.device} and {b.device}"
        )


def check_broadcastable(op: str, a: tuple[int, ...], b: tuple[int, ...]) -> None:
    """PyTorch's RuntimeError, naming ``op``, unless shapes ``a`` and ``b`` broadcast."""
    ndim = max(len(a), len(b))
    for k, (m, n) in enumerate(zip(reversed(a), reversed(b))):
        if m != n and m != 1 and n != 1:
            raise RuntimeError(
                f"{op}: The size of tensor a ({m}) must match the size of tensor b ({n}) "
                f"at non-singleton dimension {ndim - 1 - k}"
            )


def require_tensor(op: str, name: str, value: Any) -> None:
    """TypeError naming ``op`` and the argument unless ``value`` is a Tensor."""
    if not isinstance(value, Tensor):
        raise TypeError(f"{op}(): argument '{name}' must be Tensor, not {type(value).__name__}")


def int_arg(op: str, name: str, value: Any) -> int:
    """``value`` (an int, NumPy integer or integer 0-d Tensor) as an int; TypeError naming
    ``op`` and the argument otherwise (``diff(x, n=1.5)``)."""
    try:
        return operator.index(value)
    except TypeError:
        raise TypeError(
            f"{op}(): argument '{name}' must be int, not {type(value).__name__}"
        ) from None


def as_operand(op: str, x: Any) -> Any:
    """Accept a Tensor or a Python/NumPy number; TypeError naming ``op`` otherwise."""
    if isinstance(x, Tensor) or type(x) in (int, float, bool):
        return x
    if hasattr(x, "dtype") and getattr(x, "shape", None) == ():  # NumPy scalar (np.float64
        return x.item()  # subclasses float, but as an array it would widen float32 tensors)
    raise TypeError(f"{op}: expected a Tensor or a number, got {type(x).__name__}")


def binary_data(op: str, a: Any, b: Any) -> tuple[Any, Any]:
    """The raw operands of a binary elementwise op, checked to broadcast and cast to
    PyTorch's result dtype.

    ``a`` and ``b`` are Tensors or Python scalars (at least one a Tensor). NumPy's
    promotion differs from PyTorch's (``int32 + 2.5`` gives float64 in NumPy,
    float32 in PyTorch), so the arrays are cast to :func:`dtypes.result_type`
    first; a scalar stays a scalar whenever that keeps the tensor's dtype.
    """
    if isinstance(a, Tensor) and isinstance(b, Tensor):
        if a.device is not b.device:
            check_same_device(op, a, b)
        da, db = a._data, b._data
        if da.shape != db.shape:
            check_broadcastable(op, da.shape, db.shape)
        if da.dtype != db.dtype:
            target = dtypes.result_type(a, b).numpy
            da, db = da.astype(target, copy=False), db.astype(target, copy=False)
        return da, db
    tensor, scalar = (a, b) if isinstance(a, Tensor) else (b, a)
    if type(scalar) not in (int, float, bool):
        scalar = as_operand(op, scalar)
    data = tensor._data
    target = dtypes.result_type(tensor, scalar).numpy
    if target != data.dtype:
        data = data.astype(target)
    if type(scalar) is int and target.kind in "iu":
        scalar = _wrap_int(scalar, target)
    # A Python scalar never widens an array of at least its category (NEP 50), so
    # the result keeps ``target``.
    return (data, scalar) if isinstance(a, Tensor) else (scalar, data)


# (min, max) of each integer dtype: np.iinfo costs a microsecond, too much per op.
_INT_RANGES = {
    np.dtype(t): (np.iinfo(t).min, np.iinfo(t).max)
    for t in (np.uint8, np.int8, np.int16, np.int32, np.int64)
}


def _wrap_int(value: int, target: Any) -> Any:
    """``value`` wrapped into integer dtype ``target`` as a C cast would (PyTorch's
    ``uint8_tensor + (-3)`` adds 253); NumPy 2 raises OverflowError instead."""
    low, high = _INT_RANGES[target]
    if low <= value <= high:
        return value
    return np.array(value % 2**64, dtype=np.uint64).astype(target).item()


def float_data(x: Tensor) -> Any:
    """``x``'s array, cast to the default float dtype when it is not floating point
    (``exp`` of an integer tensor is a float32 tensor, as in PyTorch)."""
    data = x._data
    if data.dtype.kind != "f":
        data = data.astype(dtypes.get_default_dtype().numpy)
    return data


def normalize_dim(dim: int, ndim: int, op: str) -> int:
    """Wrap a negative ``dim``; IndexError naming ``op`` if it is out of range."""
    n = max(ndim, 1)
    if not -n <= dim < n:
        raise IndexError(
            f"{op}: Dimension out of range (expected to be in range of [{-n}, {n - 1}], "
            f"but got {dim})"
        )
    return dim % n


def normalize_dims(dim: Any, ndim: int, op: str) -> tuple[int, ...]:
    """``dim`` (None, an int, or a sequence) as a sorted tuple of non-negative dims.

    None means every dimension.
    """
    if dim is None:
        return tuple(range(ndim))
    if isinstance(dim, int):
        return (normalize_dim(dim, ndim, op),)
    dims = tuple(normalize_dim(d, ndim, op) for d in dim)
    repeated = [d for i, d in enumerate(dims) if d in dims[:i]]
    if repeated:
        raise RuntimeError(f"{op}: dim {repeated[0]} appears multiple times in the list of dims")
    return tuple(sorted(dims))
