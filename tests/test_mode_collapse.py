"""Kata 8 · Mode collapse: measuring when G makes one digit for every seed
(katas/mode_collapse.py).
"""

from __future__ import annotations

import math

import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from gankata.testkit.assertions import call, expect_error
from gankata.testkit.classifier import held_out_digits, load_digit_classifier

LN10 = math.log(10)


def _blank(n: int) -> torch.Tensor:
    return torch.zeros(n, 784)


def _plant(images: torch.Tensor, labels: list[int] | torch.Tensor) -> torch.Tensor:
    """A copy of ``images`` whose first pixel stores the label (label / 9, so still in 0-1)."""
    planted = images.clone().reshape(len(images), 784)
    planted[:, 0] = torch.as_tensor(labels, dtype=planted.dtype) / 9
    return planted.reshape(images.shape)


def read_planted(images: torch.Tensor) -> torch.Tensor:
    """A fake classifier: reads the label that ``_plant`` stored in the first pixel."""
    return (images.reshape(len(images), -1)[:, 0] * 9).round().long()


def every_tenth(images: torch.Tensor) -> torch.Tensor:
    """A fake classifier that spreads the samples evenly over the ten digits, by position."""
    return torch.arange(len(images)) % 10


def _uniform_images(n: int, seed: int) -> torch.Tensor:
    return torch.rand(n, 784, generator=torch.Generator().manual_seed(seed))


@pytest.fixture(scope="module")
def real_synthetic() -> torch.Tensor:
    """200 random 'digits' with pixels in [0, 1] and a planted label, 20 of each class."""
    return _plant(_uniform_images(200, seed=1), torch.arange(200) % 10)


@pytest.fixture(scope="module")
def digits():
    """The reference classifier and the 1,000 held-out MNIST digits it never trained on."""
    images, labels = held_out_digits()
    return load_digit_classifier(), images, labels


# ## Task 8.1: pixel_diversity


def test_pixel_diversity_of_copies_of_one_image_is_zero(kata):
    copies = _uniform_images(1, seed=2).repeat(6, 1)
    diversity = kata.pixel_diversity(copies)
    assert isinstance(diversity, float), (
        f"pixel_diversity returned a {type(diversity).__name__}; expected a Python float "
        "(call .item() on a 0-dim tensor)."
    )
    assert abs(diversity) < 1e-6, (
        f"pixel_diversity(6 copies of one image) = {diversity}; expected 0.0: every pair of "
        "samples is the same picture, which is what a collapsed G makes."
    )


def test_pixel_diversity_of_two_images_is_their_distance(kata):
    pair = _blank(2)
    pair[1, :2] = torch.tensor([0.6, 0.8])
    diversity = kata.pixel_diversity(pair)
    assert math.isclose(diversity, 1.0, rel_tol=1e-5), (
        f"pixel_diversity of two images 1.0 apart (L2) = {diversity}; expected 1.0, the one "
        "distance between two different samples. 0.5 means you averaged the whole 2x2 distance "
        "matrix, zero diagonal (i == j) included: leave out each image's distance to itself."
    )


def test_pixel_diversity_of_three_hand_made_images(kata):
    images = _blank(3)
    images[1, :2] = torch.tensor([0.3, 0.4])
    images[2, :2] = torch.tensor([0.6, 0.8])
    diversity = kata.pixel_diversity(images)
    assert math.isclose(diversity, 2 / 3, rel_tol=1e-5), (
        f"pixel_diversity of three images whose pixels (0, 1) are (0, 0), (0.3, 0.4) and "
        f"(0.6, 0.8) = {diversity:.4f}; expected 2/3 = 0.6667, the mean of the pairwise "
        "distances 0.5, 0.5 and 1.0. 0.4444 means the zero diagonal (i == j) was averaged in; "
        "0.5 means squared distances instead of distances (take the square root: L2)."
    )


def test_pixel_diversity_grows_in_step_with_the_spread(kata):
    images = _uniform_images(20, seed=3)
    once = kata.pixel_diversity(images)
    twice = kata.pixel_diversity(2 * images)
    assert math.isclose(twice, 2 * once, rel_tol=1e-4), (
        f"pixel_diversity(x) = {once:.4f} but pixel_diversity(2 * x) = {twice:.4f}; expected "
        "twice as much: doubling every distance doubles their mean. Four times as much means "
        "squared distances instead of L2 distances."
    )


