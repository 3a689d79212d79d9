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
from gankata.testkit.messages import msg

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
        why=msg(
            "nn.Sequential(View(2, 3)) failed: View must be an nn.Module. Subclass nn.Module "
            "and call super().__init__() first thing in __init__.",
            "nn.Sequential(View(2, 3))이 실패했습니다: View는 nn.Module이어야 합니다. "
            "nn.Module을 상속하고, __init__에서 가장 먼저 super().__init__()을 호출하세요.",
        ),
    )
    x = torch.arange(6.0)
    out = call(
        model,
        x,
        why=msg(
            "nn.Sequential(View(2, 3))(torch.arange(6.0)) failed. forward(x) should return "
            "x.view(*self.shape), with the shape kept in __init__.",
            "nn.Sequential(View(2, 3))(torch.arange(6.0))이 실패했습니다. forward(x)는 "
            "__init__에서 저장해 둔 모양으로 x.view(*self.shape)를 반환해야 합니다.",
        ),
    )
    assert isinstance(out, torch.Tensor) and out.shape == (2, 3), msg(
        "View(2, 3) turned six numbers into {got}; expected shape (2, 3). forward should "
        "return x.view(*self.shape).",
        "View(2, 3)이 숫자 여섯 개를 {got}(으)로 바꿨습니다. 모양이 (2, 3)이어야 합니다. "
        "forward는 x.view(*self.shape)를 반환해야 합니다.",
        got=getattr(out, "shape", out),
    )
    assert torch.equal(out, x.view(2, 3)), msg(
        "View(2, 3)(arange(6)) returned {got}; expected {expected}: the numbers keep their "
        "order, row by row.",
        "View(2, 3)(arange(6))의 결과가 {got}입니다. 기대한 값은 {expected}입니다: 숫자들은 "
        "한 행씩 차례로, 원래 순서를 그대로 지킵니다.",
        got=out.tolist(),
        expected=x.view(2, 3).tolist(),
    )


def test_view_flattens_a_celeba_face(kata):
    face = torch.rand(FACE)
    out = call(
        kata.View(FACE_VALUES),
        face,
        why=msg(
            "View({values})(face {face}) failed. A face of {face} holds exactly {values} "
            "numbers, so x.view({values}) fits.",
            "View({values})(face {face})이 실패했습니다. 모양이 {face}인 얼굴에는 숫자가 정확히 "
            "{values}개 있으므로 x.view({values})로 딱 맞습니다.",
            values=FACE_VALUES,
            face=FACE,
        ),
    )
    assert out.shape == (FACE_VALUES,), msg(
        "View(218 * 178 * 3) turned a face of shape {face} into shape {shape}; expected "
        "({values},): one row of numbers for the discriminator's nn.Linear.",
        "View(218 * 178 * 3)이 모양 {face}의 얼굴을 모양 {shape}(으)로 바꿨습니다. "
        "기대한 모양은 ({values},)입니다: 판별기의 nn.Linear에 넣을 숫자 한 줄입니다.",
        face=FACE,
        shape=tuple(out.shape),
        values=FACE_VALUES,
    )
    assert torch.equal(out, face.view(-1)), msg(
        "View(218 * 178 * 3) changed the order of the face's numbers; expected exactly "
        "face.view(116412) (row by row, colour last). Did you permute or transpose first?",
        "View(218 * 178 * 3)이 얼굴 숫자들의 순서를 바꿨습니다. 정확히 face.view(116412)"
        "(한 행씩, 색이 마지막)와 같아야 합니다. 먼저 permute나 전치(transpose)를 하지 "
        "않았나요?",
    )


def test_view_turns_a_generator_output_back_into_a_face(kata):
    values = torch.rand(FACE_VALUES)
    out = call(
        kata.View(*FACE),
        values,
        why=msg(
            "View(218, 178, 3)(116412 numbers) failed. 218 * 178 * 3 = 116412, so "
            "x.view(218, 178, 3) fits: is the whole shape kept (def __init__(self, *shape))?",
            "View(218, 178, 3)(숫자 116412개)가 실패했습니다. 218 * 178 * 3 = 116412이므로 "
            "x.view(218, 178, 3)은 딱 맞습니다: 모양 전체를 저장했나요"
            "(def __init__(self, *shape))?",
        ),
    )
    assert out.shape == FACE and torch.equal(out, values.view(FACE)), msg(
        "View(218, 178, 3) turned the generator's {values} outputs into shape {shape}; "
        "expected {face} holding the same numbers in the same order, ready for plt.imshow.",
        "View(218, 178, 3)이 생성기의 출력 {values}개를 모양 {shape}(으)로 바꿨습니다. 같은 "
        "숫자를 같은 순서로 담은 모양 {face}, 즉 plt.imshow에 바로 넘길 수 있는 그림이어야 "
        "합니다.",
        values=FACE_VALUES,
        shape=tuple(out.shape),
        face=FACE,
    )


