"""The backward engine: backward(), autograd.grad(), graph reuse, hooks, higher order.

Most scenarios are written once as ``scenario(lib)`` and run with neurarust and
with PyTorch; every value they return (gradients, flags) must agree, and every
error they expect must be raised by both libraries with the same message.
"""

import gc
import tracemalloc
import weakref

import numpy as np
import pytest

import neurarust as nr

from ..conftest import compare_with_torch


def _leaf(lib, values):
    return lib.tensor(values, dtype=lib.float64, requires_grad=True)


# -- backward() --------------------------------------------------------------------------


def backward_of_a_scalar(lib):
    x = _leaf(lib, [1.0, -2.0, 3.0])
    (x * x * 0.5 + x).sum().backward()
    return x.grad, x.grad.requires_grad


def backward_with_a_gradient(lib):
    x = _leaf(lib, [[1.0, 2.0], [3.0, -4.0]])
    y = x * x * 3.0
    y.backward(lib.tensor([[1.0, 0.5], [-1.0, 2.0]], dtype=lib.float64))
    return x.grad


def backward_of_several_tensors(lib):
    x = _leaf(lib, [1.0, 2.0])
    lib.autograd.backward([(x * x).sum(), x * 3.0], [None, lib.ones(2, dtype=lib.float64)])
    return x.grad


def non_scalar_backward_needs_a_gradient(lib):
    x = _leaf(lib, [1.0, 2.0])
    with pytest.raises(
        RuntimeError, match="grad can be implicitly created only for scalar outputs"
    ):
        (x * 2.0).backward()
    return x.grad


def gradient_of_the_wrong_shape(lib):
    x = _leaf(lib, [1.0, 2.0])
    with pytest.raises(RuntimeError, match="(?i)mismatch in shape"):
        (x * 2.0).backward(lib.ones(3, dtype=lib.float64))


def backward_of_a_leaf(lib):
    x = _leaf(lib, [1.0, 2.0])
    x.backward(lib.tensor([0.5, -1.0], dtype=lib.float64))
    return x.grad, lib.autograd.grad(x, x, lib.ones(2, dtype=lib.float64))


def argument_count_errors(lib):
    x = _leaf(lib, [1.0, 2.0])
    two = [x.sum(), (x * x).sum()]
    one_gradient = [lib.tensor(1.0, dtype=lib.float64)]
    with pytest.raises(RuntimeError, match="got 2 tensors and 1 gradients"):
        lib.autograd.backward(two, one_gradient)
    with pytest.raises(RuntimeError, match="got 2 tensors and 1 gradients"):
        lib.autograd.grad(two, x, grad_outputs=one_gradient)
    with pytest.raises(RuntimeError, match=r"`inputs` argument to `grad\(\)` cannot be empty"):
        lib.autograd.grad(two[0], [])
    with pytest.raises(RuntimeError, match=r"`inputs` argument to `backward\(\)` cannot be"):
        two[0].backward(inputs=[])


def backward_of_a_tensor_outside_the_graph(lib):
    x = lib.ones(2)
    with pytest.raises(RuntimeError, match="does not require grad and does not have a grad_fn"):
        x.sum().backward()


def gradients_accumulate_in_leaves(lib):
    x = _leaf(lib, [1.0, 2.0])
    (x * x).sum().backward()
    first = x.grad
    first_values = x.grad.clone()
    (x * 3.0).sum().backward()
    return first_values, x.grad, first is x.grad


def backward_into_chosen_inputs(lib):
    x, w = _leaf(lib, [1.0, 2.0]), _leaf(lib, [3.0, 4.0])
    (x * w).sum().backward(inputs=[w])
    return x.grad, w.grad


def retain_graph_allows_a_second_backward(lib):
    x = _leaf(lib, [0.5, -1.0])
    y = (x * x.exp()).sum()
    y.backward(retain_graph=True)
    y.backward()
    return x.grad


def second_backward_through_a_freed_graph(lib):
    x = _leaf(lib, [0.5, -1.0])
    y = (x * x).sum()
    y.backward()
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        y.backward()
    return x.grad


def graph_without_saved_tensors_can_be_reused(lib):
    x = _leaf(lib, [0.5, -1.0])
    y = (x + 1.0).sum()
    y.backward()
    y.backward()  # nothing was saved, so nothing was freed
    return x.grad


