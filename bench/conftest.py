"""Fixtures shared by the benchmarks: the device, its matrix-product ceilings, the digits."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from bench.measure import matmul_flops_per_second
from gankata.testkit.data import load_mnist
from gankata.testkit.devices import pick_device

BENCH = Path(__file__).parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Compiling a model or starting loader workers can outlast the katas' 60 s limit.
    for item in items:
        if item.path.is_relative_to(BENCH):
            item.add_marker(pytest.mark.timeout(600))


@pytest.fixture(scope="session")
def device() -> torch.device:
    """CUDA when there is one (or ``$GANKATA_DEVICE``), else the CPU."""
    chosen = pick_device()
    if chosen.type == "cuda":
        # fp32 models use TF32 matrix units, as anyone training on an H100 would.
        torch.set_float32_matmul_precision("high")
        torch.backends.cudnn.benchmark = True
    return chosen


@pytest.fixture(scope="session")
def roofline(device: torch.device) -> dict[str, float]:
    """Matrix-product FLOP/s on this device, measured now: the ceilings for utilisation.

    On CUDA: ``fp32`` (TF32 off), ``tf32`` and ``bf16`` at 8192 cubed; on the CPU ``fp32``
    at 2048 cubed (large enough to be compute-bound, small enough to take a second).
    """
    if device.type != "cuda":
        return {"fp32": matmul_flops_per_second(device, torch.float32, 2048)}
    ceilings = {}
    for name, dtype, tf32 in [
        ("fp32", torch.float32, False),
        ("tf32", torch.float32, True),
        ("bf16", torch.bfloat16, False),
    ]:
        torch.backends.cuda.matmul.allow_tf32 = tf32
        ceilings[name] = matmul_flops_per_second(device, dtype, 8192)
    torch.backends.cuda.matmul.allow_tf32 = True
    return ceilings


@pytest.fixture(scope="session")
def fp32_ceiling(device: torch.device, roofline: dict[str, float]) -> tuple[str, float]:
    """The ceiling an fp32 model is held to: TF32 on CUDA (what it runs on), else fp32."""
    name = "tf32" if device.type == "cuda" else "fp32"
    return name, roofline[name]


@pytest.fixture(scope="session")
def digits() -> torch.Tensor:
    """The 5,000 embedded MNIST digits as uint8 ``[5000, 784]`` on the CPU."""
    return torch.from_numpy(load_mnist("embedded").images)


@pytest.fixture(scope="session")
def device_digits(digits: torch.Tensor, device: torch.device) -> torch.Tensor:
    """The same digits, copied to the device once: no loader inside a timed training loop."""
    return digits.to(device)


@pytest.fixture(autouse=True)
def _seeded() -> None:
    torch.manual_seed(0)
