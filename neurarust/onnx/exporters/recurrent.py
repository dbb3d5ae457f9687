"""Converters of recurrent layers to ONNX.

- ``nn.RNN``, ``nn.LSTM`` and ``nn.GRU`` are exported as whole modules: one
  ONNX ``RNN``/``LSTM``/``GRU`` node per layer (direction ``forward`` or
  ``bidirectional``), its weights re-ordered into ONNX's gate order.
- The fused gate ops of one step, :class:`~neurarust.ops.recurrent.LSTMGates`
  and :class:`~neurarust.ops.recurrent.GRUGates` (what ``nn.LSTMCell``,
  ``nn.GRUCell`` and hand-written loops run), are written unrolled as
  ``Split``, ``Sigmoid``, ``Tanh``, ``Mul`` and ``Add``.

Not supported: LSTM projections (``proj_size > 0``; ONNX's LSTM has none) and
``PackedSequence`` inputs (their batch sizes are data the graph would bake in).
The graphs are valid in float64 too, but onnxruntime runs these three operators
in float32 only.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ...nn.modules.rnn import GRU, LSTM, RNN
from ...nn.utils.rnn import PackedSequence
from ...ops.recurrent import GRUGates, LSTMGates
from .._graph import GraphBuilder, UnsupportedOperatorError
from .._trace import Call
from . import converts, converts_module

# ONNX's gate k is neurarust's (PyTorch's) gate ONNX_GATES[op_type][k]:
# LSTM i, f, g, o -> i, o, f, c; GRU r, z, n -> z, r, h.
ONNX_GATES = {"RNN": (0,), "LSTM": (0, 3, 1, 2), "GRU": (1, 0, 2)}

_OP_TYPES = {"RNN_TANH": "RNN", "RNN_RELU": "RNN", "LSTM": "LSTM", "GRU": "GRU"}


@converts_module(RNN, LSTM, GRU)
def recurrent_layers(g: GraphBuilder, call: Call) -> tuple[str, ...]:
    """One ONNX ``RNN``/``LSTM``/``GRU`` node per layer; returns output, h_n (and c_n)."""
    module: Any = call.module
    forward_args = dict(zip(("input", "hx"), call.args)) | call.kwargs
    input, hx = forward_args["input"], forward_args.get("hx")
    _check_supported(call, module, input)
    unbatched = input.dim() == 2
    x = g.name(input)
    if unbatched:  # the ONNX ops want a batch axis: (T, I) -> (T, 1, I)
        x = g.op("Unsqueeze", x, g.ints([1]))
    elif module.batch_first:
        x = g.op("Transpose", x, perm=[1, 0, 2])
    states = [] if hx is None else [g.name(s) for s in (hx if isinstance(hx, tuple) else (hx,))]
    if unbatched:
        states = [g.op("Unsqueeze", s, g.ints([1])) for s in states]
    per_layer = [_split_layers(g, s, module.num_layers, module._directions) for s in states]
    finals: list[list[str]] = []
    for layer in range(module.num_layers):
        x, *final = _layer(g, call, module, layer, x, [s[layer] for s in per_layer])
        finals.append(final)
    # h_n (and c_n): every layer's (D, B, H) final state, stacked as (layers * D, B, H)
    outputs = [x] + [_concat(g, list(parts)) for parts in zip(*finals)]
    if unbatched:
        outputs = [g.op("Squeeze", o, g.ints([1])) for o in outputs]
    elif module.batch_first:
        outputs[0] = g.op("Transpose", outputs[0], perm=[1, 0, 2])
    return tuple(outputs)


def _check_supported(call: Call, module: Any, input: Any) -> None:
    """Refuse what ONNX's operators cannot express, naming the module."""
    if isinstance(input, PackedSequence):
        raise UnsupportedOperatorError(
            f"onnx.export: {call.describe()} is given a PackedSequence; ONNX export needs a "
            "padded input tensor (pad the batch, or export without pack_padded_sequence)"
        )
    if module.proj_size > 0:
        raise UnsupportedOperatorError(
            f"onnx.export: {call.describe()} has proj_size={module.proj_size}; ONNX's LSTM "
            "operator has no output projection, so LSTMs with proj_size > 0 cannot be exported"
        )


def _split_layers(g: GraphBuilder, state: str, layers: int, directions: int) -> list[str]:
    """A (layers * D, B, H) state as one (D, B, H) value per layer."""
    if layers == 1:
        return [state]
    return list(g.op("Split", state, g.ints([directions] * layers), axis=0, outputs=layers))


def _concat(g: GraphBuilder, values: list[str]) -> str:
    """The values concatenated along axis 0 (the value itself when alone)."""
    return values[0] if len(values) == 1 else g.op("Concat", *values, axis=0)


