"""Turning samples into batches: :func:`default_collate` and :func:`default_convert`.

The rules are PyTorch's (``torch.utils.data.default_collate``), so a dataset
written for PyTorch batches the same way:

==========================================  ==========================================
one sample holds                            the batch holds
==========================================  ==========================================
Tensor of shape ``S``                       Tensor of shape ``(N, *S)`` (stacked)
NumPy array / NumPy scalar                  Tensor (stacked), dtype kept
``float`` / ``int`` / ``bool``              float64 / int64 / bool Tensor of shape (N,)
``str`` / ``bytes``                         the list of them, unchanged
``Mapping`` (dict, ...)                     the same mapping type, collated per key
namedtuple                                  the same namedtuple, collated per field
tuple / other sequence                      list / same sequence type, per position
==========================================  ==========================================

Anything else (``None``, objects, NumPy arrays of strings or objects) raises
PyTorch's ``TypeError``. To handle a type of your own, extend the registry
``default_collate_fn_map`` of this module and call :func:`collate` with it, as
with ``torch.utils.data._utils.collate``.
"""

from __future__ import annotations

import collections.abc
import copy
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from ..dtypes import float64
from ..ops.creation import as_tensor, tensor
from ..ops.shape import stack
from ..tensor import Tensor

__all__ = ["default_collate", "default_convert"]

CollateFnMap = dict[type | tuple[type, ...], Callable[..., Any]]

default_collate_err_msg_format = (
    "default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; found {}"
)

# NumPy dtype kinds that cannot become tensors: bytes, str, object.
_STRING_OR_OBJECT_KINDS = "SUO"


def _rebuild_mapping(template: Mapping[Any, Any], values: dict[Any, Any]) -> Any:
    """A mapping of ``template``'s type holding ``values``, or a dict when that type refuses."""
    try:
        if isinstance(template, collections.abc.MutableMapping):
            # A copy keeps whatever else the mapping type carries (defaultdict's factory...).
            clone = copy.copy(template)
            clone.update(values)
            return clone
        return type(template)(values)  # type: ignore[call-arg]
    except TypeError:
        return values


def _rebuild_sequence(template: Sequence[Any], values: list[Any]) -> Any:
    """A sequence of ``template``'s type holding ``values``, or a list when that type refuses."""
    try:
        if isinstance(template, collections.abc.MutableSequence):
            clone = copy.copy(template)
            for i, value in enumerate(values):
                clone[i] = value
            return clone
        return type(template)(values)  # type: ignore[call-arg]
    except TypeError:  # e.g. range, which cannot be built from a list
        return values


def _collate_tensors(
    batch: Sequence[Tensor], *, collate_fn_map: CollateFnMap | None = None
) -> Tensor:
    first = batch[0]
    arrays = [t._data for t in batch]
    uniform = (
        len({a.shape for a in arrays}) == 1
        and len({a.dtype for a in arrays}) == 1
        and len({t.device for t in batch}) == 1
        and not any(t._requires_grad for t in batch)
    )
    if not uniform:
        # Mixed dtypes are promoted, unequal shapes get PyTorch's error, and
        # gradients flow, as with torch.stack.
        return stack(batch)
    shape = first._data.shape
    if not shape:
        return Tensor._make(first.backend.xp.stack(arrays), first.device)
    # One concatenate then a free reshape: faster than xp.stack, which makes a view per array.
    joined = first.backend.xp.concatenate(arrays).reshape(len(arrays), *shape)
    return Tensor._make(joined, first.device)


def _collate_numpy_arrays(
    batch: Sequence[np.ndarray], *, collate_fn_map: CollateFnMap | None = None
) -> Any:
    if batch[0].dtype.kind in _STRING_OR_OBJECT_KINDS:
        raise TypeError(default_collate_err_msg_format.format(batch[0].dtype))
    return collate([as_tensor(a) for a in batch], collate_fn_map=collate_fn_map)


def _collate_numpy_scalars(
    batch: Sequence[Any], *, collate_fn_map: CollateFnMap | None = None
) -> Any:
    return as_tensor(batch)


def _collate_floats(
    batch: Sequence[float], *, collate_fn_map: CollateFnMap | None = None
) -> Tensor:
    return tensor(batch, dtype=float64)


def _collate_ints(batch: Sequence[int], *, collate_fn_map: CollateFnMap | None = None) -> Tensor:
    return tensor(batch)  # int64, or bool when every element is a bool


def _collate_strings(batch: Sequence[Any], *, collate_fn_map: CollateFnMap | None = None) -> Any:
    return batch


default_collate_fn_map: CollateFnMap = {
    Tensor: _collate_tensors,
    np.ndarray: _collate_numpy_arrays,
    (np.bool_, np.number, np.object_): _collate_numpy_scalars,
    float: _collate_floats,
    int: _collate_ints,
    str: _collate_strings,
    bytes: _collate_strings,
}


