"""Check analytical gradients against central finite differences (use float64).

``gradcheck(f, inputs)`` compares, for every output and every input that
requires grad, the Jacobian that autograd computes with the one obtained by
nudging each input element by ``±eps``. ``gradgradcheck`` does the same for
the gradient function itself (second derivatives through ``create_graph``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from . import engine
from .grad_mode import enable_grad, no_grad


class GradcheckError(RuntimeError):
    """Raised by :func:`gradcheck` when a Jacobian does not match."""


def _as_tuple(x: Any) -> tuple[Any, ...]:
    return tuple(x) if isinstance(x, (tuple, list)) else (x,)


def _float_outputs(outputs: tuple[Any, ...]) -> list[Any]:
    return [o for o in outputs if isinstance(o, engine.Tensor) and o.is_floating_point()]


def _numerical_jacobians(
    func: Callable[..., Any], inputs: tuple[Any, ...], index: int, eps: float
) -> list[np.ndarray]:
    """d(outputs)/d(inputs[index]) by central differences: one (out.numel, in.numel) each."""
    x = inputs[index]
    data = x._data
    columns: list[list[np.ndarray]] = []
    with no_grad():
        for position in np.ndindex(*data.shape):
            original = data[position].item()
            data[position] = original + eps
            plus = [
                np.array(o.backend.to_host(o._data), dtype=np.float64).ravel()
                for o in _float_outputs(_as_tuple(func(*inputs)))
            ]
            data[position] = original - eps
            minus = [
                np.array(o.backend.to_host(o._data), dtype=np.float64).ravel()
                for o in _float_outputs(_as_tuple(func(*inputs)))
            ]
            data[position] = original
            columns.append([(p - m) / (2 * eps) for p, m in zip(plus, minus)])
    if columns:
        return [np.stack([c[k] for c in columns], axis=1) for k in range(len(columns[0]))]
    with no_grad():  # an empty input: every Jacobian has no columns
        outputs = _float_outputs(_as_tuple(func(*inputs)))
    return [np.zeros((o._data.size, 0)) for o in outputs]


def _analytical_jacobians(outputs: list[Any], x: Any) -> list[np.ndarray]:
    """d(outputs)/d(x) by one backward pass per output element."""
    result = []
    for out in outputs:
        jac = np.zeros((out.numel(), x.numel()))
        if out._requires_grad:
            for j in range(out.numel()):
                onehot = np.zeros(out.numel(), dtype=out._data.dtype)
                onehot[j] = 1
                seed = engine.Tensor._make(
                    out.backend.asarray(onehot.reshape(out._data.shape)), out.device
                )
                (g,) = engine.grad(out, x, seed, retain_graph=True, allow_unused=True)
                if g is not None:
                    jac[j] = np.asarray(g.backend.to_host(g._data), dtype=np.float64).ravel()
        result.append(jac)
    return result


def gradcheck(
    func: Callable[..., Any],
    inputs: Any,
    *,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    raise_exception: bool = True,
) -> bool:
    """True if autograd's gradients of ``func`` match finite differences at ``inputs``.

    Args:
        func: takes the inputs, returns a Tensor or a tuple of Tensors.
        inputs: a Tensor or a tuple of Tensors/other values; tensors with
            ``requires_grad=True`` (float64 for meaningful results) are checked.
        eps: the finite-difference step.
        atol: absolute tolerance of the comparison.
        rtol: relative tolerance of the comparison.
        raise_exception: raise :class:`GradcheckError` on mismatch instead of
            returning False.

    Examples:
        >>> import neurarust as nr
        >>> x = nr.randn(3, dtype=nr.float64, requires_grad=True)
        >>> nr.autograd.gradcheck(lambda t: (t * t).exp(), (x,))
        True
    """
    inputs = _as_tuple(inputs)
    outputs = _float_outputs(_as_tuple(func(*inputs)))
    for i, x in enumerate(inputs):
        if not (isinstance(x, engine.Tensor) and x.requires_grad):
            continue
        numerical = _numerical_jacobians(func, inputs, i, eps)
        analytical = _analytical_jacobians(outputs, x)
        for k, (num, ana) in enumerate(zip(numerical, analytical)):
            if not outputs[k].requires_grad:
                continue  # not differentiable (detached, an index...): nothing to check
            if not np.allclose(ana, num, atol=atol, rtol=rtol):
                if not raise_exception:
                    return False
                raise GradcheckError(
                    f"Jacobian mismatch for output {k} with respect to input {i},\n"
                    f"numerical:{num}\nanalytical:{ana}\n"
                )
    return True


def gradgradcheck(
    func: Callable[..., Any],
    inputs: Any,
    grad_outputs: Sequence[Any] | None = None,
    *,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    raise_exception: bool = True,
) -> bool:
    """Like :func:`gradcheck` for the gradient of ``func`` (checks second derivatives).

    ``grad_outputs`` (random when omitted) are the vectors the first backward
    is taken against; they are checked as inputs too.
    """
    inputs = _as_tuple(inputs)
    outputs = _float_outputs(_as_tuple(func(*inputs)))
    if grad_outputs is None:
        rng = np.random.default_rng(0)
        grad_outputs = [
            engine.Tensor._make(
                o.backend.asarray(rng.standard_normal(o._data.shape).astype(o._data.dtype)),
                o.device,
            ).requires_grad_()
            for o in outputs
        ]
    n = len(inputs)

    def first_derivative(*args: Any) -> tuple[Any, ...]:
        with enable_grad():  # also while gradcheck evaluates it for finite differences
            outs = _float_outputs(_as_tuple(func(*args[:n])))
            wanted = [x for x in args[:n] if isinstance(x, engine.Tensor) and x.requires_grad]
            # Outputs that don't require grad (e.g. slogdet's sign) have zero derivatives.
            pairs = [(o, g) for o, g in zip(outs, args[n:]) if o.requires_grad]
            return engine.grad(
                [o for o, _ in pairs],
                wanted,
                [g for _, g in pairs],
                create_graph=True,
                allow_unused=True,
                materialize_grads=True,
            )

    return gradcheck(
        first_derivative,
        (*inputs, *grad_outputs),
        eps=eps,
        atol=atol,
        rtol=rtol,
        raise_exception=raise_exception,
    )
