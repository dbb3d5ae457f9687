"""CSVDataset: values against pandas and NumPy read directly, encodings, targets, errors."""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd
import pytest

import neurarust as nr
from neurarust.data.datasets import CSVDataset

FRAME = pd.DataFrame(
    {
        "height": [1.5, 2.25, 0.5, 3.0, 1.0],
        "color": ["red", "blue", "red", "green", "blue"],
        "count": [3, 1, 4, 1, 5],
        "species": ["cat", "dog", "cat", "bird", "dog"],
        "price": [10.5, 12.0, 7.25, 30.0, 9.0],
    }
)


@pytest.fixture
def csv_path(tmp_path):
    path = tmp_path / "table.csv"
    FRAME.to_csv(path, index=False)
    return path


def onehot_reference(values: pd.Series) -> tuple[list[str], np.ndarray]:
    """Column names and 0/1 matrix from pandas.get_dummies (which sorts categories)."""
    dummies = pd.get_dummies(values, prefix=values.name, dtype=np.float32)
    return list(dummies.columns), dummies.to_numpy()


def test_numeric_features_equal_pandas(csv_path):
    ds = CSVDataset(csv_path, target_columns="price", feature_columns=["count", "height"])
    read = pd.read_csv(csv_path)
    expected = read[["count", "height"]].to_numpy(np.float32)
    np.testing.assert_array_equal(ds.data, expected)
    np.testing.assert_array_equal(ds.targets, read["price"].to_numpy(np.float32))
    assert ds.feature_names == ["count", "height"]
    assert ds.target_names == ["price"]
    features, target = ds[3]
    np.testing.assert_array_equal(features, expected[3])
    assert target == np.float32(30.0)


def test_onehot_columns_in_place_and_sorted(csv_path):
    ds = CSVDataset(csv_path, target_columns="price", feature_columns=["height", "color", "count"])
    color_names, color_block = onehot_reference(FRAME["color"])
    assert ds.feature_names == ["height", *color_names, "count"]
    assert color_names == ["color_blue", "color_green", "color_red"]
    np.testing.assert_array_equal(ds.data[:, 1:4], color_block)
    np.testing.assert_array_equal(ds.data[:, 0], FRAME["height"].to_numpy(np.float32))
    assert ds.categories == {"color": ["blue", "green", "red"]}


def test_ordinal_codes_are_sorted_category_positions(csv_path):
    ds = CSVDataset(
        csv_path,
        target_columns="price",
        feature_columns=["color", "species"],
        categorical_encoding="ordinal",
    )
    for column, name in enumerate(["color", "species"]):
        uniques, codes = np.unique(FRAME[name].to_numpy(str), return_inverse=True)
        np.testing.assert_array_equal(ds.data[:, column], codes.astype(np.float32))
        assert ds.categories[name] == uniques.tolist()
    assert ds.feature_names == ["color", "species"]


@pytest.mark.parametrize(
    "target_dtype, column, expected_dtype",
    [
        (None, "species", np.int64),
        (None, "price", np.float32),
        (None, "count", np.int64),
        (nr.int64, "count", np.int64),
        (np.float64, "price", np.float64),
        (nr.int32, "species", np.int32),
        (np.dtype("float64"), "count", np.float64),
    ],
)
def test_target_dtype(csv_path, target_dtype, column, expected_dtype):
    ds = CSVDataset(csv_path, target_columns=column, target_dtype=target_dtype)
    assert ds.targets.dtype == expected_dtype
    assert ds.targets.shape == (len(FRAME),)


def test_categorical_target_gives_sorted_classes(csv_path):
    ds = CSVDataset(csv_path, target_columns="species")
    classes, codes = np.unique(FRAME["species"].to_numpy(str), return_inverse=True)
    assert ds.classes == classes.tolist()
    np.testing.assert_array_equal(ds.targets, codes)
    assert [ds[i][1] for i in range(len(ds))] == codes.tolist()
    assert "species" not in ds.feature_names


@pytest.mark.parametrize(
    "dtype, expected", [(nr.float32, np.float32), (nr.float64, np.float64), ("float16", np.float16)]
)
def test_feature_dtype(csv_path, dtype, expected):
    assert CSVDataset(csv_path, dtype=dtype).data.dtype == expected


