"""Kata 9 · Seed experiments: between two seeds, sums, differences and slerp
(katas/seed_arithmetic.py).
"""

from __future__ import annotations

import math

import pytest
import torch
from hypothesis import assume, given
from hypothesis import strategies as st
from torch import nn

from gankata.testkit.assertions import call, expect_error
from gankata.testkit.messages import msg

D = 100  # the book's seed size: generate_random_seed(100)


def seed(number: int, size: int = D) -> torch.Tensor:
    """A randn seed from its own generator, the same in every run."""
    return torch.randn(size, generator=torch.Generator().manual_seed(number))


def reference_slerp(a: torch.Tensor, b: torch.Tensor, t: float) -> torch.Tensor:
    """The contract's formula in float64, for seeds that are far from parallel."""
    a64, b64 = a.double(), b.double()
    omega = math.acos(float(a64 @ b64 / (a64.norm() * b64.norm())))
    return (math.sin((1 - t) * omega) * a64 + math.sin(t * omega) * b64) / math.sin(omega)


def mismatch(seen: torch.Tensor, expected: torch.Tensor) -> str:
    """How many elements differ, and by how much at most, for a message."""
    differ = int((seen != expected).sum())
    worst = float((seen.double() - expected.double()).abs().max())
    return msg(
        "{differ} of {total} elements differ, by up to {worst:.3g}",
        "원소 {total}개 중 {differ}개가 다름, 최대 차이 {worst:.3g}",
        differ=differ,
        total=expected.numel(),
        worst=worst,
    )


def names_both_shapes(message: str) -> bool:
    """Whether a ValueError's message gives both (100,) and (1, 100), in any spelling."""
    return "1, 100" in message and "100" in message.replace("1, 100", "")


def rejects_different_shapes(kata, name: str, *rest) -> None:
    """``kata.<name>(a, b, *rest)`` with seeds of shapes [100] and [1, 100] must refuse them."""
    a, b = seed(1), seed(2).unsqueeze(0)
    error = expect_error(
        ValueError,
        getattr(kata, name),
        a,
        b,
        *rest,
        why=msg(
            "{name}(a of shape (100,), b of shape (1, 100), ...) must raise ValueError: the two "
            "seeds must have the same shape. Broadcasting would quietly make a [1, 100] or "
            "[100, 100] tensor out of them. Compare a.shape with b.shape first and raise "
            "ValueError naming both shapes.",
            "{name}(모양 (100,)인 a, 모양 (1, 100)인 b, ...)는 ValueError를 발생시켜야 합니다: 두 "
            "시드는 모양이 같아야 합니다. 그대로 브로드캐스트하면 아무 말 없이 [1, 100]이나 "
            "[100, 100] 텐서가 만들어집니다. 먼저 a.shape와 b.shape를 비교하고, 두 모양을 담은 "
            "ValueError를 발생시키세요.",
            name=name,
        ),
    )
    message = str(error)
    assert names_both_shapes(message), msg(
        "{name}'s ValueError said {message!r}; expected a message that gives both shapes, a's "
        "first, such as 'the two seeds must have the same shape, got (100,) and (1, 100)', so "
        "that the caller sees which seed is wrong. Put tuple(a.shape) and tuple(b.shape) in "
        "the message.",
        "{name}의 ValueError 메시지가 {message!r}입니다. 두 모양을 a부터 담은 메시지가 "
        "필요합니다. 예를 들어 'the two seeds must have the same shape, got (100,) and "
        "(1, 100)'처럼 써야 호출한 사람이 어느 시드가 잘못됐는지 알 수 있습니다. 메시지에 "
        "tuple(a.shape)와 tuple(b.shape)를 넣으세요.",
        name=name,
        message=message,
    )


# Small floats: seeds of the size randn gives, never nan or inf.
element = st.floats(-10.0, 10.0, width=32)
fraction = st.floats(0.0, 1.0)


@st.composite
def seed_pairs(draw, max_size: int = 8):
    size = draw(st.integers(1, max_size))
    a = draw(st.lists(element, min_size=size, max_size=size))
    b = draw(st.lists(element, min_size=size, max_size=size))
    return torch.tensor(a), torch.tensor(b)


# ## Task 9.1: lerp


def test_lerp_of_a_small_example(kata):
    a, b = torch.tensor([0.0, 2.0]), torch.tensor([4.0, 6.0])
    seen = call(
        kata.lerp,
        a,
        b,
        0.25,
        why=msg(
            "lerp(tensor([0., 2.]), tensor([4., 6.]), 0.25) failed; expected tensor([1., 3.]).",
            "lerp(tensor([0., 2.]), tensor([4., 6.]), 0.25)가 실패했습니다. tensor([1., 3.])이 "
            "나와야 합니다.",
        ),
    )
    assert isinstance(seen, torch.Tensor) and torch.allclose(seen, torch.tensor([1.0, 3.0])), msg(
        "lerp([0, 2], [4, 6], 0.25) returned {seen!r}; expected tensor([1., 3.]): a quarter "
        "of the way from a to b is (1 - t) * a + t * b = 0.75 * a + 0.25 * b.",
        "lerp([0, 2], [4, 6], 0.25)의 결과가 {seen!r}입니다. tensor([1., 3.])이어야 합니다: a에서 "
        "b 쪽으로 4분의 1 간 점은 (1 - t) * a + t * b = 0.75 * a + 0.25 * b입니다.",
        seen=seen,
    )


