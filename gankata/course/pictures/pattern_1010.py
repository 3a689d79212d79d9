"""The workbook's picture cell (its caption: the [picture] table of the kata's card)."""

import matplotlib.pyplot as plt
import torch

from gankata.testkit.devices import torch_threads
from katas.pattern_1010 import train_pattern_gan

STEPS = 1000
with torch_threads():  # one torch thread for these small networks (why: gankata/testkit/devices.py)
    D, G = train_pattern_gan(steps=STEPS)
figure, (losses, pattern) = plt.subplots(1, 2, figsize=(13, 5))
figure.suptitle(f"Your 1010 pattern GAN after {STEPS:,} steps", fontsize=14)
# Each records every 10th call of its train_step: D trains twice a step, so every 5th step.
losses.plot([5 * (i + 1) for i in range(len(D.progress))], D.progress, label="D")
losses.plot([10 * (i + 1) for i in range(len(G.progress))], G.progress, label="G")
losses.axhline(0.25, color="grey", linestyle="--", label="0.25 (equilibrium)")
losses.set_title("MSE loss as D and G recorded it")
losses.set_xlabel("step")
losses.legend()
pattern.bar(range(4), G.forward(torch.FloatTensor([0.5])).detach().numpy(), tick_label=list("1010"))
pattern.set_ylim(0, 1)
pattern.set_title(
    "G's four numbers; the real pattern is high, low, high, low\n"
    "(the book trains 10,000 steps to get there)"
)
plt.show()
