"""Image operations on PIL images and tensors: ``torchvision.transforms.functional``.

Every function takes either a PIL image or a tensor of shape ``(..., C, H, W)``
(``(H, W)`` counts as one channel; leading dimensions are a batch) and returns
the same kind. PIL images go through Pillow's own operations; tensors are
computed on their backend array (NumPy or CuPy) with the tensor's array
module, so the same code runs on every device. Integer tensors (``uint8``
images) are computed in float32 and rounded back; floating tensors keep their
dtype and are taken to hold values in ``[0, 1]``.

These are data transforms: they are not differentiable and record no autograd
graph. Pillow is only needed for PIL inputs, and is already imported whenever
one is passed in.

The :class:`~neurarust.data.transforms.RandomCrop`-style classes in
:mod:`neurarust.data.transforms` draw their random parameters and call these.
"""

from __future__ import annotations

import math
import numbers
import sys
from collections.abc import Iterator, Sequence
from enum import Enum
from functools import lru_cache
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np

from ...tensor import Tensor

if TYPE_CHECKING:
    from PIL.Image import Image as PILImage

__all__ = [
    "InterpolationMode",
    "adjust_brightness",
    "adjust_contrast",
    "adjust_hue",
    "adjust_saturation",
    "affine",
    "center_crop",
    "crop",
    "erase",
    "gaussian_blur",
    "get_dimensions",
    "get_image_num_channels",
    "get_image_size",
    "hflip",
    "pad",
    "resize",
    "resized_crop",
    "rgb_to_grayscale",
    "rotate",
    "vflip",
]

ImageT = TypeVar("ImageT", "PILImage", Tensor)

# ITU-R 601-2 luma, the weights Pillow's convert("L") uses.
_LUMA_WEIGHTS = (0.299, 0.587, 0.114)
_PADDING_MODES = ("constant", "edge", "reflect", "symmetric")


class InterpolationMode(Enum):
    """How resize, rotate and affine compute pixels that fall between input pixels.

    Tensors support ``NEAREST``, ``NEAREST_EXACT``, ``BILINEAR`` and ``BICUBIC`` in
    resize and ``NEAREST``/``BILINEAR`` in rotate/affine; PIL images support what
    Pillow does. ``NEAREST`` on tensors is PyTorch's ``"nearest"`` (source index
    ``floor(i * in / out)``); ``NEAREST_EXACT`` picks the pixel under each output
    pixel's centre, as Pillow's NEAREST does.

    Examples:
        >>> from neurarust.data.transforms import InterpolationMode
        >>> InterpolationMode.BILINEAR.value
        'bilinear'
    """

    NEAREST = "nearest"
    NEAREST_EXACT = "nearest-exact"
    BILINEAR = "bilinear"
    BICUBIC = "bicubic"
    BOX = "box"
    HAMMING = "hamming"
    LANCZOS = "lanczos"


# Pillow's Image.Resampling values (used as ints so this module never imports Pillow).
_PIL_RESAMPLE = {
    InterpolationMode.NEAREST: 0,
    InterpolationMode.LANCZOS: 1,
    InterpolationMode.BILINEAR: 2,
    InterpolationMode.BICUBIC: 3,
    InterpolationMode.BOX: 4,
    InterpolationMode.HAMMING: 5,
}
_MODE_OF_PIL_CODE = {code: mode for mode, code in _PIL_RESAMPLE.items()}


# -- input kinds and small helpers ------------------------------------------------------


def _is_pil_image(img: Any) -> bool:
    # A PIL image can only exist once PIL.Image is imported, so no import is needed here.
    pil = sys.modules.get("PIL.Image")
    return pil is not None and isinstance(img, pil.Image)


def _check_pil(img: Any, name: str) -> None:
    if not _is_pil_image(img):
        raise TypeError(
            f"{name}: img should be a PIL Image or a Tensor, but got {type(img).__name__}"
        )


def _wrap(img: Tensor, array: Any) -> Tensor:
    """A new tensor on ``img``'s device around ``array`` (no copy, no autograd)."""
    return Tensor._make(array, img.device)


def _as_float(x: Any, xp: Any) -> Any:
    """``x`` itself when floating, else a float32 copy to compute on."""
    return x if x.dtype.kind == "f" else x.astype(xp.float32)


def _cast_back(y: Any, dtype: Any, xp: Any) -> Any:
    """``y`` (floating) in ``dtype``: integer images are rounded and clipped to their range."""
    if dtype.kind == "f":
        return y.astype(dtype, copy=False)
    info = np.iinfo(dtype)
    return xp.clip(xp.rint(y), info.min, info.max).astype(dtype)


def _max_value(dtype: Any) -> float:
    """The value meaning "full intensity" for a NumPy dtype: 1.0 for floats and bool,
    255 for uint8, the largest value for other integers."""
    return 1.0 if dtype.kind in "fb" else float(np.iinfo(dtype).max)


def _channels_of(x: Any) -> int:
    return 1 if x.ndim == 2 else int(x.shape[-3])


def _check_channels(x: Any, permitted: Sequence[int], name: str) -> None:
    channels = _channels_of(x)
    if channels not in permitted:
        raise TypeError(
            f"{name}: input image tensor permitted channel values are {list(permitted)}, "
            f"but found {channels}"
        )


def _pair(value: Any) -> tuple[Any, Any]:
    """``(v, v)`` for a number or a 1-sequence, the sequence itself for a 2-sequence."""
    if isinstance(value, numbers.Number):
        return value, value
    if len(value) == 1:
        return value[0], value[0]
    return value[0], value[1]


def _interpolation_mode(interpolation: Any, name: str) -> InterpolationMode:
    """An InterpolationMode from the enum or Pillow's integer constant."""
    if isinstance(interpolation, InterpolationMode):
        return interpolation
    if isinstance(interpolation, int) and interpolation in _MODE_OF_PIL_CODE:
        return _MODE_OF_PIL_CODE[interpolation]
    raise TypeError(
        f"{name}: interpolation should be an InterpolationMode or a corresponding Pillow "
        f"integer constant, but got {interpolation!r}"
    )


def _pil_resample(mode: InterpolationMode, name: str) -> Any:
    """Pillow's ``Image.Resampling`` member for ``mode``."""
    if mode not in _PIL_RESAMPLE:
        raise ValueError(f"{name}: interpolation {mode} is not supported for PIL images")
    from PIL import Image

    return Image.Resampling(_PIL_RESAMPLE[mode])


def _check_tensor_mode(
    mode: InterpolationMode, supported: Sequence[InterpolationMode], name: str
) -> None:
    if mode not in supported:
        names = ", ".join(str(m) for m in supported)
        raise ValueError(f"{name}: tensors support interpolation {names}, but got {mode}")