def test_lerp_ends_exactly_on_the_two_seeds(kata):
    a, b = seed(1), seed(2)
    start = kata.lerp(a, b, 0.0)
    assert torch.equal(start, a), msg(
        "lerp(a, b, 0.0) is not exactly a ({mismatch}); expected seed1 itself: at t = 0 the "
        "walk must start on seed1, and (1 - t) * a + t * b gives 1 * a + 0 * b, which is a.",
        "lerp(a, b, 0.0)이 정확히 a가 아닙니다({mismatch}). seed1 그 자체가 나와야 합니다: t = 0"
        "에서 걷기는 seed1에서 시작해야 하고, (1 - t) * a + t * b는 1 * a + 0 * b, 곧 a를 "
        "줍니다.",
        mismatch=mismatch(start, a),
    )
    end = kata.lerp(a, b, 1.0)
    assert torch.equal(end, b), msg(
        "lerp(a, b, 1.0) is not exactly b ({mismatch}). a + t * (b - a) rounds "
        "twice: at t = 1 it computes a + (b - a), which in floating point misses b in the last "
        "bit (0.2 + (0.9 - 0.2) is 0.8999999999999999). Write (1 - t) * a + t * b, which is "
        "exact at both ends: 0 * a + 1 * b is b.",
        "lerp(a, b, 1.0)이 정확히 b가 아닙니다({mismatch}). a + t * (b - a)는 반올림을 두 번 "
        "합니다: t = 1에서 a + (b - a)를 계산하는데, 부동소수점에서는 이것이 마지막 비트에서 b와 "
        "어긋납니다(0.2 + (0.9 - 0.2)는 0.8999999999999999입니다). 양 끝에서 정확한 "
        "(1 - t) * a + t * b로 쓰세요: 0 * a + 1 * b는 b입니다.",
        mismatch=mismatch(end, b),
    )


@given(pair=seed_pairs(), t=fraction)
def test_lerp_is_a_straight_line_in_t(kata, pair, t):
    a, b = pair
    seen = kata.lerp(a, b, t)
    expected = a + t * (b - a)
    assert seen.shape == a.shape and torch.allclose(seen, expected, rtol=1e-5, atol=1e-5), msg(
        "lerp(a={a}, b={b}, t={t}) returned {seen}; expected {expected}, the point a fraction "
        "t of the way along the straight line from a to b: (1 - t) * a + t * b.",
        "lerp(a={a}, b={b}, t={t})의 결과가 {seen}입니다. {expected}이어야 합니다: a에서 b로 "
        "가는 직선을 따라 t만큼 간 점, (1 - t) * a + t * b입니다.",
        a=a.tolist(),
        b=b.tolist(),
        t=t,
        seen=seen.tolist(),
        expected=expected.tolist(),
    )
    middle = kata.lerp(a, b, 0.5)
    assert torch.allclose(middle, (a + b) / 2, rtol=1e-5, atol=1e-5), msg(
        "lerp(a={a}, b={b}, 0.5) returned {middle}; expected the midpoint (a + b) / 2 = "
        "{expected}: halfway, both seeds weigh 0.5 in (1 - t) * a + t * b.",
        "lerp(a={a}, b={b}, 0.5)의 결과가 {middle}입니다. 중점 (a + b) / 2 = {expected}이어야 "
        "합니다: 가운데에서는 (1 - t) * a + t * b의 두 시드가 각각 0.5의 가중치를 받습니다.",
        a=a.tolist(),
        b=b.tolist(),
        middle=middle.tolist(),
        expected=((a + b) / 2).tolist(),
    )


def test_lerp_rejects_seeds_of_different_shapes(kata):
    rejects_different_shapes(kata, "lerp", 0.5)


# ## Task 9.2: interpolate


@pytest.mark.parametrize("steps", [2, 5, 11])
def test_interpolate_gives_one_row_per_step(kata, steps):
    path = call(
        kata.interpolate,
        seed(1),
        seed(2),
        steps,
        why=msg(
            "interpolate(a, b, {steps}) failed; expected a tensor of shape ({steps}, {D}).",
            "interpolate(a, b, {steps})가 실패했습니다. 모양이 ({steps}, {D})인 텐서가 나와야 "
            "합니다.",
            steps=steps,
            D=D,
        ),
    )
    assert isinstance(path, torch.Tensor) and path.shape == (steps, D), msg(
        "interpolate(a, b, {steps}) for seeds of shape ({D},) returned shape {shape}; expected "
        "({steps}, {D}): one seed per row, both ends included. Counting the gaps (steps - 1) "
        "or the inner points (steps - 2) gives the wrong number of rows.",
        "모양이 ({D},)인 시드에 대한 interpolate(a, b, {steps})의 결과 모양이 {shape}입니다. "
        "({steps}, {D})이어야 합니다: 양 끝을 포함해 행마다 시드 하나입니다. 간격 수"
        "(steps - 1)나 안쪽 점의 수(steps - 2)를 세면 행 수가 틀립니다.",
        steps=steps,
        D=D,
        shape=tuple(getattr(path, "shape", ())),
    )


@pytest.mark.parametrize("steps", [2, 7])
def test_interpolate_starts_on_a_and_ends_on_b_exactly(kata, steps):
    a, b = seed(1), seed(2)
    path = kata.interpolate(a, b, steps)
    assert torch.equal(path[0], a), msg(
        "interpolate(a, b, {steps})[0] is not exactly a ({mismatch}); expected a itself: the "
        "first row is t = 0, lerp(a, b, 0.0).",
        "interpolate(a, b, {steps})[0]이 정확히 a가 아닙니다({mismatch}). a 그 자체여야 "
        "합니다: 첫 행은 t = 0, 곧 lerp(a, b, 0.0)입니다.",
        steps=steps,
        mismatch=mismatch(path[0], a),
    )
    assert torch.equal(path[-1], b), msg(
        "The last row of interpolate(a, b, {steps}) is not exactly b ({mismatch}). Row i is at "
        "t = i / (steps - 1), so the last row is at t = 1: with i / steps (or linspace over "
        "steps + 1 points) the walk stops short of b, and with a + t * (b - a) it lands next "
        "to b.",
        "interpolate(a, b, {steps})의 마지막 행이 정확히 b가 아닙니다({mismatch}). i번째 행은 "
        "t = i / (steps - 1)에 있으므로 마지막 행은 t = 1입니다: i / steps로 나누거나 "
        "steps + 1개 점으로 linspace를 잡으면 b에 못 미치고 멈추고, a + t * (b - a)로 쓰면 b "
        "바로 옆에 떨어집니다.",
        steps=steps,
        mismatch=mismatch(path[-1], b),
    )


