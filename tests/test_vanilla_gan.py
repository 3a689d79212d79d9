"""Kata 12 · The vanilla GAN code review (katas/vanilla_gan.py)."""

from __future__ import annotations

import copy
import math
from types import SimpleNamespace

import numpy as np
import pytest
import torch
from PIL import Image
from torch import nn

from gankata.testkit.assertions import call, changed, expect_error, snapshot
from gankata.testkit.data import load_mnist

SGD_LR = 0.5  # the hand-computation tests step with plain SGD: update = -lr * gradient


@pytest.fixture(scope="module")
def digits() -> np.ndarray:
    """Sixty-four real MNIST digits from every class, uint8 [64, 784]."""
    images = load_mnist("embedded").images
    return images[np.linspace(0, len(images) - 1, 64).astype(int)]


@pytest.fixture(scope="module")
def real(digits: np.ndarray) -> torch.Tensor:
    """The same digits as the review's data loader gives them: (64, 1, 28, 28) in [-1, 1]."""
    return torch.from_numpy(digits).float().div(127.5).sub(1.0).view(-1, 1, 28, 28)


def _linears(module: nn.Module) -> list[tuple[int, int]]:
    return [(m.in_features, m.out_features) for m in module.modules() if isinstance(m, nn.Linear)]


def _count(module: nn.Module) -> int:
    return sum(p.numel() for p in module.parameters())


def _bce(p: torch.Tensor, target: float) -> torch.Tensor:
    """BCE written out: -[y log p + (1 - y) log(1 - p)], averaged over the batch."""
    return -(target * torch.log(p) + (1 - target) * torch.log(1 - p)).mean()


def _models(kata, latent_dim: int = 100) -> tuple[nn.Module, nn.Module]:
    G = call(kata.Generator, latent_dim, why=f"Generator({latent_dim}) failed.")
    D = call(kata.Discriminator, why="Discriminator() failed.")
    return G, D


# ## Task 12.1: block


def test_block_is_linear_batchnorm_leaky_relu(kata):
    layers = kata.block(3, 5)
    kinds = [type(layer).__name__ for layer in layers]
    assert isinstance(layers, list) and kinds == ["Linear", "BatchNorm1d", "LeakyReLU"], (
        f"block(3, 5) returned {kinds if isinstance(layers, list) else type(layers).__name__}; "
        "expected the list [Linear, BatchNorm1d, LeakyReLU], the review's block, ready to "
        "unpack with nn.Sequential(*block(...))."
    )
    linear, norm, _ = layers
    assert (linear.in_features, linear.out_features) == (3, 5) and norm.num_features == 5, (
        f"block(3, 5) holds Linear({linear.in_features}, {linear.out_features}) and "
        f"BatchNorm1d({norm.num_features}); expected Linear(3, 5) and BatchNorm1d(5): the "
        "norm normalises the Linear's outputs."
    )


def test_block_without_normalize_has_no_batchnorm(kata):
    layers = kata.block(100, 128, normalize=False)
    kinds = [type(layer).__name__ for layer in layers]
    assert kinds == ["Linear", "LeakyReLU"], (
        f"block(100, 128, normalize=False) returned {kinds}; expected [Linear, LeakyReLU]: "
        "the review's first block has no BatchNorm1d."
    )


def test_block_batchnorm_keeps_the_review_momentum_and_default_eps(kata):
    norm = kata.block(3, 5)[1]
    assert norm.eps == pytest.approx(1e-5), (
        f"block's BatchNorm1d has eps={norm.eps}; expected the default 1e-5. "
        "BatchNorm1d(out_dim, 0.8) passes 0.8 as the second positional argument, which is "
        "eps, not momentum: write momentum=0.8 as a keyword."
    )
    assert norm.momentum == pytest.approx(0.8), (
        f"block's BatchNorm1d has momentum={norm.momentum}; expected the review's "
        "momentum=0.8 (PyTorch's momentum is the weight of the new batch in the running "
        "averages, the opposite of Keras's)."
    )


