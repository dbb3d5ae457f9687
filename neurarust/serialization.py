"""Saving and loading tensors, state dicts and checkpoints, without running code on load.

:func:`save` writes neurarust's own format (specified below). :func:`load`
reads three formats, recognised by their content:

* neurarust's format, written by :func:`save`;
* PyTorch checkpoints written by ``torch.save`` (the ZIP format of PyTorch >=
  1.6), read **without PyTorch**: their ``data.pkl`` is unpickled by a
  restricted unpickler that only rebuilds tensors and plain containers;
* ``.safetensors`` files (see :func:`load_safetensors`, :func:`save_safetensors`).

Safety. With ``weights_only=True`` (the default, as in PyTorch >= 2.6) no file
can make :func:`load` run code: tensors, Python scalars, strings, bytes, lists,
tuples, dicts, OrderedDicts (with a state dict's ``_metadata``),
``neurarust.Size``, dtypes and devices load; anything else is refused with
:class:`UnsafeGlobalError` naming it, unless its class was allow-listed with
:func:`add_safe_globals` or the :class:`safe_globals` context manager.
``weights_only=False`` unpickles arbitrary objects (only for files you trust).

The neurarust format, version 1
===============================

A file is a ZIP archive whose entries are stored uncompressed:

``neurarust_format.json``
    ``{"format": "neurarust", "version": 1}``.
``data.json``
    ``{"tensors": [TENSOR, ...], "root": NODE}``: the table of tensors and the
    saved object.
``tensors/<i>.bin``
    the elements of tensor ``i`` of the table, in row-major (C) order,
    little-endian, ``numel * itemsize`` bytes (bool: one byte, 0 or 1).
``pickles/<i>.pkl``
    objects outside the types below (for example a whole ``nn.Module``):
    pickle protocol 4, whose tensors are persistent ids ``("tensor", i)``
    pointing into the table. Reading one needs ``weights_only=False`` or an
    allow-list; files of tensors and containers have none.

A TENSOR record is ``{"dtype": NAME, "shape": [int, ...], "device": "cpu",
"requires_grad": bool, "parameter": bool}``; NAME is one of ``bool uint8 int8
int16 int32 int64 float16 float32 float64``; ``parameter`` marks an
``nn.Parameter``. Every tensor is stored as its own contiguous copy: a
tensor object referenced twice is stored once and loads as one object, but
distinct tensors sharing memory (views, tied weights) load as independent
tensors.

A NODE is a JSON object whose ``"type"`` says what it holds:

=================  ===========================================================
``type``           other keys
=================  ===========================================================
``none``           (none)
``bool``           ``value``: true or false
``int``            ``value``: an integer
``float``          ``value``: a number, or ``"nan"``, ``"inf"``, ``"-inf"``
``str``            ``value``: a string
``bytes``          ``value``: the bytes in base64
``list``           ``items``: [NODE, ...]
``tuple``          ``items``: [NODE, ...]
``dict``           ``items``: [[NODE key, NODE value], ...] in insertion order
``ordered_dict``   as ``dict``, plus optional ``metadata``: NODE, restored as
                   the ``_metadata`` attribute (state dicts carry one)
``tensor``         ``index``: its position in the tensor table
``size``           ``value``: [int, ...] (a ``neurarust.Size``)
``dtype``          ``value``: a dtype NAME
``device``         ``value``: ``"cpu"``, ``"cuda:0"``...
``pickle``         ``index``: the object is ``pickles/<index>.pkl``
=================  ===========================================================

Only these exact types are stored as nodes; subclasses (named tuples,
``defaultdict``, ``IntEnum``...) and other objects become ``pickle`` nodes. A
container reached twice is stored twice; a container holding itself cannot be
saved.

Versions. Readers accept every version up to their own and refuse newer ones
with an error naming both. Changes that older readers could misread raise the
version; within a version, readers ignore keys they do not know.

Writes are atomic when ``f`` is a path: the archive is written to a temporary
file in the same directory, flushed to disk and renamed over ``f``, so a crash
mid-save leaves the previous file intact. File objects are written in place.

Reading validates everything (versions, the JSON structure, dtypes, entry
sizes against shapes, CRCs) and raises :class:`SerializationError`, a
``RuntimeError``, naming the problem.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import io
import json
import math
import os
import pickle
import secrets
import struct
import sys
import zipfile
import zlib
from collections import OrderedDict
from collections.abc import Callable, Iterator
from typing import IO, Any

import numpy as np

from . import dtypes
from .cuda import device_count
from .device import device
from .nn.parameter import Parameter
from .tensor import Size, Tensor

__all__ = ["save", "load"]

FORMAT_VERSION = 1
"""The version of neurarust's format that :func:`save` writes."""

_FORMAT_ENTRY = "neurarust_format.json"
_DATA_ENTRY = "data.json"
_PICKLE_PROTOCOL = 4

FileLike = str | os.PathLike[str] | IO[bytes]
MapLocation = None | str | device | dict[str, Any] | Callable[[Tensor, str], Tensor | None]


class SerializationError(RuntimeError):
    """A file :func:`load` cannot read: corrupted, truncated, of a newer format
    version, or holding data neurarust does not support."""


class UnsafeGlobalError(SerializationError, pickle.UnpicklingError):
    """``load(weights_only=True)`` met an object it may not rebuild (a pickled
    class or function that is not allow-listed)."""


# -- allow-listing ------------------------------------------------------------------------

_user_safe_globals: list[Any] = []


def add_safe_globals(safe_globals: list[Any]) -> None:
    """Let ``load(weights_only=True)`` rebuild these classes and functions.

    Entries are objects (``MyConfig``) or ``(object, "module.name")`` pairs
    for objects pickled under another name. Allow-list only what you trust:
    loading calls them.

    Examples:
        >>> import argparse, neurarust as nr
        >>> nr.serialization.add_safe_globals([argparse.Namespace])
        >>> nr.serialization.clear_safe_globals()
    """
    for entry in safe_globals:
        _global_name(entry)  # fail now, not at load time, for an unnamed entry
    _user_safe_globals.extend(safe_globals)


def get_safe_globals() -> list[Any]:
    """The allow-list of :func:`add_safe_globals`."""
    return list(_user_safe_globals)


def clear_safe_globals() -> None:
    """Empty the allow-list of :func:`add_safe_globals`."""
    _user_safe_globals.clear()


