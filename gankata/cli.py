"""The learner's runner: ``gankata`` shows progress and the next thing to learn.

    gankata                 the progress table, then the first failure of the next kata
    gankata list            the progress table
    gankata check [KATA]    run one kata's tests (default: the next unfinished kata)
    gankata hint KATA [N]   the N-th hint for KATA
    gankata watch [KATA]    check again every time a file in katas/ is saved
    gankata reset KATA      back up your katas/KATA.py, then restore the original stub
    gankata demo mnist      train the book's MNIST GAN and write its pictures (--collapse:
                            the first version, which collapses to one digit)
    gankata demo dcgan      train kata 11's DCGAN (the seed's Keras model) and write its samples
    gankata notebook KATA   write a Jupyter workbook for KATA (--all: one for every kata)

``--lang ko`` (or ``GANKATA_LANG=ko``, or a Korean locale) makes the runner speak Korean: the
table, the katas' titles, summaries and hints. The tests' own messages stay in English.

Tests run in a pytest subprocess, so a learner's syntax error, exception or endless loop is
reported for that kata and never crashes the runner.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table

from gankata.curriculum import TODO_MARK, Kata, find_kata, load_curriculum
from gankata.i18n import DEFAULT, LANGUAGES, choose_language, current_language, t, use_language
from gankata.impl import ImplLoadError, find_root
from gankata.testrun import CaseResult, RunFailed, run_kata_tests

console = Console(highlight=False)

# How the learner started us, so that suggested commands can be pasted as they are
# (the nox session sets "nox -s katas --").
COMMAND = os.environ.get("GANKATA_COMMAND", "gankata")
BACKUPS = Path(".gankata") / "backups"


class UsageError(Exception):
    """Something the learner asked for cannot be done; the message says what to do."""


def _results_by_kata(root: Path, katas: list[Kata]) -> dict[str, list[CaseResult]]:
    results = run_kata_tests(root, [k.name for k in katas])
    return {k.name: [r for r in results if r.kata == k.name] for k in katas}


def _status(results: list[CaseResult]) -> str:
    """done, in_progress or not_started."""
    passed = sum(r.passed for r in results)
    if results and passed == len(results):
        return "done"
    return "in_progress" if passed else "not_started"


def show_table(curriculum: list[Kata], results: dict[str, list[CaseResult]]) -> None:
    table = Table(title=t("table_title"))
    for column in ("number", "kata", "title", "status", "tests"):
        table.add_column(t(f"column_{column}"))
    colour = {"done": "green", "in_progress": "yellow", "not_started": "dim"}
    for kata in curriculum:
        rows = results[kata.name]
        status = _status(rows)
        table.add_row(
            str(kata.number),
            kata.name,
            escape(kata.title),
            f"[{colour[status]}]{t(f'status_{status}')}[/]",
            f"{sum(r.passed for r in rows)}/{len(rows)}",
        )
    console.print(table)


def hint_panel(kata: Kata, number: int) -> Panel:
    title = t("hint_title", number=number, count=len(kata.hints), kata=kata.name)
    return Panel(escape(kata.hints[number - 1]), title=title, title_align="left")


def show_check(
    kata: Kata,
    rows: list[CaseResult],
    curriculum: list[Kata],
    verbose: bool = False,
    cell: bool = False,
) -> bool:
    """Report one kata's results the way a teacher would; True when every test passes.

    ``cell`` is True for a notebook's ``%%kata`` cell: the learner's code is that cell, the
    hints sit in the workbook and the next kata is the next workbook, so the words say so.
    Beside a failure come the kata's summary and, in a language other than the tests'
    English, its first hint, so that the lesson is in the learner's words.
    """
    where = t("magic_where") if cell else kata.stub
    passed = sum(r.passed for r in rows)
    title = escape(kata.title)
    console.print(
        t(
            "current_kata",
            stub=where,
            number=kata.number,
            title=title,
            passed=passed,
            total=len(rows),
        )
    )
    failures = [r for r in rows if not r.passed]
    if rows and not failures:
        console.print(t("kata_done", solution=kata.solution))
        later = curriculum[kata.number :]
        if later and cell:
            workbook = later[0].workbook(current_language())
            console.print(t("next_kata_cell", workbook=workbook, kata=later[0].name))
        elif later:
            console.print(t("next_kata", stub=later[0].stub, command=COMMAND))
        else:
            console.print(t("last_kata"))
        return True
    if not rows:
        console.print(t("no_tests_ran", kata=kata.name, tests=kata.tests))
        return False
    first = failures[0]
    body = first.longrepr if verbose else first.message
    console.print(Panel(escape(body), title=f"[red]{escape(first.test)}[/]", title_align="left"))
    summary_title = t("summary_title", number=kata.number)
    console.print(Panel(escape(kata.summary), title=summary_title, title_align="left"))
    if current_language() != DEFAULT:
        console.print(hint_panel(kata, 1))
    console.print(t("lesson_pointer", stub=kata.stub, seed=escape(kata.seed)))
    stuck = "stuck_cell" if cell else "stuck_verbose" if verbose else "stuck"
    console.print(t(stuck, command=COMMAND, kata=kata.name))
    return False


def _check_first_unfinished(
    curriculum: list[Kata], results: dict[str, list[CaseResult]], verbose: bool
) -> int:
    for kata in curriculum:
        if _status(results[kata.name]) != "done":
            return 0 if show_check(kata, results[kata.name], curriculum, verbose) else 1
    console.print(t("all_done"))
    return 0


def cmd_progress(root: Path, curriculum: list[Kata], verbose: bool) -> int:
    results = _results_by_kata(root, curriculum)
    show_table(curriculum, results)
    return _check_first_unfinished(curriculum, results, verbose)


def cmd_list(root: Path, curriculum: list[Kata]) -> int:
    show_table(curriculum, _results_by_kata(root, curriculum))
    return 0


def cmd_check(root: Path, curriculum: list[Kata], name: str | None, verbose: bool) -> int:
    if name is None:
        return _check_first_unfinished(curriculum, _results_by_kata(root, curriculum), verbose)
    kata = find_kata(name, curriculum)
    rows = _results_by_kata(root, [kata])[kata.name]
    return 0 if show_check(kata, rows, curriculum, verbose) else 1


def cmd_hint(curriculum: list[Kata], name: str, number: int) -> int:
    kata = find_kata(name, curriculum)
    if not 1 <= number <= len(kata.hints):
        raise UsageError(
            t("hint_out_of_range", kata=kata.name, count=len(kata.hints), number=number)
        )
    console.print(hint_panel(kata, number))
    if number < len(kata.hints):
        console.print(t("hint_more", command=COMMAND, kata=kata.name, next=number + 1))
    return 0


def _snapshot(root: Path) -> dict[Path, float]:
    return {path: path.stat().st_mtime for path in (root / "katas").glob("*.py")}


def cmd_watch(
    root: Path,
    check: Callable[[], int],
    poll_s: float = 0.5,
    rounds: int | None = None,
) -> int:
    """Run ``check`` now and after every save in katas/, until Ctrl-C (or ``rounds`` checks)."""
    done = 0
    try:
        while True:
            try:
                check()
            except RunFailed as error:
                # A hung run must not end the watch: the learner's next save may fix it.
                console.print(f"[red]{escape(str(error))}[/]")
            done += 1
            if rounds is not None and done >= rounds:
                return 0
            console.print(t("watching"))
            before = _snapshot(root)
            while _snapshot(root) == before:
                time.sleep(poll_s)
            console.rule(t("file_saved"))
    except KeyboardInterrupt:
        console.print("\n" + t("watch_stopped"))
        return 0


def original_stub(root: Path, kata: Kata) -> str:
    """The stub as the workshop shipped it, from git: upstream first, then your HEAD."""
    for ref in ("origin/HEAD", "HEAD"):
        shown = subprocess.run(
            ["git", "show", f"{ref}:{kata.stub}"], cwd=root, capture_output=True, text=True
        )
        if shown.returncode == 0 and TODO_MARK in shown.stdout:
            return shown.stdout
    raise UsageError(t("no_original_stub", stub=kata.stub))


def cmd_reset(root: Path, curriculum: list[Kata], name: str) -> int:
    kata = find_kata(name, curriculum)
    stub = original_stub(root, kata)
    target = root / kata.stub
    if target.exists():
        current = target.read_text(encoding="utf-8")
        if current == stub:
            console.print(t("already_stub", stub=kata.stub))
            return 0
        backup_dir = root / BACKUPS
        backup_dir.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        backup = backup_dir / f"{kata.name}-{stamp}.py"
        copy = 1
        while backup.exists():
            copy += 1
            backup = backup_dir / f"{kata.name}-{stamp}-{copy}.py"
        backup.write_text(current, encoding="utf-8")
        console.print(t("work_saved", backup=backup.relative_to(root)))
    target.write_text(stub, encoding="utf-8")
    console.print(t("stub_restored", stub=kata.stub))
    return 0


def build_parser() -> argparse.ArgumentParser:
    # --lang is read before this parser is built (its help is in the chosen language); it is
    # declared on every command so that it may come before or after the command's name.
    language = argparse.ArgumentParser(add_help=False)
    language.add_argument(
        "--lang", choices=LANGUAGES, default=argparse.SUPPRESS, help=t("help_lang")
    )
    parser = argparse.ArgumentParser(
        prog="gankata", description=t("help_description"), parents=[language]
    )
    parser.add_argument("--root", type=Path, help=t("help_root"))
    parser.add_argument("-v", "--verbose", action="store_true", help=t("help_verbose"))
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("list", help=t("help_list"), parents=[language])
    check = commands.add_parser("check", help=t("help_check"), parents=[language])
    check.add_argument("kata", nargs="?")
    check.add_argument(
        "-v", "--verbose", dest="check_verbose", action="store_true", help=t("help_verbose")
    )
    hint = commands.add_parser("hint", help=t("help_hint"), parents=[language])
    hint.add_argument("kata")
    hint.add_argument("number", nargs="?", type=int, default=1)
    watch = commands.add_parser("watch", help=t("help_watch"), parents=[language])
    watch.add_argument("kata", nargs="?")
    reset = commands.add_parser("reset", help=t("help_reset"), parents=[language])
    reset.add_argument("kata")
    notebook = commands.add_parser("notebook", help=t("help_notebook"), parents=[language])
    notebook.add_argument("kata", nargs="?")
    notebook.add_argument("--all", action="store_true", help=t("help_notebook_all"))
    notebook.add_argument(
        "--out", type=Path, default=Path("notebooks"), help=t("help_notebook_out")
    )
    demo = commands.add_parser("demo", help=t("help_demo"), parents=[language])
    demo.add_argument(
        "which",
        choices=["mnist", "dcgan"],
        help="which demo (mnist: the book's MNIST GAN; dcgan: kata 11's Keras DCGAN)",
    )
    demo.add_argument(
        "--collapse",
        action="store_true",
        help="mnist only: the book's first version, which collapses",
    )
    demo.add_argument(
        "--steps", type=int, help="training steps (default 5000; 10000 collapse; 300 dcgan)"
    )
    demo.add_argument(
        "--batch-size", type=int, help="images per step (default 32; 1 collapse; 32 dcgan)"
    )
    demo.add_argument("--seed", type=int, default=0, help="torch's random seed (default 0)")
    demo.add_argument(
        "--impl", default="solutions", help="whose katas to run: solutions (default) or katas"
    )
    demo.add_argument("--out", type=Path, default=Path("runs"), help="where runs go (runs/)")
    demo.add_argument("--device", help="cpu, cuda, ... (default: the fastest there is)")
    return parser


def cmd_demo(args: argparse.Namespace) -> int:
    from gankata.demo import run_dcgan_demo, run_mnist_demo  # imports torch: only when asked

    if args.which == "dcgan" and args.collapse:
        raise UsageError(t("demo_collapse_dcgan"))
    common = {
        "out": args.out,
        "steps": args.steps,
        "batch_size": args.batch_size,
        "seed": args.seed,
        "impl": args.impl,
        "device": args.device,
    }
    try:
        if args.which == "dcgan":
            run_dcgan_demo(**common)
        else:
            run_mnist_demo(collapse=args.collapse, **common)
    except NotImplementedError as error:
        raise UsageError(
            t("demo_unfinished", impl=args.impl, error=error, which=args.which)
        ) from None
    except ValueError as error:
        raise UsageError(str(error)) from None
    return 0


def cmd_notebook(
    root: Path, curriculum: list[Kata], name: str | None, every: bool, out: Path
) -> int:
    from gankata.notebook import write_workbooks  # imports nbformat: only when asked

    if every == (name is not None):
        raise UsageError(t("notebook_which", command=COMMAND))
    katas = curriculum if every else [find_kata(name, curriculum)]
    for written in write_workbooks(root, katas, root / out if not out.is_absolute() else out):
        if written.backup is not None:
            console.print(t("notebook_backup", backup=written.backup))
        console.print(t("notebook_written", path=written.path))
    return 0


def _language(argv: list[str] | None) -> str:
    early = argparse.ArgumentParser(add_help=False)
    early.add_argument("--lang")
    known, _ = early.parse_known_args(argv)
    return choose_language(known.lang)


def main(argv: list[str] | None = None) -> int:
    try:
        use_language(_language(argv))
    except ValueError as error:
        console.print(f"[red]{escape(str(error))}[/]")
        return 2
    args = build_parser().parse_args(argv)
    try:
        root = find_root(args.root)
        curriculum = load_curriculum(language=current_language())
        verbose = args.verbose or getattr(args, "check_verbose", False)
        if args.command is None:
            return cmd_progress(root, curriculum, verbose)
        if args.command == "list":
            return cmd_list(root, curriculum)
        if args.command == "check":
            return cmd_check(root, curriculum, args.kata, verbose)
        if args.command == "hint":
            return cmd_hint(curriculum, args.kata, args.number)
        if args.command == "watch":
            if args.kata:
                find_kata(args.kata, curriculum)
            return cmd_watch(root, lambda: cmd_check(root, curriculum, args.kata, verbose))
        if args.command == "demo":
            return cmd_demo(args)
        if args.command == "notebook":
            return cmd_notebook(root, curriculum, args.kata, args.all, args.out)
        return cmd_reset(root, curriculum, args.kata)
    except (UsageError, RunFailed, FileNotFoundError, ImplLoadError) as error:
        console.print(f"[red]{escape(str(error))}[/]")
        return 2
    except KeyError as error:
        console.print(f"[red]{escape(str(error.args[0]))}[/]")
        return 2
