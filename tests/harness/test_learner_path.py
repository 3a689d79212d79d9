"""A learner's whole path, end to end: every stub to every kata done, in both languages.

The real CLI runs as a subprocess in a throwaway clone, as a learner types it, with the
warm worker that a learner's checks go through. Completing a
kata means putting its reference answer in katas/; after each one, `list` must move the kata
to done and `check` must move on to the next. The results cache makes the second language's
commands reuse the first's verdicts, so each kata's tests run once.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from gankata.course.curriculum import load_curriculum
from gankata.course.words import LANG_ENV, LANGUAGES, messages

CURRICULUM = load_curriculum()
NAMES = [k.name for k in CURRICULUM]


def gankata(root: Path, language: str, *args: str) -> tuple[int, str]:
    """Run ``gankata --lang LANGUAGE ARGS`` in ``root``; returns (exit code, output)."""
    env = {k: v for k, v in os.environ.items() if k != LANG_ENV}
    # Wide enough that no title wraps (Korean characters take two columns each).
    env["COLUMNS"] = "250"
    done = subprocess.run(
        [sys.executable, "-m", "gankata", "--lang", language, *args],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    return done.returncode, done.stdout + done.stderr


def word(language: str, key: str) -> str:
    return messages()[language][key]


def statuses(out: str, language: str) -> dict[str, str]:
    """Each kata's status word in the progress table ("done", "not_started", ...)."""
    keys = ("done", "in_progress", "not_started")
    found = {}
    for line in out.splitlines():
        cells = [cell.strip() for cell in line.split("│")]
        for name in NAMES:
            if name in cells:
                found[name] = next(k for k in keys if word(language, f"status_{k}") in cells)
    assert set(found) == set(NAMES), f"the table should list every kata once; it showed:\n{out}"
    return found


def expect_progress(root: Path, done: int) -> None:
    """`list` and `check`, in every language, agree that the first ``done`` katas are done."""
    wanted = {n: "done" if i < done else "not_started" for i, n in enumerate(NAMES)}
    for language in LANGUAGES:
        code, out = gankata(root, language, "list")
        assert code == 0, f"`gankata --lang {language} list` failed ({code}):\n{out}"
        assert statuses(out, language) == wanted, (
            f"after {done} katas, `list` ({language}) should show {wanted}; it showed:\n{out}"
        )
        code, out = gankata(root, language, "check")
        if done < len(NAMES):
            upcoming = CURRICULUM[done]
            assert code == 1, f"`check` exits 1 while kata {upcoming.name} is unfinished:\n{out}"
            current = word(language, "current_kata").split(":")[0]
            assert f"{current}: {upcoming.stub}" in out, (
                f"`check` ({language}) should name {upcoming.stub} as the current kata "
                f"after {done} katas; it said:\n{out}"
            )
        else:
            assert code == 0, f"`check` exits 0 once every kata is done ({code}):\n{out}"
            cheer = word(language, "all_done").removeprefix("[green]").removesuffix("[/]")
            assert cheer in out, f"`check` ({language}) should say {cheer!r}; it said:\n{out}"


@pytest.mark.timeout(900)
def test_a_learner_goes_from_every_stub_to_every_kata_done(
    checkout, shared_results_cache, warm_worker
):
    warm_worker(checkout)  # as a learner's checks are: forked from one warm worker
    expect_progress(checkout, done=0)
    for number, name in enumerate(NAMES, start=1):
        shutil.copy(checkout / "solutions" / f"{name}.py", checkout / "katas" / f"{name}.py")
        expect_progress(checkout, done=number)

    first = CURRICULUM[0]
    finished = (checkout / first.stub).read_text(encoding="utf-8")
    code, out = gankata(checkout, "ko", "reset", first.name)
    assert code == 0, f"`reset {first.name}` failed ({code}):\n{out}"
    backups = list((checkout / ".gankata" / "backups").glob(f"{first.name}-*.py"))
    assert [b.read_text(encoding="utf-8") for b in backups] == [finished], (
        f"reset must keep the learner's finished file as one backup; found {backups}"
    )
    assert str(backups[0].relative_to(checkout)) in out, f"reset must say where:\n{out}"
    original = subprocess.run(
        ["git", "show", f"HEAD:{first.stub}"], cwd=checkout, capture_output=True, text=True
    ).stdout
    assert (checkout / first.stub).read_text(encoding="utf-8") == original, (
        "reset must restore the stub exactly as it was committed"
    )
    for language in LANGUAGES:
        code, out = gankata(checkout, language, "list")
        assert statuses(out, language)[first.name] == "not_started", (
            f"after reset, {first.name} is a stub again and `list` must say so:\n{out}"
        )
        code, out = gankata(checkout, language, "check")
        assert code == 1 and first.stub in out, (
            f"after reset, `check` ({language}) should send the learner back to {first.stub}:\n"
            f"{out}"
        )
