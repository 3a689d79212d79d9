"""The integrity check (DESIGN.md §4): prove that the kata tests can fail, and do.

For every kata: every test fails against the untouched stub, every test passes against the
reference solution, and every catalogued learner mistake (an exact edit of the solution)
is caught by a failure whose message names it. Run ``gankata dev integrity [KATA ...]``.
The mistakes are catalogued in each kata's card (``[[mistake]]``, see gankata.course.cards).
"""

from __future__ import annotations

import os
import tempfile
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.table import Table

from gankata.course.cards import Mistake
from gankata.course.curriculum import TODO_MARK, Kata, load_curriculum
from gankata.runner.testrun import CaseResult, run_tests


@dataclass(frozen=True)
class Verdict:
    kata: str
    check: str
    ok: bool
    detail: str


def apply_mistake(solution: str, mistake: Mistake) -> str:
    """The solution with the mistake made; a ValueError if the edit no longer applies."""
    found = solution.count(mistake.find)
    if found != 1:
        raise ValueError(
            f"the edit for {mistake.mistake!r} expects {mistake.find!r} exactly once in "
            f"solutions/{mistake.kata}.py but found it {found} times: update that [[mistake]] "
            f"in gankata/course/cards/{mistake.kata}.toml"
        )
    return solution.replace(mistake.find, mistake.replace)


def names_it(result: CaseResult, mistake: Mistake) -> bool:
    """Whether a failure names the mistake in English and in Korean."""
    wanted = {"en": mistake.mentions, "ko": mistake.mentions_ko or mistake.mentions}
    return not result.passed and all(
        word.lower() in result.message_in(language).lower()
        for language, words in wanted.items()
        for word in words
    )


def _every_test(kata: str, what: str, results: list[CaseResult], outcome: str) -> Verdict:
    wrong = [r for r in results if r.outcome != outcome]
    if not results:
        detail = "no tests ran"
    elif wrong:
        detail = "; ".join(f"{r.test} {r.outcome} {r.message[:200]}" for r in wrong)
    else:
        detail = f"{len(results)} tests"
    return Verdict(kata, f"every test {what}", bool(results) and not wrong, detail)


def check_kata(root: Path, kata: Kata, mistakes: list[Mistake]) -> list[Verdict]:
    """Run the kata's tests once against the stub, the solution and every mutant."""
    verdicts = []
    stub_text = (root / kata.stub).read_text(encoding="utf-8")
    if TODO_MARK not in stub_text:
        verdicts.append(Verdict(kata.name, "stub", False, f"{kata.stub} has no '{TODO_MARK}'"))
    with tempfile.TemporaryDirectory(prefix="gankata-mutants-") as tmp:
        mutants: dict[str, Mistake] = {}
        solution = (root / kata.solution).read_text(encoding="utf-8")
        for number, mistake in enumerate(mistakes, start=1):
            label = f"mistake-{number}"
            try:
                mutated = apply_mistake(solution, mistake)
            except ValueError as error:
                verdicts.append(Verdict(kata.name, mistake.mistake, False, str(error)))
                continue
            (Path(tmp) / label).mkdir()
            (Path(tmp) / label / f"{kata.name}.py").write_text(mutated, encoding="utf-8")
            mutants[label] = mistake
        impls = ["katas", "solutions", *(str(Path(tmp) / label) for label in mutants)]
        by_impl: dict[str, list[CaseResult]] = defaultdict(list)
        for result in run_tests(root, [kata.name], impls):
            by_impl[result.impl].append(result)

    verdicts.append(_every_test(kata.name, "fails on the stub", by_impl["katas"], "failed"))
    verdicts.append(
        _every_test(kata.name, "passes on the solution", by_impl["solutions"], "passed")
    )
    for label, mistake in mutants.items():
        results = by_impl[label]
        caught = [r for r in results if not r.passed]
        named = [r for r in caught if names_it(r, mistake)]
        if named:
            detail = f"caught by {len(caught)} tests, named by {named[0].test}"
        elif caught:
            detail = (
                f"caught by {len(caught)} tests but no message mentions "
                f"{' + '.join(map(repr, mistake.mentions))} in English and "
                f"{' + '.join(map(repr, mistake.mentions_ko or mistake.mentions))} in Korean; "
                f"first: {caught[0].message[:200]} / {caught[0].message_in('ko')[:200]}"
            )
        else:
            detail = "not caught: every test passes with this mistake"
        verdicts.append(Verdict(kata.name, mistake.mistake, bool(named), detail))
    return verdicts


def check_all(root: Path, names: list[str] | None = None) -> list[Verdict]:
    curriculum = [k for k in load_curriculum() if not names or k.name in names]
    verdicts: list[Verdict] = []
    # Each kata's run is its own pytest process: one per core, side by side. More would
    # only share the cores, and stretch every run towards its time limit.
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        for kata_verdicts in pool.map(lambda k: check_kata(root, k, list(k.mistakes)), curriculum):
            verdicts += kata_verdicts
    return verdicts


def report(root: Path, names: list[str] | None = None) -> int:
    """Run the check, print its table; 0 when every verdict is ok, else 1."""
    verdicts = check_all(root, names)
    table = Table(title="Kata integrity: stubs fail, solutions pass, mistakes are caught")
    for column in ("kata", "check", "", "detail"):
        table.add_column(column, overflow="fold")
    for v in verdicts:
        table.add_row(v.kata, v.check, "[green]ok[/]" if v.ok else "[red]FAIL[/]", v.detail)
    console = Console()
    console.print(table)
    failures = [v for v in verdicts if not v.ok]
    if failures:
        console.print(f"[red]{len(failures)} of {len(verdicts)} integrity checks failed.[/]")
        return 1
    console.print(f"[green]All {len(verdicts)} integrity checks passed.[/]")
    return 0
