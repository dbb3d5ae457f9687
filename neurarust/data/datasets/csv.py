"""Tabular data from CSV files (or pandas DataFrames) as an in-memory dataset.

:class:`CSVDataset` reads a file with pandas and turns its columns into two
NumPy arrays: the features ``data`` (N, F) and the ``targets``. Numeric
columns are copied as they are; categorical columns (text or pandas'
``category`` dtype) are one-hot or ordinal encoded, with their categories
sorted so the encoding does not depend on the order of the rows.

The column handling here (selecting columns by name, rejecting missing values,
encoding categories and targets) is shared with :mod:`.json`, which builds a
DataFrame from JSON records and goes through the same helpers.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Hashable, Sequence
from typing import IO, TYPE_CHECKING, Any

import numpy as np

from ..._optional import import_optional
from ...dtypes import float32, int64, to_dtype
from ..dataset import InMemoryDataset

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["CSVDataset"]

ColumnsArg = Hashable | Sequence[Hashable] | None
"""One column label, a list of labels, or None (the default choice)."""

_ENCODINGS = ("onehot", "ordinal")


def _as_label_list(columns: ColumnsArg) -> list[Hashable]:
    """``"a"`` -> ``["a"]``, ``["a", "b"]`` -> itself, None -> ``[]``."""
    if columns is None:
        return []
    if isinstance(columns, (list, tuple)):
        return list(columns)
    return [columns]


def _select_columns(frame: pd.DataFrame, columns: ColumnsArg, owner: str, role: str) -> list[Any]:
    """The labels in ``columns``, each checked to exist in ``frame``.

    Raises:
        KeyError: naming the unknown column and listing the available ones.
    """
    labels = _as_label_list(columns)
    available = list(frame.columns)
    for label in labels:
        if label not in available:
            raise KeyError(
                f"{owner}: unknown {role} column {label!r}; available columns: {available}"
            )
    return labels


def _require_complete(frame: pd.DataFrame, columns: list[Any], owner: str) -> None:
    """Raise ValueError naming the columns of ``frame`` that have missing values."""
    counts = frame[columns].isna().sum()
    incomplete = {label: int(n) for label, n in counts.items() if n > 0}
    if incomplete:
        raise ValueError(
            f"{owner}: missing values (count per column) in {incomplete}; fill or drop them "
            "first (e.g. DataFrame.fillna or dropna, then from_dataframe)"
        )


def _is_numeric(series: pd.Series) -> bool:
    """True for numeric and boolean columns, the ones copied into arrays as they are."""
    from pandas.api import types

    return bool(types.is_numeric_dtype(series.dtype) and not types.is_complex_dtype(series.dtype))


def _categories(series: pd.Series) -> list[Any]:
    """A categorical column's categories: declared order for pandas' category dtype, else sorted."""
    import pandas as pd

    if isinstance(series.dtype, pd.CategoricalDtype):
        return list(series.cat.categories)
    return sorted(series.unique().tolist())


def _codes(series: pd.Series, categories: list[Any]) -> np.ndarray:
    """Each value's position in ``categories`` (int64, shape (N,))."""
    import pandas as pd

    return np.asarray(pd.Categorical(series, categories=categories).codes, dtype=np.int64)


def _encode_feature(
    series: pd.Series,
    categorical: bool,
    encoding: str,
    np_dtype: np.dtype[Any],
    owner: str,
) -> tuple[np.ndarray, list[str], list[Any] | None]:
    """One column as a block (N, k) of the feature matrix, its names and categories."""
    name = str(series.name)
    if not categorical:
        if not _is_numeric(series):
            raise TypeError(
                f"{owner}: column {name!r} holds non-numeric values (dtype {series.dtype}); "
                "list it in categorical_columns"
            )
        return series.to_numpy(dtype=np_dtype).reshape(-1, 1), [name], None
    categories = _categories(series)
    codes = _codes(series, categories)
    if encoding == "ordinal":
        return codes.astype(np_dtype).reshape(-1, 1), [name], categories
    names = [f"{name}_{category}" for category in categories]
    return np.eye(len(categories), dtype=np_dtype)[codes], names, categories


def _encode_features(
    frame: pd.DataFrame,
    labels: list[Any],
    categorical: set[Any],
    encoding: str,
    dtype: Any,
    owner: str,
) -> tuple[np.ndarray, list[str], dict[str, list[Any]]]:
    """The feature matrix (N, F) of columns ``labels``, its column names and categories."""
    if encoding not in _ENCODINGS:
        raise ValueError(
            f"{owner}: categorical_encoding should be 'onehot' or 'ordinal', "
            f"but got categorical_encoding={encoding!r}"
        )
    np_dtype = to_dtype(dtype).numpy
    blocks, names, categories = [], [], {}
    for label in labels:
        block, block_names, cats = _encode_feature(
            frame[label], label in categorical, encoding, np_dtype, owner
        )
        blocks.append(block)
        names += block_names
        if cats is not None:
            categories[str(label)] = cats
    return np.concatenate(blocks, axis=1), names, categories


