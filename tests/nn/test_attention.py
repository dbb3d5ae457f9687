"""Attention: F.scaled_dot_product_attention, F.multi_head_attention_forward and
nn.MultiheadAttention against PyTorch (copied weights), gradchecks, dropout by its
properties (the random streams differ from PyTorch's) and errors."""

import math

import numpy as np
import pytest

import neurarust as nr
import neurarust.nn.functional as F

from ..conftest import check_gradients, compare_with_torch, torch
from .conftest import copy_torch_state


def functional(lib):
    return F if lib is nr else torch.nn.functional


def floats(rng, *shape, dtype=np.float32):
    return rng.standard_normal(shape).astype(dtype)


def require_torch():
    if torch is None:
        pytest.skip("PyTorch is not installed (it is the test oracle)")


# A (3, 5) mask of keys each query may see: never a whole row masked, key 1 always visible.
VISIBLE = np.array(
    [
        [True, True, False, True, False],
        [False, True, True, True, True],
        [True, True, True, False, False],
    ]
)
FULLY_MASKED = VISIBLE.copy()
FULLY_MASKED[1] = False


def float_mask(rng, *shape):
    mask = floats(rng, *shape)
    mask[..., 0, 2] = -np.inf  # a key hidden from query 0
    return mask


def minus_inf_row(rng):
    mask = floats(rng, 3, 5)
    mask[1] = -np.inf
    return mask


# -- scaled_dot_product_attention -------------------------------------------------------

# name: (input builders (rng -> array) for query, key, value and extra arrays, kwargs);
# an extra array is the attn_mask.
SDPA_CASES = {
    "3d": ([(2, 3, 4), (2, 5, 4), (2, 5, 6)], {}),
    "2d": ([(3, 4), (5, 4), (5, 6)], {}),
    "heads": ([(2, 2, 3, 4), (2, 2, 5, 4), (2, 2, 5, 6)], {}),
    "broadcast_batch": ([(2, 3, 4), (1, 5, 4), (5, 6)], {}),
    "bool_mask": ([(2, 3, 4), (2, 5, 4), (2, 5, 6), lambda rng: VISIBLE], {}),
    "bool_mask_per_head": (
        [(2, 2, 3, 4), (2, 2, 5, 4), (2, 2, 5, 6), lambda rng: np.stack([VISIBLE, ~VISIBLE])],
        {},
    ),
    "float_mask": ([(2, 3, 4), (2, 5, 4), (2, 5, 6), lambda rng: float_mask(rng, 3, 5)], {}),
    "float_mask_per_batch": (
        [(2, 2, 3, 4), (2, 2, 5, 4), (2, 2, 5, 6), lambda rng: float_mask(rng, 2, 1, 3, 5)],
        {},
    ),
    "causal": ([(2, 4, 4), (2, 4, 4), (2, 4, 6)], {"is_causal": True}),
    "causal_more_queries": ([(2, 5, 4), (2, 3, 4), (2, 3, 6)], {"is_causal": True}),
    "causal_more_keys": ([(2, 3, 4), (2, 5, 4), (2, 5, 6)], {"is_causal": True}),
    "scale": ([(2, 3, 4), (2, 5, 4), (2, 5, 6)], {"scale": 0.3}),
    "negative_scale": ([(2, 3, 4), (2, 5, 4), (2, 5, 6)], {"scale": -1.5}),
    "gqa": ([(1, 4, 3, 4), (1, 2, 5, 4), (1, 2, 5, 6)], {"enable_gqa": True}),
    "gqa_value_heads_differ": ([(1, 4, 3, 4), (1, 2, 5, 4), (1, 1, 5, 6)], {"enable_gqa": True}),
    "fully_masked_bool": ([(2, 3, 4), (2, 5, 4), (2, 5, 6), lambda rng: FULLY_MASKED], {}),
    "fully_masked_float": ([(2, 3, 4), (2, 5, 4), (2, 5, 6), minus_inf_row], {}),
    "no_keys": ([(2, 3, 4), (2, 0, 4), (2, 0, 6)], {}),
    "no_queries": ([(2, 0, 4), (2, 5, 4), (2, 5, 6)], {}),
    "empty_embedding": ([(2, 3, 0), (2, 5, 0), (2, 5, 6)], {}),
}


