"""ONNX export and import of elementwise ops, activations, softmax, reductions and casts.

- Export: each op, applied by a tiny module, round-trips through onnxruntime and
  ``nr.onnx.load`` with a dynamic batch (``check_roundtrip``).
- Import: the same functions exported by PyTorch (legacy exporter at opsets 13
  and 18, where the reductions' axes change form, and the dynamo exporter) load
  and match PyTorch; single ONNX nodes that PyTorch does not emit are checked
  against onnxruntime.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import neurarust as nr
import neurarust.nn.functional as F
from neurarust.ops.attention import SafeSoftmax
from neurarust.ops.reduction import CumSum

pytest.importorskip("onnx")
pytest.importorskip("onnxruntime")

from neurarust.onnx._graph import UnsupportedOperatorError  # noqa: E402

from .conftest import (  # noqa: E402
    assert_close,
    check_roundtrip,
    check_torch_import,
    export_bytes,
    run_onnxruntime,
    torch_export,
)


class Lambda(nr.nn.Module):
    """A module whose forward applies ``function`` to its inputs."""

    def __init__(self, function: Callable[..., Any]) -> None:
        super().__init__()
        self.function = function

    def forward(self, *inputs: Any) -> Any:
        return self.function(*inputs)


# -- inputs: each maker gives the arrays for a batch of n ------------------------------------


def _floats(n: int, seed: int = 0, shape: tuple[int, ...] = (3, 4)) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal((n, *shape)).astype(np.float32)


def _positive(n: int) -> np.ndarray:
    return np.abs(_floats(n)) + 0.5


def _ints(n: int, seed: int = 0) -> np.ndarray:
    """Nonzero integers in [-6, 6]."""
    values = np.random.default_rng(seed).integers(1, 7, (n, 3, 4))
    return values * np.where(_floats(n, seed + 1) > 0, 1, -1)


def _special(n: int) -> np.ndarray:
    """nan, +-inf, exact halves (rounding ties) and ordinary values."""
    row = [math.nan, math.inf, -math.inf, 0.5, 1.5, -2.5, 0.0, 3.25, -0.75, 2.0, -1.0, 7.0]
    return np.tile(np.array(row, np.float32).reshape(1, 3, 4), (n, 1, 1))


def _masked_rows(n: int) -> np.ndarray:
    """Scores whose first row is all -inf, as attention gives for a fully masked query."""
    x = _floats(n)
    x[:, 0] = -math.inf
    x[:, 1, :2] = -math.inf
    return x


X = (_floats,)
XY = (_floats, lambda n: _floats(n, seed=1))
POS = (_positive,)
POS_Y = (_positive, lambda n: _floats(n, seed=1))
INTS = (_ints,)
INTS2 = (_ints, lambda n: _ints(n, seed=3))
SPECIAL = (_special,)
X_INTS = (_floats, _ints)


def _inputs(makers: tuple[Callable[[int], np.ndarray], ...], n: int) -> tuple[nr.Tensor, ...]:
    return tuple(nr.from_numpy(np.ascontiguousarray(make(n))) for make in makers)


def _roundtrip(
    model: nr.nn.Module, makers: tuple[Callable[[int], np.ndarray], ...], opset: int = 17
) -> bytes:
    """Export with every input's axis 0 dynamic; check batches of 3 and 5."""
    names = [f"input_{k}" for k in range(len(makers))]
    return check_roundtrip(
        model,
        _inputs(makers, 3),
        other_args=[_inputs(makers, 5)],
        input_names=names,
        dynamic_axes={name: {0: "batch"} for name in names},
        opset_version=opset,
    )


# -- export round trips ----------------------------------------------------------------------

