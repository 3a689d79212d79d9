"""Kata 10 · CelebA in HDF5: packing JPEGs into one file and reading them lazily
(katas/celeba_hdf5.py).
"""

from __future__ import annotations

import io
import os
import pickle
import warnings
import zipfile
from pathlib import Path

import h5py
import numpy as np
import pytest
import torch
from PIL import Image
from torch.utils.data import DataLoader

from gankata.testkit.assertions import call, expect_error

H, W = 10, 8  # small faces, not square: a transposed picture would show as (8, 10, 3)
N = 12  # more than 10, so that '10.jpg' and '11.jpg' exist and sort before '2.jpg'
GROUP = "img_align_celeba"
JPEG_TOLERANCE = 10  # JPEG is lossy: a solid colour comes back within a few levels


def colour(i: int) -> np.ndarray:
    """Face ``i``: a solid colour whose red differs by at least 18 levels from any other's."""
    rgb = (20 + 18 * i, 230 - 17 * i, (60 + 90 * i) % 256)
    return np.broadcast_to(np.array(rgb, dtype=np.uint8), (H, W, 3)).copy()


def noise(i: int) -> np.ndarray:
    """Face ``i`` as random pixels: any flip, transpose or shuffle of them shows."""
    return np.random.default_rng(100 + i).integers(0, 256, (H, W, 3), dtype=np.uint8)


def encode(pixels: np.ndarray, fmt: str = "JPEG") -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, format=fmt, **({"quality": 95} if fmt == "JPEG" else {}))
    return buffer.getvalue()


def celeba_name(i: int, suffix: str = ".jpg") -> str:
    """CelebA's file names: 000001.jpg, 000002.jpg, ... (zero-padded, so they sort)."""
    return f"{i + 1:06d}{suffix}"


def make_folder(folder: Path, faces: list[np.ndarray], fmt: str = "JPEG") -> Path:
    folder.mkdir(parents=True)
    suffix = ".jpg" if fmt == "JPEG" else ".png"
    for i in reversed(range(len(faces))):  # not in sorted order: listings promise no order
        (folder / celeba_name(i, suffix)).write_bytes(encode(faces[i], fmt))
    return folder


def make_zip(path: Path, entries: list[tuple[str, bytes]]) -> Path:
    """A zip holding ``entries`` (name, bytes) in reverse order: a zip's order means nothing."""
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(zipfile.ZipInfo(f"{GROUP}/"), b"")  # the folder entry comes first
        for name, data in reversed(entries):
            archive.writestr(name, data)
    return path


def celeba_zip(path: Path, faces: list[np.ndarray], fmt: str = "JPEG") -> Path:
    suffix = ".jpg" if fmt == "JPEG" else ".png"
    entries = [(f"{GROUP}/{celeba_name(i, suffix)}", encode(faces[i], fmt)) for i in range(N)]
    return make_zip(path, entries)


def read_group(h5_path: Path, group: str = GROUP) -> dict[str, np.ndarray]:
    """Every dataset of ``group`` by name, read back with h5py."""
    with h5py.File(h5_path, "r") as file:
        assert group in file, (
            f"{h5_path.name} has no group {group!r}; it holds {list(file)}. Put every image "
            f"in the group: file.create_group({group!r}), then one dataset per image in it."
        )
        return {name: file[group][name][()] for name in file[group]}


def numbered(count: int) -> list[str]:
    return sorted(f"{i}.jpg" for i in range(count))


def expect_faces(stored: dict[str, np.ndarray], faces: list[np.ndarray], tolerance: int, how: str):
    """Dataset 'i.jpg' must hold face i (the i-th source file in sorted order)."""
    for i, face in enumerate(faces):
        if f"{i}.jpg" not in stored:
            pytest.fail(
                f"Packing {how} wrote the datasets {sorted(stored)}, with no '{i}.jpg': image "
                "i of the sorted files must be the dataset f'{i}.jpg', for i = 0, 1, 2, ...",
                pytrace=False,
            )
        pixels = stored[f"{i}.jpg"]
        error = int(np.abs(pixels.astype(int) - face.astype(int)).max())
        assert error <= tolerance, (
            f"Packing {how}: dataset '{i}.jpg' differs from source file {celeba_name(i)} (image "
            f"{i} in sorted order) by up to {error} levels; expected at most {tolerance}. Take "
            "the files in sorted order of their names (a folder listing or a zip comes in "
            "any order), number the images 0, 1, 2, ... as you write them, and store each "
            "one's pixels as they are (no transpose, no scaling)."
        )


