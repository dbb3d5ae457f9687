"""pool_cpu kernels (being written)."""

KERNELS: dict[str, object] = {}
