"""Kata 5 · The 1010 pattern GAN.
한국어 수업: ``gankata lesson pattern_1010 --lang ko``

Sources: Make Your First GAN With PyTorch, ch. 6 (Simple 1010 Pattern). The study notes on
ch. 6, "Simple Pattern" (the full ``Discriminator`` and ``Generator`` classes with ``train``,
``progress`` and ``plot_progress``, and the training loop); the study group's chapter 7
slides, "1010 패턴 실습 코드".

Before a GAN draws digits, the book builds the smallest GAN there is. The "real data" are
four numbers in a fixed pattern, high-low-high-low, each a little noisy:

    generate_real()     -> tensor([0.93, 0.04, 0.85, 0.16])   0 and 2 in [0.8, 1.0],
                                                               1 and 3 in [0.0, 0.2]
    generate_random(4)  -> tensor([0.50, 0.77, 0.09, 0.64])   torch.rand: plain noise

The discriminator D (4 -> 3 -> 1, sigmoids) says how sure it is that four values are real:
1.0 for real, 0.0 for fake. The generator G (1 -> 3 -> 4, sigmoids) turns one input value
into four values. It never sees a real pattern: all it learns comes back through D's
verdict. The book feeds G the same input every time, ``torch.FloatTensor([0.5])``, since
one fixed pattern needs no randomness (and so G can only ever make one pattern; the MNIST
GAN meets this again as mode collapse).

Each class keeps what the book keeps: ``self.model``, ``self.optimiser`` (plain SGD, lr
0.01), a ``counter`` of calls and ``progress``, the loss recorded on every 10th call (the
10th, 20th, ...), which the book plots with ``plot_progress``. D also has
``self.loss_function = nn.MSELoss()``. (The ch. 6 study notes' listing is a later experiment
with six values, LayerNorm, LeakyReLU in G, BCELoss and Adam; this kata builds the book's
first version: four values, sigmoids, MSE and SGD.) G has no loss function of its own: its
loss is D's loss on D's verdict about G's output, with the target 1.0 ("D should call this
real"). That loss flows back through D into G, so ``loss.backward()`` fills D's gradients
too, but only ``self.optimiser`` (G's) steps: "손실로부터 오차 역전파 -> self.optimiser
(D.optimiser X)".

The book checks first that D alone can learn: it trains D on ``generate_real()`` (target
1.0) and ``generate_random(4)`` (target 0.0) until D tells them apart. Then comes the
three-step loop, once per step:

    D.train(generate_real(), torch.FloatTensor([1.0]))                          # 1. real
    D.train(G.forward(torch.FloatTensor([0.5])).detach(), torch.FloatTensor([0.0]))  # 2. fake
    G.train(D, torch.FloatTensor([0.5]), torch.FloatTensor([1.0]))              # 3. fool D

``detach()`` in step 2 cuts G out of D's lesson (kata 3 is all about it). It belongs on G's
output: the slides' listing has it on the input, ``torch.FloatTensor([0.5]).detach()``,
which cuts nothing, since G's own parameters still make the fake. After about 10,000 steps
G's output is close to ``[1, 0, 1, 0]`` and both losses settle near 0.25, the MSE of a D
that answers 0.5 to everything (kata 6 explains why).

One change from the book: it names the method ``train``. But ``nn.Module`` already has a
``train(mode=True)``: ``D.eval()`` calls ``self.train(False)``, and a parent module's
``.train()`` and ``.eval()`` call it on every child. Redefine it as ``train(inputs,
targets)`` and ``D.eval()`` dies with "TypeError: Discriminator.train() missing 1 required
positional argument: 'targets'". We call ours ``train_step``.

What to implement (search for "Kata 5." to find every TODO):

    5.1  generate_real(), generate_random(size)        the real pattern, and noise
    5.2  Discriminator.__init__, forward               4 -> 3 -> 1, MSE loss, SGD lr 0.01
    5.3  Discriminator.train_step(inputs, targets)     one step; returns the loss as a float
    5.4  Generator.__init__, forward                   1 -> 3 -> 4, SGD lr 0.01
    5.5  Generator.train_step(D, inputs, targets)      step G through D's verdict, never D
    5.6  train_pattern_gan(steps, seed=0)              the book's three-step loop

Try it:  ``D, G = train_pattern_gan(10_000)`` (half a minute on a laptop CPU), then
``G(torch.FloatTensor([0.5]))`` is about ``[0.9, 0.1, 0.9, 0.1]``, and
``plt.plot(D.progress)`` shows D's loss heading for 0.25.

The classic mistakes: the pattern the wrong way round (0101); ``torch.randn`` for noise
(negative values no sigmoid can make); building the optimiser before the layers, while
``self.parameters()`` is still empty; stepping D's optimiser inside the generator's step,
so that G's lesson also teaches D to be fooled; training D on the fake with the target 1.0
instead of 0.0; ``.detach()`` on G's input instead of its output; recording ``progress``
on every call instead of every 10th; keeping the loss tensor instead of ``loss.item()``;
forgetting the last Sigmoid, so that D's verdict is not a number between 0 and 1.
"""

