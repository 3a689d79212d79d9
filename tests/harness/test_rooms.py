"""gankata's rooms: each serves one audience, imports only the rooms below it, and has no
module that nothing uses; no module imports its way back to itself.

    course   the curriculum, the cards, the words (standard library only: no torch, no rich)
    testkit  what kata tests and the katas' own code (stubs, workbook pictures) import
    demos    gankata demo: training the katas' GANs and drawing what they learned
    runner   the learner's loop: gankata list / check / hint / watch / notebook / demo
    dev      the maintainer's tools: gankata dev check / sync / new / integrity
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "gankata"
# Each room may import itself and the rooms before it in this list.
ROOMS = {
    "course": {"course"},
    "testkit": {"course", "testkit"},
    "demos": {"course", "testkit", "demos"},
    "runner": {"course", "testkit", "demos", "runner"},
    "dev": {"course", "testkit", "demos", "runner", "dev"},
}
# Where a room is entered from outside gankata: what its audience runs or imports.
ENTRIES = {
    "gankata.runner.commands",  # gankata ...
    "gankata.runner.magic",  # %%kata, through gankata.load_ipython_extension
    "gankata.dev.commands",  # gankata dev ...
    "gankata.testkit.report",  # pytest -p gankata.testkit.report (pyproject.toml)
    "gankata.runner.setup_cell",  # a workbook's first cell: workbook.py reads it as text
}
# Third-party packages the course room must not import: it is read by every command,
# including the ones that must answer before torch could even load.
HEAVY = {"torch", "numpy", "rich", "matplotlib", "pandas", "sklearn", "h5py", "nbformat"}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {
        module_name(path): path
        for path in PACKAGE.rglob("*.py")
        if "pictures" not in path.relative_to(PACKAGE).parts
    }


def imported(path: Path) -> set[str]:
    """Every module ``path`` imports, at the top or in a function, with each imported name."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
    return found


def imports() -> dict[str, set[str]]:
    """Each gankata module and the gankata modules it imports."""
    modules = _modules()
    return {
        name: {t for t in imported(path) if t in modules and t != name}
        for name, path in modules.items()
    }


def room(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in ROOMS else None


def test_every_module_sits_in_a_room_but_the_package_and_its_two_doors():
    outside = sorted(m for m in _modules() if room(m) is None)
    assert outside == ["gankata", "gankata.__main__", "gankata.cli"], (
        f"{outside}: put each module in the room of the audience it serves ({', '.join(ROOMS)})"
    )


def test_no_module_imports_its_way_back_to_itself():
    graph = imports()

    def reaches(start: str, goal: str, seen: set[str]) -> list[str] | None:
        for target in sorted(graph[start] - {"gankata"}):
            if target == goal:
                return [start, target]
            if target not in seen:
                seen.add(target)
                path = reaches(target, goal, seen)
                if path:
                    return [start, *path]
        return None

    for module in sorted(graph):
        circle = reaches(module, module, set())
        assert circle is None, (
            f"import circle: {' -> '.join(circle or [])}; move what both need into the module "
            "lower down (the runner's rooms: commands -> screen -> results -> worker -> testrun)"
        )


def test_each_room_imports_only_itself_and_the_rooms_below():
    for module, targets in imports().items():
        here = room(module)
        if here is None:
            continue
        wrong = sorted(t for t in targets if room(t) not in ROOMS[here] and t != "gankata")
        assert not wrong, (
            f"{module} (room {here}) imports {wrong}: {here} may import only "
            f"{sorted(ROOMS[here])}; move the shared part down, or the importer up"
        )


def test_the_course_needs_nothing_but_the_standard_library():
    for module, path in _modules().items():
        if room(module) != "course":
            continue
        heavy = sorted(t for t in imported(path) if t.split(".")[0] in HEAVY)
        assert not heavy, f"{module} imports {heavy}: the course room is plain Python"


def test_every_module_serves_its_room_or_the_rooms_above_it():
    """A module that only one other room uses belongs in that room (as the plots belong to
    the demos); one that nothing uses is dead. Shared ground (the course's checkout and
    naming, the testkit's devices) is used by several rooms."""
    graph = imports()
    kata_code = set()
    for path in [
        *ROOT.glob("tests/test_*.py"),
        ROOT / "tests" / "conftest.py",
        *ROOT.glob("katas/*.py"),
        *ROOT.glob("solutions/*.py"),
        *(PACKAGE / "course" / "pictures").glob("*.py"),
    ]:
        kata_code |= imported(path)
    for module in graph:
        here = room(module)
        if here is None or module == f"gankata.{here}" or module in ENTRIES:
            continue
        rooms = {room(m) or m for m, targets in graph.items() if module in targets}
        if here in rooms or (here == "testkit" and module in kata_code):
            continue
        assert rooms, f"{module} is used by nothing: delete it, or use it"
        assert len(rooms) > 1, (
            f"{module} sits in {here} but only {rooms.pop()} uses it: move it there"
        )


def test_the_results_cache_keys_only_on_what_can_change_a_verdict():
    from gankata.runner.results import harness_files

    keyed = [path.resolve() for path in harness_files(ROOT)]
    in_package = [p.relative_to(PACKAGE).parts[0] for p in keyed if PACKAGE in p.parents]
    assert set(in_package) == {"testkit"}, (
        f"the cache keys on {sorted(set(in_package))} of gankata: only what kata tests import "
        "(testkit) can change a verdict; a word in a card must not throw verdicts away"
    )


def test_the_readme_tree_shows_every_module_in_its_room():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    tree = readme.split("```text\ngankata/\n", 1)[-1].split("```", 1)[0]
    rooms: dict[str, str] = {}
    current = ""
    for line in tree.splitlines():
        name = line.strip().split("  ")[0]
        if line.startswith("  ") and not line.startswith("    ") and name.endswith("/"):
            current = name.rstrip("/")
        elif line.startswith("    "):
            for listed in name.split(", "):
                rooms[f"{current}/{listed}"] = current
        elif line.startswith("  "):
            rooms[name] = ""
    missing = [
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if path.name != "__init__.py"
        and "pictures" not in path.parts
        and str(path.relative_to(PACKAGE)) not in rooms
    ]
    assert not missing, (
        f"README.md's tree of gankata/ lacks {missing}: one line per module, under its room"
    )
