"""A kata's lesson in each language: where it lives, its sections, and how it reads as Markdown.

The English lesson is the stub's module docstring (``katas/<kata>.py``); every other
language's is ``lessons/<language>/<kata>.txt``, written in the same plain-text form:

- the first line is the title: ``Kata 3 · ...`` (Korean ``카타 3 · ...``);
- paragraphs are separated by blank lines; a paragraph whose lines are all indented by four
  spaces or more is a *block* (code, or a small table), shown as it is;
- the sections open with fixed words, in this order: the sources (``Sources:`` /
  ``출처:``), the lesson itself, what to implement (``What to implement`` / ``구현할 것``),
  a try-it (``Try it`` / ``해 보기``) and the classic mistakes (``The classic mistake`` /
  ``흔한 실수``);
- inline code is written ````like_this()````, as in the docstrings.

Two languages of one lesson must agree (:func:`differences`): the same sections, in each
the same sequence of paragraphs and blocks, the same inline code, and the same code: a block
that is Python is equal line for line once its ``#`` comments are set aside (those are
translated), and any other block holds the same calls and task numbers. So a change of code
in one language that is not made in the other is found by ``gankata dev check``.
"""

from __future__ import annotations

import ast
import io
import re
import textwrap
import tokenize
from dataclasses import dataclass, field
from pathlib import Path

LESSONS = Path(__file__).with_name("lessons")
SECTIONS = ("sources", "lesson", "tasks", "try", "mistakes")
# The words that open each section (after the title), by language; "lesson" has none.
OPENERS = {
    "en": {
        "sources": ("Sources:", "Source:"),
        "tasks": ("What to implement",),
        "try": ("Try it",),
        "mistakes": ("The classic mistake",),
    },
    "ko": {
        "sources": ("출처:",),
        "tasks": ("구현할 것",),
        "try": ("해 보기",),
        "mistakes": ("흔한 실수",),
    },
}
TITLE = {"en": re.compile(r"^Kata (\d+) · \S"), "ko": re.compile(r"^카타 (\d+) · \S")}
INLINE_CODE = re.compile(r"``(.+?)``", re.DOTALL)
# In a block that is not Python, what must be the same in every language: the calls shown
# (``pack_images(``) and the task numbers (``10.1``).
BLOCK_CODE = re.compile(r"[A-Za-z_][\w.]*\(|\b\d+\.\d+\b")


def lesson_path(kata: str, language: str, lessons: Path = LESSONS) -> Path:
    return lessons / language / f"{kata}.txt"


def docstring_of(source: str) -> str:
    """The module docstring of a kata's source: its English lesson ("" when it has none)."""
    try:
        return ast.get_docstring(ast.parse(source), clean=True) or ""
    except SyntaxError:
        return ""


@dataclass
class Section:
    name: str
    # One letter per paragraph: "p" prose, "b" block; the texts alongside.
    kinds: list[str] = field(default_factory=list)
    paragraphs: list[str] = field(default_factory=list)

    @property
    def blocks(self) -> list[str]:
        return [p for p, kind in zip(self.paragraphs, self.kinds, strict=True) if kind == "b"]

    @property
    def inline_code(self) -> set[str]:
        prose = "\n\n".join(
            p for p, kind in zip(self.paragraphs, self.kinds, strict=True) if kind == "p"
        )
        return {" ".join(span.split()) for span in INLINE_CODE.findall(prose)}


@dataclass
class Lesson:
    language: str
    title: str
    sections: dict[str, Section]
    problems: list[str]


def is_block(paragraph: str) -> bool:
    lines = [line for line in paragraph.splitlines() if line.strip()]
    return bool(lines) and all(line.startswith("    ") for line in lines)


def parse(text: str, language: str) -> Lesson:
    """A lesson's title and sections; ``problems`` says what breaks the form."""
    paragraphs = [p.strip("\n") for p in re.split(r"\n[ \t]*\n", text.strip("\n")) if p.strip()]
    problems = []
    title = paragraphs[0] if paragraphs else ""
    if not TITLE[language].match(title):
        expected = "Kata N · title" if language == "en" else "카타 N · 제목"
        problems.append(f"the first line should read '{expected}', not {title[:60]!r}")
    sections: dict[str, Section] = {}
    current: Section | None = None
    openers = OPENERS[language]
    for paragraph in paragraphs[1:]:
        opened = next(
            (name for name, words in openers.items() if paragraph.startswith(words)), None
        )
        if opened is None and current is not None and current.name == "sources":
            opened = "lesson"
        if opened is not None:
            if opened in sections:
                problems.append(f"the section {opener(language, opened)!r} opens twice")
            current = sections.setdefault(opened, Section(opened))
        if current is None:
            problems.append(f"a paragraph comes before {opener(language, 'sources')!r}")
            continue
        current.kinds.append("b" if is_block(paragraph) else "p")
        current.paragraphs.append(paragraph)
    order = [name for name in SECTIONS if name in sections]
    if order != list(sections):
        problems.append(f"the sections come in the order {list(sections)}; expected {order}")
    for name in SECTIONS:
        if name not in sections:
            problems.append(f"the section {opener(language, name)!r} is missing")
    return Lesson(language, title, sections, problems)


