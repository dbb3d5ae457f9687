"""nn.Module and nn.Parameter against PyTorch: registration, tree walks, modes,
conversions, state dicts, hooks, reprs and error messages.

Each behaviour is a function ``case(lib)`` run once with ``lib = neurarust`` and
once with ``lib = torch`` (``compare_with_torch``); the results (names, shapes,
strings, tensors) must agree. ``Linear`` below is a test-only stand-in for
``nn.Linear`` (written elsewhere), with the same parameters and repr.
"""

from __future__ import annotations

import copy
import re
import warnings
from collections import OrderedDict
from typing import Any

import numpy as np
import pytest

import neurarust as nr
from neurarust import nn
from tests.conftest import compare_with_torch

torch = pytest.importorskip("torch")


class Linear(nn.Module):
    """y = x W^T + b, as torch.nn.Linear (parameters filled by ``fill`` in the tests)."""

    def __init__(self, in_features: int, out_features: int, bias: bool = True) -> None:
        super().__init__()
        self.in_features, self.out_features = in_features, out_features
        self.weight = nn.Parameter(nr.empty((out_features, in_features)))
        if bias:
            self.bias = nn.Parameter(nr.empty(out_features))
        else:
            self.register_parameter("bias", None)

    def forward(self, input: nr.Tensor) -> nr.Tensor:
        out = input @ self.weight.T
        return out if self.bias is None else out + self.bias

    def extra_repr(self) -> str:
        return (
            f"in_features={self.in_features}, out_features={self.out_features}, "
            f"bias={self.bias is not None}"
        )


def linear(lib: Any) -> Any:
    return Linear if lib is nr else torch.nn.Linear


def fill(lib: Any, module: Any) -> Any:
    """Give every floating parameter and buffer deterministic values (same in both libraries)."""
    with lib.no_grad():
        for i, t in enumerate([*module.parameters(), *module.buffers()]):
            if t.is_floating_point():
                values = lib.arange(t.numel(), dtype=lib.float32).reshape(t.shape)
                t.copy_((values - i) / 10)
    return module


