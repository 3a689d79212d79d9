"""Katas in Jupyter: the ``%%kata`` cell magic and the workbooks that use it.

In a notebook, ``%load_ext gankata`` adds a cell magic. A cell that starts with

    %%kata one_hot_dataset

holds the learner's whole ``katas/one_hot_dataset.py``. Running the cell runs that kata's
tests on the cell's code, in the same pytest subprocess and with the same results cache as
``gankata check``, and shows the same report: the progress row, then the first failure
with its teaching message, or "Kata done". Then the code runs in the notebook itself, so
that the cells below can draw pictures with the learner's own classes. The flags are those
of the terminal: ``--lang ko`` (Korean), ``--root PATH`` (the clone, when the notebook is
not inside it) and ``-v`` (the full traceback).

``gankata notebook KATA`` (or ``--all``) writes workbooks with :func:`write_workbooks`: one
``.ipynb`` per kata with the lesson, the ``%%kata`` cell holding the stub, the hints folded
away, and the pictures of ``workbook.toml``.

Nothing here imports IPython or nbformat at the top: the runner imports this module to
write workbooks without a kernel, and a kernel loads it without nbformat.
"""

from __future__ import annotations

import argparse
import linecache
import re
import shlex
import tempfile
import traceback
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from rich.markup import escape

from gankata import cli
from gankata.curriculum import Kata, find_kata, load_curriculum
from gankata.i18n import DEFAULT, choose_language, current_language, t, use_language
from gankata.impl import find_root
from gankata.testrun import CaseResult, RunFailed, run_kata_tests
from gankata.tomlfile import read_toml

if TYPE_CHECKING:
    from IPython.core.interactiveshell import InteractiveShell

PICTURES = Path(__file__).with_name("workbook.toml")
MAGIC = "kata"
# The temporary folder that holds a cell's code while its tests run (see _in_cell).
CELL_FOLDER_PREFIX = "gankata-cell-"


# ## The %%kata cell magic


def load_ipython_extension(ipython: InteractiveShell) -> None:
    """Register the ``%%kata`` cell magic (``%load_ext gankata`` calls this)."""

    def kata(line: str, cell: str) -> None:
        """Check a kata on this cell's code, then define the code in the notebook.

            %%kata KATA [--lang en|ko] [--root PATH] [-v]
            <the whole katas/KATA.py, edited by you>

        The kata's tests run on the code below the first line, exactly as ``gankata check
        KATA`` runs them on katas/KATA.py, and the report is the same: how many tests pass,
        then the first failure and what it teaches, or "Kata done". Then the code runs in
        this notebook, so that the cells below can use what it defines.

        --lang   en or ko (default: GANKATA_LANG, then your locale, then en)
        --root   the gan-katas clone (default: found from the notebook's folder, see %cd)
        -v       show the full traceback of the first failure
        """
        run_kata_cell(ipython, line, cell)

    ipython.register_magic_function(kata, magic_kind="cell", magic_name=MAGIC)


@dataclass(frozen=True)
class CellResult:
    """What one ``%%kata`` cell did: which kata it checked, whether it passed, whether its
    code now lives in the notebook (False when the code raised, or was not run)."""

    kata: str | None
    passed: bool
    defined: bool


class _LineError(Exception):
    """The magic's line cannot be read; argparse would otherwise exit the kernel."""


class _LineParser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise _LineError(message)


def _line_parser() -> argparse.ArgumentParser:
    parser = _LineParser(prog="%%kata", add_help=False)
    parser.add_argument("kata", nargs="?")
    # No choices= here: choose_language refuses an unknown language in the learner's words.
    parser.add_argument("--lang")
    parser.add_argument("--root", type=Path)
    parser.add_argument("-v", "--verbose", action="store_true")
    return parser


def _say_error(message: str) -> None:
    cli.console.print(f"[red]{escape(message)}[/]")


