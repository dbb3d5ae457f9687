"""Learning-rate schedulers against PyTorch's: the same learning rates (and momentums,
for the cyclic ones) step after step, as the same floating-point numbers; state dicts
that resume a schedule exactly and are interchangeable with PyTorch's; the same
warnings and errors.

Every case builds an optimizer with two parameter groups (lr 0.1 and 0.03) and a
scheduler through a factory ``make(L, optimizer)`` that runs unchanged with
``L = neurarust.optim.lr_scheduler`` and ``L = torch.optim.lr_scheduler``.
"""

from __future__ import annotations

import copy
import inspect
import math
import warnings
from collections.abc import Callable
from typing import Any

import pytest

import neurarust as nr

torch = pytest.importorskip("torch")

STEPS = 40
RESUME_AT = 17
Factory = Callable[[Any, Any], Any]


def make_optimizer(lib: Any, kind: str = "sgd") -> Any:
    """SGD with momentum (``kind="sgd"``) or Adam (``"adam"``), two parameter groups."""
    groups = [
        {"params": [lib.zeros(2, requires_grad=True)]},
        {"params": [lib.zeros(3, requires_grad=True)], "lr": 0.03},
    ]
    if kind == "sgd":
        return lib.optim.SGD(groups, lr=0.1, momentum=0.9)
    return lib.optim.Adam(groups, lr=0.1, betas=(0.9, 0.999))


def lib_of(L: Any) -> Any:
    """The library of the scheduler module ``L``."""
    return nr if L is nr.optim.lr_scheduler else torch


def plain_optimizer(lib: Any) -> Any:
    """An optimizer with neither ``momentum`` nor ``betas`` (its step does nothing)."""

    class Plain(lib.optim.Optimizer):
        def step(self, closure: Any = None) -> None:
            return None

    return Plain([lib.zeros(1, requires_grad=True)], {"lr": 0.1})


def snapshot(optimizer: Any, scheduler: Any) -> tuple[list[Any], ...]:
    """The groups' learning rates and momentums (beta1 for Adam), and get_last_lr()."""
    groups = optimizer.param_groups
    momentums = [g["betas"][0] if "betas" in g else g["momentum"] for g in groups]
    return [g["lr"] for g in groups], momentums, list(scheduler.get_last_lr())


def advance(optimizer: Any, scheduler: Any, steps: int) -> list[tuple[list[Any], ...]]:
    """``steps`` rounds of optimizer.step() then scheduler.step(); the snapshot after each."""
    record = []
    for _ in range(steps):
        optimizer.step()
        scheduler.step()
        record.append(snapshot(optimizer, scheduler))
    return record


def schedule(lib: Any, make: Factory, kind: str) -> list[tuple[list[Any], ...]]:
    """The snapshot after creating the scheduler, then after each of STEPS steps."""
    optimizer = make_optimizer(lib, kind)
    scheduler = make(lib.optim.lr_scheduler, optimizer)
    return [snapshot(optimizer, scheduler)] + advance(optimizer, scheduler, STEPS)


class Warmup:
    """A callable object with state (which a scheduler's state dict saves)."""

    def __init__(self, epochs: int) -> None:
        self.epochs = epochs

    def __call__(self, epoch: int) -> float:
        return min(1.0, (epoch + 1) / self.epochs)


def case(make: Factory, kind: str = "sgd", id: str = "") -> Any:
    return pytest.param(make, kind, id=id)


