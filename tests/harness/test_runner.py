"""The runner, run on a throwaway copy of the repository, as a learner would use it."""

from __future__ import annotations

import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from gankata.course.curriculum import load_curriculum
from gankata.runner import commands, results, screen, testrun, worker

ROOT = Path(__file__).resolve().parents[2]
KATA = "one_hot_dataset"


@pytest.fixture
def gankata(monkeypatch, capsys):
    """Run the CLI in-process; returns (exit code, everything it printed)."""
    monkeypatch.setattr(screen.console, "width", 200)

    def run(root: Path, *args: str) -> tuple[int, str]:
        code = commands.main(["--root", str(root), *args])
        return code, capsys.readouterr().out

    return run


def solve(root: Path, name: str = KATA) -> None:
    shutil.copy(root / "solutions" / f"{name}.py", root / "katas" / f"{name}.py")


def solve_all_but_task_1_4(root: Path) -> None:
    """The kata solved but for ``as_image`` (task 1.4), which is the stub's again."""
    solve(root)
    kata = root / "katas" / f"{KATA}.py"
    kata.write_text(
        kata.read_text().replace(
            "return self.images[index].view(28, 28)",
            'raise NotImplementedError("Need to implement for Kata 1.4")',
        )
    )


def test_check_on_the_stub_shows_the_failure_the_lesson_and_the_hint_command(checkout, gankata):
    code, out = gankata(checkout, "check", KATA)
    assert code == 1
    assert "Need to implement for Kata 1.1" in out
    assert f"katas/{KATA}.py" in out and "docstring" in out
    assert f"gankata hint {KATA}" in out


def test_check_tests_the_file_in_katas_and_says_done_when_it_passes(checkout, gankata):
    solve(checkout)
    code, out = gankata(checkout, "check", KATA)
    assert code == 0, out
    assert "Kata done ✓" in out and f"solutions/{KATA}.py" in out


def test_a_syntax_error_shows_its_file_and_line_not_a_runner_traceback(checkout, gankata):
    stub = checkout / "katas" / f"{KATA}.py"
    stub.write_text(stub.read_text().replace("PIXELS = 28 * 28", "PIXELS = 28 *"))
    code, out = gankata(checkout, "check", KATA)
    assert code == 1
    assert f"katas/{KATA}.py, line" in out and "invalid syntax" in out
    assert "Traceback" not in out


def test_an_endless_loop_is_stopped_with_a_message(checkout, gankata, monkeypatch):
    monkeypatch.setattr(testrun, "TEST_TIMEOUT_S", 1)
    stub = checkout / "katas" / f"{KATA}.py"
    todo = 'raise NotImplementedError("Need to implement for Kata 1.1'
    text = stub.read_text().replace(todo, "while True:\n        pass\n    " + todo)
    stub.write_text(text)
    started = time.monotonic()
    code, out = gankata(checkout, "check", KATA)
    assert code == 1
    assert "running too long" in out and "never ends" in out
    assert time.monotonic() - started < 30, "one hang must cost one timeout, not one per test"


def test_a_verdict_is_reused_until_a_file_it_depends_on_changes(
    checkout, gankata, monkeypatch, tmp_path
):
    monkeypatch.setenv(results.CACHE_ENV, str(tmp_path / "results"))
    # The "checks start a new Python" line is said once per process, whichever test is first:
    # said before both checks, it cannot make them differ when this test runs alone.
    monkeypatch.setattr(worker, "_fallback_said", True)
    runs = []
    real_run = testrun.run_tests
    monkeypatch.setattr(
        testrun, "run_tests", lambda *a, **k: runs.append(a[1]) or real_run(*a, **k)
    )
    first = gankata(checkout, "check", KATA)
    second = gankata(checkout, "check", KATA)
    assert runs == [[KATA]], f"the second check of an unchanged kata must not rerun it: {runs}"
    assert first == second, "a reused verdict must read exactly as the first"
    solve(checkout)
    code, _out = gankata(checkout, "check", KATA)
    assert runs == [[KATA], [KATA]] and code == 0, "a changed kata file must be checked afresh"
    tests = checkout / "tests" / f"test_{KATA}.py"
    tests.write_text(tests.read_text() + "\n")
    gankata(checkout, "check", KATA)
    assert len(runs) == 3, "a changed test file must be checked afresh too"


def test_a_verdict_cut_short_by_a_timeout_is_not_kept(checkout, gankata, monkeypatch, tmp_path):
    kept = tmp_path / "results"
    monkeypatch.setenv(results.CACHE_ENV, str(kept))
    monkeypatch.setattr(testrun, "TEST_TIMEOUT_S", 1)
    stub = checkout / "katas" / f"{KATA}.py"
    todo = 'raise NotImplementedError("Need to implement for Kata 1.1'
    stub.write_text(stub.read_text().replace(todo, "while True:\n        pass\n    " + todo))
    code, out = gankata(checkout, "check", KATA)
    assert code == 1 and "running too long" in out
    assert not list(kept.glob("*.json")), (
        "how long a test may run depends on the machine's load: a timeout must not be cached"
    )


