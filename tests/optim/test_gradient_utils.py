"""Gradient utilities of nn.utils (clipping, parameters as a vector) against PyTorch,
and gradient accumulation over micro-batches."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

import neurarust as nr

torch = pytest.importorskip("torch")

rng = np.random.default_rng(0)
GRADS = [rng.standard_normal(s).astype(np.float32) for s in [(3, 4), (5,), (2, 2, 2)]]


def _params_with_grads(lib: Any, grads: list[np.ndarray]) -> list[Any]:
    params = []
    for g in grads:
        p = lib.zeros(g.shape, requires_grad=True)
        p.grad = lib.tensor(g.copy())
        params.append(p)
    return params


@pytest.mark.parametrize("norm_type", [2.0, 1.0, math.inf, 3.0, 0.5])
@pytest.mark.parametrize("max_norm", [0.5, 100.0])
def test_clip_grad_norm_matches_torch(norm_type: float, max_norm: float) -> None:
    ours, theirs = _params_with_grads(nr, GRADS), _params_with_grads(torch, GRADS)
    total = nr.nn.utils.clip_grad_norm_(ours, max_norm, norm_type)
    expected = torch.nn.utils.clip_grad_norm_(theirs, max_norm, norm_type)
    np.testing.assert_allclose(total.numpy(), expected.numpy(), rtol=1e-6)
    assert total.dtype == nr.float32 and total.shape == ()
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=1e-6, atol=1e-7)


def test_clip_grad_norm_accepts_one_tensor_and_skips_missing_grads() -> None:
    p, q = nr.zeros(2, requires_grad=True), nr.zeros(2, requires_grad=True)
    p.grad = nr.tensor([3.0, 4.0])
    assert float(nr.nn.utils.clip_grad_norm_(p, 1.0)) == 5.0
    assert float(nr.nn.utils.clip_grad_norm_([q], 1.0)) == 0.0
    assert q.grad is None


def test_clip_grad_norm_nonfinite() -> None:
    p = nr.zeros(2, requires_grad=True)
    p.grad = nr.tensor([1.0, float("inf")])
    with pytest.raises(RuntimeError, match="total norm of order 2.0 .* is non-finite"):
        nr.nn.utils.clip_grad_norm_([p], 1.0, error_if_nonfinite=True)
    assert p.grad.tolist() == [1.0, float("inf")]  # nothing changed
    assert math.isinf(float(nr.nn.utils.clip_grad_norm_([p], 1.0)))


def test_get_total_norm_and_clip_grads_with_norm_match_torch() -> None:
    ours, theirs = _params_with_grads(nr, GRADS), _params_with_grads(torch, GRADS)
    norm = nr.nn.utils.get_total_norm([p.grad for p in ours], 3.0)
    expected = torch.nn.utils.get_total_norm([p.grad for p in theirs], 3.0)
    np.testing.assert_allclose(norm.numpy(), expected.numpy(), rtol=1e-6)
    nr.nn.utils.clip_grads_with_norm_(ours, 1.0, norm)
    torch.nn.utils.clip_grads_with_norm_(theirs, 1.0, expected)
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=1e-6)


def test_clip_grad_value_matches_torch() -> None:
    ours, theirs = _params_with_grads(nr, GRADS), _params_with_grads(torch, GRADS)
    nr.nn.utils.clip_grad_value_(ours, 0.7)
    torch.nn.utils.clip_grad_value_(theirs, 0.7)
    for a, b in zip(ours, theirs):
        np.testing.assert_array_equal(a.grad.numpy(), b.grad.numpy())


def test_parameters_to_vector_round_trip_matches_torch() -> None:
    theirs = torch.nn.Linear(3, 2)
    ours = nr.nn.Linear(3, 2)
    ours.load_state_dict({k: nr.from_numpy(v.numpy()) for k, v in theirs.state_dict().items()})
    vec = nr.nn.utils.parameters_to_vector(ours.parameters())
    expected = torch.nn.utils.parameters_to_vector(theirs.parameters())
    np.testing.assert_array_equal(vec.detach().numpy(), expected.detach().numpy())
    assert vec.requires_grad  # differentiable: gradients flow back to the parameters
    (vec * vec).sum().backward()
    np.testing.assert_allclose(ours.weight.grad.numpy(), 2 * ours.weight.detach().numpy())

    new = np.arange(8, dtype=np.float32)
    nr.nn.utils.vector_to_parameters(nr.from_numpy(new), ours.parameters())
    torch.nn.utils.vector_to_parameters(torch.from_numpy(new), theirs.parameters())
    for (name, a), b in zip(ours.named_parameters(), theirs.parameters()):
        np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy(), err_msg=name)


def test_vector_to_parameters_errors() -> None:
    layer = nr.nn.Linear(3, 2)
    with pytest.raises(TypeError, match="expected neurarust.Tensor, but got: list"):
        nr.nn.utils.vector_to_parameters([0.0] * 8, layer.parameters())
    with pytest.raises(ValueError, match=r"expected a vector of 8 elements .* got shape \(7,\)"):
        nr.nn.utils.vector_to_parameters(nr.zeros(7), layer.parameters())


def test_gradient_accumulation_equals_one_big_batch() -> None:
    """Four micro-batches of 2, each loss divided by 4, accumulate the gradient of the
    mean loss over the batch of 8 (the recipe of the training guide)."""
    x = nr.from_numpy(rng.standard_normal((8, 3)).astype(np.float32))
    y = nr.from_numpy(rng.standard_normal((8, 1)).astype(np.float32))
    nr.manual_seed(0)
    model = nr.nn.Sequential(nr.nn.Linear(3, 4), nr.nn.Tanh(), nr.nn.Linear(4, 1))

    nr.nn.functional.mse_loss(model(x), y).backward()
    big_batch = [p.grad.clone() for p in model.parameters()]

    model.zero_grad()
    for xs, ys in zip(x.split(2), y.split(2)):
        (nr.nn.functional.mse_loss(model(xs), ys) / 4).backward()
    for p, expected in zip(model.parameters(), big_batch):
        np.testing.assert_allclose(p.grad.numpy(), expected.numpy(), rtol=1e-5, atol=1e-7)