def test_block_leaky_relu_has_the_review_slope(kata):
    activation = kata.block(3, 5)[-1]
    x = torch.tensor([-2.0, -1.0, 0.0, 3.0])
    y = activation(x.clone())
    expected = torch.tensor([-0.2, -0.1, 0.0, 3.0])
    assert torch.allclose(y, expected), (
        f"block's activation maps {x.tolist()} to {y.tolist()}; expected {expected.tolist()}: "
        "LeakyReLU(0.1), the review's slope of 0.1 for negative inputs (not DCGAN's 0.2, not "
        "ReLU's 0)."
    )


# ## Task 12.2: Generator


def test_generator_layers_follow_the_review(kata):
    G, _ = _models(kata)
    expected = [(100, 128), (128, 256), (256, 512), (512, 1024), (1024, 784)]
    assert _linears(G) == expected, (
        f"Generator()'s Linear layers (in, out) are {_linears(G)}; expected {expected}: "
        "100 -> 128 -> 256 -> 512 -> 1024 -> 784."
    )
    norms = [m.num_features for m in G.modules() if isinstance(m, nn.BatchNorm1d)]
    assert norms == [256, 512, 1024], (
        f"Generator() has BatchNorm1d layers over {norms} features; expected [256, 512, 1024]: "
        "the first block (latent -> 128) has normalize=False, the output layer has none."
    )


def test_generator_parameter_count(kata):
    G, _ = _models(kata)
    # Linear(i, o) has i*o + o parameters, BatchNorm1d(n) 2n (weight and bias):
    # 12,928 + (33,024 + 512) + (131,584 + 1,024) + (525,312 + 2,048) + 803,600
    assert _count(G) == 1_510_032, (
        f"Generator() has {_count(G):,} parameters; expected 1,510,032: the Linear layers "
        "100-128-256-512-1024-784 with biases, and BatchNorm1d(256), (512), (1024)."
    )


def test_generator_takes_the_latent_dim(kata):
    G, _ = _models(kata, latent_dim=16)
    assert _linears(G)[:1] == [(16, 128)], (
        f"Generator(latent_dim=16)'s first Linear is {(_linears(G) or [None])[0]}; expected "
        "(16, 128): build the first block from latent_dim, not from a fixed 100."
    )
    out = call(G, torch.randn(5, 16), why="Generator(16) failed on z of shape (5, 16).")
    assert out.shape == (5, 1, 28, 28), (
        f"Generator(16) on (5, 16) gave {tuple(out.shape)}; expected (5, 1, 28, 28)."
    )


@pytest.mark.parametrize("batch", [2, 7, 64])
def test_generator_output_shape_for_every_batch_size(kata, batch):
    G, _ = _models(kata)
    out = call(
        G,
        torch.randn(batch, 100),
        why=f"Generator() failed on a batch of {batch} seeds. Take the batch size from the "
        "tensor (z.size(0), or view(-1, 1, 28, 28)); a hard-coded batch size breaks the "
        "short last batch of an epoch.",
    )
    assert out.shape == (batch, 1, 28, 28), (
        f"Generator() on z of shape ({batch}, 100) gave {tuple(out.shape)}; expected "
        f"({batch}, 1, 28, 28): one 1x28x28 image per seed, whatever the batch size."
    )


def test_generator_makes_one_digit_in_eval_mode(kata):
    G, _ = _models(kata)
    G.eval()
    out = call(
        G,
        torch.randn(1, 100),
        why="Generator().eval() failed on a single seed (1, 100). In eval mode BatchNorm "
        "uses its running averages, so one image is fine; the batch size must come from z "
        "(z.size(0)), not from a hard-coded batch_size.",
    )
    assert out.shape == (1, 1, 28, 28), (
        f"Generator().eval() on one seed gave {tuple(out.shape)}; expected (1, 1, 28, 28)."
    )


def test_generator_output_is_tanh_range(kata):
    G, _ = _models(kata)
    out = G(torch.randn(64, 100)).detach()
    assert float(out.abs().max()) < 1.0, (
        f"Generator()'s pixels reach {float(out.abs().max()):.3f}; expected strictly inside "
        "(-1, 1): end the model with nn.Tanh()."
    )
    assert float(out.min()) < -0.05 and abs(float(out.mean())) < 0.2, (
        f"Generator()'s pixels run from {float(out.min()):.3f} to {float(out.max()):.3f} "
        f"(mean {float(out.mean()):.3f}); expected tanh outputs spread around 0 on both "
        "sides. A Sigmoid stays in (0, 1) and can never draw the background of a digit in "
        "[-1, 1]: end G with nn.Tanh()."
    )


