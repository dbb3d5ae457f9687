"""Containers (Sequential, ModuleList, ModuleDict, ParameterList, ParameterDict) and
LazyModuleMixin against PyTorch.

Each case runs with ``lib = neurarust`` and ``lib = torch`` (``compare_with_torch``)
and must give the same names, reprs, values and error messages.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

import numpy as np
import pytest

import neurarust as nr
from neurarust import nn
from tests.conftest import compare_with_torch
from tests.nn.test_module import Linear, error_of, fill, linear, normalize

torch = pytest.importorskip("torch")


def layers(lib: Any, n: int = 4) -> list[Any]:
    """n distinct modules: Linear(1, 1), Linear(1, 2), ... (distinct reprs)."""
    return [linear(lib)(1, i + 1) for i in range(n)]


def described(container: Any) -> list[Any]:
    """What a container holds: its repr, children names and parameter names."""
    return [
        repr(container),
        [name for name, _ in container.named_children()],
        [name for name, _ in container.named_parameters()],
    ]


# -- Sequential ------------------------------------------------------------------------


def _sequential_edit(lib: Any, edit: Any) -> list[Any]:
    seq = lib.nn.Sequential(*layers(lib))
    result = edit(lib, seq)
    return [described(seq), repr(result) if isinstance(result, lib.nn.Module) else result]


SEQUENTIAL_EDITS = {
    "get": lambda lib, s: s[1],
    "get_negative": lambda lib, s: s[-1],
    "slice": lambda lib, s: s[1:3],
    "slice_step": lambda lib, s: s[::-2],
    "len_iter": lambda lib, s: [len(s), [m.out_features for m in s]],
    "setitem": lambda lib, s: s.__setitem__(-2, linear(lib)(5, 5)),
    "delitem": lambda lib, s: s.__delitem__(1),
    "delitem_slice": lambda lib, s: s.__delitem__(slice(0, 3, 2)),
    "append": lambda lib, s: s.append(linear(lib)(7, 7)),
    "insert": lambda lib, s: s.insert(1, linear(lib)(7, 7)),
    "insert_negative": lambda lib, s: s.insert(-1, linear(lib)(7, 7)),
    "insert_end": lambda lib, s: s.insert(4, linear(lib)(7, 7)),
    "extend": lambda lib, s: s.extend(layers(lib, 2)),
    "pop": lambda lib, s: s.pop(0),
    "add": lambda lib, s: s + lib.nn.Sequential(linear(lib)(9, 9)),
    "iadd": lambda lib, s: s.__iadd__(lib.nn.Sequential(linear(lib)(9, 9))),
    "mul": lambda lib, s: s[:2] * 2,
    "imul": lambda lib, s: s.__imul__(2),
    "dir": lambda lib, s: [k for k in dir(s) if k.isdigit()],
}


@pytest.mark.parametrize("edit", SEQUENTIAL_EDITS.values(), ids=SEQUENTIAL_EDITS.keys())
def test_sequential_matches_torch(edit: Any) -> None:
    compare_with_torch(lambda lib: _sequential_edit(lib, edit), grad=False)


def _sequential_forward(lib: Any) -> Any:
    L = linear(lib)
    named = lib.nn.Sequential(OrderedDict([("first", L(3, 4)), ("second", L(4, 2))]))
    fill(lib, named)
    x = lib.arange(6, dtype=lib.float32).reshape(2, 3)
    return [described(named), named(x), described(lib.nn.Sequential()), lib.nn.Sequential()(x)]


def test_sequential_forward_and_names_match_torch() -> None:
    compare_with_torch(_sequential_forward, grad=False)


SEQUENTIAL_ERRORS = {
    "index": lambda lib, s: s[4],
    "negative_index": lambda lib, s: s[-5],
    "setitem_index": lambda lib, s: s.__setitem__(9, linear(lib)(1, 1)),
    "insert_index": lambda lib, s: s.insert(9, linear(lib)(1, 1)),
    "insert_not_module": lambda lib, s: s.insert(0, 3),
    "add_not_sequential": lambda lib, s: s + [linear(lib)(1, 1)],
    "mul_not_int": lambda lib, s: s * 1.5,
    "mul_not_positive": lambda lib, s: s * 0,
    "append_not_module": lambda lib, s: s.append(3),
}


@pytest.mark.parametrize("case", SEQUENTIAL_ERRORS.values(), ids=SEQUENTIAL_ERRORS.keys())
def test_sequential_errors_match_torch(case: Any) -> None:
    def run(lib: Any) -> Any:
        kind, message = error_of(lib, lambda: case(lib, lib.nn.Sequential(*layers(lib))))
        return kind, message.replace("neurarust.nn.modules.module", "torch.nn.modules.module")

    compare_with_torch(run, grad=False)


# -- ModuleList ------------------------------------------------------------------------


def _module_list_edit(lib: Any, edit: Any) -> list[Any]:
    L = linear(lib)
    modules = lib.nn.ModuleList([L(1, 1), L(1, 1), L(1, 2), L(1, 1), L(1, 1), L(1, 1)])
    result = edit(lib, modules)
    return [described(modules), repr(result) if isinstance(result, lib.nn.Module) else result]


MODULE_LIST_EDITS = {
    "repr_runs": lambda lib, m: None,
    "get_negative": lambda lib, m: m[-4],
    "slice": lambda lib, m: m[1:4],
    "len_iter": lambda lib, m: [len(m), [x.out_features for x in m]],
    "setitem": lambda lib, m: m.__setitem__(-1, linear(lib)(2, 2)),
    "delitem": lambda lib, m: m.__delitem__(-2),
    "delitem_slice": lambda lib, m: m.__delitem__(slice(1, None, 2)),
    "insert": lambda lib, m: m.insert(2, linear(lib)(3, 3)),
    "append": lambda lib, m: m.append(linear(lib)(3, 3)),
    "extend": lambda lib, m: m.extend(layers(lib, 2)),
    "iadd": lambda lib, m: m.__iadd__(layers(lib, 2)),
    "add": lambda lib, m: m + layers(lib, 2),
    "pop": lambda lib, m: m.pop(2),
    "empty": lambda lib, m: repr(lib.nn.ModuleList()),
    "nested": lambda lib, m: repr(lib.nn.ModuleList([lib.nn.ModuleList(layers(lib, 2))] * 2)),
}


@pytest.mark.parametrize("edit", MODULE_LIST_EDITS.values(), ids=MODULE_LIST_EDITS.keys())
def test_module_list_matches_torch(edit: Any) -> None:
    compare_with_torch(lambda lib: _module_list_edit(lib, edit), grad=False)


MODULE_LIST_ERRORS = {
    "index": lambda lib, m: m[2],
    "extend_not_iterable": lambda lib, m: m.extend(3),
    "append_not_module": lambda lib, m: m.append(3),
}


@pytest.mark.parametrize("case", MODULE_LIST_ERRORS.values(), ids=MODULE_LIST_ERRORS.keys())
def test_module_list_errors_match_torch(case: Any) -> None:
    compare_with_torch(
        lambda lib: error_of(lib, lambda: case(lib, lib.nn.ModuleList(layers(lib, 2)))),
        grad=False,
    )


# -- ModuleDict ------------------------------------------------------------------------


def _module_dict_edit(lib: Any, edit: Any) -> list[Any]:
    L = linear(lib)
    modules = lib.nn.ModuleDict({"b": L(1, 1), "a": L(1, 2)})
    result = edit(lib, modules)
    return [described(modules), repr(result) if isinstance(result, lib.nn.Module) else result]


MODULE_DICT_EDITS = {
    "get": lambda lib, m: m["a"],
    "views": lambda lib, m: [list(m.keys()), len(m.values()), [k for k, _ in m.items()]],
    "iter_len_contains": lambda lib, m: [list(m), len(m), "a" in m, "z" in m],
    "setitem": lambda lib, m: m.__setitem__("c", linear(lib)(3, 3)),
    "delitem": lambda lib, m: m.__delitem__("b"),
    "pop": lambda lib, m: m.pop("b"),
    "clear": lambda lib, m: m.clear(),
    "update_mapping": lambda lib, m: m.update({"z": linear(lib)(4, 4), "b": linear(lib)(5, 5)}),
    "update_pairs": lambda lib, m: m.update([("z", linear(lib)(4, 4)), ["y", linear(lib)(6, 6)]]),
    "update_module_dict": lambda lib, m: m.update(lib.nn.ModuleDict({"q": linear(lib)(2, 2)})),
}


@pytest.mark.parametrize("edit", MODULE_DICT_EDITS.values(), ids=MODULE_DICT_EDITS.keys())
def test_module_dict_matches_torch(edit: Any) -> None:
    compare_with_torch(lambda lib: _module_dict_edit(lib, edit), grad=False)


MODULE_DICT_ERRORS = {
    "missing": lambda lib, m: m["nope"],
    "update_not_iterable": lambda lib, m: m.update(3),
    "update_bad_element": lambda lib, m: m.update([3]),
    "update_bad_length": lambda lib, m: m.update([("a", linear(lib)(1, 1), 3)]),
    "bad_key": lambda lib, m: m.__setitem__("a.b", linear(lib)(1, 1)),
}


@pytest.mark.parametrize("case", MODULE_DICT_ERRORS.values(), ids=MODULE_DICT_ERRORS.keys())
def test_module_dict_errors_match_torch(case: Any) -> None:
    compare_with_torch(
        lambda lib: error_of(lib, lambda: case(lib, lib.nn.ModuleDict({"a": linear(lib)(1, 1)}))),
        grad=False,
    )


# -- ParameterList and ParameterDict ------------------------------------------------------


def _parameter_list(lib: Any, edit: Any) -> list[Any]:
    params = lib.nn.ParameterList(
        [lib.nn.Parameter(lib.zeros(2, 3)), lib.ones(2, dtype=lib.float64), 3, "x"]
    )
    result = edit(lib, params)
    return [
        normalize(repr(params), lib),
        [(name, type(p).__name__, p.requires_grad) for name, p in params.named_parameters()],
        normalize(repr(result), lib) if isinstance(result, lib.nn.Module) else result,
    ]


PARAMETER_LIST_EDITS = {
    "construct": lambda lib, p: None,
    "get": lambda lib, p: [type(p[1]).__name__, p[-2], p[0]],
    "slice": lambda lib, p: p[1:],
    "len_iter": lambda lib, p: [len(p), [type(v).__name__ for v in p]],
    "setitem": lambda lib, p: p.__setitem__(-1, lib.zeros(4)),
    "append": lambda lib, p: p.append(lib.zeros(1)),
    "extend": lambda lib, p: p.extend([lib.zeros(1), 5]),
    "iadd": lambda lib, p: p.__iadd__([lib.zeros(1)]),
    "state_dict": lambda lib, p: list(p.state_dict()),
}


@pytest.mark.parametrize("edit", PARAMETER_LIST_EDITS.values(), ids=PARAMETER_LIST_EDITS.keys())
def test_parameter_list_matches_torch(edit: Any) -> None:
    compare_with_torch(lambda lib: _parameter_list(lib, edit), grad=False)


def _parameter_dict(lib: Any, edit: Any) -> list[Any]:
    params = lib.nn.ParameterDict({"b": lib.zeros(2), "a": lib.nn.Parameter(lib.ones(1)), "c": 3})
    result = edit(lib, params)
    return [
        normalize(repr(params), lib),
        [(name, type(p).__name__) for name, p in params.named_parameters()],
        normalize(repr(result), lib) if isinstance(result, lib.nn.Module) else result,
    ]


PARAMETER_DICT_EDITS = {
    "construct": lambda lib, p: None,
    "get": lambda lib, p: [p["a"], p.get("c"), p.get("z", 7), "a" in p],
    "views": lambda lib, p: [list(p), list(p.keys()), [k for k, _ in p.items()], len(p)],
    "reversed": lambda lib, p: list(reversed(p)),
    "setitem": lambda lib, p: p.__setitem__("d", lib.zeros(3)),
    "delitem": lambda lib, p: p.__delitem__("b"),
    "pop": lambda lib, p: p.pop("a"),
    "popitem": lambda lib, p: p.popitem()[0],
    "setdefault": lambda lib, p: [p.setdefault("a"), p.setdefault("e", lib.ones(2))],
    "clear": lambda lib, p: p.clear(),
    "copy": lambda lib, p: p.copy(),
    "fromkeys": lambda lib, p: p.fromkeys(["x", "y"], lib.ones(1)),
    "update_ordered": lambda lib, p: p.update(OrderedDict([("z", lib.ones(1)), ("y", 2)])),
    "update_pairs": lambda lib, p: p.update([("z", lib.ones(1)), ("y", 2)]),
    "or": lambda lib, p: p | lib.nn.ParameterDict({"q": lib.ones(1)}),
    "ior": lambda lib, p: p.__ior__(lib.nn.ParameterDict({"q": lib.ones(1)})),
    "state_dict": lambda lib, p: list(p.state_dict()),
}


@pytest.mark.parametrize("edit", PARAMETER_DICT_EDITS.values(), ids=PARAMETER_DICT_EDITS.keys())
def test_parameter_dict_matches_torch(edit: Any) -> None:
    compare_with_torch(lambda lib: _parameter_dict(lib, edit), grad=False)


PARAMETER_CONTAINER_ERRORS = {
    "list_index": lambda lib: lib.nn.ParameterList([lib.ones(1)])[3],
    "list_extend": lambda lib: lib.nn.ParameterList().extend(lib.ones(2)),
    "list_call": lambda lib: lib.nn.ParameterList()(1),
    "dict_key": lambda lib: lib.nn.ParameterDict()[1],
    "dict_missing": lambda lib: lib.nn.ParameterDict()["a"],
    "dict_update": lambda lib: lib.nn.ParameterDict().update(3),
    "dict_update_length": lambda lib: lib.nn.ParameterDict().update([("a",)]),
    "dict_call": lambda lib: lib.nn.ParameterDict()(1),
}


@pytest.mark.parametrize(
    "case", PARAMETER_CONTAINER_ERRORS.values(), ids=PARAMETER_CONTAINER_ERRORS.keys()
)
def test_parameter_container_errors_match_torch(case: Any) -> None:
    compare_with_torch(lambda lib: error_of(lib, lambda: case(lib)), grad=False)


# -- lazy modules ----------------------------------------------------------------------


class LazyScale(nn.LazyModuleMixin, Linear):
    """A tiny lazy module: a Linear whose in_features comes from the first input."""

    cls_to_become = Linear

    def __init__(self, out_features: int) -> None:
        super().__init__(0, out_features)
        self.weight = nn.UninitializedParameter()
        self.bias = nn.UninitializedParameter()
        self.register_buffer("seen", nn.parameter.UninitializedBuffer())

    def initialize_parameters(self, input: nr.Tensor) -> None:
        if self.has_uninitialized_params():
            with nr.no_grad():
                self.in_features = input.shape[-1]
                self.weight.materialize((self.out_features, self.in_features))
                self.bias.materialize((self.out_features,))
                self.seen.materialize((), dtype=nr.int64)
                fill(nr, self)


def test_lazy_module_initializes_on_first_call() -> None:
    m = LazyScale(2)
    assert m.has_uninitialized_params()
    assert isinstance(m.state_dict()["weight"], nn.UninitializedParameter)
    x = nr.arange(6, dtype=nr.float32).reshape(2, 3)
    out = m(x)
    theirs = fill(torch, torch.nn.Linear(3, 2))
    expected = theirs(torch.arange(6, dtype=torch.float32).reshape(2, 3))
    np.testing.assert_allclose(out.detach().numpy(), expected.detach().numpy(), rtol=1e-6)
    assert type(m) is Linear
    assert repr(m) == repr(theirs)
    assert not m._forward_pre_hooks and not m._load_state_dict_pre_hooks
    assert m.weight.shape == (2, 3) and m.seen.dtype is nr.int64


def test_lazy_module_materializes_from_a_state_dict() -> None:
    source = LazyScale(2)
    source(nr.ones(1, 4))
    target = LazyScale(2)
    bad = dict(source.state_dict(), extra=nr.ones(1))
    with pytest.raises(RuntimeError, match='Unexpected key\\(s\\) in state_dict: "extra"'):
        target.load_state_dict(bad)
    assert target.has_uninitialized_params()  # a failed load materializes nothing
    target.load_state_dict(source.state_dict())
    assert target.weight.shape == (2, 4) and type(target.weight) is nn.Parameter
    np.testing.assert_array_equal(target.weight.detach().numpy(), source.weight.detach().numpy())
    target(nr.ones(1, 4))  # the first call keeps the loaded values
    np.testing.assert_array_equal(target.bias.detach().numpy(), source.bias.detach().numpy())
    assert type(target) is Linear


def test_lazy_module_errors() -> None:
    class Forgetful(nn.LazyModuleMixin, nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.weight = nn.UninitializedParameter()

        def initialize_parameters(self, input: nr.Tensor) -> None:
            pass

    with pytest.raises(RuntimeError, match="module Forgetful has not been fully initialized"):
        Forgetful()(nr.ones(1))

    class Unfinished(nn.LazyModuleMixin, nn.Module):
        pass

    with pytest.raises(NotImplementedError, match="initialize_parameters is not implemented"):
        Unfinished()(nr.ones(1))
