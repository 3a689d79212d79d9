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
from gankata.testkit.messages import msg

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
    G = call(
        kata.Generator,
        latent_dim,
        why=msg(
            "Generator({latent_dim}) failed while building G; expected the review's layers: "
            "block(latent_dim, 128, normalize=False), block(128, 256), block(256, 512), "
            "block(512, 1024), Linear(1024, 784), Tanh. The error below names the line that "
            "broke.",
            "Generator({latent_dim})가 생성기를 만드는 도중 실패했습니다. 리뷰의 층들이 "
            "만들어져야 합니다: block(latent_dim, 128, normalize=False), block(128, 256), "
            "block(256, 512), block(512, 1024), Linear(1024, 784), Tanh. 어느 줄에서 "
            "깨졌는지는 아래 오류에 나옵니다.",
            latent_dim=latent_dim,
        ),
    )
    D = call(
        kata.Discriminator,
        why=msg(
            "Discriminator() failed while building D; expected the review's layers: "
            "Linear(784, 512), LeakyReLU(0.1), Linear(512, 256), LeakyReLU(0.1), "
            "Linear(256, 1), Sigmoid. The error below names the line that broke.",
            "Discriminator()가 판별기를 만드는 도중 실패했습니다. 리뷰의 층들이 만들어져야 "
            "합니다: Linear(784, 512), LeakyReLU(0.1), Linear(512, 256), LeakyReLU(0.1), "
            "Linear(256, 1), Sigmoid. 어느 줄에서 깨졌는지는 아래 오류에 나옵니다.",
        ),
    )
    return G, D


# ## Task 12.1: block


def test_block_is_linear_batchnorm_leaky_relu(kata):
    layers = kata.block(3, 5)
    kinds = [type(layer).__name__ for layer in layers]
    assert isinstance(layers, list) and kinds == ["Linear", "BatchNorm1d", "LeakyReLU"], msg(
        "block(3, 5) returned {found}; expected the list [Linear, BatchNorm1d, LeakyReLU], the "
        "review's block, ready to unpack with nn.Sequential(*block(...)): a plain Python list "
        "(not an nn.Sequential), in that order.",
        "block(3, 5)의 반환값이 {found}입니다. 리뷰의 block처럼 nn.Sequential(*block(...))로 "
        "풀어 넣을 수 있는 리스트 [Linear, BatchNorm1d, LeakyReLU]여야 합니다: "
        "nn.Sequential이 아닌 평범한 파이썬 리스트를, 이 순서대로 반환하세요.",
        found=kinds if isinstance(layers, list) else type(layers).__name__,
    )
    linear, norm, _ = layers
    assert (linear.in_features, linear.out_features) == (3, 5) and norm.num_features == 5, msg(
        "block(3, 5) holds Linear({linear_in}, {linear_out}) and BatchNorm1d({features}); "
        "expected Linear(3, 5) and BatchNorm1d(5): the norm normalises the Linear's outputs, "
        "so it takes out_dim features.",
        "block(3, 5)에 Linear({linear_in}, {linear_out})와 BatchNorm1d({features})가 들어 "
        "있습니다. Linear(3, 5)와 BatchNorm1d(5)여야 합니다: 정규화 층은 Linear의 출력을 "
        "정규화하므로 특성 수로 out_dim을 받습니다.",
        linear_in=linear.in_features,
        linear_out=linear.out_features,
        features=norm.num_features,
    )


def test_block_without_normalize_has_no_batchnorm(kata):
    layers = kata.block(100, 128, normalize=False)
    kinds = [type(layer).__name__ for layer in layers]
    assert kinds == ["Linear", "LeakyReLU"], msg(
        "block(100, 128, normalize=False) returned {kinds}; expected [Linear, LeakyReLU]: the "
        "review's first block has no BatchNorm1d. Append the norm only when normalize is true.",
        "block(100, 128, normalize=False)의 반환값이 {kinds}입니다. [Linear, LeakyReLU]여야 "
        "합니다: 리뷰의 첫 block에는 BatchNorm1d가 없습니다. 정규화 층은 normalize가 참일 "
        "때만 덧붙이세요.",
        kinds=kinds,
    )


def test_block_batchnorm_keeps_the_review_momentum_and_default_eps(kata):
    norm = kata.block(3, 5)[1]
    assert norm.eps == pytest.approx(1e-5), msg(
        "block's BatchNorm1d has eps={eps}; expected the default 1e-5. "
        "BatchNorm1d(out_dim, 0.8) passes 0.8 as the second positional argument, which is "
        "eps, not momentum: write momentum=0.8 as a keyword.",
        "block 안의 BatchNorm1d는 eps가 {eps}입니다. 기본값 1e-5여야 합니다. "
        "BatchNorm1d(out_dim, 0.8)은 0.8을 두 번째 위치 인자로 넘기는데, 그 자리는 momentum이 "
        "아니라 eps입니다: momentum=0.8을 키워드로 쓰세요.",
        eps=norm.eps,
    )
    assert norm.momentum == pytest.approx(0.8), msg(
        "block's BatchNorm1d has momentum={momentum}; expected the review's momentum=0.8 "
        "(PyTorch's momentum is the weight of the new batch in the running averages, the "
        "opposite of Keras's). Pass it as a keyword: BatchNorm1d(out_dim, momentum=0.8).",
        "block 안의 BatchNorm1d는 momentum이 {momentum}입니다. 리뷰의 momentum=0.8이어야 "
        "합니다(PyTorch의 momentum은 이동 평균에서 새 배치가 차지하는 가중치로, Keras의 "
        "momentum과 반대입니다). BatchNorm1d(out_dim, momentum=0.8)처럼 키워드로 넘기세요.",
        momentum=norm.momentum,
    )


def test_block_leaky_relu_has_the_review_slope(kata):
    activation = kata.block(3, 5)[-1]
    x = torch.tensor([-2.0, -1.0, 0.0, 3.0])
    y = activation(x.clone())
    expected = torch.tensor([-0.2, -0.1, 0.0, 3.0])
    assert torch.allclose(y, expected), msg(
        "block's activation maps {x} to {y}; expected {expected}: LeakyReLU(0.1), the "
        "review's slope of 0.1 for negative inputs (not DCGAN's 0.2, not ReLU's 0).",
        "block의 활성화 함수가 {x}를 {y}로 바꿉니다. {expected}여야 합니다: 음수 입력의 "
        "기울기가 0.1인 리뷰의 LeakyReLU(0.1)입니다(DCGAN의 0.2도, ReLU의 0도 아닙니다).",
        x=x.tolist(),
        y=y.tolist(),
        expected=expected.tolist(),
    )


