"""The workbook's picture cell (its caption: the [picture] table of the kata's card)."""

import matplotlib.pyplot as plt
import torch

from gankata.testkit.data import load_mnist
from gankata.testkit.devices import torch_threads
from katas.dcgan import (
    LATENT_DIM,
    make_discriminator,
    make_generator,
    make_optimizers,
    scale_from_tanh,
    scale_to_tanh,
    train_step,
)

torch.manual_seed(0)
real = scale_to_tanh(torch.from_numpy(load_mnist().images)).view(-1, 1, 28, 28)
G, D = make_generator(), make_discriminator()
g_opt, d_opt = make_optimizers(G, D)
with torch_threads():  # one torch thread for these small networks (why: gankata/testkit/devices.py)
    for _step in range(20):
        batch = real[torch.randint(len(real), (16,))]
        train_step(G, D, batch, torch.randn(16, LATENT_DIM), g_opt, d_opt)
G.eval()
with torch.no_grad():
    rows = {
        "real, there and back": scale_from_tanh(real[::625]),
        "G after 20 steps": scale_from_tanh(G(torch.randn(8, LATENT_DIM))),
    }
figure, axes = plt.subplots(2, 8, figsize=(10, 3))
for row, (name, images) in zip(axes, rows.items(), strict=True):
    row[0].set_title(name, loc="left")
    for ax, image in zip(row, images, strict=True):
        ax.imshow(image[0].numpy(), cmap="Blues")
        ax.axis("off")
plt.show()
