"""Notebook mode, more: what a %%kata cell does with a learner's mistakes (no kernel)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from gankata.course.words import current_language, use_language

ROOT = Path(__file__).resolve().parents[2]
KATA = "one_hot_dataset"
SOLUTION = (ROOT / "solutions" / f"{KATA}.py").read_text(encoding="utf-8")


@pytest.fixture
def shell(notebook_shell, monkeypatch, tmp_path, shared_results_cache):
    """The notebook shell, with every temporary folder landing in ``tmp_path``.

    So that a cell's folder left behind would show.
    """
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    return notebook_shell


def test_the_cell_is_tested_as_written_and_its_folder_is_removed(shell, tmp_path):
    ok, out = shell(f"%%kata {KATA}\n{SOLUTION}\n# my own answer\n")
    assert ok and "Kata done ✓" in out, (
        f"the cell's own code (the solution, not the stub in katas/) must pass:\n{out}"
    )
    assert "MnistDataset" in shell.namespace, "the cell's classes must be defined in the notebook"
    assert "02_view_reshape.ipynb" in out and "%%kata view_reshape" in out, (
        f"a notebook learner's next step is the next workbook or cell, not a terminal:\n{out}"
    )
    left = list(tmp_path.glob("gankata-frozen-*"))
    assert not left, f"the cell's temporary folder must be removed after the run: {left}"


def test_a_syntax_error_names_the_line_of_the_cell_not_a_temporary_file(shell):
    broken = SOLUTION.replace("PIXELS = 28 * 28", "PIXELS = 28 *")
    line = broken.splitlines().index("PIXELS = 28 *") + 2  # + 1: from 1, + 1: the %%kata line
    ok, out = shell(f"%%kata {KATA}\n{broken}")
    assert ok, f"a learner's syntax error must be reported, not raised through the magic:\n{out}"
    assert f"this %%kata cell, line {line}" in out and "invalid syntax" in out, (
        f"the report should point at line {line} of the cell:\n{out}"
    )
    assert "Traceback" not in out and "gankata-frozen-" not in out, (
        f"no traceback and no temporary path may reach the learner:\n{out}"
    )


def test_an_error_in_the_code_is_one_line_and_the_names_before_it_exist(shell):
    code = f"{SOLUTION}raise RuntimeError('boom')\n"
    line = len(code.splitlines()) + 1
    ok, out = shell(f"%%kata {KATA}\n{code}")
    assert ok and "Traceback" not in out, f"the error must be shown, not raised:\n{out}"
    assert f"this %%kata cell, line {line}: RuntimeError: boom" in out, (
        f"the learner's exception should be one line naming line {line} of the cell:\n{out}"
    )
    assert "one_hot" in shell.namespace, "what ran before the error stays defined, as in a cell"


def test_lang_ko_speaks_korean_for_that_cell_only(shell):
    use_language("en")
    ok, out = shell(f"%%kata {KATA} --lang ko\n{SOLUTION}")
    assert ok and "카타 완료 ✓" in out, f"`--lang ko` should report in Korean:\n{out}"
    assert "02_view_reshape.ko.ipynb" in out, f"the next workbook is the Korean one:\n{out}"
    assert current_language() == "en", "the cell's language must not outlive the cell"


def test_an_unknown_language_is_a_clear_message(shell):
    ok, out = shell(f"%%kata {KATA} --lang fr\nx = 1")
    assert ok and "'fr'" in out and "ko" in out and "Traceback" not in out, (
        f"`--lang fr` should say which languages there are:\n{out}"
    )
    assert "x" not in shell.namespace, "nothing runs when the cell cannot be checked"


def test_a_failing_cell_says_where_the_hints_are_not_a_terminal_command(shell):
    stub = (ROOT / "katas" / f"{KATA}.py").read_text(encoding="utf-8")
    _ok, out = shell(f"%%kata {KATA}\n{stub}")
    assert "Need to implement for Kata" in out, f"the stub's first failure should show:\n{out}"
    assert "hints are folded" in out and f"`%%kata {KATA}` line" in out, (
        f"a stuck notebook learner should be sent to the workbook's hints and `-v`:\n{out}"
    )
    assert "gankata hint" not in out, f"`gankata hint` is a terminal command:\n{out}"


@pytest.mark.parametrize(
    "top_level",
    ["while True:\n    pass\n", "import os\nos._exit(0)\n"],
    ids=["endless loop", "os._exit"],
)
def test_a_cell_that_never_loads_is_reported_and_not_run_in_the_kernel(
    shell, monkeypatch, at_top_level, top_level
):
    from gankata.runner import testrun

    monkeypatch.setattr(testrun, "TEST_TIMEOUT_S", 1)
    code = at_top_level(SOLUTION, top_level)
    ok, out = shell(f"%%kata {KATA}\n{code}")
    assert ok, f"the magic must report, not raise:\n{out}"
    assert "was not run in this notebook" in out, (
        f"code whose isolated check never got past loading must not run in the kernel, where "
        f"it would hang or end it; the cell should say so:\n{out}"
    )
    assert "MnistDataset" not in shell.namespace, "nothing of the cell may be defined"
