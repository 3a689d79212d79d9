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
from gankata.impl import ImplLoadError, find_root
from gankata.testrun import CaseResult, RunFailed, run_tests

console = Console(highlight=False)

# How the learner started us, so that suggested commands can be pasted as they are
# (the nox session sets "nox -s katas --").
COMMAND = os.environ.get("GANKATA_COMMAND", "gankata")
BACKUPS = Path(".gankata") / "backups"


class UsageError(Exception):
    """Something the learner asked for cannot be done; the message says what to do."""


def _results_by_kata(root: Path, katas: list[Kata]) -> dict[str, list[CaseResult]]:
    results = run_tests(root, [k.name for k in katas])
    return {k.name: [r for r in results if r.kata == k.name] for k in katas}


def _status(results: list[CaseResult]) -> str:
    passed = sum(r.passed for r in results)
    if results and passed == len(results):
        return "done"
    return "in progress" if passed else "not started"


def show_table(curriculum: list[Kata], results: dict[str, list[CaseResult]]) -> None:
    table = Table(title="gan-katas: your progress")
    for column in ("#", "kata", "what you learn", "status", "tests"):
        table.add_column(column)
    colour = {"done": "green", "in progress": "yellow", "not started": "dim"}
    for kata in curriculum:
        rows = results[kata.name]
        status = _status(rows)
        table.add_row(
            str(kata.number),
            kata.name,
            kata.title,
            f"[{colour[status]}]{status}[/]",
            f"{sum(r.passed for r in rows)}/{len(rows)}",
        )
    console.print(table)


def show_check(
    kata: Kata, rows: list[CaseResult], curriculum: list[Kata], verbose: bool = False
) -> bool:
    """Report one kata's results the way a teacher would; True when every test passes."""
    passed = sum(r.passed for r in rows)
    console.print(
        f"Current kata: [bold]{kata.stub}[/] (kata {kata.number}: {escape(kata.title)}), "
        f"{passed}/{len(rows)} tests pass"
    )
    failures = [r for r in rows if not r.passed]
    if rows and not failures:
        console.print(f"[green]Kata done ✓[/]  Solution for comparison: {kata.solution}")
        later = curriculum[kata.number :]
        if later:
            console.print(f"Next kata: [bold]{later[0].stub}[/] (run `{COMMAND} check`)")
        else:
            console.print("[green]That was the last kata. Well done![/]")
        return True
    if not rows:
        console.print(f"[red]No tests ran for {kata.name}: is {kata.tests} there?[/]")
        return False
    first = failures[0]
    body = first.longrepr if verbose else first.message
    console.print(Panel(escape(body), title=f"[red]{escape(first.test)}[/]", title_align="left"))
    console.print(
        f"The lesson is the docstring at the top of {kata.stub} (seed: {escape(kata.seed)}).\n"
        f"Stuck? Run `{COMMAND} hint {kata.name}` for a hint"
        + ("." if verbose else f", or `{COMMAND} check {kata.name} -v` for the full traceback.")
    )
    return False


def _check_first_unfinished(
    curriculum: list[Kata], results: dict[str, list[CaseResult]], verbose: bool
) -> int:
    for kata in curriculum:
        if _status(results[kata.name]) != "done":
            return 0 if show_check(kata, results[kata.name], curriculum, verbose) else 1
    console.print("[green]Every kata is done. Well done![/]")
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
            f"{kata.name} has hints 1 to {len(kata.hints)}; there is no hint {number}."
        )
    console.print(
        Panel(
            escape(kata.hints[number - 1]),
            title=f"Hint {number} of {len(kata.hints)} for {kata.name}",
            title_align="left",
        )
    )
    if number < len(kata.hints):
        console.print(f"Still stuck? `{COMMAND} hint {kata.name} {number + 1}` goes further.")
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
            console.print("[dim]Watching katas/ for changes. Ctrl-C to stop.[/]")
            before = _snapshot(root)
            while _snapshot(root) == before:
                time.sleep(poll_s)
            console.rule("[dim]file saved: checking again[/]")
    except KeyboardInterrupt:
        console.print("\nStopped watching.")
        return 0


def original_stub(root: Path, kata: Kata) -> str:
    """The stub as the workshop shipped it, from git: upstream first, then your HEAD."""
    for ref in ("origin/HEAD", "HEAD"):
        shown = subprocess.run(
            ["git", "show", f"{ref}:{kata.stub}"], cwd=root, capture_output=True, text=True
        )
        if shown.returncode == 0 and TODO_MARK in shown.stdout:
            return shown.stdout
    raise UsageError(
        f"Could not find the original {kata.stub} in git (tried origin/HEAD and HEAD). "
        "Your file is unchanged. Is this a git clone of gan-katas?"
    )


def cmd_reset(root: Path, curriculum: list[Kata], name: str) -> int:
    kata = find_kata(name, curriculum)
    stub = original_stub(root, kata)
    target = root / kata.stub
    if target.exists():
        current = target.read_text(encoding="utf-8")
        if current == stub:
            console.print(f"{kata.stub} is already the original stub; nothing to reset.")
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
        console.print(f"Your work is saved in {backup.relative_to(root)}")
    target.write_text(stub, encoding="utf-8")
    console.print(f"{kata.stub} is the original stub again.")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="gankata",
        description="Learn GANs one kata at a time. With no command: progress and next step.",
    )
    parser.add_argument("--root", type=Path, help="the gan-katas checkout (default: found from .)")
    parser.add_argument("-v", "--verbose", action="store_true", help="show full tracebacks")
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("list", help="the progress table")
    check = commands.add_parser("check", help="run one kata's tests (default: the next one)")
    check.add_argument("kata", nargs="?")
    check.add_argument(
        "-v", "--verbose", dest="check_verbose", action="store_true", help="full tracebacks"
    )
    hint = commands.add_parser("hint", help="show a hint for a kata")
    hint.add_argument("kata")
    hint.add_argument("number", nargs="?", type=int, default=1)
    watch = commands.add_parser("watch", help="check again whenever katas/ changes")
    watch.add_argument("kata", nargs="?")
    reset = commands.add_parser("reset", help="back up your file and restore the stub")
    reset.add_argument("kata")
    demo = commands.add_parser("demo", help="train a GAN and write its pictures into runs/")
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
        raise UsageError(
            "--collapse belongs to the mnist demo (the book's first MNIST GAN); the dcgan "
            "demo has one version. Run `gankata demo mnist --collapse` or drop --collapse."
        )
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
            f"The demo runs the katas in {args.impl}/, and one is not finished: {error}. "
            f"Finish it, or watch the reference answers: gankata demo {args.which} "
            "--impl solutions"
        ) from None
    except ValueError as error:
        raise UsageError(str(error)) from None
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        root = find_root(args.root)
        curriculum = load_curriculum()
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
        return cmd_reset(root, curriculum, args.kata)
    except (UsageError, RunFailed, FileNotFoundError, ImplLoadError) as error:
        console.print(f"[red]{escape(str(error))}[/]")
        return 2
    except KeyError as error:
        console.print(f"[red]{escape(str(error.args[0]))}[/]")
        return 2
