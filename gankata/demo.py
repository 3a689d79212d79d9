"""The demos: train a GAN on the embedded digits and look at what it learned.

    gankata demo mnist              the book's improved GAN (LeakyReLU, LayerNorm, Adam, BCE,
                                    a randn seed of 100 numbers): different digits
    gankata demo mnist --collapse   the book's first version (sigmoid, MSE, SGD, a rand seed of
                                    one number): the same blurry digit for every seed
    gankata demo dcgan              the Keras DCGAN of 003_5cc849c8351635bb.txt, ported in
                                    kata 11: convolutions, BatchNorm, tanh and [-1, 1] pixels

Each run writes into ``runs/<variant>-<time>/``:

    samples.png           64 generated digits
    losses.png            D's and G's loss per step, with the equilibrium line (ln 2 or 0.25)
    latent_walk.png       the digits G draws for seeds on the way from one seed to another
    seed_experiments.png  the book's seed experiments: seed1, seed2, sum, difference, product
    report.txt            the mode-collapse report for 1,000 generated digits

The models and the judgement come from the katas (``solutions/`` by default, or your own
``katas/`` with ``--impl katas``): ``mnist_gan`` for the improved GAN, ``mode_collapse`` for
the report and ``seed_arithmetic`` for the walk. The training loop is here, written out,
because it is the same three steps for both versions.

The DCGAN demo writes ``samples.png``, ``losses.png`` and a short ``report.txt`` into
``runs/dcgan-<time>/``; everything in it comes from kata 11 (``dcgan``): the two networks,
Keras' Adam, the [-1, 1] scaling and ``train_step``. Its default, 300 steps of 32 (about 90 s
on two CPU cores), draws rough strokes among which some digits can be read; ``--steps 1000``
(about four minutes) draws most of them as digits.

Every demo trains with one torch thread and gives the caller's count back when it returns
(``gankata.devices.torch_threads``; ``GANKATA_THREADS`` chooses another count): these
networks are too small to share between cores, and on a busy 2-core machine two threads
made the MNIST GAN 13 times slower and the DCGAN 4.6 times. Measured on two CPU cores, one
thread: ``demo mnist`` about 40 s, ``--collapse`` about 26 s, ``demo dcgan`` about 90 s.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import torch
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from torch import nn

from gankata.classifier import held_out_digits, load_digit_classifier
from gankata.data import load_mnist
from gankata.devices import pick_device, torch_threads
from gankata.impl import find_root, load_impl
from gankata.plots import EQUILIBRIUM, save_image_grid, save_latent_walk, save_loss_plot
from gankata.runner.naming import free_name
from gankata.runner.screen import console


@dataclass
class Recipe:
    """Everything that differs between the book's two MNIST GANs."""

    title: str
    D: nn.Module
    G: nn.Module
    d_optimiser: torch.optim.Optimizer
    g_optimiser: torch.optim.Optimizer
    loss_function: nn.Module
    loss_kind: str  # 'bce' or 'mse': which equilibrium line the loss plot draws
    make_seeds: Callable[[int], torch.Tensor]  # batch size -> a batch of seeds
    steps: int
    batch_size: int


def improved_recipe(mnist_gan: ModuleType, steps: int = 5000, batch_size: int = 32) -> Recipe:
    """The kata's improved GAN, with the optimisers and loss its classes carry."""
    D, G = mnist_gan.Discriminator(), mnist_gan.Generator()
    return Recipe(
        title="improved: LeakyReLU(0.02) + LayerNorm, Adam lr 1e-4, BCE, randn seed of 100",
        D=D,
        G=G,
        d_optimiser=D.optimiser,
        g_optimiser=G.optimiser,
        loss_function=D.loss_function,
        loss_kind="bce",
        make_seeds=lambda n: mnist_gan.generate_random_seed((n, mnist_gan.SEED_SIZE)),
        steps=steps,
        batch_size=batch_size,
    )


