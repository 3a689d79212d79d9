"""``gankata demo dcgan``: kata 11's port of a Keras DCGAN, trained on the embedded digits.

The model is the one in the study notes on a Keras DCGAN (a Korean textbook's MNIST model):
convolutions, BatchNorm, tanh and [-1, 1] pixels. Everything the demo trains comes from
kata 11 (``dcgan``): the two networks, Keras' Adam, the [-1, 1] scaling and ``train_step``,
which ``loop.train`` calls once per step. Kata 11's step is its own, not kata 4's
``gan_step``: it is the notes' Keras loop, and may step D once on the real and fake batches
together.

A run writes ``samples.png``, ``losses.png`` and a short ``report.txt`` into
``runs/dcgan-<time>/``. Its default, 300 steps of 32 (about 90 s on two CPU cores, one
thread), draws rough strokes among which some digits can be read; ``--steps 1000`` (about
four minutes) draws most of them as digits. ``--fast`` trains the same networks through
their fast path (``gankata.demos.fast_dcgan``: G's upsampling folded into its convolutions,
D's first convolution on the unshuffled image, D's Dropout masks drawn from uniform
numbers): the same parameters and the same function, at 2.2-2.8 times the images per second
of the kata's networks in the benchmark (batch 256, two CPU cores).
"""

from __future__ import annotations

import time
from pathlib import Path

import torch

from gankata.course.checkout import find_root
from gankata.demos.fast_dcgan import fast_discriminator, fast_generator
from gankata.demos.loop import train, trained_on
from gankata.demos.plots import EQUILIBRIUM, describe_losses, save_image_grid, save_loss_plot
from gankata.demos.runs import console, new_run_folder
from gankata.testkit.data import load_mnist
from gankata.testkit.devices import pick_device, torch_threads
from gankata.testkit.loader import load_impl

# About 90 s on two CPU cores, with one thread; the notes train 2001 steps of 32.
DCGAN_STEPS, DCGAN_BATCH = 300, 32
# What the notes' summary() tables say, to compare with keras_param_count.
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
    fast: bool = False,
) -> Path:
    """Train kata 11's port of the notes' Keras DCGAN on the embedded digits; the run's folder.

    ``fast`` trains G and D through their fast paths (the same parameters and function).
    """
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
    # The fast paths share G's and D's parameters: training them trains G and D.
    trained_g, trained_d = (fast_generator(G), fast_discriminator(D)) if fast else (G, D)
    pixels = torch.from_numpy(load_mnist("embedded").images)
    images = dcgan.scale_to_tanh(pixels).view(-1, 1, 28, 28).to(where)
    latent = dcgan.LATENT_DIM

    console.print("[bold]DCGAN demo[/]: the notes' Keras DCGAN, ported to PyTorch in kata 11")
    path = ", through the fast path" if fast else ""
    console.print(f"{steps} steps of batch {batch} on {trained_on(where)}{path}")
    started = time.perf_counter()
    histories = train(
        lambda real, z: dcgan.train_step(trained_g, trained_d, real, z, g_opt, d_opt),
        images,
        steps,
        batch,
        # Drawn on the device, as the demo always drew them: the same seeds for a given --seed.
        make_seeds=lambda n: torch.randn(n, latent, device=where),
        show_progress=show_progress,
        describe_every=10,
    )
    seconds = time.perf_counter() - started

    run = new_run_folder(out, "dcgan")
    G.eval()  # BatchNorm's running statistics, as Keras' generator.predict uses them
    with torch.no_grad():
        samples = dcgan.scale_from_tanh(G(torch.randn(64, latent, device=where))).cpu()
    save_image_grid(
        samples.float() / 255, run / "samples.png", title="The DCGAN: 64 digits from new seeds"
    )
    save_loss_plot(
        histories, run / "losses.png", kind="bce", title="The DCGAN: D's and G's BCE loss per step"
    )

    tail = max(1, steps // 10)
    mean = {name: sum(h[-tail:]) / tail for name, h in histories.items()}
    counts = []
    for name, model in (("G", G), ("D", D)):
        total, trainable = dcgan.keras_param_count(model)
        seed_total, seed_trainable = DCGAN_SUMMARY[name]
        counts.append(
            f"  {name}: {total:,} total, {trainable:,} trainable (the notes' summary(): "
            f"{seed_total:,} and {seed_trainable:,})"
        )
    text = "\n".join(
        [
            "DCGAN demo, the model of the study notes on a Keras DCGAN "
            "(a Korean textbook's MNIST model), in PyTorch",
            f"{steps} steps x batch {batch} on {trained_on(where)}{path}, {seconds:.0f} s",
            f"loss over the last {tail} steps: D {mean['D']:.3f}, G {mean['G']:.3f} "
            f"(equilibrium: {EQUILIBRIUM['bce']:.3f})",
            describe_losses(histories, "bce"),
            "parameters, counted as Keras' summary() counts them:",
            *counts,
        ]
    )
    (run / "report.txt").write_text(text + "\n", encoding="utf-8")
    console.print(text)
    console.print(f"\nPictures and report in [bold]{run}[/]")
    return run
