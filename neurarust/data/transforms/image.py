"""Image transforms: torchvision's ``Resize``, ``RandomCrop``, ``ColorJitter`` and friends.

Each transform is a callable object taking a PIL image or a tensor of shape
``(..., C, H, W)`` (uint8 or floating; a leading batch dimension gets one set of
random parameters for the whole batch) and returning the same kind. The work
is done by :mod:`neurarust.data.transforms.functional`; the random ones draw
their parameters from :func:`neurarust.data.rng`, so ``neurarust.manual_seed``
replays them and a DataLoader gives the same batches for any number of
workers. Arguments are checked once, when the transform is made.
"""

from __future__ import annotations

import math
import numbers
import warnings
from collections.abc import Callable, Sequence
from typing import Any

from ...tensor import Tensor
from .._random import rng
from . import functional as F
from .functional import ImageT, InterpolationMode

__all__ = [
    "CenterCrop",
    "ColorJitter",
    "GaussianBlur",
    "Grayscale",
    "InterpolationMode",
    "Pad",
    "RandomAffine",
    "RandomCrop",
    "RandomErasing",
    "RandomGrayscale",
    "RandomHorizontalFlip",
    "RandomResizedCrop",
    "RandomRotation",
    "RandomVerticalFlip",
    "Resize",
]


# -- argument checks shared by the transforms -----------------------------------------------


def _setup_size(size: Any, owner: str) -> tuple[int, int]:
    """``(height, width)`` from an int, a 1-sequence or a 2-sequence."""
    if isinstance(size, numbers.Number):
        return int(size), int(size)  # type: ignore[call-overload]
    if not isinstance(size, (list, tuple)) or len(size) not in (1, 2):
        raise ValueError(
            f"{owner}: Please provide only two dimensions (h, w) for size, but got {size!r}"
        )
    return int(size[0]), int(size[-1])


def _check_sequence(value: Any, name: str, lengths: Sequence[int], owner: str) -> None:
    expected = " or ".join(str(n) for n in lengths)
    message = f"{owner}: {name} should be a sequence of length {expected}, but got {value!r}"
    if not isinstance(value, Sequence):
        raise TypeError(message)
    if len(value) not in lengths:
        raise ValueError(message)


def _setup_angle(value: Any, name: str, lengths: Sequence[int], owner: str) -> list[float]:
    """A number ``d`` becomes the range ``[-d, d]``; sequences are kept (as floats)."""
    if isinstance(value, numbers.Number):
        if value < 0:  # type: ignore[operator]
            raise ValueError(
                f"{owner}: If {name} is a single number, it must be positive, but got {value}"
            )
        return [float(-value), float(value)]  # type: ignore[operator, arg-type]
    _check_sequence(value, name, lengths, owner)
    return [float(v) for v in value]


def _check_fill(fill: Any, owner: str) -> Any:
    if fill is None:
        return 0
    if isinstance(fill, str) or not isinstance(fill, (Sequence, numbers.Number)):
        raise TypeError(f"{owner}: Fill should be either a sequence or a number, but got {fill!r}")
    return fill


def _check_probability(p: float, owner: str) -> float:
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"{owner}: probability p should be between 0 and 1, but got p={p}")
    return p


def _check_scale_ratio(scale: Any, ratio: Any, owner: str) -> None:
    if not isinstance(scale, Sequence):
        raise TypeError(f"{owner}: Scale should be a sequence, but got {scale!r}")
    if not isinstance(ratio, Sequence):
        raise TypeError(f"{owner}: Ratio should be a sequence, but got {ratio!r}")
    if scale[0] > scale[1] or ratio[0] > ratio[1]:
        warnings.warn(f"{owner}: Scale and ratio should be of kind (min, max)", stacklevel=3)


def _random_sides(
    area: int, scale: Sequence[float], ratio: Sequence[float], fits: Callable[[int, int], bool]
) -> tuple[int, int] | None:
    """torchvision's 10 tries at the sides ``(a, b)`` of a random box.

    ``a * b`` is ``area`` times a fraction drawn from ``scale``, ``a / b`` is drawn
    log-uniformly from ``ratio``; the first pair that ``fits`` wins. None if none does.
    """
    gen = rng()
    log_ratio = (math.log(ratio[0]), math.log(ratio[1]))
    for _ in range(10):
        target = area * gen.uniform(scale[0], scale[1])
        aspect = math.exp(gen.uniform(log_ratio[0], log_ratio[1]))
        sides = int(round(math.sqrt(target * aspect))), int(round(math.sqrt(target / aspect)))
        if fits(*sides):
            return sides
    return None


