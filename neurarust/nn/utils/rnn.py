"""Variable-length batches for recurrent layers: ``PackedSequence`` and the packing helpers
(as ``torch.nn.utils.rnn``).

A batch of sequences of different lengths is held either *padded*, as one
tensor of shape ``(T, B, *)`` (or ``(B, T, *)`` with ``batch_first``) whose
short sequences are filled up with a padding value, or *packed*, as a
:class:`PackedSequence`: the valid steps only, time step after time step, with
``batch_sizes[t]`` telling how many sequences are still running at step ``t``.
Packing orders the sequences by decreasing length, so the running ones are
always the first ``batch_sizes[t]``; ``sorted_indices`` remembers that order.

Every conversion here is computed the same way: the positions of the valid
steps are worked out once on the host (small integer arrays, from the lengths
only), then the values move in one differentiable op, a gather
(``input[rows, steps]``) or a write into a padded tensor
(:func:`~neurarust.ops.indexing.index_put`). Each is the other's backward, so
gradients flow between packed and padded forms in both directions, to any order.

Equal lengths are ordered by batch position (a stable sort). PyTorch does the
same for batches of up to 16 sequences; past that its order of equal lengths
differs (it is unspecified), which changes ``sorted_indices`` and the order of
rows in ``data`` but not what :func:`pad_packed_sequence` returns.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

import numpy as np

from ... import dtypes
from ...ops._util import normalize_dim
from ...ops.creation import arange, empty_like, from_numpy, full, tensor
from ...ops.indexing import index_put
from ...ops.shape import cat
from ...tensor import Tensor

__all__ = [
    "PackedSequence",
    "invert_permutation",
    "pack_padded_sequence",
    "pad_packed_sequence",
    "pad_sequence",
    "unpad_sequence",
    "pack_sequence",
    "unpack_sequence",
]

_UNSORTED_LENGTHS = (
    "`lengths` array must be sorted in decreasing order when `enforce_sorted` is True. You can "
    "pass `enforce_sorted=False` to pack_padded_sequence and/or pack_sequence to sidestep this "
    "requirement if you do not need ONNX exportability."
)


class _PackedSequenceFields(NamedTuple):
    data: Tensor
    batch_sizes: Tensor
    sorted_indices: Tensor | None
    unsorted_indices: Tensor | None


class PackedSequence(_PackedSequenceFields):
    """A batch of variable-length sequences, packed: the input recurrent layers accept.

    Made by :func:`pack_padded_sequence` and :func:`pack_sequence`, not by hand.
    A named tuple of four fields:

    - ``data``: the valid steps of all sequences, time step after time step
      (step 0 of every sequence, then step 1 of those at least 2 long, ...),
      longest sequence first within a step. Any dtype and device.
    - ``batch_sizes``: int64 CPU tensor; ``batch_sizes[t]`` sequences have a step ``t``.
    - ``sorted_indices``: int64 tensor on ``data``'s device, the batch position of
      each sequence in packed order (None when the input was already sorted).
    - ``unsorted_indices``: its inverse permutation (None likewise).

    ``PackedSequence(data, batch_sizes, sorted_indices)`` computes
    ``unsorted_indices``; ``PackedSequence((data, batch_sizes))`` is accepted too.

    Shapes: ``data`` is ``(sum(lengths), *)``, ``batch_sizes`` is ``(T,)`` with ``T``
    the longest length, the indices are ``(B,)``.

    Examples:
        >>> import neurarust as nr
        >>> from neurarust.nn.utils.rnn import pack_sequence
        >>> packed = pack_sequence([nr.tensor([1, 2, 3]), nr.tensor([4, 5]), nr.tensor([6])])
        >>> packed.data, packed.batch_sizes, packed.sorted_indices
        (tensor([1, 4, 6, 2, 5, 3]), tensor([3, 2, 1]), None)
    """

    def __new__(
        cls,
        data: Any,
        batch_sizes: Tensor | None = None,
        sorted_indices: Tensor | None = None,
        unsorted_indices: Tensor | None = None,
    ) -> PackedSequence:
        if unsorted_indices is None:
            unsorted_indices = invert_permutation(sorted_indices)
        if batch_sizes is None:  # PackedSequence((data, batch_sizes))
            if not (isinstance(data, (list, tuple)) and len(data) == 2):
                raise AssertionError("Expected data to be a list or tuple of length 2")
            data, batch_sizes = data
        elif batch_sizes.device.type != "cpu":
            raise ValueError(
                "batch_sizes should always be on CPU. Instances of PackedSequence should never "
                "be created manually. They should be instantiated by functions like "
                "pack_sequence and pack_padded_sequences in nn.utils.rnn."
            )
        return super().__new__(cls, data, batch_sizes, sorted_indices, unsorted_indices)

    def _with_data(self, data: Tensor) -> PackedSequence:
        """This sequence with ``data`` replaced (``self`` if it is the same tensor); the
        indices follow ``data`` to its device, ``batch_sizes`` stays on the CPU."""
        if data is self.data:
            return self

        def moved(indices: Tensor | None) -> Tensor | None:
            return None if indices is None else indices.to(data.device)

        return type(self)(
            data, self.batch_sizes, moved(self.sorted_indices), moved(self.unsorted_indices)
        )

    def to(self, *args: Any, **kwargs: Any) -> PackedSequence:
        """``data.to(*args, **kwargs)`` (device and/or dtype), indices moved along.

        Returns ``self`` when ``data`` already has that device and dtype.
        """
        return self._with_data(self.data.to(*args, **kwargs))

    def cpu(self) -> PackedSequence:
        """This sequence with its data on the CPU."""
        return self._with_data(self.data.cpu())

    def cuda(self, device: Any = None) -> PackedSequence:
        """This sequence with its data on a CUDA device (``cuda:0`` unless given)."""
        return self._with_data(self.data.cuda(device))

    def double(self) -> PackedSequence:
        return self.to(dtype=dtypes.float64)

    def float(self) -> PackedSequence:
        return self.to(dtype=dtypes.float32)

    def half(self) -> PackedSequence:
        return self.to(dtype=dtypes.float16)

    def long(self) -> PackedSequence:
        return self.to(dtype=dtypes.int64)

    def int(self) -> PackedSequence:
        return self.to(dtype=dtypes.int32)

    def short(self) -> PackedSequence:
        return self.to(dtype=dtypes.int16)

    def char(self) -> PackedSequence:
        return self.to(dtype=dtypes.int8)

    def byte(self) -> PackedSequence:
        return self.to(dtype=dtypes.uint8)

    @property
    def is_cuda(self) -> bool:
        """Whether ``data`` lives on a CUDA device."""
        return self.data.is_cuda


def invert_permutation(permutation: Tensor | None) -> Tensor | None:
    """The inverse of ``permutation`` (None stays None): ``out[permutation[i]] = i``.

    Turns ``sorted_indices`` into ``unsorted_indices`` and back.

    Shapes: ``(n,)`` -> ``(n,)``.

    Examples:
        >>> import neurarust as nr
        >>> from neurarust.nn.utils.rnn import invert_permutation
        >>> invert_permutation(nr.tensor([2, 0, 1]))
        tensor([1, 2, 0])
    """
    if permutation is None:
        return None
    positions = arange(permutation.numel(), device=permutation.device)
    return empty_like(permutation).scatter_(0, permutation, positions)


# -- host-side plans: where each valid step goes ------------------------------------------


def _lengths_array(op: str, lengths: Any) -> np.ndarray:
    """``lengths`` (a list, NumPy array or 1-D CPU tensor) as a host int64 array."""
    if isinstance(lengths, Tensor):
        if lengths.ndim != 1 or lengths.device.type != "cpu":
            raise RuntimeError(
                f"{op}: 'lengths' argument should be a 1D CPU int64 tensor, but got a "
                f"{lengths.ndim}D {lengths.device} {lengths.dtype.name} tensor"
            )
        return np.asarray(lengths).astype(np.int64)
    array = np.asarray(lengths)
    if array.ndim != 1:
        raise RuntimeError(
            f"{op}: 'lengths' argument should be a 1D list or CPU int64 tensor, but got "
            f"{array.ndim} dimensions"
        )
    return array.astype(np.int64)


def _sort_lengths(op: str, lengths: np.ndarray, enforce_sorted: bool) -> tuple[Any, np.ndarray]:
    """``(order, sorted lengths)``: the batch positions by decreasing length (None when
    ``enforce_sorted``, after checking that they already are) and the lengths in that order.
    """
    order = None if enforce_sorted else np.argsort(-lengths, kind="stable")
    ordered = lengths if order is None else lengths[order]
    if ordered[-1] <= 0:
        raise RuntimeError(
            f"{op}: Length of all samples has to be greater than 0, but found an element in "
            "'lengths' that is <= 0"
        )
    if enforce_sorted and (np.diff(ordered) > 0).any():
        raise RuntimeError(f"{op}: {_UNSORTED_LENGTHS}")
    return order, ordered


def _step_mask(lengths: np.ndarray, steps: int) -> np.ndarray:
    """``(steps, B)`` bool: whether sequence ``b`` has a step ``t``."""
    return np.arange(steps)[:, None] < lengths[None, :]


def _packed_positions(sorted_lengths: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(steps, columns)`` of the rows of packed data, in their order: time step after
    time step, sorted batch column after column within a step."""
    steps, columns = np.nonzero(_step_mask(sorted_lengths, int(sorted_lengths[0])))
    return steps, columns


