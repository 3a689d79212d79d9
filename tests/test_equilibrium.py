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
from gankata.testkit.messages import msg

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
    assert isinstance(value, torch.Tensor) and value.numel() == 1, msg(
        "{what} returned {value!r}; expected a one-element (0-dim) tensor, the mean over "
        "every element, so that loss.backward() works as with nn.BCELoss() (a float from "
        ".item() has no graph to backpropagate through).",
        "{what}의 반환값이 {value!r}입니다. 모든 원소에 대한 평균인 원소 하나짜리(0차원) "
        "텐서를 반환해야 nn.BCELoss()처럼 loss.backward()를 쓸 수 있습니다(.item()으로 얻은 "
        "float에는 역전파할 그래프가 없습니다).",
        what=what,
        value=value,
    )
    return float(value)


def bce_hint(seen: float, n: int) -> str:
    """Name the mistake that explains a wrong BCE of 0.5 answers to n targets."""
    if math.isclose(seen, -LN2, abs_tol=1e-4):
        return msg(
            "That is -ln 2: the minus sign in front of the mean is missing (log p <= 0).",
            "이 값은 -ln 2입니다: 평균 앞의 마이너스 부호가 빠졌습니다(log p <= 0).",
        )
    times = round(seen / LN2) if math.isfinite(seen) else 0
    if n > 1 and 2 <= times <= n and math.isclose(seen, times * LN2, rel_tol=1e-4):
        if times == n:
            return msg(
                "That is {n} x ln 2: you summed over the {n} elements; take the mean over "
                "every element (.mean()).",
                "이 값은 {n} x ln 2입니다: 원소 {n}개를 더했습니다. 모든 원소에 대해 "
                ".mean()으로 평균을 내세요.",
                n=n,
            )
        return msg(
            "That is {times} x ln 2: you took the mean over one dimension and summed over "
            "another; take the mean over every element (.mean() with no dim).",
            "이 값은 {times} x ln 2입니다: 한 차원으로는 평균을 내고 다른 차원으로는 "
            "더했습니다. dim 없이 .mean()으로 모든 원소에 대해 평균을 내세요.",
            times=times,
        )
    if math.isclose(seen, 50.0, rel_tol=1e-3):
        return msg(
            "That is 50 = 0.5 x 100: p and y are swapped, so the log is taken of a 0/1 "
            "target and hits PyTorch's clamp at -100. The log belongs to p, D's answer.",
            "이 값은 50 = 0.5 x 100입니다: p와 y가 뒤바뀌어 0/1 목표값에 log를 취했고, 그 "
            "log가 PyTorch의 -100 clamp에 걸렸습니다. log는 판별기의 답인 p에 취해야 합니다.",
        )
    return msg(
        "Check the formula: -mean(y * log(p) + (1 - y) * log(1 - p)).",
        "식을 확인하세요: -mean(y * log(p) + (1 - y) * log(1 - p)).",
    )


# ## Task 6.1: bce


@pytest.mark.parametrize("targets", [[1.0], [0.0], [1.0, 0.0, 1.0, 1.0], [0.0, 0.0, 0.0]], ids=str)
def test_bce_of_an_undecided_discriminator_is_ln_2(kata, targets):
    y = torch.tensor(targets)
    p = torch.full_like(y, 0.5)
    failed = msg(
        "bce(p=0.5 everywhere, y={targets}) failed: p and y are float tensors of the same shape.",
        "bce(p=모두 0.5, y={targets}) 호출이 실패했습니다. p와 y는 모양(shape)이 같은 "
        "float 텐서입니다.",
        targets=targets,
    )
    seen = as_float(call(kata.bce, p, y, why=failed), "bce")
    assert math.isclose(seen, LN2, abs_tol=1e-5), msg(
        "bce(p=0.5 everywhere, y={targets}) is {seen:.6f}; expected ln 2 = {ln2:.6f}: "
        "-log(0.5) whether the target is 1 or 0. {hint}",
        "bce(p=모두 0.5, y={targets})의 결과는 {seen:.6f}입니다. 올바른 값은 ln 2 = "
        "{ln2:.6f}입니다: 목표값이 1이든 0이든 -log(0.5)입니다. {hint}",
        targets=targets,
        seen=seen,
        ln2=LN2,
        hint=bce_hint(seen, len(targets)),
    )


def test_bce_takes_the_mean_over_every_element(kata):
    p = torch.full((3, 4), 0.5)
    y = torch.randint(0, 2, (3, 4), generator=torch.Generator().manual_seed(1)).float()
    seen = as_float(kata.bce(p, y), "bce")
    assert math.isclose(seen, LN2, abs_tol=1e-5), msg(
        "bce of a (3, 4) batch of 0.5 answers is {seen:.6f}; expected ln 2 = {ln2:.6f}, the "
        "mean over all 12 elements (nn.BCELoss's default reduction='mean'). {hint}",
        "답이 모두 0.5인 (3, 4) 배치의 bce가 {seen:.6f}입니다. 올바른 값은 원소 12개 전체의 "
        "평균인 ln 2 = {ln2:.6f}입니다(nn.BCELoss의 기본값 reduction='mean'). {hint}",
        seen=seen,
        ln2=LN2,
        hint=bce_hint(seen, 12),
    )


