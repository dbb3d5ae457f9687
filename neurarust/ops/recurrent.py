"""The recurrent cells (RNN, LSTM, GRU): fused gate ops, and whole sequences as one op.

A recurrent layer runs one small step per time step, so what costs is not the
arithmetic but the number of ops: an LSTM step written with elementwise ops is
a dozen graph nodes forward and a dozen backward. Two fused ops avoid that:

- :class:`LSTMGates` and :class:`GRUGates` are the pointwise part of one step,
  one graph node each with a hand-written backward (the cells ``nn.LSTMCell``
  and ``nn.GRUCell`` use them):

    LSTM  gates (N, 4H) = x W_ih^T + b_ih + h W_hh^T + b_hh, split as i, f, g, o
          c' = sigmoid(f) * c + sigmoid(i) * tanh(g)
          h' = sigmoid(o) * tanh(c')
    GRU   gi (N, 3H) = x W_ih^T + b_ih and gh (N, 3H) = h W_hh^T + b_hh, split as r, z, n
          r = sigmoid(gi_r + gh_r),  z = sigmoid(gi_z + gh_z)
          n = tanh(gi_n + r * gh_n),  h' = (1 - z) * n + z * h

- :class:`Recurrence` is a whole layer direction over every time step, one
  graph node whose forward and backward loop over time on arrays (what
  ``nn.LSTM`` and friends use): per step one GEMM with ``W_hh`` and the same
  fused pointwise math.

Each formula -- the forward and its derivative -- is written once, against a
small "math" namespace, and runs on two kinds of numbers: on arrays, which is
the fast path (about ten array operations a step, no graph), and on Tensors
when the backward pass is itself recorded (``create_graph=True``), so that
higher-order gradients see how the activations depend on the inputs (the same
split as batch norm's backward).
"""

from __future__ import annotations

from typing import Any

from ..autograd import grad_mode
from ..autograd.engine import grad as autograd_grad
from ..autograd.function import Function
from ..tensor import Tensor
from .activation import relu
from .linalg import addmm
from .shape import cat
from .unary import sigmoid, tanh

__all__: list[str] = []


class _ArrayMath:
    """The three functions the gate formulas need, on backend arrays."""

    def __init__(self, xp: Any) -> None:
        self.xp = xp

    def sigmoid(self, x: Any) -> Any:
        return 1 / (1 + self.xp.exp(-x))

    def tanh(self, x: Any) -> Any:
        return self.xp.tanh(x)

    def cat(self, pieces: list[Any]) -> Any:
        return self.xp.concatenate(pieces, axis=-1)


class _TensorMath:
    """The same functions on Tensors, recorded by autograd."""

    sigmoid = staticmethod(sigmoid)
    tanh = staticmethod(tanh)

    @staticmethod
    def cat(pieces: list[Tensor]) -> Tensor:
        return cat(pieces, -1)


def _chunks(x: Any, n: int) -> list[Any]:
    """``x`` cut into ``n`` equal pieces along its last dimension (an array or a Tensor)."""
    size = x.shape[-1] // n
    return [x[..., k * size : (k + 1) * size] for k in range(n)]


# -- LSTM -------------------------------------------------------------------------------


def _lstm_forward(m: Any, gates: Any, c: Any) -> tuple[list[Any], Any, Any, Any]:
    """The activated gates [i, f, g, o], tanh(c'), h' and c' from the pre-activations."""
    i, f, g, o = _chunks(gates, 4)
    i, f, g, o = m.sigmoid(i), m.sigmoid(f), m.tanh(g), m.sigmoid(o)
    c_next = f * c + i * g
    tanh_c = m.tanh(c_next)
    return [i, f, g, o], tanh_c, o * tanh_c, c_next


def _lstm_backward(
    m: Any, acts: list[Any], tanh_c: Any, c: Any, grad_h: Any, grad_c: Any
) -> tuple[Any, Any]:
    """Gradients of the pre-activation gates (N, 4H) and of the previous cell state (N, H)."""
    i, f, g, o = acts
    grad_c = grad_c + grad_h * o * (1 - tanh_c * tanh_c)
    grad_gates = m.cat(
        [
            grad_c * g * i * (1 - i),
            grad_c * c * f * (1 - f),
            grad_c * i * (1 - g * g),
            grad_h * tanh_c * o * (1 - o),
        ]
    )
    return grad_gates, grad_c * f


