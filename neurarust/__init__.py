"""neurarust: PyTorch's API in pure Python, on NumPy (CPU) or CuPy (NVIDIA GPUs).

Examples:
    >>> import neurarust as nr
    >>> x = nr.tensor([1.0, 2.0, 3.0], requires_grad=True)
    >>> (x ** 2).sum().backward()
    >>> x.grad
    tensor([2., 4., 6.])
"""

from . import autograd, cuda, data, linalg, nn, ops, optim, return_types, utils  # noqa: E402
from .autograd import (
    enable_grad,
    inference_mode,
    is_anomaly_enabled,
    is_grad_enabled,
    is_inference_mode_enabled,
    no_grad,
    set_grad_enabled,
)
from .device import Device, device
from .dtypes import (
    bool,
    double,
    dtype,
    float,
    float16,
    float32,
    float64,
    get_default_dtype,
    half,
    int,
    int8,
    int16,
    int32,
    int64,
    long,
    promote_types,
    result_type,
    set_default_dtype,
    short,
    uint8,
)
from .memory_format import channels_last, contiguous_format, memory_format, preserve_format
from .ops import *  # noqa: E402, F403  (the op catalogue: neurarust.exp, neurarust.cat, ...)
from .random import Generator, get_rng_state, initial_seed, manual_seed, seed, set_rng_state
from .runtime import print_runtime_info, runtime_info
from .tensor import Size, Tensor

__version__ = "0.1.0.dev0"


def is_tensor(obj: object) -> "builtins.bool":
    """True if ``obj`` is a neurarust Tensor."""
    return isinstance(obj, Tensor)


import builtins  # noqa: E402  (for the annotation above; `bool` is a dtype here)


def __getattr__(name: str) -> object:
    """``neurarust.save``/``load``/``serialization`` and ``neurarust.onnx``, imported
    on first use: the format code pulls in zipfile, json and pickle, and the ONNX
    converters are many modules, which most scripts never need."""
    if name == "onnx":
        import importlib

        return importlib.import_module(".onnx", __name__)
    if name in ("save", "load", "serialization"):
        import importlib

        serialization = importlib.import_module(".serialization", __name__)
        return serialization if name == "serialization" else getattr(serialization, name)
    raise AttributeError(f"module 'neurarust' has no attribute '{name}'")
