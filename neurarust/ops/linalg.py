"""Linear algebra: matrix products and einsum.

Each product runs as one call of the array module (``xp.matmul`` or
``xp.einsum``) on the raw arrays. Their backwards are products again
(``grad @ b.mT`` and ``a.mT @ grad``; an einsum's gradient is another einsum)
written with these same ops, so higher-order gradients work.

Unlike elementwise ops, products do not promote dtypes: both operands must have
the same dtype, as in PyTorch.
"""

from __future__ import annotations

import string
from collections import Counter
from collections.abc import Sequence
from typing import Any

from ..autograd.function import Function
from ..tensor import Tensor
from ._util import check_same_device, require_tensor
from .creation import eye, ones

__all__ = ["matmul", "mm", "bmm", "addmm", "einsum", "outer", "dot", "mv"]

# The C type names PyTorch's dtype-mismatch message uses.
_C_TYPE_NAMES = {
    "float16": "c10::Half",
    "float32": "float",
    "float64": "double",
    "uint8": "unsigned char",
    "int8": "signed char",
    "int16": "short int",
    "int32": "int",
    "int64": "long int",
    "bool": "bool",
}

_RANK_NAMES = {1: "a 1-D tensor", 2: "a matrix", 3: "a 3D tensor"}


# -- checks shared by the products ------------------------------------------------------


def _shape_str(shape: Sequence[int]) -> str:
    """``(2, 3)`` as ``2x3``, the way PyTorch's product errors write shapes."""
    return "x".join(str(s) for s in shape)


def _check_tensor(op: str, name: str, x: Any, ndim: int | None = None) -> None:
    """TypeError unless ``x`` is a Tensor; RuntimeError unless it has ``ndim`` dims."""
    require_tensor(op, name, x)
    if ndim is not None and x._data.ndim != ndim:
        raise RuntimeError(
            f"{op}: {name} must be {_RANK_NAMES[ndim]}, but got a {x._data.ndim}-D tensor "
            f"of shape {tuple(x._data.shape)}"
        )


def _check_pair(op: str, a: Tensor, b: Tensor, names: tuple[str, str] = ("m1", "m2")) -> None:
    """Products take operands on one device, of one dtype (no promotion), not bool."""
    if a.device is not b.device:
        check_same_device(op, a, b)
    dtype_a, dtype_b = a._data.dtype, b._data.dtype
    if dtype_a != dtype_b:
        raise RuntimeError(
            f"{op}: expected {names[0]} and {names[1]} to have the same dtype, but got: "
            f"{_C_TYPE_NAMES[dtype_a.name]} != {_C_TYPE_NAMES[dtype_b.name]}"
        )
    if dtype_a.kind == "b":
        raise NotImplementedError(f"{op}: not implemented for 'Bool' tensors")


def _cannot_multiply(op: str, a: Any, b: Any) -> RuntimeError:
    """The error for arrays whose shapes do not fit a matrix product."""
    if a.ndim == 0 or b.ndim == 0:
        return RuntimeError(
            f"{op}: both arguments need to be at least 1D, but they are {a.ndim}D and {b.ndim}D"
        )
    shapes = f"({_shape_str(a.shape)} and {_shape_str(b.shape)})"
    inner_b = b.shape[-2] if b.ndim > 1 else b.shape[0]
    if a.shape[-1] == inner_b:
        return RuntimeError(
            f"{op}: the batch dimensions of mat1 and mat2 do not broadcast {shapes}"
        )
    return RuntimeError(f"{op}: mat1 and mat2 shapes cannot be multiplied {shapes}")


def _product(op: str, a: Tensor, b: Tensor) -> Any:
    """``xp.matmul`` of the raw arrays; shapes are checked only when it fails."""
    try:
        return a.backend.xp.matmul(a._data, b._data)
    except ValueError:
        raise _cannot_multiply(op, a._data, b._data) from None


# -- matmul and the products built on it ------------------------------------------------


class Matmul(Function):
    @staticmethod
    def forward(ctx: Any, a: Tensor, b: Tensor, op: str) -> Any:
        ctx.save_for_backward(a, b)
        return _product(op, a, b)

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple[Any, ...]:
        a, b = ctx.saved_tensors
        a_is_vector, b_is_vector = a.ndim == 1, b.ndim == 1
        # A 1-D operand took part as a row (a) or column (b) matrix whose extra dim was
        # dropped from the output: put it back so both gradients are matrix products.
        if b_is_vector:
            b, grad = b.unsqueeze(-1), grad.unsqueeze(-1)
        if a_is_vector:
            a, grad = a.unsqueeze(0), grad.unsqueeze(-2)
        grad_a = grad_b = None
        if ctx.needs_input_grad[0]:
            grad_a = matmul(grad, b.mT)
            if a_is_vector:
                grad_a = grad_a.squeeze(-2)
        if ctx.needs_input_grad[1]:
            grad_b = _grad_of_right_operand(a, b, grad)
            if b_is_vector:
                grad_b = grad_b.squeeze(-1)
        return grad_a, grad_b, None


