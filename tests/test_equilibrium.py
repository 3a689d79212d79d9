"""Kata 6 · The ln 2 / 0.25 equilibrium and the value function (katas/equilibrium.py)."""

from __future__ import annotations

import math

import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes
from torch import nn

from gankata.testkit.assertions import call, expect_error

LN2 = math.log(2)
LOG4 = math.log(4)

# Probabilities in [0, 1], exact 0 and 1 included (hypothesis tries the ends on purpose).
probability = st.floats(0.0, 1.0, width=32)
# D's answers strictly inside (0, 1), where every log is finite and unclamped.
inside = st.floats(0.01, 0.99)


@st.composite
def answers_and_targets(draw, targets=probability):
    """A pair (p, y) of float32 tensors of one arbitrary shape, 0-dim included."""
    shape = draw(array_shapes(min_dims=0, max_dims=3, min_side=1, max_side=4))
    size = math.prod(shape)
    p = draw(st.lists(probability, min_size=size, max_size=size))
    y = draw(st.lists(targets, min_size=size, max_size=size))
    return torch.tensor(p).reshape(shape), torch.tensor(y).reshape(shape)


def as_float(value, what: str) -> float:
    assert isinstance(value, torch.Tensor) and value.numel() == 1, (
        f"{what} returned {value!r}; expected a one-element (0-dim) tensor, the mean over "
        "every element, so that loss.backward() works as with nn.BCELoss()."
    )
    return float(value)


def bce_hint(seen: float, n: int) -> str:
    """Name the mistake that explains a wrong BCE of 0.5 answers to n targets."""
    if math.isclose(seen, -LN2, abs_tol=1e-4):
        return "That is -ln 2: the minus sign in front of the mean is missing (log p <= 0)."
    if n > 1 and math.isclose(seen, n * LN2, rel_tol=1e-4):
        return f"That is {n} x ln 2: you summed over the elements; take the mean."
    if math.isclose(seen, 50.0, rel_tol=1e-3):
        return (
            "That is 50 = 0.5 x 100: p and y are swapped, so the log is taken of a 0/1 "
            "target and hits PyTorch's clamp at -100. The log belongs to p, D's answer."
        )
    return "Check the formula: -mean(y * log(p) + (1 - y) * log(1 - p))."


# ## Task 6.1: bce


@pytest.mark.parametrize("targets", [[1.0], [0.0], [1.0, 0.0, 1.0, 1.0], [0.0, 0.0, 0.0]], ids=str)
def test_bce_of_an_undecided_discriminator_is_ln_2(kata, targets):
    y = torch.tensor(targets)
    p = torch.full_like(y, 0.5)
    seen = as_float(call(kata.bce, p, y, why=f"bce(0.5s, {targets}) failed."), "bce")
    assert math.isclose(seen, LN2, abs_tol=1e-5), (
        f"bce(p=0.5 everywhere, y={targets}) is {seen:.6f}; expected ln 2 = {LN2:.6f}: "
        f"-log(0.5) whether the target is 1 or 0. {bce_hint(seen, len(targets))}"
    )


def test_bce_takes_the_mean_over_every_element(kata):
    p = torch.full((3, 4), 0.5)
    y = torch.randint(0, 2, (3, 4), generator=torch.Generator().manual_seed(1)).float()
    seen = as_float(kata.bce(p, y), "bce")
    assert math.isclose(seen, LN2, abs_tol=1e-5), (
        f"bce of a (3, 4) batch of 0.5 answers is {seen:.6f}; expected ln 2 = {LN2:.6f}, the "
        "mean over all 12 elements (nn.BCELoss's default reduction='mean'). "
        f"{bce_hint(seen, 12)} A mean over only one dimension gives a vector or 4 x ln 2."
    )


