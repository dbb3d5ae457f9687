"""What neurarust runs on: versions, and which kernel implementations are active.

``print_runtime_info()`` is the first thing to paste into a bug report, and
the quickest way to see whether the Numba kernels or their NumPy fallbacks
run on the CPU, and whether a GPU is usable.
"""

from __future__ import annotations

from . import cuda
from .backend.kernels.numba_support import numba_enabled

__all__ = ["runtime_info", "print_runtime_info"]


def _version(package: str) -> str:
    """The installed version of ``package`` (without importing it), or "not installed"."""
    from importlib import metadata  # here, not at import: it costs milliseconds

    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def _cupy_version() -> str:
    """The version of whichever CuPy wheel is installed (cupy, cupy-cuda12x, ...)."""
    from importlib import metadata

    for distribution in metadata.distributions():
        name = (distribution.metadata["Name"] or "").lower()
        if name == "cupy" or name.startswith("cupy-cuda"):
            return f"{distribution.version} ({name})"
    return "not installed"


def runtime_info() -> dict[str, str]:
    """Versions and active kernels, as a dict of readable strings.

    Keys: ``python``, ``platform``, ``neurarust``, ``numpy``, ``numba``,
    ``cpu kernels``, ``cupy``, ``cuda devices``.

    Examples:
        >>> import neurarust as nr, numpy
        >>> nr.runtime_info()["numpy"] == numpy.__version__
        True
    """
    import platform

    import numpy

    from . import __version__

    if numba_enabled():
        cpu_kernels = "Numba (compiled on first use, cached on disk)"
    elif _version("numba") == "not installed":
        cpu_kernels = "NumPy fallback (Numba is not installed)"
    else:
        cpu_kernels = "NumPy fallback (NEURARUST_DISABLE_NUMBA is set)"
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "neurarust": __version__,
        "numpy": numpy.__version__,
        "numba": _version("numba"),
        "cpu kernels": cpu_kernels,
        "cupy": _cupy_version(),
        "cuda devices": str(cuda.device_count()),
    }


def print_runtime_info() -> None:
    """Print :func:`runtime_info`, one ``name: value`` line each.

    Examples:
        >>> import neurarust as nr
        >>> nr.print_runtime_info()  # doctest: +SKIP
        python: 3.11.14
        ...
        cpu kernels: Numba (compiled on first use, cached on disk)
    """
    for name, value in runtime_info().items():
        print(f"{name}: {value}")
