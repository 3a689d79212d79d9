"""This room holds the demos: whole GANs trained on the embedded digits, to look at.

mnist   ``gankata demo mnist [--collapse]``: the book's MNIST GANs, through kata 4's
        ``gan_step``
dcgan   ``gankata demo dcgan``: kata 11's port of a Keras DCGAN, through its ``train_step``
loop    the one training loop both demos run: shuffled batches, a kata's step, a progress bar
runs    the folder each run writes its pictures and report into
fast_dcgan   ``gankata demo dcgan --fast``: the DCGAN's fast path, the same function
distributed  ``gankata demo dcgan --nproc N``: the DCGAN and MLP GAN trained with DDP under
             torchrun
"""

from gankata.demos.dcgan import run_dcgan_demo
from gankata.demos.distributed import run_distributed
from gankata.demos.mnist import run_mnist_demo

__all__ = ["run_dcgan_demo", "run_distributed", "run_mnist_demo"]