@pytest.mark.parametrize(
    ("p", "y", "expected"),
    [([0.0], [1.0], 100.0), ([1.0], [0.0], 100.0), ([0.0, 1.0], [1.0, 1.0], 50.0)],
    ids=["p=0,y=1", "p=1,y=0", "half wrong"],
)
def test_bce_of_a_confident_wrong_answer_is_100_not_inf(kata, p, y, expected):
    seen = as_float(kata.bce(torch.tensor(p), torch.tensor(y)), "bce")
    assert math.isclose(seen, expected, rel_tol=1e-5), (
        f"bce(p={p}, y={y}) is {seen}; expected {expected}: nn.BCELoss clamps each log at "
        "-100, so a confident wrong answer costs 100 per element instead of inf. Clamp the "
        "log itself, torch.log(p).clamp(min=-100), not p (clamping p to 1e-7 gives 16.1)."
    )


@pytest.mark.parametrize(("p", "y"), [(0.0, 0.0), (1.0, 1.0)], ids=["p=0,y=0", "p=1,y=1"])
def test_bce_of_a_confident_right_answer_is_0_not_nan(kata, p, y):
    seen = as_float(kata.bce(torch.tensor([p, 0.5]), torch.tensor([y, 1.0])), "bce")
    assert math.isclose(seen, LN2 / 2, abs_tol=1e-5), (
        f"bce(p=[{p}, 0.5], y=[{y}, 1]) is {seen}; expected ln 2 / 2 = {LN2 / 2:.6f}: the "
        f"confident right answer costs 0. Without the clamp the unused term is 0 x log(0) = "
        "0 x -inf = nan. Clamp each log at -100 before multiplying, as nn.BCELoss does."
    )


@given(answers_and_targets())
def test_bce_equals_torch_bce_loss(kata, pair):
    p, y = pair
    seen = as_float(kata.bce(p, y), "bce")
    expected = float(nn.BCELoss()(p, y))
    assert math.isclose(seen, expected, rel_tol=1e-5, abs_tol=1e-5), (
        f"bce(p, y) is {seen} but nn.BCELoss()(p, y) is {expected} for p={p.tolist()}, "
        f"y={y.tolist()} (shape {tuple(p.shape)}; targets may be soft, e.g. 0.9). Use "
        "-(y * log p + (1 - y) * log(1 - p)), each log clamped at -100, averaged over every "
        "element."
    )


def test_bce_backpropagates_like_torch(kata):
    p = torch.tensor([[0.2, 0.7], [0.9, 0.05]], requires_grad=True)
    y = torch.tensor([[1.0, 0.0], [1.0, 0.0]])
    loss = call(kata.bce, p, y, why="bce(p, y) failed for p that requires grad.")
    call(
        loss.backward,
        why="bce(p, y).backward() failed: build the loss from torch operations on p (no "
        ".item(), no numpy), so that autograd can reach D.",
    )
    reference = p.detach().clone().requires_grad_()
    nn.BCELoss()(reference, y).backward()
    assert p.grad is not None and torch.allclose(p.grad, reference.grad, rtol=1e-4), (
        f"d bce / dp is {p.grad} but nn.BCELoss gives {reference.grad}; a wrong gradient "
        "means a wrong formula (sign, mean, or which of p and y the log is taken of)."
    )


# ## Task 6.2: mse


@pytest.mark.parametrize("targets", [[1.0], [0.0], [1.0, 0.0, 0.0, 1.0, 1.0]], ids=str)
def test_mse_of_an_undecided_discriminator_is_a_quarter(kata, targets):
    y = torch.tensor(targets)
    seen = as_float(kata.mse(torch.full_like(y, 0.5), y), "mse")
    hint = "Check the formula: mean((p - y) ** 2)."
    if math.isclose(seen, 0.5, abs_tol=1e-6):
        hint = "That is |0.5 - y| = 0.5: you forgot to square the error."
    elif len(targets) > 1 and math.isclose(seen, 0.25 * len(targets), rel_tol=1e-5):
        hint = f"That is {len(targets)} x 0.25: you summed the squared errors; take the mean."
    assert math.isclose(seen, 0.25, abs_tol=1e-6), (
        f"mse(p=0.5 everywhere, y={targets}) is {seen}; expected 0.25 = (0.5 - y)^2 whether "
        f"the target is 1 or 0. {hint}"
    )