def sdpa_inputs(name, rng, dtype=np.float32):
    builders, kwargs = SDPA_CASES[name]
    arrays = []
    for build in builders:
        array = build(rng) if callable(build) else floats(rng, *build)
        arrays.append(array.astype(dtype) if array.dtype.kind == "f" else array)
    return arrays, kwargs


def sdpa(lib, q, k, v, mask=None, **kwargs):
    return functional(lib).scaled_dot_product_attention(q, k, v, attn_mask=mask, **kwargs)


@pytest.mark.parametrize("name", sorted(SDPA_CASES))
def test_sdpa_matches_torch(name, rng):
    arrays, kwargs = sdpa_inputs(name, rng)
    compare_with_torch(lambda lib, *xs: sdpa(lib, *xs, **kwargs), *arrays)


@pytest.mark.parametrize("name", ["fully_masked_bool", "fully_masked_float"])
def test_sdpa_fully_masked_rows_give_zeros_and_no_gradient(name, rng):
    arrays, _ = sdpa_inputs(name, rng)
    q, k, v = (nr.tensor(a, requires_grad=True) for a in arrays[:3])
    out = sdpa(nr, q, k, v, nr.tensor(arrays[3]))
    assert not out[:, 1].detach().numpy().any()
    (out * nr.randn(*out.shape)).sum().backward()
    assert not q.grad[:, 1].numpy().any()
    assert np.isfinite(k.grad.numpy()).all() and np.isfinite(v.grad.numpy()).all()


@pytest.mark.parametrize(
    "name", ["3d", "bool_mask", "float_mask", "causal_more_keys", "gqa", "fully_masked_bool"]
)
def test_sdpa_gradcheck(name, rng):
    arrays, kwargs = sdpa_inputs(name, rng, np.float64)
    if len(arrays) == 4 and arrays[3].dtype == bool:  # a bool mask is a constant
        kwargs = {**kwargs, "mask": nr.tensor(arrays.pop())}
    elif len(arrays) == 4:  # a float mask is differentiable too (away from -inf)
        arrays[3] = np.where(np.isinf(arrays[3]), -1.0, arrays[3])
    check_gradients(lambda *xs: sdpa(nr, *xs, **kwargs), *arrays, second_order=True)


# -- dropout inside attention: its properties -------------------------------------------


def attention_of_uniform_weights(p, rows=2000, keys=8):
    """SDPA whose weights are all ``1/keys`` (zero queries) with ``value`` the identity,
    so the output is the dropped-out weights themselves."""
    q = nr.zeros(rows, 1, 4)
    k = nr.randn(rows, keys, 4)
    v = nr.eye(keys).expand(rows, keys, keys).requires_grad_()
    return F.scaled_dot_product_attention(q, k, v, dropout_p=p), v


@pytest.mark.parametrize("p", [0.2, 0.6])
def test_sdpa_dropout_zeroes_a_fraction_p_and_keeps_the_expectation(p):
    nr.manual_seed(0)
    out, _ = attention_of_uniform_weights(p)
    values = out.detach().numpy()
    dropped = values == 0
    assert abs(dropped.mean() - p) < 6 * math.sqrt(p * (1 - p) / values.size)
    np.testing.assert_allclose(values[~dropped], 1 / (8 * (1 - p)), rtol=1e-6)
    assert abs(values.sum(-1).mean() - 1) < 0.02  # the expectation of each row's sum is 1


def test_sdpa_dropout_backward_uses_the_forward_mask():
    nr.manual_seed(0)
    out, v = attention_of_uniform_weights(0.5, rows=50)
    upstream = nr.randn(*out.shape)
    (out * upstream).sum().backward()
    expected = out.detach().mT @ upstream  # d(weights @ v)/dv = weights^T @ upstream
    np.testing.assert_allclose(v.grad.numpy(), expected.numpy(), rtol=1e-5, atol=1e-6)


def test_sdpa_dropout_is_reproducible_with_the_seed():
    results = []
    for _ in range(2):
        nr.manual_seed(3)
        results.append(attention_of_uniform_weights(0.5, rows=20)[0].detach().numpy())
    np.testing.assert_array_equal(*results)


