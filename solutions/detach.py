"""Reference answer to kata 3 (katas/detach.py holds the lesson)."""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import nn


def discriminator_fake_loss(
    D: nn.Module,
    G: nn.Module,
    z: torch.Tensor,
    loss_fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor],
) -> torch.Tensor:
    """D's loss on G's fakes, cut off from G: the book's ``D.train(G.forward(z).detach(), 0)``.

    Runs G on the seeds ``z``, cuts the result off the autograd graph, lets D judge it and
    returns ``loss_fn(verdict, target)`` with a target of zeros shaped like D's output
    (0 = "fake", for any batch size). ``.backward()`` on the result gives every parameter of
    D a gradient and leaves every parameter of G with ``.grad`` still ``None``.

    Only the loss: no ``backward()``, no optimiser step (the training step does those).

        z [B, 2] -> a 0-dim loss; loss.backward() fills D's .grad, G's .grad stays None
    """
    # detach() cuts the graph at G's output, so backward() stops there and never reaches G.
    fake = G(z).detach()
    verdict = D(fake)
    return loss_fn(verdict, torch.zeros_like(verdict))


def generator_loss(
    D: nn.Module,
    G: nn.Module,
    z: torch.Tensor,
    loss_fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor],
) -> torch.Tensor:
    """G's loss: D's verdict on ``G(z)`` against a target of ones shaped like D's output.

    G wins when D calls its fakes real (1). Nothing is detached: G has no loss of its own and
    learns only from the error that flows back through D, so ``.backward()`` gives G's
    parameters gradients, and D's as well (only G's optimiser steps after this loss).

    Only the loss: no ``backward()``, no optimiser step, and D is not frozen.

        z [B, 2] -> a 0-dim loss; loss.backward() fills the .grad of G and of D
    """
    # No detach here: the error must travel back through D into G.
    verdict = D(G(z))
    return loss_fn(verdict, torch.ones_like(verdict))


def count_backward_nodes(loss: torch.Tensor) -> int:
    """The number of distinct autograd nodes that ``loss.backward()`` would visit.

    Start at ``loss.grad_fn`` and follow each node's ``next_functions``: pairs
    ``(node, input_number)``, whose node is ``None`` for an input that needs no gradient.
    Count every node once, even when two paths lead to it (in ``y = x.exp(); y + y.sin()``
    both branches reach ``ExpBackward0``). The ``AccumulateGrad`` nodes, which write a leaf's
    ``.grad``, may be counted or skipped. A tensor without ``grad_fn`` (computed under
    ``torch.no_grad()``, detached, or a leaf) has no graph to walk: it counts 0.

        x = torch.ones(3, requires_grad=True)
        count_backward_nodes((x * 2).sum()) -> 3: SumBackward0, MulBackward0, AccumulateGrad
                                               (2 if you skip AccumulateGrad)
    """
    seen = set()
    todo = [loss.grad_fn]  # None when there is no graph: the loop then counts nothing
    while todo:
        node = todo.pop()
        if node is None or node in seen:  # None: an input that needs no gradient
            continue
        seen.add(node)
        todo.extend(parent for parent, _ in node.next_functions)
    return len(seen)
