"""image_folder (being written)."""

__all__: list[str] = []
