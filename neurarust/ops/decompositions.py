"""Matrix functions and decompositions: inverse, determinants, solve, Cholesky, QR,
SVD, eigh, pseudo-inverse, least squares, and the norms built on them.

Each decomposition is one :class:`~neurarust.autograd.Function` whose forward
calls the array module's LAPACK wrapper (``xp.linalg``, batched over the leading
dimensions) and whose backward is the standard matrix-calculus formula written
with neurarust ops, so double backward works. Everything else here (norms,
``matrix_power``, ``lstsq``, ``cross``, ``multi_dot``...) is composed of those
Functions and other ops.

The ``linalg_*`` functions are ``neurarust.linalg``'s (``neurarust.linalg.det`` is
``linalg_det``, as ``torch.linalg.det.__name__`` is ``"linalg_det"``); ``__all__``
holds the top-level aliases PyTorch also offers (``det``, ``inverse``, ``svd``...).

Gradients of the spectral decompositions (``svd``, ``eigh``) are those of the
well-defined case: distinct singular values / eigenvalues (and nonzero singular
values where ``U`` or ``Vh`` get a gradient). They are inf or nan otherwise, as in
PyTorch. Functions of the values only (``svdvals``, ``eigvalsh``, the nuclear
norm) have gradients everywhere.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from .. import return_types
from ..autograd.function import Function
from ..autograd.grad_mode import is_grad_enabled
from ..tensor import Tensor
from ._util import check_broadcastable, normalize_dim, require_tensor
from .creation import eye, zeros
from .elementwise import where
from .matrix import diag_embed, tril
from .reduction import _SCALAR_TYPE_NAMES, Norm, _axes
from .shape import cat

__all__ = [
    "det",
    "logdet",
    "slogdet",
    "inverse",
    "pinverse",
    "matrix_power",
    "cholesky",
    "qr",
    "svd",
    "cholesky_solve",
    "cholesky_inverse",
]


# -- checks ------------------------------------------------------------------------------


def _check_float(op: str, x: Tensor, name: str = "A") -> None:
    """LAPACK works on float32 and float64: RuntimeError for other dtypes, as PyTorch."""
    require_tensor(op, name, x)
    dtype = x.dtype
    if dtype.name == "float16":
        raise NotImplementedError(f"{op}: not implemented for 'Half'")
    if not dtype.is_floating_point:
        raise RuntimeError(
            f"{op}: Expected a floating point or complex tensor as input. "
            f"Got {_SCALAR_TYPE_NAMES[dtype.name]}"
        )


def _check_matrix(op: str, A: Tensor, floating: bool = True, name: str = "A") -> None:
    """``A`` is a (batch of) matrix, of a float dtype when ``floating``."""
    require_tensor(op, name, A)
    if A.ndim < 2:
        raise RuntimeError(f"{op}: The input tensor {name} must have at least 2 dimensions.")
    if floating:
        _check_float(op, A, name)


def _check_square(op: str, A: Tensor, floating: bool = True) -> None:
    """``A`` is a (batch of) square matrix, of a float dtype when ``floating``."""
    _check_matrix(op, A, floating)
    m, n = A.shape[-2:]
    if m != n:
        raise RuntimeError(
            f"{op}: A must be batches of square matrices, but they are {m} by {n} matrices"
        )


def _check_same_dtype(op: str, a: Tensor, b: Tensor, names: tuple[str, str]) -> None:
    if a.dtype is not b.dtype:
        raise RuntimeError(
            f"{op}: Expected {names[0]} and {names[1]} to have the same dtype, but found "
            f"{names[0]} of type {_SCALAR_TYPE_NAMES[a.dtype.name]} and {names[1]} of type "
            f"{_SCALAR_TYPE_NAMES[b.dtype.name]} instead"
        )


def _lapack(op: str, failure: str, fn: Any, *args: Any, **kwargs: Any) -> Any:
    """``fn(*args, **kwargs)``, its LinAlgError turned into PyTorch's RuntimeError."""
    try:
        return fn(*args, **kwargs)
    except np.linalg.LinAlgError:  # NumPy's, also raised by CuPy
        raise RuntimeError(f"{op}: {failure}") from None


# -- small matrix helpers for the backward formulas ----------------------------------------


def _constant(like: Tensor, array: Any) -> Tensor:
    """A tensor (needing no gradient) on ``like``'s device, holding ``array``."""
    return Tensor._make(array, like.device)


def _identity(like: Tensor, n: int) -> Tensor:
    return _constant(like, like.backend.xp.eye(n, dtype=like._data.dtype))


def _per_matrix(values: Tensor) -> Tensor:
    """One value per matrix, shaped ``(*, 1, 1)`` to scale a batch of matrices."""
    return values.reshape(values.shape + (1, 1))


def _skew(x: Tensor) -> Tensor:
    return x - x.mT


def _reciprocal_gaps(values: Tensor) -> Tensor:
    """``F[i, j] = 1 / (values[j] - values[i])`` off the diagonal, 0 on it."""
    eye = _identity(values, values.shape[-1])
    gaps = values.unsqueeze(-2) - values.unsqueeze(-1)
    return (1 - eye) / (gaps + eye)


def _sum_terms(terms: list[Tensor]) -> Tensor:
    total = terms[0]
    for term in terms[1:]:
        total = total + term
    return total


# -- inverse and solve -----------------------------------------------------------------


class Inverse(Function):
    saves_result = True

    @staticmethod
    def forward(ctx: Any, A: Tensor) -> Any:
        failure = "The inversion could not be completed because the input matrix is singular."
        return _lapack("linalg.inv", failure, A.backend.xp.linalg.inv, A._data)

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> Tensor:
        inverse_t = ctx.saved_result().mT
        return -(inverse_t @ grad @ inverse_t)


def linalg_inv(A: Tensor) -> Tensor:
    """The inverse of each square matrix in ``A``.

    RuntimeError for a singular matrix. Shapes: ``(*, n, n) -> (*, n, n)``.

    Examples:
        >>> import neurarust as nr
        >>> nr.linalg.inv(nr.tensor([[2.0, 0.0], [0.0, 4.0]]))
        tensor([[0.5000, 0.0000],
                [0.0000, 0.2500]])
    """
    _check_square("linalg.inv", A)
    return Inverse.apply(A)


class Solve(Function):
    """``X`` with ``A @ X = B`` for matrices ``A (*, n, n)``, ``B (*, n, k)``; batches broadcast."""

    saves_result = True

    @staticmethod
    def forward(ctx: Any, A: Tensor, B: Tensor) -> Any:
        ctx.save_for_backward(A)
        xp = A.backend.xp
        batch = np.broadcast_shapes(A.shape[:-2], B.shape[:-2])
        a = xp.broadcast_to(A._data, batch + A.shape[-2:])
        b = xp.broadcast_to(B._data, batch + B.shape[-2:])
        failure = "The solver failed because the input matrix is singular."
        return _lapack("linalg.solve", failure, xp.linalg.solve, a, b)

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple[Any, ...]:
        (A,) = ctx.saved_tensors
        grad_b = Solve.apply(A.mT, grad)
        grad_a = -(grad_b @ ctx.saved_result().mT) if ctx.needs_input_grad[0] else None
        return grad_a, grad_b if ctx.needs_input_grad[1] else None


