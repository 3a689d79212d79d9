"""Load a kata's implementation (the learner's stub, the reference solution, or a mutant).

Implementations are loaded from files in the working tree, never imported from
site-packages: a learner edits ``katas/<name>.py`` in their clone, and that file is the one
that must be checked, however the project happens to be installed.
"""

from __future__ import annotations

import importlib.util
import sys
import traceback
from pathlib import Path
from types import ModuleType

from gankata.testkit.messages import msg

IMPLS = ("katas", "solutions")


class ImplLoadError(Exception):
    """The learner's module could not be imported; the message says where and why."""


FOLDER_PACKAGE = "gankata_impl"


def impl_dir(impl: str, root: Path) -> Path:
    """``katas`` and ``solutions`` name folders of the root; anything else is a folder path."""
    return root / impl if impl in IMPLS else Path(impl)


def load_impl(name: str, impl: str, root: Path) -> ModuleType:
    """Import ``<impl>/<name>.py`` afresh and return the module.

    A fresh import per call keeps tests independent: a learner's module-level state from
    one test cannot leak into the next.
    """
    path = impl_dir(impl, root) / f"{name}.py"
    if not path.is_file():
        raise ImplLoadError(
            msg(
                "{path} does not exist: is the kata name right?",
                "{path}이(가) 없습니다: 카타 이름이 맞나요?",
                path=_shown(path, root),
            )
        )
    module_name = f"{impl}.{name}" if impl in IMPLS else f"{FOLDER_PACKAGE}.{name}"
    # pickle imports a class's top package first (DataLoader workers pickle datasets):
    # a kata loaded from any folder lives under one empty package that pickle can find.
    sys.modules.setdefault(FOLDER_PACKAGE, ModuleType(FOLDER_PACKAGE))
    spec = importlib.util.spec_from_file_location(module_name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    # Registered before executing so that dataclasses, pickling and DataLoader workers
    # can find the module by name.
    sys.modules[module_name] = module
    try:
        spec.loader.exec_module(module)
    except SyntaxError as error:
        del sys.modules[module_name]
        pointer = " " * max((error.offset or 1) - 1, 0) + "^"
        text = (error.text or "").rstrip("\n")
        raise ImplLoadError(
            msg(
                "{path}, line {line}: {error}\n    {text}\n    {pointer}\n"
                "Python could not read the file: fix the syntax on that line (or just above it).",
                "{path}, line {line}: {error}\n    {text}\n    {pointer}\n"
                "Python이 파일을 읽지 못했습니다: 그 줄(또는 바로 윗줄)의 문법을 고치세요.",
                path=_shown(path, root),
                line=error.lineno,
                error=error.msg,
                text=text,
                pointer=pointer,
            )
        ) from None
    except SystemExit as error:
        del sys.modules[module_name]
        raise ImplLoadError(
            msg(
                "Importing {path} called sys.exit({code!r}) (or exit()): "
                "Python runs a kata's top-level code when it loads the file, and that code "
                "ended Python instead of defining the kata. Remove the call, or move it under "
                "`if __name__ == '__main__':`.",
                "{path}을(를) 불러오는 중에 sys.exit({code!r}) (또는 exit())가 호출되었습니다: "
                "Python은 파일을 불러올 때 카타의 최상위 코드를 실행하는데, 그 코드가 카타를 "
                "정의하는 대신 Python을 끝냈습니다. 그 호출을 지우거나 "
                "`if __name__ == '__main__':` 아래로 옮기세요.",
                path=_shown(path, root),
                code=error.code,
            )
        ) from None
    except Exception as error:
        del sys.modules[module_name]
        frames = [f for f in traceback.extract_tb(error.__traceback__) if f.filename == str(path)]
        where = f", line {frames[-1].lineno}" if frames else ""
        raise ImplLoadError(
            msg(
                "Importing {path} raised {kind}: {error}{where}.\n"
                "Python runs a kata's top-level code (imports, constants) when it loads the "
                "file: the error is there, not in a test.",
                "{path}을(를) 불러오는 중에 {kind}: {error}{where} 오류가 났습니다.\n"
                "Python은 파일을 불러올 때 카타의 최상위 코드(import, 상수)를 실행합니다: "
                "오류는 테스트가 아니라 그곳에 있습니다.",
                path=_shown(path, root),
                kind=type(error).__name__,
                error=error,
                where=where,
            )
        ) from None
    return module


def _shown(path: Path, root: Path) -> str:
    try:
        return str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)
