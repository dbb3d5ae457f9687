"""ONNX's recurrent operators ``RNN``, ``LSTM`` and ``GRU`` on neurarust's recurrence op.

Each direction of a node runs as neurarust's recurrent layers do: the input
projection of every time step as one GEMM, then
:func:`~neurarust.ops.recurrent.recurrence`, once the weights' gate blocks are
put back in neurarust's (PyTorch's) order. ONNX's GRU with
``linear_before_reset=0`` (its default, which Keras/TensorFlow exporters
write) applies the reset gate before the product with ``R_h``, unlike
PyTorch's GRU: it runs as a per-step graph of neurarust ops instead.

Supported: directions forward, reverse and bidirectional, ``layout`` 0 and 1,
``sequence_lens`` (sequences of different lengths are packed, so the steps
past a sequence's end are not computed and their outputs are zeros),
``initial_h``/``initial_c``, the default activations (and ``Relu`` for
``RNN``). Not supported: other activations, ``clip``, LSTM's
``input_forget`` and peepholes (input ``P``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ... import ops
from ...nn import functional as F
from ...nn.utils.rnn import PackedSequence, pack_padded_sequence, pad_packed_sequence
from ...ops.recurrent import _Cell, recurrence, run_steps
from ...tensor import Tensor
from ..exporters.recurrent import ONNX_GATES
from . import NodeContext, implements, ints

# neurarust's gate j is ONNX's gate NEURARUST_GATES[op_type][j] (ONNX_GATES inverted)
NEURARUST_GATES = {op: tuple(int(k) for k in np.argsort(o)) for op, o in ONNX_GATES.items()}

_DEFAULT_ACTIVATIONS = {
    "RNN": ("tanh",),
    "LSTM": ("sigmoid", "tanh", "tanh"),
    "GRU": ("sigmoid", "tanh"),
}


@implements("RNN", "LSTM", "GRU")
def recurrent(
    node: NodeContext,
    x: Tensor,
    w: Tensor,
    r: Tensor,
    b: Tensor | None = None,
    sequence_lens: Tensor | None = None,
    initial_h: Tensor | None = None,
    initial_c: Tensor | None = None,
    p: Tensor | None = None,
) -> tuple[Tensor, ...]:
    """Y (T, D, B, H), Y_h (D, B, H) and, for LSTM, Y_c; batch first with layout=1."""
    mode = _mode(node)
    if p is not None:
        raise node.error("peephole weights (input P) are not supported")
    direction = node.attr("direction", "forward")
    directions = 2 if direction == "bidirectional" else 1
    if w.shape[0] != directions:
        raise node.error(
            f"direction {direction!r} needs W of {directions} directions, got {w.shape[0]}"
        )
    batch_first = node.attr("layout", 0) == 1
    if batch_first:  # (B, T, I) -> (T, B, I), states (B, D, H) -> (D, B, H)
        x = x.transpose(0, 1)
    steps, batch, hidden = x.shape[0], x.shape[1], r.shape[-1]
    packed = _pack(x, sequence_lens)
    given = [initial_h, initial_c] if mode == "LSTM" else [initial_h]
    shape = (directions, batch, hidden)
    states = [_initial_state(s, shape, x, packed, batch_first) for s in given]
    outputs, finals = [], []
    for d in range(directions):
        output, final = _direction(
            node,
            mode,
            packed,
            (w[d], r[d], None if b is None else b[d]),
            tuple(s[d] for s in states),
            reverse=d == 1 or direction == "reverse",
        )
        outputs.append(_unpack(packed, output, steps))
        finals.append(final)
    y = ops.stack(outputs, 1)  # (T, D, B, H)
    final_states = [ops.stack(list(parts)) for parts in zip(*finals)]  # (D, B, H) each
    if packed.unsorted_indices is not None:
        final_states = [s.index_select(1, packed.unsorted_indices) for s in final_states]
    if batch_first:
        y, final_states = y.permute(2, 0, 1, 3), [s.transpose(0, 1) for s in final_states]
    return (y, *final_states)


def _mode(node: NodeContext) -> str:
    """neurarust's recurrence mode for the node (``"GRU_RESET_FIRST"`` for a GRU with
    linear_before_reset=0), after checking that its attributes are supported."""
    if node.attr("clip") is not None:
        raise node.error("clip (cell clipping) is not supported")
    if node.attr("input_forget", 0):
        raise node.error("input_forget=1 (coupled input and forget gates) is not supported")
    defaults = _DEFAULT_ACTIVATIONS[node.op_type]
    activations = tuple(a.lower() for a in node.attr("activations", defaults))
    n = len(defaults)
    kinds = {activations[k : k + n] for k in range(0, len(activations), n)}
    if node.op_type == "RNN" and kinds == {("relu",)}:
        return "RNN_RELU"
    if kinds != {defaults}:
        raise node.error(
            f"activations {node.attr('activations')} are not supported (only the defaults "
            f"{list(defaults)}{' or Relu' if node.op_type == 'RNN' else ''})"
        )
    if node.op_type == "GRU" and not node.attr("linear_before_reset", 0):
        return "GRU_RESET_FIRST"
    return {"RNN": "RNN_TANH", "LSTM": "LSTM", "GRU": "GRU"}[node.op_type]


def _initial_state(
    state: Tensor | None,
    shape: tuple[int, int, int],
    x: Tensor,
    packed: PackedSequence,
    batch_first: bool,
) -> Tensor:
    """A given initial state as (D, B, H) in ``packed``'s batch order; else zeros of ``shape``."""
    if state is None:
        return ops.zeros(*shape, dtype=x.dtype, device=x.device)
    if batch_first:
        state = state.transpose(0, 1)
    if packed.sorted_indices is not None:
        state = state.index_select(1, packed.sorted_indices)
    return state


