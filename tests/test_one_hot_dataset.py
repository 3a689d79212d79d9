"""Kata 1 · One-hot targets and the MnistDataset (katas/one_hot_dataset.py)."""

from __future__ import annotations

import numbers

import numpy as np
import pandas as pd
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from torch.utils.data import DataLoader

from gankata.testkit.assertions import call, expect_error
from gankata.testkit.data import load_mnist
from gankata.testkit.messages import msg


@pytest.fixture(scope="module")
def digits() -> tuple[np.ndarray, np.ndarray]:
    """Forty real MNIST digits, four of each class, as uint8 [40, 784] and int64 labels."""
    mnist = load_mnist("embedded")
    rows = np.arange(0, len(mnist.labels), 125)
    return mnist.images[rows], mnist.labels[rows]


def is_integer(label: object) -> bool:
    """Whether ``label`` is an integer: a Python int or a numpy integer such as ``np.int64``
    (what ``load_mnist().labels[i]`` and pandas' ``.iloc`` give), both ``numbers.Integral``.
    A float (``5.0``), a string (``'5'``) or a tensor (``tensor(5)``) is not."""
    return isinstance(label, numbers.Integral)


def label_advice(label: object) -> str:
    """The likely mistake behind a label that is not an integer, in both languages."""
    if isinstance(label, torch.Tensor):
        return msg(
            "A one-element tensor is not a label: keep the label as int(label) (or take "
            "`.item()`), and keep tensors for the image and the target.",
            "원소가 하나인 텐서는 레이블이 아닙니다. 레이블은 int(label)로 (또는 `.item()`으로) "
            "정수로 두고, 텐서는 이미지와 목표값에만 쓰세요.",
        )
    if isinstance(label, float):
        return msg(
            "A float cannot index the one-hot vector and does not print as the digit: keep "
            "int(label), not float(label).",
            "float는 원핫 벡터의 인덱스가 될 수 없고 숫자 그대로 출력되지도 않습니다. "
            "float(label)이 아니라 int(label)로 두세요.",
        )
    if isinstance(label, str):
        return msg(
            "OpenML's labels are strings such as '5': convert each with int(label).",
            "OpenML의 레이블은 '5' 같은 문자열입니다. 각 레이블을 int(label)로 바꾸세요.",
        )
    if is_integer(label):
        return msg(
            "It is an integer, but not this row's label: read the label and the image at the "
            "same index.",
            "정수이기는 하지만 이 행의 레이블이 아닙니다. 레이블과 이미지를 같은 인덱스에서 "
            "읽으세요.",
        )
    return msg(
        "Return the digit itself, converted with int(label).",
        "int(label)로 바꾼 숫자 자체를 반환하세요.",
    )


# ## Task 1.1: one_hot


def test_one_hot_is_a_float32_vector_of_num_classes(kata):
    target = kata.one_hot(3)
    assert isinstance(target, torch.Tensor), msg(
        "one_hot(3) returned a {kind}; expected a torch.Tensor (build it with "
        "torch.zeros(num_classes)).",
        "one_hot(3)이 {kind}을(를) 반환했습니다. torch.Tensor여야 합니다"
        "(torch.zeros(num_classes)로 만드세요).",
        kind=type(target).__name__,
    )
    assert target.shape == (10,), msg(
        "one_hot(3) has shape {shape}; expected (10,): one slot per digit class.",
        "one_hot(3)의 모양이 {shape}입니다. (10,)이어야 합니다: 숫자 클래스마다 한 칸씩입니다.",
        shape=tuple(target.shape),
    )
    assert target.dtype == torch.float32, msg(
        "one_hot(3) has dtype {dtype}; expected torch.float32, the dtype of the network's "
        "outputs that a loss compares it with. torch.zeros(num_classes) is float32 already.",
        "one_hot(3)의 dtype이 {dtype}입니다. torch.float32여야 합니다: 손실 함수가 이 값과 "
        "비교하는 신경망 출력의 dtype입니다. torch.zeros(num_classes)는 처음부터 float32입니다.",
        dtype=target.dtype,
    )


