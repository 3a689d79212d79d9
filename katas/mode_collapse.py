"""Kata 8 · Mode collapse: measuring when G makes one digit for every seed.
한국어 수업: ``gankata lesson mode_collapse --lang ko``

Sources: Make Your First GAN With PyTorch, ch. 7 (Handwritten Digits). The blog post on the
book's ch. 7 and 8, "Mode Collapse" (the definition, why it happens, the fixes); the study
group's chapter 7 slides, "Mode collapse" (the 2x3 grid of generated digits that all look
alike). The measures come from Metz et al., "Unrolled Generative Adversarial Networks"
(2017), and Srivastava et al., "VEEGAN" (2017).

The book trains its first MNIST GAN, the losses settle, and then it draws six digits from
six random seeds in a 2x3 grid, ``G.forward(generate_random(1))`` each time. The slide says
what everyone hoped: "서로 다른 임의의 시드에서 각기 다른 이미지가 생성될 것으로
예상했으나..." (different seeds should give different images, but...). All six are nearly
the same picture (the blog post: "생성기 이미지들의 차이가 거의 없음"). That is mode
collapse, in the blog post's words: the generator fails to make images of the many different
labels and makes only one, or a very few. Nobody knows exactly why it happens (the blog
post: "발생 이유는 명확히 규명되지 않음"). One story: G gets ahead of D, finds one image
that D always calls real, and sends every seed there; by the time D learns to reject it, G
just moves to another single image. The book tries LeakyReLU, LayerNorm and Adam, then a
seed of 100 values (still collapsed), and finally draws the seed from ``randn`` instead of
``rand``, which makes it go away; but the blog post warns that neither ``randn`` nor a
bigger seed is a guaranteed cure.

The losses do not show it: a collapsed GAN can sit near the equilibrium of kata 6 while G
draws one digit. You have to look at the samples, and to test for it, or to compare two
training runs, you need numbers instead of eyes. This kata builds three kinds of them.

Pixel diversity. How different are G's samples from each other? Take the mean L2 distance
between two different samples, over every pair i != j, and divide by the same number for
real digits: ``diversity_ratio`` near 1 is healthy, near 0 means every seed gives nearly
the same picture. Leave out the pairs i == j: an image's distance to itself is always 0,
and averaging those N zeros into the N^2 entries of the distance matrix scales the answer
by (N - 1) / N, so it would depend on the batch size (with 2 samples it halves it).
Use the distance itself, not its square: the squares would square the ratio too, and a
G with 0.6 of the real spread would look like one with 0.36. ``torch.pdist`` gives each
distinct pair once. ``torch.cdist`` gives the whole matrix, and above 25 rows it takes a
matrix-product shortcut that can leave about 0.005 between two copies of one image.

Class coverage. Which digits does G make? Ask a digit classifier (``gankata.testkit.classifier``
has one, about 97 % accurate on digits it never saw) to read every sample and count the
answers per digit: a histogram with 10 slots, empty slots included. A digit is *covered*
when its count reaches ``min_fraction`` of what a uniform spread would give it: with N
samples each digit's fair share is N / 10, so with 1,000 samples and the default 0.1 a
digit needs at least 10 of them. This is the "number of modes" that Metz et al. and VEEGAN
count on (stacked) MNIST with a pretrained classifier. Its partner is the KL divergence from the
predicted-digit distribution p to the uniform one, ``KL(p || u) = sum_k p_k ln(p_k / 0.1)``:
0 for a perfect spread, ln 10 = 2.303 nats when every sample is one digit. A digit that G
never makes has p_k = 0 and contributes 0 ln 0, which is 0 (the limit), not the nan that
``0 * log(0)`` gives in floating point. The direction matters: ``KL(u || p)`` would be
infinite as soon as one digit is missing.

Either view alone can be fooled. Speckle noise on one digit has pixel diversity but one
class; G's samples must be both varied and spread over the digits. So
``detect_mode_collapse`` calls G collapsed when the diversity ratio is below
``MIN_DIVERSITY_RATIO`` *or* fewer than ``MIN_MODES_COVERED`` digits are covered. (A G that
memorised one image per digit passes both: no single number catches everything.)

The ring of Gaussians. Metz et al. made collapse easy to see in two dimensions: the data
are 8 Gaussians with standard deviation 0.02, their centers evenly spaced on a circle of
radius 2. A mode is covered when some sample lies within 3 std of its center, and a sample
is "high quality" when it lies within 3 std of any center. A collapsed G covers one or two
modes with high-quality samples; a G that smears points everywhere covers many modes but
almost none of its samples are high quality. Report both.

What to implement (search for "Kata 8." to find every TODO):

    8.1  pixel_diversity(samples)                mean L2 distance over pairs i != j
    8.2  class_histogram(samples, classifier)    labels [3, 3, 7] -> [0, 0, 0, 2, 0, 0, 0, 1, 0, 0]
    8.3  modes_covered(histogram, min_fraction)  [500, 480, 11, 9, 0, ...] -> 3
    8.4  kl_to_uniform(histogram)                one digit -> ln 10, all equal -> 0
    8.5  detect_mode_collapse(samples, real, classifier) -> CollapseReport
    8.6  ring_modes_covered(points, centers, std) -> (modes covered, high-quality fraction)

Try it:  ``from gankata.testkit.classifier import load_digit_classifier, held_out_digits``;
``real, labels = held_out_digits()``; ``detect_mode_collapse(real[labels == 3], real,
load_digit_classifier())`` is collapsed, with ``modes_covered=4``, ``diversity_ratio`` about
0.92 and ``kl_to_uniform`` about 2.09. Not one mode: the classifier reads the 100 real 3s as
96 threes, 2 twos, a 0 and a 7, and with 100 samples a single one reaches the coverage
threshold (0.1 * 100 / 10 = 1). The 4 covered digits, fewer than 8, give the collapse away;
the diversity ratio alone would not (real 3s vary almost as much as all digits, pixel for
pixel). ``detect_mode_collapse(real[::2], real[1::2], load_digit_classifier())`` is not
collapsed: ``modes_covered=10``, ratio about 1.0, KL about 0.0005.

The classic mistakes: averaging the whole distance matrix, zero diagonal included;
squared distances instead of distances; ``torch.bincount`` without ``minlength=10``, so
the histogram is shorter when a high digit is missing; a coverage threshold taken from
the largest count, or from N instead of N / 10; ``>`` where "at least" means ``>=``;
``p * log(p)`` that turns a missing digit into nan; KL in the wrong direction or in bits;
the diversity ratio upside down (real / generated); "and" where either sign of collapse
is enough; a ring radius of ``3 * std ** 2`` or a fixed number instead of ``3 * std``; the
high-quality fraction counted over the centers instead of the samples.
"""

