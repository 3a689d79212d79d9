"""gankata.testkit.classifier: the digit reader that judges mode collapse, trained and cached."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
import torch

from gankata.testkit import classifier as module
from gankata.testkit.classifier import DigitClassifier, held_out_digits, load_digit_classifier


def test_reads_held_out_digits_with_at_least_95_percent_accuracy():
    classifier = load_digit_classifier()
    images, labels = held_out_digits()
    predicted = classifier(images)
    assert predicted.dtype == torch.int64 and predicted.shape == (1000,)
    accuracy = (predicted == labels).float().mean().item()
    assert accuracy >= 0.95 and accuracy == pytest.approx(classifier.accuracy)


def test_held_out_digits_are_100_per_class_in_0_1_and_never_trained_on():
    images, labels = held_out_digits()
    assert images.shape == (1000, 784) and images.dtype == torch.float32
    assert images.min() >= 0 and images.max() <= 1
    assert torch.bincount(labels).tolist() == [100] * 10
    train, _ = module._split()
    trained = {row.tobytes() for row in train.images}
    held = (images * 255).round().to(torch.uint8).numpy()
    assert not any(row.tobytes() in trained for row in held)


def test_accepts_numpy_and_image_shaped_batches():
    classifier = load_digit_classifier()
    images, _ = held_out_digits()
    rows = classifier(images[:5])
    assert torch.equal(classifier(images[:5].view(5, 28, 28)), rows)
    assert torch.equal(classifier(images[:5].view(5, 1, 28, 28).numpy()), rows)
    assert torch.equal(classifier(images[:5].requires_grad_()), rows)


@pytest.mark.parametrize(
    ("images", "message"),
    [
        (torch.rand(784), "batch dimension"),
        (torch.rand(3, 100), "784"),
        (torch.rand(3, 784) * 255, "divide 0-255 images by 255"),
        (torch.rand(3, 784) * 2 - 1, "tanh"),
    ],
)
def test_bad_images_get_an_error_that_says_how_to_fix_them(images, message):
    with pytest.raises(ValueError, match=message):
        load_digit_classifier()(images)


def test_trained_once_then_read_from_the_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("GANKATA_CACHE", str(tmp_path))
    load_digit_classifier.cache_clear()
    try:
        first = load_digit_classifier()
        [cached] = tmp_path.glob("digit-classifier-*.pkl")
        load_digit_classifier.cache_clear()

        def no_training():
            raise AssertionError("the classifier was trained again instead of read from disk")

        monkeypatch.setattr(module, "_fit", no_training)
        second = load_digit_classifier()
        assert second is not first and second.accuracy == first.accuracy
        with cached.open("rb") as f:
            assert isinstance(pickle.load(f), DigitClassifier)
        probe = np.random.default_rng(0).random((4, 784), dtype=np.float32)
        assert torch.equal(first(probe), second(probe))
    finally:
        load_digit_classifier.cache_clear()


def test_a_damaged_cached_classifier_is_trained_again_with_a_warning(tmp_path, monkeypatch):
    monkeypatch.setenv("GANKATA_CACHE", str(tmp_path))
    load_digit_classifier.cache_clear()
    trained = []
    monkeypatch.setattr(module, "_fit", lambda: trained.append(1) or DigitClassifier(None, 0.97))
    (tmp_path / f"digit-classifier-sklearn-{module.sklearn.__version__}.pkl").write_bytes(b"\x80")
    try:
        with pytest.warns(UserWarning, match="was damaged"):
            classifier = load_digit_classifier()
        assert trained == [1] and classifier.accuracy == 0.97, (
            "a damaged pickle must be deleted and the classifier trained again, not raise"
        )
    finally:
        load_digit_classifier.cache_clear()
