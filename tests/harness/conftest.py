"""Fixtures shared by the tests of gankata itself."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    """A git clone-alike of the project holding the stubs, solutions and kata tests."""
    for folder in ("katas", "solutions"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    (tmp_path / "tests").mkdir()
    for test in [*(ROOT / "tests").glob("test_*.py"), ROOT / "tests" / "conftest.py"]:
        shutil.copy(test, tmp_path / "tests")
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@t", "-c", "commit.gpgsign=false"]
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    subprocess.run(["git", "add", "."], cwd=tmp_path, check=True)
    subprocess.run([*git, "commit", "-qm", "stubs"], cwd=tmp_path, check=True)
    return tmp_path
