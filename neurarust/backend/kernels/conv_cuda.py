"""conv_cuda kernels (being written)."""

KERNELS: dict[str, object] = {}
