"""Samplers: exact agreement with torch.utils.data where no random stream is involved,
and the distribution, permutation and reproducibility properties where one is."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import neurarust as nr
from neurarust import data
from neurarust.ops import as_tensor  # typed for mypy, unlike as_tensor (module __getattr__)

# -- helpers --------------------------------------------------------------------------


def assert_distribution(draws: list[Any], probabilities: dict[Any, float]) -> None:
    """Pearson's chi-square test of the observed draws against the expected probabilities.

    The bound is the chi-square quantile at p = 5e-5 (Wilson-Hilferty); tests are seeded,
    so they cannot flake, and a wrong distribution gives statistics far above it.
    """
    counts = Counter(draws)
    assert set(counts) <= set(probabilities), (
        f"unexpected outcomes {set(counts) - set(probabilities)}"
    )
    total = len(draws)
    statistic = sum(
        (counts.get(k, 0) - total * p) ** 2 / (total * p) for k, p in probabilities.items()
    )
    dof = len(probabilities) - 1
    bound = dof * (1 - 2 / (9 * dof) + 3.9 * math.sqrt(2 / (9 * dof))) ** 3
    assert statistic < bound, f"chi-square {statistic:.1f} >= {bound:.1f} with {dof} dof"


def epochs(sampler: Any, count: int) -> list[list[Any]]:
    return [list(sampler) for _ in range(count)]


def seeded(seed: int) -> nr.Generator:
    return nr.Generator().manual_seed(seed)


# -- exact agreement with torch -------------------------------------------------------


@pytest.mark.parametrize("n", [0, 1, 7])
def test_sequential_matches_torch(n: int) -> None:
    torch = pytest.importorskip("torch")
    ours, theirs = data.SequentialSampler(range(n)), torch.utils.data.SequentialSampler(range(n))
    assert (list(ours), len(ours)) == (list(theirs), len(theirs))


@pytest.mark.parametrize(
    "n, batch_size, drop_last",
    [(10, 3, False), (10, 3, True), (9, 3, False), (9, 3, True), (2, 5, False), (2, 5, True),
     (0, 1, False), (1, 1, True)],
)  # fmt: skip
def test_batch_sampler_matches_torch(n: int, batch_size: int, drop_last: bool) -> None:
    torch = pytest.importorskip("torch")
    ours = data.BatchSampler(data.SequentialSampler(range(n)), batch_size, drop_last)
    theirs = torch.utils.data.BatchSampler(range(n), batch_size, drop_last)
    assert list(ours) == list(theirs)
    assert len(ours) == len(theirs)


def test_batch_sampler_accepts_any_iterable() -> None:
    assert list(data.BatchSampler(iter([4, 2, 9]), 2, False)) == [[4, 2], [9]]


@pytest.mark.parametrize("n", [0, 1, 5, 12, 13])
@pytest.mark.parametrize("num_replicas", [1, 2, 3, 5, 16])
@pytest.mark.parametrize("drop_last", [False, True])
def test_distributed_unshuffled_matches_torch(n: int, num_replicas: int, drop_last: bool) -> None:
    torch = pytest.importorskip("torch")
    for rank in range(num_replicas):
        kwargs: dict[str, Any] = dict(
            num_replicas=num_replicas, rank=rank, shuffle=False, drop_last=drop_last
        )
        ours = data.DistributedSampler(range(n), **kwargs)
        theirs = torch.utils.data.DistributedSampler(range(n), **kwargs)
        assert list(ours) == list(theirs)
        assert (len(ours), ours.num_samples, ours.total_size) == (
            len(theirs),
            theirs.num_samples,
            theirs.total_size,
        )


LENGTH_CASES: list[Callable[[Any], Any]] = [
    lambda lib: lib.RandomSampler(range(7)),
    lambda lib: lib.RandomSampler(range(7), num_samples=3),
    lambda lib: lib.RandomSampler(range(7), replacement=True, num_samples=20),
    lambda lib: lib.RandomSampler(range(3), num_samples=8),
    lambda lib: lib.SubsetRandomSampler([5, 1, 3]),
    lambda lib: lib.WeightedRandomSampler([1.0, 2.0, 3.0], 10),
    lambda lib: lib.WeightedRandomSampler([1.0, 2.0, 3.0], 2, replacement=False),
]


@pytest.mark.parametrize("build", LENGTH_CASES)
def test_lengths_match_torch(build: Callable[[Any], Any]) -> None:
    torch = pytest.importorskip("torch")
    ours, theirs = build(data), build(torch.utils.data)
    assert len(ours) == len(theirs) == len(list(ours)) == len(list(theirs))


# (build, also compare the message): torch's message must appear in ours
ERROR_CASES: list[tuple[Callable[[Any], Any], bool]] = [
    (lambda lib: lib.BatchSampler(range(3), 0, False), True),
    (lambda lib: lib.BatchSampler(range(3), -2, False), True),
    (lambda lib: lib.BatchSampler(range(3), True, False), True),
    (lambda lib: lib.BatchSampler(range(3), 2.0, False), True),
    (lambda lib: lib.BatchSampler(range(3), 2, 1), True),
    (lambda lib: lib.RandomSampler(range(3), replacement=1), True),
    (lambda lib: lib.RandomSampler(range(3), num_samples=0), True),
    (lambda lib: lib.RandomSampler(range(3), num_samples=2.5), True),
    (lambda lib: lib.RandomSampler([]), True),
    (lambda lib: lib.WeightedRandomSampler([1.0, 2.0], 0), True),
    (lambda lib: lib.WeightedRandomSampler([1.0, 2.0], 2, replacement=0), True),
    (lambda lib: lib.WeightedRandomSampler([[1.0, 2.0]], 2), True),
    (lambda lib: lib.WeightedRandomSampler(5.0, 2), True),
    (lambda lib: list(lib.WeightedRandomSampler([1.0, -1.0], 2)), False),
    (lambda lib: list(lib.WeightedRandomSampler([1.0, float("nan")], 2)), False),
    (lambda lib: list(lib.WeightedRandomSampler([1.0, float("inf")], 2)), False),
    (lambda lib: list(lib.WeightedRandomSampler([0.0, 0.0], 2)), False),
    (lambda lib: list(lib.WeightedRandomSampler([1.0, 1.0], 3, replacement=False)), False),
    (lambda lib: lib.DistributedSampler(range(5), num_replicas=2, rank=2), True),
    (lambda lib: lib.DistributedSampler(range(5), num_replicas=2, rank=-1), True),
    (lambda lib: lib.DistributedSampler(range(5), num_replicas=0, rank=0), True),
]


@pytest.mark.parametrize("build, same_message", ERROR_CASES)
def test_errors_match_torch(build: Callable[[Any], Any], same_message: bool) -> None:
    torch = pytest.importorskip("torch")
    with pytest.raises(Exception) as theirs:
        build(torch.utils.data)
    with pytest.raises(theirs.type) as ours:
        build(data)
    if same_message:
        assert str(theirs.value) in str(ours.value)


# -- permutations and supports --------------------------------------------------------


@pytest.mark.parametrize("n, num_samples", [(1, None), (10, None), (10, 4), (4, 10), (3, 9)])
def test_random_sampler_passes_are_permutations(n: int, num_samples: int | None) -> None:
    draws = list(data.RandomSampler(range(n), num_samples=num_samples, generator=seeded(1)))
    assert len(draws) == (num_samples or n)
    for start in range(0, len(draws), n):
        chunk = draws[start : start + n]
        assert len(set(chunk)) == len(chunk) and set(chunk) <= set(range(n))


def test_subset_random_sampler_is_a_permutation_of_the_indices() -> None:
    indices = [7, 3, 11, 3, 0]
    for draws in epochs(data.SubsetRandomSampler(indices, generator=seeded(2)), 5):
        assert sorted(draws) == sorted(indices)


@pytest.mark.parametrize("kind", [list, np.array, as_tensor])
def test_weighted_without_replacement_never_repeats_nor_takes_zero_weights(kind: Any) -> None:
    weights = kind([0.0, 3.0, 1.0, 0.0, 2.0, 5.0])
    sampler = data.WeightedRandomSampler(weights, 4, replacement=False, generator=seeded(3))
    assert sampler.weights.dtype == nr.float64
    for draws in epochs(sampler, 50):
        assert len(set(draws)) == 4 and set(draws) <= {1, 2, 4, 5}


# -- distributions --------------------------------------------------------------------


def test_random_sampler_with_replacement_is_uniform() -> None:
    draws = list(data.RandomSampler(range(6), True, num_samples=30_000, generator=seeded(4)))
    assert_distribution(draws, {i: 1 / 6 for i in range(6)})


def test_random_sampler_orders_are_uniform() -> None:
    sampler = data.RandomSampler(range(3), generator=seeded(5))
    orders = [tuple(order) for order in epochs(sampler, 3000)]
    assert_distribution(orders, {order: 1 / 6 for order in set(orders)})
    assert len(set(orders)) == 6


def test_subset_random_sampler_first_draw_is_uniform() -> None:
    sampler = data.SubsetRandomSampler([10, 20, 30, 40], generator=seeded(6))
    firsts = [next(iter(sampler)) for _ in range(2000)]
    assert_distribution(firsts, {i: 1 / 4 for i in (10, 20, 30, 40)})


WEIGHTS = np.array([1.0, 0.0, 2.0, 4.0, 3.0])
PROBABILITIES = WEIGHTS / WEIGHTS.sum()


def test_weighted_with_replacement_follows_the_weights() -> None:
    sampler = data.WeightedRandomSampler(WEIGHTS, 40_000, generator=seeded(7))
    assert_distribution(list(sampler), {i: p for i, p in enumerate(PROBABILITIES) if p > 0})


def test_weighted_without_replacement_draws_successively() -> None:
    # P(first i, then j) = p_i * p_j / (1 - p_i), as torch.multinomial's successive draws
    expected = {
        (i, j): pi * pj / (1 - pi)
        for i, pi in enumerate(PROBABILITIES)
        for j, pj in enumerate(PROBABILITIES)
        if i != j and pi * pj > 0
    }
    sampler = data.WeightedRandomSampler(WEIGHTS, 2, replacement=False, generator=seeded(8))
    assert_distribution([tuple(pair) for pair in epochs(sampler, 6000)], expected)


def hard_example_probabilities(smoothed: np.ndarray, uniform_mix: float) -> np.ndarray:
    """The documented formula, unseen samples (NaN) scored as the largest seen average."""
    scores = np.where(np.isnan(smoothed), np.nanmax(smoothed), smoothed)
    return (1 - uniform_mix) * scores / scores.sum() + uniform_mix / len(scores)


@pytest.mark.parametrize("momentum, uniform_mix", [(0.9, 0.1), (0.5, 0.0), (0.0, 0.3)])
def test_hard_example_sampler_follows_smoothed_losses(momentum: float, uniform_mix: float) -> None:
    sampler = data.HardExampleSampler(
        range(6), 40_000, momentum=momentum, uniform_mix=uniform_mix, generator=seeded(9)
    )
    first, second = np.array([1.0, 2.0, 0.5, 4.0]), np.array([3.0, 0.0])
    sampler.update(as_tensor([0, 1, 2, 3]), as_tensor(first).requires_grad_())
    sampler.update(np.array([1, 3]), second.tolist())
    smoothed = np.array([1.0, 2.0, 0.5, 4.0, np.nan, np.nan])
    smoothed[[1, 3]] = momentum * first[[1, 3]] + (1 - momentum) * second
    expected = hard_example_probabilities(smoothed, uniform_mix)
    np.testing.assert_allclose(sampler.probabilities(), expected, rtol=1e-12)
    assert_distribution(list(sampler), dict(enumerate(expected)))


def test_hard_example_sampler_is_uniform_before_any_report() -> None:
    sampler = data.HardExampleSampler(range(5), 20_000, generator=seeded(10))
    assert_distribution(list(sampler), {i: 1 / 5 for i in range(5)})


def test_hard_example_sampler_without_replacement_is_a_permutation() -> None:
    sampler = data.HardExampleSampler(range(8), replacement=False, generator=seeded(11))
    sampler.update(range(8), np.arange(8.0))
    assert sorted(sampler) == list(range(8))


HARD_EXAMPLE_UPDATE_ERRORS = [
    ([0, 1], [1.0], ValueError),
    ([[0, 1]], [[1.0, 2.0]], ValueError),
    ([0, 1], [1.0, -1.0], ValueError),
    ([0, 1], [1.0, float("nan")], ValueError),
    ([0, 4], [1.0, 1.0], IndexError),
    ([0, -1], [1.0, 1.0], IndexError),
    ([0.0, 1.5], [1.0, 1.0], TypeError),
]


@pytest.mark.parametrize("indices, losses, error", HARD_EXAMPLE_UPDATE_ERRORS)
def test_hard_example_update_errors_leave_state_unchanged(
    indices: Any, losses: Any, error: type[Exception]
) -> None:
    sampler = data.HardExampleSampler(range(4))
    with pytest.raises(error, match="HardExampleSampler.update"):
        sampler.update(indices, losses)
    assert np.isnan(sampler.smoothed_losses).all()


@pytest.mark.parametrize(
    "kwargs",
    [dict(momentum=1.0), dict(momentum=-0.1), dict(uniform_mix=1.5), dict(num_samples=0),
     dict(replacement=None)],
)  # fmt: skip
def test_hard_example_sampler_argument_errors(kwargs: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="HardExampleSampler"):
        data.HardExampleSampler(range(4), **kwargs)


# -- reproducibility ------------------------------------------------------------------

RANDOM_SAMPLERS: list[Callable[[nr.Generator | None], Any]] = [
    lambda g: data.RandomSampler(range(50), generator=g),
    lambda g: data.RandomSampler(range(50), replacement=True, generator=g),
    lambda g: data.SubsetRandomSampler(list(range(0, 100, 2)), generator=g),
    lambda g: data.WeightedRandomSampler(np.arange(1.0, 51.0), 50, generator=g),
    lambda g: data.WeightedRandomSampler(np.arange(1.0, 51.0), 50, False, generator=g),
    lambda g: data.ClassBalancedBatchSampler(np.arange(60) % 3, 6, generator=g),
    lambda g: data.HardExampleSampler(range(50), generator=g),
]


@pytest.mark.parametrize("build", RANDOM_SAMPLERS)
def test_epochs_replay_under_manual_seed_and_differ(build: Callable[..., Any]) -> None:
    nr.manual_seed(123)
    first = epochs(build(None), 2)
    nr.manual_seed(123)
    assert epochs(build(None), 2) == first
    assert first[0] != first[1]


@pytest.mark.parametrize("build", RANDOM_SAMPLERS)
def test_seeded_generator_replays_epochs(build: Callable[..., Any]) -> None:
    assert epochs(build(seeded(7)), 2) == epochs(build(seeded(7)), 2)
    assert list(build(seeded(7))) != list(build(seeded(8)))


# -- DistributedSampler ---------------------------------------------------------------


@pytest.mark.parametrize("n, num_replicas", [(10, 3), (12, 4), (5, 8), (1, 2)])
@pytest.mark.parametrize("drop_last", [False, True])
def test_distributed_shards_are_disjoint_and_cover(
    n: int, num_replicas: int, drop_last: bool
) -> None:
    shards = [
        list(data.DistributedSampler(range(n), num_replicas, rank, seed=3, drop_last=drop_last))
        for rank in range(num_replicas)
    ]
    per_replica = n // num_replicas if drop_last else math.ceil(n / num_replicas)
    assert all(len(shard) == per_replica for shard in shards)
    everything = [i for shard in shards for i in shard]
    if drop_last:
        assert len(set(everything)) == len(everything)
    else:  # every index, the first few repeated as padding
        assert set(everything) == set(range(n))
        assert len(everything) - len(set(everything)) == per_replica * num_replicas - n


def test_distributed_shuffle_depends_on_seed_and_epoch_only() -> None:
    def order(seed: int, epoch: int) -> list[int]:
        sampler = data.DistributedSampler(range(40), num_replicas=1, rank=0, seed=seed)
        sampler.set_epoch(epoch)
        return list(sampler)

    nr.manual_seed(0)
    first = order(5, 1)
    nr.manual_seed(99)  # neurarust's stream plays no part
    assert order(5, 1) == first
    assert sorted(first) == list(range(40))
    assert order(5, 2) != first and order(6, 1) != first
    np.testing.assert_array_equal(first, np.random.default_rng([5, 1]).permutation(40))


LAUNCHER_VARIABLES = [
    "WORLD_SIZE", "RANK", "OMPI_COMM_WORLD_SIZE", "OMPI_COMM_WORLD_RANK", "PMI_SIZE", "PMI_RANK",
]  # fmt: skip


@pytest.mark.parametrize(
    "environment, expected",
    [
        ({}, (1, 0)),
        ({"WORLD_SIZE": "4", "RANK": "2"}, (4, 2)),
        ({"OMPI_COMM_WORLD_SIZE": "3", "OMPI_COMM_WORLD_RANK": "1"}, (3, 1)),
        ({"PMI_SIZE": "2", "PMI_RANK": "1"}, (2, 1)),
        ({"WORLD_SIZE": "2", "RANK": "0", "PMI_SIZE": "5", "PMI_RANK": "4"}, (2, 0)),
    ],
)
def test_distributed_reads_the_launcher_environment(
    monkeypatch: pytest.MonkeyPatch, environment: dict[str, str], expected: tuple[int, int]
) -> None:
    for name in LAUNCHER_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    sampler = data.DistributedSampler(range(10))
    assert (sampler.num_replicas, sampler.rank) == expected


# -- ClassBalancedBatchSampler --------------------------------------------------------

# labels with classes of sizes 7, 3 and 5 (class values need not be 0..C-1)
LABELS = np.repeat([4, 9, 2], [7, 3, 5])
CLASS_SIZES = {4: 7, 9: 3, 2: 5}


@pytest.mark.parametrize(
    "batch_size, classes_per_batch, oversample",
    [(3, None, False), (6, None, False), (9, None, True), (6, 2, False), (4, 2, True),
     (2, 1, False), (3, 1, True)],
)  # fmt: skip
@pytest.mark.parametrize("kind", [np.array, list, as_tensor])
def test_class_balanced_batches(
    batch_size: int, classes_per_batch: int | None, oversample: bool, kind: Any
) -> None:
    k = classes_per_batch or len(CLASS_SIZES)
    per_class = batch_size // k
    sampler = data.ClassBalancedBatchSampler(
        kind(LABELS.tolist()), batch_size, classes_per_batch, oversample, seeded(12)
    )
    chunks = [
        math.ceil(s / per_class) if oversample else s // per_class for s in CLASS_SIZES.values()
    ]
    m = max(chunks) if oversample else min(chunks)
    expected_batches = m * len(CLASS_SIZES) // k
    batches = list(sampler)
    assert len(batches) == len(sampler) == expected_batches
    appearances: Counter[int] = Counter()
    for batch in batches:
        counts = Counter(LABELS[batch].tolist())
        assert len(batch) == batch_size and len(counts) == k
        assert set(counts.values()) == {per_class}
        appearances.update(counts.keys())
    assert max(appearances.values()) - min(appearances.values()) <= 1
    seen = [i for batch in batches for i in batch]
    if oversample:
        assert set(seen) == set(range(len(LABELS)))
    else:
        assert len(set(seen)) == len(seen)


@pytest.mark.parametrize(
    "labels, kwargs, error",
    [
        ([], dict(batch_size=2), ValueError),
        ([[0, 1]], dict(batch_size=2), ValueError),
        ([0.5, 1.0], dict(batch_size=2), TypeError),
        ([0, 1], dict(batch_size=0), ValueError),
        ([0, 1], dict(batch_size=3), ValueError),
        ([0, 1], dict(batch_size=2, classes_per_batch=3), ValueError),
        ([0, 0, 1], dict(batch_size=4), ValueError),
        ([0, 1], dict(batch_size=2, oversample=1), ValueError),
    ],
)
def test_class_balanced_errors(labels: Any, kwargs: dict[str, Any], error: type) -> None:
    with pytest.raises(error, match="ClassBalancedBatchSampler"):
        data.ClassBalancedBatchSampler(labels, **kwargs)


# -- with the DataLoader --------------------------------------------------------------


def test_samplers_drive_a_dataloader() -> None:
    labels = as_tensor(np.arange(24) % 3)
    dataset = data.TensorDataset(labels, as_tensor(np.arange(24)))
    batch_sampler = data.ClassBalancedBatchSampler(labels, 6, generator=seeded(13))
    balanced = data.DataLoader(dataset, batch_sampler=batch_sampler)
    assert all(Counter(y.tolist()) == {0: 2, 1: 2, 2: 2} for y, _ in balanced)
    # the documented pattern: the dataset returns each sample's index beside it
    sampler = data.HardExampleSampler(dataset, replacement=False, generator=seeded(14))
    for y, index in data.DataLoader(dataset, batch_size=5, sampler=sampler):
        sampler.update(index, y * 1.0)  # stand-in losses: the label
    np.testing.assert_array_equal(sampler.smoothed_losses, np.arange(24) % 3)
