"""Whole-tensor comparisons, pointwise extras, and differences and integrals along a dim.

* ``isclose``, ``allclose`` and ``equal`` compare values (``allclose`` and ``equal``
  answer with a Python bool).
* ``nan_to_num``, ``addcmul`` and ``addcdiv`` are pointwise ops with gradients.
* ``diff``, ``trapezoid`` (alias ``trapz``), ``cumulative_trapezoid`` and ``cross``
  work along one dimension. ``diff`` and the trapezoid rules are written with other
  differentiable ops (slices, sums, products), so their gradients and double
  backward come from those ops, and their dtypes follow PyTorch's formulas exactly.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from .. import dtypes
from ..autograd.function import Function
from ..tensor import Tensor
from ._util import binary_data, check_broadcastable, int_arg, normalize_dim, require_tensor
from .creation import zeros
from .elementwise import _check_operands, isfinite, logical_xor, where
from .shape import cat, clone

__all__ = [
    "isclose",
    "allclose",
    "equal",
    "nan_to_num",
    "addcmul",
    "addcdiv",
    "diff",
    "trapezoid",
    "trapz",
    "cumulative_trapezoid",
    "cross",
]


def _check_same_dtype(op: str, input: Tensor, other: Tensor) -> None:
    """RuntimeError naming ``op`` unless ``input`` and ``other`` share a dtype
    (these ops do not promote, as in PyTorch)."""
    require_tensor(op, "input", input)
    require_tensor(op, "other", other)
    if input.dtype is not other.dtype:
        raise RuntimeError(
            f"{op}: expected other to have the dtype of input ({input.dtype.name}), "
            f"but got {other.dtype.name}"
        )


def _nonscalar_dim(op: str, input: Tensor, dim: int) -> int:
    """``dim`` wrapped for an op along a dimension; IndexError for a 0-d ``input``."""
    if input.ndim == 0:
        raise IndexError(f"{op}: Dimension specified as {dim} but tensor has no dimensions")
    return normalize_dim(dim, input.ndim, op)


def _along(input: Tensor, dim: int, index: Any) -> Tensor:
    """``input`` indexed by ``index`` (an int or a slice) along dimension ``dim``."""
    return input[(slice(None),) * dim + (index,)]


# -- closeness and equality ---------------------------------------------------------------


def _closeness(xp: Any, x: Any, y: Any, rtol: float, atol: float, equal_nan: bool) -> Any:
    """``|x - y| <= atol + |rtol * y|`` (or equal, or both nan with ``equal_nan``).

    As in PyTorch, integers and bools are compared in the default float dtype
    (after an exact equality test), so their differences never wrap around.
    """
    close = x == y
    if equal_nan and x.dtype.kind == "f":
        close |= xp.isnan(x) & xp.isnan(y)
    if rtol == 0 and atol == 0:
        return close
    if x.dtype.kind != "f":
        real = dtypes.get_default_dtype().numpy
        x, y = x.astype(real), y.astype(real)
    allowed = atol + xp.abs(rtol * y)
    actual = xp.abs(x - y)
    return close | (xp.isfinite(actual) & (actual <= allowed))


def isclose(
    input: Tensor,
    other: Tensor,
    rtol: float = 1e-05,
    atol: float = 1e-08,
    equal_nan: bool = False,
) -> Tensor:
    """True where ``|input - other| <= atol + rtol * |other|``, elementwise: a bool tensor.

    ``input`` and ``other`` must have the same dtype and broadcastable shapes. Equal
    infinities are close; nan is close to nan only with ``equal_nan=True``.

    Shapes: any two broadcastable shapes; the result has the broadcast shape.

    Examples:
        >>> import neurarust as nr
        >>> nan = float("nan")
        >>> nr.isclose(nr.tensor([1.0, 2.0, nan]), nr.tensor([1.0 + 1e-7, 2.1, nan]))
        tensor([ True, False, False])
    """
    _check_same_dtype("isclose", input, other)
    for name, value in (("rtol", rtol), ("atol", atol)):
        if not value >= 0:  # also refuses nan
            raise RuntimeError(
                f"isclose: {name} must be greater than or equal to zero, but got {value}"
            )
    x, y = binary_data("isclose", input, other)
    xp = input.backend.xp
    close = _closeness(xp, x, y, rtol, atol, equal_nan)
    return Tensor._make(xp.asarray(close), input.device)  # 0-d inputs give a NumPy scalar


def allclose(
    input: Tensor,
    other: Tensor,
    rtol: float = 1e-05,
    atol: float = 1e-08,
    equal_nan: bool = False,
) -> bool:
    """Whether :func:`isclose` holds for every element: a Python bool.

    Examples:
        >>> import neurarust as nr
        >>> nr.allclose(nr.tensor([1.0, 2.0]), nr.tensor([1.0, 2.0 + 1e-6]))
        True
    """
    return bool(isclose(input, other, rtol, atol, equal_nan)._data.all())


def equal(input: Tensor, other: Tensor) -> bool:
    """Whether ``input`` and ``other`` have the same shape and values: a Python bool.

    Dtypes are promoted before comparing; nan is never equal to anything.

    Examples:
        >>> import neurarust as nr
        >>> nr.equal(nr.tensor([1, 2]), nr.tensor([1.0, 2.0])), nr.equal(nr.ones(2), nr.ones(1))
        (True, False)
    """
    require_tensor("equal", "input", input)
    require_tensor("equal", "other", other)
    if input._data.shape != other._data.shape:
        return False
    x, y = binary_data("equal", input, other)
    return bool((x == y).all())


# -- nan_to_num ----------------------------------------------------------------------------


_FILLS = ("nan", "posinf", "neginf")


def _fill_value(name: str, value: Any) -> float | None:
    """A replacement value of ``nan_to_num`` as a Python float (None stays None)."""
    if value is None or isinstance(value, float):
        return value
    if isinstance(value, Tensor) and value.ndim == 0:
        return float(value.item())
    if isinstance(value, (bool, int, np.number)):
        return float(value)
    raise TypeError(f"nan_to_num(): argument '{name}' must be float, not {type(value).__name__}")


def _as_dtype(value: float, dtype: Any) -> float:
    """``value`` rounded to the float ``dtype`` on the host: beyond its range it is
    +-inf, as PyTorch's cast gives (NumPy's overflow warning is filtered in _util)."""
    return float(np.asarray(value).astype(dtype))


class NanToNum(Function):
    """nan, +inf and -inf replaced by three numbers; the gradient passes where the
    input is finite (elsewhere the output is a constant)."""

    @staticmethod
    def forward(ctx: Any, a: Tensor, nan: float, posinf: float | None, neginf: float | None) -> Any:
        data = a._data
        if data.dtype.kind != "f":  # integers and bools hold no nan or inf
            return data.copy()
        ctx.save_for_backward(a)
        limits = np.finfo(data.dtype)
        return a.backend.xp.nan_to_num(
            data,
            nan=_as_dtype(nan, data.dtype),
            posinf=limits.max if posinf is None else _as_dtype(posinf, data.dtype),
            neginf=limits.min if neginf is None else _as_dtype(neginf, data.dtype),
        )

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple[Any, ...]:
        (a,) = ctx.saved_tensors
        return where(isfinite(a), grad, 0.0), None, None, None


def nan_to_num(
    input: Tensor,
    nan: float = 0.0,
    posinf: float | None = None,
    neginf: float | None = None,
) -> Tensor:
    """``input`` with nan replaced by ``nan``, +inf by ``posinf`` and -inf by ``neginf``.

    ``posinf`` and ``neginf`` default to the largest and the lowest finite value of
    ``input``'s dtype. Integer and bool tensors are returned as copies. The gradient
    is passed where ``input`` is finite and is zero elsewhere.

    Shapes: ``(*)`` -> ``(*)``.

    Examples:
        >>> import neurarust as nr
        >>> nr.nan_to_num(nr.tensor([float("nan"), float("inf"), -float("inf"), 1.0]), posinf=9.0)
        tensor([ 0.0000e+00,  9.0000e+00, -3.4028e+38,  1.0000e+00])
    """
    require_tensor("nan_to_num", "input", input)
    if nan is None:
        raise TypeError("nan_to_num(): argument 'nan' must be float, not NoneType")
    fills = [_fill_value(name, value) for name, value in zip(_FILLS, (nan, posinf, neginf))]
    return NanToNum.apply(input, *fills)


# -- addcmul, addcdiv ----------------------------------------------------------------------


def _promoted_arrays(op: str, *tensors: Tensor) -> list[Any]:
    """The tensors' arrays cast to their PyTorch result dtype, checked to broadcast."""
    for name, t in zip(("input", "tensor1", "tensor2"), tensors):
        require_tensor(op, name, t)
    _check_operands(op, *tensors)
    dtype = dtypes.result_type(*tensors).numpy
    return [t._data.astype(dtype, copy=False) for t in tensors]


