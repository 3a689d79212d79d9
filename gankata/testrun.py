"""Run kata tests in a pytest subprocess and read back what happened to each test."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from gankata.report import REPORT_ENV

# Per test: long enough for a short training run on a 2-core laptop, short enough that
# a learner's infinite loop ends before they give up on the workshop. After one test of a
# kata times out, its remaining tests are not run (gankata.report).
TEST_TIMEOUT_S = float(os.environ.get("GANKATA_TEST_TIMEOUT", 30))


@dataclass(frozen=True)
class CaseResult:
    kata: str
    test: str
    outcome: str  # "passed", "failed", "skipped" or "error" (the test module did not load)
    message: str
    longrepr: str
    impl: str

    @property
    def passed(self) -> bool:
        return self.outcome == "passed"


class RunFailed(Exception):
    """pytest itself could not run (a hang past every timeout, a broken install)."""


def kata_of(nodeid: str) -> str:
    stem = Path(nodeid.split("::")[0]).stem
    return stem.removeprefix("test_")


def run_tests(
    root: Path,
    katas: Sequence[str],
    impls: Sequence[str] = ("katas",),
) -> list[CaseResult]:
    """Run the tests of ``katas`` against each of ``impls`` and return one result per test."""
    files = [str(root / "tests" / f"test_{name}.py") for name in katas]
    with tempfile.TemporaryDirectory(prefix="gankata-") as tmp:
        report = Path(tmp) / "report.json"
        command = [sys.executable, "-m", "pytest", *files, "-q", "-p", "no:cacheprovider"]
        command += ["-o", f"timeout={TEST_TIMEOUT_S}"]
        command += [f"--impl={impl}" for impl in impls]
        env = {**os.environ, REPORT_ENV: str(report)}
        # pytest-timeout stops one slow test; this stops a run that hangs outside any test.
        # Every implementation is a full pass over the tests (integrity runs 20 and more).
        limit = 120 + (TEST_TIMEOUT_S + 30) * len(katas) * len(impls)
        try:
            done = subprocess.run(
                command, cwd=root, env=env, capture_output=True, text=True, timeout=limit
            )
        except subprocess.TimeoutExpired:
            raise RunFailed(
                f"The tests of {', '.join(katas)} ran longer than {limit:.0f} s and were "
                "stopped. Look for a loop in your kata that never ends."
            ) from None
        if not report.exists():
            raise RunFailed(
                f"pytest stopped before reporting (exit code {done.returncode}):\n"
                f"{done.stdout[-2000:]}{done.stderr[-2000:]}"
            )
        rows = json.loads(report.read_text())
    return [
        CaseResult(
            kata=kata_of(row["nodeid"]),
            test=row["nodeid"].split("::", 1)[-1],
            outcome=row["outcome"],
            message=row["message"],
            longrepr=row["longrepr"],
            impl=row["impl"],
        )
        for row in rows
    ]
