import numpy as np
import pytest

from binembed.codes import BinaryCodes, pack_bits, unpack_bits


def test_bit_order_is_documented_big_endian_within_bytes():
    bits = np.zeros((1, 10), dtype=np.uint8)
    bits[0, 0] = 1  # first bit -> most significant bit of byte 0
    bits[0, 9] = 1  # tenth bit -> second most significant bit of byte 1
    packed = pack_bits(bits)
    assert packed.tolist() == [[0b1000_0000, 0b0100_0000]]
    assert (unpack_bits(packed, 10) == bits).all()


@pytest.mark.parametrize("n_bits", [1, 7, 8, 50, 64, 65, 300])
def test_round_trip_through_npz(tmp_path, n_bits):
    rng = np.random.default_rng(n_bits)
    bits = rng.integers(0, 2, size=(5, n_bits))
    codes = BinaryCodes.from_bits(["a", "b", "c", "d", "e"], bits, {"method": "test", "seed": 3})
    loaded = BinaryCodes.load(codes.save(tmp_path / "codes.npz"))
    assert loaded.words == codes.words
    assert loaded.n_bits == n_bits
    assert (loaded.bits() == bits).all()
    assert loaded.metadata["method"] == "test" and loaded.metadata["seed"] == 3
    assert loaded.metadata["binembed_version"]
    assert [p.name for p in tmp_path.iterdir()] == ["codes.npz"]


def test_padding_bits_must_be_zero():
    with pytest.raises(ValueError, match="padding"):
        BinaryCodes(["a"], np.array([[0b0000_0001]], dtype=np.uint8), 7)


def test_shape_must_match_bits():
    with pytest.raises(ValueError, match="packed shape"):
        BinaryCodes(["a", "b"], np.zeros((2, 2), dtype=np.uint8), 20)


def test_tissier_export_puts_first_bit_in_most_significant_position(tmp_path):
    bits = np.zeros((2, 128), dtype=np.uint8)
    bits[0, 0] = 1  # word "x": first bit only
    bits[1, 63] = 1  # word "y": 64th bit -> least significant bit of group 1
    bits[1, 64] = 1  # and 65th -> most significant bit of group 2
    path = BinaryCodes.from_bits(["x", "y"], bits).to_tissier_text(tmp_path / "codes.txt")
    lines = path.read_text().splitlines()
    assert lines[0] == "2 128"
    assert lines[1] == f"x {2**63} 0"
    assert lines[2] == f"y 1 {2**63}"


@pytest.mark.parametrize("n_bits", [64, 100, 256])
def test_tissier_text_round_trip(tmp_path, n_bits):
    bits = np.random.default_rng(1).integers(0, 2, size=(4, n_bits))
    codes = BinaryCodes.from_bits(list("abcd"), bits)
    back = BinaryCodes.from_tissier_text(codes.to_tissier_text(tmp_path / "c.txt"))
    assert back.words == codes.words and back.n_bits == n_bits
    assert (back.packed == codes.packed).all()


def test_words_are_stored_compactly_and_exactly(tmp_path):
    words = ["a", "ünïcode", "New_York", "x" * 300]
    codes = BinaryCodes.from_bits(words, np.ones((4, 3), dtype=np.uint8))
    path = codes.save(tmp_path / "c.npz")
    assert BinaryCodes.load(path).words == words
    assert path.stat().st_size < 2000
    with pytest.raises(ValueError, match="newline"):
        BinaryCodes.from_bits(["a\nb"], np.ones((1, 3))).save(tmp_path / "bad.npz")


def test_tissier_export_refuses_words_with_whitespace_and_can_pad_the_header(tmp_path):
    bits = np.random.default_rng(3).integers(0, 2, size=(2, 50))
    with pytest.raises(ValueError, match="word 'New York' is empty or holds whitespace"):
        BinaryCodes.from_bits(["New York", "car"], bits).to_tissier_text(tmp_path / "bad.txt")
    assert not (tmp_path / "bad.txt").exists()
    codes = BinaryCodes.from_bits(["New_York", "car"], bits)
    padded = codes.to_tissier_text(tmp_path / "padded.txt", pad_header=True)
    assert padded.read_text().splitlines()[0] == "2 64"  # Tissier's tools read 64 // 64 = 1 integer
    back = BinaryCodes.from_tissier_text(padded)
    assert back.n_bits == 64 and (unpack_bits(back.packed, 64)[:, :50] == bits).all()
    assert not unpack_bits(back.packed, 64)[:, 50:].any()


def test_a_full_disk_is_named_and_leaves_no_partial_file(tmp_path):
    import errno

    from binembed.fileio.files import atomic_output

    target = tmp_path / "codes.npz"
    full = r"the disk is full: No space left on device while writing .*codes.npz"
    with pytest.raises(OSError, match=full), atomic_output(target) as tmp:
        tmp.write_bytes(b"half")
        raise OSError(errno.ENOSPC, "No space left on device")
    assert list(tmp_path.iterdir()) == []
