"""Where does one training step spend its time? The top kernels of a GAN's step, by time.

    python -m bench.profile_step dcgan --variant bf16 --batch 4096

Prints the profiler's table (CUDA time when there is a GPU, CPU time otherwise) and the
step's images/s. Use it before trying to make a variant faster: the benchmark says how
fast, this says why.
"""

from __future__ import annotations

import argparse
import time

import torch
from torch.profiler import ProfilerActivity, profile

from bench.gan_models import SPECS, build_models
from bench.gan_steps import FAST_VARIANTS, VARIANTS, build_variant
from bench.measure import synchronize
from gankata.testkit.data import load_mnist
from gankata.testkit.devices import pick_device


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model", choices=sorted(SPECS))
    parser.add_argument(
        "--variant",
        choices=[*VARIANTS, *FAST_VARIANTS],
        default="eager",
        help="how the step runs; fast* only for the dcgan (default eager)",
    )
    parser.add_argument("--batch", type=int, default=256)
    parser.add_argument("--steps", type=int, default=10, help="steps profiled (default 10)")
    parser.add_argument("--rows", type=int, default=25, help="kernels listed (default 25)")
    args = parser.parse_args(argv)

    device = pick_device()
    if device.type == "cuda":
        torch.set_float32_matmul_precision("high")
        torch.backends.cudnn.benchmark = True
    digits = torch.from_numpy(load_mnist("embedded").images).to(device)
    spec = SPECS[args.model]
    if args.variant.startswith("fast") and args.model != "dcgan":
        parser.error(f"--variant {args.variant} is the DCGAN's fast path: use it with dcgan")
    G, D = build_models(spec, device)
    loop, step = build_variant(args.variant, spec, G, D, digits, args.batch)

    synchronize(device)
    start = time.perf_counter()
    for _ in range(args.steps):
        step()
    synchronize(device)
    rate = args.steps * args.batch / (time.perf_counter() - start)

    activities = [ProfilerActivity.CPU]
    if device.type == "cuda":
        activities.append(ProfilerActivity.CUDA)
    # The loop's own step, not a graph replay: the same kernels, but each one visible.
    with profile(activities=activities) as prof:
        for _ in range(args.steps):
            loop.step()
        synchronize(device)
    sort_by = "cuda_time_total" if device.type == "cuda" else "cpu_time_total"
    print(prof.key_averages().table(sort_by=sort_by, row_limit=args.rows, max_name_column_width=70))
    print(f"{args.model} {args.variant} batch {args.batch}: {rate:,.0f} images/s on {device}")


if __name__ == "__main__":
    main()
