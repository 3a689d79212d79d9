"""How the benchmarks time, count and report: the same few rules for every figure.

- A timed call does ``k`` units of work (training steps, batches) and synchronises once, so
  that a GPU is measured working, not waiting for Python after every kernel.
- FLOPs are counted, not estimated: :class:`torch.utils.flop_counter.FlopCounterMode` over
  one call (matrix products and convolutions; elementwise work counts zero).
- Utilisation is those FLOPs per second over a matrix product's rate measured on the same
  device in the same run (the ``roofline`` fixture), never a datasheet figure.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import torch
from torch.utils.flop_counter import FlopCounterMode

from gankata.testkit.devices import pick_device

ON_CUDA = pick_device().type == "cuda"
# Each benchmark takes the median of ROUNDS timed rounds of about ROUND_SECONDS each.
ROUNDS = 5
ROUND_SECONDS = 0.2 if ON_CUDA else 0.3


def synchronize(device: torch.device) -> None:
    """Wait for the device's queued work (a no-op on the CPU)."""
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def repeat(work: Callable[[], object], k: int, device: torch.device) -> Callable[[], None]:
    """A callable that runs ``work`` ``k`` times, then synchronises once."""

    def run() -> None:
        for _ in range(k):
            work()
        synchronize(device)

    return run


def count_flops(work: Callable[[], object]) -> int:
    """Floating-point operations of one call of ``work`` (forward and backward both)."""
    with FlopCounterMode(display=False) as counter:
        work()
    return counter.get_total_flops()


def matmul_flops_per_second(device: torch.device, dtype: torch.dtype, size: int) -> float:
    """The rate of a ``size``-cubed matrix product: the ceiling that model FLOPs are held to.

    The best of a few timed repeats after a warm-up; random inputs, since zeros run faster
    than real data on some chips.
    """
    a = torch.randn(size, size, device=device, dtype=dtype)
    b = torch.randn(size, size, device=device, dtype=dtype)
    repeats = 10 if device.type == "cuda" else 3
    for _ in range(2):
        torch.mm(a, b)
    best = float("inf")
    for _ in range(3):
        synchronize(device)
        start = time.perf_counter()
        for _ in range(repeats):
            torch.mm(a, b)
        synchronize(device)
        best = min(best, (time.perf_counter() - start) / repeats)
    return 2 * size**3 / best


def record(
    benchmark,
    *,
    items_per_call: int,
    unit: str = "images",
    flops_per_item: float | None = None,
    ceiling: tuple[str, float] | None = None,
    **facts: object,
) -> float:
    """Write the figures of a finished benchmark into ``extra_info``; return items per second.

    ``ceiling`` is ``(name, FLOP/s)`` of the matrix-product rate to compare against. The
    median round is used: it is robust to the odd slow round (a page fault, a GC pause).
    """
    stats = getattr(benchmark, "stats", None)
    if stats is None:  # --benchmark-disable: the work ran once, untimed
        return 0.0
    rate = items_per_call / stats.stats.median
    info = benchmark.extra_info
    info["items_per_s"] = rate
    info["unit"] = unit
    if flops_per_item is not None:
        info["flops_per_item"] = flops_per_item
        info["flops_per_s"] = flops_per_item * rate
        if ceiling is not None:
            name, ceiling_flops = ceiling
            info["ceiling"] = name
            info["ceiling_flops_per_s"] = ceiling_flops
            info["utilisation"] = flops_per_item * rate / ceiling_flops
    info.update(facts)
    return rate


def calibrate(work: Callable[[], object], device: torch.device, seconds: float) -> int:
    """How many calls of ``work`` fill about ``seconds``: the ``k`` of one timed round.

    ``work`` must be warmed up already (compiled, captured). It is called until half of
    ``seconds`` has passed, so that a loader's prefetched batches, which come back at once,
    cannot pass for its steady pace.
    """
    calls = 0
    synchronize(device)
    start = time.perf_counter()
    while (elapsed := time.perf_counter() - start) < seconds / 2:
        work()
        synchronize(device)
        calls += 1
    return max(1, min(10_000, round(calls * seconds / elapsed)))
