"""Reference answer to kata 2 (katas/view_reshape.py holds the lesson)."""

from __future__ import annotations

import torch
from torch import nn


class View(nn.Module):
    """Views its input as ``shape`` (one entry may be ``-1``), like ``x.view(*shape)``."""

    def __init__(self, *shape: int) -> None:
        """Remember ``shape``; ``View(2, 3)`` views six numbers as two rows of three."""
        super().__init__()
        self.shape = shape

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """``x`` viewed as ``shape``: same memory, no copy.

        Raises ``ValueError`` giving ``x``'s shape and the requested shape when the sizes do not
        fit. A tensor whose memory layout cannot be viewed (``x.t()``) raises ``ValueError``
        too (wrap ``view``'s ``RuntimeError``); never copy.
        """
        try:
            return x.view(*self.shape)
        except RuntimeError as error:
            raise ValueError(
                f"View{self.shape} cannot view a tensor of shape {tuple(x.shape)} "
                f"({x.numel()} values): {error}"
            ) from error


class BatchView(nn.Module):
    """Views each item of a batch as ``shape``: ``[B, ...] -> [B, *shape]``, for any B."""

    def __init__(self, *shape: int) -> None:
        """Remember ``shape``, the shape of one item; ``BatchView(1, 28, 28)`` makes images."""
        super().__init__()
        self.shape = shape

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """``x`` viewed as ``[x.size(0), *shape]``: the batch size comes from ``x``, never a global.

        Shares ``x``'s memory; an item whose size does not fit ``shape`` raises, it never
        changes the batch size.
        """
        try:
            return x.view(x.size(0), *self.shape)
        except RuntimeError as error:
            raise ValueError(
                f"BatchView{self.shape} cannot view a batch of shape {tuple(x.shape)} as "
                f"{x.size(0)} items of shape {self.shape}: {error}"
            ) from error