def _solve_matrices(op: str, A: Tensor, B: Tensor, equation: str = "AX = B") -> Tensor:
    """:class:`Solve` after checking that ``B (*, n, k)`` fits ``A (*, n, n)``."""
    if A.shape[-1] != B.shape[-2]:
        n = A.shape[-1]
        b_rows, b_cols = B.shape[-2:]
        if equation == "XA = B":
            b_rows, b_cols = b_cols, b_rows
        raise RuntimeError(
            f"{op}: Incompatible shapes of A and B for the equation {equation} "
            f"({n}x{n} and {b_rows}x{b_cols})"
        )
    check_broadcastable(op, A.shape[:-2], B.shape[:-2])
    return Solve.apply(A, B)


def linalg_solve(A: Tensor, B: Tensor, *, left: bool = True) -> Tensor:
    """The solution ``X`` of ``A @ X = B`` (or ``X @ A = B`` with ``left=False``).

    ``B`` is a batch of vectors ``(*, n)`` when it is 1-D or has the shape of
    ``A`` without its last dimension; otherwise a batch of matrices ``(*, n, k)``.
    Batch dimensions broadcast. RuntimeError for a singular ``A``.

    Shapes: ``A (*, n, n)``, ``B (*, n)`` or ``(*, n, k)`` -> the shape of ``B``
    (with the broadcast batch dimensions).

    Examples:
        >>> import neurarust as nr
        >>> nr.linalg.solve(nr.tensor([[2.0, 0.0], [0.0, 4.0]]), nr.tensor([1.0, 1.0]))
        tensor([0.5000, 0.2500])
    """
    op = "linalg.solve"
    _check_square(op, A)
    _check_float(op, B, "B")
    _check_same_dtype(op, A, B, ("A", "B"))
    vector = B.ndim == 1 or (B.ndim == A.ndim - 1 and B.shape == A.shape[:-1])
    if vector:
        B = B.unsqueeze(-1)
    if left:
        X = _solve_matrices(op, A, B)
    else:  # X A = B is A^T X^T = B^T
        X = _solve_matrices(op, A.mT, B.mT, "XA = B").mT
    return X.squeeze(-1) if vector else X


# -- determinants --------------------------------------------------------------------------


class Det(Function):
    saves_result = True

    @staticmethod
    def forward(ctx: Any, A: Tensor) -> Any:
        ctx.save_for_backward(A)
        return A.backend.xp.linalg.det(A._data)

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> Tensor:
        (A,) = ctx.saved_tensors
        det = ctx.saved_result()
        if bool((det._data != 0).all()):  # the cofactor matrix is det(A) * A^-T
            return _per_matrix(grad * det) * Inverse.apply(A).mT
        return _per_matrix(grad) * _constant(A, _cofactors_by_svd(A._data, A.backend.xp))


def _cofactors_by_svd(data: Any, xp: Any) -> Any:
    """The cofactor matrices of ``data``, singular ones included (a constant array).

    With ``A = U diag(s) Vh``, the cofactor matrix is
    ``det(U) det(Vh) U diag(p) Vh`` where ``p[i]`` is the product of the singular
    values other than ``s[i]``.
    """
    u, s, vh = xp.linalg.svd(data)
    n = s.shape[-1]
    others = xp.where(xp.eye(n, dtype=bool), 1, s[..., None, :]).prod(axis=-1)
    sign = xp.linalg.det(u) * xp.linalg.det(vh)
    return sign[..., None, None] * ((u * others[..., None, :]) @ vh)


def linalg_det(A: Tensor) -> Tensor:
    """The determinant of each square matrix in ``A``.

    The gradient is the cofactor matrix; for singular matrices it is computed
    through an SVD (correct to first order; PyTorch returns zeros there).

    Shapes: ``(*, n, n) -> (*)``.

    Examples:
        >>> import neurarust as nr
        >>> nr.linalg.det(nr.tensor([[1.0, 2.0], [3.0, 4.0]]))
        tensor(-2.)
    """
    _check_square("linalg.det", A)
    return Det.apply(A)


class Slogdet(Function):
    @staticmethod
    def forward(ctx: Any, A: Tensor) -> Any:
        ctx.save_for_backward(A)
        xp = A.backend.xp
        sign, logabsdet = xp.linalg.slogdet(A._data)
        sign = Tensor._make(xp.asarray(sign), A.device)
        ctx.mark_non_differentiable(sign)
        return sign, logabsdet

    @staticmethod
    def backward(ctx: Any, _grad_sign: Any, grad_logabsdet: Tensor) -> Tensor:
        (A,) = ctx.saved_tensors
        return _per_matrix(grad_logabsdet) * Inverse.apply(A).mT


def linalg_slogdet(A: Tensor) -> Any:
    """``(sign, logabsdet)``: the sign of each determinant and the log of its absolute value.

    More accurate than ``det(A).log()`` for large or tiny determinants. ``sign``
    gets no gradient; the gradient of ``logabsdet``, ``A^-T``, needs an invertible
    ``A`` (RuntimeError otherwise). Shapes: ``(*, n, n) -> (*), (*)``.

    Examples:
        >>> import neurarust as nr
        >>> nr.linalg.slogdet(nr.tensor([[-2.0, 0.0], [0.0, 1.0]])).sign
        tensor(-1.)
    """
    _check_square("linalg.slogdet", A)
    return return_types.linalg_slogdet(*Slogdet.apply(A))


# -- Cholesky --------------------------------------------------------------------------------


class Cholesky(Function):
    """The lower-triangular factor ``L`` of ``A = L @ L.mT``."""

    saves_result = True

    @staticmethod
    def forward(ctx: Any, A: Tensor) -> Any:
        failure = (
            "The factorization could not be completed because the input is not positive-definite."
        )
        return _lapack("linalg.cholesky", failure, A.backend.xp.linalg.cholesky, A._data)

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> Tensor:
        L = ctx.saved_result()
        L_inverse = Inverse.apply(L)
        # The lower triangle of L^T grad with a halved diagonal, carried back through
        # L^-T (.) L^-1; A is symmetric, so is its gradient.
        product = L.mT @ grad
        lower = (tril(product) + tril(product, -1)) / 2
        half = L_inverse.mT @ lower @ L_inverse
        return (half + half.mT) / 2


