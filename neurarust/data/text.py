"""A tiny tokenizer, a vocabulary and padding for text classification.

Enough to feed short texts such as the
:class:`~neurarust.data.datasets.RottenTomatoes` reviews to an embedding and a
recurrent layer::

    text --tokenize--> ["a", "fine", "film", "."] --Vocab.encode--> [5, 9, 7, 2]
    a batch of id lists --pad_batch--> (ids (N, T) int64, lengths (N,) int64)

The lengths go to :func:`neurarust.nn.utils.rnn.pack_padded_sequence`, so the
recurrent layer skips the padding.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from ..ops.creation import from_numpy
from ..tensor import Tensor

__all__ = ["Vocab", "pad_batch", "tokenize"]

# A word (letters, digits, underscores, with apostrophes inside: "don't") or one
# punctuation character.
_TOKEN = re.compile(r"\w+(?:'\w+)*|[^\w\s]")


def tokenize(text: str, lower: bool = True) -> list[str]:
    """Split ``text`` into words and punctuation marks.

    A token is either a word - a run of letters, digits and underscores that may
    hold apostrophes between its letters (``"don't"``, ``"film's"``) - or a
    single character that is neither a word character nor whitespace (``","``,
    ``"."``, ``"-"``, ``"!"``). Whitespace only separates tokens.

    Args:
        text: the text to split.
        lower: lower-case the text first.

    Returns:
        The tokens, in order, as a list of str.

    Examples:
        >>> from neurarust.data import tokenize
        >>> tokenize("Don't miss it -- a GREAT film!")
        ["don't", 'miss', 'it', '-', '-', 'a', 'great', 'film', '!']
    """
    return _TOKEN.findall(text.lower() if lower else text)


class Vocab:
    """A mapping between tokens and integer ids, built from a corpus.

    The special tokens come first, so the padding token (``specials[0]``) has
    id 0 and the unknown token (``specials[1]``) id 1. The other tokens follow
    by decreasing frequency, ties in alphabetical order, so the same corpus
    always gives the same ids.

    Args:
        tokens: an iterable of token lists (one per text), e.g.
            ``(tokenize(text) for text in texts)``. Read once.
        min_freq: keep only tokens seen at least this many times.
        max_size: the most entries the vocabulary holds, specials included
            (None: no limit); the rarest tokens are left out.
        specials: the special tokens, padding first and unknown second; more
            may follow (``"<bos>"``, ...). They are kept whatever their counts.

    Examples:
        >>> from neurarust.data import Vocab
        >>> vocab = Vocab([["a", "good", "film"], ["a", "bad", "film"]])
        >>> vocab.itos
        ['<pad>', '<unk>', 'a', 'film', 'bad', 'good']
        >>> vocab.encode(["a", "great", "film"])
        [2, 1, 3]
        >>> vocab.decode([2, 5, 3, 0, 0])
        'a good film'
    """

    def __init__(
        self,
        tokens: Iterable[Iterable[str]] = (),
        min_freq: int = 1,
        max_size: int | None = None,
        specials: Sequence[str] = ("<pad>", "<unk>"),
    ) -> None:
        specials = list(specials)
        _check_specials(specials)
        if min_freq < 1:
            raise ValueError(f"Vocab: min_freq should be at least 1, but got min_freq={min_freq}")
        if max_size is not None and max_size < len(specials):
            raise ValueError(
                f"Vocab: max_size should be at least the number of specials ({len(specials)}), "
                f"but got max_size={max_size}"
            )
        counts = Counter(token for text in tokens for token in text)
        special_set = set(specials)
        ranked = sorted(
            (item for item in counts.items() if item[1] >= min_freq and item[0] not in special_set),
            key=lambda item: (-item[1], item[0]),
        )
        limit = None if max_size is None else max_size - len(specials)
        self._set_tokens(specials + [token for token, _ in ranked[:limit]], len(specials))

    def _set_tokens(self, itos: list[str], num_specials: int) -> None:
        self._itos = itos
        self._stoi = {token: index for index, token in enumerate(itos)}
        self.specials: list[str] = itos[:num_specials]

    @property
    def itos(self) -> list[str]:
        """The tokens in id order (a copy): ``itos[i]`` is the token of id ``i``."""
        return list(self._itos)

    @property
    def stoi(self) -> dict[str, int]:
        """The id of each token (a copy)."""
        return dict(self._stoi)

    @property
    def pad_index(self) -> int:
        """The id of the padding token: 0."""
        return 0

    @property
    def unk_index(self) -> int:
        """The id given to tokens outside the vocabulary: 1."""
        return 1

    def __len__(self) -> int:
        return len(self._itos)

    def __contains__(self, token: object) -> bool:
        return token in self._stoi

    def __getitem__(self, token: str) -> int:
        """The id of ``token``, or :attr:`unk_index` when it is not in the vocabulary."""
        return self._stoi.get(token, 1)

    def lookup_indices(self, tokens: Iterable[str]) -> list[int]:
        """The ids of ``tokens`` (unknown ones get :attr:`unk_index`)."""
        return [self._stoi.get(token, 1) for token in tokens]

    def lookup_token(self, index: int) -> str:
        """The token of id ``index``; IndexError when there is none."""
        if not 0 <= index < len(self._itos):
            raise IndexError(
                f"Vocab.lookup_token: index {index} is out of range for a vocabulary of "
                f"{len(self._itos)} tokens"
            )
        return self._itos[index]

    def lookup_tokens(self, indices: Iterable[int]) -> list[str]:
        """The tokens of ids ``indices``."""
        return [self.lookup_token(index) for index in indices]

    def encode(self, text: str | Iterable[str], max_length: int | None = None) -> list[int]:
        """The ids of a text, cut to at most ``max_length`` ids.

        Args:
            text: a str (split with :func:`tokenize`, lower-cased) or its tokens.
            max_length: keep only the first ``max_length`` ids (None: all).

        Returns:
            A list of int ids, unknown tokens mapped to :attr:`unk_index`.
        """
        tokens = tokenize(text) if isinstance(text, str) else text
        return self.lookup_indices(tokens)[:max_length]

    def decode(self, indices: Iterable[int]) -> str:
        """The tokens of ``indices`` joined by spaces, padding ids left out.

        Args:
            indices: ids (a list, or a 1-D tensor or array of ints).

        Returns:
            A str.
        """
        ids = [int(index) for index in indices]
        return " ".join(self.lookup_tokens(index for index in ids if index != self.pad_index))

    def state_dict(self) -> dict[str, Any]:
        """The vocabulary as a plain dict (for ``neurarust.save`` or JSON)."""
        return {"itos": list(self._itos), "num_specials": len(self.specials)}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Replace this vocabulary with one saved by :meth:`state_dict`.

        Args:
            state_dict: a dict with ``"itos"`` (the tokens in id order) and
                ``"num_specials"``.

        Examples:
            >>> from neurarust.data import Vocab
            >>> vocab = Vocab([["a", "b", "b"]])
            >>> copy = Vocab()
            >>> copy.load_state_dict(vocab.state_dict())
            >>> copy.itos == vocab.itos
            True
        """
        itos = list(state_dict["itos"])
        num_specials = int(state_dict["num_specials"])
        _check_specials(itos[:num_specials])
        if len(set(itos)) != len(itos):
            raise ValueError("Vocab.load_state_dict: the tokens in 'itos' should be unique")
        self._set_tokens(itos, num_specials)

    def __repr__(self) -> str:
        return f"Vocab(size={len(self)}, specials={self.specials})"


