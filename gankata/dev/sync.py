"""The generated files, and `gankata dev sync`, which writes them (``--check``: only says).

- README.md, between ``<!-- katas:start -->`` and ``<!-- katas:end -->``: the kata table;
- docs/workshop.md and docs/workshop.ko.md: each kata's row in the sessions' tables
  (``| 4 | `step_order` | source | tests | budget | agent |``; a new kata's row goes after
  the row of the kata before it), and between ``<!-- mistakes:start -->`` and
  ``<!-- mistakes:end -->``, kata by kata, the catalogued learner mistakes of the cards, the
  ones the integrity check proves the tests catch;
- each kata's own number in its stub, solution, tests and translated lessons
  (:mod:`gankata.dev.numbering`), and the stub's second line, which points a Korean learner
  to ``gankata lesson KATA --lang ko``;
- gankata/runner/stubs.json: each shipped stub's git blob id and test count.

Everything else in those files is written by hand and left alone.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, partial
from itertools import pairwise
from pathlib import Path

from gankata.course.curriculum import Kata, load_curriculum
from gankata.course.words import DEFAULT, pick, say
from gankata.dev import numbering
from gankata.runner import stubs

README = "README.md"
PLANS = {"en": "docs/workshop.md", "ko": "docs/workshop.ko.md"}
STUBS = "gankata/runner/stubs.json"
# The stub's second line: the Korean lesson is one command away.
POINTER_START = "한국어 수업:"
POINTER = POINTER_START + " ``gankata lesson {name} --lang ko``"


@dataclass(frozen=True)
class Generated:
    """A file, relative to the checkout, and how its fresh text follows from its text now."""

    path: str
    fresh: Callable[[str], str]


def between(text: str, name: str, body: str, path: str) -> str:
    """``text`` with the part between ``<!-- name:start -->`` and ``<!-- name:end -->`` set."""
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    pattern = re.compile(f"{re.escape(start)}\n.*?{re.escape(end)}", re.S)
    if not pattern.search(text):
        raise ValueError(f"{path} needs the markers {start} and {end} on lines of their own")
    return pattern.sub(lambda _: f"{start}\n{body}\n{end}", text)


def kata_table(curriculum: list[Kata]) -> str:
    """The README's kata list (English: the README's language)."""
    rows = [say(DEFAULT, "readme_table_header"), "|---|---|---|---|"]
    rows += [f"| {k.number} | `{k.name}` | {k.title} | {k.source} |" for k in curriculum]
    return "\n".join(rows)


def mistakes_section(language: str) -> str:
    """Markdown: one folded list per kata, in course order, in ``language``."""
    blocks = []
    for kata in load_curriculum(language=language):
        count = say(language, "workshop_mistakes_count", n=len(kata.mistakes))
        bullets = "\n".join(f"- {pick(m.words, language)}" for m in kata.mistakes)
        blocks.append(
            f"<details><summary><b>{kata.number}. <code>{kata.name}</code></b>: {kata.title} "
            f"({count})</summary>\n\n{bullets}\n\n</details>"
        )
    return "\n\n".join(blocks)


COLLECT = ("--collect-only", "-q", "-m", "kata")


def test_counts(root: Path) -> Counter[str]:
    """How many tests pytest collects for each kata (one implementation), in one run."""
    listed = subprocess.run(
        [sys.executable, "-m", "pytest", *sorted(root.glob("tests/test_*.py")), *COLLECT],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    if listed.returncode != 0:
        raise RuntimeError(f"pytest could not collect the kata tests:\n{listed.stdout[-2000:]}")
    return Counter(
        Path(line.split("::")[0]).stem.removeprefix("test_")
        for line in listed.stdout.splitlines()
        if "::" in line
    )


def stub_registry(root: Path, counts: Counter[str]) -> str:
    """stubs.json for the stubs now in ``root/katas``: blob ids and test counts."""
    entries = {
        path.stem: {"blob": stubs.blob_id(path.read_bytes()), "tests": counts[path.stem]}
        for path in sorted((root / "katas").glob("*.py"))
    }
    return json.dumps(entries, indent=1, sort_keys=True) + "\n"


# A kata's row in a workshop plan's session table.
PLAN_ROW = re.compile(r"^\| \d+ \| `(\w+)` \|.*\|$")


def plan_rows(text: str, language: str, counts: Counter[str], path: str) -> str:
    """``text`` with every kata's row in the session tables fresh, in course order."""
    curriculum = load_curriculum(language=language)

    def row(kata: Kata) -> str:
        minutes = [
            say(language, "workshop_minutes", n=m) if m is not None else "?"
            for m in (kata.budget_minutes, kata.agent_minutes)
        ]
        cells = [str(kata.number), f"`{kata.name}`", kata.source, str(counts[kata.name])]
        return "| " + " | ".join([*cells, *minutes]) + " |"

    fresh = {kata.name: row(kata) for kata in curriculum}
    lines = []
    for line in text.split("\n"):
        found = PLAN_ROW.match(line)
        if found is None:
            lines.append(line)
        elif found.group(1) in fresh:
            lines.append(fresh[found.group(1)])
    for before, kata in pairwise(curriculum):
        if fresh[kata.name] not in lines:
            lines.insert(lines.index(fresh[before.name]) + 1, fresh[kata.name])
    if fresh[curriculum[0].name] not in lines:
        raise ValueError(f"{path} needs a row for kata 1 ({curriculum[0].name}) in a session")
    return "\n".join(lines)


def generated(root: Path) -> list[Generated]:
    """Every generated file of the checkout at ``root``."""
    curriculum = load_curriculum()
    counts = cache(lambda: test_counts(root))
    files = [Generated(README, lambda text: between(text, "katas", kata_table(curriculum), README))]
    files += [
        Generated(
            path,
            lambda text, lang=lang, path=path: between(
                plan_rows(text, lang, counts(), path), "mistakes", mistakes_section(lang), path
            ),
        )
        for lang, path in PLANS.items()
    ]
    for kata in curriculum:
        for kind, path in numbering.own_files(kata):
            if (root / path).is_file():
                files.append(Generated(path, partial(fresh_own, kind=kind, kata=kata)))
    files.append(Generated(STUBS, lambda _: stub_registry(root, counts())))
    return files


def fresh_own(text: str, kind: str, kata: Kata) -> str:
    """A kata's own file with its number right and, for the stub, the line under its title
    that shows a Korean learner where the lesson is in Korean."""
    text = numbering.renumber_own(text, kind, kata.number)
    return with_pointer(text, kata.name) if kind == "stub" else text


def with_pointer(stub: str, name: str) -> str:
    """``stub`` with :data:`POINTER` as the second line of its docstring."""
    pointer = POINTER.format(name=name)
    title, _, rest = stub.partition("\n")
    if rest.startswith(POINTER_START):
        rest = rest.partition("\n")[2]
    return f"{title}\n{pointer}\n{rest}"


def sync(root: Path, check: bool = False) -> list[str]:
    """Bring every generated file up to date (``check``: only find them); the stale ones."""
    stale = []
    for file in generated(root):
        path = root / file.path
        text = path.read_text(encoding="utf-8")
        fresh = file.fresh(text)
        if fresh != text:
            stale.append(file.path)
            if not check:
                path.write_text(fresh, encoding="utf-8")
    return stale
