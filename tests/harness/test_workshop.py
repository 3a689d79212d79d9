"""The workshop plans, in both languages, take every kata in course order with its mistakes.

That they are current is `gankata dev check`'s (nox -s tests runs it).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from gankata.course.curriculum import load_curriculum
from gankata.dev.sync import PLANS, mistakes_section

ROOT = Path(__file__).resolve().parents[2]
NAMES = [k.name for k in load_curriculum()]


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