def linalg_cholesky(A: Tensor, *, upper: bool = False) -> Tensor:
    """The Cholesky factor of each symmetric positive-definite matrix in ``A``.

    ``L`` lower-triangular with ``A = L @ L.mT``, or ``U = L.mT`` with ``upper=True``.
    Only the lower triangle of ``A`` is read. RuntimeError if a matrix is not
    positive-definite. Shapes: ``(*, n, n) -> (*, n, n)``.

    Examples:
        >>> import neurarust as nr
        >>> nr.linalg.cholesky(nr.tensor([[4.0, 2.0], [2.0, 2.0]]))
        tensor([[2., 0.],
                [1., 1.]])
    """
    _check_square("linalg.cholesky", A)
    L = Cholesky.apply(A)
    return L.mT if upper else L


# -- QR ----------------------------------------------------------------------------------------

_QR_MODES = ("reduced", "complete", "r")


class QR(Function):
    saves_result = True

    @staticmethod
    def forward(ctx: Any, A: Tensor, mode: str) -> Any:
        ctx.mode = mode
        xp, data = A.backend.xp, A._data
        if mode == "r":  # Q is not computed: PyTorch returns an empty tensor in its place
            return xp.empty((0,), dtype=data.dtype), xp.linalg.qr(data, mode="r")
        return tuple(xp.linalg.qr(data, mode=mode))

    @staticmethod
    def backward(ctx: Any, grad_q: Tensor, grad_r: Tensor) -> tuple[Any, ...]:
        if ctx.mode == "r":
            raise RuntimeError(
                "The derivative of linalg.qr depends on Q, which is not computed when "
                "mode='r'. Please use linalg.qr(A, mode='reduced') if you are going to "
                "differentiate through linalg.qr."
            )
        Q, R = ctx.saved_result(0), ctx.saved_result(1)
        m, n = Q.shape[-2], R.shape[-1]
        if ctx.mode == "complete" and m > n:
            raise RuntimeError(
                "The QR decomposition is not differentiable when mode='complete' and nrows > ncols."
            )
        if m >= n:
            return _qr_backward_tall(Q, R, grad_q, grad_r), None
        # A = [X | Y] with X square: Q R_X = X and R = [R_X | Q^T Y], so Y = Q R_Y.
        R_x, R_y = R.narrow(-1, 0, m), R.narrow(-1, m, n - m)
        grad_r_x, grad_r_y = grad_r.narrow(-1, 0, m), grad_r.narrow(-1, m, n - m)
        grad_x = _qr_backward_tall(Q, R_x, grad_q + (Q @ R_y) @ grad_r_y.mT, grad_r_x)
        return cat([grad_x, Q @ grad_r_y], -1), None


def _qr_backward_tall(Q: Tensor, R: Tensor, grad_q: Tensor, grad_r: Tensor) -> Tensor:
    """The gradient of the reduced QR decomposition of a matrix with ``m >= n``.

    ``M = R grad_r^T - grad_q^T Q``; its lower triangle, copied to the upper one,
    corrects ``grad_q``; the sum, times ``R^-T``, is the gradient.
    """
    M = R @ grad_r.mT - grad_q.mT @ Q
    corrected = grad_q + Q @ (tril(M) + tril(M, -1).mT)
    return Solve.apply(R, corrected.mT).mT


def linalg_qr(A: Tensor, mode: str = "reduced") -> Any:
    """``(Q, R)`` with ``A = Q @ R``, ``Q`` orthonormal columns, ``R`` upper-triangular.

    With ``A (*, m, n)`` and ``k = min(m, n)``: ``mode='reduced'`` gives ``Q (*, m, k)``,
    ``R (*, k, n)``; ``'complete'`` gives ``Q (*, m, m)``, ``R (*, m, n)``; ``'r'`` gives
    an empty ``Q`` and ``R (*, k, n)``. Gradients need ``Q`` (not mode ``'r'``), and
    mode ``'complete'`` is differentiable only when ``m <= n``.

    Examples:
        >>> import neurarust as nr
        >>> Q, R = nr.linalg.qr(nr.tensor([[3.0, 1.0], [4.0, 2.0], [0.0, 5.0]]))
        >>> Q.shape, R.shape
        (neurarust.Size([3, 2]), neurarust.Size([2, 2]))
    """
    op = "linalg.qr"
    _check_matrix(op, A)
    if mode not in _QR_MODES:
        raise RuntimeError(
            f"qr received unrecognized mode '{mode}' but expected one of 'reduced' (default), "
            "'r', or 'complete'"
        )
    return return_types.linalg_qr(*QR.apply(A, mode))


# -- SVD ---------------------------------------------------------------------------------------


class SVD(Function):
    saves_result = True

    @staticmethod
    def forward(ctx: Any, A: Tensor, full_matrices: bool) -> Any:
        ctx.set_materialize_grads(False)  # the U and V terms divide by singular-value gaps
        return tuple(A.backend.xp.linalg.svd(A._data, full_matrices=full_matrices))

    @staticmethod
    def backward(ctx: Any, grad_u: Any, grad_s: Any, grad_vh: Any) -> tuple[Any, ...]:
        U, S, Vh = (ctx.saved_result(i) for i in range(3))
        return _svd_backward(U, S, Vh, grad_u, grad_s, grad_vh), None


def _svd_backward(
    U: Tensor, S: Tensor, Vh: Tensor, grad_u: Any, grad_s: Any, grad_vh: Any
) -> Tensor:
    """The gradient of ``A = U diag(S) Vh`` (distinct, nonzero singular values).

    With ``F[i, j] = 1 / (s_j^2 - s_i^2)``, it is ``U inner Vh`` with
    ``inner = diag(grad_s) + (F * skew(U^T grad_u)) S + S (F * skew(V^T grad_v))``,
    plus the parts of ``grad_u`` and ``grad_v`` outside the spans of ``U`` and ``V``.
    Extra columns of full ``U``/``Vh`` span an arbitrary basis and get no gradient.
    """
    m, n, k = U.shape[-2], Vh.shape[-1], S.shape[-1]
    if U.shape[-1] > k:
        U = U.narrow(-1, 0, k)
        grad_u = None if grad_u is None else grad_u.narrow(-1, 0, k)
    if Vh.shape[-2] > k:
        Vh = Vh.narrow(-2, 0, k)
        grad_vh = None if grad_vh is None else grad_vh.narrow(-2, 0, k)
    s_row, s_col = S.unsqueeze(-2), S.unsqueeze(-1)  # s_j and s_i at [i, j]
    inner, outside = [], []
    if grad_s is not None:
        inner.append(diag_embed(grad_s))
    if grad_u is not None or grad_vh is not None:
        gaps = _reciprocal_gaps(S * S)
    if grad_u is not None:
        inner.append(gaps * _skew(U.mT @ grad_u) * s_row)
        if m > k:
            outside.append(((grad_u - U @ (U.mT @ grad_u)) / s_row) @ Vh)
    if grad_vh is not None:
        inner.append(s_col * (gaps * _skew(Vh @ grad_vh.mT)))
        if n > k:
            outside.append((U / s_row) @ (grad_vh - (grad_vh @ Vh.mT) @ Vh))
    return _sum_terms([U @ _sum_terms(inner) @ Vh] + outside)


