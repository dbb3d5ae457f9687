"""LAMB against a NumPy reference written here from the paper's equations (You et al.,
2019, Algorithm 2), independently of neurarust's implementation; the trust ratio's
properties; checkpoints; convergence; invalid options."""

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
    rosenbrock_progress,
    run_steps,
    two_groups,
)

torch = pytest.importorskip("torch")


class ReferenceLAMB(torch.optim.Optimizer):
    """LAMB in NumPy, line by line from Algorithm 2 of the paper, on torch parameters
    (their ``.numpy()`` views are updated in place), so it stands in for a torch class.

    For each layer (parameter tensor) x with gradient g at step t:
        m_t = beta1 m_{t-1} + (1 - beta1) g_t            v_t = beta2 v_{t-1} + (1 - beta2) g_t^2
        m^_t = m_t / (1 - beta1^t)                       v^_t = v_t / (1 - beta2^t)
        r_t = m^_t / (sqrt(v^_t) + eps)
        x_{t+1} = x_t - lr * phi(||x_t||) / ||r_t + lambda x_t|| * (r_t + lambda x_t)
    with phi the identity, and the ratio taken as 1 when either norm is 0.
    """

    def __init__(
        self,
        params: Any,
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-6,
        weight_decay: float = 0.0,
        *,
        maximize: bool = False,
    ) -> None:
        defaults = {
            "lr": lr,
            "betas": betas,
            "eps": eps,
            "weight_decay": weight_decay,
            "maximize": maximize,
        }
        super().__init__(params, defaults)

    @torch.no_grad()
    def step(self, closure: Any = None) -> Any:
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            beta1, beta2 = group["betas"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                state = self.state[p]
                if not state:
                    state["step"] = torch.tensor(0.0)
                    state["exp_avg"] = torch.zeros_like(p)
                    state["exp_avg_sq"] = torch.zeros_like(p)
                state["step"] += 1
                t = state["step"].item()
                x, g = p.numpy(), p.grad.numpy()
                if group["maximize"]:
                    g = -g
                m, v = state["exp_avg"].numpy(), state["exp_avg_sq"].numpy()
                m[...] = beta1 * m + (1 - beta1) * g
                v[...] = beta2 * v + (1 - beta2) * g**2
                m_hat = m / (1 - beta1**t)
                v_hat = v / (1 - beta2**t)
                r = m_hat / (np.sqrt(v_hat) + group["eps"])
                u = r + group["weight_decay"] * x
                x_norm, u_norm = np.linalg.norm(x), np.linalg.norm(u)
                trust_ratio = x_norm / u_norm if x_norm > 0 and u_norm > 0 else 1.0
                x -= group["lr"] * trust_ratio * u
        return loss


# --- trajectories against the reference -------------------------------------------------------

# Without weight decay the step does not depend on the scale of r (the trust ratio
# normalizes it away), so the cases with weight decay are those that check the first
# moment's bias correction.
TRAJECTORY_CASES = [
    {},
    {"lr": 0.01},
    {"betas": (0.8, 0.99)},
    {"eps": 1e-2},
    {"weight_decay": 0.1},
    {"maximize": True},
    {"lr": 0.01, "betas": (0.5, 0.9), "eps": 1e-3, "weight_decay": 0.1, "maximize": True},
]


@pytest.mark.parametrize("kwargs", TRAJECTORY_CASES)
def test_trajectory_matches_reference(kwargs: dict[str, Any]) -> None:
    compare_trajectories("LAMB", kwargs, torch_class=ReferenceLAMB)


def test_float64_matches_reference() -> None:
    kwargs = {"lr": 0.02, "betas": (0.8, 0.95), "weight_decay": 0.1}
    compare_trajectories(
        "LAMB", kwargs, dtype="float64", atol=1e-12, rtol=1e-10, torch_class=ReferenceLAMB
    )


def test_two_groups_match_reference() -> None:
    extra = {"lr": 0.02, "weight_decay": 0.1, "betas": (0.8, 0.9)}
    compare_trajectories("LAMB", {"lr": 0.01}, groups=two_groups(extra), torch_class=ReferenceLAMB)


def test_closure_matches_reference() -> None:
    compare_trajectories("LAMB", {"lr": 0.01}, steps=5, closure=True, torch_class=ReferenceLAMB)


# --- the trust ratio --------------------------------------------------------------------------


@pytest.mark.parametrize("weight_decay", [0.0, 0.1])
def test_each_layer_moves_by_lr_times_its_norm(weight_decay: float) -> None:
    params = make_params(nr, initial_values())
    before = [p.detach().numpy().copy() for p in params]
    optimizer = nr.optim.LAMB(params, lr=0.01, weight_decay=weight_decay)
    run_steps(nr, optimizer, params, 1)
    for old, p in zip(before, params):
        moved = np.linalg.norm(p.detach().numpy() - old)
        np.testing.assert_allclose(moved, 0.01 * np.linalg.norm(old), rtol=1e-5)


def test_trust_ratio_is_one_for_a_zero_parameter() -> None:
    # ||w|| = 0: the step is lr * r, Adam's step (sign(g) at the first step).
    w = nr.zeros(3, requires_grad=True)
    optimizer = nr.optim.LAMB([w], lr=0.1)
    (w - nr.tensor([1.0, -2.0, 3.0])).pow(2).sum().backward()
    optimizer.step()
    np.testing.assert_allclose(w.detach().numpy(), [0.1, -0.1, 0.1], rtol=1e-5)


def test_trust_ratio_is_one_for_a_zero_update() -> None:
    # g = 0 and no weight decay: r = 0, so ||u|| = 0 and the parameter stays (no NaN).
    w = nr.tensor([1.0, 2.0], requires_grad=True)
    optimizer = nr.optim.LAMB([w], lr=0.1)
    (w * 0).sum().backward()
    optimizer.step()
    assert w.tolist() == [1.0, 2.0]


# --- checkpoints ------------------------------------------------------------------------------

RESUME_KWARGS = {"lr": 0.01, "betas": (0.8, 0.99), "weight_decay": 0.1}


def test_resume_is_bit_for_bit() -> None:
    check_resume("LAMB", RESUME_KWARGS)


def test_resume_from_reference_state_dict() -> None:
    check_resume_from_torch("LAMB", RESUME_KWARGS, torch_class=ReferenceLAMB)


def test_state_dict_layout_matches_reference() -> None:
    check_state_dict_layout("LAMB", RESUME_KWARGS, torch_class=ReferenceLAMB)


# --- convergence ------------------------------------------------------------------------------


@pytest.mark.parametrize("columns", [None, 2])
def test_converges_to_least_squares_solution(columns: int | None) -> None:
    # Every step moves a layer by lr * ||x||, so the learning rate must decay to converge.
    distance = least_squares_distance("LAMB", {"lr": 0.3}, 300, columns, lr_gamma=0.97)
    assert distance < 1e-4


def test_makes_progress_on_rosenbrock() -> None:
    assert rosenbrock_progress("LAMB", {"lr": 0.05}, steps=200) < 0.2


# --- invalid options --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"lr": -0.1}, "Invalid learning rate: -0.1"),
        ({"eps": -1e-6}, "Invalid epsilon value: -1e-06"),
        ({"betas": (1.0, 0.999)}, "Invalid beta parameter at index 0: 1.0"),
        ({"betas": (0.9, -0.1)}, "Invalid beta parameter at index 1: -0.1"),
        ({"weight_decay": -0.1}, "Invalid weight_decay value: -0.1"),
    ],
)
def test_invalid_options(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        nr.optim.LAMB([nr.zeros(1)], **kwargs)


def test_signature() -> None:
    parameters = list(inspect.signature(nr.optim.LAMB).parameters.values())
    defaults = {p.name: p.default for p in parameters[1:]}
    assert defaults == {
        "lr": 1e-3,
        "betas": (0.9, 0.999),
        "eps": 1e-6,
        "weight_decay": 0.0,
        "maximize": False,
    }
    assert parameters[-1].kind is inspect.Parameter.KEYWORD_ONLY
