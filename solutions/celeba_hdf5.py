"""Reference answer to kata 10 (katas/celeba_hdf5.py holds the lesson)."""

from __future__ import annotations

import io
import os
import warnings
import zipfile
from collections.abc import Callable
from functools import partial
from pathlib import Path, PurePosixPath

import h5py
import numpy as np
import torch
from PIL import Image, UnidentifiedImageError
from torch.utils.data import Dataset

GROUP = "img_align_celeba"


def pack_images(
    source: str | Path, h5_path: str | Path, group: str = GROUP, limit: int | None = None
) -> int:
    """Pack the images of ``source`` (a folder, or a .zip as CelebA comes) into one HDF5 file.

    Files are taken in sorted order of their names (paths inside a zip). A folder is read
    recursively: every file under it, in subfolders too, sorted by its path. Image ``i`` of
    that order becomes the dataset ``'<i>.jpg'`` (``'0.jpg'``, ``'1.jpg'``, ...) in
    ``group``: uint8 pixels of shape (H, W, 3), converted to RGB. Every file Pillow can open
    is an image, whatever its extension (``.jpg``, ``.jpeg``, ``.png``, ...): there is no
    filter on the name. A 16-bit greyscale image (Pillow mode ``'I;16'``, levels 0..65535, as
    a 16-bit PNG opens) is scaled to 8 bits (level / 257), not clipped to white. A file Pillow
    cannot open is skipped with a ``UserWarning`` naming it (its path, or its name in the
    zip) and takes no number; a zip's folder entries (names ending in ``/``, such as
    ``img_align_celeba/``) are skipped silently, with no warning and no number. ``limit``
    packs at most that many images. Returns the number of images written.

    The file is written under a temporary name next to ``h5_path`` and renamed at the end, so
    it is never half written: an existing ``h5_path`` is replaced whole, or on any failure
    left untouched. Raises ``FileNotFoundError`` when ``source`` does not exist,
    ``ValueError`` for a zip entry whose path escapes (absolute, or with ``..``), for a source
    with no images, and for ``limit`` below 1.

        pack_images('img_align_celeba.zip', 'celeba.h5', limit=20000) -> 20000
    """
    if limit is not None and limit < 1:
        raise ValueError(f"limit must be at least 1 (or None for every image), got {limit}")
    source, h5_path = Path(source), Path(h5_path)
    if source.is_dir():
        files = sorted(p for p in source.rglob("*") if p.is_file())
        return _write_atomically([(str(p), p.read_bytes) for p in files], h5_path, group, limit)
    if zipfile.is_zipfile(source):
        with zipfile.ZipFile(source) as archive:
            # Every entry is checked before anything is written: one bad name rejects the zip.
            for name in archive.namelist():
                path = PurePosixPath(name.replace("\\", "/"))
                if path.is_absolute() or ".." in path.parts:
                    raise ValueError(f"zip entry {name!r} escapes the archive (zip-slip): refused")
            names = sorted(name for name in archive.namelist() if not name.endswith("/"))
            entries = [(name, partial(archive.read, name)) for name in names]
            return _write_atomically(entries, h5_path, group, limit)
    if source.exists():
        raise ValueError(f"{source} is neither a folder nor a .zip of JPEGs")
    raise FileNotFoundError(
        f"{source} does not exist: expected a folder or a .zip of JPEGs "
        "(such as CelebA's img_align_celeba.zip)"
    )


def _write_atomically(
    entries: list[tuple[str, Callable[[], bytes]]], h5_path: Path, group: str, limit: int | None
) -> int:
    temporary = h5_path.with_name(f"{h5_path.name}.{os.getpid()}.tmp")
    try:
        with h5py.File(temporary, "w") as file:
            images = file.create_group(group)
            count = 0
            for name, read in entries:
                if count == limit:
                    break
                data = read()
                try:
                    with Image.open(io.BytesIO(data)) as picture:
                        pixels = np.asarray(_eight_bit(picture).convert("RGB"))
                except OSError as error:  # PIL.UnidentifiedImageError is an OSError
                    # For a file it cannot identify, Pillow names the BytesIO, not the file.
                    reason = "not an image" if isinstance(error, UnidentifiedImageError) else error
                    warnings.warn(f"skipped {name}: {reason}", stacklevel=3)
                    continue
                images.create_dataset(f"{count}.jpg", data=pixels)
                count += 1
        if count == 0:
            raise ValueError(
                f"found no images to pack into {h5_path}: every file Pillow can open counts, "
                "whatever its extension (.jpg, .jpeg, .png, ...); a filter that keeps only "
                "'.jpg' names, as the book's loop does, skips every PNG"
            )
        os.replace(temporary, h5_path)  # atomic: readers see the old file or the new one
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return count


