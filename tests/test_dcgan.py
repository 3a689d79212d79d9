"""Kata 11 · The DCGAN translated from Keras (katas/dcgan.py)."""

from __future__ import annotations

import math

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from gankata.testkit.assertions import call, changed, expect_error, snapshot
from gankata.testkit.data import load_mnist
from gankata.testkit.messages import msg

# The summary() tables of the Keras DCGAN study notes (a Korean textbook's MNIST model).
G_TOTAL, G_TRAINABLE = 865_281, 852_609
D_TOTAL = 212_865
GAN_TOTAL = 1_078_146
# The short training run: 3 steps of 8 digits (chosen by a sweep over 100 seeds).
STEPS, BATCH = 3, 8


def channels_first(why: str) -> str:
    """``why`` G failed, then what a channels-last reshape does to G's first convolution.

    Every test that calls G says it, so that PyTorch's bare "expected input[1, 7, 14, 256] to
    have 128 channels, but got 7 channels instead" always comes with its lesson.
    """
    return msg(
        "{why} If PyTorch says that a convolution expected 128 channels but got 7, G's reshape "
        "is channels last. PyTorch is channels first, (N, C, H, W): Keras' (7, 7, 128) is "
        "(128, 7, 7) here. The likely mistake is copying the notes' Reshape((7, 7, 128)) as it "
        "is (or as x.view(-1, 7, 7, 128)); write nn.Unflatten(1, (128, 7, 7)).",
        "{why} 합성곱이 128개 채널을 기대했는데 7개를 받았다고 PyTorch가 말한다면, 생성기의 "
        "모양 바꾸기가 채널 마지막(channels last)입니다. PyTorch는 채널 우선, (N, C, H, W)이므로 "
        "Keras의 (7, 7, 128)은 여기서 (128, 7, 7)입니다. 학습 노트의 Reshape((7, 7, 128))을 "
        "그대로 옮긴 것(또는 x.view(-1, 7, 7, 128)로 쓴 것)이 흔한 실수입니다. "
        "nn.Unflatten(1, (128, 7, 7))로 쓰세요.",
        why=why,
    )


def generate(G: nn.Module, z: torch.Tensor, why: str) -> torch.Tensor:
    """``G(z)``; a failure says ``why`` and what a channels-last reshape looks like."""
    return call(G, z, why=channels_first(why))


def _generator(kata, **kwargs) -> nn.Module:
    G = kata.make_generator(**kwargs)
    assert isinstance(G, nn.Sequential), msg(
        "make_generator() returned a {kind}; expected an nn.Sequential, the PyTorch twin of "
        "Keras' Sequential() with one layer per add(). Did you return the layers as a list, "
        "or a model class of your own?",
        "make_generator()의 반환값이 {kind}입니다. nn.Sequential이어야 합니다. add()마다 층을 "
        "하나씩 쌓는 Keras Sequential()의 PyTorch 짝입니다. 층을 리스트로 반환했거나 직접 만든 "
        "모델 클래스를 반환하지 않았나요?",
        kind=type(G).__name__,
    )
    return G


def _discriminator(kata) -> nn.Module:
    D = call(
        kata.make_discriminator,
        why=msg(
            "make_discriminator() failed; expected it to build the notes' discriminator. "
            "PyTorch refuses padding='same' for a stride-2 convolution: give the padding as a "
            "number (2 for a 5x5 kernel).",
            "make_discriminator()가 실패했습니다. 학습 노트의 판별기를 만들어야 합니다. "
            "PyTorch는 stride 2 합성곱에 padding='same'을 받지 않습니다. 패딩을 숫자로 "
            "주세요(5x5 커널이면 2).",
        ),
    )
    assert isinstance(D, nn.Sequential), msg(
        "make_discriminator() returned a {kind}; expected an nn.Sequential, the PyTorch twin "
        "of Keras' Sequential().",
        "make_discriminator()의 반환값이 {kind}입니다. Keras Sequential()의 PyTorch 짝인 "
        "nn.Sequential이어야 합니다.",
        kind=type(D).__name__,
    )
    return D


def _trace(model: nn.Sequential, x: torch.Tensor, name: str) -> list[tuple[nn.Module, tuple]]:
    """Run ``model`` one layer at a time: each layer with the shape of what it returned."""
    shapes = []
    for index, layer in enumerate(model):
        before = tuple(x.shape)
        why = msg(
            "{name}'s layer {index} ({kind}) failed on an input of shape {before}. A shape that "
            "does not fit usually means a 'same' padding missing (padding=2 for a 5x5 kernel) "
            "or a Keras channels-last shape: PyTorch wants channels first, (B, C, H, W).",
            "{name}의 {index}번 층({kind})이 모양 {before}인 입력에서 실패했습니다. 모양이 맞지 "
            "않는다면 대개 'same' 패딩이 빠졌거나(5x5 커널이면 padding=2) Keras의 채널 마지막 "
            "모양을 그대로 쓴 것입니다. PyTorch는 채널 우선, (B, C, H, W)입니다.",
            name=name,
            index=index,
            kind=type(layer).__name__,
            before=before,
        )
        x = call(layer, x, why=channels_first(why) if name == "G" else why)
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
    assert got == pytest.approx(1 - m, abs=1e-12), msg(
        "keras_momentum_to_torch({m}) returned {got}; expected 1 - m = {expected:g}. Keras keeps "
        "{m:.0%} of the old running statistic (momentum is the weight of the OLD value); "
        "PyTorch's momentum is the weight of the NEW batch statistic.",
        "keras_momentum_to_torch({m})의 반환값이 {got}입니다. 1 - m = {expected:g}이어야 "
        "합니다. Keras는 예전 이동 통계를 {m:.0%} 남깁니다(momentum이 예전 값의 가중치입니다). "
        "PyTorch의 momentum은 새 배치 통계의 가중치입니다.",
        m=m,
        got=got,
        expected=1 - m,
    )


@pytest.mark.parametrize("m", [-0.1, 1.5, 99.0, math.nan], ids=str)
def test_momentum_outside_0_1_is_refused(kata, m):
    error = expect_error(
        ValueError,
        kata.keras_momentum_to_torch,
        m,
        why=msg(
            "keras_momentum_to_torch({m}) must raise ValueError: a momentum is a fraction in "
            "[0, 1] (check 0 <= m <= 1, which NaN fails too; m < 0 or m > 1 lets NaN through).",
            "keras_momentum_to_torch({m})는 ValueError를 발생시켜야 합니다. momentum은 [0, 1] "
            "사이의 비율입니다(0 <= m <= 1로 확인하세요. NaN은 이 검사에 걸리지만, "
            "m < 0 or m > 1은 NaN을 통과시킵니다).",
            m=m,
        ),
    )
    said = str(error)
    assert "momentum" in said.lower() or str(m) in said, msg(
        "The ValueError said {said!r}; it should name the momentum it refused ({m}) or say "
        "that a momentum must be in [0, 1].",
        "ValueError의 메시지가 {said!r}입니다. 거부한 momentum 값({m})을 밝히거나 momentum은 "
        "[0, 1] 안에 있어야 한다고 말해야 합니다.",
        said=said,
        m=m,
    )