SCHEDULES = [
    case(lambda L, o: L.LambdaLR(o, lambda e: 0.97**e), id="LambdaLR"),
    case(lambda L, o: L.LambdaLR(o, [lambda e: 1 / (e + 1), Warmup(8)]), id="LambdaLR-per-group"),
    case(lambda L, o: L.MultiplicativeLR(o, lambda e: 0.95), id="MultiplicativeLR"),
    case(
        lambda L, o: L.MultiplicativeLR(o, [lambda e: 0.9, lambda e: 1.0 + 0.01 * (e % 3)]),
        id="MultiplicativeLR-per-group",
    ),
    case(lambda L, o: L.StepLR(o, step_size=7), id="StepLR"),
    case(lambda L, o: L.StepLR(o, step_size=3, gamma=0.7), id="StepLR-gamma"),
    case(lambda L, o: L.MultiStepLR(o, [5, 12, 12, 30], gamma=0.5), id="MultiStepLR"),
    case(lambda L, o: L.ConstantLR(o), id="ConstantLR"),
    case(lambda L, o: L.ConstantLR(o, factor=0.3, total_iters=12), id="ConstantLR-options"),
    case(lambda L, o: L.LinearLR(o), id="LinearLR"),
    case(lambda L, o: L.LinearLR(o, 0.1, 0.9, total_iters=35), id="LinearLR-warmup"),
    case(lambda L, o: L.LinearLR(o, 1.0, 0.05, total_iters=25), id="LinearLR-decay"),
    case(lambda L, o: L.ExponentialLR(o, gamma=0.93), id="ExponentialLR"),
    case(lambda L, o: L.PolynomialLR(o), id="PolynomialLR"),
    case(lambda L, o: L.PolynomialLR(o, total_iters=30, power=2.0), id="PolynomialLR-power2"),
    case(lambda L, o: L.PolynomialLR(o, total_iters=45, power=0.5), id="PolynomialLR-sqrt"),
    case(lambda L, o: L.CosineAnnealingLR(o, T_max=50), id="CosineAnnealingLR"),
    # past T_max the rate climbs back up, through the special case at the bottom
    case(lambda L, o: L.CosineAnnealingLR(o, T_max=9, eta_min=0.002), id="CosineAnnealingLR-2T"),
    case(lambda L, o: L.CosineAnnealingWarmRestarts(o, T_0=6), id="CosineWarmRestarts"),
    case(
        lambda L, o: L.CosineAnnealingWarmRestarts(o, T_0=3, T_mult=2, eta_min=0.001),
        id="CosineWarmRestarts-Tmult",
    ),
    case(lambda L, o: L.CyclicLR(o, 0.01, 0.1, step_size_up=4), id="CyclicLR-triangular"),
    case(
        lambda L, o: L.CyclicLR(o, [0.01, 0.002], [0.1, 0.05], 3, 7, mode="triangular2"),
        id="CyclicLR-triangular2",
    ),
    case(
        lambda L, o: L.CyclicLR(o, 0.01, 0.1, 5, mode="exp_range", gamma=0.97),
        "adam",
        id="CyclicLR-exp_range-adam",
    ),
    case(
        lambda L, o: L.CyclicLR(o, 0.01, 0.1, 4, scale_fn=lambda x: 1 / x, scale_mode="cycle"),
        id="CyclicLR-scale_fn-cycle",
    ),
    case(
        lambda L, o: L.CyclicLR(
            o, 0.01, 0.1, 4, scale_fn=lambda x: 0.99**x, scale_mode="iterations"
        ),
        "adam",
        id="CyclicLR-scale_fn-iterations",
    ),
    case(
        lambda L, o: L.CyclicLR(
            o, 0.01, 0.1, 6, base_momentum=[0.7, 0.8], max_momentum=[0.95, 0.85]
        ),
        id="CyclicLR-momentum-per-group",
    ),
    case(lambda L, o: L.CyclicLR(o, 0.01, 0.1, 4, cycle_momentum=False), id="CyclicLR-no-momentum"),
    case(lambda L, o: L.OneCycleLR(o, max_lr=1.0, total_steps=STEPS), id="OneCycleLR"),
    case(
        lambda L, o: L.OneCycleLR(o, [1.0, 0.5], epochs=5, steps_per_epoch=8, pct_start=0.25),
        "adam",
        id="OneCycleLR-epochs-adam",
    ),
    case(
        lambda L, o: L.OneCycleLR(
            o, 1.0, STEPS, anneal_strategy="linear", div_factor=10.0, final_div_factor=100.0
        ),
        id="OneCycleLR-linear",
    ),
    case(
        lambda L, o: L.OneCycleLR(o, 1.0, STEPS, three_phase=True, base_momentum=[0.8, 0.75]),
        id="OneCycleLR-three-phase",
    ),
    case(
        lambda L, o: L.OneCycleLR(o, 1.0, STEPS, three_phase=True, anneal_strategy="linear"),
        "adam",
        id="OneCycleLR-three-phase-linear-adam",
    ),
    case(
        lambda L, o: L.OneCycleLR(o, 1.0, STEPS + 5, cycle_momentum=False),
        id="OneCycleLR-no-momentum",
    ),
    case(
        lambda L, o: L.SequentialLR(
            o, [L.LinearLR(o, 0.1, total_iters=5), L.CosineAnnealingLR(o, T_max=30)], [5]
        ),
        id="SequentialLR-warmup-cosine",
    ),
    case(
        lambda L, o: L.SequentialLR(
            o,
            [L.ConstantLR(o, 0.5, total_iters=8), L.ExponentialLR(o, 0.9), L.StepLR(o, 4)],
            milestones=[6, 20],
        ),
        id="SequentialLR-three",
    ),
    case(
        lambda L, o: L.SequentialLR(
            o,
            [
                L.ChainedScheduler([L.ConstantLR(o, 0.5, 3), L.ExponentialLR(o, 0.95)]),
                L.MultiStepLR(o, [4, 9]),
            ],
            milestones=[10],
        ),
        id="SequentialLR-nested-chain",
    ),
    case(
        lambda L, o: L.ChainedScheduler([L.ConstantLR(o, 0.25, 6), L.ExponentialLR(o, 0.95)]),
        id="ChainedScheduler",
    ),
    case(
        lambda L, o: L.ChainedScheduler(
            [L.LinearLR(o, 0.2, total_iters=10), L.CosineAnnealingLR(o, 25), L.StepLR(o, 9)], o
        ),
        id="ChainedScheduler-three",
    ),
]


