"""Kata 2 · View and BatchView: reshaping inside nn.Sequential.
한국어 수업: ``gankata lesson view_reshape --lang ko``

Sources: Make Your First GAN With PyTorch, ch. 8 (Human Faces), as the blog post on the
book's ch. 7 and 8 gives it ("View(): 3차원 이미지 텐서를 1차원 형태의 텐서로 변환"), and the
vanilla PyTorch GAN code review (``out = out.view(batch_size, 1, 28, 28)``).

A fully connected network wants flat vectors, but pictures are not flat. A CelebA face is a
tensor of shape (218, 178, 3): 218 rows, 178 columns, three colours. The book's discriminator
is a stack of ``nn.Linear`` layers, so it first lines the 218 x 178 x 3 = 116412 numbers up
in one row; the generator goes the other way and turns its 116412 outputs back into a
(218, 178, 3) picture you can show with ``plt.imshow``. The order in which the numbers are
lined up does not matter to a fully connected layer, as long as it is always the same.

``nn.Sequential`` only holds modules, so the book wraps ``Tensor.view`` in a tiny module,
``View``, and puts it in the stack like any layer::

    nn.Sequential(View(218 * 178 * 3), nn.Linear(218 * 178 * 3, 100), ...)   # discriminator
    nn.Sequential(..., nn.Linear(300, 218 * 178 * 3), nn.Sigmoid(), View(218, 178, 3))

(The book writes ``View(shape)`` and stores ``self.shape = shape,``: the trailing comma makes a
one-element tuple so that ``x.view(*self.shape)`` works. ``View(*shape)`` says the same thing
without the trick.)

**view, reshape and copies.** ``x.view(...)`` never copies: the result is a new *view* of the
same memory, so it is free, and writing into it writes into ``x``. That is only possible when
the memory layout allows it; when it does not (for example after a transpose, ``x.t()``),
``view`` raises. ``x.reshape(...)`` would quietly make a copy instead, which costs memory and
time on every forward pass and hides the question of *why* the layout changed. Our ``View``
promises a view, so when a tensor cannot be viewed it must say so rather than copy. A size
that does not fit (116412 numbers cannot become (28, 28)) is a plain mistake in the model,
and deserves a clear ``ValueError`` that shows both shapes. One dimension may be ``-1``,
meaning "whatever makes the sizes add up".

**The batch dimension.** Models see batches: a generator's output has shape (B, 784), and to
make B images of (1, 28, 28) you need ``x.view(B, 1, 28, 28)``. The code review reads B from
a global ``batch_size``, which breaks on the last, shorter batch of every epoch (60,000
MNIST digits in batches of 64 leave 32 at the end) and whenever you generate 16 pictures to
look at. ``BatchView(1, 28, 28)`` reads B from the input instead: ``x.size(0)``. Writing
``-1`` for the batch dimension is no better: if the features do not fit, the batch size
silently changes (two images of 1568 numbers become four of 784) instead of failing.
(PyTorch later added ``nn.Flatten`` and ``nn.Unflatten``, which do the batch-keeping jobs;
writing them yourself is how you learn what they do.)

What to implement (search for "Kata 2." to find every TODO):

    2.1  View(*shape)          View(218 * 178 * 3)(face) -> 116412 numbers, sharing memory
    2.2  BatchView(*shape)     BatchView(1, 28, 28)(batch of [B, 784]) -> [B, 1, 28, 28]

Try it::

    x = torch.arange(6.0)
    y = View(2, 3)(x)
    y[0, 0] = 100.0        # x[0] is now 100 too: y is a view of x's memory

The classic mistakes: ``reshape`` (or ``.contiguous()``) that silently copies instead of
``view``; a hard-coded batch size; ``-1`` or no batch dimension at all, so that the batch is
flattened into the features; letting a size mismatch escape as a ``RuntimeError`` from deep
inside ``view`` instead of a ``ValueError`` that names both shapes.
"""

from __future__ import annotations

import torch
from torch import nn


class View(nn.Module):
    """Views its input as ``shape`` (one entry may be ``-1``), like ``x.view(*shape)``."""

    def __init__(self, *shape: int) -> None:
        """Remember ``shape``; ``View(2, 3)`` views six numbers as two rows of three."""
        # TODO: Implement for Kata 2.1.
        raise NotImplementedError("Need to implement for Kata 2.1: View.__init__")

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """``x`` viewed as ``shape``: same memory, no copy.

        Raises ``ValueError`` giving ``x``'s shape and the requested shape when the sizes do not
        fit. A tensor whose memory layout cannot be viewed (``x.t()``) raises ``ValueError``
        too (wrap ``view``'s ``RuntimeError``); never copy.
        """
        # TODO: Implement for Kata 2.1.
        raise NotImplementedError("Need to implement for Kata 2.1: View.forward")


class BatchView(nn.Module):
    """Views each item of a batch as ``shape``: ``[B, ...] -> [B, *shape]``, for any B."""

    def __init__(self, *shape: int) -> None:
        """Remember ``shape``, the shape of one item; ``BatchView(1, 28, 28)`` makes images."""
        # TODO: Implement for Kata 2.2.
        raise NotImplementedError("Need to implement for Kata 2.2: BatchView.__init__")

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """``x`` viewed as ``[x.size(0), *shape]``: the batch size comes from ``x``, never a global.

        Shares ``x``'s memory; an item whose size does not fit ``shape`` raises, it never
        changes the batch size.
        """
        # TODO: Implement for Kata 2.2.
        raise NotImplementedError("Need to implement for Kata 2.2: BatchView.forward")
