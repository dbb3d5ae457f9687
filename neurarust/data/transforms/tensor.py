"""Conversions to tensors and value normalization.

``ToTensor`` turns a PIL image or an ``(H, W, C)`` / ``(H, W)`` NumPy array into
a ``(C, H, W)`` tensor (uint8 scaled to ``[0, 1]``), ``Normalize`` subtracts a
per-channel mean and divides by a per-channel std, ``Standardize`` is a
``Normalize`` whose statistics are measured on a dataset, ``ConvertImageDtype``
converts between integer and floating images with torchvision's scaling and
``Reshape`` changes a sample's shape.

Tensor inputs are computed on their raw array (NumPy or CuPy) without autograd:
data transforms run before the model and are not differentiable.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

import numpy as np

from ... import dtypes
from ..._optional import import_optional
from ...device import device
from ...ops.creation import from_numpy
from ...tensor import Tensor
from .functional import _is_pil_image, _max_value

__all__ = [
    "ToTensor",
    "PILToTensor",
    "Normalize",
    "Standardize",
    "ConvertImageDtype",
    "ConvertDtype",
    "Reshape",
    "ToPILImage",
    "to_pil_image",
    "to_tensor",
    "pil_to_tensor",
    "normalize",
    "convert_image_dtype",
]

_CPU = device("cpu")

# PIL modes whose pixels are not uint8, and the NumPy dtype torchvision reads them as.
_PIL_MODE_DTYPES = {
    "I": np.int32,
    "I;16" if sys.byteorder == "little" else "I;16B": np.int16,
    "F": np.float32,
}


def _apply_to_array(x: Any, fn: Callable[[Any, Any], Any]) -> Any:
    """``fn(array, xp)`` on a Tensor's raw array (giving a Tensor) or on a NumPy array.

    Lists and other array-likes are read as NumPy arrays, so they come back as arrays.
    """
    if isinstance(x, Tensor):
        return Tensor._make(fn(x._data, x.backend.xp), x.device)
    return fn(np.asarray(x), np)


def _sample_axis(dim: int, ndim: int, owner: str) -> int:
    """``dim`` as a non-negative axis of an ``ndim``-dimensional input (IndexError if out)."""
    if not -ndim <= dim < ndim:
        raise IndexError(
            f"{owner}: Dimension out of range (expected to be in range of "
            f"[{-ndim}, {ndim - 1}], but got {dim})"
        )
    return dim % ndim


def _pil_to_hwc(pic: Any, dtype: Any = None) -> np.ndarray:
    """The pixels of a PIL image as an ``(H, W, bands)`` array (a copy)."""
    array = np.array(pic, dtype, copy=True)
    return array.reshape(pic.size[1], pic.size[0], len(pic.getbands()))


def to_tensor(pic: Any) -> Tensor:
    """Convert a PIL image or NumPy array ``(H, W, C)`` / ``(H, W)`` to a ``(C, H, W)`` tensor.

    uint8 data (PIL modes ``L``, ``RGB``, ``RGBA``, ``P``, ... and uint8 arrays) is
    divided by 255 into the default float dtype (float32); mode ``1`` gives 0.0/1.0.
    Other data keeps its type, as in torchvision: mode ``I`` gives int32, ``I;16``
    int16, ``F`` float32, and a float64 array a float64 tensor.

    Args:
        pic: a ``PIL.Image.Image`` or an ``np.ndarray`` with 2 or 3 dimensions.

    Returns:
        A contiguous CPU tensor of shape ``(C, H, W)``.

    Examples:
        >>> import numpy as np
        >>> from neurarust.data.transforms import to_tensor
        >>> to_tensor(np.array([[0, 51], [255, 102]], dtype=np.uint8))
        tensor([[[0.0000, 0.2000],
                 [1.0000, 0.4000]]])
    """
    if isinstance(pic, np.ndarray):
        if pic.ndim not in (2, 3):
            raise ValueError(
                f"to_tensor: pic should be 2/3 dimensional. Got {pic.ndim} dimensions."
            )
        chw = pic[None] if pic.ndim == 2 else pic.transpose(2, 0, 1)
    elif _is_pil_image(pic):
        hwc = _pil_to_hwc(pic, _PIL_MODE_DTYPES.get(pic.mode, np.uint8))
        if pic.mode == "1":
            hwc *= 255  # 0/1 pixels; scaled like uint8 below, they end as 0.0/1.0
        chw = hwc.transpose(2, 0, 1)
    else:
        raise TypeError(f"to_tensor: pic should be PIL Image or ndarray. Got {type(pic)}")
    if chw.dtype == np.uint8:
        # One pass: convert, divide (exactly as float(x) / 255) and lay out as C, H, W.
        scaled = np.divide(chw, 255, dtype=dtypes.get_default_dtype().numpy, order="C")
        return Tensor._make(scaled, _CPU)  # from_numpy without its dtype check (hot path)
    return from_numpy(np.ascontiguousarray(chw))


def pil_to_tensor(pic: Any) -> Tensor:
    """Convert a PIL image to a ``(C, H, W)`` tensor of the same values, without scaling.

    Mode ``1`` gives a bool tensor, 8-bit modes uint8, ``I`` int32, ``F`` float32 and
    ``I;16`` int32 (torchvision gives uint16, a dtype neurarust lacks). Like
    torchvision's, the result is a channels-last view (not contiguous).

    Args:
        pic: a ``PIL.Image.Image``.

    Returns:
        A CPU tensor of shape ``(C, H, W)``.

    Examples:
        >>> from PIL import Image
        >>> from neurarust.data.transforms import pil_to_tensor
        >>> pil_to_tensor(Image.new("RGB", (2, 1), (10, 20, 30)))
        tensor([[[10, 10]],
        <BLANKLINE>
                [[20, 20]],
        <BLANKLINE>
                [[30, 30]]], dtype=neurarust.uint8)
    """
    if not _is_pil_image(pic):
        raise TypeError(f"pil_to_tensor: pic should be PIL Image. Got {type(pic)}")
    hwc = _pil_to_hwc(pic)
    if hwc.dtype == np.uint16:
        hwc = hwc.astype(np.int32)
    return from_numpy(hwc.transpose(2, 0, 1))


class ToTensor:
    """Convert a PIL image or ``(H, W, C)`` NumPy array to a ``(C, H, W)`` tensor in [0, 1].

    See :func:`to_tensor` for the rules per input type.

    Examples:
        >>> import numpy as np
        >>> from neurarust.data.transforms import ToTensor
        >>> ToTensor()(np.zeros((28, 28, 3), dtype=np.uint8)).shape
        neurarust.Size([3, 28, 28])
    """

    def __call__(self, pic: Any) -> Tensor:
        """Args: pic: PIL image or NumPy array. Returns: a ``(C, H, W)`` tensor."""
        return to_tensor(pic)

    def __repr__(self) -> str:
        return "ToTensor()"


class PILToTensor:
    """Convert a PIL image to a ``(C, H, W)`` tensor without scaling (see :func:`pil_to_tensor`).

    Examples:
        >>> from PIL import Image
        >>> from neurarust.data.transforms import PILToTensor
        >>> PILToTensor()(Image.new("L", (4, 3))).dtype
        neurarust.uint8
    """

    def __call__(self, pic: Any) -> Tensor:
        """Args: pic: a PIL image. Returns: a ``(C, H, W)`` tensor."""
        return pil_to_tensor(pic)

    def __repr__(self) -> str:
        return "PILToTensor()"


# The mode of a uint8 image by its number of channels.
_UINT8_MODES = {1: "L", 2: "LA", 3: "RGB", 4: "RGBA"}


def to_pil_image(pic: Any, mode: str | None = None) -> Any:
    """Convert a ``(C, H, W)`` tensor or an ``(H, W, C)`` NumPy array to a PIL image.

    Floating values are read as intensities in [0, 1] and become uint8 as
    torchvision does (``x * 255``, truncated). A uint8 image of 1, 2, 3 or 4
    channels becomes mode ``L``, ``LA``, ``RGB`` or ``RGBA``; one channel of
    int32 becomes ``I``. ``mode="F"`` keeps one floating channel as it is;
    any other ``mode`` converts the image with PIL's ``convert``.

    Args:
        pic: a tensor ``(C, H, W)`` or ``(H, W)`` (any device), or a NumPy
            array ``(H, W, C)`` or ``(H, W)``.
        mode: the PIL mode wanted (default: chosen as above).

    Returns:
        A PIL image of size ``(W, H)``.

    Examples:
        >>> import neurarust as nr
        >>> from neurarust.data.transforms import to_pil_image
        >>> image = to_pil_image(nr.full((3, 2, 4), 0.5))
        >>> image.mode, image.size, image.getpixel((0, 0))
        ('RGB', (4, 2), (127, 127, 127))
    """
    image_module = import_optional("PIL.Image", "to_pil_image", "pillow")
    if not isinstance(pic, (Tensor, np.ndarray)):
        raise TypeError(f"to_pil_image: pic should be Tensor or ndarray. Got {type(pic)}.")
    if pic.ndim not in (2, 3):
        raise ValueError(f"to_pil_image: pic should be 2/3 dimensional. Got {pic.ndim} dimensions.")
    if isinstance(pic, Tensor):
        chw = pic.detach().cpu().numpy()
        hwc = chw[:, :, None] if chw.ndim == 2 else chw.transpose(1, 2, 0)
    else:
        hwc = pic[:, :, None] if pic.ndim == 2 else pic
    channels = hwc.shape[2]
    if mode == "F":
        if channels != 1 or hwc.dtype.kind != "f":
            raise ValueError("to_pil_image: mode 'F' needs one floating channel")
        return image_module.fromarray(np.ascontiguousarray(hwc[:, :, 0], dtype=np.float32))
    if hwc.dtype.kind == "f":
        hwc = (hwc * 255).astype(np.uint8)
    if hwc.dtype == np.int32 and channels == 1:
        image = image_module.fromarray(np.ascontiguousarray(hwc[:, :, 0]))
    elif hwc.dtype == np.uint8 and channels in _UINT8_MODES:
        pixels = hwc[:, :, 0] if channels == 1 else hwc
        image = image_module.fromarray(np.ascontiguousarray(pixels))
    else:
        raise TypeError(
            f"to_pil_image: expected 1-4 channels of uint8 (or floats in [0, 1]), or one "
            f"int32 channel; got {channels} channel(s) of {hwc.dtype}"
        )
    return image if mode is None or mode == image.mode else image.convert(mode)


class ToPILImage:
    """Convert a tensor or NumPy array to a PIL image (see :func:`to_pil_image`).

    Args:
        mode: the PIL mode wanted (default: chosen from the channels and dtype).

    Examples:
        >>> import numpy as np
        >>> from neurarust.data.transforms import ToPILImage
        >>> ToPILImage()(np.zeros((2, 3), dtype=np.uint8)).mode
        'L'
    """

    def __init__(self, mode: str | None = None) -> None:
        self.mode = mode

    def __call__(self, pic: Any) -> Any:
        """Args: pic: tensor ``(C, H, W)`` or array ``(H, W, C)``. Returns: a PIL image."""
        return to_pil_image(pic, self.mode)

    def __repr__(self) -> str:
        return "ToPILImage()" if self.mode is None else f"ToPILImage(mode={self.mode})"


class _Statistics:
    """A mean and a std, converted once per (array module, dtype, layout) and then reused.

    The base arrays are float64 NumPy arrays; ``trailing`` appends that many size-1 axes
    so that a per-channel vector broadcasts against the ``(H, W)`` (or other) axes after it.
    """

    def __init__(self, owner: str, mean: Any, std: Any) -> None:
        self.owner = owner
        self.mean = np.asarray(mean, dtype=np.float64)
        self.std = np.asarray(std, dtype=np.float64)
        self._converted: dict[tuple[Any, Any, int], tuple[Any, Any]] = {}

    def __getstate__(self) -> dict[str, Any]:
        # Process workers pickle their transforms: send the statistics, not the cache
        # (its keys are modules, which do not pickle).
        return {**self.__dict__, "_converted": {}}

    def arrays(self, xp: Any, dtype: Any, trailing: int) -> tuple[Any, Any]:
        key = (xp, dtype, trailing)
        pair = self._converted.get(key)
        if pair is None:
            pair = self._converted[key] = self._convert(xp, dtype, trailing)
        return pair

    def _convert(self, xp: Any, dtype: Any, trailing: int) -> tuple[Any, Any]:
        mean, std = (xp.asarray(a.astype(dtype)) for a in (self.mean, self.std))
        if bool((std == 0).any()):
            raise ValueError(
                f"{self.owner}: std evaluated to zero after conversion to {dtype}, "
                "leading to division by zero."
            )
        layout = (1,) * trailing
        return mean.reshape(mean.shape + layout), std.reshape(std.shape + layout)

    def apply(self, data: Any, xp: Any, trailing: int, inplace: bool) -> Any:
        """``(data - mean) / std`` in ``data``'s dtype, written into ``data`` if ``inplace``."""
        mean, std = self.arrays(xp, data.dtype, trailing)
        out = data if inplace else xp.empty_like(data)
        try:
            xp.subtract(data, mean, out=out)
        except ValueError as error:  # e.g. NumPy refuses to broadcast into a smaller output
            raise RuntimeError(
                f"{self.owner}: cannot apply mean of shape {tuple(mean.shape)} and std of "
                f"shape {tuple(std.shape)} to an input of shape {tuple(data.shape)}: {error}"
            ) from None
        return xp.divide(out, std, out=out)