def net(lib: Any) -> Any:
    """A small tree: a Linear, a Sequential holding a shared Linear twice, buffers of each kind."""
    L = linear(lib)

    class Net(lib.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.fc = L(3, 4)
            shared = L(4, 4, bias=False)
            self.body = lib.nn.Sequential(shared, lib.nn.Sequential(shared), L(4, 2))
            self.register_buffer("scale", lib.ones(2))
            self.register_buffer("steps", lib.zeros((), dtype=lib.int64))
            self.register_buffer("cache", lib.zeros(3), persistent=False)
            self.register_buffer("unset", None)

        def forward(self, x: Any) -> Any:
            return self.body(self.fc(x)) * self.scale

    return fill(lib, Net())


def normalize(text: str, lib: Any) -> str:
    """Error texts with the library's name replaced (torch.Size -> LIB.Size)."""
    return text.replace(lib.__name__, "LIB")


def error_of(lib: Any, action: Any) -> tuple[str, str]:
    """The type name and normalized message of the exception ``action()`` raises."""
    with pytest.raises(Exception) as info:
        action()
    message = str(info.value.args[0]) if info.value.args else ""
    return type(info.value).__name__, normalize(message, lib)


def shapes(named: Any) -> list[Any]:
    return [(name, tuple(t.shape)) for name, t in named]


# -- walking the tree ------------------------------------------------------------------

TREE_CASES = {
    "named_parameters": lambda lib, m: shapes(m.named_parameters()),
    "named_parameters_prefix": lambda lib, m: shapes(m.named_parameters(prefix="net")),
    "named_parameters_no_recurse": lambda lib, m: shapes(m.body[2].named_parameters(recurse=False)),
    "named_parameters_duplicates": lambda lib, m: shapes(
        m.named_parameters(remove_duplicate=False)
    ),
    "parameters": lambda lib, m: list(m.parameters()),
    "parameters_no_recurse": lambda lib, m: list(m.parameters(recurse=False)),
    "named_buffers": lambda lib, m: shapes(m.named_buffers()),
    "buffers": lambda lib, m: list(m.buffers()),
    "named_modules": lambda lib, m: [(n, type(s).__name__) for n, s in m.named_modules()],
    "named_modules_duplicates": lambda lib, m: [
        n for n, _ in m.named_modules(prefix="p", remove_duplicate=False)
    ],
    "modules": lambda lib, m: [type(s).__name__ for s in m.modules()],
    "named_children": lambda lib, m: [n for n, _ in m.body.named_children()],
    "children": lambda lib, m: [type(c).__name__ for c in m.children()],
    "get_submodule": lambda lib, m: repr(m.get_submodule("body.1.0")),
    "get_submodule_self": lambda lib, m: m.get_submodule("") is m,
    "get_parameter": lambda lib, m: m.get_parameter("body.2.bias"),
    "get_buffer": lambda lib, m: m.get_buffer("scale"),
    "repr": lambda lib, m: repr(m),
    "dir": lambda lib, m: [k for k in ("fc", "body", "scale", "cache", "training") if k in dir(m)],
    "getattr": lambda lib, m: [m.fc.weight, m.scale, m.fc.in_features],
    "state_dict_keys": lambda lib, m: list(m.state_dict()),
    "state_dict_values": lambda lib, m: list(m.state_dict().values()),
    "state_dict_metadata": lambda lib, m: repr(m.state_dict()._metadata),
    "state_dict_prefix": lambda lib, m: list(m.body.state_dict(prefix="x.")),
    "state_dict_detached": lambda lib, m: [
        (type(v).__name__, v.requires_grad) for v in m.state_dict().values()
    ],
    "state_dict_keep_vars": lambda lib, m: [
        (type(v).__name__, v.requires_grad) for v in m.state_dict(keep_vars=True).values()
    ],
}


@pytest.mark.parametrize("case", TREE_CASES.values(), ids=TREE_CASES.keys())
def test_tree_walks_match_torch(case: Any) -> None:
    compare_with_torch(lambda lib: case(lib, net(lib)), grad=False)


def test_state_dict_shares_storage() -> None:
    m = net(nr)
    m.state_dict()["fc.weight"].fill_(7.0)
    assert float(m.fc.weight[0, 0]) == 7.0


# -- modes and bulk changes ------------------------------------------------------------


def _modes(lib: Any) -> list[Any]:
    m = net(lib)
    flags = [[s.training for s in m.modules()]]
    m.eval()
    flags.append([s.training for s in m.modules()])
    m.body.train()
    flags.append([s.training for s in m.modules()])
    m.train(False)
    flags.append([s.training for s in m.modules()])
    return flags


def _apply(lib: Any) -> list[str]:
    seen: list[str] = []
    out = net(lib).apply(lambda s: seen.append(type(s).__name__))
    return [*seen, type(out).__name__]


def _backward(lib: Any, m: Any) -> None:
    x = lib.arange(6, dtype=lib.float32).reshape(2, 3)
    m(x).sum().backward()


def _zero_grad(lib: Any, set_to_none: bool) -> list[Any]:
    m = net(lib)
    _backward(lib, m)
    grads = [p.grad.clone() for p in m.parameters()]
    m.zero_grad(set_to_none=set_to_none)
    return grads + [p.grad for p in m.parameters()]


def _requires_grad(lib: Any) -> list[bool]:
    m = net(lib)
    m.body.requires_grad_(False)
    return [p.requires_grad for p in m.parameters()]


def _convert(lib: Any, how: str) -> list[Any]:
    """dtypes after a conversion, and whether parameters and their grads kept their identity."""
    m = net(lib)
    _backward(lib, m)
    before = list(m.parameters())
    grads = [p.grad for p in before]
    out = {
        "double": lambda: m.double(),
        "half": lambda: m.half(),
        "float": lambda: m.double().float(),
        "to_dtype": lambda: m.to(lib.float64),
        "to_dtype_keyword": lambda: m.to(dtype=lib.float64, non_blocking=True),
        "to_device_dtype": lambda: m.to("cpu", lib.float64),
        "to_tensor": lambda: m.to(lib.zeros(1, dtype=lib.float64)),
        "to_device": lambda: m.to("cpu"),
        "cpu": lambda: m.cpu(),
        "type": lambda: m.type(lib.float64),
    }[how]()
    return [
        out is m,
        [normalize(str(t.dtype), lib) for t in m.state_dict(keep_vars=True).values()],
        [normalize(str(p.grad.dtype), lib) for p in m.parameters()],
        [a is b for a, b in zip(before, m.parameters())],
        [a is b.grad for a, b in zip(grads, m.parameters())],
        [p.requires_grad for p in m.parameters()],
        list(m.parameters()),
    ]


CONVERSIONS = [
    "double",
    "half",
    "float",
    "to_dtype",
    "to_dtype_keyword",
    "to_device_dtype",
    "to_tensor",
    "to_device",
    "cpu",
    "type",
]

MODE_CASES = {
    "train_eval": _modes,
    "apply": _apply,
    "zero_grad_to_none": lambda lib: _zero_grad(lib, True),
    "zero_grad_to_zeros": lambda lib: _zero_grad(lib, False),
    "requires_grad_": _requires_grad,
    **{f"convert_{how}": (lambda lib, how=how: _convert(lib, how)) for how in CONVERSIONS},
}


@pytest.mark.parametrize("case", MODE_CASES.values(), ids=MODE_CASES.keys())
def test_modes_and_conversions_match_torch(case: Any) -> None:
    compare_with_torch(case, grad=False)


def test_half_module_keeps_int_buffers_and_optimizer_references() -> None:
    m = net(nr)
    weight = m.fc.weight
    m.half()
    assert m.fc.weight is weight and weight.dtype is nr.float16
    assert m.steps.dtype is nr.int64


# -- registration ----------------------------------------------------------------------


def _assign_none(lib: Any) -> list[Any]:
    m = net(lib)
    m.fc.bias = None
    m.scale = None
    m.body = None
    return [list(m.state_dict()), repr(m), m.fc.bias, m.scale]


def _delete(lib: Any) -> list[Any]:
    m = net(lib)
    del m.fc.bias
    del m.cache
    del m.body
    m.extra = 3
    del m.extra
    return [list(m.state_dict()), [n for n, _ in m.named_buffers()], hasattr(m, "body")]


def _reassign_kind(lib: Any) -> list[Any]:
    """A name re-registered as another kind leaves its old table."""
    m = net(lib)
    m.fc.extra = 1
    m.fc.extra = lib.nn.Parameter(lib.zeros(2))
    m.body = lib.nn.Parameter(lib.ones(1))
    m.cache = lib.nn.Sequential()
    m.plain = lib.ones(1)  # a plain tensor is an ordinary attribute
    m.scale = lib.full((2,), 3.0)  # assigning to a buffer's name replaces the buffer
    return [list(m.state_dict()), [n for n, _ in m.named_modules()], m.scale]


def _register(lib: Any) -> list[Any]:
    m = lib.nn.Module()
    m.register_parameter("w", lib.nn.Parameter(lib.ones(2)))
    m.register_module("a", linear(lib)(1, 1))
    m.add_module("b", None)
    m.register_buffer("r", lib.zeros(1), persistent=False)
    m.register_buffer("r", lib.zeros(1))  # re-registering makes it persistent
    m.buf = lib.nn.Buffer(lib.ones(3), persistent=False)
    return [list(fill(lib, m).state_dict()), shapes(m.named_buffers()), repr(m)]


def _set_submodule(lib: Any) -> str:
    m = net(lib)
    m.set_submodule("body.1.0", linear(lib)(9, 9))
    m.set_submodule("body.new", linear(lib)(8, 8))
    m.set_submodule("fc", linear(lib)(7, 7), strict=True)
    return repr(m)


REGISTRATION_CASES = {
    "set_submodule": _set_submodule,
    "assign_none": _assign_none,
    "delete": _delete,
    "reassign_kind": _reassign_kind,
    "register": _register,
}


@pytest.mark.parametrize("case", REGISTRATION_CASES.values(), ids=REGISTRATION_CASES.keys())
def test_registration_matches_torch(case: Any) -> None:
    compare_with_torch(case, grad=False)


ERROR_CASES = {
    "missing_attribute": lambda lib, m: m.fc.foo,
    "param_bad_value": lambda lib, m: setattr(m.fc, "weight", 3),
    "module_bad_value": lambda lib, m: setattr(m, "fc", 3),
    "buffer_bad_value": lambda lib, m: setattr(m, "scale", 3),
    "register_param_not_param": lambda lib, m: m.register_parameter("p", lib.ones(1)),
    "register_param_non_leaf": lambda lib, m: m.register_parameter(
        "p", lib.nn.Parameter(lib.ones(1)) * 2
    ),
    "register_param_dot": lambda lib, m: m.register_parameter("a.b", None),
    "register_param_empty": lambda lib, m: m.register_parameter("", None),
    "register_param_not_str": lambda lib, m: m.register_parameter(1, None),
    "register_param_exists": lambda lib, m: m.register_parameter("fc", None),
    "register_buffer_not_tensor": lambda lib, m: m.register_buffer("b", 3),
    "register_buffer_dot": lambda lib, m: m.register_buffer("a.b", None),
    "register_buffer_exists": lambda lib, m: m.register_buffer("training", None),
    "add_module_not_module": lambda lib, m: m.add_module("x", 3),
    "add_module_dot": lambda lib, m: m.add_module("a.b", None),
    "add_module_empty": lambda lib, m: m.add_module("", None),
    "add_module_exists": lambda lib, m: m.add_module("scale", None),
    "get_submodule_missing": lambda lib, m: m.get_submodule("body.7"),
    "get_submodule_not_module": lambda lib, m: m.get_submodule("fc.weight"),
    "get_parameter_missing": lambda lib, m: m.get_parameter("fc.nope"),
    "get_parameter_not_param": lambda lib, m: m.get_parameter("scale"),
    "get_buffer_not_buffer": lambda lib, m: m.get_buffer("fc.weight"),
    "set_submodule_empty": lambda lib, m: m.set_submodule("", m.fc),
    "set_submodule_not_module": lambda lib, m: m.set_submodule("fc", 3),
    "set_submodule_strict": lambda lib, m: m.set_submodule("body.x", m.fc, strict=True),
    "set_submodule_over_param": lambda lib, m: m.set_submodule("fc.weight", m.fc),
    "set_submodule_no_parent": lambda lib, m: m.set_submodule("nope.x", m.fc),
    "train_not_bool": lambda lib, m: m.train(1),
    "to_int_dtype": lambda lib, m: m.to(lib.int32),
    "no_forward": lambda lib, m: lib.nn.Module()(1),
    "init_kwargs": lambda lib, m: lib.nn.Module(foo=1),
    "load_not_mapping": lambda lib, m: m.load_state_dict([1]),
    "load_not_tensor": lambda lib, m: m.fc.load_state_dict({"weight": 1, "bias": lib.ones(4)}),
}


@pytest.mark.parametrize("case", ERROR_CASES.values(), ids=ERROR_CASES.keys())
def test_errors_match_torch(case: Any) -> None:
    def run(lib: Any) -> tuple[str, str]:
        kind, message = error_of(lib, lambda: case(lib, net(lib)))
        # Type names in messages: "torch.FloatTensor" / "neurarust.FloatTensor" -> LIB.
        return kind, re.sub(r"<class '[\w.]+'>", "<class>", message)

    compare_with_torch(run, grad=False)


def test_assignment_before_init_raises() -> None:
    class Early(nn.Module):
        def __init__(self) -> None:
            self.w = nn.Parameter(nr.ones(1))

    with pytest.raises(AttributeError, match="before Module.__init__"):
        Early()


# -- state dicts -----------------------------------------------------------------------


def _load_errors(lib: Any, edit: Any) -> list[Any]:
    m = net(lib)
    state = m.state_dict()
    edit(lib, state)
    result = [error_of(lib, lambda: m.load_state_dict(state))]
    try:
        result.append(str(m.load_state_dict(state, strict=False)))
    except RuntimeError as error:  # size mismatches raise even when not strict
        result.append(normalize(str(error), lib))
    return result


def _mismatch(lib: Any, state: Any) -> None:
    state["fc.weight"] = lib.zeros(2, 3)
    state["body.2.bias"] = lib.zeros(())
    del state["scale"]
    state["body.9.weight"] = lib.zeros(1)
    state["fc.extra"] = lib.zeros(1)


LOAD_ERROR_CASES = {
    "missing": lambda lib, s: s.pop("fc.bias"),
    "unexpected": lambda lib, s: s.update({"fc.nope": lib.zeros(1), "body.0": lib.zeros(1)}),
    "size_mismatch": lambda lib, s: s.update({"body.0.weight": lib.zeros(4, 5)}),
    "all_at_once": _mismatch,
}


@pytest.mark.parametrize("edit", LOAD_ERROR_CASES.values(), ids=LOAD_ERROR_CASES.keys())
def test_load_state_dict_errors_match_torch(edit: Any) -> None:
    compare_with_torch(lambda lib: _load_errors(lib, edit), grad=False)


def _load(lib: Any, **kwargs: Any) -> list[Any]:
    source, target = net(lib), net(lib)
    with lib.no_grad():
        for t in source.state_dict().values():
            t.mul_(2) if t.is_floating_point() else t.add_(5)
    weight = target.fc.weight
    target.body.requires_grad_(False)
    result = target.load_state_dict(source.state_dict(keep_vars=True), **kwargs)
    return [
        repr(result),
        list(result),
        list(target.state_dict().values()),
        target.fc.weight is weight,
        target.fc.weight is source.fc.weight,
        [type(p).__name__ for p in target.parameters()],
        [p.requires_grad for p in target.parameters()],
    ]


def _old_scalar_layout(lib: Any) -> Any:
    """Checkpoints of old PyTorch saved 0-d buffers as 1-element vectors."""
    m = net(lib)
    state = m.state_dict()
    state["steps"] = lib.tensor([9])
    m.load_state_dict(state)
    return m.steps


LOAD_CASES = {
    "copy": lambda lib: _load(lib),
    "assign": lambda lib: _load(lib, assign=True),
    "not_strict": lambda lib: _load(lib, strict=False),
    "old_scalar_layout": _old_scalar_layout,
}


@pytest.mark.parametrize("case", LOAD_CASES.values(), ids=LOAD_CASES.keys())
def test_load_state_dict_matches_torch(case: Any) -> None:
    compare_with_torch(case, grad=False)


@pytest.mark.parametrize("edit", LOAD_ERROR_CASES.values(), ids=LOAD_ERROR_CASES.keys())
def test_failed_load_leaves_module_untouched(edit: Any) -> None:
    # Stricter than PyTorch, which copies the entries that fit before raising.
    m = net(nr)
    before = {k: v.clone() for k, v in m.state_dict().items()}
    state = {k: v * 0 + 1 for k, v in m.state_dict().items()}
    edit(nr, state)
    with pytest.raises(RuntimeError, match="Error\\(s\\) in loading state_dict for Net"):
        m.load_state_dict(state)
    for key, value in m.state_dict().items():
        np.testing.assert_array_equal(value.numpy(), before[key].numpy(), err_msg=key)


class Versioned(nn.Module):
    """Version 2 renamed "w" to "weight": old checkpoints are migrated on load."""

    _version = 2

    def __init__(self) -> None:
        super().__init__()
        self.weight = nn.Parameter(nr.zeros(2))

    def _load_from_state_dict(
        self, state_dict: Any, prefix: str, local_metadata: Any, *args: Any
    ) -> None:
        if local_metadata.get("version", 1) < 2 and prefix + "w" in state_dict:
            state_dict[prefix + "weight"] = state_dict.pop(prefix + "w")
        super()._load_from_state_dict(state_dict, prefix, local_metadata, *args)


def test_load_from_state_dict_migrates_old_versions() -> None:
    model = nn.Sequential(Versioned())
    assert model.state_dict()._metadata["0"] == {"version": 2}
    old = OrderedDict([("0.w", nr.ones(2))])
    old._metadata = OrderedDict([("", {"version": 1}), ("0", {"version": 1})])  # type: ignore[attr-defined]
    model.load_state_dict(old)
    np.testing.assert_array_equal(model[0].weight.detach().numpy(), [1.0, 1.0])


def test_state_dict_round_trips_with_torch() -> None:
    theirs = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.Tanh(), torch.nn.Linear(4, 2))

    class Tanh(nn.Module):
        def forward(self, x: nr.Tensor) -> nr.Tensor:
            return x.tanh()

    ours = nn.Sequential(Linear(3, 4), Tanh(), Linear(4, 2))
    ours.load_state_dict({k: nr.from_numpy(v.numpy()) for k, v in theirs.state_dict().items()})
    x = np.random.default_rng(0).standard_normal((5, 3)).astype(np.float32)
    np.testing.assert_allclose(
        ours(nr.from_numpy(x)).detach().numpy(),
        theirs(torch.from_numpy(x)).detach().numpy(),
        rtol=1e-5,
        atol=1e-6,
    )
    with torch.no_grad():
        for p in theirs.parameters():
            p.zero_()
    theirs.load_state_dict({k: torch.from_numpy(v.numpy()) for k, v in ours.state_dict().items()})
    for (key, a), b in zip(ours.state_dict().items(), theirs.state_dict().values()):
        np.testing.assert_array_equal(a.numpy(), b.numpy(), err_msg=key)


