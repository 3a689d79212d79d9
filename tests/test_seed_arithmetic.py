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
    return f"{differ} of {expected.numel()} elements differ, by up to {worst:.3g}"


def rejects_different_shapes(kata, name: str, *rest) -> None:
    """``kata.<name>(a, b, *rest)`` with seeds of shapes [100] and [1, 100] must refuse them."""
    a, b = seed(1), seed(2).unsqueeze(0)
    error = expect_error(
        ValueError,
        getattr(kata, name),
        a,
        b,
        *rest,
        why=f"{name}(a of shape (100,), b of shape (1, 100), ...) must raise ValueError: the "
        "two seeds must have the same shape. Broadcasting would quietly make a [1, 100] or "
        "[100, 100] tensor out of them. Compare a.shape with b.shape first.",
    )
    message = str(error)
    assert "100" in message and "1, 100" in message, (
        f"{name}'s ValueError said {message!r}; it should give both shapes, (100,) and "
        "(1, 100), so that the caller sees which seed is wrong."
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
    seen = call(kata.lerp, a, b, 0.25, why="lerp(tensor([0., 2.]), tensor([4., 6.]), 0.25) failed.")
    assert isinstance(seen, torch.Tensor) and torch.allclose(seen, torch.tensor([1.0, 3.0])), (
        f"lerp([0, 2], [4, 6], 0.25) returned {seen!r}; expected tensor([1., 3.]): a quarter "
        "of the way from a to b is (1 - t) * a + t * b = 0.75 * a + 0.25 * b."
    )


def test_lerp_ends_exactly_on_the_two_seeds(kata):
    a, b = seed(1), seed(2)
    start = kata.lerp(a, b, 0.0)
    assert torch.equal(start, a), (
        f"lerp(a, b, 0.0) is not exactly a ({mismatch(start, a)}); at t = 0 the walk must "
        "start on seed1 itself."
    )
    end = kata.lerp(a, b, 1.0)
    assert torch.equal(end, b), (
        f"lerp(a, b, 1.0) is not exactly b ({mismatch(end, b)}). a + t * (b - a) rounds "
        "twice: at t = 1 it computes a + (b - a), which in floating point misses b in the last "
        "bit (0.2 + (0.9 - 0.2) is 0.8999999999999999). Write (1 - t) * a + t * b, which is "
        "exact at both ends: 0 * a + 1 * b is b."
    )


@given(pair=seed_pairs(), t=fraction)
def test_lerp_is_a_straight_line_in_t(kata, pair, t):
    a, b = pair
    seen = kata.lerp(a, b, t)
    expected = a + t * (b - a)
    assert seen.shape == a.shape and torch.allclose(seen, expected, rtol=1e-5, atol=1e-5), (
        f"lerp(a={a.tolist()}, b={b.tolist()}, t={t}) returned {seen.tolist()}; expected "
        f"{expected.tolist()}, the point a fraction t of the way along the straight line "
        "from a to b: (1 - t) * a + t * b."
    )
    middle = kata.lerp(a, b, 0.5)
    assert torch.allclose(middle, (a + b) / 2, rtol=1e-5, atol=1e-5), (
        f"lerp(a={a.tolist()}, b={b.tolist()}, 0.5) returned {middle.tolist()}; expected the "
        f"midpoint (a + b) / 2 = {((a + b) / 2).tolist()}."
    )


def test_lerp_rejects_seeds_of_different_shapes(kata):
    rejects_different_shapes(kata, "lerp", 0.5)


# ## Task 9.2: interpolate


@pytest.mark.parametrize("steps", [2, 5, 11])
def test_interpolate_gives_one_row_per_step(kata, steps):
    path = call(
        kata.interpolate, seed(1), seed(2), steps, why=f"interpolate(a, b, {steps}) failed."
    )
    assert isinstance(path, torch.Tensor) and path.shape == (steps, D), (
        f"interpolate(a, b, {steps}) for seeds of shape ({D},) returned shape "
        f"{tuple(getattr(path, 'shape', ()))}; expected ({steps}, {D}): one seed per row, "
        "both ends included. Counting the gaps (steps - 1) or the inner points (steps - 2) "
        "gives the wrong number of rows."
    )


@pytest.mark.parametrize("steps", [2, 7])
def test_interpolate_starts_on_a_and_ends_on_b_exactly(kata, steps):
    a, b = seed(1), seed(2)
    path = kata.interpolate(a, b, steps)
    assert torch.equal(path[0], a), (
        f"interpolate(a, b, {steps})[0] is not exactly a ({mismatch(path[0], a)}); the first "
        "row is t = 0."
    )
    assert torch.equal(path[-1], b), (
        f"The last row of interpolate(a, b, {steps}) is not exactly b "
        f"({mismatch(path[-1], b)}). Row i is at t = i / (steps - 1), so the last row is at "
        "t = 1: with i / steps (or linspace over steps + 1 points) the walk stops short of b, "
        "and with a + t * (b - a) it lands next to b."
    )


@pytest.mark.parametrize("steps", [3, 6])
def test_interpolate_rows_are_evenly_spaced_on_the_line(kata, steps):
    a, b = seed(1), seed(2)
    path = kata.interpolate(a, b, steps)
    for i in range(steps):
        t = i / (steps - 1)
        expected = (1 - t) * a + t * b
        assert torch.allclose(path[i], expected, atol=1e-5), (
            f"Row {i} of interpolate(a, b, {steps}) is not lerp(a, b, {i}/{steps - 1}) "
            f"({mismatch(path[i], expected)}). The rows sit at t = 0, 1/(steps - 1), "
            "2/(steps - 1), ..., 1: evenly spaced, both ends included."
        )


@pytest.mark.parametrize("steps", [1, 0])
def test_interpolate_needs_at_least_two_steps(kata, steps):
    expect_error(
        ValueError,
        kata.interpolate,
        seed(1),
        seed(2),
        steps,
        why=f"interpolate(a, b, {steps}) must raise ValueError: a path from a to b needs "
        "steps >= 2, its two ends (and i / (steps - 1) divides by zero at steps = 1).",
    )


def test_interpolate_rejects_seeds_of_different_shapes(kata):
    rejects_different_shapes(kata, "interpolate", 5)


# ## Task 9.3: slerp


def test_slerp_of_a_small_example(kata):
    # 45 degrees apart, different lengths: the weights are sin(pi/8) / sin(pi/4) each.
    a, b = torch.tensor([2.0, 0.0]), torch.tensor([3.0, 3.0])
    weight = math.sin(math.pi / 8) / math.sin(math.pi / 4)
    expected = weight * (a + b)
    seen = call(kata.slerp, a, b, 0.5, why="slerp(tensor([2., 0.]), tensor([3., 3.]), 0.5) failed.")
    assert isinstance(seen, torch.Tensor) and torch.allclose(seen, expected, atol=1e-5), (
        f"slerp([2, 0], [3, 3], 0.5) returned {seen!r}; expected {expected.tolist()}: the "
        "seeds are Ω = 45° apart, so both weights are sin(Ω/2) / sin Ω = 0.5412. The angle Ω "
        "comes from cos Ω = a·b / (|a| |b|): divide the dot product (here 6) by both norms, "
        "and multiply the weights by the seeds themselves, not by unit vectors."
    )


def test_slerp_ends_exactly_on_the_two_seeds(kata):
    for a, b in [(seed(1), seed(2)), (torch.tensor([3.0, 0.0]), torch.tensor([0.0, 0.5]))]:
        start, end = kata.slerp(a, b, 0.0), kata.slerp(a, b, 1.0)
        assert torch.equal(start, a) and torch.equal(end, b), (
            f"slerp(a, b, 0.0) or slerp(a, b, 1.0) is not exactly a or b (start: "
            f"{mismatch(start, a)}; end: {mismatch(end, b)}). Compute each weight first, "
            "sin((1 - t) Ω) / sin Ω (exactly 1 at t = 0) and sin(t Ω) / sin Ω, then multiply "
            "it by its seed: (sin Ω * a) / sin Ω is not exactly a."
        )


@given(pair=seed_pairs(max_size=6), t=fraction)
def test_slerp_keeps_unit_seeds_on_the_unit_sphere(kata, pair, t):
    a, b = pair
    assume(a.shape[0] >= 2 and a.norm() > 0.1 and b.norm() > 0.1)
    a, b = a / a.norm(), b / b.norm()
    assume(abs(float(a @ b)) < 0.99)  # far from parallel, where slerp may fall back to lerp
    seen = kata.slerp(a, b, t)
    norm = float(seen.norm())
    assert math.isclose(norm, 1.0, abs_tol=1e-4), (
        f"slerp of the unit vectors a={a.tolist()} and b={b.tolist()} at t={t} has norm "
        f"{norm:.6f}; expected 1: slerp walks along the great circle through a and b. Use "
        "sin((1 - t) Ω) / sin Ω * a + sin(t Ω) / sin Ω * b with cos Ω = a·b / (|a| |b|)."
    )


def test_slerp_keeps_a_gaussian_seed_s_norm_where_lerp_shrinks_it(kata):
    a, b = seed(1), seed(2)
    ends = (float(a.norm()) + float(b.norm())) / 2
    straight = float(kata.lerp(a, b, 0.5).norm())
    assert straight < 0.8 * ends, (
        f"lerp's midpoint of two randn(100) seeds has norm {straight:.2f}, against {ends:.2f} "
        "at the ends; expected about 1/sqrt(2) of it: the seeds are nearly orthogonal, so "
        "(a + b) / 2 is shorter. Check lerp first."
    )
    curved = float(kata.slerp(a, b, 0.5).norm())
    assert abs(curved - ends) < 0.1 * ends, (
        f"slerp's midpoint of two randn(100) seeds has norm {curved:.2f}; expected within 10% "
        f"of the ends' {ends:.2f} (lerp's midpoint has {straight:.2f}). The seeds are about "
        "96° apart (cos Ω = -0.097). The angle must come from the directions alone: "
        "cos Ω = a·b / (|a| |b|). acos of the raw dot product a·b (here -9.6), without "
        "dividing by the norms, is not an angle."
    )


def parallel_pairs() -> list[tuple[str, torch.Tensor, torch.Tensor]]:
    a = seed(1)
    return [
        ("[1,0,0] and [2,0,0]", torch.tensor([1.0, 0.0, 0.0]), torch.tensor([2.0, 0.0, 0.0])),
        ("a seed and itself", a, a.clone()),
        ("a seed and 3 times it", a, 3 * a),
    ]


@pytest.mark.parametrize("name, a, b", parallel_pairs(), ids=[p[0] for p in parallel_pairs()])
def test_slerp_of_parallel_seeds_is_lerp_not_nan(kata, name, a, b):
    for t in (0.0, 0.25, 0.5, 1.0):
        seen = call(kata.slerp, a, b, t, why=f"slerp({name}, t={t}) failed.")
        expected = (1 - t) * a + t * b
        assert torch.isfinite(seen).all() and torch.allclose(seen, expected, atol=1e-4), (
            f"slerp of {name} at t={t} returned {seen[:4].tolist()}... ; expected lerp's "
            f"{expected[:4].tolist()}... . Parallel seeds are 0 degrees apart: sin Ω = 0 and "
            "the weights are 0 / 0 = NaN. When |cos Ω| is near 1 (PARALLEL_THRESHOLD), fall "
            "back to lerp, which is also what slerp tends to as Ω -> 0."
        )


@pytest.mark.parametrize(
    "name, a, b",
    [
        ("[1,0,0] and [-1,0,0]", torch.tensor([1.0, 0.0, 0.0]), torch.tensor([-1.0, 0.0, 0.0])),
        ("a seed and minus it", seed(1), -seed(1)),
    ],
    ids=["axis", "seed"],
)
def test_slerp_of_opposite_seeds_stays_finite(kata, name, a, b):
    for t in (0.0, 0.25, 0.5, 1.0):
        seen = call(kata.slerp, a, b, t, why=f"slerp({name}, t={t}) failed.")
        assert torch.isfinite(seen).all(), (
            f"slerp of {name} at t={t} contains nan or inf: {seen[:4].tolist()}... . Opposite "
            "seeds are 180 degrees apart, sin Ω = 0 again; treat |cos Ω| near 1 like the "
            "parallel case (fall back to lerp)."
        )
    assert torch.equal(kata.slerp(a, b, 0.0), a) and torch.equal(kata.slerp(a, b, 1.0), b), (
        f"slerp of {name} does not start exactly on a and end exactly on b."
    )


def test_slerp_rejects_seeds_of_different_shapes(kata):
    rejects_different_shapes(kata, "slerp", 0.5)


# ## Task 9.4: slerp_path


@pytest.mark.parametrize("steps", [2, 9])
def test_slerp_path_gives_one_row_per_step_ending_exactly_on_a_and_b(kata, steps):
    a, b = seed(1), seed(2)
    path = call(kata.slerp_path, a, b, steps, why=f"slerp_path(a, b, {steps}) failed.")
    assert isinstance(path, torch.Tensor) and path.shape == (steps, D), (
        f"slerp_path(a, b, {steps}) returned shape {tuple(getattr(path, 'shape', ()))}; "
        f"expected ({steps}, {D}): one seed per row, both ends included."
    )
    assert torch.equal(path[0], a) and torch.equal(path[-1], b), (
        f"slerp_path(a, b, {steps}) does not start exactly on a and end exactly on b (first "
        f"row: {mismatch(path[0], a)}; last row: {mismatch(path[-1], b)}). Row i is "
        "slerp(a, b, i / (steps - 1)): the last row is at t = 1."
    )


def test_slerp_path_rows_are_slerp_at_evenly_spaced_t(kata):
    a, b, steps = seed(1), seed(2), 6
    path = kata.slerp_path(a, b, steps)
    for i in range(steps):
        expected = reference_slerp(a, b, i / (steps - 1)).float()
        assert torch.allclose(path[i], expected, atol=1e-4), (
            f"Row {i} of slerp_path(a, b, {steps}) is not slerp(a, b, {i}/{steps - 1}) "
            f"({mismatch(path[i], expected)}). The rows sit at t = i / (steps - 1) along the "
            "great circle; did you walk the straight line (interpolate) instead?"
        )


def test_every_seed_on_a_slerp_path_keeps_the_norm(kata):
    a, b = seed(1), seed(2)
    ends = (float(a.norm()) + float(b.norm())) / 2
    norms = [round(float(n), 2) for n in kata.slerp_path(a, b, 9).norm(dim=1)]
    assert all(abs(n - ends) < 0.1 * ends for n in norms), (
        f"The norms along slerp_path(a, b, 9) are {norms}; expected each within 10% of the "
        f"ends' {ends:.2f}: slerp goes round the sphere where randn seeds live, not through "
        "its inside as a straight line does."
    )


@pytest.mark.parametrize("steps", [1, 0])
def test_slerp_path_needs_at_least_two_steps(kata, steps):
    expect_error(
        ValueError,
        kata.slerp_path,
        seed(1),
        seed(2),
        steps,
        why=f"slerp_path(a, b, {steps}) must raise ValueError: a path needs steps >= 2.",
    )


def test_slerp_path_rejects_seeds_of_different_shapes(kata):
    rejects_different_shapes(kata, "slerp_path", 5)


# ## Task 9.5: seed_sum, seed_difference and seed_product


@pytest.mark.parametrize(
    "name, expected, mistake",
    [
        ("seed_sum", lambda a, b: a + b, ""),
        (
            "seed_difference",
            lambda a, b: a - b,
            "The difference is a - b (seed1 - seed2), not b - a.",
        ),
        ("seed_product", lambda a, b: a * b, "The product is element-wise, a * b, not a @ b."),
    ],
    ids=["sum", "difference", "product"],
)
def test_seed_arithmetic_values(kata, name, expected, mistake):
    a = torch.tensor([1.0, -2.0, 0.5, 3.0])
    b = torch.tensor([2.0, 4.0, -1.0, 0.5])
    want = expected(a, b)
    seen = call(getattr(kata, name), a, b, why=f"{name}({a.tolist()}, {b.tolist()}) failed.")
    assert isinstance(seen, torch.Tensor) and seen.shape == a.shape, (
        f"{name}(a, b) for seeds of shape {tuple(a.shape)} returned "
        f"{type(seen).__name__} of shape {tuple(getattr(seen, 'shape', ()))}; expected a new "
        f"seed of the same shape, computed element-wise. {mistake}"
    )
    assert torch.allclose(seen, want), (
        f"{name}(a={a.tolist()}, b={b.tolist()}) returned {seen.tolist()}; expected "
        f"{want.tolist()}. {mistake}"
    )


@pytest.mark.parametrize("name", ["seed_sum", "seed_difference", "seed_product"])
def test_seed_arithmetic_leaves_the_two_seeds_unchanged(kata, name):
    a, b = seed(1), seed(2)
    a_before, b_before = a.clone(), b.clone()
    getattr(kata, name)(a, b)
    assert torch.equal(a, a_before) and torch.equal(b, b_before), (
        f"{name}(a, b) changed its inputs in place (a += b, a.mul_(b), ...); expected a new "
        "tensor and seed1, seed2 untouched: the book goes on using them."
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
        why=f"latent_walk(G, a, b, {steps}, method={method!r}) failed.",
    )


@pytest.mark.parametrize("method", ["lerp", "slerp"])
@pytest.mark.parametrize("layout", ["[N, 784]", "[N, 1, 28, 28]"])
def test_latent_walk_gives_one_28_by_28_image_per_step(kata, method, layout):
    G = generator()
    if layout == "[N, 1, 28, 28]":
        G.append(nn.Unflatten(1, (1, 28, 28)))
    images = walk(kata, G, 7, method)
    assert isinstance(images, torch.Tensor) and images.shape == (7, 28, 28), (
        f"latent_walk(G, a, b, 7, {method!r}) with a G that returns {layout} gave shape "
        f"{tuple(getattr(images, 'shape', ()))}; expected (7, 28, 28): one picture per "
        "seed. Reshape each row's 784 values to 28 x 28, whatever shape G returns."
    )


@pytest.mark.parametrize("method", ["lerp", "slerp"])
def test_latent_walk_starts_on_g_of_a_and_ends_on_g_of_b(kata, method):
    G = generator()
    images = walk(kata, G, 5, method)
    with torch.no_grad():
        first, last = G(seed(1).unsqueeze(0)).view(28, 28), G(seed(2).unsqueeze(0)).view(28, 28)
    assert torch.allclose(images[0], first, atol=1e-5) and torch.allclose(
        images[-1], last, atol=1e-5
    ), (
        f"latent_walk(G, a, b, 5, {method!r}) does not begin with G(a) and end with G(b) "
        "(the book's seed1 and seed2 pictures). Feed G the whole path of seeds, from "
        "interpolate or slerp_path, and keep the rows in order."
    )


@pytest.mark.parametrize("method", ["lerp", "slerp"])
def test_latent_walk_follows_the_path_its_method_names(kata, method):
    G = generator()
    a, b = seed(1), seed(2)
    middle = (a + b) / 2 if method == "lerp" else reference_slerp(a, b, 0.5).float()
    with torch.no_grad():
        expected = G(middle.unsqueeze(0)).view(28, 28)
    images = walk(kata, G, 3, method)
    assert torch.allclose(images[1], expected, atol=1e-5), (
        f"The middle image of latent_walk(G, a, b, 3, {method!r}) is not G of the "
        f"{method} midpoint of a and b. method='lerp' walks interpolate(a, b, steps) and "
        "method='slerp' walks slerp_path(a, b, steps): did you swap them, or ignore method?"
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
        why="latent_walk(..., method='linear') must raise ValueError: the methods are 'lerp' "
        "and 'slerp', and a typo should not quietly walk one of them.",
    )
    assert "lerp" in str(error) and "slerp" in str(error), (
        f"The ValueError said {str(error)!r}; it should name both methods, 'lerp' and "
        "'slerp', so the caller can fix the typo."
    )


def test_latent_walk_records_no_gradients(kata):
    spy = Spy()
    G = generator(spy, nn.ReLU())
    images = walk(kata, G)
    assert not images.requires_grad, (
        "latent_walk's images have requires_grad=True: autograd recorded the whole walk. "
        "Pictures need no gradients: run G under torch.no_grad() (or torch.inference_mode())."
    )
    assert spy.seen and not any(recording for _, recording in spy.seen), (
        "G ran with autograd recording during latent_walk (torch.is_grad_enabled() was True "
        "inside G). .detach() afterwards drops the record but still builds it, and keeps "
        "every activation alive meanwhile: run G inside `with torch.no_grad():`."
    )
    grads = [name for name, p in G.named_parameters() if p.grad is not None]
    assert not grads, f"latent_walk gave G's parameters {grads} a .grad; it must not train G."


def test_latent_walk_runs_g_in_eval_mode(kata):
    spy = Spy()
    G = generator(spy, nn.ReLU(), nn.Dropout(0.5))
    G.train()
    images = walk(kata, G)
    assert spy.seen and not any(training for training, _ in spy.seen), (
        "G was in training mode while latent_walk ran it: call G.eval() before the walk, "
        "so that Dropout keeps every unit and BatchNorm uses its running statistics."
    )
    G.eval()
    with torch.no_grad():
        expected = G(torch.stack([seed(1), seed(2)])).view(2, 28, 28)
    assert torch.allclose(images[0], expected[0], atol=1e-5), (
        "latent_walk's first image differs from G(a) with G in eval mode: Dropout was "
        "active during the walk. Call G.eval() before running it."
    )


def test_latent_walk_leaves_batchnorm_statistics_alone(kata):
    G = generator(nn.BatchNorm1d(32), nn.ReLU())
    G.train()
    batchnorm = G[1]
    before = batchnorm.running_mean.clone(), batchnorm.running_var.clone()
    walk(kata, G)
    assert torch.equal(batchnorm.running_mean, before[0]) and torch.equal(
        batchnorm.running_var, before[1]
    ), (
        "latent_walk changed the running mean and variance of G's BatchNorm1d: G ran in "
        "training mode, so it learned statistics from the walk's seeds. Call G.eval() first."
    )


@pytest.mark.parametrize("mode", ["train", "eval"])
def test_latent_walk_leaves_g_in_the_mode_it_was_in(kata, mode):
    G = generator(nn.BatchNorm1d(32), nn.ReLU(), nn.Dropout(0.5))
    G.train(mode == "train")
    walk(kata, G)
    modes = {name or "G": m.training for name, m in G.named_modules()}
    wrong = [name for name, training in modes.items() if training != (mode == "train")]
    assert not wrong, (
        f"G was in {mode} mode before latent_walk and these modules are not after it: "
        f"{wrong}. Put G back in the mode it was in: remember was_training = G.training "
        "before G.eval(), and call G.train(was_training) afterwards (a try/finally makes "
        "sure even when G raises). Calling G.train() or G.eval() unconditionally is wrong "
        "for one of the two cases."
    )


def test_latent_walk_rejects_seeds_of_different_shapes(kata):
    error = expect_error(
        ValueError,
        kata.latent_walk,
        generator(),
        seed(1),
        seed(2).unsqueeze(0),
        5,
        why="latent_walk(G, a of shape (100,), b of shape (1, 100), 5) must raise ValueError: "
        "the two seeds must have the same shape (interpolate and slerp_path already check).",
    )
    assert "1, 100" in str(error), (
        f"latent_walk's ValueError said {str(error)!r}; it should give both seeds' shapes."
    )
