"""Kata 3 · detach(): train D on fakes without touching G (katas/detach.py)."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from torch import nn

from gankata.testkit.assertions import call, changed, snapshot
from gankata.testkit.messages import msg

LOSSES = {"BCELoss": nn.BCELoss, "MSELoss": nn.MSELoss}


def make_gan(d_output: str = "[B, 1]") -> tuple[nn.Module, nn.Module]:
    """A tiny G (2 -> 4) and D (4 -> 1); D's verdicts have shape [B, 1] or, flattened, [B]."""
    G = nn.Sequential(nn.Linear(2, 4), nn.Sigmoid())
    D = nn.Sequential(nn.Linear(4, 1), nn.Sigmoid())
    if d_output == "[B]":
        D.append(nn.Flatten(0))
    return D, G


def book_1010_gan() -> tuple[nn.Module, nn.Module]:
    """The book's 1010-pattern networks: G 1 -> 3 -> 4, D 4 -> 3 -> 1, fed one sample at a time."""
    G = nn.Sequential(nn.Linear(1, 3), nn.Sigmoid(), nn.Linear(3, 4), nn.Sigmoid())
    D = nn.Sequential(nn.Linear(4, 3), nn.Sigmoid(), nn.Linear(3, 1), nn.Sigmoid())
    return D, G


def named_grads(module: nn.Module) -> dict[str, torch.Tensor | None]:
    return {name: p.grad for name, p in module.named_parameters()}


@contextmanager
def target_shape_warnings_are_errors() -> Iterator[None]:
    """MSELoss only *warns* when the target's shape differs from the input's; make it fail."""
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=".*target size.*")
        yield


@contextmanager
def record_grad_mode(module: nn.Module) -> Iterator[list[bool]]:
    """Whether autograd was recording each time one of ``module``'s layers ran."""
    seen: list[bool] = []
    hooks = [
        layer.register_forward_pre_hook(lambda *_: seen.append(torch.is_grad_enabled()))
        for layer in module.modules()
        if not list(layer.children())
    ]
    try:
        yield seen
    finally:
        for hook in hooks:
            hook.remove()


def backward(loss: torch.Tensor, name: str) -> None:
    call(
        loss.backward,
        why=msg(
            "{name}(...).backward() failed; expected the returned loss to still have its "
            "autograd graph (a grad_fn) that no backward() has used yet. Did the function "
            "detach the loss, or call backward() on it itself? Return the loss as loss_fn "
            "gave it: the caller calls backward(), once.",
            "{name}(...).backward()가 실패했습니다. 반환된 손실에는 아직 어떤 backward()도 "
            "쓰지 않은 autograd 그래프(grad_fn)가 그대로 있어야 합니다. 함수 안에서 손실을 "
            "detach했거나 손실에 backward()를 직접 호출하지 않았나요? loss_fn이 준 손실을 "
            "그대로 반환하세요. backward()는 호출하는 쪽에서 한 번만 합니다.",
            name=name,
        ),
    )


def frozen_hint(net: str) -> str:
    """Why a network must come back from a loss function with requires_grad on."""
    if net == "G":
        return msg(
            "Cut the graph with .detach() instead of freezing G: the cut lasts only for this "
            "loss, while a frozen G stays frozen.",
            "생성기를 얼리지(freeze) 말고 .detach()로 그래프를 자르세요. 자른 것은 이 손실에만 "
            "해당하지만, 얼린 생성기는 계속 얼어 있습니다.",
        )
    return msg(
        "A loss function only computes a loss: do not freeze a network in it. Freezing D for "
        "G's step is optional in PyTorch (only G's optimiser steps there anyway) and is the "
        "training step's business (kata 4), which unfreezes D afterwards.",
        "손실 함수는 손실만 계산합니다. 그 안에서 네트워크를 얼리지(freeze) 마세요. 생성기의 "
        "단계에서 판별기를 얼리는 것은 PyTorch에서는 선택 사항이고(어차피 그 단계에서는 "
        "생성기의 옵티마이저만 step합니다), 판별기를 나중에 다시 풀어 주는 훈련 단계(카타 4)가 "
        "할 일입니다.",
    )


# ## Task 3.1: discriminator_fake_loss


