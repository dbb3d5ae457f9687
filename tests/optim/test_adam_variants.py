"""Adamax, NAdam and RAdam against torch.optim, step by step; resuming from our own and
from PyTorch's checkpoints; convergence; invalid hyperparameters."""

from __future__ import annotations

from typing import Any

import pytest

import neurarust as nr

from .conftest import (
    check_resume,
    check_resume_from_torch,
    check_scalar_parameter,
    check_state_dict_layout,
    compare_trajectories,
    least_squares_distance,
    parameters,
    product,
    rosenbrock_progress,
    two_groups,
)

torch = pytest.importorskip("torch")

NAMES = ["Adamax", "NAdam", "RAdam"]

# --- trajectories against PyTorch -------------------------------------------------------------

# weight_decay and maximize only change the gradient the algorithm sees, so they are
# crossed with the options that change the algorithm as a pair, not one by one.
PENALTIES = [{}, {"weight_decay": 0.1, "maximize": True}]

TRAJECTORY_CASES = [
    *[(name, {"lr": 0.02, **penalties}) for name in NAMES for penalties in PENALTIES],
    *[(name, {}) for name in NAMES],
    ("Adamax", {"lr": 0.02, "betas": (0.5, 0.9), "eps": 1e-3}),
    ("Adamax", {"lr": 0.02, "weight_decay": 0.1}),
    *[
        ("NAdam", {"lr": 0.02, **options, **penalties})
        for options in product(momentum_decay=[0.1], decoupled_weight_decay=[False, True])
        for penalties in PENALTIES
    ],
    ("NAdam", {"lr": 0.02, "betas": (0.3, 0.5), "eps": 1e-3}),
    # the rectified step starts at step 6 (betas[1] = 0.9 or 0.999), 10 (0.7), never (0.5)
    *[
        ("RAdam", {"lr": 0.02, "betas": (0.8, 0.9), **options, **penalties})
        for options in product(decoupled_weight_decay=[False, True])
        for penalties in PENALTIES
    ],
    ("RAdam", {"lr": 0.02, "betas": (0.3, 0.7), "eps": 1e-3}),
    ("RAdam", {"lr": 0.02, "betas": (0.8, 0.5)}),
]


@pytest.mark.parametrize(("name", "kwargs"), TRAJECTORY_CASES)
def test_trajectory_matches_torch(name: str, kwargs: dict[str, Any]) -> None:
    compare_trajectories(name, kwargs)


GROUP_CASES = [
    ("Adamax", {"lr": 0.02}, {"lr": 0.05, "betas": (0.8, 0.9), "weight_decay": 0.1}),
    ("NAdam", {"lr": 0.02}, {"lr": 0.01, "momentum_decay": 0.1, "maximize": True}),
    ("RAdam", {"lr": 0.02}, {"lr": 0.01, "betas": (0.8, 0.9), "weight_decay": 0.1}),
]


@pytest.mark.parametrize(("name", "kwargs", "extra"), GROUP_CASES)
def test_two_groups_match_torch(name: str, kwargs: dict[str, Any], extra: dict[str, Any]) -> None:
    compare_trajectories(name, kwargs, groups=two_groups(extra))


FLOAT64_CASES = [
    ("Adamax", {"lr": 0.02, "weight_decay": 0.1, "maximize": True}),
    ("NAdam", {"lr": 0.02, "momentum_decay": 0.1, "weight_decay": 0.1}),
    ("NAdam", {"lr": 0.02, "weight_decay": 0.1, "decoupled_weight_decay": True}),
    ("RAdam", {"lr": 0.02, "betas": (0.8, 0.9), "weight_decay": 0.1}),
    ("RAdam", {"lr": 0.02, "betas": (0.8, 0.9), "decoupled_weight_decay": True}),
]


@pytest.mark.parametrize(("name", "kwargs"), FLOAT64_CASES)
def test_float64_matches_torch(name: str, kwargs: dict[str, Any]) -> None:
    compare_trajectories(name, kwargs, dtype="float64", atol=1e-12, rtol=1e-10)


@pytest.mark.parametrize(("name", "kwargs"), FLOAT64_CASES)
def test_closure_matches_torch(name: str, kwargs: dict[str, Any]) -> None:
    compare_trajectories(name, kwargs, steps=5, closure=True)


@pytest.mark.parametrize(("name", "kwargs"), FLOAT64_CASES)
def test_scalar_parameter_matches_torch(name: str, kwargs: dict[str, Any]) -> None:
    check_scalar_parameter(name, kwargs, steps=8)


# --- checkpoints ------------------------------------------------------------------------------

