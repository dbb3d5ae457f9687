"""Random sampling: ``bernoulli``, ``multinomial``, ``poisson`` and the in-place fills
behind ``Tensor.normal_``, ``uniform_``, ``bernoulli_``, ``exponential_``, ``random_``,
``geometric_``, ``log_normal_`` and ``cauchy_``.

Every function takes ``generator=``; None means the default generator of the
tensor's device (``neurarust.manual_seed`` seeds it). As in PyTorch, samples are
constants to autograd: gradients through them are zero, and a fill refuses a
leaf tensor that requires grad unless it runs under ``no_grad``.

Streams differ from PyTorch's: the same seed gives different (equally random)
numbers. With the NumPy backend the same seed gives the same stream on every
run and platform (up to the last bit of ``log``/``exp``/``tan``, whose NumPy
kernels may round differently on different CPUs).
"""

from __future__ import annotations

import math
import numbers
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

from .. import dtypes
from ..autograd.function import Function
from ..random import Generator
from ..tensor import Tensor
from ._util import check_same_device, int_arg, require_tensor
from .creation import _source, zeros_like

__all__ = ["bernoulli", "multinomial", "poisson"]


class Sample(Function):
    """Random values shaped like ``like`` and in its dtype: what ``draw()`` returns.

    ``like`` is the tensor an in-place fill overwrites, or the probabilities or
    rates of ``bernoulli`` and ``poisson``; ``param`` is a tensor the draw reads
    (``bernoulli_``'s ``p``), passed only so that autograd sees it. Both get zero
    gradients: the samples are constants, as in PyTorch.
    """

    @staticmethod
    def forward(ctx: Any, like: Tensor, draw: Callable[[], Any], param: Any = None) -> Any:
        return draw().astype(like._data.dtype, copy=False)

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple[Any, ...]:
        zero = zeros_like(grad)  # the engine sums it down to ``param``'s shape
        return tuple(zero if needed else None for needed in ctx.needs_input_grad)


def _fill_op(name: str) -> Callable[..., Tensor]:
    """The out-of-place op that ``Tensor._inplace`` runs for the fill ``name + "_"``.

    ``_inplace`` refuses a leaf that requires grad, writes the op's result into
    the tensor and bumps its version counter; its errors name the op after the
    function's ``__name__``, hence one named function per fill.
    """

    def op(target: Tensor, draw: Callable[[], Any], param: Tensor | None) -> Tensor:
        return Sample.apply(target, draw, param)

    op.__name__ = op.__qualname__ = name
    return op


_FILL_OPS = {
    name: _fill_op(name)
    for name in (
        "bernoulli",
        "normal",
        "uniform",
        "exponential",
        "random",
        "geometric",
        "log_normal",
        "cauchy",
    )
}


def _fill(
    target: Tensor, name: str, draw: Callable[[], Any], param: Tensor | None = None
) -> Tensor:
    """Overwrite ``target`` in place with ``draw()``; the draw runs only once the
    in-place write is known to be allowed, so a refused call leaves the stream as it was."""
    return target._inplace(_FILL_OPS[name], draw, param)


# -- argument checks and shared draws -------------------------------------------------


def _require_float(op: str, x: Tensor, what: str, error: type[Exception]) -> None:
    """``error`` unless ``x`` is floating point (PyTorch raises NotImplementedError
    from some ops and RuntimeError from others; the type follows it per op)."""
    if not x.dtype.is_floating_point:
        raise error(f"{op}: expected {what} with a floating point dtype, but got {x.dtype.name}")


def _number(op: str, name: str, value: Any) -> float:
    """``value`` (a Python or NumPy number, or a one-element tensor) as a float."""
    if not isinstance(value, (numbers.Real, Tensor)):
        raise TypeError(f"{op}(): argument '{name}' must be a number, not {type(value).__name__}")
    return float(value)


