"""The public API of neurarust.onnx: export's arguments and errors, load's sources and
errors, and the optional dependency on the onnx package."""

from __future__ import annotations

import io
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import neurarust as nr
from neurarust.onnx import OnnxModule, UnsupportedOperatorError

onnx = pytest.importorskip("onnx")
pytest.importorskip("onnxruntime")

from .conftest import check_roundtrip, export_bytes, run_onnxruntime  # noqa: E402


def mlp() -> nr.nn.Module:
    nr.manual_seed(0)
    return nr.nn.Sequential(nr.nn.Linear(4, 8), nr.nn.ReLU(), nr.nn.Linear(8, 2))


class TwoInputs(nr.nn.Module):
    """forward(image, scale) -> (image @ W + b) * scale and its relu."""

    def __init__(self) -> None:
        super().__init__()
        self.fc = nr.nn.Linear(4, 3)

    def forward(self, image, scale):
        out = self.fc(image) * scale
        return out, out.relu()


class Nested(nr.nn.Module):
    """Returns ``(a, (b, c))``: exported as three outputs."""

    def __init__(self) -> None:
        super().__init__()
        self.fc = nr.nn.Linear(4, 4)

    def forward(self, x):
        a = self.fc(x)
        return a, (a.relu(), self.fc(a))


# -- where export writes ----------------------------------------------------------------------


def test_export_to_a_path(tmp_path):
    model, x = mlp(), nr.randn(2, 4)
    path = tmp_path / "model.onnx"
    nr.onnx.export(model, x, path)
    onnx.checker.check_model(str(path))
    with nr.no_grad():
        np.testing.assert_allclose(nr.onnx.load(path)(x).numpy(), model(x).numpy(), atol=1e-6)


def test_export_to_a_file_object():
    model, x = mlp(), nr.randn(2, 4)
    with io.BytesIO() as buffer:
        proto = nr.onnx.export(model, x, buffer)
        assert buffer.getvalue() == proto.SerializeToString()


def test_export_without_a_file_returns_the_model_proto():
    proto = nr.onnx.export(mlp(), nr.randn(2, 4))
    assert isinstance(proto, onnx.ModelProto)
    assert proto.producer_name == "neurarust"
    assert [n.op_type for n in proto.graph.node] == ["Gemm", "Relu", "Gemm"]
    assert proto.opset_import[0].version == 17


# -- names, keyword arguments, outputs --------------------------------------------------------


def _io_names(proto) -> tuple[list[str], list[str]]:
    return [i.name for i in proto.graph.input], [o.name for o in proto.graph.output]


def test_default_names_are_the_forward_parameters_and_output_k():
    proto = nr.onnx.export(TwoInputs(), (nr.randn(2, 4), nr.tensor(2.0)))
    assert _io_names(proto) == (["image", "scale"], ["output", "output_1"])


def test_given_names_are_used_and_missing_ones_filled_in():
    proto = nr.onnx.export(
        TwoInputs(), (nr.randn(2, 4), nr.tensor(2.0)), input_names=["x"], output_names=["y"]
    )
    assert _io_names(proto) == (["x", "input_1"], ["y", "output_1"])


@pytest.mark.parametrize(
    "names", [{"input_names": ["a", "b", "c"]}, {"output_names": ["y", "y"]}], ids=str
)
def test_too_many_or_repeated_names_are_refused(names):
    with pytest.raises(ValueError, match="names"):
        nr.onnx.export(TwoInputs(), (nr.randn(2, 4), nr.tensor(2.0)), **names)


@pytest.mark.parametrize("form", ["kwargs", "dict-in-args"])
def test_keyword_arguments_become_inputs(form):
    model, image, scale = TwoInputs().eval(), nr.randn(2, 4), nr.tensor(3.0)
    args = (image, {"scale": scale}) if form == "dict-in-args" else (image,)
    kwargs = {"kwargs": {"scale": scale}} if form == "kwargs" else {}
    data = export_bytes(model, args, **kwargs)
    assert _io_names(onnx.load_from_string(data))[0] == ["image", "scale"]
    with nr.no_grad():
        expected = [t.numpy() for t in model(image, scale=scale)]
    for ours, theirs in zip(run_onnxruntime(data, (image, scale)), expected):
        np.testing.assert_allclose(ours, theirs, atol=1e-6)