def _random_position(height: int, width: int, box_h: int, box_w: int) -> tuple[int, int]:
    """A uniformly random ``(top, left)`` for a ``box_h x box_w`` box inside the image."""
    columns = width - box_w + 1
    # One draw over all positions: half the per-call cost of drawing top and left apart.
    top, left = divmod(int(rng().integers(0, (height - box_h + 1) * columns)), columns)
    return top, left


# -- deterministic geometry -------------------------------------------------------------------


class Resize:
    """Resize an image (see :func:`~neurarust.data.transforms.functional.resize`).

    Args:
        size: ``(height, width)``, or an int: the new shorter edge (aspect kept).
        interpolation: an :class:`InterpolationMode` (default bilinear).
        max_size: with an int ``size``, the longest the longer edge may become.
        antialias: tensors only: Pillow-style averaging when shrinking (default True).

    Examples:
        >>> import neurarust as nr
        >>> from neurarust.data.transforms import Resize
        >>> Resize(16)(nr.zeros(3, 32, 64)).shape
        neurarust.Size([3, 16, 32])
        >>> Resize((8, 8))
        Resize(size=(8, 8), interpolation=bilinear, max_size=None, antialias=True)
    """

    def __init__(
        self,
        size: int | Sequence[int],
        interpolation: InterpolationMode = InterpolationMode.BILINEAR,
        max_size: int | None = None,
        antialias: bool | None = True,
    ) -> None:
        if isinstance(size, (bool, str)) or not isinstance(size, (int, Sequence)):
            raise TypeError(f"Resize: Size should be int or sequence. Got {type(size).__name__}")
        if isinstance(size, Sequence) and len(size) not in (1, 2):
            raise ValueError(
                f"Resize: If size is a sequence, it should have 1 or 2 values, but got {size!r}"
            )
        self.size = size
        self.max_size = max_size
        self.interpolation = F._interpolation_mode(interpolation, "Resize")
        self.antialias = antialias

    def __call__(self, img: ImageT) -> ImageT:
        """Args: img: PIL image or tensor ``(..., C, H, W)``. Returns: the resized image."""
        return F.resize(img, self.size, self.interpolation, self.max_size, self.antialias)

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(size={self.size}, interpolation={self.interpolation.value}, "
            f"max_size={self.max_size}, antialias={self.antialias})"
        )


class CenterCrop:
    """Cut out the central box of an image (padding with 0 if the image is smaller).

    Args:
        size: ``(height, width)`` or one int for a square.

    Examples:
        >>> import neurarust as nr
        >>> from neurarust.data.transforms import CenterCrop
        >>> CenterCrop(24)(nr.zeros(3, 32, 32)).shape
        neurarust.Size([3, 24, 24])
    """

    def __init__(self, size: int | Sequence[int]) -> None:
        self.size = _setup_size(size, "CenterCrop")

    def __call__(self, img: ImageT) -> ImageT:
        """Args: img: PIL image or tensor ``(..., C, H, W)``. Returns: the central box."""
        return F.center_crop(img, self.size)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(size={self.size})"


class Pad:
    """Pad the borders of an image (see :func:`~neurarust.data.transforms.functional.pad`).

    Args:
        padding: one int for all sides, ``(left/right, top/bottom)`` or
            ``(left, top, right, bottom)``.
        fill: value of new pixels in constant mode (a number or one per channel).
        padding_mode: ``"constant"``, ``"edge"``, ``"reflect"`` or ``"symmetric"``.

    Examples:
        >>> import neurarust as nr
        >>> from neurarust.data.transforms import Pad
        >>> Pad(2)(nr.zeros(1, 28, 28)).shape
        neurarust.Size([1, 32, 32])
    """

    def __init__(
        self,
        padding: int | Sequence[int],
        fill: float | Sequence[float] = 0,
        padding_mode: str = "constant",
    ) -> None:
        self._ltrb = F._padding_ltrb(padding, "Pad")
        F._check_pad_arguments(fill, padding_mode, "Pad")
        self.padding = padding
        self.fill = fill
        self.padding_mode = padding_mode

    def __call__(self, img: ImageT) -> ImageT:
        """Args: img: PIL image or tensor ``(..., C, H, W)``. Returns: the padded image."""
        return F._pad_image(img, self._ltrb, self.fill, self.padding_mode, "Pad")

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(padding={self.padding}, fill={self.fill}, "
            f"padding_mode={self.padding_mode})"
        )


# -- random geometry --------------------------------------------------------------------------