def test_pixel_diversity_reads_28_by_28_images_like_rows_of_784(kata):
    images = _uniform_images(10, seed=4)
    flat = kata.pixel_diversity(images)
    square = call(
        kata.pixel_diversity,
        images.reshape(10, 28, 28),
        why="pixel_diversity(samples of shape [10, 28, 28]) failed; flatten each sample to "
        "784 values first, e.g. samples.reshape(len(samples), 784).",
    )
    assert math.isclose(square, flat, rel_tol=1e-5), (
        f"pixel_diversity gave {flat:.4f} for [10, 784] but {square:.4f} for the same images as "
        "[10, 28, 28]; flatten per sample (reshape(len(samples), 784)), not over the batch."
    )


@pytest.mark.parametrize("n", [0, 1])
def test_pixel_diversity_needs_at_least_2_samples(kata, n):
    expect_error(
        ValueError,
        kata.pixel_diversity,
        _blank(n),
        why=f"pixel_diversity({n} sample{'s' if n != 1 else ''}) must raise ValueError: "
        "diversity needs at least 2 samples to compare, and a mean over no pairs is nan.",
    )


@pytest.mark.parametrize("shape", [(5, 783), (5, 28, 27), (784,)], ids=str)
def test_pixel_diversity_rejects_samples_that_are_not_784_pixels(kata, shape):
    error = expect_error(
        ValueError,
        kata.pixel_diversity,
        torch.zeros(shape),
        why=f"pixel_diversity(samples of shape {shape}) must raise ValueError: samples are N "
        "images of 784 pixels each, [N, 784] or [N, 28, 28].",
    )
    assert "784" in str(error), (
        f"The ValueError said {str(error)!r}; it should say that 784 pixels per sample were "
        "expected, so that the fix is obvious."
    )


def test_shuffling_the_samples_does_not_change_pixel_diversity(kata):
    images = _uniform_images(12, seed=5)
    before = kata.pixel_diversity(images)

    @given(order=st.permutations(range(12)))
    def shuffled(order):
        after = kata.pixel_diversity(images[list(order)])
        assert math.isclose(before, after, rel_tol=1e-5), (
            f"pixel_diversity changed from {before:.6f} to {after:.6f} when the samples were "
            "shuffled; it is a mean over all pairs, so the order must not matter."
        )

    shuffled()


# ## Task 8.2: class_histogram


def test_class_histogram_counts_the_digits_the_classifier_reads(kata):
    samples = _plant(_blank(3), [3, 3, 7])
    histogram = kata.class_histogram(samples, read_planted)
    assert isinstance(histogram, torch.Tensor) and histogram.shape == (10,), (
        f"class_histogram returned {histogram!r}; expected a tensor of shape (10,), one count "
        "per digit."
    )
    assert histogram.tolist() == [0, 0, 0, 2, 0, 0, 0, 1, 0, 0], (
        f"For predicted labels [3, 3, 7] class_histogram returned {histogram.tolist()}; "
        "expected [0, 0, 0, 2, 0, 0, 0, 1, 0, 0]: slot k counts the samples read as digit k."
    )


def test_class_histogram_keeps_a_slot_for_every_missing_digit(kata):
    samples = _plant(_blank(6), [0, 1, 1, 2, 4, 4])
    histogram = kata.class_histogram(samples, read_planted)
    assert histogram.shape == (10,) and histogram.tolist() == [1, 2, 1, 0, 2, 0, 0, 0, 0, 0], (
        f"For predicted labels [0, 1, 1, 2, 4, 4] class_histogram returned "
        f"{histogram.tolist()}; expected 10 counts [1, 2, 1, 0, 2, 0, 0, 0, 0, 0]. Digits 5-9 "
        "were never predicted but still need their slot: torch.bincount(labels, minlength=10)."
    )


def test_class_histogram_is_int64_counts(kata):
    histogram = kata.class_histogram(_plant(_blank(4), [9, 9, 0, 5]), read_planted)
    assert histogram.dtype == torch.int64, (
        f"class_histogram returned dtype {histogram.dtype}; the docstring promises int64 "
        "counts (what torch.bincount gives)."
    )


