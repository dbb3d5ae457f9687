"""Padding: :func:`pad` (``nn.functional.pad``) in PyTorch's four modes.

``pad`` lists (before, after) amounts starting from the LAST dimension:
``(1, 2)`` pads the last dim by 1 in front and 2 behind, ``(1, 2, 3, 4)``
pads it likewise and the one before it by 3 and 4. A negative amount crops.

Two Functions do the work:

- :class:`ConstantPad` fills the new border with a constant. Its backward
  is a constant pad by the negated amounts (a crop, with zeros where the
  forward cropped), so the op is closed under differentiation.
- :class:`IndexPad` covers 'reflect', 'replicate' and 'circular': along
  each padded dim, output position ``j`` reads input position ``index[j]``,
  an index array computed on the host from the mode (a gather). Its
  backward, :class:`IndexPadAdjoint`, adds each gradient back where it was
  read from, and its own backward is the gather again.

In 'reflect' and 'replicate' mode a negative amount crops after padding
(the index is that of the padded input); in 'circular' mode it crops first
and the cropped input wraps around, as in PyTorch.
"""

from __future__ import annotations

import functools
import math
import numbers
import operator
from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np

from ..autograd.function import Function
from ..tensor import Tensor
from ._util import require_tensor

__all__ = ["pad"]

Pairs = tuple[tuple[int, int], ...]  # (before, after) per padded dim, first dim first


# -- constant padding ------------------------------------------------------------------


def _kept(size: int, before: int, after: int) -> tuple[slice, slice]:
    """Where the input's part that is not cropped lies along one dim, in the output and in
    the input (slices of the same length, empty when negative amounts crop everything)."""
    start = max(-before, 0)
    length = max(size - start - max(-after, 0), 0)
    return slice(max(before, 0), max(before, 0) + length), slice(start, start + length)


def _constant_padded(data: Any, pairs: Pairs, value: Any, xp: Any) -> Any:
    """``data`` padded with ``value`` (or cropped) along its last ``len(pairs)`` dims."""
    lead = data.ndim - len(pairs)
    shape = data.shape[:lead] + tuple(
        n + before + after for n, (before, after) in zip(data.shape[lead:], pairs)
    )
    out = xp.full(shape, value, dtype=data.dtype)
    kept = [_kept(n, *pair) for n, pair in zip(data.shape[lead:], pairs)]
    leading = (slice(None),) * lead
    out[leading + tuple(o for o, _ in kept)] = data[leading + tuple(i for _, i in kept)]
    return out


def _negated(pairs: Pairs) -> Pairs:
    return tuple((-before, -after) for before, after in pairs)


class ConstantPad(Function):
    """The input with a border of ``value`` (negative amounts crop)."""

    @staticmethod
    def forward(ctx: Any, input: Tensor, pairs: Pairs, value: Any) -> Any:
        ctx.pairs = pairs
        return _constant_padded(input._data, pairs, value, input.backend.xp)

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple[Any, ...]:
        return ConstantPad.apply(grad, _negated(ctx.pairs), 0), None, None


# -- reflect, replicate, circular: gathers ------------------------------------------------


class Axis(NamedTuple):
    """How one padded dim is filled: output position ``j`` reads input ``index[j]``."""

    dim: int
    pair: tuple[int, int]  # the (before, after) amounts
    index: Any  # a device int64 array, one entry per output position
    border: tuple[tuple[int, int], ...]  # (j, index[j]) outside the kept part, as ints


class IndexPad(Function):
    """The input gathered along each padded dim at its ``Axis.index``."""

    @staticmethod
    def forward(ctx: Any, input: Tensor, axes: tuple[Axis, ...]) -> Any:
        ctx.axes = axes
        data, xp = input._data, input.backend.xp
        for axis in axes:
            data = xp.take(data, axis.index, axis=axis.dim)
        return data if axes else data.copy()  # a new array even when nothing is padded

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple[Any, ...]:
        return IndexPadAdjoint.apply(grad, ctx.axes), None


class IndexPadAdjoint(Function):
    """The adjoint of :class:`IndexPad`: each value added back where it was read from."""

    @staticmethod
    def forward(ctx: Any, grad: Tensor, axes: tuple[Axis, ...]) -> Any:
        ctx.axes = axes
        data, xp = grad._data, grad.backend.xp
        for axis in reversed(axes):
            data = _added_back(data, axis, xp)
        return data if axes else data.copy()

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple[Any, ...]:
        return IndexPad.apply(grad, ctx.axes), None


def _added_back(data: Any, axis: Axis, xp: Any) -> Any:
    """The adjoint of the gather along one axis: the kept part is moved back in place
    (a crop by the negated amounts), then each border slice is added where it came from."""
    trailing = ((0, 0),) * (data.ndim - 1 - axis.dim)
    before, after = axis.pair
    out = _constant_padded(data, ((-before, -after),) + trailing, 0, xp)
    leading = (slice(None),) * axis.dim
    for j, i in axis.border:  # a few slices: the border is thin
        out[leading + (i,)] += data[leading + (j,)]
    return out