@given(answers_and_targets())
def test_mse_equals_torch_mse_loss(kata, pair):
    p, y = pair
    seen = as_float(kata.mse(p, y), "mse")
    expected = float(nn.MSELoss()(p, y))
    assert math.isclose(seen, expected, rel_tol=1e-5, abs_tol=1e-6), (
        f"mse(p, y) is {seen} but nn.MSELoss()(p, y) is {expected} for p={p.tolist()}, "
        f"y={y.tolist()}: square each error (not abs) and take the mean over every element "
        "(not the sum)."
    )


# ## Task 6.3: equilibrium_loss


@pytest.mark.parametrize(
    ("kind", "expected", "why"),
    [("bce", LN2, "-log(0.5) = ln 2"), ("mse", 0.25, "(0.5 - y)^2 = 0.5^2 = 0.25")],
)
def test_equilibrium_loss_is_the_loss_of_answering_one_half(kata, kind, expected, why):
    seen = call(kata.equilibrium_loss, kind, why=f"equilibrium_loss({kind!r}) failed.")
    assert isinstance(seen, float), (
        f"equilibrium_loss({kind!r}) returned {type(seen).__name__}; expected a Python float "
        "(math.log, not torch.log on a tensor)."
    )
    hint = ""
    if kind == "mse" and math.isclose(seen, 0.5):
        hint = " 0.5 is the error, not the squared error: you forgot to square it."
    elif kind == "bce" and math.isclose(seen, -LN2):
        hint = " A loss is never negative: that is log(0.5), the sign is missing."
    assert math.isclose(seen, expected, abs_tol=1e-6), (
        f"equilibrium_loss({kind!r}) is {seen}; expected {expected:.6f}: a D that answers 0.5 "
        f"to everything, real (y=1) or fake (y=0), scores {why}.{hint}"
    )


@pytest.mark.parametrize("kind", ["ce", "l2", "", "bce_loss"], ids=repr)
def test_equilibrium_loss_rejects_unknown_kinds(kata, kind):
    error = expect_error(
        ValueError,
        kata.equilibrium_loss,
        kind,
        why=f"equilibrium_loss({kind!r}) must raise ValueError: only 'bce' and 'mse' are known.",
    )
    assert "bce" in str(error) and "mse" in str(error), (
        f"equilibrium_loss({kind!r}) raised ValueError({str(error)!r}); the message should "
        "list the known kinds, 'bce' and 'mse', so that the fix is obvious."
    )


# ## Task 6.4: optimal_discriminator


def test_optimal_discriminator_is_p_data_over_the_total(kata):
    p_data = torch.tensor([3.0, 1.0, 0.0, 0.2])
    p_g = torch.tensor([1.0, 1.0, 2.0, 0.0])
    seen = call(kata.optimal_discriminator, p_data, p_g, why="optimal_discriminator failed.")
    expected = torch.tensor([0.75, 0.5, 0.0, 1.0])
    assert isinstance(seen, torch.Tensor) and torch.allclose(seen, expected), (
        f"optimal_discriminator({p_data.tolist()}, {p_g.tolist()}) is {seen}; expected "
        f"{expected.tolist()}: D*(x) = p_data(x) / (p_data(x) + p_g(x)), how much of the mass "
        "at x is real. 1 where only real data lives, 0 where only fakes do."
    )


@given(st.lists(st.floats(0.01, 10.0), min_size=1, max_size=8))
def test_optimal_discriminator_is_one_half_where_g_matches_the_data(kata, density):
    p = torch.tensor(density)
    seen = kata.optimal_discriminator(p, p.clone())
    assert torch.allclose(seen, torch.full_like(p, 0.5)), (
        f"optimal_discriminator(p, p) is {seen} for p={density}; expected 0.5 everywhere: "
        "when G's distribution equals the data's, the best D cannot tell and answers 0.5. "
        "That is the equilibrium."
    )


