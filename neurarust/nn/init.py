r"""Initializers for network parameters, as ``torch.nn.init``.

Every initializer overwrites its tensor in place under :class:`neurarust.no_grad`
(so it works on Parameters, which require grad, and records no graph), returns
that tensor, and takes the same arguments as its PyTorch namesake. The random
ones take ``generator=`` (a :class:`neurarust.Generator`; None means the default
generator of the tensor's device, which ``neurarust.manual_seed`` seeds). They
draw from the same distributions as PyTorch, though not the same numbers.

Fans: for a weight of shape ``(out, in, *kernel)`` (Linear: ``(out_features,
in_features)``; Conv2d: ``(out_channels, in_channels / groups, kH, kW)``),
``fan_in = in * prod(kernel)`` and ``fan_out = out * prod(kernel)``.

Examples:
    >>> import neurarust as nr
    >>> from neurarust.nn import init
    >>> w = nr.empty(256, 128)
    >>> bound = init.calculate_gain("relu") * (3 / 128) ** 0.5
    >>> _ = init.kaiming_uniform_(w, nonlinearity="relu")
    >>> bool(w.abs().max() <= bound)
    True

Custom initializers
-------------------

Any callable that takes a tensor and writes into it is an initializer: nothing
registers it. Write its values in place under ``no_grad`` (a Parameter requires
grad, and autograd refuses in-place writes into such a leaf otherwise), and
return the tensor so that calls chain like the built-in ones:

    >>> def small_normal_(tensor, std=0.02):
    ...     with nr.no_grad():
    ...         return tensor.normal_(0.0, std).clamp_(-2 * std, 2 * std)
    >>> weight = nr.nn.Parameter(nr.empty(4, 3))
    >>> _ = small_normal_(weight)
    >>> weight.requires_grad, weight.grad_fn is None, bool(weight.abs().max() <= 0.04)
    (True, True, True)

To initialize a whole model, pass a function to ``Module.apply``, which calls it
on every submodule; pick the layers by type::

    def init_weights(m):
        if isinstance(m, nn.Linear):
            nn.init.xavier_uniform_(m.weight)
            nn.init.zeros_(m.bias)

    model.apply(init_weights)
"""

from __future__ import annotations

import functools
import math
import warnings
from collections.abc import Callable
from typing import Any, Literal, TypeVar

from .. import dtypes, linalg, ops
from ..autograd import no_grad
from ..random import Generator
from ..tensor import Tensor

__all__ = [
    "calculate_gain",
    "uniform_",
    "normal_",
    "trunc_normal_",
    "constant_",
    "ones_",
    "zeros_",
    "eye_",
    "dirac_",
    "xavier_uniform_",
    "xavier_normal_",
    "kaiming_uniform_",
    "kaiming_normal_",
    "orthogonal_",
    "sparse_",
    # deprecated names without the trailing underscore, as in PyTorch
    "uniform",
    "normal",
    "constant",
    "eye",
    "dirac",
    "xavier_uniform",
    "xavier_normal",
    "kaiming_uniform",
    "kaiming_normal",
    "orthogonal",
    "sparse",
]

_NonlinearityType = Literal[
    "linear",
    "conv1d",
    "conv2d",
    "conv3d",
    "conv_transpose1d",
    "conv_transpose2d",
    "conv_transpose3d",
    "sigmoid",
    "tanh",
    "relu",
    "leaky_relu",
    "selu",
]
_FanMode = Literal["fan_in", "fan_out"]

# Layers whose output is a linear function of their input: gain 1.
_LINEAR_LAYERS = (
    "linear",
    "conv1d",
    "conv2d",
    "conv3d",
    "conv_transpose1d",
    "conv_transpose2d",
    "conv_transpose3d",
)
_FAN_MODES = ["fan_in", "fan_out"]


def _shape(tensor: Tensor) -> str:
    """``"a 1-D tensor of shape [3]"``: the received value of a dimension error."""
    return f"a {tensor.dim()}-D tensor of shape {list(tensor.shape)}"


# -- gains and fans -------------------------------------------------------------------


