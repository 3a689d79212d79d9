"""A kata's number, as its own files show it, kept equal to its place in the course order.

A kata's number appears in fixed places: the stub's and the tests' first line (``Kata 4 ·``),
every task mark (``TODO: Implement for Kata 4.2``, ``Need to implement for Kata 4.2``, the
docstring's ``search for "Kata 4."`` and its task list, ``    4.2  gan_step(...)``), the
tests' task banners (``# ## Task 4.2: ...``), the solution's first line (``Reference answer
to kata 4``) and the same places of each translated lesson (``카타 4 ·``). Other katas
are mentioned in prose as ``kata 5`` (``카타 5``); those mentions are renumbered when a kata
is inserted (:func:`renumber_mentions`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from gankata.course.curriculum import Kata
from gankata.course.words import DEFAULT, LANGUAGES

# Each pattern's first group is the kata's own number.
OWN = {
    "stub": (
        re.compile(r'\A"""Kata (\d+) ·'),
        re.compile(r"\bKata (\d+)\.\d*"),
        re.compile(r"^    (\d+)\.\d+  \S", re.M),
    ),
    "solution": (re.compile(r'\A"""Reference answer to kata (\d+) '),),
    "tests": (re.compile(r'\A"""Kata (\d+) ·'), re.compile(r"^# ## Task (\d+)\.\d+", re.M)),
    # A translated lesson (gankata/course/lessons/<language>/<kata>.txt): "카타 4 · ..."
    "lesson": (
        re.compile(r"\A(?:Kata|카타) (\d+) ·"),
        re.compile(r"\bKata (\d+)\.\d*"),
        re.compile(r"^    (\d+)\.\d+  \S", re.M),
    ),
}
FIRST_LINE = {kind: patterns[0] for kind, patterns in OWN.items()}
# "kata 5", "Kata 5", "Kata 5.2", "Task 5.2", "카타 5": any kata of the course, in any file.
MENTION = re.compile(r"\b(?:[Kk]ata |Task |카타 )(\d+)")
TASK_BANNER = re.compile(r"^# ## Task (\d+)\.(\d+)", re.M)
TASK_MARK = re.compile(r"Implement for Kata (\d+)\.(\d+)")


@dataclass(frozen=True)
class WrongNumber:
    line: int
    found: int
    text: str


def wrong_numbers(text: str, kind: str, number: int) -> list[WrongNumber]:
    """Where a file of ``kind`` (stub, solution, tests) shows another number than ``number``."""
    wrong = []
    for pattern in OWN[kind]:
        for match in pattern.finditer(text):
            if int(match.group(1)) != number:
                line = text.count("\n", 0, match.start()) + 1
                shown = text.splitlines()[line - 1].strip()
                wrong.append(WrongNumber(line, int(match.group(1)), shown))
    return wrong


def lacks_first_line(text: str, kind: str) -> bool:
    return FIRST_LINE[kind].search(text) is None


def renumber_own(text: str, kind: str, number: int) -> str:
    """``text`` with every own-number place of a ``kind`` file showing ``number``."""
    for pattern in OWN[kind]:
        text = pattern.sub(lambda m: _replace_group(m, 1, str(number)), text)
    return text


def renumber_mentions(text: str, numbers: Mapping[int, int]) -> str:
    """``text`` with every mention of kata ``old`` showing ``numbers[old]`` (all at once)."""

    def new(match: re.Match) -> str:
        old = int(match.group(1))
        return _replace_group(match, 1, str(numbers.get(old, old)))

    return MENTION.sub(new, text)


def tasks(text: str, pattern: re.Pattern) -> set[int]:
    """The task numbers (the 2 of 4.2) that ``pattern`` finds in ``text``."""
    return {int(match.group(2)) for match in pattern.finditer(text)}


def _replace_group(match: re.Match, group: int, value: str) -> str:
    start, end = match.span(group)
    whole = match.group(0)
    offset = match.start()
    return whole[: start - offset] + value + whole[end - offset :]


def own_files(kata: Kata) -> list[tuple[str, str]]:
    """The files that show ``kata``'s number, each with its kind (gankata.dev.numbering)."""
    files = [("stub", kata.stub), ("solution", kata.solution), ("tests", kata.tests)]
    return files + [
        ("lesson", f"gankata/course/lessons/{language}/{kata.name}.txt")
        for language in LANGUAGES
        if language != DEFAULT
    ]