def test_fake_loss_is_a_single_number(kata):
    D, G = make_gan()
    loss = kata.discriminator_fake_loss(D, G, torch.randn(4, 2), nn.BCELoss())
    assert isinstance(loss, torch.Tensor) and loss.ndim == 0, msg(
        "discriminator_fake_loss(...) returned {kind} {shape}; expected the 0-dim tensor that "
        "loss_fn returns, ready for .backward(). Return loss_fn(verdict, target) itself: not "
        "D's verdict, not a tuple, not loss.item().",
        "discriminator_fake_loss(...)의 반환값이 {kind} {shape}입니다. loss_fn이 반환하는 "
        "0차원 텐서, 곧 바로 .backward()를 호출할 수 있는 손실이어야 합니다. 판별기의 판정도, "
        "튜플도, loss.item()도 아닌 loss_fn(verdict, target) 자체를 반환하세요.",
        kind=type(loss).__name__,
        shape=tuple(getattr(loss, "shape", ())),
    )


@pytest.mark.parametrize("loss_name", LOSSES)
@pytest.mark.parametrize("batch", [1, 5])
def test_fake_loss_leaves_G_without_gradients(kata, batch, loss_name):
    D, G = make_gan()
    loss = kata.discriminator_fake_loss(D, G, torch.randn(batch, 2), LOSSES[loss_name]())
    backward(loss, "discriminator_fake_loss")
    touched = [name for name, grad in named_grads(G).items() if grad is not None]
    assert not touched, msg(
        "G's parameters received gradients while D trained on fake data (G's {touched} have "
        "a .grad; expected every one to stay None, not even zero): did you forget `.detach()`? "
        "Cut G's output off the graph before D sees it, so backward() stops at the fakes.",
        "판별기가 가짜 데이터로 훈련하는 동안 생성기의 파라미터가 기울기를 받았습니다(생성기의 "
        "{touched}에 .grad가 있습니다. 0도 아닌 None으로 모두 남아 있어야 합니다). "
        "`.detach()`를 잊지 않았나요? 판별기가 보기 전에 생성기의 출력을 그래프에서 잘라 내면 "
        "backward()가 가짜 이미지에서 멈춥니다.",
        touched=touched,
    )


def test_fake_loss_lets_D_learn(kata):
    D, G = make_gan()
    with record_grad_mode(D) as grad_mode:
        loss = kata.discriminator_fake_loss(D, G, torch.randn(5, 2), nn.BCELoss())
    assert all(grad_mode), msg(
        "D's layers ran with autograd switched off (inside torch.no_grad()), so D's loss has "
        "no graph and D learns nothing; expected D to judge the fakes with gradients on. Only "
        "G's forward pass may go under torch.no_grad(): end the `with` block before D runs.",
        "판별기의 층이 autograd가 꺼진 상태(torch.no_grad() 안)에서 실행되어 판별기의 손실에 "
        "그래프가 없고, 판별기는 아무것도 배우지 못합니다. 판별기는 기울기를 켠 채로 가짜를 "
        "판정해야 합니다. torch.no_grad() 안에 들어가도 되는 것은 생성기의 순전파뿐입니다: "
        "판별기를 실행하기 전에 `with` 블록을 끝내세요.",
    )
    assert isinstance(loss, torch.Tensor) and loss.requires_grad, msg(
        "discriminator_fake_loss(...) returned a loss that does not require grad (no "
        "grad_fn), so backward() cannot train D; expected a loss with D's graph behind it. "
        "Did you call .detach() on the loss, or on D's verdict, instead of on G's output? "
        "Detach only the fakes: D learns from the rest.",
        "discriminator_fake_loss(...)가 기울기가 필요 없는(grad_fn이 없는) 손실을 반환해서 "
        "backward()로 판별기를 훈련할 수 없습니다. 손실 뒤에 판별기의 그래프가 있어야 합니다. "
        "생성기의 출력이 아니라 손실이나 판별기의 판정에 .detach()를 호출하지 않았나요? 가짜만 "
        "detach하세요. 판별기는 나머지에서 배웁니다.",
    )
    backward(loss, "discriminator_fake_loss")
    missing = [name for name, grad in named_grads(D).items() if grad is None or not grad.any()]
    assert not missing, msg(
        "After discriminator_fake_loss(...).backward(), D's {missing} have no gradient (None "
        "or all zeros); expected every parameter of D to get one: D is the network that learns "
        "from this loss. Compute the loss from D's verdict on the detached fakes, "
        "D(G(z).detach()).",
        "discriminator_fake_loss(...).backward() 뒤에 판별기의 {missing}에 기울기가 "
        "없습니다(None이거나 모두 0). 이 손실로 배우는 네트워크는 판별기이므로 판별기의 모든 "
        "파라미터가 기울기를 받아야 합니다. 손실은 detach한 가짜에 대한 판별기의 판정, "
        "D(G(z).detach())로 계산하세요.",
        missing=missing,
    )


