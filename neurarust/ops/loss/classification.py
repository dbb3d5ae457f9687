"""Classification losses: how much probability a model gives to the right class.

- :func:`nll_loss`: the negative log-likelihood of the target class, from
  log-probabilities (the output of ``log_softmax``).
- :func:`cross_entropy`: the same from raw scores (logits), for class-index
  targets or for class-probability targets, with label smoothing.
- :func:`binary_cross_entropy`: one yes/no decision per element, from probabilities.
- :func:`binary_cross_entropy_with_logits`: the same from logits, without overflow.

Class-index targets share one set of checks and one rule for weights: a sample
counts with the weight of its class (0 when its target is ``ignore_index``) and
``'mean'`` divides by the sum of those weights, as PyTorch does.

``cross_entropy`` is the loss of nearly every classifier, so it is one fused
:class:`CrossEntropy` node: its forward computes the max-shifted log-softmax and
each sample's loss on the raw arrays, keeping the softmax; its backward is
``softmax * sum(q) - q`` for the (smoothed, weighted) target distribution ``q``,
scaled by the upstream gradient. :class:`BinaryCrossEntropyWithLogits` is fused
the same way (stable softplus forward, ``sigmoid - target`` backward). Both give their
backward the softmax or sigmoid they computed through :class:`_Precomputed`, so it
is not computed twice yet still differentiates for double backward.
:class:`BinaryCrossEntropy` is a node of its own because PyTorch's gradient at
probabilities of exactly 0 and 1 is finite where the derivative of its clamped
formula is not; ``nll_loss`` is a short composition of differentiable ops.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from ...autograd import grad_mode
from ...autograd.function import Function
from ...dtypes import result_type
from ...tensor import Tensor
from .._util import check_same_device, require_tensor
from ..activation import logsigmoid
from ..elementwise import _constant, where
from ..scatter import IndexOutOfBoundsError, gather
from ..softmax import Softmax
from ..unary import Sigmoid
from ._reduction import reduce_loss, resolve_reduction

__all__ = [
    "nll_loss",
    "cross_entropy",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
]

# PyTorch clamps the logs of binary_cross_entropy at -100 and the denominator of its
# gradient, x * (1 - x), at 1e-12.
_LOG_FLOOR = -100.0
_GRAD_EPSILON = 1e-12


# -- checks --------------------------------------------------------------------------


def _check_logits(op: str, input: Any) -> int:
    """The class dimension of ``input``: 1 for ``(N, C, d1, ...)``, 0 for unbatched ``(C,)``.

    NotImplementedError (PyTorch's type) for a non-float input; ValueError for a 0-d
    input or one without classes.
    """
    require_tensor(op, "input", input)
    if not input.dtype.is_floating_point:
        raise NotImplementedError(
            f"{op}: expected a floating point input, got dtype {input.dtype.name}"
        )
    if input.ndim == 0:
        raise ValueError(f"{op}: expected input with 1 or more dimensions (got 0)")
    dim = 0 if input.ndim == 1 else 1
    if input.shape[dim] == 0:
        raise ValueError(f"{op}: expected at least one class, got input of shape {_shape(input)}")
    return dim


def _shape(t: Tensor) -> tuple[int, ...]:
    return tuple(t.shape)


def _check_sample_shape(op: str, input: Tensor, target: Tensor, dim: int) -> None:
    """An error naming both shapes unless ``target`` holds one class per sample.

    ValueError when the batch sizes differ, RuntimeError otherwise, as in PyTorch.
    """
    expected = input.shape[:dim] + input.shape[dim + 1 :]
    if target.shape == expected:
        return
    batch_differs = dim == 1 and target.ndim > 0 and target.shape[0] != input.shape[0]
    error = ValueError if batch_differs else RuntimeError
    raise error(
        f"{op}: expected target of shape {tuple(expected)} for input of shape {_shape(input)}, "
        f"got {_shape(target)}"
    )


def _check_no_grad(op: str, name: str, weight: Tensor) -> None:
    """RuntimeError, as PyTorch raises, when ``weight`` would need a gradient that ``op``
    does not give."""
    if weight.requires_grad and grad_mode.is_grad_enabled():
        raise RuntimeError(
            f"{op}: the loss is not differentiable with respect to {name}, so {name} "
            "cannot have requires_grad=True"
        )


def _class_weight(op: str, weight: Any, input: Tensor, dim: int) -> Any:
    """The array of ``weight``, checked to hold one value per class in ``input``'s dtype
    and to need no gradient (RuntimeError otherwise, as in PyTorch); None for no weight."""
    if weight is None:
        return None
    require_tensor(op, "weight", weight)
    check_same_device(op, input, weight)
    classes = input.shape[dim]
    if weight.ndim != 1 or weight.shape[0] != classes:
        raise RuntimeError(
            f"{op}: weight should hold one value per class ({classes}), "
            f"got a tensor of shape {_shape(weight)}"
        )
    if weight.dtype is not input.dtype:
        raise RuntimeError(
            f"{op}: expected weight of the input's dtype {input.dtype.name}, "
            f"got {weight.dtype.name}"
        )
    _check_no_grad(op, "weight", weight)
    return weight._data


class _Targets(NamedTuple):
    """Class-index targets, ready to use (arrays of the target's shape)."""

    index: Any  # the target class of each sample, 0 where it is ignored
    valid: Any  # False where the target is ignore_index
    weight: Any  # the weight of each sample's class (1 unweighted), 0 where ignored


def _class_targets(
    op: str, input: Tensor, target: Any, dim: int, weight: Any, ignore_index: int
) -> _Targets:
    """``target`` checked as class indices for ``input`` (integer dtype, one per sample,
    each in ``[0, C)`` or ``ignore_index``), with each sample's weight."""
    require_tensor(op, "target", target)
    check_same_device(op, input, target)
    if target.dtype.is_floating_point or target.dtype.name == "bool":
        raise RuntimeError(
            f"{op}: expected class indices of an integer dtype as target, got {target.dtype.name}"
        )
    _check_sample_shape(op, input, target, dim)
    xp, classes = input.backend.xp, input.shape[dim]
    labels = target._data
    valid = labels != ignore_index
    out_of_range = valid & ((labels < 0) | (labels >= classes))
    if out_of_range.any():
        bad = int(labels[out_of_range].ravel()[0])
        raise IndexOutOfBoundsError(f"{op}: target {bad} is out of bounds for {classes} classes")
    index = xp.where(valid, labels, 0).astype("int64", copy=False)
    if weight is None:
        sample_weight = valid.astype(input._data.dtype)
    else:
        sample_weight = xp.where(valid, weight[index], 0).astype(weight.dtype, copy=False)
    return _Targets(index, valid, sample_weight)


def _reduce_by_weight(loss: Tensor, reduction: str, targets: _Targets) -> Tensor:
    """``loss`` reduced; 'mean' divides by the summed weights of the counted samples
    (nan when none counts, as in PyTorch)."""
    if reduction == "mean":
        return loss.sum() / _constant(loss, targets.weight.sum())
    return reduce_loss(loss, reduction)


# -- nll_loss ------------------------------------------------------------------------


def nll_loss(
    input: Tensor,
    target: Tensor,
    weight: Tensor | None = None,
    size_average: bool | None = None,
    ignore_index: int = -100,
    reduce: bool | None = None,
    reduction: str = "mean",
) -> Tensor:
    """Negative log-likelihood: ``-weight[t] * input[t]`` for each sample's target class ``t``.

    ``input`` holds log-probabilities (``log_softmax`` of the scores). ``weight``
    (one value per class) scales each sample's loss; samples whose target is
    ``ignore_index`` count for nothing. 'mean' divides by the summed weights of the
    counted samples (their number, unweighted), so it is nan when all are ignored.

    Shapes:
        input ``(N, C)``, ``(C,)`` or ``(N, C, d1, ..., dk)``; target ``(N,)``, ``()``
        or ``(N, d1, ..., dk)`` (integer class indices); output: the target's shape
        for 'none', ``()`` otherwise.

    Examples:
        >>> import neurarust as nr
        >>> log_probs = nr.tensor([[-0.5, -1.0], [-2.0, -0.1]])
        >>> nr.nn.functional.nll_loss(log_probs, nr.tensor([0, 1]))
        tensor(0.3000)
    """
    reduction = resolve_reduction("nll_loss", reduction, size_average, reduce)
    dim = _check_logits("nll_loss", input)
    class_weight = _class_weight("nll_loss", weight, input, dim)
    targets = _class_targets("nll_loss", input, target, dim, class_weight, ignore_index)
    index = _constant(input, input.backend.xp.expand_dims(targets.index, dim))
    picked = gather(input, dim, index).squeeze(dim)
    # where (not a product with weight 0) so that an ignored sample's gradient is 0
    # even when the 'mean' of an all-ignored batch sends an infinite one.
    loss = where(_constant(input, targets.valid), picked * _constant(input, -targets.weight), 0.0)
    return _reduce_by_weight(loss, reduction, targets)


# -- cross_entropy -------------------------------------------------------------------


def _rows(data: Any, dim: int) -> Any:
    """Scores ``(N, C, d1, ...)`` as rows ``(N * d1 * ..., C)``, one per sample in the
    order of the target's elements (``(C,)`` as ``(1, C)``). A view for ``(N, C)``."""
    order = (*range(dim), *range(dim + 1, data.ndim), dim)
    return data.transpose(order).reshape(-1, data.shape[dim])


def _unrows(rows: Any, shape: tuple[int, ...], dim: int) -> Any:
    """The inverse of :func:`_rows`: rows back into an array of ``shape`` (a view)."""
    order = (*range(dim), *range(dim + 1, len(shape)), dim)
    moved = rows.reshape(tuple(shape[i] for i in order))
    return moved.transpose(tuple(order.index(i) for i in range(len(shape))))


def _smoothed(target: Any, smoothing: float, classes: int, weight: Any) -> Any:
    """The distribution ``q`` that probability targets ask for: ``target`` mixed with the
    uniform distribution by ``smoothing``, times the class weights.

    Written with operators only, so it serves arrays (forward) and Tensors (backward).
    """
    if smoothing:
        target = target * (1 - smoothing) + smoothing / classes
    return target if weight is None else target * weight


def _index_terms(xp: Any, shifted: Any, targets: _Targets, weight: Any, smoothing: float) -> Any:
    """``(sum_c q_c, sum_c q_c * shifted_c)`` per row for class-index targets, without
    building ``q``: it puts ``(1 - smoothing) * weight[t]`` on the target class ``t`` and
    ``smoothing / C * weight[c]`` on every class ``c`` (nothing on ignored samples)."""
    index, sample_weight = targets.index.reshape(-1), targets.weight.reshape(-1)
    picked = shifted[xp.arange(index.shape[0]), index]
    if not smoothing:
        return sample_weight, sample_weight * picked
    classes = shifted.shape[1]
    share = targets.valid.reshape(-1).astype(shifted.dtype) * (smoothing / classes)
    spread_mass = classes if weight is None else weight.sum()
    spread_dot = shifted.sum(axis=1) if weight is None else shifted @ weight
    mass = (1 - smoothing) * sample_weight + share * spread_mass
    return mass, (1 - smoothing) * sample_weight * picked + share * spread_dot


def _index_distribution(
    xp: Any, targets: _Targets, weight: Any, smoothing: float, mass: Any, classes: int
) -> Any:
    """Rows ``q / sum(q)`` of the class-index target distribution (see
    :func:`_index_terms`); a row whose ``q`` is all zeros stays finite."""
    index = targets.index.reshape(-1)
    inverse = 1 / xp.where(mass == 0, 1, mass)
    q = xp.zeros((index.shape[0], classes), dtype=mass.dtype)
    if smoothing:
        spread = targets.valid.reshape(-1).astype(q.dtype) * (smoothing / classes) * inverse
        q += spread[:, None] if weight is None else spread[:, None] * weight
    q[xp.arange(index.shape[0]), index] += (1 - smoothing) * targets.weight.reshape(-1) * inverse
    return q


class _Precomputed(Function):
    """``op``'s output on ``input``, already computed (``value``) by a fused loss's forward,
    put in the graph as ``op`` would put it: its gradient is ``op``'s own backward
    (Softmax's needs its ``dim``)."""

    saves_result = True

    @staticmethod
    def forward(ctx: Any, input: Tensor, value: Any, op: Any, dim: int | None) -> Any:
        ctx.op, ctx.dim = op, dim
        return value

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple[Any, ...]:
        grads = ctx.op.backward(ctx, grad)
        return (grads[0] if isinstance(grads, tuple) else grads), None, None, None


class CrossEntropy(Function):
    """Each sample's cross-entropy ``-sum_c q_c log_softmax(input)_c`` between the
    softmax of ``input`` along ``dim`` and a target distribution ``q``: class indices
    (``targets``) or the probabilities ``target``, smoothed and weighted.

    With ``z = input - max(input)`` (so ``exp`` never overflows), that is
    ``log(sum(exp(z))) * sum(q) - sum_c q_c z_c``, and its gradient is
    ``softmax(input) * sum(q) - q``: the forward keeps the softmax for it.
    """

    @staticmethod
    def forward(
        ctx: Any,
        input: Tensor,
        target: Tensor,
        dim: int,
        targets: _Targets | None,
        weight: Any,
        smoothing: float,
    ) -> Any:
        xp = input.backend.xp
        scores = _rows(input._data, dim)
        shifted = scores - scores.max(axis=1, keepdims=True)
        if targets is None:
            q = _smoothed(_rows(target._data, dim), smoothing, scores.shape[1], weight)
            mass, dot = q.sum(axis=1), (q * shifted).sum(axis=1)
        else:
            mass, dot = _index_terms(xp, shifted, targets, weight, smoothing)
        probs = xp.exp(shifted, out=shifted)  # in place: no second array of scores' size
        sums = probs.sum(axis=1)
        loss = xp.log(sums) * mass - dot
        if targets is not None:  # 0 for an ignored sample, even if its scores are inf or nan
            loss = xp.where(targets.valid.reshape(-1), loss, 0)
        if True in ctx.needs_input_grad:
            probs /= sums[:, None]
            ctx.save_for_backward(input, target, _constant(input, _unrows(probs, input.shape, dim)))
            ctx.dim, ctx.targets, ctx.weight = dim, targets, weight
            ctx.smoothing, ctx.mass = smoothing, mass
        return loss.reshape(input.shape[:dim] + input.shape[dim + 1 :])

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple[Any, ...]:
        input, target, probs = ctx.saved_tensors
        softmax = _Precomputed.apply(input, probs._data, Softmax, ctx.dim)
        if ctx.targets is None:
            grads = _probability_gradients(ctx, input, target, softmax, grad)
        else:
            grads = _index_gradient(ctx, input, softmax, grad), None
        return (*grads, None, None, None, None)


def _index_gradient(ctx: Any, input: Tensor, softmax: Tensor, grad: Tensor) -> Tensor:
    """``(softmax - q / sum(q)) * sum(q) * grad``: CrossEntropy's input gradient for
    class-index targets."""
    dim, targets, mass = ctx.dim, ctx.targets, ctx.mass
    xp, classes = input.backend.xp, input.shape[dim]
    q = _index_distribution(xp, targets, ctx.weight, ctx.smoothing, mass, classes)
    scale = grad * _constant(input, mass.reshape(grad.shape))
    # An ignored sample gets 0 even when the mean of an all-ignored batch sends inf.
    scale = where(_constant(input, targets.valid), scale, 0.0)
    return (softmax - _constant(input, _unrows(q, input.shape, dim))) * scale.unsqueeze(dim)


def _probability_gradients(
    ctx: Any, input: Tensor, target: Tensor, softmax: Tensor, grad: Tensor
) -> tuple[Any, Any]:
    """CrossEntropy's gradients for probability targets: ``(softmax * sum(q) - q) * grad``
    for ``input``, ``-(1 - smoothing) * weight * log_softmax(input) * grad`` for ``target``."""
    dim, smoothing, weight = ctx.dim, ctx.smoothing, ctx.weight
    classes = input.shape[dim]
    if weight is not None:  # (C,) -> (C, 1, ..., 1), to broadcast along dim
        weight = _constant(input, weight.reshape((classes,) + (1,) * (input.ndim - dim - 1)))
    upstream = grad.unsqueeze(dim)
    grad_input = grad_target = None
    if ctx.needs_input_grad[0]:
        q = _smoothed(target, smoothing, classes, weight)
        grad_input = (softmax * q.sum(dim, keepdim=True) - q) * upstream
    if ctx.needs_input_grad[1]:
        scale = upstream * -(1 - smoothing)
        grad_target = input.log_softmax(dim) * (scale if weight is None else scale * weight)
    return grad_input, grad_target


def _check_probabilities(op: str, input: Tensor, target: Tensor, ignore_index: int) -> None:
    """RuntimeError, as in PyTorch, unless ``target`` (of ``input``'s shape) can hold class
    probabilities: floating point, and no ``ignore_index`` asked for."""
    check_same_device(op, input, target)
    if not target.dtype.is_floating_point:
        raise RuntimeError(
            f"{op}: a target of the input's shape {_shape(input)} holds class probabilities "
            f"and must be floating point, got {target.dtype.name}"
        )
    if ignore_index >= 0:
        raise RuntimeError(
            f"{op}: ignore_index is not supported for class-probability targets "
            f"(got ignore_index={ignore_index})"
        )


def cross_entropy(
    input: Tensor,
    target: Tensor,
    weight: Tensor | None = None,
    size_average: bool | None = None,
    ignore_index: int = -100,
    reduce: bool | None = None,
    reduction: str = "mean",
    label_smoothing: float = 0.0,
) -> Tensor:
    """Cross-entropy of logits: ``-sum_c q_c * log_softmax(input)_c`` per sample, for the
    target distribution ``q``.

    ``target`` holds class indices (``q`` is 1 on the target class) or, when it has
    ``input``'s shape, class probabilities (``q`` is the target itself).
    ``label_smoothing`` mixes ``q`` with the uniform distribution:
    ``(1 - label_smoothing) * q + label_smoothing / C``. ``weight`` (one value per
    class) scales ``q`` class by class. For class indices, samples whose target is
    ``ignore_index`` count for nothing and 'mean' divides by the summed weights of the
    counted samples' classes; for probabilities, 'mean' divides by the number of samples.

    Computed as one node (log-softmax and loss fused), without overflow for large
    logits; ``cross_entropy(x, t)`` equals ``nll_loss(log_softmax(x, 1), t)``.

    Shapes:
        input ``(N, C)``, ``(C,)`` or ``(N, C, d1, ..., dk)``; target: class indices
        ``(N,)``, ``()`` or ``(N, d1, ..., dk)``, or probabilities of ``input``'s shape;
        output: ``(N,)``, ``()`` or ``(N, d1, ..., dk)`` for 'none', ``()`` otherwise.

    Examples:
        >>> import neurarust as nr
        >>> logits = nr.tensor([[2.0, 0.0, 0.0], [0.0, 0.0, 0.0]])
        >>> nr.nn.functional.cross_entropy(logits, nr.tensor([0, 2]), reduction="none")
        tensor([0.2395, 1.0986])
    """
    op = "cross_entropy"
    reduction = resolve_reduction(op, reduction, size_average, reduce)
    dim = _check_logits(op, input)
    require_tensor(op, "target", target)
    if label_smoothing > 1.0:
        raise RuntimeError(
            f"{op}: label_smoothing must be between 0.0 and 1.0, got {label_smoothing}"
        )
    smoothing = max(float(label_smoothing), 0.0)  # PyTorch ignores a negative one
    class_weight = _class_weight(op, weight, input, dim)
    if target.shape == input.shape:
        _check_probabilities(op, input, target, ignore_index)
        loss = CrossEntropy.apply(input, target, dim, None, class_weight, smoothing)
        return reduce_loss(loss, reduction)
    targets = _class_targets(op, input, target, dim, class_weight, ignore_index)
    loss = CrossEntropy.apply(input, target, dim, targets, class_weight, smoothing)
    return _reduce_by_weight(loss, reduction, targets)


# -- binary cross-entropy ------------------------------------------------------------


def _check_binary_pair(op: str, input: Any, target: Any, same_dtype: bool) -> None:
    """The checks PyTorch makes on a binary loss's operands: a float ``input``
    (NotImplementedError), a float ``target`` of ``input``'s dtype if ``same_dtype``
    (RuntimeError), on one device, of one shape (ValueError)."""
    require_tensor(op, "input", input)
    require_tensor(op, "target", target)
    check_same_device(op, input, target)
    if not input.dtype.is_floating_point:
        raise NotImplementedError(
            f"{op}: expected a floating point input, got dtype {input.dtype.name}"
        )
    if same_dtype and target.dtype is not input.dtype:
        raise RuntimeError(
            f"{op}: expected target of the input's dtype {input.dtype.name}, "
            f"got {target.dtype.name}"
        )
    if not target.dtype.is_floating_point:
        raise RuntimeError(f"{op}: expected a floating point target, got {target.dtype.name}")
    if target.shape != input.shape:
        raise ValueError(
            f"{op}: expected target of the input's size {_shape(input)}, got {_shape(target)}"
        )


def _weight_for(op: str, name: str, weight: Any, input: Tensor, dtype: Any) -> Tensor:
    """``weight`` in ``dtype``, checked to broadcast to ``input``'s shape (RuntimeError
    otherwise, as in PyTorch: a weight never enlarges the loss)."""
    require_tensor(op, name, weight)
    check_same_device(op, input, weight)
    shape, full = _shape(weight), _shape(input)
    fits = len(shape) <= len(full) and all(
        size in (1, target) for size, target in zip(reversed(shape), reversed(full))
    )
    if not fits:
        raise RuntimeError(
            f"{op}: {name} of shape {shape} does not broadcast to the input's shape {full}"
        )
    return weight.to(dtype)


def _check_unit_interval(op: str, name: str, t: Tensor) -> None:
    """RuntimeError, as in PyTorch, unless every element of ``t`` lies in [0, 1] (nan does not)."""
    data = t._data
    if not bool(((data >= 0) & (data <= 1)).all()):
        raise RuntimeError(f"{op}: all elements of {name} should be between 0 and 1")


class BinaryCrossEntropy(Function):
    """``-(y * log(x) + (1 - y) * log(1 - x))`` per element, each log clamped at -100."""

    @staticmethod
    def forward(ctx: Any, input: Tensor, target: Tensor) -> Any:
        xp, x, y = input.backend.xp, input._data, target._data
        log_x = xp.maximum(xp.log(x), _LOG_FLOOR)
        log_rest = xp.maximum(xp.log1p(-x), _LOG_FLOOR)
        ctx.save_for_backward(input, target)
        return (y - 1) * log_rest - y * log_x

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple[Any, ...]:
        x, y = ctx.saved_tensors
        grad_input = grad_target = None
        if ctx.needs_input_grad[0]:
            # PyTorch's gradient, finite at x = 0 and 1 (where the clamped logs are flat).
            grad_input = grad * (x - y) / (x * (1 - x)).clamp_min(_GRAD_EPSILON)
        if ctx.needs_input_grad[1]:
            grad_target = grad * ((1 - x) / x).log()  # -logit(x), unclamped as in PyTorch
        return grad_input, grad_target


def binary_cross_entropy(
    input: Tensor,
    target: Tensor,
    weight: Tensor | None = None,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
) -> Tensor:
    """Binary cross-entropy of probabilities:
    ``-weight * (target * log(input) + (1 - target) * log(1 - input))`` per element.

    ``input`` holds probabilities (RuntimeError outside [0, 1]); each log is clamped at
    -100, so probabilities of exactly 0 and 1 give a finite loss and gradient, as in
    PyTorch. ``weight`` broadcasts to ``input``'s shape. For logits, prefer
    :func:`binary_cross_entropy_with_logits`: it is exact where ``sigmoid`` rounds to 0 or 1.

    Shapes:
        input ``(*)``; target and output for 'none': ``input``'s shape; ``()`` otherwise.

    Examples:
        >>> import neurarust as nr
        >>> probs, target = nr.tensor([0.9, 0.2, 0.0]), nr.tensor([1.0, 0.0, 1.0])
        >>> nr.nn.functional.binary_cross_entropy(probs, target, reduction="none")
        tensor([  0.1054,   0.2231, 100.0000])
    """
    op = "binary_cross_entropy"
    reduction = resolve_reduction(op, reduction, size_average, reduce)
    _check_binary_pair(op, input, target, same_dtype=True)
    _check_unit_interval(op, "input", input)
    _check_unit_interval(op, "target", target)
    loss = BinaryCrossEntropy.apply(input, target)
    if weight is not None:
        loss = loss * _weight_for(op, "weight", weight, input, input.dtype)
    return reduce_loss(loss, reduction)


def _log_weight(target: Any, pos_weight: Any) -> Any:
    """``1 + (pos_weight - 1) * target``, the weight of ``-logsigmoid(x)`` in the loss
    with logits. Operators only: it serves arrays (forward) and Tensors (backward)."""
    return (pos_weight - 1) * target + 1


class BinaryCrossEntropyWithLogits(Function):
    """``(1 - y) * x + l * softplus(-x)`` per element, with ``l = 1 + (pos_weight - 1) * y``:
    the binary cross-entropy of ``sigmoid(x)`` against ``y``.

    ``softplus(-x) = -logsigmoid(x)`` is computed as ``max(-x, 0) + log1p(exp(-|x|))``,
    exact for logits of any size. The input gradient is ``l * sigmoid(x) - pos_weight * y``;
    the forward keeps ``exp(-|x|)``, from which the sigmoid follows without another exp.
    """

    @staticmethod
    def forward(ctx: Any, input: Tensor, target: Tensor, pos_weight: Any) -> Any:
        xp, dtype = input.backend.xp, result_type(input, target).numpy
        x, y = input._data.astype(dtype, copy=False), target._data.astype(dtype, copy=False)
        decay = xp.exp(-xp.abs(x))
        softplus = xp.maximum(-x, 0) + xp.log1p(decay)
        if pos_weight is not None:
            softplus *= _log_weight(y, pos_weight)
        if True in ctx.needs_input_grad:
            ctx.save_for_backward(input, target, _constant(input, decay))
            ctx.pos_weight = pos_weight
        return (1 - y) * x + softplus

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple[Any, ...]:
        x, y, decay = ctx.saved_tensors
        pos_weight = None if ctx.pos_weight is None else _constant(x, ctx.pos_weight)
        grad_input = grad_target = None
        if ctx.needs_input_grad[0]:
            # sigmoid(x) is 1 / (1 + e^-x) for x >= 0 and e^x / (1 + e^x) below, so its
            # numerator is max(exp(-|x|), x >= 0): a branchless where (exp(-|x|) <= 1).
            e = decay._data
            value = x.backend.xp.maximum(e, x._data >= 0) / (1 + e)
            sigmoid = _Precomputed.apply(x, value, Sigmoid, None)
            if pos_weight is None:
                grad_input = (sigmoid - y) * grad
            else:
                grad_input = (sigmoid * _log_weight(y, pos_weight) - y * pos_weight) * grad
        if ctx.needs_input_grad[1]:
            if pos_weight is None:
                grad_target = -x * grad
            else:
                grad_target = ((1 - pos_weight) * logsigmoid(x) - x) * grad
        return grad_input, grad_target, None


def binary_cross_entropy_with_logits(
    input: Tensor,
    target: Tensor,
    weight: Tensor | None = None,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
    pos_weight: Tensor | None = None,
) -> Tensor:
    """Binary cross-entropy of logits: ``-weight * (pos_weight * y * log(sigmoid(x))
    + (1 - y) * log(1 - sigmoid(x)))`` for ``x = input``, ``y = target``.

    Computed in the stable form ``(1 - target) * input - l * logsigmoid(input)`` with
    ``l = 1 + (pos_weight - 1) * target``, exact for logits of any size.
    ``pos_weight`` (for example one value per class, broadcast along the last
    dimension) weighs the positive targets, trading recall against precision;
    ``weight`` scales each element's loss. Both broadcast to ``input``'s shape.

    Shapes:
        input ``(*)``; target and output for 'none': ``input``'s shape; ``()`` otherwise.

    Examples:
        >>> import neurarust as nr
        >>> logits, target = nr.tensor([2.0, -100.0, 0.0]), nr.tensor([1.0, 1.0, 0.0])
        >>> nr.nn.functional.binary_cross_entropy_with_logits(logits, target, reduction="none")
        tensor([  0.1269, 100.0000,   0.6931])
    """
    op = "binary_cross_entropy_with_logits"
    reduction = resolve_reduction(op, reduction, size_average, reduce)
    _check_binary_pair(op, input, target, same_dtype=False)
    dtype = result_type(input, target)
    if pos_weight is not None:
        pos_weight = _weight_for(op, "pos_weight", pos_weight, input, dtype)
        _check_no_grad(op, "pos_weight", pos_weight)
        pos_weight = pos_weight._data
    loss = BinaryCrossEntropyWithLogits.apply(input, target, pos_weight)
    if weight is not None:
        loss = loss * _weight_for(op, "weight", weight, input, dtype)
    return reduce_loss(loss, reduction)