# ## Task 11.2: make_generator


@pytest.mark.parametrize("batch", [1, 3, 64])
def test_generator_turns_seeds_into_28x28_images(kata, batch):
    G = _generator(kata)
    # BatchNorm cannot train on a batch of one; Keras' predict() runs in inference mode too.
    G.train(batch > 1)
    out = generate(
        G,
        torch.randn(batch, 100),
        why=msg(
            "G(z) failed for a batch of {batch} seeds of 100 numbers; expected images of shape "
            "({batch}, 1, 28, 28).",
            "값 100개짜리 시드 {batch}개의 배치에서 G(z)가 실패했습니다. 모양 ({batch}, 1, 28, "
            "28)인 이미지가 나와야 합니다.",
            batch=batch,
        ),
    )
    assert out.shape == (batch, 1, 28, 28), msg(
        "G(z) for {batch} seeds has shape {shape}; expected ({batch}, 1, 28, 28): "
        "channels first, where Keras' summary() shows (None, 28, 28, 1).",
        "시드 {batch}개에 대한 G(z)의 모양이 {shape}입니다. ({batch}, 1, 28, 28)이어야 "
        "합니다: Keras의 summary()가 (None, 28, 28, 1)로 보여 주는 것을 채널 우선으로 쓴 "
        "모양입니다.",
        batch=batch,
        shape=tuple(out.shape),
    )


def test_generator_takes_latent_dim_numbers(kata):
    G = _generator(kata, latent_dim=16)
    out = generate(
        G,
        torch.randn(4, 16),
        why=msg(
            "make_generator(latent_dim=16) failed on seeds of 16 numbers: the first Linear "
            "takes latent_dim inputs (did you write 100 where latent_dim belongs?).",
            "make_generator(latent_dim=16)이 값 16개짜리 시드에서 실패했습니다. 첫 Linear는 "
            "latent_dim개의 입력을 받습니다(latent_dim 자리에 100을 쓰지 않았나요?).",
        ),
    )
    assert out.shape == (4, 1, 28, 28), msg(
        "make_generator(latent_dim=16) gave {shape} for 4 seeds; expected (4, 1, 28, 28).",
        "시드 4개에 대한 make_generator(latent_dim=16)의 출력 모양이 {shape}입니다. (4, 1, 28, 28)"
        "이어야 합니다.",
        shape=tuple(out.shape),
    )


def test_generator_layers_follow_the_keras_model(kata):
    G = _generator(kata)
    kinds = _kinds(G)
    head = ["Linear", "LeakyReLU", "BatchNorm1d"]
    tail = ["Upsample", "Conv2d", "BatchNorm2d", "LeakyReLU", "Upsample", "Conv2d", "Tanh"]
    shape_ok = len(kinds) == 11 and kinds[-7:] == tail
    # The notes' code puts the LeakyReLU in the Dense layer, its summary() after the BatchNorm.
    head_ok = kinds[:3] in (head, ["Linear", "BatchNorm1d", "LeakyReLU"])
    assert shape_ok and head_ok, msg(
        "G's layers are {kinds}; expected {head} (or BatchNorm1d before LeakyReLU, as the "
        "DCGAN notes' summary() shows), the reshape, then {tail}: one PyTorch layer per Keras "
        "layer (a Keras activation= argument becomes a layer of its own; UpSampling2D is "
        "nn.Upsample).",
        "생성기의 층이 {kinds}입니다. {head}(또는 DCGAN 학습 노트의 summary()처럼 "
        "LeakyReLU 앞에 BatchNorm1d), 모양 바꾸기, 그다음 {tail}이어야 합니다. Keras 층 "
        "하나가 PyTorch 층 하나입니다(Keras의 activation= 인자는 그 자체로 층 하나가 되고, "
        "UpSampling2D는 nn.Upsample입니다).",
        kinds=kinds,
        head=head,
        tail=tail,
    )
    slopes = [layer.negative_slope for layer in G if isinstance(layer, nn.LeakyReLU)]
    assert slopes == [0.2, 0.2], msg(
        "G's LeakyReLUs have negative slopes {slopes}; expected [0.2, 0.2] as in LeakyReLU(0.2) "
        "(PyTorch's default slope is 0.01).",
        "생성기의 LeakyReLU 기울기(negative_slope)가 {slopes}입니다. LeakyReLU(0.2)처럼 "
        "[0.2, 0.2]여야 합니다(PyTorch의 기본값은 0.01입니다).",
        slopes=slopes,
    )


def test_generator_reshapes_to_128_channels_first(kata):
    G = _generator(kata).eval()
    x = torch.randn(3, 100)
    for index, layer in enumerate(G):
        x = call(
            layer,
            x,
            why=msg(
                "G's layer {index} ({kind}) failed on an input of shape {shape}, before the "
                "reshape to (128, 7, 7).",
                "생성기의 {index}번 층({kind})이 (128, 7, 7)로 모양을 바꾸기 전에, 모양 {shape}인 "
                "입력에서 실패했습니다.",
                index=index,
                kind=type(layer).__name__,
                shape=tuple(x.shape),
            ),
        )
        if x.ndim == 4:
            break
    assert x.shape == (3, 128, 7, 7), msg(
        "The first 4-d tensor in G has shape {shape}; expected (3, 128, 7, 7). PyTorch is "
        "channels first, (N, C, H, W): Keras' (7, 7, 128) is (128, 7, 7) here. The likely "
        "mistake is copying the notes' Reshape((7, 7, 128)) as it is (or as "
        "x.view(-1, 7, 7, 128)); write nn.Unflatten(1, (128, 7, 7)).",
        "생성기에서 처음 나오는 4차원 텐서의 모양이 {shape}입니다. (3, 128, 7, 7)이어야 합니다. "
        "PyTorch는 채널 우선, (N, C, H, W)이므로 Keras의 (7, 7, 128)은 여기서 (128, 7, 7)입니다. "
        "학습 노트의 Reshape((7, 7, 128))을 그대로 옮긴 것(또는 x.view(-1, 7, 7, 128)로 쓴 "
        "것)이 흔한 실수입니다. nn.Unflatten(1, (128, 7, 7))로 쓰세요.",
        shape=tuple(x.shape),
    )
    numbers = torch.arange(2 * 6272, dtype=torch.float32).view(2, 6272)
    out = layer(numbers)
    assert torch.equal(out, numbers.view(2, 128, 7, 7)), msg(
        "G's reshape layer ({kind}) gives the right shape but puts the 6272 numbers in other "
        "places than numbers.view(B, 128, 7, 7): feature c*49 + h*7 + w must land at "
        "[c, h, w], channels first. A channels-last reshape (7, 7, 128) followed by a permute "
        "is Keras' layout, not PyTorch's: unflatten straight to (128, 7, 7).",
        "생성기의 모양 바꾸기 층({kind})은 모양은 맞지만 6272개의 숫자를 "
        "numbers.view(B, 128, 7, 7)과 다른 자리에 놓습니다. 특성 c*49 + h*7 + w는 채널 우선으로 "
        "[c, h, w]에 가야 합니다. 채널 마지막 (7, 7, 128)로 바꾼 뒤 permute하는 것은 PyTorch가 "
        "아니라 Keras의 배치 방식입니다. 곧바로 (128, 7, 7)로 unflatten하세요.",
        kind=type(layer).__name__,
    )


