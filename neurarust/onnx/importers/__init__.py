"""ONNX operators written with neurarust ops, one registry for all.

An importer takes a :class:`NodeContext` (the node's attributes, the opset,
the module's training flag) and the node's input tensors (None for omitted
optional inputs) and returns its output tensor, or a tuple of them::

    @implements("Relu")
    def relu(node, x):
        return nr.relu(x)

Because they use neurarust ops, imported graphs run on any device and are
differentiable (fine-tuning works).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ...tensor import Tensor
from .._graph import UnsupportedOperatorError


@dataclass
class NodeContext:
    """What an importer knows about the node it runs.

    Attributes:
        op_type: the ONNX operator (``"Conv"``).
        name: the node's name in the graph (for error messages).
        attrs: the node's attributes, as Python values (ints, floats, strings,
            lists, NumPy arrays for tensors).
        opset: the model's opset version of the default domain.
        output_count: how many outputs the node declares (Split without sizes needs it).
        training: the module's training flag (Dropout and BatchNormalization use it).
    """

    op_type: str
    name: str
    attrs: dict[str, Any]
    opset: int
    output_count: int = 1
    training: bool = False

    def attr(self, key: str, default: Any = None) -> Any:
        """The attribute ``key``, or ``default`` when the node does not set it."""
        return self.attrs.get(key, default)

    def error(self, message: str) -> UnsupportedOperatorError:
        """An error naming this node, to raise for unsupported attribute values."""
        return UnsupportedOperatorError(
            f"onnx.load: node {self.name!r} ({self.op_type}): {message}"
        )


def ints(tensor: Tensor | None) -> list[int]:
    """The values of a small integer tensor (a shape, axes, pads...) as Python ints."""
    if tensor is None:
        return []
    return [int(v) for v in tensor.numpy(force=True).reshape(-1).tolist()]


Importer = Callable[..., Any]


@dataclass(frozen=True)
class Entry:
    """A registered importer and the inputs that hold state rather than weights."""

    run: Importer
    state_inputs: tuple[int, ...]


IMPORTERS: dict[str, Entry] = {}


def implements(
    *op_types: str, state_inputs: tuple[int, ...] = ()
) -> Callable[[Importer], Importer]:
    """Register the decorated function as the importer of ``op_types``.

    Args:
        state_inputs: input positions whose initializers are state, not weights
            (BatchNormalization's running mean and variance): they load as
            buffers instead of Parameters, so optimizers leave them alone.
    """

    def register(run: Importer) -> Importer:
        for op_type in op_types:
            IMPORTERS[op_type] = Entry(run, state_inputs)
        return run

    return register


from . import math, nn, recurrent, shape  # noqa: E402, F401  (they register importers)
