"""Converters from traced neurarust ops to ONNX nodes, one registry for all.

A converter takes the :class:`~neurarust.onnx._graph.GraphBuilder` and one
traced :class:`~neurarust.onnx._trace.Call` and returns the graph names of the
call's outputs (a string, or a tuple for several outputs)::

    @converts(Relu)
    def relu(g, call):
        return g.op("Relu", g.name(call.args[0]))

Converters are keyed by the exact op class (``Function`` subclass), or by a
module class for modules exported as one ONNX operator (``nn.LSTM``), which are
then traced as a whole, subclasses included: :data:`WHOLE_MODULES`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from .._graph import GraphBuilder
from .._trace import Call

Converter = Callable[[GraphBuilder, Call], "str | Sequence[str]"]

CONVERTERS: dict[type, Converter] = {}
WHOLE_MODULES: frozenset[type] = frozenset()


def find_converter(call: Call) -> Converter | None:
    """The converter of ``call``: by exact op class (``Softmin`` is not ``Softmax``),
    or for a whole module by its class or a base class (a user's ``LSTM`` subclass)."""
    if call.module is None:
        return CONVERTERS.get(call.op)
    return next((CONVERTERS[c] for c in call.op.__mro__ if c in CONVERTERS), None)


def converts(*ops: type) -> Callable[[Converter], Converter]:
    """Register the decorated function as the converter of ``ops``."""

    def register(converter: Converter) -> Converter:
        for op in ops:
            CONVERTERS[op] = converter
        return converter

    return register


def converts_module(*modules: type) -> Callable[[Converter], Converter]:
    """Register a converter for whole modules: their forward is traced as one call."""
    global WHOLE_MODULES
    WHOLE_MODULES = WHOLE_MODULES | frozenset(modules)
    return converts(*modules)


from . import layers, pointwise, recurrent, shape  # noqa: E402, F401  (they register converters)
