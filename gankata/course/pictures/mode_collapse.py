"""The workbook's picture cell (its caption: the [picture] table of the kata's card)."""

import matplotlib.pyplot as plt
import torch

from gankata.testkit.classifier import held_out_digits, load_digit_classifier
from katas.mode_collapse import class_histogram, pixel_diversity

images, labels = held_out_digits()  # 100 of each digit, sorted by digit
classifier = load_digit_classifier()
# The same number of samples in each group: 10 of every digit, and the 100 held-out 1s.
varied = torch.cat([images[labels == digit][:10] for digit in range(10)])
groups = {"varied (10 of each digit)": varied, "collapsed (only 1s)": images[labels == 1]}
figure, axes = plt.subplots(1, 2, figsize=(12, 4.5), sharey=True)
figure.suptitle("Which digits the classifier reads in each group of 100", fontsize=14)
for ax, (name, samples) in zip(axes, groups.items(), strict=True):
    ax.bar(range(10), class_histogram(samples, classifier).numpy(), tick_label=list("0123456789"))
    ax.set_title(f"{name}: pixel diversity {pixel_diversity(samples):.2f}")
    ax.set_xlabel("digit read")
axes[0].set_ylabel("images")
plt.show()