# ## Task 12.2: Generator


def test_generator_layers_follow_the_review(kata):
    G, _ = _models(kata)
    expected = [(100, 128), (128, 256), (256, 512), (512, 1024), (1024, 784)]
    assert _linears(G) == expected, msg(
        "Generator()'s Linear layers (in, out) are {found}; expected {expected}: "
        "100 -> 128 -> 256 -> 512 -> 1024 -> 784, four blocks and then Linear(1024, 784).",
        "Generator()의 Linear 층 (in, out)이 {found}입니다. {expected}여야 합니다: "
        "100 -> 128 -> 256 -> 512 -> 1024 -> 784, 곧 block 네 개 다음에 Linear(1024, 784)입니다.",
        found=_linears(G),
        expected=expected,
    )
    norms = [m.num_features for m in G.modules() if isinstance(m, nn.BatchNorm1d)]
    assert norms == [256, 512, 1024], msg(
        "Generator() has BatchNorm1d layers over {norms} features; expected [256, 512, 1024]: "
        "the first block (latent -> 128) has normalize=False, the output layer has none.",
        "Generator()의 BatchNorm1d 층들의 특성 수가 {norms}입니다. [256, 512, 1024]여야 "
        "합니다: 첫 block(잠재 -> 128)은 normalize=False이고, 출력 층에는 BatchNorm1d가 "
        "없습니다.",
        norms=norms,
    )


def test_generator_parameter_count(kata):
    G, _ = _models(kata)
    # Linear(i, o) has i*o + o parameters, BatchNorm1d(n) 2n (weight and bias):
    # 12,928 + (33,024 + 512) + (131,584 + 1,024) + (525,312 + 2,048) + 803,600
    assert _count(G) == 1_510_032, msg(
        "Generator() has {count:,} parameters; expected 1,510,032: the Linear layers "
        "100-128-256-512-1024-784 with biases, and BatchNorm1d(256), (512), (1024). A "
        "missing bias, an extra layer or a norm in the wrong place changes the count.",
        "Generator()의 파라미터가 {count:,}개입니다. 1,510,032개여야 합니다: 편향이 있는 "
        "Linear 층 100-128-256-512-1024-784와 BatchNorm1d(256), (512), (1024)입니다. 편향이 "
        "빠지거나, 층이 하나 더 있거나, 정규화 층이 엉뚱한 자리에 있으면 개수가 달라집니다.",
        count=_count(G),
    )


def test_generator_takes_the_latent_dim(kata):
    G, _ = _models(kata, latent_dim=16)
    assert _linears(G)[:1] == [(16, 128)], msg(
        "Generator(latent_dim=16)'s first Linear is {first}; expected (16, 128): build the "
        "first block from latent_dim, not from a fixed 100.",
        "Generator(latent_dim=16)의 첫 Linear가 {first}입니다. (16, 128)이어야 합니다: 첫 "
        "block은 고정된 100이 아니라 latent_dim으로 만드세요.",
        first=(_linears(G) or [None])[0],
    )
    out = call(
        G,
        torch.randn(5, 16),
        why=msg(
            "Generator(16) failed on z of shape (5, 16); expected images of shape "
            "(5, 1, 28, 28). Build the first block from latent_dim, and take the batch size "
            "from z.",
            "Generator(16)이 모양 (5, 16)의 z에서 실패했습니다. 모양 (5, 1, 28, 28)의 "
            "이미지가 나와야 합니다. 첫 block은 latent_dim으로 만들고, 배치 크기는 z에서 "
            "가져오세요.",
        ),
    )
    assert out.shape == (5, 1, 28, 28), msg(
        "Generator(16) on (5, 16) gave {shape}; expected (5, 1, 28, 28): one 1x28x28 image "
        "per seed.",
        "Generator(16)에 (5, 16)을 넣었더니 {shape}가 나왔습니다. (5, 1, 28, 28)이어야 "
        "합니다: 시드 하나마다 1x28x28 이미지 하나입니다.",
        shape=tuple(out.shape),
    )


@pytest.mark.parametrize("batch", [2, 7, 64])
def test_generator_output_shape_for_every_batch_size(kata, batch):
    G, _ = _models(kata)
    out = call(
        G,
        torch.randn(batch, 100),
        why=msg(
            "Generator() failed on a batch of {batch} seeds; expected {batch} images. Take the "
            "batch size from the tensor (z.size(0), or view(-1, 1, 28, 28)); a hard-coded "
            "batch size breaks the short last batch of an epoch.",
            "Generator()가 시드 {batch}개의 배치에서 실패했습니다. 이미지 {batch}장이 나와야 "
            "합니다. 배치 크기는 텐서에서 가져오세요(z.size(0), 또는 view(-1, 1, 28, 28)). "
            "배치 크기를 코드에 박아 넣으면 에포크의 짧은 마지막 "
            "배치에서 깨집니다.",
            batch=batch,
        ),
    )
    assert out.shape == (batch, 1, 28, 28), msg(
        "Generator() on z of shape ({batch}, 100) gave {shape}; expected ({batch}, 1, 28, 28): "
        "one 1x28x28 image per seed, whatever the batch size.",
        "Generator()에 모양 ({batch}, 100)의 z를 넣었더니 {shape}가 나왔습니다. "
        "({batch}, 1, 28, 28)이어야 합니다: 배치 크기가 얼마든 시드 하나마다 1x28x28 이미지 "
        "하나입니다.",
        batch=batch,
        shape=tuple(out.shape),
    )


def test_generator_makes_one_digit_in_eval_mode(kata):
    G, _ = _models(kata)
    G.eval()
    out = call(
        G,
        torch.randn(1, 100),
        why=msg(
            "Generator().eval() failed on a single seed (1, 100); expected one image. In eval "
            "mode BatchNorm uses its running averages, so one image is fine; the batch size "
            "must come from z (z.size(0)), not from a hard-coded batch_size.",
            "Generator().eval()이 시드 하나 (1, 100)에서 실패했습니다. 이미지 한 장이 나와야 "
            "합니다. eval 모드의 BatchNorm은 이동 평균을 쓰므로 이미지 한 장도 괜찮습니다. "
            "배치 크기는 코드에 박아 넣은 batch_size가 아니라 z에서(z.size(0)) 가져와야 "
            "합니다.",
        ),
    )
    assert out.shape == (1, 1, 28, 28), msg(
        "Generator().eval() on one seed gave {shape}; expected (1, 1, 28, 28).",
        "Generator().eval()에 시드 하나를 넣었더니 {shape}가 나왔습니다. (1, 1, 28, 28)이어야 "
        "합니다.",
        shape=tuple(out.shape),
    )


