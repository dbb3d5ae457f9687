"""Transformer blocks: encoder and decoder layers and stacks, and ``Transformer``."""

__all__: list[str] = []
