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
        why=f"{name}(...).backward() failed. The function must return a loss that still has "
        "its autograd graph (a grad_fn), and must not have called backward() on it already.",
    )


# ## Task 3.1: discriminator_fake_loss


def test_fake_loss_is_a_single_number(kata):
    D, G = make_gan()
    loss = kata.discriminator_fake_loss(D, G, torch.randn(4, 2), nn.BCELoss())
    assert isinstance(loss, torch.Tensor) and loss.ndim == 0, (
        f"discriminator_fake_loss(...) returned {type(loss).__name__} "
        f"{tuple(getattr(loss, 'shape', ()))}; expected the 0-dim tensor that loss_fn returns, "
        "ready for .backward()."
    )


@pytest.mark.parametrize("loss_name", LOSSES)
@pytest.mark.parametrize("batch", [1, 5])
def test_fake_loss_leaves_G_without_gradients(kata, batch, loss_name):
    D, G = make_gan()
    loss = kata.discriminator_fake_loss(D, G, torch.randn(batch, 2), LOSSES[loss_name]())
    backward(loss, "discriminator_fake_loss")
    touched = [name for name, grad in named_grads(G).items() if grad is not None]
    assert not touched, (
        f"G's parameters received gradients while D trained on fake data (G's {touched} have "
        "a .grad; expected every one to stay None, not even zero): did you forget `.detach()`? "
        "Cut G's output off the graph before D sees it, so backward() stops at the fakes."
    )


def test_fake_loss_lets_D_learn(kata):
    D, G = make_gan()
    with record_grad_mode(D) as grad_mode:
        loss = kata.discriminator_fake_loss(D, G, torch.randn(5, 2), nn.BCELoss())
    assert all(grad_mode), (
        "D's layers ran with autograd switched off (inside torch.no_grad()), so D's loss has "
        "no graph and D learns nothing. Only G's forward pass may go under torch.no_grad(); "
        "D must judge the fakes with gradients on."
    )
    assert isinstance(loss, torch.Tensor) and loss.requires_grad, (
        "discriminator_fake_loss(...) returned a loss that does not require grad (no "
        "grad_fn), so backward() cannot train D. Did you call .detach() on the loss, or on "
        "D's verdict, instead of on G's output? Detach only the fakes: D learns from the rest."
    )
    backward(loss, "discriminator_fake_loss")
    missing = [name for name, grad in named_grads(D).items() if grad is None or not grad.any()]
    assert not missing, (
        f"After discriminator_fake_loss(...).backward(), D's {missing} have no gradient (None "
        "or all zeros); expected every parameter of D to get one: D is the network that learns "
        "from this loss."
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
            why=f"discriminator_fake_loss(...) with a batch of {batch}, a D whose verdicts have "
            f"shape {d_output} and {loss_name} failed: the target must have exactly the shape "
            "of D's output, for any batch size and any D. Build it from the verdict itself "
            "(torch.zeros_like) rather than from a fixed shape such as torch.zeros(1).",
        )
    with torch.no_grad():
        verdict = D(G(z))
        expected = loss_fn(verdict, torch.zeros_like(verdict))
        with_target_one = loss_fn(verdict, torch.ones_like(verdict))
    if torch.allclose(loss.detach(), with_target_one):
        pytest.fail(
            f"discriminator_fake_loss(...) returned {float(loss):.6f} = loss_fn(D(G(z)), ones); "
            f"expected {float(expected):.6f} = loss_fn(D(G(z)), zeros). D must learn to call "
            "the fakes fake: the target is 0, not 1.",
            pytrace=False,
        )
    assert torch.allclose(loss.detach(), expected), (
        f"discriminator_fake_loss(...) returned {float(loss):.6f}; expected loss_fn(D(G(z)), "
        f"zeros) = {float(expected):.6f} for a batch of {batch} with {loss_name}. Run G on z, "
        "detach, let D judge, and compare with a target of zeros shaped like D's output."
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
            why="discriminator_fake_loss(D, G, torch.tensor([0.5]), nn.MSELoss()) with the "
            "book's 1010 networks failed. Here D's verdict has shape (1,), not (batch, 1): "
            "give the target the shape of D's output, whatever that is.",
        )
    with torch.no_grad():
        expected = loss_fn(D(G(z)), torch.zeros(1))
    assert torch.allclose(loss.detach(), expected), (
        f"With the book's 1010 networks and the seed 0.5, discriminator_fake_loss returned "
        f"{float(loss):.6f}; expected {float(expected):.6f}, the book's "
        "D.train(G.forward(z).detach(), torch.FloatTensor([0.0])) loss."
    )
    backward(loss, "discriminator_fake_loss")
    assert all(grad is None for grad in named_grads(G).values()), (
        "With the book's 1010 networks, G's parameters received gradients while D trained on "
        "fake data: did you forget `.detach()`?"
    )