def opener(language: str, section: str) -> str:
    if section == "lesson":
        return "(the lesson, after the sources)"
    return OPENERS[language][section][0]


def code_lines(block: str) -> list[str] | None:
    """A Python block's lines without comments and trailing spaces; None if not Python."""
    code = textwrap.dedent(block)
    try:
        ast.parse(code)
        tokens = list(tokenize.generate_tokens(io.StringIO(code).readline))
    except (SyntaxError, tokenize.TokenError, IndentationError):
        return None
    lines = code.splitlines()
    for token in tokens:
        if token.type == tokenize.COMMENT:
            row, column = token.start
            lines[row - 1] = lines[row - 1][:column]
    return [line.rstrip() for line in lines if line.strip()]


def block_code(block: str) -> list[str]:
    """What a block shows that is code: its lines if it is Python, else its calls and task
    numbers."""
    lines = code_lines(block)
    return lines if lines is not None else sorted(BLOCK_CODE.findall(block))


def differences(first: Lesson, second: Lesson) -> list[str]:
    """How two languages of one lesson disagree: sections, paragraphs, blocks, inline code."""
    found = []
    a, b = first.language, second.language
    number = [TITLE[lesson.language].match(lesson.title) for lesson in (first, second)]
    if all(number) and number[0].group(1) != number[1].group(1):
        found.append(f"the titles give kata {number[0].group(1)} and {number[1].group(1)}")
    for name in SECTIONS:
        one, other = first.sections.get(name), second.sections.get(name)
        if one is None or other is None:
            continue  # parse() reports a missing section
        where = f"section {opener(b, name)!r}"
        if one.kinds != other.kinds:
            found.append(
                f"{where}: {a} has paragraphs {''.join(one.kinds)}, {b} "
                f"{''.join(other.kinds)} (p prose, b indented block); translate paragraph "
                "for paragraph"
            )
        for index, (x, y) in enumerate(zip(one.blocks, other.blocks, strict=False), start=1):
            if block_code(x) != block_code(y):
                found.append(f"{where}: block {index} differs in its code:\n{x}\n--- {b}:\n{y}")
        missing, extra = one.inline_code - other.inline_code, other.inline_code - one.inline_code
        if missing or extra:
            found.append(
                f"{where}: inline code only in {a}: {sorted(missing)}; only in {b}: {sorted(extra)}"
            )
    return found


def to_markdown(text: str, language: str) -> str:
    """The lesson as Markdown: the title a heading, each section's opening words a heading,
    blocks fenced (as Python where they parse)."""
    paragraphs = [p.strip("\n") for p in re.split(r"\n[ \t]*\n", text.strip("\n")) if p.strip()]
    out = [f"# {paragraphs[0].strip()}"] if paragraphs else []
    openers = [word for words in OPENERS[language].values() for word in words]
    for paragraph in paragraphs[1:]:
        if is_block(paragraph):
            code = textwrap.dedent(paragraph)
            fence = "```python" if code_lines(paragraph) is not None else "```text"
            out.append(f"{fence}\n{code}\n```")
            continue
        paragraph = textwrap.dedent(paragraph)
        if any(paragraph.startswith(word) for word in openers):
            label = re.match(r"[^:(]*", paragraph).group(0).strip()
            out.append(f"## {label}")
            paragraph = paragraph[len(label) :].lstrip(" :")
            paragraph = paragraph[:1].upper() + paragraph[1:]
        if paragraph.endswith("::"):
            paragraph = paragraph[:-1]
        if paragraph.strip():
            out.append(paragraph)
    return "\n\n".join(out) + "\n"


def lesson_problems(root: Path, kata: str, language: str, lessons: Path = LESSONS) -> list[str]:
    """What is wrong with ``kata``'s lesson in ``language`` against the English one."""
    english = parse(docstring_of((root / "katas" / f"{kata}.py").read_text(encoding="utf-8")), "en")
    problems = [f"katas/{kata}.py's docstring: {p}" for p in english.problems]
    path = lesson_path(kata, language, lessons)
    if not path.is_file():
        return [*problems, f"{path} is missing: write the {language} lesson of {kata}"]
    other = parse(path.read_text(encoding="utf-8"), language)
    problems += [f"{path.name}: {p}" for p in other.problems]
    return problems + [f"{path.name}: {d}" for d in differences(english, other)]
