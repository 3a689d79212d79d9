"""Notebook mode: generated workbooks, executed in-process by IPython (no kernel, no network)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat", reason="notebook mode needs gankata[notebook]")
pytest.importorskip("IPython.core.interactiveshell", reason="notebook mode needs gankata[notebook]")

from gankata.course.curriculum import load_curriculum  # noqa: E402
from gankata.course.lessons import lesson_path  # noqa: E402
from gankata.runner import commands, screen  # noqa: E402
from gankata.runner.workbook import write_workbooks  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
CURRICULUM = load_curriculum()


def cells(path: Path) -> list:
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    return notebook.cells


def kata_cell(notebook_cells: list) -> str:
    found = [c.source for c in notebook_cells if c.source.startswith("%%kata ")]
    assert len(found) == 1, f"a workbook has exactly one %%kata cell, found {len(found)}"
    return found[0]


@pytest.mark.timeout(300)
@pytest.mark.parametrize("kata", CURRICULUM, ids=lambda k: k.name)
def test_a_workbook_fails_on_its_stub_passes_on_the_solution_and_draws(
    kata, notebook_shell, tmp_path, shared_results_cache
):
    [written] = write_workbooks(ROOT, [kata], tmp_path)
    assert written.path.name == kata.workbook("en") and written.backup is None
    notebook_cells = cells(written.path)
    assert notebook_cells[0].cell_type == "markdown" and kata.title in notebook_cells[0].source
    setup, load = [c.source for c in notebook_cells if c.cell_type == "code"][:2]
    assert load == "%load_ext gankata", "the magic is loaded right after the setup cell"
    ok, out = notebook_shell(setup)
    assert ok and "gan-katas is ready" in out, f"the setup cell must run in the clone:\n{out}"
    source = kata_cell(notebook_cells)
    magic, stub = source.split("\n", 1)
    assert magic == f"%%kata {kata.name}" and stub == (ROOT / kata.stub).read_text()

    ok, out = notebook_shell(source)
    assert ok, f"the stub's %%kata cell must run (and report), not crash:\n{out}"
    assert "Kata done" not in out and "Need to implement for Kata" in out, (
        f"on the stub, the %%kata cell must show the first failure of {kata.name}:\n{out}"
    )

    ok, out = notebook_shell(f"{magic}\n{(ROOT / kata.solution).read_text()}")
    assert ok and "Kata done ✓" in out, (
        f"with the solution pasted in, the %%kata cell must report a pass:\n{out}"
    )

    picture = kata.picture
    if picture is None:
        return  # this kata has no picture; the stub and solution checks above still ran
    assert notebook_cells[-1].source == picture.code.rstrip("\n"), (
        "the workbook ends with its picture cell"
    )
    import matplotlib.pyplot as plt

    ok, out = notebook_shell(picture.code)
    assert ok, f"the picture cell of {kata.name} failed on the reference answer:\n{out}"
    assert plt.get_fignums(), f"the picture cell of {kata.name} drew no figure"


def test_the_cli_writes_korean_workbooks_that_speak_korean(
    notebook_shell, tmp_path, shared_results_cache
):
    code = commands.main(
        ["--root", str(ROOT), "--lang", "ko", "notebook", "--all", "--out", str(tmp_path)]
    )
    assert code == 0
    korean = load_curriculum(language="ko")
    paths = sorted(tmp_path.glob("*.ko.ipynb"))
    assert [p.name for p in paths] == [k.workbook("ko") for k in korean], (
        f"`notebook --all --lang ko` should write one .ko.ipynb per kata, wrote {paths}"
    )
    first = cells(paths[0])
    lesson = lesson_path(korean[0].name, "ko").read_text(encoding="utf-8")
    assert korean[0].title in first[0].source and "## 구현할 것" in first[0].source, (
        "a Korean workbook opens with the whole Korean lesson"
    )
    assert lesson.splitlines()[0] in first[0].source
    hints = next(c.source for c in first if c.get("id") == "hints")
    assert korean[0].hints[0] in hints, "the hints cell holds the Korean hints"
    magic = kata_cell(first).split("\n", 1)[0]
    assert magic == f"%%kata {korean[0].name} --lang ko"
    ok, out = notebook_shell(f"{magic}\n{(ROOT / korean[0].solution).read_text()}")
    assert ok and "카타 완료 ✓" in out, f"a Korean workbook's %%kata cell speaks Korean:\n{out}"


def test_a_changed_workbook_is_kept_as_a_backup_and_an_unchanged_one_is_left_alone(tmp_path):
    kata = CURRICULUM[0]
    [first] = write_workbooks(ROOT, [kata], tmp_path)
    [again] = write_workbooks(ROOT, [kata], tmp_path)
    assert again.backup is None and list(tmp_path.iterdir()) == [first.path], (
        "writing the same workbook twice must not make a backup"
    )
    mine = first.path.read_text().replace("raise NotImplementedError", "pass  # mine\\n    raise")
    first.path.write_text(mine)
    [third] = write_workbooks(ROOT, [kata], tmp_path)
    assert third.backup is not None and third.backup.read_text() == mine, (
        "a workbook the learner changed must be moved to a backup before a new one is written"
    )
    assert third.path.read_text() != mine and ".backup-" in third.backup.name


def test_the_cli_says_where_the_backup_is(capsys, tmp_path, monkeypatch):
    monkeypatch.setattr(screen.console, "width", 300)
    kata = CURRICULUM[0].name
    assert commands.main(["--root", str(ROOT), "notebook", kata, "--out", str(tmp_path)]) == 0
    [path] = tmp_path.iterdir()
    path.write_text(path.read_text() + " ")
    capsys.readouterr()
    assert commands.main(["--root", str(ROOT), "notebook", kata, "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    [backup] = [p for p in tmp_path.iterdir() if p != path]
    assert str(backup) in out, f"the CLI must name the backup {backup}:\n{out}"


@pytest.mark.parametrize("args", [[], [CURRICULUM[0].name, "--all"]])
def test_notebook_wants_one_kata_or_all(capsys, tmp_path, args):
    code = commands.main(["--root", str(ROOT), "notebook", *args, "--out", str(tmp_path)])
    out = capsys.readouterr().out
    assert code == 2 and "--all" in out, f"`notebook {args}` should explain its two forms:\n{out}"
    assert not any(tmp_path.iterdir()), "nothing is written when the request is unclear"


@pytest.mark.parametrize(
    ("line", "expected"),
    [("nope", "the katas are"), ("", "%%kata KATA"), ("one_hot_dataset --bogus", "%%kata KATA")],
)
def test_a_bad_magic_line_is_a_clear_message_not_a_traceback(notebook_shell, line, expected):
    _ok, out = notebook_shell(f"%%kata {line}\nx = 1")
    assert expected in out, f"`%%kata {line}` should say {expected!r}:\n{out}"
    assert "Traceback" not in out


def test_outside_a_checkout_the_magic_says_to_cd_or_pass_root(
    notebook_shell, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    _ok, out = notebook_shell(f"%%kata {CURRICULUM[0].name}\nx = 1")
    assert "%cd" in out and "--root" in out, f"the magic should say how to find the clone:\n{out}"


def test_a_picture_cell_is_its_file_without_the_kata_import_and_the_docstring():
    kata = next(k for k in CURRICULUM if k.name == "one_hot_dataset")
    source = (ROOT / "gankata" / "course" / "pictures" / f"{kata.name}.py").read_text()
    assert "from katas.one_hot_dataset import MnistDataset" in source
    assert "from katas." not in kata.picture.code, (
        f"the cell must not import the kata, which its %%kata cell defined:\n{kata.picture.code}"
    )
    assert not kata.picture.code.startswith('"""'), "the cell starts with code, not a docstring"
    assert "\n\n\n" not in kata.picture.code, "dropping the import left a gap of blank lines"


