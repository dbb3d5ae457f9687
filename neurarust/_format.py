"""``repr`` of tensors, laid out as PyTorch lays them out.

``tensor([1.0000, 2.5000], requires_grad=True)``: every element is printed
with one common width; floats get four decimals, a trailing ``.`` when all of
them are integers, or scientific notation when their magnitudes span more than
three decades; rows wrap at 80 characters; a tensor of more than 1000 elements
shows only the first and last three entries of each long dimension.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import dtypes

_PRECISION = 4
_THRESHOLD = 1000
_EDGE_ITEMS = 3
_LINE_WIDTH = 80


class _Formatter:
    """Formats the elements of one tensor, all padded to the same width."""

    def __init__(self, values: np.ndarray) -> None:
        self.floating = values.dtype.kind == "f"
        self.int_mode = True  # floats that are all whole numbers print as "2."
        self.sci_mode = False
        self.width = 1
        if not self.floating:
            self.width = max(len(str(v)) for v in values.ravel().tolist())
            return
        flat = values.ravel().astype(np.float64)
        shown = flat[np.isfinite(flat) & (flat != 0)]  # zeros and non-finite set no style
        if shown.size == 0:
            return
        magnitudes = np.abs(shown)
        low, high = magnitudes.min(), magnitudes.max()
        self.int_mode = bool(np.all(shown == np.ceil(shown)))
        self.sci_mode = bool(
            high / low > 1000.0 or high > 1.0e8 or (not self.int_mode and low < 1.0e-4)
        )
        self.width = max(len(self._text(v)) for v in shown.tolist())

    def _text(self, value: Any) -> str:
        if not self.floating:
            return str(value)
        if self.sci_mode:
            return f"{value:.{_PRECISION}e}"
        if self.int_mode:
            return f"{value:.0f}" + ("." if np.isfinite(value) else "")
        return f"{value:.{_PRECISION}f}"

    def format(self, value: Any) -> str:
        return self._text(value).rjust(self.width)


def _summarized(values: np.ndarray) -> np.ndarray:
    """The entries a summarized print shows: the edges of every long dimension."""
    for axis, n in enumerate(values.shape):
        if n > 2 * _EDGE_ITEMS:
            keep = [*range(_EDGE_ITEMS), *range(n - _EDGE_ITEMS, n)]
            values = values.take(keep, axis=axis)
    return values


def _body(values: np.ndarray, fmt: _Formatter, indent: int, summarize: bool) -> str:
    """The bracketed text of ``values``, nested lines indented by ``indent``."""
    if values.ndim == 0:
        return fmt.format(values.item())
    n = values.shape[0]
    rows: list[int | None] = list(range(n))
    if summarize and n > 2 * _EDGE_ITEMS:
        rows = [*range(_EDGE_ITEMS), None, *range(n - _EDGE_ITEMS, n)]
    if values.ndim == 1:
        items = [" ..." if i is None else fmt.format(values[i].item()) for i in rows]
        per_line = max(1, (_LINE_WIDTH - indent) // (fmt.width + 2))
        lines = [", ".join(items[i : i + per_line]) for i in range(0, len(items), per_line)]
        return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"
    parts = ["..." if i is None else _body(values[i], fmt, indent + 1, summarize) for i in rows]
    return "[" + ("," + "\n" * (values.ndim - 1) + " " * (indent + 1)).join(parts) + "]"


def _with_suffixes(text: str, suffixes: list[str], indent: int) -> str:
    """Append ``, suffix`` items, starting a new line where one would pass 80 columns."""
    last_line = len(text) - text.rfind("\n") + 1
    for suffix in suffixes:
        if last_line + len(suffix) + 2 > _LINE_WIDTH:
            text += ",\n" + " " * indent + suffix
            last_line = indent + len(suffix)
        else:
            text += ", " + suffix
            last_line += len(suffix) + 2
    return text + ")"


def format_tensor(t: Any) -> str:
    """``repr(t)``: the values, then device, dtype and autograd information."""
    host = np.asarray(t.backend.to_host(t._data))
    prefix = "tensor("
    suffixes = []
    if t.device.type != "cpu":
        suffixes.append(f"device='{t.device}'")
    if host.size == 0:
        body = "[]"
        if host.ndim != 1:
            suffixes.append(f"size={tuple(host.shape)}")
        if t.dtype is not dtypes.get_default_dtype():
            suffixes.append(f"dtype={t.dtype}")
    else:
        if host.dtype == np.float16:
            host = host.astype(np.float32)
        summarize = host.size > _THRESHOLD
        fmt = _Formatter(_summarized(host) if summarize else host)
        body = _body(host, fmt, len(prefix), summarize)
        if t.dtype not in (dtypes.get_default_dtype(), dtypes.int64, dtypes.bool):
            suffixes.append(f"dtype={t.dtype}")
    if t.grad_fn is not None:
        suffixes.append(f"grad_fn=<{t.grad_fn.name()}>")
    elif t.requires_grad:
        suffixes.append("requires_grad=True")
    return _with_suffixes(prefix + body, suffixes, len(prefix))
