"""The kata harness: ``--impl`` chooses what the kata tests run against.

``--impl katas`` (the default, or ``GANKATA_IMPL``) tests the learner's stubs in ``katas/``;
``--impl solutions`` the reference answers. Any other value is a folder holding
``<kata>.py`` (the integrity check's mutated solutions). Given several times, every kata
test runs once per implementation.
"""

from __future__ import annotations

import os
import random
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, Phase, settings

from gankata.testkit.loader import IMPLS, ImplLoadError, impl_dir, load_impl

ROOT = Path(__file__).resolve().parent.parent

# The kata fixture is loaded once per test, not per example: hypothesis examples share it
# on purpose, so the health check about function-scoped fixtures does not apply.
# The explain phase re-runs every failing property test under a tracer (about 3 s each):
# too slow for a learner's feedback loop, and the shrunk example already says what failed.
_shared = {
    "deadline": None,
    "suppress_health_check": [HealthCheck.function_scoped_fixture],
    "phases": [phase for phase in Phase if phase is not Phase.explain],
}
settings.register_profile("ci", derandomize=True, max_examples=50, **_shared)
settings.register_profile("dev", max_examples=200, **_shared)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--impl",
        action="append",
        default=[],
        help="katas (default), solutions, or a folder of <kata>.py files; repeat to run each",
    )


def _impls(config: pytest.Config) -> list[str]:
    return config.getoption("impl") or [os.environ.get("GANKATA_IMPL", "katas")]


def pytest_configure(config: pytest.Config) -> None:
    unknown = [i for i in _impls(config) if i not in IMPLS and not Path(i).is_dir()]
    if unknown:
        raise pytest.UsageError(
            f"--impl {unknown[0]!r} (or GANKATA_IMPL) is neither 'katas' nor 'solutions' nor "
            "a folder of <kata>.py files."
        )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    impls = _impls(metafunc.config)
    if "kata" in metafunc.fixturenames and len(impls) > 1:
        ids = [Path(impl).name for impl in impls]
        metafunc.parametrize("kata", impls, indirect=True, ids=ids)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "kata" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.kata)


@pytest.fixture(autouse=True, scope="session")
def _one_torch_thread() -> Iterator[None]:
    """The katas' networks are tiny, so a second thread gains nothing on an idle machine, and
    with several pytest processes at once (the integrity check runs katas side by side) the
    threads wait on each other: kata 7's tests took eight times as long with two threads."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture(autouse=True)
def _seed_everything() -> None:
    """Every test starts from the same random state, so none passes or fails by luck."""
    random.seed(0)
    np.random.seed(0)
    torch.manual_seed(0)


@pytest.fixture
def kata(request: pytest.FixtureRequest) -> ModuleType:
    """The module under test: ``tests/test_<name>.py`` tests ``<impl>/<name>.py``."""
    name = Path(str(request.node.path)).stem.removeprefix("test_")
    impl = getattr(request, "param", None) or _impls(request.config)[0]
    request.node.user_properties.append(("impl", Path(impl).name))
    # gankata.testkit.report blames a failure on the kata when it passed through this file.
    request.node.user_properties.append(("kata_file", str(impl_dir(impl, ROOT) / f"{name}.py")))
    try:
        return load_impl(name, impl, ROOT)
    except ImplLoadError as error:
        pytest.fail(str(error), pytrace=False)
