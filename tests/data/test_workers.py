"""DataLoader workers: seeds, worker info, failures, timeouts and shutdown.

Thread workers (the default) and process workers ("fork"; one "spawn" test)
run the same cases. Every loop that could hang on a bug runs through
``within_deadline``, which fails the test instead of hanging the suite.
"""

from __future__ import annotations

import functools
import gc
import multiprocessing
import os
import random
import signal
import threading
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import neurarust as nr
from neurarust import data
from neurarust.data import DataLoader, IterableDataset, get_worker_info

DEADLINE = 20.0
MODES = {"threads": None, "fork": "fork"}  # multiprocessing_context of each worker kind


def within_deadline(fn: Callable[[], Any], seconds: float = DEADLINE) -> Any:
    """Run ``fn`` in a helper thread; fail (instead of hanging) if it takes too long."""
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["value"] = fn()
        except BaseException as error:  # handed to the test thread
            outcome["error"] = error

    helper = threading.Thread(target=run, daemon=True)
    helper.start()
    helper.join(seconds)
    assert not helper.is_alive(), f"did not finish within {seconds} s (hang?)"
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")


def assert_no_workers_left(threads_before: set[threading.Thread]) -> None:
    """No worker thread or child process outlives the loader (after a short grace)."""
    deadline = time.monotonic() + 3.0
    while time.monotonic() < deadline:
        extra = set(threading.enumerate()) - threads_before
        if not extra and not multiprocessing.active_children():
            return
        time.sleep(0.02)
    assert set(threading.enumerate()) - threads_before == set()
    assert multiprocessing.active_children() == []


def loader(dataset: Any, mode: str, **kwargs: Any) -> DataLoader:
    kwargs.setdefault("num_workers", 2)
    return DataLoader(dataset, multiprocessing_context=MODES[mode], **kwargs)


# Datasets live at module level so that "spawn" workers can unpickle them.


class NoisyIndices:
    """Sample ``i`` is ``i`` plus noise from data.rng(), like a random augmentation."""

    def __init__(self, n: int) -> None:
        self.n = n

    def __getitem__(self, index: int) -> np.ndarray:
        return index + data.rng().random(3)

    def __len__(self) -> int:
        return self.n


class NoisyStream(IterableDataset):
    def __iter__(self) -> Any:
        return (i + data.rng().random() for i in range(7))


class WhoAmI:
    """Sample ``i`` reports which worker built it and what that worker knows."""

    def __init__(self, n: int) -> None:
        self.n = n

    def __getitem__(self, index: int) -> dict[str, Any]:
        info = get_worker_info()
        assert info is not None and info.dataset is not None
        return {
            "id": info.id,
            "num_workers": info.num_workers,
            "seed": info.seed,
            "init_id": getattr(INIT, "worker_id", -1),
            "thread": threading.get_ident(),
            "pid": os.getpid(),
            "legacy": random.random() + np.random.random(),
        }

    def __len__(self) -> int:
        return self.n


INIT = threading.local()  # what record_init saw, per worker thread (or process)


def record_init(worker_id: int) -> None:
    INIT.worker_id = worker_id


class Failing:
    """Raises ``error`` at index 3, from a method whose name the traceback must show."""

    def __init__(self, error: BaseException) -> None:
        self.error = error

    def __getitem__(self, index: int) -> int:
        if index == 3:
            self.fail_in_dataset_code()
        return index

    def fail_in_dataset_code(self) -> None:
        raise self.error

    def __len__(self) -> int:
        return 8


class NeedsTwoArguments(Exception):
    def __init__(self, a: int, b: int) -> None:
        super().__init__(f"{a} and {b}")


class Crashing:
    """The worker process dies at index 2, by ``how``."""

    def __init__(self, how: str) -> None:
        self.how = how

    def __getitem__(self, index: int) -> int:
        if index == 2:
            if self.how == "exit":
                os._exit(3)
            os.kill(os.getpid(), signal.SIGKILL)
        return index

    def __len__(self) -> int:
        return 6


class Slow:
    def __init__(self, delay: float) -> None:
        self.delay = delay

    def __getitem__(self, index: int) -> int:
        time.sleep(self.delay)
        return index

    def __len__(self) -> int:
        return 100


