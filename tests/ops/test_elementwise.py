"""Elementwise ops against PyTorch: values, dtypes, gradients, operators, in-place, errors.

Each case is ``fn(lib, *tensors)`` and the specs of its inputs; ``compare_with_torch``
runs it with neurarust (on non-contiguous views) and with PyTorch. Cases whose
inputs are all floating point also get a float64 gradcheck (and gradgradcheck).
"""

from typing import Any, NamedTuple

import numpy as np
import pytest

import neurarust as nr

from ..conftest import check_gradients, compare_with_torch, torch


class Spec(NamedTuple):
    """How to draw one input array: uniform in [low, high), or True/False for bools."""

    shape: tuple[int, ...]
    dtype: str = "float32"
    low: float = -2.0
    high: float = 2.0


def floats(*shape: int) -> Spec:
    return Spec(shape)


def positive(*shape: int) -> Spec:
    return Spec(shape, low=0.5, high=2.0)


def whole(*shape: int) -> Spec:
    """Whole-number floats: ties between two inputs are likely."""
    return Spec(shape, "whole")


def ints(*shape: int, dtype: str = "int64", low: int = -5, high: int = 6) -> Spec:
    return Spec(shape, dtype, low, high)


def bools(*shape: int) -> Spec:
    return Spec(shape, "bool")


def _draw(spec: Any, rng: np.random.Generator) -> np.ndarray:
    if isinstance(spec, np.ndarray):  # literal values (ties, boundaries, special values)
        return spec.copy()
    if spec.dtype == "bool":
        return rng.random(spec.shape) < 0.5
    if spec.dtype == "whole":
        return rng.integers(-2, 3, spec.shape).astype(np.float32)
    if spec.dtype.startswith(("int", "uint")):
        return rng.integers(spec.low, spec.high, spec.shape).astype(spec.dtype)
    return rng.uniform(spec.low, spec.high, spec.shape).astype(spec.dtype)


def lit(*values: Any, dtype: str = "float32") -> np.ndarray:
    return np.array(values, dtype=dtype)


NAN, INF = float("nan"), float("inf")
SPECIAL = lit(1.0, -0.0, NAN, INF, -INF, -2.5)