@given(data=st.data())
def test_one_hot_has_a_single_one_at_the_label(kata, data):
    num_classes = data.draw(st.integers(1, 50), label="num_classes")
    label = data.draw(st.integers(0, num_classes - 1), label="label")
    target = kata.one_hot(label, num_classes=num_classes)
    expected = torch.zeros(num_classes)
    expected[label] = 1.0
    assert target.shape == (num_classes,) and torch.equal(target, expected), msg(
        "one_hot({label}, num_classes={num_classes}) returned {got}; expected {num_classes} "
        "zeros with a single 1.0 at position {label} (a one-hot vector). Is the length "
        "num_classes, not a fixed 10?",
        "one_hot({label}, num_classes={num_classes})의 반환값이 {got}입니다. 0이 "
        "{num_classes}개 있고 {label}번 위치에만 1.0이 하나 있는 벡터(원핫 벡터)여야 합니다. "
        "길이를 10으로 고정하지 않고 num_classes로 했나요?",
        label=label,
        num_classes=num_classes,
        got=target.tolist(),
    )


@pytest.mark.parametrize("label", ["0", "5", "9"])
def test_one_hot_accepts_digit_strings_as_openml_gives_them(kata, label):
    target = call(
        kata.one_hot,
        label,
        why=msg(
            "one_hot({label!r}) failed. OpenML gives labels as strings such as '5': convert "
            "with int(label) before you use it as an index.",
            "one_hot({label!r}) 호출이 실패했습니다. OpenML은 레이블을 '5' 같은 문자열로 줍니다. "
            "인덱스로 쓰기 전에 int(label)로 바꾸세요.",
            label=label,
        ),
    )
    assert int(torch.argmax(target)) == int(label) and float(target.sum()) == 1.0, msg(
        "one_hot({label!r}) returned {got}; expected the 1.0 at position {position}: use "
        "int(label) as the index.",
        "one_hot({label!r})의 반환값이 {got}입니다. 1.0이 {position}번 위치에 있어야 "
        "합니다: int(label)을 인덱스로 쓰세요.",
        label=label,
        got=target.tolist(),
        position=int(label),
    )


@pytest.mark.parametrize("label", [-1, 10, 12, "10"], ids=repr)
def test_one_hot_rejects_labels_outside_the_classes(kata, label):
    error = expect_error(
        ValueError,
        kata.one_hot,
        label,
        why=msg(
            "one_hot({label!r}) with 10 classes must raise ValueError: there is no slot for "
            "label {label!r} (note that a negative index would silently count from the end). "
            "Check 0 <= int(label) < num_classes yourself.",
            "클래스가 10개일 때 one_hot({label!r}) 호출은 ValueError를 발생시켜야 합니다: 레이블 "
            "{label!r}에 해당하는 칸이 없습니다(음수 인덱스는 조용히 뒤에서부터 센다는 점에 "
            "주의하세요). 0 <= int(label) < num_classes를 직접 확인하세요.",
            label=label,
        ),
    )
    assert str(int(label)) in str(error), msg(
        "one_hot({label!r}) raised ValueError({error!r}); expected a message that names the "
        "label ({number}), so that the learner can find the bad row.",
        "one_hot({label!r}) 호출이 ValueError({error!r})를 발생시켰습니다. 잘못된 행을 찾을 수 "
        "있도록 메시지에 레이블({number})이 들어 있어야 합니다.",
        label=label,
        error=str(error),
        number=int(label),
    )


# ## Task 1.2: MnistDataset.__init__


