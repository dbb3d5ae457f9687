"""Layers: F.linear, F.bilinear, F.embedding and the modules Identity, Linear, Bilinear,
LazyLinear, Embedding, Flatten, Unflatten and View, against PyTorch."""

import math

import numpy as np
import pytest

import neurarust as nr
import neurarust.nn.functional as F

from ..conftest import check_gradients, compare_with_torch, torch
from .conftest import copy_torch_state


def _functional(lib):
    return F if lib is nr else torch.nn.functional


def _floats(rng, *shape):
    return rng.standard_normal(shape).astype(np.float32)


# -- functional ops --------------------------------------------------------------------

# name: (fn(lib, *inputs), input shapes); a shape of ints is a float input.
LINEAR_CASES = {
    "2d": (lambda f, x, w, b: f.linear(x, w, b), [(4, 3), (5, 3), (5,)]),
    "1d_input": (lambda f, x, w, b: f.linear(x, w, b), [(3,), (5, 3), (5,)]),
    "3d_input": (lambda f, x, w, b: f.linear(x, w, b), [(2, 4, 3), (5, 3), (5,)]),
    "4d_input": (lambda f, x, w, b: f.linear(x, w, b), [(2, 1, 2, 3), (5, 3), (5,)]),
    "no_bias": (lambda f, x, w: f.linear(x, w), [(2, 4, 3), (5, 3)]),
    "broadcast_bias": (lambda f, x, w, b: f.linear(x, w, b), [(4, 3), (5, 3), (1,)]),
    "bias_per_row": (lambda f, x, w, b: f.linear(x, w, b), [(4, 3), (5, 3), (4, 5)]),
    "bilinear": (lambda f, a, b, w, c: f.bilinear(a, b, w, c), [(4, 3), (4, 2), (5, 3, 2), (5,)]),
    "bilinear_1d": (lambda f, a, b, w: f.bilinear(a, b, w), [(3,), (2,), (5, 3, 2)]),
    "bilinear_3d": (
        lambda f, a, b, w, c: f.bilinear(a, b, w, c),
        [(2, 2, 3), (2, 2, 2), (4, 3, 2), (4,)],
    ),
}


@pytest.mark.parametrize("name", sorted(LINEAR_CASES))
def test_linear_ops_match_torch(name, rng):
    fn, shapes = LINEAR_CASES[name]
    compare_with_torch(
        lambda lib, *xs: fn(_functional(lib), *xs), *[_floats(rng, *s) for s in shapes]
    )


@pytest.mark.parametrize("name", ["2d", "1d_input", "3d_input", "broadcast_bias", "bilinear_3d"])
def test_linear_ops_gradcheck(name, rng):
    fn, shapes = LINEAR_CASES[name]
    check_gradients(
        lambda *xs: fn(F, *xs), *[rng.standard_normal(s) for s in shapes], second_order=True
    )


def test_linear_int_tensors_match_torch():
    compare_with_torch(
        lambda lib, x, w, b: _functional(lib).linear(x, w, b),
        np.arange(6).reshape(2, 3),
        np.arange(12).reshape(4, 3) - 5,
        np.arange(4),
    )


# name: (indices, keyword arguments of F.embedding)
EMBEDDING_CASES = {
    "1d": ([1, 3, 0, 3], {}),
    "2d": ([[1, 3], [0, 3], [5, 5]], {}),
    "scalar": (2, {}),
    "int32": (np.array([[4, 0], [0, 1]], dtype=np.int32), {}),
    "padding": ([[1, 3], [0, 3], [5, 5]], {"padding_idx": 3}),
    "padding_negative": ([[1, 3], [0, 3], [5, 5]], {"padding_idx": -1}),
    "freq": ([[1, 3], [3, 3], [5, 1]], {"scale_grad_by_freq": True}),
    "freq_padding": ([[1, 3], [3, 3], [5, 1]], {"scale_grad_by_freq": True, "padding_idx": 1}),
    "max_norm": ([[1, 3], [3, 0]], {"max_norm": 1.0}),
    "max_norm_l1": ([[1, 3], [3, 0]], {"max_norm": 1.5, "norm_type": 1.0}),
}


