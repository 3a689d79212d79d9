"""Kata 7 · The MNIST GAN: LeakyReLU, LayerNorm, Adam, BCE and a randn seed (katas/mnist_gan.py)."""

from __future__ import annotations

import copy
import math

import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from torch import nn
from torch.nn import functional as F

from gankata.testkit.assertions import (
    call,
    changed,
    check_optimiser,
    check_train_and_eval_still_work,
    expect_error,
    snapshot,
)
from gankata.testkit.data import load_mnist

# D alone, one real digit and one noise image at a time as in the book, default Adam lr.
# Swept offline over 50 seeds: after 60 rounds D scored held-out real digits at least 0.955
# and noise at most 0.010 on average (the test asks for above 0.8 and below 0.2).
D_ONLY_STEPS = 60
# The whole GAN at the book's lr 1e-4 needs thousands of steps before G's pictures change.
# The learning test raises both learning rates to FAST_LR after the models are built. Swept
# offline over 50 seeds of train_gan(4,000 digits, 40, batch_size=8), and 30 more with a
# second answer that walks through the (class-sorted) digits in order: G's mean pixel on the
# 121 pixels that are blank in every real digit fell from 0.50 to at most 0.069 (the test
# asks for below 0.25), and the trained D scored G's fakes at least 36 times higher than an
# untrained G's pictures (the test asks for 5 times).
FAST_LR = 3e-3
GAN_STEPS = 40
GAN_BATCH = 8


@pytest.fixture(scope="module")
def digits() -> torch.Tensor:
    """The 5,000 embedded MNIST digits as floats [5000, 784] in [0, 1], sorted by class."""
    return torch.from_numpy(load_mnist("embedded").images).float() / 255


@pytest.fixture(scope="module")
def twelve(digits) -> torch.Tensor:
    """Twelve different digits, from every class: small enough to follow each one."""
    return digits[::417].clone()


def _linears(model: nn.Module, name: str, shapes: list[tuple[int, int]]) -> list[nn.Linear]:
    """The model's nn.Linear layers with the given (in, out) features, in that order."""
    found = {
        (m.in_features, m.out_features): m for m in model.modules() if isinstance(m, nn.Linear)
    }
    missing = [shape for shape in shapes if shape not in found]
    assert not missing, (
        f"{name} has the linear layers {sorted(found)} (in, out); expected "
        f"{' and '.join(f'nn.Linear{s}' for s in shapes)}. Missing: {missing}."
    )
    return [found[shape] for shape in shapes]


def _hidden_and_output(model: nn.Module, last: nn.Linear, x: torch.Tensor):
    """What ``model(x)`` feeds into its last Linear (the hidden layer), and its output."""
    seen = []
    handle = last.register_forward_hook(lambda _module, args, _out: seen.append(args[0]))
    try:
        with torch.no_grad():
            out = model(x)
    finally:
        handle.remove()
    assert seen, "The last nn.Linear was never called: forward must run self.model(inputs)."
    return seen[-1], out


def _diagnose_hidden(hidden: torch.Tensor, pre: torch.Tensor) -> str:
    """Name the usual mistake that ``hidden`` matches, given the first Linear's output ``pre``."""
    candidates = {
        "ReLU instead of LeakyReLU(0.02): negative values become 0, so those units stop "
        "learning": F.layer_norm(F.relu(pre), (200,)),
        "nn.LeakyReLU() with its default slope 0.01; the book's is 0.02": F.layer_norm(
            F.leaky_relu(pre, 0.01), (200,)
        ),
        "no LayerNorm(200) after the LeakyReLU": F.leaky_relu(pre, 0.02),
        "LayerNorm before LeakyReLU; the book's order is LeakyReLU, then LayerNorm": (
            F.leaky_relu(F.layer_norm(pre, (200,)), 0.02)
        ),
        "Sigmoid, the book's first version, instead of LeakyReLU(0.02)": F.layer_norm(
            torch.sigmoid(pre), (200,)
        ),
        "Sigmoid and no LayerNorm, the book's first version": torch.sigmoid(pre),
    }
    for mistake, candidate in candidates.items():
        if candidate.shape == hidden.shape and torch.allclose(hidden, candidate, atol=1e-4):
            return f"It matches {mistake}."
    rows = hidden.reshape(-1, hidden.shape[-1])
    return (
        f"Each row of it should have mean 0 and standard deviation 1 (LayerNorm); its rows have "
        f"means {[round(v, 3) for v in rows.mean(1).tolist()[:3]]} and standard deviations "
        f"{[round(v, 3) for v in rows.std(1, unbiased=False).tolist()[:3]]}. BatchNorm1d "
        "normalises each unit over the batch instead; LayerNorm normalises each image's 200 "
        "values on their own."
    )


