"""Normalization ops (neurarust.nn.functional) and modules against PyTorch."""

import numpy as np
import pytest

import neurarust as nr
import neurarust.nn.functional as F

from ..conftest import assert_same, check_gradients, compare_with_torch, strided, torch
from .conftest import copy_torch_state

# Running statistics given to the functional ops: made inside each case from these
# arrays, so they are fresh buffers (not inputs requiring grad) in both libraries.
MEAN3 = np.array([0.5, -0.2, 0.1])
VAR3 = np.array([1.5, 0.7, 2.0])


def functional(lib):
    return F if lib is nr else torch.nn.functional


def running(lib, x):
    """Copies of MEAN3, VAR3 in ``x``'s dtype."""
    dtype = x.detach().numpy().dtype
    return (lib.from_numpy(MEAN3.astype(dtype)), lib.from_numpy(VAR3.astype(dtype)))


def batch_norm_train(lib, x, w, b):
    mean, var = running(lib, x)
    out = functional(lib).batch_norm(x, mean, var, w, b, training=True, momentum=0.3)
    return out, mean, var


def batch_norm_eval(lib, x, w, b):
    mean, var = running(lib, x)
    return functional(lib).batch_norm(x, mean, var, w, b, eps=1e-3)


def instance_norm_running(lib, x, w, b):
    mean, var = running(lib, x)
    return functional(lib).instance_norm(x, mean, var, w, b, momentum=0.2), mean, var


def instance_norm_eval(lib, x, w, b):
    mean, var = running(lib, x)
    return functional(lib).instance_norm(x, mean, var, w, b, use_input_stats=False)


# name -> (fn(lib, *inputs), input shapes); inputs are random normal arrays.
CASES = {
    "batch_norm_2d_train": (batch_norm_train, [(4, 3), (3,), (3,)]),
    "batch_norm_3d_train": (batch_norm_train, [(3, 3, 4), (3,), (3,)]),
    "batch_norm_4d_train": (batch_norm_train, [(2, 3, 2, 2), (3,), (3,)]),
    "batch_norm_no_stats": (
        lambda lib, x: functional(lib).batch_norm(x, None, None, training=True),
        [(3, 2, 3)],
    ),
    "batch_norm_eval": (batch_norm_eval, [(2, 3, 3), (3,), (3,)]),
    "instance_norm": (lambda lib, x: functional(lib).instance_norm(x), [(2, 3, 4)]),
    "instance_norm_affine_running": (instance_norm_running, [(2, 3, 2, 2), (3,), (3,)]),
    "instance_norm_eval": (instance_norm_eval, [(2, 3, 4), (3,), (3,)]),
    "group_norm": (
        lambda lib, x, w, b: functional(lib).group_norm(x, 3, w, b),
        [(2, 6, 3), (6,), (6,)],
    ),
    "group_norm_2d": (lambda lib, x: functional(lib).group_norm(x, 2), [(3, 4)]),
    "group_norm_4d_one_group": (
        lambda lib, x, w: functional(lib).group_norm(x, 1, w, eps=1e-2),
        [(2, 4, 2, 2), (4,)],
    ),
    "layer_norm": (
        lambda lib, x, w, b: functional(lib).layer_norm(x, [4], w, b),
        [(3, 4), (4,), (4,)],
    ),
    "layer_norm_2_dims": (
        lambda lib, x, w, b: functional(lib).layer_norm(x, (3, 4), w, b, eps=1e-3),
        [(2, 3, 4), (3, 4), (3, 4)],
    ),
    "layer_norm_bias_only": (
        lambda lib, x, b: functional(lib).layer_norm(x, [5], None, b),
        [(2, 5), (5,)],
    ),
    "layer_norm_plain": (lambda lib, x: functional(lib).layer_norm(x, [2, 3]), [(2, 2, 3)]),
    "rms_norm": (lambda lib, x, w: functional(lib).rms_norm(x, [4], w), [(3, 4), (4,)]),
    "rms_norm_eps": (
        lambda lib, x: functional(lib).rms_norm(x, (2, 3), eps=1e-2),
        [(2, 2, 3)],
    ),
    "local_response_norm": (
        lambda lib, x: functional(lib).local_response_norm(x, 3, alpha=0.5, beta=0.6, k=1.5),
        [(2, 5, 3)],
    ),
    "local_response_norm_4d_even": (
        lambda lib, x: functional(lib).local_response_norm(x, 2, alpha=0.3),
        [(2, 4, 2, 2)],
    ),
    "local_response_norm_wide": (
        lambda lib, x: functional(lib).local_response_norm(x, 6, alpha=0.2, beta=1.1),
        [(1, 3, 2)],
    ),
    "normalize": (lambda lib, x: functional(lib).normalize(x), [(3, 4)]),
    "normalize_p1_last": (lambda lib, x: functional(lib).normalize(x, p=1.0, dim=-1), [(2, 3)]),
}


