"""Switching gradient recording on and off.

``no_grad``, ``enable_grad``, ``set_grad_enabled`` and ``inference_mode`` work
as context managers and as function decorators (``no_grad``, ``enable_grad``
and ``inference_mode`` also without parentheses), as in PyTorch. A decorated
generator function runs its body in the mode each time it resumes. The flags
are per thread.
"""

from __future__ import annotations

import functools
import inspect
import threading
from collections.abc import Callable, Generator
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])


class _GradState(threading.local):
    enabled = True
    inference = False


_state = _GradState()


def is_grad_enabled() -> bool:
    """True when ops record the graph for autograd."""
    return _state.enabled


def is_inference_mode_enabled() -> bool:
    """True inside ``inference_mode()``."""
    return _state.inference


def _wrap_generator(make_context: Callable[[], Any], func: Callable[..., Generator]) -> Any:
    """``func``'s generators, running their body under a fresh context at each resume
    (not while the caller runs between two ``yield``)."""

    @functools.wraps(func)
    def generator(*args: Any, **kwargs: Any) -> Any:
        inner = func(*args, **kwargs)
        request: Any = None
        error: BaseException | None = None
        while True:
            try:
                with make_context():
                    response = inner.send(request) if error is None else inner.throw(error)
            except StopIteration as stop:
                return stop.value
            try:
                request, error = (yield response), None
            except GeneratorExit:
                inner.close()
                raise
            except BaseException as exc:  # thrown in by the caller: pass it on to the body
                request, error = None, exc

    return generator


class _GradModeContext:
    """Base of the grad-mode switches: sets the flags on enter, restores them on exit."""

    _mode = True

    def __init__(self) -> None:
        self._saved: list[tuple[bool, bool]] = []

    def __enter__(self) -> None:
        self._saved.append((_state.enabled, _state.inference))
        self._apply()

    def __exit__(self, *exc: object) -> None:
        _state.enabled, _state.inference = self._saved.pop()

    def _apply(self) -> None:
        _state.enabled = self._mode

    def __call__(self, func: F) -> F:
        if inspect.isgeneratorfunction(func):
            return _wrap_generator(self._clone, func)

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with self._clone():
                return func(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    def _clone(self) -> _GradModeContext:
        """A new context with the same setting (one per call of a decorated function)."""
        return self.__class__()


class _NoParamDecorator(_GradModeContext):
    """A switch that also decorates without parentheses: ``@no_grad`` as ``@no_grad()``."""

    def __new__(cls, func: Callable[..., Any] | None = None) -> Any:
        if func is None:
            return super().__new__(cls)
        return cls()(func)


class no_grad(_NoParamDecorator):  # noqa: N801
    """Context manager / decorator: ops inside build no graph (saves memory and time).

    Examples:
        >>> import neurarust as nr
        >>> x = nr.ones(2, requires_grad=True)
        >>> with nr.no_grad():
        ...     y = x * 2
        >>> y.requires_grad
        False
    """

    _mode = False


class enable_grad(_NoParamDecorator):  # noqa: N801
    """Context manager / decorator: turn recording back on inside ``no_grad``."""

    _mode = True


class set_grad_enabled(_GradModeContext):  # noqa: N801
    """Set recording on or off; the setting holds at once, and as a context
    manager it is restored on exit. As a decorator, it applies only while the
    decorated function runs.

    Examples:
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
        # The mode was set by __init__; exit restores the one from before it.
        self._saved.append((self._previous, _state.inference))
        self._apply()

    def __call__(self, func: F) -> F:
        _state.enabled = self._previous  # decorating must not switch the mode now
        return super().__call__(func)

    def _clone(self) -> _GradModeContext:
        return set_grad_enabled(self._mode)


class inference_mode(_GradModeContext):  # noqa: N801
    """Like ``no_grad``, and ``is_inference_mode_enabled()`` is True inside
    (neurarust has no separate inference tensors).

    Args:
        mode: False turns recording on and inference mode off, as in PyTorch.
    """

    def __new__(cls, mode: Any = True) -> Any:
        if isinstance(mode, bool):
            return super().__new__(cls)
        return cls()(mode)  # used as a decorator without parentheses

    def __init__(self, mode: bool = True) -> None:
        super().__init__()
        self._active = mode

    def _apply(self) -> None:
        _state.enabled = not self._active
        _state.inference = self._active

    def _clone(self) -> _GradModeContext:
        return inference_mode(self._active)