def _adam_copy(model: nn.Module) -> tuple[nn.Module, torch.optim.Optimizer]:
    """A copy of ``model`` with a fresh Adam(lr=1e-4): the step the kata must reproduce."""
    twin = copy.deepcopy(model)
    return twin, torch.optim.Adam(twin.parameters(), lr=1e-4)


def _faster(monkeypatch: pytest.MonkeyPatch, cls: type, lr: float = FAST_LR) -> None:
    """After ``cls()`` is built, raise its optimiser's learning rate to ``lr``."""
    original = cls.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        for group in self.optimiser.param_groups:
            group["lr"] = lr

    monkeypatch.setattr(cls, "__init__", init)


def _rows_of(batch: torch.Tensor, images: torch.Tensor) -> list[int]:
    """For each row of ``batch``, its index in ``images`` (-1 when it is none of them)."""
    indices = []
    for row in batch.reshape(-1, images.shape[1]):
        hits = (images == row).all(dim=1).nonzero()
        indices.append(int(hits[0]) if len(hits) else -1)
    return indices


# ## Task 7.1: generate_random_image and generate_random_seed

sizes = st.one_of(
    st.integers(1, 300),
    st.tuples(st.integers(1, 6), st.integers(1, 300)),
)


@given(size=sizes)
def test_random_images_and_seeds_have_the_size_asked_for(kata, size):
    shape = (size,) if isinstance(size, int) else size
    for name in ("generate_random_image", "generate_random_seed"):
        values = call(getattr(kata, name), size, why=f"{name}({size!r}) failed.")
        assert isinstance(values, torch.Tensor) and tuple(values.shape) == shape, (
            f"{name}({size!r}) returned {type(values).__name__} of shape "
            f"{tuple(getattr(values, 'shape', ()))}; expected a tensor of shape {shape}: an "
            "int size gives a vector, a tuple a tensor of that shape (torch.rand(size) and "
            "torch.randn(size) take either)."
        )
        assert values.dtype == torch.float32, (
            f"{name}({size!r}) has dtype {values.dtype}; expected torch.float32, the dtype of "
            "the networks' weights."
        )


def test_random_image_is_uniform_between_0_and_1(kata):
    noise = kata.generate_random_image((20, 784))
    low, high = float(noise.min()), float(noise.max())
    mean, std = float(noise.mean()), float(noise.std())
    assert low >= 0.0 and high < 1.0, (
        f"generate_random_image((20, 784)) ranged over [{low:.3f}, {high:.3f}]; expected pixel "
        "values in [0, 1), like real digits divided by 255. Use torch.rand (uniform), not "
        "torch.randn."
    )
    assert abs(mean - 0.5) < 0.02 and abs(std - 0.2887) < 0.02, (
        f"generate_random_image((20, 784)) has mean {mean:.3f} and standard deviation "
        f"{std:.3f}; expected about 0.5 and 0.289: uniform noise from torch.rand, every value "
        "in [0, 1) equally likely, with no tendency."
    )
    assert not torch.equal(noise, kata.generate_random_image((20, 784))), (
        "Two calls of generate_random_image((20, 784)) returned the same values; expected "
        "fresh noise on every call."
    )


def test_random_seed_is_standard_normal(kata):
    seeds = kata.generate_random_seed((100, 100))
    mean, std = float(seeds.mean()), float(seeds.std())
    negative = float((seeds < 0).float().mean())
    assert abs(mean) < 0.05 and abs(std - 1.0) < 0.05 and 0.45 < negative < 0.55, (
        f"generate_random_seed((100, 100)) has mean {mean:.3f}, standard deviation {std:.3f} "
        f"and {negative:.0%} negative values; expected about 0, 1 and 50%: a standard normal "
        "seed from torch.randn (mean 0 and a limited variance, 평균이 0, 분산이 제한된 값들이 "
        "학습에 유리). torch.rand gives values in [0, 1), with mean 0.5 and none negative."
    )
    assert not torch.equal(seeds, kata.generate_random_seed((100, 100))), (
        "Two calls of generate_random_seed((100, 100)) returned the same values; expected a "
        "fresh seed on every call."
    )


# ## Task 7.2: Discriminator.__init__ and forward


def test_discriminator_has_157601_parameters(kata):
    D = kata.Discriminator()
    count = sum(p.numel() for p in D.parameters())
    expected = 784 * 200 + 200 + 2 * 200 + 200 * 1 + 1
    assert count == expected, (
        f"Discriminator() has {count:,} parameters; expected {expected:,}: Linear(784, 200) has "
        "156,800 weights and 200 biases, LayerNorm(200) a scale and a shift for each of its 200 "
        "values, Linear(200, 1) 200 weights and 1 bias (LeakyReLU and Sigmoid have none)."
    )