def non_leaf_grad_is_none_unless_retained(lib):
    x = _leaf(lib, [1.0, 2.0])
    hidden, kept = x * 2.0, x * 3.0
    kept.retain_grad()
    (hidden * kept).sum().backward()
    with pytest.warns(UserWarning, match="is not a leaf Tensor"):
        missing = hidden.grad
    return missing, kept.grad, kept.retains_grad, hidden.retains_grad, hidden.is_leaf, x.grad


# -- autograd.grad() ---------------------------------------------------------------------


def grad_with_grad_outputs(lib):
    x = _leaf(lib, [1.0, 2.0, -3.0])
    y = x * x
    (g,) = lib.autograd.grad(y, x, grad_outputs=lib.tensor([1.0, -1.0, 0.5], dtype=lib.float64))
    return g, g.requires_grad, x.grad


def grad_of_several_outputs_and_inputs(lib):
    a, b = _leaf(lib, [1.0, 2.0]), _leaf(lib, [-1.0, 0.5])
    outputs = [a * b, (a + b).sum()]
    return lib.autograd.grad(outputs, [a, b], grad_outputs=[lib.ones(2, dtype=lib.float64), None])


def grad_of_a_non_leaf(lib):
    x = _leaf(lib, [1.0, 2.0])
    hidden = x * 2.0
    return lib.autograd.grad((hidden * hidden).sum(), hidden)


def grad_allow_unused(lib):
    x, unused = _leaf(lib, [1.0, 2.0]), _leaf(lib, [5.0])
    y = (x * x).sum()
    with pytest.raises(RuntimeError, match="appears to not have been used in the graph"):
        lib.autograd.grad(y, [x, unused], retain_graph=True)
    allowed = lib.autograd.grad(y, [x, unused], allow_unused=True, retain_graph=True)
    materialized = lib.autograd.grad(y, [x, unused], materialize_grads=True)
    return allowed, materialized


def grad_retain_graph(lib):
    x = _leaf(lib, [1.0, 2.0])
    y = (x * x).sum()
    first = lib.autograd.grad(y, x, retain_graph=True)
    second = lib.autograd.grad(y, x)
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        lib.autograd.grad(y, x)
    return first, second


def grad_create_graph(lib):
    x = _leaf(lib, [1.0, 2.0])
    (g,) = lib.autograd.grad((x * x * x).sum(), x, create_graph=True)  # 3x^2
    (gg,) = lib.autograd.grad(g.sum(), x)  # 6x
    return g, g.requires_grad, g.grad_fn is not None, gg, gg.requires_grad


def grad_of_an_input_not_requiring_grad(lib):
    x, constant = _leaf(lib, [1.0]), lib.ones(1, dtype=lib.float64)
    with pytest.raises(RuntimeError, match="differentiated Tensors.*does not require grad"):
        lib.autograd.grad((x * constant).sum(), [constant])


def backward_with_create_graph(lib):
    x = _leaf(lib, [1.0, -2.0])
    (x * x * x).sum().backward(create_graph=True)
    first = x.grad
    (gg,) = lib.autograd.grad(first.sum(), x)
    return first, first.requires_grad, gg


# -- hooks -------------------------------------------------------------------------------


def hooks_see_and_replace_gradients(lib):
    x = _leaf(lib, [1.0, 2.0])
    hidden = x * 2.0
    seen = []
    hidden.register_hook(lambda g: seen.append(g.clone()))
    handle = hidden.register_hook(lambda g: g * 10.0)
    x.register_hook(lambda g: g + 1.0)
    hidden.retain_grad()
    (hidden * hidden).sum().backward(retain_graph=True)
    first_grad, first_retained = x.grad.clone(), hidden.grad.clone()
    handle.remove()
    handle.remove()  # removing twice is harmless
    x.grad, hidden.grad = None, None
    (hidden * hidden).sum().backward()
    return seen, first_grad, first_retained, x.grad, hidden.grad


def hooks_must_keep_shape_and_dtype(lib):
    for tensor in (_leaf(lib, [1.0, 2.0]), _leaf(lib, [1.0, 2.0]) * 1.0):
        handle = tensor.register_hook(lambda g: g[:1])
        with pytest.raises(RuntimeError, match="has changed the size of value"):
            (tensor * 2.0).sum().backward()
        handle.remove()
        tensor.register_hook(lambda g: g.float())
        with pytest.raises(RuntimeError, match="has changed the type of value"):
            (tensor * 2.0).sum().backward()


