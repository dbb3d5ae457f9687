"""Converters of shape and indexing ops: view, permute, cat, split, indexing..."""

from __future__ import annotations