@pytest.mark.parametrize(("make", "kind"), SCHEDULES)
def test_schedule_matches_torch(make: Factory, kind: str) -> None:
    results = []
    for lib in (nr, torch):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            record = schedule(lib, make, kind)
        # stepped in the right order, nothing warns (but a ChainedScheduler nested in a
        # SequentialLR steps its schedulers at creation, and they warn, in torch too)
        results.append((record, [w.category for w in caught]))
    assert results[0] == results[1]


@pytest.mark.filterwarnings("ignore:Detected call of `lr_scheduler.step\\(\\)`")
@pytest.mark.parametrize(("make", "kind"), SCHEDULES)
def test_state_dict_resumes_exactly(make: Factory, kind: str) -> None:
    optimizer = make_optimizer(nr, kind)
    scheduler = make(nr.optim.lr_scheduler, optimizer)
    uninterrupted = advance(optimizer, scheduler, STEPS)

    optimizer = make_optimizer(nr, kind)
    scheduler = make(nr.optim.lr_scheduler, optimizer)
    advance(optimizer, scheduler, RESUME_AT)
    saved = copy.deepcopy((optimizer.state_dict(), scheduler.state_dict()))

    optimizer = make_optimizer(nr, kind)
    scheduler = make(nr.optim.lr_scheduler, optimizer)
    optimizer.load_state_dict(saved[0])
    scheduler.load_state_dict(saved[1])
    assert advance(optimizer, scheduler, STEPS - RESUME_AT) == uninterrupted[RESUME_AT:]


@pytest.mark.filterwarnings("ignore:Detected call of `lr_scheduler.step\\(\\)`")
@pytest.mark.parametrize(("make", "kind"), SCHEDULES)
def test_torch_state_dict_loads_and_continues(make: Factory, kind: str) -> None:
    theirs = make_optimizer(torch, kind)
    their_scheduler = make(torch.optim.lr_scheduler, theirs)
    advance(theirs, their_scheduler, RESUME_AT)
    saved = copy.deepcopy((theirs.state_dict(), their_scheduler.state_dict()))

    ours = make_optimizer(nr, kind)
    scheduler = make(nr.optim.lr_scheduler, ours)
    assert scheduler.state_dict().keys() == saved[1].keys()
    ours.load_state_dict(saved[0])
    scheduler.load_state_dict(saved[1])
    remaining = STEPS - RESUME_AT
    assert advance(ours, scheduler, remaining) == advance(theirs, their_scheduler, remaining)


