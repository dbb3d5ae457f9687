"""ctc_loss against PyTorch: padded and concatenated targets, varying input and
target lengths, repeated labels, any blank, every reduction, zero_infinity,
unbatched inputs and extreme logits; the exact gradient (float64 gradcheck on
any log-probabilities), create_graph and double backward; errors."""

import numpy as np
import pytest

import neurarust as nr

from ..conftest import check_gradients, compare_with_torch, torch

needs_torch = pytest.mark.skipif(torch is None, reason="PyTorch is not installed (the oracle)")

T, C = 6, 5  # frames and classes of every case

# name: (targets, input_lengths, target_lengths, blank)
CASES = {
    "padded": ([[1, 2, 3], [2, 4, 1], [3, 1, 2]], [6, 6, 6], [3, 3, 3], 0),
    "varying_lengths": ([[1, 2, 3], [2, 4, 0], [3, 0, 0]], [6, 4, 5], [3, 2, 1], 0),
    "repeated_labels": ([[1, 1, 1], [2, 2, 3], [4, 4, 0]], [6, 5, 3], [3, 3, 2], 0),
    "concatenated": ([1, 2, 3, 2, 4, 3], [6, 5, 4], [3, 2, 1], 0),
    "blank_not_0": ([[0, 1, 2], [3, 3, 0], [2, 9, 9]], [6, 6, 5], [3, 2, 1], 4),
    "wide_padding": ([[1, 2, -1, -1, -1], [3, -1, -1, -1, -1]], [6, 6], [2, 1], 0),
    "empty_target": ([[1, 2], [0, 0]], [6, 3], [2, 0], 0),
    "zero_input_length": ([[1, 2], [0, 0], [3, 0]], [6, 0, 0], [2, 0, 1], 0),
    "no_labels_at_all": ([], [6, 4], [0, 0], 0),
    "impossible": ([[1, 1, 1], [1, 2, 0]], [4, 6], [3, 2], 0),  # 1 1 1 needs 5 frames
}


def logits_for(rng, batch, dtype=np.float32):
    return rng.standard_normal((T, batch, C)).astype(dtype)


def ctc(lib, logits, targets, input_lengths, target_lengths, **options):
    """ctc_loss of log_softmax(logits): the documented use, where PyTorch's gradient is exact."""
    F = lib.nn.functional
    return F.ctc_loss(F.log_softmax(logits, -1), targets, input_lengths, target_lengths, **options)


@pytest.mark.parametrize("zero_infinity", [False, True])
@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
@pytest.mark.parametrize("case", CASES)
def test_against_torch(case, reduction, zero_infinity, rng):
    targets, input_lengths, target_lengths, blank = CASES[case]
    compare_with_torch(
        lambda lib, x, y, il, tl: ctc(
            lib, x, y, il, tl, blank=blank, reduction=reduction, zero_infinity=zero_infinity
        ),
        logits_for(rng, len(input_lengths)),
        np.array(targets, dtype=np.int64),
        np.array(input_lengths),
        np.array(target_lengths),
    )


# Lengths as tuples, lists or tensors of other integer dtypes; float64 log_probs.
@pytest.mark.parametrize(
    "make_lengths",
    [tuple, list, lambda v: np.array(v, dtype=np.int32), lambda v: np.array(v, dtype=np.uint8)],
    ids=["tuple", "list", "int32", "uint8"],
)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_length_types_and_dtypes(make_lengths, dtype, rng):
    targets, input_lengths, target_lengths, _ = CASES["varying_lengths"]
    compare_with_torch(
        lambda lib, x, y, il, tl: ctc(lib, x, y, il, tl),
        logits_for(rng, 3, dtype),
        np.array(targets, dtype=np.int32),
        make_lengths(input_lengths),
        make_lengths(target_lengths),
    )


# Unbatched: log_probs (T, C); targets (S,) hold exactly target_length labels (as
# PyTorch reads them: one concatenated sample) or (1, S) is padded.
UNBATCHED = {
    "concatenated_0d_lengths": ([1, 2, 2], 6, 3),
    "padded_1_element_lengths": ([[1, 2, 2]], [6], [2]),
    "shorter_input": ([[3, 1]], [4], [2]),
}


