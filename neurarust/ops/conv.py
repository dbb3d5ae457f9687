"""Convolution ops of ``neurarust.nn.functional``: ``conv1d/2d/3d``,
``conv_transpose1d/2d/3d``, ``unfold`` and ``fold``.

How convolution is computed, and why
------------------------------------
Every op is lifted to 3 spatial dims once (1-D and 2-D convolutions get size-1
depth dims) and computed by three functions on raw arrays, each an im2col or
col2im kernel of the backend around one GEMM per group (``xp.matmul``: NumPy's
OpenBLAS, or cuBLAS):

* convolution: ``cols = im2col(x)``, ``out = weight @ cols``;
* transposed convolution (also convolution's input gradient):
  ``x = col2im(weight.T @ y)``;
* weight gradient: ``grad_weight = (cols @ grad.T).T``.

Choices, each measured (float32, 2 cores, medians of interleaved runs):

* **The batch as depth.** Without depth (every 1-D and 2-D convolution) the
  input ``(N, C, 1, H, W)`` is viewed as ``(1, C, N, H, W)``: a depth kernel of
  1 never mixes depths, so im2col gives one ``(C*kH*kW, N*oH*oW)`` matrix and
  one GEMM covers the batch, where a batched ``matmul`` makes N GEMMs. On one
  thread the two cost the same; on a busy machine the N GEMMs were 2 to 5 times
  slower (M1 forward+backward 3.6 s against 1.2 s), as OpenBLAS synchronizes
  its threads once per GEMM. The weight gradient then needs no sum over the
  batch. The price: a transposing copy of the output (fused with the bias
  addition) and of the gradient. 3-D convolutions use the batched GEMMs.
* **The weight gradient as** ``(cols @ grad.T).T``: the same product as
  ``grad @ cols.T``, which OpenBLAS ran up to 9 times slower on a busy machine
  (1.6 s against 0.16 s for M1's shapes).
* **The forward's im2col matrix is saved** for the weight gradient (one per
  call, as the memory budget allows; backward frees it with the other saved
  tensors): 5 to 10% less time per forward+backward than computing it again
  (M1 257 against 269 ms, one thread), for W3 a peak memory of 299 MB against
  250 MB (PyTorch: 303 MB).
* **1x1 convolutions** (stride 1, no padding) skip im2col: the input is the
  column matrix.
* **Depthwise convolutions** keep im2col + GEMM: a NumPy sum of shifted
  products was slower (79 against 52 ms for a (32, 64, 32, 32) forward). Their
  input gradient multiplies by an inner dim of 1, done as a broadcast product
  (27 against 94 ms with ``matmul``, which does not use BLAS there).

Against PyTorch (torch 2.13 CPU in the same process, with
``OMP_WAIT_POLICY=PASSIVE``: otherwise PyTorch's idle OpenMP threads spin and
slow OpenBLAS, and PyTorch itself, down up to tenfold), in ms, ours / torch:

| case: input, weight, padding                | forward   | forward+backward |
|---------------------------------------------|-----------|------------------|
| M1: (32,64,32,32), (64,64,3,3), 1           | 54 / 52   | 146 / 164        |
| LeNet conv1: (64,1,28,28), (6,1,5,5), 2     | 2.5 / 1.7 | 4.1 / 12.6 (1)   |
| LeNet conv2: (64,6,14,14), (16,6,5,5), 0    | 2.3 / 1.4 | 7.3 / 4.7        |
| CIFAR conv1: (32,3,32,32), (32,3,3,3), 1    | 3.0 / 2.9 | 6.2 / 6.1 (1)    |
| CIFAR conv2: (32,32,32,32), (32,32,3,3), 1  | 22 / 18   | 59 / 59          |
| CIFAR conv3: (32,32,16,16), (64,32,3,3), 1  | 8.2 / 9.5 | 21 / 30          |
| depthwise: (32,64,32,32), (64,1,3,3), 1     | 28 / 4.0  | 64 / 24          |

(1) No input gradient (a network's first layer).

Autograd: three Functions, ``Convolution(x, w, b)``, ``ConvTranspose(y, w, b)``
and ``ConvWeightGrad(x, grad)``. They are bilinear and each one's backward is
built from the other two, so gradients of any order work.
``unfold``/``fold`` are two linear Functions, each the other's backward.
"""

from __future__ import annotations

import math
from typing import Any, NamedTuple

from ..autograd.function import Function
from ..tensor import Tensor
from ._spatial import Triple, as_5d, functional_tuple, lift, with_batch
from ._spatial import output_size as window_counts
from ._util import int_arg, require_tensor
from .linalg import _check_pair

__all__ = [
    "conv1d",
    "conv2d",
    "conv3d",
    "conv_transpose1d",
    "conv_transpose2d",
    "conv_transpose3d",
    "unfold",
    "fold",
]