# ## Task 12.3: Discriminator


def test_discriminator_layers_follow_the_review(kata):
    _, D = _models(kata)
    expected = [(784, 512), (512, 256), (256, 1)]
    assert _linears(D) == expected, (
        f"Discriminator()'s Linear layers (in, out) are {_linears(D)}; expected {expected}."
    )
    slopes = [m.negative_slope for m in D.modules() if isinstance(m, nn.LeakyReLU)]
    assert slopes == pytest.approx([0.1, 0.1]), (
        f"Discriminator()'s LeakyReLU slopes are {slopes}; expected [0.1, 0.1], one "
        "LeakyReLU(0.1) after each hidden Linear."
    )
    # 784*512 + 512 + 512*256 + 256 + 256 + 1
    assert _count(D) == 533_505, (
        f"Discriminator() has {_count(D):,} parameters; expected 533,505 (Linear layers "
        "784-512-256-1 with biases and nothing else: no BatchNorm in the review's D)."
    )


@pytest.mark.parametrize("batch", [1, 2, 7, 64])
def test_discriminator_gives_one_probability_per_image(kata, real, batch):
    _, D = _models(kata)
    images = real[:batch]
    out = call(
        D,
        images,
        why=f"Discriminator() failed on images of shape {tuple(images.shape)}. Flatten each "
        "image and keep the batch: x.flatten(1) or x.view(x.size(0), -1), never a "
        "hard-coded batch size.",
    )
    assert out.shape == (batch, 1), (
        f"Discriminator() on {tuple(images.shape)} gave {tuple(out.shape)}; expected "
        f"({batch}, 1): one verdict per image."
    )
    assert bool(((out > 0) & (out < 1)).all()), (
        f"Discriminator()'s verdicts run from {float(out.min()):.3f} to "
        f"{float(out.max()):.3f}; expected probabilities in (0, 1): end D with nn.Sigmoid()."
    )


def test_discriminator_accepts_flat_images_too(kata, real):
    _, D = _models(kata)
    flat = real[:7].reshape(7, 784)
    out = call(
        D,
        flat,
        why="Discriminator() failed on flat images (7, 784). x.flatten(1) turns both "
        "(B, 1, 28, 28) and (B, 784) into (B, 784).",
    )
    assert torch.allclose(out, D(real[:7])), (
        "Discriminator() gives different verdicts for the same images as (7, 784) and as "
        "(7, 1, 28, 28); expected the same: flatten each image row by row, keeping the batch."
    )


# ## Task 12.4: make_optimizers


def test_make_optimizers_gives_two_adams_with_the_review_settings(kata):
    G, D = _models(kata)
    optimizers = kata.make_optimizers(G, D)
    assert isinstance(optimizers, tuple) and len(optimizers) == 2, (
        f"make_optimizers(G, D) returned {type(optimizers).__name__}; expected a tuple "
        "(g_opt, d_opt)."
    )
    for name, opt in zip(("g_opt", "d_opt"), optimizers, strict=True):
        assert isinstance(opt, torch.optim.Adam), (
            f"{name} is {type(opt).__name__}; expected torch.optim.Adam."
        )
        group = opt.param_groups[0]
        assert len(opt.param_groups) == 1 and group["lr"] == pytest.approx(2e-4), (
            f"{name} has lr={group['lr']}; expected lr=2e-4 (0.0002), the review's learning_rate."
        )
        assert tuple(group["betas"]) == pytest.approx((0.5, 0.999)), (
            f"{name} has betas={tuple(group['betas'])}; expected betas=(0.5, 0.999). Adam's "
            "default β1 = 0.9 remembers about ten steps of gradient; in a GAN the opponent "
            "moves every step, so the DCGAN paper (and the review) use β1 = 0.5."
        )


