"""Reference answer to kata 8 (katas/mode_collapse.py holds the lesson)."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import NamedTuple

import torch

PIXELS = 28 * 28
NUM_CLASSES = 10

# The collapse rule of detect_mode_collapse: G's samples must be at least half as varied as
# real digits, pixel for pixel, and must cover at least 8 of the 10 digits.
MIN_DIVERSITY_RATIO = 0.5
MIN_MODES_COVERED = 8


class CollapseReport(NamedTuple):
    """What ``detect_mode_collapse`` found out about a batch of generated digits."""

    collapsed: bool  # too little diversity, or too few digits: G has collapsed
    modes_covered: int  # digits that G makes often enough, 0..10
    diversity_ratio: float  # pixel_diversity(samples) / pixel_diversity(real)
    kl_to_uniform: float  # KL(p || uniform) of the predicted digits, in nats: 0 .. ln 10


def pixel_diversity(samples: torch.Tensor) -> float:
    """The mean L2 distance between two different samples, over all pairs ``i != j``.

    ``samples`` holds N >= 2 images of 784 pixels each, ``[N, 784]`` or ``[N, 28, 28]``.
    Anything else raises ``ValueError`` saying what was wrong. N copies of one image score
    0.0; real MNIST digits (pixels in [0, 1]) score about 10.

        three blank images with pixels (0, 1) set to (0, 0), (0.3, 0.4) and (0.6, 0.8):
        distances 0.5, 0.5 and 1.0 -> 2/3
    """
    if samples.ndim < 2 or samples.shape[1:].numel() != PIXELS:
        raise ValueError(
            f"samples must be N images of {PIXELS} pixels, [N, {PIXELS}] or [N, 28, 28], "
            f"but got shape {tuple(samples.shape)}"
        )
    if len(samples) < 2:
        raise ValueError(f"diversity needs at least 2 samples to compare, got {len(samples)}")
    rows = samples.reshape(len(samples), PIXELS).double()
    # pdist gives each distinct pair once and never the zero distance of an image to itself.
    return torch.pdist(rows).mean().item()


def class_histogram(
    samples: torch.Tensor, classifier: Callable[[torch.Tensor], torch.Tensor]
) -> torch.Tensor:
    """How many samples ``classifier`` reads as each digit: an int64 tensor of length 10.

    ``classifier(samples)`` returns one int64 label in 0..9 per sample. Digits that no
    sample shows still get their slot, with a count of 0.

        labels [3, 3, 7] -> tensor([0, 0, 0, 2, 0, 0, 0, 1, 0, 0])
    """
    labels = classifier(samples)
    return torch.bincount(labels.long().flatten(), minlength=NUM_CLASSES)


def _frequencies(histogram: torch.Tensor) -> torch.Tensor:
    """``histogram`` as float64 counts, after checking that it is one."""
    counts = torch.as_tensor(histogram).double()
    if counts.shape != (NUM_CLASSES,):
        raise ValueError(
            f"a histogram has one count per digit, shape ({NUM_CLASSES},), "
            f"but got shape {tuple(counts.shape)}"
        )
    if (counts < 0).any():
        raise ValueError(f"counts cannot be negative, got {counts.tolist()}")
    if counts.sum() == 0:
        raise ValueError("the histogram is empty: there are no samples to judge")
    return counts


def modes_covered(histogram: torch.Tensor, min_fraction: float = 0.1) -> int:
    """The number of digits whose count reaches ``min_fraction`` of a uniform share.

    A uniform spread of N samples gives each of the 10 digits N / 10; a digit is covered
    when its count is at least ``min_fraction * N / 10`` (exactly that much counts). With
    1,000 samples and the default 0.1 that is 10 samples. ``histogram`` must be 10
    non-negative counts, not all zero, and ``0 < min_fraction <= 1``; otherwise
    ``ValueError``.

        modes_covered(tensor([500, 480, 11, 9, 0, 0, 0, 0, 0, 0])) -> 3
    """
    counts = _frequencies(histogram)
    if not 0 < min_fraction <= 1:
        raise ValueError(f"min_fraction must be in (0, 1], got {min_fraction}")
    # Multiply instead of dividing, so that a count exactly at the threshold is not lost
    # to rounding (1000 / 10 * 0.1 is 10.000000000000002).
    covered = counts * NUM_CLASSES >= min_fraction * counts.sum()
    return int(covered.sum())


def kl_to_uniform(histogram: torch.Tensor) -> float:
    """``KL(p || uniform)`` in nats, for the digit frequencies ``p = histogram / N``.

    ``sum_k p_k ln(p_k / (1/10))``: 0.0 when every digit is equally common, ln 10 = 2.303
    when every sample is the same digit. Digits with a count of 0 add nothing (0 ln 0 = 0),
    so the answer is always finite. The same checks as ``modes_covered``.

        kl_to_uniform(tensor([5, 5, 0, 0, 0, 0, 0, 0, 0, 0])) -> ln 5 = 1.609
    """
    p = _frequencies(histogram)
    p = p / p.sum()
    # xlogy(p, p) is p * ln(p), defined as 0 where p is 0.
    return math.log(NUM_CLASSES) + torch.xlogy(p, p).sum().item()


def detect_mode_collapse(
    samples: torch.Tensor,
    real: torch.Tensor,
    classifier: Callable[[torch.Tensor], torch.Tensor],
) -> CollapseReport:
    """Judge G's ``samples`` against ``real`` digits with a digit ``classifier``.

    ``diversity_ratio`` is ``pixel_diversity(samples) / pixel_diversity(real)``;
    ``modes_covered`` and ``kl_to_uniform`` come from ``class_histogram(samples, classifier)``
    (default ``min_fraction``). ``collapsed`` is True when the ratio is below
    ``MIN_DIVERSITY_RATIO`` or fewer than ``MIN_MODES_COVERED`` digits are covered: either
    sign alone is enough.
    """
    ratio = pixel_diversity(samples) / pixel_diversity(real)
    histogram = class_histogram(samples, classifier)
    modes = modes_covered(histogram)
    collapsed = ratio < MIN_DIVERSITY_RATIO or modes < MIN_MODES_COVERED
    return CollapseReport(collapsed, modes, ratio, kl_to_uniform(histogram))


def ring_modes_covered(
    points: torch.Tensor, centers: torch.Tensor, std: float
) -> tuple[int, float]:
    """Metz et al.'s ring test: ``(modes covered, fraction of high-quality samples)``.

    ``points`` ``[N, 2]`` are G's samples, ``centers`` ``[K, 2]`` the means of the K
    Gaussians, each with standard deviation ``std``. A point is high quality when it lies
    within ``3 * std`` of some center; a mode is covered when at least one point lies within
    ``3 * std`` of its center. The fraction is over the N points. Points or centers not of
    shape ``[N, 2]`` (N >= 1), or ``std <= 0``, raise ``ValueError``.
    """
    for name, xy in (("points", points), ("centers", centers)):
        if xy.ndim != 2 or xy.shape[1] != 2 or len(xy) == 0:
            raise ValueError(f"{name} must have shape [N, 2] with N >= 1, got {tuple(xy.shape)}")
    if std <= 0:
        raise ValueError(f"std must be positive, got {std}")
    near = torch.cdist(points.double(), centers.double()) <= 3 * std  # [N, K]
    return int(near.any(dim=0).sum()), near.any(dim=1).double().mean().item()
