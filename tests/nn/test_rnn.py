"""Recurrent layers and cells against PyTorch with copied weights: outputs, final
states, and gradients of the input, the initial states and every parameter, for
every combination of layers, directions, layouts and initial states; packed
sequences; the fused gate ops' higher-order gradients; parameters, repr, errors."""

import itertools
import math

import numpy as np
import pytest

import neurarust as nr
from neurarust.ops.recurrent import gru_gates, lstm_gates

from ..conftest import assert_same, check_gradients, torch
from .conftest import copy_torch_state

needs_torch = pytest.mark.skipif(torch is None, reason="PyTorch is not installed (the oracle)")

# name: (class name, extra constructor arguments)
LAYERS = {
    "rnn_tanh": ("RNN", {}),
    "rnn_relu": ("RNN", {"nonlinearity": "relu"}),
    "lstm": ("LSTM", {}),
    "lstm_proj": ("LSTM", {"proj_size": 2}),
    "gru": ("GRU", {}),
}
INPUT, HIDDEN, STEPS, BATCH = 3, 4, 5, 3


def build(nn, name, dtype, **options):
    cls, extra = LAYERS[name]
    return getattr(nn, cls)(INPUT, HIDDEN, **extra, **options, dtype=dtype)


def pair(name, **options):
    """The torch layer and ours with its weights, both float64."""
    theirs = build(torch.nn, name, torch.float64, **options)
    ours = build(nr.nn, name, nr.float64, **options)
    copy_torch_state(ours, theirs)
    return ours, theirs


def initial_states(name, layers, rng, batch=(BATCH,)):
    """Random (h0,) or (h0, c0) arrays for a layer of kind ``name``."""
    out_size = LAYERS[name][1].get("proj_size") or HIDDEN
    h0 = rng.standard_normal((layers, *batch, out_size))
    if LAYERS[name][0] != "LSTM":
        return [h0]
    return [h0, rng.standard_normal((layers, *batch, HIDDEN))]


def as_hx(name, states):
    return tuple(states) if LAYERS[name][0] == "LSTM" else states[0]


def flat_outputs(result):
    """(output, h_n) or (output, (h_n, c_n)) as a flat list."""
    output, finals = result
    return [output, *(finals if isinstance(finals, tuple) else (finals,))]


def run_both(ours, theirs, arrays, make_input, make_hx):
    """Run both layers on the same arrays; compare outputs and every gradient."""
    ours_in = [nr.tensor(a, requires_grad=True) for a in arrays]
    theirs_in = [torch.tensor(a, requires_grad=True) for a in arrays]
    ours_out = flat_outputs(ours(make_input(nr, ours_in), make_hx(ours_in)))
    theirs_out = flat_outputs(theirs(make_input(torch, theirs_in), make_hx(theirs_in)))
    rng = np.random.default_rng(1)
    ours_loss, theirs_loss = 0, 0
    for k, (a, b) in enumerate(zip(ours_out, theirs_out)):
        if isinstance(b, torch.nn.utils.rnn.PackedSequence):
            a, b = a.data, b.data
        assert_same(a, b, 1e-10, 1e-8, f"output {k}")
        upstream = rng.standard_normal(tuple(b.shape))
        ours_loss = ours_loss + (a * nr.tensor(upstream)).sum()
        theirs_loss = theirs_loss + (b * torch.tensor(upstream)).sum()
    ours_loss.backward()
    theirs_loss.backward()
    for k, (a, b) in enumerate(zip(ours_in, theirs_in)):
        assert_same(a.grad, b.grad, 1e-10, 1e-8, f"grad of input {k}")
    for (name, a), b in zip(ours.named_parameters(), theirs.parameters()):
        assert_same(a.grad, b.grad, 1e-10, 1e-8, f"grad of {name}")


COMBINATIONS = list(itertools.product(LAYERS, (1, 2), (False, True), (False, True), (False, True)))


@needs_torch
@pytest.mark.parametrize(
    "name, num_layers, bidirectional, batch_first, with_state",
    COMBINATIONS,
    ids=[
        f"{n}-l{k}-{'bi' if b else 'uni'}-{'bf' if f else 'tf'}-{'hx' if h else 'nohx'}"
        for n, k, b, f, h in COMBINATIONS
    ],  # fmt: skip
)
def test_layers_match_torch(rng, name, num_layers, bidirectional, batch_first, with_state):
    options = dict(num_layers=num_layers, bidirectional=bidirectional, batch_first=batch_first)
    ours, theirs = pair(name, **options)
    shape = (BATCH, STEPS, INPUT) if batch_first else (STEPS, BATCH, INPUT)
    arrays = [rng.standard_normal(shape)]
    if with_state:
        arrays += initial_states(name, num_layers * (2 if bidirectional else 1), rng)
    run_both(
        ours,
        theirs,
        arrays,
        lambda lib, tensors: tensors[0],
        lambda tensors: as_hx(name, tensors[1:]) if with_state else None,
    )


