"""Reference answer to kata 6 (katas/equilibrium.py holds the lesson)."""

from __future__ import annotations

import math
from collections.abc import Sequence

import torch


def _clamped_log(x: torch.Tensor) -> torch.Tensor:
    # nn.BCELoss clamps every log at -100: a confident wrong answer costs 100 instead of
    # inf, and a confident right one costs 0 * -100 = 0 instead of 0 * -inf = nan.
    return torch.log(x).clamp(min=-100)


def bce(p: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Binary cross-entropy ``-mean(y log p + (1 - y) log(1 - p))``, equal to ``nn.BCELoss()``.

    ``p`` holds D's answers in [0, 1], ``y`` the targets in [0, 1] (1 real, 0 fake), both of
    the same shape. The mean runs over every element, and each log is clamped at -100 as
    PyTorch does, so ``p = 0`` with ``y = 1`` costs 100, not inf. Returns a 0-dim tensor that
    autograd can backpropagate through.

        bce(tensor([0.5, 0.5]), tensor([1., 0.])) -> tensor(0.6931)   (ln 2)
    """
    return -(y * _clamped_log(p) + (1 - y) * _clamped_log(1 - p)).mean()


def mse(p: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Mean squared error ``mean((p - y) ** 2)``, equal to ``nn.MSELoss()``.

    ``p`` and ``y`` have the same shape; the mean runs over every element. Returns a 0-dim
    tensor that autograd can backpropagate through.

        mse(tensor([0.5, 0.5]), tensor([1., 0.])) -> tensor(0.2500)
    """
    return ((p - y) ** 2).mean()


def equilibrium_loss(kind: str) -> float:
    """The loss of a D that answers 0.5 to everything: ``'bce'`` -> ln 2, ``'mse'`` -> 0.25.

    ``kind`` is ``'bce'`` or ``'mse'`` (lowercase; whether other spellings such as ``'BCE'``
    are accepted is left to you). Any other kind raises ``ValueError`` naming the known ones.
    """
    # Real (y = 1) or fake (y = 0), an answer of 0.5 is off by exactly one half:
    if kind == "bce":
        return -math.log(0.5)  # -log(0.5) = ln 2 whatever y is
    if kind == "mse":
        return 0.5**2  # (0.5 - y)^2 = 0.25 whatever y is
    raise ValueError(f"unknown loss kind {kind!r}: expected 'bce' or 'mse'")


def optimal_discriminator(p_data: torch.Tensor, p_g: torch.Tensor) -> torch.Tensor:
    """The best D for a fixed G: ``p_data / (p_data + p_g)`` at every point (Goodfellow 2014).

    ``p_data`` and ``p_g`` are the densities (or probabilities) of real and generated data at
    the same points. Where both are 0 there is no evidence either way and D* is 0.5.

        optimal_discriminator(tensor([3., 1., 0.]), tensor([1., 1., 2.])) -> [0.75, 0.5, 0.0]
    """
    total = p_data + p_g
    # Where neither distribution puts any mass, D can only guess.
    return torch.where(total > 0, p_data / total, torch.full_like(total, 0.5))


def value_function(d_real: torch.Tensor, d_fake: torch.Tensor) -> torch.Tensor:
    """``V(D, G) = mean(log D(x)) + mean(log(1 - D(G(z))))``: D maximises it, G minimises it.

    ``d_real`` holds D's answers on real data, ``d_fake`` on generated data, both in (0, 1);
    the two batches may differ in size. At the equilibrium (all 0.5), V = -log 4. Unlike
    ``bce``, nothing is clamped: plain ``torch.log``, so a ``D(x)`` of 0 or a ``D(G(z))`` of 1
    gives V = -inf.
    """
    # Two expectations, one per distribution: average each batch on its own.
    return torch.log(d_real).mean() + torch.log(1 - d_fake).mean()


def generator_gradients(d_fake_logit: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Elementwise d/da of G's two losses at D's logit ``a`` on fakes (D(G(z)) = sigmoid(a)).

    Returns ``(saturating, non_saturating)``: the gradients of ``log(1 - sigmoid(a))`` (the
    minimax loss) and of ``-log(sigmoid(a))`` (the loss used in practice), each of the shape
    of ``d_fake_logit``. When D confidently rejects a fake (a = -10) the first is about
    -4.5e-5 and the second about -1.
    """
    d = torch.sigmoid(d_fake_logit)
    # d/da log(1 - s) = -s: vanishes exactly when D rejects the fakes (s -> 0).
    # d/da -log(s) = s - 1: close to -1 there, so G still learns.
    return -d, d - 1


def is_at_equilibrium(losses: Sequence[float], kind: str, tol: float = 0.05) -> bool:
    """Whether the last quarter of a loss history averages within ``tol`` of the equilibrium.

    The last quarter is ``losses[-max(1, len(losses) // 4):]``: at least the final loss. An
    empty history, or a ``kind`` that ``equilibrium_loss`` does not know, raises ``ValueError``.
    """
    target = equilibrium_loss(kind)
    if len(losses) == 0:
        raise ValueError("the loss history is empty: record at least one loss")
    # Only the end of training counts: every run starts far from the equilibrium.
    tail = losses[-max(1, len(losses) // 4) :]
    return abs(sum(tail) / len(tail) - target) <= tol