def _scale(op: str, value: Any, like: Any) -> Any:
    """``value`` as the scalar an op of ``like``'s dtype uses: a float for floating
    results, else cast as C casts (``1.7`` -> 1, ``-1`` -> 255 in uint8), as PyTorch."""
    if isinstance(value, Tensor) and value.ndim == 0:
        value = value.item()
    if not isinstance(value, (bool, int, float, np.number)):
        raise TypeError(f"{op}(): argument 'value' must be Number, not {type(value).__name__}")
    if like.dtype.kind == "f":
        return float(value)
    return like.dtype.type(np.asarray(value).astype(like.dtype))


class AddCMul(Function):
    """``input + value * tensor1 * tensor2``."""

    @staticmethod
    def forward(ctx: Any, input: Tensor, tensor1: Tensor, tensor2: Tensor, value: Any) -> Any:
        x, a, b = _promoted_arrays("addcmul", input, tensor1, tensor2)
        if x.dtype.kind == "b":
            raise NotImplementedError("addcmul: not implemented for bool tensors")
        value = _scale("addcmul", value, x)
        ctx.save_for_backward(tensor1, tensor2)
        ctx.value = value
        return x + value * a * b

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple[Any, ...]:
        tensor1, tensor2 = ctx.saved_tensors
        needs = ctx.needs_input_grad
        g1 = grad * tensor2 * ctx.value if needs[1] else None
        g2 = grad * tensor1 * ctx.value if needs[2] else None
        return grad, g1, g2, None


