"""The workbook's picture cell (its caption: the [picture] table of the kata's card)."""

import matplotlib.pyplot as plt
import torch

from gankata.testkit.devices import torch_threads
from katas.pattern_1010 import train_pattern_gan

with torch_threads():  # one torch thread for these small networks (why: gankata/testkit/devices.py)
    D, G = train_pattern_gan(steps=1000)
figure, (losses, pattern) = plt.subplots(1, 2, figsize=(10, 3.5))
losses.plot(D.progress, label="D", alpha=0.7)
losses.plot(G.progress, label="G", alpha=0.7)
losses.axhline(0.25, color="grey", linestyle="--", label="0.25")
losses.set_xlabel("step / 10")
losses.legend()
pattern.bar(range(4), G.forward(torch.FloatTensor([0.5])).detach().numpy(), tick_label=list("1010"))
pattern.set_ylim(0, 1)
plt.show()