@pytest.mark.parametrize("name", sorted(EMBEDDING_CASES))
def test_embedding_matches_torch(name, rng):
    indices, kwargs = EMBEDDING_CASES[name]
    indices = np.asarray(indices, dtype=getattr(indices, "dtype", np.int64))

    def fn(lib, idx, weight):
        out = _functional(lib).embedding(idx, weight, **kwargs)
        return out, weight.detach().clone()  # max_norm rescales rows of weight in place

    compare_with_torch(fn, indices, _floats(rng, 6, 3))


def test_embedding_gradcheck(rng):
    # (padding_idx and scale_grad_by_freq change the gradient on purpose: no gradcheck)
    indices = nr.tensor([[0, 2], [2, 3]])
    check_gradients(
        lambda w: F.embedding(indices, w), rng.standard_normal((4, 3)), second_order=True
    )


def test_embedding_max_norm_renormalizes_only_the_rows_looked_up():
    weight = nr.full((4, 2), 3.0)
    F.embedding(nr.tensor([1, 1, 2]), weight, max_norm=1.0)
    norms = weight.norm(dim=1).numpy()
    np.testing.assert_allclose(norms[1:3], 1.0, rtol=1e-6)
    np.testing.assert_allclose(norms[[0, 3]], math.sqrt(18.0))


BAG_INDICES = [1, 2, 4, 5, 4, 3, 2]
# name: (indices, offsets or None, keyword arguments of F.embedding_bag)
EMBEDDING_BAG_CASES = {
    "mean": (BAG_INDICES, [0, 2, 2, 4], {}),
    "sum": (BAG_INDICES, [0, 2, 2, 4], {"mode": "sum"}),
    "max": (BAG_INDICES, [0, 2, 2, 4], {"mode": "max"}),
    "2d": ([[1, 2, 0], [4, 5, 5]], None, {}),
    "2d_max": ([[1, 2, 0], [4, 5, 5]], None, {"mode": "max"}),
    "padding": (BAG_INDICES, [0, 2, 2, 4], {"padding_idx": 2}),
    "padding_only_bag": ([2, 2, 4, 5], [0, 2], {"padding_idx": 2, "mode": "sum"}),
    # (PyTorch's "mean" divides the last bag's sum by the count up to the input's end)
    # (the offsets end at the input's end: for indices after the last offset, PyTorch's
    # backward reads uninitialised memory, so their gradient is checked separately below)
    "last_offset": (BAG_INDICES, [0, 2, 2, 7], {"include_last_offset": True, "mode": "sum"}),
    # (PyTorch's CPU kernel gives wrong factors when several indices repeat: one here)
    "freq": ([4, 4, 1], [0, 2], {"mode": "sum", "scale_grad_by_freq": True}),
}


@pytest.mark.parametrize("name", sorted(EMBEDDING_BAG_CASES))
def test_embedding_bag_matches_torch(name, rng):
    indices, offsets, kwargs = EMBEDDING_BAG_CASES[name]
    arrays = [np.array(indices), _floats(rng, 6, 3)]
    if offsets is not None:
        arrays.append(np.array(offsets))
    compare_with_torch(lambda lib, *xs: _functional(lib).embedding_bag(*xs, **kwargs), *arrays)


def test_embedding_bag_last_offset_ends_the_last_bag():
    table = nr.arange(6.0).reshape(6, 1).requires_grad_()
    out = F.embedding_bag(
        nr.tensor([1, 2, 4, 5]), table, nr.tensor([0, 1, 3]), include_last_offset=True
    )
    np.testing.assert_array_equal(out.detach().numpy(), [[1.0], [3.0]])
    out.sum().backward()  # index 5 lies after the last offset: in no bag, so no gradient
    np.testing.assert_array_equal(table.grad.numpy()[:, 0], [0, 1, 0.5, 0, 0.5, 0])


