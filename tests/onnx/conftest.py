"""Helpers for the ONNX tests: round trips through onnxruntime and through PyTorch.

Every test module starts with ``pytest.importorskip("onnx")`` (and
``onnxruntime`` where it runs graphs); the helpers import them lazily.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

import numpy as np

import neurarust as nr


def _arrays(value: Any) -> list[np.ndarray]:
    """The tensors of a (nested) result as NumPy arrays, in order."""
    if isinstance(value, (tuple, list)):
        return [a for item in value for a in _arrays(item)]
    if isinstance(value, nr.Tensor):
        return [value.detach().numpy()]
    if hasattr(value, "detach"):  # a torch tensor
        return [value.detach().numpy()]
    return [np.asarray(value)]


def _inputs(args: Any) -> list[Any]:
    return list(args) if isinstance(args, tuple) else [args]


def export_bytes(model: nr.nn.Module, args: Any, **kwargs: Any) -> bytes:
    """``nr.onnx.export`` into memory, checked by ``onnx.checker`` (export does it too)
    and by strict shape inference, which catches wrong dtypes and ranks."""
    import onnx

    buffer = io.BytesIO()
    proto = nr.onnx.export(model, args, buffer, **kwargs)
    onnx.checker.check_model(proto, full_check=True)
    return buffer.getvalue()


def run_onnxruntime(data: bytes, args: Any) -> list[np.ndarray]:
    """Run a serialized model in onnxruntime on tensors (or arrays), in input order."""
    import onnxruntime

    session = onnxruntime.InferenceSession(data, providers=["CPUExecutionProvider"])
    names = [i.name for i in session.get_inputs()]
    feeds = {n: _arrays(x)[0] for n, x in zip(names, _inputs(args))}
    return session.run(None, feeds)


def assert_close(ours: Any, expected: Any, atol: float, rtol: float, what: str) -> None:
    ours_list, expected_list = _arrays(ours), _arrays(expected)
    assert len(ours_list) == len(expected_list), (
        f"{what}: {len(ours_list)} outputs, expected {len(expected_list)}"
    )
    for k, (a, b) in enumerate(zip(ours_list, expected_list)):
        assert a.shape == b.shape, f"{what}, output {k}: shape {a.shape} != {b.shape}"
        np.testing.assert_allclose(a, b, atol=atol, rtol=rtol, err_msg=f"{what}, output {k}")


def check_roundtrip(
    model: nr.nn.Module,
    args: Any,
    *,
    other_args: Sequence[Any] = (),
    atol: float = 1e-5,
    rtol: float = 1e-5,
    **export_kwargs: Any,
) -> bytes:
    """Export ``model``; onnxruntime and ``nr.onnx.load`` must both give ``model``'s
    outputs (in eval mode) on ``args`` and on each of ``other_args`` (inputs of other
    sizes, for dynamic axes). Returns the serialized model."""
    model.eval()
    data = export_bytes(model, args, **export_kwargs)
    loaded = nr.onnx.load(data)
    with nr.no_grad():
        for inputs in [args, *other_args]:
            expected = model(*_inputs(inputs))
            assert_close(run_onnxruntime(data, inputs), expected, atol, rtol, "onnxruntime")
            assert_close(loaded(*_inputs(inputs)), expected, atol, rtol, "nr.onnx.load")
    return data


def torch_export(
    model: Any,
    args: Any,
    *,
    dynamo: bool = False,
    opset_version: int = 17,
    input_names: list[str] | None = None,
    dynamic_axes: dict[str, Any] | None = None,
) -> bytes:
    """Export a torch module with torch.onnx.export into memory (legacy TorchScript
    exporter by default, the dynamo one with ``dynamo=True``)."""
    import torch

    model.eval()
    inputs = tuple(_inputs(args))
    if dynamo:
        shapes = None
        if dynamic_axes:
            names = input_names or [f"input_{k}" for k in range(len(inputs))]
            shapes = tuple(
                {axis: torch.export.Dim(f"d_{name}_{axis}") for axis in dynamic_axes.get(name, {})}
                or None
                for name in names
            )
        program = torch.onnx.export(
            model,
            inputs,
            dynamo=True,
            opset_version=opset_version,
            input_names=input_names,
            dynamic_shapes=shapes,
            verbose=False,
        )
        return program.model_proto.SerializeToString()
    buffer = io.BytesIO()
    torch.onnx.export(
        model,
        inputs,
        buffer,
        dynamo=False,
        opset_version=opset_version,
        input_names=input_names,
        dynamic_axes=dynamic_axes,
    )
    return buffer.getvalue()


def check_torch_import(
    model: Any,
    args: Any,
    *,
    other_args: Sequence[Any] = (),
    atol: float = 1e-5,
    rtol: float = 1e-5,
    **export_kwargs: Any,
) -> nr.onnx.OnnxModule:
    """Export a torch module with torch's exporter; ``nr.onnx.load`` must reproduce
    torch's outputs on ``args`` and each of ``other_args`` (torch tensors)."""
    import torch

    data = torch_export(model, args, **export_kwargs)
    loaded = nr.onnx.load(data)
    with torch.no_grad():
        for inputs in [args, *other_args]:
            expected = model(*_inputs(inputs))
            ours = loaded(*[nr.from_numpy(x.numpy()) for x in _inputs(inputs)])
            assert_close(ours, expected, atol, rtol, "nr.onnx.load of torch's export")
    return loaded
