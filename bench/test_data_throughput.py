"""Data pipelines: how many images per second each way of storing and loading them delivers.

MNIST: the book's pandas ``.iloc`` dataset, the reference ``MnistDataset`` of kata 1, the
torchvision per-item loader of seed 004 (PIL, ``ToTensor``, ``Normalize``) and one uint8
tensor indexed a batch at a time, on the device. CelebA-shaped: a few hundred synthetic
218x178 JPEGs read as files, in the book's HDF5 layout (one dataset per image), and as one
chunked ``(N, 218, 178, 3)`` uint8 array, through a ``DataLoader`` with and without workers.

Every loader here hands over uint8 pixels, or floats where that is the point of the loader
(the book's and kata 1's datasets scale per item): scaling a whole batch on the device is
one kernel, scaling per item is N Python calls.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import h5py
import numpy as np
import pytest
import torch
from PIL import Image
from torch.utils.data import DataLoader, Dataset
from torchvision import transforms

from bench.baselines.pandas_mnist import MnistDataset as BookMnistDataset
from bench.baselines.pandas_mnist import openml_like
from bench.gan_models import ROOT, random_rows
from bench.measure import ON_CUDA, ROUND_SECONDS, ROUNDS, calibrate, record, synchronize
from gankata.testkit.data import load_mnist
from gankata.testkit.loader import load_impl

WORKERS = (0, 4) if ON_CUDA else (0, 2)
FACES = 512 if ON_CUDA else 256
FACE_SHAPE = (218, 178, 3)
BATCH = 256
FACE_BATCH = 32


def items_per_call(
    benchmark, read: Callable[[], object], items: int, device: torch.device, **facts
) -> None:
    """Time ``read`` (which delivers ``items`` items per call) and record items/s."""
    calls = calibrate(read, device, ROUND_SECONDS)

    def run() -> None:
        for _ in range(calls):
            read()
        synchronize(device)

    benchmark.group = "data"
    benchmark.pedantic(run, rounds=ROUNDS)
    record(benchmark, items_per_call=calls * items, **facts)


def per_item(dataset: Dataset) -> Callable[[], None]:
    """Read the next ``BATCH`` items one ``__getitem__`` at a time, as the book's loop does."""
    position = iter(range(10**9))

    def read() -> None:
        for _ in range(BATCH):
            dataset[next(position) % len(dataset)]

    return read


def epoch_reader(dataset: Dataset, batch: int, workers: int) -> Callable[[], None]:
    """Read the next shuffled batch through a ``DataLoader``, starting a new pass at the end.

    Workers persist between passes, as in a real training run: starting them is paid once.
    """
    loader = DataLoader(
        dataset,
        batch_size=batch,
        shuffle=True,
        num_workers=workers,
        persistent_workers=workers > 0,
        drop_last=True,
    )
    batches = iter(loader)

    def read() -> None:
        nonlocal batches
        try:
            next(batches)
        except StopIteration:
            batches = iter(loader)
            next(batches)

    return read


# ## MNIST


@pytest.fixture(scope="module")
def mnist():
    return load_mnist("embedded")


def test_mnist_book_pandas_iloc(benchmark, device, mnist):
    dataset = BookMnistDataset(openml_like(mnist.images, mnist.labels))
    items_per_call(
        benchmark, per_item(dataset), BATCH, device, loader="book: pandas .iloc MnistDataset"
    )


def test_mnist_kata1_dataset(benchmark, device, mnist):
    dataset = load_impl("one_hot_dataset", "solutions", ROOT).MnistDataset(
        mnist.images, mnist.labels
    )
    items_per_call(
        benchmark, per_item(dataset), BATCH, device, loader="kata 1: tensor-backed MnistDataset"
    )


class PilDigits(Dataset):
    """Seed 004's pipeline: torchvision's MNIST yields PIL images, transformed per item."""

    def __init__(self, images: np.ndarray) -> None:
        self.images = images.reshape(-1, 28, 28)
        self.transform = transforms.Compose(
            [transforms.ToTensor(), transforms.Normalize([0.5], [0.5])]
        )

    def __len__(self) -> int:
        return len(self.images)

    def __getitem__(self, index: int) -> torch.Tensor:
        return self.transform(Image.fromarray(self.images[index], mode="L"))


@pytest.mark.parametrize("workers", WORKERS)
def test_mnist_torchvision_per_item(benchmark, device, mnist, workers):
    items_per_call(
        benchmark,
        epoch_reader(PilDigits(mnist.images), BATCH, workers),
        BATCH,
        device,
        loader="seed 004: PIL -> ToTensor -> Normalize per item, DataLoader",
        workers=workers,
    )