def test_embedding_bag_per_sample_weights_match_torch(rng):
    compare_with_torch(
        lambda lib, idx, w, offsets, psw: _functional(lib).embedding_bag(
            idx, w, offsets, mode="sum", per_sample_weights=psw
        ),
        np.array(BAG_INDICES),
        _floats(rng, 6, 3),
        np.array([0, 3]),
        _floats(rng, len(BAG_INDICES)),
    )


@pytest.mark.parametrize("mode", ["sum", "mean", "max"])
def test_embedding_bag_gradcheck(mode, rng):
    indices, offsets = nr.tensor([0, 2, 1, 3, 3]), nr.tensor([0, 2])
    check_gradients(
        lambda w: F.embedding_bag(indices, w, offsets, mode=mode),
        rng.standard_normal((4, 3)),
        second_order=True,
    )


# (call, exception type, message pattern)
ERRORS = [
    (
        lambda: F.linear(nr.ones(8, 3), nr.ones(5, 4)),
        RuntimeError,
        r"linear: input has 3 features but weight expects 4 \(input shape \(8, 3\), "
        r"weight shape \(5, 4\)\)",
    ),
    (lambda: F.linear(nr.ones(()), nr.ones(5, 3)), RuntimeError, "at least 1 dimension"),
    (lambda: F.linear(nr.ones(3), nr.ones(2, 5, 3)), RuntimeError, r"weight must be a matrix"),
    (
        lambda: F.linear(nr.ones(2, 3), nr.ones(5, 3, dtype=nr.float64)),
        RuntimeError,
        "linear: expected input and weight to have the same dtype",
    ),
    (lambda: F.linear(nr.ones(2, 3), nr.ones(5, 3), nr.ones(4)), RuntimeError, r"bias of shape"),
    (lambda: F.linear(np.ones((2, 3)), nr.ones(5, 3)), TypeError, "argument 'input'"),
    (
        lambda: F.bilinear(nr.ones(1, 3), nr.ones(8, 4), nr.ones(5, 3, 4)),
        RuntimeError,
        "bilinear\\(\\): input batch dimensions do not match at dim 0: got 1 and 8",
    ),
    (
        lambda: F.bilinear(nr.ones(8, 3), nr.ones(8, 4), nr.ones(5, 2, 4)),
        RuntimeError,
        "input1 size does not match weight size: got 3 but expected 2",
    ),
    (
        lambda: F.bilinear(nr.ones(8, 3), nr.ones(8, 4), nr.ones(5, 3, 4), nr.ones(4)),
        RuntimeError,
        r"bias must have shape \(5,\)",
    ),
    (
        lambda: F.bilinear(nr.ones(3), nr.ones(8, 4), nr.ones(5, 3, 4)),
        RuntimeError,
        "input dimensions do not match",
    ),
    (lambda: F.embedding(nr.tensor([1.0]), nr.ones(4, 2)), RuntimeError, "int64 or int32"),
    (
        lambda: F.embedding(nr.tensor([1, 4]), nr.ones(4, 2)),
        IndexError,
        r"index 4 is out of range .* \[0, 3\]",
    ),
    (lambda: F.embedding(nr.tensor([-1]), nr.ones(4, 2)), IndexError, "index -1 is out of range"),
    (lambda: F.embedding(nr.tensor([1]), nr.ones(4)), RuntimeError, "'weight' must be 2-D"),
    (
        lambda: F.embedding_bag(nr.tensor([1, 2]), nr.ones(4, 2)),
        ValueError,
        "offsets has to be a 1-D Tensor but got None",
    ),
    (
        lambda: F.embedding_bag(nr.tensor([[1, 2]]), nr.ones(4, 2), nr.tensor([0])),
        ValueError,
        "if input is 2-D, then offsets has to be None",
    ),
    (
        lambda: F.embedding_bag(nr.tensor([1, 2]), nr.ones(4, 2), nr.tensor([1])),
        RuntimeError,
        r"offsets\[0\] has to be 0",
    ),
    (
        lambda: F.embedding_bag(nr.tensor([1, 2]), nr.ones(4, 2), nr.tensor([0, 3])),
        RuntimeError,
        "at most the input's length 2",
    ),
    (
        lambda: F.embedding_bag(nr.tensor([[1]]), nr.ones(4, 2), mode="median"),
        ValueError,
        "mode has to be one of sum, mean or max",
    ),
    (
        lambda: F.embedding_bag(nr.tensor([[1]]), nr.ones(4, 2), per_sample_weights=nr.ones(1, 1)),
        NotImplementedError,
        "only supported for mode='sum'",
    ),
    (
        lambda: F.embedding(nr.tensor([1]), nr.ones(4, 2), padding_idx=4),
        AssertionError,
        r"padding_idx must be within num_embeddings \(expected in \[-4, 3\], got 4\)",
    ),
]


