"""User-defined ops through ``neurarust.autograd.Function``, side by side with PyTorch.

The same Function classes are defined once per library (``_functions(lib)``),
written the way a PyTorch user writes them: ``forward`` with tensor ops,
``backward`` returning one gradient per ``forward`` argument.
"""

from types import SimpleNamespace

import numpy as np
import pytest

import neurarust as nr

from ..conftest import compare_with_torch


def _functions(lib):
    """One namespace of custom Functions built on ``lib.autograd.Function``."""
    base = lib.autograd.Function
    seen = SimpleNamespace(needs_input_grad=None, grads=None)

    class ScaledProduct(base):
        """``a * b * scale`` with a non-tensor argument and saved inputs."""

        @staticmethod
        def forward(ctx, a, b, scale):
            ctx.save_for_backward(a, b)
            ctx.scale = scale
            return a * b * scale

        @staticmethod
        def backward(ctx, grad):
            seen.needs_input_grad = tuple(ctx.needs_input_grad)
            a, b = ctx.saved_tensors
            grad_a = grad * b * ctx.scale if ctx.needs_input_grad[0] else None
            grad_b = grad * a * ctx.scale if ctx.needs_input_grad[1] else None
            return grad_a, grad_b, None

    class SumAndProduct(base):
        """Two outputs; backward sees a gradient (or None) for each."""

        @staticmethod
        def forward(ctx, a, b, materialize):
            ctx.set_materialize_grads(materialize)
            ctx.save_for_backward(a, b)
            return a + b, a * b

        @staticmethod
        def backward(ctx, grad_sum, grad_product):
            seen.grads = (grad_sum, grad_product)
            a, b = ctx.saved_tensors
            grad_a, grad_b = grad_sum, grad_sum
            if grad_product is not None:
                grad_a, grad_b = grad_a + grad_product * b, grad_b + grad_product * a
            return grad_a, grad_b, None

    class WithMask(base):
        """Doubles its input and returns a mask marked non-differentiable."""

        @staticmethod
        def forward(ctx, x):
            mask = x * 0.0
            ctx.mark_non_differentiable(mask)
            return x * 2.0, mask

        @staticmethod
        def backward(ctx, grad, grad_mask):
            seen.grads = (grad_mask,)
            return grad * 2.0

    class WithIndex(base):
        """Also returns an integer tensor: integer outputs never require grad."""

        @staticmethod
        def forward(ctx, x):
            return x * 3.0, x.long()

        @staticmethod
        def backward(ctx, grad, grad_index):
            return grad * 3.0

    class Identity(base):
        @staticmethod
        def forward(ctx, x):
            return x

        @staticmethod
        def backward(ctx, grad):
            return grad

    def constant_backward(result):
        """A Function doubling its input whose backward returns ``result(grad)``."""

        class Custom(base):
            @staticmethod
            def forward(ctx, a, b=None):
                return a * 2.0

            @staticmethod
            def backward(ctx, grad):
                return result(grad)

        return Custom

    return SimpleNamespace(
        seen=seen,
        ScaledProduct=ScaledProduct,
        SumAndProduct=SumAndProduct,
        WithMask=WithMask,
        WithIndex=WithIndex,
        Identity=Identity,
        constant_backward=constant_backward,
    )


def _leaf(lib, values):
    return lib.tensor(values, dtype=lib.float64, requires_grad=True)


def save_for_backward_and_non_tensor_args(lib):
    f = _functions(lib)
    a, b = _leaf(lib, [1.0, 2.0]), _leaf(lib, [3.0, -1.0])
    y = f.ScaledProduct.apply(a, b, 0.5)
    y.sum().backward()
    return y, y.grad_fn.name(), a.grad, b.grad, f.seen.needs_input_grad


def needs_input_grad_follows_inputs(lib):
    f = _functions(lib)
    a, b = _leaf(lib, [1.0, 2.0]), lib.tensor([3.0, -1.0], dtype=lib.float64)
    f.ScaledProduct.apply(a, b, 2.0).sum().backward()
    return a.grad, b.grad, f.seen.needs_input_grad


def no_graph_without_inputs_requiring_grad(lib):
    f = _functions(lib)
    a = lib.tensor([1.0, 2.0])
    y = f.ScaledProduct.apply(a, a, 1.0)
    with lib.no_grad():
        z = f.ScaledProduct.apply(_leaf(lib, [1.0]), a[:1], 1.0)
    return y, y.requires_grad, y.grad_fn is None, z.requires_grad, z.grad_fn is None


def tuple_outputs_with_one_used(lib, materialize=True):
    f = _functions(lib)
    a, b = _leaf(lib, [1.0, 2.0]), _leaf(lib, [3.0, -1.0])
    total, product = f.SumAndProduct.apply(a, b, materialize)
    (total * 2.0).sum().backward()
    unused = f.seen.grads[1]
    return total, product, a.grad, b.grad, unused is None, unused if materialize else None


def tuple_outputs_not_materialized(lib):
    return tuple_outputs_with_one_used(lib, materialize=False)


def mark_non_differentiable(lib):
    f = _functions(lib)
    x = _leaf(lib, [1.0, -2.0])
    doubled, mask = f.WithMask.apply(x)
    (doubled * mask + doubled).sum().backward()
    return doubled, mask.requires_grad, mask.grad_fn is None, x.grad, f.seen.grads


def integer_outputs_do_not_require_grad(lib):
    f = _functions(lib)
    x = _leaf(lib, [1.5, -2.0])
    tripled, index = f.WithIndex.apply(x)
    tripled.sum().backward()
    return tripled, index, index.requires_grad, x.grad