def test_view_accepts_minus_one_for_one_dimension(kata):
    x = torch.rand(2, 3, 4)
    out = call(
        kata.View(-1, 4),
        x,
        why=msg(
            "View(-1, 4)(tensor of shape (2, 3, 4)) failed. x.view(-1, 4) works: pass the "
            "shape on as it is, -1 included.",
            "View(-1, 4)(모양이 (2, 3, 4)인 텐서)가 실패했습니다. x.view(-1, 4)는 동작합니다: "
            "-1까지 포함해 모양을 그대로 넘기세요.",
        ),
    )
    assert out.shape == (6, 4) and torch.equal(out, x.view(6, 4)), msg(
        "View(-1, 4) on shape (2, 3, 4) gave shape {shape}; expected (6, 4): -1 means "
        "'whatever makes the sizes add up' (24 values / 4 = 6).",
        "모양 (2, 3, 4)에 View(-1, 4)를 쓰니 모양이 {shape}입니다. (6, 4)여야 합니다: -1은 "
        "'크기가 맞아떨어지게 하는 값'이라는 뜻입니다(값 24개 / 4 = 6).",
        shape=tuple(out.shape),
    )


@given(dims=st.lists(st.integers(1, 5), min_size=1, max_size=4))
def test_view_gives_any_shape_whose_size_fits(kata, dims):
    x = torch.arange(float(math.prod(dims)))
    out = call(
        kata.View(*dims),
        x,
        why=msg(
            "View{dims}(arange({n})) failed, although {n} numbers fit the shape {dims}.",
            "숫자 {n}개는 모양 {dims}에 딱 맞는데도 View{dims}(arange({n}))이(가) 실패했습니다.",
            dims=tuple(dims),
            n=x.numel(),
        ),
    )
    assert out.shape == tuple(dims) and torch.equal(out, x.view(*dims)), msg(
        "View{dims} on {n} numbers gave shape {shape}; expected {dims} with the numbers in "
        "order, as x.view{dims}.",
        "숫자 {n}개에 View{dims}을(를) 쓰니 모양이 {shape}입니다. x.view{dims}처럼, 숫자들이 "
        "순서대로 놓인 모양이어야 합니다. 기대한 모양은 {dims}입니다.",
        dims=tuple(dims),
        n=x.numel(),
        shape=tuple(out.shape),
    )


def test_view_shares_memory_with_its_input(kata):
    x = torch.zeros(6)
    out = call(
        kata.View(3, 2),
        x,
        why=msg(
            "View(3, 2)(zeros(6)) failed, although six numbers fit the shape (3, 2).",
            "숫자 여섯 개는 모양 (3, 2)에 딱 맞는데도 View(3, 2)(zeros(6))이 실패했습니다.",
        ),
    )
    out[0, 0] = 100.0
    assert shares_memory(out, x) and x[0] == 100.0, msg(
        "Writing into View(3, 2)(x) did not change x: View returned a copy. x.view(...) "
        "returns a view of the same memory (free, no copy); reshape or clone() may copy.",
        "View(3, 2)(x)에 값을 써 넣었는데 x가 바뀌지 않았습니다: View가 복사본을 "
        "반환했습니다. x.view(...)는 같은 메모리를 보는 뷰를 반환합니다(복사하지 않으니 "
        "공짜입니다). reshape나 clone()은 복사할 수 있습니다.",
    )


