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


@pytest.mark.parametrize("shape", [(10, 784), (10, 28, 28), (10, 1, 28, 28)])
def test_a_grid_of_mnist_digits_in_any_layout(tmp_path, shape):
    path = save_image_grid(torch.rand(shape), tmp_path / "deep" / "grid.png", nrow=5)
    assert path.exists()
    # 5 x 2 images of 28 pixels with 2 pixels of padding around each.
    assert _size(path) == (5 * 30 + 2, 2 * 30 + 2)


def test_a_latent_walk_is_one_strip(tmp_path):
    path = save_latent_walk(torch.rand(7, 28, 28), tmp_path / "walk.png")
    assert _size(path) == (7 * 30 + 2, 30 + 2)


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
    assert path.exists() and _size(path) == (800, 450)
    assert drawn == [pytest.approx(line)]


def test_the_loss_plot_refuses_unknown_kinds_and_empty_histories(tmp_path):
    with pytest.raises(ValueError, match="'bce' or 'mse'"):
        save_loss_plot({"D": [1.0]}, tmp_path / "l.png", kind="hinge")
    with pytest.raises(ValueError, match="no losses"):
        save_loss_plot({"D": []}, tmp_path / "l.png")


def test_the_moving_average_smooths_over_the_last_width_values():
    assert plots._moving_average([1.0, 3.0, 5.0, 7.0], 2) == [1.0, 2.0, 4.0, 6.0]
    assert plots._moving_average([2.0, 4.0], 1) == [2.0, 4.0]
