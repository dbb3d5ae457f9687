"""Transformer encoder/decoder layers, their stacks and ``Transformer`` against PyTorch.

Each case builds the same module in both libraries (``build(lib)``), copies
PyTorch's weights into ours, and compares outputs, input gradients and
parameter gradients, in float32 and float64.
"""

import math

import numpy as np
import pytest

import neurarust as nr

from ..conftest import assert_same, strided, torch
from .conftest import copy_torch_state

pytestmark = [
    pytest.mark.skipif(torch is None, reason="PyTorch is the test oracle"),
    # PyTorch's notes on its nested-tensor inference path, which neurarust does not have
    pytest.mark.filterwarnings("ignore:enable_nested_tensor is True:UserWarning"),
    pytest.mark.filterwarnings("ignore:The PyTorch API of nested tensors:UserWarning"),
    pytest.mark.filterwarnings("ignore:Support for mismatched:UserWarning"),
]

E, HEADS, FF = 8, 2, 16  # d_model, nhead, dim_feedforward
S, T, N = 5, 4, 3  # source length, target length, batch size
SRC, SRC_BF = (S, N, E), (N, S, E)
TGT, TGT_BF = (T, N, E), (N, T, E)
SRC_LENGTHS, TGT_LENGTHS = [5, 3, 1], [4, 4, 2]  # unpadded lengths of each sequence
TOLERANCES = {"float32": (1e-5, 1e-4), "float64": (1e-10, 1e-8)}  # atol, rtol


def tanh(x):
    """A plain-function activation that works on both libraries' tensors."""
    return x.tanh()


def causal(lib, size, dtype):
    """The float causal mask; ``dtype`` is a name ("float64") or None for the default."""
    dtype = None if dtype is None else getattr(lib, dtype)
    return lib.nn.Transformer.generate_square_subsequent_mask(size, dtype=dtype)


def bool_causal(lib, size, dtype):
    return lib.from_numpy(np.triu(np.ones((size, size), dtype=bool), 1))


def padded(lengths, size):
    """Key padding mask ``(N, size)`` as an array: True at the positions past each length."""
    return np.arange(size)[None, :] >= np.array(lengths)[:, None]


def padding(lib, lengths, size):
    return lib.from_numpy(padded(lengths, size))


def encoder_layer(lib, **options):
    return lib.nn.TransformerEncoderLayer(E, HEADS, FF, dropout=0.0, **options)


def decoder_layer(lib, **options):
    return lib.nn.TransformerDecoderLayer(E, HEADS, FF, dropout=0.0, **options)


def encoder(lib, num_layers=2, **options):
    return lib.nn.TransformerEncoder(encoder_layer(lib, **options), num_layers, lib.nn.LayerNorm(E))


def decoder(lib, num_layers=2, **options):
    return lib.nn.TransformerDecoder(decoder_layer(lib, **options), num_layers, lib.nn.LayerNorm(E))


def transformer(lib, **options):
    return lib.nn.Transformer(E, HEADS, 2, 1, FF, dropout=0.0, **options)


def no_masks(lib, dtype):
    return {}


def encoder_masks(lib, dtype):
    return {"src_mask": causal(lib, S, dtype), "src_key_padding_mask": padding(lib, SRC_LENGTHS, S)}


def decoder_masks(lib, dtype):
    return {
        "tgt_mask": causal(lib, T, dtype),
        "memory_mask": lib.from_numpy(np.linspace(-1, 1, T * S).reshape(T, S).astype(dtype)),
        "tgt_key_padding_mask": padding(lib, TGT_LENGTHS, T),
        "memory_key_padding_mask": padding(lib, SRC_LENGTHS, S),
    }


def stack_masks(lib, dtype):
    return {
        "mask": bool_causal(lib, S, dtype),
        "src_key_padding_mask": padding(lib, SRC_LENGTHS, S),
    }


def transformer_masks(lib, dtype):
    masks = decoder_masks(lib, dtype)
    masks["src_key_padding_mask"] = masks["memory_key_padding_mask"]
    return masks


