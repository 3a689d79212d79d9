"""The warm checker: one process per checkout that has already imported what kata tests need.

A check used to start Python, import torch (3 s on a 2-core laptop) and pytest, and only
then run a kata's tests. The worker pays for that once. It starts on the first check (in the
background, detached from the terminal), imports torch, numpy, pytest, hypothesis and the
harness, and waits on a Unix socket that only its owner can open. For each request it forks
a child, and that child forks one grandchild per kata, which runs pytest on the kata's test
file. So a learner's endless loop, ``os._exit``, segfault or module-level side effect ends
one kata's run and nothing else, and every check starts from the same clean, warm state.

The worker is never out of date: a request carries the client's fingerprint of everything
the worker has loaded (gankata's code, the pytest configuration, the Python and the
installed versions), and a worker with another fingerprint refuses it and exits, so the
client starts a new one. It stops itself after ``GANKATA_WORKER_IDLE`` seconds without a
request (15 minutes). Where it cannot run (no ``fork`` or Unix sockets, ``GANKATA_WORKER=off``,
or it did not start), checks run in a fresh pytest subprocess per kata, and the runner says
so once.

    python -m gankata.runner.worker ROOT      serve ROOT (the runner starts this for you)
    gankata worker status | stop              what the learner sees
"""

from __future__ import annotations

import contextlib
import fcntl
import gc
import hashlib
import importlib
import importlib.metadata
import json
import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

from gankata.course.words import current_language, t, use_language
from gankata.runner import fingerprints, testrun
from gankata.runner.testrun import (
    CaseResult,
    KataRun,
    ended_early,
    judged,
    kata_limit_s,
    pytest_command,
    rows_from_report,
    run_in_subprocess,
    test_file,
)

WORKER_ENV = "GANKATA_WORKER"
IDLE_ENV = "GANKATA_WORKER_IDLE"
# Bump when the request or reply changes shape: a worker that speaks another version is stale.
PROTOCOL = 1
# A first start imports torch and friends: 5-10 s on a busy 2-core machine, far less than this.
START_LIMIT_S = 120
# What kata tests, their conftest and the katas import: loaded once, before any fork.
PRELOAD = (
    "numpy",
    "pandas",
    "torch",
    "torch.nn.functional",
    "torch.func",
    "torch.utils.data",
    "torchvision.transforms",
    "torchvision.utils",
    "h5py",
    "PIL.Image",
    "sklearn.decomposition",
    "sklearn.pipeline",
    "sklearn.svm",
    "matplotlib",
    "pytest",
    "hypothesis",
    "hypothesis.extra.numpy",
    "gankata.testkit.classifier",
    "gankata.testkit.data",
    "gankata.testkit.devices",
    "gankata.testkit.loader",
    "gankata.testkit.report",
    "gankata.testkit.assertions",
)


class WorkerUnavailable(Exception):
    """The warm worker cannot serve this checkout; the message says why."""


# ## Where the worker lives, and whether it is the right one


# What a worker imports: the demos and the maintainer's tools are never loaded in it.
LOADED_ROOMS = ("course", "testkit", "runner")


def fingerprint(root: Path) -> str:
    """Everything the worker has loaded that can change a verdict: if any of it changes, a
    worker started before the change is stale."""
    package = Path(__file__).resolve().parents[1]
    loaded = [path for room in LOADED_ROOMS for path in sorted((package / room).glob("*.py"))]
    files = [*loaded, package / "course" / "words.toml", root / "pyproject.toml"]
    return fingerprints.fingerprint(files, str(PROTOCOL), sys.executable)


def runtime_dir() -> Path:
    """A folder only this user can enter: the worker's socket, lock and log live there."""
    base = Path(os.environ.get("XDG_RUNTIME_DIR") or tempfile.gettempdir())
    folder = base / f"gankata-{os.getuid()}"
    folder.mkdir(mode=0o700, exist_ok=True)
    info = folder.lstat()
    if info.st_uid != os.getuid() or info.st_mode & 0o077 or not folder.is_dir():
        raise WorkerUnavailable(t("worker_unsafe_dir", folder=folder))
    return folder