def test_nested_outputs_are_flattened():
    model, x = Nested(), nr.randn(2, 4)
    data = check_roundtrip(model, x, other_args=[nr.randn(5, 4)], dynamic_axes={"x": {0: "n"}})
    assert _io_names(onnx.load_from_string(data))[1] == ["output", "output_1", "output_2"]
    assert len(nr.onnx.load(data)(x)) == 3


@pytest.mark.parametrize("training", [True, False])
def test_export_runs_in_eval_mode_and_the_model_keeps_its_mode(training):
    model = nr.nn.Sequential(nr.nn.Linear(4, 4), nr.nn.Dropout(0.5), nr.nn.Linear(4, 2))
    model.train(training)
    proto = nr.onnx.export(model, nr.randn(2, 4))
    assert [n.op_type for n in proto.graph.node] == ["Gemm", "Gemm"]  # no dropout
    assert all(m.training == training for m in model.modules())


# -- dynamic axes -------------------------------------------------------------------------------


def test_dynamic_axes_as_a_list_of_axes():
    data = check_roundtrip(
        mlp(), nr.randn(2, 4), other_args=[nr.randn(6, 4)], dynamic_axes={"input": [0]}
    )
    dims = onnx.load_from_string(data).graph.input[0].type.tensor_type.shape.dim
    assert dims[0].dim_param and dims[1].dim_value == 4


def test_dynamic_axes_name_the_declared_dimensions():
    data = export_bytes(mlp(), nr.randn(2, 4), input_names=["x"], dynamic_axes={"x": {0: "batch"}})
    graph = onnx.load_from_string(data).graph
    for value in (graph.input[0], graph.output[0]):
        assert value.type.tensor_type.shape.dim[0].dim_param == "batch"


@pytest.mark.parametrize(
    "dynamic_axes, match",
    [
        ({"images": {0: "batch"}}, "images"),  # not an input or output name
        ({"input": {2: "batch"}}, "axis 2"),  # the input has 2 dimensions
    ],
)
def test_bad_dynamic_axes_are_refused(dynamic_axes, match):
    with pytest.raises(ValueError, match=match):
        nr.onnx.export(mlp(), nr.randn(2, 4), dynamic_axes=dynamic_axes)


