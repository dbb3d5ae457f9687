"""Normalization layers' ops: batch, instance, group, layer and RMS normalization,
local response normalization and ``normalize`` (exported as ``neurarust.nn.functional``).

Batch, instance, group, layer and RMS normalization are one computation seen
through different axes: view the input as ``stat_shape``, take the mean and the
variance over some of its axes, normalize, then scale by ``weight`` and shift by
``bias`` reshaped to broadcast against the input. A :class:`_Plan` says which
axes; one Function, :class:`Normalize`, does the rest in a single forward (no
graph of elementwise nodes). Its backward is the closed form, with ``g`` the
incoming gradient times ``weight``, ``x̂`` the normalized input and ``mean``
taken over the normalized axes::

    dx = invstd * (g - mean(g) - x̂ * mean(g * x̂))      (RMS norm: no mean(g) term)
    dweight = sum(grad * x̂),  dbias = sum(grad)          (over the other axes)

written with neurarust ops, so double backward works. In evaluation mode the
statistics are the running ones, constants to autograd, and ``dx = invstd * g``.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np

from ..autograd import grad_mode
from ..autograd.function import Function
from ..tensor import Tensor
from .creation import zeros
from .shape import cat

__all__ = [
    "batch_norm",
    "instance_norm",
    "group_norm",
    "layer_norm",
    "rms_norm",
    "local_response_norm",
    "normalize",
]


# -- the shared core ------------------------------------------------------------------


class _Plan(NamedTuple):
    """How one normalization sees its input.

    The input is viewed as ``stat_shape``; its mean and variance are taken over
    ``axes`` of that view (or, without ``use_input_stats``, read from the running
    statistics, shaped like the parameters). ``weight`` and ``bias`` are reshaped
    to ``param_shape``, which broadcasts against the input's last dimensions.
    """

    stat_shape: tuple[int, ...]
    axes: tuple[int, ...]
    param_shape: tuple[int, ...]
    use_input_stats: bool = True
    centered: bool = True  # subtract the mean (False: RMS norm)
    momentum: float = 0.1
    eps: float = 1e-5

    def param_axes(self, ndim: int) -> tuple[int, ...]:
        """The input axes that the parameters broadcast along (their gradients sum over them)."""
        lead = ndim - len(self.param_shape)
        ones = (lead + i for i, size in enumerate(self.param_shape) if size == 1)
        return (*range(lead), *ones)


def _constant(like: Tensor, array: Any) -> Tensor:
    """A tensor needing no gradient, on ``like``'s device, holding ``array``."""
    return Tensor._make(array, like.device)


def _reshaped(t: Tensor, shape: tuple[int, ...]) -> Tensor:
    """``t`` reshaped to ``shape``, without a graph node when it has that shape already."""
    return t if t.shape == shape else t.reshape(shape)


def _update_running(running: Tensor | None, batch_value: Any, momentum: float) -> None:
    """``running <- (1 - momentum) * running + momentum * batch_value``, in place.

    ``batch_value`` holds one statistic per (instance and) channel; instances are
    averaged, so instance norm updates per-channel running statistics as PyTorch does.
    """
    if running is None:
        return
    per_channel = batch_value.reshape(-1, running.numel()).mean(axis=0)
    update = per_channel.reshape(running.shape).astype(running._data.dtype, copy=False)
    running.mul_(1 - momentum).add_(_constant(running, update * momentum))