def test_generator_output_is_tanh_range(kata):
    G, _ = _models(kata)
    out = G(torch.randn(64, 100)).detach()
    assert float(out.abs().max()) < 1.0, msg(
        "Generator()'s pixels reach {top:.3f}; expected strictly inside (-1, 1): end the model "
        "with nn.Tanh().",
        "Generator()의 픽셀 값이 {top:.3f}까지 나옵니다. (-1, 1) 안에만 있어야 합니다: 모델을 "
        "nn.Tanh()로 끝내세요.",
        top=float(out.abs().max()),
    )
    assert float(out.min()) < -0.05 and abs(float(out.mean())) < 0.2, msg(
        "Generator()'s pixels run from {low:.3f} to {high:.3f} (mean {mean:.3f}); expected "
        "tanh outputs spread around 0 on both sides. A Sigmoid stays in (0, 1) and can never "
        "draw the background of a digit in [-1, 1]: end G with nn.Tanh().",
        "Generator()의 픽셀 값이 {low:.3f}에서 {high:.3f}까지입니다(평균 {mean:.3f}). 0을 "
        "중심으로 양쪽에 퍼진 tanh 출력이어야 합니다. Sigmoid는 (0, 1) 안에 머물러서 [-1, 1] "
        "범위인 숫자의 배경(-1)을 결코 그릴 수 없습니다: 생성기를 nn.Tanh()로 끝내세요.",
        low=float(out.min()),
        high=float(out.max()),
        mean=float(out.mean()),
    )


# ## Task 12.3: Discriminator


def test_discriminator_layers_follow_the_review(kata):
    _, D = _models(kata)
    expected = [(784, 512), (512, 256), (256, 1)]
    assert _linears(D) == expected, msg(
        "Discriminator()'s Linear layers (in, out) are {found}; expected {expected}: "
        "784 -> 512 -> 256 -> 1.",
        "Discriminator()의 Linear 층 (in, out)이 {found}입니다. {expected}여야 합니다: "
        "784 -> 512 -> 256 -> 1.",
        found=_linears(D),
        expected=expected,
    )
    slopes = [m.negative_slope for m in D.modules() if isinstance(m, nn.LeakyReLU)]
    assert slopes == pytest.approx([0.1, 0.1]), msg(
        "Discriminator()'s LeakyReLU slopes are {slopes}; expected [0.1, 0.1], one "
        "LeakyReLU(0.1) after each hidden Linear.",
        "Discriminator()의 LeakyReLU 기울기가 {slopes}입니다. [0.1, 0.1]이어야 합니다: 은닉 "
        "Linear마다 그 뒤에 LeakyReLU(0.1)가 하나씩 옵니다.",
        slopes=slopes,
    )
    # 784*512 + 512 + 512*256 + 256 + 256 + 1
    assert _count(D) == 533_505, msg(
        "Discriminator() has {count:,} parameters; expected 533,505 (Linear layers "
        "784-512-256-1 with biases and nothing else: no BatchNorm in the review's D).",
        "Discriminator()의 파라미터가 {count:,}개입니다. 533,505개여야 합니다(편향이 있는 "
        "Linear 층 784-512-256-1뿐입니다: 리뷰의 판별기에는 BatchNorm이 없습니다).",
        count=_count(D),
    )


@pytest.mark.parametrize("batch", [1, 2, 7, 64])
def test_discriminator_gives_one_probability_per_image(kata, real, batch):
    _, D = _models(kata)
    images = real[:batch]
    out = call(
        D,
        images,
        why=msg(
            "Discriminator() failed on images of shape {shape}; expected one verdict per "
            "image. Flatten each image and keep the batch: x.flatten(1) or "
            "x.view(x.size(0), -1), never a hard-coded batch size.",
            "Discriminator()가 모양 {shape}의 이미지에서 실패했습니다. 이미지마다 판정이 "
            "하나씩 나와야 합니다. 배치는 그대로 두고 이미지마다 펼치세요: x.flatten(1) 또는 "
            "x.view(x.size(0), -1). 배치 크기를 코드에 박아 넣으면 "
            "안 됩니다.",
            shape=tuple(images.shape),
        ),
    )
    assert out.shape == (batch, 1), msg(
        "Discriminator() on {shape} gave {out_shape}; expected ({batch}, 1): one verdict per "
        "image.",
        "Discriminator()에 {shape}를 넣었더니 {out_shape}가 나왔습니다. ({batch}, 1)이어야 "
        "합니다: 이미지마다 판정 하나입니다.",
        shape=tuple(images.shape),
        out_shape=tuple(out.shape),
        batch=batch,
    )
    assert bool(((out > 0) & (out < 1)).all()), msg(
        "Discriminator()'s verdicts run from {low:.3f} to {high:.3f}; expected probabilities "
        "in (0, 1): end D with nn.Sigmoid().",
        "Discriminator()의 판정이 {low:.3f}에서 {high:.3f}까지입니다. (0, 1) 안의 확률이어야 "
        "합니다: 판별기를 nn.Sigmoid()로 끝내세요.",
        low=float(out.min()),
        high=float(out.max()),
    )


def test_discriminator_accepts_flat_images_too(kata, real):
    _, D = _models(kata)
    flat = real[:7].reshape(7, 784)
    out = call(
        D,
        flat,
        why=msg(
            "Discriminator() failed on flat images (7, 784); expected it to take them as well "
            "as (7, 1, 28, 28). x.flatten(1) turns both (B, 1, 28, 28) and (B, 784) into "
            "(B, 784).",
            "Discriminator()가 펼친 이미지 (7, 784)에서 실패했습니다. (7, 1, 28, 28)뿐 아니라 "
            "이것도 받아야 합니다. x.flatten(1)은 (B, 1, 28, 28)과 (B, 784)를 모두 (B, 784)로 "
            "바꿉니다.",
        ),
    )
    assert torch.allclose(out, D(real[:7])), msg(
        "Discriminator() gives different verdicts for the same images as (7, 784) and as "
        "(7, 1, 28, 28) (they differ by up to {gap:.3g}); expected the same: flatten each "
        "image row by row, keeping the batch.",
        "Discriminator()가 같은 이미지를 (7, 784)로 받을 때와 (7, 1, 28, 28)로 받을 때 다른 "
        "판정을 냅니다(차이는 최대 {gap:.3g}). 같아야 합니다: 배치는 그대로 두고 이미지마다 "
        "행 순서대로 펼치세요.",
        gap=float((out - D(real[:7])).abs().max()),
    )


# ## Task 12.4: make_optimizers


