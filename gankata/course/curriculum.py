"""The course: which katas exist, in what order, and their words in each language.

``course.toml`` lists the katas in order, once; a kata's number is its place in that list.
Its card (``cards/<name>.toml``, see :mod:`gankata.course.cards`) holds everything else.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from gankata.course.cards import CARDS, PICTURES, Mistake, Picture, mistakes, picture, read_card
from gankata.course.tomlfile import read_toml
from gankata.course.words import DEFAULT, LANGUAGES, pick, t

COURSE = Path(__file__).with_name("course.toml")
# Every body a learner must write starts with this comment (then the task number).
TODO_MARK = "TODO: Implement for Kata"


@dataclass(frozen=True)
class Kata:
    number: int
    name: str
    title: str
    source: str
    summary: str
    hints: tuple[str, ...]
    language: str = DEFAULT
    picture: Picture | None = None
    cards: Path = CARDS
    # The workshop plans' budget for a learner, and the floor an agent measured, in minutes.
    budget_minutes: float | None = None
    agent_minutes: float | None = None
    # The tasks (``"3.1"``) each hint helps with, in the hints' order. A card names them by
    # their own number only (``tasks = [1]`` for task 3.1), so that they survive renumbering.
    hint_tasks: tuple[tuple[str, ...], ...] = ()

    def hint_for(self, task: str) -> int | None:
        """The number (from 1) of the first hint for ``task``; None when none names it."""
        for number, tasks in enumerate(self.hint_tasks, start=1):
            if task in tasks:
                return number
        return None

    @property
    def stub(self) -> str:
        return f"katas/{self.name}.py"

    @property
    def solution(self) -> str:
        return f"solutions/{self.name}.py"

    @property
    def tests(self) -> str:
        return f"tests/test_{self.name}.py"

    @cached_property
    def mistakes(self) -> tuple[Mistake, ...]:
        """The catalogued learner mistakes, read only when asked (the maintainer's tools)."""
        return tuple(mistakes(self.name, read_card(self.name, self.cards)))

    @property
    def caption(self) -> str | None:
        """The picture cell's caption in this kata's language (None: no picture)."""
        return None if self.picture is None else pick(self.picture.caption, self.language)

    def workbook(self, language: str) -> str:
        """``01_one_hot_dataset.ipynb``, ``01_one_hot_dataset.ko.ipynb``: languages side by side."""
        suffix = "" if language == DEFAULT else f".{language}"
        return f"{self.number:02d}_{self.name}{suffix}.ipynb"


def course_order(course: Path = COURSE) -> list[str]:
    """The katas' names in course order."""
    return list(read_toml(course)["katas"])


def load_curriculum(
    course: Path = COURSE, language: str = DEFAULT, cards: Path = CARDS, pictures: Path = PICTURES
) -> list[Kata]:
    """The katas in order, their words in ``language`` (English where a word is missing)."""
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {LANGUAGES}, not {language!r}")
    katas = []
    for number, name in enumerate(course_order(course), start=1):
        card = read_card(name, cards, with_mistakes=False)
        katas.append(
            Kata(
                number,
                name,
                *(pick(card[text], language) for text in ("title", "source", "summary")),
                hints=tuple(pick(hint, language) for hint in card.get("hint", [])),
                hint_tasks=tuple(
                    tuple(f"{number}.{task}" for task in hint.get("tasks", ()))
                    for hint in card.get("hint", [])
                ),
                language=language,
                picture=picture(name, card, pictures),
                cards=cards,
                budget_minutes=card.get("workshop", {}).get("budget_minutes"),
                agent_minutes=card.get("workshop", {}).get("agent_minutes"),
            )
        )
    return katas


def find_kata(name: str, curriculum: list[Kata]) -> Kata:
    """The kata called ``name`` (or numbered ``name``); a clear error listing them if none."""
    for kata in curriculum:
        if name in (kata.name, str(kata.number)):
            return kata
    raise KeyError(t("no_such_kata", name=name, known=", ".join(k.name for k in curriculum)))
