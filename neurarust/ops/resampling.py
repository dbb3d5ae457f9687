"""Resampling: ``pixel_shuffle``, ``pixel_unshuffle`` and ``interpolate`` (``upsample*``).

``pixel_shuffle`` and ``pixel_unshuffle`` only move elements: a reshape, a
permute and a reshape, whose own gradients apply.

``interpolate`` is separable: every mode computes an output element along one
spatial axis as a weighted sum of a few input elements along that axis
(nearest: one, with weight 1; linear: the two neighbours; bicubic: four), and
resampling a 2-D or 3-D input is resampling each spatial axis in turn. So one
Function, :class:`Resample`, does all the work, one graph node per spatial
axis: it applies a sparse linear map (:class:`Taps`: which input elements each
output reads, with which weights) by gathering and summing. The gradient of a
linear map is its transpose, another such map (each input element collects the
outputs that read it: for nearest, the sum of their gradients), so backward is
:class:`Resample` again, done as a gather rather than a scatter-add, and
gradients of any order work.

The source positions and weights are computed as PyTorch's general CPU kernels
compute them (in float32, or float64 for float64 inputs), so nearest modes pick
exactly the elements PyTorch picks (see :func:`_nearest` for a corner where
PyTorch's own 2-D path differs).
"""

from __future__ import annotations

import operator
import warnings
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from ..autograd.function import Function
from ..tensor import Tensor
from ._util import int_arg, require_tensor
from .pooling import adaptive_avg_pool1d, adaptive_avg_pool2d, adaptive_avg_pool3d

__all__ = [
    "pixel_shuffle",
    "pixel_unshuffle",
    "interpolate",
    "upsample",
    "upsample_nearest",
    "upsample_bilinear",
]


# -- pixel shuffle ----------------------------------------------------------------------


def _shuffle_args(op: str, input: Tensor, name: str, factor: Any) -> int:
    """``factor`` as an int, after PyTorch's checks of it and of ``input``'s rank."""
    require_tensor(op, "input", input)
    factor = int_arg(op, name, factor)
    if factor <= 0:
        raise RuntimeError(f"{op} expects a positive {name}, but got {factor}")
    if input.ndim < 3:
        raise RuntimeError(
            f"{op} expects input to have at least 3 dimensions, but got input with "
            f"{input.ndim} dimension(s)"
        )
    return factor


