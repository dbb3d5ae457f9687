"""Convolution modules: Conv1d/2d/3d, ConvTranspose1d/2d/3d and their lazy forms,
against PyTorch (repr, attributes, state_dict layout, default init, errors, forward
and gradients)."""

import math

import numpy as np
import pytest

import neurarust as nr

from ..conftest import check_gradients, compare_with_torch, torch
from .conftest import copy_torch_state

needs_torch = pytest.mark.skipif(torch is None, reason="PyTorch is not installed (the oracle)")

# name: fn(nn) building the module in either library (nn is neurarust.nn or torch.nn)
MODULES = {
    "conv1d": lambda nn: nn.Conv1d(2, 4, 3),
    "conv1d_options": lambda nn: nn.Conv1d(2, 4, 3, stride=2, padding=2, dilation=2),
    "conv1d_reflect": lambda nn: nn.Conv1d(2, 3, 3, padding=2, padding_mode="reflect"),
    "conv1d_replicate": lambda nn: nn.Conv1d(2, 3, 2, padding=1, padding_mode="replicate"),
    "conv1d_circular": lambda nn: nn.Conv1d(2, 3, 3, stride=2, padding=3, padding_mode="circular"),
    "conv1d_same_reflect": lambda nn: nn.Conv1d(2, 3, 4, padding="same", padding_mode="reflect"),
    "conv2d": lambda nn: nn.Conv2d(3, 4, 3),
    "conv2d_groups": lambda nn: nn.Conv2d(4, 6, (2, 3), stride=(2, 1), padding=(1, 0), groups=2),
    "conv2d_depthwise": lambda nn: nn.Conv2d(3, 6, 3, padding=1, groups=3, bias=False),
    "conv2d_same": lambda nn: nn.Conv2d(2, 3, (3, 4), padding="same", dilation=(2, 1)),
    "conv2d_valid": lambda nn: nn.Conv2d(2, 3, 2, padding="valid", dilation=2),
    "conv2d_reflect": lambda nn: nn.Conv2d(2, 3, 3, padding=(1, 2), padding_mode="reflect"),
    "conv2d_replicate": lambda nn: nn.Conv2d(
        2, 4, 3, stride=2, padding=(2, 1), groups=2, padding_mode="replicate"
    ),
    "conv2d_circular": lambda nn: nn.Conv2d(2, 3, 3, padding=(2, 1), padding_mode="circular"),
    "conv2d_same_circular": lambda nn: nn.Conv2d(
        2, 3, (2, 3), padding="same", padding_mode="circular"
    ),
    "conv3d": lambda nn: nn.Conv3d(2, 3, (2, 3, 2), stride=(1, 2, 1), padding=(1, 0, 1)),
    "conv3d_reflect": lambda nn: nn.Conv3d(2, 2, 2, padding=1, padding_mode="reflect"),
    "conv3d_replicate": lambda nn: nn.Conv3d(
        2, 2, 3, padding=(0, 1, 2), bias=False, padding_mode="replicate"
    ),
    "conv3d_same_circular": lambda nn: nn.Conv3d(
        2, 2, 2, padding="same", dilation=(1, 2, 1), padding_mode="circular"
    ),
    "conv_transpose1d": lambda nn: nn.ConvTranspose1d(2, 3, 3, stride=2, padding=1),
    "conv_transpose1d_options": lambda nn: nn.ConvTranspose1d(
        2, 4, 3, stride=3, padding=1, output_padding=2, groups=2, dilation=2
    ),
    "conv_transpose2d": lambda nn: nn.ConvTranspose2d(
        4, 6, (3, 2), stride=2, padding=(1, 0), groups=2, bias=False
    ),
    "conv_transpose2d_dilated": lambda nn: nn.ConvTranspose2d(
        2, 3, 2, stride=(1, 2), output_padding=(1, 0), dilation=(2, 1)
    ),
    "conv_transpose3d": lambda nn: nn.ConvTranspose3d(2, 2, (2, 3, 2), stride=(2, 1, 2)),
    "lazy_conv1d": lambda nn: nn.LazyConv1d(4, 3, padding_mode="circular", padding=1),
    "lazy_conv2d": lambda nn: nn.LazyConv2d(4, 3, groups=2, bias=False),
    "lazy_conv3d": lambda nn: nn.LazyConv3d(2, 2, padding="same"),
    "lazy_conv_transpose1d": lambda nn: nn.LazyConvTranspose1d(4, 3, stride=2),
    "lazy_conv_transpose2d": lambda nn: nn.LazyConvTranspose2d(
        4, 3, stride=2, output_padding=1, groups=2
    ),
    "lazy_conv_transpose3d": lambda nn: nn.LazyConvTranspose3d(2, 2, dilation=2, bias=False),
}
EAGER = sorted(name for name in MODULES if not name.startswith("lazy"))
LAZY = sorted(set(MODULES) - set(EAGER))

