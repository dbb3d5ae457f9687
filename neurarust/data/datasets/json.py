"""Records from JSON documents or JSON Lines files as an in-memory dataset.

Each record is a JSON object (a dict). The records become a pandas DataFrame
and go through the column helpers of :mod:`.csv`, so keys are checked,
missing values reported and string targets encoded exactly as for CSV files.
Unlike CSV, string features are not encoded: text and nested values (lists,
objects) pass through as Python values, which is what text datasets need.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ..._optional import import_optional
from ...dtypes import float32, to_dtype
from ..dataset import InMemoryDataset
from .csv import _encode_features, _encode_targets, _is_numeric, _split_columns

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["JSONDataset"]

_LINES_SUFFIXES = (".jsonl", ".ndjson")


def _read_lines(path: str, owner: str) -> list[Any]:
    """The values of a JSON Lines file, one per non-blank line."""
    values = []
    with open(path, encoding="utf-8") as file:
        for number, line in enumerate(file, start=1):
            if not line.strip():
                continue
            try:
                values.append(json.loads(line))
            except json.JSONDecodeError as error:
                raise ValueError(
                    f"{owner}: line {number} of {path} is not valid JSON: {error}"
                ) from error
    return values


def _read_document(path: str, records_path: str | Sequence[str] | None, owner: str) -> list[Any]:
    """The list of records in a JSON document, found by following ``records_path``."""
    with open(path, encoding="utf-8") as file:
        document = json.load(file)
    keys = [records_path] if isinstance(records_path, str) else list(records_path or [])
    for key in keys:
        if not isinstance(document, dict) or key not in document:
            found = list(document) if isinstance(document, dict) else type(document).__name__
            raise KeyError(f"{owner}: records_path key {key!r} not found in {path}; found {found}")
        document = document[key]
    if not isinstance(document, list):
        found = f"keys {list(document)}" if isinstance(document, dict) else "no keys"
        raise ValueError(
            f"{owner}: expected a list of records in {path}, but got a JSON "
            f"{type(document).__name__} ({found}); pass records_path naming the key "
            "that holds the list"
        )
    return document


def _check_records(records: list[Any], path: str, owner: str) -> None:
    if not records:
        raise ValueError(f"{owner}: no records in {path}")
    for index, record in enumerate(records):
        if not isinstance(record, dict):
            raise TypeError(
                f"{owner}: record {index} of {path} should be a JSON object, "
                f"but got {type(record).__name__}"
            )


def _features(
    frame: pd.DataFrame, feature_keys: Any, labels: list[Any], dtype: Any, owner: str
) -> np.ndarray | list[Any]:
    """One key: its values; numeric keys: a matrix (N, F); otherwise one dict per record."""
    if isinstance(feature_keys, str):
        column = frame[feature_keys]
        if _is_numeric(column):
            return column.to_numpy(dtype=to_dtype(dtype).numpy)
        return column.tolist()
    if all(_is_numeric(frame[label]) for label in labels):
        return _encode_features(frame, labels, set(), "onehot", dtype, owner)[0]
    return frame[labels].to_dict("records")


class JSONDataset(InMemoryDataset):
    """Records (JSON objects) from a JSON document or a JSON Lines file.

    What an item's features are depends on ``feature_keys``:

    * one key (a str): that field's value, as a ``dtype`` scalar when the field
      is numeric, else as the Python value (a review's text, a list of tokens);
    * a list of keys (or None: every key but the target): a NumPy array (F,)
      of ``dtype`` when every field is numeric, else a dict key -> value.

    The target field is encoded as in :class:`CSVDataset`: strings become int64
    indices into the sorted ``classes``, integers stay int64, other numbers
    become float32 (or ``target_dtype``).

    Args:
        path: a ``.json`` file (a list of records, or an object holding one at
            ``records_path``) or a JSON Lines file (one record per line).
        feature_keys: the key or keys making the features (see above).
        target_key: the key of the target; None gives items without a target.
        lines: True for JSON Lines; None decides by the suffix (``.jsonl``, ``.ndjson``).
        records_path: the key (or list of nested keys) of the records inside a
            JSON document, e.g. ``"data"`` for ``{"data": [...]}``.
        transform: applied to each item's features.
        target_transform: applied to each target.
        dtype: dtype of numeric features (a neurarust or NumPy dtype).
        target_dtype: dtype of the targets (default: int64 for strings and
            integers, float32 for other numbers).

    Items are ``(features, target)``, or ``features`` without ``target_key``.
    Attributes: ``data`` (an array or a list), ``targets`` (an array or None),
    ``feature_names``, ``categories`` (target key -> classes) and ``classes``.

    Raises:
        KeyError: for an unknown key (the message lists the available ones).
        ValueError: for invalid JSON (with the line number), missing values or no records.
        TypeError: for a record that is not a JSON object.
        ImportError: when pandas is not installed.

    Examples:
        >>> import json, os, tempfile
        >>> from neurarust.data.datasets import JSONDataset
        >>> path = os.path.join(tempfile.mkdtemp(), "reviews.jsonl")
        >>> with open(path, "w") as f:
        ...     for text, label in [("great film", "pos"), ("dull", "neg")]:
        ...         _ = f.write(json.dumps({"text": text, "label": label}) + "\\n")
        >>> ds = JSONDataset(path, feature_keys="text", target_key="label")
        >>> ds[0], ds.classes
        (('great film', np.int64(1)), ['neg', 'pos'])
    """

    data: np.ndarray | list[Any]
    targets: np.ndarray | None
    feature_names: list[str]
    categories: dict[str, list[Any]]
    classes: list[Any] | None

    def __init__(
        self,
        path: str | os.PathLike[str],
        feature_keys: str | Sequence[str] | None = None,
        target_key: str | None = None,
        lines: bool | None = None,
        records_path: str | Sequence[str] | None = None,
        transform: Callable[[Any], Any] | None = None,
        target_transform: Callable[[Any], Any] | None = None,
        dtype: Any = float32,
        target_dtype: Any = None,
    ) -> None:
        owner = type(self).__name__
        pandas = import_optional("pandas", owner, "pandas")
        self.path = os.fspath(path)
        if lines is None:
            lines = Path(self.path).suffix.lower() in _LINES_SUFFIXES
        if lines and records_path is not None:
            raise ValueError(f"{owner}: records_path applies to JSON documents, not JSON Lines")
        if lines:
            records = _read_lines(self.path, owner)
        else:
            records = _read_document(self.path, records_path, owner)
        _check_records(records, self.path, owner)
        frame = pandas.DataFrame(records)

        feature_labels, _ = _split_columns(frame, feature_keys, target_key, owner)
        self.feature_names = [str(label) for label in feature_labels]
        self.targets, self.categories, self.classes = _encode_targets(
            frame, target_key, set(), target_dtype
        )
        self.data = _features(frame, feature_keys, feature_labels, dtype, owner)
        arrays = (self.data,) if self.targets is None else (self.data, self.targets)
        super().__init__(*arrays, transform=transform, target_transform=target_transform)
