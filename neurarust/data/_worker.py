"""DataLoader workers: what runs inside them, and the pool that starts and stops them.

One design serves threads and processes. Every worker has its own task queue;
all of them answer on one shared result queue::

    main:   sampler -> (task id, indices) --task queue w--> worker w
    worker: dataset[indices] -> collate_fn -> (epoch, task id, w, batch) --results--> main

The main side (``dataloader.py``) keeps a few tasks in flight and puts the
answers back in task order. A worker builds batch ``b`` of an epoch inside
``seeded((base_seed, b))``, so random augmentations do not depend on which
worker builds which batch. The epoch's ``base_seed`` reaches the workers in an
``_Epoch`` message, which also restarts an ``IterableDataset`` (persistent
workers live through many epochs).

A worker answers every task: with the batch, with ``_Exhausted`` when its
copy of an ``IterableDataset`` has ended, or with a ``_Failure`` carrying an
exception's type and traceback text. Workers stop on a stop event or a
``None`` sentinel; process workers also stop when the main process is gone.
"""

from __future__ import annotations

import copy
import itertools
import os
import pickle
import queue
import random
import signal
import sys
import threading
import time
import traceback
import weakref
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

import numpy as np

from ._random import seeded, using
from .dataset import fetch_many

if TYPE_CHECKING:
    from multiprocessing.context import BaseContext

__all__ = ["WorkerInfo", "get_worker_info", "split_by_worker"]

T = TypeVar("T")

# How often a blocked worker or main thread wakes up to check that the other
# side is still alive. Only waits longer than this pay it; a ready batch is taken at once.
_POLL_INTERVAL = 0.25
# How long shutdown waits for the workers to finish before terminating processes
# (a thread stuck in user code cannot be stopped; it is a daemon and is left behind).
_JOIN_TIMEOUT = 5.0

_local = threading.local()  # the WorkerInfo of the worker running in this thread


class WorkerInfo(NamedTuple):
    """What a DataLoader worker knows about itself (from :func:`get_worker_info`); read-only.

    Attributes:
        id: this worker's number, ``0 <= id < num_workers``.
        num_workers: how many workers the loader runs.
        seed: ``base_seed + id`` of the epoch the worker started in (process
            workers seed Python's ``random``, NumPy's legacy global generator
            and neurarust with it).
        dataset: the worker's dataset object (its own copy for an ``IterableDataset``).

    Examples:
        >>> from neurarust.data import WorkerInfo
        >>> info = WorkerInfo(id=1, num_workers=4, seed=8, dataset=None)
        >>> list(range(10))[info.id :: info.num_workers]
        [1, 5, 9]
    """

    id: int
    num_workers: int
    seed: int
    dataset: Any


def get_worker_info() -> WorkerInfo | None:
    """The :class:`WorkerInfo` of the DataLoader worker calling it; None outside workers.

    Call it inside ``IterableDataset.__iter__`` (or ``worker_init_fn``) to give
    each worker its own share of a stream; :func:`split_by_worker` does the
    common case.

    Returns:
        The calling worker's info (thread workers each see their own), or None
        in the main thread and in a loader with ``num_workers=0``.

    Examples:
        >>> from neurarust.data import get_worker_info
        >>> get_worker_info() is None
        True
    """
    info: WorkerInfo | None = getattr(_local, "info", None)
    return info


def split_by_worker(iterable: Iterable[T]) -> Iterator[T]:
    """The items of ``iterable`` that belong to the calling DataLoader worker.

    With ``n`` workers, worker ``w`` keeps items ``w, w + n, w + 2n, ...``, so
    together the workers see every item once instead of each seeing all of
    them. Outside a worker every item is kept. Call it inside ``__iter__`` of an
    ``IterableDataset`` (it reads :func:`get_worker_info` when called).

    Args:
        iterable: any iterable (it is read from the start in every worker).

    Returns:
        An iterator over this worker's items, in their original order.

    Examples:
        >>> from neurarust.data import DataLoader, IterableDataset, split_by_worker
        >>> class Stream(IterableDataset):
        ...     def __iter__(self):
        ...         return split_by_worker(range(6))
        >>> [b.tolist() for b in DataLoader(Stream(), batch_size=3, num_workers=2)]
        [[0, 2, 4], [1, 3, 5]]
    """
    info = get_worker_info()
    if info is None:
        return iter(iterable)
    return itertools.islice(iterable, info.id, None, info.num_workers)


class _Exhausted:
    """A worker's answer once its copy of an IterableDataset has ended."""


class _KeyErrorMessage(str):
    """A message that KeyError prints as it is (KeyError shows the repr of its argument)."""

    def __repr__(self) -> str:
        return str(self)


class _Failure:
    """An exception raised in a worker, carried as its type and formatted traceback."""

    def __init__(self, exc_type: type[BaseException], message: str) -> None:
        self.exc_type = exc_type
        self.message = message

    @classmethod
    def caught(cls, worker_id: int, error: BaseException) -> _Failure:
        trace = "".join(traceback.format_exception(type(error), error, error.__traceback__))
        name = type(error).__name__
        return cls(
            type(error), f"Caught {name} in DataLoader worker {worker_id}.\nOriginal {trace}"
        )

    def exception(self) -> BaseException:
        """The exception to raise in the main process: same type, or RuntimeError."""
        message = _KeyErrorMessage(self.message) if self.exc_type is KeyError else self.message
        try:
            return self.exc_type(message)
        except Exception:  # a type whose constructor does not take a single message
            return RuntimeError(self.message)


