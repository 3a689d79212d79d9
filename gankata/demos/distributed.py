"""Data-parallel GAN training with DistributedDataParallel (DDP), launched by torchrun.

    torchrun --standalone --nproc-per-node 2 -m gankata.demos.distributed --model dcgan

Each of the N processes torchrun starts (a *rank*) holds a whole copy of G and D and trains
on a batch of its own. DDP keeps the copies equal: during each backward pass it all-reduces
the gradients, averaging them over the ranks, so every rank's optimiser takes the same step
from the same weights. The losses are means over the local batch, and the mean of N local
means of equal batches is the mean over the combined batch: with ``--batch b`` per rank, one
step is one step on a batch of ``N * b``, as if one process had trained on all of it.

Why a GAN trips DDP up
----------------------
DDP was made for one forward and one backward of the wrapped module per step. A GAN's step
has more, in three ways:

- D runs three times: on the real batch, on the detached fakes, and on the fakes again so
  that G can learn through it. At every forward of its module, DDP's reducer arms itself
  for a backward that brings a gradient to each of the module's parameters, and averages
  them as they come. The third pass must leave D as it is. Through the wrapper with D
  frozen, no gradient comes, and DDP (2.14, measured) lets that pass; but with D frozen
  only in part, the one trainable parameter's gradient arrives alone, the reducer waits
  for the rest, and D's next forward stops with "Expected to have finished reduction in
  the prior iteration before starting a new one". With D not frozen at all, the pass
  all-reduces the whole of D's gradient, which no optimiser then uses.
- G's backward passes through D: the loss that trains G is D's verdict on the fakes, so
  G's one forward, at the start of the step, gets its backward only at the end, after D's
  two rounds, and that backward runs through D's layers. Each wrapper has a reducer of its
  own, which must see a forward and then its backward: G's once a step, D's once for each
  of its two passes.
- BatchNorm normalises by the statistics of the batch it sees, and each rank sees only its
  own quarter or half. Left alone, N ranks normalise by N different means and variances,
  and their running statistics drift apart.

The step here (:func:`ddp_step`) is kata 4's ``gan_step`` in its order, the order whose
results kata 11's ``train_step`` computes too, arranged so that each reducer sees what it
expects:

1. ``fake = G_ddp(z)``, once, with grad. G's reducer sees this one forward now and its one
   backward in step 4.
2. ``D_ddp(real)``, BCE against 1, backward, ``d_opt.step()``: DDP averages D's gradients.
3. ``D_ddp(fake.detach())``, BCE against 0, backward, ``d_opt.step()``. ``detach()`` keeps
   D's lesson out of G, and D's reducer again sees a forward and then its backward.
4. ``D_ddp.module(fake)``: D's *inner* module, around its DDP wrapper, with D's parameters
   frozen (``requires_grad_(False)``, thawed in a ``finally``), BCE against 1, backward,
   ``g_opt.step()``. D is frozen, so there is nothing of D's to reduce, and going around
   the wrapper means D's reducer never sees a forward that gets no backward. The gradient
   still flows through D's layers into ``fake`` and on into G, whose reducer averages it.

BatchNorm across ranks (:func:`sync_batchnorm`): on CUDA every BatchNorm becomes PyTorch's
``SyncBatchNorm``, which takes the batch's mean and variance over all ranks. SyncBatchNorm
refuses CPU tensors, so on the CPU each becomes a :class:`CrossRankBatchNorm`, its CPU twin:
two all-reduces per forward (the per-channel sums and counts, giving the global mean; then
the sums of squared deviations from it, giving the global variance) and two in backward.
Normalised by the statistics of the combined batch, the ranks compute what one process
would on all of it, and their running statistics are equal on every rank.

Seeds: every rank builds the networks after ``torch.manual_seed(seed)``, so all start from
the same weights (DDP also broadcasts rank 0's when it wraps them), then reseeds with
:func:`rank_seed` for its own data order, latent seeds and Dropout masks: N ranks drawing
the same seeds would train on one batch N times over. The data is the 5,000 embedded
digits, sharded with a stride (rank r takes digits r, r + N, r + 2N, ...), as
``DistributedSampler`` shards: the ranks' shards are disjoint, and since the digits are
sorted by class, every shard holds every class equally. Each rank shuffles its own shard.

Only rank 0 writes, at the end: ``samples.png`` and then ``results.json`` (images per second
over all ranks, measured after a few warm-up steps between barriers; the last losses,
averaged over the ranks) in a new ``<out>/ddp-<model>-<time>/``, each file written to a
temporary name first and renamed, so ``results.json`` is there only if the run finished.

A rank that dies must not leave the others waiting: every collective gives up after
``GANKATA_DDP_TIMEOUT`` seconds (default :data:`TIMEOUT_S`), and a rank whose collective
fails because another rank stopped says so and exits. Measured on a 2-core machine with
torch 2.14, rank 1 of 2 exiting (status 3) after its first step: gloo failed rank 0's next
collective at once ("Connection reset by peer"), rank 0 printed that another rank stopped
and that nothing was written, and torchrun, which looks at its workers every 0.1 s and
sends the survivors SIGTERM as soon as one has failed, ended rank 0 while it was exiting.
torchrun then exited with status 1 within a fraction of a second, naming rank 1 and
its exit status as the first failure. The timeout is for what torchrun cannot see: a rank
that hangs without exiting, or ranks on other machines.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import NamedTuple, NoReturn

import torch
import torch.distributed as dist
import torch.nn.functional as F
from torch import nn
from torch.nn.parallel import DistributedDataParallel

import gankata
from gankata.course.checkout import find_root
from gankata.demos.dcgan import DCGAN_BATCH, DCGAN_STEPS
from gankata.demos.loop import batches
from gankata.demos.plots import save_image_grid
from gankata.demos.runs import console, new_run_folder
from gankata.testkit.data import load_mnist
from gankata.testkit.loader import ImplLoadError, load_impl

MODELS = ("dcgan", "mlp_gan")
# Which kata's reference answer builds each model.
KATAS = {"dcgan": "dcgan", "mlp_gan": "mnist_gan"}
BACKENDS = ("gloo", "nccl")
DEVICE_TYPES = ("cpu", "cuda")
# The MNIST demo's 5,000 steps of 32 for the MLP GAN; the DCGAN demo's 300 steps of 32.
DEFAULT_STEPS = {"dcgan": DCGAN_STEPS, "mlp_gan": 5000}
DEFAULT_BATCH = DCGAN_BATCH
# The first steps allocate Adam's state and DDP's buckets (rebuilt after the first step):
# images per second are timed from the step after these.
WARMUP_STEPS = 3
LOG_EVERY = 50
TIMEOUT_ENV = "GANKATA_DDP_TIMEOUT"
# Long enough for a slow rank to load the digits and build the DCGAN on a busy machine.
TIMEOUT_S = 60.0
UNDER_TORCHRUN = (
    "run it under torchrun: torchrun --standalone --nproc-per-node 2 -m "
    "gankata.demos.distributed ... (or add --single to train in one process, without DDP)"
)


class DistributedSetupError(RuntimeError):
    """A distributed run was asked for in a way that cannot work; the message says how to fix it."""


class DistributedRunError(RuntimeError):
    """torchrun's ranks failed; their own errors are above, in torchrun's output."""


class StepLosses(NamedTuple):
    """One step's three losses as floats, like kata 4's and kata 11's ``StepLosses``."""

    d_real: float
    d_fake: float
    g: float


