"""Augmentation whose strength follows a validation metric, reported after each epoch."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["AdaptiveAugment"]

_MODES = ("max", "min")


class AdaptiveAugment:
    """A transform built by ``make(strength)`` whose strength in ``[0, 1]`` adapts to a metric.

    Call :meth:`update` with a validation metric after each epoch (or evaluation).
    The rule, with "better" meaning higher for ``mode="max"`` (accuracy) and lower for
    ``mode="min"`` (loss), and a change counting only beyond ``min_delta``:

    1. the metric is better than the best so far: it becomes the best, the strength stays;
    2. else, it is worse than the previous metric: the last increase hurt (too strong
       augmentation), so the strength goes down by ``step``;
    3. else the metric stalls (not a new best, not worse): after ``patience`` such
       updates in a row, the strength goes up by ``step``, the usual cure for a model
       that has started to overfit.

    The strength is clipped to ``[0, 1]``; the rule depends only on the metrics, so a
    replayed sequence of metrics gives the same strengths.

    Workers: with DataLoader thread workers (the default) every worker reads the current
    transform, so a change shows in the next batches built (those already prefetched keep
    the old one). Process workers get a copy of this object when they start, so they keep
    the strength they started with: use thread workers, or process workers with
    ``persistent_workers=False`` (new workers, and so a new copy, each epoch). Process
    workers also need ``make`` to be picklable (a module-level function, not a lambda).

    Args:
        make: builds the augmentation for a strength: ``make(0.3) -> transform``.
        strength: the initial strength.
        step: how much one update raises or lowers the strength.
        patience: stalled updates in a row before the strength goes up.
        mode: ``"max"`` if a higher metric is better, ``"min"`` if lower is.
        min_delta: the smallest change of the metric that counts as better or worse.

    Examples:
        >>> from neurarust.data.transforms import AdaptiveAugment, AddGaussianNoise
        >>> augment = AdaptiveAugment(lambda s: AddGaussianNoise(std=s), step=0.25)
        >>> [augment.update(accuracy) for accuracy in [0.70, 0.80, 0.80, 0.80, 0.75]]
        [0.0, 0.0, 0.25, 0.5, 0.25]
        >>> augment.transform
        AddGaussianNoise(std=0.25, mean=0.0)
    """

    def __init__(
        self,
        make: Callable[[float], Callable[[Any], Any]],
        strength: float = 0.0,
        step: float = 0.1,
        patience: int = 1,
        mode: str = "max",
        min_delta: float = 0.0,
    ) -> None:
        if not callable(make):
            raise TypeError(f"AdaptiveAugment: make should be callable, got {type(make).__name__}")
        if not 0.0 <= strength <= 1.0:
            raise ValueError(f"AdaptiveAugment: strength should be in [0, 1], but got {strength}")
        if not 0.0 < step <= 1.0:
            raise ValueError(f"AdaptiveAugment: step should be in (0, 1], but got {step}")
        if patience < 1:
            raise ValueError(f"AdaptiveAugment: patience should be >= 1, but got {patience}")
        if mode not in _MODES:
            raise ValueError(f"AdaptiveAugment: mode should be 'max' or 'min', but got {mode!r}")
        if not min_delta >= 0:
            raise ValueError(f"AdaptiveAugment: min_delta should be >= 0, but got {min_delta}")
        self.make = make
        self.step = step
        self.patience = patience
        self.mode = mode
        self.min_delta = min_delta
        self._best: float | None = None
        self._last: float | None = None
        self._stalls = 0
        # (strength, transform) in one attribute, so a worker thread never sees a mismatch.
        self._current = (float(strength), make(float(strength)))

    @property
    def strength(self) -> float:
        """The current strength, in ``[0, 1]``."""
        return self._current[0]

    @property
    def transform(self) -> Callable[[Any], Any]:
        """The augmentation built for the current strength."""
        return self._current[1]

    def __call__(self, sample: Any) -> Any:
        """Args: sample: a sample. Returns: it augmented at the current strength."""
        return self._current[1](sample)

    def update(self, metric: float) -> float:
        """Report a validation metric and adapt the strength (rule in the class docstring).

        Args:
            metric: the metric's new value (a number or a one-element tensor).

        Returns:
            The new strength.
        """
        value = float(metric)
        if value != value:
            raise ValueError("AdaptiveAugment.update: metric is NaN")
        if self._best is None or self._better(value, self._best):
            self._best = value
            self._stalls = 0
        elif self._last is not None and self._better(self._last, value):
            self._stalls = 0
            self._set_strength(self.strength - self.step)
        else:
            self._stalls += 1
            if self._stalls >= self.patience:
                self._stalls = 0
                self._set_strength(self.strength + self.step)
        self._last = value
        return self.strength

    def _better(self, a: float, b: float) -> bool:
        """Whether metric ``a`` is better than ``b`` by more than ``min_delta``."""
        if self.mode == "max":
            return a > b + self.min_delta
        return a < b - self.min_delta

    def _set_strength(self, strength: float) -> None:
        # Rounding keeps repeated steps of 0.1 at 0.3, not 0.30000000000000004.
        strength = round(min(max(strength, 0.0), 1.0), 12)
        if strength != self.strength:
            self._current = (strength, self.make(strength))

    def __repr__(self) -> str:
        return f"AdaptiveAugment(strength={self.strength}, transform={self.transform})"
