"""The DCGAN's fast path computes kata 11's networks: the same outputs, gradients and steps.

The folds are exact algebra, so float64 must agree to rounding (1e-12 of the values' scale).
In float32 both generators round, differently: each is held to the float64 answer. Holding
the fast one to the kata's float32 figures instead would measure the kata's own rounding:
on seed 2 at batch 64 the kata's 5x5 backward pass was 2.5e-3 (relative) off the float64
gradient, the folded one 1e-6.
"""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from gankata.demos.fast_dcgan import (
    FastDropout,
    UnshuffledConv,
    UpsampledConv,
    fast_discriminator,
    fast_generator,
    fold_matrix,
)
from gankata.testkit.loader import load_impl

ROOT = Path(__file__).resolve().parents[2]
dcgan = load_impl("dcgan", "solutions", ROOT)

# Odd and even batches, the smallest BatchNorm allows and a large one.
CASES = [(0, 2), (1, 7), (2, 64), (3, 33)]


def _gradients(
    generator: nn.Module, params: list[nn.Parameter], z: torch.Tensor, weights: torch.Tensor
) -> tuple[torch.Tensor, tuple[torch.Tensor, ...]]:
    """The images and d(sum(weights * images))/d(params): a random direction, so that every
    pixel's gradient counts, not only a loss's average."""
    images = generator(z)
    return images, torch.autograd.grad((images * weights).sum(), params)


def _models(seed: int, dtype: torch.dtype) -> tuple[nn.Sequential, nn.Sequential]:
    torch.manual_seed(seed)
    G = dcgan.make_generator().to(dtype)
    return G, fast_generator(G)


def _inputs(seed: int, batch: int, dtype: torch.dtype) -> tuple[torch.Tensor, torch.Tensor]:
    generator = torch.Generator().manual_seed(1000 + seed)
    z = torch.randn(batch, dcgan.LATENT_DIM, generator=generator, dtype=dtype)
    return z, torch.randn(batch, 1, 28, 28, generator=generator, dtype=dtype)


@pytest.mark.parametrize(("seed", "batch"), CASES, ids=[f"seed{s}-batch{b}" for s, b in CASES])
def test_in_float64_the_fast_generator_is_the_kata_generator(seed, batch):
    G, fast = _models(seed, torch.float64)
    z, weights = _inputs(seed, batch, torch.float64)
    params = list(G.parameters())
    expected, expected_grads = _gradients(G, params, z, weights)
    seen, seen_grads = _gradients(fast, params, z, weights)
    gap = (seen - expected).abs().max().item()
    assert gap < 1e-12, (
        f"the folded generator's images differ from kata 11's by {gap:.1e} in float64, where "
        "the fold is exact: the phases' channel order (4 o + 2 a + b) or the padding is off"
    )
    scale = max(g.abs().max().item() for g in expected_grads)
    for (name, _), want, got in zip(G.named_parameters(), expected_grads, seen_grads, strict=True):
        gap = (got - want).abs().max().item()
        assert gap < 1e-12 * scale, (
            f"d/d {name}: the folded generator's gradient differs by {gap:.1e} (largest "
            f"gradient {scale:.1e}) in float64: the fold must be applied to the kata's own "
            "weights in every forward pass, so that the gradient flows back through it"
        )


@pytest.mark.parametrize(("seed", "batch"), CASES, ids=[f"seed{s}-batch{b}" for s, b in CASES])
def test_in_float32_the_fast_generator_is_as_close_to_the_exact_answer(seed, batch):
    G, fast = _models(seed, torch.float32)
    z, weights = _inputs(seed, batch, torch.float32)
    exact = copy.deepcopy(G).double()
    want, want_grads = _gradients(exact, list(exact.parameters()), z.double(), weights.double())
    seen, seen_grads = _gradients(fast, list(G.parameters()), z, weights)
    gap = (seen.double() - want).abs().max().item()
    assert gap < 1e-5, (
        f"float32 images of the folded generator are {gap:.1e} from the exact (float64) "
        "images of kata 11's, whose values lie in [-1, 1]: expected float32 rounding, < 1e-5"
    )
    # One scale for all: a convolution's bias right before BatchNorm has a gradient of exactly
    # zero (BatchNorm subtracts the mean), so in float32 all it holds is rounding noise.
    scale = max(g.abs().max().item() for g in want_grads)
    for (name, _), exact_grad, got in zip(
        G.named_parameters(), want_grads, seen_grads, strict=True
    ):
        gap = (got.double() - exact_grad).abs().max().item()
        assert gap < 1e-5 * scale, (
            f"d/d {name}: the float32 fast generator is {gap:.1e} from the exact gradient "
            f"(largest gradient {scale:.1e}): more than float32 rounding, so the fold or its "
            "backward pass differs from kata 11's generator"
        )


