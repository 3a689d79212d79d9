"""The seeds' ``MnistDataset`` (seed 000, chapter 7), as written there: one pandas ``.iloc``
row lookup and one tensor built per item.

``fetch_openml('mnist_784')`` returns a bunch whose ``data`` is a DataFrame and whose
``target`` is a Series of strings; :func:`openml_like` builds the same from the embedded
digits so the book's code runs unchanged, offline.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import torch
from sklearn.utils import Bunch
from torch.utils.data import Dataset


def openml_like(images: np.ndarray, labels: np.ndarray) -> Bunch:
    """What ``fetch_openml('mnist_784')`` returns: a pixel DataFrame and string labels."""
    columns = [f"pixel{i + 1}" for i in range(images.shape[1])]
    return Bunch(
        data=pd.DataFrame(images.astype(np.float64), columns=columns),
        target=pd.Series(labels.astype(str), name="class"),
    )


class MnistDataset(Dataset):
    """The book's dataset: ``(label, image_values, target)`` per item."""

    def __init__(self, data: Bunch) -> None:
        self.data_set = data

    def __len__(self) -> int:
        return len(self.data_set.data)

    def __getitem__(self, index: int) -> tuple[str, torch.Tensor, torch.Tensor]:
        label = self.data_set.target[index]
        target = torch.zeros(10)
        target[int(label)] = 1.0
        image_values = torch.FloatTensor(self.data_set.data.iloc[index].values) / 255.0
        return label, image_values, target