def _check_specials(specials: list[str]) -> None:
    if len(specials) < 2 or len(set(specials)) != len(specials):
        raise ValueError(
            "Vocab: specials should be at least two distinct tokens (padding, unknown), "
            f"but got specials={specials}"
        )


def pad_batch(
    sequences: Sequence[Sequence[int] | np.ndarray | Tensor],
    padding_value: int = 0,
    max_length: int | None = None,
) -> tuple[Tensor, Tensor]:
    """Pad a batch of id sequences into one tensor; a DataLoader ``collate_fn`` helper.

    Args:
        sequences: N sequences of ids (lists, 1-D arrays or 1-D CPU tensors),
            of any lengths.
        padding_value: the id written after the end of each sequence
            (:attr:`Vocab.pad_index` is 0).
        max_length: cut each sequence to its first ``max_length`` ids (None: no cut).

    Returns:
        ``(ids, lengths)``: an int64 tensor of shape ``(N, T)`` where ``T`` is the
        longest (cut) length, batch first, and the int64 lengths of shape ``(N,)``,
        ready for ``pack_padded_sequence(embedded, lengths, batch_first=True,
        enforce_sorted=False)``.

    Examples:
        >>> from neurarust.data import pad_batch
        >>> ids, lengths = pad_batch([[4, 5, 6], [7]])
        >>> ids.tolist(), lengths.tolist()
        ([[4, 5, 6], [7, 0, 0]], [3, 1])
    """
    if len(sequences) == 0:
        raise ValueError("pad_batch: expected a non-empty sequence of sequences, but got none")
    if max_length is not None and max_length < 1:
        raise ValueError(
            f"pad_batch: max_length should be a positive integer, but got max_length={max_length}"
        )
    rows = [np.asarray(sequence, dtype=np.int64)[:max_length] for sequence in sequences]
    bad = next((row.ndim for row in rows if row.ndim != 1), None)
    if bad is not None:
        raise ValueError(f"pad_batch: each sequence should be 1-D, but got a {bad}-D one")
    lengths = np.array([len(row) for row in rows], dtype=np.int64)
    ids = np.full((len(rows), int(lengths.max())), padding_value, dtype=np.int64)
    for out, row in zip(ids, rows):
        out[: len(row)] = row
    return from_numpy(ids), from_numpy(lengths)
