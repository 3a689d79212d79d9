"""Each kata's verdict: replayed when nothing it depends on changed, else run and kept.

Seeing the whole progress table would otherwise rerun every finished kata, minutes of
training tests on a laptop. A verdict is keyed by the exact bytes that were tested (see
gankata.runner.testrun), the kata's tests, the harness and the versions; it is kept only
when it is about the kata (never a timeout, a crash or an environment failure), so a
replayed verdict is always the one a fresh run would give. A file that is byte for byte its
shipped stub is "not started" without any test run.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import asdict, dataclass, field
from pathlib import Path

from gankata.course.words import t
from gankata.runner import stubs, testrun, worker
from gankata.runner.fingerprints import fingerprint
from gankata.runner.testrun import CaseResult, KataRun, freeze, in_learners_words, test_file

# Where verdicts are kept; tests point it at a folder of their own.
CACHE_ENV = "GANKATA_RESULTS"
KEPT_PER_KATA = 8


@dataclass(frozen=True)
class Verdict:
    """What a front shows for one kata: its rows, or that it is untouched, or what went wrong."""

    kata: str
    rows: list[CaseResult] = field(default_factory=list)
    # Byte for byte the shipped stub: not started, and no test was run to say so.
    untouched: bool = False
    # Why these rows are not a verdict about the learner's code (a timeout, a crash, ...).
    problem: str | None = None
    # A one-line note for the learner: a damaged saved result was thrown away.
    note: str | None = None

    @property
    def passed(self) -> int:
        return sum(r.passed for r in self.rows)

    @property
    def total(self) -> int:
        return stubs.test_count(self.kata) if self.untouched else len(self.rows)

    @property
    def status(self) -> str:
        """done, in_progress or not_started."""
        if self.rows and self.passed == len(self.rows) and self.problem is None:
            return "done"
        return "in_progress" if self.passed else "not_started"


def harness_files(root: Path) -> list[Path]:
    """What every kata's verdict depends on besides its own file and tests: the kata tests'
    conftest, the pytest configuration and the room that kata tests import (gankata.testkit).
    The course's words, the runner, the demos and the maintainer's tools are not among them:
    they do not change what a test says."""
    testkit = Path(__file__).resolve().parents[1] / "testkit"
    return [root / "tests" / "conftest.py", root / "pyproject.toml", *sorted(testkit.glob("*.py"))]


def cache_key(root: Path, kata: str, source: bytes) -> str:
    """Everything a kata's verdict depends on. The tests are deterministic (seeded), so the
    same key means the same verdict."""
    files = [test_file(root, kata), *harness_files(root)]
    return fingerprint(files, source, str(testrun.TEST_TIMEOUT_S))


def cache_dir(root: Path) -> Path:
    return Path(os.environ.get(CACHE_ENV) or root / ".gankata" / "results")


def read_sources(root: Path, katas: list[str]) -> dict[str, bytes | None]:
    """Each kata file's bytes, read once (None: the file is missing)."""
    sources = {}
    for kata in katas:
        path = root / "katas" / f"{kata}.py"
        sources[kata] = path.read_bytes() if path.is_file() else None
    return sources


def verdicts(
    root: Path, sources: dict[str, bytes | None], untouched_is_enough: bool = False
) -> dict[str, Verdict]:
    """The verdict of each kata on ``sources[kata]``, running only the katas that need it.

    ``untouched_is_enough``: a source that is its shipped stub is reported untouched, with
    no test run (the progress table); otherwise it is run too (a check shows its failure).
    """
    cache = cache_dir(root)
    found: dict[str, Verdict] = {}
    keys: dict[str, str] = {}
    notes: dict[str, str] = {}
    for kata, source in sources.items():
        if source is None:
            problem = t("kata_file_missing", stub=f"katas/{kata}.py", kata=kata)
            found[kata] = Verdict(kata, problem=problem)
            continue
        if untouched_is_enough and stubs.is_stub(kata, source):
            found[kata] = Verdict(kata, untouched=True)
            continue
        keys[kata] = cache_key(root, kata, source)
        entry = cache / f"{kata}-{keys[kata]}.json"
        if entry.is_file():
            try:
                found[kata] = Verdict(
                    kata, [CaseResult(**r) for r in json.loads(entry.read_text())]
                )
            except (ValueError, TypeError, KeyError):
                entry.unlink(missing_ok=True)
                notes[kata] = t("result_damaged", kata=kata)
    fresh = {kata: sources[kata] for kata in keys if kata not in found}
    runs, notice = run_frozen(root, fresh) if fresh else ({}, None)
    for kata, run in runs.items():
        if run.verdict:
            _store(cache, kata, keys[kata], run.rows)
        note = " ".join(filter(None, [notice, notes.get(kata)])) or None
        notice = None  # said once, beside the first kata that ran
        found[kata] = Verdict(kata, run.rows, problem=run.problem, note=note)
    return {kata: found[kata] for kata in sources}


def run_frozen(root: Path, sources: dict[str, bytes]) -> tuple[dict[str, KataRun], str | None]:
    """Each kata's tests on exactly ``sources[kata]``, one process per kata, through the warm
    worker when it can run (else one pytest subprocess per kata); and the worker's notice
    when it could not (gankata.runner.worker)."""
    folder = freeze(sources)
    try:
        runs, notice = worker.run_katas(root, folder, list(sources))
        return {
            kata: KataRun(kata, in_learners_words(run.rows, folder, kata), run.problem)
            for kata, run in runs.items()
        }, notice
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _store(cache: Path, kata: str, key: str, rows: list[CaseResult]) -> None:
    try:
        cache.mkdir(parents=True, exist_ok=True)
        entry = cache / f"{kata}-{key}.json"
        partial = entry.with_name(f"{entry.name}.{os.getpid()}.tmp")
        partial.write_text(json.dumps([asdict(r) for r in rows]))
        partial.replace(entry)
    except OSError:
        return  # an unwritable cache only costs the next check its time
    # A learner saves often: keep the newest few verdicts of each kata, not every one.
    older = sorted(cache.glob(f"{kata}-*.json"), key=lambda p: p.stat().st_mtime, reverse=True)
    for stale in older[KEPT_PER_KATA:]:
        stale.unlink(missing_ok=True)
