"""RMSprop, Adagrad and Adadelta against torch.optim, step by step; resuming from our
own and from PyTorch's checkpoints; convergence; invalid hyperparameters.

The checkpoint and convergence helpers here serve the Adafactor and LAMB tests too.
"""

from __future__ import annotations

import inspect
import itertools
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import neurarust as nr

from .conftest import check_resume, compare_trajectories, initial_values, make_params, run_steps

torch = pytest.importorskip("torch")


def product(**options: list[Any]) -> list[dict[str, Any]]:
    """Every combination of the options, e.g. ``product(a=[0, 1], b=[True])``."""
    return [dict(zip(options, values)) for values in itertools.product(*options.values())]


def two_groups(extra: dict[str, Any]) -> Callable[[list[Any]], list[dict[str, Any]]]:
    """Parameter groups: the first parameter with the defaults, the rest with ``extra``."""
    return lambda params: [{"params": params[:1]}, {"params": params[1:], **extra}]


# --- helpers shared with test_adafactor.py and test_lamb.py -----------------------------------


def to_neurarust(value: Any) -> Any:
    """A torch state dict with its tensors converted to neurarust tensors."""
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