def run_setup(cwd: Path, source: str | None) -> subprocess.CompletedProcess:
    """The workbook's setup cell, run as a fresh kernel would run it, in ``cwd``."""
    from gankata.runner.workbook import setup_code

    probe = "\nimport gankata, os\nprint('GANKATA', gankata.__file__)\nprint('CWD', os.getcwd())\n"
    env = {k: v for k, v in os.environ.items() if k != "GAN_KATAS_SOURCE"}
    return subprocess.run(
        [sys.executable, "-c", setup_code(source or "") + probe],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_setup_cell_comes_first_and_changes_nothing_in_a_clone(checkout):
    [written] = write_workbooks(ROOT, [load_curriculum()[0]], checkout / "notebooks")
    code = [c for c in cells(written.path) if c.cell_type == "code"]
    assert "gan-katas is ready" in code[0].source and code[1].source == "%load_ext gankata", (
        "a workbook's first code cell is the setup cell, then %load_ext gankata"
    )
    done = run_setup(checkout / "notebooks", source=None)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"gan-katas is ready in {checkout}" in done.stdout and "Fetching" not in done.stdout, (
        f"inside a clone the setup cell finds the clone and fetches nothing:\n{done.stdout}"
    )


def test_outside_a_clone_the_setup_cell_fetches_the_project_and_moves_into_it(tmp_path, commit):
    source = tmp_path / "source"
    for folder in ("katas", "solutions", "gankata"):
        shutil.copytree(
            ROOT / folder, source / folder, ignore=shutil.ignore_patterns("__pycache__")
        )
    shutil.copy(ROOT / "pyproject.toml", source)
    subprocess.run(["git", "init", "-q"], cwd=source, check=True)
    commit(source, "the project")
    colab = tmp_path / "content"
    colab.mkdir()
    done = run_setup(colab, source=str(source))
    assert done.returncode == 0, done.stdout + done.stderr
    clone = colab / "gan-katas"
    assert (clone / "katas").is_dir(), f"the project should be cloned into {clone}:\n{done.stdout}"
    assert f"GANKATA {clone / 'gankata'}" in done.stdout, (
        f"the cells below must import gankata from the clone just fetched:\n{done.stdout}"
    )
    assert f"CWD {clone}" in done.stdout, "the kernel moves into the clone, where %%kata finds it"
    again = run_setup(colab, source=str(source))
    assert again.returncode == 0 and "Fetching" not in again.stdout, (
        f"running the setup cell again reuses the clone:\n{again.stdout}"
    )


def test_outside_a_clone_without_a_source_the_setup_cell_says_how(tmp_path):
    done = run_setup(tmp_path, source=None)
    assert done.returncode != 0 and "GAN_KATAS_SOURCE" in done.stderr, (
        f"with nowhere to fetch from, the cell should say how to point it at gan-katas:\n"
        f"{done.stdout}{done.stderr}"
    )
