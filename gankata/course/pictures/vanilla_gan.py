"""The workbook's picture cell (its caption: the [picture] table of the kata's card)."""

import math

import matplotlib.pyplot as plt
import torch

from gankata.testkit.data import load_mnist
from gankata.testkit.devices import torch_threads
from katas.vanilla_gan import (
    IMAGE_SHAPE,
    Discriminator,
    Generator,
    make_optimizers,
    sample_latent,
    train_step,
)

torch.manual_seed(0)
real = (torch.from_numpy(load_mnist().images).float() / 255.0 - 0.5) / 0.5
real = real.view(-1, *IMAGE_SHAPE)
G, D = Generator(), Discriminator()
g_opt, d_opt = make_optimizers(G, D)
with torch_threads():  # one torch thread for these small networks (why: gankata/testkit/devices.py)
    losses = [
        train_step(G, D, real[torch.randint(len(real), (64,))], g_opt, d_opt) for _ in range(150)
    ]
G.eval()
with torch.no_grad():
    digits = (G(sample_latent(8)) + 1) / 2
figure = plt.figure(figsize=(11, 3.5))
curves = figure.add_subplot(1, 2, 1)
curves.plot([g for g, d in losses], label="G", alpha=0.7)
curves.plot([d for g, d in losses], label="D", alpha=0.7)
curves.axhline(math.log(2), color="grey", linestyle="--", label="ln 2")
curves.legend()
for index, digit in enumerate(digits):
    ax = figure.add_subplot(2, 8, 8 * (index // 4) + 5 + index % 4)
    ax.imshow(digit[0].numpy(), cmap="Blues")
    ax.axis("off")
plt.show()
