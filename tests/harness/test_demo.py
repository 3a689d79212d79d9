"""gankata demo mnist / dcgan: a short run writes every picture and the report."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from gankata import cli
from gankata.demo import run_dcgan_demo, run_mnist_demo

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
    assert run.name.endswith("collapse" if collapse else "improved")
    for picture in PICTURES:
        with Image.open(run / picture) as image:
            assert image.size[0] > 30, f"{picture} is empty"
    with Image.open(run / "latent_walk.png") as image:
        assert image.size == (10 * 30 + 2, 32), "the walk is one strip of 10 digits"
    report = (run / "report.txt").read_text()
    assert "20 steps x batch 4" in report
    assert "mode collapse:" in report and "digits covered" in report
    assert ("equilibrium: 0.250" if collapse else "equilibrium: 0.693") in report
    if collapse:
        # A seed of one number in [0, 1) barely moves an untrained G: one image for all.
        assert "COLLAPSED" in report


def test_a_second_run_never_writes_into_the_first(in_checkout, tmp_path, monkeypatch):
    monkeypatch.setattr("gankata.demo.datetime", _FrozenTime)
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
    code = cli.main(["demo", "mnist", "--impl", "katas", "--steps", "2", "--out", str(tmp_path)])
    out = capsys.readouterr().out
    assert code == 2
    assert "not finished" in out and "--impl solutions" in out


def test_the_cli_refuses_zero_steps(in_checkout, tmp_path, capsys):
    code = cli.main(["demo", "mnist", "--steps", "0", "--out", str(tmp_path)])
    assert code == 2 and "at least 1" in capsys.readouterr().out


def test_a_short_dcgan_run_writes_samples_losses_and_report(in_checkout, tmp_path):
    run = run_dcgan_demo(out=tmp_path / "runs", steps=3, batch_size=4, show_progress=False)
    assert run.parent == tmp_path / "runs" and run.name.endswith("dcgan")
    with Image.open(run / "samples.png") as image:
        assert image.size == (8 * 30 + 2, 8 * 30 + 2), "64 samples in an 8 x 8 grid"
    with Image.open(run / "losses.png") as image:
        assert image.size[0] > 30
    report = (run / "report.txt").read_text()
    assert "3 steps x batch 4" in report and "equilibrium: 0.693" in report
    # The port is right when its counts match the seed's summary() tables.
    assert "G: 865,281 total, 852,609 trainable" in report
    assert "D: 212,865 total, 212,865 trainable" in report


def test_the_cli_runs_the_dcgan_demo(in_checkout, tmp_path, capsys):
    args = ["demo", "dcgan", "--steps", "2", "--batch-size", "2", "--out", str(tmp_path)]
    assert cli.main(args) == 0
    assert "DCGAN demo" in capsys.readouterr().out
    assert len(list(tmp_path.glob("*-dcgan/samples.png"))) == 1


@pytest.mark.parametrize(
    ("extra", "message"),
    [(["--collapse"], "mnist demo"), (["--batch-size", "1"], "at least 2")],
    ids=["collapse", "batch of one"],
)
def test_the_cli_refuses_what_the_dcgan_demo_cannot_do(
    in_checkout, tmp_path, capsys, extra, message
):
    out = tmp_path / "runs"
    code = cli.main(["demo", "dcgan", "--steps", "2", "--out", str(out), *extra])
    assert code == 2 and message in capsys.readouterr().out
    assert not out.exists(), "a refused demo writes nothing"


def test_the_cli_says_when_the_learners_dcgan_kata_is_unfinished(in_checkout, tmp_path, capsys):
    code = cli.main(["demo", "dcgan", "--impl", "katas", "--steps", "2", "--out", str(tmp_path)])
    out = capsys.readouterr().out
    assert code == 2
    assert "not finished" in out and "demo dcgan --impl solutions" in out