def default_backend(device_type: str) -> str:
    """``nccl`` for CUDA GPUs, ``gloo`` otherwise (gloo runs on the CPU, NCCL only on GPUs)."""
    return "nccl" if device_type == "cuda" else "gloo"


def check_world(
    *, backend: str, device_type: str, world_size: int, local_world_size: int, cuda_devices: int
) -> None:
    """Raise :class:`DistributedSetupError` if these ranks cannot train together as asked.

    ``local_world_size`` is the number of ranks on this machine (torchrun's
    ``--nproc-per-node``) and ``cuda_devices`` the GPUs it has. Refused: an unknown backend
    or device, a world of one rank, NCCL without CUDA, and more ranks on a machine than it
    has GPUs when training on CUDA (DDP on CUDA trains one rank per GPU).
    """
    if backend not in BACKENDS:
        raise DistributedSetupError(
            f"unknown backend {backend!r}: use gloo (CPU, or GPUs) or nccl (CUDA GPUs only)."
        )
    if device_type not in DEVICE_TYPES:
        raise DistributedSetupError(
            f"device {device_type!r}: this DDP demo trains on cpu or cuda; ask for --device cpu."
        )
    if world_size < 2:
        raise DistributedSetupError(
            f"the world size is {world_size}: one rank has nothing to share, since DDP "
            "averages gradients over ranks. Train without torchrun (gankata demo dcgan, or "
            "--single), or ask for 2 or more processes (torchrun --nproc-per-node 2)."
        )
    if backend == "nccl" and device_type != "cuda":
        raise DistributedSetupError(
            f"--backend nccl on device {device_type}: NCCL needs CUDA GPUs; use gloo on a CPU "
            "(--backend gloo, the default there)."
        )
    if device_type == "cuda" and local_world_size > cuda_devices:
        raise DistributedSetupError(
            f"torchrun --nproc-per-node {local_world_size} but this machine has "
            f"{cuda_devices} GPU{'' if cuda_devices == 1 else 's'}: DDP on CUDA trains one "
            f"rank per GPU. Ask for --nproc-per-node {cuda_devices} or fewer, or train on the "
            "CPU (--device cpu --backend gloo)."
        )


