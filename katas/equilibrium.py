"""Kata 6 · The ln 2 / 0.25 equilibrium and the value function.
한국어 수업: ``gankata lesson equilibrium --lang ko``

Sources: the study notes on Make Your First GAN With PyTorch, ch. 6 (Simple 1010 Pattern),
"GAN Training" (판별기와 생성기의 손실: 0.69에 수렴); the study group's chapter 7 slides,
"GAN 훈련 성능 향상 - Loss function" (MSELoss -> 0.25, BCELoss -> ln(2)); the study notes
on the Keras DCGAN (a Korean textbook's MNIST model), the minimax value function and
"log(1 - D(G(z))) saturates"; the vanilla PyTorch GAN code review, the BCE derivation and
-log(4).

Train the 1010 pattern GAN with ``nn.BCELoss()``, as the ch. 6 study notes do, and plot the
losses of D and G: after a restless start both settle at about 0.69 for the rest of the run,
wobbling but going nowhere. Train with ``nn.MSELoss()``, as the chapter 7 slides do, and
they settle at 0.25 instead. A flat loss usually means training has stalled. Here it means
the opposite: the game has reached its equilibrium.

Why those two numbers? When G's fakes look just like the real data, D cannot tell them
apart, and the best it can do is to answer 0.5 to everything. Work out the loss of that
answer. Binary cross-entropy for one answer p and target y (1 real, 0 fake) is
``-[y log p + (1 - y) log(1 - p)]`` (the code review derives it as the log-likelihood of a
Bernoulli guess). With p = 0.5 it is ``-log 0.5 = ln 2 ≈ 0.693``, whether the target is 1 or
0. The squared error is ``(0.5 - y)^2 = 0.25``, again whether y is 1 or 0 (the ch. 6 study
notes: "0.5^2 = 0.25").
G's loss in step 3, the book's ``G.train(D, ..., torch.FloatTensor([1.0]))``, scores the
same 0.5 answers against target 1, so it settles at the same value. Both curves meeting at
ln 2 means "D can no longer tell", not "training failed".

Goodfellow et al. (2014) make this exact. D and G play a minimax game over the value
function (the Keras DCGAN notes quote the paper's equation 1):

    min_G max_D V(D, G) = E_x[log D(x)] + E_z[log(1 - D(G(z)))]

D maximises V: it wants D(x) near 1 on real data and D(G(z)) near 0 on fakes. V is exactly
minus D's loss in the book, ``BCE(D(x), 1) + BCE(D(G(z)), 0)``, so minimising that BCE is
maximising V. For a fixed G the best D is ``D*(x) = p_data(x) / (p_data(x) + p_g(x))``:
the share of the probability at x that is real. Once G has learned the data, p_g = p_data,
D* = 1/2 everywhere and V = log 1/2 + log 1/2 = -log 4: D's summed loss is log 4 = 2 ln 2,
ln 2 per term. (The code review writes the second term as ``[1 - log D(G(z))]``: a typo, the
1 belongs inside the log.)

Two caveats. The loss wobbles around the equilibrium rather than sitting on it (the code
review: "Loss 값은 학습 수렴 후 일정 범위 내에서 진동"), so judge the average of the last
stretch of the curve, not one point. And it is a sign, not a proof: a D that outputs 0.5
because it has stopped learning looks the same, and G can still collapse to a few modes
while the losses look balanced. Look at the pictures too.

Why G trains with target 1. The minimax G minimises ``log(1 - D(G(z)))``. Early on its
fakes are poor and D rejects them with confidence: D(G(z)) = sigmoid(a) with a very
negative logit a. The gradient of ``log(1 - sigmoid(a))`` with respect to a is
``-sigmoid(a)``, about -4.5e-5 at a = -10: the loss has saturated and G learns almost
nothing just when it has most to learn. The paper's fix, quoted in the Keras DCGAN notes,
is to have G minimise ``-log D(G(z))`` instead, whose gradient ``sigmoid(a) - 1`` is about
-1 there. Same fixed point, much stronger gradient early on. BCE against target 1 is exactly
``-log D(G(z))``, so the book's ``G.train(D, z, torch.FloatTensor([1.0]))`` already uses
this non-saturating loss.

One detail of ``nn.BCELoss``: it clamps every log at -100. A confident wrong answer (p = 0
for a real image) costs 100, not inf, and a confident right one (p = 0, y = 0) costs
``0 * -100 = 0``, not ``0 * -inf = nan``. Your ``bce`` does the same. Write it from the
formula: do not call ``nn.BCELoss`` or ``F.binary_cross_entropy`` yourself.

What to implement (search for "Kata 6." to find every TODO):

    6.1  bce(p, y)                          bce(0.5s, any 0/1 targets) -> ln 2 = 0.6931
    6.2  mse(p, y)                          mse(0.5s, any 0/1 targets) -> 0.25
    6.3  equilibrium_loss(kind)             'bce' -> 0.6931..., 'mse' -> 0.25
    6.4  optimal_discriminator(p_data, p_g) [3, 1, 0], [1, 1, 2] -> [0.75, 0.5, 0.0]
    6.5  value_function(d_real, d_fake)     all 0.5 -> -log 4 = -1.3863
    6.6  generator_gradients(logit)         logit -10 -> (about -4.5e-5, about -1)
    6.7  is_at_equilibrium(losses, kind)    does the last quarter of a history sit there?

Try it: once kata 5 passes, train its 1010 pattern GAN, which uses MSE like the book's first
version: ``from katas.pattern_1010 import train_pattern_gan``, ``D, G =
train_pattern_gan(10_000)`` (about 20 s), and ``is_at_equilibrium(D.progress, 'mse')`` is
True; plot ``D.progress`` with a horizontal line at ``equilibrium_loss('mse')``.

The classic mistakes: leaving out the clamp (p = 0 or 1 gives inf or nan); summing
instead of averaging; dropping the minus sign, or taking the log of y instead of p; an
absolute instead of a squared error, so the "equilibrium" comes out as 0.5; writing
``log D(G(z))`` for ``log(1 - D(G(z)))`` (it agrees at 0.5 and nowhere else); mixing up
which generator loss saturates; judging equilibrium from the whole history or from its
start (only the end of training counts), or from a single loss (the loss wobbles: average the
last quarter).
"""