IntOrTuple = int | tuple[int, ...]


class _Geometry(NamedTuple):
    """Where a convolution's windows lie on its input; triples over (D, H, W).

    ``padding`` is the number of zeros before each dim; how far the windows
    reach after it is set by the output size, so asymmetric 'same' padding
    costs no padded copy of the input.
    """

    stride: Triple
    padding: Triple
    dilation: Triple
    groups: int


# -- the computations on raw 5-D arrays ------------------------------------------------


class _Plan:
    """One convolution as the kernels see it: the lifted geometry and sizes, with the
    batch moved into the depth dim when there is no depth (one GEMM for the batch).

    Arrays in the plan's layout are ``(B, C, D, H, W)``: ``B`` is the batch size,
    or 1 when the batch is the depth ``D``.
    """

    __slots__ = ("batch_as_depth", "kernel_size", "geometry", "in_size", "out_size", "pointwise")

    def __init__(
        self,
        geometry: _Geometry,
        batch: int,
        in_size: Triple,
        out_size: Triple,
        kernel_size: Triple,
    ) -> None:
        self.batch_as_depth = (
            in_size[0] == out_size[0] == kernel_size[0] == 1 and geometry.padding[0] == 0
        )
        if self.batch_as_depth:
            stride, padding, dilation = geometry.stride, geometry.padding, geometry.dilation
            geometry = _Geometry((1,) + stride[1:], padding, (1,) + dilation[1:], geometry.groups)
            in_size = (batch,) + in_size[1:]
            out_size = (batch,) + out_size[1:]
        self.geometry = geometry
        self.kernel_size, self.in_size, self.out_size = kernel_size, in_size, out_size
        self.pointwise = (
            kernel_size == (1, 1, 1)
            and geometry.stride == (1, 1, 1)
            and geometry.padding == (0, 0, 0)
            and in_size == out_size
        )

    def view(self, array: Any) -> Any:
        """A ``(N, C, D, H, W)`` array in the plan's layout, or back (the swap is its own
        inverse)."""
        return array.swapaxes(0, 2) if self.batch_as_depth else array

    def columns(self, backend: Any, x: Any) -> Any:
        """im2col of ``x`` (plan layout) as ``(B, groups, C/groups * kD*kH*kW, oD*oH*oW)``."""
        g = self.geometry
        if self.pointwise:
            cols = x
        else:
            cols = backend.kernel("im2col")(
                x, self.kernel_size, g.stride, g.padding, g.dilation, self.out_size
            )
        rows = x.shape[1] // g.groups * math.prod(self.kernel_size)
        return cols.reshape(x.shape[0], g.groups, rows, math.prod(self.out_size))

    def image(self, backend: Any, cols: Any) -> Any:
        """col2im of grouped columns ``(B, groups, C/groups * K, L)``: ``(B, C, D, H, W)``."""
        g = self.geometry
        batch = cols.shape[0]
        channels = cols.shape[1] * cols.shape[2] // math.prod(self.kernel_size)
        if self.pointwise:
            return cols.reshape((batch, channels) + self.in_size)
        cols = cols.reshape((batch, channels) + self.kernel_size + self.out_size)
        return backend.kernel("col2im")(
            cols, self.in_size, self.kernel_size, g.stride, g.padding, g.dilation
        )


def _matmul(xp: Any, a: Any, b: Any) -> Any:
    """``xp.matmul(a, b)``; a broadcast product when the inner dim is 1 (depthwise
    convolutions), where NumPy's matmul does not use BLAS and is 3.5x slower."""
    return xp.multiply(a, b) if a.shape[-1] == 1 else xp.matmul(a, b)


