"""Sessions for gan-katas.

    nox -s katas         the learner's command: progress table and the next failing test
    nox -s katas -- one_hot_dataset    check one kata (anything after -- goes to gankata)
    nox -s solutions     every kata's tests against the reference answers
    nox -s integrity     stubs fail, solutions pass, every catalogued mistake is caught
    nox -s tests         what CI runs: all tests against the solutions, then `gankata dev
                         check` (the course, its generated files, then integrity)
    nox -s bench         the benchmarks (CUDA when there is one): tables, JSON and markdown
    nox -s demo          train the book's MNIST GAN, improved and collapsing, pictures in runs/
    nox -s lint          ruff

All sessions share one environment, ``.nox/gankata``, built once and rebuilt only when
pyproject.toml or the torch plan changes. The torch plan (``GANKATA_TORCH``):

    auto    the default: reuse, if that Python has torch; else cpu on Linux without an
            NVIDIA GPU; else pypi
    reuse   the torch and torchvision the Python running nox already has (or the one
            ``GANKATA_PYTHON`` names): the environment sees them, nothing is downloaded
    cpu     PyTorch's CPU build from its own index (``GANKATA_TORCH_INDEX`` for a mirror),
            then the project from PyPI; under auto, PyPI's torch when that index is unreachable
    pypi    PyPI's default torch: the CUDA build on Linux, the only build elsewhere

Before a download nox says how large it is; pip runs quietly (-q: warnings and errors only).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import platform
import shutil
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import datetime
from pathlib import Path

import nox
from packaging.requirements import Requirement
from packaging.version import InvalidVersion

if sys.version_info >= (3, 11):
    import tomllib
else:  # nox itself depends on tomli before Python 3.11
    import tomli as tomllib

nox.options.default_venv_backend = "none"
nox.options.sessions = ["katas"]

ROOT = Path(__file__).parent
ENV = ROOT / ".nox" / "gankata"
STAMP = "installed.json"
LEGACY_STAMP = "installed-pyproject.sha256"  # written by earlier versions of this file
CPU_INDEX = "https://download.pytorch.org/whl/cpu"
CHOICES = ("auto", "reuse", "cpu", "pypi")
TORCH_PACKAGES = ("torch", "torchvision")

# What one download costs, said before it starts. Measured on Linux x86_64, Python 3.11, by
# adding up the wheels `pip install --dry-run --report` chose, and `du` of the installed venv:
# - CPU: torch 2.13.0+cpu's wheel (a copy of the file PyTorch's CPU index serves) is 192 MB,
#   sympy, networkx and the rest 10 MB, torchvision at most 8 MB: about 200 MB. Installed: torch
#   754 MB, sympy 80, torchvision 25, networkx 19: 0.9 GB.
# - CUDA: torch 2.14.1 from PyPI with its nvidia-*, triton and cuda-* wheels: 2,984 MB of
#   files plus a few small ones, about 3 GB. Installed: 5,557 MB.
# Newer releases differ by some percent; the lines say "about".
SIZES = {
    "cpu": "about 200 MB download, 0.9 GB on disk",
    "pypi-linux": "about 3 GB download, 5.5 GB on disk",
    "pypi-other": "a few hundred MB download",
}

# The probe a Python runs to say which torch it has; importlib.metadata, not `import torch`,
# so that every `nox -s katas` can ask (about 80 ms on 2 cores).
PROBE = """
import json, site, sys
from importlib import metadata
found = {}
for name in ("torch", "torchvision"):
    try:
        found[name] = metadata.version(name)
    except metadata.PackageNotFoundError:
        found[name] = None
found["venv"] = sys.prefix != sys.base_prefix
found["site"] = site.getsitepackages() if hasattr(site, "getsitepackages") else []
print(json.dumps(found))
"""


class _QuietUvLookup(logging.Filter):
    """Drop nox's "uv binary not found." line.

    nox (2025 and later) looks for uv whenever a session starts, even with the "none" backend
    used here, and logs the miss. Nothing here uses uv, so the line only worries a learner.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() != "uv binary not found."


logging.getLogger("nox").addFilter(_QuietUvLookup())


# -- Deciding: pure functions, tested in tests/harness/test_install.py ------------------------


def torch_requirements(pyproject: Path | None = None) -> dict[str, str]:
    """pyproject's own requirement strings for torch and torchvision, e.g. 'torch>=2.2,<3'."""
    text = (pyproject or ROOT / "pyproject.toml").read_text(encoding="utf-8")
    dependencies = tomllib.loads(text)["project"]["dependencies"]
    found = {Requirement(dep).name: dep for dep in dependencies}
    return {name: found[name] for name in TORCH_PACKAGES}


