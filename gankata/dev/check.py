"""`gankata dev check`: does the course agree with the files, in every language?

Each check returns problems, one sentence each that says what is wrong and how to fix it;
none means the check passed. The harness tests call the same functions, so the command and
CI cannot disagree.
"""

from __future__ import annotations

import string
from pathlib import Path

from gankata.course.cards import CARDS, PICTURES, TEXTS, card_path, read_card
from gankata.course.curriculum import COURSE, TODO_MARK, course_order, load_curriculum
from gankata.course.lessons import LESSONS, lesson_path
from gankata.course.lessons import lesson_problems as check_lesson
from gankata.course.tomlfile import read_toml
from gankata.course.words import DEFAULT, LANGUAGES, WORDS
from gankata.dev import numbering
from gankata.dev.sync import sync

# A scaffolded text that nobody has written yet (gankata dev new writes these).
PLACEHOLDER = "TODO"
HINTS = range(1, 4)


def layout_problems(root: Path, course: Path = COURSE, cards: Path = CARDS) -> list[str]:
    """Every kata of the course has its files, and no such file belongs to none."""
    order = course_order(course)
    problems = [
        f"{name} appears {order.count(name)} times in {course.name}: keep one line per kata"
        for name in sorted(set(order))
        if order.count(name) > 1
    ]
    problems += [
        f"{name} in {course.name} is not a Python name: name katas like one_hot_dataset"
        for name in order
        if not name.isidentifier() or name != name.lower()
    ]
    for name in order:
        files = [f"katas/{name}.py", f"solutions/{name}.py", f"tests/test_{name}.py"]
        problems += [
            f"{path} is missing: every kata in {course.name} needs it "
            f"(`gankata dev new NAME --after OTHER` writes a kata's five files)"
            for path in files
            if not (root / path).is_file()
        ]
        if not card_path(name, cards).is_file():
            problems.append(f"{card_path(name, cards)} is missing: every kata needs a card")
    found = {
        "katas": {p.stem for p in (root / "katas").glob("*.py")},
        "solutions": {p.stem for p in (root / "solutions").glob("*.py")},
        "tests": {p.stem.removeprefix("test_") for p in (root / "tests").glob("test_*.py")},
        "cards": {p.stem for p in cards.glob("*.toml")},
    }
    for folder, names in found.items():
        problems += [
            f"{folder}/{name} belongs to no kata of {course.name}: add the kata's line there "
            "(or move a test of gankata itself to tests/harness/)"
            for name in sorted(names - set(order))
        ]
    return problems


def _texts(card: dict) -> list[tuple[str, dict]]:
    """Every text of a card that a learner or an instructor reads, with where it is."""
    texts = [(table, card.get(table, {})) for table in TEXTS]
    texts += [(f"hint {n}", hint) for n, hint in enumerate(card.get("hint", []), start=1)]
    if "picture" in card:
        texts.append(("picture", card["picture"]))
    texts += [(f"mistake {n}", m) for n, m in enumerate(card.get("mistake", []), start=1)]
    return texts


def card_problems(
    cards: Path = CARDS, pictures: Path = PICTURES, course: Path = COURSE
) -> list[str]:
    """Every card has every text in every language, written, with 1-3 hints and its picture."""
    problems = []
    for name in course_order(course):
        if not card_path(name, cards).is_file():
            continue  # layout_problems says so
        card = read_card(name, cards)
        where = f"cards/{name}.toml"
        for place, text in _texts(card):
            for language in LANGUAGES:
                words = text.get(language, "") if isinstance(text, dict) else ""
                if not words.strip():
                    problems.append(f"{where}: {place} has no {language} text; write it")
                elif words.startswith(PLACEHOLDER):
                    problems.append(f"{where}: {place} ({language}) is still a {PLACEHOLDER}")
        problems += hint_problems(root_of(cards), name, card, where)
        for n, mistake in enumerate(card.get("mistake", []), start=1):
            lacking = {"find", "replace", "mentions"} - set(mistake)
            if lacking:
                problems.append(f"{where}: mistake {n} lacks {sorted(lacking)}")
        if read_card(name, cards, with_mistakes=False) != {
            key: value for key, value in card.items() if key != "mistake"
        }:
            problems.append(f"{where}: put the [[mistake]] tables last, after every other table")
        has_file = (pictures / f"{name}.py").is_file()
        if ("picture" in card) != has_file:
            problems.append(
                f"{where} has a [picture] but pictures/{name}.py is missing"
                if not has_file
                else f"pictures/{name}.py has no [picture] caption in {where}"
            )
    orphans = {p.stem for p in pictures.glob("*.py")} - set(course_order(course))
    problems += [f"pictures/{name}.py belongs to no kata of the course" for name in sorted(orphans)]
    return problems


def root_of(cards: Path) -> Path:
    """The checkout that holds ``cards`` (gankata/course/cards)."""
    return cards.resolve().parents[2]


