"""ONNX export and import of layer ops: convolution, pooling, normalization, resampling,
embedding and dropout (neurarust/onnx/exporters/layers.py, importers/nn.py)."""

import copy
import io

import numpy as np
import pytest

import neurarust as nr
from neurarust.onnx._graph import UnsupportedOperatorError

pytest.importorskip("onnx")
pytest.importorskip("onnxruntime")

from .conftest import (  # noqa: E402
    assert_close,
    check_roundtrip,
    check_torch_import,
    export_bytes,
    run_onnxruntime,
)

nn = nr.nn
BATCH = {0: "batch"}
IMAGE = {0: "batch", 2: "height", 3: "width"}


def _batch_norm(module):
    """``module`` with running statistics and affine parameters away from their defaults."""
    with nr.no_grad():
        module.running_mean.uniform_(-1, 1)
        module.running_var.uniform_(0.5, 2)
        if module.weight is not None:
            module.weight.uniform_(0.5, 2)
            module.bias.uniform_(-1, 1)
    return module


# (id, model, example shape, dynamic axes, shape of another input, opset)
EXPORT_CASES = [
    ("conv2d", lambda: nn.Conv2d(3, 4, 3, padding=1), (2, 3, 8, 8), IMAGE, (3, 3, 9, 7), 17),
    ("conv2d_same_even_dilated", lambda: nn.Conv2d(3, 4, 4, padding="same", dilation=2),
     (2, 3, 8, 8), IMAGE, (3, 3, 9, 7), 17),
    ("conv1d_strided", lambda: nn.Conv1d(3, 4, 3, stride=2, padding=1), (2, 3, 9),
     {0: "batch", 2: "length"}, (3, 3, 12), 13),
    ("conv3d_no_bias", lambda: nn.Conv3d(2, 4, (2, 3, 3), (1, 2, 1), (1, 0, 1), bias=False),
     (2, 2, 4, 5, 6), BATCH, (1, 2, 4, 5, 6), 17),
    ("depthwise", lambda: nn.Conv2d(4, 8, 3, groups=4, padding=1), (2, 4, 6, 6), IMAGE,
     (3, 4, 7, 5), 17),
    ("conv_reflect", lambda: nn.Conv2d(3, 4, 3, padding=1, padding_mode="reflect"),
     (2, 3, 8, 8), IMAGE, (3, 3, 9, 7), 17),
    ("conv_replicate", lambda: nn.Conv2d(3, 4, 3, padding=(1, 2), padding_mode="replicate"),
     (2, 3, 8, 8), BATCH, (3, 3, 8, 8), 13),
    ("conv_circular", lambda: nn.Conv1d(3, 4, 3, padding=1, padding_mode="circular"),
     (2, 3, 8), BATCH, (3, 3, 8), 17),
    ("conv_transpose", lambda: nn.ConvTranspose2d(4, 6, 3, 2, 1, output_padding=1, groups=2),
     (2, 4, 5, 5), IMAGE, (3, 4, 6, 7), 17),
    ("conv_transpose_dilated", lambda: nn.ConvTranspose1d(4, 6, 3, 3, 2, 1, dilation=2),
     (2, 4, 5), BATCH, (3, 4, 5), 13),
    ("max_pool", lambda: nn.MaxPool2d(3, 2, 1), (2, 3, 9, 9), IMAGE, (3, 3, 10, 7), 17),
    ("max_pool_ceil", lambda: nn.MaxPool2d(2, 2, 1, ceil_mode=True), (2, 3, 5, 5), IMAGE,
     (3, 3, 10, 7), 17),
    ("max_pool_ceil_static", lambda: nn.MaxPool2d(2, 2, 1, ceil_mode=True), (2, 3, 5, 6),
     None, None, 17),
    ("max_pool_dilated", lambda: nn.MaxPool1d(3, 1, 1, dilation=2), (2, 3, 9),
     {0: "batch", 2: "length"}, (3, 3, 10), 13),
    ("max_pool3d", lambda: nn.MaxPool3d(2), (1, 2, 4, 4, 6), BATCH, (2, 2, 4, 4, 6), 18),
    ("avg_pool", lambda: nn.AvgPool2d(3, 2, 1), (2, 3, 9, 9), IMAGE, (3, 3, 10, 7), 17),
    ("avg_pool_ceil_exclude_pad",
     lambda: nn.AvgPool2d(3, 2, 1, ceil_mode=True, count_include_pad=False), (2, 3, 8, 8),
     IMAGE, (3, 3, 10, 7), 17),
    ("avg_pool_ceil", lambda: nn.AvgPool1d(3, 2, 1, ceil_mode=True), (2, 3, 8),
     {0: "batch", 2: "length"}, (3, 3, 11), 13),
    ("adaptive_max_pool_1", lambda: nn.AdaptiveMaxPool2d(1), (2, 3, 8, 8), IMAGE,
     (3, 3, 10, 7), 17),
    ("adaptive_avg_pool_even", lambda: nn.AdaptiveAvgPool2d(2), (2, 3, 8, 8), BATCH,
     (3, 3, 8, 8), 17),
    ("cnn_batch_norm", lambda: nn.Sequential(
        nn.Conv2d(3, 4, 3), _batch_norm(nn.BatchNorm2d(4)), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(4, 4, 3, groups=4), _batch_norm(nn.BatchNorm2d(4))),
     (2, 3, 10, 10), IMAGE, (3, 3, 12, 11), 17),
    ("linear_batch_norm1d", lambda: nn.Sequential(nn.Linear(3, 4), _batch_norm(nn.BatchNorm1d(4))),
     (2, 3), BATCH, (5, 3), 13),
    ("batch_norm_no_affine", lambda: _batch_norm(nn.BatchNorm1d(4, affine=False)), (2, 4, 3),
     BATCH, (5, 4, 3), 17),
    ("batch_norm_batch_stats", lambda: nn.BatchNorm2d(4, track_running_stats=False),
     (2, 4, 3, 3), BATCH, (5, 4, 3, 3), 17),
    ("layer_norm_13", lambda: nn.LayerNorm([3, 4]), (2, 5, 3, 4), BATCH, (3, 5, 3, 4), 13),
    ("layer_norm_17", lambda: nn.LayerNorm([3, 4]), (2, 5, 3, 4), BATCH, (3, 5, 3, 4), 17),
    ("layer_norm_no_affine_18", lambda: nn.LayerNorm(4, elementwise_affine=False), (2, 5, 4),
     BATCH, (3, 5, 4), 18),
    ("layer_norm_no_bias", lambda: nn.LayerNorm(4, bias=False), (2, 5, 4), BATCH, (3, 5, 4), 17),
    ("rms_norm", lambda: nn.RMSNorm(4), (2, 5, 4), BATCH, (3, 5, 4), 18),
    ("group_norm", lambda: nn.GroupNorm(2, 4), (2, 4, 3, 3), IMAGE, (3, 4, 5, 2), 17),
    ("group_norm_no_affine", lambda: nn.GroupNorm(2, 4, affine=False), (2, 4, 3), BATCH,
     (3, 4, 3), 18),
    ("instance_norm", lambda: nn.InstanceNorm2d(4, affine=True), (2, 4, 3, 3), IMAGE,
     (3, 4, 5, 2), 17),
    ("instance_norm_running", lambda: _batch_norm(nn.InstanceNorm1d(4, track_running_stats=True)),
     (2, 4, 5), BATCH, (3, 4, 5), 17),
    ("local_response_norm_odd", lambda: nn.LocalResponseNorm(3), (2, 5, 3, 3), BATCH,
     (3, 5, 3, 3), 17),
    ("local_response_norm_even", lambda: nn.LocalResponseNorm(2, alpha=0.1, k=2.0),
     (2, 5, 3, 3), IMAGE, (3, 5, 4, 2), 17),
    ("upsample_nearest", lambda: nn.Upsample(scale_factor=2), (2, 3, 4, 5), IMAGE,
     (3, 3, 5, 7), 17),
    ("upsample_bilinear", lambda: nn.Upsample(scale_factor=2, mode="bilinear"), (2, 3, 4, 5),
     IMAGE, (3, 3, 5, 7), 13),
    ("upsample_bilinear_align_corners",
     lambda: nn.Upsample(size=(7, 9), mode="bilinear", align_corners=True), (2, 3, 4, 5),
     IMAGE, (3, 3, 5, 7), 17),
    ("upsample_bicubic", lambda: nn.Upsample(scale_factor=(2, 3), mode="bicubic"),
     (2, 3, 4, 5), BATCH, (3, 3, 4, 5), 17),
    ("upsample_bicubic_align_corners",
     lambda: nn.Upsample(size=(3, 7), mode="bicubic", align_corners=True), (2, 3, 4, 5),
     BATCH, (3, 3, 4, 5), 18),
    ("upsample_nearest_exact", lambda: nn.Upsample(size=(7, 3), mode="nearest-exact"),
     (2, 3, 4, 5), BATCH, (3, 3, 4, 5), 17),
    ("upsample_trilinear", lambda: nn.Upsample(scale_factor=2, mode="trilinear"),
     (2, 3, 2, 3, 4), BATCH, (3, 3, 2, 3, 4), 17),
    ("upsample_linear_1.5", lambda: nn.Upsample(scale_factor=1.5, mode="linear"), (2, 3, 4),
     {0: "batch", 2: "length"}, (3, 3, 4), 17),
    ("dropout_eval", lambda: nn.Sequential(nn.Linear(3, 4), nn.Dropout(0.5), nn.Dropout2d()),
     (2, 3), BATCH, (5, 3), 17),
]  # fmt: skip


