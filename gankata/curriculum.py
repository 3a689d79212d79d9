"""The curriculum manifest: which katas exist, in what order, with their hints."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

MANIFEST = Path(__file__).with_name("curriculum.toml")
# Every body a learner must write starts with this comment (then the task number).
TODO_MARK = "TODO: Implement for Kata"


def read_toml(path: Path) -> dict:
    return tomllib.loads(path.read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Kata:
    number: int
    name: str
    title: str
    seed: str
    hints: tuple[str, ...]

    @property
    def stub(self) -> str:
        return f"katas/{self.name}.py"

    @property
    def solution(self) -> str:
        return f"solutions/{self.name}.py"

    @property
    def tests(self) -> str:
        return f"tests/test_{self.name}.py"


def load_curriculum(path: Path = MANIFEST) -> list[Kata]:
    entries = read_toml(path)["kata"]
    return [
        Kata(number, e["name"], e["title"], e["seed"], tuple(e["hints"]))
        for number, e in enumerate(entries, start=1)
    ]


def find_kata(name: str, curriculum: list[Kata]) -> Kata:
    """The kata called ``name`` (or numbered ``name``); a clear error listing them if none."""
    for kata in curriculum:
        if name in (kata.name, str(kata.number)):
            return kata
    known = ", ".join(k.name for k in curriculum)
    raise KeyError(f"there is no kata {name!r}; the katas are: {known}")


def markdown_table(curriculum: list[Kata]) -> str:
    """The README's kata list."""
    rows = ["| # | kata | what you learn | seed |", "|---|---|---|---|"]
    rows += [f"| {k.number} | `{k.name}` | {k.title} | {k.seed} |" for k in curriculum]
    return "\n".join(rows)


if __name__ == "__main__":
    print(markdown_table(load_curriculum()))
