"""A reference digit classifier, the judge that tells which digit a generated image shows.

Mode collapse is about *which* digits a generator makes, so detecting it needs something
that reads digits. This is a small scikit-learn model (PCA to 50 components, then an RBF
support-vector machine) trained on four fifths of the embedded MNIST digits; the other
fifth, :func:`held_out_digits`, is never seen in training and measures its accuracy
(about 97 %). Training takes a couple of seconds; the fitted model is kept in
:func:`gankata.testkit.data.cache_dir` and in memory, so later calls are instant.
"""

from __future__ import annotations

import functools
import pickle
from pathlib import Path

import numpy as np
import sklearn
import torch
from sklearn.decomposition import PCA
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.svm import SVC

from gankata.testkit.data import Mnist, cache_dir, load_mnist, read_cache, save_to_cache

HELD_OUT_EVERY = 5  # every 5th embedded digit is held out: 100 of each class


class DigitClassifier:
    """Call it on images, get digits: ``classifier(images) -> int64 [N]``.

    ``images`` are pixels in [0, 1], any shape with 784 values per image: ``[N, 784]``,
    ``[N, 28, 28]`` or ``[N, 1, 28, 28]``, a tensor (on any device, with or without
    gradients) or a numpy array. ``accuracy`` is the share of the held-out digits it reads
    correctly.
    """

    def __init__(self, model: Pipeline, accuracy: float) -> None:
        self.model = model
        self.accuracy = accuracy

    def __call__(self, images: torch.Tensor | np.ndarray) -> torch.Tensor:
        if isinstance(images, torch.Tensor):
            images = images.detach().cpu().numpy()
        pixels = np.asarray(images, dtype=np.float32)
        if pixels.ndim < 2 or pixels[0].size != 784:
            raise ValueError(
                f"the classifier reads 28x28 digits, [N, 784] or [N, 28, 28], but got shape "
                f"{tuple(pixels.shape)}; a single image needs a batch dimension: image[None]"
            )
        if pixels.size and (pixels.min() < 0.0 or pixels.max() > 1.0):
            raise ValueError(
                f"pixels must be in [0, 1] but range over [{pixels.min():g}, {pixels.max():g}]; "
                "divide 0-255 images by 255, map tanh outputs with (x + 1) / 2"
            )
        return torch.from_numpy(self.model.predict(pixels.reshape(len(pixels), 784)))

    def __repr__(self) -> str:
        return f"DigitClassifier(accuracy={self.accuracy:.3f})"


def _split() -> tuple[Mnist, Mnist]:
    digits = load_mnist("embedded")
    held_out = np.arange(len(digits.labels)) % HELD_OUT_EVERY == HELD_OUT_EVERY - 1
    train = Mnist(digits.images[~held_out], digits.labels[~held_out])
    test = Mnist(digits.images[held_out], digits.labels[held_out])
    return train, test


def held_out_digits() -> tuple[torch.Tensor, torch.Tensor]:
    """The 1,000 embedded digits the classifier never trained on (100 per class).

    Returns ``(images, labels)``: float32 ``[1000, 784]`` in [0, 1] and int64 ``[1000]``.
    """
    _, test = _split()
    return torch.from_numpy(test.images / np.float32(255.0)), torch.from_numpy(test.labels)


def _fit() -> DigitClassifier:
    train, test = _split()
    model = make_pipeline(PCA(50, random_state=0), SVC(C=5.0, gamma="scale"))
    model.fit(train.images / np.float32(255.0), train.labels)
    accuracy = float((model.predict(test.images / np.float32(255.0)) == test.labels).mean())
    return DigitClassifier(model, accuracy)


@functools.cache
def load_digit_classifier() -> DigitClassifier:
    """The reference classifier: from memory, else from the cache on disk, else trained now."""
    # A pickle is only readable by the scikit-learn that wrote it, so its version is in the name.
    cached = cache_dir() / f"digit-classifier-sklearn-{sklearn.__version__}.pkl"

    def read(path: Path) -> DigitClassifier:
        with path.open("rb") as f:
            return pickle.load(f)

    classifier = read_cache(cached, read, what="digit classifier")
    if classifier is not None:
        return classifier
    classifier = _fit()
    save_to_cache(
        cached, lambda f: pickle.dump(classifier, f), what="the digit classifier", redo="train it"
    )
    return classifier