def _check_svd_driver(driver: str | None) -> None:
    if driver not in (None, "gesvd", "gesvdj", "gesvda"):
        raise RuntimeError(
            f"linalg.svd: driver must be one of None, 'gesvd', 'gesvdj' or 'gesvda', got {driver!r}"
        )


def linalg_svd(A: Tensor, full_matrices: bool = True, *, driver: str | None = None) -> Any:
    """``(U, S, Vh)`` with ``A = U @ diag(S) @ Vh``, ``S`` descending and non-negative.

    With ``A (*, m, n)`` and ``k = min(m, n)``: ``U (*, m, m)``, ``S (*, k)``,
    ``Vh (*, n, n)``, or ``U (*, m, k)`` and ``Vh (*, k, n)`` with
    ``full_matrices=False``. Columns of ``U`` (rows of ``Vh``) are defined up to
    sign. ``driver`` (a cuSOLVER choice in PyTorch) is accepted and ignored.
    Gradients need distinct singular values (see the module docstring).

    Examples:
        >>> import neurarust as nr
        >>> nr.linalg.svd(nr.tensor([[3.0, 0.0], [0.0, -4.0]])).S
        tensor([4., 3.])
    """
    _check_matrix("linalg.svd", A)
    _check_svd_driver(driver)
    return return_types.linalg_svd(*SVD.apply(A, full_matrices))


def _needs_graph(A: Tensor) -> bool:
    return A.requires_grad and is_grad_enabled()


def linalg_svdvals(A: Tensor, *, driver: str | None = None) -> Tensor:
    """The singular values of ``A``, in descending order: ``(*, m, n) -> (*, min(m, n))``.

    Their gradient ``U diag(grad) Vh`` exists even for repeated singular values.

    Examples:
        >>> import neurarust as nr
        >>> nr.linalg.svdvals(nr.tensor([[3.0, 0.0], [0.0, -4.0]]))
        tensor([4., 3.])
    """
    _check_matrix("linalg.svdvals", A)
    _check_svd_driver(driver)
    if _needs_graph(A):
        return SVD.apply(A, False)[1]
    return _constant(A, A.backend.xp.linalg.svd(A._data, compute_uv=False))


# -- eigh --------------------------------------------------------------------------------------


class Eigh(Function):
    saves_result = True

    @staticmethod
    def forward(ctx: Any, A: Tensor, uplo: str) -> Any:
        ctx.set_materialize_grads(False)  # the eigenvector term divides by eigenvalue gaps
        return tuple(A.backend.xp.linalg.eigh(A._data, UPLO=uplo))

    @staticmethod
    def backward(ctx: Any, grad_values: Any, grad_vectors: Any) -> tuple[Any, ...]:
        values, vectors = ctx.saved_result(0), ctx.saved_result(1)
        inner = []
        if grad_values is not None:
            inner.append(diag_embed(grad_values))
        if grad_vectors is not None:
            # F[i, j] = 1 / (λ_j - λ_i) times the skew part of V^T grad (A is symmetric).
            rotation = _skew(vectors.mT @ grad_vectors) / 2
            inner.append(_reciprocal_gaps(values) * rotation)
        return vectors @ _sum_terms(inner) @ vectors.mT, None


def _check_uplo(uplo: str) -> None:
    if uplo not in ("L", "U"):
        raise RuntimeError(f"Expected UPLO argument to be 'L' or 'U', but got {uplo}")


def linalg_eigh(A: Tensor, UPLO: str = "L") -> Any:  # noqa: N803  (PyTorch's name)
    """``(eigenvalues, eigenvectors)`` of each symmetric matrix in ``A``.

    Only the lower (``UPLO='L'``) or upper (``'U'``) triangle of ``A`` is read.
    Eigenvalues ascend; eigenvectors are the columns of ``eigenvectors``, each
    defined up to sign. The eigenvectors' gradient needs distinct eigenvalues.

    Shapes: ``(*, n, n) -> (*, n), (*, n, n)``.

    Examples:
        >>> import neurarust as nr
        >>> nr.linalg.eigh(nr.tensor([[2.0, 1.0], [1.0, 2.0]])).eigenvalues
        tensor([1., 3.])
    """
    _check_square("linalg.eigh", A)
    _check_uplo(UPLO)
    return return_types.linalg_eigh(*Eigh.apply(A, UPLO))


def linalg_eigvalsh(A: Tensor, UPLO: str = "L") -> Tensor:  # noqa: N803
    """The eigenvalues of each symmetric matrix in ``A``, ascending: ``(*, n, n) -> (*, n)``.

    Examples:
        >>> import neurarust as nr
        >>> nr.linalg.eigvalsh(nr.tensor([[2.0, 1.0], [1.0, 2.0]]))
        tensor([1., 3.])
    """
    _check_square("linalg.eigvalsh", A)
    _check_uplo(UPLO)
    if _needs_graph(A):
        return Eigh.apply(A, UPLO)[0]
    return _constant(A, A.backend.xp.linalg.eigvalsh(A._data, UPLO=UPLO))


# -- pseudo-inverse, rank, least squares ---------------------------------------------------


def _kept(xp: Any, s: Any, atol: Any, rtol: Any, shape: tuple[int, ...]) -> Any:
    """Where the singular values ``s (*, k)`` exceed ``max(atol, rtol * s.max())``.

    PyTorch's defaults: ``atol`` 0; ``rtol`` eps * max(m, n), or 0 where ``atol > 0``.
    ``atol``/``rtol`` are numbers, arrays of the batch shape, or None.
    """
    default_rtol = np.finfo(s.dtype).eps * max(shape[-2:])
    if rtol is None:
        rtol = default_rtol if atol is None else xp.where(xp.asarray(atol) > 0, 0.0, default_rtol)
    atol = 0.0 if atol is None else atol
    largest = s.max(axis=-1, keepdims=True) if s.shape[-1] else xp.zeros(s.shape[:-1] + (1,))
    bound = xp.maximum(xp.asarray(atol)[..., None], xp.asarray(rtol)[..., None] * largest)
    return s > bound


def _tolerance_data(value: Any) -> Any:
    """A tolerance as given to pinv or matrix_rank: a number, a Tensor's array, or None."""
    return value._data if isinstance(value, Tensor) else value


