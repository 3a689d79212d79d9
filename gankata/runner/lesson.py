"""``gankata lesson KATA``: a kata's whole lesson in the learner's language, in the terminal.

The English lesson is the docstring of the stub as shipped (the learner's own file may have
lost it); every other language's is ``gankata/course/lessons/<language>/<kata>.txt``. Both
are shown as Markdown, the way the workbooks show them.
"""

from __future__ import annotations

from pathlib import Path

from gankata.course.curriculum import Kata
from gankata.course.lessons import docstring_of, lesson_path, to_markdown
from gankata.course.words import DEFAULT, t
from gankata.runner import stubs
from gankata.runner.screen import console


def lesson_text(root: Path, kata: Kata) -> tuple[str, str]:
    """The lesson of ``kata`` in its language, and that language (English where there is no
    translation)."""
    if kata.language != DEFAULT:
        path = lesson_path(kata.name, kata.language)
        if path.is_file():
            return path.read_text(encoding="utf-8"), kata.language
    try:
        source = stubs.original_stub(root, kata.name).decode("utf-8")
    except (stubs.StubNotFound, KeyError):
        source = (root / kata.stub).read_text(encoding="utf-8")
    return docstring_of(source), DEFAULT


def show_lesson(root: Path, kata: Kata) -> None:
    from rich.markdown import Markdown  # only this command renders Markdown

    text, language = lesson_text(root, kata)
    if language != kata.language:
        console.print(f"[yellow]{t('lesson_untranslated', kata=kata.name)}[/]")
    console.print(Markdown(to_markdown(text, language), code_theme="ansi_dark"))
