"""A kata's card: everything the course knows about one kata besides its stub, solution and tests.

``cards/<kata>.toml`` holds, each text in English and Korean side by side (``en``/``ko``):

- ``[title]``, ``[source]`` (the book chapter or study notes it comes from), ``[summary]``;
- ``[[hint]]``, from a nudge to nearly the answer, never the answer; each names the tasks it
  helps with by their own number (``tasks = [1, 3]`` for tasks N.1 and N.3), and the runner
  shows it beside those tasks' failures;
- ``[picture]``, the caption of the workbook's picture cell, whose code is the real Python
  file ``pictures/<kata>.py`` (linted like the rest; it imports from ``katas.<kata>`` what
  the workbook's ``%%kata`` cell defines, and the workbook drops that import);
- ``[[mistake]]``, the catalogued learner mistakes: an exact edit of the reference solution
  (``find`` occurs once in ``solutions/<kata>.py``, ``replace`` makes the mistake) and the
  words (``mentions``) that a failing test's message must contain, in English and, unless
  ``mentions_ko`` gives the Korean message's own words, in Korean too. The integrity check
  proves that the kata's tests catch and name each one, in both languages.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

from gankata.course.tomlfile import parse_toml
from gankata.course.words import LANGUAGES

CARDS = Path(__file__).with_name("cards")
PICTURES = Path(__file__).with_name("pictures")
# The texts of a card that a learner reads; each is a table of languages.
TEXTS = ("title", "source", "summary")
# The catalogued mistakes close a card. Every command reads the cards, and only the
# maintainer's tools need the mistakes (nine tenths of a card), so the rest stops here.
FIRST_MISTAKE = "\n[[mistake]]\n"


@dataclass(frozen=True)
class Mistake:
    """A catalogued learner mistake of one kata; ``words`` describes it, by language."""

    kata: str
    words: dict[str, str]
    find: str
    replace: str
    mentions: tuple[str, ...]
    # What the Korean message must contain instead, where ``mentions`` is English prose.
    mentions_ko: tuple[str, ...] | None = None

    @property
    def mistake(self) -> str:
        return self.words["en"]


@dataclass(frozen=True)
class Picture:
    """A workbook's picture cell: the caption, by language, and the file that draws it."""

    caption: dict[str, str]
    path: Path

    @property
    def code(self) -> str:
        """The cell's code, read when a workbook is written (not on every command)."""
        return cell_code(self.path.read_text(encoding="utf-8"))


def card_path(kata: str, cards: Path = CARDS) -> Path:
    return cards / f"{kata}.toml"


def read_card(kata: str, cards: Path = CARDS, with_mistakes: bool = True) -> dict:
    """The card of ``kata`` as TOML data (without its mistakes: faster); a clear error when
    there is none."""
    path = card_path(kata, cards)
    if not path.is_file():
        raise FileNotFoundError(
            f"{path} does not exist: every kata in course.toml needs a card "
            f"(`gankata dev new {kata} --after OTHER` writes one)"
        )
    text = path.read_text(encoding="utf-8")
    return parse_toml(text if with_mistakes else text.split(FIRST_MISTAKE, 1)[0])


def mistakes(kata: str, card: dict) -> list[Mistake]:
    return [
        Mistake(
            kata,
            {language: m[language] for language in LANGUAGES if language in m},
            m["find"],
            m["replace"],
            tuple(m["mentions"]),
            tuple(m["mentions_ko"]) if "mentions_ko" in m else None,
        )
        for m in card.get("mistake", [])
    ]


def picture(kata: str, card: dict, pictures: Path = PICTURES) -> Picture | None:
    if "picture" not in card:
        return None
    return Picture(card["picture"], pictures / f"{kata}.py")


def cell_code(source: str) -> str:
    """A picture file as the workbook's cell: without its docstring and its imports from
    ``katas.``, since the ``%%kata`` cell above it has defined those names."""
    tree = ast.parse(source)
    dropped: set[int] = set()
    for node in tree.body:
        docstring = (
            node is tree.body[0]
            and isinstance(node, ast.Expr)
            and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)
        )
        kata_import = isinstance(node, ast.ImportFrom) and (node.module or "").startswith("katas.")
        if docstring or kata_import:
            dropped |= set(range(node.lineno, (node.end_lineno or node.lineno) + 1))
    lines = [line for n, line in enumerate(source.splitlines(), start=1) if n not in dropped]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip() + "\n"