def test_sdpa_dropout_one_gives_zeros_as_torch(rng):
    arrays, _ = sdpa_inputs("3d", rng)
    compare_with_torch(lambda lib, *xs: sdpa(lib, *xs, dropout_p=1.0), *arrays)


# (call, exception type, message pattern)
SDPA_ERRORS = [
    (lambda: sdpa(nr, nr.ones(4), nr.ones(5, 4), nr.ones(5, 6)), RuntimeError, "at least 2-D"),
    (
        lambda: sdpa(nr, nr.ones(3, 4), nr.ones(5, 3), nr.ones(5, 6)),
        RuntimeError,
        r"same embedding size E, but query has 4 \(shape \(3, 4\)\) and key 3",
    ),
    (
        lambda: sdpa(nr, nr.ones(3, 4), nr.ones(5, 4), nr.ones(6, 6)),
        RuntimeError,
        "same sequence length S, but key has 5",
    ),
    (
        lambda: sdpa(nr, nr.ones(2, 3, 4), nr.ones(3, 5, 4), nr.ones(3, 5, 6)),
        RuntimeError,
        r"batch dimensions of query \(2, 3, 4\), key \(3, 5, 4\) .* do not broadcast",
    ),
    (
        lambda: sdpa(nr, nr.ones(3, 4), nr.ones(5, 4, dtype=nr.float64), nr.ones(5, 6)),
        RuntimeError,
        "same dtype, but got float32, float64 and float32",
    ),
    (
        lambda: sdpa(nr, nr.ones(3, 4, dtype=nr.int64), *[nr.ones(5, 4, dtype=nr.int64)] * 2),
        RuntimeError,
        "expected floating point query, key and value, but got int64",
    ),
    (
        lambda: sdpa(nr, nr.ones(3, 4), nr.ones(5, 4), nr.ones(5, 6), nr.ones(3, 4)),
        RuntimeError,
        r"attn_mask of shape \(3, 4\) does not broadcast to .* \(3, 5\)",
    ),
    (
        lambda: sdpa(nr, nr.ones(3, 4), nr.ones(5, 4), nr.ones(5, 6), nr.ones(2, 3, 5)),
        RuntimeError,
        r"attn_mask of shape \(2, 3, 5\)",
    ),
    (
        lambda: sdpa(
            nr, nr.ones(3, 4), nr.ones(5, 4), nr.ones(5, 6), nr.ones(3, 5, dtype=nr.int64)
        ),
        RuntimeError,
        "attn_mask to be bool or of query's dtype float32, but got int64",
    ),
    (
        lambda: sdpa(
            nr, nr.ones(3, 4), nr.ones(5, 4), nr.ones(5, 6), nr.ones(3, 5), is_causal=True
        ),
        RuntimeError,
        "Explicit attn_mask should not be set when is_causal=True",
    ),
    (
        lambda: sdpa(nr, nr.ones(3, 4), nr.ones(5, 4), nr.ones(5, 6), dropout_p=1.5),
        RuntimeError,
        "dropout probability has to be between 0 and 1, but got 1.5",
    ),
    (
        lambda: sdpa(nr, nr.ones(2, 3, 4), nr.ones(5, 4), nr.ones(5, 6), enable_gqa=True),
        IndexError,
        "enable_gqa needs a heads dimension",
    ),
    (
        lambda: sdpa(nr, nr.ones(4, 3, 4), nr.ones(3, 5, 4), nr.ones(3, 5, 6), enable_gqa=True),
        RuntimeError,
        r"heads of key \(3\) and of value \(3\) must divide the number of heads of query \(4\)",
    ),
    (lambda: sdpa(nr, np.ones((3, 4)), nr.ones(5, 4), nr.ones(5, 6)), TypeError, "'query'"),
]


@pytest.mark.parametrize("case", range(len(SDPA_ERRORS)))
def test_sdpa_errors(case):
    call, kind, pattern = SDPA_ERRORS[case]
    with pytest.raises(kind, match=pattern):
        call()


# -- MultiheadAttention against PyTorch --------------------------------------------------

E, HEADS, L, S, N = 8, 2, 3, 5, 4