def test_generator_upsamples_by_repeating_pixels(kata):
    G = _generator(kata)
    x = torch.arange(2 * 3 * 4 * 5, dtype=torch.float32).view(2, 3, 4, 5)
    expected = x.repeat_interleave(2, dim=2).repeat_interleave(2, dim=3)
    ups = [layer for layer in G if isinstance(layer, nn.Upsample)]
    assert len(ups) == 2, msg(
        "G has {count} nn.Upsample layers; expected 2, Keras' UpSampling2D twice (7 -> 14 -> 28).",
        "생성기에 nn.Upsample 층이 {count}개 있습니다. Keras의 UpSampling2D 두 번, 곧 2개여야 "
        "합니다(7 -> 14 -> 28).",
        count=len(ups),
    )
    for layer in ups:
        out = layer(x)
        assert out.shape == expected.shape and torch.equal(out, expected), msg(
            "{layer} does not repeat each pixel 2 x 2 times; expected "
            "nn.Upsample(scale_factor=2, mode='nearest'), Keras' UpSampling2D default.",
            "{layer}가 각 픽셀을 2 x 2번 반복하지 않습니다. Keras UpSampling2D의 기본값인 "
            "nn.Upsample(scale_factor=2, mode='nearest')여야 합니다.",
            layer=layer,
        )


def test_generator_convolutions_keep_the_size_with_same_padding(kata):
    G = _generator(kata).eval()
    sizes, x = [], torch.randn(2, 100)
    for layer, shape in _trace(G, x, "G"):
        if isinstance(layer, nn.Conv2d):
            sizes.append(shape[1:])
    assert sizes == [(64, 14, 14), (1, 28, 28)], msg(
        "G's convolutions output {sizes}; expected [(64, 14, 14), (1, 28, 28)]: 5x5 "
        "kernels with Keras' padding='same', which keeps the size at stride 1: padding=2 "
        "(kernel_size // 2) or padding='same'. Without padding, a 5x5 kernel shrinks 14 to 10.",
        "생성기의 합성곱 출력이 {sizes}입니다. [(64, 14, 14), (1, 28, 28)]이어야 합니다. 5x5 "
        "커널에 Keras의 padding='same'이고, 이것은 stride 1에서 크기를 그대로 둡니다: "
        "padding=2(kernel_size // 2) 또는 padding='same'. 패딩이 없으면 5x5 커널이 14를 10으로 "
        "줄입니다.",
        sizes=sizes,
    )


def test_generator_batchnorm_momentum_is_translated_from_keras(kata):
    G = _generator(kata)
    norms = [layer for layer in G if isinstance(layer, nn.modules.batchnorm._BatchNorm)]
    features = [layer.num_features for layer in norms]
    assert features == [6272, 64], msg(
        "G's BatchNorm layers normalise {features} features; expected [6272, 64]: "
        "BatchNorm1d(128*7*7) after the Linear, BatchNorm2d(64) after the first conv.",
        "생성기의 BatchNorm 층이 정규화하는 특성 수가 {features}입니다. [6272, 64]여야 합니다: "
        "Linear 뒤에 BatchNorm1d(128*7*7), 첫 합성곱 뒤에 BatchNorm2d(64).",
        features=features,
    )
    momenta = [layer.momentum for layer in norms]
    assert all(m == pytest.approx(0.01, abs=1e-9) for m in momenta), msg(
        "G's BatchNorm momentum values are {momenta}; expected 0.01 for both. The DCGAN "
        "notes' G keeps Keras' default BatchNormalization(momentum=0.99), and Keras' momentum is "
        "the weight of the OLD running statistic while PyTorch's is the weight of the NEW one: "
        "1 - 0.99 = 0.01 (keras_momentum_to_torch). PyTorch's own default is 0.1.",
        "생성기의 BatchNorm momentum 값이 {momenta}입니다. 둘 다 0.01이어야 합니다. DCGAN 학습 "
        "노트의 생성기는 Keras 기본값 BatchNormalization(momentum=0.99)를 그대로 쓰는데, "
        "Keras의 momentum은 예전 이동 통계의 가중치이고 PyTorch의 momentum은 새 값의 "
        "가중치입니다: 1 - 0.99 = 0.01(keras_momentum_to_torch). PyTorch 자체의 기본값은 "
        "0.1입니다.",
        momenta=momenta,
    )


def test_generator_batchnorm_eps_is_keras_default(kata):
    G = _generator(kata)
    eps = [layer.eps for layer in G if isinstance(layer, nn.modules.batchnorm._BatchNorm)]
    assert len(eps) == 2 and all(e == pytest.approx(1e-3) for e in eps), msg(
        "G's BatchNorm eps values are {eps}; expected 1e-3, Keras' BatchNormalization "
        "default (PyTorch's default eps is 1e-5): pass eps=1e-3.",
        "생성기의 BatchNorm eps 값이 {eps}입니다. Keras BatchNormalization의 기본값인 1e-3이어야 "
        "합니다(PyTorch의 기본 eps는 1e-5입니다). eps=1e-3을 넘기세요.",
        eps=eps,
    )


def test_generator_output_is_tanh_in_minus_one_to_one(kata):
    G = _generator(kata)
    out = generate(
        G,
        torch.randn(64, 100),
        why=msg("G(z) failed for 64 seeds.", "시드 64개에서 G(z)가 실패했습니다."),
    ).detach()
    low, high = float(out.min()), float(out.max())
    assert low >= -1.0 and high <= 1.0 and low < -0.01, msg(
        "G's outputs run from {low:.3f} to {high:.3f}; expected values in [-1, 1], negative "
        "ones included: the data is scaled to [-1, 1] ((x - 127.5) / 127.5), so the last "
        "layer is Tanh. A Sigmoid stays in (0, 1) and can never draw the -1 background.",
        "생성기의 출력이 {low:.3f}부터 {high:.3f}까지입니다. 음수를 포함해 [-1, 1] 안의 값이어야 "
        "합니다. 데이터를 [-1, 1]로 스케일하므로((x - 127.5) / 127.5) 마지막 층은 Tanh입니다. "
        "Sigmoid는 (0, 1)에 머물러 -1인 배경을 결코 그릴 수 없습니다.",
        low=low,
        high=high,
    )