class Pinv(Function):
    saves_result = True

    @staticmethod
    def forward(ctx: Any, A: Tensor, atol: Any, rtol: Any, hermitian: bool) -> Any:
        ctx.save_for_backward(A)
        xp, data = A.backend.xp, A._data
        if hermitian:  # A = V diag(w) V^T, so A+ = V diag(1/w) V^T over the kept w
            w, right = xp.linalg.eigh(data)
            left_t = right.swapaxes(-1, -2)
            kept = _kept(xp, xp.abs(w), atol, rtol, data.shape)
        else:  # A = U diag(s) Vh, so A+ = V diag(1/s) U^T over the kept s
            u, w, vh = xp.linalg.svd(data, full_matrices=False)
            right, left_t = vh.swapaxes(-1, -2), u.swapaxes(-1, -2)
            kept = _kept(xp, w, atol, rtol, data.shape)
        inverted = xp.where(kept, 1 / xp.where(kept, w, 1), 0).astype(data.dtype)
        return (right * inverted[..., None, :]) @ left_t

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple[Any, ...]:
        # Golub and Pereyra's derivative of P = A+ (valid while the rank stays constant):
        # -P^T G P^T + (I - A P) G^T P P^T + P^T P G^T (I - P A).
        (A,) = ctx.saved_tensors
        P = ctx.saved_result()
        P_t, grad_t = P.mT, grad.mT
        through_range = grad_t @ P @ P_t
        through_rows = P_t @ P @ grad_t
        grad_a = (
            -(P_t @ grad @ P_t)
            + through_range
            - A @ (P @ through_range)
            + through_rows
            - (through_rows @ P) @ A
        )
        return grad_a, None, None, None


def linalg_pinv(
    A: Tensor, *, atol: Any = None, rtol: Any = None, hermitian: bool = False
) -> Tensor:
    """The Moore-Penrose pseudo-inverse of each matrix in ``A``: ``(*, m, n) -> (*, n, m)``.

    Singular values at most ``max(atol, rtol * largest singular value)`` count as
    zero (``atol``/``rtol``: floats or tensors of the batch shape; by default
    ``atol = 0`` and ``rtol = eps * max(m, n)``, or 0 when ``atol > 0`` is given).
    ``hermitian=True`` uses the faster symmetric eigendecomposition (reading the
    lower triangle). The gradient assumes the rank does not change near ``A``.

    Examples:
        >>> import neurarust as nr
        >>> nr.linalg.pinv(nr.tensor([[2.0, 0.0], [0.0, 0.0]]))
        tensor([[0.5000, 0.0000],
                [0.0000, 0.0000]])
    """
    op = "linalg.pinv"
    if hermitian:
        _check_square(op, A)
    else:
        _check_matrix(op, A)
    return Pinv.apply(A, _tolerance_data(atol), _tolerance_data(rtol), hermitian)


def linalg_matrix_rank(
    A: Tensor, *, atol: Any = None, rtol: Any = None, hermitian: bool = False
) -> Tensor:
    """The number of singular values of each matrix above the tolerance (int64).

    The tolerance is that of :func:`linalg_pinv` (same ``atol``, ``rtol``, ``hermitian``).
    Shapes: ``(*, m, n) -> (*)``.

    Examples:
        >>> import neurarust as nr
        >>> nr.linalg.matrix_rank(nr.tensor([[1.0, 2.0], [2.0, 4.0]]))
        tensor(1)
    """
    op = "linalg.matrix_rank"
    if hermitian:
        _check_square(op, A)
    else:
        _check_matrix(op, A)
    xp, data = A.backend.xp, A._data
    if hermitian:
        s = xp.abs(xp.linalg.eigvalsh(data))
    else:
        s = xp.linalg.svd(data, compute_uv=False)
    kept = _kept(xp, s, _tolerance_data(atol), _tolerance_data(rtol), data.shape)
    return _constant(A, xp.asarray(kept.sum(axis=-1), dtype="int64"))


_LSTSQ_DRIVERS = (None, "gels", "gelsy", "gelsd", "gelss")


def _check_lstsq(op: str, A: Tensor, B: Tensor, driver: str | None) -> None:
    _check_matrix(op, A)
    _check_float(op, B, "B")
    if B.ndim < 1:
        raise RuntimeError(f"{op}: other must have at least 1 dimension.")
    if not 0 <= A.ndim - B.ndim <= 1:
        raise RuntimeError(
            f"{op}: input.dim() must be greater or equal to other.dim() and "
            "(input.dim() - other.dim()) <= 1"
        )
    if A.dtype is not B.dtype:
        raise RuntimeError(
            f"{op}: Expected input and other to have the same dtype, but got input's dtype "
            f"{_SCALAR_TYPE_NAMES[A.dtype.name]} and other's dtype "
            f"{_SCALAR_TYPE_NAMES[B.dtype.name]}"
        )
    rows = B.shape[-1] if A.ndim - B.ndim == 1 else B.shape[-2]
    if rows != A.shape[-2]:
        raise RuntimeError(f"{op}: input.size(-2) should match other.size(-2)")
    if driver not in _LSTSQ_DRIVERS:
        raise RuntimeError(f"{op}: parameter `driver` should be one of (gels, gelsy, gelsd, gelss)")


def linalg_lstsq(
    A: Tensor, B: Tensor, rcond: float | None = None, *, driver: str | None = None
) -> Any:
    """``(solution, residuals, rank, singular_values)`` of ``min ||A X - B||``.

    The solution is the minimum-norm one, ``pinv(A, rtol=rcond) @ B`` (``rcond``
    defaults to eps * max(m, n)); ``B`` may be a batch of vectors ``(*, m)``. The
    other fields follow PyTorch's CPU drivers (default ``'gelsy'``): ``residuals``,
    the squared residual norms ``(*, k)``, only for ``m > n``, full-rank ``A`` and a
    driver other than ``'gelsy'``; ``rank`` (int64, ``(*)``) except for ``'gels'``;
    ``singular_values`` ``(*, min(m, n))`` for ``'gelsd'`` and ``'gelss'``. Missing
    fields are empty tensors. Gradients flow through ``solution`` and ``residuals``.

    Shapes: ``A (*, m, n)``, ``B (*, m, k)`` or ``(*, m)`` -> ``solution (*, n, k)`` or ``(*, n)``.

    Examples:
        >>> import neurarust as nr
        >>> A = nr.tensor([[1.0, 0.0], [0.0, 1.0], [0.0, 0.0]])
        >>> nr.linalg.lstsq(A, nr.tensor([[1.0], [2.0], [3.0]])).solution
        tensor([[1.],
                [2.]])
    """
    op = "linalg.lstsq"
    _check_lstsq(op, A, B, driver)
    vector = A.ndim - B.ndim == 1
    if vector:
        B = B.unsqueeze(-1)
    m, n = A.shape[-2:]
    rank = linalg_matrix_rank(A, rtol=rcond)
    solution = Pinv.apply(A, None, rcond, False) @ B
    empty = zeros(0, dtype=A.dtype, device=A.device)
    residuals = empty
    if driver not in (None, "gelsy") and m > n and bool((rank._data == n).all()):
        residuals = ((A @ solution - B) ** 2).sum(-2)
    if driver == "gels":
        rank = zeros(0, dtype=rank.dtype, device=A.device)
    singular_values = empty
    if driver in ("gelsd", "gelss"):
        singular_values = linalg_svdvals(A.detach())
    if vector:
        solution = solution.squeeze(-1)
    return return_types.linalg_lstsq(solution, residuals, rank, singular_values)