def test_class_histogram_asks_the_classifier_about_every_sample(kata):
    labels = torch.arange(250) % 7
    samples = _plant(_uniform_images(250, seed=6), labels)
    histogram = kata.class_histogram(samples, read_planted)
    expected = torch.bincount(labels, minlength=10)
    assert histogram.tolist() == expected.tolist(), (
        f"For 250 samples class_histogram returned {histogram.tolist()} (total "
        f"{int(histogram.sum())}); expected {expected.tolist()}: classify every sample once "
        "and count each label."
    )


def test_shuffling_the_samples_does_not_change_the_histogram(kata):
    samples = _plant(_uniform_images(30, seed=7), torch.arange(30) % 4)
    before = kata.class_histogram(samples, read_planted)

    @given(order=st.permutations(range(30)))
    def shuffled(order):
        after = kata.class_histogram(samples[list(order)], read_planted)
        assert before.tolist() == after.tolist(), (
            f"class_histogram changed from {before.tolist()} to {after.tolist()} when the "
            "samples were shuffled; counts must not depend on the order."
        )

    shuffled()


# ## Task 8.3: modes_covered


def test_a_uniform_spread_covers_all_10_digits(kata):
    covered = kata.modes_covered(torch.full((10,), 100))
    assert covered == 10 and isinstance(covered, int), (
        f"modes_covered(100 samples of every digit) = {covered!r}; expected the int 10."
    )


def test_modes_covered_counts_the_digits_with_a_fair_share(kata):
    histogram = torch.tensor([500, 480, 11, 9, 0, 0, 0, 0, 0, 0])
    covered = kata.modes_covered(histogram)
    assert covered == 3, (
        f"modes_covered({histogram.tolist()}) = {covered}; expected 3. 1,000 samples give each "
        "digit a uniform share of N / 10 = 100, and the default min_fraction 0.1 of that is 10: "
        "500, 480 and 11 reach it, 9 does not."
    )


def test_the_threshold_is_a_share_of_n_over_10_not_of_the_largest_count(kata):
    histogram = torch.tensor([901] + [11] * 9)
    covered = kata.modes_covered(histogram)
    assert covered == 10, (
        f"modes_covered({histogram.tolist()}) = {covered}; expected 10. With 1,000 samples the "
        "threshold is 0.1 * N / 10 = 10 samples, the uniform share of each digit times "
        "min_fraction, so 11 is enough. Do not take it from the largest count (0.1 * 901) or "
        "from N itself (0.1 * 1000)."
    )


@pytest.mark.parametrize(
    ("min_fraction", "histogram", "expected"),
    [
        (0.5, [10, 9, 181, 0, 0, 0, 0, 0, 0, 0], 2),
        (0.25, [10, 9, 381, 0, 0, 0, 0, 0, 0, 0], 2),
        (1.0, [200, 200, 100, 100, 100, 100, 99, 51, 50, 0], 6),
    ],
)
def test_a_count_exactly_at_the_threshold_counts(kata, min_fraction, histogram, expected):
    total = sum(histogram)
    covered = kata.modes_covered(torch.tensor(histogram), min_fraction=min_fraction)
    threshold = min_fraction * total / 10
    assert covered == expected, (
        f"modes_covered({histogram}, min_fraction={min_fraction}) = {covered}; expected "
        f"{expected}. The threshold is min_fraction * N / 10 = {threshold:g} samples and a "
        f"count of exactly {threshold:g} is 'at least' that: compare with >=, not >."
    )


@pytest.mark.parametrize(
    "histogram",
    [
        [100] * 9,
        [100] * 11,
        [[50] * 10, [50] * 10],
        [110, 100, 100, 100, 100, 100, 100, 100, 100, -10],
    ],
    ids=["9 slots", "11 slots", "2x10", "negative"],
)
def test_modes_covered_rejects_what_is_not_a_histogram(kata, histogram):
    expect_error(
        ValueError,
        kata.modes_covered,
        torch.tensor(histogram),
        why=f"modes_covered({histogram}) must raise ValueError: a histogram is 10 non-negative "
        "counts, one per digit.",
    )


def test_modes_covered_refuses_an_empty_histogram(kata):
    expect_error(
        ValueError,
        kata.modes_covered,
        torch.zeros(10, dtype=torch.int64),
        why="modes_covered(ten zeros) must raise ValueError: an empty histogram has no samples "
        "to judge (a threshold of 0 would call all 10 digits covered).",
    )