def test_each_optimizer_holds_its_own_network(kata):
    G, D = _models(kata)
    g_opt, d_opt = kata.make_optimizers(G, D)
    held = [
        {id(p) for group in opt.param_groups for p in group["params"]} for opt in (g_opt, d_opt)
    ]
    g_ids, d_ids = {id(p) for p in G.parameters()}, {id(p) for p in D.parameters()}
    assert held != [d_ids, g_ids], (
        "g_opt holds D's parameters and d_opt holds G's: the optimisers are swapped. Return "
        "(g_opt, d_opt), in that order."
    )
    assert held == [g_ids, d_ids], (
        "g_opt must hold exactly G's parameters and d_opt exactly D's: "
        f"g_opt holds {len(held[0] & g_ids)} of G's {len(g_ids)} and {len(held[0] & d_ids)} "
        f"of D's; d_opt holds {len(held[1] & d_ids)} of D's {len(d_ids)} and "
        f"{len(held[1] & g_ids)} of G's. Build each over its own .parameters(), never "
        "both chained together."
    )


# ## Task 12.5: sample_latent


def test_sample_latent_shape_and_dtype(kata):
    for args, shape in (((5,), (5, 100)), ((3, 16), (3, 16))):
        z = kata.sample_latent(*args)
        assert isinstance(z, torch.Tensor) and z.shape == shape and z.dtype == torch.float32, (
            f"sample_latent{args} returned {type(z).__name__} "
            f"{tuple(getattr(z, 'shape', ()))} {getattr(z, 'dtype', '')}; expected a "
            f"float32 tensor of shape {shape}: (batch, dim), dim 100 by default."
        )


@pytest.mark.parametrize(("batch", "dim"), [(20_000, 100), (125_000, 16)])
def test_sample_latent_is_standard_normal_whatever_the_shape(kata, batch, dim):
    z = kata.sample_latent(batch, dim)
    mean, std = float(z.mean()), float(z.std())
    tails = float((z.abs() > 2).float().mean())
    assert abs(mean) < 0.01 and abs(std - 1) < 0.01, (
        f"sample_latent({batch}, {dim}) has mean {mean:.3f} and std {std:.3f}; expected "
        "the standard normal, mean 0 and std 1, for every shape. kaiming_normal_ is a "
        "weight initialiser: its std is gain / sqrt(fan_in), about 0.14 for dim 100. Use "
        "torch.randn(batch, dim)."
    )
    assert 0.040 < tails < 0.051, (
        f"{tails:.1%} of sample_latent({batch}, {dim})'s values lie beyond ±2; a standard "
        "normal puts 4.6% there. Draw from the normal distribution (torch.randn), not a "
        "uniform one (torch.rand)."
    )


def test_sample_latent_follows_torch_manual_seed(kata):
    torch.manual_seed(123)
    first = kata.sample_latent(4)
    torch.manual_seed(123)
    again = kata.sample_latent(4)
    assert torch.equal(first, again), (
        "sample_latent(4) gave different noise after the same torch.manual_seed(123); "
        "expected the same: draw from torch's global generator (torch.randn), so that a "
        "seeded run repeats."
    )
    assert not torch.equal(again, kata.sample_latent(4)), (
        "Two calls of sample_latent(4) in a row gave the same noise; expected fresh noise "
        "each time: do not reseed inside sample_latent."
    )


def test_sample_latent_puts_the_noise_on_the_device(kata):
    z = call(
        kata.sample_latent,
        2,
        device="meta",
        why="sample_latent(2, device='meta') failed: pass device on to torch.randn(..., "
        "device=device), so that the noise is made where the model is.",
    )
    assert z.device.type == "meta" and z.shape == (2, 100), (
        f"sample_latent(2, device='meta') gave a tensor on {z.device} of shape "
        f"{tuple(z.shape)}; expected (2, 100) on 'meta': make the noise on the device asked "
        "for (the review's kaiming_normal_ noise always lands on the CPU)."
    )


# ## Task 12.6: train_step