def _inputs(shapes, dtype, rng):
    return [rng.standard_normal(shape).astype(dtype) for shape in shapes]


def _first(out):
    return out[0] if isinstance(out, tuple) else out


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", sorted(CASES))
def test_functional_matches_torch(name, dtype, rng):
    fn, shapes = CASES[name]
    compare_with_torch(fn, *_inputs(shapes, dtype, rng))


@pytest.mark.parametrize("name", sorted(CASES))
def test_functional_gradients(name, rng):
    fn, shapes = CASES[name]
    check_gradients(
        lambda *tensors: _first(fn(nr, *tensors)),
        *_inputs(shapes, np.float64, rng),
        second_order=True,
    )


def test_normalize_zero_row():
    compare_with_torch(lambda lib, x: functional(lib).normalize(x), np.zeros((2, 3), np.float32))


def test_output_written_in_place_keeps_gradients(rng):
    # Without weight and bias the output is the normalized input backward relies on.
    compare_with_torch(
        lambda lib, x: functional(lib).layer_norm(x, [3]).mul_(2).add_(1),
        rng.standard_normal((2, 3)).astype(np.float32),
    )


def test_rms_norm_default_eps_is_the_dtype_epsilon():
    tiny = np.full((1, 2), 1e-4)
    for dtype in (np.float32, np.float64):
        compare_with_torch(lambda lib, x: functional(lib).rms_norm(x, [2]), tiny.astype(dtype))


def test_one_fused_node_per_normalization():
    x = nr.randn(2, 4, 3, requires_grad=True)
    w, b = nr.ones(4, requires_grad=True), nr.zeros(4, requires_grad=True)
    outputs = [
        F.batch_norm(x, None, None, w, b, training=True),
        F.group_norm(x, 2, w, b),
        F.instance_norm(x, weight=w, bias=b),
        F.layer_norm(x, [3]),
        F.rms_norm(x, [3]),
        F.local_response_norm(x, 2),
    ]
    for out in outputs:
        assert all(
            node is None or node.name() == "AccumulateGrad"
            for node, _ in out.grad_fn.next_functions
        )