def test_state_dict_and_load_hooks() -> None:
    m = net(nr)
    calls: list[Any] = []
    m.register_state_dict_pre_hook(lambda mod, prefix, keep: calls.append(("pre", prefix)))
    m.register_state_dict_post_hook(lambda mod, sd, prefix, meta: [sd.pop("scale")] and None)
    state = m.state_dict()
    assert calls == [("pre", "")] and "scale" not in state
    m.register_load_state_dict_pre_hook(lambda mod, sd, prefix, *rest: calls.append("load"))
    m.register_load_state_dict_post_hook(lambda mod, keys: keys.missing_keys.clear())
    assert m.load_state_dict(state) == ([], [])  # the post hook forgave the missing key
    assert calls[-1] == "load"
    seen = []
    m.fc.register_load_state_dict_post_hook(lambda mod, keys: seen.append(float(mod.weight[0, 0])))
    state = {k: v + 1 if v.is_floating_point() else v for k, v in state.items()}
    state["scale"] = nr.ones(2)  # a complete state: nothing for the post hooks to forgive
    m.load_state_dict(state)
    assert seen == [float(state["fc.weight"][0, 0])]  # post hooks see the loaded values


# -- hooks ---------------------------------------------------------------------------


def _hooked(lib: Any, x_requires_grad: bool) -> list[Any]:
    m = fill(lib, linear(lib)(3, 2))
    log: list[Any] = []
    m.register_forward_pre_hook(lambda mod, args: log.append(("pre", len(args))))
    m.register_forward_pre_hook(
        lambda mod, args, kwargs: log.append(("pre_kw", sorted(kwargs))),
        with_kwargs=True,
        prepend=True,
    )
    m.register_forward_pre_hook(lambda mod, args: args[0] + 1)  # replaces the input
    m.register_forward_hook(lambda mod, args, out: out * 2)  # replaces the output
    m.register_forward_hook(
        lambda mod, args, kwargs, out: log.append(("fwd_kw", tuple(out.shape))), with_kwargs=True
    )
    removed = m.register_forward_hook(lambda mod, args, out: log.append("removed"))
    removed.remove()

    def backward_pre_hook(mod: Any, grad_output: Any) -> Any:
        log.append(("bw_pre", grad_output[0]))
        return (grad_output[0] + 1,)

    def backward_hook(mod: Any, grad_input: Any, grad_output: Any) -> Any:
        log.append(("bw", grad_input[0], grad_output[0]))
        return None if grad_input[0] is None else (grad_input[0] * 3,)

    m.register_full_backward_pre_hook(backward_pre_hook)
    m.register_full_backward_hook(backward_hook)
    x = lib.arange(6, dtype=lib.float32).reshape(2, 3).requires_grad_(x_requires_grad)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "firing ... since no inputs require gradients"
        m(x).sum().backward()
    return [log, x.grad, m.weight.grad, m.bias.grad]


