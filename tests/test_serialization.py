"""save/load: neurarust's format, PyTorch checkpoints (read without torch), safetensors.

Round trips of every dtype and layout and of nested containers; PyTorch
checkpoints written by torch.save compared with torch.load; malicious pickles
refused without running; truncated, tampered and newer-version files refused
with clear errors; atomic writes.
"""

import argparse
import dataclasses
import io
import json
import math
import os
import pickle
import struct
import zipfile
from collections import OrderedDict

import numpy as np
import pytest

import neurarust as nr
from neurarust import serialization
from neurarust.serialization import (
    SerializationError,
    UnsafeGlobalError,
    load_safetensors,
    save_safetensors,
)

from .conftest import torch

needs_torch = pytest.mark.skipif(torch is None, reason="needs PyTorch to write checkpoints")
gpu = pytest.mark.skipif(not nr.cuda.is_available(), reason="needs a CUDA GPU and CuPy")

DTYPES = ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "float32", "float64"]


def sample(dtype: str, shape: tuple[int, ...], seed: int = 0) -> np.ndarray:
    values = np.random.default_rng(seed).standard_normal(shape) * 50
    return np.asarray(values > 0 if dtype == "bool" else values.astype(dtype))


# Layouts: (shape of the array made, how to view it).
LAYOUTS = {
    "contiguous": ((2, 3), lambda a: a),
    "0-d": ((), lambda a: a),
    "empty": ((2, 0, 3), lambda a: a),
    "transposed": ((3, 4), lambda a: a.T),
    "sliced": ((4, 6), lambda a: a[1:, ::2]),
}


def round_trip(obj, **load_kwargs):
    buffer = io.BytesIO()
    nr.save(obj, buffer)
    buffer.seek(0)
    return nr.load(buffer, **load_kwargs)


def assert_same(ours, expected):
    """Same structure (container types, key order), values, and tensor dtypes and kinds."""
    if isinstance(expected, nr.Tensor):
        assert type(ours) is type(expected)
        assert ours.dtype is expected.dtype and ours.shape == expected.shape
        assert ours.requires_grad == expected.requires_grad
        np.testing.assert_array_equal(ours.detach().numpy(), expected.detach().numpy())
        return
    assert type(ours) is type(expected)
    if isinstance(expected, dict):
        assert list(ours) == list(expected)
        assert getattr(ours, "_metadata", None) == getattr(expected, "_metadata", None)
        for key in expected:
            assert_same(ours[key], expected[key])
    elif isinstance(expected, (list, tuple)):
        assert len(ours) == len(expected)
        for a, b in zip(ours, expected):
            assert_same(a, b)
    elif isinstance(expected, float) and math.isnan(expected):
        assert math.isnan(ours)
    else:
        assert ours == expected


# -- neurarust's format: round trips --------------------------------------------------------


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("dtype", DTYPES)
def test_tensor_round_trip(dtype, layout):
    shape, view = LAYOUTS[layout]
    t = nr.from_numpy(view(sample(dtype, shape)))
    loaded = round_trip(t)
    assert_same(loaded, t)
    assert loaded.is_contiguous()  # saved as a contiguous copy


def nested_object():
    ordered = OrderedDict([("z", 1), ("a", 2), ("m", 3)])  # not sorted: order must survive
    return {
        "tensors": [nr.arange(5), (nr.ones(2, 2, dtype=nr.float64),)],
        "scalars": [None, True, False, 0, -(2**70), 1.5, -0.0, math.inf, -math.inf, math.nan],
        "text": ["", "héllo ✓", b"\x00\xffbytes"],
        "ordered": ordered,
        3: {(1, "a"): "tuple key", 2.5: "float key", None: "none key"},
        "meta": [nr.Size([2, 3]), nr.float16, nr.device("cpu")],
        "empty": [[], (), {}, OrderedDict()],
    }


def test_nested_containers_round_trip():
    obj = nested_object()
    assert_same(round_trip(obj), obj)


def test_state_dict_round_trip_keeps_metadata_and_loads_into_a_module():
    model = nr.nn.Sequential(nr.nn.Linear(3, 4), nr.nn.Linear(4, 2))
    state = model.state_dict()
    loaded = round_trip(state)
    assert_same(loaded, state)
    assert loaded._metadata == state._metadata
    fresh = nr.nn.Sequential(nr.nn.Linear(3, 4), nr.nn.Linear(4, 2))
    fresh.load_state_dict(loaded)
    for a, b in zip(fresh.parameters(), model.parameters()):
        np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy())


