"""Reference answer to kata 11 (katas/dcgan.py holds the lesson)."""

from __future__ import annotations

from typing import NamedTuple

import torch
import torch.nn.functional as F
from torch import nn

LATENT_DIM = 100
# Keras' BatchNormalization() defaults, which the notes' generator keeps.
KERAS_BN_MOMENTUM = 0.99
KERAS_BN_EPSILON = 1e-3
# Keras' optimizer='adam' defaults (PyTorch's Adam uses eps=1e-8).
KERAS_ADAM_LR = 1e-3
KERAS_ADAM_BETAS = (0.9, 0.999)
KERAS_ADAM_EPSILON = 1e-7


class StepLosses(NamedTuple):
    """The three losses of one DCGAN step, as Python floats (ready to log or plot)."""

    d_real: float
    d_fake: float
    g: float


def keras_momentum_to_torch(m: float) -> float:
    """PyTorch's BatchNorm ``momentum`` for Keras' ``momentum=m``: ``1 - m``.

    Keras keeps ``m`` of the old running statistic (``new = m * old + (1 - m) * batch``);
    PyTorch's ``momentum`` is the weight of the *batch* statistic. ``m`` outside
    ``[0, 1]`` raises ``ValueError``.

        keras_momentum_to_torch(0.99) -> 0.01 (up to rounding)
    """
    if not 0.0 <= m <= 1.0:  # also refuses NaN, for which every comparison is False
        raise ValueError(f"Keras' BatchNormalization momentum must be in [0, 1], got {m}")
    return 1.0 - m


def make_generator(latent_dim: int = LATENT_DIM) -> nn.Sequential:
    """The notes' Keras generator: seeds ``[B, latent_dim]`` -> images ``[B, 1, 28, 28]``.

    Linear(latent_dim, 128*7*7), LeakyReLU(0.2), BatchNorm1d, reshape to (128, 7, 7),
    Upsample x2, Conv 5x5 -> 64 'same', BatchNorm2d, LeakyReLU(0.2), Upsample x2,
    Conv 5x5 -> 1 'same', Tanh. Both BatchNorms use Keras' defaults translated to PyTorch
    (momentum 0.99 -> 0.01, eps 1e-3).
    """
    momentum = keras_momentum_to_torch(KERAS_BN_MOMENTUM)
    return nn.Sequential(
        nn.Linear(latent_dim, 128 * 7 * 7),
        nn.LeakyReLU(0.2),
        nn.BatchNorm1d(128 * 7 * 7, eps=KERAS_BN_EPSILON, momentum=momentum),
        nn.Unflatten(1, (128, 7, 7)),  # channels first: Keras' Reshape((7, 7, 128))
        nn.Upsample(scale_factor=2, mode="nearest"),  # 14 x 14
        nn.Conv2d(128, 64, kernel_size=5, padding=2),  # 'same': 5 // 2 on each side
        nn.BatchNorm2d(64, eps=KERAS_BN_EPSILON, momentum=momentum),
        nn.LeakyReLU(0.2),
        nn.Upsample(scale_factor=2, mode="nearest"),  # 28 x 28
        nn.Conv2d(64, 1, kernel_size=5, padding=2),
        nn.Tanh(),  # the data is scaled to [-1, 1]
    )


def make_discriminator() -> nn.Sequential:
    """The notes' Keras discriminator: ``[B, 1, 28, 28]`` -> ``[B, 1]``, a probability of "real".

    Conv 5x5 stride 2 -> 64 'same', LeakyReLU(0.2), Dropout(0.3), Conv 5x5 stride 2 -> 128
    'same', LeakyReLU(0.2), Dropout(0.3), Flatten, Linear(6272, 1), Sigmoid.
    """
    return nn.Sequential(
        # padding='same' is refused for stride 2; padding 2 gives Keras' 28 -> 14 -> 7.
        nn.Conv2d(1, 64, kernel_size=5, stride=2, padding=2),
        nn.LeakyReLU(0.2),
        nn.Dropout(0.3),
        nn.Conv2d(64, 128, kernel_size=5, stride=2, padding=2),
        nn.LeakyReLU(0.2),
        nn.Dropout(0.3),
        nn.Flatten(),
        nn.Linear(128 * 7 * 7, 1),
        nn.Sigmoid(),
    )


