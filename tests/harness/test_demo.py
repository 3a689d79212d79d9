"""gankata demo mnist / dcgan: a short run writes every picture and the report."""

from __future__ import annotations

import ast
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import torch
from PIL import Image

from gankata.course.curriculum import load_curriculum
from gankata.demos import loop, mnist, run_dcgan_demo, run_mnist_demo
from gankata.runner import commands
from gankata.testkit.devices import THREADS_ENV, small_model_threads, torch_threads

ROOT = Path(__file__).resolve().parents[2]
PICTURES = ("samples.png", "losses.png", "latent_walk.png", "seed_experiments.png")


@pytest.fixture
def in_checkout(checkout: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(checkout)
    return checkout


@pytest.mark.parametrize("collapse", [False, True], ids=["improved", "collapse"])
def test_a_short_run_writes_the_pictures_and_the_report(in_checkout, tmp_path, collapse):
    run = run_mnist_demo(
        out=tmp_path / "runs", collapse=collapse, steps=20, batch_size=4, show_progress=False
    )
    assert run.parent == tmp_path / "runs"
    assert run.name.startswith("collapse-" if collapse else "improved-"), run.name
    for picture in PICTURES:
        with Image.open(run / picture) as image:
            assert image.size[0] > 30, f"{picture} is empty"
    with Image.open(run / "latent_walk.png") as image:
        width, height = image.size
        # Ten digits at 120 pixels each, in one row: projectable, and one strip.
        assert width >= 10 * 100 and width > 4 * height, f"the walk is {width} x {height} px"
    report = (run / "report.txt").read_text()
    assert "20 steps x batch 4" in report
    assert "mode collapse:" in report and "digits covered" in report
    assert ("equilibrium: 0.250" if collapse else "equilibrium: 0.693") in report
    if collapse:
        # A seed of one number in [0, 1) barely moves an untrained G: one image for all.
        assert "COLLAPSED" in report


def test_a_second_run_never_writes_into_the_first(in_checkout, tmp_path, monkeypatch):
    monkeypatch.setattr("gankata.course.naming.datetime", _FrozenTime)
    first = run_mnist_demo(out=tmp_path, steps=2, batch_size=2, show_progress=False)
    second = run_mnist_demo(out=tmp_path, steps=2, batch_size=2, show_progress=False)
    assert first != second and (first / "report.txt").exists()
    assert second.name == first.name + "-2"


class _FrozenTime:
    @staticmethod
    def now():
        from datetime import datetime

        return datetime(2026, 1, 2, 3, 4, 5)


def test_the_cli_says_when_the_learners_kata_is_unfinished(in_checkout, tmp_path, capsys):
    code = commands.main(
        ["demo", "mnist", "--impl", "katas", "--steps", "2", "--out", str(tmp_path)]
    )
    out = capsys.readouterr().out
    assert code == 2
    assert "not finished" in out and "--impl solutions" in out


# ## One loop: the MNIST demo trains through kata 4's gan_step


@pytest.mark.parametrize("collapse", [False, True], ids=["improved", "collapse"])
def test_the_mnist_demo_trains_only_through_kata_4s_gan_step(
    in_checkout, tmp_path, monkeypatch, collapse
):
    mine = tmp_path / "mine"
    shutil.copytree(in_checkout / "solutions", mine)
    loaded: dict[str, str] = {}
    calls: list[tuple[tuple[int, ...], tuple[int, ...]]] = []
    first: dict[str, dict[str, torch.Tensor]] = {}
    networks: dict[str, torch.nn.Module] = {}
    load_impl = mnist.load_impl
    StepLosses = load_impl("step_order", "solutions", in_checkout).StepLosses

    def gan_step(D, G, real, z, d_opt, g_opt, loss_fn):
        # Trains nothing: if the networks change, something other than gan_step trained them.
        if not calls:
            networks.update(D=D, G=G)
            first.update({name: _copy(net) for name, net in networks.items()})
        calls.append((tuple(real.shape), tuple(z.shape)))
        return StepLosses(0.125, 0.375, 0.75)

    def loading(name, impl, root):
        loaded[name] = impl
        module = load_impl(name, impl, root)
        if name == "step_order":
            module.gan_step = gan_step  # a fresh module per load: nothing else sees the fake
        return module

    monkeypatch.setattr(mnist, "load_impl", loading)
    torch.manual_seed(0)
    run = run_mnist_demo(
        out=tmp_path / "runs",
        collapse=collapse,
        steps=3,
        batch_size=4,
        impl=str(mine),
        show_progress=False,
    )
    assert loaded.get("step_order") == str(mine), (
        f"the demo should load step_order from the impl it was given, {mine}: {loaded}"
    )
    assert set(loaded.values()) == {str(mine)}, f"every kata from one impl: {loaded}"
    seed = (4, 1) if collapse else (4, 100)
    assert calls == [((4, 784), seed)] * 3, (
        f"3 steps of batch 4 should be 3 calls of gan_step with real [4, 784] and seeds "
        f"{list(seed)}: {calls}"
    )
    for name, net in networks.items():
        for key, value in _copy(net).items():
            assert torch.equal(value, first[name][key]), (
                f"{name}.{key} changed although gan_step trained nothing: a second loop trains"
            )
    report = (run / "report.txt").read_text()
    assert "loss over the last 1 steps: D 0.250, G 0.750" in report, (
        f"the loss history should be gan_step's losses (D: the mean of 0.125 and 0.375):\n{report}"
    )


def _copy(net: torch.nn.Module) -> dict[str, torch.Tensor]:
    return {key: value.detach().clone() for key, value in net.state_dict().items()}


@pytest.mark.parametrize("extra", [[], ["--collapse"]], ids=["improved", "collapse"])
def test_the_cli_says_the_mnist_demo_needs_kata_4(in_checkout, tmp_path, capsys, extra):
    mine = tmp_path / "mine"
    shutil.copytree(in_checkout / "solutions", mine)
    shutil.copy(in_checkout / "katas" / "step_order.py", mine / "step_order.py")
    out = tmp_path / "runs"
    code = commands.main(
        ["demo", "mnist", "--impl", str(mine), "--steps", "2", "--out", str(out), *extra]
    )
    words = " ".join(capsys.readouterr().out.split())
    assert code == 2, words
    assert "trains through kata 4's gan_step" in words and "finish kata 4 first" in words, words
    assert "Kata 4.2: gan_step" in words and "demo mnist --impl solutions" in words, words
    assert "Traceback" not in words, words
    assert not out.exists(), "a demo that could not train writes nothing"


def test_a_kata_that_gan_step_calls_speaks_for_itself(in_checkout, tmp_path, capsys):
    mine = tmp_path / "mine"
    shutil.copytree(in_checkout / "solutions", mine)
    with (mine / "mnist_gan.py").open("a", encoding="utf-8") as source:
        source.write(
            "\n\ndef _unfinished(self, inputs):\n"
            '    raise NotImplementedError("Need to implement for Kata 7.3: Generator.forward")'
            "\n\n\nGenerator.forward = _unfinished\n"
        )
    out = tmp_path / "runs"
    code = commands.main(["demo", "mnist", "--impl", str(mine), "--steps", "2", "--out", str(out)])
    words = " ".join(capsys.readouterr().out.split())
    assert code == 2 and "Kata 7.3: Generator.forward" in words, words
    assert "kata 4's gan_step" not in words, f"G's stub is kata 7's, not kata 4's: {words}"


def test_the_cli_refuses_zero_steps(in_checkout, tmp_path, capsys):
    code = commands.main(["demo", "mnist", "--steps", "0", "--out", str(tmp_path)])
    assert code == 2 and "at least 1" in capsys.readouterr().out


def test_a_short_dcgan_run_writes_samples_losses_and_report(in_checkout, tmp_path):
    run = run_dcgan_demo(out=tmp_path / "runs", steps=3, batch_size=4, show_progress=False)
    assert run.parent == tmp_path / "runs" and run.name.startswith("dcgan-")
    with Image.open(run / "samples.png") as image:
        width, height = image.size
        assert width >= 8 * 100 and height >= 8 * 100, f"64 samples in {width} x {height} px"
    with Image.open(run / "losses.png") as image:
        assert image.size[0] > 30
    report = (run / "report.txt").read_text()
    assert "3 steps x batch 4" in report and "equilibrium: 0.693" in report
    # The port is right when its counts match the seed's summary() tables.
    assert "G: 865,281 total, 852,609 trainable" in report
    assert "D: 212,865 total, 212,865 trainable" in report


def test_the_cli_runs_the_dcgan_demo(in_checkout, tmp_path, capsys):
    args = ["demo", "dcgan", "--steps", "2", "--batch-size", "2", "--out", str(tmp_path)]
    assert commands.main(args) == 0
    assert "DCGAN demo" in capsys.readouterr().out
    assert len(list(tmp_path.glob("dcgan-*/samples.png"))) == 1


def test_the_fast_dcgan_demo_trains_kata_11s_networks(in_checkout, tmp_path):
    """The fast path's modules share the kata's parameters, so the run trains kata 11's G and
    D (whose Keras parameter counts the report gives) and samples from them."""
    run = run_dcgan_demo(out=tmp_path, steps=3, batch_size=4, show_progress=False, fast=True)
    report = (run / "report.txt").read_text()
    assert "3 steps x batch 4 on" in report and "through the fast path" in report, report
    assert "G: 865,281 total, 852,609 trainable" in report, report
    assert (run / "samples.png").is_file(), "the fast run draws its samples too"


def test_the_cli_refuses_fast_for_the_mnist_demo(in_checkout, tmp_path, capsys):
    code = commands.main(["demo", "mnist", "--fast", "--out", str(tmp_path / "runs")])
    assert code == 2 and "dcgan demo" in capsys.readouterr().out
    assert not (tmp_path / "runs").exists(), "a refused demo writes nothing"


@pytest.mark.parametrize(
    ("extra", "message"),
    [(["--collapse"], "mnist demo"), (["--batch-size", "1"], "at least 2")],
    ids=["collapse", "batch of one"],
)
def test_the_cli_refuses_what_the_dcgan_demo_cannot_do(
    in_checkout, tmp_path, capsys, extra, message
):
    out = tmp_path / "runs"
    code = commands.main(["demo", "dcgan", "--steps", "2", "--out", str(out), *extra])
    assert code == 2 and message in capsys.readouterr().out
    assert not out.exists(), "a refused demo writes nothing"


def test_the_cli_says_when_the_learners_dcgan_kata_is_unfinished(in_checkout, tmp_path, capsys):
    code = commands.main(
        ["demo", "dcgan", "--impl", "katas", "--steps", "2", "--out", str(tmp_path)]
    )
    out = capsys.readouterr().out
    assert code == 2
    assert "not finished" in out and "demo dcgan --impl solutions" in out


# ## Threads: the demos and the picture cells train with small_model_threads()


@pytest.fixture
def threads_seen(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """torch's thread count at every training step of a demo (both demos train through
    loop.train, which draws each step's batch from loop.batches)."""
    seen: list[int] = []
    batches = loop.batches

    def counting(*args):
        for batch in batches(*args):
            seen.append(torch.get_num_threads())
            yield batch

    monkeypatch.setattr(loop, "batches", counting)
    for name in (THREADS_ENV, "OMP_NUM_THREADS"):
        monkeypatch.delenv(name, raising=False)
    return seen


@pytest.fixture
def two_threads() -> Iterator[None]:
    """The caller's own count, 2, so that giving it back can be seen (the tests pin 1)."""
    before = torch.get_num_threads()
    torch.set_num_threads(2)
    yield
    torch.set_num_threads(before)


# On the CPU even where there is a GPU: the thread count is the CPU's, and the report says it.
TINY = {"steps": 2, "batch_size": 2, "device": "cpu", "show_progress": False}
DEMOS = {
    "improved": lambda out: run_mnist_demo(out=out, **TINY),
    "collapse": lambda out: run_mnist_demo(out=out, collapse=True, **TINY),
    "dcgan": lambda out: run_dcgan_demo(out=out, **TINY),
}


@pytest.mark.parametrize("name", DEMOS)
def test_a_demo_trains_with_one_thread_and_gives_the_callers_count_back(
    in_checkout, tmp_path, threads_seen, two_threads, name
):
    run = DEMOS[name](tmp_path)
    assert threads_seen == [1, 1], (
        f"the {name} demo should train each step with small_model_threads() = 1 torch "
        "thread (with another program busy on a 2-core machine, two threads made 500 MNIST "
        f"steps take 94 s instead of 7 s); the steps saw {threads_seen}"
    )
    assert torch.get_num_threads() == 2, (
        "after the demo, torch should have the caller's 2 threads back, "
        f"not {torch.get_num_threads()}"
    )
    report = (run / "report.txt").read_text()
    assert "on cpu (1 thread)" in report, f"the report should say how many threads:\n{report}"


def test_gankata_threads_chooses_another_count(
    in_checkout, tmp_path, threads_seen, two_threads, monkeypatch
):
    monkeypatch.setenv(THREADS_ENV, "3")
    run = DEMOS["improved"](tmp_path)
    assert threads_seen == [3, 3], f"{THREADS_ENV}=3 should train with 3 threads: {threads_seen}"
    assert torch.get_num_threads() == 2, "the caller's count comes back after the run"
    report = (run / "report.txt").read_text()
    assert "on cpu (3 threads)" in report, f"the report should say 3 threads:\n{report}"


def test_omp_num_threads_keeps_the_count_torch_has(two_threads, monkeypatch):
    monkeypatch.delenv(THREADS_ENV, raising=False)
    monkeypatch.setenv("OMP_NUM_THREADS", "2")
    assert small_model_threads() == 2, (
        "with OMP_NUM_THREADS set the user chose torch's count: small_model_threads() "
        "should keep it"
    )


@pytest.mark.parametrize("value", ["0", "two", "-1"])
def test_a_gankata_threads_that_is_no_count_says_so(monkeypatch, value):
    monkeypatch.setenv(THREADS_ENV, value)
    with pytest.raises(ValueError, match=f"{THREADS_ENV}=") as error:
        small_model_threads()
    assert "whole number" in str(error.value), f"the message should say what to give: {error}"


def test_torch_threads_gives_the_count_back_when_the_block_raises(two_threads):
    with pytest.raises(KeyError), torch_threads(1) as threads:
        assert (threads, torch.get_num_threads()) == (1, 1), "inside, torch has 1 thread"
        raise KeyError("a picture cell that fails")
    assert torch.get_num_threads() == 2, (
        "a notebook's kernel keeps its own thread count even when a cell raises, "
        f"but torch has {torch.get_num_threads()}"
    )


def _calls_outside_torch_threads(code: str) -> tuple[list[str], list[str]]:
    """The calls that train in ``code`` (``train_step``, ``train_gan``, the book's ``D.train``:
    any name starting with ``train``): all of them, and those outside ``with torch_threads()``."""
    tree = ast.parse(code)
    inside: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.With) and any(
            isinstance(item.context_expr, ast.Call)
            and getattr(item.context_expr.func, "id", None) == "torch_threads"
            for item in node.items
        ):
            inside.update(id(child) for child in ast.walk(node))
    calls = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and getattr(node.func, "id", getattr(node.func, "attr", "")).startswith("train")
    ]
    outside = [ast.unparse(call) for call in calls if id(call) not in inside]
    return [ast.unparse(call) for call in calls], outside