def rank_seed(seed: int, rank: int) -> int:
    """The seed rank ``rank`` draws its data order, latent seeds and Dropout masks from.

    Different on every rank, and never ``seed`` itself, which built the shared weights.
    """
    return seed + 1000 * rank + 1


def ddp_timeout() -> timedelta:
    """How long a collective waits for the other ranks: ``$GANKATA_DDP_TIMEOUT`` seconds, or
    :data:`TIMEOUT_S`."""
    chosen = os.environ.get(TIMEOUT_ENV, "").strip()
    if not chosen:
        return timedelta(seconds=TIMEOUT_S)
    try:
        seconds = float(chosen)
    except ValueError:
        seconds = 0.0
    if not seconds > 0:  # also refuses NaN
        raise DistributedSetupError(
            f"{TIMEOUT_ENV}={chosen!r}: give the seconds a rank waits for the others, a "
            f"number above 0 (default {TIMEOUT_S:g})."
        )
    return timedelta(seconds=seconds)


class _SumOverRanks(torch.autograd.Function):
    """All-reduce (sum) in forward, and in backward too: each rank's loss depends on every
    rank's share of the sum, so a share's gradient is the sum of the ranks' gradients."""

    @staticmethod
    def forward(ctx, tensor: torch.Tensor) -> torch.Tensor:
        total = tensor.clone(memory_format=torch.contiguous_format)
        dist.all_reduce(total)
        return total

    @staticmethod
    def backward(ctx, grad: torch.Tensor) -> torch.Tensor:
        total = grad.clone(memory_format=torch.contiguous_format)
        dist.all_reduce(total)
        return total


def sum_over_ranks(tensor: torch.Tensor) -> torch.Tensor:
    """``tensor`` summed over all ranks, differentiably; ``tensor`` itself in one process.

    (``torch.distributed.nn.functional.all_reduce`` does the same, and is deprecated.)
    """
    if not dist.is_available() or not dist.is_initialized() or dist.get_world_size() == 1:
        return tensor
    return _SumOverRanks.apply(tensor)