@pytest.mark.parametrize("steps", [3, 6])
def test_interpolate_rows_are_evenly_spaced_on_the_line(kata, steps):
    a, b = seed(1), seed(2)
    path = kata.interpolate(a, b, steps)
    for i in range(steps):
        t = i / (steps - 1)
        expected = (1 - t) * a + t * b
        assert torch.allclose(path[i], expected, atol=1e-5), msg(
            "Row {i} of interpolate(a, b, {steps}) is not lerp(a, b, {i}/{gaps}) ({mismatch}). "
            "The rows sit at t = 0, 1/(steps - 1), 2/(steps - 1), ..., 1: evenly spaced, both "
            "ends included.",
            "interpolate(a, b, {steps})의 {i}번 행이 lerp(a, b, {i}/{gaps})가 아닙니다"
            "({mismatch}). 행들은 t = 0, 1/(steps - 1), 2/(steps - 1), ..., 1에 놓입니다: 양 "
            "끝을 포함해 같은 간격입니다.",
            i=i,
            steps=steps,
            gaps=steps - 1,
            mismatch=mismatch(path[i], expected),
        )


@pytest.mark.parametrize("steps", [1, 0])
def test_interpolate_needs_at_least_two_steps(kata, steps):
    expect_error(
        ValueError,
        kata.interpolate,
        seed(1),
        seed(2),
        steps,
        why=msg(
            "interpolate(a, b, {steps}) must raise ValueError: a path from a to b needs "
            "steps >= 2, its two ends (and i / (steps - 1) divides by zero at steps = 1).",
            "interpolate(a, b, {steps})는 ValueError를 발생시켜야 합니다: a에서 b로 가는 경로에는 "
            "양 끝, 곧 steps >= 2가 필요합니다(steps = 1이면 i / (steps - 1)이 0으로 "
            "나눕니다).",
            steps=steps,
        ),
    )


def test_interpolate_rejects_seeds_of_different_shapes(kata):
    rejects_different_shapes(kata, "interpolate", 5)


# ## Task 9.3: slerp


def test_slerp_of_a_small_example(kata):
    # 45 degrees apart, different lengths: the weights are sin(pi/8) / sin(pi/4) each.
    a, b = torch.tensor([2.0, 0.0]), torch.tensor([3.0, 3.0])
    weight = math.sin(math.pi / 8) / math.sin(math.pi / 4)
    expected = weight * (a + b)
    seen = call(
        kata.slerp,
        a,
        b,
        0.5,
        why=msg(
            "slerp(tensor([2., 0.]), tensor([3., 3.]), 0.5) failed; expected {expected}.",
            "slerp(tensor([2., 0.]), tensor([3., 3.]), 0.5)가 실패했습니다. {expected}이 나와야 "
            "합니다.",
            expected=expected.tolist(),
        ),
    )
    assert isinstance(seen, torch.Tensor) and torch.allclose(seen, expected, atol=1e-5), msg(
        "slerp([2, 0], [3, 3], 0.5) returned {seen!r}; expected {expected}: the seeds are "
        "Ω = 45° apart, so both weights are sin(Ω/2) / sin Ω = 0.5412. The angle Ω comes from "
        "cos Ω = a·b / (|a| |b|): divide the dot product (here 6) by both norms, and multiply "
        "the weights by the seeds themselves, not by unit vectors.",
        "slerp([2, 0], [3, 3], 0.5)의 결과가 {seen!r}입니다. {expected}이어야 합니다: 두 시드는 "
        "Ω = 45° 떨어져 있으므로 두 가중치 모두 sin(Ω/2) / sin Ω = 0.5412입니다. 각도 Ω는 "
        "cos Ω = a·b / (|a| |b|)에서 나옵니다: 내적(여기서는 6)을 두 노름으로 나누고, 가중치는 "
        "단위 벡터가 아니라 시드 자체에 곱하세요.",
        seen=seen,
        expected=expected.tolist(),
    )


def test_slerp_ends_exactly_on_the_two_seeds(kata):
    for a, b in [(seed(1), seed(2)), (torch.tensor([3.0, 0.0]), torch.tensor([0.0, 0.5]))]:
        start, end = kata.slerp(a, b, 0.0), kata.slerp(a, b, 1.0)
        assert torch.equal(start, a) and torch.equal(end, b), msg(
            "slerp(a, b, 0.0) or slerp(a, b, 1.0) is not exactly a or b (start: {start}; end: "
            "{end}); expected a and b themselves. Compute each weight first, "
            "sin((1 - t) Ω) / sin Ω (exactly 1 at t = 0) and sin(t Ω) / sin Ω, then multiply "
            "it by its seed: (sin Ω * a) / sin Ω is not exactly a.",
            "slerp(a, b, 0.0)이나 slerp(a, b, 1.0)이 정확히 a나 b가 아닙니다(시작: {start}; 끝: "
            "{end}). a와 b 그 자체가 나와야 합니다. 가중치 sin((1 - t) Ω) / sin Ω(t = 0에서 "
            "정확히 1)와 sin(t Ω) / sin Ω를 먼저 계산한 뒤 시드에 곱하세요: "
            "(sin Ω * a) / sin Ω는 정확히 a가 아닙니다.",
            start=mismatch(start, a),
            end=mismatch(end, b),
        )


@given(pair=seed_pairs(max_size=6), t=fraction)
def test_slerp_keeps_unit_seeds_on_the_unit_sphere(kata, pair, t):
    a, b = pair
    assume(a.shape[0] >= 2 and a.norm() > 0.1 and b.norm() > 0.1)
    a, b = a / a.norm(), b / b.norm()
    assume(abs(float(a @ b)) < 0.99)  # far from parallel, where slerp may fall back to lerp
    seen = kata.slerp(a, b, t)
    norm = float(seen.norm())
    assert math.isclose(norm, 1.0, abs_tol=1e-4), msg(
        "slerp of the unit vectors a={a} and b={b} at t={t} has norm {norm:.6f}; expected 1: "
        "slerp walks along the great circle through a and b. Use "
        "sin((1 - t) Ω) / sin Ω * a + sin(t Ω) / sin Ω * b with cos Ω = a·b / (|a| |b|).",
        "단위 벡터 a={a}, b={b}의 t={t}에서의 slerp 노름이 {norm:.6f}입니다. 1이어야 합니다: "
        "slerp는 a와 b를 지나는 대원을 따라 걷습니다. cos Ω = a·b / (|a| |b|)로 두고 "
        "sin((1 - t) Ω) / sin Ω * a + sin(t Ω) / sin Ω * b를 쓰세요.",
        a=a.tolist(),
        b=b.tolist(),
        t=t,
        norm=norm,
    )