@pytest.mark.parametrize("min_fraction", [0.0, -0.1, 1.5])
def test_modes_covered_rejects_a_min_fraction_outside_0_to_1(kata, min_fraction):
    expect_error(
        ValueError,
        kata.modes_covered,
        torch.full((10,), 100),
        min_fraction=min_fraction,
        why=f"modes_covered(..., min_fraction={min_fraction}) must raise ValueError: "
        "min_fraction must be in (0, 1]. At 0 every digit, even one never drawn, would count.",
    )


# ## Task 8.4: kl_to_uniform


def test_kl_of_a_uniform_spread_is_zero(kata):
    kl = kata.kl_to_uniform(torch.full((10,), 37))
    assert isinstance(kl, float) and abs(kl) < 1e-6, (
        f"kl_to_uniform(37 samples of every digit) = {kl!r}; expected the float 0.0: a uniform "
        "spread is the uniform distribution, and KL(u || u) = 0. Use the frequencies "
        "p = counts / N, which sum to 1, not the counts."
    )


def test_kl_of_a_single_digit_is_ln_10(kata):
    histogram = torch.tensor([0, 0, 0, 0, 0, 0, 0, 500, 0, 0])
    kl = kata.kl_to_uniform(histogram)
    assert math.isclose(kl, LN10, rel_tol=1e-6), (
        f"kl_to_uniform(every sample a 7) = {kl}; expected ln 10 = {LN10:.4f} nats: "
        "p_7 ln(p_7 / 0.1) = 1 * ln 10, and the nine missing digits add 0 (0 ln 0 = 0), not nan. "
        "3.3219 would be log base 2 (bits): use the natural log, for nats."
    )


def test_kl_with_missing_digits_is_finite(kata):
    histogram = torch.tensor([5, 5, 0, 0, 0, 0, 0, 0, 0, 0])
    kl = kata.kl_to_uniform(histogram)
    assert math.isfinite(kl) and math.isclose(kl, math.log(5), rel_tol=1e-6), (
        f"kl_to_uniform({histogram.tolist()}) = {kl}; expected ln 5 = {math.log(5):.4f}: two "
        "digits at p = 0.5 give 2 * 0.5 * ln(0.5 / 0.1), and digits with p = 0 add 0 ln 0 = 0. "
        "nan means 0 * log(0) was computed (use torch.xlogy, or skip the zeros); inf means the "
        "direction is reversed: KL(p || uniform), not KL(uniform || p)."
    )


def test_kl_is_p_log_p_over_uniform_not_the_reverse(kata):
    histogram = torch.tensor([28] + [8] * 9)
    p = [c / 100 for c in histogram.tolist()]
    expected = sum(pk * math.log(pk / 0.1) for pk in p)
    reverse = sum(0.1 * math.log(0.1 / pk) for pk in p)
    kl = kata.kl_to_uniform(histogram)
    assert math.isclose(kl, expected, rel_tol=1e-6), (
        f"kl_to_uniform({histogram.tolist()}) = {kl:.4f}; expected KL(p || uniform) = "
        f"sum p_k ln(p_k / 0.1) = {expected:.4f}, with frequencies p = histogram / N that sum "
        f"to 1. {reverse:.4f} would be the other direction, KL(uniform || p)."
    )


@given(
    counts=st.lists(st.integers(0, 1000), min_size=10, max_size=10).filter(lambda c: sum(c) > 0),
    scale=st.integers(2, 7),
)
def test_kl_is_between_0_and_ln_10_and_ignores_the_sample_size(kata, counts, scale):
    kl = kata.kl_to_uniform(torch.tensor(counts))
    assert math.isfinite(kl) and -1e-9 <= kl <= LN10 + 1e-9, (
        f"kl_to_uniform({counts}) = {kl}; expected a finite number between 0 (uniform) and "
        f"ln 10 = {LN10:.4f} (one digit). nan or inf come from 0 * log(0) or the wrong "
        "direction; bigger values from counts that were not turned into frequencies that "
        "sum to 1."
    )
    scaled = kata.kl_to_uniform(torch.tensor(counts) * scale)
    assert math.isclose(kl, scaled, rel_tol=1e-6, abs_tol=1e-9), (
        f"kl_to_uniform({counts}) = {kl} but {scaled} for every count times {scale}; only the "
        "frequencies p = histogram / N matter (they sum to 1), not the number of samples."
    )


@pytest.mark.parametrize("histogram", [[100] * 9, [0] * 10], ids=["9 slots", "empty"])
def test_kl_rejects_what_is_not_a_histogram(kata, histogram):
    expect_error(
        ValueError,
        kata.kl_to_uniform,
        torch.tensor(histogram),
        why=f"kl_to_uniform({histogram}) must raise ValueError: a histogram is 10 non-negative "
        "counts, not all 0.",
    )


