"""The DataLoader: batches of a dataset, built in this thread or by workers.

``DataLoader`` takes PyTorch's arguments and gives PyTorch's batches. What
differs is how workers run: ``num_workers > 0`` starts **threads** unless a
``multiprocessing_context`` asks for processes (see :class:`DataLoader`).

Each epoch (each ``iter(loader)``) draws a ``base_seed`` from ``generator``;
batch ``b`` is built inside the random stream ``seeded((base_seed, b))``
(:func:`neurarust.data.rng` returns it), whoever builds it. So a seeded loader
gives the same batches, augmentations included, for any ``num_workers``.
The sampler runs only in the main thread; workers receive indices.
"""

from __future__ import annotations

import itertools
import math
import os
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

from ..random import Generator
from ._random import draw_seed
from ._worker import _Exhausted, _Failure, _WorkerPool, _WorkerSpec
from .collate import default_collate, default_convert
from .dataset import IterableDataset
from .progress import progress as _progress_bar
from .sampler import BatchSampler, RandomSampler, Sampler, SequentialSampler

if TYPE_CHECKING:
    from multiprocessing.context import BaseContext

__all__ = ["DataLoader"]


class _InfiniteConstantSampler(Sampler[None]):
    """The sampler of an IterableDataset: ``None`` forever (the dataset decides when to stop)."""

    def __iter__(self) -> Iterator[None]:
        return itertools.repeat(None)


def _start_method_context(context: Any, num_workers: int) -> BaseContext | None:
    """Validate ``multiprocessing_context`` as PyTorch does; a start method name -> its context."""
    if context is None:
        return None
    import multiprocessing  # only process workers need it; keeps "import neurarust" fast
    from multiprocessing.context import BaseContext

    if num_workers == 0:
        raise ValueError(
            "multiprocessing_context can only be used with multi-process loading "
            f"(num_workers > 0), but got num_workers={num_workers}"
        )
    if isinstance(context, str):
        methods = multiprocessing.get_all_start_methods()
        if context not in methods:
            raise ValueError(
                f"multiprocessing_context option should specify a valid start method in "
                f"{methods!r}, but got multiprocessing_context={context!r}"
            )
        context = multiprocessing.get_context(context)
    if not isinstance(context, BaseContext):
        raise TypeError(
            "multiprocessing_context option should be a valid context object or a string "
            f"specifying the start method, but got multiprocessing_context={context}"
        )
    return context