class safe_globals:  # noqa: N801  (named as PyTorch names it)
    """Context manager allow-listing ``safe_globals`` (as :func:`add_safe_globals`) inside
    its ``with`` block only.

    Examples:
        >>> import argparse, neurarust as nr
        >>> with nr.serialization.safe_globals([argparse.Namespace]):
        ...     pass  # nr.load(...) here may rebuild Namespace objects
    """

    def __init__(self, safe_globals: list[Any]) -> None:
        self._globals = list(safe_globals)
        self._previous: list[Any] = []

    def __enter__(self) -> None:
        self._previous = get_safe_globals()
        add_safe_globals(self._globals)

    def __exit__(self, *exc: object) -> None:
        _user_safe_globals[:] = self._previous


def _global_name(entry: Any) -> tuple[str, Any]:
    """``(qualified name, object)`` of an allow-list entry."""
    if isinstance(entry, tuple) and len(entry) == 2 and isinstance(entry[1], str):
        return entry[1], entry[0]
    module, qualname = getattr(entry, "__module__", None), getattr(entry, "__qualname__", None)
    if not (isinstance(module, str) and isinstance(qualname, str)):
        raise TypeError(
            f"add_safe_globals: {entry!r} has no __module__/__qualname__; pass "
            "(object, 'module.name') instead"
        )
    return f"{module}.{qualname}", entry


# -- saving ---------------------------------------------------------------------------------


def save(obj: Any, f: FileLike) -> None:
    """Save ``obj`` to ``f`` in neurarust's format (see :mod:`neurarust.serialization`).

    ``obj`` is typically a tensor or a state dict: nested dicts, OrderedDicts,
    lists and tuples of tensors and Python scalars are stored without pickle
    and load with the default ``weights_only=True``. Other objects (a whole
    ``nn.Module``, your own classes) are pickled inside the archive; loading
    them needs ``weights_only=False`` or an allow-list, as in PyTorch.

    Args:
        obj: what to save.
        f: a path (``str`` or ``os.PathLike``; written atomically) or a binary
            file object open for writing.

    Raises:
        ValueError: ``obj`` holds a reference cycle through its containers.
        TypeError: an object can neither be stored natively nor pickled.

    Examples:
        >>> import io, neurarust as nr
        >>> buffer = io.BytesIO()
        >>> nr.save({"w": nr.ones(2, 3), "step": 10}, buffer)
        >>> _ = buffer.seek(0)
        >>> nr.load(buffer)
        {'w': tensor([[1., 1., 1.],
                [1., 1., 1.]]), 'step': 10}
    """
    encoder = _Encoder()
    root = encoder.encode(obj, "root")
    data = {"tensors": [_tensor_record(t) for t in encoder.tensors], "root": root}
    _write_to(f, lambda file: _write_archive(file, data, encoder))


_TABLE_TENSOR_TYPES = (Tensor, Parameter)  # other Tensor subclasses are pickled


def _tensor_record(t: Tensor) -> dict[str, Any]:
    return {
        "dtype": t.dtype.name,
        "shape": list(t.shape),
        "device": str(t.device),
        "requires_grad": t.requires_grad,
        "parameter": type(t) is not Tensor,
    }


class _Encoder:
    """Turns an object tree into format nodes, collecting its tensors and pickles."""

    def __init__(self) -> None:
        self.tensors: list[Tensor] = []
        self.pickles: list[bytes] = []
        self._tensor_index: dict[int, int] = {}
        self._open_containers: set[int] = set()

    def tensor_index(self, t: Tensor) -> int:
        """The tensor's position in the table (a tensor seen again keeps its first one)."""
        index = self._tensor_index.get(id(t))
        if index is None:
            index = self._tensor_index[id(t)] = len(self.tensors)
            self.tensors.append(t)
        return index

    def encode(self, obj: Any, path: str) -> dict[str, Any]:
        kind = type(obj)
        if obj is None:
            return {"type": "none"}
        if kind in (bool, int, str):
            return {"type": kind.__name__, "value": obj}
        if kind is float:
            return {"type": "float", "value": obj if math.isfinite(obj) else str(obj)}
        if kind is bytes:
            return {"type": "bytes", "value": base64.b64encode(obj).decode("ascii")}
        if kind in _TABLE_TENSOR_TYPES:
            return {"type": "tensor", "index": self.tensor_index(obj)}
        if kind is Size:
            return {"type": "size", "value": list(obj)}
        if kind is dtypes.dtype:
            return {"type": "dtype", "value": obj.name}
        if kind is device:
            return {"type": "device", "value": str(obj)}
        if kind in (list, tuple, dict, OrderedDict):
            return self._encode_container(obj, path)
        return {"type": "pickle", "index": self._pickle(obj, path)}

    def _encode_container(self, obj: Any, path: str) -> dict[str, Any]:
        if id(obj) in self._open_containers:
            raise ValueError(
                f"save: {path} contains itself (a reference cycle); neurarust's format "
                "stores trees of containers"
            )
        self._open_containers.add(id(obj))
        try:
            if isinstance(obj, (list, tuple)):
                items = [self.encode(item, f"{path}[{i}]") for i, item in enumerate(obj)]
                return {"type": type(obj).__name__, "items": items}
            pairs = [
                [self.encode(key, f"{path} key {key!r}"), self.encode(value, f"{path}[{key!r}]")]
                for key, value in obj.items()
            ]
            if type(obj) is dict:
                return {"type": "dict", "items": pairs}
            node: dict[str, Any] = {"type": "ordered_dict", "items": pairs}
            if hasattr(obj, "_metadata"):
                node["metadata"] = self.encode(obj._metadata, f"{path}._metadata")
            return node
        finally:
            self._open_containers.discard(id(obj))

    def _pickle(self, obj: Any, path: str) -> int:
        buffer = io.BytesIO()
        try:
            _TensorTablePickler(buffer, self).dump(obj)
        except (pickle.PicklingError, TypeError, AttributeError) as error:
            raise TypeError(
                f"save: cannot save the {type(obj).__qualname__} at {path}: {error}"
            ) from error
        self.pickles.append(buffer.getvalue())
        return len(self.pickles) - 1


class _TensorTablePickler(pickle.Pickler):
    """Pickles an object, storing the tensors it holds in the archive's tensor table."""

    def __init__(self, file: IO[bytes], encoder: _Encoder) -> None:
        super().__init__(file, protocol=_PICKLE_PROTOCOL)
        self._encoder = encoder

    def persistent_id(self, obj: Any) -> Any:
        if type(obj) in _TABLE_TENSOR_TYPES:
            return ("tensor", self._encoder.tensor_index(obj))
        return None


