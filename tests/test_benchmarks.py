"""The benchmark runner runs end to end (at small sizes) and reports sane numbers."""

import json

import pytest

import neurarust
from benchmarks import conv, models, run, sequence


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


def _image_batch(torch, channels, size):
    """A batch of 4 random images and class targets."""
    return torch.randn(4, channels, size, size), torch.randint(0, 10, (4,))


@pytest.mark.parametrize(
    "training, make_batch",
    [
        (conv.lenet5_training, lambda torch: _image_batch(torch, 1, 28)),
        (conv.cifar_cnn_training, lambda torch: _image_batch(torch, 3, 32)),
        (sequence.lstm_training, lambda torch: (torch.randn(6, 4, 64), torch.randint(0, 10, (4,)))),
        (
            sequence.encoder_training,
            lambda torch: (torch.randn(4, 6, 128), torch.randint(0, 10, (4,))),
        ),
    ],
    ids=["W2", "W3", "W4", "W5"],
)
def test_training_steps_match_torch(training, make_batch):
    """From the same weights and batch, neurarust and torch give the same losses over a
    few steps (the first checks the forward, the next the gradients and the update)."""
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    theirs, their_optimizer = training(torch)
    ours, our_optimizer = training(neurarust)
    ours.load_state_dict({k: neurarust.tensor(v.numpy()) for k, v in theirs.state_dict().items()})
    inputs, targets = make_batch(torch)
    our_batch = neurarust.tensor(inputs.numpy()), neurarust.tensor(targets.numpy())

    def losses(lib, model, optimizer, batch):
        return [models.train_step(lib, model, optimizer, *batch).item() for _ in range(3)]

    expected = losses(torch, theirs, their_optimizer, (inputs, targets))
    assert losses(neurarust, ours, our_optimizer, our_batch) == pytest.approx(expected, rel=1e-3)
