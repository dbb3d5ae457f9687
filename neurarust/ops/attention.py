"""Attention: ``scaled_dot_product_attention`` and the multi-head attention forward."""

__all__: list[str] = []