@pytest.mark.parametrize("case", range(len(ERRORS)))
def test_errors(case):
    call, kind, pattern = ERRORS[case]
    with pytest.raises(kind, match=pattern):
        call()


# -- modules ---------------------------------------------------------------------------

# name: fn(nn) building the module in either library (nn is neurarust.nn or torch.nn)
MODULES = {
    "identity": lambda nn: nn.Identity(54, unused=0.1),
    "linear": lambda nn: nn.Linear(3, 5),
    "linear_no_bias": lambda nn: nn.Linear(3, 5, bias=False),
    "bilinear": lambda nn: nn.Bilinear(3, 2, 4),
    "bilinear_no_bias": lambda nn: nn.Bilinear(3, 2, 4, bias=False),
    "lazy_linear": lambda nn: nn.LazyLinear(4),
    "embedding": lambda nn: nn.Embedding(6, 3),
    "embedding_options": lambda nn: nn.Embedding(
        6, 3, padding_idx=-1, max_norm=2.0, norm_type=1.0, scale_grad_by_freq=True, sparse=True
    ),
    "embedding_freq": lambda nn: nn.Embedding(
        6, 3, padding_idx=1, max_norm=1.5, scale_grad_by_freq=True
    ),
    "flatten": lambda nn: nn.Flatten(),
    "flatten_dims": lambda nn: nn.Flatten(0, 1),
    "unflatten": lambda nn: nn.Unflatten(1, (2, 3)),
    "unflatten_list": lambda nn: nn.Unflatten(-1, [3, -1]),
}


@pytest.mark.parametrize("name", sorted(MODULES))
def test_module_repr_matches_torch(name):
    if torch is None:
        pytest.skip("PyTorch is not installed")
    assert repr(MODULES[name](nr.nn)) == repr(MODULES[name](torch.nn))


@pytest.mark.parametrize("name", sorted(set(MODULES) - {"lazy_linear"}))
def test_state_dict_layout_matches_torch(name):
    if torch is None:
        pytest.skip("PyTorch is not installed")
    ours, theirs = MODULES[name](nr.nn).state_dict(), MODULES[name](torch.nn).state_dict()
    assert {k: tuple(v.shape) for k, v in ours.items()} == {
        k: tuple(v.shape) for k, v in theirs.items()
    }


