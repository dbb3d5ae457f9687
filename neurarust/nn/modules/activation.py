"""Activation layers, as ``torch.nn``: each holds its arguments and calls the functional
op of ``neurarust.nn.functional`` (defined in ``neurarust/ops/activation.py``).

Layers with ``inplace=True`` overwrite their input and return it, which saves
memory but is only valid when nothing else needs the input's old value.
"""

from __future__ import annotations

import warnings
from typing import Any

from ... import ops
from ...ops import activation as F
from ...ops.unary import sigmoid, tanh
from ...tensor import Tensor
from .. import init
from ..parameter import Parameter
from .module import Module

__all__ = [
    "Threshold",
    "ReLU",
    "RReLU",
    "Hardtanh",
    "ReLU6",
    "Sigmoid",
    "Hardsigmoid",
    "Tanh",
    "SiLU",
    "Mish",
    "Hardswish",
    "ELU",
    "CELU",
    "SELU",
    "GLU",
    "GELU",
    "Hardshrink",
    "LeakyReLU",
    "LogSigmoid",
    "Softplus",
    "Softshrink",
    "PReLU",
    "Softsign",
    "Tanhshrink",
    "Softmin",
    "Softmax",
    "LogSoftmax",
]


def _inplace_repr(inplace: bool, first: bool = False) -> str:
    """The ``inplace`` part of an ``extra_repr``: shown only when True, as PyTorch does."""
    if not inplace:
        return ""
    return "inplace=True" if first else ", inplace=True"


class Threshold(Module):
    """Replaces each element not greater than ``threshold`` by ``value``.

    Shapes: ``(*)`` -> ``(*)``.

    Examples:
        >>> import neurarust as nr
        >>> nr.nn.Threshold(0.5, -1.0)(nr.tensor([0.2, 0.7]))
        tensor([-1.0000,  0.7000])
    """

    def __init__(self, threshold: float, value: float, inplace: bool = False) -> None:
        super().__init__()
        self.threshold = threshold
        self.value = value
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        return F.threshold(input, self.threshold, self.value, self.inplace)

    def extra_repr(self) -> str:
        return f"threshold={self.threshold}, value={self.value}{_inplace_repr(self.inplace)}"


class ReLU(Module):
    """``max(x, 0)``, elementwise.

    Shapes: ``(*)`` -> ``(*)``.

    Examples:
        >>> import neurarust as nr
        >>> nr.nn.ReLU()(nr.tensor([-1.0, 2.0]))
        tensor([0., 2.])
    """

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        return F.relu(input, inplace=self.inplace)

    def extra_repr(self) -> str:
        return _inplace_repr(self.inplace, first=True)


class RReLU(Module):
    """Randomized leaky ReLU: in training, each non-positive element is scaled by its own
    slope drawn uniformly from ``[lower, upper)``; in evaluation by ``(lower + upper) / 2``.

    Shapes: ``(*)`` -> ``(*)``.

    Examples:
        >>> import neurarust as nr
        >>> nr.nn.RReLU(0.1, 0.3).eval()(nr.tensor([-1.0, 2.0]))
        tensor([-0.2000,  2.0000])
    """

    def __init__(
        self, lower: float = 1.0 / 8, upper: float = 1.0 / 3, inplace: bool = False
    ) -> None:
        super().__init__()
        self.lower = lower
        self.upper = upper
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        return F.rrelu(input, self.lower, self.upper, self.training, self.inplace)

    def extra_repr(self) -> str:
        return f"lower={self.lower}, upper={self.upper}{_inplace_repr(self.inplace)}"


class Hardtanh(Module):
    """Clamps each element to ``[min_val, max_val]``.

    ``min_value`` and ``max_value`` are PyTorch's deprecated names of the bounds.

    Shapes: ``(*)`` -> ``(*)``.

    Examples:
        >>> import neurarust as nr
        >>> nr.nn.Hardtanh(-2.0, 2.0)(nr.tensor([-3.0, 1.0, 3.0]))
        tensor([-2.,  1.,  2.])
    """

    def __init__(
        self,
        min_val: float = -1.0,
        max_val: float = 1.0,
        inplace: bool = False,
        min_value: float | None = None,
        max_value: float | None = None,
    ) -> None:
        super().__init__()
        if min_value is not None:
            warnings.warn(
                "keyword argument `min_value` is deprecated and renamed to `min_val`",
                FutureWarning,
                stacklevel=2,
            )
            min_val = min_value
        if max_value is not None:
            warnings.warn(
                "keyword argument `max_value` is deprecated and renamed to `max_val`",
                FutureWarning,
                stacklevel=2,
            )
            max_val = max_value
        if max_val <= min_val:  # AssertionError, as PyTorch raises
            raise AssertionError(f"max_val ({max_val}) must be greater than min_val ({min_val})")
        self.min_val = min_val
        self.max_val = max_val
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        return F.hardtanh(input, self.min_val, self.max_val, self.inplace)

    def extra_repr(self) -> str:
        return f"min_val={self.min_val}, max_val={self.max_val}{_inplace_repr(self.inplace)}"