RESUMABLE = [
    lambda L, o, e: L.LambdaLR(o, lambda k: 0.9**k, last_epoch=e),
    lambda L, o, e: L.StepLR(o, 4, gamma=0.5, last_epoch=e),
    lambda L, o, e: L.LinearLR(o, 0.2, total_iters=15, last_epoch=e),
    lambda L, o, e: L.CosineAnnealingLR(o, T_max=12, eta_min=0.01, last_epoch=e),
    lambda L, o, e: L.CosineAnnealingWarmRestarts(o, T_0=4, T_mult=2, last_epoch=e),
    lambda L, o, e: L.CyclicLR(o, 0.01, 0.1, 3, mode="triangular2", last_epoch=e),
    lambda L, o, e: L.OneCycleLR(o, 1.0, total_steps=30, three_phase=True, last_epoch=e),
]


@pytest.mark.parametrize("make", RESUMABLE)
def test_resume_with_last_epoch(make: Callable[[Any, Any, int], Any]) -> None:
    """A scheduler created with ``last_epoch`` on an optimizer that went through part of
    the schedule (its groups hold "initial_lr" and the like) continues as torch's does."""
    records = []
    for lib in (nr, torch):
        optimizer = make_optimizer(lib)
        advance(optimizer, make(lib.optim.lr_scheduler, optimizer, -1), 9)
        resumed = make(lib.optim.lr_scheduler, optimizer, 9)
        records.append([snapshot(optimizer, resumed)] + advance(optimizer, resumed, 15))
    assert records[0] == records[1]


CLOSED_FORMS = [
    lambda L, o: L.StepLR(o, 4, gamma=0.5),
    lambda L, o: L.MultiStepLR(o, [3, 8, 8]),
    lambda L, o: L.ConstantLR(o, 0.5, total_iters=6),
    lambda L, o: L.LinearLR(o, 0.2, 0.8, total_iters=10),
    lambda L, o: L.ExponentialLR(o, 0.9),
    lambda L, o: L.PolynomialLR(o, total_iters=12, power=1.5),
    lambda L, o: L.CosineAnnealingLR(o, T_max=10, eta_min=0.01),
]


@pytest.mark.parametrize("make", CLOSED_FORMS)
def test_step_with_epoch_uses_closed_form(make: Factory) -> None:
    """``step(epoch)`` (deprecated) jumps to any epoch, as torch's closed forms do."""
    epochs = [3, 7, 7, 12, 2, 0, 30, 5]
    records = []
    for lib in (nr, torch):
        optimizer = make_optimizer(lib)
        scheduler = make(lib.optim.lr_scheduler, optimizer)
        record = []
        for epoch in epochs:
            optimizer.step()
            with pytest.warns(UserWarning, match="epoch parameter in `scheduler.step\\(\\)`"):
                scheduler.step(epoch)
            record.append(snapshot(optimizer, scheduler))
        records.append(record)
    assert records[0] == records[1]


@pytest.mark.parametrize(("T_0", "T_mult"), [(4, 1), (3, 2), (2, 3)])
def test_warm_restarts_fractional_epochs(T_0: int, T_mult: int) -> None:
    """Stepped per batch with fractional epochs, then per epoch again."""
    points = [epoch + batch / 5 for epoch in range(12) for batch in range(5)]
    records = []
    for lib in (nr, torch):
        optimizer = make_optimizer(lib)
        L = lib.optim.lr_scheduler
        scheduler = L.CosineAnnealingWarmRestarts(optimizer, T_0, T_mult, eta_min=0.001)
        record = []
        for point in points:
            optimizer.step()
            scheduler.step(point)
            record.append((snapshot(optimizer, scheduler), scheduler.T_cur, scheduler.T_i))
        record += advance(optimizer, scheduler, 10)
        records.append(record)
    assert records[0] == records[1]


# a falling metric that levels off and wobbles: plateaus trigger reductions
METRICS = [1.0 / (1 + k) if k < 12 else 0.08 + 0.002 * ((7 * k) % 5) for k in range(STEPS)]