class BranchesOnBatch(nr.nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.fc = nr.nn.Linear(4, 4)

    def forward(self, x):
        out = self.fc(x)
        if x.shape[0] > 2:  # Python control flow on a dynamic size
            out = out.relu()
        return out


def test_control_flow_on_a_dynamic_size_is_refused():
    with pytest.raises(UnsupportedOperatorError, match="control flow"):
        nr.onnx.export(BranchesOnBatch(), nr.randn(2, 4), dynamic_axes={"x": {0: "batch"}})
    nr.onnx.export(BranchesOnBatch(), nr.randn(2, 4))  # with fixed sizes it exports


@pytest.mark.parametrize("opset_version", [12, 19])
def test_opset_version_out_of_range_is_refused(opset_version):
    with pytest.raises(ValueError, match="opset_version"):
        nr.onnx.export(mlp(), nr.randn(2, 4), opset_version=opset_version)


# -- ops without an ONNX form -------------------------------------------------------------------


class Inverts(nr.nn.Module):
    def forward(self, x):
        return nr.linalg.inv(x)


class Encoder(nr.nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.block = Inverts()


class Model(nr.nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.encoder = Encoder()

    def forward(self, x):
        return self.encoder.block(x.relu())


def test_an_op_without_converter_is_named_with_its_module_path():
    with pytest.raises(UnsupportedOperatorError, match=r"Inverse \(in 'encoder\.block'\)"):
        nr.onnx.export(Model(), nr.randn(2, 3, 3))


# -- load -------------------------------------------------------------------------------------


def _source(kind, data, tmp_path):
    if kind == "path":
        (tmp_path / "model.onnx").write_bytes(data)
        return tmp_path / "model.onnx"
    if kind == "str":
        (tmp_path / "model.onnx").write_bytes(data)
        return str(tmp_path / "model.onnx")
    if kind == "file":
        return io.BytesIO(data)
    if kind == "proto":
        return onnx.load_from_string(data)
    return data


@pytest.mark.parametrize("kind", ["path", "str", "bytes", "file", "proto"])
def test_load_from(kind, tmp_path):
    model, x = mlp(), nr.randn(3, 4)
    data = export_bytes(model, x, input_names=["x"])
    loaded = nr.onnx.load(_source(kind, data, tmp_path))
    assert isinstance(loaded, OnnxModule)
    assert loaded.input_names == ["x"] and loaded.output_names == ["output"]
    assert not loaded.training
    with nr.no_grad():
        np.testing.assert_allclose(loaded(x).numpy(), model(x).numpy(), atol=1e-6)


def test_loaded_module_takes_arrays_and_lists():
    model, x = mlp(), nr.randn(3, 4)
    loaded = nr.onnx.load(export_bytes(model, x))
    with nr.no_grad():
        expected = model(x).numpy()
        np.testing.assert_allclose(loaded(x.numpy()).numpy(), expected, atol=1e-6)
        np.testing.assert_allclose(loaded(x.numpy().tolist()).numpy(), expected, atol=1e-6)


def test_loaded_module_checks_its_input_count():
    loaded = nr.onnx.load(export_bytes(mlp(), nr.randn(3, 4), input_names=["x"]))
    with pytest.raises(TypeError, match=r"takes 1 inputs \['x'\], got 2"):
        loaded(nr.randn(3, 4), nr.randn(3, 4))


def _graph_with(node) -> bytes:
    helper = onnx.helper
    x = helper.make_tensor_value_info("x", onnx.TensorProto.FLOAT, [2, 3])
    y = helper.make_tensor_value_info("y", onnx.TensorProto.FLOAT, [2, 3])
    relu = helper.make_node("Relu", ["x"], ["r"], name="first")
    graph = helper.make_graph([relu, node], "g", [x], [y])
    return helper.make_model(graph).SerializeToString()


@pytest.mark.parametrize(
    "node, match",
    [
        (
            onnx.helper.make_node("NonMaxSuppression", ["r", "r"], ["y"], name="nms"),
            "node 'nms' uses operator 'NonMaxSuppression'",
        ),
        (
            onnx.helper.make_node("Swish", ["r"], ["y"], name="act", domain="com.example"),
            "node 'act' uses operator 'Swish' of domain 'com.example'",
        ),
    ],
    ids=["unknown-op", "custom-domain"],
)
def test_load_of_an_unknown_operator_names_the_node(node, match):
    with pytest.raises(UnsupportedOperatorError, match=match):
        nr.onnx.load(_graph_with(node))


def test_the_guide_lists_the_operators_load_supports():
    from neurarust.onnx.importers import IMPORTERS

    guide = Path(__file__).resolve().parents[2] / "docs" / "onnx.md"
    section = guide.read_text().split("## What load supports")[1].split("\n## ")[0]
    table = "\n".join(line for line in section.splitlines() if line.startswith("| "))
    assert sorted(re.findall(r"`(\w+)`", table)) == sorted(IMPORTERS)


# -- the optional onnx package ----------------------------------------------------------------


def test_importing_neurarust_does_not_import_onnx():
    code = (
        "import sys, neurarust, neurarust.onnx; "
        "assert 'onnx' not in sys.modules and 'onnxruntime' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.parametrize("call", ["export", "load"])
def test_missing_onnx_package_says_how_to_install_it(call, monkeypatch):
    monkeypatch.setitem(sys.modules, "onnx", None)  # import onnx now raises ImportError
    with pytest.raises(ImportError, match=r"pip install neurarust\[onnx\]"):
        if call == "export":
            nr.onnx.export(mlp(), nr.randn(2, 4))
        else:
            nr.onnx.load(b"")
