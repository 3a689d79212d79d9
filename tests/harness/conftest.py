"""Fixtures shared by the tests of gankata itself."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Commits must work on a machine with no git identity configured (CI).
GIT = ["git", "-c", "user.name=t", "-c", "user.email=t@t", "-c", "commit.gpgsign=false"]


def _commit(repo: Path, message: str) -> None:
    subprocess.run([*GIT, "add", "."], cwd=repo, check=True)
    subprocess.run([*GIT, "commit", "-qm", message], cwd=repo, check=True)


@pytest.fixture(autouse=True)
def _no_warm_worker(monkeypatch):
    """Tests check in throwaway checkouts, and a warm worker per checkout would outlive the
    test (and hold a few hundred MB): tests that want one ask for ``warm_worker``."""
    from gankata.runner.worker import WORKER_ENV

    monkeypatch.setenv(WORKER_ENV, "off")


@pytest.fixture
def warm_worker(monkeypatch):
    """``warm_worker(root)``: the warm worker is on for ``root``, and stopped after the test."""
    from gankata.runner import worker

    monkeypatch.delenv(worker.WORKER_ENV)
    monkeypatch.setenv(worker.IDLE_ENV, "120")
    roots = []
    yield roots.append
    for root in roots:
        worker.stop(root)


@pytest.fixture
def commit():
    """``commit(repo, message)``: commit everything in ``repo``."""
    return _commit


def _copy_project(target: Path) -> Path:
    """``target`` holding what a learner's clone holds: stubs, solutions, kata tests, config."""
    for folder in ("katas", "solutions"):
        shutil.copytree(ROOT / folder, target / folder)
    (target / "tests").mkdir()
    for test in [*(ROOT / "tests").glob("test_*.py"), ROOT / "tests" / "conftest.py"]:
        shutil.copy(test, target / "tests")
    shutil.copy(ROOT / "pyproject.toml", target)
    return target


def _at_top_level(source: str, code: str) -> str:
    future = "from __future__ import annotations\n"
    assert future in source, "the katas and their tests all start with this import"
    return source.replace(future, future + code, 1)


@pytest.fixture(scope="session")
def at_top_level():
    """``at_top_level(source, code)``: ``source`` that runs ``code`` first when it loads, just
    after its ``from __future__`` import (which Python requires to come first)."""
    return _at_top_level


@pytest.fixture(scope="session")
def copy_project():
    """``copy_project(target)``: a learner's clone's files (no git) in ``target``."""
    return _copy_project


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    """A git clone-alike of the project holding the stubs, solutions and kata tests."""
    _copy_project(tmp_path)
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    _commit(tmp_path, "stubs")
    return tmp_path


@pytest.fixture(scope="session")
def shared_results_cache(tmp_path_factory):
    """One results cache (GANKATA_RESULTS) for the tests that run whole katas through the runner.

    The learner's-path test and the notebook test both run every kata's tests on the same
    code (the stubs, then the solutions); with one cache, whichever comes second reuses the
    first's verdicts, as a learner's second `gankata list` would.
    """
    from gankata.runner.results import CACHE_ENV

    before = os.environ.get(CACHE_ENV)
    os.environ[CACHE_ENV] = str(tmp_path_factory.mktemp("results-cache"))
    yield Path(os.environ[CACHE_ENV])
    if before is None:
        del os.environ[CACHE_ENV]
    else:
        os.environ[CACHE_ENV] = before


@pytest.fixture
def notebook_shell(monkeypatch, capsys):
    """A fresh IPython shell in the project with ``%load_ext gankata`` run.

    ``run(source)`` runs one cell and returns ``(ok, printed)``; ``run.namespace`` is the
    notebook's namespace. No kernel and no network: IPython's InteractiveShell in-process.
    """
    interactiveshell = pytest.importorskip(
        "IPython.core.interactiveshell", reason="notebook mode needs gan-katas[notebook]"
    )
    from gankata.course.words import use_language
    from gankata.runner import screen

    # Rich would wrap the result table at pytest's captured width and split the words tested.
    monkeypatch.setattr(screen.console, "width", 200)
    monkeypatch.setenv("MPLBACKEND", "Agg")
    monkeypatch.delenv("GANKATA_LANG", raising=False)
    monkeypatch.chdir(ROOT)
    ipython = interactiveshell.InteractiveShell.instance()

    def run(source: str) -> tuple[bool, str]:
        result = ipython.run_cell(source, store_history=False)
        return result.success, capsys.readouterr().out

    run.namespace = ipython.user_ns
    ok, out = run("%load_ext gankata")
    assert ok, f"`%load_ext gankata` failed:\n{out}"
    yield run
    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close("all")
    interactiveshell.InteractiveShell.clear_instance()
    use_language("en")