@pytest.mark.parametrize("d_output", ["[B, 1]", "[B]"])
@pytest.mark.parametrize("loss_name", LOSSES)
@pytest.mark.parametrize("batch", [1, 5])
def test_fake_loss_is_D_verdict_against_target_zero(kata, batch, loss_name, d_output):
    D, G = make_gan(d_output)
    z = torch.randn(batch, 2)
    loss_fn = LOSSES[loss_name]()
    with target_shape_warnings_are_errors():
        loss = call(
            kata.discriminator_fake_loss,
            D,
            G,
            z,
            loss_fn,
            why=msg(
                "discriminator_fake_loss(...) with a batch of {batch}, a D whose verdicts have "
                "shape {d_output} and {loss_name} failed; expected it to work for any batch "
                "size and any D: the target must have exactly the shape of D's output. Build "
                "it from the verdict itself (torch.zeros_like) rather than from a fixed shape "
                "such as torch.zeros(1) or torch.zeros(len(z), 1).",
                "discriminator_fake_loss(...)가 실패했습니다(배치 크기 {batch}, 판정의 모양이 "
                "{d_output}인 판별기, 손실 함수 {loss_name}). 어떤 배치 크기와 어떤 판별기에서도 "
                "동작해야 합니다: 목표값은 판별기 출력의 모양과 정확히 같아야 합니다. "
                "torch.zeros(1)이나 torch.zeros(len(z), 1) 같은 고정된 모양이 아니라 판정 "
                "자체로부터(torch.zeros_like) 목표값을 만드세요.",
                batch=batch,
                d_output=d_output,
                loss_name=loss_name,
            ),
        )
    with torch.no_grad():
        verdict = D(G(z))
        expected = loss_fn(verdict, torch.zeros_like(verdict))
        with_target_one = loss_fn(verdict, torch.ones_like(verdict))
    if torch.allclose(loss.detach(), with_target_one):
        pytest.fail(
            msg(
                "discriminator_fake_loss(...) returned {got:.6f} = loss_fn(D(G(z)), ones); "
                "expected {want:.6f} = loss_fn(D(G(z)), zeros). D must learn to call the fakes "
                "fake: the target is 0, not 1.",
                "discriminator_fake_loss(...)가 {got:.6f} = loss_fn(D(G(z)), ones)를 "
                "반환했습니다. 기대한 값은 {want:.6f} = loss_fn(D(G(z)), zeros)입니다. 판별기는 "
                "가짜를 가짜라고 판정하도록 배워야 합니다: 목표값은 1이 아니라 0입니다.",
                got=float(loss),
                want=float(expected),
            ),
            pytrace=False,
        )
    assert torch.allclose(loss.detach(), expected), msg(
        "discriminator_fake_loss(...) returned {got:.6f}; expected loss_fn(D(G(z)), zeros) = "
        "{want:.6f} for a batch of {batch} with {loss_name}. Run G on z, detach, let D judge, "
        "and compare with a target of zeros shaped like D's output, through the loss_fn you "
        "are given.",
        "discriminator_fake_loss(...)의 반환값이 {got:.6f}입니다. 배치 크기 {batch}, 손실 함수 "
        "{loss_name}에서 기대한 값은 loss_fn(D(G(z)), zeros) = {want:.6f}입니다. z로 생성기를 "
        "실행하고, detach하고, 판별기가 판정하게 한 뒤, 판별기 출력과 모양이 같은 0 목표값과 "
        "주어진 loss_fn으로 비교하세요.",
        got=float(loss),
        want=float(expected),
        batch=batch,
        loss_name=loss_name,
    )