RESUME_CASES = [
    ("Adamax", {"lr": 0.02, "weight_decay": 0.1}),
    ("NAdam", {"lr": 0.02, "momentum_decay": 0.1, "weight_decay": 0.1}),
    ("RAdam", {"lr": 0.02, "betas": (0.8, 0.9), "decoupled_weight_decay": True}),
]


@pytest.mark.parametrize(("name", "kwargs"), RESUME_CASES)
def test_resume_is_bit_for_bit(name: str, kwargs: dict[str, Any]) -> None:
    check_resume(name, kwargs)


@pytest.mark.parametrize(("name", "kwargs"), RESUME_CASES)
def test_resume_from_torch_state_dict(name: str, kwargs: dict[str, Any]) -> None:
    check_resume_from_torch(name, kwargs)


@pytest.mark.parametrize(("name", "kwargs"), [*RESUME_CASES, *[(name, {}) for name in NAMES]])
def test_state_dict_layout_matches_torch(name: str, kwargs: dict[str, Any]) -> None:
    check_state_dict_layout(name, kwargs)


# --- convergence ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "kwargs", "steps"),
    [
        ("Adamax", {"lr": 0.05}, 400),
        ("NAdam", {"lr": 0.05}, 400),
        ("RAdam", {"lr": 0.05}, 400),
    ],
)
def test_converges_to_least_squares_solution(name: str, kwargs: dict[str, Any], steps: int) -> None:
    assert least_squares_distance(name, kwargs, steps) < 1e-4


@pytest.mark.parametrize(
    ("name", "kwargs", "steps"),
    [
        ("Adamax", {"lr": 0.05}, 200),
        ("NAdam", {"lr": 0.05}, 200),
        # RAdam's first steps are plain momentum steps: a large lr diverges on this valley
        ("RAdam", {"lr": 0.005}, 400),
    ],
)
def test_makes_progress_on_rosenbrock(name: str, kwargs: dict[str, Any], steps: int) -> None:
    assert rosenbrock_progress(name, kwargs, steps) < 0.2


# --- invalid hyperparameters and unsupported implementations ----------------------------------

ERROR_CASES = [
    *[
        (name, kwargs, message)
        for name in NAMES
        for kwargs, message in [
            ({"lr": -1.0}, "Invalid learning rate: -1.0"),
            ({"eps": -1e-8}, "Invalid epsilon value: -1e-08"),
            ({"betas": (1.0, 0.999)}, "Invalid beta parameter at index 0: 1.0"),
            ({"betas": (0.9, -0.1)}, "Invalid beta parameter at index 1: -0.1"),
            ({"weight_decay": -0.1}, "Invalid weight_decay value: -0.1"),
        ]
    ],
    ("NAdam", {"momentum_decay": -0.1}, "Invalid momentum_decay value: -0.1"),
]


@pytest.mark.parametrize(("name", "kwargs", "message"), ERROR_CASES)
def test_invalid_hyperparameters(name: str, kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        getattr(torch.optim, name)([torch.zeros(1)], **kwargs)  # the same message as torch
    with pytest.raises(ValueError, match=message):
        getattr(nr.optim, name)([nr.zeros(1)], **kwargs)


@pytest.mark.parametrize(
    ("name", "flag"), [(name, flag) for name in NAMES for flag in ("capturable", "differentiable")]
)
def test_unsupported_implementations_are_refused(name: str, flag: str) -> None:
    with pytest.raises(NotImplementedError, match=f"{name}: {flag}=True is not supported"):
        getattr(nr.optim, name)([nr.zeros(1)], **{flag: True})


@pytest.mark.parametrize("name", NAMES)
def test_foreach_is_accepted_and_a_tensor_lr_works(name: str) -> None:
    compare_trajectories(name, {"lr": 0.05, "foreach": True}, steps=3)
    w = nr.ones(2, requires_grad=True)
    optimizer = getattr(nr.optim, name)([w], lr=nr.tensor(0.5))
    (w * w).sum().backward()
    optimizer.step()
    assert (w.detach().numpy() < 1).all()
    with pytest.raises(ValueError, match="Tensor lr must be 1-element"):
        getattr(nr.optim, name)([w], lr=nr.ones(2))


@pytest.mark.parametrize("name", NAMES)
def test_signature_and_defaults_match_torch(name: str) -> None:
    ours, theirs = getattr(nr.optim, name), getattr(torch.optim, name)
    assert parameters(ours) == parameters(theirs)
    assert ours([nr.zeros(1)]).defaults == theirs([torch.zeros(1)]).defaults