# ## Task 11.3: make_discriminator


@pytest.mark.parametrize("batch", [1, 3, 64])
def test_discriminator_gives_one_probability_per_image(kata, batch):
    D = _discriminator(kata)
    images = torch.rand(batch, 1, 28, 28) * 2 - 1
    shapes = _trace(D, images, "D")
    out = D(images).detach()
    assert out.shape == (batch, 1), msg(
        "D on {batch} images gives shape {shape}; expected ({batch}, 1). Layer output "
        "shapes: {shapes}.",
        "이미지 {batch}장에 대한 판별기의 출력 모양이 {shape}입니다. ({batch}, 1)이어야 합니다. "
        "층별 출력 모양: {shapes}.",
        batch=batch,
        shape=tuple(out.shape),
        shapes=[shape for _, shape in shapes],
    )
    assert float(out.min()) > 0.0 and float(out.max()) < 1.0, msg(
        "D's outputs run from {low:.3f} to {high:.3f}; expected probabilities in (0, 1): end "
        "with nn.Sigmoid(), Keras' activation='sigmoid'.",
        "판별기의 출력이 {low:.3f}부터 {high:.3f}까지입니다. (0, 1) 안의 확률이어야 합니다. "
        "Keras의 activation='sigmoid'처럼 nn.Sigmoid()로 끝내세요.",
        low=float(out.min()),
        high=float(out.max()),
    )


def test_discriminator_halves_the_size_with_stride_2_same_padding(kata):
    D = _discriminator(kata)
    shapes = _trace(D, torch.zeros(2, 1, 28, 28), "D")
    sizes = [shape[1:] for layer, shape in shapes if isinstance(layer, nn.Conv2d)]
    assert sizes == [(64, 14, 14), (128, 7, 7)], msg(
        "D's convolutions output {sizes}; expected [(64, 14, 14), (128, 7, 7)]: Keras' "
        "strides=2, padding='same' halves 28 -> 14 -> 7. PyTorch refuses padding='same' with "
        "stride 2; padding=2 gives the same sizes, padding 0 ('valid') gives 12 and 4.",
        "판별기의 합성곱 출력이 {sizes}입니다. [(64, 14, 14), (128, 7, 7)]이어야 합니다. "
        "Keras의 strides=2, padding='same'은 28 -> 14 -> 7로 크기를 반씩 줄입니다. PyTorch는 "
        "stride 2에서 padding='same'을 받지 않습니다. padding=2면 같은 크기가 나오고, padding "
        "0('valid')이면 12와 4가 나옵니다.",
        sizes=sizes,
    )


def test_discriminator_layers_follow_the_keras_model(kata):
    D = _discriminator(kata)
    block = ["Conv2d", "LeakyReLU", "Dropout"]
    expected = [*block, *block, "Flatten", "Linear", "Sigmoid"]
    assert _kinds(D) == expected, msg(
        "D's layers are {kinds}; expected {expected}, one PyTorch layer per Keras layer (a "
        "Keras activation= argument becomes a layer of its own).",
        "판별기의 층이 {kinds}입니다. {expected}여야 합니다. Keras 층 하나가 PyTorch 층 "
        "하나입니다(Keras의 activation= 인자는 그 자체로 층 하나가 됩니다).",
        kinds=_kinds(D),
        expected=expected,
    )
    drops = [layer.p for layer in D if isinstance(layer, nn.Dropout)]
    slopes = [layer.negative_slope for layer in D if isinstance(layer, nn.LeakyReLU)]
    assert drops == [0.3, 0.3] and slopes == [0.2, 0.2], msg(
        "D's Dropout rates are {drops} and LeakyReLU slopes {slopes}; expected Dropout(0.3) "
        "and LeakyReLU(0.2) twice, as in the DCGAN notes.",
        "판별기의 Dropout 비율은 {drops}, LeakyReLU 기울기는 {slopes}입니다. DCGAN 학습 노트처럼 "
        "Dropout(0.3)과 LeakyReLU(0.2)가 두 번씩이어야 합니다.",
        drops=drops,
        slopes=slopes,
    )


# ## Task 11.4: keras_param_count


def test_param_count_of_a_linear_layer(kata):
    counts = kata.keras_param_count(nn.Linear(3, 2))
    assert tuple(counts) == (8, 8) and all(type(c) is int for c in counts), msg(
        "keras_param_count(nn.Linear(3, 2)) returned {counts!r}; expected (8, 8) as ints: "
        "6 weights + 2 biases, all trainable (a tensor's .numel() is an int already; summing "
        "tensors instead gives a tensor).",
        "keras_param_count(nn.Linear(3, 2))의 반환값이 {counts!r}입니다. int로 (8, 8)이어야 "
        "합니다: 가중치 6개 + 편향 2개, 모두 훈련 가능합니다(텐서의 .numel()은 이미 int입니다. "
        "텐서 자체를 더하면 텐서가 나옵니다).",
        counts=counts,
    )


def test_param_count_adds_batchnorm_moving_statistics(kata):
    counts = kata.keras_param_count(nn.BatchNorm1d(5))
    assert tuple(counts) == (20, 10), msg(
        "keras_param_count(nn.BatchNorm1d(5)) returned {counts!r}; expected (20, 10): gamma "
        "and beta (10, trainable) plus running_mean and running_var (10, Keras' non-trainable "
        "moving statistics). Leave out num_batches_tracked: Keras has no such counter. "
        "Trainable means requires_grad.",
        "keras_param_count(nn.BatchNorm1d(5))의 반환값이 {counts!r}입니다. (20, 10)이어야 "
        "합니다: gamma와 beta(10개, 훈련 가능)에 running_mean과 running_var(10개, Keras의 "
        "훈련 불가능한 이동 통계)를 더한 것입니다. num_batches_tracked는 빼세요. Keras에는 그런 "
        "카운터가 없습니다. 훈련 가능하다는 것은 requires_grad라는 뜻입니다.",
        counts=counts,
    )


def test_param_count_of_a_frozen_model_has_nothing_trainable(kata):
    model = nn.Sequential(nn.Linear(3, 2), nn.BatchNorm1d(2)).requires_grad_(False)
    counts = kata.keras_param_count(model)
    assert tuple(counts) == (16, 0), msg(
        "keras_param_count of a frozen Linear(3, 2) + BatchNorm1d(2) returned {counts!r}; "
        "expected (16, 0): the total keeps every number, but parameters with requires_grad "
        "False are not trainable (Keras' trainable = False).",
        "얼린 Linear(3, 2) + BatchNorm1d(2)에 대한 keras_param_count의 반환값이 {counts!r}"
        "입니다. (16, 0)이어야 합니다. 전체 개수에는 모든 숫자가 들어가지만, "
        "requires_grad가 False인 파라미터는 훈련 가능하지 않습니다(Keras의 trainable = False).",
        counts=counts,
    )


