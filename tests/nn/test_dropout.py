"""Dropout ops and modules: masks from neurarust's RNG, checked statistically and
against PyTorch where PyTorch is deterministic (evaluation, p=0, p=1, errors)."""

import warnings

import numpy as np
import pytest

import neurarust as nr
import neurarust.nn.functional as F

from ..conftest import check_gradients, compare_with_torch, torch

# SELU's scale * alpha, the saturation value of alpha dropout.
SATURATION = 1.7580993408473766


def functional(lib):
    return F if lib is nr else torch.nn.functional


def seeded(fn, seed=0):
    """``fn`` reseeding the generator before each call: the same mask every time."""

    def call(*args, **kwargs):
        nr.manual_seed(seed)
        return fn(*args, **kwargs)

    return call


def channel_values(y, channel_dims):
    """For each channel (the leading ``channel_dims`` dims), its set of distinct values."""
    flat = y.numpy().reshape(int(np.prod(y.shape[:channel_dims])), -1)
    return [set(row.tolist()) for row in flat]


# -- dropout ----------------------------------------------------------------------------


def test_same_seed_same_mask_and_streams_advance():
    x = nr.ones(1000)
    a = seeded(F.dropout)(x, 0.5)
    b = seeded(F.dropout)(x, 0.5)
    assert nr.equal(a, b)
    assert not nr.equal(F.dropout(x, 0.5), F.dropout(x, 0.5))


@pytest.mark.parametrize("p", [0.1, 0.5, 0.8])
def test_fraction_zeroed_is_p_and_kept_elements_are_scaled(p, rng):
    x = rng.uniform(1, 2, 100_000).astype(np.float32)  # no zeros of its own
    nr.manual_seed(1)
    y = F.dropout(nr.from_numpy(x), p).numpy()
    dropped = y == 0
    # The fraction dropped is within 6 standard deviations of p.
    assert abs(dropped.mean() - p) < 6 * np.sqrt(p * (1 - p) / x.size)
    np.testing.assert_allclose(y[~dropped], x[~dropped] / np.float32(1 - p), rtol=1e-6)


@pytest.mark.parametrize(
    "op, shape",
    [
        ("dropout", (3, 4, 5)),
        ("dropout1d", (2, 3, 4)),
        ("dropout2d", (2, 3, 2, 2)),
        ("dropout3d", (3, 2, 1, 2)),
        ("alpha_dropout", (3, 4)),
        ("feature_alpha_dropout", (2, 3, 2)),
    ],
)
def test_gradient_is_the_mask_times_the_scale(op, shape, rng):
    x = nr.from_numpy(rng.uniform(1, 2, shape).astype(np.float32)).requires_grad_()
    upstream = nr.from_numpy(rng.standard_normal(shape).astype(np.float32))
    y = getattr(F, op)(x, 0.4, training=True)
    y.backward(upstream)
    p = 0.4
    if "alpha" in op:  # kept elements are a * x + b, dropped ones a constant
        a = 1 / np.sqrt((SATURATION**2 * p + 1) * (1 - p))
        kept = ~np.isclose(y.detach().numpy(), a * SATURATION * (p - 1))
        scale = a
    else:
        kept, scale = (y != 0).numpy(), 1 / (1 - p)
    np.testing.assert_allclose(x.grad.numpy(), upstream.numpy() * kept * scale, rtol=1e-5)


@pytest.mark.parametrize("op", ["dropout", "dropout2d", "alpha_dropout", "feature_alpha_dropout"])
def test_gradients_first_and_second_order(op, rng):
    fn = seeded(lambda x: getattr(F, op)(x, 0.3, training=True))
    check_gradients(fn, rng.standard_normal((2, 3, 2, 2)), second_order=True)


# The same call on neurarust and torch: deterministic cases only.
DETERMINISTIC = {  # name: (call on functional f, input shape)
    "eval": (lambda f, x: f.dropout(x, 0.5, training=False), (2, 3)),
    "p0": (lambda f, x: f.dropout(x, 0.0), (2, 3)),
    "p1": (lambda f, x: f.dropout(x, 1.0), (2, 3)),
    "dropout1d_eval": (lambda f, x: f.dropout1d(x, 0.3, training=False), (2, 3, 4)),
    "dropout2d_p1": (lambda f, x: f.dropout2d(x, 1.0), (1, 2, 3, 2)),
    "dropout3d_eval": (lambda f, x: f.dropout3d(x, training=False), (1, 2, 1, 1, 2)),
    "alpha_default_eval": (lambda f, x: f.alpha_dropout(x, 0.5), (2, 3)),
    "alpha_p1": (lambda f, x: f.alpha_dropout(x, 1.0, training=True), (2, 3)),
    "feature_alpha_p1": (lambda f, x: f.feature_alpha_dropout(x, 1.0, training=True), (2, 3)),
}