def _weight_matrices(weight: Any, groups: int) -> Any:
    """``(C_out, C_in/groups, kD, kH, kW)`` as ``(groups, C_out/groups, C_in/groups * K)``."""
    c_out, c_in = weight.shape[:2]
    return weight.reshape(groups, c_out // groups, c_in * math.prod(weight.shape[2:]))


def _convolve(
    backend: Any, x: Any, weight: Any, geometry: _Geometry, out_size: Triple
) -> tuple[Any, Any]:
    """Convolution of ``x (N, C_in, D, H, W)``: ``(N, C_out, oD, oH, oW)``, and the im2col
    matrix of ``x`` it multiplied (for :func:`_weight_gradient`)."""
    plan = _Plan(geometry, x.shape[0], x.shape[2:], out_size, weight.shape[2:])
    cols = plan.columns(backend, plan.view(x))
    out = _matmul(backend.xp, _weight_matrices(weight, geometry.groups), cols)
    return plan.view(out.reshape((cols.shape[0], weight.shape[0]) + plan.out_size)), cols


def _convolve_transpose(
    backend: Any, y: Any, weight: Any, geometry: _Geometry, in_size: Triple
) -> Any:
    """The adjoint of :func:`_convolve` in ``x``: ``y (N, C_out, oD, oH, oW)`` ->
    ``(N, C_in, *in_size)``."""
    plan = _Plan(geometry, y.shape[0], in_size, y.shape[2:], weight.shape[2:])
    y = plan.view(y)
    groups = geometry.groups
    grouped = y.reshape(y.shape[0], groups, y.shape[1] // groups, math.prod(plan.out_size))
    cols = _matmul(backend.xp, _weight_matrices(weight, groups).swapaxes(1, 2), grouped)
    return plan.view(plan.image(backend, cols))


def _weight_gradient(
    backend: Any, x: Any, grad: Any, geometry: _Geometry, kernel_size: Triple, cols: Any
) -> Any:
    """The gradient of ``sum(_convolve(x, weight) * grad)`` in ``weight``:
    ``(C_out, C_in/groups, *kernel_size)``. ``cols``: the im2col matrix of ``x`` that
    :func:`_convolve` returned, or None to compute it."""
    plan = _Plan(geometry, x.shape[0], x.shape[2:], grad.shape[2:], kernel_size)
    if cols is None:
        cols = plan.columns(backend, plan.view(x))
    grad = plan.view(grad)
    groups, c_out = geometry.groups, grad.shape[1]
    grouped = grad.reshape(grad.shape[0], groups, c_out // groups, math.prod(plan.out_size))
    # cols @ grad.T, not grad @ cols.T: OpenBLAS can be 9x slower on the latter (see above)
    per_batch = _matmul(backend.xp, cols, grouped.swapaxes(2, 3)).swapaxes(2, 3)
    total = per_batch[0] if per_batch.shape[0] == 1 else per_batch.sum(0)
    return total.reshape((c_out, x.shape[1] // groups) + kernel_size)


def _with_bias(xp: Any, out: Any, bias: Tensor | None) -> Any:
    """``out + bias`` (bias per channel, dim 1) as a C-contiguous array, in one pass."""
    if bias is None:
        return xp.ascontiguousarray(out)
    b = bias._data.reshape((-1,) + (1,) * (out.ndim - 2))
    if out.flags.c_contiguous:  # a fresh array of this op
        out += b
        return out
    return xp.add(out, b, out=xp.empty(out.shape, out.dtype))


def _bias_gradient(grad: Tensor) -> Tensor:
    """The gradient of a per-channel bias: ``grad`` summed over all dims but dim 1."""
    return grad.sum([d for d in range(grad.ndim) if d != 1])


def _drop_lifted(out: Any, dims: int) -> Any:
    """A ``(N, C, D, H, W)`` result (or weight) back to ``dims`` spatial dims."""
    return out.reshape(out.shape[:2] + out.shape[5 - dims :])


# -- the three differentiable Functions -------------------------------------------------


class Convolution(Function):
    """``conv(input, weight) + bias``; ``out_size`` is the lifted output size."""

    @staticmethod
    def forward(
        ctx: Any,
        input: Tensor,
        weight: Tensor,
        bias: Tensor | None,
        geometry: _Geometry,
        out_size: Triple,
    ) -> Any:
        dims = input.ndim - 2
        backend = input.backend
        x, w = as_5d(input._data, dims), as_5d(weight._data, dims)
        out, cols = _convolve(backend, x, w, geometry, out_size)
        need_input, need_weight = ctx.needs_input_grad[:2]
        ctx.geometry, ctx.in_size, ctx.kernel_size = geometry, x.shape[2:], w.shape[2:]
        # The im2col matrix is kept as a saved tensor, so backward frees it
        kept = Tensor._make(cols, input.device) if need_weight else None
        ctx.save_for_backward(input if need_weight else None, weight if need_input else None, kept)
        return _drop_lifted(_with_bias(backend.xp, out, bias), dims)

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple[Any, ...]:
        input, weight, cols = ctx.saved_tensors
        need_input, need_weight, need_bias = ctx.needs_input_grad[:3]
        grad_input = grad_weight = grad_bias = None
        if need_input:
            grad_input = ConvTranspose.apply(grad, weight, None, ctx.geometry, ctx.in_size)
        if need_weight:
            grad_weight = ConvWeightGrad.apply(
                input, grad, ctx.geometry, ctx.kernel_size, None if cols is None else cols._data
            )
        if need_bias:
            grad_bias = _bias_gradient(grad)
        return grad_input, grad_weight, grad_bias, None, None


class ConvTranspose(Function):
    """``conv_transpose(input, weight) + bias``: the adjoint of :class:`Convolution` for
    ``geometry``, whose input size ``out_size`` (lifted) is this op's output size."""

    @staticmethod
    def forward(
        ctx: Any,
        input: Tensor,
        weight: Tensor,
        bias: Tensor | None,
        geometry: _Geometry,
        out_size: Triple,
    ) -> Any:
        dims = input.ndim - 2
        backend = input.backend
        y, w = as_5d(input._data, dims), as_5d(weight._data, dims)
        out = _convolve_transpose(backend, y, w, geometry, out_size)
        need_input, need_weight = ctx.needs_input_grad[:2]
        ctx.geometry, ctx.in_size, ctx.kernel_size = geometry, y.shape[2:], w.shape[2:]
        ctx.save_for_backward(input if need_weight else None, weight if need_input else None)
        return _drop_lifted(_with_bias(backend.xp, out, bias), dims)

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple[Any, ...]:
        input, weight = ctx.saved_tensors
        need_input, need_weight, need_bias = ctx.needs_input_grad[:3]
        grad_input = grad_weight = grad_bias = None
        if need_input:
            grad_input = Convolution.apply(grad, weight, None, ctx.geometry, ctx.in_size)
        if need_weight:
            grad_weight = ConvWeightGrad.apply(grad, input, ctx.geometry, ctx.kernel_size, None)
        if need_bias:
            grad_bias = _bias_gradient(grad)
        return grad_input, grad_weight, grad_bias, None, None


class ConvWeightGrad(Function):
    """The weight gradient of a convolution of ``input`` whose output got ``grad``;
    bilinear in the two. ``cols``: the forward's im2col matrix of ``input``, or None."""

    @staticmethod
    def forward(
        ctx: Any,
        input: Tensor,
        grad: Tensor,
        geometry: _Geometry,
        kernel_size: Triple,
        cols: Any,
    ) -> Any:
        dims = input.ndim - 2
        x, g = as_5d(input._data, dims), as_5d(grad._data, dims)
        need_input, need_grad = ctx.needs_input_grad[:2]
        ctx.geometry, ctx.in_size, ctx.out_size = geometry, x.shape[2:], g.shape[2:]
        ctx.save_for_backward(input if need_grad else None, grad if need_input else None)
        out = _weight_gradient(input.backend, x, g, geometry, kernel_size, cols)
        return _drop_lifted(out, dims)

    @staticmethod
    def backward(ctx: Any, grad_weight: Tensor) -> tuple[Any, ...]:
        input, grad = ctx.saved_tensors
        need_input, need_grad = ctx.needs_input_grad[:2]
        grad_input = grad_grad = None
        if need_input:
            grad_input = ConvTranspose.apply(grad, grad_weight, None, ctx.geometry, ctx.in_size)
        if need_grad:
            grad_grad = Convolution.apply(input, grad_weight, None, ctx.geometry, ctx.out_size)
        return grad_input, grad_grad, None, None, None


# -- argument checks ---------------------------------------------------------------------


def _check_operands(
    op: str, dims: int, input: Any, weight: Any, bias: Any, layout: str
) -> tuple[Tensor, bool]:
    """Types, devices, dtypes and dims of a convolution's tensors; returns the input with
    a batch dim and whether one was added. ``layout`` names the weight's first two dims."""
    require_tensor(op, "input", input)
    require_tensor(op, "weight", weight)
    _check_pair(op, input, weight, ("input", "weight"))
    if bias is not None:
        require_tensor(op, "bias", bias)
        _check_pair(op, input, bias, ("input", "bias"))
    batched, unbatched = with_batch(op, input, dims)
    shape = tuple(weight.shape)
    if len(shape) != dims + 2 or 0 in shape[2:]:
        raise RuntimeError(
            f"{op}: expected weight of shape ({layout}, *kernel_size) with {dims} non-zero "
            f"kernel sizes, but got weight of size {list(shape)}"
        )
    return batched, unbatched


def _check_groups(op: str, groups: Any, weight: Tensor) -> int:
    """``groups`` as an int that divides the weight's dim 0."""
    groups = int_arg(op, "groups", groups)
    if groups <= 0:
        raise RuntimeError(f"{op}: non-positive groups is not supported, but got groups={groups}")
    if weight.shape[0] % groups:
        raise RuntimeError(
            f"{op}: Given groups={groups}, expected weight to be divisible by {groups} at "
            f"dimension 0, but got weight of size {list(weight.shape)} instead"
        )
    return groups


def _check_channels(
    op: str, input: Tensor, weight: Tensor, bias: Tensor | None, groups: int, transposed: bool
) -> None:
    """The input's channels and the bias's length fit the weight (PyTorch's wording)."""
    shape = list(weight.shape)
    if transposed:
        expected, c_out, given = shape[0], shape[1] * groups, "transposed=1"
    else:
        expected, c_out, given = shape[1] * groups, shape[0], f"groups={groups}"
    if input.shape[1] != expected:
        raise RuntimeError(
            f"{op}: Given {given}, weight of size {shape}, expected input{list(input.shape)} "
            f"to have {expected} channels, but got {input.shape[1]} channels instead"
        )
    if bias is not None and tuple(bias.shape) != (c_out,):
        raise RuntimeError(
            f"{op}: Given {'transposed=1, ' if transposed else ''}weight of size {shape}, "
            f"expected bias to be 1-dimensional with {c_out} elements, but got bias of size "
            f"{list(bias.shape)} instead"
        )


def _conv_padding(
    op: str, padding: Any, stride: tuple[int, ...], dilation: tuple[int, ...], kernel: Any
) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """The zeros ``(before, after)`` each spatial dim for an int, tuple, 'valid' or 'same'.

    'same' with an even ``dilation * (kernel - 1)`` puts the extra zero after, as PyTorch.
    """
    dims = len(stride)
    if not isinstance(padding, str):
        before = functional_tuple(op, "padding", padding, dims, 0)
        return before, before
    if padding == "valid":
        return (0,) * dims, (0,) * dims
    if padding != "same":
        raise RuntimeError(
            f"{op}: Invalid padding string: {padding!r} (expected 'valid', 'same', an int or "
            "a tuple of ints)"
        )
    if any(s != 1 for s in stride):
        raise RuntimeError(f"{op}: padding='same' is not supported for strided convolutions")
    totals = [d * (k - 1) for d, k in zip(dilation, kernel)]
    return tuple(t // 2 for t in totals), tuple(t - t // 2 for t in totals)


# -- convolution -------------------------------------------------------------------------


def _convolution(
    op: str,
    dims: int,
    input: Tensor,
    weight: Tensor,
    bias: Tensor | None,
    stride: Any,
    padding: Any,
    dilation: Any,
    groups: Any,
) -> Tensor:
    """The checks and the call shared by conv1d, conv2d and conv3d."""
    batched, unbatched = _check_operands(
        op, dims, input, weight, bias, "out_channels, in_channels / groups"
    )
    groups = _check_groups(op, groups, weight)
    stride = functional_tuple(op, "stride", stride, dims, 1)
    dilation = functional_tuple(op, "dilation", dilation, dims, 1)
    kernel = tuple(weight.shape[2:])
    before, after = _conv_padding(op, padding, stride, dilation, kernel)
    _check_channels(op, batched, weight, bias, groups, transposed=False)
    size = tuple(batched.shape[2:])
    out_size = window_counts(op, size, kernel, stride, before, dilation, padding_after=after)
    geometry = _Geometry(lift(stride, 1), lift(before, 0), lift(dilation, 1), groups)
    out = Convolution.apply(batched, weight, bias, geometry, lift(out_size, 1))
    return out.squeeze(0) if unbatched else out


def conv1d(
    input: Tensor,
    weight: Tensor,
    bias: Tensor | None = None,
    stride: IntOrTuple = 1,
    padding: IntOrTuple | str = 0,
    dilation: IntOrTuple = 1,
    groups: int = 1,
) -> Tensor:
    """1-D convolution (cross-correlation, as PyTorch) of ``input`` with ``weight``.

    ``padding`` is an int, a tuple, ``'valid'`` (none) or ``'same'`` (output as
    long as the input; stride 1 only). ``groups`` splits the channels into
    independent convolutions (``groups == C_in``: depthwise).

    Shapes:
        * ``input``: ``(N, C_in, L)`` or unbatched ``(C_in, L)``;
        * ``weight``: ``(C_out, C_in / groups, kL)``; ``bias``: ``(C_out,)``;
        * output: ``(N, C_out, L_out)`` with
          ``L_out = (L + 2 * padding - dilation * (kL - 1) - 1) // stride + 1``.

    Examples:
        >>> import neurarust as nr
        >>> import neurarust.nn.functional as F
        >>> F.conv1d(nr.ones(2, 3, 10), nr.ones(4, 3, 3), padding=1).shape
        neurarust.Size([2, 4, 10])
    """
    return _convolution("conv1d", 1, input, weight, bias, stride, padding, dilation, groups)


def conv2d(
    input: Tensor,
    weight: Tensor,
    bias: Tensor | None = None,
    stride: IntOrTuple = 1,
    padding: IntOrTuple | str = 0,
    dilation: IntOrTuple = 1,
    groups: int = 1,
) -> Tensor:
    """2-D convolution (cross-correlation, as PyTorch) of ``input`` with ``weight``.

    Arguments as :func:`conv1d`, each int-or-tuple one per spatial dim ``(H, W)``.

    Shapes:
        * ``input``: ``(N, C_in, H, W)`` or unbatched ``(C_in, H, W)``;
        * ``weight``: ``(C_out, C_in / groups, kH, kW)``; ``bias``: ``(C_out,)``;
        * output: ``(N, C_out, H_out, W_out)``, each size as in :func:`conv1d`.

    Examples:
        >>> import neurarust as nr
        >>> import neurarust.nn.functional as F
        >>> F.conv2d(nr.ones(8, 3, 32, 32), nr.ones(16, 3, 3, 3), stride=2).shape
        neurarust.Size([8, 16, 15, 15])
    """
    return _convolution("conv2d", 2, input, weight, bias, stride, padding, dilation, groups)


def conv3d(
    input: Tensor,
    weight: Tensor,
    bias: Tensor | None = None,
    stride: IntOrTuple = 1,
    padding: IntOrTuple | str = 0,
    dilation: IntOrTuple = 1,
    groups: int = 1,
) -> Tensor:
    """3-D convolution (cross-correlation, as PyTorch) of ``input`` with ``weight``.

    Arguments as :func:`conv1d`, each int-or-tuple one per spatial dim ``(D, H, W)``.

    Shapes:
        * ``input``: ``(N, C_in, D, H, W)`` or unbatched ``(C_in, D, H, W)``;
        * ``weight``: ``(C_out, C_in / groups, kD, kH, kW)``; ``bias``: ``(C_out,)``;
        * output: ``(N, C_out, D_out, H_out, W_out)``, each size as in :func:`conv1d`.

    Examples:
        >>> import neurarust as nr
        >>> import neurarust.nn.functional as F
        >>> F.conv3d(nr.ones(1, 2, 5, 6, 7), nr.ones(4, 2, 3, 3, 3), padding="same").shape
        neurarust.Size([1, 4, 5, 6, 7])
    """
    return _convolution("conv3d", 3, input, weight, bias, stride, padding, dilation, groups)


# -- transposed convolution -----------------------------------------------------------------


def _transposed_convolution(
    op: str,
    dims: int,
    input: Tensor,
    weight: Tensor,
    bias: Tensor | None,
    stride: Any,
    padding: Any,
    output_padding: Any,
    groups: Any,
    dilation: Any,
) -> Tensor:
    """The checks and the call shared by conv_transpose1d, 2d and 3d."""
    batched, unbatched = _check_operands(
        op, dims, input, weight, bias, "in_channels, out_channels / groups"
    )
    groups = _check_groups(op, groups, weight)
    stride = functional_tuple(op, "stride", stride, dims, 1)
    padding = functional_tuple(op, "padding", padding, dims, 0)
    output_padding = functional_tuple(op, "output_padding", output_padding, dims, 0)
    dilation = functional_tuple(op, "dilation", dilation, dims, 1)
    if any(o >= s and o >= d for o, s, d in zip(output_padding, stride, dilation)):
        raise RuntimeError(
            f"{op}: output padding must be smaller than either stride or dilation, but got "
            f"output_padding={output_padding}, stride={stride}, dilation={dilation}"
        )
    kernel = tuple(weight.shape[2:])
    _check_channels(op, batched, weight, bias, groups, transposed=True)
    size = tuple(batched.shape[2:])
    out_size = tuple(
        (n - 1) * s - 2 * p + d * (k - 1) + o + 1
        for n, s, p, d, k, o in zip(size, stride, padding, dilation, kernel, output_padding)
    )
    if any(n <= 0 for n in out_size):
        raise RuntimeError(
            f"{op}: input of spatial size {size} with kernel size {kernel}, stride {stride}, "
            f"padding {padding} and dilation {dilation} gives the output size {out_size}, "
            "which is too small"
        )
    geometry = _Geometry(lift(stride, 1), lift(padding, 0), lift(dilation, 1), groups)
    out = ConvTranspose.apply(batched, weight, bias, geometry, lift(out_size, 1))
    return out.squeeze(0) if unbatched else out


def conv_transpose1d(
    input: Tensor,
    weight: Tensor,
    bias: Tensor | None = None,
    stride: IntOrTuple = 1,
    padding: IntOrTuple = 0,
    output_padding: IntOrTuple = 0,
    groups: int = 1,
    dilation: IntOrTuple = 1,
) -> Tensor:
    """1-D transposed convolution: the gradient of :func:`conv1d` in its input, which
    maps a ``conv1d`` output size back to its input size (an upsampling layer).

    ``padding`` trims ``padding`` positions from each end of the full output (it
    is the padding of the ``conv1d`` this op is the gradient of);
    ``output_padding`` adds positions at the end, to pick among the input sizes
    that a strided ``conv1d`` maps to the same size (it must be smaller than
    ``stride`` or ``dilation``).

    Shapes:
        * ``input``: ``(N, C_in, L)`` or unbatched ``(C_in, L)``;
        * ``weight``: ``(C_in, C_out / groups, kL)``; ``bias``: ``(C_out,)``;
        * output: ``(N, C_out, L_out)`` with ``L_out = (L - 1) * stride - 2 * padding
          + dilation * (kL - 1) + output_padding + 1``.

    Examples:
        >>> import neurarust as nr
        >>> import neurarust.nn.functional as F
        >>> F.conv_transpose1d(nr.ones(2, 4, 10), nr.ones(4, 3, 2), stride=2).shape
        neurarust.Size([2, 3, 20])
    """
    return _transposed_convolution(
        "conv_transpose1d", 1, input, weight, bias, stride, padding, output_padding, groups,
        dilation,
    )  # fmt: skip


def conv_transpose2d(
    input: Tensor,
    weight: Tensor,
    bias: Tensor | None = None,
    stride: IntOrTuple = 1,
    padding: IntOrTuple = 0,
    output_padding: IntOrTuple = 0,
    groups: int = 1,
    dilation: IntOrTuple = 1,
) -> Tensor:
    """2-D transposed convolution: the gradient of :func:`conv2d` in its input.

    Arguments as :func:`conv_transpose1d`, each int-or-tuple one per spatial dim.

    Shapes:
        * ``input``: ``(N, C_in, H, W)`` or unbatched ``(C_in, H, W)``;
        * ``weight``: ``(C_in, C_out / groups, kH, kW)``; ``bias``: ``(C_out,)``;
        * output: ``(N, C_out, H_out, W_out)``, each size as in :func:`conv_transpose1d`.

    Examples:
        >>> import neurarust as nr
        >>> import neurarust.nn.functional as F
        >>> F.conv_transpose2d(nr.ones(1, 8, 7, 7), nr.ones(8, 4, 3, 3), stride=2,
        ...                    padding=1, output_padding=1).shape
        neurarust.Size([1, 4, 14, 14])
    """
    return _transposed_convolution(
        "conv_transpose2d", 2, input, weight, bias, stride, padding, output_padding, groups,
        dilation,
    )  # fmt: skip


def conv_transpose3d(
    input: Tensor,
    weight: Tensor,
    bias: Tensor | None = None,
    stride: IntOrTuple = 1,
    padding: IntOrTuple = 0,
    output_padding: IntOrTuple = 0,
    groups: int = 1,
    dilation: IntOrTuple = 1,
) -> Tensor:
    """3-D transposed convolution: the gradient of :func:`conv3d` in its input.

    Arguments as :func:`conv_transpose1d`, each int-or-tuple one per spatial dim.

    Shapes:
        * ``input``: ``(N, C_in, D, H, W)`` or unbatched ``(C_in, D, H, W)``;
        * ``weight``: ``(C_in, C_out / groups, kD, kH, kW)``; ``bias``: ``(C_out,)``;
        * output: ``(N, C_out, D_out, H_out, W_out)``, each size as in
          :func:`conv_transpose1d`.

    Examples:
        >>> import neurarust as nr
        >>> import neurarust.nn.functional as F
        >>> F.conv_transpose3d(nr.ones(1, 2, 3, 3, 3), nr.ones(2, 5, 2, 2, 2)).shape
        neurarust.Size([1, 5, 4, 4, 4])
    """
    return _transposed_convolution(
        "conv_transpose3d", 3, input, weight, bias, stride, padding, output_padding, groups,
        dilation,
    )  # fmt: skip


# -- unfold and fold ------------------------------------------------------------------------


class Unfold(Function):
    """im2col: ``(N, C, H, W)`` -> ``(N, C * kH * kW, L)``; ``out_size``: the window counts."""

    @staticmethod
    def forward(
        ctx: Any, input: Tensor, kernel_size: Triple, geometry: _Geometry, out_size: Triple
    ) -> Any:
        x = as_5d(input._data, 2)
        ctx.size, ctx.kernel_size, ctx.geometry, ctx.out_size = (
            x.shape[2:], kernel_size, geometry, out_size,
        )  # fmt: skip
        cols = input.backend.kernel("im2col")(
            x, kernel_size, geometry.stride, geometry.padding, geometry.dilation, out_size
        )
        n, c = x.shape[:2]
        return cols.reshape(n, c * math.prod(kernel_size), math.prod(out_size))

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple[Any, ...]:
        return (
            Fold.apply(grad, ctx.size, ctx.kernel_size, ctx.geometry, ctx.out_size),
            None,
            None,
            None,
        )


class Fold(Function):
    """col2im, the adjoint of :class:`Unfold`: ``(N, C * kH * kW, L)`` -> ``(N, C, H, W)``
    with ``size`` the lifted ``(1, H, W)``."""

    @staticmethod
    def forward(
        ctx: Any,
        input: Tensor,
        size: Triple,
        kernel_size: Triple,
        geometry: _Geometry,
        out_size: Triple,
    ) -> Any:
        ctx.kernel_size, ctx.geometry, ctx.out_size = kernel_size, geometry, out_size
        n, rows = input._data.shape[:2]
        channels = rows // math.prod(kernel_size)
        cols = input._data.reshape((n, channels) + kernel_size + out_size)
        x = input.backend.kernel("col2im")(
            cols, size, kernel_size, geometry.stride, geometry.padding, geometry.dilation
        )
        return x.reshape((n, channels) + size[1:])

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple[Any, ...]:
        cols = Unfold.apply(grad, ctx.kernel_size, ctx.geometry, ctx.out_size)
        return cols, None, None, None, None


def _windows(
    op: str, kernel_size: Any, dilation: Any, padding: Any, stride: Any
) -> tuple[tuple[int, ...], ...]:
    """The 2-D ``kernel_size, dilation, padding, stride`` of unfold/fold, checked."""
    return (
        functional_tuple(op, "kernel_size", kernel_size, 2, 1),
        functional_tuple(op, "dilation", dilation, 2, 1),
        functional_tuple(op, "padding", padding, 2, 0),
        functional_tuple(op, "stride", stride, 2, 1),
    )


def _check_floating(op: str, input: Any) -> None:
    """TypeError unless ``input`` is a Tensor; NotImplementedError unless floating point."""
    require_tensor(op, "input", input)
    if input._data.dtype.kind != "f":
        raise NotImplementedError(
            f"{op}: not implemented for {input.dtype} tensors (expected floating point tensors)"
        )


def unfold(
    input: Tensor,
    kernel_size: IntOrTuple,
    dilation: IntOrTuple = 1,
    padding: IntOrTuple = 0,
    stride: IntOrTuple = 1,
) -> Tensor:
    """Extracts sliding local blocks of an image (im2col): each column of the result
    holds the ``C * kH * kW`` values of one window.

    Shapes:
        * ``input``: ``(N, C, H, W)`` or unbatched ``(C, H, W)``;
        * output: ``(N, C * kH * kW, L)``, ``L`` the number of windows (as
          :func:`conv2d` counts output positions).

    Examples:
        >>> import neurarust as nr
        >>> import neurarust.nn.functional as F
        >>> F.unfold(nr.ones(2, 3, 5, 5), kernel_size=2).shape
        neurarust.Size([2, 12, 16])
    """
    _check_floating("unfold", input)
    batched, unbatched = with_batch("unfold", input, 2)
    kernel, dilation, padding, stride = _windows("unfold", kernel_size, dilation, padding, stride)
    out_size = window_counts("unfold", tuple(batched.shape[2:]), kernel, stride, padding, dilation)
    geometry = _Geometry(lift(stride, 1), lift(padding, 0), lift(dilation, 1), 1)
    out = Unfold.apply(batched, lift(kernel, 1), geometry, lift(out_size, 1))
    return out.squeeze(0) if unbatched else out


def fold(
    input: Tensor,
    output_size: IntOrTuple,
    kernel_size: IntOrTuple,
    dilation: IntOrTuple = 1,
    padding: IntOrTuple = 0,
    stride: IntOrTuple = 1,
) -> Tensor:
    """Combines sliding local blocks into an image (col2im), summing overlapping values:
    the adjoint of :func:`unfold`.

    Shapes:
        * ``input``: ``(N, C * kH * kW, L)`` or unbatched ``(C * kH * kW, L)``, ``L`` the
          number of windows :func:`unfold` takes from an ``output_size`` image;
        * output: ``(N, C, *output_size)``.

    Examples:
        >>> import neurarust as nr
        >>> import neurarust.nn.functional as F
        >>> F.fold(nr.ones(2, 12, 16), output_size=(5, 5), kernel_size=2).shape
        neurarust.Size([2, 3, 5, 5])
    """
    _check_floating("fold", input)
    if input.ndim not in (2, 3):
        raise RuntimeError(
            "fold: expected a 2-D (unbatched) or 3-D (batched) input, but got a "
            f"{input.ndim}-D input of shape {tuple(input.shape)}"
        )
    unbatched = input.ndim == 2
    batched = input.unsqueeze(0) if unbatched else input
    size = functional_tuple("fold", "output_size", output_size, 2, 1)
    kernel, dilation, padding, stride = _windows("fold", kernel_size, dilation, padding, stride)
    blocks = window_counts("fold", size, kernel, stride, padding, dilation)
    rows, count = batched.shape[1:]
    if rows % math.prod(kernel):
        raise RuntimeError(
            "fold: Expected size of input's dimension 1 to be divisible by the product of "
            f"kernel_size, but got input.size(1)={rows} and kernel_size={kernel}."
        )
    if count != math.prod(blocks):
        raise RuntimeError(
            f"fold: Given output_size={size}, kernel_size={kernel}, dilation={dilation}, "
            f"padding={padding}, stride={stride}, expected size of input's dimension 2 to "
            f"match the calculated number of sliding blocks {blocks[0]} * {blocks[1]} = "
            f"{math.prod(blocks)}, but got input.size(2)={count}."
        )
    geometry = _Geometry(lift(stride, 1), lift(padding, 0), lift(dilation, 1), 1)
    out = Fold.apply(batched, lift(size, 1), lift(kernel, 1), geometry, lift(blocks, 1))
    return out.squeeze(0) if unbatched else out