def _normalize(tensor: Any, statistics: _Statistics, inplace: bool) -> Tensor:
    """torchvision's checks and formula for a float image tensor ``(..., C, H, W)``."""
    name = statistics.owner
    if not isinstance(tensor, Tensor):
        raise TypeError(f"{name}: img should be Tensor Image. Got {type(tensor)}")
    data = tensor._data
    if data.ndim < 2:
        raise TypeError(f"{name}: Tensor is not a torch image.")
    if data.dtype.kind != "f":
        raise TypeError(f"{name}: Input tensor should be a float tensor. Got {tensor.dtype}.")
    if data.ndim < 3:
        raise ValueError(
            f"{name}: Expected tensor to be a tensor image of size (..., C, H, W). Got "
            f"tensor.size() = {tensor.shape}"
        )
    # A 1-d mean/std is per channel and broadcasts over (H, W); others are used as given.
    trailing = 2 if statistics.mean.ndim == 1 else 0
    result = statistics.apply(data, tensor.backend.xp, trailing, inplace)
    if inplace:
        tensor._version[0] += 1
        return tensor
    return Tensor._make(result, tensor.device)


def normalize(
    tensor: Tensor, mean: Sequence[float], std: Sequence[float], inplace: bool = False
) -> Tensor:
    """Normalize a float image tensor per channel: ``(tensor - mean) / std``.

    Args:
        tensor: a floating tensor of shape ``(..., C, H, W)``.
        mean: the ``C`` channel means (or one value for all channels).
        std: the ``C`` channel standard deviations; none may be zero.
        inplace: write the result into ``tensor`` instead of a new tensor.

    Returns:
        A tensor of the input's shape and dtype.

    Examples:
        >>> import neurarust as nr
        >>> from neurarust.data.transforms import normalize
        >>> normalize(nr.ones(2, 1, 1), mean=[0.5, 0.0], std=[0.5, 2.0]).flatten()
        tensor([1.0000, 0.5000])
    """
    return _normalize(tensor, _Statistics("normalize", mean, std), inplace)