class ReLU6(Hardtanh):
    """``min(max(x, 0), 6)``: :class:`Hardtanh` on ``[0, 6]``.

    Shapes: ``(*)`` -> ``(*)``.

    Examples:
        >>> import neurarust as nr
        >>> nr.nn.ReLU6()(nr.tensor([-1.0, 3.0, 8.0]))
        tensor([0., 3., 6.])
    """

    def __init__(self, inplace: bool = False) -> None:
        super().__init__(0.0, 6.0, inplace)

    def extra_repr(self) -> str:
        return _inplace_repr(self.inplace, first=True)


class Sigmoid(Module):
    """The logistic function ``1 / (1 + exp(-x))``, elementwise.

    Shapes: ``(*)`` -> ``(*)``.

    Examples:
        >>> import neurarust as nr
        >>> nr.nn.Sigmoid()(nr.tensor([0.0]))
        tensor([0.5000])
    """

    def forward(self, input: Tensor) -> Tensor:
        return sigmoid(input)


class Hardsigmoid(Module):
    """``relu6(x + 3) / 6``, a piecewise linear sigmoid.

    Shapes: ``(*)`` -> ``(*)``.

    Examples:
        >>> import neurarust as nr
        >>> nr.nn.Hardsigmoid()(nr.tensor([-4.0, 0.0, 1.5]))
        tensor([0.0000, 0.5000, 0.7500])
    """

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        return F.hardsigmoid(input, self.inplace)


class Tanh(Module):
    """Hyperbolic tangent, elementwise.

    Shapes: ``(*)`` -> ``(*)``.

    Examples:
        >>> import neurarust as nr
        >>> nr.nn.Tanh()(nr.tensor([0.0]))
        tensor([0.])
    """

    def forward(self, input: Tensor) -> Tensor:
        return tanh(input)


class SiLU(Module):
    """``x * sigmoid(x)`` (swish), elementwise.

    Shapes: ``(*)`` -> ``(*)``.

    Examples:
        >>> import neurarust as nr
        >>> nr.nn.SiLU()(nr.tensor([1.0]))
        tensor([0.7311])
    """

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        return F.silu(input, inplace=self.inplace)

    def extra_repr(self) -> str:
        return _inplace_repr(self.inplace, first=True)


class Mish(Module):
    """``x * tanh(softplus(x))``, elementwise.

    Shapes: ``(*)`` -> ``(*)``.

    Examples:
        >>> import neurarust as nr
        >>> nr.nn.Mish()(nr.tensor([1.0]))
        tensor([0.8651])
    """

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        return F.mish(input, inplace=self.inplace)

    def extra_repr(self) -> str:
        return _inplace_repr(self.inplace, first=True)


class Hardswish(Module):
    """``x * relu6(x + 3) / 6``, elementwise.

    Shapes: ``(*)`` -> ``(*)``.

    Examples:
        >>> import neurarust as nr
        >>> nr.nn.Hardswish()(nr.tensor([1.5]))
        tensor([1.1250])
    """

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        return F.hardswish(input, self.inplace)


class ELU(Module):
    """``x`` where positive, ``alpha * (exp(x) - 1)`` elsewhere.

    Shapes: ``(*)`` -> ``(*)``.

    Examples:
        >>> import neurarust as nr
        >>> nr.nn.ELU()(nr.tensor([-1.0, 2.0]))
        tensor([-0.6321,  2.0000])
    """

    def __init__(self, alpha: float = 1.0, inplace: bool = False) -> None:
        super().__init__()
        self.alpha = alpha
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        return F.elu(input, self.alpha, self.inplace)

    def extra_repr(self) -> str:
        return f"alpha={self.alpha}{_inplace_repr(self.inplace)}"


