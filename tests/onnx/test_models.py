"""Whole models through ONNX: the architectures of the issue, both ways.

- neurarust -> ONNX: onnxruntime and ``nr.onnx.load`` give the model's outputs,
  on the example inputs and on inputs of another batch size (dynamic axes);
- PyTorch -> ONNX (its legacy exporter at opsets 13 and 17, and the dynamo one)
  -> ``nr.onnx.load`` gives PyTorch's outputs;
- a loaded model is an ordinary module: gradients, fine-tuning, train/eval,
  ``state_dict`` round trips through ``nr.save`` and back into PyTorch.

Each architecture is written once as a function of the library (``neurarust``
or ``torch``), so the PyTorch twin is the same network.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import numpy as np
import pytest

import neurarust as nr
from benchmarks.onnx import small_cnn

pytest.importorskip("onnx")
pytest.importorskip("onnxruntime")

from .conftest import (  # noqa: E402
    assert_close,
    check_roundtrip,
    check_torch_import,
    export_bytes,
    torch_export,
)

gpu = pytest.mark.skipif(not nr.cuda.is_available(), reason="needs a CUDA GPU and CuPy")

# -- the architectures -----------------------------------------------------------------------


def mlp(lib: ModuleType) -> Any:
    nn = lib.nn
    return nn.Sequential(
        nn.Linear(6, 16), nn.ReLU(), nn.Dropout(0.2),
        nn.Linear(16, 16), nn.ReLU(),
        nn.Linear(16, 3),
    )  # fmt: skip


def depthwise_cnn(lib: ModuleType) -> Any:
    """Depthwise-separable convolutions (groups=channels, then 1x1), global pooling."""
    nn = lib.nn
    return nn.Sequential(
        nn.Conv2d(3, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU(),
        nn.Conv2d(8, 8, 3, padding=1, groups=8), nn.BatchNorm2d(8), nn.ReLU(),
        nn.Conv2d(8, 16, 1), nn.BatchNorm2d(16), nn.ReLU(),
        nn.AdaptiveAvgPool2d(1), nn.Flatten(),
        nn.Linear(16, 4),
    )  # fmt: skip


def residual_block(lib: ModuleType) -> Any:
    """A ResNet BasicBlock with a strided 1x1-convolution shortcut: relu(f(x) + g(x))."""
    nn = lib.nn

    class BasicBlock(nn.Module):
        def __init__(self, inplanes: int = 4, planes: int = 8, stride: int = 2) -> None:
            super().__init__()
            self.conv1 = nn.Conv2d(inplanes, planes, 3, stride, padding=1, bias=False)
            self.bn1 = nn.BatchNorm2d(planes)
            self.relu = nn.ReLU(inplace=True)
            self.conv2 = nn.Conv2d(planes, planes, 3, padding=1, bias=False)
            self.bn2 = nn.BatchNorm2d(planes)
            self.downsample = nn.Sequential(
                nn.Conv2d(inplanes, planes, 1, stride, bias=False), nn.BatchNorm2d(planes)
            )

        def forward(self, x: Any) -> Any:
            out = self.relu(self.bn1(self.conv1(x)))
            out = self.bn2(self.conv2(out))
            return self.relu(out + self.downsample(x))

    return BasicBlock()


def lstm_classifier(lib: ModuleType) -> Any:
    """Token ids -> Embedding -> LSTM -> the last step's output -> Linear."""
    nn = lib.nn

    class Classifier(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.embedding = nn.Embedding(20, 8)
            self.lstm = nn.LSTM(8, 12, batch_first=True)
            self.head = nn.Linear(12, 3)

        def forward(self, tokens: Any) -> Any:
            output, _ = self.lstm(self.embedding(tokens))
            return self.head(output[:, -1])

    return Classifier()


def gru(lib: ModuleType) -> Any:
    """A bidirectional 2-layer GRU (sequence first) returning its output and h_n."""
    nn = lib.nn

    class Encoder(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.gru = nn.GRU(6, 8, num_layers=2, bidirectional=True)

        def forward(self, x: Any) -> Any:
            return self.gru(x)

    return Encoder()


def transformer_encoder(lib: ModuleType) -> Any:
    nn = lib.nn
    layer = nn.TransformerEncoderLayer(16, 2, dim_feedforward=32, batch_first=True)
    return nn.TransformerEncoder(layer, num_layers=2, enable_nested_tensor=False)


@dataclass
class Architecture:
    build: Callable[[ModuleType], Any]
    example: Callable[[ModuleType, int, int], Any]  # (lib, batch, length) -> an input
    axes: dict[int, str]  # the dynamic axes of the input
    # Where PyTorch's legacy exporter cannot follow: the lowest opset it exports the
    # model at, and the axes it keeps dynamic.
    legacy_opset: int = 13
    legacy_axes: dict[int, str] | None = None


BATCH = {0: "batch"}
ARCHITECTURES = {
    "mlp": Architecture(mlp, lambda lib, n, t: lib.randn(n, 6), BATCH),
    # the CNN of benchmark X1
    "cnn": Architecture(small_cnn, lambda lib, n, t: lib.randn(n, 1, 28, 28), BATCH),
    "depthwise_cnn": Architecture(depthwise_cnn, lambda lib, n, t: lib.randn(n, 3, 8, 8), BATCH),
    "residual_block": Architecture(residual_block, lambda lib, n, t: lib.randn(n, 4, 8, 8), BATCH),
    "lstm_classifier": Architecture(
        lstm_classifier, lambda lib, n, t: lib.randint(0, 20, (n, 5)), BATCH
    ),
    "gru": Architecture(gru, lambda lib, n, t: lib.randn(5, n, 6), {1: "batch"}),
    # PyTorch's legacy exporter has no scaled_dot_product_attention before opset 14,
    # and writes the sequence length into the attention's Reshape targets (onnxruntime
    # fails on other lengths too): with it, only the batch is dynamic.
    "transformer_encoder": Architecture(
        transformer_encoder,
        lambda lib, n, t: lib.randn(n, t, 16),
        {0: "batch", 1: "length"},
        legacy_opset=14,
        legacy_axes=BATCH,
    ),
}


def _model(lib: ModuleType, name: str, axes: dict[int, str]) -> tuple[Any, Any, Any]:
    """The architecture built by ``lib`` in eval mode, its example input (batch 2,
    length 5), and an input longer on ``axes`` (batch 3, length 7)."""
    lib.manual_seed(0)
    architecture = ARCHITECTURES[name]
    model = architecture.build(lib).eval()
    _set_batch_norm_statistics(lib, model)
    example = architecture.example(lib, 2, 5)
    dynamic = set(axes.values())
    other = architecture.example(
        lib, 3 if "batch" in dynamic else 2, 7 if "length" in dynamic else 5
    )
    return model, example, other


def _set_batch_norm_statistics(lib: ModuleType, model: Any) -> None:
    """Running statistics other than 0 and 1, so that exporting them wrongly shows."""
    for module in model.modules():
        if isinstance(module, lib.nn.BatchNorm2d):
            features = module.num_features
            module.running_mean.copy_(lib.linspace(-0.5, 0.5, features))
            module.running_var.copy_(lib.linspace(0.5, 1.5, features))


# -- neurarust -> ONNX -> onnxruntime and nr.onnx.load ------------------------------------------


@pytest.mark.parametrize("name", ARCHITECTURES)
def test_roundtrip_with_dynamic_axes(name):
    axes = ARCHITECTURES[name].axes
    model, example, other = _model(nr, name, axes)
    check_roundtrip(model, example, other_args=[other], input_names=["x"], dynamic_axes={"x": axes})


def test_gradients_through_a_loaded_model_equal_the_original_ones():
    model, example, _ = _model(nr, "cnn", BATCH)
    loaded = nr.onnx.load(export_bytes(model, example, input_names=["x"]))
    for module in (model, loaded):
        module(example).square().sum().backward()
    originals = dict(model.named_parameters())
    grads = {name: p.grad for name, p in loaded.named_parameters()}
    assert set(grads) == set(originals)
    for name, grad in grads.items():
        np.testing.assert_allclose(
            grad.numpy(), originals[name].grad.numpy(), atol=1e-5, rtol=1e-5, err_msg=name
        )


@pytest.mark.gpu
@gpu
@pytest.mark.parametrize("name", ARCHITECTURES)
def test_loaded_model_runs_on_the_gpu(name):
    axes = ARCHITECTURES[name].axes
    model, example, other = _model(nr, name, axes)
    data = export_bytes(model, example, input_names=["x"], dynamic_axes={"x": axes})
    loaded = nr.onnx.load(data).to("cuda")
    with nr.no_grad():
        outputs = loaded(other.to("cuda"))
        expected = model(other)
    outputs = tuple(o.cpu() for o in outputs) if isinstance(outputs, tuple) else outputs.cpu()
    assert_close(outputs, expected, 1e-4, 1e-4, "nr.onnx.load on the GPU")


# -- PyTorch -> ONNX -> nr.onnx.load ----------------------------------------------------------

EXPORTERS = {
    "legacy-opset13": {"dynamo": False, "opset_version": 13},
    "legacy-opset17": {"dynamo": False, "opset_version": 17},
    "dynamo": {"dynamo": True, "opset_version": 18},
}


@pytest.mark.parametrize(
    "exporter",
    [
        "legacy-opset13",
        "legacy-opset17",
        pytest.param("dynamo", marks=pytest.mark.slow),
    ],
)
@pytest.mark.parametrize("name", ARCHITECTURES)
def test_torch_export_loads_and_matches_torch(name, exporter):
    torch = pytest.importorskip("torch")
    architecture, options = ARCHITECTURES[name], dict(EXPORTERS[exporter])
    axes = architecture.axes
    if not options["dynamo"]:
        options["opset_version"] = max(options["opset_version"], architecture.legacy_opset)
        axes = architecture.legacy_axes or axes
    model, example, other = _model(torch, name, axes)
    check_torch_import(
        model, example, other_args=[other], input_names=["x"], dynamic_axes={"x": axes}, **options
    )


# -- a loaded model is an ordinary module -----------------------------------------------------


def small_convnet(lib: ModuleType) -> Any:
    """A CNN whose weights PyTorch's exporter keeps under their state_dict keys (it
    would fold a BatchNorm into the convolution before it, renaming the weights)."""
    nn = lib.nn
    return nn.Sequential(
        nn.Conv2d(1, 4, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(4 * 3 * 3, 3)
    )


@pytest.mark.parametrize(
    "exporter", ["legacy-opset17", pytest.param("dynamo", marks=pytest.mark.slow)]
)
def test_fine_tuning_a_model_exported_by_torch(exporter):
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    twin = small_convnet(torch).eval()
    data = torch_export(
        twin,
        torch.randn(2, 1, 8, 8),
        input_names=["x"],
        dynamic_axes={"x": {0: "batch"}},
        **EXPORTERS[exporter],
    )
    loaded = nr.onnx.load(data).train()
    assert sorted(loaded.state_dict()) == sorted(twin.state_dict())

    nr.manual_seed(0)
    x, y = nr.randn(16, 1, 8, 8), nr.randint(0, 3, (16,))
    optimizer = nr.optim.SGD(loaded.parameters(), lr=0.1)
    losses = []
    for _ in range(5):
        optimizer.zero_grad()
        loss = nr.nn.functional.cross_entropy(loaded(x), y)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    assert losses[-1] < losses[0]

    # The fine-tuned weights go back into the PyTorch model.
    state = {k: torch.from_numpy(v.numpy().copy()) for k, v in loaded.state_dict().items()}
    twin.load_state_dict(state)
    with torch.no_grad(), nr.no_grad():
        expected = twin(torch.from_numpy(x.numpy()))
        np.testing.assert_allclose(loaded(x).numpy(), expected.numpy(), atol=1e-5, rtol=1e-5)


def batch_norm_mlp(lib: ModuleType) -> Any:
    nn = lib.nn
    return nn.Sequential(nn.Linear(4, 8), nn.BatchNorm1d(8), nn.ReLU(), nn.Linear(8, 2))


def test_train_and_eval_modes_of_a_loaded_model():
    """In train mode BatchNormalization normalizes with the batch's statistics, as the
    original model does; eval mode gives the exported (running-statistics) function."""
    nr.manual_seed(0)
    model = batch_norm_mlp(nr).eval()
    x = nr.randn(6, 4)
    loaded = nr.onnx.load(export_bytes(model, x, input_names=["x"]))
    assert not loaded.training

    loaded.train()
    model.train()
    assert all(m.training for m in loaded.modules())
    with nr.no_grad():
        np.testing.assert_allclose(loaded(x).numpy(), model(x).numpy(), atol=1e-5, rtol=1e-5)

    loaded.eval()
    model.eval()
    assert not any(m.training for m in loaded.modules())
    with nr.no_grad():
        np.testing.assert_allclose(loaded(x).numpy(), model(x).numpy(), atol=1e-5, rtol=1e-5)


def test_state_dict_of_a_loaded_model_saves_and_reloads(tmp_path):
    model, example, _ = _model(nr, "cnn", BATCH)
    data = export_bytes(model, example, input_names=["x"])
    loaded = nr.onnx.load(data)
    with nr.no_grad():
        for parameter in loaded.parameters():
            parameter.mul_(0.5)  # as if fine-tuned
    nr.save(loaded.state_dict(), tmp_path / "fine_tuned.nr")

    fresh = nr.onnx.load(data)
    fresh.load_state_dict(nr.load(tmp_path / "fine_tuned.nr"))
    with nr.no_grad():
        np.testing.assert_array_equal(fresh(example).numpy(), loaded(example).numpy())
        assert not np.allclose(fresh(example).numpy(), model(example).numpy())