def test_optimal_discriminator_is_one_half_where_both_densities_are_zero(kata):
    p_data = torch.tensor([0.0, 1.0])
    p_g = torch.tensor([0.0, 3.0])
    seen = call(
        kata.optimal_discriminator,
        p_data,
        p_g,
        why="optimal_discriminator where p_data = p_g = 0 failed: there is no evidence "
        "either way, so D* is 0.5 there.",
    )
    assert torch.allclose(seen, torch.tensor([0.5, 0.25])), (
        f"optimal_discriminator([0, 1], [0, 3]) is {seen}; expected [0.5, 0.25]. Where both "
        "densities are 0, 0 / 0 is nan: D has no evidence either way, so answer 0.5 "
        "(torch.where(total > 0, ..., 0.5))."
    )


# ## Task 6.5: value_function


def test_value_function_at_the_equilibrium_is_minus_log_4(kata):
    half = torch.full((4,), 0.5)
    seen = as_float(kata.value_function(half, half), "value_function")
    assert math.isclose(seen, -LOG4, abs_tol=1e-5), (
        f"value_function(all 0.5, all 0.5) is {seen:.6f}; expected -log 4 = {-LOG4:.6f}: "
        "log(0.5) + log(1 - 0.5). (The vanilla PyTorch GAN code review writes the second "
        "term as 1 - log D(G(z)); the 1 belongs inside the log: log(1 - D(G(z))).)"
    )


def test_value_function_rewards_d_for_rejecting_fakes(kata):
    d_real = torch.tensor([0.9, 0.8])
    d_fake = torch.tensor([0.2, 0.1])
    seen = as_float(kata.value_function(d_real, d_fake), "value_function")
    expected = (math.log(0.9) + math.log(0.8)) / 2 + (math.log(0.8) + math.log(0.9)) / 2
    assert math.isclose(seen, expected, abs_tol=1e-5), (
        f"value_function(d_real=[0.9, 0.8], d_fake=[0.2, 0.1]) is {seen:.5f}; expected "
        f"{expected:.5f} = mean(log D(x)) + mean(log(1 - D(G(z)))). D scores by calling "
        "fakes fake, so the fake term is log(1 - D(G(z))), not log(D(G(z))) (which only "
        "agrees at 0.5)."
    )


def test_value_function_averages_real_and_fake_batches_separately(kata):
    d_real = torch.tensor([0.9, 0.6, 0.75])
    d_fake = torch.tensor([0.3, 0.1, 0.2, 0.4, 0.5])
    seen = as_float(
        call(
            kata.value_function,
            d_real,
            d_fake,
            why="value_function(3 real answers, 5 fake answers) failed. The two batches may "
            "differ in size: take the mean of each term separately.",
        ),
        "value_function",
    )
    expected = float(torch.log(d_real).mean() + torch.log(1 - d_fake).mean())
    assert math.isclose(seen, expected, abs_tol=1e-5), (
        f"value_function(3 real, 5 fake) is {seen:.5f}; expected {expected:.5f}: two "
        "expectations, each the mean over its own batch, taken separately."
    )


@given(
    st.lists(inside, min_size=1, max_size=6),
    st.lists(inside, min_size=1, max_size=6),
)
def test_value_function_is_minus_the_discriminators_bce(kata, real, fake):
    d_real, d_fake = torch.tensor(real), torch.tensor(fake)
    seen = as_float(kata.value_function(d_real, d_fake), "value_function")
    bce = nn.BCELoss()
    d_loss = float(bce(d_real, torch.ones_like(d_real)) + bce(d_fake, torch.zeros_like(d_fake)))
    assert math.isclose(seen, -d_loss, rel_tol=1e-5, abs_tol=1e-5), (
        f"value_function({real}, {fake}) is {seen}; expected {-d_loss}, minus D's loss "
        "BCE(D(x), 1) + BCE(D(G(z)), 0): maximising V is minimising D's BCE. Use "
        "mean(log D(x)) + mean(log(1 - D(G(z))))."
    )