ERRORS = [
    (
        lambda: F.batch_norm(nr.randn(1, 3), None, None, training=True),
        ValueError,
        r"Expected more than 1 value per channel when training, got input size",
    ),
    (
        lambda: F.batch_norm(nr.randn(3), None, None, training=True),
        ValueError,
        r"batch_norm: expected an input of shape \(N, C, \*\)",
    ),
    (
        lambda: F.batch_norm(nr.randn(2, 3), None, None),
        RuntimeError,
        "running_mean must be defined in evaluation mode",
    ),
    (
        lambda: F.batch_norm(nr.randn(2, 3), nr.zeros(4), nr.ones(4)),
        RuntimeError,
        "running_mean should contain 3 elements not 4",
    ),
    (
        lambda: F.batch_norm(nr.randn(2, 3), nr.zeros(3), nr.ones(3), weight=nr.ones(4)),
        RuntimeError,
        "weight should contain 3 elements not 4",
    ),
    (
        lambda: F.batch_norm(nr.randn(2, 3), nr.zeros(3), nr.ones(3), bias=nr.ones(2)),
        RuntimeError,
        "bias should contain 3 elements not 2",
    ),
    (
        lambda: F.batch_norm(nr.tensor([[1, 2], [3, 4]]), None, None, training=True),
        NotImplementedError,
        "batch_norm: not implemented for int64",
    ),
    (
        lambda: F.batch_norm(nr.randn(2, 3), nr.zeros(3, dtype=nr.float64), nr.ones(3)),
        RuntimeError,
        "batch_norm: expected running_mean to have the input's dtype float32",
    ),
    (
        lambda: F.layer_norm(nr.randn(2, 3, 4), [3]),
        RuntimeError,
        r"Given normalized_shape=\[3\], expected input with shape \[\*, 3\], but got input of "
        r"size\[2, 3, 4\]",
    ),
    (
        lambda: F.layer_norm(nr.randn(2, 3, 4), [4], weight=nr.ones(3)),
        RuntimeError,
        r"Expected weight to be of same shape as normalized_shape, but got weight of shape \[3\]",
    ),
    (
        lambda: F.layer_norm(nr.randn(2, 3, 4), [4], bias=nr.ones(3)),
        RuntimeError,
        r"Expected bias to be of same shape as normalized_shape",
    ),
    (
        lambda: F.layer_norm(nr.randn(3, 4), [2, 3, 4]),
        RuntimeError,
        r"expected input with shape \[\*, 2, 3, 4\]",
    ),
    (
        lambda: F.layer_norm(nr.randn(3, 4), []),
        RuntimeError,
        "Expected normalized_shape to be at least 1-dimensional",
    ),
    (
        lambda: F.layer_norm(nr.randn(3, 4), [4.0]),
        TypeError,
        "layer_norm.*normalized_shape.*sequence of ints",
    ),
    (
        lambda: F.group_norm(nr.randn(2, 6, 4), 4),
        RuntimeError,
        r"Expected number of channels in input to be divisible by num_groups, but got input of "
        r"shape \[2, 6, 4\] and num_groups=4",
    ),
    (lambda: F.group_norm(nr.randn(2, 6, 4), 0), RuntimeError, "num_groups=0"),
    (
        lambda: F.group_norm(nr.randn(2, 6), 3, weight=nr.ones(5)),
        RuntimeError,
        r"Expected weight to be a vector of size equal to the number of channels in input, but "
        r"got weight of shape \[5\] and input of shape \[2, 6\]",
    ),
    (
        lambda: F.group_norm(nr.randn(6), 3),
        RuntimeError,
        "Expected at least 2 dimensions for input tensor but received 1",
    ),
    (
        lambda: F.instance_norm(nr.randn(2, 3, 1)),
        ValueError,
        "Expected more than 1 spatial element when training",
    ),
    (
        lambda: F.instance_norm(nr.randn(2, 3, 4), use_input_stats=False),
        RuntimeError,
        "Expected running_mean and running_var to be defined when use_input_stats is false",
    ),
    (
        lambda: F.instance_norm(nr.randn(2, 3, 4), nr.zeros(4), nr.ones(4)),
        RuntimeError,
        "running_mean should contain 3 elements not 4",
    ),
    (
        lambda: F.rms_norm(nr.randn(2, 3, 4), [4], weight=nr.ones(3)),
        RuntimeError,
        "Expected weight to be of same shape as normalized_shape",
    ),
    (
        lambda: F.rms_norm(nr.tensor([[1, 2]]), [2]),
        NotImplementedError,
        "rms_norm: not implemented for int64",
    ),
    (
        lambda: F.local_response_norm(nr.randn(2, 3), 2),
        ValueError,
        r"Expected 3D or higher dimensionality input \(got 2 dimensions\)",
    ),
    (lambda: F.normalize(nr.randn(2, 3), dim=3), IndexError, "Dimension out of range"),
]


@pytest.mark.parametrize("call, error, message", ERRORS)
def test_functional_errors(call, error, message):
    with pytest.raises(error, match=message):
        call()


# -- modules -----------------------------------------------------------------------------

