"""Kata 11 · The DCGAN translated from Keras (katas/dcgan.py)."""

from __future__ import annotations

import math

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from gankata.testkit.assertions import call, changed, expect_error, snapshot
from gankata.testkit.data import load_mnist

# The summary() tables of the Keras DCGAN study notes (a Korean textbook's MNIST model).
G_TOTAL, G_TRAINABLE = 865_281, 852_609
D_TOTAL = 212_865
GAN_TOTAL = 1_078_146
# The short training run: 3 steps of 8 digits (chosen by a sweep over 100 seeds).
STEPS, BATCH = 3, 8


def _generator(kata, **kwargs) -> nn.Module:
    G = kata.make_generator(**kwargs)
    assert isinstance(G, nn.Sequential), (
        f"make_generator() returned a {type(G).__name__}; expected an nn.Sequential, the "
        "PyTorch twin of Keras' Sequential() with one layer per add()."
    )
    return G


def _discriminator(kata) -> nn.Module:
    D = call(
        kata.make_discriminator,
        why="make_discriminator() failed. PyTorch refuses padding='same' for a stride-2 "
        "convolution: give the padding as a number (2 for a 5x5 kernel).",
    )
    assert isinstance(D, nn.Sequential), (
        f"make_discriminator() returned a {type(D).__name__}; expected an nn.Sequential."
    )
    return D


def _trace(model: nn.Sequential, x: torch.Tensor, name: str) -> list[tuple[nn.Module, tuple]]:
    """Run ``model`` one layer at a time: each layer with the shape of what it returned."""
    shapes = []
    for index, layer in enumerate(model):
        before = tuple(x.shape)
        x = call(
            layer,
            x,
            why=f"{name}'s layer {index} ({type(layer).__name__}) failed on an input of shape "
            f"{before}. A shape that does not fit usually means a 'same' padding missing "
            "(padding=2 for a 5x5 kernel) or a Keras channels-last shape: PyTorch wants "
            "channels first, (B, C, H, W).",
        )
        shapes.append((layer, tuple(x.shape)))
    return shapes


KINDS = (
    nn.Linear,
    nn.LeakyReLU,
    nn.BatchNorm1d,
    nn.BatchNorm2d,
    nn.Upsample,  # nn.UpsamplingNearest2d is one too
    nn.Conv2d,
    nn.Tanh,
    nn.Sigmoid,
    nn.Dropout,
    nn.Flatten,
)


def _kinds(model: nn.Sequential) -> list[str]:
    """Each layer's kind: its torch.nn base class when it has one of KINDS, else its class."""
    kinds = []
    for layer in model:
        kind = next((k for k in KINDS if isinstance(layer, k)), type(layer))
        kinds.append(kind.__name__)
    return kinds


# ## Task 11.1: keras_momentum_to_torch


@pytest.mark.parametrize("m", [0.99, 0.8, 0.9, 0.0, 1.0])
def test_momentum_is_one_minus_the_keras_momentum(kata, m):
    got = kata.keras_momentum_to_torch(m)
    assert got == pytest.approx(1 - m, abs=1e-12), (
        f"keras_momentum_to_torch({m}) returned {got}; expected 1 - m = {1 - m:g}. Keras keeps "
        f"{m:.0%} of the old running statistic (momentum is the weight of the OLD value); "
        "PyTorch's momentum is the weight of the NEW batch statistic."
    )


@pytest.mark.parametrize("m", [-0.1, 1.5, 99.0, math.nan], ids=str)
def test_momentum_outside_0_1_is_refused(kata, m):
    error = expect_error(
        ValueError,
        kata.keras_momentum_to_torch,
        m,
        why=f"keras_momentum_to_torch({m}) must raise ValueError: a momentum is a fraction in "
        "[0, 1] (check 0 <= m <= 1, which NaN fails too).",
    )
    said = str(error)
    assert "momentum" in said.lower() or str(m) in said, (
        f"The ValueError said {said!r}; it should name the momentum it refused ({m}) or say "
        "that a momentum must be in [0, 1]."
    )


