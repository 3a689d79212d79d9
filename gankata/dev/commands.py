"""`gankata dev`: the maintainer's commands.

    gankata dev check [--no-integrity]   the course against the files, in every language:
                                         the katas' files and cards, translations, numbers,
                                         generated files, then the integrity check
    gankata dev sync [--check]           write the generated files (--check: exit 1 if any
                                         is out of date, as dev check does)
    gankata dev new NAME --after OTHER   scaffold a kata after OTHER and renumber the rest
    gankata dev integrity [KATA ...]     stubs fail, solutions pass, every mistake is caught

Exit codes: 0 all well, 1 something to fix (listed), 2 the command could not run.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from rich.console import Console
from rich.markup import escape

import gankata
from gankata.course.checkout import find_root
from gankata.dev import check, integrity
from gankata.dev.new import NewKataError, new_kata
from gankata.dev.sync import sync

console = Console()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="gankata dev",
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="\n\n".join(__doc__.split("\n\n")[1:]),
    )
    parser.add_argument("--root", type=Path, help="the gan-katas checkout (default: found)")
    commands = parser.add_subparsers(dest="command", required=True)
    checking = commands.add_parser("check", help="the course against the files, then integrity")
    checking.add_argument(
        "--no-integrity", action="store_true", help="skip the integrity check (minutes)"
    )
    syncing = commands.add_parser("sync", help="write the generated files")
    syncing.add_argument("--check", action="store_true", help="only say which are stale")
    new = commands.add_parser("new", help="scaffold a kata and renumber the ones after it")
    new.add_argument("name", help="the new kata's name, e.g. wasserstein_loss")
    new.add_argument("--after", required=True, metavar="OTHER", help="the kata it follows")
    proving = commands.add_parser("integrity", help="stubs fail, solutions pass, mistakes caught")
    proving.add_argument("katas", nargs="*", help="only these katas (default: all)")
    return parser


def package_root(root: Path) -> Path:
    """``root``, once sure that the gankata imported here is the one in ``root``: the dev
    tools read the course from the package and write it into the checkout."""
    imported = Path(gankata.__file__).resolve().parent
    if imported != (root / "gankata").resolve():
        raise FileNotFoundError(
            f"this checkout is {root}, but gankata is imported from {imported}: run the "
            f"command from that checkout, or install this one (pip install -e {root})"
        )
    return root


def _listed(problems: list[str], what: str) -> int:
    for problem in problems:
        console.print(f"[red]✗[/] {escape(problem)}")
    if problems:
        console.print(f"[red]{len(problems)} problem(s) with {what}.[/]")
        return 1
    console.print(f"[green]✓[/] {what}")
    return 0


def run_check(root: Path, with_integrity: bool) -> int:
    code = _listed(check.course_problems(root), "the course, its files and translations")
    if with_integrity:
        code = max(code, integrity.report(root))
    return code


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        root = package_root(find_root(args.root))
        if args.command == "check":
            return run_check(root, not args.no_integrity)
        if args.command == "sync":
            stale = sync(root, check=args.check)
            if args.check:
                return _listed(
                    [f"{p} is out of date: run `gankata dev sync`" for p in stale],
                    "the generated files",
                )
            console.print("rewrote " + ", ".join(stale) if stale else "everything was current")
            return 0
        if args.command == "new":
            written = new_kata(root, args.name, args.after)
            for path in written:
                console.print(f"  {escape(str(path.relative_to(root)))}")
            console.print(
                f"[green]{args.name} added[/]; `gankata dev check` lists what is left to write"
            )
            return 0
        return integrity.report(root, args.katas)
    except (FileNotFoundError, NewKataError) as error:
        console.print(f"[red]{escape(str(error))}[/]")
        return 2