def files_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def write_h5(path: Path, groups: dict[str, list[np.ndarray]]) -> Path:
    """An HDF5 file laid out as pack_images lays it out, written without pack_images."""
    with h5py.File(path, "w") as file:
        for group, images in groups.items():
            g = file.create_group(group)
            for i in reversed(range(len(images))):
                g.create_dataset(f"{i}.jpg", data=images[i])
    return path


def faces_as(faces: list[np.ndarray], j: int) -> torch.Tensor:
    """Face ``j`` as the Dataset must return it: float32, divided by 255."""
    return torch.from_numpy(faces[j]).float() / 255.0


def open_hdf5_handles(path: Path) -> int:
    """How many open HDF5 file handles this process holds on ``path``."""
    ids = h5py.h5f.get_obj_ids(types=h5py.h5f.OBJ_FILE)
    return sum(Path(os.fsdecode(i.name)).resolve() == path.resolve() for i in ids)


@pytest.fixture
def jpegs() -> list[np.ndarray]:
    return [colour(i) for i in range(N)]


@pytest.fixture
def packed(tmp_path) -> tuple[Path, list[np.ndarray]]:
    """celeba.h5 with 12 random (10, 8, 3) uint8 faces '0.jpg' .. '11.jpg' in the CelebA group."""
    faces = [noise(i) for i in range(N)]
    return write_h5(tmp_path / "celeba.h5", {GROUP: faces}), faces


def pack(kata, source: Path, h5_path: Path, *args, what: str, **kwargs) -> int:
    return call(
        kata.pack_images, source, h5_path, *args, why=f"pack_images({what}) failed.", **kwargs
    )


# ## Task 10.1: pack_images


def test_a_folder_of_jpegs_becomes_one_group_of_numbered_datasets(kata, tmp_path, jpegs):
    folder = make_folder(tmp_path / GROUP, jpegs)
    h5_path = tmp_path / "celeba.h5"
    count = pack(kata, folder, h5_path, what="a folder of 12 JPEGs, 'celeba.h5'")
    assert count == N and isinstance(count, int), (
        f"pack_images over a folder of {N} JPEGs returned {count!r}; expected the int {N}, "
        "the number of images written."
    )
    assert h5_path.is_file(), f"pack_images returned, but {h5_path.name} does not exist."
    names = sorted(read_group(h5_path))
    assert names == numbered(N), (
        f"The group {GROUP!r} holds the datasets {names}; expected one per image named "
        f"'0.jpg' .. '{N - 1}.jpg': image i of the sorted files is f'{{i}}.jpg', as in the book."
    )


def test_each_image_is_a_uint8_height_width_rgb_array(kata, tmp_path, jpegs):
    h5_path = tmp_path / "celeba.h5"
    pack(kata, make_folder(tmp_path / GROUP, jpegs), h5_path, what="a folder of JPEGs")
    pixels = read_group(h5_path)["0.jpg"]
    assert pixels.dtype == np.uint8, (
        f"Dataset '0.jpg' has dtype {pixels.dtype}; expected uint8, the 0-255 pixels as "
        "decoded. Floats take 4 times the space; scaling to 0-1 is the Dataset's job."
    )
    assert pixels.shape == (H, W, 3), (
        f"Dataset '0.jpg' has shape {pixels.shape}; expected (height, width, 3) = {(H, W, 3)}, "
        "the shape np.asarray(picture.convert('RGB')) gives (CelebA's is (218, 178, 3))."
    )