ATTRIBUTES = (
    "in_channels",
    "out_channels",
    "kernel_size",
    "stride",
    "padding",
    "dilation",
    "transposed",
    "output_padding",
    "groups",
    "padding_mode",
    "_reversed_padding_repeated_twice",
)


def _floats(rng, *shape):
    return rng.standard_normal(shape).astype(np.float32)


@needs_torch
@pytest.mark.parametrize("name", sorted(MODULES))
def test_repr_and_attributes_match_torch(name):
    ours, theirs = MODULES[name](nr.nn), MODULES[name](torch.nn)
    assert repr(ours) == repr(theirs)
    for attribute in ATTRIBUTES:
        mine, its = getattr(ours, attribute), getattr(theirs, attribute)
        if attribute == "_reversed_padding_repeated_twice":  # torch: a list or a tuple
            mine, its = list(mine), list(its)
        assert mine == its, attribute


@needs_torch
@pytest.mark.parametrize("name", EAGER)
def test_state_dict_layout_matches_torch(name):
    ours, theirs = MODULES[name](nr.nn).state_dict(), MODULES[name](torch.nn).state_dict()
    assert {k: tuple(v.shape) for k, v in ours.items()} == {
        k: tuple(v.shape) for k, v in theirs.items()
    }


# name: (fn(nn) building the module, fan_in); weight and bias are uniform in ±1/sqrt(fan_in)
UNIFORM_INITS = {
    "conv1d": (lambda nn: nn.Conv1d(20, 50, 5), 20 * 5),
    "conv2d_groups": (lambda nn: nn.Conv2d(32, 48, 3, groups=4), 8 * 9),
    "conv3d": (lambda nn: nn.Conv3d(4, 8, 3), 4 * 27),
    "conv_transpose1d": (lambda nn: nn.ConvTranspose1d(8, 30, 4), 30 * 4),
    "conv_transpose2d_groups": (lambda nn: nn.ConvTranspose2d(48, 16, 3, groups=2), 8 * 9),
}


@pytest.mark.parametrize("name", sorted(UNIFORM_INITS))
def test_default_init_is_uniform_within_torch_bound(name):
    nr.manual_seed(0)
    build, fan_in = UNIFORM_INITS[name]
    bound = 1 / math.sqrt(fan_in)
    module = build(nr.nn)
    weight, bias = module.weight.detach().numpy(), module.bias.detach().numpy()
    assert np.abs(weight).max() <= bound
    assert np.abs(weight).max() > 0.95 * bound  # fills the whole range
    np.testing.assert_allclose(weight.std(), bound / math.sqrt(3), rtol=0.1)
    assert abs(weight.mean()) < 0.1 * bound
    assert np.abs(bias).max() <= bound
    assert np.abs(bias).max() > 0.5 * bound
    assert len(np.unique(bias)) == len(bias)


def test_reset_parameters_draws_again():
    conv = nr.nn.Conv2d(2, 3, 3)
    before = conv.weight.detach().numpy().copy()
    conv.reset_parameters()
    assert not np.array_equal(before, conv.weight.detach().numpy())


