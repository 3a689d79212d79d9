"""Kata 10 · CelebA in HDF5: packing JPEGs into one file and reading them lazily
(katas/celeba_hdf5.py).
"""

from __future__ import annotations

import io
import os
import pickle
import re
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
from gankata.testkit.messages import msg

H, W = 10, 8  # small faces, not square: a transposed picture would show as (8, 10, 3)
N = 12  # more than 10, so that '10.jpg' and '11.jpg' exist and sort before '2.jpg'
GROUP = "img_align_celeba"
JPEG_TOLERANCE = 10  # JPEG is lossy: a solid colour comes back within a few levels
# How a wrong item may be scaled: what the stored uint8 pixels were multiplied by.
SCALES = {"/ 255": 1 / 255.0, "0-255": 1.0, "/ 255 twice": 1 / 255.0**2}
# The repr of an object, such as Pillow's "<_io.BytesIO object at 0x7f...>".
OBJECT_REPR = re.compile(r"<[\w.]+ object at 0x[0-9a-fA-F]+>")


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
        assert group in file, msg(
            "{file} has no group {group!r}; it holds {names}. Put every image in the group: "
            "file.create_group({group!r}), then one dataset per image in it.",
            "{file}에 {group!r} 그룹이 없습니다. 들어 있는 것은 {names}입니다. 모든 이미지를 "
            "그 그룹에 넣으세요: file.create_group({group!r})로 그룹을 만들고, 그 안에 "
            "이미지마다 데이터셋을 하나씩 만듭니다.",
            file=h5_path.name,
            group=group,
            names=list(file),
        )
        return {name: file[group][name][()] for name in file[group]}


def numbered(count: int) -> list[str]:
    return sorted(f"{i}.jpg" for i in range(count))