# name -> (fn(nn) -> module, input shape): the same constructor call in both libraries.
MODULES = {
    "BatchNorm1d": (lambda nn: nn.BatchNorm1d(3), (5, 3)),
    "BatchNorm1d_3d_cumulative": (lambda nn: nn.BatchNorm1d(3, momentum=None), (4, 3, 2)),
    "BatchNorm2d_no_affine": (lambda nn: nn.BatchNorm2d(3, affine=False), (2, 3, 2, 2)),
    "BatchNorm2d_no_bias": (
        lambda nn: nn.BatchNorm2d(3, eps=1e-3, momentum=0.5, bias=False),
        (2, 3, 1, 3),
    ),
    "BatchNorm3d_untracked": (
        lambda nn: nn.BatchNorm3d(2, track_running_stats=False),
        (2, 2, 2, 1, 2),
    ),
    "InstanceNorm1d": (lambda nn: nn.InstanceNorm1d(3), (2, 3, 4)),
    "InstanceNorm1d_unbatched": (lambda nn: nn.InstanceNorm1d(3, affine=True), (3, 4)),
    "InstanceNorm2d_tracked": (
        lambda nn: nn.InstanceNorm2d(3, affine=True, track_running_stats=True),
        (2, 3, 2, 3),
    ),
    "InstanceNorm3d_unbatched_tracked": (
        lambda nn: nn.InstanceNorm3d(2, momentum=None, track_running_stats=True),
        (2, 2, 1, 3),
    ),
    "LayerNorm": (lambda nn: nn.LayerNorm(4), (3, 4)),
    "LayerNorm_2_dims_no_bias": (lambda nn: nn.LayerNorm([2, 3], bias=False), (2, 2, 3)),
    "LayerNorm_no_affine": (
        lambda nn: nn.LayerNorm(4, eps=1e-3, elementwise_affine=False),
        (2, 3, 4),
    ),
    "GroupNorm": (lambda nn: nn.GroupNorm(2, 4), (3, 4, 2)),
    "GroupNorm_no_affine": (lambda nn: nn.GroupNorm(3, 12, affine=False), (2, 12)),
    "GroupNorm_no_bias": (lambda nn: nn.GroupNorm(1, 2, eps=1e-2, bias=False), (2, 2, 2, 2)),
    "RMSNorm": (lambda nn: nn.RMSNorm(4), (3, 4)),
    "RMSNorm_2_dims": (
        lambda nn: nn.RMSNorm([2, 3], eps=1e-3, elementwise_affine=False),
        (2, 2, 3),
    ),
    "LocalResponseNorm": (lambda nn: nn.LocalResponseNorm(3), (2, 5, 2)),
    "LocalResponseNorm_args": (
        lambda nn: nn.LocalResponseNorm(2, alpha=0.1, beta=0.5, k=2.0),
        (2, 3, 2, 2),
    ),
}
# Training and evaluation steps, in this order.
MODES = (True, True, False, True, True, False)


def _randomized(module):
    """``module`` (a torch module) with random parameters and running statistics."""
    generator = torch.Generator().manual_seed(0)
    with torch.no_grad():
        for name, tensor in [*module.named_parameters(), *module.named_buffers()]:
            if name == "running_var":
                tensor.uniform_(0.5, 2.0, generator=generator)
            elif tensor.is_floating_point():
                tensor.normal_(generator=generator)
            else:  # num_batches_tracked
                tensor.fill_(3)
    return module


def _assert_state_equal(ours, theirs, what):
    ours_state = dict(ours.state_dict())
    for name, value in theirs.state_dict().items():
        assert_same(ours_state.pop(name), value, 1e-5, 1e-4, f"{what}: {name}")
    assert not ours_state, f"{what}: extra entries {sorted(ours_state)}"


@pytest.mark.parametrize("name", sorted(MODULES))
def test_module_matches_torch_in_train_and_eval(name, rng):
    make, shape = MODULES[name]
    theirs = _randomized(make(torch.nn))
    ours = make(nr.nn)
    copy_torch_state(ours, theirs)
    for step, training in enumerate(MODES):
        what = f"step {step} ({'train' if training else 'eval'})"
        ours.train(training)
        theirs.train(training)
        ours.zero_grad()
        theirs.zero_grad()
        data = rng.standard_normal(shape).astype(np.float32)
        x_ours = nr.from_numpy(strided(data)).requires_grad_()
        x_theirs = torch.from_numpy(data).requires_grad_()
        out_ours, out_theirs = ours(x_ours), theirs(x_theirs)
        assert_same(out_ours, out_theirs, 1e-5, 1e-4, f"{what}: output")
        upstream = rng.standard_normal(shape).astype(np.float32)
        (out_ours * nr.from_numpy(upstream)).sum().backward()
        (out_theirs * torch.from_numpy(upstream)).sum().backward()
        assert_same(x_ours.grad, x_theirs.grad, 1e-5, 1e-4, f"{what}: input gradient")
        ours_params = dict(ours.named_parameters())
        for param, value in theirs.named_parameters():
            assert_same(ours_params[param].grad, value.grad, 1e-5, 1e-4, f"{what}: {param}.grad")
        _assert_state_equal(ours, theirs, what)


