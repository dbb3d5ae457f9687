"""Graph nodes: :class:`Function`, the base of every differentiable op.

An op is a subclass with two static methods side by side::

    class Exp(Function):
        @staticmethod
        def forward(ctx, x):              # x is a Tensor; return an array or Tensor
            out = x.backend.xp.exp(x._data)
            ctx.save_for_backward(x)
            return out

        @staticmethod
        def backward(ctx, grad):          # grad is a Tensor; use neurarust ops
            (x,) = ctx.saved_tensors
            return grad * x.exp()

    y = Exp.apply(x)

``apply`` runs ``forward`` with recording off and, when some input requires a
gradient, turns the ``ctx`` object into the graph node that produced the
outputs: it remembers one edge per input (the node that produced that input
and which of its outputs it was) and the input's shape and dtype, so the
engine can sum broadcast gradients back and cast them. Because ``backward``
is written with neurarust ops, running it with recording on
(``create_graph=True``) builds a graph of the backward pass itself, which is
how higher-order gradients work.
"""

from __future__ import annotations

import sys
import weakref
from typing import Any

import numpy as np

from . import anomaly, grad_mode

# One edge per forward argument: (node, output_nr) or None when no gradient flows.
Edge = tuple["Function", int]

_FREED_MESSAGE = (
    "Trying to backward through the graph a second time (or directly access saved "
    "tensors after they have already been freed). Saved intermediate values of the graph "
    "are freed when you call .backward() or autograd.grad(). Specify retain_graph=True if "
    "you need to backward through the graph a second time or if you need to access saved "
    "tensors after calling backward."
)