def padding_mask(dtype=bool):
    """(N, S): sample b ignores key (b + 2) % S; key 1 is never ignored."""
    mask = np.zeros((N, S), dtype=bool)
    mask[np.arange(N), (np.arange(N) + 2) % S] = True
    return mask if dtype is bool else np.where(mask, -np.inf, 0.0).astype(dtype)


def mask_3d(rng):
    mask = rng.random((N * HEADS, L, S)) < 0.4
    mask[..., 1] = False
    return mask


def fully_masking_padding(rng):
    mask = padding_mask()
    mask[1] = True
    return mask


# name: (constructor kwargs, inputs, other forward kwargs). ``inputs`` maps argument names
# to a float shape or a builder (rng -> array); "x" is passed as query, key and value
# (self-attention), "memory" as key and value.
Q, KV = (L, N, E), (S, N, E)
MHA_CASES = {
    "self": ({}, {"x": (L, N, E)}, {}),
    "self_batch_first": ({"batch_first": True}, {"x": (N, L, E)}, {}),
    "cross": ({}, {"query": Q, "memory": KV}, {}),
    "cross_batch_first": ({"batch_first": True}, {"query": (N, L, E), "memory": (N, S, E)}, {}),
    "distinct": ({}, {"query": Q, "key": KV, "value": KV}, {}),
    "kdim_vdim": ({"kdim": 5, "vdim": 3}, {"query": Q, "key": (S, N, 5), "value": (S, N, 3)}, {}),
    "kdim_vdim_batch_first": (
        {"kdim": 5, "vdim": 3, "batch_first": True},
        {"query": (N, L, E), "key": (N, S, 5), "value": (N, S, 3)},
        {},
    ),
    "no_bias": ({"bias": False}, {"query": Q, "memory": KV}, {}),
    "no_bias_kdim": ({"bias": False, "kdim": 5}, {"query": Q, "key": (S, N, 5), "value": KV}, {}),
    "bool_attn_mask": ({}, {"query": Q, "memory": KV, "attn_mask": lambda r: ~VISIBLE}, {}),
    "float_attn_mask": (
        {},
        {"query": Q, "memory": KV, "attn_mask": lambda r: float_mask(r, L, S).astype(float)},
        {},
    ),
    "3d_attn_mask": ({}, {"query": Q, "memory": KV, "attn_mask": mask_3d}, {}),
    "bool_padding_mask": (
        {},
        {"query": Q, "memory": KV, "key_padding_mask": lambda r: padding_mask()},
        {},
    ),
    "float_padding_mask": (
        {},
        {"query": Q, "memory": KV, "key_padding_mask": lambda r: padding_mask(float)},
        {},
    ),
    "both_masks": (
        {"batch_first": True},
        {
            "query": (N, L, E),
            "memory": (N, S, E),
            "attn_mask": mask_3d,
            "key_padding_mask": lambda r: padding_mask(),
        },
        {},
    ),
    "bias_kv": (
        {"add_bias_kv": True},
        {"query": Q, "memory": KV, "attn_mask": lambda r: ~VISIBLE},
        {},
    ),
    "zero_attn": (
        {"add_zero_attn": True},
        {"query": Q, "memory": KV, "key_padding_mask": lambda r: padding_mask()},
        {},
    ),
    "bias_kv_zero_attn": (
        {"add_bias_kv": True, "add_zero_attn": True, "batch_first": True},
        {
            "query": (N, L, E),
            "memory": (N, S, E),
            "attn_mask": mask_3d,
            "key_padding_mask": lambda r: padding_mask(),
        },
        {},
    ),
    "not_averaged": ({}, {"x": (L, N, E)}, {"average_attn_weights": False}),
    "causal": (
        {"batch_first": True},
        {"x": (N, L, E), "attn_mask": lambda r: np.triu(np.ones((L, L), dtype=bool), 1)},
        {"is_causal": True},
    ),
    "causal_hint_with_padding": (
        {},
        {
            "query": Q,
            "memory": (L, N, E),
            "attn_mask": lambda r: np.triu(np.ones((L, L), dtype=bool), 1),
            "key_padding_mask": lambda r: padding_mask()[:, 1 : L + 1],
        },
        {"is_causal": True},
    ),
    "unbatched": ({}, {"x": (L, E)}, {}),
    "unbatched_batch_first": ({"batch_first": True}, {"query": (L, E), "memory": (S, E)}, {}),
    "unbatched_masks": (
        {},
        {
            "query": (L, E),
            "memory": (S, E),
            "attn_mask": lambda r: mask_3d(r)[:HEADS],
            "key_padding_mask": lambda r: padding_mask()[0],
        },
        {"average_attn_weights": False},
    ),
    "unbatched_bias_kv": (
        {"add_bias_kv": True, "add_zero_attn": True},
        {"query": (L, E), "memory": (S, E), "key_padding_mask": lambda r: padding_mask()[0]},
        {},
    ),
    "fully_masked_padding": (
        {},
        {"query": Q, "memory": KV, "key_padding_mask": fully_masking_padding},
        {},
    ),
}


