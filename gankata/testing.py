"""Assertion helpers for kata tests: every failure explains itself to a learner.

A stub's ``NotImplementedError`` always passes through untouched, so an unfinished kata
says "Need to implement ..." rather than a confusing message about some other mistake.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import pytest
import torch
from torch import nn

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


def snapshot(module: nn.Module) -> dict[str, torch.Tensor]:
    """A detached copy of every parameter of ``module`` by name, to compare after a step."""
    return {name: p.detach().clone() for name, p in module.named_parameters()}


def changed(
    before: Mapping[str, torch.Tensor], after: Mapping[str, torch.Tensor], atol: float = 0.0
) -> list[str]:
    """The names of the parameters that differ by more than ``atol`` between two snapshots."""
    return [
        name
        for name, old in before.items()
        if not torch.allclose(after[name], old, rtol=0.0, atol=atol)
    ]
