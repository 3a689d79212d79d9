"""The workbook's picture cell (its caption: the [picture] table of the kata's card)."""

import math
from textwrap import fill

import matplotlib.pyplot as plt
import torch

from gankata.demos.plots import describe_losses
from gankata.testkit.data import load_mnist
from gankata.testkit.devices import torch_threads
from katas.mnist_gan import SEED_SIZE, generate_random_seed, train_gan

images = torch.from_numpy(load_mnist().images).float() / 255.0
with torch_threads():  # one torch thread for these small networks (why: gankata/testkit/devices.py)
    D, G, history = train_gan(images, steps=400, batch_size=32)
figure = plt.figure(figsize=(13, 6.5))
figure.suptitle("Your MNIST GAN after 400 steps of 32 digits", fontsize=14)
left, right = figure.add_gridspec(1, 2, width_ratios=[1.4, 1], top=0.85, bottom=0.2)
losses = figure.add_subplot(left)
losses.plot(history["D"], label="D", alpha=0.8)
losses.plot(history["G"], label="G", alpha=0.8)
losses.axhline(math.log(2), color="grey", linestyle="--", label="ln 2 (equilibrium)")
losses.set_title("BCE loss per step")
losses.set_xlabel("step")
losses.legend()
frame = figure.add_subplot(right)
frame.set_title("16 digits G draws from new seeds")
frame.axis("off")
with torch.no_grad():
    digits = G(generate_random_seed((16, SEED_SIZE))).view(16, 28, 28)
cells = right.subgridspec(4, 4, wspace=0.05, hspace=0.05)
for index, digit in enumerate(digits):
    ax = figure.add_subplot(cells[index // 4, index % 4])
    ax.imshow(digit.numpy(), cmap="Blues")
    ax.axis("off")
figure.text(0.5, 0.03, fill(describe_losses(history, "bce"), 140), ha="center", fontsize=10)
plt.show()