def _reflect_index(size: int, before: int, after: int) -> Any:
    position = np.arange(-before, size + after)  # in the unpadded input's coordinates
    return (size - 1) - np.abs(size - 1 - np.abs(position))


def _replicate_index(size: int, before: int, after: int) -> Any:
    return np.clip(np.arange(-before, size + after), 0, size - 1)


def _circular_index(size: int, before: int, after: int) -> Any:
    start = max(-before, 0)  # negative amounts crop first; the rest wraps around
    kept = size - start - max(-after, 0)
    out_size = size + before + after
    if out_size == 0:
        return np.arange(0)
    return start + (np.arange(out_size) - max(before, 0)) % kept


_INDEX = {"reflect": _reflect_index, "replicate": _replicate_index, "circular": _circular_index}


@functools.lru_cache(maxsize=256)
def _gather_plan(mode: str, size: int, before: int, after: int) -> tuple[Any, Any]:
    """The host index of one padded dim, and its ``(j, index[j])`` pairs outside the kept
    part. Cached: a layer pads inputs of the same size at every call."""
    index = _INDEX[mode](size, before, after).astype(np.int64)
    index.flags.writeable = False
    kept, _ = _kept(size, before, after)
    positions = np.arange(len(index))
    border = positions[(positions < kept.start) | (positions >= kept.stop)]
    return index, tuple(zip(border.tolist(), index[border].tolist()))


def _axes(input: Tensor, pairs: Pairs, mode: str) -> tuple[Axis, ...]:
    """The gather plan of ``input`` padded by ``pairs`` in ``mode`` (dims left as they are
    need no gather)."""
    axes = []
    for dim, size, before, after in _padded_dims(input, pairs):
        if before or after:
            index, border = _gather_plan(mode, size, before, after)
            axes.append(Axis(dim, (before, after), input.backend.asarray(index), border))
    return tuple(axes)


# -- checks ----------------------------------------------------------------------------


def _amounts(pad: Any) -> tuple[int, ...]:
    """The ``pad`` argument as a tuple of ints; TypeError as PyTorch's otherwise."""
    if not isinstance(pad, (tuple, list)):
        raise TypeError(f"pad(): argument 'pad' must be tuple of ints, not {type(pad).__name__}")
    for pos, amount in enumerate(pad):
        if isinstance(amount, bool) or not hasattr(amount, "__index__"):
            raise TypeError(
                "pad(): argument 'pad' must be tuple of ints, but found element of type "
                f"{type(amount).__name__} at pos {pos}"
            )
    return tuple(operator.index(amount) for amount in pad)


def _fill_value(value: Any, dtype: Any) -> Any:
    """``value`` (None means 0) for an array of NumPy ``dtype``: integers truncate it,
    and a value out of the dtype's range is a RuntimeError, as in PyTorch."""
    if value is None:
        return 0
    if isinstance(value, Tensor):
        value = value.item()
    if not isinstance(value, numbers.Real):
        raise TypeError(f"pad(): argument 'value' must be float, not {type(value).__name__}")
    if dtype.kind == "b":
        return bool(value)
    number = float(value)  # PyTorch takes the value as a double
    info = np.finfo(dtype) if dtype.kind == "f" else np.iinfo(dtype)
    finite = math.isfinite(number)
    if (finite and not info.min <= number <= info.max) or (not finite and dtype.kind != "f"):
        raise RuntimeError(
            f"pad: value {value} cannot be converted to type {dtype} without overflow"
        )
    return number if dtype.kind == "f" else int(number)


def _padded_dims(input: Tensor, pairs: Pairs) -> list[tuple[int, int, int, int]]:
    """``(dim, size, before, after)`` for each dim of ``input`` that ``pairs`` pads."""
    lead = input.ndim - len(pairs)
    return [(lead + k, input._data.shape[lead + k], *pair) for k, pair in enumerate(pairs)]


def _check_constant(input: Tensor, pairs: Pairs) -> None:
    for dim, size, before, after in _padded_dims(input, pairs):
        if size + min(before, 0) + min(after, 0) < 0:
            raise RuntimeError(
                f"pad: narrow(): length must be non-negative: padding ({before}, {after}) "
                f"crops more than the size {size} of dimension {dim}"
            )


def _check_index_mode(input: Tensor, pairs: Pairs, mode: str, value: Any) -> None:
    """PyTorch's checks for 'reflect', 'replicate' and 'circular' padding."""
    if value is not None and value != 0:
        raise RuntimeError(f'pad: Padding mode "{mode}" doesn\'t take in value argument')
    dims, ndim = len(pairs), input.ndim
    if ndim not in (dims + 1, dims + 2):
        raise NotImplementedError(
            f"pad: Padding size {2 * dims} is not supported for {ndim}D input tensor. "
            f"{mode.capitalize()} padding of {dims} dim(s) takes a {dims + 1}D (unbatched) or "
            f"{dims + 2}D (batched) input"
        )
    if mode == "circular":
        _check_circular(input, pairs)
        return
    kernel = f"{'reflection' if mode == 'reflect' else 'replication'}_pad{dims}d"
    if input.dtype.name == "bool":
        raise NotImplementedError(f"pad: \"{kernel}\" not implemented for 'Bool'")
    shape = input._data.shape
    if 0 in (shape[1:] if ndim == dims + 2 else shape):  # only a batch dim may be empty
        raise RuntimeError(
            f"pad: Expected {dims + 1}D or {dims + 2}D (batch mode) tensor with possibly 0 "
            f"batch size and other non-zero dimensions for input, but got: {list(input.shape)}"
        )
    if mode == "reflect":
        _check_reflect(input, pairs)
    _check_output_size(input, pairs)