def collapsing_recipe(steps: int = 10_000, batch_size: int = 1) -> Recipe:
    """The book's first MNIST GAN, one image at a time, which collapses to one digit."""
    D = nn.Sequential(nn.Linear(784, 200), nn.Sigmoid(), nn.Linear(200, 1), nn.Sigmoid())
    G = nn.Sequential(nn.Linear(1, 200), nn.Sigmoid(), nn.Linear(200, 784), nn.Sigmoid())
    return Recipe(
        title="the book's first version: sigmoid, SGD lr 0.01, MSE, rand seed of 1",
        D=D,
        G=G,
        d_optimiser=torch.optim.SGD(D.parameters(), lr=0.01),
        g_optimiser=torch.optim.SGD(G.parameters(), lr=0.01),
        loss_function=nn.MSELoss(),
        loss_kind="mse",
        make_seeds=lambda n: torch.rand(n, 1),
        steps=steps,
        batch_size=batch_size,
    )


def _batches(images: torch.Tensor, batch: int, steps: int) -> Iterator[torch.Tensor]:
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


def _new_run_folder(out: Path | str, variant: str) -> Path:
    """``out/<variant>-<time>``, created; never an earlier run's folder."""
    Path(out).mkdir(parents=True, exist_ok=True)
    run = free_name(Path(out), variant)
    run.mkdir()
    return run


def _fit(optimiser: torch.optim.Optimizer, loss: torch.Tensor) -> float:
    optimiser.zero_grad(set_to_none=True)
    loss.backward()
    optimiser.step()
    return loss.item()


def train(
    recipe: Recipe, images: torch.Tensor, progress: Progress | None = None
) -> dict[str, list[float]]:
    """The three-step loop over shuffled batches of ``images``; one D and one G loss per step.

    D's loss for a step is the mean of its loss on the real batch and on the fake one.
    """
    D, G, loss_function = recipe.D, recipe.G, recipe.loss_function
    device = images.device
    batch = recipe.batch_size
    ones = torch.ones(batch, 1, device=device)
    zeros = torch.zeros(batch, 1, device=device)
    histories: dict[str, list[float]] = {"D": [], "G": []}
    task = progress.add_task("training", total=recipe.steps) if progress else None
    for step, real in enumerate(_batches(images, batch, recipe.steps)):
        d_real = _fit(recipe.d_optimiser, loss_function(D(real), ones))
        fake = G(recipe.make_seeds(batch).to(device))
        d_fake = _fit(recipe.d_optimiser, loss_function(D(fake.detach()), zeros))
        g_loss = _fit(recipe.g_optimiser, loss_function(D(fake), ones))
        histories["D"].append((d_real + d_fake) / 2)
        histories["G"].append(g_loss)
        if progress is not None and task is not None:
            if step % 50 == 0:
                progress.update(task, description=f"D {d_real:.3f}/{d_fake:.3f}  G {g_loss:.3f}")
            progress.advance(task)
    return histories


def _on(device: torch.device) -> str:
    """``cpu (1 thread)``: on the CPU, how many threads torch trains with; else the device."""
    if device.type != "cpu":
        return str(device)
    threads = torch.get_num_threads()
    return f"cpu ({threads} thread{'' if threads == 1 else 's'})"


def _generate(G: nn.Module, seeds: torch.Tensor) -> torch.Tensor:
    with torch.no_grad():
        return G(seeds).reshape(len(seeds), 784).cpu()