def _always_call(lib: Any) -> list[Any]:
    class Failing(lib.nn.Module):
        def forward(self, x: Any) -> Any:
            raise ValueError("boom")

    m = Failing()
    log: list[Any] = []
    m.register_forward_hook(lambda mod, args, out: log.append("normal"))
    m.register_forward_hook(lambda mod, args, out: log.append(("always", out)), always_call=True)
    return [error_of(lib, lambda: m(lib.ones(1))), log]


def _hook_on_tuple_io(lib: Any) -> list[Any]:
    """Backward hooks of a module with two inputs (one without grad, one non-tensor) and two
    outputs (one unused)."""

    class Pair(lib.nn.Module):
        def forward(self, a: Any, b: Any, scale: float) -> Any:
            return a * b * scale, a + b

    m = Pair()
    log: list[Any] = []
    m.register_full_backward_hook(lambda mod, gi, go: log.append((gi, go)))
    a = lib.ones(2, requires_grad=True)
    b = lib.full((2,), 3.0)
    first, _ = m(a, b, 2.0)
    first.sum().backward()
    return [log, a.grad]


HOOK_CASES = {
    "forward_and_backward": lambda lib: _hooked(lib, True),
    "input_without_grad": lambda lib: _hooked(lib, False),
    "always_call": _always_call,
    "tuple_inputs_outputs": _hook_on_tuple_io,
}


