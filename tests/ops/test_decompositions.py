"""neurarust.linalg and the decompositions against PyTorch: values, dtypes, gradients, errors.

Each case is ``fn(lib, *tensors)`` and the specs of its inputs; ``compare_with_torch``
runs it with neurarust (on non-contiguous views) and with PyTorch, and the float
cases get a float64 gradcheck and gradgradcheck. Factors defined up to sign (the
columns of Q, U, V and of the eigenvectors) are compared through functions that
do not see the sign: ``Q * Q``, ``U @ Vh``, reconstructions.
"""

import math
from typing import Any, NamedTuple

import numpy as np
import pytest

import neurarust as nr

from ..conftest import check_gradients, compare_with_torch, torch

# PyTorch deprecates torch.cholesky and torch.qr; neurarust keeps them quietly.
pytestmark = pytest.mark.filterwarnings(r"ignore:torch\.(cholesky|qr) is deprecated:UserWarning")


class Spec(NamedTuple):
    """One input: a general (well-conditioned when square), symmetric positive-definite
    ('pd'), symmetric ('sym'), rank-one ('rank1'), plain random ('vec') or integer array."""

    shape: tuple[int, ...]
    kind: str = "general"
    dtype: str = "float32"


def mat(*shape: int, dtype: str = "float32") -> Spec:
    return Spec(shape, "general", dtype)


def pd(*shape: int, dtype: str = "float32") -> Spec:
    return Spec(shape, "pd", dtype)


def sym(*shape: int) -> Spec:
    return Spec(shape, "sym")


def vec(*shape: int, dtype: str = "float32") -> Spec:
    return Spec(shape, "vec", dtype)


def _draw(spec: Spec, rng: np.random.Generator) -> np.ndarray:
    if spec.kind == "int":
        return rng.integers(-3, 4, spec.shape).astype(spec.dtype)
    x = rng.standard_normal(spec.shape)
    if spec.kind == "vec":
        return x.astype(spec.dtype)
    n = spec.shape[-1]
    if spec.kind == "general" and spec.shape[-2] == n:
        x = x + n * np.eye(n)  # keeps the matrix far from singular
    elif spec.kind == "pd":
        x = x @ x.swapaxes(-1, -2) + n * np.eye(n)
    elif spec.kind == "sym":
        x = x + x.swapaxes(-1, -2)
    elif spec.kind == "rank1":
        x = x[..., :1] * x[..., :1, :]
    return x.astype(spec.dtype)


def _inputs(specs: list[Spec], rng: np.random.Generator) -> list[np.ndarray]:
    return [_draw(s, rng) for s in specs]


def _qr_invariants(Q: Any, R: Any) -> tuple[Any, ...]:
    """Unchanged when a column of Q and the matching row of R change sign."""
    return Q * Q, R * R, Q @ R


def _svd_invariants(U: Any, S: Any, Vh: Any) -> tuple[Any, ...]:
    k = S.shape[-1]
    U, Vh = U.narrow(-1, 0, k), Vh.narrow(-2, 0, k)  # full U/Vh: extra columns are arbitrary
    return U * U, S, Vh * Vh, U @ Vh


def _eigh_invariants(values: Any, vectors: Any) -> tuple[Any, ...]:
    return values, vectors * vectors


INF = math.inf

