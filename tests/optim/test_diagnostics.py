"""TrainingMonitor: what it records equals what the step did; it warns on trouble."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

import neurarust as nr


def _setup(lr: float = 0.1) -> tuple[nr.nn.Module, nr.optim.Optimizer, nr.optim.TrainingMonitor]:
    nr.manual_seed(0)
    model = nr.nn.Sequential(nr.nn.Linear(3, 4), nr.nn.Tanh(), nr.nn.Linear(4, 1))
    optimizer = nr.optim.SGD(model.parameters(), lr=lr)
    return model, optimizer, nr.optim.TrainingMonitor(model, optimizer)


def _train(model, optimizer, monitor, steps: int, grad_scale=lambda step: 1.0) -> None:
    x, y = nr.ones(8, 3), nr.zeros(8, 1)
    for step in range(steps):
        optimizer.zero_grad()
        loss = nr.nn.functional.mse_loss(model(x), y + step * 0.01)
        (loss * grad_scale(step)).backward()
        optimizer.step()
        monitor.log(loss)


def test_records_match_the_step_that_was_taken() -> None:
    model, optimizer, monitor = _setup(lr=0.1)
    x, y = nr.ones(8, 3), nr.zeros(8, 1)
    before = {n: p.detach().numpy().copy() for n, p in model.named_parameters()}
    optimizer.zero_grad()
    loss = nr.nn.functional.mse_loss(model(x), y)
    loss.backward()
    grads = {n: p.grad.numpy().copy() for n, p in model.named_parameters()}
    optimizer.step()
    monitor.log(loss)

    assert monitor.history["loss"] == [loss.item()]
    assert monitor.history["lr"] == [[0.1]]
    expected_norm = np.sqrt(sum((g.astype(np.float64) ** 2).sum() for g in grads.values()))
    np.testing.assert_allclose(monitor.history["grad_norm"], [expected_norm], rtol=1e-5)
    for name, ratios in monitor.history["update_ratio"].items():
        # SGD moves each parameter by lr * grad
        expected = 0.1 * np.linalg.norm(grads[name]) / np.linalg.norm(before[name])
        np.testing.assert_allclose(ratios, [expected], rtol=1e-4, err_msg=name)
    assert sorted(monitor.history["update_ratio"]) == sorted(before)


def test_warns_on_an_exploding_gradient_and_a_nan_loss() -> None:
    model, optimizer, monitor = _setup(lr=1e-4)
    with pytest.warns(RuntimeWarning, match="step 10: the gradient norm .* times its median"):
        _train(model, optimizer, monitor, 10, grad_scale=lambda step: 1e4 if step == 9 else 1.0)
    with pytest.warns(RuntimeWarning, match="the loss is nan"):
        monitor.log(float("nan"))


def test_remove_stops_recording() -> None:
    model, optimizer, monitor = _setup()
    _train(model, optimizer, monitor, 2)
    monitor.remove()
    _train(model, optimizer, monitor, 2)
    assert monitor.steps == 2


def test_plot_writes_a_png(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    model, optimizer, monitor = _setup()
    _train(model, optimizer, monitor, 5)
    path = tmp_path / "training.png"
    monitor.plot(str(path))
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_plot_without_matplotlib_names_the_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    _, _, monitor = _setup()
    with pytest.raises(ImportError, match="pip install matplotlib"):
        monitor.plot("unused.png")
