"""Reference answer to kata 5 (katas/pattern_1010.py holds the lesson)."""

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
    return torch.tensor([0.8, 0.0, 0.8, 0.0]) + 0.2 * torch.rand(4)


def generate_random(size: int) -> torch.Tensor:
    """``size`` floats uniform in ``[0, 1)`` (the book's ``torch.rand``): noise, not a pattern."""
    return torch.rand(size)


class Discriminator(nn.Module):
    """4 -> 3 -> 1 with sigmoids: how sure is D that a pattern of 4 values is real?"""

    def __init__(self) -> None:
        """``self.model``, ``self.loss_function`` (MSE), ``self.optimiser`` (SGD, lr 0.01),
        ``self.counter = 0`` and ``self.progress = []``."""
        super().__init__()
        self.model = nn.Sequential(nn.Linear(4, 3), nn.Sigmoid(), nn.Linear(3, 1), nn.Sigmoid())
        self.loss_function = nn.MSELoss()
        # Built after the layers: self.parameters() is empty before they exist.
        self.optimiser = torch.optim.SGD(self.parameters(), lr=0.01)
        self.counter = 0
        self.progress: list[float] = []

    def forward(self, inputs: torch.Tensor) -> torch.Tensor:
        """``(4,) -> (1,)`` or a batch ``(N, 4) -> (N, 1)``: D's verdict, between 0 and 1."""
        return self.model(inputs)

    def train_step(self, inputs: torch.Tensor, targets: torch.Tensor) -> float:
        """One SGD step towards ``targets`` (1.0 real, 0.0 fake); the loss before the step.

        Every 10th call (the 10th, 20th, ...) also appends that loss to ``self.progress``.
        """
        loss = self.loss_function(self.forward(inputs), targets)
        self.counter += 1
        if self.counter % PROGRESS_EVERY == 0:
            self.progress.append(loss.item())  # a float: a tensor would keep its whole graph
        self.optimiser.zero_grad()
        loss.backward()
        self.optimiser.step()
        return loss.item()


class Generator(nn.Module):
    """1 -> 3 -> 4 with sigmoids: turns a seed value into a pattern of 4 values."""

    def __init__(self) -> None:
        """``self.model``, ``self.optimiser`` (SGD, lr 0.01), ``self.counter = 0`` and
        ``self.progress = []``; no loss function of its own."""
        super().__init__()
        self.model = nn.Sequential(nn.Linear(1, 3), nn.Sigmoid(), nn.Linear(3, 4), nn.Sigmoid())
        self.optimiser = torch.optim.SGD(self.parameters(), lr=0.01)
        self.counter = 0
        self.progress: list[float] = []

    def forward(self, inputs: torch.Tensor) -> torch.Tensor:
        """``(1,) -> (4,)`` or a batch ``(N, 1) -> (N, 4)``: a pattern, values between 0 and 1."""
        return self.model(inputs)

    def train_step(self, D: Discriminator, inputs: torch.Tensor, targets: torch.Tensor) -> float:
        """One SGD step of G only, judged by ``D`` through ``D.loss_function``; the loss.

        ``targets`` is 1.0 ("D should call this real"). The loss flows back through D into G,
        but only G's optimiser steps: D's parameters must come out unchanged. D's ``.grad``
        may be left filled by this backward pass: ``D.train_step`` zeroes it before its own.
        Every 10th call appends the loss to ``self.progress``.
        """
        verdict = D.forward(self.forward(inputs))
        loss = D.loss_function(verdict, targets)
        self.counter += 1
        if self.counter % PROGRESS_EVERY == 0:
            self.progress.append(loss.item())
        self.optimiser.zero_grad()
        loss.backward()  # fills D's gradients too, but D's optimiser never sees this step
        self.optimiser.step()
        return loss.item()


def train_pattern_gan(steps: int, seed: int = 0) -> tuple[Discriminator, Generator]:
    """Seed torch with ``seed``, build D and G, run the book's three-step loop ``steps`` times.

    G's input is always the constant ``torch.FloatTensor([0.5])``. Each step:

        1. D.train_step(generate_real(), 1.0)          D learns what real looks like
        2. D.train_step(G.forward(z).detach(), 0.0)    D learns to catch G's fake
        3. G.train_step(D, z, 1.0)                     G learns to fool D

    Returns ``(D, G)``; after enough steps ``G.forward(z)`` is close to ``[1, 0, 1, 0]``.
    """
    torch.manual_seed(seed)
    D, G = Discriminator(), Generator()
    z = torch.FloatTensor([0.5])
    real, fake = torch.FloatTensor([1.0]), torch.FloatTensor([0.0])
    for _ in range(steps):
        D.train_step(generate_real(), real)
        D.train_step(G.forward(z).detach(), fake)
        G.train_step(D, z, real)
    return D, G