class _WorkerSpec(NamedTuple):
    """Everything a worker needs to build batches (picklable for process workers).

    ``parent_pid`` is the main process's pid for process workers (they exit
    when it is gone) and None for thread workers and the main thread.
    """

    dataset: Any
    iterable: bool
    auto_collation: bool
    collate_fn: Callable[[Any], Any]
    drop_last: bool
    worker_init_fn: Callable[[int], None] | None
    num_workers: int
    base_seed: int
    parent_pid: int | None

    def fetcher(self, dataset: Any, base_seed: int, worker_id: int) -> _Fetcher:
        """The batch builder of one epoch in worker ``worker_id`` (0 in the main thread)."""
        if self.iterable:
            return _IterableFetcher(self, dataset, base_seed, worker_id)
        return _MapFetcher(self, dataset, base_seed)


class _MapFetcher:
    """Builds batch ``task_id`` of a map-style dataset from its indices."""

    def __init__(self, spec: _WorkerSpec, dataset: Any, base_seed: int) -> None:
        self.spec = spec
        self.dataset = dataset
        self.base_seed = base_seed

    def fetch(self, task_id: int, index: Any) -> Any:
        with seeded((self.base_seed, task_id)):
            if not self.spec.auto_collation:
                return self.spec.collate_fn(self.dataset[index])
            return self.spec.collate_fn(fetch_many(self.dataset, index))


class _IterableFetcher:
    """Builds the next batch from one worker's iterator over an IterableDataset."""

    def __init__(self, spec: _WorkerSpec, dataset: Any, base_seed: int, worker_id: int) -> None:
        self.spec = spec
        self.dataset = dataset
        with seeded((base_seed, worker_id)) as stream:
            self.stream = stream  # kept for the whole epoch (made current around each step)
        self.iterator: Iterator[Any] | None = None
        self.ended = False

    def fetch(self, task_id: int, slots: Any) -> Any:
        """The next batch; ``slots`` is ``[None] * batch_size``, or None for single samples."""
        if self.ended:
            return _Exhausted()
        with using(self.stream):
            if self.iterator is None:
                self.iterator = iter(self.dataset)
            if self.spec.auto_collation:
                samples = list(itertools.islice(self.iterator, len(slots)))
                if samples and not (self.spec.drop_last and len(samples) < len(slots)):
                    return self.spec.collate_fn(samples)
            else:
                for sample in self.iterator:  # the next sample, if there is one
                    return self.spec.collate_fn(sample)
        self.ended = True
        return _Exhausted()


_Fetcher = _MapFetcher | _IterableFetcher


class _Epoch(NamedTuple):
    """Tells a worker that epoch ``epoch`` starts, seeded by ``base_seed``."""

    epoch: int
    base_seed: int


def _prepare_process(seed: int) -> None:
    """Per-process setup of a process worker."""
    # Ctrl-C reaches the whole process group; the main process handles it and stops the workers.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # Legacy global generators would otherwise repeat the parent's numbers in every worker.
    random.seed(seed)
    np.random.seed(seed % 2**32)
    from .. import manual_seed

    manual_seed(seed)
    numba = sys.modules.get("numba")
    if numba is not None:  # parallel kernels in every worker would oversubscribe the cores
        numba.set_num_threads(1)


def _encode(message: tuple[int, int, int, Any]) -> bytes:
    """Pickle a result inside the worker, where a failure can still be reported.

    (Left to the queue, pickling happens in a background thread that only
    prints errors, and the batch would never arrive.)
    """
    try:
        return pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception as error:
        epoch, task_id, worker_id, value = message
        if isinstance(value, _Failure):  # its exception type cannot be pickled
            failure = _Failure(RuntimeError, value.message)
        else:
            failure = _Failure.caught(worker_id, error)
        return pickle.dumps((epoch, task_id, worker_id, failure), protocol=pickle.HIGHEST_PROTOCOL)


