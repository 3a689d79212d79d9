"""Kata 11 · The DCGAN translated from Keras: 'same' padding, channels first, BatchNorm momentum.
한국어 수업: ``gankata lesson dcgan --lang ko``

Source: the study notes on a Keras DCGAN for MNIST from a Korean textbook, "13주차 DCGAN"
(모두의 딥러닝, chapter 19): the Keras generator and discriminator with their ``summary()``
tables, ``discriminator.trainable = False`` at compile time, ``gan_train`` with
``train_on_batch``, the minimax value function and the non-saturating generator loss.

Most GAN code you will find is Keras, and most of it ports to PyTorch layer by layer. The
notes' DCGAN ("한쪽으로 쏠리지 않도록 표준화": BatchNorm keeps the values from drifting to one
side) is a good one to port, because its ``summary()`` tables tell you when you got it right:
the same layers must give the same parameter counts. Where the two libraries differ, the
port compiles, runs and quietly computes something else. The translation table:

    Keras (the notes)                            PyTorch
    Dense(6272, input_dim=100)                   nn.Linear(100, 6272)
    activation=LeakyReLU(0.2)                    nn.LeakyReLU(0.2), a layer of its own
    BatchNormalization()                         nn.BatchNorm1d(6272, eps=1e-3, momentum=0.01)
                                                 (nn.BatchNorm2d(64, ...) after a convolution)
    Reshape((7, 7, 128))                         nn.Unflatten(1, (128, 7, 7))   channels first!
    UpSampling2D()                               nn.Upsample(scale_factor=2)    nearest, as Keras
    Conv2D(64, kernel_size=5, padding='same')    nn.Conv2d(128, 64, 5, padding=2)
    Conv2D(64, 5, strides=2, padding='same')     nn.Conv2d(1, 64, 5, stride=2, padding=2)
    Dropout(0.3), Flatten()                      nn.Dropout(0.3), nn.Flatten()
    Dense(1, activation='sigmoid')               nn.Linear(6272, 1), nn.Sigmoid()
    loss='binary_crossentropy'                   F.binary_cross_entropy / nn.BCELoss()
    optimizer='adam'                             Adam(lr=1e-3, betas=(0.9, 0.999), eps=1e-7)
    model.trainable = False (then compile)       model.requires_grad_(False)
    model.summary()                              keras_param_count(model)
    discriminator.train_on_batch(x, y)           zero_grad(), loss, backward(), step()
    generator.predict(noise)                     G(z), detached from G's graph

Channels first. Keras stores an image as (height, width, channels); PyTorch as (channels,
height, width), after the batch. The notes' ``Reshape((7, 7, 128))`` therefore becomes
``nn.Unflatten(1, (128, 7, 7))``: the 6272 numbers of the Dense layer are read as 128 maps of
7 x 7, number ``c*49 + h*7 + w`` landing at ``[c, h, w]``. Writing Keras' (7, 7, 128) (or
``x.view(-1, 7, 7, 128)``) hands the convolution 7 "channels" of 7 x 128 pixels (14 x 256 after
the upsampling), and it refuses: "expected input[B, 7, 14, 256] to have 128 channels, but got 7
channels instead". That error means the reshape was copied as it is. (Only when you load a Keras
model's *weights* do you need Keras' order: reshape to (7, 7, 128), then permute; D's Flatten
has the same catch.) A PyTorch convolution also needs its input channels spelled out: Keras'
``Conv2D(64, ...)`` infers the 128, ``nn.Conv2d(128, 64, ...)`` does not. One more reading
note: the code in the notes puts the first LeakyReLU inside the Dense layer, before the BatchNorm,
while its ``summary()`` shows an Activation after it. Follow the code; the tests accept both.

'same' padding. Keras' ``padding='same'`` keeps a stride-1 convolution's output as large as
its input; for a 5 x 5 kernel that is 2 pixels of zeros on each side, ``padding=2``
(``kernel_size // 2``; PyTorch also accepts ``padding='same'`` here). With stride 2 Keras'
'same' gives ``ceil(28 / 2) = 14``, and PyTorch refuses ``padding='same'`` for strides above
1: give the number, ``padding=2`` makes 28 -> 14 -> 7 as in the notes' table. Keras' default,
``'valid'``, is PyTorch's ``padding=0``: 14 -> 10 in G, 28 -> 12 -> 4 in D, and the shapes no
longer fit. (For ported weights, note that Keras pads the odd extra pixel at the bottom and
right, PyTorch symmetrically: same sizes, a one-pixel shift.)

BatchNorm's momentum means the opposite. Both libraries keep running averages of each
feature's mean and variance for inference:

    Keras:    moving   = momentum * moving + (1 - momentum) * batch    (momentum = 0.99)
    PyTorch:  running  = (1 - momentum) * running + momentum * batch   (momentum = 0.1)

Keras' momentum is the weight of the OLD value, PyTorch's the weight of the NEW one, so
PyTorch's momentum is ``1 - m``. The notes write ``BatchNormalization()`` with Keras'
defaults, momentum 0.99 -> PyTorch 0.01 (many Keras GANs write ``momentum=0.8``, which
becomes 0.2, not 0.8). Copying 0.99 across makes the running statistics forget everything
but the last batch. The epsilon added to the variance differs too: Keras 1e-3, PyTorch 1e-5.

summary() counts what PyTorch does not call a parameter. The generator's table says 865,281
in total and 852,609 trainable: Dense 100 x 6272 + 6272 = 633,472; BatchNorm 4 x 6272 =
25,088; Conv 5 x 5 x 128 x 64 + 64 = 204,864; BatchNorm 4 x 64 = 256 (the notes' table lost
that number, its total did not); Conv 5 x 5 x 64 + 1 = 1,601. Of BatchNorm's four numbers per
feature, gamma and beta are trained; the moving mean and variance are "non-trainable
params", 2 x 6272 + 2 x 64 = 12,672. In PyTorch those two are buffers (``running_mean``,
``running_var``), not parameters, so ``sum(p.numel() for p in G.parameters())`` says
852,609; and PyTorch adds a third buffer, ``num_batches_tracked``, that Keras does not have.
The discriminator has 1,664 + 204,928 + 6,273 = 212,865.

trainable = False. The notes' discriminator table says "Trainable params: 0" because it was
printed after ``discriminator.trainable = False``, and the combined ``gan`` model says 852,609
trainable of 1,078,146: inside ``gan`` only G learns. Keras needs that line: ``gan`` has one
optimiser, and it updates every trainable weight the model holds, D's included. Keras reads
``trainable`` when a model is *compiled*, so ``discriminator.train_on_batch`` (compiled before)
still trains D, while ``gan.train_on_batch`` (compiled after) cannot. PyTorch has no compile
step, and in PyTorch freezing is not what keeps D from learning in G's step: only ``g_opt``
steps there, and it holds G's parameters alone, so D's weights stay put either way, while G's
loss still flows back *through* D to G.

This kata asks for ``D.requires_grad_(False)`` in G's step all the same, for three reasons. It
is the PyTorch form of the Keras code's ``discriminator.trainable = False``, so the translation
keeps what the notes say. It skips computing gradients for D's weights that nobody would use.
And it leaves D's ``.grad`` exactly as D's own step left it, so nothing from G's step can leak
into D's next update if a ``zero_grad()`` is ever missed. Afterwards comes
``D.requires_grad_(True)`` (the notes' ``discriminator.trainable=True`` at the top of the loop),
or D never learns again.

The loop. Each round of the notes' ``gan_train``: D learns that real images are ``true`` (1),
``generator.predict(noise)`` draws fakes and D learns that they are ``fake`` (0), then ``gan``
learns with the target ``true``. That last target is the non-saturating loss. The value
function ``min_G max_D E[log D(x)] + E[log(1 - D(G(z)))]`` asks G to minimise
``log(1 - D(G(z)))``, but early on D rejects every fake and that term is flat: "Rather than
training G to minimize log(1 - D(G(z))) we can train G to maximize log D(G(z))", which is BCE
with target 1. In PyTorch the fakes D learns from must be ``fake.detach()``, the twin of
``predict``: D's lesson must not flow back into G. The twins differ in one way: Keras'
``predict`` runs BatchNorm in inference mode, on its moving averages, while ``G(z)`` in
training mode normalises with the batch's own statistics. The kata's ``train_step`` switches
no modes: it computes ``fake = G(z)`` once and uses it, detached, for D's step and, attached,
for G's.

Tanh and [-1, 1]. G ends in ``tanh``, "-1~1 사이의 값", so the notes scale the pixels the same
way: ``(X_train - 127.5) / 127.5`` maps 0 -> -1 and 255 -> 1. Pictures go back with ``x *
127.5 + 127.5`` (the notes show them with ``0.5 * gen_imgs + 0.5``, in 0-1).

What to implement (search for "Kata 11." to find every TODO):

    11.1  keras_momentum_to_torch(m)             0.99 -> 0.01; ValueError outside [0, 1]
    11.2  make_generator(latent_dim=100)         [B, 100] -> [B, 1, 28, 28] in [-1, 1]
    11.3  make_discriminator()                   [B, 1, 28, 28] -> [B, 1] in (0, 1)
    11.4  keras_param_count(model)               (total, trainable) as summary() counts them
    11.5  scale_to_tanh(pixels), scale_from_tanh(x)   uint8 0-255 <-> float [-1, 1]
    11.6  make_optimizers(G, D)                  (g_opt, d_opt): Keras' 'adam' defaults
    11.7  train_step(G, D, real, z, g_opt, d_opt) -> StepLosses(d_real, d_fake, g)

Try it:  ``G = make_generator(); print(G, keras_param_count(G))`` and compare with the notes'
table; then ``gankata demo dcgan`` trains the DCGAN on the embedded digits (``--impl katas``
runs yours) and writes a grid of its samples.

The classic mistakes: ``Reshape((7, 7, 128))`` copied as it is, or as ``view(-1, 7, 7, 128)``
(channels last); ``padding=0``, Keras' 'valid', or ``padding='same'`` with stride 2, which
PyTorch refuses; Keras' momentum passed straight to PyTorch (0.99 or 0.8); eps left at
PyTorch's 1e-5; a Sigmoid at the end of G while the data lies in [-1, 1]; scaling the pixels
with ``x / 255`` (0 to 1) for a Tanh generator; counting ``num_batches_tracked`` or leaving out
the moving statistics; D not frozen for G's step (the translation of ``trainable = False``), or
never unfrozen; fakes not detached when D learns; G trained with the minimax loss
``log(1 - D(G(z)))``; converting G's output to uint8 without rounding (254.99 becomes 254). The
notes have two typos of their own: ``Reshape(7,7,128)`` needs a tuple, and
``fake = np.zeros((batch_size, 0))`` should be ``(batch_size, 1)``; building targets with
``torch.zeros_like(D(x))`` cannot get that wrong.
"""