@pytest.mark.parametrize(
    "build",
    [
        lambda: nr.nn.Conv2d(2, 4, 3, dtype=nr.float64),
        lambda: nr.nn.ConvTranspose1d(2, 4, 3, dtype=nr.float64),
    ],
)
def test_parameters_have_the_dtype_asked_for(build):
    assert {p.dtype for p in build().parameters()} == {nr.float64}


# -- forward and gradients ---------------------------------------------------------------

# name: (module name in MODULES, input shape, forward keyword arguments)
FORWARD_CASES = {
    "conv1d": ("conv1d", (2, 2, 7), {}),
    "conv1d_unbatched": ("conv1d_options", (2, 9), {}),
    "conv1d_options": ("conv1d_options", (1, 2, 9), {}),
    "conv1d_reflect": ("conv1d_reflect", (2, 2, 5), {}),
    "conv1d_replicate": ("conv1d_replicate", (2, 2, 5), {}),
    "conv1d_circular": ("conv1d_circular", (1, 2, 6), {}),
    "conv1d_same_reflect": ("conv1d_same_reflect", (2, 2, 6), {}),
    "conv2d": ("conv2d", (2, 3, 5, 6), {}),
    "conv2d_groups": ("conv2d_groups", (2, 4, 5, 5), {}),
    "conv2d_depthwise": ("conv2d_depthwise", (1, 3, 4, 5), {}),
    "conv2d_same": ("conv2d_same", (2, 2, 6, 5), {}),
    "conv2d_valid": ("conv2d_valid", (1, 2, 5, 4), {}),
    "conv2d_reflect": ("conv2d_reflect", (2, 2, 4, 5), {}),
    "conv2d_reflect_unbatched": ("conv2d_reflect", (2, 4, 5), {}),
    "conv2d_replicate": ("conv2d_replicate", (1, 2, 5, 4), {}),
    "conv2d_circular": ("conv2d_circular", (2, 2, 4, 3), {}),
    "conv2d_same_circular": ("conv2d_same_circular", (1, 2, 4, 5), {}),
    "conv3d": ("conv3d", (1, 2, 3, 5, 4), {}),
    "conv3d_unbatched": ("conv3d", (2, 3, 5, 4), {}),
    "conv3d_reflect": ("conv3d_reflect", (2, 2, 3, 3, 2), {}),
    "conv3d_replicate": ("conv3d_replicate", (1, 2, 3, 4, 3), {}),
    "conv3d_same_circular": ("conv3d_same_circular", (1, 2, 3, 4, 3), {}),
    "conv_transpose1d": ("conv_transpose1d", (2, 2, 5), {}),
    "conv_transpose1d_output_size": ("conv_transpose1d", (2, 2, 5), {"output_size": [10]}),
    "conv_transpose1d_options": ("conv_transpose1d_options", (1, 2, 4), {}),
    "conv_transpose2d": ("conv_transpose2d", (2, 4, 3, 4), {}),
    "conv_transpose2d_output_size": (
        "conv_transpose2d",
        (2, 4, 3, 4),
        {"output_size": (2, 6, 6, 8)},
    ),
    "conv_transpose2d_unbatched": ("conv_transpose2d", (4, 3, 2), {"output_size": [6, 4]}),
    "conv_transpose2d_dilated": ("conv_transpose2d_dilated", (1, 2, 3, 3), {}),
    "conv_transpose3d": ("conv_transpose3d", (1, 2, 2, 3, 2), {}),
    "conv_transpose3d_output_size": (
        "conv_transpose3d",
        (2, 2, 3, 2),
        {"output_size": nr.Size([2, 4, 5, 5])},
    ),
}


def _compare_module(ours, theirs, shape, kwargs, rng):
    """Outputs, input gradients and parameter gradients of ours equal theirs."""
    modules = {"neurarust": ours, "torch": theirs}
    torch_kwargs = {
        k: list(v) if isinstance(v, nr.Size) else v for k, v in kwargs.items()
    }  # torch takes neither our Size nor our tensors
    compare_with_torch(
        lambda lib, x: modules[lib.__name__](x, **(kwargs if lib is nr else torch_kwargs)),
        _floats(rng, *shape),
        atol=1e-4,
    )
    their_params = dict(theirs.named_parameters())
    for key, param in ours.named_parameters():
        np.testing.assert_allclose(
            param.grad.numpy(), their_params[key].grad.numpy(), rtol=1e-4, atol=1e-4, err_msg=key
        )