# name -> (fn(lib, *inputs), input specs)
CASES = {
    # inverse, determinants, solve
    "inv": (lambda lib, a: lib.linalg.inv(a), [mat(3, 3)]),
    "inv_batch_float64": (lambda lib, a: lib.linalg.inv(a), [mat(2, 3, 3, dtype="float64")]),
    "inverse": (lambda lib, a: lib.inverse(a), [mat(2, 2, 2)]),
    "inverse_method": (lambda lib, a: a.inverse(), [mat(3, 3)]),
    "det": (lambda lib, a: lib.linalg.det(a), [mat(2, 3, 3)]),
    "det_method_float64": (lambda lib, a: a.det(), [mat(3, 3, dtype="float64")]),
    "slogdet": (lambda lib, a: tuple(lib.linalg.slogdet(a)), [mat(2, 3, 3)]),
    "slogdet_negative": (lambda lib, a: tuple(lib.slogdet(-a)), [pd(3, 3)]),
    "slogdet_method": (lambda lib, a: tuple(a.slogdet()), [mat(3, 3)]),
    "logdet": (lambda lib, a: lib.logdet(a), [pd(2, 3, 3)]),
    "logdet_method": (lambda lib, a: a.logdet(), [pd(3, 3)]),
    "solve_vector": (lambda lib, a, b: lib.linalg.solve(a, b), [mat(3, 3), vec(3)]),
    "solve_batch_of_vectors": (lambda lib, a, b: lib.linalg.solve(a, b), [mat(2, 3, 3), vec(2, 3)]),
    "solve_broadcast": (lambda lib, a, b: lib.linalg.solve(a, b), [mat(2, 1, 3, 3), vec(4, 3, 2)]),
    "solve_right": (lambda lib, a, b: lib.linalg.solve(a, b, left=False), [mat(3, 3), vec(2, 3)]),
    # Cholesky
    "cholesky": (lambda lib, a: lib.linalg.cholesky(a), [pd(3, 3)]),
    "cholesky_upper": (lambda lib, a: lib.linalg.cholesky(a, upper=True), [pd(2, 3, 3)]),
    "cholesky_toplevel": (lambda lib, a: lib.cholesky(a, True), [pd(3, 3, dtype="float64")]),
    "cholesky_method": (lambda lib, a: a.cholesky(), [pd(3, 3)]),
    "cholesky_solve": (
        lambda lib, b, a: lib.cholesky_solve(b, lib.linalg.cholesky(a)),
        [vec(2, 3, 2), pd(3, 3)],
    ),
    "cholesky_solve_upper": (
        lambda lib, b, a: lib.cholesky_solve(b, lib.linalg.cholesky(a, upper=True), True),
        [vec(3, 1), pd(3, 3)],
    ),
    "cholesky_inverse": (
        lambda lib, a: lib.cholesky_inverse(lib.linalg.cholesky(a)),
        [pd(3, 3)],
    ),
    "cholesky_inverse_upper": (
        lambda lib, a: lib.cholesky_inverse(lib.linalg.cholesky(a, upper=True), upper=True),
        [pd(2, 2, 2)],
    ),
    # QR
    "qr_tall": (lambda lib, a: _qr_invariants(*lib.linalg.qr(a)), [mat(4, 3)]),
    "qr_square_batch": (lambda lib, a: _qr_invariants(*lib.linalg.qr(a)), [mat(2, 3, 3)]),
    "qr_wide": (lambda lib, a: _qr_invariants(*lib.linalg.qr(a)), [mat(3, 5)]),
    "qr_complete_wide": (
        lambda lib, a: _qr_invariants(*lib.linalg.qr(a, mode="complete")),
        [mat(3, 4)],
    ),
    "qr_toplevel": (lambda lib, a: _qr_invariants(*lib.qr(a)), [mat(4, 2, dtype="float64")]),
    "qr_method": (lambda lib, a: _qr_invariants(*a.qr()), [mat(3, 2)]),
    "qr_mode_r": (lambda lib, a: lib.linalg.qr(a, mode="r").R.abs(), [mat(4, 3)]),
    # SVD
    "svd_reduced_tall": (
        lambda lib, a: _svd_invariants(*lib.linalg.svd(a, full_matrices=False)),
        [mat(4, 3)],
    ),
    "svd_reduced_wide_batch": (
        lambda lib, a: _svd_invariants(*lib.linalg.svd(a, full_matrices=False)),
        [vec(2, 2, 3)],
    ),
    "svd_full_square": (lambda lib, a: _svd_invariants(*lib.linalg.svd(a)), [vec(3, 3)]),
    "svd_full_tall": (lambda lib, a: _svd_invariants(*lib.linalg.svd(a)), [vec(4, 2)]),
    "svd_values_only_gradient": (lambda lib, a: lib.linalg.svd(a).S, [vec(3, 4)]),
    "svd_toplevel": (
        lambda lib, a: _svd_invariants(*(lambda U, S, V: (U, S, V.mT))(*lib.svd(a))),
        [vec(4, 2, dtype="float64")],
    ),
    "svd_toplevel_no_uv": (lambda lib, a: tuple(lib.svd(a, compute_uv=False)), [vec(2, 4, 3)]),
    "svd_method": (lambda lib, a: a.svd(some=False).S, [vec(3, 2)]),
    "svdvals": (lambda lib, a: lib.linalg.svdvals(a), [vec(2, 3, 4)]),
    # eigh
    "eigh": (lambda lib, a: _eigh_invariants(*lib.linalg.eigh(a)), [sym(3, 3)]),
    "eigh_upper_batch": (
        lambda lib, a: _eigh_invariants(*lib.linalg.eigh(a, UPLO="U")),
        [sym(2, 3, 3)],
    ),
    "eigvalsh": (lambda lib, a: lib.linalg.eigvalsh(a), [sym(2, 3, 3)]),
    # pseudo-inverse, rank, least squares
    "pinv_tall": (lambda lib, a: lib.linalg.pinv(a), [vec(4, 3)]),
    "pinv_wide_batch": (lambda lib, a: lib.linalg.pinv(a), [vec(2, 2, 4)]),
    "pinv_hermitian": (lambda lib, a: lib.linalg.pinv(a, hermitian=True), [pd(3, 3)]),
    "pinv_rank_one_atol": (lambda lib, a: lib.linalg.pinv(a, atol=1e-3), [Spec((3, 3), "rank1")]),
    "pinv_tensor_rtol": (
        lambda lib, a: lib.linalg.pinv(a, rtol=lib.tensor([0.0, 0.9], dtype=lib.float64)),
        [vec(2, 3, 3, dtype="float64")],
    ),
    "pinverse_method": (lambda lib, a: a.pinverse(), [vec(3, 2)]),
    "matrix_rank": (lambda lib, a: lib.linalg.matrix_rank(a), [vec(2, 3, 4)]),
    "matrix_rank_one": (lambda lib, a: lib.linalg.matrix_rank(a), [Spec((3, 3), "rank1")]),
    "matrix_rank_tolerances": (
        lambda lib, a: lib.linalg.matrix_rank(a, atol=1.0, rtol=0.5),
        [vec(2, 3, 3)],
    ),
    "matrix_rank_tensor_atol": (
        lambda lib, a: lib.linalg.matrix_rank(a, atol=lib.tensor([0.1, 5.0])),
        [vec(2, 3, 3)],
    ),
    "matrix_rank_hermitian": (
        lambda lib, a: lib.linalg.matrix_rank(a, hermitian=True),
        [sym(3, 3)],
    ),
    "lstsq_default_driver": (
        lambda lib, a, b: tuple(lib.linalg.lstsq(a, b)),
        [vec(4, 2), vec(4, 3)],
    ),
    "lstsq_gelsd_vector": (
        lambda lib, a, b: tuple(lib.linalg.lstsq(a, b, driver="gelsd")),
        [vec(4, 2), vec(4)],
    ),
    "lstsq_gels_batch": (
        lambda lib, a, b: tuple(lib.linalg.lstsq(a, b, driver="gels")),
        [vec(2, 3, 2, dtype="float64"), vec(2, 3, 1, dtype="float64")],
    ),
    "lstsq_gelss_wide": (
        lambda lib, a, b: tuple(lib.linalg.lstsq(a, b, driver="gelss")),
        [vec(2, 4), vec(2, 2)],
    ),
    # matrix power
    "matrix_power_3": (lambda lib, a: lib.linalg.matrix_power(a, 3), [mat(3, 3)]),
    "matrix_power_negative": (lambda lib, a: lib.linalg.matrix_power(a, -2), [mat(2, 3, 3)]),
    "matrix_power_int": (lambda lib, a: lib.matrix_power(a, 5), [Spec((3, 3), "int", "int64")]),
    "matrix_power_method": (lambda lib, a: a.matrix_power(1), [mat(3, 3)]),
    # products
    "cross": (lambda lib, a, b: lib.linalg.cross(a, b), [vec(2, 3), vec(1, 3)]),
    "cross_dim0": (lambda lib, a, b: lib.linalg.cross(a, b, dim=0), [vec(3, 4), vec(3, 4)]),
    "cross_int": (
        lambda lib, a, b: lib.linalg.cross(a, b),
        [Spec((3,), "int", "int64"), Spec((3,), "int", "int64")],
    ),
    "multi_dot_vectors": (
        lambda lib, a, b, c, d: lib.linalg.multi_dot([a, b, c, d]),
        [vec(3), vec(3, 4), vec(4, 2), vec(2)],
    ),
    "multi_dot_matrices": (
        lambda lib, a, b, c, d: lib.linalg.multi_dot((a, b, c, d)),
        [vec(2, 5), vec(5, 3), vec(3, 4), vec(4, 1)],
    ),
    "vecdot": (lambda lib, a, b: lib.linalg.vecdot(a, b), [vec(2, 3), vec(3)]),
    "vecdot_dim0": (lambda lib, a, b: lib.linalg.vecdot(a, b, dim=0), [vec(3, 2), vec(3, 2)]),
    # norms
    "vector_norm": (lambda lib, a: lib.linalg.vector_norm(a), [vec(2, 3)]),
    "vector_norm_1_dim": (lambda lib, a: lib.linalg.vector_norm(a, 1, dim=1), [vec(2, 3)]),
    "vector_norm_inf_keepdim": (
        lambda lib, a: lib.linalg.vector_norm(a, INF, dim=(0, 2), keepdim=True),
        [vec(2, 3, 2)],
    ),
    "vector_norm_minus_inf": (lambda lib, a: lib.linalg.vector_norm(a, -INF, dim=-1), [vec(2, 3)]),
    "vector_norm_0": (lambda lib, a: lib.linalg.vector_norm(a, 0), [vec(2, 3)]),
    "vector_norm_fractional": (lambda lib, a: lib.linalg.vector_norm(a, 0.5, dim=()), [vec(2, 3)]),
    "vector_norm_3_dtype": (
        lambda lib, a: lib.linalg.vector_norm(a, 3, dim=0, dtype=lib.float64),
        [vec(2, 3)],
    ),
    "vector_norm_0d": (lambda lib, a: lib.linalg.vector_norm(a), [vec()]),
    "matrix_norm_fro": (lambda lib, a: lib.linalg.matrix_norm(a), [vec(2, 3, 4)]),
    "matrix_norm_nuc": (lambda lib, a: lib.linalg.matrix_norm(a, "nuc"), [vec(2, 3, 4)]),
    "matrix_norm_2_dims": (
        lambda lib, a: lib.linalg.matrix_norm(a, 2, dim=(2, 0), keepdim=True),
        [vec(3, 2, 4)],
    ),
    "matrix_norm_minus_2": (lambda lib, a: lib.linalg.matrix_norm(a, -2), [vec(3, 3)]),
    "matrix_norm_1": (lambda lib, a: lib.linalg.matrix_norm(a, 1), [vec(2, 3, 4)]),
    "matrix_norm_minus_1_keepdim": (
        lambda lib, a: lib.linalg.matrix_norm(a, -1, dim=(0, 2), keepdim=True),
        [vec(3, 2, 4)],
    ),
    "matrix_norm_inf": (lambda lib, a: lib.linalg.matrix_norm(a, INF, dim=(1, 0)), [vec(3, 4)]),
    "matrix_norm_minus_inf_dtype": (
        lambda lib, a: lib.linalg.matrix_norm(a, -INF, dtype=lib.float64),
        [vec(2, 3, 4)],
    ),
    "norm_flattened": (lambda lib, a: lib.linalg.norm(a), [vec(2, 3, 2)]),
    "norm_vector_ord": (lambda lib, a: lib.linalg.norm(a, 1), [vec(4)]),
    "norm_matrix_ord": (lambda lib, a: lib.linalg.norm(a, INF), [vec(3, 4)]),
    "norm_matrix_nuc": (lambda lib, a: lib.linalg.norm(a, "nuc"), [vec(3, 4)]),
    "norm_dim_int": (lambda lib, a: lib.linalg.norm(a, 3, dim=1, keepdim=True), [vec(2, 3)]),
    "norm_dim_pair": (lambda lib, a: lib.linalg.norm(a, dim=(0, 2)), [vec(2, 3, 4)]),
}