@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
@pytest.mark.parametrize("case", UNBATCHED)
def test_unbatched(case, reduction, rng):
    targets, input_length, target_length = UNBATCHED[case]
    compare_with_torch(
        lambda lib, x, y, il, tl: ctc(lib, x, y, il, tl, reduction=reduction),
        rng.standard_normal((T, C)).astype(np.float32),
        np.array(targets),
        np.array(input_length),
        np.array(target_length),
    )


@pytest.mark.parametrize("reduction", ["none", "sum"])
def test_extreme_logits(reduction, rng):
    """Logits of magnitude 1e4 in float32: finite values and gradients equal to torch's
    (PyTorch's float32 gradient is itself 4e-3 off the float64 one here)."""
    targets, input_lengths, target_lengths, _ = CASES["repeated_labels"]
    out = compare_with_torch(
        lambda lib, x, y, il, tl: ctc(lib, x, y, il, tl, reduction=reduction),
        logits_for(rng, 3) * 1e4,
        np.array(targets),
        np.array(input_lengths),
        np.array(target_lengths),
        atol=1e-2,
    )
    assert np.isfinite(out.detach().numpy()).all()


@needs_torch
def test_gradient_is_exact_for_any_log_probs(rng):
    """On log_probs that are not log_softmax outputs, PyTorch's gradient has an extra
    exp(log_probs) in each frame a sample uses; neurarust's is the derivative itself."""
    targets, input_lengths, target_lengths, _ = CASES["varying_lengths"]
    log_probs = rng.standard_normal((T, 3, C))
    ours = nr.tensor(log_probs, requires_grad=True)
    theirs = torch.tensor(log_probs, requires_grad=True)
    nr.nn.functional.ctc_loss(ours, nr.tensor(targets), input_lengths, target_lengths).backward()
    torch.nn.functional.ctc_loss(
        theirs, torch.tensor(targets), input_lengths, target_lengths
    ).backward()
    used = np.arange(T)[:, None, None] < np.array(input_lengths)[:, None]
    scale = 1 / (3 * np.array(target_lengths))[:, None]  # 'mean' over 3 samples
    expected = theirs.grad.numpy() - used * scale * np.exp(log_probs)
    np.testing.assert_allclose(ours.grad.numpy(), expected, atol=1e-12)


@pytest.mark.parametrize("zero_infinity", [False, True])
@pytest.mark.parametrize("case", ["varying_lengths", "repeated_labels", "concatenated"])
def test_gradcheck(case, zero_infinity, rng):
    targets, input_lengths, target_lengths, blank = CASES[case]
    check_gradients(
        lambda x: nr.nn.functional.ctc_loss(
            x, nr.tensor(targets), input_lengths, target_lengths, blank, "none", zero_infinity
        ),
        rng.standard_normal((T, 3, C)),  # any log-probabilities, not only log_softmax's
    )


def test_gradcheck_zero_infinity_on_impossible_sample(rng):
    targets, input_lengths, target_lengths, _ = CASES["impossible"]
    check_gradients(
        lambda x: ctc(nr, x, nr.tensor(targets), input_lengths, target_lengths, zero_infinity=True),
        rng.standard_normal((T, 2, C)),
    )


def test_create_graph_and_double_backward(rng):
    """As in PyTorch, create_graph=True gives the gradient, and differentiating it raises."""
    targets, input_lengths, target_lengths, _ = CASES["repeated_labels"]
    x = nr.tensor(logits_for(rng, 3, np.float64), requires_grad=True)
    first = nr.autograd.grad(ctc(nr, x, nr.tensor(targets), input_lengths, target_lengths), x)[0]
    (graphed,) = nr.autograd.grad(
        ctc(nr, x, nr.tensor(targets), input_lengths, target_lengths), x, create_graph=True
    )
    np.testing.assert_allclose(graphed.detach().numpy(), first.numpy())
    assert graphed.requires_grad
    with pytest.raises(NotImplementedError, match="ctc_loss: double backward is not supported"):
        (graphed * graphed).sum().backward()


