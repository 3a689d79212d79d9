"""The course order, the cards, the katas on disk and the README agree; stubs and solutions
share an API."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest

from gankata.course.curriculum import find_kata, load_curriculum
from gankata.dev import check, numbering
from gankata.dev.sync import kata_table
from gankata.testkit.loader import load_impl

ROOT = Path(__file__).resolve().parents[2]
CURRICULUM = load_curriculum()
NAMES = [k.name for k in CURRICULUM]


def test_every_kata_of_the_course_has_its_four_files_and_nothing_else_is_there():
    problems = check.layout_problems(ROOT)
    assert not problems, "course.toml and the files disagree:\n" + "\n".join(problems)


def test_every_card_has_every_text_in_every_language_and_its_picture():
    problems = check.card_problems()
    assert not problems, "the cards are incomplete:\n" + "\n".join(problems)


def test_every_kata_shows_its_own_number_from_the_course_order():
    problems = check.numbering_problems(ROOT)
    assert not problems, "numbers that disagree with course.toml:\n" + "\n".join(problems)


def test_a_kata_out_of_place_is_named_with_the_line_and_the_fix():
    stub = (ROOT / "katas" / "step_order.py").read_text(encoding="utf-8")
    moved = numbering.renumber_mentions(stub, {4: 5})
    wrong = numbering.wrong_numbers(moved, "stub", 4)
    assert wrong and {w.found for w in wrong} == {5}, f"kata 4 renumbered to 5 gives {wrong}"
    assert numbering.renumber_own(moved, "stub", 4) == stub, "sync must put the number back"


def test_find_kata_by_name_or_number_and_a_clear_error_otherwise():
    assert find_kata("1", CURRICULUM) is CURRICULUM[0]
    assert find_kata(CURRICULUM[0].name, CURRICULUM) is CURRICULUM[0]
    with pytest.raises(KeyError, match=CURRICULUM[0].name):
        find_kata("no_such_kata", CURRICULUM)


def test_readme_lists_the_katas_of_the_course():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    found = re.search(r"<!-- katas:start -->\n(.*?)\n<!-- katas:end -->", readme, re.S)
    assert found, "README.md needs the kata table between <!-- katas:start/end --> markers."
    assert found.group(1).strip() == kata_table(CURRICULUM), (
        "README.md's kata table differs from the course's cards; run `gankata dev sync`."
    )


def test_no_lesson_or_generated_file_cites_a_seed_file_by_its_hashed_name():
    hashed = re.compile(r"\b0\d\d_[0-9a-f]{16}\.txt")
    files = [ROOT / "README.md", *ROOT.glob("docs/*.md"), *ROOT.glob("katas/*.py")]
    files += [*ROOT.glob("solutions/*.py"), *ROOT.glob("tests/test_*.py")]
    files += [*ROOT.glob("gankata/**/*.py"), *ROOT.glob("gankata/**/*.toml")]
    cited = [str(p.relative_to(ROOT)) for p in files if hashed.search(p.read_text("utf-8"))]
    assert not cited, (
        f"{cited} cite the seed notes by hashed file names, which learners do not have: name "
        "the book's chapter or the study notes' topic instead"
    )


def _public_api(module) -> dict[str, str]:
    """Every public name the module defines, with its signature (methods included)."""
    api = {}
    for name, value in vars(module).items():
        if name.startswith("_") or getattr(value, "__module__", None) != module.__name__:
            continue
        if inspect.isclass(value):
            api[name] = "class"
            for attr, member in vars(value).items():
                if inspect.isfunction(member) and (
                    attr == "__init__"
                    or not attr.startswith("_")
                    or attr in ("__len__", "__getitem__")
                ):
                    api[f"{name}.{attr}"] = str(inspect.signature(member))
        elif inspect.isfunction(value):
            api[name] = str(inspect.signature(value))
    return api


@pytest.mark.parametrize("name", NAMES)
def test_stub_and_solution_define_the_same_public_api(name):
    stub = _public_api(load_impl(name, "katas", ROOT))
    solution = _public_api(load_impl(name, "solutions", ROOT))
    assert stub == solution, (
        f"katas/{name}.py and solutions/{name}.py must define the same public names and "
        f"signatures, so that tests fail on behaviour, not on import.\nstub: {stub}\n"
        f"solution: {solution}"
    )


@pytest.mark.parametrize("name", NAMES)
def test_every_stub_body_points_to_its_task(name):
    text = (ROOT / "katas" / f"{name}.py").read_text(encoding="utf-8")
    todos = re.findall(r"# TODO: Implement for Kata (\d+\.\d+)\.", text)
    raises = re.findall(r'NotImplementedError\("Need to implement for Kata (\d+\.\d+)', text)
    assert todos and todos == raises, (
        f"katas/{name}.py: every body must read '# TODO: Implement for Kata N.M.' followed by "
        f'raise NotImplementedError("Need to implement for Kata N.M: ..."); found TODOs '
        f"{todos} and raises {raises}."
    )