def calculate_gain(nonlinearity: _NonlinearityType, param: int | float | None = None) -> float:
    r"""The recommended gain for weights followed by ``nonlinearity``.

    ================================  =====================================================
    nonlinearity                      gain
    ================================  =====================================================
    ``linear``, ``conv*``, ``sigmoid``  :math:`1`
    ``tanh``                          :math:`5 / 3`
    ``relu``                          :math:`\sqrt{2}`
    ``leaky_relu``                    :math:`\sqrt{2 / (1 + \text{negative\_slope}^2)}`
    ``selu``                          :math:`3 / 4`
    ================================  =====================================================

    ``param`` is leaky_relu's ``negative_slope`` (default 0.01; an int or a float,
    not a bool); the other nonlinearities ignore it. For self-normalizing SELU
    networks use ``"linear"`` (weight variance ``1 / fan_in``): ``"selu"``'s
    empirical 3/4 trades that fixed point for steadier gradients.

    Examples:
        >>> from neurarust.nn import init
        >>> init.calculate_gain("tanh")
        1.6666666666666667
        >>> round(init.calculate_gain("leaky_relu", 0.2), 4)
        1.3868
    """
    if nonlinearity in _LINEAR_LAYERS or nonlinearity == "sigmoid":
        return 1
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        return math.sqrt(2.0 / (1 + _negative_slope(param) ** 2))
    if nonlinearity == "selu":
        return 3.0 / 4  # found empirically (PyTorch pull request 50664)
    known = ", ".join(repr(name) for name in (*_LINEAR_LAYERS, "sigmoid", "tanh", "relu"))
    raise ValueError(
        f"Unsupported nonlinearity {nonlinearity} (expected one of {known}, 'leaky_relu', 'selu')"
    )


def _negative_slope(param: Any) -> float:
    """leaky_relu's slope from ``calculate_gain``'s ``param``: a bool is refused
    although it is an int, since ``True`` is most likely a mistake."""
    if param is None:
        return 0.01
    if isinstance(param, float) or (isinstance(param, int) and not isinstance(param, bool)):
        return param
    raise ValueError(f"negative_slope {param} not a valid number")


def _calculate_fan_in_and_fan_out(tensor: Tensor) -> tuple[int, int]:
    """``(fan_in, fan_out)`` of a weight shaped ``(out, in, *kernel)``.

    ``fan_in = in * prod(kernel)``, ``fan_out = out * prod(kernel)``: the number
    of inputs each output sums over, and of outputs each input feeds.

    Examples:
        >>> import neurarust as nr
        >>> from neurarust.nn import init
        >>> init._calculate_fan_in_and_fan_out(nr.empty(16, 3, 5, 5))
        (75, 400)
    """
    if tensor.dim() < 2:
        raise ValueError(
            "Fan in and fan out can not be computed for tensor with fewer than 2 dimensions "
            f"(got {_shape(tensor)})"
        )
    receptive_field = math.prod(tensor.shape[2:])
    return tensor.shape[1] * receptive_field, tensor.shape[0] * receptive_field


def _calculate_correct_fan(tensor: Tensor, mode: _FanMode) -> int:
    """``fan_in`` or ``fan_out`` of ``tensor``, as ``mode`` (either case) asks.

    Examples:
        >>> import neurarust as nr
        >>> from neurarust.nn import init
        >>> init._calculate_correct_fan(nr.empty(16, 3, 5, 5), "fan_out")
        400
    """
    mode = mode.lower()  # type: ignore[assignment]
    if mode not in _FAN_MODES:
        raise ValueError(f"Mode {mode} not supported, please use one of {_FAN_MODES}")
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    return fan_in if mode == "fan_in" else fan_out


# -- fills ----------------------------------------------------------------------------


def uniform_(
    tensor: Tensor, a: float = 0.0, b: float = 1.0, generator: Generator | None = None
) -> Tensor:
    r"""Fill ``tensor`` with samples of the uniform distribution :math:`\mathcal{U}(a, b)`.

    Examples:
        >>> import neurarust as nr
        >>> w = nr.nn.init.uniform_(nr.empty(3, 5), -1.0, 1.0)
        >>> bool((w >= -1).all() and (w < 1).all())
        True
    """
    with no_grad():
        return tensor.uniform_(a, b, generator=generator)


def normal_(
    tensor: Tensor, mean: float = 0.0, std: float = 1.0, generator: Generator | None = None
) -> Tensor:
    r"""Fill ``tensor`` with samples of the normal distribution
    :math:`\mathcal{N}(\text{mean}, \text{std}^2)`.

    Examples:
        >>> import neurarust as nr
        >>> nr.nn.init.normal_(nr.empty(2, 2), mean=3.0, std=0.0)
        tensor([[3., 3.],
                [3., 3.]])
    """
    with no_grad():
        return tensor.normal_(mean, std, generator=generator)


