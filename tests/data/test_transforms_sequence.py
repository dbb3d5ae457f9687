"""Sequence transforms against NumPy reference computations."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import neurarust as nr
from neurarust.data import transforms as T

SERIES = np.arange(7 * 3, dtype=np.float32).reshape(7, 3)  # 7 steps, 3 features


def _as(kind: str, array: np.ndarray) -> Any:
    return nr.from_numpy(array.copy()) if kind == "tensor" else array.copy()


def _check_same_kind(result: Any, kind: str) -> np.ndarray:
    """The result as NumPy, after checking a Tensor input gave a Tensor (and an array an array)."""
    assert isinstance(result, nr.Tensor if kind == "tensor" else np.ndarray)
    return np.asarray(result)


KINDS = ["array", "tensor"]

# (transform, NumPy reference on SERIES)
_DETERMINISTIC = [
    (T.PadSequence(10), np.concatenate([SERIES, np.zeros((3, 3), np.float32)])),
    (
        T.PadSequence(9, value=-1, side="left"),
        np.concatenate([np.full((2, 3), -1, np.float32), SERIES]),
    ),
    (T.PadSequence(5, dim=1), np.pad(SERIES, [(0, 0), (0, 2)])),
    (T.PadSequence(4), SERIES),  # already longer: unchanged
    (T.Truncate(4), SERIES[:4]),
    (T.Truncate(4, side="left"), SERIES[-4:]),
    (T.Truncate(2, dim=-1), SERIES[:, :2]),
    (T.Truncate(20), SERIES),
    (T.SlidingWindow(3), np.stack([SERIES[i : i + 3] for i in range(5)])),
    (T.SlidingWindow(3, step=2), np.stack([SERIES[i : i + 3] for i in (0, 2, 4)])),
    (T.SlidingWindow(4, step=4), SERIES[None, :4]),
    (T.SlidingWindow(2, dim=1), np.stack([SERIES[:, i : i + 2] for i in range(2)])),
]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(("transform", "expected"), _DETERMINISTIC)
def test_deterministic_ops_match_numpy(transform: Any, expected: np.ndarray, kind: str) -> None:
    result = _check_same_kind(transform(_as(kind, SERIES)), kind)
    assert result.dtype == expected.dtype
    np.testing.assert_array_equal(result, expected)


def test_token_lists_become_arrays() -> None:
    padded = T.PadSequence(5, value=0)([4, 8, 15])
    np.testing.assert_array_equal(padded, [4, 8, 15, 0, 0])
    assert padded.dtype.kind == "i"


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("dim", [0, 1])
def test_random_mask_with_p_masks_whole_steps(kind: str, dim: int) -> None:
    nr.manual_seed(0)
    data = np.ones((400, 300), np.float32)
    masked = _check_same_kind(T.RandomMask(p=0.25, value=-5.0, dim=dim)(_as(kind, data)), kind)
    steps = np.moveaxis(masked, dim, 0)
    hit = (steps == -5.0).all(axis=1)
    np.testing.assert_array_equal(steps[~hit], 1.0)  # every step is masked whole or not at all
    assert abs(hit.mean() - 0.25) < 5 * (0.25 * 0.75 / len(hit)) ** 0.5


@pytest.mark.parametrize("max_len", [0, 3, 10])
def test_random_mask_span_lengths(max_len: int) -> None:
    nr.manual_seed(1)
    mask = T.RandomMask(max_len=max_len, value=1)
    lengths = []
    for _ in range(2000):
        hit = np.flatnonzero(mask(np.zeros(8, np.int64)))
        if hit.size:
            np.testing.assert_array_equal(np.diff(hit), 1)  # one contiguous span
        lengths.append(hit.size)
    counts = np.bincount(lengths, minlength=9)
    uniform = np.bincount(np.minimum(np.arange(max_len + 1), 8), minlength=9) / (max_len + 1)
    np.testing.assert_allclose(counts / 2000, uniform, atol=0.05)


def test_random_mask_leaves_input_unchanged() -> None:
    data = np.ones(10)
    T.RandomMask(p=1.0)(data)
    np.testing.assert_array_equal(data, 1.0)


@pytest.mark.parametrize(
    ("dtype", "expected_dtype"),
    [(np.float32, np.float32), (np.float64, np.float64), (np.int64, np.float32)],
)
def test_gaussian_noise_statistics(dtype: Any, expected_dtype: Any) -> None:
    nr.manual_seed(2)
    data = np.full((200, 100), 3, dtype)
    noisy = T.AddGaussianNoise(std=0.5, mean=1.0)(nr.from_numpy(data)).numpy()
    assert noisy.dtype == expected_dtype
    noise = noisy.astype(np.float64) - 3
    assert abs(noise.mean() - 1.0) < 5 * 0.5 / np.sqrt(noise.size)
    assert abs(noise.std() - 0.5) < 0.01


def test_random_scaling_uses_one_factor_per_sample() -> None:
    nr.manual_seed(3)
    scaling = T.RandomScaling((0.5, 2.0))
    factors = []
    for _ in range(500):
        scaled = scaling(SERIES)
        factor = scaled[1, 0] / SERIES[1, 0]
        np.testing.assert_allclose(scaled, SERIES * factor, rtol=1e-6)
        factors.append(factor)
    assert 0.5 <= min(factors) < 0.6 and 1.9 < max(factors) <= 2.0


@pytest.mark.parametrize(
    "make",
    [
        lambda: T.RandomMask(p=0.5),
        lambda: T.RandomMask(max_len=4),
        lambda: T.AddGaussianNoise(0.1),
        lambda: T.RandomScaling(),
    ],
)
def test_random_ops_replay_under_manual_seed(make: Any) -> None:
    def run() -> np.ndarray:
        nr.manual_seed(11)
        transform = make()
        return np.stack([transform(SERIES) for _ in range(5)])

    first = run()
    np.testing.assert_array_equal(first, run())
    assert not np.array_equal(first[0], first[1])


@pytest.mark.parametrize(
    ("build", "error"),
    [
        (lambda: T.PadSequence(-1), ValueError),
        (lambda: T.PadSequence(3, side="middle"), ValueError),
        (lambda: T.Truncate(2.5), TypeError),
        (lambda: T.SlidingWindow(0), ValueError),
        (lambda: T.SlidingWindow(2, step=0), ValueError),
        (lambda: T.SlidingWindow(10)(SERIES), ValueError),
        (lambda: T.RandomMask(), ValueError),
        (lambda: T.RandomMask(p=0.1, max_len=2), ValueError),
        (lambda: T.RandomMask(p=1.5), ValueError),
        (lambda: T.AddGaussianNoise(-1.0), ValueError),
        (lambda: T.RandomScaling((2.0, 1.0)), ValueError),
        (lambda: T.Truncate(2, dim=2)(SERIES), IndexError),
    ],
)
def test_errors(build: Any, error: type[Exception]) -> None:
    with pytest.raises(error, match=r"^(PadSequence|Truncate|SlidingWindow|RandomMask|Add|Random)"):
        build()
