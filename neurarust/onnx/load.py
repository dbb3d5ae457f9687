"""``neurarust.onnx.load``: run an ONNX model as a neurarust module.

The graph is not compiled: :class:`OnnxModule` keeps the node list and its
forward walks it in order (ONNX stores nodes topologically sorted), calling
for each node the importer of its operator (``neurarust/onnx/importers/``)
on the tensors computed so far. Weights (the graph's initializers) become
Parameters under their ONNX names, nested like the model they came from:
``layer1.0.conv1.weight`` is the parameter ``weight`` of the submodule
``layer1.0.conv1``, so ``state_dict()`` keys match the exporter's model.
"""

from __future__ import annotations

import keyword
import os
import re
from typing import IO, Any

import numpy as np

from .. import ops
from .._optional import import_optional
from ..nn.modules.module import Module
from ..nn.parameter import Parameter
from ..tensor import Tensor
from ._graph import UnsupportedOperatorError
from .importers import IMPORTERS, NodeContext


def load(f: str | os.PathLike[str] | IO[bytes] | bytes | Any) -> OnnxModule:
    """Read an ONNX model and return a module that runs it with neurarust ops.

    Args:
        f: a path, a binary file, the serialized bytes, or an ``onnx.ModelProto``.

    Returns:
        An :class:`OnnxModule` on the CPU, in eval mode (``.to("cuda")``,
        ``.train()`` and optimizers work as on any module).

    Raises:
        UnsupportedOperatorError: the graph uses an operator (or an attribute
            value) that neurarust does not implement; the message names the node.
        ImportError: the ``onnx`` package is missing (``pip install neurarust[onnx]``).

    Examples:
        >>> import io
        >>> import neurarust as nr
        >>> buffer = io.BytesIO()
        >>> _ = nr.onnx.export(nr.nn.Linear(3, 2), nr.randn(1, 3), buffer, input_names=["x"])
        >>> module = nr.onnx.load(buffer.getvalue())
        >>> module(nr.randn(5, 3)).shape
        neurarust.Size([5, 2])
    """
    onnx = import_optional("onnx", "onnx.load", "onnx", extra="onnx")
    if isinstance(f, onnx.ModelProto):
        proto = f
    elif isinstance(f, (bytes, bytearray)):
        proto = onnx.load_model_from_string(bytes(f))
    else:
        proto = onnx.load_model(f)
    return OnnxModule(proto)