@pytest.mark.parametrize("name", sorted(MODULES))
def test_module_defaults_state_dict_and_repr(name):
    make, _ = MODULES[name]
    ours, theirs = make(nr.nn), make(torch.nn)
    assert repr(ours) == repr(theirs)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    _assert_state_equal(ours, theirs, "default initialization")
    assert [n for n, _ in ours.named_parameters()] == [n for n, _ in theirs.named_parameters()]


@pytest.mark.parametrize("name", ["BatchNorm1d_3d_cumulative", "InstanceNorm2d_tracked"])
def test_reset_parameters_after_training(name, rng):
    make, shape = MODULES[name]
    ours = make(nr.nn)
    copy_torch_state(ours, _randomized(make(torch.nn)))
    ours(nr.from_numpy(rng.standard_normal(shape).astype(np.float32)))
    ours.reset_parameters()
    _assert_state_equal(ours, make(torch.nn), "after reset_parameters")


def test_batch_norm_loads_checkpoints_without_num_batches_tracked():
    source = nr.nn.BatchNorm1d(3)
    source(nr.randn(4, 3))
    old = source.state_dict()
    del old["num_batches_tracked"]
    old._metadata[""] = {"version": 1}  # saved before num_batches_tracked existed
    target = nr.nn.BatchNorm1d(3)
    target.num_batches_tracked.fill_(5)
    result = target.load_state_dict(old)
    assert result.missing_keys == [] and result.unexpected_keys == []
    assert target.num_batches_tracked.item() == 5
    np.testing.assert_array_equal(target.running_mean.numpy(), source.running_mean.numpy())
    old._metadata[""] = {"version": 2}  # a current checkpoint must have it
    with pytest.raises(
        RuntimeError, match='Missing key\\(s\\) in state_dict: "num_batches_tracked"'
    ):
        nr.nn.BatchNorm1d(3).load_state_dict(old)


def test_instance_norm_refuses_stale_running_stats():
    state = {"running_mean": nr.zeros(3), "running_var": nr.ones(3)}  # no version: pre-0.4
    with pytest.raises(RuntimeError, match='Unexpected running stats buffer\\(s\\) "running_mean"'):
        nr.nn.InstanceNorm1d(3).load_state_dict(state)


def test_batch_norm_eval_accepts_one_sample():
    bn = nr.nn.BatchNorm1d(3).eval()
    assert bn(nr.randn(1, 3)).shape == (1, 3)


def test_instance_norm_warns_on_unused_num_features():
    with pytest.warns(UserWarning, match="input's size at dim=1 does not match num_features"):
        nr.nn.InstanceNorm1d(3)(nr.randn(2, 4, 5))


MODULE_ERRORS = [
    (
        lambda: nr.nn.BatchNorm1d(3)(nr.randn(2, 3, 4, 5)),
        ValueError,
        r"BatchNorm1d: expected 2D or 3D input \(got 4D input\)",
    ),
    (
        lambda: nr.nn.BatchNorm2d(3)(nr.randn(2, 3)),
        ValueError,
        r"expected 4D input \(got 2D input\)",
    ),
    (
        lambda: nr.nn.BatchNorm3d(3)(nr.randn(2, 3, 2, 2)),
        ValueError,
        r"expected 5D input \(got 4D input\)",
    ),
    (
        lambda: nr.nn.BatchNorm1d(3)(nr.randn(1, 3)),
        ValueError,
        "Expected more than 1 value per channel when training",
    ),
    (
        lambda: nr.nn.InstanceNorm2d(3)(nr.randn(3, 4)),
        ValueError,
        r"expected 3D or 4D input \(got 2D input\)",
    ),
    (
        lambda: nr.nn.InstanceNorm1d(3, affine=True)(nr.randn(2, 4, 5)),
        ValueError,
        r"expected input's size at dim=1 to match num_features \(3\), but got: 4.",
    ),
    (
        lambda: nr.nn.GroupNorm(4, 6),
        ValueError,
        r"num_channels \(6\) must be divisible by num_groups \(4\)",
    ),
    (
        lambda: nr.nn.LayerNorm(4)(nr.randn(4, 3)),
        RuntimeError,
        r"expected input with shape \[\*, 4\]",
    ),
]


@pytest.mark.parametrize("call, error, message", MODULE_ERRORS)
def test_module_errors(call, error, message):
    with pytest.raises(error, match=message):
        call()