def address(root: Path) -> Path:
    """The socket of ``root``'s worker (short: a Unix socket path has about 100 bytes)."""
    name = hashlib.sha256(str(root.resolve()).encode()).hexdigest()[:16]
    return runtime_dir() / f"{name}.sock"


def usable() -> str | None:
    """Why checks cannot go through the worker here, or None when they can."""
    if os.environ.get(WORKER_ENV, "").lower() in {"0", "off", "no", "false"}:
        return t("worker_off", variable=WORKER_ENV)
    return _no_fork()


def _no_fork() -> str | None:
    if not hasattr(os, "fork") or not hasattr(socket, "AF_UNIX"):
        return t("worker_no_fork")
    return None


# ## The client: what the runner calls


def _send(conn: socket.socket, message: dict) -> None:
    conn.sendall(json.dumps(message).encode() + b"\n")


def _receive(conn: socket.socket) -> dict:
    chunks = []
    while True:
        chunk = conn.recv(1 << 16)
        if not chunk:
            break
        chunks.append(chunk)
        if chunk.endswith(b"\n"):
            break
    if not chunks:
        raise ConnectionError("the worker closed the connection without a reply")
    return json.loads(b"".join(chunks))


def _connect(path: Path) -> socket.socket | None:
    conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        conn.connect(str(path))
    except (FileNotFoundError, ConnectionRefusedError):
        conn.close()
        return None
    return conn


def ask(root: Path, message: dict, start: bool = True) -> dict | None:
    """Send ``message`` to ``root``'s worker and return its reply (None: no worker, and
    ``start`` is False). A stale worker is replaced by a fresh one, once."""
    path = address(root)
    message = {**message, "fingerprint": fingerprint(root), "protocol": PROTOCOL}
    for _attempt in range(2):
        conn = _connect(path) or (_start(root, path) if start else None)
        if conn is None:
            return None
        with conn:
            _send(conn, message)
            reply = _receive(conn)
        if not reply.get("stale"):
            return reply
        _wait_gone(path)
    raise WorkerUnavailable(t("worker_keeps_stale"))


