"""Compare the optimizers of ``neurarust.optim`` on the same two problems.

1. **Rosenbrock's valley** ``(1 - a)**2 + 100 (b - a**2)**2`` from (-1.5, 2): a
   curved, badly scaled valley where plain gradient descent crawls.
2. **Digits**: a 64-32-10 perceptron on scikit-learn's 8x8 digits, full-batch
   cross-entropy, the same initial weights for every optimizer.

Each optimizer runs with a learning rate picked for it from a small grid (the
best final loss). The script prints a table of final losses and, with
matplotlib installed, saves the loss curves to ``optimizer_comparison.png``
(``TrainingMonitor`` records them).

Run:  pip install -e ".[examples,plot]" && python examples/compare_optimizers.py
"""

from __future__ import annotations

import sys
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

import neurarust as nr
from neurarust import nn

OPTIMIZERS: dict[str, tuple[Callable[..., nr.optim.Optimizer], list[float]]] = {
    "SGD": (nr.optim.SGD, [1e-4, 1e-3, 1e-2, 0.1, 0.5]),
    "SGD momentum": (lambda p, lr: nr.optim.SGD(p, lr, momentum=0.9), [1e-4, 1e-3, 1e-2, 0.1]),
    "Adam": (nr.optim.Adam, [1e-3, 1e-2, 0.1]),
    "AdamW": (nr.optim.AdamW, [1e-3, 1e-2, 0.1]),
    "NAdam": (nr.optim.NAdam, [1e-3, 1e-2, 0.1]),
    "RAdam": (nr.optim.RAdam, [1e-3, 1e-2, 0.1]),
    "Adamax": (nr.optim.Adamax, [1e-3, 1e-2, 0.1]),
    "RMSprop": (nr.optim.RMSprop, [1e-4, 1e-3, 1e-2]),
    "Adagrad": (nr.optim.Adagrad, [1e-2, 0.1, 0.5]),
    "Adadelta": (nr.optim.Adadelta, [0.1, 1.0, 10.0]),
    "Adafactor": (nr.optim.Adafactor, [1e-3, 1e-2, 0.1]),
    "LAMB": (nr.optim.LAMB, [1e-3, 1e-2, 0.1]),
}


def rosenbrock_problem() -> tuple[nn.Module, Callable[[nn.Module], nr.Tensor]]:
    """A "model" holding the point (a, b), and its Rosenbrock loss."""
    point = nn.Module()
    point.xy = nn.Parameter(nr.tensor([-1.5, 2.0]))

    def loss(model: nn.Module) -> nr.Tensor:
        a, b = model.xy[0], model.xy[1]
        return (1 - a) ** 2 + 100 * (b - a**2) ** 2

    return point, loss


def digits_problem() -> tuple[nn.Module, Callable[[nn.Module], nr.Tensor]]:
    """A perceptron (seeded, so every optimizer starts from the same weights) and its
    full-batch cross-entropy on the 1,797 digits."""
    from sklearn.datasets import load_digits

    digits = load_digits()
    x = nr.from_numpy((digits.data / 16.0).astype(np.float32))
    y = nr.from_numpy(digits.target.astype(np.int64))
    nr.manual_seed(0)
    model = nn.Sequential(nn.Linear(64, 32), nn.Tanh(), nn.Linear(32, 10))

    def loss(model: nn.Module) -> nr.Tensor:
        return nn.functional.cross_entropy(model(x), y)

    return model, loss


def train(problem: Callable[[], Any], make: Callable[..., Any], lr: float, steps: int) -> Any:
    """``steps`` full-batch steps; the monitor holding the loss curve."""
    model, loss_fn = problem()
    optimizer = make(model.parameters(), lr)
    monitor = nr.optim.TrainingMonitor(model, optimizer)
    for _ in range(steps):
        optimizer.zero_grad()
        loss = loss_fn(model)
        loss.backward()
        optimizer.step()
        monitor.log(loss)
    return monitor


def best_run(problem: Callable[[], Any], make: Callable[..., Any], lrs: list[float], steps: int):
    """The (final loss, lr, monitor) of the learning rate that ends lowest."""
    runs = []
    for lr in lrs:
        with warnings.catch_warnings():  # a sweep tries rates that diverge on purpose
            warnings.simplefilter("ignore", RuntimeWarning)
            monitor = train(problem, make, lr, steps)
        final = monitor.history["loss"][-1]
        runs.append((final if np.isfinite(final) else np.inf, lr, monitor))
    return min(runs, key=lambda run: run[0])


def main(steps: int = 300, plot: str | None = "optimizer_comparison.png") -> dict[str, Any]:
    problems = {"Rosenbrock": rosenbrock_problem, "Digits MLP": digits_problem}
    results: dict[str, dict[str, Any]] = {name: {} for name in problems}
    print(f"{'optimizer':<14}" + "".join(f"{p:>26}" for p in problems))
    for name, (make, lrs) in OPTIMIZERS.items():
        row = f"{name:<14}"
        for problem_name, problem in problems.items():
            final, lr, monitor = best_run(problem, make, lrs, steps)
            results[problem_name][name] = (final, lr, monitor.history["loss"])
            row += f"{final:>16.3g} (lr {lr:g})"
        print(row)
    if plot:
        save_plot(results, plot)
    return results


def save_plot(results: dict[str, dict[str, Any]], path: str) -> None:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("(pip install matplotlib to save the loss curves)", file=sys.stderr)
        return
    figure, axes = plt.subplots(1, len(results), figsize=(12, 4.5))
    for ax, (problem, runs) in zip(axes, results.items()):
        ax.set_prop_cycle(color=plt.cm.tab20(np.linspace(0, 1, len(runs))))  # a color each
        for name, (_, lr, losses) in runs.items():
            ax.plot(losses, label=f"{name} ({lr:g})")
        ax.set_yscale("log")
        ax.set_title(problem)
        ax.set_xlabel("step")
        ax.set_ylabel("loss")
    axes[-1].legend(fontsize="small", ncol=2)
    figure.tight_layout()
    figure.savefig(path, dpi=90)
    print(f"saved {path}")


if __name__ == "__main__":
    main()