@pytest.mark.parametrize("name", sorted(DETERMINISTIC))
def test_deterministic_cases_match_torch(name, rng):
    call, shape = DETERMINISTIC[name]
    compare_with_torch(
        lambda lib, x: call(functional(lib), x * 1),  # * 1: not a leaf, as torch returns it
        rng.standard_normal(shape).astype(np.float32),
    )


@pytest.mark.parametrize(
    "call, shape",
    [
        (lambda x: F.dropout(x, training=False), (2, 3)),
        (lambda x: F.dropout(x, 0.0), (2, 3)),
        (lambda x: F.dropout(x), (0, 3)),
        (lambda x: F.dropout2d(x, training=False), (1, 2, 3, 3)),
        (lambda x: F.alpha_dropout(x, 0.5), (2, 3)),
    ],
)
def test_identity_cases_return_the_input_itself(call, shape):
    x = nr.ones(shape)
    assert call(x) is x


def test_p1_keeps_integer_dtypes_as_torch():
    compare_with_torch(lambda lib, x: functional(lib).dropout(x, 1.0), np.arange(5), grad=False)


@pytest.mark.parametrize(
    "op, shape, channel_dims",
    [
        ("dropout1d", (4, 50, 3), 2),
        ("dropout1d", (50, 3), 1),  # unbatched (C, L)
        ("dropout2d", (4, 50, 2, 2), 2),
        ("dropout2d", (4, 50, 3), 2),  # read as (N, C, L), as PyTorch
        ("dropout3d", (2, 50, 2, 1, 2), 2),
        ("dropout3d", (50, 2, 2, 2), 1),  # unbatched (C, D, H, W)
        ("feature_alpha_dropout", (4, 50, 3), 2),
    ],
)
def test_channel_dropout_zeroes_whole_channels(op, shape, channel_dims):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # dropout2d on 3-D input warns, tested below
        y = seeded(getattr(F, op))(nr.ones(shape), 0.5, training=True)
    values = channel_values(y, channel_dims)
    assert all(len(v) == 1 for v in values), "a channel mixes kept and dropped elements"
    distinct = set.union(*values)
    assert len(distinct) == 2  # some channels kept, some dropped


@pytest.mark.parametrize("p", [0.2, 0.5])
@pytest.mark.parametrize("op", ["alpha_dropout", "feature_alpha_dropout"])
def test_alpha_dropout_keeps_mean_and_variance(op, p, rng):
    x = rng.standard_normal((1000, 100)).astype(np.float32)
    y = seeded(getattr(F, op))(nr.from_numpy(x), p, training=True).numpy()
    assert abs(y.mean()) < 0.02 and abs(y.std() - 1) < 0.02
    # The two affine maps (kept, dropped) are PyTorch's: on zeros, compare the values.
    ours = seeded(getattr(F, op))(nr.zeros(100, 100), p, training=True).numpy()
    theirs = getattr(torch.nn.functional, op)(torch.zeros(100, 100), p, training=True).numpy()
    np.testing.assert_allclose(np.unique(ours), np.unique(theirs), rtol=1e-6)


def test_inplace_writes_the_input_and_records_the_gradient(rng):
    x = nr.from_numpy(rng.uniform(1, 2, (4, 5)).astype(np.float32)).requires_grad_()
    h = x * 1
    y = seeded(F.dropout)(h, 0.5, inplace=True)
    assert y is h
    expected = seeded(F.dropout)(x.detach(), 0.5)
    assert nr.equal(h.detach(), expected)
    h.sum().backward()
    assert nr.equal(x.grad, (expected != 0).float() * 2)


def test_inplace_on_a_leaf_that_requires_grad_is_refused_and_keeps_the_stream():
    x = nr.ones(3, requires_grad=True)
    nr.manual_seed(0)
    with pytest.raises(RuntimeError, match="dropout_: a leaf Variable that requires grad"):
        F.dropout(x, 0.5, inplace=True)
    after_refusal = F.dropout(nr.ones(100), 0.5)
    assert nr.equal(after_refusal, seeded(F.dropout)(nr.ones(100), 0.5))


# -- errors and warnings ----------------------------------------------------------------

