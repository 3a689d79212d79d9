"""Every teaching message of every kata test exists in English and Korean, and stays in step.

A kata test's message is ``msg(english, korean, **values)`` (gankata.testkit.messages): the
two texts side by side at the assertion. This file proves it from the test files' syntax (no
bare English text where a message goes; both texts written out, with the same
placeholders) and proves the mechanism: what plain pytest and the runner show in each
language.
"""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from gankata.course.curriculum import course_order
from gankata.testkit import messages
from gankata.testkit.messages import in_every_language, msg, placeholders

ROOT = Path(__file__).resolve().parents[2]
KATAS = course_order()
HANGUL = re.compile("[\uac00-\ud7a3]")
# Where a kata test hands a message on: these calls' first argument, or their ``why=``.
FAILS = {"fail"}
MESSAGE_KEYWORDS = {"why"}


def _is_msg(node: ast.AST) -> bool:
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "msg"


def _is_text(node: ast.AST) -> bool:
    """A message written as bare text: a string, an f-string, or text glued to text."""
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    if isinstance(node, ast.BinOp):
        return _is_text(node.left) or _is_text(node.right)
    if isinstance(node, ast.IfExp):
        return _is_text(node.body) or _is_text(node.orelse)
    return False


def message_sites(tree: ast.AST) -> list[ast.AST]:
    """Every expression that a kata test shows as its message."""
    sites: list[ast.AST] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Assert) and node.msg is not None:
            sites.append(node.msg)
        elif isinstance(node, ast.Call):
            name = getattr(node.func, "attr", getattr(node.func, "id", ""))
            if name in FAILS and node.args:
                sites.append(node.args[0])
            sites += [k.value for k in node.keywords if k.arg in MESSAGE_KEYWORDS]
    return sites


