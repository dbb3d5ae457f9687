"""Recording what a model's forward computes: the first half of ONNX export.

Every differentiable op runs through ``Function.apply`` (see
``neurarust/autograd/function.py``), so running the forward once while a
recording ``apply`` stands in for the real one yields the list of ops, their
arguments and their output tensors: a *trace*. Four class attributes are
swapped for the duration of :func:`trace` and restored afterwards:

- ``Function.apply`` records each op (:class:`Call`);
- ``Module.__call__`` tracks where in the model an op ran (its module path,
  for error messages) and turns the modules that ONNX has a whole operator
  for (``nn.LSTM`` -> ``LSTM``) into one call instead of their inner ops;
- ``Tensor._inplace`` notes that after ``x.relu_()`` the tensor ``x`` stands
  for the op's result (:class:`Alias`), and ``Tensor._writes_directly`` is
  turned off so that ``x += 1`` takes that traced path too.

Only the outermost ops are recorded: an op whose forward runs other ops on
tensors (``LocalResponseNorm``) is one call.

Because the swap is global, tracing is not thread-safe: do not run other
neurarust code in another thread while a model is exported.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from ..autograd import grad_mode
from ..autograd.function import Function
from ..nn.modules.module import Module
from ..tensor import Tensor


class Alias:
    """A pseudo-op in a trace: ``outputs[0]`` now holds the value of ``args[0]``.

    Recorded after an in-place op (``x.add_(1)``): the write happened inside
    ``x``, so later ops that read ``x`` must read the op's result.
    """


@dataclass
class Call:
    """One op that the traced forward ran.

    Attributes:
        op: the ``Function`` subclass that ran (``Add``, ``Convolution``...), the
            ``Module`` subclass of a module recorded as a whole (``LSTM``), or
            :class:`Alias`.
        args: the arguments given to ``op.apply`` (tensors, numbers, tuples...),
            or to the module's forward.
        kwargs: the keyword arguments of a module's forward (empty for ops).
        outputs: the output tensors, in order.
        module_path: the qualified name of the innermost module running when the
            op ran (``"encoder.layers.0.linear1"``; ``""`` for the model itself).
        module: the module, for a module recorded as a whole; else None.
        twin: the same call in the second trace that :func:`export` runs with the
            dynamic axes one size larger, or None when there are no dynamic axes.
    """

    op: type
    args: tuple[Any, ...]
    outputs: tuple[Tensor, ...]
    module_path: str
    kwargs: dict[str, Any] = field(default_factory=dict)
    module: Module | None = None
    twin: Call | None = None

    def describe(self) -> str:
        """``"Cumsum (in module 'encoder.layers.0', a TransformerEncoderLayer)"``."""
        where = repr(self.module_path) if self.module_path else "the model's own forward"
        return f"{self.op.__name__} (in {where})"


def flatten_tensors(value: Any) -> tuple[Tensor, ...]:
    """The tensors of a (nested) tuple/list result, in order; other values are skipped."""
    if isinstance(value, Tensor):
        return (value,)
    if isinstance(value, (tuple, list)):
        return tuple(t for item in value for t in flatten_tensors(item))
    return ()


@dataclass
class Trace:
    """The calls of one forward run, and its result."""

    calls: list[Call]
    result: Any


class _Recorder:
    """The state of one trace: the calls so far and the stack of running modules."""

    def __init__(self, model: Module, whole_modules: frozenset[type]) -> None:
        self.calls: list[Call] = []
        self.names = {id(m): name for name, m in model.named_modules()}
        self.whole_modules = tuple(whole_modules)  # subclasses count too: isinstance
        self.path: list[str] = [""]
        self.paused = 0  # > 0 inside a module recorded as a whole

    def record(self, call: Call) -> None:
        if not self.paused:
            self.calls.append(call)


@contextlib.contextmanager
def _recording(recorder: _Recorder) -> Iterator[None]:
    original_apply = Function.__dict__["apply"].__func__
    original_call = Module.__call__
    original_inplace = Tensor._inplace

    def apply(cls: type[Function], *args: Any) -> Any:
        recorder.paused += 1  # ops that this op's forward runs are part of it
        try:
            result = original_apply(cls, *args)
        finally:
            recorder.paused -= 1
        recorder.record(Call(cls, args, flatten_tensors(result), recorder.path[-1]))
        return result

    def call(module: Module, *args: Any, **kwargs: Any) -> Any:
        path = recorder.names.get(id(module), recorder.path[-1])
        whole = isinstance(module, recorder.whole_modules) and not recorder.paused
        recorder.path.append(path)
        recorder.paused += whole
        try:
            result = original_call(module, *args, **kwargs)
        finally:
            recorder.path.pop()
            recorder.paused -= whole
        if whole:
            outputs = flatten_tensors(result)
            recorder.record(Call(type(module), args, outputs, path, kwargs, module))
        return result

    def inplace(self: Tensor, op: Callable[..., Tensor], *args: Any, **kwargs: Any) -> Tensor:
        before = len(recorder.calls)
        result = original_inplace(self, op, *args, **kwargs)
        if len(recorder.calls) > before:  # the op's value now lives in self
            source = recorder.calls[-1].outputs[0]
            recorder.record(Call(Alias, (source,), (self,), recorder.path[-1]))
        return result

    original_writes_directly = Tensor._writes_directly
    Function.apply = classmethod(apply)  # type: ignore[method-assign, assignment]
    Module.__call__ = call  # type: ignore[method-assign, assignment]
    Tensor._inplace = inplace  # type: ignore[method-assign]
    Tensor._writes_directly = _never  # type: ignore[method-assign]
    try:
        yield
    finally:
        Function.apply = classmethod(original_apply)  # type: ignore[method-assign, assignment]
        Module.__call__ = original_call  # type: ignore[method-assign]
        Tensor._inplace = original_inplace  # type: ignore[method-assign]
        Tensor._writes_directly = original_writes_directly  # type: ignore[method-assign]


def _never(*args: Any, **kwargs: Any) -> bool:
    """Stands in for ``Tensor._writes_directly`` while tracing: in-place arithmetic
    takes the general path (an op, then a write), which the trace sees."""
    return False


def trace(
    model: Module, args: tuple[Any, ...], kwargs: dict[str, Any], whole_modules: frozenset[type]
) -> Trace:
    """Run ``model(*args, **kwargs)`` without gradients and record every op it runs.

    Args:
        model: the module to trace.
        args, kwargs: its forward's arguments.
        whole_modules: module classes recorded as one call (their inner ops are not).

    Returns:
        The :class:`Trace`: the calls in the order they ran, and the forward's result.
    """
    recorder = _Recorder(model, whole_modules)
    with grad_mode.no_grad(), _recording(recorder):
        result = model(*args, **kwargs)
    return Trace(recorder.calls, result)
