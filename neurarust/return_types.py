"""The named tuples that ops with several results return, as ``torch.return_types``.

Each class is named after the op that returns it and unpacks like a tuple:
``values, indices = x.max(0)`` or ``x.max(0).values``.

Examples:
    >>> import neurarust as nr
    >>> result = nr.tensor([3.0, 1.0, 2.0]).sort()
    >>> type(result) is nr.return_types.sort, result.indices
    (True, tensor([1, 2, 0]))
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from .tensor import Tensor

__all__ = [
    "kthvalue",
    "linalg_eigh",
    "linalg_lstsq",
    "linalg_qr",
    "linalg_slogdet",
    "linalg_svd",
    "max",
    "median",
    "min",
    "mode",
    "nanmedian",
    "qr",
    "slogdet",
    "sort",
    "svd",
    "topk",
]


class _ValuesIndices(NamedTuple):
    """``(values, indices)``: the values an op picked and where they were."""

    values: Tensor
    indices: Tensor


class max(_ValuesIndices):  # noqa: A001, N801
    __slots__ = ()


class min(_ValuesIndices):  # noqa: A001, N801
    __slots__ = ()


class sort(_ValuesIndices):  # noqa: N801
    __slots__ = ()


class topk(_ValuesIndices):  # noqa: N801
    __slots__ = ()


class kthvalue(_ValuesIndices):  # noqa: N801
    __slots__ = ()


class median(_ValuesIndices):  # noqa: N801
    __slots__ = ()


class nanmedian(_ValuesIndices):  # noqa: N801
    __slots__ = ()


class mode(_ValuesIndices):  # noqa: N801
    __slots__ = ()


class _SignLogAbsDet(NamedTuple):
    sign: Tensor
    logabsdet: Tensor


class slogdet(_SignLogAbsDet):  # noqa: N801
    __slots__ = ()


class linalg_slogdet(_SignLogAbsDet):  # noqa: N801
    __slots__ = ()


class _QR(NamedTuple):
    Q: Tensor
    R: Tensor


class qr(_QR):  # noqa: N801
    __slots__ = ()


class linalg_qr(_QR):  # noqa: N801
    __slots__ = ()


class svd(NamedTuple):  # noqa: N801
    """``(U, S, V)``: note V, not its transpose (``torch.svd``'s convention)."""

    U: Tensor
    S: Tensor
    V: Tensor


class linalg_svd(NamedTuple):  # noqa: N801
    U: Tensor
    S: Tensor
    Vh: Tensor


class linalg_eigh(NamedTuple):  # noqa: N801
    eigenvalues: Tensor
    eigenvectors: Tensor


class linalg_lstsq(NamedTuple):  # noqa: N801
    solution: Tensor
    residuals: Tensor
    rank: Tensor
    singular_values: Tensor