class Normalize(Function):
    """Normalize, scale and shift as a :class:`_Plan` says (see the module docstring)."""

    @staticmethod
    def forward(
        ctx: Any,
        x: Tensor,
        weight: Tensor | None,
        bias: Tensor | None,
        running_mean: Tensor | None,
        running_var: Tensor | None,
        plan: _Plan,
    ) -> Any:
        xp, data = x.backend.xp, x._data
        if plan.use_input_stats:
            grouped = data.reshape(plan.stat_shape)
            mean = grouped.mean(axis=plan.axes, keepdims=True) if plan.centered else 0
            centered = grouped - mean
            var = (centered * centered).mean(axis=plan.axes, keepdims=True)
            if running_mean is not None or running_var is not None:
                count = math.prod(plan.stat_shape[a] for a in plan.axes)
                _update_running(running_mean, mean, plan.momentum)
                _update_running(running_var, var * (count / (count - 1)), plan.momentum)
        else:
            assert running_mean is not None and running_var is not None  # checked by callers
            mean = running_mean._data.reshape(plan.param_shape).copy()  # kept for backward
            var = running_var._data.reshape(plan.param_shape)
            centered = data - mean
        invstd = 1 / xp.sqrt(var + plan.eps)
        # ``centered`` is a fresh array: normalize it in place, and build the output
        # with one new array (the scale) and in-place shifts, saving passes over memory.
        centered *= invstd
        normalized = centered.reshape(data.shape)
        if weight is not None:
            out = normalized * weight._data.reshape(plan.param_shape)
        else:  # the caller may write the output in place: keep ours intact
            out = normalized.copy()
        if bias is not None:
            out += bias._data.reshape(plan.param_shape)
        ctx.plan, ctx.mean, ctx.normalized, ctx.invstd = plan, mean, normalized, invstd
        param = weight if weight is not None else bias
        ctx.param_size = None if param is None else param.shape
        ctx.save_for_backward(x, weight)
        return out

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple[Any, ...]:
        x, weight = ctx.saved_tensors
        plan, needs = ctx.plan, ctx.needs_input_grad
        normalized, invstd = _normalized_input(ctx, x)
        param_axes = plan.param_axes(x.ndim)
        grad_input = grad_weight = grad_bias = None
        if needs[0]:
            scaled = grad if weight is None else grad * _reshaped(weight, plan.param_shape)
            grad_input = _input_gradient(scaled, normalized, invstd, plan)
        if needs[1]:
            grad_weight = _reshaped((grad * normalized).sum(param_axes), ctx.param_size)
        if needs[2]:
            grad_bias = _reshaped(grad.sum(param_axes), ctx.param_size)
        return grad_input, grad_weight, grad_bias, None, None, None


def _normalized_input(ctx: Any, x: Tensor) -> tuple[Tensor, Tensor]:
    """The normalized input and the inverse standard deviation, for backward.

    They are the arrays forward kept, constants to autograd. When the backward
    pass is itself recorded (``create_graph=True``) they are rebuilt from ``x``
    with neurarust ops instead, so that a second derivative sees how they depend
    on ``x``.
    """
    plan = ctx.plan
    if not (grad_mode.is_grad_enabled() and x.requires_grad):
        return _constant(x, ctx.normalized), _constant(x, ctx.invstd)
    if not plan.use_input_stats:
        invstd = _constant(x, ctx.invstd)
        return (x - _constant(x, ctx.mean)) * invstd, invstd
    grouped = _reshaped(x, plan.stat_shape)
    if plan.centered:
        grouped = grouped - grouped.mean(plan.axes, keepdim=True)
    invstd = ((grouped * grouped).mean(plan.axes, keepdim=True) + plan.eps).rsqrt()
    return _reshaped(grouped * invstd, x.shape), invstd


def _input_gradient(scaled: Tensor, normalized: Tensor, invstd: Tensor, plan: _Plan) -> Tensor:
    """dx from ``scaled`` (the output gradient times weight), in closed form."""
    if not plan.use_input_stats:  # the statistics are constants
        return scaled * invstd
    g = _reshaped(scaled, plan.stat_shape)
    xhat = _reshaped(normalized, plan.stat_shape)
    projected = g - xhat * (g * xhat).mean(plan.axes, keepdim=True)
    if plan.centered:
        projected = projected - g.mean(plan.axes, keepdim=True)
    return _reshaped(projected * invstd, scaled.shape)


# -- argument checks ------------------------------------------------------------------


