"""RMSprop, Adagrad and Adadelta against torch.optim, step by step; resuming from our
own and from PyTorch's checkpoints; convergence; invalid hyperparameters."""

from __future__ import annotations

import inspect
from typing import Any

import numpy as np
import pytest

import neurarust as nr

from .conftest import (
    check_resume,
    check_resume_from_torch,
    check_state_dict_layout,
    compare_trajectories,
    initial_values,
    least_squares_distance,
    make_params,
    product,
    rosenbrock_progress,
    two_groups,
)

torch = pytest.importorskip("torch")


# --- helpers shared with test_adafactor.py and test_lamb.py -----------------------------------


# --- trajectories against PyTorch -------------------------------------------------------------

# weight_decay and maximize only change the gradient the algorithm sees, so they are
# crossed with the options that change the algorithm as a pair, not one by one.
PENALTIES = [{}, {"weight_decay": 0.1, "maximize": True}]

TRAJECTORY_CASES = [
    *[
        ("RMSprop", {**options, **penalties})
        for options in product(momentum=[0, 0.9], centered=[False, True])
        for penalties in PENALTIES
    ],
    ("RMSprop", {"lr": 0.02, "alpha": 0.8, "eps": 1e-3}),
    ("Adagrad", {}),
    ("Adagrad", {"lr_decay": 0.05}),
    ("Adagrad", {"initial_accumulator_value": 0.5}),
    ("Adagrad", {"weight_decay": 0.1}),
    ("Adagrad", {"maximize": True}),
    ("Adagrad", {"lr_decay": 0.05, "initial_accumulator_value": 0.5, **PENALTIES[1]}),
    ("Adagrad", {"lr": 0.3, "eps": 1e-3}),
    ("Adadelta", {}),
    ("Adadelta", {"rho": 0.5}),
    ("Adadelta", {"weight_decay": 0.1}),
    ("Adadelta", {"maximize": True}),
    ("Adadelta", {"rho": 0.5, **PENALTIES[1]}),
    ("Adadelta", {"lr": 3.0, "eps": 1e-3}),
]


@pytest.mark.parametrize(("name", "kwargs"), TRAJECTORY_CASES)
def test_trajectory_matches_torch(name: str, kwargs: dict[str, Any]) -> None:
    compare_trajectories(name, kwargs)


GROUP_CASES = [
    ("RMSprop", {"lr": 0.02}, {"lr": 0.005, "momentum": 0.9, "centered": True}),
    ("Adagrad", {"lr": 0.1}, {"lr": 0.3, "lr_decay": 0.1, "weight_decay": 0.1}),
    ("Adadelta", {"rho": 0.8}, {"lr": 2.0, "rho": 0.95, "maximize": True}),
]


@pytest.mark.parametrize(("name", "kwargs", "extra"), GROUP_CASES)
def test_two_groups_match_torch(name: str, kwargs: dict[str, Any], extra: dict[str, Any]) -> None:
    compare_trajectories(name, kwargs, groups=two_groups(extra))


FLOAT64_CASES = [
    ("RMSprop", {"momentum": 0.9, "centered": True, "weight_decay": 0.1}),
    ("Adagrad", {"lr_decay": 0.05, "weight_decay": 0.1, "initial_accumulator_value": 0.5}),
    ("Adadelta", {"rho": 0.5, "weight_decay": 0.1}),
]


@pytest.mark.parametrize(("name", "kwargs"), FLOAT64_CASES)
def test_float64_matches_torch(name: str, kwargs: dict[str, Any]) -> None:
    compare_trajectories(name, kwargs, dtype="float64", atol=1e-12, rtol=1e-10)


@pytest.mark.parametrize(("name", "kwargs"), FLOAT64_CASES)
def test_closure_matches_torch(name: str, kwargs: dict[str, Any]) -> None:
    compare_trajectories(name, kwargs, steps=5, closure=True)


def test_adagrad_honours_a_groups_initial_accumulator_value() -> None:
    # PyTorch fills every "sum" with the constructor's value; neurarust uses the group's.
    w, b = nr.zeros(2, requires_grad=True), nr.zeros(1, requires_grad=True)
    optimizer = nr.optim.Adagrad([{"params": [w]}, {"params": [b], "initial_accumulator_value": 2}])
    assert optimizer.state[w]["sum"].tolist() == [0.0, 0.0]
    assert optimizer.state[b]["sum"].tolist() == [2.0]


# --- checkpoints ------------------------------------------------------------------------------

RESUME_CASES = [
    ("RMSprop", {"momentum": 0.9, "centered": True, "weight_decay": 0.1}),
    ("Adagrad", {"lr_decay": 0.05, "initial_accumulator_value": 0.5}),
    ("Adadelta", {"rho": 0.5, "weight_decay": 0.1}),
]


@pytest.mark.parametrize(("name", "kwargs"), RESUME_CASES)
def test_resume_is_bit_for_bit(name: str, kwargs: dict[str, Any]) -> None:
    check_resume(name, kwargs)


@pytest.mark.parametrize(("name", "kwargs"), RESUME_CASES)
def test_resume_from_torch_state_dict(name: str, kwargs: dict[str, Any]) -> None:
    check_resume_from_torch(name, kwargs)


