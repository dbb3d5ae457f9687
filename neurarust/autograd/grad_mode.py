"""Switching gradient recording on and off.

``no_grad``, ``enable_grad``, ``set_grad_enabled`` and ``inference_mode`` work
as context managers and as function decorators, as in PyTorch. The flag is
per thread.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])


class _GradState(threading.local):
    enabled = True


_state = _GradState()


def is_grad_enabled() -> bool:
    """True when ops record the graph for autograd."""
    return _state.enabled


class _GradModeContext:
    """Base of the grad-mode switches: sets the flag on enter, restores on exit."""

    _mode = True

    def __init__(self) -> None:
        self._saved: list[bool] = []

    def __enter__(self) -> None:
        self._saved.append(_state.enabled)
        _state.enabled = self._mode

    def __exit__(self, *exc: object) -> None:
        _state.enabled = self._saved.pop()

    def __call__(self, func: F) -> F:
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with self.__class__._clone(self):
                return func(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    def _clone(self) -> _GradModeContext:
        return self.__class__()


class no_grad(_GradModeContext):  # noqa: N801
    """Context manager / decorator: ops inside build no graph (saves memory and time).

    Example:
        >>> import neurarust as nr
        >>> x = nr.ones(2, requires_grad=True)
        >>> with nr.no_grad():
        ...     y = x * 2
        >>> y.requires_grad
        False
    """

    _mode = False


class enable_grad(_GradModeContext):  # noqa: N801
    """Context manager / decorator: turn recording back on inside ``no_grad``."""

    _mode = True


class set_grad_enabled(_GradModeContext):  # noqa: N801
    """Set recording on or off; the setting holds at once, and as a context
    manager it is restored on exit.

    Example:
        >>> import neurarust as nr
        >>> with nr.set_grad_enabled(False):
        ...     nr.is_grad_enabled()
        False
    """

    def __init__(self, mode: bool) -> None:
        super().__init__()
        self._mode = bool(mode)
        self._previous = _state.enabled
        _state.enabled = self._mode

    def __enter__(self) -> None:
        self._saved.append(self._previous)
        _state.enabled = self._mode

    def _clone(self) -> _GradModeContext:
        state = _state.enabled
        clone = set_grad_enabled(self._mode)
        clone._previous = state
        return clone


class inference_mode(_GradModeContext):  # noqa: N801
    """Like ``no_grad`` (neurarust has no separate inference tensors).

    Args:
        mode: False makes it a no-op, as in PyTorch.
    """

    def __init__(self, mode: bool = True) -> None:
        super().__init__()
        self._active = bool(mode)

    def __enter__(self) -> None:
        self._saved.append(_state.enabled)
        if self._active:
            _state.enabled = False

    def _clone(self) -> _GradModeContext:
        return inference_mode(self._active)