def check_returns_only_the_loss(kata, name: str) -> None:
    D, G = make_gan()
    before = {"D": snapshot(D), "G": snapshot(G)}
    getattr(kata, name)(D, G, torch.randn(5, 2), nn.BCELoss())
    for net, module in (("D", D), ("G", G)):
        moved = changed(before[net], snapshot(module))
        assert not moved, (
            f"{name}(...) changed {net}'s parameters {moved}: it must only compute the loss. "
            "Do not step an optimiser in it (the book's D.train does, but here the training "
            "step calls backward() and optimiser.step() once, outside)."
        )
        filled = [k for k, grad in named_grads(module).items() if grad is not None]
        assert not filled, (
            f"{name}(...) returned with {net}'s {filled} already holding gradients: it called "
            "loss.backward() itself. Return the loss and let the caller call backward(), "
            "once (a second backward() through the same graph fails)."
        )
        frozen = [k for k, p in module.named_parameters() if not p.requires_grad]
        assert not frozen, (
            f"{name}(...) left {net}'s parameters {frozen} with requires_grad=False, so {net} "
            "can never learn again. Cut the graph with .detach() instead of freezing a network."
        )


def test_fake_loss_returns_the_loss_without_training(kata):
    check_returns_only_the_loss(kata, "discriminator_fake_loss")


# ## Task 3.2: generator_loss


@pytest.mark.parametrize("loss_name", LOSSES)
@pytest.mark.parametrize("batch", [1, 5])
def test_generator_loss_gives_G_gradients(kata, batch, loss_name):
    D, G = make_gan()
    loss = kata.generator_loss(D, G, torch.randn(batch, 2), LOSSES[loss_name]())
    assert isinstance(loss, torch.Tensor) and loss.requires_grad, (
        "generator_loss(...) returned a loss that does not require grad: G cannot learn from "
        "it. Do not detach (or use torch.no_grad()) anywhere in the generator's loss."
    )
    backward(loss, "generator_loss")
    missing = [name for name, grad in named_grads(G).items() if grad is None or not grad.any()]
    assert not missing, (
        f"After generator_loss(...).backward(), G's {missing} got no gradient (None or zeros). "
        "G learns only from the error that flows back through D: do not .detach() G's output "
        "in the generator's loss."
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
            why=f"generator_loss(...) with a batch of {batch}, a D whose verdicts have shape "
            f"{d_output} and {loss_name} failed: the target must have exactly the shape of D's "
            "output. Build it from the verdict itself (torch.ones_like).",
        )
    with torch.no_grad():
        verdict = D(G(z))
        expected = loss_fn(verdict, torch.ones_like(verdict))
        with_target_zero = loss_fn(verdict, torch.zeros_like(verdict))
    if torch.allclose(loss.detach(), with_target_zero):
        pytest.fail(
            f"generator_loss(...) returned {float(loss):.6f} = loss_fn(D(G(z)), zeros); "
            f"expected {float(expected):.6f} = loss_fn(D(G(z)), ones). G wins when D calls its "
            "fakes real: G's target is 1, the label of real data.",
            pytrace=False,
        )
    assert torch.allclose(loss.detach(), expected), (
        f"generator_loss(...) returned {float(loss):.6f}; expected loss_fn(D(G(z)), ones) = "
        f"{float(expected):.6f} for a batch of {batch} with {loss_name}."
    )


def test_generator_loss_reaches_D_too(kata):
    D, G = make_gan()
    loss = kata.generator_loss(D, G, torch.randn(5, 2), nn.BCELoss())
    backward(loss, "generator_loss")
    missing = [name for name, grad in named_grads(D).items() if grad is None]
    assert not missing, (
        f"After generator_loss(...).backward(), D's parameters {missing} have no gradient; "
        "expected D's parameters to get gradients too, since G's error flows through D. That "
        "is fine: only G's optimiser steps after this loss. Do not freeze D or put it under "
        "torch.no_grad()."
    )