ERRORS = {  # name: (call on functional f, input shape)
    "p_above_1": (lambda f, x: f.dropout(x, 1.5), (3,)),
    "p_below_0": (lambda f, x: f.dropout(x, -0.1, training=False), (3,)),
    "p_2d": (lambda f, x: f.dropout2d(x, 2.0), (1, 2, 3)),
    "p_alpha": (lambda f, x: f.alpha_dropout(x, -1.0), (3,)),
    "dropout1d_rank_1": (lambda f, x: f.dropout1d(x, 0.5), (5,)),
    "dropout1d_rank_4": (lambda f, x: f.dropout1d(x, 0.5, training=False), (1, 2, 3, 4)),
    "feature_rank_1": (lambda f, x: f.feature_alpha_dropout(x, 0.5, True), (5,)),
}


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_errors_like_torch(name):
    call, shape = ERRORS[name]
    with pytest.raises(Exception) as theirs:
        call(torch.nn.functional, torch.ones(shape))
    with pytest.raises(theirs.type) as ours:
        call(F, nr.ones(shape))
    assert str(theirs.value) in str(ours.value)


def test_integer_input_is_refused_as_torch():
    with pytest.raises(RuntimeError, match="dropout: result type Float can't be cast .* int64"):
        F.dropout(nr.arange(5), 0.5)


WARNINGS = [  # (op, input shape, number of warnings)
    ("dropout2d", (2, 5), 1),
    ("dropout2d", (2, 3, 5), 1),
    ("dropout2d", (2, 3, 4, 5, 6), 1),
    ("dropout3d", (2, 3, 5), 1),
    ("dropout3d", (5, 2), 1),
]


@pytest.mark.parametrize("op, shape, count", WARNINGS)
def test_rank_warnings_like_torch(op, shape, count):
    with pytest.warns(UserWarning) as ours:
        getattr(F, op)(nr.ones(shape), 0.5)
    with pytest.warns(UserWarning) as theirs:
        getattr(torch.nn.functional, op)(torch.ones(shape), 0.5)
    assert [str(w.message) for w in ours] == [str(w.message) for w in theirs]
    assert len(ours) == count and all(w.filename == __file__ for w in ours)


def test_dropout2d_of_1d_input_warns_then_fails_as_torch():
    with pytest.warns(UserWarning, match="Received a 1-D input to dropout2d"):
        with pytest.raises(RuntimeError, match="Feature dropout requires at least 2 dimensions"):
            F.dropout2d(nr.ones(5), 0.5)


# -- modules ----------------------------------------------------------------------------

MODULES = [  # (class name, constructor arguments, input shape)
    ("Dropout", {}, (4, 5)),
    ("Dropout", {"p": 0.2, "inplace": True}, (4, 5)),
    ("Dropout1d", {"p": 0.3}, (2, 3, 4)),
    ("Dropout2d", {"p": 0.3, "inplace": True}, (2, 3, 2, 2)),
    ("Dropout3d", {}, (2, 3, 1, 2, 2)),
    ("AlphaDropout", {"p": 0.1}, (4, 5)),
    ("FeatureAlphaDropout", {"p": 0.2}, (2, 3, 4)),
]


@pytest.mark.parametrize("name, kwargs, shape", MODULES)
def test_modules_repr_and_eval_mode_like_torch(name, kwargs, shape, rng):
    ours, theirs = getattr(nr.nn, name)(**kwargs), getattr(torch.nn, name)(**kwargs)
    assert repr(ours) == repr(theirs)
    assert list(ours.state_dict()) == list(theirs.state_dict()) == []
    ours.eval(), theirs.eval()
    compare_with_torch(
        lambda lib, x: (ours if lib is nr else theirs)(x * 1),
        rng.standard_normal(shape).astype(np.float32),
    )


FUNCTIONS = {
    "Dropout": "dropout",
    "Dropout1d": "dropout1d",
    "Dropout2d": "dropout2d",
    "Dropout3d": "dropout3d",
    "AlphaDropout": "alpha_dropout",
    "FeatureAlphaDropout": "feature_alpha_dropout",
}


@pytest.mark.parametrize("name, kwargs, shape", MODULES)
def test_modules_in_training_mode_call_their_function(name, kwargs, shape):
    module = getattr(nr.nn, name)(**kwargs)
    assert module.training
    p, inplace = kwargs.get("p", 0.5), kwargs.get("inplace", False)
    x = nr.ones(shape)
    expected = seeded(getattr(F, FUNCTIONS[name]))(x.clone(), p, True)
    y = seeded(module)(x)
    assert nr.equal(y, expected)
    assert (y is x) == inplace


@pytest.mark.parametrize("p", [-0.1, 1.5])
def test_module_checks_p_as_torch(p):
    with pytest.raises(
        ValueError, match=f"dropout probability has to be between 0 and 1, but got {p}"
    ):
        nr.nn.Dropout2d(p)
