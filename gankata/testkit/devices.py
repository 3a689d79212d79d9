"""Pick the fastest device this machine has, and how many threads torch uses for our models."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

import torch

THREADS_ENV = "GANKATA_THREADS"


def pick_device(preferred: str | None = None) -> torch.device:
    """``preferred`` or ``$GANKATA_DEVICE`` if given, else CUDA, then Apple's MPS, then CPU."""
    choice = preferred or os.environ.get("GANKATA_DEVICE")
    if choice:
        device = torch.device(choice)
        if device.type == "cuda" and not torch.cuda.is_available():
            raise RuntimeError(
                f"device {choice!r} was asked for but this PyTorch sees no CUDA GPU; "
                "unset GANKATA_DEVICE or ask for 'cpu'."
            )
        return device
    if torch.cuda.is_available():
        return torch.device("cuda")
    if torch.backends.mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")


def small_model_threads() -> int:
    """How many intra-op threads torch should use to train the katas' networks: one.

    Torch starts with one thread per core, which pays for big matrix products. The katas'
    networks are small (784 -> 200 -> 1, a batch of 32; the DCGAN's convolutions on 28 x 28
    digits), so an operation is over before a second thread has done its share and the two
    spend the step waiting for each other; on a 2-core machine that another program is using
    too (a test run, a browser), they wait for the core the other program holds. Measured on
    a 2-core machine, one thread against two (training time, as the demos' reports give it):

        with one other busy program   500 MNIST GAN steps      7 s against 94 s
                                      60 DCGAN steps           14 s against 65 s
                                      kata 7's picture cell    8 s against 98 s
        idle                          5,000 MNIST GAN steps    31 s against 50 s
                                      300 DCGAN steps          80 s against 71 s

    So one thread everywhere: it costs the DCGAN an eighth on an idle machine and saves it
    three quarters on a busy one. ``$GANKATA_THREADS`` chooses another count (``2`` for the
    DCGAN on a machine doing nothing else); with ``$OMP_NUM_THREADS`` set, which torch reads
    when it starts, the count torch has now is kept.
    """
    chosen = os.environ.get(THREADS_ENV, "").strip()
    if chosen:
        if not chosen.isdigit() or int(chosen) < 1:
            raise ValueError(f"{THREADS_ENV}={chosen!r}: give a whole number of threads, 1 or more")
        return int(chosen)
    if os.environ.get("OMP_NUM_THREADS", "").strip():
        return torch.get_num_threads()
    return 1


@contextmanager
def torch_threads(threads: int | None = None) -> Iterator[int]:
    """Run the ``with`` block with ``threads`` torch threads (default: small_model_threads()).

    The count torch had before comes back afterwards, even when the block raises, so a
    notebook's kernel keeps whatever its other cells chose.
    """
    wanted = small_model_threads() if threads is None else threads
    before = torch.get_num_threads()
    torch.set_num_threads(wanted)
    try:
        yield wanted
    finally:
        torch.set_num_threads(before)
