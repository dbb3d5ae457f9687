"""Adafactor against torch.optim.Adafactor, step by step, on factored (2-d and 3-d) and
unfactored (0-d and 1-d) parameters; checkpoints; convergence; invalid options."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import neurarust as nr

from .conftest import (
    check_resume,
    check_resume_from_torch,
    check_state_dict_layout,
    compare_trajectories,
    least_squares_distance,
    make_params,
    rosenbrock_progress,
    run_steps,
    two_groups,
)

torch = pytest.importorskip("torch")

# The shared parameters are (3, 4) and (2, 1, 3) matrices (factored) and a (4,) vector.
TRAJECTORY_CASES = [
    {},
    {"lr": 0.05},
    {"beta2_decay": -0.5},
    {"eps": (1e-5, 1e-3)},
    {"eps": (None, 0.8)},  # eps2 above rms(p): the step size no longer follows p
    {"d": 2.0},
    {"weight_decay": 0.1},
    {"maximize": True},
    {"lr": 0.05, "weight_decay": 0.1, "d": 2.0, "maximize": True},
    {"foreach": False},
]


@pytest.mark.parametrize("kwargs", TRAJECTORY_CASES)
def test_trajectory_matches_torch(kwargs: dict[str, Any]) -> None:
    compare_trajectories("Adafactor", kwargs)


def test_float64_matches_torch() -> None:
    # Every option at once. In float32 this combination makes the iterates oscillate
    # around the minimum and amplify rounding (in PyTorch too), so it is checked in float64.
    kwargs = {
        "lr": 0.05,
        "beta2_decay": -0.5,
        "eps": (1e-5, 1e-2),
        "d": 1.5,
        "weight_decay": 0.1,
        "maximize": True,
    }
    compare_trajectories("Adafactor", kwargs, dtype="float64", atol=1e-12, rtol=1e-10)


def test_two_groups_match_torch() -> None:
    extra = {"lr": 0.03, "beta2_decay": -0.6, "d": 2.0, "weight_decay": 0.05}
    compare_trajectories("Adafactor", {"eps": (1e-6, 1e-3)}, groups=two_groups(extra))


def test_closure_matches_torch() -> None:
    compare_trajectories("Adafactor", {"lr": 0.05}, steps=5, closure=True)


@pytest.mark.parametrize("shape", [(), (5,), (2, 3, 4), (4, 1), (1, 4)])
def test_other_shapes_match_torch(shape: tuple[int, ...]) -> None:
    values = [np.random.default_rng(2).standard_normal(shape).astype("float32")]

    def loss(lib: Any, params: list[Any]) -> Any:
        p = params[0]
        return (p * p * (1 + 0.2 * lib.cos(2 * p))).sum()

    trajectories = []
    for lib in (nr, torch):
        params = make_params(lib, values)
        optimizer = lib.optim.Adafactor(params, lr=0.05)
        trajectories.append(run_steps(lib, optimizer, params, 10, loss_fn=loss))
    for step, (ours, theirs) in enumerate(zip(*trajectories)):
        np.testing.assert_allclose(ours[0], theirs[0], atol=1e-6, rtol=1e-5, err_msg=f"{step}")


@pytest.mark.parametrize(
    ("shape", "state_shapes"),
    [
        ((3, 4), {"row_var": (3, 1), "col_var": (1, 4)}),
        ((2, 3, 4), {"row_var": (2, 3, 1), "col_var": (2, 1, 4)}),
        ((4,), {"variance": (4,)}),
        ((), {"variance": ()}),
    ],
)
def test_second_moment_is_factored_for_matrices(
    shape: tuple[int, ...], state_shapes: dict[str, tuple[int, ...]]
) -> None:
    p = nr.ones(*shape, requires_grad=True)
    optimizer = nr.optim.Adafactor([p])
    (p * p).sum().backward()
    optimizer.step()
    state = optimizer.state[p]
    assert list(state) == ["step", *state_shapes]
    assert {k: tuple(state[k].shape) for k in state_shapes} == state_shapes
    assert state["step"].dtype == nr.float32 and float(state["step"]) == 1.0


# --- checkpoints ------------------------------------------------------------------------------

RESUME_CASES = [{}, {"lr": 0.05, "weight_decay": 0.1, "eps": (1e-6, 1e-3)}]


@pytest.mark.parametrize("kwargs", RESUME_CASES)
def test_resume_is_bit_for_bit(kwargs: dict[str, Any]) -> None:
    check_resume("Adafactor", kwargs)


@pytest.mark.parametrize("kwargs", RESUME_CASES)
def test_resume_from_torch_state_dict(kwargs: dict[str, Any]) -> None:
    check_resume_from_torch("Adafactor", kwargs)


def test_state_dict_layout_matches_torch() -> None:
    check_state_dict_layout("Adafactor", {"eps": (1e-6, 1e-3), "maximize": True})


# --- convergence ------------------------------------------------------------------------------


@pytest.mark.parametrize("columns", [None, 2])  # x a vector (unfactored) or a matrix
def test_converges_to_least_squares_solution(columns: int | None) -> None:
    distance = least_squares_distance("Adafactor", {"lr": 0.3}, 200, columns, lr_gamma=0.98)
    assert distance < 1e-4


def test_makes_progress_on_rosenbrock() -> None:
    assert rosenbrock_progress("Adafactor", {"lr": 0.1}, steps=200) < 0.2


# --- invalid options --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"lr": -0.1}, r"Learning rate should be >= 0 but is: -0.1"),
        ({"beta2_decay": 0.5}, r"beta2_decay should be <= 0 but is: 0.5"),
        ({"eps": (-1.0, 1e-3)}, r"epsilon1 should be >= 0 but is: -1.0"),
        ({"eps": (None, -1.0)}, r"epsilon2 should be >= 0 but is: -1.0"),
        ({"d": 0.5}, r"Clipping threshold d should be >= 1 but is: 0.5"),
        ({"weight_decay": -0.1}, r"weight_decay should be >= 0 but is: -0.1"),
    ],
)
def test_invalid_options(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        torch.optim.Adafactor([torch.zeros(1)], **kwargs)  # the same message as torch
    with pytest.raises(ValueError, match=message):
        nr.optim.Adafactor([nr.zeros(1)], **kwargs)