# name: (module name in MODULES, inputs: a shape for floats, an int array for indices)
FORWARD_CASES = {
    "identity": ("identity", [(2, 3)]),
    "linear": ("linear", [(4, 3)]),
    "linear_3d": ("linear", [(2, 4, 3)]),
    "linear_no_bias": ("linear_no_bias", [(3,)]),
    "bilinear": ("bilinear", [(4, 3), (4, 2)]),
    "bilinear_no_bias": ("bilinear_no_bias", [(2, 2, 3), (2, 2, 2)]),
    "embedding": ("embedding", [np.array([[0, 5], [2, 5]])]),
    "embedding_freq": ("embedding_freq", [np.array([[0, 5], [2, 2], [1, 2]])]),
    "flatten": ("flatten", [(2, 3, 2, 2)]),
    "flatten_dims": ("flatten_dims", [(2, 3, 2)]),
    "unflatten": ("unflatten", [(2, 6, 2)]),
    "unflatten_list": ("unflatten_list", [(2, 6)]),
}


@pytest.mark.parametrize("name", sorted(FORWARD_CASES))
def test_module_forward_backward_matches_torch(name, rng):
    if torch is None:
        pytest.skip("PyTorch is not installed")
    module_name, inputs = FORWARD_CASES[name]
    ours, theirs = MODULES[module_name](nr.nn), MODULES[module_name](torch.nn)
    copy_torch_state(ours, theirs)
    modules = {"neurarust": ours, "torch": theirs}
    arrays = [x if isinstance(x, np.ndarray) else _floats(rng, *x) for x in inputs]
    compare_with_torch(lambda lib, *xs: modules[lib.__name__](*xs), *arrays)
    their_params = dict(theirs.named_parameters())
    for key, param in ours.named_parameters():
        np.testing.assert_allclose(
            param.grad.numpy(), their_params[key].grad.numpy(), rtol=1e-4, atol=1e-5, err_msg=key
        )


def test_view_reshapes_every_input():
    view = nr.nn.View(-1, 16)
    assert repr(view) == "View(shape=(-1, 16))"
    assert repr(nr.nn.View((2, 8))) == "View(shape=(2, 8))"
    compare_with_torch(
        lambda lib, x: (view if lib is nr else (lambda t: t.reshape(-1, 16)))(x),
        np.arange(64, dtype=np.float32).reshape(4, 4, 4),
    )


# name: (fn(nn) building the module, {parameter: (bound, expected std)})
UNIFORM_INITS = {
    "linear": (lambda nn: nn.Linear(400, 50), {"weight": 1 / 20, "bias": 1 / 20}),
    "bilinear": (lambda nn: nn.Bilinear(25, 30, 40), {"weight": 1 / 5, "bias": 1 / 5}),
}


@pytest.mark.parametrize("name", sorted(UNIFORM_INITS))
def test_default_init_is_uniform_within_torch_bound(name):
    nr.manual_seed(0)
    build, bounds = UNIFORM_INITS[name]
    params = dict(build(nr.nn).named_parameters())
    for key, bound in bounds.items():
        values = params[key].detach().numpy()
        assert np.abs(values).max() <= bound, key
        assert np.abs(values).max() > 0.9 * bound, key  # fills the whole range
        np.testing.assert_allclose(values.std(), bound / math.sqrt(3), rtol=0.2, err_msg=key)
        assert abs(values.mean()) < 0.2 * bound, key


def test_embedding_init_is_standard_normal_with_zero_padding_row():
    nr.manual_seed(0)
    weight = nr.nn.Embedding(1000, 8, padding_idx=3).weight.detach().numpy()
    assert not weight[3].any()
    assert abs(weight.mean()) < 0.05 and abs(weight.std() - 1) < 0.05


