"""Converters of layer ops: linear, embedding, convolution, pooling, normalization."""

from __future__ import annotations

from ...ops import layers
from .._graph import GraphBuilder
from .._trace import Call
from . import converts


@converts(layers.Linear)
def linear(g: GraphBuilder, call: Call) -> str:
    """``Gemm`` for a 2-D input (PyTorch's exporter does the same), else
    ``MatMul`` with the transposed weight plus ``Add``."""
    input, weight, bias = call.args
    x, w = g.name(input), g.name(weight)
    if input.dim() == 2:
        return g.op("Gemm", x, w, g.name(bias) if bias is not None else "", transB=1)
    out = g.op("MatMul", x, g.op("Transpose", w, perm=[1, 0]))
    return out if bias is None else g.op("Add", out, g.name(bias))
