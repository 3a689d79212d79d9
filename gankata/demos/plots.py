"""Pictures of what a GAN learned: digit grids, loss curves, walks between seeds.

Every function writes one PNG (creating its folder) and returns its path, so that a demo,
a notebook or a learner's script can save a picture in one line:

    save_image_grid(G(seeds), "runs/samples.png", title="64 digits from new seeds")
    save_loss_plot({"D": d_losses, "G": g_losses}, "runs/losses.png", kind="bce")
    save_latent_walk(latent_walk(G, a, b, 10), "runs/walk.png")  # labelled seed1 ... seed2
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from textwrap import fill

import matplotlib

matplotlib.use("Agg")  # files only: no window, no display needed on a server or in CI

import matplotlib.pyplot as plt
import torch

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


# Inches per image at 100 dpi: a grid of eight is 960 pixels wide, readable on a projector.
CELL = 1.2


def _pixels(image: torch.Tensor):
    """One ``[C, H, W]`` image as what imshow draws: ``[H, W]`` grey or ``[H, W, 3]`` colour."""
    return image[0].numpy() if image.shape[0] == 1 else image.permute(1, 2, 0).numpy()


def save_image_grid(
    images: torch.Tensor,
    path: str | Path,
    nrow: int = 8,
    title: str | None = None,
    labels: Sequence[str] | None = None,
) -> Path:
    """Draw ``images`` (pixels in [0, 1]) as a grid with ``nrow`` images per row, large
    enough to project, under ``title`` and with each image's label above it."""
    batch = _as_image_batch(images)
    _check_range(batch)
    if labels is not None and len(labels) != len(batch):
        raise ValueError(f"{len(labels)} labels for {len(batch)} images: give one per image")
    columns = max(1, min(nrow, len(batch)))
    rows = max(1, math.ceil(len(batch) / columns))
    header = 0.6 if title else 0.0
    label_room = 0.3 if labels else 0.0
    fig, axes = plt.subplots(
        rows,
        columns,
        # A short strip keeps the width a title and labels need.
        figsize=(max(columns * CELL, 7.5), rows * (CELL + label_room) + header),
        squeeze=False,
    )
    for ax in axes.flat:
        ax.axis("off")
    for index, image in enumerate(batch):
        ax = axes.flat[index]
        ax.imshow(_pixels(image), cmap="gray", vmin=0.0, vmax=1.0, interpolation="nearest")
        if labels is not None:
            ax.set_title(labels[index], fontsize=11)
    if title:
        fig.suptitle(title, fontsize=13)
    fig.tight_layout()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def walk_labels(count: int) -> list[str]:
    """``seed1``, ``t=0.11``, ..., ``seed2``: where each image of a walk lies on the way."""
    if count == 1:
        return ["seed1"]
    steps = [f"t={i / (count - 1):.2f}" for i in range(count)]
    return ["seed1", *steps[1:-1], "seed2"]


def save_latent_walk(
    images: torch.Tensor,
    path: str | Path,
    title: str | None = "From seed1 to seed2: what G draws along the way",
    labels: Sequence[str] | None = None,
) -> Path:
    """Draw the images along a path between two seeds as one strip, first to last, each
    labelled with where it lies (:func:`walk_labels`) unless ``labels`` says otherwise."""
    batch = _as_image_batch(images)
    labels = walk_labels(len(batch)) if labels is None else labels
    return save_image_grid(batch, path, nrow=len(batch), title=title, labels=labels)


def describe_losses(histories: Mapping[str, Sequence[float]], kind: str) -> str:
    """What the end of a run's D and G losses says, measured against the equilibrium."""
    line = EQUILIBRIUM[kind]
    tail = {name: _tail_mean(history) for name, history in histories.items() if history}
    measured = ", ".join(f"{name} {value:.3f}" for name, value in tail.items())
    d, g = tail.get("D"), tail.get("G")
    near = {name: abs(value - line) <= 0.2 * line for name, value in tail.items()}
    if d is None or g is None:
        story = "the dashed line is where D could not tell real from fake at all."
    elif near["D"] and near["G"]:
        story = (
            "both near the equilibrium: D tells real from fake no better than a coin. That says "
            "nothing about what G draws: look at the images."
        )
    elif near["D"]:
        where = "above" if g > line else "below"
        story = (
            f"D is near the equilibrium, as good as a coin at telling real from fake, with G's "
            f"loss {where} it. A GAN can sit there while G draws one digit: the losses measure "
            "the duel, not the drawings."
        )
    elif d < line / 2 and g > 2 * line:
        story = (
            "D wins most steps: its loss stays near 0 and G's far above the equilibrium line, "
            "where neither would win. Whether G's images are good or varied, the losses cannot "
            "say: they measure the duel, not the drawings."
        )
    else:
        story = "the dashed line is where D could not tell real from fake at all."
    return f"Last tenth of the steps: {measured} (equilibrium {line:.3f}): {story}"


def _tail_mean(history: Sequence[float]) -> float:
    tail = history[-max(1, len(history) // 10) :]
    return sum(tail) / len(tail)


def _moving_average(values: Sequence[float], width: int) -> list[float]:
    sums = [0.0]
    for value in values:
        sums.append(sums[-1] + value)
    return [
        (sums[i + 1] - sums[max(0, i + 1 - width)]) / min(i + 1, width) for i in range(len(values))
    ]


def save_loss_plot(
    histories: Mapping[str, Sequence[float]],
    path: str | Path,
    kind: str = "bce",
    title: str | None = None,
) -> Path:
    """Plot each loss history against the step, with the equilibrium loss drawn across.

    ``kind`` is the loss the histories were measured with: ``'bce'`` draws ln 2 = 0.693,
    ``'mse'`` draws 0.25, the loss of a discriminator that answers 0.5 to everything.
    Each curve is drawn faintly as measured and boldly as a moving average, since a loss
    per step is too noisy to read. Under ``title`` the plot says what its end shows
    (:func:`describe_losses`), so that a picture is never read as more than it is.
    """
    if kind not in EQUILIBRIUM:
        raise ValueError(f"unknown loss kind {kind!r}: use 'bce' or 'mse'")
    if not histories or not any(len(h) for h in histories.values()):
        raise ValueError("no losses to plot: give one or more non-empty histories, {'D': [...]}")
    fig, ax = plt.subplots(figsize=(10, 5.6))
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
    if title:
        ax.set_title(title, fontsize=13)
    fig.text(0.5, 0.01, fill(describe_losses(histories, kind), 120), ha="center", fontsize=10)
    fig.tight_layout(rect=(0, 0.08, 1, 1))
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path
