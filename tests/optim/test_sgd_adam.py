"""SGD, Adam and AdamW against torch.optim, step by step; resuming from our own and from
PyTorch's checkpoints; convergence; invalid hyperparameters."""

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


# --- trajectories against PyTorch -------------------------------------------------------------

# weight_decay and maximize only change the gradient the algorithm sees, so they are
# crossed with the options that change the algorithm as a pair, not one by one.
PENALTIES = [{}, {"weight_decay": 0.1, "maximize": True}]

TRAJECTORY_CASES = [
    ("SGD", {"lr": 0.05}),
    *[
        ("SGD", {"lr": 0.05, **options, **penalties})
        for options in [
            {"momentum": 0.9},
            {"momentum": 0.9, "nesterov": True},
            {"momentum": 0.8, "dampening": 0.5},
        ]
        for penalties in PENALTIES
    ],
    ("SGD", {"lr": 0.05, "weight_decay": 0.1}),
    ("SGD", {"lr": 0.05, "maximize": True}),
    *[
        ("Adam", {"lr": 0.05, **options, **penalties})
        for options in product(amsgrad=[False, True], decoupled_weight_decay=[False, True])
        for penalties in PENALTIES
    ],
    ("Adam", {}),
    ("Adam", {"lr": 0.02, "betas": (0.3, 0.5), "eps": 1e-3}),
    *[("AdamW", {"lr": 0.05, **options}) for options in product(amsgrad=[False, True])],
    ("AdamW", {"lr": 0.05, "weight_decay": 0.5, "maximize": True}),
    ("AdamW", {"lr": 0.05, "weight_decay": 0}),
]


@pytest.mark.parametrize(("name", "kwargs"), TRAJECTORY_CASES)
def test_trajectory_matches_torch(name: str, kwargs: dict[str, Any]) -> None:
    compare_trajectories(name, kwargs)


GROUP_CASES = [
    ("SGD", {"lr": 0.05}, {"lr": 0.02, "momentum": 0.9, "nesterov": True, "weight_decay": 0.1}),
    ("Adam", {"lr": 0.05}, {"lr": 0.01, "amsgrad": True, "betas": (0.8, 0.9)}),
    ("AdamW", {"lr": 0.05}, {"lr": 0.01, "weight_decay": 0.3, "maximize": True}),
]


@pytest.mark.parametrize(("name", "kwargs", "extra"), GROUP_CASES)
def test_two_groups_match_torch(name: str, kwargs: dict[str, Any], extra: dict[str, Any]) -> None:
    compare_trajectories(name, kwargs, groups=two_groups(extra))


FLOAT64_CASES = [
    ("SGD", {"lr": 0.05, "momentum": 0.9, "nesterov": True, "weight_decay": 0.1}),
    ("SGD", {"lr": 0.05, "momentum": 0.8, "dampening": 0.5, "maximize": True}),
    ("Adam", {"lr": 0.05, "amsgrad": True, "weight_decay": 0.1}),
    ("AdamW", {"lr": 0.05, "amsgrad": True, "maximize": True}),
]


@pytest.mark.parametrize(("name", "kwargs"), FLOAT64_CASES)
def test_float64_matches_torch(name: str, kwargs: dict[str, Any]) -> None:
    compare_trajectories(name, kwargs, dtype="float64", atol=1e-12, rtol=1e-10)


@pytest.mark.parametrize(("name", "kwargs"), FLOAT64_CASES)
def test_closure_matches_torch(name: str, kwargs: dict[str, Any]) -> None:
    compare_trajectories(name, kwargs, steps=5, closure=True)


@pytest.mark.parametrize(("name", "kwargs"), FLOAT64_CASES)
def test_scalar_parameter_matches_torch(name: str, kwargs: dict[str, Any]) -> None:
    check_scalar_parameter(name, kwargs)


def test_sgd_leaves_the_gradient_alone() -> None:
    # maximize and weight decay make a new array: .grad is what backward left
    w = nr.tensor([1.0, -2.0], requires_grad=True)
    optimizer = nr.optim.SGD([w], lr=0.1, momentum=0.9, weight_decay=0.1, maximize=True)
    (w * w).sum().backward()
    optimizer.step()
    optimizer.step()
    assert w.grad.tolist() == [2.0, -4.0]


# --- checkpoints ------------------------------------------------------------------------------

RESUME_CASES = [
    ("SGD", {"lr": 0.05, "momentum": 0.9, "nesterov": True, "weight_decay": 0.1}),
    ("SGD", {"lr": 0.05, "momentum": 0.8, "dampening": 0.5}),
    ("Adam", {"lr": 0.05, "amsgrad": True, "weight_decay": 0.1}),
    ("AdamW", {"lr": 0.05, "maximize": True}),
]