from __future__ import annotations

import torch
from torch import nn

PROGRESS_EVERY = 10


def generate_real() -> torch.Tensor:
    """One real pattern, shape ``(4,)``: high, low, high, low.

    Elements 0 and 2 are uniform in ``[0.8, 1.0]``, elements 1 and 3 uniform in
    ``[0.0, 0.2]``, so no two real patterns are quite alike:

        generate_real() -> tensor([0.9270, 0.0382, 0.8455, 0.1621])
    """
    # TODO: Implement for Kata 5.1.
    raise NotImplementedError("Need to implement for Kata 5.1: generate_real")


def generate_random(size: int) -> torch.Tensor:
    """``size`` floats uniform in ``[0, 1)`` (the book's ``torch.rand``): noise, not a pattern."""
    # TODO: Implement for Kata 5.1.
    raise NotImplementedError("Need to implement for Kata 5.1: generate_random")


class Discriminator(nn.Module):
    """4 -> 3 -> 1 with sigmoids: how sure is D that a pattern of 4 values is real?"""

    def __init__(self) -> None:
        """``self.model``, ``self.loss_function`` (MSE), ``self.optimiser`` (SGD, lr 0.01),
        ``self.counter = 0`` and ``self.progress = []``."""
        # TODO: Implement for Kata 5.2.
        raise NotImplementedError("Need to implement for Kata 5.2: Discriminator.__init__")

    def forward(self, inputs: torch.Tensor) -> torch.Tensor:
        """``(4,) -> (1,)`` or a batch ``(N, 4) -> (N, 1)``: D's verdict, between 0 and 1."""
        # TODO: Implement for Kata 5.2.
        raise NotImplementedError("Need to implement for Kata 5.2: Discriminator.forward")

    def train_step(self, inputs: torch.Tensor, targets: torch.Tensor) -> float:
        """One SGD step towards ``targets`` (1.0 real, 0.0 fake); the loss before the step.

        Every 10th call (the 10th, 20th, ...) also appends that loss to ``self.progress``.
        """
        # TODO: Implement for Kata 5.3.
        raise NotImplementedError("Need to implement for Kata 5.3: Discriminator.train_step")


class Generator(nn.Module):
    """1 -> 3 -> 4 with sigmoids: turns a seed value into a pattern of 4 values."""

    def __init__(self) -> None:
        """``self.model``, ``self.optimiser`` (SGD, lr 0.01), ``self.counter = 0`` and
        ``self.progress = []``; no loss function of its own."""
        # TODO: Implement for Kata 5.4.
        raise NotImplementedError("Need to implement for Kata 5.4: Generator.__init__")

    def forward(self, inputs: torch.Tensor) -> torch.Tensor:
        """``(1,) -> (4,)`` or a batch ``(N, 1) -> (N, 4)``: a pattern, values between 0 and 1."""
        # TODO: Implement for Kata 5.4.
        raise NotImplementedError("Need to implement for Kata 5.4: Generator.forward")

    def train_step(self, D: Discriminator, inputs: torch.Tensor, targets: torch.Tensor) -> float:
        """One SGD step of G only, judged by ``D`` through ``D.loss_function``; the loss.

        ``targets`` is 1.0 ("D should call this real"). The loss flows back through D into G,
        but only G's optimiser steps: D's parameters must come out unchanged. D's ``.grad``
        may be left filled by this backward pass: ``D.train_step`` zeroes it before its own.
        Every 10th call appends the loss to ``self.progress``.
        """
        # TODO: Implement for Kata 5.5.
        raise NotImplementedError("Need to implement for Kata 5.5: Generator.train_step")


def train_pattern_gan(steps: int, seed: int = 0) -> tuple[Discriminator, Generator]:
    """Seed torch with ``seed``, build D and G, run the book's three-step loop ``steps`` times.

    G's input is always the constant ``torch.FloatTensor([0.5])``. Each step:

        1. D.train_step(generate_real(), 1.0)          D learns what real looks like
        2. D.train_step(G.forward(z).detach(), 0.0)    D learns to catch G's fake
        3. G.train_step(D, z, 1.0)                     G learns to fool D

    Returns ``(D, G)``; after enough steps ``G.forward(z)`` is close to ``[1, 0, 1, 0]``.
    """
    # TODO: Implement for Kata 5.6.
    raise NotImplementedError("Need to implement for Kata 5.6: train_pattern_gan")