class Normalize:
    """Normalize a float image tensor per channel: ``output[c] = (input[c] - mean[c]) / std[c]``.

    Args:
        mean: the ``C`` channel means (or one value for all channels).
        std: the ``C`` channel standard deviations; none may be zero.
        inplace: write the result into the input tensor.

    Input: a floating tensor ``(..., C, H, W)``; output: the same shape and dtype.

    Examples:
        >>> import neurarust as nr
        >>> from neurarust.data.transforms import Normalize
        >>> norm = Normalize(mean=(0.5,), std=(0.25,))
        >>> norm
        Normalize(mean=(0.5,), std=(0.25,))
        >>> norm(nr.ones(1, 2, 2))
        tensor([[[2., 2.],
                 [2., 2.]]])
    """

    def __init__(self, mean: Sequence[float], std: Sequence[float], inplace: bool = False) -> None:
        self.mean = mean
        self.std = std
        self.inplace = inplace
        self._statistics = _Statistics("Normalize", mean, std)

    def __call__(self, tensor: Tensor) -> Tensor:
        """Args: tensor: float ``(..., C, H, W)``. Returns: the normalized tensor."""
        return _normalize(tensor, self._statistics, self.inplace)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(mean={self.mean}, std={self.std})"


def _host_array(x: Any) -> np.ndarray:
    """A sample (Tensor on any device, NumPy array, PIL image, list) as float64 NumPy."""
    return np.asarray(x, dtype=np.float64)