from __future__ import annotations

from collections.abc import Sequence

import torch


def bce(p: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Binary cross-entropy ``-mean(y log p + (1 - y) log(1 - p))``, equal to ``nn.BCELoss()``.

    ``p`` holds D's answers in [0, 1], ``y`` the targets in [0, 1] (1 real, 0 fake), both of
    the same shape. The mean runs over every element, and each log is clamped at -100 as
    PyTorch does, so ``p = 0`` with ``y = 1`` costs 100, not inf. Returns a 0-dim tensor that
    autograd can backpropagate through.

        bce(tensor([0.5, 0.5]), tensor([1., 0.])) -> tensor(0.6931)   (ln 2)
    """
    # TODO: Implement for Kata 6.1.
    raise NotImplementedError("Need to implement for Kata 6.1: bce")


def mse(p: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Mean squared error ``mean((p - y) ** 2)``, equal to ``nn.MSELoss()``.

    ``p`` and ``y`` have the same shape; the mean runs over every element. Returns a 0-dim
    tensor that autograd can backpropagate through.

        mse(tensor([0.5, 0.5]), tensor([1., 0.])) -> tensor(0.2500)
    """
    # TODO: Implement for Kata 6.2.
    raise NotImplementedError("Need to implement for Kata 6.2: mse")


def equilibrium_loss(kind: str) -> float:
    """The loss of a D that answers 0.5 to everything: ``'bce'`` -> ln 2, ``'mse'`` -> 0.25.

    ``kind`` is ``'bce'`` or ``'mse'`` (lowercase; whether other spellings such as ``'BCE'``
    are accepted is left to you). Any other kind raises ``ValueError`` naming the known ones.
    """
    # TODO: Implement for Kata 6.3.
    raise NotImplementedError("Need to implement for Kata 6.3: equilibrium_loss")


def optimal_discriminator(p_data: torch.Tensor, p_g: torch.Tensor) -> torch.Tensor:
    """The best D for a fixed G: ``p_data / (p_data + p_g)`` at every point (Goodfellow 2014).

    ``p_data`` and ``p_g`` are the densities (or probabilities) of real and generated data at
    the same points. Where both are 0 there is no evidence either way and D* is 0.5.

        optimal_discriminator(tensor([3., 1., 0.]), tensor([1., 1., 2.])) -> [0.75, 0.5, 0.0]
    """
    # TODO: Implement for Kata 6.4.
    raise NotImplementedError("Need to implement for Kata 6.4: optimal_discriminator")


def value_function(d_real: torch.Tensor, d_fake: torch.Tensor) -> torch.Tensor:
    """``V(D, G) = mean(log D(x)) + mean(log(1 - D(G(z))))``: D maximises it, G minimises it.

    ``d_real`` holds D's answers on real data, ``d_fake`` on generated data, both in (0, 1);
    the two batches may differ in size. At the equilibrium (all 0.5), V = -log 4. Unlike
    ``bce``, nothing is clamped: plain ``torch.log``, so a ``D(x)`` of 0 or a ``D(G(z))`` of 1
    gives V = -inf.
    """
    # TODO: Implement for Kata 6.5.
    raise NotImplementedError("Need to implement for Kata 6.5: value_function")


def generator_gradients(d_fake_logit: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Elementwise d/da of G's two losses at D's logit ``a`` on fakes (D(G(z)) = sigmoid(a)).

    Returns ``(saturating, non_saturating)``: the gradients of ``log(1 - sigmoid(a))`` (the
    minimax loss) and of ``-log(sigmoid(a))`` (the loss used in practice), each of the shape
    of ``d_fake_logit``. When D confidently rejects a fake (a = -10) the first is about
    -4.5e-5 and the second about -1.
    """
    # TODO: Implement for Kata 6.6.
    raise NotImplementedError("Need to implement for Kata 6.6: generator_gradients")


def is_at_equilibrium(losses: Sequence[float], kind: str, tol: float = 0.05) -> bool:
    """Whether the last quarter of a loss history averages within ``tol`` of the equilibrium.

    The last quarter is ``losses[-max(1, len(losses) // 4):]``: at least the final loss. An
    empty history, or a ``kind`` that ``equilibrium_loss`` does not know, raises ``ValueError``.
    """
    # TODO: Implement for Kata 6.7.
    raise NotImplementedError("Need to implement for Kata 6.7: is_at_equilibrium")
