"""Memory layout against PyTorch: as_strided, unfold, strides, offsets and layouts."""

import numpy as np
import pytest

import neurarust as nr

from ..conftest import check_gradients, compare_with_torch, torch

# name -> (fn(lib, x), input shape). Inputs are contiguous: as_strided addresses storage.
CASES = {
    "as_strided_transpose": (lambda lib, x: x.as_strided((3, 2), (1, 3)), (2, 3)),
    "as_strided_overlap": (lambda lib, x: lib.as_strided(x, (3, 3), (1, 1)), (6,)),
    "as_strided_repeat": (lambda lib, x: x.as_strided((2, 4), (0, 1)), (2, 4)),
    "as_strided_offset": (lambda lib, x: x.as_strided((2, 2), (3, 1), 4), (3, 4)),
    "as_strided_of_view": (lambda lib, x: x[1:].as_strided((2, 3), (1, 2)), (3, 4)),
    "as_strided_of_transposed": (lambda lib, x: x.t().as_strided((4,), (3,)), (4, 3)),
    "as_strided_empty": (lambda lib, x: x.as_strided((0, 2), (1, 1)), (3,)),
    "unfold_1d": (lambda lib, x: x.unfold(0, 3, 2), (7,)),
    "unfold_overlap": (lambda lib, x: x.unfold(0, 3, 1), (5,)),
    "unfold_gap": (lambda lib, x: x.unfold(-1, 2, 3), (2, 8)),
    "unfold_middle": (lambda lib, x: x.unfold(1, 2, 1), (2, 4, 3)),
    "unfold_of_transposed": (lambda lib, x: x.t().unfold(0, 2, 2), (3, 4)),
    "unfold_twice": (lambda lib, x: x.unfold(0, 2, 1).unfold(1, 2, 1), (4, 3)),
    "unfold_0d": (lambda lib, x: x.sum().unfold(0, 1, 1), (3,)),
    "unfold_whole": (lambda lib, x: x.unfold(0, 4, 1), (4,)),
}


def _input(shape, rng, dtype=np.float32):
    return rng.standard_normal(shape).astype(dtype)


@pytest.mark.parametrize("name", sorted(CASES))
def test_matches_torch(name, rng):
    fn, shape = CASES[name]
    ours = compare_with_torch(fn, _input(shape, rng), contiguous=True)
    theirs = fn(torch, torch.from_numpy(_input(shape, np.random.default_rng(0))))
    assert ours.stride() == theirs.stride()


@pytest.mark.parametrize("name", sorted(CASES))
def test_gradcheck(name, rng):
    fn, shape = CASES[name]
    check_gradients(lambda x: fn(nr, x), _input(shape, rng, np.float64), second_order=True)


def test_views_share_memory():
    x = nr.zeros(6)
    windows = x.unfold(0, 2, 2)
    strided = x.as_strided((3,), (2,), 1)
    x.add_(nr.arange(6.0))
    assert windows.tolist() == [[0.0, 1.0], [2.0, 3.0], [4.0, 5.0]]
    assert strided.tolist() == [1.0, 3.0, 5.0]


VIEWS = {
    "slice": lambda x: x[1:, 2:],
    "step": lambda x: x[::2, 1::2],
    "select": lambda x: x[2],
    "narrow": lambda x: x.narrow(1, 1, 2),
    "transpose": lambda x: x.t()[1],
    "flip_free_chain": lambda x: x[1:][1:].reshape(-1)[3:],
    "as_strided": lambda x: x.as_strided((2,), (1,), 5),
    "unfold": lambda x: x[1].unfold(0, 2, 1),
}


@pytest.mark.parametrize("name", sorted(VIEWS))
def test_strides_and_offsets_match_torch(name):
    data = np.arange(20, dtype=np.float32).reshape(4, 5)
    base = nr.from_numpy(data.copy())
    ours, theirs = VIEWS[name](base), VIEWS[name](torch.from_numpy(data))
    assert ours.stride() == theirs.stride()
    assert ours.storage_offset() == theirs.storage_offset()
    assert ours.is_contiguous() == theirs.is_contiguous()
    assert ours.data_ptr() - base.data_ptr() == ours.storage_offset() * base.element_size()


def test_data_ptr_tells_aliasing():
    x = nr.zeros(3, 4)
    assert x[0].data_ptr() == x.data_ptr()
    assert x[1].data_ptr() - x.data_ptr() == 4 * x.element_size()
    assert x.clone().data_ptr() != x.data_ptr()


LAYOUTS = {
    "nchw": lambda lib, x: x,
    "nhwc_permuted": lambda lib, x: x.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2),
    "nhwc_sliced": lambda lib, x: x.permute(0, 2, 3, 1)[:, 1:].permute(0, 3, 1, 2),
    "one_channel": lambda lib, x: x[:, :1],
    "3d": lambda lib, x: x[0],
}


