"""``repr`` of tensors in PyTorch's style: ``tensor([1.0000, 2.5000], requires_grad=True)``."""

from __future__ import annotations

from typing import Any

import numpy as np

from . import dtypes


def _float_formatter(values: np.ndarray) -> Any:
    """Integers print as ``2.``; otherwise 4 decimals, or scientific for wide ranges."""
    finite = values[np.isfinite(values)].astype(np.float64)
    if finite.size == 0 or np.all(finite == np.round(finite)):
        if finite.size and np.abs(finite).max() >= 1e8:
            return lambda v: f"{v:.4e}"
        return lambda v: f"{v:.0f}." if np.isfinite(v) else str(v)
    nonzero = np.abs(finite[finite != 0])
    if nonzero.size and (
        nonzero.max() >= 1e8 or nonzero.min() < 1e-4 or nonzero.max() / nonzero.min() > 1e3
    ):
        return lambda v: f"{v:.4e}"
    return lambda v: f"{v:.4f}"


def format_tensor(t: Any) -> str:
    host = np.asarray(t.backend.to_host(t._data))
    if host.dtype.kind == "f":
        formatter: dict[str, Any] = {"float_kind": _float_formatter(host)}
    elif host.dtype.kind == "b":
        formatter = {"bool": lambda v: "True" if v else "False"}
    else:
        formatter = {}
    body = np.array2string(
        host,
        separator=", ",
        prefix="tensor(",
        formatter=formatter,
        threshold=1000,
        edgeitems=3,
        max_line_width=80,
    )
    suffix = []
    if t.device.type != "cpu":
        suffix.append(f"device='{t.device}'")
    default_dtypes = (dtypes.get_default_dtype(), dtypes.int64, dtypes.bool)
    if t.dtype not in default_dtypes or host.size == 0:
        suffix.append(f"dtype={t.dtype}")
    if t.grad_fn is not None:
        suffix.append(f"grad_fn=<{t.grad_fn.name()}>")
    elif t.requires_grad:
        suffix.append("requires_grad=True")
    return "tensor(" + body + "".join(", " + s for s in suffix) + ")"
