"""The curriculum manifest: which katas exist, in what order, with their hints.

``curriculum.toml`` is the source of truth (order, names, seeds and the English words);
``curriculum.<lang>.toml`` gives each kata's title, summary and hints in another language.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from gankata.i18n import DEFAULT, LANGUAGES, t
from gankata.tomlfile import read_toml

MANIFEST = Path(__file__).with_name("curriculum.toml")
# Every body a learner must write starts with this comment (then the task number).
TODO_MARK = "TODO: Implement for Kata"


@dataclass(frozen=True)
class Kata:
    number: int
    name: str
    title: str
    seed: str
    summary: str
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

    def workbook(self, language: str) -> str:
        """``01_one_hot_dataset.ipynb``, ``01_one_hot_dataset.ko.ipynb``: languages side by side."""
        suffix = "" if language == DEFAULT else f".{language}"
        return f"{self.number:02d}_{self.name}{suffix}.ipynb"


def translation_path(language: str, manifest: Path = MANIFEST) -> Path:
    return manifest.with_name(f"{manifest.stem}.{language}.toml")


def load_translation(language: str, manifest: Path = MANIFEST) -> dict[str, dict]:
    """Each kata's words in ``language``, by kata name (empty for English, the source)."""
    if language == DEFAULT:
        return {}
    return {e["name"]: e for e in read_toml(translation_path(language, manifest))["kata"]}


def load_curriculum(path: Path = MANIFEST, language: str = DEFAULT) -> list[Kata]:
    """The katas in order, their words in ``language`` (English where a word is missing).

    A missing translation falls back to English so that the runner always works; a test of
    the manifests makes sure that nothing is missing.
    """
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {LANGUAGES}, not {language!r}")
    translated = load_translation(language, path)
    katas = []
    for number, entry in enumerate(read_toml(path)["kata"], start=1):
        words = {**entry, **translated.get(entry["name"], {})}
        katas.append(
            Kata(
                number,
                entry["name"],
                words["title"],
                entry["seed"],
                words["summary"],
                tuple(words["hints"]),
            )
        )
    return katas


def find_kata(name: str, curriculum: list[Kata]) -> Kata:
    """The kata called ``name`` (or numbered ``name``); a clear error listing them if none."""
    for kata in curriculum:
        if name in (kata.name, str(kata.number)):
            return kata
    raise KeyError(t("no_such_kata", name=name, known=", ".join(k.name for k in curriculum)))


def markdown_table(curriculum: list[Kata]) -> str:
    """The README's kata list."""
    rows = ["| # | kata | what you learn | seed |", "|---|---|---|---|"]
    rows += [f"| {k.number} | `{k.name}` | {k.title} | {k.seed} |" for k in curriculum]
    return "\n".join(rows)


if __name__ == "__main__":
    print(markdown_table(load_curriculum()))