def _layer(
    g: GraphBuilder, call: Call, module: Any, layer: int, x: str, states: list[str]
) -> tuple[str, ...]:
    """One layer's node on x (T, B, I): its output (T, B, D * H) and final states (D, B, H)."""
    op_type = _OP_TYPES[module.mode]
    directions = module._directions
    prefix = f"{call.module_path}." if call.module_path else ""
    per_direction = [
        _onnx_weights(op_type, *module._parameters_of(layer * directions + d)[:4])
        for d in range(directions)
    ]
    # Initializers W, R and B (D, ...); without biases B is left out (ONNX's default: zeros)
    w, r, b = (
        "" if arrays[0] is None else g.weight(np.stack(arrays), f"{prefix}{name}_l{layer}")
        for name, arrays in zip("WRB", zip(*per_direction))
    )
    attrs: dict[str, Any] = {}
    if module.mode == "RNN_RELU":
        attrs["activations"] = ["Relu"] * directions
    if module.mode == "GRU":
        attrs["linear_before_reset"] = 1  # r multiplies (h R_h^T + Rb_h), as PyTorch's GRU
    inputs = [x, w, r, b, "", *states]  # "": no sequence_lens
    while inputs[-1] == "":
        inputs.pop()
    y, *final = g.op(
        op_type,
        *inputs,
        outputs=3 if op_type == "LSTM" else 2,
        hidden_size=module.hidden_size,
        direction="bidirectional" if directions == 2 else "forward",
        **attrs,
    )
    if directions == 1:  # Y (T, 1, B, H) -> (T, B, H)
        return (g.op("Squeeze", y, g.ints([1])), *final)
    # Y (T, 2, B, H) -> (T, B, 2, H) -> (T, B, 2 * H): both directions' h side by side
    y = g.op("Transpose", y, perm=[0, 2, 1, 3])
    return (g.op("Reshape", y, g.ints([0, 0, -1])), *final)


def _onnx_weights(op_type: str, w_ih: Any, w_hh: Any, b_ih: Any, b_hh: Any) -> tuple[Any, ...]:
    """One direction's W, R and B = [Wb, Rb] (None without biases), in ONNX's gate order."""
    b = (
        None
        if b_ih is None
        else np.concatenate([_onnx_gates(op_type, b_ih), _onnx_gates(op_type, b_hh)])
    )
    return _onnx_gates(op_type, w_ih), _onnx_gates(op_type, w_hh), b


def _onnx_gates(op_type: str, parameter: Any) -> np.ndarray:
    """A (G * H, ...) weight or bias with its G gate blocks in ONNX's order."""
    array = parameter.numpy(force=True)
    order = ONNX_GATES[op_type]
    blocks = array.reshape(len(order), -1, *array.shape[1:])
    return blocks[list(order)].reshape(array.shape)


# -- the fused gate ops of one step -------------------------------------------------------


def _gates(g: GraphBuilder, value: str, count: int, hidden: int) -> tuple[str, ...]:
    """``value`` (N, count * hidden) cut into ``count`` gates along the last axis."""
    return tuple(g.op("Split", value, g.ints([hidden] * count), axis=-1, outputs=count))


@converts(LSTMGates)
def lstm_gates(g: GraphBuilder, call: Call) -> tuple[str, str]:
    """h' = sigmoid(o) * tanh(c'), c' = sigmoid(f) * c + sigmoid(i) * tanh(g), unrolled."""
    gates, c = call.args
    i, f, cell, o = _gates(g, g.name(gates), 4, c.shape[-1])
    i, f, o = (g.op("Sigmoid", v) for v in (i, f, o))
    c_next = g.op("Add", g.op("Mul", f, g.name(c)), g.op("Mul", i, g.op("Tanh", cell)))
    return g.op("Mul", o, g.op("Tanh", c_next)), c_next


@converts(GRUGates)
def gru_gates(g: GraphBuilder, call: Call) -> str:
    """h' = n + z * (h - n) with r, z = sigmoid(gi + gh), n = tanh(gi_n + r * gh_n), unrolled."""
    gi, gh, h = call.args
    hidden = h.shape[-1]
    i_r, i_z, i_n = _gates(g, g.name(gi), 3, hidden)
    h_r, h_z, h_n = _gates(g, g.name(gh), 3, hidden)
    r = g.op("Sigmoid", g.op("Add", i_r, h_r))
    z = g.op("Sigmoid", g.op("Add", i_z, h_z))
    n = g.op("Tanh", g.op("Add", i_n, g.op("Mul", r, h_n)))
    return g.op("Add", n, g.op("Mul", z, g.op("Sub", g.name(h), n)))
