"""Sequence-model workloads: W4 (an LSTM classifier) and W5 (a transformer encoder
layer), whole training steps.

Every function takes the library (``neurarust`` or ``torch``) and ``quick``
(smaller batches, for the smoke test that keeps the benchmarks running in CI).
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

from .harness import Measurement
from .models import time_training


def lstm_classifier(lib: ModuleType) -> Any:
    """W4's model: LSTM(64, 128), its last hidden state -> Linear(128, 10)."""
    module: Any = lib.nn.Module

    class LSTMClassifier(module):
        def __init__(self) -> None:
            super().__init__()
            self.lstm = lib.nn.LSTM(64, 128)
            self.fc = lib.nn.Linear(128, 10)

        def forward(self, x: Any) -> Any:
            _, (h_n, _) = self.lstm(x)
            return self.fc(h_n[-1])

    return LSTMClassifier()


def encoder_classifier(lib: ModuleType) -> Any:
    """W5's model: TransformerEncoderLayer(128, 4, 512, dropout 0, batch_first), mean
    over the sequence -> Linear(128, 10)."""
    module: Any = lib.nn.Module

    class EncoderClassifier(module):
        def __init__(self) -> None:
            super().__init__()
            self.encoder = lib.nn.TransformerEncoderLayer(
                d_model=128, nhead=4, dim_feedforward=512, dropout=0.0, batch_first=True
            )
            self.fc = lib.nn.Linear(128, 10)

        def forward(self, x: Any) -> Any:
            return self.fc(self.encoder(x).mean(1))

    return EncoderClassifier()


def lstm_training(lib: ModuleType) -> tuple[Any, Any]:
    """W4's model and its optimizer, Adam (lr 1e-3)."""
    model = lstm_classifier(lib)
    return model, lib.optim.Adam(model.parameters(), lr=1e-3)


def encoder_training(lib: ModuleType) -> tuple[Any, Any]:
    """W5's model and its optimizer, AdamW (lr 1e-3, weight decay 0.01, torch's default)."""
    model = encoder_classifier(lib)
    return model, lib.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=0.01)


def w4_lstm(lib: ModuleType, quick: bool) -> Measurement:
    """W4: the LSTM classifier on a (seq 32, batch 32, 64) batch; ms per training step."""
    lib.manual_seed(0)
    steps, batch = (8, 4) if quick else (32, 32)
    inputs, targets = lib.randn(steps, batch, 64), lib.randint(0, 10, (batch,))
    return time_training(lib, *lstm_training(lib), inputs, targets, quick)


def w5_transformer(lib: ModuleType, quick: bool) -> Measurement:
    """W5: the encoder classifier on a (batch 16, seq 64, 128) batch; ms per training step."""
    lib.manual_seed(0)
    batch, steps = (2, 8) if quick else (16, 64)
    inputs, targets = lib.randn(batch, steps, 128), lib.randint(0, 10, (batch,))
    return time_training(lib, *encoder_training(lib), inputs, targets, quick)


WORKLOADS = {"W4": w4_lstm, "W5": w5_transformer}
