"""Training diagnostics: see why a model does not learn.

:class:`TrainingMonitor` hooks into an optimizer and records, at every step,
the numbers that tell the usual failures apart:

- the **loss** (flat: learning rate too low or a bug; noisy and rising: too high),
- the **learning rate** of each parameter group (is the schedule what you meant?),
- the **global gradient norm** (spikes: exploding gradients; near zero: vanishing),
- each parameter's **update-to-weight ratio** ``||delta p|| / ||p||``: around 1e-3
  is healthy for most networks; 1e-1 means the weights are being rewritten each
  step, 1e-6 that the layer barely trains.

It warns as soon as the loss or the gradient norm is nan or inf, or the gradient
norm jumps far above its recent median, and :meth:`TrainingMonitor.plot` draws the
curves into a PNG (with matplotlib, an optional dependency).
"""

from __future__ import annotations

import math
import statistics
import warnings
from typing import Any

from ..autograd.grad_mode import no_grad
from ..nn.modules.module import Module
from ..nn.utils.clip_grad import get_total_norm
from ..tensor import Tensor
from .optimizer import Optimizer

__all__ = ["TrainingMonitor"]


class TrainingMonitor:
    """Record loss, learning rates, gradient norm and update ratios of every step.

    Args:
        model: the model whose parameters ``optimizer`` trains (for the names).
        optimizer: the optimizer to watch; its step hooks do the measuring.
        explode_factor: warn when the gradient norm exceeds this many times the
            median of the last ``window`` steps.
        window: how many recent steps the median looks at.

    Call :meth:`log` with each step's loss. ``history`` holds the records:
    ``"loss"``, ``"grad_norm"`` (floats, one a step), ``"lr"`` (one list of group
    learning rates a step) and ``"update_ratio"`` (parameter name -> one float a step).

    Examples:
        >>> import neurarust as nr
        >>> model = nr.nn.Linear(2, 1)
        >>> optimizer = nr.optim.SGD(model.parameters(), lr=0.1)
        >>> monitor = nr.optim.TrainingMonitor(model, optimizer)
        >>> for _ in range(3):
        ...     optimizer.zero_grad()
        ...     loss = (model(nr.ones(4, 2)) - 1).pow(2).mean()
        ...     loss.backward()
        ...     optimizer.step()
        ...     monitor.log(loss)
        >>> len(monitor.history["loss"]), sorted(monitor.history["update_ratio"])
        (3, ['bias', 'weight'])
    """

    def __init__(
        self,
        model: Module,
        optimizer: Optimizer,
        *,
        explode_factor: float = 10.0,
        window: int = 50,
    ) -> None:
        self.explode_factor, self.window = explode_factor, window
        self._names = {id(p): name for name, p in model.named_parameters()}
        self.history: dict[str, Any] = {"loss": [], "lr": [], "grad_norm": [], "update_ratio": {}}
        self._before: dict[int, tuple[Tensor, Tensor]] = {}
        self._handles = [
            optimizer.register_step_pre_hook(self._before_step),
            optimizer.register_step_post_hook(self._after_step),
        ]

    @property
    def steps(self) -> int:
        """How many optimizer steps were recorded."""
        return len(self.history["grad_norm"])

    def log(self, loss: Tensor | float) -> None:
        """Record this step's loss (warns if it is nan or inf)."""
        value = float(loss.item() if isinstance(loss, Tensor) else loss)
        self.history["loss"].append(value)
        if not math.isfinite(value):
            self._warn(f"the loss is {value}")

    def remove(self) -> None:
        """Stop watching the optimizer."""
        for handle in self._handles:
            handle.remove()

    def _before_step(self, optimizer: Optimizer, args: Any, kwargs: Any) -> None:
        params = [p for g in optimizer.param_groups for p in g["params"] if p.grad is not None]
        with no_grad():
            grad_norm = float(get_total_norm([p.grad for p in params]))
            self._before = {id(p): (p, p.detach().clone()) for p in params}
        recent = self.history["grad_norm"][-self.window :]
        self.history["grad_norm"].append(grad_norm)
        self.history["lr"].append([float(g["lr"]) for g in optimizer.param_groups])
        if not math.isfinite(grad_norm):
            self._warn(f"the gradient norm is {grad_norm}")
        elif len(recent) >= 5 and grad_norm > self.explode_factor * statistics.median(recent):
            self._warn(
                f"the gradient norm {grad_norm:.3g} is {grad_norm / statistics.median(recent):.0f}"
                f" times its median over the last {len(recent)} steps (exploding gradients? "
                "try nn.utils.clip_grad_norm_ or a lower learning rate)"
            )

    def _after_step(self, optimizer: Optimizer, args: Any, kwargs: Any) -> None:
        ratios = self.history["update_ratio"]
        with no_grad():
            for key, (param, old) in self._before.items():
                name = self._names.get(key, f"param{len(ratios)}")
                change = float((param - old).norm()) / (float(old.norm()) + 1e-12)
                ratios.setdefault(name, []).append(change)
        self._before = {}

    def _warn(self, problem: str) -> None:
        warnings.warn(
            f"TrainingMonitor: step {self.steps}: {problem}", RuntimeWarning, stacklevel=4
        )

    def plot(self, path: str) -> None:
        """Draw the loss, learning rates, gradient norm and update ratios into ``path``
        (a PNG), one panel each. Needs matplotlib (``pip install matplotlib``)."""
        try:
            import matplotlib

            matplotlib.use("Agg")  # files only: no window, works on servers
            import matplotlib.pyplot as plt
        except ImportError:
            raise ImportError(
                "TrainingMonitor.plot needs matplotlib: pip install matplotlib"
            ) from None
        figure, axes = plt.subplots(2, 2, figsize=(10, 7))
        panels = [
            (axes[0, 0], "loss", {"loss": self.history["loss"]}),
            (axes[0, 1], "learning rate", _columns("group", self.history["lr"])),
            (axes[1, 0], "gradient norm", {"global": self.history["grad_norm"]}),
            (axes[1, 1], "update / weight", self.history["update_ratio"]),
        ]
        for ax, title, curves in panels:
            for label, curve in curves.items():
                ax.plot(range(1, len(curve) + 1), curve, label=label)
            ax.set_title(title)
            ax.set_xlabel("step")
            values = [v for c in curves.values() for v in c]
            if title != "learning rate" and values and all(v > 0 for v in values):
                ax.set_yscale("log")
            if 1 < len(curves) <= 12:
                ax.legend(fontsize="small")
        figure.tight_layout()
        figure.savefig(path, dpi=100)
        plt.close(figure)


def _columns(prefix: str, rows: list[list[float]]) -> dict[str, list[float]]:
    """Per-step rows of values as one named curve per column."""
    width = len(rows[0]) if rows else 0
    return {f"{prefix} {k}": [row[k] for row in rows] for k in range(width)}