def test_tensor_identity_kept_but_views_become_copies():
    base = nr.arange(6.0)
    loaded = round_trip({"a": base, "again": base, "view": base[2:4]})
    assert loaded["a"] is loaded["again"]
    loaded["a"][2] = 100.0
    assert loaded["view"][0].item() == 2.0  # views are saved as independent copies


def test_parameters_and_requires_grad_kept():
    weight = nr.nn.Parameter(nr.ones(2, 3))
    frozen = nr.nn.Parameter(nr.zeros(2), requires_grad=False)
    leaf = nr.ones(3, requires_grad=True)
    loaded = round_trip([weight, frozen, leaf, leaf * 2])
    assert_same(loaded[:3], [weight, frozen, leaf])
    assert loaded[3].requires_grad and loaded[3].grad_fn is None  # a saved result is a leaf


def test_paths_are_accepted_and_files_are_deterministic(tmp_path):
    obj = {"w": nr.ones(2, 2), "n": 3}
    nr.save(obj, str(tmp_path / "a.nr"))
    nr.save(obj, tmp_path / "b.nr")
    assert (tmp_path / "a.nr").read_bytes() == (tmp_path / "b.nr").read_bytes()
    assert_same(nr.load(tmp_path / "a.nr"), obj)
    assert_same(nr.load(str(tmp_path / "b.nr")), obj)


def test_archive_follows_the_documented_layout(tmp_path):
    path = tmp_path / "t.nr"
    nr.save({"x": nr.tensor([[1, 2], [3, 4]], dtype=nr.int16).T}, path)
    with zipfile.ZipFile(path) as archive:
        assert json.loads(archive.read("neurarust_format.json")) == {
            "format": "neurarust",
            "version": serialization.FORMAT_VERSION,
        }
        data = json.loads(archive.read("data.json"))
        assert data["tensors"] == [
            {
                "dtype": "int16",
                "shape": [2, 2],
                "device": "cpu",
                "requires_grad": False,
                "parameter": False,
            }
        ]
        key = {"type": "str", "value": "x"}
        assert data["root"] == {"type": "dict", "items": [[key, {"type": "tensor", "index": 0}]]}
        assert archive.read("tensors/0.bin") == struct.pack("<4h", 1, 3, 2, 4)
        assert {i.compress_type for i in archive.infolist()} == {zipfile.ZIP_STORED}


# -- objects outside the native types: pickled, loaded only on request -----------------------


@dataclasses.dataclass
class Point:
    x: float
    weights: nr.Tensor


def test_other_objects_need_weights_only_false_or_an_allow_list():
    obj = {"point": Point(1.5, nr.arange(3.0)), "plain": nr.ones(1)}
    with pytest.raises(
        UnsafeGlobalError, match=r"Unsupported global: GLOBAL .*Point.*safe_globals"
    ):
        round_trip(obj)
    for loaded in (
        round_trip(obj, weights_only=False),
        _with_allow_list([Point], lambda: round_trip(obj)),
    ):
        assert loaded["point"].x == 1.5
        assert_same(loaded["point"].weights, obj["point"].weights)


def _with_allow_list(allowed, fn):
    with serialization.safe_globals(allowed):
        assert serialization.get_safe_globals() == allowed
        return fn()


def test_allow_list_functions():
    serialization.add_safe_globals([Point, (argparse.Namespace, "somewhere.Namespace")])
    try:
        assert serialization.get_safe_globals() == [
            Point,
            (argparse.Namespace, "somewhere.Namespace"),
        ]
        with serialization.safe_globals([argparse.Namespace]):
            assert len(serialization.get_safe_globals()) == 3
        assert len(serialization.get_safe_globals()) == 2
    finally:
        serialization.clear_safe_globals()
    assert serialization.get_safe_globals() == []
    with pytest.raises(TypeError, match="add_safe_globals"):
        serialization.add_safe_globals([3])


def test_whole_module_saves_like_torch_save():
    model = nr.nn.Sequential(nr.nn.Linear(3, 4), nr.nn.Linear(4, 1))
    with pytest.raises(UnsafeGlobalError, match="Sequential"):
        round_trip(model)
    for loaded in (
        round_trip(model, weights_only=False),
        _with_allow_list([nr.nn.Sequential, nr.nn.Linear], lambda: round_trip(model)),
    ):
        assert isinstance(loaded[0], nr.nn.Linear)
        assert_same(loaded.state_dict(), model.state_dict())
        assert type(loaded[0].weight) is nr.nn.Parameter


