"""`gankata dev new NAME --after OTHER`: a new kata's five files, and the course renumbered.

It writes ``katas/NAME.py`` (a stub with one task), ``solutions/NAME.py`` (still to write),
``tests/test_NAME.py`` (one test), ``gankata/course/cards/NAME.toml`` (every text a
``TODO``) and ``gankata/course/lessons/ko/NAME.txt`` (the Korean lesson, to write), adds
NAME's line to ``course.toml`` after OTHER, renumbers every mention of the katas that move
down (``kata 7`` becomes ``kata 8`` wherever the course talks about it), then runs
`gankata dev sync`. What is left is marked ``TODO``; `gankata dev check` lists it until
it is written. It never overwrites a file.
"""

from __future__ import annotations

import re
from pathlib import Path

from gankata.course.cards import CARDS
from gankata.course.curriculum import COURSE, course_order
from gankata.course.lessons import LESSONS
from gankata.dev import numbering
from gankata.dev.sync import sync

STUB = '''"""Kata {number} · TODO: what the learner learns, in a few words.
한국어 수업: ``gankata lesson {name} --lang ko``

Sources: TODO: the book's chapter (Make Your First GAN With PyTorch, ch. N) or study notes.

TODO: the lesson: the concept, where it comes from, what to implement, the classic mistake.

What to implement (search for "Kata {number}." to find every TODO):

    {number}.1  answer()    TODO: what it returns

Try it: TODO: a line or two the learner can run once the kata passes.

The classic mistakes: TODO: what learners get wrong, each caught by a test.
"""

from __future__ import annotations


def answer() -> int:
    """TODO: what it returns, and why."""
    # TODO: Implement for Kata {number}.1.
    raise NotImplementedError("Need to implement for Kata {number}.1: answer")
'''

LESSON_KO = """카타 {number} · TODO: 무엇을 배우는지 몇 단어로

출처: TODO: 책의 장(Make Your First GAN With PyTorch N장) 또는 학습 노트.

TODO: 수업: 개념, 그 출처, 구현할 것, 흔한 실수.

구현할 것 ("Kata {number}."을 검색하면 모든 TODO를 찾을 수 있습니다):

    {number}.1  answer()    TODO: 무엇을 반환하는지

해 보기: TODO: 카타를 통과한 뒤 실행해 볼 코드 한두 줄.

흔한 실수: TODO: 학습자가 자주 틀리는 것, 각각을 잡아내는 테스트와 함께.
"""

SOLUTION = '''"""Reference answer to kata {number} (katas/{name}.py holds the lesson)."""

from __future__ import annotations


def answer() -> int:
    """TODO: what it returns, and why."""
    raise NotImplementedError("TODO: the reference answer, which passes every test")
'''

TESTS = '''"""Kata {number} · TODO: what the learner learns (katas/{name}.py)."""

from __future__ import annotations

from gankata.testkit.assertions import call
from gankata.testkit.messages import msg

# ## Task {number}.1: answer


def test_answer_is_right(kata):
    got = call(kata.answer, why=msg("answer() failed.", "answer()가 실패했습니다."))
    assert got == 42, msg(
        "answer() returned {{got!r}}; expected 42. TODO: say what the likely mistake is.",
        "answer()가 {{got!r}}을(를) 반환했습니다. 42여야 합니다. TODO: 흔한 실수를 말하세요.",
        got=got,
    )
'''

CARD = """# Kata `{name}`: everything the course knows about it but its stub, solution and tests.
# Each text has its English (en) and Korean (ko) side by side; gankata/course/cards.py
# says what each table is for.

[title]
en = "TODO: what the learner learns, in a few words"
ko = "TODO: 무엇을 배우는지 몇 단어로"

[source]
en = "TODO: the book's chapter (Make Your First GAN With PyTorch, ch. N) or the study notes"
ko = "TODO: 책의 장(Make Your First GAN With PyTorch N장) 또는 학습 노트"

[summary]
en = "TODO: the lesson in one paragraph: what to implement and the classic mistake"
ko = "TODO: 한 문단으로 된 강의: 무엇을 구현하고 흔한 실수는 무엇인지"

[[hint]]
tasks = [1]
en = "TODO: a nudge, never the answer"
ko = "TODO: 답이 아닌 실마리"

# Catalogue each learner mistake the tests must catch and name (the integrity check runs it):
# [[mistake]]
# en = "what the learner did"
# ko = "..."
# find = "an exact line of solutions/{name}.py"
# replace = "the line as the learner wrote it"
# mentions = ["words the failing test's message must contain"]
# mentions_ko = ["the Korean message's own words, where mentions are English prose"]
"""


class NewKataError(ValueError):
    """The kata cannot be added as asked; the message says why and what to do."""


# The maintainer's room: its docstrings' example numbers ("Kata 4 ·") are not katas.
DEV = Path(__file__).resolve().parent


def _renumbered_files(root: Path) -> list[Path]:
    """Every text file that may mention a kata by number (this room's examples stay put)."""
    folders = {
        "katas": "*.py",
        "solutions": "*.py",
        "tests": "**/*.py",
        "gankata": "**/*",
        "docs": "*.md",
    }
    files = [root / "README.md"]
    for folder, pattern in folders.items():
        files += [
            p
            for p in (root / folder).glob(pattern)
            if p.is_file()
            and p.suffix in {".py", ".toml", ".md"}
            and DEV not in p.resolve().parents
        ]
    return sorted(files)


def insert_line(course_text: str, name: str, after: str) -> str:
    """``course.toml``'s text with ``name``'s line right after ``after``'s."""
    line = re.compile(rf'^(?P<indent>\s*)"{re.escape(after)}",[^\n]*\n', re.M)
    found = line.search(course_text)
    if found is None:
        raise NewKataError(f'course.toml has no line "{after}", to insert {name} after')
    new = f'{found.group("indent")}"{name}",\n'
    return course_text[: found.end()] + new + course_text[found.end() :]


def new_kata(
    root: Path,
    name: str,
    after: str,
    course: Path = COURSE,
    cards: Path = CARDS,
    lessons: Path = LESSONS,
) -> list[Path]:
    """Add kata ``name`` after ``after``; the files written or changed, new ones first."""
    order = course_order(course)
    if not name.isidentifier() or name != name.lower():
        raise NewKataError(f"{name!r} is not a kata name: use lower_case_with_underscores")
    if name in order:
        raise NewKataError(f"{name} is already kata {order.index(name) + 1}")
    if after not in order:
        raise NewKataError(f"--after {after}: no such kata; the course is {', '.join(order)}")
    number = order.index(after) + 2
    files = {
        root / "katas" / f"{name}.py": STUB,
        root / "solutions" / f"{name}.py": SOLUTION,
        root / "tests" / f"test_{name}.py": TESTS,
        cards / f"{name}.toml": CARD,
        lessons / "ko" / f"{name}.txt": LESSON_KO,
    }
    there = [str(path) for path in files if path.exists()]
    if there:
        raise NewKataError(f"{', '.join(there)} already exist: move them away or pick a name")

    moved = {old: old + 1 for old in range(number, len(order) + 1)}
    changed = []
    for path in _renumbered_files(root):
        text = path.read_text(encoding="utf-8")
        fresh = numbering.renumber_mentions(text, moved)
        if fresh != text:
            path.write_text(fresh, encoding="utf-8")
            changed.append(path)
    course.write_text(insert_line(course.read_text(encoding="utf-8"), name, after), "utf-8")
    for path, template in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(template.format(number=number, name=name), encoding="utf-8")
    synced = [root / relative for relative in sync(root)]
    return [*files, course, *sorted(set(changed) | set(synced))]
