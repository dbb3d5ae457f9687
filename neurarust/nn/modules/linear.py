"""Affine layers: Identity, Linear, Bilinear and LazyLinear (as ``torch.nn``).

Their default initializations are PyTorch's: ``Linear`` draws its weight with
``kaiming_uniform_(a=sqrt(5))``, that is uniformly in ``±1/sqrt(in_features)``,
and its bias in the same range; ``Bilinear`` draws both in ``±1/sqrt(in1_features)``.
"""

from __future__ import annotations

import math
from typing import Any

from ...autograd.grad_mode import no_grad
from ...ops.creation import empty
from ...tensor import Tensor
from .. import functional as F
from .. import init
from ..parameter import Parameter, UninitializedParameter
from .lazy import LazyModuleMixin
from .module import Module

__all__ = ["Identity", "Linear", "Bilinear", "LazyLinear"]


class Identity(Module):
    """Returns its input unchanged; any constructor arguments are ignored.

    A placeholder, e.g. to remove a layer from a model without changing its code
    (``model.fc = nn.Identity()``).

    Shapes: ``(*)`` -> ``(*)``.

    Examples:
        >>> import neurarust as nr
        >>> nr.nn.Identity(54, unused=0.1)(nr.ones(2, 3)).shape
        neurarust.Size([2, 3])
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__()

    def forward(self, input: Tensor) -> Tensor:
        return input


class Linear(Module):
    """``y = x @ weight.T + bias``.

    Args:
        in_features: size of each input sample (the last dimension).
        out_features: size of each output sample.
        bias: if False, the layer learns no additive bias.
        device: where the parameters are created.
        dtype: the dtype they are created with.

    Attributes:
        weight: ``(out_features, in_features)``, initialized uniformly in
            ``±1/sqrt(in_features)`` (``kaiming_uniform_`` with ``a=sqrt(5)``).
        bias: ``(out_features,)``, initialized uniformly in ``±1/sqrt(in_features)``.

    Shapes: ``(*, in_features)`` -> ``(*, out_features)``.

    Examples:
        >>> import neurarust as nr
        >>> layer = nr.nn.Linear(20, 30)
        >>> layer(nr.randn(128, 20)).shape
        neurarust.Size([128, 30])
    """

    def __init__(
        self,
        in_features: int,
        out_features: int,
        bias: bool = True,
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        super().__init__()
        self.in_features = in_features
        self.out_features = out_features
        self.weight = Parameter(empty((out_features, in_features), device=device, dtype=dtype))
        if bias:
            self.bias = Parameter(empty(out_features, device=device, dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Draw the parameters again from PyTorch's default distributions."""
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in = self.weight.shape[1]
            bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0.0
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input: Tensor) -> Tensor:
        return F.linear(input, self.weight, self.bias)

    def extra_repr(self) -> str:
        return (
            f"in_features={self.in_features}, out_features={self.out_features}, "
            f"bias={self.bias is not None}"
        )


class Bilinear(Module):
    """``y = x1^T A x2 + b``, i.e. ``y[..., o] = sum_ij x1[i] weight[o, i, j] x2[j] + bias[o]``.

    Args:
        in1_features: size of each sample of the first input (> 0).
        in2_features: size of each sample of the second input.
        out_features: size of each output sample.
        bias: if False, the layer learns no additive bias.
        device: where the parameters are created.
        dtype: the dtype they are created with.

    Attributes:
        weight: ``(out_features, in1_features, in2_features)``, uniform in
            ``±1/sqrt(in1_features)``.
        bias: ``(out_features,)``, uniform in ``±1/sqrt(in1_features)``.

    Shapes: ``(*, in1_features)`` and ``(*, in2_features)`` (the same leading dims)
    -> ``(*, out_features)``.

    Examples:
        >>> import neurarust as nr
        >>> layer = nr.nn.Bilinear(20, 30, 40)
        >>> layer(nr.randn(128, 20), nr.randn(128, 30)).shape
        neurarust.Size([128, 40])
    """

    def __init__(
        self,
        in1_features: int,
        in2_features: int,
        out_features: int,
        bias: bool = True,
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        super().__init__()
        self.in1_features = in1_features
        self.in2_features = in2_features
        self.out_features = out_features
        shape = (out_features, in1_features, in2_features)
        self.weight = Parameter(empty(shape, device=device, dtype=dtype))
        if bias:
            self.bias = Parameter(empty(out_features, device=device, dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Draw the parameters again from PyTorch's default distributions."""
        if self.in1_features <= 0:
            raise ValueError(
                f"in1_features must be > 0, but got (in1_features={self.in1_features})"
            )
        bound = 1 / math.sqrt(self.in1_features)
        init.uniform_(self.weight, -bound, bound)
        if self.bias is not None:
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input1: Tensor, input2: Tensor) -> Tensor:
        return F.bilinear(input1, input2, self.weight, self.bias)

    def extra_repr(self) -> str:
        return (
            f"in1_features={self.in1_features}, in2_features={self.in2_features}, "
            f"out_features={self.out_features}, bias={self.bias is not None}"
        )


class LazyLinear(LazyModuleMixin, Linear):
    """A :class:`Linear` whose ``in_features`` is taken from its first input.

    Until the first call, ``weight`` and ``bias`` are
    :class:`~neurarust.nn.UninitializedParameter` and ``in_features`` is 0; the
    first ``forward`` sets ``in_features = input.shape[-1]``, creates and
    initializes the parameters as :class:`Linear` does, and the module becomes
    a plain :class:`Linear` (its class changes).

    Args:
        out_features: size of each output sample.
        bias: if False, the layer learns no additive bias.
        device: where the parameters are created.
        dtype: the dtype they are created with.

    Examples:
        >>> import neurarust as nr
        >>> layer = nr.nn.LazyLinear(10)
        >>> layer(nr.randn(4, 7)).shape
        neurarust.Size([4, 10])
        >>> layer
        Linear(in_features=7, out_features=10, bias=True)
    """

    cls_to_become = Linear
    weight: UninitializedParameter  # until the first call
    bias: UninitializedParameter

    def __init__(
        self, out_features: int, bias: bool = True, device: Any = None, dtype: Any = None
    ) -> None:
        # A Linear(0, 0) without bias: the parameters are replaced right away.
        super().__init__(0, 0, False)
        self.weight = UninitializedParameter(device=device, dtype=dtype)
        self.out_features = out_features
        if bias:
            self.bias = UninitializedParameter(device=device, dtype=dtype)

    def reset_parameters(self) -> None:
        if not self.has_uninitialized_params() and self.in_features != 0:
            super().reset_parameters()

    def initialize_parameters(self, input: Tensor) -> None:
        """Set ``in_features`` from ``input``'s last dimension and create the parameters."""
        if self.has_uninitialized_params():
            with no_grad():
                self.in_features = input.shape[-1]
                self.weight.materialize((self.out_features, self.in_features))
                if self.bias is not None:
                    self.bias.materialize((self.out_features,))
                self.reset_parameters()