def _train_step(kata, monkeypatch, real: torch.Tensor, **spies) -> SimpleNamespace:
    """Run ``train_step`` on fresh G and D with plain SGD, every ``.grad`` filled with junk
    first, and z taken from a spy on ``sample_latent``; also work out what each variant of
    the review's step would give, from copies of G and D made before the step."""
    G, D = _models(kata)
    before = SimpleNamespace(G=copy.deepcopy(G), D=copy.deepcopy(D))
    z = torch.randn(real.size(0), 100, generator=torch.Generator().manual_seed(7))
    draws = []

    def spy(batch, dim=100, device=None):
        draws.append((batch, dim))
        return z[:batch, :dim].clone()

    monkeypatch.setattr(kata, "sample_latent", spy)
    for p in [*G.parameters(), *D.parameters()]:
        p.grad = torch.randn_like(p)  # left over from the caller: must not count
    g_opt = torch.optim.SGD(G.parameters(), lr=SGD_LR)
    d_opt = torch.optim.SGD(D.parameters(), lr=SGD_LR)
    losses = call(
        kata.train_step,
        G,
        D,
        real,
        g_opt,
        d_opt,
        why=f"train_step(G, D, real {tuple(real.shape)}, g_opt, d_opt) failed. Take every "
        "size from the tensors, never a hard-coded batch size. 'Trying to backward through "
        "the graph a second time' means D's fake step needs fake.detach() (G's backward has "
        "already freed G's graph); 'modified by an inplace operation' means an in-place op "
        "overwrote a tensor that autograd saved.",
    )
    assert draws == [(real.size(0), 100)], (
        f"train_step drew its noise with sample_latent calls {draws}; expected exactly one "
        f"call, sample_latent(real.size(0)) = sample_latent({real.size(0)}): one z per real "
        "image, and the same fake for G's step and D's."
    )

    # G's step, from the state before: the non-saturating loss BCE(D(G(z)), 1).
    fake = before.G(z)
    g_loss = _bce(before.D(fake), 1.0)
    g_grads = torch.autograd.grad(g_loss, list(before.G.parameters()))
    after_g = copy.deepcopy(before.G)
    with torch.no_grad():
        for p, g in zip(after_g.parameters(), g_grads, strict=True):
            p.sub_(SGD_LR * g)
    # D's step judges the fake from G's step, or (also fine) a new one from the stepped G.
    d_variants = []
    for fake_for_d in (fake.detach(), after_g(z).detach()):
        d_loss = (_bce(before.D(real), 1.0) + _bce(before.D(fake_for_d), 0.0)) / 2
        d_variants.append((d_loss, torch.autograd.grad(d_loss, list(before.D.parameters()))))
    return SimpleNamespace(
        losses=losses, G=G, D=D, before=before, g_loss=g_loss, g_grads=g_grads, d=d_variants
    )


def _moved_as(after: nn.Module, before: nn.Module, grads) -> bool:
    """Did every parameter move by -SGD_LR times its gradient, up to float rounding?"""
    steps = [
        (p - p0).detach() for p, p0 in zip(after.parameters(), before.parameters(), strict=True)
    ]
    expected = [-SGD_LR * g for g in grads]
    scale = max(float(e.abs().max()) for e in expected)
    error = max(float((s - e).abs().max()) for s, e in zip(steps, expected, strict=True))
    return len(steps) == len(expected) and error <= 1e-3 * scale


def test_train_step_returns_two_finite_floats(kata, real):
    G, D = _models(kata)
    g_opt = torch.optim.Adam(G.parameters(), lr=2e-4, betas=(0.5, 0.999))
    d_opt = torch.optim.Adam(D.parameters(), lr=2e-4, betas=(0.5, 0.999))
    losses = call(kata.train_step, G, D, real[:8], g_opt, d_opt, why="train_step failed.")
    assert (
        isinstance(losses, tuple)
        and len(losses) == 2
        and all(type(loss) is float and math.isfinite(loss) for loss in losses)
    ), (
        f"train_step returned {losses!r}; expected (g_loss, d_loss) as two finite Python "
        "floats: return loss.item(), not the tensor (which keeps the whole graph alive)."
    )


def test_train_step_draws_one_z_per_real_image(kata, monkeypatch, real):
    _train_step(kata, monkeypatch, real[:7])