class LSTMGates(Function):
    """One LSTM step's pointwise part: ``(gates (N, 4H), c (N, H)) -> (h' (N, H), c' (N, H))``."""

    @staticmethod
    def forward(ctx: Any, gates: Tensor, c: Tensor) -> Any:
        math = _ArrayMath(gates.backend.xp)
        acts, tanh_c, h_next, c_next = _lstm_forward(math, gates._data, c._data)
        ctx.acts, ctx.tanh_c = acts, tanh_c
        ctx.save_for_backward(gates, c)
        return h_next, c_next

    @staticmethod
    def backward(ctx: Any, grad_h: Tensor, grad_c: Tensor) -> tuple[Any, ...]:
        gates, c = ctx.saved_tensors
        if grad_mode.is_grad_enabled():  # recorded backward: activations as functions of gates
            acts, tanh_c, _, _ = _lstm_forward(_TensorMath, gates, c)
            return _lstm_backward(_TensorMath, acts, tanh_c, c, grad_h, grad_c)
        math = _ArrayMath(gates.backend.xp)
        grads = _lstm_backward(math, ctx.acts, ctx.tanh_c, c._data, grad_h._data, grad_c._data)
        return tuple(Tensor._make(g, gates.device) for g in grads)


def lstm_gates(gates: Tensor, c: Tensor) -> tuple[Tensor, Tensor]:
    """One LSTM step from its pre-activation gates, as one graph node.

    Args:
        gates: ``x W_ih^T + b_ih + h W_hh^T + b_hh``, shape (N, 4 * H), gate order i, f, g, o.
        c: the previous cell state, shape (N, H).

    Returns:
        ``(h', c')``, each of shape (N, H).

    Examples:
        >>> import neurarust as nr
        >>> from neurarust.ops.recurrent import lstm_gates
        >>> h, c = lstm_gates(nr.zeros(2, 12), nr.ones(2, 3))
        >>> c[0]  # sigmoid(0) * 1 + sigmoid(0) * tanh(0)
        tensor([0.5000, 0.5000, 0.5000])
    """
    return LSTMGates.apply(gates, c)


# -- GRU --------------------------------------------------------------------------------


def _gru_forward(m: Any, gi: Any, gh: Any, h: Any) -> tuple[list[Any], Any]:
    """The gates [r, z, n] and h' from the input and hidden projections."""
    i_r, i_z, i_n = _chunks(gi, 3)
    h_r, h_z, h_n = _chunks(gh, 3)
    r = m.sigmoid(i_r + h_r)
    z = m.sigmoid(i_z + h_z)
    n = m.tanh(i_n + r * h_n)
    return [r, z, n], n + z * (h - n)


def _gru_backward(m: Any, acts: list[Any], gh: Any, h: Any, grad: Any) -> tuple[Any, Any, Any]:
    """Gradients of gi (N, 3H), gh (N, 3H) and the previous hidden state h (N, H)."""
    r, z, n = acts
    h_n = _chunks(gh, 3)[2]
    grad_n = grad * (1 - z) * (1 - n * n)
    grad_r = grad_n * h_n * r * (1 - r)
    grad_z = grad * (h - n) * z * (1 - z)
    return m.cat([grad_r, grad_z, grad_n]), m.cat([grad_r, grad_z, grad_n * r]), grad * z


class GRUGates(Function):
    """One GRU step's pointwise part: ``(gi (N, 3H), gh (N, 3H), h (N, H)) -> h' (N, H)``."""

    @staticmethod
    def forward(ctx: Any, gi: Tensor, gh: Tensor, h: Tensor) -> Any:
        math = _ArrayMath(gi.backend.xp)
        ctx.acts, h_next = _gru_forward(math, gi._data, gh._data, h._data)
        ctx.save_for_backward(gi, gh, h)
        return h_next

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple[Any, ...]:
        gi, gh, h = ctx.saved_tensors
        if grad_mode.is_grad_enabled():  # recorded backward: activations as functions of gi, gh
            acts, _ = _gru_forward(_TensorMath, gi, gh, h)
            return _gru_backward(_TensorMath, acts, gh, h, grad)
        math = _ArrayMath(gi.backend.xp)
        grads = _gru_backward(math, ctx.acts, gh._data, h._data, grad._data)
        return tuple(Tensor._make(g, gi.device) for g in grads)