# ## Task 8.5: detect_mode_collapse


def test_the_report_is_a_collapse_report_of_plain_python_values(kata, real_synthetic):
    report = kata.detect_mode_collapse(real_synthetic.flip(0), real_synthetic, read_planted)
    assert isinstance(report, kata.CollapseReport), (
        f"detect_mode_collapse returned a {type(report).__name__}; expected a CollapseReport."
    )
    types = [type(value).__name__ for value in report]
    assert types == ["bool", "int", "float", "float"], (
        f"The report's fields have types {types}; expected bool, int, float, float, plain "
        "Python values (bool(...), .item()) rather than tensors."
    )


def test_the_diversity_ratio_is_generated_over_real(kata, real_synthetic):
    report = kata.detect_mode_collapse(0.25 * real_synthetic, real_synthetic, every_tenth)
    assert math.isclose(report.diversity_ratio, 0.25, rel_tol=1e-4), (
        f"With samples = 0.25 * real the diversity ratio is {report.diversity_ratio:.4f}; "
        "expected pixel_diversity(samples) / pixel_diversity(real) = 0.25. 4.0 means the "
        "ratio is upside down (real / generated): a collapsed G must score near 0."
    )


def test_modes_and_kl_come_from_the_samples_histogram(kata, real_synthetic):
    samples = _plant(_uniform_images(100, seed=8), [2] * 50 + [6] * 50)
    report = kata.detect_mode_collapse(samples, real_synthetic, read_planted)
    assert report.modes_covered == 2, (
        f"Samples read as fifty 2s and fifty 6s give modes_covered = {report.modes_covered}; "
        "expected 2: modes_covered(class_histogram(samples, classifier)) with the default "
        "min_fraction (not the real digits' histogram)."
    )
    assert math.isclose(report.kl_to_uniform, math.log(5), rel_tol=1e-6), (
        f"Samples read as fifty 2s and fifty 6s give kl_to_uniform = {report.kl_to_uniform}; "
        f"expected ln 5 = {math.log(5):.4f}, kl_to_uniform of the samples' histogram."
    )


def test_low_diversity_alone_is_collapse(kata, real_synthetic):
    low = 0.8 * kata.MIN_DIVERSITY_RATIO
    report = kata.detect_mode_collapse(low * real_synthetic, real_synthetic, every_tenth)
    assert report.modes_covered == 10 and report.collapsed is True, (
        f"Samples covering all 10 digits with a diversity ratio of {low:g}, below "
        f"MIN_DIVERSITY_RATIO = {kata.MIN_DIVERSITY_RATIO}, were reported as {report}; expected "
        "collapsed=True: either sign of collapse is enough, so combine them with 'or', not 'and'."
    )


def test_too_few_digits_alone_is_collapse(kata, real_synthetic):
    too_few = kata.MIN_MODES_COVERED - 1

    def classifier(images: torch.Tensor) -> torch.Tensor:
        return torch.arange(len(images)) % too_few

    report = kata.detect_mode_collapse(real_synthetic.flip(0), real_synthetic, classifier)
    assert report.modes_covered == too_few and report.collapsed is True, (
        f"Samples as varied as the real ones (ratio 1) but read as only {too_few} digits, fewer "
        f"than MIN_MODES_COVERED = {kata.MIN_MODES_COVERED}, were reported as {report}; "
        "expected collapsed=True: either sign of collapse is enough, so combine them with "
        "'or', not 'and'."
    )


def test_diverse_samples_of_enough_digits_are_not_collapse(kata, real_synthetic):
    enough = kata.MIN_MODES_COVERED
    ratio = min(1.0, 1.2 * kata.MIN_DIVERSITY_RATIO)

    def classifier(images: torch.Tensor) -> torch.Tensor:
        return torch.arange(len(images)) % enough

    report = kata.detect_mode_collapse(ratio * real_synthetic, real_synthetic, classifier)
    assert report.collapsed is False, (
        f"Samples with a diversity ratio of {ratio:g} (MIN_DIVERSITY_RATIO = "
        f"{kata.MIN_DIVERSITY_RATIO}) covering {enough} digits (MIN_MODES_COVERED = {enough}) "
        f"were reported as {report}; expected collapsed=False: collapse is a ratio *below* "
        "the minimum or *fewer* digits than the minimum."
    )