def _pil_fill(fill: Any, img: PILImage, name: str) -> Any:
    """A fill colour in the form Pillow expects for ``img`` (torchvision's rules)."""
    channels = len(img.getbands())
    if fill is None:
        fill = 0
    if isinstance(fill, (int, float)) and channels > 1:
        fill = (fill,) * channels
    if isinstance(fill, (list, tuple)):
        if len(fill) == 1:
            fill = tuple(fill) * channels
        elif len(fill) != channels:
            raise ValueError(
                f"{name}: the number of elements in 'fill' does not match the number of "
                f"channels of the image ({len(fill)} != {channels})"
            )
        return tuple(fill) if img.mode == "F" else tuple(int(v) for v in fill)
    return fill if img.mode == "F" else int(fill)


def _tensor_fill(fill: Any, x: Any, xp: Any, dtype: Any, name: str) -> Any:
    """A number, or a ``(C, 1, 1)`` array of per-channel values broadcasting against ``x``."""
    if not isinstance(fill, (list, tuple)):
        return fill
    if len(fill) == 1:
        return fill[0]
    channels = _channels_of(x)
    if len(fill) != channels:
        raise ValueError(
            f"{name}: the number of elements in 'fill' cannot broadcast to match the number "
            f"of channels of the image ({len(fill)} != {channels})"
        )
    return xp.asarray(fill, dtype=dtype).reshape(-1, 1, 1)


# -- sizes -------------------------------------------------------------------------------


def get_dimensions(img: PILImage | Tensor) -> list[int]:
    """The ``[channels, height, width]`` of an image.

    Args:
        img: a PIL image, or a tensor of shape ``(..., C, H, W)`` or ``(H, W)``.

    Returns:
        ``[C, H, W]`` as Python ints.

    Examples:
        >>> import neurarust as nr
        >>> from neurarust.data.transforms import functional as F
        >>> F.get_dimensions(nr.zeros(3, 32, 24))
        [3, 32, 24]
    """
    if isinstance(img, Tensor):
        if img.ndim < 2:
            raise TypeError(
                f"get_dimensions: a tensor image should have shape (..., H, W), "
                f"but got shape {tuple(img.shape)}"
            )
        return [_channels_of(img._data), *map(int, img._data.shape[-2:])]
    _check_pil(img, "get_dimensions")
    return [len(img.getbands()), img.height, img.width]


def get_image_size(img: PILImage | Tensor) -> list[int]:
    """The ``[width, height]`` of an image (torchvision's order).

    Args:
        img: a PIL image or a tensor of shape ``(..., C, H, W)``.

    Returns:
        ``[W, H]``.

    Examples:
        >>> import neurarust as nr
        >>> from neurarust.data.transforms import functional as F
        >>> F.get_image_size(nr.zeros(3, 32, 24))
        [24, 32]
    """
    _, height, width = get_dimensions(img)
    return [width, height]


def get_image_num_channels(img: PILImage | Tensor) -> int:
    """The number of channels of an image (1 for a ``(H, W)`` tensor).

    Args:
        img: a PIL image or a tensor of shape ``(..., C, H, W)``.

    Returns:
        ``C``.

    Examples:
        >>> import neurarust as nr
        >>> from neurarust.data.transforms import functional as F
        >>> F.get_image_num_channels(nr.zeros(4, 3, 8, 8))
        3
    """
    return get_dimensions(img)[0]


# -- flips, crops and padding ----------------------------------------------------------------


def hflip(img: ImageT) -> ImageT:
    """Flip an image left to right.

    Args:
        img: a PIL image or a tensor of shape ``(..., C, H, W)``.

    Returns:
        The flipped image, of the same kind and shape.

    Examples:
        >>> import neurarust as nr
        >>> from neurarust.data.transforms import functional as F
        >>> F.hflip(nr.tensor([[[1, 2, 3]]]))
        tensor([[[3, 2, 1]]])
    """
    if isinstance(img, Tensor):
        return _wrap(img, img.backend.xp.flip(img._data, -1).copy())
    _check_pil(img, "hflip")
    from PIL import Image

    return img.transpose(Image.Transpose.FLIP_LEFT_RIGHT)


def vflip(img: ImageT) -> ImageT:
    """Flip an image top to bottom.

    Args:
        img: a PIL image or a tensor of shape ``(..., C, H, W)``.

    Returns:
        The flipped image, of the same kind and shape.

    Examples:
        >>> import neurarust as nr
        >>> from neurarust.data.transforms import functional as F
        >>> F.vflip(nr.tensor([[[1], [2]]]))
        tensor([[[2],
                 [1]]])
    """
    if isinstance(img, Tensor):
        return _wrap(img, img.backend.xp.flip(img._data, -2).copy())
    _check_pil(img, "vflip")
    from PIL import Image

    return img.transpose(Image.Transpose.FLIP_TOP_BOTTOM)


def crop(img: ImageT, top: int, left: int, height: int, width: int) -> ImageT:
    """Cut the box ``[top, top + height) x [left, left + width)`` out of an image.

    Parts of the box outside the image are filled with 0.

    Args:
        img: a PIL image or a tensor of shape ``(..., C, H, W)``.
        top: row of the box's top edge.
        left: column of the box's left edge.
        height: height of the box.
        width: width of the box.

    Returns:
        The image of shape ``(..., C, height, width)`` (a view of a tensor input when the
        box lies inside it).

    Examples:
        >>> import neurarust as nr
        >>> from neurarust.data.transforms import functional as F
        >>> F.crop(nr.arange(16).reshape(1, 4, 4), 1, 2, 2, 2)
        tensor([[[ 6,  7],
                 [10, 11]]])
    """
    if isinstance(img, Tensor):
        x = img._data
        rows, cols = x.shape[-2:]
        if top >= 0 and left >= 0 and top + height <= rows and left + width <= cols:
            return _wrap(img, x[..., top : top + height, left : left + width])
        # Cropping is padding by minus the margins; positive ones pad with 0.
        margins = (-left, -top, left + width - cols, top + height - rows)
        return _wrap(img, _pad_array(x, img.backend.xp, margins, 0, "constant"))
    _check_pil(img, "crop")
    return img.crop((left, top, left + width, top + height))