def test_fake_loss_on_the_book_1010_networks(kata):
    D, G = book_1010_gan()
    z = torch.tensor([0.5])  # the book's seed: one unbatched number
    loss_fn = nn.MSELoss()  # the book's 1010 GAN uses MSELoss
    with target_shape_warnings_are_errors():
        loss = call(
            kata.discriminator_fake_loss,
            D,
            G,
            z,
            loss_fn,
            why=msg(
                "discriminator_fake_loss(D, G, torch.tensor([0.5]), nn.MSELoss()) with the "
                "book's 1010 networks failed. Here D's verdict has shape (1,), not (batch, 1): "
                "expected a target with the shape of D's output, whatever that is "
                "(torch.zeros_like(verdict)).",
                "책의 1010 네트워크로 discriminator_fake_loss(D, G, torch.tensor([0.5]), "
                "nn.MSELoss())를 호출하니 실패했습니다. 여기서 판별기의 판정은 (batch, 1)이 "
                "아니라 (1,) 모양입니다. 목표값은 그것이 무엇이든 판별기 출력의 모양을 가져야 "
                "합니다(torch.zeros_like(verdict)).",
            ),
        )
    with torch.no_grad():
        expected = loss_fn(D(G(z)), torch.zeros(1))
    assert torch.allclose(loss.detach(), expected), msg(
        "With the book's 1010 networks and the seed 0.5, discriminator_fake_loss returned "
        "{got:.6f}; expected {want:.6f}, the book's "
        "D.train(G.forward(z).detach(), torch.FloatTensor([0.0])) loss.",
        "책의 1010 네트워크와 시드 0.5로 discriminator_fake_loss의 반환값이 {got:.6f}입니다. "
        "기대한 값은 책의 D.train(G.forward(z).detach(), torch.FloatTensor([0.0]))이 계산하는 "
        "손실 {want:.6f}입니다.",
        got=float(loss),
        want=float(expected),
    )
    backward(loss, "discriminator_fake_loss")
    assert all(grad is None for grad in named_grads(G).values()), msg(
        "With the book's 1010 networks, G's parameters received gradients while D trained on "
        "fake data; expected G's .grad to stay None. Did you forget `.detach()` on G's output?",
        "책의 1010 네트워크에서, 판별기가 가짜 데이터로 훈련하는 동안 생성기의 파라미터가 "
        "기울기를 받았습니다. 생성기의 .grad는 None으로 남아 있어야 합니다. 생성기의 출력에 "
        "`.detach()`를 잊지 않았나요?",
    )


def check_returns_only_the_loss(kata, name: str) -> None:
    D, G = make_gan()
    before = {"D": snapshot(D), "G": snapshot(G)}
    getattr(kata, name)(D, G, torch.randn(5, 2), nn.BCELoss())
    for net, module in (("D", D), ("G", G)):
        moved = changed(before[net], snapshot(module))
        assert not moved, msg(
            "{name}(...) changed {net}'s parameters {moved}; expected it only to compute the "
            "loss. Do not step an optimiser in it (the book's D.train does, but here the "
            "training step calls backward() and optimiser.step() once, outside).",
            "{name}(...)가 {net}의 파라미터 {moved}를 바꿨습니다. 이 함수는 손실만 계산해야 "
            "합니다. 그 안에서 옵티마이저를 step하지 마세요(책의 D.train은 그렇게 하지만, "
            "여기서는 훈련 단계가 바깥에서 backward()와 optimiser.step()을 한 번씩 호출합니다).",
            name=name,
            net=net,
            moved=moved,
        )
        filled = [k for k, grad in named_grads(module).items() if grad is not None]
        assert not filled, msg(
            "{name}(...) returned with {net}'s {filled} already holding gradients; expected "
            "every .grad still None: it called loss.backward() itself. Return the loss and let "
            "the caller call backward(), once (a second backward() through the same graph "
            "fails).",
            "{name}(...)가 반환될 때 {net}의 {filled}에 이미 기울기가 있습니다. 모든 .grad가 "
            "아직 None이어야 합니다: 함수 안에서 loss.backward()를 직접 호출했습니다. 손실을 "
            "반환하고 backward()는 호출하는 쪽에서 한 번만 하게 하세요(같은 그래프로 "
            "backward()를 두 번 하면 실패합니다).",
            name=name,
            net=net,
            filled=filled,
        )
        frozen = [k for k, p in module.named_parameters() if not p.requires_grad]
        assert not frozen, msg(
            "{name}(...) left {net}'s parameters {frozen} with requires_grad=False; expected "
            "every parameter to still require grad when it returns, or {net} can never learn "
            "again. {hint}",
            "{name}(...)가 {net}의 파라미터 {frozen}를 requires_grad=False로 남겼습니다. 함수가 "
            "반환될 때 모든 파라미터가 여전히 기울기를 필요로 해야 합니다. 그렇지 않으면 {net}는 "
            "다시는 배울 수 없습니다. {hint}",
            name=name,
            net=net,
            frozen=frozen,
            hint=frozen_hint(net),
        )


