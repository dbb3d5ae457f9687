"""Tests of neurarust.nn.utils.rnn (PackedSequence and the packing helpers) against PyTorch."""

import numpy as np
import pytest

import neurarust as nr
from neurarust.nn.utils.rnn import PackedSequence, pack_sequence, pad_packed_sequence
from tests.conftest import check_gradients, compare_with_torch, torch

# (lengths, enforce_sorted): sorted and unsorted batches, ties, a batch of one.
LENGTH_CASES = [
    ([4, 3, 3, 1], True),
    ([4, 4, 2], True),
    ([2, 4, 1, 3], False),
    ([3, 1, 3, 2, 1], False),  # ties keep their batch order, as in PyTorch
    ([4, 3, 2], False),  # already sorted
    ([3], True),
]


def _padded(rng, lengths, batch_first, features=(2,)):
    """A padded batch with room for one more step than the longest length."""
    steps, batch = max(lengths) + 1, len(lengths)
    shape = (batch, steps) if batch_first else (steps, batch)
    return rng.standard_normal(shape + features)


def _utils(lib):
    return lib.nn.utils.rnn


# -- packing a padded batch ------------------------------------------------------------------


@pytest.mark.parametrize("lengths, enforce_sorted", LENGTH_CASES)
@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("features", [(), (2,), (2, 1)])
def test_pack_padded_sequence_matches_torch(rng, lengths, enforce_sorted, batch_first, features):
    def fn(lib, x):
        return _utils(lib).pack_padded_sequence(x, lengths, batch_first, enforce_sorted)

    compare_with_torch(fn, _padded(rng, lengths, batch_first, features).astype(np.float32))


@pytest.mark.parametrize(
    "lengths",
    [
        lambda lib: lib.tensor([2, 4, 1]),
        lambda lib: lib.tensor([2, 4, 1], dtype=lib.int32),
        lambda lib: (2, 4, 1),
        lambda lib: np.array([2, 4, 1]),
    ],
    ids=["int64 tensor", "int32 tensor", "tuple", "numpy"],
)
def test_pack_padded_sequence_lengths_types(rng, lengths):
    def fn(lib, x):
        return _utils(lib).pack_padded_sequence(x, lengths(lib), enforce_sorted=False)

    compare_with_torch(fn, _padded(rng, [2, 4, 1], False))


def test_pack_padded_sequence_of_integers(rng):
    def fn(lib, x):
        return _utils(lib).pack_padded_sequence(x, [1, 3], batch_first=True, enforce_sorted=False)

    compare_with_torch(fn, rng.integers(0, 9, (2, 3)))


# -- back to padded: round trips ---------------------------------------------------------------


@pytest.mark.parametrize("lengths, enforce_sorted", LENGTH_CASES)
@pytest.mark.parametrize("pack_batch_first", [False, True])
@pytest.mark.parametrize("pad_batch_first", [False, True])
@pytest.mark.parametrize("total_length, padding_value", [(None, 0.0), (7, -1.5)])
def test_pad_packed_sequence_matches_torch(
    rng, lengths, enforce_sorted, pack_batch_first, pad_batch_first, total_length, padding_value
):
    def fn(lib, x):
        rnn = _utils(lib)
        packed = rnn.pack_padded_sequence(x, lengths, pack_batch_first, enforce_sorted)
        return rnn.pad_packed_sequence(packed, pad_batch_first, padding_value, total_length)

    compare_with_torch(fn, _padded(rng, lengths, pack_batch_first).astype(np.float32))


def test_pad_packed_sequence_of_integers_casts_the_padding_value():
    def fn(lib):
        packed = _utils(lib).pack_sequence([lib.arange(3), lib.arange(1)])
        return _utils(lib).pad_packed_sequence(packed, padding_value=7.5)

    compare_with_torch(fn)


@pytest.mark.parametrize("enforce_sorted", [True, False])
def test_unpack_sequence_matches_torch(rng, enforce_sorted):
    lengths = [4, 2, 2, 1] if enforce_sorted else [2, 4, 1, 2]

    def fn(lib, x):
        rnn = _utils(lib)
        packed = rnn.pack_padded_sequence(x, lengths, True, enforce_sorted)
        return rnn.unpack_sequence(packed)

    compare_with_torch(fn, _padded(rng, lengths, True, (3,)).astype(np.float32))


# -- lists of sequences --------------------------------------------------------------------------


SEQUENCE_LENGTHS = [[3, 5, 1], [2, 2], [4], [0, 3, 2]]


