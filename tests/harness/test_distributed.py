"""Data-parallel training (gankata.demos.distributed): two gloo ranks on the CPU take the step
one process takes on the combined batch, agree with each other, and stop together when one
of them dies.

Two torchrun launches in all (each costs a few seconds of imports per rank): one runs
tests/harness/ddp_worker.py's checks of both models and the product's training path, the
other a run in which rank 1 dies.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch
from torch import nn

from gankata.demos import distributed
from gankata.demos.distributed import CrossRankBatchNorm, DistributedSetupError, check_world
from gankata.testkit.loader import load_impl

ROOT = Path(__file__).resolve().parents[2]
WORKER = Path(__file__).with_name("ddp_worker.py")
# What ddp_worker.py builds from, and how it kills rank 1.
SEED = 0
DYING_RANK, DYING_STATUS = 1, 3

# Measured, one step of two ranks of 8 against one process on the 16 (2 CPU cores, torch
# 2.14). Not exact, because the sums are taken in another order: DDP all-reduces each
# rank's mean gradient and halves the sum, where one process sums over all 16 at once, and
# CrossRankBatchNorm adds two ranks' per-channel sums where BatchNorm sums one batch.
#
# Gradients, per tensor, relative to its largest element: at most 6.2e-6 (the DCGAN's last
# convolution). A bug is far above: BatchNorm left per rank gives 1.9e-2 to 0.9; a gradient
# summed over ranks instead of averaged gives 0.5.
GRAD_RTOL = 1e-4
# Parameters, in units of the learning rate: at most 0.0071 lr (DCGAN), 0.036 lr (MLP GAN).
# Adam's first step is lr * g / (|g| + eps): about lr * sign(g), which hides a gradient's
# scale (hence the gradient check above), and for the few elements whose gradient is within
# a few eps of zero (the MLP GAN's Adam has eps 1e-8) the step depends on the gradient's
# last digits.
PARAM_TOL_LR = 0.25
# A gradient that is zero in exact arithmetic: the bias of the DCGAN's convolution just
# before its BatchNorm2d, which subtracts the channel's mean and with it the bias. Both runs
# see only rounding there (at most 6.6e-9; the smallest real gradient is 3.3e-4), and Adam
# turns that noise into a step of up to lr, in a direction neither run can predict: so such
# a parameter must have a noise-sized gradient in both runs and may differ by up to lr.
ZERO_GRAD = 1e-6
# BatchNorm's running statistics (means near 0, variances near 1): at most 6.0e-8.
BUFFER_ATOL = 1e-6
# The losses averaged over ranks against one process's: at most 1.5e-7.
LOSS_ATOL = 1e-5


def _env(**extra: str) -> dict[str, str]:
    # The product's own launch environment: one thread per rank, gankata on PYTHONPATH.
    return distributed.launch_env() | extra


def _torchrun(*args: str, timeout: float, **env: str) -> tuple[subprocess.CompletedProcess, float]:
    """torchrun with two ranks of ``args``; the finished process and its seconds."""
    command = [sys.executable, "-m", "torch.distributed.run", "--standalone"]
    command += ["--nproc-per-node", "2", str(WORKER), *args]
    started = time.perf_counter()
    try:
        finished = subprocess.run(
            command,
            cwd=ROOT,
            env=_env(**env),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired as expired:
        pytest.fail(
            f"torchrun {' '.join(args[:1])} was still running after {timeout:.0f} s: a rank "
            f"waits for another that will never come (a collective without a timeout, or one "
            f"rank skipping a collective the other makes). Its output so far:\n"
            f"{expired.stdout}\n{expired.stderr}"
        )
    return finished, time.perf_counter() - started


@pytest.fixture(scope="module")
def two_ranks(tmp_path_factory) -> dict:
    """ddp_worker.py's equivalence run: what rank 0 saved, and the folder of its run."""
    folder = tmp_path_factory.mktemp("ddp")
    saved, runs = folder / "saved.pt", folder / "runs"
    finished, _ = _torchrun("equivalence", str(saved), str(runs), timeout=50)
    assert finished.returncode == 0 and saved.is_file(), (
        f"the two-rank run failed (status {finished.returncode}); torchrun said:\n"
        f"{finished.stdout}\n{finished.stderr}"
    )
    return {"saved": torch.load(saved, weights_only=False), "runs": runs}


def _no_dropout(*nets: nn.Module) -> None:
    # Each rank draws its Dropout masks from its own generator: no split of the batch can
    # reproduce the masks one process draws, so the worker sets p = 0, and so does this.
    for net in nets:
        for module in net.modules():
            if isinstance(module, nn.Dropout):
                module.p = 0.0


