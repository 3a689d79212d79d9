"""Jupyter workbooks: one ``.ipynb`` per kata that the ``%%kata`` magic checks.

``gankata notebook KATA`` (or ``--all``) writes them with :func:`write_workbooks`: the
lesson, ``%load_ext gankata``, the ``%%kata`` cell holding the stub, the hints folded away,
and the kata's picture (its card's caption, ``course/pictures/<kata>.py``'s code).
nbformat is imported only when a workbook is written.
"""

from __future__ import annotations

import ast
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gankata.course.curriculum import Kata
from gankata.course.lessons import lesson_path, to_markdown
from gankata.course.naming import free_name
from gankata.course.words import DEFAULT, current_language, t
from gankata.runner.magic import MAGIC
from gankata.runner.screen import UsageError

SETUP_CELL = Path(__file__).with_name("setup_cell.py")


@dataclass(frozen=True)
class Written:
    """One workbook written: where, and where the file it replaced went (None: nothing kept)."""

    path: Path
    backup: Path | None = None


def magic_line(kata: Kata, language: str) -> str:
    """The workbook's ``%%kata`` line: the kata, and the language when it is not English."""
    line = f"%%{MAGIC} {kata.name}"
    return line if language == DEFAULT else f"{line} --lang {language}"


def build_workbook(root: Path, kata: Kata, language: str) -> Any:
    """The workbook of ``kata`` as an nbformat v4 notebook (``kata`` carries its own words).

    Cells: the title, summary and source; the setup cell (:func:`setup_code`);
    ``%load_ext gankata``; the ``%%kata`` cell holding
    katas/<name>.py exactly (its docstring is the lesson, and the exact text is what lets the
    results cache of `gankata check` answer for an untouched stub); the hints, each folded
    away; then the picture's caption and code, if the kata has one. In another language the
    first cell is the whole translated lesson, and the ``%%kata`` cell's docstring, the
    English lesson, gives way to a line that points up to it. Cell ids are fixed, so
    the same inputs give the same file, byte for byte, and an unchanged workbook is
    recognised as such.
    """
    from nbformat import v4

    stub = (root / kata.stub).read_text(encoding="utf-8")
    translated = lesson_path(kata.name, language)
    if language != DEFAULT and translated.is_file():
        lesson = translated.read_text(encoding="utf-8")
        stub = with_docstring(
            stub, t("workbook_docstring", title=lesson.splitlines()[0], kata=kata.name)
        )
        first = f"{to_markdown(lesson, language)}\n{t('workbook_how')}"
    else:
        first = _lesson(kata)
    cells = [
        v4.new_markdown_cell(first, id="lesson"),
        v4.new_code_cell(setup_code(source_of(root)), id="setup"),
        v4.new_code_cell("%load_ext gankata", id="load"),
        v4.new_code_cell(f"{magic_line(kata, language)}\n{stub}", id="kata"),
        v4.new_markdown_cell(_hints(kata), id="hints"),
    ]
    if kata.picture is not None:
        caption = f"{t('workbook_pictures')}\n\n{kata.caption}"
        cells.append(v4.new_markdown_cell(caption, id="picture-caption"))
        cells.append(v4.new_code_cell(kata.picture.code.rstrip("\n"), id="picture"))
    return v4.new_notebook(
        cells=cells,
        metadata={
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
            "language_info": {"name": "python"},
        },
    )


def source_of(root: Path) -> str:
    """Where this clone came from (``origin``), for a workbook opened outside any clone."""
    shown = subprocess.run(
        ["git", "remote", "get-url", "origin"], cwd=root, capture_output=True, text=True
    )
    return shown.stdout.strip() if shown.returncode == 0 else ""


def setup_code(source: str) -> str:
    """The workbook's first code cell: ``setup_cell.py`` with ``source`` as its default."""
    code = SETUP_CELL.read_text(encoding="utf-8")
    return code.replace('DEFAULT_SOURCE = ""', f"DEFAULT_SOURCE = {source!r}", 1).rstrip("\n")


def with_docstring(source: str, docstring: str) -> str:
    """``source`` with its module docstring replaced by ``docstring`` (added if it has none)."""
    tree = ast.parse(source)
    lines = source.splitlines(keepends=True)
    first = tree.body[0] if tree.body else None
    new = f'"""{docstring}\n"""\n'
    if (
        isinstance(first, ast.Expr)
        and isinstance(first.value, ast.Constant)
        and isinstance(first.value.value, str)
    ):
        end = first.end_lineno or first.lineno
        return "".join([*lines[: first.lineno - 1], new, *lines[end:]])
    return new + source


def _lesson(kata: Kata) -> str:
    title = t("workbook_heading", number=kata.number, title=kata.title)
    source = t("workbook_source", source=kata.source)
    return f"# {title}\n\n{kata.summary}\n\n{source}\n\n{t('workbook_how')}"


def _hints(kata: Kata) -> str:
    # <details> folds each hint away; the blank lines let Markdown work inside the HTML.
    folded = [
        f"<details><summary>{t('workbook_hint', number=number)}</summary>\n\n{hint}\n\n</details>"
        for number, hint in enumerate(kata.hints, start=1)
    ]
    return "\n\n".join([t("workbook_hints"), *folded])


def write_workbooks(root: Path, katas: list[Kata], out: Path) -> list[Written]:
    """Write one workbook per kata into ``out``, in the current language; what was written.

    ``katas`` carry their titles, summaries and hints in that language already. A workbook
    already there with exactly this content is left alone; any other file of that name (a
    workbook the learner has worked in, or an older gankata's) is first moved to a backup
    beside it, never overwritten.
    """
    try:
        import nbformat
    except ImportError:
        # The runner prints a UsageError as one red line; a traceback would hide the fix.
        raise UsageError(t("notebook_needs_nbformat")) from None

    language = current_language()
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for kata in katas:
        notebook = build_workbook(root, kata, language)
        nbformat.validate(notebook)
        text = nbformat.writes(notebook) + "\n"
        written.append(_write_keeping_backup(out / kata.workbook(language), text))
    return written


def _write_keeping_backup(path: Path, text: str) -> Written:
    if not path.exists():
        path.write_text(text, encoding="utf-8")
        return Written(path)
    if path.read_text(encoding="utf-8") == text:
        return Written(path)
    backup = backup_path(path)
    path.rename(backup)
    path.write_text(text, encoding="utf-8")
    return Written(path, backup)


def backup_path(path: Path) -> Path:
    """A free name beside ``path`` for its backup: ``<stem>.backup-YYYYmmdd-HHMMSS.ipynb``."""
    return free_name(path.parent, f"{path.stem}.backup", path.suffix)
