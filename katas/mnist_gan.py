"""Kata 7 · The MNIST GAN: LeakyReLU, LayerNorm, Adam, BCE and a randn seed.
한국어 수업: ``gankata lesson mnist_gan --lang ko``

Sources: Make Your First GAN With PyTorch, ch. 7 (Handwritten Digits). The study group's
chapter 7 slides, from "MNIST 실습 코드" through "GAN 훈련 성능 향상" (loss, activation
function, LayerNorm, Adam) to "시드 변화 - 시드 늘리기" and "시드 형태 변경", with the loss
curves; the blog post on the book's ch. 7 and 8, "Discriminator", "Generator", "Mode
Collapse" and "Results of advanced generator" (activation, layer, optimizer, seed size, randn).

Kata 5 built the 1010 pattern GAN. This kata is its sequel on handwritten digits, in the same
book shape: each network keeps ``self.model`` and ``self.optimiser``, D also keeps
``self.loss_function``, and each has a ``train_step`` that does one optimiser step and returns
the loss as a float (``train_step``, not the book's ``train``, for the reason kata 5 gives:
``nn.Module.train`` already exists and ``eval()`` calls it). The book's ``counter`` and
``progress`` are gone: ``train_gan`` returns the loss history instead.

The book's first MNIST GAN copies the 1010 GAN almost line for line. D is 784 -> 200 -> 1 and
G is 1 -> 200 -> 784, with sigmoids, ``nn.MSELoss`` and plain SGD, and G's input is one
uniform number, ``generate_random(1)`` (``torch.rand``). D trains one image at a time:

    D.train(image_data_tensor, torch.FloatTensor([1.0]))
    D.train(G.forward(generate_random(1)).detach(), torch.FloatTensor([0.0]))
    G.train(D, generate_random(1), torch.FloatTensor([1.0]))

It trains, and the six pictures it draws from six different seeds all look alike: mode
collapse (kata 8 measures it). The book then improves the GAN one change at a time, and this
kata builds the result:

- BCE instead of MSE: ``nn.BCELoss()`` punishes a confident wrong verdict far harder than the
  squared error, and the equilibrium line moves from 0.25 to ln 2 = 0.693 (kata 6). Do not
  expect this GAN's losses to sit on it: with the changes below D soon wins most steps, its
  loss near 0 and G's around 6 for the whole run, while G's digits still grow varied. The
  losses measure the duel, not the drawings; kata 8 measures the drawings.
- LeakyReLU(0.02) instead of the hidden Sigmoid: a sigmoid saturates, and its gradient all
  but vanishes for large inputs. LeakyReLU passes positive values unchanged and keeps a slope
  of 0.02 for negative ones, so no unit ever stops learning.
- LayerNorm(200) after it: every image's 200 hidden values are rescaled to mean 0 and
  standard deviation 1 (then scaled and shifted by two learned vectors), so the next layer
  always sees numbers of a sensible size. LayerNorm works on each image alone; BatchNorm
  would mix the images of a batch, and cannot normalise the book's single image at all.
- Adam instead of SGD, ``torch.optim.Adam(self.parameters(), lr=0.0001)``: Adam scales each
  parameter's step by its own recent gradients, so the step size hardly depends on how big
  the gradients are.
- A seed of 100 values instead of 1: one number had to choose among ten digits and all
  their strokes ("하나의 시드를 통해 10개 숫자에 대한 784개의 픽셀을 생성").
- ``torch.randn`` instead of ``torch.rand`` for the seed: "평균이 0, 분산이 제한된 값들이 학습에
  유리", values with mean 0 and a limited variance suit a network better than values that
  are all positive. With that last change the book's GAN draws different digits for
  different seeds (the blog post warns that randn and a bigger seed are no guarantee
  against mode collapse).

Two kinds of random input, then. ``generate_random_image`` is ``torch.rand``: pixels in
``[0, 1)`` like a real digit divided by 255, every value equally likely, with no tendency at
all. The book uses it to check that D alone can tell real digits from noise before any GAN
trains. ``generate_random_seed`` is ``torch.randn``, for G. Both take an int or a shape:
``generate_random_seed((64, SEED_SIZE))`` is a batch of 64 seeds.

The book trains one image at a time, 60,000 images per epoch. pytorch/examples' dcgan feeds a
batch of 64 images per step: the same three steps with targets ``torch.ones(64, 1)`` and
``torch.zeros(64, 1)``, shaped like D's output, and far fewer optimiser steps per epoch.
``train_gan`` does both: ``batch_size=1`` is the book's loop.

What to implement (search for "Kata 7." to find every TODO):

    7.1  generate_random_image(size), generate_random_seed(size)   torch.rand, torch.randn
    7.2  Discriminator.__init__, forward     784 -> 200 -> 1: LeakyReLU(0.02), LayerNorm(200),
                                             Sigmoid; BCELoss; Adam lr 0.0001
    7.3  Discriminator.train_step(inputs, targets)   one step; the loss as a float
    7.4  Generator.__init__, forward         100 -> 200 -> 784, the same layers; Adam lr 0.0001
    7.5  Generator.train_step(D, inputs, targets)    step G through D's verdict, never D
    7.6  train_gan(images, steps, batch_size=1, seed=0)   the three-step loop, with checks

Try it:  ``images = torch.from_numpy(load_mnist().images).float() / 255`` (``from
gankata.testkit.data import load_mnist``), ``D, G, history = train_gan(images, 3000,
batch_size=32)`` (about half a minute on a laptop CPU), then
``plt.imshow(G(generate_random_seed(SEED_SIZE)).detach().view(28, 28), cmap="Blues")``:
blurry digits, a different one for each seed. Plot ``history["D"]`` and ``history["G"]``:
this early, D is still winning.

The classic mistakes: ``nn.ReLU()`` or ``nn.LeakyReLU()`` (slope 0.01) instead of
``nn.LeakyReLU(0.02)``; forgetting LayerNorm, or BatchNorm1d in its place; keeping the first
version's MSELoss, SGD or seed of size 1; ``torch.rand`` for the seed; forgetting
``.detach()`` on the fake in step 2; stepping D's optimiser in G's step; targets of the wrong
shape (``torch.ones(batch_size)`` against D's ``(batch_size, 1)``) or swapped (D's fake
labelled 1); keeping loss tensors instead of ``loss.item()`` in the history; and training on
pixels 0-255 because nobody divided by 255, which ``train_gan`` must refuse.
"""

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
    # TODO: Implement for Kata 7.1.
    raise NotImplementedError("Need to implement for Kata 7.1: generate_random_image")