PLATEAU_OPTIONS = [
    {},
    {"patience": 2, "factor": 0.5},
    {"mode": "max", "patience": 3},
    {"patience": 1, "threshold": 0.02, "threshold_mode": "abs"},
    {"mode": "max", "patience": 2, "threshold": 0.01, "threshold_mode": "abs"},
    {"patience": 2, "cooldown": 3, "factor": 0.3},
    {"patience": 0, "factor": 0.5, "min_lr": [0.02, 0.001]},
    {"patience": 0, "factor": 0.5, "min_lr": 0.005},
    {"patience": 0, "factor": 0.9, "eps": 0.005},
    {"patience": 4, "threshold": 0.0},
]


def signed_metrics(options: dict[str, Any]) -> list[float]:
    """METRICS, negated for ``mode="max"`` (where higher is better)."""
    return [-m for m in METRICS] if options.get("mode") == "max" else METRICS


def plateau_steps(lib: Any, optimizer: Any, scheduler: Any, metrics: list[float]) -> list[Any]:
    """Step on each metric; after each: the groups' lrs, get_last_lr() and the counters."""
    record = []
    for metric in metrics:
        optimizer.step()
        scheduler.step(lib.tensor(metric))  # a 0-d tensor, as a loss would be
        state = (scheduler.best, scheduler.num_bad_epochs, scheduler.cooldown_counter)
        record.append(([g["lr"] for g in optimizer.param_groups], scheduler.get_last_lr(), state))
    return record


def plateau_run(lib: Any, options: dict[str, Any]) -> list[Any]:
    optimizer = make_optimizer(lib)
    scheduler = lib.optim.lr_scheduler.ReduceLROnPlateau(optimizer, **options)
    return plateau_steps(lib, optimizer, scheduler, signed_metrics(options))


@pytest.mark.parametrize("options", PLATEAU_OPTIONS, ids=str)
def test_reduce_on_plateau_matches_torch(options: dict[str, Any]) -> None:
    assert plateau_run(nr, options) == plateau_run(torch, options)


@pytest.mark.parametrize("options", PLATEAU_OPTIONS[:3], ids=str)
def test_reduce_on_plateau_state_dict(options: dict[str, Any]) -> None:
    """Resumed from our own state dict or from torch's, the reductions go on the same."""
    metrics = signed_metrics(options)
    uninterrupted = plateau_run(nr, options)
    for lib in (nr, torch):
        optimizer = make_optimizer(lib)
        scheduler = lib.optim.lr_scheduler.ReduceLROnPlateau(optimizer, **options)
        plateau_steps(lib, optimizer, scheduler, metrics[:RESUME_AT])
        saved = copy.deepcopy((optimizer.state_dict(), scheduler.state_dict()))

        optimizer = make_optimizer(nr)
        scheduler = nr.optim.lr_scheduler.ReduceLROnPlateau(optimizer, **options)
        assert scheduler.state_dict().keys() == saved[1].keys()
        optimizer.load_state_dict(saved[0])
        scheduler.load_state_dict(saved[1])
        continued = plateau_steps(nr, optimizer, scheduler, metrics[RESUME_AT:])
        assert continued == uninterrupted[RESUME_AT:]


def test_reduce_on_plateau_after_a_group_is_added() -> None:
    """A scalar min_lr extends to a new group; a per-group list cannot, as in torch."""
    for lib in (nr, torch):
        optimizer = make_optimizer(lib)
        scheduler = lib.optim.lr_scheduler.ReduceLROnPlateau(optimizer, patience=0)
        optimizer.add_param_group({"params": [lib.zeros(1, requires_grad=True)], "lr": 0.5})
        scheduler.step(1.0)
        scheduler.step(2.0)
        assert scheduler.get_last_lr() == pytest.approx([0.01, 0.003, 0.05])

        optimizer = make_optimizer(lib)
        scheduler = lib.optim.lr_scheduler.ReduceLROnPlateau(optimizer, patience=0, min_lr=[0, 0])
        optimizer.add_param_group({"params": [lib.zeros(1, requires_grad=True)]})
        scheduler.step(1.0)
        with pytest.raises(RuntimeError, match="number of param groups"):
            scheduler.step(2.0)


