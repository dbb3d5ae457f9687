"""Elementwise ops against PyTorch, plus float64 gradchecks."""

import numpy as np
import pytest

import neurarust as nr

from ..conftest import check_gradients, compare_with_torch

BINARY = {
    "add": lambda lib, a, b: lib.add(a, b),
    "sub": lambda lib, a, b: a - b,
    "mul": lambda lib, a, b: a * b,
    "div": lambda lib, a, b: a / b,
}


@pytest.mark.parametrize("name", sorted(BINARY))
@pytest.mark.parametrize("shapes", [((3, 4), (3, 4)), ((2, 3, 4), (4,)), ((3, 1), (1, 5))])
def test_binary_matches_torch(name, shapes, rng):
    a, b = (rng.uniform(0.5, 2.0, s).astype(np.float32) for s in shapes)
    compare_with_torch(BINARY[name], a, b)


@pytest.mark.parametrize("name", sorted(BINARY))
def test_binary_gradcheck(name, rng):
    check_gradients(
        lambda a, b: BINARY[name](nr, a, b),
        rng.uniform(0.5, 2, (2, 3)),
        rng.uniform(0.5, 2, (3,)),
        second_order=True,
    )


def test_exp_matches_torch(rng):
    compare_with_torch(lambda lib, a: a.exp(), rng.standard_normal((3, 4)).astype(np.float32))