def hint_problems(root: Path, name: str, card: dict, where: str) -> list[str]:
    """Each hint names the tasks it helps with; every task has one to three hints."""
    tests = root / "tests" / f"test_{name}.py"
    if not tests.is_file():
        return []  # layout_problems says so
    tasks = {int(m) for _, m in numbering.TASK_BANNER.findall(tests.read_text("utf-8"))}
    problems = []
    named: dict[int, int] = dict.fromkeys(sorted(tasks), 0)
    for number, hint in enumerate(card.get("hint", []), start=1):
        given = hint.get("tasks")
        if not given or not all(isinstance(task, int) for task in given):
            problems.append(
                f"{where}: hint {number} needs tasks = [M, ...], the task numbers M of the "
                f"tests' '# ## Task N.M' banners (not {given!r}), so that it is shown beside "
                "those tasks' failures"
            )
            continue
        for task in given:
            if task not in tasks:
                problems.append(
                    f"{where}: hint {number} names task {task}, which tests/test_{name}.py has "
                    f"no banner for (its tasks: {', '.join(map(str, sorted(tasks)))})"
                )
            else:
                named[task] += 1
    for task, count in named.items():
        if count not in HINTS:
            problems.append(
                f"{where}: task {task} has {count} hints; give it 1 to 3 (a hint's "
                "tasks = [...] says which tasks it is for)"
            )
    return problems


def lesson_problems(root: Path, lessons: Path = LESSONS) -> list[str]:
    """Every kata has its lesson in every language, in the same sections, with the same code."""
    problems = []
    for name in course_order():
        if not (root / "katas" / f"{name}.py").is_file():
            continue  # layout_problems says so
        for language in LANGUAGES:
            if language == DEFAULT:
                continue
            found = check_lesson(root, name, language, lessons)
            path = lesson_path(name, language, lessons)
            if path.is_file() and PLACEHOLDER + ":" in path.read_text(encoding="utf-8"):
                found.append(f"{path.name} is still a {PLACEHOLDER}: write the lesson")
            problems += [f"lessons/{language}/{name}.txt: {p}" for p in found]
    return problems


def placeholders(text: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(text) if field}


def words_problems(words: Path = WORDS) -> list[str]:
    """Every runner message exists in every language, with the same {placeholders}."""
    problems = []
    for key, text in read_toml(words).items():
        for language in LANGUAGES:
            if not str(text.get(language, "")).strip():
                problems.append(f"words.toml: [{key}] has no {language} text; write it")
            elif placeholders(text[language]) != placeholders(text["en"]):
                problems.append(
                    f"words.toml: [{key}] {language} uses {sorted(placeholders(text[language]))}"
                    f", the English {sorted(placeholders(text['en']))}: use the same names"
                )
    return problems


def numbering_problems(root: Path) -> list[str]:
    """Each kata's files show its place in the course, and its stub's tasks match its tests'."""
    problems = []
    for kata in load_curriculum():
        texts = {}
        for kind, path in numbering.own_files(kata):
            if not (root / path).is_file():
                continue  # layout_problems says so
            texts[kind] = text = (root / path).read_text(encoding="utf-8")
            if numbering.lacks_first_line(text, kind):
                shape = numbering.FIRST_LINE[kind].pattern.lstrip("\\A").replace("(\\d+)", "N")
                problems.append(f"{path} must open with {shape!r}")
            problems += [
                f"{path}, line {w.line}, shows kata {w.found} in {w.text!r}; kata {kata.name} is "
                f"number {kata.number} in course.toml: run `gankata dev sync`"
                for w in numbering.wrong_numbers(text, kind, kata.number)
            ]
        if "stub" in texts and TODO_MARK not in texts["stub"]:
            problems.append(f"{kata.stub} has no {TODO_MARK!r}: a stub marks every body to write")
        if {"stub", "tests"} <= set(texts):
            marked = numbering.tasks(texts["stub"], numbering.TASK_MARK)
            banners = numbering.tasks(texts["tests"], numbering.TASK_BANNER)
            if marked != banners:
                problems.append(
                    f"{kata.stub} marks tasks {sorted(marked)} but {kata.tests} has banners "
                    f"'# ## Task {kata.number}.M' for {sorted(banners)}: give each task both"
                )
            if banners and banners != set(range(1, max(banners) + 1)):
                problems.append(f"{kata.tests}: tasks {sorted(banners)} should count 1, 2, 3, ...")
    return problems


def generated_problems(root: Path) -> list[str]:
    return [f"{path} is out of date: run `gankata dev sync`" for path in sync(root, check=True)]


def course_problems(root: Path) -> list[str]:
    """Everything `gankata dev check` checks but the integrity of the tests."""
    problems = layout_problems(root) + card_problems() + words_problems() + lesson_problems(root)
    # Numbers and generated files can only be judged once every kata has its files.
    return problems or numbering_problems(root) + generated_problems(root)