@pytest.mark.parametrize("case", HOOK_CASES.values(), ids=HOOK_CASES.keys())
def test_hooks_match_torch(case: Any) -> None:
    compare_with_torch(case, grad=False)


def test_hook_errors() -> None:
    m = Linear(2, 2)
    m.register_forward_pre_hook(lambda mod, args, kwargs: 3, with_kwargs=True)
    with pytest.raises(RuntimeError, match="forward pre-hook must return None or a tuple"):
        m(nr.ones(2))
    m = fill(nr, Linear(2, 2))
    m.register_full_backward_hook(lambda mod, gi, go: (gi[0], gi[0]))
    with pytest.raises(RuntimeError, match="invalid number of grad_input, got 2, but expected 1"):
        m(nr.ones(2, requires_grad=True)).sum().backward()


def test_backward_hook_with_create_graph() -> None:
    m = fill(nr, Linear(2, 2))
    m.register_full_backward_hook(lambda mod, gi, go: (gi[0] * 2,))
    x = nr.ones(2, requires_grad=True)
    (grad,) = nr.autograd.grad((m(x) ** 2).sum(), x, create_graph=True)
    grad.sum().backward()
    assert x.grad is not None


# -- Parameter, Buffer, placeholders ----------------------------------------------------


PARAMETER_CASES = {
    "repr": lambda lib: repr(lib.nn.Parameter(lib.tensor([1.5, 2.0]))),
    "repr_no_grad": lambda lib: repr(lib.nn.Parameter(lib.zeros(2), requires_grad=False)),
    "empty": lambda lib: [repr(lib.nn.Parameter()), lib.nn.Parameter().shape],
    "op_returns_tensor": lambda lib: [
        type(lib.nn.Parameter(lib.ones(2)) * 2).__name__,
        type(lib.nn.Parameter(lib.ones(2)).detach()).__name__,
        isinstance(lib.nn.Parameter(lib.ones(2)), lib.Tensor),
    ],
    "deepcopy": lambda lib: [
        type(copy.deepcopy(lib.nn.Parameter(lib.ones(2), requires_grad=False))).__name__,
        copy.deepcopy(lib.nn.Parameter(lib.ones(2), requires_grad=False)).requires_grad,
    ],
    "uninitialized_repr": lambda lib: repr(lib.nn.UninitializedParameter()),
    "buffer": lambda lib: [type(lib.nn.Buffer(lib.ones(1))).__name__ in ("Tensor", "Buffer")],
}