def hook_on_a_tensor_not_requiring_grad(lib):
    with pytest.raises(RuntimeError, match="doesn't require gradient"):
        lib.ones(2).register_hook(lambda g: g)


SCENARIOS = {
    f.__name__: f
    for f in [
        backward_of_a_scalar,
        backward_with_a_gradient,
        backward_of_several_tensors,
        non_scalar_backward_needs_a_gradient,
        gradient_of_the_wrong_shape,
        backward_of_a_leaf,
        argument_count_errors,
        backward_of_a_tensor_outside_the_graph,
        gradients_accumulate_in_leaves,
        backward_into_chosen_inputs,
        retain_graph_allows_a_second_backward,
        second_backward_through_a_freed_graph,
        graph_without_saved_tensors_can_be_reused,
        non_leaf_grad_is_none_unless_retained,
        grad_with_grad_outputs,
        grad_of_several_outputs_and_inputs,
        grad_of_a_non_leaf,
        grad_allow_unused,
        grad_retain_graph,
        grad_create_graph,
        grad_of_an_input_not_requiring_grad,
        backward_with_create_graph,
        hooks_see_and_replace_gradients,
        hooks_must_keep_shape_and_dtype,
        hook_on_a_tensor_not_requiring_grad,
    ]
}


@pytest.mark.filterwarnings("ignore:Using backward\\(\\) with create_graph=True")
@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_engine_matches_torch(name):
    compare_with_torch(SCENARIOS[name], grad=False)


# -- graph shapes: compared with torch, gradients included --------------------------------

GRAPHS = {
    "diamond": (lambda lib, x: (lambda a: a.exp() * (a * 3.0))(x * 2.0), [(2, 3)]),
    "input_used_twice": (lambda lib, x: x * x, [(3,)]),
    "output_used_twice": (lambda lib, x: (lambda e: e * e + e)(x.exp()), [(3,)]),
    "shared_weight": (lambda lib, x, w: x @ w + (x * 2.0) @ w, [(2, 3), (3, 4)]),
    "broadcast": (lambda lib, a, b: a * b + a, [(3, 1), (4,)]),
    "unbind_one_used": (lambda lib, x: x.unbind(0)[1] * 2.0, [(3, 2)]),
    "unbind_all_returned": (lambda lib, x: lib.unbind(x, 1), [(2, 3)]),
    "split_some_used": (lambda lib, x: (lambda p: p[0].exp() + p[2])(x.split(1, 1)), [(2, 3)]),
    "chunk_reordered": (lambda lib, x: (lambda c: c[1] * c[0])(x.chunk(2, 0)), [(4, 2)]),
}


@pytest.mark.parametrize("name", sorted(GRAPHS))
def test_graph_gradients_match_torch(name, rng):
    fn, shapes = GRAPHS[name]
    compare_with_torch(fn, *[rng.standard_normal(s).astype(np.float32) for s in shapes])


# -- higher order ----------------------------------------------------------------------

ACTIVATIONS = {
    "exp": lambda t: t.exp(),
    "tanh": lambda t: t.tanh(),
    "sigmoid": lambda t: t.sigmoid(),
    "sin": lambda t: t.sin(),
    "square": lambda t: t * t,
}


@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
def test_gradient_penalty_matches_torch(activation, rng):
    """Backward through ||d loss / d x||^2 reaches the weights (WGAN-GP style)."""
    act = ACTIVATIONS[activation]

    def penalty(lib, x, w1, w2):
        loss = (act(x @ w1) @ w2).sum()
        (g,) = lib.autograd.grad(loss, x, create_graph=True)
        return (g * g).sum()

    shapes = [(3, 4), (4, 5), (5, 2)]
    inputs = [0.5 * rng.standard_normal(s) for s in shapes]
    compare_with_torch(penalty, *inputs, atol=1e-8, rtol=1e-6)


@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
def test_hessian_vector_product_matches_torch(activation, rng):
    act = ACTIVATIONS[activation]
    vector = rng.standard_normal(4)

    def hvp(lib, x, w):
        loss = act(x @ w).sum() + (x * x * w.sum()).sum()
        (g,) = lib.autograd.grad(loss, w, create_graph=True)
        (hv,) = lib.autograd.grad((g * lib.tensor(vector)).sum(), w, retain_graph=True)
        return hv

    compare_with_torch(hvp, rng.standard_normal((3, 4)), rng.standard_normal(4), grad=True)


# -- scale and memory ------------------------------------------------------------------


