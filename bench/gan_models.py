"""The four GANs the benchmarks train, built from the katas' reference answers.

Each :class:`GanSpec` says how to build G and D (from ``solutions/``), how to draw a batch of
real data from a uint8 tensor that already lives on the device (no loader in the timed
loop: the data-pipeline benchmarks measure loaders on their own), how to draw seeds, and
which loss the kata uses.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import torch
from torch import nn

from gankata.testkit.loader import load_impl

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class GanSpec:
    """How to build and feed one GAN; ``item`` is what one real sample is called."""

    name: str
    kata: str
    build: Callable[[object], tuple[nn.Module, nn.Module]]
    real: Callable[[torch.Tensor, int], torch.Tensor]
    latent: Callable[[int, torch.device], torch.Tensor]
    loss: str = "bce"
    convolutional: bool = False
    item: str = "images"


def _pattern_batch(_digits: torch.Tensor, batch: int) -> torch.Tensor:
    # The book's generate_real, batched: 1010 with each value nudged by up to 0.1. Built
    # on the device (no host-to-device copy), so that a CUDA graph can capture it.
    base = (torch.arange(4, device=_digits.device) % 2 == 0).float()
    return (base + 0.2 * torch.rand(batch, 4, device=_digits.device) - 0.1).clamp(0, 1)


def random_rows(digits: torch.Tensor, batch: int) -> torch.Tensor:
    """``batch`` random rows, uint8. ``index_select`` is 4x faster than ``digits[index]`` on
    a CPU (no general advanced-indexing machinery) and is captured by CUDA graphs."""
    index = torch.randint(len(digits), (batch,), device=digits.device)
    return torch.index_select(digits, 0, index)


def _digits_01(digits: torch.Tensor, batch: int) -> torch.Tensor:
    return random_rows(digits, batch).float().div_(255.0)


def _digits_tanh(digits: torch.Tensor, batch: int) -> torch.Tensor:
    return random_rows(digits, batch).view(batch, 1, 28, 28).float().sub_(127.5).div_(127.5)


def _randn100(batch: int, device: torch.device) -> torch.Tensor:
    return torch.randn(batch, 100, device=device)


SPECS = {
    "pattern_1010": GanSpec(
        name="pattern_1010",
        kata="pattern_1010",
        build=lambda m: (m.Generator(), m.Discriminator()),
        real=_pattern_batch,
        latent=lambda batch, device: torch.rand(batch, 1, device=device),
        loss="mse",
        item="patterns",
    ),
    "mlp_gan": GanSpec(
        name="mlp_gan",
        kata="mnist_gan",
        build=lambda m: (m.Generator(), m.Discriminator()),
        real=_digits_01,
        latent=_randn100,
    ),
    "vanilla_gan": GanSpec(
        name="vanilla_gan",
        kata="vanilla_gan",
        build=lambda m: (m.Generator(), m.Discriminator()),
        real=_digits_tanh,
        latent=_randn100,
    ),
    "dcgan": GanSpec(
        name="dcgan",
        kata="dcgan",
        build=lambda m: (m.make_generator(), m.make_discriminator()),
        real=_digits_tanh,
        latent=_randn100,
        convolutional=True,
    ),
}


def build_models(spec: GanSpec, device: torch.device) -> tuple[nn.Module, nn.Module]:
    """G and D from the kata's reference answer in ``solutions/``, on ``device``."""
    G, D = spec.build(load_impl(spec.kata, "solutions", ROOT))
    return G.to(device), D.to(device)