class Function:
    """Base class of differentiable operations (PyTorch's ``torch.autograd.Function``).

    Subclasses define ``forward(ctx, *args)`` and ``backward(ctx, *grad_outputs)``
    as static methods and are called through :meth:`apply`. ``backward`` returns
    one gradient per ``forward`` argument (None for non-tensors or unneeded ones).

    Class attributes an op may set:
        is_view: the outputs share the first input's storage (reshape, transpose...).
        saves_result: keep the outputs so backward can use ``ctx.saved_result()``.
    """

    is_view = False
    saves_result = False

    # Graph-node state, filled by apply() only when a graph is recorded.
    _edges: tuple[Edge | None, ...] = ()
    _input_meta: tuple[Any, ...] = ()
    _output_meta: tuple[Any, ...] = ()  # only for nodes with several outputs
    _saved: tuple[Any, ...] | None = None
    _saved_versions: tuple[int, ...] = ()
    _result: tuple[Any, ...] = ()
    _released = False
    _view_version = 0  # is_view nodes: the base's version when the view was taken
    _hooks: dict[int, list[Any]] | None = None
    _trace: list[str] | None = None
    _non_differentiable: tuple[Any, ...] = ()
    _materialize_grads = True
    needs_input_grad: tuple[bool, ...] = ()

    @staticmethod
    def forward(ctx: Any, *args: Any) -> Any:
        raise NotImplementedError("Function subclasses must implement forward(ctx, *args)")

    @staticmethod
    def backward(ctx: Any, *grad_outputs: Any) -> Any:
        raise NotImplementedError("Function subclasses must implement backward(ctx, *grads)")

    # -- the ctx API ---------------------------------------------------------------

    def save_for_backward(self, *tensors: Any) -> None:
        """Keep tensors (or None) for backward; read them back as ``ctx.saved_tensors``.

        Modifying a saved tensor in place before backward is detected there.
        """
        self._saved = tensors
        self._saved_versions = tuple(0 if t is None else t._version[0] for t in tensors)

    @property
    def saved_tensors(self) -> tuple[Any, ...]:
        """The tensors given to :meth:`save_for_backward`, checked for in-place changes."""
        if self._released:
            raise RuntimeError(_FREED_MESSAGE)
        saved = self._saved or ()
        for t, version in zip(saved, self._saved_versions):
            if t is not None and t._version[0] != version:
                raise RuntimeError(
                    "one of the variables needed for gradient computation has been modified "
                    f"by an inplace operation: [{t.dtype.name} {list(t.shape)}] is at version "
                    f"{t._version[0]}; expected version {version} instead "
                    f"(needed by {self.name()})."
                )
        return saved

    def saved_result(self, index: int = 0) -> Any:
        """Output ``index`` of this node, as a tensor attached to the graph.

        Only for ops with ``saves_result = True``; lets backward reuse an output
        (``exp``, ``sigmoid``) without a reference cycle tensor -> node -> tensor.
        """
        from ..tensor import Tensor

        if self._released:
            raise RuntimeError(_FREED_MESSAGE)
        data, version, dev, saved_version = self._result[index]
        if version[0] != saved_version:
            raise RuntimeError(
                "one of the variables needed for gradient computation has been modified by an "
                f"inplace operation: the output {index} of {self.name()} is at version "
                f"{version[0]}; expected version {saved_version} instead."
            )
        recording = grad_mode._state.enabled
        out = Tensor._make(data, dev, recording, self if recording else None, index)
        out._version = version
        return out

    def mark_non_differentiable(self, *outputs: Any) -> None:
        """Declare outputs (e.g. indices) that never get a gradient."""
        self._non_differentiable = outputs

    def set_materialize_grads(self, value: bool) -> None:
        """If False, backward gets None (not zeros) for outputs that got no gradient."""
        self._materialize_grads = value

    def mark_dirty(self, *tensors: Any) -> None:
        """Accepted for PyTorch compatibility; in-place user Functions are not supported."""
        raise RuntimeError("mark_dirty: in-place custom Functions are not supported by neurarust")

    # -- graph-node API --------------------------------------------------------------

    def name(self) -> str:
        """The node's name, e.g. ``"MulBackward"``."""
        return type(self).__name__ + "Backward"

    def __repr__(self) -> str:
        return f"<{self.name()} object>"

    @property
    def next_functions(self) -> tuple[tuple[Function | None, int], ...]:
        """One ``(node, output_nr)`` pair per input, ``(None, 0)`` where none flows."""
        return tuple(e if e is not None else (None, 0) for e in self._edges)

    def release(self) -> None:
        """Drop saved tensors and outputs (after a backward without retain_graph)."""
        self._saved = None
        self._result = ()
        self._released = True

    # -- building the graph -------------------------------------------------------

    @classmethod
    def apply(cls, *args: Any) -> Any:
        """Run ``forward`` on ``args`` and, if any input requires grad, record a node.

        Returns a Tensor, or a tuple of Tensors when ``forward`` returns a tuple.
        """
        # This is the hottest path of the framework (every op call goes through it),
        # so it is written as flat loops rather than generator expressions.
        ctx = object.__new__(cls)
        state = grad_mode._state
        enabled = state.enabled
        if enabled:
            needs = tuple([isinstance(a, Tensor) and a._requires_grad for a in args])
            record = True in needs
        else:
            needs = (False,) * len(args)
            record = False
        ctx.needs_input_grad = needs
        if enabled:  # forward computes on arrays; ops it calls on Tensors must not record
            state.enabled = False
            try:
                raw = cls.forward(ctx, *args)
            finally:
                state.enabled = True
        else:
            raw = cls.forward(ctx, *args)
        if type(raw) is tuple:
            outputs = tuple(ctx._wrap_output(r, i, record, args) for i, r in enumerate(raw))
            if record:
                ctx._record(args, outputs)
            return outputs
        out = ctx._wrap_output(raw, 0, record, args)
        if record:
            ctx._record(args, (out,))
        return out

    def _wrap_output(self, value: Any, index: int, record: bool, args: tuple[Any, ...]) -> Any:
        """Turn what forward returned into output ``index`` of this node."""
        if isinstance(value, Tensor):
            for a in args:
                if value is a:  # an input passed through: give it a new identity
                    alias = Tensor._make(value._data, value.device)
                    alias._version = value._version
                    value = alias
                    break
            out = value
        else:
            if isinstance(value, np.generic):  # NumPy reductions return scalars, not 0-d arrays
                value = np.asarray(value)
            out = Tensor._make(value, _first_device(args))
        if self.is_view:
            base = args[0]
            out._version = base._version
            out._base = base if base._base is None else base._base
        if record and out._data.dtype.kind == "f":
            for t in self._non_differentiable:
                if out is t:
                    return out
            out._requires_grad = True
            out.grad_fn = self
            out._output_nr = index
        return out

    def _record(self, args: tuple[Any, ...], outputs: tuple[Any, ...]) -> None:
        """Make this ctx the graph node that produced ``outputs`` from ``args``."""
        edges: list[Edge | None] = []
        meta: list[Any] = []
        for a, needed in zip(args, self.needs_input_grad):
            if needed:
                edges.append(a._gradient_edge())
                data = a._data
                meta.append((data.shape, data.dtype))
            else:
                edges.append(None)
                meta.append(None)
        self._edges = tuple(edges)
        self._input_meta = tuple(meta)
        if len(outputs) > 1:  # to make zero gradients for outputs that got none
            self._output_meta = tuple([(o._data.shape, o._data.dtype, o.device) for o in outputs])
        if self.is_view:  # see _refresh_view
            self._view_version = args[0]._version[0]
        if self.saves_result:
            self._result = tuple([(o._data, o._version, o.device, o._version[0]) for o in outputs])
        if anomaly._state.enabled:
            self._trace = anomaly.forward_trace()


