"""The L1 penalty and the parameter groups built from a model."""

from __future__ import annotations

import numpy as np
import pytest

import neurarust as nr


def test_l1_penalty_value_and_gradient_match_numpy() -> None:
    rng = np.random.default_rng(0)
    arrays = [rng.standard_normal(s) for s in [(3, 2), (4,)]]
    params = [nr.tensor(a, requires_grad=True) for a in arrays]
    penalty = nr.optim.l1_penalty(params)
    np.testing.assert_allclose(penalty.item(), sum(np.abs(a).sum() for a in arrays))
    penalty.backward()
    for p, a in zip(params, arrays):
        np.testing.assert_array_equal(p.grad.numpy(), np.sign(a))
    assert nr.optim.l1_penalty([]).item() == 0.0


def _model() -> nr.nn.Module:
    nr.manual_seed(0)
    return nr.nn.Sequential(
        nr.nn.Conv2d(1, 2, 3),
        nr.nn.BatchNorm2d(2),
        nr.nn.Sequential(nr.nn.Flatten(), nr.nn.Linear(8, 3)),
        nr.nn.LayerNorm(3),
    )


def test_param_groups_decay_weights_but_not_biases_or_norms() -> None:
    model = _model()
    groups = nr.optim.param_groups(model, weight_decay=0.05)
    decayed = {id(p) for g in groups if g["weight_decay"] == 0.05 for p in g["params"]}
    names = {id(p): n for n, p in model.named_parameters()}
    assert sorted(names[i] for i in decayed) == ["0.weight", "2.1.weight"]
    every = [id(p) for g in groups for p in g["params"]]
    assert sorted(every) == sorted(names) and len(every) == len(set(every))
    assert all("lr" not in g for g in groups)


def test_param_groups_layer_decay_scales_lr_by_depth() -> None:
    model = _model()
    groups = nr.optim.param_groups(model, weight_decay=0.0, lr=1.0, layer_decay=0.5)
    lr_of = {id(p): g["lr"] for g in groups for p in g["params"]}
    expected = {"0": 0.125, "1": 0.25, "2": 0.5, "3": 1.0}  # 4 layers, the last at lr
    for name, p in model.named_parameters():
        assert lr_of[id(p)] == expected[name.split(".")[0]], name


def test_param_groups_skip_frozen_parameters_and_feed_an_optimizer() -> None:
    model = _model()
    model[0].weight.requires_grad_(False)
    groups = nr.optim.param_groups(model, weight_decay=0.1, lr=0.01)
    assert all(p is not model[0].weight for g in groups for p in g["params"])
    optimizer = nr.optim.SGD(groups, lr=0.01)
    assert len(optimizer.param_groups) == len(groups)


def test_param_groups_layer_decay_needs_lr() -> None:
    with pytest.raises(ValueError, match="layer_decay needs lr"):
        nr.optim.param_groups(_model(), weight_decay=0.1, layer_decay=0.9)