@pytest.mark.parametrize("lengths", SEQUENCE_LENGTHS)
@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("padding_side", ["right", "left"])
@pytest.mark.parametrize("padding_value", [0.0, -2.0])
def test_pad_sequence_matches_torch(rng, lengths, batch_first, padding_side, padding_value):
    def fn(lib, *seqs):
        return _utils(lib).pad_sequence(list(seqs), batch_first, padding_value, padding_side)

    compare_with_torch(fn, *[rng.standard_normal((n, 2)).astype(np.float32) for n in lengths])


@pytest.mark.parametrize(
    "arrays",
    [
        [np.arange(3), np.arange(1)],  # integers: no gradient
        [np.ones((2, 2, 3)), np.ones((1, 2, 3))],  # two trailing dims
        [np.ones(2, np.float32), np.arange(3)],  # the first one's dtype wins
        [np.arange(3), np.ones(2, np.float32)],
        [np.ones((3, 0)), np.ones((1, 0))],  # no features
    ],
)
def test_pad_sequence_dtypes_and_shapes(arrays):
    compare_with_torch(lambda lib, *seqs: _utils(lib).pad_sequence(seqs, True, 1.5), *arrays)


def test_pad_sequence_of_a_tensor_pads_its_slices(rng):
    compare_with_torch(lambda lib, x: _utils(lib).pad_sequence(x), rng.standard_normal((3, 4, 2)))


@pytest.mark.parametrize("lengths", [[3, 2, 2, 1], [1, 3, 2]])
@pytest.mark.parametrize("enforce_sorted", [True, False])
def test_pack_sequence_matches_torch(rng, lengths, enforce_sorted):
    if enforce_sorted and lengths != sorted(lengths, reverse=True):
        pytest.skip("unsorted lengths are an error with enforce_sorted (tested below)")

    def fn(lib, *seqs):
        rnn = _utils(lib)
        packed = rnn.pack_sequence(list(seqs), enforce_sorted)
        return packed, rnn.unpack_sequence(packed)

    compare_with_torch(fn, *[rng.standard_normal((n, 2)).astype(np.float32) for n in lengths])


@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("lengths", [[3, 1, 2], [5, 0, 2]])  # too long and empty: clipped
def test_unpad_sequence_matches_torch(rng, batch_first, lengths):
    def fn(lib, x):
        # PyTorch transposes its argument in place when not batch_first (a leaf can't be).
        return _utils(lib).unpad_sequence(x.clone(), lib.tensor(lengths), batch_first)

    compare_with_torch(fn, _padded(rng, [3, 1, 2], batch_first, (2,)).astype(np.float32))


def test_unpad_sequence_leaves_its_input_alone():
    padded = nr.zeros(3, 2)
    nr.nn.utils.rnn.unpad_sequence(padded, [3, 1])
    assert padded.shape == (3, 2)


def test_pad_unpad_round_trip(rng):
    seqs = [nr.tensor(rng.standard_normal((n, 2))) for n in (3, 1, 4)]
    padded = nr.nn.utils.rnn.pad_sequence(seqs, batch_first=True)
    back = nr.nn.utils.rnn.unpad_sequence(padded, [3, 1, 4], batch_first=True)
    for seq, got in zip(seqs, back):
        np.testing.assert_array_equal(got.numpy(), seq.numpy())


@pytest.mark.parametrize("permutation", [[2, 0, 1], [0], [3, 1, 0, 2]])
def test_invert_permutation_matches_torch(permutation):
    compare_with_torch(lambda lib: _utils(lib).invert_permutation(lib.tensor(permutation)))


def test_invert_permutation_of_none():
    assert nr.nn.utils.rnn.invert_permutation(None) is None


# -- float64 gradient checks (second order too) ---------------------------------------------


def _round_trip(x):
    packed = nr.nn.utils.rnn.pack_padded_sequence(x, [1, 3, 2], enforce_sorted=False)
    return pad_packed_sequence(packed, batch_first=True, total_length=4)[0]


def _pack_data(x):
    return nr.nn.utils.rnn.pack_padded_sequence(x, [2, 3], True, False).data


def _pad_left(a, b):
    return nr.nn.utils.rnn.pad_sequence([a, b], padding_side="left", padding_value=3.0)


def _pack_unpack(a, b, c):
    return nr.nn.utils.rnn.unpack_sequence(pack_sequence([a, b, c], enforce_sorted=False))


@pytest.mark.parametrize(
    "fn, shapes",
    [
        (_round_trip, [(3, 3, 2)]),
        (_pack_data, [(2, 3)]),
        (_pad_left, [(1, 2), (3, 2)]),
        (_pack_unpack, [(2,), (3,), (1,)]),
    ],
    ids=["pack-pad", "pack", "pad_sequence", "pack_sequence-unpack"],
)
def test_gradients(rng, fn, shapes):
    check_gradients(fn, *[rng.standard_normal(s) for s in shapes], second_order=True)


