"""The workbook's picture cell (its caption: the [picture] table of the kata's card)."""

import matplotlib.pyplot as plt
import torch

from katas.equilibrium import bce, equilibrium_loss, mse

answers = torch.linspace(0.02, 0.98, 49)
figure, axes = plt.subplots(1, 2, figsize=(10, 3.5))
for ax, loss, kind in zip(axes, (bce, mse), ("bce", "mse"), strict=True):
    for target, name in ((1.0, "target 1 (real)"), (0.0, "target 0 (fake)")):
        costs = [float(loss(p.view(1), torch.full((1,), target))) for p in answers]
        ax.plot(answers.numpy(), costs, label=name)
    level = equilibrium_loss(kind)
    ax.axhline(level, color="grey", linestyle="--", label=f"{level:.3f}")
    ax.axvline(0.5, color="grey", linewidth=0.5)
    ax.set_title(kind)
    ax.set_xlabel("D's answer p")
    ax.legend()
plt.show()
