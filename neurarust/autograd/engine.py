"""The backward pass: walk the graph from the outputs to the leaves.

:func:`backward` and :func:`grad` share :func:`run_backward`:

1. sort the nodes reachable from the roots topologically (an iterative
   depth-first search, so a 100,000-op chain does not hit Python's recursion
   limit);
2. visit them in that order, each once all its consumers have been visited,
   adding the gradients that arrive for each of its outputs;
3. call the node's ``backward``, fit each returned gradient to its input
   (sum over broadcast dimensions, cast to the input's dtype), and pass it
   along the edge;
4. at a leaf, add the gradient into ``.grad`` (``backward``) or hand it back
   (``grad``).

Saved tensors are freed after use unless ``retain_graph=True``. The pass runs
with recording off, unless ``create_graph=True``: then the backward ops build a
graph of their own and the gradients can be differentiated again.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from . import anomaly, grad_mode
from .function import AccumulateGrad, Function

Tensor: Any = None  # set by neurarust.tensor


def _topological_order(roots: list[Function]) -> list[Function]:
    """Nodes reachable from ``roots``, each before every node it feeds gradients to."""
    seen: set[Function] = set()
    postorder: list[Function] = []
    for root in roots:
        if root in seen:
            continue
        seen.add(root)
        stack = [(root, iter(root._edges))]
        while stack:
            node, children = stack[-1]
            for edge in children:
                if edge is not None and edge[0] not in seen:
                    seen.add(edge[0])
                    stack.append((edge[0], iter(edge[0]._edges)))
                    break
            else:
                stack.pop()
                postorder.append(node)
    postorder.reverse()
    return postorder


def _nodes_leading_to(order: list[Function], targets: set[Function]) -> set[Function]:
    """The nodes whose backward must run to deliver gradients to ``targets``."""
    useful = set(targets)
    must_run: set[Function] = set()
    for node in reversed(order):  # consumers after producers: children are decided first
        if any(e is not None and e[0] in useful for e in node._edges):
            must_run.add(node)
            useful.add(node)
    return must_run


def _fit_gradient(node: Function, index: int, grad: Any) -> Any:
    """Sum ``grad`` over broadcast dims and cast it to input ``index``'s dtype."""
    if not isinstance(grad, Tensor):
        raise TypeError(
            f"{node.name()} returned a {type(grad).__name__} as gradient {index}; "
            "expected a Tensor or None"
        )
    shape, dtype = node._input_meta[index]
    if grad._data.shape != shape:
        try:
            grad = grad.sum_to_size(shape)
        except RuntimeError:
            raise RuntimeError(
                f"Function {node.name()} returned an invalid gradient at index {index} - "
                f"got {list(grad.shape)} but expected shape compatible with {list(shape)}"
            ) from None
    if grad._data.dtype != dtype:
        grad = grad.to(Tensor._dtype_of(dtype))
    return grad


def _call_backward(node: Function, grads: list[Any]) -> tuple[Any, ...]:
    """Run one node's backward on the gradients of its outputs."""
    if node._materialize_grads:
        for i, g in enumerate(grads):
            if g is None:
                shape, dtype, dev = node._output_meta[i]
                grads[i] = Tensor._make(dev.backend.xp.zeros(shape, dtype), dev)
    try:
        results = type(node).backward(node, *grads)
    except Exception:
        if anomaly._state.enabled:
            anomaly.report_failure(node.name(), node._trace)
        raise
    if type(results) is not tuple:
        results = (results,)
    if len(results) != len(node._edges):
        raise RuntimeError(
            f"function {node.name()} returned an incorrect number of gradients "
            f"(expected {len(node._edges)}, got {len(results)})"
        )
    if anomaly._state.enabled:
        anomaly.check_nan(node.name(), results, node._trace)
    return results


def _run_tensor_hooks(node: Function, grads: list[Any]) -> None:
    """Let hooks registered on the node's output tensors see or replace their gradients."""
    for index, hooks in node._hooks.items():  # type: ignore[union-attr]
        if grads[index] is None:
            continue
        for hook in hooks:
            replaced = hook(grads[index])
            if replaced is not None:
                grads[index] = _checked_hook_result(hook, grads[index], replaced)


def _checked_hook_result(hook: Any, grad: Any, replaced: Any) -> Any:
    """The gradient ``hook`` returned instead of ``grad``: it must keep its shape and dtype."""
    name = getattr(hook, "__name__", type(hook).__name__)
    if not isinstance(replaced, Tensor):
        raise TypeError(
            f"hook '{name}' returned a {type(replaced).__name__}; expected a Tensor or None"
        )
    if replaced._data.shape != grad._data.shape:
        raise RuntimeError(
            f"hook '{name}' has changed the size of value (was {list(grad.shape)} got "
            f"{list(replaced.shape)})"
        )
    if replaced._data.dtype != grad._data.dtype:
        raise RuntimeError(
            f"hook '{name}' has changed the type of value (was {grad.dtype.name} got "
            f"{replaced.dtype.name})"
        )
    return replaced


