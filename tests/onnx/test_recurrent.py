"""ONNX export and import of recurrent layers: RNN, LSTM, GRU, their cells and gate ops."""

import numpy as np
import pytest

import neurarust as nr
from neurarust.nn.utils.rnn import pack_padded_sequence
from neurarust.onnx import UnsupportedOperatorError
from neurarust.onnx._trace import flatten_tensors
from neurarust.onnx.exporters.recurrent import ONNX_GATES
from neurarust.ops.recurrent import gru_gates, lstm_gates

pytest.importorskip("onnx")
pytest.importorskip("onnxruntime")

from .conftest import (  # noqa: E402
    assert_close,
    check_roundtrip,
    check_torch_import,
    export_bytes,
    run_onnxruntime,
)

INPUT, HIDDEN = 3, 4


class WithState(nr.nn.Module):
    """A recurrent layer whose initial states are separate inputs (an LSTM's (h, c) tuple
    cannot be a graph input), or None when none are given."""

    def __init__(self, rnn):
        super().__init__()
        self.rnn = rnn

    def forward(self, x, *states):
        hx = None if not states else states if len(states) == 2 else states[0]
        return self.rnn(x, hx)


def _inputs(rnn, batch, steps, with_hx, module=nr):
    """(x, h0[, c0]) for ``rnn``, of the given batch size and sequence length."""
    x = module.randn(batch, steps, INPUT) if rnn.batch_first else module.randn(steps, batch, INPUT)
    if not with_hx:
        return (x,)
    layers = rnn.num_layers * (2 if rnn.bidirectional else 1)
    count = 2 if type(rnn).__name__ == "LSTM" else 1
    return (x, *(module.randn(layers, batch, HIDDEN) for _ in range(count)))


def _dynamic_axes(rnn, with_hx):
    batch, steps = (0, 1) if rnn.batch_first else (1, 0)
    axes = {"x": {batch: "batch", steps: "seq"}}
    if with_hx:
        axes.update(h={1: "batch"}, c={1: "batch"})
    return axes


ROUNDTRIP_CASES = [
    (nr.nn.RNN, {}, False),
    (nr.nn.RNN, dict(nonlinearity="relu", num_layers=2, bidirectional=True), True),
    (nr.nn.LSTM, {}, False),
    (nr.nn.LSTM, dict(num_layers=2, bidirectional=True, batch_first=True), True),
    (nr.nn.LSTM, dict(bias=False, batch_first=True), True),
    (nr.nn.GRU, dict(num_layers=2), True),
    (nr.nn.GRU, dict(bidirectional=True, batch_first=True, bias=False), False),
]


@pytest.mark.parametrize("cls, kwargs, with_hx", ROUNDTRIP_CASES)
def test_roundtrip_with_dynamic_batch_and_sequence_length(cls, kwargs, with_hx):
    rnn = cls(INPUT, HIDDEN, **kwargs)
    names = ["x", "h", "c"][: 1 + with_hx * (2 if cls is nr.nn.LSTM else 1)]
    data = check_roundtrip(
        WithState(rnn),
        _inputs(rnn, 2, 5, with_hx),
        other_args=[_inputs(rnn, 3, 7, with_hx), _inputs(rnn, 1, 1, with_hx)],
        input_names=names,
        dynamic_axes={k: v for k, v in _dynamic_axes(rnn, with_hx).items() if k in names},
    )
    import onnx

    nodes = [n.op_type for n in onnx.load_from_string(data).graph.node]
    assert nodes.count(cls.__name__) == rnn.num_layers


@pytest.mark.parametrize("opset", [13, 18])
@pytest.mark.parametrize("cls", [nr.nn.LSTM, nr.nn.GRU])
def test_roundtrip_unbatched_input_and_opsets(cls, opset):
    rnn = cls(INPUT, HIDDEN, num_layers=2, bidirectional=True)
    states = [nr.randn(4, HIDDEN) for _ in range(2 if cls is nr.nn.LSTM else 1)]
    check_roundtrip(WithState(rnn), (nr.randn(5, INPUT), *states), opset_version=opset)
    check_roundtrip(rnn, nr.randn(5, INPUT), opset_version=opset)


