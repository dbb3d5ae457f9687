"""ONNX export and import of shape, indexing and matrix-product ops.

The same small functions run three ways: neurarust -> ONNX -> onnxruntime and
nr.onnx.load (with a dynamic batch), and torch -> ONNX (legacy and dynamo
exporters) -> nr.onnx.load. Single ONNX nodes built by hand check the importers
on the forms PyTorch does not write (old opsets, negative steps, batch_dims...)
against onnxruntime.
"""

import numpy as np
import pytest

import neurarust as nr
from neurarust.onnx._graph import UnsupportedOperatorError

pytest.importorskip("onnx")
pytest.importorskip("onnxruntime")

from onnx import numpy_helper  # noqa: E402

from .conftest import (  # noqa: E402
    assert_close,
    check_roundtrip,
    check_torch_import,
    export_bytes,
    run_onnxruntime,
)


class Apply(nr.nn.Module):
    """A module whose forward is ``fn(neurarust, x)``."""

    def __init__(self, fn):
        super().__init__()
        self.fn = fn

    def forward(self, x):
        return self.fn(nr, x)


def torch_apply(fn):
    """The same module for torch."""
    torch = pytest.importorskip("torch")

    class TorchApply(torch.nn.Module):
        def forward(self, x):
            return fn(torch, x)

    return TorchApply()


def _pad(lib, x, amounts, **kwargs):
    return lib.nn.functional.pad(x, amounts, **kwargs)


# name: (fn(lib, x), input shape). Each runs with a dynamic batch (dim 0).
CASES = {
    "view": (lambda lib, x: x.view(x.size(0), -1), (2, 3, 4)),
    "flatten": (lambda lib, x: x.flatten(1), (2, 3, 4)),
    "unflatten": (lambda lib, x: x.unflatten(2, (2, 2)), (2, 3, 4)),
    "last": (lambda lib, x: x[:, -1], (2, 3, 4)),
    "ellipsis": (lambda lib, x: x[..., :3], (2, 3, 4)),
    "none_step": (lambda lib, x: x[None, :, 1:, ::2], (2, 3, 4)),
    "negative_bounds": (lambda lib, x: x[:-1, 1:-1], (2, 3, 4)),
    "bound_from_size": (lambda lib, x: x[: x.shape[0] - 1, 1:], (2, 3, 4)),
    "ints": (lambda lib, x: x[:, 0, -1], (2, 3, 4)),
    "list": (lambda lib, x: x[:, [0, 2]], (2, 3, 4)),
    "negative_list": (lambda lib, x: x[:, :, [-1, 0]], (2, 3, 4)),
    "lists": (lambda lib, x: x[:, [0, 2], [1, 3]], (2, 3, 4)),
    "int_and_list": (lambda lib, x: x[:, 1, [0, 3]], (2, 3, 4)),
    "gather": (lambda lib, x: lib.gather(x, 2, lib.tensor([[[0, 3], [1, 1], [2, 0]]])), (2, 3, 4)),
    "gather_computed_index": (lambda lib, x: lib.gather(x, 2, x.topk(2, 2).indices), (2, 3, 4)),
    "take_along_dim": (
        lambda lib, x: lib.take_along_dim(x, x.topk(2, 1).indices, 1),
        (2, 3, 4),
    ),
    "computed_index": (lambda lib, x: x[:, :, x[0, 0].topk(2).indices], (2, 3, 4)),
    "permute": (lambda lib, x: x.permute(2, 0, 1), (2, 3, 4)),
    "contiguous": (lambda lib, x: x.transpose(1, 2).contiguous(), (2, 3, 4)),
    "expand": (lambda lib, x: x[:, :1].expand(-1, 5, -1), (2, 3, 4)),
    "repeat": (lambda lib, x: x.repeat(1, 2, 3), (2, 3, 4)),
    "flip": (lambda lib, x: x.flip(0, 2), (2, 3, 4)),
    "roll": (lambda lib, x: x.roll((1, -3), (1, 2)), (2, 3, 4)),
    "cat": (lambda lib, x: lib.cat([x, x.flip(1)], 1), (2, 3, 4)),
    "stack": (lambda lib, x: lib.stack([x, x.flip(2)], 1), (2, 3, 4)),
    "chunk": (lambda lib, x: x.chunk(2, -1), (2, 3, 4)),
    "unbind": (lambda lib, x: x.unbind(1), (2, 3, 4)),
    "split": (lambda lib, x: x.split([1, 3], 2), (2, 3, 4)),
    "pad_constant": (lambda lib, x: _pad(lib, x, (1, 2, 0, -1), value=1.5), (2, 3, 4)),
    "pad_reflect": (lambda lib, x: _pad(lib, x, (1, 2), mode="reflect"), (2, 3, 4)),
    "pad_replicate": (lambda lib, x: _pad(lib, x, (1, 2, 2, 1), mode="replicate"), (2, 3, 4)),
    "pad_circular": (lambda lib, x: _pad(lib, x, (1, 2), mode="circular"), (2, 3, 4)),
    "tril": (lambda lib, x: x.tril(1), (2, 3, 4)),
    "triu": (lambda lib, x: x.triu(-1), (2, 3, 4)),
    "matmul": (lambda lib, x: x @ x.transpose(1, 2), (2, 3, 4)),
    "einsum": (lambda lib, x: lib.einsum("bij,bkj->bik", x, x), (2, 3, 4)),
    "topk": (lambda lib, x: x.topk(2), (2, 3, 4)),
    "sort": (lambda lib, x: x.sort(1, descending=True), (2, 3, 4)),
    "pixel_shuffle": (lambda lib, x: lib.nn.functional.pixel_shuffle(x, 2), (2, 8, 2, 3)),
}

