"""The loss modules of neurarust.nn against PyTorch's: same constructor arguments,
values, gradients, buffers and reprs. (Each functional loss has its own test file.)"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pytest

import neurarust as nr
from tests.conftest import compare_with_torch

torch = pytest.importorskip("torch")

rng = np.random.default_rng(0)


def _floats(*shape: int) -> np.ndarray:
    return rng.standard_normal(shape).astype(np.float32)


def _probabilities(*shape: int) -> np.ndarray:
    return rng.uniform(0.05, 0.95, shape).astype(np.float32)


def _signs(*shape: int) -> np.ndarray:
    return rng.choice([-1.0, 1.0], shape).astype(np.float32)


def _classes(n: int, c: int) -> np.ndarray:
    return rng.integers(0, c, n).astype(np.int64)


def _class_weights(c: int) -> np.ndarray:
    return rng.uniform(0.5, 2.0, c).astype(np.float32)


def _log_probs(*shape: int) -> np.ndarray:
    logits = rng.standard_normal(shape)
    return (logits - np.log(np.exp(logits).sum(-1, keepdims=True))).astype(np.float32)


# (module name, constructor keyword arguments, forward inputs as NumPy arrays)
CASES: list[tuple[str, dict[str, Any], tuple[Any, ...]]] = [
    ("L1Loss", {}, (_floats(4, 3), _floats(4, 3))),
    ("MSELoss", {"reduction": "sum"}, (_floats(4, 3), _floats(4, 3))),
    ("SmoothL1Loss", {"beta": 0.5}, (_floats(4, 3), _floats(4, 3))),
    ("HuberLoss", {"delta": 0.5, "reduction": "none"}, (_floats(4, 3), _floats(4, 3))),
    ("KLDivLoss", {"reduction": "batchmean"}, (_log_probs(4, 3), _probabilities(4, 3))),
    ("KLDivLoss", {"log_target": True, "reduction": "sum"}, (_log_probs(4, 3), _log_probs(4, 3))),
    ("PoissonNLLLoss", {"full": True}, (_floats(4, 3), 3 * _probabilities(4, 3))),
    ("PoissonNLLLoss", {"log_input": False}, (_probabilities(4, 3), _probabilities(4, 3))),
    ("GaussianNLLLoss", {"full": True}, (_floats(4, 3), _floats(4, 3), _probabilities(4, 3))),
    ("CosineEmbeddingLoss", {"margin": 0.2}, (_floats(4, 3), _floats(4, 3), _signs(4))),
    ("MarginRankingLoss", {"margin": 0.5}, (_floats(5), _floats(5), _signs(5))),
    ("HingeEmbeddingLoss", {"margin": 2.0}, (_floats(4, 3), _signs(4, 3))),
    ("TripletMarginLoss", {"p": 1.0, "swap": True}, (_floats(4, 3), _floats(4, 3), _floats(4, 3))),
    ("TripletMarginWithDistanceLoss", {}, (_floats(4, 3), _floats(4, 3), _floats(4, 3))),
    ("NLLLoss", {"ignore_index": 1}, (_log_probs(6, 4), _classes(6, 4))),
    ("CrossEntropyLoss", {"label_smoothing": 0.1}, (_floats(6, 4), _classes(6, 4))),
    ("CrossEntropyLoss", {}, (_floats(2, 4, 3, 2), _classes(12, 4).reshape(2, 3, 2))),
    ("BCELoss", {}, (_probabilities(4, 3), _probabilities(4, 3))),
    ("BCEWithLogitsLoss", {"reduction": "sum"}, (_floats(4, 3), _probabilities(4, 3))),
    ("SoftMarginLoss", {}, (_floats(4, 3), _signs(4, 3))),
    ("MultiLabelSoftMarginLoss", {}, (_floats(4, 3), rng.integers(0, 2, (4, 3)).astype("f4"))),
    ("MultiLabelMarginLoss", {}, (_floats(2, 4), np.array([[3, 0, -1, 1], [1, 2, 0, 3]]))),
    ("MultiMarginLoss", {"p": 2, "margin": 0.5}, (_floats(5, 4), _classes(5, 4))),
]


# PyTorch refuses a target that requires grad here (neurarust would give it a gradient).
NO_TARGET_GRAD = {"SoftMarginLoss"}


def _build(lib: Any, name: str, kwargs: dict[str, Any]) -> Any:
    return getattr(lib.nn, name)(**kwargs)


@pytest.mark.parametrize(("name", "kwargs", "inputs"), CASES, ids=[c[0] for c in CASES])
def test_module_matches_torch(name: str, kwargs: dict[str, Any], inputs: tuple[Any, ...]) -> None:
    def loss(lib: Any, *xs: Any) -> Any:
        if name in NO_TARGET_GRAD:
            xs = (*xs[:-1], xs[-1].detach())
        return _build(lib, name, kwargs)(*xs)

    compare_with_torch(loss, *inputs)


def test_ctc_module_matches_torch() -> None:
    logits = _floats(6, 2, 4)
    targets = np.array([[1, 2, 2], [3, 1, 0]])

    def ctc(lib: Any, logits: Any, targets: Any) -> Any:
        # Through log_softmax, as documented: torch's gradient with respect to raw
        # log-probabilities carries an extra exp(log_probs) term (see F.ctc_loss).
        loss = lib.nn.CTCLoss(blank=0, reduction="mean", zero_infinity=True)
        return loss(logits.log_softmax(2), targets, (6, 5), (3, 2))

    compare_with_torch(ctc, logits, targets)


WEIGHTED = [
    ("NLLLoss", (_log_probs(6, 4), _classes(6, 4))),
    ("CrossEntropyLoss", (_floats(6, 4), _classes(6, 4))),
    ("BCELoss", (_probabilities(6, 4), _probabilities(6, 4))),
    ("MultiLabelSoftMarginLoss", (_floats(6, 4), _probabilities(6, 4))),
    ("MultiMarginLoss", (_floats(6, 4), _classes(6, 4))),
]


@pytest.mark.parametrize(("name", "inputs"), WEIGHTED, ids=[c[0] for c in WEIGHTED])
def test_class_weights_are_buffers_like_torch(name: str, inputs: tuple[Any, ...]) -> None:
    weight = _class_weights(4)
    ours = _build(nr, name, {"weight": nr.from_numpy(weight)})
    theirs = _build(torch, name, {"weight": torch.from_numpy(weight)})
    assert list(ours.state_dict()) == list(theirs.state_dict()) == ["weight"]
    assert [n for n, _ in ours.named_buffers()] == ["weight"]
    assert not list(ours.parameters())
    compare_with_torch(lambda lib, *xs: (ours if lib is nr else theirs)(*xs), *inputs)


def test_bce_with_logits_buffers_load_a_torch_state_dict() -> None:
    theirs = torch.nn.BCEWithLogitsLoss(weight=torch.rand(3) + 0.5, pos_weight=torch.rand(3) + 0.5)
    ours = nr.nn.BCEWithLogitsLoss(weight=nr.ones(3), pos_weight=nr.ones(3))
    ours.load_state_dict({k: nr.from_numpy(v.numpy()) for k, v in theirs.state_dict().items()})
    logits, target = _floats(4, 3), _probabilities(4, 3)
    compare_with_torch(lambda lib, *xs: (ours if lib is nr else theirs)(*xs), logits, target)


def test_weight_buffer_moves_with_to() -> None:
    loss = nr.nn.CrossEntropyLoss(weight=nr.ones(3)).to(nr.float64)
    assert loss.weight.dtype == nr.float64
    assert nr.nn.CrossEntropyLoss().weight is None


@pytest.mark.parametrize(
    ("size_average", "reduce", "reduction"),
    [(None, False, "none"), (False, None, "sum"), (True, True, "mean"), (False, False, "none")],
)
def test_legacy_flags_map_to_reduction_with_torchs_warning(
    size_average: Any, reduce: Any, reduction: str
) -> None:
    with pytest.warns(UserWarning, match=f"please use reduction='{reduction}' instead"):
        ours = nr.nn.MSELoss(size_average=size_average, reduce=reduce)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = torch.nn.MSELoss(size_average=size_average, reduce=reduce)
    assert ours.reduction == theirs.reduction == reduction
    with pytest.warns(UserWarning, match="size_average and reduce args will be deprecated"):
        nr.nn.functional.mse_loss(nr.ones(2), nr.zeros(2), size_average=size_average, reduce=reduce)


@pytest.mark.parametrize("name", sorted({c[0] for c in CASES} | {"CTCLoss"}))
def test_repr_matches_torch(name: str) -> None:
    assert repr(getattr(nr.nn, name)()) == repr(getattr(torch.nn, name)())


def test_distance_modules_match_torch() -> None:
    x1, x2 = _floats(4, 3), _floats(4, 3)
    compare_with_torch(lambda lib, a, b: lib.nn.CosineSimilarity(dim=0, eps=1e-6)(a, b), x1, x2)
    compare_with_torch(lambda lib, a, b: lib.nn.PairwiseDistance(p=1.0, keepdim=True)(a, b), x1, x2)
    assert nr.nn.PairwiseDistance(p=3.0).norm == torch.nn.PairwiseDistance(p=3.0).norm


def test_invalid_reduction_names_the_loss() -> None:
    with pytest.raises(ValueError, match="l1_loss: 'avg' is not a valid value for reduction"):
        nr.nn.L1Loss(reduction="avg")(nr.ones(2), nr.ones(2))
