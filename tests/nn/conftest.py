"""Helpers for nn tests: copy a PyTorch module's weights into a neurarust one."""

from typing import Any

import numpy as np

import neurarust as nr


def copy_torch_state(ours: Any, theirs: Any) -> None:
    """Give ``ours`` the parameters and buffers of the PyTorch module ``theirs``.

    Writes through ``named_parameters``/``named_buffers`` (same names in both
    libraries), so it needs only those and works before ``load_state_dict`` does.
    """
    tensors = dict(theirs.named_parameters())
    tensors.update(dict(theirs.named_buffers()))
    with nr.no_grad():
        for name, mine in [*ours.named_parameters(), *ours.named_buffers()]:
            source = tensors[name].detach().cpu().numpy()
            assert tuple(mine.shape) == source.shape, (
                f"{name}: {tuple(mine.shape)} != {source.shape}"
            )
            mine.copy_(nr.from_numpy(np.ascontiguousarray(source)))