# torch's legacy exporter does not convert aten::take_along_dim.
TORCH_CASES = [name for name in CASES if name != "take_along_dim"]

# Cases that also go through torch's dynamo exporter (it is slow: a few, not all).
DYNAMO_CASES = ["view", "none_step", "lists", "chunk", "pad_reflect"]

# Cases whose ONNX form differs between opsets (Split, Squeeze/Unsqueeze, Pad, Trilu).
OPSET_CASES = ["none_step", "chunk", "unbind", "pad_constant", "pad_reflect", "tril", "triu"]


def _batch(shape, n):
    return (n, *shape[1:])


@pytest.mark.parametrize("name", list(CASES))
def test_roundtrip_with_dynamic_batch(name):
    fn, shape = CASES[name]
    check_roundtrip(
        Apply(fn),
        nr.randn(*shape),
        other_args=[nr.randn(*_batch(shape, 5))],
        input_names=["x"],
        dynamic_axes={"x": {0: "batch"}},
    )


# Cases that run with a dynamic last axis as well (2 -> "length").
LENGTH_CASES = {
    "ends_of_length": lambda lib, x: x[..., 1:-1],
    "last_of_length": lambda lib, x: x[..., -1],
    "bound_from_length": lambda lib, x: x[..., : x.shape[-1] - 1],
    "step_over_length": lambda lib, x: x[..., 1::2],
    "flip_length": lambda lib, x: x.flip(-1),
    "roll_length": lambda lib, x: x.roll(-2, 2),
    "pad_reflect_length": lambda lib, x: _pad(lib, x, (2, 1), mode="reflect"),
    "pad_constant_length": lambda lib, x: _pad(lib, x, (2, 1), value=-1.0),
    "expand_length": lambda lib, x: x[:, :1].expand(-1, 4, -1),
    "repeat_length": lambda lib, x: x.repeat(1, 1, 2),
    "flatten_length": lambda lib, x: x.flatten(1),
    "split_length": lambda lib, x: x.split([1, 2], 1),
}


@pytest.mark.parametrize("name", list(LENGTH_CASES))
def test_roundtrip_with_dynamic_batch_and_length(name):
    check_roundtrip(
        Apply(LENGTH_CASES[name]),
        nr.randn(2, 3, 5),
        other_args=[nr.randn(4, 3, 8), nr.randn(1, 3, 3)],
        input_names=["x"],
        dynamic_axes={"x": {0: "batch", 2: "length"}},
    )


@pytest.mark.parametrize("opset", [13, 18])
@pytest.mark.parametrize("name", OPSET_CASES)
def test_roundtrip_at_opsets(name, opset):
    fn, shape = CASES[name]
    check_roundtrip(Apply(fn), nr.randn(*shape), opset_version=opset)