@pytest.mark.parametrize(
    "make, shape, axes, other_shape, opset",
    [case[1:] for case in EXPORT_CASES],
    ids=[case[0] for case in EXPORT_CASES],
)
def test_roundtrip(make, shape, axes, other_shape, opset):
    nr.manual_seed(0)
    model = make()
    check_roundtrip(
        model,
        nr.randn(*shape),
        other_args=[nr.randn(*other_shape)] if other_shape else [],
        input_names=["x"],
        dynamic_axes={"x": axes} if axes else None,
        opset_version=opset,
    )


def test_embedding_roundtrip_with_dynamic_batch():
    model = nn.Sequential(nn.Embedding(10, 4, padding_idx=0), nn.Linear(4, 2))
    check_roundtrip(
        model,
        nr.tensor([[1, 2, 0], [9, 3, 3]]),
        other_args=[nr.tensor([[4, 5, 6]] * 3)],
        input_names=["tokens"],
        dynamic_axes={"tokens": {0: "batch", 1: "length"}},
    )


def _op_types(model, shape, **kwargs):
    import onnx

    data = export_bytes(model.eval(), nr.randn(*shape), **kwargs)
    nodes = [n for n in onnx.load_from_string(data).graph.node if n.op_type != "Constant"]
    return [n.op_type for n in nodes], {n.op_type: n for n in nodes}