def _keyword_from(op: str, from_: Any, kwargs: dict[str, Any]) -> Any:
    """``from_``, or PyTorch's keyword ``from`` (reserved in Python, so it arrives in
    ``**kwargs`` from calls like ``uniform_(**{"from": 2, "to": 3})``)."""
    for name in kwargs:
        if name != "from":
            raise TypeError(f"{op}() got an unexpected keyword argument '{name}'")
    return kwargs.get("from", from_)


def _check_probabilities(op: str, name: str, probs: Tensor) -> None:
    """RuntimeError naming a value of ``probs`` outside [0, 1] (nan included)."""
    data = probs._data
    inside = (data >= 0) & (data <= 1)
    if not inside.all():
        bad = probs.backend.to_host(data[~inside])[0]
        raise RuntimeError(
            f"{op}: expected all elements of {name} to be in [0, 1], but found {bad}"
        )


def _probability(op: str, p: Any) -> float:
    p = _number(op, "p", p)
    if not 0 <= p <= 1:
        raise RuntimeError(f"{op}: expected p to be in [0, 1], but got p={p}")
    return p


def _coin_flips(source: Any, shape: tuple[int, ...], p: Any) -> Any:
    """True with probability ``p`` (a float, or an array broadcasting to ``shape``)."""
    return source.uniform(shape, np.float64) < p


def _exponential(xp: Any, source: Any, shape: tuple[int, ...]) -> Any:
    """Exp(1) samples in float64 by inversion: ``-log(1 - U)``, finite as U < 1."""
    return -xp.log1p(-source.uniform(shape, np.float64))


# -- out of place ---------------------------------------------------------------------


def bernoulli(
    input: Tensor, p: float | None = None, *, generator: Generator | None = None
) -> Tensor:
    """0/1 samples: element ``i`` is 1 with probability ``input[i]``, or ``p`` when given.

    The result has ``input``'s shape and dtype. Without ``p``, ``input`` holds
    probabilities in [0, 1] and must be floating point; with ``p``, only its
    shape and dtype matter. The gradient with respect to ``input`` is zero.

    Examples:
        >>> import neurarust as nr
        >>> nr.bernoulli(nr.tensor([0.0, 1.0, 1.0]))
        tensor([0., 1., 1.])
        >>> nr.bernoulli(nr.zeros(2, 3, dtype=nr.int64), 0.5).shape
        neurarust.Size([2, 3])
    """
    require_tensor("bernoulli", "input", input)
    source = _source(generator, input.device, "bernoulli")
    shape = input._data.shape
    if p is not None:
        chance = _probability("bernoulli", p)
        return Sample.apply(input, lambda: _coin_flips(source, shape, chance))
    _require_float("bernoulli", input, "input", NotImplementedError)
    _check_probabilities("bernoulli", "input", input)
    return Sample.apply(input, lambda: _coin_flips(source, shape, input._data))


def multinomial(
    input: Tensor,
    num_samples: int,
    replacement: bool = False,
    *,
    generator: Generator | None = None,
) -> Tensor:
    """Indices of categories drawn with probabilities proportional to ``input``'s weights.

    ``input`` is a 1-D tensor of ``n`` non-negative weights (they need not sum
    to 1) or a 2-D tensor with one distribution per row. The result is int64 of
    shape ``(num_samples,)`` or ``(rows, num_samples)``. Without replacement the
    indices of a row are distinct, in the order they were drawn; once the
    categories of non-zero weight are used up, as in PyTorch, the remaining draws
    return zero-weight categories.

    Examples:
        >>> import neurarust as nr
        >>> nr.multinomial(nr.tensor([0.0, 0.0, 3.0]), 1)
        tensor([2])
        >>> sorted(nr.multinomial(nr.tensor([[1.0, 2.0, 3.0]]), 3)[0].tolist())
        [0, 1, 2]
    """
    op = "multinomial"
    require_tensor(op, "input", input)
    k = int_arg(op, "num_samples", num_samples)
    if input.ndim not in (1, 2):
        raise RuntimeError(f"{op}: prob_dist must be 1 or 2 dim, but got {input.ndim} dims")
    _require_float(op, input, "input", RuntimeError)
    n = input.shape[-1]
    if n > 2**24:
        raise RuntimeError(f"{op}: number of categories cannot exceed 2^24, but got {n}")
    if k <= 0:
        raise RuntimeError(f"{op}: cannot sample n_sample <= 0 samples (got num_samples={k})")
    if not replacement and k > n:
        raise RuntimeError(
            f"{op}: cannot sample n_sample > prob_dist.size(-1) samples without replacement "
            f"(num_samples={k}, {n} categories)"
        )
    xp = input.backend.xp
    weights = input._data.astype(np.float64)
    if input.ndim == 1:
        weights = weights[None]
    if weights.shape[0] == 0:
        picks = xp.zeros((0, k), dtype=np.int64)
    else:
        _check_weights(op, xp, weights)
        source = _source(generator, input.device, op)
        draw = _draw_with_replacement if replacement else _draw_without_replacement
        picks = draw(xp, source, weights, k)
    return Tensor._make(picks if input.ndim == 2 else picks[0], input.device)


