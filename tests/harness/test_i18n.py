"""Two languages, one source: every word the runner says exists in English and Korean."""

from __future__ import annotations

import re

import pytest

from gankata.course.cards import TEXTS, read_card
from gankata.course.curriculum import load_curriculum
from gankata.course.tomlfile import read_toml
from gankata.course.words import LANGUAGES, WORDS, choose_language, t, use_language
from gankata.dev import check
from gankata.runner import commands, screen

ENGLISH = load_curriculum()
HANGUL = re.compile("[\uac00-\ud7a3]")


@pytest.fixture(autouse=True)
def english_afterwards():
    yield
    use_language("en")


@pytest.mark.parametrize(
    ("flag", "environ", "expected"),
    [
        (None, {}, "en"),
        (None, {"LANG": "ko_KR.UTF-8"}, "ko"),
        (None, {"LANG": "C.UTF-8"}, "en"),
        (None, {"LANG": "ko_KR.UTF-8", "LC_MESSAGES": "en_US.UTF-8"}, "en"),
        (None, {"LANG": "en_US.UTF-8", "LC_ALL": "ko_KR.UTF-8"}, "ko"),
        (None, {"LANG": "ko_KR.UTF-8", "GANKATA_LANG": "en"}, "en"),
        ("ko", {"GANKATA_LANG": "en"}, "ko"),
        ("en", {"LANG": "ko_KR.UTF-8"}, "en"),
    ],
)
def test_the_flag_wins_then_gankata_lang_then_the_locale_then_english(flag, environ, expected):
    chosen = choose_language(flag, environ)
    assert chosen == expected, (
        f"--lang {flag} with {environ} should choose {expected!r}, not {chosen!r}: the order is "
        "--lang, GANKATA_LANG, LC_ALL, LC_MESSAGES, LANG, English"
    )


@pytest.mark.parametrize(("flag", "environ"), [("fr", {}), (None, {"GANKATA_LANG": "kr"})])
def test_a_language_gankata_does_not_speak_is_a_clear_error(flag, environ):
    with pytest.raises(ValueError, match="en, ko"):
        choose_language(flag, environ)


def test_every_message_exists_in_every_language_with_the_same_placeholders():
    problems = check.words_problems()
    assert not problems, "words.toml is incomplete:\n" + "\n".join(problems)


def test_a_missing_translation_or_placeholder_is_named(tmp_path):
    words = tmp_path / "words.toml"
    words.write_text(
        '[greet]\nen = "hello {name}"\nko = "안녕 {nmae}"\n\n[bye]\nen = "bye"\n', "utf-8"
    )
    problems = check.words_problems(words)
    assert any("[greet]" in p and "nmae" in p for p in problems), problems
    assert any("[bye] has no ko text" in p for p in problems), problems


def test_every_text_has_one_shape_a_table_of_languages():
    for kata in load_curriculum():
        card = read_card(kata.name)
        tables = [card[name] for name in TEXTS] + card["hint"] + card.get("mistake", [])
        tables += [card["picture"]] if "picture" in card else []
        for table in tables:
            assert set(LANGUAGES) <= set(table), f"{kata.name}: {table} lacks a language"
    for key, text in read_toml(WORDS).items():
        assert set(text) == set(LANGUAGES), f"words.toml [{key}] has {sorted(text)}"


def test_the_korean_curriculum_is_korean():
    for kata in load_curriculum(language="ko"):
        for text in (kata.title, kata.summary, *kata.hints):
            assert HANGUL.search(text), f"{kata.name}: {text[:60]!r} is not Korean"


@pytest.fixture
def gankata(monkeypatch, capsys):
    monkeypatch.setattr(screen.console, "width", 200)
    monkeypatch.delenv("GANKATA_LANG", raising=False)

    def run(*args: str) -> tuple[int, str]:
        code = commands.main(list(args))
        return code, capsys.readouterr().out

    return run


def test_hint_speaks_korean_with_lang_ko_and_english_without(gankata, monkeypatch):
    monkeypatch.setenv("LANG", "C.UTF-8")
    korean = load_curriculum(language="ko")[0]
    code, out = gankata("--lang", "ko", "hint", korean.name)
    assert code == 0 and korean.hints[0].split()[0] in out, f"Korean hint 1 expected:\n{out}"
    assert f"{korean.name} 힌트 1/" in out, f"the panel title should be Korean:\n{out}"
    code, out = gankata("hint", korean.name)
    assert code == 0 and ENGLISH[0].hints[0].split()[0] in out, f"English hint expected:\n{out}"
    monkeypatch.setenv("GANKATA_LANG", "ko")
    code, out = gankata("hint", korean.name, "2")
    assert korean.hints[1].split()[0] in out, f"GANKATA_LANG=ko should give Korean:\n{out}"


def test_a_korean_locale_gives_korean_and_errors_speak_it_too(gankata, monkeypatch):
    monkeypatch.setenv("LANG", "ko_KR.UTF-8")
    code, out = gankata("hint", "no_such_kata")
    assert code == 2 and "카타 목록" in out, f"a Korean error naming the katas expected:\n{out}"


def test_an_unknown_language_is_refused_before_anything_runs(gankata):
    code, out = gankata("--lang", "fr", "list")
    assert code == 2 and "en, ko" in out, f"--lang fr should name the languages:\n{out}"


def test_a_failure_in_korean_is_diagnosed_in_korean_beside_the_hint_of_its_task(checkout, gankata):
    korean = load_curriculum(language="ko")[0]
    code, out = gankata("--root", str(checkout), "--lang", "ko", "check", korean.name)
    assert code == 1, out
    assert "Kata 1.1을(를) 구현해야 합니다" in out, f"the stub's failure, in Korean:\n{out}"
    assert "Need to implement" not in out, f"no English diagnosis for a Korean learner:\n{out}"
    assert korean.summary.split()[0] in out, f"the Korean summary belongs beside it:\n{out}"
    number = korean.hint_for("1.1")
    assert number, "the card of kata 1 should have a hint for task 1.1"
    assert korean.hints[number - 1].split()[0] in out, f"and task 1.1's Korean hint:\n{out}"
    use_language("ko")
    assert t("stuck", command="gankata", kata=korean.name) in out


@pytest.mark.parametrize("language", ["en", "ko"])
def test_the_hint_beside_a_failure_is_the_one_for_the_task_that_failed(checkout, gankata, language):
    kata = load_curriculum(language=language)[0]
    solution = (checkout / "solutions" / f"{kata.name}.py").read_text(encoding="utf-8")
    # Everything solved but task 1.4, which raises as the stub does.
    broken = solution.replace(
        "return self.images[index].view(28, 28)",
        'raise NotImplementedError("Need to implement for Kata 1.4: as_image")',
    )
    assert broken != solution, "the solution's as_image changed: update this test"
    (checkout / "katas" / f"{kata.name}.py").write_text(broken, encoding="utf-8")
    code, out = gankata("--root", str(checkout), "--lang", language, "check", kata.name)
    assert code == 1, out
    number = kata.hint_for("1.4")
    assert number, "the card of kata 1 should have a hint for task 1.4"
    shown = " ".join(kata.hints[number - 1].split()[:6])
    assert shown in " ".join(out.split()), f"task 1.4 failed, so its hint:\n{out}"
    others = [h for n, h in enumerate(kata.hints, 1) if "1.4" not in kata.hint_tasks[n - 1]]
    for hint in others:
        assert " ".join(hint.split()[:6]) not in " ".join(out.split()), (
            f"a hint for other tasks was shown beside task 1.4's failure:\n{out}"
        )
