"""Attention layers: ``MultiheadAttention``."""

__all__: list[str] = []
