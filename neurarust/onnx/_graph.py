"""Building the ONNX graph of a trace: names, nodes, constants and run-time shapes.

Converters (``neurarust/onnx/exporters/``) talk to a :class:`GraphBuilder`:
they ask for the ONNX name of a tensor with :meth:`GraphBuilder.name`, add
nodes with :meth:`GraphBuilder.op` and return the names of their outputs.
Only :meth:`GraphBuilder.to_onnx` touches the ``onnx`` package itself.

**Dynamic axes.** ``export`` traces the model twice, the second time with
every dynamic axis made longer (see ``export.py``). Each traced tensor then
has a *twin* from the second trace, and an axis whose size differs between
the two is dynamic. A size that a converter needs at run time (a Reshape
target, say) is written as a constant when it is the same in both traces, and
otherwise as ``c * d`` or ``c * d1 * d2`` for dynamic input dimensions ``d``
read from the graph inputs with ``Shape``: the factor ``c`` must be the same
in both traces (:meth:`GraphBuilder.size`).
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np

from ..nn.modules.module import Module
from ..tensor import Tensor
from ._trace import Call

# The largest int64: ONNX's "to the end" for Slice ends.
INT64_MAX = np.iinfo(np.int64).max


class UnsupportedOperatorError(NotImplementedError):
    """An op that neurarust cannot write to ONNX, or an ONNX node it cannot run."""


@dataclass(frozen=True)
class Symbol:
    """A dynamic dimension: axis ``axis`` of graph input ``input``, called ``name``."""

    name: str
    input: str
    axis: int
    size: int  # in the first trace
    twin_size: int  # in the second trace


@dataclass
class Node:
    """An ONNX node, before it becomes a ``NodeProto``."""

    op_type: str
    inputs: list[str]
    outputs: list[str]
    attrs: dict[str, Any]
    name: str


class GraphBuilder:
    """Collects the nodes, constants and names of the graph being exported.

    Attributes:
        opset: the ONNX opset version being written (13 to 18).
        symbols: the dynamic dimensions of the graph inputs.
    """

    def __init__(
        self, opset: int, twins: dict[int, Tensor], symbols: list[Symbol], model: Module
    ) -> None:
        self.opset = opset
        self.symbols = symbols
        self.nodes: list[Node] = []
        self.initializers: dict[str, np.ndarray] = {}
        self._twins = twins
        self._names: dict[int, tuple[str, Tensor, int]] = {}  # id -> (name, tensor, version)
        self._taken: set[str] = set()
        self._sizes: dict[tuple[int, int], str] = {}
        self.current: Call | None = None  # the call being converted, for error messages
        # Parameters and buffers become initializers named by their state_dict key
        # when an op first reads them (so unused ones are not written).
        self._weights = {id(t): (name, t) for name, t in model.state_dict(keep_vars=True).items()}
        self._outputs: set[str] = set()

    # -- names ---------------------------------------------------------------------------

    def unique(self, hint: str) -> str:
        """A value name not used yet, built from ``hint`` (``"relu"`` -> ``"relu_3"``)."""
        base = re.sub(r"[^0-9A-Za-z_.:/]", "_", hint) or "value"
        name = base
        for k in itertools.count(1):
            if name not in self._taken:
                break
            name = f"{base}_{k}"
        self._taken.add(name)
        return name

    def bind(self, tensor: Tensor, name: str) -> None:
        """From now on ``tensor`` is the value called ``name`` in the graph."""
        self._taken.add(name)
        self._names[id(tensor)] = (name, tensor, tensor._version[0])

    def values(self) -> list[Tensor]:
        """The tensors the graph holds so far: inputs, weights read, op outputs."""
        return [tensor for _, tensor, _ in self._names.values()]

    def known(self, tensor: Tensor) -> bool:
        """True if ``tensor`` is a graph input, a weight or the output of a converted op."""
        return id(tensor) in self._names

    def name(self, value: Any, like: Tensor | None = None) -> str:
        """The graph name of ``value``, adding a constant for values the graph lacks.

        Args:
            value: a tensor, a NumPy array or a Python number.
            like: for Python numbers, the tensor whose dtype the constant takes
                (ONNX does not promote types, PyTorch does).
        """
        if isinstance(value, Tensor):
            entry = self._names.get(id(value))
            if entry is None and id(value) in self._weights:
                weight_name, weight = self._weights[id(value)]
                self.initializers[weight_name] = weight.numpy(force=True)
                self.bind(weight, weight_name)
                return weight_name
            if entry is None:
                if value._base is not None and id(value._base) in self._names:
                    self._check_not_modified(self._names[id(value._base)])
                self._check_static(value)
                return self.constant(value.numpy(force=True), "const")
            self._check_not_modified(entry)
            if not entry[0]:
                raise UnsupportedOperatorError(
                    f"onnx.export: {self.where()} reads an output that has no ONNX form "
                    "(such as the indices of max pooling)"
                )
            return entry[0]
        dtype = like.dtype.numpy if like is not None else None
        return self.constant(np.asarray(value, dtype=dtype), "const")

    def _check_not_modified(self, entry: tuple[str, Tensor, int]) -> None:
        name, tensor, version = entry
        if tensor._version[0] != version:
            raise UnsupportedOperatorError(
                f"onnx.export: the value {name!r} was modified in place through a view of it "
                f"(at {self.where()}); the export cannot follow writes into views. Write the "
                "forward without in-place ops on views (x = x + 1 instead of x[:, 0] += 1)."
            )

    def _check_static(self, constant: Tensor) -> None:
        twin = self.twin(constant)
        if twin is not None and twin.shape == constant.shape:
            ours, theirs = constant.numpy(force=True), twin.numpy(force=True)
            if not np.array_equal(ours, theirs, equal_nan=ours.dtype.kind in "fc"):
                raise UnsupportedOperatorError(
                    f"onnx.export: {self.where()} reads a tensor of shape "
                    f"{list(constant.shape)} that depends on the inputs but was computed by an "
                    "op the trace cannot see (sort, topk, nonzero, searchsorted, isclose, or "
                    "NumPy code on tensor data); the graph would hold it as a constant. Those "
                    "ops cannot be exported yet."
                )
        if self.dynamic_axes(constant):
            raise UnsupportedOperatorError(
                f"onnx.export: {self.where()} uses a tensor of shape {list(constant.shape)} that "
                "was created in forward (zeros(), zeros_like(), arange()...) rather than "
                "computed from the inputs, and its shape depends on the dynamic axes. The graph "
                "would hold it as a constant of one size, so this model can only be exported "
                "with fixed sizes (without dynamic_axes)."
            )

    def where(self) -> str:
        return self.current.describe() if self.current is not None else "the graph outputs"

    # -- nodes and constants -------------------------------------------------------------

    def constant(self, array: np.ndarray, hint: str = "const") -> str:
        """Add a ``Constant`` node holding ``array`` and return its output name.

        Only the model's weights are initializers: a loader (``nr.onnx.load``
        among them) makes initializers trainable, and constants must stay fixed.
        """
        name = self.unique(hint)
        value = np.array(array)  # a copy, 0-d arrays kept 0-d
        self.nodes.append(Node("Constant", [], [name], {"value": value}, self.unique("/Constant")))
        return name

    def weight(self, array: np.ndarray, name: str) -> str:
        """Add a weight the converter derived from a module's parameters (an LSTM's
        gates in ONNX's order) as an initializer, trainable once loaded."""
        name = self.unique(name)
        self.initializers[name] = np.array(array)
        return name

    def ints(self, values: Any, hint: str = "ints") -> str:
        """A constant 1-D int64 tensor (axes, shapes, starts...)."""
        return self.constant(np.asarray(values, dtype=np.int64).reshape(-1), hint)

    def op(self, op_type: str, *inputs: str, outputs: int = 1, **attrs: Any) -> Any:
        """Add a node and return its output name (or a tuple of names if ``outputs > 1``).

        ``inputs`` are value names, ``""`` for an omitted optional input;
        ``attrs`` become the node's attributes (None values are left out).
        """
        hint = op_type.lower()
        names = [self.unique(hint if outputs == 1 else f"{hint}_out{k}") for k in range(outputs)]
        attributes = {k: v for k, v in attrs.items() if v is not None}
        path = self.current.module_path if self.current is not None else ""
        node_name = self.unique("/" + "/".join([*path.split("."), op_type]).lstrip("/"))
        self.nodes.append(Node(op_type, list(inputs), names, attributes, node_name))
        return names[0] if outputs == 1 else tuple(names)

    # -- dynamic shapes ------------------------------------------------------------------

    def twin(self, tensor: Tensor) -> Tensor | None:
        """The same tensor in the second trace, or None without dynamic axes."""
        return self._twins.get(id(tensor))

    def dynamic_axes(self, tensor: Tensor) -> tuple[int, ...]:
        """The axes of ``tensor`` whose size depends on the dynamic input dimensions."""
        twin = self.twin(tensor)
        if twin is None:
            return ()
        return tuple(k for k, (a, b) in enumerate(zip(tensor.shape, twin.shape)) if a != b)

    def size(self, value: int, twin_value: int) -> str:
        """A 1-element int64 tensor equal to ``value`` in the first trace and
        ``twin_value`` in the second: a constant, or ``c * d`` / ``c * d1 * d2``
        of dynamic input dimensions ``d``."""
        key = (value, twin_value)
        if key in self._sizes:
            return self._sizes[key]
        if value == twin_value:
            name = self.ints([value], "size")
        else:
            name = self._dynamic_size(value, twin_value)
        self._sizes[key] = name
        return name

    def _dynamic_size(self, value: int, twin_value: int) -> str:
        for count in (1, 2):
            for group in itertools.combinations(self.symbols, count):
                size = int(np.prod([s.size for s in group]))
                twin_size = int(np.prod([s.twin_size for s in group]))
                factor = Fraction(value, size)
                if factor != Fraction(twin_value, twin_size):
                    continue
                name = (
                    self.op("Mul", *(self._symbol_size(s) for s in group))
                    if count == 2
                    else self._symbol_size(group[0])
                )
                if factor.numerator != 1:
                    name = self.op("Mul", name, self.ints([factor.numerator], "factor"))
                if factor.denominator != 1:
                    name = self.op("Div", name, self.ints([factor.denominator], "divisor"))
                return name
        raise UnsupportedOperatorError(
            f"onnx.export: a size in {self.where()} is {value} for the example inputs and "
            f"{twin_value} when the dynamic axes grow; it is not a multiple of one or two "
            f"dynamic dimensions ({', '.join(s.name for s in self.symbols)}), so the exported "
            "graph cannot compute it. Export with a fixed size for those axes, or compute the "
            "size from the dynamic axes directly (x.shape[0] * 4)."
        )

    def _symbol_size(self, symbol: Symbol) -> str:
        shape = self.op("Shape", symbol.input)
        return self.op("Gather", shape, self.ints([symbol.axis], "axis"), axis=0)

    def shape(self, tensor: Tensor) -> str:
        """A 1-D int64 tensor holding ``tensor``'s shape at run time (for Reshape,
        Expand, ConstantOfShape): a constant unless some axes are dynamic."""
        twin = self.twin(tensor)
        if twin is None or tuple(twin.shape) == tuple(tensor.shape):
            return self.ints(list(tensor.shape), "shape")
        parts = [self.size(a, b) for a, b in zip(tensor.shape, twin.shape)]
        return self.op("Concat", *parts, axis=0)

    def output(self, tensor: Tensor, name: str) -> tuple[Tensor, str]:
        """Make ``tensor`` a graph output called ``name``: rename the node output that
        computes it, or add an Identity when it is an input, a weight or another output."""
        current = self.name(tensor)
        if name != current and name in self._taken:
            raise ValueError(f"onnx.export: the output name {name!r} is already used in the graph")
        producer = next((n for n in self.nodes if current in n.outputs), None)
        if producer is None or current in self._outputs:
            self.nodes.append(Node("Identity", [current], [name], {}, self.unique(f"/{name}")))
        elif name != current:
            for node in self.nodes:
                node.inputs = [name if i == current else i for i in node.inputs]
                node.outputs = [name if o == current else o for o in node.outputs]
            self.bind(tensor, name)
        self._taken.add(name)
        self._outputs.add(name)
        return tensor, name

    # -- the result ----------------------------------------------------------------------

    def to_onnx(self) -> tuple[list[Any], list[Any]]:
        """The nodes and initializers as ``onnx`` protos."""
        from onnx import helper, numpy_helper

        nodes = [
            helper.make_node(n.op_type, n.inputs, n.outputs, name=n.name, **_proto_attrs(n.attrs))
            for n in self.nodes
        ]
        initializers = [numpy_helper.from_array(a, name) for name, a in self.initializers.items()]
        return nodes, initializers


def _proto_attrs(attrs: dict[str, Any]) -> dict[str, Any]:
    """Node attributes for ``onnx.helper.make_node``: NumPy arrays become TensorProtos."""
    from onnx import numpy_helper

    return {
        k: numpy_helper.from_array(v) if isinstance(v, np.ndarray) else v for k, v in attrs.items()
    }
