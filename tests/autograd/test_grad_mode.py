"""Grad modes: no_grad, enable_grad, set_grad_enabled, inference_mode.

Each scenario runs with neurarust and with PyTorch and must report the same
flags at every step.
"""

import threading

import pytest

import neurarust as nr

from ..conftest import compare_with_torch


def _records(lib):
    """Whether an op on a tensor requiring grad records a graph right now."""
    y = lib.ones(1, requires_grad=True) * 2
    return y.requires_grad, y.grad_fn is not None, lib.is_grad_enabled()


def nested_context_managers(lib):
    seen = [_records(lib)]
    with lib.no_grad():
        seen.append(_records(lib))
        with lib.enable_grad():
            seen.append(_records(lib))
            with lib.set_grad_enabled(False):
                seen.append(_records(lib))
            seen.append(_records(lib))
        seen.append(_records(lib))
    seen.append(_records(lib))
    return seen


def set_grad_enabled_as_function(lib):
    seen = []
    lib.set_grad_enabled(False)
    seen.append(lib.is_grad_enabled())
    lib.set_grad_enabled(True)
    seen.append(lib.is_grad_enabled())
    with lib.set_grad_enabled(False):
        seen.append(lib.is_grad_enabled())
    seen.append(lib.is_grad_enabled())
    return seen


def decorators(lib):
    @lib.no_grad()
    def with_parentheses():
        return _records(lib)

    @lib.no_grad
    def bare():
        return _records(lib)

    @lib.enable_grad
    def enabling():
        return _records(lib)

    @lib.set_grad_enabled(False)
    def disabled():
        return _records(lib)

    after_decorating = lib.is_grad_enabled()  # decorating switches nothing
    seen = [with_parentheses(), bare(), disabled(), after_decorating]
    with lib.no_grad():
        seen.append(enabling())
    seen.append(_records(lib))
    return seen


def inference_mode(lib):
    seen = []
    with lib.inference_mode():
        seen.append((lib.is_inference_mode_enabled(), lib.is_grad_enabled()))
        y = lib.ones(1, requires_grad=True) * 2
        seen.append((y.requires_grad, y.grad_fn is None))
        with lib.inference_mode(False):
            seen.append((lib.is_inference_mode_enabled(), lib.is_grad_enabled()))
        seen.append((lib.is_inference_mode_enabled(), lib.is_grad_enabled()))
    seen.append((lib.is_inference_mode_enabled(), lib.is_grad_enabled()))
    with lib.no_grad(), lib.inference_mode(False):
        seen.append((lib.is_inference_mode_enabled(), lib.is_grad_enabled()))

    @lib.inference_mode()
    def with_parentheses():
        return lib.is_inference_mode_enabled(), lib.is_grad_enabled()

    @lib.inference_mode
    def bare():
        return lib.is_inference_mode_enabled(), lib.is_grad_enabled()

    seen += [with_parentheses(), bare(), lib.is_inference_mode_enabled()]
    return seen


def generators(lib):
    @lib.no_grad()
    def steps():
        received = yield lib.is_grad_enabled()
        yield received, lib.is_grad_enabled()

    gen = steps()
    first = next(gen)
    between = lib.is_grad_enabled()  # the caller runs with its own mode
    second = gen.send("hello")
    return first, between, second, lib.is_grad_enabled()


def exception_restores(lib):
    with pytest.raises(ValueError):
        with lib.no_grad():
            raise ValueError("inside")
    return lib.is_grad_enabled()


SCENARIOS = {
    "nested": nested_context_managers,
    "set_grad_enabled": set_grad_enabled_as_function,
    "decorators": decorators,
    "inference_mode": inference_mode,
    "generators": generators,
    "exception": exception_restores,
}


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_modes_match_torch(name):
    compare_with_torch(SCENARIOS[name], grad=False)
    assert nr.is_grad_enabled() and not nr.is_inference_mode_enabled()


def test_no_graph_is_built_under_no_grad():
    x = nr.ones(3, requires_grad=True)
    with nr.no_grad():
        y = (x * 2 + 1).sum()
    assert y.grad_fn is None and not y.requires_grad and y.is_leaf
    with pytest.raises(RuntimeError, match="does not require grad and does not have a grad_fn"):
        y.backward()


def test_no_graph_when_no_input_requires_grad():
    y = nr.ones(3) * 2
    assert y.grad_fn is None and not y.requires_grad


def test_mode_is_per_thread():
    seen = {}

    def worker():
        seen["enabled_in_thread"] = nr.is_grad_enabled()
        nr.set_grad_enabled(False)  # must not leak into the main thread

    with nr.no_grad():
        thread = threading.Thread(target=worker)
        thread.start()
        thread.join()
        seen["main_inside"] = nr.is_grad_enabled()
    assert seen == {"enabled_in_thread": True, "main_inside": False}
    assert nr.is_grad_enabled()


def test_decorated_function_keeps_its_name_and_doc():
    @nr.no_grad()
    def documented():
        """Docs."""

    assert documented.__name__ == "documented" and documented.__doc__ == "Docs."


def test_exported_under_autograd():
    assert nr.autograd.no_grad is nr.no_grad
    assert nr.autograd.grad_mode.is_grad_enabled is nr.is_grad_enabled