def _worker_loop(spec: _WorkerSpec, worker_id: int, tasks: Any, results: Any, stop: Any) -> None:
    """The body of one worker thread or process: answer tasks until told to stop."""
    in_process = spec.parent_pid is not None
    # Thread workers share the process: each gets its own copy of a stream's state.
    dataset = spec.dataset if in_process or not spec.iterable else copy.copy(spec.dataset)
    seed = spec.base_seed + worker_id
    _local.info = WorkerInfo(worker_id, spec.num_workers, seed, dataset)
    if in_process:
        _prepare_process(seed)
        results.cancel_join_thread()  # exiting must not wait for the main side to read
    send = (lambda message: results.put(_encode(message))) if in_process else results.put
    init_failure = None
    try:
        if spec.worker_init_fn is not None:
            spec.worker_init_fn(worker_id)
    except Exception as error:
        init_failure = _Failure.caught(worker_id, error)

    epoch, fetcher = -1, None
    while not stop.is_set():
        try:
            message = tasks.get(timeout=_POLL_INTERVAL)
        except queue.Empty:
            if in_process and os.getppid() != spec.parent_pid:
                return  # the main process is gone
            continue
        if message is None:
            return
        if isinstance(message, _Epoch):
            epoch = message.epoch
            fetcher = spec.fetcher(dataset, message.base_seed, worker_id)
            continue
        task_id, payload = message
        try:
            value = init_failure or fetcher.fetch(task_id, payload)  # type: ignore[union-attr]
        except Exception as error:
            value = _Failure.caught(worker_id, error)
        send((epoch, task_id, worker_id, value))
        del value, message, payload  # do not hold a batch while waiting for the next task


class _ThreadContext:
    """The parts of a multiprocessing context a pool needs, made of threads."""

    Queue = queue.SimpleQueue
    Event = threading.Event

    @staticmethod
    def Process(**kwargs: Any) -> threading.Thread:  # noqa: N802  (mirrors BaseContext.Process)
        return threading.Thread(**kwargs)


def _death_message(worker_id: int, worker: Any) -> str:
    if isinstance(worker, threading.Thread):
        return f"DataLoader worker {worker_id} (thread {worker.name}) stopped unexpectedly"
    code = worker.exitcode
    message = (
        f"DataLoader worker {worker_id} (pid {worker.pid}) exited unexpectedly "
        f"with exit code {code}"
    )
    if code is not None and code < 0:
        message += f" (killed by signal {signal.Signals(-code).name})"
    return message


def _stop_workers(workers: list[Any], task_queues: list[Any], results: Any, stop: Any) -> None:
    """Stop and join every worker; terminate processes that do not stop in time."""
    stop.set()
    for tasks in task_queues:
        tasks.put(None)  # wakes a worker blocked on its queue
    deadline = time.monotonic() + _JOIN_TIMEOUT
    for worker in workers:
        if worker is not threading.current_thread():  # a collection may run in a worker
            worker.join(max(0.0, deadline - time.monotonic()))
    processes = [w for w in workers if not isinstance(w, threading.Thread)]
    for process in processes:
        if process.is_alive():
            process.terminate()
            process.join(_JOIN_TIMEOUT)
    if processes:
        for q in [*task_queues, results]:
            q.cancel_join_thread()
            q.close()


class _WorkerPool:
    """The workers of a DataLoader (threads, or processes of ``context``) and their queues.

    Stopped by :meth:`shutdown`, or when the pool is garbage collected, or at
    interpreter exit, whichever comes first.
    """

    def __init__(self, spec: _WorkerSpec, context: BaseContext | None) -> None:
        maker: Any = _ThreadContext if context is None else context
        self.in_process = context is not None
        self.results = maker.Queue()
        self.task_queues = [maker.Queue() for _ in range(spec.num_workers)]
        self.workers: list[Any] = []  # filled as they start, so shutdown joins only started ones
        self.epoch = 0
        stop = maker.Event()
        self._finalizer = weakref.finalize(
            self, _stop_workers, self.workers, self.task_queues, self.results, stop
        )
        try:
            for worker_id, tasks in enumerate(self.task_queues):
                worker = maker.Process(
                    target=_worker_loop,
                    args=(spec, worker_id, tasks, self.results, stop),
                    name=f"DataLoaderWorker-{worker_id}",
                    daemon=True,
                )
                worker.start()
                self.workers.append(worker)
        except BaseException:
            self.shutdown()
            raise

    @property
    def closed(self) -> bool:
        return not self._finalizer.alive

    def shutdown(self) -> None:
        """Stop every worker (idempotent)."""
        self._finalizer()

    def begin_epoch(self, base_seed: int) -> int:
        """Start a new epoch in every worker; returns its number."""
        self.epoch += 1
        for tasks in self.task_queues:
            tasks.put(_Epoch(self.epoch, base_seed))
        return self.epoch

    def send(self, worker_id: int, task: tuple[int, Any]) -> None:
        self.task_queues[worker_id].put(task)

    def receive(self, timeout: float) -> tuple[int, int, int, Any]:
        """The next answer ``(epoch, task_id, worker_id, value)`` from any worker.

        Raises RuntimeError when a worker has died or, with ``timeout > 0``, when
        nothing came for ``timeout`` seconds.
        """
        deadline = time.monotonic() + timeout if timeout > 0 else float("inf")
        while True:
            wait = min(_POLL_INTERVAL, deadline - time.monotonic())
            try:
                message = self.results.get(timeout=max(wait, 0.0))
            except queue.Empty:
                for worker_id, worker in enumerate(self.workers):
                    if not worker.is_alive():
                        raise RuntimeError(_death_message(worker_id, worker)) from None
                if time.monotonic() >= deadline:
                    raise RuntimeError(f"DataLoader timed out after {timeout} seconds") from None
                continue
            answer: tuple[int, int, int, Any] = (
                pickle.loads(message) if self.in_process else message
            )
            return answer