def test_slerp_keeps_a_gaussian_seed_s_norm_where_lerp_shrinks_it(kata):
    a, b = seed(1), seed(2)
    ends = (float(a.norm()) + float(b.norm())) / 2
    straight = float(kata.lerp(a, b, 0.5).norm())
    assert straight < 0.8 * ends, msg(
        "lerp's midpoint of two randn(100) seeds has norm {straight:.2f}, against {ends:.2f} "
        "at the ends; expected about 1/sqrt(2) of it: the seeds are nearly orthogonal, so "
        "(a + b) / 2 is shorter. Check lerp first.",
        "randn(100) 시드 두 개의 lerp 중점은 노름이 {straight:.2f}이고, 양 끝은 {ends:.2f}입니다. "
        "그 1/sqrt(2) 정도여야 합니다: 두 시드는 거의 직교하므로 (a + b) / 2가 더 짧습니다. "
        "lerp부터 확인하세요.",
        straight=straight,
        ends=ends,
    )
    curved = float(kata.slerp(a, b, 0.5).norm())
    assert abs(curved - ends) < 0.1 * ends, msg(
        "slerp's midpoint of two randn(100) seeds has norm {curved:.2f}; expected within 10% "
        "of the ends' {ends:.2f} (lerp's midpoint has {straight:.2f}). The seeds are about "
        "96° apart (cos Ω = -0.097). The angle must come from the directions alone: "
        "cos Ω = a·b / (|a| |b|). acos of the raw dot product a·b (here -9.6), without "
        "dividing by the norms, is not an angle.",
        "randn(100) 시드 두 개의 slerp 중점은 노름이 {curved:.2f}입니다. 양 끝의 {ends:.2f}에서 "
        "10% 안이어야 합니다(lerp 중점은 {straight:.2f}). 두 시드는 약 96° 떨어져 있습니다"
        "(cos Ω = -0.097). 각도는 방향만으로 구해야 합니다: cos Ω = a·b / (|a| |b|). 노름으로 "
        "나누지 않은 내적 a·b(여기서는 -9.6)의 acos는 각도가 아닙니다.",
        curved=curved,
        ends=ends,
        straight=straight,
    )


def parallel_pairs() -> dict[str, tuple[torch.Tensor, torch.Tensor]]:
    a = seed(1)
    return {
        "axis": (torch.tensor([1.0, 0.0, 0.0]), torch.tensor([2.0, 0.0, 0.0])),
        "itself": (a, a.clone()),
        "three_times": (a, 3 * a),
    }


def parallel_name(pair: str) -> str:
    return {
        "axis": msg("[1,0,0] and [2,0,0]", "[1,0,0]과 [2,0,0]"),
        "itself": msg("a seed and itself", "시드와 그 자신"),
        "three_times": msg("a seed and 3 times it", "시드 a와 3 * a"),
    }[pair]


def slerp_is_lerp(kata, a: torch.Tensor, b: torch.Tensor, name: str, ts, why: str) -> None:
    """Fail unless ``slerp(a, b, t)`` is lerp's ``(1 - t) * a + t * b`` at every t of ``ts``;
    ``why`` says why the lesson's rule for these seeds is lerp."""
    for t in ts:
        seen = call(
            kata.slerp,
            a,
            b,
            t,
            why=msg(
                "slerp({name}, t={t}) failed; expected lerp's (1 - t) * a + t * b.",
                "slerp({name}, t={t})가 실패했습니다. lerp의 (1 - t) * a + t * b가 나와야 합니다.",
                name=name,
                t=t,
            ),
        )
        expected = (1 - t) * a + t * b
        assert torch.isfinite(seen).all() and torch.allclose(seen, expected, atol=1e-4), msg(
            "slerp of {name} at t={t} returned {seen}... ; expected lerp's {expected}... . {why}",
            "t={t}에서 {name}의 slerp 결과가 {seen}...입니다. lerp의 결과 {expected}...가 "
            "나와야 합니다. {why}",
            name=name,
            t=t,
            seen=seen[:4].tolist(),
            expected=expected[:4].tolist(),
            why=why,
        )


@pytest.mark.parametrize("pair", list(parallel_pairs()))
def test_slerp_of_parallel_seeds_is_lerp_not_nan(kata, pair):
    a, b = parallel_pairs()[pair]
    why = msg(
        "Parallel seeds are 0 degrees apart: sin Ω = 0 and the weights are 0 / 0 = NaN. "
        "When |cos Ω| is near 1 (PARALLEL_THRESHOLD), fall back to lerp, which is also "
        "what slerp tends to as Ω -> 0.",
        "평행한 시드는 0도 떨어져 있어 sin Ω = 0이고, 가중치는 0 / 0 = NaN이 됩니다. "
        "|cos Ω|가 1에 가까우면(PARALLEL_THRESHOLD) lerp로 돌아가세요. Ω -> 0일 때 slerp가 "
        "다가가는 것도 lerp입니다.",
    )
    slerp_is_lerp(kata, a, b, parallel_name(pair), (0.0, 0.25, 0.5, 1.0), why)


def opposite_pairs() -> dict[str, tuple[torch.Tensor, torch.Tensor]]:
    a, c = seed(1), seed(3)
    # A unit vector orthogonal to a, to turn -a by 1 degree: 179 degrees from a.
    u = a / a.norm()
    v = seed(2) - (seed(2) @ u) * u
    v = v / v.norm()
    turned = math.radians(179.0)
    return {
        "axis": (torch.tensor([1.0, 0.0, 0.0]), torch.tensor([-1.0, 0.0, 0.0])),
        "minus": (a, -a),
        "minus_half": (c, -0.5 * c),
        "nearly": (a, a.norm() * (math.cos(turned) * u + math.sin(turned) * v)),
    }