class CrossRankBatchNorm(nn.modules.batchnorm._BatchNorm):
    """BatchNorm whose batch is every rank's batch together: ``SyncBatchNorm``'s CPU twin.

    In training it normalises by the mean and the biased variance of the combined batch,
    taken in two all-reduces: the per-channel sums and the element counts (the mean), then
    the per-channel sums of squared deviations from that mean (the variance). Two passes
    over the data, so the figures agree with one-process BatchNorm's to rounding (one pass
    of sums and sums of squares loses digits to cancellation when a channel's mean is large
    against its spread). The running
    statistics move by the layer's momentum towards that mean and the *unbiased* variance
    over the global count, exactly as BatchNorm's do, so they are equal on every rank. In
    eval mode it is a plain BatchNorm with the running statistics. Outside a process group
    (or in a world of one) it is BatchNorm.

    Build one with :meth:`convert`, which keeps the original layer's weights and statistics.
    """

    def _check_input_dim(self, input: torch.Tensor) -> None:
        if input.dim() < 2:
            raise ValueError(
                f"CrossRankBatchNorm expects a batch [N, C, ...], got a {input.dim()}-D input"
            )

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        """Normalise ``input`` ``[N, C, ...]`` per channel (dimension 1)."""
        self._check_input_dim(input)
        if not self.training and self.running_mean is not None and self.running_var is not None:
            return F.batch_norm(
                input, self.running_mean, self.running_var, self.weight, self.bias,
                False, 0.0, self.eps,
            )  # fmt: skip
        dims = [0, *range(2, input.dim())]
        shape = [1, -1] + [1] * (input.dim() - 2)
        here = input.new_full((1,), input.numel() // input.shape[1])
        totals = sum_over_ranks(torch.cat([input.sum(dims), here]))
        count = totals[-1].detach()
        if count < 2:
            raise ValueError(
                "CrossRankBatchNorm needs more than one value per channel over all ranks in "
                f"training, got {int(count)}: give each rank a batch of 2 or more"
            )
        mean = totals[:-1] / count
        centred = input - mean.view(shape)
        variance = sum_over_ranks((centred * centred).sum(dims)) / count
        output = centred * torch.rsqrt(variance + self.eps).view(shape)
        if self.weight is not None and self.bias is not None:
            output = output * self.weight.view(shape) + self.bias.view(shape)
        if self.training and self.track_running_stats:
            self._track(mean.detach(), variance.detach(), count.item())
        return output

    def _track(self, mean: torch.Tensor, variance: torch.Tensor, count: float) -> None:
        assert self.running_mean is not None and self.running_var is not None
        assert self.num_batches_tracked is not None
        with torch.no_grad():
            self.num_batches_tracked.add_(1)
            momentum = (
                1.0 / float(self.num_batches_tracked) if self.momentum is None else self.momentum
            )
            unbiased = variance * (count / (count - 1))
            self.running_mean.mul_(1 - momentum).add_(mean, alpha=momentum)
            self.running_var.mul_(1 - momentum).add_(unbiased, alpha=momentum)

    @classmethod
    def convert(cls, module: nn.Module) -> nn.Module:
        """``module`` with every BatchNorm1d/2d/3d in it replaced by a CrossRankBatchNorm.

        The new layer takes the old one's eps, momentum and mode, and *shares* its weight,
        bias and running buffers (the same tensors, not copies), as
        ``SyncBatchNorm.convert_sync_batchnorm`` does: an optimiser built over the model
        before the conversion still steps them. Returns ``module``, changed in place, or the
        new layer if ``module`` is itself a BatchNorm.
        """
        if isinstance(module, (nn.BatchNorm1d, nn.BatchNorm2d, nn.BatchNorm3d)):
            layer = cls(
                module.num_features,
                eps=module.eps,
                momentum=module.momentum,
                affine=module.affine,
                track_running_stats=module.track_running_stats,
                device=module.running_mean.device if module.running_mean is not None else None,
            )
            if module.affine:
                layer.weight, layer.bias = module.weight, module.bias
            if module.track_running_stats:
                layer.running_mean = module.running_mean
                layer.running_var = module.running_var
                layer.num_batches_tracked = module.num_batches_tracked
            return layer.train(module.training)
        for name, child in module.named_children():
            converted = cls.convert(child)
            if converted is not child:
                setattr(module, name, converted)
        return module


def sync_batchnorm(model: nn.Module, device: torch.device) -> nn.Module:
    """``model`` with BatchNorms that take their statistics over all ranks.

    ``nn.SyncBatchNorm`` on CUDA; on the CPU, which SyncBatchNorm refuses ("SyncBatchNorm
    expected input tensor to be on GPU"), :class:`CrossRankBatchNorm`. A model without
    BatchNorm (the MLP GAN's LayerNorm needs no help: it normalises each image by itself)
    comes back as it was.
    """
    if device.type == "cuda":
        return nn.SyncBatchNorm.convert_sync_batchnorm(model)
    return CrossRankBatchNorm.convert(model)


def inner(module: nn.Module) -> nn.Module:
    """The network inside a DDP wrapper (``module`` itself if it is not wrapped)."""
    return module.module if isinstance(module, DistributedDataParallel) else module


Loss = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]


def ddp_step(
    G: nn.Module,
    D: nn.Module,
    real: torch.Tensor,
    z: torch.Tensor,
    g_opt: torch.optim.Optimizer,
    d_opt: torch.optim.Optimizer,
    loss_fn: Loss = F.binary_cross_entropy,
) -> StepLosses:
    """One GAN step of G and D wrapped in DDP, arranged as the module's docstring explains.

    ``real`` and ``z`` are this rank's batch; the losses returned are this rank's, means
    over its batch (:func:`mean_over_ranks` averages them for the log). Given unwrapped
    networks it is the same step in one process, which is how the benchmark's world of one
    runs the very same code.
    """
    fake = G(z)  # one forward of G, whose backward comes in step 4

    d_opt.zero_grad()
    verdict = D(real)
    d_real = loss_fn(verdict, torch.ones_like(verdict))
    d_real.backward()  # DDP all-reduces D's gradients during this backward
    d_opt.step()

    d_opt.zero_grad()
    verdict = D(fake.detach())  # D's lesson must not reach G
    d_fake = loss_fn(verdict, torch.zeros_like(verdict))
    d_fake.backward()
    d_opt.step()

    # Around D's wrapper: frozen, D has nothing to reduce, and its reducer must not see a
    # forward whose backward never reaches it.
    frozen = inner(D)
    frozen.requires_grad_(False)
    try:
        g_opt.zero_grad()
        verdict = frozen(fake)
        g = loss_fn(verdict, torch.ones_like(verdict))  # the non-saturating loss
        g.backward()  # through D's layers into G, whose reducer all-reduces G's gradients
        g_opt.step()
    finally:
        frozen.requires_grad_(True)

    return StepLosses(d_real.item(), d_fake.item(), g.item())