class CELU(Module):
    """``max(0, x) + min(0, alpha * (exp(x / alpha) - 1))``.

    Shapes: ``(*)`` -> ``(*)``.

    Examples:
        >>> import neurarust as nr
        >>> nr.nn.CELU(2.0)(nr.tensor([-1.0, 2.0]))
        tensor([-0.7869,  2.0000])
    """

    def __init__(self, alpha: float = 1.0, inplace: bool = False) -> None:
        super().__init__()
        self.alpha = alpha
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        return F.celu(input, self.alpha, self.inplace)

    def extra_repr(self) -> str:
        return f"alpha={self.alpha}{_inplace_repr(self.inplace)}"


class SELU(Module):
    """Scaled ELU with the self-normalizing constants (``alpha = 1.6733``, ``scale = 1.0507``).

    Shapes: ``(*)`` -> ``(*)``.

    Examples:
        >>> import neurarust as nr
        >>> nr.nn.SELU()(nr.tensor([-1.0, 2.0]))
        tensor([-1.1113,  2.1014])
    """

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        return F.selu(input, self.inplace)

    def extra_repr(self) -> str:
        return _inplace_repr(self.inplace, first=True)


class GLU(Module):
    """Gated linear unit: ``a * sigmoid(b)`` for the halves ``a``, ``b`` of the input along ``dim``.

    Shapes: ``(*, 2n, *)`` -> ``(*, n, *)``, halving dimension ``dim``.

    Examples:
        >>> import neurarust as nr
        >>> nr.nn.GLU()(nr.ones(3, 4)).shape
        neurarust.Size([3, 2])
    """

    def __init__(self, dim: int = -1) -> None:
        super().__init__()
        self.dim = dim

    def forward(self, input: Tensor) -> Tensor:
        return F.glu(input, self.dim)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


class GELU(Module):
    """Gaussian error linear unit ``x * Phi(x)``; ``approximate="tanh"`` uses the tanh
    approximation.

    Shapes: ``(*)`` -> ``(*)``.

    Examples:
        >>> import neurarust as nr
        >>> nr.nn.GELU()(nr.tensor([1.0]))
        tensor([0.8413])
    """

    def __init__(self, approximate: str = "none") -> None:
        super().__init__()
        self.approximate = approximate

    def forward(self, input: Tensor) -> Tensor:
        return F.gelu(input, approximate=self.approximate)

    def extra_repr(self) -> str:
        return f"approximate={self.approximate!r}"


class Hardshrink(Module):
    """``x`` where ``|x| > lambd``, 0 elsewhere.

    Shapes: ``(*)`` -> ``(*)``.

    Examples:
        >>> import neurarust as nr
        >>> nr.nn.Hardshrink()(nr.tensor([0.25, 0.75]))
        tensor([0.0000, 0.7500])
    """

    def __init__(self, lambd: float = 0.5) -> None:
        super().__init__()
        self.lambd = lambd

    def forward(self, input: Tensor) -> Tensor:
        return F.hardshrink(input, self.lambd)

    def extra_repr(self) -> str:
        return f"{self.lambd}"


class LeakyReLU(Module):
    """``x`` where positive, ``negative_slope * x`` elsewhere.

    Shapes: ``(*)`` -> ``(*)``.

    Examples:
        >>> import neurarust as nr
        >>> nr.nn.LeakyReLU(0.1)(nr.tensor([-2.0, 3.0]))
        tensor([-0.2000,  3.0000])
    """

    def __init__(self, negative_slope: float = 1e-2, inplace: bool = False) -> None:
        super().__init__()
        self.negative_slope = negative_slope
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        return F.leaky_relu(input, self.negative_slope, self.inplace)

    def extra_repr(self) -> str:
        return f"negative_slope={self.negative_slope}{_inplace_repr(self.inplace)}"


class LogSigmoid(Module):
    """``log(sigmoid(x))``, computed without overflow.

    Shapes: ``(*)`` -> ``(*)``.

    Examples:
        >>> import neurarust as nr
        >>> nr.nn.LogSigmoid()(nr.tensor([0.0]))
        tensor([-0.6931])
    """

    def forward(self, input: Tensor) -> Tensor:
        return F.logsigmoid(input)


class Softplus(Module):
    """``log(1 + exp(beta * x)) / beta``, and ``x`` where ``beta * x > threshold``.

    Shapes: ``(*)`` -> ``(*)``.

    Examples:
        >>> import neurarust as nr
        >>> nr.nn.Softplus()(nr.tensor([0.0]))
        tensor([0.6931])
    """

    def __init__(self, beta: float = 1.0, threshold: float = 20.0) -> None:
        super().__init__()
        self.beta = beta
        self.threshold = threshold

    def forward(self, input: Tensor) -> Tensor:
        return F.softplus(input, self.beta, self.threshold)

    def extra_repr(self) -> str:
        return f"beta={self.beta}, threshold={self.threshold}"


