"""Reference answer to kata 1 (katas/one_hot_dataset.py holds the lesson)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import torch
from torch.utils.data import Dataset

PIXELS = 28 * 28


def one_hot(label: int | np.integer | str, num_classes: int = 10) -> torch.Tensor:
    """A float32 vector of ``num_classes`` zeros with a single 1.0 at position ``int(label)``.

    ``label`` may be any integer: a Python int (``5``) or a numpy integer (``np.int64(5)``,
    what ``load_mnist().labels[i]`` and pandas' ``.iloc`` give), or a digit string as OpenML
    gives it (``'5'``). A label outside ``0 .. num_classes - 1`` raises ``ValueError`` naming
    the label.

        one_hot(2, num_classes=4) -> tensor([0., 0., 1., 0.])
    """
    index = int(label)  # OpenML's labels are strings such as '5'
    if not 0 <= index < num_classes:
        raise ValueError(f"label {label!r} is outside 0..{num_classes - 1}")
    target = torch.zeros(num_classes)
    target[index] = 1.0
    return target


class MnistDataset(Dataset):
    """MNIST digits as ``(label, image, target)`` items, as in the book's chapter 7."""

    def __init__(
        self,
        images: np.ndarray | torch.Tensor | pd.DataFrame,
        labels: list[int] | list[str] | np.ndarray | pd.Series,
    ) -> None:
        """Keep ``images`` ``[N, 784]`` (pixels 0-255) and their ``N`` labels (ints or strings).

        Raises ``ValueError``, with both sizes in the message, when a row is not 784 pixels
        wide or when the number of labels differs from the number of images.
        """
        pixels = torch.as_tensor(np.asarray(images, dtype=np.float32))
        if pixels.ndim != 2 or pixels.shape[1] != PIXELS:
            raise ValueError(
                f"images must have shape [N, {PIXELS}] (one flattened 28x28 digit per row), "
                f"got {tuple(pixels.shape)}"
            )
        if len(labels) != len(pixels):
            raise ValueError(f"got {len(pixels)} images but {len(labels)} labels: pair them up")
        # Scale once here rather than on every __getitem__.
        self.images = pixels / 255.0
        self.labels = [int(label) for label in labels]

    def __len__(self) -> int:
        """The number of digits, N."""
        return len(self.images)

    def __getitem__(self, index: int) -> tuple[int, torch.Tensor, torch.Tensor]:
        """Digit ``index`` as ``(label: int, image: float32 [784] in 0-1, target: one-hot [10])``.

        The label is an integer: a Python int or a numpy integer such as ``np.int64`` (both are
        ``numbers.Integral`` and index, compare and batch like the digit), never a float
        (``5.0``), a string (``'5'``) or a one-element tensor (``tensor(5)``). An index past the
        end raises ``IndexError`` (that is how ``for x in ds`` stops).
        """
        label = self.labels[index]
        return label, self.images[index], one_hot(label)

    def as_image(self, index: int) -> torch.Tensor:
        """Digit ``index`` as a ``[28, 28]`` float tensor (pixels 0-1), ready for ``plt.imshow``."""
        return self.images[index].view(28, 28)
