"""Anomaly detection: find the forward op whose backward failed or made NaNs.

Inside ``detect_anomaly()`` every graph node remembers the stack of the
forward call that created it. When a backward fails, or returns NaN, the error
names the op and shows where it was created.
"""

from __future__ import annotations

import threading
import traceback
import warnings


class _AnomalyState(threading.local):
    enabled = False
    check_nan = True


_state = _AnomalyState()


def is_anomaly_enabled() -> bool:
    """True inside ``detect_anomaly()`` or after ``set_detect_anomaly(True)``."""
    return _state.enabled


def forward_trace() -> list[str]:
    """The current stack, formatted, without the autograd frames that ask for it."""
    return traceback.format_stack()[:-2]


class set_detect_anomaly:  # noqa: N801
    """Turn anomaly detection on or off; as a context manager, restore on exit."""

    def __init__(self, mode: bool, check_nan: bool = True) -> None:
        self._previous = (_state.enabled, _state.check_nan)
        _state.enabled, _state.check_nan = bool(mode), bool(check_nan)

    def __enter__(self) -> None:
        pass

    def __exit__(self, *exc: object) -> None:
        _state.enabled, _state.check_nan = self._previous


class detect_anomaly(set_detect_anomaly):  # noqa: N801
    """Context manager that records forward stacks and checks backward outputs for NaN.

    Examples:
        >>> import neurarust as nr
        >>> x = nr.tensor([0.0], requires_grad=True)
        >>> with nr.autograd.detect_anomaly():
        ...     y = nr.sqrt(x) * 0  # d/dx sqrt(0) is inf, inf * 0 is nan
        ...     y.sum().backward()  # doctest: +SKIP
        RuntimeError: Function 'SqrtBackward' returned nan values in its 0th output...
    """

    def __init__(self, check_nan: bool = True) -> None:
        self._check_nan = check_nan

    def __enter__(self) -> None:
        self._previous = (_state.enabled, _state.check_nan)
        _state.enabled, _state.check_nan = True, self._check_nan


def report_failure(name: str, trace: list[str] | None) -> None:
    """Warn with the forward stack of the node whose backward raised."""
    if trace:
        warnings.warn(
            f"Error detected in {name}. Traceback of forward call that caused the error:\n"
            + "".join(trace),
            stacklevel=3,
        )


def check_nan(name: str, grads: tuple, trace: list[str] | None) -> None:
    """RuntimeError if any gradient a backward returned holds NaN."""
    if not _state.check_nan:
        return
    for i, g in enumerate(grads):
        if g is not None and g._data.dtype.kind == "f" and g.backend.xp.isnan(g._data).any():
            where = "".join(trace) if trace else "(no forward trace recorded)\n"
            raise RuntimeError(
                f"Function '{name}' returned nan values in its {i}th output.\n"
                f"Traceback of the forward call that created it:\n{where}"
            )
