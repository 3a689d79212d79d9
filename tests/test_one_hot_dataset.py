"""Kata 1 · One-hot targets and the MnistDataset (katas/one_hot_dataset.py)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from torch.utils.data import DataLoader

from gankata.testkit.assertions import call, expect_error
from gankata.testkit.data import load_mnist


@pytest.fixture(scope="module")
def digits() -> tuple[np.ndarray, np.ndarray]:
    """Forty real MNIST digits, four of each class, as uint8 [40, 784] and int labels."""
    mnist = load_mnist("embedded")
    rows = np.arange(0, len(mnist.labels), 125)
    return mnist.images[rows], mnist.labels[rows]


# ## Task 1.1: one_hot


def test_one_hot_is_a_float32_vector_of_num_classes(kata):
    target = kata.one_hot(3)
    assert isinstance(target, torch.Tensor), (
        f"one_hot(3) returned a {type(target).__name__}; expected a torch.Tensor "
        "(build it with torch.zeros(num_classes))."
    )
    assert target.shape == (10,), (
        f"one_hot(3) has shape {tuple(target.shape)}; expected (10,): one slot per digit class."
    )
    assert target.dtype == torch.float32, (
        f"one_hot(3) has dtype {target.dtype}; expected torch.float32, the dtype of the "
        "network's outputs that a loss compares it with."
    )


@given(data=st.data())
def test_one_hot_has_a_single_one_at_the_label(kata, data):
    num_classes = data.draw(st.integers(1, 50), label="num_classes")
    label = data.draw(st.integers(0, num_classes - 1), label="label")
    target = kata.one_hot(label, num_classes=num_classes)
    expected = torch.zeros(num_classes)
    expected[label] = 1.0
    assert target.shape == (num_classes,) and torch.equal(target, expected), (
        f"one_hot({label}, num_classes={num_classes}) returned {target.tolist()}; expected "
        f"{num_classes} zeros with a single 1.0 at position {label} (a one-hot vector)."
    )


@pytest.mark.parametrize("label", ["0", "5", "9"])
def test_one_hot_accepts_digit_strings_as_openml_gives_them(kata, label):
    target = call(
        kata.one_hot,
        label,
        why=f"one_hot({label!r}) failed. OpenML gives labels as strings such as '5': convert "
        "with int(label) before you use it as an index.",
    )
    assert int(torch.argmax(target)) == int(label) and float(target.sum()) == 1.0, (
        f"one_hot({label!r}) returned {target.tolist()}; expected the 1.0 at position "
        f"{int(label)}: use int(label) as the index."
    )


@pytest.mark.parametrize("label", [-1, 10, 12, "10"], ids=repr)
def test_one_hot_rejects_labels_outside_the_classes(kata, label):
    error = expect_error(
        ValueError,
        kata.one_hot,
        label,
        why=f"one_hot({label!r}) with 10 classes must raise ValueError: there is no slot for "
        f"label {label!r} (note that a negative index would silently count from the end).",
    )
    assert str(int(label)) in str(error), (
        f"one_hot({label!r}) raised ValueError({str(error)!r}); the message should name the "
        "label so that the learner can find the bad row."
    )


# ## Task 1.2: MnistDataset.__init__


def test_dataset_length_is_the_number_of_images(kata, digits):
    images, labels = digits
    ds = kata.MnistDataset(images, labels)
    assert len(ds) == len(images), (
        f"len(MnistDataset(images, labels)) is {len(ds)} for {len(images)} images of 784 "
        f"pixels each; expected {len(images)}: count images (rows), not pixels (columns)."
    )


@pytest.mark.parametrize("shape", [(5, 783), (5, 28, 28), (784,)], ids=str)
def test_dataset_rejects_images_that_are_not_784_wide(kata, shape):
    images = np.zeros(shape, dtype=np.uint8)
    labels = [0] * (shape[0] if len(shape) > 1 else 1)
    error = expect_error(
        ValueError,
        kata.MnistDataset,
        images,
        labels,
        why=f"MnistDataset(images of shape {shape}, ...) must raise ValueError: each image "
        "must be one row of 784 pixels, shape [N, 784].",
    )
    assert "784" in str(error) and str(shape[-1]) in str(error), (
        f"The ValueError said {str(error)!r}; it should give both the width found "
        f"({shape[-1]}) and the width expected (784), so that the fix is obvious."
    )


def test_dataset_rejects_a_different_number_of_images_and_labels(kata, digits):
    images, labels = digits
    error = expect_error(
        ValueError,
        kata.MnistDataset,
        images,
        labels[:-1],
        why=f"MnistDataset({len(images)} images, {len(labels) - 1} labels) must raise "
        "ValueError: every image needs exactly one label.",
    )
    sizes = (str(len(images)), str(len(labels) - 1))
    assert all(size in str(error) for size in sizes), (
        f"The ValueError said {str(error)!r}; it should give both sizes, {sizes[0]} images "
        f"and {sizes[1]} labels."
    )


# ## Task 1.3: MnistDataset.__len__ and __getitem__


def test_item_is_label_image_and_target(kata, digits):
    images, labels = digits
    item = kata.MnistDataset(images, labels)[0]
    assert isinstance(item, tuple) and len(item) == 3, (
        f"ds[0] returned {type(item).__name__} of length {len(item)}; expected a tuple "
        "(label, image, target), as the book's MnistDataset returns."
    )
    label, image, _ = item
    assert isinstance(label, int) and label == labels[0], (
        f"ds[0]'s label is {label!r}; expected the int {labels[0]}, the digit itself "
        "(the one-hot vector is the third item, the target)."
    )
    assert isinstance(image, torch.Tensor) and image.shape == (784,), (
        f"ds[0]'s image is {type(image).__name__} {tuple(getattr(image, 'shape', ()))}; "
        "expected a tensor of shape (784,): one flattened digit."
    )
    assert image.dtype == torch.float32, (
        f"ds[0]'s image has dtype {image.dtype}; expected torch.float32 (networks take "
        "floats; uint8 pixels must be converted)."
    )


def test_image_is_scaled_from_0_255_to_0_1(kata, digits):
    images, labels = digits
    _, image, _ = kata.MnistDataset(images, labels)[0]
    expected = torch.from_numpy(images[0]).float() / 255.0
    assert float(image.max()) <= 1.0 and torch.allclose(image, expected), (
        f"ds[0]'s pixels run from {float(image.min()):.3f} to {float(image.max()):.3f}; "
        "expected the stored 0-255 values divided by 255.0, so ink is 1.0 and paper 0.0. "
        "Did you forget / 255?"
    )


def test_item_i_is_row_i_of_the_images(kata, digits):
    images, labels = digits
    ds = kata.MnistDataset(images, labels)
    for i in range(len(images)):
        label, image, _ = ds[i]
        expected = torch.from_numpy(images[i]).float() / 255.0
        assert label == labels[i] and torch.allclose(image, expected), (
            f"ds[{i}] returned the digit labelled {label} with pixels that are not row {i} "
            f"of the images (row {i} is a {labels[i]}). Read image and label from the same "
            "row: an index that is off by one, or a column instead of a row?"
        )


def test_target_is_the_one_hot_of_the_label(kata, digits):
    images, labels = digits
    ds = kata.MnistDataset(images, labels)
    for i in (0, 7, 21, 39):
        _, _, target = ds[i]
        expected = torch.zeros(10)
        expected[labels[i]] = 1.0
        assert isinstance(target, torch.Tensor) and target.shape == (10,), (
            f"ds[{i}]'s target is {target!r}; expected a one-hot tensor of shape (10,) with "
            f"a 1.0 at {labels[i]}, not the label's value."
        )
        assert torch.equal(target.float(), expected), (
            f"ds[{i}]'s target is {target.tolist()}; expected the one-hot of its label "
            f"{labels[i]}: {expected.tolist()}."
        )


def test_string_labels_come_back_as_ints(kata, digits):
    images, labels = digits
    ds = call(
        kata.MnistDataset,
        images,
        [str(label) for label in labels],
        why="MnistDataset(images, labels as strings like '5') failed; OpenML gives string "
        "labels: convert each with int(label).",
    )
    label, _, target = call(ds.__getitem__, 4, why="ds[4] failed with string labels.")
    assert isinstance(label, int) and label == labels[4], (
        f"With string labels ds[4] returned the label {label!r}; expected the int "
        f"{labels[4]}. OpenML's labels are strings: keep int(label)."
    )
    assert int(torch.argmax(target)) == labels[4], (
        f"With string labels ds[4]'s target is {target.tolist()}; expected the 1.0 at {labels[4]}."
    )


def test_index_past_the_end_raises_index_error(kata, digits):
    images, labels = digits
    ds = kata.MnistDataset(images, labels)
    expect_error(
        IndexError,
        ds.__getitem__,
        len(images),
        why=f"ds[{len(images)}] on a dataset of {len(images)} digits must raise IndexError: "
        "that is how Python knows a `for` loop over the dataset is over.",
    )


def _as_dataframe(images: np.ndarray, labels: np.ndarray) -> tuple[pd.DataFrame, pd.Series]:
    """The shapes and types that fetch_openml('mnist_784') returns: floats and string labels."""
    columns = [f"pixel{i}" for i in range(1, 785)]
    frame = pd.DataFrame(images.astype(np.float64), columns=columns)
    target = pd.Series(labels.astype(str), name="class", dtype="category")
    return frame, target


@pytest.mark.parametrize(
    "form",
    [
        "numpy uint8",
        "torch uint8",
        "OpenML DataFrame",
    ],
)
def test_accepts_numpy_tensors_and_openml_dataframes(kata, digits, form):
    images, labels = digits
    given_images, given_labels = {
        "numpy uint8": (images, labels),
        "torch uint8": (torch.from_numpy(images), torch.from_numpy(labels).tolist()),
        "OpenML DataFrame": _as_dataframe(images, labels),
    }[form]
    ds = call(
        kata.MnistDataset,
        given_images,
        given_labels,
        why=f"MnistDataset(images as {form}, ...) failed. Convert any input with "
        "np.asarray(...) (a DataFrame becomes its values) and then to a float tensor.",
    )
    label, image, _ = call(ds.__getitem__, 9, why=f"ds[9] failed for images given as {form}.")
    expected = torch.from_numpy(images[9]).float() / 255.0
    assert label == labels[9] and torch.allclose(image.float(), expected), (
        f"For images given as {form}, ds[9] is not digit 9 scaled to 0-1 (got label "
        f"{label!r}, pixel range {float(image.min()):.2f}..{float(image.max()):.2f})."
    )


def test_a_dataloader_batches_the_items(kata, digits):
    images, labels = digits
    loader = DataLoader(kata.MnistDataset(*_as_dataframe(images, labels)), batch_size=8)
    batches = list(loader)
    batch_labels, batch_images, batch_targets = batches[0]
    assert len(batches) == 5 and batch_images.shape == (8, 784), (
        f"A DataLoader with batch_size=8 over 40 digits gave {len(batches)} batches, the "
        f"first with images {tuple(batch_images.shape)}; expected 5 batches of (8, 784)."
    )
    assert torch.equal(batch_labels, torch.from_numpy(labels[:8])), (
        f"The first batch's labels are {batch_labels.tolist()}; expected "
        f"{labels[:8].tolist()} as a tensor of ints (items must return label as int)."
    )
    assert batch_targets.shape == (8, 10) and torch.equal(
        batch_targets.argmax(dim=1), batch_labels
    ), (
        f"The first batch's targets have shape {tuple(batch_targets.shape)}; expected (8, 10) "
        "one-hot rows whose 1.0 sits at each label."
    )


# ## Task 1.4: MnistDataset.as_image


def test_as_image_is_a_28_by_28_picture(kata, digits):
    images, labels = digits
    picture = kata.MnistDataset(images, labels).as_image(3)
    assert isinstance(picture, torch.Tensor) and picture.shape == (28, 28), (
        f"as_image(3) returned {type(picture).__name__} of shape "
        f"{tuple(getattr(picture, 'shape', ()))}; expected a (28, 28) tensor for plt.imshow."
    )
    assert float(picture.max()) <= 1.0, (
        f"as_image(3) has pixels up to {float(picture.max())}; expected 0-1, the same "
        "scaled values that ds[3] returns."
    )


def test_as_image_is_the_row_read_row_by_row(kata, digits):
    images, labels = digits
    picture = kata.MnistDataset(images, labels).as_image(17)
    expected = torch.from_numpy(images[17].reshape(28, 28)).float() / 255.0
    assert torch.allclose(picture.float(), expected), (
        "as_image(17) is not row 17 of the images laid out as 28 rows of 28 pixels. The 784 "
        "values run row by row (pixel1..pixel28 are the top row): use .view(28, 28) on "
        "digit 17 and do not transpose it."
    )