def _check_float(op: str, input: Tensor) -> None:
    """NotImplementedError, as PyTorch raises, for an input that is not floating point."""
    if not input.dtype.is_floating_point:
        raise NotImplementedError(
            f"{op}: not implemented for {input.dtype.name} tensors "
            "(expected floating point tensors)"
        )


def _check_params(op: str, input: Tensor, **params: Tensor | None) -> None:
    """RuntimeError unless every given parameter has the input's dtype and device."""
    for name, param in params.items():
        if param is None:
            continue
        if param.dtype != input.dtype:
            raise RuntimeError(
                f"{op}: expected {name} to have the input's dtype {input.dtype.name}, "
                f"got {param.dtype.name}"
            )
        if param.device is not input.device:
            raise RuntimeError(
                f"{op}: expected {name} on the input's device {input.device}, got {param.device}"
            )


def _check_per_channel(op: str, channels: int, **params: Tensor | None) -> None:
    """PyTorch's RuntimeError unless each given tensor holds one value per channel."""
    for name, param in params.items():
        if param is not None and param.numel() != channels:
            raise RuntimeError(
                f"{op}: {name} should contain {channels} elements not {param.numel()}"
            )


def _check_channels_input(op: str, input: Tensor) -> None:
    if input.ndim < 2:
        raise ValueError(
            f"{op}: expected an input of shape (N, C, *) with at least 2 dimensions, "
            f"got {input.ndim} ({list(input.shape)})"
        )


def _channel_param_shape(input: Tensor) -> tuple[int, ...]:
    """``(C, 1, ..., 1)``: a per-channel parameter broadcast against ``input``."""
    return (input.shape[1],) + (1,) * (input.ndim - 2)


def _normalized_shape(op: str, normalized_shape: Any) -> tuple[int, ...]:
    """``normalized_shape`` (an int or a sequence of ints) as a tuple."""
    shape = (normalized_shape,) if isinstance(normalized_shape, int) else normalized_shape
    try:
        return tuple(operator.index(s) for s in shape)
    except TypeError:
        raise TypeError(
            f"{op}(): argument 'normalized_shape' must be an int or a sequence of ints, "
            f"not {normalized_shape!r}"
        ) from None


def _check_trailing_shape(
    op: str, input: Tensor, shape: tuple[int, ...], **params: Tensor | None
) -> None:
    """PyTorch's RuntimeErrors unless ``input`` ends with ``shape`` and the parameters
    have that shape."""
    if not shape:
        raise RuntimeError(
            f"{op}: Expected normalized_shape to be at least 1-dimensional, i.e., containing "
            "at least one element, but got normalized_shape = []"
        )
    if tuple(input.shape[-len(shape) :]) != shape:
        raise RuntimeError(
            f"{op}: Given normalized_shape={list(shape)}, expected input with shape "
            f"[*, {str(list(shape))[1:-1]}], but got input of size{list(input.shape)}"
        )
    for name, param in params.items():
        if param is not None and tuple(param.shape) != shape:
            raise RuntimeError(
                f"{op}: Expected {name} to be of same shape as normalized_shape, but got "
                f"{name} of shape {list(param.shape)} and normalized_shape = {list(shape)}"
            )


# -- batch, instance, group, layer and RMS normalization ----------------------------------