def _grad_of_right_operand(a: Tensor, b: Tensor, grad: Tensor) -> Tensor:
    """``a.mT @ grad``; the engine sums it over the batch dims ``b`` was broadcast along.

    When one matrix ``b`` (k, n) multiplies a batch ``a`` (*B, m, k), the batch folds
    into the rows instead: one (k, B*m) @ (B*m, n) product, not B products to sum.
    """
    if b.ndim == 2 and a.ndim > 2:
        k, n = b.shape
        return matmul(a.reshape(-1, k).mT, grad.reshape(-1, n))
    return matmul(a.mT, grad)


def matmul(input: Tensor, other: Tensor) -> Tensor:
    """Matrix product with broadcasting, as ``torch.matmul`` (also ``input @ other``).

    Shapes:
        * ``(n,) @ (n,) -> ()``, the dot product;
        * ``(m, n) @ (n, p) -> (m, p)``;
        * ``(n,) @ (n, p) -> (p,)`` and ``(m, n) @ (n,) -> (m,)``;
        * ``(*B1, m, n) @ (*B2, n, p) -> (*broadcast(B1, B2), m, p)``, where a 1-D
          operand takes part as a row (left) or column (right) matrix.

    Both operands must have the same dtype; integer products stay integer.

    Examples:
        >>> import neurarust as nr
        >>> (nr.ones(5, 2, 3) @ nr.ones(3, 4)).shape
        neurarust.Size([5, 2, 4])
    """
    _check_tensor("matmul", "input", input)
    _check_tensor("matmul", "other", other)
    _check_pair("matmul", input, other)
    return Matmul.apply(input, other, "matmul")


def mm(input: Tensor, mat2: Tensor) -> Tensor:
    """Product of two matrices, without broadcasting: ``(m, n) @ (n, p) -> (m, p)``.

    Examples:
        >>> import neurarust as nr
        >>> nr.mm(nr.ones(2, 3), nr.ones(3, 4)).shape
        neurarust.Size([2, 4])
    """
    _check_tensor("mm", "self", input, 2)
    _check_tensor("mm", "mat2", mat2, 2)
    _check_pair("mm", input, mat2)
    return Matmul.apply(input, mat2, "mm")


def bmm(input: Tensor, mat2: Tensor) -> Tensor:
    """Batched matrix product without broadcasting: ``(b, m, n) @ (b, n, p) -> (b, m, p)``.

    Examples:
        >>> import neurarust as nr
        >>> nr.bmm(nr.ones(5, 2, 3), nr.ones(5, 3, 4)).shape
        neurarust.Size([5, 2, 4])
    """
    _check_tensor("bmm", "batch1", input, 3)
    _check_tensor("bmm", "batch2", mat2, 3)
    _check_pair("bmm", input, mat2, ("batch1", "batch2"))
    if input._data.shape[0] != mat2._data.shape[0]:
        raise RuntimeError(
            f"bmm: batch1 and batch2 must have the same batch size, but got "
            f"{_shape_str(input._data.shape)} and {_shape_str(mat2._data.shape)}"
        )
    return Matmul.apply(input, mat2, "bmm")


def mv(input: Tensor, vec: Tensor) -> Tensor:
    """Matrix-vector product: ``(m, n) @ (n,) -> (m,)``.

    Examples:
        >>> import neurarust as nr
        >>> nr.mv(nr.ones(2, 3), nr.ones(3))
        tensor([3., 3.])
    """
    _check_tensor("mv", "self", input, 2)
    _check_tensor("mv", "vec", vec, 1)
    _check_pair("mv", input, vec, ("self", "vec"))
    return Matmul.apply(input, vec, "mv")


