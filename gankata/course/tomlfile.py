"""Read the TOML files that hold the curriculum, the runner's words and the mistakes."""

from __future__ import annotations

import sys
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib


def read_toml(path: Path) -> dict:
    return tomllib.loads(path.read_text(encoding="utf-8"))


def parse_toml(text: str) -> dict:
    return tomllib.loads(text)
