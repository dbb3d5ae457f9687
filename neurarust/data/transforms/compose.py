"""Transforms that combine other transforms: in sequence, at random, in random order.

The random ones draw from :func:`neurarust.data.rng`, so a seeded run (or a
DataLoader, which seeds the stream per batch) makes the same choices every time.
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Callable, Sequence
from typing import Any

from .._random import rng

__all__ = ["Compose", "Lambda", "RandomApply", "RandomChoice", "RandomOrder"]

Transform = Callable[[Any], Any]


def _listing(name: str, lines: Sequence[Any]) -> str:
    """torchvision's multi-line repr: ``Name(`` then one indented line per item, then ``)``."""
    body = "".join(f"\n    {line}" for line in lines)
    return f"{name}({body}\n)"


def _check_sequence(owner: str, transforms: Any) -> None:
    if not isinstance(transforms, Sequence):
        raise TypeError(
            f"{owner}: Argument transforms should be a sequence, got {type(transforms).__name__}"
        )


class Compose:
    """Apply transforms one after the other.

    Args:
        transforms: the transforms (callables taking and returning one sample), in order.

    Examples:
        >>> from neurarust.data.transforms import Compose, Lambda
        >>> pipeline = Compose([Lambda(lambda x: x + 1), Lambda(lambda x: x * 10)])
        >>> pipeline(1)
        20
        >>> pipeline
        Compose(
            Lambda()
            Lambda()
        )
    """

    def __init__(self, transforms: Sequence[Transform]) -> None:
        self.transforms = transforms

    def __call__(self, img: Any) -> Any:
        """Args: img: a sample. Returns: the sample after every transform."""
        for t in self.transforms:
            img = t(img)
        return img

    def __repr__(self) -> str:
        return _listing(type(self).__name__, self.transforms)


class Lambda:
    """Use a function as a transform.

    Args:
        lambd: a callable taking a sample and returning the transformed sample. It must
            be a module-level function (not a lambda) when process workers pickle it.

    Examples:
        >>> from neurarust.data.transforms import Lambda
        >>> Lambda(str.upper)("abc")
        'ABC'
    """

    def __init__(self, lambd: Transform) -> None:
        if not callable(lambd):
            raise TypeError(
                f"Lambda: Argument lambd should be callable, got {type(lambd).__name__!r}"
            )
        self.lambd = lambd

    def __call__(self, img: Any) -> Any:
        """Args: img: a sample. Returns: ``lambd(img)``."""
        return self.lambd(img)

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class RandomApply:
    """Apply a list of transforms (all of them, in order) with probability ``p``, else none.

    Args:
        transforms: the transforms to apply together.
        p: the probability of applying them, in ``[0, 1]``.

    Examples:
        >>> import neurarust as nr
        >>> from neurarust.data.transforms import Lambda, RandomApply
        >>> negate = RandomApply([Lambda(lambda x: -x)], p=0.5)
        >>> _ = nr.manual_seed(0)
        >>> sorted(set(negate(1) for _ in range(100)))
        [-1, 1]
    """

    def __init__(self, transforms: Sequence[Transform], p: float = 0.5) -> None:
        _check_sequence("RandomApply", transforms)
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"RandomApply: p should be a probability in [0, 1], but got p={p}")
        self.transforms = transforms
        self.p = p

    def __call__(self, img: Any) -> Any:
        """Args: img: a sample. Returns: the transformed sample, or ``img`` unchanged."""
        if rng().random() >= self.p:
            return img
        for t in self.transforms:
            img = t(img)
        return img

    def __repr__(self) -> str:
        return _listing(type(self).__name__, [f"p={self.p}", *self.transforms])


class RandomChoice:
    """Apply one transform picked at random from a list.

    Args:
        transforms: the transforms to choose from.
        p: relative weights of the transforms (need not sum to 1); None picks uniformly.

    Examples:
        >>> import neurarust as nr
        >>> from neurarust.data.transforms import Lambda, RandomChoice
        >>> pick = RandomChoice([Lambda(lambda x: "a"), Lambda(lambda x: "b")], p=[0.0, 1.0])
        >>> pick(None)
        'b'
    """

    def __init__(self, transforms: Sequence[Transform], p: Sequence[float] | None = None) -> None:
        _check_sequence("RandomChoice", transforms)
        if p is not None:
            self._check_weights(p, len(transforms))
        self.transforms = transforms
        self.p = p
        self._cumulative = None if p is None else list(itertools.accumulate(map(float, p)))

    @staticmethod
    def _check_weights(p: Any, count: int) -> None:
        if not isinstance(p, Sequence):
            raise TypeError(
                f"RandomChoice: Argument p should be a sequence, got {type(p).__name__}"
            )
        if len(p) != count:
            raise ValueError(
                f"RandomChoice: Length of p doesn't match the number of transforms: "
                f"{len(p)} != {count}"
            )
        if any(w < 0 for w in p) or sum(p) <= 0:
            raise ValueError(
                f"RandomChoice: p should hold non-negative weights with a positive sum, got {p}"
            )

    def __call__(self, img: Any) -> Any:
        """Args: img: a sample. Returns: the sample after the chosen transform."""
        return self.transforms[self._pick()](img)

    def _pick(self) -> int:
        count = len(self.transforms)
        if self._cumulative is None:
            return int(rng().integers(count))
        # Inverse CDF; the upper bound guards against rounding past the last weight.
        point = rng().random() * self._cumulative[-1]
        return bisect.bisect_right(self._cumulative, point, 0, count - 1)

    def __repr__(self) -> str:
        return f"{_listing(type(self).__name__, self.transforms)}(p={self.p})"


class RandomOrder:
    """Apply all transforms, in a random order.

    Args:
        transforms: the transforms to shuffle and apply.

    Examples:
        >>> from neurarust.data.transforms import Lambda, RandomOrder
        >>> shuffled = RandomOrder([Lambda(lambda x: x + 1), Lambda(lambda x: x * 10)])
        >>> shuffled(1) in (11, 20)
        True
    """

    def __init__(self, transforms: Sequence[Transform]) -> None:
        _check_sequence("RandomOrder", transforms)
        self.transforms = transforms

    def __call__(self, img: Any) -> Any:
        """Args: img: a sample. Returns: the sample after every transform."""
        for i in rng().permutation(len(self.transforms)):
            img = self.transforms[i](img)
        return img

    def __repr__(self) -> str:
        return _listing(type(self).__name__, self.transforms)