# name -> (build(lib), input shapes, masks(lib, dtype name) as keyword arguments)
CASES = {
    "encoder_layer_relu": (encoder_layer, [SRC], no_masks),
    "encoder_layer_gelu_norm_first": (
        lambda lib: encoder_layer(lib, activation="gelu", norm_first=True),
        [SRC],
        encoder_masks,
    ),
    "encoder_layer_callable_batch_first": (
        lambda lib: encoder_layer(lib, activation=tanh, batch_first=True),
        [SRC_BF],
        encoder_masks,
    ),
    "encoder_layer_module_activation": (
        lambda lib: encoder_layer(lib, activation=lib.nn.GELU(approximate="tanh")),
        [SRC],
        no_masks,
    ),
    "encoder_layer_is_causal_hint": (
        encoder_layer,
        [SRC],
        lambda lib, dtype: {"src_mask": causal(lib, S, dtype), "is_causal": True},
    ),
    "encoder_layer_no_bias_eps": (
        lambda lib: encoder_layer(lib, bias=False, layer_norm_eps=1e-2),
        [SRC],
        no_masks,
    ),
    "encoder_layer_unbatched": (encoder_layer, [(S, E)], no_masks),
    "encoder_layer_fully_padded_sequence": (
        encoder_layer,
        [SRC],
        lambda lib, dtype: {"src_key_padding_mask": padding(lib, [5, 0, 2], S)},
    ),
    "encoder_stack_causal_detected": (
        encoder,
        [SRC],
        lambda lib, dtype: {"mask": causal(lib, S, dtype)},
    ),
    "encoder_stack_bool_masks_norm_first": (
        lambda lib: encoder(lib, norm_first=True, batch_first=True),
        [SRC_BF],
        stack_masks,
    ),
    "decoder_layer_relu": (decoder_layer, [TGT, SRC], no_masks),
    "decoder_layer_masks": (decoder_layer, [TGT, SRC], decoder_masks),
    "decoder_layer_gelu_norm_first_batch_first": (
        lambda lib: decoder_layer(lib, activation="gelu", norm_first=True, batch_first=True),
        [TGT_BF, SRC_BF],
        decoder_masks,
    ),
    "decoder_stack_masks": (decoder, [TGT, SRC], decoder_masks),
    "decoder_stack_callable_unbatched": (
        lambda lib: decoder(lib, 1, activation=tanh),
        [(T, E), (S, E)],
        no_masks,
    ),
    "transformer_masks": (transformer, [SRC, TGT], transformer_masks),
    "transformer_batch_first_norm_first_gelu": (
        lambda lib: transformer(lib, batch_first=True, norm_first=True, activation="gelu"),
        [SRC_BF, TGT_BF],
        lambda lib, dtype: {"tgt_mask": causal(lib, T, dtype), "tgt_is_causal": True},
    ),
}


def build_pair(build, dtype=None):
    """The PyTorch module and ours with its weights, both in ``dtype`` if given."""
    theirs, ours = build(torch), build(nr)
    if dtype is not None:
        theirs, ours = theirs.to(getattr(torch, dtype)), ours.to(getattr(nr, dtype))
    copy_torch_state(ours, theirs)
    return ours, theirs


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", sorted(CASES))
def test_matches_torch(name, dtype, rng):
    build, shapes, masks = CASES[name]
    ours, theirs = build_pair(build, dtype)
    atol, rtol = TOLERANCES[dtype]
    arrays = [rng.standard_normal(shape).astype(dtype) for shape in shapes]
    ours_in = [nr.from_numpy(strided(a)).requires_grad_() for a in arrays]
    theirs_in = [torch.from_numpy(a).requires_grad_() for a in arrays]
    out_ours = ours(*ours_in, **masks(nr, dtype))
    out_theirs = theirs(*theirs_in, **masks(torch, dtype))
    assert_same(out_ours, out_theirs, atol, rtol, "output")

    upstream = rng.standard_normal(tuple(out_theirs.shape)).astype(dtype)
    (out_ours * nr.from_numpy(upstream)).sum().backward()
    (out_theirs * torch.from_numpy(upstream)).sum().backward()
    for i, (a, b) in enumerate(zip(ours_in, theirs_in)):
        assert_same(a.grad, b.grad, atol, rtol, f"gradient of input {i}")
    ours_params = dict(ours.named_parameters())
    for param, value in theirs.named_parameters():
        assert_same(ours_params[param].grad, value.grad, atol, rtol, f"{param}.grad")