def _check_weights(op: str, xp: Any, weights: Any) -> None:
    if not (xp.isfinite(weights) & (weights >= 0)).all():
        raise RuntimeError(f"{op}: probability tensor contains either `inf`, `nan` or element < 0")
    if not (weights.sum(axis=1) > 0).all():
        raise RuntimeError(f"{op}: invalid multinomial distribution (sum of probabilities <= 0)")


def _draw_with_replacement(xp: Any, source: Any, weights: Any, k: int) -> Any:
    """Inverse-CDF sampling of ``k`` indices per row of ``weights``, all rows at once.

    Row ``r``'s CDF is shifted into ``[r, r + 1]`` so that one ``searchsorted`` on
    the flattened rows serves every row. Each row's CDF ends at exactly 1
    (``total / total``), so row ``r`` ends at exactly ``r + 1``; targets are kept
    below it, so no draw spills into the next row. The shift costs ``log2(rows)``
    bits of the CDF's 53: weights below ``rows * 1e-16`` of a row's total round away.
    """
    rows, n = weights.shape
    cdf = xp.cumsum(weights, axis=1)
    cdf /= cdf[:, -1:]
    shift = xp.arange(rows, dtype=np.float64)[:, None]
    targets = xp.minimum(source.uniform((rows, k), np.float64) + shift, xp.nextafter(shift + 1, 0))
    flat = xp.searchsorted((cdf + shift).ravel(), targets.ravel(), side="right")
    return flat.reshape(rows, k) - xp.arange(rows, dtype=np.int64)[:, None] * n


def _draw_without_replacement(xp: Any, source: Any, weights: Any, k: int) -> Any:
    """The ``k`` first arrivals of an exponential race, per row.

    Category ``i`` arrives at time ``E_i / w_i`` with ``E_i ~ Exp(1)``: the first
    arrival is category ``i`` with probability ``w_i / sum(w)``, and the order of
    arrival is a draw without replacement (the Gumbel-top-k trick). Zero weights
    arrive at infinity, after every other category.
    """
    arrival = _exponential(xp, source, weights.shape) / weights
    return xp.argsort(arrival, axis=1)[:, :k]


# NumPy's Poisson sampler refuses rates above about 9.2e18 (its counts are int64).
_LARGEST_POISSON_RATE = 1e18


def poisson(input: Tensor, generator: Generator | None = None) -> Tensor:
    """Counts drawn from Poisson distributions with the rates in ``input``.

    The result has ``input``'s shape and (floating point) dtype; the gradient
    with respect to the rates is zero. Rates must be in ``[0, 1e18]``.

    Examples:
        >>> import neurarust as nr
        >>> nr.poisson(nr.tensor([0.0, 0.0]))
        tensor([0., 0.])
        >>> nr.poisson(nr.full((2, 2), 3.0, dtype=nr.float64)).dtype
        neurarust.float64
    """
    require_tensor("poisson", "input", input)
    _require_float("poisson", input, "input", NotImplementedError)
    rates = input._data
    if not (rates >= 0).all():
        bad = input.backend.to_host(rates[~(rates >= 0)])[0]
        raise RuntimeError(
            f"poisson: invalid Poisson rate, expected rate to be non-negative, but found {bad}"
        )
    if (rates > _LARGEST_POISSON_RATE).any():
        biggest = float(rates.max())
        raise RuntimeError(
            f"poisson: rates up to {_LARGEST_POISSON_RATE:g} are supported, but found {biggest}"
        )
    source = _source(generator, input.device, "poisson")
    return Sample.apply(input, lambda: source.poisson(rates, np.float64))


