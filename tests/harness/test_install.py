"""noxfile.py installs quietly and lightly: which torch plan, which pip commands, which lines.

Everything here runs on fakes (a fake PATH, fake Pythons that are shell scripts, a fake pip
that records its arguments), so no test downloads or installs anything.
"""

from __future__ import annotations

import http.server
import importlib.util
import json
import logging
import os
import shlex
import socket
import sys
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("gankata_noxfile", ROOT / "noxfile.py")
noxfile = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(noxfile)

REQUIREMENTS = {"torch": "torch>=2.2,<3", "torchvision": "torchvision>=0.17"}
posix_only = pytest.mark.skipif(os.name == "nt", reason="the fake Pythons are shell scripts")


def executable(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    path.chmod(0o755)
    return path


# -- what the project accepts ------------------------------------------------------------------


def test_the_torch_requirements_are_pyprojects_own():
    found = noxfile.torch_requirements()
    assert found == REQUIREMENTS, (
        f"expected pyproject.toml's torch and torchvision requirements {REQUIREMENTS}, read {found}"
    )


def test_the_torch_requirements_follow_a_changed_pyproject(tmp_path):
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text(
        '[project]\ndependencies = ["numpy", "torch>=2.5", "torchvision>=0.20,<1"]\n'
    )
    found = noxfile.torch_requirements(pyproject)
    wanted = {"torch": "torch>=2.5", "torchvision": "torchvision>=0.20,<1"}
    assert found == wanted, f"expected {wanted} from {pyproject.read_text()!r}, read {found}"


@pytest.mark.parametrize(
    ("torch", "torchvision", "ok"),
    [
        ("2.14.1", "0.29.1", True),
        ("2.13.0+cpu", "0.28.0+cpu", True),
        ("2.2.0", "0.17.0", True),
        ("2.15.0.dev20260101", "0.30.0.dev20260101", True),
        ("2.1.2", "0.16.2", False),
        ("3.0.0", "0.40.0", False),
        ("2.14.1", "0.16.0", False),
        ("2.14.1", None, False),
        (None, "0.29.1", False),
        ("not-a-version", "0.29.1", False),
    ],
)
def test_a_torch_is_reused_only_in_versions_pyproject_accepts(torch, torchvision, ok):
    found = {"torch": torch, "torchvision": torchvision, "venv": False, "site": []}
    seen = noxfile.reusable(found, REQUIREMENTS)
    assert seen is ok, (
        f"torch {torch} with torchvision {torchvision} against {REQUIREMENTS}: expected "
        f"reusable={ok}, got {seen}"
    )


def test_nothing_probed_is_nothing_to_reuse():
    assert noxfile.reusable(None, REQUIREMENTS) is False, (
        "a Python that could not be asked should not count as having torch"
    )


# -- is there an NVIDIA GPU? ---------------------------------------------------------------------


def test_no_nvidia_smi_and_no_driver_means_no_gpu(tmp_path):
    path = tmp_path / "bin"
    executable(path / "python3", "#!/bin/sh\n")
    proc = tmp_path / "proc"
    proc.mkdir()
    seen = noxfile.has_nvidia_gpu(str(path), proc)
    assert seen is False, f"PATH={path} (no nvidia-smi) and an empty {proc}: expected no GPU"


@posix_only
def test_nvidia_smi_on_path_means_a_gpu(tmp_path):
    path = tmp_path / "bin"
    executable(path / "nvidia-smi", "#!/bin/sh\n")
    seen = noxfile.has_nvidia_gpu(str(path), tmp_path / "proc")
    assert seen is True, f"expected a GPU with {path / 'nvidia-smi'} on PATH, got {seen}"


def test_the_drivers_proc_entry_means_a_gpu(tmp_path):
    (tmp_path / "proc" / "driver" / "nvidia").mkdir(parents=True)
    seen = noxfile.has_nvidia_gpu(str(tmp_path / "empty"), tmp_path / "proc")
    assert seen is True, f"expected a GPU with {tmp_path}/proc/driver/nvidia present, got {seen}"


# -- asking a Python which torch it has ----------------------------------------------------------


def fake_site(root: Path, dists: dict[str, str]) -> Path:
    """A folder with just the metadata importlib.metadata reads for each distribution."""
    for name, version in dists.items():
        info = root / f"{name}-{version}.dist-info"
        info.mkdir(parents=True)
        (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n")
    return root


def fake_python(path: Path, site: Path) -> Path:
    """The real interpreter, but seeing only ``site``: -S leaves its own site-packages out."""
    return executable(
        path,
        f"#!/bin/sh\nPYTHONPATH={shlex.quote(str(site))} exec {shlex.quote(sys.executable)} "
        '-S "$@"\n',
    )


@posix_only
def test_the_probe_reads_the_versions_a_python_has(tmp_path):
    site = fake_site(tmp_path / "site", {"torch": "2.14.1+cpu", "torchvision": "0.29.1+cpu"})
    found = noxfile.probe_torch(str(fake_python(tmp_path / "python", site)))
    seen = {name: (found or {}).get(name) for name in ("torch", "torchvision")}
    wanted = {"torch": "2.14.1+cpu", "torchvision": "0.29.1+cpu"}
    assert seen == wanted, f"expected the probe to report {wanted}, it reported {found}"
    assert isinstance(found["site"], list) and isinstance(found["venv"], bool), (
        f"expected the probe to report its site folders and whether it is a venv: {found}"
    )


@posix_only
def test_the_probe_reports_a_python_without_torch(tmp_path):
    site = fake_site(tmp_path / "site", {"numpy": "2.0.0"})
    found = noxfile.probe_torch(str(fake_python(tmp_path / "python", site)))
    assert found is not None and found["torch"] is None and found["torchvision"] is None, (
        f"expected torch and torchvision None for a Python without them, got {found}"
    )
    assert noxfile.reusable(found, REQUIREMENTS) is False, f"{found} should not be reusable"


@posix_only
def test_a_python_that_cannot_answer_probes_as_none(tmp_path):
    broken = executable(tmp_path / "python", "#!/bin/sh\necho not json\n")
    for python in (str(tmp_path / "missing-python"), str(broken)):
        found = noxfile.probe_torch(python)
        assert found is None, f"expected None from the probe of {python}, got {found}"


# -- choosing the plan -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("choice", "can_reuse", "gpu", "system", "plan"),
    [
        ("auto", True, False, "Linux", "reuse"),
        ("auto", True, True, "Linux", "reuse"),
        ("auto", False, False, "Linux", "cpu"),
        ("auto", False, True, "Linux", "pypi"),
        ("auto", False, False, "Darwin", "pypi"),
        ("auto", False, False, "Windows", "pypi"),
        ("", False, False, "Linux", "cpu"),
        (" CPU ", True, True, "Linux", "cpu"),
        ("pypi", True, False, "Linux", "pypi"),
        ("reuse", True, False, "Linux", "reuse"),
    ],
)
def test_the_plan(choice, can_reuse, gpu, system, plan):
    seen = noxfile.choose_plan(choice, can_reuse=can_reuse, gpu=gpu, system=system)
    assert seen == plan, (
        f"GANKATA_TORCH={choice!r}, torch to reuse: {can_reuse}, NVIDIA GPU: {gpu}, {system}: "
        f"expected plan {plan}, got {seen}"
    )


@pytest.mark.parametrize(("choice", "words"), [("cuda", "expected one of"), ("reuse", "no torch")])
def test_an_impossible_choice_says_why(choice, words):
    with pytest.raises(ValueError) as raised:
        noxfile.choose_plan(choice, can_reuse=False, gpu=False, system="Linux")
    assert words in str(raised.value), (
        f"GANKATA_TORCH={choice} without a torch to reuse: expected an error saying "
        f"{words!r}, got {raised.value}"
    )


# -- the commands and the lines before them --------------------------------------------------


def test_the_cpu_plan_takes_torch_from_pytorchs_index_and_the_rest_from_pypi():
    steps = noxfile.install_steps("py", "cpu", REQUIREMENTS, system="Linux")
    commands = [command for _, command in steps]
    wanted_torch = ["py", "-m", "pip", "install", "-q", "--index-url", noxfile.CPU_INDEX]
    wanted_torch += ["torch>=2.2,<3", "torchvision>=0.17"]
    wanted_project = ["py", "-m", "pip", "install", "-q", "-e", ".[test]"]
    assert commands == [wanted_torch, wanted_project], (
        f"expected torch+torchvision from {noxfile.CPU_INDEX}, then the project from PyPI: "
        f"{[wanted_torch, wanted_project]}; got {commands}"
    )
    line = steps[0][0]
    for words in ("CPU build", "download.pytorch.org", "200 MB download", "once"):
        assert words in line, (
            f"expected the line before the torch download to say {words!r}: {line}"
        )


def test_a_cpu_index_mirror_is_used_as_given():
    steps = noxfile.install_steps("py", "cpu", REQUIREMENTS, system="Linux", index="file:///m")
    command = steps[0][1]
    at = command.index("--index-url")
    assert command[at + 1] == "file:///m", f"expected --index-url file:///m, got {command}"


def test_the_pypi_plan_on_linux_says_the_cuda_builds_size():
    steps = noxfile.install_steps("py", "pypi", REQUIREMENTS, system="Linux")
    commands = [command for _, command in steps]
    assert all("--index-url" not in command for command in commands), (
        f"expected plain PyPI for the pypi plan, got {commands}"
    )
    assert commands[0][-2:] == ["torch>=2.2,<3", "torchvision>=0.17"], (
        f"expected torch and torchvision first, on their own, got {commands[0]}"
    )
    line = steps[0][0]
    for words in ("CUDA build", "3 GB download", "5.5 GB on disk"):
        assert words in line, f"expected the CUDA line to say {words!r}: {line}"


def test_the_pypi_plan_elsewhere_does_not_claim_cuda():
    line = noxfile.install_steps("py", "pypi", REQUIREMENTS, system="Darwin")[0][0]
    assert "CUDA" not in line and "PyPI" in line, (
        f"expected a PyPI line without CUDA on macOS, got {line}"
    )


def test_the_reuse_plan_installs_only_the_project_and_says_whose_torch():
    found = {"torch": "2.14.1", "torchvision": "0.29.1", "venv": False, "site": []}
    steps = noxfile.install_steps(
        "py", "reuse", REQUIREMENTS, system="Linux", found=found, source="/opt/conda/bin/python"
    )
    commands = [command for _, command in steps]
    assert commands == [["py", "-m", "pip", "install", "-q", "-e", ".[test]"]], (
        f"expected one step, the project alone (pip sees torch satisfied), got {commands}"
    )
    line = steps[0][0]
    for words in ("2.14.1", "0.29.1", "/opt/conda/bin/python", "no PyTorch download"):
        assert words in line, f"expected the reuse line to say {words!r}: {line}"


@pytest.mark.parametrize("plan", ["reuse", "cpu", "pypi"])
def test_pip_is_always_quiet(plan):
    for _, command in noxfile.install_steps("py", plan, REQUIREMENTS, system="Linux"):
        assert command[:5] == ["py", "-m", "pip", "install", "-q"], (
            f"expected every pip command of plan {plan} to start `py -m pip install -q`, "
            f"got {command}"
        )


def test_only_the_reuse_plan_sees_the_base_pythons_packages(tmp_path):
    for plan, wanted in (("reuse", True), ("cpu", False), ("pypi", False)):
        command = noxfile.venv_command("base", tmp_path, plan)
        seen = "--system-site-packages" in command
        assert seen is wanted, f"plan {plan}: expected --system-site-packages {wanted}: {command}"
        assert command[:3] == ["base", "-m", "venv"] and command[-1] == str(tmp_path), (
            f"expected `base -m venv [options] {tmp_path}`, got {command}"
        )


def test_a_torch_in_a_virtual_environment_is_added_by_a_pth_file():
    found = {"venv": True, "site": ["/home/me/env/lib/python3.11/site-packages"]}
    seen = noxfile.reuse_pth(found)
    assert seen == "/home/me/env/lib/python3.11/site-packages\n", (
        f"expected a .pth naming the virtual environment's site-packages, got {seen!r}"
    )
    base = noxfile.reuse_pth({"venv": False, "site": ["/usr/lib/python3/site-packages"]})
    assert base is None, (
        f"expected no .pth for a base Python (--system-site-packages does), {base!r}"
    )


# -- when to build, rebuild or reinstall -----------------------------------------------------


@pytest.mark.parametrize(
    ("exists", "old", "step"),
    [
        (False, None, "create"),
        (True, None, "rebuild"),
        (True, {"pyproject": "a", "plan": "cpu"}, None),
        (True, {"pyproject": "b", "plan": "cpu"}, "install"),
        (True, {"pyproject": "a", "plan": "pypi"}, "rebuild"),
        (True, {"pyproject": "b", "plan": "reuse /usr/bin/python3"}, "rebuild"),
    ],
)
def test_the_stamp_decides(exists, old, step):
    wanted = {"pyproject": "a", "plan": "cpu"}
    seen = noxfile.next_step(exists, old, wanted)
    assert seen == step, (
        f"env exists: {exists}, stamp {old}, wanted {wanted}: expected {step}, got {seen}"
    )


def test_an_earlier_noxfiles_stamp_reads_as_the_pypi_plan(tmp_path):
    (tmp_path / noxfile.LEGACY_STAMP).write_text("abc123")
    seen = noxfile.read_stamp(tmp_path)
    assert seen == {"pyproject": "abc123", "plan": "pypi"}, (
        f"expected the old sha256 stamp to read as plan pypi (it installed PyPI's torch), {seen}"
    )
    assert noxfile.read_stamp(tmp_path / "nothing") is None, "expected no stamp in an empty folder"


def test_the_plan_key_names_the_python_only_when_it_matters():
    cases = [
        (("reuse", "/p", False), "reuse /p"),
        (("cpu", "/p", False), "cpu"),
        (("cpu", "/p", True), "cpu /p"),
    ]
    for args, wanted in cases:
        seen = noxfile.plan_key(*args)
        assert seen == wanted, f"plan_key{args}: expected {wanted!r}, got {seen!r}"
    earlier = noxfile.previous_reuse({"plan": "reuse /opt/conda/bin/python"})
    assert earlier == "/opt/conda/bin/python", f"expected the reused Python back, got {earlier}"
    assert noxfile.previous_reuse({"plan": "cpu"}) is None, "a cpu stamp reuses no Python"


# -- is PyTorch's index there? -----------------------------------------------------------------


def test_a_local_index_is_reachable_when_its_folder_exists(tmp_path):
    assert noxfile.index_reachable(tmp_path.as_uri()) is True, f"{tmp_path} exists: reachable"
    missing = (tmp_path / "missing").as_uri()
    assert noxfile.index_reachable(missing) is False, f"{missing} does not exist: unreachable"


def test_a_closed_port_is_unreachable():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    seen = noxfile.index_reachable(f"http://127.0.0.1:{port}/whl/cpu", timeout=2)
    assert seen is False, f"nothing listens on port {port}: expected unreachable, got {seen}"


def test_any_http_answer_counts_as_reachable():
    class NotFound(http.server.BaseHTTPRequestHandler):
        def do_HEAD(self):
            self.send_response(404)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), NotFound)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_port}/whl/cpu"
        seen = noxfile.index_reachable(url, timeout=2)
    finally:
        server.shutdown()
        server.server_close()
    assert seen is True, f"{url} answered 404: expected reachable (pip can judge), got {seen}"