def test_train_step_trains_the_generator_first(kata, real):
    G, D = _models(kata)
    events = []
    g_forward, d_forward = G.forward, D.forward

    def g_spy(z):
        out = g_forward(z)
        events.append(("G", out.detach().reshape(len(z), -1).clone()))
        return out

    def d_spy(x):
        events.append(("D", x.detach().reshape(len(x), -1).clone()))
        return d_forward(x)

    G.forward, D.forward = g_spy, d_spy  # instance attributes shadow the methods
    g_opt = torch.optim.Adam(G.parameters(), lr=2e-4, betas=(0.5, 0.999))
    d_opt = torch.optim.Adam(D.parameters(), lr=2e-4, betas=(0.5, 0.999))
    call(kata.train_step, G, D, real[:8], g_opt, d_opt, why="train_step failed.")
    order = [who for who, _ in events]
    first_d = next((x for who, x in events if who == "D"), None)
    judged_fake = order[:1] == ["G"] and first_d is not None and torch.equal(first_d, events[0][1])
    assert judged_fake, (
        f"train_step called the networks in the order {order}, and D's first input was "
        f"{'the fake' if judged_fake else 'not the fake'}; expected G's step first, as in "
        "the review: fake = G(z), then D judges that fake for G's loss; D's step (real, then "
        "fake.detach()) comes after g_opt.step()."
    )


def test_g_loss_is_the_non_saturating_loss(kata, monkeypatch, real):
    run = _train_step(kata, monkeypatch, real[:8])
    g_loss, expected = run.losses[0], run.g_loss.item()
    assert g_loss == pytest.approx(expected, abs=1e-5), (
        f"train_step's g_loss is {g_loss:.5f}; expected {expected:.5f}, the non-saturating "
        "loss BCE(D(G(z)), 1) = -mean log D(G(z)), computed before any step. Minimising "
        "log(1 - D(G(z))) (that is -BCE(D(G(z)), 0)) saturates: its gradient vanishes "
        "when D rejects the fakes, early in training. And G's step comes first."
    )


def test_g_step_follows_the_gradient_of_g_loss_alone(kata, monkeypatch, real):
    run = _train_step(kata, monkeypatch, real[:8])
    assert _moved_as(run.G, run.before.G, run.g_grads), (
        "G's parameters did not move by exactly -lr times the gradient of the non-saturating "
        "g_loss = BCE(D(G(z)), 1) (the test steps with SGD, and fills every .grad with junk "
        "first, as a previous step would leave it). Call g_opt.zero_grad() before "
        "g_loss.backward(), use the non-saturating loss, and keep D's step away from G: "
        "D judges fake.detach()."
    )


def test_d_loss_is_the_average_of_the_real_and_fake_losses(kata, monkeypatch, real):
    run = _train_step(kata, monkeypatch, real[:8])
    d_loss = run.losses[1]
    expected = [loss.item() for loss, _ in run.d]
    assert any(d_loss == pytest.approx(e, abs=1e-5) for e in expected), (
        f"train_step's d_loss is {d_loss:.5f}; expected {expected[0]:.5f}, the average "
        "(BCE(D(real), 1) + BCE(D(fake.detach()), 0)) / 2, as the review's "
        "(real_loss + fake_loss) / 2. Summing the two doubles it; and D's step comes after "
        "G's, with D as it was before the step (G's step must not change D)."
    )


def test_d_step_follows_the_gradient_of_d_loss_alone(kata, monkeypatch, real):
    run = _train_step(kata, monkeypatch, real[:8])
    assert any(_moved_as(run.D, run.before.D, grads) for _, grads in run.d), (
        "D's parameters did not move by exactly -lr times the gradient of d_loss = "
        "(BCE(D(real), 1) + BCE(D(fake.detach()), 0)) / 2 (the test steps with SGD, and "
        "fills every .grad with junk first). g_loss.backward() fills D's .grad too: call "
        "d_opt.zero_grad() right before d_loss.backward(), and never d_opt.step() in G's "
        "step, so that G's step leaves D alone."
    )