def _report_text(
    recipe: Recipe,
    report: Any,
    histogram: torch.Tensor,
    histories: dict[str, list[float]],
    seconds: float,
    device: torch.device,
    thresholds: tuple[float, int],
) -> str:
    tail = max(1, recipe.steps // 10)
    mean = {name: sum(h[-tail:]) / len(h[-tail:]) for name, h in histories.items()}
    verdict = "COLLAPSED" if report.collapsed else "not collapsed"
    counts = "  ".join(f"{digit}: {int(count)}" for digit, count in enumerate(histogram))
    equilibrium = EQUILIBRIUM[recipe.loss_kind]
    return "\n".join(
        [
            f"MNIST GAN demo, {recipe.title}",
            f"{recipe.steps} steps x batch {recipe.batch_size} on {_on(device)}, {seconds:.0f} s",
            f"loss over the last {tail} steps: D {mean['D']:.3f}, G {mean['G']:.3f} "
            f"(equilibrium: {equilibrium:.3f})",
            "",
            f"mode collapse: {verdict}",
            f"  digits covered  {report.modes_covered}/10 (at least {thresholds[1]} needed)",
            f"  diversity ratio {report.diversity_ratio:.2f} of real digits' "
            f"(at least {thresholds[0]} needed)",
            f"  KL to uniform   {report.kl_to_uniform:.2f} nats (0 = every digit equally "
            f"often, {math.log(10):.2f} = one digit only)",
            f"  digits read in 1,000 samples: {counts}",
        ]
    )


@torch_threads()  # one torch thread for the whole run, the caller's count back after it
def run_mnist_demo(
    out: Path | str = "runs",
    collapse: bool = False,
    steps: int | None = None,
    batch_size: int | None = None,
    seed: int = 0,
    impl: str = "solutions",
    device: str | None = None,
    show_progress: bool = True,
) -> Path:
    """Train one of the book's MNIST GANs, write its pictures and report; the run's folder."""
    root = find_root()
    katas = {name: load_impl(name, impl, root) for name in ("mnist_gan", "mode_collapse")}
    walks = load_impl("seed_arithmetic", impl, root)
    torch.manual_seed(seed)
    where = pick_device(device)
    recipe = collapsing_recipe() if collapse else improved_recipe(katas["mnist_gan"])
    recipe.steps = recipe.steps if steps is None else steps
    recipe.batch_size = recipe.batch_size if batch_size is None else batch_size
    if recipe.steps < 1 or recipe.batch_size < 1:
        raise ValueError(f"steps and batch size must be at least 1, got {steps} and {batch_size}")
    recipe.D.to(where)
    recipe.G.to(where)
    images = torch.from_numpy(load_mnist("embedded").images).to(where).float() / 255.0

    console.print(f"[bold]MNIST GAN demo[/]: {recipe.title}")
    console.print(f"{recipe.steps} steps of batch {recipe.batch_size} on {_on(where)}")
    started = time.perf_counter()
    with _progress_bar(show_progress) as progress:
        histories = train(recipe, images, progress)
    seconds = time.perf_counter() - started

    run = _new_run_folder(out, "collapse" if collapse else "improved")

    G = recipe.G
    samples = _generate(G, recipe.make_seeds(1000).to(where))
    save_image_grid(samples[:64], run / "samples.png")
    save_loss_plot(histories, run / "losses.png", kind=recipe.loss_kind)
    seed1, seed2 = recipe.make_seeds(2).to(where)
    method = "lerp" if collapse else "slerp"
    save_latent_walk(walks.latent_walk(G, seed1, seed2, 10, method=method), run / "latent_walk.png")
    experiments = torch.stack(
        [
            seed1,
            seed2,
            walks.seed_sum(seed1, seed2),
            walks.seed_difference(seed1, seed2),
            walks.seed_product(seed1, seed2),
        ]
    )
    save_latent_walk(_generate(G, experiments), run / "seed_experiments.png")

    judge = katas["mode_collapse"]
    classifier = load_digit_classifier()
    real, _ = held_out_digits()
    report = judge.detect_mode_collapse(samples, real, classifier)
    histogram = judge.class_histogram(samples, classifier)
    thresholds = (judge.MIN_DIVERSITY_RATIO, judge.MIN_MODES_COVERED)
    text = _report_text(recipe, report, histogram, histories, seconds, where, thresholds)
    (run / "report.txt").write_text(text + "\n", encoding="utf-8")
    console.print(text)
    console.print(f"\nPictures and report in [bold]{run}[/]")
    return run


# About 90 s on two CPU cores, with one thread; the seed trains 2001 steps of 32.
DCGAN_STEPS, DCGAN_BATCH = 300, 32
# What the seed's summary() tables say, to compare with keras_param_count.
DCGAN_SUMMARY = {"G": (865_281, 852_609), "D": (212_865, 212_865)}


@torch_threads()  # the DCGAN too: a second thread saves a tenth idle, costs 4.6x busy
def run_dcgan_demo(
    out: Path | str = "runs",
    steps: int | None = None,
    batch_size: int | None = None,
    seed: int = 0,
    impl: str = "solutions",
    device: str | None = None,
    show_progress: bool = True,
) -> Path:
    """Train kata 11's port of the seed's Keras DCGAN on the embedded digits; the run's folder."""
    dcgan = load_impl("dcgan", impl, find_root())
    steps = DCGAN_STEPS if steps is None else steps
    batch = DCGAN_BATCH if batch_size is None else batch_size
    if steps < 1 or batch < 2:
        raise ValueError(
            f"steps must be at least 1 and the batch size at least 2 (BatchNorm needs two "
            f"images to take a batch's statistics), got {steps} and {batch}"
        )
    torch.manual_seed(seed)
    where = pick_device(device)
    G, D = dcgan.make_generator().to(where), dcgan.make_discriminator().to(where)
    g_opt, d_opt = dcgan.make_optimizers(G, D)
    pixels = torch.from_numpy(load_mnist("embedded").images)
    images = dcgan.scale_to_tanh(pixels).view(-1, 1, 28, 28).to(where)
    latent = dcgan.LATENT_DIM

    console.print("[bold]DCGAN demo[/]: the seed's Keras DCGAN, ported to PyTorch in kata 11")
    console.print(f"{steps} steps of batch {batch} on {_on(where)}")
    histories: dict[str, list[float]] = {"D": [], "G": []}
    started = time.perf_counter()
    with _progress_bar(show_progress) as progress:
        task = progress.add_task("training", total=steps)
        for step, real in enumerate(_batches(images, batch, steps)):
            z = torch.randn(len(real), latent, device=where)
            losses = dcgan.train_step(G, D, real, z, g_opt, d_opt)
            histories["D"].append((losses.d_real + losses.d_fake) / 2)
            histories["G"].append(losses.g)
            if step % 10 == 0:
                progress.update(
                    task, description=f"D {losses.d_real:.3f}/{losses.d_fake:.3f}  G {losses.g:.3f}"
                )
            progress.advance(task)
    seconds = time.perf_counter() - started

    run = _new_run_folder(out, "dcgan")
    G.eval()  # BatchNorm's running statistics, as Keras' generator.predict uses them
    with torch.no_grad():
        samples = dcgan.scale_from_tanh(G(torch.randn(64, latent, device=where))).cpu()
    save_image_grid(samples.float() / 255, run / "samples.png")
    save_loss_plot(histories, run / "losses.png", kind="bce")

    tail = max(1, steps // 10)
    mean = {name: sum(h[-tail:]) / tail for name, h in histories.items()}
    counts = []
    for name, model in (("G", G), ("D", D)):
        total, trainable = dcgan.keras_param_count(model)
        seed_total, seed_trainable = DCGAN_SUMMARY[name]
        counts.append(
            f"  {name}: {total:,} total, {trainable:,} trainable (the seed's summary(): "
            f"{seed_total:,} and {seed_trainable:,})"
        )
    text = "\n".join(
        [
            "DCGAN demo, the Keras DCGAN of 003_5cc849c8351635bb.txt in PyTorch",
            f"{steps} steps x batch {batch} on {_on(where)}, {seconds:.0f} s",
            f"loss over the last {tail} steps: D {mean['D']:.3f}, G {mean['G']:.3f} "
            f"(equilibrium: {EQUILIBRIUM['bce']:.3f})",
            "parameters, counted as Keras' summary() counts them:",
            *counts,
        ]
    )
    (run / "report.txt").write_text(text + "\n", encoding="utf-8")
    console.print(text)
    console.print(f"\nPictures and report in [bold]{run}[/]")
    return run