def bare_messages(source: str) -> list[int]:
    """The lines where a message is bare text, or a name that was given bare text."""
    tree = ast.parse(source)
    texts_by_name: dict[str, list[int]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and _is_text(node.value):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    texts_by_name.setdefault(target.id, []).append(node.lineno)
    lines = []
    for site in message_sites(tree):
        if _is_text(site):
            lines.append(site.lineno)
        elif isinstance(site, ast.Name):
            lines += texts_by_name.get(site.id, [])
    return sorted(set(lines))


def import_time_messages(source: str) -> list[int]:
    """The lines of ``msg(...)`` calls that run when the module is imported, outside every
    function: the report plugin forgets them before each test, so they would stay English."""
    tree = ast.parse(source)
    inside = {
        id(node)
        for function in ast.walk(tree)
        if isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
        for node in ast.walk(function)
    }
    return sorted(
        node.lineno for node in ast.walk(tree) if _is_msg(node) and id(node) not in inside
    )


def msg_problems(source: str) -> list[str]:
    """Each ``msg(...)`` call: two written texts, Korean in the second, same placeholders."""
    problems = [
        f"line {line}: msg() runs at import; build the message inside the test or a helper"
        for line in import_time_messages(source)
    ]
    for node in ast.walk(ast.parse(source)):
        if not _is_msg(node):
            continue
        texts = node.args[:2]
        if len(node.args) != 2 or not all(
            isinstance(t, ast.Constant) and isinstance(t.value, str) for t in texts
        ):
            problems.append(f"line {node.lineno}: msg() takes two written texts (en, ko)")
            continue
        en, ko = (t.value for t in texts)
        if not HANGUL.search(ko):
            problems.append(f"line {node.lineno}: the second text is not Korean: {ko[:60]!r}")
        if placeholders(en) != placeholders(ko):
            problems.append(
                f"line {node.lineno}: placeholders {sorted(placeholders(en))} in English, "
                f"{sorted(placeholders(ko))} in Korean"
            )
        given = {k.arg for k in node.keywords}
        if None not in given and given != placeholders(en):
            problems.append(
                f"line {node.lineno}: the texts use {sorted(placeholders(en))}, the call gives "
                f"{sorted(given)}"
            )
    return problems


@pytest.mark.parametrize("kata", KATAS)
def test_every_message_of_a_kata_test_is_written_in_both_languages(kata):
    source = (ROOT / "tests" / f"test_{kata}.py").read_text(encoding="utf-8")
    bare = bare_messages(source)
    assert not bare, (
        f"tests/test_{kata}.py shows bare text as a message on lines {bare}: write each as "
        "msg(english, korean, **values) (gankata.testkit.messages), so that a Korean learner "
        "reads the diagnosis in Korean."
    )
    problems = msg_problems(source)
    assert not problems, f"tests/test_{kata}.py:\n" + "\n".join(problems)


@pytest.mark.parametrize(
    "source",
    [
        'assert x, "expected 3"',
        'assert x, f"expected {y}"',
        'pytest.fail("no", pytrace=False)',
        'call(f, why="because")',
        'why = f"because {x}"\ncall(f, why=why)',
        'assert x, "seen " + str(y)',
    ],
)
def test_bare_text_as_a_message_is_found(source):
    assert bare_messages(source), f"{source!r} shows bare text, but the check did not see it"


@pytest.mark.parametrize(
    ("source", "problem"),
    [
        ('msg("a {x}", "가 {y}", x=1)', "placeholders"),
        ('msg("a", "a")', "not Korean"),
        ('msg(f"a {x}", "가")', "two written texts"),
        ('msg("a {x}", "가 {x}")', "the call gives"),
        ('WHY = msg("a", "가")', "runs at import"),
    ],
)
def test_a_message_whose_twins_differ_is_found(source, problem):
    problems = msg_problems(source)
    assert any(problem in p for p in problems), f"{source!r}: expected {problem!r}, got {problems}"


def test_msg_fills_both_languages_and_a_message_inside_another_stays_in_its_language():
    messages.forget()
    inner = msg("shape {shape}", "모양 {shape}", shape=(2, 3))
    outer = msg("{why}\nIt raised {kind}", "{why}\n일어난 오류: {kind}", why=inner, kind="E")
    assert outer == "shape (2, 3)\nIt raised E", outer
    failure = f"Failed: {outer}\nassert False"
    assert in_every_language(failure)["ko"] == "Failed: 모양 (2, 3)\n일어난 오류: E\nassert False"


def test_pytests_indented_assert_message_is_translated_too():
    messages.forget()
    text = msg("line one\nline two", "첫 줄\n둘째 줄")
    shown = "AssertionError: " + text.replace("\n", "\n  ")
    assert in_every_language(shown)["ko"] == "AssertionError: 첫 줄\n  둘째 줄"


def test_different_placeholders_in_the_two_texts_are_refused():
    with pytest.raises(ValueError, match="same placeholders"):
        msg("a {x}", "가 {y}", x=1, y=2)


# Two tests that fail on purpose, each way a kata test fails: an assert with a two-line
# message (pytest indents its second line), and a stub's unfinished body.
FAILING_ON_PURPOSE = """
from gankata.testkit.messages import msg


def test_one():
    seen = 1
    if seen != 2:
        raise AssertionError(msg("expected {a}\\nsaw {b}", "기대 {a}\\n실제 {b}", a=2, b=seen))


def test_stub():
    raise NotImplementedError("Need to implement for Kata 3.1: View.__init__")
"""


def test_the_report_carries_each_failure_in_every_language(tmp_path):
    tests = tmp_path / "test_sample.py"
    tests.write_text(FAILING_ON_PURPOSE, encoding="utf-8")
    report = tmp_path / "report.json"
    command = [sys.executable, "-m", "pytest", str(tests), "-q", "-p", "no:cacheprovider"]
    command += ["-p", "gankata.testkit.report", f"--gankata-report={report}", "--tb=line"]
    environ = {**os.environ, "GANKATA_LANG": "en"}
    subprocess.run(command, cwd=tmp_path, capture_output=True, env=environ, check=False)
    rows = {row["nodeid"].split("::")[-1]: row for row in json.loads(report.read_text())}
    assert rows["test_one"]["messages"]["ko"] == "기대 2\n실제 1", rows["test_one"]
    assert rows["test_one"]["messages"]["en"] == rows["test_one"]["message"]
    stub = rows["test_stub"]["messages"]["ko"]
    assert stub.endswith(": Kata 3.1을(를) 구현해야 합니다: View.__init__"), f"in Korean: {stub!r}"
