"""``neurarust.onnx.export``: write a model as a standard ONNX graph.

How it works, in four steps:

1. **Trace.** The model's forward runs once on the example inputs (in eval
   mode, without gradients) while every op is recorded (``_trace.py``).
2. **Trace again, on other inputs.** The forward runs a second time with the
   input values changed and every dynamic axis longer. Sizes that change
   between the two traces are the ones the graph must compute at run time
   (``_graph.py``). A forward that runs different ops the second time (control
   flow on sizes or values), or a tensor that the graph would freeze as a
   constant but that changed, cannot be exported faithfully, and export says
   so instead of writing a wrong graph.
3. **Convert.** Each recorded op goes to its converter
   (``neurarust/onnx/exporters/``), which adds ONNX nodes. Weights the ops read
   become initializers named by their ``state_dict`` keys (``fc1.weight``).
4. **Check and write.** ``onnx.checker.check_model`` validates the model,
   which is then written to ``f``.
"""

from __future__ import annotations

import inspect
import os
from typing import IO, Any

from .._optional import import_optional
from ..nn.modules.module import Module
from ..tensor import Tensor
from ._graph import GraphBuilder, Symbol, UnsupportedOperatorError
from ._trace import Alias, Call, Trace, flatten_tensors, trace
from .exporters import WHOLE_MODULES, find_converter

SUPPORTED_OPSETS = range(13, 19)

DynamicAxes = dict[str, "dict[int, str] | list[int]"]

_STEPS = (14, 22, 26, 34, 38, 46, 58, 62)  # how much the dynamic dimensions grow


def export(
    model: Module,
    args: Any,
    f: str | os.PathLike[str] | IO[bytes] | None = None,
    *,
    kwargs: dict[str, Any] | None = None,
    input_names: list[str] | None = None,
    output_names: list[str] | None = None,
    dynamic_axes: DynamicAxes | None = None,
    opset_version: int = 17,
) -> Any:
    """Export ``model`` to ONNX by tracing its forward on example inputs.

    Like ``torch.onnx.export`` (its TorchScript-based form): the graph holds the
    ops that ran for these inputs, so Python control flow is fixed at its traced
    path. The model runs in eval mode during the export (dropout off,
    BatchNorm on running statistics) and is put back in its mode afterwards.

    Args:
        model: the module to export.
        args: the example inputs: a tensor or a tuple of positional arguments (a
            dict as the tuple's last item is taken as keyword arguments). The
            tensors among them become the graph inputs, in order.
        f: a path or binary file to write the model to; None only returns it.
        kwargs: keyword arguments of the forward.
        input_names: names of the graph inputs; default: the forward's parameter
            names (``x``, ``hx``...).
        output_names: names of the graph outputs; default ``output``,
            ``output_1``, ... Nested outputs (``out, (h, c)``) are flattened.
        dynamic_axes: for each input or output name, the axes whose size may
            change, as ``{axis: "dim_name"}`` or a list of axes: ``{"x": {0:
            "batch"}}``. Axes with the same name are the same size.
        opset_version: the ONNX opset to write, 13 to 18.

    Returns:
        The ``onnx.ModelProto``; ``onnx.checker.check_model`` has passed on it.

    Raises:
        UnsupportedOperatorError: an op has no ONNX form here; the message names
            the op and the module it ran in.
        ValueError: bad ``opset_version``, names or axes.
        ImportError: the ``onnx`` package is missing (``pip install neurarust[onnx]``).

    Examples:
        >>> import neurarust as nr
        >>> model = nr.nn.Sequential(nr.nn.Linear(4, 8), nr.nn.ReLU(), nr.nn.Linear(8, 2))
        >>> proto = nr.onnx.export(model, nr.randn(3, 4), None, input_names=["x"],
        ...                        dynamic_axes={"x": {0: "batch"}})
        >>> [node.op_type for node in proto.graph.node]
        ['Gemm', 'Relu', 'Gemm']
    """
    onnx = import_optional("onnx", "onnx.export", "onnx", extra="onnx")
    if opset_version not in SUPPORTED_OPSETS:
        raise ValueError(
            f"onnx.export: opset_version must be between {SUPPORTED_OPSETS.start} and "
            f"{SUPPORTED_OPSETS.stop - 1}, got {opset_version}"
        )
    if not isinstance(model, Module):
        raise TypeError(f"onnx.export: model must be an nn.Module, got {type(model).__name__}")
    positional, keywords = _split_args(args, kwargs)
    inputs = [a for a in positional if isinstance(a, Tensor)]
    inputs += [v for v in keywords.values() if isinstance(v, Tensor)]
    input_names = _input_names(model, positional, keywords, inputs, input_names)
    symbols, growth = _symbols(inputs, input_names, dynamic_axes or {})

    was_training = model.training
    model.eval()
    try:
        first = trace(model, positional, keywords, WHOLE_MODULES)
        others = {id(t): _other_input(t, growth.get(k, {})) for k, t in enumerate(inputs)}
        second = trace(
            model,
            tuple(others.get(id(a), a) for a in positional),
            {key: others.get(id(v), v) for key, v in keywords.items()},
            WHOLE_MODULES,
        )
        twins = _pair(first, second, inputs, others)
    finally:
        model.train(was_training)

    outputs = flatten_tensors(first.result)
    if not outputs:
        raise TypeError(
            "onnx.export: the forward must return a tensor or a tuple of tensors, "
            f"got {type(first.result).__name__}"
        )
    output_names = _output_names(outputs, output_names)
    _check_dynamic_axes_names(dynamic_axes or {}, input_names, output_names)

    graph = GraphBuilder(opset_version, twins, symbols, model)
    for tensor, name in zip(inputs, input_names):
        graph.bind(tensor, name)
    for call in first.calls:
        _convert(graph, call)
    graph.current = None
    output_values = [graph.output(t, name) for t, name in zip(outputs, output_names)]

    helper = onnx.helper
    nodes, initializers = graph.to_onnx()
    graph_proto = helper.make_graph(
        nodes,
        type(model).__name__,
        [_value_info(helper, t, name, graph, dynamic_axes) for t, name in zip(inputs, input_names)],
        [_value_info(helper, t, name, graph, dynamic_axes) for t, name in output_values],
        initializers,
    )
    opsets = [helper.make_opsetid("", opset_version)]
    proto = helper.make_model(
        graph_proto,
        opset_imports=opsets,
        producer_name="neurarust",
        ir_version=helper.find_min_ir_version_for(opsets),
    )
    onnx.checker.check_model(proto)
    if f is not None:
        onnx.save_model(proto, f)
    return proto


