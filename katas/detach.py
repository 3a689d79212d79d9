"""Kata 3 · detach(): train D on fakes without touching G.
한국어 수업: ``gankata lesson detach --lang ko``

Sources: the study group's slides on Make Your First GAN With PyTorch, ch. 7 (Handwritten
Digits), "2단계: 거짓에 대해 판별기 훈련" (G의 기울기가 계산되지 않도록 detach() 함수를
이용: ``D.train(G.forward(z).detach(), 0)``); the vanilla PyTorch GAN code review,
"Discriminator(gen_fake.detach())의 이유"; and the study notes on the book's ch. 6 (Simple
1010 Pattern), which say detach() is there for "효율적이고 빠른 결과".

Every GAN step trains the discriminator D on fakes: G turns seeds ``z`` into fake images,
D judges them, and the loss says how far D's verdict is from 0 ("fake"). Then
``loss.backward()`` walks the record of how the loss was made, back to every parameter that
took part, and writes each one's gradient into ``.grad``. Without a cut, that walk goes
through D *and on through G*: it computes how G should change so that D spots its fakes
more easily. That is work for nothing in D's step (only D's optimiser steps), and gradients
that point the wrong way for G, sitting in G's ``.grad`` until someone clears them.

``tensor.detach()`` returns the same numbers with no history ("Returns a new Tensor,
detached from the current graph. The result will never require gradient", as the review
quotes the docs). Put it between G and D, and backward() stops at the fake images: D's
parameters get gradients, G's ``.grad`` stays ``None``. ``with torch.no_grad():`` around
G's forward pass alone does the same job. Around D too, it would leave D nothing to learn.

The generator's step is the mirror image: D judges ``G(z)`` and G's loss measures how far
that verdict is from 1 ("real"), because G wins when D is fooled. G has no loss of its own;
it learns only from the error that flows back *through* D, so nothing is detached here.
backward() then fills D's ``.grad`` too. That is harmless: only G's optimiser steps, and
D's ``zero_grad()`` clears them before D's next step (kata 4 puts the step together).

How much does the cut save? Every operation on a tensor that needs gradients records an
autograd node (``loss.grad_fn``), linked to the nodes of its inputs through
``next_functions``; the ``AccumulateGrad`` nodes at the ends write the leaves' ``.grad``.
backward() visits each of those nodes once. Count them and "detach makes it faster"
becomes a number: the detached loss reaches only D's half of the graph.

What to implement (search for "Kata 3." to find every TODO):

    3.1  discriminator_fake_loss(D, G, z, loss_fn)  D's loss on G's fakes, target 0, G cut off
    3.2  generator_loss(D, G, z, loss_fn)           D's verdict on G(z), target 1, no cut
    3.3  count_backward_nodes(loss)                 distinct autograd nodes behind loss.grad_fn

Try it::

    G = nn.Sequential(nn.Linear(2, 4), nn.Sigmoid())
    D = nn.Sequential(nn.Linear(4, 1), nn.Sigmoid())
    z = torch.randn(8, 2)
    loss = discriminator_fake_loss(D, G, z, nn.BCELoss())
    fake_graph, g_graph = loss, generator_loss(D, G, z, nn.BCELoss())
    print(count_backward_nodes(fake_graph), count_backward_nodes(g_graph))  # 6 and 11 (or 4, 7)
    loss.backward(); print(G[0].weight.grad, D[0].weight.grad)   # None, and a gradient

The classic mistakes: forgetting ``.detach()`` (G receives gradients in D's step);
detaching the loss, or D's verdict, instead of G's output (backward() then fails: nothing
left to learn from); wrapping D's forward pass in ``torch.no_grad()`` along with G's (D
learns nothing); the target 1 for fakes, or 0 in the generator's loss (each network learns
the other's goal); detaching in the generator's loss (G never learns); a target whose shape
differs from D's output, such as ``torch.zeros(1)`` for a batch (BCELoss refuses it, MSELoss
warns and broadcasts); calling backward() or an optimiser step inside these functions, as
the book's ``D.train`` does (here the caller does that, once).
"""

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
    # TODO: Implement for Kata 3.1.
    raise NotImplementedError("Need to implement for Kata 3.1: discriminator_fake_loss")


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
    # TODO: Implement for Kata 3.2.
    raise NotImplementedError("Need to implement for Kata 3.2: generator_loss")


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
    # TODO: Implement for Kata 3.3.
    raise NotImplementedError("Need to implement for Kata 3.3: count_backward_nodes")
