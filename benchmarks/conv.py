"""Convolution workloads: M1 (conv2d), M2 (max_pool2d), W2 (LeNet-5 training), W3
(small CIFAR CNN training), I1 (W3's model in inference) and W3's peak memory.

Every function takes the library (``neurarust`` or ``torch``) and ``quick``
(smaller batches, for the smoke test that keeps the benchmarks running in CI).
The peak memory is measured in a fresh process per library::

    python -m benchmarks.conv <library> <steps> <batch>   # prints the peak RSS in MB
"""

from __future__ import annotations

import importlib
import resource
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

from .harness import Measurement, median_seconds
from .models import time_training, train_step


def _ms(step: Any, quick: bool) -> Measurement:
    """The median time of ``step()`` in ms."""
    return Measurement(median_seconds(step, repeats=5 if quick else 20) * 1e3, "ms")


def _time_forward_backward(
    lib: ModuleType, forward: Any, leaves: list[Any], quick: bool
) -> Measurement:
    """ms per ``forward()`` plus its backward from a fixed random output gradient into
    ``leaves``."""
    grad_output = lib.randn(tuple(forward().shape))

    def step() -> None:
        for leaf in leaves:
            leaf.grad = None
        forward().backward(grad_output)

    return _ms(step, quick)


def _feature_maps(quick: bool) -> tuple[int, int, int]:
    """(batch, channels, size) of M1's and M2's (32, 64, 32, 32) input."""
    return (4, 16, 16) if quick else (32, 64, 32)


def m1_conv2d(lib: ModuleType, quick: bool) -> Measurement:
    """M1: conv2d of a (32, 64, 32, 32) input with a (64, 64, 3, 3) weight, padding 1;
    ms per forward + backward (gradients of input and weight)."""
    batch, channels, size = _feature_maps(quick)
    lib.manual_seed(0)
    input = lib.randn(batch, channels, size, size, requires_grad=True)
    weight = lib.randn(channels, channels, 3, 3, requires_grad=True)
    return _time_forward_backward(
        lib, lambda: lib.nn.functional.conv2d(input, weight, padding=1), [input, weight], quick
    )


def m2_max_pool2d(lib: ModuleType, quick: bool) -> Measurement:
    """M2: max_pool2d(2) of a (32, 64, 32, 32) input; ms per forward + backward."""
    batch, channels, size = _feature_maps(quick)
    lib.manual_seed(0)
    input = lib.randn(batch, channels, size, size, requires_grad=True)
    return _time_forward_backward(
        lib, lambda: lib.nn.functional.max_pool2d(input, 2), [input], quick
    )


def lenet5(lib: ModuleType) -> Any:
    """LeNet-5 for (N, 1, 28, 28) images and 10 classes."""
    nn = lib.nn
    return nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10),
    )  # fmt: skip


def cifar_cnn(lib: ModuleType) -> Any:
    """The small CIFAR CNN of W3, for (N, 3, 32, 32) images and 10 classes."""
    nn = lib.nn
    return nn.Sequential(
        nn.Conv2d(3, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(),
        nn.Conv2d(32, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3, padding=1), nn.BatchNorm2d(64), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(4096, 10),
    )  # fmt: skip


def lenet5_training(lib: ModuleType) -> tuple[Any, Any]:
    """W2's model and optimizer: LeNet-5 with Adam (lr 1e-3)."""
    model = lenet5(lib)
    return model, lib.optim.Adam(model.parameters(), lr=1e-3)


def cifar_cnn_training(lib: ModuleType) -> tuple[Any, Any]:
    """W3's model and optimizer: the small CIFAR CNN with SGD (lr 0.01, momentum 0.9)."""
    model = cifar_cnn(lib)
    return model, lib.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)


def _images(lib: ModuleType, batch: int, channels: int, size: int) -> tuple[Any, Any]:
    """A random batch of images and class labels."""
    return lib.randn(batch, channels, size, size), lib.randint(0, 10, (batch,))


def w2_lenet5(lib: ModuleType, quick: bool) -> Measurement:
    """W2: LeNet-5 on a (64, 1, 28, 28) batch, cross-entropy, Adam (lr 1e-3); ms per
    training step."""
    lib.manual_seed(0)
    batch = 4 if quick else 64
    return time_training(lib, *lenet5_training(lib), *_images(lib, batch, 1, 28), quick)


def _w3_setup(lib: ModuleType, batch: int) -> tuple[Any, Any, Any, Any]:
    """W3's model, optimizer and a random (batch, 3, 32, 32) batch."""
    lib.manual_seed(0)
    return (*cifar_cnn_training(lib), *_images(lib, batch, 3, 32))


def w3_cifar_cnn(lib: ModuleType, quick: bool) -> Measurement:
    """W3: the small CIFAR CNN on a (32, 3, 32, 32) batch, cross-entropy, SGD (lr 0.01,
    momentum 0.9); ms per training step."""
    return time_training(lib, *_w3_setup(lib, 4 if quick else 32), quick)


def _inference(lib: ModuleType, batch: int, quick: bool) -> Measurement:
    """I1: W3's model in eval mode, forward only under ``no_grad``; ms per batch."""
    lib.manual_seed(0)
    model = cifar_cnn(lib).eval()
    inputs = lib.randn(batch, 3, 32, 32)

    def step() -> None:
        with lib.no_grad():
            model(inputs)

    return _ms(step, quick)


def i1_batch1(lib: ModuleType, quick: bool) -> Measurement:
    """I1 at batch 1 (latency)."""
    return _inference(lib, 1, quick)


def i1_batch64(lib: ModuleType, quick: bool) -> Measurement:
    """I1 at batch 64 (throughput)."""
    return _inference(lib, 4 if quick else 64, quick)


def _peak_rss_mb() -> float:
    """This process's peak resident set size so far, in MB (2**20 bytes).

    On Linux it is ``VmHWM``, the peak of this process's own memory: ``ru_maxrss``
    would report at least the parent's size, which survives the fork and ``exec``.
    Elsewhere (macOS) it is ``ru_maxrss``, in bytes there.
    """
    status = Path("/proc/self/status")
    if status.exists():
        peak = next(line for line in status.read_text().splitlines() if line.startswith("VmHWM:"))
        return int(peak.split()[1]) / 2**10  # kB
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20


def w3_peak_memory(lib: ModuleType, quick: bool) -> Measurement:
    """The peak resident memory of a fresh process that imports the library and runs
    10 W3 training steps, in MB."""
    steps, batch = (2, 4) if quick else (10, 32)
    command = [sys.executable, "-m", __name__, lib.__name__, str(steps), str(batch)]
    repository = Path(__file__).resolve().parent.parent
    result = subprocess.run(command, cwd=repository, check=True, capture_output=True, text=True)
    return Measurement(float(result.stdout), "MB peak RSS")


def _train_w3_and_print_peak_rss(library: str, steps: int, batch: int) -> None:
    lib = importlib.import_module(library)
    model, optimizer, inputs, targets = _w3_setup(lib, batch)
    for _ in range(steps):
        train_step(lib, model, optimizer, inputs, targets)
    print(_peak_rss_mb())


WORKLOADS = {
    "M1": m1_conv2d,
    "M2": m2_max_pool2d,
    "W2": w2_lenet5,
    "W3": w3_cifar_cnn,
    "W3-memory": w3_peak_memory,
    "I1-b1": i1_batch1,
    "I1-b64": i1_batch64,
}

if __name__ == "__main__":
    _train_w3_and_print_peak_rss(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))