def test_param_count_of_the_generator_matches_keras_summary(kata):
    counts = kata.keras_param_count(_generator(kata))
    assert tuple(counts) == (G_TOTAL, G_TRAINABLE), msg(
        "keras_param_count(G) returned {counts!r}; the DCGAN notes' summary() says Total "
        "params: 865,281, Trainable params: 852,609. The 12,672 non-trainable ones are the "
        "BatchNorm running_mean and running_var (2 x 6272 + 2 x 64); num_batches_tracked is "
        "not counted.",
        "keras_param_count(G)의 반환값이 {counts!r}입니다. DCGAN 학습 노트의 summary()에는 "
        "Total params: 865,281, Trainable params: 852,609라고 나옵니다. 훈련 불가능한 "
        "12,672개는 BatchNorm의 running_mean과 running_var(2 x 6272 + 2 x 64)입니다. "
        "num_batches_tracked는 세지 않습니다.",
        counts=counts,
    )


def test_param_count_of_the_discriminator_matches_keras_summary(kata):
    D = _discriminator(kata)
    counts = kata.keras_param_count(D)
    assert tuple(counts) == (D_TOTAL, D_TOTAL), msg(
        "keras_param_count(D) returned {counts!r}; expected (212865, 212865): 1,664 + "
        "204,928 + 6,273, all trainable.",
        "keras_param_count(D)의 반환값이 {counts!r}입니다. (212865, 212865)여야 합니다: "
        "1,664 + 204,928 + 6,273, 모두 훈련 가능합니다.",
        counts=counts,
    )
    D.requires_grad_(False)
    counts = kata.keras_param_count(D)
    assert tuple(counts) == (D_TOTAL, 0), msg(
        "keras_param_count(D) after D.requires_grad_(False) returned {counts!r}; expected "
        "(212865, 0), the DCGAN notes' table after discriminator.trainable = False. Count "
        "as trainable only the parameters with requires_grad.",
        "D.requires_grad_(False) 뒤의 keras_param_count(D)의 반환값이 {counts!r}입니다. "
        "discriminator.trainable = False 뒤에 찍은 DCGAN 학습 노트의 표처럼 (212865, 0)이어야 "
        "합니다. requires_grad인 파라미터만 훈련 가능한 것으로 세세요.",
        counts=counts,
    )


def test_param_count_of_the_gan_with_a_frozen_discriminator(kata):
    G, D = _generator(kata), _discriminator(kata)
    counts = kata.keras_param_count(nn.Sequential(G, D.requires_grad_(False)))
    assert tuple(counts) == (GAN_TOTAL, G_TRAINABLE), msg(
        "keras_param_count(nn.Sequential(G, frozen D)) returned {counts!r}; the DCGAN "
        "notes' gan summary() says Total params: 1,078,146, Trainable params: 852,609 (G's only).",
        "keras_param_count(nn.Sequential(G, 얼린 D))의 반환값이 {counts!r}입니다. DCGAN 학습 "
        "노트의 gan summary()에는 Total params: 1,078,146, Trainable params: 852,609(생성기의 "
        "것만)라고 나옵니다.",
        counts=counts,
    )


# ## Task 11.5: scale_to_tanh and scale_from_tanh


def test_scale_to_tanh_maps_0_to_minus_1_and_255_to_1(kata):
    pixels = torch.arange(256, dtype=torch.uint8)
    scaled = kata.scale_to_tanh(pixels)
    assert isinstance(scaled, torch.Tensor) and scaled.dtype == torch.float32, msg(
        "scale_to_tanh returned {kind}; expected a float32 tensor (uint8 cannot hold -1 or "
        "0.5): convert with .float() before scaling.",
        "scale_to_tanh의 반환값이 {kind}입니다. float32 텐서여야 합니다(uint8은 -1이나 0.5를 "
        "담을 수 없습니다). 스케일하기 전에 .float()로 변환하세요.",
        kind=getattr(scaled, "dtype", type(scaled)),
    )
    ends = (float(scaled[0]), float(scaled[255]))
    assert ends == (-1.0, 1.0), msg(
        "scale_to_tanh maps 0 and 255 to {ends}; expected (-1.0, 1.0): (x - 127.5) / 127.5, "
        "as the DCGAN notes do, to match G's Tanh. Dividing by 255 gives 0 to 1.",
        "scale_to_tanh가 0과 255를 {ends}로 바꿉니다. (-1.0, 1.0)이어야 합니다: 생성기의 Tanh에 "
        "맞추어 DCGAN 학습 노트처럼 (x - 127.5) / 127.5로 계산하세요. 255로 나누면 0에서 1이 "
        "됩니다.",
        ends=ends,
    )
    expected = (pixels.float() - 127.5) / 127.5
    assert torch.allclose(scaled, expected, atol=1e-6), msg(
        "scale_to_tanh is not (x - 127.5) / 127.5 between the ends: expected a straight line "
        "from 0 -> -1 to 255 -> 1.",
        "scale_to_tanh가 양 끝 사이에서 (x - 127.5) / 127.5가 아닙니다. 0 -> -1에서 "
        "255 -> 1까지 이어지는 직선이어야 합니다.",
    )


def test_scale_to_tanh_keeps_the_shape(kata):
    images = torch.from_numpy(load_mnist("embedded").images[:10])
    scaled = kata.scale_to_tanh(images)
    assert scaled.shape == (10, 784), msg(
        "scale_to_tanh on [10, 784] pixels returned shape {shape}; expected (10, 784): "
        "scaling works pixel by pixel.",
        "[10, 784] 픽셀에 대한 scale_to_tanh의 반환 모양이 {shape}입니다. (10, 784)여야 "
        "합니다. 스케일은 픽셀마다 따로 합니다.",
        shape=tuple(scaled.shape),
    )


@pytest.mark.parametrize("bad", [[-1.0, 0.0], [0.0, 256.0]], ids=["negative", "above 255"])
def test_scale_to_tanh_refuses_values_outside_0_255(kata, bad):
    error = expect_error(
        ValueError,
        kata.scale_to_tanh,
        torch.tensor(bad),
        why=msg(
            "scale_to_tanh({bad}) must raise ValueError: pixels run from 0 to 255, and a "
            "negative value means the images were scaled already.",
            "scale_to_tanh({bad})는 ValueError를 발생시켜야 합니다. 픽셀은 0부터 255까지이고, "
            "음수가 있다면 이미지가 이미 스케일된 것입니다.",
            bad=bad,
        ),
    )
    assert "255" in str(error), msg(
        "The ValueError said {said!r}; it should say that pixels in [0, 255] were expected.",
        "ValueError의 메시지가 {said!r}입니다. [0, 255] 범위의 픽셀을 기대했다고 말해야 합니다.",
        said=str(error),
    )