@pytest.mark.parametrize(
    "obj, error, match",
    [
        (lambda: [1, 2], TypeError, r"save: cannot save the function at root\[0\]"),
        ("cycle", ValueError, r"root\['self'\] contains itself"),
    ],
)
def test_save_errors(obj, error, match):
    if obj == "cycle":
        obj = {}
        obj["self"] = obj
    else:
        obj = [obj]
    with pytest.raises(error, match=match):
        nr.save(obj, io.BytesIO())


# -- atomic writes -------------------------------------------------------------------------


def test_a_failed_save_leaves_the_previous_file_intact(tmp_path, monkeypatch):
    path = tmp_path / "model.nr"
    nr.save({"a": nr.ones(3), "b": nr.ones(2)}, path)
    before = path.read_bytes()
    write_tensor = serialization._write_tensor
    calls = []

    def crash_on_second_tensor(archive, name, t):
        calls.append(name)
        if len(calls) == 2:
            raise OSError("disk full")
        write_tensor(archive, name, t)

    monkeypatch.setattr(serialization, "_write_tensor", crash_on_second_tensor)
    with pytest.raises(OSError, match="disk full"):
        nr.save({"a": nr.zeros(3), "b": nr.zeros(2)}, path)
    assert len(calls) == 2  # it failed midway
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["model.nr"]  # no temporary file left behind
    assert_same(nr.load(path), {"a": nr.ones(3), "b": nr.ones(2)})


# -- damaged files -------------------------------------------------------------------------


def rewrite_entry(path, name, change):
    """Replace entry ``name`` of the ZIP archive at ``path`` by ``change(its bytes)``."""
    with zipfile.ZipFile(path) as archive:
        entries = {info.filename: archive.read(info) for info in archive.infolist()}
    entries[name] = change(entries[name])
    with zipfile.ZipFile(path, "w") as archive:
        for entry, content in entries.items():
            if content is not None:
                archive.writestr(entry, content)


def edit_json(edit):
    def change(content):
        data = json.loads(content)
        edit(data)
        return json.dumps(data).encode()

    return change


def set_first_tensor(**fields):
    return edit_json(lambda data: data["tensors"][0].update(fields))


def set_root(node):
    return edit_json(lambda data: data.update(root=node))


def remove(_):
    return None


DAMAGES = [
    ("data.json", lambda _: b"{not json", "'data.json' is not valid JSON"),
    (
        "data.json",
        set_first_tensor(shape=[3, 3]),
        "holds 24 bytes, but its dtype and shape need 36",
    ),
    ("data.json", set_first_tensor(shape=[-2, -3]), r"shape: expected a list of integers >= 0"),
    ("data.json", set_first_tensor(dtype="complex64"), "unknown dtype 'complex64'"),
    ("data.json", set_first_tensor(dtype="int32", requires_grad=True), "cannot require grad"),
    ("data.json", set_first_tensor(parameter=1), "'parameter' should be a boolean"),
    ("data.json", edit_json(lambda d: d.pop("tensors")), "data.json: missing 'tensors'"),
    ("data.json", set_root({"type": "tensor", "index": 5}), "there is no tensor 5"),
    ("data.json", set_root({"type": "module"}), "unknown node type 'module'"),
    ("data.json", set_root({"type": "int", "value": True}), "'value' should be an integer"),
    ("data.json", set_root({"type": "float", "value": "1e5"}), "should be a number"),
    ("data.json", set_root({"type": "bytes", "value": "!!"}), "invalid base64"),
    ("data.json", set_root({"type": "device", "value": "tpu"}), "device type"),
    ("data.json", set_root({"type": "pickle", "index": 0}), "no entry 'pickles/0.pkl'"),
    (
        "data.json",
        set_root({"type": "dict", "items": [[{"type": "list", "items": []}, {"type": "none"}]]}),
        "unhashable dict key",
    ),
    ("neurarust_format.json", lambda _: b'{"format": "neurarust", "version": 2}', "version 2"),
    ("neurarust_format.json", lambda _: b'{"format": "other", "version": 1}', "format is"),
    ("neurarust_format.json", lambda _: b'{"format": "neurarust"}', "missing 'version'"),
    ("tensors/0.bin", lambda content: content[:-4], "holds 20 bytes, but .* need 24"),
    ("tensors/0.bin", remove, "no entry 'tensors/0.bin'"),
]


@pytest.mark.parametrize("entry, change, match", DAMAGES)
def test_tampered_archives_give_clear_errors(tmp_path, entry, change, match):
    path = tmp_path / "t.nr"
    nr.save({"w": nr.ones(2, 3)}, path)
    rewrite_entry(path, entry, change)
    with pytest.raises(SerializationError, match=match):
        nr.load(path)