def has_nvidia_gpu(path: str | None = None, proc: Path = Path("/proc")) -> bool:
    """An NVIDIA driver is installed: nvidia-smi on PATH, or the kernel module's /proc entry."""
    return shutil.which("nvidia-smi", path=path) is not None or (proc / "driver/nvidia").exists()


def probe_torch(python: str) -> dict | None:
    """What ``python`` says about its torch (see PROBE), or None when it cannot be asked."""
    try:
        done = subprocess.run(
            [python, "-c", PROBE], capture_output=True, text=True, timeout=60, check=False
        )
        return json.loads(done.stdout.strip().splitlines()[-1]) if done.returncode == 0 else None
    except (OSError, subprocess.SubprocessError, ValueError, IndexError):
        return None


def reusable(found: dict | None, requirements: dict[str, str]) -> bool:
    """The probed torch and torchvision are versions pyproject.toml accepts."""
    if not found:
        return False
    for name, requirement in requirements.items():
        version = found.get(name)
        try:
            if not version or not Requirement(requirement).specifier.contains(
                version, prereleases=True
            ):
                return False
        except InvalidVersion:
            return False
    return True


def choose_plan(choice: str, *, can_reuse: bool, gpu: bool, system: str) -> str:
    """reuse, cpu or pypi, from GANKATA_TORCH's value and what the machine has.

    Raises ValueError for an unknown choice, or ``reuse`` without a torch to reuse.
    """
    choice = (choice or "auto").strip().lower()
    if choice not in CHOICES:
        raise ValueError(f"GANKATA_TORCH={choice!r}: expected one of {', '.join(CHOICES)}")
    if choice == "reuse" and not can_reuse:
        raise ValueError("GANKATA_TORCH=reuse, but that Python has no torch to reuse")
    if choice != "auto":
        return choice
    if can_reuse:
        return "reuse"
    # PyPI's torch is the CUDA build only on Linux; PyTorch's CPU index has no macOS wheels.
    return "cpu" if system == "Linux" and not gpu else "pypi"


def plan_key(plan: str, python: str, named: bool) -> str:
    """What the stamp records: the plan, and the Python when it matters (reuse, or named)."""
    return f"{plan} {python}" if plan == "reuse" or named else plan


def next_step(env_exists: bool, old: dict | None, wanted: dict) -> str | None:
    """None (up to date), 'create', 'rebuild' (plan changed) or 'install' (pyproject changed)."""
    if not env_exists:
        return "create"
    if old is None or old.get("plan") != wanted["plan"]:
        return "rebuild"
    return "install" if old.get("pyproject") != wanted["pyproject"] else None


