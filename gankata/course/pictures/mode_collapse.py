"""The workbook's picture cell (its caption: the [picture] table of the kata's card)."""

import matplotlib.pyplot as plt

from gankata.testkit.classifier import held_out_digits, load_digit_classifier
from katas.mode_collapse import class_histogram, pixel_diversity

images, labels = held_out_digits()
classifier = load_digit_classifier()
groups = {"varied": images[:200], "collapsed (only 1s)": images[labels == 1][:200]}
figure, axes = plt.subplots(1, 2, figsize=(10, 3.5), sharey=True)
for ax, (name, samples) in zip(axes, groups.items(), strict=True):
    ax.bar(range(10), class_histogram(samples, classifier).numpy(), tick_label=list("0123456789"))
    ax.set_title(f"{name}: diversity {pixel_diversity(samples):.2f}")
plt.show()