from __future__ import annotations

from typing import NamedTuple

import torch
import torch.nn.functional as F  # noqa: F401  (you will want F.binary_cross_entropy)
from torch import nn

LATENT_DIM = 100
# Keras' BatchNormalization() defaults, which the notes' generator keeps.
KERAS_BN_MOMENTUM = 0.99
KERAS_BN_EPSILON = 1e-3
# Keras' optimizer='adam' defaults (PyTorch's Adam uses eps=1e-8).
KERAS_ADAM_LR = 1e-3
KERAS_ADAM_BETAS = (0.9, 0.999)
KERAS_ADAM_EPSILON = 1e-7


class StepLosses(NamedTuple):
    """The three losses of one DCGAN step, as Python floats (ready to log or plot)."""

    d_real: float
    d_fake: float
    g: float


def keras_momentum_to_torch(m: float) -> float:
    """PyTorch's BatchNorm ``momentum`` for Keras' ``momentum=m``: ``1 - m``.

    Keras keeps ``m`` of the old running statistic (``new = m * old + (1 - m) * batch``);
    PyTorch's ``momentum`` is the weight of the *batch* statistic. ``m`` outside
    ``[0, 1]`` raises ``ValueError``.

        keras_momentum_to_torch(0.99) -> 0.01 (up to rounding)
    """
    # TODO: Implement for Kata 11.1.
    raise NotImplementedError("Need to implement for Kata 11.1: keras_momentum_to_torch")


