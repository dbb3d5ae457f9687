"""Devices: parsing, interning, printing, CUDA availability, and GPU runs vs CPU."""

import pickle

import numpy as np
import pytest

import neurarust as nr

from .conftest import torch

gpu = pytest.mark.skipif(not nr.cuda.is_available(), reason="needs a CUDA GPU and CuPy")


@pytest.mark.parametrize(
    "args, kind, index, text",
    [
        (("cpu",), "cpu", None, "cpu"),
        (("cuda",), "cuda", 0, "cuda:0"),
        (("cuda:1",), "cuda", 1, "cuda:1"),
        (("cuda", 1), "cuda", 1, "cuda:1"),
        ((2,), "cuda", 2, "cuda:2"),
        (("cpu:0",), "cpu", None, "cpu"),
    ],
)
def test_parsing(args, kind, index, text):
    d = nr.device(*args)
    assert (d.type, d.index, str(d)) == (kind, index, text)


@pytest.mark.parametrize(
    "args, match",
    [
        (("gpu",), "expected a device type of 'cpu' or 'cuda', got 'gpu'"),
        (("CPU",), "got 'CPU'"),
        ((" cpu",), "got ' cpu'"),
        (("",), "got ''"),
        (("meta",), "got 'meta'"),
        (("cuda:",), "invalid device string 'cuda:'"),
        (("cuda:x",), "invalid device string"),
        (("cuda:-1",), "invalid device string"),
        (("cuda:1:2",), "invalid device string"),
        (("cuda:1", 2), "index given twice"),
        (("cuda", -1), "non-negative device index, got -1"),
        (("cpu", 1), "cpu has no index 1"),
    ],
)
def test_bad_strings_raise_value_error(args, match):
    with pytest.raises(ValueError, match=match):
        nr.device(*args)


def test_bad_type_raises_type_error():
    with pytest.raises(TypeError, match="expected a string, int or device, got float"):
        nr.device(1.5)


@pytest.mark.parametrize("a, b", [("cpu", "cpu"), ("cuda", "cuda:0"), (("cuda", 1), "cuda:1")])
def test_devices_are_interned(a, b):
    first = nr.device(*a) if isinstance(a, tuple) else nr.device(a)
    assert first is nr.device(b)
    assert nr.device(first) is first
    assert len({first, nr.device(b)}) == 1


def test_device_is_a_class_as_in_pytorch():
    assert isinstance(nr.device("cpu"), nr.device)
    assert nr.Device is nr.device
    assert nr.device(type="cuda", index=3) is nr.device("cuda:3")


@pytest.mark.parametrize("spec", ["cpu", "cuda:1"])
def test_str_repr_pickle_match_torch(spec):
    ours = nr.device(spec)
    if torch is not None:
        theirs = torch.device(spec)
        assert repr(ours) == repr(theirs)
        assert str(ours) == str(theirs)
    assert pickle.loads(pickle.dumps(ours)) is ours


def test_device_is_not_equal_to_its_string():
    assert nr.device("cpu") != "cpu"


def test_tensors_default_to_cpu():
    cpu = nr.device("cpu")
    for t in (nr.tensor([1.0]), nr.zeros(2), nr.zeros(2, device="cpu"), nr.ones(1, device=cpu)):
        assert t.device is cpu
        assert not t.is_cuda


@pytest.mark.skipif(nr.cuda.is_available(), reason="checks the behaviour without a GPU")
class TestWithoutGpu:
    def test_availability(self):
        assert nr.cuda.is_available() is False
        assert nr.cuda.device_count() == 0
        nr.cuda.synchronize()  # a no-op, not an error

    @pytest.mark.parametrize(
        "make",
        [
            lambda: nr.tensor([1.0]).to("cuda"),
            lambda: nr.tensor([1.0]).cuda(),
            lambda: nr.zeros(2, device="cuda"),
            lambda: nr.tensor([1.0], device="cuda:0"),
        ],
    )
    def test_using_cuda_raises_a_clear_error(self, make):
        with pytest.raises(RuntimeError, match="CUDA is not available"):
            make()

    def test_naming_cuda_is_fine(self):
        assert str(nr.device("cuda")) == "cuda:0"


def test_cross_device_op_names_both_devices():
    # A tensor labelled cuda:1 holding host data: the device check runs before any
    # computation, so no GPU is needed to see the error.
    elsewhere = nr.Tensor._make(np.zeros(2, np.float32), nr.device("cuda", 1))
    with pytest.raises(RuntimeError, match=r"add: .*same device.*cpu and cuda:1"):
        nr.zeros(2) + elsewhere


def test_cuda_rejects_non_cuda_device():
    with pytest.raises(ValueError, match="expected a CUDA device, got cpu"):
        nr.zeros(1).cuda("cpu")


# -- on a GPU ---------------------------------------------------------------------------


def _core_ops(x, w):
    """A small workload touching the core: elementwise, broadcast, reduction, reshape."""
    y = (x * w + 1.5) / (w * w + 1.0)
    return (y.exp() - x).reshape(-1).sum()


@pytest.mark.gpu
@gpu
def test_gpu_forward_and_backward_match_cpu(rng):
    x_host = rng.standard_normal((3, 4)).astype(np.float32)
    w_host = rng.standard_normal(4).astype(np.float32)
    results = []
    for dev in ("cpu", "cuda"):
        x = nr.tensor(x_host, device=dev, requires_grad=True)
        w = nr.tensor(w_host, device=dev, requires_grad=True)
        out = _core_ops(x, w)
        out.backward()
        assert out.device is nr.device(dev) and x.grad.device is nr.device(dev)
        results.append([t.cpu().detach().numpy() for t in (out, x.grad, w.grad)])
    for ours, reference in zip(*results):
        np.testing.assert_allclose(ours, reference, rtol=1e-5, atol=1e-6)


@pytest.mark.gpu
@gpu
def test_gpu_transfer_is_differentiable(rng):
    x = nr.tensor(rng.standard_normal(3), requires_grad=True)
    y = x.to("cuda")
    assert y.device is nr.device("cuda:0") and y.grad_fn is not None
    (y * y).sum().backward()
    assert x.grad.device is nr.device("cpu")
    np.testing.assert_allclose(x.grad.numpy(), 2 * x.detach().numpy())


@pytest.mark.gpu
@gpu
def test_gpu_repr_and_creation():
    t = nr.tensor([1.0, 2.0], device="cuda")
    assert repr(t) == "tensor([1., 2.], device='cuda:0')"
    assert nr.zeros(2, 3, device="cuda").is_cuda
    assert nr.rand(4, device="cuda").device is nr.device("cuda")
    _ = nr.manual_seed(0)
    a = nr.randn(5, device="cuda").cpu()
    _ = nr.manual_seed(0)
    assert np.array_equal(nr.randn(5, device="cuda").cpu().numpy(), a.numpy())


@pytest.mark.gpu
@gpu
def test_gpu_cross_device_op_names_both_devices():
    with pytest.raises(RuntimeError, match="cuda:0 and cpu"):
        nr.zeros(2, device="cuda") + nr.zeros(2)


@pytest.mark.gpu
@gpu
def test_gpu_numpy_needs_cpu():
    with pytest.raises(TypeError, match="can't convert cuda:0 device type tensor to numpy"):
        nr.zeros(2, device="cuda").numpy()