@pytest.mark.parametrize(
    "model, shape, opset, expected",
    [
        (nn.Conv2d(4, 4, 3, groups=4), (1, 4, 5, 5), 17, ["Conv"]),
        (_batch_norm(nn.BatchNorm2d(3)), (2, 3, 4, 4), 17, ["BatchNormalization"]),
        (nn.LayerNorm(4), (2, 4), 17, ["LayerNormalization"]),
        (nn.InstanceNorm1d(3), (2, 3, 4), 17, ["InstanceNormalization"]),
        (nn.AdaptiveMaxPool2d(1), (2, 3, 4, 4), 17, ["GlobalMaxPool"]),
        (nn.MaxPool2d(2, return_indices=False), (2, 3, 4, 4), 17, ["MaxPool"]),
        (nn.LocalResponseNorm(5), (2, 6, 4), 17, ["LRN"]),
        (nn.Dropout(), (2, 3), 17, ["Identity"]),
    ],
)
def test_exported_operators(model, shape, opset, expected):
    assert _op_types(model, shape, opset_version=opset)[0] == expected


def test_depthwise_conv_keeps_its_groups_and_same_padding_is_asymmetric():
    _, nodes = _op_types(nn.Conv2d(4, 8, 4, groups=4, padding="same"), (1, 4, 6, 6))
    attrs = {a.name: a for a in nodes["Conv"].attribute}
    assert attrs["group"].i == 4
    assert list(attrs["pads"].ints) == [1, 1, 2, 2]