def test_image_i_is_the_i_th_file_in_sorted_order(kata, tmp_path, jpegs):
    h5_path = tmp_path / "celeba.h5"
    pack(kata, make_folder(tmp_path / GROUP, jpegs), h5_path, what="a folder of JPEGs")
    expect_faces(read_group(h5_path), jpegs, JPEG_TOLERANCE, "a folder of JPEGs")


def test_the_zip_is_packed_as_celeba_comes(kata, tmp_path, jpegs):
    source = celeba_zip(tmp_path / "img_align_celeba.zip", jpegs)
    h5_path = tmp_path / "celeba.h5"
    count = pack(
        kata,
        source,
        h5_path,
        what="img_align_celeba.zip, whose entries are 'img_align_celeba/' and "
        "'img_align_celeba/000001.jpg' ... (a folder entry first: skip it)",
    )
    stored = read_group(h5_path)
    assert count == N and sorted(stored) == numbered(N), (
        f"pack_images over a zip of {N} JPEGs returned {count!r} and wrote {sorted(stored)}; "
        f"expected {N} and '0.jpg' .. '{N - 1}.jpg'. Read the entries straight from the zip "
        "(zipfile.ZipFile(...).read(name)) and skip folder entries (names ending in '/')."
    )
    expect_faces(stored, jpegs, JPEG_TOLERANCE, "a zip whose entries are not in sorted order")


def test_png_pixels_are_stored_exactly(kata, tmp_path):
    faces = [noise(i) for i in range(N)]
    h5_path = tmp_path / "celeba.h5"
    pack(kata, make_folder(tmp_path / "pngs", faces, "PNG"), h5_path, what="a folder of PNGs")
    expect_faces(read_group(h5_path), faces, 0, "a folder of PNGs (lossless)")


@pytest.mark.parametrize("mode", ["L", "RGBA", "P"])
def test_every_image_is_converted_to_rgb(kata, tmp_path, mode):
    grey = noise(0)[..., 0]
    picture = {
        "L": Image.fromarray(grey, "L"),
        "RGBA": Image.fromarray(np.dstack([noise(1), grey])),
        "P": Image.fromarray(noise(2)).quantize(16),
    }[mode]
    folder = tmp_path / "faces"
    folder.mkdir()
    picture.save(folder / "000001.png")
    h5_path = tmp_path / "celeba.h5"
    pack(kata, folder, h5_path, what=f"a folder holding one {mode} PNG")
    pixels = read_group(h5_path)["0.jpg"]
    expected = np.asarray(picture.convert("RGB"))
    assert pixels.shape == (H, W, 3) and np.array_equal(pixels, expected), (
        f"A {mode} image was stored with shape {pixels.shape}; expected {(H, W, 3)}, its "
        f"RGB pixels. Convert every picture to RGB first (picture.convert('RGB')): a "
        "greyscale, palette or transparent file in the folder would otherwise give a "
        "(H, W) or (H, W, 4) array, and the network expects 3 channels for every face."
    )


def test_limit_packs_the_first_images(kata, tmp_path, jpegs):
    folder = make_folder(tmp_path / GROUP, jpegs)
    h5_path = tmp_path / "celeba.h5"
    count = pack(kata, folder, h5_path, what="..., limit=5", limit=5)
    stored = read_group(h5_path)
    assert count == 5 and sorted(stored) == numbered(5), (
        f"pack_images(..., limit=5) over {N} images returned {count!r} and wrote "
        f"{sorted(stored)}; expected 5 and '0.jpg' .. '4.jpg': stop after `limit` images."
    )
    expect_faces(stored, jpegs[:5], JPEG_TOLERANCE, "with limit=5")
    many = pack(kata, folder, tmp_path / "all.h5", what="..., limit=100", limit=100)
    assert many == N, (
        f"pack_images(..., limit=100) over {N} images returned {many!r}; expected {N}: "
        "limit is the most to pack, not a number that must be reached."
    )


