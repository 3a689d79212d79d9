"""The batched three-step GAN loop, and the ways of making it fast that the benchmarks compare.

One :class:`ThreeStepLoop` is the book's loop (D on real, D on detached fake, G through D,
each with its own optimiser step and a fresh seed for G's step, as in seed 000) on a whole
batch at once. The variants change how it runs, never what it computes:

- ``eager``: plain PyTorch; fused Adam (one kernel for all of a model's parameters) and
  ``zero_grad(set_to_none=True)`` (no memset; backward writes the gradient afresh).
- ``compiled``: G and D through ``torch.compile``; Adam stays fused (one kernel already).
- ``cuda_graph``: the whole step captured once and replayed: one launch instead of hundreds.
  The MLP GANs are launch-bound, so this is where their speed is.
- ``bf16``: the CUDA graph with bf16 autocast (and channels-last images for convolutions).
- ``bf16_weights``: the CUDA graph with the models themselves in bf16: no casts at all, but
  Adam then updates bf16 weights (8 bits of mantissa), which can stall small updates.
- ``compiled_bf16``: all of it: compiled models, bf16 autocast, channels-last, CUDA graph.
- ``compiled_bf16_weights``: compiled models in bf16, channels-last, CUDA graph: no casts, and
  BatchNorm + LeakyReLU fused by the compiler.

``fast`` before a variant (``fast``, ``fast_compiled``, ...) runs the DCGAN through its fast
path (``gankata.demos.fast_dcgan``), the same parameters and the same function: G's nearest
2x upsampling and 5x5 convolutions folded into 3x3 convolutions and pixel shuffles, D's first
convolution on the pixel-unshuffled image, and D's Dropout masks drawn from uniform numbers.

G's step back-propagates into G's parameters only (``backward(inputs=...)``): D is left
unchanged, as the book's frozen D, and D's weight gradients are never computed at all.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import nullcontext

import torch
from torch import nn

from bench.gan_models import GanSpec
from gankata.demos.fast_dcgan import fast_discriminator, fast_generator

VARIANTS = (
    "eager",
    "compiled",
    "cuda_graph",
    "bf16",
    "bf16_weights",
    "compiled_bf16",
    "compiled_bf16_weights",
)
CUDA_ONLY = {"cuda_graph", "bf16", "bf16_weights", "compiled_bf16", "compiled_bf16_weights"}
BF16 = {"bf16", "bf16_weights", "compiled_bf16", "compiled_bf16_weights"}
FAST = "fast"
# The DCGAN's fast path beside the kata's networks: on the CPU eager and compiled, on CUDA
# each way of running it.
FAST_VARIANTS = (FAST, *(f"{FAST}_{v}" for v in VARIANTS if v != "eager"))


def split_variant(variant: str) -> tuple[bool, str]:
    """``(fast, base)``: whether ``variant`` runs the DCGAN's fast path, and how it runs.

    split_variant("fast_compiled") -> (True, "compiled")
    split_variant("fast") -> (True, "eager")
    """
    if variant == FAST:
        return True, "eager"
    fast = variant.startswith(f"{FAST}_")
    return fast, variant.removeprefix(f"{FAST}_")


def adam(module: nn.Module, capturable: bool) -> torch.optim.Adam:
    """Adam as GANs use it (lr 2e-4, betas 0.5/0.999), fused into one kernel where possible."""
    try:
        return torch.optim.Adam(
            module.parameters(), lr=2e-4, betas=(0.5, 0.999), fused=True, capturable=capturable
        )
    except RuntimeError:  # a PyTorch without fused Adam for this device
        return torch.optim.Adam(
            module.parameters(), lr=2e-4, betas=(0.5, 0.999), foreach=True, capturable=capturable
        )


class ThreeStepLoop:
    """The book's three steps on a batch, with data and seeds drawn on the device."""

    def __init__(
        self,
        spec: GanSpec,
        G: nn.Module,
        D: nn.Module,
        digits: torch.Tensor,
        batch: int,
        *,
        capturable: bool = False,
        bf16: bool = False,
        bf16_weights: bool = False,
        channels_last: bool = False,
    ) -> None:
        self.dtype = torch.bfloat16 if bf16_weights else torch.float32
        G, D = G.to(self.dtype), D.to(self.dtype)
        self.spec, self.G, self.D, self.digits, self.batch = spec, G, D, digits, batch
        device = digits.device
        self.g_opt = adam(G, capturable)
        self.d_opt = adam(D, capturable)
        self.g_params = [p for p in G.parameters() if p.requires_grad]
        self.loss = nn.BCELoss() if spec.loss == "bce" else nn.MSELoss()
        self.ones = torch.ones(batch, 1, device=device)
        self.zeros = torch.zeros(batch, 1, device=device)
        self.channels_last = channels_last
        self.autocast: Callable[[], object] = (
            (lambda: torch.autocast(device.type, dtype=torch.bfloat16)) if bf16 else nullcontext
        )

    def judge(self, images: torch.Tensor) -> torch.Tensor:
        """D's verdict in fp32: BCE is unsafe under autocast, so the loss stays outside it."""
        with self.autocast():
            return self.D(images).float()

    def generate(self) -> torch.Tensor:
        seeds = self.spec.latent(self.batch, self.digits.device).to(self.dtype)
        with self.autocast():
            fake = self.G(seeds)
        return fake

    def d_on_real(self) -> None:
        real = self.spec.real(self.digits, self.batch).to(self.dtype)
        if self.channels_last:
            real = real.contiguous(memory_format=torch.channels_last)
        self.d_opt.zero_grad(set_to_none=True)
        self.loss(self.judge(real), self.ones).backward()
        self.d_opt.step()

    def d_on_fake(self, detach: bool = True) -> None:
        """Without ``detach`` the backward pass runs on into G, for gradients nobody uses."""
        self.d_opt.zero_grad(set_to_none=True)
        fake = self.generate()
        self.loss(self.judge(fake.detach() if detach else fake), self.zeros).backward()
        self.d_opt.step()

    def g_through_d(self) -> None:
        self.g_opt.zero_grad(set_to_none=True)
        self.loss(self.judge(self.generate()), self.ones).backward(inputs=self.g_params)
        self.g_opt.step()

    def step(self) -> None:
        self.d_on_real()
        self.d_on_fake()
        self.g_through_d()