# -- in-place fills (the Tensor methods of these names lead here) ---------------------


def bernoulli_(
    self: Tensor, p: float | Tensor = 0.5, *, generator: Generator | None = None
) -> Tensor:
    """Fill ``self`` (any dtype) with 0/1 samples that are 1 with probability ``p``.

    ``p`` is a float or a floating point tensor that broadcasts to ``self``'s shape.

    Examples:
        >>> import neurarust as nr
        >>> nr.empty(3).bernoulli_(nr.tensor([1.0, 0.0, 1.0]))
        tensor([1., 0., 1.])
    """
    source = _source(generator, self.device, "bernoulli_")
    shape = self._data.shape
    if not isinstance(p, Tensor):
        chance = _probability("bernoulli_", p)
        return _fill(self, "bernoulli", lambda: _coin_flips(source, shape, chance))
    _require_float("bernoulli_", p, "p", NotImplementedError)
    check_same_device("bernoulli_", self, p)
    expands = len(p.shape) <= len(shape) and all(
        m in (1, n) for m, n in zip(reversed(p.shape), reversed(shape))
    )
    if not expands:
        raise RuntimeError(
            f"bernoulli_: p of shape {list(p.shape)} can't be broadcast to the tensor's "
            f"shape {list(shape)}"
        )
    _check_probabilities("bernoulli_", "p", p)
    return _fill(self, "bernoulli", lambda: _coin_flips(source, shape, p._data), p)


def normal_(
    self: Tensor, mean: float = 0, std: float = 1, *, generator: Generator | None = None
) -> Tensor:
    """Fill ``self`` (floating point) with samples of N(``mean``, ``std``²).

    Examples:
        >>> import neurarust as nr
        >>> nr.empty(2, 3).normal_(mean=1.0, std=0.0)
        tensor([[1., 1., 1.],
                [1., 1., 1.]])
    """
    _require_float("normal_", self, "a tensor", NotImplementedError)
    mean, std = _number("normal_", "mean", mean), _number("normal_", "std", std)
    if not std >= 0:
        raise RuntimeError(f"normal_: expected std >= 0.0, but found std {std}")
    source = _source(generator, self.device, "normal_")
    shape, dtype = self._data.shape, self._data.dtype
    return _fill(self, "normal", lambda: source.normal(shape, dtype) * std + mean)


def uniform_(
    self: Tensor,
    from_: float = 0,
    to: float = 1,
    *,
    generator: Generator | None = None,
    **kwargs: Any,
) -> Tensor:
    """Fill ``self`` (floating point) with samples of the uniform distribution on [from, to).

    PyTorch names the lower bound ``from``, a Python keyword: pass it by
    position, as ``from_=``, or as ``**{"from": value}``.

    Examples:
        >>> import neurarust as nr
        >>> x = nr.empty(1000).uniform_(2, 3)
        >>> bool((x >= 2).all() and (x < 3).all())
        True
    """
    low = _number("uniform_", "from", _keyword_from("uniform_", from_, kwargs))
    high = _number("uniform_", "to", to)
    _require_float("uniform_", self, "a tensor", NotImplementedError)
    limits = np.finfo(self._data.dtype)
    for name, value in (("from", low), ("to", high)):
        if not limits.min <= value <= limits.max:
            raise RuntimeError(f"uniform_: {name}={value} is out of bounds for {self.dtype.name}")
    if low > high:
        raise RuntimeError(
            f"uniform_: expected a [from, to) range, but found from={low} > to={high}"
        )
    if high - low > limits.max:
        raise RuntimeError(
            f"uniform_: expected to - from <= {limits.max} (the largest {self.dtype.name}), "
            f"but found to={high} and from={low}"
        )
    source = _source(generator, self.device, "uniform_")
    shape, dtype = self._data.shape, self._data.dtype
    return _fill(self, "uniform", lambda: source.uniform(shape, dtype) * (high - low) + low)