@pytest.mark.parametrize("limit", [0, -3])
def test_a_limit_below_one_is_refused(kata, tmp_path, jpegs, limit):
    folder = make_folder(tmp_path / GROUP, jpegs)
    out = tmp_path / "out"
    out.mkdir()
    expect_error(
        ValueError,
        kata.pack_images,
        folder,
        out / "celeba.h5",
        limit=limit,
        why=f"pack_images(..., limit={limit}) must raise ValueError: a limit below 1 packs "
        "no image, which is never what was meant.",
    )
    assert files_in(out) == [], (
        f"After refusing limit={limit}, the output folder holds {files_in(out)}; expected "
        "nothing: check the arguments before you create any file."
    )


def test_the_group_is_yours_to_name(kata, tmp_path, jpegs):
    h5_path = tmp_path / "celeba.h5"
    pack(kata, make_folder(tmp_path / GROUP, jpegs), h5_path, "faces", what="..., 'faces'")
    with h5py.File(h5_path, "r") as file:
        groups = list(file)
    assert groups == ["faces"], (
        f"pack_images(..., group='faces') wrote the top-level names {groups}; expected only "
        "['faces']: use the group argument, not the default name."
    )


def test_a_file_that_is_not_an_image_is_skipped_with_a_warning(kata, tmp_path, jpegs):
    folder = make_folder(tmp_path / GROUP, jpegs)
    (folder / "notes.txt").write_text("celebrities, aligned and cropped\n")
    (folder / "000006_corrupt.jpg").write_bytes(b"\xff\xd8 not really a jpeg")
    h5_path = tmp_path / "celeba.h5"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        count = pack(kata, folder, h5_path, what="a folder with notes.txt and a corrupt JPEG")
    said = [str(w.message) for w in caught if issubclass(w.category, UserWarning)]
    for name in ("notes.txt", "000006_corrupt.jpg"):
        assert any(name in text for text in said), (
            f"pack_images skipped {name} (a file Pillow cannot open) without a UserWarning "
            f"naming it; the warnings were {said}. Catch PIL.UnidentifiedImageError (an "
            "OSError) around Image.open(...) and warnings.warn(...) with the file's name: "
            "a silent skip hides a broken download."
        )
    stored = read_group(h5_path)
    assert count == N and sorted(stored) == numbered(N), (
        f"With 2 files that are not images among {N} faces, pack_images returned {count!r} "
        f"and wrote {sorted(stored)}; expected {N} and '0.jpg' .. '{N - 1}.jpg' with no gap: "
        "number the images you write, not the files you look at, or the Dataset that reads "
        "f'{i}.jpg' for i < len meets a missing name."
    )
    expect_faces(stored, jpegs, JPEG_TOLERANCE, "a folder with files that are not images")


def test_a_source_that_does_not_exist_says_what_was_expected(kata, tmp_path):
    error = expect_error(
        FileNotFoundError,
        kata.pack_images,
        tmp_path / "img_align_celeba.zip",
        tmp_path / "celeba.h5",
        why="pack_images('img_align_celeba.zip', ...) must raise FileNotFoundError when that "
        "file does not exist.",
    )
    message = str(error).lower()
    assert "zip" in message and ("folder" in message or "director" in message), (
        f"The FileNotFoundError said {str(error)!r}; say what pack_images expected there: a "
        "folder or a .zip of JPEGs (CelebA's img_align_celeba.zip)."
    )
    assert not (tmp_path / "celeba.h5").exists(), "A failed pack_images left celeba.h5 behind."


@pytest.mark.parametrize("content", ["nothing", "only notes.txt"])
def test_a_source_without_images_is_refused(kata, tmp_path, content):
    folder = tmp_path / "empty"
    folder.mkdir()
    if content == "only notes.txt":
        (folder / "notes.txt").write_text("no faces here\n")
    out = tmp_path / "out"
    out.mkdir()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expect_error(
            ValueError,
            kata.pack_images,
            folder,
            out / "celeba.h5",
            why=f"pack_images over a folder holding {content} must raise ValueError: an "
            "HDF5 file with no faces would only fail later, far from the cause.",
        )
    assert files_in(out) == [], (
        f"After finding no images, the output folder holds {files_in(out)}; expected nothing: "
        "remove the temporary file when you give up."
    )


