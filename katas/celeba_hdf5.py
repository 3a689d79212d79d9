"""Kata 10 · CelebA in HDF5: packing JPEGs into one file and reading them lazily.
한국어 수업: ``gankata lesson celeba_hdf5 --lang ko``

Source: Make Your First GAN With PyTorch, ch. 8 (Human Faces), as the blog post on the
book's ch. 7 and 8 gives it: "Face Image", "CelebA Dataset" and "Hierarchical Data Format"
(h5py, the ``img_align_celeba`` group, the ``CelebADataset`` class).

After MNIST the book moves to faces: CelebA, 202,599 photographs of celebrities, aligned so
that the eyes and the mouth sit at about the same place in every picture, each 218 pixels
high, 178 wide, in RGB: a (218, 178, 3) array of 116,412 numbers. They come as one zip of
JPEGs, ``img_align_celeba.zip``, holding ``img_align_celeba/000001.jpg`` and so on.

Why not read the JPEGs? The blog post: "다수의 .jpeg 파일 → 훈련 과정에서 열고 닫을 시 시간 소모 큼
→ HDF5 사용": opening and closing that many files during training takes time. Every epoch
would look up 202,599 names in the file system, open, read and close each file, and decode
each JPEG again. HDF5 (Hierarchical Data Format, version 5) puts everything in ONE file that
is opened once; reading a face is then a seek and a read, and with the pixels stored raw
there is nothing to decode. The price is space: raw, CelebA is 23.6 GB against 1.4 GB of
JPEGs (h5py can compress each dataset, trading some decode time back for space).

The vocabulary. An HDF5 file is a small file system of its own: *groups* are its folders and
*datasets* its files, each an n-dimensional array with a dtype. h5py makes a group look like
a dict (``file['img_align_celeba']``, ``len(group)``, ``name in group``) and a dataset like a
numpy array (``group['0.jpg'][()]`` reads it whole). The book's layout is one group,
``img_align_celeba``, holding one dataset per face, named ``'0.jpg'``, ``'1.jpg'``, ... in
the order of the files: the names still say .jpg, but each holds the decoded uint8 pixels.
We keep that layout. The faster one is a single chunked (N, 218, 178, 3) array, where a
batch of faces is one read; the project's benchmark measures the two side by side.

Packing, safely. ``pack_images`` reads a folder or the zip itself, straight from the archive,
without extracting it:

  * Sorted names, numbered images. A folder listing and a zip promise no order; sort the
    names, then number the images you write 0, 1, 2, ... A file that Pillow cannot open
    (a stray notes.txt, a broken download) is skipped with ``warnings.warn`` naming it, and
    takes no number, so the names run '0.jpg' .. '<n - 1>.jpg' with no gap. Name it
    yourself (its path, or its name in the zip): Pillow's own error names the
    ``io.BytesIO`` you gave it, ``<_io.BytesIO object at 0x...>``, not the file.
  * Every image, whatever its name. The book's loop keeps only the names that end in
    ``.jpg``; this kata packs PNGs too, so drop that filter and let Pillow decide: what it
    opens is an image, what it cannot open is skipped with the warning above.
  * RGB, always. ``picture.convert('RGB')``: a greyscale face would be (H, W), a PNG with
    transparency (H, W, 4).
  * 8 bits, always. A 16-bit greyscale PNG opens in mode ``'I;16'``, with levels 0..65535,
    and ``convert('RGB')`` clips every level above 255 to 255: the face turns white. Scale
    it first (level / 257, or ``>> 8``, as uint8), then convert.
  * Zip-slip. The names in a zip are paths written by whoever made it. A tool that
    extracts ``../../.bashrc`` or ``/etc/cron.d/job`` by joining it to a target folder
    writes outside that folder. We extract nothing, but an archive with such a name is
    broken or hostile: refuse it (``ValueError`` naming the entry) before writing anything.
  * Never half written. Write to a temporary file next to ``h5_path`` and
    ``os.replace(temporary, h5_path)`` at the end: the rename is atomic on one file
    system (that is why next to it, not in /tmp). On any failure, Ctrl-C included
    (``except BaseException``), remove the temporary and re-raise. So an existing
    ``h5_path`` is either replaced whole by a pack that succeeded, or left as it was.

Reading, lazily. The book's ``CelebADataset`` opens the file in ``__init__`` with
``h5py.File(file, 'r')`` and keeps it; ``__getitem__`` turns the index into the name
``str(index) + '.jpg'`` and returns ``torch.cuda.FloatTensor(img) / 255.0``. Three things to do
differently:

  * A DataLoader with ``num_workers > 0`` runs ``ds[i]`` in other processes. Where they
    start by spawn (Windows, macOS; forkserver on Linux from Python 3.14) it pickles the
    dataset into each of them, and an open ``h5py.File`` cannot be pickled; where they
    fork, several processes share one HDF5 handle.
    So ``__init__`` opens the file, counts and closes it; the first ``ds[i]`` in each
    process opens it for good; and ``__getstate__`` leaves the open file out of what
    pickle sends (``return {**self.__dict__, 'file': None}``).
  * ``torch.cuda.FloatTensor`` fails on a machine without a GPU, and in DataLoader workers.
    The device belongs to the training loop (``batch.to(device)``). Return a CPU float32
    tensor: ``torch.from_numpy(pixels).float() / 255.0``. Dividing the numpy array by 255.0
    would make float64, twice the memory, and a dtype that the float32 weights refuse.
  * A damaged file. A copy or a download that did not finish leaves a file that h5py
    cannot open, and its ``OSError`` says only "file signature not found" or "truncated
    file", with no file name. Catch it where you open the file, and raise an ``OSError``
    that names the file and says to pack it again with ``pack_images``.

Read by name. The names are strings, and h5py lists a group's names in string order:
'0.jpg', '1.jpg', '10.jpg', '100.jpg', ... So ``list(group)[i]`` is not face ``i``:
read ``group[f'{i}.jpg']``. An index outside ``0 .. len - 1`` raises ``IndexError``, negative
ones too (the book's check lets -1 through to a ``KeyError`` about '-1.jpg').

What to implement (search for "Kata 10." to find every TODO):

    10.1  pack_images(source, h5_path, group, limit)   folder or .zip -> '0.jpg', '1.jpg', ...
                                                       uint8 (H, W, 3) each; returns the count
    10.2  CelebADataset.__init__(h5_path, group)       check file and group, count, then close;
                                                       a damaged file: say to pack it again
    10.3  CelebADataset.__len__, __getitem__           ds[i] -> float32 (H, W, 3) in 0-1
          CelebADataset.__getstate__                   pickles without the open file
    10.4  CelebADataset.as_image(i)                    the uint8 (H, W, 3) picture for plt.imshow

Try it: download img_align_celeba.zip (from the CelebA site or Kaggle), then
``pack_images('img_align_celeba.zip', 'celeba.h5', limit=20000)``,
``ds = CelebADataset('celeba.h5')`` and ``plt.imshow(ds.as_image(0))``.

The classic mistakes: not checking zip entries for '..' and absolute paths (zip-slip);
writing straight into ``h5_path`` (a crash leaves a half-written file, or destroys the last
good one); keeping only the ``.jpg`` names, as the book does (every PNG is skipped);
forgetting ``convert('RGB')``; letting ``convert('RGB')`` clip a 16-bit PNG to white;
numbering files instead of images; a warning that shows Pillow's ``io.BytesIO`` instead of
the file's name; reading ``sorted(group)[i]`` or ``list(group)[i]`` (string order: '10.jpg'
comes before '2.jpg'); forgetting ``/ 255`` or dividing twice; float64 instead of float32;
``torch.cuda.FloatTensor`` in a Dataset; opening ``h5py.File`` in ``__init__`` and keeping
it (no pickling, no workers); letting h5py's bare "file signature not found" through for a
damaged file; a ``KeyError`` for a missing group that does not say which groups there are.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
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
    # TODO: Implement for Kata 10.1.
    raise NotImplementedError("Need to implement for Kata 10.1: pack_images")


class CelebADataset(Dataset):
    """The faces of an HDF5 file made by ``pack_images``, as float32 (H, W, 3) tensors in 0-1."""

    def __init__(self, h5_path: str | Path, group: str = GROUP) -> None:
        """Count the images of ``group`` in ``h5_path``; open nothing for good yet.

        Raises ``FileNotFoundError`` (saying how to build the file with ``pack_images``) when
        ``h5_path`` does not exist, ``OSError`` naming the file and saying to pack it again
        when it is not a readable HDF5 file (garbage, or cut short), and ``KeyError`` listing
        the groups present when ``group`` is not one of them.
        """
        # TODO: Implement for Kata 10.2.
        raise NotImplementedError("Need to implement for Kata 10.2: CelebADataset.__init__")

    def __len__(self) -> int:
        """The number of images in the group."""
        # TODO: Implement for Kata 10.3.
        raise NotImplementedError("Need to implement for Kata 10.3: CelebADataset.__len__")

    def __getitem__(self, index: int) -> torch.Tensor:
        """Image ``index`` (the dataset ``f'{index}.jpg'``) as a float32 (H, W, 3) tensor in 0-1.

        On the CPU: moving it to a device is the training loop's job. An index outside
        ``0 .. len - 1`` (negative ones included) raises ``IndexError``.
        """
        # TODO: Implement for Kata 10.3.
        raise NotImplementedError("Need to implement for Kata 10.3: CelebADataset.__getitem__")

    def __getstate__(self) -> dict:
        """What pickle sends to a DataLoader worker: the instance's state without the open file.

        Everything in ``self.__dict__``, with the open ``h5py.File`` left out, as in the lesson:
        ``{**self.__dict__, 'file': None}``. The unpickled copy opens its own on its first read.
        """
        # TODO: Implement for Kata 10.3.
        raise NotImplementedError("Need to implement for Kata 10.3: CelebADataset.__getstate__")

    def as_image(self, index: int) -> np.ndarray:
        """Image ``index`` as the stored uint8 (H, W, 3) array, ready for ``plt.imshow``."""
        # TODO: Implement for Kata 10.4.
        raise NotImplementedError("Need to implement for Kata 10.4: CelebADataset.as_image")
