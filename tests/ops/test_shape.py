"""Shape ops against PyTorch: values, dtypes, gradients, view semantics and errors."""

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
    "iter": (lambda lib, a: list(a), [(3, 2)]),
}


def _inputs(shapes, rng, dtype=np.float32):
    return [rng.standard_normal(s).astype(dtype) for s in shapes]


@pytest.mark.parametrize("name", sorted(CASES))
def test_matches_torch(name, rng):
    fn, shapes = CASES[name]
    compare_with_torch(fn, *_inputs(shapes, rng))


# gradgradcheck cannot yet perturb a zero-element gradient input (autograd/gradcheck.py).
FIRST_ORDER_ONLY = {"chunk_empty"}


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
}
COPIES = {
    "repeat": lambda x: x.repeat(1, 1),
    "flip": lambda x: x.flip(0),
    "roll": lambda x: x.roll(1),
    "cat": lambda x: nr.cat([x]),
    "stack": lambda x: nr.stack([x]),
    "clone": lambda x: x.clone(),
    "reshape_strided": lambda x: x.t().reshape(6),
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


@pytest.mark.parametrize("name", sorted(COPIES))
def test_copy_ops_own_their_storage(name):
    base = nr.arange(6.0).reshape(2, 3).clone()
    out = COPIES[name](base)
    assert out._base is None
    out.fill_(-1.0)
    assert base.tolist() == [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]]


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
    (lambda x: x.sum().split(1), IndexError, "split: Dimension specified as 0 but tensor has no"),
    (lambda x: x.chunk(0), RuntimeError, "chunk: chunk expects `chunks` to be greater than 0"),
    (lambda x: x.unbind(2), IndexError, "unbind: Dimension out of range"),
    (lambda x: x.sum().unbind(), IndexError, "unbind: Dimension specified as 0"),
    (lambda x: x.movedim((0, 1), 0), RuntimeError, r"movedim: Invalid source .* \(\[0\] dims\)"),
    (lambda x: x.movedim((0, 0), (0, 1)), RuntimeError, r"repeated dim in `source` \(\[0, 0\]"),
    (lambda x: x.movedim((0, 1), (1, -1)), RuntimeError, "repeated dim in `destination`"),
    (lambda x: x.narrow(1, 2, 2), RuntimeError, r"narrow: start \(2\) \+ length \(2\) exceeds"),
    (lambda x: x.narrow(1, 4, 0), IndexError, r"narrow: start out of range .*\[-3, 3\]"),
    (lambda x: x.narrow(1, 0, -1), RuntimeError, "narrow: length must be non-negative"),
    (lambda x: x.sum().narrow(0, 0, 1), RuntimeError, r"narrow\(\) cannot be applied to a 0-dim"),
    (lambda x: x.mT[0].mT, RuntimeError, "tensor.mT is only supported on matrices"),
    (lambda x: x.flip(2), IndexError, r"flip: Dimension out of range .*\[-2, 1\]"),
]


@pytest.mark.parametrize("fn, error, match", ERRORS)
def test_errors(fn, error, match):
    with pytest.raises(error, match=match):
        fn(nr.zeros(2, 3))
