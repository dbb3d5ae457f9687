"""Converters of elementwise ops, activations, softmax and reductions."""

from __future__ import annotations

from ...ops import unary
from .._graph import GraphBuilder
from .._trace import Call
from . import converts


@converts(unary.Relu)
def relu(g: GraphBuilder, call: Call) -> str:
    return g.op("Relu", g.name(call.args[0]))