def test_make_optimizers_gives_two_adams_with_the_review_settings(kata):
    G, D = _models(kata)
    optimizers = kata.make_optimizers(G, D)
    assert isinstance(optimizers, tuple) and len(optimizers) == 2, msg(
        "make_optimizers(G, D) returned {found}; expected a tuple (g_opt, d_opt): "
        "return g_opt, d_opt.",
        "make_optimizers(G, D)의 반환값이 {found}입니다. 튜플 (g_opt, d_opt)여야 합니다: "
        "return g_opt, d_opt로 반환하세요.",
        found=type(optimizers).__name__,
    )
    for name, opt in zip(("g_opt", "d_opt"), optimizers, strict=True):
        assert isinstance(opt, torch.optim.Adam), msg(
            "{name} is {found}; expected torch.optim.Adam, the review's optimiser.",
            "{name}이(가) {found}입니다. 리뷰의 옵티마이저인 torch.optim.Adam이어야 합니다.",
            name=name,
            found=type(opt).__name__,
        )
        group = opt.param_groups[0]
        assert len(opt.param_groups) == 1 and group["lr"] == pytest.approx(2e-4), msg(
            "{name} has {groups} parameter group(s), the first with lr={lr}; expected one "
            "group with lr=2e-4 (0.0002), the review's learning_rate: "
            "torch.optim.Adam(network.parameters(), lr=2e-4, ...).",
            "{name}의 파라미터 그룹은 {groups}개이고 첫 그룹의 lr은 {lr}입니다. lr=2e-4 "
            "(0.0002)인 그룹 하나여야 합니다. 리뷰의 learning_rate입니다: "
            "torch.optim.Adam(network.parameters(), lr=2e-4, ...).",
            name=name,
            groups=len(opt.param_groups),
            lr=group["lr"],
        )
        assert tuple(group["betas"]) == pytest.approx((0.5, 0.999)), msg(
            "{name} has betas={betas}; expected betas=(0.5, 0.999). Adam's default β1 = 0.9 "
            "remembers about ten steps of gradient; in a GAN the opponent moves every step, "
            "so the DCGAN paper (and the review) use β1 = 0.5.",
            "{name}의 betas가 {betas}입니다. betas=(0.5, 0.999)여야 합니다. Adam의 기본값 "
            "β1 = 0.9는 약 열 단계의 기울기를 기억하는데, GAN에서는 상대가 매 단계 움직이므로 "
            "DCGAN 논문(과 리뷰)은 β1 = 0.5를 씁니다.",
            name=name,
            betas=tuple(group["betas"]),
        )


def test_each_optimizer_holds_its_own_network(kata):
    G, D = _models(kata)
    g_opt, d_opt = kata.make_optimizers(G, D)
    held = [
        {id(p) for group in opt.param_groups for p in group["params"]} for opt in (g_opt, d_opt)
    ]
    g_ids, d_ids = {id(p) for p in G.parameters()}, {id(p) for p in D.parameters()}
    assert held != [d_ids, g_ids], msg(
        "g_opt holds D's parameters and d_opt holds G's: the optimisers are swapped. Return "
        "(g_opt, d_opt), in that order.",
        "g_opt에는 판별기의 파라미터가, d_opt에는 생성기의 파라미터가 들어 있습니다: 두 "
        "옵티마이저가 뒤바뀌었습니다. (g_opt, d_opt)를 이 순서대로 반환하세요.",
    )
    assert held == [g_ids, d_ids], msg(
        "g_opt must hold exactly G's parameters and d_opt exactly D's: g_opt holds {g_in_g} of "
        "G's {g_total} and {d_in_g} of D's; d_opt holds {d_in_d} of D's {d_total} and {g_in_d} "
        "of G's. Build each over its own .parameters(), never both chained together.",
        "g_opt에는 생성기의 파라미터만, d_opt에는 판별기의 파라미터만 정확히 들어 있어야 "
        "합니다. 그런데 g_opt에는 생성기의 {g_total}개 중 {g_in_g}개와 판별기의 것 {d_in_g}개가, "
        "d_opt에는 판별기의 {d_total}개 중 {d_in_d}개와 생성기의 것 {g_in_d}개가 들어 "
        "있습니다. 각 옵티마이저는 자기 네트워크의 .parameters()로 만들고, 두 네트워크의 "
        "파라미터를 이어 붙여 넣지 마세요.",
        g_in_g=len(held[0] & g_ids),
        g_total=len(g_ids),
        d_in_g=len(held[0] & d_ids),
        d_in_d=len(held[1] & d_ids),
        d_total=len(d_ids),
        g_in_d=len(held[1] & g_ids),
    )


# ## Task 12.5: sample_latent


def test_sample_latent_shape_and_dtype(kata):
    for args, shape in (((5,), (5, 100)), ((3, 16), (3, 16))):
        z = kata.sample_latent(*args)
        assert isinstance(z, torch.Tensor) and z.shape == shape and z.dtype == torch.float32, msg(
            "sample_latent{args} returned {kind} {found_shape} {dtype}; expected a float32 "
            "tensor of shape {shape}: (batch, dim), dim 100 by default.",
            "sample_latent{args}의 반환값이 {kind} {found_shape} {dtype}입니다. 모양 {shape}의 "
            "float32 텐서여야 합니다: (batch, dim)이고, dim의 기본값은 100입니다.",
            args=args,
            kind=type(z).__name__,
            found_shape=tuple(getattr(z, "shape", ())),
            dtype=getattr(z, "dtype", ""),
            shape=shape,
        )


