"""Recurrent layers: ``RNN``, ``LSTM``, ``GRU`` and their cells (as ``torch.nn``).

Parameter names, shapes, gate orders and default initialization are PyTorch's,
so a PyTorch state dict loads as it is:

    weight_ih_l{k}{_reverse}  (G * H, input size of layer k)
    weight_hh_l{k}{_reverse}  (G * H, H_out)
    bias_ih_l{k}{_reverse}, bias_hh_l{k}{_reverse}  (G * H,)
    weight_hr_l{k}{_reverse}  (proj_size, H), LSTM with proj_size > 0 only

with G = 1 (RNN), 4 (LSTM: gates i, f, g, o) or 3 (GRU: r, z, n), and every
parameter drawn uniformly in ``±1/sqrt(hidden_size)``.

How a layer runs, per layer and direction (see docs/design.md):

1. the input projection of every time step is one GEMM, ``x W_ih^T + b``;
2. the recurrence over all time steps is one graph node,
   :func:`neurarust.ops.recurrent.recurrence`, which loops over time on arrays
   (one GEMM with ``W_hh`` and one fused gate update a step), forward and
   backward;
3. a padded batch runs as a :class:`~neurarust.nn.utils.rnn.PackedSequence`
   whose sequences all have the same length: one code path, where a packed
   batch shrinks as sequences end (they are sorted by decreasing length).
"""

from __future__ import annotations

import math
import numbers
import warnings
from typing import Any

from ...ops.creation import empty, zeros
from ...ops.recurrent import CELLS, recurrence
from ...ops.shape import cat, stack
from ...tensor import Tensor
from .. import functional as F
from .. import init
from ..parameter import Parameter
from ..utils import rnn as rnn_utils
from .module import Module

__all__ = ["RNNBase", "RNN", "LSTM", "GRU", "RNNCellBase", "RNNCell", "LSTMCell", "GRUCell"]

_GATES = {"RNN_TANH": 1, "RNN_RELU": 1, "LSTM": 4, "GRU": 3}
_NAMES = {"RNN_TANH": "RNN", "RNN_RELU": "RNN", "LSTM": "LSTM", "GRU": "GRU"}


def _split_biases(mode: str, b_ih: Any, b_hh: Any) -> tuple[Any, Any]:
    """(the bias added to the input projection, the bias kept inside each step).

    The two biases are added once to the input projection, except GRU's b_hh,
    which the reset gate multiplies.
    """
    if mode == "GRU" or b_ih is None:
        return b_ih, b_hh
    return b_ih + b_hh, None