def test_fake_loss_returns_the_loss_without_training(kata):
    check_returns_only_the_loss(kata, "discriminator_fake_loss")


# ## Task 3.2: generator_loss


@pytest.mark.parametrize("loss_name", LOSSES)
@pytest.mark.parametrize("batch", [1, 5])
def test_generator_loss_gives_G_gradients(kata, batch, loss_name):
    D, G = make_gan()
    loss = kata.generator_loss(D, G, torch.randn(batch, 2), LOSSES[loss_name]())
    assert isinstance(loss, torch.Tensor) and loss.requires_grad, msg(
        "generator_loss(...) returned a loss that does not require grad; expected one whose "
        "graph leads back through D into G, or G cannot learn from it. Do not detach (or use "
        "torch.no_grad()) anywhere in the generator's loss.",
        "generator_loss(...)가 기울기가 필요 없는 손실을 반환했습니다. 그래프가 판별기를 거쳐 "
        "생성기까지 이어지는 손실이어야 생성기가 배울 수 있습니다. 생성기의 손실에서는 어디에도 "
        "detach하지(또는 torch.no_grad()를 쓰지) 마세요.",
    )
    backward(loss, "generator_loss")
    missing = [name for name, grad in named_grads(G).items() if grad is None or not grad.any()]
    assert not missing, msg(
        "After generator_loss(...).backward(), G's {missing} got no gradient (None or zeros); "
        "expected every parameter of G to get one. G learns only from the error that flows "
        "back through D: do not .detach() G's output in the generator's loss.",
        "generator_loss(...).backward() 뒤에 생성기의 {missing}가 기울기를 받지 못했습니다"
        "(None이거나 0). 생성기의 모든 파라미터가 기울기를 받아야 합니다. 생성기는 판별기를 "
        "거쳐 거꾸로 흐르는 오차로만 배웁니다: 생성기의 손실에서 생성기의 출력을 .detach()하지 "
        "마세요.",
        missing=missing,
    )


@pytest.mark.parametrize("d_output", ["[B, 1]", "[B]"])
@pytest.mark.parametrize("loss_name", LOSSES)
@pytest.mark.parametrize("batch", [1, 5])
def test_generator_loss_is_D_verdict_against_target_one(kata, batch, loss_name, d_output):
    D, G = make_gan(d_output)
    z = torch.randn(batch, 2)
    loss_fn = LOSSES[loss_name]()
    with target_shape_warnings_are_errors():
        loss = call(
            kata.generator_loss,
            D,
            G,
            z,
            loss_fn,
            why=msg(
                "generator_loss(...) with a batch of {batch}, a D whose verdicts have shape "
                "{d_output} and {loss_name} failed; expected the target to have exactly the "
                "shape of D's output, for any batch size and any D. Build it from the verdict "
                "itself (torch.ones_like), not from a fixed shape.",
                "generator_loss(...)가 실패했습니다(배치 크기 {batch}, 판정의 모양이 "
                "{d_output}인 판별기, 손실 함수 {loss_name}). 어떤 배치 크기와 어떤 판별기에서도 "
                "목표값은 판별기 출력의 모양과 정확히 같아야 합니다. 고정된 모양이 아니라 판정 "
                "자체로부터(torch.ones_like) 목표값을 만드세요.",
                batch=batch,
                d_output=d_output,
                loss_name=loss_name,
            ),
        )
    with torch.no_grad():
        verdict = D(G(z))
        expected = loss_fn(verdict, torch.ones_like(verdict))
        with_target_zero = loss_fn(verdict, torch.zeros_like(verdict))
    if torch.allclose(loss.detach(), with_target_zero):
        pytest.fail(
            msg(
                "generator_loss(...) returned {got:.6f} = loss_fn(D(G(z)), zeros); expected "
                "{want:.6f} = loss_fn(D(G(z)), ones). G wins when D calls its fakes real: G's "
                "target is 1, the label of real data.",
                "generator_loss(...)가 {got:.6f} = loss_fn(D(G(z)), zeros)를 반환했습니다. "
                "기대한 값은 {want:.6f} = loss_fn(D(G(z)), ones)입니다. 생성기는 판별기가 자기 "
                "가짜를 진짜라고 판정할 때 이깁니다: 생성기의 목표값은 1, 곧 진짜 데이터의 "
                "레이블입니다.",
                got=float(loss),
                want=float(expected),
            ),
            pytrace=False,
        )
    assert torch.allclose(loss.detach(), expected), msg(
        "generator_loss(...) returned {got:.6f}; expected loss_fn(D(G(z)), ones) = {want:.6f} "
        "for a batch of {batch} with {loss_name}. Let D judge G(z) (not detached) and compare "
        "with a target of ones shaped like D's output, through the loss_fn you are given.",
        "generator_loss(...)의 반환값이 {got:.6f}입니다. 배치 크기 {batch}, 손실 함수 "
        "{loss_name}에서 기대한 값은 loss_fn(D(G(z)), ones) = {want:.6f}입니다. 판별기가 "
        "(detach하지 않은) G(z)를 판정하게 하고, 판별기 출력과 모양이 같은 1 목표값과 주어진 "
        "loss_fn으로 비교하세요.",
        got=float(loss),
        want=float(expected),
        batch=batch,
        loss_name=loss_name,
    )