PACKED = list(itertools.product(LAYERS, (1, 2), (False, True), (False, True), (False, True)))


@needs_torch
@pytest.mark.parametrize(
    "name, num_layers, bidirectional, enforce_sorted, with_state",
    PACKED,
    ids=[
        f"{n}-l{k}-{'bi' if b else 'uni'}-{'sorted' if s else 'unsorted'}-{'hx' if h else 'nohx'}"
        for n, k, b, s, h in PACKED
    ],  # fmt: skip
)
def test_packed_sequences_match_torch(
    rng, name, num_layers, bidirectional, enforce_sorted, with_state
):
    """Variable lengths: the output data, and final states taken at each sequence's end."""
    ours, theirs = pair(name, num_layers=num_layers, bidirectional=bidirectional)
    lengths = [5, 3, 3, 1] if enforce_sorted else [3, 5, 1, 3]
    arrays = [rng.standard_normal((5, 4, INPUT))]
    if with_state:
        arrays += initial_states(name, num_layers * (2 if bidirectional else 1), rng, (4,))

    def make_input(lib, tensors):
        pack = (nr if lib is nr else torch).nn.utils.rnn.pack_padded_sequence
        return pack(tensors[0], lengths, enforce_sorted=enforce_sorted)

    run_both(
        ours,
        theirs,
        arrays,
        make_input,
        lambda tensors: as_hx(name, tensors[1:]) if with_state else None,
    )


@needs_torch
@pytest.mark.parametrize("name", LAYERS)
@pytest.mark.parametrize("with_state", [False, True], ids=["nohx", "hx"])
def test_unbatched_input_matches_torch(rng, name, with_state):
    ours, theirs = pair(name, num_layers=2, bidirectional=True, batch_first=True)
    arrays = [rng.standard_normal((STEPS, INPUT))]
    if with_state:
        arrays += initial_states(name, 4, rng, batch=())
    run_both(
        ours,
        theirs,
        arrays,
        lambda lib, tensors: tensors[0],
        lambda tensors: as_hx(name, tensors[1:]) if with_state else None,
    )


@needs_torch
@pytest.mark.filterwarnings("ignore:LSTM with projections is not supported with oneDNN")
@pytest.mark.parametrize("name", LAYERS)
def test_without_bias_and_in_float32(rng, name):
    theirs = build(torch.nn, name, torch.float32, bias=False, num_layers=2)
    ours = build(nr.nn, name, nr.float32, bias=False, num_layers=2)
    copy_torch_state(ours, theirs)
    assert [n for n, _ in ours.named_parameters()] == [n for n, _ in theirs.named_parameters()]
    x = rng.standard_normal((STEPS, BATCH, INPUT)).astype(np.float32)
    for a, b in zip(flat_outputs(ours(nr.tensor(x))), flat_outputs(theirs(torch.tensor(x)))):
        assert_same(a, b, 1e-5, 1e-4, "output")


@needs_torch
@pytest.mark.parametrize("name", ["lstm", "gru"])
def test_dropout_between_layers_in_training_only(rng, name):
    """dropout=1 zeroes the first layer's output, so the second layer sees zeros: a
    deterministic comparison with torch. Eval mode has no dropout."""
    x = rng.standard_normal((STEPS, BATCH, INPUT))
    for dropout, train in [(1.0, True), (0.5, False)]:
        ours, theirs = pair(name, num_layers=2, dropout=dropout)
        ours.train(train)
        theirs.train(train)
        for a, b in zip(flat_outputs(ours(nr.tensor(x))), flat_outputs(theirs(torch.tensor(x)))):
            assert_same(a, b, 1e-10, 1e-8, f"dropout={dropout}, train={train}")


def test_dropout_with_one_layer_warns_as_torch():
    with pytest.warns(UserWarning, match="num_layers greater than 1, but got dropout=0.5"):
        nr.nn.LSTM(3, 4, dropout=0.5)


# -- cells --------------------------------------------------------------------------