@pytest.mark.parametrize("bias", [True, False])
def test_lazy_linear_infers_in_features_and_becomes_linear(bias):
    layer = nr.nn.LazyLinear(4, bias=bias)
    assert layer.in_features == 0 and layer.has_uninitialized_params()
    x = nr.randn(2, 5, 7)
    out = layer(x)
    assert type(layer) is nr.nn.Linear
    assert layer.in_features == 7 and tuple(layer.weight.shape) == (4, 7)
    assert type(layer.weight) is nr.nn.Parameter
    assert repr(layer) == f"Linear(in_features=7, out_features=4, bias={bias})"
    assert np.abs(layer.weight.detach().numpy()).max() <= 1 / math.sqrt(7)
    expected = F.linear(x, layer.weight, layer.bias)
    np.testing.assert_allclose(out.detach().numpy(), expected.detach().numpy())
    out.sum().backward()
    assert layer.weight.grad is not None and tuple(layer.weight.grad.shape) == (4, 7)


@pytest.mark.parametrize(
    "build",
    [
        lambda: nr.nn.Linear(3, 2, dtype=nr.float64),
        lambda: nr.nn.Bilinear(3, 2, 2, dtype=nr.float64),
        lambda: nr.nn.Embedding(3, 2, dtype=nr.float64),
    ],
)
def test_modules_create_parameters_of_the_dtype_asked_for(build):
    assert {p.dtype for p in build().parameters()} == {nr.float64}


def test_lazy_linear_keeps_its_dtype():
    layer = nr.nn.LazyLinear(2, dtype=nr.float64)
    layer(nr.ones(3, 5, dtype=nr.float64))
    assert layer.weight.dtype is nr.float64 and layer.bias.dtype is nr.float64


def test_embedding_padding_row_gets_no_gradient():
    table = nr.nn.Embedding(5, 2, padding_idx=1)
    table(nr.tensor([1, 2, 1])).sum().backward()
    grad = table.weight.grad.numpy()
    assert not grad[1].any() and (grad[2] == 1).all()


def test_embedding_max_norm_renormalizes_the_table():
    table = nr.nn.Embedding.from_pretrained(nr.full((3, 4), 2.0), max_norm=1.0)
    table(nr.tensor([0]))
    np.testing.assert_allclose(table.weight.norm(dim=1).numpy(), [1.0, 4.0, 4.0], rtol=1e-6)


@pytest.mark.parametrize("freeze", [True, False])
def test_embedding_from_pretrained(freeze):
    pretrained = nr.arange(6.0).reshape(3, 2)
    table = nr.nn.Embedding.from_pretrained(pretrained, freeze=freeze, padding_idx=2)
    assert table.weight.requires_grad is not freeze
    assert (table.num_embeddings, table.embedding_dim, table.padding_idx) == (3, 2, 2)
    np.testing.assert_array_equal(
        table(nr.tensor([2, 0])).detach().numpy(), [[4.0, 5.0], [0.0, 1.0]]
    )


MODULE_ERRORS = [
    (lambda: nr.nn.Embedding(4, 2, padding_idx=4), AssertionError, "padding_idx must be within"),
    (lambda: nr.nn.Embedding(4, 2, _weight=nr.ones(3, 2)), AssertionError, r"\(4, 2\)"),
    (lambda: nr.nn.Embedding.from_pretrained(nr.ones(4)), AssertionError, "2-dimensional"),
    (lambda: nr.nn.Bilinear(0, 2, 3), ValueError, r"in1_features must be > 0"),
    (lambda: nr.nn.Unflatten(1, 6), TypeError, "must be a tuple of ints, but found type int"),
    (lambda: nr.nn.Unflatten(1, (2.0, 3)), TypeError, "element of type float at pos 0"),
    (lambda: nr.nn.View(-1, -1), ValueError, "only one dimension can be -1"),
    (lambda: nr.nn.View(2, "a"), TypeError, "element of type str at pos 1"),
    (
        lambda: nr.nn.Linear(4, 2)(nr.ones(8, 3)),
        RuntimeError,
        r"linear: input has 3 features but weight expects 4",
    ),
]


@pytest.mark.parametrize("case", range(len(MODULE_ERRORS)))
def test_module_errors(case):
    call, kind, pattern = MODULE_ERRORS[case]
    with pytest.raises(kind, match=pattern):
        call()