class RandomCrop:
    """Cut a box of ``size`` at a random place, after optional padding.

    Args:
        size: ``(height, width)`` or one int for a square.
        padding: padding applied first (as :class:`Pad`), or None.
        pad_if_needed: pad an image smaller than ``size`` (both sides of the short axis
            by the shortfall) instead of failing.
        fill: value of padded pixels in constant mode.
        padding_mode: ``"constant"``, ``"edge"``, ``"reflect"`` or ``"symmetric"``.

    Examples:
        >>> import neurarust as nr
        >>> from neurarust.data.transforms import RandomCrop
        >>> crop = RandomCrop(28, padding=2)
        >>> crop(nr.zeros(1, 28, 28)).shape
        neurarust.Size([1, 28, 28])
        >>> crop
        RandomCrop(size=(28, 28), padding=2)
    """

    def __init__(
        self,
        size: int | Sequence[int],
        padding: int | Sequence[int] | None = None,
        pad_if_needed: bool = False,
        fill: float | Sequence[float] = 0,
        padding_mode: str = "constant",
    ) -> None:
        self.size = _setup_size(size, "RandomCrop")
        self._ltrb = None if padding is None else F._padding_ltrb(padding, "RandomCrop")
        F._check_pad_arguments(fill, padding_mode, "RandomCrop")
        self.padding = padding
        self.pad_if_needed = pad_if_needed
        self.fill = fill
        self.padding_mode = padding_mode

    @staticmethod
    def get_params(img: Any, output_size: tuple[int, int]) -> tuple[int, int, int, int]:
        """A random box ``(top, left, height, width)`` of ``output_size`` inside ``img``.

        Args:
            img: PIL image or tensor ``(..., C, H, W)``.
            output_size: ``(height, width)`` of the box.

        Returns:
            ``(top, left, height, width)``.
        """
        _, height, width = F.get_dimensions(img)
        crop_h, crop_w = output_size
        if height < crop_h or width < crop_w:
            raise ValueError(
                f"RandomCrop: Required crop size {(crop_h, crop_w)} is larger than "
                f"input image size {(height, width)}"
            )
        if (height, width) == (crop_h, crop_w):
            return 0, 0, height, width
        return (*_random_position(height, width, crop_h, crop_w), crop_h, crop_w)

    def __call__(self, img: ImageT) -> ImageT:
        """Args: img: PIL image or tensor ``(..., C, H, W)``. Returns: the random box."""
        if self._ltrb is not None:
            img = F._pad_image(img, self._ltrb, self.fill, self.padding_mode, "RandomCrop")
        if self.pad_if_needed:
            img = self._pad_to_size(img)
        top, left, height, width = self.get_params(img, self.size)
        return F.crop(img, top, left, height, width)

    def _pad_to_size(self, img: ImageT) -> ImageT:
        _, height, width = F.get_dimensions(img)
        extra_w = max(self.size[1] - width, 0)
        extra_h = max(self.size[0] - height, 0)
        if extra_w or extra_h:
            ltrb = (extra_w, extra_h, extra_w, extra_h)
            img = F._pad_image(img, ltrb, self.fill, self.padding_mode, "RandomCrop")
        return img

    def __repr__(self) -> str:
        return f"{type(self).__name__}(size={self.size}, padding={self.padding})"


class RandomResizedCrop:
    """Cut a random box (random area and aspect ratio) and resize it to ``size``.

    The Inception-style augmentation: up to 10 tries draw an area fraction from
    ``scale`` and an aspect ratio log-uniformly from ``ratio``; if no box fits, the
    central box with the aspect ratio clamped to ``ratio`` is used.

    Args:
        size: output ``(height, width)`` or one int.
        scale: range of the box's area as a fraction of the image's.
        ratio: range of the box's aspect ratio (width / height).
        interpolation: an :class:`InterpolationMode`.
        antialias: as in :class:`Resize`.

    Examples:
        >>> import neurarust as nr
        >>> from neurarust.data.transforms import RandomResizedCrop
        >>> RandomResizedCrop(16)(nr.zeros(3, 40, 30)).shape
        neurarust.Size([3, 16, 16])
    """

    def __init__(
        self,
        size: int | Sequence[int],
        scale: tuple[float, float] = (0.08, 1.0),
        ratio: tuple[float, float] = (3.0 / 4.0, 4.0 / 3.0),
        interpolation: InterpolationMode = InterpolationMode.BILINEAR,
        antialias: bool | None = True,
    ) -> None:
        self.size = _setup_size(size, "RandomResizedCrop")
        _check_scale_ratio(scale, ratio, "RandomResizedCrop")
        self.scale = scale
        self.ratio = ratio
        self.interpolation = F._interpolation_mode(interpolation, "RandomResizedCrop")
        self.antialias = antialias

    @staticmethod
    def get_params(
        img: Any, scale: Sequence[float], ratio: Sequence[float]
    ) -> tuple[int, int, int, int]:
        """The random box ``(top, left, height, width)`` for ``img``.

        Args:
            img: PIL image or tensor ``(..., C, H, W)``.
            scale: range of the area fraction.
            ratio: range of the aspect ratio.

        Returns:
            ``(top, left, height, width)``.
        """
        _, height, width = F.get_dimensions(img)
        # The ratio is width / height, so the sides come as (width, height).
        sides = _random_sides(
            height * width, scale, ratio, lambda w, h: 0 < w <= width and 0 < h <= height
        )
        if sides is not None:
            box_w, box_h = sides
            return (*_random_position(height, width, box_h, box_w), box_h, box_w)
        aspect = width / height
        if aspect < min(ratio):
            box_w, box_h = width, int(round(width / min(ratio)))
        elif aspect > max(ratio):
            box_w, box_h = int(round(height * max(ratio))), height
        else:
            box_w, box_h = width, height
        return (height - box_h) // 2, (width - box_w) // 2, box_h, box_w

    def __call__(self, img: ImageT) -> ImageT:
        """Args: img: PIL image or tensor ``(..., C, H, W)``. Returns: the resized box."""
        top, left, height, width = self.get_params(img, self.scale, self.ratio)
        return F.resized_crop(
            img, top, left, height, width, list(self.size), self.interpolation, self.antialias
        )

    def __repr__(self) -> str:
        scale = tuple(round(s, 4) for s in self.scale)
        ratio = tuple(round(r, 4) for r in self.ratio)
        return (
            f"{type(self).__name__}(size={self.size}, scale={scale}, ratio={ratio}, "
            f"interpolation={self.interpolation.value}, antialias={self.antialias})"
        )