def run_backward(
    roots: Sequence[tuple[Any, Any]],
    grad_roots: Sequence[Any],
    retain_graph: bool,
    create_graph: bool,
    targets: Sequence[tuple[Function, int]] | None = None,
    accumulate: bool = True,
) -> dict[tuple[Function, int], Any]:
    """Backpropagate ``grad_roots`` from the graph edges ``roots``.

    Args:
        roots: one ``(node, output_nr)`` edge per output.
        grad_roots: the gradient of each output (Tensors of its shape).
        retain_graph: keep saved tensors so the graph can be used again.
        create_graph: record the backward pass, for higher-order gradients.
        targets: edges whose incoming gradient to capture; the walk is cut to
            the nodes leading to them. None walks the whole graph.
        accumulate: add gradients into leaves' ``.grad`` (False for ``autograd.grad``).

    Returns:
        The captured gradient of each target edge that received one.
    """
    order = _topological_order([edge[0] for edge in roots])
    must_run = None
    wanted: dict[Function, list[int]] = {}
    if targets is not None:
        for node, nr in targets:
            wanted.setdefault(node, []).append(nr)
        must_run = _nodes_leading_to(order, set(wanted))
    buffers: dict[Function, list[Any]] = {}
    for (node, nr), g in zip(roots, grad_roots):
        _add_gradient(buffers, node, nr, g)
    captured: dict[tuple[Function, int], Any] = {}
    with grad_mode.set_grad_enabled(create_graph):
        for node in order:
            grads = buffers.pop(node, None)
            if grads is None:
                continue
            if must_run is not None and node not in must_run and node not in wanted:
                continue  # leads to no requested input: its hooks must not see a gradient
            if node._hooks:
                _run_tensor_hooks(node, grads)
            for nr in wanted.get(node, ()):
                if grads[nr] is not None:
                    captured[(node, nr)] = grads[nr]
            if isinstance(node, AccumulateGrad):
                if accumulate and (targets is None or node in wanted):
                    node.accumulate(grads[0], create_graph)
                continue
            if must_run is not None and node not in must_run:
                continue
            _send_gradients(buffers, node, _call_backward(node, grads))
            if not retain_graph:
                node.release()
    return captured


def _send_gradients(buffers: dict[Function, list[Any]], node: Function, results: Any) -> None:
    """Pass the input gradients ``node``'s backward returned along its edges.

    (A function of its own so that no loop variable keeps a gradient alive:
    ``AccumulateGrad`` keeps a gradient without copying it only when nothing
    else holds it.)
    """
    for index, (edge, g) in enumerate(zip(node._edges, results)):
        if edge is not None and g is not None:
            _add_gradient(buffers, edge[0], edge[1], _fit_gradient(node, index, g))


def _add_gradient(buffers: dict[Function, list[Any]], node: Function, nr: int, grad: Any) -> None:
    slots = buffers.get(node)
    if slots is None:
        slots = buffers[node] = [None] * max(1, len(node._output_meta))
    held = slots[nr]
    if held is None:
        slots[nr] = grad
    elif held._requires_grad or grad._requires_grad:  # create_graph: record the sum
        slots[nr] = held + grad
    else:  # plain arrays: skip the op machinery on this hot path
        total = held._data + grad._data  # NumPy gives a scalar for two 0-d arrays:
        slots[nr] = Tensor._make(held.backend.xp.asarray(total), held.device)


def _as_tuple(value: Any) -> tuple[Any, ...]:
    if value is None:
        return ()
    if isinstance(value, Tensor):
        return (value,)
    return tuple(value)


def _root_gradients(outputs: tuple[Any, ...], grads: tuple[Any, ...], caller: str) -> list[Any]:
    """Check the outputs and make the implicit gradient (1) for scalar ones."""
    if grads and len(grads) != len(outputs):
        raise RuntimeError(f"{caller}: got {len(outputs)} tensors and {len(grads)} gradients")
    result = []
    for i, out in enumerate(outputs):
        if not out._requires_grad:
            raise RuntimeError(
                f"element {i} of tensors does not require grad and does not have a grad_fn"
            )
        g = grads[i] if grads else None
        if g is None:
            if out.numel() != 1:
                raise RuntimeError(
                    f"grad can be implicitly created only for scalar outputs "
                    f"(output {i} has shape {list(out.shape)})"
                )
            g = Tensor._make(out.backend.xp.ones(out._data.shape, out._data.dtype), out.device)
        elif not isinstance(g, Tensor):
            g = Tensor._make(out.backend.xp.full(out._data.shape, g, out._data.dtype), out.device)
        elif g._data.shape != out._data.shape:
            raise RuntimeError(
                f"{caller}: mismatch in shape: grad_output[{i}] has a shape of "
                f"{list(g.shape)} and output[{i}] has a shape of {list(out.shape)}"
            )
        result.append(g)
    return result