def _entry_info(name: str, size: int) -> zipfile.ZipInfo:
    """A stored entry with a fixed timestamp (saving the same object gives the same bytes)."""
    info = zipfile.ZipInfo(name)
    info.compress_type = zipfile.ZIP_STORED
    info.file_size = size  # lets zipfile choose ZIP64 for entries over 2 GiB
    return info


def _write_archive(file: IO[bytes], data: dict[str, Any], encoder: _Encoder) -> None:
    header = {"format": "neurarust", "version": FORMAT_VERSION}
    with zipfile.ZipFile(file, "w", zipfile.ZIP_STORED) as archive:
        for name, content in ((_FORMAT_ENTRY, header), (_DATA_ENTRY, data)):
            text = json.dumps(content, allow_nan=False).encode()
            archive.writestr(_entry_info(name, len(text)), text)
        for i, t in enumerate(encoder.tensors):
            _write_tensor(archive, f"tensors/{i}.bin", t)
        for i, pickled in enumerate(encoder.pickles):
            archive.writestr(_entry_info(f"pickles/{i}.pkl", len(pickled)), pickled)


def _little_endian_bytes(t: Tensor) -> memoryview:
    """The tensor's elements, row-major and little-endian."""
    host = np.ascontiguousarray(t.backend.to_host(t._data))
    return host.astype(host.dtype.newbyteorder("<"), copy=False).reshape(-1).view(np.uint8).data


def _write_tensor(archive: zipfile.ZipFile, name: str, t: Tensor) -> None:
    elements = _little_endian_bytes(t)
    with archive.open(_entry_info(name, elements.nbytes), "w") as entry:
        entry.write(elements)


def _write_to(f: FileLike, write: Callable[[IO[bytes]], None]) -> None:
    """Call ``write(file)``: on a path, through a temporary file renamed over it at the end."""
    if not isinstance(f, (str, os.PathLike)):
        write(f)
        return
    path = os.fspath(f)
    directory, name = os.path.split(os.path.abspath(path))
    temporary = os.path.join(directory, f".{name}.{secrets.token_hex(8)}.tmp")
    # O_EXCL: never reuse an existing file; 0o666 lets the umask decide, as open() does.
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    descriptor = os.open(temporary, flags, 0o666)
    try:
        with os.fdopen(descriptor, "wb") as file:
            write(file)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


# -- loading --------------------------------------------------------------------------------


def load(f: FileLike, map_location: MapLocation = None, *, weights_only: bool = True) -> Any:
    """Load an object saved by :func:`save`, a PyTorch checkpoint, or a ``.safetensors`` file.

    Args:
        f: a path or a binary file object open for reading.
        map_location: where tensors go, as in ``torch.load``: ``None`` (the
            device each was saved on), a device or device string (all of them
            there), a dict mapping saved locations to devices
            (``{"cuda:1": "cpu"}``; others keep theirs), or a callable
            ``fn(tensor, location)`` receiving each CPU tensor (for PyTorch
            checkpoints, each flat storage) and the saved location string and
            returning the tensor to use, or None for the default.
        weights_only: if True (the default), only tensors, Python scalars,
            strings, bytes, containers, sizes, dtypes, devices and allow-listed
            classes load; False unpickles any object (trusted files only).

    Returns:
        The saved object. PyTorch checkpoints give neurarust tensors with the
        same values, dtypes, shapes and strides (tensors that shared a storage
        still share memory on the CPU); bfloat16 tensors load as float32 (exactly).

    Raises:
        SerializationError: the file is truncated, corrupted, of an unknown
            format or a newer format version, or holds tensors neurarust cannot
            represent; or a tensor's device is unavailable (pass ``map_location``).
        UnsafeGlobalError: ``weights_only=True`` and the file holds another object.

    Examples:
        >>> import io, neurarust as nr
        >>> buffer = io.BytesIO(); nr.save([nr.arange(3), 2.5, "hi"], buffer)
        >>> _ = buffer.seek(0)
        >>> nr.load(buffer, map_location="cpu")
        [tensor([0, 1, 2]), 2.5, 'hi']
    """
    if not isinstance(weights_only, bool):
        raise TypeError(f"load: weights_only must be a bool, got {weights_only!r}")
    placement = _Placement(map_location)
    named_safetensors = isinstance(f, (str, os.PathLike)) and os.fspath(f).endswith(".safetensors")
    with _open_source(f) as (file, source):
        if named_safetensors:
            return _read_safetensors(file, source, placement)
        head = file.read(9)
        file.seek(-len(head), io.SEEK_CUR)
        if head.startswith(b"PK"):
            return _load_zip(file, source, placement, weights_only)
        if head[8:9] == b"{":
            return _read_safetensors(file, source, placement)
        if head[:1] == b"\x80":
            raise SerializationError(
                f"load: {source} is a PyTorch checkpoint in the legacy format (PyTorch < 1.6, "
                "or _use_new_zipfile_serialization=False), which neurarust does not read; "
                "re-save it with a recent torch.save"
            )
        what = "is empty" if not head else "is not a neurarust, PyTorch or safetensors file"
        raise SerializationError(f"load: {source} {what}")


@contextlib.contextmanager
def _open_source(f: FileLike) -> Iterator[tuple[IO[bytes], str]]:
    """The binary file to read and its name for messages."""
    if isinstance(f, (str, os.PathLike)):
        with open(f, "rb") as file:
            yield file, repr(os.fspath(f))
    elif hasattr(f, "read"):
        yield (f if f.seekable() else io.BytesIO(f.read())), "the file object"
    else:
        raise TypeError(f"load: expected a path or a binary file object, got {f!r}")


class _Placement:
    """Decides each loaded tensor's device from ``map_location`` and its saved location."""

    def __init__(self, map_location: MapLocation) -> None:
        if not (map_location is None or callable(map_location)) and not isinstance(
            map_location, (str, device, dict)
        ):
            raise TypeError(
                "load: map_location must be None, a device, a string, a dict or a callable, "
                f"got {map_location!r}"
            )
        self.map_location = map_location

    def tensor(self, host: np.ndarray, location: str) -> Tensor:
        """``host`` (a NumPy array saved at ``location``) as a tensor where it belongs."""
        loaded = Tensor._make(host, device("cpu"))
        target: Any = self.map_location
        if callable(target):
            moved = target(loaded, location)
            if moved is None:
                target = None
            elif isinstance(moved, Tensor):
                return moved
            else:
                raise TypeError(f"load: map_location returned {moved!r}, expected a Tensor")
        if isinstance(target, dict):
            target = target.get(location, location)
        dev = _restore_device(location if target is None else target)
        return loaded if dev.type == "cpu" else loaded.to(dev)


