"""numpy_files (being written)."""

__all__: list[str] = []