# Fixed-size cases: ops where a dynamic batch does not apply or is refused.
FIXED_CASES = {
    "cat_promotes": (lambda lib, x: lib.cat([x, lib.ones(2, 1, dtype=lib.int64)], 1), (2, 3)),
    "roll_flat": (lambda lib, x: x.roll(3), (2, 3)),
    "diagonal": (lambda lib, x: x.diagonal(1, 1, 2), (2, 3, 4)),
    "diagonal_below": (lambda lib, x: x.diagonal(-1, 2, 0), (3, 2, 4)),
    "mv": (lambda lib, x: lib.mv(x, x[0]), (3, 3)),
    "dot": (lambda lib, x: lib.dot(x, x.flip(0)), (3,)),
    "mm": (lambda lib, x: lib.mm(x, x.t()), (2, 3)),
    "bmm": (lambda lib, x: lib.bmm(x, x.transpose(1, 2)), (2, 3, 4)),
    "addmm": (lambda lib, x: lib.addmm(x[0], x, x.t(), beta=0.5, alpha=2.0), (3, 3)),
    "addmm_beta_0": (lambda lib, x: lib.addmm(x[0], x, x.t(), beta=0), (3, 3)),
    "einsum_ellipsis": (lambda lib, x: lib.einsum("...ij->...ji", x), (2, 3, 4)),
    "einsum_diagonal": (lambda lib, x: lib.einsum("ii->i", x), (3, 3)),
    "einsum_broadcast": (lambda lib, x: lib.einsum("bij,bjk->bik", x, x[:1, :, :2]), (2, 3, 3)),
    "sort_ascending": (lambda lib, x: x.sort(0), (4, 3)),
    "mask": (lambda lib, x: x[lib.tensor([True, False, True])], (3, 4)),
    "list_and_none": (lambda lib, x: x[[0, 1], None, [1, 2]], (2, 3, 4)),
    "repeat_new_dims": (lambda lib, x: x.repeat(2, 1, 2), (2, 3)),
    "pad_circular_crop": (lambda lib, x: _pad(lib, x, (2, -1), mode="circular"), (2, 3, 4)),
}


@pytest.mark.parametrize("name", list(FIXED_CASES))
def test_roundtrip_fixed_size(name):
    fn, shape = FIXED_CASES[name]
    check_roundtrip(Apply(fn), nr.randn(*shape))


@pytest.mark.parametrize("name", TORCH_CASES)
def test_torch_export_loads(name):
    torch = pytest.importorskip("torch")
    fn, shape = CASES[name]
    check_torch_import(
        torch_apply(fn),
        torch.randn(*shape),
        other_args=[torch.randn(*_batch(shape, 5))],
        input_names=["x"],
        dynamic_axes={"x": {0: "batch"}},
    )


@pytest.mark.parametrize("name", DYNAMO_CASES)
def test_torch_dynamo_export_loads(name):
    torch = pytest.importorskip("torch")
    pytest.importorskip("onnxscript")
    fn, shape = CASES[name]
    check_torch_import(
        torch_apply(fn),
        torch.randn(*shape),
        other_args=[torch.randn(*_batch(shape, 5))],
        dynamo=True,
        opset_version=18,
        input_names=["x"],
        dynamic_axes={"x": {0: "batch"}},
    )


class IndexBy(nr.nn.Module):
    """``x[:, index]`` for an index given as a graph input."""

    def forward(self, x, index):
        return x[:, index]


def test_index_tensor_input_with_negative_entries():
    check_roundtrip(
        IndexBy(),
        (nr.randn(2, 4, 3), nr.tensor([[-1, 0], [2, -3]])),
        other_args=[(nr.randn(3, 4, 3), nr.tensor([[1, -4], [-2, 3]]))],
        input_names=["x", "index"],
        dynamic_axes={"x": {0: "batch"}},
    )


def test_boolean_mask_input_is_refused():
    with pytest.raises(UnsupportedOperatorError, match="boolean mask"):
        nr.onnx.export(IndexBy(), (nr.randn(2, 3), nr.tensor([True, False, True])), None)


# -- attention: view/permute/matmul with a dynamic batch and sequence length --------------