def read_stamp(env: Path) -> dict | None:
    """The stamp of the last finished install; an earlier noxfile's stamp means plan pypi."""
    try:
        return json.loads((env / STAMP).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        pass
    try:
        return {"pyproject": (env / LEGACY_STAMP).read_text().strip(), "plan": "pypi"}
    except OSError:
        return None


def previous_reuse(old: dict | None) -> str | None:
    """The Python whose torch the existing environment reuses, if it does."""
    plan = (old or {}).get("plan") or ""
    return plan.split(" ", 1)[1] if plan.startswith("reuse ") else None


def venv_command(python: str, env: Path, plan: str) -> list[str]:
    """How to create the environment: one that sees the base Python's packages for reuse."""
    options = ["--system-site-packages"] if plan == "reuse" else []
    return [python, "-m", "venv", *options, str(env)]


def reuse_pth(found: dict) -> str | None:
    """A .pth file's text adding the reused torch's site-packages, when --system-site-packages
    cannot see them: a venv made from a virtual environment's Python sees its base's packages,
    not the virtual environment's."""
    return "".join(f"{folder}\n" for folder in found["site"]) if found.get("venv") else None


def install_steps(
    python: str,
    plan: str,
    requirements: dict[str, str],
    *,
    system: str,
    index: str = CPU_INDEX,
    found: dict | None = None,
    source: str = "your Python",
) -> list[tuple[str, list[str]]]:
    """(line to say first, pip command) for each install step of ``plan``.

    PyTorch comes first, on its own, so that its line can say how large it is and, for cpu,
    so that only torch and torchvision come from PyTorch's index; the project then installs
    from PyPI as usual and finds torch already satisfied. pip runs with -q: warnings and
    errors come through, the ~300 lines of progress do not (-q also hides pip's progress
    bar, so the size line is what says a long download is under way).
    """
    pip = [python, "-m", "pip", "install", "-q"]
    project = ("installing gan-katas and the rest of its dependencies", [*pip, "-e", ".[test]"])
    torch = [requirements[name] for name in TORCH_PACKAGES]
    if plan == "reuse":
        have = found or {}
        line = (
            f"using the torch {have.get('torch')} and torchvision {have.get('torchvision')} "
            f"that {source} already has (no PyTorch download)"
        )
        return [(line, project[1])]
    if plan == "cpu":
        where = urllib.parse.urlparse(index).netloc or index
        line = f"installing PyTorch, CPU build, from {where} ({SIZES['cpu']}, once)"
        return [(line, [*pip, "--index-url", index, *torch]), project]
    if system == "Linux":
        line = f"installing PyTorch from PyPI, CUDA build ({SIZES['pypi-linux']}, once)"
    else:
        line = f"installing PyTorch from PyPI ({SIZES['pypi-other']}, once)"
    return [(line, [*pip, *torch]), project]


def index_reachable(url: str, timeout: float = 10.0) -> bool:
    """The index answers at all (any HTTP status counts). pip, given a host it cannot reach,
    retries every package for minutes before it gives up, so the cpu plan asks first."""
    parsed = urllib.parse.urlparse(url)
    if parsed.scheme == "file":
        return Path(urllib.request.url2pathname(parsed.path)).exists()
    request = urllib.request.Request(url.rstrip("/") + "/torch/", method="HEAD")
    try:
        with urllib.request.urlopen(request, timeout=timeout):
            return True
    except urllib.error.HTTPError:
        return True
    except urllib.error.URLError as error:
        # A certificate problem is pip's to judge: it has its own certificates and settings.
        return isinstance(error.reason, ssl.SSLError)
    except (OSError, ValueError):
        return False


def runner_outcome(code: int) -> str:
    """'done' (exit 0), 'unfinished' (1: katas remain, the runner has said how many) or
    'error' (anything else)."""
    return {0: "done", 1: "unfinished"}.get(code, "error")


# -- Doing -------------------------------------------------------------------------------------


def _run(session: nox.Session, command: list[str]) -> None:
    """Run one install command; pip's own error (its last lines) is the message on failure."""
    code = subprocess.run(command, cwd=ROOT, check=False).returncode
    if code != 0:
        session.error(f"`{' '.join(command)}` failed with exit code {code} (see above)")


def shared_python(session: nox.Session) -> str:
    """The shared environment's Python, created and kept in step with pyproject.toml."""
    python = ENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    base = os.environ.get("GANKATA_PYTHON") or sys.executable
    choice = (os.environ.get("GANKATA_TORCH") or "auto").strip().lower()
    requirements = torch_requirements()
    found = probe_torch(base) if choice in ("auto", "reuse") else None
    try:
        plan = choose_plan(
            choice,
            can_reuse=reusable(found, requirements),
            gpu=has_nvidia_gpu(),
            system=platform.system(),
        )
    except ValueError as error:
        wanted = " and ".join(requirements.values())
        session.error(f"{error} ({base} needs {wanted})")
    old = read_stamp(ENV)
    earlier = previous_reuse(old)
    if choice == "auto" and plan != "reuse" and earlier and earlier != base:
        # Built to reuse another Python's torch (nox was run from it, or GANKATA_PYTHON named
        # it): keep doing so while that torch is there, rather than download one because
        # nox runs from a different Python today.
        earlier_found = probe_torch(earlier)
        if reusable(earlier_found, requirements):
            plan, base, found = "reuse", earlier, earlier_found
    pyproject = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    wanted = {"pyproject": pyproject, "plan": plan_key(plan, base, "GANKATA_PYTHON" in os.environ)}
    step = next_step(python.exists(), old, wanted)
    if step is None:
        return str(python)

    start = time.monotonic()
    if step == "rebuild":
        if old is None:
            session.log("the last install did not finish: rebuilding .nox/gankata")
        else:
            plans = f"{old.get('plan')} -> {wanted['plan']}"
            session.log(f"the torch plan changed ({plans}): rebuilding .nox/gankata")
        shutil.rmtree(ENV)
    if step in ("create", "rebuild"):
        session.log("creating .nox/gankata, the environment every session shares (once)")
        _run(session, venv_command(base, ENV, plan))
        pth = reuse_pth(found) if plan == "reuse" and found else None
        if pth:
            site = subprocess.run(
                [str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                capture_output=True,
                text=True,
                check=True,
            ).stdout.strip()
            (Path(site) / "gankata-reuse.pth").write_text(pth, encoding="utf-8")
    index = os.environ.get("GANKATA_TORCH_INDEX") or CPU_INDEX
    install = plan
    if plan == "cpu" and choice == "auto" and not index_reachable(index):
        session.log(f"{index} cannot be reached: PyPI's torch instead (GANKATA_TORCH=cpu insists)")
        install = "pypi"
    steps = install_steps(
        str(python),
        install,
        requirements,
        system=platform.system(),
        index=index,
        found=found,
        source=base,
    )
    for line, command in steps:
        session.log(line)
        _run(session, command)
    (ENV / STAMP).write_text(json.dumps({**wanted, "installed": install}), encoding="utf-8")
    session.log(f"ready in {time.monotonic() - start:.0f} s; kept until pyproject.toml changes")
    return str(python)


@nox.session
def katas(session: nox.Session) -> None:
    """Your progress and the next thing to learn (``-- KATA`` checks one kata)."""
    python = shared_python(session)
    env = {**os.environ, "GANKATA_COMMAND": "nox -s katas --"}
    code = subprocess.run([python, "-m", "gankata", *session.posargs], env=env, cwd=ROOT).returncode
    outcome = runner_outcome(code)
    if outcome == "unfinished":
        # Katas remain: the runner's last line says how many. Leaving nox here keeps the exit
        # code (1) without nox's "Session katas failed." after it; a session.error() would
        # print "Session katas aborted: ..." instead. It ends nox at once, which is fine
        # for the one session a learner runs.
        raise SystemExit(1)
    if outcome == "error":
        session.error(f"gankata stopped with exit code {code} (see its message above)")


@nox.session
def solutions(session: nox.Session) -> None:
    """Every kata's tests against the reference answers in solutions/."""
    python = shared_python(session)
    session.run(
        python,
        "-m",
        "pytest",
        "tests",
        "-m",
        "kata",
        "--impl",
        "solutions",
        *session.posargs,
        external=True,
    )


@nox.session
def integrity(session: nox.Session) -> None:
    """Stubs fail every test, solutions pass every test, every mistake is caught and named."""
    python = shared_python(session)
    session.run(python, "-m", "gankata", "dev", "integrity", *session.posargs, external=True)


@nox.session
def tests(session: nox.Session) -> None:
    """CI: every test (katas against the solutions, gankata's own), then `gankata dev check`:
    the course against its files, the generated files current, and the integrity check."""
    python = shared_python(session)
    session.run(
        python, "-m", "pytest", "tests", "--impl", "solutions", *session.posargs, external=True
    )
    session.run(python, "-m", "gankata", "dev", "check", external=True)


@nox.session
def bench(session: nox.Session) -> None:
    """The benchmarks: a table of images/s, speed-ups and utilisation; JSON + markdown in runs/.

    ``nox -s bench -- -k mlp_gan`` passes options on to pytest.
    """
    python = shared_python(session)
    results = ROOT / "runs" / "bench" / f"{datetime.now():%Y%m%d-%H%M%S}.json"
    results.parent.mkdir(parents=True, exist_ok=True)
    session.run(
        python,
        "-m",
        "pytest",
        "bench",
        "--benchmark-only",
        f"--benchmark-json={results}",
        *session.posargs,
        external=True,
    )
    markdown = results.with_suffix(".md")
    report = ["-m", "bench.report", str(results), "--markdown", str(markdown)]
    session.run(python, *report, external=True)
    session.log(f"results: {results} and {markdown}")


@nox.session
def demo(session: nox.Session) -> None:
    """The improved MNIST GAN and the book's collapsing one: pictures and reports in runs/.

    ``nox -s demo -- --collapse --steps 20000`` runs one demo with gankata demo's options.
    """
    python = shared_python(session)
    variants = [session.posargs] if session.posargs else [[], ["--collapse"]]
    for options in variants:
        session.run(python, "-m", "gankata", "demo", "mnist", *options, external=True)


@nox.session
def lint(session: nox.Session) -> None:
    """ruff: lint and formatting."""
    python = shared_python(session)
    session.run(python, "-m", "ruff", "check", ".", external=True)
    session.run(python, "-m", "ruff", "format", "--check", ".", external=True)