def _refresh_view(view: Any) -> None:
    """Re-read ``view`` from its base when its node no longer leads to the base's value.

    That happens when the base got a new ``grad_fn`` from an in-place op after
    the view was taken (the version counter, shared by a base and its views,
    tells): the view's node still leads to the base's old place in the graph,
    so its gradient would skip the write. The view then gets a new node, an
    ``as_strided`` view of the base's current value, as in PyTorch.

    Called whenever a view's place in the graph is asked for
    (``Tensor._gradient_edge``: ops reading it, backward roots, hooks) and on a
    view about to be written in place.
    A view written in place while its base requires grad but it does not (it
    was taken before the base required grad, or under no_grad) is re-read too,
    so the write is recorded (PyTorch refuses the no_grad case).

    Limit: a view that did not require grad when its base started to is read by
    ops as a constant until it is written or taken again, since it cannot be
    told apart from a view taken under no_grad (PyTorch keeps that per view).
    """
    base, node = view._base, view.grad_fn
    if base.grad_fn is None:
        return  # a leaf's place in the graph never changes (and others have none)
    if node is not None and (
        not node.is_view  # a dtype view written in place with a gradient: not a view's node
        or node._view_version == view._version[0]  # no write since the view was taken
    ):
        return
    from ..ops.strided import as_strided, layout  # the ops import this module

    view._take_graph_place(as_strided(base, *layout(view._data, view.backend)))


def _first_device(args: tuple[Any, ...]) -> Any:
    """The device of the first Tensor among an op's arguments."""
    for a in args:
        if isinstance(a, Tensor):
            return a.device
    raise TypeError("Function.apply: forward returned an array but no argument is a Tensor")


class AccumulateGrad(Function):
    """The graph node of a leaf tensor: adds arriving gradients into ``leaf.grad``.

    The leaf owns its node (``leaf._accumulator``) and the node refers back to the
    leaf weakly, so the two form no reference cycle and the node lives exactly as
    long as the leaf. Hooks registered on the leaf are kept on the node, so they
    run even when the graph outlives the leaf tensor.
    """

    def __init__(self, variable: Any) -> None:
        self._variable = weakref.ref(variable)

    @property
    def variable(self) -> Any:
        """The leaf tensor, or None once it has been garbage-collected."""
        return self._variable()

    def name(self) -> str:
        return "AccumulateGrad"

    def accumulate(self, grad: Any, create_graph: bool) -> None:
        """Add ``grad`` into ``variable.grad`` (in place unless a graph is being built)."""
        var = self._variable()
        if var is None:
            return
        if var._grad is None:
            if create_graph or _sole_owner(grad):
                var._grad = grad
            else:
                var._grad = Tensor._make(grad._data.copy(), grad.device)
        elif create_graph or var._grad._requires_grad:
            var._grad = var._grad + grad
        else:
            var._grad._data += grad._data
            var._grad._version[0] += 1


def _sole_owner(grad: Any) -> bool:
    """Whether nothing but the engine holds ``grad`` and its memory, so ``.grad`` may
    keep it without a copy (PyTorch checks the same through a use count).

    The references counted are the engine's gradient list, the ``accumulate``
    argument and ``getrefcount``'s own for the tensor; the tensor's slot and
    ``getrefcount``'s for the array. Any other holder (a second edge given the same
    gradient, a hook that kept it, a view of its memory) means a copy.
    """
    return (
        grad._data.base is None
        and sys.getrefcount(grad._data) <= 2  # the tensor's slot and getrefcount's argument
        and sys.getrefcount(grad) <= _ENGINE_REFERENCES
    )


_ENGINE_REFERENCES = 4  # grads list + accumulate's argument + _sole_owner's + getrefcount's


# Set by neurarust.tensor once Tensor exists (the two modules need each other).
Tensor: Any = None