def test_generator_loss_reaches_D_too(kata):
    D, G = make_gan()
    loss = kata.generator_loss(D, G, torch.randn(5, 2), nn.BCELoss())
    backward(loss, "generator_loss")
    missing = [name for name, grad in named_grads(D).items() if grad is None]
    assert not missing, msg(
        "After generator_loss(...).backward(), D's parameters {missing} have no gradient; "
        "expected D's parameters to get gradients too, since G's error flows through D. That "
        "is fine: only G's optimiser steps after this loss. Do not freeze D or put it under "
        "torch.no_grad() in the loss function (freezing D for G's step, if you want it, is "
        "the training step's choice: kata 4).",
        "generator_loss(...).backward() 뒤에 판별기의 파라미터 {missing}에 기울기가 없습니다. "
        "생성기의 오차가 판별기를 거쳐 흐르므로 판별기의 파라미터도 기울기를 받아야 합니다. "
        "그래도 괜찮습니다: 이 손실 뒤에는 생성기의 옵티마이저만 step합니다. 손실 함수 안에서 "
        "판별기를 얼리거나(freeze) torch.no_grad() 안에 넣지 마세요(생성기의 단계에서 판별기를 "
        "얼릴지는 훈련 단계가 정할 일입니다: 카타 4).",
        missing=missing,
    )


def test_G_still_learns_after_D_trained_on_its_fakes(kata):
    D, G = make_gan()
    z = torch.randn(5, 2)
    backward(kata.discriminator_fake_loss(D, G, z, nn.BCELoss()), "discriminator_fake_loss")
    backward(kata.generator_loss(D, G, z, nn.BCELoss()), "generator_loss")
    missing = [name for name, grad in named_grads(G).items() if grad is None or not grad.any()]
    assert not missing, msg(
        "D's step then G's step (as in the book's loop) left G's {missing} without gradients; "
        "expected G's step to give every parameter of G a gradient. The cut in D's step must "
        "not outlive it: detach the fakes rather than freezing G.",
        "판별기의 단계 다음에 생성기의 단계를 했더니(책의 루프처럼) 생성기의 {missing}에 "
        "기울기가 없습니다. 생성기의 단계에서는 생성기의 모든 파라미터가 기울기를 받아야 합니다. "
        "판별기의 단계에서 자른 것이 그 뒤까지 이어지면 안 됩니다: 생성기를 얼리지(freeze) 말고 "
        "가짜를 detach하세요.",
        missing=missing,
    )


def test_generator_loss_returns_the_loss_without_training(kata):
    check_returns_only_the_loss(kata, "generator_loss")


# ## Task 3.3: count_backward_nodes


def graph_nodes(loss: torch.Tensor) -> set:
    """The test's own walk: every node reachable from loss.grad_fn, each once."""
    seen, todo = set(), [loss.grad_fn]
    while todo:
        node = todo.pop()
        if node is not None and node not in seen:
            seen.add(node)
            todo.extend(parent for parent, _ in node.next_functions)
    return seen