def test_progress_shows_the_table_with_a_partly_done_kata_in_progress(checkout, gankata):
    solve_all_but_task_1_4(checkout)
    code, out = gankata(checkout)
    assert code == 1
    assert "in progress" in out and "Need to implement for Kata 1.4" in out
    assert "test_as_image" in out


def test_reset_backs_up_the_learners_file_before_restoring_the_stub(checkout, gankata):
    kata = checkout / "katas" / f"{KATA}.py"
    stub = kata.read_text()
    mine = stub + "\n# my own work\n"
    kata.write_text(mine)
    code, out = gankata(checkout, "reset", KATA)
    assert code == 0
    assert kata.read_text() == stub
    backups = list((checkout / ".gankata" / "backups").glob(f"{KATA}-*.py"))
    assert [b.read_text() for b in backups] == [mine]
    assert str(backups[0].relative_to(checkout)) in out


def test_reset_restores_the_stub_even_after_the_learner_committed_their_work(
    checkout, gankata, tmp_path_factory, commit
):
    clone = tmp_path_factory.mktemp("learner") / "gan-katas"
    subprocess.run(["git", "clone", "-q", str(checkout), str(clone)], check=True)
    solve(clone)
    commit(clone, "my answer")
    code, out = gankata(clone, "reset", KATA)
    assert code == 0, out
    assert "TODO: Implement for Kata" in (clone / "katas" / f"{KATA}.py").read_text()
    assert len(list((clone / ".gankata" / "backups").iterdir())) == 1


def test_reset_of_an_untouched_stub_writes_nothing(checkout, gankata):
    code, out = gankata(checkout, "reset", KATA)
    assert code == 0 and "already the original stub" in out
    assert not (checkout / ".gankata").exists()


def test_reset_outside_git_leaves_the_file_alone_and_says_why(checkout, gankata):
    shutil.rmtree(checkout / ".git")
    kata = checkout / "katas" / f"{KATA}.py"
    kata.write_text("my work\n")
    code, out = gankata(checkout, "reset", KATA)
    assert code == 2 and "unchanged" in out
    assert kata.read_text() == "my work\n"


def test_watch_checks_again_after_a_save_and_survives_a_failed_run(checkout, capsys):
    checks = []
    kata = checkout / "katas" / f"{KATA}.py"

    def check() -> int:
        checks.append(1)
        if len(checks) == 1:
            raise testrun.RunFailed("the tests hung")
        return 1

    def save_later() -> None:
        time.sleep(0.3)
        kata.write_text(kata.read_text() + "\nANSWER = 42\n")
        # Some filesystems keep whole-second modification times.
        kata.touch()

    saver = threading.Thread(target=save_later)
    saver.start()
    code = commands.cmd_watch(checkout, check, poll_s=0.05, rounds=2)
    saver.join()
    assert code == 0 and len(checks) == 2
    assert "the tests hung" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("hint", KATA, "9"), "there is no hint 9"),
        (("hint", "no_such_kata"), "the katas are: one_hot_dataset"),
        (("check", "no_such_kata"), "the katas are: one_hot_dataset"),
    ],
)
def test_a_bad_request_gets_a_clear_message(checkout, gankata, args, says):
    code, out = gankata(checkout, *args)
    assert code == 2 and says in out


def test_hints_come_one_at_a_time(checkout, gankata):
    code, out = gankata(checkout, "hint", KATA)
    count = len(load_curriculum()[0].hints)
    assert code == 0 and f"Hint 1 of {count}" in out and f"gankata hint {KATA} 2" in out


def test_outside_a_checkout_the_runner_says_where_to_run_it(tmp_path, gankata):
    code, out = gankata(tmp_path, "list")
    assert code == 2 and "katas/" in out