def test_discriminator_maps_an_image_to_one_verdict(kata):
    D = kata.Discriminator()
    one = call(
        D,
        torch.rand(784),
        why="D(x) failed for one image x of shape (784,), the way the book feeds D. (A "
        "BatchNorm1d cannot normalise a single image; LayerNorm(200) can.)",
    )
    batch = call(D, torch.rand(5, 784), why="D(x) failed for a batch x of shape (5, 784).")
    assert one.shape == (1,) and batch.shape == (5, 1), (
        f"D maps (784,) to {tuple(one.shape)} and (5, 784) to {tuple(batch.shape)}; expected "
        "(1,) and (5, 1): one verdict per image, from Linear(784, 200) ... Linear(200, 1)."
    )
    assert bool(((batch > 0) & (batch < 1)).all()), (
        f"D's verdicts are {batch.flatten().tolist()}; expected values between 0 and 1 "
        "(1 real, 0 fake): end D with a Sigmoid."
    )


def test_discriminator_judges_each_image_on_its_own(kata):
    D = kata.Discriminator()
    x = torch.rand(6, 784)
    with torch.no_grad():
        together = D(x).flatten()
        alone = torch.cat([D(row).flatten() for row in x])
    assert torch.allclose(together, alone, atol=1e-6), (
        f"D's verdicts on a batch of 6 images, {together.tolist()}, differ from its verdicts "
        f"on the same images one at a time, {alone.tolist()}. A verdict must depend on its "
        "image alone: LayerNorm normalises each image's 200 hidden values on their own, while "
        "BatchNorm1d mixes the images of a batch."
    )


def test_discriminator_hidden_layer_is_leaky_relu_then_layer_norm(kata):
    D = kata.Discriminator()
    first, last = _linears(D, "D", [(784, 200), (200, 1)])
    x = torch.rand(6, 784)
    hidden, _ = _hidden_and_output(D, last, x)
    with torch.no_grad():
        pre = first(x)
    expected = F.layer_norm(F.leaky_relu(pre, 0.02), (200,))
    assert hidden.shape == expected.shape and torch.allclose(hidden, expected, atol=1e-4), (
        "What D feeds into Linear(200, 1) is not LayerNorm(200)(LeakyReLU(0.02)(Linear(784, "
        f"200)(x))). {_diagnose_hidden(hidden, pre)} The book's fix for the first MNIST GAN: "
        "nn.LeakyReLU(0.02) keeps a small gradient for negative values, and nn.LayerNorm(200) "
        "rescales each image's 200 values to mean 0 and standard deviation 1."
    )


def test_discriminator_ends_with_linear_then_sigmoid(kata):
    D = kata.Discriminator()
    (last,) = _linears(D, "D", [(200, 1)])
    hidden, out = _hidden_and_output(D, last, torch.rand(6, 784))
    with torch.no_grad():
        expected = torch.sigmoid(last(hidden))
    assert out.shape == expected.shape and torch.allclose(out, expected, atol=1e-6), (
        f"D(x) is {out.flatten().tolist()[:3]}...; expected Sigmoid(Linear(200, 1)(hidden)), "
        f"{expected.flatten().tolist()[:3]}...: after the last Linear comes a Sigmoid and "
        "nothing else."
    )


def test_discriminator_uses_bce_and_adam_with_lr_1e_4(kata):
    D = kata.Discriminator()
    assert isinstance(getattr(D, "loss_function", None), nn.BCELoss), (
        f"D.loss_function is {getattr(D, 'loss_function', None)!r}; expected nn.BCELoss(). "
        "With MSE (the book's first version) the losses head for 0.25; binary cross-entropy "
        "punishes a confident wrong verdict far harder, and its equilibrium is ln 2 = 0.693."
    )
    check_optimiser(
        D,
        "D",
        torch.optim.Adam,
        0.0001,
        why="the book's replacement for SGD: it scales each parameter's step by its own "
        "gradient history.",
    )


def test_discriminator_keeps_nn_module_train_and_eval(kata):
    check_train_and_eval_still_work(kata.Discriminator(), "D", "train(inputs, targets)")


# ## Task 7.3: Discriminator.train_step


def test_discriminator_step_returns_the_bce_loss_before_the_step(kata):
    D = kata.Discriminator()
    x, target = torch.rand(4, 784), torch.ones(4, 1)
    with torch.no_grad():
        expected = float(F.binary_cross_entropy(D(x), target))
    loss = call(D.train_step, x, target, why="D.train_step(x [4, 784], ones [4, 1]) failed.")
    assert isinstance(loss, float), (
        f"D.train_step returned {type(loss).__name__}; expected a plain Python float: return "
        "loss.item(). A loss tensor keeps its whole graph alive and cannot go into a history."
    )
    assert abs(loss - expected) < 1e-5, (
        f"D.train_step returned {loss:.6f}; expected {expected:.6f}, nn.BCELoss() between D(x) "
        "and the targets, computed before the optimiser steps."
    )