def gru_gates(gi: Tensor, gh: Tensor, h: Tensor) -> Tensor:
    """One GRU step from its input and hidden projections, as one graph node.

    Args:
        gi: ``x W_ih^T + b_ih``, shape (N, 3 * H), gate order r, z, n.
        gh: ``h W_hh^T + b_hh``, shape (N, 3 * H).
        h: the previous hidden state, shape (N, H).

    Returns:
        h', shape (N, H).

    Examples:
        >>> import neurarust as nr
        >>> from neurarust.ops.recurrent import gru_gates
        >>> gru_gates(nr.zeros(1, 6), nr.zeros(1, 6), nr.ones(1, 2))  # z = 1/2, n = 0
        tensor([[0.5000, 0.5000]])
    """
    return GRUGates.apply(gi, gh, h)


# -- the cells: one time step, on Tensors (a graph) or on arrays (with its backward) ----


class _Cell:
    """One kind of recurrent step. ``mode`` is PyTorch's: RNN_TANH, RNN_RELU, LSTM, GRU.

    ``step`` works on Tensors and records a graph (the cells ``nn.LSTMCell``...
    use it, and :class:`Recurrence` replays it for higher-order gradients);
    ``array_step`` and ``array_step_backward`` are the same step on arrays, for
    :class:`Recurrence`'s loops. The projections ``x W_ih^T`` (plus the biases
    that can be added there) come in precomputed as ``x_proj``.
    """

    def __init__(self, mode: str) -> None:
        self.mode = mode
        self.has_cell_state = mode == "LSTM"

    def step(
        self, x_proj: Tensor, state: tuple[Tensor, ...], w_hh: Tensor, b_hh: Any, w_hr: Any
    ) -> tuple[Tensor, ...]:
        """The next state, (h,) or (h, c), as a graph of Tensors."""
        h = state[0]
        if self.mode == "GRU":
            gh = h.matmul(w_hh.t()) if b_hh is None else addmm(b_hh, h, w_hh.t())
            return (gru_gates(x_proj, gh, h),)
        pre = addmm(x_proj, h, w_hh.t())
        if self.mode == "LSTM":
            h, c = lstm_gates(pre, state[1])
            return (h if w_hr is None else h.matmul(w_hr.t())), c
        return (tanh(pre) if self.mode == "RNN_TANH" else relu(pre),)

    def array_step(
        self, xp: Any, x_proj: Any, h: Any, c: Any, w_hh: Any, b_hh: Any
    ) -> tuple[Any, Any, tuple[Any, ...]]:
        """``(h', c' or None, saved)`` on arrays; h' before any LSTM projection."""
        math = _ArrayMath(xp)
        if self.mode == "GRU":
            gh = h @ w_hh.T
            if b_hh is not None:
                gh += b_hh
            acts, h_next = _gru_forward(math, x_proj, gh, h)
            return h_next, None, (acts, gh, h)
        pre = h @ w_hh.T
        pre += x_proj
        if self.mode == "LSTM":
            acts, tanh_c, h_next, c_next = _lstm_forward(math, pre, c)
            return h_next, c_next, (acts, tanh_c, c)
        h_next = xp.tanh(pre) if self.mode == "RNN_TANH" else xp.maximum(pre, 0)
        return h_next, None, (h_next,)

    def array_step_backward(
        self, xp: Any, saved: tuple[Any, ...], grad_h: Any, grad_c: Any
    ) -> tuple[Any, Any, Any, Any]:
        """``(grad of x_proj, grad of h W_hh^T (+ b_hh), direct grad of h, grad of c)``.

        The direct gradient of h (GRU's ``z * h`` term) and of c are None where absent.
        """
        math = _ArrayMath(xp)
        if self.mode == "GRU":
            acts, gh, h = saved
            grad_gi, grad_gh, grad_h_direct = _gru_backward(math, acts, gh, h, grad_h)
            return grad_gi, grad_gh, grad_h_direct, None
        if self.mode == "LSTM":
            acts, tanh_c, c = saved
            grad_gates, grad_c = _lstm_backward(math, acts, tanh_c, c, grad_h, grad_c)
            return grad_gates, grad_gates, None, grad_c
        (h_next,) = saved
        if self.mode == "RNN_TANH":
            grad_pre = grad_h * (1 - h_next * h_next)
        else:
            grad_pre = grad_h * (h_next > 0)
        return grad_pre, grad_pre, None, None


CELLS = {mode: _Cell(mode) for mode in ("RNN_TANH", "RNN_RELU", "LSTM", "GRU")}


# -- a whole sequence -------------------------------------------------------------------


def _step_order(batch_sizes: tuple[int, ...], reverse: bool) -> list[tuple[int, int]]:
    """``(first row, rows)`` of each time step in the packed layout, in processing order."""
    offsets = [0]
    for size in batch_sizes[:-1]:
        offsets.append(offsets[-1] + size)
    steps = list(zip(offsets, batch_sizes))
    return steps[::-1] if reverse else steps