@pytest.mark.parametrize("cls", [nr.nn.RNN, nr.nn.LSTM, nr.nn.GRU])
def test_loaded_model_gradients_match_the_original(cls):
    """Fine-tuning: the gradients of the inputs and of the loaded W, R, B initializers (in
    ONNX's gate order) are the original model's."""
    rnn = cls(INPUT, HIDDEN, bidirectional=True)
    model = WithState(rnn)
    args = _inputs(rnn, 2, 5, with_hx=True)
    names = ["x", "h", "c"][: len(args)]
    loaded = nr.onnx.load(export_bytes(model, args, input_names=names)).train()
    leaves = [[a.detach().requires_grad_() for a in args] for _ in range(2)]
    outputs = [flatten_tensors(m(*inputs)) for m, inputs in zip((model, loaded), leaves)]
    weights = [nr.randn(*y.shape) for y in outputs[0]]
    for ys in outputs:
        sum((y * w).sum() for y, w in zip(ys, weights)).backward()
    for ours, expected in zip(*leaves):
        np.testing.assert_allclose(ours.grad.numpy(), expected.grad.numpy(), atol=1e-5, rtol=1e-5)

    def onnx_order(*names):
        directions = [
            np.concatenate(
                [_onnx_gates(cls.__name__, getattr(rnn, n + s).grad.numpy()) for n in names]
            )
            for s in ("", "_reverse")
        ]
        return np.stack(directions)

    for name, expected in [
        ("W_l0", onnx_order("weight_ih_l0")),
        ("R_l0", onnx_order("weight_hh_l0")),
        ("B_l0", onnx_order("bias_ih_l0", "bias_hh_l0")),
    ]:
        grad = getattr(loaded.rnn, name).grad.numpy()
        np.testing.assert_allclose(grad, expected, atol=1e-5, rtol=1e-5, err_msg=name)


def _onnx_gates(op_type, array):
    order = ONNX_GATES[op_type]
    return array.reshape(len(order), -1, *array.shape[1:])[list(order)].reshape(array.shape)


# -- models exported by PyTorch --------------------------------------------------------------


def _torch_with_state(torch):
    class TorchWithState(torch.nn.Module):
        def __init__(self, rnn):
            super().__init__()
            self.rnn = rnn

        def forward(self, x, *states):
            return self.rnn(x, states if len(states) == 2 else states[0])

    return TorchWithState


TORCH_CASES = [
    ("RNN", dict(nonlinearity="relu", num_layers=2), True, False, 13),
    ("RNN", dict(bidirectional=True, batch_first=True), False, False, 17),
    ("LSTM", dict(num_layers=2, bidirectional=True, batch_first=True), True, False, 13),
    ("LSTM", dict(bias=False), False, False, 17),
    ("GRU", dict(num_layers=2, bidirectional=True), True, False, 17),
    ("GRU", dict(batch_first=True), False, False, 13),
    ("LSTM", dict(num_layers=2, bidirectional=True, batch_first=True), True, True, 18),
    ("GRU", dict(bidirectional=True), False, True, 18),
]


@pytest.mark.parametrize("name, kwargs, with_hx, dynamo, opset", TORCH_CASES)
def test_torch_export_loads(name, kwargs, with_hx, dynamo, opset):
    """torch.onnx.export (legacy and dynamo) of torch's layers: nr.onnx.load gives torch's
    output, h_n (and c_n).
    (The dynamo exporter unrolls RNN into MatMul/Add/Tanh, which other tests cover.)"""
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    rnn = getattr(torch.nn, name)(INPUT, HIDDEN, **kwargs)
    model = _torch_with_state(torch)(rnn) if with_hx else rnn
    names = ["x", "h", "c"][: 1 + with_hx * (2 if name == "LSTM" else 1)]
    # dynamic batch and length with the legacy exporter (dynamo's graph fixes the length)
    check_torch_import(
        model,
        _inputs(rnn, 2, 5, with_hx, torch),
        other_args=[] if dynamo else [_inputs(rnn, 3, 7, with_hx, torch)],
        dynamo=dynamo,
        opset_version=opset,
        input_names=names,
        dynamic_axes=None if dynamo else _dynamic_axes(rnn, with_hx),
    )


# -- ONNX nodes written by hand: what other exporters write ----------------------------------

STEPS, BATCH = 4, 3


