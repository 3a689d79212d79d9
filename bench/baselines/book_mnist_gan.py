"""The book's improved MNIST GAN and its training loop, one image at a time (seeds 000, 002).

The classes keep the book's shape (``train`` with a ``counter`` and a ``progress`` list that
records the loss every 10 calls) and its recipe: LeakyReLU(0.02), LayerNorm, BCE, Adam 1e-4,
``generate_random_seed(100)`` from ``randn``. The loop is the seeds' own::

    for label, image_data_tensor, target_tensor in mnist_dataset:
        D.train(image_data_tensor, torch.FloatTensor([1.0]))
        D.train(G.forward(generate_random_seed(100)).detach(), torch.FloatTensor([0.0]))
        G.train(D, generate_random_seed(100), torch.FloatTensor([1.0]))

The only change is ``device``: to time the same loop on a GPU, images and seeds move there.
"""

from __future__ import annotations

import torch
from torch import nn
from torch.utils.data import Dataset


def generate_random_seed(size: int, device: torch.device) -> torch.Tensor:
    return torch.randn(size, device=device)


class Discriminator(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.model = nn.Sequential(
            nn.Linear(784, 200),
            nn.LeakyReLU(0.02),
            nn.LayerNorm(200),
            nn.Linear(200, 1),
            nn.Sigmoid(),
        )
        self.loss_function = nn.BCELoss()
        self.optimiser = torch.optim.Adam(self.parameters(), lr=0.0001)
        self.counter = 0
        self.progress: list[float] = []

    def forward(self, inputs: torch.Tensor) -> torch.Tensor:
        return self.model(inputs)

    # The book's name: it hides nn.Module.train(mode), which kata 5 warns about.
    def train(self, inputs: torch.Tensor, targets: torch.Tensor) -> None:
        outputs = self.forward(inputs)
        loss = self.loss_function(outputs, targets)
        self.counter += 1
        if self.counter % 10 == 0:
            self.progress.append(loss.item())
        self.optimiser.zero_grad()
        loss.backward()
        self.optimiser.step()


class Generator(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.model = nn.Sequential(
            nn.Linear(100, 200),
            nn.LeakyReLU(0.02),
            nn.LayerNorm(200),
            nn.Linear(200, 784),
            nn.Sigmoid(),
        )
        self.optimiser = torch.optim.Adam(self.parameters(), lr=0.0001)
        self.counter = 0
        self.progress: list[float] = []

    def forward(self, inputs: torch.Tensor) -> torch.Tensor:
        return self.model(inputs)

    def train(self, D: Discriminator, inputs: torch.Tensor, targets: torch.Tensor) -> None:
        g_output = self.forward(inputs)
        d_output = D.forward(g_output)
        loss = D.loss_function(d_output, targets)
        self.counter += 1
        if self.counter % 10 == 0:
            self.progress.append(loss.item())
        self.optimiser.zero_grad()
        loss.backward()
        self.optimiser.step()


class BookLoop:
    """The book's loop over ``mnist_dataset``, resumable: ``run(n)`` trains on the next n images."""

    def __init__(self, mnist_dataset: Dataset, device: torch.device) -> None:
        self.dataset, self.device, self.index = mnist_dataset, device, 0
        self.D, self.G = Discriminator().to(device), Generator().to(device)
        self.real = torch.FloatTensor([1.0]).to(device)
        self.fake = torch.FloatTensor([0.0]).to(device)

    def run(self, images: int) -> None:
        D, G, device = self.D, self.G, self.device
        for _ in range(images):
            _label, image_data_tensor, _target = self.dataset[self.index]
            self.index = (self.index + 1) % len(self.dataset)
            D.train(image_data_tensor.to(device), self.real)
            D.train(G.forward(generate_random_seed(100, device)).detach(), self.fake)
            G.train(D, generate_random_seed(100, device), self.real)
