"""One rule for the files and folders gankata writes beside the learner's: never replace.

Backups, workbook backups and demo runs are all named ``<stem>-<YYYYmmdd-HHMMSS>``; a second
one in the same second gets ``-2``, then ``-3``, so that nothing written before is lost.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path


def free_name(folder: Path, stem: str, suffix: str = "", now: datetime | None = None) -> Path:
    """``folder/<stem>-<time><suffix>``, or with ``-2``, ``-3``, ... when that exists."""
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    candidate = folder / f"{stem}-{stamp}{suffix}"
    copy = 1
    while candidate.exists():
        copy += 1
        candidate = folder / f"{stem}-{stamp}-{copy}{suffix}"
    return candidate
