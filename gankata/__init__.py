"""Support package for gan-katas: the curriculum, the runner, data loading and devices.

Learners never edit this package; they edit ``katas/``. Everything a kata's tests share
(loading a learner's module, the MNIST digits, teaching assertions) lives here so that the
katas stay independent of each other.
"""


def load_ipython_extension(ipython) -> None:
    """``%load_ext gankata`` in Jupyter: adds the ``%%kata`` cell magic (gankata.runner.magic)."""
    from gankata.runner.magic import load_ipython_extension as load

    load(ipython)
