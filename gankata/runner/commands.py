"""The learner's runner: ``gankata`` shows progress and the next thing to learn.

    gankata                 the progress table, then the first failure of the next kata
    gankata KATA            the same as ``gankata check KATA``
    gankata list            the progress table
    gankata check [KATA]    run one kata's tests (default: the next unfinished kata)
    gankata hint KATA [N]   the N-th hint for KATA
    gankata lesson KATA     the whole lesson of KATA, in your language
    gankata watch [KATA]    check again every time the code in katas/ changes
    gankata reset KATA      back up your katas/KATA.py, then restore the original stub
    gankata restore KATA    bring back the newest backup that reset made
    gankata worker status|stop   the warm checker that makes a check take a second
    gankata demo mnist      train the book's MNIST GAN and write its pictures (--collapse:
                            the first version, which collapses to one digit)
    gankata demo dcgan      train kata 11's DCGAN (the Keras notes' model) and write its samples
    gankata notebook KATA   write a Jupyter workbook for KATA (--all: one for every kata)

``--lang ko`` (or ``GANKATA_LANG=ko``, or a Korean locale) makes the runner speak Korean: the
table, the katas' titles, summaries, hints and lessons, and the tests' diagnoses.

Each kata's tests run in a process of their own, forked from a warm worker
(gankata.runner.worker), so a learner's syntax error, exception, endless loop or crash is
reported for that kata and never takes the runner or another kata's row down.
"""

from __future__ import annotations

import argparse
import ast
import time
import traceback
from collections.abc import Callable
from pathlib import Path

from gankata.course.checkout import find_root
from gankata.course.curriculum import Kata, find_kata, load_curriculum
from gankata.course.naming import free_name
from gankata.course.words import LANGUAGES, choose_language, current_language, t, use_language
from gankata.runner import stubs, worker
from gankata.runner.results import Verdict, read_sources, verdicts
from gankata.runner.screen import (
    COMMAND,
    UsageError,
    console,
    hint_panel,
    say_error,
    show_check,
    show_problem,
    show_table,
)
from gankata.runner.testrun import RunFailed
from gankata.testkit.loader import ImplLoadError

BACKUPS = Path(".gankata") / "backups"
COMMANDS = (
    "list",
    "check",
    "hint",
    "lesson",
    "watch",
    "reset",
    "restore",
    "worker",
    "demo",
    "notebook",
)


def _verdicts(root: Path, katas: list[Kata], untouched_is_enough: bool) -> dict[str, Verdict]:
    sources = read_sources(root, [k.name for k in katas])
    return verdicts(root, sources, untouched_is_enough)


def _check_first_unfinished(
    root: Path, curriculum: list[Kata], found: dict[str, Verdict], verbose: bool
) -> int:
    for kata in curriculum:
        verdict = found[kata.name]
        if verdict.status == "done":
            continue
        if verdict.untouched:
            verdict = _verdicts(root, [kata], untouched_is_enough=False)[kata.name]
        if show_check(kata, verdict, curriculum, root, verbose):
            return 0
        remaining = sum(found[k.name].status != "done" for k in curriculum)
        console.print(t("katas_remaining", count=remaining, total=len(curriculum)))
        return 1
    console.print(t("all_done"))
    return 0


def cmd_progress(root: Path, curriculum: list[Kata], verbose: bool) -> int:
    found = _verdicts(root, curriculum, untouched_is_enough=True)
    show_table(curriculum, found)
    unfinished = [k.name for k in curriculum if found[k.name].status != "done"]
    # The first unfinished kata's problem comes with its check below; the others' here.
    for kata in curriculum:
        if kata.name not in unfinished[:1]:
            show_problem(found[kata.name])
    return _check_first_unfinished(root, curriculum, found, verbose)


def cmd_list(root: Path, curriculum: list[Kata]) -> int:
    found = _verdicts(root, curriculum, untouched_is_enough=True)
    show_table(curriculum, found)
    for verdict in found.values():
        show_problem(verdict)
    return 0


def cmd_check(root: Path, curriculum: list[Kata], name: str | None, verbose: bool) -> int:
    if name is None:
        found = _verdicts(root, curriculum, untouched_is_enough=True)
        return _check_first_unfinished(root, curriculum, found, verbose)
    kata = find_kata(name, curriculum)
    verdict = _verdicts(root, [kata], untouched_is_enough=False)[kata.name]
    return 0 if show_check(kata, verdict, curriculum, root, verbose) else 1


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