class OnnxModule(Module):
    """An ONNX graph as an ``nn.Module``; made by :func:`load`.

    ``forward(*inputs)`` takes the graph inputs in order (tensors, or arrays
    and lists that ``neurarust.as_tensor`` accepts) and returns the output
    tensor, or a tuple when the graph has several outputs.

    Attributes:
        input_names: the graph inputs, in the order forward takes them.
        output_names: the graph outputs, in the order forward returns them.
        opset: the opset version of the default ONNX domain.
    """

    def __init__(self, proto: Any) -> None:
        super().__init__()
        from onnx import helper, numpy_helper

        graph = proto.graph
        self.opset = _default_opset(proto)
        initializers = {t.name: numpy_helper.to_array(t) for t in graph.initializer}
        self.input_names = [i.name for i in graph.input if i.name not in initializers]
        self.output_names = [o.name for o in graph.output]
        self._nodes: list[tuple[NodeContext, Any, list[str], list[str]]] = []
        state: set[str] = set()
        for k, node in enumerate(graph.node):
            name = node.name or f"{node.op_type}_{k}"
            if node.domain not in ("", "ai.onnx"):
                raise UnsupportedOperatorError(
                    f"onnx.load: node {name!r} uses operator {node.op_type!r} of domain "
                    f"{node.domain!r}; neurarust implements the default ONNX domain only"
                )
            entry = IMPORTERS.get(node.op_type)
            if entry is None:
                raise UnsupportedOperatorError(
                    f"onnx.load: node {name!r} uses operator {node.op_type!r}, which neurarust "
                    "does not implement (the 'Deploy with ONNX' docs page lists the operators)"
                )
            attrs = {a.name: _attribute(helper, numpy_helper, a, name) for a in node.attribute}
            context = NodeContext(node.op_type, name, attrs, self.opset, len(node.output))
            self._nodes.append((context, entry.run, list(node.input), list(node.output)))
            state.update(node.input[i] for i in entry.state_inputs if i < len(node.input))
        self._values: dict[str, tuple[Module, str]] = {}
        for onnx_name, array in initializers.items():
            trainable = onnx_name not in state and np.issubdtype(array.dtype, np.floating)
            self._attach(onnx_name, array, trainable)
        self.eval()

    def _attach(self, onnx_name: str, array: np.ndarray, trainable: bool) -> None:
        """Register an initializer as a Parameter or buffer at its dotted path."""
        *path, leaf = [_identifier(part) for part in onnx_name.split(".")] or ["value"]
        owner: Module = self
        for part in path:
            child = owner._modules.get(part)
            if child is None:
                child = Module()
                owner.add_module(part, child)
            owner = child
        while hasattr(owner, leaf) or leaf in owner._modules:
            leaf += "_"
        tensor = ops.as_tensor(np.array(array))
        if trainable:
            owner.register_parameter(leaf, Parameter(tensor))
        else:  # integer constants (shapes, indices) are part of the graph, not its state
            persistent = np.issubdtype(array.dtype, np.floating)
            owner.register_buffer(leaf, tensor, persistent=persistent)
        self._values[onnx_name] = (owner, leaf)

    def forward(self, *inputs: Any) -> Any:
        if len(inputs) != len(self.input_names):
            raise TypeError(
                f"OnnxModule.forward: the graph takes {len(self.input_names)} inputs "
                f"{self.input_names}, got {len(inputs)}"
            )
        env: dict[str, Any] = {
            name: getattr(owner, attr) for name, (owner, attr) in self._values.items()
        }
        for name, value in zip(self.input_names, inputs):
            env[name] = value if isinstance(value, Tensor) else ops.as_tensor(value)
        for context, run, input_names, output_names in self._nodes:
            context.training = self.training
            args = [env[n] if n else None for n in input_names]
            try:
                result = run(context, *args)
            except (ValueError, TypeError, RuntimeError, IndexError) as error:
                if isinstance(error, UnsupportedOperatorError):
                    raise
                raise type(error)(
                    f"{error} (in ONNX node {context.name!r}, {context.op_type})"
                ) from error
            results = result if isinstance(result, tuple) else (result,)
            for name, value in zip(output_names, results):
                if name:
                    env[name] = value
        outputs = tuple(env[name] for name in self.output_names)
        return outputs[0] if len(outputs) == 1 else outputs

    def extra_repr(self) -> str:
        return (
            f"inputs={self.input_names}, outputs={self.output_names}, "
            f"nodes={len(self._nodes)}, opset={self.opset}"
        )


def _default_opset(proto: Any) -> int:
    for opset in proto.opset_import:
        if opset.domain in ("", "ai.onnx"):
            return int(opset.version)
    return 1


def _attribute(helper: Any, numpy_helper: Any, attribute: Any, node_name: str) -> Any:
    """An attribute's value as plain Python: ints, floats, str, lists, arrays."""
    value = helper.get_attribute_value(attribute)
    if isinstance(value, bytes):
        return value.decode()
    if hasattr(value, "dims") and hasattr(value, "data_type"):  # a TensorProto
        return numpy_helper.to_array(value)
    if hasattr(value, "node"):  # a GraphProto: If, Loop, Scan
        raise UnsupportedOperatorError(
            f"onnx.load: node {node_name!r} has a subgraph attribute {attribute.name!r}; "
            "control-flow operators (If, Loop, Scan) are not supported"
        )
    if isinstance(value, list):
        return [v.decode() if isinstance(v, bytes) else v for v in value]
    return value


def _identifier(part: str) -> str:
    """An ONNX name segment as an attribute name: ``onnx::Conv_3`` -> ``onnx__Conv_3``."""
    name = re.sub(r"\W", "_", part) or "_"
    return name + "_" if keyword.iskeyword(name) else name