def _restore_device(spec: Any) -> device:
    try:
        dev = device(spec)
    except (TypeError, ValueError) as error:
        raise SerializationError(
            f"load: cannot restore tensors on {spec!r} ({error}); pass map_location='cpu'"
        ) from None
    if dev.type == "cuda" and (dev.index or 0) >= device_count():
        raise SerializationError(
            f"load: Attempting to deserialize tensors on {dev}, but neurarust sees "
            f"{device_count()} CUDA device(s). If you are running on a CPU-only machine, "
            "pass map_location='cpu' to map them to the CPU."
        )
    return dev


def _load_zip(file: IO[bytes], source: str, placement: _Placement, weights_only: bool) -> Any:
    try:
        archive = zipfile.ZipFile(file)
        names = set(archive.namelist())
        if _FORMAT_ENTRY in names:
            return _NeurarustReader(archive, file, placement, weights_only).read()
        prefixes = [n[: -len("data.pkl")] for n in names if n.endswith("/data.pkl")]
        if len(prefixes) == 1 and prefixes[0].count("/") == 1:
            return _TorchReader(archive, file, prefixes[0], source, placement, weights_only).read()
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as error:
        raise SerializationError(f"load: {source} is truncated or corrupted ({error})") from None
    raise SerializationError(
        f"load: {source} is a ZIP archive, but neither a neurarust file (no "
        f"{_FORMAT_ENTRY}) nor a PyTorch checkpoint (no <name>/data.pkl)"
    )


# -- validation helpers -------------------------------------------------------------------

_KIND_NAMES = {bool: "a boolean", int: "an integer", str: "a string", list: "a list"}
_SCALAR_NODES = {"bool": bool, "int": int, "str": str}


def _field(record: Any, key: str, kind: type, where: str) -> Any:
    """``record[key]``, checked to be of ``kind`` (an int field refuses JSON booleans)."""
    if not isinstance(record, dict):
        raise SerializationError(f"{where}: expected an object, got {record!r:.80}")
    if key not in record:
        raise SerializationError(f"{where}: missing {key!r}")
    value = record[key]
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise SerializationError(
            f"{where}: {key!r} should be {_KIND_NAMES[kind]}, got {value!r:.80}"
        )
    return value


def _ints(values: Any, where: str, minimum: int | None = 0) -> tuple[int, ...]:
    """A list or tuple of ints (each ``>= minimum`` unless it is None)."""
    if not isinstance(values, (list, tuple)) or not all(
        isinstance(v, int) and not isinstance(v, bool) and (minimum is None or v >= minimum)
        for v in values
    ):
        at_least = "" if minimum is None else f" >= {minimum}"
        raise SerializationError(
            f"{where}: expected a list of integers{at_least}, got {values!r:.80}"
        )
    return tuple(values)


# Element types readable from files: neurarust's dtypes, plus bfloat16 read as float32.
_ITEMSIZES = {d.name: d.itemsize for d in dtypes.ALL_DTYPES} | {"bfloat16": 2}
_DTYPES_BY_NAME = {d.name: d for d in dtypes.ALL_DTYPES}
_SUPPORTED = ", ".join(_ITEMSIZES)


def _stored_dtype(element_type: str | None) -> np.dtype:
    """The NumPy dtype a file's elements are read into (bfloat16: its bits, uint16)."""
    if element_type is None:
        return np.dtype(np.uint8)
    return np.dtype(np.uint16 if element_type == "bfloat16" else element_type)


def _to_native(stored: np.ndarray, element_type: str, byteorder: str = "little") -> np.ndarray:
    """Elements just read (``stored``, overwritten) in the machine's byte order;
    bfloat16 widened to float32. The result owns its memory (no ``.base`` of another
    dtype), as neurarust's strided views expect."""
    if byteorder != sys.byteorder:
        stored.byteswap(inplace=True)
    if element_type != "bfloat16":
        return stored
    widened = np.empty(stored.shape, dtype=np.float32)  # bfloat16 is a float32's top half
    np.left_shift(stored, 16, out=widened.view(np.uint32), dtype=np.uint32)
    return widened


def _fill(stream: IO[bytes], array: np.ndarray) -> bool:
    """Read ``array.nbytes`` bytes of ``stream`` into the contiguous ``array``; False if short."""
    return stream.readinto(array.data.cast("B")) == array.nbytes  # type: ignore[attr-defined]


def _archive_size(file: IO[bytes]) -> int:
    position = file.tell()
    size = file.seek(0, io.SEEK_END)
    file.seek(position)
    return size


def _read_entry(
    archive: zipfile.ZipFile, name: str, count: int, element_type: str | None, size: int
) -> np.ndarray:
    """Entry ``name`` as a new flat array of ``count`` stored elements, checking its size."""
    dtype = _stored_dtype(element_type)
    try:
        info = archive.getinfo(name)
    except KeyError:
        raise SerializationError(f"the archive has no entry {name!r}") from None
    if info.file_size != count * dtype.itemsize:
        raise SerializationError(
            f"entry {name!r} holds {info.file_size} bytes, but its dtype and shape need "
            f"{count * dtype.itemsize} (the file was changed or is corrupted)"
        )
    if info.header_offset + info.compress_size > size:
        raise SerializationError(f"entry {name!r} runs past the end of the file (truncated?)")
    stored = np.empty(count, dtype=dtype)
    with archive.open(info) as entry:  # reading to the end checks the CRC
        if not _fill(entry, stored) or entry.read(1):
            raise SerializationError(f"entry {name!r} is shorter than its header says")
    return stored


def _read_bytes(archive: zipfile.ZipFile, name: str) -> bytes:
    try:
        return archive.read(name)
    except KeyError:
        raise SerializationError(f"the archive has no entry {name!r}") from None


