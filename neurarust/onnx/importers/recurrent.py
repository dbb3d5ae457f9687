"""ONNX's recurrent operators (RNN, LSTM, GRU) on neurarust's recurrence op."""

from __future__ import annotations