class _RandomFlip:
    """Apply ``_flip`` with probability ``p`` (the flips below set ``_flip``)."""

    _flip: Callable[[Any], Any]

    def __init__(self, p: float = 0.5) -> None:
        self.p = _check_probability(p, type(self).__name__)

    def __call__(self, img: ImageT) -> ImageT:
        """Args: img: PIL image or tensor ``(..., C, H, W)``. Returns: it, maybe flipped."""
        return self._flip(img) if rng().random() < self.p else img

    def __repr__(self) -> str:
        return f"{type(self).__name__}(p={self.p})"


class RandomHorizontalFlip(_RandomFlip):
    """Flip an image left to right with probability ``p``.

    Args:
        p: probability of flipping.

    Examples:
        >>> import neurarust as nr
        >>> from neurarust.data.transforms import RandomHorizontalFlip
        >>> RandomHorizontalFlip(p=1.0)(nr.tensor([[[1, 2]]]))
        tensor([[[2, 1]]])
    """

    _flip = staticmethod(F.hflip)


class RandomVerticalFlip(_RandomFlip):
    """Flip an image top to bottom with probability ``p``.

    Args:
        p: probability of flipping.

    Examples:
        >>> import neurarust as nr
        >>> from neurarust.data.transforms import RandomVerticalFlip
        >>> RandomVerticalFlip(p=1.0)(nr.tensor([[[1], [2]]])).flatten()
        tensor([2, 1])
    """

    _flip = staticmethod(F.vflip)


class RandomRotation:
    """Turn an image by a random angle drawn uniformly from ``degrees``.

    Args:
        degrees: range ``(min, max)`` in degrees, or a number ``d`` for ``(-d, d)``.
        interpolation: ``NEAREST`` or ``BILINEAR``.
        expand: grow the output to hold the whole turned image.
        center: ``(x, y)`` pixel to turn about; default the image centre.
        fill: value of pixels that come from outside the image.

    Examples:
        >>> import neurarust as nr
        >>> from neurarust.data.transforms import RandomRotation
        >>> RandomRotation(30)(nr.zeros(3, 16, 16)).shape
        neurarust.Size([3, 16, 16])
        >>> RandomRotation((0, 90))
        RandomRotation(degrees=[0.0, 90.0], interpolation=nearest, expand=False, fill=0)
    """

    def __init__(
        self,
        degrees: float | Sequence[float],
        interpolation: InterpolationMode = InterpolationMode.NEAREST,
        expand: bool = False,
        center: Sequence[int] | None = None,
        fill: float | Sequence[float] = 0,
    ) -> None:
        self.degrees = _setup_angle(degrees, "degrees", (2,), "RandomRotation")
        if center is not None:
            _check_sequence(center, "center", (2,), "RandomRotation")
        self.center = center
        self.interpolation = F._interpolation_mode(interpolation, "RandomRotation")
        self.expand = expand
        self.fill = _check_fill(fill, "RandomRotation")

    @staticmethod
    def get_params(degrees: Sequence[float]) -> float:
        """A random angle in ``[degrees[0], degrees[1])``.

        Args:
            degrees: the range.

        Returns:
            The angle in degrees.
        """
        return float(rng().uniform(degrees[0], degrees[1]))

    def __call__(self, img: ImageT) -> ImageT:
        """Args: img: PIL image or tensor ``(..., C, H, W)``. Returns: the turned image."""
        angle = self.get_params(self.degrees)
        return F.rotate(img, angle, self.interpolation, self.expand, self.center, self.fill)

    def __repr__(self) -> str:
        text = (
            f"{type(self).__name__}(degrees={self.degrees}, "
            f"interpolation={self.interpolation.value}, expand={self.expand}"
        )
        if self.center is not None:
            text += f", center={self.center}"
        return text + f", fill={self.fill})"


