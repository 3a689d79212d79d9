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

from gankata.testkit.messages import msg

T = TypeVar("T")


def call(fn: Callable[..., T], *args: Any, why: str, **kwargs: Any) -> T:
    """Call ``fn``; if it raises, fail with ``why`` and the error it raised."""
    try:
        return fn(*args, **kwargs)
    except NotImplementedError:
        raise
    except Exception as error:
        pytest.fail(_raised(why, error), pytrace=False)


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
        pytest.fail(_raised(why, error), pytrace=False)
    pytest.fail(
        msg("{why}\nIt raised nothing.", "{why}\n아무 오류도 일어나지 않았습니다.", why=why),
        pytrace=False,
    )


def _raised(why: str, error: Exception) -> str:
    return msg(
        "{why}\nIt raised {kind}: {error}",
        "{why}\n일어난 오류: {kind}: {error}",
        why=why,
        kind=type(error).__name__,
        error=error,
    )


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
            msg(
                "{name}.optimiser is {found}; expected {expected}, {why}",
                "{name}.optimiser가 {found}입니다. 필요한 것은 {expected}입니다: {why}",
                name=name,
                found=type(optimiser).__name__,
                expected=expected,
                why=why,
            ),
            pytrace=False,
        )
    lrs = [group["lr"] for group in optimiser.param_groups]
    if lrs != [lr]:
        pytest.fail(
            msg(
                "{name}.optimiser has learning rates {lrs}; expected {kind} lr={lr}.",
                "{name}.optimiser의 학습률이 {lrs}입니다. 필요한 것은 {kind} lr={lr}입니다.",
                name=name,
                lrs=lrs,
                kind=kind.__name__,
                lr=lr,
            ),
            pytrace=False,
        )
    held = {id(p) for group in optimiser.param_groups for p in group["params"]}
    if held != {id(p) for p in module.parameters()}:
        pytest.fail(
            msg(
                "{name}.optimiser does not hold exactly {name}'s parameters; build it after the "
                "layers, with {expected}(self.parameters(), lr={lr}).",
                "{name}.optimiser가 {name}의 파라미터를 정확히 담고 있지 않습니다. 층을 모두 "
                "만든 뒤에 {expected}(self.parameters(), lr={lr})로 만드세요.",
                name=name,
                expected=expected,
                lr=lr,
            ),
            pytrace=False,
        )


def check_train_and_eval_still_work(module: nn.Module, name: str, book_signature: str) -> None:
    """Fail unless ``module.eval()`` and ``module.train()`` still switch the mode.

    The book names its training method ``train(...)`` (``book_signature``), which replaces
    ``nn.Module.train(mode=True)``, the method ``eval()`` calls.
    """
    why = msg(
        "{name}.eval() / {name}.train() failed. nn.Module.train(mode=True) is what eval() "
        "calls; a method named `{book_signature}` replaces it. Name yours train_step.",
        "{name}.eval() / {name}.train()이 실패했습니다. eval()이 호출하는 것이 "
        "nn.Module.train(mode=True)인데, `{book_signature}`라는 메서드가 그것을 덮어씁니다. "
        "훈련 메서드의 이름을 train_step으로 하세요.",
        name=name,
        book_signature=book_signature,
    )
    for switch, training in ((module.eval, False), (module.train, True)):
        if call(switch, why=why) is not module or module.training is not training:
            pytest.fail(
                msg(
                    "{name}.{switch}() should return {name} with {name}.training "
                    "{training}: do not override nn.Module.train; name the training method "
                    "train_step.",
                    "{name}.{switch}()는 {name}.training이 {training}인 {name}를 반환해야 "
                    "합니다. nn.Module.train을 덮어쓰지 말고 훈련 메서드의 이름을 train_step으로 "
                    "하세요.",
                    name=name,
                    switch=switch.__name__,
                    training=training,
                ),
                pytrace=False,
            )