def backward(
    tensors: Any,
    grad_tensors: Any = None,
    retain_graph: bool | None = None,
    create_graph: bool = False,
    inputs: Any = None,
) -> None:
    """Accumulate the gradients of ``tensors`` into the ``.grad`` of graph leaves.

    Args:
        tensors: a Tensor or a sequence of Tensors to differentiate.
        grad_tensors: the gradient w.r.t. each (may be omitted for scalars).
        retain_graph: keep the graph for another backward (default: ``create_graph``).
        create_graph: record the backward pass so the gradients are differentiable.
        inputs: if given, accumulate only into these tensors' ``.grad``.

    Examples:
        >>> import neurarust as nr
        >>> x = nr.tensor([1.0, 2.0], requires_grad=True)
        >>> nr.autograd.backward((x * x).sum()); x.grad
        tensor([2., 4.])
    """
    outputs = _as_tuple(tensors)
    grads = _root_gradients(outputs, _as_tuple(grad_tensors), "backward")
    retain = create_graph if retain_graph is None else retain_graph
    targets = None
    if inputs is not None:
        chosen = _as_tuple(inputs)
        if not chosen:
            raise RuntimeError("`inputs` argument to `backward()` cannot be empty.")
        targets = [t._gradient_edge() for t in chosen]
        captured = run_backward(
            [o._gradient_edge() for o in outputs], grads, retain, create_graph, targets
        )
        for t, edge in zip(chosen, targets):
            if t.grad_fn is not None and edge in captured:  # non-leaf inputs: leaves are done
                g = captured[edge] if create_graph else captured[edge].detach()
                t._grad = g if t._grad is None else t._grad + g
        return
    run_backward([o._gradient_edge() for o in outputs], grads, retain, create_graph)


def grad(
    outputs: Any,
    inputs: Any,
    grad_outputs: Any = None,
    retain_graph: bool | None = None,
    create_graph: bool = False,
    allow_unused: bool | None = None,
    materialize_grads: bool = False,
) -> tuple[Any, ...]:
    """The gradients of ``outputs`` with respect to ``inputs``, without touching ``.grad``.

    Args:
        outputs: Tensor or sequence of Tensors.
        inputs: Tensor or sequence of Tensors (leaves or not) that require grad.
        grad_outputs: gradient w.r.t. each output (may be omitted for scalars).
        retain_graph: keep the graph (default: ``create_graph``).
        create_graph: make the result differentiable (gradient penalties, Hessians).
        allow_unused: return None for inputs the outputs do not depend on,
            instead of raising.
        materialize_grads: return zeros instead of None for unused inputs.

    Returns:
        A tuple with one gradient per input, shaped like it.

    Examples:
        >>> import neurarust as nr
        >>> x = nr.tensor(3.0, requires_grad=True)
        >>> (g,) = nr.autograd.grad(x ** 3, x, create_graph=True)   # 3x^2 = 27
        >>> nr.autograd.grad(g, x)                                   # 6x = 18
        (tensor(18.),)
    """
    outs = _as_tuple(outputs)
    ins = _as_tuple(inputs)
    if not ins:
        raise RuntimeError("`inputs` argument to `grad()` cannot be empty.")
    for i, t in enumerate(ins):
        if not isinstance(t, Tensor) or not t._requires_grad:
            raise RuntimeError(
                f"One of the differentiated Tensors (input {i}) does not require grad"
            )
    if allow_unused is None:
        allow_unused = materialize_grads
    elif materialize_grads and not allow_unused:
        raise ValueError(
            "Expected allow_unused to be True or not passed when materialize_grads=True, "
            "but got: allow_unused=False."
        )
    grads = _root_gradients(outs, _as_tuple(grad_outputs), "grad")
    retain = create_graph if retain_graph is None else retain_graph
    targets = [t._gradient_edge() for t in ins]
    captured = run_backward(
        [o._gradient_edge() for o in outs], grads, retain, create_graph, targets, accumulate=False
    )
    result = []
    for i, (t, edge) in enumerate(zip(ins, targets)):
        g = captured.get(edge)
        if g is None:
            if not allow_unused:
                raise RuntimeError(
                    f"One of the differentiated Tensors (input {i}) appears to not have been "
                    "used in the graph. Set allow_unused=True if this is the desired behavior."
                )
            if materialize_grads:
                g = Tensor._make(t.backend.xp.zeros_like(t._data), t.device)
        result.append(g)
    return tuple(result)