def collate(batch: Sequence[Any], *, collate_fn_map: CollateFnMap | None = None) -> Any:
    """Collate ``batch`` with the functions of ``collate_fn_map`` for the leaf types.

    The element type is looked up in ``collate_fn_map`` (exact type first, then
    ``isinstance`` in insertion order); containers (mappings, namedtuples,
    sequences) are collated element-wise with the same map. Each function is
    called as ``fn(batch, collate_fn_map=collate_fn_map)``.

    Args:
        batch: the samples of one batch (all of the same structure).
        collate_fn_map: element type (or tuple of types) -> collate function.

    Returns:
        The batch, with the structure of one sample.

    Examples:
        >>> from neurarust.data.collate import collate, default_collate_fn_map
        >>> table = {**default_collate_fn_map, str: lambda b, collate_fn_map: "".join(b)}
        >>> collate([("a", 1), ("b", 2)], collate_fn_map=table)
        ['ab', tensor([1, 2])]
    """
    elem = batch[0]
    elem_type = type(elem)
    if collate_fn_map is not None:
        if elem_type in collate_fn_map:
            return collate_fn_map[elem_type](batch, collate_fn_map=collate_fn_map)
        for collate_type, collate_fn in collate_fn_map.items():
            if isinstance(elem, collate_type):
                return collate_fn(batch, collate_fn_map=collate_fn_map)

    if isinstance(elem, Mapping):
        values = {
            key: collate([d[key] for d in batch], collate_fn_map=collate_fn_map) for key in elem
        }
        return _rebuild_mapping(elem, values)
    if isinstance(elem, tuple) and hasattr(elem, "_fields"):  # namedtuple
        return elem_type(*(collate(s, collate_fn_map=collate_fn_map) for s in zip(*batch)))
    if isinstance(elem, Sequence):
        size = len(elem)
        if any(len(sample) != size for sample in batch):
            raise RuntimeError("each element in list of batch should be of equal size")
        columns = [collate(s, collate_fn_map=collate_fn_map) for s in zip(*batch)]
        if isinstance(elem, tuple):
            return columns  # tuples become lists, as in PyTorch
        return _rebuild_sequence(elem, columns)
    raise TypeError(default_collate_err_msg_format.format(elem_type))


def default_collate(batch: Sequence[Any]) -> Any:
    """Stack a list of samples into a batch, with PyTorch's rules (see the module table).

    Args:
        batch: the samples, each a tensor, NumPy array, number, string, or a
            mapping / namedtuple / sequence of those (all with the same structure).

    Returns:
        The batch: tensors gain a leading dimension of size ``len(batch)``;
        containers keep their structure (tuples become lists).

    Raises:
        TypeError: for elements that cannot be batched (``None``, objects, NumPy
            arrays of strings or objects).
        RuntimeError: for sequences of unequal lengths or tensors of unequal shapes.

    Examples:
        >>> import neurarust as nr
        >>> from neurarust.data import default_collate
        >>> default_collate([(nr.zeros(2), 0), (nr.ones(2), 1)])
        [tensor([[0., 0.],
                [1., 1.]]), tensor([0, 1])]
        >>> default_collate([{"x": 1.5, "name": "a"}, {"x": 2.5, "name": "b"}])
        {'x': tensor([1.5000, 2.5000], dtype=neurarust.float64), 'name': ['a', 'b']}
    """
    return collate(batch, collate_fn_map=default_collate_fn_map)


def default_convert(data: Any) -> Any:
    """Turn the NumPy arrays and scalars inside ``data`` into tensors, without batching.

    The DataLoader uses it when ``batch_size=None`` (no automatic batching).
    Tensors and other values are returned as they are; mappings, namedtuples
    and sequences are converted element-wise (tuples become lists).

    Args:
        data: one sample.

    Returns:
        ``data`` with NumPy arrays (of supported dtypes) and scalars as tensors.

    Examples:
        >>> import numpy as np
        >>> from neurarust.data import default_convert
        >>> default_convert({"x": np.arange(3), "id": 7})
        {'x': tensor([0, 1, 2]), 'id': 7}
    """
    if isinstance(data, Tensor):
        return data
    if isinstance(data, np.ndarray):
        return data if data.dtype.kind in _STRING_OR_OBJECT_KINDS else as_tensor(data)
    if isinstance(data, np.generic) and not isinstance(data, (np.str_, np.bytes_)):
        return as_tensor(data)
    if isinstance(data, Mapping):
        return _rebuild_mapping(data, {key: default_convert(data[key]) for key in data})
    if isinstance(data, tuple) and hasattr(data, "_fields"):  # namedtuple
        return type(data)(*(default_convert(d) for d in data))
    if isinstance(data, tuple):
        return [default_convert(d) for d in data]
    if isinstance(data, Sequence) and not isinstance(data, (str, bytes)):
        return _rebuild_sequence(data, [default_convert(d) for d in data])
    return data