def run_kata_cell(ipython: InteractiveShell, line: str, cell: str) -> CellResult:
    """The work of ``%%kata LINE`` on ``cell``: test the code, report, define it in ``ipython``.

    Never raises for a learner's mistake (an unknown kata, a notebook outside the clone, a
    hang, a syntax error): each is a red message in the learner's language, and the result
    says what happened.
    """
    nothing = CellResult(kata=None, passed=False, defined=False)
    try:
        args = _line_parser().parse_args(shlex.split(line))
    except (_LineError, ValueError) as error:  # ValueError: shlex on an unclosed quote
        _say_error(f"%%kata {line.strip()}: {error}")
        _say_error(t("magic_usage"))
        return nothing
    try:
        language = choose_language(args.lang)
    except ValueError as error:
        _say_error(str(error))
        return nothing
    # The language is this cell's: the next cell may ask for another, or for none.
    previous = current_language()
    use_language(language)
    try:
        return _check_cell(ipython, args, cell)
    finally:
        use_language(previous)


def _check_cell(ipython: InteractiveShell, args: argparse.Namespace, cell: str) -> CellResult:
    nothing = CellResult(kata=None, passed=False, defined=False)
    try:
        root = find_root(args.root)
    except FileNotFoundError as error:
        _say_error(t("magic_no_checkout", error=error, kata=args.kata or "KATA"))
        return nothing
    curriculum = load_curriculum(language=current_language())
    if args.kata is None:
        _say_error(t("magic_usage"))
        # The katas' names are the same in every language.
        cli.console.print(escape(", ".join(k.name for k in curriculum)))
        return nothing
    try:
        kata = find_kata(args.kata, curriculum)
    except KeyError as error:
        _say_error(str(error.args[0]))
        return nothing

    where = t("magic_where")
    try:
        rows = _run_tests(root, kata, cell)
    except RunFailed as error:
        # A hang outside every test is most likely top-level code that never ends: running
        # the same code in the kernel would hang the notebook too.
        _say_error(str(error))
        return CellResult(kata=kata.name, passed=False, defined=False)
    rows = [_in_cell(row, kata.name, where) for row in rows]
    cli.show_table([kata], {kata.name: rows})
    passed = cli.show_check(kata, rows, curriculum, args.verbose, cell=True)
    defined = _define(ipython, kata, cell, where)
    return CellResult(kata=kata.name, passed=passed, defined=defined)


def _run_tests(root: Path, kata: Kata, code: str) -> list[CaseResult]:
    """The kata's tests on ``code``, saved as ``<kata>.py`` in a folder of its own.

    The file has the kata's name and the cell's exact text, so its results cache entry is the
    one ``gankata check`` would use for the same text in katas/: an untouched stub, or a
    solution that already passed in the terminal, is not tested again.
    """
    with tempfile.TemporaryDirectory(prefix=CELL_FOLDER_PREFIX) as folder:
        (Path(folder) / f"{kata.name}.py").write_text(code, encoding="utf-8")
        return run_kata_tests(root, [kata.name], impl=folder)


def _in_cell(row: CaseResult, name: str, where: str) -> CaseResult:
    """``row`` with the temporary file's path replaced by ``where``, its lines as the cell's.

    The learner never saw the temporary file, and it is gone by the time they read this.
    Line N of the file is line N + 1 of the cell, below the ``%%kata`` line.
    """
    path = r'"?[^\s"]*' + re.escape(CELL_FOLDER_PREFIX) + r'[^\s"/\\]+[/\\]' + re.escape(name)
    path += r'\.py"?'
    # pytest's "path:12", and "path, line 12" or "Importing path raised ..., line 12" (impl.py)
    colon = re.compile(path + r":(\d+)")
    comma = re.compile(path + r"([^\n]*?, line )(\d+)")
    bare = re.compile(path)

    def fix(text: str) -> str:
        text = colon.sub(lambda m: f"{where}:{int(m.group(1)) + 1}", text)
        text = comma.sub(lambda m: f"{where}{m.group(1)}{int(m.group(2)) + 1}", text)
        return bare.sub(where, text)

    return replace(row, message=fix(row.message), longrepr=fix(row.longrepr))


