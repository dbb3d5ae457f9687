"""Fused gate ops of the recurrent cells (RNN, LSTM, GRU): one graph node a time step."""

__all__: list[str] = []
