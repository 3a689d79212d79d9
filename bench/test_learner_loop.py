"""The learner's loop: how long the real ``gankata`` takes to answer, as a learner types it.

Every figure is the wall time of the CLI run as a subprocess on a throwaway checkout, from
the command to its last line, in one run so that the ratios compare like with like:

- ``cold``: a check with no worker running (start Python, import torch and pytest, test);
- ``warm``: the same check with the worker running, on a file changed since the last check;
- ``solved``: a warm check of the reference answer (every test runs to the end, training
  tests included), the learner's last check of a kata;
- ``watch``: ``gankata watch KATA`` running, from a save to the end of its new report;
- ``first_table``: ``gankata list`` on untouched stubs right after an install: no test runs.

Each check sees a file it has not seen (a new constant at the end), so no saved verdict
answers it. The katas: view_reshape (no training), step_order and mnist_gan (training
tests in their solutions).
"""

from __future__ import annotations

import itertools
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from gankata.runner import worker

ROOT = Path(__file__).resolve().parents[1]
KATAS = ["view_reshape", "step_order", "mnist_gan"]
_fresh = itertools.count()


@pytest.fixture(scope="module")
def clone(tmp_path_factory) -> Iterator[Path]:
    """A learner's checkout of the working tree, with its own results cache."""
    root = tmp_path_factory.mktemp("loop") / "gan-katas"
    root.mkdir()
    for folder in ("katas", "solutions", "tests"):
        shutil.copytree(ROOT / folder, root / folder, ignore=shutil.ignore_patterns("harness"))
    shutil.copy(ROOT / "pyproject.toml", root)
    yield root
    worker.stop(root)


@pytest.fixture(scope="module")
def env(tmp_path_factory) -> dict[str, str]:
    environ = {k: v for k, v in os.environ.items() if k != worker.WORKER_ENV}
    environ["GANKATA_RESULTS"] = str(tmp_path_factory.mktemp("results"))
    environ[worker.IDLE_ENV] = "600"
    environ["COLUMNS"] = "120"
    return environ


def gankata(root: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "gankata", "--root", str(root), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def changed(root: Path, kata: str, source: str) -> None:
    """Write ``source`` with a new line of code, so that no saved verdict answers for it."""
    text = (ROOT / source / f"{kata}.py").read_text(encoding="utf-8")
    path = root / "katas" / f"{kata}.py"
    path.write_text(f"{text}\nLOOP_BENCH_{next(_fresh)} = 1\n", encoding="utf-8")


def timed(benchmark, setup: Callable[[], None], run: Callable[[], None], rounds: int) -> None:
    def prepared() -> tuple[tuple, dict]:
        setup()
        return (), {}

    benchmark.group = "learner loop"
    benchmark.pedantic(run, setup=prepared, rounds=rounds, iterations=1)


def record(benchmark, kata: str, phase: str) -> None:
    stats = getattr(benchmark, "stats", None)
    if stats is not None:  # None under --benchmark-disable: the work ran once, untimed
        benchmark.extra_info.update(kata=kata, phase=phase, seconds=stats.stats.median)


@pytest.mark.parametrize("kata", KATAS)
def test_cold_check(benchmark, clone, env, kata):
    def setup() -> None:
        worker.stop(clone)
        changed(clone, kata, "katas")

    timed(benchmark, setup, lambda: gankata(clone, env, "check", kata), rounds=3)
    record(benchmark, kata, "cold")


@pytest.mark.parametrize("kata", KATAS)
@pytest.mark.parametrize("source", ["katas", "solutions"], ids=["warm", "solved"])
def test_warm_check(benchmark, clone, env, kata, source):
    changed(clone, kata, source)
    gankata(clone, env, "check", kata)  # the worker is up, as after a learner's first check

    def check() -> None:
        done = gankata(clone, env, "check", kata)
        assert done.returncode == (0 if source == "solutions" else 1), done.stdout[-2000:]
        assert "new Python each time" not in done.stdout, "the check fell back to a subprocess"

    timed(benchmark, lambda: changed(clone, kata, source), check, rounds=5)
    record(benchmark, kata, "warm" if source == "katas" else "solved")


@pytest.mark.parametrize("kata", KATAS)
def test_watch_recheck(benchmark, clone, env, kata):
    changed(clone, kata, "katas")
    watching = subprocess.Popen(
        [sys.executable, "-m", "gankata", "--root", str(clone), "watch", kata],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert watching.stdout is not None

    def until_watching() -> None:
        for line in watching.stdout:
            if "Watching katas/" in line:
                return
        raise AssertionError("watch ended before it reported a check")

    try:
        until_watching()
        timed(benchmark, lambda: changed(clone, kata, "katas"), until_watching, rounds=5)
    finally:
        watching.terminate()
        watching.wait(timeout=30)
    record(benchmark, kata, "watch")


def test_first_table(benchmark, clone, env):
    def untouched() -> None:
        shutil.rmtree(clone / "katas")
        shutil.copytree(ROOT / "katas", clone / "katas")
        worker.stop(clone)

    def table() -> None:
        done = gankata(clone, env, "list")
        assert done.returncode == 0 and done.stdout.count("not started") == 12, done.stdout

    timed(benchmark, untouched, table, rounds=5)
    record(benchmark, "all", "first_table")
