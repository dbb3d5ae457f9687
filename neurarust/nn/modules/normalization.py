"""Normalization layers: BatchNorm1d/2d/3d, InstanceNorm1d/2d/3d, LayerNorm, GroupNorm,
RMSNorm and LocalResponseNorm, as in ``torch.nn``.

Each layer holds its parameters (``weight`` ones and ``bias`` zeros at first) and,
for batch and instance norm, its running statistics as buffers, and calls the
fused op of :mod:`neurarust.ops.normalization`. Parameter and buffer names, and
``state_dict`` layouts, are PyTorch's, so PyTorch checkpoints load.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

from ... import dtypes, ops
from ...ops import normalization as F
from ...tensor import Tensor
from .. import init
from ..parameter import Parameter
from .module import Module

__all__ = [
    "BatchNorm1d",
    "BatchNorm2d",
    "BatchNorm3d",
    "InstanceNorm1d",
    "InstanceNorm2d",
    "InstanceNorm3d",
    "LayerNorm",
    "GroupNorm",
    "RMSNorm",
    "LocalResponseNorm",
]


def _shape_tuple(shape: int | Sequence[int]) -> tuple[int, ...]:
    return (shape,) if isinstance(shape, int) else tuple(shape)


def _make_affine(
    module: Module, shape: tuple[int, ...], weight: bool, bias: bool, factory: dict[str, Any]
) -> None:
    """Register ``module``'s ``weight`` and ``bias`` parameters of ``shape`` (None where not
    wanted); ``reset_parameters`` gives them their values."""
    for name, wanted in (("weight", weight), ("bias", bias)):
        param = Parameter(ops.empty(shape, **factory)) if wanted else None
        module.register_parameter(name, param)


class _NormBase(Module):
    """What batch and instance norm share: per-channel ``weight`` and ``bias``, and the
    running statistics ``running_mean``, ``running_var`` and ``num_batches_tracked``."""

    # Version 2 added num_batches_tracked; _load_from_state_dict upgrades older checkpoints.
    _version = 2
    # The input dimensions accepted (with and without the batch dimension).
    _input_dims: tuple[int, ...] = ()

    def __init__(
        self,
        num_features: int,
        eps: float = 1e-5,
        momentum: float | None = 0.1,
        affine: bool = True,
        track_running_stats: bool = True,
        device: Any = None,
        dtype: Any = None,
        *,
        bias: bool = True,
    ) -> None:
        super().__init__()
        self.num_features = num_features
        self.eps = eps
        self.momentum = momentum
        self.affine = affine
        self.track_running_stats = track_running_stats
        factory = {"device": device, "dtype": dtype}
        _make_affine(self, (num_features,), affine, affine and bias, factory)
        if track_running_stats:
            self.register_buffer("running_mean", ops.zeros(num_features, **factory))
            self.register_buffer("running_var", ops.ones(num_features, **factory))
            count = ops.tensor(0, dtype=dtypes.int64, device=device)
            self.register_buffer("num_batches_tracked", count)
        else:
            for name in ("running_mean", "running_var", "num_batches_tracked"):
                self.register_buffer(name, None)
        self.reset_parameters()

    def reset_running_stats(self) -> None:
        """Running mean 0, running variance 1, no batch tracked."""
        if self.track_running_stats:
            self.running_mean.zero_()
            self.running_var.fill_(1)
            self.num_batches_tracked.zero_()

    def reset_parameters(self) -> None:
        """Running statistics reset; ``weight`` ones and ``bias`` zeros."""
        self.reset_running_stats()
        if self.affine:
            init.ones_(self.weight)
            if self.bias is not None:
                init.zeros_(self.bias)

    def _check_input_dim(self, input: Tensor) -> None:
        if input.ndim not in self._input_dims:
            expected = " or ".join(f"{d}D" for d in self._input_dims)
            raise ValueError(
                f"{type(self).__name__}: expected {expected} input (got {input.ndim}D input)"
            )

    def extra_repr(self) -> str:
        return (
            f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, "
            f"affine={self.affine}, bias={self.bias is not None}, "
            f"track_running_stats={self.track_running_stats}"
        )

    def _load_from_state_dict(
        self,
        state_dict: dict[str, Any],
        prefix: str,
        local_metadata: dict[str, Any],
        strict: bool,
        missing_keys: list[str],
        unexpected_keys: list[str],
        error_msgs: list[str],
    ) -> None:
        version = local_metadata.get("version")
        key = prefix + "num_batches_tracked"
        # Checkpoints older than version 2 have no num_batches_tracked: keep ours.
        if (version is None or version < 2) and self.track_running_stats:
            state_dict.setdefault(key, self.num_batches_tracked)
        super()._load_from_state_dict(
            state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys, error_msgs
        )


class _BatchNorm(_NormBase):
    def forward(self, input: Tensor) -> Tensor:
        self._check_input_dim(input)
        momentum = 0.0 if self.momentum is None else self.momentum
        if self.training and self.track_running_stats:
            self.num_batches_tracked.add_(1)
            if self.momentum is None:  # a cumulative moving average
                momentum = 1.0 / int(self.num_batches_tracked)
        # Batch statistics in training, and in evaluation when nothing is tracked.
        use_batch_stats = self.training or self.running_mean is None
        # In training, running statistics are passed (and so updated) only when tracked.
        pass_running = not self.training or self.track_running_stats
        return F.batch_norm(
            input,
            self.running_mean if pass_running else None,
            self.running_var if pass_running else None,
            self.weight,
            self.bias,
            use_batch_stats,
            momentum,
            self.eps,
        )


_BATCH_NORM_DOC = """Batch normalization over {what}: each channel normalized by the
    batch's mean and variance in training (which also update the running statistics),
    by the running statistics in evaluation; then scaled by ``weight`` and shifted by
    ``bias``.

    ``momentum`` weighs each batch in the running statistics
    (``running = (1 - momentum) * running + momentum * batch``); None gives their
    cumulative average over the ``num_batches_tracked`` batches seen. Without
    ``track_running_stats`` the batch statistics are used in evaluation too.

    Shapes: {shapes}.

    Examples:
        >>> import neurarust as nr
        >>> bn = nr.nn.{name}(3)
        >>> bn(nr.randn({example})).shape
        neurarust.Size([{example}])
    """


class BatchNorm1d(_BatchNorm):
    __doc__ = _BATCH_NORM_DOC.format(
        what="2D or 3D inputs",
        shapes="``(N, C)`` or ``(N, C, L)`` -> the same",
        name="BatchNorm1d",
        example="4, 3, 5",
    )
    _input_dims = (2, 3)


class BatchNorm2d(_BatchNorm):
    __doc__ = _BATCH_NORM_DOC.format(
        what="4D inputs (images)",
        shapes="``(N, C, H, W)`` -> the same",
        name="BatchNorm2d",
        example="4, 3, 2, 2",
    )
    _input_dims = (4,)


class BatchNorm3d(_BatchNorm):
    __doc__ = _BATCH_NORM_DOC.format(
        what="5D inputs (volumes)",
        shapes="``(N, C, D, H, W)`` -> the same",
        name="BatchNorm3d",
        example="2, 3, 2, 2, 2",
    )
    _input_dims = (5,)


class _InstanceNorm(_NormBase):
    def __init__(
        self,
        num_features: int,
        eps: float = 1e-5,
        momentum: float | None = 0.1,
        affine: bool = False,
        track_running_stats: bool = False,
        device: Any = None,
        dtype: Any = None,
        *,
        bias: bool = True,
    ) -> None:
        super().__init__(
            num_features, eps, momentum, affine, track_running_stats, device, dtype, bias=bias
        )

    def forward(self, input: Tensor) -> Tensor:
        self._check_input_dim(input)
        unbatched = input.ndim == self._input_dims[0]
        channel_dim = 0 if unbatched else 1
        channels = input.shape[channel_dim]
        if channels != self.num_features:
            if self.affine:
                raise ValueError(
                    f"{type(self).__name__}: expected input's size at dim={channel_dim} to "
                    f"match num_features ({self.num_features}), but got: {channels}."
                )
            warnings.warn(
                f"input's size at dim={channel_dim} does not match num_features. You can "
                "silence this warning by not passing in num_features, which is not used "
                "because affine=False",
                stacklevel=2,
            )
        batched = input.unsqueeze(0) if unbatched else input
        out = F.instance_norm(
            batched,
            self.running_mean,
            self.running_var,
            self.weight,
            self.bias,
            self.training or not self.track_running_stats,
            0.0 if self.momentum is None else self.momentum,
            self.eps,
        )
        return out.squeeze(0) if unbatched else out

    def _load_from_state_dict(
        self,
        state_dict: dict[str, Any],
        prefix: str,
        local_metadata: dict[str, Any],
        strict: bool,
        missing_keys: list[str],
        unexpected_keys: list[str],
        error_msgs: list[str],
    ) -> None:
        # Checkpoints without a version (before PyTorch 0.4) hold running statistics even
        # for layers that do not track them: drop them, with an error naming them.
        if local_metadata.get("version") is None and not self.track_running_stats:
            names = (prefix + "running_mean", prefix + "running_var")
            stale = [key for key in names if key in state_dict]
            if stale:
                error_msgs.append(_stale_running_stats_message(type(self).__name__, stale))
                for key in stale:
                    state_dict.pop(key)
        super()._load_from_state_dict(
            state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys, error_msgs
        )


def _stale_running_stats_message(name: str, keys: list[str]) -> str:
    """PyTorch's error for running statistics given to an instance norm tracking none."""
    return (
        "Unexpected running stats buffer(s) "
        + " and ".join(f'"{k}"' for k in keys)
        + f" for {name} with track_running_stats=False. If state_dict is a checkpoint saved "
        f"before 0.4.0, this may be expected because {name} does not track running stats by "
        "default since 0.4.0. Please remove these keys from state_dict. If the running stats "
        f"are actually needed, instead set track_running_stats=True in {name} to enable them. "
        f"See the documentation of {name} for details."
    )