def test_discriminator_step_changes_d(kata):
    D = kata.Discriminator()
    before = snapshot(D)
    call(D.train_step, torch.rand(784), torch.ones(1), why="D.train_step(x, tensor([1.])) failed.")
    assert changed(before, snapshot(D)), (
        "D.train_step(x, tensor([1.0])) left D's parameters as they were; expected one "
        "optimiser step: self.optimiser.zero_grad(), loss.backward(), self.optimiser.step()."
    )


def test_discriminator_step_is_one_adam_step(kata):
    D = kata.Discriminator()
    twin, adam = _adam_copy(D)
    for call_number, value in enumerate((1.0, 0.0, 1.0), start=1):
        x, target = torch.rand(3, 784), torch.full((3, 1), value)
        adam.zero_grad()
        F.binary_cross_entropy(twin(x), target).backward()
        adam.step()
        D.train_step(x, target)
        wrong = changed(snapshot(twin), snapshot(D), atol=2e-6)
        assert not wrong, (
            f"After D.train_step call {call_number}, D's parameters {wrong} differ from those "
            "of Adam(lr=0.0001) stepping on nn.BCELoss() once per call. Check the optimiser "
            "(Adam with the default betas, lr=0.0001), the loss (BCE), and that every call "
            "does zero_grad(), backward() and step() once: without zero_grad() the old "
            "gradients add up."
        )


def test_discriminator_learns_real_digits_from_noise(kata, digits):
    held_out = digits[::5]
    train = digits[torch.arange(len(digits)) % 5 != 0]
    order = torch.randperm(len(train))
    D = kata.Discriminator()
    for index in order[:D_ONLY_STEPS]:
        D.train_step(train[index], torch.FloatTensor([1.0]))
        D.train_step(kata.generate_random_image(784), torch.FloatTensor([0.0]))
    with torch.no_grad():
        real = float(D(held_out).mean())
        noise = float(D(kata.generate_random_image((1000, 784))).mean())
    assert real > 0.8 and noise < 0.2, (
        f"After {D_ONLY_STEPS} rounds of D.train_step(digit, tensor([1.0])) and "
        "D.train_step(generate_random_image(784), tensor([0.0])), one image at a time as in "
        f"the book, D scores 1,000 held-out real digits {real:.3f} and noise {noise:.3f} on "
        "average; expected above 0.8 and below 0.2. Does train_step step towards the target "
        "with Adam(lr=0.0001) on BCE every call?"
    )


# ## Task 7.4: Generator.__init__ and forward


def test_generator_has_178384_parameters(kata):
    G = kata.Generator()
    count = sum(p.numel() for p in G.parameters())
    expected = 100 * 200 + 200 + 2 * 200 + 200 * 784 + 784
    assert count == expected, (
        f"Generator() has {count:,} parameters; expected {expected:,}: Linear(100, 200) has "
        "20,000 weights and 200 biases (a seed of size 100, not the book's first seed of size "
        "1), LayerNorm(200) 400, Linear(200, 784) 156,800 weights and 784 biases."
    )


def test_generator_maps_a_seed_to_an_image(kata):
    G = kata.Generator()
    one = call(G, torch.randn(100), why="G(z) failed for one seed z of shape (100,).")
    batch = call(G, torch.randn(5, 100), why="G(z) failed for a batch z of shape (5, 100).")
    assert one.shape == (784,) and batch.shape == (5, 784), (
        f"G maps (100,) to {tuple(one.shape)} and (5, 100) to {tuple(batch.shape)}; expected "
        "(784,) and (5, 784): one flattened 28x28 image per seed of 100 values."
    )
    assert bool(((batch > 0) & (batch < 1)).all()), (
        f"G's pixels range over [{float(batch.min()):.3f}, {float(batch.max()):.3f}]; expected "
        "values between 0 and 1, like real digits divided by 255: end G with a Sigmoid."
    )


def test_generator_hidden_layer_is_leaky_relu_then_layer_norm(kata):
    G = kata.Generator()
    first, last = _linears(G, "G", [(100, 200), (200, 784)])
    z = torch.randn(6, 100)
    hidden, _ = _hidden_and_output(G, last, z)
    with torch.no_grad():
        pre = first(z)
    expected = F.layer_norm(F.leaky_relu(pre, 0.02), (200,))
    assert hidden.shape == expected.shape and torch.allclose(hidden, expected, atol=1e-4), (
        "What G feeds into Linear(200, 784) is not LayerNorm(200)(LeakyReLU(0.02)(Linear(100, "
        f"200)(z))). {_diagnose_hidden(hidden, pre)} G gets the same fix as D: "
        "nn.LeakyReLU(0.02), then nn.LayerNorm(200)."
    )