def test_dataset_length_is_the_number_of_images(kata, digits):
    images, labels = digits
    ds = kata.MnistDataset(images, labels)
    assert len(ds) == len(images), msg(
        "len(MnistDataset(images, labels)) is {length} for {n} images of 784 pixels each; "
        "expected {n}: count images (rows), not pixels (columns).",
        "784픽셀짜리 이미지 {n}개에 대해 len(MnistDataset(images, labels))가 {length}입니다. "
        "기대한 값은 {n}입니다: 픽셀(열)이 아니라 이미지(행)의 개수를 세세요.",
        length=len(ds),
        n=len(images),
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
        why=msg(
            "MnistDataset(images of shape {shape}, ...) must raise ValueError: each image "
            "must be one row of 784 pixels, shape [N, 784]. Check the shape in __init__.",
            "MnistDataset(모양이 {shape}인 이미지, ...)는 ValueError를 발생시켜야 합니다: 각 "
            "이미지는 784픽셀짜리 한 행, 즉 모양이 [N, 784]여야 합니다. __init__에서 모양을 "
            "확인하세요.",
            shape=shape,
        ),
    )
    assert "784" in str(error) and str(shape[-1]) in str(error), msg(
        "The ValueError said {error!r}; it should give both the width found ({found}) and "
        "the width expected (784), so that the fix is obvious.",
        "ValueError의 메시지가 {error!r}입니다. 무엇을 고쳐야 할지 바로 보이도록, 실제 "
        "너비({found})와 기대한 너비(784)를 모두 보여 줘야 합니다.",
        error=str(error),
        found=shape[-1],
    )


def test_dataset_rejects_a_different_number_of_images_and_labels(kata, digits):
    images, labels = digits
    error = expect_error(
        ValueError,
        kata.MnistDataset,
        images,
        labels[:-1],
        why=msg(
            "MnistDataset({n_images} images, {n_labels} labels) must raise ValueError: "
            "every image needs exactly one label. Compare len(labels) with the number of "
            "images in __init__.",
            "MnistDataset(이미지 {n_images}개, 레이블 {n_labels}개)는 ValueError를 "
            "발생시켜야 합니다: 이미지마다 레이블이 정확히 하나씩 있어야 합니다. __init__에서 "
            "len(labels)와 이미지 개수를 비교하세요.",
            n_images=len(images),
            n_labels=len(labels) - 1,
        ),
    )
    sizes = (str(len(images)), str(len(labels) - 1))
    assert all(size in str(error) for size in sizes), msg(
        "The ValueError said {error!r}; it should give both sizes, {n_images} images and "
        "{n_labels} labels.",
        "ValueError의 메시지가 {error!r}입니다. 두 크기, 즉 이미지 {n_images}개와 레이블 "
        "{n_labels}개를 모두 보여 줘야 합니다.",
        error=str(error),
        n_images=sizes[0],
        n_labels=sizes[1],
    )


# ## Task 1.3: MnistDataset.__len__ and __getitem__


def test_item_is_label_image_and_target(kata, digits):
    images, labels = digits
    item = kata.MnistDataset(images, labels)[0]
    assert isinstance(item, tuple) and len(item) == 3, msg(
        "ds[0] returned {kind} of length {length}; expected a tuple (label, image, target), "
        "as the book's MnistDataset returns.",
        "ds[0]이 길이 {length}인 {kind}을(를) 반환했습니다. 책의 MnistDataset처럼 튜플 "
        "(label, image, target)이어야 합니다.",
        kind=type(item).__name__,
        length=len(item),
    )
    label, image, _ = item
    assert is_integer(label) and label == labels[0], msg(
        "ds[0]'s label is {label!r}, a {kind}; expected the integer {expected}, the digit "
        "itself (the one-hot vector is the third item, the target). A Python int or a numpy "
        "integer such as np.int64 is fine. {advice}",
        "ds[0]의 레이블이 {kind}인 {label!r}입니다. 기대한 값은 숫자 자체인 정수 {expected}입니다"
        "(원핫 벡터는 세 번째 항목인 목표값입니다). 파이썬 int든 np.int64 같은 numpy 정수든 "
        "괜찮습니다. {advice}",
        label=label,
        kind=type(label).__name__,
        expected=labels[0],
        advice=label_advice(label),
    )
    assert isinstance(image, torch.Tensor) and image.shape == (784,), msg(
        "ds[0]'s image is {kind} {shape}; expected a tensor of shape (784,): one flattened "
        "digit, one row of the images.",
        "ds[0]의 이미지가 {kind} {shape}입니다. 모양이 (784,)인 텐서, 즉 펼쳐진 숫자 하나"
        "(이미지의 한 행)여야 합니다.",
        kind=type(image).__name__,
        shape=tuple(getattr(image, "shape", ())),
    )
    assert image.dtype == torch.float32, msg(
        "ds[0]'s image has dtype {dtype}; expected torch.float32 (networks take floats; uint8 "
        "pixels must be converted).",
        "ds[0]의 이미지 dtype이 {dtype}입니다. torch.float32여야 합니다(신경망은 float를 "
        "받으므로 uint8 픽셀은 변환해야 합니다).",
        dtype=image.dtype,
    )


