"""Every reader's items batch through our DataLoader as through torch's (same collated batches)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from PIL import Image

import neurarust as nr
from neurarust.data import DataLoader
from neurarust.data.datasets import CSVDataset, ImageFolder, JSONDataset, NumpyDataset

RNG = np.random.default_rng(7)
N = 10


def make_csv(tmp_path):
    frame = pd.DataFrame(
        {"x": RNG.random(N), "kind": RNG.choice(["a", "b", "c"], N), "y": RNG.random(N)}
    )
    frame.to_csv(tmp_path / "t.csv", index=False)
    return CSVDataset(tmp_path / "t.csv", target_columns="kind")


def make_json(tmp_path):
    lines = [json.dumps({"text": f"review {i}", "label": ["neg", "pos"][i % 2]}) for i in range(N)]
    (tmp_path / "r.jsonl").write_text("\n".join(lines))
    return JSONDataset(tmp_path / "r.jsonl", feature_keys="text", target_key="label")


def make_npz(tmp_path):
    np.savez(tmp_path / "a.npz", x=RNG.standard_normal((N, 2, 3)), y=RNG.integers(0, 5, N))
    return NumpyDataset(tmp_path / "a.npz")


def make_npy(tmp_path):
    np.save(tmp_path / "a.npy", RNG.random((N, 4)).astype(np.float32))
    return NumpyDataset(tmp_path / "a.npy")


def make_images(tmp_path):
    for i in range(N):
        path = tmp_path / ["cat", "dog"][i % 2] / f"{i}.png"
        path.parent.mkdir(exist_ok=True)
        Image.fromarray(RNG.integers(0, 256, (4, 5), dtype=np.uint8)).save(path)
    return ImageFolder(tmp_path, transform=np.array)


def as_numpy(value):
    """Batches of both libraries as nested lists of NumPy arrays and Python values."""
    if isinstance(value, (list, tuple)):
        return [as_numpy(v) for v in value]
    if isinstance(value, nr.Tensor):
        return value.numpy()
    if hasattr(value, "numpy"):  # a torch tensor
        return value.numpy()
    return value


def assert_same(ours, theirs):
    if isinstance(ours, list):
        assert isinstance(theirs, list) and len(ours) == len(theirs)
        for a, b in zip(ours, theirs):
            assert_same(a, b)
    elif isinstance(ours, np.ndarray):
        assert ours.dtype == theirs.dtype
        np.testing.assert_array_equal(ours, theirs)
    else:
        assert ours == theirs


@pytest.mark.parametrize("make", [make_csv, make_json, make_npz, make_npy, make_images])
@pytest.mark.parametrize("num_workers", [0, 2])
def test_batches_equal_torch_dataloader(tmp_path, make, num_workers):
    torch = pytest.importorskip("torch")
    dataset = make(tmp_path)
    ours = DataLoader(dataset, batch_size=4, num_workers=num_workers)
    theirs = torch.utils.data.DataLoader(dataset, batch_size=4)
    batches = [as_numpy(batch) for batch in ours]
    assert len(batches) == len(theirs) == 3
    for batch, reference in zip(batches, theirs):
        assert_same(batch, as_numpy(reference))