def dot(input: Tensor, tensor: Tensor) -> Tensor:
    """Dot product of two 1-D tensors of the same size and dtype: ``(n,), (n,) -> ()``.

    Examples:
        >>> import neurarust as nr
        >>> nr.dot(nr.tensor([1.0, 2.0]), nr.tensor([3.0, 4.0]))
        tensor(11.)
    """
    _check_tensor("dot", "self", input, 1)
    _check_tensor("dot", "tensor", tensor, 1)
    _check_pair("dot", input, tensor, ("self", "tensor"))
    n, m = input._data.shape[0], tensor._data.shape[0]
    if n != m:
        raise RuntimeError(
            f"dot: inconsistent tensor size, expected tensor [{n}] and src [{m}] to have the "
            f"same number of elements, but got {n} and {m} elements respectively"
        )
    return Matmul.apply(input, tensor, "dot")


def outer(input: Tensor, vec2: Tensor) -> Tensor:
    """Outer product of two 1-D tensors: ``(m,), (n,) -> (m, n)``.

    It is a broadcast multiplication, so dtypes promote as in ``input * vec2``.

    Examples:
        >>> import neurarust as nr
        >>> nr.outer(nr.tensor([1.0, 2.0]), nr.tensor([1.0, 10.0, 100.0])).shape
        neurarust.Size([2, 3])
    """
    _check_tensor("outer", "self", input, 1)
    _check_tensor("outer", "vec2", vec2, 1)
    return input.unsqueeze(-1) * vec2


class Addmm(Function):
    @staticmethod
    def forward(ctx: Any, input: Tensor, mat1: Tensor, mat2: Tensor, beta: Any, alpha: Any) -> Any:
        out = _product("addmm", mat1, mat2)
        if out.dtype.kind != "f":  # PyTorch truncates the scalars for integer tensors
            beta, alpha = int(beta), int(alpha)
        # ``out`` is a fresh array: scale and add the bias in place (one GEMM, no temporaries).
        if alpha != 1:
            out *= alpha
        if beta != 0:  # beta == 0 ignores input entirely, NaN and inf included
            out += input._data if beta == 1 else beta * input._data
        ctx.save_for_backward(mat1, mat2)
        ctx.beta, ctx.alpha = beta, alpha
        return out

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple[Any, ...]:
        mat1, mat2 = ctx.saved_tensors
        need_input, need_mat1, need_mat2 = ctx.needs_input_grad[:3]
        grad_input = (grad if ctx.beta == 1 else grad * ctx.beta) if need_input else None
        scaled = grad if ctx.alpha == 1 else grad * ctx.alpha
        grad_mat1 = matmul(scaled, mat2.mT) if need_mat1 else None
        grad_mat2 = matmul(mat1.mT, scaled) if need_mat2 else None
        return grad_input, grad_mat1, grad_mat2, None, None


def addmm(input: Tensor, mat1: Tensor, mat2: Tensor, *, beta: Any = 1, alpha: Any = 1) -> Tensor:
    """``beta * input + alpha * (mat1 @ mat2)`` in one fused step.

    Shapes: ``mat1`` (m, n), ``mat2`` (n, p); ``input`` broadcasts to (m, p) (a bias
    of shape (p,) is typical). With ``beta=0`` the values of ``input`` are ignored.

    Examples:
        >>> import neurarust as nr
        >>> nr.addmm(nr.zeros(4), nr.ones(2, 3), nr.ones(3, 4), alpha=2).shape
        neurarust.Size([2, 4])
    """
    _check_tensor("addmm", "self", input)
    _check_tensor("addmm", "mat1", mat1, 2)
    _check_tensor("addmm", "mat2", mat2, 2)
    _check_pair("addmm", mat1, mat2)
    _check_pair("addmm", input, mat2, ("self", "mat2"))
    target = (mat1._data.shape[0], mat2._data.shape[1])
    shape = input._data.shape
    if len(shape) > 2 or any(s not in (1, t) for s, t in zip(shape[::-1], target[::-1])):
        raise RuntimeError(
            f"addmm: input of shape {tuple(shape)} does not broadcast to the shape of "
            f"mat1 @ mat2, {target}"
        )
    return Addmm.apply(input, mat1, mat2, beta, alpha)


# -- einsum ---------------------------------------------------------------------------

_SUBSCRIPTS = string.ascii_uppercase + string.ascii_lowercase


class _EinsumSpec:
    """A parsed einsum equation: one distinct letter per dimension, ellipses spelled out.

    Attributes:
        inputs: each operand's subscripts, e.g. ``["ij", "jk"]``.
        output: the output's subscripts, e.g. ``"ik"``.
        sizes: each subscript's size once broadcast (size-1 dims broadcast).
        equation: ``"ij,jk->ik"``, for ``xp.einsum``.
    """

    __slots__ = ("inputs", "output", "sizes", "equation")

    def __init__(self, inputs: list[str], output: str, sizes: dict[str, int]) -> None:
        self.inputs, self.output, self.sizes = inputs, output, sizes
        self.equation = ",".join(inputs) + "->" + output

    def unused_subscripts(self) -> list[str]:
        used = set(self.equation)
        return [s for s in _SUBSCRIPTS if s not in used]