def _tensors(*named: tuple[str, nn.Module]) -> tuple[dict, dict]:
    state, grads = {}, {}
    for prefix, net in named:
        state |= {f"{prefix}.{k}": v.detach() for k, v in net.state_dict().items()}
        grads |= {
            f"{prefix}.{n}": torch.zeros_like(p) if p.grad is None else p.grad
            for n, p in net.named_parameters()
        }
    return state, grads


def _one_process(model: str, real: torch.Tensor, z: torch.Tensor):
    """One process, one step on the whole batch, through the kata's own step: kata 11's
    ``train_step`` for the DCGAN, kata 4's ``gan_step`` for the MLP GAN (as the MNIST demo
    runs it). Built in the order ``build_gan`` builds, from the same seed."""
    torch.manual_seed(SEED)
    if model == "dcgan":
        dcgan = load_impl("dcgan", "solutions", ROOT)
        G, D = dcgan.make_generator(), dcgan.make_discriminator()
        _no_dropout(G, D)
        g_opt, d_opt = dcgan.make_optimizers(G, D)
        losses = dcgan.train_step(G, D, real, z, g_opt, d_opt)
    else:
        mnist_gan = load_impl("mnist_gan", "solutions", ROOT)
        step_order = load_impl("step_order", "solutions", ROOT)
        D, G = mnist_gan.Discriminator(), mnist_gan.Generator()
        g_opt = G.optimiser
        losses = step_order.gan_step(D, G, real, z, D.optimiser, G.optimiser, D.loss_function)
    state, grads = _tensors(("G", G), ("D", D))
    return losses, state, grads, g_opt.defaults["lr"]


@pytest.mark.parametrize("model", distributed.MODELS)
def test_two_ranks_take_the_step_one_process_takes_on_the_combined_batch(two_ranks, model):
    ddp = two_ranks["saved"][model]
    losses, state, grads, lr = _one_process(model, ddp["real"], ddp["z"])
    mistake = (
        "the likely mistake: BatchNorm left per rank (sync_batchnorm not applied), gradients "
        "summed or not reduced, or a step out of kata 4's order"
    )
    for name, want, got in zip(("d_real", "d_fake", "g"), losses, ddp["losses"], strict=True):
        assert abs(want - got) <= LOSS_ATOL, (
            f"{model}: loss {name} averaged over the ranks is {got:.7f}, one process on the "
            f"combined batch has {want:.7f}; {mistake}"
        )
    for name, want in grads.items():
        got = ddp["grads"][name]
        largest = want.abs().max().item()
        if largest < ZERO_GRAD:
            assert got.abs().max().item() < ZERO_GRAD, (
                f"{model}: {name}'s gradient is zero in exact arithmetic (one process: at most "
                f"{largest:.1e}), but the ranks have {got.abs().max().item():.1e}; {mistake}"
            )
            continue
        gap = (got - want).abs().max().item() / largest
        assert gap <= GRAD_RTOL, (
            f"{model}: {name}'s gradient differs from one process's by {gap:.1e} of its "
            f"largest element (expected at most {GRAD_RTOL:g}); {mistake}"
        )
    for name, want in state.items():
        got = ddp["state"][name]
        gap = (got.double() - want.double()).abs().max().item()
        if name in grads:
            noise = grads[name].abs().max().item() < ZERO_GRAD
            allowed = lr if noise else PARAM_TOL_LR * lr
            assert gap <= allowed, (
                f"{model}: parameter {name} differs from one process's by {gap:.2e} after "
                f"one step, more than {allowed:.1e} ({allowed / lr:g} x lr {lr:g}); {mistake}"
            )
        else:
            assert gap <= BUFFER_ATOL, (
                f"{model}: buffer {name} differs from one process's by {gap:.2e} (expected "
                f"at most {BUFFER_ATOL:g}): the running statistics must move by the "
                "combined batch's mean and unbiased variance over the global count"
            )


@pytest.mark.parametrize("model", distributed.MODELS)
def test_the_ranks_hold_identical_weights_after_each_step(two_ranks, model):
    spreads = two_ranks["saved"][model]["rank_spreads"]
    assert spreads == [0.0, 0.0], (
        f"{model}: after steps 1 and 2 the ranks' parameters, buffers and gradients differ "
        f"by up to {spreads}, expected 0 (an all-reduce gives every rank the same bits). "
        "After step 1 only: a gradient not reduced or BatchNorm statistics taken per rank; "
        "after step 2 only: DDP stopped reducing D once step 4 froze and thawed it"
    )