# Compared without gradients: a backward PyTorch does not define either (mode='r').
VALUES_ONLY = {"qr_mode_r"}
# No gradcheck: integer results, and pseudo-inverses whose tolerance drops singular
# values (their gradient, PyTorch's too, is that of the exact pseudo-inverse at
# constant rank, which finite differences of a truncated one do not see).
NO_GRADCHECK = VALUES_ONLY | {
    "pinv_rank_one_atol",
    "pinv_tensor_rtol",
    "matrix_rank",
    "matrix_rank_one",
    "matrix_rank_tolerances",
    "matrix_rank_tensor_atol",
    "matrix_rank_hermitian",
}


def _float_case(name: str) -> bool:
    return name not in NO_GRADCHECK and all(s.kind != "int" for s in CASES[name][1])


@pytest.mark.parametrize("name", sorted(CASES))
def test_matches_torch(name, rng):
    fn, specs = CASES[name]
    compare_with_torch(fn, *_inputs(specs, rng), grad=name not in VALUES_ONLY, atol=1e-4)


@pytest.mark.parametrize("name", [n for n in sorted(CASES) if _float_case(n)])
def test_gradcheck(name, rng):
    """float64 gradcheck and gradgradcheck; symmetric inputs stay symmetric under the
    finite-difference nudges (Cholesky and eigh read one triangle only)."""
    fn, specs = CASES[name]
    arrays = [a.astype(np.float64) for a in _inputs(specs, rng)]
    symmetric = [s.kind in ("pd", "sym") for s in specs]

    def f(*tensors):
        out = fn(nr, *((t + t.mT) / 2 if s else t for t, s in zip(tensors, symmetric)))
        # outputs without a gradient (slogdet's sign, lstsq's rank...) are left out
        return [o for o in (out if isinstance(out, tuple) else (out,)) if o.requires_grad]

    check_gradients(f, *arrays, second_order=True)