def mean_over_ranks(losses: StepLosses, device: torch.device) -> StepLosses:
    """The three losses averaged over all ranks: one small all-reduce, for a log line.

    Every rank must call it at the same step. Call it every few dozen steps, not every step:
    it makes each rank wait for the slowest.
    """
    if not dist.is_initialized():
        return losses
    packed = torch.tensor(list(losses), dtype=torch.float64, device=device)
    dist.all_reduce(packed)
    return StepLosses(*(packed / dist.get_world_size()).tolist())


@dataclass
class Gan:
    """One of the katas' GANs, ready to train: networks, optimisers, loss and data mappings.

    ``to_real`` turns uint8 digits ``[N, 784]`` into D's input; ``to_pixels`` turns G's
    output into pixels in [0, 1] for a picture.
    """

    model: str
    G: nn.Module
    D: nn.Module
    g_opt: torch.optim.Optimizer
    d_opt: torch.optim.Optimizer
    loss_fn: Loss
    latent: int
    to_real: Callable[[torch.Tensor], torch.Tensor]
    to_pixels: Callable[[torch.Tensor], torch.Tensor]


def build_gan(model: str, impl: str = "solutions", device: torch.device | None = None) -> Gan:
    """``model``'s networks and optimisers from the katas (``impl``), on ``device``.

    Seed torch first: the weights come from its generator. ``dcgan`` (kata 11): G, then D,
    as the DCGAN demo builds them, with kata 11's Keras Adam and BCE, digits scaled to
    [-1, 1]. ``mlp_gan`` (kata 7): D, then G, as the MNIST demo builds them, with the
    optimisers the classes carry (Adam, lr 1e-4) and D's BCE, digits divided by 255. The
    classes' optimisers serve DDP as they are: DDP trains the module's own parameters (its
    broadcast at wrapping writes rank 0's values into them in place), the very tensors
    those optimisers were built over, and kata 4's ``gan_step`` steps the same ones.
    """
    if model not in MODELS:
        raise DistributedSetupError(f"unknown model {model!r}: choose one of {', '.join(MODELS)}.")
    where = device or torch.device("cpu")
    try:
        kata = load_impl(KATAS[model], impl, find_root())
    except (FileNotFoundError, ImplLoadError) as error:
        raise DistributedSetupError(str(error)) from None
    if model == "dcgan":
        G, D = kata.make_generator().to(where), kata.make_discriminator().to(where)
        g_opt, d_opt = kata.make_optimizers(G, D)
        return Gan(
            model,
            G,
            D,
            g_opt,
            d_opt,
            F.binary_cross_entropy,
            kata.LATENT_DIM,
            to_real=lambda pixels: kata.scale_to_tanh(pixels).view(-1, 1, 28, 28),
            to_pixels=lambda images: kata.scale_from_tanh(images).float() / 255,
        )
    D, G = kata.Discriminator().to(where), kata.Generator().to(where)
    return Gan(
        model,
        G,
        D,
        G.optimiser,
        D.optimiser,
        D.loss_function,
        kata.SEED_SIZE,
        to_real=lambda pixels: pixels.float().view(-1, 784) / 255,
        to_pixels=lambda images: images.detach().clamp(0, 1),
    )


def distribute(gan: Gan, device: torch.device) -> tuple[nn.Module, nn.Module]:
    """``(G_ddp, D_ddp)``: ``gan``'s networks with cross-rank BatchNorm, wrapped in DDP.

    The optimisers keep working: the conversion shares the BatchNorms' parameters, and DDP
    trains the module's own. DDP still broadcasts rank 0's buffers before each forward of
    G (its default): with the running statistics taken over all ranks' batches that copies
    equal values, and the ranks would agree without it.
    """
    ids = [device.index] if device.type == "cuda" else None
    G, D = (sync_batchnorm(net, device) for net in (gan.G, gan.D))
    return (
        DistributedDataParallel(G, device_ids=ids),
        DistributedDataParallel(D, device_ids=ids),
    )


@dataclass(frozen=True)
class Options:
    """What the entry point was asked for (``--help`` says what each means)."""

    model: str
    steps: int
    batch: int
    seed: int
    out: Path
    impl: str
    backend: str | None
    device: str | None
    single: bool
    warmup: int
    log_every: int
    run_file: Path | None