class RandomAffine:
    """A random affine map: turn, translation, scale and shear, each drawn uniformly.

    Args:
        degrees: turn range ``(min, max)`` in degrees (clockwise), or ``d`` for ``(-d, d)``.
        translate: ``(a, b)``: the shift is drawn from ``|dx| <= a * width`` and
            ``|dy| <= b * height`` (rounded to whole pixels); None for no shift.
        scale: range ``(min, max)`` of the scale factor; None keeps 1.
        shear: x-shear range in degrees: ``d`` for ``(-d, d)``, ``(min, max)``, or
            ``(xmin, xmax, ymin, ymax)`` to shear along y too; None for no shear.
        interpolation: ``NEAREST`` or ``BILINEAR``.
        fill: value of pixels that come from outside the image.
        center: ``(x, y)`` pixel the map is centred on; default the image centre.

    Examples:
        >>> import neurarust as nr
        >>> from neurarust.data.transforms import RandomAffine
        >>> RandomAffine(10, translate=(0.1, 0.1), scale=(0.9, 1.1))(nr.zeros(1, 28, 28)).shape
        neurarust.Size([1, 28, 28])
    """

    def __init__(
        self,
        degrees: float | Sequence[float],
        translate: tuple[float, float] | None = None,
        scale: tuple[float, float] | None = None,
        shear: float | Sequence[float] | None = None,
        interpolation: InterpolationMode = InterpolationMode.NEAREST,
        fill: float | Sequence[float] = 0,
        center: Sequence[int] | None = None,
    ) -> None:
        owner = "RandomAffine"
        self.degrees = _setup_angle(degrees, "degrees", (2,), owner)
        if translate is not None:
            _check_sequence(translate, "translate", (2,), owner)
            if not all(0.0 <= t <= 1.0 for t in translate):
                raise ValueError(
                    f"{owner}: translation values should be between 0 and 1, but got {translate!r}"
                )
        if scale is not None:
            _check_sequence(scale, "scale", (2,), owner)
            if not all(s > 0 for s in scale):
                raise ValueError(f"{owner}: scale values should be positive, but got {scale!r}")
        if center is not None:
            _check_sequence(center, "center", (2,), owner)
        self.translate = translate
        self.scale = scale
        self.shear = None if shear is None else _setup_angle(shear, "shear", (2, 4), owner)
        self.interpolation = F._interpolation_mode(interpolation, owner)
        self.fill = _check_fill(fill, owner)
        self.center = center

    @staticmethod
    def get_params(
        degrees: Sequence[float],
        translate: Sequence[float] | None,
        scale_ranges: Sequence[float] | None,
        shears: Sequence[float] | None,
        img_size: Sequence[int],
    ) -> tuple[float, tuple[int, int], float, tuple[float, float]]:
        """Draw the parameters of one affine map.

        Args:
            degrees: turn range.
            translate: maximal shift as fractions of the size, or None.
            scale_ranges: scale range, or None.
            shears: shear ranges (2 or 4 values), or None.
            img_size: ``[width, height]`` of the image.

        Returns:
            ``(angle, (dx, dy), scale, (shear_x, shear_y))``.
        """
        gen = rng()
        angle = float(gen.uniform(degrees[0], degrees[1]))
        shift = (0, 0)
        if translate is not None:
            max_dx, max_dy = translate[0] * img_size[0], translate[1] * img_size[1]
            shift = (
                int(round(gen.uniform(-max_dx, max_dx))),
                int(round(gen.uniform(-max_dy, max_dy))),
            )
        scale = (
            1.0 if scale_ranges is None else float(gen.uniform(scale_ranges[0], scale_ranges[1]))
        )
        shear = (0.0, 0.0)
        if shears is not None:
            shear_x = float(gen.uniform(shears[0], shears[1]))
            shear_y = float(gen.uniform(shears[2], shears[3])) if len(shears) == 4 else 0.0
            shear = (shear_x, shear_y)
        return angle, shift, scale, shear

    def __call__(self, img: ImageT) -> ImageT:
        """Args: img: PIL image or tensor ``(..., C, H, W)``. Returns: the mapped image."""
        _, height, width = F.get_dimensions(img)
        angle, shift, scale, shear = self.get_params(
            self.degrees, self.translate, self.scale, self.shear, [width, height]
        )
        return F.affine(
            img, angle, list(shift), scale, list(shear), self.interpolation, self.fill, self.center
        )

    def __repr__(self) -> str:
        parts = [f"degrees={self.degrees}"]
        optional = [("translate", self.translate), ("scale", self.scale), ("shear", self.shear)]
        parts += [f"{name}={value}" for name, value in optional if value is not None]
        if self.interpolation is not InterpolationMode.NEAREST:
            parts.append(f"interpolation={self.interpolation.value}")
        if self.fill != 0:
            parts.append(f"fill={self.fill}")
        if self.center is not None:
            parts.append(f"center={self.center}")
        return f"{type(self).__name__}({', '.join(parts)})"