def _packed(data: Tensor, step: np.ndarray, order: Any) -> PackedSequence:
    """The PackedSequence of ``data``, whose rows are at time steps ``step``."""
    batch_sizes = from_numpy(np.bincount(step).astype(np.int64))
    sorted_indices = None if order is None else tensor(order, device=data.device)
    return PackedSequence(data, batch_sizes, sorted_indices)


def _unpacked_positions(op: str, sequence: PackedSequence) -> tuple[np.ndarray, ...]:
    """``(steps, columns, lengths)``: the time step and the batch column (in the order
    before packing) of each row of ``sequence.data``, and the sequences' lengths."""
    batch_sizes = sequence.batch_sizes
    if batch_sizes.ndim != 1 or batch_sizes.dtype is not dtypes.int64:
        raise RuntimeError(
            f"{op}: 'batch_sizes' should be a 1D CPU int64 tensor, but got a "
            f"{batch_sizes.ndim}D {batch_sizes.dtype.name} tensor"
        )
    sizes = np.asarray(batch_sizes)
    sorted_lengths = (sizes[:, None] > np.arange(sizes[0])[None, :]).sum(axis=0, dtype=np.int64)
    steps, sorted_columns = _packed_positions(sorted_lengths)
    if sequence.unsorted_indices is None:
        return steps, sorted_columns, sorted_lengths
    unsorted = np.asarray(sequence.unsorted_indices)
    return steps, np.argsort(unsorted)[sorted_columns], sorted_lengths[unsorted]


