"""The benchmark runner runs end to end (at small sizes) and reports sane numbers."""

import json

import pytest

from benchmarks import run


def test_quick_run_reports_every_workload(tmp_path, capsys):
    pytest.importorskip("torch")
    out = tmp_path / "results.json"
    assert run.main(["--quick", "--json", str(out)]) == 0
    rows = json.loads(out.read_text())
    assert [r["workload"] for r in rows] == list(run.WORKLOADS)
    for row in rows:
        assert row["neurarust"] > 0 and row["torch"] > 0 and row["slowdown"] > 0
    assert "slowdown" in capsys.readouterr().out


def test_unknown_workload_is_rejected():
    with pytest.raises(SystemExit):
        run.main(["no-such-workload"])