def _onnx_model(
    op_type,
    *,
    direction="forward",
    layout=0,
    lengths=None,
    bias=True,
    initial=True,
    peepholes=False,
    **attrs,
):
    """A one-node ONNX model and its inputs: (serialized model, [X, initial_h, initial_c])."""
    import onnx
    from onnx import helper, numpy_helper

    gates = {"RNN": 1, "LSTM": 4, "GRU": 3}[op_type]
    directions = 2 if direction == "bidirectional" else 1
    rng = np.random.default_rng(0)

    def uniform(*shape):
        return rng.uniform(-0.6, 0.6, shape).astype(np.float32)

    weights = {
        "W": uniform(directions, gates * HIDDEN, INPUT),
        "R": uniform(directions, gates * HIDDEN, HIDDEN),
        "B": uniform(directions, 2 * gates * HIDDEN) if bias else None,
        "sequence_lens": None if lengths is None else np.array(lengths, dtype=np.int32),
        "P": uniform(directions, 3 * HIDDEN) if peepholes else None,
    }
    x_shape = (BATCH, STEPS, INPUT) if layout else (STEPS, BATCH, INPUT)
    state_shape = (BATCH, directions, HIDDEN) if layout else (directions, BATCH, HIDDEN)
    feeds = {"X": uniform(*x_shape)}
    if initial:
        feeds["initial_h"] = uniform(*state_shape)
        if op_type == "LSTM":
            feeds["initial_c"] = uniform(*state_shape)
    order = ["X", "W", "R", "B", "sequence_lens", "initial_h", "initial_c", "P"]
    present = {**{k: v for k, v in weights.items() if v is not None}, **feeds}
    inputs = [k if k in present else "" for k in order[: 8 if op_type == "LSTM" else 7]]
    while inputs[-1] == "":
        inputs.pop()
    outputs = ["Y", "Y_h", "Y_c"][: 3 if op_type == "LSTM" else 2]
    y_shape = (BATCH, STEPS, directions, HIDDEN) if layout else (STEPS, directions, BATCH, HIDDEN)
    output_shapes = [y_shape, state_shape, state_shape]
    node = helper.make_node(
        op_type, inputs, outputs, hidden_size=HIDDEN, direction=direction, layout=layout, **attrs
    )
    value = helper.make_tensor_value_info
    graph = helper.make_graph(
        [node],
        "g",
        [value(k, onnx.TensorProto.FLOAT, v.shape) for k, v in feeds.items()],
        [value(k, onnx.TensorProto.FLOAT, shape) for k, shape in zip(outputs, output_shapes)],
        [numpy_helper.from_array(v, k) for k, v in weights.items() if v is not None],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 14)])
    model.ir_version = 8
    onnx.checker.check_model(model, full_check=True)
    return model.SerializeToString(), list(feeds.values())


HAND_BUILT_CASES = [
    ("GRU", dict(linear_before_reset=0)),
    ("GRU", dict(linear_before_reset=0, direction="bidirectional", layout=1)),
    ("GRU", dict(linear_before_reset=0, direction="reverse", bias=False, initial=False)),
    ("GRU", dict(linear_before_reset=0, direction="bidirectional", lengths=[2, 4, 3])),
    ("GRU", dict(linear_before_reset=1, direction="reverse", lengths=[4, 1, 3])),
    ("LSTM", dict(direction="bidirectional", lengths=[2, 4, 1])),
    ("LSTM", dict(direction="reverse", layout=1, activations=["Sigmoid", "Tanh", "Tanh"])),
    ("LSTM", dict(lengths=[4, 4, 4], initial=False)),
    ("RNN", dict(direction="bidirectional", activations=["Relu", "Relu"])),
    ("RNN", dict(direction="bidirectional", layout=1, lengths=[3, 1, 4])),
]


@pytest.mark.parametrize("op_type, options", HAND_BUILT_CASES)
def test_hand_built_nodes_match_onnxruntime(op_type, options):
    data, feeds = _onnx_model(op_type, **options)
    loaded = nr.onnx.load(data)
    ours = loaded(*[nr.from_numpy(a) for a in feeds])
    assert_close(ours, _onnxruntime(data, feeds, op_type, options), 1e-5, 1e-5, "nr.onnx.load")


def _onnxruntime(data, feeds, op_type, options):
    """onnxruntime's outputs. It does not run layout=1: then those of the same node with
    layout=0 (same weights) on the inputs made time-major, made batch-major again."""
    if not options.get("layout"):
        return run_onnxruntime(data, tuple(feeds))
    time_major, _ = _onnx_model(op_type, **{**options, "layout": 0})
    y, *states = run_onnxruntime(time_major, tuple(a.swapaxes(0, 1) for a in feeds))
    return [y.transpose(2, 0, 1, 3), *(s.swapaxes(0, 1) for s in states)]


def test_gru_without_linear_before_reset_has_gradients():
    """The per-step graph of linear_before_reset=0 differentiates correctly (float64)."""
    data, feeds = _onnx_model("GRU", linear_before_reset=0, direction="bidirectional")
    loaded = nr.onnx.load(data).double()
    x, h = (nr.from_numpy(a.astype(np.float64)).requires_grad_() for a in feeds)
    y_weights, h_weights = nr.randn(STEPS, 2, BATCH, HIDDEN), nr.randn(2, BATCH, HIDDEN)

    def loss(x, h):
        y, h_n = loaded(x, h)
        return (y * y_weights).sum() + (h_n * h_weights).sum()

    assert nr.autograd.gradcheck(loss, (x, h))
    loaded(x, h)[0].sum().backward()
    assert all(p.grad is not None for p in loaded.parameters())