def _pack(x: Tensor, sequence_lens: Tensor | None) -> PackedSequence:
    """x (T, B, I) in the packed layout of ``recurrence`` (T * B, I): time step after
    time step; sequences of different lengths are sorted by decreasing length first."""
    steps, batch = x.shape[0], x.shape[1]
    lengths = ints(sequence_lens)
    if all(length == steps for length in lengths):
        batch_sizes = ops.from_numpy(np.full(steps, batch, dtype=np.int64))
        return PackedSequence(x.reshape(steps * batch, x.shape[2]), batch_sizes)
    return pack_padded_sequence(x, lengths, enforce_sorted=False)


def _unpack(packed: PackedSequence, output: Tensor, steps: int) -> Tensor:
    """An output in ``packed``'s layout as (T, B, H), zeros past each sequence's end."""
    if packed.sorted_indices is None:
        return output.reshape(steps, -1, output.shape[-1])
    sequence = PackedSequence(
        output, packed.batch_sizes, packed.sorted_indices, packed.unsorted_indices
    )
    return pad_packed_sequence(sequence, total_length=steps)[0]


def _direction(
    node: NodeContext,
    mode: str,
    packed: PackedSequence,
    weights: tuple[Tensor, Tensor, Tensor | None],
    state: tuple[Tensor, ...],
    reverse: bool,
) -> tuple[Tensor, tuple[Tensor, ...]]:
    """One direction over the packed input: its output (T_total, H) and final state."""
    w, r = (_neurarust_gates(node.op_type, t) for t in weights[:2])
    b = None if weights[2] is None else _neurarust_gates(node.op_type, weights[2])
    gru = mode.startswith("GRU")
    input_bias = hidden_bias = None
    if b is not None:
        w_b, r_b = b.chunk(2)
        # both biases go into the input projection, except GRU's R_b: the reset gate scales it
        input_bias, hidden_bias = (w_b, r_b) if gru else (w_b + r_b, None)
    projected = F.linear(packed.data, w, input_bias)  # every time step: one GEMM
    sizes = tuple(int(n) for n in packed.batch_sizes.tolist())
    if mode == "GRU_RESET_FIRST":
        output, *final = run_steps(
            _RESET_FIRST, projected, state, r, hidden_bias, None, sizes, reverse
        )
        return output, tuple(final)
    return recurrence(mode, projected, state, r, hidden_bias, None, sizes, reverse)


def _neurarust_gates(op_type: str, t: Tensor) -> Tensor:
    """A (G * H, ...) weight or (2 * G * H,) bias [Wb, Rb] with its gate blocks in
    neurarust's order (a differentiable re-ordering: gradients reach the ONNX tensor)."""
    order = NEURARUST_GATES[op_type]
    blocks = t.chunk(len(order) * (2 if t.dim() == 1 else 1))
    if t.dim() == 1:  # the biases Wb and Rb, each in G blocks
        order = order + tuple(k + len(order) for k in order)
    return ops.cat([blocks[k] for k in order])


class _ResetFirstGRU(_Cell):
    """ONNX's GRU step with linear_before_reset=0, as a graph of neurarust ops::

        r = sigmoid(x W_r^T + Wb_r + h R_r^T + Rb_r), z likewise
        n = tanh(x W_h^T + Wb_h + (r * h) R_h^T + Rb_h)
        h' = n + z * (h - n)

    Only ``step`` is overridden: it is all that :func:`~neurarust.ops.recurrent.run_steps`
    calls (the array methods inherited for ``Recurrence`` compute PyTorch's GRU, unused here).
    """

    def __init__(self) -> None:
        super().__init__("GRU")

    def step(
        self, x_proj: Tensor, state: tuple[Tensor, ...], w_hh: Tensor, b_hh: Any, w_hr: Any
    ) -> tuple[Tensor, ...]:
        (h,) = state
        hidden = h.shape[-1]
        x_r, x_z, x_n = x_proj.split(hidden, -1)
        b_rz, b_n = (None, None) if b_hh is None else (b_hh[: 2 * hidden], b_hh[2 * hidden :])
        h_r, h_z = F.linear(h, w_hh[: 2 * hidden], b_rz).split(hidden, -1)
        r, z = ops.sigmoid(x_r + h_r), ops.sigmoid(x_z + h_z)
        n = ops.tanh(x_n + F.linear(r * h, w_hh[2 * hidden :], b_n))
        return (n + z * (h - n),)


_RESET_FIRST = _ResetFirstGRU()
