"""Hot-path kernels of the backends, on raw arrays.

Each ``*_cpu`` module holds NumPy implementations (with Numba versions built on
first use, see :mod:`.numba_support`) and each ``*_cuda`` module CuPy
RawKernels with the same signatures. A module's ``KERNELS`` dict maps kernel
names to functions; the backends register them (``Backend.kernel(name)``).

Convolution and pooling kernels see every input as 3-D spatial: 1-D and 2-D
ops add size-1 spatial dims (kernel 1, stride 1, no padding), so one kernel
serves conv1d, conv2d and conv3d.
"""
