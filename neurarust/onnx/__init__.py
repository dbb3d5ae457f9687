"""ONNX export and import: trade models with PyTorch, onnxruntime and other frameworks.

- :func:`export` traces a model's forward and writes a standard ONNX model.
- :func:`load` reads an ONNX model (from neurarust, PyTorch or elsewhere) into an
  :class:`OnnxModule`: an ``nn.Module`` that runs the graph with neurarust ops,
  so it runs on the GPU too and can be fine-tuned.

Both need the ``onnx`` package (``pip install neurarust[onnx]``, which also
installs onnxruntime); ``import neurarust`` does not import it, and neither
does ``import neurarust.onnx``: only calling these functions does.

Examples:
    >>> import neurarust as nr
    >>> import io
    >>> model = nr.nn.Sequential(nr.nn.Linear(4, 3), nr.nn.ReLU())
    >>> buffer = io.BytesIO()
    >>> _ = nr.onnx.export(model, nr.randn(2, 4), buffer)
    >>> loaded = nr.onnx.load(io.BytesIO(buffer.getvalue()))
    >>> x = nr.randn(2, 4)
    >>> bool(nr.allclose(loaded(x), model(x)))
    True
"""

from ._graph import UnsupportedOperatorError
from .export import export
from .load import OnnxModule, load

__all__ = ["OnnxModule", "UnsupportedOperatorError", "export", "load"]
