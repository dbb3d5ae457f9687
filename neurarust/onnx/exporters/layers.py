"""Converters of layer ops: linear, embedding, convolution, pooling, normalization and
resampling.

- ``Linear``: ``Gemm`` (2-D input) or ``MatMul`` + ``Add``;
- ``Embedding``: ``Gather`` of rows (``max_norm``, which rewrites the weight in the
  forward, is refused);
- ``Convolution`` / ``ConvTranspose``: ``Conv`` / ``ConvTranspose`` with 1 to 3 spatial
  dims, groups, dilations and the asymmetric padding of ``padding='same'`` (the
  padding modes 'reflect', 'replicate' and 'circular' run a padding op first, converted
  in ``shape.py``);
- ``MaxPool`` / ``AvgPool``: ``MaxPool`` / ``AveragePool``, or ``GlobalMaxPool`` /
  ``GlobalAveragePool`` for windows covering the whole input (adaptive pooling to
  size 1); max pooling's indices have no ONNX form here;
- ``Normalize``: ``BatchNormalization`` (running statistics), ``InstanceNormalization``
  (instance norm, and group norm between two ``Reshape``), ``LayerNormalization``
  (opset >= 17), or ``ReduceMean``/``Sub``/``Mul``/``Sqrt``/``Div`` (layer norm below
  opset 17, RMS norm, batch norm on batch statistics);
- ``LocalResponseNormalization``: ``LRN`` (odd sizes; even sizes center their window
  differently and become ``AveragePool`` over the channels);
- ``Resample`` (one spatial axis of ``interpolate``): ``Resize`` of that axis.

Dropout runs no op in eval mode, in which models are exported, so it has no converter.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from ...nn.parameter import Parameter
from ...ops import conv, layers, normalization, pooling, resampling
from ...tensor import Tensor
from .._graph import GraphBuilder, UnsupportedOperatorError
from .._trace import Call
from . import converts


@converts(layers.Linear)
def linear(g: GraphBuilder, call: Call) -> str:
    """``Gemm`` for a 2-D input (PyTorch's exporter does the same), else
    ``MatMul`` with the transposed weight plus ``Add``."""
    input, weight, bias = call.args
    x, w = g.name(input), g.name(weight)
    if input.dim() == 2:
        return g.op("Gemm", x, w, *_optional(g, bias), transB=1)
    out = g.op("MatMul", x, g.op("Transpose", w, perm=[1, 0]))
    return out if bias is None else g.op("Add", out, g.name(bias))


@converts(layers.Embedding)
def embedding(g: GraphBuilder, call: Call) -> str:
    """``Gather`` of the weight's rows at the indices."""
    input, weight = call.args[:2]
    table = g.name(weight)
    if isinstance(weight, Parameter) and table not in g.initializers:
        raise UnsupportedOperatorError(
            f"onnx.export: {call.describe()} reads a weight that the forward changed in place: "
            "Embedding's max_norm renormalizes the weight at every call, which an ONNX graph "
            "cannot do. Export a copy of the model with max_norm=None."
        )
    return g.op("Gather", table, g.name(input), axis=0)


# -- helpers ----------------------------------------------------------------------------


def _unsupported(call: Call, what: str) -> UnsupportedOperatorError:
    return UnsupportedOperatorError(f"onnx.export: {call.describe()}: {what}")


def _traces(call: Call) -> list[Call]:
    """The call and its twin from the second trace (dynamic axes), if any."""
    return [call] if call.twin is None else [call, call.twin]


def _optional(g: GraphBuilder, tensor: Tensor | None) -> list[str]:
    """The name of an optional last input, or nothing (onnxruntime 1.23 crashes on an
    empty name for LayerNormalization's bias)."""
    return [] if tensor is None else [g.name(tensor)]


def _spatial(triple: tuple[int, ...], dims: int) -> list[int]:
    """The ``dims`` spatial entries of a lifted (D, H, W) triple."""
    return list(triple[3 - dims :])


def _or_filled(
    g: GraphBuilder, param: Tensor | None, like: Tensor, shape: tuple[int, ...], value: float
) -> str:
    """The name of ``param``, or for None a constant of ``shape`` filled with ``value`` in
    ``like``'s dtype: the scale or bias that ONNX requires where the layer has none."""
    if param is not None:
        return g.name(param)
    return g.constant(np.full(shape, value, dtype=like.dtype.numpy), "ones" if value else "zeros")


# -- convolution --------------------------------------------------------------------------


def _window_count(size: int, kernel: int, stride: int, padding: int, dilation: int) -> int:
    """How many windows fit along a dim padded by ``padding`` on both sides (floor rule)."""
    return (size + 2 * padding - dilation * (kernel - 1) - 1) // stride + 1


def _end_padding(size: int, kernel: int, stride: int, begin: int, dilation: int, out: int) -> int:
    """The padding after a spatial dim: the same as before when that gives ``out``
    windows (symmetric padding), else the reach of the last window past the input
    (``padding='same'`` with an even total puts one element more after)."""
    if _window_count(size, kernel, stride, begin, dilation) == out:
        return begin
    return (out - 1) * stride + dilation * (kernel - 1) + 1 - size - begin


@converts(conv.Convolution)
def convolution(g: GraphBuilder, call: Call) -> str:
    """``Conv``, with the padding after each dim written out (asymmetric for 'same')."""
    input, weight, bias, geometry, _ = call.args
    dims = input.ndim - 2
    kernel = list(weight.shape[2:])
    stride, begin = _spatial(geometry.stride, dims), _spatial(geometry.padding, dims)
    dilation = _spatial(geometry.dilation, dims)
    end = [
        _end_padding(*args)
        for args in zip(input.shape[2:], kernel, stride, begin, dilation, call.outputs[0].shape[2:])
    ]
    return g.op(
        "Conv",
        g.name(input),
        g.name(weight),
        *_optional(g, bias),
        kernel_shape=kernel,
        strides=stride,
        pads=begin + end,
        dilations=dilation,
        group=geometry.groups,
    )


@converts(conv.ConvTranspose)
def conv_transpose(g: GraphBuilder, call: Call) -> str:
    """``ConvTranspose``; the output padding is read back from the output size."""
    input, weight, bias, geometry, _ = call.args
    dims = input.ndim - 2
    kernel = list(weight.shape[2:])
    stride, pads = _spatial(geometry.stride, dims), _spatial(geometry.padding, dims)
    dilation = _spatial(geometry.dilation, dims)
    output_padding = [
        out - ((n - 1) * s - 2 * p + d * (k - 1) + 1)
        for out, n, s, p, d, k in zip(
            call.outputs[0].shape[2:], input.shape[2:], stride, pads, dilation, kernel
        )
    ]
    return g.op(
        "ConvTranspose",
        g.name(input),
        g.name(weight),
        *_optional(g, bias),
        kernel_shape=kernel,
        strides=stride,
        pads=pads + pads,
        dilations=dilation,
        group=geometry.groups,
        output_padding=output_padding,
    )


# -- pooling ------------------------------------------------------------------------------


def _covers_input(input: Tensor, windows: pooling.Windows) -> bool:
    """One window, without padding, over the whole input: global pooling."""
    return (
        set(windows.out_size) == {1}
        and not any(windows.padding)
        and tuple(windows.kernel_size) == tuple(input.shape[2:])
        and set(windows.dilation) == {1}
    )


def _window_attrs(call: Call) -> dict[str, Any] | None:
    """The ONNX attributes of a pooling call's windows, or None for global pooling.

    PyTorch's ``ceil_mode`` is not recorded: it shows as one window more than the
    floor rule counts (in either trace), and ONNX's ``ceil_mode`` then counts the same.
    """
    traces = _traces(call)
    if all(_covers_input(c.args[0], c.args[1]) for c in traces):
        return None
    windows = call.args[1]
    if any(c.args[1][:4] != windows[:4] for c in traces):
        raise _unsupported(
            call,
            "adaptive pooling to a size other than 1 has windows that depend on the input "
            "size, so its spatial dims cannot be dynamic. Export with a fixed image size.",
        )
    ceil = any(
        _window_count(n, *geometry) != out
        for c in traces
        for n, out, *geometry in zip(c.args[0].shape[2:], c.args[1].out_size, *c.args[1][:4])
    )
    return {
        "kernel_shape": list(windows.kernel_size),
        "strides": list(windows.stride),
        "pads": list(windows.padding) * 2,
        "ceil_mode": int(ceil),
    }


@converts(pooling.MaxPool)
def max_pool(g: GraphBuilder, call: Call) -> tuple[str, str]:
    """``MaxPool`` (or ``GlobalMaxPool``); the indices output has no ONNX form here."""
    x = g.name(call.args[0])
    attrs = _window_attrs(call)
    if attrs is None:
        return g.op("GlobalMaxPool", x), ""
    return g.op("MaxPool", x, dilations=list(call.args[1].dilation), **attrs), ""


@converts(pooling.AvgPool)
def avg_pool(g: GraphBuilder, call: Call) -> str:
    """``AveragePool`` (or ``GlobalAveragePool``)."""
    input, _, count_include_pad, divisor_override = call.args
    if divisor_override is not None:
        raise _unsupported(call, "average pooling with divisor_override has no ONNX form")
    attrs = _window_attrs(call)
    if attrs is None:
        return g.op("GlobalAveragePool", g.name(input))
    return g.op("AveragePool", g.name(input), count_include_pad=int(count_include_pad), **attrs)


@converts(pooling.AdaptiveMaxPool)
def adaptive_max_pool(g: GraphBuilder, call: Call) -> tuple[str, str]:
    """Adaptive max pooling over windows of unequal sizes: no ONNX operator."""
    raise _unsupported(
        call,
        "adaptive max pooling whose input size is not a multiple of the output size has "
        "windows of unequal sizes, which ONNX's MaxPool cannot express",
    )


# -- normalization ------------------------------------------------------------------------


def _reduce_mean(g: GraphBuilder, value: str, axes: tuple[int, ...]) -> str:
    """``ReduceMean`` keeping dims, with the axes as an input from opset 18 on."""
    if g.opset >= 18:
        return g.op("ReduceMean", value, g.ints(axes, "axes"), keepdims=1)
    return g.op("ReduceMean", value, axes=list(axes), keepdims=1)


def _param(g: GraphBuilder, param: Tensor, shape: tuple[int, ...]) -> str:
    """A weight or bias reshaped to ``shape`` (to broadcast against the input)."""
    name = g.name(param)
    return name if tuple(param.shape) == shape else g.op("Reshape", name, g.ints(shape, "shape"))


def _affine(
    g: GraphBuilder, value: str, weight: Tensor | None, bias: Tensor | None, shape: tuple[int, ...]
) -> str:
    """``value * weight + bias``, each left out when None."""
    if weight is not None:
        value = g.op("Mul", value, _param(g, weight, shape))
    if bias is not None:
        value = g.op("Add", value, _param(g, bias, shape))
    return value


def _decomposed_norm(
    g: GraphBuilder, x: Tensor, weight: Tensor | None, bias: Tensor | None, plan: Any
) -> str:
    """Normalization over ``plan.axes`` of the input, from elementwise ops and means."""
    value = g.name(x)
    if plan.centered:
        value = g.op("Sub", value, _reduce_mean(g, value, plan.axes))
    variance = _reduce_mean(g, g.op("Mul", value, value), plan.axes)
    std = g.op("Sqrt", g.op("Add", variance, g.name(plan.eps, like=x)))
    return _affine(g, g.op("Div", value, std), weight, bias, plan.param_shape)


def _group_norm(
    g: GraphBuilder, x: Tensor, weight: Tensor | None, bias: Tensor | None, plan: Any
) -> str:
    """Instance normalization of ``(N, groups, -1)``, reshaped back, then the per-channel
    affine map. (Opset 18's GroupNormalization scales per group, not per channel.)"""
    groups = plan.stat_shape[1]
    grouped = g.op("Reshape", g.name(x), g.ints([0, groups, -1], "shape"))
    ones, zeros = _or_filled(g, None, x, (groups,), 1.0), _or_filled(g, None, x, (groups,), 0.0)
    normalized = g.op("InstanceNormalization", grouped, ones, zeros, epsilon=plan.eps)
    value = g.op("Reshape", normalized, g.shape(x))
    return _affine(g, value, weight, bias, plan.param_shape)


@converts(normalization.Normalize)
def normalize(g: GraphBuilder, call: Call) -> str:
    """Batch, instance, group, layer or RMS normalization, by the op's plan (see the
    module docstring for the ONNX each becomes)."""
    x, weight, bias, running_mean, running_var, plan = call.args
    ndim, channels = x.ndim, x.shape[1] if x.ndim > 1 else 0
    per_channel = (channels,) + (1,) * (ndim - 2)
    if not plan.use_input_stats:  # running statistics: batch norm (or instance norm) in eval
        return g.op(
            "BatchNormalization",
            g.name(x),
            _or_filled(g, weight, x, (channels,), 1.0),
            _or_filled(g, bias, x, (channels,), 0.0),
            g.name(running_mean),
            g.name(running_var),
            epsilon=plan.eps,
            momentum=1.0 - plan.momentum,  # ONNX weighs the running value, PyTorch the batch
        )
    if plan.stat_shape != tuple(x.shape):
        return _group_norm(g, x, weight, bias, plan)
    if plan.centered and plan.axes == tuple(range(2, ndim)) and plan.param_shape == per_channel:
        return g.op(
            "InstanceNormalization",
            g.name(x),
            _or_filled(g, weight, x, (channels,), 1.0),
            _or_filled(g, bias, x, (channels,), 0.0),
            epsilon=plan.eps,
        )
    count = len(plan.param_shape)
    trailing = plan.axes == tuple(range(ndim - count, ndim))
    if plan.centered and trailing and g.opset >= 17:
        return g.op(
            "LayerNormalization",
            g.name(x),
            _or_filled(g, weight, x, plan.param_shape, 1.0),
            *_optional(g, bias),
            axis=-count,
            epsilon=plan.eps,
        )
    return _decomposed_norm(g, x, weight, bias, plan)


def _local_response_norm(
    g: GraphBuilder, input: Tensor, size: int, alpha: float, beta: float, k: float
) -> str:
    """``LRN`` for odd sizes. ONNX's window for an even size reaches one channel further
    up than PyTorch's, so those average the squares with an ``AveragePool`` over the
    channels (the input viewed as ``(N, 1, C, -1)``) instead."""
    x = g.name(input)
    if size % 2:
        return g.op("LRN", x, size=size, alpha=alpha, beta=beta, bias=k)
    squares = g.op("Reshape", g.op("Mul", x, x), g.ints([0, 1, input.shape[1], -1], "shape"))
    mean = g.op(
        "AveragePool",
        squares,
        kernel_shape=[size, 1],
        pads=[size // 2, 0, (size - 1) // 2, 0],
        count_include_pad=1,
    )
    base = g.op("Reshape", mean, g.shape(input))
    base = g.op("Add", g.op("Mul", base, g.name(alpha, like=input)), g.name(k, like=input))
    return g.op("Div", x, g.op("Pow", base, g.name(beta, like=input)))


@converts(normalization.LocalResponseNormalization)
def local_response_norm(g: GraphBuilder, call: Call) -> str:
    return _local_response_norm(g, *call.args)


# -- resampling ---------------------------------------------------------------------------


def _resize_modes(in_size: int, out_size: int, ctype: Any) -> Iterator[tuple[dict[str, Any], Any]]:
    """Each ``Resize`` mode that ``interpolate`` has, with the sources (index, weights)
    that ``interpolate`` computes for it without a scale factor."""
    nearest = {"mode": "nearest", "coordinate_transformation_mode": "asymmetric"}
    yield {**nearest, "nearest_mode": "floor"}, resampling._nearest(in_size, out_size, None, ctype)
    exact = {"mode": "nearest", "coordinate_transformation_mode": "half_pixel"}
    yield (
        {**exact, "nearest_mode": "round_prefer_ceil"},
        resampling._nearest_exact(in_size, out_size, None, ctype),
    )
    for align_corners in (False, True):
        transform = "align_corners" if align_corners else "half_pixel"
        sources: Callable[..., Any]
        for mode, sources, extra in (
            ("linear", resampling._linear, {}),
            ("cubic", resampling._bicubic, {"cubic_coeff_a": resampling._CUBIC_A}),
        ):
            attrs = {"mode": mode, "coordinate_transformation_mode": transform, **extra}
            yield attrs, sources(in_size, out_size, None, align_corners, ctype)


def _same_taps(taps: resampling.Taps, sources: Any) -> bool:
    """Whether the recorded taps read the same elements with the same weights."""
    index, weights = sources
    if not np.array_equal(taps.index, index):
        return False
    if taps.weights is None or weights is None:
        return taps.weights is None and weights is None
    return np.array_equal(taps.weights, weights)


def _resize_attrs(call: Call) -> dict[str, Any] | None:
    """The ``Resize`` mode whose sources are the recorded taps in every trace, or None."""
    found: list[dict[str, Any]] | None = None
    for c in _traces(call):
        input, axis, taps = c.args
        ctype = np.float64 if input.dtype.name == "float64" else np.float32
        out_size = c.outputs[0].shape[axis]
        matches = [
            attrs
            for attrs, sources in _resize_modes(input.shape[axis], out_size, ctype)
            if _same_taps(taps, sources)
        ]
        found = matches if found is None else [a for a in found if a in matches]
    return found[0] if found else None


def _resized_shape(g: GraphBuilder, input: Tensor, axis: int, size: int) -> str:
    """The shape of ``input`` at run time with dim ``axis`` replaced by ``size``."""
    if not g.dynamic_axes(input):
        return g.ints([size if d == axis else n for d, n in enumerate(input.shape)], "sizes")
    keep = np.ones(input.ndim, dtype=np.int64)
    keep[axis] = 0
    shape = g.op("Mul", g.op("Shape", g.name(input)), g.constant(keep, "keep"))
    return g.op("Add", shape, g.constant((1 - keep) * size, "sizes"))


@converts(resampling.Resample)
def resample(g: GraphBuilder, call: Call) -> str:
    """``Resize`` of one spatial axis to the output's size (``interpolate`` resamples
    one axis at a time)."""
    attrs = _resize_attrs(call)
    if attrs is None:
        raise _unsupported(
            call,
            "this interpolation has no ONNX Resize form: a scale_factor whose output size "
            "is not exactly input size * scale_factor (give size=... instead, or "
            "recompute_scale_factor=True), or a dynamic axis whose scale changes",
        )
    input, axis, _ = call.args
    x, out = g.name(input), call.outputs[0]
    if axis not in g.dynamic_axes(out):
        return g.op("Resize", x, "", "", _resized_shape(g, input, axis, out.shape[axis]), **attrs)
    # The size follows the input's: a scale, the same in both traces
    ratios = {c.outputs[0].shape[axis] / c.args[0].shape[axis] for c in _traces(call)}
    if len(ratios) > 1:
        raise _unsupported(call, "resizing a dynamic axis by a scale that changes with its size")
    scales = np.ones(input.ndim, dtype=np.float32)
    scales[axis] = ratios.pop()
    return g.op("Resize", x, "", g.constant(scales, "scales"), **attrs)