@needs_torch
@pytest.mark.filterwarnings("ignore:Using padding='same' with even kernel:UserWarning")
@pytest.mark.parametrize("name", sorted(FORWARD_CASES))
def test_forward_backward_matches_torch(name, rng):
    module_name, shape, kwargs = FORWARD_CASES[name]
    ours, theirs = MODULES[module_name](nr.nn), MODULES[module_name](torch.nn)
    copy_torch_state(ours, theirs)
    _compare_module(ours, theirs, shape, kwargs, rng)


# name: input shape of the first call
LAZY_INPUTS = {
    "lazy_conv1d": (3, 5),
    "lazy_conv2d": (2, 4, 5, 5),
    "lazy_conv3d": (1, 3, 2, 3, 3),
    "lazy_conv_transpose1d": (2, 3, 4),
    "lazy_conv_transpose2d": (6, 3, 3),
    "lazy_conv_transpose3d": (1, 2, 2, 2, 2),
}


@needs_torch
@pytest.mark.parametrize("name", LAZY)
def test_lazy_modules_materialize_as_torch(name, rng):
    ours, theirs = MODULES[name](nr.nn), MODULES[name](torch.nn)
    assert ours.has_uninitialized_params() and ours.in_channels == 0
    first = _floats(rng, *LAZY_INPUTS[name])
    ours(nr.from_numpy(first))
    theirs(torch.from_numpy(first))
    assert type(ours).__name__ == type(theirs).__name__  # the eager class
    assert type(ours) is getattr(nr.nn, type(theirs).__name__)
    assert repr(ours) == repr(theirs)
    assert {k: tuple(v.shape) for k, v in ours.state_dict().items()} == {
        k: tuple(v.shape) for k, v in theirs.state_dict().items()
    }
    assert all(type(p) is nr.nn.Parameter for p in ours.parameters())
    copy_torch_state(ours, theirs)
    _compare_module(ours, theirs, LAZY_INPUTS[name], {}, rng)


def test_lazy_init_is_the_eager_default_and_keeps_the_dtype():
    nr.manual_seed(0)
    conv = nr.nn.LazyConv2d(30, 3, dtype=nr.float64)
    conv(nr.ones(1, 12, 3, 3, dtype=nr.float64))
    weight = conv.weight.detach().numpy()
    bound = 1 / math.sqrt(12 * 9)
    assert conv.weight.dtype is nr.float64 and conv.bias.dtype is nr.float64
    assert bound * 0.95 < np.abs(weight).max() <= bound
    assert np.abs(conv.bias.detach().numpy()).max() <= bound


# name: (fn(nn, dtype) building the module, input shape)
GRADCHECK_CASES = {
    "reflect": (lambda nn, dt: nn.Conv2d(2, 2, 2, padding=1, padding_mode="reflect", dtype=dt)),
    "circular_same": (
        lambda nn, dt: nn.Conv1d(2, 2, 4, padding="same", padding_mode="circular", dtype=dt)
    ),
}
GRADCHECK_INPUTS = {"reflect": (1, 2, 3, 3), "circular_same": (2, 2, 5)}


@pytest.mark.parametrize("name", sorted(GRADCHECK_CASES))
def test_padding_modes_gradcheck(name, rng):
    conv = GRADCHECK_CASES[name](nr.nn, nr.float64)
    arrays = [
        rng.standard_normal(GRADCHECK_INPUTS[name]),
        conv.weight.detach().numpy(),
        conv.bias.detach().numpy(),
    ]
    check_gradients(conv._conv_forward, *arrays, second_order=True)


# -- errors --------------------------------------------------------------------------------


def _ones(nn, *shape):
    return (nr if nn is nr.nn else torch).ones(*shape)


