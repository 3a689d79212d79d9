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
from gankata.testkit.messages import msg

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
    assert isinstance(diversity, float), msg(
        "pixel_diversity returned a {kind}; expected a Python float (call .item() on a 0-dim "
        "tensor).",
        "pixel_diversity가 {kind}을(를) 반환했습니다. 파이썬 float여야 합니다(0차원 텐서에 "
        ".item()을 호출하세요).",
        kind=type(diversity).__name__,
    )
    assert abs(diversity) < 1e-6, msg(
        "pixel_diversity(6 copies of one image) = {diversity}; expected 0.0: every pair of "
        "samples is the same picture, which is what a collapsed G makes. Anything else means "
        "the distances were not taken between the samples themselves (to the origin, or to "
        "the batch mean, say).",
        "pixel_diversity(한 이미지의 복사본 6개) = {diversity}입니다. 0.0이어야 합니다: 모든 "
        "샘플 쌍이 같은 그림이고, 붕괴한 생성기가 만드는 것이 바로 이런 샘플입니다. 다른 값이 "
        "나왔다면 샘플끼리의 거리가 아니라 원점이나 배치 평균까지의 거리 같은 것을 잰 것입니다.",
        diversity=diversity,
    )


def test_pixel_diversity_of_two_images_is_their_distance(kata):
    pair = _blank(2)
    pair[1, :2] = torch.tensor([0.6, 0.8])
    diversity = kata.pixel_diversity(pair)
    assert math.isclose(diversity, 1.0, rel_tol=1e-5), msg(
        "pixel_diversity of two images 1.0 apart (L2) = {diversity}; expected 1.0, the one "
        "distance between two different samples. 0.5 means you averaged the whole 2x2 distance "
        "matrix, zero diagonal (i == j) included: leave out each image's distance to itself.",
        "(L2로) 1.0 떨어진 두 이미지의 pixel_diversity = {diversity}입니다. 서로 다른 두 샘플 "
        "사이의 유일한 거리인 1.0이어야 합니다. 0.5라면 대각선의 0(i == j)까지 포함해 2x2 거리 "
        "행렬 전체의 평균을 낸 것입니다: 각 이미지와 자기 자신의 거리는 빼세요.",
        diversity=diversity,
    )


def test_pixel_diversity_of_three_hand_made_images(kata):
    images = _blank(3)
    images[1, :2] = torch.tensor([0.3, 0.4])
    images[2, :2] = torch.tensor([0.6, 0.8])
    diversity = kata.pixel_diversity(images)
    assert math.isclose(diversity, 2 / 3, rel_tol=1e-5), msg(
        "pixel_diversity of three images whose pixels (0, 1) are (0, 0), (0.3, 0.4) and "
        "(0.6, 0.8) = {diversity:.4f}; expected 2/3 = 0.6667, the mean of the pairwise "
        "distances 0.5, 0.5 and 1.0. 0.4444 means the zero diagonal (i == j) was averaged in; "
        "0.5 means squared distances instead of distances (take the square root: L2).",
        "픽셀 (0, 1)이 각각 (0, 0), (0.3, 0.4), (0.6, 0.8)인 세 이미지의 pixel_diversity = "
        "{diversity:.4f}입니다. 쌍별 거리 0.5, 0.5, 1.0의 평균인 2/3 = 0.6667이어야 합니다. "
        "0.4444라면 대각선의 0(i == j)까지 평균에 넣은 것이고, 0.5라면 거리 대신 제곱 거리를 "
        "쓴 것입니다(제곱근을 취하세요: L2).",
        diversity=diversity,
    )


def test_pixel_diversity_grows_in_step_with_the_spread(kata):
    images = _uniform_images(20, seed=3)
    once = kata.pixel_diversity(images)
    twice = kata.pixel_diversity(2 * images)
    assert math.isclose(twice, 2 * once, rel_tol=1e-4), msg(
        "pixel_diversity(x) = {once:.4f} but pixel_diversity(2 * x) = {twice:.4f}; expected "
        "twice as much: doubling every distance doubles their mean. Four times as much means "
        "squared distances instead of L2 distances.",
        "pixel_diversity(x) = {once:.4f}인데 pixel_diversity(2 * x) = {twice:.4f}입니다. 두 "
        "배여야 합니다: 모든 거리를 두 배로 하면 그 평균도 두 배가 됩니다. 네 배라면 L2 거리 "
        "대신 제곱 거리를 쓴 것입니다.",
        once=once,
        twice=twice,
    )


def test_pixel_diversity_reads_28_by_28_images_like_rows_of_784(kata):
    images = _uniform_images(10, seed=4)
    flat = kata.pixel_diversity(images)
    square = call(
        kata.pixel_diversity,
        images.reshape(10, 28, 28),
        why=msg(
            "pixel_diversity(samples of shape [10, 28, 28]) failed; flatten each sample to "
            "784 values first, e.g. samples.reshape(len(samples), 784).",
            "pixel_diversity(모양이 [10, 28, 28]인 samples)가 실패했습니다. 먼저 각 샘플을 "
            "784개의 값으로 펼치세요. 예: samples.reshape(len(samples), 784).",
        ),
    )
    assert math.isclose(square, flat, rel_tol=1e-5), msg(
        "pixel_diversity gave {flat:.4f} for [10, 784] but {square:.4f} for the same images as "
        "[10, 28, 28]; flatten per sample (reshape(len(samples), 784)), not over the batch.",
        "pixel_diversity가 [10, 784]에는 {flat:.4f}, 같은 이미지를 [10, 28, 28]로 주면 "
        "{square:.4f}를 냈습니다. 배치 전체가 아니라 샘플마다 펼치세요"
        "(reshape(len(samples), 784)).",
        flat=flat,
        square=square,
    )