@pytest.mark.parametrize("batch", [7, 2])
def test_train_step_takes_a_short_last_batch(kata, real, batch):
    G, D = _models(kata)
    g_opt = torch.optim.Adam(G.parameters(), lr=2e-4, betas=(0.5, 0.999))
    d_opt = torch.optim.Adam(D.parameters(), lr=2e-4, betas=(0.5, 0.999))
    losses = call(
        kata.train_step,
        G,
        D,
        real[:batch],
        g_opt,
        d_opt,
        why=f"train_step failed on a short last batch of {batch} digits. Take every size "
        "from the tensors, never a hard-coded batch size: sample_latent(real.size(0)), "
        "z.size(0) in G, x.flatten(1) in D, torch.ones_like(verdict) for the targets.",
    )
    assert all(math.isfinite(loss) for loss in losses), (
        f"train_step on a batch of {batch} returned {losses}; expected finite losses."
    )


def test_train_step_refuses_a_batch_of_one(kata, real):
    G, D = _models(kata)
    g_opt = torch.optim.Adam(G.parameters(), lr=2e-4, betas=(0.5, 0.999))
    d_opt = torch.optim.Adam(D.parameters(), lr=2e-4, betas=(0.5, 0.999))
    expect_error(
        ValueError,
        kata.train_step,
        G,
        D,
        real[:1],
        g_opt,
        d_opt,
        why="train_step on a batch of one digit must raise ValueError: BatchNorm1d cannot "
        "compute a batch variance from one sample in training mode (PyTorch raises that "
        "ValueError for you). The review's DataLoader(..., drop_last=True) avoids such a "
        "last batch.",
    )


# The in-place pitfall: Tanh and Sigmoid keep their outputs for backward.


class _InPlaceDisplay(nn.Module):
    """G's fakes rescaled to [0, 1] for a picture, in place: overwrites Tanh's saved output."""

    def __init__(self, G: nn.Module) -> None:
        super().__init__()
        self.G = G

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return self.G(z).add_(1).div_(2)


class _InPlaceClamp(nn.Module):
    """D's verdicts clamped away from 0 and 1, in place: overwrites Sigmoid's saved output."""

    def __init__(self, D: nn.Module) -> None:
        super().__init__()
        self.D = D

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.D(x).clamp_(1e-6, 1 - 1e-6)


@pytest.mark.parametrize("which", ["G: fake.add_(1).div_(2)", "D: verdict.clamp_(...)"])
def test_an_in_place_op_on_a_saved_output_breaks_backward(kata, real, which):
    G, D = _models(kata)
    g_opt = torch.optim.SGD(G.parameters(), lr=0.01)
    d_opt = torch.optim.SGD(D.parameters(), lr=0.01)
    if which.startswith("G"):
        G = _InPlaceDisplay(G)
    else:
        D = _InPlaceClamp(D)
    error = expect_error(
        RuntimeError,
        kata.train_step,
        G,
        D,
        real[:8],
        g_opt,
        d_opt,
        why=f"With {which}, an in-place op on the output of Tanh or Sigmoid, which autograd "
        "saved for backward, train_step should fail in g_loss.backward() with autograd's "
        "RuntimeError. Does your train_step call backward() on the losses?",
    )
    assert "inplace" in str(error), (
        f"With {which}, train_step raised RuntimeError({str(error)[:200]!r}); expected "
        "autograd's 'modified by an inplace operation': the lesson of this test. Write "
        "(fake + 1) / 2 and .clamp(...) instead, and leave saved tensors alone."
    )


class _Display(nn.Module):
    def __init__(self, G: nn.Module) -> None:
        super().__init__()
        self.G = G

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return (self.G(z) + 1) / 2


class _Clamp(nn.Module):
    def __init__(self, D: nn.Module) -> None:
        super().__init__()
        self.D = D

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.D(x).clamp(1e-6, 1 - 1e-6)