# -- matrix power ------------------------------------------------------------------------


def linalg_matrix_power(A: Tensor, n: int) -> Tensor:
    """``A`` multiplied by itself ``n`` times; ``n = 0`` gives the identity and ``n < 0``
    powers of the inverse (float ``A`` only). Integer ``A`` works for ``n >= 0``.

    Uses repeated squaring (about ``2 log2(n)`` products). Unlike PyTorch, the
    identity returned for ``n = 0`` does not require grad.

    Shapes: ``(*, m, m) -> (*, m, m)``.

    Examples:
        >>> import neurarust as nr
        >>> nr.linalg.matrix_power(nr.tensor([[1, 1], [0, 1]]), 3)
        tensor([[1, 3],
                [0, 1]])
    """
    _check_square("linalg.matrix_power", A, floating=False)
    if not isinstance(n, int):
        raise TypeError(f"linalg.matrix_power: n must be an int, got {type(n).__name__}")
    if n == 0:
        identity = eye(A.shape[-1], dtype=A.dtype, device=A.device)
        return identity.expand(A.shape).clone()
    if n < 0:
        A, n = linalg_inv(A), -n
    return _positive_power(A, n)


def _positive_power(A: Tensor, n: int) -> Tensor:
    """``A ** n`` for ``n >= 1`` by repeated squaring: ``A^n = (A^(n // 2))^2 [@ A]``."""
    if n == 1:
        return A
    half = _positive_power(A, n // 2)
    square = half @ half
    return square @ A if n % 2 else square


# -- products --------------------------------------------------------------------------------


def linalg_cross(input: Tensor, other: Tensor, *, dim: int = -1) -> Tensor:
    """The cross product of 3-vectors along ``dim``; other dimensions broadcast.

    Shapes: both of the same rank with size 3 at ``dim`` -> the broadcast shape.

    Examples:
        >>> import neurarust as nr
        >>> nr.linalg.cross(nr.tensor([1.0, 0.0, 0.0]), nr.tensor([0.0, 1.0, 0.0]))
        tensor([0., 0., 1.])
    """
    op = "linalg.cross"
    require_tensor(op, "input", input)
    require_tensor(op, "other", other)
    if input.ndim != other.ndim:
        raise RuntimeError(f"{op}: inputs must have the same number of dimensions.")
    d = normalize_dim(dim, input.ndim, op)
    if input.shape[d] != 3 or other.shape[d] != 3:
        raise RuntimeError(
            f"{op}: inputs dimension {dim} must have length 3. "
            f"Got {input.shape[d]} and {other.shape[d]}"
        )
    if input.dtype is not other.dtype:
        raise RuntimeError(
            f"{op}: expected input and other to have the same dtype, but got "
            f"{input.dtype.name} and {other.dtype.name}"
        )

    def ahead(t: Tensor, k: int) -> Tensor:  # component i + k at position i
        return t.roll(-k, d)

    return ahead(input, 1) * ahead(other, 2) - ahead(input, 2) * ahead(other, 1)


def _chain_order(sizes: list[int]) -> dict[tuple[int, int], int]:
    """Where to split each sub-chain ``i..j`` of matrices ``sizes[i] x sizes[i + 1]`` so
    the whole product costs the fewest multiplications (dynamic programming)."""
    count = len(sizes) - 1
    cost = {(i, i): 0 for i in range(count)}
    split = {}
    for length in range(2, count + 1):
        for i in range(count - length + 1):
            j = i + length - 1
            cost[i, j], split[i, j] = min(
                (cost[i, k] + cost[k + 1, j] + sizes[i] * sizes[k + 1] * sizes[j + 1], k)
                for k in range(i, j)
            )
    return split


def _chain_product(
    matrices: list[Tensor], split: dict[tuple[int, int], int], i: int, j: int
) -> Tensor:
    if i == j:
        return matrices[i]
    k = split[i, j]
    return _chain_product(matrices, split, i, k) @ _chain_product(matrices, split, k + 1, j)


def _check_multi_dot(tensors: list[Tensor]) -> None:
    op = "multi_dot()"
    if len(tensors) < 2:
        raise RuntimeError(f"{op}: expected at least 2 tensors but got {len(tensors)}")
    for i, t in enumerate(tensors):
        require_tensor("multi_dot", f"tensors[{i}]", t)
        if i in (0, len(tensors) - 1):
            if t.ndim not in (1, 2):
                which = "first" if i == 0 else "last"
                raise RuntimeError(f"{op}: the {which} tensor must be 1D or 2D but got {t.ndim}D")
        elif t.ndim != 2:
            raise RuntimeError(f"{op}: tensor {i} must be 2D but got {t.ndim}D")
        if t.dtype is not tensors[0].dtype:
            raise RuntimeError(
                f"{op}: all tensors must have be the same dtype but tensor 0 is "
                f"{tensors[0].dtype.name} and tensor {i} {t.dtype.name}"
            )


def linalg_multi_dot(tensors: Sequence[Tensor]) -> Tensor:
    """The product of a chain of matrices, multiplied in the cheapest order.

    The first tensor may be a row vector ``(n,)`` and the last a column vector;
    the others are matrices. Shapes: ``(a, b), (b, c), ..., (y, z) -> (a, z)``,
    without the ``a``/``z`` dimension for a 1-D first/last tensor.

    Examples:
        >>> import neurarust as nr
        >>> nr.linalg.multi_dot([nr.ones(2), nr.ones(2, 3), nr.ones(3, 4)])
        tensor([6., 6., 6., 6.])
    """
    tensors = list(tensors)
    _check_multi_dot(tensors)
    first_is_vector, last_is_vector = tensors[0].ndim == 1, tensors[-1].ndim == 1
    matrices = list(tensors)
    if first_is_vector:
        matrices[0] = matrices[0].unsqueeze(0)
    if last_is_vector:
        matrices[-1] = matrices[-1].unsqueeze(-1)
    for i in range(len(matrices) - 1):
        if matrices[i].shape[1] != matrices[i + 1].shape[0]:
            raise RuntimeError(
                f"multi_dot(): tensors {i} and {i + 1} with shapes {list(tensors[i].shape)} "
                f"and {list(tensors[i + 1].shape)} cannot be multiplied"
            )
    sizes = [m.shape[0] for m in matrices] + [matrices[-1].shape[1]]
    out = _chain_product(matrices, _chain_order(sizes), 0, len(matrices) - 1)
    if last_is_vector:
        out = out.squeeze(-1)
    return out.squeeze(0) if first_is_vector else out


def linalg_vecdot(x: Tensor, y: Tensor, *, dim: int = -1) -> Tensor:
    """The dot products of the vectors along ``dim``; other dimensions broadcast.

    Shapes: ``(*, n), (*, n) -> (*)``.

    Examples:
        >>> import neurarust as nr
        >>> nr.linalg.vecdot(nr.tensor([[1.0, 2.0], [3.0, 4.0]]), nr.tensor([1.0, 1.0]))
        tensor([3., 7.])
    """
    op = "linalg.vecdot"
    _check_float(op, x, "x")
    _check_float(op, y, "y")
    _check_same_dtype(op, x, y, ("x", "y"))
    return (x * y).sum(dim)


# -- norms -----------------------------------------------------------------------------------


def _norm_input(op: str, x: Tensor, dtype: Any) -> Tensor:
    """``x`` checked to be floating point and converted to ``dtype`` when given."""
    _check_float(op, x, "x")
    if dtype is None:
        return x
    x_as = x.to(dtype)
    if not x_as.dtype.is_floating_point:
        raise RuntimeError(
            f"{op}: dtype should be floating point or complex, but got "
            f"{_SCALAR_TYPE_NAMES[x_as.dtype.name]}"
        )
    return x_as


def linalg_vector_norm(
    x: Tensor, ord: float = 2, dim: Any = None, keepdim: bool = False, *, dtype: Any = None
) -> Tensor:
    """The vector ``ord``-norm ``sum(|x| ** ord) ** (1 / ord)`` over ``dim`` (all dims by
    default, as if ``x`` were flattened).

    ``ord`` is a number: ``inf`` (largest ``|x|``), ``-inf`` (smallest), ``0`` (the
    number of nonzeros) or any other. ``dtype`` converts ``x`` first. The gradient
    is 0 where the norm is 0.

    Shapes: ``(*)`` -> the input shape without ``dim`` (kept as size 1 if ``keepdim``).

    Examples:
        >>> import neurarust as nr
        >>> nr.linalg.vector_norm(nr.tensor([[3.0, 4.0], [0.0, 0.0]]), dim=1)
        tensor([5., 0.])
    """
    op = "linalg.vector_norm"
    if isinstance(ord, (str, bool)) or not isinstance(ord, (int, float)):
        raise TypeError(
            f"linalg_vector_norm(): argument 'ord' must be Number, not {type(ord).__name__}"
        )
    x = _norm_input(op, x, dtype)
    if x.numel() == 0 and (ord < 0 or ord == math.inf):
        raise RuntimeError(
            f"{op} cannot compute the {ord} norm on an empty tensor because the operation "
            "does not have an identity"
        )
    return Norm.apply(x, float(ord), _axes(dim, x, op), keepdim)


_MATRIX_ORDS = ("fro", "nuc", math.inf, -math.inf, 1, -1, 2, -2)


def _matrix_dims(op: str, A: Tensor, dim: Any) -> tuple[int, int]:
    if not isinstance(dim, (tuple, list)) or len(dim) != 2:
        raise RuntimeError(f"{op}: dim must be a 2-tuple. Got {dim}")
    rows, cols = (normalize_dim(d, A.ndim, op) for d in dim)
    if rows == cols:
        raise RuntimeError(f"{op}: dims must be different. Got ({dim[0]}, {dim[1]})")
    return rows, cols


def _drop_dims(t: Tensor, dims: tuple[int, ...]) -> Tensor:
    return t.reshape([s for i, s in enumerate(t.shape) if i not in dims])


def linalg_matrix_norm(
    A: Tensor,
    ord: Any = "fro",
    dim: tuple[int, int] = (-2, -1),
    keepdim: bool = False,
    *,
    dtype: Any = None,
) -> Tensor:
    """A matrix norm of the matrices spanning dimensions ``dim`` of ``A``.

    ``ord``: ``'fro'`` (Frobenius), ``'nuc'`` (sum of singular values), ``2``/``-2``
    (largest/smallest singular value), ``1``/``-1`` (largest/smallest absolute
    column sum), ``inf``/``-inf`` (largest/smallest absolute row sum).

    Shapes: ``(*, m, n)`` -> ``(*)`` (the two dims kept as size 1 if ``keepdim``).

    Examples:
        >>> import neurarust as nr
        >>> nr.linalg.matrix_norm(nr.tensor([[1.0, -2.0], [3.0, 4.0]]), ord=1)
        tensor(6.)
    """
    op = "linalg.matrix_norm"
    _check_matrix(op, A)
    if ord not in _MATRIX_ORDS:
        raise RuntimeError(f"{op}: Order {ord} not supported.")
    A = _norm_input(op, A, dtype)
    dims = _matrix_dims(op, A, dim)
    if ord == "fro":
        return Norm.apply(A, 2.0, tuple(sorted(dims)), keepdim)
    if ord in ("nuc", 2, -2):
        s = linalg_svdvals(A.movedim(dims, (-2, -1)))
        norm = s.sum(-1) if ord == "nuc" else s.amax(-1) if ord == 2 else s.amin(-1)
        for d in sorted(dims) if keepdim else ():
            norm = norm.unsqueeze(d)
        return norm
    # Sum |A| down the columns (ord +-1) or along the rows (ord +-inf), then take the extreme.
    summed, extreme = dims if ord in (1, -1) else dims[::-1]
    sums = A.abs().sum(summed, keepdim=True)
    norm = sums.amax(extreme, keepdim=True) if ord > 0 else sums.amin(extreme, keepdim=True)
    return norm if keepdim else _drop_dims(norm, dims)


def linalg_norm(
    A: Tensor, ord: Any = None, dim: Any = None, keepdim: bool = False, *, dtype: Any = None
) -> Tensor:
    """A vector or matrix norm, chosen as ``torch.linalg.norm`` chooses.

    With ``dim`` an int or 1-tuple: :func:`linalg_vector_norm` (``ord`` default 2);
    a 2-tuple: :func:`linalg_matrix_norm` (default ``'fro'``). Without ``dim``: the
    2-norm of the flattened input when ``ord`` is None, otherwise the vector norm of
    a 1-D input or the matrix norm of a 2-D one.

    Examples:
        >>> import neurarust as nr
        >>> nr.linalg.norm(nr.tensor([[3.0, 4.0], [0.0, 0.0]]))
        tensor(5.)
    """
    if dim is not None:
        dims = (dim,) if isinstance(dim, int) else tuple(dim)
        if len(dims) == 1 and not isinstance(ord, str):
            return linalg_vector_norm(A, 2 if ord is None else ord, dims, keepdim, dtype=dtype)
        return linalg_matrix_norm(A, "fro" if ord is None else ord, dims, keepdim, dtype=dtype)
    if ord is None:
        return linalg_vector_norm(A, 2, None, keepdim, dtype=dtype)
    require_tensor("linalg.norm", "A", A)
    if A.ndim not in (1, 2):
        raise RuntimeError(
            "linalg.norm: If dim is not specified but ord is, the input must be 1D or 2D. "
            f"Got {A.ndim}D."
        )
    if A.ndim == 1 and not isinstance(ord, str):
        return linalg_vector_norm(A, ord, None, keepdim, dtype=dtype)
    return linalg_matrix_norm(A, ord, (-2, -1), keepdim, dtype=dtype)


# -- PyTorch's top-level aliases (torch.det, torch.svd, ...) ------------------------------


def det(input: Tensor) -> Tensor:
    """:func:`neurarust.linalg.det`: the determinant of each matrix, ``(*, n, n) -> (*)``.

    Examples:
        >>> import neurarust as nr
        >>> nr.det(nr.eye(3) * 2)
        tensor(8.)
    """
    return linalg_det(input)


def slogdet(input: Tensor) -> Any:
    """:func:`neurarust.linalg.slogdet`: ``(sign, logabsdet)`` of each determinant.

    Examples:
        >>> import neurarust as nr
        >>> nr.slogdet(nr.eye(2) * -1).sign
        tensor(1.)
    """
    _check_square("linalg.slogdet", input)
    return return_types.slogdet(*Slogdet.apply(input))


def logdet(input: Tensor) -> Tensor:
    """The log of each determinant: nan where it is negative, -inf where it is 0.

    Shapes: ``(*, n, n) -> (*)``.

    Examples:
        >>> import neurarust as nr
        >>> nr.logdet(nr.tensor([[-1.0, 0.0], [0.0, 1.0]]))
        tensor(nan)
    """
    sign, logabsdet = slogdet(input)
    return where(sign < 0, math.nan, logabsdet)


def inverse(input: Tensor) -> Tensor:
    """:func:`neurarust.linalg.inv`: the inverse of each square matrix.

    Examples:
        >>> import neurarust as nr
        >>> nr.inverse(nr.eye(2) * 2)
        tensor([[0.5000, 0.0000],
                [0.0000, 0.5000]])
    """
    return linalg_inv(input)


def pinverse(input: Tensor, rcond: float = 1e-15) -> Tensor:
    """:func:`neurarust.linalg.pinv` with ``rtol=rcond``.

    Examples:
        >>> import neurarust as nr
        >>> nr.pinverse(nr.ones(1, 2))
        tensor([[0.5000],
                [0.5000]])
    """
    return linalg_pinv(input, rtol=rcond)


def matrix_power(input: Tensor, n: int) -> Tensor:
    """:func:`neurarust.linalg.matrix_power`: ``input`` to the (integer) power ``n``.

    Examples:
        >>> import neurarust as nr
        >>> nr.matrix_power(nr.eye(2) * 2, -1)
        tensor([[0.5000, 0.0000],
                [0.0000, 0.5000]])
    """
    return linalg_matrix_power(input, n)


def cholesky(input: Tensor, upper: bool = False) -> Tensor:
    """:func:`neurarust.linalg.cholesky` (``upper`` positional, as in ``torch.cholesky``).

    Examples:
        >>> import neurarust as nr
        >>> nr.cholesky(nr.eye(2) * 4, upper=True)
        tensor([[2., 0.],
                [0., 2.]])
    """
    return linalg_cholesky(input, upper=upper)


def qr(input: Tensor, some: bool = True) -> Any:
    """:func:`neurarust.linalg.qr` with mode ``'reduced'`` (``some``) or ``'complete'``.

    Examples:
        >>> import neurarust as nr
        >>> nr.qr(nr.ones(3, 2), some=False).Q.shape
        neurarust.Size([3, 3])
    """
    _check_matrix("linalg.qr", input)
    return return_types.qr(*QR.apply(input, "reduced" if some else "complete"))


def svd(input: Tensor, some: bool = True, compute_uv: bool = True) -> Any:
    """``(U, S, V)`` with ``input = U @ diag(S) @ V.mT``: note ``V``, not ``Vh``.

    ``some=True`` gives the reduced factors (``full_matrices=False`` of
    :func:`neurarust.linalg.svd`). With ``compute_uv=False``, ``U`` and ``V`` are
    zero matrices ``(*, m, m)`` and ``(*, n, n)``, as in PyTorch.

    Examples:
        >>> import neurarust as nr
        >>> nr.svd(nr.ones(3, 2)).V.shape
        neurarust.Size([2, 2])
    """
    _check_matrix("linalg.svd", input)
    if not compute_uv:
        S = linalg_svdvals(input)
        batch, (m, n) = input.shape[:-2], input.shape[-2:]
        U = zeros(*batch, m, m, dtype=input.dtype, device=input.device)
        V = zeros(*batch, n, n, dtype=input.dtype, device=input.device)
        return return_types.svd(U, S, V)
    U, S, Vh = SVD.apply(input, not some)
    return return_types.svd(U, S, Vh.mT)


def cholesky_solve(input: Tensor, input2: Tensor, upper: bool = False) -> Tensor:
    """The solution ``X`` of ``A @ X = input`` given the Cholesky factor ``input2`` of ``A``.

    ``A = L @ L.mT`` (or ``U.mT @ U`` with ``upper=True``); ``input2``'s other
    triangle must be zero, as :func:`cholesky` returns it. Batches broadcast.

    Shapes: ``input (*, n, k)``, ``input2 (*, n, n)`` -> ``(*, n, k)``.

    Examples:
        >>> import neurarust as nr
        >>> L = nr.linalg.cholesky(nr.tensor([[4.0, 2.0], [2.0, 2.0]]))
        >>> nr.cholesky_solve(nr.tensor([[6.0], [4.0]]), L)
        tensor([[1.],
                [1.]])
    """
    op = "cholesky_solve"
    for name, t in (("b", input), ("u", input2)):
        require_tensor(op, name, t)
        if t.ndim < 2:
            raise RuntimeError(
                f"{op}: {name} should have at least 2 dimensions, but has {t.ndim} "
                "dimensions instead"
            )
    _check_square(op, input2)
    _check_float(op, input, "b")
    _check_same_dtype(op, input, input2, ("b", "A"))
    A = input2.mT @ input2 if upper else input2 @ input2.mT
    return _solve_matrices(op, A, input)


def cholesky_inverse(input: Tensor, upper: bool = False) -> Tensor:
    """The inverse of ``A`` given its Cholesky factor ``input`` (see :func:`cholesky_solve`).

    Shapes: ``(*, n, n) -> (*, n, n)``.

    Examples:
        >>> import neurarust as nr
        >>> nr.cholesky_inverse(nr.tensor([[2.0, 0.0], [0.0, 1.0]]))
        tensor([[0.2500, 0.0000],
                [0.0000, 1.0000]])
    """
    _check_square("cholesky_inverse", input)
    return Inverse.apply(input.mT @ input if upper else input @ input.mT)