CELLS = {
    "rnn_cell": ("RNNCell", {}),
    "rnn_cell_relu": ("RNNCell", {"nonlinearity": "relu"}),
    "lstm_cell": ("LSTMCell", {}),
    "gru_cell": ("GRUCell", {}),
    "gru_cell_no_bias": ("GRUCell", {"bias": False}),
}


@needs_torch
@pytest.mark.parametrize("name", CELLS)
@pytest.mark.parametrize("batch", [(BATCH,), ()], ids=["batched", "unbatched"])
@pytest.mark.parametrize("with_state", [False, True], ids=["nohx", "hx"])
def test_cells_match_torch(rng, name, batch, with_state):
    cls, extra = CELLS[name]
    theirs = getattr(torch.nn, cls)(INPUT, HIDDEN, **extra, dtype=torch.float64)
    ours = getattr(nr.nn, cls)(INPUT, HIDDEN, **extra, dtype=nr.float64)
    copy_torch_state(ours, theirs)
    assert repr(ours) == repr(theirs)
    lstm = cls == "LSTMCell"
    arrays = [rng.standard_normal((*batch, INPUT))]
    if with_state:
        arrays += [rng.standard_normal((*batch, HIDDEN)) for _ in range(2 if lstm else 1)]
    ours_in = [nr.tensor(a, requires_grad=True) for a in arrays]
    theirs_in = [torch.tensor(a, requires_grad=True) for a in arrays]

    def call(cell, tensors):
        hx = None if not with_state else (tuple(tensors[1:]) if lstm else tensors[1])
        out = cell(tensors[0], hx)
        return list(out) if lstm else [out]

    ours_out, theirs_out = call(ours, ours_in), call(theirs, theirs_in)
    for a, b in zip(ours_out, theirs_out):
        assert_same(a, b, 1e-10, 1e-8, "output")
    sum((a * (k + 1)).sum() for k, a in enumerate(ours_out)).backward()
    sum((b * (k + 1)).sum() for k, b in enumerate(theirs_out)).backward()
    for a, b in zip([*ours_in, *ours.parameters()], [*theirs_in, *theirs.parameters()]):
        assert_same(a.grad, b.grad, 1e-10, 1e-8, "gradient")


def test_cell_errors():
    cell = nr.nn.LSTMCell(3, 4)
    with pytest.raises(ValueError, match="LSTMCell: Expected input to be 1D or 2D, got 3D"):
        cell(nr.zeros(1, 2, 3))
    with pytest.raises(RuntimeError, match="LSTMCell: input has inconsistent input_size: got 5"):
        cell(nr.zeros(2, 5))
    with pytest.raises(RuntimeError, match=r"Expected hidden\[1\] size \(2, 4\), got \[2, 3\]"):
        cell(nr.zeros(2, 3), (nr.zeros(2, 4), nr.zeros(2, 3)))
    with pytest.raises(ValueError, match="Unknown nonlinearity: sigmoid"):
        nr.nn.RNNCell(3, 4, nonlinearity="sigmoid")


# -- the fused gate ops ---------------------------------------------------------------


def test_lstm_gates_first_and_second_order_gradients(rng):
    gates, c = rng.standard_normal((3, 8)), rng.standard_normal((3, 2))
    check_gradients(lambda g, c: lstm_gates(g, c), gates, c, second_order=True)


def test_gru_gates_first_and_second_order_gradients(rng):
    gi, gh, h = (rng.standard_normal(shape) for shape in [(3, 6), (3, 6), (3, 2)])
    check_gradients(gru_gates, gi, gh, h, second_order=True)


@pytest.mark.parametrize("name", ["lstm", "gru", "rnn_tanh"])
def test_layers_have_second_order_gradients(rng, name):
    """Double backward through a whole bidirectional two-layer stack (gradient penalties)."""
    nr.manual_seed(0)
    layer = build(nr.nn, name, nr.float64, num_layers=2, bidirectional=True)
    x = rng.standard_normal((2, 1, INPUT))
    check_gradients(lambda x: layer(x)[0], x, second_order=True)


# -- parameters, repr, state dicts, errors -------------------------------------------