def test_callable_objects_are_saved_but_functions_are_not() -> None:
    """LambdaLR and CyclicLR keep the attributes of callable objects in their state
    dicts (and restore them); plain functions are saved as None, as in torch."""
    warmup = Warmup(8)
    optimizer = make_optimizer(nr)
    scheduler = nr.optim.lr_scheduler.LambdaLR(optimizer, [lambda e: 1.0, warmup])
    warmup.epochs = 4
    state = scheduler.state_dict()
    assert state["lr_lambdas"] == [None, {"epochs": 4}]

    other = Warmup(8)
    fresh = nr.optim.lr_scheduler.LambdaLR(make_optimizer(nr), [lambda e: 1.0, other])
    fresh.load_state_dict(state)
    assert other.epochs == 4
    assert state["lr_lambdas"] == [None, {"epochs": 4}]  # the state dict is left whole

    class Decay:
        def __init__(self) -> None:
            self.rate = 0.5

        def __call__(self, x: float) -> float:
            return self.rate**x

    decay = Decay()
    cyclic = nr.optim.lr_scheduler.CyclicLR(make_optimizer(nr), 0.01, 0.1, scale_fn=decay)
    decay.rate = 0.25
    saved = cyclic.state_dict()
    assert saved["_scale_fn_custom"] == {"rate": 0.25}
    restored = Decay()
    fresh_cyclic = nr.optim.lr_scheduler.CyclicLR(make_optimizer(nr), 0.01, 0.1, scale_fn=restored)
    fresh_cyclic.load_state_dict(saved)
    assert restored.rate == 0.25 and fresh_cyclic._scale_fn_custom is restored


def test_tensor_learning_rate_is_updated_in_place() -> None:
    """A group's lr that is a 0-d tensor stays that tensor, filled with each new value."""
    optimizer = make_optimizer(nr)
    lr = nr.tensor(0.1, dtype=nr.float64)
    optimizer.param_groups[0]["lr"] = lr
    scheduler = nr.optim.lr_scheduler.StepLR(optimizer, step_size=2, gamma=0.5)
    advance(optimizer, scheduler, 4)
    assert optimizer.param_groups[0]["lr"] is lr
    assert lr.item() == pytest.approx(0.025)
    assert optimizer.param_groups[0]["initial_lr"].item() == pytest.approx(0.1)


# --- warnings ----------------------------------------------------------------------------


def test_warns_when_scheduler_steps_before_optimizer() -> None:
    for lib in (nr, torch):
        optimizer = make_optimizer(lib)
        scheduler = lib.optim.lr_scheduler.StepLR(optimizer, 2)
        with pytest.warns(UserWarning, match="before `optimizer.step\\(\\)`"):
            scheduler.step()


def test_warns_when_optimizer_step_is_replaced() -> None:
    for lib in (nr, torch):
        optimizer = make_optimizer(lib)
        scheduler = lib.optim.lr_scheduler.StepLR(optimizer, 2)
        optimizer.step = lambda closure=None: None
        optimizer.step()
        with pytest.warns(UserWarning, match="`optimizer.step\\(\\)` has been overridden"):
            scheduler.step()


def test_no_warning_for_a_scheduler_added_after_training_began() -> None:
    optimizer = make_optimizer(nr)
    nr.optim.lr_scheduler.StepLR(optimizer, 2)
    optimizer.step()
    late = nr.optim.lr_scheduler.ExponentialLR(optimizer, 0.9)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        late.step()


def test_reduce_on_plateau_epoch_argument_is_deprecated() -> None:
    for lib in (nr, torch):
        scheduler = lib.optim.lr_scheduler.ReduceLROnPlateau(make_optimizer(lib))
        with pytest.warns(UserWarning, match="epoch parameter in `scheduler.step\\(\\)`"):
            scheduler.step(0.5, epoch=5)
        assert scheduler.last_epoch == 5


def test_get_lr_outside_step_warns() -> None:
    scheduler = nr.optim.lr_scheduler.ExponentialLR(make_optimizer(nr), 0.9)
    with pytest.warns(UserWarning, match="please use `get_last_lr\\(\\)`"):
        scheduler.get_lr()


# --- errors ------------------------------------------------------------------------------