def constant_(tensor: Tensor, val: float) -> Tensor:
    """Fill ``tensor`` with ``val``.

    Examples:
        >>> import neurarust as nr
        >>> nr.nn.init.constant_(nr.empty(2, 3), 0.5)
        tensor([[0.5000, 0.5000, 0.5000],
                [0.5000, 0.5000, 0.5000]])
    """
    with no_grad():
        return tensor.fill_(val)


def ones_(tensor: Tensor) -> Tensor:
    """Fill ``tensor`` with ones.

    Examples:
        >>> import neurarust as nr
        >>> nr.nn.init.ones_(nr.empty(3))
        tensor([1., 1., 1.])
    """
    return constant_(tensor, 1.0)


def zeros_(tensor: Tensor) -> Tensor:
    """Fill ``tensor`` with zeros.

    Examples:
        >>> import neurarust as nr
        >>> nr.nn.init.zeros_(nr.ones(3))
        tensor([0., 0., 0.])
    """
    with no_grad():
        return tensor.zero_()


def eye_(tensor: Tensor) -> Tensor:
    """Fill the 2-D ``tensor`` (any dtype) with the identity matrix: ones on the
    main diagonal, zeros elsewhere.

    A Linear weight of shape ``(out, in)`` filled so passes its first
    ``min(out, in)`` inputs through unchanged.

    Examples:
        >>> import neurarust as nr
        >>> nr.nn.init.eye_(nr.empty(2, 3))
        tensor([[1., 0., 0.],
                [0., 1., 0.]])
    """
    if tensor.dim() != 2:
        raise ValueError(
            f"Only tensors with 2 dimensions are supported (eye_ got {_shape(tensor)})"
        )
    with no_grad():
        return tensor.copy_(ops.eye(*tensor.shape, dtype=tensor.dtype, device=tensor.device))