def test_scale_from_tanh_maps_minus_1_to_0_and_1_to_255(kata):
    pixels = kata.scale_from_tanh(torch.tensor([-1.0, 1.0]))
    assert isinstance(pixels, torch.Tensor) and pixels.dtype == torch.uint8, msg(
        "scale_from_tanh returned {kind}; expected a uint8 tensor, pixels as image files "
        "store them.",
        "scale_from_tanh의 반환값이 {kind}입니다. 이미지 파일이 픽셀을 저장하는 형태인 uint8 "
        "텐서여야 합니다.",
        kind=getattr(pixels, "dtype", type(pixels)),
    )
    assert pixels.tolist() == [0, 255], msg(
        "scale_from_tanh([-1, 1]) returned {got}; expected [0, 255]: x * 127.5 + 127.5, the "
        "inverse of (x - 127.5) / 127.5.",
        "scale_from_tanh([-1, 1])의 반환값이 {got}입니다. [0, 255]여야 합니다: "
        "(x - 127.5) / 127.5의 역인 x * 127.5 + 127.5입니다.",
        got=pixels.tolist(),
    )


def test_scale_from_tanh_rounds_to_the_nearest_pixel(kata):
    values = (torch.tensor([200.9, 200.2, 0.6, 254.7]) - 127.5) / 127.5
    pixels = kata.scale_from_tanh(values)
    assert pixels.tolist() == [201, 200, 1, 255], msg(
        "scale_from_tanh of the values for pixels 200.9, 200.2, 0.6, 254.7 returned {got}; "
        "expected [201, 200, 1, 255]: round to the nearest pixel before the uint8 conversion, "
        "which truncates.",
        "픽셀 200.9, 200.2, 0.6, 254.7에 해당하는 값에 대한 scale_from_tanh의 반환값이 {got}"
        "입니다. [201, 200, 1, 255]여야 합니다. uint8 변환은 소수점 아래를 버리므로, "
        "그 전에 가장 가까운 픽셀로 반올림하세요.",
        got=pixels.tolist(),
    )


def test_scale_round_trip_is_exact_for_every_pixel(kata):
    pixels = torch.arange(256, dtype=torch.uint8)
    back = kata.scale_from_tanh(kata.scale_to_tanh(pixels))
    assert torch.equal(back, pixels), msg(
        "scale_from_tanh(scale_to_tanh(p)) differs from p at pixels {where}; expected every "
        "one of the 256 values back: round before converting to uint8.",
        "scale_from_tanh(scale_to_tanh(p))가 픽셀 {where}에서 p와 다릅니다. 256개의 값이 모두 "
        "그대로 돌아와야 합니다. uint8로 변환하기 전에 반올림하세요.",
        where=(back != pixels).nonzero().flatten().tolist()[:10],
    )


def test_scale_from_tanh_takes_the_generators_output(kata):
    out = torch.tanh(torch.randn(2, 1, 28, 28, requires_grad=True))
    pixels = call(
        kata.scale_from_tanh,
        out,
        why=msg(
            "scale_from_tanh(G(z)) failed on a tensor that requires grad; expected it to take "
            "G's output as it is: detach() it before converting.",
            "scale_from_tanh(G(z))가 기울기가 필요한 텐서에서 실패했습니다. 생성기의 출력을 "
            "그대로 받을 수 있어야 합니다. 변환하기 전에 detach()하세요.",
        ),
    )
    assert pixels.shape == (2, 1, 28, 28), msg(
        "scale_from_tanh on a (2, 1, 28, 28) batch returned shape {shape}; expected "
        "(2, 1, 28, 28): the conversion works pixel by pixel.",
        "(2, 1, 28, 28) 배치에 대한 scale_from_tanh의 반환 모양이 {shape}입니다. "
        "(2, 1, 28, 28)이어야 합니다. 변환은 픽셀마다 따로 합니다.",
        shape=tuple(pixels.shape),
    )


@pytest.mark.parametrize("bad", [[0.0, 1.5], [-1.01, 0.0]], ids=["above 1", "below -1"])
def test_scale_from_tanh_refuses_values_outside_minus_1_1(kata, bad):
    error = expect_error(
        ValueError,
        kata.scale_from_tanh,
        torch.tensor(bad),
        why=msg(
            "scale_from_tanh({bad}) must raise ValueError: a Tanh output lies in [-1, 1], so "
            "these are not G's images (uint8 would silently wrap them around).",
            "scale_from_tanh({bad})는 ValueError를 발생시켜야 합니다. Tanh의 출력은 [-1, 1] "
            "안에 있으므로 이것은 생성기의 이미지가 아닙니다(uint8은 이런 값을 조용히 한 바퀴 "
            "돌려 버립니다).",
            bad=bad,
        ),
    )
    assert "-1" in str(error), msg(
        "The ValueError said {said!r}; it should say that values in [-1, 1] were expected.",
        "ValueError의 메시지가 {said!r}입니다. [-1, 1] 범위의 값을 기대했다고 말해야 합니다.",
        said=str(error),
    )


# ## Task 11.6: make_optimizers


def test_optimizers_are_keras_adam_defaults(kata):
    G, D = nn.Linear(2, 3), nn.Linear(3, 1)
    optimisers = kata.make_optimizers(G, D)
    assert isinstance(optimisers, tuple) and len(optimisers) == 2, msg(
        "make_optimizers(G, D) returned {kind}; expected the tuple (g_opt, d_opt).",
        "make_optimizers(G, D)의 반환값이 {kind}입니다. 튜플 (g_opt, d_opt)이어야 합니다.",
        kind=type(optimisers).__name__,
    )
    for name, model, optimiser in zip("GD", (G, D), optimisers, strict=True):
        assert isinstance(optimiser, torch.optim.Adam), msg(
            "{name}'s optimiser is {kind}; expected torch.optim.Adam (Keras' optimizer='adam').",
            "{name}의 옵티마이저가 {kind}입니다. torch.optim.Adam이어야 합니다(Keras의 "
            "optimizer='adam').",
            name=name,
            kind=type(optimiser).__name__,
        )
        held = [p for group in optimiser.param_groups for p in group["params"]]
        assert {id(p) for p in held} == {id(p) for p in model.parameters()}, msg(
            "{name}'s optimiser does not hold exactly {name}'s parameters; the tuple is "
            "(g_opt, d_opt), G's first.",
            "{name}의 옵티마이저가 {name}의 파라미터를 정확히 담고 있지 않습니다. 튜플은 "
            "(g_opt, d_opt), 곧 생성기의 것이 먼저입니다.",
            name=name,
        )
        group = optimiser.param_groups[0]
        settings = (group["lr"], tuple(group["betas"]), group["eps"])
        assert settings == (1e-3, (0.9, 0.999), 1e-7), msg(
            "{name}'s Adam has lr, betas, eps = {settings}; expected (0.001, (0.9, 0.999), "
            "1e-07), Keras' defaults for optimizer='adam'. PyTorch's default eps is 1e-8, and "
            "pytorch/examples' betas (0.5, 0.999) are not what the notes use.",
            "{name}의 Adam에서 lr, betas, eps = {settings}입니다. Keras optimizer='adam'의 "
            "기본값인 (0.001, (0.9, 0.999), 1e-07)이어야 합니다. PyTorch의 기본 eps는 1e-8이고, "
            "pytorch/examples의 betas (0.5, 0.999)는 학습 노트가 쓰는 값이 아닙니다.",
            name=name,
            settings=settings,
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
        why=msg(
            "train_step(G, D, real, z, g_opt, d_opt) failed on a batch of {batch}; expected "
            "three losses. 'Trying to backward through the graph a second time' means that D "
            "learned on a fake still attached to G: give D fake.detach() (Keras: "
            "generator.predict). 'does not require grad' in a later step means that D was left "
            "frozen: D.requires_grad_(True) after G's step.",
            "크기 {batch}인 배치에서 train_step(G, D, real, z, g_opt, d_opt)가 실패했습니다. "
            "손실 세 개가 나와야 합니다. 'Trying to backward through the graph a second "
            "time'은 판별기가 아직 생성기에 붙어 있는 가짜로 배웠다는 뜻입니다. 판별기에는 "
            "fake.detach()를 주세요(Keras: generator.predict). 다음 단계에서 'does not "
            "require grad'가 나온다면 판별기를 얼린 채로 두었다는 뜻입니다. 생성기의 단계 뒤에 "
            "D.requires_grad_(True)를 하세요.",
            batch=len(real),
        ),
    )


