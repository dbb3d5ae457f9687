"""JSONDataset: JSON documents and JSON Lines against pandas/json read directly, errors."""

from __future__ import annotations

import json
import sys

import numpy as np
import pandas as pd
import pytest

from neurarust.data.datasets import JSONDataset

RECORDS = [
    {"text": "a fine film", "tokens": [1, 2], "length": 3, "score": 0.5, "label": "pos"},
    {"text": "dull", "tokens": [4], "length": 1, "score": -1.25, "label": "neg"},
    {"text": "loved it", "tokens": [5, 6, 7], "length": 2, "score": 2.0, "label": "pos"},
    {"text": "meh", "tokens": [], "length": 1, "score": 0.0, "label": "mixed"},
]


def write_lines(path, records):
    path.write_text("".join(json.dumps(record) + "\n" for record in records))
    return path


# (file name, document to write or None for JSON Lines, records_path)
LAYOUTS = [
    ("reviews.jsonl", None, None),
    ("reviews.ndjson", None, None),
    ("reviews.json", RECORDS, None),
    ("reviews.json", {"meta": 1, "data": RECORDS}, "data"),
    ("reviews.json", {"a": {"b": RECORDS}}, ["a", "b"]),
]


@pytest.fixture(params=LAYOUTS, ids=["jsonl", "ndjson", "list", "key", "nested-keys"])
def layout(request, tmp_path):
    name, document, records_path = request.param
    path = tmp_path / name
    if document is None:
        write_lines(path, RECORDS)
    else:
        path.write_text(json.dumps(document))
    return path, records_path


def test_numeric_features_and_string_target_in_every_layout(layout):
    path, records_path = layout
    ds = JSONDataset(
        path, feature_keys=["length", "score"], target_key="label", records_path=records_path
    )
    frame = pd.DataFrame(RECORDS)
    np.testing.assert_array_equal(ds.data, frame[["length", "score"]].to_numpy(np.float32))
    classes, codes = np.unique(frame["label"].to_numpy(str), return_inverse=True)
    assert ds.classes == classes.tolist() == ["mixed", "neg", "pos"]
    np.testing.assert_array_equal(ds.targets, codes)
    assert ds.targets.dtype == np.int64
    features, target = ds[1]
    assert features.tolist() == [1.0, -1.25] and target == codes[1]


def test_values_equal_pandas_read_json(tmp_path):
    path = write_lines(tmp_path / "r.jsonl", RECORDS)
    ds = JSONDataset(path, feature_keys=["tokens", "length"], target_key="score")
    read = pd.read_json(path, lines=True)
    assert [features["tokens"] for features in ds.data] == read["tokens"].tolist()
    assert [features["length"] for features in ds.data] == read["length"].tolist()
    np.testing.assert_array_equal(ds.targets, read["score"].to_numpy(np.float32))


@pytest.mark.parametrize(
    "feature_keys, expected",
    [
        ("text", [r["text"] for r in RECORDS]),
        ("tokens", [r["tokens"] for r in RECORDS]),
        (["text", "score"], [{"text": r["text"], "score": r["score"]} for r in RECORDS]),
    ],
)
def test_text_and_nested_values_pass_through(tmp_path, feature_keys, expected):
    ds = JSONDataset(write_lines(tmp_path / "r.jsonl", RECORDS), feature_keys, "label")
    assert [ds[i][0] for i in range(len(ds))] == expected


def test_one_numeric_key_gives_scalars(tmp_path):
    ds = JSONDataset(write_lines(tmp_path / "r.jsonl", RECORDS), feature_keys="score")
    assert ds.data.shape == (len(RECORDS),) and ds.data.dtype == np.float32
    assert ds[1] == np.float32(-1.25)


def test_default_features_are_every_other_key_in_record_order(tmp_path):
    ds = JSONDataset(write_lines(tmp_path / "r.jsonl", RECORDS), target_key="label")
    assert ds.feature_names == ["text", "tokens", "length", "score"]
    assert ds[0][0] == {key: RECORDS[0][key] for key in ds.feature_names}


def test_lines_flag_overrides_the_suffix(tmp_path):
    path = write_lines(tmp_path / "records.txt", RECORDS)
    ds = JSONDataset(path, feature_keys="text", lines=True)
    assert ds[3] == "meh" and len(ds) == len(RECORDS)


def test_transforms_and_target_dtype(tmp_path):
    ds = JSONDataset(
        write_lines(tmp_path / "r.jsonl", RECORDS),
        feature_keys="text",
        target_key="length",
        transform=str.upper,
        target_transform=lambda y: y + 1,
        target_dtype=np.int64,
    )
    assert ds[2] == ("LOVED IT", 3)
    assert ds.targets.dtype == np.int64 and ds.classes is None


@pytest.mark.parametrize(
    "content, kwargs, error, pattern",
    [
        ('{"a": 1}\n{"a": \n', {}, ValueError, r"line 2 of .* is not valid JSON"),
        ('{"a": 1}\n[1, 2]\n', {}, TypeError, r"record 1 of .* should be a JSON object.*list"),
        ('{"a": 1}\n{"b": 2}\n', {}, ValueError, r"missing values.*'a': 1.*'b': 1"),
        ("\n\n", {}, ValueError, "no records"),
        ('{"a": 1}\n', {"target_key": "y"}, KeyError, r"unknown target column 'y'.*\['a'\]"),
        ('{"a": 1}\n', {"records_path": "data"}, ValueError, "not JSON Lines"),
    ],
)
def test_json_lines_errors(tmp_path, content, kwargs, error, pattern):
    path = tmp_path / "bad.jsonl"
    path.write_text(content)
    with pytest.raises(error, match=pattern):
        JSONDataset(path, **kwargs)


@pytest.mark.parametrize(
    "document, records_path, error, pattern",
    [
        ({"data": RECORDS}, None, ValueError, r"list of records.*keys \['data'\].*records_path"),
        ({"data": RECORDS}, "rows", KeyError, r"key 'rows' not found.*\['data'\]"),
        ({"data": {"x": 1}}, "data", ValueError, r"list of records.*dict"),
        (RECORDS, "data", KeyError, r"key 'data' not found.*list"),
    ],
)
def test_document_errors(tmp_path, document, records_path, error, pattern):
    path = tmp_path / "doc.json"
    path.write_text(json.dumps(document))
    with pytest.raises(error, match=pattern):
        JSONDataset(path, records_path=records_path)


def test_missing_pandas_names_the_pip_command(tmp_path, monkeypatch):
    path = write_lines(tmp_path / "r.jsonl", RECORDS)
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(ImportError, match="JSONDataset needs pandas: pip install pandas"):
        JSONDataset(path)