# -- nox's own lines ---------------------------------------------------------------------------


def test_noxs_uv_lookup_line_is_dropped_and_others_are_kept():
    logger = logging.getLogger("nox")
    uv = logging.makeLogRecord({"name": "nox", "msg": "uv binary not found.", "levelno": 20})
    other = logging.makeLogRecord({"name": "nox", "msg": "Running session katas", "levelno": 20})
    assert not logger.filter(uv), "expected nox's 'uv binary not found.' line to be filtered out"
    assert logger.filter(other), "expected nox's other lines to pass the filter"


# -- the katas session -------------------------------------------------------------------------


class FakeSession:
    """What the sessions use of nox.Session: posargs, log and error."""

    class Error(Exception):
        pass

    def __init__(self, posargs=()):
        self.posargs = list(posargs)
        self.lines: list[str] = []

    def log(self, message):
        self.lines.append(message)

    def error(self, message):
        raise FakeSession.Error(message)


@pytest.fixture
def fake_runner(tmp_path, monkeypatch):
    """katas() with a fake shared Python that records its arguments and exits with $CODE."""
    record = tmp_path / "argv.json"
    recorder = tmp_path / "recorder.py"
    recorder.write_text(
        "import json, os, sys\n"
        "argv = [sys.argv[2:], os.environ.get('GANKATA_COMMAND')]\n"
        "open(sys.argv[1], 'w').write(json.dumps(argv))\n"
    )
    python = executable(
        tmp_path / "python",
        f"#!/bin/sh\n{shlex.quote(sys.executable)} {shlex.quote(str(recorder))} "
        f'{shlex.quote(str(record))} "$@"\nexit $CODE\n',
    )
    monkeypatch.setattr(noxfile, "shared_python", lambda session: str(python))

    def run(code, posargs):
        monkeypatch.setenv("CODE", str(code))
        session = FakeSession(posargs)
        noxfile.katas(session)
        return session

    return run, record


