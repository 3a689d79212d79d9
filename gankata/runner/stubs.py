"""The stubs as the workshop shipped them, known by their git blob ids.

``stubs.json`` records, for each kata, the git blob id of its untouched ``katas/<kata>.py``
and how many tests it has. With it the runner knows, without git and without running a
test, that a file is still the stub ("not started"), and ``reset`` finds the stub's exact
bytes in any clone's object store, whatever the learner committed since, in a fork, or with
no ``origin`` at all. A maintainer who edits a stub runs ``python -m gankata.runner.stubs``
(a harness test fails until they do).
"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
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


def count_tests(root: Path, kata: str) -> int:
    """How many tests ``tests/test_<kata>.py`` collects (one implementation)."""
    listed = subprocess.run(
        [sys.executable, "-m", "pytest", f"tests/test_{kata}.py", "--collect-only", "-q"],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    )
    found = re.search(r"(\d+) tests? collected", listed.stdout)
    if found is None:
        raise RuntimeError(f"pytest did not say how many tests it collected:\n{listed.stdout}")
    return int(found.group(1))


def build(root: Path) -> dict[str, dict]:
    """The registry for the stubs now in ``root/katas``."""
    return {
        path.stem: {"blob": blob_id(path.read_bytes()), "tests": count_tests(root, path.stem)}
        for path in sorted((root / "katas").glob("*.py"))
    }


def render(entries: dict[str, dict]) -> str:
    return json.dumps(entries, indent=1, sort_keys=True) + "\n"


if __name__ == "__main__":
    REGISTRY.write_text(render(build(Path(__file__).resolve().parents[2])), encoding="utf-8")
    print(f"wrote {REGISTRY}")
