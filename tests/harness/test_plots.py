"""gankata.demos.plots: image grids, loss curves with the equilibrium line, latent walks."""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import pytest
import torch
from PIL import Image

from gankata.demos import plots
from gankata.demos.plots import save_image_grid, save_latent_walk, save_loss_plot


def _size(path):
    with Image.open(path) as image:
        return image.size


@pytest.fixture
def titles(monkeypatch):
    """Every title drawn: the figure's, then each image's label, in order."""
    drawn = []
    set_title, suptitle = plt.Axes.set_title, plt.Figure.suptitle

    def spy_title(self, label, *args, **kwargs):
        drawn.append(label)
        return set_title(self, label, *args, **kwargs)

    def spy_suptitle(self, text, *args, **kwargs):
        drawn.append(f"figure: {text}")
        return suptitle(self, text, *args, **kwargs)

    monkeypatch.setattr(plt.Axes, "set_title", spy_title)
    monkeypatch.setattr(plt.Figure, "suptitle", spy_suptitle)
    return drawn


@pytest.mark.parametrize("shape", [(10, 784), (10, 28, 28), (10, 1, 28, 28), (10, 3, 28, 28)])
def test_a_grid_of_digits_in_any_layout_is_large_enough_to_project(tmp_path, shape):
    path = save_image_grid(torch.rand(shape), tmp_path / "deep" / "grid.png", nrow=5)
    width, height = _size(path)
    # 28-pixel digits drawn at 120 pixels each: readable from the back of a room.
    assert width >= 600 and height >= 2 * 100, f"a 5 x 2 grid drawn {width} x {height} px"


def test_a_grid_carries_its_title_and_one_label_per_image(tmp_path, titles):
    labels = ["seed1", "seed2", "seed1 + seed2"]
    save_image_grid(torch.rand(3, 784), tmp_path / "g.png", title="Seeds", labels=labels)
    assert titles == [*labels, "figure: Seeds"], titles
    with pytest.raises(ValueError, match="2 labels for 3 images"):
        save_image_grid(torch.rand(3, 784), tmp_path / "g.png", labels=labels[:2])


def test_a_latent_walk_is_one_strip_from_seed1_to_seed2(tmp_path, titles):
    path = save_latent_walk(torch.rand(7, 28, 28), tmp_path / "walk.png", title="Walk")
    width, height = _size(path)
    assert width >= 7 * 100 and width > 3 * height, f"one strip of 7 images: {width} x {height}"
    assert titles[0] == "seed1" and titles[6] == "seed2" and titles[3] == "t=0.50", titles
    assert titles[-1] == "figure: Walk", titles
    assert plots.walk_labels(3) == ["seed1", "t=0.50", "seed2"]


@pytest.mark.parametrize(
    ("kind", "d", "g", "says"),
    [
        ("bce", 0.69, 0.70, "both near the equilibrium"),
        ("bce", 0.02, 6.5, "D wins most steps"),
        ("mse", 0.238, 0.343, "D is near the equilibrium"),
        ("bce", 0.4, 1.1, "where D could not tell real from fake"),
    ],
)
def test_the_loss_plot_says_what_the_end_of_the_run_shows(kind, d, g, says):
    histories = {"D": [1.0] * 90 + [d] * 10, "G": [1.0] * 90 + [g] * 10}
    text = plots.describe_losses(histories, kind)
    assert says in text and f"D {d:.3f}" in text and f"G {g:.3f}" in text, text


def test_images_outside_0_1_are_refused_with_the_fix(tmp_path):
    with pytest.raises(ValueError, match=r"\(x \+ 1\) / 2"):
        save_image_grid(torch.rand(4, 784) * 2 - 1, tmp_path / "grid.png")
    with pytest.raises(ValueError, match="cannot draw images of shape"):
        save_image_grid(torch.rand(784), tmp_path / "grid.png")


@pytest.mark.parametrize(("kind", "line"), [("bce", math.log(2)), ("mse", 0.25)])
def test_the_loss_plot_draws_the_equilibrium_of_its_loss(tmp_path, monkeypatch, kind, line):
    drawn = []
    original = plt.Axes.axhline

    def spy(self, y=0, *args, **kwargs):
        drawn.append(y)
        return original(self, y, *args, **kwargs)

    monkeypatch.setattr(plt.Axes, "axhline", spy)
    histories = {"D": [0.7, 0.6, 0.69] * 40, "G": [0.8, 0.7, 0.71] * 40}
    path = save_loss_plot(histories, tmp_path / "losses.png", kind=kind)
    assert path.exists() and _size(path) == (1000, 560)
    assert drawn == [pytest.approx(line)]


def test_the_loss_plot_refuses_unknown_kinds_and_empty_histories(tmp_path):
    with pytest.raises(ValueError, match="'bce' or 'mse'"):
        save_loss_plot({"D": [1.0]}, tmp_path / "l.png", kind="hinge")
    with pytest.raises(ValueError, match="no losses"):
        save_loss_plot({"D": []}, tmp_path / "l.png")


def test_the_moving_average_smooths_over_the_last_width_values():
    assert plots._moving_average([1.0, 3.0, 5.0, 7.0], 2) == [1.0, 2.0, 4.0, 6.0]
    assert plots._moving_average([2.0, 4.0], 1) == [2.0, 4.0]