@given(
    st.lists(st.integers(0, 5), min_size=1, max_size=5),
    st.lists(st.integers(0, 5), min_size=1, max_size=5),
    st.lists(st.floats(-0.3, 0.3), min_size=6, max_size=6),
)
def test_the_optimal_discriminator_maximises_the_value_function(kata, real, fake, nudge):
    size = min(len(real), len(fake))
    real, fake = [*real[:size], 1], [*fake[:size], 1]  # one shared point: both batches nonempty
    p_data = torch.tensor(real, dtype=torch.float64) / sum(real)
    p_g = torch.tensor(fake, dtype=torch.float64) / sum(fake)
    best = kata.optimal_discriminator(p_data, p_g)
    other = (best + torch.tensor(nudge[: size + 1], dtype=torch.float64)).clamp(0.001, 0.999)

    def value(d):  # V over batches that hold point k real[k] and fake[k] times
        d_real = d[[k for k, count in enumerate(real) for _ in range(count)]]
        d_fake = d[[k for k, count in enumerate(fake) for _ in range(count)]]
        return as_float(kata.value_function(d_real, d_fake), "value_function")

    assert value(best) >= -LOG4 - 1e-9, (
        f"V(D*, G) is {value(best)} < -log 4 for real counts {real}, fake counts {fake}; "
        "V(D*, G) = -log 4 + 2 JSD(p_data || p_g) can never be below -log 4."
    )
    assert value(other) <= value(best) + 1e-9, (
        f"With real counts {real} and fake counts {fake}, D = {other.tolist()} scores "
        f"V = {value(other)}, more than D* = {best.tolist()} with V = {value(best)}; "
        "D* = p_data / (p_data + p_g) must maximise V = mean(log D(x)) + mean(log(1 - D(G(z))))."
    )


# ## Task 6.6: generator_gradients