@pytest.mark.parametrize(
    "op_type, attrs, message",
    [
        ("LSTM", dict(clip=1.0), "clip"),
        ("LSTM", dict(input_forget=1), "input_forget"),
        ("LSTM", dict(peepholes=True), "peephole"),
        ("GRU", dict(activations=["HardSigmoid", "Tanh"]), "activations"),
        ("RNN", dict(activations=["Sigmoid"]), "activations"),
    ],
)
def test_unsupported_attributes_raise(op_type, attrs, message):
    data, feeds = _onnx_model(op_type, **attrs)
    with pytest.raises(UnsupportedOperatorError, match=message):
        nr.onnx.load(data)(*[nr.from_numpy(a) for a in feeds])


# -- cells and the gate ops ------------------------------------------------------------------


class Gates(nr.nn.Module):
    def __init__(self, kind):
        super().__init__()
        self.kind = kind

    def forward(self, *args):
        return lstm_gates(*args) if self.kind == "LSTM" else gru_gates(*args)


@pytest.mark.parametrize("kind", ["LSTM", "GRU"])
def test_gate_ops_roundtrip(kind):
    def args(batch):
        if kind == "LSTM":
            return (nr.randn(batch, 4 * HIDDEN), nr.randn(batch, HIDDEN))
        return (nr.randn(batch, 3 * HIDDEN), nr.randn(batch, 3 * HIDDEN), nr.randn(batch, HIDDEN))

    names = ["a", "b", "c"][: len(args(1))]
    check_roundtrip(
        Gates(kind),
        args(2),
        other_args=[args(5)],
        input_names=names,
        dynamic_axes={n: {0: "batch"} for n in names},
    )


@pytest.mark.parametrize(
    "cell, with_hx",
    [
        (nr.nn.LSTMCell(INPUT, HIDDEN), True),
        (nr.nn.LSTMCell(INPUT, HIDDEN, bias=False), False),
        (nr.nn.GRUCell(INPUT, HIDDEN), True),
        (nr.nn.GRUCell(INPUT, HIDDEN, bias=False), True),
        (nr.nn.RNNCell(INPUT, HIDDEN, nonlinearity="relu"), True),
    ],
)
def test_cells_roundtrip(cell, with_hx):
    def args(batch):
        states = [
            nr.randn(batch, HIDDEN) for _ in range(2 if isinstance(cell, nr.nn.LSTMCell) else 1)
        ]
        return (nr.randn(batch, INPUT), *(states if with_hx else []))

    names = ["x", "h", "c"][: len(args(1))]
    # Without hx, the cell's zero state is created in forward: a constant of the example's
    # batch size, so the batch cannot be dynamic.
    check_roundtrip(
        WithState(cell),
        args(2),
        other_args=[args(4)] if with_hx else [],
        input_names=names,
        dynamic_axes={n: {0: "batch"} for n in names} if with_hx else None,
    )


class Loop(nr.nn.Module):
    """A hand-written loop over time steps with an LSTMCell."""

    def __init__(self):
        super().__init__()
        self.cell = nr.nn.LSTMCell(INPUT, HIDDEN)
        self.head = nr.nn.Linear(HIDDEN, 2)

    def forward(self, x, h, c):
        for t in range(x.shape[0]):
            h, c = self.cell(x[t], (h, c))
        return self.head(h)


def test_hand_written_cell_loop_roundtrip():
    def args(batch):
        return (nr.randn(3, batch, INPUT), nr.randn(batch, HIDDEN), nr.randn(batch, HIDDEN))

    check_roundtrip(
        Loop(),
        args(2),
        other_args=[args(5)],
        input_names=["x", "h", "c"],
        dynamic_axes={"x": {1: "batch"}, "h": {0: "batch"}, "c": {0: "batch"}},
    )


# -- what export refuses ---------------------------------------------------------------------


def test_lstm_with_projections_is_refused():
    model = WithState(nr.nn.LSTM(INPUT, HIDDEN, proj_size=2))
    with pytest.raises(UnsupportedOperatorError, match=r"LSTM \(in 'rnn'\) has proj_size=2"):
        nr.onnx.export(model, nr.randn(5, 2, INPUT))


def test_packed_sequence_input_is_refused():
    packed = pack_padded_sequence(nr.randn(5, 2, INPUT), [5, 3])
    with pytest.raises(UnsupportedOperatorError, match="PackedSequence"):
        nr.onnx.export(WithState(nr.nn.GRU(INPUT, HIDDEN)), (packed,))
