"""unfold/fold (functional and nn.Unfold/nn.Fold) against PyTorch, gradchecks and errors."""

from __future__ import annotations

import numpy as np
import pytest

import neurarust as nr
import neurarust.nn.functional as F
from tests.conftest import check_gradients, compare_with_torch, torch

# (input shape, keyword arguments of unfold)
UNFOLD_CASES = {
    "plain": ((2, 3, 5, 4), {"kernel_size": 2}),
    "mixed": (
        (2, 2, 7, 6),
        {"kernel_size": (2, 3), "dilation": (2, 1), "padding": 1, "stride": (1, 2)},
    ),
    "strided": ((1, 3, 6, 7), {"kernel_size": 3, "stride": 2, "padding": (0, 1)}),
    "whole-image": ((2, 2, 3, 4), {"kernel_size": (3, 4)}),
    "unbatched": ((3, 4, 5), {"kernel_size": (2, 2), "stride": (2, 1)}),
}

# (input shape, keyword arguments of fold)
FOLD_CASES = {
    "plain": ((2, 12, 16), {"output_size": (5, 5), "kernel_size": 2}),
    "overlapping": (
        (2, 8, 15),
        {
            "output_size": (4, 5),
            "kernel_size": 2,
            "dilation": (1, 2),
            "padding": 1,
            "stride": (2, 1),
        },
    ),
    "gaps": ((1, 9, 4), {"output_size": 7, "kernel_size": 3, "stride": 4}),
    "unbatched": (
        (8, 3),
        {"output_size": (3, 4), "kernel_size": (2, 2), "padding": (0, 1), "stride": 2},
    ),
}


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("case", UNFOLD_CASES.values(), ids=UNFOLD_CASES.keys())
def test_unfold_matches_torch(case, dtype, rng):
    shape, kwargs = case
    x = rng.standard_normal(shape).astype(dtype)
    compare_with_torch(lambda lib, x: lib.nn.functional.unfold(x, **kwargs), x)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("case", FOLD_CASES.values(), ids=FOLD_CASES.keys())
def test_fold_matches_torch(case, dtype, rng):
    shape, kwargs = case
    x = rng.standard_normal(shape).astype(dtype)
    compare_with_torch(lambda lib, x: lib.nn.functional.fold(x, **kwargs), x)


@pytest.mark.parametrize(
    ("op", "shape", "kwargs"),
    [
        (F.unfold, (1, 2, 4, 3), UNFOLD_CASES["mixed"][1]),
        (F.fold, (1, 8, 15), FOLD_CASES["overlapping"][1]),
    ],
    ids=["unfold", "fold"],
)
def test_gradients_of_first_and_second_order(op, shape, kwargs, rng):
    check_gradients(lambda x: op(x, **kwargs), rng.standard_normal(shape), second_order=True)


def test_fold_is_the_adjoint_of_unfold(rng):
    x, y = rng.standard_normal((2, 3, 5, 6)), rng.standard_normal((2, 3 * 6, 9))
    kwargs = {"kernel_size": (2, 3), "padding": 1, "stride": 2}
    unfolded = F.unfold(nr.from_numpy(x), **kwargs).numpy()
    folded = F.fold(nr.from_numpy(y), (5, 6), **kwargs).numpy()
    assert np.isclose((unfolded * y).sum(), (x * folded).sum())


MODULE_CASES = {
    "Unfold": (
        (2, 3, 5, 6),
        {"kernel_size": (2, 3), "dilation": 1, "padding": (1, 0), "stride": 2},
    ),
    "Fold": ((2, 12, 12), {"output_size": (4, 5), "kernel_size": 2}),
}


@pytest.mark.parametrize("name", MODULE_CASES.keys())
def test_modules_match_torch(name, rng):
    shape, kwargs = MODULE_CASES[name]
    if torch is None:
        pytest.skip("PyTorch is not installed (it is the test oracle)")
    ours, theirs = getattr(nr.nn, name)(**kwargs), getattr(torch.nn, name)(**kwargs)
    assert repr(ours) == repr(theirs)
    assert list(ours.state_dict()) == []
    x = rng.standard_normal(shape).astype("float32")
    compare_with_torch(lambda lib, x: (ours if lib is nr else theirs)(x), x)


ERROR_CASES = {
    "unfold-dims": (
        lambda: F.unfold(nr.zeros(2, 3, 4, 5, 5), 2),
        RuntimeError,
        r"unfold: expected a 3-D \(unbatched\) or 4-D \(batched\) input",
    ),
    "unfold-kernel-length": (
        lambda: F.unfold(nr.zeros(2, 3, 5, 5), (2, 2, 2)),
        RuntimeError,
        "unfold: kernel_size must be an int or a tuple of 2 ints",
    ),
    "unfold-too-small": (
        lambda: F.unfold(nr.zeros(2, 3, 5, 5), 6),
        RuntimeError,
        r"unfold: input of spatial size \(5, 5\) .* too small",
    ),
    "unfold-stride": (
        lambda: F.unfold(nr.zeros(2, 3, 5, 5), 2, stride=0),
        RuntimeError,
        "unfold: stride must be at least 1",
    ),
    "unfold-integer": (
        lambda: F.unfold(nr.zeros(2, 3, 5, 5, dtype=nr.int64), 2),
        NotImplementedError,
        "unfold: not implemented for",
    ),
    "fold-dims": (
        lambda: F.fold(nr.zeros(2, 2, 12, 16), (5, 5), 2),
        RuntimeError,
        r"fold: expected a 2-D \(unbatched\) or 3-D \(batched\) input",
    ),
    "fold-divisible": (
        lambda: F.fold(nr.zeros(2, 13, 16), (5, 5), 2),
        RuntimeError,
        r"Expected size of input's dimension 1 to be divisible by the product of kernel_size, "
        r"but got input.size\(1\)=13 and kernel_size=\(2, 2\)",
    ),
    "fold-blocks": (
        lambda: F.fold(nr.zeros(2, 12, 15), (5, 5), 2),
        RuntimeError,
        r"match the calculated number of sliding blocks 4 \* 4 = 16, but got input.size\(2\)=15",
    ),
    "fold-padding": (
        lambda: F.fold(nr.zeros(2, 12, 16), (5, 5), 2, padding=-1),
        RuntimeError,
        "fold: padding must be at least 0",
    ),
    "fold-not-a-tensor": (lambda: F.fold(np.zeros((2, 12, 16)), (5, 5), 2), TypeError, "input"),
}


@pytest.mark.parametrize("case", ERROR_CASES.values(), ids=ERROR_CASES.keys())
def test_errors(case):
    call, error, message = case
    with pytest.raises(error, match=message):
        call()