# -- errors ----------------------------------------------------------------------------------------

_X = np.zeros((4, 3, 2), np.float32)

# (call, exception, pattern), the same in both libraries.
SHARED_ERRORS = [
    (
        lambda r, lib: r.pack_padded_sequence(lib.tensor(_X), [2, 3, 1]),
        RuntimeError,
        "`lengths` array must be sorted in decreasing order when `enforce_sorted` is True",
    ),
    (
        lambda r, lib: r.pack_sequence([lib.ones(2), lib.ones(3)]),
        RuntimeError,
        "must be sorted in decreasing order",
    ),
    (
        lambda r, lib: r.pack_padded_sequence(lib.tensor(_X), [3, 2, 0]),
        RuntimeError,
        "Length of all samples has to be greater than 0",
    ),
    (
        lambda r, lib: r.pack_padded_sequence(lib.tensor(_X), [0, 2, 3], enforce_sorted=False),
        RuntimeError,
        "Length of all samples has to be greater than 0",
    ),
    (
        lambda r, lib: r.pack_sequence([lib.ones(3), lib.ones(0)]),
        RuntimeError,
        "Length of all samples has to be greater than 0",
    ),
    (
        lambda r, lib: r.pack_padded_sequence(lib.tensor(_X), [3, 2]),
        RuntimeError,
        r"Expected `len\(lengths\)` to be equal to batch_size, but got 2 \(batch_size=3\)",
    ),
    (
        lambda r, lib: r.pack_padded_sequence(lib.zeros(0, 3), [1, 1, 1]),
        RuntimeError,
        "Cannot pack empty tensors",
    ),
    (
        lambda r, lib: r.pack_padded_sequence(lib.zeros(4), [3]),
        IndexError,
        "Dimension out of range",
    ),
    (
        lambda r, lib: r.pack_padded_sequence(lib.tensor(_X), lib.tensor([[3, 2, 1]])),
        RuntimeError,
        "'lengths' argument should be a 1D CPU int64 tensor",
    ),
    (
        lambda r, lib: r.pad_packed_sequence(r.pack_sequence([lib.ones(3)]), total_length=2),
        ValueError,
        "Expected total_length to be at least the length of the longest sequence in input, "
        "but got total_length=2 and max sequence length being 3",
    ),
    (
        lambda r, lib: r.pad_packed_sequence(
            r.PackedSequence(lib.ones(3), lib.tensor([2, 1], dtype=lib.int32))
        ),
        RuntimeError,
        "should be a 1D CPU int64 tensor",
    ),
    (lambda r, lib: r.pad_sequence([]), RuntimeError, "received an empty list of sequences"),
    (lambda r, lib: r.pack_sequence([]), RuntimeError, "received an empty list of sequences"),
    (
        lambda r, lib: r.pad_sequence(3),
        RuntimeError,
        "Expected iterable for input sequences, but got arg of type: <class 'int'>",
    ),
    (
        lambda r, lib: r.pad_sequence([lib.ones(2)], padding_side="top"),
        RuntimeError,
        r"Expected padding_side to be one of left or right, but got top\.",
    ),
    (
        lambda r, lib: r.PackedSequence(lib.ones(3)),
        AssertionError,
        "Expected data to be a list or tuple of length 2",
    ),
]


@pytest.mark.parametrize("call, error, pattern", SHARED_ERRORS)
@pytest.mark.parametrize("lib_name", ["neurarust", "torch"])
def test_errors_match_torch(lib_name, call, error, pattern):
    if lib_name == "torch" and torch is None:
        pytest.skip("PyTorch is not installed (it is the test oracle)")
    lib = nr if lib_name == "neurarust" else torch
    with pytest.raises(error, match=pattern):
        call(_utils(lib), lib)