class DataLoader:
    """Iterate over a dataset in batches, optionally shuffled, with parallel workers.

    The arguments, defaults and batches are PyTorch's
    (``torch.utils.data.DataLoader``). ``len(loader)`` is the number of batches.

    **Workers.** ``num_workers=0`` builds every batch in the calling thread.
    ``num_workers > 0`` with ``multiprocessing_context=None`` starts that many
    **threads**: they start instantly and need no pickling, and run in parallel
    where the work releases the GIL (NumPy on large arrays, PIL decoding, file
    reads). For Python-heavy per-sample code use processes:
    ``multiprocessing_context="fork"`` (Linux), ``"spawn"`` or
    ``"forkserver"`` (the dataset, ``collate_fn`` and ``worker_init_fn`` must
    then be picklable, and scripts need the ``if __name__ == "__main__":``
    guard). Either way every worker has a task queue, ``prefetch_factor``
    batches per worker are in flight, and batches come back in sampler order.

    Process workers seed Python's ``random``, NumPy's legacy global generator
    and neurarust with :attr:`WorkerInfo.seed`, run Numba single-threaded, and
    call ``worker_init_fn(worker_id)`` once; thread workers call
    ``worker_init_fn`` too. :func:`~neurarust.data.get_worker_info` tells
    dataset code which worker runs it.

    **Failures.** An exception in a worker is raised again here with the
    same type (RuntimeError when the type cannot be rebuilt) and the worker's
    traceback in the message. A worker process that dies raises RuntimeError
    with its pid and exit code within about a second; ``timeout > 0`` raises
    RuntimeError when no batch comes for that long. Workers stop at the end of
    each epoch (unless ``persistent_workers``), on an error, when an
    unfinished iterator is dropped, and at interpreter exit. A thread stuck
    inside user code cannot be stopped: worker threads are daemons, so they
    never keep the interpreter alive.

    Args:
        dataset: a map-style ``Dataset`` (anything with ``__getitem__``, and
            ``__len__`` for the default samplers) or an ``IterableDataset``.
        batch_size: samples per batch; None turns automatic batching off (each
            sample goes through ``collate_fn``, default :func:`default_convert`).
        shuffle: a new random order every epoch (a ``RandomSampler`` drawing from ``generator``).
        sampler: the indices to load, in order (excludes ``shuffle``).
        batch_sampler: yields whole lists of indices (excludes ``batch_size``,
            ``shuffle``, ``sampler`` and ``drop_last``).
        num_workers: 0 loads in the calling thread; more starts workers.
        collate_fn: merges a list of samples into a batch (default
            :func:`default_collate`).
        pin_memory: accepted for compatibility; does nothing (CPU arrays need no pinning).
        drop_last: drop the last batch when it is smaller than ``batch_size``.
        timeout: seconds to wait for a batch from the workers (0: forever).
        worker_init_fn: called as ``worker_init_fn(worker_id)`` in each worker at start.
        multiprocessing_context: None for thread workers, or a start method
            name / ``multiprocessing`` context for process workers.
        generator: the seed source of shuffling and of the per-batch random
            streams (default: neurarust's CPU generator, so
            ``neurarust.manual_seed`` makes every epoch reproducible).
        prefetch_factor: batches in flight per worker (default 2 with workers).
        persistent_workers: keep the workers between epochs (stopped when the loader goes).
        pin_memory_device: accepted for compatibility; does nothing.
        in_order: yield batches in sampler order; False yields each batch as
            soon as a worker has built it.
        progress: show a tqdm progress bar over each epoch (needs ``tqdm``).

    Iterating yields the batches: the output of ``collate_fn``; with the defaults,
    tensors with a leading batch dimension inside the structure of one sample.

    Examples:
        >>> import neurarust as nr
        >>> from neurarust.data import DataLoader, TensorDataset
        >>> data = TensorDataset(nr.arange(10).float(), nr.arange(10) % 2)
        >>> loader = DataLoader(data, batch_size=4)
        >>> len(loader)
        3
        >>> x, y = next(iter(loader))
        >>> x, y
        (tensor([0., 1., 2., 3.]), tensor([0, 1, 0, 1]))
        >>> [len(y) for _, y in DataLoader(data, batch_size=4, num_workers=2)]
        [4, 4, 2]
    """

    _FIXED_AFTER_INIT = (
        "batch_size",
        "batch_sampler",
        "sampler",
        "drop_last",
        "dataset",
        "persistent_workers",
    )

    def __init__(
        self,
        dataset: Any,
        batch_size: int | None = 1,
        shuffle: bool | None = None,
        sampler: Sampler[Any] | Iterable[Any] | None = None,
        batch_sampler: Sampler[list[Any]] | Iterable[list[Any]] | None = None,
        num_workers: int = 0,
        collate_fn: Callable[[Any], Any] | None = None,
        pin_memory: bool = False,
        drop_last: bool = False,
        timeout: float = 0,
        worker_init_fn: Callable[[int], None] | None = None,
        multiprocessing_context: BaseContext | str | None = None,
        generator: Generator | None = None,
        *,
        prefetch_factor: int | None = None,
        persistent_workers: bool = False,
        pin_memory_device: str = "",
        in_order: bool = True,
        progress: bool = False,
    ) -> None:
        prefetch_factor = self._check_workers(num_workers, timeout, prefetch_factor)
        if persistent_workers and num_workers == 0:
            raise ValueError("persistent_workers option needs num_workers > 0")
        context = _start_method_context(multiprocessing_context, num_workers)
        iterable = isinstance(dataset, IterableDataset)
        if iterable:
            self._check_iterable_options(shuffle, sampler, batch_sampler)
            sampler = _InfiniteConstantSampler()
        if sampler is not None and shuffle:
            raise ValueError("sampler option is mutually exclusive with shuffle")
        if batch_sampler is not None:
            if batch_size != 1 or shuffle or sampler is not None or drop_last:
                raise ValueError(
                    "batch_sampler option is mutually exclusive with batch_size, shuffle, "
                    "sampler, and drop_last"
                )
            batch_size, drop_last = None, False
        elif batch_size is None and drop_last:
            raise ValueError(
                "batch_size=None option disables auto-batching and is mutually exclusive "
                "with drop_last"
            )
        if sampler is None and shuffle:
            sampler = RandomSampler(dataset, generator=generator)
        elif sampler is None:
            sampler = SequentialSampler(dataset)
        if batch_size is not None and batch_sampler is None:
            batch_sampler = BatchSampler(sampler, batch_size, drop_last)

        self.dataset = dataset
        self.batch_size = batch_size
        self.drop_last = drop_last
        self.sampler = sampler
        self.batch_sampler = batch_sampler
        self.num_workers = num_workers
        self.collate_fn = collate_fn or (
            default_collate if batch_sampler is not None else default_convert
        )
        self.pin_memory = pin_memory
        self.pin_memory_device = pin_memory_device
        self.timeout = timeout
        self.worker_init_fn = worker_init_fn
        self.multiprocessing_context = context
        self.generator = generator
        self.prefetch_factor = prefetch_factor
        self.persistent_workers = persistent_workers
        self.in_order = in_order
        self.progress = progress
        self._is_iterable = iterable
        self._pool: _WorkerPool | None = None  # kept between epochs with persistent_workers
        self._initialized = True

    @staticmethod
    def _check_workers(num_workers: int, timeout: float, prefetch_factor: int | None) -> int | None:
        """Validate the worker options as PyTorch does; returns the prefetch factor to use."""
        if num_workers < 0:
            raise ValueError(
                "num_workers option should be non-negative; use num_workers=0 to disable "
                "multiprocessing."
            )
        if timeout < 0:
            raise ValueError("timeout option should be non-negative")
        if num_workers == 0:
            if prefetch_factor is not None:
                raise ValueError(
                    "prefetch_factor option could only be specified in multiprocessing."
                    "let num_workers > 0 to enable multiprocessing, otherwise set "
                    "prefetch_factor to None."
                )
            return None
        if prefetch_factor is None:
            return 2
        if prefetch_factor < 0:
            raise ValueError("prefetch_factor option should be non-negative")
        if prefetch_factor == 0:  # PyTorch fails later, on an assert
            raise ValueError(
                "prefetch_factor option should be at least 1 with workers (batches in flight "
                "per worker), but got prefetch_factor=0"
            )
        return prefetch_factor

    @staticmethod
    def _check_iterable_options(shuffle: bool | None, sampler: Any, batch_sampler: Any) -> None:
        """An IterableDataset decides its own order: no shuffle, sampler or batch_sampler."""
        if shuffle not in (False, None):
            raise ValueError(
                "DataLoader with IterableDataset: expected unspecified shuffle option, "
                f"but got shuffle={shuffle}"
            )
        if sampler is not None:
            raise ValueError(
                "DataLoader with IterableDataset: expected unspecified sampler option, "
                f"but got sampler={sampler}"
            )
        if batch_sampler is not None:
            raise ValueError(
                "DataLoader with IterableDataset: expected unspecified batch_sampler option, "
                f"but got batch_sampler={batch_sampler}"
            )

    def __setattr__(self, name: str, value: Any) -> None:
        if name in self._FIXED_AFTER_INIT and getattr(self, "_initialized", False):
            raise ValueError(
                f"{name} attribute should not be set after {type(self).__name__} is initialized"
            )
        super().__setattr__(name, value)

    @property
    def _auto_collation(self) -> bool:
        return self.batch_sampler is not None

    @property
    def _index_sampler(self) -> Any:
        """What is iterated for one task per step: lists of indices, or single indices."""
        return self.batch_sampler if self._auto_collation else self.sampler

    def __len__(self) -> int:
        """The number of batches per epoch (for an IterableDataset, from ``len(dataset)``)."""
        if not self._is_iterable:
            return len(self._index_sampler)
        length = len(self.dataset)
        if self.batch_size is None:
            return length
        if self.drop_last:
            return length // self.batch_size
        return math.ceil(length / self.batch_size)

    def __iter__(self) -> Iterator[Any]:
        base_seed = draw_seed(self.generator)
        tasks = iter(self._index_sampler)
        batches: Iterator[Any]
        if self.num_workers == 0:
            batches = _batches_in_this_thread(self._spec(base_seed), base_seed, tasks)
        else:
            batches = _WorkerEpoch(self, self._workers(base_seed), base_seed, tasks)
        if not self.progress:
            return batches
        try:
            total: int | None = len(self)
        except TypeError:  # an IterableDataset without __len__
            total = None
        return iter(_progress_bar(batches, total=total))

    def _spec(self, base_seed: int) -> _WorkerSpec:
        return _WorkerSpec(
            dataset=self.dataset,
            iterable=self._is_iterable,
            auto_collation=self._auto_collation,
            collate_fn=self.collate_fn,
            drop_last=self.drop_last,
            worker_init_fn=self.worker_init_fn,
            num_workers=self.num_workers,
            base_seed=base_seed,
            parent_pid=None if self.multiprocessing_context is None else os.getpid(),
        )

    def _workers(self, base_seed: int) -> _WorkerPool:
        """The kept pool of persistent workers, or a new pool."""
        pool = self._pool
        if pool is None or pool.closed:
            pool = _WorkerPool(self._spec(base_seed), self.multiprocessing_context)
            if self.persistent_workers:
                self._pool = pool
        return pool


