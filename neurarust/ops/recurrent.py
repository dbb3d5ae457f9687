"""Fused gate ops of the recurrent cells (LSTM, GRU): one graph node a time step.

A recurrent layer runs one small step per time step, so what costs is not the
arithmetic but the number of ops: an LSTM step written with elementwise ops is
a dozen graph nodes forward and a dozen backward. Here the pointwise part of a
step is one :class:`Function` with a hand-written backward:

    LSTM  gates (N, 4H) = x W_ih^T + b_ih + h W_hh^T + b_hh, split as i, f, g, o
          c' = sigmoid(f) * c + sigmoid(i) * tanh(g)
          h' = sigmoid(o) * tanh(c')
    GRU   gi (N, 3H) = x W_ih^T + b_ih and gh (N, 3H) = h W_hh^T + b_hh, split as r, z, n
          r = sigmoid(gi_r + gh_r),  z = sigmoid(gi_z + gh_z)
          n = tanh(gi_n + r * gh_n),  h' = (1 - z) * n + z * h

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
from ..autograd.function import Function
from ..tensor import Tensor
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

    Example:
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

    Example:
        >>> import neurarust as nr
        >>> from neurarust.ops.recurrent import gru_gates
        >>> gru_gates(nr.zeros(1, 6), nr.zeros(1, 6), nr.ones(1, 2))  # z = 1/2, n = 0
        tensor([[0.5000, 0.5000]])
    """
    return GRUGates.apply(gi, gh, h)