def mha_inputs(name, rng):
    _, spec, _ = MHA_CASES[name]
    return {
        key: build(rng) if callable(build) else floats(rng, *build, dtype=np.float64)
        for key, build in spec.items()
    }


def call_module(module, names, arrays, forward_kwargs):
    """``module(query, key, value, **masks, **forward_kwargs)`` from named arrays."""
    given = dict(zip(names, arrays))
    if "x" in given:
        query = key = value = given.pop("x")
    elif "memory" in given:
        query, key = given.pop("query"), given.pop("memory")
        value = key
    else:
        query, key, value = given.pop("query"), given.pop("key"), given.pop("value")
    return module(query, key, value, **given, **forward_kwargs)


def module_pair(**kwargs):
    """A float64 torch module and a neurarust module with the same weights."""
    theirs = torch.nn.MultiheadAttention(E, HEADS, **kwargs).double()
    ours = nr.nn.MultiheadAttention(E, HEADS, **kwargs, dtype=nr.float64)
    copy_torch_state(ours, theirs)
    return ours, theirs


def assert_parameter_grads_match(ours, theirs):
    their_params = dict(theirs.named_parameters())
    for key, param in ours.named_parameters():
        np.testing.assert_allclose(
            param.grad.numpy(), their_params[key].grad.numpy(), rtol=1e-7, atol=1e-10, err_msg=key
        )


@pytest.mark.parametrize("need_weights", [True, False])
@pytest.mark.parametrize("name", sorted(set(MHA_CASES) - {"fully_masked_padding"}))
def test_multihead_attention_matches_torch(name, need_weights, rng):
    require_torch()
    kwargs, _, forward_kwargs = MHA_CASES[name]
    ours, theirs = module_pair(**kwargs)
    modules = {"neurarust": ours, "torch": theirs}
    inputs = mha_inputs(name, rng)
    forward_kwargs = {**forward_kwargs, "need_weights": need_weights}
    compare_with_torch(
        lambda lib, *xs: call_module(modules[lib.__name__], list(inputs), xs, forward_kwargs),
        *inputs.values(),
        atol=1e-10,
        rtol=1e-7,
    )
    assert_parameter_grads_match(ours, theirs)


def test_fully_masked_rows_give_nan_with_weights_as_torch(rng):
    require_torch()
    ours, theirs = module_pair()
    modules = {"neurarust": ours, "torch": theirs}
    inputs = mha_inputs("fully_masked_padding", rng)
    out, weights = compare_with_torch(
        lambda lib, *xs: call_module(modules[lib.__name__], list(inputs), xs, {}),
        *inputs.values(),
        grad=False,
    )
    assert np.isnan(out[:, 1].detach().numpy()).all()
    assert np.isnan(weights[1].detach().numpy()).all()
    assert np.isfinite(out[:, [0, 2, 3]].detach().numpy()).all()


def test_fully_masked_rows_give_zeros_without_weights_as_torch(rng):
    require_torch()
    ours, theirs = module_pair()
    modules = {"neurarust": ours, "torch": theirs}
    inputs = mha_inputs("fully_masked_padding", rng)
    out, _ = compare_with_torch(
        lambda lib, *xs: call_module(
            modules[lib.__name__], list(inputs), xs, {"need_weights": False}
        ),
        *inputs.values(),
        atol=1e-10,
        rtol=1e-7,
    )
    # The output row is out_proj's bias alone: the attention row is zeros.
    np.testing.assert_allclose(
        out[:, 1].detach().numpy(), np.broadcast_to(ours.out_proj.bias.detach().numpy(), (L, E))
    )
    assert_parameter_grads_match(ours, theirs)