# name: (change to a valid call, exception, message after "ctc_loss: ")
ERRORS = {
    "input_length_over_T": (
        {"input_lengths": (7, 6)},
        RuntimeError,
        r"input_lengths must be at most 6 \(the number of frames T\), got 7",
    ),
    "target_length_over_S": (
        {"target_lengths": (4, 2)},
        RuntimeError,
        r"target_lengths must be at most 3 \(the targets' length S\), got 4",
    ),
    "negative_length": (
        {"target_lengths": (-1, 2)},
        RuntimeError,
        "target_lengths must be at least 0, got -1",
    ),
    "lengths_per_sample": (
        {"input_lengths": (6, 6, 6)},
        RuntimeError,
        r"input_lengths must have one entry per sample \(expected 2, got 3\)",
    ),
    "float_lengths": (
        {"input_lengths": nr.tensor([6.0, 6.0])},
        RuntimeError,
        "input_lengths must be integral, got float32",
    ),
    "int_lengths": (
        {"input_lengths": 6},
        TypeError,
        "input_lengths must be a Tensor or a tuple of ints, got int",
    ),
    "float_in_tuple": (
        {"input_lengths": (6.0, 6)},
        TypeError,
        r"input_lengths must hold ints, got \(6.0, 6\)",
    ),
    "concatenated_total": (
        {"targets": nr.tensor([1, 2, 3, 1])},
        RuntimeError,
        r"concatenated targets must hold sum\(target_lengths\) = 5 labels, got 4",
    ),
    "targets_batch": (
        {"targets": nr.tensor([[1, 2, 3]])},
        RuntimeError,
        r"expected padded targets of shape \(N, S\) with N = 2, got \(1, 3\)",
    ),
    "targets_3d": (
        {"targets": nr.ones(2, 3, 1, dtype=nr.int64)},
        RuntimeError,
        r"expected targets of shape \(N, S\) \(padded\) or \(sum\(target_lengths\),\) "
        r"\(concatenated\), got 3 dimensions \(shape \(2, 3, 1\)\)",
    ),
    "blank_in_target": (
        {"targets": nr.tensor([[1, 0, 3], [2, 2, 0]])},
        ValueError,
        r"targets must not contain the blank label 0 \(found at sample 0, position 1\)",
    ),
    "label_out_of_range": (
        {"targets": nr.tensor([[1, 2, 3], [2, 5, 0]])},
        IndexError,
        r"target 5 is out of bounds for 5 classes \(sample 1, position 1\)",
    ),
    "blank_out_of_range": (
        {"blank": 5},
        RuntimeError,
        r"blank must be in the label range \[0, 5\), got 5",
    ),
    "log_probs_4d": (
        {"log_probs": nr.zeros(6, 2, 5, 1)},
        RuntimeError,
        r"expected log_probs of shape \(T, N, C\) or \(T, C\), got 4 dimensions",
    ),
    "log_probs_1d": (
        {"log_probs": nr.zeros(6)},
        RuntimeError,
        r"expected log_probs of shape \(T, N, C\) or \(T, C\), got 1 dimensions",
    ),
    "log_probs_int": (
        {"log_probs": nr.zeros(6, 2, 5, dtype=nr.int64)},
        NotImplementedError,
        r"not implemented for int64 log_probs \(expected float32 or float64\)",
    ),
    "log_probs_empty": (
        {"log_probs": nr.zeros(0, 2, 5)},
        RuntimeError,
        r"log_probs must not be empty, got shape \(0, 2, 5\)",
    ),
    "log_probs_not_tensor": (
        {"log_probs": [[0.0]]},
        TypeError,
        "argument 'log_probs' must be Tensor, not list",
    ),
    "targets_not_tensor": (
        {"targets": [[1, 2, 3], [1, 2, 3]]},
        TypeError,
        "argument 'targets' must be Tensor, not list",
    ),
    "reduction": ({"reduction": "max"}, ValueError, "'max' is not a valid value for reduction"),
}


@pytest.mark.parametrize("case", ERRORS)
def test_errors(case):
    change, error, message = ERRORS[case]
    arguments = {
        "log_probs": nr.zeros(6, 2, 5),
        "targets": nr.tensor([[1, 2, 3], [2, 2, 0]]),
        "input_lengths": (6, 6),
        "target_lengths": (3, 2),
        **change,
    }
    with pytest.raises(error, match=rf"ctc_loss(\(\))?: {message}"):
        nr.nn.functional.ctc_loss(**arguments)
