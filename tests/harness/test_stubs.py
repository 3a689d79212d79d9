"""The stub registry (gankata/runner/stubs.json) matches the stubs in katas/ (its test counts
are `gankata dev check`'s to prove: it collects every kata's tests once, and nox -s tests
runs it)."""

from __future__ import annotations

import subprocess
from pathlib import Path

from gankata.runner import stubs

ROOT = Path(__file__).resolve().parents[2]
REGENERATE = "run `gankata dev sync` after changing a stub or its tests"


def test_every_stub_is_registered_by_its_git_blob_id():
    registered = stubs.registry()
    on_disk = {path.stem: path for path in (ROOT / "katas").glob("*.py")}
    assert set(registered) == set(on_disk), (
        f"stubs.json lists {sorted(registered)}, katas/ holds {sorted(on_disk)}: {REGENERATE}"
    )
    for kata, path in on_disk.items():
        git = subprocess.run(
            ["git", "hash-object", str(path)], capture_output=True, text=True, check=True
        ).stdout.strip()
        assert stubs.blob_id(path.read_bytes()) == git, "blob_id must compute git's blob id"
        assert registered[kata]["blob"] == git, (
            f"katas/{kata}.py is not the stub stubs.json knows (blob {git}, registered "
            f"{registered[kata]['blob']}): {REGENERATE}"
        )


def test_the_shipped_stub_is_found_in_git_whatever_the_branch_holds(checkout, commit):
    kata = "detach"
    target = checkout / "katas" / f"{kata}.py"
    target.write_text("my own work\n")
    commit(checkout, "overwrite the stub in HEAD")
    assert stubs.original_stub(checkout, kata) == (ROOT / "katas" / f"{kata}.py").read_bytes(), (
        "the stub is found by its blob id in the clone's objects, not read from a branch"
    )
    assert stubs.is_stub(kata, stubs.original_stub(checkout, kata))
    assert not stubs.is_stub(kata, b"my own work\n")