def test_causal_hint_replaces_attn_mask_without_weights_as_torch(rng):
    """With need_weights=False and no padding mask, is_causal means the causal mask
    whatever attn_mask holds (PyTorch's rule)."""
    require_torch()
    ours, theirs = module_pair()
    modules = {"neurarust": ours, "torch": theirs}
    x, wrong_mask = floats(rng, L, N, E, dtype=np.float64), ~VISIBLE[:, :L]
    outputs = compare_with_torch(
        lambda lib, x, m: modules[lib.__name__](
            x, x, x, attn_mask=m, need_weights=False, is_causal=True
        )[0],
        x,
        wrong_mask,
        atol=1e-10,
        rtol=1e-7,
    )
    causal = ours(*[nr.tensor(x)] * 3, attn_mask=nr.ones(L, L, dtype=nr.bool).triu(1))[0]
    np.testing.assert_allclose(outputs.detach().numpy(), causal.detach().numpy(), atol=1e-12)


def test_eval_mode_has_no_dropout_and_matches_torch(rng):
    require_torch()
    ours, theirs = module_pair(dropout=0.5)
    ours.eval(), theirs.eval()
    modules = {"neurarust": ours, "torch": theirs}
    compare_with_torch(
        lambda lib, x: modules[lib.__name__](x, x, x),
        floats(rng, L, N, E, dtype=np.float64),
        atol=1e-10,
        rtol=1e-7,
    )


def test_training_dropout_acts_on_the_returned_weights():
    attention = nr.nn.MultiheadAttention(E, HEADS, dropout=0.5)
    x = nr.randn(L, 64, E)
    nr.manual_seed(0)
    _, weights = attention(x, x, x, average_attn_weights=False)
    _, plain = attention.eval()(x, x, x, average_attn_weights=False)
    weights, plain = weights.detach().numpy(), plain.detach().numpy()
    dropped = weights == 0
    assert 0.4 < dropped.mean() < 0.6
    np.testing.assert_allclose(weights[~dropped], 2 * plain[~dropped], rtol=1e-5)


def test_self_attention_projects_with_one_gemm():
    attention = nr.nn.MultiheadAttention(E, HEADS)
    x = nr.randn(L, N, E)
    seen, stack, linears = set(), [attention(x, x, x)[0].grad_fn], 0
    while stack:
        node = stack.pop()
        if node is None or id(node) in seen:
            continue
        seen.add(id(node))
        linears += node.name() == "LinearBackward"
        stack.extend(edge[0] for edge in node.next_functions)
    assert linears == 2  # the packed in-projection and out_proj


