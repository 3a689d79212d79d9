"""Run kata tests in a pytest subprocess and read back what happened to each test."""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from gankata.i18n import t
from gankata.impl import impl_dir
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
    timed_out: bool = False

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
            raise RunFailed(t("run_too_long", katas=", ".join(katas), limit=limit)) from None
        if not report.exists():
            output = done.stdout[-2000:] + done.stderr[-2000:]
            raise RunFailed(t("run_no_report", code=done.returncode, output=output))
        rows = json.loads(report.read_text())
    return [
        CaseResult(
            kata=kata_of(row["nodeid"]),
            test=row["nodeid"].split("::", 1)[-1],
            outcome=row["outcome"],
            message=row["message"],
            longrepr=row["longrepr"],
            impl=row["impl"],
            timed_out=row["timed_out"],
        )
        for row in rows
    ]


# Where run_kata_tests keeps results; tests point it at a folder of their own.
CACHE_ENV = "GANKATA_RESULTS"
KEPT_PER_KATA = 8


def fingerprint(root: Path, kata: str, impl: str) -> str:
    """Everything a kata's results depend on: the learner's file, the tests, gankata, versions.

    The same fingerprint means the same verdict, because the tests are deterministic (seeded)
    and a result that hit a timeout, which depends on the machine's load, is never kept.
    """
    here = Path(__file__).parent
    files = [
        impl_dir(impl, root) / f"{kata}.py",
        root / "tests" / f"test_{kata}.py",
        root / "tests" / "conftest.py",
        *sorted(here.glob("*.py")),
        *sorted(here.glob("*.toml")),
    ]
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.name.encode())
        digest.update(path.read_bytes() if path.is_file() else b"<missing>")
    versions = [sys.version, str(TEST_TIMEOUT_S)]
    for package in ("torch", "numpy", "pytest"):
        try:
            versions.append(importlib.metadata.version(package))
        except importlib.metadata.PackageNotFoundError:
            versions.append(f"no {package}")
    digest.update("|".join(versions).encode())
    return digest.hexdigest()[:24]


def _cache_dir(root: Path) -> Path:
    return Path(os.environ.get(CACHE_ENV) or root / ".gankata" / "results")


def run_kata_tests(root: Path, katas: Sequence[str], impl: str = "katas") -> list[CaseResult]:
    """``run_tests`` for one implementation, reusing the results of katas that did not change.

    Seeing the whole progress table would otherwise rerun every finished kata, minutes of
    training tests on a laptop; with the cache only the katas whose files changed run.
    """
    cache = _cache_dir(root)
    keys = {kata: fingerprint(root, kata, impl) for kata in katas}
    kept: dict[str, list[CaseResult]] = {}
    for kata, key in keys.items():
        entry = cache / f"{kata}-{key}.json"
        if entry.is_file():
            kept[kata] = [CaseResult(**row) for row in json.loads(entry.read_text())]
    missing = [kata for kata in katas if kata not in kept]
    fresh = run_tests(root, missing, impls=(impl,)) if missing else []
    for kata in missing:
        rows = [r for r in fresh if r.kata == kata]
        kept[kata] = rows
        if rows and not any(r.timed_out for r in rows):
            _store(cache, kata, keys[kata], rows)
    return [row for kata in katas for row in kept[kata]]


def _store(cache: Path, kata: str, key: str, rows: list[CaseResult]) -> None:
    cache.mkdir(parents=True, exist_ok=True)
    entry = cache / f"{kata}-{key}.json"
    partial = entry.with_suffix(".tmp")
    partial.write_text(json.dumps([asdict(r) for r in rows]))
    partial.replace(entry)
    # A learner saves often: keep the newest few verdicts of each kata, not every one.
    older = sorted(cache.glob(f"{kata}-*.json"), key=lambda p: p.stat().st_mtime, reverse=True)
    for stale in older[KEPT_PER_KATA:]:
        stale.unlink(missing_ok=True)