# -- what a table of comparisons does not show ----------------------------------------------


def test_complete_factors_reconstruct_and_are_orthogonal(rng):
    a = nr.from_numpy(rng.standard_normal((2, 5, 3)))
    for Q, R in (nr.linalg.qr(a, mode="complete"), nr.qr(a, some=False)):
        assert Q.shape == (2, 5, 5) and R.shape == (2, 5, 3)
        np.testing.assert_allclose((Q @ R).numpy(), a.numpy(), atol=1e-12)
        np.testing.assert_allclose((Q.mT @ Q).numpy(), np.eye(5)[None].repeat(2, 0), atol=1e-12)
    U, S, Vh = nr.linalg.svd(a)
    assert U.shape == (2, 5, 5) and S.shape == (2, 3) and Vh.shape == (2, 3, 3)
    np.testing.assert_allclose((U.mT @ U).numpy(), np.eye(5)[None].repeat(2, 0), atol=1e-12)
    np.testing.assert_allclose(((U[..., :3] * S.unsqueeze(-2)) @ Vh).numpy(), a.numpy(), atol=1e-12)


def test_det_gradient_of_singular_matrix_is_the_cofactor_matrix():
    """PyTorch returns zeros here; the cofactor matrix is the exact gradient."""
    a = nr.tensor([[1.0, 2.0, 0.0], [2.0, 4.0, 0.0], [0.0, 0.0, 3.0]], requires_grad=True)
    nr.linalg.det(a).backward()
    expected = [[12.0, -6.0, 0.0], [-6.0, 3.0, 0.0], [0.0, 0.0, 0.0]]
    np.testing.assert_allclose(a.grad.numpy(), expected, atol=1e-5)