from __future__ import annotations

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
    # TODO: Implement for Kata 8.1.
    raise NotImplementedError("Need to implement for Kata 8.1: pixel_diversity")


def class_histogram(
    samples: torch.Tensor, classifier: Callable[[torch.Tensor], torch.Tensor]
) -> torch.Tensor:
    """How many samples ``classifier`` reads as each digit: an int64 tensor of length 10.

    ``classifier(samples)`` returns one int64 label in 0..9 per sample. Digits that no
    sample shows still get their slot, with a count of 0.

        labels [3, 3, 7] -> tensor([0, 0, 0, 2, 0, 0, 0, 1, 0, 0])
    """
    # TODO: Implement for Kata 8.2.
    raise NotImplementedError("Need to implement for Kata 8.2: class_histogram")


def modes_covered(histogram: torch.Tensor, min_fraction: float = 0.1) -> int:
    """The number of digits whose count reaches ``min_fraction`` of a uniform share.

    A uniform spread of N samples gives each of the 10 digits N / 10; a digit is covered
    when its count is at least ``min_fraction * N / 10`` (exactly that much counts). With
    1,000 samples and the default 0.1 that is 10 samples. ``histogram`` must be 10
    non-negative counts, not all zero, and ``0 < min_fraction <= 1``; otherwise
    ``ValueError``.

        modes_covered(tensor([500, 480, 11, 9, 0, 0, 0, 0, 0, 0])) -> 3
    """
    # TODO: Implement for Kata 8.3.
    raise NotImplementedError("Need to implement for Kata 8.3: modes_covered")


def kl_to_uniform(histogram: torch.Tensor) -> float:
    """``KL(p || uniform)`` in nats, for the digit frequencies ``p = histogram / N``.

    ``sum_k p_k ln(p_k / (1/10))``: 0.0 when every digit is equally common, ln 10 = 2.303
    when every sample is the same digit. Digits with a count of 0 add nothing (0 ln 0 = 0),
    so the answer is always finite. The same checks as ``modes_covered``.

        kl_to_uniform(tensor([5, 5, 0, 0, 0, 0, 0, 0, 0, 0])) -> ln 5 = 1.609
    """
    # TODO: Implement for Kata 8.4.
    raise NotImplementedError("Need to implement for Kata 8.4: kl_to_uniform")


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
    # TODO: Implement for Kata 8.5.
    raise NotImplementedError("Need to implement for Kata 8.5: detect_mode_collapse")


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
    # TODO: Implement for Kata 8.6.
    raise NotImplementedError("Need to implement for Kata 8.6: ring_modes_covered")
