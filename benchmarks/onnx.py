"""ONNX workloads: X1 (running a CNN that PyTorch exported, through ``nr.onnx.load``) and
X2 (exporting that CNN).

- X1-import-cnn: the CNN below, exported by ``torch.onnx.export``, loaded with
  ``nr.onnx.load`` and run on a (64, 1, 28, 28) batch under ``no_grad``, against
  the same PyTorch model run by PyTorch; ms per batch.
- X2-export: ``nr.onnx.export`` of the neurarust CNN with a dynamic batch axis,
  against ``torch.onnx.export`` (the legacy TorchScript exporter) of its PyTorch
  twin; ms per export into memory.

Both need the ``onnx`` package: without it :data:`WORKLOADS` is empty. Without
PyTorch, X1's neurarust side loads the graph neurarust itself exports.
"""

from __future__ import annotations

import importlib.util
import io
import warnings
from types import ModuleType
from typing import Any

from .harness import Measurement, load_torch, median_seconds

EXAMPLE_BATCH = 2  # the example input of the exports (the batch axis is dynamic)


def small_cnn(lib: ModuleType) -> Any:
    """(Conv2d-BatchNorm-ReLU-MaxPool) twice, then Flatten-Linear: (N, 1, 28, 28) -> 10."""
    nn = lib.nn
    return nn.Sequential(
        nn.Conv2d(1, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(8, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(16 * 7 * 7, 10),
    )  # fmt: skip


def _ms(step: Any, quick: bool) -> Measurement:
    return Measurement(median_seconds(step, repeats=5 if quick else 20) * 1e3, "ms")


def export_to_bytes(lib: ModuleType, model: Any) -> bytes:
    """``model`` exported by ``lib`` (neurarust, or torch's legacy exporter) with a
    dynamic batch axis, as serialized ONNX."""
    buffer = io.BytesIO()
    example = lib.randn(EXAMPLE_BATCH, 1, 28, 28)
    options: dict[str, Any] = {"input_names": ["x"], "dynamic_axes": {"x": {0: "batch"}}}
    if lib.__name__ == "torch":
        with warnings.catch_warnings():  # the legacy exporter's deprecation notice
            warnings.simplefilter("ignore")
            lib.onnx.export(model, (example,), buffer, dynamo=False, **options)
    else:
        lib.onnx.export(model, example, buffer, **options)
    return buffer.getvalue()


def _imported_cnn(lib: ModuleType) -> Any:
    """The CNN as neurarust runs it: the ONNX graph of PyTorch's export (neurarust's own
    when PyTorch is not installed) loaded by ``nr.onnx.load``."""
    torch = load_torch()
    exporter = torch if torch is not None else lib
    exporter.manual_seed(0)
    return lib.onnx.load(export_to_bytes(exporter, small_cnn(exporter).eval()))


def x1_import_cnn(lib: ModuleType, quick: bool) -> Measurement:
    """X1: inference of the CNN exported by PyTorch and loaded by ``nr.onnx.load``,
    batch 64 under ``no_grad``, against PyTorch running the model itself; ms per batch."""
    if lib.__name__ == "torch":
        lib.manual_seed(0)
        model = small_cnn(lib).eval()
    else:
        model = _imported_cnn(lib)
    inputs = lib.randn(4 if quick else 64, 1, 28, 28)

    def step() -> None:
        with lib.no_grad():
            model(inputs)

    return _ms(step, quick)


def x2_export(lib: ModuleType, quick: bool) -> Measurement:
    """X2: exporting the CNN (dynamic batch) into memory; ms per export."""
    lib.manual_seed(0)
    model = small_cnn(lib).eval()
    return _ms(lambda: export_to_bytes(lib, model), quick)


WORKLOADS = (
    {"X1-import-cnn": x1_import_cnn, "X2-export": x2_export}
    if importlib.util.find_spec("onnx") is not None
    else {}
)