class RNNBase(Module):
    """The machinery shared by :class:`RNN`, :class:`LSTM` and :class:`GRU` (as PyTorch's).

    ``mode`` is ``"RNN_TANH"``, ``"RNN_RELU"``, ``"LSTM"`` or ``"GRU"``; the other
    arguments are documented on those classes.
    """

    def __init__(
        self,
        mode: str,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        bias: bool = True,
        batch_first: bool = False,
        dropout: float = 0.0,
        bidirectional: bool = False,
        proj_size: int = 0,
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        super().__init__()
        if mode not in _GATES:
            raise ValueError(f"Unrecognized RNN mode: {mode}")
        _check_arguments(input_size, hidden_size, num_layers, bias, batch_first, dropout)
        if proj_size < 0:
            raise ValueError(
                "proj_size should be a positive integer or zero to disable projections"
            )
        if proj_size >= hidden_size:
            raise ValueError("proj_size has to be smaller than hidden_size")
        if dropout > 0 and num_layers == 1:
            warnings.warn(
                "dropout option adds dropout after all but last recurrent layer, so non-zero "
                f"dropout expects num_layers greater than 1, but got dropout={dropout} and "
                f"num_layers={num_layers}",
                stacklevel=2,
            )
        self.mode = mode
        self.input_size, self.hidden_size, self.num_layers = input_size, hidden_size, num_layers
        self.bias, self.batch_first, self.dropout = bias, batch_first, float(dropout)
        self.bidirectional, self.proj_size = bidirectional, proj_size
        self._all_weights: list[list[str]] = []
        gate_size = _GATES[mode] * hidden_size
        out_size = proj_size or hidden_size
        for layer in range(num_layers):
            for direction in range(self._directions):
                suffix = f"l{layer}" + ("_reverse" if direction else "")
                in_size = input_size if layer == 0 else out_size * self._directions
                shapes: dict[str, tuple[int, ...]] = {
                    "weight_ih": (gate_size, in_size),
                    "weight_hh": (gate_size, out_size),
                }
                if bias:
                    shapes.update(bias_ih=(gate_size,), bias_hh=(gate_size,))
                if proj_size:
                    shapes["weight_hr"] = (proj_size, hidden_size)
                names = []
                for name, shape in shapes.items():
                    param = Parameter(empty(shape, device=device, dtype=dtype))
                    setattr(self, f"{name}_{suffix}", param)
                    names.append(f"{name}_{suffix}")
                self._all_weights.append(names)
        self.reset_parameters()

    @property
    def _directions(self) -> int:
        return 2 if self.bidirectional else 1

    @property
    def all_weights(self) -> list[list[Parameter]]:
        """The parameters of each layer and direction, in PyTorch's order."""
        return [[getattr(self, name) for name in names] for names in self._all_weights]

    def reset_parameters(self) -> None:
        """Draw every parameter uniformly in ``±1/sqrt(hidden_size)``, as PyTorch does."""
        _reset_uniform(self)

    def flatten_parameters(self) -> None:
        """Does nothing: PyTorch packs cuDNN's weights here; neurarust needs no packing."""

    def extra_repr(self) -> str:
        s = f"{self.input_size}, {self.hidden_size}"
        if self.proj_size != 0:
            s += f", proj_size={self.proj_size}"
        if self.num_layers != 1:
            s += f", num_layers={self.num_layers}"
        if self.bias is not True:
            s += f", bias={self.bias}"
        if self.batch_first is not False:
            s += f", batch_first={self.batch_first}"
        if self.dropout != 0:
            s += f", dropout={self.dropout}"
        if self.bidirectional is not False:
            s += f", bidirectional={self.bidirectional}"
        return s

    # -- forward ---------------------------------------------------------------------

    def forward(self, input: Any, hx: Any = None) -> tuple[Any, Any]:
        """Run the layers over a sequence: see the subclass's docstring for shapes."""
        name = _NAMES[self.mode]
        packed = isinstance(input, rnn_utils.PackedSequence)
        unbatched = False
        if packed:
            data, batch_sizes, sorted_indices, unsorted_indices = input
            sizes = tuple(int(b) for b in batch_sizes.tolist())
        else:
            data, sorted_indices, unsorted_indices = input, None, None
            if data.dim() not in (2, 3):
                raise ValueError(
                    f"{name}: Expected input to be 2D or 3D, got {data.dim()}D tensor instead"
                )
            unbatched = data.dim() == 2
            if unbatched:
                data = data.unsqueeze(1)
            elif self.batch_first:
                data = data.transpose(0, 1)
        self._check_input(data, packed)
        if not packed:  # a padded batch is a packed one whose sequences all have length T
            steps, batch = data.shape[0], data.shape[1]
            sizes = (batch,) * steps
            data = data.reshape(steps * batch, self.input_size)
        states = self._initial_states(hx, sizes[0] if sizes else 0, data, unbatched, sorted_indices)
        output, finals = self._run_layers(data, states, sizes)
        if unsorted_indices is not None:
            finals = tuple(f.index_select(1, unsorted_indices) for f in finals)
        result: Any = output
        if packed:
            result = rnn_utils.PackedSequence(output, batch_sizes, sorted_indices, unsorted_indices)
        else:
            result = output.reshape(steps, batch, output.shape[-1])
            if unbatched:
                result, finals = result.squeeze(1), tuple(f.squeeze(1) for f in finals)
            elif self.batch_first:
                result = result.transpose(0, 1)
        return result, finals if self.mode == "LSTM" else finals[0]

    def _run_layers(
        self, data: Tensor, states: tuple[Tensor, ...], batch_sizes: tuple[int, ...]
    ) -> tuple[Tensor, tuple[Tensor, ...]]:
        """All layers and directions on a packed-layout input (T_total, input_size):
        the last layer's output (T_total, D * H_out) and the final states."""
        finals: list[tuple[Tensor, ...]] = []
        layer_input = data
        for layer in range(self.num_layers):
            outputs = []
            for direction in range(self._directions):
                index = layer * self._directions + direction
                w_ih, w_hh, b_ih, b_hh, w_hr = self._parameters_of(index)
                input_bias, b_hh = _split_biases(self.mode, b_ih, b_hh)
                output, final = recurrence(
                    self.mode,
                    F.linear(layer_input, w_ih, input_bias),  # all time steps: one GEMM
                    tuple(s[index] for s in states),
                    w_hh,
                    b_hh,
                    w_hr,
                    batch_sizes,
                    reverse=direction == 1,
                )
                outputs.append(output)
                finals.append(final)
            layer_input = outputs[0] if len(outputs) == 1 else cat(outputs, -1)
            if self.dropout and self.training and layer < self.num_layers - 1:
                layer_input = F.dropout(layer_input, self.dropout, training=True)
        return layer_input, tuple(stack(list(parts)) for parts in zip(*finals))

    def _parameters_of(self, index: int) -> tuple[Any, ...]:
        """(w_ih, w_hh, b_ih, b_hh, w_hr) of layer-and-direction ``index``, None where absent."""
        suffix = self._all_weights[index][0].removeprefix("weight_ih_")
        kinds = ("weight_ih", "weight_hh", "bias_ih", "bias_hh", "weight_hr")
        return tuple(getattr(self, f"{kind}_{suffix}", None) for kind in kinds)

    def _check_input(self, data: Tensor, packed: bool) -> None:
        weight = self.weight_ih_l0
        if data.dtype != weight.dtype:
            raise ValueError(
                f"RNN input dtype ({data.dtype}) does not match weight dtype ({weight.dtype}). "
                f"Convert input: input.to({weight.dtype}), or convert model: "
                f"model.to({data.dtype})"
            )
        expected = 2 if packed else 3
        if data.dim() != expected:
            raise RuntimeError(f"input must have {expected} dimensions, got {data.dim()}")
        if data.shape[-1] != self.input_size:
            raise RuntimeError(
                "input.size(-1) must be equal to input_size. "
                f"Expected {self.input_size}, got {data.shape[-1]}"
            )

    def _state_sizes(self, batch: int) -> list[tuple[int, int, int]]:
        """The shape of each initial state: (h) or, for LSTM, (h, c)."""
        layers = self.num_layers * self._directions
        h = (layers, batch, self.proj_size or self.hidden_size)
        return [h, (layers, batch, self.hidden_size)] if self.mode == "LSTM" else [h]

    def _initial_states(
        self, hx: Any, batch: int, data: Tensor, unbatched: bool, sorted_indices: Any
    ) -> tuple[Tensor, ...]:
        """The initial states, zeros by default, checked and put in the batch's order."""
        sizes = self._state_sizes(batch)
        if hx is None:
            return _zero_states(sizes, data)
        states = _as_state_tuple(self.mode, hx)
        expected_dim = 2 if unbatched else 3
        if any(s.dim() != expected_dim for s in states):
            kind = "unbatched 2-D" if unbatched else "batched 3-D"
            dims = ", ".join(f"{s.dim()}-D" for s in states)
            what = "hx and cx" if len(states) == 2 else "hx"
            raise RuntimeError(
                f"For {kind} input, {what} should also be {expected_dim}-D but got ({dims}) "
                "tensor" + ("s" if len(states) == 2 else "")
            )
        if unbatched:
            states = tuple(s.unsqueeze(1) for s in states)
        _check_state_shapes("", states, sizes)
        if sorted_indices is not None:
            states = tuple(s.index_select(1, sorted_indices) for s in states)
        return states


def _reset_uniform(module: Any) -> None:
    """PyTorch's default for recurrent layers and cells: every parameter in ``±1/sqrt(H)``."""
    bound = 1.0 / math.sqrt(module.hidden_size)
    for weight in module.parameters():
        init.uniform_(weight, -bound, bound)


def _zero_states(sizes: list[Any], like: Tensor) -> tuple[Tensor, ...]:
    """The default initial states: zeros of each size, with ``like``'s dtype and device."""
    return tuple(zeros(size, dtype=like.dtype, device=like.device) for size in sizes)


def _check_state_shapes(prefix: str, states: tuple[Tensor, ...], sizes: list[Any]) -> None:
    """PyTorch's RuntimeError when a given state's shape is not the expected one."""
    for k, (state, size) in enumerate(zip(states, sizes)):
        if tuple(state.shape) != tuple(size):
            which = f"hidden[{k}]" if len(sizes) == 2 else "hidden"
            raise RuntimeError(
                f"{prefix}Expected {which} size {tuple(size)}, got {list(state.shape)}"
            )


def _as_state_tuple(mode: str, hx: Any) -> tuple[Tensor, ...]:
    """``hx`` as a tuple: (h,) for RNN and GRU, (h, c) for LSTM."""
    if mode == "LSTM":
        if not (isinstance(hx, tuple) and len(hx) == 2):
            raise TypeError(
                f"LSTM: expected hx to be a tuple (h_0, c_0), but got {type(hx).__name__}"
            )
        return hx
    if not isinstance(hx, Tensor):
        raise TypeError(f"{_NAMES[mode]}: expected hx to be a Tensor, but got {type(hx).__name__}")
    return (hx,)


def _check_arguments(
    input_size: Any, hidden_size: Any, num_layers: Any, bias: Any, batch_first: Any, dropout: Any
) -> None:
    """PyTorch's checks of the arguments common to the recurrent layers."""
    if (
        not isinstance(dropout, numbers.Number)
        or isinstance(dropout, bool)
        or not 0 <= dropout <= 1  # type: ignore[operator]
    ):
        raise ValueError(
            "dropout should be a number in range [0, 1] representing the probability of an "
            "element being zeroed"
        )
    for name, value in (("bias", bias), ("batch_first", batch_first)):
        if not isinstance(value, bool):
            raise TypeError(f"{name} should be of type bool, got: {type(value).__name__}")
    for name, value in (("input_size", input_size), ("hidden_size", hidden_size)):
        if not isinstance(value, int):
            raise TypeError(f"{name} should be of type int, got: {type(value).__name__}")
        if value <= 0:
            raise ValueError(f"{name} must be greater than zero")
    if num_layers <= 0:
        raise ValueError("num_layers must be greater than zero")


class RNN(RNNBase):
    """An Elman RNN: ``h_t = tanh(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh)`` per layer.

    Args:
        input_size: the number of features of each time step of the input.
        hidden_size: the number of features of the hidden state h.
        num_layers: the number of stacked layers (each reads the previous one's output).
        nonlinearity: ``'tanh'`` (default) or ``'relu'``.
        bias: if False, the layers learn no ``bias_ih``/``bias_hh``.
        batch_first: inputs and outputs are (N, L, *) instead of (L, N, *); the
            states keep their (layers * directions, N, *) layout.
        dropout: the probability of dropout on the outputs of every layer but the
            last, in training mode only.
        bidirectional: also run each layer from the last time step to the first and
            concatenate both directions' outputs (D = 2).
        device: where the parameters are created.
        dtype: the dtype they are created with.

    Shapes (L the sequence length, N the batch, D = 2 if bidirectional else 1):
        input: (L, N, input_size), (N, L, input_size) if batch_first, (L, input_size)
            unbatched, or a :class:`~neurarust.nn.utils.rnn.PackedSequence`.
        hx: (num_layers * D, N, hidden_size) or (num_layers * D, hidden_size)
            unbatched; zeros if None.
        output: (L, N, D * hidden_size) (or as the input's layout), the last layer's
            h at every step; a PackedSequence for a packed input.
        h_n: (num_layers * D, N, hidden_size), the final state of each layer and direction.

    Examples:
        >>> import neurarust as nr
        >>> rnn = nr.nn.RNN(10, 20, num_layers=2)
        >>> output, h_n = rnn(nr.randn(5, 3, 10), nr.randn(2, 3, 20))
        >>> output.shape, h_n.shape
        (neurarust.Size([5, 3, 20]), neurarust.Size([2, 3, 20]))
    """

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        nonlinearity: str = "tanh",
        bias: bool = True,
        batch_first: bool = False,
        dropout: float = 0.0,
        bidirectional: bool = False,
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(
                f"Unknown nonlinearity '{nonlinearity}'. Select from 'tanh' or 'relu'."
            )
        self.nonlinearity = nonlinearity
        mode = "RNN_TANH" if nonlinearity == "tanh" else "RNN_RELU"
        super().__init__(
            mode, input_size, hidden_size, num_layers, bias, batch_first, dropout,
            bidirectional, device=device, dtype=dtype,
        )  # fmt: skip


class LSTM(RNNBase):
    """A long short-term memory layer (stack), with PyTorch's gate order i, f, g, o.

    Per time step and layer::

        i, f, g, o = split(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh)
        c_t = sigmoid(f) * c_{t-1} + sigmoid(i) * tanh(g)
        h_t = sigmoid(o) * tanh(c_t)        (then h_t W_hr^T when proj_size > 0)

    Args:
        input_size: the number of features of each time step of the input.
        hidden_size: the number of features of the hidden state h.
        num_layers: the number of stacked layers (each reads the previous one's output).
        bias: if False, the layers learn no ``bias_ih``/``bias_hh``.
        batch_first: inputs and outputs are (N, L, *) instead of (L, N, *); the
            states keep their (layers * directions, N, *) layout.
        dropout: the probability of dropout on the outputs of every layer but the
            last, in training mode only.
        bidirectional: also run each layer from the last time step to the first and
            concatenate both directions' outputs (D = 2).
        proj_size: if > 0, h is projected to this size by ``weight_hr_l{k}``
            (H_out = proj_size; must be smaller than hidden_size).
        device: where the parameters are created.
        dtype: the dtype they are created with.

    Shapes (L the sequence length, N the batch, D = 2 if bidirectional else 1,
    H_out = proj_size or hidden_size):
        input: (L, N, input_size), (N, L, input_size) if batch_first, (L, input_size)
            unbatched, or a :class:`~neurarust.nn.utils.rnn.PackedSequence`.
        (h_0, c_0): (num_layers * D, N, H_out) and (num_layers * D, N, hidden_size),
            without N when unbatched; zeros if None.
        output: (L, N, D * H_out) (or as the input's layout); a PackedSequence for a
            packed input.
        (h_n, c_n): the final states, shaped as (h_0, c_0).

    Examples:
        >>> import neurarust as nr
        >>> lstm = nr.nn.LSTM(10, 20, batch_first=True, bidirectional=True)
        >>> output, (h_n, c_n) = lstm(nr.randn(3, 5, 10))
        >>> output.shape, h_n.shape
        (neurarust.Size([3, 5, 40]), neurarust.Size([2, 3, 20]))
    """

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        bias: bool = True,
        batch_first: bool = False,
        dropout: float = 0.0,
        bidirectional: bool = False,
        proj_size: int = 0,
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        super().__init__(
            "LSTM", input_size, hidden_size, num_layers, bias, batch_first, dropout,
            bidirectional, proj_size, device, dtype,
        )  # fmt: skip


class GRU(RNNBase):
    """A gated recurrent unit layer (stack), with PyTorch's gate order r, z, n.

    Per time step and layer (``*`` elementwise)::

        r = sigmoid(x_t W_ir^T + b_ir + h W_hr^T + b_hr)
        z = sigmoid(x_t W_iz^T + b_iz + h W_hz^T + b_hz)
        n = tanh(x_t W_in^T + b_in + r * (h W_hn^T + b_hn))
        h_t = (1 - z) * n + z * h_{t-1}

    Args:
        input_size: the number of features of each time step of the input.
        hidden_size: the number of features of the hidden state h.
        num_layers: the number of stacked layers (each reads the previous one's output).
        bias: if False, the layers learn no ``bias_ih``/``bias_hh``.
        batch_first: inputs and outputs are (N, L, *) instead of (L, N, *); the
            states keep their (layers * directions, N, *) layout.
        dropout: the probability of dropout on the outputs of every layer but the
            last, in training mode only.
        bidirectional: also run each layer from the last time step to the first and
            concatenate both directions' outputs (D = 2).
        device: where the parameters are created.
        dtype: the dtype they are created with.

    Shapes: as :class:`RNN`'s.

    Examples:
        >>> import neurarust as nr
        >>> gru = nr.nn.GRU(10, 20, num_layers=2)
        >>> output, h_n = gru(nr.randn(5, 3, 10))
        >>> output.shape, h_n.shape
        (neurarust.Size([5, 3, 20]), neurarust.Size([2, 3, 20]))
    """

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        bias: bool = True,
        batch_first: bool = False,
        dropout: float = 0.0,
        bidirectional: bool = False,
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        super().__init__(
            "GRU", input_size, hidden_size, num_layers, bias, batch_first, dropout,
            bidirectional, device=device, dtype=dtype,
        )  # fmt: skip


# -- cells ------------------------------------------------------------------------------


class RNNCellBase(Module):
    """The parameters shared by the cells: ``weight_ih`` (G * H, input_size),
    ``weight_hh`` (G * H, H), ``bias_ih`` and ``bias_hh`` (G * H,), all drawn
    uniformly in ``±1/sqrt(hidden_size)``.
    """

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        bias: bool,
        num_chunks: int,
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        super().__init__()
        self.input_size, self.hidden_size, self.bias = input_size, hidden_size, bias
        gates = num_chunks * hidden_size
        self.weight_ih = Parameter(empty((gates, input_size), device=device, dtype=dtype))
        self.weight_hh = Parameter(empty((gates, hidden_size), device=device, dtype=dtype))
        if bias:
            self.bias_ih = Parameter(empty(gates, device=device, dtype=dtype))
            self.bias_hh = Parameter(empty(gates, device=device, dtype=dtype))
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Draw every parameter uniformly in ``±1/sqrt(hidden_size)``, as PyTorch does."""
        _reset_uniform(self)

    def extra_repr(self) -> str:
        s = f"{self.input_size}, {self.hidden_size}"
        if self.bias is not True:
            s += f", bias={self.bias}"
        nonlinearity = getattr(self, "nonlinearity", "tanh")
        return s if nonlinearity == "tanh" else s + f", nonlinearity={nonlinearity}"

    def _run_cell(self, mode: str, input: Tensor, hx: Any) -> tuple[Tensor, ...]:
        """One step of ``mode`` on an (N, input_size) or unbatched (input_size,) input."""
        name = type(self).__name__
        if input.dim() not in (1, 2):
            raise ValueError(f"{name}: Expected input to be 1D or 2D, got {input.dim()}D instead")
        if input.shape[-1] != self.input_size:
            raise RuntimeError(
                f"{name}: input has inconsistent input_size: got {input.shape[-1]} "
                f"expected {self.input_size}"
            )
        unbatched = input.dim() == 1
        if unbatched:
            input = input.unsqueeze(0)
        sizes = [(input.shape[0], self.hidden_size)] * (2 if mode == "LSTM" else 1)
        if hx is None:
            state = _zero_states(sizes, input)
        else:
            state = _as_state_tuple(mode, hx)
            if unbatched:
                state = tuple(s.unsqueeze(0) for s in state)
            _check_state_shapes(f"{name}: ", state, sizes)
        input_bias, b_hh = _split_biases(mode, self.bias_ih, self.bias_hh)
        projected = F.linear(input, self.weight_ih, input_bias)
        state = CELLS[mode].step(projected, state, self.weight_hh, b_hh, None)
        return tuple(s.squeeze(0) for s in state) if unbatched else state


class RNNCell(RNNCellBase):
    """One step of an Elman RNN: ``h' = tanh(x W_ih^T + b_ih + h W_hh^T + b_hh)``.

    Args:
        input_size: the number of input features.
        hidden_size: the number of features of h.
        bias: if False, no ``bias_ih``/``bias_hh``.
        nonlinearity: ``'tanh'`` or ``'relu'``.

    Shapes:
        input: (N, input_size) or (input_size,) unbatched.
        hx: (N, hidden_size) or (hidden_size,); zeros if None.
        output: h', (N, hidden_size) or (hidden_size,).

    Examples:
        >>> import neurarust as nr
        >>> cell = nr.nn.RNNCell(10, 20)
        >>> cell(nr.randn(3, 10)).shape
        neurarust.Size([3, 20])
    """

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        bias: bool = True,
        nonlinearity: str = "tanh",
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"Unknown nonlinearity: {nonlinearity}")
        super().__init__(input_size, hidden_size, bias, 1, device, dtype)
        self.nonlinearity = nonlinearity

    def forward(self, input: Tensor, hx: Tensor | None = None) -> Tensor:
        mode = "RNN_TANH" if self.nonlinearity == "tanh" else "RNN_RELU"
        return self._run_cell(mode, input, hx)[0]


class LSTMCell(RNNCellBase):
    """One LSTM step (gates i, f, g, o), returning ``(h', c')``.

    Args:
        input_size: the number of input features.
        hidden_size: the number of features of h and c.
        bias: if False, no ``bias_ih``/``bias_hh``.

    Shapes:
        input: (N, input_size) or (input_size,) unbatched.
        hx: a tuple (h, c), each (N, hidden_size) or (hidden_size,); zeros if None.
        output: (h', c'), each (N, hidden_size) or (hidden_size,).

    Examples:
        >>> import neurarust as nr
        >>> cell = nr.nn.LSTMCell(10, 20)
        >>> h, c = cell(nr.randn(3, 10))
        >>> h.shape, c.shape
        (neurarust.Size([3, 20]), neurarust.Size([3, 20]))
    """

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        bias: bool = True,
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        super().__init__(input_size, hidden_size, bias, 4, device, dtype)

    def forward(self, input: Tensor, hx: Any = None) -> tuple[Tensor, Tensor]:
        h, c = self._run_cell("LSTM", input, hx)
        return h, c


class GRUCell(RNNCellBase):
    """One GRU step (gates r, z, n): ``h' = (1 - z) * n + z * h``.

    Args:
        input_size: the number of input features.
        hidden_size: the number of features of h.
        bias: if False, no ``bias_ih``/``bias_hh``.

    Shapes:
        input: (N, input_size) or (input_size,) unbatched.
        hx: (N, hidden_size) or (hidden_size,); zeros if None.
        output: h', (N, hidden_size) or (hidden_size,).

    Examples:
        >>> import neurarust as nr
        >>> cell = nr.nn.GRUCell(10, 20)
        >>> cell(nr.randn(3, 10), nr.randn(3, 20)).shape
        neurarust.Size([3, 20])
    """

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        bias: bool = True,
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        super().__init__(input_size, hidden_size, bias, 3, device, dtype)

    def forward(self, input: Tensor, hx: Tensor | None = None) -> Tensor:
        return self._run_cell("GRU", input, hx)[0]
