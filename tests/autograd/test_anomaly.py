"""Anomaly detection: the op whose backward made NaN (or failed) is named, with its forward stack.

Scenarios run with neurarust and PyTorch; neurarust names nodes ``SqrtBackward``
where PyTorch says ``SqrtBackward0``, so messages are matched up to that digit.
"""

import pytest

import neurarust as nr

from ..conftest import compare_with_torch

# The NaN these tests make on purpose comes with NumPy's "invalid value" warning.
pytestmark = pytest.mark.filterwarnings("ignore:invalid value encountered:RuntimeWarning")

NAN_MESSAGE = "Function '{}0?' returned nan values in its 0th output"


def _nan_function(lib):
    """A Function whose backward returns NaN wherever the input is zero (0 * inf)."""

    class Reciprocalish(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * 0.0

        @staticmethod
        def backward(ctx, grad):
            (x,) = ctx.saved_tensors
            return grad * 0.0 * (1.0 / x)

    return Reciprocalish


def _failing_function(lib):
    class Failing(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2.0

        @staticmethod
        def backward(ctx, grad):
            raise ValueError("backward failed on purpose")

    return Failing


NAN_MAKERS = {
    "sqrt_at_zero": ("SqrtBackward", lambda lib, x: lib.sqrt(x) * 0.0),
    "custom_function": ("ReciprocalishBackward", lambda lib, x: _nan_function(lib).apply(x)),
}


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("name", sorted(NAN_MAKERS))
def test_detect_anomaly_names_the_op_that_made_nan(name):
    node, make = NAN_MAKERS[name]

    def scenario(lib):
        x = lib.zeros(2, requires_grad=True)
        with lib.autograd.detect_anomaly():
            y = make(lib, x)
            with pytest.raises(RuntimeError, match=NAN_MESSAGE.format(node)):
                y.sum().backward()
        return lib.is_anomaly_enabled()

    compare_with_torch(scenario, grad=False)


def test_nan_error_shows_the_forward_call():
    x = nr.zeros(2, requires_grad=True)
    with nr.autograd.detect_anomaly():
        y = nr.sqrt(x) * 0.0  # the line the trace must show
        with pytest.raises(RuntimeError) as error:
            y.sum().backward()
    message = str(error.value)
    assert "Traceback of the forward call" in message
    assert "test_nan_error_shows_the_forward_call" in message
    assert "y = nr.sqrt(x) * 0.0" in message


@pytest.mark.filterwarnings("ignore:Anomaly Detection has been enabled")
def test_failing_backward_warns_with_the_forward_trace():
    def scenario(lib):
        x = lib.ones(2, requires_grad=True)
        with lib.autograd.detect_anomaly():
            y = _failing_function(lib).apply(x)
            with pytest.warns(UserWarning, match="Error detected in FailingBackward") as record:
                with pytest.raises(ValueError, match="backward failed on purpose"):
                    y.sum().backward()
        trace = "".join(str(w.message) for w in record)
        return "_failing_function(lib).apply(x)" in trace

    assert compare_with_torch(scenario, grad=False) is True


def nan_passes_silently_without_anomaly_mode(lib):
    x = lib.zeros(2, requires_grad=True)
    _nan_function(lib).apply(x).sum().backward()
    return x.grad


def check_nan_false_skips_the_check(lib):
    x = lib.zeros(2, requires_grad=True)
    with lib.autograd.detect_anomaly(check_nan=False):
        _nan_function(lib).apply(x).sum().backward()
    return x.grad


def nested_modes(lib):
    seen = [lib.is_anomaly_enabled()]
    with lib.autograd.detect_anomaly():
        seen.append(lib.is_anomaly_enabled())
        with lib.autograd.set_detect_anomaly(False):
            seen.append(lib.is_anomaly_enabled())
        seen.append(lib.is_anomaly_enabled())
    seen.append(lib.is_anomaly_enabled())
    lib.autograd.set_detect_anomaly(True)  # as a plain call: stays on
    seen.append(lib.is_anomaly_enabled())
    lib.autograd.set_detect_anomaly(False)
    seen.append(lib.is_anomaly_enabled())
    return seen


def set_detect_anomaly_catches_nan(lib):
    x = lib.zeros(2, requires_grad=True)
    lib.autograd.set_detect_anomaly(True)
    try:
        y = _nan_function(lib).apply(x)
        with pytest.raises(RuntimeError, match=NAN_MESSAGE.format("ReciprocalishBackward")):
            y.sum().backward()
    finally:
        lib.autograd.set_detect_anomaly(False)
    return lib.is_anomaly_enabled()


def state_restored_after_an_error(lib):
    with pytest.raises(KeyError):
        with lib.autograd.detect_anomaly():
            raise KeyError("inside")
    return lib.is_anomaly_enabled()


SCENARIOS = {
    f.__name__: f
    for f in [
        nan_passes_silently_without_anomaly_mode,
        check_nan_false_skips_the_check,
        nested_modes,
        set_detect_anomaly_catches_nan,
        state_restored_after_an_error,
    ]
}


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_anomaly_modes_match_torch(name):
    compare_with_torch(SCENARIOS[name], grad=False)
    assert not nr.autograd.is_anomaly_enabled()


def test_graph_built_outside_anomaly_mode_still_names_the_op():
    x = nr.zeros(2, requires_grad=True)
    y = _nan_function(nr).apply(x)
    with nr.autograd.detect_anomaly():
        with pytest.raises(
            RuntimeError, match="(?s)ReciprocalishBackward.*no forward trace recorded"
        ):
            y.sum().backward()


def test_top_level_alias():
    assert nr.is_anomaly_enabled is nr.autograd.is_anomaly_enabled
