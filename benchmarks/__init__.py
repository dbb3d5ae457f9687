"""neurarust's benchmark workloads (shared/WORKLOADS.md), each run against PyTorch too."""
