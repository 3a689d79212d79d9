"""A pytest plugin that writes each test's outcome and teaching message to a JSON file.

The runner and the integrity check start pytest in a subprocess (so that a learner's crash
or hang cannot take them down) and read this file instead of parsing pytest's terminal
output. It is active only when ``GANKATA_REPORT`` names the file to write.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

REPORT_ENV = "GANKATA_REPORT"

_results: list[dict] = []


def teaching_message(report: pytest.TestReport | pytest.CollectReport) -> str:
    """The first lines of a failure, without pytest's restatement of the assert."""
    crash = getattr(report.longrepr, "reprcrash", None)
    text = crash.message if crash is not None else str(report.longrepr)
    text = text.removeprefix("AssertionError: ").removeprefix("Failed: ")
    # pytest appends the rewritten expression ("assert 3 == 4") after the message.
    return text.split("\nassert ")[0].strip()


@pytest.hookimpl(trylast=True)
def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    # A test's verdict comes from its call, or from its setup when that fails or skips.
    if report.when != "call" and not (report.when == "setup" and not report.passed):
        return
    _results.append(
        {
            "nodeid": report.nodeid,
            "outcome": report.outcome,
            "message": teaching_message(report) if report.failed else "",
            "longrepr": str(report.longrepr) if report.failed else "",
            "impl": dict(report.user_properties).get("impl", ""),
        }
    )


def pytest_collectreport(report: pytest.CollectReport) -> None:
    if report.failed:
        _results.append(
            {
                "nodeid": report.nodeid,
                "outcome": "error",
                "message": teaching_message(report),
                "longrepr": str(report.longrepr),
                "impl": "",
            }
        )


def pytest_sessionfinish(session: pytest.Session) -> None:
    target = os.environ.get(REPORT_ENV)
    if target:
        Path(target).write_text(json.dumps(_results, indent=1))
