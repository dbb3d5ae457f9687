"""Transforms for sequences: time series ``(T, features...)`` and token id sequences ``(T,)``.

Each takes a Tensor (and returns a Tensor on the same device) or a NumPy array /
list (and returns a NumPy array). The time axis is ``dim`` (default 0, the first
axis); negative values count from the end. Random ones draw from
:func:`neurarust.data.rng`.

``PadSequence`` is named so because ``Pad`` is torchvision's image padding.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ... import dtypes
from .._random import rng
from .tensor import _apply_to_array, _sample_axis

__all__ = [
    "PadSequence",
    "Truncate",
    "SlidingWindow",
    "RandomMask",
    "AddGaussianNoise",
    "RandomScaling",
]

_SIDES = ("right", "left")


def _check_length(owner: str, name: str, value: Any, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{owner}: {name} should be an integer, but got {value!r}")
    if value < minimum:
        raise ValueError(f"{owner}: {name} should be >= {minimum}, but got {name}={value}")
    return int(value)


def _check_side(owner: str, side: str) -> str:
    if side not in _SIDES:
        raise ValueError(f"{owner}: side should be 'right' or 'left', but got {side!r}")
    return side


def _along(axis: int, index: Any) -> tuple[Any, ...]:
    """An index tuple that applies ``index`` to ``axis`` and keeps the axes before it whole."""
    return (slice(None),) * axis + (index,)


def _floating(data: Any) -> Any:
    """``data`` itself if floating, else converted to the default float dtype."""
    return data if data.dtype.kind == "f" else data.astype(dtypes.get_default_dtype().numpy)


class PadSequence:
    """Pad a sequence with ``value`` up to ``length`` steps; longer ones are left unchanged.

    Args:
        length: the length to pad to.
        value: the fill value (cast to the sequence's dtype).
        side: ``"right"`` pads after the last step, ``"left"`` before the first.
        dim: the time axis.

    Examples:
        >>> from neurarust.data.transforms import PadSequence
        >>> PadSequence(5, value=-1, side="left")([7, 8, 9])
        array([-1, -1,  7,  8,  9])
    """

    def __init__(self, length: int, value: float = 0, side: str = "right", dim: int = 0) -> None:
        self.length = _check_length("PadSequence", "length", length, 0)
        self.value = value
        self.side = _check_side("PadSequence", side)
        self.dim = dim

    def __call__(self, x: Any) -> Any:
        """Args: x: a sequence. Returns: it padded to at least ``length`` steps."""
        return _apply_to_array(x, self._pad)

    def _pad(self, data: Any, xp: Any) -> Any:
        axis = _sample_axis(self.dim, data.ndim, "PadSequence")
        missing = self.length - data.shape[axis]
        if missing <= 0:
            return data
        widths = [(0, 0)] * data.ndim
        widths[axis] = (0, missing) if self.side == "right" else (missing, 0)
        return xp.pad(data, widths, constant_values=self.value)

    def __repr__(self) -> str:
        return (
            f"PadSequence(length={self.length}, value={self.value}, side={self.side!r}, "
            f"dim={self.dim})"
        )


class Truncate:
    """Cut a sequence down to at most ``length`` steps (a view, not a copy).

    Args:
        length: the most steps to keep.
        side: ``"right"`` drops steps from the end (keeps the first ``length``),
            ``"left"`` drops them from the start (keeps the last ``length``).
        dim: the time axis.

    Examples:
        >>> from neurarust.data.transforms import Truncate
        >>> Truncate(2, side="left")([1, 2, 3, 4])
        array([3, 4])
    """

    def __init__(self, length: int, side: str = "right", dim: int = 0) -> None:
        self.length = _check_length("Truncate", "length", length, 0)
        self.side = _check_side("Truncate", side)
        self.dim = dim

    def __call__(self, x: Any) -> Any:
        """Args: x: a sequence. Returns: at most ``length`` of its steps."""
        return _apply_to_array(x, self._truncate)

    def _truncate(self, data: Any, xp: Any) -> Any:
        axis = _sample_axis(self.dim, data.ndim, "Truncate")
        steps = data.shape[axis]
        start = 0 if self.side == "right" else max(steps - self.length, 0)
        return data[_along(axis, slice(start, start + self.length))]

    def __repr__(self) -> str:
        return f"Truncate(length={self.length}, side={self.side!r}, dim={self.dim})"


class SlidingWindow:
    """Cut a sequence into windows of ``size`` steps every ``step`` steps, stacked on a new axis 0.

    A sequence of ``T`` steps gives ``(T - size) // step + 1`` windows; steps after
    the last full window are dropped. For an input ``(T, F)`` with ``dim=0`` the
    output is ``(windows, size, F)``; in general axis ``dim`` becomes ``size`` long.

    Args:
        size: steps per window.
        step: steps between the starts of consecutive windows.
        dim: the time axis.

    Examples:
        >>> from neurarust.data.transforms import SlidingWindow
        >>> SlidingWindow(3, step=2)([0, 1, 2, 3, 4, 5])
        array([[0, 1, 2],
               [2, 3, 4]])
    """

    def __init__(self, size: int, step: int = 1, dim: int = 0) -> None:
        self.size = _check_length("SlidingWindow", "size", size, 1)
        self.step = _check_length("SlidingWindow", "step", step, 1)
        self.dim = dim

    def __call__(self, x: Any) -> Any:
        """Args: x: a sequence. Returns: its windows, stacked on a new first axis (a copy)."""
        return _apply_to_array(x, self._windows)

    def _windows(self, data: Any, xp: Any) -> Any:
        axis = _sample_axis(self.dim, data.ndim, "SlidingWindow")
        steps = data.shape[axis]
        if steps < self.size:
            raise ValueError(
                f"SlidingWindow: the sequence has {steps} steps along dim {self.dim}, fewer "
                f"than the window size {self.size}"
            )
        starts = xp.arange(0, steps - self.size + 1, self.step)
        # One gather: row i of the index holds the steps of window i.
        windows = xp.take(data, starts[:, None] + xp.arange(self.size), axis=axis)
        return xp.moveaxis(windows, axis, 0)

    def __repr__(self) -> str:
        return f"SlidingWindow(size={self.size}, step={self.step}, dim={self.dim})"


class RandomMask:
    """Overwrite random time steps with ``value`` (time masking, token dropout).

    Give exactly one of:

    * ``p``: every step is masked on its own with probability ``p``;
    * ``max_len``: one contiguous span is masked, its length drawn uniformly from
      ``0 .. max_len`` (inclusive, capped at the sequence length) and its start
      uniformly among the positions where it fits (SpecAugment's time masking).

    Args:
        p: per-step masking probability, in ``[0, 1]``.
        max_len: the longest masked span.
        value: the fill value (cast to the sequence's dtype).
        dim: the time axis.

    Examples:
        >>> import neurarust as nr
        >>> from neurarust.data.transforms import RandomMask
        >>> _ = nr.manual_seed(0)
        >>> masked = RandomMask(max_len=3, value=-1)(nr.arange(10))
        >>> int((masked == -1).sum()) <= 3
        True
    """

    def __init__(
        self, p: float | None = None, max_len: int | None = None, value: float = 0, dim: int = 0
    ) -> None:
        if (p is None) == (max_len is None):
            raise ValueError(
                f"RandomMask: give exactly one of p and max_len, but got p={p}, max_len={max_len}"
            )
        if p is not None and not 0.0 <= p <= 1.0:
            raise ValueError(f"RandomMask: p should be a probability in [0, 1], but got p={p}")
        self.p = p
        self.max_len = (
            None if max_len is None else _check_length("RandomMask", "max_len", max_len, 0)
        )
        self.value = value
        self.dim = dim

    def __call__(self, x: Any) -> Any:
        """Args: x: a sequence. Returns: a masked copy."""
        return _apply_to_array(x, self._mask)

    def _mask(self, data: Any, xp: Any) -> Any:
        axis = _sample_axis(self.dim, data.ndim, "RandomMask")
        masked = data.copy()
        masked[_along(axis, xp.asarray(self._masked_steps(data.shape[axis])))] = self.value
        return masked

    def _masked_steps(self, steps: int) -> np.ndarray:
        """A boolean array over the time steps, True where the value is replaced."""
        generator = rng()
        if self.p is not None:
            return generator.random(steps) < self.p
        assert self.max_len is not None
        length = min(int(generator.integers(0, self.max_len + 1)), steps)
        start = int(generator.integers(0, steps - length + 1))
        chosen = np.zeros(steps, dtype=bool)
        chosen[start : start + length] = True
        return chosen

    def __repr__(self) -> str:
        return f"RandomMask(p={self.p}, max_len={self.max_len}, value={self.value}, dim={self.dim})"


class AddGaussianNoise:
    """Add independent Gaussian noise ``N(mean, std^2)`` to every value.

    Args:
        std: the noise's standard deviation (>= 0).
        mean: the noise's mean.

    Input: any shape; integer inputs become the default float dtype, floating ones
    keep their dtype.

    Examples:
        >>> import neurarust as nr
        >>> from neurarust.data.transforms import AddGaussianNoise
        >>> noisy = AddGaussianNoise(std=0.1)(nr.zeros(1000))
        >>> 0.05 < float(noisy.std()) < 0.15
        True
    """

    def __init__(self, std: float, mean: float = 0.0) -> None:
        if not std >= 0:
            raise ValueError(f"AddGaussianNoise: std should be >= 0, but got std={std}")
        self.std = std
        self.mean = mean

    def __call__(self, x: Any) -> Any:
        """Args: x: a Tensor or array. Returns: a noisy copy."""
        return _apply_to_array(x, self._add_noise)

    def _add_noise(self, data: Any, xp: Any) -> Any:
        data = _floating(data)
        noise = rng().normal(self.mean, self.std, data.shape).astype(data.dtype)
        return data + xp.asarray(noise)

    def __repr__(self) -> str:
        return f"AddGaussianNoise(std={self.std}, mean={self.mean})"


class RandomScaling:
    """Multiply a whole sequence by one random factor drawn uniformly from ``scale``.

    Args:
        scale: ``(low, high)`` bounds of the factor.

    Input: any shape; integer inputs become the default float dtype.

    Examples:
        >>> import neurarust as nr
        >>> from neurarust.data.transforms import RandomScaling
        >>> scaled = RandomScaling((2.0, 3.0))(nr.ones(4))
        >>> bool((scaled == scaled[0]).all()) and 2.0 <= float(scaled[0]) <= 3.0
        True
    """

    def __init__(self, scale: tuple[float, float] = (0.8, 1.2)) -> None:
        if len(scale) != 2 or not scale[0] <= scale[1]:
            raise ValueError(
                f"RandomScaling: scale should be a (low, high) pair with low <= high, but got "
                f"{scale}"
            )
        self.scale = scale

    def __call__(self, x: Any) -> Any:
        """Args: x: a Tensor or array. Returns: a scaled copy."""
        return _apply_to_array(x, self._scale)

    def _scale(self, data: Any, xp: Any) -> Any:
        return _floating(data) * rng().uniform(*self.scale)

    def __repr__(self) -> str:
        return f"RandomScaling(scale={self.scale})"