def opposite_name(pair: str) -> str:
    return {
        "axis": msg("[1,0,0] and [-1,0,0]", "[1,0,0]과 [-1,0,0]"),
        "minus": msg("a seed a and -a", "시드 a와 -a"),
        "minus_half": msg("a seed a and -0.5 * a", "시드 a와 -0.5 * a"),
        "nearly": msg("a seed a and a seed 179° from it", "시드 a와 a에서 179° 떨어진 시드"),
    }[pair]


@pytest.mark.parametrize("pair", list(opposite_pairs()))
def test_slerp_of_opposite_seeds_is_lerp_through_zero(kata, pair):
    a, b = opposite_pairs()[pair]
    name = opposite_name(pair)
    cos = float(a.double() @ b.double() / (a.double().norm() * b.double().norm()))
    why = msg(
        "These seeds point in opposite directions (cos Ω = {cos:.5f}), and the lesson's "
        "rule for them is lerp: every great circle through a also passes through -a, so "
        "there is no single one to follow, and sin Ω is 0 or nearly, so the weights are "
        "huge numbers that cancel, rounding noise or NaN. Fall back to lerp when "
        "|cos Ω| > PARALLEL_THRESHOLD, with the absolute value: cos Ω > PARALLEL_THRESHOLD "
        "catches parallel seeds only. For b = -a, lerp goes straight through the zero "
        "seed: (1 - t) * a + t * b = (1 - 2t) * a, half of a at t = 0.25.",
        "이 두 시드는 서로 반대 방향을 가리키고(cos Ω = {cos:.5f}), 수업은 이런 "
        "시드에 lerp를 쓰기로 정했습니다: a를 지나는 대원은 모두 -a도 지나므로 따라갈 대원이 "
        "하나로 정해지지 않고, sin Ω가 0이거나 0에 가까워 가중치가 서로 상쇄되는 큰 수나 "
        "반올림 오차, 또는 NaN이 됩니다. |cos Ω| > PARALLEL_THRESHOLD이면 lerp로 돌아가세요. "
        "절댓값이 중요합니다: cos Ω > PARALLEL_THRESHOLD로는 평행한 시드만 걸러집니다. "
        "b = -a이면 lerp는 원점(0 시드)을 곧장 지나갑니다: (1 - t) * a + t * b = "
        "(1 - 2t) * a이고, t = 0.25에서는 a의 절반입니다.",
        cos=cos,
    )
    slerp_is_lerp(kata, a, b, name, (0.0, 0.25, 0.5, 0.75, 1.0), why)
    start, end = kata.slerp(a, b, 0.0), kata.slerp(a, b, 1.0)
    assert torch.equal(start, a) and torch.equal(end, b), msg(
        "slerp of {name} does not start exactly on a and end exactly on b (start: {start}; "
        "end: {end}); expected a and b themselves, as lerp's (1 - t) * a + t * b gives.",
        "{name}의 slerp가 정확히 a에서 시작해 정확히 b에서 끝나지 않습니다(시작: {start}; 끝: "
        "{end}). lerp의 (1 - t) * a + t * b처럼 a와 b 그 자체가 나와야 합니다.",
        name=name,
        start=mismatch(start, a),
        end=mismatch(end, b),
    )


def test_slerp_rejects_seeds_of_different_shapes(kata):
    rejects_different_shapes(kata, "slerp", 0.5)


# ## Task 9.4: slerp_path


@pytest.mark.parametrize("steps", [2, 9])
def test_slerp_path_gives_one_row_per_step_ending_exactly_on_a_and_b(kata, steps):
    a, b = seed(1), seed(2)
    path = call(
        kata.slerp_path,
        a,
        b,
        steps,
        why=msg(
            "slerp_path(a, b, {steps}) failed; expected a tensor of shape ({steps}, {D}).",
            "slerp_path(a, b, {steps})가 실패했습니다. 모양이 ({steps}, {D})인 텐서가 나와야 "
            "합니다.",
            steps=steps,
            D=D,
        ),
    )
    assert isinstance(path, torch.Tensor) and path.shape == (steps, D), msg(
        "slerp_path(a, b, {steps}) returned shape {shape}; expected ({steps}, {D}): one seed "
        "per row, both ends included.",
        "slerp_path(a, b, {steps})의 결과 모양이 {shape}입니다. ({steps}, {D})이어야 합니다: "
        "양 끝을 포함해 행마다 시드 하나입니다.",
        steps=steps,
        D=D,
        shape=tuple(getattr(path, "shape", ())),
    )
    assert torch.equal(path[0], a) and torch.equal(path[-1], b), msg(
        "slerp_path(a, b, {steps}) does not start exactly on a and end exactly on b (first "
        "row: {first}; last row: {last}). Row i is slerp(a, b, i / (steps - 1)): the last row "
        "is at t = 1.",
        "slerp_path(a, b, {steps})가 정확히 a에서 시작해 정확히 b에서 끝나지 않습니다(첫 행: "
        "{first}; 마지막 행: {last}). i번째 행은 slerp(a, b, i / (steps - 1))이므로 마지막 행은 "
        "t = 1에 있습니다.",
        steps=steps,
        first=mismatch(path[0], a),
        last=mismatch(path[-1], b),
    )


def test_slerp_path_rows_are_slerp_at_evenly_spaced_t(kata):
    a, b, steps = seed(1), seed(2), 6
    path = kata.slerp_path(a, b, steps)
    for i in range(steps):
        expected = reference_slerp(a, b, i / (steps - 1)).float()
        assert torch.allclose(path[i], expected, atol=1e-4), msg(
            "Row {i} of slerp_path(a, b, {steps}) is not slerp(a, b, {i}/{gaps}) ({mismatch}). "
            "The rows sit at t = i / (steps - 1) along the great circle; did you walk the "
            "straight line (interpolate) instead?",
            "slerp_path(a, b, {steps})의 {i}번 행이 slerp(a, b, {i}/{gaps})가 아닙니다"
            "({mismatch}). 행들은 대원을 따라 t = i / (steps - 1)에 놓입니다. 혹시 대신 직선"
            "(interpolate)을 따라 걷지 않았나요?",
            i=i,
            steps=steps,
            gaps=steps - 1,
            mismatch=mismatch(path[i], expected),
        )