def test_no_target_gives_bare_features(csv_path):
    ds = CSVDataset(csv_path, feature_columns=["height", "price"])
    assert ds.targets is None and ds.classes is None
    item = ds[1]
    assert isinstance(item, np.ndarray) and item.shape == (2,)
    np.testing.assert_array_equal(item, FRAME.loc[1, ["height", "price"]].to_numpy(np.float32))


def test_several_target_columns(csv_path):
    ds = CSVDataset(csv_path, target_columns=["price", "species"])
    assert ds.targets.shape == (len(FRAME), 2)
    assert ds.classes is None
    _, codes = np.unique(FRAME["species"].to_numpy(str), return_inverse=True)
    np.testing.assert_array_equal(ds.targets[:, 1], codes)
    np.testing.assert_array_equal(ds.targets[:, 0], FRAME["price"].to_numpy(np.float32))


def test_explicit_categorical_columns_replace_the_automatic_choice(csv_path):
    ds = CSVDataset(
        csv_path,
        target_columns="species",
        feature_columns=["count", "height"],
        categorical_columns=["count"],
    )
    names, block = onehot_reference(FRAME["count"])
    assert ds.feature_names == [*names, "height"]
    np.testing.assert_array_equal(ds.data[:, : len(names)], block)


def test_category_dtype_keeps_its_declared_order():
    frame = FRAME.assign(size=pd.Categorical(["S", "L", "M", "S", "L"], categories=["S", "M", "L"]))
    ds = CSVDataset.from_dataframe(frame, target_columns="size", feature_columns=["height"])
    assert ds.classes == ["S", "M", "L"]
    np.testing.assert_array_equal(ds.targets, frame["size"].cat.codes.to_numpy())


def test_from_dataframe_equals_reading_the_file(csv_path):
    read = CSVDataset(csv_path, target_columns="species")
    built = CSVDataset.from_dataframe(FRAME, target_columns="species")
    np.testing.assert_array_equal(read.data, built.data)
    np.testing.assert_array_equal(read.targets, built.targets)
    assert read.feature_names == built.feature_names


def test_read_csv_kwargs_are_passed_on(tmp_path):
    path = tmp_path / "semicolons.csv"
    FRAME.to_csv(path, index=False, sep=";")
    ds = CSVDataset(path, target_columns="price", sep=";", usecols=["height", "price"])
    np.testing.assert_array_equal(ds.data[:, 0], FRAME["height"].to_numpy(np.float32))


def test_transforms_apply_to_features_and_target(csv_path):
    ds = CSVDataset(
        csv_path,
        target_columns="price",
        feature_columns=["height"],
        transform=lambda x: x * 2,
        target_transform=lambda y: -y,
    )
    features, target = ds[0]
    assert features.tolist() == [3.0] and target == np.float32(-10.5)
    assert [t for _, t in ds.__getitems__([0, 2])] == [np.float32(-10.5), np.float32(-7.25)]


@pytest.mark.parametrize(
    "kwargs, error, pattern",
    [
        ({"target_columns": "weight"}, KeyError, r"unknown target column 'weight'.*'height'"),
        ({"feature_columns": ["height", "age"]}, KeyError, r"unknown feature column 'age'"),
        ({"categorical_columns": ["kind"]}, KeyError, r"unknown categorical column 'kind'"),
        ({"categorical_encoding": "binary"}, ValueError, r"'onehot' or 'ordinal'.*'binary'"),
        (
            {"target_columns": "price", "feature_columns": ["price", "height"]},
            ValueError,
            "both a feature and a target",
        ),
        ({"categorical_columns": ["count"]}, TypeError, r"column 'color'.*categorical_columns"),
    ],
)
def test_errors(csv_path, kwargs, error, pattern):
    with pytest.raises(error, match=pattern):
        CSVDataset(csv_path, **kwargs)


def test_missing_values_name_the_columns():
    frame = FRAME.copy()
    frame.loc[1, "height"] = np.nan
    frame.loc[[0, 2], "species"] = None
    with pytest.raises(ValueError, match=r"missing values.*'height': 1.*'species': 2"):
        CSVDataset.from_dataframe(frame, target_columns="species")
    ds = CSVDataset.from_dataframe(frame, target_columns="price", feature_columns=["count"])
    assert len(ds) == len(frame)  # missing values in unused columns do not matter


def test_missing_pandas_names_the_pip_command(csv_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(ImportError, match="CSVDataset needs pandas: pip install pandas"):
        CSVDataset(csv_path)