def _sample_chunks(data: Any, chunk_size: int = 1024) -> Iterator[np.ndarray]:
    """Stacked float64 chunks ``(n, *sample_shape)`` of ``data``'s samples.

    An array or Tensor is one chunk of its rows; any other ``data`` is a dataset
    (``len`` + indexing) or an iterable of samples or of ``(sample, target, ...)`` tuples.
    """
    if isinstance(data, (np.ndarray, Tensor)):
        yield _host_array(data)
        return
    if hasattr(data, "__len__") and hasattr(data, "__getitem__"):
        items: Iterable[Any] = (data[i] for i in range(len(data)))
    else:
        items = data
    chunk: list[np.ndarray] = []
    for item in items:
        chunk.append(_host_array(item[0] if isinstance(item, tuple) else item))
        if len(chunk) == chunk_size:
            yield np.stack(chunk)
            chunk = []
    if chunk:
        yield np.stack(chunk)


class _RunningMoments:
    """Mean and sum of squared deviations merged chunk by chunk (Chan et al.'s formula)."""

    def __init__(self) -> None:
        self.count = 0
        self.mean: Any = 0.0
        self.m2: Any = 0.0

    def update(self, chunk: np.ndarray, axes: tuple[int, ...]) -> None:
        count = int(np.prod([chunk.shape[a] for a in axes]))
        mean = chunk.mean(axis=axes)
        m2 = ((chunk - chunk.mean(axis=axes, keepdims=True)) ** 2).sum(axis=axes)
        total = self.count + count
        delta = mean - self.mean
        self.mean = self.mean + delta * (count / total)
        self.m2 = self.m2 + m2 + delta**2 * (self.count * count / total)
        self.count = total


