"""The workbook's picture cell (its caption: the [picture] table of the kata's card)."""

import matplotlib.pyplot as plt

from gankata.testkit.data import load_mnist
from katas.one_hot_dataset import MnistDataset

mnist = load_mnist()
dataset = MnistDataset(mnist.images[:16], mnist.labels[:16])
figure, axes = plt.subplots(2, 8, figsize=(10, 3))
for index, ax in enumerate(axes.flat):
    label, image, target = dataset[index]
    ax.imshow(dataset.as_image(index).numpy(), cmap="Blues")
    ax.set_title(f"{label} / {int(target.argmax())}")
    ax.axis("off")
plt.show()
