"""Data types and PyTorch's type-promotion rules.

A :class:`dtype` wraps a NumPy dtype (CuPy uses the same ones). The module
exposes one instance per supported type (``neurarust.float32`` ...) and
:func:`result_type`, which decides the dtype of an op's result the way PyTorch
does:

* categories rank ``bool < integer < floating``; a higher category wins;
* within a category the wider type wins (``int8 + int16 -> int16``);
* operands have priorities: tensors with dimensions, then 0-d tensors, then
  Python scalars. A lower-priority operand changes the result only when its
  category is higher (``int32_tensor + 2.5 -> float32``, but
  ``float16_tensor + 2.5 -> float16`` and ``float32_tensor + float64_0d ->
  float32``).
"""

from __future__ import annotations

import builtins
from typing import Any

import numpy as np

_BOOL, _INT, _FLOAT = 0, 1, 2

# The builtins, saved before this module shadows their names with dtypes.
_py_float, _py_int, _py_bool = float, int, bool


class dtype:  # noqa: N801  (named as PyTorch names it)
    """A tensor element type, e.g. ``neurarust.float32``.

    Attributes:
        name: the short name, ``"float32"``.
        numpy: the matching ``numpy.dtype``.
        is_floating_point: True for float16/32/64.
        is_signed: True for signed integers and floats.
        itemsize: bytes per element.
    """

    __slots__ = ("name", "numpy", "is_floating_point", "is_signed", "itemsize", "_category")
    _category: builtins.int  # bool < integer < floating point, for promotion

    def __init__(self, name: str, category: builtins.int) -> None:
        self.name = name
        self.numpy = np.dtype(name)
        self.is_floating_point = category == _FLOAT
        self.is_signed = name != "bool" and not name.startswith("uint")
        self.itemsize = self.numpy.itemsize
        self._category = category

    def __repr__(self) -> str:
        return f"neurarust.{self.name}"

    def __reduce__(self) -> str:
        return self.name  # pickles as the module-level singleton

    def to_real(self) -> dtype:
        return self


bool = dtype("bool", _BOOL)  # noqa: A001  (shadows the builtin inside this module only)
uint8 = dtype("uint8", _INT)
int8 = dtype("int8", _INT)
int16 = dtype("int16", _INT)
int32 = dtype("int32", _INT)
int64 = dtype("int64", _INT)
float16 = dtype("float16", _FLOAT)
float32 = dtype("float32", _FLOAT)
float64 = dtype("float64", _FLOAT)

# PyTorch's aliases.
half, float, double = float16, float32, float64  # noqa: A001
short, int, long = int16, int32, int64  # noqa: A001

ALL_DTYPES = (bool, uint8, int8, int16, int32, int64, float16, float32, float64)
_FROM_NUMPY = {d.numpy: d for d in ALL_DTYPES}

_default_float = float32


def from_numpy_dtype(np_dtype: Any) -> dtype:
    """The neurarust dtype of a NumPy dtype; TypeError for unsupported ones."""
    try:
        return _FROM_NUMPY[np_dtype]
    except KeyError:
        pass
    try:
        return _FROM_NUMPY[np.dtype(np_dtype)]
    except (KeyError, TypeError):
        names = ", ".join(d.name for d in ALL_DTYPES)
        raise TypeError(
            f"neurarust does not support arrays of dtype {np_dtype!r}; supported: {names}"
        ) from None


def to_dtype(value: Any) -> dtype:
    """Accept a neurarust dtype, a NumPy dtype, a Python type or a name."""
    if isinstance(value, dtype):
        return value
    if value is _py_float:
        return _default_float
    if value is _py_int:
        return int64
    if value is _py_bool:
        return bool
    return from_numpy_dtype(value)


def get_default_dtype() -> dtype:
    """The dtype of floating tensors made from Python floats (float32 unless changed)."""
    return _default_float


def set_default_dtype(d: dtype) -> None:
    """Set the default floating dtype; only float32 and float64 are allowed (as in PyTorch).

    Examples:
        >>> import neurarust as nr
        >>> nr.set_default_dtype(nr.float64); nr.tensor([1.0]).dtype
        neurarust.float64
        >>> nr.set_default_dtype(nr.float32)
    """
    global _default_float
    d = to_dtype(d)
    if d not in (float32, float64):
        raise TypeError(f"set_default_dtype: only float32 and float64 are supported, got {d}")
    _default_float = d


def promote_types(a: dtype, b: dtype) -> dtype:
    """The smallest dtype both ``a`` and ``b`` convert to safely, with PyTorch's rules.

    Unlike NumPy, an integer meeting a float gives that float (``int64 + float16 ->
    float16``).
    """
    if a is b:
        return a
    if a._category != b._category:
        return a if a._category > b._category else b
    return _FROM_NUMPY[np.promote_types(a.numpy, b.numpy)]


def scalar_dtype(value: Any) -> dtype:
    """The dtype PyTorch gives a Python scalar in an op: bool, int64 or the default float."""
    cls = value.__class__
    if cls is _py_bool or cls is np.bool_:
        return bool
    if cls is _py_int or isinstance(value, np.integer):
        return int64
    if cls is _py_float or isinstance(value, np.floating):
        return _default_float
    raise TypeError(f"expected a tensor or a Python number, got {cls.__name__}")


def _combine(higher: dtype | None, lower: dtype | None) -> dtype | None:
    """Merge a lower-priority operand group into a higher-priority one."""
    if higher is None:
        return lower
    if lower is None or higher._category >= lower._category:
        return higher
    return promote_types(higher, lower)


def result_type(*operands: Any) -> dtype:
    """The dtype of an elementwise op over tensors and Python scalars, as PyTorch computes it.

    Examples:
        >>> import neurarust as nr
        >>> nr.result_type(nr.tensor([1, 2], dtype=nr.int32), 2.5)
        neurarust.float32
    """
    dim = zero = scalar = None
    for x in operands:
        d = getattr(x, "dtype", None)
        if isinstance(d, dtype):
            if x.ndim:
                dim = d if dim is None else promote_types(dim, d)
            else:
                zero = d if zero is None else promote_types(zero, d)
        else:
            s = scalar_dtype(x)
            scalar = s if scalar is None else promote_types(scalar, s)
    result = _combine(dim, _combine(zero, scalar))
    assert result is not None, "result_type needs at least one operand"
    return result
