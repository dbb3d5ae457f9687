"""Converters of whole recurrent modules (nn.RNN, nn.LSTM, nn.GRU) to ONNX's RNN ops."""

from __future__ import annotations