def test_values_without_graph_match_values_with_it(rng):
    """svdvals/eigvalsh skip the vectors when no gradient is needed."""
    x = rng.standard_normal((2, 3, 3))
    x = x + x.swapaxes(-1, -2)
    for fn in (nr.linalg.svdvals, nr.linalg.eigvalsh):
        plain = fn(nr.from_numpy(x))
        tracked = fn(nr.tensor(x, requires_grad=True))
        assert not plain.requires_grad and tracked.requires_grad
        np.testing.assert_allclose(plain.numpy(), tracked.detach().numpy(), atol=1e-12)


def test_matrix_power_zero_is_identity(rng):
    a = nr.from_numpy(rng.standard_normal((2, 3, 3)))
    np.testing.assert_array_equal(
        nr.linalg.matrix_power(a, 0).numpy(), np.eye(3)[None].repeat(2, 0)
    )


def test_returned_tuples_are_named_like_torch(rng):
    if torch is None:
        pytest.skip("PyTorch is not installed (it is the test oracle)")
    x = rng.standard_normal((3, 3))
    x = x @ x.T + np.eye(3)
    calls = {
        "slogdet": lambda lib, a: lib.slogdet(a),
        "linalg.slogdet": lambda lib, a: lib.linalg.slogdet(a),
        "qr": lambda lib, a: lib.qr(a),
        "linalg.qr": lambda lib, a: lib.linalg.qr(a),
        "svd": lambda lib, a: lib.svd(a),
        "linalg.svd": lambda lib, a: lib.linalg.svd(a),
        "linalg.eigh": lambda lib, a: lib.linalg.eigh(a),
        "linalg.lstsq": lambda lib, a: lib.linalg.lstsq(a, a),
    }
    for name, call in calls.items():
        ours, theirs = call(nr, nr.from_numpy(x)), call(torch, torch.from_numpy(x))
        assert type(ours).__name__ == type(theirs).__name__, name
        assert len(ours) == len(theirs), name
        for field, value in zip(ours._fields, theirs):
            assert getattr(theirs, field) is value, (name, field)


