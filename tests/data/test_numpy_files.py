"""NumpyDataset: .npy (memory-mapped) and .npz files against NumPy and torch's TensorDataset."""

from __future__ import annotations

import numpy as np
import pytest

from neurarust.data.datasets import NumpyDataset

RNG = np.random.default_rng(0)
X = RNG.standard_normal((6, 3)).astype(np.float32)
Y = RNG.integers(0, 4, 6)
W = RNG.random(6)


@pytest.fixture
def npz_path(tmp_path):
    path = tmp_path / "arrays.npz"
    np.savez(path, x=X, y=Y, w=W)
    return path


def test_npy_items_are_rows(tmp_path):
    path = tmp_path / "x.npy"
    np.save(path, X)
    ds = NumpyDataset(path)
    assert len(ds) == len(X) and ds.keys is None
    for i in range(len(X)):
        np.testing.assert_array_equal(ds[i], X[i])


@pytest.mark.parametrize("mmap_mode, sees_changes", [("r", True), ("c", True), (None, False)])
def test_npy_memory_mapping_reads_rows_from_disk(tmp_path, mmap_mode, sees_changes):
    path = tmp_path / "x.npy"
    np.save(path, X)
    ds = NumpyDataset(path, mmap_mode=mmap_mode)
    on_disk = np.load(path, mmap_mode="r+")
    on_disk[2] = 42.0
    on_disk.flush()
    expected = np.full(3, 42.0, np.float32) if sees_changes else X[2]
    np.testing.assert_array_equal(ds[2], expected)


@pytest.mark.parametrize(
    "keys, expected_keys, expected",
    [
        (None, ["x", "y", "w"], (X, Y, W)),
        (["w", "x"], ["w", "x"], (W, X)),
        (("y",), ["y"], Y),
        ("x", ["x"], X),
    ],
)
def test_npz_keys_select_arrays_in_order(npz_path, keys, expected_keys, expected):
    ds = NumpyDataset(npz_path, keys=keys)
    assert ds.keys == expected_keys
    for i in (0, 5, -1):
        item = ds[i]
        if isinstance(expected, tuple):
            assert isinstance(item, tuple) and len(item) == len(expected)
            for got, array in zip(item, expected):
                np.testing.assert_array_equal(got, array[i])
        else:
            np.testing.assert_array_equal(item, expected[i])


def test_items_match_torch_tensor_dataset(npz_path):
    torch = pytest.importorskip("torch")
    ours = NumpyDataset(npz_path, keys=["x", "y"])
    theirs = torch.utils.data.TensorDataset(torch.from_numpy(X), torch.from_numpy(Y))
    assert len(ours) == len(theirs)
    for (x, y), (tx, ty) in zip((ours[i] for i in range(len(ours))), theirs):
        np.testing.assert_array_equal(x, tx.numpy())
        assert int(y) == int(ty)


def test_transforms_apply_to_first_and_second_arrays(npz_path):
    ds = NumpyDataset(npz_path, keys=["x", "y"], transform=np.sum, target_transform=str)
    x, y = ds[4]
    assert x == pytest.approx(float(X[4].sum())) and y == str(Y[4])


@pytest.mark.parametrize(
    "arrays, keys, error, pattern",
    [
        ({"x": X, "y": Y}, ["x", "z"], KeyError, r"no array named 'z'.*available: \['x', 'y'\]"),
        ({"x": X, "y": Y[:4]}, None, ValueError, r"same number of rows.*'x': 6, 'y': 4"),
        ({"x": X, "s": np.float32(1.0)}, None, ValueError, r"array 's' .* is 0-d"),
    ],
)
def test_npz_errors(tmp_path, arrays, keys, error, pattern):
    path = tmp_path / "bad.npz"
    np.savez(path, **arrays)
    with pytest.raises(error, match=pattern):
        NumpyDataset(path, keys=keys)


def test_keys_on_npy_is_an_error(tmp_path):
    path = tmp_path / "x.npy"
    np.save(path, X)
    with pytest.raises(ValueError, match=r"holds a single array \(got keys='x'\)"):
        NumpyDataset(path, keys="x")


def test_object_arrays_are_refused(tmp_path):
    path = tmp_path / "objects.npy"
    np.save(path, np.array([{"a": 1}, None], dtype=object), allow_pickle=True)
    with pytest.raises(ValueError, match="allow_pickle"):
        NumpyDataset(path, mmap_mode=None)
