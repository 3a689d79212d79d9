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


def check_optimiser(
    module: nn.Module, name: str, kind: type[torch.optim.Optimizer], lr: float, why: str
) -> None:
    """Fail unless ``module.optimiser`` is a ``kind`` with learning rate ``lr`` that holds
    exactly ``module``'s parameters. ``name`` is the module's name in the lesson ("D"),
    ``why`` says why the lesson wants that optimiser."""
    optimiser = getattr(module, "optimiser", None)
    expected = f"torch.optim.{kind.__name__}"
    if not isinstance(optimiser, kind):
        pytest.fail(
            f"{name}.optimiser is {type(optimiser).__name__}; expected {expected}, {why}",
            pytrace=False,
        )
    lrs = [group["lr"] for group in optimiser.param_groups]
    if lrs != [lr]:
        pytest.fail(
            f"{name}.optimiser has learning rates {lrs}; expected {kind.__name__} lr={lr}.",
            pytrace=False,
        )
    held = {id(p) for group in optimiser.param_groups for p in group["params"]}
    if held != {id(p) for p in module.parameters()}:
        pytest.fail(
            f"{name}.optimiser does not hold exactly {name}'s parameters; build it after the "
            f"layers, with {expected}(self.parameters(), lr={lr}).",
            pytrace=False,
        )


def check_train_and_eval_still_work(module: nn.Module, name: str, book_signature: str) -> None:
    """Fail unless ``module.eval()`` and ``module.train()`` still switch the mode.

    The book names its training method ``train(...)`` (``book_signature``), which replaces
    ``nn.Module.train(mode=True)``, the method ``eval()`` calls.
    """
    why = (
        f"{name}.eval() / {name}.train() failed. nn.Module.train(mode=True) is what eval() "
        f"calls; a method named `{book_signature}` replaces it. Name yours train_step."
    )
    for switch, training in ((module.eval, False), (module.train, True)):
        if call(switch, why=why) is not module or module.training is not training:
            pytest.fail(
                f"{name}.{switch.__name__}() should return {name} with {name}.training "
                f"{training}: do not override nn.Module.train; name the training method "
                "train_step.",
                pytrace=False,
            )