class _Parser(argparse.ArgumentParser):
    """argparse, but a bad option raises DistributedSetupError: under torchrun every rank
    parses, and only one of them should say what was wrong."""

    def error(self, message: str) -> NoReturn:
        raise DistributedSetupError(f"{self.prog}: {message} (see --help)")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="python -m gankata.demos.distributed",
        description=(
            "Train one of the katas' GANs on every rank torchrun starts, with DDP. Run it "
            "under torchrun: torchrun --standalone --nproc-per-node 2 -m "
            "gankata.demos.distributed --model dcgan"
        ),
    )
    parser.add_argument("--model", choices=MODELS, default="dcgan", help="default: dcgan")
    parser.add_argument(
        "--steps",
        type=int,
        help=f"training steps (default: {DEFAULT_STEPS['dcgan']} for dcgan, "
        f"{DEFAULT_STEPS['mlp_gan']} for mlp_gan)",
    )
    parser.add_argument(
        "--batch",
        type=int,
        default=DEFAULT_BATCH,
        help=f"images per rank per step (default {DEFAULT_BATCH}): each step trains on "
        "batch x world size images in all",
    )
    parser.add_argument("--seed", type=int, default=0, help="seeds the weights (default 0)")
    parser.add_argument(
        "--out", type=Path, default=Path("runs"), help="rank 0 writes a new run folder here"
    )
    parser.add_argument(
        "--impl", default="solutions", help="katas, solutions (default) or a folder of <kata>.py"
    )
    parser.add_argument("--backend", help="gloo or nccl (default: nccl on CUDA, gloo otherwise)")
    parser.add_argument("--device", help="cpu or cuda (default: cuda when there is a GPU)")
    parser.add_argument(
        "--single",
        action="store_true",
        help="train in one process, without torchrun or DDP: the same step, for comparison",
    )
    parser.add_argument(
        "--warmup",
        type=int,
        default=WARMUP_STEPS,
        help=f"steps before the timing starts (default {WARMUP_STEPS}; at most steps - 1)",
    )
    parser.add_argument(
        "--log-every",
        type=int,
        default=LOG_EVERY,
        help=f"print the losses averaged over ranks every N steps (default {LOG_EVERY}; "
        "0: only at the end)",
    )
    parser.add_argument(
        "--run-file", type=Path, help="rank 0 writes the run folder's path here when done"
    )
    return parser


def parse_args(argv: list[str] | None = None) -> Options:
    """The entry point's options; :class:`DistributedSetupError` for bad ones."""
    options = _parser().parse_args(argv)
    steps = DEFAULT_STEPS[options.model] if options.steps is None else options.steps
    smallest = 2 if options.model == "dcgan" else 1
    if steps < 1:
        raise DistributedSetupError(f"--steps {steps}: train for at least 1 step.")
    if options.batch < smallest:
        reason = (
            "the DCGAN's BatchNorm needs at least 2 images per rank to take a batch's statistics"
            if options.model == "dcgan"
            else "each rank needs at least 1 image per step"
        )
        raise DistributedSetupError(
            f"--batch {options.batch}: {reason} (--batch is per rank); ask for --batch "
            f"{smallest} or more."
        )
    if options.warmup < 0 or options.log_every < 0:
        raise DistributedSetupError(
            f"--warmup {options.warmup} and --log-every {options.log_every}: give 0 or more."
        )
    if options.out.exists() and not options.out.is_dir():
        raise DistributedSetupError(
            f"--out {options.out} is a file: give a folder for the run folders to go in."
        )
    return Options(**{**vars(options), "steps": steps})


def _device(chosen: str | None, local_rank: int) -> torch.device:
    kind = torch.device(chosen).type if chosen else ("cuda" if torch.cuda.is_available() else "cpu")
    return torch.device("cuda", local_rank) if kind == "cuda" else torch.device(kind)