_INSTANCE_NORM_DOC = """Instance normalization over {what}: each channel of each
    sample normalized by its own mean and variance over the spatial dims.

    ``affine`` adds per-channel ``weight`` and ``bias`` (off by default). With
    ``track_running_stats`` (off by default) the running statistics are updated in
    training and normalize in evaluation; ``momentum`` None counts as 0 here, as in
    PyTorch.

    Shapes: {shapes}.

    Examples:
        >>> import neurarust as nr
        >>> norm = nr.nn.{name}(3)
        >>> norm(nr.randn({example})).shape
        neurarust.Size([{example}])
    """


class InstanceNorm1d(_InstanceNorm):
    __doc__ = _INSTANCE_NORM_DOC.format(
        what="3D inputs",
        shapes="``(N, C, L)`` or ``(C, L)`` -> the same",
        name="InstanceNorm1d",
        example="2, 3, 5",
    )
    _input_dims = (2, 3)


class InstanceNorm2d(_InstanceNorm):
    __doc__ = _INSTANCE_NORM_DOC.format(
        what="4D inputs (images)",
        shapes="``(N, C, H, W)`` or ``(C, H, W)`` -> the same",
        name="InstanceNorm2d",
        example="2, 3, 2, 2",
    )
    _input_dims = (3, 4)


