"""The recipe for a new kata cannot rot: `gankata dev new` in a throwaway copy of the
project, a trivial solution and card filled in, then `gankata dev check` and the integrity
check pass, and the katas after it are renumbered."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from gankata.dev import check

ROOT = Path(__file__).resolve().parents[2]
SKIP = shutil.ignore_patterns(
    ".git", ".venv", ".nox", ".gankata", "runs", "notebooks", "__pycache__", "*.egg-info"
)


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=repo, capture_output=True, text=True, check=True
    ).stdout


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the whole project under git, so that `git status` shows what a command did."""
    copy = tmp_path / "gan-katas"
    shutil.copytree(ROOT, copy, ignore=SKIP)
    _git(copy, "init", "-q")
    _git(copy, "add", "-A")
    _git(copy, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "before")
    return copy


def gankata(project: Path, *args: str) -> subprocess.CompletedProcess:
    """`gankata ARGS` run in ``project`` with ``project``'s own gankata package."""
    env = {**os.environ, "PYTHONPATH": str(project), "GANKATA_WORKER": "off", "COLUMNS": "200"}
    return subprocess.run(
        [sys.executable, "-m", "gankata", *args],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def fill_in(project: Path, name: str) -> None:
    """What the maintainer writes after the scaffold: the answer and the card's words."""
    solution = project / "solutions" / f"{name}.py"
    text = solution.read_text(encoding="utf-8")
    solution.write_text(re.sub(r"raise NotImplementedError\(.*\)", "return 42", text), "utf-8")
    card = project / "gankata" / "course" / "cards" / f"{name}.toml"
    words = card.read_text(encoding="utf-8").replace('"TODO: ', '"')
    lesson = project / "gankata" / "course" / "lessons" / "ko" / f"{name}.txt"
    lesson.write_text(lesson.read_text(encoding="utf-8").replace("TODO: ", ""), "utf-8")
    card.write_text(words + "\n[workshop]\nbudget_minutes = 10\nagent_minutes = 0.1\n", "utf-8")


def test_a_new_kata_is_five_files_one_line_and_one_sync(project):
    made = gankata(project, "dev", "new", "toy_answer", "--after", "detach")
    assert made.returncode == 0, f"dev new failed:\n{made.stdout}\n{made.stderr}"

    status = _git(project, "status", "--porcelain", "--untracked-files=all").splitlines()
    new = sorted(line[3:] for line in status if line.startswith("??"))
    assert new == [
        "gankata/course/cards/toy_answer.toml",
        "gankata/course/lessons/ko/toy_answer.txt",
        "katas/toy_answer.py",
        "solutions/toy_answer.py",
        "tests/test_toy_answer.py",
    ], f"a new kata is five new files; dev new wrote {new}"
    tools = [line for line in status if "gankata/dev/" in line]
    assert not tools, f"the dev tools' example numbers are not katas to renumber: {tools}"
    order = _git(project, "diff", "--unified=0", "gankata/course/course.toml")
    added = [line for line in order.splitlines() if line.startswith("+") and '"' in line]
    assert added == ['+    "toy_answer",'], f"course.toml should gain one line:\n{order}"

    stub = (project / "katas" / "toy_answer.py").read_text(encoding="utf-8")
    assert stub.startswith('"""Kata 4 ·') and "Implement for Kata 4.1" in stub, stub[:300]
    moved = (project / "katas" / "step_order.py").read_text(encoding="utf-8")
    assert moved.startswith('"""Kata 5 ·') and "Implement for Kata 5.2" in moved, (
        "step_order came after detach, so it is kata 5 now:\n" + moved[:200]
    )
    assert "Implement for Kata 4." not in moved, "no task of step_order may keep its old number"
    later = (project / "katas" / "mnist_gan.py").read_text(encoding="utf-8")
    assert "Kata 6 built the 1010 pattern GAN" in later, (
        "a mention of another kata (pattern_1010, kata 5 before) must follow it to 6"
    )

    course = project / "gankata" / "course"
    todo = check.card_problems(course / "cards", course / "pictures", course / "course.toml")
    assert todo and all("toy_answer" in problem and "TODO" in problem for problem in todo), (
        f"before its words are written, dev check must list the card's TODOs: {todo}"
    )

    fill_in(project, "toy_answer")
    synced = gankata(project, "dev", "sync")
    assert synced.returncode == 0 and "README.md" in synced.stdout, (
        f"the card's new title belongs in the README's table:\n{synced.stdout}"
    )
    checked = gankata(project, "dev", "check", "--no-integrity")
    assert checked.returncode == 0, f"dev check on the filled-in kata:\n{checked.stdout}"
    proven = gankata(project, "dev", "integrity", "toy_answer")
    assert proven.returncode == 0, f"integrity on the new kata:\n{proven.stdout[-3000:]}"
    listed = gankata(project, "list")
    assert "toy_answer" in listed.stdout, f"the runner shows the new kata:\n{listed.stdout}"


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("dev", "new", "detach", "--after", "view_reshape"), "already kata 3"),
        (("dev", "new", "toy", "--after", "no_such"), "no such kata"),
        (("dev", "new", "Toy-Kata", "--after", "detach"), "not a kata name"),
    ],
)
def test_dev_new_refuses_what_it_cannot_do_and_writes_nothing(project, args, says):
    refused = gankata(project, *args)
    assert refused.returncode == 2 and says in refused.stdout, refused.stdout + refused.stderr
    assert not _git(project, "status", "--porcelain"), "a refused dev new must change nothing"
