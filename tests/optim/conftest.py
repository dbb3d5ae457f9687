"""Shared checks for optimizers: trajectories against PyTorch, resuming from our own
and from PyTorch's checkpoints, state-dict layout, convergence.

Both libraries start from the same parameters and minimize the same non-convex
function (a quadratic bowl with ripples), so each step's gradient depends on the
path taken and any difference in the update rule shows up and grows.
"""

from __future__ import annotations

import inspect
import itertools
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import neurarust as nr

SHAPES = [(3, 4), (4,), (2, 1, 3)]


def initial_values(dtype: str = "float32") -> list[np.ndarray]:
    rng = np.random.default_rng(0)
    return [rng.standard_normal(shape).astype(dtype) for shape in SHAPES]


def rippled_bowl(lib: Any, params: list[Any]) -> Any:
    """A smooth non-convex loss: ``sum(0.5 * p**2 + 0.3 * sin(3p) + 0.1 * p)`` over all
    parameters, plus a coupling term so the tensors interact."""
    total = sum((0.5 * p * p + 0.3 * lib.sin(3 * p) + 0.1 * p).sum() for p in params)
    return total + 0.05 * (params[0].sum() * params[1].sum())


def make_params(lib: Any, values: list[np.ndarray]) -> list[Any]:
    tensor = nr.from_numpy if lib is nr else __import__("torch").from_numpy
    return [tensor(v.copy()).requires_grad_() for v in values]


def run_steps(
    lib: Any,
    optimizer: Any,
    params: list[Any],
    steps: int,
    loss_fn: Callable[[Any, list[Any]], Any] = rippled_bowl,
    closure: bool = False,
) -> list[list[np.ndarray]]:
    """``steps`` optimizer steps on ``loss_fn``; the parameters after each step."""
    trajectory = []
    for _ in range(steps):

        def evaluate() -> Any:
            optimizer.zero_grad()
            loss = loss_fn(lib, params)
            loss.backward()
            return loss

        if closure:
            optimizer.step(evaluate)
        else:
            evaluate()
            optimizer.step()
        trajectory.append([p.detach().numpy().copy() for p in params])
    return trajectory


def compare_trajectories(
    name: str,
    kwargs: dict[str, Any],
    steps: int = 20,
    groups: Callable[[list[Any]], Any] | None = None,
    dtype: str = "float32",
    closure: bool = False,
    atol: float = 1e-6,
    rtol: float = 1e-5,
    torch_class: Callable[..., Any] | None = None,
) -> None:
    """Run ``optim.<name>(params, **kwargs)`` for ``steps`` steps in both libraries and
    assert the parameters agree after every step.

    ``groups(params)`` turns the parameter list into parameter groups (default: one
    group). ``torch_class`` overrides the oracle (e.g. a NumPy reference instead).
    """
    torch = pytest.importorskip("torch")
    values = initial_values(dtype)
    trajectories = []
    oracle = torch_class or getattr(torch.optim, name)
    for lib, cls in ((nr, getattr(nr.optim, name)), (torch, oracle)):
        params = make_params(lib, values)
        optimizer = cls(groups(params) if groups else params, **kwargs)
        trajectories.append(run_steps(lib, optimizer, params, steps, closure=closure))
    for step, (ours, theirs) in enumerate(zip(*trajectories)):
        for k, (a, b) in enumerate(zip(ours, theirs)):
            np.testing.assert_allclose(
                a, b, atol=atol, rtol=rtol, err_msg=f"{name}{kwargs}: param {k}, step {step + 1}"
            )


def check_resume(name: str, kwargs: dict[str, Any], steps: int = 10, closure: bool = False) -> None:
    """Stopping after ``steps`` steps, saving both state dicts and resuming in a fresh
    model and optimizer gives bit-for-bit the parameters of an uninterrupted run."""
    cls = getattr(nr.optim, name)
    values = initial_values()
    params = make_params(nr, values)
    optimizer = cls(params, **kwargs)
    uninterrupted = run_steps(nr, optimizer, params, 2 * steps, closure=closure)

    params = make_params(nr, values)
    optimizer = cls(params, **kwargs)
    run_steps(nr, optimizer, params, steps, closure=closure)
    saved_params = [p.detach().clone() for p in params]
    saved_state = optimizer.state_dict()

    resumed_params = [p.requires_grad_() for p in saved_params]
    resumed = cls(resumed_params, **kwargs)
    resumed.load_state_dict(saved_state)
    continued = run_steps(nr, resumed, resumed_params, steps, closure=closure)
    for a, b in zip(continued[-1], uninterrupted[-1]):
        np.testing.assert_array_equal(a, b, err_msg=f"{name}{kwargs}: resumed run differs")


def product(**options: list[Any]) -> list[dict[str, Any]]:
    """Every combination of the options, e.g. ``product(a=[0, 1], b=[True])``."""
    return [dict(zip(options, values)) for values in itertools.product(*options.values())]


def two_groups(extra: dict[str, Any]) -> Callable[[list[Any]], list[dict[str, Any]]]:
    """Parameter groups: the first parameter with the defaults, the rest with ``extra``."""
    return lambda params: [{"params": params[:1]}, {"params": params[1:], **extra}]


def to_neurarust(value: Any) -> Any:
    """A torch state dict with its tensors converted to neurarust tensors."""
    torch = pytest.importorskip("torch")
    if isinstance(value, torch.Tensor):
        return nr.from_numpy(value.detach().numpy().copy())
    if isinstance(value, dict):
        return {k: to_neurarust(v) for k, v in value.items()}
    if isinstance(value, list):
        return [to_neurarust(v) for v in value]
    return value


