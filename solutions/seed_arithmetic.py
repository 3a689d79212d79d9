"""Reference answer to kata 9 (katas/seed_arithmetic.py holds the lesson)."""

from __future__ import annotations

from collections.abc import Callable

import torch
import torch.nn.functional as F
from torch import nn

PARALLEL_THRESHOLD = 0.9995


def _check_same_shape(a: torch.Tensor, b: torch.Tensor) -> None:
    # Broadcasting would quietly turn a [100] and a [1, 100] seed into something else.
    if a.shape != b.shape:
        raise ValueError(
            f"the two seeds must have the same shape, got {tuple(a.shape)} and {tuple(b.shape)}"
        )


def lerp(a: torch.Tensor, b: torch.Tensor, t: float) -> torch.Tensor:
    """The seed a fraction ``t`` of the way along the straight line from ``a`` to ``b``.

    Exact at both ends: ``lerp(a, b, 0.0)`` is ``a`` and ``lerp(a, b, 1.0)`` is ``b``, to the
    last bit. Seeds of different shapes raise ``ValueError`` naming both shapes.

        lerp(tensor([0., 2.]), tensor([4., 6.]), 0.25) -> tensor([1., 3.])
    """
    _check_same_shape(a, b)
    # Not a + t * (b - a): at t = 1 that is a + (b - a), rounded twice, and misses b.
    return (1 - t) * a + t * b


def _path(
    step: Callable[[torch.Tensor, torch.Tensor, float], torch.Tensor],
    a: torch.Tensor,
    b: torch.Tensor,
    steps: int,
) -> torch.Tensor:
    _check_same_shape(a, b)
    if steps < 2:
        raise ValueError(f"a path from a to b needs steps >= 2 (both ends), got {steps}")
    # linspace puts exactly 0.0 first and 1.0 last, so the rows end exactly on a and b.
    return torch.stack([step(a, b, float(t)) for t in torch.linspace(0.0, 1.0, steps)])


def interpolate(a: torch.Tensor, b: torch.Tensor, steps: int) -> torch.Tensor:
    """``steps`` seeds evenly spaced on the straight line from ``a`` to ``b``, as rows.

    Row ``i`` is ``lerp(a, b, i / (steps - 1))``: the first row is ``a``, the last ``b``
    (exactly). ``steps`` below 2 raises ``ValueError``.

        interpolate(a, b, 5) for seeds of shape [100] -> a tensor of shape [5, 100]
    """
    return _path(lerp, a, b, steps)


def slerp(a: torch.Tensor, b: torch.Tensor, t: float) -> torch.Tensor:
    """The seed a fraction ``t`` of the way along the great circle from ``a`` to ``b``.

    ``sin((1 - t) Ω) / sin Ω · a + sin(t Ω) / sin Ω · b``, with ``Ω`` the angle between the
    seeds. When ``|cos Ω|`` is above ``PARALLEL_THRESHOLD`` (parallel or opposite seeds,
    where ``sin Ω`` is nearly 0) it falls back to ``lerp``. Exact at both ends; seeds of
    different shapes raise ``ValueError`` naming both shapes.
    """
    _check_same_shape(a, b)
    # The angle comes from the directions alone, so divide the dot product by both norms.
    cos = F.cosine_similarity(a.flatten(), b.flatten(), dim=0)
    # abs: opposite seeds (cos Ω = -1) are as stuck as parallel ones, and get lerp too.
    if abs(cos) > PARALLEL_THRESHOLD:
        return lerp(a, b, t)  # sin Ω ~ 0: the weights would be 0 / 0
    omega = torch.acos(cos)
    sin = torch.sin(omega)
    # Weights first, then the seeds: sin Ω / sin Ω is exactly 1, (sin Ω · a) / sin Ω is not a.
    return torch.sin((1 - t) * omega) / sin * a + torch.sin(t * omega) / sin * b


def slerp_path(a: torch.Tensor, b: torch.Tensor, steps: int) -> torch.Tensor:
    """``steps`` seeds along the great circle from ``a`` to ``b``, as rows.

    Row ``i`` is ``slerp(a, b, i / (steps - 1))``: the first row is ``a``, the last ``b``
    (exactly). ``steps`` below 2 raises ``ValueError``.
    """
    return _path(slerp, a, b, steps)


def seed_sum(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """The book's ``seed1 + seed2``: a new seed, element by element. The seeds are unchanged."""
    _check_same_shape(a, b)
    return a + b


def seed_difference(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """The book's ``seed1 - seed2``, element by element: ``a`` minus ``b``."""
    _check_same_shape(a, b)
    return a - b


def seed_product(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """The book's ``seed1 * seed2``, element by element: a seed of the same shape, not a number."""
    _check_same_shape(a, b)
    return a * b


def latent_walk(
    G: nn.Module, a: torch.Tensor, b: torch.Tensor, steps: int, method: str = "lerp"
) -> torch.Tensor:
    """G's images for ``steps`` seeds from ``a`` to ``b``, as a ``[steps, 28, 28]`` tensor.

    ``method`` is ``'lerp'`` (``interpolate``) or ``'slerp'`` (``slerp_path``); anything
    else raises ``ValueError`` naming both. G runs in eval mode without tracking
    gradients, and is left in the mode it was in. G may return ``[steps, 784]`` or any
    shape with 784 values per row (``[steps, 1, 28, 28]``).
    """
    paths = {"lerp": interpolate, "slerp": slerp_path}
    if method not in paths:
        raise ValueError(f"unknown method {method!r}: expected 'lerp' or 'slerp'")
    seeds = paths[method](a, b, steps)
    was_training = G.training
    G.eval()  # Dropout off, BatchNorm on its running statistics (and they stay untouched)
    try:
        with torch.no_grad():
            images = G(seeds)
    finally:
        G.train(was_training)
    return images.reshape(steps, 28, 28)