@pytest.mark.parametrize("n", [0, 1])
def test_pixel_diversity_needs_at_least_2_samples(kata, n):
    expect_error(
        ValueError,
        kata.pixel_diversity,
        _blank(n),
        why=msg(
            "pixel_diversity(samples of shape {shape}, N = {n}) must raise ValueError: diversity "
            "needs at least 2 samples to compare, and a mean over no pairs is nan.",
            "pixel_diversity(모양이 {shape}인 samples, N = {n})는 ValueError를 발생시켜야 합니다: "
            "다양성을 재려면 비교할 샘플이 적어도 2개 있어야 하고, 쌍이 하나도 없으면 평균이 "
            "nan이 됩니다.",
            n=n,
            shape=(n, 784),
        ),
    )


@pytest.mark.parametrize("shape", [(5, 783), (5, 28, 27), (784,)], ids=str)
def test_pixel_diversity_rejects_samples_that_are_not_784_pixels(kata, shape):
    error = expect_error(
        ValueError,
        kata.pixel_diversity,
        torch.zeros(shape),
        why=msg(
            "pixel_diversity(samples of shape {shape}) must raise ValueError: samples are N "
            "images of 784 pixels each, [N, 784] or [N, 28, 28].",
            "pixel_diversity(모양이 {shape}인 samples)는 ValueError를 발생시켜야 합니다: "
            "samples는 784픽셀짜리 이미지 N개, 즉 [N, 784] 또는 [N, 28, 28]입니다.",
            shape=shape,
        ),
    )
    assert "784" in str(error), msg(
        "The ValueError said {said!r}; it should say that 784 pixels per sample were "
        "expected, so that the fix is obvious.",
        "ValueError의 메시지가 {said!r}입니다. 고칠 곳이 바로 보이도록, 샘플마다 784픽셀이어야 "
        "한다고 말해야 합니다.",
        said=str(error),
    )


def test_shuffling_the_samples_does_not_change_pixel_diversity(kata):
    images = _uniform_images(12, seed=5)
    before = kata.pixel_diversity(images)

    @given(order=st.permutations(range(12)))
    def shuffled(order):
        after = kata.pixel_diversity(images[list(order)])
        assert math.isclose(before, after, rel_tol=1e-5), msg(
            "pixel_diversity changed from {before:.6f} to {after:.6f} when the samples were "
            "shuffled; it is a mean over all pairs, so the order must not matter.",
            "샘플의 순서를 섞었더니 pixel_diversity가 {before:.6f}에서 {after:.6f}로 "
            "바뀌었습니다. 모든 쌍에 대한 평균이므로 순서와 상관이 없어야 합니다.",
            before=before,
            after=after,
        )

    shuffled()


# ## Task 8.2: class_histogram


def test_class_histogram_counts_the_digits_the_classifier_reads(kata):
    samples = _plant(_blank(3), [3, 3, 7])
    histogram = kata.class_histogram(samples, read_planted)
    assert isinstance(histogram, torch.Tensor) and histogram.shape == (10,), msg(
        "class_histogram returned {histogram!r}; expected a tensor of shape (10,), one count "
        "per digit. A shorter one means torch.bincount without minlength=10: the histogram "
        "stops at the largest digit seen.",
        "class_histogram이 {histogram!r}을(를) 반환했습니다. 숫자마다 개수가 하나씩 있는, 모양이 "
        "(10,)인 텐서여야 합니다. 더 짧다면 minlength=10 없이 torch.bincount를 쓴 것입니다: "
        "히스토그램이 나온 숫자 중 가장 큰 숫자에서 끝납니다.",
        histogram=histogram,
    )
    assert histogram.tolist() == [0, 0, 0, 2, 0, 0, 0, 1, 0, 0], msg(
        "For predicted labels [3, 3, 7] class_histogram returned {counts}; expected "
        "[0, 0, 0, 2, 0, 0, 0, 1, 0, 0]: slot k counts the samples read as digit k.",
        "예측된 레이블 [3, 3, 7]에 대해 class_histogram이 {counts}을(를) 반환했습니다. "
        "[0, 0, 0, 2, 0, 0, 0, 1, 0, 0]이어야 합니다: k번 칸에는 숫자 k로 읽힌 샘플의 수가 "
        "들어갑니다.",
        counts=histogram.tolist(),
    )


def test_class_histogram_keeps_a_slot_for_every_missing_digit(kata):
    samples = _plant(_blank(6), [0, 1, 1, 2, 4, 4])
    histogram = kata.class_histogram(samples, read_planted)
    assert histogram.shape == (10,) and histogram.tolist() == [1, 2, 1, 0, 2, 0, 0, 0, 0, 0], msg(
        "For predicted labels [0, 1, 1, 2, 4, 4] class_histogram returned {counts}; expected "
        "10 counts [1, 2, 1, 0, 2, 0, 0, 0, 0, 0]. Digits 5-9 were never predicted but still "
        "need their slot: torch.bincount(labels, minlength=10).",
        "예측된 레이블 [0, 1, 1, 2, 4, 4]에 대해 class_histogram이 {counts}을(를) "
        "반환했습니다. 개수 10개 [1, 2, 1, 0, 2, 0, 0, 0, 0, 0]이어야 합니다. 숫자 5-9는 한 번도 "
        "예측되지 않았지만 자기 칸이 있어야 합니다: torch.bincount(labels, minlength=10).",
        counts=histogram.tolist(),
    )


