"""Pictures of what a GAN learned: digit grids, loss curves, walks between seeds.

Every function writes one PNG (creating its folder) and returns its path, so that a demo,
a notebook or a learner's script can save a picture in one line:

    save_image_grid(G(seeds), "runs/samples.png")
    save_loss_plot({"D": d_losses, "G": g_losses}, "runs/losses.png", kind="bce")
    save_latent_walk(latent_walk(G, a, b, 10), "runs/walk.png")
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only: no window, no display needed on a server or in CI

import matplotlib.pyplot as plt
import torch
from torchvision.utils import save_image

EQUILIBRIUM = {"bce": math.log(2), "mse": 0.25}


def _as_image_batch(images: torch.Tensor) -> torch.Tensor:
    """``[N, 784]``, ``[N, 28, 28]`` or ``[N, C, H, W]`` -> ``[N, C, H, W]`` on the CPU."""
    images = torch.as_tensor(images).detach().float().cpu()
    if images.ndim == 2 and images.shape[1] == 784:
        return images.view(-1, 1, 28, 28)
    if images.ndim == 3:
        return images.unsqueeze(1)
    if images.ndim == 4:
        return images
    raise ValueError(
        f"cannot draw images of shape {tuple(images.shape)}: give [N, 784] MNIST rows, "
        "[N, H, W] grey images or [N, C, H, W]"
    )


def _check_range(images: torch.Tensor) -> None:
    if images.numel() and (images.min() < 0 or images.max() > 1):
        raise ValueError(
            f"pixels must be in [0, 1] to be drawn, but range over [{images.min():.3g}, "
            f"{images.max():.3g}]: map tanh outputs with (x + 1) / 2 first"
        )


def save_image_grid(images: torch.Tensor, path: str | Path, nrow: int = 8) -> Path:
    """Draw ``images`` (pixels in [0, 1]) as a grid with ``nrow`` images per row."""
    batch = _as_image_batch(images)
    _check_range(batch)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    save_image(batch, path, nrow=nrow, padding=2, pad_value=0.5)
    return path


def save_latent_walk(images: torch.Tensor, path: str | Path) -> Path:
    """Draw the images along a path between two seeds as one strip, first to last."""
    batch = _as_image_batch(images)
    return save_image_grid(batch, path, nrow=len(batch))


def _moving_average(values: Sequence[float], width: int) -> list[float]:
    sums = [0.0]
    for value in values:
        sums.append(sums[-1] + value)
    return [
        (sums[i + 1] - sums[max(0, i + 1 - width)]) / min(i + 1, width) for i in range(len(values))
    ]


def save_loss_plot(
    histories: Mapping[str, Sequence[float]], path: str | Path, kind: str = "bce"
) -> Path:
    """Plot each loss history against the step, with the equilibrium loss drawn across.

    ``kind`` is the loss the histories were measured with: ``'bce'`` draws ln 2 = 0.693,
    ``'mse'`` draws 0.25, the loss of a discriminator that answers 0.5 to everything.
    Each curve is drawn faintly as measured and boldly as a moving average, since a loss
    per step is too noisy to read.
    """
    if kind not in EQUILIBRIUM:
        raise ValueError(f"unknown loss kind {kind!r}: use 'bce' or 'mse'")
    if not histories or not any(len(h) for h in histories.values()):
        raise ValueError("no losses to plot: give one or more non-empty histories, {'D': [...]}")
    fig, ax = plt.subplots(figsize=(8, 4.5))
    for name, history in histories.items():
        steps = range(1, len(history) + 1)
        (line,) = ax.plot(steps, history, alpha=0.25, linewidth=0.8)
        width = max(1, len(history) // 50)
        ax.plot(steps, _moving_average(history, width), color=line.get_color(), label=name)
    target = EQUILIBRIUM[kind]
    label = "ln 2 = 0.693" if kind == "bce" else "0.25"
    ax.axhline(target, color="black", linestyle="--", linewidth=1, label=f"equilibrium: {label}")
    ax.set_xlabel("step")
    ax.set_ylabel(f"{kind.upper()} loss")
    ax.legend()
    ax.grid(alpha=0.3)
    fig.tight_layout()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path