# ## Task 11.2: make_generator


@pytest.mark.parametrize("batch", [1, 3, 64])
def test_generator_turns_seeds_into_28x28_images(kata, batch):
    G = _generator(kata)
    # BatchNorm cannot train on a batch of one; Keras' predict() runs in inference mode too.
    G.train(batch > 1)
    out = call(
        G,
        torch.randn(batch, 100),
        why=f"G(z) failed for a batch of {batch} seeds of 100 numbers.",
    )
    assert out.shape == (batch, 1, 28, 28), (
        f"G(z) for {batch} seeds has shape {tuple(out.shape)}; expected ({batch}, 1, 28, 28): "
        "channels first, where Keras' summary() shows (None, 28, 28, 1)."
    )


def test_generator_takes_latent_dim_numbers(kata):
    G = _generator(kata, latent_dim=16)
    out = call(
        G,
        torch.randn(4, 16),
        why="make_generator(latent_dim=16) failed on seeds of 16 numbers: the first Linear "
        "takes latent_dim inputs.",
    )
    assert out.shape == (4, 1, 28, 28), (
        f"make_generator(latent_dim=16) gave {tuple(out.shape)} for 4 seeds; expected "
        "(4, 1, 28, 28)."
    )


def test_generator_layers_follow_the_keras_model(kata):
    G = _generator(kata)
    kinds = _kinds(G)
    head = ["Linear", "LeakyReLU", "BatchNorm1d"]
    tail = ["Upsample", "Conv2d", "BatchNorm2d", "LeakyReLU", "Upsample", "Conv2d", "Tanh"]
    shape_ok = len(kinds) == 11 and kinds[-7:] == tail
    # The notes' code puts the LeakyReLU in the Dense layer, its summary() after the BatchNorm.
    head_ok = kinds[:3] in (head, ["Linear", "BatchNorm1d", "LeakyReLU"])
    assert shape_ok and head_ok, (
        f"G's layers are {kinds}; expected {head} (or BatchNorm1d before LeakyReLU, as the "
        f"DCGAN notes' summary() shows), the reshape, then {tail}: one PyTorch layer per Keras "
        "layer (a Keras activation= argument becomes a layer of its own; UpSampling2D is "
        "nn.Upsample)."
    )
    slopes = [layer.negative_slope for layer in G if isinstance(layer, nn.LeakyReLU)]
    assert slopes == [0.2, 0.2], (
        f"G's LeakyReLUs have negative slopes {slopes}; expected [0.2, 0.2] as in LeakyReLU(0.2)."
    )


def test_generator_reshapes_to_128_channels_first(kata):
    G = _generator(kata).eval()
    x = torch.randn(3, 100)
    for index, layer in enumerate(G):
        x = call(layer, x, why=f"G's layer {index} ({type(layer).__name__}) failed.")
        if x.ndim == 4:
            break
    assert x.shape == (3, 128, 7, 7), (
        f"The first 4-d tensor in G has shape {tuple(x.shape)}; expected (3, 128, 7, 7). "
        "Keras' Reshape((7, 7, 128)) is channels-last; PyTorch convolutions want channels "
        "first: nn.Unflatten(1, (128, 7, 7))."
    )
    numbers = torch.arange(2 * 6272, dtype=torch.float32).view(2, 6272)
    out = layer(numbers)
    assert torch.equal(out, numbers.view(2, 128, 7, 7)), (
        f"G's reshape layer ({type(layer).__name__}) gives the right shape but puts the 6272 "
        "numbers in other places than numbers.view(B, 128, 7, 7): feature c*49 + h*7 + w must "
        "land at [c, h, w], channels first. A channels-last reshape (7, 7, 128) followed by a "
        "permute is Keras' layout, not PyTorch's."
    )