def noisy_epochs(**kwargs: Any) -> list[list[np.ndarray]]:
    """Two shuffled epochs of NoisyIndices, from a freshly seeded generator."""
    dl = DataLoader(
        NoisyIndices(23),
        batch_size=4,
        shuffle=True,
        generator=nr.Generator().manual_seed(7),
        timeout=DEADLINE,
        **kwargs,
    )
    return [[b.numpy() for b in dl] for _ in range(2)]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"num_workers": 1},
        {"num_workers": 2},
        {"num_workers": 3, "prefetch_factor": 1},
        {"num_workers": 2, "multiprocessing_context": "fork"},
        {"num_workers": 3, "multiprocessing_context": "fork", "persistent_workers": True},
    ],
    ids=["1 thread", "2 threads", "3 threads", "2 processes", "3 persistent processes"],
)
def test_random_batches_are_identical_for_any_workers(kwargs: dict[str, Any]) -> None:
    expected = noisy_epochs()
    assert not np.array_equal(expected[0][0], expected[1][0])  # epochs differ
    got = within_deadline(lambda: noisy_epochs(**kwargs))
    for epoch, expected_epoch in zip(got, expected):
        np.testing.assert_array_equal(np.concatenate(epoch), np.concatenate(expected_epoch))


def test_spawn_workers_give_the_same_random_batches() -> None:
    got = within_deadline(lambda: noisy_epochs(num_workers=2, multiprocessing_context="spawn"), 60)
    for epoch, expected_epoch in zip(got, noisy_epochs()):
        np.testing.assert_array_equal(np.concatenate(epoch), np.concatenate(expected_epoch))


@pytest.mark.parametrize("persistent", [False, True])
@pytest.mark.parametrize("mode", MODES)
def test_one_worker_streams_the_iterable_dataset_like_the_main_thread(
    mode: str, persistent: bool
) -> None:
    def two_epochs(**kwargs: Any) -> list[list[list[float]]]:
        g = nr.Generator().manual_seed(1)
        dl = DataLoader(NoisyStream(), batch_size=3, generator=g, timeout=DEADLINE, **kwargs)
        return [[b.tolist() for b in dl] for _ in range(2)]

    expected = two_epochs()
    assert [len(b) for b in expected[0]] == [3, 3, 1] and expected[0] != expected[1]
    context = MODES[mode]
    got = within_deadline(
        lambda: two_epochs(
            num_workers=1, multiprocessing_context=context, persistent_workers=persistent
        )
    )
    assert got == expected


@pytest.mark.parametrize("mode", MODES)
def test_worker_info_and_worker_init_fn(mode: str) -> None:
    base_seed = data._random.draw_seed(nr.Generator().manual_seed(11))
    dl = loader(
        WhoAmI(12),
        mode,
        num_workers=3,
        batch_size=2,
        worker_init_fn=record_init,
        generator=nr.Generator().manual_seed(11),
    )
    batches = within_deadline(lambda: list(dl))
    assert get_worker_info() is None  # in the main thread
    ids = [int(i) for b in batches for i in b["id"]]
    assert sorted(set(ids)) == [0, 1, 2]
    for b in batches:
        assert b["init_id"].tolist() == b["id"].tolist()
        assert b["num_workers"].tolist() == [3, 3]
        assert b["seed"].tolist() == [base_seed + int(i) for i in b["id"]]


def test_process_workers_seed_the_legacy_generators_differently() -> None:
    dl = loader(WhoAmI(4), "fork", batch_size=1)
    legacy = {int(b["id"]): float(b["legacy"]) for b in within_deadline(lambda: list(dl))}
    assert len(set(legacy.values())) == 2


@pytest.mark.parametrize("mode", MODES)
def test_persistent_workers_are_reused_across_epochs_and_stopped_with_the_loader(
    mode: str,
) -> None:
    threads_before = set(threading.enumerate())
    dl = loader(WhoAmI(8), mode, batch_size=2, persistent_workers=True, timeout=DEADLINE)
    key = "thread" if mode == "threads" else "pid"

    def workers_of_two_epochs(dl: DataLoader) -> list[set[int]]:
        return [{int(i) for b in dl for i in b[key]} for _ in range(2)]

    first, second = within_deadline(functools.partial(workers_of_two_epochs, dl))
    assert first == second and len(first) == 2
    del dl
    gc.collect()
    assert_no_workers_left(threads_before)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(
    "error, expected_type",
    [
        (ValueError("bad index 3"), ValueError),
        (KeyError("missing key"), KeyError),
        (NeedsTwoArguments(1, 2), RuntimeError),  # cannot be rebuilt from a message
    ],
    ids=["ValueError", "KeyError", "custom constructor"],
)
def test_worker_exception_is_raised_with_the_worker_traceback(
    mode: str, error: BaseException, expected_type: type
) -> None:
    threads_before = set(threading.enumerate())
    dl = loader(Failing(error), mode, batch_size=2, timeout=DEADLINE)
    with pytest.raises(expected_type) as raised:
        within_deadline(lambda: list(dl))
    message = str(raised.value)
    assert f"Caught {type(error).__name__} in DataLoader worker 1." in message
    assert "Original Traceback (most recent call last):" in message
    assert "fail_in_dataset_code" in message and str(error.args[0]) in message
    del raised
    assert_no_workers_left(threads_before)