@pytest.mark.parametrize(
    ("name", "kwargs"), [*RESUME_CASES, ("RMSprop", {}), ("RMSprop", {"momentum": 0.5})]
)
def test_state_dict_layout_matches_torch(name: str, kwargs: dict[str, Any]) -> None:
    check_state_dict_layout(name, kwargs)


def test_adagrad_state_exists_before_the_first_step() -> None:
    params = make_params(nr, initial_values())
    state = nr.optim.Adagrad(params, initial_accumulator_value=0.1).state_dict()["state"]
    assert sorted(state) == [0, 1, 2]
    assert float(state[0]["step"]) == 0.0
    np.testing.assert_array_equal(state[2]["sum"].numpy(), np.full((2, 1, 3), 0.1, "float32"))


# --- convergence ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "kwargs", "steps"),
    [
        ("RMSprop", {"lr": 0.01}, 400),
        ("RMSprop", {"lr": 0.003, "momentum": 0.9, "centered": True}, 200),
        ("Adagrad", {"lr": 0.5}, 100),
        ("Adadelta", {"lr": 10.0, "rho": 0.99}, 300),
    ],
)
def test_converges_to_least_squares_solution(name: str, kwargs: dict[str, Any], steps: int) -> None:
    assert least_squares_distance(name, kwargs, steps) < 1e-4


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [("RMSprop", {"lr": 0.01}), ("Adagrad", {"lr": 0.3}), ("Adadelta", {"lr": 10.0})],
)
def test_makes_progress_on_rosenbrock(name: str, kwargs: dict[str, Any]) -> None:
    assert rosenbrock_progress(name, kwargs, steps=200) < 0.2


# --- invalid hyperparameters and unsupported implementations ----------------------------------

ERROR_CASES = [
    ("RMSprop", {"lr": -0.1}, "Invalid learning rate: -0.1"),
    ("RMSprop", {"eps": -1.0}, "Invalid epsilon value: -1.0"),
    ("RMSprop", {"momentum": -0.5}, "Invalid momentum value: -0.5"),
    ("RMSprop", {"weight_decay": -1}, "Invalid weight_decay value: -1"),
    ("RMSprop", {"alpha": -0.9}, "Invalid alpha value: -0.9"),
    ("Adagrad", {"lr": -1.0}, "Invalid learning rate: -1.0"),
    ("Adagrad", {"lr_decay": -0.1}, "Invalid lr_decay value: -0.1"),
    ("Adagrad", {"weight_decay": -0.1}, "Invalid weight_decay value: -0.1"),
    (
        "Adagrad",
        {"initial_accumulator_value": -0.1},
        "Invalid initial_accumulator_value value: -0.1",
    ),
    ("Adagrad", {"eps": -1e-10}, "Invalid epsilon value: -1e-10"),
    ("Adadelta", {"lr": -1.0}, "Invalid learning rate: -1.0"),
    ("Adadelta", {"rho": 1.5}, "Invalid rho value: 1.5"),
    ("Adadelta", {"eps": -1e-6}, "Invalid epsilon value: -1e-06"),
    ("Adadelta", {"weight_decay": -0.1}, "Invalid weight_decay value: -0.1"),
]


@pytest.mark.parametrize(("name", "kwargs", "message"), ERROR_CASES)
def test_invalid_hyperparameters(name: str, kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        getattr(torch.optim, name)([torch.zeros(1)], **kwargs)  # the same message as torch
    with pytest.raises(ValueError, match=message):
        getattr(nr.optim, name)([nr.zeros(1)], **kwargs)


@pytest.mark.parametrize(
    ("name", "flag"),
    [
        ("RMSprop", "capturable"),
        ("RMSprop", "differentiable"),
        ("Adagrad", "differentiable"),
        ("Adagrad", "fused"),
        ("Adadelta", "capturable"),
        ("Adadelta", "differentiable"),
    ],
)
def test_unsupported_implementations_are_refused(name: str, flag: str) -> None:
    with pytest.raises(NotImplementedError, match=f"{name}: {flag}=True is not supported"):
        getattr(nr.optim, name)([nr.zeros(1)], **{flag: True})


@pytest.mark.parametrize("name", ["RMSprop", "Adagrad", "Adadelta", "Adafactor"])
def test_signature_matches_torch(name: str) -> None:
    def parameters(cls: Any) -> list[tuple[str, Any, Any]]:
        return [(p.name, p.default, p.kind) for p in inspect.signature(cls).parameters.values()]

    assert parameters(getattr(nr.optim, name)) == parameters(getattr(torch.optim, name))


@pytest.mark.parametrize("name", ["RMSprop", "Adagrad", "Adadelta"])
def test_foreach_is_accepted_and_a_tensor_lr_works(name: str) -> None:
    compare_trajectories(name, {"lr": 0.5, "foreach": True}, steps=3)
    w = nr.ones(2, requires_grad=True)
    optimizer = getattr(nr.optim, name)([w], lr=nr.tensor(0.5))
    (w * w).sum().backward()
    optimizer.step()
    assert (w.detach().numpy() < 1).all()
    with pytest.raises(ValueError, match="Tensor lr must be 1-element"):
        getattr(nr.optim, name)([w], lr=nr.ones(2))
