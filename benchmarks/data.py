"""Data workload D1: DataLoader throughput on MNIST-sized images, in images/s.

60,000 random 28x28 uint8 images (2,048 in quick mode) go through
``ToTensor -> Normalize -> RandomCrop(28, padding=2)`` one by one and are
collated into batches of 64 for one epoch, with ``num_workers`` 0 and 2.

neurarust uses its own ``neurarust.data`` (thread workers, its default).
torchvision is not a dependency here, so the PyTorch side writes the same three
transforms with torch ops the way torchvision implements them, and runs
``torch.utils.data.DataLoader`` with its default process workers.

- ``D1-loader-w0``: ``num_workers=0`` (everything in the main thread).
- ``D1-loader-w2``: ``num_workers=2``, each library's default kind of worker
  (neurarust: threads; PyTorch: processes).
- ``D1-loader-w2-fork``: ``num_workers=2`` worker processes started by fork in
  both libraries (neurarust's option for Python-heavy transforms like these).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from types import ModuleType
from typing import Any

import numpy as np

from .harness import Measurement

MEAN, STD = 0.1307, 0.3081


def _images(quick: bool) -> tuple[np.ndarray, np.ndarray]:
    count = 2_048 if quick else 60_000
    generator = np.random.default_rng(0)
    images = generator.integers(0, 256, (count, 28, 28), dtype=np.uint8)
    labels = generator.integers(0, 10, count)
    return images, labels


class _TorchTransform:
    """ToTensor + Normalize + RandomCrop(28, padding=2), as torchvision computes them."""

    def __init__(self, torch: ModuleType) -> None:
        self.torch = torch

    def __call__(self, image: np.ndarray) -> Any:
        torch = self.torch
        tensor = torch.from_numpy(image).unsqueeze(0).contiguous().to(torch.float32).div(255)
        tensor = tensor.sub(MEAN).div(STD)
        padded = torch.nn.functional.pad(tensor, [2, 2, 2, 2])
        top = int(torch.randint(0, 5, size=(1,)).item())
        left = int(torch.randint(0, 5, size=(1,)).item())
        return padded[..., top : top + 28, left : left + 28]


def _dataset(lib: ModuleType, quick: bool) -> Any:
    images, labels = _images(quick)
    if lib.__name__ == "torch":
        transform: Callable[[np.ndarray], Any] = _TorchTransform(lib)
        base = lib.utils.data.Dataset
    else:
        T = lib.data.transforms
        transform = T.Compose(
            [T.ToTensor(), T.Normalize((MEAN,), (STD,)), T.RandomCrop(28, padding=2)]
        )
        base = lib.data.Dataset

    class Images(base):  # type: ignore[misc, valid-type]
        def __len__(self) -> int:
            return len(images)

        def __getitem__(self, index: int) -> tuple[Any, int]:
            return transform(images[index]), int(labels[index])

    return Images()


def _epoch_throughput(
    lib: ModuleType, quick: bool, num_workers: int, context: str | None = None
) -> Measurement:
    """Images per second over one shuffled epoch (median of a few epochs)."""
    dataset = _dataset(lib, quick)
    loader_module = lib.utils.data if lib.__name__ == "torch" else lib.data
    loader = loader_module.DataLoader(
        dataset,
        batch_size=64,
        shuffle=True,
        num_workers=num_workers,
        multiprocessing_context=context,
    )
    rates = []
    for _ in range(2 if quick else 3):
        start = time.perf_counter()
        for images, _labels in loader:
            assert images.shape[1:] == (1, 28, 28)
        rates.append(len(dataset) / (time.perf_counter() - start))
    return Measurement(float(np.median(rates)), "images/s", higher_is_better=True)


def loader_no_workers(lib: ModuleType, quick: bool) -> Measurement:
    """D1 with ``num_workers=0``."""
    return _epoch_throughput(lib, quick, num_workers=0)


def loader_two_workers(lib: ModuleType, quick: bool) -> Measurement:
    """D1 with ``num_workers=2``."""
    return _epoch_throughput(lib, quick, num_workers=2)


def loader_two_processes(lib: ModuleType, quick: bool) -> Measurement:
    """D1 with ``num_workers=2`` forked worker processes."""
    return _epoch_throughput(lib, quick, num_workers=2, context="fork")


WORKLOADS = {
    "D1-loader-w0": loader_no_workers,
    "D1-loader-w2": loader_two_workers,
    "D1-loader-w2-fork": loader_two_processes,
}