def test_generator_ends_with_linear_then_sigmoid(kata):
    G = kata.Generator()
    (last,) = _linears(G, "G", [(200, 784)])
    hidden, out = _hidden_and_output(G, last, torch.randn(6, 100))
    with torch.no_grad():
        expected = torch.sigmoid(last(hidden))
    assert out.shape == expected.shape and torch.allclose(out, expected, atol=1e-6), (
        "G(z) is not Sigmoid(Linear(200, 784)(hidden)): after the last Linear comes a Sigmoid "
        "and nothing else, so every pixel lies between 0 and 1."
    )


def test_generator_uses_adam_with_lr_1e_4(kata):
    check_optimiser(kata.Generator(), "G", torch.optim.Adam, 0.0001, why="as for D.")


# ## Task 7.5: Generator.train_step


def test_generator_step_leaves_d_unchanged(kata):
    D, G = kata.Discriminator(), kata.Generator()
    D.train_step(torch.rand(4, 784), torch.ones(4, 1))  # D's Adam now has momentum to spend
    before = snapshot(D)
    call(G.train_step, D, torch.randn(4, 100), torch.ones(4, 1), why="G.train_step failed.")
    assert not changed(before, snapshot(D)), (
        "G.train_step(D, seeds, ones) changed D's parameters; only G's optimiser may step. Did "
        "you call D.optimiser.step() or D.train_step(...) inside G.train_step? That teaches D "
        "to call G's fakes real."
    )


def test_generator_step_is_one_adam_step_on_g_through_d(kata):
    D, G = kata.Discriminator(), kata.Generator()
    twin, adam = _adam_copy(G)
    for call_number in (1, 2):
        D.train_step(torch.rand(3, 784), torch.ones(3, 1))  # leaves gradients in D
        z, ones = torch.randn(3, 100), torch.ones(3, 1)
        judge = copy.deepcopy(D)
        loss = F.binary_cross_entropy(judge(twin(z)), ones)
        adam.zero_grad()
        loss.backward()
        adam.step()
        returned = G.train_step(D, z, ones)
        wrong = changed(snapshot(twin), snapshot(G), atol=2e-6)
        assert not wrong, (
            f"After G.train_step call {call_number}, G's parameters {wrong} differ from one "
            "Adam(lr=0.0001) step on BCE(D(G(z)), 1). The loss must flow through D into G (no "
            "detach, no torch.no_grad), and G must zero its old gradients, backward, and step "
            "its own optimiser once."
        )
        assert isinstance(returned, float) and abs(returned - loss.item()) < 1e-5, (
            f"G.train_step returned {returned!r}; expected the float {loss.item():.6f}, D's "
            "BCE loss on D's verdict about G(z), before the step: return loss.item()."
        )


def test_generator_step_makes_d_find_the_fakes_more_real(kata):
    D, G = kata.Discriminator(), kata.Generator()
    z, ones = torch.randn(32, 100), torch.ones(32, 1)
    with torch.no_grad():
        before = float(D(G(z)).mean())
    G.train_step(D, z, ones)
    with torch.no_grad():
        after = float(D(G(z)).mean())
    assert after > before, (
        f"One G.train_step(D, z, ones) moved D's mean verdict on G(z) from {before:.6f} to "
        f'{after:.6f}; expected it to rise: G learns to fool D. Is the target 1 ("real"), and '
        "does G step down the gradient of D's loss?"
    )


def test_generator_step_uses_d_loss_function(kata):
    D, G = kata.Discriminator(), kata.Generator()
    D.loss_function = nn.MSELoss()
    z, ones = torch.randn(4, 100), torch.ones(4, 1)
    with torch.no_grad():
        expected = float(F.mse_loss(D(G(z)), ones))
    returned = call(G.train_step, D, z, ones, why="G.train_step failed with D using MSELoss.")
    assert abs(returned - expected) < 1e-6, (
        f"With D.loss_function set to nn.MSELoss(), G.train_step returned {returned:.6f}; "
        f"expected the MSE loss {expected:.6f}. G has no loss of its own: use "
        "D.loss_function(D.forward(G's output), targets)."
    )


# ## Task 7.6: train_gan


def test_train_gan_rejects_pixels_not_divided_by_255(kata, twelve):
    error = expect_error(
        ValueError,
        kata.train_gan,
        twelve * 255,
        1,
        why="train_gan(images with pixels 0-255, 1) must raise ValueError: raw MNIST pixels "
        "must be divided by 255 before training, or every sigmoid saturates.",
    )
    assert "255" in str(error), (
        f"train_gan raised ValueError({str(error)!r}) for pixels up to 255; the message should "
        "say how to fix it: divide the pixels by 255."
    )


