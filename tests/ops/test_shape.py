"""Shape ops against PyTorch: values, dtypes, gradients, view semantics and errors."""

import warnings

import numpy as np
import pytest

import neurarust as nr

from ..conftest import check_gradients, compare_with_torch, torch

# name -> (fn(lib, *tensors), input shapes). Inputs are non-contiguous views.
CASES = {
    "reshape": (lambda lib, a: a.reshape(4, -1), [(2, 3, 2)]),
    "reshape_copy": (lambda lib, a: a.transpose(0, 1).reshape(-1), [(2, 3, 2)]),
    "reshape_fn": (lambda lib, a: lib.reshape(a, (6, 2)), [(2, 3, 2)]),
    "view": (lambda lib, a: a.view(3, 4), [(2, 3, 2)]),
    "view_infer": (lambda lib, a: a.view(-1), [(2, 3)]),
    "view_as": (lambda lib, a, b: a.view_as(b), [(2, 3), (3, 2)]),
    "reshape_as": (lambda lib, a, b: a.t().reshape_as(b), [(2, 3), (6,)]),
    "contiguous": (lambda lib, a: a.t().contiguous(), [(3, 4)]),
    "flatten": (lambda lib, a: a.flatten(1), [(2, 3, 2)]),
    "flatten_fn": (lambda lib, a: lib.flatten(a.transpose(0, 2), 0, 1), [(2, 3, 2)]),
    "flatten_0d": (lambda lib, a: a.sum().flatten(), [(2,)]),
    "flatten_0d_dims": (lambda lib, a: lib.flatten(a.sum(), -1, 0), [(2,)]),
    "unflatten": (lambda lib, a: a.unflatten(1, (2, -1)), [(3, 4)]),
    "permute": (lambda lib, a: a.permute(2, 0, 1), [(2, 3, 2)]),
    "permute_fn": (lambda lib, a: lib.permute(a, (1, 0, 2)), [(2, 3, 2)]),
    "transpose": (lambda lib, a: a.transpose(0, -1), [(2, 3, 2)]),
    "swapaxes": (lambda lib, a: lib.swapaxes(a, 0, 1), [(2, 3)]),
    "t": (lambda lib, a: a.t(), [(3, 4)]),
    "t_1d": (lambda lib, a: a.t(), [(3,)]),
    "T": (lambda lib, a: a.T, [(3, 2)]),
    "mT": (lambda lib, a: a.mT, [(2, 3, 2)]),
    "swapdims": (lambda lib, a: lib.swapdims(a, 2, 0), [(2, 3, 2)]),
    "squeeze_all": (lambda lib, a: a.squeeze(), [(2, 1, 3, 1)]),
    "squeeze_dim": (lambda lib, a: a.squeeze(1), [(2, 1, 3, 1)]),
    "squeeze_dims": (lambda lib, a: a.squeeze((1, -1, 0)), [(2, 1, 3, 1)]),
    "squeeze_0d": (lambda lib, a: a.sum().squeeze(-1), [(2,)]),
    "unsqueeze": (lambda lib, a: a.unsqueeze(-1), [(2, 3)]),
    "unsqueeze_front": (lambda lib, a: lib.unsqueeze(a, 0), [(2, 3)]),
    "expand": (lambda lib, a: a.expand(2, 3, -1), [(3, 1)]),
    "expand_list": (lambda lib, a: a.expand([2, 3, 4]), [(3, 1)]),
    "expand_as": (lambda lib, a, b: a.expand_as(b), [(1, 3), (4, 3)]),
    "repeat": (lambda lib, a: a.repeat(2, 1, 3), [(2, 3)]),
    "tile_short": (lambda lib, a: a.tile(2), [(2, 3)]),
    "tile_fn": (lambda lib, a: lib.tile(a, (2, 2, 1)), [(2, 3)]),
    "flip": (lambda lib, a: a.flip(0, 2), [(2, 3, 2)]),
    "flip_kw": (lambda lib, a: lib.flip(a, dims=[1]), [(2, 3)]),
    "flip_0d": (lambda lib, a: a.sum().flip(0), [(2,)]),
    "roll_flat": (lambda lib, a: a.roll(2), [(2, 3)]),
    "roll_dims": (lambda lib, a: a.roll((1, -2), (0, 1)), [(2, 3)]),
    "roll_one_dim": (lambda lib, a: lib.roll(a, shifts=4, dims=-1), [(2, 3)]),
    "roll_flat_tuple": (lambda lib, a: a.roll((-1,)), [(2, 3)]),
    "cat": (lambda lib, a, b: lib.cat([a, b], 1), [(2, 3), (2, 4)]),
    "cat_three": (lambda lib, a, b, c: lib.cat((a, b, c), dim=-1), [(2, 1), (2, 3), (2, 2)]),
    "cat_legacy_empty": (lambda lib, a: lib.cat([lib.zeros(0), a]), [(2, 3)]),
    "cat_legacy_empty_int": (lambda lib, a: lib.cat([a, lib.zeros(0, dtype=lib.int64)]), [(2,)]),
    "concat": (lambda lib, a, b: lib.concat([a, b]), [(1, 3), (2, 3)]),
    "concatenate": (lambda lib, a, b: lib.concatenate((a, b), axis=1), [(2, 1), (2, 3)]),
    "stack": (lambda lib, a, b: lib.stack([a, b], 1), [(2, 3), (2, 3)]),
    "stack_last": (lambda lib, a, b: lib.stack([a, b], dim=-1), [(2, 3), (2, 3)]),
    "split": (lambda lib, a: a.split(2, 1), [(3, 5)]),
    "split_sections": (lambda lib, a: lib.split(a, [1, 3, 1], dim=1), [(3, 5)]),
    "split_partly_used": (lambda lib, a: a.split(2)[1], [(5, 2)]),
    "chunk": (lambda lib, a: a.chunk(3, 1), [(2, 5)]),
    "chunk_fewer": (lambda lib, a: lib.chunk(a, 4), [(6,)]),
    "chunk_empty": (lambda lib, a: a[:, :0].chunk(3, 1), [(2, 3)]),
    "unbind": (lambda lib, a: a.unbind(1), [(2, 3)]),
    "unbind_1d": (lambda lib, a: lib.unbind(a), [(3,)]),
    "clone": (lambda lib, a: a.clone(), [(2, 3)]),
    "movedim": (lambda lib, a: a.movedim(0, -1), [(2, 3, 2)]),
    "movedim_many": (lambda lib, a: lib.movedim(a, (0, 1), (2, 0)), [(2, 3, 4)]),
    "moveaxis": (lambda lib, a: lib.moveaxis(a, -1, 0), [(2, 3, 4)]),
    "narrow": (lambda lib, a: a.narrow(1, 1, 2), [(2, 4)]),
    "narrow_negative": (lambda lib, a: lib.narrow(a, -1, -3, 2), [(2, 4)]),
    "narrow_tensor_start": (lambda lib, a: a.narrow(1, lib.tensor(-3), 2), [(2, 4)]),
    "narrow_empty": (lambda lib, a: a.narrow(0, 3, 0), [(3, 2)]),
    "iter": (lambda lib, a: list(a), [(3, 2)]),
    "squeeze_list": (lambda lib, a: lib.squeeze(a, [0, 2]), [(1, 2, 1)]),
    "squeeze_no_dims": (lambda lib, a: a.squeeze(()), [(1, 2)]),
    "squeeze_empty": (lambda lib, a: a[:0].squeeze(), [(2, 1)]),
    "split_empty_dim": (lambda lib, a: a[:, :0].split(2, 1), [(2, 3)]),
    "split_zero_sizes": (lambda lib, a: a.split([0, 3, 0], 1), [(2, 3)]),
    "movedim_0d": (lambda lib, a: a.sum().movedim(0, -1), [(2,)]),
    "movedim_nothing": (lambda lib, a: a.movedim((), ()), [(2, 3)]),
    "swapaxes_0d": (lambda lib, a: a.sum().swapaxes(0, -1), [(2,)]),
    "swapaxes_kw": (lambda lib, a: lib.swapaxes(a, axis0=-1, axis1=0), [(2, 3, 2)]),
    "view_as_empty": (lambda lib, a, b: a[:0].view_as(b[:, :0]), [(2, 3), (3, 2)]),
    "reshape_as_0d": (lambda lib, a, b: a.reshape_as(b.sum()), [(1, 1), (2,)]),
    "select": (lambda lib, a: a.select(1, -1), [(2, 3)]),
    "select_fn": (lambda lib, a: lib.select(a, -3, 1), [(2, 3, 2)]),
    "select_to_0d": (lambda lib, a: a.select(0, 2), [(3,)]),
    "tensor_split_sections": (lambda lib, a: a.tensor_split(3, 1), [(2, 5)]),
    "tensor_split_many_sections": (lambda lib, a: lib.tensor_split(a, 4), [(3,)]),
    "tensor_split_indices": (lambda lib, a: lib.tensor_split(a, [1, 3], dim=-1), [(2, 5)]),
    "tensor_split_unsorted": (lambda lib, a: a.tensor_split((3, 1, -1), 1), [(2, 5)]),
    "tensor_split_clamped": (lambda lib, a: a.tensor_split([-10, 10]), [(3, 2)]),
    "tensor_split_no_indices": (lambda lib, a: a.tensor_split([], 1), [(3, 2)]),
    "tensor_split_0d_tensor": (lambda lib, a: a.tensor_split(lib.tensor(2)), [(3, 2)]),
    "tensor_split_1d_tensor": (lambda lib, a: a.tensor_split(lib.tensor([1, 2]), 1), [(2, 4)]),
    "tensor_split_empty": (lambda lib, a: a[:0].tensor_split(2), [(2, 3)]),
    "hsplit": (lambda lib, a: a.hsplit(2), [(2, 4)]),
    "hsplit_1d": (lambda lib, a: lib.hsplit(a, [1]), [(3,)]),
    "vsplit": (lambda lib, a: a.vsplit([1, 2]), [(3, 2)]),
    "dsplit": (lambda lib, a: lib.dsplit(a, 2), [(2, 1, 4)]),
    "hstack": (lambda lib, a, b: lib.hstack([a, b]), [(2, 1), (2, 3)]),
    "hstack_1d_and_0d": (lambda lib, a, b: lib.hstack((a, b.sum())), [(2,), (2,)]),
    "hstack_legacy_empty": (lambda lib, a, b: lib.hstack([a[:0], b]), [(2,), (3,)]),
    "vstack": (lambda lib, a, b: lib.vstack([a, b]), [(3,), (2, 3)]),
    "vstack_0d": (lambda lib, a: lib.vstack([a.sum(), a[0]]), [(2,)]),
    "row_stack": (lambda lib, a, b: lib.row_stack((a, b)), [(2,), (2,)]),
    "dstack": (lambda lib, a, b: lib.dstack([a, b]), [(2, 3), (2, 3, 2)]),
    "dstack_1d": (lambda lib, a, b: lib.dstack([a, b]), [(3,), (3,)]),
    "column_stack": (lambda lib, a, b, c: lib.column_stack([a, b, c]), [(2,), (2, 3), (2, 1)]),
    "column_stack_0d": (lambda lib, a: lib.column_stack([a.sum(), a[1]]), [(2,)]),
    "column_stack_3d": (lambda lib, a, b: lib.column_stack([a, b]), [(2, 1, 2), (2, 3, 2)]),
    "atleast_1d": (lambda lib, a: lib.atleast_1d(a.sum()), [(2,)]),
    "atleast_1d_many": (lambda lib, a, b: lib.atleast_1d(a.sum(), b), [(2,), (2, 3)]),
    "atleast_2d": (lambda lib, a, b: lib.atleast_2d([a, b.sum()]), [(3,), (2,)]),
    "atleast_3d": (lambda lib, a, b, c: lib.atleast_3d(a, b, c.sum()), [(3,), (2, 3), (2,)]),
    "atleast_3d_one": (lambda lib, a: lib.atleast_3d(a), [(3,)]),
    "meshgrid_ij": (lambda lib, a, b: lib.meshgrid(a, b, indexing="ij"), [(3,), (2,)]),
    "meshgrid_xy": (
        lambda lib, a, b, c: lib.meshgrid(a, b.sum(), c, indexing="xy"),
        [(3,), (2,), (2,)],
    ),
    "meshgrid_list": (lambda lib, a: lib.meshgrid([a], indexing="xy"), [(3,)]),
    "meshgrid_empty": (lambda lib, a, b: lib.meshgrid((a, b[:0]), indexing="ij"), [(3,), (2,)]),
    "cartesian_prod": (lambda lib, a, b: lib.cartesian_prod(a, b), [(3,), (2,)]),
    "cartesian_prod_three": (lambda lib, a, b, c: lib.cartesian_prod(a, b, c), [(2,), (3,), (2,)]),
    "cartesian_prod_one": (lambda lib, a: lib.cartesian_prod(a), [(3,)]),
    "cartesian_prod_empty": (lambda lib, a, b: lib.cartesian_prod(a, b[:0]), [(3,), (2,)]),
}