def masked_encoder(lib):
    layer = lib.nn.TransformerEncoderLayer(E, HEADS, FF, batch_first=True)
    return lib.nn.TransformerEncoder(layer, 2, lib.nn.LayerNorm(E))


# Eval mode (dropout 0.1 turned off) under no_grad, where PyTorch takes its fused
# "fast path" when it can: name -> (build(lib), input shapes, masks(lib)).
EVAL_CASES = {
    "encoder_layer_fast_path": (
        lambda lib: lib.nn.TransformerEncoderLayer(E, HEADS, FF, batch_first=True),
        [SRC_BF],
        lambda lib: {"src_key_padding_mask": padding(lib, SRC_LENGTHS, S)},
    ),
    "encoder_stack_causal": (
        lambda lib: lib.nn.TransformerEncoder(lib.nn.TransformerEncoderLayer(E, HEADS, FF), 2),
        [SRC],
        lambda lib: {"mask": causal(lib, S, None)},
    ),
    "encoder_stack_padding": (
        masked_encoder,
        [SRC_BF],
        lambda lib: {"src_key_padding_mask": padding(lib, SRC_LENGTHS, S)},
    ),
    "transformer": (
        lambda lib: lib.nn.Transformer(E, HEADS, 1, 2, FF),
        [SRC, TGT],
        lambda lib: {"tgt_mask": causal(lib, T, None)},
    ),
}


@pytest.fixture(params=[True, False], ids=["torch_fast_path", "torch_slow_path"])
def torch_fast_path(request):
    """Run the test with PyTorch's fused inference path allowed, then turned off."""
    torch.backends.mha.set_fastpath_enabled(request.param)
    yield request.param
    torch.backends.mha.set_fastpath_enabled(True)


@pytest.mark.parametrize("grad", [True, False])
@pytest.mark.parametrize("name", sorted(EVAL_CASES))
def test_eval_mode_matches_torch(name, grad, rng, torch_fast_path):
    if name == "encoder_stack_padding" and torch_fast_path and not grad:
        pytest.skip("PyTorch zeroes padded positions there: see the next test")
    build, shapes, masks = EVAL_CASES[name]
    ours, theirs = build_pair(build)
    ours.eval(), theirs.eval()
    arrays = [rng.standard_normal(shape).astype(np.float32) for shape in shapes]
    with nr.set_grad_enabled(grad), torch.set_grad_enabled(grad):
        out_ours = ours(*map(nr.from_numpy, arrays), **masks(nr))
        out_theirs = theirs(*map(torch.from_numpy, arrays), **masks(torch))
    assert_same(out_ours, out_theirs, 1e-5, 1e-4, "output")


def test_torch_fast_path_zeroes_padded_positions(rng):
    """PyTorch's encoder in eval under no_grad packs padded batches into nested tensors
    and returns ``norm(0)`` at padded positions; ours computes them (documented). The
    unpadded positions agree."""
    ours, theirs = build_pair(masked_encoder)
    ours.eval(), theirs.eval()
    src = rng.standard_normal(SRC_BF).astype(np.float32)
    with nr.no_grad(), torch.no_grad():
        out_ours = ours(nr.from_numpy(src), src_key_padding_mask=padding(nr, SRC_LENGTHS, S))
        out_theirs = theirs(
            torch.from_numpy(src), src_key_padding_mask=padding(torch, SRC_LENGTHS, S)
        )
    kept = ~padded(SRC_LENGTHS, S)
    np.testing.assert_allclose(
        out_ours.numpy()[kept], out_theirs.numpy()[kept], atol=1e-5, rtol=1e-4
    )
    np.testing.assert_allclose(out_theirs.numpy()[~kept], 0.0)  # norm of zeros: its bias