@pytest.mark.parametrize(("batch", "dim"), [(20_000, 100), (125_000, 16)])
def test_sample_latent_is_standard_normal_whatever_the_shape(kata, batch, dim):
    z = kata.sample_latent(batch, dim)
    mean, std = float(z.mean()), float(z.std())
    tails = float((z.abs() > 2).float().mean())
    assert abs(mean) < 0.01 and abs(std - 1) < 0.01, msg(
        "sample_latent({batch}, {dim}) has mean {mean:.3f} and std {std:.3f}; expected the "
        "standard normal, mean 0 and std 1, for every shape. kaiming_normal_ is a weight "
        "initialiser: its std is gain / sqrt(fan_in), about 0.14 for dim 100 (and 0.35 for "
        "dim 16). Uniform noise has std 0.29 (torch.rand) or 0.58 (stretched to [-1, 1)). "
        "Use torch.randn(batch, dim).",
        "sample_latent({batch}, {dim})의 평균이 {mean:.3f}, 표준편차가 {std:.3f}입니다. 모양이 "
        "어떻든 평균 0, 표준편차 1인 표준정규분포여야 합니다. kaiming_normal_은 가중치 초기화 "
        "함수입니다: 그 표준편차는 gain / sqrt(fan_in)이라 dim이 100이면 약 0.14(dim이 16이면 "
        "0.35)입니다. 균등분포 잡음의 표준편차는 0.29(torch.rand) 또는 0.58([-1, 1)로 늘린 "
        "것)입니다. torch.randn(batch, dim)을 쓰세요.",
        batch=batch,
        dim=dim,
        mean=mean,
        std=std,
    )
    assert 0.040 < tails < 0.051, msg(
        "{tails:.1%} of sample_latent({batch}, {dim})'s values lie beyond ±2; a standard normal "
        "puts 4.6% there. Draw from the normal distribution (torch.randn), not a uniform one "
        "(torch.rand).",
        "sample_latent({batch}, {dim})의 값 중 {tails:.1%}가 ±2 바깥에 있습니다. 표준정규분포라면 "
        "4.6%가 그곳에 있습니다. 균등분포(torch.rand)가 아니라 정규분포(torch.randn)에서 "
        "뽑으세요.",
        tails=tails,
        batch=batch,
        dim=dim,
    )


def test_sample_latent_follows_torch_manual_seed(kata):
    torch.manual_seed(123)
    first = kata.sample_latent(4)
    torch.manual_seed(123)
    again = kata.sample_latent(4)
    assert torch.equal(first, again), msg(
        "sample_latent(4) gave different noise after the same torch.manual_seed(123); "
        "expected the same: draw from torch's global generator (torch.randn), so that a "
        "seeded run repeats.",
        "같은 torch.manual_seed(123) 뒤에 sample_latent(4)가 서로 다른 잡음을 냈습니다. 같은 "
        "잡음이어야 합니다: 시드를 고정한 실행이 그대로 되풀이되도록 torch의 전역 생성기"
        "(torch.randn)에서 뽑으세요.",
    )
    assert not torch.equal(again, kata.sample_latent(4)), msg(
        "Two calls of sample_latent(4) in a row gave the same noise; expected fresh noise "
        "each time: do not reseed inside sample_latent.",
        "sample_latent(4)를 연달아 두 번 호출했더니 같은 잡음이 나왔습니다. 호출할 때마다 새 "
        "잡음이 나와야 합니다: sample_latent 안에서 시드를 다시 정하지 마세요.",
    )


def test_sample_latent_puts_the_noise_on_the_device(kata):
    z = call(
        kata.sample_latent,
        2,
        device="meta",
        why=msg(
            "sample_latent(2, device='meta') failed; expected noise on the device asked for. "
            "Pass device on to torch.randn(..., device=device), so that the noise is made "
            "where the model is.",
            "sample_latent(2, device='meta')가 실패했습니다. 요청한 device에 잡음을 만들어야 "
            "합니다. device를 torch.randn(..., device=device)에 그대로 넘겨, 모델이 있는 곳에서 "
            "잡음을 만드세요.",
        ),
    )
    assert z.device.type == "meta" and z.shape == (2, 100), msg(
        "sample_latent(2, device='meta') gave a tensor on {device} of shape {shape}; expected "
        "(2, 100) on 'meta': make the noise on the device asked for (the review's "
        "kaiming_normal_ noise always lands on the CPU).",
        "sample_latent(2, device='meta')가 {device}에 있는 모양 {shape}의 텐서를 냈습니다. "
        "'meta'에 있는 (2, 100)이어야 합니다: 요청한 device에 잡음을 만드세요(리뷰의 "
        "kaiming_normal_ 잡음은 언제나 CPU에 만들어집니다).",
        device=z.device,
        shape=tuple(z.shape),
    )


# ## Task 12.6: train_step