def make_generator(latent_dim: int = LATENT_DIM) -> nn.Sequential:
    """The notes' Keras generator: seeds ``[B, latent_dim]`` -> images ``[B, 1, 28, 28]``.

    Linear(latent_dim, 128*7*7), LeakyReLU(0.2), BatchNorm1d, reshape to (128, 7, 7),
    Upsample x2, Conv 5x5 -> 64 'same', BatchNorm2d, LeakyReLU(0.2), Upsample x2,
    Conv 5x5 -> 1 'same', Tanh. Both BatchNorms use Keras' defaults translated to PyTorch
    (momentum 0.99 -> 0.01, eps 1e-3).
    """
    # TODO: Implement for Kata 11.2.
    raise NotImplementedError("Need to implement for Kata 11.2: make_generator")


def make_discriminator() -> nn.Sequential:
    """The notes' Keras discriminator: ``[B, 1, 28, 28]`` -> ``[B, 1]``, a probability of "real".

    Conv 5x5 stride 2 -> 64 'same', LeakyReLU(0.2), Dropout(0.3), Conv 5x5 stride 2 -> 128
    'same', LeakyReLU(0.2), Dropout(0.3), Flatten, Linear(6272, 1), Sigmoid.
    """
    # TODO: Implement for Kata 11.3.
    raise NotImplementedError("Need to implement for Kata 11.3: make_discriminator")