def batch_norm(
    input: Tensor,
    running_mean: Tensor | None,
    running_var: Tensor | None,
    weight: Tensor | None = None,
    bias: Tensor | None = None,
    training: bool = False,
    momentum: float = 0.1,
    eps: float = 1e-5,
) -> Tensor:
    """Batch normalization: each channel normalized over the batch and spatial dims.

    In training, the batch's mean and (biased) variance normalize the input and,
    when given, ``running_mean`` and ``running_var`` are updated in place:
    ``running = (1 - momentum) * running + momentum * batch_statistic``, with the
    unbiased variance for ``running_var``. Otherwise the running statistics
    normalize. Then ``weight`` scales and ``bias`` shifts each channel.

    Shapes: input ``(N, C, *)``; ``running_mean``, ``running_var``, ``weight``,
    ``bias`` ``(C,)`` -> ``(N, C, *)``.

    Examples:
        >>> import neurarust as nr
        >>> import neurarust.nn.functional as F
        >>> F.batch_norm(nr.tensor([[1.0], [3.0]]), None, None, training=True)
        tensor([[-1.0000],
                [ 1.0000]])
    """
    _check_float("batch_norm", input)
    _check_channels_input("batch_norm", input)
    stats = {"running_mean": running_mean, "running_var": running_var}
    _check_params("batch_norm", input, weight=weight, bias=bias, **stats)
    _check_per_channel("batch_norm", input.shape[1], **stats, weight=weight, bias=bias)
    if training:
        if input.shape[0] * math.prod(input.shape[2:]) == 1:
            raise ValueError(
                "batch_norm: Expected more than 1 value per channel when training, "
                f"got input size {input.shape}"
            )
    elif running_mean is None or running_var is None:
        missing = "running_mean" if running_mean is None else "running_var"
        raise RuntimeError(f"batch_norm: {missing} must be defined in evaluation mode")
    plan = _Plan(
        stat_shape=tuple(input.shape),
        axes=(0, *range(2, input.ndim)),
        param_shape=_channel_param_shape(input),
        use_input_stats=training,
        momentum=momentum,
        eps=eps,
    )
    return Normalize.apply(input, weight, bias, running_mean, running_var, plan)


def instance_norm(
    input: Tensor,
    running_mean: Tensor | None = None,
    running_var: Tensor | None = None,
    weight: Tensor | None = None,
    bias: Tensor | None = None,
    use_input_stats: bool = True,
    momentum: float = 0.1,
    eps: float = 1e-5,
) -> Tensor:
    """Instance normalization: each channel of each sample normalized over its spatial dims.

    With ``use_input_stats`` (the default) the input's statistics normalize and the
    running statistics, when given, are updated in place with their average over
    the batch (unbiased variance); otherwise the running statistics normalize.

    Shapes: input ``(N, C, *)``; ``running_mean``, ``running_var``, ``weight``,
    ``bias`` ``(C,)`` -> ``(N, C, *)``.

    Examples:
        >>> import neurarust as nr
        >>> import neurarust.nn.functional as F
        >>> F.instance_norm(nr.tensor([[[1.0, 3.0]]]))
        tensor([[[-1.0000,  1.0000]]])
    """
    _check_float("instance_norm", input)
    _check_channels_input("instance_norm", input)
    stats = {"running_mean": running_mean, "running_var": running_var}
    _check_params("instance_norm", input, weight=weight, bias=bias, **stats)
    _check_per_channel("instance_norm", input.shape[1], **stats, weight=weight, bias=bias)
    if use_input_stats:
        if math.prod(input.shape[2:]) == 1:
            raise ValueError(
                "instance_norm: Expected more than 1 spatial element when training, "
                f"got input size {input.shape}"
            )
    elif running_mean is None or running_var is None:
        raise RuntimeError(
            "instance_norm: Expected running_mean and running_var to be defined when "
            "use_input_stats is false"
        )
    plan = _Plan(
        stat_shape=tuple(input.shape),
        axes=tuple(range(2, input.ndim)),
        param_shape=_channel_param_shape(input),
        use_input_stats=use_input_stats,
        momentum=momentum,
        eps=eps,
    )
    return Normalize.apply(input, weight, bias, running_mean, running_var, plan)