# -- colour -------------------------------------------------------------------------------------


def _jitter_range(
    value: Any, name: str, center: float = 1.0, bound: tuple[float, float] = (0.0, math.inf)
) -> tuple[float, float] | None:
    """ColorJitter's ``[center - v, center + v]`` range (or a given ``(min, max)``);
    None when it leaves the image unchanged."""
    if isinstance(value, numbers.Number):
        if value < 0:  # type: ignore[operator]
            raise ValueError(
                f"ColorJitter: If {name} is a single number, it must be non negative, "
                f"but got {value}"
            )
        # Clipping at the lower bound: brightness 0.7 means [0, 1.7], not [-0.7, 1.7].
        low = max(center - float(value), bound[0])  # type: ignore[arg-type]
        high = center + float(value)  # type: ignore[arg-type]
    elif isinstance(value, (tuple, list)) and len(value) == 2:
        low, high = float(value[0]), float(value[1])
    else:
        raise TypeError(
            f"ColorJitter: {name} should be a single number or a list/tuple with length 2, "
            f"but got {value!r}"
        )
    if not bound[0] <= low <= high <= bound[1]:
        raise ValueError(
            f"ColorJitter: {name} values should be between {bound}, but got {[low, high]}."
        )
    return None if low == high == center else (low, high)


class ColorJitter:
    """Randomly change brightness, contrast, saturation and hue, in a random order.

    Each factor is drawn uniformly from its range; a number ``v`` means
    ``[max(0, 1 - v), 1 + v]`` (hue: ``[-v, v]`` with ``0 <= v <= 0.5``).

    Args:
        brightness: brightness jitter (number or ``(min, max)``).
        contrast: contrast jitter.
        saturation: saturation jitter.
        hue: hue jitter in turns.

    Examples:
        >>> import neurarust as nr
        >>> from neurarust.data.transforms import ColorJitter
        >>> ColorJitter(0.4, 0.4, 0.4, 0.1)(nr.rand(3, 8, 8)).shape
        neurarust.Size([3, 8, 8])
        >>> ColorJitter(brightness=0.5)
        ColorJitter(brightness=(0.5, 1.5), contrast=None, saturation=None, hue=None)
    """

    def __init__(
        self,
        brightness: float | Sequence[float] = 0,
        contrast: float | Sequence[float] = 0,
        saturation: float | Sequence[float] = 0,
        hue: float | Sequence[float] = 0,
    ) -> None:
        self.brightness = _jitter_range(brightness, "brightness")
        self.contrast = _jitter_range(contrast, "contrast")
        self.saturation = _jitter_range(saturation, "saturation")
        self.hue = _jitter_range(hue, "hue", center=0.0, bound=(-0.5, 0.5))

    @staticmethod
    def get_params(
        brightness: tuple[float, float] | None,
        contrast: tuple[float, float] | None,
        saturation: tuple[float, float] | None,
        hue: tuple[float, float] | None,
    ) -> tuple[list[int], float | None, float | None, float | None, float | None]:
        """The order of the four adjustments and their factors (None: not applied).

        Args:
            brightness: range or None.
            contrast: range or None.
            saturation: range or None.
            hue: range or None.

        Returns:
            ``(order, brightness, contrast, saturation, hue)``; ``order`` is a
            permutation of 0..3 (brightness, contrast, saturation, hue).
        """
        gen = rng()
        order = [int(i) for i in gen.permutation(4)]
        factors = [
            None if r is None else float(gen.uniform(r[0], r[1]))
            for r in (brightness, contrast, saturation, hue)
        ]
        return order, factors[0], factors[1], factors[2], factors[3]

    def __call__(self, img: ImageT) -> ImageT:
        """Args: img: PIL image or tensor ``(..., 3 or 1, H, W)``. Returns: the jittered image."""
        order, *factors = self.get_params(self.brightness, self.contrast, self.saturation, self.hue)
        adjustments = (F.adjust_brightness, F.adjust_contrast, F.adjust_saturation, F.adjust_hue)
        for index in order:
            factor = factors[index]
            if factor is not None:
                img = adjustments[index](img, factor)
        return img

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(brightness={self.brightness}, contrast={self.contrast}, "
            f"saturation={self.saturation}, hue={self.hue})"
        )


