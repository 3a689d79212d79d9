"""The stubs as the workshop shipped them, known by their git blob ids.

``stubs.json`` records, for each kata, the git blob id of its untouched ``katas/<kata>.py``
and how many tests it has. With it the runner knows, without git and without running a
test, that a file is still the stub ("not started"), and ``reset`` finds the stub's exact
bytes in any clone's object store, whatever the learner committed since, in a fork, or with
no ``origin`` at all. A maintainer who edits a stub or its tests runs ``gankata dev sync``,
which rewrites it (a harness test fails until they do).
"""

from __future__ import annotations

import hashlib
import json
import subprocess
from pathlib import Path

REGISTRY = Path(__file__).with_name("stubs.json")


class StubNotFound(Exception):
    """The shipped stub's bytes are not in this clone's git objects."""


def blob_id(data: bytes) -> str:
    """The id git gives a file with these bytes (``git hash-object``)."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def registry(path: Path = REGISTRY) -> dict[str, dict]:
    return json.loads(path.read_text(encoding="utf-8"))


def is_stub(kata: str, data: bytes) -> bool:
    """True when ``data`` is byte for byte the stub of ``kata`` as shipped."""
    entry = registry().get(kata)
    return entry is not None and entry["blob"] == blob_id(data)


def test_count(kata: str) -> int:
    return registry()[kata]["tests"]


def original_stub(root: Path, kata: str) -> bytes:
    """The shipped stub's bytes, from this clone's git objects (never from a branch)."""
    blob = registry()[kata]["blob"]
    shown = subprocess.run(
        ["git", "cat-file", "blob", blob], cwd=root, capture_output=True, check=False
    )
    if shown.returncode != 0 or blob_id(shown.stdout) != blob:
        raise StubNotFound(blob)
    return shown.stdout
