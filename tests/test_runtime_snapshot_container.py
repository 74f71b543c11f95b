"""The container the memory snapshot ships in (tools/snapshot_container.py).

The worker decodes the same layout in JavaScript (``decodeSnapshot`` in
docs/assets/javascripts/key-checker-worker.js); the browser tests cover that side.
"""

import gzip
import random
import struct

import pytest

import snapshot_container as container  # tools/ is on sys.path (conftest.py)
from conftest import ROOT

PAGE = container.PAGE_SIZE


def pages(*kinds, tail=b""):
    """Memory made of 4-KiB pages: "0" a zero page, "x" a page with data, then `tail`."""
    rng = random.Random(4)
    return b"".join(bytes(PAGE) if k == "0" else rng.randbytes(PAGE) for k in kinds) + tail


@pytest.mark.parametrize("raw", [
    b"",
    bytes(PAGE * 3),
    pages("x", "x"),
    pages("0", "x", "0", "0", "x", "0", "x", "0", "0"),  # more than 4 pages: a second byte of kinds
    pages("x", "0", tail=b"\x01" + bytes(143)),  # a short last page with data
    pages("x", "0", tail=bytes(144)),  # a short last page of zeros
    bytes(PAGE - 1) + b"\x01",  # the only non-zero byte is a page's last
])
def test_round_trip(raw):
    encoded = container.encode(raw)
    assert container.decode(encoded) == raw
    assert encoded.startswith(container.MAGIC)


def test_layout_zero_pages_and_fresh_memory_pages_left_out():
    # A "snapshot" of 16 header bytes then memory: pages 1, 3 and 4 are the fresh memory's,
    # page 5 is zero, pages 0 (the header), 2 (changed) and the short last one are stored.
    fresh = pages("x", "x", "x", "x", "x")
    header = b"H" * 16
    memory = bytearray(fresh)
    memory[0:10] = b"changed..."  # page 0 holds the header, so it differs anyway
    memory[2 * PAGE + 100] ^= 0xFF  # page 2 differs from the fresh memory
    raw = header + bytes(memory[:5 * PAGE - 16]) + bytes(PAGE) + b"\x07" * 10
    encoded = container.encode(raw, fresh, memory_offset=16)
    magic, length, page_size, count, offset, _ = struct.unpack_from("<8sQIIII", encoded)
    assert (magic, length, page_size, count, offset) == (b"PYSNAPZ2", len(raw), PAGE, 7, 16)
    kinds = encoded[32:34]
    # 2 bits a page, page 0 in the low bits: stored, copied, stored, copied | copied, zero, stored
    assert kinds == bytes([0b10_01_10_01, 0b00_01_00_10]), kinds
    assert len(encoded) == 32 + 2 + 2 * PAGE + 10  # pages 0, 2 and the short page 6
    assert container.decode(encoded, fresh) == raw


def test_a_different_fresh_memory_is_refused():
    fresh = pages("x", "x", "x")
    raw = bytes(8) + fresh[:3 * PAGE - 8]
    encoded = container.encode(raw, fresh, memory_offset=8)
    other = bytearray(fresh)
    other[PAGE + 5] ^= 1
    with pytest.raises(ValueError, match="fresh memory"):
        container.decode(encoded, bytes(other))
    with pytest.raises(ValueError, match="outside the fresh memory"):
        container.decode(encoded, b"")


def test_other_page_sizes():
    raw = bytes(100) + b"a" + bytes(300)
    for size in (4, 8, 64, 1024):
        assert container.decode(container.encode(raw, page_size=size)) == raw
    with pytest.raises(ValueError, match="multiple of 4"):
        container.encode(raw, page_size=7)


def test_the_checksum_is_the_workers():
    # The worker (decodeSnapshot) computes the same: h = ((h ^ word) * 0x9E3779B1 + 1) mod 2**32.
    assert container.checksum(b"") == 0
    assert container.checksum(struct.pack("<2I", 1, 2)) == ((((1 * 0x9E3779B1) + 1) % 2**32 ^ 2) * 0x9E3779B1 + 1) % 2**32


@pytest.mark.parametrize("damage, message", [
    (lambda d: b"NOTSNAP!" + d[8:], "not a snapshot"),
    (lambda d: d[:-1], "too short"),
    (lambda d: d + b"\0", "too long"),
    (lambda d: d[:8] + struct.pack("<QII", 5 * PAGE, PAGE, 4) + d[24:], "header"),
    (lambda d: d[:8] + struct.pack("<QII", 5 * PAGE, 0, 5) + d[24:], "header"),
    (lambda d: d[:32] + bytes([0b11]) + d[33:], "kind"),
])
def test_damaged_containers_are_refused(damage, message):
    data = container.encode(pages("x", "0", "x", "0", "x"))
    with pytest.raises(ValueError, match=message):
        container.decode(damage(data))


def test_the_built_snapshot_is_a_container_that_decodes():
    """The file the site ships (after `make runtime`) holds what its manifest says."""
    import json

    manifest_path = ROOT / "build" / "runtime" / "manifest.json"
    if not manifest_path.exists():
        pytest.skip("no build/runtime: run `make runtime`")
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))["snapshot"]
    data = gzip.decompress((ROOT / "build" / "runtime" / "pyodide" / manifest["file"]).read_bytes())
    assert len(data) == manifest["container_bytes"]
    fresh = gzip.decompress((ROOT / "build" / "runtime" / "fresh-memory.bin.gz").read_bytes())
    raw = container.decode(data, fresh)
    assert len(raw) == manifest["raw_bytes"] == len(fresh) + struct.unpack_from("<I", raw, 4)[0]
    assert container.encode(raw, fresh, len(raw) - len(fresh)) == data
    kinds = data[32:32 + -(-struct.unpack_from("<I", data, 20)[0] // 4)]
    copied = sum(((byte >> shift) & 3) == container.INITIAL for byte in kinds for shift in (0, 2, 4, 6))
    assert copied > 100  # the fresh memory's pages are really left out