def test_class_histogram_is_int64_counts(kata):
    histogram = kata.class_histogram(_plant(_blank(4), [9, 9, 0, 5]), read_planted)
    assert histogram.dtype == torch.int64, msg(
        "class_histogram returned dtype {dtype}; the docstring promises int64 counts (what "
        "torch.bincount gives; torch.histc gives floats).",
        "class_histogram이 dtype {dtype}을(를) 반환했습니다. docstring은 int64 개수를 "
        "약속합니다(torch.bincount가 주는 것이고, torch.histc는 float를 줍니다).",
        dtype=histogram.dtype,
    )


def test_class_histogram_asks_the_classifier_about_every_sample(kata):
    labels = torch.arange(250) % 7
    samples = _plant(_uniform_images(250, seed=6), labels)
    histogram = kata.class_histogram(samples, read_planted)
    expected = torch.bincount(labels, minlength=10)
    assert histogram.tolist() == expected.tolist(), msg(
        "For 250 samples class_histogram returned {counts} (total {total}); expected "
        "{expected}: classify every sample once and count each label.",
        "샘플 250개에 대해 class_histogram이 {counts}(합계 {total})을(를) 반환했습니다. "
        "{expected}여야 합니다: 모든 샘플을 한 번씩 분류하고 레이블마다 세세요.",
        counts=histogram.tolist(),
        total=int(histogram.sum()),
        expected=expected.tolist(),
    )


def test_shuffling_the_samples_does_not_change_the_histogram(kata):
    samples = _plant(_uniform_images(30, seed=7), torch.arange(30) % 4)
    before = kata.class_histogram(samples, read_planted)

    @given(order=st.permutations(range(30)))
    def shuffled(order):
        after = kata.class_histogram(samples[list(order)], read_planted)
        assert before.tolist() == after.tolist(), msg(
            "class_histogram changed from {before} to {after} when the samples were shuffled; "
            "counts must not depend on the order.",
            "샘플의 순서를 섞었더니 class_histogram이 {before}에서 {after}로 바뀌었습니다. "
            "개수는 순서와 상관이 없어야 합니다.",
            before=before.tolist(),
            after=after.tolist(),
        )

    shuffled()


# ## Task 8.3: modes_covered


def test_a_uniform_spread_covers_all_10_digits(kata):
    covered = kata.modes_covered(torch.full((10,), 100))
    assert covered == 10 and isinstance(covered, int), msg(
        "modes_covered(100 samples of every digit) = {covered!r}; expected the int 10: each "
        "digit's 100 samples are far above the threshold 0.1 * N / 10 = 10. Return a Python "
        "int (int(...)), not a tensor.",
        "modes_covered(모든 숫자가 100개씩) = {covered!r}입니다. int 10이어야 합니다: 숫자마다 "
        "100개씩이면 기준값 0.1 * N / 10 = 10을 훨씬 넘습니다. 텐서가 아니라 파이썬 "
        "int(int(...))를 반환하세요.",
        covered=covered,
    )


def test_modes_covered_counts_the_digits_with_a_fair_share(kata):
    histogram = torch.tensor([500, 480, 11, 9, 0, 0, 0, 0, 0, 0])
    covered = kata.modes_covered(histogram)
    assert covered == 3, msg(
        "modes_covered({counts}) = {covered}; expected 3. 1,000 samples give each digit a "
        "uniform share of N / 10 = 100, and the default min_fraction 0.1 of that is 10: 500, "
        "480 and 11 reach it, 9 does not.",
        "modes_covered({counts}) = {covered}입니다. 3이어야 합니다. 샘플 1,000개라면 숫자마다의 "
        "균등한 몫은 N / 10 = 100이고, 기본 min_fraction 0.1을 곱하면 10입니다: 500, 480, 11은 "
        "여기에 이르고 9는 이르지 못합니다.",
        counts=histogram.tolist(),
        covered=covered,
    )