def group_norm(
    input: Tensor,
    num_groups: int,
    weight: Tensor | None = None,
    bias: Tensor | None = None,
    eps: float = 1e-5,
) -> Tensor:
    """Group normalization: the channels of each sample, split into ``num_groups``
    groups, normalized over each group (and the spatial dims); then per-channel
    ``weight`` and ``bias``.

    Shapes: input ``(N, C, *)`` with ``C`` divisible by ``num_groups``; ``weight``,
    ``bias`` ``(C,)`` -> ``(N, C, *)``.

    Examples:
        >>> import neurarust as nr
        >>> import neurarust.nn.functional as F
        >>> F.group_norm(nr.tensor([[1.0, 3.0, 0.0, 4.0]]), 2)
        tensor([[-1.0000,  1.0000, -1.0000,  1.0000]])
    """
    _check_float("group_norm", input)
    if input.ndim < 2:
        raise RuntimeError(
            f"group_norm: Expected at least 2 dimensions for input tensor but received {input.ndim}"
        )
    channels = input.shape[1]
    if num_groups <= 0 or channels % num_groups:
        raise RuntimeError(
            "group_norm: Expected number of channels in input to be divisible by num_groups, "
            f"but got input of shape {list(input.shape)} and num_groups={num_groups}"
        )
    _check_params("group_norm", input, weight=weight, bias=bias)
    for name, param in (("weight", weight), ("bias", bias)):
        if param is not None and tuple(param.shape) != (channels,):
            raise RuntimeError(
                f"group_norm: Expected {name} to be a vector of size equal to the number of "
                f"channels in input, but got {name} of shape {list(param.shape)} and input of "
                f"shape {list(input.shape)}"
            )
    batch = input.shape[0]
    plan = _Plan(
        stat_shape=(batch, num_groups, input.numel() // max(batch * num_groups, 1)),
        axes=(2,),
        param_shape=_channel_param_shape(input),
        eps=eps,
    )
    return Normalize.apply(input, weight, bias, None, None, plan)


def _trailing_plan(input: Tensor, shape: tuple[int, ...], centered: bool, eps: float) -> _Plan:
    """Normalization over the last ``len(shape)`` dims, parameters of shape ``shape``."""
    leading = input.ndim - len(shape)
    return _Plan(
        stat_shape=tuple(input.shape),
        axes=tuple(range(leading, input.ndim)),
        param_shape=shape,
        centered=centered,
        eps=eps,
    )


def layer_norm(
    input: Tensor,
    normalized_shape: Sequence[int],
    weight: Tensor | None = None,
    bias: Tensor | None = None,
    eps: float = 1e-5,
) -> Tensor:
    """Layer normalization: normalization over the last dims, those of ``normalized_shape``;
    then elementwise ``weight`` and ``bias`` of that shape.

    Shapes: input ``(*, *normalized_shape)``; ``weight``, ``bias`` ``normalized_shape``
    -> the input's shape.

    Examples:
        >>> import neurarust as nr
        >>> import neurarust.nn.functional as F
        >>> F.layer_norm(nr.tensor([[1.0, 3.0]]), [2])
        tensor([[-1.0000,  1.0000]])
    """
    shape = _normalized_shape("layer_norm", normalized_shape)
    _check_float("layer_norm", input)
    _check_trailing_shape("layer_norm", input, shape, weight=weight, bias=bias)
    _check_params("layer_norm", input, weight=weight, bias=bias)
    plan = _trailing_plan(input, shape, centered=True, eps=eps)
    return Normalize.apply(input, weight, bias, None, None, plan)


def rms_norm(
    input: Tensor,
    normalized_shape: Sequence[int],
    weight: Tensor | None = None,
    eps: float | None = None,
) -> Tensor:
    """Root-mean-square normalization over the last dims:
    ``x / sqrt(mean(x ** 2) + eps) * weight``, without subtracting the mean.

    ``eps`` None means the machine epsilon of the input's dtype, as in PyTorch.

    Shapes: input ``(*, *normalized_shape)``; ``weight`` ``normalized_shape`` -> the
    input's shape.

    Examples:
        >>> import neurarust as nr
        >>> import neurarust.nn.functional as F
        >>> F.rms_norm(nr.tensor([[3.0, -3.0]]), [2])
        tensor([[ 1., -1.]])
    """
    shape = _normalized_shape("rms_norm", normalized_shape)
    _check_float("rms_norm", input)
    _check_trailing_shape("rms_norm", input, shape, weight=weight)
    _check_params("rms_norm", input, weight=weight)
    if eps is None:
        eps = float(np.finfo(input._data.dtype).eps)
    plan = _trailing_plan(input, shape, centered=False, eps=eps)
    return Normalize.apply(input, weight, None, None, None, plan)


# -- local response normalization ------------------------------------------------------


def _channel_window_sum(t: Tensor, size: int, before: int) -> Tensor:
    """For each channel ``c``, the sum of ``t`` over channels ``c - before`` to
    ``c - before + size - 1`` (channels outside ``[0, C)`` count as zero)."""
    channels = t.shape[1]

    def zero_channels(n: int) -> Tensor:
        return zeros((t.shape[0], n, *t.shape[2:]), dtype=t.dtype, device=t.device)

    padded = cat([zero_channels(before), t, zero_channels(size - 1 - before)], 1)
    total = padded.narrow(1, 0, channels)
    for start in range(1, size):
        total = total + padded.narrow(1, start, channels)
    return total


def _lrn_base(x: Tensor, size: int, alpha: float, k: float) -> Tensor:
    """``k + alpha * (mean of x ** 2 over the window of size channels around each)``."""
    return _channel_window_sum(x * x, size, size // 2) * (alpha / size) + k


class LocalResponseNormalization(Function):
    """``x / base ** beta`` with ``base = k + alpha / size * window_sum(x ** 2)``.

    backward: ``dx = g * base**-beta - 2 alpha beta / size * x *
    window_sum_transposed(g * x * base**(-beta - 1))``; the transposed window sum is
    a window sum with the padding swapped.
    """

    @staticmethod
    def forward(ctx: Any, x: Tensor, size: int, alpha: float, beta: float, k: float) -> Any:
        base = _lrn_base(x, size, alpha, k)._data  # forward records no graph
        ctx.base, ctx.args = base, (size, alpha, beta, k)
        ctx.save_for_backward(x)
        return x._data / base**beta

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple[Any, ...]:
        (x,) = ctx.saved_tensors
        size, alpha, beta, k = ctx.args
        if grad_mode.is_grad_enabled() and x.requires_grad:  # see _normalized_input
            base = _lrn_base(x, size, alpha, k)
        else:
            base = _constant(x, ctx.base)
        scale = base**-beta
        spread = _channel_window_sum(grad * x * scale / base, size, (size - 1) // 2)
        return grad * scale - x * spread * (2 * alpha * beta / size), None, None, None, None


def local_response_norm(
    input: Tensor, size: int, alpha: float = 1e-4, beta: float = 0.75, k: float = 1.0
) -> Tensor:
    """Local response normalization across channels: each value divided by
    ``(k + alpha * mean of the squares over size neighbouring channels) ** beta``.

    Shapes: ``(N, C, *)`` with at least 3 dimensions -> the same shape.

    Examples:
        >>> import neurarust as nr
        >>> import neurarust.nn.functional as F
        >>> F.local_response_norm(nr.tensor([[[2.0], [0.0]]]), 2, alpha=1.0, beta=1.0)
        tensor([[[0.6667],
                 [0.0000]]])
    """
    _check_float("local_response_norm", input)
    if input.ndim < 3:
        raise ValueError(
            "local_response_norm: Expected 3D or higher dimensionality input "
            f"(got {input.ndim} dimensions)"
        )
    if input.numel() == 0:
        return input
    return LocalResponseNormalization.apply(input, size, alpha, beta, k)


def normalize(input: Tensor, p: float = 2.0, dim: int = 1, eps: float = 1e-12) -> Tensor:
    """``input`` divided by its ``p``-norm along ``dim`` (at least ``eps``).

    Shapes: ``(*)`` -> ``(*)``.

    Examples:
        >>> import neurarust as nr
        >>> import neurarust.nn.functional as F
        >>> F.normalize(nr.tensor([[3.0, 4.0]]))
        tensor([[0.6000, 0.8000]])
    """
    return input / input.norm(p, dim, keepdim=True).clamp_min(eps)