class Standardize:
    """Standardize values with a mean and std measured on data: ``(x - mean) / std``.

    ``Standardize(dim=...).fit(data)`` measures the statistics; applying the fitted
    transform to a sample is then a :class:`Normalize` with them. ``dim`` chooses what
    gets its own statistics:

    * ``dim=None``: every element of a sample (per feature for tabular rows
      ``(F,)``, per pixel for images); ``mean`` has the sample's shape.
    * ``dim=d``: every index along axis ``d`` of a sample, pooling the other axes
      (``dim=0`` or ``-3`` is per channel for ``(C, H, W)`` images); ``mean`` has
      shape ``(size of axis d,)``. A negative ``d`` also works on batches.

    The std is the population std (``ddof=0``, as scikit-learn's StandardScaler); a
    constant feature has std 0 and gets 1 instead, so it is only centered.

    Args:
        mean: known means, instead of calling :meth:`fit`.
        std: known standard deviations (none zero), given with ``mean``.
        dim: the sample axis that indexes the statistics, or None for per element.

    Input: a Tensor (floating or integer; the result has the default float dtype
    when integer) or a NumPy array / list (the result is a NumPy array).

    Examples:
        >>> import numpy as np
        >>> from neurarust.data.transforms import Standardize
        >>> rows = np.array([[1.0, 10.0], [3.0, 30.0]])
        >>> scaler = Standardize().fit(rows)
        >>> scaler.mean, scaler.std
        (tensor([ 2., 20.], dtype=neurarust.float64), tensor([ 1., 10.], dtype=neurarust.float64))
        >>> scaler(np.array([3.0, 0.0]))
        array([ 1., -2.])
    """

    def __init__(self, mean: Any = None, std: Any = None, dim: int | None = None) -> None:
        if (mean is None) != (std is None):
            raise ValueError("Standardize: give both mean and std, or neither (then call fit)")
        self.dim = dim
        self._statistics: _Statistics | None = None
        if mean is not None:
            self._statistics = _Statistics("Standardize", mean, std)

    @property
    def mean(self) -> Tensor | None:
        """The fitted (or given) means, a float64 tensor; None before :meth:`fit`."""
        return None if self._statistics is None else from_numpy(self._statistics.mean.copy())

    @property
    def std(self) -> Tensor | None:
        """The fitted (or given) standard deviations, a float64 tensor; None before fit."""
        return None if self._statistics is None else from_numpy(self._statistics.std.copy())

    def fit(self, data: Any) -> Standardize:
        """Measure mean and std on ``data`` and keep them; returns ``self``.

        Args:
            data: an array or Tensor ``(N, *sample_shape)``, or a dataset / iterable of
                samples or of ``(sample, target, ...)`` tuples (the first item is used).
                Samples are read in chunks, so a dataset need not fit in memory at once.
        """
        moments = _RunningMoments()
        for chunk in _sample_chunks(data):
            moments.update(chunk, self._pooled_axes(chunk.ndim))
        if moments.count == 0:
            raise ValueError("Standardize.fit: data has no samples")
        std = np.sqrt(moments.m2 / moments.count)
        self._statistics = _Statistics("Standardize", moments.mean, np.where(std == 0, 1.0, std))
        return self

    def _pooled_axes(self, chunk_ndim: int) -> tuple[int, ...]:
        """The axes of a chunk ``(n, *sample_shape)`` that one statistic pools over."""
        if self.dim is None:
            return (0,)
        kept = 1 + _sample_axis(self.dim, chunk_ndim - 1, "Standardize")
        return tuple(a for a in range(chunk_ndim) if a != kept)

    def __call__(self, x: Any) -> Any:
        """Args: x: a sample (or a batch, with a negative ``dim``). Returns: it standardized."""
        return _apply_to_array(x, self._standardize)

    def _standardize(self, data: Any, xp: Any) -> Any:
        if self._statistics is None:
            raise RuntimeError("Standardize: call fit(data) (or give mean and std) before use")
        trailing = 0
        if self.dim is not None:  # per-index statistics broadcast over the axes after dim
            trailing = data.ndim - 1 - _sample_axis(self.dim, data.ndim, "Standardize")
        if data.dtype.kind != "f":
            data = data.astype(dtypes.get_default_dtype().numpy)
        return self._statistics.apply(data, xp, trailing, inplace=False)

    def __repr__(self) -> str:
        if self._statistics is None:
            return f"Standardize(dim={self.dim})"
        mean, std = self._statistics.mean.tolist(), self._statistics.std.tolist()
        return f"Standardize(mean={mean}, std={std}, dim={self.dim})"


