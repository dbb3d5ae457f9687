"""AdaptiveAugment: strength trajectories for scripted metrics, workers' view of the strength."""

from __future__ import annotations

import pickle
import threading
from typing import Any

import pytest

import neurarust as nr
from neurarust.data import transforms as T


class _Scale:
    """A picklable stand-in augmentation: multiplies a number by ``1 + strength``."""

    def __init__(self, strength: float) -> None:
        self.strength = strength

    def __call__(self, x: float) -> float:
        return x * (1 + self.strength)


# Expected strengths worked out by hand from the rule in AdaptiveAugment's docstring.
_TRAJECTORIES = [
    (  # accuracy; stalls raise, a drop lowers, a new best keeps
        {"step": 0.1},
        [0.5, 0.6, 0.6, 0.6, 0.55, 0.58, 0.7, 0.7],
        [0.0, 0.0, 0.1, 0.2, 0.1, 0.2, 0.2, 0.3],
    ),
    (  # loss; patience 2; clipped to [0, 1] at both ends
        {"mode": "min", "strength": 0.5, "step": 0.5, "patience": 2},
        [1.0, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 1.2, 1.3],
        [0.5, 0.5, 0.5, 1.0, 1.0, 1.0, 1.0, 0.5, 0.0],
    ),
    (  # changes within min_delta count as stalls
        {"step": 0.25, "min_delta": 0.05},
        [0.5, 0.52, 0.49, 0.40, 0.60],
        [0.0, 0.25, 0.5, 0.25, 0.25],
    ),
    (  # a new best resets the stall count
        {"step": 0.2, "patience": 2},
        [0.1, 0.1, 0.2, 0.2, 0.2, 0.2],
        [0.0, 0.0, 0.0, 0.0, 0.2, 0.2],
    ),
]


@pytest.mark.parametrize(("options", "metrics", "strengths"), _TRAJECTORIES)
def test_strength_trajectory(
    options: dict[str, Any], metrics: list[float], strengths: list[float]
) -> None:
    built: list[float] = []

    def make(strength: float) -> _Scale:
        built.append(strength)
        return _Scale(strength)

    augment = T.AdaptiveAugment(make, **options)
    trajectory = [augment.update(m) for m in metrics]
    assert trajectory == pytest.approx(strengths, abs=1e-12)
    # the transform is rebuilt exactly when the strength changes
    changes = [s for before, s in zip([built[0], *strengths], strengths) if s != before]
    assert built == pytest.approx([options.get("strength", 0.0), *changes], abs=1e-12)
    assert augment(1.0) == pytest.approx(1 + strengths[-1])


def test_update_accepts_tensor_metrics() -> None:
    augment = T.AdaptiveAugment(_Scale)
    augment.update(nr.tensor(0.5))
    assert augment.update(nr.tensor([0.5])) == pytest.approx(0.1)


def test_threads_see_the_new_strength() -> None:
    augment = T.AdaptiveAugment(_Scale, step=0.5)
    augment.update(1.0)
    augment.update(1.0)  # stalled: 0.5
    seen: list[float] = []
    worker = threading.Thread(target=lambda: seen.append(augment(2.0)))
    worker.start()
    worker.join()
    assert seen == [3.0]


def test_process_copy_keeps_the_strength_it_was_made_with() -> None:
    augment = T.AdaptiveAugment(_Scale, strength=0.25)
    copy = pickle.loads(pickle.dumps(augment))  # what a process worker receives
    augment.update(1.0)
    augment.update(1.0)
    assert augment.strength == pytest.approx(0.35) and copy.strength == 0.25
    assert copy(4.0) == 5.0


@pytest.mark.parametrize(
    ("options", "error"),
    [
        ({"make": 3}, TypeError),
        ({"strength": 1.5}, ValueError),
        ({"step": 0.0}, ValueError),
        ({"patience": 0}, ValueError),
        ({"mode": "up"}, ValueError),
        ({"min_delta": -0.1}, ValueError),
    ],
)
def test_argument_errors(options: dict[str, Any], error: type[Exception]) -> None:
    with pytest.raises(error, match="^AdaptiveAugment: "):
        T.AdaptiveAugment(**{"make": _Scale, **options})


def test_nan_metric_is_refused() -> None:
    with pytest.raises(ValueError, match="NaN"):
        T.AdaptiveAugment(_Scale).update(float("nan"))