# -- padded -> packed ------------------------------------------------------------------------


def pack_padded_sequence(
    input: Tensor,
    lengths: Tensor | Sequence[int],
    batch_first: bool = False,
    enforce_sorted: bool = True,
) -> PackedSequence:
    """Pack a padded batch of variable-length sequences into a :class:`PackedSequence`.

    Steps past each sequence's length are dropped (their gradient is zero).

    Args:
        input: padded batch, ``(T, B, *)``, or ``(B, T, *)`` if ``batch_first``; any dtype.
        lengths: the length of each sequence (a list, or a 1-D CPU tensor), all > 0 and
            at most ``T``.
        batch_first: whether ``input`` is ``(B, T, *)``.
        enforce_sorted: if True, ``lengths`` must be in decreasing order (RuntimeError
            otherwise) and ``sorted_indices`` is None; if False, the sequences are
            sorted here and the order is recorded in ``sorted_indices``.

    Shapes: ``(T, B, *)`` -> ``data`` of shape ``(sum(lengths), *)``, ``batch_sizes``
    of shape ``(max(lengths),)``.

    Examples:
        >>> import neurarust as nr
        >>> from neurarust.nn.utils.rnn import pack_padded_sequence
        >>> padded = nr.tensor([[1, 2, 0], [3, 0, 0], [4, 5, 6]])
        >>> packed = pack_padded_sequence(padded, [2, 1, 3], batch_first=True, enforce_sorted=False)
        >>> packed.data, packed.batch_sizes
        (tensor([4, 1, 3, 5, 2, 6]), tensor([3, 2, 1]))
        >>> packed.sorted_indices, packed.unsorted_indices
        (tensor([2, 0, 1]), tensor([1, 2, 0]))
    """
    op = "pack_padded_sequence"
    sizes = _lengths_array(op, lengths)
    batch_dim, time_dim = (0, 1) if batch_first else (1, 0)
    normalize_dim(1, input.ndim, op)  # IndexError unless batch and time dimensions exist
    if input.numel() == 0:
        raise RuntimeError(f"{op}: Cannot pack empty tensors.")
    batch, steps = input.shape[batch_dim], input.shape[time_dim]
    if len(sizes) != batch:
        raise RuntimeError(
            f"{op}: Expected `len(lengths)` to be equal to batch_size, but got {len(sizes)} "
            f"(batch_size={batch})"
        )
    order, sorted_lengths = _sort_lengths(op, sizes, enforce_sorted)
    if sorted_lengths[0] > steps:
        raise RuntimeError(
            f"{op}: a sequence of length {sorted_lengths[0]} does not fit in the {steps} "
            "time steps of the padded input"
        )
    step, column = _packed_positions(sorted_lengths)
    row = column if order is None else order[column]
    data = input[(row, step) if batch_first else (step, row)]
    return _packed(data, step, order)


