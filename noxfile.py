"""Sessions for gan-katas.

    nox -s katas         the learner's command: progress table and the next failing test
    nox -s katas -- one_hot_dataset    check one kata (also: -- hint KATA, -- watch, ...)
    nox -s solutions     every kata's tests against the reference answers
    nox -s integrity     stubs fail, solutions pass, every catalogued mistake is caught
    nox -s tests         what CI runs: all tests against the solutions, then integrity
    nox -s bench         the benchmarks (CUDA when there is one): tables, JSON and markdown
    nox -s demo          train the book's MNIST GAN, improved and collapsing, pictures in runs/
    nox -s lint          ruff

All sessions share one environment, ``.nox/gankata``: PyTorch is several GB and installs
once, and a second ``nox -s katas`` starts in seconds. It is reinstalled only when
pyproject.toml changes. Already have PyTorch? ``pip install -e .`` and run ``gankata``.
"""

from __future__ import annotations

import hashlib
import os
import sys
from datetime import datetime
from pathlib import Path

import nox

nox.options.default_venv_backend = "none"
nox.options.sessions = ["katas"]

ROOT = Path(__file__).parent
ENV = ROOT / ".nox" / "gankata"
RUNNER_COMMANDS = {"list", "check", "hint", "watch", "reset", "notebook"}


def shared_python(session: nox.Session) -> str:
    """The shared environment's Python, created and kept in step with pyproject.toml."""
    python = ENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    if not python.exists():
        session.run(sys.executable, "-m", "venv", str(ENV), external=True)
    stamp = ENV / "installed-pyproject.sha256"
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if not stamp.exists() or stamp.read_text() != wanted:
        session.run(str(python), "-m", "pip", "install", "-e", ".[test]", external=True)
        stamp.write_text(wanted)
    return str(python)


@nox.session
def katas(session: nox.Session) -> None:
    """Your progress and the next thing to learn (``-- KATA`` checks one kata)."""
    python = shared_python(session)
    args = list(session.posargs)
    if args and args[0] not in RUNNER_COMMANDS and not args[0].startswith("-"):
        args = ["check", *args]
    session.run(
        python, "-m", "gankata", *args, env={"GANKATA_COMMAND": "nox -s katas --"}, external=True
    )


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
    session.run(python, "-m", "gankata.integrity", *session.posargs, external=True)


@nox.session
def tests(session: nox.Session) -> None:
    """CI: every test (katas against the solutions, gankata's own), then the integrity check."""
    python = shared_python(session)
    session.run(
        python, "-m", "pytest", "tests", "--impl", "solutions", *session.posargs, external=True
    )
    session.run(python, "-m", "gankata.integrity", external=True)


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
    report = ["-m", "gankata.bench_report", str(results), "--markdown", str(markdown)]
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