def _read_json(archive: zipfile.ZipFile, name: str) -> Any:
    try:
        return json.loads(_read_bytes(archive, name).decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        raise SerializationError(f"entry {name!r} is not valid JSON ({error})") from None


# -- neurarust's format ---------------------------------------------------------------------


class _NeurarustReader:
    def __init__(
        self, archive: zipfile.ZipFile, file: IO[bytes], placement: _Placement, weights_only: bool
    ) -> None:
        self.archive = archive
        self.size = _archive_size(file)
        self.placement = placement
        self.weights_only = weights_only
        self.tensors: list[Tensor] = []

    def read(self) -> Any:
        header = _read_json(self.archive, _FORMAT_ENTRY)
        if _field(header, "format", str, _FORMAT_ENTRY) != "neurarust":
            raise SerializationError(f"{_FORMAT_ENTRY}: format is {header['format']!r}")
        version = _field(header, "version", int, _FORMAT_ENTRY)
        if not 1 <= version <= FORMAT_VERSION:
            raise SerializationError(
                f"load: the file is in neurarust format version {version}, but this neurarust "
                f"reads versions 1 to {FORMAT_VERSION}: upgrade neurarust to load it"
            )
        data = _read_json(self.archive, _DATA_ENTRY)
        records = _field(data, "tensors", list, _DATA_ENTRY)
        if "root" not in data:
            raise SerializationError(f"{_DATA_ENTRY}: missing 'root'")
        self.tensors = [self._tensor(record, i) for i, record in enumerate(records)]
        return self._decode(data["root"], "root")

    def _tensor(self, record: Any, index: int) -> Tensor:
        where = f"{_DATA_ENTRY}, tensor {index}"
        name = _field(record, "dtype", str, where)
        dtype = _DTYPES_BY_NAME.get(name)
        if dtype is None:
            raise SerializationError(f"{where}: unknown dtype {name!r} (known: {_SUPPORTED})")
        shape = _ints(_field(record, "shape", list, where), f"{where}, shape")
        location = _field(record, "device", str, where)
        requires_grad = _field(record, "requires_grad", bool, where)
        if requires_grad and not dtype.is_floating_point:
            raise SerializationError(f"{where}: a {name} tensor cannot require grad")
        stored = _read_entry(
            self.archive, f"tensors/{index}.bin", math.prod(shape), name, self.size
        )
        t = self.placement.tensor(_to_native(stored, name).reshape(shape), location)
        if _field(record, "parameter", bool, where):
            return Parameter(t, requires_grad=requires_grad)
        return t.requires_grad_(requires_grad)

    def _decode(self, node: Any, path: str) -> Any:
        kind = _field(node, "type", str, path)
        match kind:
            case "none":
                return None
            case "bool" | "int" | "str":
                return _field(node, "value", _SCALAR_NODES[kind], path)
            case "float":
                return _float(node.get("value"), path)
            case "bytes":
                try:
                    return base64.b64decode(_field(node, "value", str, path), validate=True)
                except binascii.Error as error:
                    raise SerializationError(f"{path}: invalid base64 ({error})") from None
            case "list" | "tuple":
                items = _field(node, "items", list, path)
                decoded = [self._decode(item, f"{path}[{i}]") for i, item in enumerate(items)]
                return decoded if kind == "list" else tuple(decoded)
            case "dict" | "ordered_dict":
                return self._decode_dict(node, kind, path)
            case "tensor":
                index = _field(node, "index", int, path)
                if not 0 <= index < len(self.tensors):
                    raise SerializationError(f"{path}: there is no tensor {index}")
                return self.tensors[index]
            case "size":
                return Size(_ints(_field(node, "value", list, path), path, minimum=None))
            case "dtype":
                name = _field(node, "value", str, path)
                if name not in _DTYPES_BY_NAME:
                    raise SerializationError(f"{path}: unknown dtype {name!r}")
                return _DTYPES_BY_NAME[name]
            case "device":
                try:
                    return device(_field(node, "value", str, path))
                except ValueError as error:
                    raise SerializationError(f"{path}: {error}") from None
            case "pickle":
                return self._unpickle(_field(node, "index", int, path))
        raise SerializationError(f"{path}: unknown node type {kind!r}")

    def _decode_dict(self, node: dict[str, Any], kind: str, path: str) -> Any:
        out: dict[Any, Any] = {} if kind == "dict" else OrderedDict()
        for pair in _field(node, "items", list, path):
            if not (isinstance(pair, list) and len(pair) == 2):
                raise SerializationError(f"{path}: dict items must be [key, value] pairs")
            key = self._decode(pair[0], f"{path} key")
            value = self._decode(pair[1], f"{path}[{key!r}]")
            try:
                out[key] = value
            except TypeError:  # an unhashable key
                raise SerializationError(f"{path}: unhashable dict key {key!r:.80}") from None
        if "metadata" in node and kind == "ordered_dict":
            out._metadata = self._decode(node["metadata"], f"{path}._metadata")  # type: ignore[attr-defined]
        return out

    def _unpickle(self, index: int) -> Any:
        name = f"pickles/{index}.pkl"
        pickled = _read_bytes(self.archive, name)
        unpickler = _TensorTableUnpickler(io.BytesIO(pickled), self.tensors, self.weights_only)
        return _run_unpickler(unpickler, name)


def _float(value: Any, path: str) -> float:
    if isinstance(value, str) and value in ("nan", "inf", "-inf"):
        return float(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    raise SerializationError(f"{path}: 'value' should be a number, 'nan', 'inf' or '-inf'")


# -- restricted unpickling -------------------------------------------------------------------


class _RestrictedUnpickler(pickle.Unpickler):
    """An unpickler that only finds the globals of ``known`` and the allow-list, unless
    ``weights_only`` is False. Every global a pickle names (REDUCE, NEWOBJ, INST,
    extension codes...) goes through :meth:`find_class`, so nothing else can run."""

    known: dict[str, Any] = {}

    def __init__(self, file: IO[bytes], weights_only: bool) -> None:
        super().__init__(file)
        self.weights_only = weights_only

    def find_class(self, module: str, name: str) -> Any:
        module = "builtins" if module == "__builtin__" else module  # protocol 2 pickles
        qualified = f"{module}.{name}"
        if qualified in self.known:
            return self.known[qualified]
        allowed = dict(_global_name(entry) for entry in _user_safe_globals)
        if qualified in allowed:
            return allowed[qualified]
        self.refuse(module, qualified)
        if self.weights_only:
            short = name.rsplit(".", 1)[-1]
            raise UnsafeGlobalError(
                f"load: weights_only=True refused the file. Unsupported global: GLOBAL "
                f"{qualified} is not an allowed global; rebuilding it could run arbitrary code. "
                "If you trust this file, pass weights_only=False, or allow-list it with "
                f"neurarust.serialization.add_safe_globals([{short}]) or the "
                f"neurarust.serialization.safe_globals([{short}]) context manager."
            )
        return super().find_class(module, name)

    def refuse(self, module: str, qualified: str) -> None:
        """Raise for globals this format never loads, even with weights_only=False."""


def _run_unpickler(unpickler: pickle.Unpickler, name: str) -> Any:
    """``unpickler.load()``, with a malformed pickle reported as a SerializationError."""
    try:
        return unpickler.load()
    except SerializationError:
        raise
    except (pickle.UnpicklingError, EOFError, ValueError, TypeError, IndexError, KeyError,
            AttributeError, struct.error) as error:  # fmt: skip
        raise SerializationError(f"{name} is not a valid pickle ({error!r})") from error


class _TensorTableUnpickler(_RestrictedUnpickler):
    """Reads the ``pickles/<i>.pkl`` entries of neurarust's format."""

    known = {
        "collections.OrderedDict": OrderedDict,
        "neurarust.device.device": device,
        "neurarust.tensor.Size": Size,
        **{f"neurarust.dtypes.{d.name}": d for d in dtypes.ALL_DTYPES},
    }

    def __init__(self, file: IO[bytes], tensors: list[Tensor], weights_only: bool) -> None:
        super().__init__(file, weights_only)
        self.tensors = tensors

    def persistent_load(self, pid: Any) -> Tensor:
        if not (isinstance(pid, tuple) and len(pid) == 2 and pid[0] == "tensor"):
            raise SerializationError(f"invalid persistent id {pid!r:.80}")
        index = pid[1]
        if not (isinstance(index, int) and 0 <= index < len(self.tensors)):
            raise SerializationError(f"persistent id {pid!r:.80} names no tensor of the table")
        return self.tensors[index]


# -- PyTorch checkpoints ---------------------------------------------------------------------
#
# torch.save writes a ZIP archive: <name>/data.pkl (pickle protocol 2), one entry
# <name>/data/<key> per storage, <name>/byteorder and <name>/version. In data.pkl a
# tensor is REDUCE(torch._utils._rebuild_tensor_v2, (storage, storage_offset, size,
# stride, requires_grad, backward_hooks[, metadata])), where storage is the persistent
# id ("storage", torch.FloatStorage, key, location, numel). The stand-ins below
# rebuild exactly that; every other global is refused.

_TORCH_STORAGES = {
    "FloatStorage": "float32",
    "DoubleStorage": "float64",
    "HalfStorage": "float16",
    "BFloat16Storage": "bfloat16",
    "LongStorage": "int64",
    "IntStorage": "int32",
    "ShortStorage": "int16",
    "CharStorage": "int8",
    "ByteStorage": "uint8",
    "BoolStorage": "bool",
}


class _StorageType:
    """Stands for ``torch.FloatStorage`` & co (``element_type`` None: ``UntypedStorage``)."""

    def __init__(self, element_type: str | None) -> None:
        self.element_type = element_type


class _TorchBFloat16:
    """Stands for ``torch.bfloat16``, which neurarust lacks: its tensors load as float32."""

    def __repr__(self) -> str:
        return "torch.bfloat16"


_BFLOAT16 = _TorchBFloat16()


class _TorchStorage:
    """One storage of a checkpoint: its bytes, read once and shared by the tensors viewing it."""

    def __init__(
        self, stored: np.ndarray, element_type: str | None, location: str, reader: _TorchReader
    ) -> None:
        self.stored = stored  # the elements as read; bytes (uint8) for an untyped storage
        self.element_type = element_type  # None for an untyped storage
        self.location = location
        self.reader = reader
        self._flat: dict[str, Tensor] = {}

    def flat(self, element_type: str) -> Tensor:
        """The storage as a flat tensor of ``element_type`` on its target device."""
        if element_type not in self._flat:
            self._flat[element_type] = self.reader.placement.tensor(
                _to_native(self._elements(element_type), element_type, self.reader.byteorder),
                self.location,
            )
        return self._flat[element_type]

    def _elements(self, element_type: str) -> np.ndarray:
        if self.element_type == element_type:
            return self.stored
        dtype = _stored_dtype(element_type)
        if self.element_type is not None or self.stored.nbytes % dtype.itemsize:
            raise SerializationError(
                f"a {self.element_type or 'untyped'} storage of {self.stored.nbytes} bytes is "
                f"read as {element_type} (malformed checkpoint)"
            )
        return self.stored.view(dtype).copy()  # a typed copy that owns its memory


def _torch_tensor(
    storage: Any, offset: Any, size: Any, stride: Any, requires_grad: Any, element_type: str | None
) -> Tensor:
    """A strided view of ``storage``, as ``torch._utils._rebuild_tensor_v2`` makes."""
    if not isinstance(storage, _TorchStorage) or element_type is None:
        raise SerializationError(
            f"expected a typed storage to rebuild a tensor, got {storage!r:.80}"
        )
    size, stride = _ints(size, "tensor size"), _ints(stride, "tensor stride")
    if len(size) != len(stride) or not isinstance(offset, int) or offset < 0:
        raise SerializationError(
            f"invalid tensor layout: size {size}, stride {stride}, offset {offset!r:.20}"
        )
    if not isinstance(requires_grad, bool):
        raise SerializationError(f"requires_grad should be a bool, got {requires_grad!r:.80}")
    flat = storage.flat(element_type)
    if 0 not in size:
        last = offset + sum((n - 1) * s for n, s in zip(size, stride))
        if last >= flat.numel():
            raise SerializationError(
                f"a tensor of size {size}, stride {stride} and offset {offset} reads element "
                f"{last} of a storage of {flat.numel()} elements (the file is corrupted)"
            )
    data = flat.backend.xp.lib.stride_tricks.as_strided(
        flat._data[offset:], shape=size, strides=tuple(s * flat._data.itemsize for s in stride)
    )
    view = Tensor._make(data, flat.device)
    if requires_grad and not view.is_floating_point():
        raise SerializationError(f"a {element_type} tensor cannot require grad")
    return view.requires_grad_(requires_grad)


def _rebuild_tensor_v2(
    storage: Any,
    storage_offset: Any,
    size: Any,
    stride: Any,
    requires_grad: Any,
    backward_hooks: Any,
    metadata: Any = None,
) -> Tensor:
    """Stands for ``torch._utils._rebuild_tensor_v2`` (hooks and metadata are dropped)."""
    element_type = getattr(storage, "element_type", None)
    return _torch_tensor(storage, storage_offset, size, stride, requires_grad, element_type)


def _rebuild_tensor_v3(
    storage: Any,
    storage_offset: Any,
    size: Any,
    stride: Any,
    requires_grad: Any,
    backward_hooks: Any,
    dtype: Any,
    metadata: Any = None,
) -> Tensor:
    """Stands for ``torch._utils._rebuild_tensor_v3``: an untyped storage and a dtype."""
    if dtype is _BFLOAT16:
        element_type = "bfloat16"
    elif isinstance(dtype, dtypes.dtype):
        element_type = dtype.name
    else:
        raise SerializationError(f"expected a dtype to rebuild a tensor, got {dtype!r:.80}")
    return _torch_tensor(storage, storage_offset, size, stride, requires_grad, element_type)


def _rebuild_parameter(data: Any, requires_grad: Any, backward_hooks: Any) -> Tensor:
    """Stands for ``torch._utils._rebuild_parameter``: an ``nn.Parameter``."""
    if not isinstance(data, Tensor) or not isinstance(requires_grad, bool):
        raise SerializationError("malformed nn.Parameter in the checkpoint")
    return Parameter(data, requires_grad=requires_grad)


def _torch_device(*args: Any) -> device:
    """Stands for ``torch.device``."""
    try:
        return device(*args)
    except (TypeError, ValueError) as error:
        raise SerializationError(
            f"the checkpoint holds a device neurarust lacks: {error}"
        ) from None


def _torch_size(dims: Any) -> Size:
    """Stands for ``torch.Size``."""
    return Size(_ints(dims, "torch.Size", minimum=None))


def _latin1_bytes(text: Any, encoding: Any) -> bytes:
    """Stands for ``_codecs.encode``, which protocol-2 pickles use to store bytes."""
    if not (isinstance(text, str) and encoding == "latin1"):
        raise SerializationError(f"unexpected _codecs.encode({text!r:.40}, {encoding!r:.40})")
    return text.encode("latin1")


class _TorchUnpickler(_RestrictedUnpickler):
    """Reads ``data.pkl`` of a PyTorch checkpoint into neurarust objects."""

    known = {
        "collections.OrderedDict": OrderedDict,
        "_codecs.encode": _latin1_bytes,
        "torch._utils._rebuild_tensor_v2": _rebuild_tensor_v2,
        "torch._utils._rebuild_tensor_v3": _rebuild_tensor_v3,
        "torch._utils._rebuild_parameter": _rebuild_parameter,
        "torch.device": _torch_device,
        "torch.Size": _torch_size,
        "torch.bfloat16": _BFLOAT16,
        "torch.storage.UntypedStorage": _StorageType(None),
        **{f"torch.{name}": _StorageType(element) for name, element in _TORCH_STORAGES.items()},
        **{f"torch.{d.name}": d for d in dtypes.ALL_DTYPES},
    }

    def __init__(self, file: IO[bytes], reader: _TorchReader) -> None:
        super().__init__(file, reader.weights_only)
        self.reader = reader

    def refuse(self, module: str, qualified: str) -> None:
        if module == "torch" or module.startswith("torch."):
            raise SerializationError(
                f"load: the checkpoint holds {qualified}, which neurarust cannot rebuild: it "
                f"reads tensors of dtypes {_SUPPORTED} (bfloat16 as float32) and plain "
                "containers. In PyTorch, save a state_dict() of plain tensors instead."
            )

    def persistent_load(self, pid: Any) -> _TorchStorage:
        if not (isinstance(pid, tuple) and len(pid) == 5 and pid[0] == "storage"):
            raise SerializationError(f"data.pkl: invalid persistent id {pid!r:.80}")
        _, storage_type, key, location, numel = pid
        if not (
            isinstance(storage_type, _StorageType)
            and isinstance(key, str)
            and isinstance(location, str)
            and isinstance(numel, int)
            and numel >= 0
        ):
            raise SerializationError(f"data.pkl: invalid storage record {pid!r:.80}")
        return self.reader.storage(storage_type.element_type, key, location, numel)


class _TorchReader:
    def __init__(
        self,
        archive: zipfile.ZipFile,
        file: IO[bytes],
        prefix: str,
        source: str,
        placement: _Placement,
        weights_only: bool,
    ) -> None:
        self.archive = archive
        self.size = _archive_size(file)
        self.prefix = prefix
        self.source = source
        self.placement = placement
        self.weights_only = weights_only
        self.byteorder = "little"
        self._storages: dict[str, _TorchStorage] = {}

    def read(self) -> Any:
        names = set(self.archive.namelist())
        if f"{self.prefix}constants.pkl" in names:
            raise SerializationError(
                f"load: {self.source} is a TorchScript archive (torch.jit.save), which neurarust "
                "does not run; in PyTorch, torch.save the model's state_dict() instead"
            )
        if f"{self.prefix}byteorder" in names:
            self.byteorder = self.archive.read(f"{self.prefix}byteorder").decode("ascii", "replace")
            if self.byteorder not in ("little", "big"):
                raise SerializationError(f"load: unknown byte order {self.byteorder!r:.20}")
        pickled = self.archive.read(f"{self.prefix}data.pkl")
        return _run_unpickler(_TorchUnpickler(io.BytesIO(pickled), self), "data.pkl")

    def storage(
        self, element_type: str | None, key: str, location: str, numel: int
    ) -> _TorchStorage:
        """The storage ``key`` (read on first use; later uses share it)."""
        found = self._storages.get(key)
        if found is None:
            name = f"{self.prefix}data/{key}"
            stored = _read_entry(self.archive, name, numel, element_type, self.size)
            found = self._storages[key] = _TorchStorage(stored, element_type, location, self)
        return found


# -- safetensors -------------------------------------------------------------------------------
#
# Format (https://github.com/huggingface/safetensors): an unsigned little-endian 64-bit
# header length N, N bytes of UTF-8 JSON {"name": {"dtype": "F32", "shape": [2, 3],
# "data_offsets": [begin, end]}, ..., "__metadata__": {str: str}}, then the data:
# offsets are relative to its start, the tensors tile it without gaps or overlaps,
# elements row-major and little-endian.

_SAFETENSORS_DTYPES = {
    "BOOL": "bool",
    "U8": "uint8",
    "I8": "int8",
    "I16": "int16",
    "I32": "int32",
    "I64": "int64",
    "F16": "float16",
    "F32": "float32",
    "F64": "float64",
    "BF16": "bfloat16",
}
_SAFETENSORS_CODES = {name: code for code, name in _SAFETENSORS_DTYPES.items() if code != "BF16"}
_MAX_SAFETENSORS_HEADER = 100_000_000  # bytes; the reference implementation's limit


def save_safetensors(
    tensors: dict[str, Tensor], path: FileLike, metadata: dict[str, str] | None = None
) -> None:
    """Write ``tensors`` to a ``.safetensors`` file (atomically when ``path`` is a path).

    Each tensor is written as a contiguous copy, so tensors sharing memory are
    fine (the ``safetensors`` package refuses them).

    Args:
        tensors: names to tensors, e.g. ``model.state_dict()``.
        path: a path or a binary file object open for writing.
        metadata: free-form text stored as the header's ``__metadata__``.

    Examples:
        >>> import io, neurarust as nr
        >>> from neurarust.serialization import load_safetensors, save_safetensors
        >>> buffer = io.BytesIO(); save_safetensors({"w": nr.eye(2)}, buffer)
        >>> _ = buffer.seek(0); load_safetensors(buffer)
        {'w': tensor([[1., 0.],
                [0., 1.]])}
    """
    if not isinstance(tensors, dict):
        raise TypeError(
            f"save_safetensors: expected a dict of tensors, got {type(tensors).__name__}"
        )
    header: dict[str, Any] = {}
    if metadata is not None:
        if not (isinstance(metadata, dict) and all(
            isinstance(k, str) and isinstance(v, str) for k, v in metadata.items()
        )):  # fmt: skip
            raise TypeError("save_safetensors: metadata must be a dict of str to str")
        header["__metadata__"] = metadata
    offset = 0
    for name, t in tensors.items():
        if not isinstance(name, str) or name == "__metadata__" or not isinstance(t, Tensor):
            raise TypeError(
                f"save_safetensors: expected str names (not '__metadata__') to Tensors, got "
                f"{name!r}: {type(t).__name__}"
            )
        nbytes = t.numel() * t.element_size()
        code = _SAFETENSORS_CODES[t.dtype.name]
        header[name] = {
            "dtype": code,
            "shape": list(t.shape),
            "data_offsets": [offset, offset + nbytes],
        }
        offset += nbytes
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)  # pad so the data starts 8-byte aligned

    def write(file: IO[bytes]) -> None:
        file.write(struct.pack("<Q", len(text)) + text)
        for t in tensors.values():
            file.write(_little_endian_bytes(t))

    _write_to(path, write)


def load_safetensors(path: FileLike, device: Any = "cpu") -> dict[str, Tensor]:
    """Read a ``.safetensors`` file: names to tensors, in the header's order.

    BF16 tensors load as float32 (exactly: every bfloat16 is a float32).

    Args:
        path: a path or a binary file object open for reading.
        device: where to put the tensors.

    Raises:
        SerializationError: a truncated file, an invalid header, offsets out of
            range, overlapping or leaving gaps, or an unsupported dtype.
    """
    with _open_source(path) as (file, source):
        return _read_safetensors(file, source, _Placement(device))


def _read_safetensors(file: IO[bytes], source: str, placement: _Placement) -> dict[str, Tensor]:
    start = file.tell()
    size = file.seek(0, io.SEEK_END) - start
    file.seek(start)
    if size < 8:
        raise SerializationError(f"load: {source} is too short to be a safetensors file")
    (header_size,) = struct.unpack("<Q", file.read(8))
    if header_size > min(size - 8, _MAX_SAFETENSORS_HEADER):
        raise SerializationError(
            f"load: {source}: the safetensors header claims {header_size} bytes, but the "
            f"file has {size - 8} after the length (truncated or not a safetensors file)"
        )
    try:
        header = json.loads(file.read(header_size).decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        raise SerializationError(f"load: {source}: invalid safetensors header ({error})") from None
    if not isinstance(header, dict):
        raise SerializationError(f"load: {source}: the safetensors header is not a JSON object")
    metadata = header.pop("__metadata__", {})
    if not (isinstance(metadata, dict) and all(isinstance(v, str) for v in metadata.values())):
        raise SerializationError(f"load: {source}: __metadata__ must map strings to strings")
    data_start, data_size = start + 8 + header_size, size - 8 - header_size
    entries = [_safetensors_entry(name, spec, data_size) for name, spec in header.items()]
    _check_tiling(entries, data_size)
    out: dict[str, Tensor] = {}
    for name, element_type, shape, begin, _ in entries:
        file.seek(data_start + begin)
        stored = np.empty(math.prod(shape), dtype=_stored_dtype(element_type))
        if not _fill(file, stored):
            raise SerializationError(f"load: {source}: tensor {name!r} is truncated")
        out[name] = placement.tensor(_to_native(stored, element_type).reshape(shape), "cpu")
    return out


def _safetensors_entry(
    name: str, spec: Any, data_size: int
) -> tuple[str, str, tuple[int, ...], int, int]:
    where = f"safetensors tensor {name!r}"
    code = _field(spec, "dtype", str, where)
    if code not in _SAFETENSORS_DTYPES:
        raise SerializationError(
            f"{where}: unsupported dtype {code!r} (neurarust reads "
            f"{', '.join(_SAFETENSORS_DTYPES)})"
        )
    shape = _ints(_field(spec, "shape", list, where), f"{where}, shape")
    offsets = _ints(_field(spec, "data_offsets", list, where), f"{where}, data_offsets")
    if len(offsets) != 2:
        raise SerializationError(
            f"{where}: data_offsets should be [begin, end], got {list(offsets)}"
        )
    begin, end = offsets
    element_type = _SAFETENSORS_DTYPES[code]
    if not begin <= end <= data_size:
        raise SerializationError(
            f"{where}: data_offsets [{begin}, {end}] are out of range (the data has "
            f"{data_size} bytes)"
        )
    if end - begin != math.prod(shape) * _ITEMSIZES[element_type]:
        raise SerializationError(
            f"{where}: {end - begin} bytes, but dtype {code} and shape {list(shape)} need "
            f"{math.prod(shape) * _ITEMSIZES[element_type]}"
        )
    return name, element_type, shape, begin, end


def _check_tiling(
    entries: list[tuple[str, str, tuple[int, ...], int, int]], data_size: int
) -> None:
    """The tensors' byte ranges must cover the data exactly, without overlaps or gaps."""
    covered, previous = 0, None
    for name, _, _, begin, end in sorted(entries, key=lambda e: (e[3], e[4])):
        if begin < covered:
            raise SerializationError(f"safetensors tensors {previous!r} and {name!r} overlap")
        if begin > covered:
            raise SerializationError(f"safetensors data has a gap of unused bytes before {name!r}")
        covered, previous = end, name
    if covered != data_size:
        raise SerializationError(
            f"safetensors data has {data_size - covered} bytes that no tensor uses"
        )
