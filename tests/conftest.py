"""Shared test helpers: the PyTorch oracle and the float64 gradient check.

``compare_with_torch(fn, *inputs)`` runs ``fn(lib, *tensors)`` once with
``lib = neurarust`` and once with ``lib = torch`` (the same body: write
``lib.exp(x)`` or ``x.exp()``), then checks that values, dtypes, shapes and the
gradients of every floating input agree. Inputs are NumPy arrays (or Python
scalars, passed through unchanged); array inputs become non-contiguous views
on the neurarust side unless ``contiguous=True``, since strided arrays are
where bugs hide.

``check_gradients(fn, *arrays)`` runs :func:`neurarust.autograd.gradcheck`
(and optionally ``gradgradcheck``) on float64 copies of the arrays.

PyTorch is optional: ``compare_with_torch`` skips the test when it is missing
(CI installs it, so the comparisons do run there).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import neurarust as nr

try:
    import torch
except ImportError:  # PyTorch is a test-only oracle
    torch = None


def strided(array: np.ndarray) -> np.ndarray:
    """A non-contiguous view holding the same values as ``array``."""
    if array.ndim == 0:
        return array.copy()
    shape = array.shape[:-1] + (2 * array.shape[-1],)
    storage = np.zeros(shape, dtype=array.dtype)
    view = storage[..., ::2]
    view[...] = array
    return view


def to_neurarust(x: Any, requires_grad: bool, contiguous: bool) -> Any:
    if not isinstance(x, np.ndarray):
        return x
    t = nr.from_numpy(x.copy() if contiguous else strided(x))
    if requires_grad and x.dtype.kind == "f":
        t.requires_grad_()
    return t


def to_torch(x: Any, requires_grad: bool) -> Any:
    if not isinstance(x, np.ndarray):
        return x
    t = torch.from_numpy(x.copy())
    if requires_grad and x.dtype.kind == "f":
        t.requires_grad_()
    return t


def _flatten(out: Any) -> list[Any]:
    if isinstance(out, (tuple, list)):
        return [leaf for item in out for leaf in _flatten(item)]
    return [out]


def _as_numpy(x: Any) -> Any:
    if torch is not None and isinstance(x, torch.Tensor):
        return x.detach().numpy()
    if isinstance(x, nr.Tensor):
        return x.detach().numpy()
    return x


def assert_same(ours: Any, theirs: Any, atol: float, rtol: float, what: str) -> None:
    """Values (and dtype and shape, for tensors) of ours equal theirs."""
    a, b = _as_numpy(ours), _as_numpy(theirs)
    if isinstance(b, np.ndarray):
        assert isinstance(a, np.ndarray), f"{what}: expected a tensor, got {type(ours).__name__}"
        assert a.shape == b.shape, f"{what}: shape {a.shape} != torch's {b.shape}"
        assert a.dtype == b.dtype, f"{what}: dtype {a.dtype} != torch's {b.dtype}"
        if a.dtype.kind in "fc":
            np.testing.assert_allclose(a, b, atol=atol, rtol=rtol, equal_nan=True, err_msg=what)
        else:
            np.testing.assert_array_equal(a, b, err_msg=what)
    else:
        assert a == b, f"{what}: {a!r} != torch's {b!r}"


def compare_with_torch(
    fn: Callable[..., Any],
    *inputs: Any,
    atol: float = 1e-5,
    rtol: float = 1e-4,
    grad: bool = True,
    contiguous: bool = False,
) -> Any:
    """Assert ``fn(neurarust, *inputs)`` matches ``fn(torch, *inputs)``, gradients included.

    Returns the neurarust result.
    """
    if torch is None:
        pytest.skip("PyTorch is not installed (it is the test oracle)")
    ours_in = [to_neurarust(x, grad, contiguous) for x in inputs]
    theirs_in = [to_torch(x, grad) for x in inputs]
    ours = fn(nr, *ours_in)
    theirs = fn(torch, *theirs_in)
    ours_flat, theirs_flat = _flatten(ours), _flatten(theirs)
    assert len(ours_flat) == len(theirs_flat), "different number of outputs"
    for i, (a, b) in enumerate(zip(ours_flat, theirs_flat)):
        assert_same(a, b, atol, rtol, f"output {i}")
    if not grad:
        return ours
    rng = np.random.default_rng(1)
    ours_loss, theirs_loss = [], []
    for a, b in zip(ours_flat, theirs_flat):
        if isinstance(b, torch.Tensor) and b.requires_grad:
            upstream = rng.standard_normal(b.shape).astype(b.detach().numpy().dtype)
            ours_loss.append((a * nr.from_numpy(upstream)).sum())
            theirs_loss.append((b * torch.from_numpy(upstream)).sum())
    if not theirs_loss:
        return ours
    sum(theirs_loss).backward()
    sum(ours_loss).backward()
    for i, (a, b) in enumerate(zip(ours_in, theirs_in)):
        if isinstance(b, torch.Tensor) and b.requires_grad:
            if b.grad is None:
                assert a.grad is None or not a.grad.numpy().any(), f"grad of input {i}"
            else:
                assert a.grad is not None, f"input {i} got no gradient; torch's is {b.grad}"
                assert_same(a.grad, b.grad, atol, rtol, f"grad of input {i}")
    return ours


def check_gradients(
    fn: Callable[..., Any], *inputs: Any, second_order: bool = False, **tolerances: Any
) -> None:
    """gradcheck (and gradgradcheck if ``second_order``) of ``fn`` at float64 inputs.

    Array inputs become float64 tensors requiring grad; other inputs pass through.
    """
    tensors = tuple(
        nr.tensor(x, dtype=nr.float64, requires_grad=True) if isinstance(x, np.ndarray) else x
        for x in inputs
    )
    assert nr.autograd.gradcheck(fn, tensors, **tolerances)
    if second_order:
        assert nr.autograd.gradgradcheck(fn, tensors, **tolerances)


@pytest.fixture
def rng() -> np.random.Generator:
    """A seeded NumPy generator for test inputs."""
    return np.random.default_rng(0)