def test_shuffling_the_samples_does_not_change_the_report(kata, real_synthetic):
    samples = _plant(_uniform_images(40, seed=9), torch.arange(40) % 3)
    real = real_synthetic[:50]
    before = kata.detect_mode_collapse(samples, real, read_planted)

    @given(order=st.permutations(range(40)))
    def shuffled(order):
        after = kata.detect_mode_collapse(samples[list(order)], real, read_planted)
        same = (
            (before.collapsed, before.modes_covered) == (after.collapsed, after.modes_covered)
            and math.isclose(before.diversity_ratio, after.diversity_ratio, rel_tol=1e-5)
            and math.isclose(before.kl_to_uniform, after.kl_to_uniform, abs_tol=1e-9)
        )
        assert same, (
            f"The report changed from {before} to {after} when the samples were shuffled; "
            "every measure is about the set of samples, not their order."
        )

    shuffled()


def test_a_constant_generator_is_collapsed(kata, digits):
    classifier, images, _ = digits
    copies = images[0].repeat(500, 1)
    report = call(
        kata.detect_mode_collapse,
        copies,
        images,
        classifier,
        why="detect_mode_collapse(500 copies of one digit, real digits, classifier) failed. "
        "The samples' diversity is 0: divide it by the real diversity, not the other way "
        "round (is the ratio upside down?).",
    )
    assert report.collapsed is True and report.modes_covered == 1, (
        f"500 copies of one held-out digit were reported as {report}; expected collapsed=True "
        "with modes_covered=1: one image for every seed is total mode collapse."
    )
    assert 0 <= report.diversity_ratio < 0.01, (
        f"500 copies of one digit have diversity ratio {report.diversity_ratio}; expected 0.0 "
        "(is the ratio upside down?). torch.cdist's matrix-product shortcut may leave about "
        "0.005 between copies; torch.pdist is exact."
    )
    assert math.isclose(report.kl_to_uniform, LN10, rel_tol=1e-6), (
        f"500 copies of one digit have kl_to_uniform = {report.kl_to_uniform}; expected "
        f"ln 10 = {LN10:.4f} nats: one digit with p = 1, nine with p = 0 (0 ln 0 = 0, not nan)."
    )


def test_real_held_out_digits_are_not_collapsed(kata, digits):
    classifier, images, _ = digits
    report = kata.detect_mode_collapse(images[::2], images[1::2], classifier)
    assert report.collapsed is False and report.modes_covered == 10, (
        f"500 real held-out digits (50 of each) judged against the other 500 were reported as "
        f"{report}; expected collapsed=False with all 10 digits covered."
    )
    assert abs(report.diversity_ratio - 1) < 0.05 and report.kl_to_uniform < 0.05, (
        f"500 real held-out digits judged against the other 500 have diversity ratio "
        f"{report.diversity_ratio:.3f} and kl_to_uniform {report.kl_to_uniform:.3f}; expected "
        "a ratio near 1 (both halves are real digits) and a KL near 0 (50 of each digit)."
    )


def test_samples_of_only_two_digits_are_collapsed(kata, digits):
    classifier, images, labels = digits
    threes_and_sevens = images[(labels == 3) | (labels == 7)]
    # Keep the ones the classifier reads right, so exactly two digits are predicted.
    read = classifier(threes_and_sevens)
    samples = threes_and_sevens[(read == 3) | (read == 7)]
    report = kata.detect_mode_collapse(samples, images, classifier)
    assert report.diversity_ratio > kata.MIN_DIVERSITY_RATIO, (
        f"Real 3s and 7s have diversity ratio {report.diversity_ratio:.3f} against all real "
        "digits; expected close to 1: they are real, varied digits."
    )
    assert report.modes_covered == 2 and report.collapsed is True, (
        f"{len(samples)} real 3s and 7s were reported as {report}; expected modes_covered=2 "
        "and collapsed=True: each picture is varied, but G makes only two digits. Either sign "
        "of collapse is enough ('or', not 'and')."
    )


# ## Task 8.6: ring_modes_covered

RADIUS = 2.0


def _ring(k: int = 8) -> torch.Tensor:
    angles = torch.arange(k, dtype=torch.float64) * (2 * math.pi / k)
    return RADIUS * torch.stack([angles.cos(), angles.sin()], dim=1)


