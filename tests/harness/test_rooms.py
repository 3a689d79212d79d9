"""gankata's modules import each other without a circle, and the runner keeps to its room."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "gankata"
# Outside the runner's room, only these may import it: `python -m gankata`, the %%kata magic,
# the integrity check (it runs tests the way a check does) and the demos (the runs' names).
RUNNER_USERS = {"gankata", "gankata.__main__", "gankata.integrity", "gankata.demo"}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports() -> dict[str, set[str]]:
    """Each gankata module and the gankata modules it imports, at the top or in a function."""
    modules = {module_name(path): path for path in PACKAGE.rglob("*.py")}
    found: dict[str, set[str]] = {}
    for name, path in modules.items():
        targets = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                targets.add(node.module)
                targets |= {f"{node.module}.{alias.name}" for alias in node.names}
            elif isinstance(node, ast.Import):
                targets |= {alias.name for alias in node.names}
        found[name] = {t for t in targets if t in modules and t != name}
    return found


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


def test_only_its_users_import_the_runner():
    for module, targets in imports().items():
        if module.startswith("gankata.runner") or module in RUNNER_USERS:
            continue
        into = sorted(t for t in targets if t.startswith("gankata.runner"))
        assert not into, (
            f"{module} imports {into}: what kata tests and the course need must not depend "
            "on the learner's runner"
        )