def test_image_is_scaled_from_0_255_to_0_1(kata, digits):
    images, labels = digits
    _, image, _ = kata.MnistDataset(images, labels)[0]
    expected = torch.from_numpy(images[0]).float() / 255.0
    assert float(image.max()) <= 1.0 and torch.allclose(image, expected), msg(
        "ds[0]'s pixels run from {low:.3f} to {high:.3f}; expected the stored 0-255 values "
        "divided by 255.0, so ink is 1.0 and paper 0.0. Did you forget / 255?",
        "ds[0]의 픽셀 값이 {low:.3f}부터 {high:.3f}까지입니다. 저장된 0-255 값을 255.0으로 "
        "나눠서 잉크는 1.0, 종이는 0.0이 되어야 합니다. / 255를 잊지 않았나요?",
        low=float(image.min()),
        high=float(image.max()),
    )


def test_item_i_is_row_i_of_the_images(kata, digits):
    images, labels = digits
    ds = kata.MnistDataset(images, labels)
    for i in range(len(images)):
        label, image, _ = ds[i]
        expected = torch.from_numpy(images[i]).float() / 255.0
        assert label == labels[i] and torch.allclose(image, expected), msg(
            "ds[{i}] returned the digit labelled {label} with pixels that are not row {i} of "
            "the images (row {i} is a {expected}). Read image and label from the same row: "
            "an index that is off by one, or a column instead of a row?",
            "ds[{i}]에서 나온 숫자는 레이블이 {label}인데, 그 픽셀은 이미지의 {i}번 행이 "
            "아닙니다({i}번 행은 {expected}입니다). 이미지와 레이블을 같은 행에서 읽으세요: "
            "인덱스가 하나 어긋났거나, 행 대신 열을 읽지 않았나요?",
            i=i,
            label=label,
            expected=labels[i],
        )


def test_target_is_the_one_hot_of_the_label(kata, digits):
    images, labels = digits
    ds = kata.MnistDataset(images, labels)
    for i in (0, 7, 21, 39):
        _, _, target = ds[i]
        expected = torch.zeros(10)
        expected[labels[i]] = 1.0
        assert isinstance(target, torch.Tensor) and target.shape == (10,), msg(
            "ds[{i}]'s target is {target!r}; expected a one-hot tensor of shape (10,) with a "
            "1.0 at {label}, not the label's value. Return one_hot(label) as the third item.",
            "ds[{i}]의 목표값이 {target!r}입니다. 레이블 값 자체가 아니라, {label}번 위치에 "
            "1.0이 있는 모양 (10,)의 원핫 텐서여야 합니다. 세 번째 항목으로 one_hot(label)을 "
            "반환하세요.",
            i=i,
            target=target,
            label=labels[i],
        )
        assert torch.equal(target.float(), expected), msg(
            "ds[{i}]'s target is {target}; expected the one-hot of its label {label}: {expected}.",
            "ds[{i}]의 목표값이 {target}입니다. 레이블 {label}의 원핫 벡터 {expected}여야 합니다.",
            i=i,
            target=target.tolist(),
            label=labels[i],
            expected=expected.tolist(),
        )