# name -> (fn(lib, *inputs), input specs). Divisors come from positive() or literals.
# Results are floating point or integers (gradchecked when every input is a float).
CASES = {
    # add / sub / mul with broadcasting, scalars, alpha and mixed dtypes
    "add": (lambda lib, a, b: lib.add(a, b), [floats(2, 3), floats(3)]),
    "add_alpha": (lambda lib, a, b: lib.add(a, b, alpha=2.5), [floats(3, 1), floats(1, 4)]),
    "add_operator": (lambda lib, a, b: a + b, [floats(2, 1, 3), floats(4, 1)]),
    "add_scalar": (lambda lib, a: a + 2.5, [floats(2, 3)]),
    "radd_scalar": (lambda lib, a: 2 + a, [floats(2, 3)]),
    "add_0d": (lambda lib, a, b: a + b, [floats(2, 3), floats()]),
    "add_float_int": (lambda lib, a, i: a + i, [floats(2, 3), ints(3)]),
    "add_alpha_int": (lambda lib, i, j: lib.add(i, j, alpha=3), [ints(2, 3), ints(3)]),
    "add_bool": (lambda lib, b, c: b + c, [bools(2, 3), bools(3)]),
    "add_bool_int": (lambda lib, b: b + 2, [bools(4)]),
    "add_int8_uint8": (
        lambda lib, i, j: i + j,
        [ints(3, dtype="int8"), ints(3, dtype="uint8", low=0)],
    ),
    "add_int32_float": (lambda lib, i: i + 2.5, [ints(3, dtype="int32")]),
    "add_half_0d_double": (
        lambda lib, h, d: h + d,
        [Spec((3,), "float16"), Spec((), "float64")],
    ),
    "sub": (lambda lib, a, b: lib.sub(a, b), [floats(2, 3), floats(2, 1)]),
    "sub_alpha": (lambda lib, a, b: lib.sub(a, b, alpha=0.5), [floats(2, 3), floats(3)]),
    "sub_operator": (lambda lib, a, b: a - b, [floats(3), floats(2, 1)]),
    "rsub_scalar": (lambda lib, a: 1.5 - a, [floats(2, 3)]),
    "sub_int": (lambda lib, i: i - 7, [ints(2, 3)]),
    "mul": (lambda lib, a, b: lib.mul(a, b), [floats(2, 3), floats(3)]),
    "mul_operator": (lambda lib, a, b: a * b, [floats(3, 1), floats(1, 3)]),
    "rmul_scalar": (lambda lib, a: 3 * a, [floats(2, 3)]),
    "mul_same": (lambda lib, a: a * a, [floats(2, 3)]),
    "mul_bool": (lambda lib, b, c: b * c, [bools(3), bools(2, 3)]),
    "mul_int_float_scalar": (lambda lib, i: i * 0.5, [ints(2, 3)]),
    # division
    "div": (lambda lib, a, b: lib.div(a, b), [floats(2, 3), positive(3)]),
    "div_operator": (lambda lib, a, b: a / b, [floats(3), positive(2, 1)]),
    "div_scalar": (lambda lib, a: a / 4, [floats(2, 3)]),
    "rdiv_scalar": (lambda lib, b: 2 / b, [positive(2, 3)]),
    "div_int": (lambda lib, i: i / 2, [ints(2, 3)]),
    "rdiv_int": (lambda lib, i: 2 / i, [ints(4, low=1)]),
    "div_bool": (lambda lib, b, c: b / c, [bools(3), lit(True, True, True, dtype="bool")]),
    "div_by_zero": (lambda lib, a, b: a / b, [lit(1.0, -1.0, 0.0), lit(0.0, 0.0, 0.0)]),
    "true_divide": (lambda lib, i, j: lib.true_divide(i, j), [ints(3), ints(2, 1, low=1)]),
    "div_trunc": (
        lambda lib, a, b: lib.div(a, b, rounding_mode="trunc"),
        [floats(2, 3), positive(3)],
    ),
    "div_floor": (
        lambda lib, a, b: lib.div(a, b, rounding_mode="floor"),
        [floats(2, 3), lit(0.7, -0.7, 1.5)],
    ),
    "div_trunc_int": (
        lambda lib, i, j: lib.div(i, j, rounding_mode="trunc"),
        [ints(2, 4), lit(3, -3, 2, -2, dtype="int64")],
    ),
    "div_floor_int": (
        lambda lib, i, j: lib.div(i, j, rounding_mode="floor"),
        [ints(2, 4), lit(3, -3, 2, -2, dtype="int64")],
    ),
    "div_none_mode": (lambda lib, a: lib.div(a, 3, rounding_mode=None), [floats(3)]),
    "floor_divide": (lambda lib, a, b: lib.floor_divide(a, b), [floats(2, 3), positive(3)]),
    "floordiv_operator": (lambda lib, a: a // 0.3, [floats(2, 3)]),
    "rfloordiv_int": (lambda lib, i: 7 // i, [lit(2, -3, 4, -1, dtype="int64")]),
    "floordiv_int_float": (lambda lib, i: i // 2.5, [ints(4)]),
    "floordiv_float_zero": (
        lambda lib, a: lib.floor_divide(a, 0.0),
        [lit(1.0, -1.0, 0.0)],
    ),
    "remainder": (lambda lib, a, b: lib.remainder(a, b), [floats(2, 3), lit(0.7, -0.7, 1.5)]),
    "mod_operator": (lambda lib, a: a % 0.75, [floats(2, 3)]),
    "rmod_scalar": (lambda lib, b: 5.0 % b, [lit(0.7, -0.7, 1.5)]),
    "remainder_int": (lambda lib, i, j: i % j, [ints(2, 4), lit(3, -3, 2, -2, dtype="int64")]),
    "rmod_int": (lambda lib, i: 7 % i, [lit(2, -3, 4, -1, dtype="int64")]),
    "fmod": (lambda lib, a, b: lib.fmod(a, b), [floats(2, 3), lit(0.7, -0.7, 1.5)]),
    "fmod_scalar": (lambda lib, a: a.fmod(0.75), [floats(2, 3)]),
    "fmod_int": (lambda lib, i, j: lib.fmod(i, j), [ints(2, 4), lit(3, -3, 2, -2, dtype="int64")]),
    # powers
    "pow": (lambda lib, a, b: lib.pow(a, b), [positive(2, 3), floats(3)]),
    "pow_operator": (lambda lib, a, b: a**b, [positive(3, 1), floats(1, 2)]),
    "pow_scalar": (lambda lib, a: a**3, [floats(2, 3)]),
    "pow_fraction": (lambda lib, a: a.pow(0.5), [positive(2, 3)]),
    "pow_negative_scalar": (lambda lib, a: a**-2, [positive(2, 3)]),
    "rpow_scalar": (lambda lib, b: 2.5**b, [floats(2, 3)]),
    "rpow_int": (lambda lib, i: 2**i, [ints(4, low=0)]),
    "pow_zero_base": (lambda lib, a, b: a**b, [lit(0.0, 0.0, 0.0, 2.0), lit(0.0, 1.0, 2.5, 0.0)]),
    "pow_zero_exponent": (lambda lib, a: a**0, [lit(0.0, 1.5, -2.0)]),
    "rpow_zero_base": (lambda lib, b: 0.0**b, [lit(0.0, 1.0, 2.0)]),
    "pow_negative_base": (lambda lib, a: a**1.5, [lit(-8.0, 4.0)]),
    "pow_float_int_tensor": (lambda lib, a, i: a**i, [floats(2, 3), ints(3, low=0, high=4)]),
    "pow_int_float": (lambda lib, i: i**2.5, [ints(4, low=0)]),
    "pow_int_int": (lambda lib, i: i**3, [ints(2, 3)]),
    "pow_int_negative_tensor": (
        lambda lib, i, j: i**j,
        [lit(1, -1, -1, 2, 0, 3, dtype="int64"), lit(-1, -1, -2, -1, -1, 2, dtype="int64")],
    ),
    "rpow_int_negative": (lambda lib, j: 2**j, [lit(-1, 0, 3, dtype="int64")]),
    "pow_bool_int": (lambda lib, b: b**2, [bools(4)]),
    "pow_uint8_int8": (
        lambda lib, i, j: i**j,
        [ints(3, dtype="uint8", low=0), ints(3, dtype="int8", low=0, high=3)],
    ),
    # sign-like, reciprocal
    "neg": (lambda lib, a: lib.neg(a), [floats(2, 3)]),
    "neg_operator": (lambda lib, a: -a, [floats(2, 3)]),
    "negative": (lambda lib, a: lib.negative(a), [floats(2, 3)]),
    "neg_int": (lambda lib, i: -i, [ints(2, 3)]),
    "pos_operator": (lambda lib, a: +a, [floats(3)]),
    "abs": (lambda lib, a: lib.abs(a), [floats(2, 3)]),
    "abs_builtin": (lambda lib, a: abs(a), [floats(2, 3)]),
    "abs_zero": (lambda lib, a: a.abs(), [lit(0.0, -0.0, -1.0)]),
    "abs_int8": (lambda lib, i: i.abs(), [ints(4, dtype="int8")]),
    "sign": (lambda lib, a: lib.sign(a), [floats(2, 3)]),
    "sign_special": (lambda lib, a: a.sign(), [SPECIAL]),
    "sign_int": (lambda lib, i: i.sign(), [ints(5)]),
    "sign_uint8": (lambda lib, i: i.sign(), [ints(5, dtype="uint8", low=0)]),
    "sign_bool": (lambda lib, b: b.sign(), [bools(4)]),
    "reciprocal": (lambda lib, a: lib.reciprocal(a), [positive(2, 3)]),
    "reciprocal_int": (lambda lib, i: i.reciprocal(), [lit(0, 2, -4, dtype="int32")]),
    # clamping
    "clamp": (lambda lib, a: lib.clamp(a, -0.5, 0.5), [floats(2, 3)]),
    "clamp_min_kw": (lambda lib, a: a.clamp(min=0.2), [floats(2, 3)]),
    "clamp_max_kw": (lambda lib, a: a.clamp(max=0.2), [floats(2, 3)]),
    "clamp_boundaries": (lambda lib, a: a.clamp(1.0, 2.0), [lit(0.0, 1.0, 1.5, 2.0, 3.0)]),
    "clamp_min_above_max": (lambda lib, a: a.clamp(2.0, 1.0), [lit(0.0, 1.5, 3.0)]),
    "clamp_tensors": (
        lambda lib, a, lo, hi: lib.clamp(a, lo, hi),
        [floats(2, 3), Spec((3,), low=-2, high=0), Spec((2, 1), low=0, high=2)],
    ),
    "clamp_tensors_crossed": (
        lambda lib, a, lo, hi: a.clamp(lo, hi),
        [lit(0.0, 1.0, 2.0, 3.0), lit(1.0, 1.0, 3.0, 1.0), lit(2.0, 1.0, 2.0, 0.5)],
    ),
    "clamp_tensor_min": (lambda lib, a, lo: a.clamp(min=lo), [floats(2, 3), floats(3)]),
    "clamp_tensor_max": (lambda lib, a, hi: a.clamp(max=hi), [floats(2, 3), floats(2, 1)]),
    "clamp_broadcasts_input": (lambda lib, a, lo: a.clamp(min=lo), [floats(3), floats(2, 3)]),
    "clamp_nan": (lambda lib, a: a.clamp(0.0, 1.0), [SPECIAL]),
    "clamp_int": (lambda lib, i: i.clamp(-2, 2), [ints(2, 3)]),
    "clamp_int_float_bound": (lambda lib, i: i.clamp(min=0.5), [ints(2, 3)]),
    "clamp_bool_int_bound": (lambda lib, b: b.clamp(min=0), [bools(3)]),
    "clip": (lambda lib, a: lib.clip(a, -1, 1), [floats(2, 3)]),
    "clamp_min": (lambda lib, a: lib.clamp_min(a, 0.0), [floats(2, 3)]),
    "clamp_max": (lambda lib, a, hi: lib.clamp_max(a, hi), [floats(2, 3), floats(3)]),
    # rounding
    "floor": (lambda lib, a: lib.floor(a), [floats(2, 3)]),
    "ceil": (lambda lib, a: lib.ceil(a), [floats(2, 3)]),
    "trunc": (lambda lib, a: lib.trunc(a), [floats(2, 3)]),
    "round": (lambda lib, a: lib.round(a), [floats(2, 3)]),
    "round_halves": (lambda lib, a: a.round(), [lit(0.5, 1.5, 2.5, -0.5, -1.5, -2.5)]),
    "round_decimals": (lambda lib, a: lib.round(a, decimals=2), [floats(2, 3)]),
    "round_decimals_halves": (lambda lib, a: a.round(decimals=1), [lit(1.25, 1.35, -0.45)]),
    "round_negative_decimals": (lambda lib, a: a.round(decimals=-1), [lit(15.0, 25.0, -35.0)]),
    "frac": (lambda lib, a: lib.frac(a), [floats(2, 3)]),
    "floor_int": (lambda lib, i: i.floor(), [ints(3)]),
    "round_int": (lambda lib, i: i.round(), [ints(3, dtype="uint8", low=0)]),
    "floor_half": (lambda lib, h: h.floor(), [Spec((3,), "float16")]),
    # interpolation, extrema, selection
    "lerp": (lambda lib, a, b: lib.lerp(a, b, 0.3), [floats(2, 3), floats(3)]),
    "lerp_large_weight": (lambda lib, a, b: a.lerp(b, 0.8), [floats(2, 3), floats(2, 3)]),
    "lerp_tensor_weight": (
        lambda lib, a, b, w: lib.lerp(a, b, w),
        [floats(2, 3), floats(2, 1), Spec((3,), low=0, high=1)],
    ),
    "lerp_0d_weight": (lambda lib, a, b, w: a.lerp(b, w), [floats(3), floats(3), floats()]),
    "maximum": (lambda lib, a, b: lib.maximum(a, b), [floats(2, 3), floats(3)]),
    "minimum": (lambda lib, a, b: lib.minimum(a, b), [floats(2, 1), floats(3)]),
    "maximum_ties": (lambda lib, a, b: a.maximum(b), [lit(1.0, 2.0, 3.0), lit(1.0, 3.0, 2.0)]),
    "maximum_random_ties": (lambda lib, a, b: lib.maximum(a, b), [whole(2, 3), whole(3)]),
    "minimum_ties": (lambda lib, a, b: a.minimum(b), [lit(1.0, 2.0, 3.0), lit(1.0, 3.0, 2.0)]),
    "maximum_nan": (lambda lib, a, b: lib.maximum(a, b), [lit(NAN, 1.0), lit(1.0, NAN)]),
    "maximum_int_float": (lambda lib, i, a: lib.maximum(i, a), [ints(3), floats(3)]),
    "minimum_bool": (lambda lib, b, c: lib.minimum(b, c), [bools(3), bools(3)]),
    "where": (lambda lib, a, b: lib.where(a > 0, a, b), [floats(2, 3), floats(3)]),
    "where_broadcast": (
        lambda lib, c, a, b: lib.where(c, a, b),
        [bools(2, 1, 3), floats(4, 1), floats(3)],
    ),
    "where_scalar_other": (lambda lib, a: lib.where(a > 0, a, 0.0), [floats(2, 3)]),
    "where_scalar_input": (lambda lib, a: lib.where(a > 0, -1.0, a), [floats(2, 3)]),
    "where_method": (lambda lib, a, b: a.where(b < 0, b), [floats(2, 3), floats(2, 3)]),
    "where_two_ints": (lambda lib, c: lib.where(c, 1, 0), [bools(2, 3)]),
    "where_int_and_float": (lambda lib, c, i: lib.where(c, i, 2.5), [bools(3), ints(3)]),
    "where_0d_double": (
        lambda lib, c, d, a: lib.where(c, d, a),
        [bools(3), Spec((), "float64"), floats(3)],
    ),
    "where_indices": (lambda lib, c: lib.where(c), [bools(3, 4)]),
}

# Comparisons, logic, bitwise ops and tests of special values: bool or integer results.
PREDICATES = {
    # comparisons (bool results)
    "eq": (lambda lib, a, b: lib.eq(a, b), [whole(2, 3), whole(3)]),
    "eq_ties": (lambda lib, a, b: a == b, [lit(1.0, 2.0, NAN), lit(1.0, 3.0, NAN)]),
    "ne": (lambda lib, a, b: a != b, [lit(1.0, 2.0, NAN), lit(1.0, 3.0, NAN)]),
    "lt": (lambda lib, a, b: lib.lt(a, b), [floats(2, 3), floats(3)]),
    "le": (lambda lib, a, b: a <= b, [lit(1.0, 2.0, 3.0), lit(2.0, 2.0, 2.0)]),
    "gt": (lambda lib, a, b: a.gt(b), [floats(2, 1), floats(3)]),
    "ge": (lambda lib, a, b: lib.ge(a, b), [lit(1.0, 2.0, 3.0), lit(2.0, 2.0, 2.0)]),
    "lt_scalar": (lambda lib, a: a < 0.5, [floats(2, 3)]),
    "reflected_gt_scalar": (lambda lib, a: 0.5 < a, [floats(2, 3)]),
    "eq_int_float_scalar": (lambda lib, i: i == 2.0, [ints(6)]),
    "lt_int_bool": (lambda lib, i, b: i < b, [ints(3), bools(3)]),
    "gt_int8_negative_scalar": (lambda lib, i: i > -1, [ints(3, dtype="int8")]),
    # logic and bits
    "logical_and": (lambda lib, a, i: lib.logical_and(a, i), [floats(2, 3), ints(3)]),
    "logical_or": (lambda lib, b, a: b.logical_or(a), [bools(2, 3), lit(0.0, 1.0, 0.0)]),
    "logical_xor": (lambda lib, i, j: lib.logical_xor(i, j), [ints(3), ints(2, 1)]),
    "logical_not": (lambda lib, a: lib.logical_not(a), [lit(0.0, -0.0, 1.0, NAN)]),
    "bitwise_and": (lambda lib, i, j: lib.bitwise_and(i, j), [ints(2, 3), ints(3)]),
    "and_operator": (lambda lib, i: i & 6, [ints(2, 3)]),
    "rand_operator": (lambda lib, i: 3 & i, [ints(2, 3)]),
    "bitwise_or": (lambda lib, i, j: i | j, [ints(3, dtype="int16"), ints(3, dtype="int8")]),
    "ror_operator": (lambda lib, i: 8 | i, [ints(3)]),
    "bitwise_xor": (lambda lib, i, b: lib.bitwise_xor(i, b), [ints(3), bools(3)]),
    "rxor_operator": (lambda lib, i: 5 ^ i, [ints(3)]),
    "bool_and_or": (lambda lib, b, c: (b & c, b | c, b ^ c), [bools(2, 3), bools(3)]),
    "bool_and_int_scalar": (lambda lib, b: b & 1, [bools(3)]),
    "bitwise_not": (lambda lib, i: lib.bitwise_not(i), [ints(3)]),
    "invert_operator": (lambda lib, i: ~i, [ints(3, dtype="uint8", low=0)]),
    "invert_bool": (lambda lib, b: ~b, [bools(3)]),
    "isnan": (lambda lib, a: lib.isnan(a), [SPECIAL]),
    "isinf": (lambda lib, a: a.isinf(), [SPECIAL]),
    "isfinite": (lambda lib, a: lib.isfinite(a), [SPECIAL]),
    "isnan_int": (lambda lib, i: (i.isnan(), i.isinf(), i.isfinite()), [ints(3)]),
}

# Inputs at kinks, jumps or special values, where finite differences mean nothing
# (the gradients there are compared with PyTorch's instead).
AT_KINKS = {
    "abs_zero",
    "clamp_boundaries",
    "clamp_min_above_max",
    "clamp_tensors_crossed",
    "clamp_nan",
    "div_by_zero",
    "floordiv_float_zero",
    "maximum_ties",
    "maximum_random_ties",
    "minimum_ties",
    "maximum_nan",
    "pow_zero_base",
    "pow_zero_exponent",
    "rpow_zero_base",
    "pow_negative_base",
    "sign_special",
    "round_halves",
    "round_decimals_halves",
    "round_negative_decimals",
}


def _inputs(specs: list[Any], rng: np.random.Generator) -> list[np.ndarray]:
    return [_draw(spec, rng) for spec in specs]


def _all_float(specs: list[Any]) -> bool:
    return all(
        np.dtype(s.dtype).kind == "f" if isinstance(s, np.ndarray) else s.dtype.startswith("float")
        for s in specs
    )


# Values only: PyTorch has no derivative of floor_divide (neurarust's is zero, as for
# div(rounding_mode="floor")), and gradients at x / 0 are inf or nan.
VALUES_ONLY = {
    "floor_divide",
    "floordiv_operator",
    "floordiv_float_zero",
    "div_by_zero",
    "rmod_scalar",  # PyTorch has no derivative of remainder(number, tensor) either
}


@pytest.mark.parametrize("name", sorted(CASES.keys() | PREDICATES.keys()))
def test_matches_torch(name, rng):
    fn, specs = {**CASES, **PREDICATES}[name]
    compare_with_torch(fn, *_inputs(specs, rng), grad=name not in VALUES_ONLY)


@pytest.mark.parametrize(
    "name", [n for n in sorted(CASES) if n not in AT_KINKS and _all_float(CASES[n][1])]
)
def test_gradcheck(name, rng):
    fn, specs = CASES[name]
    arrays = [a.astype(np.float64) for a in _inputs(specs, rng)]
    check_gradients(lambda *t: fn(nr, *t), *arrays, second_order=True)


def test_pow_gradient_at_zero_base_and_exponent():
    """0 ** 0 has gradient 0 by the base (not nan), as in PyTorch."""
    x = nr.tensor([0.0, 0.0, 2.0], requires_grad=True)
    p = nr.tensor([0.0, 2.0, 0.0], requires_grad=True)
    (x**p).sum().backward()
    assert x.grad.tolist() == [0.0, 0.0, 0.0]
    assert p.grad.tolist() == [0.0, 0.0, pytest.approx(np.log(2.0))]
    y = nr.tensor([0.0, 1.0], requires_grad=True)
    (y**0).sum().backward()
    assert y.grad.tolist() == [0.0, 0.0]


def test_rounding_and_comparison_gradients_are_zero():
    x = nr.tensor([1.5, -0.25], requires_grad=True)
    y = x.floor() + x.ceil() + x.round() + x.trunc() + x.sign() + x // 0.5 + (x > 0)
    y.sum().backward()
    assert x.grad.tolist() == [0.0, 0.0]
    assert not (x > 0).requires_grad and not nr.isnan(x).requires_grad


# -- in-place variants -----------------------------------------------------------------

INPLACE = {
    "add_": (lambda lib, a, b: a.add_(b, alpha=2), [floats(2, 3), floats(3)]),
    "iadd": (lambda lib, a, b: a.__iadd__(b), [floats(2, 3), floats(2, 3)]),
    "sub_": (lambda lib, a, b: a.sub_(b), [floats(2, 3), floats(2, 1)]),
    "isub_scalar": (lambda lib, a: a.__isub__(1.5), [floats(2, 3)]),
    "mul_": (lambda lib, a, b: a.mul_(b), [floats(2, 3), floats(3)]),
    "imul_scalar": (lambda lib, a: a.__imul__(3), [floats(2, 3)]),
    "div_": (lambda lib, a, b: a.div_(b), [floats(2, 3), positive(3)]),
    "div_trunc_": (lambda lib, a: a.div_(0.3, rounding_mode="trunc"), [floats(2, 3)]),
    "itruediv": (lambda lib, a: a.__itruediv__(4.0), [floats(2, 3)]),
    "pow_": (lambda lib, a: a.pow_(2), [floats(2, 3)]),
    "ipow": (lambda lib, a, b: a.__ipow__(b), [positive(2, 3), floats(3)]),
    "neg_": (lambda lib, a: a.neg_(), [floats(2, 3)]),
    "abs_": (lambda lib, a: a.abs_(), [floats(2, 3)]),
    "sign_": (lambda lib, a: a.sign_(), [floats(2, 3)]),
    "reciprocal_": (lambda lib, a: a.reciprocal_(), [positive(2, 3)]),
    "clamp_": (lambda lib, a: a.clamp_(-0.5, 0.5), [floats(2, 3)]),
    "clamp_tensor_": (lambda lib, a, lo: a.clamp_(min=lo), [floats(2, 3), floats(3)]),
    "clip_": (lambda lib, a: a.clip_(max=0.1), [floats(2, 3)]),
    "clamp_min_": (lambda lib, a: a.clamp_min_(0.0), [floats(2, 3)]),
    "clamp_max_": (lambda lib, a: a.clamp_max_(0.0), [floats(2, 3)]),
    "floor_": (lambda lib, a: a.floor_(), [floats(2, 3)]),
    "ceil_": (lambda lib, a: a.ceil_(), [floats(2, 3)]),
    "round_": (lambda lib, a: a.round_(decimals=1), [floats(2, 3)]),
    "trunc_": (lambda lib, a: a.trunc_(), [floats(2, 3)]),
    "frac_": (lambda lib, a: a.frac_(), [floats(2, 3)]),
    "lerp_": (lambda lib, a, b: a.lerp_(b, 0.7), [floats(2, 3), floats(3)]),
    "int_add_": (lambda lib, i, j: i.add_(j), [ints(2, 3), ints(3, dtype="int8")]),
}


@pytest.mark.parametrize("name", sorted(INPLACE))
def test_inplace_on_views(name, rng):
    """In place on the (non-contiguous) inputs themselves, without autograd."""
    fn, specs = INPLACE[name]
    compare_with_torch(fn, *_inputs(specs, rng), grad=False)


@pytest.mark.parametrize("name", [n for n in sorted(INPLACE) if _all_float(INPLACE[n][1])])
def test_inplace_gradients(name, rng):
    """In place on a non-leaf (``a * 1``): gradients flow through the old value."""
    fn, specs = INPLACE[name]
    compare_with_torch(lambda lib, a, *rest: fn(lib, a * 1, *rest), *_inputs(specs, rng))


# -- errors ----------------------------------------------------------------------------

F = nr.tensor([1.0, -2.0, 3.0])
I = nr.tensor([5, -7, 3])
B = nr.tensor([True, False, True])
MISMATCH = r"The size of tensor a \(3\) must match the size of tensor b \(2\) at non-singleton"

ERRORS = {
    "add_shapes": (lambda: F + nr.ones(2), RuntimeError, "add: " + MISMATCH),
    "mul_shapes": (lambda: nr.mul(F, nr.ones(2)), RuntimeError, "mul: " + MISMATCH),
    "pow_shapes": (lambda: F ** nr.ones(2), RuntimeError, "pow: " + MISMATCH),
    "eq_shapes": (lambda: F == nr.ones(2), RuntimeError, "eq: " + MISMATCH),
    "maximum_shapes": (lambda: nr.maximum(F, nr.ones(2)), RuntimeError, "maximum: " + MISMATCH),
    "where_shapes": (lambda: nr.where(B, F, nr.ones(2)), RuntimeError, "where: " + MISMATCH),
    "clamp_shapes": (lambda: F.clamp(min=nr.ones(2)), RuntimeError, "clamp: " + MISMATCH),
    "lerp_shapes": (lambda: F.lerp(nr.ones(2), 0.5), RuntimeError, "lerp: " + MISMATCH),
    "shapes_dim": (
        lambda: nr.ones(2, 3) + nr.ones(2, 4),
        RuntimeError,
        r"size of tensor a \(3\) must match the size of tensor b \(4\) at non-singleton dim.* 1",
    ),
    "rounding_mode": (
        lambda: nr.div(F, 2, rounding_mode="round"),
        RuntimeError,
        r"rounding_mode to be one of None, 'trunc', or 'floor' but found 'round'",
    ),
    "int_floor_divide_zero": (lambda: I // 0, RuntimeError, "floor_divide: ZeroDivisionError"),
    "int_div_trunc_zero": (
        lambda: nr.div(I, nr.tensor([1, 0, 1]), rounding_mode="trunc"),
        RuntimeError,
        "div: ZeroDivisionError",
    ),
    "int_remainder_zero": (lambda: I % nr.tensor([0]), RuntimeError, "remainder: ZeroDivision"),
    "int_fmod_zero": (lambda: nr.fmod(I, 0), RuntimeError, "fmod: ZeroDivisionError"),
    "bool_floor_divide": (lambda: B // B, NotImplementedError, "floor_divide: .* bool tensors"),
    "bool_remainder": (lambda: B % B, NotImplementedError, "remainder: .* bool tensors"),
    "int_negative_power": (
        lambda: I**-1,
        RuntimeError,
        r"pow: Integers to negative integer powers are not allowed \(got exponent -1 for a int64",
    ),
    "bool_pow_bool": (lambda: B**B, NotImplementedError, "pow: not implemented for bool"),
    "bool_sub": (lambda: B - B, RuntimeError, r"sub: .* two bool tensors .*logical_xor\(\)"),
    "bool_sub_number": (
        lambda: B - 1,
        RuntimeError,
        r"sub: .* with a bool tensor .*logical_not\(\)",
    ),
    "number_bool_sub": (lambda: True - F, RuntimeError, "sub: .* with a bool tensor"),
    "bool_neg": (lambda: -B, RuntimeError, r"neg: Negation, the `-` operator, on a bool tensor"),
    "float_alpha_int": (
        lambda: nr.add(I, I, alpha=0.5),
        RuntimeError,
        r"add: For integral input tensors, argument alpha must not be a floating point",
    ),
    "bool_alpha_int": (
        lambda: nr.sub(I, I, alpha=True),
        RuntimeError,
        "sub: Boolean alpha only supported for Boolean results",
    ),
    "abs_bool": (
        lambda: B.abs(),
        NotImplementedError,
        r"abs: not implemented for bool tensors \(expected integer or floating point tensors\)",
    ),
    "floor_bool": (lambda: B.floor(), NotImplementedError, "floor: not implemented for bool"),
    "frac_int": (lambda: I.frac(), NotImplementedError, "frac: not implemented for int64"),
    "round_decimals_int": (
        lambda: I.round(decimals=1),
        NotImplementedError,
        r"round\(decimals=1\): not implemented for int64",
    ),
    "bitwise_float": (
        lambda: F & F,
        NotImplementedError,
        r"bitwise_and: not implemented for float32 tensors \(expected bool or integer tensors\)",
    ),
    "bitwise_float_scalar": (lambda: I | 1.5, NotImplementedError, "bitwise_or: .* float32"),
    "bitwise_not_float": (
        lambda: nr.bitwise_not(F),
        NotImplementedError,
        "bitwise_not: not implemented for float32",
    ),
    "where_float_condition": (
        lambda: nr.where(F, F, F),
        RuntimeError,
        "where expected condition to be a boolean tensor, but got a tensor with dtype float32",
    ),
    "where_number_condition": (
        lambda: nr.where(True, F, F),
        TypeError,
        "where.*'condition' must be Tensor, not bool",
    ),
    "clamp_no_bounds": (
        lambda: F.clamp(),
        RuntimeError,
        "clamp: At least one of 'min' or 'max' must not be None",
    ),
    "clamp_bool": (lambda: B.clamp(min=True), NotImplementedError, "clamp: .* bool"),
    "lerp_int": (lambda: I.lerp(I, 0.5), NotImplementedError, "lerp: not implemented for int64"),
    "lerp_end_dtype": (
        lambda: F.lerp(F.double(), 0.5),
        RuntimeError,
        "lerp: expected dtype float32 for `end` but got dtype float64",
    ),
    "lerp_weight_dtype": (
        lambda: F.lerp(F, F.double()),
        RuntimeError,
        "lerp: expected dtype float32 for `weight` but got dtype float64",
    ),
    "maximum_number": (
        lambda: nr.maximum(F, 2),
        TypeError,
        r"maximum\(\): argument 'other' must be Tensor, not int",
    ),
    "logical_and_number": (lambda: nr.logical_and(F, 1), TypeError, "logical_and.*'other'"),
    "unsupported_operand": (lambda: F + "a", TypeError, "add: expected a Tensor or a number"),
    "inplace_int_div": (
        lambda: nr.tensor([1, 2]).div_(2),
        RuntimeError,
        "div_: result type float32 can't be cast to the desired output type int64",
    ),
    "inplace_broadcast": (
        lambda: nr.ones(3).add_(nr.ones(2, 3)),
        RuntimeError,
        r"add_: output with shape \[3\] doesn't match the broadcast shape \[2, 3\]",
    ),
}


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_errors(name):
    fn, error, match = ERRORS[name]
    with pytest.raises(error, match=match):
        fn()


def test_where_uint8_condition_warns_like_torch():
    with pytest.warns(UserWarning, match="uint8 condition"):
        out = nr.where(nr.tensor([1, 0], dtype=nr.uint8), 1.0, 2.0)
    assert out.tolist() == [1.0, 2.0]


def test_errors_match_torch_exception_types():
    """The same exception types as PyTorch for a sample of the errors above."""
    if torch is None:
        pytest.skip("PyTorch is not installed (it is the test oracle)")
    t = torch.tensor
    cases = {
        "add_shapes": lambda: t([1.0, 2, 3]) + torch.ones(2),
        "rounding_mode": lambda: torch.div(t([1.0]), 2, rounding_mode="round"),
        "int_floor_divide_zero": lambda: t([1]) // 0,
        "bool_floor_divide": lambda: t([True]) // t([True]),
        "int_negative_power": lambda: t([2]) ** -1,
        "bool_sub": lambda: t([True]) - t([True]),
        "abs_bool": lambda: t([True]).abs(),
        "bitwise_float": lambda: t([1.0]) & t([1.0]),
        "where_float_condition": lambda: torch.where(t([1.0]), t([1.0]), t([1.0])),
        "lerp_int": lambda: t([1]).lerp(t([1]), 0.5),
        "maximum_number": lambda: torch.maximum(t([1.0]), 2),
    }
    for name, torch_fn in cases.items():
        with pytest.raises(ERRORS[name][1]):
            torch_fn()
