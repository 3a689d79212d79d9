"""Reference answer to kata 7 (katas/mnist_gan.py holds the lesson)."""

from __future__ import annotations

import torch
from torch import nn

PIXELS = 28 * 28
SEED_SIZE = 100


def generate_random_image(size: int | tuple[int, ...]) -> torch.Tensor:
    """Uniform noise in ``[0, 1)`` (``torch.rand``): a "fake image" with no tendency at all.

    ``size`` is an int or a shape: ``generate_random_image(784)`` is one noise image,
    ``generate_random_image((64, 784))`` a batch of 64.
    """
    return torch.rand(size)


def generate_random_seed(size: int | tuple[int, ...]) -> torch.Tensor:
    """Standard normal values (``torch.randn``): mean 0, variance 1, G's input.

    ``generate_random_seed(SEED_SIZE)`` is one seed, ``generate_random_seed((64, SEED_SIZE))``
    a batch of 64.
    """
    return torch.randn(size)


class Discriminator(nn.Module):
    """784 -> 200 -> 1: how sure is D that a flattened 28x28 image is a real digit?"""

    def __init__(self) -> None:
        """``self.model`` (Linear, LeakyReLU(0.02), LayerNorm(200), Linear, Sigmoid),
        ``self.loss_function`` (BCE) and ``self.optimiser`` (Adam, lr 1e-4)."""
        super().__init__()
        self.model = nn.Sequential(
            nn.Linear(PIXELS, 200),
            nn.LeakyReLU(0.02),  # a small slope for negative values: no unit ever goes dead
            nn.LayerNorm(200),  # each image's 200 values rescaled to mean 0, std 1
            nn.Linear(200, 1),
            nn.Sigmoid(),
        )
        self.loss_function = nn.BCELoss()
        self.optimiser = torch.optim.Adam(self.parameters(), lr=0.0001)

    def forward(self, inputs: torch.Tensor) -> torch.Tensor:
        """``(784,) -> (1,)`` or a batch ``(B, 784) -> (B, 1)``: D's verdict, between 0 and 1."""
        return self.model(inputs)

    def train_step(self, inputs: torch.Tensor, targets: torch.Tensor) -> float:
        """One Adam step towards ``targets`` (1.0 real, 0.0 fake, shaped like D's output);
        returns the BCE loss before the step, as a float."""
        loss = self.loss_function(self.forward(inputs), targets)
        self.optimiser.zero_grad()
        loss.backward()
        self.optimiser.step()
        return loss.item()  # a float: a tensor would keep the whole graph alive


class Generator(nn.Module):
    """100 -> 200 -> 784: turns a random seed into a flattened 28x28 image."""

    def __init__(self) -> None:
        """``self.model`` (Linear, LeakyReLU(0.02), LayerNorm(200), Linear, Sigmoid) and
        ``self.optimiser`` (Adam, lr 1e-4); no loss function of its own."""
        super().__init__()
        self.model = nn.Sequential(
            nn.Linear(SEED_SIZE, 200),
            nn.LeakyReLU(0.02),
            nn.LayerNorm(200),
            nn.Linear(200, PIXELS),
            nn.Sigmoid(),  # pixels between 0 and 1, like real digits divided by 255
        )
        self.optimiser = torch.optim.Adam(self.parameters(), lr=0.0001)

    def forward(self, inputs: torch.Tensor) -> torch.Tensor:
        """``(100,) -> (784,)`` or a batch ``(B, 100) -> (B, 784)``: pixels between 0 and 1."""
        return self.model(inputs)

    def train_step(self, D: Discriminator, inputs: torch.Tensor, targets: torch.Tensor) -> float:
        """One Adam step of G only, judged by ``D`` through ``D.loss_function``; the loss.

        ``targets`` is all ones ("D should call these real"). The loss flows back through D
        into G, but only G's optimiser steps: D's parameters come out unchanged. D's ``.grad``
        may be left filled by this backward pass: ``D.train_step`` zeroes it before its own.
        """
        loss = D.loss_function(D.forward(self.forward(inputs)), targets)
        self.optimiser.zero_grad()
        loss.backward()  # fills D's gradients too, but D's optimiser never sees this step
        self.optimiser.step()
        return loss.item()


def train_gan(
    images: torch.Tensor, steps: int, batch_size: int = 1, seed: int = 0
) -> tuple[Discriminator, Generator, dict[str, list[float]]]:
    """Seed torch with ``seed``, build D and G, and run the book's three-step loop ``steps`` times.

    ``images`` is a float tensor ``[N, 784]`` of pixels in ``[0, 1]``. Each step takes the
    next ``batch_size`` real images (in order or shuffled; when fewer than ``batch_size`` are
    left, a new pass begins) and seeds from ``generate_random_seed``:

        1. D.train_step(real, ones)                 D learns what real looks like
        2. D.train_step(G(seeds).detach(), zeros)   D learns to catch G's fakes
        3. G.train_step(D, seeds, ones)             G learns to fool D

    Step 3 may draw fresh seeds or reuse step 2's; both pass. Keep the batch dimension even
    for ``batch_size=1``: real ``[1, 784]``, seeds ``[1, 100]`` and targets ``[1, 1]``, shaped
    like D's verdict (the book's unbatched ``(784,)`` image also passes).

    Returns ``(D, G, {"D": [...], "G": [...]})``, one float per step in each list (D's: the
    mean of its two losses that step). Raises ``ValueError`` for images that are not
    ``[N, 784]`` or not in ``[0, 1]``, ``steps < 1``, or ``batch_size`` outside ``1..N``.
    """
    if images.ndim != 2 or images.shape[1] != PIXELS:
        raise ValueError(
            f"images must be a tensor [N, {PIXELS}], one flattened 28x28 digit per row; got "
            f"shape {tuple(images.shape)}. Flatten them with images.view(len(images), {PIXELS})."
        )
    if steps < 1:
        raise ValueError(f"steps must be at least 1, got {steps}")
    if not 1 <= batch_size <= len(images):
        raise ValueError(
            f"batch_size must be between 1 and the number of images ({len(images)}), "
            f"got {batch_size}"
        )
    low, high = float(images.min()), float(images.max())
    if low < 0 or high > 1:
        raise ValueError(
            f"images must hold pixels in [0, 1], but they range over [{low:g}, {high:g}]. "
            "Raw MNIST pixels run from 0 to 255: divide them by 255 first."
        )

    torch.manual_seed(seed)
    D, G = Discriminator(), Generator()
    ones, zeros = torch.ones(batch_size, 1), torch.zeros(batch_size, 1)
    history: dict[str, list[float]] = {"D": [], "G": []}
    per_pass = len(images) // batch_size  # whole batches only; the rest waits for a later pass
    for step in range(steps):
        if step % per_pass == 0:
            order = torch.randperm(len(images))  # a fresh shuffle on every pass
        start = (step % per_pass) * batch_size
        real = images[order[start : start + batch_size]]

        loss_real = D.train_step(real, ones)
        fake = G.forward(generate_random_seed((batch_size, SEED_SIZE)))
        loss_fake = D.train_step(fake.detach(), zeros)
        history["D"].append((loss_real + loss_fake) / 2)
        history["G"].append(G.train_step(D, generate_random_seed((batch_size, SEED_SIZE)), ones))
    return D, G, history