def test_every_seed_on_a_slerp_path_keeps_the_norm(kata):
    a, b = seed(1), seed(2)
    ends = (float(a.norm()) + float(b.norm())) / 2
    norms = [round(float(n), 2) for n in kata.slerp_path(a, b, 9).norm(dim=1)]
    assert all(abs(n - ends) < 0.1 * ends for n in norms), msg(
        "The norms along slerp_path(a, b, 9) are {norms}; expected each within 10% of the "
        "ends' {ends:.2f}: slerp goes round the sphere where randn seeds live, not through "
        "its inside as a straight line does.",
        "slerp_path(a, b, 9)를 따라간 노름이 {norms}입니다. 모두 양 끝의 {ends:.2f}에서 10% "
        "안이어야 합니다: slerp는 randn 시드들이 사는 구면을 돌아가고, 직선처럼 구의 안쪽을 "
        "가로지르지 않습니다.",
        norms=norms,
        ends=ends,
    )


@pytest.mark.parametrize("steps", [1, 0])
def test_slerp_path_needs_at_least_two_steps(kata, steps):
    expect_error(
        ValueError,
        kata.slerp_path,
        seed(1),
        seed(2),
        steps,
        why=msg(
            "slerp_path(a, b, {steps}) must raise ValueError: a path needs steps >= 2, its "
            "two ends.",
            "slerp_path(a, b, {steps})는 ValueError를 발생시켜야 합니다: 경로에는 양 끝, 곧 "
            "steps >= 2가 필요합니다.",
            steps=steps,
        ),
    )


def test_slerp_path_rejects_seeds_of_different_shapes(kata):
    rejects_different_shapes(kata, "slerp_path", 5)


# ## Task 9.5: seed_sum, seed_difference and seed_product


def arithmetic_mistake(name: str) -> str:
    """The likely mistake of each seed operation, for its messages."""
    return {
        "seed_sum": msg(
            "The sum is a + b, element by element, as a new tensor.",
            "합은 원소별 a + b이고, 새 텐서로 돌려줍니다.",
        ),
        "seed_difference": msg(
            "The difference is a - b (seed1 - seed2), not b - a.",
            "차는 b - a가 아니라 a - b(seed1 - seed2)입니다.",
        ),
        "seed_product": msg(
            "The product is element-wise, a * b, not a @ b.",
            "곱은 a @ b가 아니라 원소별(element-wise) 곱 a * b입니다.",
        ),
    }[name]


@pytest.mark.parametrize(
    "name, expected",
    [
        ("seed_sum", lambda a, b: a + b),
        ("seed_difference", lambda a, b: a - b),
        ("seed_product", lambda a, b: a * b),
    ],
    ids=["sum", "difference", "product"],
)
def test_seed_arithmetic_values(kata, name, expected):
    a = torch.tensor([1.0, -2.0, 0.5, 3.0])
    b = torch.tensor([2.0, 4.0, -1.0, 0.5])
    want = expected(a, b)
    mistake = arithmetic_mistake(name)
    seen = call(
        getattr(kata, name),
        a,
        b,
        why=msg(
            "{name}({a}, {b}) failed; expected {want}.",
            "{name}({a}, {b})가 실패했습니다. {want}이 나와야 합니다.",
            name=name,
            a=a.tolist(),
            b=b.tolist(),
            want=want.tolist(),
        ),
    )
    assert isinstance(seen, torch.Tensor) and seen.shape == a.shape, msg(
        "{name}(a, b) for seeds of shape {shape} returned {kind} of shape {seen_shape}; "
        "expected a new seed of the same shape, computed element-wise. {mistake}",
        "모양이 {shape}인 시드에 대한 {name}(a, b)의 결과가 모양 {seen_shape}인 {kind}입니다. "
        "원소별로 계산한, 모양이 같은 새 시드여야 합니다. {mistake}",
        name=name,
        shape=tuple(a.shape),
        kind=type(seen).__name__,
        seen_shape=tuple(getattr(seen, "shape", ())),
        mistake=mistake,
    )
    assert torch.allclose(seen, want), msg(
        "{name}(a={a}, b={b}) returned {seen}; expected {want}. {mistake}",
        "{name}(a={a}, b={b})의 결과가 {seen}입니다. {want}이어야 합니다. {mistake}",
        name=name,
        a=a.tolist(),
        b=b.tolist(),
        seen=seen.tolist(),
        want=want.tolist(),
        mistake=mistake,
    )


@pytest.mark.parametrize("name", ["seed_sum", "seed_difference", "seed_product"])
def test_seed_arithmetic_leaves_the_two_seeds_unchanged(kata, name):
    a, b = seed(1), seed(2)
    a_before, b_before = a.clone(), b.clone()
    getattr(kata, name)(a, b)
    assert torch.equal(a, a_before) and torch.equal(b, b_before), msg(
        "{name}(a, b) changed its inputs in place (a += b, a.mul_(b), ...); expected a new "
        "tensor and seed1, seed2 untouched: the book goes on using them.",
        "{name}(a, b)가 입력을 제자리(in place)에서 바꿨습니다(a += b, a.mul_(b), ...). 새 텐서를 "
        "만들고 seed1, seed2는 그대로 두어야 합니다: 책은 그 시드들을 계속 씁니다.",
        name=name,
    )


@pytest.mark.parametrize("name", ["seed_sum", "seed_difference", "seed_product"])
def test_seed_arithmetic_rejects_seeds_of_different_shapes(kata, name):
    rejects_different_shapes(kata, name)


# ## Task 9.6: latent_walk