def exponential_(self: Tensor, lambd: float = 1, *, generator: Generator | None = None) -> Tensor:
    """Fill ``self`` (floating point) with samples of the exponential distribution of
    rate ``lambd`` (mean ``1 / lambd``).

    Examples:
        >>> import neurarust as nr
        >>> bool((nr.empty(100).exponential_(2.0) >= 0).all())
        True
    """
    _require_float("exponential_", self, "a tensor", RuntimeError)
    lambd = _number("exponential_", "lambd", lambd)
    if not lambd > 0:
        raise RuntimeError(f"exponential_: expected lambd > 0.0, but found lambd={lambd}")
    source, xp = _source(generator, self.device, "exponential_"), self.backend.xp
    shape = self._data.shape
    return _fill(self, "exponential", lambda: _exponential(xp, source, shape) / lambd)


def geometric_(self: Tensor, p: float, *, generator: Generator | None = None) -> Tensor:
    """Fill ``self`` (numeric, not bool) with the number of trials up to the first
    success, each succeeding with probability ``p``: values ``1, 2, ...``.

    Examples:
        >>> import neurarust as nr
        >>> bool((nr.empty(100, dtype=nr.int64).geometric_(0.5) >= 1).all())
        True
    """
    if self.dtype is dtypes.bool:
        raise NotImplementedError("geometric_: not implemented for bool tensors")
    p = _number("geometric_", "p", p)
    if not 0 < p < 1:
        raise RuntimeError(f"geometric_: expected p to be in (0, 1), but got p={p}")
    source, xp = _source(generator, self.device, "geometric_"), self.backend.xp
    shape, rate = self._data.shape, -math.log1p(-p)
    # floor(E / rate) + 1 with E ~ Exp(1) exceeds k with probability exp(-rate k) = (1 - p)^k.
    return _fill(self, "geometric", lambda: xp.floor(_exponential(xp, source, shape) / rate) + 1)


def log_normal_(
    self: Tensor, mean: float = 1, std: float = 2, *, generator: Generator | None = None
) -> Tensor:
    """Fill ``self`` (floating point) with ``exp(X)``, ``X ~ N(mean, std²)``.

    Examples:
        >>> import neurarust as nr
        >>> bool((nr.empty(100).log_normal_(0.0, 1.0) > 0).all())
        True
    """
    _require_float("log_normal_", self, "a tensor", NotImplementedError)
    mean, std = _number("log_normal_", "mean", mean), _number("log_normal_", "std", std)
    if not std > 0:
        raise RuntimeError(f"log_normal_: expected std > 0.0, but found std={std}")
    source, xp = _source(generator, self.device, "log_normal_"), self.backend.xp
    shape = self._data.shape
    return _fill(self, "log_normal", lambda: xp.exp(source.normal(shape, np.float64) * std + mean))


def cauchy_(
    self: Tensor, median: float = 0, sigma: float = 1, *, generator: Generator | None = None
) -> Tensor:
    """Fill ``self`` (floating point) with samples of the Cauchy distribution
    ``median + sigma * tan(pi * (U - 1/2))``.

    Examples:
        >>> import neurarust as nr
        >>> nr.empty(3).cauchy_(median=5.0, sigma=1e-30)
        tensor([5., 5., 5.])
    """
    _require_float("cauchy_", self, "a tensor", RuntimeError)
    median, sigma = _number("cauchy_", "median", median), _number("cauchy_", "sigma", sigma)
    if not sigma > 0:
        raise RuntimeError(f"cauchy_: expected sigma > 0.0, but found sigma={sigma}")
    source, xp = _source(generator, self.device, "cauchy_"), self.backend.xp
    shape = self._data.shape

    def draw() -> Any:
        return median + sigma * xp.tan(math.pi * (source.uniform(shape, np.float64) - 0.5))

    return _fill(self, "cauchy", draw)