def test_the_threshold_is_a_share_of_n_over_10_not_of_the_largest_count(kata):
    histogram = torch.tensor([901] + [11] * 9)
    covered = kata.modes_covered(histogram)
    assert covered == 10, msg(
        "modes_covered({counts}) = {covered}; expected 10. With 1,000 samples the threshold "
        "is 0.1 * N / 10 = 10 samples, the uniform share of each digit times min_fraction, so "
        "11 is enough. Do not take it from the largest count (0.1 * 901) or from N itself "
        "(0.1 * 1000).",
        "modes_covered({counts}) = {covered}입니다. 10이어야 합니다. 샘플이 1,000개이면 "
        "기준값은 숫자마다의 균등한 몫에 min_fraction을 곱한 0.1 * N / 10 = 10개이므로 11개면 "
        "충분합니다. 기준값을 가장 큰 개수(0.1 * 901)나 N 자체(0.1 * 1000)에서 구하지 마세요.",
        counts=histogram.tolist(),
        covered=covered,
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
    assert covered == expected, msg(
        "modes_covered({histogram}, min_fraction={min_fraction}) = {covered}; expected "
        "{expected}. The threshold is min_fraction * N / 10 = {threshold:g} samples and a "
        "count of exactly {threshold:g} is 'at least' that: compare with >=, not >.",
        "modes_covered({histogram}, min_fraction={min_fraction}) = {covered}입니다. "
        "{expected}여야 합니다. 기준값은 min_fraction * N / 10 = {threshold:g}개이고, 정확히 "
        "{threshold:g}개인 개수도 기준값 '이상'입니다: >가 아니라 >=로 비교하세요.",
        histogram=histogram,
        min_fraction=min_fraction,
        covered=covered,
        expected=expected,
        threshold=threshold,
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
        why=msg(
            "modes_covered({histogram}) must raise ValueError: a histogram is 10 non-negative "
            "counts, one per digit.",
            "modes_covered({histogram})는 ValueError를 발생시켜야 합니다: 히스토그램은 숫자마다 "
            "하나씩, 음수가 아닌 개수 10개입니다.",
            histogram=histogram,
        ),
    )


def test_modes_covered_refuses_an_empty_histogram(kata):
    expect_error(
        ValueError,
        kata.modes_covered,
        torch.zeros(10, dtype=torch.int64),
        why=msg(
            "modes_covered(ten zeros) must raise ValueError: an empty histogram has no samples "
            "to judge (a threshold of 0 would call all 10 digits covered).",
            "modes_covered(0이 열 개인 히스토그램)는 ValueError를 발생시켜야 합니다: "
            "빈 히스토그램에는 판단할 샘플이 없습니다(기준값이 0이면 숫자 10개가 모두 커버된 "
            "것으로 셉니다).",
        ),
    )


@pytest.mark.parametrize("min_fraction", [0.0, -0.1, 1.5])
def test_modes_covered_rejects_a_min_fraction_outside_0_to_1(kata, min_fraction):
    expect_error(
        ValueError,
        kata.modes_covered,
        torch.full((10,), 100),
        min_fraction=min_fraction,
        why=msg(
            "modes_covered(..., min_fraction={min_fraction}) must raise ValueError: "
            "min_fraction must be in (0, 1]. At 0 every digit, even one never drawn, would "
            "count.",
            "modes_covered(..., min_fraction={min_fraction})는 ValueError를 발생시켜야 "
            "합니다: min_fraction은 (0, 1] 범위여야 합니다. 0이면 한 번도 그려지지 않은 숫자까지 "
            "모두 커버된 것으로 셉니다.",
            min_fraction=min_fraction,
        ),
    )


# ## Task 8.4: kl_to_uniform


def test_kl_of_a_uniform_spread_is_zero(kata):
    kl = kata.kl_to_uniform(torch.full((10,), 37))
    assert isinstance(kl, float) and abs(kl) < 1e-6, msg(
        "kl_to_uniform(37 samples of every digit) = {kl!r}; expected the float 0.0: a uniform "
        "spread is the uniform distribution, and KL(u || u) = 0. Use the frequencies "
        "p = counts / N, which sum to 1, not the counts.",
        "kl_to_uniform(모든 숫자가 37개씩) = {kl!r}입니다. float 0.0이어야 합니다: 균등하게 "
        "퍼진 개수는 균등분포 그 자체이고 KL(u || u) = 0입니다. 개수가 아니라 합이 1이 되는 "
        "빈도 p = counts / N을 쓰세요.",
        kl=kl,
    )


def test_kl_of_a_single_digit_is_ln_10(kata):
    histogram = torch.tensor([0, 0, 0, 0, 0, 0, 0, 500, 0, 0])
    kl = kata.kl_to_uniform(histogram)
    assert math.isclose(kl, LN10, rel_tol=1e-6), msg(
        "kl_to_uniform(every sample a 7) = {kl}; expected ln 10 = {ln10:.4f} nats: "
        "p_7 ln(p_7 / 0.1) = 1 * ln 10, and the nine missing digits add 0 (0 ln 0 = 0), not nan. "
        "3.3219 would be log base 2 (bits): use the natural log, for nats.",
        "kl_to_uniform(모든 샘플이 7) = {kl}입니다. ln 10 = {ln10:.4f} nat이어야 합니다: "
        "p_7 ln(p_7 / 0.1) = 1 * ln 10이고, 빠진 숫자 아홉 개는 nan이 아니라 0을 더합니다"
        "(0 ln 0 = 0). 3.3219라면 밑이 2인 log(비트)입니다: nat 단위가 되도록 자연로그를 쓰세요.",
        kl=kl,
        ln10=LN10,
    )


def test_kl_with_missing_digits_is_finite(kata):
    histogram = torch.tensor([5, 5, 0, 0, 0, 0, 0, 0, 0, 0])
    kl = kata.kl_to_uniform(histogram)
    assert math.isfinite(kl) and math.isclose(kl, math.log(5), rel_tol=1e-6), msg(
        "kl_to_uniform({counts}) = {kl}; expected ln 5 = {ln5:.4f}: two digits at p = 0.5 give "
        "2 * 0.5 * ln(0.5 / 0.1), and digits with p = 0 add 0 ln 0 = 0. nan means 0 * log(0) "
        "was computed (use torch.xlogy, or skip the zeros); inf means the direction is "
        "reversed: KL(p || uniform), not KL(uniform || p).",
        "kl_to_uniform({counts}) = {kl}입니다. ln 5 = {ln5:.4f}여야 합니다: p = 0.5인 숫자 "
        "두 개가 2 * 0.5 * ln(0.5 / 0.1)을 주고, p = 0인 숫자는 0 ln 0 = 0을 더합니다. nan이라면 "
        "0 * log(0)을 계산한 것이고(torch.xlogy를 쓰거나 0을 건너뛰세요), inf라면 방향이 "
        "뒤바뀐 것입니다: KL(uniform || p)가 아니라 KL(p || uniform)입니다.",
        counts=histogram.tolist(),
        kl=kl,
        ln5=math.log(5),
    )


def test_kl_is_p_log_p_over_uniform_not_the_reverse(kata):
    histogram = torch.tensor([28] + [8] * 9)
    p = [c / 100 for c in histogram.tolist()]
    expected = sum(pk * math.log(pk / 0.1) for pk in p)
    reverse = sum(0.1 * math.log(0.1 / pk) for pk in p)
    kl = kata.kl_to_uniform(histogram)
    assert math.isclose(kl, expected, rel_tol=1e-6), msg(
        "kl_to_uniform({counts}) = {kl:.4f}; expected KL(p || uniform) = sum p_k ln(p_k / 0.1) "
        "= {expected:.4f}, with frequencies p = histogram / N that sum to 1. {reverse:.4f} "
        "would be the other direction, KL(uniform || p).",
        "kl_to_uniform({counts}) = {kl:.4f}입니다. 합이 1이 되는 빈도 p = histogram / N으로 "
        "계산한 KL(p || uniform) = sum p_k ln(p_k / 0.1) = {expected:.4f}여야 합니다. "
        "{reverse:.4f}라면 반대 방향인 KL(uniform || p)입니다.",
        counts=histogram.tolist(),
        kl=kl,
        expected=expected,
        reverse=reverse,
    )


@given(
    counts=st.lists(st.integers(0, 1000), min_size=10, max_size=10).filter(lambda c: sum(c) > 0),
    scale=st.integers(2, 7),
)
def test_kl_is_between_0_and_ln_10_and_ignores_the_sample_size(kata, counts, scale):
    kl = kata.kl_to_uniform(torch.tensor(counts))
    assert math.isfinite(kl) and -1e-9 <= kl <= LN10 + 1e-9, msg(
        "kl_to_uniform({counts}) = {kl}; expected a finite number between 0 (uniform) and "
        "ln 10 = {ln10:.4f} (one digit). nan or inf come from 0 * log(0) or the wrong "
        "direction; bigger values from counts that were not turned into frequencies that "
        "sum to 1.",
        "kl_to_uniform({counts}) = {kl}입니다. 0(균등)과 ln 10 = {ln10:.4f}(숫자 하나) 사이의 "
        "유한한 값이어야 합니다. nan이나 inf는 0 * log(0)을 계산했거나 방향이 틀렸을 때 나오고, "
        "더 큰 값은 개수를 합이 1이 되는 빈도로 바꾸지 않았을 때 나옵니다.",
        counts=counts,
        kl=kl,
        ln10=LN10,
    )
    scaled = kata.kl_to_uniform(torch.tensor(counts) * scale)
    assert math.isclose(kl, scaled, rel_tol=1e-6, abs_tol=1e-9), msg(
        "kl_to_uniform({counts}) = {kl} but {scaled} for every count times {scale}; only the "
        "frequencies p = histogram / N matter (they sum to 1), not the number of samples.",
        "kl_to_uniform({counts}) = {kl}인데 모든 개수에 {scale}을(를) 곱하면 {scaled}입니다. "
        "샘플 수가 아니라 (합이 1이 되는) 빈도 p = histogram / N만이 결과를 정해야 합니다.",
        counts=counts,
        kl=kl,
        scaled=scaled,
        scale=scale,
    )


@pytest.mark.parametrize("histogram", [[100] * 9, [0] * 10], ids=["9 slots", "empty"])
def test_kl_rejects_what_is_not_a_histogram(kata, histogram):
    expect_error(
        ValueError,
        kata.kl_to_uniform,
        torch.tensor(histogram),
        why=msg(
            "kl_to_uniform({histogram}) must raise ValueError: a histogram is 10 non-negative "
            "counts, not all 0.",
            "kl_to_uniform({histogram})는 ValueError를 발생시켜야 합니다: 히스토그램은 음수가 "
            "아닌 개수 10개이고, 모두 0이어서는 안 됩니다.",
            histogram=histogram,
        ),
    )


# ## Task 8.5: detect_mode_collapse


def test_the_report_is_a_collapse_report_of_plain_python_values(kata, real_synthetic):
    report = kata.detect_mode_collapse(real_synthetic.flip(0), real_synthetic, read_planted)
    assert isinstance(report, kata.CollapseReport), msg(
        "detect_mode_collapse returned a {kind}; expected a CollapseReport.",
        "detect_mode_collapse가 {kind}을(를) 반환했습니다. CollapseReport여야 합니다.",
        kind=type(report).__name__,
    )
    types = [type(value).__name__ for value in report]
    assert types == ["bool", "int", "float", "float"], msg(
        "The report's fields have types {types}; expected bool, int, float, float, plain "
        "Python values (bool(...), .item()) rather than tensors.",
        "보고서 필드의 타입이 {types}입니다. 텐서가 아니라 bool, int, float, float인 파이썬 "
        "값이어야 합니다(bool(...), .item()).",
        types=types,
    )


def test_the_diversity_ratio_is_generated_over_real(kata, real_synthetic):
    report = kata.detect_mode_collapse(0.25 * real_synthetic, real_synthetic, every_tenth)
    assert math.isclose(report.diversity_ratio, 0.25, rel_tol=1e-4), msg(
        "With samples = 0.25 * real the diversity ratio is {ratio:.4f}; expected "
        "pixel_diversity(samples) / pixel_diversity(real) = 0.25. 4.0 means the ratio is "
        "upside down (real / generated): a collapsed G must score near 0.",
        "samples = 0.25 * real일 때 다양성 비율이 {ratio:.4f}입니다. "
        "pixel_diversity(samples) / pixel_diversity(real) = 0.25여야 합니다. 4.0이라면 비율이 "
        "뒤집힌 것입니다(real / generated): 붕괴한 생성기는 0에 가까운 점수를 받아야 합니다.",
        ratio=report.diversity_ratio,
    )


def test_modes_and_kl_come_from_the_samples_histogram(kata, real_synthetic):
    samples = _plant(_uniform_images(100, seed=8), [2] * 50 + [6] * 50)
    report = kata.detect_mode_collapse(samples, real_synthetic, read_planted)
    assert report.modes_covered == 2, msg(
        "Samples read as fifty 2s and fifty 6s give modes_covered = {modes}; expected 2: "
        "modes_covered(class_histogram(samples, classifier)) with the default min_fraction "
        "(not the real digits' histogram).",
        "2 오십 개와 6 오십 개로 읽히는 샘플의 modes_covered = {modes}입니다. 2여야 합니다: "
        "기본 min_fraction으로 modes_covered(class_histogram(samples, classifier))를 구하세요"
        "(진짜 숫자의 히스토그램이 아닙니다).",
        modes=report.modes_covered,
    )
    assert math.isclose(report.kl_to_uniform, math.log(5), rel_tol=1e-6), msg(
        "Samples read as fifty 2s and fifty 6s give kl_to_uniform = {kl}; expected "
        "ln 5 = {ln5:.4f}, kl_to_uniform of the samples' histogram.",
        "2 오십 개와 6 오십 개로 읽히는 샘플의 kl_to_uniform = {kl}입니다. 샘플 히스토그램의 "
        "kl_to_uniform인 ln 5 = {ln5:.4f}여야 합니다.",
        kl=report.kl_to_uniform,
        ln5=math.log(5),
    )


def test_low_diversity_alone_is_collapse(kata, real_synthetic):
    low = 0.8 * kata.MIN_DIVERSITY_RATIO
    report = kata.detect_mode_collapse(low * real_synthetic, real_synthetic, every_tenth)
    assert report.modes_covered == 10 and report.collapsed is True, msg(
        "Samples covering all 10 digits with a diversity ratio of {low:g}, below "
        "MIN_DIVERSITY_RATIO = {minimum}, were reported as {report}; expected collapsed=True: "
        "either sign of collapse is enough, so combine them with 'or', not 'and'.",
        "숫자 10개를 모두 커버하지만 다양성 비율이 MIN_DIVERSITY_RATIO = {minimum}보다 낮은 "
        "{low:g}인 샘플이 {report}(으)로 보고되었습니다. collapsed=True여야 합니다: 붕괴의 징후는 "
        "하나만 있어도 충분하므로, 두 조건을 'and'가 아니라 'or'로 묶으세요.",
        low=low,
        minimum=kata.MIN_DIVERSITY_RATIO,
        report=report,
    )


def test_too_few_digits_alone_is_collapse(kata, real_synthetic):
    too_few = kata.MIN_MODES_COVERED - 1

    def classifier(images: torch.Tensor) -> torch.Tensor:
        return torch.arange(len(images)) % too_few

    report = kata.detect_mode_collapse(real_synthetic.flip(0), real_synthetic, classifier)
    assert report.modes_covered == too_few and report.collapsed is True, msg(
        "Samples as varied as the real ones (ratio 1) but read as only {too_few} digits, fewer "
        "than MIN_MODES_COVERED = {minimum}, were reported as {report}; expected "
        "collapsed=True: either sign of collapse is enough, so combine them with 'or', not "
        "'and'.",
        "진짜 숫자만큼 다양하지만(비율 1) MIN_MODES_COVERED = {minimum}보다 적은 숫자 "
        "{too_few}개로만 읽히는 샘플이 {report}(으)로 보고되었습니다. collapsed=True여야 "
        "합니다: 붕괴의 징후는 하나만 있어도 충분하므로, 두 조건을 'and'가 아니라 'or'로 묶으세요.",
        too_few=too_few,
        minimum=kata.MIN_MODES_COVERED,
        report=report,
    )


def test_diverse_samples_of_enough_digits_are_not_collapse(kata, real_synthetic):
    enough = kata.MIN_MODES_COVERED
    ratio = min(1.0, 1.2 * kata.MIN_DIVERSITY_RATIO)

    def classifier(images: torch.Tensor) -> torch.Tensor:
        return torch.arange(len(images)) % enough

    report = kata.detect_mode_collapse(ratio * real_synthetic, real_synthetic, classifier)
    assert report.collapsed is False, msg(
        "Samples with a diversity ratio of {ratio:g} (MIN_DIVERSITY_RATIO = {min_ratio}) "
        "covering {enough} digits (MIN_MODES_COVERED = {enough}) were reported as {report}; "
        "expected collapsed=False: collapse is a ratio *below* the minimum or *fewer* digits "
        "than the minimum (exactly at the minimum is not collapse).",
        "다양성 비율이 {ratio:g}(MIN_DIVERSITY_RATIO = {min_ratio})이고 숫자 {enough}개를 "
        "커버하는(MIN_MODES_COVERED = {enough}) 샘플이 {report}(으)로 보고되었습니다. "
        "collapsed=False여야 합니다: 붕괴는 비율이 최솟값보다 *낮거나* 숫자가 최솟값보다 "
        "*적을* 때입니다(같으면 붕괴가 아닙니다).",
        ratio=ratio,
        min_ratio=kata.MIN_DIVERSITY_RATIO,
        enough=enough,
        report=report,
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
        assert same, msg(
            "The report changed from {before} to {after} when the samples were shuffled; "
            "every measure is about the set of samples, not their order.",
            "샘플의 순서를 섞었더니 보고서가 {before}에서 {after}로 바뀌었습니다. 모든 측정값은 "
            "샘플의 순서가 아니라 샘플 집합에 대한 것입니다.",
            before=before,
            after=after,
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
        why=msg(
            "detect_mode_collapse(500 copies of one digit, real digits, classifier) failed. "
            "The samples' diversity is 0: divide it by the real diversity, not the other way "
            "round (is the ratio upside down?).",
            "detect_mode_collapse(한 숫자의 복사본 500개, 진짜 숫자, 분류기)가 실패했습니다. "
            "샘플의 다양성은 0입니다: 반대로 하지 말고 그것을 진짜 숫자의 다양성으로 나누세요"
            "(비율이 뒤집히지 않았나요?).",
        ),
    )
    assert report.collapsed is True and report.modes_covered == 1, msg(
        "500 copies of one held-out digit were reported as {report}; expected collapsed=True "
        "with modes_covered=1: one image for every seed is total mode collapse.",
        "따로 떼어 둔 숫자 하나의 복사본 500개가 {report}(으)로 보고되었습니다. "
        "modes_covered=1이고 collapsed=True여야 합니다: 모든 시드에서 같은 이미지가 나오는 것은 "
        "완전한 모드 붕괴입니다.",
        report=report,
    )
    assert 0 <= report.diversity_ratio < 0.01, msg(
        "500 copies of one digit have diversity ratio {ratio}; expected 0.0 (is the ratio "
        "upside down?). torch.cdist's matrix-product shortcut may leave about 0.005 between "
        "copies; torch.pdist is exact.",
        "한 숫자의 복사본 500개의 다양성 비율이 {ratio}입니다. 0.0이어야 합니다(비율이 뒤집히지 "
        "않았나요?). torch.cdist의 행렬곱 지름길은 복사본 사이에 0.005 정도를 남길 수 있지만 "
        "torch.pdist는 정확합니다.",
        ratio=report.diversity_ratio,
    )
    assert math.isclose(report.kl_to_uniform, LN10, rel_tol=1e-6), msg(
        "500 copies of one digit have kl_to_uniform = {kl}; expected ln 10 = {ln10:.4f} nats: "
        "one digit with p = 1, nine with p = 0 (0 ln 0 = 0, not nan).",
        "한 숫자의 복사본 500개의 kl_to_uniform = {kl}입니다. ln 10 = {ln10:.4f} nat이어야 "
        "합니다: p = 1인 숫자 하나와 p = 0인 숫자 아홉 개입니다(0 ln 0은 nan이 아니라 0).",
        kl=report.kl_to_uniform,
        ln10=LN10,
    )


def test_real_held_out_digits_are_not_collapsed(kata, digits):
    classifier, images, _ = digits
    report = kata.detect_mode_collapse(images[::2], images[1::2], classifier)
    assert report.collapsed is False and report.modes_covered == 10, msg(
        "500 real held-out digits (50 of each) judged against the other 500 were reported as "
        "{report}; expected collapsed=False with all 10 digits covered.",
        "따로 떼어 둔 진짜 숫자 500개(숫자마다 50개)를 나머지 500개와 비교했더니 {report}(으)로 "
        "보고되었습니다. 숫자 10개가 모두 커버되고 collapsed=False여야 합니다.",
        report=report,
    )
    assert abs(report.diversity_ratio - 1) < 0.05 and report.kl_to_uniform < 0.05, msg(
        "500 real held-out digits judged against the other 500 have diversity ratio "
        "{ratio:.3f} and kl_to_uniform {kl:.3f}; expected a ratio near 1 (both halves are "
        "real digits) and a KL near 0 (50 of each digit).",
        "따로 떼어 둔 진짜 숫자 500개를 나머지 500개와 비교한 다양성 비율은 {ratio:.3f}, "
        "kl_to_uniform은 {kl:.3f}입니다. 비율은 1에 가깝고(두 절반 모두 진짜 숫자), KL은 0에 "
        "가까워야 합니다(숫자마다 50개).",
        ratio=report.diversity_ratio,
        kl=report.kl_to_uniform,
    )


def test_samples_of_only_two_digits_are_collapsed(kata, digits):
    classifier, images, labels = digits
    threes_and_sevens = images[(labels == 3) | (labels == 7)]
    # Keep the ones the classifier reads right, so exactly two digits are predicted.
    read = classifier(threes_and_sevens)
    samples = threes_and_sevens[(read == 3) | (read == 7)]
    report = kata.detect_mode_collapse(samples, images, classifier)
    assert report.diversity_ratio > kata.MIN_DIVERSITY_RATIO, msg(
        "Real 3s and 7s have diversity ratio {ratio:.3f} against all real digits; expected "
        "close to 1: they are real, varied digits.",
        "진짜 3과 7의, 진짜 숫자 전체에 대한 다양성 비율이 {ratio:.3f}입니다. 1에 가까워야 "
        "합니다: 진짜이고 다양한 숫자들입니다.",
        ratio=report.diversity_ratio,
    )
    assert report.modes_covered == 2 and report.collapsed is True, msg(
        "{n} real 3s and 7s were reported as {report}; expected modes_covered=2 and "
        "collapsed=True: each picture is varied, but G makes only two digits. Either sign of "
        "collapse is enough ('or', not 'and').",
        "진짜 3과 7 {n}개가 {report}(으)로 보고되었습니다. modes_covered=2이고 collapsed=True여야 "
        "합니다: 그림은 저마다 다양하지만 생성기가 숫자를 두 개만 만듭니다. 붕괴의 징후는 하나만 "
        "있어도 충분합니다('and'가 아니라 'or').",
        n=len(samples),
        report=report,
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
    assert isinstance(covered, int) and isinstance(quality, float), msg(
        "ring_modes_covered returned ({covered!r}, {quality!r}); expected (int, float): "
        "plain Python values (int(...), .item()) rather than tensors.",
        "ring_modes_covered가 ({covered!r}, {quality!r})을(를) 반환했습니다. 텐서가 아니라 "
        "(int, float)인 파이썬 값이어야 합니다(int(...), .item()).",
        covered=covered,
        quality=quality,
    )
    assert covered == 2, msg(
        "Points {points} around centers {centers} with std 0.02 cover {covered} modes; "
        "expected 2: a mode is covered when some point lies within 3 * std = 0.06 of its "
        "center (the second point is 0.05 away from the second center).",
        "std 0.02에서 점 {points}이(가) 중심 {centers} 주위의 모드를 {covered}개 커버합니다. "
        "2개여야 합니다: 어떤 점이 중심에서 3 * std = 0.06 안에 있으면 그 모드가 커버된 "
        "것입니다(두 번째 점은 두 번째 중심에서 0.05 떨어져 있습니다).",
        points=points.tolist(),
        centers=centers.tolist(),
        covered=covered,
    )
    assert math.isclose(quality, 0.75), msg(
        "The high-quality fraction is {quality}; expected 3/4 = 0.75: three of the four "
        "samples lie within 3 * std of some center. Count over the samples, not the centers.",
        "고품질 비율이 {quality}입니다. 3/4 = 0.75여야 합니다: 샘플 네 개 중 세 개가 어떤 "
        "중심에서 3 * std 안에 있습니다. 중심이 아니라 샘플에 대해 세세요.",
        quality=quality,
    )


@pytest.mark.parametrize("std", [0.02, 0.1])
def test_samples_from_all_8_gaussians_cover_8(kata, std):
    centers = _ring()
    points = _sample_ring(centers, list(range(8)), std, n=1000, seed=10)
    covered, quality = kata.ring_modes_covered(points, centers, std)
    assert covered == 8 and quality > 0.95, msg(
        "1,000 samples from all 8 Gaussians (std {std}) gave {covered} modes covered and a "
        "high-quality fraction of {quality:.3f}; expected 8 and about 0.99 (a 2-D Gaussian "
        "puts 1 - exp(-4.5) = 98.9 % of its samples within 3 std). The radius is 3 * std, "
        "not 3 * std ** 2 or a fixed number.",
        "가우시안 8개 모두에서 뽑은 샘플 1,000개(std {std})가 모드 {covered}개를 커버하고 "
        "고품질 비율은 {quality:.3f}입니다. 8개와 0.99 정도여야 합니다(2차원 가우시안은 샘플의 "
        "1 - exp(-4.5) = 98.9 %를 3 std 안에 둡니다). 반지름은 3 * std ** 2나 고정된 수가 아니라 "
        "3 * std입니다.",
        std=std,
        covered=covered,
        quality=quality,
    )


def test_samples_from_one_gaussian_cover_1(kata):
    centers = _ring()
    points = _sample_ring(centers, [3], 0.02, n=1000, seed=11)
    covered, quality = kata.ring_modes_covered(points, centers, 0.02)
    assert covered == 1, msg(
        "1,000 samples all from the Gaussian at {center} cover {covered} modes; expected 1: "
        "this is a collapsed G on the ring.",
        "모두 {center}의 가우시안에서 뽑은 샘플 1,000개가 모드 {covered}개를 커버합니다. 1개여야 "
        "합니다: 원형 분포 위에서 붕괴한 생성기의 모습입니다.",
        center=centers[3].tolist(),
        covered=covered,
    )
    assert quality > 0.95, msg(
        "1,000 samples from one Gaussian have a high-quality fraction of {quality:.3f}; "
        "expected about 0.99: almost every sample is within 3 * std of its center. 0.125 (1/8) "
        "means the fraction was taken over the centers instead of over the samples.",
        "가우시안 하나에서 뽑은 샘플 1,000개의 고품질 비율이 {quality:.3f}입니다. 0.99 정도여야 "
        "합니다: 거의 모든 샘플이 중심에서 3 * std 안에 있습니다. 0.125(1/8)라면 비율을 샘플이 "
        "아니라 중심에 대해 구한 것입니다.",
        quality=quality,
    )


def test_uniform_noise_over_a_big_box_has_low_quality(kata):
    centers = _ring()
    generator = torch.Generator().manual_seed(12)
    points = (torch.rand(1000, 2, generator=generator, dtype=torch.float64) - 0.5) * 12
    _, quality = kata.ring_modes_covered(points, centers, 0.02)
    assert quality < 0.01, msg(
        "1,000 points spread uniformly over a 12 x 12 box have a high-quality fraction of "
        "{quality:.3f}; expected about 0.0006 (the 8 disks of radius 3 * std = 0.06 fill "
        "0.06 % of the box). A large fraction means the radius is not 3 * std.",
        "12 x 12 상자에 균등하게 퍼진 점 1,000개의 고품질 비율이 {quality:.3f}입니다. 0.0006 "
        "정도여야 합니다(반지름 3 * std = 0.06인 원판 8개는 상자의 0.06 %를 차지합니다). 비율이 "
        "크다면 반지름이 3 * std가 아닌 것입니다.",
        quality=quality,
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
        why=msg(
            "ring_modes_covered(points {points_shape}, centers {centers_shape}, std {std}) must "
            "raise ValueError: points and centers are [N, 2] and std is positive.",
            "ring_modes_covered(points {points_shape}, centers {centers_shape}, std {std})는 "
            "ValueError를 발생시켜야 합니다: points와 centers는 [N, 2]이고 std는 양수입니다.",
            points_shape=tuple(points.shape),
            centers_shape=tuple(centers.shape),
            std=std,
        ),
    )