def _define(ipython: InteractiveShell, kata: Kata, code: str, where: str) -> bool:
    """Run ``code`` in the notebook's namespace, as if it were an ordinary cell.

    An exception is reported in one red line, ``<where>, line N: Error: message``, the way
    the tests report a file that does not load; a traceback through gankata would only hide
    where the learner's mistake is.
    """
    filename = f"<%%kata {kata.name}>"
    # linecache lets inspect.getsource and later tracebacks show the learner's own lines;
    # an entry without a modification time is never dropped by linecache.checkcache().
    linecache.cache[filename] = (len(code), None, code.splitlines(keepends=True), filename)
    try:
        # dont_inherit: the cell's code gets only its own __future__ imports, not this module's.
        compiled = compile(code, filename, "exec", dont_inherit=True)
        exec(compiled, ipython.user_global_ns, ipython.user_ns)
    except SyntaxError as error:
        _say_error(f"{where}, line {(error.lineno or 0) + 1}: SyntaxError: {error.msg}")
        return False
    except Exception as error:
        frames = [f for f in traceback.extract_tb(error.__traceback__) if f.filename == filename]
        line = (frames[-1].lineno or 0) + 1 if frames else 1
        _say_error(f"{where}, line {line}: {type(error).__name__}: {error}")
        return False
    return True


# ## Workbooks


@dataclass(frozen=True)
class Written:
    """One workbook written: where, and where the file it replaced went (None: nothing kept)."""

    path: Path
    backup: Path | None = None


@dataclass(frozen=True)
class Picture:
    """A picture cell of ``workbook.toml``: what it shows, in one language, and its code."""

    kata: str
    caption: str
    code: str


def load_pictures(language: str = DEFAULT, path: Path = PICTURES) -> dict[str, Picture]:
    """Each kata's picture, its caption in ``language`` (katas without one are absent)."""
    return {
        entry["kata"]: Picture(entry["kata"], entry[language], entry["code"].strip())
        for entry in read_toml(path)["picture"]
    }


def magic_line(kata: Kata, language: str) -> str:
    """The workbook's ``%%kata`` line: the kata, and the language when it is not English."""
    line = f"%%{MAGIC} {kata.name}"
    return line if language == DEFAULT else f"{line} --lang {language}"


def build_workbook(root: Path, kata: Kata, language: str, picture: Picture | None) -> Any:
    """The workbook of ``kata`` as an nbformat v4 notebook (``kata`` carries its own words).

    Cells: the title, summary and seed; ``%load_ext gankata``; the ``%%kata`` cell holding
    katas/<name>.py exactly (its docstring is the lesson, and the exact text is what lets the
    results cache of `gankata check` answer for an untouched stub); the hints, each folded
    away; then the picture's caption and code, if the kata has one. Cell ids are fixed, so
    the same inputs give the same file, byte for byte, and an unchanged workbook is
    recognised as such.
    """
    from nbformat import v4

    stub = (root / kata.stub).read_text(encoding="utf-8")
    cells = [
        v4.new_markdown_cell(_lesson(kata), id="lesson"),
        v4.new_code_cell(f"%load_ext {__package__}", id="load"),
        v4.new_code_cell(f"{magic_line(kata, language)}\n{stub}", id="kata"),
        v4.new_markdown_cell(_hints(kata), id="hints"),
    ]
    if picture is not None:
        caption = f"{t('workbook_pictures')}\n\n{picture.caption}"
        cells.append(v4.new_markdown_cell(caption, id="picture-caption"))
        cells.append(v4.new_code_cell(picture.code, id="picture"))
    return v4.new_notebook(
        cells=cells,
        metadata={
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
            "language_info": {"name": "python"},
        },
    )


def _lesson(kata: Kata) -> str:
    title = t("workbook_heading", number=kata.number, title=kata.title)
    seed = t("workbook_seed", seed=kata.seed)
    return f"# {title}\n\n{kata.summary}\n\n{seed}\n\n{t('workbook_how')}"


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
        raise cli.UsageError(t("notebook_needs_nbformat")) from None

    language = current_language()
    pictures = load_pictures(language)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for kata in katas:
        notebook = build_workbook(root, kata, language, pictures.get(kata.name))
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


def backup_path(path: Path, now: datetime | None = None) -> Path:
    """A free name beside ``path`` for its backup: ``<stem>.backup-YYYYmmdd-HHMMSS.ipynb``.

    Two backups in the same second get ``-2``, ``-3``, ...: an older backup is never replaced.
    """
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    candidate = path.with_name(f"{path.stem}.backup-{stamp}{path.suffix}")
    copy = 1
    while candidate.exists():
        copy += 1
        candidate = path.with_name(f"{path.stem}.backup-{stamp}-{copy}{path.suffix}")
    return candidate
