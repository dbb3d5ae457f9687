"""neurarust.nn.functional against torch.nn.functional."""

import numpy as np
import pytest

import neurarust.nn.functional as F

from ..conftest import compare_with_torch, torch

CASES = {
    "one_hot": (lambda f, x: f.one_hot((x * 3).abs().long()), (4,)),
    "one_hot_classes": (lambda f, x: f.one_hot((x * 3).abs().long(), num_classes=12), (2, 3)),
    "relu": (lambda f, x: f.relu(x), (2, 3)),
    "sigmoid": (lambda f, x: f.sigmoid(x), (2, 3)),
    "tanh": (lambda f, x: f.tanh(x), (2, 3)),
    "softmax": (lambda f, x: f.softmax(x, dim=1), (2, 3)),
    "log_softmax": (lambda f, x: f.log_softmax(x, -1), (2, 3)),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_matches_torch(name, rng):
    fn, shape = CASES[name]
    functional = {"neurarust": F, "torch": torch.nn.functional if torch else None}
    compare_with_torch(
        lambda lib, x: fn(functional[lib.__name__], x),
        rng.standard_normal(shape).astype(np.float32),
    )