@pytest.mark.parametrize(
    ("p", "y", "expected"),
    [([0.0], [1.0], 100.0), ([1.0], [0.0], 100.0), ([0.0, 1.0], [1.0, 1.0], 50.0)],
    ids=["p=0,y=1", "p=1,y=0", "half wrong"],
)
def test_bce_of_a_confident_wrong_answer_is_100_not_inf(kata, p, y, expected):
    seen = as_float(kata.bce(torch.tensor(p), torch.tensor(y)), "bce")
    assert math.isclose(seen, expected, rel_tol=1e-5), msg(
        "bce(p={p}, y={y}) is {seen}; expected {expected}: nn.BCELoss clamps each log at "
        "-100, so a confident wrong answer costs 100 per element instead of inf. Clamp the "
        "log itself, torch.log(p).clamp(min=-100), not p (clamping p to 1e-7 gives 16.1).",
        "bce(p={p}, y={y})의 결과는 {seen}입니다. 올바른 값은 {expected}입니다: nn.BCELoss는 "
        "각 log를 -100에서 clamp하므로, 확신에 찬 오답의 비용은 inf가 아니라 원소마다 "
        "100입니다. p가 아니라 log 자체를 clamp하세요: torch.log(p).clamp(min=-100) (p를 "
        "1e-7로 clamp하면 16.1이 나옵니다).",
        p=p,
        y=y,
        seen=seen,
        expected=expected,
    )


@pytest.mark.parametrize(("p", "y"), [(0.0, 0.0), (1.0, 1.0)], ids=["p=0,y=0", "p=1,y=1"])
def test_bce_of_a_confident_right_answer_is_0_not_nan(kata, p, y):
    seen = as_float(kata.bce(torch.tensor([p, 0.5]), torch.tensor([y, 1.0])), "bce")
    assert math.isclose(seen, LN2 / 2, abs_tol=1e-5), msg(
        "bce(p=[{p}, 0.5], y=[{y}, 1]) is {seen}; expected ln 2 / 2 = {half:.6f}: the "
        "confident right answer costs 0. Without the clamp the unused term is 0 x log(0) = "
        "0 x -inf = nan. Clamp each log at -100 before multiplying, as nn.BCELoss does.",
        "bce(p=[{p}, 0.5], y=[{y}, 1])의 결과는 {seen}입니다. 올바른 값은 ln 2 / 2 = "
        "{half:.6f}입니다: 확신에 찬 정답의 비용은 0입니다. clamp가 없으면 쓰이지 않는 항이 "
        "0 x log(0) = 0 x -inf = nan이 됩니다. nn.BCELoss처럼 곱하기 전에 각 log를 -100에서 "
        "clamp하세요.",
        p=p,
        y=y,
        seen=seen,
        half=LN2 / 2,
    )


@given(answers_and_targets())
def test_bce_equals_torch_bce_loss(kata, pair):
    p, y = pair
    seen = as_float(kata.bce(p, y), "bce")
    expected = float(nn.BCELoss()(p, y))
    assert math.isclose(seen, expected, rel_tol=1e-5, abs_tol=1e-5), msg(
        "bce(p, y) is {seen} but nn.BCELoss()(p, y) is {expected} for p={p}, y={y} (shape "
        "{shape}; targets may be soft, e.g. 0.9). Use -(y * log p + (1 - y) * log(1 - p)), "
        "each log clamped at -100, averaged over every element.",
        "p={p}, y={y}(shape {shape}. 목표값은 0.9처럼 0과 1 사이의 값일 수도 있습니다)에서 "
        "bce(p, y)는 {seen}이지만 nn.BCELoss()(p, y)는 {expected}입니다. 각 log를 -100에서 "
        "clamp한 -(y * log p + (1 - y) * log(1 - p))를 모든 원소에 대해 평균하세요.",
        seen=seen,
        expected=expected,
        p=p.tolist(),
        y=y.tolist(),
        shape=tuple(p.shape),
    )


def test_bce_backpropagates_like_torch(kata):
    p = torch.tensor([[0.2, 0.7], [0.9, 0.05]], requires_grad=True)
    y = torch.tensor([[1.0, 0.0], [1.0, 0.0]])
    loss = call(
        kata.bce,
        p,
        y,
        why=msg(
            "bce(p, y) failed for a p that requires grad: build it from torch operations "
            "only (no .numpy(), no in-place change of p).",
            "requires_grad인 p로 호출한 bce(p, y)가 실패했습니다. torch 연산만으로 "
            "만드세요(.numpy()도, p를 바꾸는 in-place 연산도 쓰지 마세요).",
        ),
    )
    call(
        loss.backward,
        why=msg(
            "bce(p, y).backward() failed: build the loss from torch operations on p (no "
            ".item(), no numpy), so that autograd can reach D.",
            "bce(p, y).backward()가 실패했습니다. autograd가 판별기까지 닿을 수 있도록 "
            "손실을 p에 대한 torch 연산으로 만드세요(.item()도, numpy도 쓰지 마세요).",
        ),
    )
    reference = p.detach().clone().requires_grad_()
    nn.BCELoss()(reference, y).backward()
    assert p.grad is not None and torch.allclose(p.grad, reference.grad, rtol=1e-4), msg(
        "d bce / dp is {grad} but nn.BCELoss gives {expected}; a wrong gradient means a "
        "wrong formula (sign, mean, or which of p and y the log is taken of).",
        "d bce / dp가 {grad}인데 nn.BCELoss로는 {expected}입니다. 기울기가 틀렸다면 식이 "
        "틀린 것입니다(부호, 평균, 또는 p와 y 중 어느 쪽에 log를 취했는지).",
        grad=p.grad,
        expected=reference.grad,
    )