def _inputs(shapes, rng, dtype=np.float32):
    return [rng.standard_normal(s).astype(dtype) for s in shapes]


@pytest.mark.parametrize("name", sorted(CASES))
def test_matches_torch(name, rng):
    fn, shapes = CASES[name]
    compare_with_torch(fn, *_inputs(shapes, rng))


# gradgradcheck cannot yet perturb a zero-element gradient input (autograd/gradcheck.py).
FIRST_ORDER_ONLY = {
    "cartesian_prod_empty",
    "chunk_empty",
    "meshgrid_empty",
    "narrow_empty",
    "split_empty_dim",
    "split_zero_sizes",
    "squeeze_empty",
    "tensor_split_clamped",
    "tensor_split_empty",
    "tensor_split_many_sections",
    "tensor_split_unsorted",
    "view_as_empty",
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_gradcheck(name, rng):
    fn, shapes = CASES[name]
    second = name not in FIRST_ORDER_ONLY
    check_gradients(lambda *t: fn(nr, *t), *_inputs(shapes, rng, np.float64), second_order=second)


@pytest.mark.parametrize(
    "fn",
    [
        lambda lib, a, b: lib.cat([a, b]),
        lambda lib, a, b: lib.stack([a, b], 1),
        lambda lib, a, b: lib.cat([b, a, b], 1),
        lambda lib, a, b: lib.hstack([a, b]),
        lambda lib, a, b: lib.vstack([b, a]),
        lambda lib, a, b: lib.dstack([a, b]),
        lambda lib, a, b: lib.column_stack([a[:, 0], b]),
    ],
)
@pytest.mark.parametrize(
    "dtypes", [("int32", "float16"), ("bool", "int64"), ("float32", "float64"), ("uint8", "int8")]
)
def test_join_promotes_dtypes_like_torch(fn, dtypes, rng):
    a, b = (rng.integers(0, 2, (2, 3)).astype(d) for d in dtypes)
    compare_with_torch(fn, a, b)


@pytest.mark.parametrize("name", sorted(n for n, (_, shapes) in CASES.items() if len(shapes) == 1))
def test_integer_inputs_keep_their_dtype(name, rng):
    fn, (shape,) = CASES[name]
    compare_with_torch(fn, rng.integers(-5, 5, shape).astype(np.int32))


# -- view semantics -----------------------------------------------------------------------

VIEWS = {
    "view": lambda x: x.view(6),
    "reshape": lambda x: x.reshape(3, 2),
    "permute": lambda x: x.permute(1, 0),
    "transpose": lambda x: x.transpose(0, 1),
    "t": lambda x: x.t(),
    "squeeze": lambda x: x.unsqueeze(0).squeeze(0),
    "unsqueeze": lambda x: x.unsqueeze(1),
    "flatten": lambda x: x.flatten(),
    "unflatten": lambda x: x.unflatten(1, (3, 1)),
    "narrow": lambda x: x.narrow(1, 1, 2),
    "movedim": lambda x: x.movedim(0, 1),
    "unbind": lambda x: x.unbind(1)[2],
    "split": lambda x: x.split(1, 1)[1],
    "chunk": lambda x: x.chunk(2)[1],
    "getitem": lambda x: x[1, 1:],
    "select": lambda x: x.select(1, -1),
    "tensor_split": lambda x: x.tensor_split([1, 2], 1)[1],
    "tensor_split_overlapping": lambda x: x.tensor_split([2, 1], 1)[2],
    "hsplit": lambda x: x.hsplit(3)[0],
    "vsplit": lambda x: x.vsplit([1])[1],
    "dsplit": lambda x: nr.atleast_3d(x).dsplit([0])[1],
    "atleast_1d": lambda x: nr.atleast_1d(x[1, 2]),
    "atleast_2d": lambda x: nr.atleast_2d(x[1]),
    "atleast_3d": lambda x: nr.atleast_3d(x),
}
COPIES = {
    "repeat": lambda x: x.repeat(1, 1),
    "flip": lambda x: x.flip(0),
    "roll": lambda x: x.roll(1),
    "cat": lambda x: nr.cat([x]),
    "stack": lambda x: nr.stack([x]),
    "clone": lambda x: x.clone(),
    "reshape_strided": lambda x: x.t().reshape(6),
    "hstack": lambda x: nr.hstack([x]),
    "vstack": lambda x: nr.vstack([x]),
    "dstack": lambda x: nr.dstack([x]),
    "column_stack": lambda x: nr.column_stack([x]),
    "cartesian_prod": lambda x: nr.cartesian_prod(x[0], x[1]),
}


@pytest.mark.parametrize("name", sorted(VIEWS))
def test_view_ops_share_storage_and_version(name):
    base = nr.arange(6.0).reshape(2, 3).clone()
    out = VIEWS[name](base)
    assert out._base is base
    assert out._version is base._version
    assert np.shares_memory(out.numpy(), base.numpy())
    out.fill_(-1.0)  # writing through the view is seen in the base
    assert base._version[0] == 1
    assert (base.numpy() == -1).sum() == out.numel()
    base.add_(1.0)  # and writing through the base is seen in the view
    assert (out.numpy() == 0).all()


@pytest.mark.parametrize("name", sorted(COPIES))
def test_copy_ops_own_their_storage(name):
    base = nr.arange(6.0).reshape(2, 3).clone()
    out = COPIES[name](base)
    assert out._base is None
    out.fill_(-1.0)
    assert base.tolist() == [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]]