def accepted_counts(loss: torch.Tensor) -> set[int]:
    """The right answers: with the AccumulateGrad nodes, or without them."""
    nodes = graph_nodes(loss)
    leaves = sum(type(node).__name__ == "AccumulateGrad" for node in nodes)
    return {len(nodes), len(nodes) - leaves}


def count(kata, loss: torch.Tensor, what: str) -> int:
    """``count_backward_nodes(loss)``; ``what`` (a msg) names the loss in the message."""
    return call(
        kata.count_backward_nodes,
        loss,
        why=msg(
            "count_backward_nodes({what}) failed; expected a count. Each entry of "
            "node.next_functions is a pair (node, input_number) whose node is None for an "
            "input that needs no gradient: skip the None ones (and a loss.grad_fn of None).",
            "count_backward_nodes({what})가 실패했습니다. 개수를 반환해야 합니다. "
            "node.next_functions의 각 항목은 (node, input_number) 쌍이고, 기울기가 필요 없는 "
            "입력이면 그 node가 None입니다: None인 것은 건너뛰세요(None인 loss.grad_fn도).",
            what=what,
        ),
    )


@given(length=st.integers(1, 12))
def test_count_a_chain_of_operations(kata, length):
    x = torch.ones(3, requires_grad=True)
    y = x
    for _ in range(length):
        y = y * 1.5
    loss = y.sum()
    found = count(
        kata,
        loss,
        msg("a chain of {length} multiplications", "곱셈 {length}번의 연쇄", length=length),
    )
    accepted = accepted_counts(loss)
    assert found in accepted, msg(
        "x -> {length} times `* 1.5` -> .sum() has {most} autograd nodes: SumBackward0, "
        "{length} MulBackward0 and x's AccumulateGrad ({least} without AccumulateGrad); "
        "count_backward_nodes returned {found}. Count every node, not kinds of node: each "
        "multiplication is a node of its own.",
        "x -> `* 1.5`를 {length}번 -> .sum()에는 autograd 노드가 {most}개 있습니다: "
        "SumBackward0, MulBackward0 {length}개, x의 AccumulateGrad(AccumulateGrad를 빼면 "
        "{least}개). count_backward_nodes의 반환값은 {found}입니다. 노드의 종류가 아니라 노드를 "
        "하나하나 세세요: 곱셈마다 노드가 따로 있습니다.",
        length=length,
        most=max(accepted),
        least=min(accepted),
        found=found,
    )


def graphless_loss(case: str) -> str:
    """How ``test_count_is_zero_without_a_graph`` made its loss, as a message."""
    if case == "under no_grad":
        return msg("a loss computed under torch.no_grad()", "torch.no_grad() 안에서 계산한 손실")
    if case == "detached":
        return msg("a detached loss", "detach한 손실")
    return msg("a leaf tensor", "잎 텐서(leaf)")


@pytest.mark.parametrize("case", ["under no_grad", "detached", "a leaf"])
def test_count_is_zero_without_a_graph(kata, case):
    D, G = make_gan()
    z = torch.randn(4, 2)
    if case == "under no_grad":
        with torch.no_grad():
            loss = nn.BCELoss()(D(G(z)), torch.zeros(4, 1))
    elif case == "detached":
        loss = nn.BCELoss()(D(G(z)), torch.zeros(4, 1)).detach()
    else:
        loss = torch.tensor(0.5, requires_grad=True)
    what = graphless_loss(case)
    found = count(kata, loss, what)
    assert found == 0, msg(
        "count_backward_nodes({what}) returned {found}; expected 0: the tensor has no "
        "grad_fn, so backward() has no graph to walk. Start from loss.grad_fn and count "
        "nothing when it is None.",
        "count_backward_nodes({what})의 반환값이 {found}입니다. 0이어야 합니다: 이 텐서에는 "
        "grad_fn이 없어서 backward()가 따라갈 그래프가 없습니다. loss.grad_fn에서 시작하고, 그것이 "
        "None이면 아무것도 세지 마세요.",
        what=what,
        found=found,
    )


