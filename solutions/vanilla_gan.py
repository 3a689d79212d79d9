"""Reference answer to kata 12 (katas/vanilla_gan.py holds the lesson)."""

from __future__ import annotations

import torch
import torch.nn.functional as F
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
    layers: list[nn.Module] = [nn.Linear(in_dim, out_dim)]
    if normalize:
        # A keyword, as in the review: the second *positional* argument would be eps.
        layers.append(nn.BatchNorm1d(out_dim, momentum=0.8))
    layers.append(nn.LeakyReLU(0.1))
    return layers


class Generator(nn.Module):
    """``latent_dim -> 128 -> 256 -> 512 -> 1024 -> 784``, Tanh: noise to digits in (-1, 1)."""

    def __init__(self, latent_dim: int = LATENT_DIM) -> None:
        """``self.model``: ``block(latent_dim, 128, normalize=False)``, ``block(128, 256)``,
        ``block(256, 512)``, ``block(512, 1024)``, ``Linear(1024, 784)``, ``Tanh``."""
        super().__init__()
        self.model = nn.Sequential(
            *block(latent_dim, 128, normalize=False),
            *block(128, 256),
            *block(256, 512),
            *block(512, 1024),
            nn.Linear(1024, 28 * 28),
            nn.Tanh(),  # pixels in (-1, 1), the range of the Normalize(0.5, 0.5)'d digits
        )

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        """``(B, latent_dim) -> (B, 1, 28, 28)`` for every B, the short last batch included."""
        # z.size(0), not a global batch_size: the last batch of an epoch is shorter.
        return self.model(z).view(z.size(0), *IMAGE_SHAPE)


class Discriminator(nn.Module):
    """``784 -> 512 -> 256 -> 1``, Sigmoid: how sure D is that each image is a real digit."""

    def __init__(self) -> None:
        """``self.model``: ``Linear(784, 512)``, ``LeakyReLU(0.1)``, ``Linear(512, 256)``,
        ``LeakyReLU(0.1)``, ``Linear(256, 1)``, ``Sigmoid``."""
        super().__init__()
        self.model = nn.Sequential(
            nn.Linear(28 * 28, 512),
            nn.LeakyReLU(0.1),
            nn.Linear(512, 256),
            nn.LeakyReLU(0.1),
            nn.Linear(256, 1),
            nn.Sigmoid(),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """``(B, 1, 28, 28)`` or ``(B, 784) -> (B, 1)``, values in (0, 1), for every B."""
        return self.model(x.flatten(start_dim=1))  # keeps the batch dimension, whatever B is


def make_optimizers(G: nn.Module, D: nn.Module) -> tuple[torch.optim.Adam, torch.optim.Adam]:
    """``(g_opt, d_opt)``: one Adam per network, each over its own parameters only,
    ``lr=2e-4``, ``betas=(0.5, 0.999)`` (the DCGAN paper's settings, as in the review)."""
    g_opt = torch.optim.Adam(G.parameters(), lr=2e-4, betas=(0.5, 0.999))
    d_opt = torch.optim.Adam(D.parameters(), lr=2e-4, betas=(0.5, 0.999))
    return g_opt, d_opt


def sample_latent(
    batch: int, dim: int = LATENT_DIM, device: torch.device | str | None = None
) -> torch.Tensor:
    """``(batch, dim)`` float32 noise from the standard normal N(0, 1), drawn from torch's
    global generator (so ``torch.manual_seed`` repeats it), on ``device`` (default: CPU)."""
    return torch.randn(batch, dim, device=device)


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
    z = sample_latent(real.size(0), device=real.device)

    # (1) Update G: maximise log D(G(z)), i.e. BCE against "real". Its gradient is large
    # exactly when D easily spots the fakes, early in training.
    g_opt.zero_grad()
    fake = G(z)
    verdict = D(fake)
    g_loss = F.binary_cross_entropy(verdict, torch.ones_like(verdict))
    g_loss.backward()  # also fills D's .grad; d_opt.zero_grad() below throws that away
    g_opt.step()

    # (2) Update D: maximise log D(x) + log(1 - D(G(z))). detach(): D's lesson must not
    # reach G, and G's graph was already freed by g_loss.backward().
    d_opt.zero_grad()
    real_verdict = D(real)
    fake_verdict = D(fake.detach())
    real_loss = F.binary_cross_entropy(real_verdict, torch.ones_like(real_verdict))
    fake_loss = F.binary_cross_entropy(fake_verdict, torch.zeros_like(fake_verdict))
    d_loss = (real_loss + fake_loss) / 2
    d_loss.backward()
    d_opt.step()

    return g_loss.item(), d_loss.item()


def mnist_transform() -> transforms.Compose:
    """PIL digit -> float tensor ``(1, 28, 28)`` in [-1, 1]: ``ToTensor`` (0-255 -> 0-1) then
    ``Normalize([0.5], [0.5])`` ((x - 0.5) / 0.5), the range of G's Tanh."""
    return transforms.Compose([transforms.ToTensor(), transforms.Normalize([0.5], [0.5])])