def test_train_gan_rejects_pixels_below_0(kata, twelve):
    expect_error(
        ValueError,
        kata.train_gan,
        twelve * 2 - 1,
        1,
        why="train_gan(images in [-1, 1], 1) must raise ValueError: pixels must lie in [0, 1], "
        "what G's Sigmoid can produce (the tanh GAN of the vanilla PyTorch GAN code review "
        "scales to [-1, 1]; this one does not).",
    )


@pytest.mark.parametrize("shape", [(12, 28, 28), (12, 783), (784,)])
def test_train_gan_rejects_images_not_n_by_784(kata, twelve, shape):
    images = torch.rand(shape)
    error = expect_error(
        ValueError,
        kata.train_gan,
        images,
        1,
        why=f"train_gan(images of shape {shape}, 1) must raise ValueError: images must be "
        "[N, 784], one flattened 28x28 digit per row.",
    )
    assert "784" in str(error), (
        f"train_gan raised ValueError({str(error)!r}) for images of shape {shape}; the message "
        "should say what it expected: [N, 784]."
    )


@pytest.mark.parametrize(
    ("steps", "batch_size", "word"),
    [(0, 1, "steps"), (-3, 1, "steps"), (1, 0, "batch_size"), (1, 13, "batch_size")],
)
def test_train_gan_rejects_bad_steps_and_batch_sizes(kata, twelve, steps, batch_size, word):
    error = expect_error(
        ValueError,
        kata.train_gan,
        twelve,
        steps,
        batch_size,
        why=f"train_gan(12 images, steps={steps}, batch_size={batch_size}) must raise "
        "ValueError: steps must be at least 1 and batch_size between 1 and the number of images.",
    )
    assert word in str(error), (
        f"train_gan(12 images, steps={steps}, batch_size={batch_size}) raised "
        f"ValueError({str(error)!r}); the message should name what was wrong: {word}."
    )


def test_train_gan_returns_d_g_and_a_float_history_per_step(kata, twelve):
    result = call(kata.train_gan, twelve, 5, 4, why="train_gan(12 images, 5, 4) failed.")
    assert isinstance(result, tuple) and len(result) == 3, (
        f"train_gan returned {type(result).__name__}; expected a tuple (D, G, history)."
    )
    D, G, history = result
    assert isinstance(D, kata.Discriminator) and isinstance(G, kata.Generator), (
        f"train_gan returned ({type(D).__name__}, {type(G).__name__}, ...); expected "
        "(Discriminator, Generator, history), in that order."
    )
    assert isinstance(history, dict) and sorted(history) == ["D", "G"], (
        f"train_gan's history is {history!r}; expected a dict with the keys 'D' and 'G'."
    )
    for who in ("D", "G"):
        losses = history[who]
        assert isinstance(losses, list) and len(losses) == 5, (
            f"history[{who!r}] holds {len(losses)} entries after 5 steps; expected a list of "
            "5, one loss per step."
        )
        assert all(isinstance(v, float) and math.isfinite(v) for v in losses), (
            f"history[{who!r}] is {losses!r}; expected finite floats. Keep loss.item(), not the "
            "loss tensor, which keeps its whole graph alive."
        )


def test_train_gan_is_seeded(kata, twelve):
    _, G1, h1 = kata.train_gan(twelve, 3, 4, seed=5)
    _, G2, h2 = kata.train_gan(twelve, 3, 4, seed=5)
    _, _, h3 = kata.train_gan(twelve, 3, 4, seed=6)
    assert h1 == h2 and not changed(snapshot(G1), snapshot(G2)), (
        "Two calls of train_gan(images, 3, 4, seed=5) trained differently; expected the same "
        "run: call torch.manual_seed(seed) before building D and G."
    )
    assert h1 != h3, (
        "train_gan(..., seed=5) and seed=6 gave the same losses; the seed must seed torch: "
        "torch.manual_seed(seed)."
    )


