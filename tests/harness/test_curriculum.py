"""The manifest, the katas on disk and the README agree; stubs and solutions share an API."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest

from gankata.curriculum import find_kata, load_curriculum, markdown_table
from gankata.impl import load_impl

ROOT = Path(__file__).resolve().parents[2]
CURRICULUM = load_curriculum()
NAMES = [k.name for k in CURRICULUM]


def test_every_kata_in_the_manifest_has_a_stub_a_solution_and_tests():
    missing = [
        path
        for kata in CURRICULUM
        for path in (kata.stub, kata.solution, kata.tests)
        if not (ROOT / path).is_file()
    ]
    assert not missing, f"gankata/curriculum.toml lists katas whose files are missing: {missing}"


def test_nothing_exists_outside_the_manifest():
    on_disk = {
        *(f"katas/{p.name}" for p in (ROOT / "katas").glob("*.py")),
        *(f"solutions/{p.name}" for p in (ROOT / "solutions").glob("*.py")),
        *(f"tests/{p.name}" for p in (ROOT / "tests").glob("test_*.py")),
    }
    listed = {path for k in CURRICULUM for path in (k.stub, k.solution, k.tests)}
    assert on_disk <= listed, (
        f"These files belong to no kata in gankata/curriculum.toml: {sorted(on_disk - listed)}. "
        "Add the kata to the manifest (or move a test of gankata itself to tests/harness/)."
    )


def test_names_are_unique_and_every_kata_has_one_to_three_hints():
    assert len(set(NAMES)) == len(NAMES), f"duplicate kata names in the manifest: {NAMES}"
    for kata in CURRICULUM:
        assert len(kata.hints) in (1, 2, 3), f"{kata.name} has {len(kata.hints)} hints; give 1-3."
        assert kata.title and kata.seed, f"{kata.name} needs a title and a seed source."


def test_find_kata_by_name_or_number_and_a_clear_error_otherwise():
    assert find_kata("1", CURRICULUM) is CURRICULUM[0]
    assert find_kata(CURRICULUM[0].name, CURRICULUM) is CURRICULUM[0]
    with pytest.raises(KeyError, match=CURRICULUM[0].name):
        find_kata("no_such_kata", CURRICULUM)


def test_readme_lists_the_katas_of_the_manifest():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    found = re.search(r"<!-- katas:start -->\n(.*?)\n<!-- katas:end -->", readme, re.S)
    assert found, "README.md needs the kata table between <!-- katas:start/end --> markers."
    assert found.group(1).strip() == markdown_table(CURRICULUM), (
        "README.md's kata table differs from gankata/curriculum.toml; regenerate it with "
        "`python -m gankata.curriculum`."
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