def test_generator_upsamples_by_repeating_pixels(kata):
    G = _generator(kata)
    x = torch.arange(2 * 3 * 4 * 5, dtype=torch.float32).view(2, 3, 4, 5)
    expected = x.repeat_interleave(2, dim=2).repeat_interleave(2, dim=3)
    ups = [layer for layer in G if isinstance(layer, nn.Upsample)]
    assert len(ups) == 2, (
        f"G has {len(ups)} nn.Upsample layers; expected 2, Keras' UpSampling2D twice "
        "(7 -> 14 -> 28)."
    )
    for layer in ups:
        out = layer(x)
        assert out.shape == expected.shape and torch.equal(out, expected), (
            f"{layer} does not repeat each pixel 2 x 2 times; expected "
            "nn.Upsample(scale_factor=2, mode='nearest'), Keras' UpSampling2D default."
        )


def test_generator_convolutions_keep_the_size_with_same_padding(kata):
    G = _generator(kata).eval()
    sizes, x = [], torch.randn(2, 100)
    for layer, shape in _trace(G, x, "G"):
        if isinstance(layer, nn.Conv2d):
            sizes.append(shape[1:])
    assert sizes == [(64, 14, 14), (1, 28, 28)], (
        f"G's convolutions output {sizes}; expected [(64, 14, 14), (1, 28, 28)]: 5x5 "
        "kernels with Keras' padding='same', which keeps the size at stride 1: padding=2 "
        "(kernel_size // 2) or padding='same'. Without padding, a 5x5 kernel shrinks 14 to 10."
    )


def test_generator_batchnorm_momentum_is_translated_from_keras(kata):
    G = _generator(kata)
    norms = [layer for layer in G if isinstance(layer, nn.modules.batchnorm._BatchNorm)]
    features = [layer.num_features for layer in norms]
    assert features == [6272, 64], (
        f"G's BatchNorm layers normalise {features} features; expected [6272, 64]: "
        "BatchNorm1d(128*7*7) after the Linear, BatchNorm2d(64) after the first conv."
    )
    momenta = [layer.momentum for layer in norms]
    assert all(m == pytest.approx(0.01, abs=1e-9) for m in momenta), (
        f"G's BatchNorm momentum values are {momenta}; expected 0.01 for both. The DCGAN "
        "notes' G keeps Keras' default BatchNormalization(momentum=0.99), and Keras' momentum is "
        "the weight of the OLD running statistic while PyTorch's is the weight of the NEW one: "
        "1 - 0.99 = 0.01 (keras_momentum_to_torch). PyTorch's own default is 0.1."
    )


def test_generator_batchnorm_eps_is_keras_default(kata):
    G = _generator(kata)
    eps = [layer.eps for layer in G if isinstance(layer, nn.modules.batchnorm._BatchNorm)]
    assert len(eps) == 2 and all(e == pytest.approx(1e-3) for e in eps), (
        f"G's BatchNorm eps values are {eps}; expected 1e-3, Keras' BatchNormalization "
        "default (PyTorch's default eps is 1e-5): pass eps=1e-3."
    )


def test_generator_output_is_tanh_in_minus_one_to_one(kata):
    G = _generator(kata)
    out = call(G, torch.randn(64, 100), why="G(z) failed for 64 seeds.").detach()
    low, high = float(out.min()), float(out.max())
    assert low >= -1.0 and high <= 1.0 and low < -0.01, (
        f"G's outputs run from {low:.3f} to {high:.3f}; expected values in [-1, 1], negative "
        "ones included: the data is scaled to [-1, 1] ((x - 127.5) / 127.5), so the last "
        "layer is Tanh. A Sigmoid stays in (0, 1) and can never draw the -1 background."
    )


# ## Task 11.3: make_discriminator


@pytest.mark.parametrize("batch", [1, 3, 64])
def test_discriminator_gives_one_probability_per_image(kata, batch):
    D = _discriminator(kata)
    images = torch.rand(batch, 1, 28, 28) * 2 - 1
    shapes = _trace(D, images, "D")
    out = D(images).detach()
    assert out.shape == (batch, 1), (
        f"D on {batch} images gives shape {tuple(out.shape)}; expected ({batch}, 1). Layer "
        f"output shapes: {[shape for _, shape in shapes]}."
    )
    assert float(out.min()) > 0.0 and float(out.max()) < 1.0, (
        f"D's outputs run from {float(out.min()):.3f} to {float(out.max()):.3f}; expected "
        "probabilities in (0, 1): end with nn.Sigmoid(), Keras' activation='sigmoid'."
    )