def _encode_targets(
    frame: pd.DataFrame, target_columns: ColumnsArg, categorical: set[Any], target_dtype: Any
) -> tuple[np.ndarray | None, dict[str, list[Any]], list[Any] | None]:
    """The targets, the categories of categorical target columns, and ``classes``.

    One label gives targets of shape (N,) and ``classes`` when it is categorical;
    a list of labels gives (N, T) and no ``classes``; None gives no targets.
    Columns in ``categorical`` and non-numeric ones become int64 class indices,
    integer columns stay int64 (class labels, as in most tables) and other
    numeric ones become float32, unless ``target_dtype`` says otherwise.
    """
    columns, categories = [], {}
    for label in _as_label_list(target_columns):
        series = frame[label]
        is_class = label in categorical or not _is_numeric(series)
        default_dtype = int64 if is_class or series.dtype.kind in "iu" else float32
        np_dtype = to_dtype(default_dtype if target_dtype is None else target_dtype).numpy
        if is_class:
            categories[str(label)] = _categories(series)
            columns.append(_codes(series, categories[str(label)]).astype(np_dtype))
        else:
            columns.append(series.to_numpy(dtype=np_dtype))
    if not columns:
        return None, categories, None
    if isinstance(target_columns, (list, tuple)):
        return np.stack(columns, axis=1), categories, None
    return columns[0], categories, categories.get(str(target_columns))


def _split_columns(
    frame: pd.DataFrame, feature_columns: ColumnsArg, target_columns: ColumnsArg, owner: str
) -> tuple[list[Any], list[Any]]:
    """Feature and target labels, checked; features default to every non-target column."""
    target_labels = _select_columns(frame, target_columns, owner, "target")
    if feature_columns is None:
        feature_labels = [label for label in frame.columns if label not in target_labels]
    else:
        feature_labels = _select_columns(frame, feature_columns, owner, "feature")
    for label in feature_labels:
        if label in target_labels:
            raise ValueError(f"{owner}: column {label!r} is both a feature and a target")
    if not feature_labels:
        raise ValueError(f"{owner}: no feature columns (columns: {list(frame.columns)})")
    _require_complete(frame, feature_labels + target_labels, owner)
    return feature_labels, target_labels


