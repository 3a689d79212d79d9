"""Assertion helpers for kata tests: every failure explains itself to a learner.

A stub's ``NotImplementedError`` always passes through untouched, so an unfinished kata
says "Need to implement ..." rather than a confusing message about some other mistake.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import pytest

T = TypeVar("T")


def call(fn: Callable[..., T], *args: Any, why: str, **kwargs: Any) -> T:
    """Call ``fn``; if it raises, fail with ``why`` and the error it raised."""
    try:
        return fn(*args, **kwargs)
    except NotImplementedError:
        raise
    except Exception as error:
        pytest.fail(f"{why}\nIt raised {type(error).__name__}: {error}", pytrace=False)


def expect_error(
    expected: type[BaseException] | tuple[type[BaseException], ...],
    fn: Callable[..., Any],
    *args: Any,
    why: str,
    **kwargs: Any,
) -> BaseException:
    """Call ``fn`` expecting ``expected``; fail with ``why`` if it returns or raises another."""
    try:
        fn(*args, **kwargs)
    except NotImplementedError:
        raise
    except expected as error:
        return error
    except Exception as error:
        pytest.fail(f"{why}\nIt raised {type(error).__name__}: {error}", pytrace=False)
    pytest.fail(f"{why}\nIt raised nothing.", pytrace=False)