def dirac_(tensor: Tensor, groups: int = 1) -> Tensor:
    """Fill the 3-, 4- or 5-D ``tensor`` (a convolution weight) with the Dirac delta.

    For a weight of shape ``(out, in, *kernel)`` split into ``groups`` groups of
    ``out / groups`` output channels, output channel ``d`` of each group gets a 1
    at input channel ``d`` and the kernel's centre (index ``k // 2`` in each
    kernel dimension), for ``d < min(out / groups, in)``; everything else is 0.
    A convolution with this weight (and padding ``k // 2``, odd ``k``) copies as
    many input channels as it can to its output.

    Examples:
        >>> import neurarust as nr
        >>> w = nr.nn.init.dirac_(nr.empty(2, 2, 3))
        >>> w[:, :, 1]
        tensor([[1., 0.],
                [0., 1.]])
        >>> float(w.sum())
        2.0
    """
    if tensor.dim() not in (3, 4, 5):
        raise ValueError(
            f"Only tensors with 3, 4, or 5 dimensions are supported (dirac_ got {_shape(tensor)})"
        )
    if isinstance(groups, bool) or not isinstance(groups, int) or groups < 1:
        raise ValueError(f"dirac_: groups must be a positive integer, but got {groups!r}")
    out_channels, in_channels, *kernel = tensor.shape
    if out_channels % groups != 0:
        raise ValueError(
            f"dim 0 must be divisible by groups (dirac_ got dim 0 of size {out_channels} "
            f"and groups={groups})"
        )
    per_group = out_channels // groups
    kept = range(min(per_group, in_channels))
    outputs = [g * per_group + d for g in range(groups) for d in kept]
    inputs = [d for _ in range(groups) for d in kept]
    ones_at = (outputs, inputs, *(size // 2 for size in kernel))  # kernel centres
    with no_grad():
        tensor.zero_()
        tensor[ones_at] = 1
    return tensor


# -- scaled by the fans ---------------------------------------------------------------


def xavier_uniform_(
    tensor: Tensor, gain: float = 1.0, generator: Generator | None = None
) -> Tensor:
    r"""Glorot (Xavier) uniform initialization: samples of :math:`\mathcal{U}(-a, a)` with

    .. math::
        a = \text{gain} \times \sqrt{\frac{6}{\text{fan\_in} + \text{fan\_out}}}

    (Glorot & Bengio, 2010), so the variance is
    :math:`\text{gain}^2 \cdot 2 / (\text{fan\_in} + \text{fan\_out})`. ``tensor``
    has at least 2 dimensions, ``(out, in, *kernel)``.

    Examples:
        >>> import neurarust as nr
        >>> from neurarust.nn import init
        >>> w = init.xavier_uniform_(nr.empty(3, 5), gain=init.calculate_gain("relu"))
        >>> bool(w.abs().max() <= 2 ** 0.5 * (6 / 8) ** 0.5)
        True
    """
    bound = math.sqrt(3.0) * _xavier_std(tensor, gain)
    return uniform_(tensor, -bound, bound, generator)


def xavier_normal_(tensor: Tensor, gain: float = 1.0, generator: Generator | None = None) -> Tensor:
    r"""Glorot (Xavier) normal initialization: samples of :math:`\mathcal{N}(0, \text{std}^2)`
    with

    .. math::
        \text{std} = \text{gain} \times \sqrt{\frac{2}{\text{fan\_in} + \text{fan\_out}}}

    (Glorot & Bengio, 2010). ``tensor`` has at least 2 dimensions, ``(out, in, *kernel)``.

    Examples:
        >>> import neurarust as nr
        >>> nr.nn.init.xavier_normal_(nr.empty(3, 5)).shape
        neurarust.Size([3, 5])
    """
    return normal_(tensor, 0.0, _xavier_std(tensor, gain), generator)


def _xavier_std(tensor: Tensor, gain: float) -> float:
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    return gain * math.sqrt(2.0 / float(fan_in + fan_out))


def kaiming_uniform_(
    tensor: Tensor,
    a: float = 0,
    mode: _FanMode = "fan_in",
    nonlinearity: _NonlinearityType = "leaky_relu",
    generator: Generator | None = None,
) -> Tensor:
    r"""He (Kaiming) uniform initialization: samples of
    :math:`\mathcal{U}(-\text{bound}, \text{bound})` with

    .. math::
        \text{bound} = \text{gain} \times \sqrt{\frac{3}{\text{fan\_mode}}}

    (He et al., 2015), where ``gain = calculate_gain(nonlinearity, a)`` (``a`` is
    leaky_relu's negative slope) and ``fan_mode`` is ``fan_in`` (keeps the
    variance of activations in the forward pass) or ``fan_out`` (of gradients in
    the backward pass). The fans assume the weight is used as ``x @ w.T``, with
    ``w`` of shape ``(out, in)`` as in Linear; for ``x @ w`` pass ``w.T``.

    A tensor with no elements is left as it is, with a warning.

    Examples:
        >>> import neurarust as nr
        >>> w = nr.nn.init.kaiming_uniform_(nr.empty(3, 5), mode="fan_in", nonlinearity="relu")
        >>> bool(w.abs().max() <= (6 / 5) ** 0.5)
        True
    """
    std = _kaiming_std(tensor, a, mode, nonlinearity)
    if std is None:
        return tensor
    bound = math.sqrt(3.0) * std
    return uniform_(tensor, -bound, bound, generator)


def kaiming_normal_(
    tensor: Tensor,
    a: float = 0,
    mode: _FanMode = "fan_in",
    nonlinearity: _NonlinearityType = "leaky_relu",
    generator: Generator | None = None,
) -> Tensor:
    r"""He (Kaiming) normal initialization: samples of :math:`\mathcal{N}(0, \text{std}^2)`
    with

    .. math::
        \text{std} = \frac{\text{gain}}{\sqrt{\text{fan\_mode}}}

    with ``gain``, ``mode`` and the fans as in :func:`kaiming_uniform_`. A tensor
    with no elements is left as it is, with a warning.

    Examples:
        >>> import neurarust as nr
        >>> nr.nn.init.kaiming_normal_(nr.empty(3, 5), mode="fan_out").shape
        neurarust.Size([3, 5])
    """
    std = _kaiming_std(tensor, a, mode, nonlinearity)
    if std is None:
        return tensor
    return normal_(tensor, 0.0, std, generator)


def _kaiming_std(tensor: Tensor, a: float, mode: _FanMode, nonlinearity: Any) -> float | None:
    """The standard deviation of He initialization, or None (with a warning) when
    ``tensor`` has no elements to fill."""
    if 0 in tensor.shape:
        warnings.warn("Initializing zero-element tensors is a no-op", stacklevel=3)
        return None
    fan = _calculate_correct_fan(tensor, mode)
    return calculate_gain(nonlinearity, a) / math.sqrt(fan)


# -- structured -----------------------------------------------------------------------


def trunc_normal_(
    tensor: Tensor,
    mean: float = 0.0,
    std: float = 1.0,
    a: float = -2.0,
    b: float = 2.0,
    generator: Generator | None = None,
) -> Tensor:
    r"""Fill ``tensor`` with samples of :math:`\mathcal{N}(\text{mean}, \text{std}^2)`
    truncated to :math:`[a, b]`: the normal distribution conditioned on landing
    in the interval (density :math:`\propto e^{-(x - \text{mean})^2 / 2\text{std}^2}`
    on :math:`[a, b]`, zero outside).

    Drawn by rejection, as PyTorch draws it: when the interval holds more than
    30% of the normal's mass, elements are drawn from the normal until they land
    in :math:`[a, b]` (the bounds rounded to ``tensor``'s dtype); otherwise
    uniformly on :math:`[a, b]`, each kept with probability density / peak
    density. Both are exact, so the interval may lie in a tail; it works best
    when :math:`a \le \text{mean} \le b`, and warns when ``mean`` is more than
    ``2 std`` outside it.

    Examples:
        >>> import neurarust as nr
        >>> w = nr.nn.init.trunc_normal_(nr.empty(1000), std=0.02, a=-0.04, b=0.04)
        >>> bool((w >= -0.04).all() and (w <= 0.04).all())
        True
    """
    if not std > 0:
        raise ValueError(f"trunc_normal_: expected std > 0, but got std={std}")
    if a > b:
        raise RuntimeError(f"trunc_normal_: expected a <= b, but got a={a} > b={b}")
    if mean < a - 2 * std or mean > b + 2 * std:
        warnings.warn(
            "mean is more than 2 std from [a, b] in nn.init.trunc_normal_. "
            "The distribution of values may be incorrect.",
            stacklevel=2,
        )
    with no_grad():
        if _normal_cdf((b - mean) / std) - _normal_cdf((a - mean) / std) > 0.3:
            propose, accept = _normal_proposals(tensor, mean, std, a, b, generator)
        else:
            propose, accept = _uniform_proposals(tensor, mean, std, a, b, generator)
        return tensor.copy_(_rejection_sample(propose, accept))


_Draw = Callable[[], Tensor]
_Test = Callable[[Tensor], Tensor]


def _normal_cdf(x: float) -> float:
    return (1.0 + math.erf(x / math.sqrt(2.0))) / 2.0


def _rejection_sample(propose: _Draw, accept: _Test) -> Tensor:
    """Elementwise rejection sampling: each element keeps the first of its proposals
    that ``accept`` (a fresh random test for every call) takes."""
    result = propose()
    pending = ~accept(result)
    while bool(pending.any()):
        candidates = propose()
        taken = pending & accept(candidates)
        result = ops.where(taken, candidates, result)
        pending = pending & ~taken
    return result


def _normal_proposals(
    tensor: Tensor, mean: float, std: float, a: float, b: float, generator: Generator | None
) -> tuple[_Draw, _Test]:
    """Normal draws, kept inside [a, b]. The bounds are rounded to the tensor's dtype
    first, so a draw that rounds onto a bound counts as inside."""
    low, high = (ops.tensor(bound, dtype=tensor.dtype).item() for bound in (a, b))

    def propose() -> Tensor:
        return ops.empty_like(tensor).normal_(mean, std, generator=generator)

    def accept(x: Tensor) -> Tensor:
        return (x >= low) & (x <= high)

    return propose, accept


def _uniform_proposals(
    tensor: Tensor, mean: float, std: float, a: float, b: float, generator: Generator | None
) -> tuple[_Draw, _Test]:
    """Uniform draws on [a, b], each kept with probability density(x) / density(mode),
    where the mode is the point of [a, b] closest to ``mean``."""
    mode = max(a, min(mean, b))
    log_peak = -0.5 * ((mode - mean) / std) ** 2

    def propose() -> Tensor:
        return ops.empty_like(tensor).uniform_(a, b, generator=generator)

    def accept(x: Tensor) -> Tensor:
        chance = ops.exp(-0.5 * ((x - mean) / std) ** 2 - log_peak)
        return ops.empty_like(x).uniform_(generator=generator) < chance

    return propose, accept


def orthogonal_(tensor: Tensor, gain: float = 1, generator: Generator | None = None) -> Tensor:
    r"""Fill ``tensor`` with a random (semi-)orthogonal matrix times ``gain``
    (Saxe et al., 2013).

    ``tensor`` has at least 2 dimensions; it is seen as a ``rows x cols`` matrix
    with ``rows = tensor.shape[0]`` (the trailing dimensions flattened into
    ``cols``). Its rows are orthonormal when ``rows <= cols``
    (:math:`W W^T = \text{gain}^2 I`), otherwise its columns
    (:math:`W^T W = \text{gain}^2 I`). The matrix is the ``Q`` of the QR
    decomposition of a standard normal matrix, with each column's sign flipped
    to make ``R``'s diagonal positive, which makes ``Q`` uniformly (Haar)
    distributed (Mezzadri, 2007).

    Examples:
        >>> import neurarust as nr
        >>> w = nr.nn.init.orthogonal_(nr.empty(2, 3))
        >>> bool(((w @ w.T) - nr.eye(2)).abs().max() < 1e-5)
        True
    """
    if tensor.dim() < 2:
        raise ValueError(
            "Only tensors with 2 or more dimensions are supported "
            f"(orthogonal_ got {_shape(tensor)})"
        )
    if tensor.numel() == 0:
        return tensor
    rows = tensor.shape[0]
    cols = tensor.numel() // rows
    with no_grad():
        tall = ops.empty(max(rows, cols), min(rows, cols), dtype=tensor.dtype, device=tensor.device)
        q, r = linalg.qr(tall.normal_(0, 1, generator=generator))
        q = q * r.diagonal().sign()
        if rows < cols:
            q = q.T
        return tensor.copy_(q.reshape(tensor.shape)).mul_(gain)


def sparse_(
    tensor: Tensor, sparsity: float, std: float = 0.01, generator: Generator | None = None
) -> Tensor:
    r"""Fill the 2-D ``tensor`` as a sparse matrix (Martens, 2010): samples of
    :math:`\mathcal{N}(0, \text{std}^2)`, then ``ceil(sparsity * rows)`` randomly
    chosen elements of each column set to zero.

    Examples:
        >>> import neurarust as nr
        >>> w = nr.nn.init.sparse_(nr.empty(4, 3), sparsity=0.5)
        >>> (w == 0).sum(dim=0)
        tensor([2, 2, 2])
    """
    if tensor.dim() != 2:
        raise ValueError(
            f"Only tensors with 2 dimensions are supported (sparse_ got {_shape(tensor)})"
        )
    if not 0 <= sparsity <= 1:
        raise ValueError(f"sparse_: expected sparsity in [0, 1], but got {sparsity}")
    rows, cols = tensor.shape
    zeros_per_column = math.ceil(sparsity * rows)
    with no_grad():
        tensor.normal_(0, std, generator=generator)
        # Sorting random keys gives an independent random permutation of the rows per column.
        keys = ops.rand(rows, cols, generator=generator, dtype=dtypes.float64, device=tensor.device)
        return tensor.scatter_(0, keys.argsort(dim=0)[:zeros_per_column], 0)


# -- deprecated names -----------------------------------------------------------------

_F = TypeVar("_F", bound=Callable[..., Tensor])


def _deprecated(initializer: _F) -> _F:
    """``initializer`` under its old name without the trailing underscore, warning
    with a FutureWarning as PyTorch does."""
    new_name = initializer.__name__
    old_name = new_name[:-1]

    @functools.wraps(initializer)
    def deprecated(*args: Any, **kwargs: Any) -> Tensor:
        warnings.warn(
            f"`nn.init.{old_name}` is now deprecated in favor of `nn.init.{new_name}`.",
            FutureWarning,
            stacklevel=2,
        )
        return initializer(*args, **kwargs)

    deprecated.__name__ = deprecated.__qualname__ = old_name
    deprecated.__doc__ = f"Deprecated: use :func:`{new_name}`."
    return deprecated  # type: ignore[return-value]


uniform = _deprecated(uniform_)
normal = _deprecated(normal_)
constant = _deprecated(constant_)
eye = _deprecated(eye_)
dirac = _deprecated(dirac_)
xavier_uniform = _deprecated(xavier_uniform_)
xavier_normal = _deprecated(xavier_normal_)
kaiming_uniform = _deprecated(kaiming_uniform_)
kaiming_normal = _deprecated(kaiming_normal_)
orthogonal = _deprecated(orthogonal_)
sparse = _deprecated(sparse_)
