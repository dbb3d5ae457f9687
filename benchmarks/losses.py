"""Loss workloads: forward + backward of the losses every training step runs.

- ``L1-cross-entropy``: ``F.cross_entropy`` on (512, 1000) float32 logits (an
  ImageNet-sized classifier head, batch 512), label smoothing 0.1.
- ``L2-bce-logits``: ``F.binary_cross_entropy_with_logits`` on (512, 1000)
  multi-label logits with ``pos_weight``.
- ``L3-ctc``: ``F.ctc_loss`` on log-probabilities of T=50 steps, batch 16,
  20 classes, targets of up to 30 labels (a small speech-recognition batch).

Times are milliseconds per forward + backward, medians after warm-up.
"""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType

from .harness import Measurement, median_seconds


def _time_backward(leaf: object, loss: Callable[[], object], quick: bool) -> float:
    """Median milliseconds of ``loss().backward()``, the gradient of ``leaf`` reset each time."""

    def step() -> None:
        leaf.grad = None  # type: ignore[attr-defined]
        loss().backward()  # type: ignore[attr-defined]

    return median_seconds(step, repeats=3 if quick else 20) * 1e3


def cross_entropy(lib: ModuleType, quick: bool) -> Measurement:
    """Cross-entropy with label smoothing over 1000 classes, batch 512."""
    n, c = (32, 100) if quick else (512, 1000)
    lib.manual_seed(0)
    logits = lib.randn(n, c, requires_grad=True)
    target = lib.randint(0, c, (n,))

    def loss() -> object:
        return lib.nn.functional.cross_entropy(logits, target, label_smoothing=0.1)

    return Measurement(_time_backward(logits, loss, quick), "ms")


def bce_with_logits(lib: ModuleType, quick: bool) -> Measurement:
    """Multi-label BCE on logits with a per-class ``pos_weight``."""
    n, c = (32, 100) if quick else (512, 1000)
    lib.manual_seed(0)
    logits = lib.randn(n, c, requires_grad=True)
    target = (lib.rand(n, c) > 0.5).float()
    pos_weight = lib.rand(c) + 0.5

    def loss() -> object:
        return lib.nn.functional.binary_cross_entropy_with_logits(
            logits, target, pos_weight=pos_weight
        )

    return Measurement(_time_backward(logits, loss, quick), "ms")


def ctc(lib: ModuleType, quick: bool) -> Measurement:
    """CTC over T=50 steps, batch 16, 20 classes, targets of 10 to 30 labels."""
    t, n, c, s = (20, 4, 8, 8) if quick else (50, 16, 20, 30)
    lib.manual_seed(0)
    logits = lib.randn(t, n, c, requires_grad=True)
    targets = lib.randint(1, c, (n, s))
    target_lengths = lib.randint(s // 3, s + 1, (n,))
    input_lengths = lib.full((n,), t, dtype=lib.int64)

    def loss() -> object:
        log_probs = logits.log_softmax(2)  # type: ignore[attr-defined]
        return lib.nn.functional.ctc_loss(log_probs, targets, input_lengths, target_lengths)

    return Measurement(_time_backward(logits, loss, quick), "ms")


WORKLOADS = {
    "L1-cross-entropy": cross_entropy,
    "L2-bce-logits": bce_with_logits,
    "L3-ctc": ctc,
}
