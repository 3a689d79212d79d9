"""Kata 12 · The vanilla GAN code review: tanh and [-1, 1], the non-saturating loss, any batch size.
한국어 수업: ``gankata lesson vanilla_gan --lang ko``

Source: the vanilla PyTorch GAN code review, "GAN Code Review" (Week 3): the Generator with
its ``block`` builder, the Discriminator, the data loading, BCE, Adam and the training loop.

The source is a code review of a small, complete PyTorch GAN for MNIST. Most of it is good
and worth keeping; a few lines work only by accident. Here is the review, comment by
comment: what the original does, what is wrong or fragile, and what to write instead.
Then you write the reviewed version.

1. Tanh out, [-1, 1] in (keep). G ends in ``nn.Tanh()`` and the data goes through
   ``Compose([Resize(28), ToTensor(), Normalize([0.5], [0.5])])``. They belong together:
   ToTensor scales pixels 0-255 to 0-1 and Normalize computes ``(x - 0.5) / 0.5``, so real
   digits live in [-1, 1], exactly tanh's range. Keep both or neither: with a Sigmoid, G can
   never draw the background (-1), and with [0, 1] data D spots a fake by any negative
   pixel. The review prefers tanh to sigmoid because its slope is four times steeper (1 at 0
   against 1/4) and centred on 0: less vanishing gradient, faster training. (``Resize(28)``
   does nothing to a 28x28 digit.)

2. The hard-coded batch size (fix). ``out.view(batch_size, 1, 28, 28)`` in G,
   ``x.view(batch_size, -1)`` in D and ``ones_label = torch.ones(batch_size, 1)`` all use the
   global ``batch_size = 256``. MNIST's 60,000 digits make 234 batches of 256 and one of 96,
   and that last one crashes; the review hides it with ``drop_last=True``. Sampling a single
   digit, ``G(z)`` with one row, crashes too. Take every size from the tensor in hand:
   ``z.size(0)`` (or ``view(-1, 1, 28, 28)``, ``nn.Unflatten``), ``x.flatten(1)``,
   ``torch.ones_like(verdict)``. One case stays: BatchNorm1d cannot train on a batch of one
   (there is no variance to compute), so ``drop_last=True`` is still how you avoid a last
   batch of a single digit. In eval mode, BatchNorm uses its running averages, and one
   digit at a time is fine.

3. ``nn.BatchNorm1d(output_dim, momentum=0.8)`` (keep, and know why). The keyword matters.
   The well-known line in eriklindernoren's PyTorch-GAN, ``nn.BatchNorm1d(out_feat, 0.8)``,
   passes 0.8 as the second *positional* argument, and that is ``eps``
   (``BatchNorm1d(num_features, eps=1e-05, momentum=0.1)``): it adds 0.8 to every variance
   before the square root. Both lines come from Keras's ``BatchNormalization(momentum=0.8)``,
   where momentum is the weight of the *old* running average. In PyTorch it is the weight of
   the *new* batch: ``running = (1 - momentum) * running + momentum * batch``, so Keras's 0.8
   is PyTorch's 0.2. In training mode BatchNorm normalises with the batch's own statistics
   and momentum changes nothing; only ``G.eval()`` uses the running averages. We keep the
   review's ``momentum=0.8`` (averages that follow G's latest batches do no harm to a
   generator that keeps changing) and leave eps at its default.

4. In-place operations (fix). The review writes ``nn.LeakyReLU(0.1, inplace=True)`` and
   warns against it itself (Inplace 연산은 가급적 비추천): it saves memory by overwriting its
   input, and it is safe here only because neither Linear nor BatchNorm1d needs its own
   output for backward. Overwrite a tensor that autograd has saved and ``backward()`` fails
   with "one of the variables needed for gradient computation has been modified by an
   inplace operation". Tanh and Sigmoid save their *outputs*, so ``fake.add_(1).div_(2)``
   (to show a picture) or ``D(x).clamp_(1e-7, 1 - 1e-7)`` breaks the next backward. Write
   ``(fake + 1) / 2`` and ``.clamp(...)``, and drop ``inplace=True``.

5. The non-saturating loss (keep). In the paper's minimax game D maximises
   ``log D(x) + log(1 - D(G(z)))`` and G minimises ``log(1 - D(G(z)))`` (the review's slide
   has a typo there, ``1 - log D(G(z))``). Early in training D rejects the fakes easily,
   D(G(z)) is near 0, and there ``log(1 - D)`` is flat: through D's sigmoid
   ``s = sigmoid(a)`` its slope is ``d/da log(1 - s) = -s``, close to 0. G learns nothing
   just when it is worst. The review's "(-) 부호의 효과" slide gives the fix
   ("heuristically motivated"): G maximises ``log D(G(z))``, whose slope
   ``d/da log s = 1 - s`` is close to 1 there. In code it is BCE against the label 1,
   ``loss_func(dis_fake, ones_label)``, because BCE(p, 1) = -log p.

6. BCE, briefly (keep). ``BCE(p, y) = -[y log p + (1 - y) log(1 - p)]``, averaged over the
   batch: the negative log-likelihood of a coin that says "real" with probability p. y = 1
   keeps -log p and y = 0 keeps -log(1 - p). D's loss is the *average* of
   ``BCE(D(x), 1)`` and ``BCE(D(G(z)), 0)``, the review's ``(real_loss + fake_loss) / 2``,
   so that it reads on the same scale as G's loss (both ln 2 ≈ 0.693 at the equilibrium).

7. ``Adam(lr=0.0002, betas=(0.5, 0.999))`` (keep): the DCGAN paper's settings. A β1 of 0.5
   instead of 0.9 shortens the momentum's memory from about ten steps to about two. In a
   game the other player moves every step, and an old gradient points at an old opponent.
   Each network gets its own optimiser over its own parameters.

8. Order, ``zero_grad`` and ``detach()`` (keep). The loop trains G first, then D.
   ``gen_loss.backward()`` also fills D's ``.grad``; that is harmless only because
   ``dis_optim.zero_grad()`` comes before D's backward. D's step reuses ``gen_fake`` with
   ``.detach()``: D's lesson must not reach G, and without it backward would fail anyway,
   because ``gen_loss.backward()`` has already freed G's graph ("Trying to backward through
   the graph a second time").

9. The noise (fix). ``z = init.kaiming_normal_(torch.Tensor(batch_size, z_size), a=0.2,
   mode='fan_in', nonlinearity='leaky_relu')`` uses a weight initialiser as a sampler. Its
   std is ``gain / sqrt(fan_in) = sqrt(2 / (1 + 0.2²)) / sqrt(100) ≈ 0.14``, and it changes
   with ``z_size``, because fan_in is the tensor's second dimension (about 0.35 for 16). It
   is also made on the CPU, whatever ``device`` is. The commented-out line under it,
   ``torch.normal(mean=0, std=1, size=(batch_size, z_size))``, is the right one: z ~ N(0, 1),
   which ``torch.randn(batch, dim)`` draws too, on the same device as the data.

What to implement (search for "Kata 12." to find every TODO):

    12.1  block(in_dim, out_dim, normalize=True)   [Linear, BatchNorm1d?, LeakyReLU(0.1)]
    12.2  Generator(latent_dim=100)                 (B, 100) -> (B, 1, 28, 28) in (-1, 1)
    12.3  Discriminator()                           (B, 1, 28, 28) or (B, 784) -> (B, 1)
    12.4  make_optimizers(G, D)                     (g_opt, d_opt): Adam 2e-4, betas (0.5, 0.999)
    12.5  sample_latent(batch, dim=100, device=None)  N(0, 1) noise, (batch, dim)
    12.6  train_step(G, D, real, g_opt, d_opt)      G's step, then D's -> (g_loss, d_loss)
    12.7  mnist_transform()                         PIL digit -> (1, 28, 28) in [-1, 1]

Try it: ``digits = torch.from_numpy(load_mnist().images).float().view(-1, 1, 28, 28) / 127.5 - 1``
(``from gankata.testkit.data import load_mnist``: 5,000 real digits in [-1, 1]);
``G, D = Generator(), Discriminator()``; ``g_opt, d_opt = make_optimizers(G, D)``; then a few
hundred times ``train_step(G, D, digits[torch.randint(5000, (64,))], g_opt, d_opt)``, and look
at ``(G.eval()(sample_latent(16)) + 1) / 2``.

The classic mistakes: a hard-coded batch size in ``view`` or in the labels; Sigmoid instead
of Tanh, or data left in [0, 1] without ``Normalize``; the saturating loss
``log(1 - D(G(z)))`` for G; no ``detach()`` in D's fake step; D's gradient from G's step not
zeroed; Adam's default betas (0.9, 0.999); the optimisers swapped; ``kaiming_normal_`` as
noise; summing D's two losses instead of averaging them; ``BatchNorm1d(n, 0.8)``, which sets
eps; an in-place op on a tensor that autograd saved.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F  # noqa: F401  (you will want F.binary_cross_entropy)
from torch import nn
from torchvision import transforms

LATENT_DIM = 100
IMAGE_SHAPE = (1, 28, 28)


def block(in_dim: int, out_dim: int, normalize: bool = True) -> list[nn.Module]:
    """The review's repeated unit: ``Linear(in_dim, out_dim)``, then
    ``BatchNorm1d(out_dim, momentum=0.8)`` if ``normalize``, then ``LeakyReLU(0.1)``.

    Returns the layers as a list, to be unpacked into ``nn.Sequential(*block(...), ...)``.

        block(128, 256)
            -> [Linear(128, 256), BatchNorm1d(256, momentum=0.8), LeakyReLU(0.1)]
        block(100, 128, normalize=False)
            -> [Linear(100, 128), LeakyReLU(0.1)]
    """
    # TODO: Implement for Kata 12.1.
    raise NotImplementedError("Need to implement for Kata 12.1: block")


class Generator(nn.Module):
    """``latent_dim -> 128 -> 256 -> 512 -> 1024 -> 784``, Tanh: noise to digits in (-1, 1)."""

    def __init__(self, latent_dim: int = LATENT_DIM) -> None:
        """``self.model``: ``block(latent_dim, 128, normalize=False)``, ``block(128, 256)``,
        ``block(256, 512)``, ``block(512, 1024)``, ``Linear(1024, 784)``, ``Tanh``."""
        # TODO: Implement for Kata 12.2.
        raise NotImplementedError("Need to implement for Kata 12.2: Generator.__init__")

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        """``(B, latent_dim) -> (B, 1, 28, 28)`` for every B, the short last batch included."""
        # TODO: Implement for Kata 12.2.
        raise NotImplementedError("Need to implement for Kata 12.2: Generator.forward")


class Discriminator(nn.Module):
    """``784 -> 512 -> 256 -> 1``, Sigmoid: how sure D is that each image is a real digit."""

    def __init__(self) -> None:
        """``self.model``: ``Linear(784, 512)``, ``LeakyReLU(0.1)``, ``Linear(512, 256)``,
        ``LeakyReLU(0.1)``, ``Linear(256, 1)``, ``Sigmoid``."""
        # TODO: Implement for Kata 12.3.
        raise NotImplementedError("Need to implement for Kata 12.3: Discriminator.__init__")

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """``(B, 1, 28, 28)`` or ``(B, 784) -> (B, 1)``, values in (0, 1), for every B."""
        # TODO: Implement for Kata 12.3.
        raise NotImplementedError("Need to implement for Kata 12.3: Discriminator.forward")


def make_optimizers(G: nn.Module, D: nn.Module) -> tuple[torch.optim.Adam, torch.optim.Adam]:
    """``(g_opt, d_opt)``: one Adam per network, each over its own parameters only,
    ``lr=2e-4``, ``betas=(0.5, 0.999)`` (the DCGAN paper's settings, as in the review)."""
    # TODO: Implement for Kata 12.4.
    raise NotImplementedError("Need to implement for Kata 12.4: make_optimizers")


def sample_latent(
    batch: int, dim: int = LATENT_DIM, device: torch.device | str | None = None
) -> torch.Tensor:
    """``(batch, dim)`` float32 noise from the standard normal N(0, 1), drawn from torch's
    global generator (so ``torch.manual_seed`` repeats it), on ``device`` (default: CPU)."""
    # TODO: Implement for Kata 12.5.
    raise NotImplementedError("Need to implement for Kata 12.5: sample_latent")


def train_step(
    G: nn.Module,
    D: nn.Module,
    real: torch.Tensor,
    g_opt: torch.optim.Optimizer,
    d_opt: torch.optim.Optimizer,
) -> tuple[float, float]:
    """One step of the review's loop on a batch ``real`` ``(B, 1, 28, 28)`` in [-1, 1].

    1. G first: ``z = sample_latent(real.size(0), device=real.device)``, ``fake = G(z)``,
       the non-saturating loss ``g_loss = BCE(D(fake), 1)``; step ``g_opt`` (and only
       ``g_opt``).
    2. Then D, on ``real`` with target 1 and on the same ``fake.detach()`` with target 0:
       ``d_loss = (BCE(D(real), 1) + BCE(D(fake.detach()), 0)) / 2``; step ``d_opt``.

    Each optimiser's gradients are zeroed before its backward pass, so D's update holds no
    gradient left over from G's step. Targets are shaped like D's output, so every B works;
    a batch of one raises ``ValueError`` (BatchNorm1d cannot train on a single sample: drop
    it with ``DataLoader(..., drop_last=True)``). That error is BatchNorm1d's own, raised
    inside ``G(z)`` before either optimiser steps; ``train_step`` need not check for it.
    Returns ``(g_loss, d_loss)`` as floats.
    """
    # TODO: Implement for Kata 12.6.
    raise NotImplementedError("Need to implement for Kata 12.6: train_step")


def mnist_transform() -> transforms.Compose:
    """PIL digit -> float tensor ``(1, 28, 28)`` in [-1, 1]: ``ToTensor`` (0-255 -> 0-1) then
    ``Normalize([0.5], [0.5])`` ((x - 0.5) / 0.5), the range of G's Tanh."""
    # TODO: Implement for Kata 12.7.
    raise NotImplementedError("Need to implement for Kata 12.7: mnist_transform")
