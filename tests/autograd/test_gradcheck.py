"""gradcheck and gradgradcheck: they accept right gradients and catch wrong ones, as torch's do.

Each case runs the same check with neurarust and with PyTorch (on the same
float64 values); both must reach the same verdict.
"""

import numpy as np
import pytest

import neurarust as nr
from neurarust.autograd.gradcheck import GradcheckError

from ..conftest import compare_with_torch


def _cube(lib, backward_factor=3.0, detach_in_backward=False):
    """``x ** 3`` as a custom Function; a wrong factor or a detach makes its backward wrong."""

    class Cube(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x * x

        @staticmethod
        def backward(ctx, grad):
            (x,) = ctx.saved_tensors
            if detach_in_backward:  # right values, but no second derivative
                x = x.detach()
            return grad * x * x * backward_factor

    return Cube


def _weighted_sum(lib, wrong_input=None):
    """``(a * w, a + b)``, two outputs; the gradient of input ``wrong_input`` is doubled."""

    class WeightedSum(lib.autograd.Function):
        @staticmethod
        def forward(ctx, a, w, b):
            ctx.save_for_backward(a, w)
            return a * w, a + b

        @staticmethod
        def backward(ctx, grad_product, grad_sum):
            a, w = ctx.saved_tensors
            grads = [grad_product * w + grad_sum, grad_product * a, grad_sum]
            if wrong_input is not None:
                grads[wrong_input] = grads[wrong_input] * 2.0
            return tuple(grads)

    return WeightedSum


# name: (function of (lib, *inputs), input shapes, gradcheck passes, gradgradcheck passes)
CASES = {
    "cube": (lambda lib, x: _cube(lib).apply(x), [(2, 3)], True, True),
    # gradgradcheck differentiates the backward as written: a wrong one is still consistent
    "cube_wrong_factor": (lambda lib, x: _cube(lib, 2.0).apply(x), [(2, 3)], False, True),
    "cube_detached": (
        lambda lib, x: _cube(lib, detach_in_backward=True).apply(x),
        [(2, 3)],
        True,
        False,
    ),
    "two_outputs": (
        lambda lib, a, w, b: _weighted_sum(lib).apply(a, w, b),
        [(2, 3), (3,), (2, 1)],
        True,
        True,
    ),
    "two_outputs_wrong_second_input": (
        lambda lib, a, w, b: _weighted_sum(lib, wrong_input=1).apply(a, w, b),
        [(2, 3), (2, 3), (2, 3)],
        False,
        True,
    ),
    "ops": (lambda lib, a, b: (a * b + a).exp() / (b * b + 1.0), [(2, 3), (3,)], True, True),
    "matmul": (lambda lib, a, b: a @ b, [(2, 3), (3, 2)], True, True),
    "unused_input": (lambda lib, a, b: a * 2.0, [(2,), (3,)], True, True),
    "output_without_grad": (lambda lib, a: (a * a, a.detach() + 1.0), [(3,)], True, True),
}


def _verdicts(lib, fn, arrays, second_order):
    """What gradcheck (or gradgradcheck) says, with and without raising."""
    check = lib.autograd.gradgradcheck if second_order else lib.autograd.gradcheck
    inputs = tuple(lib.tensor(a, dtype=lib.float64, requires_grad=True) for a in arrays)
    quiet = check(lambda *t: fn(lib, *t), inputs, raise_exception=False)
    try:
        loud = check(lambda *t: fn(lib, *t), inputs)
    except RuntimeError as error:  # GradcheckError is a RuntimeError in both libraries
        loud = type(error).__name__
    return quiet, loud


@pytest.mark.parametrize("name", sorted(CASES))
def test_gradcheck_verdict_matches_torch(name, rng):
    fn, shapes, passes, _ = CASES[name]
    arrays = [rng.uniform(0.5, 1.5, s) for s in shapes]
    ours = compare_with_torch(lambda lib: _verdicts(lib, fn, arrays, False), grad=False)
    assert ours == (passes, True if passes else "GradcheckError")


@pytest.mark.parametrize("name", sorted(CASES))
def test_gradgradcheck_verdict_matches_torch(name, rng):
    fn, shapes, _, passes = CASES[name]
    arrays = [rng.uniform(0.5, 1.5, s) for s in shapes]
    ours = compare_with_torch(lambda lib: _verdicts(lib, fn, arrays, True), grad=False)
    assert ours == (passes, True if passes else "GradcheckError")


@pytest.mark.parametrize(
    "wrong_input, message",
    [
        (None, None),
        (0, "output 0 with respect to input 0"),
        (1, "output 0 with respect to input 1"),
    ],
)
def test_gradcheck_error_names_output_and_input(wrong_input, message, rng):
    fn = _weighted_sum(nr, wrong_input).apply
    inputs = tuple(nr.tensor(rng.standard_normal(3), requires_grad=True) for _ in range(3))
    if message is None:
        assert nr.autograd.gradcheck(fn, inputs)
        return
    with pytest.raises(GradcheckError, match=f"Jacobian mismatch for {message}"):
        nr.autograd.gradcheck(fn, inputs)


def test_gradcheck_error_is_exported_and_a_runtime_error():
    assert nr.autograd.GradcheckError is GradcheckError
    assert issubclass(GradcheckError, RuntimeError)


def test_inputs_not_requiring_grad_and_non_tensors_are_passed_through(rng):
    x = nr.tensor(rng.standard_normal((2, 2)), requires_grad=True)
    constant = nr.tensor(rng.standard_normal((2, 2)))
    assert nr.autograd.gradcheck(lambda a, c, k: (a * c * k).exp(), (x, constant, 0.5))


def test_gradcheck_leaves_the_inputs_unchanged(rng):
    values = rng.standard_normal((2, 3))
    x = nr.tensor(values, requires_grad=True)
    assert nr.autograd.gradcheck(lambda t: t * t, (x,))
    np.testing.assert_array_equal(x.detach().numpy(), values)
    assert x.grad is None


def test_a_single_tensor_input_need_not_be_wrapped(rng):
    x = nr.tensor(rng.standard_normal(3), requires_grad=True)
    assert nr.autograd.gradcheck(lambda t: t * 3.0, x)


def test_tolerances_are_used(rng):
    """A backward off by 0.1% passes with a loose rtol and fails with a strict one."""
    fn = _cube(nr, backward_factor=3.003).apply
    x = nr.tensor(rng.uniform(1.0, 2.0, 3), requires_grad=True)
    assert nr.autograd.gradcheck(fn, (x,), rtol=1e-2)
    assert not nr.autograd.gradcheck(fn, (x,), rtol=1e-5, atol=0.0, raise_exception=False)


def test_gradgradcheck_takes_grad_outputs(rng):
    x = nr.tensor(rng.uniform(0.5, 1.5, 3), requires_grad=True)
    upstream = nr.tensor(rng.standard_normal(3), requires_grad=True)
    assert nr.autograd.gradgradcheck(lambda t: t * t * t, (x,), (upstream,))


def test_empty_inputs_pass_like_torch():
    torch = pytest.importorskip("torch")
    cases = [lambda t: t * 2, lambda t: (t * t).sum(0)]
    for fn in cases:
        ours = nr.zeros(0, 3, dtype=nr.float64, requires_grad=True)
        theirs = torch.zeros(0, 3, dtype=torch.float64, requires_grad=True)
        assert nr.autograd.gradcheck(fn, (ours,)) == torch.autograd.gradcheck(fn, (theirs,))
        assert nr.autograd.gradgradcheck(fn, (ours,)) == torch.autograd.gradgradcheck(fn, (theirs,))