def addcmul(input: Tensor, tensor1: Tensor, tensor2: Tensor, *, value: Any = 1) -> Tensor:
    """``input + value * tensor1 * tensor2``, the three broadcast together.

    The result has the promoted dtype of the three tensors (``value`` does not
    take part; for integer results it is truncated to an integer). Bool results
    are refused, as in PyTorch.

    Shapes: any three broadcastable shapes; the result has the broadcast shape.

    Examples:
        >>> import neurarust as nr
        >>> nr.addcmul(nr.ones(2), nr.tensor([1.0, 2.0]), nr.tensor([3.0, 4.0]), value=0.5)
        tensor([2.5000, 5.0000])
    """
    return AddCMul.apply(input, tensor1, tensor2, value)


_INTEGER_ADDCDIV = (
    "addcdiv: Integer division with addcdiv is no longer supported, and in a future release "
    "addcdiv will perform a true division of tensor1 and tensor2. The historic addcdiv behavior "
    "can be implemented as (input + value * torch.trunc(tensor1 / tensor2)).to(input.dtype) "
    "for integer inputs and as (input + value * tensor1 / tensor2) for float inputs. The future "
    "addcdiv behavior is just the latter implementation: (input + value * tensor1 / tensor2), "
    "for all dtypes."
)


class AddCDiv(Function):
    """``input + value * tensor1 / tensor2``."""

    @staticmethod
    def forward(ctx: Any, input: Tensor, tensor1: Tensor, tensor2: Tensor, value: Any) -> Any:
        x, a, b = _promoted_arrays("addcdiv", input, tensor1, tensor2)
        value = _scale("addcdiv", value, x)
        ctx.save_for_backward(tensor1, tensor2)
        ctx.value = value
        return x + value * a / b

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple[Any, ...]:
        tensor1, tensor2 = ctx.saved_tensors
        needs = ctx.needs_input_grad
        g1 = grad * ctx.value / tensor2 if needs[1] else None
        g2 = -grad * ctx.value * tensor1 / (tensor2 * tensor2) if needs[2] else None
        return grad, g1, g2, None