# ## Task 6.2: mse


@pytest.mark.parametrize("targets", [[1.0], [0.0], [1.0, 0.0, 0.0, 1.0, 1.0]], ids=str)
def test_mse_of_an_undecided_discriminator_is_a_quarter(kata, targets):
    y = torch.tensor(targets)
    seen = as_float(kata.mse(torch.full_like(y, 0.5), y), "mse")
    hint = msg("Check the formula: mean((p - y) ** 2).", "식을 확인하세요: mean((p - y) ** 2).")
    if math.isclose(seen, 0.5, abs_tol=1e-6):
        hint = msg(
            "That is |0.5 - y| = 0.5: you forgot to square the error.",
            "이 값은 |0.5 - y| = 0.5입니다: 오차를 제곱하지 않았습니다.",
        )
    elif len(targets) > 1 and math.isclose(seen, 0.25 * len(targets), rel_tol=1e-5):
        hint = msg(
            "That is {n} x 0.25: you summed the squared errors; take the mean (.mean()).",
            "이 값은 {n} x 0.25입니다: 제곱 오차를 더했습니다. .mean()으로 평균을 내세요.",
            n=len(targets),
        )
    assert math.isclose(seen, 0.25, abs_tol=1e-6), msg(
        "mse(p=0.5 everywhere, y={targets}) is {seen}; expected 0.25 = (0.5 - y)^2 whether "
        "the target is 1 or 0. {hint}",
        "mse(p=모두 0.5, y={targets})의 결과는 {seen}입니다. 올바른 값은 목표값이 1이든 "
        "0이든 0.25 = (0.5 - y)^2입니다. {hint}",
        targets=targets,
        seen=seen,
        hint=hint,
    )


@given(answers_and_targets())
def test_mse_equals_torch_mse_loss(kata, pair):
    p, y = pair
    seen = as_float(kata.mse(p, y), "mse")
    expected = float(nn.MSELoss()(p, y))
    assert math.isclose(seen, expected, rel_tol=1e-5, abs_tol=1e-6), msg(
        "mse(p, y) is {seen} but nn.MSELoss()(p, y) is {expected} for p={p}, y={y}: square "
        "each error (not abs) and take the mean over every element (not the sum).",
        "p={p}, y={y}에서 mse(p, y)는 {seen}이지만 nn.MSELoss()(p, y)는 {expected}입니다. "
        "각 오차를 (abs가 아니라) 제곱하고, (합이 아니라) 모든 원소에 대한 평균을 내세요.",
        seen=seen,
        expected=expected,
        p=p.tolist(),
        y=y.tolist(),
    )


# ## Task 6.3: equilibrium_loss


@pytest.mark.parametrize(
    ("kind", "expected", "score"),
    [("bce", LN2, "-log(0.5) = ln 2"), ("mse", 0.25, "(0.5 - y)^2 = 0.5^2 = 0.25")],
)
def test_equilibrium_loss_is_the_loss_of_answering_one_half(kata, kind, expected, score):
    seen = call(
        kata.equilibrium_loss,
        kind,
        why=msg(
            "equilibrium_loss({kind!r}) failed: 'bce' and 'mse' are the two kinds it must know.",
            "equilibrium_loss({kind!r}) 호출이 실패했습니다. 'bce'와 'mse'는 반드시 알아야 "
            "하는 두 종류입니다.",
            kind=kind,
        ),
    )
    assert isinstance(seen, float), msg(
        "equilibrium_loss({kind!r}) returned {type_name}; expected a Python float "
        "(math.log, not torch.log on a tensor).",
        "equilibrium_loss({kind!r})의 반환값이 {type_name}입니다. Python float여야 "
        "합니다(텐서에 torch.log를 쓰지 말고 math.log를 쓰세요).",
        kind=kind,
        type_name=type(seen).__name__,
    )
    hint = ""
    if kind == "mse" and math.isclose(seen, 0.5):
        hint = msg(
            " 0.5 is the error, not the squared error: you forgot to square it.",
            " 0.5는 제곱 오차가 아니라 오차입니다: 제곱하는 것을 잊었습니다.",
        )
    elif kind == "bce" and math.isclose(seen, -LN2):
        hint = msg(
            " A loss is never negative: that is log(0.5), the sign is missing.",
            " 손실은 음수가 될 수 없습니다: 이 값은 log(0.5)이고, 부호가 빠졌습니다.",
        )
    assert math.isclose(seen, expected, abs_tol=1e-6), msg(
        "equilibrium_loss({kind!r}) is {seen}; expected {expected:.6f}: a D that answers 0.5 "
        "to everything, real (y=1) or fake (y=0), scores {score}.{hint}",
        "equilibrium_loss({kind!r})의 결과는 {seen}입니다. 올바른 값은 {expected:.6f}입니다: "
        "진짜(y=1)든 가짜(y=0)든 모든 입력에 0.5라고 답하는 판별기의 손실은 "
        "{score}입니다.{hint}",
        kind=kind,
        seen=seen,
        expected=expected,
        score=score,
        hint=hint,
    )


