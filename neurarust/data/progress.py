"""A progress bar over any iterable (a DataLoader epoch, a training loop), drawn by tqdm."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from .._optional import import_optional

__all__ = ["progress"]

T = TypeVar("T")


def progress(
    iterable: Iterable[T], total: int | None = None, desc: str | None = None, **tqdm_kwargs: Any
) -> Iterable[T]:
    """Wrap ``iterable`` in a tqdm progress bar.

    ``DataLoader(..., progress=True)`` wraps each epoch in it. As with tqdm's
    ``disable=None`` default, nothing is drawn when stderr is not a terminal
    (CI logs, redirected output); pass ``disable=False`` to force the bar.

    Args:
        iterable: what to iterate over.
        total: the number of items, when ``len(iterable)`` is not available.
        desc: a label shown before the bar.
        **tqdm_kwargs: any other ``tqdm.tqdm`` argument (``leave``, ``unit``, ...).

    Returns:
        The ``tqdm`` object: iterate over it as over ``iterable``.

    Raises:
        ImportError: when tqdm is not installed (``pip install tqdm``).

    Examples:
        >>> from neurarust.data import progress
        >>> sum(progress(range(5), desc="counting"))
        10
    """
    tqdm = import_optional("tqdm", "progress", "tqdm")
    tqdm_kwargs.setdefault("disable", None)
    bar: Iterable[T] = tqdm.tqdm(iterable, total=total, desc=desc, **tqdm_kwargs)
    return bar