@needs_torch
@pytest.mark.parametrize(
    "name, options",
    [
        ("lstm_proj", {"num_layers": 2, "bidirectional": True}),
        ("gru", {"num_layers": 3, "batch_first": True, "dropout": 0.25}),
        ("rnn_relu", {"bias": False, "bidirectional": True}),
    ],
)
def test_parameters_repr_and_state_dict_match_torch(name, options):
    theirs = build(torch.nn, name, torch.float32, **options)
    ours = build(nr.nn, name, nr.float32, **options)
    assert repr(ours) == repr(theirs)
    shapes = {k: tuple(v.shape) for k, v in theirs.state_dict().items()}
    assert {k: tuple(v.shape) for k, v in ours.state_dict().items()} == shapes
    assert [[n for n in names] for names in ours._all_weights] == theirs._all_weights
    ours.load_state_dict({k: nr.tensor(v.numpy()) for k, v in theirs.state_dict().items()})
    for (k, a), b in zip(ours.state_dict().items(), theirs.state_dict().values()):
        np.testing.assert_array_equal(a.numpy(), b.numpy(), err_msg=k)
    assert all(a is b for a, b in zip(ours.all_weights[0], ours.parameters()))


@pytest.mark.parametrize("cls", ["RNN", "LSTM", "GRU", "RNNCell", "LSTMCell", "GRUCell"])
def test_default_init_is_uniform_in_one_over_sqrt_hidden(cls):
    nr.manual_seed(0)
    layer = getattr(nr.nn, cls)(16, 64)
    bound = 1 / math.sqrt(64)
    values = np.concatenate([p.detach().numpy().ravel() for p in layer.parameters()])
    assert values.min() >= -bound and values.max() <= bound
    assert values.min() < -0.95 * bound and values.max() > 0.95 * bound
    assert abs(values.mean()) < 0.05 * bound  # uniform: mean 0, variance bound^2 / 3
    assert values.var() == pytest.approx(bound**2 / 3, rel=0.05)


@pytest.mark.parametrize(
    "build_layer, error, message",
    [
        (lambda: nr.nn.LSTM(3, 4, proj_size=4), ValueError, "proj_size has to be smaller"),
        (lambda: nr.nn.LSTM(3, 4, proj_size=-1), ValueError, "proj_size should be a positive"),
        (lambda: nr.nn.GRU(3, 0), ValueError, "hidden_size must be greater than zero"),
        (lambda: nr.nn.GRU(3, 4, num_layers=0), ValueError, "num_layers must be greater"),
        (lambda: nr.nn.RNN(3, 4, dropout=1.5), ValueError, r"dropout should be a number in"),
        (lambda: nr.nn.RNN(3, 4, batch_first=1), TypeError, "batch_first should be of type"),
        (lambda: nr.nn.RNN(3.0, 4), TypeError, "input_size should be of type int, got: float"),
        (lambda: nr.nn.RNN(3, 4, nonlinearity="gelu"), ValueError, "Unknown nonlinearity"),
    ],
)
def test_constructor_errors(build_layer, error, message):
    with pytest.raises(error, match=message):
        build_layer()


@pytest.mark.parametrize(
    "layer, args, error, message",
    [
        (nr.nn.GRU(3, 4), (nr.zeros(2, 2, 2, 3),), ValueError, "GRU: Expected input to be 2D"),
        (nr.nn.GRU(3, 4), (nr.zeros(5, 2, 2),), RuntimeError, "Expected 3, got 2"),
        (nr.nn.GRU(3, 4), (nr.zeros(5, 2, 3), nr.zeros(1, 3, 4)), RuntimeError,
         r"Expected hidden size \(1, 2, 4\), got \[1, 3, 4\]"),
        (nr.nn.LSTM(3, 4), (nr.zeros(5, 2, 3), nr.zeros(1, 2, 4)), TypeError,
         "LSTM: expected hx to be a tuple"),
        (nr.nn.LSTM(3, 4, proj_size=2), (nr.zeros(5, 2, 3), (nr.zeros(1, 2, 4), nr.zeros(1, 2, 4))),
         RuntimeError, r"Expected hidden\[0\] size \(1, 2, 2\), got \[1, 2, 4\]"),
        (nr.nn.RNN(3, 4), (nr.zeros(5, 3), nr.zeros(1, 2, 4)), RuntimeError,
         "For unbatched 2-D input, hx should also be 2-D but got"),
        (nr.nn.RNN(3, 4), (nr.zeros(5, 2, 3, dtype=nr.float64),), ValueError,
         r"RNN input dtype \(neurarust.float64\) does not match weight dtype"),
    ],
)  # fmt: skip
def test_forward_errors(layer, args, error, message):
    with pytest.raises(error, match=message):
        layer(*args)