@posix_only
def test_katas_passes_its_arguments_through_unchanged(fake_runner):
    run, record = fake_runner
    run(0, ["one_hot_dataset", "-v"])
    argv, command = json.loads(record.read_text())
    assert argv == ["-m", "gankata", "one_hot_dataset", "-v"], (
        f"expected `python -m gankata one_hot_dataset -v` (no `check` added), got {argv}"
    )
    assert command == "nox -s katas --", f"expected GANKATA_COMMAND='nox -s katas --', {command!r}"
    assert not hasattr(noxfile, "RUNNER_COMMANDS"), "the noxfile should keep no runner commands"


@posix_only
def test_katas_remaining_exit_1_without_a_failed_line(fake_runner):
    run, _ = fake_runner
    with pytest.raises(SystemExit) as raised:
        run(1, [])
    assert raised.value.code == 1, f"expected exit code 1 kept, got {raised.value.code}"


@posix_only
def test_a_runner_error_stays_loud(fake_runner):
    run, _ = fake_runner
    with pytest.raises(FakeSession.Error) as raised:
        run(2, [])
    assert "exit code 2" in str(raised.value), f"expected the error to say 'exit code 2': {raised}"


@pytest.mark.parametrize(("code", "outcome"), [(0, "done"), (1, "unfinished"), (2, "error")])
def test_runner_outcomes(code, outcome):
    seen = noxfile.runner_outcome(code)
    assert seen == outcome, f"runner exit {code}: expected {outcome}, got {seen}"