def keras_param_count(model: nn.Module) -> tuple[int, int]:
    """``(total, trainable)`` as Keras' ``summary()`` counts them.

    Total: every parameter plus BatchNorm's ``running_mean`` and ``running_var`` (Keras'
    non-trainable moving statistics), not ``num_batches_tracked``. Trainable: the
    parameters with ``requires_grad``.

        keras_param_count(make_generator()) -> (865281, 852609)
    """
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    frozen = sum(p.numel() for p in model.parameters() if not p.requires_grad)
    moving = sum(
        buffer.numel()
        for name, buffer in model.named_buffers()
        if name.rsplit(".", 1)[-1] in ("running_mean", "running_var")
    )
    return trainable + frozen + moving, trainable


def scale_to_tanh(x_uint8: torch.Tensor) -> torch.Tensor:
    """Pixels 0-255 to float32 in [-1, 1], as the notes do: ``(x - 127.5) / 127.5``.

    Values outside [0, 255] raise ``ValueError`` saying that 0-255 pixels were expected.

        scale_to_tanh(torch.tensor([0, 255], dtype=torch.uint8)) -> tensor([-1., 1.])
    """
    x = x_uint8.float()
    if x.numel() and (x.min() < 0 or x.max() > 255):
        raise ValueError(
            f"scale_to_tanh expects pixels in [0, 255], got values from {x.min().item()} to "
            f"{x.max().item()}: are they already scaled?"
        )
    return (x - 127.5) / 127.5


def scale_from_tanh(x: torch.Tensor) -> torch.Tensor:
    """G's output in [-1, 1] back to pixels: a uint8 tensor in [0, 255], rounded to nearest.

    ``scale_from_tanh(scale_to_tanh(p))`` is ``p`` for every uint8 ``p``. Values outside
    [-1, 1] raise ``ValueError`` saying that [-1, 1] was expected.

        scale_from_tanh(torch.tensor([-1.0, 1.0])) -> tensor([0, 255], dtype=torch.uint8)
    """
    if x.numel() and (x.min() < -1 or x.max() > 1):
        raise ValueError(
            f"scale_from_tanh expects values in [-1, 1] (a tanh output), got values from "
            f"{x.min().item()} to {x.max().item()}"
        )
    # Round, not truncate: 254.99998 is pixel 255.
    return (x.detach().float() * 127.5 + 127.5).round().to(torch.uint8)


def make_optimizers(
    G: nn.Module, D: nn.Module
) -> tuple[torch.optim.Optimizer, torch.optim.Optimizer]:
    """``(g_opt, d_opt)``: Adam with Keras' ``optimizer='adam'`` defaults for each network.

    lr 0.001, betas (0.9, 0.999) and eps 1e-7 (PyTorch's default eps is 1e-8).
    """
    settings = {"lr": KERAS_ADAM_LR, "betas": KERAS_ADAM_BETAS, "eps": KERAS_ADAM_EPSILON}
    return torch.optim.Adam(G.parameters(), **settings), torch.optim.Adam(
        D.parameters(), **settings
    )


def train_step(
    G: nn.Module,
    D: nn.Module,
    real: torch.Tensor,
    z: torch.Tensor,
    g_opt: torch.optim.Optimizer,
    d_opt: torch.optim.Optimizer,
) -> StepLosses:
    """One iteration of the notes' ``gan_train`` loop, with binary cross-entropy.

    1. D on ``real`` (already in [-1, 1]) with target 1, step ``d_opt``.
    2. D on ``G(z).detach()`` with target 0, step ``d_opt`` (or steps 1 and 2 as one step).
    3. G through a frozen D with target 1 (the non-saturating loss), step ``g_opt``; D's
       parameters are unchanged by this step and trainable again afterwards.

    Returns the three losses as floats.
    """
    # discriminator.train_on_batch(imgs, true)
    d_opt.zero_grad()
    verdict = D(real)
    d_real = F.binary_cross_entropy(verdict, torch.ones_like(verdict))
    d_real.backward()
    d_opt.step()

    # gen_imgs = generator.predict(noise); discriminator.train_on_batch(gen_imgs, fake)
    fake = G(z)
    d_opt.zero_grad()
    verdict = D(fake.detach())  # D's lesson must not reach G
    d_fake = F.binary_cross_entropy(verdict, torch.zeros_like(verdict))
    d_fake.backward()
    d_opt.step()

    # discriminator.trainable = False; gan.train_on_batch(noise, true)
    D.requires_grad_(False)
    try:
        g_opt.zero_grad()
        verdict = D(fake)
        # Target 1: maximise log D(G(z)) rather than minimise log(1 - D(G(z))).
        g = F.binary_cross_entropy(verdict, torch.ones_like(verdict))
        g.backward()
        g_opt.step()
    finally:
        D.requires_grad_(True)  # discriminator.trainable = True for the next round

    return StepLosses(d_real.item(), d_fake.item(), g.item())