def pack_sequence(sequences: Sequence[Tensor], enforce_sorted: bool = True) -> PackedSequence:
    """Pack a list of variable-length sequences: ``pack_padded_sequence(pad_sequence(...))``
    in one gather.

    Args:
        sequences: tensors of shape ``(L_i, *)``, all ``L_i`` > 0, sharing ``*``; the
            result has the first one's dtype.
        enforce_sorted: if True, the lengths must be in decreasing order; if False,
            the sequences are sorted here (see :func:`pack_padded_sequence`).

    Shapes: ``[(L_i, *)]`` -> ``data`` of shape ``(sum(L_i), *)``.

    Examples:
        >>> import neurarust as nr
        >>> from neurarust.nn.utils.rnn import pack_sequence
        >>> pack_sequence([nr.tensor([1, 2]), nr.tensor([3, 4, 5])], enforce_sorted=False).data
        tensor([3, 1, 4, 2, 5])
    """
    op = "pack_sequence"
    joined, lengths = _joined(op, sequences)
    order, sorted_lengths = _sort_lengths(op, lengths, enforce_sorted)
    step, column = _packed_positions(sorted_lengths)
    sequence = column if order is None else order[column]
    starts = np.cumsum(lengths) - lengths
    return _packed(joined[starts[sequence] + step], step, order)


# -- packed -> padded ------------------------------------------------------------------------