def _spy_on_train_gan(kata, monkeypatch):
    """Record every seed, D step and G step that train_gan makes, in order."""
    calls, pending, generators = [], [], []
    d_step, g_step = kata.Discriminator.train_step, kata.Generator.train_step
    g_init, make_seed = kata.Generator.__init__, kata.generate_random_seed

    def spy_seed(size):
        seed = make_seed(size)
        pending.append(seed)  # seeds drawn since G's last step
        return seed

    def spy_g_init(self, *args, **kwargs):
        g_init(self, *args, **kwargs)
        generators.append(self)

    def spy_d(self, inputs, targets):
        with torch.no_grad():
            verdict_shape = self.forward(inputs).shape
            fakes = [generators[-1].forward(s) for s in pending] if generators else []
        loss = d_step(self, inputs, targets)
        calls.append(
            {
                "who": "D",
                "model": self,
                "inputs": inputs.detach().clone(),
                "needs_grad": inputs.requires_grad,
                "targets": targets.clone(),
                "verdict_shape": verdict_shape,
                "from_g": any(f.shape == inputs.shape and torch.equal(f, inputs) for f in fakes),
                "loss": loss,
            }
        )
        return loss

    def spy_g(self, D, inputs, targets):
        fresh = any(s.shape == inputs.shape and torch.equal(s, inputs) for s in pending)
        pending.clear()
        with torch.no_grad():
            verdict_shape = D.forward(self.forward(inputs)).shape
        loss = g_step(self, D, inputs, targets)
        calls.append(
            {
                "who": "G",
                "model": self,
                "D": D,
                "inputs": inputs.detach().clone(),
                "targets": targets.clone(),
                "verdict_shape": verdict_shape,
                "fresh": fresh,
                "loss": loss,
            }
        )
        return loss

    monkeypatch.setattr(kata, "generate_random_seed", spy_seed)
    monkeypatch.setattr(kata.Generator, "__init__", spy_g_init)
    monkeypatch.setattr(kata.Discriminator, "train_step", spy_d)
    monkeypatch.setattr(kata.Generator, "train_step", spy_g)
    return calls


@pytest.mark.parametrize("batch_size", [4, 1])
def test_train_gan_runs_the_books_three_steps(kata, twelve, monkeypatch, batch_size):
    calls = _spy_on_train_gan(kata, monkeypatch)
    D, G, _ = call(
        kata.train_gan,
        twelve,
        3,
        batch_size,
        why=f"train_gan(12 images, 3, {batch_size}) failed. Each target must have the shape "
        "of D's output: torch.ones(batch_size, 1) for verdicts of shape (batch_size, 1).",
    )
    order = [c["who"] for c in calls]
    assert order == ["D", "D", "G"] * 3, (
        f"train_gan(images, 3) made the training calls {order}; expected three rounds of the "
        "book's D.train_step(real, ones), D.train_step(fake, zeros), G.train_step(D, seeds, "
        "ones)."
    )
    for number in range(3):
        real, fake, gen = calls[3 * number : 3 * number + 3]
        where = f"In step {number + 1} (batch_size={batch_size})"
        assert real["model"] is D and fake["model"] is D and gen["model"] is G and gen["D"] is D, (
            "train_gan must train one D and one G, and return those two: (D, G, history)."
        )
        for c, value, what in ((real, 1.0, "real"), (fake, 0.0, "fake"), (gen, 1.0, "G's")):
            assert tuple(c["targets"].shape) == tuple(c["verdict_shape"]), (
                f"{where} the targets of the {what} step have shape {tuple(c['targets'].shape)} "
                f"but D's verdict has shape {tuple(c['verdict_shape'])}; expected targets shaped "
                "like D's output: torch.ones(batch_size, 1) for a batch (B, 784)."
            )
            assert bool((c["targets"] == value).all()), (
                f"{where} the targets of the {what} step are {c['targets'].flatten().tolist()}; "
                f"expected all {value}: real images are 1, G's fakes 0 for D, and 1 again in "
                "G's own step (G wants D to call its fake real). Are the targets swapped?"
            )
        rows = _rows_of(real["inputs"], twelve)
        assert real["inputs"].shape in {(batch_size, 784), (784,)} and -1 not in rows, (
            f"{where} D's real input has shape {tuple(real['inputs'].shape)} and matches the "
            f"images {rows} (-1: none); expected the next {batch_size} real images from "
            "`images`, shape (batch_size, 784) (or (784,) for one image at a time)."
        )
        assert len(rows) == batch_size, (
            f"{where} D trained on {len(rows)} real images; expected batch_size={batch_size}."
        )
        assert not fake["needs_grad"], (
            f"{where} the fake that D trained on still required grad; expected "
            "G.forward(seeds).detach(), so that D's step cannot reach back into G."
        )
        assert fake["from_g"], (
            f"{where} D's fake input is not G's output for a seed drawn from "
            "generate_random_seed in this step; expected G.forward(generate_random_seed(...)) "
            "(detached)."
        )
        assert gen["inputs"].shape in {(batch_size, 100), (100,)} and gen["fresh"], (
            f"{where} G.train_step got the input of shape {tuple(gen['inputs'].shape)}; "
            f"expected seeds from generate_random_seed((batch_size, SEED_SIZE)): shape "
            f"({batch_size}, 100), or (100,) for one seed at a time. SEED_SIZE is 100."
        )


