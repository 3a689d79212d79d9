"""The warm checker: one worker per checkout, one forked process per kata, never stale.

Every test here runs real checks through a real worker on a throwaway checkout. The worker
costs one cold start (importing torch) for the whole module, which is what it is for.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from gankata.runner import commands, screen, testrun, worker

ROOT = Path(__file__).resolve().parents[2]
KATA = "view_reshape"
OTHER = "one_hot_dataset"
TODO = 'raise NotImplementedError("Need to implement for Kata 2.1'


@pytest.fixture(scope="module")
def repo(tmp_path_factory, copy_project) -> Path:
    """One checkout for the module, so that its worker starts once."""
    root = copy_project(tmp_path_factory.mktemp("worker") / "gan-katas")
    yield root
    os.environ.pop(worker.WORKER_ENV, None)
    worker.stop(root)


def warm_stub(kata: str) -> str:
    return (ROOT / "katas" / f"{kata}.py").read_text(encoding="utf-8")


@pytest.fixture
def warm(repo, monkeypatch, tmp_path, capsys, at_top_level):
    """The module's checkout with the worker on, its katas back to the stubs after the test.

    ``warm.check(*args)`` runs the CLI in-process: (exit code, output).
    """
    monkeypatch.delenv(worker.WORKER_ENV)
    monkeypatch.setenv(worker.IDLE_ENV, "300")
    monkeypatch.setattr(screen.console, "width", 200)
    from gankata.runner.results import CACHE_ENV

    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "results"))

    class Warm:
        root = repo

        @staticmethod
        def check(*args: str) -> tuple[int, str]:
            code = commands.main(["--root", str(repo), *args])
            return code, capsys.readouterr().out

        @staticmethod
        def write(kata: str, text: str) -> None:
            (repo / "katas" / f"{kata}.py").write_text(text, encoding="utf-8")

        stub = staticmethod(warm_stub)

        @staticmethod
        def with_top_level(kata: str, code: str) -> str:
            """The stub with ``code`` run at its top level."""
            return at_top_level(warm_stub(kata), code)

        @staticmethod
        def solution(kata: str) -> str:
            return (ROOT / "solutions" / f"{kata}.py").read_text(encoding="utf-8")

        @staticmethod
        def pid() -> int:
            info = worker.status(repo)
            assert info is not None, "a worker should be running after a check"
            return info["pid"]

    yield Warm
    shutil.rmtree(repo / "katas")
    shutil.copytree(ROOT / "katas", repo / "katas")


def test_a_check_starts_one_worker_and_the_next_check_reuses_it(warm):
    code, out = warm.check("check", KATA)
    assert code == 1 and "Need to implement for Kata 2.1" in out, (
        f"the stub's first failure should be shown through the worker:\n{out}"
    )
    first = warm.pid()
    warm.write(KATA, warm.solution(KATA))
    code, out = warm.check("check", KATA)
    assert code == 0 and "Kata done ✓" in out, f"the solved kata should pass:\n{out}"
    assert warm.pid() == first, "the second check must reuse the warm worker, not start one"
    assert "new Python each time" not in out, f"a warm check must not fall back:\n{out}"


def test_the_socket_is_private_to_its_owner(warm):
    warm.check("check", KATA)
    path = worker.address(warm.root)
    assert path.stat().st_mode & 0o777 == 0o600, (
        f"the worker's socket {path} must be readable and writable by its owner only, "
        f"not {oct(path.stat().st_mode & 0o777)}"
    )
    assert path.parent.stat().st_mode & 0o777 == 0o700, (
        f"the folder {path.parent} holding the socket must be the owner's alone"
    )


@pytest.mark.parametrize(
    ("top_level", "says"),
    [
        ("import os\nos._exit(0)\n", "exit code 0"),
        ("import ctypes\nctypes.string_at(0)\n", "SIGSEGV"),
    ],
    ids=["os._exit", "segfault"],
)
def test_a_kata_that_ends_python_ends_its_own_row_only(warm, top_level, says):
    before = warm.pid()
    warm.write(KATA, warm.with_top_level(KATA, top_level))
    warm.write(OTHER, warm.solution(OTHER))
    code, out = warm.check("list")
    assert code == 0, f"list shows the table and exits 0 whatever the katas do:\n{out}"
    assert says in out, f"the table should say why {KATA}'s run ended ({says!r}):\n{out}"
    row = next(line for line in out.splitlines() if f" {OTHER} " in line)
    assert "done" in row, (
        f"{OTHER} is solved; another kata ending Python must not blank its row:\n{row}"
    )
    assert warm.pid() == before, "a kata that ends its own process must not end the worker"


def test_a_top_level_endless_loop_is_stopped_and_not_kept(warm, monkeypatch):
    monkeypatch.setattr(testrun, "TEST_TIMEOUT_S", 1)
    warm.write(KATA, warm.with_top_level(KATA, "while True:\n    pass\n"))
    started = time.monotonic()
    code, out = warm.check("check", KATA)
    assert code == 1 and "running too long" in out, f"the loop should be stopped:\n{out}"
    assert time.monotonic() - started < 40, "one hang must cost one timeout, not one per test"
    assert "not kept" in out, f"a timed-out run must say that it is not a verdict:\n{out}"
    warm.check("check", KATA)
    assert warm.pid(), "the worker must survive a learner's endless loop"


def test_a_change_to_what_the_worker_loaded_restarts_it(warm):
    warm.check("check", KATA)
    before = warm.pid()
    pyproject = warm.root / "pyproject.toml"
    original = pyproject.read_text()
    pyproject.write_text(original + "\n# a changed pytest configuration\n")
    try:
        code, out = warm.check("check", KATA)
        assert code == 1 and "Need to implement" in out, f"the check should still work:\n{out}"
        assert warm.pid() != before, (
            "after pyproject.toml (the pytest configuration) changed, the old worker is stale: "
            "a new one must serve the check"
        )
    finally:
        pyproject.write_text(original)


def test_a_stale_worker_refuses_a_request_and_exits(warm):
    warm.check("check", KATA)
    pid = warm.pid()
    path = worker.address(warm.root)
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
        conn.connect(str(path))
        request = {"op": "run", "fingerprint": "not-the-workers", "protocol": worker.PROTOCOL}
        conn.sendall(json.dumps(request).encode() + b"\n")
        reply = json.loads(conn.recv(1 << 16))
    assert reply == {"stale": True}, f"a request from other code must be refused, got {reply}"
    deadline = time.monotonic() + 10
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(pid), "a worker that refused a request as stale must exit"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie is gone for our purposes: the worker's parent (the test) has not reaped it.
    done = subprocess.run(["ps", "-o", "stat=", "-p", str(pid)], capture_output=True, text=True)
    return bool(done.stdout.strip()) and not done.stdout.strip().startswith("Z")


def test_two_terminals_at_once_share_one_worker(warm):
    warm.check("worker", "stop")
    warm.write(OTHER, warm.solution(OTHER))
    env = {k: v for k, v in os.environ.items() if k != worker.WORKER_ENV}
    env["COLUMNS"] = "200"
    terminals = [
        subprocess.Popen(
            [sys.executable, "-m", "gankata", "--root", str(warm.root), "check", kata],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for kata in (KATA, OTHER)
    ]
    outs = [terminal.communicate(timeout=300)[0] for terminal in terminals]
    codes = [terminal.returncode for terminal in terminals]
    assert codes == [1, 0], f"the stub fails and the solution passes, at the same time:\n{outs}"
    assert "Need to implement for Kata 2.1" in outs[0] and "Kata done ✓" in outs[1], outs
    assert not any("new Python" in out for out in outs), f"neither may fall back:\n{outs}"


def test_stop_and_status_say_what_they_did(warm):
    warm.check("check", KATA)
    code, out = warm.check("worker", "status")
    assert code == 0 and "runs as process" in out, f"status should name the process:\n{out}"
    code, out = warm.check("worker", "stop")
    assert code == 0 and "stopped" in out, f"stop should say the worker stopped:\n{out}"
    code, out = warm.check("worker", "status")
    assert "No warm checker" in out, f"after stop, status should say none runs:\n{out}"


def test_without_the_worker_a_check_falls_back_and_says_so_once(warm, monkeypatch):
    monkeypatch.setenv(worker.WORKER_ENV, "off")
    monkeypatch.setattr(worker, "_fallback_said", False)
    warm.write(OTHER, warm.solution(OTHER))
    code, out = warm.check("list")
    assert code == 0, f"list shows the table and exits 0 whatever the katas do:\n{out}"
    assert out.count("new Python each time") == 1, (
        f"the fallback should be said once, not per kata:\n{out}"
    )
    row = next(line for line in out.splitlines() if f" {OTHER} " in line)
    assert "done" in row, f"the fallback must give the same verdicts:\n{row}"


def test_an_unsafe_socket_folder_is_refused_and_checks_still_work(warm, monkeypatch, tmp_path):
    monkeypatch.setattr(worker, "_fallback_said", False)
    shared = tmp_path / "runtime"
    (shared / f"gankata-{os.getuid()}").mkdir(parents=True)
    (shared / f"gankata-{os.getuid()}").chmod(0o777)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(shared))
    code, out = warm.check("check", KATA)
    assert code == 1 and "Need to implement for Kata 2.1" in out, out
    assert "others can open it" in out, (
        f"a socket folder that other users can open must be refused, and the fallback said:\n{out}"
    )


def test_ctrl_c_ends_a_check_with_one_line(warm, monkeypatch):
    def interrupted(*_args: object, **_kwargs: object) -> dict:
        raise KeyboardInterrupt

    monkeypatch.setattr(commands, "verdicts", interrupted)
    code, out = warm.check("check", KATA)
    assert code == 130, f"Ctrl-C should exit with 130, as a shell expects, not {code}"
    assert out.strip() == "Stopped (Ctrl-C).", f"Ctrl-C should print one line, not:\n{out}"


def _children(pid: int) -> list[int]:
    done = subprocess.run(["ps", "--ppid", str(pid), "-o", "pid="], capture_output=True, text=True)
    return [int(word) for word in done.stdout.split()]


def test_a_check_whose_terminal_goes_away_stops_its_tests(warm):
    warm.check("check", KATA)
    pid = warm.pid()
    warm.write(KATA, warm.with_top_level(KATA, "while True:\n    pass\n"))
    env = {k: v for k, v in os.environ.items() if k != worker.WORKER_ENV}
    client = subprocess.Popen(
        [sys.executable, "-m", "gankata", "--root", str(warm.root), "check", KATA],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while not _children(pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _children(pid), "the check should be running in a child of the worker"
    client.terminate()
    client.wait(timeout=30)
    deadline = time.monotonic() + 10
    while _children(pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _children(pid), (
        "when the learner's terminal goes away (Ctrl-C, a closed window) the kata's tests must "
        "stop, not loop on in the background"
    )
    assert warm.pid() == pid, "and the worker itself stays"


def test_a_worker_started_before_it_was_turned_off_can_still_be_stopped(warm, monkeypatch):
    warm.check("check", KATA)
    monkeypatch.setenv(worker.WORKER_ENV, "off")
    assert worker.status(warm.root) is not None, "status must still see the running worker"
    assert worker.stop(warm.root), "stop must stop it whatever GANKATA_WORKER says now"
    assert worker.status(warm.root) is None, "and then it is gone"
