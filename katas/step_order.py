"""Kata 4 · The GAN step: D on real, D on detached fake, G through D.
한국어 수업: ``gankata lesson step_order --lang ko``

Sources: Make Your First GAN With PyTorch, ch. 6 (Simple 1010 Pattern), the three-step loop,
as the study group's chapter 7 slides give it; the study notes on the Keras DCGAN, a Korean
textbook's MNIST model (Keras' ``discriminator.trainable = False``); the vanilla PyTorch GAN
code review (the vanilla GAN loop).

A GAN is two networks and one loop. The chapter 7 slides give that loop in three lines:

    1. 판별기를 실제 데이터로 훈련한다.          train D on real data
    2. 판별기를 생성된 데이터로 훈련한다.        train D on generated data
    3. 판별기를 속일 수 있도록 생성기를 훈련한다.  train G to fool D

    D.train(image_data_tensor, torch.FloatTensor([1.0]))
    D.train(G.forward(generate_random(1)).detach(), torch.FloatTensor([0.0]))
    G.train(D, generate_random(1), torch.FloatTensor([1.0]))

Each ``train`` is one optimiser step: zero the gradients, compute the loss, ``backward()``,
``step()``. D learns twice per round: "this is real" (target 1), then "this is fake"
(target 0). Then G learns once, with target **1**: its loss is small when D calls its fake
real, so following the gradient makes G a better forger. The gradient of that loss has to
flow back *through* D into G, which is why step 3 passes the fake that is still attached to
G, while step 2 passes ``fake.detach()``: D's lesson must not leave gradients in G (the slide:
"G의 기울기가 계산되지 않도록 detach() 함수를 이용").

And D must not learn in step 3. Keras users meet this as ``discriminator.trainable = False``
(the Keras DCGAN study notes), and Keras needs it: the combined model ``gan = D(G(z))`` has one
optimiser, which updates every trainable weight the model holds, D's included. Keras reads
``trainable`` when a model is *compiled*, so D is compiled (trainable), then ``trainable`` is
set to False, then ``gan`` is compiled: in ``gan`` D's weights are frozen, while
``discriminator.train_on_batch`` still updates them. PyTorch has no compile step, and freezing
is not what keeps D still there: what changes a network is the optimiser you ``step()``.
``g_opt`` holds only G's parameters, so stepping it leaves D's weights where they are, frozen
or not, while G's loss still flows back *through* D into G.

``freeze(D)`` (``requires_grad_(False)`` on each parameter) is the PyTorch form of
``trainable = False``, and it still earns its keep: it skips computing gradients for D's
weights that nobody would use, and it leaves D's ``.grad`` exactly as D's own step left it, so
nothing from G's step can leak into D's next update if a ``zero_grad()`` is ever missed. This
kata's ``gan_step`` leaves it optional; kata 11, the translation of the Keras DCGAN, asks for
it, so that the translation keeps what the Keras code says. If you freeze D, unfreeze it after
``g_opt.step()``, or it never learns again.

One more habit: ``zero_grad()`` before *every* backward pass. Gradients add up in ``.grad``
until someone clears them, and step 3 fills D's ``.grad`` (unless D is frozen): the next
step 1 must start from zero. pytorch/examples' dcgan adds D's real and fake losses and steps
D once; that is a fine variant, but this kata follows the book: D steps after step 1 and
again after step 2. Whether G runs once (its output reused, ``.detach()`` for step 2, as it
is for step 3) or twice (as in the book) is up to you.

What to implement (search for "Kata 4." to find every TODO):

    4.1  freeze(module), unfreeze(module)    requires_grad_(False / True) on every parameter
    4.2  gan_step(D, G, real, z, d_opt, g_opt, loss_fn) -> StepLosses(d_real, d_fake, g)
         1. D(real), target 1, step d_opt   2. D(G(z).detach()), target 0, step d_opt
         3. D(G(z)), target 1, step g_opt only; targets shaped like D's output ([B, 1])

Try it:  ``D = nn.Sequential(nn.Linear(4, 3), nn.Sigmoid(), nn.Linear(3, 1), nn.Sigmoid())``,
a G from 1 seed to 4 values, ``SGD`` for each and ``nn.BCELoss()``; call ``gan_step`` on a
batch of 1010 patterns with ``z = torch.rand(8, 1)`` a few thousand times and print the losses.

The classic mistakes: forgetting ``.detach()`` in step 2 (G collects D's gradients, and
reusing G's output then fails with "backward through the graph a second time"); training G
with target 0; stepping ``d_opt`` in step 3 (or ``g_opt`` in step 2); swapping steps 2 and 3;
forgetting ``zero_grad()`` so that gradients accumulate; a target of fixed shape ``[1, 1]``
that breaks for a batch; returning loss tensors instead of floats; ``D.requires_grad = False``
(a Keras habit that only sets an attribute) instead of ``requires_grad_(False)`` on the
parameters; freezing D for step 3 and never unfreezing it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import torch
from torch import nn


class StepLosses(NamedTuple):
    """The three losses of one GAN step, as Python floats (ready to log or plot)."""

    d_real: float
    d_fake: float
    g: float


def freeze(module: nn.Module) -> None:
    """Turn off ``requires_grad`` on every parameter of ``module`` (Keras: ``trainable = False``).

    Gradients still flow *through* a frozen module to whatever feeds it; only its own
    parameters stop collecting ``.grad``. Returns None: it changes the module in place.
    """
    # TODO: Implement for Kata 4.1.
    raise NotImplementedError("Need to implement for Kata 4.1: freeze")


def unfreeze(module: nn.Module) -> None:
    """Turn ``requires_grad`` back on for every parameter of ``module``: the undo of ``freeze``."""
    # TODO: Implement for Kata 4.1.
    raise NotImplementedError("Need to implement for Kata 4.1: unfreeze")


def gan_step(
    D: nn.Module,
    G: nn.Module,
    real: torch.Tensor,
    z: torch.Tensor,
    d_opt: torch.optim.Optimizer,
    g_opt: torch.optim.Optimizer,
    loss_fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor],
) -> StepLosses:
    """One GAN training step on a batch, in the book's three steps.

    1. D on ``real`` with target 1, then step ``d_opt``.
    2. D on ``G(z).detach()`` with target 0, then step ``d_opt``.
    3. G through D (``D(G(z))``) with target 1, then step ``g_opt`` only.

    Targets are shaped like D's output (``[B, 1]`` for a batch of B). Every step zeroes its
    optimiser's gradients before its backward pass, so that no step sees another's gradient.
    ``z`` is a fresh batch of seeds from the caller. Returns the three losses as floats.
    """
    # TODO: Implement for Kata 4.2.
    raise NotImplementedError("Need to implement for Kata 4.2: gan_step")
