"""Kata 4 · The GAN step: D on real, D on detached fake, G through D (katas/step_order.py)."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
import torch
from torch import nn
from torch.func import functional_call

from gankata.testkit.assertions import call

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
LOG_LEGEND = (
    "(In this log D(fake) is a generated batch that still carries G's graph, i.e. requires "
    "grad; D(fake.detach()) is one that does not.)"
)
CRASHED = (
    "gan_step(D, G, real, z, d_opt, g_opt, loss_fn) raised an error. 'Trying to backward "
    "through the graph a second time' means step 2's backward went on into G: show D "
    "fake.detach() in step 2. 'element 0 of tensors does not require grad' means a backward "
    "found no graph: step 3 needs the fake that is not detached, and D must not be left "
    "frozen after step 3. 'modified by an inplace operation' means an optimiser stepped a "
    "network between its forward pass and the backward pass that needed it: step g_opt only "
    "at the end of step 3, never in steps 1 and 2."
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
                f"loss_fn got a prediction of shape {tuple(input.shape)} and a target "
                f"{tuple(getattr(target, 'shape', ())) or repr(target)}; the target must be "
                "shaped like D's output, for any batch size: torch.ones_like(prediction) or "
                "torch.zeros_like(prediction), never a fixed torch.ones(1, 1) as for the "
                "book's one image at a time.",
                pytrace=False,
            )
        if target.requires_grad and not input.requires_grad:
            pytest.fail(
                "loss_fn was called with the target first: call loss_fn(prediction, target), "
                "D's output first, as every PyTorch loss expects.",
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
        losses = call(
            kata.gan_step,
            self.D,
            self.G,
            self.real,
            self.z,
            self.d_opt,
            self.g_opt,
            self.loss_fn,
            why=CRASHED,
        )
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
    assert not still, (
        f"After freeze(module) these parameters still require grad: {still}; expected none. "
        "Call requires_grad_(False) on every parameter in module.parameters() (nested layers "
        "included). Note: module.requires_grad = False, the Keras habit of trainable = False, "
        "only sets a new attribute that no parameter ever reads."
    )


def test_unfreeze_turns_requires_grad_back_on_for_every_parameter(kata):
    module = _layers()
    module.requires_grad_(False)
    kata.unfreeze(module)
    frozen = [name for name, p in module.named_parameters() if not p.requires_grad]
    assert not frozen, (
        f"After unfreeze(module) on a frozen module these parameters still do not require "
        f"grad: {frozen}; expected every parameter to require grad again (requires_grad_(True) "
        "on each), or D could never learn again after its first G step."
    )


def test_gradients_flow_through_a_frozen_d_into_g(kata):
    D, G = _discriminator(), _generator()
    kata.freeze(D)
    prediction = D(G(torch.randn(5, SEED_SIZE)))
    nn.BCELoss()(prediction, torch.ones_like(prediction)).backward()
    touched = [name for name, p in D.named_parameters() if p.grad is not None]
    assert not touched, (
        f"freeze(D), then a backward pass through D(G(z)): D's parameters {touched} collected "
        ".grad; expected none. A frozen D's parameters must have requires_grad False."
    )
    assert all(p.grad is not None and p.grad.abs().sum() > 0 for p in G.parameters()), (
        "freeze(D), then a backward pass through D(G(z)): G's parameters got no gradient. "
        "Freezing D must stop only D's own parameters; the gradient still flows through D "
        "into G. That is the whole point of step 3."
    )


# ## Task 4.2: gan_step


def test_gan_step_returns_step_losses_of_three_floats(kata, rig):
    losses, _ = rig.run(kata)
    assert isinstance(losses, kata.StepLosses), (
        f"gan_step returned a {type(losses).__name__}; expected StepLosses(d_real, d_fake, g)."
    )
    for name, value in zip(losses._fields, losses, strict=True):
        assert isinstance(value, float), (
            f"losses.{name} is a {type(value).__name__}; expected a Python float. Call "
            ".item() on each loss: a loss tensor keeps its whole graph alive, and a list of "
            "them, kept for a plot, fills the memory."
        )


def test_loss_fn_is_called_once_per_step_with_d_output_first(kata, rig):
    _, events = rig.run(kata)
    outputs = [e.prediction for e in events if e.label.startswith("D(")]
    losses = [e for e in events if e.label.startswith("loss_fn")]
    assert len(losses) == 3, (
        f"gan_step called loss_fn {len(losses)} times; expected 3, one per step (D on real, "
        "D on fake, G through D). Use the loss_fn you are given rather than building your own."
    )
    assert len(outputs) == 3, (
        f"D ran {len(outputs)} forward passes; expected 3, one per step: {_labels(events, 'D(')}"
    )
    for step, (output, loss) in enumerate(zip(outputs, losses, strict=True), start=1):
        assert torch.allclose(loss.prediction.flatten(), output.flatten()), (
            f"Step {step}'s loss_fn call did not get the output of D's forward pass number "
            f"{step} as its prediction. Call loss_fn(prediction, target) right after each "
            "D(...), prediction first."
        )


def test_targets_are_1_for_real_0_for_fake_and_1_for_g(kata, rig):
    _, events = rig.run(kata)
    seen = [
        e.label.removeprefix("loss_fn(target ").removesuffix(")")
        for e in events
        if e.label.startswith("loss_fn")
    ]
    swapped = sorted(seen) == ["0", "1", "1"] and seen != ["1", "0", "1"]
    assert seen == ["1", "0", "1"], (
        f"{'Right targets, wrong order: are steps 2 and 3 swapped? ' if swapped else ''}"
        f"loss_fn got the targets {seen}, step by step; expected ['1', '0', '1']: 1 for the "
        "real batch in step 1, 0 for the fake in step 2, and 1 again in step 3, because G is "
        "trained to make D say 'real' (the book's G.train(D, z, 1), target 1, not 0). Build "
        "each target with torch.ones_like or torch.zeros_like of D's output."
    )


def _diagnose_inputs(seen: list[str]) -> str:
    if seen == ["D(real)", "D(fake)", "D(fake.detach())"]:
        return "Steps 2 and 3 are swapped: G trained through D before D had learned from the fake. "
    if len(seen) >= 2 and seen[1] == "D(fake)":
        return (
            "In step 2 D saw a fake that still requires grad: you forgot .detach(), so D's "
            "backward pass also filled G's .grad. "
        )
    if len(seen) >= 3 and seen[2] == "D(fake.detach())":
        return (
            "In step 3 D saw a detached fake: G's step needs the fake that is not detached, "
            "or no gradient can reach G. "
        )
    if "D(something else)" in seen:
        return (
            "D saw a batch that is neither real nor G(z) for the z you were given: use the "
            "z argument (a fresh z is the caller's job). "
        )
    return ""


def test_d_sees_real_then_the_detached_fake_then_the_fake(kata, rig):
    _, events = rig.run(kata)
    seen = _labels(events, "D(")
    expected = ["D(real)", "D(fake.detach())", "D(fake)"]
    assert seen == expected, (
        f"{_diagnose_inputs(seen)}D's forward passes were {seen}; expected {expected} in that "
        "order: step 1 shows D the real batch, step 2 the fake detached from G, "
        f"D(G(z).detach()), step 3 the fake still attached to G, D(G(z)). {LOG_LEGEND}"
    )


def test_d_steps_twice_then_g_once_in_the_book_order(kata, rig):
    _, events = rig.run(kata)
    seen = _trace(events)
    d_steps, g_steps = seen.count("d_opt.step()"), seen.count("g_opt.step()")
    assert (d_steps, g_steps) == (2, 1), (
        f"gan_step called d_opt.step() {d_steps} times and g_opt.step() {g_steps} times; "
        "expected d_opt.step() twice (after step 1 and after step 2, as the book's D.train is "
        "called twice) and g_opt.step() once, in step 3. Step 3 trains G only: never step "
        "d_opt there. (pytorch/examples adds D's two losses and steps D once: a fine variant, "
        f"but this kata follows the book.)\nThe log: {seen}"
    )
    assert seen == BOOK_ORDER, (
        f"gan_step's forward passes, losses and steps came in the order\n  {seen}\nexpected "
        f"the book's order\n  {BOOK_ORDER}\n1. D on real, step D; 2. D on the detached fake, "
        f"step D; 3. G through D, step G. {LOG_LEGEND}"
    )


def _step_3_start(events: list[Event]) -> int:
    forwards = [i for i, e in enumerate(events) if e.label.startswith("D(")]
    assert len(forwards) == 3, (
        f"D ran {len(forwards)} forward passes; expected 3, one per step: {_labels(events, 'D(')}"
    )
    return forwards[2]


def test_g_is_unchanged_by_steps_1_and_2(kata, rig):
    _, events = rig.run(kata)
    unchanged = _same(events[_step_3_start(events)].G, events[0].G)
    assert unchanged, (
        "G's parameters changed during steps 1 and 2 (before D's third forward pass); "
        "expected G to change only in step 3. Did you call g_opt.step() while training D "
        "in steps 1 and 2? "
        "(G's .grad still held something from earlier work, so that step moved G.) "
        f"The log: {_trace(events)}"
    )


def test_d_is_unchanged_by_step_3(kata, rig):
    _, events = rig.run(kata)
    at_step_3 = events[_step_3_start(events)].D
    unchanged = _same(events[-1].D, at_step_3) and _same(rig.params()[0], at_step_3)
    assert unchanged, (
        "D's parameters changed in step 3, after D's third forward pass; expected step 3 to "
        "train G only: step g_opt there, never d_opt. Keras needs discriminator.trainable = "
        "False before compiling the combined model for this; in PyTorch stepping only g_opt "
        f"is enough. The log: {_trace(events)}"
    )


def test_each_step_uses_only_the_gradient_of_its_own_loss(kata, rig):
    d0, g0 = rig.params()
    ref = _reference(rig, d0, g0)
    _, events = rig.run(kata)
    steps = [e for e in events if e.label.endswith(".step()")]
    labels = [e.label for e in steps]
    assert labels == ["d_opt.step()", "d_opt.step()", "g_opt.step()"], (
        f"The optimiser steps were {labels}; expected d_opt twice, then g_opt once."
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
    step_names = ["step 1 (D on real)", "step 2 (D on the fake)", "step 3 (G through D)"]
    zero = ["d_opt.zero_grad()", "d_opt.zero_grad()", "g_opt.zero_grad()"]
    for k, (event, expected) in enumerate(zip(steps, ref.grads, strict=True)):
        if _same(event.grads, expected, atol=1e-5):
            continue
        if any(
            _same(event.grads, [e + x for e, x in zip(expected, extra, strict=True)], 1e-5)
            for extra in leftovers[k]
        ):
            why = (
                "it held that gradient plus what was already in .grad: gradients accumulate "
                f"until zero_grad() clears them. Call {zero[k]} right before the backward() "
                "of this step, every time."
            )
        else:
            why = (
                "it held something else. Check that this step's loss is the one the book "
                f"computes, and call {zero[k]} before its backward()."
            )
        pytest.fail(
            f"{event.label} in {step_names[k]} should follow exactly the gradient of that "
            f"step's loss, but {why} The parameters had .grad = {STALE} from earlier work "
            "when gan_step began.",
            pytrace=False,
        )


def test_returned_losses_are_the_losses_of_the_three_steps(kata, rig):
    losses, events = rig.run(kata)
    computed = [e.value for e in events if e.label.startswith("loss_fn")]
    assert len(computed) == 3 and all(
        math.isclose(float(a), b, rel_tol=1e-6) for a, b in zip(losses, computed, strict=True)
    ), (
        f"gan_step returned {tuple(losses)} but loss_fn computed {computed}, in that order; "
        "expected StepLosses(d_real=step 1's loss, d_fake=step 2's, g=step 3's)."
    )


def test_every_parameter_requires_grad_again_after_the_step(kata, rig):
    rig.run(kata)
    frozen = [
        f"{name}.{param_name}"
        for name, model in (("D", rig.D.net), ("G", rig.G.net))
        for param_name, p in model.named_parameters()
        if not p.requires_grad
    ]
    assert not frozen, (
        f"After gan_step these parameters no longer require grad: {frozen}. If you freeze(D) "
        "for step 3, unfreeze(D) after g_opt.step(), or D can never learn in the next step."
    )


def test_two_steps_in_a_row_train_like_the_book(kata):
    rig = Rig(7, stale_grads=False)
    for number in (1, 2):
        d0, g0 = rig.params()
        ref = _reference(rig, d0, g0)
        rig.run(kata)
        d1, g1 = rig.params()
        as_in_the_book = _same(d1, ref.D, atol=1e-5) and _same(g1, ref.G, atol=1e-5)
        assert as_in_the_book, (
            f"After gan_step number {number} (fresh models, a batch of 7, plain SGD), D and G "
            "are not where the book's three steps take them: step 1 trains D on real with "
            "target 1, step 2 D on the detached fake with target 0, step 3 G through D with "
            "target 1, each after zero_grad() and each moving only its own network. (Step 3 "
            "fills D's .grad unless D is frozen: the next step 1 must not use it.) "
            f"\nThe log: {_trace(rig.events)}"
        )
        rig.new_batch(7)