# -- errors --------------------------------------------------------------------------------------


def _t(*shape: int, dtype: str = "float32") -> Any:
    """fn(lib) -> a tensor of ``lib`` holding 1 + an identity, of ``shape``."""
    return lambda lib: (
        lib.ones(*shape, dtype=getattr(lib, dtype))
        + (lib.eye(*shape[-2:], dtype=getattr(lib, dtype)) if len(shape) > 1 else 0)
    )


def _singular(lib: Any) -> Any:
    return lib.zeros(3, 3)


def _qr_backward(mode: str, shape: tuple[int, int]) -> Any:
    def run(lib: Any) -> None:
        a = lib.ones(*shape).requires_grad_()
        Q, R = lib.linalg.qr(a + lib.eye(*shape), mode=mode)
        R.sum().backward()

    return run


M33, M23, V3, I33 = _t(3, 3), _t(2, 3), _t(3), _t(3, 3, dtype="int64")

# name -> (fn(lib), exception, message pattern). PyTorch raises the same exception type.
ERRORS = {
    "inv_not_square": (
        lambda lib: lib.linalg.inv(M23(lib)),
        RuntimeError,
        "linalg.inv: A must be batches of square matrices, but they are 2 by 3 matrices",
    ),
    "inv_vector": (
        lambda lib: lib.linalg.inv(V3(lib)),
        RuntimeError,
        "linalg.inv: The input tensor A must have at least 2 dimensions",
    ),
    "inv_int": (
        lambda lib: lib.linalg.inv(I33(lib)),
        RuntimeError,
        "linalg.inv: Expected a floating point or complex tensor as input. Got Long",
    ),
    "inv_singular": (lambda lib: lib.linalg.inv(_singular(lib)), RuntimeError, "singular"),
    "inverse_singular": (lambda lib: _singular(lib).inverse(), RuntimeError, "singular"),
    "det_not_square": (lambda lib: lib.det(M23(lib)), RuntimeError, "linalg.det: A must be"),
    "det_half": (
        lambda lib: lib.linalg.det(_t(2, 2, dtype="float16")(lib)),
        NotImplementedError,
        "Half",
    ),
    "slogdet_int": (lambda lib: lib.linalg.slogdet(I33(lib)), RuntimeError, "Got Long"),
    "cholesky_not_positive_definite": (
        lambda lib: lib.linalg.cholesky(-M33(lib)),
        RuntimeError,
        "linalg.cholesky: The factorization could not be completed because the input is "
        "not positive-definite",
    ),
    "cholesky_batch_not_positive_definite": (
        lambda lib: lib.cholesky(lib.stack([M33(lib), -M33(lib)])),
        RuntimeError,
        "not positive-definite",
    ),
    "cholesky_not_square": (lambda lib: lib.linalg.cholesky(M23(lib)), RuntimeError, "2 by 3"),
    "eigh_uplo": (
        lambda lib: lib.linalg.eigh(M33(lib), UPLO="X"),
        RuntimeError,
        "Expected UPLO argument to be 'L' or 'U', but got X",
    ),
    "eigh_not_square": (lambda lib: lib.linalg.eigvalsh(M23(lib)), RuntimeError, "square"),
    "solve_singular": (
        lambda lib: lib.linalg.solve(_singular(lib), V3(lib)),
        RuntimeError,
        "linalg.solve: The solver failed because the input matrix is singular",
    ),
    "solve_incompatible": (
        lambda lib: lib.linalg.solve(M33(lib), _t(4, 2)(lib)),
        RuntimeError,
        r"linalg.solve: Incompatible shapes of A and B for the equation AX = B \(3x3 and 4x2\)",
    ),
    "solve_right_vector": (
        lambda lib: lib.linalg.solve(M33(lib), V3(lib), left=False),
        RuntimeError,
        r"equation XA = B \(3x3 and 3x1\)",
    ),
    "solve_dtypes": (
        lambda lib: lib.linalg.solve(M33(lib), _t(3, dtype="float64")(lib)),
        RuntimeError,
        "linalg.solve: Expected A and B to have the same dtype, but found A of type Float "
        "and B of type Double instead",
    ),
    "solve_batches": (
        lambda lib: lib.linalg.solve(_t(2, 3, 3)(lib), _t(4, 3, 1)(lib)),
        RuntimeError,
        "size",
    ),
    "qr_mode": (
        lambda lib: lib.linalg.qr(M33(lib), mode="full"),
        RuntimeError,
        "qr received unrecognized mode 'full'",
    ),
    "qr_backward_mode_r": (
        _qr_backward("r", (3, 3)),
        RuntimeError,
        "The derivative of linalg.qr depends on Q, which is not computed when mode='r'",
    ),
    "qr_backward_complete_tall": (
        _qr_backward("complete", (4, 3)),
        RuntimeError,
        "not differentiable when mode='complete' and nrows > ncols",
    ),
    "svd_vector": (lambda lib: lib.linalg.svd(V3(lib)), RuntimeError, "at least 2 dimensions"),
    "svd_int": (lambda lib: lib.svd(I33(lib)), RuntimeError, "Got Long"),
    "pinv_int": (lambda lib: lib.linalg.pinv(I33(lib)), RuntimeError, "Long"),
    "matrix_power_not_square": (
        lambda lib: lib.linalg.matrix_power(M23(lib), 2),
        RuntimeError,
        "linalg.matrix_power: A must be batches of square matrices",
    ),
    "matrix_power_int_negative": (
        lambda lib: lib.linalg.matrix_power(I33(lib), -1),
        RuntimeError,
        "linalg.inv: Expected a floating point or complex tensor as input. Got Long",
    ),
    "matrix_power_singular_negative": (
        lambda lib: lib.matrix_power(_singular(lib), -1),
        RuntimeError,
        "singular",
    ),
    "lstsq_driver": (
        lambda lib: lib.linalg.lstsq(M33(lib), M33(lib), driver="gesv"),
        RuntimeError,
        "parameter `driver` should be one of",
    ),
    "lstsq_rows": (
        lambda lib: lib.linalg.lstsq(M23(lib), M33(lib)),
        RuntimeError,
        r"input.size\(-2\) should match other.size\(-2\)",
    ),
    "lstsq_ranks": (
        lambda lib: lib.linalg.lstsq(M33(lib), _t(1, 1, 3, 3)(lib)),
        RuntimeError,
        r"input.dim\(\) must be greater or equal to other.dim\(\)",
    ),
    "vector_norm_int": (
        lambda lib: lib.linalg.vector_norm(I33(lib)),
        RuntimeError,
        "linalg.vector_norm: Expected a floating point or complex tensor as input. Got Long",
    ),
    "vector_norm_int_dtype": (
        lambda lib: lib.linalg.vector_norm(M33(lib), dtype=lib.int64),
        RuntimeError,
        "linalg.vector_norm: dtype should be floating point or complex, but got Long",
    ),
    "vector_norm_str_ord": (
        lambda lib: lib.linalg.vector_norm(M33(lib), "fro"),
        TypeError,
        "argument 'ord' must be Number, not str",
    ),
    "vector_norm_inf_empty": (
        lambda lib: lib.linalg.vector_norm(lib.ones(2, 0), INF),
        RuntimeError,
        "cannot compute the inf norm on an empty tensor",
    ),
    "vector_norm_dim": (
        lambda lib: lib.linalg.vector_norm(M33(lib), dim=2),
        IndexError,
        "Dimension out of range",
    ),
    "matrix_norm_ord": (
        lambda lib: lib.linalg.matrix_norm(M33(lib), 3),
        RuntimeError,
        "linalg.matrix_norm: Order 3 not supported",
    ),
    "matrix_norm_vector": (
        lambda lib: lib.linalg.norm(V3(lib), "fro"),
        RuntimeError,
        "linalg.matrix_norm: The input tensor A must have at least 2 dimensions",
    ),
    "matrix_norm_same_dims": (
        lambda lib: lib.linalg.matrix_norm(M33(lib), dim=(0, 0)),
        RuntimeError,
        r"linalg.matrix_norm: dims must be different. Got \(0, 0\)",
    ),
    "norm_ord_3d": (
        lambda lib: lib.linalg.norm(_t(2, 2, 2)(lib), 2),
        RuntimeError,
        "linalg.norm: If dim is not specified but ord is, the input must be 1D or 2D. Got 3D",
    ),
    "cross_length": (
        lambda lib: lib.linalg.cross(_t(4)(lib), _t(4)(lib)),
        RuntimeError,
        "linalg.cross: inputs dimension -1 must have length 3. Got 4 and 4",
    ),
    "cross_ranks": (
        lambda lib: lib.linalg.cross(M23(lib), V3(lib)),
        RuntimeError,
        "linalg.cross: inputs must have the same number of dimensions",
    ),
    "cross_dtypes": (
        lambda lib: lib.linalg.cross(V3(lib), _t(3, dtype="float64")(lib)),
        RuntimeError,
        "float32",
    ),
    "multi_dot_one": (
        lambda lib: lib.linalg.multi_dot([M33(lib)]),
        RuntimeError,
        r"multi_dot\(\): expected at least 2 tensors but got 1",
    ),
    "multi_dot_3d": (
        lambda lib: lib.linalg.multi_dot([M33(lib), _t(2, 3, 3)(lib)]),
        RuntimeError,
        r"multi_dot\(\): the last tensor must be 1D or 2D but got 3D",
    ),
    "multi_dot_middle_vector": (
        lambda lib: lib.linalg.multi_dot([M33(lib), V3(lib), M33(lib)]),
        RuntimeError,
        r"multi_dot\(\): tensor 1 must be 2D but got 1D",
    ),
    "multi_dot_shapes": (
        lambda lib: lib.linalg.multi_dot([M23(lib), M23(lib)]),
        RuntimeError,
        r"multi_dot\(\): tensors 0 and 1 with shapes \[2, 3\] and \[2, 3\] cannot be multiplied",
    ),
    "multi_dot_dtypes": (
        lambda lib: lib.linalg.multi_dot([M33(lib), _t(3, 3, dtype="float64")(lib)]),
        RuntimeError,
        "all tensors must have be the same dtype but tensor 0 is float32 and tensor 1 float64",
    ),
    "vecdot_int": (
        lambda lib: lib.linalg.vecdot(I33(lib), I33(lib)),
        RuntimeError,
        "linalg.vecdot: Expected a floating point or complex tensor as input. Got Long",
    ),
    "vecdot_dtypes": (
        lambda lib: lib.linalg.vecdot(V3(lib), _t(3, dtype="float64")(lib)),
        RuntimeError,
        "linalg.vecdot: Expected x and y to have the same dtype",
    ),
    "cholesky_solve_vector": (
        lambda lib: lib.cholesky_solve(V3(lib), M33(lib)),
        RuntimeError,
        "b should have at least 2 dimensions, but has 1 dimensions instead",
    ),
    "cholesky_inverse_vector": (
        lambda lib: lib.cholesky_inverse(V3(lib)),
        RuntimeError,
        "cholesky_inverse: The input tensor A must have at least 2 dimensions",
    ),
}


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_errors(name):
    fn, error, match = ERRORS[name]
    with pytest.raises(error, match=match):
        fn(nr)


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_errors_match_torch_exception_types(name):
    if torch is None:
        pytest.skip("PyTorch is not installed (it is the test oracle)")
    fn, error, _ = ERRORS[name]
    with pytest.raises(error):
        fn(torch)