def _check_reflect(input: Tensor, pairs: Pairs) -> None:
    """Reflection reaches at most ``size - 1`` positions beyond an edge."""
    for k, (dim, size, before, after) in enumerate(reversed(_padded_dims(input, pairs))):
        if before >= size or after >= size:  # the last dim checked first, as in PyTorch
            raise RuntimeError(
                f"pad: Argument #{4 + 2 * k}: Padding size should be less than the "
                f"corresponding input dimension, but got: padding ({before}, {after}) at "
                f"dimension {dim} of input {list(input.shape)}"
            )


def _check_output_size(input: Tensor, pairs: Pairs) -> None:
    sizes = input._data.shape[input.ndim - len(pairs) :]
    outputs = [n + before + after for n, (before, after) in zip(sizes, pairs)]
    if all(n < 1 for n in outputs) or any(n < 0 for n in outputs):
        names = "DHW"[3 - len(pairs) :]
        given = ", ".join(f"{name}: {n}" for name, n in zip(names, sizes))
        got = ", ".join(f"{name}: {n}" for name, n in zip(names, outputs))
        raise RuntimeError(f"pad: input ({given}) is too small. Calculated output {got}")


def _check_circular(input: Tensor, pairs: Pairs) -> None:
    """Circular padding wraps around by at most the input's size (the cropped input may
    then wrap more than once: PyTorch does so when it can, and otherwise refuses)."""
    for dim, size, before, after in _padded_dims(input, pairs):
        if before > size or after > size:
            raise RuntimeError("pad: Padding value causes wrapping around more than once.")
        if size + before + after < 0:
            raise RuntimeError("pad: Negative padding value is resulting in an empty dimension")
        if size + min(before, 0) + min(after, 0) == 0 and size + before + after > 0:
            raise RuntimeError(
                f"pad: circular padding ({before}, {after}) of dimension {dim} crops the whole "
                "input, which leaves nothing to wrap around"
            )


# -- the public function -----------------------------------------------------------------


def pad(
    input: Tensor, pad: Sequence[int], mode: str = "constant", value: float | None = None
) -> Tensor:
    """Pad (or, with negative amounts, crop) the last ``len(pad) // 2`` dims of ``input``.

    ``pad`` holds (before, after) amounts starting from the last dim:
    ``(left, right)``, ``(left, right, top, bottom)``, ``(left, right, top,
    bottom, front, back)``. ``mode`` is

    - ``'constant'``: new entries are ``value`` (default 0); any number of dims.
    - ``'reflect'``: the input mirrored at its edges, without repeating them
      (amounts smaller than the dim).
    - ``'replicate'``: the edge values repeated.
    - ``'circular'``: the input wrapped around (amounts at most the dim).

    The last three pad 1, 2 or 3 dims of an unbatched ``(C, *spatial)`` or
    batched ``(N, C, *spatial)`` input.

    Shapes: ``input (*, S_1, ..., S_k)`` -> ``(*, S_1 + b_1 + a_1, ...,
    S_k + b_k + a_k)``, where ``(b_i, a_i)`` are the amounts of dim ``S_i``.

    Examples:
        >>> import neurarust as nr
        >>> import neurarust.nn.functional as F
        >>> x = nr.tensor([[[1.0, 2.0, 3.0]]])
        >>> F.pad(x, (2, 1), mode="reflect")
        tensor([[[3., 2., 1., 2., 3., 2.]]])
        >>> F.pad(x, (1, -1), value=9.0)
        tensor([[[9., 1., 2.]]])
    """
    require_tensor("pad", "input", input)
    amounts = _amounts(pad)
    if not isinstance(mode, str):
        raise TypeError(f"pad(): argument 'mode' must be str, not {type(mode).__name__}")
    if mode not in ("constant", *_INDEX):
        raise NotImplementedError(f"pad: Unrecognised padding mode {mode}")
    if len(amounts) % 2:
        raise RuntimeError("pad: Padding length must be divisible by 2")
    if len(amounts) > 2 * input.ndim:
        raise RuntimeError(
            "pad: Padding length should be less than or equal to two times the input "
            f"dimension but got padding length {len(amounts)} and input of dimension "
            f"{input.ndim}"
        )
    pairs = tuple((amounts[k], amounts[k + 1]) for k in range(len(amounts) - 2, -1, -2))
    if mode == "constant":
        fill = _fill_value(value, input._data.dtype)
        _check_constant(input, pairs)
        return ConstantPad.apply(input, pairs, fill)
    _check_index_mode(input, pairs, mode, value)
    return IndexPad.apply(input, _axes(input, pairs, mode))