# (fn(nn) raising, exception type, message pattern, whether torch raises it too)
ERRORS = [
    (lambda nn: nn.Conv2d(3, 4, 3, groups=2), ValueError, "in_channels must be divisible", True),
    (lambda nn: nn.Conv2d(4, 3, 3, groups=2), ValueError, "out_channels must be divisible", True),
    (lambda nn: nn.Conv2d(4, 4, 3, groups=0), ValueError, "groups must be a positive int", True),
    (lambda nn: nn.Conv2d(2, 2, 3, padding="full"), ValueError, "Invalid padding string", True),
    (
        lambda nn: nn.Conv2d(2, 2, 3, stride=(1, 2), padding="same"),
        ValueError,
        "padding='same' is not supported for strided convolutions",
        True,
    ),
    (
        lambda nn: nn.Conv3d(2, 2, 3, padding_mode="mirror"),
        ValueError,
        "padding_mode must be one of .*, but got padding_mode='mirror'",
        True,
    ),
    (
        lambda nn: nn.ConvTranspose2d(2, 2, 3, padding_mode="reflect"),
        ValueError,
        'Only "zeros" padding mode is supported for ConvTranspose2d',
        True,
    ),
    (
        lambda nn: nn.LazyConvTranspose1d(2, 3, padding_mode="circular"),
        ValueError,
        'Only "zeros" padding mode is supported for LazyConvTranspose1d',
        True,
    ),
    (
        lambda nn: nn.ConvTranspose2d(2, 2, 3, stride=2, padding=1)(
            _ones(nn, 1, 2, 5, 4),
            output_size=[1, 2, 3],
        ),
        ValueError,
        "for 4D input, output_size must have 2 or 4 elements \\(got 3\\)",
        True,
    ),
    (
        lambda nn: nn.ConvTranspose2d(2, 2, 3, stride=2, padding=1)(
            _ones(nn, 2, 5, 4),
            output_size=[12, 8],
        ),
        ValueError,
        r"requested an output size of \[12, 8\], but valid sizes range from \[9, 7\] to "
        r"\[10, 8\]",
        True,
    ),
    (
        lambda nn: nn.LazyConv2d(4, 3, groups=2)(_ones(nn, 1, 3, 5, 5)),
        ValueError,
        "in_channels must be divisible by groups",
        True,
    ),
    (
        lambda nn: nn.LazyConv2d(4, 3)(_ones(nn, 2, 3)),
        RuntimeError,
        r"Expected 3D \(unbatched\) or 4D \(batched\) input to LazyConv2d",
        True,
    ),
    (lambda nn: nn.Conv2d(2, 2, (3, 3, 3)), ValueError, "kernel_size must be .* 2 ints", False),
    (lambda nn: nn.Conv2d(2, 2, 2.5), TypeError, "Conv2d: kernel_size must be an int", False),
    (lambda nn: nn.Conv1d(2, 2, 3, stride=0), ValueError, "stride must be at least 1", False),
    (lambda nn: nn.Conv1d(2, 2, 3, dilation=0), ValueError, "dilation must be at least 1", False),
    (lambda nn: nn.Conv2d(2, 2, 3, padding=-1), ValueError, "padding must be at least 0", False),
    (
        lambda nn: nn.ConvTranspose2d(2, 2, 3, padding="same"),
        TypeError,
        "ConvTranspose2d: padding must be an int or a tuple of 2 ints",
        False,
    ),
]


@pytest.mark.parametrize("case", range(len(ERRORS)))
def test_errors(case):
    call, kind, pattern, torch_too = ERRORS[case]
    with pytest.raises(kind, match=pattern):
        call(nr.nn)
    if torch_too and torch is not None:
        with pytest.raises(kind, match=pattern):
            call(torch.nn)


def test_conv_transpose_checks_its_padding_mode_in_forward():
    conv = nr.nn.ConvTranspose1d(2, 2, 3)
    conv.padding_mode = "reflect"
    with pytest.raises(ValueError, match='Only "zeros" padding mode'):
        conv(nr.ones(1, 2, 4))