def test_train_gan_history_is_the_mean_d_loss_and_the_g_loss(kata, twelve, monkeypatch):
    calls = _spy_on_train_gan(kata, monkeypatch)
    _, _, history = call(kata.train_gan, twelve, 3, 2, why="train_gan(12 images, 3, 2) failed.")
    d_losses = [(calls[i]["loss"] + calls[i + 1]["loss"]) / 2 for i in range(0, 9, 3)]
    g_losses = [calls[i + 2]["loss"] for i in range(0, 9, 3)]
    assert all(isinstance(v, float) for v in history["D"]) and history["D"] == pytest.approx(
        d_losses, abs=1e-6
    ), (
        f"history['D'] is {history['D']}; expected {d_losses}: each step, the mean of D's "
        "losses on the real batch and on the fake one, as floats."
    )
    assert all(isinstance(v, float) for v in history["G"]) and history["G"] == pytest.approx(
        g_losses, abs=1e-6
    ), f"history['G'] is {history['G']}; expected G.train_step's losses, {g_losses}."


def test_train_gan_goes_through_the_images(kata, twelve, monkeypatch):
    calls = _spy_on_train_gan(kata, monkeypatch)
    call(kata.train_gan, twelve, 4, 3, why="train_gan(12 images, 4, 3) failed.")
    reals = [c for c in calls if c["who"] == "D"][::2]
    used = [i for c in reals for i in _rows_of(c["inputs"], twelve)]
    assert sorted(used) == list(range(12)), (
        f"In 4 steps of batch_size 3 over 12 images, D's real batches were the images {used}; "
        "expected each of the 12 exactly once: take the next batch_size images each step "
        "(in order, or in a shuffled order), not the same ones again."
    )
    calls.clear()
    call(
        kata.train_gan,
        twelve[:10],
        7,
        3,
        why="train_gan(10 images, 7, 3) failed: when the images run out, start another pass.",
    )
    sizes = [len(_rows_of(c["inputs"], twelve)) for c in calls if c["who"] == "D"][::2]
    assert sizes == [3] * 7, (
        f"train_gan(10 images, 7 steps, batch_size=3) gave D real batches of sizes {sizes}; "
        "expected 3 every step: after three whole batches, start another pass over the images "
        "rather than a short batch of 1."
    )


def test_train_gan_seeds_are_standard_normal(kata, twelve, monkeypatch):
    calls = _spy_on_train_gan(kata, monkeypatch)
    call(kata.train_gan, twelve, 4, 12, why="train_gan(12 images, 4, 12) failed.")
    seeds = torch.cat([c["inputs"].flatten() for c in calls if c["who"] == "G"])
    mean, negative = float(seeds.mean()), float((seeds < 0).float().mean())
    assert abs(mean) < 0.1 and 0.4 < negative < 0.6, (
        f"G's seeds in train_gan have mean {mean:.3f} and {negative:.0%} negative values; "
        "expected about 0 and 50%: draw them with generate_random_seed (torch.randn), not "
        "torch.rand."
    )


def test_the_gan_learns_that_digits_have_a_blank_border(kata, digits, monkeypatch):
    _faster(monkeypatch, kata.Discriminator)
    _faster(monkeypatch, kata.Generator)
    train = digits[torch.arange(len(digits)) % 5 != 0]
    blank = digits.amax(dim=0) == 0  # pixels with no ink in any of the 5,000 digits
    D, G, _ = kata.train_gan(train, GAN_STEPS, GAN_BATCH, seed=0)
    z = kata.generate_random_seed((256, 100))
    with torch.no_grad():
        fakes = G(z)
        border = float(fakes[:, blank].mean())
        fooled = float(D(fakes).mean())
        untrained = float(D(kata.Generator()(z)).mean())
    assert border < 0.25, (
        f"After train_gan(4,000 digits, {GAN_STEPS}, batch_size={GAN_BATCH}) (both learning "
        f"rates raised to {FAST_LR} so that a few steps do the work of many), G's mean pixel "
        f"on the {int(blank.sum())} pixels that are blank in every real digit is {border:.3f}; "
        "expected below 0.25 (an untrained G draws about 0.5 everywhere). G never sees a digit: "
        "it learns only through D's verdict. Check the loop: D on real with ones, D on "
        "G(seeds).detach() with zeros, then G.train_step(D, seeds, ones)."
    )
    assert fooled > 5 * untrained, (
        f"After train_gan, D scores G's fakes {fooled:.4f} on average and an untrained G's "
        f"pictures {untrained:.4f}; expected G's fakes to fool D at least 5 times as well: G "
        "learns to fool D in step 3, G.train_step(D, seeds, ones)."
    )