def pad_packed_sequence(
    sequence: PackedSequence,
    batch_first: bool = False,
    padding_value: float = 0.0,
    total_length: int | None = None,
) -> tuple[Tensor, Tensor]:
    """Unpack a :class:`PackedSequence` into a padded batch: the inverse of
    :func:`pack_padded_sequence`.

    Args:
        sequence: the packed batch.
        batch_first: whether to return ``(B, T, *)`` rather than ``(T, B, *)``.
        padding_value: the value of the steps past each sequence's end.
        total_length: pad to this many steps rather than the longest length
            (ValueError if it is shorter).

    Returns:
        ``(padded, lengths)``: the padded batch, with the sequences back in the
        order they had before packing, and their lengths (int64 CPU tensor).

    Shapes: ``data`` ``(sum(lengths), *)`` -> ``(T, B, *)`` (or ``(B, T, *)``) and ``(B,)``.

    Examples:
        >>> import neurarust as nr
        >>> from neurarust.nn.utils.rnn import pack_sequence, pad_packed_sequence
        >>> packed = pack_sequence([nr.tensor([1, 2]), nr.tensor([3, 4, 5])], enforce_sorted=False)
        >>> pad_packed_sequence(packed, batch_first=True, padding_value=-1)
        (tensor([[ 1,  2, -1],
                [ 3,  4,  5]]), tensor([2, 3]))
    """
    step, column, lengths = _unpacked_positions("pad_packed_sequence", sequence)
    longest = len(sequence.batch_sizes)
    if total_length is not None:
        if total_length < longest:
            raise ValueError(
                "pad_packed_sequence: Expected total_length to be at least the length of the "
                f"longest sequence in input, but got total_length={total_length} and max "
                f"sequence length being {longest}"
            )
        longest = total_length
    data, batch = sequence.data, len(lengths)
    index = (column, step) if batch_first else (step, column)
    shape = (batch, longest) if batch_first else (longest, batch)
    padded = full(shape + data.shape[1:], padding_value, dtype=data.dtype, device=data.device)
    return index_put(padded, index, data), from_numpy(lengths)


def unpack_sequence(packed_sequences: PackedSequence) -> list[Tensor]:
    """Unpack a :class:`PackedSequence` into the list of its sequences, in their order
    before packing: the inverse of :func:`pack_sequence`.

    Shapes: ``data`` ``(sum(L_i), *)`` -> ``[(L_i, *)]``.

    Examples:
        >>> import neurarust as nr
        >>> from neurarust.nn.utils.rnn import pack_sequence, unpack_sequence
        >>> packed = pack_sequence([nr.tensor([1, 2]), nr.tensor([3, 4, 5])], enforce_sorted=False)
        >>> unpack_sequence(packed)
        [tensor([1, 2]), tensor([3, 4, 5])]
    """
    step, column, lengths = _unpacked_positions("unpack_sequence", packed_sequences)
    rows = np.lexsort((step, column))  # sequence after sequence, step after step
    return list(packed_sequences.data[rows].split(lengths.tolist()))


# -- lists of sequences <-> padded -------------------------------------------------------------


def _joined(op: str, sequences: Any) -> tuple[Tensor, np.ndarray]:
    """The sequences concatenated along their steps (in the first one's dtype), and
    their lengths; checks that they are tensors of at least one dimension sharing
    their trailing shape."""
    if not isinstance(sequences, Iterable):
        raise RuntimeError(
            f"{op}: Expected iterable for input sequences, but got arg of type: {type(sequences)}"
        )
    sequences = tuple(sequences)
    if not sequences:
        raise RuntimeError(f"{op}: received an empty list of sequences")
    first = sequences[0]
    for i, seq in enumerate(sequences):
        if not isinstance(seq, Tensor):
            raise TypeError(
                f"{op}: expected a sequence of Tensors, but item {i} is a {type(seq).__name__}"
            )
        if seq.ndim == 0 or seq.shape[1:] != first.shape[1:]:
            raise RuntimeError(
                f"{op}: sequences must be tensors of shape (L, *) sharing *, but sequence "
                f"{i} has shape {list(seq.shape)} and sequence 0 has shape {list(first.shape)}"
            )
    lengths = np.array([seq.shape[0] for seq in sequences], dtype=np.int64)
    return cat([seq.to(first.dtype) for seq in sequences]), lengths