@pytest.mark.parametrize("with_d", [False, True], ids=["fast-G", "fast-G-and-D"])
def test_one_training_step_of_the_fast_networks_is_kata_11s_step(with_d):
    """Same weights in, same weights out: one ``train_step`` (Adam, BatchNorm's running
    statistics) through kata 11's networks or their fast paths. With the kata's D, Dropout
    draws the same masks in both runs; the fast D draws its masks from another stream of
    random numbers (the same distribution), so that run turns Dropout off in both."""
    results = []
    for fold in (False, True):
        torch.manual_seed(3)
        G, D = dcgan.make_generator().double(), dcgan.make_discriminator().double()
        if with_d:
            for dropout in (m for m in D.modules() if isinstance(m, nn.Dropout)):
                dropout.p = 0.0
        g_opt, d_opt = dcgan.make_optimizers(G, D)
        z, real = _inputs(3, 16, torch.float64)
        trained_g = fast_generator(G) if fold else G
        trained_d = fast_discriminator(D) if fold and with_d else D
        dcgan.train_step(trained_g, trained_d, real.tanh(), z, g_opt, d_opt)
        results.append({**G.state_dict(), **{f"D.{k}": v for k, v in D.state_dict().items()}})
    kata, fast = results
    for name, want in kata.items():
        gap = (fast[name].double() - want.double()).abs().max().item()
        assert gap < 1e-9, (
            f"after one train_step, {name} differs by {gap:.1e} between kata 11's networks "
            "and their fast paths: the two must train the same parameters the same way"
        )


@pytest.mark.parametrize(("seed", "batch"), CASES, ids=[f"seed{s}-batch{b}" for s, b in CASES])
def test_the_fast_discriminator_is_the_kata_discriminator(seed, batch):
    """In eval mode (Dropout off), in float64 exactly and in float32 to rounding; the input's
    gradient too, since G's step back-propagates through D into G."""
    torch.manual_seed(seed)
    D = dcgan.make_discriminator().eval()
    images = torch.randn(batch, 1, 28, 28, generator=torch.Generator().manual_seed(seed))
    for dtype, tolerance in ((torch.float64, 1e-12), (torch.float32, 1e-5)):
        exact = copy.deepcopy(D).double()
        x64 = images.double().requires_grad_()
        want = exact(x64)
        want_grads = torch.autograd.grad(want.sum(), [x64, *exact.parameters()])
        model = copy.deepcopy(D).to(dtype)
        x = images.to(dtype).requires_grad_()
        seen = fast_discriminator(model)(x)
        seen_grads = torch.autograd.grad(seen.sum(), [x, *model.parameters()])
        gap = (seen.double() - want).abs().max().item()
        assert gap < tolerance, (
            f"{dtype}: the fast discriminator's verdicts are {gap:.1e} from kata 11's exact "
            "ones: the unshuffled first convolution reads the wrong phase or offset"
        )
        names = ["the input", *(name for name, _ in exact.named_parameters())]
        scale = max(g.abs().max().item() for g in want_grads)
        for name, exact_grad, got in zip(names, want_grads, seen_grads, strict=True):
            gap = (got.double() - exact_grad).abs().max().item()
            assert gap < tolerance * scale, (
                f"{dtype}: d/d {name} of the fast discriminator is {gap:.1e} from the exact "
                f"gradient (largest {scale:.1e}): more than rounding"
            )


