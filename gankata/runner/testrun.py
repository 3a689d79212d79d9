"""Run a kata's tests on a frozen copy of the learner's file and read back each test's verdict.

A learner saves while a check runs. So the runner reads the file once, writes those exact
bytes into a folder of its own and tests that copy: the verdict always belongs to the bytes
it was made from, and a save during a check is simply checked next time.

Each kata runs in a process of its own (a child of the warm worker, or a fresh pytest
subprocess where the worker cannot run), so that a learner's ``os._exit``, segfault or
endless loop ends that kata's run only. Messages name the learner's file as
``katas/<kata>.py``; a front that shows the code elsewhere (a notebook cell) renames it.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from gankata.course.words import t
from gankata.testkit.loader import FOLDER_PACKAGE

# Per test: long enough for a short training run on a 2-core laptop, short enough that
# a learner's infinite loop ends before they give up on the workshop. After one test of a
# kata times out, its remaining tests are not run (gankata.testkit.report).
TEST_TIMEOUT_S = float(os.environ.get("GANKATA_TEST_TIMEOUT", 30))


@dataclass(frozen=True)
class CaseResult:
    kata: str
    test: str
    outcome: str  # "passed", "failed", "skipped" or "error" (the test module did not load)
    message: str
    longrepr: str
    impl: str
    timed_out: bool = False
    # "kata" when the learner's code (or the test's judgement of it) failed; "environment"
    # when something outside it did (a missing package, a broken data cache).
    blame: str = "kata"
    # The message and the traceback in every language the course speaks, by language.
    messages: dict[str, str] = field(default_factory=dict)
    longreprs: dict[str, str] = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        return self.outcome == "passed"

    def message_in(self, language: str) -> str:
        return self.messages.get(language) or self.message

    def longrepr_in(self, language: str) -> str:
        return self.longreprs.get(language) or self.longrepr

    def renamed(self, fix: Callable[[str], str]) -> CaseResult:
        """This result with ``fix`` applied to every text of it, in every language."""
        return replace(
            self,
            message=fix(self.message),
            longrepr=fix(self.longrepr),
            messages={language: fix(text) for language, text in self.messages.items()},
            longreprs={language: fix(text) for language, text in self.longreprs.items()},
        )


@dataclass(frozen=True)
class KataRun:
    """One kata's tests run once: the rows, and why they are not a verdict (None: they are).

    Only a run with no ``problem`` may be kept and replayed: a timeout depends on the
    machine's load, a crash or an environment failure on things outside the learner's file.
    """

    kata: str
    rows: list[CaseResult] = field(default_factory=list)
    problem: str | None = None

    @property
    def verdict(self) -> bool:
        return self.problem is None


class RunFailed(Exception):
    """pytest itself could not run (a hang past every timeout, a broken install)."""


def kata_of(nodeid: str) -> str:
    stem = Path(nodeid.split("::")[0]).stem
    return stem.removeprefix("test_")


def test_file(root: Path, kata: str) -> Path:
    return root / "tests" / f"test_{kata}.py"


def kata_limit_s(katas: int = 1, impls: int = 1, timeout: float | None = None) -> float:
    """How long a run may take before it is stopped: pytest-timeout stops one slow test,
    this stops a run that hangs outside any test. Every implementation is a full pass."""
    return 120 + ((timeout or TEST_TIMEOUT_S) + 30) * katas * impls


def pytest_command(
    files: Sequence[str], impls: Sequence[str], report: Path, timeout: float | None = None
) -> list[str]:
    """pytest's arguments (after ``python -m pytest``): ``files`` against ``impls``, each
    test's verdict written to ``report`` by the gankata.testkit.report plugin, each test stopped
    after ``timeout`` seconds (default ``TEST_TIMEOUT_S``)."""
    timeout = timeout or TEST_TIMEOUT_S
    # --tb=line: gankata.testkit.report writes the traceback a learner reads, far faster.
    command = [*files, "-q", "-p", "no:cacheprovider", "--tb=line", "-o", f"timeout={timeout}"]
    command += [f"--gankata-report={report}"]
    return command + [f"--impl={impl}" for impl in impls]


def rows_from_report(report: list[dict]) -> list[CaseResult]:
    return [
        CaseResult(
            kata=kata_of(row["nodeid"]),
            test=row["nodeid"].split("::", 1)[-1],
            outcome=row["outcome"],
            message=row["message"],
            longrepr=row["longrepr"],
            impl=row["impl"],
            timed_out=row["timed_out"],
            blame=row.get("blame", "kata"),
            messages=row.get("messages", {}),
            longreprs=row.get("longreprs", {}),
        )
        for row in report
    ]


def run_tests(
    root: Path,
    katas: Sequence[str],
    impls: Sequence[str] = ("katas",),
) -> list[CaseResult]:
    """Run the tests of ``katas`` against each of ``impls`` in one pytest subprocess.

    The integrity check's way: many implementations per kata in one process. A learner's
    check goes through ``gankata.runner.results.run_frozen``, one process per kata.
    """
    files = [str(test_file(root, name)) for name in katas]
    with tempfile.TemporaryDirectory(prefix="gankata-") as tmp:
        report = Path(tmp) / "report.json"
        command = [sys.executable, "-m", "pytest", *pytest_command(files, impls, report)]
        limit = kata_limit_s(len(katas), len(impls))
        try:
            done = subprocess.run(command, cwd=root, capture_output=True, text=True, timeout=limit)
        except subprocess.TimeoutExpired:
            raise RunFailed(t("run_too_long", katas=", ".join(katas), limit=limit)) from None
        if not report.exists():
            raise RunFailed(ended_early(done.returncode, done.stdout + done.stderr))
        return rows_from_report(json.loads(report.read_text()))


def ended_early(code: int, output: str) -> str:
    """Why a kata's run left no report, in the learner's words: what to look for."""
    if code < 0:
        name = signal.Signals(-code).name if -code in signal.Signals._value2member_map_ else code
        return t("run_crashed", signal=name, output=output[-1500:].strip())
    return t("run_exited", code=code, output=output[-1500:].strip())


def in_learners_words(rows: list[CaseResult], frozen: Path, kata: str) -> list[CaseResult]:
    """``rows`` with the frozen copy's path and module name as the learner knows them."""
    shown = f"katas/{kata}.py"
    names = [(str(frozen / f"{kata}.py"), shown), (str(frozen.resolve() / f"{kata}.py"), shown)]
    names.append((f"{FOLDER_PACKAGE}.{kata}", f"katas.{kata}"))

    def fix(text: str) -> str:
        for old, new in names:
            text = text.replace(old, new)
        return text

    return [replace(r.renamed(fix), impl="katas") for r in rows]


def judged(kata: str, rows: list[CaseResult]) -> KataRun:
    """A finished run of ``kata``: a verdict unless a timeout or the environment spoiled it."""
    if not rows:
        return KataRun(kata, rows, t("run_no_tests", kata=kata))
    if any(r.timed_out for r in rows):
        return KataRun(kata, rows, t("run_timed_out"))
    outside = [r for r in rows if not r.passed and r.blame == "environment"]
    if outside:
        return KataRun(kata, rows, t("run_environment", test=outside[0].test))
    return KataRun(kata, rows)


def freeze(sources: dict[str, bytes]) -> Path:
    """A new folder holding each kata's source as ``<kata>.py``: the bytes under test."""
    folder = Path(tempfile.mkdtemp(prefix="gankata-frozen-"))
    for kata, source in sources.items():
        (folder / f"{kata}.py").write_bytes(source)
    return folder


def run_in_subprocess(root: Path, folder: Path, kata: str) -> KataRun:
    """The fallback: one kata in a fresh pytest process (pays for importing torch)."""
    try:
        return judged(kata, run_tests(root, [kata], impls=(str(folder),)))
    except RunFailed as error:
        return KataRun(kata, [], str(error))
