"""Matrix-structure ops against PyTorch: tril/triu (and their indices), diag, diagonal,
diag_embed, diagflat, trace and block_diag: values, dtypes, gradients, views and errors.

Each case is ``fn(lib, *tensors)`` and the specs of its inputs (see test_elementwise);
``compare_with_torch`` runs it with neurarust (on non-contiguous views) and PyTorch.
Cases whose inputs are all floating point also get a float64 gradcheck and
gradgradcheck.
"""

import numpy as np
import pytest

import neurarust as nr

from ..conftest import check_gradients, compare_with_torch, torch
from .test_elementwise import Spec, _all_float, _inputs, bools, floats, ints

CASES = {
    # triangles
    "tril": (lambda lib, a: lib.tril(a), [floats(3, 4)]),
    "tril_above": (lambda lib, a: a.tril(1), [floats(3, 4)]),
    "tril_below": (lambda lib, a: lib.tril(a, diagonal=-1), [floats(4, 3)]),
    "tril_far_below": (lambda lib, a: lib.tril(a, -5), [floats(3, 4)]),
    "tril_batched": (lambda lib, a: lib.tril(a), [floats(2, 3, 3)]),
    "tril_transposed": (lambda lib, a: lib.tril(a.transpose(-1, -2), 1), [floats(2, 3, 2)]),
    "tril_int": (lambda lib, i: lib.tril(i), [ints(3, 3)]),
    "tril_empty": (lambda lib, a: lib.tril(a), [floats(0, 3)]),
    "triu": (lambda lib, a: lib.triu(a), [floats(3, 4)]),
    "triu_above": (lambda lib, a: a.triu(2), [floats(3, 4)]),
    "triu_batched_below": (lambda lib, a: lib.triu(a, -1), [floats(2, 2, 3)]),
    "triu_far_above": (lambda lib, a: lib.triu(a, 10), [floats(3, 4)]),
    "triu_bool": (lambda lib, b: lib.triu(b), [bools(3, 3)]),
    "tril_indices": (lambda lib: lib.tril_indices(3, 3), []),
    "tril_indices_offset": (lambda lib: lib.tril_indices(3, 4, 1), []),
    "tril_indices_below": (lambda lib: lib.tril_indices(4, 3, offset=-1, dtype=lib.int32), []),
    "tril_indices_none": (lambda lib: lib.tril_indices(3, 4, -10), []),
    "tril_indices_empty": (lambda lib: lib.tril_indices(0, 4), []),
    "triu_indices": (lambda lib: lib.triu_indices(3, 4, 1), []),
    "triu_indices_all": (lambda lib: lib.triu_indices(2, 3, -10, device="cpu"), []),
    "triu_indices_no_cols": (lambda lib: lib.triu_indices(3, 0), []),
    # diag: 1-D -> matrix, matrix -> 1-D
    "diag_vector": (lambda lib, a: lib.diag(a), [floats(3)]),
    "diag_vector_above": (lambda lib, a: a.diag(1), [floats(3)]),
    "diag_vector_below": (lambda lib, a: lib.diag(a, diagonal=-2), [floats(2)]),
    "diag_vector_empty": (lambda lib, a: lib.diag(a, 2), [floats(0)]),
    "diag_matrix": (lambda lib, a: lib.diag(a), [floats(3, 4)]),
    "diag_matrix_above": (lambda lib, a: lib.diag(a, 1), [floats(3, 4)]),
    "diag_matrix_below": (lambda lib, a: lib.diag(a.t(), -2), [floats(3, 4)]),
    "diag_matrix_outside": (lambda lib, a: lib.diag(a, 5), [floats(3, 4)]),
    "diag_int": (lambda lib, i: lib.diag(i, -1), [ints(3)]),
    "diag_bool": (lambda lib, b: lib.diag(b), [bools(2, 2)]),
    # diagonal: a view
    "diagonal": (lambda lib, a: lib.diagonal(a), [floats(3, 4)]),
    "diagonal_above": (lambda lib, a: a.diagonal(1), [floats(3, 4)]),
    "diagonal_swapped_dims": (lambda lib, a: lib.diagonal(a, -1, 1, 0), [floats(3, 4)]),
    "diagonal_batched": (lambda lib, a: lib.diagonal(a, 0, 1, 2), [floats(2, 3, 4)]),
    "diagonal_outer_dims": (lambda lib, a: lib.diagonal(a, 1, dim1=2, dim2=0), [floats(2, 3, 4)]),
    "diagonal_negative_dims": (
        lambda lib, a: a.diagonal(offset=-1, dim1=-1, dim2=-3),
        [floats(3, 2, 2)],
    ),
    "diagonal_outside": (lambda lib, a: lib.diagonal(a, 10), [floats(3, 4)]),
    "diagonal_of_view": (
        lambda lib, a: lib.diagonal(a.permute(2, 0, 1), 0, 0, 2),
        [floats(2, 3, 4)],
    ),
    "diagonal_int": (lambda lib, i: lib.diagonal(i), [ints(3, 3)]),
    "diagonal_empty": (lambda lib, a: lib.diagonal(a), [floats(0, 3)]),
    # diag_embed, diagflat
    "diag_embed": (lambda lib, a: lib.diag_embed(a), [floats(2, 3)]),
    "diag_embed_above": (lambda lib, a: a.diag_embed(1), [floats(2, 3)]),
    "diag_embed_outer_dims": (lambda lib, a: lib.diag_embed(a, -1, 0, 2), [floats(2, 2)]),
    "diag_embed_reversed_dims": (
        lambda lib, a: lib.diag_embed(a, 1, dim1=-1, dim2=1),
        [floats(2, 2, 3)],
    ),
    "diag_embed_vector": (lambda lib, a: lib.diag_embed(a), [floats(3)]),
    "diag_embed_empty": (lambda lib, a: lib.diag_embed(a), [floats(0)]),
    "diag_embed_int": (lambda lib, i: lib.diag_embed(i, 1), [ints(2, 2)]),
    "diagflat": (lambda lib, a: lib.diagflat(a), [floats(2, 2)]),
    "diagflat_below": (lambda lib, a: lib.diagflat(a, -1), [floats(3)]),
    "diagflat_0d": (lambda lib, a: lib.diagflat(a, offset=1), [floats()]),
    "diagflat_empty": (lambda lib, a: lib.diagflat(a, 1), [floats(2, 0, 2)]),
    "diagflat_int": (lambda lib, i: lib.diagflat(i), [ints(2, 2)]),
    # trace
    "trace": (lambda lib, a: lib.trace(a), [floats(3, 4)]),
    "trace_tall": (lambda lib, a: a.trace(), [floats(4, 3)]),
    "trace_transposed": (lambda lib, a: lib.trace(a.t()), [floats(2, 3)]),
    "trace_empty": (lambda lib, a: lib.trace(a), [floats(0, 2)]),
    "trace_int32": (lambda lib, i: lib.trace(i), [ints(3, 3, dtype="int32")]),
    "trace_uint8": (lambda lib, i: lib.trace(i), [ints(3, 2, dtype="uint8", low=0)]),
    "trace_half": (lambda lib, a: lib.trace(a), [Spec((3, 3), "float16")]),
    # block_diag
    "block_diag": (
        lambda lib, a, b, c: lib.block_diag(a, b, c),
        [floats(), floats(2), floats(2, 1)],
    ),
    "block_diag_one": (lambda lib, a: lib.block_diag(a), [floats(2, 3)]),
    "block_diag_promotes": (lambda lib, i, a: lib.block_diag(i, a), [ints(2, 2), floats(1, 2)]),
    "block_diag_low_priority_0d": (
        lambda lib, a, b: lib.block_diag(a, b),
        [Spec((), "float64"), floats(2)],
    ),
    "block_diag_bool_int8": (
        lambda lib, b, i: lib.block_diag(b, i),
        [bools(1), ints(2, dtype="int8")],
    ),
    "block_diag_empty_blocks": (
        lambda lib, a, b, c: lib.block_diag(a, b, c),
        [floats(0), floats(0, 2), floats(2, 0)],
    ),
    "block_diag_none": (lambda lib: lib.block_diag(), []),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_matches_torch(name, rng):
    fn, specs = CASES[name]
    compare_with_torch(fn, *_inputs(specs, rng))


@pytest.mark.parametrize(
    "name", [n for n in sorted(CASES) if CASES[n][1] and _all_float(CASES[n][1])]
)
def test_gradcheck(name, rng):
    fn, specs = CASES[name]
    arrays = [a.astype(np.float64) for a in _inputs(specs, rng)]
    check_gradients(lambda *t: fn(nr, *t), *arrays, second_order=True)


# -- diagonal is a view -------------------------------------------------------------------

DIAGONAL_VIEWS = {
    "main": lambda lib, x: x.diagonal(),
    "offset": lambda lib, x: lib.diagonal(x, 1),
    "swapped_dims": lambda lib, x: x.diagonal(-1, 1, 0),
    "of_transposed": lambda lib, x: x.t().diagonal(),
    "of_strided": lambda lib, x: x[:, ::2].diagonal(),
}


@pytest.mark.parametrize("name", sorted(DIAGONAL_VIEWS))
def test_diagonal_shares_storage_and_version(name):
    base = nr.arange(12.0).reshape(3, 4).clone()
    out = DIAGONAL_VIEWS[name](nr, base)
    assert out._base is base and out._version is base._version
    assert np.shares_memory(out.numpy(), base.numpy())
    out.fill_(-1.0)  # writing through the view is seen in the base, as in PyTorch
    assert base._version[0] == 1
    if torch is not None:
        theirs = torch.arange(12.0).reshape(3, 4)
        DIAGONAL_VIEWS[name](torch, theirs).fill_(-1.0)
        np.testing.assert_array_equal(base.numpy(), theirs.numpy())


def test_diagonal_of_view_writes_into_its_base():
    base = nr.zeros(2, 3, 3)
    base[1].diagonal().add_(nr.tensor([1.0, 2.0, 3.0]))
    assert base[1].tolist() == [[1.0, 0.0, 0.0], [0.0, 2.0, 0.0], [0.0, 0.0, 3.0]]
    assert base[0].sum().item() == 0.0


@pytest.mark.parametrize(
    "fn",
    [
        lambda x: nr.diag(x),
        lambda x: nr.trace(x),
        lambda x: nr.tril(x),
        lambda x: nr.diagflat(x),
        lambda x: nr.block_diag(x),
    ],
)
def test_other_ops_copy(fn):
    base = nr.ones(2, 2)
    out = fn(base)
    assert out._base is None and not np.shares_memory(out.numpy(), base.numpy())


# -- in-place variants -------------------------------------------------------------------

INPLACE = {
    "tril_": (lambda lib, a: a.tril_(), [floats(3, 4)]),
    "tril_offset_": (lambda lib, a: a.tril_(-1), [floats(2, 3, 3)]),
    "triu_": (lambda lib, a: a.triu_(1), [floats(3, 4)]),
    "triu_int_": (lambda lib, i: i.triu_(), [ints(3, 3)]),
}


@pytest.mark.parametrize("name", sorted(INPLACE))
def test_inplace_on_views(name, rng):
    """In place on the (non-contiguous) inputs themselves, without autograd."""
    fn, specs = INPLACE[name]
    compare_with_torch(fn, *_inputs(specs, rng), grad=False)


@pytest.mark.parametrize("name", [n for n in sorted(INPLACE) if _all_float(INPLACE[n][1])])
def test_inplace_gradients(name, rng):
    """In place on a non-leaf (``a * 1``): gradients flow through the old value."""
    fn, specs = INPLACE[name]
    compare_with_torch(lambda lib, a: fn(lib, a * 1), *_inputs(specs, rng))


# -- errors ---------------------------------------------------------------------------------

# name -> (fn(lib), the exception type PyTorch raises too, neurarust's message)
ERRORS = {
    "tril_1d": (
        lambda lib: lib.tril(lib.ones(3)),
        RuntimeError,
        "tril: input tensor must have at least 2 dimensions",
    ),
    "triu_0d": (
        lambda lib: lib.triu(lib.tensor(1.0)),
        RuntimeError,
        "triu: input tensor must have at least 2 dimensions",
    ),
    "tril_float_diagonal": (
        lambda lib: lib.tril(lib.ones(2, 2), diagonal=1.5),
        TypeError,
        r"tril\(\): argument 'diagonal' must be int, not float",
    ),
    "tril_indices_negative_row": (
        lambda lib: lib.tril_indices(-1, 4),
        RuntimeError,
        "tril_indices: row must be non-negative, got -1",
    ),
    "triu_indices_negative_col": (
        lambda lib: lib.triu_indices(3, -4),
        RuntimeError,
        "triu_indices: col must be non-negative, got -4",
    ),
    "tril_indices_float_dtype": (
        lambda lib: lib.tril_indices(3, 3, dtype=lib.float32),
        NotImplementedError,
        r"tril_indices: not implemented for float32 \(int32 or int64 only\)",
    ),
    "triu_indices_int16": (
        lambda lib: lib.triu_indices(3, 3, dtype=lib.int16),
        NotImplementedError,
        "triu_indices: not implemented for int16",
    ),
    "tril_indices_float_row": (
        lambda lib: lib.tril_indices(3.0, 3),
        TypeError,
        r"tril_indices\(\): argument 'row' must be int, not float",
    ),
    "diag_3d": (
        lambda lib: lib.diag(lib.ones(2, 2, 2)),
        RuntimeError,
        r"diag\(\): Supports 1D or 2D tensors. Got 3D",
    ),
    "diag_0d": (
        lambda lib: lib.diag(lib.tensor(1.0)),
        RuntimeError,
        r"diag\(\): Supports 1D or 2D tensors. Got 0D",
    ),
    "diagonal_same_dims": (
        lambda lib: lib.diagonal(lib.ones(2, 3, 4), 0, 1, -2),
        RuntimeError,
        "diagonal: diagonal dimensions cannot be identical 1, -2",
    ),
    "diagonal_dim": (
        lambda lib: lib.diagonal(lib.ones(2, 3, 4), 0, 1, 3),
        IndexError,
        r"diagonal: Dimension out of range \(expected to be in range of \[-3, 2\], but got 3\)",
    ),
    "diagonal_1d": (
        lambda lib: lib.diagonal(lib.ones(3)),
        IndexError,
        r"diagonal: Dimension out of range \(expected to be in range of \[-1, 0\], but got 1\)",
    ),
    "diag_embed_same_dims": (
        lambda lib: lib.diag_embed(lib.ones(2), 0, 0, 0),
        RuntimeError,
        "diag_embed: diagonal dimensions cannot be identical 0, 0",
    ),
    "diag_embed_dim": (
        lambda lib: lib.diag_embed(lib.ones(2), 0, 0, 2),
        IndexError,
        r"diag_embed: Dimension out of range \(expected to be in range of \[-2, 1\], but got 2\)",
    ),
    "diag_embed_0d": (
        lambda lib: lib.diag_embed(lib.tensor(1.0)),
        IndexError,
        r"diag_embed: Dimension out of range \(expected to be in range of \[-1, 0\], but got -2\)",
    ),
    "trace_1d": (
        lambda lib: lib.trace(lib.ones(2)),
        RuntimeError,
        "trace: expected a matrix, but got tensor with dim 1",
    ),
    "trace_3d": (
        lambda lib: lib.trace(lib.ones(2, 2, 2)),
        RuntimeError,
        "trace: expected a matrix, but got tensor with dim 3",
    ),
    "trace_bool": (
        lambda lib: lib.trace(lib.ones(2, 2, dtype=lib.bool)),
        NotImplementedError,
        "trace: not implemented for bool tensors",
    ),
    "block_diag_3d": (
        lambda lib: lib.block_diag(lib.ones(1), lib.ones(2, 2, 2)),
        RuntimeError,
        "block_diag: Input tensors must have 2 or fewer dimensions. Input 1 has 3 dimensions",
    ),
    "block_diag_list": (
        lambda lib: lib.block_diag(lib.ones(1), [1.0]),
        TypeError,
        "block_diag: expected Tensor as element 1, but got list",
    ),
    "tril__leaf": (
        lambda lib: lib.ones(2, 3, requires_grad=True).tril_(),
        RuntimeError,
        "tril_: a leaf Variable that requires grad is being used in an in-place operation.",
    ),
}


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_errors(name):
    fn, error, match = ERRORS[name]
    with pytest.raises(error, match=match):
        fn(nr)
    if torch is not None:
        with pytest.raises(error):
            fn(torch)