def _train_step(kata, monkeypatch, real: torch.Tensor) -> SimpleNamespace:
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
        why=msg(
            "train_step(G, D, real {shape}, g_opt, d_opt) failed; expected G's step, then D's. "
            "Take every size from the tensors, never a hard-coded batch size. 'Trying to "
            "backward through the graph a second time' means D's fake step needs "
            "fake.detach() (G's backward has already freed G's graph); 'modified by an "
            "inplace operation' means an in-place op overwrote a tensor that autograd saved.",
            "train_step(G, D, real {shape}, g_opt, d_opt)가 실패했습니다. 생성기의 단계, 그다음 "
            "판별기의 단계가 실행되어야 합니다. 모든 크기는 텐서에서 가져오고, 배치 크기를 "
            "코드에 박아 넣지 마세요. 'Trying to backward through the graph a second time'은 "
            "판별기의 가짜 단계에 fake.detach()가 필요하다는 뜻입니다(생성기의 backward가 이미 "
            "생성기의 그래프를 해제했습니다). 'modified by an inplace operation'은 제자리"
            "(in-place) 연산이 autograd가 저장해 둔 텐서를 덮어썼다는 뜻입니다.",
            shape=tuple(real.shape),
        ),
    )
    assert draws == [(real.size(0), 100)], msg(
        "train_step drew its noise with sample_latent calls {draws}; expected exactly one "
        "call, sample_latent(real.size(0)) = sample_latent({batch}): one z per real image, "
        "and the same fake for G's step and D's.",
        "train_step이 sample_latent를 {draws}로 호출해 잡음을 뽑았습니다. "
        "sample_latent(real.size(0)) = sample_latent({batch})를 정확히 한 번 호출해야 합니다: "
        "진짜 이미지 하나마다 z 하나이고, 생성기의 단계와 판별기의 단계가 같은 가짜를 씁니다.",
        draws=draws,
        batch=real.size(0),
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


def _unmoved(after: nn.Module, before: nn.Module) -> bool:
    """Is every parameter exactly where it was?"""
    return all(
        torch.equal(p, p0) for p, p0 in zip(after.parameters(), before.parameters(), strict=True)
    )


def test_train_step_returns_two_finite_floats(kata, real):
    G, D = _models(kata)
    g_opt = torch.optim.Adam(G.parameters(), lr=2e-4, betas=(0.5, 0.999))
    d_opt = torch.optim.Adam(D.parameters(), lr=2e-4, betas=(0.5, 0.999))
    losses = call(
        kata.train_step,
        G,
        D,
        real[:8],
        g_opt,
        d_opt,
        why=msg(
            "train_step(G, D, real (8, 1, 28, 28), g_opt, d_opt) failed; expected it to run "
            "G's step, then D's, and return (g_loss, d_loss). The error below says where it "
            "broke.",
            "train_step(G, D, real (8, 1, 28, 28), g_opt, d_opt)가 실패했습니다. 생성기의 "
            "단계, 그다음 판별기의 단계를 실행하고 (g_loss, d_loss)를 반환해야 합니다. 어디서 "
            "깨졌는지는 아래 오류에 나옵니다.",
        ),
    )
    assert (
        isinstance(losses, tuple)
        and len(losses) == 2
        and all(type(loss) is float and math.isfinite(loss) for loss in losses)
    ), msg(
        "train_step returned {losses!r}; expected (g_loss, d_loss) as two finite Python "
        "floats: return loss.item(), not the tensor (which keeps the whole graph alive).",
        "train_step의 반환값이 {losses!r}입니다. 유한한 파이썬 float 두 개 (g_loss, d_loss)여야 "
        "합니다: 텐서(그래프 전체를 붙잡아 둡니다)가 아니라 loss.item()을 반환하세요.",
        losses=losses,
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
    call(
        kata.train_step,
        G,
        D,
        real[:8],
        g_opt,
        d_opt,
        why=msg(
            "train_step(G, D, real (8, 1, 28, 28), g_opt, d_opt) failed; expected it to run "
            "G's step, then D's. The error below says where it broke.",
            "train_step(G, D, real (8, 1, 28, 28), g_opt, d_opt)가 실패했습니다. 생성기의 "
            "단계, 그다음 판별기의 단계가 실행되어야 합니다. 어디서 깨졌는지는 아래 오류에 "
            "나옵니다.",
        ),
    )
    order = [who for who, _ in events]
    first_d = next((x for who, x in events if who == "D"), None)
    judged_fake = order[:1] == ["G"] and first_d is not None and torch.equal(first_d, events[0][1])
    if first_d is None:
        seen = msg("nothing: D was never called", "없음(판별기가 한 번도 호출되지 않음)")
    elif judged_fake:
        seen = msg("the fake from G(z)", "G(z)가 만든 가짜")
    elif first_d.shape == (8, 784) and torch.equal(first_d, real[:8].reshape(8, -1)):
        seen = msg("the real batch", "진짜 배치")
    else:
        seen = msg("neither the fake nor the real batch", "가짜도 진짜 배치도 아닌 텐서")
    assert judged_fake, msg(
        "train_step called the networks in the order {order}, and D's first input was {seen}; "
        "expected G's step first, as in the review: fake = G(z), then D judges that fake for "
        "G's loss; D's step (real, then fake.detach()) comes after g_opt.step().",
        "train_step이 네트워크를 {order} 순서로 호출했습니다(판별기의 첫 입력: {seen}). "
        "리뷰처럼 생성기의 단계가 먼저여야 합니다: fake = G(z), 그다음 생성기의 손실을 위해 "
        "판별기가 그 가짜를 판정합니다. 판별기의 단계(진짜, 그다음 fake.detach())는 "
        "g_opt.step() 뒤에 옵니다.",
        order=order,
        seen=seen,
    )


def test_g_loss_is_the_non_saturating_loss(kata, monkeypatch, real):
    run = _train_step(kata, monkeypatch, real[:8])
    g_loss, expected = run.losses[0], run.g_loss.item()
    assert g_loss == pytest.approx(expected, abs=1e-5), msg(
        "train_step's g_loss is {g_loss:.5f}; expected {expected:.5f}, the non-saturating "
        "loss BCE(D(G(z)), 1) = -mean log D(G(z)), computed before any step. Minimising "
        "log(1 - D(G(z))) (that is -BCE(D(G(z)), 0)) saturates: its gradient vanishes when D "
        "rejects the fakes, early in training. And G's step comes first.",
        "train_step의 g_loss가 {g_loss:.5f}입니다. 어떤 step보다도 먼저 계산한, 포화하지 않는 "
        "손실 BCE(D(G(z)), 1) = -mean log D(G(z))인 {expected:.5f}여야 합니다. "
        "log(1 - D(G(z)))(곧 -BCE(D(G(z)), 0))를 최소화하면 포화합니다: 판별기가 가짜를 쉽게 "
        "가려내는 훈련 초기에 그 기울기가 사라집니다. 그리고 생성기의 단계가 먼저입니다.",
        g_loss=g_loss,
        expected=expected,
    )


def test_g_step_follows_the_gradient_of_g_loss_alone(kata, monkeypatch, real):
    run = _train_step(kata, monkeypatch, real[:8])
    if _unmoved(run.G, run.before.G):
        why = msg(
            "G's parameters did not move at all in train_step; expected each to move by -lr "
            "times the gradient of the non-saturating g_loss = BCE(D(G(z)), 1) (the test steps "
            "with SGD). The likely mistakes: G's loss judged fake.detach(), which cuts the "
            "gradient's way back to G (only D's step takes the detached fake), or "
            "g_opt.step() is missing after g_loss.backward().",
            "train_step에서 생성기의 파라미터가 전혀 움직이지 않았습니다. 각 파라미터가 포화하지 "
            "않는 g_loss = BCE(D(G(z)), 1)의 기울기에 -lr을 곱한 만큼 움직여야 합니다(이 "
            "테스트는 SGD로 step합니다). 흔한 원인: 생성기의 손실이 fake.detach()를 판정해서 "
            "기울기가 생성기로 돌아가는 길이 끊겼거나(detach한 가짜는 판별기의 단계에만 "
            "씁니다), g_loss.backward() 뒤에 g_opt.step()이 빠졌습니다.",
        )
    else:
        why = msg(
            "G's parameters did not move by exactly -lr times the gradient of the "
            "non-saturating g_loss = BCE(D(G(z)), 1) (the test steps with SGD, and fills every "
            ".grad with junk first, as a previous step would leave it). Call g_opt.zero_grad() "
            "before g_loss.backward(), use the non-saturating loss, and keep D's step away "
            "from G: D judges fake.detach().",
            "생성기의 파라미터가 포화하지 않는 g_loss = BCE(D(G(z)), 1)의 기울기에 정확히 -lr을 "
            "곱한 만큼 움직이지 않았습니다(이 테스트는 SGD로 step하고, 이전 단계가 남겼을 "
            "법한 쓰레기 값으로 모든 .grad를 먼저 채웁니다). g_loss.backward() 전에 "
            "g_opt.zero_grad()를 호출하고, 포화하지 않는 손실을 쓰고, 판별기의 단계가 생성기에 "
            "닿지 않게 하세요: 판별기는 fake.detach()를 판정합니다.",
        )
    assert _moved_as(run.G, run.before.G, run.g_grads), why


def test_d_loss_is_the_average_of_the_real_and_fake_losses(kata, monkeypatch, real):
    run = _train_step(kata, monkeypatch, real[:8])
    d_loss = run.losses[1]
    expected = [loss.item() for loss, _ in run.d]
    assert any(d_loss == pytest.approx(e, abs=1e-5) for e in expected), msg(
        "train_step's d_loss is {d_loss:.5f}; expected {expected:.5f}, the average "
        "(BCE(D(real), 1) + BCE(D(fake.detach()), 0)) / 2, as the review's "
        "(real_loss + fake_loss) / 2. Summing the two doubles it; and D's step comes after "
        "G's, with D as it was before the step (G's step must not change D).",
        "train_step의 d_loss가 {d_loss:.5f}입니다. 리뷰의 (real_loss + fake_loss) / 2처럼 "
        "평균 (BCE(D(real), 1) + BCE(D(fake.detach()), 0)) / 2인 {expected:.5f}여야 합니다. "
        "둘을 더하기만 하면 두 배가 됩니다. 그리고 판별기의 단계는 생성기의 단계 뒤에 오며, "
        "이때 판별기는 단계 전 그대로여야 합니다(생성기의 단계가 판별기를 바꾸면 안 됩니다).",
        d_loss=d_loss,
        expected=expected[0],
    )


def test_d_step_follows_the_gradient_of_d_loss_alone(kata, monkeypatch, real):
    run = _train_step(kata, monkeypatch, real[:8])
    assert any(_moved_as(run.D, run.before.D, grads) for _, grads in run.d), msg(
        "D's parameters did not move by exactly -lr times the gradient of d_loss = "
        "(BCE(D(real), 1) + BCE(D(fake.detach()), 0)) / 2 (the test steps with SGD, and fills "
        "every .grad with junk first). g_loss.backward() fills D's .grad too: call "
        "d_opt.zero_grad() right before d_loss.backward(), and never d_opt.step() in G's "
        "step, so that G's step leaves D alone.",
        "판별기의 파라미터가 d_loss = (BCE(D(real), 1) + BCE(D(fake.detach()), 0)) / 2의 "
        "기울기에 정확히 -lr을 곱한 만큼 움직이지 않았습니다(이 테스트는 SGD로 step하고, "
        "모든 .grad를 먼저 쓰레기 값으로 채웁니다). g_loss.backward()는 판별기의 .grad도 "
        "채웁니다: d_loss.backward() 바로 앞에서 d_opt.zero_grad()를 호출하고, 생성기의 "
        "단계에서는 절대 d_opt.step()을 하지 마세요. 그래야 생성기의 단계가 판별기를 건드리지 "
        "않습니다.",
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
        why=msg(
            "train_step failed on a short last batch of {batch} digits; expected it to train "
            "on any batch of two or more. Take every size from the tensors, never a "
            "hard-coded batch size: sample_latent(real.size(0)), z.size(0) in G, "
            "x.flatten(1) in D, torch.ones_like(verdict) for the targets.",
            "train_step이 숫자 {batch}개짜리 짧은 마지막 배치에서 실패했습니다. 둘 이상이면 "
            "어떤 배치로든 훈련해야 합니다. 모든 크기는 텐서에서 가져오고, 배치 크기를 코드에 "
            "박아 넣지 마세요: sample_latent(real.size(0)), 생성기에서는 "
            "z.size(0), 판별기에서는 x.flatten(1), 목표값은 torch.ones_like(verdict).",
            batch=batch,
        ),
    )
    assert all(math.isfinite(loss) for loss in losses), msg(
        "train_step on a batch of {batch} returned {losses}; expected finite losses.",
        "train_step이 배치 {batch}개에서 {losses}를 반환했습니다. 유한한 손실이어야 합니다.",
        batch=batch,
        losses=losses,
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
        why=msg(
            "train_step on a batch of one digit must raise ValueError: BatchNorm1d cannot "
            "compute a batch variance from one sample in training mode (PyTorch raises that "
            "ValueError for you, inside G(z), as long as G keeps its BatchNorm1d layers and "
            "train_step does not catch the error). The review's DataLoader(..., "
            "drop_last=True) avoids such a last batch.",
            "숫자 하나짜리 배치에서는 train_step이 ValueError를 발생시켜야 합니다: 훈련 모드의 "
            "BatchNorm1d는 샘플 하나로는 배치 분산을 계산할 수 없습니다(생성기가 BatchNorm1d "
            "층을 지니고 train_step이 그 오류를 잡아 삼키지 않는 한, PyTorch가 G(z) 안에서 그 "
            "ValueError를 대신 발생시킵니다). 리뷰의 DataLoader(..., drop_last=True)는 그런 "
            "마지막 배치를 피합니다.",
        ),
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
        why=msg(
            "With {which}, an in-place op on the output of Tanh or Sigmoid, which autograd "
            "saved for backward, train_step should fail in g_loss.backward() with autograd's "
            "RuntimeError ('modified by an inplace operation'). Does your train_step call "
            "backward() on the losses, with G and D as given?",
            "{which}처럼 autograd가 backward를 위해 저장해 둔 Tanh나 Sigmoid의 출력에 제자리"
            "(in-place) 연산을 하면, train_step은 g_loss.backward()에서 autograd의 "
            "RuntimeError('modified by an inplace operation')로 실패해야 합니다. 여러분의 "
            "train_step이 주어진 G와 D로 손실에 backward()를 호출하나요?",
            which=which,
        ),
    )
    assert "inplace" in str(error), msg(
        "With {which}, train_step raised RuntimeError({error!r}); expected autograd's "
        "'modified by an inplace operation': the lesson of this test. Write (fake + 1) / 2 "
        "and .clamp(...) instead, and leave saved tensors alone.",
        "{which}에서 train_step이 RuntimeError({error!r})를 발생시켰습니다. 이 테스트가 "
        "가르치려는 autograd의 'modified by an inplace operation'이어야 합니다. 대신 "
        "(fake + 1) / 2와 .clamp(...)를 쓰고, 저장된 텐서는 건드리지 마세요.",
        which=which,
        error=str(error)[:200],
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
        why=msg(
            "train_step failed with (fake + 1) / 2 after G and .clamp(...) after D, both out "
            "of place; expected it to train. If the error says 'modified by an inplace "
            "operation', your own G, D or train_step overwrites a tensor that autograd saved: "
            "no x += ..., x.mul_(...) or inplace=True after a Tanh or Sigmoid.",
            "생성기 뒤의 (fake + 1) / 2와 판별기 뒤의 .clamp(...)는 둘 다 제자리 연산이 아닌데도 "
            "train_step이 실패했습니다. 이대로 훈련되어야 합니다. 오류가 'modified by an "
            "inplace operation'이라면 여러분의 생성기, 판별기 또는 train_step이 autograd가 "
            "저장해 둔 텐서를 덮어쓰고 있습니다: Tanh나 Sigmoid 뒤에 x += ..., x.mul_(...), "
            "inplace=True를 쓰지 마세요.",
        ),
    )
    moved = changed(before[0], snapshot(G)), changed(before[1], snapshot(D))
    assert all(math.isfinite(loss) for loss in losses) and all(moved), msg(
        "train_step with out-of-place ops returned {losses} and moved {g_moved} of G's and "
        "{d_moved} of D's parameter tensors; expected finite losses and both networks stepped. "
        "A network with 0 moved tensors was never stepped: check g_opt.step() after "
        "g_loss.backward() and d_opt.step() after d_loss.backward().",
        "제자리 연산이 아닌 연산으로 train_step을 실행했더니 {losses}를 반환했고, 생성기의 "
        "파라미터 텐서 {g_moved}개와 판별기의 파라미터 텐서 {d_moved}개가 움직였습니다. 손실은 "
        "유한해야 하고, 두 네트워크 모두 step해야 합니다. 움직인 텐서가 0개인 네트워크는 한 "
        "번도 step하지 않은 것입니다: g_loss.backward() 뒤의 g_opt.step()과 d_loss.backward() "
        "뒤의 d_opt.step()을 확인하세요.",
        losses=losses,
        g_moved=len(moved[0]),
        d_moved=len(moved[1]),
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
    assert mean_pixel < -0.1, msg(
        "After ten steps the fakes' mean pixel is {mean_pixel:.3f}; expected it to fall from "
        "about 0 towards the real digits' -0.73 (mostly background at -1), below -0.1. G needs "
        "Tanh to reach -1, the non-saturating loss BCE(D(G(z)), 1) to learn while D wins, and "
        "Adam(lr=2e-4, betas=(0.5, 0.999)).",
        "열 단계 뒤 가짜의 평균 픽셀 값이 {mean_pixel:.3f}입니다. 약 0에서 진짜 숫자의 "
        "-0.73(대부분 -1인 배경) 쪽으로 내려가 -0.1보다 작아져야 합니다. 생성기가 -1에 닿으려면 "
        "Tanh가, 판별기가 이기는 동안에도 배우려면 포화하지 않는 손실 BCE(D(G(z)), 1)이, "
        "그리고 Adam(lr=2e-4, betas=(0.5, 0.999))이 필요합니다.",
        mean_pixel=mean_pixel,
    )
    assert margin > 0.12, msg(
        "After ten steps D is only {margin:.3f} surer of real digits than of fakes; expected "
        "more than 0.12: D's step should learn real = 1 and fake.detach() = 0.",
        "열 단계 뒤 판별기가 진짜 숫자를 가짜보다 {margin:.3f}만큼만 더 확신합니다. 0.12보다 "
        "커야 합니다: 판별기의 단계는 진짜 = 1, fake.detach() = 0을 배워야 합니다.",
        margin=margin,
    )


# ## Task 12.7: mnist_transform


def test_mnist_transform_maps_a_pil_digit_to_minus_one_one(kata, digits):
    pixels = digits[10].reshape(28, 28).copy()
    pixels[0, 0], pixels[0, 1] = 0, 255
    image = Image.fromarray(pixels, mode="L")
    x = call(
        kata.mnist_transform(),
        image,
        why=msg(
            "mnist_transform()(a PIL digit) failed; expected a (1, 28, 28) tensor in [-1, 1]. "
            "Return transforms.Compose([...]) of ToTensor and Normalize, applied to a PIL "
            "image.",
            "mnist_transform()(PIL 숫자 이미지)가 실패했습니다. [-1, 1] 범위의 (1, 28, 28) "
            "텐서가 나와야 합니다. PIL 이미지에 적용되는 ToTensor와 Normalize의 "
            "transforms.Compose([...])를 반환하세요.",
        ),
    )
    assert isinstance(x, torch.Tensor) and x.shape == (1, 28, 28) and x.dtype == torch.float32, msg(
        "mnist_transform()(a 28x28 PIL digit) gave {kind} {shape} {dtype}; expected a "
        "float32 tensor (1, 28, 28): transforms.ToTensor() makes (channels, height, width) "
        "floats.",
        "mnist_transform()(28x28 PIL 숫자 이미지)의 결과가 {kind} {shape} {dtype}입니다. "
        "float32 텐서 (1, 28, 28)이어야 합니다: transforms.ToTensor()가 (채널, 높이, 너비) "
        "모양의 float를 만듭니다.",
        kind=type(x).__name__,
        shape=tuple(getattr(x, "shape", ())),
        dtype=getattr(x, "dtype", ""),
    )
    ends = (float(x[0, 0, 0]), float(x[0, 0, 1]))
    assert ends == pytest.approx((-1.0, 1.0), abs=1e-6), msg(
        "mnist_transform() maps pixel 0 to {low:.3f} and 255 to {high:.3f}; expected -1 and 1, "
        "the range of G's Tanh. ToTensor gives 0-1; add Normalize([0.5], [0.5]), which "
        "computes (x - 0.5) / 0.5.",
        "mnist_transform()이 픽셀 0을 {low:.3f}로, 255를 {high:.3f}로 바꿉니다. 생성기의 Tanh "
        "범위인 -1과 1이어야 합니다. ToTensor는 0-1을 줍니다. (x - 0.5) / 0.5를 계산하는 "
        "Normalize([0.5], [0.5])를 더하세요.",
        low=ends[0],
        high=ends[1],
    )
    expected = torch.from_numpy(pixels).float().div(127.5).sub(1.0).unsqueeze(0)
    assert torch.allclose(x, expected, atol=1e-5), msg(
        "mnist_transform()'s picture is not the digit's pixels p mapped to p / 127.5 - 1 in "
        "place (off by up to {gap:.3f}); expected each pixel where it was: keep the layout "
        "(ToTensor, then Normalize([0.5], [0.5])), with no crop, flip or transpose.",
        "mnist_transform()의 그림이 숫자의 픽셀 p를 제자리에서 p / 127.5 - 1로 바꾼 것이 "
        "아닙니다(차이는 최대 {gap:.3f}). 각 픽셀이 원래 자리에 있어야 합니다: 픽셀 배열을 "
        "그대로 두세요(ToTensor, 그다음 Normalize([0.5], [0.5])). 자르기, 뒤집기, 전치는 넣지 "
        "마세요.",
        gap=float((x - expected).abs().max()),
    )