def test_train_step_returns_three_floats(kata):
    G, D = _tiny_gan()
    real, z = _batch()
    losses = _step(kata, G, D, real, z, _sgd(G, 0.1), _sgd(D, 0.1))
    assert isinstance(losses, kata.StepLosses), msg(
        "train_step returned {kind}; expected StepLosses(d_real, d_fake, g).",
        "train_step의 반환값이 {kind}입니다. StepLosses(d_real, d_fake, g)여야 합니다.",
        kind=type(losses).__name__,
    )
    assert all(type(x) is float and math.isfinite(x) for x in losses), msg(
        "train_step returned {losses!r}; expected three finite Python floats: loss.item(), "
        "not the loss tensors (which keep their whole graph alive).",
        "train_step의 반환값이 {losses!r}입니다. 유한한 Python float 세 개여야 합니다. 그래프 "
        "전체를 붙잡고 있는 손실 텐서가 아니라 loss.item()을 반환하세요.",
        losses=losses,
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
    assert got.d_real == pytest.approx(d_real, abs=1e-5), msg(
        "d_real is {got:.5f}; expected BCE(D(real), 1) = {expected:.5f}: real images get the "
        "target 1 (the DCGAN notes' `true`).",
        "d_real이 {got:.5f}입니다. BCE(D(real), 1) = {expected:.5f}여야 합니다. 진짜 이미지는 "
        "목표값 1(DCGAN 학습 노트의 `true`)을 받습니다.",
        got=got.d_real,
        expected=d_real,
    )
    assert got.d_fake == pytest.approx(d_fake, abs=1e-5), msg(
        "d_fake is {got:.5f}; expected BCE(D(G(z)), 0) = {expected:.5f}: fakes get the target "
        "0 when D learns (the DCGAN notes' `fake`).",
        "d_fake가 {got:.5f}입니다. BCE(D(G(z)), 0) = {expected:.5f}여야 합니다. 판별기가 배울 "
        "때 가짜는 목표값 0(DCGAN 학습 노트의 `fake`)을 받습니다.",
        got=got.d_fake,
        expected=d_fake,
    )
    hint = ""
    if got.g == pytest.approx(-d_fake, abs=1e-5):
        hint = msg(
            " You returned -BCE(D(G(z)), 0), the minimax loss log(1 - D(G(z))), which "
            "saturates while D wins.",
            " 여러분이 반환한 것은 -BCE(D(G(z)), 0), 곧 미니맥스 손실 "
            "log(1 - D(G(z)))이고, 이 손실은 판별기가 이기는 동안 포화합니다.",
        )
    assert got.g == pytest.approx(g, abs=1e-5), msg(
        "g is {got:.5f}; expected BCE(D(G(z)), 1) = {expected:.5f}, the non-saturating loss "
        "-log D(G(z)): G wants D to say 'real' (gan.train_on_batch(noise, true)).{hint}",
        "g가 {got:.5f}입니다. 포화하지 않는 손실 -log D(G(z)), 곧 "
        "BCE(D(G(z)), 1) = {expected:.5f}여야 합니다. 생성기는 판별기가 '진짜'라고 말하기를 "
        "바랍니다(gan.train_on_batch(noise, true)).{hint}",
        got=got.g,
        expected=g,
        hint=hint,
    )


def test_train_step_trains_both_networks(kata):
    G, D = _tiny_gan()
    real, z = _batch()
    g_before, d_before = snapshot(G), snapshot(D)
    _step(kata, G, D, real, z, _sgd(G, 0.1), _sgd(D, 0.1))
    assert changed(d_before, snapshot(D)), msg(
        "D's parameters did not change in train_step; expected D to learn on real (target 1) "
        "and fake (target 0): backward() and d_opt.step().",
        "train_step에서 판별기의 파라미터가 바뀌지 않았습니다. 판별기는 진짜(목표값 1)와 "
        "가짜(목표값 0)로 배워야 합니다: backward()와 d_opt.step().",
    )
    assert changed(g_before, snapshot(G)), msg(
        "G's parameters did not change in train_step; expected G's step to pass G(z), not "
        "detached, through D, then backward() and g_opt.step().",
        "train_step에서 생성기의 파라미터가 바뀌지 않았습니다. 생성기의 단계에서는 detach하지 "
        "않은 G(z)를 판별기에 통과시킨 뒤 backward()와 g_opt.step()을 해야 합니다.",
    )


def test_train_step_d_never_learns_from_gs_fakes_through_g(kata):
    G, D = _tiny_gan()
    real, z = _batch()
    passes = []
    for p in G.parameters():
        p.register_hook(lambda grad: passes.append(1) or grad)
    _step(kata, G, D, real, z, _sgd(G, 0.1), _sgd(D, 0.1))
    backward_passes_into_g = len(passes) // len(list(G.parameters()))
    assert backward_passes_into_g == 1, msg(
        "Gradients reached G's parameters in {passes} backward passes; expected 1, G's own "
        "step. When D learns on fakes, feed it G(z).detach() (Keras: generator.predict), so "
        "that D's lesson does not flow back into G.",
        "기울기가 역전파 {passes}번에서 생성기의 파라미터에 닿았습니다. 생성기 자신의 단계, 곧 "
        "1번이어야 합니다. 판별기가 가짜로 배울 때는 G(z).detach()를 주세요(Keras: "
        "generator.predict). 그래야 판별기가 배운 것이 생성기로 거꾸로 흘러가지 않습니다.",
        passes=backward_passes_into_g,
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
    assert through_g, msg(
        "D never saw a fake still attached to G; expected G's step to call D(G(z)) without "
        "detach(), so that the gradient reaches G.",
        "판별기가 생성기에 아직 붙어 있는 가짜를 한 번도 보지 못했습니다. 생성기의 단계에서는 "
        "detach() 없이 D(G(z))를 호출해야 기울기가 생성기까지 닿습니다.",
    )
    for i in through_g:
        assert not any(calls[i][1]), msg(
            "D's parameters had requires_grad True while G learned through D; expected D "
            "frozen there with D.requires_grad_(False). Freezing is not what keeps D's "
            "weights still (only g_opt steps in G's step, and G's loss still flows back "
            "through D to G), but this kata asks for it: it is the translation of the Keras "
            "code's discriminator.trainable = False, it skips computing gradients for D's "
            "weights that nobody uses, and it leaves D's .grad as D's own step left it, so "
            "nothing from G's step can leak into D's next update if a zero_grad() is missed.",
            "생성기가 판별기를 거쳐 배우는 동안 판별기의 파라미터가 requires_grad True였습니다. "
            "그 단계에서는 D.requires_grad_(False)로 판별기를 얼려 두어야 합니다. 판별기의 "
            "가중치가 그대로인 것은 얼리기 덕분이 아닙니다(생성기의 단계에서는 g_opt만 step하고, "
            "생성기의 손실은 여전히 판별기를 거쳐 생성기로 흐릅니다). 그래도 이 카타는 얼리기를 "
            "요구합니다. Keras 코드의 discriminator.trainable = False를 옮긴 것이고, 아무도 "
            "쓰지 않을 판별기 가중치의 기울기 계산을 건너뛰며, 판별기의 .grad를 판별기 자신의 "
            "단계가 남긴 그대로 두어 zero_grad()를 빠뜨리더라도 생성기의 단계에서 나온 것이 "
            "판별기의 다음 갱신에 새어 들어가지 않게 하기 때문입니다.",
        )
    learning = [i for i, (_, flags, _) in enumerate(calls) if all(flags)]
    order = ", ".join("G" if i in through_g else "D" for i in range(len(calls)))
    assert learning and max(learning) < through_g[0], msg(
        "D must learn first (real, then detached fake) and G last, as in the DCGAN notes' "
        "gan_train loop; D's calls, in order, belonged to the steps of: {order} (expected D, "
        "D, G, or D, G when D learns on real and fake in one call).",
        "DCGAN 학습 노트의 gan_train 반복문처럼 판별기가 먼저(진짜, 그다음 detach한 가짜) "
        "배우고 생성기가 마지막에 배워야 합니다. 판별기 호출이 순서대로 속한 단계: {order} "
        "(D, D, G여야 합니다. 판별기가 진짜와 가짜를 한 번에 배운다면 D, G).",
        order=order,
    )
    moved = changed(calls[through_g[0]][2], snapshot(D))
    assert not moved, msg(
        "D's parameters {moved} changed during G's step; expected them unchanged: only g_opt "
        "may step there. Did you call d_opt.step() in G's step? Freezing D does not stop "
        "d_opt: its step would apply the gradients of D's own step a second time.",
        "생성기의 단계 동안 판별기의 파라미터 {moved}가 바뀌었습니다. 바뀌지 않아야 합니다. 그 "
        "단계에서는 g_opt만 step해야 합니다. 생성기의 단계에서 d_opt.step()을 "
        "호출하지 않았나요? 판별기를 얼려도 d_opt는 멈추지 않습니다. 그 step은 판별기 자신의 "
        "단계에서 나온 기울기를 한 번 더 적용합니다.",
        moved=moved,
    )
    frozen = [name for name, p in D.named_parameters() if not p.requires_grad]
    assert not frozen, msg(
        "After train_step D's parameters {frozen} still have requires_grad False; expected D "
        "trainable again after G's step (D.requires_grad_(True), the DCGAN notes' "
        "discriminator.trainable = True), or D never learns again.",
        "train_step이 끝난 뒤에도 판별기의 파라미터 {frozen}가 여전히 requires_grad False입니다. "
        "생성기의 단계가 끝나면 판별기를 다시 훈련 가능하게 되돌려야 합니다"
        "(D.requires_grad_(True), DCGAN 학습 노트의 discriminator.trainable = True). 그러지 "
        "않으면 판별기는 다시는 배우지 못합니다.",
        frozen=frozen,
    )


def test_a_few_dcgan_steps_darken_the_background(kata):
    """Three steps on real digits: G's images move toward the data's -1 background."""
    G, D = _generator(kata), _discriminator(kata)
    g_opt, d_opt = kata.make_optimizers(G, D)
    pixels = torch.from_numpy(load_mnist("embedded").images[: STEPS * BATCH])
    images = kata.scale_to_tanh(pixels).view(-1, 1, 28, 28)
    z_fixed = torch.randn(16, 100)
    why = msg(
        "G(z) failed for 16 seeds before the training steps.",
        "훈련 단계 전에 시드 16개에서 G(z)가 실패했습니다.",
    )
    with torch.no_grad():
        before = generate(G, z_fixed, why=why).mean().item()
    for step in range(STEPS):
        real = images[step * BATCH : (step + 1) * BATCH]
        _step(kata, G, D, real, torch.randn(BATCH, 100), g_opt, d_opt)
    with torch.no_grad():
        after = G(z_fixed).mean().item()
    # Over 100 seeds the solution's mean pixel fell by 0.35 to 1.2 (median 0.79).
    assert after < before - 0.15, msg(
        "After {steps} steps on real digits, G's mean pixel went from {before:.3f} to "
        "{after:.3f}; expected it to fall by more than 0.15, toward the digits' mean of -0.74 "
        "(mostly -1 background). Check the data scaling ((x - 127.5) / 127.5), the targets "
        "(real 1, fake 0, G 1) and that G's step steps g_opt through D.",
        "진짜 숫자로 {steps}단계 훈련한 뒤 생성기의 평균 픽셀이 {before:.3f}에서 {after:.3f}로 "
        "바뀌었습니다. 숫자 이미지의 평균 -0.74(대부분 -1인 배경) 쪽으로 0.15보다 많이 "
        "내려가야 합니다. 데이터 스케일((x - 127.5) / 127.5), 목표값(진짜 1, 가짜 0, 생성기 1), "
        "그리고 생성기의 단계가 판별기를 거쳐 g_opt를 step하는지 확인하세요.",
        steps=STEPS,
        before=before,
        after=after,
    )