def test_string_labels_come_back_as_ints(kata, digits):
    images, labels = digits
    ds = call(
        kata.MnistDataset,
        images,
        [str(label) for label in labels],
        why=msg(
            "MnistDataset(images, labels as strings like '5') failed; OpenML gives string "
            "labels: convert each with int(label).",
            "MnistDataset(images, '5' 같은 문자열 레이블)이 실패했습니다. OpenML은 레이블을 "
            "문자열로 줍니다: 각 레이블을 int(label)로 바꾸세요.",
        ),
    )
    label, _, target = call(
        ds.__getitem__,
        4,
        why=msg(
            "ds[4] failed with string labels such as '5'. Convert each label with int(label) "
            "(in __init__ or in __getitem__) before you index the one-hot target with it.",
            "'5' 같은 문자열 레이블로 만든 데이터셋에서 ds[4]가 실패했습니다. 원핫 목표값을 "
            "인덱싱하기 전에 (__init__이나 __getitem__에서) 각 레이블을 int(label)로 바꾸세요.",
        ),
    )
    assert is_integer(label) and label == labels[4], msg(
        "With string labels ds[4] returned the label {label!r}, a {kind}; expected the "
        "integer {expected} (a Python int or a numpy integer). {advice}",
        "문자열 레이블로 만든 데이터셋에서 ds[4]가 {kind}인 레이블 {label!r}을(를) "
        "반환했습니다. 기대한 값은 정수 {expected}(파이썬 int 또는 numpy 정수)입니다. {advice}",
        label=label,
        kind=type(label).__name__,
        expected=labels[4],
        advice=label_advice(label),
    )
    assert int(torch.argmax(target)) == labels[4], msg(
        "With string labels ds[4]'s target is {target}; expected the 1.0 at {label}: index "
        "the target with int(label).",
        "문자열 레이블로 만든 데이터셋에서 ds[4]의 목표값이 {target}입니다. 1.0이 {label}번 "
        "위치에 있어야 합니다: 목표값은 int(label)로 인덱싱하세요.",
        target=target.tolist(),
        label=labels[4],
    )


def test_index_past_the_end_raises_index_error(kata, digits):
    images, labels = digits
    ds = kata.MnistDataset(images, labels)
    expect_error(
        IndexError,
        ds.__getitem__,
        len(images),
        why=msg(
            "ds[{n}] on a dataset of {n} digits must raise IndexError: that is how Python "
            "knows a `for` loop over the dataset is over. Indexing a tensor or a list past "
            "its end raises it for you; do not catch it or wrap the index around.",
            "숫자 {n}개짜리 데이터셋에서 ds[{n}]은 IndexError를 발생시켜야 합니다: 파이썬은 "
            "그것으로 데이터셋을 도는 `for` 루프가 끝났음을 압니다. 텐서나 리스트를 끝 너머로 "
            "인덱싱하면 저절로 발생하니, 그 오류를 잡거나 인덱스를 되감지 마세요.",
            n=len(images),
        ),
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
        why=msg(
            "MnistDataset(images as {form}, ...) failed. Convert any input with "
            "np.asarray(...) (a DataFrame becomes its values) and then to a float tensor.",
            "MnistDataset(images를 {form}(으)로, ...)이 실패했습니다. 어떤 입력이든 "
            "np.asarray(...)로 바꾼 뒤(DataFrame은 그 값이 됩니다) float 텐서로 만드세요.",
            form=form,
        ),
    )
    label, image, _ = call(
        ds.__getitem__,
        9,
        why=msg(
            "ds[9] failed for images given as {form}. Keep what __init__ converted (one float "
            "tensor of pixels, int labels) and index that, not the original input.",
            "images를 {form}(으)로 주었을 때 ds[9]가 실패했습니다. 원래 입력이 아니라 "
            "__init__에서 변환한 것(픽셀은 float 텐서 하나, 레이블은 int)을 저장해 두고 "
            "그것을 인덱싱하세요.",
            form=form,
        ),
    )
    expected = torch.from_numpy(images[9]).float() / 255.0
    assert label == labels[9] and torch.allclose(image.float(), expected), msg(
        "For images given as {form}, ds[9] is not digit 9 scaled to 0-1 (got label {label!r}, "
        "pixel range {low:.2f}..{high:.2f}; expected label {expected} and pixels in 0-1). "
        "Are string labels converted with int(label), and every form divided by 255?",
        "images를 {form}(으)로 주었을 때 ds[9]가 0-1로 정규화된 9번 숫자가 아닙니다(레이블 "
        "{label!r}, 픽셀 범위 {low:.2f}..{high:.2f}. 레이블 {expected}, 픽셀은 0-1이어야 "
        "합니다). 문자열 레이블을 int(label)로 바꾸고, 어떤 형태든 255로 나눴나요?",
        form=form,
        label=label,
        low=float(image.min()),
        high=float(image.max()),
        expected=labels[9],
    )