def test_discriminator_halves_the_size_with_stride_2_same_padding(kata):
    D = _discriminator(kata)
    shapes = _trace(D, torch.zeros(2, 1, 28, 28), "D")
    sizes = [shape[1:] for layer, shape in shapes if isinstance(layer, nn.Conv2d)]
    assert sizes == [(64, 14, 14), (128, 7, 7)], (
        f"D's convolutions output {sizes}; expected [(64, 14, 14), (128, 7, 7)]: Keras' "
        "strides=2, padding='same' halves 28 -> 14 -> 7. PyTorch refuses padding='same' with "
        "stride 2; padding=2 gives the same sizes, padding 0 ('valid') gives 12 and 4."
    )


def test_discriminator_layers_follow_the_keras_model(kata):
    D = _discriminator(kata)
    block = ["Conv2d", "LeakyReLU", "Dropout"]
    expected = [*block, *block, "Flatten", "Linear", "Sigmoid"]
    assert _kinds(D) == expected, (
        f"D's layers are {_kinds(D)}; expected {expected}, one PyTorch layer per Keras layer."
    )
    drops = [layer.p for layer in D if isinstance(layer, nn.Dropout)]
    slopes = [layer.negative_slope for layer in D if isinstance(layer, nn.LeakyReLU)]
    assert drops == [0.3, 0.3] and slopes == [0.2, 0.2], (
        f"D's Dropout rates are {drops} and LeakyReLU slopes {slopes}; expected Dropout(0.3) "
        "and LeakyReLU(0.2) twice, as in the DCGAN notes."
    )


# ## Task 11.4: keras_param_count


def test_param_count_of_a_linear_layer(kata):
    counts = kata.keras_param_count(nn.Linear(3, 2))
    assert tuple(counts) == (8, 8) and all(type(c) is int for c in counts), (
        f"keras_param_count(nn.Linear(3, 2)) returned {counts!r}; expected (8, 8) as ints: "
        "6 weights + 2 biases, all trainable."
    )


def test_param_count_adds_batchnorm_moving_statistics(kata):
    counts = kata.keras_param_count(nn.BatchNorm1d(5))
    assert tuple(counts) == (20, 10), (
        f"keras_param_count(nn.BatchNorm1d(5)) returned {counts!r}; expected (20, 10): gamma "
        "and beta (10, trainable) plus running_mean and running_var (10, Keras' non-trainable "
        "moving statistics). Leave out num_batches_tracked: Keras has no such counter. "
        "Trainable means requires_grad."
    )


def test_param_count_of_a_frozen_model_has_nothing_trainable(kata):
    model = nn.Sequential(nn.Linear(3, 2), nn.BatchNorm1d(2)).requires_grad_(False)
    counts = kata.keras_param_count(model)
    assert tuple(counts) == (16, 0), (
        f"keras_param_count of a frozen Linear(3, 2) + BatchNorm1d(2) returned {counts!r}; "
        "expected (16, 0): the total keeps every number, but parameters with requires_grad "
        "False are not trainable (Keras' trainable = False)."
    )


def test_param_count_of_the_generator_matches_keras_summary(kata):
    counts = kata.keras_param_count(_generator(kata))
    assert tuple(counts) == (G_TOTAL, G_TRAINABLE), (
        f"keras_param_count(G) returned {counts!r}; the DCGAN notes' summary() says Total "
        "params: 865,281, Trainable params: 852,609. The 12,672 non-trainable ones are the "
        "BatchNorm running_mean and running_var (2 x 6272 + 2 x 64); num_batches_tracked is "
        "not counted."
    )