def test_count_a_shared_node_once(kata):
    x = torch.ones(3, requires_grad=True)
    shared = ((x * 2) + 1).tanh()  # both branches below lead back to this chain
    loss = (shared.exp() + shared.sin()).sum()
    found = count(kata, loss, msg("a diamond-shaped graph", "다이아몬드 모양의 그래프"))
    accepted = accepted_counts(loss)
    assert found in accepted, msg(
        "In (t.exp() + t.sin()).sum() with t = ((x * 2) + 1).tanh(), two paths lead back to "
        "t's nodes; count_backward_nodes returned {found}, expected {most} ({least} without "
        "AccumulateGrad). A node reached by two paths must count once: remember the nodes you "
        "have seen (a set) and skip them when you meet them again.",
        "t = ((x * 2) + 1).tanh()일 때 (t.exp() + t.sin()).sum()에서는 두 경로가 t의 노드로 "
        "거슬러 올라갑니다. count_backward_nodes의 반환값이 {found}입니다. 기대한 값은 "
        "{most}입니다(AccumulateGrad를 빼면 {least}). 두 경로로 닿는 노드도 한 번만 세야 합니다: "
        "이미 본 노드를 집합(set)에 기억해 두고 다시 만나면 건너뛰세요.",
        found=found,
        most=max(accepted),
        least=min(accepted),
    )


def test_count_a_network_with_many_parameters(kata):
    D, G = make_gan()
    z = torch.randn(4, 2)
    loss = nn.MSELoss()(D(G(z)), torch.ones(4, 1))
    found = count(kata, loss, msg("a loss through G and D", "생성기와 판별기를 거친 손실"))
    accepted = accepted_counts(loss)
    assert found in accepted, msg(
        "For MSELoss(D(G(z)), ones) with G and D one Linear + Sigmoid each, "
        "count_backward_nodes returned {found}; expected {most} distinct nodes ({least} "
        "without the four AccumulateGrad nodes of the weights and biases). Walk every "
        "next_functions entry, skipping only None and the nodes already seen.",
        "생성기와 판별기가 각각 Linear + Sigmoid 하나인 MSELoss(D(G(z)), ones)에서 "
        "count_backward_nodes의 반환값이 {found}입니다. 기대한 값은 서로 다른 노드 "
        "{most}개입니다(가중치와 편향의 AccumulateGrad 노드 네 개를 빼면 {least}개). "
        "next_functions의 항목을 모두 따라가되, None과 이미 본 노드만 건너뛰세요.",
        found=found,
        most=max(accepted),
        least=min(accepted),
    )


def test_detach_cuts_G_away_from_the_graph(kata):
    D, G = make_gan()
    z = torch.randn(4, 2)
    loss_fn = nn.BCELoss()
    detached = count(
        kata,
        kata.discriminator_fake_loss(D, G, z, loss_fn),
        msg("discriminator_fake_loss(...)", "discriminator_fake_loss(...)의 손실"),
    )
    verdict = D(G(z))
    undetached = count(
        kata,
        loss_fn(verdict, torch.zeros_like(verdict)),
        msg("D's loss without detach", "detach 없는 판별기의 손실"),
    )
    assert detached < undetached, msg(
        "count_backward_nodes gives {detached} nodes for discriminator_fake_loss and "
        "{undetached} for the same loss without detach; expected fewer with the cut, since "
        "backward() then never enters G. Either the count or the detach is missing something.",
        "count_backward_nodes가 discriminator_fake_loss에는 노드 {detached}개, detach 없는 같은 "
        "손실에는 {undetached}개를 줍니다. 자르면 backward()가 생성기에 들어가지 않으므로 "
        "노드가 더 적어야 합니다. 개수 세기나 detach 중 하나가 무언가를 빠뜨리고 있습니다.",
        detached=detached,
        undetached=undetached,
    )
    plain = G(z).detach().clone()  # a tensor with no history at all, as D sees it after the cut
    verdict = D(plain)
    only_D = count(
        kata,
        loss_fn(verdict, torch.zeros_like(verdict)),
        msg("D's loss on plain data", "기록 없는 데이터에 대한 판별기의 손실"),
    )
    assert detached == only_D, msg(
        "discriminator_fake_loss's graph has {detached} nodes, but D judging plain data has "
        "{only_D}; expected the same: after .detach() the backward pass covers D only. Detach "
        "G's output itself, the whole of what D sees.",
        "discriminator_fake_loss의 그래프에는 노드가 {detached}개인데, 기록 없는 데이터를 "
        "판별기가 판정하면 {only_D}개입니다. 둘이 같아야 합니다: .detach() 뒤에는 역전파가 "
        "판별기만 지나갑니다. 판별기가 보는 것 전체, 곧 생성기의 출력 자체를 detach하세요.",
        detached=detached,
        only_D=only_D,
    )
