"""The workbook's picture cell (its caption: the [picture] table of the kata's card)."""

import matplotlib.pyplot as plt
import torch

from gankata.testkit.data import load_mnist
from katas.view_reshape import View

row = torch.from_numpy(load_mnist().images[0]).float() / 255.0
figure, (stored, viewed) = plt.subplots(2, 1, figsize=(10, 4), height_ratios=[1, 5])
stored.imshow(View(1, 784)(row).numpy(), aspect="auto", cmap="Blues")
stored.set_title("as stored: [784]")
stored.set_yticks([])
viewed.imshow(View(28, 28)(row).numpy(), cmap="Blues")
viewed.set_title("View(28, 28)")
viewed.axis("off")
plt.show()