def test_global_average_pool_with_dynamic_image_size():
    class Head(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv = nn.Conv2d(3, 4, 3)

        def forward(self, x):
            y = self.conv(x)
            return nn.functional.avg_pool2d(y, tuple(y.shape[2:4]))

    check_roundtrip(
        Head(), nr.randn(2, 3, 6, 6), other_args=[nr.randn(3, 3, 9, 5)], input_names=["x"],
        dynamic_axes={"x": IMAGE},
    )  # fmt: skip


class _Functional(nn.Module):
    def __init__(self, function):
        super().__init__()
        self.function = function

    def forward(self, x):
        return self.function(x)


F = nr.nn.functional


@pytest.mark.parametrize(
    "function, shape, axes, match",
    [
        (lambda x: F.max_pool2d(x, 2, return_indices=True)[1].float(), (1, 2, 4, 4), None,
         "no ONNX form"),
        (lambda x: F.avg_pool2d(x, 2, divisor_override=3), (1, 2, 4, 4), None,
         "divisor_override"),
        (lambda x: F.adaptive_max_pool2d(x, 3), (1, 2, 5, 5), None, "unequal sizes"),
        (lambda x: F.adaptive_avg_pool2d(x, 2), (1, 2, 4, 4), IMAGE, "adaptive pooling"),
        (lambda x: F.interpolate(x, scale_factor=1.7), (1, 2, 4), None, "scale_factor"),
        (lambda x: F.interpolate(x, scale_factor=1.7), (1, 2, 10), {2: "length"}, "Resize"),
    ],
    ids=["max_pool_indices", "divisor_override", "adaptive_max_unequal", "adaptive_avg_dynamic",
         "interpolate_scale", "interpolate_dynamic_scale"],
)  # fmt: skip
def test_unsupported_exports_raise(function, shape, axes, match):
    with pytest.raises(UnsupportedOperatorError, match=match):
        nr.onnx.export(
            _Functional(function), nr.randn(*shape), None, input_names=["x"],
            dynamic_axes={"x": axes} if axes else None,
        )  # fmt: skip


class _ClearedEmbedding(nn.Embedding):
    def forward(self, input):  # changes the table in place, as max_norm does
        with nr.no_grad():
            self.weight.relu_()
        return super().forward(input)


@pytest.mark.parametrize(
    "model, match",
    [(nn.Embedding(10, 4, max_norm=1.0), ""), (_ClearedEmbedding(10, 4), "changed in place")],
    ids=["max_norm", "in_place"],
)
def test_embedding_of_a_table_changed_in_forward_is_refused(model, match):
    with pytest.raises(UnsupportedOperatorError, match=match):
        nr.onnx.export(model, nr.tensor([[1, 2]]), None)


# -- models exported by PyTorch ---------------------------------------------------------------


def _torch_cases():
    torch = pytest.importorskip("torch")
    tnn = torch.nn

    def bn(module):
        with torch.no_grad():
            module.running_mean.uniform_(-1, 1)
            module.running_var.uniform_(0.5, 2)
            module.weight.uniform_(0.5, 2)
            module.bias.uniform_(-1, 1)
        return module

    return {
        "conv_same": (lambda: tnn.Conv2d(3, 4, 4, padding="same"), (2, 3, 8, 8)),
        "conv_reflect": (lambda: tnn.Conv2d(3, 4, 3, padding=1, padding_mode="reflect"),
                         (2, 3, 6, 6)),
        "depthwise_conv1d": (lambda: tnn.Conv1d(4, 8, 3, groups=4, stride=2, dilation=2,
                                                bias=False), (2, 4, 11)),
        "conv3d": (lambda: tnn.Conv3d(2, 3, 2, padding=1), (1, 2, 3, 4, 5)),
        "conv_transpose": (lambda: tnn.ConvTranspose2d(4, 6, 3, 2, 1, output_padding=1,
                                                       groups=2), (2, 4, 5, 5)),
        "max_pool_ceil": (lambda: tnn.MaxPool2d(3, 2, 1, ceil_mode=True), (2, 3, 8, 8)),
        "max_pool_dilated": (lambda: tnn.MaxPool1d(3, 1, 1, dilation=2), (2, 3, 8)),
        "avg_pool": (lambda: tnn.AvgPool2d(3, 2, 1, count_include_pad=False, ceil_mode=True),
                     (2, 3, 8, 8)),
        "global_pools": (lambda: tnn.Sequential(tnn.AdaptiveMaxPool2d(1),
                                                tnn.AdaptiveAvgPool2d(1)), (2, 3, 4, 4)),
        "adaptive_avg_pool": (lambda: tnn.AdaptiveAvgPool2d(2), (2, 3, 8, 8)),
        "cnn_batch_norm": (lambda: tnn.Sequential(tnn.Conv2d(3, 4, 3), bn(tnn.BatchNorm2d(4)),
                                                  tnn.ReLU()), (2, 3, 8, 8)),
        "linear_batch_norm1d": (lambda: tnn.Sequential(tnn.Linear(3, 4), bn(tnn.BatchNorm1d(4))),
                                (2, 3)),
        "layer_norm": (lambda: tnn.LayerNorm([3, 4]), (2, 5, 3, 4)),
        "group_norm": (lambda: tnn.GroupNorm(2, 4), (2, 4, 3, 3)),
        "instance_norm": (lambda: tnn.InstanceNorm2d(4, affine=True), (2, 4, 3, 3)),
        "upsample_nearest": (lambda: tnn.Upsample(scale_factor=2), (2, 3, 4, 5)),
        "upsample_bilinear": (lambda: tnn.Upsample(scale_factor=2, mode="bilinear"),
                              (2, 3, 4, 5)),
        "upsample_bilinear_align_corners": (lambda: tnn.Upsample(
            size=(7, 9), mode="bilinear", align_corners=True), (2, 3, 4, 5)),
        "upsample_bicubic": (lambda: tnn.Upsample(scale_factor=2, mode="bicubic"), (1, 2, 4, 5)),
        "dropout": (lambda: tnn.Sequential(tnn.Linear(3, 4), tnn.Dropout(0.3)), (2, 3)),
        # several layers in one model: the dynamo exporter takes seconds per export
        "convs": (lambda: tnn.Sequential(
            tnn.Conv2d(3, 4, 4, padding="same"), tnn.Conv2d(4, 4, 3, padding=1,
                                                            padding_mode="reflect"),
            tnn.Conv2d(4, 8, 3, groups=4, dilation=2),
            tnn.ConvTranspose2d(8, 4, 3, 2, 1, output_padding=1, groups=2)), (2, 3, 8, 8)),
        "convs1d_3d": (lambda: tnn.Sequential(
            tnn.Conv1d(4, 8, 3, groups=4, stride=2, bias=False), tnn.MaxPool1d(3, 1, 1, 2),
            tnn.Unflatten(2, (1, 1, -1)), tnn.Conv3d(8, 2, 1, padding=1)), (2, 4, 11)),
        "pools": (lambda: tnn.Sequential(
            tnn.MaxPool2d(3, 2, 1, ceil_mode=True),
            tnn.AvgPool2d(3, 2, 1, count_include_pad=False, ceil_mode=True),
            tnn.AdaptiveAvgPool2d(2), tnn.AdaptiveMaxPool2d(1)), (2, 3, 12, 12)),
        "norms": (lambda: tnn.Sequential(
            tnn.Conv2d(3, 4, 3), bn(tnn.BatchNorm2d(4)), tnn.GroupNorm(2, 4),
            tnn.InstanceNorm2d(4, affine=True), tnn.LayerNorm(6)), (2, 3, 8, 8)),
        "upsamples": (lambda: tnn.Sequential(
            tnn.Upsample(scale_factor=2), tnn.Upsample(size=(7, 9), mode="bilinear",
                                                       align_corners=True),
            tnn.Upsample(scale_factor=2, mode="bicubic"), tnn.Upsample(scale_factor=0.5,
                                                                       mode="bilinear")),
            (2, 3, 4, 5)),
    }  # fmt: skip


TORCH_CASES = [
    "conv_same", "conv_reflect", "depthwise_conv1d", "conv3d", "conv_transpose",
    "max_pool_ceil", "max_pool_dilated", "avg_pool", "global_pools", "adaptive_avg_pool",
    "cnn_batch_norm", "linear_batch_norm1d", "layer_norm", "group_norm", "instance_norm",
    "upsample_nearest", "upsample_bilinear", "upsample_bilinear_align_corners",
    "upsample_bicubic", "dropout",
]  # fmt: skip
LEGACY = [(False, 13), (False, 17)]


@pytest.mark.parametrize(
    "name, dynamo, opset",
    [(name, *exporter) for name in TORCH_CASES for exporter in LEGACY]
    + [(name, True, 18) for name in ("convs", "convs1d_3d", "pools", "norms", "upsamples")],
)
def test_torch_export_loads(name, dynamo, opset):
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    make, shape = _torch_cases()[name]
    other = (shape[0] + 2,) + shape[1:]
    check_torch_import(
        make(), torch.randn(*shape), other_args=[torch.randn(*other)], dynamo=dynamo,
        opset_version=opset, input_names=["x"], dynamic_axes={"x": {0: "batch"}},
    )  # fmt: skip


# -- single ONNX nodes against onnxruntime ----------------------------------------------------


def _node_model(op_type, x, weights=(), attrs=None, opset=17, outputs=1):
    """A one-node model: input ``x``, then the initializers ``weights`` (None: omitted)."""
    import onnx
    from onnx import helper, numpy_helper

    names = ["x"] + [f"w{k}" if w is not None else "" for k, w in enumerate(weights)]
    inits = [numpy_helper.from_array(w, f"w{k}") for k, w in enumerate(weights) if w is not None]
    out_names = [f"y{k}" for k in range(outputs)]
    node = helper.make_node(op_type, names, out_names, **(attrs or {}))
    graph = helper.make_graph(
        [node], "g", [helper.make_tensor_value_info("x", onnx.TensorProto.FLOAT, x.shape)],
        [helper.make_empty_tensor_value_info(n) for n in out_names],
        inits,
    )  # fmt: skip
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    return onnx.shape_inference.infer_shapes(model).SerializeToString()  # types the outputs


def _f32(*shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape).astype(np.float32)


def _i64(*values):
    return np.array(values, dtype=np.int64)


# (id, op_type, input shape, weights, attrs, opset, outputs)
NODE_CASES = [
    ("conv_same_upper", "Conv", (1, 2, 7, 6), [_f32(3, 2, 2, 3)],
     {"auto_pad": "SAME_UPPER", "strides": [2, 2]}, 17, 1),
    ("conv_same_lower", "Conv", (1, 2, 7, 6), [_f32(3, 2, 2, 3), _f32(3)],
     {"auto_pad": "SAME_LOWER"}, 17, 1),
    ("conv_valid", "Conv", (1, 2, 7), [_f32(3, 2, 3)], {"auto_pad": "VALID"}, 13, 1),
    ("conv_asymmetric_pads", "Conv", (1, 4, 5, 5), [_f32(4, 1, 3, 3)],
     {"pads": [0, 1, 2, 1], "group": 4, "dilations": [1, 2]}, 17, 1),
    ("conv_transpose_output_shape", "ConvTranspose", (1, 2, 4, 4), [_f32(2, 3, 3, 3)],
     {"strides": [2, 2], "output_shape": [8, 9]}, 17, 1),
    ("conv_transpose_same_upper", "ConvTranspose", (1, 2, 4), [_f32(2, 3, 4), _f32(3)],
     {"strides": [2], "auto_pad": "SAME_UPPER"}, 17, 1),
    ("conv_transpose_asymmetric", "ConvTranspose", (1, 2, 4, 3), [_f32(2, 2, 3, 3), _f32(4)],
     {"strides": [2, 1], "pads": [0, 1, 2, 0], "group": 2, "output_padding": [1, 0]}, 17, 1),
    ("max_pool_same_upper", "MaxPool", (1, 2, 7, 6), [],
     {"kernel_shape": [3, 2], "strides": [2, 2], "auto_pad": "SAME_UPPER"}, 17, 1),
    ("max_pool_large_pads", "MaxPool", (1, 2, 6), [], {"kernel_shape": [2], "pads": [1, 1]},
     13, 1),
    ("max_pool_indices", "MaxPool", (2, 3, 5, 5), [],
     {"kernel_shape": [2, 2], "pads": [1, 1, 1, 1], "strides": [2, 2]}, 17, 2),
    ("avg_pool_asymmetric_exclude_pad", "AveragePool", (1, 2, 6, 5), [],
     {"kernel_shape": [3, 3], "pads": [0, 1, 2, 1]}, 17, 1),
    ("avg_pool_asymmetric_include_pad", "AveragePool", (1, 2, 6), [],
     {"kernel_shape": [3], "pads": [2, 0], "count_include_pad": 1}, 17, 1),
    ("global_max_pool", "GlobalMaxPool", (2, 3, 4, 5, 2), [], {}, 17, 1),
    ("group_norm_18", "GroupNormalization", (2, 6, 3), [_f32(3, seed=1), _f32(3, seed=2)],
     {"num_groups": 3, "epsilon": 1e-3}, 18, 1),
    ("layer_norm_mean_invstd", "LayerNormalization", (2, 3, 4),
     [_f32(3, 4, seed=1), _f32(4, seed=2)], {"axis": 1}, 17, 3),
    ("lrn_odd", "LRN", (2, 6, 3, 2), [], {"size": 3, "beta": 0.5}, 13, 1),
    ("dropout_mask_eval", "Dropout", (2, 3), [np.array(0.3, dtype=np.float32)], {}, 13, 2),
    ("resize_scales_nearest", "Resize", (1, 2, 3, 4),
     [None, np.array([1, 1, 2, 1.5], dtype=np.float32)],
     {"mode": "nearest", "coordinate_transformation_mode": "asymmetric",
      "nearest_mode": "floor"}, 13, 1),
    ("resize_sizes_nearest_exact", "Resize", (1, 2, 3, 4), [None, None, _i64(1, 2, 7, 5)],
     {"mode": "nearest", "nearest_mode": "round_prefer_ceil"}, 13, 1),
    ("resize_tf_half_pixel_for_nn", "Resize", (1, 2, 5), [None, None, _i64(1, 2, 3)],
     {"mode": "nearest", "coordinate_transformation_mode": "tf_half_pixel_for_nn",
      "nearest_mode": "floor"}, 13, 1),
    ("resize_axes_linear", "Resize", (1, 2, 3, 4), [None, None, _i64(6)],
     {"mode": "linear", "axes": [3]}, 18, 1),
    ("resize_linear_align_corners", "Resize", (1, 2, 3, 4), [None, None, _i64(1, 2, 5, 7)],
     {"mode": "linear", "coordinate_transformation_mode": "align_corners"}, 17, 1),
    ("resize_cubic_pytorch_half_pixel", "Resize", (1, 2, 3, 4),
     [None, np.array([1, 1, 2, 2], dtype=np.float32)],
     {"mode": "cubic", "cubic_coeff_a": -0.75,
      "coordinate_transformation_mode": "pytorch_half_pixel"}, 17, 1),
]  # fmt: skip


@pytest.mark.parametrize(
    "op_type, shape, weights, attrs, opset, outputs",
    [case[1:] for case in NODE_CASES],
    ids=[case[0] for case in NODE_CASES],
)
def test_node_matches_onnxruntime(op_type, shape, weights, attrs, opset, outputs):
    data = _node_model(op_type, _f32(*shape), weights, attrs, opset, outputs)
    x = _f32(*shape, seed=3)
    ours = nr.onnx.load(data)(nr.from_numpy(x))
    assert_close(ours, run_onnxruntime(data, [x]), 1e-5, 1e-5, op_type)


def test_lrn_with_an_even_size_follows_the_onnx_spec():
    # onnxruntime runs odd sizes only (and onnx.reference's LRN loops over the batch)
    size, alpha, beta, bias = 4, 0.5, 0.75, 2.0
    data = _node_model("LRN", _f32(2, 6, 3), [], {"size": size, "alpha": alpha, "bias": bias})
    x = _f32(2, 6, 3, seed=3)
    before, after = (size - 1) // 2, size // 2  # floor and ceil of (size - 1) / 2
    sums = [(x[:, max(c - before, 0) : c + after + 1] ** 2).sum(1) for c in range(6)]
    expected = x / (bias + alpha / size * np.stack(sums, 1)) ** beta
    assert_close(nr.onnx.load(data)(nr.from_numpy(x)), expected, 1e-5, 1e-5, "LRN")


def test_group_normalization_21_scales_per_channel():
    torch = pytest.importorskip("torch")
    scale, bias = _f32(6, seed=1), _f32(6, seed=2)
    data = _node_model("GroupNormalization", _f32(2, 6, 3), [scale, bias], {"num_groups": 2}, 21)
    x = _f32(2, 6, 3, seed=3)
    expected = torch.nn.functional.group_norm(
        torch.from_numpy(x), 2, torch.from_numpy(scale), torch.from_numpy(bias)
    )
    assert_close(nr.onnx.load(data)(nr.from_numpy(x)), expected, 1e-5, 1e-5, "GroupNorm-21")


@pytest.mark.parametrize(
    "op_type, weights, attrs, match",
    [
        ("Resize", [None, np.array([1, 1, 2], dtype=np.float32)], {"mode": "nearest"},
         "round_prefer_floor"),
        ("Resize", [None, np.array([1, 1, 2], dtype=np.float32)],
         {"mode": "cubic", "coordinate_transformation_mode": "align_corners"}, "3-D input"),
        ("Resize", [None, np.array([2, 1, 2], dtype=np.float32)],
         {"mode": "nearest", "nearest_mode": "floor",
          "coordinate_transformation_mode": "asymmetric"}, "batch or channel"),
        ("Resize", [None, np.array([1, 1, 2], dtype=np.float32)],
         {"mode": "linear", "coordinate_transformation_mode": "asymmetric"}, "asymmetric"),
        ("AveragePool", [], {"kernel_shape": [2], "dilations": [2]}, "dilations"),
        ("MaxPool", [], {"kernel_shape": [2], "pads": [0, 1], "ceil_mode": 1}, "ceil_mode"),
    ],
)  # fmt: skip
def test_unsupported_nodes_raise(op_type, weights, attrs, match):
    module = nr.onnx.load(_node_model(op_type, _f32(1, 2, 5), weights, attrs, 17))
    with pytest.raises(UnsupportedOperatorError, match=match):
        module(nr.randn(1, 2, 5))


# -- training an imported model ---------------------------------------------------------------


def _torch_trained_export(model, x):
    """torch's legacy export of ``model`` in training mode: BatchNormalization nodes stay
    (in eval mode torch folds them into the convolutions)."""
    import torch

    buffer = io.BytesIO()
    model.train()
    torch.onnx.export(
        model, (x,), buffer, dynamo=False, opset_version=17,
        training=torch.onnx.TrainingMode.TRAINING,
    )  # fmt: skip
    return buffer.getvalue()


def test_fine_tuning_conv_batch_norm_matches_torch():
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    tnn = torch.nn
    model = tnn.Sequential(
        tnn.Conv2d(3, 4, 3), tnn.BatchNorm2d(4, momentum=0.2), tnn.ReLU(), tnn.Conv2d(4, 2, 1)
    )
    batches = [torch.randn(4, 3, 6, 6) for _ in range(2)]
    exported = copy.deepcopy(model)
    loaded = nr.onnx.load(_torch_trained_export(exported, batches[0]))
    model.load_state_dict(exported.state_dict())  # tracing in training mode updated its stats
    assert "BatchNormalization" in [context.op_type for context, *_ in loaded._nodes]
    model.train()
    loaded.train()
    ours = dict(loaded.named_parameters())
    for x in batches:  # two steps: the second normalizes with updated running statistics
        model.zero_grad()
        loaded.zero_grad()
        model(x).pow(2).mean().backward()
        loaded(nr.from_numpy(x.numpy())).pow(2).mean().backward()
        for name, param in model.named_parameters():
            assert_close(ours[name].grad, param.grad, 1e-5, 1e-4, f"grad of {name}")
    buffers = dict(loaded.named_buffers())
    for name in ("1.running_mean", "1.running_var"):
        assert_close(buffers[name], model.state_dict()[name], 1e-6, 1e-5, name)
    model.eval()
    loaded.eval()
    with torch.no_grad():
        x = torch.randn(2, 3, 6, 6)
        assert_close(loaded(nr.from_numpy(x.numpy())), model(x), 1e-5, 1e-5, "eval after training")


def test_training_an_exported_batch_norm_updates_the_running_statistics():
    nr.manual_seed(0)
    model = nn.Sequential(nn.Conv2d(3, 4, 3), nn.BatchNorm2d(4), nn.ReLU())
    loaded = nr.onnx.load(export_bytes(model.eval(), nr.randn(2, 3, 5, 5)))
    x = nr.randn(4, 3, 5, 5)
    model.train()
    loaded.train()
    assert_close(loaded(x), model(x), 1e-5, 1e-5, "training-mode output")
    buffers = dict(loaded.named_buffers())
    for name in ("1.running_mean", "1.running_var"):
        assert_close(buffers[name], model.state_dict()[name], 1e-6, 1e-5, name)
    assert not any("running" in name for name, _ in loaded.named_parameters())


def test_dropout_node_drops_in_training_mode_only():
    data = _node_model("Dropout", _f32(200, 50), [np.array(0.5, dtype=np.float32)], {}, 13)
    module = nr.onnx.load(data)
    x = nr.ones(200, 50)
    assert_close(module(x), x, 0, 0, "eval")
    module.train()
    out = module(x).numpy()
    assert set(np.unique(out).tolist()) == {0.0, 2.0}
    assert 0.4 < (out == 0).mean() < 0.6


def test_torch_cnn_with_dynamic_image_size_loads():
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    tnn = torch.nn
    model = tnn.Sequential(
        tnn.Conv2d(3, 4, 3, padding=1), tnn.ReLU(), tnn.MaxPool2d(2, ceil_mode=True),
        tnn.Conv2d(4, 4, 3, padding="same", groups=2), tnn.AvgPool2d(3, 1, 1),
        tnn.Upsample(scale_factor=2, mode="bilinear"), tnn.AdaptiveAvgPool2d(1),
    )  # fmt: skip
    check_torch_import(
        model, torch.randn(2, 3, 8, 8), other_args=[torch.randn(3, 3, 11, 6)], input_names=["x"],
        dynamic_axes={"x": {0: "batch", 2: "height", 3: "width"}},
    )  # fmt: skip