ELEMENTWISE = {
    "add": (lambda x, y: x + y, XY),
    "add_alpha": (lambda x, y: nr.add(x, y, alpha=2), XY),
    "sub_alpha": (lambda x, y: nr.sub(x, y, alpha=0.5), XY),
    "rsub": (lambda x: 2 - x, X),
    "mul_scalar": (lambda x: x * 3, X),
    "div": (lambda x, y: x / y, XY),
    "rdiv": (lambda x: 1 / x, X),
    "int_div_is_float": (lambda a, b: a / b, INTS2),
    "int_plus_float_scalar": (lambda a: a + 2.5, INTS),
    "float_plus_int_tensor": (lambda x, a: x + a, X_INTS),
    "bool_add_mul": (lambda x, y: ((x > 0) + (y > 0), (x > 0) * (y > 0)), XY),
    "floor_divide": (lambda x, y: x // y, XY),
    "int_floor_divide": (lambda a, b: a // b, INTS2),
    "trunc_divide": (lambda x, y: nr.div(x, y, rounding_mode="trunc"), XY),
    "int_trunc_divide": (lambda a, b: nr.div(a, b, rounding_mode="trunc"), INTS2),
    "remainder": (lambda x, y: x % y, XY),
    "int_remainder": (lambda a, b: a % b, INTS2),
    "fmod": (lambda x, y: nr.fmod(x, y), XY),
    "int_fmod": (lambda a, b: nr.fmod(a, b), INTS2),
    "pow_scalar": (lambda x: x**2, X),
    "pow_tensor": (lambda x, y: x**y, POS_Y),
    "scalar_pow": (lambda x: 2**x, X),
    "int_pow": (lambda a: a**2, INTS),
    "neg_abs": (lambda x: (-x, x.abs()), X),
    "reciprocal": (lambda x: x.reciprocal(), X),
    "int_reciprocal": (lambda a: a.reciprocal(), INTS),
    "compare": (lambda x, y: (x < y, x <= 0.5, x > y, x >= y, x != 0), XY),
    "equal": (lambda x, y: x.round() == y.round(), XY),
    "bool_compare": (lambda x, y: ((x > 0) < (y > 0), (x > 0) >= (y > 0), (x > 0) == (y > 0)), XY),
    "int_vs_float": (lambda a: a > 1.5, INTS),
    "logical": (
        lambda x, y: (
            nr.logical_and(x, y > 0),
            nr.logical_or(x > 0, y),
            nr.logical_xor(x > 0, y > 0),
            nr.logical_not(x),
        ),
        XY,
    ),
    "bool_bitwise": (lambda x, y: ((x > 0) & (y > 0), (x > 0) | (y > 0), (x > 0) ^ (y > 0)), XY),
    "bool_invert": (lambda x: ~(x > 0), X),
    "nan_inf_tests": (lambda x: (x.isnan(), x.isinf(), x.isfinite()), SPECIAL),
    "int_nan_test": (lambda a: a.isnan(), INTS),
    "rounding": (lambda x: (x.floor(), x.ceil(), x.round(), x.trunc(), x.sign()), SPECIAL),
    "round_decimals": (lambda x: x.round(decimals=1), X),
    "int_rounding": (lambda a: (a.floor(), a.trunc(), a.sign()), INTS),
    "clamp": (lambda x: (x.clamp(-0.5, 0.5), x.clamp(min=0), x.clamp(max=0.2)), X),
    "clamp_tensors": (lambda x, y: x.clamp(y, y + 1), XY),
    "int_clamp": (lambda a: a.clamp(-2, 3), INTS),
    "maximum_minimum": (lambda x, y: (nr.maximum(x, y), nr.minimum(x, y)), XY),
    "where": (lambda x, y: (nr.where(x > 0, x, 0.0), nr.where(x > y, x, y)), XY),
    "lerp": (lambda x, y: (x.lerp(y, 0.3), x.lerp(y, 0.8), x.lerp(y, y.sigmoid())), XY),
    "addcmul_addcdiv": (
        lambda x, y: (nr.addcmul(x, x, y, value=0.5), nr.addcdiv(x, y, x, value=2)),
        XY,
    ),
    "nan_to_num": (lambda x: (x.nan_to_num(), x.nan_to_num(1.0, 9.0, -9.0)), SPECIAL),
    "exp_log": (lambda x: (x.exp(), x.log(), x.log2(), x.log10(), x.log1p()), POS),
    "exp_variants": (lambda x: (x.expm1(), x.exp2()), X),
    "roots": (lambda x: (x.sqrt(), x.rsqrt(), x.square()), POS),
    "trigonometry": (lambda x: (x.sin(), x.cos(), x.tan(), x.tanh()), X),
    "sigmoid_erf_relu": (lambda x: (x.sigmoid(), x.erf(), x.relu()), X),
    "int_exp_square_relu": (lambda a: (a.exp(), a.square(), a.relu()), INTS),
    "cosine_similarity": (lambda x, y: F.cosine_similarity(x, y * 0), XY),
}

ACTIVATIONS = {
    "hardtanh": (lambda x: (F.hardtanh(x, -0.5, 0.5), F.relu6(x * 4)), X),
    "int_hardtanh": (lambda a: F.hardtanh(a, -2.5, 2.5), INTS),
    "threshold": (lambda x: F.threshold(x, 0.1, 20.0), X),
    "leaky_relu": (lambda x: F.leaky_relu(x, 0.2), X),
    "elu_selu_celu": (lambda x: (F.elu(x, 0.5), F.selu(x), F.celu(x, 2)), X),
    "elu_float64": (lambda x: (F.elu(x.double()), F.selu(x.double()), F.celu(x.double(), 2)), X),
    "gelu": (lambda x: (F.gelu(x), F.gelu(x, approximate="tanh")), X),
    "silu_mish": (lambda x: (F.silu(x), F.mish(x)), X),
    "softplus": (lambda x: (F.softplus(x), F.softplus(x * 10, beta=2.0, threshold=1.0)), X),
    "softsign": (lambda x: F.softsign(x), X),
    "int_softsign": (lambda a: F.softsign(a), INTS),
    "hard_sigmoid_swish": (lambda x: (F.hardsigmoid(x * 4), F.hardswish(x * 4)), X),
    "shrinks": (lambda x: (F.hardshrink(x, 0.3), F.softshrink(x, 0.3), F.tanhshrink(x)), X),
    "logsigmoid": (lambda x: F.logsigmoid(x * 30), X),
    "glu": (lambda x: F.glu(x, -1), X),
    "softmax": (lambda x: (x.softmax(-1), x.softmax(1), F.log_softmax(x, 2)), X),
    "softmin": (lambda x: F.softmin(x, 1), X),
    "safe_softmax": (lambda x: SafeSoftmax.apply(x, 2), (_masked_rows,)),
    "logsumexp": (lambda x: (x.logsumexp(1), x.logsumexp((1, 2), keepdim=True)), X),
    "int_logsumexp": (lambda a: a.logsumexp(1), INTS),
}

REDUCTIONS = {
    "sum": (lambda x: (x.sum(), x.sum(1), x.sum((1, 2), keepdim=True)), X),
    "int_sum": (lambda a: (a.sum(), a.int().sum(2, dtype=nr.int32)), INTS),
    "mean": (lambda x: (x.mean(), x.mean(-1, keepdim=True)), X),
    "prod": (lambda x: (x.prod(1), x.prod(), x.prod(2, keepdim=True)), X),
    "int_prod": (lambda a: a.prod(1), INTS),
    "amax_amin": (lambda x: (x.amax((1, 2)), x.amin(), x.amax(0, keepdim=True)), X),
    "max_min_along_dim": (lambda x: (*x.max(1), *x.min(2, keepdim=True)), X),
    "argmax_argmin": (
        lambda x: (x.argmax(1), x.argmin(-1, keepdim=True), x.argmax(), x.argmin(keepdim=True)),
        X,
    ),
    "all_any": (
        lambda x: ((x > 0).all(1), (x > 0).any((0, 2), keepdim=True), x.any(), x.all(())),
        X,
    ),
    "var_std": (lambda x: (x.var(1), x.std(2, keepdim=True), x.var(correction=0)), X),
    "var_over_batch": (lambda x: (x.var(), x.std((0, 2)), x.var(0, correction=2)), X),
    "norm": (
        lambda x: (
            x.norm(),
            x.norm(1, 1),
            x.norm(math.inf, 2),
            x.norm(-math.inf, 1, keepdim=True),
            x.norm(0, 2),
            x.norm(3, (1, 2)),
        ),
        X,
    ),
    "cumsum": (lambda x: (x.cumsum(1), CumSum.apply(x, 2, True)), X),
    "int_cumsum": (lambda a: a.cumsum(2), INTS),
    "casts": (lambda x: (x.to(nr.int64), x.double(), x.bool(), x.to(x.dtype, copy=True)), X),
    "int_cast": (lambda a: (a.float(), a.to(nr.int32)), INTS),
}


@pytest.mark.parametrize("name", list(ELEMENTWISE) + list(ACTIVATIONS))
def test_elementwise_roundtrip(name):
    function, makers = {**ELEMENTWISE, **ACTIVATIONS}[name]
    _roundtrip(Lambda(function), makers)


@pytest.mark.parametrize("opset", [13, 18])
@pytest.mark.parametrize("name", REDUCTIONS)
def test_reduction_roundtrip(name, opset):
    function, makers = REDUCTIONS[name]
    _roundtrip(Lambda(function), makers, opset)


@pytest.mark.parametrize(
    "function, opset, op_type, absent",
    [
        (lambda x: F.mish(x), 18, "Mish", "Softplus"),
        (lambda x: F.mish(x), 13, "Softplus", "Mish"),
        (lambda x: F.hardswish(x), 14, "HardSwish", "HardSigmoid"),
        (lambda x: F.hardswish(x), 13, "HardSigmoid", "HardSwish"),
        (lambda x: nr.nn.AdaptiveAvgPool2d(1)(x), 17, "GlobalAveragePool", "ReduceMean"),
        (lambda x: x.mean((2, 3)), 17, "ReduceMean", "GlobalAveragePool"),
    ],
)
def test_op_forms_by_opset_and_shape(function, opset, op_type, absent):
    import onnx

    data = _roundtrip(Lambda(function), (lambda n: _floats(n, shape=(3, 4, 5)),), opset)
    op_types = {node.op_type for node in onnx.load_from_string(data).graph.node}
    assert op_type in op_types and absent not in op_types


class Bits(nr.nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.bits = Lambda(lambda a, b: (a & b, a | 3, a ^ b, ~a))

    def forward(self, a, b):
        return self.bits(a, b)


def test_int_bitwise_ops_need_opset_18():
    _roundtrip(Bits(), INTS2, opset=18)
    with pytest.raises(UnsupportedOperatorError, match=r"'bits'.*bitwise_and.*opset 18"):
        export_bytes(Bits(), _inputs(INTS2, 2), opset_version=17)


def test_prelu_with_dynamic_axes():
    prelu = nr.nn.PReLU(3)
    with nr.no_grad():
        prelu.weight.copy_(nr.tensor([0.1, -0.5, 2.0]))
    _roundtrip(prelu, (lambda n: _floats(n, shape=(3, 2, 2)),))
    _roundtrip(nr.nn.PReLU(), X)  # one slope


def test_safe_softmax_rows_of_minus_inf_are_zero():
    x = nr.from_numpy(_masked_rows(2))
    (out,) = run_onnxruntime(export_bytes(Lambda(lambda t: SafeSoftmax.apply(t, 2)), x), x)
    assert (out[:, 0] == 0).all() and np.isfinite(out).all()


def test_loaded_export_gives_the_original_gradients():
    class Model(nr.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.fc1, self.fc2 = nr.nn.Linear(4, 6), nr.nn.Linear(6, 3)
            self.act = nr.nn.PReLU(6)

        def forward(self, x):
            h = F.softplus(self.act(self.fc1(x)), beta=2.0, threshold=1.0)
            h = h * h.sigmoid() + F.gelu(h) / (h.std(1, keepdim=True) + 1)
            return F.log_softmax(self.fc2(h), -1).clamp(min=-5.0)

    model = Model()
    x = nr.randn(5, 4)
    loaded = nr.onnx.load(_roundtrip(model, (lambda n: _floats(n, shape=(4,)),)))
    loaded.train()
    for module in (model, loaded):
        (module(x) * nr.arange(15).reshape(5, 3)).sum().backward()
    grads = {name: p.grad for name, p in loaded.named_parameters()}
    for name, parameter in model.named_parameters():
        np.testing.assert_allclose(
            grads[name].numpy(), parameter.grad.numpy(), atol=1e-5, rtol=1e-5, err_msg=name
        )


# -- import of PyTorch's exports -------------------------------------------------------------


# Functions of (torch, *inputs), with their inputs: "x", "xy", "pos" or "ints".
TORCH_CASES: dict[str, tuple[Callable[..., Any], str]] = {
    "arithmetic": (lambda t, x, y: (x + y, x - 2 * y, x * y, x / y, -x, x.abs()), "xy"),
    "int_arithmetic": (
        lambda t, a, b: (a + b, a * b, t.div(a, b, rounding_mode="trunc"), a % b),
        "ints",
    ),
    "pow": (lambda t, x: (x**x, x**2, x.reciprocal(), x.sqrt(), x.log()), "pos"),
    "fmod": (lambda t, x, y: (t.fmod(x, y), t.remainder(x, y)), "xy"),
    "unary": (
        lambda t, x: (x.exp(), x.erf(), x.tanh(), x.sigmoid(), x.sin(), x.cos(), x.tan()),
        "x",
    ),
    "rounding": (lambda t, x: (x.floor(), x.ceil(), (x * 4).round(), x.sign()), "x"),
    "tests": (lambda t, x: (x.isnan(), x.isinf(), t.isfinite(x)), "x"),
    "activations": (
        lambda t, x: (
            t.nn.functional.relu(x),
            t.nn.functional.leaky_relu(x, 0.2),
            t.nn.functional.elu(x, 0.5),
            t.nn.functional.selu(x),
            t.nn.functional.celu(x, 2.0),
            t.nn.functional.hardsigmoid(x * 4),
            t.nn.functional.hardswish(x * 4),
            t.nn.functional.softplus(x),
            t.nn.functional.softsign(x),
            t.nn.functional.mish(x),
            t.nn.functional.silu(x),
        ),
        "x",
    ),
    "gelu": (
        lambda t, x: (t.nn.functional.gelu(x), t.nn.functional.gelu(x, approximate="tanh")),
        "x",
    ),
    "shrink": (
        lambda t, x: (t.nn.functional.hardshrink(x, 0.3), t.nn.functional.softshrink(x, 0.3)),
        "x",
    ),
    "relu6": (lambda t, x: t.nn.functional.relu6(x * 4), "x"),
    "clamp": (lambda t, x: (x.clamp(-0.5, 0.5), x.clamp(min=0.1), x.clamp(max=0.1)), "x"),
    "max_min_where": (
        lambda t, x, y: (t.maximum(x, y), t.minimum(x, y), t.where(x > y, x, y)),
        "xy",
    ),
    "compare": (lambda t, x, y: (x == y, x < y, x <= y, x > y, x >= y, x != y), "xy"),
    "logic": (
        lambda t, x, y: (
            t.logical_and(x > 0, y > 0),
            t.logical_or(x > 0, y > 0),
            t.logical_xor(x > 0, y > 0),
            ~(x > 0),
        ),
        "xy",
    ),
    "casts": (lambda t, x: (x.int(), x.double(), x.bool(), x.to(t.float16)), "x"),
    "softmax": (
        lambda t, x: (x.softmax(-1), x.log_softmax(1), t.nn.functional.softmin(x, 2)),
        "x",
    ),
    "reductions": (
        lambda t, x: (
            x.sum(1),
            x.sum((1, 2), keepdim=True),
            x.mean(-1),
            x.amax((1, 2)),
            x.amin(1, keepdim=True),
            x.prod(2),
            x.logsumexp(1),
            x.norm(dim=2),
            x.norm(p=1, dim=1),
            x.var(2),
        ),
        "x",
    ),
    "reduce_all": (lambda t, x: (x.sum(), x.mean(), x.max(), x.min()), "x"),
    "argmax": (lambda t, x: (x.argmax(1), x.argmin(2, keepdim=True), *x.max(2)), "x"),
    "cumsum": (lambda t, x: x.cumsum(1), "x"),
}


def _torch_inputs(kind: str, n: int) -> tuple[Any, ...]:
    torch = pytest.importorskip("torch")
    makers = {"x": X, "xy": XY, "pos": POS, "ints": INTS2}[kind]
    return tuple(torch.from_numpy(np.ascontiguousarray(make(n))) for make in makers)


def torch_lambda(function: Callable[..., Any]) -> Any:
    """A torch module whose forward is ``function(torch, *inputs)``."""
    torch = pytest.importorskip("torch")

    class TorchLambda(torch.nn.Module):
        def forward(self, x: Any, y: Any = None) -> Any:  # named: torch.export needs them
            return function(torch, *[v for v in (x, y) if v is not None])

    return TorchLambda()


@pytest.mark.parametrize("opset", [13, 18])
@pytest.mark.parametrize("name", TORCH_CASES)
def test_torch_legacy_export_loads(name, opset):
    function, kind = TORCH_CASES[name]
    inputs = _torch_inputs(kind, 3)
    names = [f"input_{k}" for k in range(len(inputs))]
    check_torch_import(
        torch_lambda(function),
        inputs,
        other_args=[_torch_inputs(kind, 5)],
        opset_version=opset,
        input_names=names,
        dynamic_axes={name: {0: "batch"} for name in names},
    )


def test_torch_prelu_loads_and_fine_tunes_like_torch():
    torch = pytest.importorskip("torch")
    model = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.PReLU(3), torch.nn.Softplus(2.0))
    x = torch.randn(5, 4)
    loaded = check_torch_import(model, x)
    loaded.train()
    model(x).pow(2).sum().backward()
    loaded(nr.from_numpy(x.numpy())).pow(2).sum().backward()
    grads = {name: p.grad for name, p in loaded.named_parameters()}
    for name, parameter in model.named_parameters():
        ours = grads[name].numpy().reshape(parameter.shape)
        np.testing.assert_allclose(ours, parameter.grad.numpy(), atol=1e-5, rtol=1e-5)


def test_torch_dynamo_export_loads():
    """One export (the dynamo exporter is slow) of many ops, at opset 20 for its Gelu op."""
    import onnx

    def function(torch, x, y):
        TF = torch.nn.functional
        return (
            TF.gelu(x) + TF.hardswish(y) * TF.softplus(x) - TF.elu(y).clamp(-0.5, 0.5),
            TF.gelu(y, approximate="tanh"),
            torch.where(x > y, x.sigmoid(), y.tanh()).softmax(-1),
            x.mean((1, 2), keepdim=True),
            x.sum(1),
            x.amax(-1),
            x.var(1),
            x.argmax(2),
            (x / y.abs().clamp(min=0.5)).sqrt().nan_to_num(),
            x.to(torch.int64),
        )

    model = torch_lambda(function)
    data = torch_export(
        model,
        _torch_inputs("xy", 3),
        dynamo=True,
        opset_version=20,
        input_names=["x", "y"],
        dynamic_axes={"x": {0: "batch"}, "y": {0: "batch"}},
    )
    assert "Gelu" in {node.op_type for node in onnx.load_from_string(data).graph.node}
    loaded = nr.onnx.load(data)
    for n in (3, 5):
        inputs = _torch_inputs("xy", n)
        ours = loaded(*[nr.from_numpy(x.numpy()) for x in inputs])
        assert_close(ours, model(*inputs), 1e-5, 1e-5, f"dynamo export, batch {n}")


# -- single ONNX nodes, checked against onnxruntime ------------------------------------------


def _node_model(op_type: str, inputs: list[np.ndarray], opset: int, **attrs: Any) -> bytes:
    """A graph of one node over ``inputs`` (int64 1-D arrays named ``axes``... are
    initializers when given as ``(name, array)``)."""
    from onnx import helper, numpy_helper

    names, graph_inputs, initializers = [], [], []
    for k, value in enumerate(inputs):
        if isinstance(value, tuple):
            name, array = value
            initializers.append(numpy_helper.from_array(array, name))
        elif value is None:
            name = ""
        else:
            name = f"in{k}"
            elem = helper.np_dtype_to_tensor_dtype(value.dtype)
            graph_inputs.append(helper.make_tensor_value_info(name, elem, value.shape))
        names.append(name)
    node = helper.make_node(op_type, names, ["out"], **attrs)
    graph = helper.make_graph(
        [node], "g", graph_inputs, [helper.make_empty_tensor_value_info("out")], initializers
    )
    opsets = [helper.make_opsetid("", opset)]
    model = helper.make_model(graph, opset_imports=opsets)
    model.ir_version = helper.find_min_ir_version_for(opsets)
    return model.SerializeToString()


def _arrays(inputs: list[Any]) -> list[np.ndarray]:
    return [v for v in inputs if isinstance(v, np.ndarray)]


def _axes(*values: int) -> tuple[str, np.ndarray]:
    return ("axes", np.array(values, dtype=np.int64))


F3 = _floats(2, shape=(3, 4))
G3 = _floats(2, seed=4, shape=(3, 4))
I3 = _ints(2)
TIES = np.array([[3, 1, 3, 0], [2, 2, 1, 2]], dtype=np.int64)

NODES = [
    ("Sum", [F3, G3[0], F3[:, :1]], 13, {}),
    ("Mean", [F3, G3, F3], 13, {}),
    ("Max", [F3, G3[1]], 13, {}),
    ("Min", [F3, G3, F3 * 2], 13, {}),
    ("Div", [I3, I3[::-1] * 2], 13, {}),
    ("Pow", [I3, np.array(2.0, np.float32)], 13, {}),
    ("Mod", [I3, I3[::-1]], 13, {"fmod": 0}),
    ("Mod", [F3, G3], 13, {"fmod": 1}),
    ("ThresholdedRelu", [F3], 13, {"alpha": 0.3}),
    ("HardSigmoid", [F3], 13, {"alpha": 0.3, "beta": 0.4}),
    ("Selu", [F3], 13, {"alpha": 1.5, "gamma": 2.0}),
    ("Celu", [F3], 13, {"alpha": 1.5}),
    ("Shrink", [F3], 13, {"lambd": 0.4, "bias": 0.1}),
    ("Mish", [F3], 18, {}),
    ("Gelu", [F3], 20, {"approximate": "tanh"}),
    ("PRelu", [F3, G3[0, :, :1]], 13, {}),
    ("Clip", [F3], 10, {"min": -0.2, "max": 0.3}),
    ("Clip", [F3], 10, {"max": 0.3}),
    ("Clip", [F3, None, np.array(0.1, np.float32)], 13, {}),
    ("Clip", [I3, np.array(-2), np.array(3)], 13, {}),
    ("Softmax", [F3], 11, {"axis": 1}),
    ("LogSoftmax", [F3], 11, {}),
    ("Hardmax", [F3], 11, {"axis": 2}),
    ("Hardmax", [F3], 13, {"axis": 1}),
    ("Softmax", [F3], 13, {}),
    ("ReduceMean", [F3], 13, {"axes": [0, -1], "keepdims": 0}),
    ("ReduceMean", [F3, _axes(0, -1)], 18, {"keepdims": 0}),
    ("ReduceMean", [F3, _axes()], 18, {"noop_with_empty_axes": 1}),
    ("ReduceSum", [F3, _axes()], 13, {}),
    ("ReduceSum", [F3, _axes(1)], 13, {"keepdims": 0}),
    ("ReduceSum", [I3], 11, {"axes": [2]}),
    ("ReduceProd", [F3], 13, {"axes": [0, 2], "keepdims": 0}),
    ("ReduceProd", [I3, _axes(1, 2)], 18, {}),
    ("ReduceMax", [F3, _axes(1)], 18, {}),
    ("ReduceMin", [F3], 13, {}),
    ("ReduceL1", [F3], 13, {"axes": [1]}),
    ("ReduceL2", [F3, _axes(1, 2)], 18, {"keepdims": 0}),
    ("ReduceSumSquare", [F3], 13, {"axes": [2]}),
    ("ReduceLogSum", [np.abs(F3)], 13, {"axes": [1]}),
    ("ReduceLogSumExp", [F3 * 30, _axes(2)], 18, {}),
    ("ArgMax", [TIES], 13, {"axis": 1, "select_last_index": 1}),
    ("ArgMin", [TIES], 13, {"axis": -1, "keepdims": 0, "select_last_index": 1}),
    ("ArgMax", [F3], 13, {}),
    ("CumSum", [F3, ("axis", np.array(1))], 13, {"exclusive": 1}),
    ("CumSum", [F3, ("axis", np.array(-1))], 13, {"reverse": 1, "exclusive": 1}),
    ("CumSum", [I3, ("axis", np.array(2))], 13, {"reverse": 1}),
    ("Cast", [F3 * 3], 13, {"to": 6}),  # int32
    ("Cast", [I3], 13, {"to": 9}),  # bool
    ("CastLike", [I3, np.zeros(1, np.float64)], 15, {}),
    ("IsInf", [_special(1)], 13, {"detect_negative": 0}),
    ("IsInf", [_special(1)], 13, {"detect_positive": 0}),
    ("IsInf", [_special(1)], 13, {"detect_positive": 0, "detect_negative": 0}),
    ("Round", [_special(1)], 13, {}),
    ("Xor", [F3 > 0, G3 > 0], 13, {}),
    ("Identity", [F3], 13, {}),
]


@pytest.mark.parametrize(
    "op_type, inputs, opset, attrs",
    NODES,
    ids=[f"{op}-{opset}-{k}" for k, (op, _, opset, _) in enumerate(NODES)],
)
def test_node_matches_onnxruntime(op_type, inputs, opset, attrs):
    data = _node_model(op_type, inputs, opset, **attrs)
    arrays = _arrays(inputs)
    expected = run_onnxruntime(data, tuple(arrays))
    ours = nr.onnx.load(data)(*[nr.from_numpy(np.ascontiguousarray(a)) for a in arrays])
    assert_close(ours, expected, 1e-5, 1e-5, op_type)
    assert np.asarray(ours.numpy()).dtype == expected[0].dtype


# -- errors ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "op_type, inputs, attrs, message",
    [
        ("Cast", [F3], {"to": 8}, "element type STRING"),
        ("Gelu", [F3], {"approximate": "erf"}, "approximate='erf'"),
    ],
)
def test_unsupported_node_attributes_name_the_node(op_type, inputs, attrs, message):
    data = _node_model(op_type, inputs, 20, **attrs)
    with pytest.raises(UnsupportedOperatorError, match=rf"node .*{op_type}.*{message}"):
        nr.onnx.load(data)(nr.from_numpy(inputs[0]))


def test_unconverted_elementwise_op_names_the_op():
    model = Lambda(lambda x: x.cumprod(1))
    with pytest.raises(UnsupportedOperatorError, match="CumProd"):
        export_bytes(model, nr.randn(2, 3))
