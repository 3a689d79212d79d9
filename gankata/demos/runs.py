"""Where a demo's run goes (``runs/<variant>-<time>/``, never an earlier run's folder) and
where it speaks (the terminal, as the runner does: no highlighting of numbers)."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console

from gankata.course.naming import free_name

console = Console(highlight=False)


def new_run_folder(out: Path | str, variant: str) -> Path:
    """``out/<variant>-<time>``, created; never an earlier run's folder."""
    Path(out).mkdir(parents=True, exist_ok=True)
    run = free_name(Path(out), variant)
    run.mkdir()
    return run