def _start(root: Path, path: Path) -> socket.socket:
    """Start ``root``'s worker (one at a time, whoever asks first) and connect to it."""
    with open(path.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        conn = _connect(path)
        if conn is not None:
            return conn  # another terminal started it while we waited
        log = path.with_suffix(".log")
        with open(log, "w") as out:
            process = subprocess.Popen(
                [sys.executable, "-m", "gankata.runner.worker", str(root)],
                cwd=root,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + START_LIMIT_S
        while time.monotonic() < deadline:
            conn = _connect(path)
            if conn is not None:
                return conn
            if process.poll() is not None:
                break
            time.sleep(0.05)
        process.kill()
        tail = log.read_text(errors="replace")[-800:].strip()
        raise WorkerUnavailable(t("worker_did_not_start", log=log, tail=tail))


def _wait_gone(path: Path, limit_s: float = 10) -> None:
    deadline = time.monotonic() + limit_s
    while path.exists() and time.monotonic() < deadline:
        time.sleep(0.05)


_fallback_said = False


def _fallback_notice(reason: str) -> str | None:
    """The line that says checks fall back to a new Python, the first time only."""
    global _fallback_said
    if _fallback_said:
        return None
    _fallback_said = True
    return t("worker_fallback", reason=reason)


def run_katas(root: Path, folder: Path, katas: list[str]) -> tuple[dict[str, KataRun], str | None]:
    """Each kata's tests against ``folder/<kata>.py``: through the worker, else subprocesses.

    The second value is a line for the learner when this run fell back (once a process).
    """
    reason = usable()
    if reason is None:
        try:
            request = {"op": "run", "folder": str(folder), "katas": katas}
            request |= {"env": dict(os.environ), "language": current_language()}
            request |= {"timeout": testrun.TEST_TIMEOUT_S}
            reply = ask(root, request)
            assert reply is not None
            runs = {
                kata: KataRun(kata, [CaseResult(**r) for r in run["rows"]], run["problem"])
                for kata, run in reply["runs"].items()
            }
            return runs, None
        except (WorkerUnavailable, OSError, ValueError) as error:
            reason = str(error)
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        runs = pool.map(lambda kata: run_in_subprocess(root, folder, kata), katas)
        return {run.kata: run for run in runs}, _fallback_notice(reason)


def status(root: Path) -> dict | None:
    """The running worker's pid, start time and checks served; None when none runs.

    Like :func:`stop`, it answers whatever ``GANKATA_WORKER`` says now: a worker started
    before it was turned off is still there to see and to stop.
    """
    if _no_fork() is not None:
        return None
    return ask(root, {"op": "ping"}, start=False)


def stop(root: Path) -> bool:
    """Stop ``root``'s worker; False when none was running."""
    if _no_fork() is not None:
        return False
    reply = ask(root, {"op": "stop"}, start=False)
    if reply is not None:
        _wait_gone(address(root))
    return reply is not None


# ## The server


@dataclass
class _Started:
    kata: str
    pid: int
    report: Path
    log: Path
    deadline: float


def warm_up() -> None:
    """Import what kata tests need, so that a forked child starts with it in memory."""
    for name in PRELOAD:
        # A package that does not import is the tests' to report, in the kata's words.
        with contextlib.suppress(Exception):
            importlib.import_module(name)
    for plugin in importlib.metadata.entry_points(group="pytest11"):
        with contextlib.suppress(Exception):
            plugin.load()
    with contextlib.suppress(Exception):
        import torch

        # The first optimiser imports torch._dynamo: about 3 s that no check should pay.
        torch.optim.Adam([torch.zeros(1, requires_grad=True)])
    # pytest collects garbage at the end of a run (to report unraisable exceptions): with
    # torch's millions of objects in the heap, that took 1 s of a 2 s check. Frozen objects
    # are never scanned, and a forked child shares them with the worker untouched.
    gc.freeze()


def serve(root: Path, idle_s: float) -> None:
    """Answer ``root``'s checks until ``idle_s`` seconds pass without one."""
    me = fingerprint(root)
    warm_up()
    path = address(root)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    if _connect(path) is not None:
        return  # another worker already serves this checkout
    path.unlink(missing_ok=True)
    old_mask = os.umask(0o177)  # the socket file: read and write for its owner only
    try:
        listener.bind(str(path))
    finally:
        os.umask(old_mask)
    listener.listen(16)
    mine = path.stat().st_ino
    started, served = time.time(), 0
    last = time.monotonic()
    children: set[int] = set()

    # SIGTERM (stop, or a stale request) only raises a flag: an exception raised from a
    # signal handler is swallowed when the signal lands in an at-fork callback, and the
    # worker would live on. The loop looks at the flag at least once a second.
    stopping: list[int] = []
    signal.signal(signal.SIGTERM, lambda number, _frame: stopping.append(number))
    try:
        while not stopping:
            ready, _, _ = select.select([listener], [], [], 1.0)
            children -= {pid for pid in children if _reaped(pid)}
            if stopping:
                return
            if not ready:
                if not children and time.monotonic() - last > idle_s:
                    return
                continue
            conn, _ = listener.accept()
            served += 1
            last = time.monotonic()
            info = {"pid": os.getpid(), "started": started, "served": served, "root": str(root)}
            pid = os.fork()
            if pid == 0:
                listener.close()
                signal.signal(signal.SIGTERM, signal.SIG_DFL)
                try:
                    _handle(conn, root, me, info)
                finally:
                    os._exit(0)
            conn.close()
            children.add(pid)
    finally:
        # A newer worker may already own the path; only our own socket is removed.
        with contextlib.suppress(FileNotFoundError):
            if path.stat().st_ino == mine:
                path.unlink()
        listener.close()


def _reaped(pid: int) -> bool:
    try:
        done, _ = os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return True
    return done == pid


def _handle(conn: socket.socket, root: Path, me: str, info: dict) -> None:
    with conn:
        request = _receive(conn)
        if request.get("fingerprint") != me or request.get("protocol") != PROTOCOL:
            _send(conn, {"stale": True})
            os.kill(info["pid"], signal.SIGTERM)
            return
        if request["op"] == "ping":
            _send(conn, {**info, "fingerprint": me})
        elif request["op"] == "stop":
            _send(conn, {"stopping": True})
            os.kill(info["pid"], signal.SIGTERM)
        elif request["op"] == "run":
            use_language(request["language"])
            runs = _run(conn, root, request)
            if runs is not None:
                _send(conn, {"runs": {kata: _as_json(run) for kata, run in runs.items()}})


def _as_json(run: KataRun) -> dict:
    return {"rows": [asdict(r) for r in run.rows], "problem": run.problem}


def _run(conn: socket.socket, root: Path, request: dict) -> dict[str, KataRun] | None:
    """Run each kata of ``request`` in a grandchild, as many at once as there are cores;
    None when the client went away (Ctrl-C), after stopping every grandchild."""
    waiting, running, runs = list(request["katas"]), {}, {}
    scratch = Path(tempfile.mkdtemp(prefix="gankata-run-"))
    try:
        while waiting or running:
            while waiting and len(running) < (os.cpu_count() or 1):
                kata = waiting.pop(0)
                started = _fork_kata(conn, root, request, kata, scratch)
                running[started.pid] = started
            readable, _, _ = select.select([conn], [], [], 0.02)
            if readable and not conn.recv(1, socket.MSG_PEEK):
                for pid in running:
                    _kill(pid)
                return None
            for pid, started in list(running.items()):
                done, status = os.waitpid(pid, os.WNOHANG)
                if done == pid:
                    runs[started.kata] = _finished(started, os.waitstatus_to_exitcode(status))
                    del running[pid]
                elif time.monotonic() > started.deadline:
                    _kill(pid)
                    limit = kata_limit_s(timeout=request["timeout"])
                    too_long = t("run_too_long", katas=started.kata, limit=limit)
                    runs[started.kata] = KataRun(started.kata, [], too_long)
                    del running[pid]
        return runs
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _kill(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, 0)


def _fork_kata(
    conn: socket.socket, root: Path, request: dict, kata: str, scratch: Path
) -> _Started:
    """Start one grandchild that runs ``kata``'s tests on the request's folder and exits."""
    report, log = scratch / f"{kata}.json", scratch / f"{kata}.log"
    pid = os.fork()
    if pid == 0:
        try:
            conn.close()  # the client's connection belongs to the child that replies
            out = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            os.dup2(out, 1)
            os.dup2(out, 2)
            os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            os.environ.clear()
            os.environ.update(request["env"])
            os.chdir(root)
            import pytest

            files, impls = [str(test_file(root, kata))], [request["folder"]]
            code = pytest.main(pytest_command(files, impls, report, request["timeout"]))
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(int(code))
        finally:
            os._exit(70)
    deadline = time.monotonic() + kata_limit_s(timeout=request["timeout"])
    return _Started(kata, pid, report, log, deadline)


def _finished(started: _Started, code: int) -> KataRun:
    if not started.report.exists():
        return KataRun(started.kata, [], ended_early(code, started.log.read_text(errors="replace")))
    return judged(started.kata, rows_from_report(json.loads(started.report.read_text())))


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    serve(Path(args[0]).resolve(), float(os.environ.get(IDLE_ENV, 900)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