@pytest.mark.parametrize("case", PARAMETER_CASES.values(), ids=PARAMETER_CASES.keys())
def test_parameter_matches_torch(case: Any) -> None:
    compare_with_torch(case, grad=False)


def test_parameter_shares_storage() -> None:
    data = nr.zeros(2)
    p = nn.Parameter(data)
    data.fill_(3.0)
    assert p.tolist() == [3.0, 3.0] and p.requires_grad and p.is_leaf


def test_uninitialized_placeholders_materialize_in_place() -> None:
    p = nn.UninitializedParameter(dtype=nr.float64)
    b = nn.parameter.UninitializedBuffer()
    with pytest.raises(RuntimeError, match="Can't access the shape of an uninitialized"):
        _ = p.shape
    p.materialize((2, 3))
    b.materialize(4)
    assert type(p) is nn.Parameter and p.shape == (2, 3) and p.dtype is nr.float64
    assert type(b) is nr.Tensor and b.shape == (4,)


@pytest.mark.gpu
@pytest.mark.skipif(not nr.cuda.is_available(), reason="needs a CUDA GPU and CuPy")
def test_module_moves_to_gpu_and_back() -> None:
    m = net(nr)
    _backward(nr, m)
    weight = m.fc.weight
    m.cuda()
    assert m.fc.weight is weight and weight.device is nr.device("cuda:0")
    assert weight.grad.device is weight.device and m.steps.device is weight.device
    out = m(nr.ones(2, 3, device="cuda"))
    m.to("cpu", nr.float64)
    assert weight.device is nr.device("cpu") and weight.dtype is nr.float64
    np.testing.assert_allclose(m(nr.ones(2, 3, dtype=nr.float64)).numpy(), out.cpu().numpy())