@pytest.mark.parametrize("name", sorted(LAYOUTS))
def test_channels_last_detection_matches_torch(name, rng):
    data = _input((2, 3, 4, 5), rng)
    ours = LAYOUTS[name](nr, nr.from_numpy(data.copy()))
    theirs = LAYOUTS[name](torch, torch.from_numpy(data))
    assert ours.is_contiguous(memory_format=nr.channels_last) == theirs.is_contiguous(
        memory_format=torch.channels_last
    )
    assert ours.is_contiguous() == theirs.is_contiguous()


def test_fortran_arrays_are_not_copied_and_ops_keep_their_layout():
    data = np.asfortranarray(np.arange(12, dtype=np.float32).reshape(3, 4))
    ours, theirs = nr.from_numpy(data), torch.from_numpy(data)
    assert ours.stride() == theirs.stride() == (1, 3)
    data[0, 0] = 7.0
    assert ours[0, 0].item() == 7.0
    assert (ours * 2).stride() == (theirs * 2).stride()
    assert ours.t().is_contiguous() and theirs.t().is_contiguous()


ERRORS = [
    (lambda x: x.as_strided((2, 2), (1,)), RuntimeError, "mismatch in length of strides"),
    (lambda x: x.as_strided((4, 4), (4, 1)), RuntimeError, "require a storage of 16 elements"),
    (lambda x: x.as_strided((2,), (1,), -1), RuntimeError, "storage_offset must be >= 0"),
    (lambda x: x.as_strided((2,), (-1,)), RuntimeError, "must be non-negative"),
    (lambda x: x.as_strided(2, (1,)), TypeError, "'size' must be a tuple of ints"),
    (lambda x: x.unfold(0, 7, 1), RuntimeError, "maximum size for tensor at dimension 0 is 6"),
    (lambda x: x.unfold(0, 2, 0), RuntimeError, "step is 0 but must be > 0"),
    (lambda x: x.unfold(1, 2, 1), IndexError, "Dimension out of range"),
    (lambda x: nr.as_strided([1.0], (1,), (1,)), TypeError, "must be Tensor"),
]


@pytest.mark.parametrize("fn, error, message", ERRORS)
def test_errors(fn, error, message):
    with pytest.raises(error, match=message):
        fn(nr.arange(6.0))


KEEP_LAYOUT = {
    "to_channels_last": lambda lib, x: x.contiguous(memory_format=lib.channels_last),
    "clone_preserves": lambda lib, x: x.contiguous(memory_format=lib.channels_last).clone(),
    "clone_transposed": lambda lib, x: x.transpose(1, 3).clone(),
    "clone_strided": lambda lib, x: x[:, ::2].clone(),
    "clone_to_contiguous": lambda lib, x: x.transpose(1, 3).clone(
        memory_format=lib.contiguous_format
    ),
    "clone_to_channels_last": lambda lib, x: x.clone(memory_format=lib.channels_last),
    "unary_keeps": lambda lib, x: x.contiguous(memory_format=lib.channels_last).exp(),
    "binary_keeps": lambda lib, x: x.contiguous(memory_format=lib.channels_last) * 2.0,
    "bias_keeps": lambda lib, x: (
        x.contiguous(memory_format=lib.channels_last) + lib.ones(1, 3, 1, 1)
    ),
    "back_to_contiguous": lambda lib, x: (
        x.contiguous(memory_format=lib.channels_last).contiguous().sum(1)
    ),
}


@pytest.mark.parametrize("name", sorted(KEEP_LAYOUT))
def test_layouts_are_made_and_kept_as_torch(name, rng):
    fn = KEEP_LAYOUT[name]
    ours = compare_with_torch(fn, _input((2, 3, 4, 5), rng))
    theirs = fn(torch, torch.from_numpy(_input((2, 3, 4, 5), rng)))
    assert ours.stride() == theirs.stride()


@pytest.mark.parametrize(
    "fn, message",
    [
        (lambda x: x[0].contiguous(memory_format=nr.channels_last), "required rank 4 tensor"),
        (lambda x: x.clone(memory_format=nr.channels_last)[0, 0], None),
        (lambda x: x.contiguous(memory_format=nr.preserve_format), "preserve memory format"),
    ],
)
def test_layout_errors(fn, message):
    x = nr.zeros(2, 3, 4, 5)
    if message is None:
        fn(x)
        return
    with pytest.raises(RuntimeError, match=message):
        fn(x)


def test_views_of_memory_read_as_another_dtype_address_their_own_elements():
    data = np.arange(16, dtype=np.uint8)
    ours = nr.from_numpy(data.view(np.float32)).as_strided((2,), (1,), 1)
    theirs = torch.from_numpy(data).view(torch.float32).as_strided((2,), (1,), 1)
    assert ours.dtype == nr.float32
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
