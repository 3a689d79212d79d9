"""Kata 4 · The GAN step: D on real, D on detached fake, G through D (katas/step_order.py)."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
import torch
from torch import nn
from torch.func import functional_call

from gankata.testkit.messages import msg

LR = 0.5  # large enough that every optimiser step visibly moves the parameters
FEATURES, SEED_SIZE = 4, 2
STALE = 0.3  # the .grad that earlier work left on every parameter

BOOK_ORDER = [
    "D(real)",
    "loss_fn(target 1)",
    "d_opt.step()",
    "D(fake.detach())",
    "loss_fn(target 0)",
    "d_opt.step()",
    "D(fake)",
    "loss_fn(target 1)",
    "g_opt.step()",
]


def log_legend() -> str:
    """What the labels of the log mean (the end of several messages)."""
    return msg(
        "(In this log D(fake) is a generated batch that still carries G's graph, i.e. requires "
        "grad; D(fake.detach()) is one that does not.)",
        "(이 기록에서 D(fake)는 아직 생성기의 그래프를 달고 있는, 곧 기울기가 필요한 생성 "
        "배치이고, D(fake.detach())는 그렇지 않은 배치입니다.)",
    )


def crashed(error: Exception, came_in_frozen: bool) -> str:
    """Why gan_step raised ``error``: the explanation of that autograd error (matched on
    PyTorch's own words), or a general one, followed by the error itself. ``came_in_frozen``:
    some parameter of D did not require grad when this gan_step began."""
    text = str(error)
    no_graph = "does not require grad" in text or "does not have a grad_fn" in text
    if "backward through the graph a second time" in text:
        why = msg(
            "gan_step(D, G, real, z, d_opt, g_opt, loss_fn) failed: a backward() went through "
            "a part of the graph that an earlier backward() had already used and freed "
            "(PyTorch: 'Trying to backward through the graph a second time'). Expected each "
            "step's backward() to cover only its own graph, and step 2's to stop at D. The "
            "likely mistake: step 2 showed D the fake without .detach(), so its backward() "
            "went on into G and freed G's graph before step 3 needed it. Show D fake.detach() "
            "in step 2 (if you do, check that no loss is backward()-ed twice).",
            "gan_step(D, G, real, z, d_opt, g_opt, loss_fn)가 실패했습니다: 앞선 backward()가 "
            "이미 쓰고 해제한 그래프를 다른 backward()가 다시 지나갔습니다(PyTorch: 'Trying to "
            "backward through the graph a second time'). 각 단계의 backward()는 자기 그래프만 "
            "지나가야 하고, 2단계의 backward()는 판별기에서 멈춰야 합니다. 흔한 원인: 2단계에서 "
            "판별기에 가짜를 .detach() 없이 보여 주어 그 backward()가 생성기까지 들어갔고, 3단계에 "
            "필요한 생성기의 그래프를 해제했습니다. 2단계에서는 판별기에 fake.detach()를 보여 "
            "주세요(이미 그렇게 했다면 같은 손실에 backward()를 두 번 호출하지 않았는지 "
            "확인하세요).",
        )
    elif "modified by an inplace operation" in text:
        why = msg(
            "gan_step(D, G, real, z, d_opt, g_opt, loss_fn) failed: a backward() needed a "
            "parameter that an optimiser had changed in place after the forward pass that used "
            "it (PyTorch: 'modified by an inplace operation'). Expected each optimiser to step "
            "only after its own step's backward(): d_opt at the end of steps 1 and 2, g_opt "
            "only at the end of step 3. The likely mistake: g_opt stepped in steps 1 and 2, "
            "changing G while its output was kept for step 3; or an optimiser stepped between "
            "a forward pass through its network and that pass's backward().",
            "gan_step(D, G, real, z, d_opt, g_opt, loss_fn)가 실패했습니다: backward()에 필요한 "
            "파라미터를, 그 파라미터를 쓴 순전파 뒤에 옵티마이저가 제자리에서(in place) 바꿔 "
            "놓았습니다(PyTorch: 'modified by an inplace operation'). 각 옵티마이저는 자기 "
            "단계의 backward() 뒤에만 step해야 합니다: d_opt는 1단계와 2단계의 끝에서, g_opt는 "
            "3단계의 끝에서만 step합니다. 흔한 원인: 1단계와 2단계에서 g_opt를 step해서, 3단계를 "
            "위해 생성기의 출력을 남겨 둔 채 생성기를 바꿨습니다. 또는 어떤 네트워크의 순전파와 "
            "그 backward() 사이에 그 네트워크의 옵티마이저가 step했습니다.",
        )
    elif no_graph and came_in_frozen:
        why = msg(
            "gan_step(D, G, real, z, d_opt, g_opt, loss_fn) failed: backward() was called on a "
            "loss that does not require grad (PyTorch: 'element 0 of tensors does not require "
            "grad and does not have a grad_fn'), and D came into this gan_step still frozen. "
            "Expected every parameter of D to require grad again when the previous gan_step "
            "returned. The likely mistake: freeze(D) for step 3 without unfreeze(D) after "
            "g_opt.step(), so step 1 of the next round had nothing to learn.",
            "gan_step(D, G, real, z, d_opt, g_opt, loss_fn)가 실패했습니다: 기울기가 필요 없는 "
            "손실에 backward()를 호출했고(PyTorch: 'element 0 of tensors does not require "
            "grad and does not have a grad_fn'), 판별기는 얼어 있는 채로 이번 gan_step에 "
            "들어왔습니다. 이전 gan_step이 반환될 때 판별기의 모든 파라미터가 다시 기울기를 "
            "필요로 해야 합니다. 흔한 원인: 3단계를 위해 freeze(D)를 하고 g_opt.step() 뒤에 "
            "unfreeze(D)를 하지 않아서, 다음 라운드의 1단계에 배울 것이 없었습니다.",
        )
    elif no_graph:
        why = msg(
            "gan_step(D, G, real, z, d_opt, g_opt, loss_fn) failed: backward() was called on a "
            "loss that does not require grad (PyTorch: 'element 0 of tensors does not require "
            "grad and does not have a grad_fn'). Expected every step's loss to come from D's "
            "output with gradients on. The likely mistake: step 3 showed a frozen D a detached "
            "fake (G's step needs the fake that is not detached, still attached to G), or G's "
            "forward pass ran under torch.no_grad(), which leaves step 3 no graph back to G.",
            "gan_step(D, G, real, z, d_opt, g_opt, loss_fn)가 실패했습니다: 기울기가 필요 없는 "
            "손실에 backward()를 호출했습니다(PyTorch: 'element 0 of tensors does not require "
            "grad and does not have a grad_fn'). 모든 단계의 손실은 기울기가 켜진 판별기의 "
            "출력에서 나와야 합니다. 흔한 원인: 3단계에서 얼린 판별기에 detach한 가짜를 보여 "
            "주었습니다(생성기의 단계에는 아직 생성기에 이어져 있는, detach하지 않은 가짜가 "
            "필요합니다). 또는 생성기의 순전파를 torch.no_grad() 안에서 실행해서 3단계에 생성기로 "
            "돌아가는 그래프가 없습니다.",
        )
    else:
        why = msg(
            "gan_step(D, G, real, z, d_opt, g_opt, loss_fn) raised an error; expected it to run "
            "the book's three steps and return StepLosses. Read the error below, then check "
            "each step in turn: zero_grad(), D(...), loss_fn(prediction, target) with a target "
            "shaped like D's output, backward(), step().",
            "gan_step(D, G, real, z, d_opt, g_opt, loss_fn)에서 오류가 일어났습니다. 책의 세 "
            "단계를 실행하고 StepLosses를 반환해야 합니다. 아래 오류를 읽고 각 단계를 차례로 "
            "확인하세요: zero_grad(), D(...), 판별기 출력과 같은 모양의 목표값으로 "
            "loss_fn(prediction, target), backward(), step().",
        )
    return msg(
        "{why}\nIt raised {kind}: {error}",
        "{why}\n일어난 오류: {kind}: {error}",
        why=why,
        kind=type(error).__name__,
        error=error,
    )


def _discriminator() -> nn.Sequential:
    return nn.Sequential(nn.Linear(FEATURES, 3), nn.Sigmoid(), nn.Linear(3, 1), nn.Sigmoid())


def _generator() -> nn.Sequential:
    return nn.Sequential(
        nn.Linear(SEED_SIZE, 3), nn.Sigmoid(), nn.Linear(3, FEATURES), nn.Sigmoid()
    )


# The spies: a D, a G, two optimisers and a loss function that write one shared log.


@dataclass
class Event:
    label: str
    D: list[torch.Tensor]  # D's parameters right after the event
    G: list[torch.Tensor]
    grads: list[torch.Tensor] | None = None  # an optimiser's .grad when it stepped
    prediction: torch.Tensor | None = None
    target: torch.Tensor | None = None
    value: float | None = None


class Spy(nn.Module):
    """A tiny model that logs every forward pass (and, for D, what it was shown)."""

    def __init__(self, name: str, net: nn.Module, rig: Rig) -> None:
        super().__init__()
        self.name, self.net, self.rig = name, net, rig

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.net(x)
        label = f"D({self.rig.describe(x)})" if self.name == "D" else "G(z)"
        self.rig.note(label, prediction=y.detach().clone())
        return y


class SpySGD(torch.optim.SGD):
    """Plain SGD that logs zero_grad() and step(), and the gradients each step used."""

    def __init__(self, name: str, params, rig: Rig) -> None:
        super().__init__(params, lr=LR)
        self.name, self.rig = name, rig

    def zero_grad(self, set_to_none: bool = True) -> None:
        super().zero_grad(set_to_none)
        self.rig.note(f"{self.name}.zero_grad()")

    def step(self, closure=None):
        params = [p for group in self.param_groups for p in group["params"]]
        grads = [torch.zeros_like(p) if p.grad is None else p.grad.clone() for p in params]
        result = super().step(closure)
        self.rig.note(f"{self.name}.step()", grads=grads)
        return result


def _target_label(target: torch.Tensor) -> str:
    if torch.all(target == 1):
        return "1"
    if torch.all(target == 0):
        return "0"
    return str([round(v, 3) for v in target.flatten().tolist()][:8])


class SpyLoss:
    """The loss function, logging each call's prediction, target and value."""

    def __init__(self, fn: Callable, rig: Rig) -> None:
        self.fn, self.rig = fn, rig

    def __call__(self, input: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        if not isinstance(target, torch.Tensor) or target.shape != input.shape:
            pytest.fail(
                msg(
                    "loss_fn got a prediction of shape {shape} and a target {target}; expected "
                    "a target shaped like D's output, for any batch size: "
                    "torch.ones_like(prediction) or torch.zeros_like(prediction), never a fixed "
                    "torch.ones(1, 1) as for the book's one image at a time.",
                    "loss_fn이 받은 예측의 모양은 {shape}, 목표값은 {target}입니다. 목표값은 어떤 "
                    "배치 크기에서도 판별기 출력과 같은 모양이어야 합니다: "
                    "torch.ones_like(prediction)이나 torch.zeros_like(prediction)를 쓰고, 책처럼 "
                    "한 번에 이미지 하나를 다룰 때의 고정된 torch.ones(1, 1)은 쓰지 마세요.",
                    shape=tuple(input.shape),
                    target=tuple(getattr(target, "shape", ())) or repr(target),
                ),
                pytrace=False,
            )
        if target.requires_grad and not input.requires_grad:
            pytest.fail(
                msg(
                    "loss_fn was called with the target first (its first argument needs no "
                    "grad, its second does); expected loss_fn(prediction, target), D's output "
                    "first, as every PyTorch loss expects.",
                    "loss_fn을 목표값을 먼저 넘겨 호출했습니다(첫 번째 인자는 기울기가 필요 없고 "
                    "두 번째 인자가 기울기를 필요로 합니다). 모든 PyTorch 손실이 기대하는 대로 "
                    "판별기의 출력을 먼저, loss_fn(prediction, target)으로 호출하세요.",
                ),
                pytrace=False,
            )
        loss = self.fn(input, target)
        self.rig.note(
            f"loss_fn(target {_target_label(target)})",
            prediction=input.detach().clone(),
            target=target.detach().clone(),
            value=loss.detach().item(),
        )
        return loss


class Rig:
    """D, G, their optimisers, a loss function and a batch, all reporting to ``events``."""

    def __init__(self, batch_size: int, stale_grads: bool = True) -> None:
        self.events: list[Event] = []
        self.D = Spy("D", _discriminator(), self)
        self.G = Spy("G", _generator(), self)
        self.d_opt = SpySGD("d_opt", self.D.parameters(), self)
        self.g_opt = SpySGD("g_opt", self.G.parameters(), self)
        self.loss_fn = SpyLoss(nn.BCELoss(), self)
        self.new_batch(batch_size)
        if stale_grads:
            for p in [*self.D.parameters(), *self.G.parameters()]:
                p.grad = torch.full_like(p, STALE)

    def new_batch(self, batch_size: int) -> None:
        self.real = torch.rand(batch_size, FEATURES)
        self.z = torch.randn(batch_size, SEED_SIZE)

    def params(self) -> tuple[list[torch.Tensor], list[torch.Tensor]]:
        return (
            [p.detach().clone() for p in self.D.net.parameters()],
            [p.detach().clone() for p in self.G.net.parameters()],
        )

    def note(self, label: str, **data) -> None:
        self.events.append(Event(label, *self.params(), **data))

    def describe(self, x: torch.Tensor) -> str:
        if x.shape == self.real.shape and torch.equal(x, self.real):
            return "real"
        if x.shape == self.fake.shape and torch.allclose(x, self.fake, atol=1e-6):
            return "fake" if x.requires_grad else "fake.detach()"
        return "something else"

    def run(self, kata) -> tuple[object, list[Event]]:
        """One gan_step on the current batch: what it returned, and what it did."""
        with torch.no_grad():
            self.fake = self.G.net(self.z)
        start = len(self.events)
        self.note("start")
        came_in_frozen = not all(p.requires_grad for p in self.D.parameters())
        try:
            losses = kata.gan_step(
                self.D, self.G, self.real, self.z, self.d_opt, self.g_opt, self.loss_fn
            )
        except NotImplementedError:
            raise
        except Exception as error:
            pytest.fail(crashed(error, came_in_frozen), pytrace=False)
        return losses, self.events[start:]


@pytest.fixture(params=[1, 7], ids=lambda b: f"batch{b}")
def rig(request) -> Rig:
    return Rig(request.param)


def _labels(events: list[Event], prefix: str) -> list[str]:
    return [e.label for e in events if e.label.startswith(prefix)]


def _trace(events: list[Event]) -> list[str]:
    """The log without zero_grad() calls and G's forward passes, which may come anywhere."""
    return [
        e.label for e in events[1:] if not e.label.startswith("G(") and "zero_grad" not in e.label
    ]


def _same(a: list[torch.Tensor], b: list[torch.Tensor], atol: float = 1e-6) -> bool:
    return all(torch.allclose(x, y, atol=atol) for x, y in zip(a, b, strict=True))


@dataclass
class Reference:
    """The book's three steps on the same D, G and batch, done by hand with autograd."""

    losses: list[float] = field(default_factory=list)
    grads: list[list[torch.Tensor]] = field(default_factory=list)  # d step, d step, g step
    D: list[torch.Tensor] = field(default_factory=list)
    G: list[torch.Tensor] = field(default_factory=list)


def _reference(rig: Rig, d_params: list[torch.Tensor], g_params: list[torch.Tensor]) -> Reference:
    bce = nn.BCELoss()
    d_names = [name for name, _ in rig.D.net.named_parameters()]
    g_names = [name for name, _ in rig.G.net.named_parameters()]

    def D(params, x):
        return functional_call(rig.D.net, dict(zip(d_names, params, strict=True)), (x,))

    def G(params, x):
        return functional_call(rig.G.net, dict(zip(g_names, params, strict=True)), (x,))

    ref = Reference()

    def sgd(params, loss):
        grads = torch.autograd.grad(loss, params)
        ref.losses.append(loss.detach().item())
        ref.grads.append([g.detach() for g in grads])
        return [(p - LR * g).detach().requires_grad_() for p, g in zip(params, grads, strict=True)]

    d = [p.clone().requires_grad_() for p in d_params]
    g = [p.clone().requires_grad_() for p in g_params]
    prediction = D(d, rig.real)
    d = sgd(d, bce(prediction, torch.ones_like(prediction)))
    prediction = D(d, G(g, rig.z).detach())
    d = sgd(d, bce(prediction, torch.zeros_like(prediction)))
    prediction = D(d, G(g, rig.z))
    g = sgd(g, bce(prediction, torch.ones_like(prediction)))
    ref.D, ref.G = [p.detach() for p in d], [p.detach() for p in g]
    return ref


def _layers() -> nn.Module:
    """A module with nested layers and several parameters, as a real D has."""
    return nn.Sequential(nn.Linear(3, 4), nn.LeakyReLU(0.2), nn.Sequential(nn.Linear(4, 2)))


# ## Task 4.1: freeze and unfreeze


def test_freeze_turns_off_requires_grad_on_every_parameter(kata):
    module = _layers()
    kata.freeze(module)
    still = [name for name, p in module.named_parameters() if p.requires_grad]
    assert not still, msg(
        "After freeze(module) these parameters still require grad: {still}; expected none. "
        "Call requires_grad_(False) on every parameter in module.parameters() (nested layers "
        "included). Note: module.requires_grad = False, the Keras habit of trainable = False, "
        "only sets a new attribute that no parameter ever reads.",
        "freeze(module) 뒤에도 이 파라미터들이 여전히 기울기를 필요로 합니다: {still}. 하나도 "
        "없어야 합니다. module.parameters()의 모든 파라미터(중첩된 층 포함)에 "
        "requires_grad_(False)를 호출하세요. 참고: Keras의 trainable = False 습관대로 쓴 "
        "module.requires_grad = False는 어떤 파라미터도 읽지 않는 새 속성 하나를 만들 뿐입니다.",
        still=still,
    )


def test_unfreeze_turns_requires_grad_back_on_for_every_parameter(kata):
    module = _layers()
    module.requires_grad_(False)
    kata.unfreeze(module)
    frozen = [name for name, p in module.named_parameters() if not p.requires_grad]
    assert not frozen, msg(
        "After unfreeze(module) on a frozen module these parameters still do not require "
        "grad: {frozen}; expected every parameter to require grad again (requires_grad_(True) "
        "on each), or D could never learn again after its first G step. module.train() does "
        "not do it: it switches the training mode (dropout, batch norm), not requires_grad.",
        "얼린 모듈에 unfreeze(module)를 한 뒤에도 이 파라미터들이 여전히 기울기를 필요로 하지 "
        "않습니다: {frozen}. 모든 파라미터가 다시 기울기를 필요로 해야 합니다(각각에 "
        "requires_grad_(True)). 그렇지 않으면 판별기는 첫 생성기 단계 뒤로 다시는 배우지 "
        "못합니다. module.train()으로는 안 됩니다: 그것은 requires_grad가 아니라 훈련 "
        "모드(드롭아웃, 배치 정규화)를 바꿉니다.",
        frozen=frozen,
    )


def test_gradients_flow_through_a_frozen_d_into_g(kata):
    D, G = _discriminator(), _generator()
    kata.freeze(D)
    prediction = D(G(torch.randn(5, SEED_SIZE)))
    nn.BCELoss()(prediction, torch.ones_like(prediction)).backward()
    touched = [name for name, p in D.named_parameters() if p.grad is not None]
    assert not touched, msg(
        "freeze(D), then a backward pass through D(G(z)): D's parameters {touched} collected "
        ".grad; expected none. A frozen D's parameters must have requires_grad False.",
        "freeze(D) 뒤에 D(G(z))를 거쳐 역전파했더니 판별기의 파라미터 {touched}에 .grad가 "
        "생겼습니다. 하나도 없어야 합니다. 얼린 판별기의 파라미터는 requires_grad가 False여야 "
        "합니다.",
        touched=touched,
    )
    assert all(p.grad is not None and p.grad.abs().sum() > 0 for p in G.parameters()), msg(
        "freeze(D), then a backward pass through D(G(z)): G's parameters got no gradient; "
        "expected every one to get one. Freezing D must stop only D's own parameters; the "
        "gradient still flows through D into G. That is the whole point of step 3.",
        "freeze(D) 뒤에 D(G(z))를 거쳐 역전파했더니 생성기의 파라미터가 기울기를 받지 "
        "못했습니다. 모두 기울기를 받아야 합니다. 판별기를 얼리면 판별기 자신의 파라미터만 "
        "멈춰야 하고, 기울기는 여전히 판별기를 거쳐 생성기로 흐릅니다. 그것이 3단계의 요점입니다.",
    )


# ## Task 4.2: gan_step


def test_gan_step_returns_step_losses_of_three_floats(kata, rig):
    losses, _ = rig.run(kata)
    assert isinstance(losses, kata.StepLosses), msg(
        "gan_step returned a {kind}; expected StepLosses(d_real, d_fake, g).",
        "gan_step의 반환값이 {kind}입니다. StepLosses(d_real, d_fake, g)여야 합니다.",
        kind=type(losses).__name__,
    )
    for name, value in zip(losses._fields, losses, strict=True):
        assert isinstance(value, float), msg(
            "losses.{name} is a {kind}; expected a Python float. Call .item() on each loss: a "
            "loss tensor keeps its whole graph alive, and a list of them, kept for a plot, "
            "fills the memory.",
            "losses.{name}가 {kind}입니다. Python float여야 합니다. 각 손실에 .item()을 "
            "호출하세요: 손실 텐서는 그래프 전체를 붙잡고 있어서, 그래프를 그리려고 모아 둔 손실 "
            "텐서 목록이 메모리를 가득 채웁니다.",
            name=name,
            kind=type(value).__name__,
        )


def test_loss_fn_is_called_once_per_step_with_d_output_first(kata, rig):
    _, events = rig.run(kata)
    outputs = [e.prediction for e in events if e.label.startswith("D(")]
    losses = [e for e in events if e.label.startswith("loss_fn")]
    assert len(losses) == 3, msg(
        "gan_step called loss_fn {calls} times; expected 3, one per step (D on real, D on "
        "fake, G through D). Use the loss_fn you are given rather than building your own.",
        "gan_step이 loss_fn을 {calls}번 호출했습니다. 단계마다 한 번씩(진짜에 대한 판별기, "
        "가짜에 대한 판별기, 판별기를 거친 생성기) 3번이어야 합니다. 손실 함수를 직접 만들지 말고 "
        "주어진 loss_fn을 쓰세요.",
        calls=len(losses),
    )
    assert len(outputs) == 3, msg(
        "D ran {passes} forward passes; expected 3, one per step: {seen}",
        "판별기의 순전파가 {passes}번 실행되었습니다. 단계마다 한 번씩 3번이어야 합니다: {seen}",
        passes=len(outputs),
        seen=_labels(events, "D("),
    )
    for step, (output, loss) in enumerate(zip(outputs, losses, strict=True), start=1):
        assert torch.allclose(loss.prediction.flatten(), output.flatten()), msg(
            "Step {step}'s loss_fn call did not get the output of D's forward pass number "
            "{step} as its prediction; expected it to. Call loss_fn(prediction, target) right "
            "after each D(...), prediction first.",
            "{step}단계의 loss_fn 호출이 판별기의 {step}번째 순전파 출력을 예측으로 받지 "
            "않았습니다. 받아야 합니다. 각 D(...) 바로 뒤에 예측을 먼저 넣어 "
            "loss_fn(prediction, target)을 호출하세요.",
            step=step,
        )


def test_targets_are_1_for_real_0_for_fake_and_1_for_g(kata, rig):
    _, events = rig.run(kata)
    seen = [
        e.label.removeprefix("loss_fn(target ").removesuffix(")")
        for e in events
        if e.label.startswith("loss_fn")
    ]
    swapped = sorted(seen) == ["0", "1", "1"] and seen != ["1", "0", "1"]
    note = (
        msg(
            "Right targets, wrong order: are steps 2 and 3 swapped? ",
            "목표값은 맞지만 순서가 틀렸습니다: 2단계와 3단계를 바꾸지 않았나요? ",
        )
        if swapped
        else ""
    )
    assert seen == ["1", "0", "1"], msg(
        "{note}loss_fn got the targets {seen}, step by step; expected ['1', '0', '1']: 1 for "
        "the real batch in step 1, 0 for the fake in step 2, and 1 again in step 3, because G "
        "is trained to make D say 'real' (the book's G.train(D, z, 1), target 1, not 0). Build "
        "each target with torch.ones_like or torch.zeros_like of D's output.",
        "{note}loss_fn이 단계별로 받은 목표값은 {seen}입니다. ['1', '0', '1']이어야 합니다: "
        "1단계의 진짜 배치에는 1, 2단계의 가짜에는 0, 3단계에는 다시 1입니다. 생성기는 판별기가 "
        "'진짜'라고 말하게 하도록 훈련되기 때문입니다(책의 G.train(D, z, 1), 목표값은 0이 아니라 "
        "1). 각 목표값은 판별기 출력에 torch.ones_like나 torch.zeros_like를 써서 만드세요.",
        note=note,
        seen=seen,
    )


def _diagnose_inputs(seen: list[str]) -> str:
    if seen == ["D(real)", "D(fake)", "D(fake.detach())"]:
        return msg(
            "Steps 2 and 3 are swapped: G trained through D before D had learned from the fake. ",
            "2단계와 3단계가 바뀌었습니다: 판별기가 가짜로 배우기 전에 생성기가 판별기를 거쳐 "
            "훈련했습니다. ",
        )
    if len(seen) >= 2 and seen[1] == "D(fake)":
        return msg(
            "In step 2 D saw a fake that still requires grad: you forgot .detach(), so D's "
            "backward pass also filled G's .grad. ",
            "2단계에서 판별기가 본 가짜가 아직 기울기를 필요로 합니다: .detach()를 잊어서 판별기의 "
            "역전파가 생성기의 .grad까지 채웠습니다. ",
        )
    if len(seen) >= 3 and seen[2] == "D(fake.detach())":
        return msg(
            "In step 3 D saw a detached fake: G's step needs the fake that is not detached, or "
            "no gradient can reach G. ",
            "3단계에서 판별기가 detach한 가짜를 보았습니다: 생성기의 단계에는 detach하지 않은 "
            "가짜가 필요합니다. 그렇지 않으면 어떤 기울기도 생성기에 닿지 못합니다. ",
        )
    if "D(something else)" in seen:
        return msg(
            "D saw a batch that is neither real nor G(z) for the z you were given: use the z "
            "argument (a fresh z is the caller's job). ",
            "판별기가 진짜 배치도, 주어진 z로 만든 G(z)도 아닌 배치를 보았습니다: 주어진 인자 z를 "
            "쓰세요(새 z를 뽑는 것은 호출하는 쪽의 일입니다). ",
        )
    return ""


def test_d_sees_real_then_the_detached_fake_then_the_fake(kata, rig):
    _, events = rig.run(kata)
    seen = _labels(events, "D(")
    expected = ["D(real)", "D(fake.detach())", "D(fake)"]
    assert seen == expected, msg(
        "{diagnosis}D's forward passes were {seen}; expected {expected} in that order: step 1 "
        "shows D the real batch, step 2 the fake detached from G, D(G(z).detach()), step 3 "
        "the fake still attached to G, D(G(z)). {legend}",
        "{diagnosis}판별기의 순전파는 {seen}였습니다. 이 순서로 {expected}여야 합니다: 1단계는 "
        "판별기에 진짜 배치를, 2단계는 생성기에서 떼어 낸 가짜 D(G(z).detach())를, 3단계는 아직 "
        "생성기에 이어져 있는 가짜 D(G(z))를 보여 줍니다. {legend}",
        diagnosis=_diagnose_inputs(seen),
        seen=seen,
        expected=expected,
        legend=log_legend(),
    )


def test_d_steps_twice_then_g_once_in_the_book_order(kata, rig):
    _, events = rig.run(kata)
    seen = _trace(events)
    d_steps, g_steps = seen.count("d_opt.step()"), seen.count("g_opt.step()")
    assert (d_steps, g_steps) == (2, 1), msg(
        "gan_step called d_opt.step() {d_steps} times and g_opt.step() {g_steps} times; "
        "expected d_opt.step() twice (after step 1 and after step 2, as the book's D.train is "
        "called twice) and g_opt.step() once, in step 3. Step 3 trains G only: never step "
        "d_opt there. (pytorch/examples adds D's two losses and steps D once: a fine variant, "
        "but this kata follows the book.)\nThe log: {log}",
        "gan_step이 d_opt.step()을 {d_steps}번, g_opt.step()을 {g_steps}번 호출했습니다. "
        "d_opt.step()은 두 번(책의 D.train이 두 번 호출되듯 1단계 뒤와 2단계 뒤), g_opt.step()은 "
        "3단계에서 한 번이어야 합니다. 3단계는 생성기만 훈련합니다: 거기서는 절대 d_opt를 "
        "step하지 마세요. (pytorch/examples는 판별기의 두 손실을 더해 판별기를 한 번 step합니다. "
        "괜찮은 변형이지만 이 카타는 책을 따릅니다.)\n기록: {log}",
        d_steps=d_steps,
        g_steps=g_steps,
        log=seen,
    )
    assert seen == BOOK_ORDER, msg(
        "gan_step's forward passes, losses and steps came in the order\n  {seen}\nexpected "
        "the book's order\n  {book}\n1. D on real, step D; 2. D on the detached fake, step D; "
        "3. G through D, step G. {legend}",
        "gan_step의 순전파, 손실, step이 이 순서로 일어났습니다\n  {seen}\n책의 순서여야 "
        "합니다\n  {book}\n1. 진짜로 판별기, 판별기 step; 2. detach한 가짜로 판별기, 판별기 "
        "step; 3. 판별기를 거쳐 생성기, 생성기 step. {legend}",
        seen=seen,
        book=BOOK_ORDER,
        legend=log_legend(),
    )


def _step_3_start(events: list[Event]) -> int:
    forwards = [i for i, e in enumerate(events) if e.label.startswith("D(")]
    assert len(forwards) == 3, msg(
        "D ran {passes} forward passes; expected 3, one per step: {seen}",
        "판별기의 순전파가 {passes}번 실행되었습니다. 단계마다 한 번씩 3번이어야 합니다: {seen}",
        passes=len(forwards),
        seen=_labels(events, "D("),
    )
    return forwards[2]


def test_g_is_unchanged_by_steps_1_and_2(kata, rig):
    _, events = rig.run(kata)
    unchanged = _same(events[_step_3_start(events)].G, events[0].G)
    assert unchanged, msg(
        "G's parameters changed during steps 1 and 2 (before D's third forward pass); "
        "expected G to change only in step 3. Did you call g_opt.step() while training D in "
        "steps 1 and 2? (G's .grad still held something from earlier work, so that step moved "
        "G.) The log: {log}",
        "1단계와 2단계에서(판별기의 세 번째 순전파 전에) 생성기의 파라미터가 바뀌었습니다. "
        "생성기는 3단계에서만 바뀌어야 합니다. 1단계와 2단계에서 판별기를 훈련하면서 "
        "g_opt.step()을 호출하지 않았나요? (생성기의 .grad에 이전 작업이 남긴 값이 있어서 그 "
        "step이 생성기를 움직였습니다.) 기록: {log}",
        log=_trace(events),
    )


def test_d_is_unchanged_by_step_3(kata, rig):
    _, events = rig.run(kata)
    at_step_3 = events[_step_3_start(events)].D
    unchanged = _same(events[-1].D, at_step_3) and _same(rig.params()[0], at_step_3)
    assert unchanged, msg(
        "D's parameters changed in step 3, after D's third forward pass; expected step 3 to "
        "train G only: step g_opt there, never d_opt. In PyTorch a network changes only when "
        "an optimiser holding its parameters steps, so stepping only g_opt keeps D's weights "
        "where they are, frozen or not; freezing D does not stop a d_opt.step(). (Keras needs "
        "discriminator.trainable = False here, because the combined model's one optimiser "
        "updates every trainable weight it holds.) The log: {log}",
        "3단계에서, 판별기의 세 번째 순전파 뒤에 판별기의 파라미터가 바뀌었습니다. 3단계는 "
        "생성기만 훈련해야 합니다: 거기서는 g_opt를 step하고 d_opt는 절대 step하지 마세요. "
        "PyTorch에서 네트워크는 그 파라미터를 가진 옵티마이저가 step할 때만 바뀌므로, g_opt만 "
        "step하면 판별기를 얼리든 말든 판별기의 가중치는 그대로입니다. 판별기를 얼려도 "
        "d_opt.step()은 막지 못합니다. (Keras에서는 여기서 discriminator.trainable = False가 "
        "필요합니다. 결합 모델의 옵티마이저 하나가 그 모델이 가진 훈련 가능한 가중치를 모두 "
        "갱신하기 때문입니다.) 기록: {log}",
        log=_trace(events),
    )


def test_each_step_uses_only_the_gradient_of_its_own_loss(kata, rig):
    d0, g0 = rig.params()
    ref = _reference(rig, d0, g0)
    _, events = rig.run(kata)
    steps = [e for e in events if e.label.endswith(".step()")]
    labels = [e.label for e in steps]
    assert labels == ["d_opt.step()", "d_opt.step()", "g_opt.step()"], msg(
        "The optimiser steps were {labels}; expected d_opt twice, then g_opt once: d_opt after "
        "steps 1 and 2, g_opt in step 3 only.",
        "옵티마이저 step은 {labels}였습니다. d_opt 두 번, 그다음 g_opt 한 번이어야 합니다: d_opt는 "
        "1단계와 2단계 뒤에, g_opt는 3단계에서만 step합니다.",
        labels=labels,
    )
    d_stale = [torch.full_like(p, STALE) for p in d0]
    g_stale = [torch.full_like(p, STALE) for p in g0]
    step_1 = ref.grads[0]
    # What a missing zero_grad() leaves in .grad: the stale gradient, step 1's, or both.
    leftovers = [
        [d_stale],
        [step_1, [a + b for a, b in zip(d_stale, step_1, strict=True)]],
        [g_stale],
    ]
    step_names = [
        msg("step 1 (D on real)", "1단계(진짜에 대한 판별기)"),
        msg("step 2 (D on the fake)", "2단계(가짜에 대한 판별기)"),
        msg("step 3 (G through D)", "3단계(판별기를 거친 생성기)"),
    ]
    zero = ["d_opt.zero_grad()", "d_opt.zero_grad()", "g_opt.zero_grad()"]
    for k, (event, expected) in enumerate(zip(steps, ref.grads, strict=True)):
        if _same(event.grads, expected, atol=1e-5):
            continue
        if any(
            _same(event.grads, [e + x for e, x in zip(expected, extra, strict=True)], 1e-5)
            for extra in leftovers[k]
        ):
            why = msg(
                "it held that gradient plus what was already in .grad: gradients accumulate "
                "until zero_grad() clears them. Call {zero} right before the backward() of this "
                "step, every time.",
                "그 기울기에 .grad에 이미 있던 값이 더해져 있었습니다: 기울기는 zero_grad()가 "
                "지울 때까지 쌓입니다. 이 단계의 backward() 바로 앞에서 매번 {zero}를 "
                "호출하세요.",
                zero=zero[k],
            )
        else:
            why = msg(
                "it held something else. Check that this step's loss is the one the book "
                "computes, and call {zero} before its backward().",
                "전혀 다른 값이 있었습니다. 이 단계의 손실이 책이 계산하는 손실인지 확인하고, 그 "
                "backward() 전에 {zero}를 호출하세요.",
                zero=zero[k],
            )
        pytest.fail(
            msg(
                "{label} in {step} should follow exactly the gradient of that step's loss, but "
                "{why} The parameters had .grad = {stale} from earlier work when gan_step began.",
                "{step}의 {label}은 그 단계 손실의 기울기만 정확히 따라야 하는데, {why} "
                "gan_step이 시작될 때 파라미터의 .grad에는 이전 작업이 남긴 값 {stale}이 들어 "
                "있었습니다.",
                label=event.label,
                step=step_names[k],
                why=why,
                stale=STALE,
            ),
            pytrace=False,
        )


def test_returned_losses_are_the_losses_of_the_three_steps(kata, rig):
    losses, events = rig.run(kata)
    computed = [e.value for e in events if e.label.startswith("loss_fn")]
    assert len(computed) == 3 and all(
        math.isclose(float(a), b, rel_tol=1e-6) for a, b in zip(losses, computed, strict=True)
    ), msg(
        "gan_step returned {returned} but loss_fn computed {computed}, in that order; expected "
        "StepLosses(d_real=step 1's loss, d_fake=step 2's, g=step 3's), each loss's .item().",
        "gan_step은 {returned}를 반환했지만 loss_fn이 계산한 값은 차례로 {computed}입니다. "
        "StepLosses(d_real=1단계의 손실, d_fake=2단계의 손실, g=3단계의 손실)여야 하고, 각각 "
        "손실의 .item()입니다.",
        returned=tuple(losses),
        computed=computed,
    )


def test_every_parameter_requires_grad_again_after_the_step(kata, rig):
    rig.run(kata)
    frozen = [
        f"{name}.{param_name}"
        for name, model in (("D", rig.D.net), ("G", rig.G.net))
        for param_name, p in model.named_parameters()
        if not p.requires_grad
    ]
    assert not frozen, msg(
        "After gan_step these parameters no longer require grad: {frozen}; expected every "
        "parameter of D and G to require grad when gan_step returns. Freezing D for step 3 is "
        "optional here, but if you freeze(D), unfreeze(D) after g_opt.step(), or D can never "
        "learn in the next step.",
        "gan_step 뒤에 이 파라미터들이 더는 기울기를 필요로 하지 않습니다: {frozen}. gan_step이 "
        "반환될 때 판별기와 생성기의 모든 파라미터가 기울기를 필요로 해야 합니다. 3단계를 위해 "
        "판별기를 얼리는 것은 여기서는 선택 사항이지만, freeze(D)를 했다면 g_opt.step() 뒤에 "
        "unfreeze(D)를 하세요. 그렇지 않으면 판별기는 다음 단계에서 배울 수 없습니다.",
        frozen=frozen,
    )


def test_two_steps_in_a_row_train_like_the_book(kata):
    rig = Rig(7, stale_grads=False)
    for number in (1, 2):
        d0, g0 = rig.params()
        ref = _reference(rig, d0, g0)
        rig.run(kata)
        d1, g1 = rig.params()
        as_in_the_book = _same(d1, ref.D, atol=1e-5) and _same(g1, ref.G, atol=1e-5)
        assert as_in_the_book, msg(
            "After gan_step number {number} (fresh models, a batch of 7, plain SGD), D and G "
            "are not where the book's three steps take them: step 1 trains D on real with "
            "target 1, step 2 D on the detached fake with target 0, step 3 G through D with "
            "target 1, each after zero_grad() and each moving only its own network. (Step 3 "
            "fills D's .grad unless D is frozen: the next step 1 must not use it.) "
            "\nThe log: {log}",
            "{number}번째 gan_step 뒤에(새 모델, 배치 크기 7, 기본 SGD) 판별기와 생성기가 책의 세 "
            "단계가 데려가는 곳에 있지 않습니다: 1단계는 진짜로 판별기를 목표값 1로, 2단계는 "
            "detach한 가짜로 판별기를 목표값 0으로, 3단계는 판별기를 거쳐 생성기를 목표값 1로 "
            "훈련하며, 각 단계는 zero_grad() 뒤에 자기 네트워크만 움직입니다. (판별기를 얼리지 "
            "않으면 3단계가 판별기의 .grad를 채웁니다: 다음 1단계가 그것을 쓰면 안 됩니다.) "
            "\n기록: {log}",
            number=number,
            log=_trace(rig.events),
        )
        rig.new_batch(7)
