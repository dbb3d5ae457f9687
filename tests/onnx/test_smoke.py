import pytest

import neurarust as nr

pytest.importorskip("onnx")
pytest.importorskip("onnxruntime")

from .conftest import check_roundtrip, check_torch_import  # noqa: E402


def test_mlp_roundtrip_with_dynamic_batch():
    model = nr.nn.Sequential(nr.nn.Linear(4, 8), nr.nn.ReLU(), nr.nn.Linear(8, 2))
    check_roundtrip(
        model,
        nr.randn(3, 4),
        other_args=[nr.randn(7, 4)],
        input_names=["x"],
        dynamic_axes={"x": {0: "batch"}},
    )


def test_torch_mlp_loads():
    torch = pytest.importorskip("torch")
    model = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.ReLU(), torch.nn.Linear(8, 2))
    check_torch_import(model, torch.randn(3, 4))
