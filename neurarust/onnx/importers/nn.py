"""Layer ONNX operators, run with ``neurarust.nn.functional``.

- ``Gemm``;
- ``Conv``, ``ConvTranspose`` (1 to 3 spatial dims; ``auto_pad``, asymmetric pads,
  ``output_shape``);
- ``MaxPool`` (with its ``Indices``), ``AveragePool``, ``GlobalMaxPool``,
  ``GlobalAveragePool``;
- ``BatchNormalization`` (batch statistics and an in-place update of the running
  statistics in training mode, as ``torch.nn.BatchNorm``), ``InstanceNormalization``,
  ``LayerNormalization``, ``GroupNormalization`` (opset 18's per-group and opset 21's
  per-channel scale), ``LRN``;
- ``Dropout`` (identity in eval mode);
- ``Resize`` and ``Upsample``, in the modes that ``interpolate`` has.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

from ... import ops
from ...nn import functional as F
from ...tensor import Tensor
from . import NodeContext, implements, ints

Ints = tuple[int, ...]
Pairs = list[tuple[int, int]]  # (begin, end) padding of each spatial dim

_CONV = (F.conv1d, F.conv2d, F.conv3d)
_CONV_TRANSPOSE = (F.conv_transpose1d, F.conv_transpose2d, F.conv_transpose3d)
_MAX_POOL = (F.max_pool1d, F.max_pool2d, F.max_pool3d)
_AVG_POOL = (F.avg_pool1d, F.avg_pool2d, F.avg_pool3d)


@implements("Gemm")
def gemm(node: NodeContext, a: Tensor, b: Tensor, c: Tensor | None = None) -> Tensor:
    """``alpha * A' @ B' + beta * C`` with ``A'``/``B'`` transposed if transA/transB."""
    if node.attr("transA", 0):
        a = a.mT
    if node.attr("transB", 0):
        b = b.mT
    out = ops.matmul(a, b)
    alpha, beta = node.attr("alpha", 1.0), node.attr("beta", 1.0)
    if alpha != 1.0:
        out = out * alpha
    if c is not None:
        out = out + (c if beta == 1.0 else c * beta)
    return out


# -- windows: kernel, strides, dilations, pads ----------------------------------------------


def _spatial_attr(node: NodeContext, name: str, dims: int, default: int) -> Ints:
    """An attribute with one int per spatial dim (or two: pads), ``default`` if not set."""
    return tuple(node.attr(name, [default] * dims))


def _same_pads(
    node: NodeContext,
    sizes: Sequence[int],
    kernel: Ints,
    strides: Ints,
    dilations: Ints,
) -> Pairs:
    """The pads of ``auto_pad`` SAME_UPPER / SAME_LOWER: ``ceil(size / stride)`` windows,
    the odd element of padding after (UPPER) or before (LOWER)."""
    pairs = []
    for n, k, s, d in zip(sizes, kernel, strides, dilations):
        total = max((-(-n // s) - 1) * s + d * (k - 1) + 1 - n, 0)
        small, large = total // 2, total - total // 2
        pairs.append((small, large) if node.attr("auto_pad") == "SAME_UPPER" else (large, small))
    return pairs


def _window_pads(
    node: NodeContext, x: Tensor, kernel: Ints, strides: Ints, dilations: Ints
) -> Pairs:
    """The padding of each spatial dim, from ``pads`` or ``auto_pad``."""
    dims = len(kernel)
    auto_pad = node.attr("auto_pad", "NOTSET")
    if auto_pad in ("SAME_UPPER", "SAME_LOWER"):
        return _same_pads(node, x.shape[2:], kernel, strides, dilations)
    if auto_pad == "VALID":
        return [(0, 0)] * dims
    if auto_pad != "NOTSET":
        raise node.error(f"auto_pad={auto_pad!r} is not an ONNX padding mode")
    pads = _spatial_attr(node, "pads", 2 * dims, 0)
    return list(zip(pads[:dims], pads[dims:]))


def _padded(x: Tensor, pairs: Pairs, value: float = 0.0) -> Tensor:
    """``x`` padded (negative amounts crop) along its spatial dims with ``value``."""
    amounts = [amount for pair in reversed(pairs) for amount in pair]  # F.pad: last dim first
    return F.pad(x, amounts, value=value) if any(amounts) else x


def _symmetric(
    x: Tensor, pairs: Pairs, value: float = 0.0, limits: Ints | None = None
) -> tuple[Tensor, Ints]:
    """The input and the padding to give a PyTorch-style op: the pads themselves when they
    are symmetric (and at most ``limits``), else the input padded explicitly and 0."""
    begins = tuple(b for b, _ in pairs)
    if all(b == e and b <= m for (b, e), m in zip(pairs, limits or begins)):
        return x, begins
    return _padded(x, pairs, value), (0,) * len(pairs)


# -- convolution ----------------------------------------------------------------------------


@implements("Conv")
def conv(node: NodeContext, x: Tensor, w: Tensor, b: Tensor | None = None) -> Tensor:
    """``Conv`` with 1 to 3 spatial dims; asymmetric pads pad the input first."""
    dims = x.ndim - 2
    kernel = tuple(w.shape[2:])
    strides = _spatial_attr(node, "strides", dims, 1)
    dilations = _spatial_attr(node, "dilations", dims, 1)
    x, padding = _symmetric(x, _window_pads(node, x, kernel, strides, dilations))
    return _CONV[dims - 1](x, w, b, strides, padding, dilations, node.attr("group", 1))


def _transposed_pads(
    node: NodeContext, x: Tensor, full: Ints, strides: Ints, output_padding: Ints
) -> Pairs:
    """The pads of a ``ConvTranspose``: given, or those that give ``output_shape`` (or
    ``input size * stride`` for SAME ``auto_pad``) from the unpadded size ``full``."""
    dims = len(full)
    auto_pad = node.attr("auto_pad", "NOTSET")
    output_shape = node.attr("output_shape")
    if output_shape is None and auto_pad in ("SAME_UPPER", "SAME_LOWER"):
        output_shape = [n * s for n, s in zip(x.shape[2:], strides)]
    if output_shape is None:
        if auto_pad == "VALID":
            return [(0, 0)] * dims
        pads = _spatial_attr(node, "pads", 2 * dims, 0)
        return list(zip(pads[:dims], pads[dims:]))
    pairs = []
    for n, o, out in zip(full, output_padding, list(output_shape)[-dims:]):
        total = n + o - out
        small, large = total // 2, total - total // 2
        pairs.append((small, large) if auto_pad == "SAME_UPPER" else (large, small))
    return pairs


@implements("ConvTranspose")
def conv_transpose(node: NodeContext, x: Tensor, w: Tensor, b: Tensor | None = None) -> Tensor:
    """``ConvTranspose``; asymmetric pads (or ``output_shape``) crop the full output."""
    dims = x.ndim - 2
    kernel = tuple(w.shape[2:])
    strides = _spatial_attr(node, "strides", dims, 1)
    dilations = _spatial_attr(node, "dilations", dims, 1)
    output_padding = _spatial_attr(node, "output_padding", dims, 0)
    group = node.attr("group", 1)
    sizes = zip(x.shape[2:], strides, dilations, kernel)
    full = tuple((n - 1) * s + d * (k - 1) + 1 for n, s, d, k in sizes)
    pairs = _transposed_pads(node, x, full, strides, output_padding)
    function = _CONV_TRANSPOSE[dims - 1]
    fits = all(o < max(s, d) for o, s, d in zip(output_padding, strides, dilations))
    if fits and all(begin == end >= 0 for begin, end in pairs):
        padding = tuple(begin for begin, _ in pairs)
        return function(x, w, b, strides, padding, output_padding, group, dilations)
    out = function(x, w, None, strides, 0, 0, group, dilations)
    # Output padding adds zeros after the full output; the pads crop it.
    out = _padded(out, [(-begin, o - end) for (begin, end), o in zip(pairs, output_padding)])
    return out if b is None else out + b.reshape((-1,) + (1,) * dims)


# -- pooling --------------------------------------------------------------------------------


def _pool_windows(node: NodeContext, x: Tensor) -> tuple[Ints, Ints, Ints, Pairs]:
    """kernel_shape, strides, dilations and the pads of a pooling node."""
    dims = x.ndim - 2
    kernel = tuple(node.attr("kernel_shape"))
    strides = _spatial_attr(node, "strides", dims, 1)
    dilations = _spatial_attr(node, "dilations", dims, 1)
    pairs = _window_pads(node, x, kernel, strides, dilations)
    if node.attr("ceil_mode", 0) and any(b != e for b, e in pairs):
        raise node.error("ceil_mode=1 with asymmetric pads is not supported")
    return kernel, strides, dilations, pairs


def _onnx_indices(indices: Tensor, size: Sequence[int]) -> Tensor:
    """PyTorch's max-pooling indices (within each input plane) as ONNX's (into the whole
    input, row-major): plus ``(n * C + c) * plane_size``."""
    n, c = indices.shape[:2]
    planes = ops.arange(n * c, dtype=indices.dtype, device=indices.device)
    offsets = planes.reshape((n, c) + (1,) * (indices.ndim - 2)) * math.prod(size)
    return indices + offsets


@implements("MaxPool")
def max_pool(node: NodeContext, x: Tensor) -> tuple[Tensor, Tensor | None]:
    """``MaxPool``; ``Indices`` (row-major ``storage_order`` only) when the node uses them."""
    kernel, strides, dilations, pairs = _pool_windows(node, x)
    limits = tuple(k // 2 for k in kernel)  # PyTorch pads at most half a kernel
    padded, padding = _symmetric(x, pairs, -math.inf, limits)
    function = _MAX_POOL[x.ndim - 3]
    ceil_mode = bool(node.attr("ceil_mode", 0))
    if node.output_count < 2:
        return function(padded, kernel, strides, padding, dilations, ceil_mode), None
    if padded is not x:
        raise node.error("the Indices output with pads larger than half the kernel")
    if node.attr("storage_order", 0):
        raise node.error("the Indices output in column-major order (storage_order=1)")
    values, indices = function(x, kernel, strides, padding, dilations, ceil_mode, True)
    return values, _onnx_indices(indices, x.shape[2:])


@implements("AveragePool")
def average_pool(node: NodeContext, x: Tensor) -> Tensor:
    """``AveragePool``; pads that PyTorch cannot take are added to the input, and
    ``count_include_pad=0`` then divides by the share of each window inside the input."""
    kernel, strides, dilations, pairs = _pool_windows(node, x)
    if any(d != 1 for d in dilations):
        raise node.error(f"dilations={dilations} (PyTorch's average pooling has none)")
    function = _AVG_POOL[x.ndim - 3]
    count_include_pad = bool(node.attr("count_include_pad", 0))
    ceil_mode = bool(node.attr("ceil_mode", 0))
    padded, padding = _symmetric(x, pairs, 0.0, tuple(k // 2 for k in kernel))
    out = function(padded, kernel, strides, padding, ceil_mode, count_include_pad)
    if padded is x or count_include_pad:
        return out
    inside = ops.ones((1, 1) + tuple(x.shape[2:]), dtype=x.dtype, device=x.device)
    return out / function(_padded(inside, pairs), kernel, strides, 0, ceil_mode, True)


@implements("GlobalAveragePool")
def global_average_pool(node: NodeContext, x: Tensor) -> Tensor:
    return x.mean(tuple(range(2, x.ndim)), keepdim=True)


@implements("GlobalMaxPool")
def global_max_pool(node: NodeContext, x: Tensor) -> Tensor:
    return x.amax(tuple(range(2, x.ndim)), keepdim=True)


# -- normalization --------------------------------------------------------------------------


@implements("BatchNormalization", state_inputs=(3, 4))
def batch_norm(
    node: NodeContext, x: Tensor, scale: Tensor, bias: Tensor, mean: Tensor, var: Tensor
) -> Tensor | tuple[Tensor, Tensor, Tensor]:
    """Running statistics in eval mode. In training mode (``module.train()``) the batch
    statistics, and the running statistics (buffers) updated in place as PyTorch does
    (ONNX's momentum weighs the running value: PyTorch's is ``1 - momentum``); they are
    also the node's optional outputs. The module's mode decides, not the node's
    ``training_mode``: a graph exported in training mode still runs in eval mode."""
    eps = node.attr("epsilon", 1e-5)
    momentum = 1.0 - node.attr("momentum", 0.9)
    out = F.batch_norm(x, mean, var, scale, bias, node.training, momentum, eps)
    return (out, mean, var) if node.training else out


@implements("InstanceNormalization")
def instance_norm(node: NodeContext, x: Tensor, scale: Tensor, bias: Tensor) -> Tensor:
    return F.instance_norm(x, weight=scale, bias=bias, eps=node.attr("epsilon", 1e-5))


@implements("LayerNormalization")
def layer_norm(
    node: NodeContext, x: Tensor, scale: Tensor, bias: Tensor | None = None
) -> Tensor | tuple[Tensor, Tensor, Tensor]:
    """Normalization over the dims from ``axis`` on; the ``Mean`` and ``InvStdDev``
    outputs when the node uses them."""
    axis = node.attr("axis", -1) % x.ndim
    shape = tuple(x.shape[axis:])
    eps = node.attr("epsilon", 1e-5)
    scale = scale if tuple(scale.shape) == shape else scale.expand(shape)
    if bias is not None and tuple(bias.shape) != shape:
        bias = bias.expand(shape)
    out = F.layer_norm(x, shape, scale, bias, eps)
    if node.output_count < 2:
        return out
    dims = tuple(range(axis, x.ndim))
    mean = x.mean(dims, keepdim=True)
    variance = ((x - mean) ** 2).mean(dims, keepdim=True)
    return out, mean, (variance + eps).rsqrt()


@implements("GroupNormalization")
def group_norm(node: NodeContext, x: Tensor, scale: Tensor, bias: Tensor) -> Tensor:
    """Opset 18 scales and shifts each group (``scale`` of ``num_groups`` values), opset 21
    each channel; per-group values are repeated over the group's channels."""
    groups, channels = node.attr("num_groups"), x.shape[1]
    if scale.numel() != channels:
        per_group = (groups, channels // groups)
        scale = scale.reshape(groups, 1).expand(per_group).reshape(channels)
        bias = bias.reshape(groups, 1).expand(per_group).reshape(channels)
    return F.group_norm(x, groups, scale, bias, node.attr("epsilon", 1e-5))


@implements("LRN")
def local_response_norm(node: NodeContext, x: Tensor) -> Tensor:
    """``LRN``. An even ``size`` puts one channel more after than before in ONNX (in
    PyTorch, before): then the squares are averaged with an explicit pooling."""
    size = node.attr("size")
    alpha, beta, k = node.attr("alpha", 1e-4), node.attr("beta", 0.75), node.attr("bias", 1.0)
    if size % 2:
        return F.local_response_norm(x, size, alpha, beta, k)
    squares = (x * x).reshape(x.shape[0], 1, x.shape[1], -1)
    padded = F.pad(squares, (0, 0, size // 2 - 1, size // 2))
    mean = F.avg_pool2d(padded, (size, 1), stride=1).reshape(x.shape)
    return x / (mean * alpha + k) ** beta


@implements("Dropout")
def dropout(
    node: NodeContext, x: Tensor, ratio: Tensor | None = None, training_mode: Tensor | None = None
) -> Tensor | tuple[Tensor, Tensor]:
    """Identity in eval mode, dropout of ``ratio`` in training mode (the module's mode
    decides, not the node's ``training_mode``); the ``mask`` output when the node uses it."""
    p = float(ratio.item()) if ratio is not None else node.attr("ratio", 0.5)
    if node.output_count < 2:
        return F.dropout(x, p, node.training)
    if not node.training or p == 0:
        return x, ops.ones_like(x).bool()
    keep = ops.bernoulli(ops.full_like(x, 1 - p))
    return x * keep / (1 - p), keep.bool()


# -- resampling -----------------------------------------------------------------------------

_LINEAR_BY_RANK = {3: "linear", 4: "bilinear", 5: "trilinear"}


def _interpolate_mode(
    node: NodeContext, x: Tensor, transform: str, nearest_mode: str, out_sizes: Sequence[int]
) -> tuple[str, bool | None]:
    """``interpolate``'s mode and ``align_corners`` for a ``Resize``/``Upsample`` node."""
    mode = node.attr("mode", "nearest")
    # pytorch_half_pixel is half_pixel except for an output size of 1
    half_pixel = transform == "half_pixel" or (
        transform == "pytorch_half_pixel" and min(out_sizes) > 1
    )
    if mode == "nearest":
        if (transform, nearest_mode) == ("asymmetric", "floor"):
            return "nearest", None
        if (half_pixel and nearest_mode == "round_prefer_ceil") or (
            transform,
            nearest_mode,
        ) == ("tf_half_pixel_for_nn", "floor"):
            return "nearest-exact", None
        raise node.error(
            f"nearest mode with coordinate_transformation_mode={transform!r} and "
            f"nearest_mode={nearest_mode!r} (interpolate has 'floor' with 'asymmetric' and "
            "'round_prefer_ceil' with 'half_pixel')"
        )
    if transform not in ("align_corners",) and not half_pixel:
        raise node.error(f"{mode} mode with coordinate_transformation_mode={transform!r}")
    align_corners = transform == "align_corners"
    if mode == "linear" and x.ndim in _LINEAR_BY_RANK:
        return _LINEAR_BY_RANK[x.ndim], align_corners
    cubic_defaults = (node.attr("cubic_coeff_a", -0.75), node.attr("exclude_outside", 0))
    if mode == "cubic" and x.ndim == 4 and cubic_defaults == (-0.75, 0):
        return "bicubic", align_corners
    raise node.error(
        f"mode {mode!r} on a {x.ndim}-D input (interpolate has linear modes for 3-D to 5-D "
        "input and cubic with cubic_coeff_a=-0.75, exclude_outside=0 for 4-D input)"
    )


def _resized(
    node: NodeContext,
    x: Tensor,
    transform: str,
    nearest_mode: str,
    scales: list[float] | None,
    sizes: list[int] | None,
) -> Tensor:
    """``x`` resized by ``interpolate`` to ``sizes`` or by ``scales`` (one per dim of ``x``,
    1 for the batch and channel dims)."""
    if scales is not None:
        sizes_out = [int(n * s) for n, s in zip(x.shape, scales)]
    else:
        assert sizes is not None
        sizes_out = sizes
    if list(sizes_out[:2]) != list(x.shape[:2]):
        raise node.error("resizing the batch or channel dim (interpolate resizes spatial dims)")
    mode, align_corners = _interpolate_mode(node, x, transform, nearest_mode, sizes_out[2:])
    if scales is not None:
        return F.interpolate(x, scale_factor=scales[2:], mode=mode, align_corners=align_corners)
    return F.interpolate(x, size=sizes_out[2:], mode=mode, align_corners=align_corners)


def _per_axis(
    node: NodeContext, x: Tensor, values: list[Any], fill: Callable[[int], Any]
) -> list[Any]:
    """``values`` given for the node's ``axes`` (opset 18) as one per dim of ``x``."""
    axes = node.attr("axes")
    if axes is None:
        return values
    full = [fill(d) for d in range(x.ndim)]
    for axis, value in zip(axes, values):
        full[axis % x.ndim] = value
    return full


@implements("Resize")
def resize(
    node: NodeContext,
    x: Tensor,
    roi: Tensor | None = None,
    scales: Tensor | None = None,
    sizes: Tensor | None = None,
) -> Tensor:
    """``Resize`` in the modes ``interpolate`` has: nearest (floor of asymmetric source
    positions, or the nearest centre), linear and cubic (half-pixel or align-corners)."""
    if node.opset < 11:  # Resize-10: (X, scales) with asymmetric source positions
        return upsample(node, x, roi)
    if node.attr("antialias", 0):
        raise node.error("antialias=1")
    if node.attr("keep_aspect_ratio_policy", "stretch") != "stretch":
        raise node.error(f"keep_aspect_ratio_policy={node.attr('keep_aspect_ratio_policy')!r}")
    transform = node.attr("coordinate_transformation_mode", "half_pixel")
    if transform == "tf_crop_and_resize":
        raise node.error("coordinate_transformation_mode='tf_crop_and_resize'")
    nearest_mode = node.attr("nearest_mode", "round_prefer_floor")
    if sizes is not None and sizes.numel():
        size_list = _per_axis(node, x, ints(sizes), lambda d: x.shape[d])
        return _resized(node, x, transform, nearest_mode, None, size_list)
    if scales is None:
        raise node.error("neither scales nor sizes is given")
    factors = [float(s) for s in scales.numpy(force=True).reshape(-1).tolist()]
    factors = _per_axis(node, x, factors, lambda d: 1.0)
    return _resized(node, x, transform, nearest_mode, factors, None)


@implements("Upsample")
def upsample(node: NodeContext, x: Tensor, scales: Tensor | None = None) -> Tensor:
    """``Upsample`` (opsets 7 to 9, and Resize-10): asymmetric source positions, so
    nearest mode only (``interpolate``'s linear modes use half-pixel positions)."""
    if node.attr("mode", "nearest") != "nearest":
        raise node.error(f"mode {node.attr('mode')!r} with asymmetric source positions")
    values = node.attr("scales") if scales is None else scales.numpy(force=True).reshape(-1)
    factors = [float(s) for s in values]
    return _resized(node, x, "asymmetric", "floor", factors, None)
