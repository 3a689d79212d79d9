"""Reference answer to kata 4 (katas/step_order.py holds the lesson)."""

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
    for parameter in module.parameters():
        parameter.requires_grad_(False)


def unfreeze(module: nn.Module) -> None:
    """Turn ``requires_grad`` back on for every parameter of ``module``: the undo of ``freeze``."""
    for parameter in module.parameters():
        parameter.requires_grad_(True)


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
    fake = G(z)  # one pass of G serves steps 2 and 3

    # 1. D on real data: target 1, "real".
    d_opt.zero_grad()
    prediction = D(real)
    d_real_loss = loss_fn(prediction, torch.ones_like(prediction))
    d_real_loss.backward()
    d_opt.step()

    # 2. D on generated data: target 0, "fake". detach() cuts the graph at G's output,
    # so this backward pass stops at D and G collects no gradient from D's lesson.
    d_opt.zero_grad()
    prediction = D(fake.detach())
    d_fake_loss = loss_fn(prediction, torch.zeros_like(prediction))
    d_fake_loss.backward()
    d_opt.step()

    # 3. G through D: target 1, G wants D to say "real". The gradient flows back through
    # D into G, and only g_opt steps, so D's weights stay put, frozen or not. Freezing D
    # (optional here, asked for in kata 11) skips D's unused gradients and keeps D's .grad
    # as D's own step left it.
    freeze(D)
    g_opt.zero_grad()
    prediction = D(fake)
    g_loss = loss_fn(prediction, torch.ones_like(prediction))
    g_loss.backward()
    g_opt.step()
    unfreeze(D)

    return StepLosses(d_real_loss.item(), d_fake_loss.item(), g_loss.item())