@pytest.mark.parametrize("kind", ["ce", "l2", "", "bce_loss"], ids=repr)
def test_equilibrium_loss_rejects_unknown_kinds(kata, kind):
    error = expect_error(
        ValueError,
        kata.equilibrium_loss,
        kind,
        why=msg(
            "equilibrium_loss({kind!r}) must raise ValueError: only 'bce' and 'mse' are "
            "known. Do not fall back to one of them for any other kind.",
            "equilibrium_loss({kind!r})는 ValueError를 발생시켜야 합니다: 알려진 종류는 "
            "'bce'와 'mse'뿐입니다. 그 밖의 kind를 둘 중 하나로 처리하지 마세요.",
            kind=kind,
        ),
    )
    assert "bce" in str(error) and "mse" in str(error), msg(
        "equilibrium_loss({kind!r}) raised ValueError({text!r}); the message should list "
        "the known kinds, 'bce' and 'mse', so that the fix is obvious.",
        "equilibrium_loss({kind!r})가 ValueError({text!r})를 발생시켰습니다. 오류 메시지에 "
        "알려진 종류인 'bce'와 'mse'를 적어야 무엇을 고칠지 바로 알 수 있습니다.",
        kind=kind,
        text=str(error),
    )


# ## Task 6.4: optimal_discriminator


def test_optimal_discriminator_is_p_data_over_the_total(kata):
    p_data = torch.tensor([3.0, 1.0, 0.0, 0.2])
    p_g = torch.tensor([1.0, 1.0, 2.0, 0.0])
    seen = call(
        kata.optimal_discriminator,
        p_data,
        p_g,
        why=msg(
            "optimal_discriminator({p_data}, {p_g}) failed: both are tensors of densities "
            "at the same points.",
            "optimal_discriminator({p_data}, {p_g}) 호출이 실패했습니다. 두 인자는 같은 "
            "점들에서의 밀도를 담은 텐서입니다.",
            p_data=p_data.tolist(),
            p_g=p_g.tolist(),
        ),
    )
    expected = torch.tensor([0.75, 0.5, 0.0, 1.0])
    correct = isinstance(seen, torch.Tensor) and torch.allclose(seen, expected)
    hint = ""
    if (
        not correct
        and isinstance(seen, torch.Tensor)
        and (seen.shape, seen.dtype) == (expected.shape, expected.dtype)
        and torch.allclose(seen, 1 - expected)
    ):
        hint = msg(
            " That is p_g / (p_data + p_g), the share that is fake: put p_data on top.",
            " 이 값은 가짜의 몫인 p_g / (p_data + p_g)입니다: 분자에 p_data를 두세요.",
        )
    assert correct, msg(
        "optimal_discriminator({p_data}, {p_g}) is {seen}; expected {expected}: D*(x) = "
        "p_data(x) / (p_data(x) + p_g(x)), how much of the mass at x is real. 1 where only "
        "real data lives, 0 where only fakes do.{hint}",
        "optimal_discriminator({p_data}, {p_g})의 결과는 {seen}입니다. 올바른 값은 "
        "{expected}입니다: D*(x) = p_data(x) / (p_data(x) + p_g(x)), 즉 x에 있는 확률 질량 "
        "중 진짜의 몫입니다. 진짜 데이터만 있는 곳에서는 1, 가짜만 있는 곳에서는 0입니다.{hint}",
        p_data=p_data.tolist(),
        p_g=p_g.tolist(),
        seen=seen,
        expected=expected.tolist(),
        hint=hint,
    )


@given(st.lists(st.floats(0.01, 10.0), min_size=1, max_size=8))
def test_optimal_discriminator_is_one_half_where_g_matches_the_data(kata, density):
    p = torch.tensor(density)
    seen = kata.optimal_discriminator(p, p.clone())
    assert torch.allclose(seen, torch.full_like(p, 0.5)), msg(
        "optimal_discriminator(p, p) is {seen} for p={density}; expected 0.5 everywhere: "
        "when G's distribution equals the data's, the best D cannot tell and answers 0.5. "
        "That is the equilibrium.",
        "p={density}일 때 optimal_discriminator(p, p)의 결과는 {seen}입니다. 모든 곳에서 "
        "0.5여야 합니다: 생성기의 분포가 데이터의 분포와 같으면 최선의 판별기도 구별하지 "
        "못해 0.5라고 답합니다. 이것이 균형입니다.",
        seen=seen,
        density=density,
    )


def test_optimal_discriminator_is_one_half_where_both_densities_are_zero(kata):
    p_data = torch.tensor([0.0, 1.0])
    p_g = torch.tensor([0.0, 3.0])
    seen = call(
        kata.optimal_discriminator,
        p_data,
        p_g,
        why=msg(
            "optimal_discriminator where p_data = p_g = 0 failed: there is no evidence "
            "either way, so D* is 0.5 there.",
            "p_data = p_g = 0인 곳에서 optimal_discriminator가 실패했습니다. 그곳에는 어느 "
            "쪽의 근거도 없으니 D*는 0.5입니다.",
        ),
    )
    assert torch.allclose(seen, torch.tensor([0.5, 0.25])), msg(
        "optimal_discriminator([0, 1], [0, 3]) is {seen}; expected [0.5, 0.25]. Where both "
        "densities are 0, 0 / 0 is nan: D has no evidence either way, so answer 0.5 "
        "(torch.where(total > 0, ..., 0.5)).",
        "optimal_discriminator([0, 1], [0, 3])의 결과는 {seen}입니다. 올바른 값은 [0.5, "
        "0.25]입니다. 두 밀도가 모두 0인 곳에서 0 / 0은 nan입니다: 판별기에게는 어느 쪽의 "
        "근거도 없으니 0.5라고 답하세요(torch.where(total > 0, ..., 0.5)).",
        seen=seen,
    )