def generate_random_seed(size: int | tuple[int, ...]) -> torch.Tensor:
    """Standard normal values (``torch.randn``): mean 0, variance 1, G's input.

    ``generate_random_seed(SEED_SIZE)`` is one seed, ``generate_random_seed((64, SEED_SIZE))``
    a batch of 64.
    """
    # TODO: Implement for Kata 7.1.
    raise NotImplementedError("Need to implement for Kata 7.1: generate_random_seed")


class Discriminator(nn.Module):
    """784 -> 200 -> 1: how sure is D that a flattened 28x28 image is a real digit?"""

    def __init__(self) -> None:
        """``self.model`` (Linear, LeakyReLU(0.02), LayerNorm(200), Linear, Sigmoid),
        ``self.loss_function`` (BCE) and ``self.optimiser`` (Adam, lr 1e-4)."""
        # TODO: Implement for Kata 7.2.
        raise NotImplementedError("Need to implement for Kata 7.2: Discriminator.__init__")

    def forward(self, inputs: torch.Tensor) -> torch.Tensor:
        """``(784,) -> (1,)`` or a batch ``(B, 784) -> (B, 1)``: D's verdict, between 0 and 1."""
        # TODO: Implement for Kata 7.2.
        raise NotImplementedError("Need to implement for Kata 7.2: Discriminator.forward")

    def train_step(self, inputs: torch.Tensor, targets: torch.Tensor) -> float:
        """One Adam step towards ``targets`` (1.0 real, 0.0 fake, shaped like D's output);
        returns the BCE loss before the step, as a float."""
        # TODO: Implement for Kata 7.3.
        raise NotImplementedError("Need to implement for Kata 7.3: Discriminator.train_step")


class Generator(nn.Module):
    """100 -> 200 -> 784: turns a random seed into a flattened 28x28 image."""

    def __init__(self) -> None:
        """``self.model`` (Linear, LeakyReLU(0.02), LayerNorm(200), Linear, Sigmoid) and
        ``self.optimiser`` (Adam, lr 1e-4); no loss function of its own."""
        # TODO: Implement for Kata 7.4.
        raise NotImplementedError("Need to implement for Kata 7.4: Generator.__init__")

    def forward(self, inputs: torch.Tensor) -> torch.Tensor:
        """``(100,) -> (784,)`` or a batch ``(B, 100) -> (B, 784)``: pixels between 0 and 1."""
        # TODO: Implement for Kata 7.4.
        raise NotImplementedError("Need to implement for Kata 7.4: Generator.forward")

    def train_step(self, D: Discriminator, inputs: torch.Tensor, targets: torch.Tensor) -> float:
        """One Adam step of G only, judged by ``D`` through ``D.loss_function``; the loss.

        ``targets`` is all ones ("D should call these real"). The loss flows back through D
        into G, but only G's optimiser steps: D's parameters come out unchanged. D's ``.grad``
        may be left filled by this backward pass: ``D.train_step`` zeroes it before its own.
        """
        # TODO: Implement for Kata 7.5.
        raise NotImplementedError("Need to implement for Kata 7.5: Generator.train_step")


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
    # TODO: Implement for Kata 7.6.
    raise NotImplementedError("Need to implement for Kata 7.6: train_gan")