class InstanceNorm3d(_InstanceNorm):
    __doc__ = _INSTANCE_NORM_DOC.format(
        what="5D inputs (volumes)",
        shapes="``(N, C, D, H, W)`` or ``(C, D, H, W)`` -> the same",
        name="InstanceNorm3d",
        example="2, 3, 2, 2, 2",
    )
    _input_dims = (4, 5)


class LayerNorm(Module):
    """Layer normalization over the last dims, those of ``normalized_shape``.

    With ``elementwise_affine``, a ``weight`` (ones at first) and, if ``bias``, a
    ``bias`` (zeros) of shape ``normalized_shape`` scale and shift each element.

    Shapes: ``(*, *normalized_shape)`` -> the same.

    Examples:
        >>> import neurarust as nr
        >>> norm = nr.nn.LayerNorm(4)
        >>> norm(nr.randn(2, 4)).shape
        neurarust.Size([2, 4])
    """

    def __init__(
        self,
        normalized_shape: int | Sequence[int],
        eps: float = 1e-5,
        elementwise_affine: bool = True,
        bias: bool = True,
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        super().__init__()
        self.normalized_shape = _shape_tuple(normalized_shape)
        self.eps = eps
        self.elementwise_affine = elementwise_affine
        factory = {"device": device, "dtype": dtype}
        shape, with_bias = self.normalized_shape, elementwise_affine and bias
        _make_affine(self, shape, elementwise_affine, with_bias, factory)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """``weight`` ones and ``bias`` zeros."""
        if self.weight is not None:
            init.ones_(self.weight)
        if self.bias is not None:
            init.zeros_(self.bias)

    def forward(self, input: Tensor) -> Tensor:
        return F.layer_norm(input, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return (
            f"{self.normalized_shape}, eps={self.eps}, "
            f"elementwise_affine={self.elementwise_affine}, bias={self.bias is not None}"
        )


class GroupNorm(Module):
    """Group normalization: the ``num_channels`` channels of each sample, split into
    ``num_groups`` groups, normalized over each group and the spatial dims.

    With ``affine``, per-channel ``weight`` (ones) and, if ``bias``, ``bias`` (zeros).

    Shapes: ``(N, C, *)`` with ``C = num_channels`` -> the same.

    Examples:
        >>> import neurarust as nr
        >>> norm = nr.nn.GroupNorm(2, 4)
        >>> norm(nr.randn(3, 4, 5)).shape
        neurarust.Size([3, 4, 5])
    """

    def __init__(
        self,
        num_groups: int,
        num_channels: int,
        eps: float = 1e-5,
        affine: bool = True,
        device: Any = None,
        dtype: Any = None,
        *,
        bias: bool = True,
    ) -> None:
        super().__init__()
        if num_channels % num_groups:
            raise ValueError(
                f"GroupNorm: num_channels ({num_channels}) must be divisible by num_groups "
                f"({num_groups})"
            )
        self.num_groups = num_groups
        self.num_channels = num_channels
        self.eps = eps
        self.affine = affine
        factory = {"device": device, "dtype": dtype}
        _make_affine(self, (num_channels,), affine, affine and bias, factory)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """``weight`` ones and ``bias`` zeros."""
        if self.weight is not None:
            init.ones_(self.weight)
        if self.bias is not None:
            init.zeros_(self.bias)

    def forward(self, input: Tensor) -> Tensor:
        return F.group_norm(input, self.num_groups, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return (
            f"{self.num_groups}, {self.num_channels}, eps={self.eps}, affine={self.affine}, "
            f"bias={self.bias is not None}"
        )


class RMSNorm(Module):
    """Root-mean-square normalization over the last dims, those of ``normalized_shape``:
    ``x / sqrt(mean(x ** 2) + eps) * weight``.

    ``eps`` None means the machine epsilon of the input's dtype. With
    ``elementwise_affine``, a ``weight`` (ones) of shape ``normalized_shape``.

    Shapes: ``(*, *normalized_shape)`` -> the same.

    Examples:
        >>> import neurarust as nr
        >>> norm = nr.nn.RMSNorm(4)
        >>> norm(nr.randn(2, 4)).shape
        neurarust.Size([2, 4])
    """

    def __init__(
        self,
        normalized_shape: int | Sequence[int],
        eps: float | None = None,
        elementwise_affine: bool = True,
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        super().__init__()
        self.normalized_shape = _shape_tuple(normalized_shape)
        self.eps = eps
        self.elementwise_affine = elementwise_affine
        factory = {"device": device, "dtype": dtype}
        _make_affine(self, self.normalized_shape, elementwise_affine, False, factory)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """``weight`` ones."""
        if self.weight is not None:
            init.ones_(self.weight)

    def forward(self, x: Tensor) -> Tensor:
        return F.rms_norm(x, self.normalized_shape, self.weight, self.eps)

    def extra_repr(self) -> str:
        return (
            f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.elementwise_affine}"
        )


class LocalResponseNorm(Module):
    """Local response normalization across channels (AlexNet's): each value divided by
    ``(k + alpha * mean of the squares over size neighbouring channels) ** beta``.

    Shapes: ``(N, C, *)`` with at least 3 dimensions -> the same.

    Examples:
        >>> import neurarust as nr
        >>> norm = nr.nn.LocalResponseNorm(2)
        >>> norm(nr.randn(2, 4, 3)).shape
        neurarust.Size([2, 4, 3])
    """

    def __init__(self, size: int, alpha: float = 1e-4, beta: float = 0.75, k: float = 1.0) -> None:
        super().__init__()
        self.size = size
        self.alpha = alpha
        self.beta = beta
        self.k = k

    def forward(self, input: Tensor) -> Tensor:
        return F.local_response_norm(input, self.size, self.alpha, self.beta, self.k)

    def extra_repr(self) -> str:
        return f"{self.size}, alpha={self.alpha}, beta={self.beta}, k={self.k}"