@pytest.mark.parametrize("indexing", ["ij", "xy"])
def test_meshgrid_outputs_are_broadcast_views_of_the_inputs(indexing):
    rows, cols = nr.arange(3.0), nr.arange(2.0)
    grids = nr.meshgrid(rows, cols, indexing=indexing)
    for grid, base in zip(grids, (rows, cols)):
        assert grid._base is base and grid._version is base._version
        assert np.shares_memory(grid.numpy(), base.numpy())
    rows.add_(10.0)  # writing through the base is seen in its grid
    expected = torch.meshgrid(torch.arange(3.0) + 10, torch.arange(2.0), indexing=indexing)
    np.testing.assert_array_equal(grids[0].numpy(), expected[0].numpy())


def test_meshgrid_without_indexing_warns_once_and_uses_ij(monkeypatch):
    monkeypatch.setattr(nr.ops.shape, "_warned", set())
    a, b = nr.arange(3), nr.arange(2)
    with pytest.warns(UserWarning, match="meshgrid: .* required to pass the indexing argument"):
        grids = nr.meshgrid(a, b)
    expected = torch.meshgrid(torch.arange(3), torch.arange(2), indexing="ij")
    assert [g.tolist() for g in grids] == [e.tolist() for e in expected]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # PyTorch warns once per process, and so do we
        nr.meshgrid(a, b)