def test_dropout_acts_in_training_only(rng):
    ours = nr.nn.TransformerEncoderLayer(E, HEADS, FF, dropout=0.5)
    src = nr.from_numpy(rng.standard_normal(SRC).astype(np.float32))
    assert not nr.equal(ours(src), ours(src))
    ours.eval()
    assert nr.equal(ours(src), ours(src))


def not_causal(lib, size, dtype):
    return lib.zeros(size, size)


@pytest.mark.parametrize("mask", [causal, bool_causal, not_causal])
@pytest.mark.parametrize("stack", ["encoder", "decoder"])
def test_stacks_detect_causal_masks_as_torch(stack, mask):
    """With ``is_causal=None`` the stacks tell their layers whether the mask is causal."""
    flag = "is_causal" if stack == "encoder" else "tgt_is_causal"
    seen = {}

    def run(lib):
        model = encoder(lib) if stack == "encoder" else decoder(lib)
        for layer in model.layers:
            layer.register_forward_pre_hook(
                lambda module, args, kwargs: seen.setdefault(lib, []).append(kwargs[flag]),
                with_kwargs=True,
            )
        x, mask_arg = lib.zeros(SRC), mask(lib, S, None)
        if stack == "encoder":
            model(x, mask=mask_arg)
        else:
            model(x, x, tgt_mask=mask_arg)

    run(torch)
    run(nr)
    assert seen[nr] == seen[torch] == [mask is not not_causal] * 2


# name -> build(lib), for state_dict, repr and construction checks
STRUCTURES = {
    "encoder_layer_defaults": lambda lib: lib.nn.TransformerEncoderLayer(E, HEADS),
    "encoder_layer_module_activation": lambda lib: lib.nn.TransformerEncoderLayer(
        E, HEADS, FF, 0.2, lib.nn.GELU(), bias=False
    ),
    "decoder_layer": lambda lib: lib.nn.TransformerDecoderLayer(E, HEADS, FF, activation="gelu"),
    "encoder": lambda lib: encoder(lib, 3),
    "decoder_no_norm": lambda lib: lib.nn.TransformerDecoder(decoder_layer(lib), 2),
    "transformer": lambda lib: lib.nn.Transformer(E, HEADS, 2, 3, FF, batch_first=True),
    "transformer_custom_encoder": lambda lib: lib.nn.Transformer(
        E, HEADS, num_decoder_layers=1, dim_feedforward=FF, custom_encoder=lib.nn.Identity()
    ),
}


@pytest.mark.parametrize("name", sorted(STRUCTURES))
def test_state_dict_and_repr_match_torch(name):
    ours, theirs = STRUCTURES[name](nr), STRUCTURES[name](torch)
    assert repr(ours) == repr(theirs)
    ours_state, theirs_state = ours.state_dict(), theirs.state_dict()
    assert list(ours_state) == list(theirs_state)
    for key, value in theirs_state.items():
        assert tuple(ours_state[key].shape) == tuple(value.shape), key
    ours.load_state_dict({k: nr.from_numpy(v.numpy()) for k, v in theirs_state.items()})


def test_constructor_settings():
    layer = nr.nn.TransformerEncoderLayer(E, HEADS, FF, layer_norm_eps=1e-3, dtype=nr.float64)
    assert all(p.dtype == nr.float64 for p in layer.parameters())
    assert layer.norm1.eps == layer.norm2.eps == 1e-3 and not layer.norm_first
    assert layer.activation is nr.nn.functional.relu
    assert nr.nn.TransformerDecoderLayer(E, HEADS, activation="gelu").activation is (
        nr.nn.functional.gelu
    )
    stack = nr.nn.TransformerEncoder(layer, 2, enable_nested_tensor=False, mask_check=False)
    assert (stack.num_layers, stack.enable_nested_tensor, stack.mask_check) == (2, False, False)
    model = nr.nn.Transformer(E, HEADS, 1, 1, FF, batch_first=True)
    assert (model.d_model, model.nhead, model.batch_first) == (E, HEADS, True)