def _convert(graph: GraphBuilder, call: Call) -> None:
    graph.current = call
    if call.op is Alias:
        graph.bind(call.outputs[0], graph.name(call.args[0]))
        return
    converter = find_converter(call)
    if converter is None:
        raise UnsupportedOperatorError(
            f"onnx.export: {call.describe()} has no ONNX converter in neurarust. Supported ops "
            "are listed on the 'Deploy with ONNX' docs page; a model that needs this op cannot "
            "be exported yet."
        )
    names = converter(graph, call)
    names = (names,) if isinstance(names, str) else tuple(names)
    if len(names) != len(call.outputs):
        raise RuntimeError(
            f"onnx.export: the converter of {call.describe()} gave {len(names)} outputs for "
            f"{len(call.outputs)} (a bug in neurarust's converter)"
        )
    for tensor, name in zip(call.outputs, names):
        graph.bind(tensor, name)


def _split_args(args: Any, kwargs: dict[str, Any] | None) -> tuple[tuple[Any, ...], dict[str, Any]]:
    positional = args if isinstance(args, tuple) else (args,)
    keywords = dict(kwargs or {})
    if positional and isinstance(positional[-1], dict):
        keywords = {**positional[-1], **keywords}
        positional = positional[:-1]
    return positional, keywords


def _input_names(
    model: Module,
    positional: tuple[Any, ...],
    keywords: dict[str, Any],
    inputs: list[Tensor],
    names: list[str] | None,
) -> list[str]:
    if names is not None:
        names = list(names)
        if len(names) > len(inputs) or len(set(names)) != len(names):
            raise ValueError(
                f"onnx.export: input_names has {len(names)} names {names} for {len(inputs)} "
                "input tensors (names must be unique)"
            )
        return names + [f"input_{k}" for k in range(len(names), len(inputs))]
    try:
        bound = inspect.signature(model.forward).bind(*positional, **keywords).arguments
        by_id = {id(v): key for key, v in bound.items() if isinstance(v, Tensor)}
    except (TypeError, ValueError):
        by_id = {}
    defaults = [by_id.get(id(t), f"input_{k}") for k, t in enumerate(inputs)]
    return (
        defaults
        if len(set(defaults)) == len(defaults)
        else [f"input_{k}" for k in range(len(inputs))]
    )


def _output_names(outputs: tuple[Tensor, ...], names: list[str] | None) -> list[str]:
    defaults = ["output"] + [f"output_{k}" for k in range(1, len(outputs))]
    if names is None:
        return defaults
    names = list(names)
    if len(names) > len(outputs) or len(set(names)) != len(names):
        raise ValueError(
            f"onnx.export: output_names has {len(names)} names {names} for {len(outputs)} "
            "output tensors (names must be unique)"
        )
    return names + defaults[len(names) :]


def _axes(spec: Any, input_name: str) -> dict[int, str]:
    """``{axis: name}`` from a dynamic_axes entry (a dict, or a list of axes)."""
    if isinstance(spec, dict):
        return {int(axis): str(name) for axis, name in spec.items()}
    return {int(axis): f"{input_name}_dynamic_axes_{axis}" for axis in spec}