# -- building the shared environment, with a fake pip ----------------------------------------


@pytest.fixture
def project(tmp_path, monkeypatch):
    """shared_python() in a scratch project whose Pythons and pip only record what they did.

    Returns (build, log): build(torch=None, **env) calls shared_python with a base Python
    whose probe reports ``torch`` (e.g. {"torch": "2.14.1", ...}); log() reads the commands.
    """
    root = tmp_path / "project"
    root.mkdir()
    (root / "pyproject.toml").write_bytes((ROOT / "pyproject.toml").read_bytes())
    log = tmp_path / "commands.log"
    site = tmp_path / "env-site"
    env_python = executable(
        tmp_path / "env-python",
        "#!/bin/sh\n"
        f'echo "env $*" >> {shlex.quote(str(log))}\n'
        f'case "$1" in -c) mkdir -p {shlex.quote(str(site))}; echo {shlex.quote(str(site))};; '
        '-m) exit "${PIP_CODE:-0}";; esac\n',
    )
    probe = tmp_path / "probe.json"
    base = executable(
        tmp_path / "base-python",
        "#!/bin/sh\n"
        f'case "$1" in -c) cat {shlex.quote(str(probe))}; exit;; esac\n'
        f'echo "base $*" >> {shlex.quote(str(log))}\n'
        'for last; do :; done\nmkdir -p "$last/bin"\n'
        f'cp {shlex.quote(str(env_python))} "$last/bin/python"\n',
    )
    index = tmp_path / "cpu-index"
    index.mkdir()
    monkeypatch.setattr(noxfile, "ROOT", root)
    monkeypatch.setattr(noxfile, "ENV", root / ".nox" / "gankata")
    monkeypatch.setattr(noxfile, "has_nvidia_gpu", lambda: False)
    monkeypatch.setattr(noxfile.platform, "system", lambda: "Linux")
    monkeypatch.setattr(noxfile.sys, "executable", str(base))
    for name in ("GANKATA_PYTHON", "GANKATA_TORCH", "PIP_CODE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("GANKATA_TORCH_INDEX", index.as_uri())

    def build(torch=None, **env):
        found = {"torch": None, "torchvision": None, "venv": False, "site": []}
        probe.write_text(json.dumps({**found, **(torch or {})}))
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        log.write_text("")
        session = FakeSession()
        python = noxfile.shared_python(session)
        return python, session.lines, log.read_text().splitlines()

    return build, root, index, site


@posix_only
def test_a_machine_without_gpu_gets_the_cpu_build_then_nothing_more(project):
    build, root, index, _ = project
    python, lines, commands = build()
    assert python == str(root / ".nox/gankata/bin/python"), f"expected the env's Python: {python}"
    assert commands[0].startswith("base -m venv ") and "--system" not in commands[0], (
        f"expected a plain venv first, got {commands}"
    )
    pips = [c for c in commands if c.startswith("env -m pip")]
    wanted = [
        f"env -m pip install -q --index-url {index.as_uri()} torch>=2.2,<3 torchvision>=0.17",
        "env -m pip install -q -e .[test]",
    ]
    assert pips == wanted, f"expected {wanted}, got {pips}"
    assert any("CPU build" in line and "200 MB" in line for line in lines), (
        f"expected a line saying the CPU build's size, got {lines}"
    )
    stamp = json.loads((root / ".nox/gankata" / noxfile.STAMP).read_text())
    assert stamp["plan"] == "cpu" and stamp["installed"] == "cpu", f"expected plan cpu: {stamp}"

    _, lines, commands = build()
    assert commands == [] and lines == [], (
        f"expected the second run to install nothing and say nothing, ran {commands}, said {lines}"
    )


@posix_only
def test_a_changed_pyproject_reinstalls_and_a_changed_plan_rebuilds(project):
    build, root, _, _ = project
    build()
    with (root / "pyproject.toml").open("a") as file:
        file.write("\n# changed\n")
    _, _, commands = build()
    assert not any(c.startswith("base -m venv") for c in commands), (
        f"a changed pyproject.toml should reinstall without recreating the env: {commands}"
    )
    assert "env -m pip install -q -e .[test]" in commands, f"expected a reinstall: {commands}"

    _, lines, commands = build(GANKATA_TORCH="pypi")
    assert any("cpu -> pypi" in line for line in lines), f"expected the plan change said: {lines}"
    assert commands[0].startswith("base -m venv"), f"expected the env recreated: {commands}"
    assert all("--index-url" not in c for c in commands), f"expected plain PyPI: {commands}"


@posix_only
def test_an_unreachable_cpu_index_falls_back_to_pypi_once(project, monkeypatch):
    build, root, index, _ = project
    index.rmdir()
    _, lines, commands = build()
    assert any("cannot be reached" in line for line in lines), (
        f"expected the fallback said: {lines}"
    )
    assert all("--index-url" not in c for c in commands), f"expected plain PyPI: {commands}"
    stamp = json.loads((root / ".nox/gankata" / noxfile.STAMP).read_text())
    assert stamp["plan"] == "cpu" and stamp["installed"] == "pypi", (
        f"expected the chosen plan (cpu) kept, so that the next run does not rebuild: {stamp}"
    )
    _, _, commands = build()
    assert commands == [], f"expected nothing installed on the next run, got {commands}"


@posix_only
def test_an_insisted_cpu_plan_uses_the_index_without_asking(project):
    build, _, index, _ = project
    index.rmdir()
    _, lines, commands = build(GANKATA_TORCH="cpu")
    assert any("--index-url" in c for c in commands), (
        f"GANKATA_TORCH=cpu: expected the index {commands}"
    )
    assert not any("cannot be reached" in line for line in lines), f"expected no fallback: {lines}"


@posix_only
def test_a_python_with_torch_is_reused(project):
    build, root, _, site = project
    torch = {"torch": "2.14.1", "torchvision": "0.29.1", "venv": True, "site": ["/me/venv/site"]}
    _, lines, commands = build(torch)
    assert "--system-site-packages" in commands[0], f"expected a venv over the base: {commands}"
    pips = [c for c in commands if c.startswith("env -m pip")]
    assert pips == ["env -m pip install -q -e .[test]"], f"expected the project alone: {pips}"
    pth = (site / "gankata-reuse.pth").read_text()
    assert pth == "/me/venv/site\n", f"expected a .pth naming the venv's site-packages: {pth!r}"
    assert any("no PyTorch download" in line for line in lines), f"expected the reuse said: {lines}"
    stamp = json.loads((root / ".nox/gankata" / noxfile.STAMP).read_text())
    assert stamp["plan"].startswith("reuse "), f"expected a reuse stamp: {stamp}"


@posix_only
def test_reuse_is_kept_when_nox_runs_from_another_python(project, tmp_path, monkeypatch):
    build, _, _, _ = project
    torch = {"torch": "2.14.1", "torchvision": "0.29.1", "venv": False, "site": []}
    build(torch)
    other = executable(
        tmp_path / "other-python",
        '#!/bin/sh\necho \'{"torch": null, "torchvision": null, "venv": false, "site": []}\'\n',
    )
    monkeypatch.setattr(noxfile.sys, "executable", str(other))
    _, lines, commands = build(torch)
    assert commands == [] and lines == [], (
        f"nox from a Python without torch, the env reusing one that still has it: expected "
        f"nothing rebuilt, ran {commands}, said {lines}"
    )


@posix_only
def test_a_failing_pip_stops_with_its_command(project):
    build, root, _, _ = project
    with pytest.raises(FakeSession.Error) as raised:
        build(PIP_CODE="1")
    assert "pip install" in str(raised.value) and "exit code 1" in str(raised.value), (
        f"expected the error to name the pip command and its exit code: {raised.value}"
    )
    assert not (root / ".nox/gankata" / noxfile.STAMP).exists(), (
        "a failed install must leave no stamp, so that the next run tries again"
    )


@posix_only
def test_reuse_without_torch_is_an_error(project):
    build, _, _, _ = project
    with pytest.raises(FakeSession.Error) as raised:
        build(GANKATA_TORCH="reuse")
    assert "torch>=2.2,<3" in str(raised.value), (
        f"expected the error to say which torch is needed: {raised.value}"
    )