def addcdiv(input: Tensor, tensor1: Tensor, tensor2: Tensor, *, value: Any = 1) -> Tensor:
    """``input + value * tensor1 / tensor2``, the three broadcast together.

    At least one of ``tensor1`` and ``tensor2`` must be floating point (integer
    division is refused, as in PyTorch); the result has the promoted dtype of the
    three tensors.

    Shapes: any three broadcastable shapes; the result has the broadcast shape.

    Examples:
        >>> import neurarust as nr
        >>> nr.addcdiv(nr.ones(2), nr.tensor([1.0, 2.0]), nr.tensor([4.0, 4.0]), value=2)
        tensor([1.5000, 2.0000])
    """
    for name, t in (("tensor1", tensor1), ("tensor2", tensor2)):
        require_tensor("addcdiv", name, t)
    if not tensor1.dtype.is_floating_point and not tensor2.dtype.is_floating_point:
        raise RuntimeError(_INTEGER_ADDCDIV)
    return AddCDiv.apply(input, tensor1, tensor2, value)


# -- differences and integrals along a dimension --------------------------------------------


def _check_diff_edge(input: Tensor, edge: Any, name: str, dim: int) -> None:
    """``prepend``/``append`` must match ``input`` in every dimension but ``dim``."""
    if edge is None:
        return
    require_tensor("diff", name, edge)
    if edge.ndim != input.ndim:
        raise RuntimeError("diff: diff expects prepend or append to be the same dimension as input")
    for i, (want, got) in enumerate(zip(input._data.shape, edge._data.shape)):
        if i != dim and want != got:
            raise RuntimeError(
                "diff: diff expects the shape of tensor to prepend or append to match that of "
                f"input except along the differencing dimension; input.size({i}) = {want}, "
                f"but got tensor.size({i}) = {got}"
            )


def diff(
    input: Tensor,
    n: int = 1,
    dim: int = -1,
    prepend: Tensor | None = None,
    append: Tensor | None = None,
) -> Tensor:
    """The ``n``-th forward difference ``out[i] = x[i + 1] - x[i]`` along ``dim``.

    ``prepend`` and ``append`` are joined to ``input`` along ``dim`` first (their
    other sizes must match). Bool tensors use ``logical_xor`` instead of
    subtraction. As in PyTorch, ``n=0`` returns a copy of ``input`` alone.

    Shapes: size ``m`` along ``dim`` (after joining) -> ``max(m - n, 0)``.

    Examples:
        >>> import neurarust as nr
        >>> nr.diff(nr.tensor([1, 3, 6, 10]))
        tensor([2, 3, 4])
        >>> nr.diff(nr.tensor([1, 3, 6, 10]), n=2, prepend=nr.tensor([0]))
        tensor([1, 1, 1])
    """
    require_tensor("diff", "input", input)
    n = int_arg("diff", "n", n)
    if input.ndim == 0:
        raise RuntimeError("diff: diff expects input to be at least one-dimensional")
    if n < 0:
        raise RuntimeError(f"diff: order must be non-negative but got {n}")
    d = normalize_dim(dim, input.ndim, "diff")
    _check_diff_edge(input, prepend, "prepend", d)
    _check_diff_edge(input, append, "append", d)
    if n == 0:
        return clone(input)
    parts = [t for t in (prepend, input, append) if t is not None]
    x = cat(parts, d) if len(parts) > 1 else input
    if x._data.shape[d] == 0:  # no difference to take: a copy, never ``input`` itself
        return clone(x)
    for _ in range(min(n, x._data.shape[d])):
        later, earlier = _along(x, d, slice(1, None)), _along(x, d, slice(None, -1))
        x = logical_xor(later, earlier) if x.dtype is dtypes.bool else later - earlier
    return x


