"""The workshop plan's generated part: the mistakes to watch for, from the catalogue.

docs/workshop.md and docs/workshop.ko.md are written by hand, except between the markers
``<!-- mistakes:start -->`` and ``<!-- mistakes:end -->``: that part lists, kata by kata, the
learner mistakes of gankata/mistakes.toml, the same catalogue the integrity check proves the
tests catch. Regenerate it after changing the catalogue or the curriculum:

    python -m gankata.workshop            rewrite the lists in both plans
    python -m gankata.workshop --check    exit 1 if a plan's list is out of date
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import defaultdict
from pathlib import Path

from gankata.curriculum import load_curriculum
from gankata.impl import find_root
from gankata.integrity import CATALOGUE
from gankata.tomlfile import read_toml

START = "<!-- mistakes:start -->"
END = "<!-- mistakes:end -->"
PLANS = {"en": "docs/workshop.md", "ko": "docs/workshop.ko.md"}
# The catalogue's English description is `mistake`; each other language has its own key.
DESCRIPTION = {"en": "mistake", "ko": "ko"}
COUNT = {"en": "{n} mistakes the tests catch", "ko": "테스트가 잡아내는 실수 {n}가지"}


def mistakes_section(language: str) -> str:
    """Markdown: one folded list per kata, in curriculum order, in ``language``."""
    by_kata: dict[str, list[str]] = defaultdict(list)
    for entry in read_toml(CATALOGUE)["mistake"]:
        by_kata[entry["kata"]].append(entry[DESCRIPTION[language]])
    blocks = []
    for kata in load_curriculum(language=language):
        found = by_kata[kata.name]
        count = COUNT[language].format(n=len(found))
        bullets = "\n".join(f"- {text}" for text in found)
        blocks.append(
            f"<details><summary><b>{kata.number}. <code>{kata.name}</code></b>: {kata.title} "
            f"({count})</summary>\n\n{bullets}\n\n</details>"
        )
    return "\n\n".join(blocks)


def regenerate(text: str, language: str) -> str:
    """``text`` with the part between the markers replaced by the current lists."""
    pattern = re.compile(f"{re.escape(START)}\n.*?{re.escape(END)}", re.S)
    if not pattern.search(text):
        raise ValueError(f"the workshop plan needs the markers {START} and {END}")
    fresh = f"{START}\n{mistakes_section(language)}\n{END}"
    return pattern.sub(lambda _: fresh, text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, help="the gan-katas checkout (default: found)")
    parser.add_argument("--check", action="store_true", help="only check that they are current")
    args = parser.parse_args(argv)
    root = find_root(args.root)
    stale = []
    for language, relative in PLANS.items():
        path = root / relative
        text = path.read_text(encoding="utf-8")
        fresh = regenerate(text, language)
        if fresh != text:
            stale.append(relative)
            if not args.check:
                path.write_text(fresh, encoding="utf-8")
    if args.check and stale:
        print(f"out of date: {', '.join(stale)}; run `python -m gankata.workshop`")
        return 1
    print("rewrote " + ", ".join(stale) if stale else "the workshop plans are current")
    return 0


if __name__ == "__main__":
    sys.exit(main())