@pytest.mark.parametrize("op, ndim", [(nr.atleast_1d, 1), (nr.atleast_2d, 2), (nr.atleast_3d, 3)])
def test_atleast_returns_the_input_when_it_has_enough_dims_and_tuples_for_many(op, ndim):
    x = nr.zeros((2,) * ndim)
    assert op(x) is x
    assert op(nr.zeros((2,) * (ndim + 1))).dim() == ndim + 1
    for many in [(x, x[0]), ([x],), ((x, x),)]:
        out = op(*many)
        assert isinstance(out, tuple) and all(t.dim() >= ndim for t in out)
    assert op() == () and op([]) == ()


def test_cartesian_prod_of_one_tensor_returns_it():
    x = nr.arange(3)
    assert nr.cartesian_prod(x) is x


def test_expand_is_a_view():
    base = nr.zeros(3, 1)
    out = base.expand(2, 3, 4)
    assert out._base is base and np.shares_memory(out.numpy(), base.numpy())


def test_setitem_through_view_changes_base():
    a = nr.arange(6.0)
    b = a.view(6)
    b[0] = 5
    c = a.view(2, 3)
    c[1] = nr.tensor([7.0, 8.0, 9.0])
    assert a.tolist() == [5.0, 1.0, 2.0, 7.0, 8.0, 9.0]
    assert a._version is b._version is c._version and a._version[0] == 2


def test_inplace_op_through_view_changes_base():
    a = nr.zeros(2, 3)
    a.t().add_(1)
    a.view(6)[1:3].add_(nr.tensor([1.0, 2.0]))
    assert a.tolist() == [[1.0, 2.0, 3.0], [1.0, 1.0, 1.0]]
    assert a._version[0] == 2