def test_the_same_ops_out_of_place_train_fine(kata, real):
    G, D = _models(kata)
    g_opt = torch.optim.SGD(G.parameters(), lr=0.01)
    d_opt = torch.optim.SGD(D.parameters(), lr=0.01)
    before = snapshot(G), snapshot(D)
    losses = call(
        kata.train_step,
        _Display(G),
        _Clamp(D),
        real[:8],
        g_opt,
        d_opt,
        why="train_step failed with (fake + 1) / 2 after G and .clamp(...) after D, both out "
        "of place. If the error says 'modified by an inplace operation', your own G, D or "
        "train_step overwrites a tensor that autograd saved: no x += ..., x.mul_(...) or "
        "inplace=True after a Tanh or Sigmoid.",
    )
    moved = changed(before[0], snapshot(G)), changed(before[1], snapshot(D))
    assert all(math.isfinite(loss) for loss in losses) and all(moved), (
        f"train_step with out-of-place ops returned {losses} and moved {len(moved[0])} of G's "
        f"and {len(moved[1])} of D's parameter tensors; expected finite losses and both "
        "networks stepped."
    )


def _train_briefly(kata, real: torch.Tensor, seed: int) -> tuple[float, float]:
    """Ten review steps of 16 real digits from fresh networks; then the mean pixel of 256
    fakes and how much surer D is of the real digits than of those fakes."""
    torch.manual_seed(seed)
    G, D = _models(kata)
    g_opt, d_opt = kata.make_optimizers(G, D)
    for step in range(10):
        kata.train_step(G, D, real[16 * step % 64 :][:16], g_opt, d_opt)
    with torch.no_grad():
        fake = G(kata.sample_latent(256))
        return float(fake.mean()), float(D(real).mean() - D(fake).mean())


def test_ten_steps_darken_the_fakes_and_teach_d(kata, real):
    # Swept over seeds 0-99 with two different correct solutions: the mean pixel starts
    # within ±0.02 and ends at -0.19 or below; D's margin starts within ±0.05 and ends at
    # 0.21 or above. The thresholds sit about halfway.
    mean_pixel, margin = _train_briefly(kata, real, seed=0)
    assert mean_pixel < -0.1, (
        f"After ten steps the fakes' mean pixel is {mean_pixel:.3f}; expected it to fall "
        "from about 0 towards the real digits' -0.73 (mostly background at -1), below -0.1. "
        "G needs Tanh to reach -1, the non-saturating loss BCE(D(G(z)), 1) to learn while D "
        "wins, and Adam(lr=2e-4, betas=(0.5, 0.999))."
    )
    assert margin > 0.12, (
        f"After ten steps D is only {margin:.3f} surer of real digits than of fakes; "
        "expected more than 0.12: D's step should learn real = 1 and fake.detach() = 0."
    )


# ## Task 12.7: mnist_transform


def test_mnist_transform_maps_a_pil_digit_to_minus_one_one(kata, digits):
    pixels = digits[10].reshape(28, 28).copy()
    pixels[0, 0], pixels[0, 1] = 0, 255
    image = Image.fromarray(pixels, mode="L")
    x = call(kata.mnist_transform(), image, why="mnist_transform()(a PIL digit) failed.")
    assert isinstance(x, torch.Tensor) and x.shape == (1, 28, 28) and x.dtype == torch.float32, (
        f"mnist_transform()(a 28x28 PIL digit) gave {type(x).__name__} "
        f"{tuple(getattr(x, 'shape', ()))}; expected a float32 tensor (1, 28, 28): "
        "transforms.ToTensor() makes (channels, height, width) floats."
    )
    ends = (float(x[0, 0, 0]), float(x[0, 0, 1]))
    assert ends == pytest.approx((-1.0, 1.0), abs=1e-6), (
        f"mnist_transform() maps pixel 0 to {ends[0]:.3f} and 255 to {ends[1]:.3f}; expected "
        "-1 and 1, the range of G's Tanh. ToTensor gives 0-1; add Normalize([0.5], [0.5]), "
        "which computes (x - 0.5) / 0.5."
    )
    expected = torch.from_numpy(pixels).float().div(127.5).sub(1.0).unsqueeze(0)
    assert torch.allclose(x, expected, atol=1e-5), (
        "mnist_transform()'s picture is not the digit's pixels p mapped to p / 127.5 - 1 "
        "in place: keep the layout (ToTensor, then Normalize([0.5], [0.5]))."
    )
