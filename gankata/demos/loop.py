"""The one training loop of the demos: shuffled batches, a kata's step, a progress bar.

The loop trains nothing itself. Each step is a kata's function, given a batch of real images
and a batch of seeds: kata 4's ``gan_step`` for the MNIST demo (``mnist``), kata 11's
``train_step`` for the DCGAN (``dcgan``). The loop draws the batches, keeps one D and one G
loss per step (for ``losses.png``) and shows them on a progress bar.

Every demo trains with one torch thread and gives the caller's count back when it returns
(``gankata.testkit.devices.torch_threads``; ``GANKATA_THREADS`` chooses another count): these
networks are too small to share between cores, and on a busy 2-core machine two threads
made the MNIST GAN 13 times slower and the DCGAN 4.6 times.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Protocol

import torch
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from gankata.demos.runs import console


class Losses(Protocol):
    """What a kata's step returns: kata 4's and kata 11's ``StepLosses``, as floats."""

    @property
    def d_real(self) -> float: ...

    @property
    def d_fake(self) -> float: ...

    @property
    def g(self) -> float: ...


# (real images, seeds) -> the step's losses: a kata's step with its networks bound.
Step = Callable[[torch.Tensor, torch.Tensor], Losses]


def batches(images: torch.Tensor, batch: int, steps: int) -> Iterator[torch.Tensor]:
    """``steps`` batches of ``batch`` images; every pass over ``images`` in a new order."""
    n = len(images)
    order, position = torch.randperm(n, device=images.device), 0
    for _ in range(steps):
        if position + batch > n:
            order, position = torch.randperm(n, device=images.device), 0
        yield images[order[position : position + batch]]
        position += batch


def _progress_bar(show: bool) -> Progress:
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    )
    return Progress(*columns, console=console, disable=not show)


def train(
    step: Step,
    images: torch.Tensor,
    steps: int,
    batch_size: int,
    make_seeds: Callable[[int], torch.Tensor],
    show_progress: bool = True,
    describe_every: int = 50,
) -> dict[str, list[float]]:
    """``steps`` calls of ``step(real, seeds)`` on shuffled batches of ``images``; the losses.

    ``make_seeds(n)`` gives a step's n seeds (moved to the images' device). Returns one D and
    one G loss per step, ``{"D": [...], "G": [...]}``: D's is the mean of its loss on the
    real batch and on the fake one. The bar shows the losses every ``describe_every`` steps.
    """
    histories: dict[str, list[float]] = {"D": [], "G": []}
    with _progress_bar(show_progress) as progress:
        task = progress.add_task("training", total=steps)
        for index, real in enumerate(batches(images, batch_size, steps)):
            losses = step(real, make_seeds(len(real)).to(real.device))
            histories["D"].append((losses.d_real + losses.d_fake) / 2)
            histories["G"].append(losses.g)
            # Redrawing the description every step would cost more than a small step does.
            if index % describe_every == 0:
                progress.update(
                    task,
                    description=f"D {losses.d_real:.3f}/{losses.d_fake:.3f}  G {losses.g:.3f}",
                )
            progress.advance(task)
    return histories


def trained_on(device: torch.device) -> str:
    """``cpu (1 thread)``: on the CPU, how many threads torch trains with; else the device."""
    if device.type != "cpu":
        return str(device)
    threads = torch.get_num_threads()
    return f"cpu ({threads} thread{'' if threads == 1 else 's'})"