def code_of(source: bytes) -> str:
    """What a file computes, without its comments and layout: a comment or a blank line
    changes nothing a test can see, so it needs no check. A file that does not parse is
    its own code (the check reports the syntax error)."""
    try:
        return ast.dump(ast.parse(source))
    except (SyntaxError, ValueError):
        return source.decode("utf-8", errors="replace")


class Snapshot:
    """The code of each file in katas/, re-read only when a file's size or time changed."""

    def __init__(self, root: Path) -> None:
        self.folder = root / "katas"
        self.seen: dict[Path, tuple[int, int, str]] = {}

    def take(self) -> dict[Path, str]:
        codes = {}
        for path in sorted(self.folder.glob("*.py")):
            try:
                info = path.stat()
            except FileNotFoundError:
                continue
            stamp = (info.st_mtime_ns, info.st_size)
            known = self.seen.get(path)
            if known is None or known[:2] != stamp:
                known = (*stamp, code_of(path.read_bytes()))
                self.seen[path] = known
            codes[path] = known[2]
        return codes

    def changed(self, before: dict[Path, str]) -> bool:
        """True once the code (not only the text) of a file differs from ``before``."""
        return self.take() != before


def cmd_watch(
    root: Path,
    check: Callable[[], int],
    poll_s: float = 0.2,
    rounds: int | None = None,
) -> int:
    """Run ``check`` now and after every change of code in katas/, until Ctrl-C (or ``rounds``).

    The snapshot is taken before each check, so a save made while a check runs is checked
    right after it; a save that changes only comments or blank lines runs nothing.
    """
    snapshot = Snapshot(root)
    done = 0
    try:
        while True:
            before = snapshot.take()
            try:
                check()
            except RunFailed as error:
                # A hung run must not end the watch: the learner's next save may fix it.
                say_error(str(error))
            done += 1
            if rounds is not None and done >= rounds:
                return 0
            console.print(t("watching"))
            while not snapshot.changed(before):
                time.sleep(poll_s)
            console.clear()
            console.rule(t("file_saved"))
    except KeyboardInterrupt:
        console.print("\n" + t("watch_stopped"))
        return 0


def cmd_reset(root: Path, curriculum: list[Kata], name: str) -> int:
    """Back up the learner's file, then write the shipped stub (known by its blob id)."""
    kata = find_kata(name, curriculum)
    try:
        stub = stubs.original_stub(root, kata.name)
    except stubs.StubNotFound:
        raise UsageError(t("no_original_stub", stub=kata.stub)) from None
    target = root / kata.stub
    if target.exists():
        current = target.read_bytes()
        if current == stub:
            console.print(t("already_stub", stub=kata.stub))
            return 0
        backup = _back_up(root, kata, current)
        console.print(t("work_saved", backup=backup.relative_to(root)))
    target.write_bytes(stub)
    console.print(t("stub_restored", stub=kata.stub))
    return 0


def _back_up(root: Path, kata: Kata, data: bytes) -> Path:
    folder = root / BACKUPS
    folder.mkdir(parents=True, exist_ok=True)
    backup = free_name(folder, kata.name, ".py")
    backup.write_bytes(data)
    return backup


def cmd_restore(root: Path, curriculum: list[Kata], name: str) -> int:
    """Bring back the newest backup of a kata, keeping the file it replaces as a backup."""
    kata = find_kata(name, curriculum)
    folder = root / BACKUPS
    backups = list(folder.glob(f"{kata.name}-[0-9]*.py"))  # <kata>-<time>.py, as reset writes
    if not backups:
        raise UsageError(t("no_backup", kata=kata.name, folder=BACKUPS))
    newest = max(backups, key=lambda p: (p.stat().st_mtime_ns, p.name))
    wanted = newest.read_bytes()
    target = root / kata.stub
    if target.exists() and target.read_bytes() != wanted:
        kept = _back_up(root, kata, target.read_bytes())
        console.print(t("work_saved", backup=kept.relative_to(root)))
    target.write_bytes(wanted)
    # The backup stays where it was: restoring twice must not lose anything either.
    console.print(t("backup_restored", stub=kata.stub, backup=newest.relative_to(root)))
    return 0