@pytest.mark.parametrize("entry", ["../evil.jpg", "/abs.jpg", "z/../../evil.jpg"])
def test_a_zip_entry_that_escapes_is_refused_before_anything_is_written(
    kata, tmp_path, jpegs, entry
):
    entries = [(f"{GROUP}/{celeba_name(i)}", encode(jpegs[i])) for i in range(N)]
    source = make_zip(tmp_path / "celeba.zip", [*entries, (entry, encode(jpegs[0]))])
    out = tmp_path / "out"
    out.mkdir()
    h5_path = write_h5(out / "celeba.h5", {GROUP: [noise(0)]})
    before = h5_path.read_bytes()
    error = expect_error(
        ValueError,
        kata.pack_images,
        source,
        h5_path,
        why=f"A zip holding the entry {entry!r} must be refused with ValueError: that path "
        "escapes the archive's folder (zip-slip). Check every name before you read any: "
        "refuse an absolute path or one with a '..' part.",
    )
    assert entry in str(error), (
        f"The ValueError said {str(error)!r}; name the entry, {entry!r}, so that the user "
        "knows which one is the zip-slip."
    )
    assert files_in(out) == ["celeba.h5"] and h5_path.read_bytes() == before, (
        f"After refusing the zip, the output folder holds {files_in(out)} and celeba.h5 "
        f"{'is unchanged' if h5_path.read_bytes() == before else 'was changed'}; expected "
        "the existing celeba.h5 untouched and nothing else (zip-slip refused before writing)."
    )


class SimulatedCrash(Exception):
    """What the disk filling up, or Ctrl-C, looks like to pack_images."""


