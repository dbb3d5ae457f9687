"""L-BFGS (``torch.optim.LBFGS``): a quasi-Newton method that approximates the inverse
Hessian from the last few steps and gradient changes, optionally with a strong-Wolfe
line search.

L-BFGS treats all the parameters as ONE flat vector ``x`` (their gradients concatenated
into ``g``), and each :meth:`LBFGS.step` runs several iterations, calling the closure
once or more per iteration. Scalars keep PyTorch's types on purpose: losses are Python
floats, dot products are 0-d values of the parameters' dtype (NumPy scalars or 0-d
arrays), so the arithmetic rounds as PyTorch's does.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, NamedTuple

from ..tensor import Tensor
from ._update import _check_lr, _new_state
from .optimizer import Optimizer

__all__ = ["LBFGS"]

_ONE_GROUP_ONLY = "LBFGS doesn't support per-parameter options (parameter groups)"


class LBFGS(Optimizer):
    """L-BFGS, limited-memory BFGS (as ``torch.optim.LBFGS``, after minFunc).

    ``step(closure)`` runs up to ``max_iter`` iterations (and ``max_eval`` closure calls)
    on the vector ``x`` of all parameters, with ``g`` its gradient and ``f`` the loss::

        stop if max|g| <= tolerance_grad
        s = x - x_prev,  y = g - g_prev        remembered if y.s > 1e-10 (the newest
                                               history_size pairs are kept)
        d = -H g                               two-loop recursion over the pairs (s, y),
                                               starting from H0 = (y.s / y.y) * I
        t = min(1, 1 / sum|g|) * lr            at the very first iteration, lr later
        t = strong_wolfe(f, x, d, t)           if line_search_fn == "strong_wolfe"
        x = x + t * d
        stop if max|t * d| <= tolerance_change or |f - f_prev| < tolerance_change

    Args:
        params: the parameters to optimize (one group only: no per-parameter options).
        lr: learning rate (the step ``t``, or the line search's first trial step).
        max_iter: iterations per ``step``.
        max_eval: closure calls per ``step`` (default ``max_iter * 5 // 4``).
        tolerance_grad: stop when the largest gradient entry is this small.
        tolerance_change: stop when the step or the change of the loss is this small.
        history_size: how many (s, y) pairs to remember.
        line_search_fn: ``None`` (fixed step ``t``) or ``"strong_wolfe"``.

    The state, kept for the first parameter (as PyTorch): the counters ``func_evals``
    and ``n_iter``; the last direction ``d`` and step ``t``; the pairs as ``old_stps``
    (the s), ``old_dirs`` (the y) and ``ro`` (the 1 / y.s); ``H_diag``;
    ``prev_flat_grad`` and ``prev_loss``; ``al`` (the two-loop's coefficients).

    Examples:
        >>> import neurarust as nr
        >>> w = nr.tensor([0.0, 1.0], requires_grad=True)
        >>> opt = nr.optim.LBFGS([w], line_search_fn="strong_wolfe")
        >>> def closure():
        ...     opt.zero_grad()
        ...     loss = ((w - 3) ** 2).sum()
        ...     loss.backward()
        ...     return loss
        >>> float(opt.step(closure))  # the loss before the step
        13.0
        >>> [round(v, 4) for v in w.tolist()]
        [3.0, 3.0]
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float | Tensor = 1,
        max_iter: int = 20,
        max_eval: int | None = None,
        tolerance_grad: float = 1e-7,
        tolerance_change: float = 1e-9,
        history_size: int = 100,
        line_search_fn: str | None = None,
    ) -> None:
        _check_lr(lr)
        if max_eval is None:
            max_eval = max_iter * 5 // 4
        defaults = {
            "lr": lr,
            "max_iter": max_iter,
            "max_eval": max_eval,
            "tolerance_grad": tolerance_grad,
            "tolerance_change": tolerance_change,
            "history_size": history_size,
            "line_search_fn": line_search_fn,
        }
        super().__init__(params, defaults)
        if len(self.param_groups) != 1:
            raise ValueError(_ONE_GROUP_ONLY)

    def step(self, closure: Callable[[], Any]) -> Any:  # type: ignore[override]
        """Run up to ``max_iter`` iterations; returns the loss the first ``closure()``
        call gave. The closure is required: it zeroes the gradients, recomputes the
        loss, calls ``backward`` and returns the loss."""
        group = self._group()
        if closure is None:
            raise TypeError(
                "LBFGS.step: a closure that reevaluates the model and returns the loss "
                "is required, but got None"
            )
        params, xp = group["params"], group["params"][0].backend.xp
        lr = float(group["lr"]) if isinstance(group["lr"], Tensor) else group["lr"]
        max_iter, max_eval = group["max_iter"], group["max_eval"]
        tolerance_grad, tolerance_change = group["tolerance_grad"], group["tolerance_change"]
        state = self.state[params[0]]
        state.setdefault("func_evals", 0)
        state.setdefault("n_iter", 0)

        first_loss = self._evaluate(closure)
        loss, flat_grad = float(first_loss), self._flat_grad()
        evals = 1
        state["func_evals"] += 1
        if xp.abs(flat_grad).max() <= tolerance_grad:
            return first_loss

        memory = _Memory(state, group["history_size"])
        for n_iter in range(1, max_iter + 1):
            state["n_iter"] += 1
            memory.update_direction(xp, flat_grad, first=state["n_iter"] == 1)
            memory.prev_flat_grad, memory.prev_loss = flat_grad, loss
            d = memory.d
            if state["n_iter"] == 1:
                memory.t = min(1.0, 1.0 / xp.abs(flat_grad).sum()) * lr
            else:
                memory.t = lr
            gtd = flat_grad.dot(d)  # the slope of the loss along d
            if gtd > -tolerance_change:
                break

            if group["line_search_fn"] is not None:
                probe, start = self._probe(closure, d), _Trial(0, loss, flat_grad, gtd)
                max_ls = max_eval - evals
                loss, flat_grad, memory.t, new_evals = _strong_wolfe(
                    probe, xp, d, start, memory.t, tolerance_change, max_ls
                )
                self._move(memory.t, d)
            else:
                self._move(memory.t, d)
                new_evals = 0
                if n_iter != max_iter:  # the last iteration's loss would go unused
                    loss, flat_grad = float(self._evaluate(closure)), self._flat_grad()
                    new_evals = 1
            evals += new_evals
            state["func_evals"] += new_evals

            if n_iter == max_iter or evals >= max_eval:
                break
            if xp.abs(flat_grad).max() <= tolerance_grad:
                break
            if xp.abs(d * memory.t).max() <= tolerance_change:  # no more progress
                break
            if abs(loss - memory.prev_loss) < tolerance_change:
                break

        memory.save(state, params[0])
        return first_loss

    def _group(self) -> dict[str, Any]:
        """The one parameter group, after checking the options a step needs."""
        if len(self.param_groups) != 1:
            raise ValueError(_ONE_GROUP_ONLY)
        group = self.param_groups[0]
        if group["line_search_fn"] not in (None, "strong_wolfe"):
            raise RuntimeError(
                "LBFGS: only 'strong_wolfe' is supported as line_search_fn, "
                f"but got {group['line_search_fn']!r}"
            )
        return group

    # --- the parameters as one flat vector -------------------------------------------------

    def _flat_grad(self) -> Any:
        """The gradients of all parameters in one vector (zeros for a missing grad)."""
        params = self.param_groups[0]["params"]
        xp = params[0].backend.xp
        return xp.concatenate(
            [
                xp.zeros(p._data.size, p._data.dtype) if p.grad is None else p.grad._data.ravel()
                for p in params
            ]
        )

    def _move(self, t: Any, d: Any) -> None:
        """``x = x + t * d``, in place on each parameter's array."""
        offset = 0
        for p in self.param_groups[0]["params"]:
            size = p._data.size
            p._data += t * d[offset : offset + size].reshape(p._data.shape)
            p._version[0] += 1
            offset += size

    def _probe(self, closure: Callable[[], Any], d: Any) -> Callable[[Any], _Trial]:
        """The line search's probe: ``probe(t)`` evaluates the loss and gradient at
        ``x + t * d`` and puts the parameters back at ``x``."""
        params = self.param_groups[0]["params"]

        def probe(t: Any) -> _Trial:
            saved = [p._data.copy() for p in params]
            self._move(t, d)
            loss, flat_grad = float(self._evaluate(closure)), self._flat_grad()
            for p, data in zip(params, saved):
                p._data[...] = data
                p._version[0] += 1
            return _Trial(t, loss, flat_grad, flat_grad.dot(d))

        return probe


# --- the memory: curvature pairs and the two-loop recursion -------------------------------


class _Memory:
    """What L-BFGS carries from one iteration (and one step) to the next, as backend
    arrays and scalars; read from and written back to the optimizer's state."""

    def __init__(self, state: dict[str, Any], history_size: int) -> None:
        self.history_size = history_size
        self.d = _unwrap(state.get("d"))
        self.t = _unwrap(state.get("t"))
        self.old_dirs = _unwrap(state.get("old_dirs"))  # the y = g - g_prev
        self.old_stps = _unwrap(state.get("old_stps"))  # the s = x - x_prev = t * d
        self.ro = _unwrap(state.get("ro"))  # the 1 / y.s
        self.h_diag = _unwrap(state.get("H_diag"))  # H0 = h_diag * identity
        self.prev_flat_grad = _unwrap(state.get("prev_flat_grad"))
        self.prev_loss = _unwrap(state.get("prev_loss"))
        self.al = _unwrap(state.get("al"))

    def save(self, state: dict[str, Any], param: Tensor) -> None:
        """Write the memory into ``state`` as PyTorch keeps it (arrays as Tensors)."""
        values = {
            "al": self.al,
            "d": self.d,
            "t": self.t,
            "old_dirs": self.old_dirs,
            "old_stps": self.old_stps,
            "ro": self.ro,
            "H_diag": self.h_diag,
            "prev_flat_grad": self.prev_flat_grad,
            "prev_loss": self.prev_loss,
        }
        for key, value in values.items():
            if key != "al" or value is not None:  # "al" appears with the first two-loop
                state[key] = _wrap(value, param)

    def update_direction(self, xp: Any, flat_grad: Any, first: bool) -> None:
        """The new search direction ``d``: ``-g`` at the very first iteration (which
        also clears the history), else ``-H g`` after remembering the last pair."""
        if first:
            self.d = -flat_grad
            self.old_dirs, self.old_stps, self.ro, self.h_diag = [], [], [], 1
            return
        self._remember(flat_grad - self.prev_flat_grad, self.d * self.t)
        self.d = self._two_loop(xp, flat_grad)

    def _remember(self, y: Any, s: Any) -> None:
        """Keep the pair (s, y) if the curvature ``y.s`` is positive enough (else the
        Hessian approximation would stop being positive definite)."""
        ys = y.dot(s)
        if ys > 1e-10:
            if len(self.old_dirs) == self.history_size:
                for pairs in (self.old_dirs, self.old_stps, self.ro):
                    pairs.pop(0)
            self.old_dirs.append(y)
            self.old_stps.append(s)
            self.ro.append(1.0 / ys)
            self.h_diag = ys / y.dot(y)

    def _two_loop(self, xp: Any, flat_grad: Any) -> Any:
        """``-H g`` by the two-loop recursion: newest to oldest pair, project out each
        step's component; scale by ``h_diag``; oldest to newest, add it back corrected."""
        if self.al is None:
            self.al = [None] * self.history_size
        al = self.al
        q = -flat_grad
        scratch = xp.empty_like(q)
        for i in reversed(range(len(self.old_dirs))):
            al[i] = self.old_stps[i].dot(q) * self.ro[i]
            q -= xp.multiply(self.old_dirs[i], al[i], out=scratch)
        r = q * self.h_diag
        for i in range(len(self.old_dirs)):
            be_i = self.old_dirs[i].dot(r) * self.ro[i]
            r += xp.multiply(self.old_stps[i], al[i] - be_i, out=scratch)
        return r


def _unwrap(value: Any) -> Any:
    """A state value as the algorithm computes with it: a Tensor's array, lists item by
    item, Python numbers and None as they are."""
    if isinstance(value, Tensor):
        return value._data
    if isinstance(value, list):
        return [_unwrap(v) for v in value]
    return value


def _wrap(value: Any, param: Tensor) -> Any:
    """The inverse of :func:`_unwrap`: arrays and array scalars become Tensors on
    ``param``'s device (0-d for scalars, as PyTorch's state holds them)."""
    if value is None or type(value) in (int, float):
        return value
    if isinstance(value, list):
        return [_wrap(v, param) for v in value]
    return _new_state(param, param.backend.xp.asarray(value))


# --- the strong-Wolfe line search ----------------------------------------------------------


class _Trial(NamedTuple):
    """One evaluation on the line ``x + t * d``: the step, the loss, the flat gradient
    and the slope ``gtd = g.d`` of the loss along ``d``."""

    t: Any
    f: float
    g: Any
    gtd: Any


def _strong_wolfe(
    probe: Callable[[Any], _Trial],
    xp: Any,
    d: Any,
    start: _Trial,
    t: Any,
    tolerance_change: float,
    max_ls: int,
    c1: float = 1e-4,
    c2: float = 0.9,
) -> tuple[float, Any, Any, int]:
    """A step ``t`` along ``d`` satisfying the strong Wolfe conditions (after minFunc):

        sufficient decrease:  f(t) <= f(0) + c1 * t * f'(0)
        curvature:            |f'(t)| <= -c2 * f'(0)

    First it grows ``t`` (cubic extrapolation) until a trial satisfies both or an
    interval ``[lo, hi]`` must hold such a point; then it shrinks the interval (zoom,
    cubic interpolation). At most ``max_ls`` closure calls after the first.

    Returns the loss, flat gradient and step of the best trial, and the closure calls.
    """
    f0, slope0 = start.f, start.gtd

    def too_high(trial: _Trial) -> bool:
        return bool(trial.f > f0 + c1 * trial.t * slope0)

    def flat_enough(trial: _Trial) -> bool:
        return bool(abs(trial.gtd) <= -c2 * slope0)

    d_norm = xp.abs(d).max()
    # bracketing: extrapolate until a trial is good enough or the minimum is bracketed
    prev, new = start, probe(t)
    evals, ls_iter, done = 1, 0, False
    while ls_iter < max_ls:
        if too_high(new) or (ls_iter > 1 and new.f >= prev.f):
            bracket = [prev, new]
            break
        if flat_enough(new):
            bracket, done = [new], True
            break
        if new.gtd >= 0:  # the loss rises again: the minimum lies between prev and new
            bracket = [prev, new]
            break
        bounds = (new.t + 0.01 * (new.t - prev.t), new.t * 10)
        prev, new = new, probe(_cubic_minimum(xp, prev, new, bounds))
        evals += 1
        ls_iter += 1
    if ls_iter >= max_ls:  # out of evaluations: keep the better of the start and the last
        bracket = [start, new]

    # zoom: shrink the bracket around a point satisfying both conditions
    low, high = (0, 1) if bracket[0].f <= bracket[-1].f else (1, 0)
    stalled = False
    while not done and ls_iter < max_ls:
        if abs(bracket[1].t - bracket[0].t) * d_norm < tolerance_change:
            break
        t, stalled = _away_from_ends(
            _cubic_minimum(xp, bracket[0], bracket[1]), bracket[0].t, bracket[1].t, stalled
        )
        new = probe(t)
        evals += 1
        ls_iter += 1
        if too_high(new) or new.f >= bracket[low].f:
            bracket[high] = new
            low, high = (0, 1) if bracket[0].f <= bracket[1].f else (1, 0)
            continue
        if flat_enough(new):
            done = True
        elif new.gtd * (bracket[high].t - bracket[low].t) >= 0:
            bracket[high] = bracket[low]
        bracket[low] = new

    best = bracket[low]
    return best.f, best.g, best.t, evals


def _cubic_minimum(xp: Any, a: _Trial, b: _Trial, bounds: tuple[Any, Any] | None = None) -> Any:
    """The minimizer of the cubic through two trials (their losses and slopes), clipped
    to ``bounds`` (default: between the two); their midpoint if the cubic has none."""
    if bounds is None:
        bounds = (a.t, b.t) if a.t <= b.t else (b.t, a.t)
    lower, upper = bounds
    d1 = a.gtd + b.gtd - 3 * (a.f - b.f) / (a.t - b.t)
    d2_square = d1 * d1 - a.gtd * b.gtd
    if d2_square >= 0:
        d2 = xp.sqrt(d2_square)
        left, right = (a, b) if a.t <= b.t else (b, a)
        ratio = (right.gtd + d2 - d1) / (right.gtd - left.gtd + 2 * d2)
        return min(max(right.t - (right.t - left.t) * ratio, lower), upper)
    return (lower + upper) / 2.0


def _away_from_ends(t: Any, end_a: Any, end_b: Any, stalled: bool) -> tuple[Any, bool]:
    """Guard the zoom against creeping along one end of the bracket: a trial within 10%
    of the width from an end is moved to that 10% mark if it lies on or past the end,
    or if the previous trial was already that close (then ``stalled`` was True)."""
    lo, hi = min(end_a, end_b), max(end_a, end_b)
    eps = 0.1 * (hi - lo)
    if min(hi - t, t - lo) < eps:
        if stalled or t >= hi or t <= lo:
            return (hi - eps if abs(t - hi) < abs(t - lo) else lo + eps), False
        return t, True
    return t, False