def returning_an_input_unchanged(lib):
    f = _functions(lib)
    x = _leaf(lib, [1.0, 2.0])
    y = f.Identity.apply(x)
    (y * y).sum().backward()
    return y is x, y.requires_grad, y.is_leaf, x.grad


def gradient_broadcast_back_to_the_input(lib):
    f = _functions(lib)
    x = _leaf(lib, [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    custom = f.constant_backward(lambda g: g.expand(4, 2, 3) * 1.0)
    custom.apply(x).sum().backward()
    return x.grad


def gradient_cast_to_the_input_dtype(lib):
    f = _functions(lib)
    x = _leaf(lib, [1.0, 2.0])
    f.constant_backward(lambda g: g.float()).apply(x).sum().backward()
    return x.grad


def wrong_number_of_gradients(lib):
    f = _functions(lib)
    x = _leaf(lib, [1.0, 2.0])
    custom = f.constant_backward(lambda g: g)
    y = custom.apply(x, 3)
    message = r"returned an incorrect number of gradients \(expected 2, got 1\)"
    with pytest.raises(RuntimeError, match=message):
        y.sum().backward()


def wrong_gradient_shape(lib):
    f = _functions(lib)
    x = _leaf(lib, [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    custom = f.constant_backward(lambda g: g.sum(0))
    message = (
        r"CustomBackward returned an invalid gradient at index 0 - got \[3\] but expected "
        r"shape compatible with \[2, 3\]"
    )
    with pytest.raises(RuntimeError, match=message):
        custom.apply(x).sum().backward()


def saved_tensors_after_backward(lib):
    f = _functions(lib)
    a, b = _leaf(lib, [1.0, 2.0]), _leaf(lib, [3.0, -1.0])
    y = f.ScaledProduct.apply(a, b, 1.0)
    y.sum().backward()
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        y.grad_fn.saved_tensors  # noqa: B018 (the property raises)


def saved_input_modified_in_place(lib):
    f = _functions(lib)
    a, b = _leaf(lib, [1.0, 2.0]), lib.tensor([3.0, -1.0], dtype=lib.float64)
    y = f.ScaledProduct.apply(a, b, 1.0)
    b.add_(1.0)
    message = "modified by an inplace operation.*is at version 1; expected version 0 instead"
    with pytest.raises(RuntimeError, match=message):
        y.sum().backward()


SCENARIOS = {
    f.__name__: f
    for f in [
        save_for_backward_and_non_tensor_args,
        needs_input_grad_follows_inputs,
        no_graph_without_inputs_requiring_grad,
        tuple_outputs_with_one_used,
        tuple_outputs_not_materialized,
        mark_non_differentiable,
        integer_outputs_do_not_require_grad,
        returning_an_input_unchanged,
        gradient_broadcast_back_to_the_input,
        gradient_cast_to_the_input_dtype,
        wrong_number_of_gradients,
        wrong_gradient_shape,
        saved_tensors_after_backward,
        saved_input_modified_in_place,
    ]
}


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_custom_functions_match_torch(name):
    compare_with_torch(SCENARIOS[name], grad=False)


def test_custom_function_inside_a_larger_graph_matches_torch(rng):
    def fn(lib, a, b):
        f = _functions(lib)
        return f.ScaledProduct.apply(a.exp(), b, -1.5) * a

    compare_with_torch(fn, rng.standard_normal((2, 3)), rng.standard_normal(3))


def test_forward_may_return_a_raw_array():
    class Square(nr.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x.backend.xp.square(x._data)

        @staticmethod
        def backward(ctx, grad):
            (x,) = ctx.saved_tensors
            return grad * x * 2.0

    x = nr.tensor([1.0, -3.0], requires_grad=True)
    y = Square.apply(x)
    y.sum().backward()
    assert isinstance(y, nr.Tensor) and y.grad_fn.name() == "SquareBackward"
    np.testing.assert_array_equal(x.grad.numpy(), [2.0, -6.0])


def test_backward_returning_a_non_tensor_is_a_clear_error():
    class Bad(nr.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 1.0

        @staticmethod
        def backward(ctx, grad):
            return 1.0

    with pytest.raises(TypeError, match="BadBackward returned a float as gradient 0"):
        Bad.apply(nr.ones(2, requires_grad=True)).sum().backward()


def test_missing_methods_are_reported():
    class NoBackward(nr.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 1.0

    with pytest.raises(NotImplementedError, match="backward"):
        NoBackward.apply(nr.ones(2, requires_grad=True)).sum().backward()
    with pytest.raises(NotImplementedError, match="forward"):
        nr.autograd.Function.apply(nr.ones(2))


def test_mark_dirty_is_refused_clearly():
    """In-place custom Functions are a deliberate gap (see the docs' Coming from PyTorch)."""

    class InPlace(nr.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.mark_dirty(x)
            return x

    with pytest.raises(RuntimeError, match="mark_dirty.*not supported"):
        InPlace.apply(nr.ones(2, requires_grad=True))


def test_next_functions_link_the_graph():
    x = nr.ones(2, requires_grad=True)
    y = _functions(nr).ScaledProduct.apply(x * 2.0, nr.ones(2), 1.0)
    (mul_edge, constant_edge, scale_edge) = y.grad_fn.next_functions
    assert mul_edge[0] is not None and mul_edge[0].name().startswith("Mul")
    assert mul_edge[0].next_functions[0][0].name() == "AccumulateGrad"
    assert constant_edge == (None, 0) and scale_edge == (None, 0)