def test_stack_layers_are_independent_deep_copies():
    template = nr.nn.TransformerEncoderLayer(E, HEADS, FF, activation=nr.nn.GELU())
    stack = nr.nn.TransformerEncoder(template, 2)
    first, second = stack.layers
    assert template is not first and first is not second
    assert first.activation is not second.activation
    for (name, a), b, t in zip(
        first.named_parameters(), second.parameters(), template.parameters()
    ):
        assert a is not b and a is not t, name
        assert nr.equal(a, b) and nr.equal(a, t), name  # copies start equal, as in PyTorch
    with nr.no_grad():
        first.linear1.weight.add_(1.0)
    assert not nr.equal(first.linear1.weight, second.linear1.weight)
    assert nr.equal(second.linear1.weight, template.linear1.weight)


def test_transformer_initializes_matrices_xavier_uniform():
    nr.manual_seed(0)
    model = nr.nn.Transformer(32, 4, 1, 1, 64)
    for name, p in model.named_parameters():
        if p.dim() < 2:
            continue
        fan_out, fan_in = p.shape
        bound = math.sqrt(6.0 / (fan_in + fan_out))
        values = p.detach().numpy()
        assert np.abs(values).max() <= bound, name
        assert abs(values.std() / (bound / math.sqrt(3)) - 1) < 0.1, name
    assert not nr.equal(
        model.encoder.layers[0].linear1.weight, model.decoder.layers[0].linear1.weight
    )


@pytest.mark.parametrize("size", [0, 1, 4])
@pytest.mark.parametrize("dtype", [None, "float64"])
def test_generate_square_subsequent_mask(size, dtype):
    def mask(lib):
        dtype_arg = None if dtype is None else getattr(lib, dtype)
        return lib.nn.Transformer.generate_square_subsequent_mask(size, "cpu", dtype_arg)

    assert_same(mask(nr), mask(torch), 0, 0, "mask")


def two_inputs(lib, src_shape, tgt_shape, **options):
    model = lib.nn.Transformer(E, HEADS, 1, 1, FF, **options)
    return model(lib.zeros(src_shape), lib.zeros(tgt_shape))


# name -> (fn(lib) that raises, exception type, message pattern)
ERRORS = {
    "activation_name": (
        lambda lib: lib.nn.TransformerEncoderLayer(E, HEADS, activation="tanh"),
        RuntimeError,
        "activation should be relu/gelu, not tanh",
    ),
    "batch_mismatch": (
        lambda lib: two_inputs(lib, (S, 2, E), (T, 3, E)),
        RuntimeError,
        "the batch number of src and tgt must be equal",
    ),
    "batch_mismatch_batch_first": (
        lambda lib: two_inputs(lib, (2, S, E), (3, T, E), batch_first=True),
        RuntimeError,
        "the batch number of src and tgt must be equal",
    ),
    "d_model_mismatch": (
        lambda lib: two_inputs(lib, (S, N, E), (T, N, E + 1)),
        RuntimeError,
        "the feature number of src and tgt must be equal to d_model",
    ),
    "layer_input_features": (
        lambda lib: encoder_layer(lib)(lib.zeros(S, N, E + 2)),
        AssertionError,
        "was expecting embedding dimension of 8, but got 10",
    ),
    "causal_hint_without_mask": (
        lambda lib: encoder_layer(lib)(lib.zeros(SRC), is_causal=True),
        RuntimeError,
        "Need attn_mask if specifying the is_causal hint",
    ),
}


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_errors_match_torch(name):
    fn, error, pattern = ERRORS[name]
    with pytest.raises(error, match=pattern):
        fn(torch)
    with pytest.raises(error, match=pattern):
        fn(nr)