def pad_sequence(
    sequences: Tensor | Sequence[Tensor],
    batch_first: bool = False,
    padding_value: float = 0.0,
    padding_side: str = "right",
) -> Tensor:
    """Stack variable-length sequences into one padded tensor.

    Args:
        sequences: tensors of shape ``(L_i, *)`` sharing ``*`` (a tensor is read as
            the list of its slices along dim 0); the result has the first one's
            dtype and device.
        batch_first: whether to return ``(B, T, *)`` rather than ``(T, B, *)``.
        padding_value: the value filling the steps past each sequence's end.
        padding_side: ``"right"`` (pad after each sequence) or ``"left"`` (before).

    Shapes: ``[(L_i, *)]`` -> ``(T, B, *)`` (or ``(B, T, *)``) with ``T = max(L_i)``.

    Examples:
        >>> import neurarust as nr
        >>> from neurarust.nn.utils.rnn import pad_sequence
        >>> pad_sequence([nr.tensor([1, 2, 3]), nr.tensor([4])], batch_first=True)
        tensor([[1, 2, 3],
                [4, 0, 0]])
        >>> pad_sequence([nr.tensor([1, 2, 3]), nr.tensor([4])], True, -1, "left")
        tensor([[ 1,  2,  3],
                [-1, -1,  4]])
    """
    op = "pad_sequence"
    joined, lengths = _joined(op, sequences)
    if padding_side not in ("left", "right"):
        raise RuntimeError(
            f"{op}: Expected padding_side to be one of left or right, but got {padding_side}."
        )
    longest, batch = int(lengths.max()), len(lengths)
    sequence, step = np.nonzero(_step_mask(lengths, longest).T)  # in the order of `joined`
    if padding_side == "left":
        step = step + (longest - lengths)[sequence]
    index = (sequence, step) if batch_first else (step, sequence)
    shape = (batch, longest) if batch_first else (longest, batch)
    padded = full(shape + joined.shape[1:], padding_value, dtype=joined.dtype, device=joined.device)
    return index_put(padded, index, joined)


def unpad_sequence(
    padded_sequences: Tensor, lengths: Tensor | Sequence[int], batch_first: bool = False
) -> list[Tensor]:
    """Split a padded batch into the list of its sequences: the inverse of
    :func:`pad_sequence` (with right padding).

    Args:
        padded_sequences: ``(T, B, *)``, or ``(B, T, *)`` if ``batch_first``.
        lengths: the length of each of the ``B`` sequences (a tensor or a list);
            lengths past ``T`` keep all ``T`` steps.
        batch_first: whether ``padded_sequences`` is ``(B, T, *)``.

    Returns:
        ``B`` tensors of shape ``(L_i, *)`` (copies, not views of the input).

    Examples:
        >>> import neurarust as nr
        >>> from neurarust.nn.utils.rnn import unpad_sequence
        >>> unpad_sequence(nr.tensor([[1, 2, 3], [4, 0, 0]]), nr.tensor([3, 1]), batch_first=True)
        [tensor([1, 2, 3]), tensor([4])]
    """
    normalize_dim(1, padded_sequences.ndim, "unpad_sequence")
    batch_dim, time_dim = (0, 1) if batch_first else (1, 0)
    batch, steps = padded_sequences.shape[batch_dim], padded_sequences.shape[time_dim]
    sizes = np.asarray(lengths).astype(np.int64)
    if sizes.shape != (batch,):
        raise ValueError(
            f"unpad_sequence: expected one length per sequence ({batch}), but got lengths "
            f"of shape {list(sizes.shape)}"
        )
    sizes = sizes.clip(0, steps)  # as PyTorch's mask `step < length` reads them
    sequence, step = np.nonzero(_step_mask(sizes, steps).T)
    index = (sequence, step) if batch_first else (step, sequence)
    return list(padded_sequences[index].split(sizes.tolist()))
