"""What the learner sees: one console, the progress table, the check report, hints, errors.

Every front (the terminal commands and the ``%%kata`` cell) prints through this module, so
a verdict reads the same wherever it was asked for.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table

from gankata.course.curriculum import Kata
from gankata.course.words import current_language, t
from gankata.runner.results import Verdict
from gankata.runner.testrun import CaseResult

console = Console(highlight=False)

# How the learner started us, so that suggested commands can be pasted as they are
# (the nox session sets "nox -s katas --").
COMMAND = os.environ.get("GANKATA_COMMAND", "gankata")


class UsageError(Exception):
    """Something the learner asked for cannot be done; the message says what to do."""


def say_error(message: str) -> None:
    """One red line (or paragraph): the learner's words, never a traceback."""
    console.print(f"[red]{escape(message)}[/]")


def show_table(curriculum: list[Kata], verdicts: dict[str, Verdict]) -> None:
    table = Table(title=t("table_title"))
    for column in ("number", "kata", "title", "status", "tests"):
        table.add_column(t(f"column_{column}"))
    colour = {"done": "green", "in_progress": "yellow", "not_started": "dim"}
    for kata in curriculum:
        verdict = verdicts[kata.name]
        status = verdict.status
        table.add_row(
            str(kata.number),
            kata.name,
            escape(kata.title),
            f"[{colour[status]}]{t(f'status_{status}')}[/]",
            f"{verdict.passed}/{verdict.total}",
        )
    console.print(table)


def hint_panel(kata: Kata, number: int) -> Panel:
    title = t("hint_title", number=number, count=len(kata.hints), kata=kata.name)
    return Panel(escape(kata.hints[number - 1]), title=title, title_align="left")


TASK_BANNER = re.compile(r"^# ## Task (\d+\.\d+): (.+)$")
TEST_DEF = re.compile(r"^(?:async )?def (test_\w+)\(")


def tasks_of(tests: Path) -> list[tuple[str, str, set[str]]]:
    """The ``# ## Task N.M: title`` banners of a kata's test file, each with its tests' names."""
    tasks: list[tuple[str, str, set[str]]] = []
    for line in tests.read_text(encoding="utf-8").splitlines():
        if banner := TASK_BANNER.match(line):
            tasks.append((banner.group(1), banner.group(2).strip(), set()))
        elif (test := TEST_DEF.match(line)) and tasks:
            tasks[-1][2].add(test.group(1))
    return tasks


def task_of(tests: Path, test: str) -> str | None:
    """The task (``"3.1"``) whose banner a test sits under; None if it sits under none."""
    name = test.split("[")[0]
    return next((number for number, _, names in tasks_of(tests) if name in names), None)


def task_checklist(tests: Path, rows: list[CaseResult]) -> list[str]:
    """One line per task: ``4.1 freeze and unfreeze ✓ 6/6`` or ``4.2 gan_step ✗ 9/24``."""
    lines = []
    for number, title, names in tasks_of(tests):
        mine = [r for r in rows if r.test.split("[")[0] in names]
        if not mine:
            continue
        passed = sum(r.passed for r in mine)
        mark = "[green]✓[/]" if passed == len(mine) else "[red]✗[/]"
        lines.append(f"  {number} {escape(title)} {mark} {passed}/{len(mine)}")
    return lines


def show_problem(verdict: Verdict) -> None:
    """Why a run is not a verdict (a timeout, a crash, the environment), and a damaged result."""
    if verdict.note:
        console.print(f"[yellow]{escape(verdict.note)}[/]")
    if verdict.problem:
        say_error(verdict.problem)


def show_check(
    kata: Kata,
    verdict: Verdict,
    curriculum: list[Kata],
    root: Path,
    verbose: bool = False,
    cell: bool = False,
) -> bool:
    """Report one kata's results the way a teacher would; True when every test passes.

    ``cell`` is True for a notebook's ``%%kata`` cell: the learner's code is that cell, the
    hints sit in the workbook and the next kata is the next workbook, so the words say so.
    Above the first failure comes the kata's task checklist; beside it the kata's summary
    and the hint of the task that failed (the first hint when no hint names that task).
    """
    rows = verdict.rows
    where = t("magic_where") if cell else kata.stub
    title = escape(kata.title)
    console.print(
        t(
            "current_kata",
            stub=where,
            number=kata.number,
            title=title,
            passed=verdict.passed,
            total=len(rows),
        )
    )
    show_problem(verdict)
    failures = [r for r in rows if not r.passed]
    if verdict.status == "done":
        console.print(t("kata_done", solution=kata.solution))
        later = curriculum[kata.number :]
        if later and cell:
            workbook = later[0].workbook(current_language())
            console.print(t("next_kata_cell", workbook=workbook, kata=later[0].name))
        elif later:
            console.print(t("next_kata", stub=later[0].stub, command=COMMAND))
        else:
            console.print(t("last_kata"))
        return True
    if not failures:  # the run ended before any test ran: show_problem said why
        return False
    for line in task_checklist(root / kata.tests, rows):
        console.print(line)
    first = failures[0]
    language = current_language()
    body = first.longrepr_in(language) if verbose else first.message_in(language)
    console.print(Panel(escape(body), title=f"[red]{escape(first.test)}[/]", title_align="left"))
    summary_title = t("summary_title", number=kata.number)
    console.print(Panel(escape(kata.summary), title=summary_title, title_align="left"))
    task = task_of(root / kata.tests, first.test)
    if kata.hints:
        console.print(hint_panel(kata, (task and kata.hint_for(task)) or 1))
    pointer = t(
        "lesson_pointer", command=COMMAND, kata=kata.name, stub=kata.stub, source=kata.source
    )
    console.print(escape(pointer))
    stuck = "stuck_cell" if cell else "stuck_verbose" if verbose else "stuck"
    console.print(t(stuck, command=COMMAND, kata=kata.name))
    return False