def run_steps(
    cell: _Cell,
    projected: Tensor,
    state: tuple[Tensor, ...],
    w_hh: Tensor,
    b_hh: Any,
    w_hr: Any,
    batch_sizes: tuple[int, ...],
    reverse: bool,
) -> tuple[Tensor, ...]:
    """The recurrence as a graph of per-step ops: what :class:`Recurrence` computes.

    Arguments and results are :func:`recurrence`'s. Each step updates the first
    ``rows`` rows of the state (a packed batch is sorted by decreasing length, so
    the rows of the sequences already over stay as their last step left them).
    """
    outputs: dict[int, Tensor] = {}
    for first, rows in _step_order(batch_sizes, reverse):
        active = cell.step(
            projected[first : first + rows], tuple(s[:rows] for s in state), w_hh, b_hh, w_hr
        )
        state = tuple(
            new if rows == s.shape[0] else cat([new, s[rows:]]) for new, s in zip(active, state)
        )
        outputs[first] = active[0]
    return (cat([outputs[first] for first in sorted(outputs)]), *state)


class Recurrence(Function):
    """One direction of one recurrent layer over every time step, as one graph node.

    Forward and backward are loops over time on arrays: per step one GEMM with
    ``W_hh`` and the cell's fused pointwise math, no graph. The weight gradients
    are one GEMM each over all steps at the end. When the backward pass is
    itself recorded (``create_graph=True``), the forward is replayed as a graph
    of per-step ops (:func:`run_steps`) and differentiated instead.
    """

    @staticmethod
    def forward(
        ctx: Any,
        projected: Tensor,
        h0: Tensor,
        c0: Tensor | None,
        w_hh: Tensor,
        b_hh: Tensor | None,
        w_hr: Tensor | None,
        cell: _Cell,
        batch_sizes: tuple[int, ...],
        reverse: bool,
    ) -> Any:
        xp = projected.backend.xp
        x, whh = projected._data, w_hh._data
        bhh = None if b_hh is None else b_hh._data
        whr = None if w_hr is None else w_hr._data
        h_state = h0._data.copy()  # row k holds sequence k's latest state
        c_state: Any = None if c0 is None else c0._data.copy()
        output = xp.empty((x.shape[0], h_state.shape[1]), dtype=x.dtype)
        # The state each step read, kept for the backward (and W_hh's gradient).
        h_prev = xp.empty_like(output)
        c_prev: Any = (
            None if c0 is None else xp.empty((x.shape[0], c_state.shape[1]), dtype=x.dtype)
        )
        h_raw: Any = None if whr is None else xp.empty((x.shape[0], whr.shape[1]), dtype=x.dtype)
        saved = []
        for first, rows in _step_order(batch_sizes, reverse):
            here = slice(first, first + rows)
            h_prev[here] = h_state[:rows]
            c = None
            if c_prev is not None:
                c_prev[here] = c_state[:rows]
                c = c_prev[here]
            h, c, step_saved = cell.array_step(xp, x[here], h_prev[here], c, whh, bhh)
            saved.append(step_saved)
            if whr is not None:
                h_raw[here] = h
                h = h @ whr.T
            output[here] = h
            h_state[:rows] = h
            if c is not None:
                c_state[:rows] = c
        ctx.cell, ctx.batch_sizes, ctx.reverse = cell, batch_sizes, reverse
        ctx.step_saved, ctx.h_prev, ctx.h_raw = saved, h_prev, h_raw
        ctx.save_for_backward(projected, h0, c0, w_hh, b_hh, w_hr)
        return (output, h_state) if c_state is None else (output, h_state, c_state)

    @staticmethod
    def backward(ctx: Any, grad_output: Tensor, grad_h: Tensor, *grad_c: Tensor) -> Any:
        inputs = ctx.saved_tensors
        if grad_mode.is_grad_enabled():
            return _replayed_gradients(ctx, inputs, (grad_output, grad_h, *grad_c))
        projected, h0, c0, w_hh, b_hh, w_hr = inputs
        xp, cell = projected.backend.xp, ctx.cell
        whh = w_hh._data
        whr = None if w_hr is None else w_hr._data
        grad_out = grad_output._data
        grad_h_state = grad_h._data.copy()
        grad_c_state: Any = grad_c[0]._data.copy() if grad_c else None
        grad_x = xp.empty_like(projected._data)
        grad_gh = grad_x if cell.mode != "GRU" else xp.empty_like(grad_x)
        grad_h_out: Any = None if whr is None else xp.empty_like(ctx.h_prev)  # of the projected h
        steps = _step_order(ctx.batch_sizes, ctx.reverse)
        for (first, rows), saved in zip(reversed(steps), reversed(ctx.step_saved)):
            here = slice(first, first + rows)
            dh = grad_out[here] + grad_h_state[:rows]
            if whr is not None:
                grad_h_out[here] = dh
                dh = dh @ whr
            dc = None if grad_c_state is None else grad_c_state[:rows]
            d_x, d_gh, dh_direct, dc = cell.array_step_backward(xp, saved, dh, dc)
            grad_x[here] = d_x
            if cell.mode == "GRU":
                grad_gh[here] = d_gh
            dh_prev = d_gh @ whh
            if dh_direct is not None:
                dh_prev += dh_direct
            grad_h_state[:rows] = dh_prev
            if dc is not None:
                grad_c_state[:rows] = dc
        needs = ctx.needs_input_grad
        grads = [
            grad_x,
            grad_h_state,
            grad_c_state,
            grad_gh.T @ ctx.h_prev if needs[3] else None,
            grad_gh.sum(axis=0) if needs[4] else None,
            grad_h_out.T @ ctx.h_raw if needs[5] else None,
        ]
        device = projected.device
        return (*(None if g is None else Tensor._make(g, device) for g in grads), None, None, None)


