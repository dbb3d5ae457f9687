"""Shared checks for optimizers: trajectories against PyTorch, and resuming from a
checkpoint.

Both libraries start from the same parameters and minimize the same non-convex
function (a quadratic bowl with ripples), so each step's gradient depends on the
path taken and any difference in the update rule shows up and grows.
"""

from __future__ import annotations

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
