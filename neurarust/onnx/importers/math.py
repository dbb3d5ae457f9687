"""Elementwise ONNX operators, activations and reductions."""

from __future__ import annotations

from ... import ops
from ...tensor import Tensor
from . import NodeContext, implements


@implements("Relu")
def relu(node: NodeContext, x: Tensor) -> Tensor:
    return ops.relu(x)
