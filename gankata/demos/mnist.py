"""``gankata demo mnist``: train one of the book's MNIST GANs and look at what it learned.

    gankata demo mnist              the book's improved GAN (LeakyReLU, LayerNorm, Adam, BCE,
                                    a randn seed of 100 numbers): different digits
    gankata demo mnist --collapse   the book's first version (sigmoid, MSE, SGD, a rand seed of
                                    one number): the same blurry digit for every seed

Each run writes into ``runs/<variant>-<time>/``:

    samples.png           64 generated digits
    losses.png            D's and G's loss per step, with the equilibrium line (ln 2 or 0.25)
    latent_walk.png       the digits G draws for seeds on the way from one seed to another
    seed_experiments.png  the book's seed experiments: seed1, seed2, sum, difference, product
    report.txt            the mode-collapse report for 1,000 generated digits

Both versions train through kata 4's ``gan_step`` (``step_order``): the three steps of the
book's loop, D on real, D on detached fake, G through a frozen D. A version is a ``Recipe``
(networks, optimisers, loss, seeds), not a loop of its own. Everything else comes from the
katas too (``solutions/`` by default, or your own ``katas/`` with ``--impl katas``):
``mnist_gan`` for the improved GAN, ``mode_collapse`` for the report and ``seed_arithmetic``
for the walk. Measured on two CPU cores, one thread: about 40 s, ``--collapse`` about 26 s.
"""

from __future__ import annotations

import math
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import torch
from torch import nn

from gankata.course.checkout import find_root
from gankata.demos.loop import Losses, Step, train, trained_on
from gankata.demos.plots import (
    EQUILIBRIUM,
    describe_losses,
    save_image_grid,
    save_latent_walk,
    save_loss_plot,
)
from gankata.demos.runs import console, new_run_folder
from gankata.testkit.classifier import held_out_digits, load_digit_classifier
from gankata.testkit.data import load_mnist
from gankata.testkit.devices import pick_device, torch_threads
from gankata.testkit.loader import load_impl

KATAS = ("step_order", "mnist_gan", "mode_collapse", "seed_arithmetic")


@dataclass
class Recipe:
    """Everything that differs between the book's two MNIST GANs.

    ``gan_step`` calls ``D(real)``, ``D(G(seeds).detach())`` and ``D(G(seeds))``, so D reads
    a batch of flattened digits ``[B, 784]`` and G turns ``make_seeds(B)`` into one.
    """

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


def _through_gan_step(step_order: ModuleType, recipe: Recipe) -> Step:
    """One step of ``recipe``'s GAN: kata 4's ``gan_step`` on its networks, optimisers, loss."""

    def step(real: torch.Tensor, z: torch.Tensor) -> Losses:
        return step_order.gan_step(
            recipe.D,
            recipe.G,
            real,
            z,
            recipe.d_optimiser,
            recipe.g_optimiser,
            recipe.loss_function,
        )

    return step


def _raised_in(error: BaseException, module: ModuleType) -> bool:
    """Whether ``error`` came out of ``module``'s own code, not a kata it called."""
    frames = traceback.extract_tb(error.__traceback__)
    return bool(frames) and Path(frames[-1].filename) == Path(str(module.__file__))


def _shown(path: str | None, root: Path) -> str:
    try:
        return str(Path(str(path)).resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)


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
            f"{recipe.steps} steps x batch {recipe.batch_size} on {trained_on(device)}, "
            f"{seconds:.0f} s",
            f"loss over the last {tail} steps: D {mean['D']:.3f}, G {mean['G']:.3f} "
            f"(equilibrium: {equilibrium:.3f})",
            describe_losses(histories, recipe.loss_kind),
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
    """Train one of the book's MNIST GANs, write its pictures and report; the run's folder.

    Raises ``NotImplementedError`` when a kata it runs is unfinished; when that kata is
    kata 4, the message says that the demo trains through its ``gan_step``.
    """
    root = find_root()
    katas = {name: load_impl(name, impl, root) for name in KATAS}
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
    console.print(f"{recipe.steps} steps of batch {recipe.batch_size} on {trained_on(where)}")
    step_order = katas["step_order"]
    started = time.perf_counter()
    try:
        histories = train(
            _through_gan_step(step_order, recipe),
            images,
            recipe.steps,
            recipe.batch_size,
            recipe.make_seeds,
            show_progress=show_progress,
        )
    except NotImplementedError as error:
        # A stub of kata 7 that gan_step calls (the improved G or D) speaks for itself.
        if not _raised_in(error, step_order):
            raise
        raise NotImplementedError(
            f"the MNIST demo trains through kata 4's gan_step "
            f"({_shown(step_order.__file__, root)}), so finish kata 4 first: {error}"
        ) from None
    seconds = time.perf_counter() - started

    run = new_run_folder(out, "collapse" if collapse else "improved")

    G = recipe.G
    walks = katas["seed_arithmetic"]
    samples = _generate(G, recipe.make_seeds(1000).to(where))
    name = "The book's first MNIST GAN" if collapse else "The improved MNIST GAN"
    save_image_grid(samples[:64], run / "samples.png", title=f"{name}: 64 digits from new seeds")
    save_loss_plot(
        histories,
        run / "losses.png",
        kind=recipe.loss_kind,
        title=f"{name}: D's and G's {recipe.loss_kind.upper()} loss per step",
    )
    seed1, seed2 = recipe.make_seeds(2).to(where)
    method = "lerp" if collapse else "slerp"
    save_latent_walk(
        walks.latent_walk(G, seed1, seed2, 10, method=method),
        run / "latent_walk.png",
        title=f"{name}: from seed1 to seed2 by {method}",
    )
    experiments = torch.stack(
        [
            seed1,
            seed2,
            walks.seed_sum(seed1, seed2),
            walks.seed_difference(seed1, seed2),
            walks.seed_product(seed1, seed2),
        ]
    )
    save_image_grid(
        _generate(G, experiments),
        run / "seed_experiments.png",
        title=f"{name}: the book's seed experiments",
        labels=["seed1", "seed2", "seed1 + seed2", "seed1 - seed2", "seed1 * seed2"],
    )

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