def test_G_still_learns_after_D_trained_on_its_fakes(kata):
    D, G = make_gan()
    z = torch.randn(5, 2)
    backward(kata.discriminator_fake_loss(D, G, z, nn.BCELoss()), "discriminator_fake_loss")
    backward(kata.generator_loss(D, G, z, nn.BCELoss()), "generator_loss")
    missing = [name for name, grad in named_grads(G).items() if grad is None or not grad.any()]
    assert not missing, (
        f"D's step then G's step (as in the book's loop) left G's {missing} without gradients. "
        "The cut in D's step must not outlive it: detach the fakes rather than freezing G."
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
    return call(
        kata.count_backward_nodes,
        loss,
        why=f"count_backward_nodes({what}) failed. Each entry of node.next_functions is a "
        "pair (node, input_number) whose node is None for an input that needs no gradient: "
        "skip the None ones.",
    )


@given(length=st.integers(1, 12))
def test_count_a_chain_of_operations(kata, length):
    x = torch.ones(3, requires_grad=True)
    y = x
    for _ in range(length):
        y = y * 1.5
    loss = y.sum()
    found = count(kata, loss, f"a chain of {length} multiplications")
    accepted = accepted_counts(loss)
    assert found in accepted, (
        f"x -> {length} times `* 1.5` -> .sum() has {max(accepted)} autograd nodes: "
        f"SumBackward0, {length} MulBackward0 and x's AccumulateGrad ({min(accepted)} without "
        f"AccumulateGrad); count_backward_nodes returned {found}. Count every node, not kinds "
        "of node: each multiplication is a node of its own."
    )


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
    found = count(kata, loss, f"a loss {case}")
    assert found == 0, (
        f"count_backward_nodes(a loss {case}) returned {found}; expected 0: the tensor has "
        "no grad_fn, so backward() has no graph to walk (start from loss.grad_fn and count "
        "nothing when it is None)."
    )


def test_count_a_shared_node_once(kata):
    x = torch.ones(3, requires_grad=True)
    shared = ((x * 2) + 1).tanh()  # both branches below lead back to this chain
    loss = (shared.exp() + shared.sin()).sum()
    found = count(kata, loss, "a diamond-shaped graph")
    accepted = accepted_counts(loss)
    assert found in accepted, (
        f"In (t.exp() + t.sin()).sum() with t = ((x * 2) + 1).tanh(), two paths lead back to "
        f"t's nodes; count_backward_nodes returned {found}, expected {max(accepted)} "
        f"({min(accepted)} without AccumulateGrad). A node reached by two paths must count "
        "once: remember the nodes you have seen (a set) and skip them when you meet them again."
    )


def test_count_a_network_with_many_parameters(kata):
    D, G = make_gan()
    z = torch.randn(4, 2)
    loss = nn.MSELoss()(D(G(z)), torch.ones(4, 1))
    found = count(kata, loss, "a loss through G and D")
    accepted = accepted_counts(loss)
    assert found in accepted, (
        f"For MSELoss(D(G(z)), ones) with G and D one Linear + Sigmoid each, "
        f"count_backward_nodes returned {found}; expected {max(accepted)} distinct nodes "
        f"({min(accepted)} without the four AccumulateGrad nodes of the weights and biases)."
    )


def test_detach_cuts_G_away_from_the_graph(kata):
    D, G = make_gan()
    z = torch.randn(4, 2)
    loss_fn = nn.BCELoss()
    detached = count(
        kata, kata.discriminator_fake_loss(D, G, z, loss_fn), "discriminator_fake_loss(...)"
    )
    verdict = D(G(z))
    undetached = count(kata, loss_fn(verdict, torch.zeros_like(verdict)), "D's loss without detach")
    assert detached < undetached, (
        f"count_backward_nodes gives {detached} nodes for discriminator_fake_loss and "
        f"{undetached} for the same loss without detach; expected fewer with the cut, since "
        "backward() then never enters G. Either the count or the detach is missing something."
    )
    plain = G(z).detach().clone()  # a tensor with no history at all, as D sees it after the cut
    verdict = D(plain)
    only_D = count(kata, loss_fn(verdict, torch.zeros_like(verdict)), "D's loss on plain data")
    assert detached == only_D, (
        f"discriminator_fake_loss's graph has {detached} nodes, but D judging plain data has "
        f"{only_D}; expected the same: after .detach() the backward pass covers D only."
    )