def test_param_count_of_the_discriminator_matches_keras_summary(kata):
    D = _discriminator(kata)
    counts = kata.keras_param_count(D)
    assert tuple(counts) == (D_TOTAL, D_TOTAL), (
        f"keras_param_count(D) returned {counts!r}; expected (212865, 212865): 1,664 + "
        "204,928 + 6,273, all trainable."
    )
    D.requires_grad_(False)
    counts = kata.keras_param_count(D)
    assert tuple(counts) == (D_TOTAL, 0), (
        f"keras_param_count(D) after D.requires_grad_(False) returned {counts!r}; expected "
        "(212865, 0), the DCGAN notes' table after discriminator.trainable = False. Count "
        "as trainable only the parameters with requires_grad."
    )


def test_param_count_of_the_gan_with_a_frozen_discriminator(kata):
    G, D = _generator(kata), _discriminator(kata)
    counts = kata.keras_param_count(nn.Sequential(G, D.requires_grad_(False)))
    assert tuple(counts) == (GAN_TOTAL, G_TRAINABLE), (
        f"keras_param_count(nn.Sequential(G, frozen D)) returned {counts!r}; the DCGAN "
        "notes' gan summary() says Total params: 1,078,146, Trainable params: 852,609 (G's only)."
    )


# ## Task 11.5: scale_to_tanh and scale_from_tanh


def test_scale_to_tanh_maps_0_to_minus_1_and_255_to_1(kata):
    pixels = torch.arange(256, dtype=torch.uint8)
    scaled = kata.scale_to_tanh(pixels)
    assert isinstance(scaled, torch.Tensor) and scaled.dtype == torch.float32, (
        f"scale_to_tanh returned {getattr(scaled, 'dtype', type(scaled))}; expected a float32 "
        "tensor (uint8 cannot hold -1 or 0.5)."
    )
    ends = (float(scaled[0]), float(scaled[255]))
    assert ends == (-1.0, 1.0), (
        f"scale_to_tanh maps 0 and 255 to {ends}; expected (-1.0, 1.0): (x - 127.5) / 127.5, "
        "as the DCGAN notes do, to match G's Tanh. Dividing by 255 gives 0 to 1."
    )
    expected = (pixels.float() - 127.5) / 127.5
    assert torch.allclose(scaled, expected, atol=1e-6), (
        "scale_to_tanh is not (x - 127.5) / 127.5 between the ends: a straight line from "
        "0 -> -1 to 255 -> 1."
    )


def test_scale_to_tanh_keeps_the_shape(kata):
    images = torch.from_numpy(load_mnist("embedded").images[:10])
    scaled = kata.scale_to_tanh(images)
    assert scaled.shape == (10, 784), (
        f"scale_to_tanh on [10, 784] pixels returned shape {tuple(scaled.shape)}; expected "
        "(10, 784): scaling works pixel by pixel."
    )


@pytest.mark.parametrize("bad", [[-1.0, 0.0], [0.0, 256.0]], ids=["negative", "above 255"])
def test_scale_to_tanh_refuses_values_outside_0_255(kata, bad):
    error = expect_error(
        ValueError,
        kata.scale_to_tanh,
        torch.tensor(bad),
        why=f"scale_to_tanh({bad}) must raise ValueError: pixels run from 0 to 255, and a "
        "negative value means the images were scaled already.",
    )
    assert "255" in str(error), (
        f"The ValueError said {str(error)!r}; it should say that pixels in [0, 255] were expected."
    )


def test_scale_from_tanh_maps_minus_1_to_0_and_1_to_255(kata):
    pixels = kata.scale_from_tanh(torch.tensor([-1.0, 1.0]))
    assert isinstance(pixels, torch.Tensor) and pixels.dtype == torch.uint8, (
        f"scale_from_tanh returned {getattr(pixels, 'dtype', type(pixels))}; expected a uint8 "
        "tensor, pixels as image files store them."
    )
    assert pixels.tolist() == [0, 255], (
        f"scale_from_tanh([-1, 1]) returned {pixels.tolist()}; expected [0, 255]: x * 127.5 + "
        "127.5, the inverse of (x - 127.5) / 127.5."
    )