class Softshrink(Module):
    """``x`` moved towards 0 by ``lambd``, and 0 where ``|x| <= lambd``.

    Shapes: ``(*)`` -> ``(*)``.

    Examples:
        >>> import neurarust as nr
        >>> nr.nn.Softshrink()(nr.tensor([0.25, 0.75]))
        tensor([0.0000, 0.2500])
    """

    def __init__(self, lambd: float = 0.5) -> None:
        super().__init__()
        self.lambd = lambd

    def forward(self, input: Tensor) -> Tensor:
        return F.softshrink(input, self.lambd)

    def extra_repr(self) -> str:
        return str(self.lambd)


class PReLU(Module):
    """``x`` where positive, ``a * x`` elsewhere, with learned slopes ``a``
    (``weight``, initialized to ``init``): one for all channels, or one per channel
    (``num_parameters`` = the size of dimension 1 of the input).

    Shapes: ``(N, C, *)`` -> ``(N, C, *)``; any shape with one parameter.

    Examples:
        >>> import neurarust as nr
        >>> m = nr.nn.PReLU()
        >>> m(nr.tensor([-2.0, 3.0]))
        tensor([-0.5000,  3.0000], grad_fn=<PreluBackward>)
        >>> m.weight.shape
        neurarust.Size([1])
    """

    def __init__(
        self, num_parameters: int = 1, init: float = 0.25, device: Any = None, dtype: Any = None
    ) -> None:
        super().__init__()
        self.num_parameters = num_parameters
        self.init = init
        self.weight = Parameter(ops.empty(num_parameters, device=device, dtype=dtype))
        self.reset_parameters()

    def reset_parameters(self) -> None:
        init.constant_(self.weight, self.init)

    def forward(self, input: Tensor) -> Tensor:
        return F.prelu(input, self.weight)

    def extra_repr(self) -> str:
        return f"num_parameters={self.num_parameters}"


class Softsign(Module):
    """``x / (1 + |x|)``, elementwise.

    Shapes: ``(*)`` -> ``(*)``.

    Examples:
        >>> import neurarust as nr
        >>> nr.nn.Softsign()(nr.tensor([1.0]))
        tensor([0.5000])
    """

    def forward(self, input: Tensor) -> Tensor:
        return F.softsign(input)


class Tanhshrink(Module):
    """``x - tanh(x)``, elementwise.

    Shapes: ``(*)`` -> ``(*)``.

    Examples:
        >>> import neurarust as nr
        >>> nr.nn.Tanhshrink()(nr.tensor([1.0]))
        tensor([0.2384])
    """

    def forward(self, input: Tensor) -> Tensor:
        return F.tanhshrink(input)


class Softmin(Module):
    """``softmax(-x)`` along ``dim``; ``dim=None`` picks one as PyTorch does (deprecated).

    Shapes: ``(*)`` -> ``(*)``.

    Examples:
        >>> import neurarust as nr
        >>> nr.nn.Softmin(dim=0)(nr.tensor([0.0, 1.0]))
        tensor([0.7311, 0.2689])
    """

    def __init__(self, dim: int | None = None) -> None:
        super().__init__()
        self.dim = dim

    def forward(self, input: Tensor) -> Tensor:
        return F.softmin(input, self.dim, _stacklevel=5)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


class Softmax(Module):
    """``exp(x) / sum(exp(x))`` along ``dim``; ``dim=None`` picks one as PyTorch does
    (deprecated).

    Shapes: ``(*)`` -> ``(*)``.

    Examples:
        >>> import neurarust as nr
        >>> nr.nn.Softmax(dim=1)(nr.zeros(1, 2))
        tensor([[0.5000, 0.5000]])
    """

    def __init__(self, dim: int | None = None) -> None:
        super().__init__()
        self.dim = dim

    def forward(self, input: Tensor) -> Tensor:
        return F.softmax(input, self.dim, _stacklevel=5)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


class LogSoftmax(Module):
    """``log(softmax(x))`` along ``dim``, without overflow; ``dim=None`` picks one as
    PyTorch does (deprecated).

    Shapes: ``(*)`` -> ``(*)``.

    Examples:
        >>> import neurarust as nr
        >>> nr.nn.LogSoftmax(dim=1)(nr.zeros(1, 2))
        tensor([[-0.6931, -0.6931]])
    """

    def __init__(self, dim: int | None = None) -> None:
        super().__init__()
        self.dim = dim

    def forward(self, input: Tensor) -> Tensor:
        return F.log_softmax(input, self.dim, _stacklevel=5)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"
