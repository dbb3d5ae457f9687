"""Property tests: result dtypes and broadcast shapes of elementwise ops equal PyTorch's.

Hypothesis draws pairs of the nine dtypes (as tensors with dimensions or 0-d,
since the two rank differently in promotion), tensors against Python numbers
on either side, and pairs of shapes, compatible or not.
"""

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes

import neurarust as nr

from .conftest import torch

pytestmark = pytest.mark.skipif(torch is None, reason="PyTorch is the test oracle")

DTYPES = ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "float32", "float64"]

OPS = {
    "add": lambda a, b: a + b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / b,
    "eq": lambda a, b: a == b,
    "lt": lambda a, b: a < b,
    "ge": lambda a, b: a >= b,
}

# Shape pairs also go through ops with other arguments (alpha, a condition, a bound).
SHAPE_OPS = {
    **{name: (lambda lib, a, b, op=op: op(a, b)) for name, op in OPS.items()},
    "sub": lambda lib, a, b: lib.sub(a, b, alpha=2),
    "pow": lambda lib, a, b: lib.pow(a, b),
    "maximum": lambda lib, a, b: lib.maximum(a, b),
    "where": lambda lib, a, b: lib.where(a > 0, a, b),
    "clamp": lambda lib, a, b: lib.clamp(a, min=b),
}

EXAMPLES = settings(max_examples=60, deadline=None)


def _ones(lib: Any, dtype: str, zero_dim: bool) -> Any:
    return lib.ones(() if zero_dim else (2,), dtype=getattr(lib, dtype))


def _name(t: Any) -> str:
    return str(t.dtype).split(".")[-1]


@EXAMPLES
@given(
    op=st.sampled_from(sorted(OPS)),
    a=st.sampled_from(DTYPES),
    b=st.sampled_from(DTYPES),
    a_0d=st.booleans(),
    b_0d=st.booleans(),
)
def test_tensor_pair_dtype_matches_torch(op, a, b, a_0d, b_0d):
    ours = OPS[op](_ones(nr, a, a_0d), _ones(nr, b, b_0d))
    theirs = OPS[op](_ones(torch, a, a_0d), _ones(torch, b, b_0d))
    assert _name(ours) == _name(theirs), f"{a} {op} {b}"


# Non-negative integers only: see the report on binary_data for negative numbers with
# unsigned tensors (NumPy raises OverflowError where PyTorch wraps around).
NUMBERS = st.one_of(
    st.booleans(),
    st.integers(0, 3),
    st.floats(-2.0, 2.0, allow_nan=False).filter(lambda x: x != 0.0),
)


@EXAMPLES
@given(
    op=st.sampled_from(sorted(OPS)),
    dtype=st.sampled_from(DTYPES),
    number=NUMBERS,
    zero_dim=st.booleans(),
    reflected=st.booleans(),
)
def test_tensor_number_dtype_matches_torch(op, dtype, number, zero_dim, reflected):
    fn = OPS[op]
    results = []
    for lib in (nr, torch):
        t = _ones(lib, dtype, zero_dim)
        results.append(fn(number, t) if reflected else fn(t, number))
    ours, theirs = results
    assert _name(ours) == _name(theirs), f"{dtype} {op} {number!r} (reflected={reflected})"


SHAPES = array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=3)


@EXAMPLES
@given(op=st.sampled_from(sorted(SHAPE_OPS)), a=SHAPES, b=SHAPES)
def test_broadcast_shapes_match_torch(op, a, b):
    """Broadcastable shapes give PyTorch's result shape; others a RuntimeError naming the op."""
    fn = SHAPE_OPS[op]

    def run(lib):
        x = lib.from_numpy(np.full(a, 0.5, dtype=np.float32))
        return fn(lib, x, lib.from_numpy(np.full(b, 1.5, dtype=np.float32)))

    try:
        theirs = run(torch)
    except RuntimeError:
        with pytest.raises(RuntimeError, match=rf"^{op}: The size of tensor a \(\d+\) must match"):
            run(nr)
        return
    assert tuple(run(nr).shape) == tuple(theirs.shape) == np.broadcast_shapes(a, b)