def test_view_refuses_to_copy_a_tensor_that_cannot_be_viewed(kata):
    x = torch.rand(3, 4).t()
    expect_error(
        (ValueError, RuntimeError),
        kata.View(12),
        x,
        why=msg(
            "View(12) on a transposed (3, 4) tensor must raise: its numbers are not in row "
            "order in memory, so it cannot be viewed as one row without a copy, and View must "
            "never copy. Use x.view(...), not x.reshape(...) or x.contiguous().view(...).",
            "전치된 (3, 4) 텐서에 View(12)를 쓰면 오류가 발생해야 합니다: 이 텐서의 숫자들은 "
            "메모리에 행 순서로 놓여 있지 않아서 복사하지 않고는 한 줄로 볼 수 없는데, View는 "
            "절대 복사하면 안 됩니다. x.reshape(...)나 x.contiguous().view(...)가 아니라 "
            "x.view(...)를 쓰세요.",
        ),
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
        why=msg(
            "View{shape} on a tensor of shape {size} must raise ValueError: {n} values do "
            "not fit. Catch view's RuntimeError and raise a ValueError that shows both shapes.",
            "모양이 {size}인 텐서에 View{shape}을(를) 쓰면 ValueError를 발생시켜야 합니다: 값 "
            "{n}개가 그 모양에 맞지 않습니다. view의 RuntimeError를 잡아서, 두 모양을 모두 "
            "보여 주는 ValueError를 발생시키세요.",
            shape=shape,
            size=size,
            n=x.numel(),
        ),
    )
    missing = [str(n) for n in (*size, *shape) if str(n) not in numbers_in(str(error))]
    assert not missing, msg(
        "View{shape} on shape {size} raised ValueError({error!r}); the message should give "
        "the input's shape {size} and the requested shape {shape}, but lacks {missing}.",
        "모양 {size}에 View{shape}을(를) 쓰니 ValueError({error!r})가 발생했습니다. 메시지에 "
        "입력의 모양 {size}와 요청한 모양 {shape}가 모두 있어야 하는데, {missing}이(가) "
        "빠져 있습니다.",
        shape=shape,
        size=size,
        error=str(error),
        missing=missing,
    )


def test_view_passes_gradients_through(kata):
    x = torch.rand(2, 6, requires_grad=True)
    out = call(
        kata.View(3, 4),
        x,
        why=msg(
            "View(3, 4) on a tensor that requires grad failed. x.view(...) works on such a "
            "tensor (autograd records it for backward); stay in torch: .numpy() refuses a "
            "tensor that requires grad.",
            "requires_grad인 텐서에 View(3, 4)를 쓰니 실패했습니다. x.view(...)는 이런 텐서에도 "
            "동작합니다(autograd가 역전파를 위해 기록합니다). torch 안에서 처리하세요: "
            ".numpy()는 requires_grad인 텐서를 거부합니다.",
        ),
    )
    assert out.requires_grad, msg(
        "View(3, 4)(x) does not require grad although x does: the gradient cannot flow back "
        "through View. Use x.view(...), not x.data or x.detach().",
        "x는 기울기가 필요한데 View(3, 4)(x)는 requires_grad가 아닙니다: 기울기가 View를 지나 "
        "거꾸로 흐를 수 없습니다. x.data나 x.detach()가 아니라 x.view(...)를 쓰세요.",
    )
    (out * torch.arange(12.0).view(3, 4)).sum().backward()
    assert x.grad is not None and torch.equal(x.grad, torch.arange(12.0).view(2, 6)), msg(
        "The gradient that reached x through View(3, 4) was {grad}; expected each output's "
        "gradient back at the input it came from. Use x.view(...) alone, with no copy or "
        "reordering on the way.",
        "View(3, 4)를 지나 x에 도달한 기울기가 {grad}입니다. 각 출력의 기울기가 그 출력이 "
        "나온 입력 자리로 돌아와야 합니다. 중간에 복사하거나 순서를 바꾸지 말고 "
        "x.view(...)만 쓰세요.",
        grad=x.grad,
    )


# ## Task 2.2: BatchView


@pytest.mark.parametrize("batch", [1, 16, 32, 64])
def test_batchview_turns_generator_outputs_into_images(kata, batch):
    x = torch.rand(batch, 784)
    out = call(
        kata.BatchView(1, 28, 28),
        x,
        why=msg(
            "BatchView(1, 28, 28) on a batch of shape ({batch}, 784) failed. Every batch "
            "size must work: take it from x.size(0).",
            "모양이 ({batch}, 784)인 배치에 BatchView(1, 28, 28)을 쓰니 실패했습니다. 어떤 "
            "배치 크기든 동작해야 합니다: 배치 크기는 x.size(0)에서 얻으세요.",
            batch=batch,
        ),
    )
    assert out.shape == (batch, 1, 28, 28), msg(
        "BatchView(1, 28, 28) on a batch of {batch} gave shape {shape}; expected ({batch}, 1, "
        "28, 28). Take the batch size from x.size(0), never a fixed batch size.",
        "크기가 {batch}인 배치에 BatchView(1, 28, 28)을 쓰니 모양이 {shape}입니다. "
        "({batch}, 1, 28, 28)이어야 합니다. 배치 크기는 고정된 값이 아니라 항상 x.size(0)에서 "
        "얻으세요.",
        batch=batch,
        shape=tuple(out.shape),
    )
    assert torch.equal(out, x.view(batch, 1, 28, 28)) and shares_memory(out, x), msg(
        "BatchView(1, 28, 28) on a batch of {batch} moved or copied the numbers; expected "
        "x.view({batch}, 1, 28, 28), which shares x's memory.",
        "크기가 {batch}인 배치에 BatchView(1, 28, 28)을 쓰니 숫자들이 옮겨지거나 복사됐습니다. "
        "x와 메모리를 공유하는 x.view({batch}, 1, 28, 28)이어야 합니다.",
        batch=batch,
    )