def keras_param_count(model: nn.Module) -> tuple[int, int]:
    """``(total, trainable)`` as Keras' ``summary()`` counts them.

    Total: every parameter plus BatchNorm's ``running_mean`` and ``running_var`` (Keras'
    non-trainable moving statistics), not ``num_batches_tracked``. Trainable: the
    parameters with ``requires_grad``.

        keras_param_count(make_generator()) -> (865281, 852609)
    """
    # TODO: Implement for Kata 11.4.
    raise NotImplementedError("Need to implement for Kata 11.4: keras_param_count")


def scale_to_tanh(x_uint8: torch.Tensor) -> torch.Tensor:
    """Pixels 0-255 to float32 in [-1, 1], as the notes do: ``(x - 127.5) / 127.5``.

    Values outside [0, 255] raise ``ValueError`` saying that 0-255 pixels were expected.

        scale_to_tanh(torch.tensor([0, 255], dtype=torch.uint8)) -> tensor([-1., 1.])
    """
    # TODO: Implement for Kata 11.5.
    raise NotImplementedError("Need to implement for Kata 11.5: scale_to_tanh")


def scale_from_tanh(x: torch.Tensor) -> torch.Tensor:
    """G's output in [-1, 1] back to pixels: a uint8 tensor in [0, 255], rounded to nearest.

    ``scale_from_tanh(scale_to_tanh(p))`` is ``p`` for every uint8 ``p``. Values outside
    [-1, 1] raise ``ValueError`` saying that [-1, 1] was expected.

        scale_from_tanh(torch.tensor([-1.0, 1.0])) -> tensor([0, 255], dtype=torch.uint8)
    """
    # TODO: Implement for Kata 11.5.
    raise NotImplementedError("Need to implement for Kata 11.5: scale_from_tanh")


def make_optimizers(
    G: nn.Module, D: nn.Module
) -> tuple[torch.optim.Optimizer, torch.optim.Optimizer]:
    """``(g_opt, d_opt)``: Adam with Keras' ``optimizer='adam'`` defaults for each network.

    lr 0.001, betas (0.9, 0.999) and eps 1e-7 (PyTorch's default eps is 1e-8).
    """
    # TODO: Implement for Kata 11.6.
    raise NotImplementedError("Need to implement for Kata 11.6: make_optimizers")


def train_step(
    G: nn.Module,
    D: nn.Module,
    real: torch.Tensor,
    z: torch.Tensor,
    g_opt: torch.optim.Optimizer,
    d_opt: torch.optim.Optimizer,
) -> StepLosses:
    """One iteration of the notes' ``gan_train`` loop, with binary cross-entropy.

    1. D on ``real`` (already in [-1, 1]) with target 1, step ``d_opt``.
    2. D on ``G(z).detach()`` with target 0, step ``d_opt`` (or steps 1 and 2 as one step).
    3. G through a frozen D with target 1 (the non-saturating loss), step ``g_opt``; D's
       parameters are unchanged by this step and trainable again afterwards.

    Returns the three losses as floats.
    """
    # TODO: Implement for Kata 11.7.
    raise NotImplementedError("Need to implement for Kata 11.7: train_step")