def _split_ellipsis(term: str, where: str) -> tuple[str, bool, str]:
    """``"a...bc"`` as ``("a", True, "bc")``; RuntimeError for stray dots or bad letters."""
    before, ellipsis, after = term.partition("...")
    if "." in before + after:
        raise RuntimeError(f"einsum(): found '.' for {where} that is not part of an ellipsis")
    for letter in before + after:
        if letter not in _SUBSCRIPTS:
            raise RuntimeError(
                f"einsum(): invalid subscript '{letter}' for {where}; subscripts must be "
                "in [a-zA-Z]"
            )
    return before, bool(ellipsis), after


def _parse_einsum(equation: str, shapes: list[tuple[int, ...]]) -> _EinsumSpec:
    """Validate ``equation`` against the operand shapes and spell it out explicitly."""
    lhs, arrow, rhs = equation.replace(" ", "").partition("->")
    terms = lhs.split(",")
    if len(terms) != len(shapes):
        fewer_or_more = "fewer" if len(shapes) < len(terms) else "more"
        raise RuntimeError(
            f"einsum(): {fewer_or_more} operands were provided than specified in the equation "
            f"({len(shapes)} operands for {len(terms)} terms in '{equation}')"
        )
    parts = [_split_ellipsis(term, f"operand {k}") for k, term in enumerate(terms)]
    ellipsis_dims = [
        _ellipsis_dims(part, len(s), k) for k, (part, s) in enumerate(zip(parts, shapes))
    ]
    used = set(equation)
    spare = [s for s in _SUBSCRIPTS if s not in used]
    n_ellipsis = max(ellipsis_dims)
    if n_ellipsis > len(spare):
        raise RuntimeError(f"einsum(): too many dimensions in '{equation}' for 52 subscripts")
    # Ellipsis dims align from the right, as in broadcasting.
    ellipsis = "".join(spare[:n_ellipsis])
    inputs = [
        before + ellipsis[n_ellipsis - n :] + after
        for (before, _, after), n in zip(parts, ellipsis_dims)
    ]
    if arrow:
        before, has_ellipsis, after = _split_ellipsis(rhs, "the output")
        output = before + (ellipsis if has_ellipsis else "") + after
        _check_output(output, inputs)
    else:  # implicit mode: ellipsis dims, then subscripts used once, alphabetically
        counts = Counter("".join(before + after for before, _, after in parts))
        output = ellipsis + "".join(sorted(s for s, n in counts.items() if n == 1))
    return _EinsumSpec(inputs, output, _subscript_sizes(inputs, shapes))


def _ellipsis_dims(part: tuple[str, bool, str], ndim: int, k: int) -> int:
    """How many dims operand ``k``'s ellipsis stands for (0 without one)."""
    before, has_ellipsis, after = part
    n_subscripts = len(before) + len(after)
    if has_ellipsis and n_subscripts <= ndim or n_subscripts == ndim:
        return ndim - n_subscripts
    raise RuntimeError(
        f"einsum(): the number of subscripts in the equation ({n_subscripts}) does not match "
        f"the number of dimensions ({ndim}) for operand {k}"
        + ("" if has_ellipsis else " and no ellipsis was given")
    )


def _check_output(output: str, inputs: list[str]) -> None:
    for subscript in output:
        if output.count(subscript) > 1:
            raise RuntimeError(
                f"einsum(): output subscript {subscript} appears more than once in the output"
            )
        if not any(subscript in term for term in inputs):
            raise RuntimeError(
                f"einsum(): output subscript {subscript} does not appear in the equation for "
                "any input operand"
            )


def _subscript_sizes(inputs: list[str], shapes: list[tuple[int, ...]]) -> dict[str, int]:
    """Each subscript's size across operands; size 1 broadcasts, other mismatches raise."""
    sizes: dict[str, int] = {}
    for k, (term, shape) in enumerate(zip(inputs, shapes)):
        own: dict[str, int] = {}
        for subscript, size in zip(term, shape):
            if own.setdefault(subscript, size) != size:
                raise RuntimeError(
                    f"einsum(): subscript {subscript} is repeated for operand {k} but the sizes "
                    f"don't match, {own[subscript]} != {size}"
                )
            seen = sizes.get(subscript, 1)
            if seen == 1:
                sizes[subscript] = size
            elif size not in (1, seen):
                raise RuntimeError(
                    f"einsum(): subscript {subscript} has size {size} for operand {k} which "
                    f"does not broadcast with previously seen size {seen}"
                )
    return sizes