class CSVDataset(InMemoryDataset):
    """A table read with ``pandas.read_csv``: rows are samples, columns features and targets.

    Numeric columns are copied into the feature matrix as they are. Categorical
    columns (by default every non-numeric one: text, pandas' ``category``) are
    encoded: ``"onehot"`` gives one 0/1 feature per category, named
    ``"<column>_<category>"`` and placed where the column was; ``"ordinal"``
    gives the category's index. Categories are sorted (pandas' category dtype
    keeps its declared order). A categorical target becomes class indices into
    ``classes``.

    Args:
        path_or_buffer: a path, URL or file object, anything ``pandas.read_csv`` reads.
        target_columns: the target column label (items hold a scalar target), a list
            of labels (items hold a (T,) array) or None (items are bare features).
        feature_columns: labels of the feature columns; default every column that is
            not a target, in file order.
        categorical_columns: labels of the columns to encode; default every
            non-numeric column. An explicit list replaces the automatic choice
            (a non-numeric target always becomes class indices).
        categorical_encoding: ``"onehot"`` or ``"ordinal"`` for categorical features.
        dtype: dtype of the features (a neurarust or NumPy dtype).
        target_dtype: dtype of the targets; default int64 for a categorical
            target (class indices) and for an integer column (class labels),
            float32 for other numeric ones (regression targets).
        transform: applied to each features array.
        target_transform: applied to each target.
        **read_csv_kwargs: passed on to ``pandas.read_csv`` (``sep``, ``header``, ...).

    Items are ``(features, target)`` with ``features`` a NumPy array of shape
    (F,), or just ``features`` when there is no target. Attributes: ``data``
    (N, F), ``targets`` ((N,), (N, T) or None), ``feature_names`` (after
    encoding), ``target_names``, ``categories`` (column -> its categories) and
    ``classes`` (the categories of a single categorical target, else None).

    Raises:
        KeyError: for an unknown column label (the message lists the available ones).
        ValueError: for missing values (naming the columns) or a bad encoding name.
        TypeError: for a non-numeric column left out of ``categorical_columns``.
        ImportError: when pandas is not installed.

    Examples:
        >>> import io
        >>> from neurarust.data.datasets import CSVDataset
        >>> text = "size,color,price\\n1.5,red,10\\n2.0,blue,12\\n0.5,red,7\\n"
        >>> ds = CSVDataset(io.StringIO(text), target_columns="price")
        >>> ds.feature_names
        ['size', 'color_blue', 'color_red']
        >>> features, price = ds[0]
        >>> features.tolist(), float(price)
        ([1.5, 0.0, 1.0], 10.0)
        >>> CSVDataset(io.StringIO(text), target_columns="color").classes
        ['blue', 'red']
    """

    data: np.ndarray
    targets: np.ndarray | None
    feature_names: list[str]
    target_names: list[str]
    categories: dict[str, list[Any]]
    classes: list[Any] | None

    def __init__(
        self,
        path_or_buffer: str | os.PathLike[str] | IO[Any],
        target_columns: ColumnsArg = None,
        feature_columns: ColumnsArg = None,
        categorical_columns: ColumnsArg = None,
        categorical_encoding: str = "onehot",
        dtype: Any = float32,
        target_dtype: Any = None,
        transform: Callable[[Any], Any] | None = None,
        target_transform: Callable[[Any], Any] | None = None,
        **read_csv_kwargs: Any,
    ) -> None:
        pandas = import_optional("pandas", type(self).__name__, "pandas")
        self._setup(
            pandas.read_csv(path_or_buffer, **read_csv_kwargs),
            target_columns,
            feature_columns,
            categorical_columns,
            categorical_encoding,
            dtype,
            target_dtype,
            transform,
            target_transform,
        )

    @classmethod
    def from_dataframe(
        cls,
        df: pd.DataFrame,
        target_columns: ColumnsArg = None,
        feature_columns: ColumnsArg = None,
        categorical_columns: ColumnsArg = None,
        categorical_encoding: str = "onehot",
        dtype: Any = float32,
        target_dtype: Any = None,
        transform: Callable[[Any], Any] | None = None,
        target_transform: Callable[[Any], Any] | None = None,
    ) -> CSVDataset:
        """The dataset of a DataFrame already in memory (the arguments are ``__init__``'s).

        Args:
            df: the table, one row per sample.
            target_columns: see :class:`CSVDataset`.
            feature_columns: see :class:`CSVDataset`.
            categorical_columns: see :class:`CSVDataset`.
            categorical_encoding: see :class:`CSVDataset`.
            dtype: see :class:`CSVDataset`.
            target_dtype: see :class:`CSVDataset`.
            transform: see :class:`CSVDataset`.
            target_transform: see :class:`CSVDataset`.

        Returns:
            A :class:`CSVDataset` over the rows of ``df``.

        Examples:
            >>> import pandas as pd
            >>> from neurarust.data.datasets import CSVDataset
            >>> df = pd.DataFrame({"x": [1, 2], "label": ["dog", "cat"]})
            >>> ds = CSVDataset.from_dataframe(df, target_columns="label")
            >>> ds.data.shape, ds.targets.tolist(), ds.classes
            ((2, 1), [1, 0], ['cat', 'dog'])
        """
        dataset = cls.__new__(cls)
        dataset._setup(
            df,
            target_columns,
            feature_columns,
            categorical_columns,
            categorical_encoding,
            dtype,
            target_dtype,
            transform,
            target_transform,
        )
        return dataset

    def _setup(
        self,
        frame: pd.DataFrame,
        target_columns: ColumnsArg,
        feature_columns: ColumnsArg,
        categorical_columns: ColumnsArg,
        categorical_encoding: str,
        dtype: Any,
        target_dtype: Any,
        transform: Callable[[Any], Any] | None,
        target_transform: Callable[[Any], Any] | None,
    ) -> None:
        """Encode the columns of ``frame`` and set the attributes (arguments: ``__init__``'s)."""
        owner = type(self).__name__
        feature_labels, target_labels = _split_columns(
            frame, feature_columns, target_columns, owner
        )
        if categorical_columns is None:
            categorical = {label for label in frame.columns if not _is_numeric(frame[label])}
        else:
            categorical = set(_select_columns(frame, categorical_columns, owner, "categorical"))
        self.data, self.feature_names, feature_categories = _encode_features(
            frame, feature_labels, categorical, categorical_encoding, dtype, owner
        )
        self.targets, target_categories, self.classes = _encode_targets(
            frame, target_columns, categorical, target_dtype
        )
        self.target_names = [str(label) for label in target_labels]
        self.categories = {**feature_categories, **target_categories}
        arrays = (self.data,) if self.targets is None else (self.data, self.targets)
        InMemoryDataset.__init__(
            self, *arrays, transform=transform, target_transform=target_transform
        )