def center_crop(img: ImageT, output_size: int | Sequence[int]) -> ImageT:
    """Cut the central ``output_size`` box out of an image, padding with 0 if it is smaller.

    Args:
        img: a PIL image or a tensor of shape ``(..., C, H, W)``.
        output_size: ``(height, width)``, or one int for a square.

    Returns:
        The image of shape ``(..., C, height, width)``.

    Examples:
        >>> import neurarust as nr
        >>> from neurarust.data.transforms import functional as F
        >>> F.center_crop(nr.arange(16).reshape(1, 4, 4), 2)
        tensor([[[ 5,  6],
                 [ 9, 10]]])
    """
    crop_height, crop_width = (int(v) for v in _pair(output_size))
    _, height, width = get_dimensions(img)
    if crop_height > height or crop_width > width:
        extra_h, extra_w = max(crop_height - height, 0), max(crop_width - width, 0)
        margins = (extra_w // 2, extra_h // 2, (extra_w + 1) // 2, (extra_h + 1) // 2)
        img = _pad_image(img, margins, 0, "constant", "center_crop")
        _, height, width = get_dimensions(img)
    top = int(round((height - crop_height) / 2.0))
    left = int(round((width - crop_width) / 2.0))
    return crop(img, top, left, crop_height, crop_width)


def _padding_ltrb(padding: Any, name: str) -> tuple[int, int, int, int]:
    """``(left, top, right, bottom)`` from torchvision's int / 1 / 2 / 4-sequence forms."""
    if isinstance(padding, numbers.Number) and not isinstance(padding, bool):
        p = int(padding)  # type: ignore[call-overload]
        return p, p, p, p
    if not isinstance(padding, (list, tuple)):
        raise TypeError(f"{name}: Got inappropriate padding arg: {padding!r}")
    if len(padding) == 1:
        return _padding_ltrb(padding[0], name)
    if len(padding) == 2:
        return padding[0], padding[1], padding[0], padding[1]
    if len(padding) == 4:
        return padding[0], padding[1], padding[2], padding[3]
    raise ValueError(
        f"{name}: Padding must be an int or a 1, 2, or 4 element tuple, "
        f"not a {len(padding)} element tuple"
    )


def _check_pad_arguments(fill: Any, padding_mode: Any, name: str) -> None:
    if not isinstance(fill, (numbers.Number, list, tuple)):
        raise TypeError(f"{name}: Got inappropriate fill arg: {fill!r}")
    if padding_mode not in _PADDING_MODES:
        raise ValueError(
            f"{name}: Padding mode should be either constant, edge, reflect or symmetric, "
            f"but got {padding_mode!r}"
        )


def _pad_array(x: Any, xp: Any, ltrb: Sequence[int], fill: Any, mode: str) -> Any:
    """Pad the last two axes of ``x`` by ``(left, top, right, bottom)``; negatives crop."""
    left, top, right, bottom = ltrb
    rows, cols = x.shape[-2:]
    if min(ltrb) < 0:
        x = x[..., max(-top, 0) : rows - max(-bottom, 0), max(-left, 0) : cols - max(-right, 0)]
        left, top, right, bottom = (max(p, 0) for p in ltrb)
        rows, cols = x.shape[-2:]
        if left == top == right == bottom == 0:
            return x
    if mode != "constant":  # NumPy's "edge", "reflect" and "symmetric" are torchvision's
        widths = [(0, 0)] * (x.ndim - 2) + [(top, bottom), (left, right)]
        return xp.pad(x, widths, mode=mode)
    out = xp.empty((*x.shape[:-2], rows + top + bottom, cols + left + right), dtype=x.dtype)
    out[...] = _tensor_fill(fill, x, xp, x.dtype, "pad")
    out[..., top : top + rows, left : left + cols] = x
    return out


def _pad_image(img: ImageT, ltrb: Sequence[int], fill: Any, mode: str, name: str) -> ImageT:
    """:func:`pad` with arguments already checked (the transforms' per-call path)."""
    if isinstance(img, Tensor):
        return _wrap(img, _pad_array(img._data, img.backend.xp, ltrb, fill, mode))
    _check_pil(img, name)
    from PIL import ImageOps

    cut = [max(-p, 0) for p in ltrb]
    if any(cut):
        img = img.crop((cut[0], cut[1], img.width - cut[2], img.height - cut[3]))
    border = tuple(max(p, 0) for p in ltrb)
    if mode == "constant":
        return ImageOps.expand(img, border=border, fill=_pil_fill(fill, img, name))
    return _array_to_pil(_pad_array(_pil_to_array(img), np, border, 0, mode), img)


def _pil_to_array(img: PILImage) -> np.ndarray:
    """The pixels of ``img`` as a ``(C, H, W)`` NumPy array."""
    array = np.asarray(img)
    return array[None] if array.ndim == 2 else np.moveaxis(array, -1, 0)


def _array_to_pil(array: np.ndarray, like: PILImage) -> PILImage:
    """A PIL image of ``(C, H, W)`` pixels, with ``like``'s palette if it has one."""
    from PIL import Image

    single_band = len(like.getbands()) == 1  # NumPy sees those as (H, W) arrays
    out = Image.fromarray(array[0] if single_band else np.moveaxis(array, 0, -1))
    palette = like.getpalette() if like.mode == "P" else None
    if palette is not None:
        out.putpalette(palette)
    return out


def pad(
    img: ImageT,
    padding: int | Sequence[int],
    fill: float | Sequence[float] = 0,
    padding_mode: str = "constant",
) -> ImageT:
    """Pad the borders of an image; negative padding crops.

    Args:
        img: a PIL image or a tensor of shape ``(..., C, H, W)``.
        padding: one int for all sides, ``(left/right, top/bottom)`` or
            ``(left, top, right, bottom)``.
        fill: value of the new pixels in ``"constant"`` mode: a number, or one value per
            channel.
        padding_mode: ``"constant"``, ``"edge"`` (repeat the last pixel), ``"reflect"``
            (mirror without repeating the edge: 2 1 | 1 2 3 -> 3 2 | 1 2 3) or
            ``"symmetric"`` (mirror repeating the edge: 2 1 | 1 2 3 -> 2 1 1 2 3).

    Returns:
        The padded image, of shape ``(..., C, H + top + bottom, W + left + right)``.

    Examples:
        >>> import neurarust as nr
        >>> from neurarust.data.transforms import functional as F
        >>> F.pad(nr.tensor([[[1, 2]]]), [1, 0], padding_mode="reflect")
        tensor([[[2, 1, 2, 1]]])
    """
    ltrb = _padding_ltrb(padding, "pad")
    _check_pad_arguments(fill, padding_mode, "pad")
    return _pad_image(img, ltrb, fill, padding_mode, "pad")


# -- resizing ----------------------------------------------------------------------------


def _resized_output_size(
    height: int, width: int, size: int | Sequence[int], max_size: int | None
) -> tuple[int, int]:
    """torchvision's rule: an int (or 1-sequence) is the new shorter edge, keeping the aspect."""
    if isinstance(size, (list, tuple)) and len(size) == 2:
        return int(size[0]), int(size[1])
    requested = int(size if isinstance(size, int) else size[0])
    short, long = sorted((height, width))
    new_short, new_long = requested, int(requested * long / short)
    if max_size is not None:
        if max_size <= requested:
            raise ValueError(
                f"resize: max_size = {max_size} must be strictly greater than the requested "
                f"size for the smaller edge size = {size}"
            )
        if new_long > max_size:
            new_short, new_long = int(max_size * new_short / new_long), max_size
    return (new_short, new_long) if height <= width else (new_long, new_short)


def _check_resize_size(size: Any, max_size: int | None) -> None:
    if isinstance(size, bool) or not isinstance(size, (int, list, tuple)):
        raise TypeError(f"resize: size should be an int or a sequence, but got {size!r}")
    if isinstance(size, (list, tuple)):
        if len(size) not in (1, 2):
            raise ValueError(
                f"resize: Size must be an int or a 1 or 2 element tuple/list, "
                f"not a {len(size)} element tuple/list"
            )
        if max_size is not None and len(size) != 1:
            raise ValueError(
                "resize: max_size should only be passed if size specifies the length of the "
                f"smaller edge, i.e. size should be an int or a sequence of length 1, "
                f"but got size={list(size)}"
            )


def _triangle(d: np.ndarray) -> np.ndarray:
    return np.maximum(1.0 - np.abs(d), 0.0)


def _cubic(d: np.ndarray, a: float) -> np.ndarray:
    """Keys' cubic convolution kernel with parameter ``a`` (support 2)."""
    d = np.abs(d)
    near = ((a + 2.0) * d - (a + 3.0)) * d * d + 1.0
    far = ((d - 5.0) * d + 8.0) * d * a - 4.0 * a
    return np.where(d <= 1.0, near, np.where(d < 2.0, far, 0.0))


def _antialias_weights(in_size: int, out_size: int, cubic: bool) -> np.ndarray:
    """Pillow's resampling: the kernel widens by the shrink factor; rows sum to 1.

    This is PyTorch's ``antialias=True`` interpolation too (bicubic with a = -0.5).
    """
    scale = in_size / out_size
    stretch = max(scale, 1.0)
    centres = (np.arange(out_size) + 0.5) * scale
    distance = (np.arange(in_size) + 0.5 - centres[:, None]) / stretch
    weights = _cubic(distance, -0.5) if cubic else _triangle(distance)
    return weights / weights.sum(axis=1, keepdims=True)


def _interpolation_weights(in_size: int, out_size: int, cubic: bool) -> np.ndarray:
    """PyTorch's interpolate (align_corners=False, no antialias): a fixed-width kernel
    around each source coordinate, taps beyond the border clamped onto the edge pixel."""
    source = (np.arange(out_size) + 0.5) * (in_size / out_size) - 0.5
    first = np.floor(source).astype(np.int64) - (1 if cubic else 0)
    weights = np.zeros((out_size, in_size))
    for offset in range(4 if cubic else 2):
        tap = first + offset
        distance = tap - source
        value = _cubic(distance, -0.75) if cubic else _triangle(distance)
        np.add.at(weights, (np.arange(out_size), np.clip(tap, 0, in_size - 1)), value)
    return weights


@lru_cache(maxsize=256)
def _resize_weights(
    in_size: int, out_size: int, mode: InterpolationMode, antialias: bool
) -> np.ndarray:
    """The ``(out_size, in_size)`` matrix taking one image axis to its new length."""
    cubic = mode is InterpolationMode.BICUBIC
    if antialias:
        return _antialias_weights(in_size, out_size, cubic)
    return _interpolation_weights(in_size, out_size, cubic)


def _nearest_indices(xp: Any, in_size: int, out_size: int, exact: bool) -> Any:
    """Source index of every output index, in float32 arithmetic as PyTorch computes it."""
    scale = np.float32(in_size) / np.float32(out_size)
    positions = np.arange(out_size, dtype=np.float32) + np.float32(0.5 if exact else 0.0)
    return xp.asarray(np.minimum(np.floor(positions * scale).astype(np.int64), in_size - 1))


def _resize_array(
    x: Any, xp: Any, size: tuple[int, int], mode: InterpolationMode, antialias: bool
) -> Any:
    if mode in (InterpolationMode.NEAREST, InterpolationMode.NEAREST_EXACT):
        exact = mode is InterpolationMode.NEAREST_EXACT
        rows = _nearest_indices(xp, x.shape[-2], size[0], exact)
        cols = _nearest_indices(xp, x.shape[-1], size[1], exact)
        return xp.take(xp.take(x, rows, axis=-2), cols, axis=-1)
    y = _as_float(x, xp)
    if size[0] != x.shape[-2]:
        y = xp.asarray(_resize_weights(x.shape[-2], size[0], mode, antialias), y.dtype) @ y
    if size[1] != x.shape[-1]:
        y = y @ xp.asarray(_resize_weights(x.shape[-1], size[1], mode, antialias).T, y.dtype)
    return _cast_back(y, x.dtype, xp)


_TENSOR_RESIZE_MODES = (
    InterpolationMode.NEAREST,
    InterpolationMode.NEAREST_EXACT,
    InterpolationMode.BILINEAR,
    InterpolationMode.BICUBIC,
)


def resize(
    img: ImageT,
    size: int | Sequence[int],
    interpolation: InterpolationMode = InterpolationMode.BILINEAR,
    max_size: int | None = None,
    antialias: bool | None = True,
) -> ImageT:
    """Resize an image.

    Args:
        img: a PIL image or a tensor of shape ``(..., C, H, W)``.
        size: ``(height, width)``, or an int (or 1-sequence): the new length of the shorter
            edge, the longer one keeping the aspect ratio.
        interpolation: an :class:`InterpolationMode` (or Pillow's integer constant).
        max_size: with an int ``size``, the longest the longer edge may become (the image
            is shrunk further to respect it).
        antialias: tensors only (Pillow always antialiases): when downsizing with
            bilinear/bicubic, average over the whole footprint of each output pixel as
            Pillow does, instead of sampling 2 or 4 input pixels.

    Returns:
        The resized image of shape ``(..., C, new_height, new_width)``; the input itself
        when the size does not change.

    Examples:
        >>> import neurarust as nr
        >>> from neurarust.data.transforms import functional as F
        >>> F.resize(nr.zeros(3, 20, 40), 10).shape
        neurarust.Size([3, 10, 20])
        >>> F.resize(nr.tensor([[[0.0, 1.0]]]), [1, 4])
        tensor([[[0.0000, 0.2500, 0.7500, 1.0000]]])
    """
    mode = _interpolation_mode(interpolation, "resize")
    _check_resize_size(size, max_size)
    _, height, width = get_dimensions(img)
    new_size = _resized_output_size(height, width, size, max_size)
    if new_size == (height, width):
        return img
    if isinstance(img, Tensor):
        _check_tensor_mode(mode, _TENSOR_RESIZE_MODES, "resize")
        array = _resize_array(img._data, img.backend.xp, new_size, mode, bool(antialias))
        return _wrap(img, array)
    return img.resize((new_size[1], new_size[0]), _pil_resample(mode, "resize"))


def resized_crop(
    img: ImageT,
    top: int,
    left: int,
    height: int,
    width: int,
    size: int | Sequence[int],
    interpolation: InterpolationMode = InterpolationMode.BILINEAR,
    antialias: bool | None = True,
) -> ImageT:
    """Crop a box (as :func:`crop`) and resize it (as :func:`resize`).

    Args:
        img: a PIL image or a tensor of shape ``(..., C, H, W)``.
        top: row of the box's top edge.
        left: column of the box's left edge.
        height: height of the box.
        width: width of the box.
        size: the output size, as in :func:`resize`.
        interpolation: an :class:`InterpolationMode`.
        antialias: as in :func:`resize`.

    Returns:
        The image of the requested size.

    Examples:
        >>> import neurarust as nr
        >>> from neurarust.data.transforms import functional as F
        >>> F.resized_crop(nr.zeros(3, 32, 32), 4, 4, 16, 16, [8, 8]).shape
        neurarust.Size([3, 8, 8])
    """
    img = crop(img, top, left, height, width)
    return resize(img, size, interpolation, antialias=antialias)


# -- rotation and affine maps ------------------------------------------------------------------


def _inverse_affine_matrix(
    center: Sequence[float],
    angle: float,
    translate: Sequence[float],
    scale: float,
    shear: Sequence[float],
) -> list[float]:
    """The 2x3 matrix taking output coordinates back to input coordinates.

    The forward map turns by ``angle`` degrees clockwise (y points down), scales and
    shears about ``center``, then translates: ``T(center + translate) R S ShY ShX T(-center)``,
    with ``ShX = [[1, -tan sx], [0, 1]]`` and ``ShY = [[1, 0], [-tan sy, 1]]`` (torchvision's
    convention). Sampling needs its inverse.
    """
    rot = math.radians(angle)
    shear_x, shear_y = (math.tan(math.radians(s)) for s in shear)
    rotation = np.array([[math.cos(rot), -math.sin(rot), 0], [math.sin(rot), math.cos(rot), 0]])
    rotation = np.vstack([rotation, [0, 0, 1]])
    shears = np.array([[1, 0, 0], [-shear_y, 1, 0], [0, 0, 1]]) @ np.array(
        [[1, -shear_x, 0], [0, 1, 0], [0, 0, 1]]
    )
    forward = (
        _translation(center[0] + translate[0], center[1] + translate[1])
        @ rotation
        @ np.diag([scale, scale, 1.0])
        @ shears
        @ _translation(-center[0], -center[1])
    )
    return [float(v) for v in np.linalg.inv(forward)[:2].ravel()]


def _translation(dx: float, dy: float) -> np.ndarray:
    return np.array([[1.0, 0.0, dx], [0.0, 1.0, dy], [0.0, 0.0, 1.0]])


def _taps(source: Any, size: int, mode: InterpolationMode, xp: Any) -> Iterator[tuple[Any, Any]]:
    """``(index, weight)`` pairs sampling one axis at ``source`` (pixel-index coordinates).

    Taps outside ``[0, size)`` get weight 0 (their index is clamped only to stay valid).
    """
    if mode is InterpolationMode.NEAREST:
        index = xp.rint(source)  # round half to even, as grid_sample
        yield _clamped(index, size, xp), ((index >= 0) & (index < size)).astype(source.dtype)
        return
    first = xp.floor(source)
    fraction = source - first
    for index, weight in ((first, 1.0 - fraction), (first + 1.0, fraction)):
        yield _clamped(index, size, xp), weight * ((index >= 0) & (index < size))


def _clamped(index: Any, size: int, xp: Any) -> Any:
    return xp.clip(index, 0, size - 1).astype(xp.int64)


def _sample_affine(
    x: Any,
    xp: Any,
    matrix: Sequence[float],
    out_size: tuple[int, int],
    mode: InterpolationMode,
    fill: Any,
) -> Any:
    """Resample ``x`` (..., C, H, W) under the inverse ``matrix`` (rotate and affine share it).

    ``matrix`` works in coordinates centred on the images: output pixel (i, j) sits at
    ``(j + 0.5 - out_w / 2, i + 0.5 - out_h / 2)``. The result is PyTorch's
    ``grid_sample(align_corners=False)`` with zero padding. With a ``fill``, each pixel
    is then blended with it by the share ``m`` of its taps that fell inside the image:
    ``sampled * m + fill * (1 - m)``, which is torchvision's formula.
    """
    rows, cols = x.shape[-2:]
    y = _as_float(x, xp)
    out_x = xp.arange(out_size[1], dtype=y.dtype) + (0.5 - out_size[1] / 2)
    out_y = (xp.arange(out_size[0], dtype=y.dtype) + (0.5 - out_size[0] / 2))[:, None]
    a, b, c, d, e, f = matrix
    source_x = a * out_x + b * out_y + (c + cols / 2 - 0.5)
    source_y = d * out_x + e * out_y + (f + rows / 2 - 0.5)
    sampled, inside = 0.0, 0.0
    for row, row_weight in _taps(source_y, rows, mode, xp):
        for col, col_weight in _taps(source_x, cols, mode, xp):
            weight = row_weight * col_weight
            sampled = sampled + weight * y[..., row, col]
            inside = inside + weight
    if fill is not None:
        fill_value = _tensor_fill(fill, x, xp, y.dtype, "affine")
        sampled = sampled * inside + (1.0 - inside) * fill_value
    return _cast_back(sampled, x.dtype, xp)


def _expanded_size(matrix: Sequence[float], width: int, height: int) -> tuple[int, int]:
    """``(height, width)`` of the box holding the whole turned image (as torchvision)."""
    corners = np.array(
        [[-width, -height], [-width, height], [width, height], [width, -height]], dtype=float
    )
    turned = 0.5 * corners @ np.array(matrix).reshape(2, 3)[:, :2].T
    # Shift to [0, w] x [0, h]; truncating to 1e-4 keeps 1e-15 noise from adding a pixel.
    low = np.trunc((turned.min(axis=0) + [width / 2, height / 2]) * 1e4) / 1e4
    high = np.trunc((turned.max(axis=0) + [width / 2, height / 2]) * 1e4) / 1e4
    new_width, new_height = (np.ceil(high) - np.floor(low)).astype(int)
    return int(new_height), int(new_width)


def _centred(center: Sequence[float] | None, width: int, height: int) -> list[float]:
    """A pixel-coordinate centre relative to the image centre (tensor matrices use it)."""
    if center is None:
        return [0.0, 0.0]
    return [float(center[0]) - width * 0.5, float(center[1]) - height * 0.5]


_TENSOR_GEOMETRY_MODES = (InterpolationMode.NEAREST, InterpolationMode.BILINEAR)


def rotate(
    img: ImageT,
    angle: float,
    interpolation: InterpolationMode = InterpolationMode.NEAREST,
    expand: bool = False,
    center: Sequence[int] | None = None,
    fill: float | Sequence[float] | None = None,
) -> ImageT:
    """Turn an image counter-clockwise by ``angle`` degrees.

    Args:
        img: a PIL image or a tensor of shape ``(..., C, H, W)``.
        angle: degrees, counter-clockwise.
        interpolation: ``NEAREST`` or ``BILINEAR`` (PIL also ``BICUBIC``).
        expand: grow the output to hold the whole turned image (assumes rotation about
            the centre).
        center: ``(x, y)`` pixel to turn about; default the image centre.
        fill: value of pixels that come from outside the image (a number or one per
            channel); None leaves them 0.

    Returns:
        The turned image (of the input's size unless ``expand``).

    Examples:
        >>> import neurarust as nr
        >>> from neurarust.data.transforms import functional as F
        >>> F.rotate(nr.tensor([[[1, 2], [3, 4]]]), 90)
        tensor([[[2, 4],
                 [1, 3]]])
    """
    mode = _interpolation_mode(interpolation, "rotate")
    if not isinstance(img, Tensor):
        _check_pil(img, "rotate")
        resample = _pil_resample(mode, "rotate")
        fill_colour = _pil_fill(fill, img, "rotate")
        pivot = None if center is None else (float(center[0]), float(center[1]))
        return img.rotate(angle, resample, expand, pivot, fillcolor=fill_colour)
    _check_tensor_mode(mode, _TENSOR_GEOMETRY_MODES, "rotate")
    _, height, width = get_dimensions(img)
    # Image rows grow downwards, so a counter-clockwise turn is a negative affine angle.
    matrix = _inverse_affine_matrix(_centred(center, width, height), -angle, [0, 0], 1.0, [0, 0])
    out_size = _expanded_size(matrix, width, height) if expand else (height, width)
    return _wrap(img, _sample_affine(img._data, img.backend.xp, matrix, out_size, mode, fill))


def _check_affine_arguments(
    angle: Any, translate: Any, scale: Any, shear: Any, center: Any
) -> list[float]:
    """Check affine's arguments as torchvision does; returns the shear as ``[sx, sy]``."""
    if not isinstance(angle, (int, float)):
        raise TypeError(f"affine: Argument angle should be int or float, but got {angle!r}")
    if not isinstance(translate, (list, tuple)):
        raise TypeError(f"affine: Argument translate should be a sequence, but got {translate!r}")
    if len(translate) != 2:
        raise ValueError(
            f"affine: Argument translate should be a sequence of length 2, but got {translate!r}"
        )
    if scale <= 0.0:
        raise ValueError(f"affine: Argument scale should be positive, but got {scale}")
    if center is not None and not isinstance(center, (list, tuple)):
        raise TypeError(f"affine: Argument center should be a sequence, but got {center!r}")
    if isinstance(shear, numbers.Number):
        return [float(shear), 0.0]  # type: ignore[arg-type]
    if not isinstance(shear, (list, tuple)) or len(shear) not in (1, 2):
        raise ValueError(
            f"affine: Shear should be a single value or a sequence of two values, but got {shear!r}"
        )
    return [float(shear[0]), float(shear[-1])]


def affine(
    img: ImageT,
    angle: float,
    translate: Sequence[float],
    scale: float,
    shear: float | Sequence[float],
    interpolation: InterpolationMode = InterpolationMode.NEAREST,
    fill: float | Sequence[float] | None = None,
    center: Sequence[int] | None = None,
) -> ImageT:
    """Apply an affine map (turn, scale, shear about a centre, then translate).

    Args:
        img: a PIL image or a tensor of shape ``(..., C, H, W)``.
        angle: turn in degrees, clockwise.
        translate: ``(dx, dy)`` in pixels, applied after the turn.
        scale: overall scale (> 0).
        shear: degrees of shear along x, or ``(sx, sy)``.
        interpolation: ``NEAREST`` or ``BILINEAR`` (PIL also ``BICUBIC``).
        fill: value of pixels that come from outside the image; None leaves them 0.
        center: ``(x, y)`` pixel the map is centred on; default the image centre.

    Returns:
        The transformed image, of the input's size.

    Examples:
        >>> import neurarust as nr
        >>> from neurarust.data.transforms import functional as F
        >>> F.affine(nr.tensor([[[1, 2, 3]]]), angle=0, translate=[1, 0], scale=1, shear=0)
        tensor([[[0, 1, 2]]])
    """
    mode = _interpolation_mode(interpolation, "affine")
    shear_xy = _check_affine_arguments(angle, translate, scale, shear, center)
    _, height, width = get_dimensions(img)
    if not isinstance(img, Tensor):
        _check_pil(img, "affine")
        from PIL import Image

        pivot = [width * 0.5, height * 0.5] if center is None else center
        matrix = _inverse_affine_matrix(pivot, angle, translate, scale, shear_xy)
        return img.transform(
            img.size,
            Image.Transform.AFFINE,
            matrix,
            _pil_resample(mode, "affine"),
            fillcolor=_pil_fill(fill, img, "affine"),
        )
    _check_tensor_mode(mode, _TENSOR_GEOMETRY_MODES, "affine")
    matrix = _inverse_affine_matrix(
        _centred(center, width, height), angle, translate, scale, shear_xy
    )
    array = _sample_affine(img._data, img.backend.xp, matrix, (height, width), mode, fill)
    return _wrap(img, array)


# -- colour --------------------------------------------------------------------------------


def _check_factor(value: float, name: str, function: str) -> None:
    if value < 0:
        raise ValueError(f"{function}: {name} ({value}) is not non-negative.")


def _luma(y: Any) -> Any:
    """Grey level ``(..., 1, H, W)`` of floating RGB ``y``, with Pillow's weights."""
    red, green, blue = _LUMA_WEIGHTS
    return red * y[..., 0:1, :, :] + green * y[..., 1:2, :, :] + blue * y[..., 2:3, :, :]


def _blend(img: Tensor, other: Any, ratio: float) -> Tensor:
    """``ratio * img + (1 - ratio) * other``, clipped to the image's value range."""
    x, xp = img._data, img.backend.xp
    mixed = ratio * _as_float(x, xp) + (1.0 - ratio) * other
    return _wrap(img, _cast_back(xp.clip(mixed, 0.0, _max_value(x.dtype)), x.dtype, xp))


def adjust_brightness(img: ImageT, brightness_factor: float) -> ImageT:
    """Scale the brightness: 0 gives black, 1 the original, 2 twice as bright.

    Args:
        img: a PIL image or a tensor of shape ``(..., C, H, W)`` with 1 or 3 channels.
        brightness_factor: non-negative multiplier.

    Returns:
        ``clip(img * factor)`` of the same kind.

    Examples:
        >>> import neurarust as nr
        >>> from neurarust.data.transforms import functional as F
        >>> F.adjust_brightness(nr.tensor([[[0.2, 0.8]]]), 1.5)
        tensor([[[0.3000, 1.0000]]])
    """
    _check_factor(brightness_factor, "brightness_factor", "adjust_brightness")
    if isinstance(img, Tensor):
        _check_channels(img._data, (1, 3), "adjust_brightness")
        return _blend(img, 0.0, brightness_factor)
    _check_pil(img, "adjust_brightness")
    from PIL import ImageEnhance

    return ImageEnhance.Brightness(img).enhance(brightness_factor)


def adjust_contrast(img: ImageT, contrast_factor: float) -> ImageT:
    """Scale the contrast: 0 gives a flat grey at the mean grey level, 1 the original.

    Args:
        img: a PIL image or a tensor of shape ``(..., C, H, W)`` with 1 or 3 channels.
        contrast_factor: non-negative factor.

    Returns:
        ``clip(factor * img + (1 - factor) * mean_grey)``, the mean taken per image.

    Examples:
        >>> import neurarust as nr
        >>> from neurarust.data.transforms import functional as F
        >>> F.adjust_contrast(nr.tensor([[[0.2, 0.6]]]), 0.5)
        tensor([[[0.3000, 0.5000]]])
    """
    _check_factor(contrast_factor, "contrast_factor", "adjust_contrast")
    if isinstance(img, Tensor):
        x, xp = img._data, img.backend.xp
        _check_channels(x, (1, 3), "adjust_contrast")
        grey = _luma(_as_float(x, xp)) if _channels_of(x) == 3 else _as_float(x, xp)
        return _blend(img, grey.mean(axis=(-3, -2, -1), keepdims=True), contrast_factor)
    _check_pil(img, "adjust_contrast")
    from PIL import ImageEnhance

    return ImageEnhance.Contrast(img).enhance(contrast_factor)


def adjust_saturation(img: ImageT, saturation_factor: float) -> ImageT:
    """Scale the colour saturation: 0 gives the grey image, 1 the original.

    Args:
        img: a PIL image or a tensor of shape ``(..., C, H, W)`` with 1 or 3 channels
            (one channel is returned unchanged).
        saturation_factor: non-negative factor.

    Returns:
        ``clip(factor * img + (1 - factor) * grey(img))``.

    Examples:
        >>> import neurarust as nr
        >>> from neurarust.data.transforms import functional as F
        >>> F.adjust_saturation(nr.tensor([[[1.0]], [[0.0]], [[0.0]]]), 0.0).flatten()
        tensor([0.2990, 0.2990, 0.2990])
    """
    _check_factor(saturation_factor, "saturation_factor", "adjust_saturation")
    if isinstance(img, Tensor):
        x, xp = img._data, img.backend.xp
        _check_channels(x, (1, 3), "adjust_saturation")
        if _channels_of(x) == 1:
            return img
        return _blend(img, _luma(_as_float(x, xp)), saturation_factor)
    _check_pil(img, "adjust_saturation")
    from PIL import ImageEnhance

    return ImageEnhance.Color(img).enhance(saturation_factor)


def _shift_hue(rgb: Any, xp: Any, hue_factor: float) -> Any:
    """Turn the hue of floating RGB ``rgb`` (values in [0, 1]) by ``hue_factor`` turns."""
    red, green, blue = rgb[..., 0, :, :], rgb[..., 1, :, :], rgb[..., 2, :, :]
    value = xp.maximum(xp.maximum(red, green), blue)
    chroma = value - xp.minimum(xp.minimum(red, green), blue)
    divisor = xp.where(chroma > 0, chroma, 1.0)
    # Hue in sixths of a turn, measured from the channel holding the maximum.
    sixths = xp.where(
        value == red,
        (green - blue) / divisor,
        xp.where(value == green, 2.0 + (blue - red) / divisor, 4.0 + (red - green) / divisor),
    )
    hue = (sixths / 6.0 + hue_factor) % 1.0
    # Back to RGB: channel n in (R, G, B) = (5, 3, 1) is value - chroma * clip(min(k, 4 - k)),
    # k = (n + 6 * hue) mod 6 (hue, saturation and value are unchanged except the hue).
    offsets = xp.asarray([5.0, 3.0, 1.0], dtype=rgb.dtype).reshape(3, 1, 1)
    k = (offsets + 6.0 * hue[..., None, :, :]) % 6.0
    ramp = xp.clip(xp.minimum(k, 4.0 - k), 0.0, 1.0)
    return value[..., None, :, :] - chroma[..., None, :, :] * ramp


def adjust_hue(img: ImageT, hue_factor: float) -> ImageT:
    """Turn the hue around the colour wheel by ``hue_factor`` of a full turn.

    Args:
        img: a PIL image or a tensor of shape ``(..., C, H, W)`` with 1 or 3 channels
            (one channel, and PIL modes L, 1, I, F, are returned unchanged).
        hue_factor: in ``[-0.5, 0.5]``; 0.5 and -0.5 both give the complementary hue.

    Returns:
        The image with its hue turned (saturation and value kept).

    Examples:
        >>> import neurarust as nr
        >>> from neurarust.data.transforms import functional as F
        >>> F.adjust_hue(nr.tensor([[[1.0]], [[0.0]], [[0.0]]]), 1 / 3).flatten()
        tensor([0., 1., 0.])
    """
    if not -0.5 <= hue_factor <= 0.5:
        raise ValueError(f"adjust_hue: hue_factor ({hue_factor}) is not in [-0.5, 0.5].")
    if isinstance(img, Tensor):
        x, xp = img._data, img.backend.xp
        _check_channels(x, (1, 3), "adjust_hue")
        if _channels_of(x) == 1:
            return img
        top = _max_value(x.dtype)
        turned = _shift_hue(_as_float(x, xp) / top, xp, hue_factor) * top
        return _wrap(img, _cast_back(turned, x.dtype, xp))
    _check_pil(img, "adjust_hue")
    if img.mode in ("L", "1", "I", "F"):
        return img
    from PIL import Image

    hue, saturation, value = img.convert("HSV").split()
    # Pillow stores hue in 256 steps a turn; the shift wraps around.
    steps = (np.asarray(hue, dtype=np.int64) + int(hue_factor * 255)) % 256
    hue = Image.fromarray(steps.astype(np.uint8))
    return Image.merge("HSV", (hue, saturation, value)).convert(img.mode)


def rgb_to_grayscale(img: ImageT, num_output_channels: int = 1) -> ImageT:
    """Convert an RGB image to grey: ``0.299 R + 0.587 G + 0.114 B`` (ITU-R 601-2).

    Args:
        img: a PIL image or a tensor of shape ``(..., C, H, W)`` with 1 or 3 channels.
        num_output_channels: 1, or 3 to repeat the grey level in three channels.

    Returns:
        The grey image with ``num_output_channels`` channels (PIL: mode L, or RGB for 3).

    Examples:
        >>> import neurarust as nr
        >>> from neurarust.data.transforms import functional as F
        >>> F.rgb_to_grayscale(nr.tensor([[[1.0]], [[1.0]], [[0.0]]])).flatten()
        tensor([0.8860])
    """
    if num_output_channels not in (1, 3):
        raise ValueError(
            f"rgb_to_grayscale: num_output_channels should be either 1 or 3, "
            f"but got {num_output_channels}"
        )
    if isinstance(img, Tensor):
        x, xp = img._data, img.backend.xp
        _check_channels(x, (1, 3), "rgb_to_grayscale")
        if x.ndim == 2:
            x = x[None]
        grey = _cast_back(_luma(_as_float(x, xp)), x.dtype, xp) if x.shape[-3] == 3 else x.copy()
        return _wrap(img, xp.repeat(grey, num_output_channels, axis=-3))
    _check_pil(img, "rgb_to_grayscale")
    grey_image = img.convert("L")
    return grey_image if num_output_channels == 1 else grey_image.convert("RGB")


# -- filtering and erasing ------------------------------------------------------------------


def _gaussian_kernel(size: int, sigma: float) -> np.ndarray:
    """The normalised 1-D Gaussian over ``size`` taps centred on the middle one."""
    offsets = np.arange(size) - (size - 1) / 2
    kernel = np.exp(-0.5 * (offsets / sigma) ** 2)
    return kernel / kernel.sum()


def _correlate(y: Any, kernel: np.ndarray, axis: int) -> Any:
    """Slide ``kernel`` along ``axis`` of ``y`` ("valid" positions only)."""
    length = y.shape[axis] - len(kernel) + 1
    window = [slice(None)] * y.ndim
    total = 0.0
    for offset, weight in enumerate(kernel):
        window[axis] = slice(offset, offset + length)
        total = total + float(weight) * y[tuple(window)]
    return total


def _blur_array(x: Any, xp: Any, kernel_size: Sequence[int], sigma: Sequence[float]) -> Any:
    kernel_x = _gaussian_kernel(kernel_size[0], sigma[0])
    kernel_y = _gaussian_kernel(kernel_size[1], sigma[1])
    half_x, half_y = kernel_size[0] // 2, kernel_size[1] // 2
    padded = _pad_array(_as_float(x, xp), xp, (half_x, half_y, half_x, half_y), 0, "reflect")
    blurred = _correlate(_correlate(padded, kernel_x, -1), kernel_y, -2)
    return _cast_back(blurred, x.dtype, xp)


def _check_blur_arguments(
    kernel_size: Any, sigma: Any
) -> tuple[tuple[int, int], tuple[float, float]]:
    """torchvision's checks; returns ``(kx, ky)`` and ``(sigma_x, sigma_y)``."""
    if not isinstance(kernel_size, (int, list, tuple)):
        raise TypeError(
            f"gaussian_blur: kernel_size should be int or a sequence of integers, "
            f"but got {type(kernel_size).__name__}"
        )
    sizes = (kernel_size, kernel_size) if isinstance(kernel_size, int) else tuple(kernel_size)
    if len(sizes) != 2:
        raise ValueError(
            f"gaussian_blur: If kernel_size is a sequence its length should be 2. Got {len(sizes)}"
        )
    if any(k % 2 == 0 or k < 0 for k in sizes):
        raise ValueError(
            f"gaussian_blur: kernel_size should have odd and positive integers. Got {kernel_size}"
        )
    if sigma is None:
        sigma = [k * 0.15 + 0.35 for k in sizes]
    if not isinstance(sigma, (int, float, list, tuple)):
        raise TypeError(
            f"gaussian_blur: sigma should be either float or sequence of floats, "
            f"but got {type(sigma).__name__}"
        )
    sigmas = _pair(sigma) if isinstance(sigma, (int, float)) or len(sigma) == 1 else sigma
    if len(sigmas) != 2:
        raise ValueError(
            f"gaussian_blur: If sigma is a sequence, its length should be 2. Got {len(sigmas)}"
        )
    if any(s <= 0 for s in sigmas):
        raise ValueError(f"gaussian_blur: sigma should have positive values. Got {sigma}")
    return (int(sizes[0]), int(sizes[1])), (float(sigmas[0]), float(sigmas[1]))


def gaussian_blur(
    img: ImageT, kernel_size: int | Sequence[int], sigma: float | Sequence[float] | None = None
) -> ImageT:
    """Blur with a Gaussian kernel; the borders are extended by reflection.

    PIL images are blurred the same way as tensors (as torchvision does), not with
    Pillow's box-filter approximation.

    Args:
        img: a PIL image or a tensor of shape ``(..., C, H, W)``.
        kernel_size: odd positive ``(kx, ky)``, or one int for both.
        sigma: standard deviation ``(sx, sy)`` or one value; default ``0.15 * k + 0.35``
            for each axis's kernel size ``k``.

    Returns:
        The blurred image, of the same kind and shape.

    Examples:
        >>> import neurarust as nr
        >>> from neurarust.data.transforms import functional as F
        >>> F.gaussian_blur(nr.tensor([[[0.0, 0.0, 1.0, 0.0, 0.0]]]), [3, 1], 1.0)
        tensor([[[0.0000, 0.2741, 0.4519, 0.2741, 0.0000]]])
    """
    sizes, sigmas = _check_blur_arguments(kernel_size, sigma)
    if isinstance(img, Tensor):
        return _wrap(img, _blur_array(img._data, img.backend.xp, sizes, sigmas))
    _check_pil(img, "gaussian_blur")
    return _array_to_pil(_blur_array(_pil_to_array(img), np, sizes, sigmas), img)


def erase(
    img: Tensor, i: int, j: int, h: int, w: int, v: Tensor | float, inplace: bool = False
) -> Tensor:
    """Overwrite the box ``[i, i + h) x [j, j + w)`` of a tensor image with ``v``.

    Args:
        img: a tensor of shape ``(..., C, H, W)`` (PIL images are not accepted, as in
            torchvision).
        i: top row of the box.
        j: left column of the box.
        h: height of the box.
        w: width of the box.
        v: the values written: a number or a tensor broadcasting to ``(..., C, h, w)``.
        inplace: write into ``img`` itself instead of a copy.

    Returns:
        The erased image (``img`` itself when ``inplace``).

    Examples:
        >>> import neurarust as nr
        >>> from neurarust.data.transforms import functional as F
        >>> F.erase(nr.ones(1, 2, 3), 0, 1, 2, 1, 0.0)
        tensor([[[1., 0., 1.],
                 [1., 0., 1.]]])
    """
    if not isinstance(img, Tensor):
        raise TypeError(f"erase: img should be a Tensor image, but got {type(img).__name__}")
    out = img if inplace else _wrap(img, img._data.copy())
    out._data[..., i : i + h, j : j + w] = v._data if isinstance(v, Tensor) else v
    if inplace:
        out._version[0] += 1  # an in-place change: views and autograd must see it
    return out


# torchvision's functional module also holds the conversions; they live in tensor.py
# (imported last: tensor.py imports helpers from this module).
from .tensor import (  # noqa: E402
    convert_image_dtype,
    normalize,
    pil_to_tensor,
    to_pil_image,
    to_tensor,
)

__all__ += ["convert_image_dtype", "normalize", "pil_to_tensor", "to_pil_image", "to_tensor"]