def test_every_picture_cell_that_trains_does_it_inside_torch_threads():
    training = {}
    for kata in load_curriculum():
        if kata.picture is None:
            continue
        calls, outside = _calls_outside_torch_threads(kata.picture.code)
        if calls:
            training[kata.name] = calls
        assert not outside, (
            f"the picture cell of {kata.name} trains outside `with torch_threads():` "
            f"({', '.join(outside)}): in a Jupyter kernel torch uses one thread per core, and "
            "for these small networks a second thread made kata 7's picture take 98 s instead "
            "of 8 s on a busy 2-core machine. Write `from gankata.testkit.devices import "
            "torch_threads` and train inside `with torch_threads():`, which also gives the "
            "kernel its own count back."
        )
    assert "mnist_gan" in training, (
        f"the check found no training in the MNIST GAN's picture, so it checks nothing: "
        f"cells that train: {sorted(training)}"
    )


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--nproc", "1"], "world size is 1"),
        (["--nproc", "2", "--fast"], "--nproc"),
        (["--nproc", "2", "--batch-size", "1"], "at least 2 images per rank"),
    ],
    ids=["one process", "with fast", "batch of one"],
)
def test_the_cli_refuses_a_distributed_demo_that_cannot_work_before_launching(
    in_checkout, tmp_path, capsys, extra, message
):
    out = tmp_path / "runs"
    code = commands.main(["demo", "dcgan", "--steps", "2", "--out", str(out), *extra])
    said = capsys.readouterr().out
    assert code == 2 and message in said, f"expected exit 2 and {message!r}, got {code}: {said}"
    assert not out.exists(), "a refused demo writes nothing"
