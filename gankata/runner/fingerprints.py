"""Fingerprints: a short hash of everything a result depends on, so that a change shows.

The results cache keys each verdict on one (``results.cache_key``), and a warm worker whose
fingerprint differs from the client's is stale (``worker.fingerprint``). Both count the
same installed packages: any of them can change what a kata's tests say.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import sys
from collections.abc import Iterable
from pathlib import Path

PACKAGES = ("torch", "numpy", "pytest", "hypothesis", "pytest-timeout", "scikit-learn")


def fingerprint(files: Iterable[Path], *words: str | bytes) -> str:
    """The hash of ``words``, each file's name and bytes, the Python and the PACKAGES' versions.

    Files are named, not located: two clones with the same files give the same fingerprint.
    """
    digest = hashlib.sha256(sys.version.encode())
    for word in words:
        digest.update(word if isinstance(word, bytes) else word.encode())
    for path in files:
        digest.update(path.name.encode())
        digest.update(path.read_bytes() if path.is_file() else b"<missing>")
    for name in PACKAGES:
        try:
            digest.update(importlib.metadata.version(name).encode())
        except importlib.metadata.PackageNotFoundError:
            digest.update(f"no {name}".encode())
    return digest.hexdigest()[:24]
