"""The DCGAN's fast path: kata 11's generator, computed without ever upsampling an image.

Kata 11's generator grows its picture twice with ``Upsample(scale_factor=2)`` (nearest)
followed by a 5x5 'same' convolution. Every 2x2 block of the upsampled picture holds four
copies of one small pixel, so each output pixel sees only a 3x3 neighbourhood of the small
picture; which taps of the 5x5 kernel land on which small pixel depends only on the output
pixel's *phase* (its row and column parity, four phases). Summing the taps that land on the
same small pixel gives four 3x3 kernels, one per phase. So

    conv5x5(upsample2x(x)) == pixel_shuffle(conv3x3(x, folded kernels), 2)

exactly, where the 3x3 convolution writes four channels per output channel (one per
phase) and ``pixel_shuffle`` puts each phase back at its place in the 2x picture. For each
pair of input and output channels of an H x W picture, the kata's convolution does 25 taps
on 2H x 2W pixels (100 HW multiply-adds), the folded one 4 phases x 9 taps on H x W (36 HW):
36 %, and the upsampled copy, four times the picture, is never written or read.

The fold is a linear map of the kata's own 5x5 weights, applied in every forward pass
(a few microseconds): the fast generator has *the same parameters* as the kata's (the same
tensors, shared), so it computes the same function, back-propagates the same gradients and
takes the same optimiser steps; its ``state_dict`` loads into kata 11's generator and back.
(Training the folded 3x3 kernels themselves would be a different, larger model: 36 free taps
per kernel pair where the kata has 25.)

    fast = fast_generator(G)           # G: kata 11's make_generator(), shared, not copied
    torch.allclose(fast(z), G(z))      # True, up to float rounding
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

SCALE = 2  # nearest 2x upsampling: each small pixel becomes a 2x2 block


def fold_matrix(kernel_size: int) -> torch.Tensor:
    """``A[phase, offset, tap]``: 1 where tap ``tap`` of a 1-D kernel, applied to a nearest 2x
    upsampled row at an output of parity ``phase``, reads the small row's pixel ``offset``.

    For a 'same' kernel of ``k = 2p + 1`` taps, output ``2i + phase`` reads upsampled pixel
    ``2i + phase + u`` for ``u`` in ``-p..p``, which is small pixel ``i + (phase + u) // 2``:
    offsets ``-ceil(p / 2)..ceil(p / 2)``, so the folded kernel has ``2 * ceil(p / 2) + 1``
    taps (3 for 5x5 and 3x3 kernels).
    """
    if kernel_size % 2 != 1:
        raise ValueError(f"a 'same' convolution has an odd kernel size, got {kernel_size}")
    half = kernel_size // 2
    reach = (half + 1) // 2
    folded = torch.zeros(SCALE, 2 * reach + 1, kernel_size)
    for phase in range(SCALE):
        for tap in range(kernel_size):
            folded[phase, (phase + tap - half) // 2 + reach, tap] = 1.0
    return folded


def fold_nearest_upsample(weight: torch.Tensor, fold: torch.Tensor | None = None) -> torch.Tensor:
    """Kernels ``[O, C, k, k]`` applied after nearest 2x upsampling, as ``[4 O, C, K, K]``
    kernels on the small picture, channel ``4 o + 2 a + b`` for output channel ``o`` at phase
    (row parity ``a``, column parity ``b``): the order ``F.pixel_shuffle(., 2)`` reads.

    ``fold`` is :func:`fold_matrix` of the kernel size, on ``weight``'s device and dtype
    (computed here when not given).
    """
    if fold is None:
        fold = fold_matrix(weight.shape[-1]).to(weight)
    return _fold(weight, fold, phases_on_outputs=True)


def _fold(weight: torch.Tensor, fold: torch.Tensor, *, phases_on_outputs: bool) -> torch.Tensor:
    """``fold`` applied to rows and columns of square kernels ``[O, C, k, k]``; the four
    phases become output channels (``[4 O, C, K, K]``, for a pixel shuffle after) or input
    channels (``[O, 4 C, K, K]``, for a pixel unshuffle before)."""
    out_channels, in_channels, rows, cols = weight.shape
    if rows != cols:
        raise ValueError(f"the fold needs square kernels, got {rows}x{cols}")
    size = fold.shape[1]
    if phases_on_outputs:
        folded = torch.einsum("adu,bev,ocuv->oabcde", fold, fold, weight)
        return folded.reshape(out_channels * SCALE * SCALE, in_channels, size, size)
    folded = torch.einsum("adu,bev,ocuv->ocabde", fold, fold, weight)
    return folded.reshape(out_channels, in_channels * SCALE * SCALE, size, size)


class UpsampledConv(nn.Module):
    """``conv(Upsample(2, nearest)(x))`` as a 3x3 convolution on ``x`` and a pixel shuffle.

    ``weight`` and ``bias`` are the kata convolution's own parameters (the same tensors, under
    the same names), so training this module trains that convolution.
    """

    def __init__(self, conv: nn.Conv2d) -> None:
        super().__init__()
        self.weight = conv.weight
        self.bias = conv.bias
        self.register_buffer("fold", fold_matrix(conv.kernel_size[0]), persistent=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        fold = self.fold.to(self.weight.dtype)
        weight = fold_nearest_upsample(self.weight, fold)
        if self.weight.is_contiguous(memory_format=torch.channels_last):
            # As the kata's convolution would run after model.to(memory_format=channels_last).
            weight = weight.contiguous(memory_format=torch.channels_last)
        # Every phase of an output channel adds that channel's one bias.
        bias = None if self.bias is None else self.bias.repeat_interleave(SCALE * SCALE)
        padding = (fold.shape[1] - 1) // 2
        return F.pixel_shuffle(F.conv2d(x, weight, bias, padding=padding), SCALE)


def _is_nearest_2x(module: nn.Module) -> bool:
    if not isinstance(module, nn.Upsample) or module.mode != "nearest" or module.size is not None:
        return False
    factor = module.scale_factor
    factors = factor if isinstance(factor, tuple) else (factor, factor)
    return all(float(f) == SCALE for f in factors)


def _is_same_conv(module: nn.Module) -> bool:
    if not isinstance(module, nn.Conv2d) or module.padding_mode != "zeros":
        return False
    rows, cols = module.kernel_size
    same = module.padding == "same" or module.padding == (rows // 2, cols // 2)
    return (
        rows == cols
        and rows % 2 == 1
        and same
        and module.stride == (1, 1)
        and module.dilation == (1, 1)
        and module.groups == 1
    )


def fast_generator(generator: nn.Sequential) -> nn.Sequential:
    """Kata 11's generator with every nearest-2x ``Upsample`` + 'same' ``Conv2d`` pair folded.

    The result shares every module and parameter with ``generator`` (nothing is copied) and
    keeps its indices (the ``Upsample`` becomes an ``Identity``), so both ``state_dict``\\ s
    have the same keys. A generator without such a pair raises ``ValueError``.
    """
    if not isinstance(generator, nn.Sequential):
        raise TypeError(
            f"fast_generator folds an nn.Sequential (kata 11's make_generator()), got "
            f"{type(generator).__name__}"
        )
    layers = list(generator)
    folded = 0
    for index in range(len(layers) - 1):
        if _is_nearest_2x(layers[index]) and _is_same_conv(layers[index + 1]):
            layers[index] = nn.Identity()  # keeps the kata's indices, so state_dicts match
            layers[index + 1] = UpsampledConv(layers[index + 1])
            folded += 1
    if not folded:
        raise ValueError(
            "fast_generator found no Upsample(scale_factor=2, mode='nearest') followed by a "
            "Conv2d with an odd square kernel, stride 1 and 'same' padding: is this kata 11's "
            "make_generator()?"
        )
    return _like(generator, layers)


def _like(original: nn.Sequential, layers: list[nn.Module]) -> nn.Sequential:
    """A Sequential of ``layers`` in ``original``'s mode: new modules start in training mode,
    and an eval-mode model must stay one (Dropout and BatchNorm behave differently)."""
    result = nn.Sequential(*layers)
    result.training = original.training
    for old, new in zip(original, layers, strict=True):
        if new is not old:
            new.train(old.training)
    return result


def stride_2_matrix(kernel_size: int) -> torch.Tensor:
    """``A[phase, offset, tap]``: 1 where tap ``tap`` of a 1-D stride-2 kernel (padding
    ``k // 2``) reads the unshuffled row of parity ``phase`` at offset ``offset``.

    Tap ``u`` (``-p..p``) of output ``i`` reads input ``2 i + u``: phase ``u mod 2`` at offset
    ``u // 2``. Taps that no input reaches stay zero (for a 5x5 kernel, one of each phase's 3).
    """
    if kernel_size % 2 != 1:
        raise ValueError(f"the fold needs an odd kernel size, got {kernel_size}")
    half = kernel_size // 2
    reach = (half + 1) // 2
    folded = torch.zeros(SCALE, 2 * reach + 1, kernel_size)
    for tap in range(kernel_size):
        folded[(tap - half) % 2, (tap - half) // 2 + reach, tap] = 1.0
    return folded


def fold_stride_2(weight: torch.Tensor, fold: torch.Tensor | None = None) -> torch.Tensor:
    """Kernels ``[O, C, k, k]`` of a stride-2 convolution with padding ``k // 2``, as
    ``[O, 4 C, K, K]`` kernels of a stride-1 convolution on ``F.pixel_unshuffle(x, 2)``, whose
    channel ``4 c + 2 a + b`` is channel ``c`` at row parity ``a`` and column parity ``b``.

    ``fold`` is :func:`stride_2_matrix` of the kernel size, on ``weight``'s device and dtype.
    """
    if fold is None:
        fold = stride_2_matrix(weight.shape[-1]).to(weight)
    return _fold(weight, fold, phases_on_outputs=False)


class UnshuffledConv(nn.Module):
    """A stride-2 'same' convolution as a pixel unshuffle and a stride-1 3x3 convolution.

    An image has one channel, so a 5x5 stride-2 kernel on it keeps a CPU's vector units
    mostly idle; unshuffled, the same taps read four channels at once. ``weight`` and
    ``bias`` are the kata convolution's own parameters.
    """

    def __init__(self, conv: nn.Conv2d) -> None:
        super().__init__()
        self.weight = conv.weight
        self.bias = conv.bias
        self.register_buffer("fold", stride_2_matrix(conv.kernel_size[0]), persistent=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.shape[-1] % SCALE or x.shape[-2] % SCALE:
            raise ValueError(
                f"the unshuffled convolution needs an even height and width, got {tuple(x.shape)}"
            )
        fold = self.fold.to(self.weight.dtype)
        weight = fold_stride_2(self.weight, fold)
        if self.weight.is_contiguous(memory_format=torch.channels_last):
            weight = weight.contiguous(memory_format=torch.channels_last)
        padding = (fold.shape[1] - 1) // 2
        return F.conv2d(F.pixel_unshuffle(x, SCALE), weight, self.bias, padding=padding)


class FastDropout(nn.Module):
    """``nn.Dropout(p)`` with its masks drawn as ``uniform >= p``: the same distribution (each
    value kept with probability ``1 - p`` and scaled by ``1 / (1 - p)``), drawn from a
    different stream of random numbers, so the masks for a seed differ from nn.Dropout's.

    On a CPU, ``bernoulli_`` draws one number at a time; ``rand_like`` draws them in vector
    registers: forward and backward take half the time (15 ms against 30 ms for D's first
    activations at batch 256 on two cores).
    """

    def __init__(self, p: float) -> None:
        super().__init__()
        if not 0.0 <= p < 1.0:
            raise ValueError(f"a dropout probability is in [0, 1), got {p}")
        self.p = p

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not self.training or self.p == 0.0:
            return x
        keep = (torch.rand_like(x) >= self.p).to(x.dtype).mul_(1.0 / (1.0 - self.p))
        return x * keep


def _is_strided_same_conv(module: nn.Module) -> bool:
    if not isinstance(module, nn.Conv2d) or module.padding_mode != "zeros":
        return False
    rows, cols = module.kernel_size
    return (
        rows == cols
        and rows % 2 == 1
        and module.padding == (rows // 2, cols // 2)
        and module.stride == (SCALE, SCALE)
        and module.dilation == (1, 1)
        and module.groups == 1
    )


def fast_discriminator(discriminator: nn.Sequential) -> nn.Sequential:
    """Kata 11's discriminator with its first convolution unshuffled and its Dropouts drawn
    by :class:`FastDropout`; every other module and every parameter is shared.

    The first convolution reads the one-channel image; the later ones read 64 channels and
    already keep the vector units busy (unshuffled, the second one ran 1.3 times slower).
    """
    if not isinstance(discriminator, nn.Sequential):
        raise TypeError(
            f"fast_discriminator rewrites an nn.Sequential (kata 11's make_discriminator()), "
            f"got {type(discriminator).__name__}"
        )
    layers = list(discriminator)
    if not layers or not _is_strided_same_conv(layers[0]):
        raise ValueError(
            "fast_discriminator expects a Conv2d with an odd square kernel, stride 2 and "
            "padding kernel_size // 2 first: is this kata 11's make_discriminator()?"
        )
    layers[0] = UnshuffledConv(layers[0])
    for index, layer in enumerate(layers):
        if isinstance(layer, nn.Dropout):
            layers[index] = FastDropout(layer.p)
    return _like(discriminator, layers)