def _sample_ring(centers: torch.Tensor, modes: list[int], std: float, n: int, seed: int):
    generator = torch.Generator().manual_seed(seed)
    which = torch.tensor(modes)[torch.randint(len(modes), (n,), generator=generator)]
    noise = torch.randn(n, 2, generator=generator, dtype=torch.float64)
    return centers[which] + std * noise


def test_ring_exact_small_case(kata):
    points = torch.tensor([[0.0, 0.0], [1.0, 0.0], [5.0, 5.0], [0.01, 0.0]])
    centers = torch.tensor([[0.0, 0.0], [1.0, 0.05], [10.0, 10.0]])
    covered, quality = kata.ring_modes_covered(points, centers, 0.02)
    assert isinstance(covered, int) and isinstance(quality, float), (
        f"ring_modes_covered returned ({covered!r}, {quality!r}); expected (int, float)."
    )
    assert covered == 2, (
        f"Points {points.tolist()} around centers {centers.tolist()} with std 0.02 cover "
        f"{covered} modes; expected 2: a mode is covered when some point lies within "
        "3 * std = 0.06 of its center (the second point is 0.05 away from the second center)."
    )
    assert math.isclose(quality, 0.75), (
        f"The high-quality fraction is {quality}; expected 3/4 = 0.75: three of the four "
        "samples lie within 3 * std of some center. Count over the samples, not the centers."
    )


@pytest.mark.parametrize("std", [0.02, 0.1])
def test_samples_from_all_8_gaussians_cover_8(kata, std):
    centers = _ring()
    points = _sample_ring(centers, list(range(8)), std, n=1000, seed=10)
    covered, quality = kata.ring_modes_covered(points, centers, std)
    assert covered == 8 and quality > 0.95, (
        f"1,000 samples from all 8 Gaussians (std {std}) gave {covered} modes covered and a "
        f"high-quality fraction of {quality:.3f}; expected 8 and about 0.99 (a 2-D Gaussian "
        "puts 1 - exp(-4.5) = 98.9 % of its samples within 3 std). The radius is 3 * std, "
        "not 3 * std ** 2 or a fixed number."
    )


def test_samples_from_one_gaussian_cover_1(kata):
    centers = _ring()
    points = _sample_ring(centers, [3], 0.02, n=1000, seed=11)
    covered, quality = kata.ring_modes_covered(points, centers, 0.02)
    assert covered == 1, (
        f"1,000 samples all from the Gaussian at {centers[3].tolist()} cover {covered} modes; "
        "expected 1: this is a collapsed G on the ring."
    )
    assert quality > 0.95, (
        f"1,000 samples from one Gaussian have a high-quality fraction of {quality:.3f}; "
        "expected about 0.99: almost every sample is within 3 * std of its center. 0.125 (1/8) "
        "means the fraction was taken over the centers instead of over the samples."
    )


def test_uniform_noise_over_a_big_box_has_low_quality(kata):
    centers = _ring()
    generator = torch.Generator().manual_seed(12)
    points = (torch.rand(1000, 2, generator=generator, dtype=torch.float64) - 0.5) * 12
    _, quality = kata.ring_modes_covered(points, centers, 0.02)
    assert quality < 0.01, (
        f"1,000 points spread uniformly over a 12 x 12 box have a high-quality fraction of "
        f"{quality:.3f}; expected about 0.0006 (the 8 disks of radius 3 * std = 0.06 fill "
        "0.06 % of the box). A large fraction means the radius is not 3 * std."
    )


@pytest.mark.parametrize(
    ("points", "centers", "std"),
    [
        (torch.zeros(5, 3), torch.zeros(8, 2), 0.02),
        (torch.zeros(5), torch.zeros(8, 2), 0.02),
        (torch.zeros(5, 2), torch.zeros(8, 3), 0.02),
        (torch.zeros(5, 2), torch.zeros(8, 2), 0.0),
    ],
    ids=["points [5, 3]", "points [5]", "centers [8, 3]", "std 0"],
)
def test_ring_rejects_bad_shapes_and_std(kata, points, centers, std):
    expect_error(
        ValueError,
        kata.ring_modes_covered,
        points,
        centers,
        std,
        why=f"ring_modes_covered(points {tuple(points.shape)}, centers {tuple(centers.shape)}, "
        f"std {std}) must raise ValueError: points and centers are [N, 2] and std is positive.",
    )
