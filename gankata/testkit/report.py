"""A pytest plugin that writes each test's outcome and teaching message to a JSON file.

The runner and the integrity check start pytest in a subprocess (so that a learner's crash
or hang cannot take them down) and read this file instead of parsing pytest's terminal
output. It is active only when ``--gankata-report PATH`` names the file to write.

Each failure also says whom it blames: ``kata`` when the learner's code failed (or a test
judged it and said why), ``environment`` when something outside it did (a package that
does not import, a broken data cache). The runner replays only verdicts about the kata.
"""

from __future__ import annotations

import json
import os
import re
import traceback
from pathlib import Path

import pytest

from gankata.testkit import messages

_results: list[dict] = []
# (test file, implementation) pairs in which a test was stopped by pytest-timeout.
_hung: set[tuple[str, str]] = set()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--gankata-report", help="write each test's verdict to this JSON file")


def _suite(item: pytest.Item) -> tuple[str, str]:
    callspec = getattr(item, "callspec", None)
    return str(item.path), str(callspec.params.get("kata", "")) if callspec else ""


def pytest_runtest_setup(item: pytest.Item) -> None:
    messages.forget()
    # One endless loop would otherwise cost a full timeout in every test that calls it.
    if _suite(item) in _hung:
        item.user_properties.append(("timed_out", True))
        pytest.fail(
            messages.msg(
                "Not run: an earlier test of this kata was stopped for running too long. "
                "Fix that one first.",
                "실행하지 않음: 이 카타의 앞선 테스트가 너무 오래 실행되어 중단되었습니다. "
                "그 테스트부터 고치세요.",
            ),
            pytrace=False,
        )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    report = yield
    if report.failed and "Timeout" in str(getattr(report.longrepr, "reprcrash", "")):
        _hung.add(_suite(item))
        report.user_properties.append(("timed_out", True))
    if report.failed and call.excinfo is not None:
        if isinstance(call.excinfo.value, NotImplementedError):
            unfinished(str(call.excinfo.value))
        kata_file = dict(item.user_properties).get("kata_file", "")
        report.user_properties.append(("blame", blame(call.excinfo.value, kata_file)))
        root = str(item.config.rootpath)
        report.user_properties.append(("traceback", short_traceback(call.excinfo.value, root)))
    return report


# What every stub's body raises (gankata.course.curriculum.TODO_MARK's twin).
UNFINISHED = re.compile(r"Need to implement for Kata (\d+\.\d+): ([\w.]+)")


def unfinished(text: str) -> None:
    """Give a stub's "Need to implement ..." its Korean twin, which the stub cannot say."""
    found = UNFINISHED.fullmatch(text)
    if found:
        task, name = found.groups()
        messages.remember(text, {"en": text, "ko": f"Kata {task}을(를) 구현해야 합니다: {name}"})


def short_traceback(error: BaseException, root: str) -> str:
    """Python's own traceback of ``error``, with only the frames of the project's files (the
    test, the learner's kata, gankata's helpers) and the frozen copy of the kata.

    The runner asks pytest for one line per failure (``--tb=line``): its long format reads
    and re-parses every source file of every frame, which took 1 s of a 1.7 s check of a stub
    whose 24 tests all fail. This is what ``gankata check -v`` shows instead.
    """
    frames = [
        frame
        for frame in traceback.extract_tb(error.__traceback__)
        if frame.filename.startswith(root) or "gankata-frozen-" in frame.filename
    ]
    shown = traceback.format_list(frames) + traceback.format_exception_only(type(error), error)
    text = "".join(shown).rstrip("\n").replace(f'"{root}{os.sep}', '"')
    return "Traceback (most recent call last):\n" + text


# A test's own judgement (assert, pytest.fail) and an unfinished body are about the kata.
_VERDICTS = (AssertionError, pytest.fail.Exception, NotImplementedError)


def blame(error: BaseException, kata_file: str) -> str:
    """``kata`` if ``error`` is a test's verdict or passed through the learner's file, else
    ``environment``: an error raised outside the kata (a missing package, a corrupt cache)
    says nothing about the learner's code and must not be replayed as its verdict."""
    if isinstance(error, _VERDICTS):
        return "kata"
    group = getattr(error, "exceptions", None)  # an ExceptionGroup: hypothesis found several
    if isinstance(group, tuple):
        return "kata" if any(blame(e, kata_file) == "kata" for e in group) else "environment"
    frames = traceback_files(error)
    return "kata" if kata_file and kata_file in frames else "environment"


def traceback_files(error: BaseException) -> set[str]:
    return {frame.f_code.co_filename for frame, _ in traceback.walk_tb(error.__traceback__)}


def teaching_message(report: pytest.TestReport | pytest.CollectReport) -> str:
    """The first lines of a failure, without pytest's restatement of the assert."""
    crash = getattr(report.longrepr, "reprcrash", None)
    text = crash.message if crash is not None else str(report.longrepr)
    text = text.removeprefix("AssertionError: ").removeprefix("Failed: ")
    if text.startswith("Timeout"):
        return messages.msg(
            "This test was stopped after running too long ({timeout}). "
            "Look for a loop in your kata that never ends, or work that is far too big.",
            "이 테스트는 너무 오래 실행되어 중단되었습니다({timeout}). "
            "카타에 끝나지 않는 반복문이 있는지, 너무 큰 작업을 하고 있지 않은지 살펴보세요.",
            timeout=text.split(" from ")[0],
        )
    # pytest appends the rewritten expression ("assert 3 == 4") after the message.
    return text.split("\nassert ")[0].strip()


@pytest.hookimpl(trylast=True)
def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    # A test's verdict comes from its call, or from its setup when that fails or skips.
    if report.when != "call" and not (report.when == "setup" and not report.passed):
        return
    message = teaching_message(report) if report.failed else ""
    full = longrepr(report) if report.failed else ""
    _results.append(
        {
            "nodeid": report.nodeid,
            "outcome": report.outcome,
            "message": message,
            "longrepr": full,
            # The same failure in every language the course speaks (the runner shows one).
            "messages": messages.in_every_language(message) if message else {},
            "longreprs": messages.in_every_language(full) if full else {},
            "impl": dict(report.user_properties).get("impl", ""),
            # How long a test may run depends on the machine's load, not only on the code.
            "timed_out": dict(report.user_properties).get("timed_out", False),
            "blame": dict(report.user_properties).get("blame", "kata"),
        }
    )


def longrepr(report: pytest.TestReport) -> str:
    """The failure in full: our short traceback, else pytest's own text."""
    return dict(report.user_properties).get("traceback") or str(report.longrepr)


def pytest_collectreport(report: pytest.CollectReport) -> None:
    if report.failed:
        _results.append(
            {
                "nodeid": report.nodeid,
                "outcome": "error",
                "message": teaching_message(report),
                "longrepr": str(report.longrepr),
                "impl": "",
                "timed_out": False,
                # The test module itself did not import: nothing the kata can change.
                "blame": "environment",
            }
        )


def pytest_sessionfinish(session: pytest.Session) -> None:
    target = session.config.getoption("gankata_report")
    if target:
        Path(target).write_text(json.dumps(_results, indent=1))
