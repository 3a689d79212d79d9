"""Kata 2 · View and BatchView: reshaping inside nn.Sequential (katas/view_reshape.py)."""

from __future__ import annotations

import math
import re

import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from gankata.testkit.assertions import call, expect_error

FACE = (218, 178, 3)
FACE_VALUES = 218 * 178 * 3


def shares_memory(a: torch.Tensor, b: torch.Tensor) -> bool:
    return a.untyped_storage().data_ptr() == b.untyped_storage().data_ptr()


def numbers_in(text: str) -> list[str]:
    return re.findall(r"-?\d+", text)


# ## Task 2.1: View


def test_view_is_a_module_that_works_inside_sequential(kata):
    model = call(
        nn.Sequential,
        kata.View(2, 3),
        why="nn.Sequential(View(2, 3)) failed: View must be an nn.Module. Subclass nn.Module "
        "and call super().__init__() first thing in __init__.",
    )
    x = torch.arange(6.0)
    out = call(model, x, why="nn.Sequential(View(2, 3))(torch.arange(6.0)) failed.")
    assert isinstance(out, torch.Tensor) and out.shape == (2, 3), (
        f"View(2, 3) turned six numbers into {getattr(out, 'shape', out)}; expected shape (2, 3). "
        "forward should return x.view(*self.shape)."
    )
    assert torch.equal(out, x.view(2, 3)), (
        f"View(2, 3)(arange(6)) returned {out.tolist()}; expected {x.view(2, 3).tolist()}: the "
        "numbers keep their order, row by row."
    )


def test_view_flattens_a_celeba_face(kata):
    face = torch.rand(FACE)
    out = call(kata.View(FACE_VALUES), face, why=f"View({FACE_VALUES})(face {FACE}) failed.")
    assert out.shape == (FACE_VALUES,), (
        f"View(218 * 178 * 3) turned a face of shape {FACE} into shape {tuple(out.shape)}; "
        f"expected ({FACE_VALUES},): one row of numbers for the discriminator's nn.Linear."
    )
    assert torch.equal(out, face.view(-1)), (
        "View(218 * 178 * 3) changed the order of the face's numbers; expected exactly "
        "face.view(116412) (row by row, colour last). Did you permute or transpose first?"
    )


def test_view_turns_a_generator_output_back_into_a_face(kata):
    values = torch.rand(FACE_VALUES)
    out = call(kata.View(*FACE), values, why="View(218, 178, 3)(116412 numbers) failed.")
    assert out.shape == FACE and torch.equal(out, values.view(FACE)), (
        f"View(218, 178, 3) turned the generator's {FACE_VALUES} outputs into shape "
        f"{tuple(out.shape)}; expected {FACE} holding the same numbers in the same order, "
        "ready for plt.imshow."
    )


def test_view_accepts_minus_one_for_one_dimension(kata):
    x = torch.rand(2, 3, 4)
    out = call(kata.View(-1, 4), x, why="View(-1, 4)(tensor of shape (2, 3, 4)) failed.")
    assert out.shape == (6, 4) and torch.equal(out, x.view(6, 4)), (
        f"View(-1, 4) on shape (2, 3, 4) gave shape {tuple(out.shape)}; expected (6, 4): -1 "
        "means 'whatever makes the sizes add up' (24 values / 4 = 6)."
    )


@given(dims=st.lists(st.integers(1, 5), min_size=1, max_size=4))
def test_view_gives_any_shape_whose_size_fits(kata, dims):
    x = torch.arange(float(math.prod(dims)))
    out = call(kata.View(*dims), x, why=f"View{tuple(dims)}(arange({x.numel()})) failed.")
    assert out.shape == tuple(dims) and torch.equal(out, x.view(*dims)), (
        f"View{tuple(dims)} on {x.numel()} numbers gave shape {tuple(out.shape)}; expected "
        f"{tuple(dims)} with the numbers in order, as x.view{tuple(dims)}."
    )


def test_view_shares_memory_with_its_input(kata):
    x = torch.zeros(6)
    out = call(kata.View(3, 2), x, why="View(3, 2)(zeros(6)) failed.")
    out[0, 0] = 100.0
    assert shares_memory(out, x) and x[0] == 100.0, (
        "Writing into View(3, 2)(x) did not change x: View returned a copy. x.view(...) "
        "returns a view of the same memory (free, no copy); reshape or clone() may copy."
    )


def test_view_refuses_to_copy_a_tensor_that_cannot_be_viewed(kata):
    x = torch.rand(3, 4).t()
    expect_error(
        (ValueError, RuntimeError),
        kata.View(12),
        x,
        why="View(12) on a transposed (3, 4) tensor must raise: its numbers are not in row "
        "order in memory, so it cannot be viewed as one row without a copy, and View must "
        "never copy. Use x.view(...), not x.reshape(...) or x.contiguous().view(...).",
    )


@pytest.mark.parametrize(
    ("shape", "size"), [((6, -1), (5, 7)), ((28, 28), (FACE_VALUES,))], ids=["6x-1", "28x28"]
)
def test_view_size_mismatch_is_a_value_error_naming_both_shapes(kata, shape, size):
    x = torch.rand(size)
    error = expect_error(
        ValueError,
        kata.View(*shape),
        x,
        why=f"View{shape} on a tensor of shape {size} must raise ValueError: "
        f"{x.numel()} values do not fit. Catch view's RuntimeError and raise a ValueError "
        "that shows both shapes.",
    )
    missing = [str(n) for n in (*size, *shape) if str(n) not in numbers_in(str(error))]
    assert not missing, (
        f"View{shape} on shape {size} raised ValueError({str(error)!r}); the message should "
        f"give the input's shape {size} and the requested shape {shape}, but lacks {missing}."
    )