def test_scale_from_tanh_rounds_to_the_nearest_pixel(kata):
    values = (torch.tensor([200.9, 200.2, 0.6, 254.7]) - 127.5) / 127.5
    pixels = kata.scale_from_tanh(values)
    assert pixels.tolist() == [201, 200, 1, 255], (
        f"scale_from_tanh of the values for pixels 200.9, 200.2, 0.6, 254.7 returned "
        f"{pixels.tolist()}; expected [201, 200, 1, 255]: round to the nearest pixel before "
        "the uint8 conversion, which truncates."
    )


def test_scale_round_trip_is_exact_for_every_pixel(kata):
    pixels = torch.arange(256, dtype=torch.uint8)
    back = kata.scale_from_tanh(kata.scale_to_tanh(pixels))
    assert torch.equal(back, pixels), (
        f"scale_from_tanh(scale_to_tanh(p)) differs from p at pixels "
        f"{(back != pixels).nonzero().flatten().tolist()[:10]}; expected every one of the 256 "
        "values back: round before converting to uint8."
    )


def test_scale_from_tanh_takes_the_generators_output(kata):
    out = torch.tanh(torch.randn(2, 1, 28, 28, requires_grad=True))
    pixels = call(
        kata.scale_from_tanh,
        out,
        why="scale_from_tanh(G(z)) failed on a tensor that requires grad: detach() it.",
    )
    assert pixels.shape == (2, 1, 28, 28), (
        f"scale_from_tanh on a (2, 1, 28, 28) batch returned shape {tuple(pixels.shape)}."
    )


@pytest.mark.parametrize("bad", [[0.0, 1.5], [-1.01, 0.0]], ids=["above 1", "below -1"])
def test_scale_from_tanh_refuses_values_outside_minus_1_1(kata, bad):
    error = expect_error(
        ValueError,
        kata.scale_from_tanh,
        torch.tensor(bad),
        why=f"scale_from_tanh({bad}) must raise ValueError: a Tanh output lies in [-1, 1], so "
        "these are not G's images (uint8 would silently wrap them around).",
    )
    assert "-1" in str(error), (
        f"The ValueError said {str(error)!r}; it should say that values in [-1, 1] were expected."
    )


# ## Task 11.6: make_optimizers


def test_optimizers_are_keras_adam_defaults(kata):
    G, D = nn.Linear(2, 3), nn.Linear(3, 1)
    optimisers = kata.make_optimizers(G, D)
    assert isinstance(optimisers, tuple) and len(optimisers) == 2, (
        f"make_optimizers(G, D) returned {type(optimisers).__name__}; expected (g_opt, d_opt)."
    )
    for name, model, optimiser in zip("GD", (G, D), optimisers, strict=True):
        assert isinstance(optimiser, torch.optim.Adam), (
            f"{name}'s optimiser is {type(optimiser).__name__}; expected torch.optim.Adam "
            "(Keras' optimizer='adam')."
        )
        held = [p for group in optimiser.param_groups for p in group["params"]]
        assert {id(p) for p in held} == {id(p) for p in model.parameters()}, (
            f"{name}'s optimiser does not hold exactly {name}'s parameters; the tuple is "
            "(g_opt, d_opt), G's first."
        )
        group = optimiser.param_groups[0]
        settings = (group["lr"], tuple(group["betas"]), group["eps"])
        assert settings == (1e-3, (0.9, 0.999), 1e-7), (
            f"{name}'s Adam has lr, betas, eps = {settings}; expected (0.001, (0.9, 0.999), "
            "1e-07), Keras' defaults for optimizer='adam'. PyTorch's default eps is 1e-8."
        )


# ## Task 11.7: train_step


def _tiny_gan() -> tuple[nn.Module, nn.Module]:
    G = nn.Sequential(nn.Linear(4, 8), nn.Tanh())
    D = nn.Sequential(nn.Linear(8, 1), nn.Sigmoid())
    return G, D