ERRORS = [
    (lambda L, o: L.LRScheduler(o), NotImplementedError, "LRScheduler does not implement get_lr"),
    (lambda L, o: L.StepLR("sgd", 3), TypeError, "str is not an Optimizer"),
    (
        lambda L, o: L.StepLR(o, 3, last_epoch=4),
        KeyError,
        "'initial_lr' is not specified in param_groups\\[0\\]",
    ),
    (
        lambda L, o: L.LambdaLR(o, [lambda e: 1.0]),
        ValueError,
        "lr_lambda has 1 values, param_groups has 2",
    ),
    (
        lambda L, o: L.LambdaLR(o, 0.5),
        TypeError,
        "LambdaLR: lr_lambda should be a function, but got float",
    ),
    (
        lambda L, o: L.MultiplicativeLR(o, [lambda e: 1.0, 2]),
        TypeError,
        "MultiplicativeLR: lr_lambda should be a function, but got int",
    ),
    (
        lambda L, o: L.ConstantLR(o, factor=1.5),
        ValueError,
        "factor expected to be between 0 and 1, but got 1.5",
    ),
    (
        lambda L, o: L.LinearLR(o, start_factor=0.0),
        ValueError,
        "Starting multiplicative factor expected to be greater than 0",
    ),
    (
        lambda L, o: L.LinearLR(o, end_factor=1.2),
        ValueError,
        "Ending multiplicative factor expected to be between 0 and 1, but got 1.2",
    ),
    (
        lambda L, o: L.CosineAnnealingWarmRestarts(o, T_0=0),
        ValueError,
        "Expected positive integer T_0, but got 0",
    ),
    (
        lambda L, o: L.CosineAnnealingWarmRestarts(o, T_0=2.5),
        ValueError,
        "Expected positive integer T_0, but got 2.5",
    ),
    (
        lambda L, o: L.CosineAnnealingWarmRestarts(o, 3, T_mult=0),
        ValueError,
        "Expected integer T_mult >= 1, but got 0",
    ),
    (
        lambda L, o: L.CosineAnnealingWarmRestarts(o, 3, eta_min="0"),
        ValueError,
        "Expected float or int eta_min",
    ),
    (
        lambda L, o: L.CosineAnnealingWarmRestarts(o, 3).step(-1),
        ValueError,
        "Expected non-negative epoch, but got -1",
    ),
    (
        lambda L, o: L.ReduceLROnPlateau(o, factor=1.0),
        ValueError,
        "Factor should be < 1.0, but got 1.0",
    ),
    (
        lambda L, o: L.ReduceLROnPlateau(o, mode="avg"),
        ValueError,
        "mode 'avg' is unknown",
    ),
    (
        lambda L, o: L.ReduceLROnPlateau(o, threshold_mode="pct"),
        ValueError,
        "threshold mode 'pct' is unknown",
    ),
    (
        lambda L, o: L.ReduceLROnPlateau(o, min_lr=[0.1]),
        ValueError,
        "expected 2 min_lrs, got 1",
    ),
    (
        lambda L, o: L.ReduceLROnPlateau("sgd"),
        TypeError,
        "str is not an Optimizer",
    ),
    (
        lambda L, o: L.CyclicLR(o, 0.01, 0.1, mode="sawtooth"),
        ValueError,
        "mode 'sawtooth' is invalid",
    ),
    (
        lambda L, o: L.CyclicLR(o, [0.01, 0.02, 0.03], 0.1),
        ValueError,
        "base_lr has 3 values, param_groups has 2",
    ),
    (
        lambda L, o: L.CyclicLR(o, 0.01, 0.1, max_momentum=[0.9]),
        ValueError,
        "max_momentum has 1 values, param_groups has 2",
    ),
    (
        lambda L, o: L.CyclicLR(plain_optimizer(lib_of(L)), 0.01, 0.1),
        ValueError,
        "optimizer must support momentum or beta1",
    ),
    (
        lambda L, o: L.OneCycleLR(o, 1.0),
        ValueError,
        "either total_steps OR \\(epochs AND steps_per_epoch\\)",
    ),
    (
        lambda L, o: L.OneCycleLR(o, 1.0, total_steps=0),
        ValueError,
        "Expected positive integer total_steps, but got 0",
    ),
    (
        lambda L, o: L.OneCycleLR(o, 1.0, epochs=-2, steps_per_epoch=3),
        ValueError,
        "Expected positive integer epochs, but got -2",
    ),
    (
        lambda L, o: L.OneCycleLR(o, 1.0, epochs=2, steps_per_epoch=0.5),
        ValueError,
        "Expected positive integer steps_per_epoch, but got 0.5",
    ),
    (
        lambda L, o: L.OneCycleLR(o, 1.0, 10, pct_start=1),
        ValueError,
        "Expected float between 0 and 1 pct_start, but got 1",
    ),
    (
        lambda L, o: L.OneCycleLR(o, 1.0, 10, anneal_strategy="exp"),
        ValueError,
        "anneal_strategy must be one of 'cos' or 'linear', instead got exp",
    ),
    (
        lambda L, o: L.OneCycleLR(plain_optimizer(lib_of(L)), 1.0, 10),
        ValueError,
        "optimizer must support momentum or beta1",
    ),
    (
        lambda L, o: advance(o, L.OneCycleLR(o, 1.0, 3), 4),
        ValueError,
        "Tried to step 4 times. The specified number of total steps is 3",
    ),
    (
        lambda L, o: L.SequentialLR(o, [], []),
        ValueError,
        "SequentialLR expects at least one scheduler",
    ),
    (
        lambda L, o: L.SequentialLR(o, [L.StepLR(o, 2)], [3]),
        ValueError,
        "number of schedulers 1 and the number of milestones to be equal to 1",
    ),
    (
        lambda L, o: L.SequentialLR(o, [object()], []),
        TypeError,
        "SequentialLR at index 0 should have `optimizer` as its attribute",
    ),
    (
        lambda L, o: L.SequentialLR(o, [L.ReduceLROnPlateau(o)], []),
        ValueError,
        "SequentialLR does not support `ReduceLROnPlateau`",
    ),
    (
        lambda L, o: L.SequentialLR(
            o,
            [
                L.StepLR(o, 2),
                L.StepLR(make_optimizer(lib_of(L)), 2),
            ],
            [3],
        ),
        ValueError,
        "SequentialLR expects all schedulers to belong to the same optimizer, but got "
        "scheduler StepLR at index 1",
    ),
    (
        lambda L, o: L.ChainedScheduler([]),
        ValueError,
        "ChainedScheduler expects at least one scheduler",
    ),
    (
        lambda L, o: L.ChainedScheduler([L.StepLR(o, 2)], make_optimizer(lib_of(L))),
        ValueError,
        "ChainedScheduler expects all schedulers to belong to the same optimizer",
    ),
]