def crash_on_fourth_image(monkeypatch, h5_path: Path, existed: bool) -> dict[str, int]:
    """Make h5py's create_dataset (which group[name] = array uses too) fail on its 4th call."""
    original = h5py.Group.create_dataset
    calls = {"n": 0}

    def create_dataset(self, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 4:
            assert h5_path.exists() == existed, (
                f"While the images were being written, {h5_path.name} "
                f"{'already existed' if h5_path.exists() else 'was gone'}. Write to a "
                f"temporary file next to it and os.replace(temporary, {h5_path.name}) at the "
                "end: until then h5_path must be left as it was."
            )
            raise SimulatedCrash("the disk is full (simulated by the test)")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(h5py.Group, "create_dataset", create_dataset)
    return calls


def pack_until_crash(kata, folder: Path, h5_path: Path, calls: dict[str, int]) -> None:
    try:
        expect_error(
            SimulatedCrash,
            kata.pack_images,
            folder,
            h5_path,
            why="The test made h5py's create_dataset raise SimulatedCrash on the 4th image "
            "(a full disk, say): pack_images must clean up and let it through. Catch only "
            "what Pillow raises for a file that is not an image (PIL.UnidentifiedImageError, "
            "OSError), and only around Image.open and convert.",
        )
    finally:
        if calls["n"] < 4:
            pytest.fail(
                f"pack_images called h5py's create_dataset {calls['n']} times for {N} images; "
                "this test simulates a crash on the 4th call. Write one dataset per image with "
                "group.create_dataset(f'{i}.jpg', data=pixels) (or group[name] = pixels).",
                pytrace=False,
            )


def test_a_crash_midway_leaves_no_file_behind(kata, tmp_path, jpegs, monkeypatch):
    folder = make_folder(tmp_path / GROUP, jpegs)
    out = tmp_path / "out"
    out.mkdir()
    h5_path = out / "celeba.h5"
    calls = crash_on_fourth_image(monkeypatch, h5_path, existed=False)
    pack_until_crash(kata, folder, h5_path, calls)
    assert files_in(out) == [], (
        f"After a crash on the 4th image the output folder holds {files_in(out)}; expected "
        "nothing: a half-written celeba.h5 would look fine and hold 3 faces. Write to a "
        "temporary file next to h5_path, and remove the temporary if anything fails "
        "(try: ... except BaseException: temporary.unlink(); raise)."
    )


def test_a_crash_midway_leaves_an_existing_file_untouched(kata, tmp_path, jpegs, monkeypatch):
    folder = make_folder(tmp_path / GROUP, jpegs)
    out = tmp_path / "out"
    out.mkdir()
    h5_path = write_h5(out / "celeba.h5", {GROUP: [noise(0), noise(1)]})
    before = h5_path.read_bytes()
    calls = crash_on_fourth_image(monkeypatch, h5_path, existed=True)
    pack_until_crash(kata, folder, h5_path, calls)
    assert files_in(out) == ["celeba.h5"], (
        f"After a crash on the 4th image the output folder holds {files_in(out)}; expected "
        "only the celeba.h5 that was there before: remove the temporary file on failure."
    )
    assert h5_path.read_bytes() == before, (
        "A crash on the 4th image changed the existing celeba.h5: the last good file is lost. "
        "Write to a temporary file next to it; only os.replace(temporary, h5_path), after "
        "the last image, may touch h5_path."
    )


def test_packing_again_replaces_the_file_whole(kata, tmp_path, jpegs):
    folder = make_folder(tmp_path / GROUP, jpegs)
    out = tmp_path / "out"
    out.mkdir()
    h5_path = out / "celeba.h5"
    pack(kata, folder, h5_path, what="..., limit=3", limit=3)
    pack(kata, folder, h5_path, what="... into an existing celeba.h5")
    assert files_in(out) == ["celeba.h5"], (
        f"After packing twice the output folder holds {files_in(out)}; expected only "
        "celeba.h5: os.replace the temporary file onto h5_path, do not leave it behind."
    )
    stored = read_group(h5_path)
    assert sorted(stored) == numbered(N), (
        f"Packing {N} images over a celeba.h5 of 3 left {sorted(stored)}; expected the new "
        f"file whole, '0.jpg' .. '{N - 1}.jpg'."
    )


# ## Task 10.2: CelebADataset.__init__


def test_a_missing_file_says_how_to_build_one(kata, tmp_path):
    error = expect_error(
        FileNotFoundError,
        kata.CelebADataset,
        tmp_path / "celeba.h5",
        why="CelebADataset('celeba.h5') must raise FileNotFoundError when there is no such file.",
    )
    assert "pack_images" in str(error), (
        f"The FileNotFoundError said {str(error)!r}; tell the learner how to make the file: "
        "mention pack_images (e.g. pack_images('img_align_celeba.zip', 'celeba.h5'))."
    )


def test_a_missing_group_lists_the_groups_present(kata, tmp_path):
    h5_path = write_h5(tmp_path / "celeba.h5", {"faces": [noise(0)], "landmarks": [noise(1)]})
    error = expect_error(
        KeyError,
        kata.CelebADataset,
        h5_path,
        why=f"CelebADataset(a file whose groups are 'faces' and 'landmarks') must raise "
        f"KeyError: it has no {GROUP!r} group.",
    )
    message = str(error)
    assert "faces" in message and "landmarks" in message, (
        f"The KeyError said {message!r}; list the groups present ('faces', 'landmarks') so "
        "that the fix is obvious: CelebADataset(path, group='faces')."
    )


def test_init_does_not_keep_the_file_open(kata, packed):
    h5_path, _ = packed
    ds = call(kata.CelebADataset, h5_path, why="CelebADataset(celeba.h5) failed.")
    held = open_hdf5_handles(h5_path)
    assert held == 0, (
        f"After CelebADataset(celeba.h5) returned, the file is open ({held} handle). The "
        "book opens it in __init__ and keeps it; then the dataset cannot be pickled into "
        "DataLoader workers, and forked workers share one handle. Open it, count, and close "
        "it (with h5py.File(...) as file:), and open it for good on the first ds[i]."
    )
    del ds


# ## Task 10.3: CelebADataset.__len__, __getitem__


def test_len_counts_the_images_of_the_group(kata, packed):
    h5_path, faces = packed
    ds = call(kata.CelebADataset, h5_path, why="CelebADataset(celeba.h5) failed.")
    assert len(ds) == len(faces), (
        f"len(CelebADataset(...)) is {len(ds)}; expected {len(faces)}, the number of "
        "datasets in the group (len(file[group]))."
    )


def test_an_item_is_a_float32_height_width_rgb_tensor(kata, packed):
    ds = kata.CelebADataset(packed[0])
    item = call(ds.__getitem__, 0, why="ds[0] failed.")
    assert isinstance(item, torch.Tensor), (
        f"ds[0] returned a {type(item).__name__}; expected a torch.Tensor "
        "(torch.from_numpy(pixels) makes one)."
    )
    assert item.dtype == torch.float32, (
        f"ds[0] has dtype {item.dtype}; expected torch.float32, what the networks' weights "
        "are. Dividing a numpy uint8 array by 255.0 makes float64: convert with .float() "
        "(or torch.from_numpy(pixels).float() / 255.0)."
    )
    assert item.shape == (H, W, 3), (
        f"ds[0] has shape {tuple(item.shape)}; expected the stored (height, width, 3) = "
        f"{(H, W, 3)}."
    )


def test_items_stay_on_the_cpu(kata, packed):
    ds = kata.CelebADataset(packed[0])
    item = call(
        ds.__getitem__,
        0,
        why="ds[0] failed. The book returns torch.cuda.FloatTensor(img) / 255.0, which fails "
        "on a machine without CUDA: the device belongs to the training loop, not the Dataset.",
    )
    assert item.device.type == "cpu", (
        f"ds[0] is on {item.device}; expected the CPU. Choosing the device is the training "
        "loop's job (batch.to(device)); a Dataset that returns CUDA tensors cannot be used "
        "by DataLoader workers or on a machine without a GPU."
    )


def test_an_item_is_the_stored_pixels_divided_by_255(kata, packed):
    h5_path, faces = packed
    ds = kata.CelebADataset(h5_path)
    item = call(ds.__getitem__, 5, why="ds[5] failed.")
    expected = torch.from_numpy(faces[5]).float() / 255.0
    low, high = float(item.min()), float(item.max())
    assert torch.allclose(item.float(), expected, atol=1e-6), (
        f"ds[5] holds values {low:.4g}..{high:.4g}; expected the stored uint8 pixels / 255 "
        f"(here {float(expected.min()):.4g}..{float(expected.max()):.4g}). Divide by 255 "
        "exactly once: 0-255 would saturate the network, and / 255 twice leaves "
        "everything near 0."
    )


def test_item_i_is_the_dataset_named_i_jpg_also_past_9(kata, packed):
    h5_path, faces = packed
    ds = kata.CelebADataset(h5_path)
    for i in range(len(faces)):
        item = call(ds.__getitem__, i, why=f"ds[{i}] failed.")
        if torch.allclose(item.float(), faces_as(faces, i), atol=1e-6):
            continue
        seen = [f"{j}.jpg" for j in range(len(faces)) if torch.allclose(item, faces_as(faces, j))]
        pytest.fail(
            f"ds[{i}] is the image stored as {seen[0] if seen else 'no dataset (scaled)'}; "
            f"expected '{i}.jpg'. The names are strings, so sorted() or the group's own order "
            "puts '10.jpg' and '11.jpg' before '2.jpg': read file[group][f'{index}.jpg'] by "
            "name, not by position.",
            pytrace=False,
        )


@pytest.mark.parametrize("index", [N, N + 5, -1])
def test_an_index_outside_the_images_raises_index_error(kata, packed, index):
    ds = kata.CelebADataset(packed[0])
    expect_error(
        IndexError,
        ds.__getitem__,
        index,
        why=f"ds[{index}] on a dataset of {N} images must raise IndexError: that is how "
        "`for face in ds` stops. Check 0 <= index < len(self) first; a negative index "
        "would ask h5py for a dataset named '-1.jpg' (a KeyError).",
    )


def test_the_dataset_pickles_before_and_after_reading(kata, packed):
    h5_path, faces = packed
    ds = kata.CelebADataset(h5_path)
    why = (
        "pickle.dumps(CelebADataset(...)) failed: a DataLoader with workers started by spawn "
        "(Windows, macOS) pickles the dataset into each worker, and an open h5py.File cannot "
        "be pickled. Keep no open file in __init__, and leave it out of what pickle sees "
        "after the first read: def __getstate__(self): return {**self.__dict__, 'file': None}."
    )
    call(pickle.dumps, ds, why=why)
    first = call(ds.__getitem__, 3, why="ds[3] failed.")
    copy = pickle.loads(call(pickle.dumps, ds, why="After ds[3] was read, " + why))
    again = call(copy.__getitem__, 3, why="ds[3] on an unpickled copy of the dataset failed.")
    last = call(copy.__getitem__, N - 1, why=f"ds[{N - 1}] on an unpickled copy failed.")
    assert torch.equal(again, first) and torch.allclose(last, faces_as(faces, N - 1)), (
        "An unpickled copy of the dataset returned other images than the original: the copy "
        "must open the same file (by its path) on its first read."
    )


def test_a_dataloader_with_two_workers_gives_the_batches_in_order(kata, packed):
    h5_path, faces = packed
    ds = kata.CelebADataset(h5_path)
    loader = DataLoader(ds, batch_size=5, num_workers=2)
    batches = call(
        list,
        loader,
        why="A DataLoader(ds, batch_size=5, num_workers=2) failed to read the dataset in "
        "two worker processes: each worker must open the file itself, on its first ds[i].",
    )
    shapes = [tuple(batch.shape) for batch in batches]
    assert shapes == [(5, H, W, 3), (5, H, W, 3), (2, H, W, 3)], (
        f"A DataLoader with batch_size=5 over {N} images gave batches of shapes {shapes}; "
        f"expected [(5, {H}, {W}, 3), (5, {H}, {W}, 3), (2, {H}, {W}, 3)]."
    )
    expected = torch.stack([faces_as(faces, i) for i in range(N)])
    assert torch.allclose(torch.cat(batches).float(), expected, atol=1e-6), (
        "The DataLoader's batches, in order, are not the images '0.jpg' .. '11.jpg' / 255."
    )


# ## Task 10.4: CelebADataset.as_image


def test_as_image_is_a_picture_imshow_accepts(kata, packed):
    h5_path, faces = packed
    ds = kata.CelebADataset(h5_path)
    picture = np.asarray(call(ds.as_image, 11, why="ds.as_image(11) failed."))
    assert picture.shape == (H, W, 3), (
        f"as_image(11) has shape {picture.shape}; expected {(H, W, 3)}, (height, width, RGB) "
        "as plt.imshow wants it."
    )
    if picture.dtype == np.uint8:
        right = np.array_equal(picture, faces[11])
    else:
        right = np.allclose(picture.astype(np.float64), faces[11] / 255.0, atol=1e-6)
    assert right, (
        f"as_image(11) (dtype {picture.dtype}) is not image '11.jpg': plt.imshow wants the "
        "stored uint8 pixels (0-255) or floats in 0-1; anything else it clips."
    )


# ## Together: pack, then read


def test_a_packed_zip_reads_back_through_the_dataset(kata, tmp_path):
    faces = [noise(i) for i in range(N)]
    source = celeba_zip(tmp_path / "img_align_celeba.zip", faces, "PNG")
    h5_path = tmp_path / "celeba.h5"
    pack(kata, source, h5_path, "faces", what="a zip of PNGs, group='faces'", limit=11)
    ds = call(kata.CelebADataset, h5_path, "faces", why="CelebADataset(h5_path, 'faces') failed.")
    assert len(ds) == 11, f"A file packed with limit=11 gives a dataset of {len(ds)} images."
    for i in (0, 2, 10):
        item = call(ds.__getitem__, i, why=f"ds[{i}] failed.")
        assert torch.allclose(item.float(), faces_as(faces, i), atol=1e-6), (
            f"ds[{i}] of a packed zip is not source file {celeba_name(i, '.png')} / 255: "
            "pack_images numbers the sorted files 0, 1, 2, ... and the Dataset reads "
            "f'{index}.jpg'."
        )