def _batch(size: int = 6) -> tuple[torch.Tensor, torch.Tensor]:
    return torch.rand(size, 8) * 2 - 1, torch.randn(size, 4)


def _sgd(model: nn.Module, lr: float) -> torch.optim.Optimizer:
    return torch.optim.SGD(model.parameters(), lr=lr)


def _step(kata, G, D, real, z, g_opt, d_opt):
    return call(
        kata.train_step,
        G,
        D,
        real,
        z,
        g_opt,
        d_opt,
        why=f"train_step(G, D, real, z, g_opt, d_opt) failed on a batch of {len(real)}. "
        "'Trying to backward through the graph a second time' means that D learned on a "
        "fake still attached to G: give D fake.detach() (Keras: generator.predict).",
    )


def test_train_step_returns_three_floats(kata):
    G, D = _tiny_gan()
    real, z = _batch()
    losses = _step(kata, G, D, real, z, _sgd(G, 0.1), _sgd(D, 0.1))
    assert isinstance(losses, kata.StepLosses), (
        f"train_step returned {type(losses).__name__}; expected StepLosses(d_real, d_fake, g)."
    )
    assert all(type(x) is float and math.isfinite(x) for x in losses), (
        f"train_step returned {losses!r}; expected three finite Python floats: loss.item(), "
        "not the loss tensors (which keep their whole graph alive)."
    )


@pytest.mark.parametrize("batch", [1, 7])
def test_train_step_losses_are_bce_with_real_1_fake_0_and_g_1(kata, batch):
    G, D = _tiny_gan()
    real, z = _batch(batch)
    with torch.no_grad():
        on_real, on_fake = D(real), D(G(z))
    d_real = F.binary_cross_entropy(on_real, torch.ones_like(on_real)).item()
    d_fake = F.binary_cross_entropy(on_fake, torch.zeros_like(on_fake)).item()
    g = F.binary_cross_entropy(on_fake, torch.ones_like(on_fake)).item()
    # D's optimiser has lr 0, so that every loss is measured on the same D.
    got = _step(kata, G, D, real, z, _sgd(G, 0.1), _sgd(D, 0.0))
    assert got.d_real == pytest.approx(d_real, abs=1e-5), (
        f"d_real is {got.d_real:.5f}; expected BCE(D(real), 1) = {d_real:.5f}: real images "
        "get the target 1 (the DCGAN notes' `true`)."
    )
    assert got.d_fake == pytest.approx(d_fake, abs=1e-5), (
        f"d_fake is {got.d_fake:.5f}; expected BCE(D(G(z)), 0) = {d_fake:.5f}: fakes get "
        "the target 0 when D learns (the DCGAN notes' `fake`)."
    )
    hint = ""
    if got.g == pytest.approx(-d_fake, abs=1e-5):
        hint = (
            " You returned -BCE(D(G(z)), 0), the minimax loss log(1 - D(G(z))), which "
            "saturates while D wins."
        )
    assert got.g == pytest.approx(g, abs=1e-5), (
        f"g is {got.g:.5f}; expected BCE(D(G(z)), 1) = {g:.5f}, the non-saturating loss "
        f"-log D(G(z)): G wants D to say 'real' (gan.train_on_batch(noise, true)).{hint}"
    )


def test_train_step_trains_both_networks(kata):
    G, D = _tiny_gan()
    real, z = _batch()
    g_before, d_before = snapshot(G), snapshot(D)
    _step(kata, G, D, real, z, _sgd(G, 0.1), _sgd(D, 0.1))
    assert changed(d_before, snapshot(D)), (
        "D's parameters did not change in train_step; D must learn on real (target 1) and "
        "fake (target 0): backward() and d_opt.step()."
    )
    assert changed(g_before, snapshot(G)), (
        "G's parameters did not change in train_step; G's step must pass G(z), not detached, "
        "through D, then backward() and g_opt.step()."
    )