@pytest.mark.parametrize("batch", [BATCH, 16384] if ON_CUDA else [BATCH])
def test_mnist_device_resident(benchmark, device, device_digits, batch):
    def read() -> torch.Tensor:
        return random_rows(device_digits, batch).float().div_(255.0)

    items_per_call(
        benchmark,
        read,
        batch,
        device,
        loader=f"uint8 tensor on {device.type}, indexed per batch, scaled there",
        batch=batch,
    )


# ## CelebA-shaped images


def synthetic_face(rng: np.random.Generator) -> np.ndarray:
    """Smooth colour fields plus grain: compresses like a photo, unlike pure noise."""
    coarse = rng.integers(0, 256, size=(12, 10, 3), dtype=np.uint8)
    smooth = np.asarray(Image.fromarray(coarse).resize(FACE_SHAPE[1::-1], Image.BICUBIC))
    grain = rng.integers(-12, 13, size=FACE_SHAPE)
    return np.clip(smooth.astype(np.int16) + grain, 0, 255).astype(np.uint8)


@pytest.fixture(scope="module")
def faces(tmp_path_factory) -> Path:
    """``FACES`` JPEGs and the two HDF5 layouts of the same pixels, in one temporary folder."""
    root = tmp_path_factory.mktemp("faces")
    rng = np.random.default_rng(0)
    (root / "jpeg").mkdir()
    decoded = []
    for i in range(FACES):
        path = root / "jpeg" / f"{i:06d}.jpg"
        Image.fromarray(synthetic_face(rng)).save(path, quality=90)
        decoded.append(np.asarray(Image.open(path).convert("RGB")))
    with h5py.File(root / "book.h5", "w") as f:
        group = f.create_group("img_align_celeba")
        for i, pixels in enumerate(decoded):
            group.create_dataset(f"{i}.jpg", data=pixels)
    with h5py.File(root / "chunked.h5", "w") as f:
        f.create_dataset("images", data=np.stack(decoded), chunks=(1, *FACE_SHAPE), dtype=np.uint8)
    return root


class JpegFiles(Dataset):
    def __init__(self, folder: Path) -> None:
        self.paths = sorted(folder.glob("*.jpg"))

    def __len__(self) -> int:
        return len(self.paths)

    def __getitem__(self, index: int) -> torch.Tensor:
        with Image.open(self.paths[index]) as image:
            return torch.from_numpy(np.asarray(image.convert("RGB")))


class LazyH5(Dataset):
    """Opens the file on first read, in whichever process reads: h5py handles do not fork.

    ``node`` is the group or dataset the reads come from, looked up once: a lookup by name
    costs about as much as reading a small image.
    """

    def __init__(self, path: Path, node: str, count: int) -> None:
        self.path, self.node_name, self.count, self.node = path, node, count, None

    def __len__(self) -> int:
        return self.count

    def open(self) -> h5py.Group | h5py.Dataset:
        if self.node is None:
            self.node = h5py.File(self.path, "r")[self.node_name]
        return self.node


class BookLayout(LazyH5):
    """The book's layout: ``img_align_celeba/<i>.jpg``, one small dataset per image."""

    def __getitem__(self, index: int) -> torch.Tensor:
        return torch.from_numpy(self.open()[f"{index}.jpg"][()])


class ChunkedArray(LazyH5):
    """One ``(N, 218, 178, 3)`` uint8 array, one chunk per image."""

    def __getitem__(self, index: int) -> torch.Tensor:
        return torch.from_numpy(self.open()[index])


LAYOUTS = {
    "jpeg_files": (lambda root: JpegFiles(root / "jpeg"), "JPEG files, decoded per item"),
    "hdf5_book": (
        lambda root: BookLayout(root / "book.h5", "img_align_celeba", FACES),
        "HDF5, book layout: one dataset per image",
    ),
    "hdf5_chunked": (
        lambda root: ChunkedArray(root / "chunked.h5", "images", FACES),
        "HDF5, one chunked (N, 218, 178, 3) uint8 array",
    ),
}


@pytest.mark.parametrize("workers", WORKERS)
@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_faces_loader(benchmark, device, faces, layout, workers):
    make, description = LAYOUTS[layout]
    items_per_call(
        benchmark,
        epoch_reader(make(faces), FACE_BATCH, workers),
        FACE_BATCH,
        device,
        loader=description,
        layout=layout,
        workers=workers,
    )


def test_faces_chunked_slices(benchmark, device, faces):
    """No DataLoader at all: one h5py read of a contiguous slice per batch."""
    images = h5py.File(faces / "chunked.h5", "r")["images"]
    starts = iter(range(10**9))

    def read() -> torch.Tensor:
        start = next(starts) * FACE_BATCH % (FACES - FACE_BATCH + 1)
        return torch.from_numpy(images[start : start + FACE_BATCH])

    items_per_call(
        benchmark,
        read,
        FACE_BATCH,
        device,
        loader="HDF5 chunked array, one slice per batch",
        layout="hdf5_chunked_slices",
        workers=0,
    )
