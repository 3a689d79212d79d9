"""The mistakes catalogue stays applicable, and the integrity check judges correctly."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from gankata.course.cards import Mistake
from gankata.course.curriculum import find_kata, load_curriculum
from gankata.dev.integrity import apply_mistake, check_kata, names_it
from gankata.runner.testrun import CaseResult

ROOT = Path(__file__).resolve().parents[2]
MISTAKES = [m for kata in load_curriculum() for m in kata.mistakes]


@pytest.mark.parametrize("mistake", MISTAKES, ids=lambda m: f"{m.kata}: {m.mistake}")
def test_every_catalogued_mistake_still_applies_to_its_solution(mistake):
    assert mistake.kata in {k.name for k in load_curriculum()}, f"{mistake.kata} is no kata"
    solution = (ROOT / "solutions" / f"{mistake.kata}.py").read_text(encoding="utf-8")
    assert apply_mistake(solution, mistake) != solution
    assert mistake.mentions, f"{mistake.mistake!r} must list the words its failure names"


def test_every_kata_has_at_least_four_catalogued_mistakes():
    counts = {k.name: 0 for k in load_curriculum()}
    for mistake in MISTAKES:
        counts[mistake.kata] += 1
    assert all(n >= 4 for n in counts.values()), f"mistakes per kata: {counts}"


@pytest.mark.parametrize("source", ["x = 1\n", "x = 2\nx = 2\n"], ids=["absent", "twice"])
def test_an_edit_that_does_not_apply_exactly_once_is_an_error(source):
    mistake = Mistake("k", {"en": "sets x to 3"}, "x = 2", "x = 3", ("x",))
    with pytest.raises(ValueError, match="exactly once"):
        apply_mistake(source, mistake)


def _mistake(mentions: tuple[str, ...], mentions_ko: tuple[str, ...] | None = None) -> Mistake:
    return Mistake("k", {"en": "forgets / 255"}, "a", "b", mentions, mentions_ko)


def test_a_mistake_counts_as_named_only_by_a_failure_that_mentions_every_word():
    korean = {"en": "Did you forget / 255? Row 3.", "ko": "/ 255를 잊었나요? 3행."}
    failure = CaseResult("k", "t", "failed", korean["en"], "", "m", messages=korean)
    assert names_it(failure, _mistake(("/ 255",)))
    assert not names_it(failure, _mistake(("/ 255", "column")))
    passing = CaseResult("k", "t", "passed", "", "", "m")
    assert not names_it(passing, _mistake(()))


def test_a_mistake_must_be_named_in_korean_too():
    english_only = {"en": "Did you forget / 255? Row 3.", "ko": "Did you forget / 255? Row 3."}
    failure = CaseResult("k", "t", "failed", english_only["en"], "", "m", messages=english_only)
    assert names_it(failure, _mistake(("row",)))
    assert not names_it(failure, _mistake(("row",), ("행",))), (
        "a Korean message that lacks the Korean mentions does not name the mistake in Korean"
    )
    korean = {**english_only, "ko": "/ 255를 잊었나요? 3행."}
    translated = CaseResult("k", "t", "failed", korean["en"], "", "m", messages=korean)
    assert names_it(translated, _mistake(("row",), ("행",)))
    assert not names_it(translated, _mistake(("row",))), "'row' is not in the Korean message"


def test_the_check_fails_a_solved_stub_and_an_uncaught_mistake(checkout):
    kata = find_kata("one_hot_dataset", load_curriculum())
    shutil.copy(checkout / kata.solution, checkout / kata.stub)
    harmless = Mistake(
        kata.name, {"en": "renames a local"}, "pixels = torch", "px = pixels = torch", ("x",)
    )
    verdicts = {v.check: v for v in check_kata(checkout, kata, [harmless])}
    assert not verdicts["every test fails on the stub"].ok
    assert verdicts["every test passes on the solution"].ok
    assert not verdicts["renames a local"].ok
    assert "not caught" in verdicts["renames a local"].detail