def test_view_passes_gradients_through(kata):
    x = torch.rand(2, 6, requires_grad=True)
    out = call(kata.View(3, 4), x, why="View(3, 4) on a tensor that requires grad failed.")
    assert out.requires_grad, (
        "View(3, 4)(x) does not require grad although x does: the gradient cannot flow back "
        "through View. Use x.view(...), not x.data or x.detach()."
    )
    (out * torch.arange(12.0).view(3, 4)).sum().backward()
    assert x.grad is not None and torch.equal(x.grad, torch.arange(12.0).view(2, 6)), (
        f"The gradient that reached x through View(3, 4) was {x.grad}; expected each output's "
        "gradient back at the input it came from."
    )


# ## Task 2.2: BatchView


@pytest.mark.parametrize("batch", [1, 16, 32, 64])
def test_batchview_turns_generator_outputs_into_images(kata, batch):
    x = torch.rand(batch, 784)
    out = call(
        kata.BatchView(1, 28, 28),
        x,
        why=f"BatchView(1, 28, 28) on a batch of shape ({batch}, 784) failed. Every batch "
        "size must work: take it from x.size(0).",
    )
    assert out.shape == (batch, 1, 28, 28), (
        f"BatchView(1, 28, 28) on a batch of {batch} gave shape {tuple(out.shape)}; expected "
        f"({batch}, 1, 28, 28). Take the batch size from x.size(0), never a fixed batch size."
    )
    assert torch.equal(out, x.view(batch, 1, 28, 28)) and shares_memory(out, x), (
        f"BatchView(1, 28, 28) on a batch of {batch} moved or copied the numbers; expected "
        f"x.view({batch}, 1, 28, 28), which shares x's memory."
    )


@pytest.mark.parametrize("batch", [1, 5])
def test_batchview_minus_one_flattens_each_image(kata, batch):
    x = torch.rand(batch, 1, 28, 28)
    out = call(kata.BatchView(-1), x, why=f"BatchView(-1) on shape ({batch}, 1, 28, 28) failed.")
    assert out.shape == (batch, 784), (
        f"BatchView(-1) on {batch} images of (1, 28, 28) gave shape {tuple(out.shape)}; expected "
        f"({batch}, 784): keep the batch dimension and flatten each image. Flattening the "
        "batch into the features mixes different images in one row."
    )


@given(
    batch=st.integers(1, 70),
    item=st.lists(st.integers(1, 4), min_size=1, max_size=3),
)
def test_batchview_works_for_every_batch_size(kata, batch, item):
    x = torch.rand(batch, math.prod(item))
    out = call(
        kata.BatchView(*item),
        x,
        why=f"BatchView{tuple(item)} on shape {tuple(x.shape)} failed. Every batch size must "
        "work: take it from x.size(0).",
    )
    assert out.shape == (batch, *item) and torch.equal(out, x.view(batch, *item)), (
        f"BatchView{tuple(item)} on a batch of {batch} gave shape {tuple(out.shape)}; expected "
        f"{(batch, *item)}. The batch size is x.size(0): a hard-coded batch size breaks "
        "on the last, shorter batch."
    )


def test_batchview_handles_the_last_short_batch_of_a_dataloader(kata):
    generator = nn.Sequential(nn.Linear(10, 784), nn.Sigmoid(), kata.BatchView(1, 28, 28))
    loader = DataLoader(TensorDataset(torch.randn(100, 10)), batch_size=64)
    shapes = []
    for (seeds,) in loader:
        out = call(
            generator,
            seeds,
            why=f"A generator ending in BatchView(1, 28, 28) failed on a batch of {len(seeds)} "
            "(100 seeds in batches of 64 leave 36 at the end). Is the batch size fixed?",
        )
        shapes.append(tuple(out.shape))
    assert shapes == [(64, 1, 28, 28), (36, 1, 28, 28)], (
        f"A generator ending in BatchView(1, 28, 28) gave batches of shapes {shapes}; expected "
        "[(64, 1, 28, 28), (36, 1, 28, 28)]: the last batch is shorter, and the batch size "
        "must come from x.size(0)."
    )


def test_batchview_shares_memory_with_a_sliced_batch(kata):
    base = torch.rand(8, 3, 4)
    every_other = base[::2]
    out = call(kata.BatchView(12), every_other, why="BatchView(12) on base[::2] failed.")
    assert out.shape == (4, 12) and shares_memory(out, base), (
        "BatchView(12) on every other item of a batch (base[::2], not contiguous but viewable) "
        "returned a copy. Each item's 3 x 4 numbers are still side by side, so x.view(...) "
        "works without a copy; .contiguous() or clone() copies the whole batch."
    )


def test_batchview_refuses_items_that_do_not_fit(kata):
    x = torch.rand(2, 2 * 784)
    expect_error(
        (ValueError, RuntimeError),
        kata.BatchView(1, 28, 28),
        x,
        why="BatchView(1, 28, 28) on 2 items of 1568 values must raise: 1568 values do not "
        "make one (1, 28, 28) image. Writing -1 for the batch dimension silently changes the "
        "batch size (2 items become 4) instead.",
    )


def test_batchview_passes_gradients_through(kata):
    x = torch.rand(3, 784, requires_grad=True)
    out = call(kata.BatchView(1, 28, 28), x, why="BatchView(1, 28, 28) with requires_grad failed.")
    out.sum().backward()
    assert x.grad is not None and torch.equal(x.grad, torch.ones(3, 784)), (
        f"The gradient that reached x through BatchView was {x.grad}; expected ones (the "
        "gradient of a sum). Use x.view(...), not x.data or x.detach()."
    )