def test_the_product_run_writes_its_results_on_rank_0(two_ranks):
    folders = list(two_ranks["runs"].iterdir())
    assert len(folders) == 1, f"expected one run folder from rank 0 alone, found {folders}"
    run = folders[0]
    names = sorted(p.name for p in run.iterdir())
    assert names == ["results.json", "samples.png"], (
        f"rank 0's run folder holds {names}, expected results.json and samples.png and no "
        "temporary file left behind"
    )
    results = json.loads((run / "results.json").read_text(encoding="utf-8"))
    expected = {
        "model": "dcgan",
        "world_size": 2,
        "backend": "gloo",
        "device": "cpu",
        "batch_per_rank": 4,
        "global_batch": 8,
        "steps": 3,
        "warmup_steps": 1,
        "timed_steps": 2,
    }
    seen = {key: results.get(key) for key in expected}
    assert seen == expected, f"results.json says {seen}, expected {expected}"
    rate = results["timed_steps"] * 8 / results["seconds"]
    assert results["images_per_s"] == pytest.approx(rate), (
        f"images_per_s is {results['images_per_s']}, but timed steps x per-rank batch x "
        f"world size / seconds is {rate}: count the images of every rank"
    )


def test_a_dying_rank_ends_the_run_without_results(tmp_path):
    out = tmp_path / "out"
    args = ["--model", "mlp_gan", "--steps", "20", "--batch", "8", "--log-every", "0"]
    finished, seconds = _torchrun(
        "die", *args, "--out", str(out), timeout=45, **{distributed.TIMEOUT_ENV: "10"}
    )
    said = finished.stdout + finished.stderr
    assert finished.returncode != 0, f"torchrun exited 0 though rank 1 died:\n{said}"
    assert seconds < 40, f"the run took {seconds:.0f} s to stop after rank 1 died:\n{said}"
    named = re.search(
        rf"rank\s*:\s*{DYING_RANK} \(local_rank: {DYING_RANK}\)\s*\n\s*exitcode\s*:\s*"
        rf"{DYING_STATUS}",
        said,
    )
    assert named, f"torchrun's summary should name rank 1 and its exit status 3:\n{said}"
    # Rank 0 either sees its collective fail and says so, or torchrun ends it first.
    ended = "rank 0: another rank stopped" in said or re.search(
        r"rank\s*:\s*0 \(local_rank: 0\)\s*\n\s*exitcode\s*:\s*-15", said
    )
    assert ended, f"rank 0 neither said another rank stopped nor was ended by torchrun:\n{said}"
    left = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*"))
    assert not left, f"a run that died wrote {left}; rank 0 must write only once training ends"


@pytest.mark.parametrize(
    ("settings", "fix"),
    [
        ({"world_size": 1}, "ask for 2 or more processes"),
        ({"backend": "nccl"}, "use gloo on a CPU"),
        ({"backend": "mpi"}, "use gloo"),
        ({"device_type": "mps"}, "--device cpu"),
        (
            {"backend": "nccl", "device_type": "cuda", "local_world_size": 4, "cuda_devices": 2},
            "torchrun --nproc-per-node 4 but this machine has 2 GPUs",
        ),
        ({"device_type": "cuda", "cuda_devices": 0}, "this machine has 0 GPUs"),
    ],
)
def test_check_world_refuses_what_cannot_work_and_says_how_to_fix_it(settings, fix):
    world = {
        "backend": "gloo",
        "device_type": "cpu",
        "world_size": 2,
        "local_world_size": 2,
        "cuda_devices": 0,
    }
    with pytest.raises(DistributedSetupError) as refused:
        check_world(**(world | settings))
    assert fix in str(refused.value), (
        f"check_world({settings}) said {str(refused.value)!r}, which should say {fix!r}"
    )


@pytest.mark.parametrize(
    "world",
    [
        {"backend": "gloo", "device_type": "cpu", "world_size": 2, "local_world_size": 2},
        {"backend": "nccl", "device_type": "cuda", "world_size": 8, "local_world_size": 4},
        {"backend": "gloo", "device_type": "cuda", "world_size": 2, "local_world_size": 2},
    ],
)
def test_check_world_accepts_worlds_that_work(world):
    check_world(**world, cuda_devices=4)


def test_the_default_backend_is_nccl_on_cuda_and_gloo_elsewhere():
    seen = (distributed.default_backend("cuda"), distributed.default_backend("cpu"))
    assert seen == ("nccl", "gloo"), f"default backends (cuda, cpu) are {seen}"