class Spy(nn.Module):
    """Passes its input on, noting G's mode and whether autograd was recording."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[tuple[bool, bool]] = []

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        self.seen.append((self.training, torch.is_grad_enabled()))
        return x


def generator(*middle: nn.Module) -> nn.Sequential:
    """A tiny untrained G from a fixed seed: [N, 100] seeds to [N, 784] pixels."""
    torch.manual_seed(5)
    if not middle:
        return nn.Sequential(nn.Linear(D, 784), nn.Sigmoid())
    return nn.Sequential(nn.Linear(D, 32), *middle, nn.Linear(32, 784), nn.Sigmoid())


def walk(kata, G: nn.Module, steps: int = 5, method: str = "lerp") -> torch.Tensor:
    return call(
        kata.latent_walk,
        G,
        seed(1),
        seed(2),
        steps,
        method=method,
        why=msg(
            "latent_walk(G, a, b, {steps}, method={method!r}) failed; expected {steps} "
            "pictures of 28 x 28.",
            "latent_walk(G, a, b, {steps}, method={method!r})가 실패했습니다. 28 x 28 그림 "
            "{steps}장이 나와야 합니다.",
            steps=steps,
            method=method,
        ),
    )


@pytest.mark.parametrize("method", ["lerp", "slerp"])
@pytest.mark.parametrize("layout", ["[N, 784]", "[N, 1, 28, 28]"])
def test_latent_walk_gives_one_28_by_28_image_per_step(kata, method, layout):
    G = generator()
    if layout == "[N, 1, 28, 28]":
        G.append(nn.Unflatten(1, (1, 28, 28)))
    images = walk(kata, G, 7, method)
    assert isinstance(images, torch.Tensor) and images.shape == (7, 28, 28), msg(
        "latent_walk(G, a, b, 7, {method!r}) with a G that returns {layout} gave shape "
        "{shape}; expected (7, 28, 28): one picture per seed. Reshape each row's 784 values "
        "to 28 x 28, whatever shape G returns.",
        "{layout}을 반환하는 생성기로 latent_walk(G, a, b, 7, {method!r})를 실행한 결과 모양이 "
        "{shape}입니다. (7, 28, 28)이어야 합니다: 시드마다 그림 한 장입니다. 생성기가 어떤 "
        "모양을 반환하든 행마다 784개의 값을 28 x 28로 바꾸세요.",
        method=method,
        layout=layout,
        shape=tuple(getattr(images, "shape", ())),
    )


@pytest.mark.parametrize("method", ["lerp", "slerp"])
def test_latent_walk_starts_on_g_of_a_and_ends_on_g_of_b(kata, method):
    G = generator()
    images = walk(kata, G, 5, method)
    with torch.no_grad():
        first, last = G(seed(1).unsqueeze(0)).view(28, 28), G(seed(2).unsqueeze(0)).view(28, 28)
    assert torch.allclose(images[0], first, atol=1e-5) and torch.allclose(
        images[-1], last, atol=1e-5
    ), msg(
        "latent_walk(G, a, b, 5, {method!r}) does not begin with G(a) and end with G(b) "
        "(the book's seed1 and seed2 pictures). Feed G the whole path of seeds, from "
        "interpolate or slerp_path, and keep the rows in order.",
        "latent_walk(G, a, b, 5, {method!r})가 G(a)로 시작해 G(b)로 끝나지 않습니다(책의 seed1, "
        "seed2 그림). interpolate나 slerp_path로 만든 시드 경로 전체를 순서대로 생성기에 "
        "넣으세요.",
        method=method,
    )


@pytest.mark.parametrize("method", ["lerp", "slerp"])
def test_latent_walk_follows_the_path_its_method_names(kata, method):
    G = generator()
    a, b = seed(1), seed(2)
    middle = (a + b) / 2 if method == "lerp" else reference_slerp(a, b, 0.5).float()
    with torch.no_grad():
        expected = G(middle.unsqueeze(0)).view(28, 28)
    images = walk(kata, G, 3, method)
    assert torch.allclose(images[1], expected, atol=1e-5), msg(
        "The middle image of latent_walk(G, a, b, 3, {method!r}) is not G of the {method} "
        "midpoint of a and b. method='lerp' walks interpolate(a, b, steps) and "
        "method='slerp' walks slerp_path(a, b, steps): did you swap them, or ignore method?",
        "latent_walk(G, a, b, 3, {method!r})의 가운데 그림이 a와 b의 {method} 중점을 넣은 생성기 "
        "출력이 아닙니다. method='lerp'는 interpolate(a, b, steps)를, method='slerp'는 "
        "slerp_path(a, b, steps)를 따라 걷습니다. 둘을 바꿨거나 method를 무시하지 않았나요?",
        method=method,
    )


def test_latent_walk_rejects_an_unknown_method(kata):
    error = expect_error(
        ValueError,
        kata.latent_walk,
        generator(),
        seed(1),
        seed(2),
        5,
        method="linear",
        why=msg(
            "latent_walk(..., method='linear') must raise ValueError: the methods are 'lerp' "
            "and 'slerp', and a typo should not quietly walk one of them.",
            "latent_walk(..., method='linear')는 ValueError를 발생시켜야 합니다: method는 "
            "'lerp'와 'slerp'뿐이고, 오타가 아무 말 없이 둘 중 하나로 걸어서는 안 됩니다.",
        ),
    )
    assert "lerp" in str(error) and "slerp" in str(error), msg(
        "The ValueError said {error!r}; expected a message that names both methods, 'lerp' "
        "and 'slerp', so the caller can fix the typo.",
        "ValueError 메시지가 {error!r}입니다. 호출한 사람이 오타를 고칠 수 있도록 두 method "
        "'lerp'와 'slerp'를 모두 담아야 합니다.",
        error=str(error),
    )


def test_latent_walk_records_no_gradients(kata):
    spy = Spy()
    G = generator(spy, nn.ReLU())
    images = walk(kata, G)
    assert not images.requires_grad, msg(
        "latent_walk's images have requires_grad=True: autograd recorded the whole walk. "
        "Pictures need no gradients: run G under torch.no_grad() (or torch.inference_mode()).",
        "latent_walk의 이미지가 requires_grad=True입니다: autograd가 걷기 전체를 기록했습니다. "
        "그림에는 기울기가 필요 없습니다: 생성기를 torch.no_grad()(또는 "
        "torch.inference_mode()) 안에서 실행하세요.",
    )
    assert spy.seen and not any(recording for _, recording in spy.seen), msg(
        "G ran with autograd recording during latent_walk (torch.is_grad_enabled() was True "
        "inside G). .detach() afterwards drops the record but still builds it, and keeps "
        "every activation alive meanwhile: run G inside `with torch.no_grad():`.",
        "latent_walk 동안 생성기가 autograd 기록을 켠 채 실행됐습니다(생성기 안에서 "
        "torch.is_grad_enabled()가 True였습니다). 나중에 .detach()를 하면 기록은 버려지지만 "
        "만들어지기는 하고, 그동안 모든 활성값이 메모리에 남습니다: 생성기를 "
        "`with torch.no_grad():` 안에서 실행하세요.",
    )
    grads = [name for name, p in G.named_parameters() if p.grad is not None]
    assert not grads, msg(
        "latent_walk gave G's parameters {grads} a .grad; expected every .grad to stay None: "
        "a walk only looks at G, it must not train it. Do not call .backward() in the walk.",
        "latent_walk가 생성기의 파라미터 {grads}에 .grad를 남겼습니다. 모든 .grad가 None으로 "
        "남아 있어야 합니다: 걷기는 생성기를 들여다볼 뿐 훈련해서는 안 됩니다. 걷기 안에서 "
        ".backward()를 호출하지 마세요.",
        grads=grads,
    )


def test_latent_walk_runs_g_in_eval_mode(kata):
    spy = Spy()
    G = generator(spy, nn.ReLU(), nn.Dropout(0.5))
    G.train()
    images = walk(kata, G)
    assert spy.seen and not any(training for training, _ in spy.seen), msg(
        "G was in training mode while latent_walk ran it: call G.eval() before the walk, "
        "so that Dropout keeps every unit and BatchNorm uses its running statistics.",
        "latent_walk가 생성기를 실행하는 동안 생성기가 훈련 모드였습니다: 걷기 전에 G.eval()을 "
        "호출해서 Dropout이 모든 유닛을 살리고 BatchNorm이 누적 통계(running statistics)를 "
        "쓰게 하세요.",
    )
    G.eval()
    with torch.no_grad():
        expected = G(torch.stack([seed(1), seed(2)])).view(2, 28, 28)
    assert torch.allclose(images[0], expected[0], atol=1e-5), msg(
        "latent_walk's first image differs from G(a) with G in eval mode: Dropout was "
        "active during the walk. Call G.eval() before running it.",
        "latent_walk의 첫 그림이 eval 모드 생성기의 G(a)와 다릅니다: 걷기 동안 Dropout이 "
        "켜져 있었습니다. 생성기를 실행하기 전에 G.eval()을 호출하세요.",
    )


def test_latent_walk_leaves_batchnorm_statistics_alone(kata):
    G = generator(nn.BatchNorm1d(32), nn.ReLU())
    G.train()
    batchnorm = G[1]
    before = batchnorm.running_mean.clone(), batchnorm.running_var.clone()
    walk(kata, G)
    assert torch.equal(batchnorm.running_mean, before[0]) and torch.equal(
        batchnorm.running_var, before[1]
    ), msg(
        "latent_walk changed the running mean and variance of G's BatchNorm1d: G ran in "
        "training mode, so it learned statistics from the walk's seeds. Call G.eval() first.",
        "latent_walk가 생성기 BatchNorm1d의 누적 평균과 분산을 바꿨습니다: 생성기가 훈련 "
        "모드로 실행되어 걷기의 시드에서 통계를 배웠습니다. 먼저 G.eval()을 호출하세요.",
    )


@pytest.mark.parametrize("mode", ["train", "eval"])
def test_latent_walk_leaves_g_in_the_mode_it_was_in(kata, mode):
    G = generator(nn.BatchNorm1d(32), nn.ReLU(), nn.Dropout(0.5))
    G.train(mode == "train")
    walk(kata, G)
    modes = {name or "G": m.training for name, m in G.named_modules()}
    wrong = [name for name, training in modes.items() if training != (mode == "train")]
    assert not wrong, msg(
        "G was in {mode} mode before latent_walk and these modules are not after it: "
        "{wrong}. Put G back in the mode it was in: remember was_training = G.training "
        "before G.eval(), and call G.train(was_training) afterwards (a try/finally makes "
        "sure even when G raises). Calling G.train() or G.eval() unconditionally is wrong "
        "for one of the two cases.",
        "latent_walk 전에 생성기는 {mode} 모드였는데, 끝난 뒤 이 모듈들은 그렇지 않습니다: "
        "{wrong}. 생성기를 원래 모드로 되돌리세요: G.eval() 전에 was_training = G.training을 "
        "기억해 두고, 끝나면 G.train(was_training)을 호출하세요(try/finally를 쓰면 생성기가 "
        "오류를 일으켜도 되돌려집니다). 조건 없이 G.train()이나 G.eval()을 호출하면 두 경우 중 "
        "하나에서 틀립니다.",
        mode=mode,
        wrong=wrong,
    )


def test_latent_walk_rejects_seeds_of_different_shapes(kata):
    error = expect_error(
        ValueError,
        kata.latent_walk,
        generator(),
        seed(1),
        seed(2).unsqueeze(0),
        5,
        why=msg(
            "latent_walk(G, a of shape (100,), b of shape (1, 100), 5) must raise ValueError: "
            "the two seeds must have the same shape (interpolate and slerp_path already check: "
            "build the path before running G).",
            "latent_walk(G, 모양 (100,)인 a, 모양 (1, 100)인 b, 5)는 ValueError를 발생시켜야 "
            "합니다: 두 시드는 모양이 같아야 합니다(interpolate와 slerp_path가 이미 확인하니, "
            "생성기를 실행하기 전에 경로부터 만드세요).",
        ),
    )
    message = str(error)
    assert names_both_shapes(message), msg(
        "latent_walk's ValueError said {message!r}; expected a message that gives both seeds' "
        "shapes, a's first, such as 'the two seeds must have the same shape, got (100,) and "
        "(1, 100)'. Let the error of interpolate or slerp_path pass through, or raise your "
        "own with tuple(a.shape) and tuple(b.shape).",
        "latent_walk의 ValueError 메시지가 {message!r}입니다. 두 시드의 모양을 a부터 담은 "
        "메시지가 필요합니다. 예를 들어 'the two seeds must have the same shape, got (100,) "
        "and (1, 100)'처럼요. interpolate나 slerp_path의 오류를 그대로 올려 보내거나, "
        "tuple(a.shape)와 tuple(b.shape)로 직접 ValueError를 발생시키세요.",
        message=message,
    )