def _synchronize(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def _barrier(device: torch.device) -> None:
    """Every rank waits here for the others, its GPU's queue emptied first."""
    _synchronize(device)
    if dist.is_initialized():
        dist.barrier()


def _write_atomically(path: Path, write: Callable[[Path], object]) -> None:
    """``write(temporary)`` beside ``path``, then rename: ``path`` is whole or absent."""
    temporary = path.with_name(f".{path.stem}-{os.getpid()}.partial{path.suffix}")
    try:
        write(temporary)
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def train_and_write(
    options: Options, *, rank: int, world_size: int, device: torch.device, backend: str | None
) -> Path | None:
    """Build, train and time ``options.model`` on this rank; rank 0 writes the run folder.

    Runs on every rank, inside the process group (``world_size`` 1 and ``backend`` None:
    one process, no DDP). Returns the run folder on rank 0, None on the others.
    """
    if device.type == "cpu":
        torch.set_num_threads(1)  # one core per rank: the ranks share the machine's cores
    torch.manual_seed(options.seed)  # the same initial weights on every rank
    gan = build_gan(options.model, options.impl, device)
    torch.manual_seed(rank_seed(options.seed, rank))
    G, D = distribute(gan, device) if world_size > 1 else (gan.G, gan.D)

    digits = torch.from_numpy(load_mnist("embedded").images)
    shard = gan.to_real(digits[rank::world_size]).to(device)
    if options.batch > len(shard):
        raise DistributedSetupError(
            f"--batch {options.batch}: each of {world_size} ranks holds {len(shard)} of the "
            f"{len(digits)} digits; ask for --batch {len(shard)} or fewer."
        )
    warmup = min(options.warmup, options.steps - 1)
    if rank == 0:
        console.print(
            f"[bold]DDP[/]: {options.model}, {world_size} x batch {options.batch} on "
            f"{device.type} ({backend or 'one process'}), {options.steps} steps"
        )

    losses = StepLosses(0.0, 0.0, 0.0)
    started = time.perf_counter()
    for index, real in enumerate(batches(shard, options.batch, options.steps)):
        if index == warmup:
            _barrier(device)
            started = time.perf_counter()
        z = torch.randn(len(real), gan.latent, device=device)
        losses = ddp_step(G, D, real, z, gan.g_opt, gan.d_opt, gan.loss_fn)
        if options.log_every and (index + 1) % options.log_every == 0:
            shown = mean_over_ranks(losses, device)
            if rank == 0:
                console.print(
                    f"step {index + 1}/{options.steps}: D {shown.d_real:.3f}/{shown.d_fake:.3f}"
                    f"  G {shown.g:.3f}"
                )
    _barrier(device)
    seconds = time.perf_counter() - started
    last = mean_over_ranks(losses, device)
    if rank != 0:
        return None

    timed = options.steps - warmup
    results = {
        "model": options.model,
        "world_size": world_size,
        "backend": backend,
        "device": device.type,
        "device_name": torch.cuda.get_device_name(device) if device.type == "cuda" else "cpu",
        "threads_per_rank": torch.get_num_threads(),
        "batch_per_rank": options.batch,
        "global_batch": options.batch * world_size,
        "steps": options.steps,
        "warmup_steps": warmup,
        "timed_steps": timed,
        "seconds": seconds,
        "images_per_s": timed * options.batch * world_size / seconds,
        "last_losses": last._asdict(),
        "last_losses_are": f"means over the {world_size} ranks of each rank's batch mean",
        "data": f"stride shards of the {len(digits)} embedded digits, one per rank",
        "seed": options.seed,
        "impl": options.impl,
        "torch": torch.__version__,
    }
    run = new_run_folder(options.out, f"ddp-{options.model}")
    generator = inner(G)
    generator.eval()  # BatchNorm's running statistics, which every rank holds alike
    with torch.no_grad():
        samples = gan.to_pixels(generator(torch.randn(64, gan.latent, device=device))).cpu()
    _write_atomically(
        run / "samples.png",
        lambda path: save_image_grid(
            samples, path, title=f"{options.model}, {world_size} ranks: 64 digits from new seeds"
        ),
    )
    _write_atomically(
        run / "results.json",
        lambda path: path.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8"),
    )
    if options.run_file is not None:
        _write_atomically(
            options.run_file, lambda path: path.write_text(str(run.resolve()), encoding="utf-8")
        )
    ranks = f"{world_size} rank{'s' if world_size > 1 else ''}"
    console.print(f"{results['images_per_s']:,.0f} images/s over {ranks}")
    console.print(f"Samples and results in [bold]{run}[/]")
    return run


def _lost_a_rank(error: BaseException) -> bool:
    """Whether ``error`` is a collective failing because another rank stopped or stalled."""
    if isinstance(error, dist.DistError):
        return True
    text = str(error).lower()
    return any(sign in text for sign in ("gloo", "nccl", "connection closed", "timed out"))


def _env_int(name: str) -> int | None:
    value = os.environ.get(name, "").strip()
    return int(value) if value.isdigit() else None


def _speaks() -> bool:
    """Whether this process says what was wrong: the first rank on each machine (or the only
    process), so that N ranks print one message, not N copies."""
    return _env_int("LOCAL_RANK") in (None, 0)


@contextmanager
def _katas_finished(impl: str) -> Iterator[None]:
    """An unfinished kata (a stub's NotImplementedError) is bad input, not a crash."""
    try:
        yield
    except NotImplementedError as error:
        raise DistributedSetupError(
            f"--impl {impl}: a kata this run needs is unfinished ({error}); finish it, or "
            "train the reference answers with --impl solutions."
        ) from None


def _train_under_torchrun(options: Options) -> int:
    """This rank's part of the run; 1 when another rank stopped, 0 when done."""
    rank, world_size = _env_int("RANK"), _env_int("WORLD_SIZE")
    if rank is None or world_size is None:
        raise DistributedSetupError(
            "no RANK or WORLD_SIZE in the environment, so this process was not started by "
            f"torchrun: {UNDER_TORCHRUN}."
        )
    device = _device(options.device, _env_int("LOCAL_RANK") or 0)
    backend = options.backend or default_backend(device.type)
    check_world(
        backend=backend,
        device_type=device.type,
        world_size=world_size,
        local_world_size=_env_int("LOCAL_WORLD_SIZE") or world_size,
        cuda_devices=torch.cuda.device_count(),
    )
    timeout = ddp_timeout()
    if device.type == "cuda":
        torch.cuda.set_device(device)
    dist.init_process_group(
        backend, timeout=timeout, device_id=device if device.type == "cuda" else None
    )
    try:
        with _katas_finished(options.impl):
            train_and_write(
                options, rank=rank, world_size=world_size, device=device, backend=backend
            )
    except RuntimeError as error:
        if isinstance(error, DistributedSetupError) or not _lost_a_rank(error):
            raise
        reason = (str(error).strip().splitlines() or [""])[0][:300]
        print(
            f"rank {rank}: another rank stopped ({type(error).__name__}: {reason}); see its "
            "error above. Nothing was written.",
            file=sys.stderr,
            flush=True,
        )
        return 1
    # DDP's reducers hold the process group, and reference cycles keep them alive into the
    # interpreter's shutdown, where tearing down gloo aborted one exit in six ("terminate
    # called without an active exception"); after collecting them first, none in 14.
    gc.collect()
    dist.destroy_process_group()
    return 0


def main(argv: list[str] | None = None) -> int:
    """The entry point: train on this rank; 0 when done, 2 for bad input, 1 if a rank died."""
    try:
        options = parse_args(argv)
        if not options.single:
            return _train_under_torchrun(options)
        with _katas_finished(options.impl):
            train_and_write(
                options, rank=0, world_size=1, device=_device(options.device, 0), backend=None
            )
        return 0
    except DistributedSetupError as error:
        if _speaks():
            print(f"error: {error}", file=sys.stderr, flush=True)
        return 2


def launch_command(nproc: int, args: list[str]) -> list[str]:
    """The command that trains with ``nproc`` ranks on this machine: torchrun, standalone."""
    return [
        sys.executable,
        "-m",
        "torch.distributed.run",
        "--standalone",
        "--nproc-per-node",
        str(nproc),
        "-m",
        "gankata.demos.distributed",
        *args,
    ]


def launch_env() -> dict[str, str]:
    """This environment, plus what the ranks need: one OpenMP thread each (which also spares
    torchrun's banner about it) and the folder holding ``gankata`` on ``PYTHONPATH``."""
    env = dict(os.environ)
    env["OMP_NUM_THREADS"] = "1"
    here = str(Path(gankata.__file__).resolve().parents[1])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (here, env.get("PYTHONPATH")) if p)
    return env