# ## Task 6.5: value_function


def test_value_function_at_the_equilibrium_is_minus_log_4(kata):
    half = torch.full((4,), 0.5)
    seen = as_float(kata.value_function(half, half), "value_function")
    assert math.isclose(seen, -LOG4, abs_tol=1e-5), msg(
        "value_function(all 0.5, all 0.5) is {seen:.6f}; expected -log 4 = {expected:.6f}: "
        "log(0.5) + log(1 - 0.5). (The vanilla PyTorch GAN code review writes the second "
        "term as 1 - log D(G(z)); the 1 belongs inside the log: log(1 - D(G(z))).)",
        "value_function(모두 0.5, 모두 0.5)의 결과는 {seen:.6f}입니다. 올바른 값은 "
        "log(0.5) + log(1 - 0.5) = -log 4 = {expected:.6f}입니다. (바닐라 PyTorch GAN 코드 "
        "리뷰는 둘째 항을 1 - log D(G(z))로 적었지만, 1은 log 안에 들어가야 합니다: "
        "log(1 - D(G(z))).)",
        seen=seen,
        expected=-LOG4,
    )


def test_value_function_rewards_d_for_rejecting_fakes(kata):
    d_real = torch.tensor([0.9, 0.8])
    d_fake = torch.tensor([0.2, 0.1])
    seen = as_float(kata.value_function(d_real, d_fake), "value_function")
    expected = (math.log(0.9) + math.log(0.8)) / 2 + (math.log(0.8) + math.log(0.9)) / 2
    assert math.isclose(seen, expected, abs_tol=1e-5), msg(
        "value_function(d_real=[0.9, 0.8], d_fake=[0.2, 0.1]) is {seen:.5f}; expected "
        "{expected:.5f} = mean(log D(x)) + mean(log(1 - D(G(z)))). D scores by calling "
        "fakes fake, so the fake term is log(1 - D(G(z))), not log(D(G(z))) (which only "
        "agrees at 0.5).",
        "value_function(d_real=[0.9, 0.8], d_fake=[0.2, 0.1])의 결과는 {seen:.5f}입니다. "
        "올바른 값은 {expected:.5f} = mean(log D(x)) + mean(log(1 - D(G(z))))입니다. "
        "판별기는 가짜를 가짜라고 할 때 점수를 얻으므로, 가짜 항은 log(D(G(z)))가 아니라 "
        "log(1 - D(G(z)))입니다(log(D(G(z)))는 0.5에서만 같은 값이 됩니다).",
        seen=seen,
        expected=expected,
    )