def expect_faces(stored: dict[str, np.ndarray], faces: list[np.ndarray], tolerance: int, how: str):
    """Dataset 'i.jpg' must hold face i (the i-th source file in sorted order).

    ``how`` says what was packed, as a message: "Packing {how}: ..." in English, and in
    Korean a phrase that opens the sentence ("JPEG 폴더를 담은 경우").
    """
    for i, face in enumerate(faces):
        if f"{i}.jpg" not in stored:
            pytest.fail(
                msg(
                    "Packing {how} wrote the datasets {names}, with no '{i}.jpg': image i of "
                    "the sorted files must be the dataset f'{{i}}.jpg', for i = 0, 1, 2, ...",
                    "{how}, 데이터셋 {names}가 쓰였고 '{i}.jpg'가 없습니다. 정렬된 파일 중 "
                    "i번째 이미지가 데이터셋 f'{{i}}.jpg'여야 합니다(i = 0, 1, 2, ...).",
                    how=how,
                    names=sorted(stored),
                    i=i,
                ),
                pytrace=False,
            )
        pixels = stored[f"{i}.jpg"]
        error = int(np.abs(pixels.astype(int) - face.astype(int)).max())
        if error <= tolerance:
            continue
        other = next(
            (
                j
                for j, candidate in enumerate(faces)
                if pixels.shape == candidate.shape
                and int(np.abs(pixels.astype(int) - candidate.astype(int)).max()) <= tolerance
            ),
            None,
        )
        if other is not None:
            pytest.fail(
                msg(
                    "Packing {how}: dataset '{i}.jpg' holds source file {other_file} (image "
                    "{other} in sorted order), not {source} (image {i}). Take the files in "
                    "sorted order of their names (a folder listing or a zip comes in any "
                    "order: sorted(...) them first), and number the images 0, 1, 2, ... as "
                    "you write them.",
                    "{how}, 데이터셋 '{i}.jpg'에 원본 파일 {source}(정렬 순서로 {i}번째 "
                    "이미지)가 아니라 {other_file}(정렬 순서로 {other}번째 이미지)이 들어 "
                    "있습니다. 파일을 이름의 정렬 순서로 가져오고(폴더 목록이나 zip은 아무 "
                    "순서로나 나오니 먼저 sorted(...)하세요), 쓰는 순서대로 이미지에 0, 1, 2, "
                    "... 번호를 매기세요.",
                    how=how,
                    i=i,
                    source=celeba_name(i),
                    other=other,
                    other_file=celeba_name(other),
                ),
                pytrace=False,
            )
        pytest.fail(
            msg(
                "Packing {how}: dataset '{i}.jpg' differs from source file {source} (image {i} "
                "in sorted order) by up to {error} levels; expected at most {tolerance}. Take "
                "the files in sorted order of their names (a folder listing or a zip comes in "
                "any order), number the images 0, 1, 2, ... as you write them, and store each "
                "one's pixels as they are (no transpose, no scaling).",
                "{how}, 데이터셋 '{i}.jpg'가 원본 파일 {source}(정렬 순서로 {i}번째 이미지)와 "
                "최대 {error}단계까지 다릅니다. 차이는 최대 {tolerance}단계여야 합니다. 파일을 "
                "이름의 정렬 순서로 가져오고(폴더 목록이나 zip은 아무 순서로나 나옵니다), 쓰는 "
                "순서대로 이미지에 0, 1, 2, ... 번호를 매기고, 각 이미지의 픽셀을 있는 그대로 "
                "(전치도 스케일링도 없이) 저장하세요.",
                how=how,
                i=i,
                source=celeba_name(i),
                error=error,
                tolerance=tolerance,
            ),
            pytrace=False,
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


def identify(item: object, faces: list[np.ndarray]) -> tuple[int, str] | None:
    """Which stored face ``item`` is and how it is scaled (a key of SCALES), or None."""
    if not isinstance(item, torch.Tensor):
        return None
    item = item.detach().cpu().double()
    for j, face in enumerate(faces):
        pixels = torch.from_numpy(face).double()
        if item.shape != pixels.shape:
            return None
        for how, scale in SCALES.items():
            if torch.allclose(item / scale, pixels, rtol=0.0, atol=2.5e-4):
                return j, how
    return None


def wrong_item(i: int, item: torch.Tensor, faces: list[np.ndarray]) -> str:
    """Why ``item``, returned by ds[i], is not face i / 255: which image it is, or its scale.

    ``faces`` are all the images of the group, so that its string order is theirs.
    """
    string_order = sorted(f"{k}.jpg" for k in range(len(faces)))
    if not isinstance(item, torch.Tensor):
        return msg(
            "ds[{i}] returned a {kind}; expected a torch.Tensor, the stored pixels of "
            "'{i}.jpg' / 255: torch.from_numpy(pixels).float() / 255.0.",
            "ds[{i}]이 {kind}를 반환했습니다. '{i}.jpg'의 저장된 픽셀 / 255인 torch.Tensor여야 "
            "합니다: torch.from_numpy(pixels).float() / 255.0.",
            i=i,
            kind=type(item).__name__,
        )
    found = identify(item, faces)
    expected = faces_as(faces, i)
    values = {
        "i": i,
        "low": float(item.min()),
        "high": float(item.max()),
        "expected_low": float(expected.min()),
        "expected_high": float(expected.max()),
    }
    if found is None:
        return msg(
            "ds[{i}] is not the stored pixels of '{i}.jpg' / 255, nor any other image's, scaled "
            "or not: it holds values {low:.4g}..{high:.4g} (shape {shape}); expected "
            "{expected_low:.4g}..{expected_high:.4g}. Return the dataset's pixels as stored (no "
            "transpose, flip or shuffle), divided by 255 once: "
            "torch.from_numpy(file[group][f'{{index}}.jpg'][()]).float() / 255.0.",
            "ds[{i}]이 '{i}.jpg'의 저장된 픽셀 / 255가 아니고, 스케일과 상관없이 다른 어떤 "
            "이미지도 아닙니다: 값이 {low:.4g}..{high:.4g}(shape {shape})입니다. "
            "{expected_low:.4g}..{expected_high:.4g} 범위여야 합니다. 데이터셋의 픽셀을 저장된 "
            "그대로(전치, 뒤집기, 섞기 없이) 255로 한 번 나눠 반환하세요: "
            "torch.from_numpy(file[group][f'{{index}}.jpg'][()]).float() / 255.0.",
            shape=tuple(item.shape),
            **values,
        )
    j, how = found
    if j != i and string_order[i] == f"{j}.jpg":
        return msg(
            "ds[{i}] holds the image stored as '{j}.jpg', not image {i} ('{i}.jpg'). "
            "'{j}.jpg' is the name at position {i} in string order, the order in which h5py "
            "lists a group's names and sorted() puts them: '0.jpg', '1.jpg', '10.jpg', "
            "'11.jpg', '2.jpg', ... So list(group)[{i}] or sorted(group)[{i}] is not image "
            "{i}: read the dataset by its name, file[group][f'{{index}}.jpg'].",
            "ds[{i}]에 {i}번 이미지('{i}.jpg')가 아니라 '{j}.jpg'로 저장된 이미지가 들어 "
            "있습니다. '{j}.jpg'는 문자열 순서로 {i}번째 이름입니다. h5py가 그룹의 이름을 "
            "나열하는 순서이자 sorted()가 정렬하는 순서인 문자열 순서는 '0.jpg', '1.jpg', "
            "'10.jpg', '11.jpg', '2.jpg', ...입니다. 그래서 list(group)[{i}]나 "
            "sorted(group)[{i}]는 {i}번 이미지가 아닙니다: 데이터셋을 이름으로 읽으세요, "
            "file[group][f'{{index}}.jpg'].",
            j=j,
            **values,
        )
    if j != i:
        return msg(
            "ds[{i}] holds the image stored as '{j}.jpg', not image {i} ('{i}.jpg'). Image "
            "{i} is the dataset named f'{{index}}.jpg' with index = {i}, counted from 0 as "
            "pack_images names them: read it by that name, file[group][f'{{index}}.jpg'].",
            "ds[{i}]에 {i}번 이미지('{i}.jpg')가 아니라 '{j}.jpg'로 저장된 이미지가 들어 "
            "있습니다. {i}번 이미지는 index = {i}일 때 f'{{index}}.jpg'라는 이름의 "
            "데이터셋입니다(pack_images가 이름을 붙이듯 0부터 셉니다). 그 이름으로 읽으세요: "
            "file[group][f'{{index}}.jpg'].",
            j=j,
            **values,
        )
    if how == "0-255":
        return msg(
            "ds[{i}] is the stored pixels of '{i}.jpg' not divided by 255: values "
            "{low:.4g}..{high:.4g}; expected them / 255, in 0-1 (here "
            "{expected_low:.4g}..{expected_high:.4g}). Divide by 255 exactly once "
            "(torch.from_numpy(pixels).float() / 255.0): 0-255 would saturate the network.",
            "ds[{i}]이 '{i}.jpg'의 저장된 픽셀을 255로 나누지 않은 값입니다: 값이 "
            "{low:.4g}..{high:.4g}입니다. 255로 나눈 0-1 범위(여기서는 "
            "{expected_low:.4g}..{expected_high:.4g})여야 합니다. 255로 정확히 한 번 "
            "나누세요(torch.from_numpy(pixels).float() / 255.0): 0-255 값을 넣으면 신경망이 "
            "포화됩니다.",
            **values,
        )
    if how == "/ 255 twice":
        return msg(
            "ds[{i}] is the stored pixels of '{i}.jpg' divided by 255 twice: values "
            "{low:.4g}..{high:.4g}; expected them / 255 once, in 0-1 (here "
            "{expected_low:.4g}..{expected_high:.4g}). Divide by 255 exactly once: / 255 "
            "twice leaves everything near 0.",
            "ds[{i}]이 '{i}.jpg'의 저장된 픽셀을 255로 두 번 나눈 값입니다: 값이 "
            "{low:.4g}..{high:.4g}입니다. 255로 한 번 나눈 0-1 범위(여기서는 "
            "{expected_low:.4g}..{expected_high:.4g})여야 합니다. 255로 정확히 한 번만 "
            "나누세요: / 255를 두 번 하면 모든 값이 0 근처에 몰립니다.",
            **values,
        )
    return msg(
        "ds[{i}] is '{i}.jpg' / 255 only to within 2.5e-4 of a level (values "
        "{low:.4g}..{high:.4g}); expected it within 1e-6: compute "
        "torch.from_numpy(pixels).float() / 255.0 exactly.",
        "ds[{i}]이 '{i}.jpg' / 255와 한 단계의 2.5e-4 이내로만 같습니다(값 "
        "{low:.4g}..{high:.4g}). 차이가 1e-6 이내여야 합니다: "
        "torch.from_numpy(pixels).float() / 255.0을 그대로 계산하세요.",
        **values,
    )


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


def pack(kata, source: Path, h5_path: Path, *args, what: str, note: str = "", **kwargs) -> int:
    """pack_images(source, h5_path, *args, **kwargs); ``what`` (a message) names the call."""
    why = msg(
        "pack_images({what}) failed.{note}",
        "pack_images({what}) 호출이 실패했습니다.{note}",
        what=what,
        note=note,
    )
    return call(kata.pack_images, source, h5_path, *args, why=why, **kwargs)


def png_note() -> str:
    """Said beside a failed pack of PNGs: the book's loop keeps only the '.jpg' names."""
    return msg(
        " If it found no images: every file Pillow can open is an image here, PNGs too, "
        "whatever its extension. The book's loop keeps only the names that end in '.jpg', and "
        "that filter skips every PNG: drop it, and let Image.open decide (a file it cannot "
        "open is skipped with a warning).",
        " 이미지를 하나도 찾지 못했다면: 이 카타에서는 확장자와 상관없이 Pillow가 열 수 있는 "
        "파일은 모두 이미지이고, PNG도 마찬가지입니다. 책의 루프는 이름이 '.jpg'로 끝나는 "
        "파일만 남기는데, 그 필터는 PNG를 모두 건너뜁니다: 필터를 없애고 Image.open이 판단하게 "
        "하세요(열지 못하는 파일은 경고와 함께 건너뜁니다).",
    )


def ds_failed(i: int) -> str:
    return msg("ds[{i}] failed.", "ds[{i}] 호출이 실패했습니다.", i=i)


def open_dataset(kata, h5_path: Path):
    return call(
        kata.CelebADataset,
        h5_path,
        why=msg(
            "CelebADataset(celeba.h5) failed.", "CelebADataset(celeba.h5) 호출이 실패했습니다."
        ),
    )


def check_skip_warnings(said: list[str], names: list[str], where: str) -> None:
    """Each of ``names`` is named by a UserWarning in ``said``, none shows an object's repr."""
    for name in names:
        assert any(name in text for text in said), msg(
            "pack_images skipped {name} in {where} (a file Pillow cannot open) without a "
            "UserWarning naming it; the warnings were {said}. Catch PIL.UnidentifiedImageError "
            "(an OSError) around Image.open(...) and warnings.warn(...) with the file's name "
            "(its path, or its name in the zip; Pillow's own error names an io.BytesIO, not "
            "the file): a silent skip hides a broken download.",
            "pack_images가 {where}의 {name}(Pillow가 열 수 없는 파일)을 건너뛰면서 그 이름을 "
            "담은 UserWarning을 발생시키지 않았습니다. 나온 경고는 {said}입니다. "
            "Image.open(...)을 감싸 PIL.UnidentifiedImageError(OSError의 하위 클래스)를 잡고, "
            "파일 이름(경로, 또는 zip 안의 이름. Pillow의 오류 메시지는 파일이 아니라 "
            "io.BytesIO를 가리킵니다)을 넣어 warnings.warn(...)을 호출하세요: 조용히 건너뛰면 "
            "깨진 다운로드를 알아챌 수 없습니다.",
            name=name,
            where=where,
            said=said,
        )
    for text in said:
        shown = OBJECT_REPR.search(text)
        assert shown is None, msg(
            "pack_images warned {text!r}, which shows {repr}: the repr of an object in memory "
            "(the io.BytesIO that Pillow was given), which tells the user nothing. Expected the "
            "file's name (its path, or its name in the zip) and why it was skipped, in your own "
            "words: Pillow's UnidentifiedImageError names the BytesIO, not the file, so do not "
            "put its text in the warning (e.g. warnings.warn(f'skipped {{name}}: not an image')).",
            "pack_images가 {text!r}라고 경고했는데, 여기 보이는 {repr}는 메모리 속 객체(Pillow에 "
            "넘긴 io.BytesIO)의 repr이라 사용자에게 아무것도 알려 주지 않습니다. 파일 이름(경로, "
            "또는 zip 안의 이름)과 건너뛴 이유를 직접 쓴 문장이어야 합니다: Pillow의 "
            "UnidentifiedImageError는 파일이 아니라 BytesIO를 가리키므로, 그 메시지를 경고에 "
            "넣지 마세요(예: warnings.warn(f'skipped {{name}}: not an image')).",
            text=text,
            repr=shown.group(0),
        )


# ## Task 10.1: pack_images


def test_a_folder_of_jpegs_becomes_one_group_of_numbered_datasets(kata, tmp_path, jpegs):
    folder = make_folder(tmp_path / GROUP, jpegs)
    h5_path = tmp_path / "celeba.h5"
    what = msg("a folder of 12 JPEGs, 'celeba.h5'", "JPEG 12장이 든 폴더, 'celeba.h5'")
    count = pack(kata, folder, h5_path, what=what)
    assert count == N and isinstance(count, int), msg(
        "pack_images over a folder of {n} JPEGs returned {count!r}; expected the int {n}, the "
        "number of images written.",
        "JPEG {n}장이 든 폴더로 pack_images를 호출했더니 반환값이 {count!r}입니다. 쓴 이미지의 "
        "수({n})를 int로 반환해야 합니다.",
        n=N,
        count=count,
    )
    assert h5_path.is_file(), msg(
        "pack_images returned, but {name} does not exist; expected the packed file there: "
        "write a temporary file next to it and os.replace(temporary, h5_path) at the end.",
        "pack_images가 반환했지만 {name} 파일이 없습니다. 그 자리에 담은 파일이 있어야 합니다: 그 "
        "옆에 임시 파일을 쓰고, 마지막에 os.replace(temporary, h5_path)를 호출하세요.",
        name=h5_path.name,
    )
    names = sorted(read_group(h5_path))
    assert names == numbered(N), msg(
        "The group {group!r} holds the datasets {names}; expected one per image named "
        "'0.jpg' .. '{last}.jpg': image i of the sorted files is f'{{i}}.jpg', as in the book.",
        "{group!r} 그룹에 든 데이터셋은 {names}입니다. 이미지마다 하나씩, '0.jpg' .. "
        "'{last}.jpg'라는 이름이어야 합니다: 책처럼, 정렬된 파일 중 i번째 이미지가 "
        "f'{{i}}.jpg'입니다.",
        group=GROUP,
        names=names,
        last=N - 1,
    )


def test_each_image_is_a_uint8_height_width_rgb_array(kata, tmp_path, jpegs):
    h5_path = tmp_path / "celeba.h5"
    what = msg("a folder of JPEGs", "JPEG 폴더")
    pack(kata, make_folder(tmp_path / GROUP, jpegs), h5_path, what=what)
    pixels = read_group(h5_path)["0.jpg"]
    assert pixels.dtype == np.uint8, msg(
        "Dataset '0.jpg' has dtype {dtype}; expected uint8, the 0-255 pixels as decoded. "
        "Floats take 4 times the space; scaling to 0-1 is the Dataset's job.",
        "데이터셋 '0.jpg'의 dtype이 {dtype}입니다. 디코딩한 0-255 픽셀 그대로인 uint8이어야 "
        "합니다. float는 4배의 공간을 차지하고, 0-1로 스케일링하는 것은 Dataset이 할 일입니다.",
        dtype=pixels.dtype,
    )
    assert pixels.shape == (H, W, 3), msg(
        "Dataset '0.jpg' has shape {shape}; expected (height, width, 3) = {expected}, the "
        "shape np.asarray(picture.convert('RGB')) gives (CelebA's is (218, 178, 3)).",
        "데이터셋 '0.jpg'의 shape이 {shape}입니다. np.asarray(picture.convert('RGB'))가 주는 "
        "shape인 (높이, 너비, 3) = {expected}여야 합니다(CelebA라면 (218, 178, 3)).",
        shape=pixels.shape,
        expected=(H, W, 3),
    )


def test_image_i_is_the_i_th_file_in_sorted_order(kata, tmp_path, jpegs):
    h5_path = tmp_path / "celeba.h5"
    what = msg("a folder of JPEGs", "JPEG 폴더")
    pack(kata, make_folder(tmp_path / GROUP, jpegs), h5_path, what=what)
    how = msg("a folder of JPEGs", "JPEG 폴더를 담은 경우")
    expect_faces(read_group(h5_path), jpegs, JPEG_TOLERANCE, how)


def test_the_zip_is_packed_as_celeba_comes(kata, tmp_path, jpegs):
    source = celeba_zip(tmp_path / "img_align_celeba.zip", jpegs)
    h5_path = tmp_path / "celeba.h5"
    what = msg(
        "img_align_celeba.zip, whose entries are 'img_align_celeba/' and "
        "'img_align_celeba/000001.jpg' ... (a folder entry first: skip it)",
        "항목이 'img_align_celeba/'와 'img_align_celeba/000001.jpg' ...인 "
        "img_align_celeba.zip(폴더 항목이 맨 앞에 있으니 건너뛰세요)",
    )
    count = pack(kata, source, h5_path, what=what)
    stored = read_group(h5_path)
    assert count == N and sorted(stored) == numbered(N), msg(
        "pack_images over a zip of {n} JPEGs returned {count!r} and wrote {names}; expected "
        "{n} and '0.jpg' .. '{last}.jpg'. Read the entries straight from the zip "
        "(zipfile.ZipFile(...).read(name)) and skip folder entries (names ending in '/').",
        "JPEG {n}장이 든 zip으로 pack_images를 호출했더니 반환값이 {count!r}이고 {names}를 "
        "썼습니다. 반환값은 {n}, 데이터셋은 '0.jpg' .. '{last}.jpg'여야 합니다. 항목을 "
        "zip에서 바로 읽고(zipfile.ZipFile(...).read(name)), 폴더 항목(이름이 '/'로 끝나는 "
        "것)은 건너뛰세요.",
        n=N,
        count=count,
        names=sorted(stored),
        last=N - 1,
    )
    how = msg("a zip whose entries are not in sorted order", "항목이 정렬되지 않은 zip을 담은 경우")
    expect_faces(stored, jpegs, JPEG_TOLERANCE, how)


def test_png_pixels_are_stored_exactly(kata, tmp_path):
    faces = [noise(i) for i in range(N)]
    h5_path = tmp_path / "celeba.h5"
    what = msg("a folder of PNGs", "PNG 폴더")
    folder = make_folder(tmp_path / "pngs", faces, "PNG")
    pack(kata, folder, h5_path, what=what, note=png_note())
    how = msg("a folder of PNGs (lossless)", "PNG(무손실) 폴더를 담은 경우")
    expect_faces(read_group(h5_path), faces, 0, how)


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
    what = msg("a folder holding one {mode} PNG", "{mode} PNG 하나가 든 폴더", mode=mode)
    pack(kata, folder, h5_path, what=what, note=png_note())
    pixels = read_group(h5_path)["0.jpg"]
    expected = np.asarray(picture.convert("RGB"))
    assert pixels.shape == (H, W, 3) and np.array_equal(pixels, expected), msg(
        "A {mode} image was stored with shape {shape}; expected {expected}, its RGB pixels. "
        "Convert every picture to RGB first (picture.convert('RGB')): a greyscale, palette or "
        "transparent file in the folder would otherwise give a (H, W) or (H, W, 4) array, and "
        "the network expects 3 channels for every face.",
        "{mode} 이미지가 shape {shape}으로 저장되었습니다. RGB 픽셀인 {expected}여야 합니다. "
        "모든 그림을 먼저 RGB로 변환하세요(picture.convert('RGB')). 그러지 않으면 폴더 속 "
        "회색조, 팔레트, 투명 파일은 (H, W)나 (H, W, 4) 배열이 되는데, 신경망은 모든 얼굴이 "
        "3채널이기를 기대합니다.",
        mode=mode,
        shape=pixels.shape,
        expected=(H, W, 3),
    )


def test_a_16_bit_png_is_scaled_to_8_bits_not_clipped(kata, tmp_path):
    # Every level from black to white, 0 .. 65535, in a 16-bit greyscale PNG (mode 'I;16').
    levels = np.linspace(0, 65535, H * W).round().astype(np.uint16).reshape(H, W)
    folder = tmp_path / "faces"
    folder.mkdir()
    Image.fromarray(levels).save(folder / "000001.png")
    with Image.open(folder / "000001.png") as written:
        mode = written.mode
    assert mode.startswith("I"), msg(
        "The test's own 16-bit PNG opens in Pillow mode {mode}, not 'I;16': this Pillow reads "
        "16-bit PNGs differently, and the test needs updating (not your code).",
        "테스트가 만든 16비트 PNG가 Pillow 모드 'I;16'이 아니라 {mode}로 열립니다: 이 Pillow는 "
        "16비트 PNG를 다르게 읽으니, 고칠 것은 여러분의 코드가 아니라 테스트입니다.",
        mode=mode,
    )
    h5_path = tmp_path / "celeba.h5"
    what = msg("a folder holding one 16-bit PNG", "16비트 PNG 하나가 든 폴더")
    pack(kata, folder, h5_path, what=what, note=png_note())
    pixels = read_group(h5_path)["0.jpg"]
    expected = levels.astype(np.float64) / 257  # 0 .. 65535 -> 0 .. 255
    shape_ok = pixels.shape == (H, W, 3) and pixels.dtype == np.uint8
    error = float(np.abs(pixels.astype(np.float64) - expected[..., None]).max()) if shape_ok else 0
    white = 100 * float(np.mean(pixels == 255))
    assert shape_ok and error <= 1, msg(
        "A 16-bit greyscale PNG (Pillow mode {mode}, levels 0..65535 from black to white) was "
        "stored as {dtype} {shape} with {white:.1f} % of its values at 255, up to {error:.0f} "
        "levels from level / 257; expected uint8 {expected_shape} with every value within 1 of "
        "level / 257 (0..255), the same in R, G and B. picture.convert('RGB') clips every level "
        "above 255 to 255, so nearly all of the picture turns white: scale a 16-bit picture "
        "first (its mode starts with 'I'): np.asarray(picture) / 257 or >> 8, as uint8, then "
        "convert('RGB').",
        "16비트 회색조 PNG(Pillow 모드 {mode}, 검정부터 흰색까지 0..65535 단계)가 {dtype} "
        "{shape}로 저장되었고, 값의 {white:.1f} %가 255이며 level / 257과 최대 {error:.0f}단계 "
        "차이가 납니다. 모든 값이 level / 257(0..255)과 1 이내이고 R, G, B가 같은 uint8 "
        "{expected_shape} 배열이어야 합니다. picture.convert('RGB')는 255를 넘는 모든 단계를 255로 "
        "잘라 내서 그림이 거의 다 하얗게 됩니다: 16비트 그림(모드가 'I'로 시작)은 먼저 "
        "스케일링하세요. np.asarray(picture) / 257이나 >> 8을 uint8로 만든 뒤 "
        "convert('RGB')합니다.",
        mode=mode,
        dtype=pixels.dtype,
        shape=pixels.shape,
        white=white,
        error=error,
        expected_shape=(H, W, 3),
    )


def test_limit_packs_the_first_images(kata, tmp_path, jpegs):
    folder = make_folder(tmp_path / GROUP, jpegs)
    h5_path = tmp_path / "celeba.h5"
    count = pack(kata, folder, h5_path, what="..., limit=5", limit=5)
    stored = read_group(h5_path)
    assert count == 5 and sorted(stored) == numbered(5), msg(
        "pack_images(..., limit=5) over {n} images returned {count!r} and wrote {names}; "
        "expected 5 and '0.jpg' .. '4.jpg': stop after `limit` images (count the images you "
        "write, and stop when count == limit).",
        "이미지 {n}장에 pack_images(..., limit=5)를 호출했더니 반환값이 {count!r}이고 {names}를 "
        "썼습니다. 반환값은 5, 데이터셋은 '0.jpg' .. '4.jpg'여야 합니다: `limit`장을 쓰면 "
        "멈추세요(쓴 이미지를 세다가 count == limit이 되면 멈춥니다).",
        n=N,
        count=count,
        names=sorted(stored),
    )
    expect_faces(stored, jpegs[:5], JPEG_TOLERANCE, msg("with limit=5", "limit=5로 담은 경우"))
    many = pack(kata, folder, tmp_path / "all.h5", what="..., limit=100", limit=100)
    assert many == N, msg(
        "pack_images(..., limit=100) over {n} images returned {many!r}; expected {n}: limit is "
        "the most to pack, not a number that must be reached.",
        "이미지 {n}장에 pack_images(..., limit=100)을 호출했더니 반환값이 {many!r}입니다. "
        "반환값은 {n}장이어야 합니다: limit은 담을 수 있는 최대 개수이지, 반드시 채워야 하는 수가 "
        "아닙니다.",
        n=N,
        many=many,
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
        why=msg(
            "pack_images(..., limit={limit}) must raise ValueError: a limit below 1 packs no "
            "image, which is never what was meant.",
            "pack_images(..., limit={limit})는 ValueError를 발생시켜야 합니다: 1보다 작은 "
            "limit으로는 이미지를 하나도 담지 못하는데, 그런 뜻으로 부르는 사람은 없습니다.",
            limit=limit,
        ),
    )
    assert files_in(out) == [], msg(
        "After refusing limit={limit}, the output folder holds {files}; expected nothing: "
        "check the arguments before you create any file.",
        "limit={limit}을 거부한 뒤 출력 폴더에 {files}가 있습니다. 아무것도 없어야 합니다: "
        "파일을 만들기 전에 인자부터 확인하세요.",
        limit=limit,
        files=files_in(out),
    )


def test_the_group_is_yours_to_name(kata, tmp_path, jpegs):
    h5_path = tmp_path / "celeba.h5"
    folder = make_folder(tmp_path / GROUP, jpegs)
    pack(kata, folder, h5_path, "faces", what="..., 'faces'")
    with h5py.File(h5_path, "r") as file:
        groups = list(file)
    assert groups == ["faces"], msg(
        "pack_images(..., group='faces') wrote the top-level names {groups}; expected only "
        "['faces']: use the group argument, not the default name.",
        "pack_images(..., group='faces')가 최상위 이름 {groups}를 썼습니다. ['faces']만 "
        "있어야 합니다: 기본 이름 대신 group 인자를 쓰세요.",
        groups=groups,
    )


def test_a_file_that_is_not_an_image_is_skipped_with_a_warning(kata, tmp_path, jpegs):
    folder = make_folder(tmp_path / GROUP, jpegs)
    (folder / "notes.txt").write_text("celebrities, aligned and cropped\n")
    (folder / "000006_corrupt.jpg").write_bytes(b"\xff\xd8 not really a jpeg")
    h5_path = tmp_path / "celeba.h5"
    what = msg("a folder with notes.txt and a corrupt JPEG", "notes.txt와 깨진 JPEG가 든 폴더")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        count = pack(kata, folder, h5_path, what=what)
    said = [str(w.message) for w in caught if issubclass(w.category, UserWarning)]
    check_skip_warnings(said, ["notes.txt", "000006_corrupt.jpg"], msg("a folder", "폴더"))
    stored = read_group(h5_path)
    assert count == N and sorted(stored) == numbered(N), msg(
        "With 2 files that are not images among {n} faces, pack_images returned {count!r} and "
        "wrote {names}; expected {n} and '0.jpg' .. '{last}.jpg' with no gap: number the "
        "images you write, not the files you look at, or the Dataset that reads f'{{i}}.jpg' "
        "for i < len meets a missing name.",
        "얼굴 {n}장 사이에 이미지가 아닌 파일이 2개 있을 때 pack_images의 반환값이 {count!r}이고 "
        "쓴 데이터셋은 {names}입니다. 반환값은 {n}, 데이터셋은 빈 번호 없이 "
        "'0.jpg' .. '{last}.jpg'여야 합니다: 살펴본 파일이 아니라 쓴 이미지에 번호를 "
        "매기세요. 그러지 않으면 i < len인 f'{{i}}.jpg'를 읽는 Dataset이 없는 이름을 "
        "만납니다.",
        n=N,
        count=count,
        names=sorted(stored),
        last=N - 1,
    )
    how = msg(
        "a folder with files that are not images", "이미지가 아닌 파일이 섞인 폴더를 담은 경우"
    )
    expect_faces(stored, jpegs, JPEG_TOLERANCE, how)


def test_a_zip_entry_that_is_not_an_image_is_named_in_the_warning(kata, tmp_path, jpegs):
    entries = [(f"{GROUP}/{celeba_name(i)}", encode(jpegs[i])) for i in range(N)]
    entries.append((f"{GROUP}/notes.txt", b"celebrities, aligned and cropped\n"))
    source = make_zip(tmp_path / "img_align_celeba.zip", entries)
    h5_path = tmp_path / "celeba.h5"
    what = msg("a zip holding img_align_celeba/notes.txt", "img_align_celeba/notes.txt가 든 zip")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        count = pack(kata, source, h5_path, what=what)
    said = [str(w.message) for w in caught if issubclass(w.category, UserWarning)]
    check_skip_warnings(said, ["notes.txt"], msg("the zip", "zip 파일"))
    assert count == N, msg(
        "With notes.txt among {n} faces in the zip, pack_images returned {count!r}; expected "
        "{n}: a skipped entry takes no number.",
        "zip에 얼굴 {n}장과 notes.txt가 있을 때 pack_images의 반환값이 {count!r}입니다. "
        "반환값은 {n}장이어야 합니다: 건너뛴 항목에는 번호를 매기지 않습니다.",
        n=N,
        count=count,
    )


def test_a_source_that_does_not_exist_says_what_was_expected(kata, tmp_path):
    error = expect_error(
        FileNotFoundError,
        kata.pack_images,
        tmp_path / "img_align_celeba.zip",
        tmp_path / "celeba.h5",
        why=msg(
            "pack_images('img_align_celeba.zip', ...) must raise FileNotFoundError when that "
            "file does not exist.",
            "pack_images('img_align_celeba.zip', ...)는 그 파일이 없을 때 FileNotFoundError를 "
            "발생시켜야 합니다.",
        ),
    )
    message = str(error).lower()
    assert "zip" in message and ("folder" in message or "director" in message), msg(
        "The FileNotFoundError said {said!r}; say what pack_images expected there: a folder "
        "or a .zip of JPEGs (CelebA's img_align_celeba.zip).",
        "FileNotFoundError의 메시지가 {said!r}입니다. pack_images가 그 자리에 무엇을 "
        "기대했는지 말해 주세요: 폴더(folder)나 JPEG의 .zip(CelebA의 img_align_celeba.zip).",
        said=str(error),
    )
    assert not (tmp_path / "celeba.h5").exists(), msg(
        "A failed pack_images left celeba.h5 behind; expected no file: check that the source "
        "exists before you create anything.",
        "실패한 pack_images가 celeba.h5를 남겼습니다. 아무 파일도 없어야 합니다: 무언가를 "
        "만들기 전에 원본이 있는지 확인하세요.",
    )


@pytest.mark.parametrize("content", ["nothing", "only notes.txt"])
def test_a_source_without_images_is_refused(kata, tmp_path, content):
    folder = tmp_path / "empty"
    folder.mkdir()
    if content == "only notes.txt":
        (folder / "notes.txt").write_text("no faces here\n")
    out = tmp_path / "out"
    out.mkdir()
    holding = {
        "nothing": msg("nothing", "아무것도 들지 않은"),
        "only notes.txt": msg("only notes.txt", "notes.txt만 든"),
    }[content]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expect_error(
            ValueError,
            kata.pack_images,
            folder,
            out / "celeba.h5",
            why=msg(
                "pack_images over a folder holding {holding} must raise ValueError: an HDF5 "
                "file with no faces would only fail later, far from the cause.",
                "{holding} 폴더로 pack_images를 호출하면 ValueError를 발생시켜야 합니다: 얼굴이 "
                "하나도 없는 HDF5 파일은 나중에야, 원인에서 먼 곳에서 실패합니다.",
                holding=holding,
            ),
        )
    assert files_in(out) == [], msg(
        "After finding no images, the output folder holds {files}; expected nothing: remove "
        "the temporary file when you give up.",
        "이미지를 찾지 못한 뒤 출력 폴더에 {files}가 있습니다. 아무것도 없어야 합니다: 포기할 "
        "때 임시 파일을 지우세요.",
        files=files_in(out),
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
        why=msg(
            "A zip holding the entry {entry!r} must be refused with ValueError: that path "
            "escapes the archive's folder (zip-slip). Check every name before you read any: "
            "refuse an absolute path or one with a '..' part.",
            "{entry!r} 항목이 든 zip은 ValueError로 거부해야 합니다: 그 경로는 압축 파일의 "
            "폴더 밖으로 나갑니다(zip-slip). 어떤 항목을 읽기 전에 모든 이름을 확인하고, 절대 "
            "경로나 '..' 부분이 있는 경로를 거부하세요.",
            entry=entry,
        ),
    )
    assert entry in str(error), msg(
        "The ValueError said {said!r}; name the entry, {entry!r}, so that the user knows which "
        "one is the zip-slip.",
        "ValueError의 메시지가 {said!r}입니다. 어느 항목이 zip-slip인지 사용자가 알 수 있도록 "
        "항목 이름 {entry!r}를 넣으세요.",
        said=str(error),
        entry=entry,
    )
    unchanged = h5_path.read_bytes() == before
    assert files_in(out) == ["celeba.h5"] and unchanged, msg(
        "After refusing the zip, the output folder holds {files} and celeba.h5 {state}; "
        "expected the existing celeba.h5 untouched and nothing else (zip-slip refused before "
        "writing).",
        "zip을 거부한 뒤 출력 폴더에 {files}가 있고, celeba.h5는 {state}. 기존 celeba.h5는 "
        "그대로이고 그 밖에는 아무것도 없어야 합니다(zip-slip은 쓰기 전에 거부합니다).",
        files=files_in(out),
        state=msg("is unchanged", "그대로입니다")
        if unchanged
        else msg("was changed", "바뀌었습니다"),
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
            exists = h5_path.exists()
            assert exists == existed, msg(
                "While the images were being written, {name} {state}. Write to a temporary "
                "file next to it and os.replace(temporary, {name}) at the end: until then "
                "h5_path must be left as it was.",
                "이미지를 쓰는 동안 {name} 파일이 {state}. 그 옆의 임시 파일(temporary)에 쓰고 "
                "마지막에 os.replace(temporary, {name})를 호출하세요: 그때까지 h5_path는 "
                "원래대로 두어야 합니다.",
                name=h5_path.name,
                state=msg("already existed", "벌써 생겨 있었습니다")
                if exists
                else msg("was gone", "사라져 있었습니다"),
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
            why=msg(
                "The test made h5py's create_dataset raise SimulatedCrash on the 4th image (a "
                "full disk, say): pack_images must clean up and let it through. Catch only what "
                "Pillow raises for a file that is not an image (PIL.UnidentifiedImageError, "
                "OSError), and only around Image.open and convert.",
                "이 테스트는 h5py의 create_dataset이 4번째 이미지에서 SimulatedCrash를 "
                "발생시키게 했습니다(디스크가 가득 찬 경우처럼). pack_images는 뒷정리를 한 뒤 "
                "그 예외를 그대로 내보내야 합니다. 이미지가 아닌 파일에 Pillow가 발생시키는 "
                "예외(PIL.UnidentifiedImageError, OSError)만, 그것도 Image.open과 convert "
                "주변에서만 잡으세요.",
            ),
        )
    finally:
        if calls["n"] < 4:
            pytest.fail(
                msg(
                    "pack_images called h5py's create_dataset {n} times for {total} images; "
                    "this test simulates a crash on the 4th call. Write one dataset per image "
                    "with group.create_dataset(f'{{i}}.jpg', data=pixels) (or group[name] = "
                    "pixels).",
                    "pack_images가 이미지 {total}장에 대해 h5py의 create_dataset을 {n}번 "
                    "호출했습니다. 이 테스트는 4번째 호출에서 충돌을 흉내 냅니다. "
                    "group.create_dataset(f'{{i}}.jpg', data=pixels)(또는 group[name] = "
                    "pixels)로 이미지마다 데이터셋을 하나씩 쓰세요.",
                    n=calls["n"],
                    total=N,
                ),
                pytrace=False,
            )


def test_a_crash_midway_leaves_no_file_behind(kata, tmp_path, jpegs, monkeypatch):
    folder = make_folder(tmp_path / GROUP, jpegs)
    out = tmp_path / "out"
    out.mkdir()
    h5_path = out / "celeba.h5"
    calls = crash_on_fourth_image(monkeypatch, h5_path, existed=False)
    pack_until_crash(kata, folder, h5_path, calls)
    assert files_in(out) == [], msg(
        "After a crash on the 4th image the output folder holds {files}; expected nothing: a "
        "half-written celeba.h5 would look fine and hold 3 faces. Write to a temporary file "
        "next to h5_path, and remove the temporary if anything fails (try: ... except "
        "BaseException: temporary.unlink(); raise).",
        "4번째 이미지에서 충돌한 뒤 출력 폴더에 {files}가 있습니다. 아무것도 없어야 합니다: "
        "반쯤 쓰인 celeba.h5는 멀쩡해 보이지만 얼굴이 3장뿐입니다. h5_path 옆의 임시 파일에 "
        "쓰고, 무엇이든 실패하면 그 임시 파일을 지우세요(try: ... except BaseException: "
        "temporary.unlink(); raise).",
        files=files_in(out),
    )


def test_a_crash_midway_leaves_an_existing_file_untouched(kata, tmp_path, jpegs, monkeypatch):
    folder = make_folder(tmp_path / GROUP, jpegs)
    out = tmp_path / "out"
    out.mkdir()
    h5_path = write_h5(out / "celeba.h5", {GROUP: [noise(0), noise(1)]})
    before = h5_path.read_bytes()
    calls = crash_on_fourth_image(monkeypatch, h5_path, existed=True)
    pack_until_crash(kata, folder, h5_path, calls)
    assert files_in(out) == ["celeba.h5"], msg(
        "After a crash on the 4th image the output folder holds {files}; expected only the "
        "celeba.h5 that was there before: remove the temporary file on failure.",
        "4번째 이미지에서 충돌한 뒤 출력 폴더에 {files}가 있습니다. 원래 있던 celeba.h5만 "
        "있어야 합니다: 실패하면 임시 파일을 지우세요.",
        files=files_in(out),
    )
    assert h5_path.read_bytes() == before, msg(
        "A crash on the 4th image changed the existing celeba.h5; expected it byte for byte as "
        "it was, or the last good file is lost. Write to a temporary file next to it; only "
        "os.replace(temporary, h5_path), after the last image, may touch h5_path.",
        "4번째 이미지에서 충돌하면서 기존 celeba.h5가 바뀌었습니다. 바이트 하나까지 그대로여야 "
        "합니다. 그렇지 않으면 마지막으로 멀쩡했던 파일을 잃습니다. 그 옆의 임시 파일에 쓰세요. "
        "h5_path를 건드려도 되는 것은 마지막 이미지를 쓴 뒤의 os.replace(temporary, h5_path)"
        "뿐입니다.",
    )


def test_packing_again_replaces_the_file_whole(kata, tmp_path, jpegs):
    folder = make_folder(tmp_path / GROUP, jpegs)
    out = tmp_path / "out"
    out.mkdir()
    h5_path = out / "celeba.h5"
    pack(kata, folder, h5_path, what="..., limit=3", limit=3)
    again = msg("... into an existing celeba.h5", "..., 이미 있는 celeba.h5에")
    pack(kata, folder, h5_path, what=again)
    assert files_in(out) == ["celeba.h5"], msg(
        "After packing twice the output folder holds {files}; expected only celeba.h5: "
        "os.replace the temporary file onto h5_path, do not leave it behind.",
        "두 번 담은 뒤 출력 폴더에 {files}가 있습니다. celeba.h5만 있어야 합니다: 임시 파일을 "
        "os.replace로 h5_path에 옮기고, 남겨 두지 마세요.",
        files=files_in(out),
    )
    stored = read_group(h5_path)
    assert sorted(stored) == numbered(N), msg(
        "Packing {n} images over a celeba.h5 of 3 left {names}; expected the new file whole, "
        "'0.jpg' .. '{last}.jpg': replace the old file with os.replace(temporary, h5_path), "
        "do not add to it.",
        "이미지 3장이 든 celeba.h5 위에 {n}장을 담았더니 {names}가 남았습니다. 새 파일 전체, "
        "즉 '0.jpg' .. '{last}.jpg'여야 합니다: 기존 파일에 덧붙이지 말고 "
        "os.replace(temporary, h5_path)로 통째로 바꾸세요.",
        n=N,
        names=sorted(stored),
        last=N - 1,
    )


# ## Task 10.2: CelebADataset.__init__


def test_a_missing_file_says_how_to_build_one(kata, tmp_path):
    error = expect_error(
        FileNotFoundError,
        kata.CelebADataset,
        tmp_path / "celeba.h5",
        why=msg(
            "CelebADataset('celeba.h5') must raise FileNotFoundError when there is no such "
            "file: check h5_path.is_file() before h5py.File, whose own error does not say how "
            "to make one.",
            "CelebADataset('celeba.h5')는 그런 파일이 없을 때 FileNotFoundError를 발생시켜야 "
            "합니다: h5py.File의 오류는 파일을 만드는 방법을 알려 주지 않으니, 그 전에 "
            "h5_path.is_file()을 확인하세요.",
        ),
    )
    assert "pack_images" in str(error), msg(
        "The FileNotFoundError said {said!r}; tell the learner how to make the file: mention "
        "pack_images (e.g. pack_images('img_align_celeba.zip', 'celeba.h5')).",
        "FileNotFoundError의 메시지가 {said!r}입니다. 파일을 만드는 방법을 알려 주세요: "
        "pack_images를 언급하세요(예: pack_images('img_align_celeba.zip', 'celeba.h5')).",
        said=str(error),
    )


@pytest.mark.parametrize("damage", ["garbage", "truncated"])
def test_a_damaged_file_is_named_with_a_hint_to_pack_it_again(kata, tmp_path, damage):
    h5_path = tmp_path / "celeba.h5"
    if damage == "garbage":
        h5_path.write_bytes(b"this is not an HDF5 file\n" * 40)
        what = msg("holding text, not HDF5", "HDF5가 아니라 텍스트가 든")
    else:
        data = write_h5(h5_path, {GROUP: [noise(i) for i in range(N)]}).read_bytes()
        h5_path.write_bytes(data[: len(data) // 2])  # a pack or a copy that was cut short
        what = msg("cut short at half its size", "크기의 절반에서 잘린")
    error = expect_error(
        OSError,
        kata.CelebADataset,
        h5_path,
        why=msg(
            "CelebADataset(a celeba.h5 {what}) must raise OSError, as h5py.File does for a "
            "file it cannot read, with a message that names the file and says to pack it "
            "again.",
            "CelebADataset({what} celeba.h5)은 h5py.File이 읽을 수 없는 파일에 그러듯 "
            "OSError를 발생시켜야 하고, 그 메시지는 파일 이름을 밝히고 다시 담으라고 말해야 "
            "합니다.",
            what=what,
        ),
    )
    said = str(error)
    assert h5_path.name in said and "pack_images" in said, msg(
        "CelebADataset(a celeba.h5 {what}) raised {kind}: {said!r}; expected a message that "
        "names the file ({name}) and says to pack it again with pack_images. h5py's own "
        "'file signature not found' or 'truncated file' names neither: open the file with "
        "try: h5py.File(path, 'r') except OSError as error: raise OSError(f'{{path}} is not "
        "a readable HDF5 file ({{error}}): pack it again with pack_images(...)') from error.",
        "CelebADataset({what} celeba.h5)이 {kind}: {said!r}를 발생시켰습니다. 파일 "
        "이름({name})을 밝히고 pack_images로 다시 담으라고 말하는 메시지여야 합니다. h5py의 "
        "'file signature not found'나 'truncated file'은 파일 이름도, 고치는 방법도 알려 주지 "
        "않습니다: try: h5py.File(path, 'r') except OSError as error: raise OSError(f'{{path}} "
        "is not a readable HDF5 file ({{error}}): pack it again with pack_images(...)') from "
        "error처럼 파일을 여세요.",
        what=what,
        kind=type(error).__name__,
        said=said,
        name=h5_path.name,
    )


def test_a_missing_group_lists_the_groups_present(kata, tmp_path):
    h5_path = write_h5(tmp_path / "celeba.h5", {"faces": [noise(0)], "landmarks": [noise(1)]})
    error = expect_error(
        KeyError,
        kata.CelebADataset,
        h5_path,
        why=msg(
            "CelebADataset(a file whose groups are 'faces' and 'landmarks') must raise "
            "KeyError: it has no {group!r} group.",
            "CelebADataset(그룹이 'faces'와 'landmarks'인 파일)은 KeyError를 발생시켜야 합니다: "
            "{group!r} 그룹이 없습니다.",
            group=GROUP,
        ),
    )
    message = str(error)
    assert "faces" in message and "landmarks" in message, msg(
        "The KeyError said {said!r}; list the groups present ('faces', 'landmarks') so that "
        "the fix is obvious: CelebADataset(path, group='faces').",
        "KeyError의 메시지가 {said!r}입니다. 어떻게 고칠지 바로 보이도록 파일에 있는 "
        "그룹('faces', 'landmarks')을 나열하세요: CelebADataset(path, group='faces').",
        said=message,
    )


def test_init_does_not_keep_the_file_open(kata, packed):
    h5_path, _ = packed
    ds = open_dataset(kata, h5_path)
    held = open_hdf5_handles(h5_path)
    assert held == 0, msg(
        "After CelebADataset(celeba.h5) returned, the file is open ({held} handle); expected "
        "it closed. The book opens it in __init__ and keeps it; then the dataset cannot be "
        "pickled into DataLoader workers, and forked workers share one handle. Open it, "
        "count, and close it (with h5py.File(...) as file:), and open it for good on the "
        "first ds[i].",
        "CelebADataset(celeba.h5)가 반환된 뒤에도 파일이 열려 있습니다(핸들 {held}개). 닫혀 "
        "있어야 합니다. 책은 __init__에서 파일을 열어 계속 들고 있는데, 그러면 데이터셋을 "
        "DataLoader 워커로 pickle해 보낼 수 없고, fork된 워커들은 핸들 하나를 나눠 씁니다. "
        "파일을 열어 개수를 세고 닫은 뒤(with h5py.File(...) as file:), 첫 ds[i]에서 계속 쓸 "
        "파일을 여세요.",
        held=held,
    )
    del ds


# ## Task 10.3: CelebADataset.__len__, __getitem__


def test_len_counts_the_images_of_the_group(kata, packed):
    h5_path, faces = packed
    ds = open_dataset(kata, h5_path)
    assert len(ds) == len(faces), msg(
        "len(CelebADataset(...)) is {got}; expected {n}, the number of datasets in the group "
        "(len(file[group])).",
        "len(CelebADataset(...))이 {got}입니다. 그룹 안의 데이터셋 수(len(file[group])), 즉 "
        "{n}개여야 합니다.",
        got=len(ds),
        n=len(faces),
    )


def test_an_item_is_a_float32_height_width_rgb_tensor(kata, packed):
    ds = kata.CelebADataset(packed[0])
    item = call(ds.__getitem__, 0, why=ds_failed(0))
    assert isinstance(item, torch.Tensor), msg(
        "ds[0] returned a {kind}; expected a torch.Tensor (torch.from_numpy(pixels) makes one).",
        "ds[0]이 {kind}를 반환했습니다. torch.Tensor여야 합니다(torch.from_numpy(pixels)로 "
        "만들 수 있습니다).",
        kind=type(item).__name__,
    )
    assert item.dtype == torch.float32, msg(
        "ds[0] has dtype {dtype}; expected torch.float32, what the networks' weights are. "
        "Dividing a numpy uint8 array by 255.0 makes float64: convert with .float() (or "
        "torch.from_numpy(pixels).float() / 255.0).",
        "ds[0]의 dtype이 {dtype}입니다. 신경망 가중치와 같은 torch.float32여야 합니다. numpy "
        "uint8 배열을 255.0으로 나누면 float64가 됩니다: .float()로 변환하세요(또는 "
        "torch.from_numpy(pixels).float() / 255.0).",
        dtype=item.dtype,
    )
    assert item.shape == (H, W, 3), msg(
        "ds[0] has shape {shape}; expected the stored (height, width, 3) = {expected}: return "
        "the pixels as stored, without permute.",
        "ds[0]의 shape이 {shape}입니다. 저장된 그대로인 (높이, 너비, 3) = {expected}여야 "
        "합니다: permute 없이 저장된 픽셀을 그대로 반환하세요.",
        shape=tuple(item.shape),
        expected=(H, W, 3),
    )


def test_items_stay_on_the_cpu(kata, packed):
    ds = kata.CelebADataset(packed[0])
    item = call(
        ds.__getitem__,
        0,
        why=msg(
            "ds[0] failed. The book returns torch.cuda.FloatTensor(img) / 255.0, which fails on "
            "a machine without CUDA: the device belongs to the training loop, not the Dataset.",
            "ds[0] 호출이 실패했습니다. 책은 torch.cuda.FloatTensor(img) / 255.0을 반환하는데, "
            "CUDA가 없는 컴퓨터에서는 실패합니다: 장치(device)는 Dataset이 아니라 훈련 루프가 "
            "정합니다.",
        ),
    )
    assert item.device.type == "cpu", msg(
        "ds[0] is on {device}; expected the CPU. Choosing the device is the training loop's "
        "job (batch.to(device)); a Dataset that returns CUDA tensors cannot be used by "
        "DataLoader workers or on a machine without a GPU.",
        "ds[0]이 {device}에 있습니다. CPU에 있어야 합니다. 장치(device)를 고르는 것은 훈련 "
        "루프의 일입니다(batch.to(device)). CUDA 텐서를 반환하는 Dataset은 DataLoader "
        "워커에서도, GPU가 없는 컴퓨터에서도 쓸 수 없습니다.",
        device=item.device,
    )


def test_an_item_is_the_stored_pixels_divided_by_255(kata, packed):
    h5_path, faces = packed
    ds = kata.CelebADataset(h5_path)
    item = call(ds.__getitem__, 5, why=ds_failed(5))
    expected = torch.from_numpy(faces[5]).float() / 255.0
    right = (
        isinstance(item, torch.Tensor)
        and item.shape == expected.shape
        and torch.allclose(item.float(), expected, atol=1e-6)
    )
    assert right, wrong_item(5, item, faces)


def test_item_i_is_the_dataset_named_i_jpg_also_past_9(kata, packed):
    h5_path, faces = packed
    ds = kata.CelebADataset(h5_path)
    for i in range(len(faces)):
        item = call(ds.__getitem__, i, why=ds_failed(i))
        if (
            isinstance(item, torch.Tensor)
            and item.shape == (H, W, 3)
            and torch.allclose(item.float(), faces_as(faces, i), atol=1e-6)
        ):
            continue
        pytest.fail(wrong_item(i, item, faces), pytrace=False)


@pytest.mark.parametrize("index", [N, N + 5, -1])
def test_an_index_outside_the_images_raises_index_error(kata, packed, index):
    ds = kata.CelebADataset(packed[0])
    expect_error(
        IndexError,
        ds.__getitem__,
        index,
        why=msg(
            "ds[{index}] on a dataset of {n} images must raise IndexError: that is how `for "
            "face in ds` stops. Check 0 <= index < len(self) first; a negative index would ask "
            "h5py for a dataset named '-1.jpg' (a KeyError).",
            "이미지 {n}장짜리 데이터셋에서 ds[{index}]는 IndexError를 발생시켜야 합니다: `for "
            "face in ds`는 그것을 보고 멈춥니다. 먼저 0 <= index < len(self)를 확인하세요. "
            "음수 인덱스라면 h5py에 '-1.jpg'라는 데이터셋을 찾게 됩니다(KeyError).",
            index=index,
            n=N,
        ),
    )


def test_the_dataset_pickles_before_and_after_reading(kata, packed):
    h5_path, faces = packed
    ds = kata.CelebADataset(h5_path)
    why = msg(
        "pickle.dumps(CelebADataset(...)) failed: a DataLoader with workers started by spawn "
        "(Windows, macOS) pickles the dataset into each worker, and an open h5py.File cannot "
        "be pickled. Keep no open file in __init__, and leave it out of what pickle sees after "
        "the first read: def __getstate__(self): return {{**self.__dict__, 'file': None}}.",
        "pickle.dumps(CelebADataset(...))가 실패했습니다: 워커를 spawn으로 시작하는(Windows, "
        "macOS) DataLoader는 데이터셋을 pickle해서 각 워커로 보내는데, 열린 h5py.File은 "
        "pickle할 수 없습니다. __init__에서 파일을 열어 두지 말고, 첫 읽기 뒤에는 pickle이 "
        "보는 상태에서 파일을 빼세요: def __getstate__(self): return {{**self.__dict__, "
        "'file': None}}.",
    )
    call(pickle.dumps, ds, why=why)
    first = call(ds.__getitem__, 3, why=ds_failed(3))
    after = msg("After ds[3] was read, {why}", "ds[3]을 읽은 뒤: {why}", why=why)
    copy = pickle.loads(call(pickle.dumps, ds, why=after))
    again = call(
        copy.__getitem__,
        3,
        why=msg(
            "ds[3] on an unpickled copy of the dataset failed: the copy has no open file (its "
            "'file' is None) and must open the same path on its first read.",
            "unpickle한 데이터셋 사본에서 ds[3] 호출이 실패했습니다: 사본에는 열린 파일이 "
            "없으므로('file'이 None) 첫 읽기에서 같은 경로의 파일을 열어야 합니다.",
        ),
    )
    last = call(
        copy.__getitem__,
        N - 1,
        why=msg(
            "ds[{i}] on an unpickled copy failed.",
            "unpickle한 사본에서 ds[{i}] 호출이 실패했습니다.",
            i=N - 1,
        ),
    )
    assert torch.equal(again, first), msg(
        "An unpickled copy of the dataset returned another ds[3] than the original; expected "
        "the same image: the copy must open the same file (by its path) on its first read.",
        "unpickle한 데이터셋 사본이 원본과 다른 ds[3]을 반환했습니다. 같은 이미지여야 합니다: "
        "사본은 첫 읽기에서 같은 파일을 (경로로) 열어야 합니다.",
    )
    assert torch.allclose(last, faces_as(faces, N - 1)), msg(
        "On an unpickled copy of the dataset: {why}",
        "unpickle한 데이터셋 사본에서: {why}",
        why=wrong_item(N - 1, last, faces),
    )


def test_a_dataloader_with_two_workers_gives_the_batches_in_order(kata, packed):
    h5_path, faces = packed
    ds = kata.CelebADataset(h5_path)
    loader = DataLoader(ds, batch_size=5, num_workers=2)
    batches = call(
        list,
        loader,
        why=msg(
            "A DataLoader(ds, batch_size=5, num_workers=2) failed to read the dataset in two "
            "worker processes: each worker must open the file itself, on its first ds[i].",
            "DataLoader(ds, batch_size=5, num_workers=2)가 워커 프로세스 두 개에서 데이터셋을 "
            "읽지 못했습니다: 워커마다 첫 ds[i]에서 파일을 직접 열어야 합니다.",
        ),
    )
    shapes = [tuple(batch.shape) for batch in batches]
    assert shapes == [(5, H, W, 3), (5, H, W, 3), (2, H, W, 3)], msg(
        "A DataLoader with batch_size=5 over {n} images gave batches of shapes {shapes}; "
        "expected [(5, {h}, {w}, 3), (5, {h}, {w}, 3), (2, {h}, {w}, 3)]: len(ds) must be the "
        "number of images and ds[i] one ({h}, {w}, 3) image.",
        "이미지 {n}장에 batch_size=5인 DataLoader가 shape이 {shapes}인 배치를 주었습니다. "
        "[(5, {h}, {w}, 3), (5, {h}, {w}, 3), (2, {h}, {w}, 3)]이어야 합니다: len(ds)는 "
        "이미지 수이고, ds[i]는 ({h}, {w}, 3) 이미지 하나여야 합니다.",
        n=N,
        shapes=shapes,
        h=H,
        w=W,
    )
    rows = torch.cat(batches).float()
    expected = torch.stack([faces_as(faces, i) for i in range(N)])
    assert torch.allclose(rows, expected, atol=1e-6), msg(
        "The DataLoader's batches, in order, are not the images '0.jpg' .. '{last}.jpg' / 255; "
        "expected row i of torch.cat(batches) to be ds[i]. Read in a worker: {why}",
        "DataLoader의 배치를 차례로 이으면 이미지 '0.jpg' .. '{last}.jpg' / 255가 아닙니다. "
        "torch.cat(batches)의 i번째 행이 ds[i]여야 합니다. 워커에서 읽은 결과: {why}",
        last=N - 1,
        why=next(
            wrong_item(i, rows[i], faces)
            for i in range(N)
            if not torch.allclose(rows[i], expected[i], atol=1e-6)
        ),
    )


# ## Task 10.4: CelebADataset.as_image


def test_as_image_is_a_picture_imshow_accepts(kata, packed):
    h5_path, faces = packed
    ds = kata.CelebADataset(h5_path)
    why = msg("ds.as_image(11) failed.", "ds.as_image(11) 호출이 실패했습니다.")
    picture = np.asarray(call(ds.as_image, 11, why=why))
    assert picture.shape == (H, W, 3), msg(
        "as_image(11) has shape {shape}; expected {expected}, (height, width, RGB) as "
        "plt.imshow wants it.",
        "as_image(11)의 shape이 {shape}입니다. plt.imshow가 원하는 (높이, 너비, RGB) 순서의 "
        "{expected}여야 합니다.",
        shape=picture.shape,
        expected=(H, W, 3),
    )
    if picture.dtype == np.uint8:
        right = np.array_equal(picture, faces[11])
    else:
        right = np.allclose(picture.astype(np.float64), faces[11] / 255.0, atol=1e-6)
    assert right, msg(
        "as_image(11) (dtype {dtype}) is not image '11.jpg': plt.imshow wants the stored "
        "uint8 pixels (0-255) or floats in 0-1; anything else it clips. Return the stored "
        "array, read by name: file[group]['11.jpg'][()] ('11.jpg' is not at position 11 in "
        "the group's string order).",
        "as_image(11)(dtype {dtype})이 이미지 '11.jpg'가 아닙니다. plt.imshow는 저장된 uint8 "
        "픽셀(0-255)이나 0-1 범위의 float를 원하고, 그 밖의 값은 잘라 냅니다. 이름으로 읽은 "
        "저장된 배열 file[group]['11.jpg'][()]를 반환하세요('11.jpg'는 그룹의 문자열 순서에서 "
        "11번째 자리에 있지 않습니다).",
        dtype=picture.dtype,
    )


# ## Together: pack, then read


def test_a_packed_zip_reads_back_through_the_dataset(kata, tmp_path):
    faces = [noise(i) for i in range(N)]
    source = celeba_zip(tmp_path / "img_align_celeba.zip", faces, "PNG")
    h5_path = tmp_path / "celeba.h5"
    what = msg("a zip of PNGs, group='faces'", "PNG가 든 zip, group='faces'")
    count = pack(kata, source, h5_path, "faces", what=what, note=png_note(), limit=11)
    ds = call(
        kata.CelebADataset,
        h5_path,
        "faces",
        why=msg(
            "CelebADataset(h5_path, 'faces') failed.",
            "CelebADataset(h5_path, 'faces') 호출이 실패했습니다.",
        ),
    )
    if len(ds) > 11:
        likely = msg(
            "pack_images wrote more images than limit: stop as soon as count == limit.",
            "pack_images가 limit보다 많은 이미지를 썼습니다: count == limit이 되는 즉시 멈추세요.",
        )
    else:
        likely = msg(
            "pack_images stopped early: count toward limit only the images you write, not the "
            "zip's entries (its folder entry, a skipped file), and stop when count == limit.",
            "pack_images가 너무 일찍 멈췄습니다: zip의 항목(폴더 항목, 건너뛴 파일)이 아니라 "
            "쓴 이미지만 limit까지 세고, count == limit이 되면 멈추세요.",
        )
    assert len(ds) == 11, msg(
        "pack_images(a zip of {n} PNGs, group='faces', limit=11) returned {count!r}, and "
        "CelebADataset(h5_path, 'faces') then holds {got} images; expected 11: the zip holds "
        "{n} images, and limit=11 packs the first 11 of them (its folder entry "
        "'img_align_celeba/' is not an image and counts for nothing). {likely}",
        "pack_images(PNG {n}장이 든 zip, group='faces', limit=11)의 반환값은 {count!r}이고, "
        "그다음 CelebADataset(h5_path, 'faces')에는 이미지가 {got}장 있습니다. 11장이어야 "
        "합니다: zip에 이미지가 {n}장 있고, limit=11은 그중 처음 11장을 담습니다(폴더 항목 "
        "'img_align_celeba/'는 이미지가 아니니 세지 않습니다). {likely}",
        n=N,
        count=count,
        got=len(ds),
        likely=likely,
    )
    for i in (0, 2, 10):
        item = call(ds.__getitem__, i, why=ds_failed(i))
        right = (
            isinstance(item, torch.Tensor)
            and item.shape == (H, W, 3)
            and torch.allclose(item.float(), faces_as(faces, i), atol=1e-6)
        )
        assert right, msg(
            "ds[{i}] of a packed zip is not source file {source} / 255: pack_images numbers "
            "the sorted files 0, 1, 2, ... and the Dataset reads f'{{index}}.jpg'. {why}",
            "담은 zip의 ds[{i}]가 원본 파일 {source} / 255가 아닙니다: pack_images는 정렬된 "
            "파일에 0, 1, 2, ... 번호를 매기고, Dataset은 f'{{index}}.jpg'를 읽습니다. {why}",
            i=i,
            source=celeba_name(i, ".png"),
            why=wrong_item(i, item, faces[:11]),
        )