@pytest.mark.parametrize("batch", [1, 5])
def test_batchview_minus_one_flattens_each_image(kata, batch):
    x = torch.rand(batch, 1, 28, 28)
    out = call(
        kata.BatchView(-1),
        x,
        why=msg(
            "BatchView(-1) on shape ({batch}, 1, 28, 28) failed. x.view(x.size(0), -1) "
            "flattens each image: take the batch size from x.size(0) (view cannot infer two "
            "-1s) and pass the item shape on as it is, -1 included.",
            "모양 ({batch}, 1, 28, 28)에 BatchView(-1)을 쓰니 실패했습니다. "
            "x.view(x.size(0), -1)은 이미지마다 펼쳐 줍니다: 배치 크기는 x.size(0)에서 얻고"
            "(view는 -1 두 개를 한꺼번에 추론하지 못합니다), 항목의 모양은 -1까지 포함해 "
            "그대로 넘기세요.",
            batch=batch,
        ),
    )
    assert out.shape == (batch, 784), msg(
        "BatchView(-1) on {batch} images of (1, 28, 28) gave shape {shape}; expected "
        "({batch}, 784): keep the batch dimension and flatten each image. Flattening the "
        "batch into the features mixes different images in one row.",
        "(1, 28, 28) 이미지 {batch}개에 BatchView(-1)을 쓰니 모양이 {shape}입니다. "
        "({batch}, 784)여야 합니다: 배치 차원은 그대로 두고 이미지마다 펼치세요. 배치까지 "
        "특성 쪽으로 펼치면 서로 다른 이미지가 한 행에 섞입니다.",
        batch=batch,
        shape=tuple(out.shape),
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
        why=msg(
            "BatchView{item} on shape {shape} failed. Every batch size must work: take it "
            "from x.size(0).",
            "모양 {shape}에 BatchView{item}을(를) 쓰니 실패했습니다. 어떤 배치 크기든 동작해야 "
            "합니다: 배치 크기는 x.size(0)에서 얻으세요.",
            item=tuple(item),
            shape=tuple(x.shape),
        ),
    )
    assert out.shape == (batch, *item) and torch.equal(out, x.view(batch, *item)), msg(
        "BatchView{item} on a batch of {batch} gave shape {shape}; expected {expected}. The "
        "batch size is x.size(0): a hard-coded batch size breaks on the last, shorter batch.",
        "크기가 {batch}인 배치에 BatchView{item}을(를) 쓰니 모양이 {shape}입니다. 기대한 모양은 "
        "{expected}입니다. 배치 크기는 x.size(0)입니다: 배치 크기를 코드에 박아 넣으면 "
        "더 짧은 마지막 배치에서 깨집니다.",
        item=tuple(item),
        batch=batch,
        shape=tuple(out.shape),
        expected=(batch, *item),
    )


def test_batchview_handles_the_last_short_batch_of_a_dataloader(kata):
    generator = nn.Sequential(nn.Linear(10, 784), nn.Sigmoid(), kata.BatchView(1, 28, 28))
    loader = DataLoader(TensorDataset(torch.randn(100, 10)), batch_size=64)
    shapes = []
    for (seeds,) in loader:
        out = call(
            generator,
            seeds,
            why=msg(
                "A generator ending in BatchView(1, 28, 28) failed on a batch of {n} (100 "
                "seeds in batches of 64 leave 36 at the end). Is the batch size fixed, or left "
                "out? Put x.size(0) in front.",
                "BatchView(1, 28, 28)로 끝나는 생성기가 크기 {n}인 배치에서 실패했습니다(시드 "
                "100개를 64개씩 묶으면 마지막에 36개가 남습니다). 배치 크기를 고정했거나 "
                "빠뜨리지 않았나요? 맨 앞에 x.size(0)을 두세요.",
                n=len(seeds),
            ),
        )
        shapes.append(tuple(out.shape))
    assert shapes == [(64, 1, 28, 28), (36, 1, 28, 28)], msg(
        "A generator ending in BatchView(1, 28, 28) gave batches of shapes {shapes}; expected "
        "[(64, 1, 28, 28), (36, 1, 28, 28)]: the last batch is shorter, and the batch size "
        "must come from x.size(0).",
        "BatchView(1, 28, 28)로 끝나는 생성기가 만든 배치들의 모양이 {shapes}입니다. "
        "[(64, 1, 28, 28), (36, 1, 28, 28)]이어야 합니다: 마지막 배치는 더 짧으므로, 배치 "
        "크기는 x.size(0)에서 얻어야 합니다.",
        shapes=shapes,
    )