def test_a_mistyped_impl_is_refused_with_the_choices():
    done = subprocess.run(
        [sys.executable, "-m", "pytest", f"tests/test_{KATA}.py", "--impl", "solution"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert done.returncode != 0 and "neither 'katas' nor 'solutions'" in done.stderr


def test_a_save_during_a_check_is_checked_next_and_never_mixed_in(
    checkout, gankata, monkeypatch, tmp_path
):
    monkeypatch.setenv(results.CACHE_ENV, str(tmp_path / "results"))
    real = results.run_frozen

    def save_while_running(root, sources):
        solve(checkout)  # the learner saves their answer while the stub's tests run
        return real(root, sources)

    monkeypatch.setattr(results, "run_frozen", save_while_running)
    code, out = gankata(checkout, "check", KATA)
    assert code == 1 and "Need to implement for Kata 1.1" in out, (
        f"the check tests the bytes it read when it started (the stub):\n{out}"
    )
    monkeypatch.setattr(results, "run_frozen", real)
    code, out = gankata(checkout, "check", KATA)
    assert code == 0 and "Kata done ✓" in out, (
        f"the answer saved during the last check must be checked now, not given the stub's "
        f"verdict:\n{out}"
    )


def test_a_failure_outside_the_kata_is_shown_but_not_kept(
    checkout, gankata, monkeypatch, tmp_path, at_top_level
):
    kept = tmp_path / "results"
    monkeypatch.setenv(results.CACHE_ENV, str(kept))
    solve(checkout)
    tests = checkout / "tests" / f"test_{KATA}.py"
    original = tests.read_text()
    tests.write_text(at_top_level(original, "import a_package_that_is_not_installed\n"))
    code, out = gankata(checkout, "check", KATA)
    assert code == 1 and "a_package_that_is_not_installed" in out, out
    assert "outside your kata" in out and "not kept" in out, (
        f"a missing package is not the learner's mistake, and the runner should say so:\n{out}"
    )
    assert not list(kept.glob("*.json")), "a failure from the environment must not be cached"
    tests.write_text(original)
    code, out = gankata(checkout, "check", KATA)
    assert code == 0 and "Kata done ✓" in out, f"once it is fixed, the kata passes:\n{out}"


def test_the_first_table_on_untouched_stubs_runs_no_test(checkout, gankata, monkeypatch):
    def no_run(*_args: object) -> None:
        raise AssertionError("a test ran although every kata file is its untouched stub")

    monkeypatch.setattr(results, "run_frozen", no_run)
    code, out = gankata(checkout, "list")
    assert code == 0, out
    assert out.count("not started") == 12 and "0/26" in out, (
        f"every untouched stub is 'not started', with its number of tests, without a run:\n{out}"
    )


def test_a_damaged_saved_result_is_thrown_away_and_said_once(
    checkout, gankata, monkeypatch, tmp_path
):
    kept = tmp_path / "results"
    monkeypatch.setenv(results.CACHE_ENV, str(kept))
    solve(checkout)
    gankata(checkout, "check", KATA)
    [entry] = kept.glob(f"{KATA}-*.json")
    entry.write_text('[{"kata": "one_hot_dataset", "outco')
    code, out = gankata(checkout, "check", KATA)
    assert code == 0 and "Kata done ✓" in out, f"the kata must be checked again:\n{out}"
    assert out.count("was damaged") == 1, f"the damaged result should be named once:\n{out}"


def test_a_check_shows_the_kata_tasks_above_the_first_failure(checkout, gankata):
    solve_all_but_task_1_4(checkout)
    code, out = gankata(checkout, "check", KATA)
    assert code == 1
    lines = out.splitlines()
    done = next((line for line in lines if "1.1 one_hot" in line), "")
    todo = next((line for line in lines if "1.4 MnistDataset.as_image" in line), "")
    assert "✓" in done, f"task 1.1 passes and should be ticked:\n{out}"
    assert "✗" in todo and "0/" in todo, f"task 1.4 fails and should be crossed:\n{out}"
    assert out.index("1.4 MnistDataset.as_image") < out.index("test_as_image"), (
        f"the checklist comes above the first failure:\n{out}"
    )


def test_gankata_kata_means_check_kata_and_progress_says_how_many_remain(checkout, gankata):
    code, out = gankata(checkout, KATA)
    assert code == 1 and "Need to implement for Kata 1.1" in out, (
        f"`gankata {KATA}` should check {KATA}:\n{out}"
    )
    code, out = gankata(checkout)
    assert code == 1 and out.rstrip().endswith("12 of 12 katas to go."), (
        f"an unfinished course ends with how many katas remain:\n{out}"
    )


def test_reset_in_a_fork_with_pushed_work_and_without_origin(
    checkout, gankata, tmp_path_factory, commit
):
    fork = tmp_path_factory.mktemp("fork") / "gan-katas.git"
    subprocess.run(["git", "clone", "-q", "--bare", str(checkout), str(fork)], check=True)
    clone = tmp_path_factory.mktemp("learner") / "gan-katas"
    subprocess.run(["git", "clone", "-q", str(fork), str(clone)], check=True)
    target = clone / "katas" / f"{KATA}.py"
    target.write_text(target.read_text() + "\nPARTIAL = 'my pushed work'\n")
    commit(clone, "partial work")
    subprocess.run(["git", "push", "-q", "origin", "HEAD"], cwd=clone, check=True)
    stub = (ROOT / "katas" / f"{KATA}.py").read_bytes()
    code, out = gankata(clone, "reset", KATA)
    assert code == 0 and target.read_bytes() == stub, (
        f"origin holds the learner's work, yet reset must write the shipped stub:\n{out}"
    )
    target.write_text("mine\n")
    subprocess.run(["git", "remote", "remove", "origin"], cwd=clone, check=True)
    code, out = gankata(clone, "reset", KATA)
    assert code == 0 and target.read_bytes() == stub, (
        f"without origin, reset must still find the shipped stub:\n{out}"
    )
    assert "original stub again" in out and "already" not in out, out


def test_reset_never_calls_a_file_the_stub_when_it_is_not(checkout, gankata, commit):
    target = checkout / "katas" / f"{KATA}.py"
    target.write_text(target.read_text() + "\n# committed work\n")
    commit(checkout, "my work is HEAD now")
    code, out = gankata(checkout, "reset", KATA)
    assert code == 0 and "already" not in out, (
        f"HEAD holds the learner's work, which is not the stub:\n{out}"
    )
    assert target.read_bytes() == (ROOT / "katas" / f"{KATA}.py").read_bytes()


def test_restore_brings_back_the_newest_backup_and_keeps_the_current_file(checkout, gankata):
    target = checkout / "katas" / f"{KATA}.py"
    stub = target.read_text()
    mine = stub + "\nMINE = 1\n"
    target.write_text(mine)
    gankata(checkout, "reset", KATA)
    newer = stub + "\nSTARTED_AGAIN = 2\n"
    target.write_text(newer)
    code, out = gankata(checkout, "restore", KATA)
    assert code == 0 and target.read_text() == mine, (
        f"restore should bring back the work that reset backed up:\n{out}"
    )
    kept = sorted(p.read_text() for p in (checkout / ".gankata" / "backups").iterdir())
    assert newer in kept and mine in kept, (
        f"the file restore replaced must be kept as a backup too; backups hold {len(kept)} files"
    )


def test_restore_without_a_backup_says_how_to_make_one(checkout, gankata):
    code, out = gankata(checkout, "restore", KATA)
    assert code == 2 and "no backup" in out and "reset" in out, out


def test_watch_runs_nothing_for_a_comment_only_save(checkout, capsys):
    kata = checkout / "katas" / f"{KATA}.py"
    checks = []

    def save_twice() -> None:
        time.sleep(0.3)
        kata.write_text(kata.read_text() + "\n# only a comment\n\n")
        time.sleep(0.6)
        kata.write_text(kata.read_text() + "ANSWER = 42\n")

    saver = threading.Thread(target=save_twice)
    started = time.monotonic()
    saver.start()
    code = commands.cmd_watch(checkout, lambda: checks.append(time.monotonic()) or 1, 0.05, 2)
    saver.join()
    assert code == 0 and len(checks) == 2
    assert checks[1] - started > 0.8, (
        "the comment-only save (at 0.3 s) must not trigger a check; the code change (0.9 s) does"
    )


def test_watch_checks_a_save_made_during_a_check(checkout):
    kata = checkout / "katas" / f"{KATA}.py"
    checks = []

    def check() -> int:
        if not checks:
            kata.write_text(kata.read_text() + "ANSWER = 42\n")  # saved while checking
        checks.append(1)
        return 1

    code = commands.cmd_watch(checkout, check, poll_s=0.05, rounds=2)
    assert code == 0 and len(checks) == 2, "a save during a check must be checked next"


def test_a_bug_in_the_runner_exits_2_not_1(checkout, gankata, monkeypatch):
    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("a bug of ours")

    monkeypatch.setattr(commands, "verdicts", broken)
    code, out = gankata(checkout, "check", KATA)
    assert code == 2, f"1 means 'katas remain' (nox stays quiet); a bug must exit 2, not {code}"
    assert "bug in gan-katas" in out, f"the learner should be told it is not their kata:\n{out}"


def test_check_verbose_shows_the_traceback_through_the_project_files_only(checkout, gankata):
    code, out = gankata(checkout, "check", KATA, "-v")
    assert code == 1 and "Traceback (most recent call last)" in out, out
    assert f'File "katas/{KATA}.py", line' in out and f'File "tests/test_{KATA}.py"' in out, (
        f"-v should show the learner's file and the test, by the paths they know:\n{out}"
    )
    assert "site-packages" not in out and "pluggy" not in out, (
        f"pytest's own frames teach nothing and must be left out:\n{out}"
    )


def test_sys_exit_at_the_top_of_a_kata_is_explained_not_just_named(checkout, gankata, at_top_level):
    stub = checkout / "katas" / f"{KATA}.py"
    stub.write_text(at_top_level(stub.read_text(), "import sys\nsys.exit(0)\n"))
    code, out = gankata(checkout, "check", KATA)
    assert code == 1 and "called sys.exit(0)" in out and "top-level code" in out, (
        f"a top-level sys.exit should be explained (it ends Python when the file loads):\n{out}"
    )