def test_chain_of_100000_ops_backpropagates_without_recursion_error():
    x = nr.tensor(0.0, requires_grad=True)
    y = x
    for _ in range(100_000):
        y = y + 1.0
    y.backward()
    assert y.item() == 100_000.0
    assert x.grad.item() == 1.0
    del y
    gc.collect()  # freeing a deep graph must not recurse either


def _product_of_exp(x):
    """``a * a`` with ``a = exp(x)``: mul saves ``a``; exp saves its result array."""
    a = x.exp()
    return (a * a).sum(), weakref.ref(a), weakref.ref(a._data)


@pytest.mark.parametrize("retain_graph", [False, True])
def test_saved_tensors_are_freed_after_backward(retain_graph):
    x = nr.ones(3, requires_grad=True)
    loss, saved_tensor, saved_array = _product_of_exp(x)
    gc.collect()
    assert saved_tensor() is not None and saved_array() is not None
    loss.backward(retain_graph=retain_graph)
    gc.collect()
    assert (saved_tensor() is not None) == retain_graph
    assert (saved_array() is not None) == retain_graph
    assert loss.grad_fn is not None  # the graph itself stays; only saved values go


def test_memory_does_not_grow_across_training_steps(rng):
    x = nr.tensor(rng.standard_normal((64, 8)), dtype=nr.float32)
    target = nr.tensor(rng.standard_normal((64, 1)), dtype=nr.float32)
    w = nr.zeros(8, 1, requires_grad=True)
    b = nr.zeros(1, requires_grad=True)

    def step():
        error = x @ w + b - target
        loss = (error * error).mean()
        w.grad, b.grad = None, None
        loss.backward()
        with nr.no_grad():
            w.sub_(w.grad * 0.05)
            b.sub_(b.grad * 0.05)
        return loss.item()

    first = [step() for _ in range(5)]
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    last = [step() for _ in range(50)]
    gc.collect()
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    assert last[-1] < first[0]  # it trains
    assert after - before < 32 * 1024, f"memory grew by {after - before} bytes over 50 steps"


def test_backward_skips_branches_that_need_no_gradient():
    x = nr.ones(2, requires_grad=True)
    constant = nr.ones(2)
    calls = []
    y = x * constant
    y.register_hook(lambda g: calls.append("y"))
    (y.sum() + constant.sum()).backward()
    assert calls == ["y"]
    np.testing.assert_array_equal(x.grad.numpy(), [1.0, 1.0])
    assert constant.grad is None


def test_grad_only_runs_the_nodes_leading_to_its_inputs():
    x, w = nr.ones(2, requires_grad=True), nr.ones(2, requires_grad=True)
    calls = []
    wx = w.exp()
    wx.register_hook(lambda g: calls.append("w branch"))
    (g,) = nr.autograd.grad((x * 2.0 + wx).sum(), x)
    np.testing.assert_array_equal(g.numpy(), [2.0, 2.0])
    assert calls == [] and w.grad is None and x.grad is None


def test_backward_without_create_graph_records_nothing():
    x = nr.tensor([1.0, 2.0], requires_grad=True)
    (x * x).sum().backward()
    assert x.grad.grad_fn is None and not x.grad.requires_grad


def _two_leaves_one_gradient(a, b, kept):
    ((a + b) * 2.0).sum().backward()  # Add hands one fresh gradient to both leaves
    kept.append(b.grad)


def _user_gradient(a, b, kept):
    kept.append(nr.ones(3))
    (a * 1.0).backward(kept[0])


def _leaf_as_root(a, b, kept):
    kept.append(nr.ones(3))
    a.backward(kept[0])


def _hook_keeps_gradient(a, b, kept):
    a.register_hook(kept.append)
    (a * b).sum().backward()


@pytest.mark.parametrize(
    "scenario", [_two_leaves_one_gradient, _user_gradient, _leaf_as_root, _hook_keeps_gradient]
)
def test_grad_never_aliases_memory_held_elsewhere(scenario):
    """.grad may keep the engine's own buffer (no copy) but never memory something
    else still holds: writing into .grad changes nothing else."""
    a, b = nr.ones(3, requires_grad=True), nr.ones(3, requires_grad=True)
    kept = []
    scenario(a, b, kept)
    before = [t.numpy().copy() for t in kept]
    a.grad.add_(100.0)
    for tensor, values in zip(kept, before):
        np.testing.assert_array_equal(tensor.numpy(), values)