def test_newer_version_error_names_both_versions(tmp_path):
    path = tmp_path / "t.nr"
    nr.save(1, path)
    rewrite_entry(path, "neurarust_format.json", lambda _: b'{"format":"neurarust","version":7}')
    with pytest.raises(SerializationError, match=r"version 7, but this neurarust reads .* to 1"):
        nr.load(path)


@pytest.mark.parametrize(
    "damage, match",
    [
        (lambda b: b[: len(b) // 2], "truncated or corrupted"),
        (lambda b: b[:-10], "truncated or corrupted"),
        (lambda b: b[:40], "truncated or corrupted"),
        (lambda b: b"", "is empty"),
        (lambda b: b"hello world, not a checkpoint", "is not a neurarust, PyTorch or safetensors"),
        (lambda b: b.replace(b"\x00\x00\x80\x3f", b"\x00\x00\x80\x40"), "Bad CRC-32"),
    ],
)
def test_truncated_or_corrupted_bytes_give_clear_errors(tmp_path, damage, match):
    path = tmp_path / "t.nr"
    nr.save({"w": nr.ones(50), "step": 3}, path)
    path.write_bytes(damage(path.read_bytes()))
    with pytest.raises(SerializationError, match=match):
        nr.load(path)


# -- map_location -----------------------------------------------------------------------------


def saved_on(location: str) -> io.BytesIO:
    """A file holding ``[tensor([1., 2.])]`` recorded as saved on ``location``."""
    buffer = io.BytesIO()
    nr.save([nr.tensor([1.0, 2.0])], buffer)
    with zipfile.ZipFile(buffer) as archive:
        entries = {info.filename: archive.read(info) for info in archive.infolist()}
    data = json.loads(entries["data.json"])
    data["tensors"][0]["device"] = location
    entries["data.json"] = json.dumps(data).encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    out.seek(0)
    return out


@pytest.mark.parametrize(
    "map_location, expected",
    [
        ("cpu", [1.0, 2.0]),
        (nr.device("cpu"), [1.0, 2.0]),
        ({"cuda:3": "cpu"}, [1.0, 2.0]),
        (lambda t, location: t * 10 if location == "cuda:3" else None, [10.0, 20.0]),
    ],
)
def test_map_location_moves_gpu_tensors_to_the_cpu(map_location, expected):
    (loaded,) = nr.load(saved_on("cuda:3"), map_location=map_location)
    assert loaded.device == nr.device("cpu") and loaded.tolist() == expected


def test_map_location_callable_returning_none_keeps_the_saved_device():
    seen = []
    (loaded,) = nr.load(saved_on("cpu"), map_location=lambda t, loc: seen.append(loc))
    assert seen == ["cpu"] and loaded.tolist() == [1.0, 2.0]


@pytest.mark.parametrize(
    "location, map_location, error, match",
    [
        ("cuda:3", None, SerializationError, r"cuda:3.*map_location='cpu'"),
        ("mps", None, SerializationError, r"cannot restore tensors on 'mps'"),
        ("cpu", 3.5, TypeError, "map_location must be"),
        ("cpu", lambda t, loc: "cpu", TypeError, "map_location returned 'cpu'"),
    ],
)
def test_map_location_errors(location, map_location, error, match):
    if location.startswith("cuda") and nr.cuda.device_count() > 3:
        pytest.skip("this machine has the device")
    with pytest.raises(error, match=match):
        nr.load(saved_on(location), map_location=map_location)


@pytest.mark.gpu
@gpu
def test_map_location_to_the_gpu_and_back():
    state = {"w": nr.ones(2, 3), "b": nr.arange(3)}
    on_gpu = round_trip(state, map_location="cuda")
    assert all(t.device == nr.device("cuda") for t in on_gpu.values())
    back = round_trip(on_gpu)  # restored where it was saved: the GPU
    assert back["w"].device == nr.device("cuda")
    assert_same({k: t.cpu() for k, t in back.items()}, state)


# -- PyTorch checkpoints ----------------------------------------------------------------------


def torch_file(obj, **save_kwargs) -> io.BytesIO:
    buffer = io.BytesIO()
    torch.save(obj, buffer, **save_kwargs)
    buffer.seek(0)
    return buffer


def assert_same_as_torch(ours, theirs):
    """ours (loaded by neurarust) equals theirs (loaded by torch): values, dtypes, shapes,
    strides, container types and key order."""
    if isinstance(theirs, torch.Tensor):
        assert isinstance(ours, nr.Tensor)
        assert isinstance(ours, nr.nn.Parameter) == isinstance(theirs, torch.nn.Parameter)
        assert ours.requires_grad == theirs.requires_grad
        if theirs.dtype == torch.bfloat16:
            theirs = theirs.float()
        assert ours.dtype.name == str(theirs.dtype).removeprefix("torch.")
        assert tuple(ours.shape) == tuple(theirs.shape)
        if theirs.numel() > 1:
            assert ours.stride() == theirs.stride()
        np.testing.assert_array_equal(ours.detach().numpy(), theirs.detach().numpy())
    elif isinstance(theirs, torch.Size):
        assert type(ours) is nr.Size and ours == tuple(theirs)
    elif isinstance(theirs, (torch.dtype, torch.device)):
        assert str(ours).removeprefix("neurarust.") == str(theirs).removeprefix("torch.")
    elif isinstance(theirs, dict):
        assert type(ours) is type(theirs) and list(ours) == list(theirs)
        assert getattr(ours, "_metadata", None) == getattr(theirs, "_metadata", None)
        for key in theirs:
            assert_same_as_torch(ours[key], theirs[key])
    elif isinstance(theirs, (list, tuple)):
        assert type(ours) is type(theirs) and len(ours) == len(theirs)
        for a, b in zip(ours, theirs):
            assert_same_as_torch(a, b)
    else:
        assert_same(ours, theirs)


TORCH_MODULES = {
    "linear": lambda: torch.nn.Linear(4, 3),
    "conv2d": lambda: torch.nn.Conv2d(2, 4, 3, bias=False),
    "batchnorm": lambda: torch.nn.BatchNorm2d(3),
    "embedding": lambda: torch.nn.Embedding(10, 4, padding_idx=0),
    "lstm": lambda: torch.nn.LSTM(3, 5, num_layers=2),
    "layernorm": lambda: torch.nn.LayerNorm(6),
    "transformer": lambda: torch.nn.TransformerEncoderLayer(8, 2, dim_feedforward=16),
    "sequential": lambda: torch.nn.Sequential(
        torch.nn.Conv2d(1, 2, 3), torch.nn.BatchNorm2d(2), torch.nn.ReLU(), torch.nn.Flatten()
    ),
}


@needs_torch
@pytest.mark.parametrize("name", TORCH_MODULES)
def test_torch_state_dicts_load_as_torch_loads_them(name):
    torch.manual_seed(0)
    state = TORCH_MODULES[name]().state_dict()
    ours = nr.load(torch_file(state))
    theirs = torch.load(torch_file(state), weights_only=True)
    assert_same_as_torch(ours, theirs)
    assert ours._metadata == state._metadata


@needs_torch
def test_torch_state_dict_loads_into_a_neurarust_module(tmp_path):
    torch.save(torch.nn.Linear(4, 3).state_dict(), tmp_path / "linear.pth")
    model = nr.nn.Linear(4, 3)
    model.load_state_dict(nr.load(tmp_path / "linear.pth"))
    x = np.ones((2, 4), dtype=np.float32)
    expected = torch.load(tmp_path / "linear.pth")["weight"].numpy() @ x.T
    bias = torch.load(tmp_path / "linear.pth")["bias"].numpy()
    np.testing.assert_allclose(model(nr.from_numpy(x)).detach().numpy(), (expected.T + bias))


TORCH_DTYPES = [getattr(torch, name) for name in DTYPES] + [torch.bfloat16] if torch else []


@needs_torch
def test_torch_tensors_of_every_dtype_and_layout():
    base = torch.arange(24.0).reshape(4, 6)
    obj = {
        "dtypes": [(base * 3.3 - 20).to(d) for d in TORCH_DTYPES],
        "0-d": torch.tensor(2.5),
        "empty": torch.empty(0, 3),
        "transposed": base.t(),
        "sliced": base[1:, ::2],
        "offset": base[2],
        "expanded": torch.arange(3.0).expand(4, 3),
        "parameter": torch.nn.Parameter(torch.ones(2)),
        "frozen": torch.nn.Parameter(torch.ones(2), requires_grad=False),
        "requires_grad": torch.ones(2, requires_grad=True),
    }
    assert_same_as_torch(nr.load(torch_file(obj)), torch.load(torch_file(obj)))


@needs_torch
def test_torch_tensors_sharing_a_storage_still_share_memory():
    base = torch.arange(10.0)
    ours = nr.load(torch_file({"base": base, "view": base[2:5], "grid": base.view(2, 5).t()}))
    ours["base"][3] = 100.0
    assert ours["view"][1].item() == 100.0 and ours["grid"][3, 0].item() == 100.0


@needs_torch
def test_torch_nested_containers_and_optimizer_state():
    adam_state = {  # torch.optim.Adam's state_dict() after a step (its import is slow)
        "state": {0: {"step": torch.tensor(1.0), "exp_avg": torch.ones(3) / 10}},
        "param_groups": [{"lr": 0.1, "betas": (0.9, 0.999), "eps": 1e-08, "params": [0]}],
    }
    obj = {
        "optimizer": adam_state,
        "epoch": 7,
        "scalars": [None, True, 1.5, math.nan, -(2**70), "text", b"\x00\xff", ("a", 1)],
        "meta": [torch.Size([2, 3]), torch.float16, torch.device("cpu")],
        "ordered": OrderedDict([("z", torch.zeros(1)), ("a", [torch.ones(2)])]),
        3: {"int key": torch.tensor([True, False])},
    }
    assert_same_as_torch(nr.load(torch_file(obj)), torch.load(torch_file(obj)))


@needs_torch
@pytest.mark.parametrize(
    "obj, match",
    [
        (
            lambda: torch.ones(2, dtype=torch.complex64),
            r"torch.ComplexFloatStorage.*cannot rebuild",
        ),
        (lambda: torch.ones(2, dtype=torch.uint16), r"torch.uint16.*cannot rebuild"),
        (lambda: torch.nn.Linear(2, 2), r"torch.nn.modules.linear.Linear.*state_dict"),
        (lambda: torch.ones(3).to_sparse(), r"torch._utils._rebuild_sparse_tensor"),
    ],
)
@pytest.mark.parametrize("weights_only", [True, False])
def test_torch_objects_neurarust_cannot_rebuild(obj, match, weights_only):
    with pytest.raises(SerializationError, match=match):
        nr.load(torch_file(obj()), weights_only=weights_only)


@needs_torch
@pytest.mark.filterwarnings("ignore:`torch.jit")
def test_torchscript_and_legacy_checkpoints_are_refused():
    scripted = io.BytesIO()
    torch.jit.save(torch.jit.script(torch.nn.Linear(2, 2)), scripted)
    scripted.seek(0)
    with pytest.raises(SerializationError, match="TorchScript"):
        nr.load(scripted)
    legacy = torch_file({"w": torch.ones(2)}, _use_new_zipfile_serialization=False)
    with pytest.raises(SerializationError, match="legacy format"):
        nr.load(legacy)


@needs_torch
def test_big_endian_torch_checkpoints(tmp_path):
    state = {"w": torch.arange(6.0).view(2, 3), "n": torch.tensor([1, -2], dtype=torch.int16)}
    path = tmp_path / "model.pt"
    torch.save(state, path)
    rewrite_entry(path, "model/byteorder", lambda _: b"big")
    for key, t in enumerate(state.values()):
        swapped = t.numpy().byteswap().tobytes()
        rewrite_entry(path, f"model/data/{key}", lambda _, swapped=swapped: swapped)
    assert_same_as_torch(nr.load(path), state)


@needs_torch
def test_torch_checkpoint_with_other_objects_needs_an_opt_in():
    config = argparse.Namespace(lr=0.1, layers=[3, 4])
    path = torch_file({"args": config, "w": torch.ones(2)})
    with pytest.raises(UnsafeGlobalError, match="GLOBAL argparse.Namespace"):
        nr.load(path)
    for loaded in (
        nr.load(torch_file({"args": config}), weights_only=False),
        _with_allow_list([argparse.Namespace], lambda: nr.load(torch_file({"args": config}))),
    ):
        assert loaded["args"] == config


class RunsCode:
    """Unpickling this runs a shell command creating the file ``marker``."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


class RunsEval:
    def __reduce__(self):
        return (eval, ("__import__('os').system('touch evil-marker')",))


def malicious_pickles(marker):
    payload = RunsCode(marker)
    return {
        "protocol 2": pickle.dumps({"w": payload}, protocol=2),
        "protocol 0": pickle.dumps([payload], protocol=0),
        "protocol 5": pickle.dumps(OrderedDict(x=payload), protocol=5),
        "eval": pickle.dumps(RunsEval(), protocol=2),
    }


@needs_torch
@pytest.mark.parametrize("kind", ["protocol 2", "protocol 0", "protocol 5", "eval"])
def test_malicious_pickle_in_a_torch_checkpoint_is_refused(tmp_path, monkeypatch, kind):
    monkeypatch.chdir(tmp_path)
    marker = tmp_path / "pwned"
    path = tmp_path / "model.pt"
    torch.save({"w": torch.ones(2)}, path)
    rewrite_entry(path, "model/data.pkl", lambda _: malicious_pickles(marker)[kind])
    with pytest.raises(
        UnsafeGlobalError, match=r"Unsupported global: GLOBAL (posix.system|builtins.eval)"
    ):
        nr.load(path)
    assert not marker.exists() and not (tmp_path / "evil-marker").exists()


def test_malicious_pickle_in_a_neurarust_file_is_refused(tmp_path):
    marker = tmp_path / "pwned"
    path = tmp_path / "model.nr"
    nr.save(Point(1.0, nr.ones(1)), path)
    rewrite_entry(path, "pickles/0.pkl", lambda _: malicious_pickles(marker)["protocol 2"])
    with pytest.raises(UnsafeGlobalError, match="GLOBAL posix.system"):
        nr.load(path)
    assert not marker.exists()


@needs_torch
@pytest.mark.parametrize(
    "pickled, match",
    [
        (b"\x80\x02X\x01\x00\x00\x00aQ.", "invalid persistent id"),  # persistent id "a"
        (b"\x80\x02}q\x00(X", "data.pkl is not a valid pickle"),  # truncated
        (b"\x80\x02cbuiltins\nset\nq\x00.", "GLOBAL builtins.set"),
    ],
)
def test_malformed_torch_pickles_give_clear_errors(tmp_path, pickled, match):
    path = tmp_path / "model.pt"
    torch.save({"w": torch.ones(2)}, path)
    rewrite_entry(path, "model/data.pkl", lambda _: pickled)
    with pytest.raises(SerializationError, match=match):
        nr.load(path)


@needs_torch
@pytest.mark.parametrize(
    "change, match",
    [
        (lambda b: b[: len(b) // 2], "truncated or corrupted"),
        (lambda b: b.replace(b"\x00\x00\x80\x3f" * 4, b"\x00\x00\x80\x40" * 4), "Bad CRC-32"),
    ],
)
def test_damaged_torch_checkpoints_give_clear_errors(tmp_path, change, match):
    path = tmp_path / "model.pt"
    torch.save({"w": torch.ones(64)}, path)
    path.write_bytes(change(path.read_bytes()))
    with pytest.raises(SerializationError, match=match):
        nr.load(path)


@needs_torch
def test_torch_storage_entry_of_the_wrong_size(tmp_path):
    path = tmp_path / "model.pt"
    torch.save({"w": torch.ones(8)}, path)
    rewrite_entry(path, "model/data/0", lambda content: content[:-4])
    with pytest.raises(SerializationError, match="holds 28 bytes, but its dtype and shape need 32"):
        nr.load(path)


# -- safetensors --------------------------------------------------------------------------------


def safetensors_file(header: dict, data: bytes) -> io.BytesIO:
    text = json.dumps(header).encode()
    return io.BytesIO(struct.pack("<Q", len(text)) + text + data)


def test_safetensors_round_trip(tmp_path):
    tensors = {f"t_{d}": nr.from_numpy(sample(d, (2, 3))) for d in DTYPES}
    tensors |= {
        "0-d": nr.tensor(1.5),
        "empty": nr.zeros(0, 2),
        "strided": nr.arange(12).view(3, 4).T,
    }
    path = tmp_path / "model.safetensors"
    save_safetensors(tensors, path, metadata={"format": "pt"})
    for loaded in (load_safetensors(path), nr.load(path), nr.load(io.BytesIO(path.read_bytes()))):
        assert list(loaded) == list(tensors)
        for name, t in tensors.items():
            assert_same(loaded[name], t)
    header_size = struct.unpack("<Q", path.read_bytes()[:8])[0]
    assert header_size % 8 == 0


def test_safetensors_agree_with_the_reference_implementation(tmp_path):
    st = pytest.importorskip("safetensors.numpy")
    arrays = {d: sample(d, (3, 2)) for d in DTYPES}
    st.save_file(arrays, tmp_path / "theirs.safetensors", metadata={"k": "v"})
    ours = load_safetensors(tmp_path / "theirs.safetensors")
    for name, array in arrays.items():
        np.testing.assert_array_equal(ours[name].numpy(), array)
        assert ours[name].dtype.name == array.dtype.name
    save_safetensors(
        {k: nr.from_numpy(v) for k, v in arrays.items()}, tmp_path / "ours.safetensors"
    )
    theirs = st.load_file(tmp_path / "ours.safetensors")
    for name, array in arrays.items():
        np.testing.assert_array_equal(theirs[name], array)


@needs_torch
def test_safetensors_bfloat16_loads_as_float32(tmp_path):
    st = pytest.importorskip("safetensors.torch")
    values = torch.tensor([1.5, -2.25, 3e38, 1e-3]).to(torch.bfloat16)
    st.save_file({"x": values}, tmp_path / "bf16.safetensors")
    loaded = load_safetensors(tmp_path / "bf16.safetensors")["x"]
    assert loaded.dtype is nr.float32
    np.testing.assert_array_equal(loaded.numpy(), values.float().numpy())


def entry(dtype, shape, begin, end):
    return {"dtype": dtype, "shape": shape, "data_offsets": [begin, end]}


SAFETENSORS_DAMAGES = [
    ({"a": entry("F32", [2], 0, 8), "b": entry("F32", [2], 4, 12)}, 12, "'a' and 'b' overlap"),
    ({"a": entry("F32", [1], 0, 4), "b": entry("F32", [1], 8, 12)}, 12, "gap of unused bytes"),
    ({"a": entry("F32", [2], 0, 8)}, 12, "4 bytes that no tensor uses"),
    ({"a": entry("F32", [4], 0, 16)}, 8, r"\[0, 16\] are out of range"),
    ({"a": entry("F32", [3], 0, 8)}, 8, "8 bytes, but dtype F32 and shape"),
    ({"a": entry("C64", [1], 0, 8)}, 8, "unsupported dtype 'C64'"),
    ({"a": entry("F32", [2], 8, 0)}, 8, "out of range"),
    ({"a": {"dtype": "F32", "shape": [2], "data_offsets": [0]}}, 8, r"\[begin, end\]"),
    ({"a": {"dtype": "F32", "shape": [2]}}, 8, "missing 'data_offsets'"),
    ({"a": entry("F32", [-2], 0, 8)}, 8, "list of integers >= 0"),
    ({"__metadata__": {"k": 1}}, 0, "__metadata__ must map strings to strings"),
    ([1, 2], 0, "not a JSON object"),
]


@pytest.mark.parametrize("header, data_size, match", SAFETENSORS_DAMAGES)
def test_invalid_safetensors_headers(header, data_size, match):
    with pytest.raises(SerializationError, match=match):
        load_safetensors(safetensors_file(header, bytes(data_size)))


@pytest.mark.parametrize(
    "content, match",
    [
        (b"\x05\x00", "too short"),
        (struct.pack("<Q", 1000) + b"{}", "header claims 1000 bytes"),
        (struct.pack("<Q", 4) + b"{oops", "invalid safetensors header"),
    ],
)
def test_truncated_or_garbled_safetensors(content, match):
    with pytest.raises(SerializationError, match=match):
        load_safetensors(io.BytesIO(content))


def test_truncated_safetensors_file(tmp_path):
    path = tmp_path / "model.safetensors"
    save_safetensors({"w": nr.ones(100)}, path)
    path.write_bytes(path.read_bytes()[:-50])
    with pytest.raises(SerializationError, match="no tensor uses|out of range"):
        nr.load(path)


@pytest.mark.parametrize(
    "tensors, metadata, match",
    [
        ([nr.ones(1)], None, "expected a dict of tensors"),
        ({"a": np.ones(1)}, None, "expected str names"),
        ({"__metadata__": nr.ones(1)}, None, "not '__metadata__'"),
        ({"a": nr.ones(1)}, {"k": 1}, "metadata must be a dict of str to str"),
    ],
)
def test_save_safetensors_errors(tensors, metadata, match):
    with pytest.raises(TypeError, match=match):
        save_safetensors(tensors, io.BytesIO(), metadata=metadata)


class Stream(io.RawIOBase):
    """A readable stream that cannot seek, as a pipe or a socket."""

    def __init__(self, content):
        self._content = io.BytesIO(content)

    def readable(self):
        return True

    def readinto(self, buffer):
        return self._content.readinto(buffer)


def test_non_seekable_streams_are_read():
    buffer = io.BytesIO()
    nr.save({"w": nr.ones(2)}, buffer)
    assert_same(nr.load(Stream(buffer.getvalue())), {"w": nr.ones(2)})


def test_load_argument_errors():
    with pytest.raises(TypeError, match="weights_only must be a bool"):
        nr.load(io.BytesIO(), weights_only="yes")
    with pytest.raises(TypeError, match="expected a path or a binary file object"):
        nr.load(42)


def test_save_and_load_are_imported_on_first_use():
    import subprocess
    import sys

    code = (
        "import sys, neurarust as nr; assert 'neurarust.serialization' not in sys.modules; "
        "nr.save; assert 'neurarust.serialization' in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