class Grayscale:
    """Convert an image to grey (``0.299 R + 0.587 G + 0.114 B``).

    Args:
        num_output_channels: 1, or 3 to repeat the grey level.

    Examples:
        >>> import neurarust as nr
        >>> from neurarust.data.transforms import Grayscale
        >>> Grayscale(3)(nr.rand(3, 4, 4)).shape
        neurarust.Size([3, 4, 4])
    """

    def __init__(self, num_output_channels: int = 1) -> None:
        self.num_output_channels = num_output_channels

    def __call__(self, img: ImageT) -> ImageT:
        """Args: img: PIL image or tensor ``(..., 3, H, W)``. Returns: the grey image."""
        return F.rgb_to_grayscale(img, self.num_output_channels)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(num_output_channels={self.num_output_channels})"


class RandomGrayscale:
    """Convert an image to grey with probability ``p``, keeping its number of channels.

    Args:
        p: probability of converting.

    Examples:
        >>> import neurarust as nr
        >>> from neurarust.data.transforms import RandomGrayscale
        >>> RandomGrayscale(p=1.0)(nr.tensor([[[1.0]], [[0.0]], [[0.0]]])).flatten()
        tensor([0.2990, 0.2990, 0.2990])
    """

    def __init__(self, p: float = 0.1) -> None:
        self.p = _check_probability(p, "RandomGrayscale")

    def __call__(self, img: ImageT) -> ImageT:
        """Args: img: PIL image or tensor ``(..., C, H, W)``. Returns: it, maybe grey."""
        if rng().random() < self.p:
            return F.rgb_to_grayscale(img, F.get_image_num_channels(img))
        return img

    def __repr__(self) -> str:
        return f"{type(self).__name__}(p={self.p})"


def _sigma_range(sigma: Any) -> tuple[float, float]:
    """GaussianBlur's sigma as a ``(min, max)`` range."""
    if isinstance(sigma, (int, float)):
        if sigma <= 0:
            raise ValueError(
                f"GaussianBlur: If sigma is a single number, it must be positive, but got {sigma}"
            )
        return float(sigma), float(sigma)
    if not isinstance(sigma, Sequence) or len(sigma) != 2:
        raise ValueError(
            f"GaussianBlur: sigma should be a single number or a list/tuple with length 2, "
            f"but got {sigma!r}"
        )
    if not 0.0 < sigma[0] <= sigma[1]:
        raise ValueError(
            f"GaussianBlur: sigma values should be positive and of the form (min, max), "
            f"but got {sigma!r}"
        )
    return float(sigma[0]), float(sigma[1])


class GaussianBlur:
    """Blur with a Gaussian kernel whose sigma is drawn uniformly from ``sigma``.

    Args:
        kernel_size: odd positive size (one int, or ``(kx, ky)``).
        sigma: a fixed sigma, or the range ``(min, max)`` to draw it from.

    Examples:
        >>> import neurarust as nr
        >>> from neurarust.data.transforms import GaussianBlur
        >>> GaussianBlur(3)(nr.rand(3, 8, 8)).shape
        neurarust.Size([3, 8, 8])
    """

    def __init__(
        self, kernel_size: int | Sequence[int], sigma: float | tuple[float, float] = (0.1, 2.0)
    ) -> None:
        self.kernel_size = _setup_size(kernel_size, "GaussianBlur")
        if any(k <= 0 or k % 2 == 0 for k in self.kernel_size):
            raise ValueError(
                f"GaussianBlur: Kernel size value should be an odd and positive number, "
                f"but got {kernel_size!r}"
            )
        self.sigma = _sigma_range(sigma)

    @staticmethod
    def get_params(sigma_min: float, sigma_max: float) -> float:
        """A sigma drawn uniformly from ``[sigma_min, sigma_max)``.

        Args:
            sigma_min: lower end.
            sigma_max: upper end.

        Returns:
            The sigma.
        """
        return float(rng().uniform(sigma_min, sigma_max))

    def __call__(self, img: ImageT) -> ImageT:
        """Args: img: PIL image or tensor ``(..., C, H, W)``. Returns: the blurred image."""
        sigma = self.get_params(*self.sigma)
        return F.gaussian_blur(img, list(self.kernel_size), [sigma, sigma])

    def __repr__(self) -> str:
        return f"{type(self).__name__}(kernel_size={self.kernel_size}, sigma={self.sigma})"