# Where PyTorch reads out of bounds, broadcasts or fails deep inside, neurarust says why.
OWN_ERRORS = [
    (
        lambda: nr.nn.utils.rnn.pack_padded_sequence(nr.zeros(4, 3), [5, 2, 1]),
        RuntimeError,
        "pack_padded_sequence: a sequence of length 5 does not fit in the 4 time steps",
    ),
    (
        lambda: nr.nn.utils.rnn.pad_sequence([nr.zeros(2, 3), nr.zeros(3, 2)]),
        RuntimeError,
        r"pad_sequence: .*sequence 1 has shape \[3, 2\] and sequence 0 has shape \[2, 3\]",
    ),
    (
        lambda: nr.nn.utils.rnn.pack_sequence([nr.tensor(1.0), nr.tensor(2.0)]),
        RuntimeError,
        r"pack_sequence: sequences must be tensors of shape \(L, \*\)",
    ),
    (
        lambda: nr.nn.utils.rnn.pad_sequence([nr.zeros(2), [1, 2]]),
        TypeError,
        "pad_sequence: expected a sequence of Tensors, but item 1 is a list",
    ),
    (
        lambda: nr.nn.utils.rnn.unpad_sequence(nr.zeros(3), [3]),
        IndexError,
        "unpad_sequence: Dimension out of range",
    ),
    (
        lambda: nr.nn.utils.rnn.unpad_sequence(nr.zeros(3, 2), nr.tensor([3, 2, 1])),
        ValueError,
        r"unpad_sequence: expected one length per sequence \(2\), but got lengths of shape \[3\]",
    ),
]


@pytest.mark.parametrize("call, error, pattern", OWN_ERRORS)
def test_errors(call, error, pattern):
    with pytest.raises(error, match=pattern):
        call()


# -- PackedSequence --------------------------------------------------------------------------------


def _packed(enforce_sorted=False):
    return pack_sequence([nr.ones(2), nr.arange(3.0), nr.ones(1)], enforce_sorted=enforce_sorted)


def test_packed_sequence_is_a_named_tuple():
    packed = _packed()
    assert isinstance(packed, PackedSequence) and isinstance(packed, tuple)
    assert packed._fields == ("data", "batch_sizes", "sorted_indices", "unsorted_indices")
    data, batch_sizes, sorted_indices, unsorted_indices = packed
    assert batch_sizes.dtype is nr.int64 and batch_sizes.device.type == "cpu"
    assert batch_sizes.tolist() == [3, 2, 1]
    assert sorted_indices.tolist() == [1, 0, 2] and unsorted_indices.tolist() == [1, 0, 2]
    assert repr(packed).startswith("PackedSequence(data=tensor([")


def test_packed_sequence_construction_computes_unsorted_indices():
    data, sizes = nr.arange(3.0), nr.tensor([2, 1])
    packed = PackedSequence(data, sizes, nr.tensor([1, 0]))
    assert packed.unsorted_indices.tolist() == [1, 0]
    from_pair = PackedSequence((data, sizes))
    assert from_pair.data is data and from_pair.batch_sizes is sizes
    assert from_pair.sorted_indices is None and from_pair.unsorted_indices is None


@pytest.mark.parametrize(
    "method", ["double", "float", "half", "long", "int", "short", "char", "byte"]
)
def test_packed_sequence_casts_match_torch(method):
    def fn(lib):
        packed = _utils(lib).pack_sequence([lib.ones(2), lib.arange(3.0)], enforce_sorted=False)
        return getattr(packed, method)()

    compare_with_torch(fn)


def test_packed_sequence_to():
    packed = _packed()
    assert packed.to(nr.float32) is packed and packed.cpu() is packed and not packed.is_cuda
    doubled = packed.to(dtype=nr.float64)
    assert isinstance(doubled, PackedSequence) and doubled.data.dtype is nr.float64
    assert doubled.batch_sizes is packed.batch_sizes
    assert doubled.sorted_indices.tolist() == packed.sorted_indices.tolist()


def test_packed_sequence_carries_gradients():
    x = nr.ones(3, 2, requires_grad=True)
    packed = nr.nn.utils.rnn.pack_padded_sequence(x, [3, 1])
    packed.double().data.sum().backward()
    assert x.grad.tolist() == [[1.0, 1.0], [1.0, 0.0], [1.0, 0.0]]


@pytest.mark.skipif(not nr.cuda.is_available(), reason="needs a CUDA device")
def test_packed_sequence_on_cuda():
    packed = _packed().cuda()
    assert packed.is_cuda and packed.sorted_indices.is_cuda and packed.unsorted_indices.is_cuda
    assert packed.batch_sizes.device.type == "cpu"
    padded, lengths = pad_packed_sequence(packed, batch_first=True)
    assert padded.is_cuda and lengths.device.type == "cpu" and lengths.tolist() == [2, 3, 1]
    assert packed.cpu().data.tolist() == _packed().data.tolist()
    x = nr.ones(3, 2, device="cuda")
    again = nr.nn.utils.rnn.pack_padded_sequence(x, [1, 3], enforce_sorted=False)
    assert again.data.is_cuda and again.sorted_indices.is_cuda
    with pytest.raises(ValueError, match="batch_sizes should always be on CPU"):
        PackedSequence(packed.data, packed.batch_sizes.cuda())
