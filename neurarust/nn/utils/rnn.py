"""Variable-length batches for recurrent layers: ``PackedSequence`` and the packing helpers."""

__all__: list[str] = []