def _replayed_gradients(ctx: Any, inputs: tuple[Any, ...], grads: tuple[Tensor, ...]) -> Any:
    """A recorded backward: replay the forward as a graph of per-step ops and differentiate
    it with ``create_graph``, so the gradients are themselves differentiable."""
    projected, h0, c0, w_hh, b_hh, w_hr = inputs
    wanted = [k for k, t in enumerate(inputs) if t is not None and ctx.needs_input_grad[k]]
    state = (h0,) if c0 is None else (h0, c0)
    outputs = run_steps(ctx.cell, projected, state, w_hh, b_hh, w_hr, ctx.batch_sizes, ctx.reverse)
    results = autograd_grad(
        outputs, [inputs[k] for k in wanted], grads, create_graph=True, allow_unused=True
    )
    found = dict(zip(wanted, results))
    return (*(found.get(k) for k in range(6)), None, None, None)


def recurrence(
    mode: str,
    projected: Tensor,
    state: tuple[Tensor, ...],
    w_hh: Tensor,
    b_hh: Tensor | None,
    w_hr: Tensor | None,
    batch_sizes: tuple[int, ...],
    reverse: bool = False,
) -> tuple[Tensor, tuple[Tensor, ...]]:
    """Run one direction of one recurrent layer over a (packed) sequence, as one graph node.

    Args:
        mode: ``"RNN_TANH"``, ``"RNN_RELU"``, ``"LSTM"`` or ``"GRU"``.
        projected: the input projection ``x W_ih^T + b`` of every time step, in the
            packed layout (T_total, G * H): the rows of step 0, then of step 1...
            (``b`` is ``b_ih + b_hh``, except for GRU, whose ``b_hh`` is separate).
        state: the initial state, ``(h0,)`` or ``(h0, c0)``, each (B, *) with B =
            ``batch_sizes[0]``.
        w_hh: (G * H, H_out). b_hh: (G * H,), GRU only, else None.
        w_hr: LSTM's projection (H_out, H), or None.
        batch_sizes: the number of rows of each time step, non-increasing (sequences
            sorted by decreasing length; all equal for a padded batch).
        reverse: run from the last step to the first.

    Returns:
        The output h of every step (T_total, H_out), in the same layout, and the final
        state, ``(h_n,)`` or ``(h_n, c_n)``: each sequence's state after its last step.

    Examples:
        >>> import neurarust as nr
        >>> from neurarust.ops.recurrent import recurrence
        >>> out, (h_n,) = recurrence("RNN_TANH", nr.zeros(6, 4), (nr.zeros(3, 4),),
        ...                          nr.zeros(4, 4), None, None, (3, 2, 1))
        >>> out.shape, h_n.shape
        (neurarust.Size([6, 4]), neurarust.Size([3, 4]))
    """
    c0 = state[1] if len(state) == 2 else None
    output, *final = Recurrence.apply(
        projected, state[0], c0, w_hh, b_hh, w_hr, CELLS[mode], tuple(batch_sizes), reverse
    )
    return output, tuple(final)