@pytest.mark.parametrize(("make", "error", "match"), ERRORS, ids=[e[2][:40] for e in ERRORS])
def test_invalid_arguments_raise_as_torch(make: Factory, error: type, match: str) -> None:
    with pytest.raises(error):
        make(torch.optim.lr_scheduler, make_optimizer(torch))
    with pytest.raises(error, match=match):
        make(nr.optim.lr_scheduler, make_optimizer(nr))


@pytest.mark.parametrize(
    ("make", "match"),
    [
        (lambda L, o: L.StepLR(o, step_size=0), "StepLR: step_size must be a positive integer"),
        (lambda L, o: L.CosineAnnealingLR(o, T_max=0), "CosineAnnealingLR: T_max must be positive"),
    ],
)
def test_sizes_that_would_divide_by_zero_are_refused(make: Factory, match: str) -> None:
    """torch accepts these and fails with ZeroDivisionError at the first step()."""
    with pytest.raises(ValueError, match=match):
        make(nr.optim.lr_scheduler, make_optimizer(nr))


# --- the public surface ------------------------------------------------------------------


def test_same_names_and_signatures_as_torch() -> None:
    ours, theirs = nr.optim.lr_scheduler, torch.optim.lr_scheduler
    assert set(ours.__all__) == set(theirs.__all__)
    for name in ours.__all__:
        ours_params = inspect.signature(getattr(ours, name)).parameters
        their_params = inspect.signature(getattr(theirs, name)).parameters
        assert list(ours_params) == list(their_params), name
        for param in their_params.values():
            default = ours_params[param.name].default
            assert default == param.default or (
                isinstance(default, float) and math.isclose(default, param.default)
            ), f"{name}({param.name}=...)"
        assert issubclass(getattr(ours, name), ours.LRScheduler)
