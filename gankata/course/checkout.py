"""Where the course lives on disk: the learner's checkout, which holds ``katas/``."""

from __future__ import annotations

from pathlib import Path

from gankata.course.words import t


def find_root(start: Path | None = None) -> Path:
    """The repository root: the nearest folder at or above ``start`` holding ``katas/``."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "katas").is_dir() and (folder / "solutions").is_dir():
            return folder
    raise FileNotFoundError(t("no_checkout", here=here))