def test_train_step_d_never_learns_from_gs_fakes_through_g(kata):
    G, D = _tiny_gan()
    real, z = _batch()
    passes = []
    for p in G.parameters():
        p.register_hook(lambda grad: passes.append(1) or grad)
    _step(kata, G, D, real, z, _sgd(G, 0.1), _sgd(D, 0.1))
    backward_passes_into_g = len(passes) // len(list(G.parameters()))
    assert backward_passes_into_g == 1, (
        f"Gradients reached G's parameters in {backward_passes_into_g} backward passes; "
        "expected 1, G's own step. When D learns on fakes, feed it G(z).detach() (Keras: "
        "generator.predict), so that D's lesson does not flow back into G."
    )


def test_train_step_freezes_d_for_gs_step_and_then_unfreezes_it(kata):
    G, D = _tiny_gan()
    real, z = _batch()
    calls = []

    def record(module, inputs):
        calls.append(
            (
                inputs[0].requires_grad,
                [p.requires_grad for p in D.parameters()],
                snapshot(D),
            )
        )

    D.register_forward_pre_hook(record)
    _step(kata, G, D, real, z, _sgd(G, 0.1), _sgd(D, 0.1))
    through_g = [i for i, (attached, _, _) in enumerate(calls) if attached]
    assert through_g, (
        "D never saw a fake still attached to G; G's step must call D(G(z)) without detach(), "
        "so that the gradient reaches G."
    )
    for i in through_g:
        assert not any(calls[i][1]), (
            "D's parameters had requires_grad True while G learned through D; freeze D first "
            "with D.requires_grad_(False), the PyTorch twin of discriminator.trainable = False, "
            "so that G's step cannot train D."
        )
    learning = [i for i, (_, flags, _) in enumerate(calls) if all(flags)]
    order = ["G's step" if i in through_g else "D's step" for i in range(len(calls))]
    assert learning and max(learning) < through_g[0], (
        "D must learn first (real, then detached fake) and G last, as in the DCGAN "
        f"notes' gan_train loop; D's calls in order were {order}."
    )
    assert not changed(calls[through_g[0]][2], snapshot(D)), (
        f"D's parameters {changed(calls[through_g[0]][2], snapshot(D))} changed during G's "
        "step; only g_opt may step there, and D must stay frozen (requires_grad_(False))."
    )
    frozen = [name for name, p in D.named_parameters() if not p.requires_grad]
    assert not frozen, (
        f"After train_step D's parameters {frozen} still have requires_grad False; make D "
        "trainable again after G's step (D.requires_grad_(True), the DCGAN "
        "notes' discriminator.trainable = True), or D never learns again."
    )


def test_a_few_dcgan_steps_darken_the_background(kata):
    """Three steps on real digits: G's images move toward the data's -1 background."""
    G, D = _generator(kata), _discriminator(kata)
    g_opt, d_opt = kata.make_optimizers(G, D)
    pixels = torch.from_numpy(load_mnist("embedded").images[: STEPS * BATCH])
    images = kata.scale_to_tanh(pixels).view(-1, 1, 28, 28)
    z_fixed = torch.randn(16, 100)
    with torch.no_grad():
        before = G(z_fixed).mean().item()
    for step in range(STEPS):
        real = images[step * BATCH : (step + 1) * BATCH]
        _step(kata, G, D, real, torch.randn(BATCH, 100), g_opt, d_opt)
    with torch.no_grad():
        after = G(z_fixed).mean().item()
    # Over 100 seeds the solution's mean pixel fell by 0.35 to 1.2 (median 0.79).
    assert after < before - 0.15, (
        f"After {STEPS} steps on real digits, G's mean pixel went from {before:.3f} to "
        f"{after:.3f}; expected it to fall by more than 0.15, toward the digits' mean of -0.74 "
        "(mostly -1 background). Check the data scaling ((x - 127.5) / 127.5), the targets "
        "(real 1, fake 0, G 1) and that G's step steps g_opt through D."
    )