class Einsum(Function):
    @staticmethod
    def forward(ctx: Any, spec: _EinsumSpec, *operands: Tensor) -> Any:
        xp = operands[0].backend.xp
        arrays = []
        for term, x in zip(spec.inputs, operands):
            data = x._data
            shape = tuple(spec.sizes[s] for s in term)
            arrays.append(data if data.shape == shape else xp.broadcast_to(data, shape))
        out = xp.einsum(spec.equation, *arrays, optimize=True)
        # A permutation or a diagonal of one operand comes back as a view of it.
        if any(xp.may_share_memory(out, a) for a in arrays):
            out = out.copy()
        ctx.spec = spec
        ctx.save_for_backward(*operands)
        return out

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple[Any, ...]:
        operands = ctx.saved_tensors
        grads = [
            _einsum_grad(ctx.spec, k, grad, operands) if ctx.needs_input_grad[k + 1] else None
            for k in range(len(operands))
        ]
        return (None, *grads)


def _einsum_grad(spec: _EinsumSpec, k: int, grad: Tensor, operands: Sequence[Tensor]) -> Tensor:
    """The gradient for operand ``k``: an einsum of ``grad`` with the other operands.

    ``grad`` carries the output's subscripts. Two kinds of subscripts of operand ``k``
    need a constant operand to appear in the gradient's equation:

    * a repeated one (``"ii"``): its second use gets a fresh subscript and an identity
      matrix ties the two, so the gradient lands on the diagonal;
    * one found nowhere else (summed away, like ``j`` in ``"ij->i"``), or only with
      size 1 (broadcast): the gradient is the same along it, which a vector of ones
      spreads.
    """
    fresh = iter(spec.unused_subscripts())
    target = ""
    terms = [spec.output] + [term for m, term in enumerate(spec.inputs) if m != k]
    tensors = [grad] + [x for m, x in enumerate(operands) if m != k]
    shape = operands[k].shape
    for subscript, size in zip(spec.inputs[k], shape):
        if subscript in target:
            new = next(fresh)
            terms.append(subscript + new)
            tensors.append(eye(size, dtype=grad.dtype, device=grad.device))
            subscript = new
        target += subscript
    for subscript, size in zip(target, shape):
        if _largest_size(subscript, terms, tensors) < size:
            terms.append(subscript)
            tensors.append(ones(size, dtype=grad.dtype, device=grad.device))
    return einsum(",".join(terms) + "->" + target, *tensors)


def _largest_size(subscript: str, terms: list[str], tensors: list[Tensor]) -> int:
    """The size ``subscript`` has in an einsum of ``tensors`` (-1 when it is in no term)."""
    sizes = [t.shape[term.index(subscript)] for term, t in zip(terms, tensors) if subscript in term]
    return max(sizes, default=-1)


def einsum(equation: str, *operands: Any) -> Tensor:
    """Einstein summation, as ``torch.einsum``.

    ``equation`` names each operand's dimensions with letters (``"ij,jk->ik"``);
    letters shared by operands are multiplied together, letters missing from the
    output (after ``->``) are summed. ``...`` stands for broadcast dimensions; a
    letter repeated in one operand takes its diagonal; without ``->`` the output
    is the letters used once, alphabetically. Operands may be given as one list.

    Shapes: operand ``k`` has one dim per letter of term ``k`` (size-1 dims
    broadcast); the output has one dim per output letter.

    Examples:
        >>> import neurarust as nr
        >>> a, b = nr.ones(2, 3), nr.ones(3, 4)
        >>> nr.einsum("ij,jk->ik", a, b).shape
        neurarust.Size([2, 4])
        >>> nr.einsum("ii->", nr.eye(3))
        tensor(3.)
    """
    if not isinstance(equation, str):
        raise TypeError(f"einsum(): argument 'equation' must be str, not {type(equation).__name__}")
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    if not operands:
        raise RuntimeError("einsum(): must provide at least one operand")
    for k, x in enumerate(operands):
        if not isinstance(x, Tensor):
            raise TypeError(f"einsum(): expected Tensor as operand {k}, but got {type(x).__name__}")
        if k:
            _check_pair("einsum()", operands[0], x, ("operand 0", f"operand {k}"))
    spec = _parse_einsum(equation, [x._data.shape for x in operands])
    return Einsum.apply(spec, *operands)