DTYPE_VIEWS = [
    ("float32", "int32"),
    ("float32", "float16"),
    ("float32", "float64"),
    ("int16", "uint8"),
    ("uint8", "bool"),
]


@pytest.mark.parametrize("source, target", DTYPE_VIEWS)
def test_view_as_dtype_reads_the_same_bytes(source, target, rng):
    data = rng.integers(0, 2, (2, 4)).astype(source)
    compare_with_torch(lambda lib, a: a.view(getattr(lib, target)), data, contiguous=True)
    compare_with_torch(lambda lib, a: a.view(dtype=getattr(lib, target)), data, contiguous=True)


def test_view_as_dtype_is_a_view_without_gradient():
    base = nr.zeros(2, 4, requires_grad=True)
    out = base.view(nr.float32)
    assert out._base is base and out._version is base._version
    assert not out.requires_grad and out.grad_fn is None
    assert np.shares_memory(out.detach().numpy(), base.detach().numpy())


def test_contiguous_returns_self_when_contiguous():
    x = nr.zeros(2, 3)
    assert x.contiguous() is x
    assert x.t().contiguous().is_contiguous()


def test_flatten_single_dim_returns_input():
    x = nr.zeros(2, 3)
    assert x.flatten(1, 1) is x


# (base shape, a function making a strided tensor, the shape to view it as)
VIEW_LAYOUTS = [
    ((2, 3), lambda lib, x: x.t(), (6,)),
    ((2, 3), lambda lib, x: x.t(), (3, 2, 1)),
    ((2, 3), lambda lib, x: x.t(), (1, 3, 1, 2)),
    ((4, 6), lambda lib, x: x[:, ::2], (12,)),
    ((4, 6), lambda lib, x: x[:, ::2], (2, 2, 3)),
    ((4, 6), lambda lib, x: x[::2], (12,)),
    ((4, 6), lambda lib, x: x[::2], (2, 2, 3)),
    ((2, 3, 4), lambda lib, x: x.permute(1, 0, 2), (3, 8)),
    ((2, 3, 4), lambda lib, x: x.permute(1, 0, 2), (6, 4)),
    ((2, 3, 4), lambda lib, x: x.transpose(1, 2)[:, 1:], (2, 9)),
    ((2, 3, 4), lambda lib, x: x.transpose(1, 2)[:, 1:], (2, 3, 1, 3)),
    ((2, 3, 4), lambda lib, x: x[:, 1:], (2, 8)),
    ((2, 3, 4), lambda lib, x: x[:, 1:], (4, 4)),
    ((3, 1), lambda lib, x: x.expand(3, 4), (12,)),
    ((3, 1), lambda lib, x: x.expand(3, 4), (3, 2, 2)),
    ((1, 1), lambda lib, x: x.expand(3, 4), (12,)),
]


@pytest.mark.parametrize("shape, make, target", VIEW_LAYOUTS)
def test_view_possible_exactly_when_torch_says_so(shape, make, target):
    data = np.arange(np.prod(shape), dtype=np.float32).reshape(shape)
    theirs = make(torch, torch.from_numpy(data.copy()))
    ours = make(nr, nr.from_numpy(data.copy()))
    try:
        expected = theirs.view(target)
    except RuntimeError:
        with pytest.raises(RuntimeError, match="view size is not compatible"):
            ours.view(target)
        assert ours.reshape(target)._base is None
        return
    got = ours.view(target)
    np.testing.assert_array_equal(got.numpy(), expected.numpy())
    assert np.shares_memory(got.numpy(), ours.numpy())
    assert ours.reshape(target)._base is not None


def test_split_gradient_of_unused_pieces_is_zero():
    x = nr.ones(4, 2, requires_grad=True)
    first, _ = x.split(2)
    first.sum().backward()
    assert x.grad.tolist() == [[1.0, 1.0], [1.0, 1.0], [0.0, 0.0], [0.0, 0.0]]


# -- errors -------------------------------------------------------------------------------


def _on_fake_cuda(t):
    """A tensor labelled cuda (its data stays in NumPy): enough to reach device checks."""
    return nr.Tensor._make(t._data, nr.device("cuda"))


SELECT_OUT_OF_RANGE = r"select\(\): index 5 out of range for tensor of size \[2, 3\] at dimension 0"
HSPLIT_NOT_DIVISIBLE = (
    "hsplit: attempted to split along dimension 1, but the size of the dimension 3 is not "
    "divisible by the split_size 2"
)
VSTACK_SIZES = "vstack: Sizes .* except in dimension 0. Expected size 3 but got size 4"
COLUMN_STACK_SIZES = "column_stack: Sizes .* except in dimension 1. Expected size 2 but got size 3"
MESHGRID_INDEXING = 'meshgrid: indexing must be one of "xy" or "ij", but received: ji'
MESHGRID_DIMS = r"meshgrid: Expected 0D or 1D tensor .* shape \[2, 3\] at position 1"
MESHGRID_DTYPES = "meshgrid: .* same dtype, but got float32 at position 0 and int32 at position 1"

