"""Importing optional packages (pandas, pillow, onnx...) with an error that says how to get them."""

from __future__ import annotations

import importlib
from types import ModuleType


def import_optional(module: str, owner: str, package: str, extra: str = "data") -> ModuleType:
    """Import ``module`` or raise ImportError naming the pip command that provides it.

    Args:
        module: the import name (``"PIL.Image"``, ``"pandas"``).
        owner: who needs it, for the message (``"ImageFolder"``, ``"onnx.export"``).
        package: the pip package (``"pillow"``).
        extra: the neurarust extra that includes it.
    """
    try:
        return importlib.import_module(module)
    except ImportError as error:
        raise ImportError(
            f"{owner} needs {package}: pip install {package} (or pip install neurarust[{extra}])"
        ) from error