def pixel_shuffle(input: Tensor, upscale_factor: int) -> Tensor:
    """Rearrange ``(*, C * r**2, H, W)`` into ``(*, C, H * r, W * r)``, with ``r`` the
    ``upscale_factor``: the ``r * r`` channels of a group become an ``r x r`` block of
    pixels (sub-pixel convolution, Shi et al. 2016).

    The result is a new tensor; its gradient is the inverse rearrangement.

    Examples:
        >>> import neurarust as nr
        >>> x = nr.arange(8).reshape(1, 8, 1, 1)
        >>> nr.nn.functional.pixel_shuffle(x, 2)
        tensor([[[[0, 1],
                  [2, 3]],
        <BLANKLINE>
                 [[4, 5],
                  [6, 7]]]])
    """
    r = _shuffle_args("pixel_shuffle", input, "upscale_factor", upscale_factor)
    *batch, channels, height, width = input.shape
    if channels % (r * r):
        raise RuntimeError(
            "pixel_shuffle expects its input's 'channel' dimension to be divisible by the "
            f"square of upscale_factor, but input.size(-3)={channels} is not divisible by {r * r}"
        )
    if r == 1:
        return input.clone()
    n = len(batch)
    blocks = input.reshape(*batch, channels // (r * r), r, r, height, width)
    # (..., c, i, j, h, w) -> (..., c, h, i, w, j): row i of a block goes under pixel row h.
    blocks = blocks.permute(*range(n + 1), n + 3, n + 1, n + 4, n + 2)
    return blocks.reshape(*batch, channels // (r * r), height * r, width * r)


def pixel_unshuffle(input: Tensor, downscale_factor: int) -> Tensor:
    """Rearrange ``(*, C, H * r, W * r)`` into ``(*, C * r**2, H, W)``, with ``r`` the
    ``downscale_factor``: the inverse of :func:`pixel_shuffle`.

    Examples:
        >>> import neurarust as nr
        >>> x = nr.arange(4).reshape(1, 1, 2, 2)
        >>> nr.nn.functional.pixel_unshuffle(x, 2).flatten()
        tensor([0, 1, 2, 3])
    """
    r = _shuffle_args("pixel_unshuffle", input, "downscale_factor", downscale_factor)
    *batch, channels, height, width = input.shape
    for name, dim, size in (("height", -2, height), ("width", -1, width)):
        if size % r:
            raise RuntimeError(
                f"pixel_unshuffle expects {name} to be divisible by downscale_factor, but "
                f"input.size({dim})={size} is not divisible by {r}"
            )
    if r == 1:
        return input.clone()
    n = len(batch)
    pixels = input.reshape(*batch, channels, height // r, r, width // r, r)
    # (..., c, h, i, w, j) -> (..., c, i, j, h, w)
    pixels = pixels.permute(*range(n + 1), n + 2, n + 4, n + 1, n + 3)
    return pixels.reshape(*batch, channels * r * r, height // r, width // r)


# -- the Function of interpolate: a sparse linear map along one axis --------------------


class Taps:
    """A linear map along one axis from ``in_size`` elements to ``index.shape[1]``:
    output ``j`` is ``sum over t of weights[t, j] * input[index[t, j]]``.

    ``index`` and ``weights`` are ``(T, out_size)`` host arrays; ``weights`` None
    means all ones (copies, or sums of copies, without a multiplication). An index
    equal to ``in_size`` reads a zero: padding, where fewer than ``T`` taps are needed.
    """

    __slots__ = ("index", "weights", "in_size", "padded", "_transposed")

    def __init__(self, index: np.ndarray, weights: np.ndarray | None, in_size: int) -> None:
        self.index, self.weights, self.in_size = index, weights, in_size
        self.padded = bool((index == in_size).any())
        self._transposed: Taps | None = None

    def transposed(self) -> Taps:
        """The transposed map (the gradient of this one), computed once.

        Output ``j`` of this map read input ``i`` with weight ``w`` exactly when
        output ``i`` of the transpose reads input ``j`` with weight ``w``: the
        taps are regrouped by the input they read.
        """
        if self._transposed is None:
            self._transposed = _transpose(self)
            self._transposed._transposed = self
        return self._transposed


def _transpose(taps: Taps) -> Taps:
    """The taps of ``taps`` regrouped by the input element they read (see ``transposed``)."""
    depth, out_size = taps.index.shape
    sources = taps.index.ravel()
    targets = np.tile(np.arange(out_size), depth)
    real = sources < taps.in_size
    order = np.argsort(sources[real], kind="stable")
    sources, targets = sources[real][order], targets[real][order]
    counts = np.bincount(sources, minlength=taps.in_size)
    rank = np.arange(len(sources)) - (np.cumsum(counts) - counts)[sources]  # place in group
    new_depth = max(int(counts.max(initial=0)), 1)
    index = np.full((new_depth, taps.in_size), out_size)  # out_size: padding, reads a zero
    index[rank, sources] = targets
    if taps.weights is None:
        return Taps(index, None, out_size)
    weights = np.zeros((new_depth, taps.in_size), dtype=taps.weights.dtype)
    weights[rank, sources] = taps.weights.ravel()[real][order]
    return Taps(index, weights, out_size)


def _along(vector: Any, axis: int, ndim: int) -> Any:
    """A 1-D array shaped to broadcast along ``axis`` of an ``ndim``-D array."""
    return vector.reshape((-1,) + (1,) * (ndim - axis - 1))


class Resample(Function):
    """The map ``taps`` applied along ``axis`` of ``input``: a gather of ``T`` elements
    per output position, weighted and summed. Its gradient is the transposed map, so
    the backward is this op again and gradients of any order work.
    """

    @staticmethod
    def forward(ctx: Any, input: Tensor, axis: int, taps: Taps) -> Any:
        ctx.axis, ctx.taps = axis, taps
        data, backend = input._data, input.backend
        xp = backend.xp
        if taps.padded:
            zero_shape = list(data.shape)
            zero_shape[axis] = 1
            data = xp.concatenate([data, xp.zeros(zero_shape, dtype=data.dtype)], axis=axis)
        index = backend.asarray(taps.index)
        if taps.weights is None:
            out = xp.take(data, index[0], axis=axis)
            for t in range(1, len(index)):
                out += xp.take(data, index[t], axis=axis)
            return out
        weights = backend.asarray(taps.weights)
        out = xp.take(data, index[0], axis=axis) * _along(weights[0], axis, data.ndim)
        for t in range(1, len(index)):
            out += xp.take(data, index[t], axis=axis) * _along(weights[t], axis, data.ndim)
        return out.astype(data.dtype, copy=False)

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple[Any, ...]:
        return Resample.apply(grad, ctx.axis, ctx.taps.transposed()), None, None


# -- source positions and weights, per mode (host-side, as PyTorch's CPU kernels) -------

# (index, weights) of one axis: index (K, out_size) int64, weights (K, out_size) or None.
Sources = tuple[np.ndarray, np.ndarray | None]


def _inverse_scale(in_size: int, out_size: int, scale: float | None, ctype: Any) -> Any:
    """Input steps per output step: ``1 / scale_factor`` when one is used, else
    ``in_size / out_size``, in the computation dtype ``ctype``."""
    if scale is not None and scale > 0:
        return ctype(1.0 / scale)
    return ctype(in_size) / ctype(out_size)


def _nearest(in_size: int, out_size: int, scale: float | None, ctype: Any) -> Sources:
    """Input element ``floor(j * in / out)`` (PyTorch's legacy "nearest", as OpenCV's).

    As PyTorch's general CPU kernel, even where the output size equals the input
    size (or twice it) while the scale factor does not: PyTorch's 2-D path for
    small images copies (or halves the index) there instead.
    """
    step = _inverse_scale(in_size, out_size, scale, ctype)
    return _nearest_sources(step * np.arange(out_size, dtype=ctype), in_size)


def _nearest_exact(in_size: int, out_size: int, scale: float | None, ctype: Any) -> Sources:
    """The input element whose centre is nearest: ``floor((j + 0.5) * in / out)``, as
    Pillow and SciPy."""
    centres = _source_positions(in_size, out_size, scale, False, ctype, cubic=False)
    return _nearest_sources(centres.astype(np.float64) + 0.5, in_size)


def _nearest_sources(positions: Any, in_size: int) -> Sources:
    """The element at each of ``positions``, rounded to float32 first as PyTorch's
    kernels do (they floor with ``floorf``), and clamped to the last element."""
    floor = np.floor(positions.astype(np.float32)).astype(np.int64)
    return np.minimum(floor, in_size - 1)[None], None


def _source_positions(
    in_size: int, out_size: int, scale: float | None, align_corners: bool, ctype: Any, cubic: bool
) -> Any:
    """Real-valued source position of each output position, in ``ctype``.

    With ``align_corners`` the first and last pixel centres of input and output
    coincide; without it, pixel edges do (positions below 0 are clamped to 0,
    except for bicubic, which reads the neighbours beyond the edge).
    """
    j = np.arange(out_size, dtype=ctype)
    if align_corners:
        step = ctype(in_size - 1) / ctype(out_size - 1) if out_size > 1 else ctype(0)
        return step * j
    step = _inverse_scale(in_size, out_size, scale, ctype)
    source = step * (j + ctype(0.5)) - ctype(0.5)
    return source if cubic else np.maximum(source, ctype(0))


def _floor_and_fraction(source: Any, in_size: int) -> tuple[Any, Any]:
    """The integer part of each position (at most ``in_size - 1``) and the rest, in [0, 1]."""
    floor = np.minimum(np.floor(source).astype(np.int64), in_size - 1)
    fraction = np.clip(source - floor.astype(source.dtype), 0, 1)
    return floor, fraction


def _linear(
    in_size: int, out_size: int, scale: float | None, align_corners: bool, ctype: Any
) -> Sources:
    """The two neighbours of each source position, weighted by closeness."""
    source = _source_positions(in_size, out_size, scale, align_corners, ctype, cubic=False)
    left, fraction = _floor_and_fraction(source, in_size)
    right = np.minimum(left + 1, in_size - 1)
    return np.stack([left, right]), np.stack([1 - fraction, fraction])


# Keys' cubic convolution coefficient, as PyTorch (and OpenCV) use for bicubic.
_CUBIC_A = -0.75


def _cubic_near(x: Any) -> Any:
    """Keys' kernel for distances ``|x| <= 1``."""
    return ((_CUBIC_A + 2) * x - (_CUBIC_A + 3)) * x * x + 1


def _cubic_far(x: Any) -> Any:
    """Keys' kernel for distances ``1 < |x| < 2``."""
    return ((_CUBIC_A * x - 5 * _CUBIC_A) * x + 8 * _CUBIC_A) * x - 4 * _CUBIC_A


def _bicubic(
    in_size: int, out_size: int, scale: float | None, align_corners: bool, ctype: Any
) -> Sources:
    """The four neighbours ``floor - 1 .. floor + 2`` (clamped to the edge), weighted
    by Keys' cubic kernel."""
    source = _source_positions(in_size, out_size, scale, align_corners, ctype, cubic=True)
    floor, t = _floor_and_fraction(source, in_size)
    index = np.stack([np.clip(floor + k, 0, in_size - 1) for k in (-1, 0, 1, 2)])
    one = ctype(1)
    weights = np.stack(
        [_cubic_far(t + one), _cubic_near(t), _cubic_near(one - t), _cubic_far(2 - t)]
    )
    return index, weights.astype(ctype)


_NEAREST_MODES: dict[str, Callable[..., Sources]] = {
    "nearest": _nearest,
    "nearest-exact": _nearest_exact,
}
# The interpolating modes and the rank of input each needs.
_INTERPOLATING_MODES: dict[str, tuple[Callable[..., Sources], int]] = {
    "linear": (_linear, 3),
    "bilinear": (_linear, 4),
    "trilinear": (_linear, 5),
    "bicubic": (_bicubic, 4),
}
# Mode 'area' is adaptive average pooling to the output size, for 3-D, 4-D and 5-D input.
_ADAPTIVE_AVG_POOLS = (adaptive_avg_pool1d, adaptive_avg_pool2d, adaptive_avg_pool3d)
_ALL_MODES = "nearest | linear | bilinear | bicubic | trilinear | lanczos | area | nearest-exact"


# -- interpolate: argument checks -------------------------------------------------------


# How PyTorch's spatial-rank error names each argument: (subject, noun, format).
_ARGUMENT_WORDS = {
    "size": ("output", "output size of", "output size in (o1, o2, ...,oK)"),
    "scale_factor": ("scale_factor", "scale_factor of shape", "scale_factor in (s1, s2, ...,sK)"),
}


def _per_axis(value: Any, spatial: int, name: str, input: Tensor) -> list[Any] | None:
    """``value`` as one entry per spatial axis (a scalar is repeated); None if None."""
    if value is None:
        return None
    if not isinstance(value, Sequence):
        return [value] * spatial
    if len(value) != spatial:
        subject, noun, form = _ARGUMENT_WORDS[name]
        raise ValueError(
            f"interpolate: Input and {subject} must have the same number of spatial "
            f"dimensions, but got input with spatial dimensions of {list(input.shape[2:])} and "
            f"{noun} {value}. Please provide input tensor in (N, C, d1, d2, ...,dK) format and "
            f"{form} format."
        )
    return list(value)


def _integer_sizes(sizes: list[Any]) -> list[int]:
    """``sizes`` as ints; TypeError listing their types otherwise (``size=(2.0, 3)``)."""
    try:
        return [operator.index(s) for s in sizes]
    except TypeError:
        raise TypeError(
            "interpolate: expected size to be one of int or Tuple[int] or Tuple[int, int] or "
            f"Tuple[int, int, int], but got size with types {[type(s) for s in sizes]}"
        ) from None


def _output_geometry(
    input: Tensor, size: Any, scale_factor: Any, recompute_scale_factor: bool | None
) -> tuple[list[int], list[float | None]]:
    """The output size of each spatial axis and the scale factor its source positions
    use (None: ``in_size / out_size``), by PyTorch's rules."""
    spatial = input.ndim - 2
    if size is not None and scale_factor is not None:
        raise ValueError("interpolate: only one of size or scale_factor should be defined")
    if size is None and scale_factor is None:
        raise ValueError("interpolate: either size or scale_factor should be defined")
    sizes = _per_axis(size, spatial, "size", input)
    scales = _per_axis(scale_factor, spatial, "scale_factor", input)
    if recompute_scale_factor and sizes is not None:
        raise ValueError(
            "interpolate: recompute_scale_factor is not meaningful with an explicit size."
        )
    if sizes is not None:
        return _integer_sizes(sizes), [None] * spatial
    assert scales is not None
    scales = [float(s) for s in scales]
    # Truncation toward zero, as PyTorch (floor for the positive sizes that make sense).
    sizes = [int(n * s) for n, s in zip(input.shape[2:], scales)]
    return sizes, [None] * spatial if recompute_scale_factor else scales


def _check_mode(input: Tensor, mode: str, antialias: bool) -> None:
    """PyTorch's errors for a mode that does not fit the input's rank."""
    ndim = input.ndim
    if antialias and not (mode in ("bilinear", "bicubic", "lanczos") and ndim == 4):
        raise ValueError(
            "interpolate: Anti-alias option is restricted to bilinear, bicubic, and lanczos "
            "modes and requires a 4-D tensor as input"
        )
    if (mode in _NEAREST_MODES or mode == "area") and 3 <= ndim <= 5:
        return
    if mode in _INTERPOLATING_MODES:
        needed = _INTERPOLATING_MODES[mode][1]
        if ndim == needed:
            return
        if 3 <= ndim <= 5:
            raise NotImplementedError(
                f"interpolate: Got {ndim}D input, but {mode} mode needs {needed}D input"
            )
    raise NotImplementedError(
        f"interpolate: Input Error: Only 3D, 4D and 5D input Tensors supported (got {ndim}D) "
        f"for the modes: {_ALL_MODES} (got {mode})"
    )


def _check_sizes(input: Tensor, sizes: list[int]) -> None:
    """RuntimeError, as PyTorch's, when an input or output spatial size is not positive."""
    spatial_in = input.shape[2:]
    if min(sizes) > 0 and min(spatial_in) > 0:
        return
    names = "DHW"[3 - len(sizes) :]

    def describe(shape: Sequence[int]) -> str:
        return ", ".join(f"{name}: {n}" for name, n in zip(names, shape))

    raise RuntimeError(
        "interpolate: Input and output sizes should be greater than 0, but got input "
        f"({describe(spatial_in)}) output ({describe(sizes)})"
    )


def _check_dtype(input: Tensor, mode: str) -> None:
    """PyTorch resamples floating point tensors, and uint8 ones with nearest modes."""
    dtype = input.dtype
    if dtype.is_floating_point or (mode in _NEAREST_MODES and dtype.name == "uint8"):
        return
    raise NotImplementedError(f"interpolate: mode '{mode}' is not implemented for {dtype.name}")


# -- interpolate ------------------------------------------------------------------------


def interpolate(
    input: Tensor,
    size: int | Sequence[int] | None = None,
    scale_factor: float | Sequence[float] | None = None,
    mode: str = "nearest",
    align_corners: bool | None = None,
    recompute_scale_factor: bool | None = None,
    antialias: bool = False,
) -> Tensor:
    """Resize the spatial dimensions of ``input`` to ``size``, or by ``scale_factor``.

    Shapes: ``input`` is ``(N, C, W)``, ``(N, C, H, W)`` or ``(N, C, D, H, W)``;
    the output keeps ``N`` and ``C``. Give exactly one of ``size`` (an int or one
    per spatial dimension) and ``scale_factor`` (a float or one per dimension;
    the output size is ``floor(in_size * scale_factor)``).

    Modes: ``'nearest'`` (PyTorch's legacy rule ``floor(j * in / out)``),
    ``'nearest-exact'`` (the nearest pixel centre, as Pillow and SciPy) and
    ``'area'`` (the average of each adaptive window: :func:`adaptive_avg_pool2d`
    and its 1-D and 3-D forms) for any rank; ``'linear'`` (3-D input),
    ``'bilinear'`` (4-D), ``'bicubic'`` (4-D) and ``'trilinear'`` (5-D).
    ``align_corners=True`` (interpolating modes only) maps the corner pixel
    centres onto each other; the default False maps the pixel edges. When
    ``scale_factor`` is given, the source positions use it (``j /
    scale_factor``), unless ``recompute_scale_factor=True`` asks for the ratio
    of the computed sizes instead, as in PyTorch. ``antialias=True`` is not
    supported.

    Gradients flow to ``input`` (nearest: summed over the outputs that copied
    an element; interpolating modes: spread back with the interpolation weights),
    to any order.

    Examples:
        >>> import neurarust as nr
        >>> x = nr.tensor([[[1.0, 2.0]]])
        >>> nr.nn.functional.interpolate(x, scale_factor=2)
        tensor([[[1., 1., 2., 2.]]])
        >>> nr.nn.functional.interpolate(x, size=4, mode="linear")
        tensor([[[1.0000, 1.2500, 1.7500, 2.0000]]])
        >>> nr.nn.functional.interpolate(x, size=3, mode="linear", align_corners=True)
        tensor([[[1.0000, 1.5000, 2.0000]]])
    """
    require_tensor("interpolate", "input", input)
    if mode in _NEAREST_MODES or mode == "area":
        if align_corners is not None:
            raise ValueError(
                "interpolate: align_corners option can only be set with the interpolating "
                "modes: linear | bilinear | bicubic | trilinear"
            )
    sizes, scales = _output_geometry(input, size, scale_factor, recompute_scale_factor)
    _check_mode(input, mode, antialias)
    if antialias:
        raise NotImplementedError("interpolate: antialias=True is not supported by neurarust")
    _check_sizes(input, sizes)
    _check_dtype(input, mode)
    if mode == "area":
        return _ADAPTIVE_AVG_POOLS[input.ndim - 3](input, sizes)
    ctype = np.float64 if input.dtype.name == "float64" else np.float32
    out = input
    for axis, (out_size, scale) in enumerate(zip(sizes, scales), start=2):
        in_size = input.shape[axis]
        if mode in _NEAREST_MODES:
            index, weights = _NEAREST_MODES[mode](in_size, out_size, scale, ctype)
        else:
            sources = _INTERPOLATING_MODES[mode][0]
            index, weights = sources(in_size, out_size, scale, bool(align_corners), ctype)
        out = Resample.apply(out, axis, Taps(index, weights, in_size))
    return out


# -- deprecated aliases -----------------------------------------------------------------


def _deprecated(name: str) -> None:
    warnings.warn(
        f"`nn.functional.{name}` is deprecated. Use `nn.functional.interpolate` instead.",
        stacklevel=3,
    )


def upsample(
    input: Tensor,
    size: int | Sequence[int] | None = None,
    scale_factor: float | Sequence[float] | None = None,
    mode: str = "nearest",
    align_corners: bool | None = None,
) -> Tensor:
    """Deprecated alias of :func:`interpolate` (warns, as PyTorch).

    Examples:
        >>> import warnings, neurarust as nr
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter("ignore")
        ...     nr.nn.functional.upsample(nr.ones(1, 1, 2), scale_factor=2).shape
        neurarust.Size([1, 1, 4])
    """
    _deprecated("upsample")
    return interpolate(input, size, scale_factor, mode, align_corners)


def upsample_nearest(
    input: Tensor,
    size: int | Sequence[int] | None = None,
    scale_factor: float | Sequence[float] | None = None,
) -> Tensor:
    """Deprecated: :func:`interpolate` with ``mode='nearest'`` (warns, as PyTorch).

    Examples:
        >>> import warnings, neurarust as nr
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter("ignore")
        ...     nr.nn.functional.upsample_nearest(nr.ones(1, 1, 2, 2), size=3).shape
        neurarust.Size([1, 1, 3, 3])
    """
    _deprecated("upsample_nearest")
    return interpolate(input, size, scale_factor, mode="nearest")


def upsample_bilinear(
    input: Tensor,
    size: int | Sequence[int] | None = None,
    scale_factor: float | Sequence[float] | None = None,
) -> Tensor:
    """Deprecated: :func:`interpolate` with ``mode='bilinear', align_corners=True``
    (warns, as PyTorch). Shapes: ``(N, C, H, W)``.

    Examples:
        >>> import warnings, neurarust as nr
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter("ignore")
        ...     nr.nn.functional.upsample_bilinear(nr.ones(1, 1, 2, 2), scale_factor=2).shape
        neurarust.Size([1, 1, 4, 4])
    """
    _deprecated("upsample_bilinear")
    return interpolate(input, size, scale_factor, mode="bilinear", align_corners=True)