ERRORS = [
    (lambda x: x.t().view(6), RuntimeError, r"view size is not compatible .* Use \.reshape"),
    (lambda x: x.view(4), RuntimeError, r"view: shape '\[4\]' is invalid for input of size 6"),
    (lambda x: x.reshape(-1, 4), RuntimeError, r"reshape: shape '\[-1, 4\]' is invalid"),
    (lambda x: x.reshape(-1, -1), RuntimeError, "reshape: only one dimension can be inferred"),
    (lambda x: x.view(2, -2), RuntimeError, "view: invalid shape dimension -2 at index 1"),
    (lambda x: x.flatten(1, 0), RuntimeError, "flatten: start_dim cannot come after end_dim"),
    (
        lambda x: x.unflatten(1, (2, 2)),
        RuntimeError,
        r"unflatten: Provided sizes \[2, 2\] don't multiply up to the size of dim 1 \(3\)",
    ),
    (
        lambda x: nr.zeros(0, 3).reshape(-1, 0),
        RuntimeError,
        r"reshape: cannot reshape tensor of 0 elements into shape \[-1, 0\] .* ambiguous",
    ),
    (lambda x: x.view(nr.float64), RuntimeError, r"view: self.size\(-1\) must be divisible by 2"),
    (lambda x: x.t().view(nr.float16), RuntimeError, r"view: self.stride\(-1\) must be 1"),
    (lambda x: x.sum().view(nr.int8), RuntimeError, r"view: self.dim\(\) cannot be 0"),
    (
        lambda x: x[:, :2].view(nr.float64),
        RuntimeError,
        r"view: self.stride\(0\) must be divisible by 2 to view float32 as float64",
    ),
    (lambda x: x.sum().flatten(0, 1), IndexError, r"flatten: .*\[-1, 0\], but got 1"),
    (lambda x: x.unflatten(1, ()), RuntimeError, "unflatten: sizes must be non-empty"),
    (lambda x: x.permute(0), RuntimeError, r"permute: .* input.dim\(\) = 2 is not equal to len"),
    (lambda x: x.permute(0, 0), RuntimeError, "permute: duplicate dims are not allowed"),
    (lambda x: x.permute(0, 2), IndexError, r"permute: Dimension out of range .*\[-2, 1\]"),
    (lambda x: x.transpose(0, 2), IndexError, "transpose: Dimension out of range"),
    (lambda x: x.unsqueeze(0).t(), RuntimeError, r"t: t\(\) expects .* <= 2 dimensions, .* 3D"),
    (lambda x: x.squeeze(2), IndexError, "squeeze: Dimension out of range"),
    (lambda x: x.squeeze((0, 0)), RuntimeError, "squeeze: dim .*appears multiple times"),
    (lambda x: x.unsqueeze(3), IndexError, r"unsqueeze: .*\[-3, 2\], but got 3"),
    (lambda x: x.expand(4), RuntimeError, r"expand: the number of sizes provided \(1\)"),
    (lambda x: x.expand(2, 4), RuntimeError, r"expand: The expanded size .* \(4\) must match"),
    (lambda x: x.expand(-1, 2, 3), RuntimeError, "leading, non-existing dimension 0"),
    (lambda x: x.repeat(2), RuntimeError, "repeat: Number of dimensions of repeat dims"),
    (lambda x: x.repeat(-1, 2), RuntimeError, r"repeat: .*negative dimension -1: \[-2, 6\]"),
    (lambda x: x.flip(0, 0), RuntimeError, "flip: dim .*appears multiple times"),
    (lambda x: x.roll((1, 2), 0), RuntimeError, "roll: shifts and dimensions must align"),
    (lambda x: x.roll((1, 2)), RuntimeError, "roll: shifts and dimensions must align"),
    (lambda x: nr.cat([]), ValueError, "cat: expected a non-empty list of Tensors"),
    (lambda x: nr.cat(x), TypeError, "cat: expected a sequence of Tensors"),
    (lambda x: nr.cat([x, 1]), TypeError, "cat: expected Tensor as element 1, but got int"),
    (
        lambda x: nr.cat([x, nr.zeros(2, 4)], 0),
        RuntimeError,
        "cat: Sizes of tensors must match except in dimension 0. Expected size 3 but got size 4 "
        "for tensor number 1 in the list.",
    ),
    (
        lambda x: nr.cat([x, nr.zeros(3, 4)], 1),
        RuntimeError,
        "Sizes of tensors must match except in dimension 1. Expected size 2 but got size 3",
    ),
    (lambda x: nr.cat([x, nr.zeros(3)]), RuntimeError, "cat: Tensors must have same number"),
    (lambda x: nr.cat([x.sum()]), RuntimeError, r"cat: zero-dimensional tensor \(at position 0"),
    (lambda x: nr.cat([x, x], 2), IndexError, "cat: Dimension out of range"),
    (lambda x: nr.cat([x, _on_fake_cuda(x)]), RuntimeError, "cat: .* devices, cpu and cuda:0"),
    (lambda x: nr.stack([]), RuntimeError, "stack: stack expects a non-empty TensorList"),
    (
        lambda x: nr.stack([x, nr.zeros(2, 4)]),
        RuntimeError,
        r"stack: stack expects each tensor to be equal size, but got \[2, 3\] at entry 0 and "
        r"\[2, 4\] at entry 1",
    ),
    (lambda x: nr.stack([x, x], 3), IndexError, r"stack: .*\[-3, 2\], but got 3"),
    (lambda x: nr.stack([x, _on_fake_cuda(x)]), RuntimeError, "stack: .* cpu and cuda:0"),
    (lambda x: x.split([1, 2]), RuntimeError, "split: .*sum exactly to 2 .* split_sizes=.1, 2."),
    (lambda x: x.split([-1, 3]), RuntimeError, "split: .*only non-negative entries"),
    (lambda x: x.split(0), RuntimeError, "split: split_size can only be 0 if dimension size"),
    (lambda x: x.split(-1), RuntimeError, "split: split expects split_size be non-negative"),
    (lambda x: x.sum().split(1), RuntimeError, r"split\(\) cannot be applied to a 0-dim"),
    (lambda x: x.sum().split([1]), RuntimeError, r"split\(\) cannot be applied to a 0-dim"),
    (lambda x: x.split(1.0), TypeError, r"split\(\): argument 'split_size_or_sections' must be"),
    (lambda x: x.split([1.0, 1.0]), TypeError, r"split\(\): .* must be int or tuple of ints"),
    (lambda x: x.chunk(0), RuntimeError, "chunk: chunk expects `chunks` to be greater than 0"),
    (lambda x: x.unbind(2), IndexError, "unbind: Dimension out of range"),
    (lambda x: x.sum().unbind(), IndexError, r"unbind\(\) cannot be applied to a 0-dim"),
    (lambda x: x.sum().chunk(1), RuntimeError, r"chunk\(\) cannot be applied to a 0-dim"),
    (lambda x: x.movedim((0, 1), (0,)), RuntimeError, r"movedim: Invalid source .*\(\[0\] dims\)"),
    (lambda x: x.movedim((0, 1), 0), TypeError, "movedim.*both be ints or both sequences"),
    (lambda x: x.movedim(0.0, 1), TypeError, r"movedim\(\): argument 'source' must be int, not"),
    (lambda x: x.movedim(0, 2), IndexError, r"movedim: Dimension out of range .*\[-2, 1\]"),
    (lambda x: x.sum().movedim(1, 0), IndexError, r"movedim: .*\[-1, 0\], but got 1"),
    (lambda x: x.movedim((0, 0), (0, 1)), RuntimeError, r"repeated dim in `source` \(\[0, 0\]"),
    (lambda x: x.movedim((0, 1), (1, -1)), RuntimeError, "repeated dim in `destination`"),
    (lambda x: x.narrow(1, 2, 2), RuntimeError, r"narrow: start \(2\) \+ length \(2\) exceeds"),
    (lambda x: x.narrow(1, 4, 0), IndexError, r"narrow: start out of range .*\[-3, 3\]"),
    (lambda x: x.narrow(1, 0, -1), RuntimeError, "narrow: length must be non-negative"),
    (lambda x: x.sum().narrow(0, 0, 1), RuntimeError, r"narrow\(\) cannot be applied to a 0-dim"),
    (lambda x: x.narrow(2, 0, 1), IndexError, r"narrow: Dimension out of range .*\[-2, 1\]"),
    (lambda x: x.narrow(1, 1.0, 1), TypeError, r"narrow\(\): argument 'start' must be int"),
    (lambda x: x.narrow(1, nr.tensor([1]), 1), RuntimeError, "start must be an 0-dim integral"),
    (lambda x: x.narrow(1, nr.tensor(1.0), 1), RuntimeError, "dtype float32 and shape \\[\\]"),
    (lambda x: x.narrow(1, nr.tensor(True), 1), RuntimeError, "start must be an 0-dim integral"),
    (lambda x: x.narrow(1, nr.tensor(4), 0), IndexError, r"narrow: start out of range"),
    (lambda x: x.squeeze(1.0), TypeError, r"squeeze\(\): argument 'dim' must be int, not float"),
    (lambda x: x.squeeze((0.0,)), TypeError, r"squeeze\(\): argument 'dim' must be int or tuple"),
    (lambda x: x.sum().squeeze((0, -1)), RuntimeError, "squeeze: dim .*appears multiple times"),
    (lambda x: x.sum().squeeze(1), IndexError, r"squeeze: .*\[-1, 0\], but got 1"),
    (lambda x: x.swapaxes(0, 2), IndexError, r"swapaxes: .*\[-2, 1\], but got 2"),
    (lambda x: x.sum().swapaxes(-2, 0), IndexError, r"swapaxes: .*\[-1, 0\], but got -2"),
    (lambda x: x.view_as(3), TypeError, r"view_as\(\): argument 'other' must be Tensor, not int"),
    (lambda x: x.reshape_as(None), TypeError, r"reshape_as\(\): argument 'other' must be Tensor"),
    (lambda x: x.view_as(nr.zeros(4)), RuntimeError, r"view: shape '\[4\]' is invalid for input"),
    (lambda x: x.t().view_as(nr.zeros(6)), RuntimeError, "view size is not compatible"),
    (lambda x: x.reshape_as(nr.zeros(5)), RuntimeError, r"reshape: shape '\[5\]' is invalid"),
    (lambda x: x.select(0, 5), IndexError, SELECT_OUT_OF_RANGE),
    (lambda x: x.select(-2, -3), IndexError, r"index -3 out of range .* at dimension 0"),
    (lambda x: nr.zeros(0, 2).select(0, 0), IndexError, r"index 0 out of .* size \[0, 2\]"),
    (lambda x: x.select(2, 0), IndexError, r"select: Dimension out of range .*\[-2, 1\]"),
    (lambda x: x.sum().select(0, 0), IndexError, r"select\(\) cannot be applied to a 0-dim"),
    (lambda x: x.select(0, 1.0), TypeError, r"select\(\): argument 'index' must be int, not float"),
    (lambda x: x.tensor_split(0), RuntimeError, "tensor_split: number of sections must be larger"),
    (lambda x: x.tensor_split(-1, 1), RuntimeError, "must be larger than 0, got -1"),
    (lambda x: x.tensor_split(nr.tensor([1.0])), RuntimeError, "dtype of long .*got float32"),
    (lambda x: x.tensor_split(nr.tensor([1], dtype=nr.int32)), RuntimeError, "got int32"),
    (lambda x: x.tensor_split(nr.tensor([[1]])), RuntimeError, "one-dimensional .* with 2 dims"),
    (lambda x: x.sum().tensor_split(2), RuntimeError, r"tensor_split\(\) cannot be applied"),
    (lambda x: x.tensor_split(2, 2), IndexError, r"tensor_split: Dimension out of range"),
    (lambda x: x.tensor_split(1.5), TypeError, r"tensor_split\(\): argument .* must be int"),
    (lambda x: x.tensor_split([1.5]), TypeError, r"tensor_split\(\): .* int or tuple of ints"),
    (lambda x: x.hsplit(2), RuntimeError, HSPLIT_NOT_DIVISIBLE),
    (lambda x: x.hsplit(0), RuntimeError, "hsplit: .*not divisible by the split_size 0"),
    (lambda x: x[0].hsplit(2), RuntimeError, "hsplit: .*along dimension 0, .* dimension 3 is not"),
    (
        lambda x: x.sum().hsplit(1),
        RuntimeError,
        "hsplit: requires .* at least 1 dim.* got .* 0 dim",
    ),
    (lambda x: x[0].vsplit(1), RuntimeError, "vsplit: requires .* at least 2 dim.* got .* 1 dim"),
    (lambda x: x.vsplit(-2), RuntimeError, "tensor_split: number of sections .* got -2"),
    (lambda x: x.dsplit(1), RuntimeError, "dsplit: requires .* at least 3 dim.* got .* 2 dim"),
    (
        lambda x: x[None].dsplit(2),
        RuntimeError,
        "dsplit: .*along dimension 2, .* 3 is not divisible",
    ),
    (lambda x: nr.hstack([]), RuntimeError, "hstack: hstack expects a non-empty TensorList"),
    (lambda x: nr.vstack([]), RuntimeError, "vstack: vstack expects a non-empty TensorList"),
    (lambda x: nr.row_stack([]), RuntimeError, "vstack: vstack expects a non-empty TensorList"),
    (lambda x: nr.dstack([]), RuntimeError, "dstack: dstack expects a non-empty TensorList"),
    (lambda x: nr.column_stack([]), RuntimeError, "column_stack: .* non-empty TensorList"),
    (lambda x: nr.hstack(x), TypeError, "hstack: expected a sequence of Tensors, got Tensor"),
    (lambda x: nr.hstack([x, 1]), TypeError, "hstack: expected Tensor as element 1, but got int"),
    (lambda x: nr.hstack([x, x[0]]), RuntimeError, "hstack: Tensors must have same number of dim"),
    (lambda x: nr.vstack([x, nr.zeros(4)]), RuntimeError, VSTACK_SIZES),
    (lambda x: nr.column_stack([x, nr.zeros(3)]), RuntimeError, COLUMN_STACK_SIZES),
    (lambda x: nr.dstack([x, _on_fake_cuda(x)]), RuntimeError, "dstack: .* cpu and cuda:0"),
    (
        lambda x: nr.atleast_1d(1),
        TypeError,
        "atleast_1d: expected Tensor as element 0, but got int",
    ),
    (lambda x: nr.atleast_3d([x, None]), TypeError, "atleast_3d: expected Tensor as element 1"),
    (lambda x: nr.meshgrid(indexing="ij"), RuntimeError, "meshgrid: .* non-empty TensorList"),
    (lambda x: nr.meshgrid(x[0], indexing="ji"), RuntimeError, MESHGRID_INDEXING),
    (lambda x: nr.meshgrid(x[0], x, indexing="ij"), RuntimeError, MESHGRID_DIMS),
    (lambda x: nr.meshgrid(x[0], x[0].int(), indexing="xy"), RuntimeError, MESHGRID_DTYPES),
    (lambda x: nr.meshgrid(x[0], 3, indexing="ij"), TypeError, "meshgrid: expected Tensor as"),
    (lambda x: nr.meshgrid(x[0], _on_fake_cuda(x[0])), RuntimeError, "meshgrid: .* cuda:0"),
    (lambda x: nr.cartesian_prod(), RuntimeError, "meshgrid: .* non-empty TensorList"),
    (
        lambda x: nr.cartesian_prod(x),
        RuntimeError,
        r"cartesian_prod: Expect a 1D vector, .*\[2, 3\]",
    ),
    (lambda x: nr.cartesian_prod(x[0], x[0, 0]), RuntimeError, r"1D vector, but got shape \[\]"),
    (lambda x: nr.cartesian_prod([x[0]]), TypeError, "cartesian_prod: expected Tensor as"),
    (lambda x: nr.cartesian_prod(x[0], x[0].int()), RuntimeError, "meshgrid: .* same dtype"),
    (lambda x: x.mT[0].mT, RuntimeError, "tensor.mT is only supported on matrices"),
    (lambda x: x.flip(2), IndexError, r"flip: Dimension out of range .*\[-2, 1\]"),
]


@pytest.mark.parametrize("fn, error, match", ERRORS)
def test_errors(fn, error, match):
    with pytest.raises(error, match=match):
        fn(nr.zeros(2, 3))