class _Unset:
    """The default of ``random_``'s bounds, telling ``random_(to)`` from ``random_(from, None)``."""

    def __repr__(self) -> str:
        return "<unset>"


_UNSET: Any = _Unset()


def random_(
    self: Tensor,
    from_: int = _UNSET,
    to: int | None = _UNSET,
    *,
    generator: Generator | None = None,
    **kwargs: Any,
) -> Tensor:
    """Fill ``self`` (any dtype) with integers drawn uniformly, in PyTorch's three forms:

    * ``random_()``: from ``[0, top]``, where ``top`` is the dtype's largest value,
      or ``2**mantissa_bits`` for floating dtypes (so every integer is exact):
      ``2**24`` for float32;
    * ``random_(to)``: from ``[0, to - 1]``;
    * ``random_(from, to)``: from ``[from, to - 1]``, or ``[from, top]`` when
      ``to`` is None (``from=-2**63`` then means every int64).

    The lower bound may also be passed as ``from_=`` or ``**{"from": value}``.

    Examples:
        >>> import neurarust as nr
        >>> x = nr.empty(1000, dtype=nr.uint8).random_(3, 6)
        >>> sorted(set(x.tolist()))
        [3, 4, 5]
    """
    if "from" in kwargs and to is _UNSET:
        raise TypeError("random_(): 'from' needs 'to' as well (to=None for the dtype's top)")
    from_ = _keyword_from("random_", from_, kwargs)
    if to is _UNSET:  # PyTorch's random_() and random_(to)
        from_, to = 0, (None if from_ is _UNSET else from_)
    low = 0 if from_ is _UNSET else int_arg("random_", "from", from_)
    to = None if to is None else int_arg("random_", "to", to)
    low, high = _random_range(self.dtype, low, to)
    source = _source(generator, self.device, "random_")
    shape, dtype = self._data.shape, self._data.dtype
    return _fill(self, "random", lambda: source.integers(low, high + 1, shape, dtype))


_INT64_MIN = -(2**63)


def _random_limits(dtype: dtypes.dtype) -> tuple[float, float, int]:
    """``(lowest, highest, top)`` for ``random_`` on ``dtype``: the range of values
    the dtype holds, and the top of ``random_()``'s default range."""
    if dtype is dtypes.bool:
        return 0, 1, 1
    if dtype.is_floating_point:
        info = np.finfo(dtype.numpy)
        return -float(info.max), float(info.max), 2 ** (info.nmant + 1)
    limits = np.iinfo(dtype.numpy)
    return int(limits.min), int(limits.max), int(limits.max)


def _random_range(dtype: dtypes.dtype, low: int, to: int | None) -> tuple[int, int]:
    """The inclusive range ``[low, high]`` that ``random_`` draws from for ``dtype``,
    checked as PyTorch checks it."""
    lowest, highest, top = _random_limits(dtype)
    if to is not None:
        if low >= to:
            raise RuntimeError(
                f"random_: expected 'from' to be less than 'to', but got from={low} >= to={to}"
            )
        high = to - 1
    elif low == _INT64_MIN:
        if dtype not in (dtypes.int64, dtypes.float32, dtypes.float64):
            raise RuntimeError(
                "random_: the full 64-bit range (from=-2**63, to=None) needs an int64, "
                f"float32 or float64 tensor, but got {dtype.name}"
            )
        return low, 2**63 - 1
    elif low > top:
        raise RuntimeError(
            f"random_: expected 'from' <= {top} (the top of random_'s range for {dtype.name}), "
            f"but got from={low}"
        )
    else:
        high = top
    for name, value in (("from", low), ("to - 1", high)):
        if not lowest <= value <= highest:
            raise RuntimeError(f"random_: {name}={value} is out of bounds for {dtype.name}")
        if dtype.is_floating_point and abs(value) > top:
            warnings.warn(
                f"random_: {name}={value} is outside [-{top}, {top}], where {dtype.name} holds "
                "every integer, so the draws are rounded and not uniform",
                stacklevel=4,
            )
    return low, high
