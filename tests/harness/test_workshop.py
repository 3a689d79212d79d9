"""The workshop plan, in both languages, follows the curriculum and the mistakes catalogue."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from gankata.curriculum import load_curriculum
from gankata.workshop import PLANS, mistakes_section, regenerate

ROOT = Path(__file__).resolve().parents[2]
NAMES = [k.name for k in load_curriculum()]


@pytest.mark.parametrize("language", sorted(PLANS))
def test_the_mistakes_in_the_plan_are_the_catalogues(language):
    plan = (ROOT / PLANS[language]).read_text(encoding="utf-8")
    assert regenerate(plan, language) == plan, (
        f"{PLANS[language]}'s list of mistakes differs from gankata/mistakes.toml (or the "
        "curriculum): regenerate it with `python -m gankata.workshop`"
    )


@pytest.mark.parametrize("language", sorted(PLANS))
def test_the_plan_takes_every_kata_in_curriculum_order(language):
    plan = (ROOT / PLANS[language]).read_text(encoding="utf-8")
    sessions = plan.split("<!-- mistakes:start -->")[0]
    rows = re.findall(r"^\| (\d+) \| `(\w+)` \|", sessions, re.M)
    assert [name for _, name in rows] == NAMES, (
        f"{PLANS[language]} should schedule every kata once, in curriculum order; it has "
        f"{[name for _, name in rows]}"
    )
    numbers = [int(number) for number, _ in rows]
    assert numbers == list(range(1, len(NAMES) + 1)), (
        f"{PLANS[language]} should number the katas 1 to {len(NAMES)} in order; it has {numbers}"
    )


def test_every_mistake_has_its_korean_words():
    section = mistakes_section("ko")
    assert section.count("<details>") == len(NAMES)
    for line in section.splitlines():
        if line.startswith("- "):
            assert re.search("[\uac00-\ud7a3]", line), f"not Korean: {line!r}"


def test_the_readme_links_both_plans():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for plan in PLANS.values():
        assert f"]({plan})" in readme, f"README.md should link {plan}"
