"""print_runtime_info reports versions and which CPU kernels are active."""

import numpy as np
import pytest

import neurarust as nr
from neurarust.backend.kernels import numba_support


def test_runtime_info_reports_versions_and_devices():
    info = nr.runtime_info()
    assert info["numpy"] == np.__version__
    assert info["neurarust"] == nr.__version__
    assert info["cuda devices"] == str(nr.cuda.device_count())


@pytest.mark.parametrize("disabled", ["1", "0"])
def test_runtime_info_names_the_active_cpu_kernels(monkeypatch, disabled):
    monkeypatch.setenv("NEURARUST_DISABLE_NUMBA", disabled)
    kernels = nr.runtime_info()["cpu kernels"]
    if disabled == "1":
        assert kernels == "NumPy fallback (NEURARUST_DISABLE_NUMBA is set)"
    else:
        assert kernels.startswith("Numba" if numba_support.numba_enabled() else "NumPy")


def test_print_runtime_info_prints_one_line_per_entry(capsys):
    nr.print_runtime_info()
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(":")[0] for line in lines] == list(nr.runtime_info())
