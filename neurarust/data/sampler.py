"""Samplers: which dataset indices make an epoch, and how they group into batches.

A sampler is an iterable of indices (or of lists of indices, for a batch
sampler) that a :class:`~neurarust.data.DataLoader` walks once per epoch. The
names, arguments and errors are those of ``torch.utils.data``.

Random samplers draw a fresh NumPy stream per epoch from their ``generator``
(``None``: neurarust's default CPU generator), so ``neurarust.manual_seed``
replays an epoch exactly while consecutive epochs differ. The streams differ
from PyTorch's: the same seed gives a different (equally random) order.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Sequence, Sized
from typing import Any, Generic, TypeVar

import numpy as np

from ..ops.creation import from_numpy
from ..random import Generator
from ..tensor import Tensor
from ._random import numpy_generator

__all__ = [
    "Sampler",
    "SequentialSampler",
    "RandomSampler",
    "SubsetRandomSampler",
    "WeightedRandomSampler",
    "BatchSampler",
    "ClassBalancedBatchSampler",
    "DistributedSampler",
    "HardExampleSampler",
]

T_co = TypeVar("T_co", covariant=True)


def _check_positive_int(owner: str, name: str, value: object) -> None:
    """Raise torch's ValueError unless ``value`` is an int > 0 (bools are refused)."""
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise ValueError(
            f"{owner}: {name} should be a positive integer value, but got {name}={value!r}"
        )


def _check_bool(owner: str, name: str, value: object, error: type[Exception]) -> None:
    """Raise ``error`` (torch's type for this argument) unless ``value`` is a bool."""
    if not isinstance(value, bool):
        raise error(f"{owner}: {name} should be a boolean value, but got {name}={value!r}")


def _as_1d(owner: str, name: str, values: Any, integer: bool) -> np.ndarray:
    """``values`` (list, array or Tensor) as a 1-D int64 or float64 NumPy array."""
    array = np.asarray(values)
    if array.ndim != 1:
        raise ValueError(
            f"{owner}: {name} should be a 1d sequence but given {name} have shape {array.shape}"
        )
    if not integer:
        return array.astype(np.float64, copy=False)
    if array.size and array.dtype.kind not in "iu":
        raise TypeError(f"{owner}: {name} should hold integers, but got dtype {array.dtype}")
    return array.astype(np.int64, copy=False)


def _normalized(owner: str, weights: np.ndarray, num_samples: int, replacement: bool) -> np.ndarray:
    """Check ``weights`` as torch.multinomial does and scale them to sum to one."""
    if not np.isfinite(weights).all() or (weights < 0).any():
        raise RuntimeError(f"{owner}: weights contain either `inf`, `nan` or element < 0")
    total = weights.sum()
    if total <= 0:
        raise RuntimeError(f"{owner}: invalid distribution (sum of weights <= 0)")
    available = np.count_nonzero(weights)
    if not replacement and num_samples > available:
        raise RuntimeError(
            f"{owner}: cannot draw num_samples={num_samples} without replacement from "
            f"{available} indices of non-zero weight"
        )
    return weights / total


def _draw(
    rng: np.random.Generator, probabilities: np.ndarray, num_samples: int, replacement: bool
) -> list[int]:
    """``num_samples`` indices drawn in proportion to ``probabilities``."""
    if replacement:
        return rng.choice(len(probabilities), size=num_samples, p=probabilities).tolist()
    # An exponential race: sorting E_i / p_i (E_i ~ Exp(1)) orders the indices as successive
    # draws without replacement would (what torch.multinomial does), in one vectorized step.
    with np.errstate(divide="ignore"):
        finish_times = rng.standard_exponential(len(probabilities)) / probabilities
    return np.argsort(finish_times, kind="stable")[:num_samples].tolist()


