"""The README's main example trains to a real accuracy on the digits dataset."""

import importlib.util
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def load_example(name: str):
    """Import ``examples/<name>.py``, with ``examples/`` on the path as when it runs as a script."""
    if str(EXAMPLES) not in sys.path:
        sys.path.insert(0, str(EXAMPLES))
    spec = importlib.util.spec_from_file_location(name, EXAMPLES / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
def test_train_digits_reaches_high_accuracy():
    pytest.importorskip("sklearn")
    example = load_example("train_digits")
    assert example.main(epochs=10) > 0.9


def test_compare_optimizers_runs_every_optimizer_on_both_problems():
    pytest.importorskip("sklearn")
    example = load_example("compare_optimizers")
    results = example.main(steps=3, plot=None)
    for problem in results.values():
        assert set(problem) == set(example.OPTIMIZERS)
        for final_loss, _lr, curve in problem.values():
            assert len(curve) == 3 and final_loss == curve[-1] < float("inf")
