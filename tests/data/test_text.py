"""The tokenizer, the vocabulary and pad_batch, against hand-written expectations and
against torch.nn.utils.rnn."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest

import neurarust as nr
from neurarust.data import Vocab, pad_batch, tokenize
from neurarust.nn.utils.rnn import pack_padded_sequence
from neurarust.ops.creation import tensor

CORPUS = [["b", "a", "c"], ["a", "b"], ["a", "d"]]  # counts: a 3, b 2, c 1, d 1


@pytest.mark.parametrize(
    ("text", "lower", "expected"),
    [
        ("Hello, World!", True, ["hello", ",", "world", "!"]),
        ("Don't STOP", False, ["Don't", "STOP"]),
        ("it's 2 good...", True, ["it's", "2", "good", ".", ".", "."]),
        ("a-b  (c)", True, ["a", "-", "b", "(", "c", ")"]),
        ("Café au lait", True, ["café", "au", "lait"]),
        ("rock 'n' roll", True, ["rock", "'", "n", "'", "roll"]),
        (" \t\n", True, []),
    ],
)
def test_tokenize(text: str, lower: bool, expected: list[str]) -> None:
    assert tokenize(text, lower=lower) == expected


@pytest.mark.parametrize(
    ("kwargs", "itos"),
    [
        ({}, ["<pad>", "<unk>", "a", "b", "c", "d"]),
        ({"min_freq": 2}, ["<pad>", "<unk>", "a", "b"]),
        ({"max_size": 5}, ["<pad>", "<unk>", "a", "b", "c"]),  # c before d: a tie, by token
        ({"max_size": 2}, ["<pad>", "<unk>"]),
        ({"specials": ("<p>", "<u>", "<bos>")}, ["<p>", "<u>", "<bos>", "a", "b", "c", "d"]),
        ({"specials": ("<pad>", "a")}, ["<pad>", "a", "b", "c", "d"]),  # a special is not repeated
    ],
)
def test_vocab_order(kwargs: dict[str, Any], itos: list[str]) -> None:
    vocab = Vocab(iter(CORPUS), **kwargs)  # an iterator: read once
    assert vocab.itos == itos
    assert vocab.stoi == {token: index for index, token in enumerate(itos)}
    assert len(vocab) == len(itos)
    assert (vocab.pad_index, vocab.unk_index) == (0, 1)


def test_vocab_lookups() -> None:
    vocab = Vocab(CORPUS)
    assert vocab["b"] == 3 and vocab["zzz"] == vocab.unk_index
    assert "a" in vocab and "zzz" not in vocab
    assert vocab.lookup_indices(["d", "?", "a"]) == [5, 1, 2]
    assert vocab.lookup_token(4) == "c"
    assert vocab.lookup_tokens([2, 0, 1]) == ["a", "<pad>", "<unk>"]


@pytest.mark.parametrize(
    ("text", "max_length", "expected"),
    [
        ("A b, E", None, [2, 3, 1, 1]),  # lower-cased; "," and "e" are unknown
        (["A", "b"], None, [1, 3]),  # tokens are taken as they are
        ("a b c d a", 3, [2, 3, 4]),
        ("", None, []),
    ],
)
def test_vocab_encode(text: Any, max_length: int | None, expected: list[int]) -> None:
    assert Vocab(CORPUS).encode(text, max_length=max_length) == expected


@pytest.mark.parametrize(
    "ids", [[2, 1, 5, 0, 0], np.array([2, 1, 5, 0, 0]), tensor([2, 1, 5, 0, 0])]
)
def test_vocab_decode_drops_padding(ids: Any) -> None:
    assert Vocab(CORPUS).decode(ids) == "a <unk> d"


def test_vocab_state_dict_round_trip_through_json() -> None:
    vocab = Vocab(CORPUS, specials=("<pad>", "<unk>", "<eos>"))
    copy = Vocab()
    copy.load_state_dict(json.loads(json.dumps(vocab.state_dict())))
    assert copy.itos == vocab.itos and copy.specials == vocab.specials
    assert copy.encode("d a") == vocab.encode("d a")


@pytest.mark.parametrize(
    ("build", "error", "match"),
    [
        (lambda: Vocab(CORPUS, min_freq=0), ValueError, "min_freq"),
        (lambda: Vocab(CORPUS, max_size=1), ValueError, "max_size"),
        (lambda: Vocab(CORPUS, specials=("<pad>",)), ValueError, "specials"),
        (lambda: Vocab(CORPUS, specials=("x", "x")), ValueError, "specials"),
        (lambda: Vocab(CORPUS).lookup_token(6), IndexError, "out of range"),
        (lambda: Vocab(CORPUS).lookup_token(-1), IndexError, "out of range"),
        (
            lambda: Vocab().load_state_dict(
                {"itos": ["<pad>", "<unk>", "a", "a"], "num_specials": 2}
            ),
            ValueError,
            "unique",
        ),
        (
            lambda: Vocab().load_state_dict({"itos": ["<pad>"], "num_specials": 1}),
            ValueError,
            "specials",
        ),
    ],
)
def test_vocab_errors(build: Any, error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match):
        build()


PAD_CASES = [
    ([[4, 5, 6], [7], [8, 9]], 0, None),
    ([[1], [2, 3, 4, 5]], -1, None),
    ([[1, 2, 3, 4], [5, 6], [7]], 0, 2),
    ([[3, 1]], 9, 5),
    ([[], [1, 2]], 0, None),
]


@pytest.mark.parametrize(("sequences", "padding_value", "max_length"), PAD_CASES)
def test_pad_batch_matches_torch_pad_sequence(
    sequences: list[list[int]], padding_value: int, max_length: int | None
) -> None:
    torch = pytest.importorskip("torch")
    cut = [torch.tensor(s[:max_length], dtype=torch.int64) for s in sequences]
    expected = torch.nn.utils.rnn.pad_sequence(cut, batch_first=True, padding_value=padding_value)
    ids, lengths = pad_batch(sequences, padding_value=padding_value, max_length=max_length)
    assert ids.dtype == nr.int64 and lengths.dtype == nr.int64
    np.testing.assert_array_equal(ids.numpy(), expected.numpy())
    np.testing.assert_array_equal(lengths.numpy(), [len(s) for s in cut])


@pytest.mark.parametrize("as_row", [list, np.array, tensor], ids=["list", "numpy", "tensor"])
def test_pad_batch_takes_lists_arrays_and_tensors(as_row: Any) -> None:
    ids, lengths = pad_batch([as_row([4, 5, 6]), as_row([7])])
    np.testing.assert_array_equal(ids.numpy(), [[4, 5, 6], [7, 0, 0]])
    np.testing.assert_array_equal(lengths.numpy(), [3, 1])


def test_pad_batch_output_packs_like_torch() -> None:
    torch = pytest.importorskip("torch")
    ids, lengths = pad_batch([[1, 2], [3, 4, 5, 6], [7]])
    ours = pack_padded_sequence(ids, lengths, batch_first=True, enforce_sorted=False)
    theirs = torch.nn.utils.rnn.pack_padded_sequence(
        torch.from_numpy(ids.numpy()),
        torch.from_numpy(lengths.numpy()),
        batch_first=True,
        enforce_sorted=False,
    )
    np.testing.assert_array_equal(ours.data.numpy(), theirs.data.numpy())
    np.testing.assert_array_equal(ours.batch_sizes.numpy(), theirs.batch_sizes.numpy())


@pytest.mark.parametrize(
    ("sequences", "kwargs", "match"),
    [
        ([], {}, "non-empty"),
        ([[1, 2]], {"max_length": 0}, "max_length"),
        ([[[1, 2]], [3]], {}, "1-D"),
    ],
)
def test_pad_batch_errors(sequences: Any, kwargs: dict[str, Any], match: str) -> None:
    with pytest.raises(ValueError, match=match):
        pad_batch(sequences, **kwargs)
