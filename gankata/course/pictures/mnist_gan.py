"""The workbook's picture cell (its caption: the [picture] table of the kata's card)."""

import math

import matplotlib.pyplot as plt
import torch

from gankata.testkit.data import load_mnist
from gankata.testkit.devices import torch_threads
from katas.mnist_gan import SEED_SIZE, generate_random_seed, train_gan

images = torch.from_numpy(load_mnist().images).float() / 255.0
with torch_threads():  # one torch thread for these small networks (why: gankata/testkit/devices.py)
    D, G, history = train_gan(images, steps=400, batch_size=32)
figure = plt.figure(figsize=(11, 3.5))
losses = figure.add_subplot(1, 3, 1)
losses.plot(history["D"], label="D", alpha=0.7)
losses.plot(history["G"], label="G", alpha=0.7)
losses.axhline(math.log(2), color="grey", linestyle="--", label="ln 2")
losses.legend()
with torch.no_grad():
    digits = G(generate_random_seed((16, SEED_SIZE))).view(16, 28, 28)
for index, digit in enumerate(digits):
    ax = figure.add_subplot(4, 12, 12 * (index // 8) + 5 + index % 8)
    ax.imshow(digit.numpy(), cmap="Blues")
    ax.axis("off")
plt.show()