def test_value_function_averages_real_and_fake_batches_separately(kata):
    d_real = torch.tensor([0.9, 0.6, 0.75])
    d_fake = torch.tensor([0.3, 0.1, 0.2, 0.4, 0.5])
    seen = as_float(
        call(
            kata.value_function,
            d_real,
            d_fake,
            why=msg(
                "value_function(3 real answers, 5 fake answers) failed. The two batches may "
                "differ in size: take the mean of each term separately.",
                "value_function(진짜 답 3개, 가짜 답 5개) 호출이 실패했습니다. 두 배치의 "
                "크기는 다를 수 있습니다: 각 항의 평균을 따로 내세요.",
            ),
        ),
        "value_function",
    )
    expected = float(torch.log(d_real).mean() + torch.log(1 - d_fake).mean())
    assert math.isclose(seen, expected, abs_tol=1e-5), msg(
        "value_function(3 real, 5 fake) is {seen:.5f}; expected {expected:.5f}: two "
        "expectations, each the mean over its own batch, taken separately.",
        "value_function(진짜 3개, 가짜 5개)의 결과는 {seen:.5f}입니다. 올바른 값은 "
        "{expected:.5f}입니다: 두 기댓값을 각각 자기 배치에 대한 평균으로 따로 구합니다.",
        seen=seen,
        expected=expected,
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
    assert math.isclose(seen, -d_loss, rel_tol=1e-5, abs_tol=1e-5), msg(
        "value_function({real}, {fake}) is {seen}; expected {expected}, minus D's loss "
        "BCE(D(x), 1) + BCE(D(G(z)), 0): maximising V is minimising D's BCE. Use "
        "mean(log D(x)) + mean(log(1 - D(G(z)))).",
        "value_function({real}, {fake})의 결과는 {seen}입니다. 올바른 값은 판별기의 손실 "
        "BCE(D(x), 1) + BCE(D(G(z)), 0)에 마이너스를 붙인 {expected}입니다: V를 최대화하는 "
        "것이 곧 판별기의 BCE를 최소화하는 것입니다. mean(log D(x)) + mean(log(1 - "
        "D(G(z))))를 쓰세요.",
        real=real,
        fake=fake,
        seen=seen,
        expected=-d_loss,
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

    v_best = value(best)
    assert v_best >= -LOG4 - 1e-9, msg(
        "V(D*, G) is {v_best} < -log 4 for real counts {real}, fake counts {fake}; "
        "V(D*, G) = -log 4 + 2 JSD(p_data || p_g) can never be below -log 4. Check "
        "optimal_discriminator and the signs in value_function.",
        "진짜 개수 {real}, 가짜 개수 {fake}에서 V(D*, G)가 {v_best} < -log 4입니다. "
        "V(D*, G) = -log 4 + 2 JSD(p_data || p_g)이므로 -log 4보다 작을 수 없습니다. "
        "optimal_discriminator와 value_function의 부호를 확인하세요.",
        v_best=v_best,
        real=real,
        fake=fake,
    )
    v_other = value(other)
    assert v_other <= v_best + 1e-9, msg(
        "With real counts {real} and fake counts {fake}, D = {other} scores V = {v_other}, "
        "more than D* = {best} with V = {v_best}; D* = p_data / (p_data + p_g) must maximise "
        "V = mean(log D(x)) + mean(log(1 - D(G(z)))).",
        "진짜 개수 {real}, 가짜 개수 {fake}에서 D = {other}의 V = {v_other}가 D* = {best}의 "
        "V = {v_best}보다 큽니다. D* = p_data / (p_data + p_g)는 V = mean(log D(x)) + "
        "mean(log(1 - D(G(z))))를 최대화해야 합니다.",
        real=real,
        fake=fake,
        other=other.tolist(),
        v_other=v_other,
        best=best.tolist(),
        v_best=v_best,
    )


# ## Task 6.6: generator_gradients


def _pair(kata, logits: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    result = call(
        kata.generator_gradients,
        logits,
        why=msg(
            "generator_gradients({logits}) failed: it takes D's logits on fakes (a tensor) "
            "and returns two tensors of the same shape.",
            "generator_gradients({logits}) 호출이 실패했습니다. 이 함수는 가짜에 대한 "
            "판별기의 로짓(텐서)을 받아 같은 모양의 텐서 두 개를 반환합니다.",
            logits=logits.tolist(),
        ),
    )
    assert isinstance(result, tuple) and len(result) == 2, msg(
        "generator_gradients returned {type_name}; expected a tuple "
        "(saturating, non_saturating) of two tensors.",
        "generator_gradients의 반환값이 {type_name}입니다. 텐서 두 개로 된 튜플 "
        "(saturating, non_saturating)이어야 합니다.",
        type_name=type(result).__name__,
    )
    for grad in result:
        assert isinstance(grad, torch.Tensor) and grad.shape == logits.shape, msg(
            "generator_gradients({logits}) returned {grad!r}; expected a tensor of shape "
            "{shape}, one gradient per logit (elementwise: backpropagate loss.sum(), not "
            "loss.mean()).",
            "generator_gradients({logits})가 돌려준 기울기 하나가 {grad!r}입니다. 로짓마다 "
            "기울기가 하나씩 있는, 모양이 {shape}인 텐서여야 합니다(원소별 기울기이므로 "
            "loss.mean()이 아니라 loss.sum()을 역전파하세요).",
            logits=logits.tolist(),
            grad=grad,
            shape=tuple(logits.shape),
        )
    return result


def test_generator_gradients_at_an_undecided_discriminator(kata):
    saturating, non_saturating = _pair(kata, torch.zeros(3))
    expected = torch.full((3,), -0.5)
    assert torch.allclose(saturating, expected, atol=1e-6) and torch.allclose(
        non_saturating, expected, atol=1e-6
    ), msg(
        "At logit 0 (D answers 0.5) generator_gradients gave {saturating} and "
        "{non_saturating}; expected -0.5 for both: d/da log(1 - sigmoid(a)) = -sigmoid(a) "
        "and d/da -log sigmoid(a) = sigmoid(a) - 1. (A positive value is a flipped sign: G "
        "minimises these losses. -0.5 / 3 = -0.167 is a mean over the batch of 3 instead of "
        "a sum: backpropagate loss.sum().)",
        "로짓 0에서(판별기가 0.5라고 답할 때) generator_gradients의 결과는 saturating = "
        "{saturating}, non_saturating = {non_saturating}입니다. 둘 다 -0.5여야 합니다: d/da "
        "log(1 - sigmoid(a)) = -sigmoid(a)이고 d/da -log sigmoid(a) = sigmoid(a) - 1입니다. "
        "(양수가 나왔다면 부호가 뒤집힌 것입니다: 생성기는 이 손실들을 최소화합니다. -0.5 / "
        "3 = -0.167이 나왔다면 크기 3인 배치에 대해 합 대신 평균을 낸 것입니다: loss.sum()을 "
        "역전파하세요.)",
        saturating=saturating.tolist(),
        non_saturating=non_saturating.tolist(),
    )


def test_the_saturating_gradient_vanishes_when_d_rejects_the_fakes(kata):
    saturating, non_saturating = _pair(kata, torch.tensor([-10.0, -10.0]))
    sigma = 1 / (1 + math.exp(10))
    assert torch.allclose(saturating, torch.tensor(-sigma), rtol=1e-3, atol=0), msg(
        "At logit -10 (D is sure the fake is fake) the saturating gradient is {seen}; "
        "expected -sigmoid(-10) = {expected:.2e}: log(1 - D(G(z))) saturates, G learns "
        "almost nothing. (About -1 here means you swapped the two losses: the saturating "
        "one is log(1 - sigmoid(a)).)",
        "로짓 -10에서(판별기가 가짜를 가짜라고 확신할 때) 포화하는 기울기는 {seen}입니다. "
        "올바른 값은 -sigmoid(-10) = {expected:.2e}입니다: log(1 - D(G(z)))가 포화해서 "
        "생성기가 거의 배우지 못합니다. (여기서 -1 정도가 나왔다면 두 손실을 뒤바꾼 "
        "것입니다: 포화하는 쪽은 log(1 - sigmoid(a))입니다.)",
        seen=saturating.tolist(),
        expected=-sigma,
    )
    assert torch.allclose(non_saturating, torch.tensor(sigma - 1), rtol=1e-4), msg(
        "At logit -10 the non-saturating gradient is {seen}; expected sigmoid(-10) - 1 = "
        "{expected:.5f}: -log D(G(z)) still pushes G hard exactly when D rejects its fakes. "
        "That is why G trains with target 1 (non-saturating loss).",
        "로짓 -10에서 포화하지 않는 기울기는 {seen}입니다. 올바른 값은 sigmoid(-10) - 1 = "
        "{expected:.5f}입니다: 판별기가 가짜를 거부하는 바로 그때에도 -log D(G(z))는 "
        "생성기를 세게 밀어 줍니다. 그래서 생성기는 목표값 1로 훈련합니다(포화하지 않는 "
        "손실).",
        seen=non_saturating.tolist(),
        expected=sigma - 1,
    )


@given(st.lists(st.floats(-30.0, 10.0, width=32), min_size=1, max_size=6))
def test_generator_gradients_equal_their_closed_forms(kata, logits):
    a = torch.tensor(logits)
    saturating, non_saturating = _pair(kata, a)
    sigma = torch.sigmoid(a.double())
    for name, seen, expected in [
        (
            msg(
                "saturating d/da log(1 - sigmoid(a))",
                "포화하는 기울기 d/da log(1 - sigmoid(a))",
            ),
            saturating,
            -sigma,
        ),
        (
            msg(
                "non-saturating d/da -log sigmoid(a)",
                "포화하지 않는 기울기 d/da -log sigmoid(a)",
            ),
            non_saturating,
            sigma - 1,
        ),
    ]:
        assert torch.allclose(seen.double(), expected, rtol=1e-3, atol=1e-6), msg(
            "The {name} at a={logits} is {seen}; expected {expected}. Both gradients are "
            "negative: each loss falls as D(G(z)) rises.",
            "a={logits}에서 {name}의 값은 {seen}입니다. 올바른 값은 {expected}입니다. 두 "
            "기울기는 모두 음수입니다: D(G(z))가 커질수록 각 손실은 줄어듭니다.",
            name=name,
            logits=logits,
            seen=seen.tolist(),
            expected=expected.tolist(),
        )


# ## Task 6.7: is_at_equilibrium


def _check(kata, losses, kind, expected, why, **kwargs):
    """Fail unless is_at_equilibrium(losses, kind, **kwargs) is ``expected``; ``why`` is a
    msg(...) saying why."""
    seen = call(
        kata.is_at_equilibrium,
        losses,
        kind,
        why=msg(
            "is_at_equilibrium(<{n} losses>, {kind!r}) failed: losses is a plain list of "
            "Python floats.",
            "is_at_equilibrium(<손실 {n}개>, {kind!r}) 호출이 실패했습니다. losses는 Python "
            "float로 된 평범한 리스트입니다.",
            n=len(losses),
            kind=kind,
        ),
        **kwargs,
    )
    assert bool(seen) is expected, msg(
        "is_at_equilibrium(<{n} losses ending {ending}>, {kind!r}{tol}) is {seen}; expected "
        "{expected}: {why}",
        "is_at_equilibrium(<손실 {n}개, 끝부분 {ending}>, {kind!r}{tol})의 결과는 "
        "{seen}입니다. 올바른 결과는 {expected}입니다: {why}",
        n=len(losses),
        ending=losses[-4:],
        kind=kind,
        tol=", tol=" + str(kwargs["tol"]) if kwargs else "",
        seen=seen,
        expected=expected,
        why=why,
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
        msg(
            "every loss is {level} and the {kind} equilibrium is {target:.3f}, with tol=0.05.",
            "모든 손실이 {level}이고 {kind}의 균형값은 {target:.3f}이며, tol=0.05입니다.",
            level=level,
            kind=kind,
            target=LN2 if kind == "bce" else 0.25,
        ),
    )


def test_the_start_of_the_history_does_not_count(kata):
    settling = [1.5] * 30 + [0.69] * 10  # D and G still fighting, then neither can win
    _check(
        kata,
        settling,
        "bce",
        True,
        msg(
            "the last quarter (10 losses) sits at 0.69 = ln 2; the early losses are far off, "
            "as they are in every run. Average only the last quarter, not the whole history "
            "and not the first quarter.",
            "마지막 4분의 1(손실 10개)은 0.69 = ln 2에 머뭅니다. 초반 손실은 어느 훈련에서나 "
            "그렇듯 균형값에서 멀리 떨어져 있습니다. 기록 전체도, 처음 4분의 1도 아닌 마지막 "
            "4분의 1만 평균하세요.",
        ),
    )


def test_a_discriminator_that_pulls_ahead_at_the_end_is_not_at_equilibrium(kata):
    d_wins = [0.69] * 30 + [0.2] * 10  # balanced at first, then D pulls ahead
    _check(
        kata,
        d_wins,
        "bce",
        False,
        msg(
            "the last quarter sits at 0.2: D now tells real from fake. The start of the "
            "history (at ln 2) does not count; average the last quarter, not the first.",
            "마지막 4분의 1은 0.2에 머뭅니다: 이제 판별기가 진짜와 가짜를 구별합니다. 기록의 "
            "앞부분(ln 2)은 판단에 넣지 않습니다. 처음 4분의 1이 아니라 마지막 4분의 1을 "
            "평균하세요.",
        ),
    )


def test_a_noisy_history_around_ln_2_is_at_equilibrium(kata):
    noise = torch.randn(400, generator=torch.Generator().manual_seed(6)) * 0.1
    losses = (LN2 + noise).tolist()
    _check(
        kata,
        losses,
        "bce",
        True,
        msg(
            "the losses wobble around ln 2 (std 0.1) as in the book's plots; the mean of the "
            "last quarter is within 0.05 of ln 2, though the final loss alone is {off:.2f} "
            "away and single losses stray further still. Judge the average of the last "
            "quarter, not one loss and not every loss.",
            "손실이 책의 그래프처럼 ln 2 주위에서 흔들립니다(표준편차 0.1). 마지막 4분의 1의 "
            "평균은 ln 2에서 0.05 안에 있지만, 마지막 손실 하나만 보면 {off:.2f}만큼 떨어져 "
            "있고 그보다 더 멀리 벗어난 손실도 있습니다. 손실 하나나 모든 손실이 아니라 "
            "마지막 4분의 1의 평균으로 판단하세요.",
            off=abs(losses[-1] - LN2),
        ),
    )


def test_tol_sets_how_close_is_close_enough(kata):
    losses = [LN2 + 0.08] * 8
    _check(
        kata,
        losses,
        "bce",
        False,
        msg(
            "the mean is 0.08 above ln 2, outside tol=0.05.",
            "평균이 ln 2보다 0.08 높아서 tol=0.05 밖에 있습니다.",
        ),
    )
    _check(
        kata,
        losses,
        "bce",
        True,
        msg(
            "the mean is 0.08 above ln 2, inside tol=0.1: use the tol argument, not a fixed 0.05.",
            "평균이 ln 2보다 0.08 높지만 tol=0.1 안에 있습니다: 고정된 0.05가 아니라 tol "
            "인자를 쓰세요.",
        ),
        tol=0.1,
    )


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
        msg(
            "with fewer than 4 losses the last quarter is just the last loss, 0.69. Watch "
            "out: losses[-(len // 4):] is losses[-0:], the whole list; use "
            "losses[-max(1, len(losses) // 4):].",
            "손실이 4개보다 적으면 마지막 4분의 1은 마지막 손실 0.69 하나뿐입니다. "
            "주의하세요: losses[-(len // 4):]는 losses[-0:], 즉 리스트 전체입니다. "
            "losses[-max(1, len(losses) // 4):]를 쓰세요.",
        ),
    )


def test_an_empty_history_raises(kata):
    expect_error(
        ValueError,
        kata.is_at_equilibrium,
        [],
        "bce",
        why=msg(
            "is_at_equilibrium([], 'bce') must raise ValueError: an empty history has no "
            "last quarter to average (not a ZeroDivisionError, not False).",
            "is_at_equilibrium([], 'bce')는 ValueError를 발생시켜야 합니다: 빈 기록에는 "
            "평균을 낼 마지막 4분의 1이 없습니다(ZeroDivisionError도, False도 아닙니다).",
        ),
    )


def test_an_unknown_kind_raises(kata):
    expect_error(
        ValueError,
        kata.is_at_equilibrium,
        [0.69] * 8,
        "hinge",
        why=msg(
            "is_at_equilibrium(losses, 'hinge') must raise ValueError: only 'bce' and "
            "'mse' have a known equilibrium (reuse equilibrium_loss).",
            "is_at_equilibrium(losses, 'hinge')는 ValueError를 발생시켜야 합니다: 균형값이 "
            "알려진 것은 'bce'와 'mse'뿐입니다(equilibrium_loss를 재사용하세요).",
        ),
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
        why=msg(
            "Training a small D with your {kind} failed: it must return a tensor that "
            "loss.backward() can use.",
            "여러분의 {kind}로 작은 판별기를 훈련하다가 실패했습니다. {kind}는 "
            "loss.backward()를 쓸 수 있는 텐서를 반환해야 합니다.",
            kind=kind,
        ),
    )
    tail = same[-len(same) // 4 :]
    _check(
        kata,
        same,
        kind,
        True,
        msg(
            "D was trained to tell real N(0, 1) from fakes drawn from the same N(0, 1): it "
            "cannot, so it answers 0.5 and its {kind} loss settles at the equilibrium (last "
            "quarter averages {average:.3f}). A flat loss there means D cannot tell, not that "
            "training failed.",
            "판별기가 진짜 N(0, 1)과, 같은 N(0, 1)에서 뽑은 가짜를 구별하도록 훈련되었습니다. "
            "구별할 수 없으니 0.5라고 답하고, {kind} 손실은 균형값에 머뭅니다(마지막 4분의 "
            "1의 평균 {average:.3f}). 그 자리에서 평평한 손실은 훈련이 실패했다는 뜻이 아니라 "
            "판별기가 구별하지 못한다는 뜻입니다.",
            kind=kind,
            average=sum(tail) / len(tail),
        ),
    )
    apart = _train_discriminator(kata, kind, 3.0)
    tail = apart[-len(apart) // 4 :]
    _check(
        kata,
        apart,
        kind,
        False,
        msg(
            "with fakes from N(3, 1) D can tell them apart and its {kind} loss falls well "
            "below the equilibrium (last quarter averages {average:.3f}).",
            "가짜를 N(3, 1)에서 뽑으면 판별기가 둘을 구별할 수 있고, {kind} 손실은 균형값보다 "
            "한참 아래로 떨어집니다(마지막 4분의 1의 평균 {average:.3f}).",
            kind=kind,
            average=sum(tail) / len(tail),
        ),
    )