def test_batchview_shares_memory_with_a_sliced_batch(kata):
    base = torch.rand(8, 3, 4)
    every_other = base[::2]
    out = call(
        kata.BatchView(12),
        every_other,
        why=msg(
            "BatchView(12) on base[::2] failed. Each item's 3 x 4 numbers are side by side in "
            "memory, so x.view(x.size(0), 12) works on this slice without a copy.",
            "base[::2]에 BatchView(12)를 쓰니 실패했습니다. 각 항목의 3 x 4개 숫자는 메모리에 "
            "나란히 있으므로, 이 슬라이스에는 복사 없이 x.view(x.size(0), 12)가 동작합니다.",
        ),
    )
    assert out.shape == (4, 12) and shares_memory(out, base), msg(
        "BatchView(12) on every other item of a batch (base[::2], not contiguous but "
        "viewable) returned a copy. Each item's 3 x 4 numbers are still side by side, so "
        "x.view(...) works without a copy; .contiguous() or clone() copies the whole batch.",
        "배치의 항목을 하나 걸러 하나씩 뽑은 것(base[::2], 연속적이지는 않지만 view할 수 "
        "있음)에 BatchView(12)를 쓰니 복사본이 나왔습니다. 각 항목의 3 x 4개 숫자는 여전히 "
        "나란히 있으므로 x.view(...)는 복사 없이 동작합니다. .contiguous()나 clone()은 배치 "
        "전체를 복사합니다.",
    )


def test_batchview_refuses_items_that_do_not_fit(kata):
    x = torch.rand(2, 2 * 784)
    expect_error(
        (ValueError, RuntimeError),
        kata.BatchView(1, 28, 28),
        x,
        why=msg(
            "BatchView(1, 28, 28) on 2 items of 1568 values must raise: 1568 values do not "
            "make one (1, 28, 28) image. Writing -1 for the batch dimension silently changes "
            "the batch size (2 items become 4) instead; use x.view(x.size(0), *self.shape).",
            "값 1568개짜리 항목 2개에 BatchView(1, 28, 28)을 쓰면 오류가 발생해야 합니다: 값 "
            "1568개로는 (1, 28, 28) 이미지 하나를 만들 수 없습니다. 배치 차원에 -1을 쓰면 "
            "그 대신 배치 크기가 조용히 바뀝니다(항목 2개가 4개가 됩니다). "
            "x.view(x.size(0), *self.shape)를 쓰세요.",
        ),
    )


def test_batchview_passes_gradients_through(kata):
    x = torch.rand(3, 784, requires_grad=True)
    out = call(
        kata.BatchView(1, 28, 28),
        x,
        why=msg(
            "BatchView(1, 28, 28) on a batch of shape (3, 784) that requires grad failed. "
            "Take the batch size from x.size(0) (3 here) and stay in torch: .numpy() refuses "
            "a tensor that requires grad.",
            "requires_grad인 (3, 784) 배치에 BatchView(1, 28, 28)을 쓰니 실패했습니다. 배치 "
            "크기는 x.size(0)에서 얻고(여기서는 3), torch 안에서 처리하세요: .numpy()는 "
            "requires_grad인 텐서를 거부합니다.",
        ),
    )
    out.sum().backward()
    assert x.grad is not None and torch.equal(x.grad, torch.ones(3, 784)), msg(
        "The gradient that reached x through BatchView was {grad}; expected ones (the "
        "gradient of a sum). Use x.view(...), not x.data or x.detach().",
        "BatchView를 지나 x에 도달한 기울기가 {grad}입니다. 모두 1이어야 합니다(합의 "
        "기울기입니다). x.data나 x.detach()가 아니라 x.view(...)를 쓰세요.",
        grad=x.grad,
    )