def _batches_in_this_thread(
    spec: _WorkerSpec, base_seed: int, tasks: Iterator[Any]
) -> Iterator[Any]:
    """One epoch with ``num_workers=0``: each batch is built when it is asked for."""
    fetcher = spec.fetcher(spec.dataset, base_seed, worker_id=0)
    for task_id, payload in enumerate(tasks):
        batch = fetcher.fetch(task_id, payload)
        if isinstance(batch, _Exhausted):
            return
        yield batch


class _WorkerEpoch:
    """One epoch of batches built by a worker pool, yielded in sampler order.

    Task ``t`` goes to the workers in turn (skipping those whose
    IterableDataset has ended); at most ``prefetch_factor * num_workers`` tasks
    are unanswered at a time, and answers that arrive early wait in ``ready``.
    """

    def __init__(
        self, loader: DataLoader, pool: _WorkerPool, base_seed: int, tasks: Iterator[Any]
    ) -> None:
        self._pool = pool
        self._persistent = loader.persistent_workers
        self._timeout = loader.timeout
        self._in_order = loader.in_order
        self._epoch = pool.begin_epoch(base_seed)
        self._tasks = enumerate(tasks)
        self._turns = itertools.cycle(range(loader.num_workers))
        self._ended: set[int] = set()  # workers whose IterableDataset copy has ended
        self._ready: dict[int, tuple[int, Any]] = {}  # task id -> (worker id, answer)
        self._sent = 0
        self._taken = 0  # answers taken; with in_order also the next task id to yield
        try:
            for _ in range(loader.num_workers * (loader.prefetch_factor or 1)):
                self._send_task()
        except BaseException:
            self._pool.shutdown()
            raise

    def __iter__(self) -> _WorkerEpoch:
        return self

    def __next__(self) -> Any:
        if self._pool.closed:
            raise StopIteration
        if self._pool.epoch != self._epoch:
            raise RuntimeError(
                "DataLoader: this iterator was replaced by a newer iter(loader); with "
                "persistent_workers=True only the newest iterator of a loader runs"
            )
        try:
            while self._taken < self._sent:
                worker_id, answer = self._take_answer()
                self._send_task()
                if isinstance(answer, _Exhausted):
                    self._ended.add(worker_id)
                elif isinstance(answer, _Failure):
                    raise answer.exception()
                else:
                    return answer
        except Exception:
            self._pool.shutdown()
            raise
        if not self._persistent:
            self._pool.shutdown()
        raise StopIteration

    def _send_task(self) -> None:
        """Give the next task to the next worker in turn, if there is a task and a worker."""
        if len(self._ended) == len(self._pool.workers):
            return
        task = next(self._tasks, None)
        if task is None:
            return
        worker_id = next(w for w in self._turns if w not in self._ended)
        self._pool.send(worker_id, task)
        self._sent += 1

    def _take_answer(self) -> tuple[int, Any]:
        if self._in_order:
            while self._taken not in self._ready:
                self._store(self._pool.receive(self._timeout))
            answer = self._ready.pop(self._taken)
        else:
            while not self._ready:
                self._store(self._pool.receive(self._timeout))
            answer = self._ready.pop(next(iter(self._ready)))
        self._taken += 1
        return answer

    def _store(self, message: tuple[int, int, int, Any]) -> None:
        epoch, task_id, worker_id, answer = message
        if epoch == self._epoch:  # persistent workers may still answer an abandoned epoch
            self._ready[task_id] = (worker_id, answer)