@pytest.mark.parametrize(("name", "kwargs"), RESUME_CASES)
def test_resume_is_bit_for_bit(name: str, kwargs: dict[str, Any]) -> None:
    check_resume(name, kwargs)


@pytest.mark.parametrize(("name", "kwargs"), RESUME_CASES)
def test_resume_from_torch_state_dict(name: str, kwargs: dict[str, Any]) -> None:
    check_resume_from_torch(name, kwargs)


@pytest.mark.parametrize(
    ("name", "kwargs"), [*RESUME_CASES, ("SGD", {}), ("Adam", {}), ("AdamW", {"amsgrad": True})]
)
def test_state_dict_layout_matches_torch(name: str, kwargs: dict[str, Any]) -> None:
    check_state_dict_layout(name, kwargs)


def test_adamw_stays_decoupled_after_loading_an_adam_checkpoint() -> None:
    w = nr.ones(2, requires_grad=True)
    saved = nr.optim.Adam([w]).state_dict()
    optimizer = nr.optim.AdamW([w])
    optimizer.load_state_dict(saved)
    assert optimizer.param_groups[0]["decoupled_weight_decay"] is True


# --- convergence ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "kwargs", "steps"),
    [
        ("SGD", {"lr": 0.2}, 200),
        ("SGD", {"lr": 0.05, "momentum": 0.9, "nesterov": True}, 150),
        ("Adam", {"lr": 0.05}, 400),
        ("AdamW", {"lr": 0.05, "weight_decay": 0, "amsgrad": True}, 400),
    ],
)
def test_converges_to_least_squares_solution(name: str, kwargs: dict[str, Any], steps: int) -> None:
    assert least_squares_distance(name, kwargs, steps) < 1e-4


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("SGD", {"lr": 1e-3, "momentum": 0.9}),
        ("Adam", {"lr": 0.05}),
        ("AdamW", {"lr": 0.05}),
    ],
)
def test_makes_progress_on_rosenbrock(name: str, kwargs: dict[str, Any]) -> None:
    assert rosenbrock_progress(name, kwargs, steps=200) < 0.2


# --- invalid hyperparameters and unsupported implementations ----------------------------------

ERROR_CASES = [
    ("SGD", {"lr": -0.1}, "Invalid learning rate: -0.1"),
    ("SGD", {"momentum": -0.5}, "Invalid momentum value: -0.5"),
    ("SGD", {"weight_decay": -1}, "Invalid weight_decay value: -1"),
    ("SGD", {"nesterov": True}, "Nesterov momentum requires a momentum and zero dampening"),
    (
        "SGD",
        {"nesterov": True, "momentum": 0.9, "dampening": 0.1},
        "Nesterov momentum requires a momentum and zero dampening",
    ),
    *[
        (name, kwargs, message)
        for name in ("Adam", "AdamW")
        for kwargs, message in [
            ({"lr": -1.0}, "Invalid learning rate: -1.0"),
            ({"eps": -1e-8}, "Invalid epsilon value: -1e-08"),
            ({"betas": (1.0, 0.999)}, "Invalid beta parameter at index 0: 1.0"),
            ({"betas": (0.9, -0.1)}, "Invalid beta parameter at index 1: -0.1"),
            ({"weight_decay": -0.1}, "Invalid weight_decay value: -0.1"),
        ]
    ],
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
        ("SGD", "differentiable"),
        ("SGD", "fused"),
        *[(name, flag) for name in ("Adam", "AdamW") for flag in ("capturable", "differentiable")],
        ("Adam", "fused"),
        ("AdamW", "fused"),
    ],
)
def test_unsupported_implementations_are_refused(name: str, flag: str) -> None:
    with pytest.raises(NotImplementedError, match=f"{name}: {flag}=True is not supported"):
        getattr(nr.optim, name)([nr.zeros(1)], **{flag: True})


@pytest.mark.parametrize("name", ["SGD", "Adam", "AdamW"])
def test_foreach_is_accepted_and_a_tensor_lr_works(name: str) -> None:
    compare_trajectories(name, {"lr": 0.05, "foreach": True}, steps=3)
    w = nr.ones(2, requires_grad=True)
    optimizer = getattr(nr.optim, name)([w], lr=nr.tensor(0.5))
    (w * w).sum().backward()
    optimizer.step()
    assert (w.detach().numpy() < 1).all()
    with pytest.raises(ValueError, match="Tensor lr must be 1-element"):
        getattr(nr.optim, name)([w], lr=nr.ones(2))


@pytest.mark.parametrize("name", ["SGD", "Adam", "AdamW"])
def test_signature_and_defaults_match_torch(name: str) -> None:
    ours, theirs = getattr(nr.optim, name), getattr(torch.optim, name)
    assert parameters(ours) == parameters(theirs)
    assert ours([nr.zeros(1)]).defaults == theirs([torch.zeros(1)]).defaults