def _eight_bit(picture: Image.Image) -> Image.Image:
    """``picture`` with 8-bit levels: a 16-bit greyscale one ('I;16', or 'I' as older Pillow
    opens a 16-bit PNG) is scaled 0..65535 -> 0..255, where convert('RGB') would clip every
    level above 255 to white. Any other picture is returned as it is."""
    if not picture.mode.startswith("I"):
        return picture
    levels = np.asarray(picture).astype(np.float64) / 257
    return Image.fromarray(np.clip(np.round(levels), 0, 255).astype(np.uint8))


def _open_h5(h5_path: Path) -> h5py.File:
    """``h5py.File(h5_path, 'r')``, with an error that names the file when it is damaged."""
    try:
        return h5py.File(h5_path, "r")
    except OSError as error:  # h5py says "file signature not found" and names no file
        raise OSError(
            f"{h5_path} is not a readable HDF5 file ({error}): it is damaged or was cut short "
            "(a copy or a download that did not finish, say). Pack it again with "
            f"pack_images('img_align_celeba.zip', '{h5_path}')"
        ) from error


class CelebADataset(Dataset):
    """The faces of an HDF5 file made by ``pack_images``, as float32 (H, W, 3) tensors in 0-1."""

    def __init__(self, h5_path: str | Path, group: str = GROUP) -> None:
        """Count the images of ``group`` in ``h5_path``; open nothing for good yet.

        Raises ``FileNotFoundError`` (saying how to build the file with ``pack_images``) when
        ``h5_path`` does not exist, ``OSError`` naming the file and saying to pack it again
        when it is not a readable HDF5 file (garbage, or cut short), and ``KeyError`` listing
        the groups present when ``group`` is not one of them.
        """
        self.h5_path, self.group = Path(h5_path), group
        if not self.h5_path.is_file():
            raise FileNotFoundError(
                f"{self.h5_path} does not exist: build it once from the CelebA JPEGs with "
                f"pack_images('img_align_celeba.zip', '{self.h5_path}')"
            )
        with _open_h5(self.h5_path) as file:
            if group not in file:
                raise KeyError(f"{self.h5_path} has no group {group!r}; its groups: {list(file)}")
            self.length = len(file[group])
        # Opened on first access, by the process that reads: an open h5py.File cannot be
        # pickled into a DataLoader worker, and must not be shared across a fork.
        self.file = None

    def __getstate__(self) -> dict:
        # What pickle sends to a worker: everything but the open file; the copy opens its own.
        return {**self.__dict__, "file": None}

    def __len__(self) -> int:
        """The number of images in the group."""
        return self.length

    def __getitem__(self, index: int) -> torch.Tensor:
        """Image ``index`` (the dataset ``f'{index}.jpg'``) as a float32 (H, W, 3) tensor in 0-1.

        On the CPU: moving it to a device is the training loop's job. An index outside
        ``0 .. len - 1`` (negative ones included) raises ``IndexError``.
        """
        return torch.from_numpy(self._pixels(index)).float() / 255.0

    def as_image(self, index: int) -> np.ndarray:
        """Image ``index`` as the stored uint8 (H, W, 3) array, ready for ``plt.imshow``."""
        return self._pixels(index)

    def _pixels(self, index: int) -> np.ndarray:
        if not 0 <= index < self.length:
            raise IndexError(f"index {index} is outside 0..{self.length - 1}")
        if self.file is None:
            self.file = _open_h5(self.h5_path)
        # By name, not by position: the names sort as strings ('10.jpg' before '2.jpg').
        return self.file[self.group][f"{index}.jpg"][()]