def run_distributed(
    nproc: int,
    *,
    model: str = "dcgan",
    out: Path | str = "runs",
    steps: int | None = None,
    batch_size: int | None = None,
    seed: int = 0,
    impl: str = "solutions",
    device: str | None = None,
    backend: str | None = None,
) -> Path:
    """Train ``model`` with ``nproc`` ranks under torchrun; the run folder rank 0 wrote.

    Checked before anything is launched: the options and the world (``nproc`` 1 is refused,
    as are more ranks than GPUs on CUDA), raising :class:`DistributedSetupError`.
    :class:`DistributedRunError` if torchrun's ranks fail (their errors are in the output).
    """
    args = ["--model", model, "--seed", str(seed), "--out", str(out), "--impl", impl]
    for flag, value in (
        ("--steps", steps),
        ("--batch", batch_size),
        ("--device", device),
        ("--backend", backend),
    ):
        if value is not None:
            args += [flag, str(value)]
    options = parse_args(args)
    kind = _device(options.device, 0).type
    check_world(
        backend=options.backend or default_backend(kind),
        device_type=kind,
        world_size=nproc,
        local_world_size=nproc,
        cuda_devices=torch.cuda.device_count(),
    )
    ddp_timeout()  # a bad GANKATA_DDP_TIMEOUT is refused here, not by every rank
    with tempfile.TemporaryDirectory() as scratch:
        run_file = Path(scratch) / "run"
        command = launch_command(nproc, [*args, "--run-file", str(run_file)])
        finished = subprocess.run(command, env=launch_env(), check=False)
        if finished.returncode != 0 or not run_file.is_file():
            raise DistributedRunError(
                f"torchrun exited with status {finished.returncode}: the ranks' errors are "
                "above. Nothing was written."
            )
        return Path(run_file.read_text(encoding="utf-8"))


if __name__ == "__main__":
    sys.exit(main())