def capture(work: Callable[[], None], warmup: int = 3) -> Callable[[], None]:
    """Record ``work`` into a CUDA graph and return its replay.

    Warm-up runs on a side stream first (PyTorch's rule for capture): it allocates the
    optimisers' state and finishes any compilation, so nothing is allocated during replay.
    """
    side = torch.cuda.Stream()
    side.wait_stream(torch.cuda.current_stream())
    with torch.cuda.stream(side):
        for _ in range(warmup):
            work()
    torch.cuda.current_stream().wait_stream(side)
    graph = torch.cuda.CUDAGraph()
    with torch.cuda.graph(graph):
        work()
    return graph.replay


def build_variant(
    variant: str,
    spec: GanSpec,
    G: nn.Module,
    D: nn.Module,
    digits: torch.Tensor,
    batch: int,
) -> tuple[ThreeStepLoop, Callable[[], None]]:
    """The loop for ``variant`` and the callable that runs one step of it (warm)."""
    fast, variant = split_variant(variant)
    graphed = variant in CUDA_ONLY
    channels_last = variant in BF16 and spec.convolutional
    if channels_last:
        G, D = G.to(memory_format=torch.channels_last), D.to(memory_format=torch.channels_last)
    if fast:
        G, D = fast_generator(G), fast_discriminator(D)
    loop = ThreeStepLoop(
        spec,
        G,
        D,
        digits,
        batch,
        capturable=graphed,
        bf16=variant in {"bf16", "compiled_bf16"},
        bf16_weights=variant in {"bf16_weights", "compiled_bf16_weights"},
        channels_last=channels_last,
    )
    if variant.startswith("compiled"):
        # Static shapes: every step has the same batch. Left to choose, dynamo marks the batch
        # dynamic once nn.Sequential.forward (one code object for every G and D) has seen two
        # shapes, and then inductor failed on the fast D's pixel unshuffle (torch 2.14).
        loop.G, loop.D = torch.compile(loop.G, dynamic=False), torch.compile(loop.D, dynamic=False)
    if graphed:
        return loop, capture(loop.step)
    for _ in range(3):  # compile, allocate optimiser state, settle the allocator
        loop.step()
    return loop, loop.step
