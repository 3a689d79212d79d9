"""Kata 1 · One-hot targets and the MnistDataset.
한국어 수업: ``gankata lesson one_hot_dataset --lang ko``

Sources: Make Your First GAN With PyTorch, ch. 7 (Handwritten Digits), the MnistDataset
class; the study group's chapter 7 slides, "손으로 쓴 숫자 훈련" (the MnistDataset and its
one-hot target).

Before a GAN can learn to draw handwritten digits, something has to hand it digits. In
PyTorch that something is a ``torch.utils.data.Dataset``: a class that knows how many
items it holds (``__len__``) and how to return item ``i`` (``__getitem__``). A
``DataLoader`` then shuffles and batches those items for you.

The book reads MNIST with ``sklearn.datasets.fetch_openml('mnist_784')``. What comes back
is a table with one digit per row: 784 columns ``pixel1 .. pixel784`` (a 28x28 picture,
row by row) holding values from 0 (paper) to 255 (ink), and a label column whose values
are *strings*: ``'5'``, ``'0'``, ``'4'`` ... The book's ``MnistDataset`` turns row ``i``
into three things:

    label   the digit, 5, as an integer
    image   784 floats scaled from 0-255 down to 0-1 (networks with sigmoid outputs and
            small initial weights learn far better from small inputs)
    target  a one-hot vector: ten zeros with a single 1.0 at the label's position
            5 -> [0, 0, 0, 0, 0, 1, 0, 0, 0, 0]

Which labels are fine? ``one_hot`` takes any integer or a digit string: ``5``,
``np.int64(5)`` or ``'5'``. ``ds[i]`` returns the label as an integer: a Python ``int``, or a
numpy integer such as ``np.int64``, which is what ``load_mnist().labels[i]`` and the book's
pandas ``iloc`` give. Both are fine: numpy registers its integers as ``numbers.Integral``, and
they index, compare and batch exactly like the digit. A float (``5.0``), a string (``'5'``)
or a one-element tensor (``tensor(5)``) is not a label: a float cannot index the target, the
string ``'5'`` is not equal to ``5``, and a tensor is easily mistaken for the target. Convert
with ``int(label)``.

The GAN chapters train the discriminator on ``image`` only, but the book builds the
one-hot target here because a classifier needs it, and because a target of the wrong
shape is the first bug most people meet in PyTorch.

What to implement (search for "Kata 1." to find every TODO):

    1.1  one_hot(label, num_classes=10)       '5' -> tensor([0., 0., 0., 0., 0., 1., ...])
    1.2  MnistDataset.__init__(images, labels)  numpy, tensor or pandas DataFrame [N, 784]
    1.3  MnistDataset.__len__, __getitem__      ds[i] -> (label, image, target)
    1.4  MnistDataset.as_image(i)               a [28, 28] tensor for plt.imshow

Try it:  ``from gankata.testkit.data import load_mnist; digits = load_mnist()`` gives the 5,000
real digits that ship with the project; ``MnistDataset(digits.images, digits.labels)``.

The classic mistakes: forgetting to divide by 255 (every pixel of ink is 255 times too
bright and the sigmoid saturates); indexing the target with the string ``'5'`` instead of
``int('5')``; returning the label as a float (``5.0``) or a one-element tensor instead of an
integer; returning the label's value (``tensor(5.)``) instead of a one-hot target; reading
the wrong row, or reshaping a row into a transposed picture.
"""

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
    # TODO: Implement for Kata 1.1.
    raise NotImplementedError("Need to implement for Kata 1.1: one_hot")


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
        # TODO: Implement for Kata 1.2.
        raise NotImplementedError("Need to implement for Kata 1.2: MnistDataset.__init__")

    def __len__(self) -> int:
        """The number of digits, N."""
        # TODO: Implement for Kata 1.3.
        raise NotImplementedError("Need to implement for Kata 1.3: MnistDataset.__len__")

    def __getitem__(self, index: int) -> tuple[int, torch.Tensor, torch.Tensor]:
        """Digit ``index`` as ``(label: int, image: float32 [784] in 0-1, target: one-hot [10])``.

        The label is an integer: a Python int or a numpy integer such as ``np.int64`` (both are
        ``numbers.Integral`` and index, compare and batch like the digit), never a float
        (``5.0``), a string (``'5'``) or a one-element tensor (``tensor(5)``). An index past the
        end raises ``IndexError`` (that is how ``for x in ds`` stops).
        """
        # TODO: Implement for Kata 1.3.
        raise NotImplementedError("Need to implement for Kata 1.3: MnistDataset.__getitem__")

    def as_image(self, index: int) -> torch.Tensor:
        """Digit ``index`` as a ``[28, 28]`` float tensor (pixels 0-1), ready for ``plt.imshow``."""
        # TODO: Implement for Kata 1.4.
        raise NotImplementedError("Need to implement for Kata 1.4: MnistDataset.as_image")