def _spacing(op: str, y: Tensor, x: Tensor, dim: int) -> Tensor:
    """The gaps ``x[i + 1] - x[i]`` along ``dim``, shaped to broadcast against ``y``.

    A 1-D ``x`` holds one coordinate per sample; a shorter ``x`` gets leading
    size-1 dimensions; a longer one broadcasts as it is (PyTorch's rules).
    """
    if y.dtype is dtypes.bool or x.dtype is dtypes.bool:
        raise RuntimeError(f"{op}: received a bool input for `x` or `y`, but bool is not supported")
    if x.ndim == 1:
        if x._data.shape[0] != y._data.shape[dim]:
            raise RuntimeError(f"{op}: There must be one `x` value for each sample point")
        shape = [1] * y.ndim
        shape[dim] = x._data.shape[0]
        x = x.reshape(shape)
    elif x.ndim < y.ndim:
        x = x.reshape((1,) * (y.ndim - x.ndim) + x._data.shape)
    return _along(x, dim, slice(1, None)) - _along(x, dim, slice(None, -1))


def _constant_spacing(op: str, y: Tensor, dx: Any) -> float:
    """The step ``dx`` (None means 1) as a float, after PyTorch's checks."""
    if y.dtype is dtypes.bool:
        raise RuntimeError(f"{op}: received a bool input for `y`, but bool is not supported")
    if dx is None:
        return 1.0
    if isinstance(dx, Tensor) and dx.ndim == 0:
        dx = dx.item()
    if isinstance(dx, (bool, np.bool_)):
        raise RuntimeError(f"{op}: Currently, we only support dx as a real number.")
    if not isinstance(dx, (int, float, np.number)):
        raise TypeError(f"{op}(): argument 'dx' must be Number, not {type(dx).__name__}")
    return float(dx)


def _check_spacing_args(op: str, y: Tensor, x: Any, dx: Any) -> None:
    """``y`` (and ``x``, if given) must be tensors; ``x`` and ``dx`` exclude each other."""
    require_tensor(op, "y", y)
    if x is not None:
        require_tensor(op, "x", x)
        if dx is not None:
            raise TypeError(f"{op}(): pass the sample points `x` or the spacing `dx`, not both")


def trapezoid(y: Tensor, x: Tensor | None = None, *, dx: Any = None, dim: int = -1) -> Tensor:
    """The integral of ``y`` along ``dim`` by the trapezoidal rule.

    The samples sit at coordinates ``x`` (a tensor) or ``dx`` apart (a number,
    1 by default). Integer ``y`` gives the default float dtype; zero samples
    integrate to 0.

    Shapes: ``y`` ``(..., m, ...)`` -> ``(..., ...)`` (``dim`` removed); ``x`` is
    ``(m,)`` or broadcasts against ``y``.

    Examples:
        >>> import neurarust as nr
        >>> nr.trapezoid(nr.tensor([1.0, 2.0, 4.0]), dx=2)
        tensor(9.)
        >>> nr.trapezoid(nr.tensor([1.0, 2.0, 4.0]), nr.tensor([0.0, 1.0, 3.0]))
        tensor(7.5000)
    """
    _check_spacing_args("trapezoid", y, x, dx)
    d = _nonscalar_dim("trapezoid", y, dim)
    if y._data.shape[d] == 0:  # like NumPy: an empty integral is 0
        shape = y._data.shape[:d] + y._data.shape[d + 1 :]
        return zeros(shape, dtype=y.dtype, device=y.device)
    if x is None:
        step = _constant_spacing("trapezoid", y, dx)
        # With equal spacing the sum simplifies to dx * (sum(y) - (y_first + y_last) / 2).
        ends = _along(y, d, 0) + _along(y, d, -1)
        return (y.sum(d) - ends * 0.5) * step
    gaps = _spacing("trapezoid", y, x, d)
    heights = _along(y, d, slice(1, None)) + _along(y, d, slice(None, -1))
    return (gaps * heights).sum(d) / 2.0


def trapz(y: Tensor, x: Tensor | None = None, *, dx: Any = None, dim: int = -1) -> Tensor:
    """An alias of :func:`trapezoid`.

    Examples:
        >>> import neurarust as nr
        >>> nr.trapz(nr.tensor([1.0, 2.0, 4.0]))
        tensor(4.5000)
    """
    return trapezoid(y, x, dx=dx, dim=dim)


