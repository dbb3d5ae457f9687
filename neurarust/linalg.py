"""``neurarust.linalg``: PyTorch's ``torch.linalg`` namespace.

The functions live in :mod:`neurarust.ops.decompositions` under their ATen names
(``linalg_det``...), as PyTorch's do; this module gives them their public names.

Examples:
    >>> import neurarust as nr
    >>> nr.linalg.det(nr.eye(2) * 3)
    tensor(9.)
"""

from .ops.decompositions import linalg_cholesky as cholesky
from .ops.decompositions import linalg_cross as cross
from .ops.decompositions import linalg_det as det
from .ops.decompositions import linalg_eigh as eigh
from .ops.decompositions import linalg_eigvalsh as eigvalsh
from .ops.decompositions import linalg_inv as inv
from .ops.decompositions import linalg_lstsq as lstsq
from .ops.decompositions import linalg_matrix_norm as matrix_norm
from .ops.decompositions import linalg_matrix_power as matrix_power
from .ops.decompositions import linalg_matrix_rank as matrix_rank
from .ops.decompositions import linalg_multi_dot as multi_dot
from .ops.decompositions import linalg_norm as norm
from .ops.decompositions import linalg_pinv as pinv
from .ops.decompositions import linalg_qr as qr
from .ops.decompositions import linalg_slogdet as slogdet
from .ops.decompositions import linalg_solve as solve
from .ops.decompositions import linalg_svd as svd
from .ops.decompositions import linalg_svdvals as svdvals
from .ops.decompositions import linalg_vecdot as vecdot
from .ops.decompositions import linalg_vector_norm as vector_norm
from .ops.linalg import matmul

__all__ = [
    "cholesky",
    "cross",
    "det",
    "eigh",
    "eigvalsh",
    "inv",
    "lstsq",
    "matmul",
    "matrix_norm",
    "matrix_power",
    "matrix_rank",
    "multi_dot",
    "norm",
    "pinv",
    "qr",
    "slogdet",
    "solve",
    "svd",
    "svdvals",
    "vecdot",
    "vector_norm",
]