def test_fast_dropout_keeps_each_value_with_probability_1_minus_p_and_scales_it():
    torch.manual_seed(0)
    x = torch.rand(1000, 1000) + 1.0  # never 0, so a dropped value is told from a kept one
    x.requires_grad_()
    dropout = FastDropout(0.3)
    y = dropout(x)
    kept = y != 0
    rate = kept.float().mean().item()
    # 1e6 draws: the kept fraction's standard deviation is 4.6e-4, so 0.003 is 6.5 of them.
    assert abs(rate - 0.7) < 0.003, f"Dropout(0.3) keeps 70 % of the values, this kept {rate:.2%}"
    scaled = (y[kept] - x[kept] / 0.7).abs().max().item()
    assert scaled < 1e-6, f"kept values are scaled by 1 / 0.7, off by {scaled:.1e}"
    y.sum().backward()
    mask = kept.float() / 0.7
    assert torch.allclose(x.grad, mask), "the gradient passes where the value was kept, x 1/0.7"
    assert dropout.eval()(x) is x, "in eval mode Dropout passes its input through unchanged"


@pytest.mark.parametrize("kernel_size", [1, 3, 5, 7])
@pytest.mark.parametrize("bias", [True, False], ids=["bias", "no-bias"])
def test_the_fold_holds_for_any_odd_kernel(kernel_size, bias):
    torch.manual_seed(kernel_size)
    conv = nn.Conv2d(3, 5, kernel_size, padding=kernel_size // 2, bias=bias).double()
    x = torch.randn(2, 3, 6, 5, dtype=torch.float64)
    want = conv(F.interpolate(x, scale_factor=2, mode="nearest"))
    gap = (UpsampledConv(conv)(x) - want).abs().max().item()
    assert gap < 1e-12, (
        f"a {kernel_size}x{kernel_size} 'same' convolution after nearest 2x upsampling differs "
        f"from its folded form by {gap:.1e}: the fold matrix {fold_matrix(kernel_size)} "
        "puts a tap on the wrong small pixel"
    )


@pytest.mark.parametrize("kernel_size", [1, 3, 5, 7])
def test_the_unshuffled_stride_2_convolution_holds_for_any_odd_kernel(kernel_size):
    torch.manual_seed(kernel_size)
    conv = nn.Conv2d(2, 3, kernel_size, stride=2, padding=kernel_size // 2).double()
    x = torch.randn(2, 2, 8, 6, dtype=torch.float64)
    gap = (UnshuffledConv(conv)(x) - conv(x)).abs().max().item()
    assert gap < 1e-12, (
        f"a {kernel_size}x{kernel_size} stride-2 convolution differs from its unshuffled form "
        f"by {gap:.1e}: the fold puts a tap on the wrong phase or offset"
    )
    with pytest.raises(ValueError, match="even height and width"):
        UnshuffledConv(conv)(torch.randn(1, 2, 7, 6, dtype=torch.float64))


def test_the_fast_generator_shares_the_kata_generators_parameters_and_names():
    G = dcgan.make_generator()
    fast = fast_generator(G)
    assert list(fast.state_dict()) == list(G.state_dict()), (
        "the folded generator's state_dict keys must be kata 11's, so checkpoints load both "
        f"ways: got {list(fast.state_dict())}, expected {list(G.state_dict())}"
    )
    shared = {id(p) for p in G.parameters()}
    assert all(id(p) in shared for p in fast.parameters()), (
        "the folded generator must hold kata 11's parameters themselves (shared, not copied), "
        "so that training one trains the other"
    )
    folded = [m for m in fast if isinstance(m, UpsampledConv)]
    assert len(folded) == 2, f"both upsample + conv pairs fold, got {len(folded)}"


def test_the_fast_networks_keep_the_originals_mode_and_parameters():
    D = dcgan.make_discriminator().eval()
    fast = fast_discriminator(D)
    assert not fast.training and not any(m.training for m in fast.modules()), (
        "an eval-mode discriminator's fast path must be in eval mode too (new modules start "
        "in training mode, which would turn Dropout on)"
    )
    assert isinstance(fast[0], UnshuffledConv) and fast[0].weight is D[0].weight, (
        "the unshuffled first convolution holds kata 11's own weight"
    )
    assert list(fast.state_dict()) == list(D.state_dict())


def test_a_model_without_the_pattern_is_refused_with_the_reason():
    with pytest.raises(ValueError, match="no Upsample"):
        fast_generator(dcgan.make_discriminator())
    with pytest.raises(ValueError, match="stride 2"):
        fast_discriminator(dcgan.make_generator())
    with pytest.raises(ValueError, match=r"\[0, 1\)"):
        FastDropout(1.0)
    with pytest.raises(TypeError, match=r"an nn\.Sequential"):
        fast_generator(nn.Linear(2, 2))  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="odd kernel size"):
        fold_matrix(4)