def _convert_array(data: Any, source: dtypes.dtype, target: dtypes.dtype) -> Any:
    """torchvision's convert_image_dtype rules on a raw array."""
    if source.is_floating_point:
        if target.is_floating_point:
            return data.astype(target.numpy)
        if (source is dtypes.float32 and target in (dtypes.int32, dtypes.int64)) or (
            source is dtypes.float64 and target is dtypes.int64
        ):
            raise RuntimeError(
                f"convert_image_dtype: The cast from {source} to {target} cannot be "
                "performed safely."
            )
        # Scaling by max + 1 - eps maps [0, 1] evenly onto the integers, 1.0 onto max.
        eps = 1e-3
        return (data * (_max_value(target.numpy) + 1.0 - eps)).astype(target.numpy)
    input_max = float(_max_value(source.numpy))
    if target.is_floating_point:
        return data.astype(target.numpy) / input_max
    output_max = float(_max_value(target.numpy))
    if input_max > output_max:
        factor = int((input_max + 1) // (output_max + 1))
        return (data // factor).astype(target.numpy)
    factor = int((output_max + 1) // (input_max + 1))
    return data.astype(target.numpy) * factor


def convert_image_dtype(image: Tensor, dtype: Any = dtypes.float32) -> Tensor:
    """Convert an image tensor to ``dtype``, rescaling values as torchvision does.

    Integer images span ``[0, max]`` of their type and floating images ``[0, 1]``:
    int -> float divides by the input's max; float -> int multiplies by
    ``max + 1 - 0.001`` and truncates; int -> int shifts by a power of two
    (``uint8 -> int16`` multiplies by 128). float32 -> int32/int64 and
    float64 -> int64 raise RuntimeError, as torchvision (not exactly representable).

    Args:
        image: a tensor of any shape.
        dtype: the target dtype (a neurarust dtype, a NumPy dtype or its name).

    Returns:
        A tensor of the same shape (the input itself when the dtype already matches).

    Examples:
        >>> import neurarust as nr
        >>> from neurarust.data.transforms import convert_image_dtype
        >>> convert_image_dtype(nr.tensor([0, 255], dtype=nr.uint8))
        tensor([0., 1.])
        >>> convert_image_dtype(nr.tensor([0.0, 0.5, 1.0]), nr.uint8)
        tensor([  0, 127, 255], dtype=neurarust.uint8)
    """
    if not isinstance(image, Tensor):
        raise TypeError(f"convert_image_dtype: Input img should be Tensor Image. Got {type(image)}")
    target = dtypes.to_dtype(dtype)
    source = image.dtype
    if source is target:
        return image
    return Tensor._make(_convert_array(image._data, source, target), image.device)


class ConvertImageDtype:
    """Convert an image tensor to ``dtype``, rescaling values (see :func:`convert_image_dtype`).

    Args:
        dtype: the target dtype (a neurarust dtype, a NumPy dtype or its name).

    Examples:
        >>> import neurarust as nr
        >>> from neurarust.data.transforms import ConvertImageDtype
        >>> ConvertImageDtype(nr.int16)(nr.tensor([1, 255], dtype=nr.uint8))
        tensor([  128, 32640], dtype=neurarust.int16)
    """

    def __init__(self, dtype: Any) -> None:
        self.dtype = dtypes.to_dtype(dtype)

    def __call__(self, image: Tensor) -> Tensor:
        """Args: image: a tensor. Returns: the converted tensor."""
        return convert_image_dtype(image, self.dtype)

    def __repr__(self) -> str:
        return f"ConvertImageDtype(dtype={self.dtype})"


ConvertDtype = ConvertImageDtype  # the shorter name, for data that is not an image


class Reshape:
    """Give a sample a new shape with the same number of elements (a view when possible).

    Args:
        shape: the new shape; one entry may be ``-1`` (inferred).

    Input: a Tensor (gives a Tensor) or a NumPy array / list (gives a NumPy array).

    Examples:
        >>> import numpy as np
        >>> from neurarust.data.transforms import Reshape
        >>> Reshape((1, 2, -1))(np.arange(6)).shape
        (1, 2, 3)
    """

    def __init__(self, shape: Sequence[int]) -> None:
        self.shape = tuple(int(s) for s in shape)

    def __call__(self, x: Any) -> Any:
        """Args: x: a Tensor or array. Returns: it with shape ``self.shape``."""
        return _apply_to_array(x, self._reshape)

    def _reshape(self, data: Any, xp: Any) -> Any:
        try:
            return data.reshape(self.shape)
        except ValueError:
            raise RuntimeError(
                f"Reshape: shape {list(self.shape)} is invalid for input of size {data.size}"
            ) from None

    def __repr__(self) -> str:
        return f"Reshape(shape={self.shape})"