class RandomErasing:
    """With probability ``p``, overwrite a random box of a tensor image (Cutout).

    The box covers a fraction of the area drawn from ``scale`` with an aspect ratio
    drawn log-uniformly from ``ratio`` (10 tries; the image is kept if none fits).
    Tensors only, as in torchvision: apply it after ``ToTensor``.

    Args:
        p: probability of erasing.
        scale: range of the box's area fraction.
        ratio: range of the box's aspect ratio (height / width).
        value: the fill: a number, one value per channel, or ``"random"`` for standard
            normal noise.
        inplace: erase the input tensor itself.

    Examples:
        >>> import neurarust as nr
        >>> from neurarust.data.transforms import RandomErasing
        >>> out = RandomErasing(p=1.0, value=0)(nr.ones(3, 16, 16))
        >>> bool((out == 0).any()), out.shape
        (True, neurarust.Size([3, 16, 16]))
    """

    def __init__(
        self,
        p: float = 0.5,
        scale: tuple[float, float] = (0.02, 0.33),
        ratio: tuple[float, float] = (0.3, 3.3),
        value: float | str | Sequence[float] = 0,
        inplace: bool = False,
    ) -> None:
        owner = "RandomErasing"
        if not isinstance(value, (numbers.Number, str, tuple, list)):
            raise TypeError(
                f"{owner}: Argument value should be either a number or str or a sequence, "
                f"but got {value!r}"
            )
        if isinstance(value, str) and value != "random":
            raise ValueError(f"{owner}: If value is str, it should be 'random', but got {value!r}")
        _check_scale_ratio(scale, ratio, owner)
        if scale[0] < 0 or scale[1] > 1:
            raise ValueError(f"{owner}: Scale should be between 0 and 1, but got {scale!r}")
        if not 0 <= p <= 1:
            raise ValueError(
                f"{owner}: Random erasing probability should be between 0 and 1, but got p={p}"
            )
        self.p = p
        self.scale = scale
        self.ratio = ratio
        self.value = value
        self.inplace = inplace

    @staticmethod
    def get_params(
        img: Tensor,
        scale: Sequence[float],
        ratio: Sequence[float],
        value: Sequence[float] | None = None,
    ) -> tuple[int, int, int, int, Any]:
        """Draw the box to erase and the values to write there.

        Args:
            img: tensor ``(..., C, H, W)``.
            scale: range of the area fraction.
            ratio: range of the aspect ratio (height / width).
            value: one value or one per channel; None for standard normal noise.

        Returns:
            ``(top, left, height, width, values)``; ``(0, 0, H, W, img)`` when no box fits.
        """
        channels, height, width = F.get_dimensions(img)
        # The ratio is height / width, so the sides come as (height, width).
        sides = _random_sides(height * width, scale, ratio, lambda h, w: h < height and w < width)
        if sides is None:
            return 0, 0, height, width, img
        box_h, box_w = sides
        if value is None:
            noise = rng().standard_normal((channels, box_h, box_w), dtype="float32")
            values = img.backend.xp.asarray(noise)
        else:
            values = img.backend.xp.asarray(value).reshape(-1, 1, 1)
        return (*_random_position(height, width, box_h, box_w), box_h, box_w, values)

    def __call__(self, img: Tensor) -> Tensor:
        """Args: img: tensor ``(..., C, H, W)``. Returns: it, maybe with a box erased."""
        if not isinstance(img, Tensor):
            raise TypeError(f"RandomErasing: img should be a Tensor, but got {type(img).__name__}")
        if rng().random() >= self.p:
            return img
        value = self._values(F.get_image_num_channels(img))
        top, left, height, width, values = self.get_params(img, self.scale, self.ratio, value)
        if values is img:
            return img
        return F.erase(img, top, left, height, width, values, self.inplace)

    def _values(self, channels: int) -> list[float] | None:
        if isinstance(self.value, str):
            return None
        values = (
            [float(v) for v in self.value]
            if isinstance(self.value, Sequence)
            else [float(self.value)]
        )
        if len(values) not in (1, channels):
            raise ValueError(
                f"RandomErasing: If value is a sequence, it should have either a single value "
                f"or {channels} (number of input channels), but got {len(values)}"
            )
        return values

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(p={self.p}, scale={self.scale}, ratio={self.ratio}, "
            f"value={self.value}, inplace={self.inplace})"
        )
