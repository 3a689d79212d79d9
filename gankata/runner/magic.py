"""Katas in Jupyter: the ``%%kata`` cell magic.

In a notebook, ``%load_ext gankata`` adds a cell magic. A cell that starts with

    %%kata one_hot_dataset

holds the learner's whole ``katas/one_hot_dataset.py``. Running the cell runs that kata's
tests on the cell's code, through the same warm worker and results cache as ``gankata
check``, and shows the same report: the progress row, the task checklist, then the first
failure with its teaching message, or "Kata done". Then, once the isolated check has shown
that the module loads to its end (a top-level endless loop or ``os._exit`` would otherwise
hang or end the kernel), the code runs in the notebook itself, so that the cells below can
draw pictures with the learner's own classes. The flags are those of the terminal:
``--lang ko`` (Korean), ``--root PATH`` (the clone, when the notebook is not inside it)
and ``-v`` (the full traceback).

Nothing here imports IPython at the top: a test can run the magic in an InteractiveShell,
and the runner's other fronts never load it.
"""

from __future__ import annotations

import argparse
import linecache
import re
import shlex
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from rich.markup import escape

from gankata.course.checkout import find_root
from gankata.course.curriculum import Kata, find_kata, load_curriculum
from gankata.course.words import choose_language, current_language, t, use_language
from gankata.runner.results import Verdict, verdicts
from gankata.runner.screen import console, say_error, show_check, show_table
from gankata.runner.testrun import CaseResult

if TYPE_CHECKING:
    from IPython.core.interactiveshell import InteractiveShell

MAGIC = "kata"


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
        say_error(f"%%kata {line.strip()}: {error}")
        say_error(t("magic_usage"))
        return nothing
    try:
        language = choose_language(args.lang)
    except ValueError as error:
        say_error(str(error))
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
        say_error(t("magic_no_checkout", error=error, kata=args.kata or "KATA"))
        return nothing
    curriculum = load_curriculum(language=current_language())
    if args.kata is None:
        say_error(t("magic_usage"))
        # The katas' names are the same in every language.
        console.print(escape(", ".join(k.name for k in curriculum)))
        return nothing
    try:
        kata = find_kata(args.kata, curriculum)
    except KeyError as error:
        say_error(str(error.args[0]))
        return nothing

    where = t("magic_where")
    verdict = verdicts(root, {kata.name: cell.encode("utf-8")})[kata.name]
    verdict = Verdict(
        kata.name,
        [_in_cell(row, kata.name, where) for row in verdict.rows],
        problem=verdict.problem,
        note=verdict.note,
    )
    show_table([kata], {kata.name: verdict})
    passed = show_check(kata, verdict, curriculum, root, args.verbose, cell=True)
    if not loads_to_the_end(verdict):
        say_error(t("magic_not_defined"))
        return CellResult(kata=kata.name, passed=passed, defined=False)
    defined = _define(ipython, kata, cell, where)
    return CellResult(kata=kata.name, passed=passed, defined=defined)


def loads_to_the_end(verdict: Verdict) -> bool:
    """Whether the isolated check saw the cell's module load: then running it in the kernel
    cannot hang or end it. A run cut short (a timeout, a crash) in which no test passed may
    be top-level code that never ends, or that ends Python."""
    return verdict.problem is None or any(r.passed for r in verdict.rows)


def _in_cell(row: CaseResult, name: str, where: str) -> CaseResult:
    """``row`` with ``katas/<name>.py`` replaced by ``where``, its lines as the cell's.

    The tests ran on a frozen copy of the cell, which the messages call by the kata file's
    name; line N of that file is line N + 1 of the cell, below the ``%%kata`` line.
    """
    path = r'"?katas[/\\]' + re.escape(name) + r'\.py"?'
    # pytest's "path:12", and "path, line 12" or "Importing path raised ..., line 12" (impl.py)
    colon = re.compile(path + r":(\d+)")
    comma = re.compile(path + r"([^\n]*?, line )(\d+)")
    bare = re.compile(path)

    def fix(text: str) -> str:
        text = colon.sub(lambda m: f"{where}:{int(m.group(1)) + 1}", text)
        text = comma.sub(lambda m: f"{where}{m.group(1)}{int(m.group(2)) + 1}", text)
        return bare.sub(where, text)

    return row.renamed(fix)


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
        say_error(f"{where}, line {(error.lineno or 0) + 1}: SyntaxError: {error.msg}")
        return False
    except (Exception, SystemExit) as error:
        frames = [f for f in traceback.extract_tb(error.__traceback__) if f.filename == filename]
        line = (frames[-1].lineno or 0) + 1 if frames else 1
        say_error(f"{where}, line {line}: {type(error).__name__}: {error}")
        return False
    return True
