"""Every kata's lesson in Korean: there, in the same sections, with the same code, and shown.

The English lesson is the stub's docstring; the Korean one is
``gankata/course/lessons/ko/<kata>.txt`` (gankata.course.lessons says the form).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from gankata.course.curriculum import course_order, load_curriculum
from gankata.course.lessons import (
    differences,
    docstring_of,
    lesson_path,
    lesson_problems,
    parse,
    to_markdown,
)
from gankata.course.words import use_language
from gankata.runner import commands, screen

ROOT = Path(__file__).resolve().parents[2]
KATAS = course_order()

ENGLISH = """Kata 3 · detach(): a title.

Sources: the book, ch. 6.

The lesson uses ``G(z).detach()`` here.

What to implement (search for "Kata 3." to find every TODO):

    3.1  fake_loss(D, G, z)    D's loss on fakes

Try it::

    loss = fake_loss(D, G, z)  # a number

The classic mistakes: forgetting ``.detach()``.
"""
KOREAN = """카타 3 · detach(): 제목.

출처: 책 6장.

수업에서는 여기서 ``G(z).detach()``를 씁니다.

구현할 것 ("Kata 3."을 검색하세요):

    3.1  fake_loss(D, G, z)    가짜에 대한 판별기의 손실

해 보기::

    loss = fake_loss(D, G, z)  # 숫자 하나

흔한 실수: ``.detach()``를 잊음.
"""


@pytest.fixture(autouse=True)
def english_afterwards():
    yield
    use_language("en")


@pytest.mark.parametrize("kata", KATAS)
def test_every_kata_has_its_korean_lesson_with_the_english_sections_and_code(kata):
    problems = lesson_problems(ROOT, kata, "ko")
    assert not problems, f"{kata}'s Korean lesson:\n" + "\n".join(problems)


def test_two_faithful_lessons_agree():
    english, korean = parse(ENGLISH, "en"), parse(KOREAN, "ko")
    assert not english.problems and not korean.problems, (english.problems, korean.problems)
    assert differences(english, korean) == []


@pytest.mark.parametrize(
    ("edit", "found"),
    [
        (("loss = fake_loss(D, G, z)", "loss = fake_loss(G, D, z)"), "block 1 differs"),
        (("3.1  fake_loss(D, G, z)", "3.1  fake_loss2(D, G, z)"), "block 1 differs"),
        (("``G(z).detach()``를", "G(z).detach()를"), "inline code only in en"),
        (("흔한 실수:", "실수:"), "is missing"),
        (("출처: 책 6장.\n\n", "출처: 책 6장.\n\n문단 하나 더.\n\n"), "translate paragraph"),
        (("카타 3 ·", "카타 4 ·"), "the titles give kata 3 and 4"),
    ],
)
def test_a_korean_lesson_that_drifted_from_the_english_is_found(edit, found):
    korean = parse(KOREAN.replace(*edit), "ko")
    assert KOREAN.replace(*edit) != KOREAN, f"the edit {edit} did not apply"
    said = korean.problems + differences(parse(ENGLISH, "en"), korean)
    assert any(found in problem for problem in said), f"expected {found!r} among {said}"


def test_a_kata_without_its_korean_lesson_is_named(tmp_path):
    problems = lesson_problems(ROOT, KATAS[0], "ko", lessons=tmp_path)
    assert any("is missing" in p and KATAS[0] in p for p in problems), problems


def test_a_lesson_reads_as_markdown_with_headings_and_fenced_code():
    markdown = to_markdown(KOREAN, "ko")
    assert markdown.startswith("# 카타 3 · detach(): 제목."), markdown
    for heading in ("## 출처", "## 구현할 것", "## 해 보기", "## 흔한 실수"):
        assert f"\n{heading}\n" in markdown, f"{heading!r} missing:\n{markdown}"
    assert "```python\nloss = fake_loss(D, G, z)  # 숫자 하나\n```" in markdown, markdown


@pytest.fixture
def gankata(monkeypatch, capsys):
    monkeypatch.setattr(screen.console, "width", 120)

    def run(*args: str) -> tuple[int, str]:
        code = commands.main(["--root", str(ROOT), *args])
        return code, capsys.readouterr().out

    return run


@pytest.mark.parametrize("language", ["en", "ko"])
def test_gankata_lesson_shows_the_whole_lesson_in_the_learners_language(gankata, language):
    kata = load_curriculum(language=language)[2]
    code, out = gankata("--lang", language, "lesson", kata.name)
    assert code == 0, out
    if language == "ko":
        text = lesson_path(kata.name, "ko").read_text(encoding="utf-8")
    else:
        text = docstring_of((ROOT / kata.stub).read_text(encoding="utf-8"))
    last = parse(text, language).sections["mistakes"].paragraphs[-1].split()[-3:]
    flat = " ".join(out.split())
    assert text.splitlines()[0].split("·")[1].split()[0] in flat, f"the title:\n{out[:500]}"
    assert " ".join(last).strip("`") in flat.replace("`", ""), f"...to its last words:\n{out}"


def test_every_stub_says_on_its_second_line_how_to_read_the_lesson_in_korean():
    for kata in KATAS:
        second = (ROOT / "katas" / f"{kata}.py").read_text(encoding="utf-8").splitlines()[1]
        assert second == f"한국어 수업: ``gankata lesson {kata} --lang ko``", (
            f"katas/{kata}.py's second line is {second!r}: `gankata dev sync` writes the pointer"
        )


def test_a_korean_workbook_opens_with_the_korean_lesson_and_keeps_the_stubs_code():
    from gankata.runner.workbook import build_workbook

    kata = load_curriculum(language="ko")[2]
    use_language("ko")
    notebook = build_workbook(ROOT, kata, "ko")
    cells = {cell["id"]: cell["source"] for cell in notebook.cells}
    korean = lesson_path(kata.name, "ko").read_text(encoding="utf-8")
    assert cells["lesson"].startswith(f"# {korean.splitlines()[0]}"), cells["lesson"][:200]
    assert "## 구현할 것" in cells["lesson"], "the whole lesson, not only the summary"
    code = cells["kata"].split("\n", 1)[1]
    stub = (ROOT / kata.stub).read_text(encoding="utf-8")
    assert ast.get_docstring(ast.parse(code)).startswith(korean.splitlines()[0]), code[:300]
    body = stub.split('"""\n', 1)[1]
    assert code.endswith(body), "below its docstring the cell holds the stub exactly"
