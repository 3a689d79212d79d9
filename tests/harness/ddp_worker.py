"""The DDP side of test_distributed.py, run by torchrun (pytest does not collect this file).

    torchrun --standalone --nproc-per-node 2 tests/harness/ddp_worker.py equivalence SAVED RUNS
    torchrun --standalone --nproc-per-node 2 tests/harness/ddp_worker.py die ARGS...

``equivalence``: for each model the ranks build the networks from one seed, cut a combined
batch (drawn from one seed, alike on every rank) into one slice per rank, and take one step
of ``gankata.demos.distributed.ddp_step``. Rank 0 saves the combined batch, every
parameter, buffer and gradient after that step, and the losses averaged over the ranks into
SAVED, for the test to compare with one process taking one step on the whole batch. Then
the ranks take a second step, and rank 0 saves how far the ranks' copies differ after each:
the second is the first step in which DDP meets D's parameters after step 4 of the first
froze and thawed them. Then the product's own path (``train_and_write``: its seeds, shards,
timing and writing) trains the DCGAN for a few steps into the folder RUNS.

``die``: the product's entry point with ARGS, except that rank 1 exits with status 3 after
its first step, as a rank that crashes would.
"""

from __future__ import annotations

import gc
import os
import sys
from datetime import timedelta
from pathlib import Path

import torch
import torch.distributed as dist
from torch import nn

from gankata.demos import distributed
from gankata.testkit.data import load_mnist

SEED = 0
BATCH_SEED = 1234
PER_RANK = 8
DYING_RANK = 1
DYING_STATUS = 3


def without_dropout(net: nn.Module) -> None:
    """Every Dropout's p set to 0: each rank draws its masks from its own generator, so no
    split of the batch can reproduce the masks one process would draw."""
    for module in net.modules():
        if isinstance(module, nn.Dropout):
            module.p = 0.0


def named_tensors(net: nn.Module, prefix: str) -> tuple[dict, dict]:
    """``(state, gradients)``: copies of the parameters and buffers, and of the gradients."""
    state = {f"{prefix}.{k}": v.detach().clone() for k, v in net.state_dict().items()}
    grads = {
        f"{prefix}.{name}": torch.zeros_like(p) if p.grad is None else p.grad.detach().clone()
        for name, p in net.named_parameters()
    }
    return state, grads


def rank_spread(tensors: dict[str, torch.Tensor]) -> float:
    """The largest difference between any rank's copy of ``tensors`` and rank 0's."""
    flat = torch.cat([t.double().flatten() for t in tensors.values()])
    copies = [torch.empty_like(flat) for _ in range(dist.get_world_size())]
    dist.all_gather(copies, flat)
    return max((copy - copies[0]).abs().max().item() for copy in copies)


def two_steps(model: str, pixels: torch.Tensor) -> dict:
    """``model``'s first DDP step on this rank's slice, and the ranks' spread after two."""
    rank, world = dist.get_rank(), dist.get_world_size()
    cpu = torch.device("cpu")
    torch.manual_seed(SEED)
    gan = distributed.build_gan(model, "solutions", cpu)
    without_dropout(gan.G)
    without_dropout(gan.D)
    G, D = distributed.distribute(gan, cpu)
    draw = torch.Generator().manual_seed(BATCH_SEED)
    mine = slice(rank * PER_RANK, (rank + 1) * PER_RANK)
    spreads, first = [], {}
    for step in range(2):
        picked = torch.randint(len(pixels), (world * PER_RANK,), generator=draw)
        real = gan.to_real(pixels[picked])
        z = torch.randn(world * PER_RANK, gan.latent, generator=draw)
        losses = distributed.ddp_step(G, D, real[mine], z[mine], gan.g_opt, gan.d_opt, gan.loss_fn)
        g_state, g_grads = named_tensors(gan.G, "G")
        d_state, d_grads = named_tensors(gan.D, "D")
        spreads.append(rank_spread(g_state | d_state | g_grads | d_grads))
        mean_losses = distributed.mean_over_ranks(losses, cpu)
        if step == 0:
            first = {
                "real": real,
                "z": z,
                "state": g_state | d_state,
                "grads": g_grads | d_grads,
                "losses": mean_losses,
            }
    return {**first, "rank_spreads": spreads, "world_size": world}


def equivalence(saved: Path, runs: Path) -> None:
    dist.init_process_group("gloo", timeout=timedelta(seconds=60))
    torch.set_num_threads(1)
    pixels = torch.from_numpy(load_mnist("embedded").images)
    report = {model: two_steps(model, pixels) for model in distributed.MODELS}
    if dist.get_rank() == 0:
        torch.save(report, saved)
    options = distributed.parse_args(
        [
            *("--model", "dcgan", "--steps", "3", "--batch", "4"),
            *("--warmup", "1", "--log-every", "2", "--out", str(runs)),
        ]
    )
    distributed.train_and_write(
        options,
        rank=dist.get_rank(),
        world_size=dist.get_world_size(),
        device=torch.device("cpu"),
        backend="gloo",
    )
    gc.collect()  # the DDP wrappers first, as the product's main does
    dist.destroy_process_group()


def die(args: list[str]) -> int:
    """The product's entry point, with a ddp_step that ends rank 1 after its first step."""
    step = distributed.ddp_step
    taken = 0

    def dying_step(*step_args, **step_kwargs):
        nonlocal taken
        losses = step(*step_args, **step_kwargs)
        taken += 1
        if taken == 1 and int(os.environ["RANK"]) == DYING_RANK:
            os._exit(DYING_STATUS)  # no cleanup, no message: as a crash leaves the others
        return losses

    distributed.ddp_step = dying_step
    return distributed.main(args)


if __name__ == "__main__":
    mode, *rest = sys.argv[1:]
    if mode == "equivalence":
        equivalence(Path(rest[0]), Path(rest[1]))
    elif mode == "die":
        sys.exit(die(rest))
    else:
        sys.exit(f"ddp_worker.py: unknown mode {mode!r}: equivalence or die")