def _symbols(
    inputs: list[Tensor], names: list[str], dynamic_axes: DynamicAxes
) -> tuple[list[Symbol], dict[int, dict[int, int]]]:
    """The dynamic input dimensions, and by how much each grows in the second trace.

    Dimensions with different names grow by twice different primes (14, 22, 26...),
    so a size that reads one of them is unlikely to be mistaken for one that reads
    another: with steps of 1 and 2, 8 -> 12 could be 4 * batch (2 -> 3) or 2 * height
    (4 -> 6); with batch 2 -> 16 and height 4 -> 26 they differ. Even steps keep a
    size's parity, so sizes that a layer halves or scales by 1.5 stay valid.
    """
    symbols: list[Symbol] = []
    growth: dict[int, dict[int, int]] = {}
    increments: dict[str, int] = {}
    for k, (tensor, input_name) in enumerate(zip(inputs, names)):
        for axis, dim_name in _axes(dynamic_axes.get(input_name, {}), input_name).items():
            if not -tensor.dim() <= axis < tensor.dim():
                raise ValueError(
                    f"onnx.export: dynamic_axes gives axis {axis} for input {input_name!r}, "
                    f"which has {tensor.dim()} dimensions (shape {list(tensor.shape)})"
                )
            axis %= tensor.dim()
            if tensor.shape[axis] == 0:
                raise ValueError(
                    f"onnx.export: the example input {input_name!r} has size 0 on dynamic axis "
                    f"{axis}; give an example with at least one element there"
                )
            step = increments.setdefault(dim_name, _STEPS[len(increments) % len(_STEPS)])
            growth.setdefault(k, {})[axis] = step
            size = tensor.shape[axis]
            symbols.append(Symbol(dim_name, input_name, axis, size, size + step))
    return symbols, growth


def _check_dynamic_axes_names(
    dynamic_axes: DynamicAxes, input_names: list[str], output_names: list[str]
) -> None:
    unknown = sorted(set(dynamic_axes) - set(input_names) - set(output_names))
    if unknown:
        raise ValueError(
            f"onnx.export: dynamic_axes names {unknown}, which are not input names "
            f"{input_names} or output names {output_names}"
        )


def _other_input(tensor: Tensor, growth: dict[int, int]) -> Tensor:
    """The input of the second trace: ``tensor`` made longer on each dynamic axis by
    ``growth[axis]``, with its values changed: rolled along the last axis (so token
    ids and class indices stay valid), and floats shifted too. A tensor that the graph
    would hold as a constant but that differs between the traces depends on the
    inputs through an op the trace did not see, and is refused."""
    data = tensor._data
    xp = tensor.backend.xp
    for axis, step in growth.items():
        size = data.shape[axis]
        data = xp.take(data, xp.arange(size + step) % size, axis=axis)
    if data.ndim:
        data = xp.roll(data, 1, axis=-1)
    if data.dtype.kind == "f":
        data = data + data.dtype.type(0.5)
    return Tensor._make(data, tensor.device)


def _pair(
    first: Trace, second: Trace, inputs: list[Tensor], grown: dict[int, Tensor]
) -> dict[int, Tensor]:
    """Match the tensors of the two traces: ``{id(tensor in first): tensor in second}``."""
    a, b = first.calls, second.calls
    for k, (call, other) in enumerate(zip(a, b)):
        if call.op is not other.op:
            raise UnsupportedOperatorError(
                "onnx.export: the forward runs different ops for other inputs "
                f"(op {k} is {call.describe()} for the example inputs and "
                f"{other.describe()} for others): its Python control flow depends on the "
                "inputs' sizes or values, which a traced graph cannot follow. Export with fixed "
                "sizes (without dynamic_axes), or move the branch out of forward."
            )
    if len(a) != len(b):
        raise UnsupportedOperatorError(
            f"onnx.export: the forward runs {len(a)} ops for the example inputs and {len(b)} "
            "for others: its Python control flow depends on the inputs' sizes or values (a "
            "loop over a dynamic axis?), which a traced graph cannot follow. Export with fixed "
            "sizes (without dynamic_axes), or move the branch out of forward."
        )
    twins = {id(t): grown[id(t)] for t in inputs}
    for call, other in zip(a, b):
        call.twin = other
        for x, y in zip(call.args, other.args):
            if isinstance(x, Tensor) and isinstance(y, Tensor):
                twins.setdefault(id(x), y)
        for x, y in zip(call.outputs, other.outputs):
            twins[id(x)] = y
    for x, y in zip(flatten_tensors(first.result), flatten_tensors(second.result)):
        twins.setdefault(id(x), y)
    return twins


def _value_info(
    helper: Any, tensor: Tensor, name: str, graph: GraphBuilder, dynamic_axes: DynamicAxes | None
) -> Any:
    """The declared type and shape of a graph input or output, with named dynamic dims."""
    named = _axes((dynamic_axes or {}).get(name, {}), name)
    named = {axis % max(tensor.dim(), 1): dim for axis, dim in named.items()}
    twin = graph.twin(tensor)
    dims: list[int | str] = []
    for axis, size in enumerate(tensor.shape):
        if axis in named:
            dims.append(named[axis])
        elif twin is not None and twin.shape[axis] != size:
            match = [
                s.name for s in graph.symbols if (s.size, s.twin_size) == (size, twin.shape[axis])
            ]
            dims.append(match[0] if match else f"{name}_dim{axis}")
        else:
            dims.append(size)
    elem_type = helper.np_dtype_to_tensor_dtype(tensor.dtype.numpy)
    return helper.make_tensor_value_info(name, elem_type, dims)