def check_resume_from_torch(
    name: str,
    kwargs: dict[str, Any],
    steps: int = 10,
    torch_class: Callable[..., Any] | None = None,
    atol: float = 1e-6,
) -> None:
    """A state dict saved by PyTorch after ``steps`` steps, loaded into a fresh neurarust
    optimizer, continues on PyTorch's trajectory."""
    torch = pytest.importorskip("torch")
    oracle = torch_class or getattr(torch.optim, name)
    torch_params = make_params(torch, initial_values())
    torch_optimizer = oracle(torch_params, **kwargs)
    run_steps(torch, torch_optimizer, torch_params, steps)
    saved = to_neurarust(torch_optimizer.state_dict())

    params = make_params(nr, [p.detach().numpy() for p in torch_params])
    optimizer = getattr(nr.optim, name)(params, **kwargs)
    optimizer.load_state_dict(saved)
    ours = run_steps(nr, optimizer, params, steps)
    theirs = run_steps(torch, torch_optimizer, torch_params, steps)
    for a, b in zip(ours[-1], theirs[-1]):
        np.testing.assert_allclose(a, b, atol=atol, rtol=1e-5, err_msg=f"{name}{kwargs}")


def check_state_dict_layout(
    name: str, kwargs: dict[str, Any], torch_class: Callable[..., Any] | None = None
) -> None:
    """After one step both optimizers' state dicts have the same group keys and the same
    per-parameter state: keys, shapes and dtypes."""
    torch = pytest.importorskip("torch")
    oracle = torch_class or getattr(torch.optim, name)
    saved = []
    for lib, cls in ((nr, getattr(nr.optim, name)), (torch, oracle)):
        params = make_params(lib, initial_values())
        optimizer = cls(params, **kwargs)
        run_steps(lib, optimizer, params, 1)
        saved.append(optimizer.state_dict())
    ours, theirs = saved
    assert ours["param_groups"] == theirs["param_groups"]
    assert ours["state"].keys() == theirs["state"].keys()
    for index, state in theirs["state"].items():
        assert list(ours["state"][index]) == list(state)
        for key, value in state.items():
            assert tuple(ours["state"][index][key].shape) == tuple(value.shape), key
            assert str(ours["state"][index][key].dtype).split(".")[-1] == str(value.dtype)[6:]


def least_squares_distance(
    name: str,
    kwargs: dict[str, Any],
    steps: int,
    columns: int | None = None,
    lr_gamma: float = 1.0,
) -> float:
    """Distance from the least-squares solution of a small well-conditioned problem
    ``a @ x = b`` after ``steps`` steps of ``optim.<name>``: ``x`` a vector, or a matrix
    of ``columns`` columns. ``lr_gamma`` multiplies the learning rates after each step
    (for optimizers whose steps keep a fixed relative size)."""
    rng = np.random.default_rng(1)
    a = rng.standard_normal((20, 3))
    b = rng.standard_normal((20,) if columns is None else (20, columns))
    solution = np.linalg.lstsq(a, b, rcond=None)[0]
    a_t, b_t = nr.from_numpy(a), nr.from_numpy(b)
    x = nr.from_numpy(np.full(solution.shape, 0.5)).requires_grad_()

    def loss(lib: Any, params: list[Any]) -> Any:
        residual = a_t @ params[0] - b_t
        return (residual * residual).mean()

    def decay_lr(optimizer: Any, args: Any, kwargs: Any) -> None:
        for group in optimizer.param_groups:
            group["lr"] *= lr_gamma

    optimizer = getattr(nr.optim, name)([x], **kwargs)
    optimizer.register_step_post_hook(decay_lr)
    run_steps(nr, optimizer, [x], steps, loss_fn=loss)
    return float(np.abs(x.detach().numpy() - solution).max())


def rosenbrock_progress(name: str, kwargs: dict[str, Any], steps: int) -> float:
    """The Rosenbrock function's value after ``steps`` steps from (-1.2, 1), as a fraction
    of its starting value (its minimum is 0 at (1, 1), at the end of a curved valley)."""

    def loss(lib: Any, params: list[Any]) -> Any:
        x, y = params[0][0], params[0][1]
        return (1 - x) ** 2 + 100 * (y - x * x) ** 2

    p = nr.tensor([-1.2, 1.0], dtype=nr.float64, requires_grad=True)
    start = float(loss(nr, [p]))
    optimizer = getattr(nr.optim, name)([p], **kwargs)
    run_steps(nr, optimizer, [p], steps, loss_fn=loss)
    return float(loss(nr, [p])) / start


def check_scalar_parameter(name: str, kwargs: dict[str, Any], steps: int = 5) -> None:
    """A 0-d parameter (NumPy turns 0-d results into scalars: the in-place updates must
    still write to the parameter) follows PyTorch's trajectory."""

    def loss(lib: Any, params: list[Any]) -> Any:
        return params[0] * params[0] + lib.sin(3 * params[0])

    torch = pytest.importorskip("torch")
    trajectories = []
    for lib in (nr, torch):
        params = [lib.tensor(1.5, requires_grad=True)]
        optimizer = getattr(lib.optim, name)(params, **kwargs)
        trajectories.append(run_steps(lib, optimizer, params, steps, loss_fn=loss))
    np.testing.assert_allclose(*trajectories, rtol=1e-5, err_msg=f"{name}{kwargs}")


def parameters(cls: type) -> list[tuple[str, Any, Any]]:
    """The constructor's arguments: name, kind (positional, keyword-only) and default."""
    return [(p.name, p.kind, p.default) for p in inspect.signature(cls).parameters.values()]