def _pair(kata, logits: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    result = call(
        kata.generator_gradients,
        logits,
        why=f"generator_gradients({logits.tolist()}) failed.",
    )
    assert isinstance(result, tuple) and len(result) == 2, (
        f"generator_gradients returned {type(result).__name__}; expected a tuple "
        "(saturating, non_saturating) of two tensors."
    )
    for grad in result:
        assert isinstance(grad, torch.Tensor) and grad.shape == logits.shape, (
            f"generator_gradients({logits.tolist()}) returned {grad!r}; expected a tensor "
            f"of shape {tuple(logits.shape)}, one gradient per logit (elementwise: "
            "backpropagate loss.sum(), not loss.mean())."
        )
    return result


def test_generator_gradients_at_an_undecided_discriminator(kata):
    saturating, non_saturating = _pair(kata, torch.zeros(3))
    expected = torch.full((3,), -0.5)
    assert torch.allclose(saturating, expected, atol=1e-6) and torch.allclose(
        non_saturating, expected, atol=1e-6
    ), (
        f"At logit 0 (D answers 0.5) generator_gradients gave {saturating.tolist()} and "
        f"{non_saturating.tolist()}; expected -0.5 for both: d/da log(1 - sigmoid(a)) = "
        "-sigmoid(a) and d/da -log sigmoid(a) = sigmoid(a) - 1. (A positive value is a "
        "flipped sign: G minimises these losses; a smaller value is a mean over the batch "
        "instead of a sum.)"
    )


def test_the_saturating_gradient_vanishes_when_d_rejects_the_fakes(kata):
    saturating, non_saturating = _pair(kata, torch.tensor([-10.0, -10.0]))
    sigma = 1 / (1 + math.exp(10))
    assert torch.allclose(saturating, torch.tensor(-sigma), rtol=1e-3, atol=0), (
        f"At logit -10 (D is sure the fake is fake) the saturating gradient is "
        f"{saturating.tolist()}; expected -sigmoid(-10) = {-sigma:.2e}: log(1 - D(G(z))) "
        "saturates, G learns almost nothing. (About -1 here means you swapped the two "
        "losses: the saturating one is log(1 - sigmoid(a)).)"
    )
    assert torch.allclose(non_saturating, torch.tensor(sigma - 1), rtol=1e-4), (
        f"At logit -10 the non-saturating gradient is {non_saturating.tolist()}; expected "
        f"sigmoid(-10) - 1 = {sigma - 1:.5f}: -log D(G(z)) still pushes G hard exactly when "
        "D rejects its fakes. That is why G trains with target 1 (non-saturating loss)."
    )


@given(st.lists(st.floats(-30.0, 10.0, width=32), min_size=1, max_size=6))
def test_generator_gradients_equal_their_closed_forms(kata, logits):
    a = torch.tensor(logits)
    saturating, non_saturating = _pair(kata, a)
    sigma = torch.sigmoid(a.double())
    for name, seen, expected in [
        ("saturating d/da log(1 - sigmoid(a))", saturating, -sigma),
        ("non-saturating d/da -log sigmoid(a)", non_saturating, sigma - 1),
    ]:
        assert torch.allclose(seen.double(), expected, rtol=1e-3, atol=1e-6), (
            f"The {name} at a={logits} is {seen.tolist()}; expected {expected.tolist()}. "
            "Both gradients are negative: each loss falls as D(G(z)) rises."
        )


# ## Task 6.7: is_at_equilibrium


def _check(kata, losses, kind, expected, why, **kwargs):
    seen = call(
        kata.is_at_equilibrium,
        losses,
        kind,
        why=f"is_at_equilibrium(<{len(losses)} losses>, {kind!r}) failed.",
        **kwargs,
    )
    assert bool(seen) is expected, (
        f"is_at_equilibrium(<{len(losses)} losses ending {losses[-4:]}>, {kind!r}"
        f"{', tol=' + str(kwargs['tol']) if kwargs else ''}) is {seen}; expected {expected}: "
        f"{why}"
    )


@pytest.mark.parametrize(
    ("level", "kind", "expected"),
    [(0.69, "bce", True), (0.26, "mse", True), (0.25, "bce", False), (0.69, "mse", False)],
)
def test_a_flat_history_at_the_equilibrium(kata, level, kind, expected):
    _check(
        kata,
        [level] * 20,
        kind,
        expected,
        f"every loss is {level} and the {kind} equilibrium is "
        f"{LN2 if kind == 'bce' else 0.25:.3f}, with tol=0.05.",
    )


def test_the_start_of_the_history_does_not_count(kata):
    settling = [1.5] * 30 + [0.69] * 10  # D and G still fighting, then neither can win
    _check(
        kata,
        settling,
        "bce",
        True,
        "the last quarter (10 losses) sits at 0.69 = ln 2; the early losses are far off, "
        "as they are in every run. Average only the last quarter, not the whole history "
        "and not the first quarter.",
    )


def test_a_discriminator_that_pulls_ahead_at_the_end_is_not_at_equilibrium(kata):
    d_wins = [0.69] * 30 + [0.2] * 10  # balanced at first, then D pulls ahead
    _check(
        kata,
        d_wins,
        "bce",
        False,
        "the last quarter sits at 0.2: D now tells real from fake. The start of the "
        "history (at ln 2) does not count; average the last quarter, not the first.",
    )


def test_a_noisy_history_around_ln_2_is_at_equilibrium(kata):
    noise = torch.randn(400, generator=torch.Generator().manual_seed(6)) * 0.1
    losses = (LN2 + noise).tolist()
    _check(
        kata,
        losses,
        "bce",
        True,
        "the losses wobble around ln 2 (std 0.1) as in the book's plots; the mean of the "
        "last quarter is within 0.05 of ln 2.",
    )


def test_tol_sets_how_close_is_close_enough(kata):
    losses = [LN2 + 0.08] * 8
    _check(kata, losses, "bce", False, "the mean is 0.08 above ln 2, outside tol=0.05.")
    _check(kata, losses, "bce", True, "the mean is 0.08 above ln 2, inside tol=0.1.", tol=0.1)


@pytest.mark.parametrize(
    "losses",
    [[0.69], [1.4, 0.69], [0.1, 0.1, 0.69]],
    ids=["1 loss", "2 losses", "3 losses"],
)
def test_a_short_history_is_judged_by_its_last_loss(kata, losses):
    _check(
        kata,
        losses,
        "bce",
        True,
        "with fewer than 4 losses the last quarter is just the last loss, 0.69. Watch "
        "out: losses[-(len // 4):] is losses[-0:], the whole list; use "
        "losses[-max(1, len(losses) // 4):].",
    )


def test_an_empty_history_raises(kata):
    expect_error(
        ValueError,
        kata.is_at_equilibrium,
        [],
        "bce",
        why="is_at_equilibrium([], 'bce') must raise ValueError: an empty history has no "
        "last quarter to average (not a ZeroDivisionError, not False).",
    )


def test_an_unknown_kind_raises(kata):
    expect_error(
        ValueError,
        kata.is_at_equilibrium,
        [0.69] * 8,
        "hinge",
        why="is_at_equilibrium(losses, 'hinge') must raise ValueError: only 'bce' and "
        "'mse' have a known equilibrium (reuse equilibrium_loss).",
    )


def _train_discriminator(kata, kind: str, shift: float, seed: int = 0, steps: int = 100):
    """D's loss history on real N(0, 1) against fakes N(shift, 1), trained with the kata's loss.

    Checked over 200 seeds: with shift 0 the last quarter averages within 0.002 of the
    equilibrium (tol 0.05); with shift 3 at least 0.18 below it.
    """
    torch.manual_seed(seed)
    gen = torch.Generator().manual_seed(seed)
    D = nn.Sequential(nn.Linear(1, 1), nn.Sigmoid())
    loss_fn = getattr(kata, kind)
    history = []
    for _ in range(steps):
        d_real = D(torch.randn(64, 1, generator=gen))
        d_fake = D(torch.randn(64, 1, generator=gen) + shift)
        # The book's two D.train calls: real against 1, fake against 0.
        loss = (
            loss_fn(d_real, torch.ones_like(d_real)) + loss_fn(d_fake, torch.zeros_like(d_fake))
        ) / 2
        D.zero_grad()
        loss.backward()
        # Plain gradient descent: a torch.optim optimiser's first step costs seconds of imports.
        with torch.no_grad():
            for parameter in D.parameters():
                parameter -= 1.0 * parameter.grad
        history.append(loss.item())
    return history


@pytest.mark.parametrize("kind", ["bce", "mse"])
def test_a_discriminator_that_cannot_tell_settles_at_the_equilibrium(kata, kind):
    same = call(
        _train_discriminator,
        kata,
        kind,
        0.0,
        why=f"Training a small D with your {kind} failed: it must return a tensor that "
        "loss.backward() can use.",
    )
    tail = same[-len(same) // 4 :]
    _check(
        kata,
        same,
        kind,
        True,
        f"D was trained to tell real N(0, 1) from fakes drawn from the same N(0, 1): it cannot, "
        f"so it answers 0.5 and its {kind} loss settles at the equilibrium (last quarter "
        f"averages {sum(tail) / len(tail):.3f}). A flat loss there means D cannot tell, not "
        "that training failed.",
    )
    apart = _train_discriminator(kata, kind, 3.0)
    tail = apart[-len(apart) // 4 :]
    _check(
        kata,
        apart,
        kind,
        False,
        f"with fakes from N(3, 1) D can tell them apart and its {kind} loss falls well below "
        f"the equilibrium (last quarter averages {sum(tail) / len(tail):.3f}).",
    )