def test_exception_in_the_main_thread_keeps_its_own_traceback() -> None:
    with pytest.raises(ValueError, match="^bad$"):
        list(DataLoader(Failing(ValueError("bad")), batch_size=2))


@pytest.mark.parametrize("mode", MODES)
def test_worker_init_fn_failure_is_raised(mode: str) -> None:
    dl = loader(WhoAmI(4), mode, worker_init_fn=lambda worker_id: 1 / 0, timeout=DEADLINE)
    with pytest.raises(ZeroDivisionError, match="Caught ZeroDivisionError in DataLoader worker"):
        within_deadline(lambda: list(dl))


@pytest.mark.parametrize("how, exit_code", [("exit", "exit code 3"), ("kill", "SIGKILL")])
def test_dead_worker_process_raises_quickly(how: str, exit_code: str) -> None:
    dl = loader(Crashing(how), "fork", batch_size=1)
    start = time.monotonic()
    with pytest.raises(
        RuntimeError, match=rf"DataLoader worker 0 \(pid \d+\) exited .*{exit_code}"
    ):
        within_deadline(lambda: list(dl))
    assert time.monotonic() - start < 5
    assert multiprocessing.active_children() == []


@pytest.mark.parametrize("mode", MODES)
def test_timeout_raises(mode: str) -> None:
    dl = loader(Slow(1.0), mode, num_workers=1, timeout=0.2)
    with pytest.raises(RuntimeError, match=r"^DataLoader timed out after 0.2 seconds$"):
        within_deadline(lambda: next(iter(dl)))


def _stop_by_break(dl: DataLoader) -> None:
    for i, _ in enumerate(dl):
        if i == 1:
            break


def _stop_by_del(dl: DataLoader) -> None:
    it = iter(dl)
    next(it)
    del it


def _stop_by_keyboard_interrupt(dl: DataLoader) -> None:
    with pytest.raises(KeyboardInterrupt):
        for _ in dl:
            raise KeyboardInterrupt


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(
    "stop",
    [_stop_by_break, _stop_by_del, _stop_by_keyboard_interrupt],
    ids=["break", "del", "ctrl-c"],
)
def test_leaving_an_epoch_early_stops_every_worker(
    mode: str, stop: Callable[[DataLoader], None]
) -> None:
    threads_before = set(threading.enumerate())
    dl = loader(Slow(0.01), mode, num_workers=3, batch_size=2, timeout=DEADLINE)
    within_deadline(lambda: stop(dl))
    assert_no_workers_left(threads_before)


def test_thread_workers_each_iterate_their_own_copy_of_a_stateful_stream() -> None:
    class Countdown(IterableDataset):
        """Its own iterator (``__iter__`` returns self), so copies must not share state."""

        def __init__(self) -> None:
            self.left = 3

        def __iter__(self) -> Countdown:
            return self

        def __next__(self) -> int:
            if self.left == 0:
                raise StopIteration
            self.left -= 1
            return self.left

    dl = DataLoader(Countdown(), batch_size=None, num_workers=2, timeout=DEADLINE)
    assert sorted(int(x) for x in within_deadline(lambda: list(dl))) == [0, 0, 1, 1, 2, 2]


@pytest.mark.parametrize("mode", MODES)
def test_out_of_order_batches_are_all_delivered(mode: str) -> None:
    dl = loader(NoisyIndices(10), mode, batch_size=3, in_order=False, timeout=DEADLINE)
    batches = within_deadline(lambda: list(dl))
    assert sorted(int(b[0, 0]) for b in batches) == [0, 3, 6, 9]


def test_unpicklable_batch_from_a_process_worker_raises_instead_of_hanging() -> None:
    dl = loader(NoisyIndices(4), "fork", collate_fn=lambda batch: lambda: batch, timeout=DEADLINE)
    with pytest.raises(Exception, match="Caught .* in DataLoader worker"):
        within_deadline(lambda: list(dl))


def test_a_superseded_persistent_iterator_raises() -> None:
    dl = DataLoader(NoisyIndices(8), num_workers=2, persistent_workers=True, timeout=DEADLINE)
    old = iter(dl)
    next(old)
    new = iter(dl)
    with pytest.raises(RuntimeError, match="replaced by a newer iter"):
        next(old)
    assert len(within_deadline(lambda: list(new))) == 8