def test_cross_rank_batchnorm_outside_a_process_group_is_batchnorm():
    torch.manual_seed(SEED)
    original = nn.Sequential(nn.Linear(3, 5), nn.BatchNorm1d(5, eps=1e-3, momentum=0.01))
    original[1].running_mean.uniform_()
    original[1].running_var.uniform_(0.5, 2)
    original[1].weight.data.uniform_()
    twin = CrossRankBatchNorm.convert(nn.Sequential(original[0], _copy(original[1])))
    assert isinstance(twin[1], CrossRankBatchNorm), f"convert left {twin[1]!r} unconverted"
    x = torch.randn(6, 3)
    for mode in ("train", "eval"):
        original.train(mode == "train")
        twin.train(mode == "train")
        want, got = original(x), twin(x)
        assert torch.allclose(got, want, atol=1e-6), (
            f"{mode}: CrossRankBatchNorm in one process gives {got[0]}, BatchNorm {want[0]}"
        )
        for name in ("running_mean", "running_var"):
            a, b = getattr(twin[1], name), getattr(original[1], name)
            assert torch.allclose(a, b, atol=1e-7), f"{mode}: {name} is {a}, BatchNorm's {b}"


def _copy(layer: nn.BatchNorm1d) -> nn.BatchNorm1d:
    copy = nn.BatchNorm1d(layer.num_features, eps=layer.eps, momentum=layer.momentum)
    copy.load_state_dict(layer.state_dict())
    return copy


def test_sync_batchnorm_keeps_the_layers_parameters_for_the_optimiser():
    for device, kind in (("cpu", CrossRankBatchNorm), ("cuda", nn.SyncBatchNorm)):
        layer = nn.BatchNorm2d(4)
        model = nn.Sequential(nn.Conv2d(1, 4, 3), layer)
        converted = distributed.sync_batchnorm(model, torch.device(device))
        assert isinstance(converted[1], kind), (
            f"on {device}, sync_batchnorm made {type(converted[1]).__name__}, expected "
            f"{kind.__name__}"
        )
        assert converted[1].weight is layer.weight and converted[1].bias is layer.bias, (
            f"on {device}, the converted layer has new parameters: an optimiser built before "
            "the conversion would step tensors the model no longer uses; share them"
        )


def test_main_outside_torchrun_says_how_to_launch(monkeypatch, capsys):
    for name in ("RANK", "WORLD_SIZE", "LOCAL_RANK", "LOCAL_WORLD_SIZE"):
        monkeypatch.delenv(name, raising=False)
    status = distributed.main(["--model", "mlp_gan"])
    said = capsys.readouterr().err
    assert status == 2, f"main outside torchrun returned {status}, expected 2; it said {said}"
    assert "torchrun --standalone --nproc-per-node 2 -m gankata.demos.distributed" in said, (
        f"main outside torchrun should give the torchrun command line; it said {said!r}"
    )
    assert "Traceback" not in said, f"bad input must not print a traceback: {said}"


@pytest.mark.parametrize(
    ("argv", "env", "words"),
    [
        (["--model", "dcgan", "--batch", "1"], {}, "at least 2 images per rank"),
        (["--steps", "0"], {}, "at least 1 step"),
        (["--model", "gan"], {}, "invalid choice"),
        ([], {"RANK": "0", "WORLD_SIZE": "1"}, "nothing to share"),
        ([], {"RANK": "0", "WORLD_SIZE": "2", distributed.TIMEOUT_ENV: "soon"}, "above 0"),
    ],
)
def test_main_refuses_bad_input_with_status_2_and_one_message(
    monkeypatch, capsys, argv, env, words
):
    monkeypatch.delenv("LOCAL_RANK", raising=False)
    monkeypatch.setenv(distributed.TIMEOUT_ENV, "")
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    status = distributed.main(["--device", "cpu", *argv])
    said = capsys.readouterr().err
    assert status == 2 and words in said, (
        f"main({argv}) with {env} returned {status} and said {said!r}; expected 2 and {words!r}"
    )


def test_run_distributed_refuses_one_process_before_launching(monkeypatch):
    def launched(*args, **kwargs):
        raise AssertionError(f"run_distributed launched {args[0]} for a world of one")

    monkeypatch.setattr(distributed.subprocess, "run", launched)
    with pytest.raises(DistributedSetupError, match="ask for 2 or more processes"):
        distributed.run_distributed(1, device="cpu")


def test_launch_command_is_torchrun_standalone():
    command = distributed.launch_command(2, ["--model", "dcgan"])
    expected = [sys.executable, "-m", "torch.distributed.run", "--standalone"]
    expected += ["--nproc-per-node", "2", "-m", "gankata.demos.distributed", "--model", "dcgan"]
    assert command == expected, f"launch_command(2, ...) is {command}, expected {expected}"
