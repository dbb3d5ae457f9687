"""The export machinery itself: tracing, naming, in-place ops, dynamic sizes."""

import pytest

import neurarust as nr
from neurarust.onnx._graph import GraphBuilder, Symbol, UnsupportedOperatorError
from neurarust.onnx._trace import Alias, trace

pytest.importorskip("onnx")
pytest.importorskip("onnxruntime")

from .conftest import check_roundtrip, export_bytes, run_onnxruntime  # noqa: E402


class Block(nr.nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.inner = nr.nn.Linear(3, 3)
        self.unused = nr.nn.Linear(3, 5)

    def forward(self, x):
        return self.inner(x)


class Model(nr.nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.block = Block()
        self.head = nr.nn.Linear(3, 2)

    def forward(self, x):
        return self.head(self.block(x).relu())


def test_trace_records_ops_with_their_module_path():
    calls = trace(Model().eval(), (nr.randn(2, 3),), {}, frozenset()).calls
    assert [(c.op.__name__, c.module_path) for c in calls] == [
        ("Linear", "block.inner"),
        ("Relu", ""),
        ("Linear", "head"),
    ]


def test_tracing_restores_the_classes_it_swaps():
    apply, call, inplace = nr.autograd.Function.apply, nr.nn.Module.__call__, nr.Tensor._inplace
    with pytest.raises(ZeroDivisionError):
        trace(_Failing(), (nr.randn(2),), {}, frozenset())
    assert nr.autograd.Function.apply == apply
    assert nr.nn.Module.__call__ is call and nr.Tensor._inplace is inplace


class _Failing(nr.nn.Module):
    def forward(self, x):
        x.relu()
        return 1 / 0  # fails mid-trace


def test_weights_are_named_by_state_dict_keys_and_unused_ones_left_out():
    import onnx

    proto = onnx.load_from_string(export_bytes(Model(), nr.randn(2, 3)))
    names = sorted(i.name for i in proto.graph.initializer)
    assert names == ["block.inner.bias", "block.inner.weight", "head.bias", "head.weight"]
    assert proto.graph.node[0].name.startswith("/block/inner/")


def test_shared_weights_are_written_once():
    import onnx

    layer = nr.nn.Linear(3, 3)
    model = nr.nn.Sequential(layer, nr.nn.ReLU(), layer)
    data = check_roundtrip(model, nr.randn(2, 3))
    assert len(onnx.load_from_string(data).graph.initializer) == 2


class InPlace(nr.nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.fc = nr.nn.Linear(3, 3)

    def forward(self, x):
        y = self.fc(x)
        y.relu_()  # the graph must read the relu's result from y from here on
        return self.fc(y)


def test_in_place_ops_are_followed():
    calls = trace(InPlace().eval(), (nr.randn(2, 3),), {}, frozenset()).calls
    assert Alias in [c.op for c in calls]
    check_roundtrip(
        InPlace(),
        nr.randn(4, 3),
        other_args=[nr.randn(6, 3)],
        input_names=["x"],
        dynamic_axes={"x": {0: "n"}},
    )


class Identity(nr.nn.Module):
    def forward(self, x):
        return x, x


def test_outputs_that_are_inputs_or_repeated_get_identity_nodes():
    x = nr.randn(2, 3)
    data = export_bytes(Identity(), x, output_names=["a", "b"])
    a, b = run_onnxruntime(data, x)
    assert (a == x.numpy()).all() and (b == x.numpy()).all()


def _builder(*symbols: Symbol) -> GraphBuilder:
    return GraphBuilder(17, {}, list(symbols), nr.nn.Module())


@pytest.mark.parametrize(
    "value, twin, expected_ops",
    [
        (6, 6, []),  # a constant (a Constant node, left out below)
        (4, 5, ["Shape", "Gather"]),  # the batch itself
        (12, 15, ["Shape", "Gather", "Mul"]),  # 3 * batch
        (2, 5, None),  # no multiple of the batch: refused
    ],
)
def test_dynamic_sizes_are_multiples_of_input_dimensions(value, twin, expected_ops):
    g = _builder(Symbol("batch", "x", 0, 4, 5))
    if expected_ops is None:
        with pytest.raises(UnsupportedOperatorError, match="not a multiple"):
            g.size(value, twin)
        return
    g.size(value, twin)
    assert [n.op_type for n in g.nodes if n.op_type != "Constant"] == expected_ops


def test_a_product_of_two_dynamic_dimensions_is_found():
    # batch 4 -> 5 and time 4 -> 6: the sizes are equal in the first trace, so only
    # the second tells batch * time (16 -> 30) from batch ** 2 or time ** 2.
    g = _builder(Symbol("batch", "x", 0, 4, 5), Symbol("time", "x", 1, 4, 6))
    g.size(16, 30)
    gathers = [n for n in g.nodes if n.op_type == "Gather"]
    assert len(gathers) == 2 and g.nodes[-1].op_type == "Mul"


class CreatesSized(nr.nn.Module):
    def forward(self, x):
        return nr.nn.functional.linear(x, nr.ones(2, x.shape[1]), nr.zeros(x.shape[0], 2))


def test_a_tensor_created_with_a_dynamic_size_is_refused():
    with pytest.raises(UnsupportedOperatorError, match="created in forward"):
        export_bytes(CreatesSized(), nr.randn(3, 4), input_names=["x"], dynamic_axes={"x": [0]})


class SortsOutsideTheTrace(nr.nn.Module):
    def forward(self, x):
        return x * x.argsort(dim=1)  # argsort's indices come from NumPy, unseen by the trace


def test_an_input_dependent_tensor_the_trace_cannot_see_is_refused():
    with pytest.raises(UnsupportedOperatorError, match="depends on the inputs"):
        export_bytes(SortsOutsideTheTrace(), nr.randn(3, 4))


class BranchesOnValues(nr.nn.Module):
    def forward(self, x):
        return x.relu() if float(x.sum()) > 0 else x


def test_control_flow_on_values_is_refused():
    with pytest.raises(UnsupportedOperatorError, match="control flow"):
        export_bytes(BranchesOnValues(), -nr.ones(2, 3) * 0.1)