def cumulative_trapezoid(
    y: Tensor, x: Tensor | None = None, *, dx: Any = None, dim: int = -1
) -> Tensor:
    """The running integral of ``y`` along ``dim`` by the trapezoidal rule.

    Element ``i`` of the result integrates the first ``i + 2`` samples. Sample
    coordinates are given as for :func:`trapezoid`.

    Shapes: size ``m`` along ``dim`` -> ``max(m - 1, 0)``.

    Examples:
        >>> import neurarust as nr
        >>> nr.cumulative_trapezoid(nr.tensor([1.0, 2.0, 4.0]), dx=2)
        tensor([3., 9.])
    """
    _check_spacing_args("cumulative_trapezoid", y, x, dx)
    d = _nonscalar_dim("cumulative_trapezoid", y, dim)
    if x is None:
        gaps: Any = _constant_spacing("cumulative_trapezoid", y, dx)
    else:
        gaps = _spacing("cumulative_trapezoid", y, x, d)
    heights = _along(y, d, slice(None, -1)) + _along(y, d, slice(1, None))
    return (gaps * heights / 2.0).cumsum(d)


# -- cross product -------------------------------------------------------------------------


class Cross(Function):
    """The cross product of 3-vectors along ``dim``, batch dimensions broadcast.

    ``d(a x b) = da x b + a x db``, so ``a`` gets ``b x grad`` and ``b`` gets
    ``grad x a``.
    """

    @staticmethod
    def forward(ctx: Any, a: Tensor, b: Tensor, dim: int) -> Any:
        ctx.save_for_backward(a, b)
        ctx.dim = dim
        return a.backend.xp.cross(a._data, b._data, axis=dim)

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple[Any, ...]:
        a, b = ctx.saved_tensors
        needs = ctx.needs_input_grad
        ga = Cross.apply(b, grad, ctx.dim) if needs[0] else None
        gb = Cross.apply(grad, a, ctx.dim) if needs[1] else None
        return ga, gb, None


def _default_cross_dim(input: Tensor) -> int:
    """``torch.cross``'s legacy default: the first dimension of size 3 (with a warning)."""
    warnings.warn(
        "Using torch.cross without specifying the dim arg is deprecated.\nPlease either pass the "
        "dim explicitly or simply use torch.linalg.cross.\nThe default value of dim will change "
        "to agree with that of linalg.cross in a future release.",
        UserWarning,
        stacklevel=3,
    )
    for d, size in enumerate(input._data.shape):
        if size == 3:
            return d
    raise RuntimeError("cross: no dimension of size 3 in input")


def cross(input: Tensor, other: Tensor, dim: int | None = None) -> Tensor:
    """The cross product of the 3-vectors of ``input`` and ``other`` along ``dim``.

    ``input`` and ``other`` need the same number of dimensions and dtype; other
    dimensions broadcast. ``dim=None`` (deprecated, with a warning, as in PyTorch)
    takes the first dimension of size 3 of ``input``.

    Shapes: ``(*, 3, *)`` and ``(*, 3, *)`` -> the broadcast shape.

    Examples:
        >>> import neurarust as nr
        >>> nr.cross(nr.tensor([1.0, 0.0, 0.0]), nr.tensor([0.0, 1.0, 0.0]), dim=0)
        tensor([0., 0., 1.])
    """
    require_tensor("cross", "input", input)
    require_tensor("cross", "other", other)
    if dim is None:
        dim = _default_cross_dim(input)
    if input.ndim != other.ndim:
        raise RuntimeError("cross: inputs must have the same number of dimensions.")
    d = _nonscalar_dim("cross", input, int_arg("cross", "dim", dim))
    a_shape, b_shape = input._data.shape, other._data.shape
    if a_shape[d] != 3 or b_shape[d] != 3:
        raise RuntimeError(
            f"cross: inputs dimension {dim} must have length 3. Got {a_shape[d]} and {b_shape[d]}"
        )
    check_broadcastable("cross", a_shape, b_shape)
    _check_same_dtype("cross", input, other)
    if input.dtype is dtypes.bool:
        raise NotImplementedError("cross: not implemented for bool tensors")
    return Cross.apply(input, other, d)