def test_functional_form_with_static_keys_and_separate_weights_matches_torch(rng):
    def call(lib, q, k, v, wq, wk, wv, b, wo, sk, sv):
        return functional(lib).multi_head_attention_forward(
            q, k, v, E, HEADS, None, b, None, None, True, 0.0, wo, None,
            use_separate_proj_weight=True, q_proj_weight=wq, k_proj_weight=wk,
            v_proj_weight=wv, static_k=sk, static_v=sv, average_attn_weights=False,
        )  # fmt: skip

    arrays = [
        floats(rng, *shape, dtype=np.float64)
        for shape in [
            (L, N, E), (S, N, 5), (S, N, 3), (E, E), (E, 5), (E, 3), (3 * E,), (E, E),
            (N * HEADS, 6, E // HEADS), (N * HEADS, 6, E // HEADS),
        ]
    ]  # fmt: skip
    compare_with_torch(call, *arrays, atol=1e-10, rtol=1e-7)


def test_functional_form_gradcheck(rng):
    def call(q, k, w_in, b_in, w_out, bias_k, bias_v):
        padding = nr.tensor([[False, True, False]])
        out, weights = F.multi_head_attention_forward(
            q, k, k, 4, 2, w_in, b_in, bias_k, bias_v, True, 0.0, w_out, None,
            key_padding_mask=padding,
        )  # fmt: skip
        return out, weights

    shapes = [(2, 1, 4), (3, 1, 4), (12, 4), (12,), (4, 4), (1, 1, 4), (1, 1, 4)]
    check_gradients(call, *[rng.standard_normal(s) for s in shapes], second_order=True)


# -- construction: parameters, repr, initialization ------------------------------------

CONSTRUCTORS = {
    "default": {},
    "options": {"dropout": 0.1, "bias": False, "add_bias_kv": True, "add_zero_attn": True},
    "kdim_vdim": {"kdim": 5, "vdim": 3, "batch_first": True},
    "kdim_only": {"kdim": 5},
}


@pytest.mark.parametrize("name", sorted(CONSTRUCTORS))
def test_parameters_and_repr_match_torch(name):
    require_torch()
    ours = nr.nn.MultiheadAttention(E, HEADS, **CONSTRUCTORS[name])
    theirs = torch.nn.MultiheadAttention(E, HEADS, **CONSTRUCTORS[name])
    assert repr(ours) == repr(theirs)
    assert [(k, tuple(p.shape)) for k, p in ours.named_parameters()] == [
        (k, tuple(p.shape)) for k, p in theirs.named_parameters()
    ]
    assert list(ours.state_dict()) == list(theirs.state_dict())
    for attribute in ("embed_dim", "kdim", "vdim", "num_heads", "head_dim", "dropout",
                      "batch_first", "add_zero_attn", "_qkv_same_embed_dim"):  # fmt: skip
        assert getattr(ours, attribute) == getattr(theirs, attribute), attribute


def test_default_initialization_follows_torch():
    nr.manual_seed(0)
    embed = 64
    attention = nr.nn.MultiheadAttention(embed, 4, add_bias_kv=True)
    in_proj = attention.in_proj_weight.detach().numpy()
    xavier = math.sqrt(6 / (embed + 3 * embed))
    assert np.abs(in_proj).max() <= xavier and np.abs(in_proj).max() > 0.95 * xavier
    np.testing.assert_allclose(in_proj.std(), xavier / math.sqrt(3), rtol=0.05)
    out_proj = attention.out_proj.weight.detach().numpy()  # Linear's kaiming_uniform_
    assert np.abs(out_proj).max() <= 1 / math.sqrt(embed)
    assert not attention.in_proj_bias.detach().numpy().any()
    assert not attention.out_proj.bias.detach().numpy().any()
    bias_k = np.concatenate([attention.bias_k.detach().numpy(), attention.bias_v.detach().numpy()])
    assert abs(bias_k.std() - 1 / math.sqrt(embed)) < 0.05  # xavier_normal_ of (1, 1, E)

    separate = nr.nn.MultiheadAttention(embed, 4, kdim=32)
    bound = math.sqrt(6 / (embed + 32))
    assert np.abs(separate.k_proj_weight.detach().numpy()).max() <= bound


def test_parameters_have_the_dtype_asked_for():
    attention = nr.nn.MultiheadAttention(E, HEADS, add_bias_kv=True, kdim=3, dtype=nr.float64)
    assert {p.dtype for p in attention.parameters()} == {nr.float64}


def test_mismatched_mask_types_warn_as_torch():
    attention, x = nr.nn.MultiheadAttention(E, HEADS), nr.randn(L, N, E)
    with pytest.warns(UserWarning, match="mismatched key_padding_mask and attn_mask"):
        attention(x, x, x, key_padding_mask=nr.zeros(N, L, dtype=nr.bool), attn_mask=nr.zeros(L, L))


def mha(query, key=None, value=None, module=None, **kwargs):
    module = module or nr.nn.MultiheadAttention(E, HEADS)
    key = query if key is None else key
    return module(query, key, key if value is None else value, **kwargs)


MHA_ERRORS = [
    (lambda: nr.nn.MultiheadAttention(0, 2), ValueError, "embed_dim=0 and num_heads=2"),
    (lambda: nr.nn.MultiheadAttention(6, 4), AssertionError, "divisible by num_heads"),
    (lambda: mha(nr.ones(1, 2, 3, E)), AssertionError, "received 4-D query tensor"),
    (lambda: mha(nr.ones(L, N, E), nr.ones(S, E)), AssertionError, "found 2-D and 2-D"),
    (
        lambda: mha(nr.ones(L, N, E), key_padding_mask=nr.ones(N, dtype=nr.bool)),
        AssertionError,
        "`key_padding_mask` to be `None` or 2-D but found 1-D",
    ),
    (
        lambda: mha(nr.ones(L, N, E), attn_mask=nr.ones(L, dtype=nr.bool)),
        AssertionError,
        "`attn_mask` to be `None`, 2-D or 3-D but found 1-D",
    ),
    (
        lambda: mha(nr.ones(L, N, E), attn_mask=nr.ones(L, S, dtype=nr.bool)),
        RuntimeError,
        r"2D attn_mask is \(3, 5\), but should be \(3, 3\)",
    ),
    (
        lambda: mha(nr.ones(L, N, E), attn_mask=nr.ones(N, L, L, dtype=nr.bool)),
        RuntimeError,
        r"3D attn_mask is \(4, 3, 3\), but should be \(8, 3, 3\)",
    ),
    (
        lambda: mha(nr.ones(L, N, E), key_padding_mask=nr.ones(N, S, dtype=nr.bool)),
        AssertionError,
        r"key_padded_mask.shape\[1\] to be 3, but got 5",
    ),
    (
        lambda: mha(nr.ones(L, N, E), key_padding_mask=nr.ones(N, L, dtype=nr.int64)),
        AssertionError,
        "only bool and floating types of key_padding_mask",
    ),
    (
        lambda: mha(nr.ones(L, E), attn_mask=nr.ones(N, L, L, dtype=nr.bool)),
        AssertionError,
        r"Expected `attn_mask` shape to be \(2, 3, 3\) but got \(4, 3, 3\)",
    ),
    (lambda: mha(nr.ones(L, N, 6)), AssertionError, "embedding dimension of 8, but got 6"),
    (
        lambda: mha(nr.ones(L, N, E), nr.ones(S, N, E), nr.ones(L, N, E)),
        AssertionError,
        r"key shape \(5, 4, 8\) does not match value shape \(3, 4, 8\)",
    ),
    (lambda: mha(nr.ones(L, N, E), is_causal=True), RuntimeError, "Need attn_mask"),
    (
        lambda: mha(
            nr.ones(L, N, E),
            nr.ones(S, N, 5),
            nr.ones(S, N, 3),
            module=nr.nn.MultiheadAttention(E, HEADS, kdim=4, vdim=3),
        ),  # fmt: skip
        AssertionError,
        r"expecting key weights shape of \(8, 5\), but got \(8, 4\)",
    ),
    (
        lambda: F.multi_head_attention_forward(
            *[nr.ones(L, N, E)] * 3,
            E,
            HEADS,
            None,
            None,
            None,
            None,
            False,
            0.0,
            nr.ones(E, E),
            None,
        ),  # fmt: skip
        AssertionError,
        "use_separate_proj_weight is False but in_proj_weight is None",
    ),
    (
        lambda: F.multi_head_attention_forward(
            *[nr.ones(L, N, E)] * 3,
            E,
            HEADS,
            nr.ones(3 * E, E),
            None,
            nr.ones(1, 1, E),
            None,
            False,
            0.0,
            nr.ones(E, E),
            None,
        ),  # fmt: skip
        AssertionError,
        "bias_k is set but bias_v is None",
    ),
    (
        lambda: F.multi_head_attention_forward(
            *[nr.ones(L, N, E)] * 3,
            E,
            HEADS,
            nr.ones(3 * E, E),
            None,
            None,
            None,
            False,
            0.0,
            nr.ones(E, E),
            None,
            static_k=nr.ones(N, S, E // HEADS),
        ),  # fmt: skip
        AssertionError,
        "expecting static_k.size\\(0\\) of 8, but got 4",
    ),
]


@pytest.mark.parametrize("case", range(len(MHA_ERRORS)))
def test_multihead_attention_errors(case):
    call, kind, pattern = MHA_ERRORS[case]
    with pytest.raises(kind, match=pattern):
        call()