def _cycled_permutations(rng: np.random.Generator, values: np.ndarray, count: int) -> np.ndarray:
    """``count`` items: fresh shuffles of ``values`` one after another, the last cut short."""
    passes = -(-count // len(values))
    return np.concatenate([rng.permutation(values) for _ in range(passes)])[:count]


class Sampler(Generic[T_co]):
    """Base class of all samplers: an iterable over dataset indices (or batches of them).

    Subclasses implement ``__iter__`` and, when the length is known,
    ``__len__`` (the DataLoader's ``len`` uses it).

    Examples:
        >>> from neurarust.data import Sampler
        >>> class EvenFirst(Sampler[int]):
        ...     def __init__(self, n: int) -> None:
        ...         self.n = n
        ...     def __iter__(self):
        ...         return iter([*range(0, self.n, 2), *range(1, self.n, 2)])
        ...     def __len__(self) -> int:
        ...         return self.n
        >>> list(EvenFirst(5))
        [0, 2, 4, 1, 3]
    """

    def __iter__(self) -> Iterator[T_co]:
        raise NotImplementedError(f"{type(self).__name__} must implement __iter__")


class SequentialSampler(Sampler[int]):
    """Yields ``0, 1, ..., len(data_source) - 1`` in order.

    Args:
        data_source: anything with a ``len`` (usually the dataset).

    Examples:
        >>> from neurarust.data import SequentialSampler
        >>> list(SequentialSampler(range(4)))
        [0, 1, 2, 3]
    """

    def __init__(self, data_source: Sized) -> None:
        self.data_source = data_source

    def __iter__(self) -> Iterator[int]:
        return iter(range(len(self.data_source)))

    def __len__(self) -> int:
        return len(self.data_source)


class RandomSampler(Sampler[int]):
    """Yields the indices of ``data_source`` in a random order, new each epoch.

    Without replacement every index appears once per pass; when ``num_samples``
    exceeds the dataset length, whole fresh permutations follow one another
    (and the last one is cut short). With replacement, ``num_samples`` indices
    are drawn uniformly and independently.

    Args:
        data_source: anything with a ``len`` (usually the dataset).
        replacement: draw with replacement.
        num_samples: indices per epoch (default: ``len(data_source)``, read at
            each epoch so a growing dataset is followed).
        generator: the seed source of each epoch (default: neurarust's CPU generator).

    Examples:
        >>> import neurarust as nr
        >>> from neurarust.data import RandomSampler
        >>> g = nr.Generator().manual_seed(0)
        >>> sorted(RandomSampler(range(5), generator=g))
        [0, 1, 2, 3, 4]
        >>> len(RandomSampler(range(5), replacement=True, num_samples=12))
        12
    """

    def __init__(
        self,
        data_source: Sized,
        replacement: bool = False,
        num_samples: int | None = None,
        generator: Generator | None = None,
    ) -> None:
        self.data_source = data_source
        self.replacement = replacement
        self._num_samples = num_samples
        self.generator = generator
        _check_bool("RandomSampler", "replacement", replacement, TypeError)
        _check_positive_int("RandomSampler", "num_samples", self.num_samples)

    @property
    def num_samples(self) -> int:
        """Indices yielded per epoch."""
        if self._num_samples is None:
            return len(self.data_source)
        return self._num_samples

    def __iter__(self) -> Iterator[int]:
        n = len(self.data_source)
        if n == 0:
            raise ValueError("RandomSampler: cannot draw indices from an empty data_source")
        rng = numpy_generator(self.generator)
        if self.replacement:
            yield from rng.integers(0, n, self.num_samples).tolist()
        else:
            yield from _cycled_permutations(rng, np.arange(n), self.num_samples).tolist()

    def __len__(self) -> int:
        return self.num_samples


class SubsetRandomSampler(Sampler[int]):
    """Yields the given indices in a random order, new each epoch.

    Args:
        indices: the dataset indices to draw from (each yielded once per epoch).
        generator: the seed source of each epoch (default: neurarust's CPU generator).

    Examples:
        >>> import neurarust as nr
        >>> from neurarust.data import SubsetRandomSampler
        >>> sampler = SubsetRandomSampler([10, 20, 30], generator=nr.Generator().manual_seed(0))
        >>> sorted(sampler), len(sampler)
        ([10, 20, 30], 3)
    """

    def __init__(self, indices: Sequence[int], generator: Generator | None = None) -> None:
        self.indices = indices
        self.generator = generator

    def __iter__(self) -> Iterator[int]:
        rng = numpy_generator(self.generator)
        for position in rng.permutation(len(self.indices)).tolist():
            yield self.indices[position]

    def __len__(self) -> int:
        return len(self.indices)


class WeightedRandomSampler(Sampler[int]):
    """Yields ``num_samples`` indices ``i`` drawn with probability ``weights[i] / sum(weights)``.

    Without replacement no index comes twice; indices are drawn one after
    another in proportion to the weights of those not drawn yet (as
    ``torch.multinomial``).

    Args:
        weights: one non-negative weight per index (list, NumPy array or Tensor);
            they need not sum to one. Stored as the float64 Tensor ``self.weights``.
        num_samples: indices per epoch.
        replacement: draw with replacement.
        generator: the seed source of each epoch (default: neurarust's CPU generator).

    Raises:
        ValueError: for a bad ``num_samples``/``replacement`` or weights that are not 1-D.
        RuntimeError: for negative, infinite or NaN weights, weights summing to zero, or
            more samples without replacement than indices of non-zero weight (checked
            here and at every epoch; PyTorch checks only when iterating).

    Examples:
        >>> import neurarust as nr
        >>> from neurarust.data import WeightedRandomSampler
        >>> g = nr.Generator().manual_seed(0)
        >>> sorted(WeightedRandomSampler([0.0, 1.0, 5.0, 0.0], 2, replacement=False, generator=g))
        [1, 2]
    """

    def __init__(
        self,
        weights: Sequence[float] | np.ndarray | Tensor,
        num_samples: int,
        replacement: bool = True,
        generator: Generator | None = None,
    ) -> None:
        owner = "WeightedRandomSampler"
        _check_positive_int(owner, "num_samples", num_samples)
        _check_bool(owner, "replacement", replacement, ValueError)
        weights_array = _as_1d(owner, "weights", weights, integer=False)
        _normalized(owner, weights_array, num_samples, replacement)  # fail before training starts
        self.weights = from_numpy(weights_array)
        self.num_samples = num_samples
        self.replacement = replacement
        self.generator = generator

    def __iter__(self) -> Iterator[int]:
        weights = np.asarray(self.weights, dtype=np.float64)
        probabilities = _normalized(
            "WeightedRandomSampler", weights, self.num_samples, self.replacement
        )
        rng = numpy_generator(self.generator)
        yield from _draw(rng, probabilities, self.num_samples, self.replacement)

    def __len__(self) -> int:
        return self.num_samples


class BatchSampler(Sampler[list[int]]):
    """Groups the indices of another sampler into lists of ``batch_size``.

    Args:
        sampler: a sampler or any iterable of indices.
        batch_size: indices per batch.
        drop_last: drop the last batch when it holds fewer than ``batch_size``.

    Examples:
        >>> from neurarust.data import BatchSampler, SequentialSampler
        >>> list(BatchSampler(SequentialSampler(range(7)), batch_size=3, drop_last=False))
        [[0, 1, 2], [3, 4, 5], [6]]
        >>> len(BatchSampler(range(7), batch_size=3, drop_last=True))
        2
    """

    def __init__(
        self, sampler: Sampler[int] | Iterable[int], batch_size: int, drop_last: bool
    ) -> None:
        _check_positive_int("BatchSampler", "batch_size", batch_size)
        _check_bool("BatchSampler", "drop_last", drop_last, ValueError)
        self.sampler = sampler
        self.batch_size = batch_size
        self.drop_last = drop_last

    def __iter__(self) -> Iterator[list[int]]:
        batch: list[int] = []
        for index in self.sampler:
            batch.append(index)
            if len(batch) == self.batch_size:
                yield batch
                batch = []
        if batch and not self.drop_last:
            yield batch

    def __len__(self) -> int:
        n = len(self.sampler)  # type: ignore[arg-type]  # only samplers with a length have one
        if self.drop_last:
            return n // self.batch_size
        return -(-n // self.batch_size)


class ClassBalancedBatchSampler(Sampler[list[int]]):
    """Batches holding the same number of samples of each class they contain.

    Every batch holds ``classes_per_batch`` distinct classes (default: all of
    them) with ``samples_per_class = batch_size // classes_per_batch`` indices
    each. Each epoch reshuffles every class and cuts it into chunks of
    ``samples_per_class`` indices, the same number ``m`` of chunks per class:

    * ``oversample=False`` (default): ``m`` is the smallest ``n_c // samples_per_class``
      over the classes (``n_c``: the size of class ``c``). No index repeats within an
      epoch; larger classes leave some of their samples out, different ones each epoch.
    * ``oversample=True``: ``m`` is the largest ``ceil(n_c / samples_per_class)``.
      Smaller classes are recycled (a fresh shuffle per pass), so every sample is
      seen at least once per epoch.

    Each batch takes one chunk from each of the ``classes_per_batch`` classes with
    the most chunks left (ties broken at random), so over an epoch every class is
    in the same number of batches, give or take one. An epoch has
    ``m * num_classes // classes_per_batch`` batches (``len(sampler)``).

    Use it as ``DataLoader(dataset, batch_sampler=ClassBalancedBatchSampler(labels, 32))``.

    Args:
        labels: the class of every dataset index (sequence, NumPy array or Tensor of ints).
        batch_size: indices per batch; a multiple of ``classes_per_batch``.
        classes_per_batch: distinct classes per batch (default: every class).
        oversample: recycle smaller classes instead of leaving out part of the larger ones.
        generator: the seed source of each epoch (default: neurarust's CPU generator).

    Examples:
        >>> import neurarust as nr
        >>> from neurarust.data import ClassBalancedBatchSampler
        >>> labels = [0, 0, 0, 0, 1, 1, 2, 2, 2]
        >>> sampler = ClassBalancedBatchSampler(labels, batch_size=6, oversample=True,
        ...                                     generator=nr.Generator().manual_seed(0))
        >>> len(sampler)
        2
        >>> [sorted(labels[i] for i in batch) for batch in sampler]
        [[0, 0, 1, 1, 2, 2], [0, 0, 1, 1, 2, 2]]
    """

    def __init__(
        self,
        labels: Sequence[int] | np.ndarray | Tensor,
        batch_size: int,
        classes_per_batch: int | None = None,
        oversample: bool = False,
        generator: Generator | None = None,
    ) -> None:
        owner = "ClassBalancedBatchSampler"
        label_array = _as_1d(owner, "labels", labels, integer=True)
        if label_array.size == 0:
            raise ValueError(f"{owner}: labels should not be empty")
        classes, class_of_index = np.unique(label_array, return_inverse=True)
        num_classes = len(classes)
        if classes_per_batch is None:
            classes_per_batch = num_classes
        _check_positive_int(owner, "batch_size", batch_size)
        _check_positive_int(owner, "classes_per_batch", classes_per_batch)
        _check_bool(owner, "oversample", oversample, ValueError)
        if classes_per_batch > num_classes:
            raise ValueError(
                f"{owner}: classes_per_batch={classes_per_batch} exceeds the {num_classes} "
                "classes in labels"
            )
        if batch_size % classes_per_batch:
            raise ValueError(
                f"{owner}: batch_size should be a multiple of classes_per_batch, but got "
                f"batch_size={batch_size} and classes_per_batch={classes_per_batch}"
            )
        self.samples_per_class = batch_size // classes_per_batch
        self._members = [np.flatnonzero(class_of_index == c) for c in range(num_classes)]
        sizes = np.array([len(members) for members in self._members])
        if not oversample and sizes.min() < self.samples_per_class:
            smallest = int(sizes.argmin())
            raise ValueError(
                f"{owner}: class {classes[smallest]} has {sizes[smallest]} samples, fewer than "
                f"samples_per_class={self.samples_per_class}; pass oversample=True to recycle it"
            )
        if oversample:
            self._chunks_per_class = int((-(-sizes // self.samples_per_class)).max())
        else:
            self._chunks_per_class = int((sizes // self.samples_per_class).min())
        self.classes = classes
        self.batch_size = batch_size
        self.classes_per_batch = classes_per_batch
        self.oversample = oversample
        self.generator = generator

    def __iter__(self) -> Iterator[list[int]]:
        rng = numpy_generator(self.generator)
        m, size = self._chunks_per_class, self.samples_per_class
        chunks = [
            _cycled_permutations(rng, members, m * size).reshape(m, size)
            for members in self._members
        ]
        remaining = np.full(len(chunks), m)
        for _ in range(len(self)):
            # Taking the classes with the most chunks left keeps the counts within one of
            # each other, so the epoch never runs short of distinct classes.
            priority = remaining + rng.random(len(remaining))
            chosen = np.argsort(-priority)[: self.classes_per_batch]
            yield np.concatenate([chunks[c][m - remaining[c]] for c in chosen]).tolist()
            remaining[chosen] -= 1

    def __len__(self) -> int:
        return self._chunks_per_class * len(self._members) // self.classes_per_batch


def _launcher_world() -> tuple[int, int]:
    """(world size, rank) from the launcher's environment, else (1, 0).

    Reads torchrun's WORLD_SIZE/RANK, Open MPI's OMPI_COMM_WORLD_SIZE/OMPI_COMM_WORLD_RANK
    and MPICH's PMI_SIZE/PMI_RANK.
    """
    for size_name, rank_name in (
        ("WORLD_SIZE", "RANK"),
        ("OMPI_COMM_WORLD_SIZE", "OMPI_COMM_WORLD_RANK"),
        ("PMI_SIZE", "PMI_RANK"),
    ):
        size, rank = os.environ.get(size_name), os.environ.get(rank_name)
        if size is not None and rank is not None:
            try:
                return int(size), int(rank)
            except ValueError:
                raise ValueError(
                    f"DistributedSampler: environment variables {size_name}={size!r} and "
                    f"{rank_name}={rank!r} should be integers"
                ) from None
    return 1, 0


class DistributedSampler(Sampler[int]):
    """Yields the share of the dataset's indices that belongs to one process (replica).

    The indices (shuffled by ``(seed, epoch)``, the same order on every rank) are
    padded by repeating from the start until they divide evenly among the
    replicas, or with ``drop_last=True`` cut to the largest multiple; replica
    ``rank`` takes every ``num_replicas``-th index starting at ``rank``. Call
    :meth:`set_epoch` before each epoch so the shuffle changes.

    Args:
        dataset: anything with a ``len``.
        num_replicas: the number of processes (default: from the launcher's environment,
            ``WORLD_SIZE``, ``OMPI_COMM_WORLD_SIZE`` or ``PMI_SIZE``; else 1).
        rank: this process's rank in ``[0, num_replicas)`` (default: ``RANK``,
            ``OMPI_COMM_WORLD_RANK`` or ``PMI_RANK``; else 0).
        shuffle: shuffle the indices.
        seed: the shuffle seed; must be the same on every replica.
        drop_last: cut the tail instead of padding.

    Attributes:
        num_samples: indices per replica (``len(sampler)``).
        total_size: ``num_samples * num_replicas``.

    Examples:
        >>> from neurarust.data import DistributedSampler
        >>> [list(DistributedSampler(range(5), num_replicas=2, rank=r, shuffle=False))
        ...  for r in (0, 1)]
        [[0, 2, 4], [1, 3, 0]]
    """

    def __init__(
        self,
        dataset: Sized,
        num_replicas: int | None = None,
        rank: int | None = None,
        shuffle: bool = True,
        seed: int = 0,
        drop_last: bool = False,
    ) -> None:
        if num_replicas is None or rank is None:
            world_size, world_rank = _launcher_world()
            num_replicas = world_size if num_replicas is None else num_replicas
            rank = world_rank if rank is None else rank
        if rank >= num_replicas or rank < 0:
            raise ValueError(
                f"DistributedSampler: Invalid rank {rank}, rank should be in the interval "
                f"[0, {num_replicas - 1}]"
            )
        self.dataset = dataset
        self.num_replicas = num_replicas
        self.rank = rank
        self.epoch = 0
        self.drop_last = drop_last
        self.shuffle = shuffle
        self.seed = seed
        if drop_last:
            self.num_samples = len(dataset) // num_replicas
        else:
            self.num_samples = -(-len(dataset) // num_replicas)
        self.total_size = self.num_samples * num_replicas

    def __iter__(self) -> Iterator[int]:
        n = len(self.dataset)
        if self.shuffle:
            # SeedSequence takes non-negative entropy only
            rng = np.random.default_rng([self.seed % 2**64, self.epoch % 2**64])
            order = rng.permutation(n)
        else:
            order = np.arange(n)
        # np.resize repeats the order from its start to pad, or cuts it (drop_last)
        order = np.resize(order, self.total_size)
        return iter(order[self.rank : self.total_size : self.num_replicas].tolist())

    def __len__(self) -> int:
        return self.num_samples

    def set_epoch(self, epoch: int) -> None:
        """Set the epoch that seeds the next shuffle (call it before every epoch).

        Args:
            epoch: the epoch number; the same on every replica.
        """
        self.epoch = epoch


class HardExampleSampler(Sampler[int]):
    """Draws the samples the model finds hard more often, driven by reported losses.

    The training loop reports per-sample losses with :meth:`update`; the sampler
    keeps an exponential moving average ``s_i`` of each sample's loss
    (``s_i <- momentum * s_i + (1 - momentum) * loss``, the first report taken
    as it is) and draws each epoch with probability

        ``p_i = (1 - uniform_mix) * s_i / sum(s) + uniform_mix / n``

    The uniform part keeps easy samples from starving. Samples not reported yet
    count as the hardest reported one, so they get drawn and measured early;
    before any report the draw is uniform. The probabilities are fixed when an
    epoch starts: reports made during an epoch shape the next one.

    The loop must know each sample's dataset index. The simplest way is an
    index column in the dataset, e.g. ``TensorDataset(x, y, nr.arange(len(y)))``::

        sampler = HardExampleSampler(dataset)
        loader = DataLoader(dataset, batch_size=64, sampler=sampler)
        for epoch in range(10):
            for x, y, index in loader:
                losses = F.cross_entropy(model(x), y, reduction="none")
                sampler.update(index, losses)
                optimizer.zero_grad()
                losses.mean().backward()
                optimizer.step()

    Args:
        data_source: the dataset (its length is fixed when the sampler is made).
        num_samples: indices per epoch (default: ``len(data_source)``).
        replacement: draw with replacement.
        momentum: weight of the old average in each update, in ``[0, 1)``.
        uniform_mix: share of the uniform distribution in ``p``, in ``[0, 1]``.
        generator: the seed source of each epoch (default: neurarust's CPU generator).

    Attributes:
        smoothed_losses: NumPy float64 array of shape ``(len(data_source),)``, the
            averages ``s_i``; NaN where no loss was reported yet.

    Examples:
        >>> import neurarust as nr
        >>> from neurarust.data import HardExampleSampler
        >>> sampler = HardExampleSampler(range(4), generator=nr.Generator().manual_seed(0))
        >>> sampler.update([0, 1, 2, 3], [0.0, 0.0, 0.0, 3.0])
        >>> sampler.probabilities().round(3).tolist()
        [0.025, 0.025, 0.025, 0.925]
        >>> len(list(sampler))
        4
    """

    def __init__(
        self,
        data_source: Sized,
        num_samples: int | None = None,
        replacement: bool = True,
        momentum: float = 0.9,
        uniform_mix: float = 0.1,
        generator: Generator | None = None,
    ) -> None:
        owner = "HardExampleSampler"
        self.data_source = data_source
        self.num_samples = len(data_source) if num_samples is None else num_samples
        _check_positive_int(owner, "num_samples", self.num_samples)
        _check_bool(owner, "replacement", replacement, ValueError)
        if not 0 <= momentum < 1:
            raise ValueError(f"{owner}: momentum should be in [0, 1), but got momentum={momentum}")
        if not 0 <= uniform_mix <= 1:
            raise ValueError(
                f"{owner}: uniform_mix should be in [0, 1], but got uniform_mix={uniform_mix}"
            )
        self.replacement = replacement
        self.momentum = momentum
        self.uniform_mix = uniform_mix
        self.generator = generator
        self.smoothed_losses = np.full(len(data_source), np.nan)

    def update(
        self,
        indices: Sequence[int] | np.ndarray | Tensor,
        losses: Sequence[float] | np.ndarray | Tensor,
    ) -> None:
        """Report the losses of the samples at ``indices`` (from one batch, say).

        Args:
            indices: dataset indices, shape ``(B,)`` (list, NumPy array or Tensor of ints).
            losses: their non-negative losses, shape ``(B,)``, e.g.
                ``F.cross_entropy(logits, y, reduction="none")`` (no need to detach).
                An index given twice keeps its last loss.
        """
        owner = "HardExampleSampler.update"
        index_array = _as_1d(owner, "indices", indices, integer=True)
        loss_array = _as_1d(owner, "losses", losses, integer=False)
        if len(index_array) != len(loss_array):
            raise ValueError(
                f"{owner}: got {len(index_array)} indices but {len(loss_array)} losses"
            )
        if not np.isfinite(loss_array).all() or (loss_array < 0).any():
            raise ValueError(
                f"{owner}: losses should be finite and non-negative, but got {loss_array}"
            )
        n = len(self.smoothed_losses)
        outside = index_array[(index_array < 0) | (index_array >= n)]
        if outside.size:
            raise IndexError(
                f"{owner}: index {outside[0]} is out of range for a data_source of length {n}"
            )
        previous = self.smoothed_losses[index_array]
        blended = self.momentum * previous + (1 - self.momentum) * loss_array
        self.smoothed_losses[index_array] = np.where(np.isnan(previous), loss_array, blended)

    def probabilities(self) -> np.ndarray:
        """The probability of drawing each index in the next epoch.

        Returns:
            NumPy float64 array of shape ``(len(data_source),)`` summing to one.
        """
        n = len(self.smoothed_losses)
        scores = self.smoothed_losses.copy()
        seen = ~np.isnan(scores)
        scores[~seen] = scores[seen].max() if seen.any() else 1.0
        total = scores.sum()
        hard = scores / total if total > 0 else np.full(n, 1 / n)
        return (1 - self.uniform_mix) * hard + self.uniform_mix / n

    def __iter__(self) -> Iterator[int]:
        probabilities = _normalized(
            "HardExampleSampler", self.probabilities(), self.num_samples, self.replacement
        )
        rng = numpy_generator(self.generator)
        yield from _draw(rng, probabilities, self.num_samples, self.replacement)

    def __len__(self) -> int:
        return self.num_samples