def cmd_worker(root: Path, action: str) -> int:
    if action == "stop":
        console.print(t("worker_stopped") if worker.stop(root) else t("worker_none"))
        return 0
    info = worker.status(root)
    reason = worker.usable()
    if info is None:
        console.print(t("worker_fallback", reason=reason) if reason else t("worker_none"))
        return 0
    age = time.time() - info["started"]
    console.print(t("worker_running", pid=info["pid"], minutes=age / 60, served=info["served"]))
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
    lesson = commands.add_parser("lesson", help=t("help_lesson"), parents=[language])
    lesson.add_argument("kata")
    watch = commands.add_parser("watch", help=t("help_watch"), parents=[language])
    watch.add_argument("kata", nargs="?")
    reset = commands.add_parser("reset", help=t("help_reset"), parents=[language])
    reset.add_argument("kata")
    restore = commands.add_parser("restore", help=t("help_restore"), parents=[language])
    restore.add_argument("kata")
    warm = commands.add_parser("worker", help=t("help_worker"), parents=[language])
    warm.add_argument("action", choices=["status", "stop"])
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
    demo.add_argument(
        "--fast",
        action="store_true",
        help="dcgan only: train through the fast path (upsampling folded into the convolutions)",
    )
    demo.add_argument(
        "--nproc",
        type=int,
        help="train with N processes under torchrun (DDP, gloo on a CPU, NCCL on GPUs); "
        "--batch-size is then per process",
    )
    return parser


def _demo_distributed(args: argparse.Namespace) -> int:
    """``gankata demo dcgan|mnist --nproc N``: the katas' networks under torchrun, with DDP."""
    from gankata.demos import distributed  # imports torch: only when asked

    if args.fast or args.collapse:
        raise UsageError(t("demo_nproc_only"))
    try:
        distributed.run_distributed(
            args.nproc,
            model="dcgan" if args.which == "dcgan" else "mlp_gan",
            out=args.out,
            steps=args.steps,
            batch_size=args.batch_size,
            seed=args.seed,
            impl=args.impl,
            device=args.device,
        )
    except (distributed.DistributedSetupError, distributed.DistributedRunError) as error:
        raise UsageError(str(error)) from None
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from gankata.demos import run_dcgan_demo, run_mnist_demo  # imports torch: only when asked

    if args.which == "dcgan" and args.collapse:
        raise UsageError(t("demo_collapse_dcgan"))
    if args.which == "mnist" and args.fast:
        raise UsageError(t("demo_fast_mnist"))
    if args.nproc is not None:
        return _demo_distributed(args)
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
            run_dcgan_demo(fast=args.fast, **common)
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
    from gankata.runner.workbook import write_workbooks  # nbformat: only when asked

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


def _as_check(argv: list[str]) -> list[str]:
    """``gankata KATA`` means ``gankata check KATA``: the first word that is no option, no
    option's value and no command is a kata (``nox -s katas -- one_hot_dataset`` passes it
    on as it is)."""
    index = 0
    while index < len(argv):
        word = argv[index]
        if word in ("--root", "--lang"):
            index += 2
        elif word.startswith("-"):
            index += 1
        elif word in COMMANDS:
            return argv
        else:
            return [*argv[:index], "check", *argv[index:]]
    return argv


def main(argv: list[str] | None = None) -> int:
    import sys

    argv = _as_check(list(sys.argv[1:] if argv is None else argv))
    try:
        use_language(_language(argv))
    except ValueError as error:
        say_error(str(error))
        return 2
    args = build_parser().parse_args(argv)
    try:
        return _dispatch(args)
    except (
        UsageError,
        RunFailed,
        FileNotFoundError,
        ImplLoadError,
        worker.WorkerUnavailable,
    ) as error:
        say_error(str(error))
        return 2
    except KeyError as error:
        say_error(str(error.args[0]))
        return 2
    except KeyboardInterrupt:
        # Ctrl-C: the learner chose to stop; one line, not a traceback.
        console.print("\n" + t("interrupted"))
        return 130
    except Exception:
        # A bug of ours, not the learner's: the traceback is for the report, and the exit
        # code is 2 ("something is broken"), never 1 ("katas remain"), which nox keeps quiet.
        traceback.print_exc()
        say_error(t("runner_bug"))
        return 2


def _dispatch(args: argparse.Namespace) -> int:
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
    if args.command == "lesson":
        from gankata.runner.lesson import show_lesson

        show_lesson(root, find_kata(args.kata, curriculum))
        return 0
    if args.command == "watch":
        if args.kata:
            find_kata(args.kata, curriculum)
        return cmd_watch(root, lambda: cmd_check(root, curriculum, args.kata, verbose))
    if args.command == "demo":
        return cmd_demo(args)
    if args.command == "notebook":
        return cmd_notebook(root, curriculum, args.kata, args.all, args.out)
    if args.command == "restore":
        return cmd_restore(root, curriculum, args.kata)
    if args.command == "worker":
        return cmd_worker(root, args.action)
    return cmd_reset(root, curriculum, args.kata)
