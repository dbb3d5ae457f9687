"""Layer ONNX operators: Gemm, MatMul, Conv, pooling, normalization, Dropout..."""

from __future__ import annotations

from ... import ops
from ...tensor import Tensor
from . import NodeContext, implements


@implements("Gemm")
def gemm(node: NodeContext, a: Tensor, b: Tensor, c: Tensor | None = None) -> Tensor:
    """``alpha * A' @ B' + beta * C`` with ``A'``/``B'`` transposed if transA/transB."""
    if node.attr("transA", 0):
        a = a.mT
    if node.attr("transB", 0):
        b = b.mT
    out = ops.matmul(a, b)
    alpha, beta = node.attr("alpha", 1.0), node.attr("beta", 1.0)
    if alpha != 1.0:
        out = out * alpha
    if c is not None:
        out = out + (c if beta == 1.0 else c * beta)
    return out
