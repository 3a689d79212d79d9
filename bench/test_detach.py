"""What ``detach()`` saves: D's step on G's fakes, with and without cutting the graph.

Seed 000 says the fake is detached "so gradients in G are not calculated". Without it the
backward pass runs on through G, filling G's ``.grad`` for nothing (D's optimiser never
reads them); with it, backward stops at D's input. The FLOPs column shows the work saved,
images/s what it buys.
"""

from __future__ import annotations

import functools

import pytest

from bench.gan_models import SPECS, build_models
from bench.gan_steps import ThreeStepLoop
from bench.measure import ROUND_SECONDS, ROUNDS, calibrate, count_flops, record, repeat

BATCH = 256


@pytest.mark.parametrize("detach", [True, False], ids=["detach", "no_detach"])
@pytest.mark.parametrize("model", ["mlp_gan", "dcgan"])
def test_d_on_fake(benchmark, device, device_digits, fp32_ceiling, model, detach):
    spec = SPECS[model]
    G, D = build_models(spec, device)
    loop = ThreeStepLoop(spec, G, D, device_digits, BATCH)
    step = functools.partial(loop.d_on_fake, detach=detach)
    for _ in range(3):
        step()
    flops = count_flops(step) / BATCH
    calls = calibrate(step, device, ROUND_SECONDS)
    benchmark.group = "detach"
    benchmark.pedantic(repeat(step, calls, device), rounds=ROUNDS)
    record(
        benchmark,
        items_per_call=calls * BATCH,
        flops_per_item=flops,
        ceiling=fp32_ceiling,
        model=model,
        variant="detach" if detach else "no detach",
        batch=BATCH,
    )