def attention(lib, qkv, out, x, heads=2):
    """Multi-head self-attention without softmax (other families convert it)."""
    batch, length, width = x.shape
    q, k, v = qkv(x).view(batch, length, 3, heads, width // heads).permute(2, 0, 3, 1, 4).unbind(0)
    mixed = (q @ k.transpose(-2, -1)).relu() @ v
    return out(mixed.transpose(1, 2).reshape(batch, length, width))


class Attention(nr.nn.Module):
    def __init__(self):
        super().__init__()
        self.qkv, self.out = nr.nn.Linear(8, 24), nr.nn.Linear(8, 8)

    def forward(self, x):
        return attention(nr, self.qkv, self.out, x)


SEQUENCE = {"x": {0: "batch", 1: "length"}}


def test_attention_roundtrip_with_dynamic_batch_and_length():
    check_roundtrip(
        Attention(),
        nr.randn(2, 5, 8),
        other_args=[nr.randn(3, 7, 8), nr.randn(1, 1, 8)],
        input_names=["x"],
        dynamic_axes=SEQUENCE,
    )


def test_gradients_flow_through_the_loaded_attention():
    model = Attention()
    data = export_bytes(model, nr.randn(2, 5, 8), input_names=["x"], dynamic_axes=SEQUENCE)
    loaded = nr.onnx.load(data)
    x = nr.randn(3, 4, 8)
    (model(x) ** 2).sum().backward()
    (loaded(x) ** 2).sum().backward()
    params = dict(loaded.named_parameters())
    for name, param in model.named_parameters():
        assert_close(params[name].grad, param.grad, 1e-5, 1e-5, name)


@pytest.mark.parametrize("dynamo", [False, True])
def test_torch_attention_loads_with_dynamic_batch_and_length(dynamo):
    torch = pytest.importorskip("torch")
    if dynamo:
        pytest.importorskip("onnxscript")

    class TorchAttention(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.qkv, self.out = torch.nn.Linear(8, 24), torch.nn.Linear(8, 8)

        def forward(self, x):
            return attention(torch, self.qkv, self.out, x)

    check_torch_import(
        TorchAttention(),
        torch.randn(2, 5, 8),
        other_args=[torch.randn(3, 7, 8)],
        dynamo=dynamo,
        opset_version=18 if dynamo else 17,
        input_names=["x"],
        dynamic_axes=SEQUENCE,
    )


# -- what cannot be exported --------------------------------------------------------------


def _arange_index(lib, x):
    return x[lib.arange(x.shape[0]), 0]


def _ramp(*shape):
    return nr.arange(float(np.prod(shape))).reshape(shape)


# name: (fn(lib, x), x, dynamic axes of x, opset, part of the message)
UNSUPPORTED = {
    "view_dtype": (lambda lib, x: x.view(lib.int32), _ramp(2, 3), {}, 17, "ViewDtype"),
    "as_strided": (lambda lib, x: x.as_strided((2, 2), (1, 2)), _ramp(2, 3), {}, 17, "AsStrided"),
    "median": (lambda lib, x: x.median(1).values, _ramp(2, 3), {}, 17, "median"),
    "index_from_size": (_arange_index, _ramp(2, 3), {0: "b"}, 17, "depends on the dynamic"),
    "circular_dynamic": (
        lambda lib, x: _pad(lib, x, (1, 1), mode="circular"),
        _ramp(1, 2, 5),
        {2: "t"},
        17,
        "circular",
    ),
    "tril_opset_13": (lambda lib, x: x.tril(), _ramp(3, 3), {1: "n"}, 13, "opset >= 14"),
    "diagonal_dynamic": (lambda lib, x: x.diagonal(), _ramp(3, 3), {0: "n"}, 17, "dynamic"),
    "integer_addmm": (
        lambda lib, x: lib.addmm(x[0], x, x),
        nr.arange(4).reshape(2, 2),
        {},
        17,
        "int64",
    ),
    "true_index": (lambda lib, x: x[True], _ramp(2, 3), {}, 17, "boolean"),
}


@pytest.mark.parametrize("name", list(UNSUPPORTED))
def test_unsupported_ops_raise_naming_the_op(name):
    fn, x, axes, opset, message = UNSUPPORTED[name]
    with pytest.raises(UnsupportedOperatorError, match=message):
        nr.onnx.export(
            Apply(fn), x, None, input_names=["x"], dynamic_axes={"x": axes}, opset_version=opset
        )


# -- importers on hand-made nodes, against onnxruntime ------------------------------------

I64 = np.iinfo(np.int64)


def _f32(*shape):
    return np.random.default_rng(0).standard_normal(shape).astype(np.float32)


def _i64(values):
    return np.asarray(values, dtype=np.int64)


# name: (op type, inputs, attributes, opset, number of outputs)
NODES = {
    "reshape_zero_copies": ("Reshape", [_f32(2, 3, 4), _i64([0, -1])], {}, 14, 1),
    "transpose_default": ("Transpose", [_f32(2, 3, 4)], {}, 13, 1),
    "slice_negative_steps": (
        "Slice",
        [_f32(3, 4, 5), _i64([I64.max, -1]), _i64([0, I64.min]), _i64([1, -1]), _i64([-1, -2])],
        {},
        13,
        1,
    ),
    "slice_clamped": ("Slice", [_f32(3, 4), _i64([-10, 1]), _i64([2, 100])], {}, 13, 1),
    "slice_attributes": (
        "Slice",
        [_f32(3, 4)],
        {"starts": [1], "ends": [-1], "axes": [1]},
        9,
        1,
    ),
    "gather_negative": ("Gather", [_f32(3, 4, 2), _i64([[-1, 0], [2, -4]])], {"axis": 1}, 13, 1),
    "gather_scalar": ("Gather", [_f32(3, 4), _i64(-2)], {"axis": -1}, 13, 1),
    "gather_elements": (
        "GatherElements",
        [_f32(2, 3), _i64([[-1, 0, 1], [2, 2, -3]])],
        {"axis": 1},
        13,
        1,
    ),
    "gather_nd": ("GatherND", [_f32(3, 4, 2), _i64([[0, -1], [2, 1]])], {}, 13, 1),
    "gather_nd_batch": (
        "GatherND",
        [_f32(2, 3, 4), _i64([[[1], [0]], [[2], [2]]])],
        {"batch_dims": 1},
        13,
        1,
    ),
    "squeeze_attribute": ("Squeeze", [_f32(1, 3, 1)], {"axes": [0]}, 11, 1),
    "squeeze_all": ("Squeeze", [_f32(1, 3, 1)], {}, 13, 1),
    "unsqueeze_attribute": ("Unsqueeze", [_f32(2, 3)], {"axes": [0, 3]}, 11, 1),
    "unsqueeze_input": ("Unsqueeze", [_f32(2, 3), _i64([-1, 1])], {}, 13, 1),
    "flatten_axis_0": ("Flatten", [_f32(2, 3, 4)], {"axis": 0}, 13, 1),
    "flatten_negative": ("Flatten", [_f32(2, 3, 4)], {"axis": -1}, 13, 1),
    "shape_start_end": ("Shape", [_f32(2, 3, 4, 5)], {"start": 1, "end": -1}, 15, 1),
    "size": ("Size", [_f32(2, 3)], {}, 13, 1),
    "expand_both_ways": ("Expand", [_f32(3, 1), _i64([2, 1, 4])], {}, 13, 1),
    "tile": ("Tile", [_f32(2, 3), _i64([2, 1])], {}, 13, 1),
    "concat_negative_axis": ("Concat", [_f32(2, 3), _f32(2, 1)], {"axis": -1}, 13, 1),
    "split_attribute": ("Split", [_f32(2, 4)], {"axis": 1, "split": [1, 3]}, 11, 2),
    "split_input": ("Split", [_f32(5, 2), _i64([2, 3])], {}, 13, 2),
    "split_num_outputs": ("Split", [_f32(5, 2)], {"num_outputs": 3}, 18, 3),
    "split_by_outputs": ("Split", [_f32(4, 2)], {}, 13, 2),
    "constant_of_shape": (
        "ConstantOfShape",
        [_i64([2, 3])],
        {"value": numpy_helper.from_array(_i64([7]))},
        13,
        1,
    ),
    "range": (
        "Range",
        [np.float32(1.0), np.float32(2.0), np.float32(0.3)],
        {},
        13,
        1,
    ),
    "pad_edge_axes": ("Pad", [_f32(3, 4), _i64([1, 2]), None, _i64([0])], {"mode": "edge"}, 18, 1),
    "pad_reflect_all": ("Pad", [_f32(3, 4), _i64([1, 2, 2, 1])], {"mode": "reflect"}, 13, 1),
    "pad_constant_crop": (
        "Pad",
        [_f32(3, 4), _i64([1, -1, 0, 2]), np.float32(2.5)],
        {},
        13,
        1,
    ),
    "pad_attributes": ("Pad", [_f32(3, 4)], {"pads": [0, 1, 2, 0], "value": 3.0}, 10, 1),
    "trilu_lower": ("Trilu", [_f32(2, 3, 4), _i64(-1)], {"upper": 0}, 14, 1),
    "trilu_upper": ("Trilu", [_f32(3, 4)], {}, 14, 1),
    "matmul_vector": ("MatMul", [_f32(3), _f32(2, 3, 4)], {}, 13, 1),
    "einsum_diagonal": ("Einsum", [_f32(2, 3, 3)], {"equation": "bii->bi"}, 13, 1),
    "scatter_elements_add": (
        "ScatterElements",
        [_f32(2, 3), _i64([[0, 0], [-1, 2]]), _f32(2, 2)],
        {"axis": 1, "reduction": "add"},
        16,
        1,
    ),
    "scatter_nd": ("ScatterND", [_f32(4, 3), _i64([[1], [3]]), _f32(2, 3)], {}, 13, 1),
    "scatter_nd_add": (
        "ScatterND",
        [_f32(4, 3), _i64([[1, 0], [1, 0]]), _f32(2)],
        {"reduction": "add"},
        16,
        1,
    ),
    "one_hot": (
        "OneHot",
        [_i64([[0, -1], [2, 1]]), np.float32(3), np.float32([0.5, 4.0])],
        {"axis": 1},
        13,
        1,
    ),
    "depth_to_space_dcr": ("DepthToSpace", [_f32(1, 8, 2, 3)], {"blocksize": 2}, 13, 1),
    "depth_to_space_crd": (
        "DepthToSpace",
        [_f32(1, 8, 2, 3)],
        {"blocksize": 2, "mode": "CRD"},
        13,
        1,
    ),
    "space_to_depth": ("SpaceToDepth", [_f32(1, 2, 4, 6)], {"blocksize": 2}, 13, 1),
    "top_k_smallest": ("TopK", [_f32(3, 5), _i64([2])], {"axis": 0, "largest": 0}, 13, 2),
}


def _node_model(op_type, inputs, attrs, opset, outputs):
    """A one-node model whose (non-None) inputs are all graph inputs (output types by
    shape inference)."""
    from onnx import TensorProto, helper, shape_inference

    names = [f"in{k}" if x is not None else "" for k, x in enumerate(inputs)]
    graph_inputs = [
        helper.make_tensor_value_info(
            name, helper.np_dtype_to_tensor_dtype(np.asarray(x).dtype), np.shape(x)
        )
        for name, x in zip(names, inputs)
        if name
    ]
    out_names = [f"out{k}" for k in range(outputs)]
    node = helper.make_node(op_type, names, out_names, **attrs)
    graph = helper.make_graph(
        [node],
        "node",
        graph_inputs,
        [helper.make_tensor_value_info(n, TensorProto.UNDEFINED, None) for n in out_names],
    )
    opsets = [helper.make_opsetid("", opset)]
    return shape_inference.infer_shapes(
        helper.make_model(graph, opset_imports=opsets, ir_version=8)
    )


@pytest.mark.parametrize("name", list(NODES))
def test_importer_matches_onnxruntime(name):
    op_type, inputs, attrs, opset, outputs = NODES[name]
    model = _node_model(op_type, inputs, attrs, opset, outputs)
    feeds = [np.asarray(x) for x in inputs if x is not None]
    expected = run_onnxruntime(model.SerializeToString(), tuple(feeds))
    loaded = nr.onnx.load(model)
    assert_close(loaded(*[nr.as_tensor(x) for x in feeds]), expected, 1e-6, 1e-6, name)


@pytest.mark.parametrize(
    "op_type, inputs, attrs, opset, message",
    [
        ("Pad", [_f32(3, 4), _i64([1, 1, 1, 1])], {"mode": "mirror"}, 13, "mode"),
        ("ScatterND", [_f32(4), _i64([[1]]), _f32(1)], {"reduction": "mul"}, 16, "reduction"),
    ],
)
def test_importer_errors_name_the_node(op_type, inputs, attrs, opset, message):
    model = _node_model(op_type, inputs, attrs, opset, 1)
    loaded = nr.onnx.load(model)
    with pytest.raises(UnsupportedOperatorError, match=f"{op_type}.*{message}"):
        loaded(*[nr.as_tensor(x) for x in inputs])


def test_constant_attributes():
    from onnx import helper

    nodes = [
        helper.make_node("Constant", [], ["a"], value_floats=[1.0, 2.5]),
        helper.make_node("Constant", [], ["b"], value_int=3),
        helper.make_node("Constant", [], ["c"], value=helper.make_tensor("v", 7, [2], [4, 5])),
    ]
    outputs = [helper.make_tensor_value_info(n, 0, None) for n in "abc"]
    graph = helper.make_graph(nodes, "constants", [], outputs)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], ir_version=8)
    a, b, c = nr.onnx.load(model)()
    assert a.dtype == nr.float32 and a.tolist() == [1.0, 2.5]
    assert b.dtype == nr.int64 and b.shape == () and b.item() == 3
    assert c.dtype == nr.int64 and c.tolist() == [4, 5]
