"""Shape and tensor-manipulation ONNX operators: Reshape, Transpose, Concat, Slice..."""

from __future__ import annotations
