"""Random index expressions (hypothesis) against PyTorch: values, gradients, writes.

Each example draws a shape and an index mixing ints, slices, None, Ellipsis,
integer lists or tensors, and boolean masks, then checks ``x[index]``, its
gradient and ``x[index] = values`` against PyTorch. (PyTorch follows NumPy's
rules, except that an int next to an advanced index is applied first, as a
plain selection; using PyTorch as the oracle covers that difference too.)
"""

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes

import neurarust as nr

from ..conftest import torch

pytestmark = pytest.mark.skipif(torch is None, reason="PyTorch is the test oracle")

# An entry is (kind, payload); payloads are plain Python/NumPy, turned into
# each library's index by _realize.


@st.composite
def _slice(draw, size):
    start = draw(st.none() | st.integers(-size - 2, size + 2))
    stop = draw(st.none() | st.integers(-size - 2, size + 2))
    step = draw(st.none() | st.integers(1, 3))  # PyTorch refuses steps < 1
    return ("slice", slice(start, stop, step))


@st.composite
def index_cases(draw):
    """(shape, entries): an index for a tensor of ``shape``, as a list of entries."""
    shape = draw(array_shapes(min_dims=1, max_dims=4, min_side=0, max_side=4))
    consumed = draw(st.integers(0, len(shape)))
    from_end = consumed < len(shape) and draw(st.booleans())  # then `...` comes first
    advanced = draw(st.sampled_from(["none", "ints", "mask"]))
    length = draw(st.integers(0, 3))  # every integer list has this length (they broadcast)
    as_tensor = draw(st.booleans())
    entries, mask_used = [], False
    for size in shape[len(shape) - consumed :] if from_end else shape[:consumed]:
        kinds = ["slice", "none"]
        if size > 0:
            kinds.append("int")
            if advanced == "ints":
                kinds.append("ints")
        if advanced == "mask" and not mask_used:
            kinds.append("mask")
        kind = draw(st.sampled_from(kinds))
        if kind == "none":
            entries.append(("none", None))
            kind = "slice"  # None consumes no dimension; this one still needs an entry
        if kind == "slice":
            entries.append(draw(_slice(size)))
        elif kind == "int":
            entries.append(("int", draw(st.integers(-size, size - 1))))
        elif kind == "ints":
            values = draw(st.lists(st.integers(-size, size - 1), min_size=length, max_size=length))
            entries.append(("ints", (values, as_tensor)))
        else:
            mask = draw(st.lists(st.booleans(), min_size=size, max_size=size))
            entries.append(("mask", mask))
            mask_used = True
    if from_end:
        entries.insert(0, ("ellipsis", None))
    elif consumed < len(shape) and draw(st.booleans()):
        entries.append(("ellipsis", None))
    if draw(st.booleans()):
        entries.append(("none", None))
    return shape, entries


def _realize(lib, entries):
    index = []
    for kind, payload in entries:
        if kind in ("slice", "int"):
            index.append(payload)
        elif kind == "none":
            index.append(None)
        elif kind == "ellipsis":
            index.append(Ellipsis)
        elif kind == "ints":
            values, as_tensor = payload
            index.append(lib.tensor(values, dtype=lib.int64) if as_tensor else list(values))
        else:
            index.append(lib.tensor(payload, dtype=lib.bool))
    return tuple(index)


SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(case=index_cases(), seed=st.integers(0, 2**16))
def test_getitem_and_its_gradient_match_torch(case, seed):
    shape, entries = case
    data = np.random.default_rng(seed).standard_normal(shape)
    ours = nr.tensor(data, requires_grad=True)
    theirs = torch.tensor(data, requires_grad=True)
    expected = theirs[_realize(torch, entries)]
    got = ours[_realize(nr, entries)]
    assert tuple(got.shape) == tuple(expected.shape)
    np.testing.assert_array_equal(got.detach().numpy(), expected.detach().numpy())
    weights = np.random.default_rng(seed + 1).standard_normal(tuple(expected.shape))
    (expected * torch.tensor(weights)).sum().backward()
    (got * nr.tensor(weights)).sum().backward()
    np.testing.assert_allclose(ours.grad.numpy(), theirs.grad.numpy(), rtol=1e-12)


@SETTINGS
@given(case=index_cases(), seed=st.integers(0, 2**16), scalar=st.booleans())
def test_setitem_matches_torch(case, seed, scalar):
    shape, entries = case
    positions = torch.arange(int(np.prod(shape))).reshape(shape)[_realize(torch, entries)]
    assume(positions.unique().numel() == positions.numel())  # repeated writes: order unspecified
    rng = np.random.default_rng(seed)
    data = rng.standard_normal(shape)
    values = 2.5 if scalar else rng.standard_normal(tuple(positions.shape)[1:])  # broadcasts
    ours, theirs = nr.tensor(data), torch.tensor(data)
    theirs[_realize(torch, entries)] = values if scalar else torch.tensor(values)
    ours[_realize(nr, entries)] = values if scalar else nr.tensor(values)
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
