"""Datasets laid out as one folder per class, as torchvision's ``DatasetFolder``.

::

    root/cat/001.png          -> (image, 0)
    root/cat/kittens/002.jpg  -> (image, 0)   sub-folders count for their class
    root/dog/003.png          -> (image, 1)

Classes are the sub-folders of ``root`` in sorted order; files are found by
walking each class folder (sorted, following symbolic links). Nothing is
decoded until an item is read: :class:`DatasetFolder` is a
:class:`~neurarust.data.LazyDataset` over the file paths, with an optional
LRU cache of decoded files.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Sequence
from typing import Any

from ..._optional import import_optional
from ..dataset import LazyDataset

__all__ = ["IMG_EXTENSIONS", "DatasetFolder", "ImageFolder"]

IMG_EXTENSIONS = (".jpg", ".jpeg", ".png", ".ppm", ".bmp", ".pgm", ".tif", ".tiff", ".webp")
"""The file suffixes :class:`ImageFolder` reads (torchvision's list)."""


def _load_image(path: str, mode: str | None) -> Any:
    """Decode the image at ``path`` with pillow, converted to ``mode`` unless it is None."""
    from PIL import Image

    with Image.open(path) as image:
        image.load()  # decode now: the file closes when the block ends
        return image if mode is None else image.convert(mode)


def _has_extension(path: str, extensions: str | Sequence[str]) -> bool:
    suffixes = extensions if isinstance(extensions, str) else tuple(extensions)
    return path.lower().endswith(suffixes)


class DatasetFolder(LazyDataset):
    """Samples stored as ``root/<class>/**/<file>``, read by ``loader`` when accessed.

    Args:
        root: the folder holding one sub-folder per class.
        loader: ``loader(path) -> sample``; a module-level function if process
            workers load the data (it is pickled).
        extensions: lowercase suffixes of the files to keep, e.g. ``(".npy",)``
            (``"A.NPY"`` matches too); give either this or ``is_valid_file``.
        transform: applied to each loaded sample.
        target_transform: applied to each class index.
        is_valid_file: ``is_valid_file(path) -> bool`` chooses the files to keep.
        allow_empty: accept class folders without any valid file.
        max_cached_items: most decoded samples kept in memory (0: no cache,
            None: no limit); ``transform`` still runs on every access.
        max_cached_bytes: most bytes of decoded samples kept (None: no limit).

    Items are ``(sample, class_index)``. Attributes (torchvision's):
    ``classes`` (sorted folder names), ``class_to_idx``, ``samples`` (list of
    ``(path, class_index)``), ``targets``, ``loader``, ``extensions``; and
    ``cache`` (the LRU cache, None when disabled).

    Raises:
        FileNotFoundError: when ``root`` has no class folder, or a class folder
            has no valid file (unless ``allow_empty``).
        ValueError: when both or neither of ``extensions`` and ``is_valid_file`` are given.

    Examples:
        >>> import os, tempfile
        >>> import numpy as np
        >>> from neurarust.data.datasets import DatasetFolder
        >>> root = tempfile.mkdtemp()
        >>> for name in ["b/1.npy", "a/2.npy", "a/3.npy"]:
        ...     os.makedirs(os.path.join(root, os.path.dirname(name)), exist_ok=True)
        ...     np.save(os.path.join(root, name), np.zeros(2))
        >>> ds = DatasetFolder(root, loader=np.load, extensions=(".npy",))
        >>> ds.classes, ds.targets
        (['a', 'b'], [0, 0, 1])
        >>> sample, target = ds[2]
        >>> sample.shape, target
        ((2,), 1)
    """

    def __init__(
        self,
        root: str | os.PathLike[str],
        loader: Callable[[str], Any],
        extensions: str | Sequence[str] | None = None,
        transform: Callable[[Any], Any] | None = None,
        target_transform: Callable[[Any], Any] | None = None,
        is_valid_file: Callable[[str], bool] | None = None,
        allow_empty: bool = False,
        max_cached_items: int | None = 0,
        max_cached_bytes: int | None = None,
    ) -> None:
        self.root = os.fspath(root)
        classes, class_to_idx = self.find_classes(self.root)
        samples = self.make_dataset(
            self.root, class_to_idx, extensions, is_valid_file, allow_empty=allow_empty
        )
        self.loader = loader
        self.extensions = extensions
        self.classes = classes
        self.class_to_idx = class_to_idx
        self.samples = samples
        self.targets = [target for _, target in samples]
        self.target_transform = target_transform
        paths = [path for path, _ in samples]
        super().__init__(paths, loader, transform, max_cached_items, max_cached_bytes)

    @staticmethod
    def find_classes(directory: str) -> tuple[list[str], dict[str, int]]:
        """The class folders of ``directory``, sorted, and their indices.

        Args:
            directory: the dataset's root folder.

        Returns:
            ``(classes, class_to_idx)``: the sorted sub-folder names and name -> index.

        Raises:
            FileNotFoundError: when ``directory`` has no sub-folder.

        Examples:
            >>> import os, tempfile
            >>> from neurarust.data.datasets import DatasetFolder
            >>> root = tempfile.mkdtemp()
            >>> for name in ["dog", "cat"]:
            ...     os.mkdir(os.path.join(root, name))
            >>> DatasetFolder.find_classes(root)
            (['cat', 'dog'], {'cat': 0, 'dog': 1})
        """
        classes = sorted(entry.name for entry in os.scandir(directory) if entry.is_dir())
        if not classes:
            raise FileNotFoundError(f"Couldn't find any class folder in {directory}.")
        return classes, {name: index for index, name in enumerate(classes)}

    @staticmethod
    def make_dataset(
        directory: str,
        class_to_idx: dict[str, int],
        extensions: str | Sequence[str] | None = None,
        is_valid_file: Callable[[str], bool] | None = None,
        allow_empty: bool = False,
    ) -> list[tuple[str, int]]:
        """The ``(path, class_index)`` pairs of the valid files under each class folder.

        Args:
            directory: the dataset's root folder.
            class_to_idx: class folder name -> class index.
            extensions: suffixes of the files to keep (exclusive with ``is_valid_file``).
            is_valid_file: ``is_valid_file(path) -> bool`` chooses the files to keep.
            allow_empty: accept class folders without any valid file.

        Returns:
            The pairs ordered by class name, then by path.

        Raises:
            ValueError: when both or neither of ``extensions`` and ``is_valid_file`` are given.
            FileNotFoundError: naming the classes without any valid file.

        Examples:
            >>> import os, tempfile
            >>> from neurarust.data.datasets import DatasetFolder
            >>> root = tempfile.mkdtemp()
            >>> os.mkdir(os.path.join(root, "cat"))
            >>> open(os.path.join(root, "cat", "a.txt"), "w").close()
            >>> [os.path.basename(p) for p, _ in
            ...  DatasetFolder.make_dataset(root, {"cat": 0}, extensions=".txt")]
            ['a.txt']
        """
        if (extensions is None) == (is_valid_file is None):
            raise ValueError(
                "Both extensions and is_valid_file cannot be None or not None at the same time"
            )
        if extensions is not None:
            is_valid_file = functools.partial(_has_extension, extensions=extensions)
        assert is_valid_file is not None
        samples, found = [], set()
        for name in sorted(class_to_idx):
            class_dir = os.path.join(directory, name)
            if not os.path.isdir(class_dir):
                continue
            for folder, _, files in sorted(os.walk(class_dir, followlinks=True)):
                for file in sorted(files):
                    path = os.path.join(folder, file)
                    if is_valid_file(path):
                        samples.append((path, class_to_idx[name]))
                        found.add(name)
        empty = sorted(set(class_to_idx) - found)
        if empty and not allow_empty:
            message = f"Found no valid file for the classes {', '.join(empty)}. "
            if extensions is not None:
                listed = extensions if isinstance(extensions, str) else ", ".join(extensions)
                message += f"Supported extensions are: {listed}"
            raise FileNotFoundError(message)
        return samples

    def __getitem__(self, index: int) -> tuple[Any, Any]:
        sample = super().__getitem__(index)
        target = self.targets[index]
        if self.target_transform is not None:
            target = self.target_transform(target)
        return sample, target

    def __repr__(self) -> str:
        lines = [
            f"Dataset {type(self).__name__}",
            f"    Number of datapoints: {len(self)}",
            f"    Root location: {self.root}",
        ]
        if self.transform is not None:
            lines.append(f"    Transform: {self.transform!r}")
        if self.target_transform is not None:
            lines.append(f"    Target transform: {self.target_transform!r}")
        return "\n".join(lines)


class ImageFolder(DatasetFolder):
    """Images stored as ``root/<class>/**/<image>``, decoded with pillow when accessed.

    Files with one of :data:`IMG_EXTENSIONS` are kept (or those chosen by
    ``is_valid_file``). Items are ``(PIL image, class_index)``: start the
    transform with ``ToTensor()`` to get tensors.

    Args:
        root: the folder holding one sub-folder per class.
        transform: applied to each image.
        target_transform: applied to each class index.
        loader: ``loader(path) -> sample``; default: pillow, converting to ``mode``.
        is_valid_file: ``is_valid_file(path) -> bool`` chooses the files to keep,
            instead of the extension list.
        allow_empty: accept class folders without any valid file.
        mode: the PIL mode images are converted to (``"L"`` grayscale, ``"RGB"``,
            ...); None keeps each file's own mode. Only for the default loader.
        max_cached_items: most decoded images kept in memory (0: no cache,
            None: no limit).

    Attributes: those of :class:`DatasetFolder`, and ``imgs`` (= ``samples``).

    Raises:
        FileNotFoundError: when ``root`` has no class folder, or a class folder
            has no image (unless ``allow_empty``).
        ValueError: when both ``loader`` and ``mode`` are given.
        ImportError: when pillow is needed (default loader) but not installed.

    Examples:
        >>> import os, tempfile
        >>> from PIL import Image
        >>> from neurarust.data.datasets import ImageFolder
        >>> root = tempfile.mkdtemp()
        >>> for name in ["dog/1.png", "cat/1.png", "cat/2.png"]:
        ...     os.makedirs(os.path.join(root, os.path.dirname(name)), exist_ok=True)
        ...     Image.new("RGB", (4, 3), "red").save(os.path.join(root, name))
        >>> ds = ImageFolder(root, mode="L")
        >>> ds.classes, ds.targets
        (['cat', 'dog'], [0, 0, 1])
        >>> image, label = ds[2]
        >>> image.mode, image.size, label
        ('L', (4, 3), 1)
    """

    def __init__(
        self,
        root: str | os.PathLike[str],
        transform: Callable[[Any], Any] | None = None,
        target_transform: Callable[[Any], Any] | None = None,
        loader: Callable[[str], Any] | None = None,
        is_valid_file: Callable[[str], bool] | None = None,
        allow_empty: bool = False,
        mode: str | None = None,
        max_cached_items: int | None = 0,
    ) -> None:
        if loader is None:
            import_optional("PIL", type(self).__name__, "pillow")
            loader = functools.partial(_load_image, mode=mode)
        elif mode is not None:
            raise ValueError(
                f"{type(self).__name__}: mode applies to the default loader only, but got "
                f"both loader={loader!r} and mode={mode!r}; convert inside the loader"
            )
        super().__init__(
            root,
            loader,
            IMG_EXTENSIONS if is_valid_file is None else None,
            transform=transform,
            target_transform=target_transform,
            is_valid_file=is_valid_file,
            allow_empty=allow_empty,
            max_cached_items=max_cached_items,
        )
        self.imgs = self.samples