def test_a_dataloader_batches_the_items(kata, digits):
    images, labels = digits
    loader = DataLoader(kata.MnistDataset(*_as_dataframe(images, labels)), batch_size=8)
    batches = list(loader)
    batch_labels, batch_images, batch_targets = batches[0]
    assert len(batches) == 5 and batch_images.shape == (8, 784), msg(
        "A DataLoader with batch_size=8 over 40 digits gave {n} batches, the first with "
        "images {shape}; expected 5 batches of (8, 784). Does __len__ count the images and "
        "each image have shape (784,)?",
        "숫자 40개에 batch_size=8인 DataLoader가 배치 {n}개를 만들었고, 첫 배치의 이미지 "
        "모양이 {shape}입니다. (8, 784) 배치가 5개여야 합니다. __len__이 이미지 개수를 세고, "
        "각 이미지의 모양이 (784,)인가요?",
        n=len(batches),
        shape=tuple(batch_images.shape),
    )
    assert torch.equal(batch_labels, torch.from_numpy(labels[:8])), msg(
        "The first batch's labels are {got}; expected {expected} as a tensor of ints (items "
        "must return the label as an integer, int(label), for the DataLoader to stack them).",
        "첫 배치의 레이블이 {got}입니다. 정수 텐서 {expected}여야 합니다(DataLoader가 "
        "레이블을 쌓을 수 있도록 각 항목은 레이블을 int(label), 즉 정수로 반환해야 합니다).",
        got=batch_labels.tolist(),
        expected=labels[:8].tolist(),
    )
    assert batch_targets.shape == (8, 10) and torch.equal(
        batch_targets.argmax(dim=1), batch_labels
    ), msg(
        "The first batch's targets have shape {shape}; expected (8, 10) one-hot rows whose "
        "1.0 sits at each label.",
        "첫 배치의 목표값 모양이 {shape}입니다. 각 레이블 위치에 1.0이 있는 원핫 행들로 된 "
        "(8, 10)이어야 합니다.",
        shape=tuple(batch_targets.shape),
    )


# ## Task 1.4: MnistDataset.as_image


def test_as_image_is_a_28_by_28_picture(kata, digits):
    images, labels = digits
    picture = kata.MnistDataset(images, labels).as_image(3)
    assert isinstance(picture, torch.Tensor) and picture.shape == (28, 28), msg(
        "as_image(3) returned {kind} of shape {shape}; expected a (28, 28) tensor for "
        "plt.imshow: the row of 784 pixels viewed as 28 rows of 28.",
        "as_image(3)이 모양이 {shape}인 {kind}을(를) 반환했습니다. plt.imshow에 넘길 (28, 28) "
        "텐서, 즉 784픽셀짜리 행을 28픽셀씩 28줄로 본 것이어야 합니다.",
        kind=type(picture).__name__,
        shape=tuple(getattr(picture, "shape", ())),
    )
    assert float(picture.max()) <= 1.0, msg(
        "as_image(3) has pixels up to {high}; expected 0-1, the same scaled values that ds[3] "
        "returns. Did you forget / 255?",
        "as_image(3)의 픽셀 값이 {high}까지 올라갑니다. ds[3]이 반환하는 것과 같은, 0-1로 "
        "정규화된 값이어야 합니다. / 255를 잊지 않았나요?",
        high=float(picture.max()),
    )


def test_as_image_is_the_row_read_row_by_row(kata, digits):
    images, labels = digits
    picture = kata.MnistDataset(images, labels).as_image(17)
    expected = torch.from_numpy(images[17].reshape(28, 28)).float() / 255.0
    assert torch.allclose(picture.float(), expected), msg(
        "as_image(17) is not row 17 of the images laid out as 28 rows of 28 pixels. The 784 "
        "values run row by row (pixel1..pixel28 are the top row): use .view(28, 28) on digit "
        "17 and do not transpose it.",
        "as_image(17)이 이미지의 17번 행을 28픽셀씩 28줄로 놓은 것이 아닙니다. 784개의 값은 "
        "한 줄씩 차례로 놓여 있습니다(pixel1..pixel28이 맨 윗줄입니다). 17번 숫자에 "
        ".view(28, 28)을 쓰고, 전치(transpose)하지 마세요.",
    )
